//! Access without consent, and its trace: a legal basis a privacy officer records for
//! police (a court order, a warrant, an imminent danger), and emergency access (break-glass)
//! that a second person approves — or that opens for one hour on a declared imminent danger
//! and is reviewed afterwards. Every read it opens goes to the disclosure register.

use super::CategorySet;
use super::consent::LegalGround;
use crate::vocabulary::vocabulary;
use crate::{OrgId, Timestamp};

/// How long approved emergency access stays open.
pub const APPROVED_ACCESS_MS: i64 = 24 * 3_600_000;
/// How long access opened on a declared imminent danger stays open before anyone approves.
pub const IMMINENT_ACCESS_MS: i64 = 3_600_000;
/// The longest a legal basis is recorded for; a longer order is recorded again.
pub const LEGAL_BASIS_MAX_MS: i64 = 365 * 86_400_000;
/// The longest reason or reference accepted.
pub const REASON_MAX: usize = 2_000;

/// A legal basis as a privacy officer records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLegalBasis {
    pub ground: LegalGround,
    /// The order's or warrant's number, or what the danger is.
    pub reference: String,
    /// The police organization it discloses to.
    pub recipient: OrgId,
    pub categories: CategorySet,
    pub expires_at: Timestamp,
}

/// What is wrong with a legal basis or an emergency request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DisclosureProblem {
    #[error("the reference or reason is required")]
    MissingReason,
    #[error("the reference or reason is longer than {REASON_MAX} characters")]
    ReasonTooLong,
    #[error("name at least one category of information")]
    NoCategory,
    #[error("the end must be in the future, and within a year")]
    BadExpiry,
    #[error("the recipient is not a police organization")]
    NotPolice,
    #[error("no case has this reference")]
    UnknownCase,
}

impl DisclosureProblem {
    pub fn message_id(self) -> &'static str {
        match self {
            DisclosureProblem::MissingReason => "disclosure-problem-missing-reason",
            DisclosureProblem::ReasonTooLong => "disclosure-problem-reason-too-long",
            DisclosureProblem::NoCategory => "disclosure-problem-no-category",
            DisclosureProblem::BadExpiry => "disclosure-problem-bad-expiry",
            DisclosureProblem::NotPolice => "disclosure-problem-not-police",
            DisclosureProblem::UnknownCase => "disclosure-problem-unknown-case",
        }
    }
}

fn reason_problems(reason: &str) -> Option<DisclosureProblem> {
    if reason.trim().is_empty() {
        Some(DisclosureProblem::MissingReason)
    } else if reason.chars().count() > REASON_MAX {
        Some(DisclosureProblem::ReasonTooLong)
    } else {
        None
    }
}

impl NewLegalBasis {
    /// Every problem; `police` says whether the recipient is in the police sector.
    pub fn validate(&self, police: bool, now: Timestamp) -> Result<(), Vec<DisclosureProblem>> {
        let mut problems: Vec<DisclosureProblem> =
            reason_problems(&self.reference).into_iter().collect();
        if self.categories.is_empty() {
            problems.push(DisclosureProblem::NoCategory);
        }
        if self.expires_at <= now || self.expires_at.0 > now.0 + LEGAL_BASIS_MAX_MS {
            problems.push(DisclosureProblem::BadExpiry);
        }
        if !police {
            problems.push(DisclosureProblem::NotPolice);
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

/// An emergency access request as someone makes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEmergencyRequest {
    pub reason: String,
    pub categories: CategorySet,
    /// A serious and imminent risk of death or injury: access opens now, for an hour, and
    /// a privacy officer reviews it afterwards.
    pub imminent: bool,
}

impl NewEmergencyRequest {
    pub fn validate(&self) -> Result<(), Vec<DisclosureProblem>> {
        let mut problems: Vec<DisclosureProblem> =
            reason_problems(&self.reason).into_iter().collect();
        if self.categories.is_empty() {
            problems.push(DisclosureProblem::NoCategory);
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

vocabulary!(
    /// Where an emergency access request stands.
    EmergencyStatus, "emergency_status" {
        // Waiting for a privacy officer.
        Requested => "requested",
        Approved => "approved",
        Refused => "refused",
        // Opened on a declared imminent danger, not yet reviewed.
        Imminent => "imminent",
        // Opened on an imminent danger, then reviewed by a privacy officer.
        Reviewed => "reviewed",
    }
);

/// Access without consent, as the lead and the privacy officer see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExceptionalAccess {
    pub id: String,
    pub kind: ExceptionalKind,
    pub case: crate::CaseId,
    pub case_reference: String,
    /// Who it opens to: the person who asked, or the police organization.
    pub holder: crate::Bilingual<String>,
    pub categories: CategorySet,
    /// The reference of the order or warrant, or the reason given.
    pub reason: String,
    pub at: Timestamp,
    /// When access closes (`None`: not open, or not yet).
    pub until: Option<Timestamp>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExceptionalKind {
    LegalBasis(LegalGround),
    Emergency {
        status: EmergencyStatus,
        imminent: bool,
    },
}

/// One disclosure without consent: a read the register keeps (Québec P-39.1 s. 18.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisclosureEntry {
    pub at: Timestamp,
    pub case_reference: String,
    pub user_name: String,
    pub organization: Option<crate::Bilingual<String>>,
    pub categories: CategorySet,
    /// `legal_basis` and/or `emergency_access`.
    pub grounds: Vec<String>,
}

/// What the privacy officer's desk shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivacyDeskView {
    /// Emergency requests to decide, and accesses opened on an imminent danger to review.
    pub waiting: Vec<ExceptionalAccess>,
    /// Legal bases recorded, newest first.
    pub legal_bases: Vec<ExceptionalAccess>,
    /// The disclosure register, newest first.
    pub register: Vec<DisclosureEntry>,
}

/// What a privacy officer does with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmergencyDecision {
    Approve,
    Refuse,
    /// Mark access opened on an imminent danger as reviewed.
    Review,
}

/// The status a decision leads to, or `None` when it does not apply to the request's
/// status (decided already, or not waiting for that).
pub fn decide(status: EmergencyStatus, decision: EmergencyDecision) -> Option<EmergencyStatus> {
    use EmergencyDecision as D;
    use EmergencyStatus as S;
    match (status, decision) {
        (S::Requested, D::Approve) => Some(S::Approved),
        (S::Requested, D::Refuse) => Some(S::Refused),
        (S::Imminent, D::Review) => Some(S::Reviewed),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::DataCategory;

    #[test]
    fn every_status_and_decision() {
        use EmergencyDecision as D;
        use EmergencyStatus as S;
        for status in S::ALL {
            for decision in [D::Approve, D::Refuse, D::Review] {
                let expected = match (status, decision) {
                    (S::Requested, D::Approve) => Some(S::Approved),
                    (S::Requested, D::Refuse) => Some(S::Refused),
                    (S::Imminent, D::Review) => Some(S::Reviewed),
                    _ => None,
                };
                assert_eq!(decide(*status, decision), expected, "{status} {decision:?}");
            }
        }
    }

    #[test]
    fn a_legal_basis_names_its_reference_categories_police_and_a_near_end() {
        let now = Timestamp(1_000_000_000);
        let ok = NewLegalBasis {
            ground: LegalGround::Warrant,
            reference: "500-01-123456-261".into(),
            recipient: OrgId::new(),
            categories: [DataCategory::Identity].into_iter().collect(),
            expires_at: Timestamp(now.0 + 86_400_000),
        };
        assert_eq!(ok.validate(true, now), Ok(()));
        let bad = NewLegalBasis {
            reference: " ".into(),
            categories: CategorySet::EMPTY,
            expires_at: Timestamp(now.0 + 2 * LEGAL_BASIS_MAX_MS),
            ..ok
        };
        assert_eq!(
            bad.validate(false, now),
            Err(vec![
                DisclosureProblem::MissingReason,
                DisclosureProblem::NoCategory,
                DisclosureProblem::BadExpiry,
                DisclosureProblem::NotPolice,
            ])
        );
    }
}
