//! Services: what an organization offers, to whom, where and when, and whether there is
//! room tonight. Service domains are the twelve keys shared by the directory, the
//! screening tool and referrals.

use serde::{Deserialize, Serialize};

use crate::directory::geo::Point;
use crate::directory::schedule::Schedule;
use crate::ids::{LocationId, ServiceId};
use crate::policy::Permit;
use crate::policy::directory::{Listing, ListingAction};
use crate::vocabulary::vocabulary;
use crate::{Bilingual, OrgId, Province, Timestamp};

vocabulary!(
    /// A service domain. Immediate safety comes first: it is always the first route.
    ServiceDomain, "domain" {
        ImmediateSafety => "immediate_safety",
        HousingShortTerm => "housing_short_term",
        HousingLongTerm => "housing_long_term",
        Health => "health",
        MaterialNeeds => "material_needs",
        PsychologicalSupport => "psychological_support",
        YouthProtection => "youth_protection",
        Immigration => "immigration",
        Work => "work",
        LegalAid => "legal_aid",
        SpiritualSupport => "spiritual_support",
        Education => "education",
    }
);

vocabulary!(
    /// Whether a service takes people now.
    ServiceStatus, "status" {
        Active => "active",
        TemporarilyClosed => "temporarily_closed",
        Inactive => "inactive",
    }
);

vocabulary!(
    /// Who a service is for, by gender. `GenderDiverse`: trans and non-binary people.
    GenderServed, "gender" {
        All => "all",
        Women => "women",
        Men => "men",
        GenderDiverse => "gender_diverse",
    }
);

vocabulary!(
    Cost, "cost" {
        Free => "free",
        SlidingScale => "sliding_scale",
        Fee => "fee",
    }
);

vocabulary!(
    /// How a person gets in: on their own, or only when referred by a worker.
    Access, "access" {
        SelfReferral => "self_referral",
        ReferralOnly => "referral_only",
    }
);

vocabulary!(
    CapacityUnit, "capacity_unit" {
        Beds => "beds",
        Places => "places",
        Appointments => "appointments",
    }
);

vocabulary!(
    /// The kind of a service area: a whole province, a Québec administrative region, a town.
    ServiceAreaKind, "area_kind" {
        Province => "province",
        Region => "region",
        Municipality => "municipality",
    }
);

/// Who a service serves. Every flag says what a worker at 3 a.m. needs to know before
/// calling: will they take this person?
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Eligibility {
    pub gender: GenderServed,
    pub age_min: Option<u8>,
    pub age_max: Option<u8>,
    /// Accepts people under 18.
    pub minors: bool,
    /// Accepts people who use substances.
    pub substance_use: bool,
    /// Serves people whatever their immigration status.
    pub any_status: bool,
    /// Dedicated to people affected by trafficking (otherwise a general service).
    pub dedicated: bool,
}

impl Default for Eligibility {
    fn default() -> Self {
        Eligibility {
            gender: GenderServed::All,
            age_min: None,
            age_max: None,
            minors: false,
            substance_use: false,
            any_status: false,
            dedicated: false,
        }
    }
}

impl Eligibility {
    /// Whether someone of this age may be served (no age given: anyone the flags allow).
    pub fn accepts_age(&self, age: u8) -> bool {
        (age >= 18 || self.minors)
            && self.age_min.is_none_or(|min| age >= min)
            && self.age_max.is_none_or(|max| age <= max)
    }

    /// Whether a person of this gender may be served.
    pub fn accepts_gender(&self, gender: GenderServed) -> bool {
        self.gender == GenderServed::All || gender == GenderServed::All || self.gender == gender
    }
}

/// Places available (beds tonight, say), with when the count was last updated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capacity {
    pub unit: CapacityUnit,
    pub available: u32,
    pub total: Option<u32>,
    pub updated_at: Timestamp,
}

/// A count older than this is shown as stale: beds change every night.
pub const CAPACITY_STALE_AFTER_MS: i64 = 24 * 3600 * 1000;

/// A service not reviewed for this long is flagged for its organization to review.
pub const REVIEW_AFTER_MS: i64 = 180 * 24 * 3600 * 1000;

impl Capacity {
    pub fn is_stale(&self, now: Timestamp) -> bool {
        now.millis() - self.updated_at.millis() > CAPACITY_STALE_AFTER_MS
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceArea {
    pub kind: ServiceAreaKind,
    /// Province code, Québec region code (`06`) or municipality name.
    pub code: String,
}

impl ServiceArea {
    /// Whether the code names a province, a Québec region or a town of the gazetteer.
    pub fn is_known(&self) -> bool {
        let places = crate::directory::places::gazetteer();
        match self.kind {
            ServiceAreaKind::Province => self.code.parse::<Province>().is_ok(),
            ServiceAreaKind::Region => places.region(&self.code).is_some(),
            ServiceAreaKind::Municipality => places.place(&self.code, None).is_some(),
        }
    }
}

/// Where exactly a site is. For a confidential site (a shelter) only readers the policy
/// allows see it; everyone else sees its town and region (see [`Location::public_site`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub address: String,
    pub postal_code: String,
    pub point: Option<Point>,
}

/// A place where services are given. Its exact site is private to this type: a reader gets
/// it through [`Location::public_site`] (nothing for a confidential site) or with a permit
/// ([`Location::site`]), so the redaction is decided here once for every outlet.
#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    pub id: LocationId,
    pub org_id: OrgId,
    pub name: Bilingual<String>,
    pub city: String,
    pub province: Province,
    /// Québec administrative region (two digits), when in Québec.
    pub region: Option<String>,
    pub confidential: bool,
    pub updated_at: Timestamp,
    site: Site,
}

impl Location {
    /// A location as stored: what its editor gave, and where it was placed.
    pub fn new(
        id: LocationId,
        org_id: OrgId,
        given: NewLocation,
        region: Option<String>,
        updated_at: Timestamp,
    ) -> Location {
        Location {
            id,
            org_id,
            name: given.name,
            city: given.city,
            province: given.province,
            region,
            confidential: given.confidential,
            updated_at,
            site: Site {
                address: given.address,
                postal_code: given.postal_code,
                point: given.point,
            },
        }
    }

    pub fn name(&self, language: crate::Language) -> &str {
        self.name.text(language)
    }

    /// The exact site, for everyone: `None` for a confidential site.
    pub fn public_site(&self) -> Option<&Site> {
        (!self.confidential).then_some(&self.site)
    }

    /// The exact site, for a reader permitted to see this organization's confidential sites
    /// (or to edit them); otherwise what the public sees.
    pub fn site(&self, permit: &Permit<Listing>) -> Option<&Site> {
        let sees_exact = permit.resource().org == self.org_id
            && matches!(
                permit.action(),
                ListingAction::ViewConfidentialSites | ListingAction::EditServices
            );
        if sees_exact {
            Some(&self.site)
        } else {
            self.public_site()
        }
    }

    /// Where the public may place this site: its point, or its town's centre when it is
    /// confidential or has no point (distances, maps).
    pub fn public_point(&self) -> Option<Point> {
        let centre = || {
            crate::directory::places::gazetteer()
                .place(&self.city, Some(self.province))
                .map(|p| p.point)
        };
        self.public_site().and_then(|s| s.point).or_else(centre)
    }

    /// What its editor would submit to save it unchanged; only an editor of its
    /// organization gets it, the exact site being part of it.
    pub fn to_new(&self, permit: &Permit<Listing>) -> Option<NewLocation> {
        let editor =
            permit.resource().org == self.org_id && permit.action() == ListingAction::EditServices;
        editor.then(|| NewLocation {
            name: self.name.clone(),
            address: self.site.address.clone(),
            city: self.city.clone(),
            province: self.province,
            postal_code: self.site.postal_code.clone(),
            point: self.site.point,
            confidential: self.confidential,
        })
    }
}

/// A service as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Service {
    pub id: ServiceId,
    pub org_id: OrgId,
    pub name: Bilingual<String>,
    pub description: Bilingual<String>,
    pub status: ServiceStatus,
    pub domains: Vec<ServiceDomain>,
    pub terms: Vec<String>,
    pub eligibility: Eligibility,
    /// ISO 639-1 codes of the languages the service is given in.
    pub languages: Vec<String>,
    pub cost: Cost,
    pub access: Access,
    pub schedule: Schedule,
    pub capacity: Option<Capacity>,
    pub wait_days: Option<u16>,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub areas: Vec<ServiceArea>,
    pub location_ids: Vec<LocationId>,
    pub reviewed_at: Timestamp,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Service {
    pub fn name(&self, language: crate::Language) -> &str {
        self.name.text(language)
    }

    pub fn description(&self, language: crate::Language) -> &str {
        self.description.text(language)
    }

    pub fn needs_review(&self, now: Timestamp) -> bool {
        now.millis() - self.reviewed_at.millis() > REVIEW_AFTER_MS
    }

    /// What an editor would submit to save this service unchanged.
    pub fn to_new(&self) -> NewService {
        NewService {
            name: self.name.clone(),
            description: self.description.clone(),
            status: self.status,
            domains: self.domains.clone(),
            terms: self.terms.clone(),
            eligibility: self.eligibility.clone(),
            languages: self.languages.clone(),
            cost: self.cost,
            access: self.access,
            schedule: self.schedule.clone(),
            wait_days: self.wait_days,
            phone: self.phone.clone(),
            email: self.email.clone(),
            website: self.website.clone(),
            areas: self.areas.clone(),
        }
    }
}

/// What an editor or an importer supplies for a service; checked by [`NewService::validate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewService {
    pub name: Bilingual<String>,
    #[serde(default)]
    pub description: Bilingual<String>,
    pub status: ServiceStatus,
    pub domains: Vec<ServiceDomain>,
    pub terms: Vec<String>,
    pub eligibility: Eligibility,
    pub languages: Vec<String>,
    pub cost: Cost,
    pub access: Access,
    pub schedule: Schedule,
    pub wait_days: Option<u16>,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub areas: Vec<ServiceArea>,
}

/// What an editor or an importer supplies for a location.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct NewLocation {
    pub name: Bilingual<String>,
    pub address: String,
    pub city: String,
    pub province: Province,
    pub postal_code: String,
    pub point: Option<Point>,
    pub confidential: bool,
}

impl NewLocation {
    /// Every problem: a name in each language, and a town the gazetteer knows in its
    /// province (so searches by place and distance find it).
    pub fn validate(&self) -> Result<(), Vec<LocationError>> {
        let mut problems = Vec::new();
        for (field, value) in [("name_fr", &self.name.fr), ("name_en", &self.name.en)] {
            if value.trim().is_empty() {
                problems.push(LocationError::Missing { field });
            }
        }
        let city = self.city.trim();
        if city.is_empty() {
            problems.push(LocationError::Missing { field: "city" });
        } else if crate::directory::places::gazetteer()
            .place(city, Some(self.province))
            .is_none()
        {
            problems.push(LocationError::UnknownCity(city.to_owned()));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LocationError {
    #[error("{field} is required")]
    Missing { field: &'static str },
    #[error("{0:?} is not a known town of the province")]
    UnknownCity(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceError {
    #[error("{field} is required")]
    Missing { field: &'static str },
    #[error("{field} is longer than {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("a service needs at least one domain")]
    NoDomain,
    #[error("term {0:?} is not in the taxonomy")]
    UnknownTerm(String),
    #[error("term {term:?} belongs to {domain}, which the service does not list")]
    TermOutsideDomains { term: String, domain: ServiceDomain },
    #[error("language {0:?} is not a two-letter ISO 639-1 code")]
    BadLanguage(String),
    #[error("age range {min}–{max} is empty")]
    BadAgeRange { min: u8, max: u8 },
    #[error("an age under 18 is accepted but minors are not")]
    MinorsContradiction,
    #[error("{0}")]
    Schedule(#[from] crate::directory::schedule::ScheduleError),
    #[error("area {code:?} is not a known {kind}")]
    BadArea { kind: ServiceAreaKind, code: String },
}

const NAME_MAX: usize = 200;
const DESCRIPTION_MAX: usize = 4000;
const CONTACT_MAX: usize = 300;

impl NewService {
    /// Every problem, not only the first, so a form or an import report lists them all.
    pub fn validate(&self) -> Result<(), Vec<ServiceError>> {
        use ServiceError as E;
        let mut problems = Vec::new();
        for (field, value, max) in [
            ("name_fr", &self.name.fr, NAME_MAX),
            ("name_en", &self.name.en, NAME_MAX),
            ("description_fr", &self.description.fr, DESCRIPTION_MAX),
            ("description_en", &self.description.en, DESCRIPTION_MAX),
            ("phone", &self.phone, CONTACT_MAX),
            ("email", &self.email, CONTACT_MAX),
            ("website", &self.website, CONTACT_MAX),
        ] {
            if field.starts_with("name") && value.trim().is_empty() {
                problems.push(E::Missing { field });
            }
            if value.chars().count() > max {
                problems.push(E::TooLong { field, max });
            }
        }
        if self.domains.is_empty() {
            problems.push(E::NoDomain);
        }
        let taxonomy = crate::directory::taxonomy::taxonomy();
        for term in &self.terms {
            match taxonomy.domain_of(term) {
                None => problems.push(E::UnknownTerm(term.clone())),
                Some(domain) if !self.domains.contains(&domain) => {
                    problems.push(E::TermOutsideDomains {
                        term: term.clone(),
                        domain,
                    })
                }
                Some(_) => {}
            }
        }
        for language in &self.languages {
            if language.len() != 2 || !language.chars().all(|c| c.is_ascii_lowercase()) {
                problems.push(E::BadLanguage(language.clone()));
            }
        }
        let e = &self.eligibility;
        if let (Some(min), Some(max)) = (e.age_min, e.age_max)
            && min > max
        {
            problems.push(E::BadAgeRange { min, max });
        }
        if e.age_min.is_some_and(|min| min < 18) && !e.minors {
            problems.push(E::MinorsContradiction);
        }
        if let Err(schedule) = self.schedule.validate() {
            problems.push(E::Schedule(schedule));
        }
        for area in &self.areas {
            if !area.is_known() {
                problems.push(E::BadArea {
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn keys_round_trip() {
        for d in ServiceDomain::ALL {
            assert_eq!(d.key().parse::<ServiceDomain>(), Ok(*d));
        }
        assert_eq!(ServiceDomain::ALL.len(), 12);
        assert!("housing".parse::<ServiceDomain>().is_err());
    }

    pub(crate) fn shelter() -> NewService {
        NewService {
            name: Bilingual::new("Hébergement d’urgence".into(), "Emergency shelter".into()),
            description: Bilingual::default(),
            status: ServiceStatus::Active,
            domains: vec![
                ServiceDomain::ImmediateSafety,
                ServiceDomain::HousingShortTerm,
            ],
            terms: vec!["emergency_shelter".into()],
            eligibility: Eligibility {
                gender: GenderServed::Women,
                substance_use: true,
                any_status: true,
                ..Eligibility::default()
            },
            languages: vec!["fr".into(), "en".into()],
            cost: Cost::Free,
            access: Access::SelfReferral,
            schedule: Schedule {
                always_open: true,
                ..Schedule::default()
            },
            wait_days: Some(0),
            phone: "514-555-0101".into(),
            email: String::new(),
            website: String::new(),
            areas: vec![ServiceArea {
                kind: ServiceAreaKind::Region,
                code: "06".into(),
            }],
        }
    }

    #[test]
    fn a_valid_service_passes_and_every_problem_is_reported() {
        assert_eq!(shelter().validate(), Ok(()));
        let mut bad = shelter();
        bad.name.en = " ".into();
        bad.domains = vec![ServiceDomain::Health];
        bad.terms.push("teleportation".into());
        bad.languages = vec!["fra".into()];
        bad.eligibility.age_min = Some(16);
        bad.areas.push(ServiceArea {
            kind: ServiceAreaKind::Region,
            code: "42".into(),
        });
        let problems = bad.validate().expect_err("invalid");
        assert!(problems.contains(&ServiceError::Missing { field: "name_en" }));
        assert!(problems.contains(&ServiceError::TermOutsideDomains {
            term: "emergency_shelter".into(),
            domain: ServiceDomain::ImmediateSafety
        }));
        assert!(problems.contains(&ServiceError::UnknownTerm("teleportation".into())));
        assert!(problems.contains(&ServiceError::BadLanguage("fra".into())));
        assert!(problems.contains(&ServiceError::MinorsContradiction));
        assert!(problems.contains(&ServiceError::BadArea {
            kind: ServiceAreaKind::Region,
            code: "42".into()
        }));
    }

    #[test]
    fn eligibility_rules() {
        let mut e = Eligibility::default();
        assert!(!e.accepts_age(16) && e.accepts_age(30));
        e.minors = true;
        e.age_max = Some(17);
        assert!(e.accepts_age(12) && !e.accepts_age(18));
        e.gender = GenderServed::Women;
        assert!(e.accepts_gender(GenderServed::Women) && !e.accepts_gender(GenderServed::Men));
        assert!(e.accepts_gender(GenderServed::All));
    }
}
