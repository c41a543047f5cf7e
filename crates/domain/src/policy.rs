//! Who may do what. Every handler asks [`can`]; no handler decides on its own.
//!
//! Decisions are pure functions of the actor, the action and what the resource is (its
//! owner, its organization), so they can be tested exhaustively and reviewed in one place.

use crate::{Actor, OrgId, Role, UserId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// The public directory and help pages.
    ViewPublicDirectory,
    /// One's own account: who am I, my organization, my role.
    ViewOwnAccount,
    /// One's own password, second factor and sessions.
    ManageOwnSecurity,
    /// See and administer the staff list of an organization (or of the coalition).
    ManageStaff,
    /// Create an organization of the directory, or edit one.
    EditOrganization,
    /// Create, disable or reset another user's account.
    ManageUser,
    /// Browse the audit trail ("who saw this case, when, why").
    ViewAudit,
    /// Re-encrypt data under a new key version.
    RotateKeys,
    /// Read the screening instruments (questions, indicators, rules).
    ViewInstruments,
    /// Publish a new instrument version, or retire one.
    PublishInstrument,
    /// Run a screening interview (anonymous or, later, attached to a case).
    Screen,
    /// Read, continue or discard one screening.
    ViewScreening,
    /// See a confidential location's street address and coordinates (a shelter).
    ViewConfidentialLocation,
    /// Add or edit an organization's services and locations.
    EditServices,
    /// Say how many places are free tonight (a shelter's night staff included).
    UpdateCapacity,
}

/// What an action applies to, with the facts the decision needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resource {
    Public,
    /// A user's own account.
    Account(UserId),
    /// Another user, as seen by someone who would manage it.
    User {
        org_id: Option<OrgId>,
        role: Role,
    },
    /// The staff of one organization, or of the coalition itself (`None`).
    Staff {
        org_id: Option<OrgId>,
    },
    /// An organization of the directory (`None`: one not created yet).
    Organization(Option<OrgId>),
    AuditTrail,
    Keys,
    Instruments,
    /// One screening, with who ran it.
    Screening {
        created_by: UserId,
    },
    /// A location (or the services) of one organization.
    OrganizationData(OrgId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DenyReason {
    NotSignedIn,
    RoleNotAllowed,
    OtherOrganization,
    NotOwner,
    /// Granting a role the actor could not hold over others (e.g. an org admin creating a
    /// coalition admin).
    EscalatesPrivilege,
}

impl DenyReason {
    pub fn key(self) -> &'static str {
        match self {
            DenyReason::NotSignedIn => "not_signed_in",
            DenyReason::RoleNotAllowed => "role_not_allowed",
            DenyReason::OtherOrganization => "other_organization",
            DenyReason::NotOwner => "not_owner",
            DenyReason::EscalatesPrivilege => "escalates_privilege",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    Deny(DenyReason),
}

impl Decision {
    pub fn is_allowed(self) -> bool {
        self == Decision::Allow
    }
}

/// Roles that screen people: front-line work, intake and police liaison. Administrators,
/// privacy officers and analysts do not (least privilege).
pub const SCREENING_ROLES: [Role; 3] = [Role::Coordinator, Role::Caseworker, Role::PoliceLiaison];

/// Roles an organization admin may give to staff of their own organization.
pub const ORG_ADMIN_GRANTS: [Role; 3] = [Role::Caseworker, Role::OrgAdmin, Role::PoliceLiaison];

pub fn can(actor: Option<&Actor>, action: Action, resource: &Resource) -> Decision {
    use Decision::{Allow, Deny};
    if action == Action::ViewPublicDirectory {
        return Allow;
    }
    let Some(actor) = actor else {
        return Deny(DenyReason::NotSignedIn);
    };
    match (action, resource) {
        (Action::ViewOwnAccount | Action::ManageOwnSecurity, Resource::Account(owner)) => {
            if *owner == actor.user_id {
                Allow
            } else {
                Deny(DenyReason::NotOwner)
            }
        }
        (Action::ManageUser, Resource::User { org_id, role }) => match actor.role {
            Role::CoalitionAdmin => Allow,
            Role::OrgAdmin => {
                if actor.org_id.is_none() || *org_id != actor.org_id {
                    Deny(DenyReason::OtherOrganization)
                } else if !ORG_ADMIN_GRANTS.contains(role) {
                    Deny(DenyReason::EscalatesPrivilege)
                } else {
                    Allow
                }
            }
            _ => Deny(DenyReason::RoleNotAllowed),
        },
        (Action::ManageStaff, Resource::Staff { org_id }) => match actor.role {
            Role::CoalitionAdmin => Allow,
            Role::OrgAdmin if actor.org_id.is_some() && *org_id == actor.org_id => Allow,
            Role::OrgAdmin => Deny(DenyReason::OtherOrganization),
            _ => Deny(DenyReason::RoleNotAllowed),
        },
        (Action::EditOrganization, Resource::Organization(org)) => match (actor.role, org) {
            (Role::CoalitionAdmin, _) => Allow,
            (Role::OrgAdmin, Some(org)) if actor.org_id == Some(*org) => Allow,
            (Role::OrgAdmin, _) => Deny(DenyReason::OtherOrganization),
            _ => Deny(DenyReason::RoleNotAllowed),
        },
        (Action::ViewAudit, Resource::AuditTrail) => match actor.role {
            Role::PrivacyOfficer | Role::CoalitionAdmin => Allow,
            _ => Deny(DenyReason::RoleNotAllowed),
        },
        (Action::RotateKeys, Resource::Keys) => match actor.role {
            Role::CoalitionAdmin => Allow,
            _ => Deny(DenyReason::RoleNotAllowed),
        },
        (Action::ViewInstruments, Resource::Instruments) => Allow,
        (Action::PublishInstrument, Resource::Instruments) => match actor.role {
            Role::CoalitionAdmin => Allow,
            _ => Deny(DenyReason::RoleNotAllowed),
        },
        (Action::Screen, Resource::Instruments) => {
            if SCREENING_ROLES.contains(&actor.role) {
                Allow
            } else {
                Deny(DenyReason::RoleNotAllowed)
            }
        }
        // Until cases exist, a screening is seen only by the person who ran it; a case team
        // will be added here with cases.
        (Action::ViewScreening, Resource::Screening { created_by }) => {
            if !SCREENING_ROLES.contains(&actor.role) {
                Deny(DenyReason::RoleNotAllowed)
            } else if *created_by == actor.user_id {
                Allow
            } else {
                Deny(DenyReason::NotOwner)
            }
        }
        // Shelter addresses: the coalition's intake and administration, and the staff of the
        // organization that runs the site. Nobody else, police liaison included.
        (Action::ViewConfidentialLocation, Resource::OrganizationData(org)) => match actor.role {
            Role::CoalitionAdmin | Role::Coordinator => Allow,
            Role::OrgAdmin | Role::Caseworker if actor.org_id == Some(*org) => Allow,
            Role::OrgAdmin | Role::Caseworker => Deny(DenyReason::OtherOrganization),
            _ => Deny(DenyReason::RoleNotAllowed),
        },
        (Action::EditServices, Resource::OrganizationData(org)) => match actor.role {
            Role::CoalitionAdmin => Allow,
            Role::OrgAdmin if actor.org_id == Some(*org) => Allow,
            Role::OrgAdmin => Deny(DenyReason::OtherOrganization),
            _ => Deny(DenyReason::RoleNotAllowed),
        },
        (Action::UpdateCapacity, Resource::OrganizationData(org)) => match actor.role {
            Role::CoalitionAdmin => Allow,
            Role::OrgAdmin | Role::Caseworker if actor.org_id == Some(*org) => Allow,
            Role::OrgAdmin | Role::Caseworker => Deny(DenyReason::OtherOrganization),
            _ => Deny(DenyReason::RoleNotAllowed),
        },
        // An action asked about a resource it does not apply to is a programming error;
        // deny rather than guess.
        _ => Deny(DenyReason::RoleNotAllowed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, org: Option<OrgId>) -> Actor {
        Actor {
            user_id: UserId::new(),
            org_id: org,
            role,
        }
    }

    #[test]
    fn anonymous_visitors_see_only_the_public_directory() {
        assert_eq!(
            can(None, Action::ViewPublicDirectory, &Resource::Public),
            Decision::Allow
        );
        for (action, resource) in [
            (Action::ViewOwnAccount, Resource::Account(UserId::new())),
            (
                Action::ManageUser,
                Resource::User {
                    org_id: None,
                    role: Role::Analyst,
                },
            ),
            (Action::ViewAudit, Resource::AuditTrail),
            (Action::RotateKeys, Resource::Keys),
        ] {
            assert_eq!(
                can(None, action, &resource),
                Decision::Deny(DenyReason::NotSignedIn)
            );
        }
    }

    #[test]
    fn screening_is_for_front_line_roles_and_results_for_their_screener() {
        for role in Role::ALL {
            let me = actor(role, None);
            let screens = SCREENING_ROLES.contains(&role);
            assert!(can(Some(&me), Action::ViewInstruments, &Resource::Instruments).is_allowed());
            assert_eq!(
                can(Some(&me), Action::Screen, &Resource::Instruments).is_allowed(),
                screens,
                "{role}"
            );
            assert_eq!(
                can(Some(&me), Action::PublishInstrument, &Resource::Instruments).is_allowed(),
                role == Role::CoalitionAdmin
            );
            let mine = Resource::Screening {
                created_by: me.user_id,
            };
            let theirs = Resource::Screening {
                created_by: UserId::new(),
            };
            assert_eq!(
                can(Some(&me), Action::ViewScreening, &mine).is_allowed(),
                screens
            );
            assert!(!can(Some(&me), Action::ViewScreening, &theirs).is_allowed());
        }
        assert_eq!(
            can(None, Action::ViewInstruments, &Resource::Instruments),
            Decision::Deny(DenyReason::NotSignedIn)
        );
    }

    #[test]
    fn shelter_addresses_and_service_editing() {
        let mine = OrgId::new();
        let other = OrgId::new();
        let data = Resource::OrganizationData(mine);
        let sees = |role: Role, org: Option<OrgId>| {
            can(
                Some(&actor(role, org)),
                Action::ViewConfidentialLocation,
                &data,
            )
            .is_allowed()
        };
        assert!(sees(Role::CoalitionAdmin, None) && sees(Role::Coordinator, None));
        assert!(sees(Role::Caseworker, Some(mine)) && sees(Role::OrgAdmin, Some(mine)));
        assert!(!sees(Role::Caseworker, Some(other)) && !sees(Role::OrgAdmin, Some(other)));
        for role in [Role::PoliceLiaison, Role::PrivacyOfficer, Role::Analyst] {
            assert!(!sees(role, Some(mine)), "{role}");
        }
        assert!(!can(None, Action::ViewConfidentialLocation, &data).is_allowed());
        let edits = |role: Role, org: Option<OrgId>| {
            can(Some(&actor(role, org)), Action::EditServices, &data).is_allowed()
        };
        assert!(edits(Role::CoalitionAdmin, None) && edits(Role::OrgAdmin, Some(mine)));
        assert!(!edits(Role::OrgAdmin, Some(other)) && !edits(Role::Caseworker, Some(mine)));
        assert!(!edits(Role::Coordinator, None));
        let counts = |role: Role, org: Option<OrgId>| {
            can(Some(&actor(role, org)), Action::UpdateCapacity, &data).is_allowed()
        };
        assert!(counts(Role::Caseworker, Some(mine)) && counts(Role::OrgAdmin, Some(mine)));
        assert!(!counts(Role::Caseworker, Some(other)) && !counts(Role::PoliceLiaison, Some(mine)));
    }

    #[test]
    fn everyone_sees_their_own_account_and_no_one_elses() {
        for role in Role::ALL {
            let me = actor(role, None);
            assert!(
                can(
                    Some(&me),
                    Action::ViewOwnAccount,
                    &Resource::Account(me.user_id)
                )
                .is_allowed()
            );
            assert!(
                can(
                    Some(&me),
                    Action::ManageOwnSecurity,
                    &Resource::Account(me.user_id)
                )
                .is_allowed()
            );
            assert_eq!(
                can(
                    Some(&me),
                    Action::ViewOwnAccount,
                    &Resource::Account(UserId::new())
                ),
                Decision::Deny(DenyReason::NotOwner)
            );
        }
    }

    #[test]
    fn user_management_matrix() {
        let mine = OrgId::new();
        let other = OrgId::new();
        let org_admin = actor(Role::OrgAdmin, Some(mine));
        for role in Role::ALL {
            let same_org = Resource::User {
                org_id: Some(mine),
                role,
            };
            let other_org = Resource::User {
                org_id: Some(other),
                role,
            };
            let coalition = Resource::User { org_id: None, role };
            // Coalition admins manage everyone.
            let admin = actor(Role::CoalitionAdmin, None);
            for target in [&same_org, &other_org, &coalition] {
                assert!(can(Some(&admin), Action::ManageUser, target).is_allowed());
            }
            // Org admins manage their own organization's staff roles only.
            let expected = if ORG_ADMIN_GRANTS.contains(&role) {
                Decision::Allow
            } else {
                Decision::Deny(DenyReason::EscalatesPrivilege)
            };
            assert_eq!(
                can(Some(&org_admin), Action::ManageUser, &same_org),
                expected,
                "{role}"
            );
            assert_eq!(
                can(Some(&org_admin), Action::ManageUser, &other_org),
                Decision::Deny(DenyReason::OtherOrganization)
            );
            assert_eq!(
                can(Some(&org_admin), Action::ManageUser, &coalition),
                Decision::Deny(DenyReason::OtherOrganization)
            );
            // Nobody else manages users.
            for other_role in Role::ALL
                .into_iter()
                .filter(|r| !matches!(r, Role::CoalitionAdmin | Role::OrgAdmin))
            {
                assert_eq!(
                    can(
                        Some(&actor(other_role, Some(mine))),
                        Action::ManageUser,
                        &same_org
                    ),
                    Decision::Deny(DenyReason::RoleNotAllowed)
                );
            }
        }
        // An org admin without an organization (misconfigured) manages nobody.
        let orphan = actor(Role::OrgAdmin, None);
        assert_eq!(
            can(
                Some(&orphan),
                Action::ManageUser,
                &Resource::User {
                    org_id: None,
                    role: Role::Caseworker
                }
            ),
            Decision::Deny(DenyReason::OtherOrganization)
        );
    }

    #[test]
    fn staff_lists_are_for_admins_of_that_staff() {
        let mine = OrgId::new();
        for role in Role::ALL {
            let a = actor(role, Some(mine));
            let own = can(
                Some(&a),
                Action::ManageStaff,
                &Resource::Staff { org_id: Some(mine) },
            );
            let other = can(
                Some(&a),
                Action::ManageStaff,
                &Resource::Staff {
                    org_id: Some(OrgId::new()),
                },
            );
            let coalition = can(
                Some(&a),
                Action::ManageStaff,
                &Resource::Staff { org_id: None },
            );
            match role {
                Role::CoalitionAdmin => {
                    assert!(own.is_allowed() && other.is_allowed() && coalition.is_allowed())
                }
                Role::OrgAdmin => {
                    assert!(own.is_allowed());
                    assert_eq!(other, Decision::Deny(DenyReason::OtherOrganization));
                    assert_eq!(coalition, Decision::Deny(DenyReason::OtherOrganization));
                }
                _ => assert_eq!(own, Decision::Deny(DenyReason::RoleNotAllowed), "{role}"),
            }
        }
    }

    #[test]
    fn organizations_are_created_by_the_coalition_and_edited_by_their_admins() {
        let mine = OrgId::new();
        for role in Role::ALL {
            let a = actor(role, Some(mine));
            let create = can(
                Some(&a),
                Action::EditOrganization,
                &Resource::Organization(None),
            );
            let own = can(
                Some(&a),
                Action::EditOrganization,
                &Resource::Organization(Some(mine)),
            );
            let other = can(
                Some(&a),
                Action::EditOrganization,
                &Resource::Organization(Some(OrgId::new())),
            );
            match role {
                Role::CoalitionAdmin => {
                    assert!(create.is_allowed() && own.is_allowed() && other.is_allowed())
                }
                Role::OrgAdmin => {
                    assert!(own.is_allowed());
                    assert_eq!(create, Decision::Deny(DenyReason::OtherOrganization));
                    assert_eq!(other, Decision::Deny(DenyReason::OtherOrganization));
                }
                _ => assert!(
                    !create.is_allowed() && !own.is_allowed() && !other.is_allowed(),
                    "{role}"
                ),
            }
        }
    }

    #[test]
    fn audit_and_keys_are_for_few_roles() {
        for role in Role::ALL {
            let a = actor(role, None);
            let audit = can(Some(&a), Action::ViewAudit, &Resource::AuditTrail).is_allowed();
            assert_eq!(
                audit,
                matches!(role, Role::PrivacyOfficer | Role::CoalitionAdmin),
                "{role}"
            );
            let keys = can(Some(&a), Action::RotateKeys, &Resource::Keys).is_allowed();
            assert_eq!(keys, role == Role::CoalitionAdmin, "{role}");
        }
    }

    #[test]
    fn mismatched_action_and_resource_is_denied() {
        let admin = actor(Role::CoalitionAdmin, None);
        assert!(!can(Some(&admin), Action::ViewAudit, &Resource::Keys).is_allowed());
        assert!(!can(Some(&admin), Action::ManageUser, &Resource::AuditTrail).is_allowed());
    }
}
