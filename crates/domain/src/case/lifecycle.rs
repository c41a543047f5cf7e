//! A case's status as a pure function: `status × event → next status or a refusal`. The store
//! writes a step with a compare-and-set on the status and version it was read at.

use super::{CaseStatus, ClosureReason};

/// What happens to a case's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseEvent {
    /// Paused: the person is away, in hospital, unreachable for now.
    PutOnHold,
    /// Back to work after a hold.
    Resume,
    Close(ClosureReason),
    /// Opened again after closing (the person came back).
    Reopen,
}

/// Why a status change is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseRefusal {
    /// The case is already in the status the event leads to, or the event does not apply.
    NotFrom(CaseStatus),
}

/// A status change the lifecycle allowed, from the status it was read in. Only
/// [`transition`] makes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseStep {
    from: CaseStatus,
    to: CaseStatus,
    reason: Option<ClosureReason>,
}

impl CaseStep {
    pub fn from(self) -> CaseStatus {
        self.from
    }

    pub fn to(self) -> CaseStatus {
        self.to
    }

    /// Why it closed, for a step to `Closed`.
    pub fn reason(self) -> Option<ClosureReason> {
        self.reason
    }
}

pub fn transition(status: CaseStatus, event: CaseEvent) -> Result<CaseStep, CaseRefusal> {
    use CaseEvent as E;
    use CaseStatus as S;
    let (to, reason) = match (status, event) {
        (S::Open, E::PutOnHold) => (S::OnHold, None),
        (S::OnHold, E::Resume) => (S::Open, None),
        (S::Open | S::OnHold, E::Close(reason)) => (S::Closed, Some(reason)),
        (S::Closed, E::Reopen) => (S::Open, None),
        (from, _) => return Err(CaseRefusal::NotFrom(from)),
    };
    Ok(CaseStep {
        from: status,
        to,
        reason,
    })
}

impl CaseStatus {
    /// Work is recorded only on a case that is not closed (notes, tasks, documents); a
    /// closed case is read, reopened, or purged when its retention ends.
    pub fn accepts_work(self) -> bool {
        self != CaseStatus::Closed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_and_event() {
        use CaseEvent as E;
        use CaseStatus as S;
        let close = E::Close(ClosureReason::GoalsMet);
        let table = [
            (S::Open, E::PutOnHold, Some(S::OnHold)),
            (S::Open, E::Resume, None),
            (S::Open, close, Some(S::Closed)),
            (S::Open, E::Reopen, None),
            (S::OnHold, E::PutOnHold, None),
            (S::OnHold, E::Resume, Some(S::Open)),
            (S::OnHold, close, Some(S::Closed)),
            (S::OnHold, E::Reopen, None),
            (S::Closed, E::PutOnHold, None),
            (S::Closed, E::Resume, None),
            (S::Closed, close, None),
            (S::Closed, E::Reopen, Some(S::Open)),
        ];
        assert_eq!(table.len(), S::ALL.len() * 4, "every pair is in the table");
        for (from, event, expected) in table {
            let got = transition(from, event);
            match expected {
                Some(to) => {
                    let step = got.unwrap_or_else(|e| panic!("{from} {event:?}: {e:?}"));
                    assert_eq!((step.from(), step.to()), (from, to));
                    assert_eq!(step.reason().is_some(), matches!(event, E::Close(_)));
                }
                None => assert_eq!(got, Err(CaseRefusal::NotFrom(from)), "{from} {event:?}"),
            }
        }
    }
}
