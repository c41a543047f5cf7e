//! The coalition's coordination desk: who is on call for the intake line, with the notes
//! one shift hands to the next, and what is waiting for the coordinators.

use crate::{Timestamp, UserId};

/// The longest shift: a weekend.
pub const SHIFT_MAX_MS: i64 = 72 * 3_600_000;
/// The longest handover note.
pub const HANDOVER_MAX_CHARS: usize = 4_000;

/// Why a shift cannot be recorded as given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ShiftProblem {
    #[error("the shift ends before it starts")]
    EndsBeforeStart,
    #[error("a shift lasts at most 72 hours")]
    TooLong,
    #[error("the handover note is too long")]
    HandoverTooLong,
    #[error("the person on call is not an active coordinator")]
    NotCoordinator,
}

impl ShiftProblem {
    pub fn message_id(self) -> &'static str {
        match self {
            ShiftProblem::EndsBeforeStart => "shift-problem-ends-before-start",
            ShiftProblem::TooLong => "shift-problem-too-long",
            ShiftProblem::HandoverTooLong => "shift-problem-handover-too-long",
            ShiftProblem::NotCoordinator => "shift-problem-not-coordinator",
        }
    }
}

/// A shift on the intake line as it is recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewShift {
    pub user: UserId,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    /// What the previous shift hands over (cases to follow, calls to return).
    pub handover: Option<String>,
}

impl NewShift {
    pub fn validate(mut self) -> Result<NewShift, Vec<ShiftProblem>> {
        let mut problems = Vec::new();
        let length = self.ends_at.0 - self.starts_at.0;
        if length <= 0 {
            problems.push(ShiftProblem::EndsBeforeStart);
        } else if length > SHIFT_MAX_MS {
            problems.push(ShiftProblem::TooLong);
        }
        self.handover = self
            .handover
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty());
        if self
            .handover
            .as_deref()
            .is_some_and(|h| h.chars().count() > HANDOVER_MAX_CHARS)
        {
            problems.push(ShiftProblem::HandoverTooLong);
        }
        if problems.is_empty() {
            Ok(self)
        } else {
            Err(problems)
        }
    }
}

/// A shift, as the desk shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    pub id: crate::ShiftId,
    pub user: UserId,
    pub name: String,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub handover: Option<String>,
    pub written_by: String,
}

impl Shift {
    pub fn covers(&self, now: Timestamp) -> bool {
        self.starts_at <= now && now < self.ends_at
    }
}

/// One line of the desk about a case the coordinator is on the team of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskItem {
    pub case: crate::CaseId,
    pub reference: String,
    pub alias: String,
    /// A need's domain and urgency, or a referral's service and status.
    pub what: DeskWhat,
    pub at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeskWhat {
    /// Opened by an intake.
    Intake { unsafe_now: bool },
    /// A referral out, waiting for its answer until `expires_at`.
    Waiting {
        referral: crate::ReferralId,
        service: crate::Bilingual<String>,
        expires_at: Option<Timestamp>,
    },
    /// An urgent need no live referral answers (declined or expired ones come back here).
    UrgentNeed {
        domain: crate::ServiceDomain,
        urgency: crate::referral::Urgency,
    },
}

/// What waits for the coordinators: the items of cases the reader is on the team of, the
/// desk's counts over every case the coalition leads (no names), and who is on call.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Desk {
    pub intakes: Vec<DeskItem>,
    pub waiting: Vec<DeskItem>,
    pub expiring: Vec<DeskItem>,
    pub urgent: Vec<DeskItem>,
    /// Over every coalition-led case: new intakes (7 days), referrals waiting, urgent needs
    /// without a referral.
    pub counts: (i64, i64, i64),
    pub shifts: Vec<Shift>,
}

/// A referral waiting for an answer is "about to expire" within this.
pub const EXPIRING_WITHIN_MS: i64 = 2 * 3_600_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shift_has_a_length_and_a_short_handover() {
        let shift = |from: i64, to: i64, note: &str| NewShift {
            user: UserId::new(),
            starts_at: Timestamp(from),
            ends_at: Timestamp(to),
            handover: Some(note.into()),
        };
        let hour = 3_600_000;
        let ok = shift(0, 12 * hour, "  ").validate().unwrap();
        assert_eq!(ok.handover, None);
        assert_eq!(
            shift(10, 10, "x").validate(),
            Err(vec![ShiftProblem::EndsBeforeStart])
        );
        assert_eq!(
            shift(0, 73 * hour, &"é".repeat(HANDOVER_MAX_CHARS + 1)).validate(),
            Err(vec![ShiftProblem::TooLong, ShiftProblem::HandoverTooLong])
        );
    }
}
