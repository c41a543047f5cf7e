//! The directory: who adds organizations, who edits an organization's listing (its profile,
//! services and sites), who updates capacity, and who sees a confidential site's address.
//! Reading the public directory needs no permit: it is public.

use super::{Action, DenyReason, Principal, Resource};
use crate::{OrgId, Role};

/// The directory as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Directory;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectoryAction {
    /// Add an organization.
    CreateOrganization,
    /// Load another directory's data (an HSDS package), or the demo.
    Import,
    /// See the services an import could not place in any domain, and give them their domains.
    Classify,
}

impl Action for DirectoryAction {
    fn key(self) -> &'static str {
        match self {
            DirectoryAction::CreateOrganization => "organization.create",
            DirectoryAction::Import => "directory.import",
            DirectoryAction::Classify => "directory.classify",
        }
    }

    fn denial_audited(self) -> bool {
        false
    }

    fn needs_step_up(self) -> bool {
        true
    }
}

impl Resource for Directory {
    type Action = DirectoryAction;
    const KIND: &'static str = "directory";

    fn audit_id(&self) -> Option<String> {
        None
    }

    fn rule(&self, who: &Principal, action: DirectoryAction) -> Result<(), DenyReason> {
        if *who == Principal::Operator {
            return Ok(());
        }
        let actor = who.user()?;
        match (action, actor.role) {
            (_, Role::CoalitionAdmin) => Ok(()),
            // An organization admin edits their own listing only.
            (DirectoryAction::CreateOrganization, Role::OrgAdmin) => {
                Err(DenyReason::OtherOrganization)
            }
            _ => Err(DenyReason::RoleNotAllowed),
        }
    }
}

/// One organization's listing: its profile, its services and its sites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listing {
    pub org: OrgId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListingAction {
    /// Edit the organization's profile (names, mandates, contacts, areas).
    EditProfile,
    /// Add or edit its services and sites.
    EditServices,
    /// Say its services' details are still right (the 180-day review).
    ConfirmReviewed,
    /// Say how many places are free tonight (a shelter's night staff included).
    UpdateCapacity,
    /// See a confidential site's street address and coordinates (a shelter).
    ViewConfidentialSites,
}

impl Action for ListingAction {
    fn key(self) -> &'static str {
        match self {
            ListingAction::EditProfile => "organization.update",
            ListingAction::EditServices => "service.edit",
            ListingAction::ConfirmReviewed => "service.reviewed",
            ListingAction::UpdateCapacity => "service.capacity",
            ListingAction::ViewConfidentialSites => "location.read_confidential",
        }
    }

    /// Editing sites opens their exact addresses, a shelter's included: a refused attempt is
    /// audited. A reader who may not see a shelter's address is shown its town, as the
    /// public is: that is the ordinary view, not a refused request.
    fn denial_audited(self) -> bool {
        self == ListingAction::EditServices
    }

    fn needs_step_up(self) -> bool {
        matches!(
            self,
            ListingAction::EditProfile | ListingAction::EditServices
        )
    }
}

impl Resource for Listing {
    type Action = ListingAction;
    const KIND: &'static str = "organization";

    fn audit_id(&self) -> Option<String> {
        Some(self.org.to_string())
    }

    fn rule(&self, who: &Principal, action: ListingAction) -> Result<(), DenyReason> {
        let actor = who.user()?;
        let own = actor.org_id == Some(self.org);
        let staff_of_it = |roles: &[Role]| {
            if !roles.contains(&actor.role) {
                Err(DenyReason::RoleNotAllowed)
            } else if own {
                Ok(())
            } else {
                Err(DenyReason::OtherOrganization)
            }
        };
        match (action, actor.role) {
            (_, Role::CoalitionAdmin) => Ok(()),
            (
                ListingAction::EditProfile
                | ListingAction::EditServices
                | ListingAction::ConfirmReviewed,
                _,
            ) => staff_of_it(&[Role::OrgAdmin]),
            (ListingAction::UpdateCapacity, _) => staff_of_it(&[Role::OrgAdmin, Role::Caseworker]),
            // Shelter addresses: the coalition's intake, and the staff of the organization
            // that runs the site. Nobody else, police liaison included.
            (ListingAction::ViewConfidentialSites, Role::Coordinator) => Ok(()),
            (ListingAction::ViewConfidentialSites, _) => {
                staff_of_it(&[Role::OrgAdmin, Role::Caseworker])
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::testing::{stale, user};
    use crate::policy::{can, offers};

    fn allowed(who: &Principal, action: ListingAction, org: OrgId) -> bool {
        can(who, action, Listing { org }).is_ok()
    }

    #[test]
    fn shelter_addresses_and_service_editing() {
        let mine = OrgId::new();
        let other = OrgId::new();
        let sees =
            |role, org| allowed(&user(role, org), ListingAction::ViewConfidentialSites, mine);
        assert!(sees(Role::CoalitionAdmin, None) && sees(Role::Coordinator, None));
        assert!(sees(Role::Caseworker, Some(mine)) && sees(Role::OrgAdmin, Some(mine)));
        assert!(!sees(Role::Caseworker, Some(other)) && !sees(Role::OrgAdmin, Some(other)));
        for role in [Role::PoliceLiaison, Role::PrivacyOfficer, Role::Analyst] {
            assert!(!sees(role, Some(mine)), "{role}");
        }
        assert!(!allowed(
            &Principal::Anonymous,
            ListingAction::ViewConfidentialSites,
            mine
        ));
        assert!(!allowed(
            &Principal::Operator,
            ListingAction::ViewConfidentialSites,
            mine
        ));
        let edits = |role, org| allowed(&user(role, org), ListingAction::EditServices, mine);
        assert!(edits(Role::CoalitionAdmin, None) && edits(Role::OrgAdmin, Some(mine)));
        assert!(!edits(Role::OrgAdmin, Some(other)) && !edits(Role::Caseworker, Some(mine)));
        assert!(!edits(Role::Coordinator, None));
        let counts = |role, org| allowed(&user(role, org), ListingAction::UpdateCapacity, mine);
        assert!(counts(Role::Caseworker, Some(mine)) && counts(Role::OrgAdmin, Some(mine)));
        assert!(!counts(Role::Caseworker, Some(other)) && !counts(Role::PoliceLiaison, Some(mine)));
    }

    #[test]
    fn editing_asks_for_a_recent_second_factor_and_capacity_does_not() {
        let org = OrgId::new();
        let admin = stale(&user(Role::OrgAdmin, Some(org)));
        for action in [ListingAction::EditProfile, ListingAction::EditServices] {
            let denial = can(&admin, action, Listing { org }).expect_err("stale");
            assert_eq!(denial.reason, DenyReason::StepUpRequired);
            assert!(
                offers(&admin, action, Listing { org }),
                "the form is still offered"
            );
        }
        for action in [
            ListingAction::UpdateCapacity,
            ListingAction::ConfirmReviewed,
        ] {
            assert!(allowed(&admin, action, org), "{action:?}");
        }
        // A role that may not edit is told so, not asked for its second factor.
        let worker = stale(&user(Role::Caseworker, Some(org)));
        let denial = can(&worker, ListingAction::EditServices, Listing { org }).expect_err("role");
        assert_eq!(denial.reason, DenyReason::RoleNotAllowed);
        assert!(!offers(
            &worker,
            ListingAction::EditServices,
            Listing { org }
        ));
    }

    #[test]
    fn organizations_are_created_by_the_coalition_and_edited_by_their_admins() {
        let mine = OrgId::new();
        for role in Role::ALL {
            let who = user(role, Some(mine));
            let create = can(&who, DirectoryAction::CreateOrganization, Directory).map(|_| ());
            let own = allowed(&who, ListingAction::EditProfile, mine);
            let other = allowed(&who, ListingAction::EditProfile, OrgId::new());
            match role {
                Role::CoalitionAdmin => assert!(create.is_ok() && own && other),
                Role::OrgAdmin => {
                    assert!(own && !other);
                    assert_eq!(
                        create.map_err(|d| d.reason),
                        Err(DenyReason::OtherOrganization)
                    );
                }
                _ => assert!(create.is_err() && !own && !other, "{role}"),
            }
        }
        assert!(can(&Principal::Operator, DirectoryAction::Import, Directory).is_ok());
        assert!(can(&Principal::Anonymous, DirectoryAction::Import, Directory).is_err());
    }
}
