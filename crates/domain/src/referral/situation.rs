//! What services need to know to take the person — age group, gender, languages,
//! dependants, substance use, immigration status — and how the person may be contacted
//! safely. Each fact is of the category it reveals (a substance use is health data), sealed
//! apart, and read only where that category is disclosed: a fact the reader may not see is
//! unknown to them, never "no".

use crate::case::{CategorySet, DataCategory};
use crate::vocabulary::vocabulary;

vocabulary!(
    AgeGroup, "age_group" {
        Minor => "minor",
        Adult => "adult",
    }
);

vocabulary!(
    /// The person's gender, as services' eligibility names it.
    Gender, "gender_identity" {
        Woman => "woman",
        Man => "man",
        GenderDiverse => "gender_diverse",
    }
);

vocabulary!(
    ImmigrationStatus, "immigration_status" {
        CitizenOrPermanent => "citizen_or_permanent",
        Temporary => "temporary",
        NoStatus => "no_status",
        // Asked, and not known (yet): not the same as no status.
        Unknown => "unknown",
    }
);

vocabulary!(
    /// The one way it is safe to reach the person.
    SafeChannel, "safe_channel" {
        Phone => "phone",
        Text => "text",
        Email => "email",
        InPerson => "in_person",
        // Only through the worker who holds the case.
        ThroughWorker => "through_worker",
    }
);

/// The facts of category `identity`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IdentityFacts {
    pub age_group: Option<AgeGroup>,
    pub gender: Option<Gender>,
    /// ISO 639 codes, most comfortable first (`es`, `tl`).
    pub languages: Vec<String>,
    /// Children or other dependants with the person.
    pub dependants: Option<bool>,
}

/// The facts of category `health`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HealthFacts {
    pub substance_use: Option<bool>,
}

/// The facts of category `immigration`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImmigrationFacts {
    pub status: Option<ImmigrationStatus>,
}

/// The person's situation as one reader sees it: the parts of categories not disclosed to
/// them are `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Situation {
    pub identity: Option<IdentityFacts>,
    pub health: Option<HealthFacts>,
    pub immigration: Option<ImmigrationFacts>,
}

impl Situation {
    /// The categories of the parts it holds.
    pub fn categories(&self) -> CategorySet {
        let mut set = CategorySet::EMPTY;
        if self.identity.is_some() {
            set.insert(DataCategory::Identity);
        }
        if self.health.is_some() {
            set.insert(DataCategory::Health);
        }
        if self.immigration.is_some() {
            set.insert(DataCategory::Immigration);
        }
        set
    }

    /// Only the parts of `categories`: what a reader of those is shown.
    pub fn within(self, categories: CategorySet) -> Situation {
        Situation {
            identity: self
                .identity
                .filter(|_| categories.contains(DataCategory::Identity)),
            health: self
                .health
                .filter(|_| categories.contains(DataCategory::Health)),
            immigration: self
                .immigration
                .filter(|_| categories.contains(DataCategory::Immigration)),
        }
    }

    pub fn age_group(&self) -> Option<AgeGroup> {
        self.identity.as_ref().and_then(|i| i.age_group)
    }

    pub fn gender(&self) -> Option<Gender> {
        self.identity.as_ref().and_then(|i| i.gender)
    }

    pub fn languages(&self) -> &[String] {
        self.identity.as_ref().map_or(&[], |i| &i.languages)
    }

    pub fn substance_use(&self) -> Option<bool> {
        self.health.as_ref().and_then(|h| h.substance_use)
    }

    pub fn immigration(&self) -> Option<ImmigrationStatus> {
        self.immigration.as_ref().and_then(|i| i.status)
    }

    /// Trims and lower-cases language codes, dropping blanks and repeats.
    pub fn normalized(mut self) -> Situation {
        if let Some(identity) = self.identity.as_mut() {
            let mut seen = Vec::new();
            for code in identity.languages.drain(..) {
                let code = code.trim().to_ascii_lowercase();
                if !code.is_empty() && !seen.contains(&code) {
                    seen.push(code);
                }
            }
            identity.languages = seen;
        }
        self
    }

    /// Whether every language code is two or three ASCII letters.
    pub fn languages_valid(&self) -> bool {
        self.languages()
            .iter()
            .all(|c| (2..=3).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_lowercase()))
    }
}

/// One part of the situation as it is written: each is of one category, which its writer
/// must be allowed to write (contact safety is `contact`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SituationPart {
    Identity(IdentityFacts),
    Health(HealthFacts),
    Immigration(ImmigrationFacts),
    ContactSafety(ContactSafety),
}

impl SituationPart {
    /// The part tidied, or why it cannot be kept.
    pub fn validate(self) -> Result<SituationPart, super::ReferralProblem> {
        use super::ReferralProblem;
        match self {
            SituationPart::Identity(facts) => {
                let situation = Situation {
                    identity: Some(facts),
                    ..Situation::default()
                }
                .normalized();
                if !situation.languages_valid() {
                    return Err(ReferralProblem::BadLanguage);
                }
                Ok(SituationPart::Identity(
                    situation.identity.unwrap_or_default(),
                ))
            }
            SituationPart::ContactSafety(safety) => {
                let safety = safety.normalized();
                if safety
                    .safe_times
                    .as_deref()
                    .is_some_and(|t| t.chars().count() > crate::case::record::LINE_MAX)
                {
                    return Err(ReferralProblem::SafeTimesTooLong);
                }
                Ok(SituationPart::ContactSafety(safety))
            }
            other => Ok(other),
        }
    }

    pub fn category(&self) -> DataCategory {
        match self {
            SituationPart::Identity(_) => DataCategory::Identity,
            SituationPart::Health(_) => DataCategory::Health,
            SituationPart::Immigration(_) => DataCategory::Immigration,
            SituationPart::ContactSafety(_) => DataCategory::Contact,
        }
    }

    /// The stored column (a closed list).
    pub fn column(&self) -> &'static str {
        match self {
            SituationPart::Identity(_) => "identity",
            SituationPart::Health(_) => "health",
            SituationPart::Immigration(_) => "immigration",
            SituationPart::ContactSafety(_) => "contact_safety",
        }
    }
}

/// How the person may be contacted, carried wherever someone could contact them. Shown to
/// everyone who reads the case or a referral of it, whatever the consent: its whole purpose
/// is that nobody reaches out unsafely.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ContactSafety {
    pub channel: Option<SafeChannel>,
    /// When contact is safe ("weekdays 9–11 a.m.").
    pub safe_times: Option<String>,
    /// Never leave a voice message or a note.
    pub no_message: bool,
    /// Do not reach out at all: the person makes contact.
    pub do_not_contact: bool,
}

impl ContactSafety {
    pub fn is_empty(&self) -> bool {
        *self == ContactSafety::default()
    }

    pub fn normalized(mut self) -> ContactSafety {
        self.safe_times = self
            .safe_times
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reader_gets_only_the_parts_of_their_categories() {
        let full = Situation {
            identity: Some(IdentityFacts {
                age_group: Some(AgeGroup::Adult),
                ..IdentityFacts::default()
            }),
            health: Some(HealthFacts {
                substance_use: Some(true),
            }),
            immigration: Some(ImmigrationFacts {
                status: Some(ImmigrationStatus::NoStatus),
            }),
        };
        let identity: CategorySet = [DataCategory::Identity].into_iter().collect();
        let seen = full.clone().within(identity);
        assert_eq!(seen.age_group(), Some(AgeGroup::Adult));
        // Unknown to this reader, not "no".
        assert_eq!(seen.substance_use(), None);
        assert_eq!(seen.immigration(), None);
        assert_eq!(seen.categories(), identity);
        assert_eq!(
            full.within(CategorySet::all()).categories().iter().count(),
            3
        );
    }

    #[test]
    fn language_codes_are_tidied_and_checked() {
        let situation = Situation {
            identity: Some(IdentityFacts {
                languages: vec![" ES ".into(), "es".into(), "".into(), "tl".into()],
                ..IdentityFacts::default()
            }),
            ..Situation::default()
        }
        .normalized();
        assert_eq!(situation.languages(), ["es", "tl"]);
        assert!(situation.languages_valid());
        let bad = Situation {
            identity: Some(IdentityFacts {
                languages: vec!["espagnol".into()],
                ..IdentityFacts::default()
            }),
            ..Situation::default()
        };
        assert!(!bad.normalized().languages_valid());
    }
}
