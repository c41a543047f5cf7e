//! Shared cases: one person's file, held by a lead organization (or the coalition's intake
//! line) and a team drawn from several organizations, each seeing only what the person
//! agreed to (`consent`).

pub mod agreement;
pub mod consent;
pub mod disclosure;
pub mod documents;
mod lifecycle;
pub mod record;
pub mod steps;
pub mod team;
pub mod terms;

use std::fmt;

pub use agreement::{AgreementProblem, AgreementRecord, NewAgreement};
pub use consent::{
    Agreement, CaseAccess, Consent, ConsentForm, ConsentProblem, ConsentedRead, Disclosure,
    EmergencyAccess, LegalBasis, LegalGround, NewConsent, Purpose, Recipient, Relation,
    SharingRules, Viewer,
};
pub use disclosure::{
    DisclosureEntry, DisclosureProblem, EmergencyDecision, EmergencyStatus, ExceptionalAccess,
    ExceptionalKind, NewEmergencyRequest, NewLegalBasis, PrivacyDeskView,
};
pub use documents::{
    DOCUMENT_MAX_BYTES, DocumentInfo, DocumentProblem, DocumentType, NewDocument, ascii_file_name,
    check_file, sniff,
};
pub use lifecycle::{CaseEvent, CaseRefusal, CaseStep, transition};
pub use record::{
    CaseFile, CaseProblem, CaseSummary, ConsentRecord, Contact, DETAIL_FIELDS, DetailsPart,
    Identity, MemberView, NewCase, NewNote, Note, NoteSensitivity, PersonDetails,
    PossibleDuplicate, Whereabouts, match_keys,
};
pub use steps::{
    FieldChange, NewStep, Reminder, STEP_FIELDS, Step, StepKind, StepProblem, StepStatus,
    StepTrack, changed_fields,
};
pub use team::{TeamProblem, check_joining, check_leaving, check_taking_over};
pub use terms::{CONFIGURABLE, Configurable, TermProblem, TermSetting, Terms};

use crate::vocabulary::vocabulary;
use crate::{OrgId, Sector, UserId};

vocabulary!(
    /// Where a case stands.
    CaseStatus, "case_status" {
        Open => "open",
        OnHold => "on_hold",
        Closed => "closed",
    }
);

vocabulary!(
    /// Why a case was closed.
    ClosureReason, "closure_reason" {
        GoalsMet => "goals_met",
        PersonDeclined => "person_declined",
        LostContact => "lost_contact",
        ReferredElsewhere => "referred_elsewhere",
        Relocated => "relocated",
        Deceased => "deceased",
        Other => "other",
    }
);

vocabulary!(
    /// The form of exploitation, as far as it is known.
    Exploitation, "exploitation" {
        Sexual => "sexual",
        ForcedLabour => "forced_labour",
        SexualAndLabour => "sexual_and_labour",
        ForcedCriminality => "forced_criminality",
        Other => "other",
        Undetermined => "undetermined",
    }
);

vocabulary!(
    /// Whether borders were crossed (Criminal Code s. 279.01 or IRPA s. 118).
    TraffickingScope, "trafficking_scope" {
        Internal => "internal",
        International => "international",
        Undetermined => "undetermined",
    }
);

vocabulary!(
    /// A member's place in the team.
    CaseRole, "case_role" {
        // Holds the case for the lead organization: manages the team and consents.
        LeadWorker => "lead_worker",
        TeamMember => "team_member",
        // Reads what consent allows, writes nothing (a supervisor, a liaison).
        Observer => "observer",
    }
);

vocabulary!(
    /// The kinds of personal data a consent names. What is not a category (the alias, the
    /// case number, the status, the team) is seen by every member.
    DataCategory, "data_category" {
        Identity => "identity",
        Contact => "contact",
        Location => "location",
        Screening => "screening",
        Health => "health",
        Immigration => "immigration",
        Legal => "legal",
        Notes => "notes",
    }
);

/// A set of data categories, as a bit per category.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CategorySet(u16);

impl CategorySet {
    pub const EMPTY: CategorySet = CategorySet(0);

    pub fn all() -> CategorySet {
        DataCategory::ALL.iter().copied().collect()
    }

    fn bit(category: DataCategory) -> u16 {
        let index = DataCategory::ALL
            .iter()
            .position(|c| *c == category)
            .unwrap_or_default();
        1 << index
    }

    pub fn contains(self, category: DataCategory) -> bool {
        self.0 & Self::bit(category) != 0
    }

    pub fn insert(&mut self, category: DataCategory) {
        self.0 |= Self::bit(category);
    }

    pub fn union(self, other: CategorySet) -> CategorySet {
        CategorySet(self.0 | other.0)
    }

    pub fn intersection(self, other: CategorySet) -> CategorySet {
        CategorySet(self.0 & other.0)
    }

    /// What `self` holds and `other` does not.
    pub fn difference(self, other: CategorySet) -> CategorySet {
        CategorySet(self.0 & !other.0)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = DataCategory> {
        DataCategory::ALL
            .iter()
            .copied()
            .filter(move |c| self.contains(*c))
    }

    /// The stable keys, for storage and the API.
    pub fn keys(self) -> Vec<&'static str> {
        self.iter().map(DataCategory::key).collect()
    }
}

impl FromIterator<DataCategory> for CategorySet {
    fn from_iter<I: IntoIterator<Item = DataCategory>>(iter: I) -> Self {
        let mut set = CategorySet::EMPTY;
        for category in iter {
            set.insert(category);
        }
        set
    }
}

impl fmt::Debug for CategorySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.keys()).finish()
    }
}

/// Who holds or joins a case: a member organization, or the coalition's own intake line
/// (its coordinators belong to no organization).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Party {
    Coalition,
    Organization(OrgId),
}

impl Party {
    /// The party a user acts for.
    pub fn of(org: Option<OrgId>) -> Party {
        org.map_or(Party::Coalition, Party::Organization)
    }
}

/// A party with the sector it belongs to, as consents and agreements name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartyFacts {
    pub party: Party,
    pub sector: Option<Sector>,
}

/// One member of a case's team.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TeamMember {
    pub user: UserId,
    pub party: Party,
    pub role: CaseRole,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_category_set_holds_exactly_what_was_put_in() {
        for (i, a) in DataCategory::ALL.iter().enumerate() {
            for b in &DataCategory::ALL[i..] {
                let set: CategorySet = [*a, *b].into_iter().collect();
                for c in DataCategory::ALL {
                    assert_eq!(set.contains(*c), c == a || c == b, "{a} {b} {c}");
                }
            }
        }
        assert_eq!(CategorySet::all().iter().count(), DataCategory::ALL.len());
        assert!(CategorySet::EMPTY.is_empty());
    }
}
