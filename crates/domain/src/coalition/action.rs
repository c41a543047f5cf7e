//! The coalition's action plan, under the four P's (prevention, protection, prosecution,
//! partnership), and the action items its meetings decide: one kind of thing, an action with
//! an owner, partners, indicators, a due date and a status whose every change is kept.

use jiff::civil::Date;

use crate::text::has_control;
use crate::{ActionId, MeetingId, OrgId, Timestamp, UserId};

pub const TITLE_MAX_CHARS: usize = 300;
pub const TEXT_MAX_CHARS: usize = 10_000;
pub const PARTNERS_MAX: usize = 50;

/// The four P's of the Palermo Protocol and of Canada's national strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pillar {
    Prevention,
    Protection,
    Prosecution,
    Partnership,
}

impl Pillar {
    pub const ALL: [Pillar; 4] = [
        Self::Prevention,
        Self::Protection,
        Self::Prosecution,
        Self::Partnership,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::Prevention => "prevention",
            Self::Protection => "protection",
            Self::Prosecution => "prosecution",
            Self::Partnership => "partnership",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.key() == key)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActionStatus {
    Planned,
    InProgress,
    Done,
    Cancelled,
}

impl ActionStatus {
    pub const ALL: [ActionStatus; 4] =
        [Self::Planned, Self::InProgress, Self::Done, Self::Cancelled];

    pub fn key(self) -> &'static str {
        match self {
            Self::Planned => "planned",
            Self::InProgress => "in_progress",
            Self::Done => "done",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }

    /// Whether an action may go from this status to `to`: work starts, ends or is dropped;
    /// a finished action may be reopened, a dropped one planned again. Staying in the same
    /// status is a progress note.
    pub fn may_become(self, to: ActionStatus) -> bool {
        use ActionStatus::*;
        self == to
            || matches!(
                (self, to),
                (Planned, InProgress | Done | Cancelled)
                    | (InProgress, Done | Cancelled | Planned)
                    | (Done, InProgress)
                    | (Cancelled, Planned)
            )
    }

    /// Still to be done.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Planned | Self::InProgress)
    }
}

/// An action to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAction {
    /// Its place in the plan; `None` for a meeting's action item outside the plan.
    pub pillar: Option<Pillar>,
    pub title: String,
    pub description: String,
    /// The organization that carries it (a member, or the coalition itself).
    pub owner: Option<OrgId>,
    pub partners: Vec<OrgId>,
    /// How progress is measured.
    pub indicators: String,
    pub due_on: Option<Date>,
    /// Shown on the coalition's public summary of its plan.
    pub public: bool,
    /// The meeting that decided it.
    pub meeting: Option<MeetingId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ActionProblem {
    #[error("no title")]
    NoTitle,
    #[error("the title is too long")]
    TitleTooLong,
    #[error("a text is too long")]
    TextTooLong,
    #[error("too many partners")]
    TooManyPartners,
    #[error("the owner is also a partner")]
    OwnerIsPartner,
    #[error("an organization that is not in the directory")]
    UnknownOrganization,
    #[error("that status cannot follow the current one")]
    IllegalMove,
    #[error("a control character (not text)")]
    ControlCharacter,
    #[error("a meeting of another coalition, or none")]
    UnknownMeeting,
}

impl ActionProblem {
    pub fn message_id(self) -> &'static str {
        match self {
            Self::NoTitle => "action-problem-no-title",
            Self::TitleTooLong => "action-problem-title-too-long",
            Self::TextTooLong => "action-problem-text-too-long",
            Self::TooManyPartners => "action-problem-too-many-partners",
            Self::OwnerIsPartner => "action-problem-owner-is-partner",
            Self::UnknownOrganization => "action-problem-unknown-organization",
            Self::IllegalMove => "action-problem-illegal-move",
            Self::ControlCharacter => "action-problem-control-character",
            Self::UnknownMeeting => "action-problem-unknown-meeting",
        }
    }
}

impl NewAction {
    pub fn check(&self) -> Result<(), Vec<ActionProblem>> {
        let mut problems = Vec::new();
        let title = self.title.trim();
        if title.is_empty() {
            problems.push(ActionProblem::NoTitle);
        } else if title.chars().count() > TITLE_MAX_CHARS {
            problems.push(ActionProblem::TitleTooLong);
        }
        if [&self.description, &self.indicators]
            .iter()
            .any(|t| t.chars().count() > TEXT_MAX_CHARS)
        {
            problems.push(ActionProblem::TextTooLong);
        }
        if [&self.title, &self.description, &self.indicators]
            .iter()
            .any(|t| has_control(t))
        {
            problems.push(ActionProblem::ControlCharacter);
        }
        if self.partners.len() > PARTNERS_MAX {
            problems.push(ActionProblem::TooManyPartners);
        }
        if self.owner.is_some_and(|o| self.partners.contains(&o)) {
            problems.push(ActionProblem::OwnerIsPartner);
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

/// One change of an action: its status then, and what was said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub at: Timestamp,
    pub by: Option<UserId>,
    pub by_name: String,
    pub status: ActionStatus,
    pub note: String,
}

/// An action of the plan, or a meeting's action item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub id: ActionId,
    pub coalition: OrgId,
    pub pillar: Option<Pillar>,
    pub title: String,
    pub description: String,
    pub owner: Option<(OrgId, crate::Bilingual<String>)>,
    pub partners: Vec<(OrgId, crate::Bilingual<String>)>,
    pub indicators: String,
    pub status: ActionStatus,
    pub due_on: Option<Date>,
    pub public: bool,
    pub meeting: Option<MeetingId>,
    /// Oldest first.
    pub progress: Vec<Progress>,
    pub updated_at: Timestamp,
    pub version: i64,
}

impl Action {
    /// Past its due date and not done.
    pub fn is_late(&self, today: Date) -> bool {
        self.status.is_open() && self.due_on.is_some_and(|due| due < today)
    }

    /// Checks a progress update: a legal move, a note of reasonable length.
    pub fn check_progress(&self, to: ActionStatus, note: &str) -> Result<(), ActionProblem> {
        if !self.status.may_become(to) {
            return Err(ActionProblem::IllegalMove);
        }
        if note.chars().count() > TEXT_MAX_CHARS {
            return Err(ActionProblem::TextTooLong);
        }
        if has_control(note) {
            return Err(ActionProblem::ControlCharacter);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_moves_of_an_action() {
        use ActionStatus::*;
        let allowed = [
            (Planned, InProgress),
            (Planned, Done),
            (Planned, Cancelled),
            (InProgress, Done),
            (InProgress, Cancelled),
            (InProgress, Planned),
            (Done, InProgress),
            (Cancelled, Planned),
        ];
        for from in ActionStatus::ALL {
            for to in ActionStatus::ALL {
                let expected = from == to || allowed.contains(&(from, to));
                assert_eq!(from.may_become(to), expected, "{from:?} → {to:?}");
            }
        }
        for s in ActionStatus::ALL {
            assert_eq!(ActionStatus::from_key(s.key()), Some(s));
        }
        for p in Pillar::ALL {
            assert_eq!(Pillar::from_key(p.key()), Some(p));
        }
    }

    fn new() -> NewAction {
        NewAction {
            pillar: Some(Pillar::Prevention),
            title: "Former les intervenants".into(),
            description: String::new(),
            owner: None,
            partners: Vec::new(),
            indicators: "Nombre de personnes formées".into(),
            due_on: None,
            public: true,
            meeting: None,
        }
    }

    #[test]
    fn bad_actions_are_named() {
        assert_eq!(new().check(), Ok(()));
        let org = OrgId::new();
        let mut bad = new();
        bad.title = " ".into();
        bad.owner = Some(org);
        bad.partners = vec![org];
        bad.indicators = "x\u{0}".into();
        assert_eq!(
            bad.check(),
            Err(vec![
                ActionProblem::NoTitle,
                ActionProblem::ControlCharacter,
                ActionProblem::OwnerIsPartner
            ])
        );
    }

    #[test]
    fn an_open_action_past_its_due_date_is_late() {
        let due: Date = "2026-03-31".parse().unwrap();
        let mut action = Action {
            id: ActionId::new(),
            coalition: OrgId::new(),
            pillar: Some(Pillar::Protection),
            title: "Plan".into(),
            description: String::new(),
            owner: None,
            partners: Vec::new(),
            indicators: String::new(),
            status: ActionStatus::InProgress,
            due_on: Some(due),
            public: false,
            meeting: None,
            progress: Vec::new(),
            updated_at: Timestamp(0),
            version: 1,
        };
        assert!(!action.is_late("2026-03-31".parse().unwrap()));
        assert!(action.is_late("2026-04-01".parse().unwrap()));
        action.status = ActionStatus::Done;
        assert!(!action.is_late("2026-04-01".parse().unwrap()));
        assert_eq!(
            action.check_progress(ActionStatus::Cancelled, ""),
            Err(ActionProblem::IllegalMove)
        );
        assert_eq!(
            action.check_progress(ActionStatus::InProgress, "Rouvert"),
            Ok(())
        );
    }
}
