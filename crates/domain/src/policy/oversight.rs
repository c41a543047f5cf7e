//! Watching the watchers: the audit trail, and the keys that seal personal data.

use super::{Action, DenyReason, Principal, Resource};
use crate::Role;

/// The audit trail ("who saw this, when, why").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditTrail;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    /// Browse the entries: they name staff and the ids of what they touched.
    View,
    /// Check the hash chain and its signed checkpoints.
    Verify,
}

impl Action for AuditAction {
    fn key(self) -> &'static str {
        match self {
            AuditAction::View => "audit.view",
            AuditAction::Verify => "audit.verify",
        }
    }

    fn denial_audited(self) -> bool {
        true
    }
}

impl Resource for AuditTrail {
    type Action = AuditAction;
    const KIND: &'static str = "audit";

    fn audit_id(&self) -> Option<String> {
        None
    }

    fn rule(&self, who: &Principal, action: AuditAction) -> Result<(), DenyReason> {
        if *who == Principal::Operator && action == AuditAction::Verify {
            return Ok(());
        }
        match who.user()?.role {
            Role::PrivacyOfficer | Role::CoalitionAdmin => Ok(()),
            _ => Err(DenyReason::RoleNotAllowed),
        }
    }
}

/// The instance's encryption keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keys;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAction {
    /// Re-encrypt everything under a new key version.
    Rotate,
    /// Destroy one organization's data keys, and with them its sealed data (crypto-shredding).
    Shred,
}

impl Action for KeyAction {
    fn key(self) -> &'static str {
        match self {
            KeyAction::Rotate => "keys.rotate",
            KeyAction::Shred => "keys.shred_organization",
        }
    }

    fn denial_audited(self) -> bool {
        true
    }

    fn needs_step_up(self) -> bool {
        true
    }
}

impl Resource for Keys {
    type Action = KeyAction;
    const KIND: &'static str = "keys";

    fn audit_id(&self) -> Option<String> {
        None
    }

    fn rule(&self, who: &Principal, _action: KeyAction) -> Result<(), DenyReason> {
        if *who == Principal::Operator {
            return Ok(());
        }
        match who.user()?.role {
            Role::CoalitionAdmin => Ok(()),
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
    fn audit_and_keys_are_for_few_roles() {
        for role in Role::ALL {
            let who = user(role, None);
            assert_eq!(
                can(&who, AuditAction::View, AuditTrail).is_ok(),
                matches!(role, Role::PrivacyOfficer | Role::CoalitionAdmin),
                "{role}"
            );
            assert_eq!(
                can(&who, KeyAction::Rotate, Keys).is_ok(),
                role == Role::CoalitionAdmin,
                "{role}"
            );
        }
        assert!(can(&Principal::Operator, AuditAction::Verify, AuditTrail).is_ok());
        assert!(can(&Principal::Operator, AuditAction::View, AuditTrail).is_err());
        assert!(can(&Principal::Operator, KeyAction::Rotate, Keys).is_ok());
        assert!(can(&Principal::Anonymous, AuditAction::Verify, AuditTrail).is_err());
    }
}
