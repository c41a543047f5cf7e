//! Who acts: users, their roles and where they belong.

use std::fmt;
use std::str::FromStr;

use crate::{OrgId, UserId};

/// What a user is allowed to do, before relationships (own, same organization, case team)
/// narrow it. The keys are stored and appear in the CLI (`--role coordinator`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the coalition's instance: organizations, users, keys.
    CoalitionAdmin,
    /// Staff of the coalition's intake line (single point of entry).
    Coordinator,
    /// Front-line worker (intervenant·e) of a member organization.
    Caseworker,
    /// Manages the staff and services of one organization.
    OrgAdmin,
    /// Police liaison: restricted to what the person consented to share with police.
    PoliceLiaison,
    /// Watches the audit trail and answers access requests (Law 25).
    PrivacyOfficer,
    /// Funders and researchers: aggregates only, never a person.
    Analyst,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::CoalitionAdmin,
        Role::Coordinator,
        Role::Caseworker,
        Role::OrgAdmin,
        Role::PoliceLiaison,
        Role::PrivacyOfficer,
        Role::Analyst,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Role::CoalitionAdmin => "coalition_admin",
            Role::Coordinator => "coordinator",
            Role::Caseworker => "caseworker",
            Role::OrgAdmin => "org_admin",
            Role::PoliceLiaison => "police_liaison",
            Role::PrivacyOfficer => "privacy_officer",
            Role::Analyst => "analyst",
        }
    }

    /// Every role that can see personal data must use a second factor; only analysts, who
    /// see aggregates alone, may sign in with a password only.
    pub fn requires_second_factor(self) -> bool {
        self != Role::Analyst
    }

    /// Roles held by staff of a member organization; the others belong to the coalition's
    /// own coordination (no organization) — except analysts, who may be either.
    pub fn needs_organization(self) -> bool {
        matches!(
            self,
            Role::Caseworker | Role::OrgAdmin | Role::PoliceLiaison
        )
    }

    pub fn allows_no_organization(self) -> bool {
        !self.needs_organization()
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.key() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

/// How long a second-factor check counts as recent: sensitive operations (account
/// administration, exports, break-glass, consent overrides, key rotation) ask for it again
/// after this.
pub const STEP_UP_WINDOW_MS: i64 = 10 * 60 * 1000;

/// Whether a sensitive operation may proceed on a session whose second factor (or, for a
/// role without one, password) was last checked at `verified_at`.
pub fn recently_verified(verified_at: Option<i64>, now_ms: i64) -> bool {
    verified_at.is_some_and(|at| at <= now_ms && now_ms - at < STEP_UP_WINDOW_MS)
}

/// The signed-in user a request acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: UserId,
    /// `None` for the coalition's own coordination staff.
    pub org_id: Option<OrgId>,
    pub role: Role,
    /// The second factor (or, for a role without one, the password) was checked within
    /// [`STEP_UP_WINDOW_MS`]: sensitive actions ask for it (see `policy`).
    pub recently_verified: bool,
}

/// An account as shown and reasoned about (no secrets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub org_id: Option<OrgId>,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub has_password: bool,
    pub totp_enabled: bool,
    pub disabled: bool,
    pub is_demo: bool,
    pub created_at: i64,
}

impl User {
    /// This user acting, with or without a recent second-factor check.
    pub fn actor(&self, recently_verified: bool) -> Actor {
        Actor {
            user_id: self.id,
            org_id: self.org_id,
            role: self.role,
            recently_verified,
        }
    }

    /// Where sign-in stops first: with the password alone, every role that can see personal
    /// data still owes its second factor.
    pub fn stage_after_password(&self) -> SessionStage {
        if self.totp_enabled || self.role.requires_second_factor() {
            SessionStage::Password
        } else {
            SessionStage::Full
        }
    }
}

/// An account to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    /// Already normalized (see [`normalize_email`]).
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub org_id: Option<OrgId>,
    pub is_demo: bool,
}

/// Longest display name an account may have.
pub const DISPLAY_NAME_MAX: usize = 200;

/// The purposes of one-time account links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    /// A new account sets its first password.
    Enrolment,
    /// An administrator let a locked-out person set a new one.
    PasswordReset,
}

impl LinkPurpose {
    pub fn key(self) -> &'static str {
        match self {
            LinkPurpose::Enrolment => "enrolment",
            LinkPurpose::PasswordReset => "password_reset",
        }
    }

    /// How long a link stays valid.
    pub fn valid_for_ms(self) -> i64 {
        match self {
            LinkPurpose::Enrolment => 7 * 24 * 3600 * 1000,
            LinkPurpose::PasswordReset => 24 * 3600 * 1000,
        }
    }

    /// The path the link opens, under the public address.
    pub fn path(self) -> &'static str {
        match self {
            LinkPurpose::Enrolment => "/enrol",
            LinkPurpose::PasswordReset => "/reset",
        }
    }
}

/// How far a session has come through sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStage {
    /// The password was right; the second factor (or its enrolment) is still owed.
    Password,
    /// Fully signed in.
    Full,
}

impl SessionStage {
    pub fn key(self) -> &'static str {
        match self {
            SessionStage::Password => "password",
            SessionStage::Full => "full",
        }
    }

    pub fn parse(key: &str) -> Option<SessionStage> {
        match key {
            "password" => Some(SessionStage::Password),
            "full" => Some(SessionStage::Full),
            _ => None,
        }
    }
}

/// Normalizes an e-mail address for storage and lookup: trimmed and lower-cased. Returns
/// `None` when it is not a plausible address.
pub fn normalize_email(input: &str) -> Option<String> {
    let email = input.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let plausible = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.contains(char::is_whitespace)
        && email.matches('@').count() == 1
        && email.len() <= 254;
    plausible.then_some(email)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_keys_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.key().parse::<Role>(), Ok(role));
        }
        assert!("admin".parse::<Role>().is_err());
    }

    #[test]
    fn only_analysts_skip_the_second_factor() {
        let without: Vec<_> = Role::ALL
            .into_iter()
            .filter(|r| !r.requires_second_factor())
            .collect();
        assert_eq!(without, [Role::Analyst]);
    }

    #[test]
    fn step_up_is_recent_for_ten_minutes() {
        let now = 1_000_000_000;
        assert!(recently_verified(Some(now), now));
        assert!(recently_verified(Some(now - STEP_UP_WINDOW_MS + 1), now));
        assert!(!recently_verified(Some(now - STEP_UP_WINDOW_MS), now));
        assert!(!recently_verified(None, now));
        assert!(
            !recently_verified(Some(now + 60_000), now),
            "a time in the future is not trusted"
        );
    }

    #[test]
    fn emails_are_normalized() {
        assert_eq!(
            normalize_email("  Marie.Tremblay@Exemple.QC.ca "),
            Some("marie.tremblay@exemple.qc.ca".into())
        );
        for bad in ["", "no-at", "a@b", "a@.b.c", "a b@c.d", "a@b@c.d", "@c.d"] {
            assert_eq!(normalize_email(bad), None, "{bad}");
        }
    }
}
