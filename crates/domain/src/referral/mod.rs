//! Needs and referrals: what a person needs now, per service domain and urgency, and the
//! referrals that take each need to a service's intake and come back with an answer and an
//! outcome, so the loop closes.

mod lifecycle;
pub mod matching;
pub mod situation;

pub use lifecycle::{NotFrom, ReferralEvent, ReferralStep, Side, transition};

use crate::UserId;
use crate::case::{CategorySet, DataCategory, Party};
use crate::vocabulary::vocabulary;
use crate::{Bilingual, CaseId, NeedId, OrgId, ReferralId, ServiceDomain, ServiceId, Timestamp};

vocabulary!(
    /// How a coalition takes people in: every intake through its coordinators (a single
    /// point of entry), or at any member organization (several points of entry).
    EntryModel, "entry_model" {
        Single => "single",
        Several => "several",
    }
);

vocabulary!(
    /// How soon a need must be met. Declared most urgent first, so the smallest is the most
    /// urgent.
    Urgency, "urgency" {
        Now => "now",
        Within24h => "within_24h",
        ThisWeek => "this_week",
        Later => "later",
    }
);

const HOUR_MS: i64 = 3_600_000;

impl Urgency {
    /// How long a service has to answer a referral of this urgency before it expires and the
    /// need goes back to the coordinator: short enough that someone else can still be found
    /// in time.
    pub fn answer_within_ms(self) -> i64 {
        match self {
            Urgency::Now => 2 * HOUR_MS,
            Urgency::Within24h => 8 * HOUR_MS,
            Urgency::ThisWeek => 48 * HOUR_MS,
            Urgency::Later => 7 * 24 * HOUR_MS,
        }
    }
}

vocabulary!(
    /// Where a need stands. Whether a live referral answers it is read from the referrals.
    NeedStatus, "need_status" {
        Open => "open",
        // A referral completed with the person served, or the worker says so.
        Met => "met",
        NoLongerNeeded => "no_longer_needed",
    }
);

vocabulary!(
    /// Where a referral stands.
    ReferralStatus, "referral_status" {
        Draft => "draft",
        Sent => "sent",
        Received => "received",
        Accepted => "accepted",
        Declined => "declined",
        Expired => "expired",
        InProgress => "in_progress",
        Completed => "completed",
        Cancelled => "cancelled",
    }
);

vocabulary!(
    /// Why a service declined a referral.
    DeclineReason, "decline_reason" {
        NoCapacity => "no_capacity",
        NotEligible => "not_eligible",
        OutsideArea => "outside_area",
        // The service does not offer what the need asks for.
        NotOffered => "not_offered",
        Other => "other",
    }
);

vocabulary!(
    /// Why a person was not served after a referral was accepted.
    NotServedReason, "not_served_reason" {
        CouldNotContact => "could_not_contact",
        NotEligible => "not_eligible",
        NoCapacity => "no_capacity",
        PersonDeclined => "person_declined",
        Other => "other",
    }
);

/// How a referral ended for the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Served,
    NotServed(NotServedReason),
}

impl Outcome {
    /// `served`, or `not_served`: the outcome's stable key (the reason is kept apart).
    pub fn key(self) -> &'static str {
        match self {
            Outcome::Served => "served",
            Outcome::NotServed(_) => "not_served",
        }
    }

    /// From its stored keys: `served`, or `not_served` with a reason.
    pub fn from_keys(outcome: &str, reason: Option<&str>) -> Option<Outcome> {
        match (outcome, reason) {
            ("served", None) => Some(Outcome::Served),
            ("not_served", Some(reason)) => reason.parse().ok().map(Outcome::NotServed),
            _ => None,
        }
    }

    pub fn reason(self) -> Option<NotServedReason> {
        match self {
            Outcome::Served => None,
            Outcome::NotServed(reason) => Some(reason),
        }
    }
}

impl DataCategory {
    /// The category a need (or a goal) of a service domain is: a health need is health
    /// data, an immigration need immigration data; the rest are the case's notes.
    pub fn of_domain(domain: ServiceDomain) -> DataCategory {
        match domain {
            ServiceDomain::Health | ServiceDomain::PsychologicalSupport => DataCategory::Health,
            ServiceDomain::Immigration => DataCategory::Immigration,
            ServiceDomain::LegalAid => DataCategory::Legal,
            _ => DataCategory::Notes,
        }
    }
}

/// The longest note on a need or an answer: a few sentences, not a file.
pub const NOTE_MAX_CHARS: usize = 2_000;

/// Why a need or a referral cannot be recorded as given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReferralProblem {
    #[error("the note is too long")]
    NoteTooLong,
    #[error("a referral answers at least one need")]
    NoNeeds,
    #[error("a need is not one of this case's, or is not open")]
    NeedNotOpen,
    #[error("a need already has a referral to this service")]
    AlreadyReferred,
    #[error("no such service in the directory")]
    UnknownService,
    #[error("the service does not take people now")]
    ServiceInactive,
    #[error("the service has no place left")]
    ServiceFull,
    #[error("no live consent lets the person be referred to this organization")]
    NoConsent,
    #[error("the named worker does not work at the service's organization")]
    WorkerNotThere,
    #[error("a referral to one's own organization is a task, not a referral")]
    OwnOrganization,
    #[error("a language is not a two- or three-letter code")]
    BadLanguage,
    #[error("the safe times are longer than a line")]
    SafeTimesTooLong,
    #[error("nothing needed: name at least one need")]
    NothingNeeded,
}

impl ReferralProblem {
    /// The Fluent message id.
    pub fn message_id(self) -> &'static str {
        match self {
            ReferralProblem::NoteTooLong => "referral-problem-note-too-long",
            ReferralProblem::NoNeeds => "referral-problem-no-needs",
            ReferralProblem::NeedNotOpen => "referral-problem-need-not-open",
            ReferralProblem::AlreadyReferred => "referral-problem-already-referred",
            ReferralProblem::UnknownService => "referral-problem-unknown-service",
            ReferralProblem::ServiceInactive => "referral-problem-service-inactive",
            ReferralProblem::ServiceFull => "referral-problem-service-full",
            ReferralProblem::NoConsent => "referral-problem-no-consent",
            ReferralProblem::WorkerNotThere => "referral-problem-worker-not-there",
            ReferralProblem::OwnOrganization => "referral-problem-own-organization",
            ReferralProblem::BadLanguage => "referral-problem-bad-language",
            ReferralProblem::SafeTimesTooLong => "referral-problem-safe-times-too-long",
            ReferralProblem::NothingNeeded => "referral-problem-nothing-needed",
        }
    }
}

/// A trimmed note, `None` when blank, refused when too long.
pub fn clean_note(note: Option<String>) -> Result<Option<String>, ReferralProblem> {
    let note = note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    match note {
        Some(n) if n.chars().count() > NOTE_MAX_CHARS => Err(ReferralProblem::NoteTooLong),
        note => Ok(note),
    }
}

/// A first contact, as the intake form takes it: what is needed now and where, whether the
/// person is safe right now, what services need to know, and how to reach them safely. It
/// opens a case under an alias (pseudonymous by default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewIntake {
    pub alias: Option<String>,
    pub needs: Vec<NewNeed>,
    /// The town where help is needed (kept as the person's whereabouts).
    pub city: Option<String>,
    /// Not safe right now: an immediate safety need, now, is added if none was named.
    pub unsafe_now: bool,
    pub identity: situation::IdentityFacts,
    pub health: situation::HealthFacts,
    pub immigration: situation::ImmigrationFacts,
    pub contact_safety: situation::ContactSafety,
}

impl NewIntake {
    /// The intake with its needs checked and, when the person is not safe now, an
    /// immediate safety need first.
    pub fn validate(mut self) -> Result<NewIntake, ReferralProblem> {
        if self.unsafe_now
            && !self
                .needs
                .iter()
                .any(|n| n.domain == ServiceDomain::ImmediateSafety)
        {
            self.needs.insert(
                0,
                NewNeed {
                    domain: ServiceDomain::ImmediateSafety,
                    urgency: Urgency::Now,
                    note: None,
                },
            );
        }
        if self.needs.is_empty() {
            return Err(ReferralProblem::NothingNeeded);
        }
        self.needs = self
            .needs
            .into_iter()
            .map(NewNeed::validate)
            .collect::<Result<_, _>>()?;
        Ok(self)
    }

    /// The situation's parts, as written at intake.
    pub fn situation_parts(&self) -> Vec<situation::SituationPart> {
        use situation::SituationPart as P;
        vec![
            P::Identity(self.identity.clone()),
            P::Health(self.health.clone()),
            P::Immigration(self.immigration.clone()),
            P::ContactSafety(self.contact_safety.clone()),
        ]
    }
}

/// A need as it is recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNeed {
    pub domain: ServiceDomain,
    pub urgency: Urgency,
    pub note: Option<String>,
}

impl NewNeed {
    pub fn validate(self) -> Result<NewNeed, ReferralProblem> {
        Ok(NewNeed {
            note: clean_note(self.note)?,
            ..self
        })
    }

    /// The data category the need is, and the one its writer must be allowed to write.
    pub fn category(&self) -> DataCategory {
        DataCategory::of_domain(self.domain)
    }
}

/// One need of a case, as its reader sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Need {
    pub id: NeedId,
    pub domain: ServiceDomain,
    pub urgency: Urgency,
    pub status: NeedStatus,
    pub note: Option<String>,
    /// The live referral answering it, if any: its status and the service's name.
    pub answered_by: Option<(ReferralStatus, Bilingual<String>)>,
    pub created_at: Timestamp,
    pub version: i64,
}

impl Need {
    /// Open and no live referral answers it: the coordinator's to find a service for.
    pub fn unanswered(&self) -> bool {
        self.status == NeedStatus::Open && self.answered_by.is_none()
    }
}

/// A referral as the sender writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReferral {
    pub service: ServiceId,
    pub needs: Vec<NeedId>,
    /// A worker of the receiving organization it is meant for (it still goes to the
    /// organization's intake queue).
    pub to_user: Option<UserId>,
    /// Sent at once, or kept as a draft.
    pub send: bool,
}

impl NewReferral {
    pub fn validate(mut self) -> Result<NewReferral, ReferralProblem> {
        self.needs.sort_unstable();
        self.needs.dedup();
        if self.needs.is_empty() {
            Err(ReferralProblem::NoNeeds)
        } else {
            Ok(self)
        }
    }
}

/// The facts about the receiving service a referral is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceFacts {
    pub organization: OrgId,
    pub active: bool,
    /// `Some(0)` when capacity is tracked and nothing is left.
    pub available: Option<u32>,
}

impl ServiceFacts {
    /// Whether a referral may go to this service from `from`, on the consents of the case
    /// (`consented`: the categories live consents open to the service's organization,
    /// `None` when no consent to refer names it).
    pub fn check(
        &self,
        from: Party,
        consented: Option<CategorySet>,
    ) -> Result<(), ReferralProblem> {
        if from == Party::Organization(self.organization) {
            Err(ReferralProblem::OwnOrganization)
        } else if !self.active {
            Err(ReferralProblem::ServiceInactive)
        } else if self.available == Some(0) {
            Err(ReferralProblem::ServiceFull)
        } else if consented.is_none() {
            Err(ReferralProblem::NoConsent)
        } else {
            Ok(())
        }
    }
}

/// One need a referral answers, as both sides see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferredNeed {
    pub id: NeedId,
    pub domain: ServiceDomain,
    pub urgency: Urgency,
    /// Only when the reader is disclosed the need's category.
    pub note: Option<String>,
}

/// One move of a referral: who, when, from what to what, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralEntry {
    pub at: Timestamp,
    pub by_name: Option<String>,
    pub from: Option<ReferralStatus>,
    pub to: ReferralStatus,
    /// The decline reason or the not-served reason's key.
    pub reason: Option<String>,
    pub note: Option<String>,
}

/// A referral, as its sender or its receiver sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referral {
    pub id: ReferralId,
    pub case: CaseId,
    pub case_reference: String,
    pub case_alias: String,
    pub service: ServiceId,
    pub service_name: Bilingual<String>,
    pub to_org: OrgId,
    pub to_org_name: Bilingual<String>,
    pub to_user: Option<(UserId, String)>,
    pub from: Party,
    pub sent_by_name: String,
    pub status: ReferralStatus,
    pub urgency: Urgency,
    pub needs: Vec<ReferredNeed>,
    /// How the person may be contacted: carried in every referral, whatever the consent.
    pub contact_safety: situation::ContactSafety,
    pub decline_reason: Option<DeclineReason>,
    pub outcome: Option<Outcome>,
    pub expires_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: i64,
    pub history: Vec<ReferralEntry>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_urgent_is_the_smallest_and_answers_soonest() {
        let mut sorted = Urgency::ALL.to_vec();
        sorted.sort();
        assert_eq!(sorted, Urgency::ALL);
        for pair in Urgency::ALL.windows(2) {
            assert!(pair[0].answer_within_ms() < pair[1].answer_within_ms());
        }
    }

    #[test]
    fn outcomes_round_trip_through_their_keys() {
        let mut all = vec![Outcome::Served];
        all.extend(NotServedReason::ALL.iter().map(|r| Outcome::NotServed(*r)));
        for outcome in all {
            let reason = outcome.reason().map(|r| r.key());
            assert_eq!(Outcome::from_keys(outcome.key(), reason), Some(outcome));
        }
        assert_eq!(Outcome::from_keys("served", Some("other")), None);
        assert_eq!(Outcome::from_keys("not_served", None), None);
    }

    #[test]
    fn a_service_takes_a_referral_only_when_active_with_room_and_consent() {
        let org = OrgId::new();
        let open = ServiceFacts {
            organization: org,
            active: true,
            available: None,
        };
        let from = Party::Coalition;
        let some = Some(CategorySet::EMPTY);
        assert_eq!(open.check(from, some), Ok(()));
        assert_eq!(
            open.check(Party::Organization(org), some),
            Err(ReferralProblem::OwnOrganization)
        );
        assert_eq!(open.check(from, None), Err(ReferralProblem::NoConsent));
        let closed = ServiceFacts {
            active: false,
            ..open
        };
        assert_eq!(
            closed.check(from, some),
            Err(ReferralProblem::ServiceInactive)
        );
        let full = ServiceFacts {
            available: Some(0),
            ..open
        };
        assert_eq!(full.check(from, some), Err(ReferralProblem::ServiceFull));
        let room = ServiceFacts {
            available: Some(1),
            ..open
        };
        assert_eq!(room.check(from, some), Ok(()));
    }

    #[test]
    fn an_intake_needs_something_and_danger_now_comes_first() {
        let intake = NewIntake {
            alias: None,
            needs: Vec::new(),
            city: None,
            unsafe_now: false,
            identity: Default::default(),
            health: Default::default(),
            immigration: Default::default(),
            contact_safety: Default::default(),
        };
        assert_eq!(
            intake.clone().validate(),
            Err(ReferralProblem::NothingNeeded)
        );
        let housing = NewNeed {
            domain: ServiceDomain::HousingShortTerm,
            urgency: Urgency::Within24h,
            note: None,
        };
        let unsafe_now = NewIntake {
            unsafe_now: true,
            needs: vec![housing.clone()],
            ..intake
        }
        .validate()
        .unwrap();
        assert_eq!(unsafe_now.needs.len(), 2);
        assert_eq!(unsafe_now.needs[0].domain, ServiceDomain::ImmediateSafety);
        assert_eq!(unsafe_now.needs[0].urgency, Urgency::Now);
        // Named already: not twice.
        let again = NewIntake {
            needs: unsafe_now.needs.clone(),
            ..unsafe_now
        }
        .validate()
        .unwrap();
        assert_eq!(again.needs.len(), 2);
    }

    #[test]
    fn notes_are_trimmed_blank_is_none_and_long_is_refused() {
        assert_eq!(clean_note(Some("  ".into())), Ok(None));
        assert_eq!(clean_note(Some(" lit ".into())), Ok(Some("lit".into())));
        let long = "é".repeat(NOTE_MAX_CHARS + 1);
        assert_eq!(clean_note(Some(long)), Err(ReferralProblem::NoteTooLong));
        assert_eq!(
            NewReferral {
                service: ServiceId::new(),
                needs: vec![],
                to_user: None,
                send: true
            }
            .validate(),
            Err(ReferralProblem::NoNeeds)
        );
    }
}
