//! Matching a need to services in two steps: hard filters on what the person's situation
//! asks of a service (the directory's search applies them), then a score that says why each
//! service ranks where it does. Both are pure functions, tested here; what a reader may not
//! see of the situation filters nothing.

use super::Urgency;
use super::situation::{AgeGroup, Gender, ImmigrationStatus, Situation};
use crate::Timestamp;
use crate::service::{Capacity, GenderServed, Service, ServiceStatus};
use crate::vocabulary::vocabulary;

/// What the person's situation asks of a service: the search's hard filters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Requirements {
    /// Takes people under 18.
    pub minors: bool,
    pub gender: Option<GenderServed>,
    /// Takes people who use substances.
    pub substance_use: bool,
    /// Serves people whatever their immigration status.
    pub any_status: bool,
    /// A language the service must be given in: the person speaks neither French nor
    /// English, so without it there is no common language.
    pub language: Option<String>,
}

impl Requirements {
    pub fn of(situation: &Situation) -> Requirements {
        let languages = situation.languages();
        let common = languages.iter().any(|l| l == "fr" || l == "en");
        Requirements {
            minors: situation.age_group() == Some(AgeGroup::Minor),
            gender: situation.gender().map(|g| match g {
                Gender::Woman => GenderServed::Women,
                Gender::Man => GenderServed::Men,
                Gender::GenderDiverse => GenderServed::GenderDiverse,
            }),
            substance_use: situation.substance_use() == Some(true),
            any_status: situation.immigration() == Some(ImmigrationStatus::NoStatus),
            language: (!common).then(|| languages.first().cloned()).flatten(),
        }
    }
}

vocabulary!(
    /// Why a service of the need's domain is not among the matches.
    Exclusion, "exclusion" {
        Gender => "gender",
        NoMinors => "no_minors",
        SubstanceUse => "substance_use",
        ImmigrationStatus => "immigration_status",
        Language => "language",
        Full => "full",
        NotActive => "not_active",
        TooFar => "too_far",
    }
);

/// Every reason `service` does not meet `requirements` (empty: it does).
pub fn exclusions(requirements: &Requirements, service: &Service) -> Vec<Exclusion> {
    let e = &service.eligibility;
    let mut out = Vec::new();
    if service.status != ServiceStatus::Active {
        out.push(Exclusion::NotActive);
    }
    if let Some(gender) = requirements.gender
        && !e.accepts_gender(gender)
    {
        out.push(Exclusion::Gender);
    }
    if requirements.minors && !e.minors {
        out.push(Exclusion::NoMinors);
    }
    if requirements.substance_use && !e.substance_use {
        out.push(Exclusion::SubstanceUse);
    }
    if requirements.any_status && !e.any_status {
        out.push(Exclusion::ImmigrationStatus);
    }
    if let Some(language) = &requirements.language
        && !service.languages.contains(language)
    {
        out.push(Exclusion::Language);
    }
    if service.capacity.as_ref().is_some_and(|c| c.available == 0) {
        out.push(Exclusion::Full);
    }
    out
}

vocabulary!(
    /// What a match's score owes to.
    MatchReason, "match_reason" {
        Near => "near",
        OpenNow => "open_now",
        AlwaysOpen => "always_open",
        Room => "room",
        ShortWait => "short_wait",
        SpeaksLanguage => "speaks_language",
        Dedicated => "dedicated",
        OftenAccepts => "often_accepts",
        AnswersFast => "answers_fast",
    }
);

/// How a service answered the coalition's referrals (the last year): its record.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnswerRecord {
    /// Referrals it answered or let expire.
    pub answered: u32,
    pub accepted: u32,
    /// Median hours from sending to its answer.
    pub median_hours: f64,
}

/// Fewer answers than this say nothing about a service.
const RECORD_MIN: u32 = 3;

/// A service that passed the hard filters, with what the score weighs.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate<'a> {
    pub distance_km: Option<f64>,
    pub open_now: bool,
    pub always_open: bool,
    pub capacity: Option<&'a Capacity>,
    pub wait_days: Option<u16>,
    pub languages: &'a [String],
    pub dedicated: bool,
    pub record: Option<AnswerRecord>,
}

/// A score out of 100, with the points each reason brought, largest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Score {
    pub points: u32,
    pub reasons: Vec<(MatchReason, u32)>,
}

/// The score of a candidate for a need of `urgency`, for a person speaking `languages`
/// (most comfortable first). Urgent needs weigh being open now, and open all night, more.
pub fn score(c: &Candidate, languages: &[String], urgency: Urgency, now: Timestamp) -> Score {
    let urgent = matches!(urgency, Urgency::Now | Urgency::Within24h);
    let mut reasons: Vec<(MatchReason, u32)> = Vec::new();
    let mut add = |reason, points: f64| {
        let points = points.round().max(0.0) as u32;
        if points > 0 {
            reasons.push((reason, points));
        }
    };
    if let Some(km) = c.distance_km {
        // Full points on the spot, half at about 14 km.
        add(MatchReason::Near, 20.0 * (-km / 20.0).exp());
    }
    if c.open_now {
        add(MatchReason::OpenNow, if urgent { 15.0 } else { 5.0 });
    }
    if c.always_open {
        add(MatchReason::AlwaysOpen, if urgent { 10.0 } else { 5.0 });
    }
    if let Some(capacity) = c.capacity
        && capacity.available > 0
    {
        // A count not updated since yesterday says little about tonight.
        add(
            MatchReason::Room,
            if capacity.is_stale(now) { 5.0 } else { 15.0 },
        );
    }
    if let Some(wait) = c.wait_days {
        add(MatchReason::ShortWait, 5.0 / (1.0 + f64::from(wait) / 7.0));
    } else {
        add(MatchReason::ShortWait, 5.0);
    }
    if let Some(first) = languages.first() {
        if c.languages.contains(first) {
            add(MatchReason::SpeaksLanguage, 10.0);
        } else if languages.iter().any(|l| c.languages.contains(l)) {
            add(MatchReason::SpeaksLanguage, 5.0);
        }
    }
    if c.dedicated {
        add(MatchReason::Dedicated, 10.0);
    }
    if let Some(record) = c.record.filter(|r| r.answered >= RECORD_MIN) {
        let rate = f64::from(record.accepted) / f64::from(record.answered);
        add(MatchReason::OftenAccepts, 10.0 * rate);
        add(
            MatchReason::AnswersFast,
            5.0 / (1.0 + record.median_hours / 24.0),
        );
    }
    reasons.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Score {
        points: reasons.iter().map(|(_, p)| p).sum(),
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::referral::situation::{HealthFacts, IdentityFacts, ImmigrationFacts};
    use crate::service::{CapacityUnit, Eligibility};

    fn situation() -> Situation {
        Situation {
            identity: Some(IdentityFacts {
                age_group: Some(AgeGroup::Minor),
                gender: Some(Gender::Woman),
                languages: vec!["es".into()],
                dependants: None,
            }),
            health: Some(HealthFacts {
                substance_use: Some(true),
            }),
            immigration: Some(ImmigrationFacts {
                status: Some(ImmigrationStatus::NoStatus),
            }),
        }
    }

    #[test]
    fn the_situation_asks_what_it_says_and_unknown_asks_nothing() {
        let asks = Requirements::of(&situation());
        assert_eq!(
            asks,
            Requirements {
                minors: true,
                gender: Some(GenderServed::Women),
                substance_use: true,
                any_status: true,
                language: Some("es".into()),
            }
        );
        // A reader who sees none of it filters nothing.
        assert_eq!(
            Requirements::of(&situation().within(crate::case::CategorySet::EMPTY)),
            Requirements::default()
        );
        // Status unknown is not "no status"; speaking French is a common language.
        let mut other = situation();
        other.immigration = Some(ImmigrationFacts {
            status: Some(ImmigrationStatus::Unknown),
        });
        other.identity.as_mut().unwrap().languages = vec!["es".into(), "fr".into()];
        let asks = Requirements::of(&other);
        assert!(!asks.any_status);
        assert_eq!(asks.language, None);
    }

    fn service(eligibility: Eligibility, languages: &[&str]) -> Service {
        use crate::service::{Access, Cost};
        Service {
            id: crate::ServiceId::new(),
            org_id: crate::OrgId::new(),
            name: crate::Bilingual::new("Refuge".into(), "Shelter".into()),
            description: crate::Bilingual::default(),
            status: ServiceStatus::Active,
            domains: vec![crate::ServiceDomain::HousingShortTerm],
            terms: Vec::new(),
            eligibility,
            languages: languages.iter().map(|l| (*l).to_owned()).collect(),
            cost: Cost::Free,
            access: Access::SelfReferral,
            schedule: crate::directory::schedule::Schedule::default(),
            capacity: None,
            wait_days: None,
            phone: String::new(),
            email: String::new(),
            website: String::new(),
            areas: Vec::new(),
            location_ids: Vec::new(),
            reviewed_at: Timestamp(0),
            created_at: Timestamp(0),
            updated_at: Timestamp(0),
        }
    }

    #[test]
    fn each_unmet_requirement_is_named() {
        let asks = Requirements::of(&situation());
        let none = service(Eligibility::default(), &["fr"]);
        assert_eq!(
            exclusions(&asks, &none),
            [
                Exclusion::NoMinors,
                Exclusion::SubstanceUse,
                Exclusion::ImmigrationStatus,
                Exclusion::Language,
            ]
        );
        let men = service(
            Eligibility {
                gender: GenderServed::Men,
                minors: true,
                substance_use: true,
                any_status: true,
                ..Eligibility::default()
            },
            &["es"],
        );
        assert_eq!(exclusions(&asks, &men), [Exclusion::Gender]);
        let fits = Service {
            eligibility: Eligibility {
                gender: GenderServed::All,
                ..men.eligibility.clone()
            },
            ..men.clone()
        };
        assert!(exclusions(&asks, &fits).is_empty());
        let full = Service {
            status: ServiceStatus::TemporarilyClosed,
            capacity: Some(Capacity {
                unit: CapacityUnit::Beds,
                available: 0,
                total: Some(10),
                updated_at: Timestamp(0),
            }),
            ..fits
        };
        assert_eq!(
            exclusions(&asks, &full),
            [Exclusion::NotActive, Exclusion::Full]
        );
    }

    #[test]
    fn the_score_says_why_and_weighs_urgency() {
        let now = Timestamp(10 * 86_400_000);
        let beds = Capacity {
            unit: CapacityUnit::Beds,
            available: 2,
            total: Some(10),
            updated_at: now,
        };
        let es = vec!["es".to_owned()];
        let near_open = Candidate {
            distance_km: Some(0.0),
            open_now: true,
            always_open: true,
            capacity: Some(&beds),
            wait_days: Some(0),
            languages: &es,
            dedicated: true,
            record: Some(AnswerRecord {
                answered: 10,
                accepted: 10,
                median_hours: 0.0,
            }),
        };
        let score_now = score(&near_open, &es, Urgency::Now, now);
        assert_eq!(score_now.points, 100, "{score_now:?}");
        assert_eq!(score_now.reasons[0], (MatchReason::Near, 20));
        // Later needs weigh open hours less.
        assert!(score(&near_open, &es, Urgency::Later, now).points < 100);
        // Far, closed, no record: little, and only what it has.
        let far = Candidate {
            distance_km: Some(100.0),
            open_now: false,
            always_open: false,
            capacity: None,
            wait_days: Some(28),
            languages: &[],
            dedicated: false,
            record: Some(AnswerRecord {
                answered: 2,
                accepted: 0,
                median_hours: 1.0,
            }),
        };
        let low = score(&far, &es, Urgency::Now, now);
        assert_eq!(low.reasons, [(MatchReason::ShortWait, 1)]);
        // A stale bed count counts for less.
        let stale = Capacity {
            updated_at: Timestamp(0),
            ..beds
        };
        let older = Candidate {
            capacity: Some(&stale),
            ..near_open.clone()
        };
        assert_eq!(
            score(&older, &es, Urgency::Now, now).points,
            score_now.points - 10
        );
    }
}
