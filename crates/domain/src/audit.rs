//! What the audit trail records: who did what to which thing, and how it ended. The store
//! chains and signs these entries; the policy makes them for its decisions (see
//! [`crate::policy::Permit::audit_event`] and [`crate::policy::Denial::audit_event`]).

use crate::{Role, UserId};

/// How an audited attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
    Denied,
}

impl Outcome {
    pub fn key(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Denied => "denied",
        }
    }
}

/// What happened, by whom, to what. Never carries personal data itself: targets are ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    /// `None`: the public, or the command line (an operator holding the master key).
    pub actor: Option<(UserId, Role)>,
    /// A stable key such as `auth.sign_in` or `user.create`.
    pub action: &'static str,
    pub target_type: &'static str,
    pub target_id: Option<String>,
    pub outcome: Outcome,
    /// A stable reason key (e.g. `bad_password`), not free text.
    pub reason: Option<&'static str>,
}

impl AuditEvent {
    pub fn new(action: &'static str, target_type: &'static str, outcome: Outcome) -> AuditEvent {
        AuditEvent {
            actor: None,
            action,
            target_type,
            target_id: None,
            outcome,
            reason: None,
        }
    }

    pub fn by(mut self, user: UserId, role: Role) -> AuditEvent {
        self.actor = Some((user, role));
        self
    }

    /// Sets the actor, or none for the public and the command line.
    pub fn by_maybe(mut self, actor: Option<(UserId, Role)>) -> AuditEvent {
        self.actor = actor;
        self
    }

    pub fn target(mut self, id: impl ToString) -> AuditEvent {
        self.target_id = Some(id.to_string());
        self
    }

    pub fn because(mut self, reason: &'static str) -> AuditEvent {
        self.reason = Some(reason);
        self
    }
}
