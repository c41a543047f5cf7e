//! The coalition's inbox of messages from its public contact form: anyone may write; only
//! the coalition's administrators read and answer, since a message may name a person.

use super::{Action, DenyReason, Principal, Resource};
use crate::Role;

/// The coalition's inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CoalitionInbox;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactAction {
    /// Write to the coalition (the public form).
    Send,
    /// Read the messages.
    Read,
    /// Mark a message answered, or delete it.
    Handle,
}

impl Action for ContactAction {
    fn key(self) -> &'static str {
        match self {
            ContactAction::Send => "contact.send",
            ContactAction::Read => "contact.read",
            ContactAction::Handle => "contact.handle",
        }
    }

    fn denial_audited(self) -> bool {
        // Someone probing the inbox is seen; a refused send is only a form error.
        self != ContactAction::Send
    }
}

impl Resource for CoalitionInbox {
    type Action = ContactAction;
    const KIND: &'static str = "contact";

    fn audit_id(&self) -> Option<String> {
        None
    }

    fn rule(&self, who: &Principal, action: ContactAction) -> Result<(), DenyReason> {
        match action {
            ContactAction::Send => match who {
                Principal::Anonymous | Principal::User(_) => Ok(()),
                Principal::Operator => Err(DenyReason::RoleNotAllowed),
            },
            ContactAction::Read | ContactAction::Handle => match who.user()?.role {
                Role::CoalitionAdmin => Ok(()),
                _ => Err(DenyReason::RoleNotAllowed),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::can;
    use crate::policy::testing::user;

    #[test]
    fn anyone_writes_and_only_coalition_administrators_read() {
        assert!(can(&Principal::Anonymous, ContactAction::Send, CoalitionInbox).is_ok());
        assert!(can(&Principal::Anonymous, ContactAction::Read, CoalitionInbox).is_err());
        for role in Role::ALL {
            let who = user(role, None);
            assert!(can(&who, ContactAction::Send, CoalitionInbox).is_ok());
            let reads = can(&who, ContactAction::Read, CoalitionInbox).is_ok();
            assert_eq!(reads, role == Role::CoalitionAdmin, "{role:?}");
            assert_eq!(
                can(&who, ContactAction::Handle, CoalitionInbox).is_ok(),
                reads
            );
        }
    }
}
