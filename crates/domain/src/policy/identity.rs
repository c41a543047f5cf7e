//! Accounts: one's own account and security, staff lists, and administering other people's
//! accounts (who may create, disable or reset whom, and grant which role).

use super::{Action, DenyReason, Principal, Resource, can};
use crate::{Actor, OrgId, Role, UserId};

/// Roles an organization admin may give to staff of their own organization.
pub const ORG_ADMIN_GRANTS: [Role; 3] = [Role::Caseworker, Role::OrgAdmin, Role::PoliceLiaison];

/// One's own account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OwnAccount {
    pub owner: UserId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountAction {
    /// Who am I: name, e-mail, organization, role.
    View,
    /// My second factor and my sessions.
    ManageSecurity,
    /// My API tokens (the command line issues them for any account).
    ManageTokens,
}

impl Action for AccountAction {
    fn key(self) -> &'static str {
        match self {
            AccountAction::View => "account.view",
            AccountAction::ManageSecurity => "account.security",
            AccountAction::ManageTokens => "account.tokens",
        }
    }

    fn denial_audited(self) -> bool {
        true
    }
}

impl Resource for OwnAccount {
    type Action = AccountAction;
    const KIND: &'static str = "user";

    fn audit_id(&self) -> Option<String> {
        Some(self.owner.to_string())
    }

    fn rule(&self, who: &Principal, action: AccountAction) -> Result<(), DenyReason> {
        if *who == Principal::Operator && action == AccountAction::ManageTokens {
            return Ok(());
        }
        if who.user()?.user_id == self.owner {
            Ok(())
        } else {
            Err(DenyReason::NotOwner)
        }
    }
}

/// Someone else's account, as seen by whoever would administer it; `id` is `None` for an
/// account not created yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaffAccount {
    pub id: Option<UserId>,
    pub org_id: Option<OrgId>,
    pub role: Role,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffAction {
    Create,
    /// Disable the account and end its sessions.
    Disable,
    /// Issue a one-time link to set a new password.
    IssueResetLink,
}

impl Action for StaffAction {
    fn key(self) -> &'static str {
        match self {
            StaffAction::Create => "user.create",
            StaffAction::Disable => "user.disable",
            StaffAction::IssueResetLink => "user.password_reset_link",
        }
    }

    fn denial_audited(self) -> bool {
        true
    }

    fn needs_step_up(self) -> bool {
        true
    }
}

impl Resource for StaffAccount {
    type Action = StaffAction;
    const KIND: &'static str = "user";

    fn audit_id(&self) -> Option<String> {
        self.id.map(|id| id.to_string())
    }

    fn rule(&self, who: &Principal, _action: StaffAction) -> Result<(), DenyReason> {
        // The command line: whoever holds the key file already holds every account.
        if *who == Principal::Operator {
            return Ok(());
        }
        let actor = who.user()?;
        if self.id == Some(actor.user_id) {
            return Err(DenyReason::OwnAccount);
        }
        match actor.role {
            Role::CoalitionAdmin => Ok(()),
            Role::OrgAdmin => {
                if actor.org_id.is_none() || self.org_id != actor.org_id {
                    Err(DenyReason::OtherOrganization)
                } else if !ORG_ADMIN_GRANTS.contains(&self.role) {
                    Err(DenyReason::EscalatesPrivilege)
                } else {
                    Ok(())
                }
            }
            _ => Err(DenyReason::RoleNotAllowed),
        }
    }
}

/// The staff list of one organization, or (`None`) every account of the instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaffList {
    pub org_id: Option<OrgId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffListAction {
    /// See the accounts: names and e-mail addresses are personal data too.
    View,
}

impl Action for StaffListAction {
    fn key(self) -> &'static str {
        "staff.view"
    }

    fn denial_audited(self) -> bool {
        true
    }
}

impl Resource for StaffList {
    type Action = StaffListAction;
    const KIND: &'static str = "staff";

    fn audit_id(&self) -> Option<String> {
        self.org_id.map(|id| id.to_string())
    }

    fn rule(&self, who: &Principal, _action: StaffListAction) -> Result<(), DenyReason> {
        if *who == Principal::Operator {
            return Ok(());
        }
        let actor = who.user()?;
        match actor.role {
            Role::CoalitionAdmin => Ok(()),
            Role::OrgAdmin if actor.org_id.is_some() && self.org_id == actor.org_id => Ok(()),
            Role::OrgAdmin => Err(DenyReason::OtherOrganization),
            _ => Err(DenyReason::RoleNotAllowed),
        }
    }
}

/// The staff list an actor administers: every account for the coalition's administration,
/// their own organization's for an organization admin, none otherwise.
pub fn administered_staff(actor: &Actor) -> StaffList {
    let who = Principal::User(actor.clone());
    let everyone = StaffList { org_id: None };
    if can(&who, StaffListAction::View, everyone).is_ok() {
        everyone
    } else {
        StaffList {
            org_id: actor.org_id,
        }
    }
}

/// The roles `who` may give to a new account of `org_id` (for the form's choices; the
/// creation itself is decided by [`can`]).
pub fn grantable_roles(who: &Principal, org_id: Option<OrgId>) -> Vec<Role> {
    Role::ALL
        .into_iter()
        .filter(|&role| {
            let account = StaffAccount {
                id: None,
                org_id,
                role,
            };
            super::offers(who, StaffAction::Create, account)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::testing::{stale, user};

    fn decide(
        who: &Principal,
        action: StaffAction,
        target: StaffAccount,
    ) -> Result<(), DenyReason> {
        can(who, action, target).map(|_| ()).map_err(|d| d.reason)
    }

    #[test]
    fn user_management_matrix() {
        let mine = OrgId::new();
        let other = OrgId::new();
        let org_admin = user(Role::OrgAdmin, Some(mine));
        let admin = user(Role::CoalitionAdmin, None);
        for role in Role::ALL {
            let account = |org_id| StaffAccount {
                id: Some(UserId::new()),
                org_id,
                role,
            };
            for target in [account(Some(mine)), account(Some(other)), account(None)] {
                for action in [
                    StaffAction::Create,
                    StaffAction::Disable,
                    StaffAction::IssueResetLink,
                ] {
                    assert_eq!(decide(&admin, action, target), Ok(()));
                    assert_eq!(decide(&Principal::Operator, action, target), Ok(()));
                    assert_eq!(
                        decide(&Principal::Anonymous, action, target),
                        Err(DenyReason::NotSignedIn)
                    );
                }
            }
            let expected = if ORG_ADMIN_GRANTS.contains(&role) {
                Ok(())
            } else {
                Err(DenyReason::EscalatesPrivilege)
            };
            assert_eq!(
                decide(&org_admin, StaffAction::Create, account(Some(mine))),
                expected
            );
            assert_eq!(
                decide(&org_admin, StaffAction::Create, account(Some(other))),
                Err(DenyReason::OtherOrganization)
            );
            assert_eq!(
                decide(&org_admin, StaffAction::Create, account(None)),
                Err(DenyReason::OtherOrganization)
            );
            for other_role in Role::ALL
                .into_iter()
                .filter(|r| !matches!(r, Role::CoalitionAdmin | Role::OrgAdmin))
            {
                assert_eq!(
                    decide(
                        &user(other_role, Some(mine)),
                        StaffAction::Create,
                        account(Some(mine))
                    ),
                    Err(DenyReason::RoleNotAllowed)
                );
            }
        }
        // An org admin without an organization (misconfigured) manages nobody.
        let orphan = user(Role::OrgAdmin, None);
        let target = StaffAccount {
            id: None,
            org_id: None,
            role: Role::Caseworker,
        };
        assert_eq!(
            decide(&orphan, StaffAction::Create, target),
            Err(DenyReason::OtherOrganization)
        );
    }

    #[test]
    fn nobody_administers_their_own_account() {
        let admin = user(Role::CoalitionAdmin, None);
        let me = admin.actor().map(|a| a.user_id);
        let target = StaffAccount {
            id: me,
            org_id: None,
            role: Role::CoalitionAdmin,
        };
        for action in [StaffAction::Disable, StaffAction::IssueResetLink] {
            assert_eq!(decide(&admin, action, target), Err(DenyReason::OwnAccount));
        }
    }

    #[test]
    fn administering_accounts_asks_for_a_recent_second_factor() {
        let admin = stale(&user(Role::CoalitionAdmin, None));
        let target = StaffAccount {
            id: None,
            org_id: None,
            role: Role::Analyst,
        };
        assert_eq!(
            decide(&admin, StaffAction::Create, target),
            Err(DenyReason::StepUpRequired)
        );
        // The form still offers the roles; the creation asks for the factor.
        assert_eq!(grantable_roles(&admin, None).len(), Role::ALL.len());
    }

    #[test]
    fn refusals_of_account_administration_are_audited() {
        let worker = user(Role::Caseworker, Some(OrgId::new()));
        let target = StaffAccount {
            id: Some(UserId::new()),
            org_id: None,
            role: Role::Analyst,
        };
        let denial = can(&worker, StaffAction::Disable, target).expect_err("refused");
        let event = denial.audit_event().expect("audited");
        assert_eq!(event.action, "user.disable");
        assert_eq!(event.reason, Some("role_not_allowed"));
        assert_eq!(event.actor.map(|(_, r)| r), Some(Role::Caseworker));
        // The public is stopped at the door; there is nobody to name.
        let denial = can(&Principal::Anonymous, StaffAction::Disable, target).expect_err("refused");
        assert!(denial.audit_event().is_none());
    }

    #[test]
    fn grantable_roles_follow_the_rule() {
        let mine = OrgId::new();
        let org_admin = user(Role::OrgAdmin, Some(mine));
        assert_eq!(
            grantable_roles(&org_admin, Some(mine)),
            ORG_ADMIN_GRANTS.to_vec()
        );
        assert!(grantable_roles(&org_admin, Some(OrgId::new())).is_empty());
        assert!(grantable_roles(&user(Role::Caseworker, Some(mine)), Some(mine)).is_empty());
    }

    #[test]
    fn everyone_sees_their_own_account_and_no_one_elses() {
        for role in Role::ALL {
            let me = user(role, None);
            let mine = OwnAccount {
                owner: me.actor().map(|a| a.user_id).unwrap_or_default(),
            };
            for action in [
                AccountAction::View,
                AccountAction::ManageSecurity,
                AccountAction::ManageTokens,
            ] {
                assert!(can(&me, action, mine).is_ok());
                let theirs = OwnAccount {
                    owner: UserId::new(),
                };
                assert_eq!(
                    can(&me, action, theirs).map(|_| ()).map_err(|d| d.reason),
                    Err(DenyReason::NotOwner)
                );
            }
        }
        let anyone = OwnAccount {
            owner: UserId::new(),
        };
        assert!(can(&Principal::Operator, AccountAction::ManageTokens, anyone).is_ok());
        assert!(can(&Principal::Operator, AccountAction::View, anyone).is_err());
    }

    #[test]
    fn staff_lists_are_for_admins_of_that_staff() {
        let mine = OrgId::new();
        for role in Role::ALL {
            let who = user(role, Some(mine));
            let view = |org_id| {
                can(&who, StaffListAction::View, StaffList { org_id })
                    .map(|_| ())
                    .map_err(|d| d.reason)
            };
            match role {
                Role::CoalitionAdmin => {
                    assert!(view(Some(mine)).is_ok() && view(Some(OrgId::new())).is_ok());
                    assert!(view(None).is_ok());
                }
                Role::OrgAdmin => {
                    assert!(view(Some(mine)).is_ok());
                    assert_eq!(view(Some(OrgId::new())), Err(DenyReason::OtherOrganization));
                    assert_eq!(view(None), Err(DenyReason::OtherOrganization));
                }
                _ => assert_eq!(view(Some(mine)), Err(DenyReason::RoleNotAllowed), "{role}"),
            }
            if let Some(actor) = who.actor() {
                let scope = administered_staff(actor);
                let expected = if role == Role::CoalitionAdmin {
                    None
                } else {
                    Some(mine)
                };
                assert_eq!(scope.org_id, expected);
            }
        }
    }
}
