//! A screening as kept: its interview's lifecycle, its answers and result, and the
//! published instrument versions it is scored with.

use std::collections::BTreeMap;

use super::{Evaluation, Instrument};
use crate::{Language, Role, ScreeningId, UserId};

/// Where an interview stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScreeningState {
    /// Answers are saved as they come, so it can be resumed.
    InProgress,
    /// Scored; a result is never rescored in place.
    Complete,
}

impl ScreeningState {
    pub fn key(self) -> &'static str {
        match self {
            ScreeningState::InProgress => "in_progress",
            ScreeningState::Complete => "complete",
        }
    }

    pub fn parse(key: &str) -> Option<ScreeningState> {
        match key {
            "in_progress" => Some(ScreeningState::InProgress),
            "complete" => Some(ScreeningState::Complete),
            _ => None,
        }
    }
}

/// What a screener does to an interview.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScreeningEvent {
    Answer,
    Complete,
    Discard,
}

/// Where an event leaves the interview.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    To(ScreeningState),
    /// Deleted: an interview abandoned before its result.
    Removed,
}

/// Why an event cannot happen now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ScreeningRefusal {
    /// The interview is complete: its answers and result no longer change.
    #[error("the screening is complete")]
    Closed,
}

/// An allowed step of the lifecycle. Only [`transition`] makes one, so the store can write
/// nothing but a step the lifecycle allowed, from the state it was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    from: ScreeningState,
    event: ScreeningEvent,
    to: Transition,
}

impl Step {
    pub fn from(self) -> ScreeningState {
        self.from
    }

    pub fn event(self) -> ScreeningEvent {
        self.event
    }

    pub fn to(self) -> Transition {
        self.to
    }
}

/// The interview's lifecycle, as a pure function: `state × event → next state or a refusal`.
/// The store writes the step with a compare-and-set on the state and version it was read
/// at, so two concurrent events cannot both win.
pub fn transition(state: ScreeningState, event: ScreeningEvent) -> Result<Step, ScreeningRefusal> {
    use ScreeningEvent as E;
    use ScreeningState as S;
    let to = match (state, event) {
        (S::InProgress, E::Answer) => Transition::To(S::InProgress),
        (S::InProgress, E::Complete) => Transition::To(S::Complete),
        (S::InProgress, E::Discard) => Transition::Removed,
        // A result is kept as it was given: not edited, not rescored, not deleted.
        (S::Complete, E::Answer | E::Complete | E::Discard) => {
            return Err(ScreeningRefusal::Closed);
        }
    };
    Ok(Step {
        from: state,
        event,
        to,
    })
}

/// One screening, opened.
#[derive(Debug, Clone)]
pub struct Screening {
    pub id: ScreeningId,
    pub instrument_key: String,
    pub instrument_version: u32,
    pub content_hash: String,
    pub state: ScreeningState,
    /// Moves on with every change; a write names the version it read.
    pub version: i64,
    pub language: Language,
    pub answers: BTreeMap<String, String>,
    pub evaluation: Option<Evaluation>,
    pub screener_role: Role,
    pub created_by: UserId,
    /// The case it is attached to, if any (category `screening` of that case).
    pub case_id: Option<crate::CaseId>,
    pub rescore_of: Option<ScreeningId>,
    pub created_at: i64,
    pub updated_at: i64,
    pub completed_at: Option<i64>,
}

/// A screening in a list: no answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreeningSummary {
    pub id: ScreeningId,
    pub instrument_key: String,
    pub instrument_version: u32,
    pub state: ScreeningState,
    pub band: Option<u8>,
    pub safety_alert: bool,
    pub updated_at: i64,
}

/// Where a published instrument version stands. Only the status of a version ever changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstrumentStatus {
    /// Usable, flagged as being piloted.
    Pilot,
    Active,
    /// Kept for reading old results; no new screening uses it.
    Retired,
}

impl InstrumentStatus {
    pub fn key(self) -> &'static str {
        match self {
            InstrumentStatus::Pilot => "pilot",
            InstrumentStatus::Active => "active",
            InstrumentStatus::Retired => "retired",
        }
    }

    pub fn parse(key: &str) -> Option<InstrumentStatus> {
        match key {
            "pilot" => Some(InstrumentStatus::Pilot),
            "active" => Some(InstrumentStatus::Active),
            "retired" => Some(InstrumentStatus::Retired),
            _ => None,
        }
    }
}

/// A published instrument version.
#[derive(Debug, Clone)]
pub struct PublishedInstrument {
    pub instrument: Instrument,
    pub status: InstrumentStatus,
    /// Shipped with Mosaïque (published at every start), not imported by an administrator.
    pub shipped: bool,
    pub published_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interview_lifecycle_by_table() {
        use ScreeningEvent as E;
        use ScreeningState as S;
        let table = [
            (S::InProgress, E::Answer, Ok(Transition::To(S::InProgress))),
            (S::InProgress, E::Complete, Ok(Transition::To(S::Complete))),
            (S::InProgress, E::Discard, Ok(Transition::Removed)),
            (S::Complete, E::Answer, Err(ScreeningRefusal::Closed)),
            (S::Complete, E::Complete, Err(ScreeningRefusal::Closed)),
            (S::Complete, E::Discard, Err(ScreeningRefusal::Closed)),
        ];
        // Every state × event pair is in the table.
        assert_eq!(table.len(), 2 * 3);
        for (state, event, expected) in table {
            let step = transition(state, event);
            assert_eq!(step.map(Step::to), expected, "{state:?} × {event:?}");
            if let Ok(step) = step {
                assert_eq!((step.from(), step.event()), (state, event));
            }
        }
    }

    #[test]
    fn keys_round_trip() {
        for state in [ScreeningState::InProgress, ScreeningState::Complete] {
            assert_eq!(ScreeningState::parse(state.key()), Some(state));
        }
        for status in [
            InstrumentStatus::Pilot,
            InstrumentStatus::Active,
            InstrumentStatus::Retired,
        ] {
            assert_eq!(InstrumentStatus::parse(status.key()), Some(status));
        }
        assert_eq!(ScreeningState::parse("done"), None);
    }
}
