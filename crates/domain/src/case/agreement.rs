//! Collaboration agreements (ententes): which categories of a case may flow between two or
//! more organizations or sectors, and when. Where the coalition requires it, a flow from a
//! case's lead to another organization needs a live agreement as well as consent.

use super::CategorySet;
use super::consent::Recipient;
use crate::Timestamp;

/// The longest title or purpose accepted.
pub const TEXT_MAX: usize = 2_000;

/// An agreement as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementRecord {
    pub id: crate::AgreementId,
    pub title: String,
    pub purpose: String,
    pub parties: Vec<Recipient>,
    pub categories: CategorySet,
    pub starts_at: Timestamp,
    pub ends_at: Option<Timestamp>,
    pub document: String,
}

impl AgreementRecord {
    /// The rule's view of it.
    pub fn agreement(&self) -> super::Agreement {
        super::Agreement {
            parties: self.parties.clone(),
            categories: self.categories,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
        }
    }
}

/// An agreement being recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAgreement {
    pub title: String,
    pub purpose: String,
    pub parties: Vec<Recipient>,
    pub categories: CategorySet,
    pub starts_at: Timestamp,
    pub ends_at: Option<Timestamp>,
    pub document: String,
}

/// What is wrong with an agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AgreementProblem {
    #[error("a title is required")]
    MissingTitle,
    #[error("the purpose is required")]
    MissingPurpose,
    #[error("a text is longer than {TEXT_MAX} characters")]
    TooLong,
    #[error("an agreement has at least two parties")]
    TooFewParties,
    #[error("name at least one category of information")]
    NoCategory,
    #[error("the end comes before the start")]
    EndBeforeStart,
}

impl AgreementProblem {
    pub fn message_id(self) -> &'static str {
        match self {
            AgreementProblem::MissingTitle => "agreement-problem-missing-title",
            AgreementProblem::MissingPurpose => "agreement-problem-missing-purpose",
            AgreementProblem::TooLong => "agreement-problem-too-long",
            AgreementProblem::TooFewParties => "agreement-problem-too-few-parties",
            AgreementProblem::NoCategory => "agreement-problem-no-category",
            AgreementProblem::EndBeforeStart => "agreement-problem-end-before-start",
        }
    }
}

impl NewAgreement {
    pub fn validate(&self) -> Result<(), Vec<AgreementProblem>> {
        let mut problems = Vec::new();
        if self.title.trim().is_empty() {
            problems.push(AgreementProblem::MissingTitle);
        }
        if self.purpose.trim().is_empty() {
            problems.push(AgreementProblem::MissingPurpose);
        }
        if [&self.title, &self.purpose, &self.document]
            .iter()
            .any(|t| t.chars().count() > TEXT_MAX)
        {
            problems.push(AgreementProblem::TooLong);
        }
        let mut distinct = self.parties.clone();
        distinct.sort_by_key(ToString::to_string);
        distinct.dedup();
        // Two sectors, two organizations, or an organization and a sector: a flow needs two
        // ends. A single sector can agree within itself (the community sector, say).
        let within_one_sector = matches!(distinct.as_slice(), [Recipient::Sector(_)]);
        if distinct.len() < 2 && !within_one_sector {
            problems.push(AgreementProblem::TooFewParties);
        }
        if self.categories.is_empty() {
            problems.push(AgreementProblem::NoCategory);
        }
        if self.ends_at.is_some_and(|end| end <= self.starts_at) {
            problems.push(AgreementProblem::EndBeforeStart);
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::DataCategory;
    use crate::case::Party;
    use crate::{OrgId, Sector};

    fn new(parties: Vec<Recipient>) -> NewAgreement {
        NewAgreement {
            title: "Entente".into(),
            purpose: "Hébergement d’urgence".into(),
            parties,
            categories: [DataCategory::Contact].into_iter().collect(),
            starts_at: Timestamp(10),
            ends_at: Some(Timestamp(20)),
            document: String::new(),
        }
    }

    #[test]
    fn an_agreement_needs_two_ends_a_category_and_a_sensible_period() {
        let a = Recipient::Party(Party::Organization(OrgId::new()));
        let b = Recipient::Sector(Sector::HealthSocial);
        assert_eq!(new(vec![a, b]).validate(), Ok(()));
        assert_eq!(
            new(vec![Recipient::Sector(Sector::Community)]).validate(),
            Ok(())
        );
        assert_eq!(
            new(vec![a, a]).validate(),
            Err(vec![AgreementProblem::TooFewParties])
        );
        let bad = NewAgreement {
            title: " ".into(),
            categories: CategorySet::EMPTY,
            ends_at: Some(Timestamp(5)),
            ..new(vec![a, b])
        };
        assert_eq!(
            bad.validate(),
            Err(vec![
                AgreementProblem::MissingTitle,
                AgreementProblem::NoCategory,
                AgreementProblem::EndBeforeStart
            ])
        );
    }
}
