//! The work on a case over time: the plan (goals per service domain, tasks), the
//! accompaniment log, immigration and legal steps, and the safety plan. Each kind of step
//! belongs to one data category, fixed here: who reads or writes a step is who the person's
//! consent opens that category to, as for every other part of the case.

use crate::service::ServiceDomain;
use crate::vocabulary::vocabulary;
use crate::{StepId, Timestamp, UserId};

use super::record::LINE_MAX;
use super::{DataCategory, Party};

/// The longest details of a step.
pub const STEP_DETAILS_MAX: usize = 5_000;

/// How many days before a permit or an order expires its renewal is due: a temporary
/// resident permit for victims of trafficking is renewed by a new application made before
/// it expires, and IRCC processing takes weeks.
pub const RENEWAL_NOTICE_DAYS: i64 = 60;

vocabulary!(
    /// What a step is.
    StepKind, "step_kind" {
        // The plan
        Goal => "goal",
        Task => "task",
        // The accompaniment log
        Appointment => "appointment",
        Accompaniment => "accompaniment",
        CourtDate => "court_date",
        // Immigration (IRPA s. 24: the temporary resident permit for victims of trafficking)
        TemporaryResidentPermit => "temporary_resident_permit",
        WorkPermit => "work_permit",
        StudyPermit => "study_permit",
        // Legal
        Complaint => "complaint",
        Proceedings => "proceedings",
        VictimImpactStatement => "victim_impact_statement",
        ProtectionOrder => "protection_order",
        // Safety
        SafetyPlan => "safety_plan",
    }
);

vocabulary!(
    /// The parts of a case's work, as the page groups them.
    StepTrack, "step_track" {
        Plan => "plan",
        Accompaniment => "accompaniment",
        Immigration => "immigration",
        Legal => "legal",
        Safety => "safety",
    }
);

vocabulary!(
    /// Where a step stands. `Done` is a goal met, a task done, an appointment kept, a permit
    /// or an order granted.
    StepStatus, "step_status" {
        Planned => "planned",
        InProgress => "in_progress",
        Done => "done",
        Refused => "refused",
        Cancelled => "cancelled",
    }
);

impl StepKind {
    pub fn track(self) -> StepTrack {
        use StepKind::*;
        match self {
            Goal | Task => StepTrack::Plan,
            Appointment | Accompaniment | CourtDate => StepTrack::Accompaniment,
            TemporaryResidentPermit | WorkPermit | StudyPermit => StepTrack::Immigration,
            Complaint | Proceedings | VictimImpactStatement | ProtectionOrder => StepTrack::Legal,
            SafetyPlan => StepTrack::Safety,
        }
    }

    /// The data category a step of this kind is, for a goal given its domain: a court date
    /// is legal, a health goal is health, a safety plan says where the person is safe.
    pub fn category(self, domain: Option<ServiceDomain>) -> DataCategory {
        use StepKind::*;
        match self {
            Goal => domain.map_or(DataCategory::Notes, DataCategory::of_domain),
            Task | Appointment | Accompaniment => DataCategory::Notes,
            CourtDate | Complaint | Proceedings | VictimImpactStatement | ProtectionOrder => {
                DataCategory::Legal
            }
            TemporaryResidentPermit | WorkPermit | StudyPermit => DataCategory::Immigration,
            SafetyPlan => DataCategory::Location,
        }
    }

    /// Whether a step of this kind is decided by someone else (IRCC, a court, the police),
    /// so it can be refused.
    pub fn decided(self) -> bool {
        use StepKind::*;
        matches!(
            self,
            TemporaryResidentPermit
                | WorkPermit
                | StudyPermit
                | Complaint
                | Proceedings
                | ProtectionOrder
        )
    }

    /// Whether a step of this kind is to be done by its date (a task, an appointment), rather
    /// than dated by when it was asked for (an application) or open-ended (a goal).
    pub fn due_on_its_date(self) -> bool {
        !self.decided() && !matches!(self, StepKind::Goal | StepKind::SafetyPlan)
    }

    /// Whether what a step of this kind obtains ends on a date (a permit, an order).
    pub fn expires(self) -> bool {
        use StepKind::*;
        matches!(
            self,
            TemporaryResidentPermit | WorkPermit | StudyPermit | ProtectionOrder
        )
    }
}

/// A step being written or changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStep {
    pub kind: StepKind,
    pub status: StepStatus,
    /// The goal's service domain (goals only).
    pub domain: Option<ServiceDomain>,
    /// What it is, in a line ("Demande de PST déposée", "Rendez-vous CLSC").
    pub title: String,
    pub details: Option<String>,
    /// `YYYY-MM-DD`: when it happens, is due, or was applied for.
    pub on: Option<String>,
    /// `YYYY-MM-DD`: when the permit or order ends.
    pub expires_on: Option<String>,
    /// A member of the team who carries it.
    pub assignee: Option<UserId>,
}

/// What is wrong with a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StepProblem {
    #[error("the title is required")]
    MissingTitle,
    #[error("the title is longer than {LINE_MAX} characters")]
    TitleTooLong,
    #[error("the details are longer than {STEP_DETAILS_MAX} characters")]
    DetailsTooLong,
    #[error("a date is not YYYY-MM-DD")]
    BadDate,
    #[error("the end date is before the start")]
    ExpiresBeforeStart,
    #[error("only a permit or an order has an end date")]
    NoExpiry,
    #[error("a goal needs its service domain; other steps have none")]
    Domain,
    #[error("only a step someone else decides can be refused")]
    NotDecided,
    #[error("the assignee is not on the case's team")]
    AssigneeNotOnTeam,
}

impl StepProblem {
    /// The Fluent message id.
    pub fn message_id(self) -> &'static str {
        match self {
            StepProblem::MissingTitle => "step-problem-missing-title",
            StepProblem::TitleTooLong => "step-problem-title-too-long",
            StepProblem::DetailsTooLong => "step-problem-details-too-long",
            StepProblem::BadDate => "step-problem-bad-date",
            StepProblem::ExpiresBeforeStart => "step-problem-expires-before-start",
            StepProblem::NoExpiry => "step-problem-no-expiry",
            StepProblem::Domain => "step-problem-domain",
            StepProblem::NotDecided => "step-problem-not-decided",
            StepProblem::AssigneeNotOnTeam => "step-problem-assignee",
        }
    }

    /// The input field the problem is about.
    pub fn field(self) -> &'static str {
        match self {
            StepProblem::MissingTitle | StepProblem::TitleTooLong => "title",
            StepProblem::DetailsTooLong => "details",
            StepProblem::BadDate => "on",
            StepProblem::ExpiresBeforeStart | StepProblem::NoExpiry => "expires_on",
            StepProblem::Domain => "domain",
            StepProblem::NotDecided => "status",
            StepProblem::AssigneeNotOnTeam => "assignee",
        }
    }
}

fn date(text: &Option<String>) -> Result<Option<jiff::civil::Date>, StepProblem> {
    text.as_deref()
        .map(|t| {
            t.parse::<jiff::civil::Date>()
                .map_err(|_| StepProblem::BadDate)
        })
        .transpose()
}

impl NewStep {
    /// Trims the text, drops blank fields, and names every problem; `team` is who may carry
    /// it.
    pub fn validate(self, team: &[UserId]) -> Result<NewStep, Vec<StepProblem>> {
        let blank_to_none =
            |t: Option<String>| t.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
        let step = NewStep {
            title: self.title.trim().to_owned(),
            details: blank_to_none(self.details),
            on: blank_to_none(self.on),
            expires_on: blank_to_none(self.expires_on),
            ..self
        };
        let mut problems = Vec::new();
        if step.title.is_empty() {
            problems.push(StepProblem::MissingTitle);
        } else if step.title.chars().count() > LINE_MAX {
            problems.push(StepProblem::TitleTooLong);
        }
        if step
            .details
            .as_deref()
            .is_some_and(|d| d.chars().count() > STEP_DETAILS_MAX)
        {
            problems.push(StepProblem::DetailsTooLong);
        }
        match (date(&step.on), date(&step.expires_on)) {
            (Ok(on), Ok(expires)) => {
                if expires.is_some() && !step.kind.expires() {
                    problems.push(StepProblem::NoExpiry);
                } else if let (Some(on), Some(expires)) = (on, expires)
                    && expires < on
                {
                    problems.push(StepProblem::ExpiresBeforeStart);
                }
            }
            _ => problems.push(StepProblem::BadDate),
        }
        if (step.kind == StepKind::Goal) != step.domain.is_some() {
            problems.push(StepProblem::Domain);
        }
        if step.status == StepStatus::Refused && !step.kind.decided() {
            problems.push(StepProblem::NotDecided);
        }
        if step.assignee.is_some_and(|a| !team.contains(&a)) {
            problems.push(StepProblem::AssigneeNotOnTeam);
        }
        if problems.is_empty() {
            Ok(step)
        } else {
            Err(problems)
        }
    }

    /// The data category of this step.
    pub fn category(&self) -> DataCategory {
        self.kind.category(self.domain)
    }
}

/// One step, opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub id: StepId,
    pub fields: NewStep,
    pub assignee_name: Option<String>,
    /// The organization it was written for.
    pub party: Party,
    pub written_by: UserId,
    pub written_by_name: String,
    pub updated_at: Timestamp,
    /// For a stale edit to be refused.
    pub version: i64,
    /// Who changed what, oldest first (the first entry is its creation).
    pub history: Vec<FieldChange>,
}

/// One change of a step or of the person's details: who, when, and which fields (not their
/// values: those are sealed, and the part shows the current ones).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub by: UserId,
    pub by_name: String,
    pub at: Timestamp,
    pub fields: Vec<&'static str>,
}

/// What a change can name: the step's creation, then its fields by their input names.
pub const STEP_FIELDS: &[&str] = &[
    "created",
    "kind",
    "status",
    "domain",
    "title",
    "details",
    "on",
    "expires_on",
    "assignee",
];

/// The fields of a step that a change touches, by their input names.
pub fn changed_fields(before: &NewStep, after: &NewStep) -> Vec<&'static str> {
    let mut fields = Vec::new();
    let mut check = |changed: bool, name| {
        if changed {
            fields.push(name);
        }
    };
    check(before.kind != after.kind, "kind");
    check(before.status != after.status, "status");
    check(before.domain != after.domain, "domain");
    check(before.title != after.title, "title");
    check(before.details != after.details, "details");
    check(before.on != after.on, "on");
    check(before.expires_on != after.expires_on, "expires_on");
    check(before.assignee != after.assignee, "assignee");
    fields
}

/// What needs doing about a step soon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reminder {
    /// A granted permit or order ends in this many days (0 = today): apply to renew.
    RenewBy { days: i64 },
    /// A granted permit or order has ended.
    Expired,
    /// A step still to do whose date has passed, by this many days.
    Overdue { days: i64 },
}

impl Reminder {
    /// The Fluent message id (with `$days`).
    pub fn message_id(self) -> &'static str {
        match self {
            Reminder::RenewBy { .. } => "step-reminder-renew",
            Reminder::Expired => "step-reminder-expired",
            Reminder::Overdue { .. } => "step-reminder-overdue",
        }
    }

    pub fn days(self) -> i64 {
        match self {
            Reminder::RenewBy { days } | Reminder::Overdue { days } => days,
            Reminder::Expired => 0,
        }
    }
}

impl NewStep {
    /// What needs doing about this step on `today` (`YYYY-MM-DD`), if anything.
    pub fn reminder(&self, today: &str) -> Option<Reminder> {
        let today: jiff::civil::Date = today.parse().ok()?;
        let days_until = |day: &Option<String>| {
            let day: jiff::civil::Date = day.as_deref()?.parse().ok()?;
            Some(i64::from((day - today).get_days()))
        };
        let open = matches!(self.status, StepStatus::Planned | StepStatus::InProgress);
        if self.status == StepStatus::Done
            && let Some(days) = days_until(&self.expires_on)
        {
            return if days < 0 {
                Some(Reminder::Expired)
            } else if days <= RENEWAL_NOTICE_DAYS {
                Some(Reminder::RenewBy { days })
            } else {
                None
            };
        }
        match days_until(&self.on) {
            Some(days) if open && days < 0 && self.kind.due_on_its_date() => {
                Some(Reminder::Overdue { days: -days })
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(kind: StepKind) -> NewStep {
        NewStep {
            kind,
            status: StepStatus::Planned,
            domain: (kind == StepKind::Goal).then_some(ServiceDomain::HousingLongTerm),
            title: "  Demande  ".into(),
            details: Some("   ".into()),
            on: None,
            expires_on: None,
            assignee: None,
        }
    }

    #[test]
    fn every_kind_has_one_category_and_track() {
        use DataCategory as C;
        use StepKind as K;
        let table = [
            (K::Goal, Some(ServiceDomain::Health), C::Health),
            (
                K::Goal,
                Some(ServiceDomain::PsychologicalSupport),
                C::Health,
            ),
            (K::Goal, Some(ServiceDomain::Immigration), C::Immigration),
            (K::Goal, Some(ServiceDomain::LegalAid), C::Legal),
            (K::Goal, Some(ServiceDomain::HousingLongTerm), C::Notes),
            (K::Task, None, C::Notes),
            (K::Appointment, None, C::Notes),
            (K::CourtDate, None, C::Legal),
            (K::TemporaryResidentPermit, None, C::Immigration),
            (K::StudyPermit, None, C::Immigration),
            (K::VictimImpactStatement, None, C::Legal),
            (K::ProtectionOrder, None, C::Legal),
            (K::SafetyPlan, None, C::Location),
        ];
        for (kind, domain, category) in table {
            assert_eq!(kind.category(domain), category, "{kind}");
        }
        assert_eq!(K::CourtDate.track(), StepTrack::Accompaniment);
        assert_eq!(K::WorkPermit.track(), StepTrack::Immigration);
        // Every track has a kind.
        for track in StepTrack::ALL {
            assert!(K::ALL.iter().any(|k| k.track() == *track), "{track}");
        }
    }

    #[test]
    fn input_is_normalized_and_every_problem_named() {
        let member = UserId::new();
        let ok = step(StepKind::Goal).validate(&[member]).unwrap();
        assert_eq!(ok.title, "Demande");
        assert_eq!(ok.details, None);

        let bad = NewStep {
            title: " ".into(),
            details: Some("x".repeat(STEP_DETAILS_MAX + 1)),
            on: Some("2027-02-30".into()),
            status: StepStatus::Refused,
            domain: Some(ServiceDomain::Work),
            assignee: Some(UserId::new()),
            ..step(StepKind::Task)
        };
        assert_eq!(
            bad.validate(&[member]).unwrap_err(),
            [
                StepProblem::MissingTitle,
                StepProblem::DetailsTooLong,
                StepProblem::BadDate,
                StepProblem::Domain,
                StepProblem::NotDecided,
                StepProblem::AssigneeNotOnTeam,
            ]
        );
        let permit = |on: &str, expires: &str| NewStep {
            on: Some(on.into()),
            expires_on: Some(expires.into()),
            ..step(StepKind::TemporaryResidentPermit)
        };
        assert_eq!(
            permit("2027-03-01", "2027-02-01")
                .validate(&[])
                .unwrap_err(),
            [StepProblem::ExpiresBeforeStart]
        );
        assert!(permit("2027-03-01", "2027-09-01").validate(&[]).is_ok());
        let task_with_end = NewStep {
            expires_on: Some("2027-09-01".into()),
            ..step(StepKind::Task)
        };
        assert_eq!(
            task_with_end.validate(&[]).unwrap_err(),
            [StepProblem::NoExpiry]
        );
        assert_eq!(
            step(StepKind::Goal).validate(&[]).map(|s| s.category()),
            Ok(DataCategory::Notes)
        );
    }

    #[test]
    fn reminders_renew_permits_in_time_and_flag_overdue_work() {
        let granted = |expires: &str| NewStep {
            status: StepStatus::Done,
            on: Some("2026-06-01".into()),
            expires_on: Some(expires.into()),
            ..step(StepKind::TemporaryResidentPermit)
        };
        let today = "2026-12-06";
        assert_eq!(
            granted("2027-01-05").reminder(today),
            Some(Reminder::RenewBy { days: 30 })
        );
        assert_eq!(
            granted("2027-02-04").reminder(today),
            Some(Reminder::RenewBy { days: 60 })
        );
        assert_eq!(granted("2027-02-05").reminder(today), None);
        assert_eq!(
            granted("2026-12-06").reminder(today),
            Some(Reminder::RenewBy { days: 0 })
        );
        assert_eq!(
            granted("2026-12-05").reminder(today),
            Some(Reminder::Expired)
        );
        // An application still waiting is not renewed.
        let waiting = NewStep {
            status: StepStatus::InProgress,
            ..granted("2027-01-05")
        };
        assert_eq!(waiting.reminder(today), None);
        // Nor is an application late because it was filed in the past.
        assert_eq!(
            NewStep {
                expires_on: None,
                ..waiting
            }
            .reminder(today),
            None
        );

        let task = |status, on: &str| NewStep {
            status,
            on: Some(on.into()),
            ..step(StepKind::Task)
        };
        assert_eq!(
            task(StepStatus::Planned, "2026-12-01").reminder(today),
            Some(Reminder::Overdue { days: 5 })
        );
        assert_eq!(task(StepStatus::Done, "2026-12-01").reminder(today), None);
        assert_eq!(
            task(StepStatus::Planned, "2026-12-06").reminder(today),
            None
        );
        let goal = NewStep {
            on: Some("2026-01-01".into()),
            ..step(StepKind::Goal)
        };
        assert_eq!(goal.reminder(today), None);
        assert_eq!(
            task(StepStatus::Planned, "2026-12-01").reminder("not a day"),
            None
        );
    }

    #[test]
    fn a_change_names_the_fields_it_touched() {
        let before = step(StepKind::TemporaryResidentPermit);
        let after = NewStep {
            status: StepStatus::Done,
            expires_on: Some("2027-06-01".into()),
            ..before.clone()
        };
        assert_eq!(changed_fields(&before, &after), ["status", "expires_on"]);
        assert!(changed_fields(&before, &before).is_empty());
    }
}
