//! A referral's status as a pure function: `status × event → next status or a refusal`. The
//! store writes a step with a compare-and-set on the status and version it was read at, so
//! of two answers sent at once exactly one is kept.

use super::{DeclineReason, Outcome, ReferralStatus};

/// What happens to a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferralEvent {
    /// The sender sends a draft to the service's intake queue.
    Send,
    /// The receiving organization has seen it.
    Receive,
    Accept,
    Decline(DeclineReason),
    /// No answer within the delay its urgency allows: back to the coordinator.
    Expire,
    /// The receiving organization has started serving the person.
    Start,
    /// The loop closes: served, or not served and why.
    Complete(Outcome),
    /// The sender withdraws it (the person found help elsewhere, changed their mind).
    Cancel,
}

/// Who may cause an event: the side that sent the referral, the side that receives it, or
/// the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Sender,
    Receiver,
    Clock,
}

impl ReferralEvent {
    pub fn side(self) -> Side {
        match self {
            ReferralEvent::Send | ReferralEvent::Cancel => Side::Sender,
            ReferralEvent::Expire => Side::Clock,
            ReferralEvent::Receive
            | ReferralEvent::Accept
            | ReferralEvent::Decline(_)
            | ReferralEvent::Start
            | ReferralEvent::Complete(_) => Side::Receiver,
        }
    }

    /// The stable key of the event, for the API and the audit trail.
    pub fn key(self) -> &'static str {
        match self {
            ReferralEvent::Send => "send",
            ReferralEvent::Receive => "receive",
            ReferralEvent::Accept => "accept",
            ReferralEvent::Decline(_) => "decline",
            ReferralEvent::Expire => "expire",
            ReferralEvent::Start => "start",
            ReferralEvent::Complete(_) => "complete",
            ReferralEvent::Cancel => "cancel",
        }
    }
}

/// Why a move is refused: the referral is not in a status the event applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotFrom(pub ReferralStatus);

/// A move the lifecycle allowed, from the status it was read in. Only [`transition`] makes
/// one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferralStep {
    from: ReferralStatus,
    to: ReferralStatus,
    event: ReferralEvent,
}

impl ReferralStep {
    pub fn from(self) -> ReferralStatus {
        self.from
    }

    pub fn to(self) -> ReferralStatus {
        self.to
    }

    pub fn event(self) -> ReferralEvent {
        self.event
    }
}

pub fn transition(status: ReferralStatus, event: ReferralEvent) -> Result<ReferralStep, NotFrom> {
    use ReferralEvent as E;
    use ReferralStatus as S;
    let to = match (status, event) {
        (S::Draft, E::Send) => S::Sent,
        (S::Sent, E::Receive) => S::Received,
        // Accepting or declining straight from the queue counts as having received it.
        (S::Sent | S::Received, E::Accept) => S::Accepted,
        (S::Sent | S::Received, E::Decline(_)) => S::Declined,
        (S::Sent | S::Received, E::Expire) => S::Expired,
        (S::Accepted, E::Start) => S::InProgress,
        // "Could not contact" is known before any work starts.
        (S::Accepted | S::InProgress, E::Complete(_)) => S::Completed,
        (from, E::Cancel) if from.is_open() => S::Cancelled,
        (from, _) => return Err(NotFrom(from)),
    };
    Ok(ReferralStep {
        from: status,
        to,
        event,
    })
}

impl ReferralStatus {
    /// Not ended: the referral may still move.
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            ReferralStatus::Declined
                | ReferralStatus::Expired
                | ReferralStatus::Completed
                | ReferralStatus::Cancelled
        )
    }

    /// Out with the receiving organization and not ended: it answers the need for now, and
    /// the receiving organization's intake may read what consent covers.
    pub fn is_live(self) -> bool {
        self.is_open() && self != ReferralStatus::Draft
    }

    /// Waiting for the receiving organization's answer: it expires if none comes.
    pub fn awaits_answer(self) -> bool {
        matches!(self, ReferralStatus::Sent | ReferralStatus::Received)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::referral::NotServedReason;

    #[test]
    fn every_status_and_event() {
        use ReferralEvent as E;
        use ReferralStatus as S;
        let decline = E::Decline(DeclineReason::NoCapacity);
        let served = E::Complete(Outcome::Served);
        let not_served = E::Complete(Outcome::NotServed(NotServedReason::CouldNotContact));
        let events = [
            E::Send,
            E::Receive,
            E::Accept,
            decline,
            E::Expire,
            E::Start,
            served,
            not_served,
            E::Cancel,
        ];
        // The expected next status of every (status, event) pair, by hand, events in the
        // order above; `None` is a refusal.
        let table: [(S, [Option<S>; 9]); 9] = [
            (
                S::Draft,
                [
                    Some(S::Sent),
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    Some(S::Cancelled),
                ],
            ),
            (
                S::Sent,
                [
                    None,
                    Some(S::Received),
                    Some(S::Accepted),
                    Some(S::Declined),
                    Some(S::Expired),
                    None,
                    None,
                    None,
                    Some(S::Cancelled),
                ],
            ),
            (
                S::Received,
                [
                    None,
                    None,
                    Some(S::Accepted),
                    Some(S::Declined),
                    Some(S::Expired),
                    None,
                    None,
                    None,
                    Some(S::Cancelled),
                ],
            ),
            (
                S::Accepted,
                [
                    None,
                    None,
                    None,
                    None,
                    None,
                    Some(S::InProgress),
                    Some(S::Completed),
                    Some(S::Completed),
                    Some(S::Cancelled),
                ],
            ),
            (
                S::InProgress,
                [
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    Some(S::Completed),
                    Some(S::Completed),
                    Some(S::Cancelled),
                ],
            ),
            (S::Declined, [None; 9]),
            (S::Expired, [None; 9]),
            (S::Completed, [None; 9]),
            (S::Cancelled, [None; 9]),
        ];
        assert_eq!(table.len(), S::ALL.len(), "every status is in the table");
        for (from, row) in table {
            for (event, expected) in events.into_iter().zip(row) {
                let got = transition(from, event);
                match expected {
                    Some(to) => {
                        let step = got.unwrap_or_else(|e| panic!("{from} {event:?}: {e:?}"));
                        assert_eq!((step.from(), step.to(), step.event()), (from, to, event));
                    }
                    None => assert_eq!(got, Err(NotFrom(from)), "{from} {event:?}"),
                }
            }
        }
    }

    #[test]
    fn open_live_and_waiting_agree_with_the_lifecycle() {
        for status in ReferralStatus::ALL {
            // Open exactly when it can still be cancelled.
            assert_eq!(
                status.is_open(),
                transition(*status, ReferralEvent::Cancel).is_ok(),
                "{status}"
            );
            // Waiting exactly when it can still expire.
            assert_eq!(
                status.awaits_answer(),
                transition(*status, ReferralEvent::Expire).is_ok(),
                "{status}"
            );
        }
    }
}
