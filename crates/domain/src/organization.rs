//! Organizations and coalitions of the directory ("la mosaïque anti-traite").

use crate::vocabulary::vocabulary;
use crate::{Bilingual, OrgId, Timestamp};

vocabulary!(
    /// Canadian provinces and territories, by their two-letter postal codes.
    Province, "province" {
        Ab => "AB", Bc => "BC", Mb => "MB", Nb => "NB", Nl => "NL", Ns => "NS", Nt => "NT",
        Nu => "NU", On => "ON", Pe => "PE", Qc => "QC", Sk => "SK", Yt => "YT",
    }
);

vocabulary!(
    /// The level at which an organization acts.
    Level, "level" {
        National => "national",
        Provincial => "provincial",
        Regional => "regional",
        Municipal => "municipal",
        Local => "local",
    }
);

vocabulary!(
    /// The sector an organization belongs to.
    Sector, "sector" {
        Community => "community",
        HealthSocial => "health_social",
        Police => "police",
        Legal => "legal",
        Government => "government",
        Immigration => "immigration",
        Education => "education",
        Faith => "faith",
        Other => "other",
    }
);

vocabulary!(
    /// What an organization does in the coalition: the common work of coalitions (MISSION.md,
    /// "Concerted action") and the four P's of the national action plan.
    Mandate, "mandate" {
        DirectServices => "direct_services",
        CaseManagement => "case_management",
        Referrals => "referrals",
        ServiceCoordination => "service_coordination",
        EmergencyAssistance => "emergency_assistance",
        Awareness => "awareness",
        Training => "training",
        InterventionTools => "intervention_tools",
        Networking => "networking",
        Advice => "advice",
        Advocacy => "advocacy",
        Research => "research",
        Prevention => "prevention",
        Protection => "protection",
        Prosecution => "prosecution",
        Partnership => "partnership",
    }
);

/// What the directory says of an organization beyond its name: how it is constituted, its
/// mandates, how to reach it and where it works.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OrgDetails {
    /// A formal organization (incorporated, public body) or an informal group; unknown: `None`.
    pub formal: Option<bool>,
    pub mandates: Vec<Mandate>,
    /// Mandates in its own words, beyond the vocabulary.
    pub mandates_other: String,
    pub website: String,
    pub email: String,
    pub phone: String,
    pub areas: Vec<crate::service::ServiceArea>,
}

/// An organization or coalition as stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Organization {
    pub id: OrgId,
    pub slug: String,
    pub name: Bilingual<String>,
    pub description: Bilingual<String>,
    pub province: Option<Province>,
    pub level: Option<Level>,
    pub sector: Option<Sector>,
    pub founded_year: Option<i32>,
    pub is_coalition: bool,
    /// Where the facts above come from, so nobody mistakes an inference for a fact.
    pub source: String,
    pub details: OrgDetails,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Organization {
    pub fn name(&self, language: crate::Language) -> &str {
        self.name.text(language)
    }

    pub fn description(&self, language: crate::Language) -> &str {
        self.description.text(language)
    }

    /// What an editor would submit to save this organization unchanged.
    pub fn to_new(&self) -> NewOrganization {
        NewOrganization {
            slug: self.slug.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            province: self.province,
            level: self.level,
            sector: self.sector,
            founded_year: self.founded_year,
            is_coalition: self.is_coalition,
            source: self.source.clone(),
            details: self.details.clone(),
        }
    }
}

/// What a caller supplies to create or update an organization; validated before storage.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewOrganization {
    pub slug: String,
    pub name: Bilingual<String>,
    #[serde(default)]
    pub description: Bilingual<String>,
    pub province: Option<Province>,
    pub level: Option<Level>,
    pub sector: Option<Sector>,
    pub founded_year: Option<i32>,
    #[serde(default)]
    pub is_coalition: bool,
    pub source: String,
    #[serde(default)]
    pub details: OrgDetails,
}

impl From<crate::vocabulary::UnknownValue> for OrganizationError {
    fn from(e: crate::vocabulary::UnknownValue) -> Self {
        OrganizationError::UnknownValue {
            field: e.field,
            value: e.value,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrganizationError {
    #[error("{field}: unknown value {value:?}")]
    UnknownValue { field: &'static str, value: String },
    #[error("{field} is required")]
    Missing { field: &'static str },
    #[error("{field} is longer than {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("slug {0:?} must be 2–64 lower-case letters, digits or hyphens")]
    BadSlug(String),
    #[error("founding year {0} is outside 1800–2100")]
    BadYear(i32),
    #[error("{0:?} is not an e-mail address")]
    BadEmail(String),
    #[error("{0:?} is not a web address")]
    BadWebsite(String),
    #[error("area {code:?} is not a known {kind}")]
    BadArea {
        kind: crate::service::ServiceAreaKind,
        code: String,
    },
}

pub const NAME_MAX: usize = 300;
pub const DESCRIPTION_MAX: usize = 10_000;

impl NewOrganization {
    /// Checks every field and returns all the problems at once, so a form or an import can
    /// name each of them instead of failing on the first.
    pub fn validate(&self) -> Result<(), Vec<OrganizationError>> {
        let mut problems = Vec::new();
        if !is_slug(&self.slug) {
            problems.push(OrganizationError::BadSlug(self.slug.clone()));
        }
        for (field, value, max) in [
            ("name_fr", &self.name.fr, NAME_MAX),
            ("name_en", &self.name.en, NAME_MAX),
            ("source", &self.source, NAME_MAX),
        ] {
            if value.trim().is_empty() {
                problems.push(OrganizationError::Missing { field });
            } else if value.chars().count() > max {
                problems.push(OrganizationError::TooLong { field, max });
            }
        }
        for (field, value) in [
            ("description_fr", &self.description.fr),
            ("description_en", &self.description.en),
        ] {
            if value.chars().count() > DESCRIPTION_MAX {
                problems.push(OrganizationError::TooLong {
                    field,
                    max: DESCRIPTION_MAX,
                });
            }
        }
        if let Some(year) = self.founded_year
            && !(1800..=2100).contains(&year)
        {
            problems.push(OrganizationError::BadYear(year));
        }
        let d = &self.details;
        for (field, value) in [
            ("mandates_other", &d.mandates_other),
            ("website", &d.website),
            ("email", &d.email),
            ("phone", &d.phone),
        ] {
            if value.chars().count() > NAME_MAX {
                problems.push(OrganizationError::TooLong {
                    field,
                    max: NAME_MAX,
                });
            }
        }
        let email = d.email.trim();
        if !email.is_empty() && crate::identity::normalize_email(email).is_none() {
            problems.push(OrganizationError::BadEmail(email.to_owned()));
        }
        let website = d.website.trim();
        if !website.is_empty() && (website.contains(char::is_whitespace) || !website.contains('.'))
        {
            problems.push(OrganizationError::BadWebsite(website.to_owned()));
        }
        for area in &d.areas {
            if !area.is_known() {
                problems.push(OrganizationError::BadArea {
                    kind: area.kind,
                    code: area.code.clone(),
                });
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

fn is_slug(s: &str) -> bool {
    (2..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> NewOrganization {
        NewOrganization {
            slug: "cqtp".into(),
            name: Bilingual::new(
                "Coalition québécoise contre la traite des personnes".into(),
                "Québec Coalition Against Human Trafficking".into(),
            ),
            description: Bilingual::default(),
            province: Some(Province::Qc),
            level: Some(Level::Provincial),
            sector: Some(Sector::Community),
            founded_year: Some(2011),
            is_coalition: true,
            source: "test".into(),
            details: Default::default(),
        }
    }

    #[test]
    fn accepts_a_valid_organization() {
        assert_eq!(valid().validate(), Ok(()));
    }

    #[test]
    fn reports_every_problem_at_once() {
        let bad = NewOrganization {
            slug: "Not A Slug".into(),
            name: Bilingual::new(
                "  ".into(),
                "Québec Coalition Against Human Trafficking".into(),
            ),
            founded_year: Some(1200),
            ..valid()
        };
        let problems = bad.validate().expect_err("must be rejected");
        assert_eq!(
            problems,
            vec![
                OrganizationError::BadSlug("Not A Slug".into()),
                OrganizationError::Missing { field: "name_fr" },
                OrganizationError::BadYear(1200),
            ]
        );
    }

    #[test]
    fn details_are_checked_too() {
        use crate::service::{ServiceArea, ServiceAreaKind};
        let mut good = valid();
        good.details = OrgDetails {
            formal: Some(false),
            mandates: vec![Mandate::Referrals, Mandate::Partnership],
            mandates_other: "Cuisine collective".into(),
            website: "exemple.org".into(),
            email: "info@exemple.org".into(),
            phone: "514-555-0100".into(),
            areas: vec![ServiceArea {
                kind: ServiceAreaKind::Region,
                code: "06".into(),
            }],
        };
        assert_eq!(good.validate(), Ok(()));
        let mut bad = good.clone();
        bad.details.email = "info at exemple".into();
        bad.details.website = "pas un site".into();
        bad.details.phone = "5".repeat(NAME_MAX + 1);
        bad.details.areas.push(ServiceArea {
            kind: ServiceAreaKind::Municipality,
            code: "Atlantide".into(),
        });
        assert_eq!(
            bad.validate(),
            Err(vec![
                OrganizationError::TooLong {
                    field: "phone",
                    max: NAME_MAX
                },
                OrganizationError::BadEmail("info at exemple".into()),
                OrganizationError::BadWebsite("pas un site".into()),
                OrganizationError::BadArea {
                    kind: ServiceAreaKind::Municipality,
                    code: "Atlantide".into()
                },
            ])
        );
        for m in Mandate::ALL {
            assert_eq!(m.key().parse::<Mandate>(), Ok(*m));
        }
    }

    #[test]
    fn vocabulary_keys_round_trip() {
        for p in Province::ALL {
            assert_eq!(p.key().parse::<Province>(), Ok(*p));
        }
        for l in Level::ALL {
            assert_eq!(l.key().parse::<Level>(), Ok(*l));
        }
        for s in Sector::ALL {
            assert_eq!(s.key().parse::<Sector>(), Ok(*s));
        }
        assert!(matches!(
            "XX".parse::<Province>(),
            Err(crate::vocabulary::UnknownValue {
                field: "province",
                ..
            })
        ));
    }

    #[test]
    fn slugs_are_strict() {
        for good in ["cqtp", "pact-ottawa", "a1"] {
            assert!(is_slug(good), "{good}");
        }
        for bad in ["", "a", "-x", "x-", "Upper", "ex ample", "é-x"] {
            assert!(!is_slug(bad), "{bad}");
        }
    }
}
