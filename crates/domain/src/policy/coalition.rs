//! A coalition's own workspace: its members, meetings and calendar. Coordination data, no
//! one's personal information: the staff of the coalition and of its member organizations
//! read it; the coalition's administrators and coordinators run it.

use super::{Action, DenyReason, Principal, Resource};
use crate::coalition::library::Visibility;
use crate::{OrgId, Role};

/// A coalition's workspace, with what the caller's organization is to it today (loaded by
/// the use case).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Workspace {
    pub coalition: OrgId,
    /// The caller's organization is a member (of any role) today.
    pub caller_is_member: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkspaceAction {
    /// Read its members, meetings, agendas and minutes.
    View,
    /// Get a private calendar feed of its meetings.
    Subscribe,
    /// Schedule meetings, keep their attendance and minutes.
    Run,
    /// Record which organizations are members, and when.
    ManageMembers,
    /// Read the public summary of its action plan (anyone).
    ReadPublicPlan,
}

impl Action for WorkspaceAction {
    fn key(self) -> &'static str {
        match self {
            WorkspaceAction::View => "coalition.view",
            WorkspaceAction::Subscribe => "coalition.subscribe",
            WorkspaceAction::Run => "coalition.run",
            WorkspaceAction::ManageMembers => "coalition.manage_members",
            WorkspaceAction::ReadPublicPlan => "coalition.read_public_plan",
        }
    }

    fn denial_audited(self) -> bool {
        self != WorkspaceAction::ReadPublicPlan
    }
}

impl Resource for Workspace {
    type Action = WorkspaceAction;
    const KIND: &'static str = "coalition";

    fn audit_id(&self) -> Option<String> {
        Some(self.coalition.to_string())
    }

    fn rule(&self, who: &Principal, action: WorkspaceAction) -> Result<(), DenyReason> {
        // The command line (the demo, an import of memberships) runs the coalition; the
        // public summary of the plan is public.
        if *who == Principal::Operator || action == WorkspaceAction::ReadPublicPlan {
            return Ok(());
        }
        let actor = who.user()?;
        // The coalition's own staff belong to no member organization.
        let staff = actor.org_id.is_none();
        match action {
            WorkspaceAction::View | WorkspaceAction::Subscribe => match actor.role {
                // Analysts see aggregates only.
                Role::Analyst => Err(DenyReason::RoleNotAllowed),
                _ if staff || self.caller_is_member => Ok(()),
                _ => Err(DenyReason::OtherOrganization),
            },
            WorkspaceAction::Run => match actor.role {
                Role::CoalitionAdmin | Role::Coordinator if staff => Ok(()),
                _ => Err(DenyReason::RoleNotAllowed),
            },
            WorkspaceAction::ManageMembers => match actor.role {
                Role::CoalitionAdmin => Ok(()),
                _ => Err(DenyReason::RoleNotAllowed),
            },
            WorkspaceAction::ReadPublicPlan => Ok(()),
        }
    }
}

/// Recording a training session its lead trainer gave: the coalition's trainers' sessions
/// are recorded by its staff, a member organization's trainers' sessions by that
/// organization's administrators and coordinators too (the cascade's lower levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrainingDelivery {
    pub coalition: OrgId,
    /// The caller's organization is a member (of any role) today.
    pub caller_is_member: bool,
    /// The lead trainer's organization (`None`: the coalition's own trainer).
    pub trainer_org: Option<OrgId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryAction {
    Record,
}

impl Action for DeliveryAction {
    fn key(self) -> &'static str {
        "training.record"
    }

    fn denial_audited(self) -> bool {
        true
    }
}

impl Resource for TrainingDelivery {
    type Action = DeliveryAction;
    const KIND: &'static str = "training";

    fn audit_id(&self) -> Option<String> {
        Some(self.coalition.to_string())
    }

    fn rule(&self, who: &Principal, _: DeliveryAction) -> Result<(), DenyReason> {
        if *who == Principal::Operator {
            return Ok(());
        }
        let actor = who.user()?;
        match (actor.role, actor.org_id) {
            (Role::CoalitionAdmin | Role::Coordinator, None) => Ok(()),
            (Role::OrgAdmin | Role::Coordinator, Some(org)) => {
                if self.caller_is_member && self.trainer_org == Some(org) {
                    Ok(())
                } else {
                    Err(DenyReason::OtherOrganization)
                }
            }
            _ => Err(DenyReason::RoleNotAllowed),
        }
    }
}

/// One resource of a coalition's library, with the caller's organization's place in the
/// coalition (loaded by the use case). A public resource is read by anyone; a members' one as
/// the workspace is. The coalition's staff add and withdraw any; a member organization's
/// administrators and coordinators share their own for members, and withdraw their own; only
/// the coalition speaks in public.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shelf {
    pub coalition: OrgId,
    /// The caller's organization is a member (of any role) today.
    pub caller_is_member: bool,
    pub visibility: Visibility,
    /// The organization that shares it (`None`: the coalition's own).
    pub owner: Option<OrgId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShelfAction {
    Read,
    Add,
    Withdraw,
}

impl Action for ShelfAction {
    fn key(self) -> &'static str {
        match self {
            ShelfAction::Read => "library.read",
            ShelfAction::Add => "library.add",
            ShelfAction::Withdraw => "library.withdraw",
        }
    }

    fn denial_audited(self) -> bool {
        true
    }
}

impl Resource for Shelf {
    type Action = ShelfAction;
    const KIND: &'static str = "library";

    fn audit_id(&self) -> Option<String> {
        Some(self.coalition.to_string())
    }

    fn rule(&self, who: &Principal, action: ShelfAction) -> Result<(), DenyReason> {
        if *who == Principal::Operator
            || (action == ShelfAction::Read && self.visibility == Visibility::Public)
        {
            return Ok(());
        }
        let actor = who.user()?;
        let own = self.caller_is_member && actor.org_id.is_some() && self.owner == actor.org_id;
        match (action, actor.role, actor.org_id) {
            (ShelfAction::Read, Role::Analyst, _) => Err(DenyReason::RoleNotAllowed),
            (ShelfAction::Read, _, None) => Ok(()),
            (ShelfAction::Read, _, Some(_)) if self.caller_is_member => Ok(()),
            (ShelfAction::Read, _, Some(_)) => Err(DenyReason::OtherOrganization),
            (_, Role::CoalitionAdmin | Role::Coordinator, None) => Ok(()),
            (ShelfAction::Add, Role::OrgAdmin | Role::Coordinator, Some(_))
                if self.visibility == Visibility::Public =>
            {
                Err(DenyReason::RoleNotAllowed)
            }
            (_, Role::OrgAdmin | Role::Coordinator, Some(_)) if own => Ok(()),
            (_, Role::OrgAdmin | Role::Coordinator, Some(_)) => Err(DenyReason::OtherOrganization),
            _ => Err(DenyReason::RoleNotAllowed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::can;
    use crate::policy::testing::user;

    #[test]
    fn members_read_and_the_coalition_runs() {
        let coalition = OrgId::new();
        let member_org = OrgId::new();
        let member = Workspace {
            coalition,
            caller_is_member: true,
        };
        let outsider = Workspace {
            coalition,
            caller_is_member: false,
        };
        assert!(can(&Principal::Anonymous, WorkspaceAction::View, member).is_err());
        assert!(
            can(
                &Principal::Anonymous,
                WorkspaceAction::ReadPublicPlan,
                outsider
            )
            .is_ok()
        );
        for role in Role::ALL {
            let staff = user(role, None);
            let of_member = user(role, Some(member_org));
            let reads = role != Role::Analyst;
            assert_eq!(can(&staff, WorkspaceAction::View, outsider).is_ok(), reads);
            assert_eq!(
                can(&of_member, WorkspaceAction::View, member).is_ok(),
                reads
            );
            assert_eq!(
                can(&of_member, WorkspaceAction::Subscribe, member).is_ok(),
                reads
            );
            assert!(can(&of_member, WorkspaceAction::View, outsider).is_err());
            let runs = matches!(role, Role::CoalitionAdmin | Role::Coordinator);
            assert_eq!(can(&staff, WorkspaceAction::Run, outsider).is_ok(), runs);
            assert!(can(&of_member, WorkspaceAction::Run, member).is_err());
            assert_eq!(
                can(&staff, WorkspaceAction::ManageMembers, outsider).is_ok(),
                role == Role::CoalitionAdmin
            );
        }
    }

    #[test]
    fn members_record_their_own_trainers_sessions() {
        let coalition = OrgId::new();
        let org = OrgId::new();
        let delivery = |caller_is_member, trainer_org| TrainingDelivery {
            coalition,
            caller_is_member,
            trainer_org,
        };
        let record = DeliveryAction::Record;
        assert!(can(&Principal::Anonymous, record, delivery(false, None)).is_err());
        for role in Role::ALL {
            let staff = user(role, None);
            let of_member = user(role, Some(org));
            let staff_records = matches!(role, Role::CoalitionAdmin | Role::Coordinator);
            assert_eq!(
                can(&staff, record, delivery(false, Some(org))).is_ok(),
                staff_records
            );
            let member_records = matches!(role, Role::OrgAdmin | Role::Coordinator);
            assert_eq!(
                can(&of_member, record, delivery(true, Some(org))).is_ok(),
                member_records
            );
            // Another organization's trainer, the coalition's own, or no longer a member.
            assert!(can(&of_member, record, delivery(true, Some(OrgId::new()))).is_err());
            assert!(can(&of_member, record, delivery(true, None)).is_err());
            assert!(can(&of_member, record, delivery(false, Some(org))).is_err());
        }
    }

    #[test]
    fn the_library_is_read_as_shared_and_kept_by_who_shares() {
        let coalition = OrgId::new();
        let org = OrgId::new();
        let shelf = |caller_is_member, visibility, owner| Shelf {
            coalition,
            caller_is_member,
            visibility,
            owner,
        };
        let public = shelf(false, Visibility::Public, None);
        let members = shelf(false, Visibility::Members, None);
        assert!(can(&Principal::Anonymous, ShelfAction::Read, public).is_ok());
        assert!(can(&Principal::Anonymous, ShelfAction::Read, members).is_err());
        assert!(can(&Principal::Anonymous, ShelfAction::Add, public).is_err());
        for role in Role::ALL {
            let staff = user(role, None);
            let of_member = user(role, Some(org));
            let reads = role != Role::Analyst;
            assert!(can(&of_member, ShelfAction::Read, public).is_ok());
            assert_eq!(can(&staff, ShelfAction::Read, members).is_ok(), reads);
            let as_member = shelf(true, Visibility::Members, None);
            assert_eq!(can(&of_member, ShelfAction::Read, as_member).is_ok(), reads);
            assert!(can(&of_member, ShelfAction::Read, members).is_err());
            let runs = matches!(role, Role::CoalitionAdmin | Role::Coordinator);
            for action in [ShelfAction::Add, ShelfAction::Withdraw] {
                assert_eq!(can(&staff, action, public).is_ok(), runs);
                let theirs = shelf(true, Visibility::Members, Some(org));
                let shares = matches!(role, Role::OrgAdmin | Role::Coordinator);
                assert_eq!(can(&of_member, action, theirs).is_ok(), shares, "{role:?}");
                // Another member's, the coalition's own, or no longer a member.
                let other = shelf(true, Visibility::Members, Some(OrgId::new()));
                assert!(can(&of_member, action, other).is_err());
                assert!(can(&of_member, action, as_member).is_err());
                let gone = shelf(false, Visibility::Members, Some(org));
                assert!(can(&of_member, action, gone).is_err());
            }
            // A member shares for members; only the coalition speaks in public.
            let in_public = shelf(true, Visibility::Public, Some(org));
            assert!(can(&of_member, ShelfAction::Add, in_public).is_err());
        }
    }
}
