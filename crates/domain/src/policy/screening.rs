//! The identification tool: who screens, who reads a result, who publishes an instrument.

use super::{Action, DenyReason, Principal, Resource};
use crate::{Role, ScreeningId, UserId};

/// Roles that screen people: front-line work, intake and police liaison. Administrators,
/// privacy officers and analysts do not (least privilege).
pub const SCREENING_ROLES: [Role; 3] = [Role::Coordinator, Role::Caseworker, Role::PoliceLiaison];

/// The published screening instruments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instruments;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstrumentAction {
    /// Read the instruments: questions, indicators, rules.
    View,
    /// Run a screening with one (anonymous or, later, attached to a case).
    Screen,
    /// Publish a new version, or retire one.
    Publish,
}

impl Action for InstrumentAction {
    fn key(self) -> &'static str {
        match self {
            InstrumentAction::View => "instrument.view",
            InstrumentAction::Screen => "screening.start",
            InstrumentAction::Publish => "instrument.publish",
        }
    }

    /// Running a screening records a person's answers: a refused attempt is audited.
    fn denial_audited(self) -> bool {
        self == InstrumentAction::Screen
    }
}

impl Resource for Instruments {
    type Action = InstrumentAction;
    const KIND: &'static str = "instrument";

    fn audit_id(&self) -> Option<String> {
        None
    }

    fn rule(&self, who: &Principal, action: InstrumentAction) -> Result<(), DenyReason> {
        if *who == Principal::Operator {
            return match action {
                InstrumentAction::View | InstrumentAction::Publish => Ok(()),
                InstrumentAction::Screen => Err(DenyReason::RoleNotAllowed),
            };
        }
        let actor = who.user()?;
        let allowed = match action {
            InstrumentAction::View => true,
            InstrumentAction::Screen => SCREENING_ROLES.contains(&actor.role),
            InstrumentAction::Publish => actor.role == Role::CoalitionAdmin,
        };
        if allowed {
            Ok(())
        } else {
            Err(DenyReason::RoleNotAllowed)
        }
    }
}

/// One screening, with who ran it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Screening {
    pub id: ScreeningId,
    pub created_by: UserId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScreeningAction {
    /// Open it: its answers and result.
    Read,
    /// Record an answer to an interview in progress.
    Answer,
    /// Close the interview with its result.
    Complete,
    /// Delete an interview in progress.
    Discard,
}

impl Action for ScreeningAction {
    fn key(self) -> &'static str {
        match self {
            ScreeningAction::Read => "screening.read",
            ScreeningAction::Answer => "screening.answer",
            ScreeningAction::Complete => "screening.complete",
            ScreeningAction::Discard => "screening.discard",
        }
    }

    fn denial_audited(self) -> bool {
        true
    }
}

impl Resource for Screening {
    type Action = ScreeningAction;
    const KIND: &'static str = "screening";

    fn audit_id(&self) -> Option<String> {
        Some(self.id.to_string())
    }

    // Until cases exist, a screening is seen only by the person who ran it; the case team
    // joins here with cases.
    fn rule(&self, who: &Principal, _action: ScreeningAction) -> Result<(), DenyReason> {
        let actor = who.user()?;
        if !SCREENING_ROLES.contains(&actor.role) {
            Err(DenyReason::RoleNotAllowed)
        } else if self.created_by == actor.user_id {
            Ok(())
        } else {
            Err(DenyReason::NotOwner)
        }
    }

    fn conceals_existence(&self) -> bool {
        true
    }
}

/// The screenings one person ran (their list of interviews and results).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScreeningsOf {
    pub screener: UserId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScreeningListAction {
    List,
}

impl Action for ScreeningListAction {
    fn key(self) -> &'static str {
        "screening.list"
    }

    fn denial_audited(self) -> bool {
        true
    }
}

impl Resource for ScreeningsOf {
    type Action = ScreeningListAction;
    const KIND: &'static str = "screening";

    fn audit_id(&self) -> Option<String> {
        None
    }

    fn rule(&self, who: &Principal, _action: ScreeningListAction) -> Result<(), DenyReason> {
        let actor = who.user()?;
        if !SCREENING_ROLES.contains(&actor.role) {
            Err(DenyReason::RoleNotAllowed)
        } else if self.screener == actor.user_id {
            Ok(())
        } else {
            Err(DenyReason::NotOwner)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::can;
    use crate::policy::testing::user;

    #[test]
    fn screening_is_for_front_line_roles_and_results_for_their_screener() {
        for role in Role::ALL {
            let me = user(role, None);
            let my_id = me.actor().map(|a| a.user_id).unwrap_or_default();
            let screens = SCREENING_ROLES.contains(&role);
            assert!(can(&me, InstrumentAction::View, Instruments).is_ok());
            assert_eq!(
                can(&me, InstrumentAction::Screen, Instruments).is_ok(),
                screens,
                "{role}"
            );
            assert_eq!(
                can(&me, InstrumentAction::Publish, Instruments).is_ok(),
                role == Role::CoalitionAdmin
            );
            let mine = Screening {
                id: ScreeningId::new(),
                created_by: my_id,
            };
            let theirs = Screening {
                id: ScreeningId::new(),
                created_by: UserId::new(),
            };
            for action in [
                ScreeningAction::Read,
                ScreeningAction::Answer,
                ScreeningAction::Complete,
                ScreeningAction::Discard,
            ] {
                assert_eq!(can(&me, action, mine).is_ok(), screens, "{role} {action:?}");
                let denial = can(&me, action, theirs).expect_err("not theirs");
                assert!(denial.conceal, "someone else's screening is not disclosed");
                let event = denial.audit_event().expect("a refused read is audited");
                assert_eq!(event.target_id, Some(theirs.id.to_string()));
            }
            assert_eq!(
                can(
                    &me,
                    ScreeningListAction::List,
                    ScreeningsOf { screener: my_id }
                )
                .is_ok(),
                screens
            );
            assert!(
                can(
                    &me,
                    ScreeningListAction::List,
                    ScreeningsOf {
                        screener: UserId::new()
                    }
                )
                .is_err()
            );
        }
        let anyone = Screening {
            id: ScreeningId::new(),
            created_by: UserId::new(),
        };
        let denial = can(&Principal::Anonymous, ScreeningAction::Read, anyone).expect_err("public");
        assert_eq!(denial.reason, DenyReason::NotSignedIn);
        assert!(
            !denial.conceal,
            "the public is sent to sign in, not told 'not found'"
        );
        assert!(can(&Principal::Operator, ScreeningAction::Read, anyone).is_err());
        assert!(can(&Principal::Operator, InstrumentAction::Publish, Instruments).is_ok());
        assert!(can(&Principal::Anonymous, InstrumentAction::View, Instruments).is_err());
    }
}
