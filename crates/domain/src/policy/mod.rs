//! Who may do what: the one place access is decided.
//!
//! A question is an action on a resource, asked by a [`Principal`]. Each kind of resource
//! has its own actions (`policy::screening::ScreeningAction` for a screening, …), so an
//! action asked of a resource it does not apply to does not compile. [`can`] answers with a
//! [`Permit`] — which only this crate can make, and which every store function that reads
//! or writes personal data requires — or a [`Denial`] with its reason.
//!
//! The rules are pure functions of the principal, the action and the facts the resource
//! carries (its owner, its organization), so they are tested exhaustively and reviewed here.

pub mod case;
pub mod coalition;
pub mod contact;
pub mod directory;
pub mod identity;
pub mod oversight;
pub mod referral;
pub mod screening;

use std::fmt;

use crate::audit::{AuditEvent, Outcome};
use crate::{Actor, Role, UserId};

/// Who is asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// Nobody is signed in: the public.
    Anonymous,
    /// A signed-in user.
    User(Actor),
    /// The command line, run by whoever holds the master key file and the database: trusted
    /// with the instance's administration (accounts, keys, instruments, imports), never with
    /// reading a person's data.
    Operator,
}

impl Principal {
    pub fn actor(&self) -> Option<&Actor> {
        match self {
            Principal::User(actor) => Some(actor),
            _ => None,
        }
    }

    /// Who the audit trail names: a user and role; nobody for the public and the command line.
    pub fn audit_actor(&self) -> Option<(UserId, Role)> {
        self.actor().map(|a| (a.user_id, a.role))
    }

    /// A signed-in user, or why not: the rules' first question.
    fn user(&self) -> Result<&Actor, DenyReason> {
        match self {
            Principal::User(actor) => Ok(actor),
            Principal::Anonymous => Err(DenyReason::NotSignedIn),
            Principal::Operator => Err(DenyReason::RoleNotAllowed),
        }
    }
}

/// Why a question was answered no.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DenyReason {
    NotSignedIn,
    RoleNotAllowed,
    OtherOrganization,
    NotOwner,
    /// Granting a role the actor could not hold over others (an org admin creating a
    /// coalition admin).
    EscalatesPrivilege,
    /// Administering one's own account (disabling it, resetting it): someone else must.
    OwnAccount,
    /// A sensitive action, and the second factor was not checked in the last minutes.
    StepUpRequired,
    /// Allowed, but not in the record's state (work on a closed case). Only given to someone
    /// who may see the record, so it tells them nothing new.
    Closed,
    /// Allowed once the record is closed, not before (purging a case still open).
    StillOpen,
}

impl DenyReason {
    /// The stable key written to the audit trail.
    pub fn key(self) -> &'static str {
        match self {
            DenyReason::NotSignedIn => "not_signed_in",
            DenyReason::RoleNotAllowed => "role_not_allowed",
            DenyReason::OtherOrganization => "other_organization",
            DenyReason::NotOwner => "not_owner",
            DenyReason::EscalatesPrivilege => "escalates_privilege",
            DenyReason::OwnAccount => "own_account",
            DenyReason::StepUpRequired => "step_up_required",
            DenyReason::Closed => "closed",
            DenyReason::StillOpen => "still_open",
        }
    }
}

/// What can be done to one kind of resource.
pub trait Action: Copy + fmt::Debug + Eq {
    /// The audit trail's key for this action, e.g. `screening.read`.
    fn key(self) -> &'static str;

    /// Whether a refusal is written to the audit trail: it is for every action on personal
    /// data, so that someone probing for a person's file is seen.
    fn denial_audited(self) -> bool;

    /// Sensitive: it needs a second factor checked within the step-up window.
    fn needs_step_up(self) -> bool {
        false
    }
}

/// A kind of thing access is decided on, with the facts the decision needs.
pub trait Resource: fmt::Debug {
    type Action: Action;

    /// The audit trail's name for this kind of resource (`screening`, `user`, …).
    const KIND: &'static str;

    /// This resource's id, for the audit trail.
    fn audit_id(&self) -> Option<String>;

    /// The rule itself: may `who` do `action` here?
    fn rule(&self, who: &Principal, action: Self::Action) -> Result<(), DenyReason>;

    /// A refusal answers "not found" rather than "forbidden", so that asking does not tell
    /// whether the thing exists (someone else's screening, later a case).
    fn conceals_existence(&self) -> bool {
        false
    }
}

/// Proof that `who` may do `action` on `resource`. Only [`can`] makes one; its fields are
/// private, so a permit cannot be forged outside this crate, and the store takes the
/// resource's ids from it rather than from the caller.
#[derive(Debug)]
pub struct Permit<R: Resource> {
    who: Principal,
    action: R::Action,
    resource: R,
}

impl<R: Resource> Permit<R> {
    pub fn who(&self) -> &Principal {
        &self.who
    }

    pub fn actor(&self) -> Option<&Actor> {
        self.who.actor()
    }

    pub fn action(&self) -> R::Action {
        self.action
    }

    pub fn resource(&self) -> &R {
        &self.resource
    }

    /// The audit trail's record of this permitted action, with `outcome` (a write that
    /// failed on its own terms, such as a stale version, is a `Failure`).
    pub fn audit_event(&self, outcome: Outcome) -> AuditEvent {
        let event =
            AuditEvent::new(self.action.key(), R::KIND, outcome).by_maybe(self.who.audit_actor());
        match self.resource.audit_id() {
            Some(id) => event.target(id),
            None => event,
        }
    }
}

/// A refusal, with what the audit trail and the caller need to know of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denial {
    pub reason: DenyReason,
    /// Answer "not found": the resource's existence is not disclosed.
    pub conceal: bool,
    /// The entry to write, for refusals that are audited.
    event: Option<AuditEvent>,
}

impl Denial {
    /// The audit entry of this refusal, when refusals of its action are audited.
    pub fn audit_event(&self) -> Option<&AuditEvent> {
        self.event.as_ref()
    }
}

/// The one decision: a permit, or a denial with its reason.
pub fn can<R: Resource>(
    who: &Principal,
    action: R::Action,
    resource: R,
) -> Result<Permit<R>, Denial> {
    let decision = resource.rule(who, action).and_then(|()| {
        let stale = matches!(who, Principal::User(actor) if !actor.recently_verified);
        if action.needs_step_up() && stale {
            Err(DenyReason::StepUpRequired)
        } else {
            Ok(())
        }
    });
    match decision {
        Ok(()) => Ok(Permit {
            who: who.clone(),
            action,
            resource,
        }),
        Err(reason) => {
            // An anonymous request is stopped before anything is looked up, and it has no
            // one to name: only a signed-in user's refusals go to the trail.
            let event = (action.denial_audited() && who.actor().is_some()).then(|| {
                let event = AuditEvent::new(action.key(), R::KIND, Outcome::Denied)
                    .by_maybe(who.audit_actor())
                    .because(reason.key());
                match resource.audit_id() {
                    Some(id) => event.target(id),
                    None => event,
                }
            });
            Err(Denial {
                reason,
                conceal: resource.conceals_existence()
                    && !matches!(
                        reason,
                        DenyReason::NotSignedIn | DenyReason::Closed | DenyReason::StillOpen
                    ),
                event,
            })
        }
    }
}

/// Whether `who` may do `action` once they confirm their second factor: for showing a link
/// or a button, never for doing the thing (that is [`can`]'s).
pub fn offers<R: Resource>(who: &Principal, action: R::Action, resource: R) -> bool {
    match can(who, action, resource) {
        Ok(_) => true,
        Err(denial) => denial.reason == DenyReason::StepUpRequired,
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use crate::{Actor, OrgId, Role, UserId};

    use super::Principal;

    /// A fresh user of `role`, second factor just checked.
    pub fn user(role: Role, org: Option<OrgId>) -> Principal {
        Principal::User(Actor {
            user_id: UserId::new(),
            org_id: org,
            role,
            recently_verified: true,
        })
    }

    /// The same user, second factor checked long ago.
    pub fn stale(who: &Principal) -> Principal {
        match who {
            Principal::User(actor) => Principal::User(Actor {
                recently_verified: false,
                ..actor.clone()
            }),
            other => other.clone(),
        }
    }
}
