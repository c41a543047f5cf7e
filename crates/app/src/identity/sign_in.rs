//! Signing in and out: password, then the second factor (or its enrolment), then a fresh
//! session token; step-up before sensitive actions. Every attempt is throttled in the
//! database (so every app server counts it) and audited; a wrong e-mail and a wrong password
//! get the same answer in about the same time.

use std::net::IpAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use mosaique_crypto::{random_token, sha256_hex, token_hash, verify_password};
use mosaique_domain::audit::{AuditEvent, Outcome};
use mosaique_domain::identity::{SessionStage, normalize_email};
use mosaique_domain::{User, UserId};

use super::Session;
use crate::{App, AppResult};

/// Failed attempts allowed per account and per address within the window, then a pause.
const MAX_FAILURES: i64 = 5;
const FAILURE_WINDOW_MS: i64 = 15 * 60 * 1000;
const LOCK_MS: i64 = 15 * 60 * 1000;
const IP_MAX_FAILURES: i64 = 30;
/// Second-factor guesses allowed per account within the window (codes have 6 digits).
const SECOND_FACTOR_ATTEMPTS: i64 = 6;

/// Where a session goes after a sign-in step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    /// Signed in: the account page.
    Account,
    /// Give the second factor.
    SecondFactor,
    /// Set up a second factor (the role needs one and has none yet).
    EnrolSecondFactor,
}

impl NextStep {
    pub fn of(user: &User, stage: SessionStage) -> NextStep {
        match stage {
            SessionStage::Full => NextStep::Account,
            SessionStage::Password if user.totp_enabled => NextStep::SecondFactor,
            SessionStage::Password => NextStep::EnrolSecondFactor,
        }
    }
}

/// A new session token for the client to keep, and where it goes next.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub next: NextStep,
}

/// Why a sign-in step did not go through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Too many failures for this account or address: wait.
    Throttled,
    /// The e-mail, password or code is wrong (which one is not said).
    Wrong,
    /// The half-way session ended meanwhile (another tab finished, or it expired).
    SessionEnded,
}

pub type Step<T> = Result<T, Refusal>;

fn account_key(email: &str) -> String {
    format!(
        "account:{}",
        sha256_hex(email.trim().to_lowercase().as_bytes())
    )
}

fn address_key(address: &IpAddr) -> String {
    // Hashed: staff addresses are personal data too, and only equality matters here.
    format!("address:{}", sha256_hex(address.to_string().as_bytes()))
}

fn second_factor_key(user: UserId) -> String {
    format!("second-factor:{user}")
}

fn unix_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Argon2 takes tens of milliseconds of CPU: kept off the async workers. Without a stored
/// hash the check runs against a dummy one, so both answers take the same time.
async fn password_matches(password: &str, stored: Option<String>) -> bool {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || verify_password(&password, stored.as_deref()))
        .await
        .unwrap_or(false)
}

impl App {
    /// The password step.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        address: IpAddr,
    ) -> AppResult<Step<NewSession>> {
        let db = &self.db;
        let (account_key, address_key) = (account_key(email), address_key(&address));
        for key in [&account_key, &address_key] {
            if db.throttled_until(key).await?.is_some() {
                let event =
                    AuditEvent::new("auth.sign_in", "user", Outcome::Denied).because("throttled");
                db.audit(&event).await?;
                return Ok(Err(Refusal::Throttled));
            }
        }
        let user = match normalize_email(email) {
            Some(email) => db.user_by_email(&email).await?.filter(|u| !u.disabled),
            None => None,
        };
        let stored = match &user {
            Some(user) => db.password_hash(user.id).await?,
            None => None,
        };
        let matches = password_matches(password, stored).await;
        let Some(user) = user.filter(|_| matches) else {
            db.register_sign_in_failure(&account_key, MAX_FAILURES, FAILURE_WINDOW_MS, LOCK_MS)
                .await?;
            db.register_sign_in_failure(&address_key, IP_MAX_FAILURES, FAILURE_WINDOW_MS, LOCK_MS)
                .await?;
            let event = AuditEvent::new("auth.sign_in", "user", Outcome::Failure)
                .because("bad_credentials");
            db.audit(&event).await?;
            return Ok(Err(Refusal::Wrong));
        };
        db.clear_sign_in_failures(&account_key).await?;
        let stage = user.stage_after_password();
        let session = self.open_session(&user, stage).await?;
        let event = AuditEvent::new("auth.sign_in", "user", Outcome::Success)
            .by(user.id, user.role)
            .target(user.id)
            .because(match stage {
                SessionStage::Full => "password",
                SessionStage::Password => "password_second_factor_pending",
            });
        db.audit(&event).await?;
        Ok(Ok(session))
    }

    /// A new session for `user` at `stage`.
    pub(crate) async fn open_session(
        &self,
        user: &User,
        stage: SessionStage,
    ) -> AppResult<NewSession> {
        let token = random_token();
        self.db
            .create_session(&token_hash(&token), user.id, stage, self.config.session)
            .await?;
        Ok(NewSession {
            token,
            next: NextStep::of(user, stage),
        })
    }

    /// Counts a second-factor attempt *before* checking it, so parallel guesses all count,
    /// and says whether it may go on. A right password never resets this count (or a stolen
    /// password would buy unlimited guesses); only a completed second factor does.
    async fn second_factor_attempt(&self, user: UserId, address: &IpAddr) -> AppResult<bool> {
        let key = second_factor_key(user);
        self.db
            .register_sign_in_failure(&key, SECOND_FACTOR_ATTEMPTS, FAILURE_WINDOW_MS, LOCK_MS)
            .await?;
        Ok(self.db.throttled_until(&key).await?.is_none()
            && self
                .db
                .throttled_until(&address_key(address))
                .await?
                .is_none())
    }

    async fn failed_code(&self, address: &IpAddr) -> AppResult<()> {
        self.db
            .register_sign_in_failure(
                &address_key(address),
                IP_MAX_FAILURES,
                FAILURE_WINDOW_MS,
                LOCK_MS,
            )
            .await?;
        Ok(())
    }

    /// The second-factor step of a half-way session: a TOTP code or a recovery code. On
    /// success the half-way token is revoked and a new one issued.
    pub async fn second_factor(
        &self,
        session: &Session,
        code: &str,
        address: IpAddr,
    ) -> AppResult<Step<NewSession>> {
        let user = &session.user;
        if session.stage != SessionStage::Password || !user.totp_enabled {
            return Ok(Err(Refusal::SessionEnded));
        }
        if !self.second_factor_attempt(user.id, &address).await? {
            return Ok(Err(Refusal::Throttled));
        }
        let code = code.trim();
        let method = if code.contains('-') {
            self.db
                .use_recovery_code(user.id, code)
                .await?
                .then_some("recovery_code")
        } else {
            self.totp_accepted(user.id, code).await?.then_some("totp")
        };
        let Some(method) = method else {
            self.failed_code(&address).await?;
            let event = AuditEvent::new("auth.second_factor", "user", Outcome::Failure)
                .by(user.id, user.role)
                .target(user.id)
                .because("bad_code");
            self.db.audit(&event).await?;
            return Ok(Err(Refusal::Wrong));
        };
        self.db
            .clear_sign_in_failures(&second_factor_key(user.id))
            .await?;
        let Some(token) = self.promote(session).await? else {
            return Ok(Err(Refusal::SessionEnded));
        };
        let event = AuditEvent::new("auth.second_factor", "user", Outcome::Success)
            .by(user.id, user.role)
            .target(user.id)
            .because(method);
        self.db.audit(&event).await?;
        Ok(Ok(NewSession {
            token,
            next: NextStep::Account,
        }))
    }

    /// A TOTP code that is right now and not used before (even on another server).
    async fn totp_accepted(&self, user: UserId, code: &str) -> AppResult<bool> {
        let Some((secret, last)) = self.db.totp(user).await? else {
            return Ok(false);
        };
        match secret.verify(code, unix_seconds(), last) {
            Some(step) => Ok(self.db.claim_totp_step(user, step).await?),
            None => Ok(false),
        }
    }

    /// Replaces a half-way session's token by a new, complete one, so a token seen before
    /// sign-in completed is worth nothing after. `None` when it had ended meanwhile.
    pub(crate) async fn promote(&self, session: &Session) -> AppResult<Option<String>> {
        let token = random_token();
        let promoted = self
            .db
            .promote_session(&session.hash(), &token_hash(&token), self.config.session)
            .await?;
        Ok(promoted.then_some(token))
    }

    /// Step-up: the second factor (or, without one, the password) again, before a sensitive
    /// action. Failures count towards the same throttles as signing in.
    pub async fn step_up(
        &self,
        session: &Session,
        code: &str,
        address: IpAddr,
    ) -> AppResult<Step<()>> {
        let user = &session.user;
        if !session.is_complete() {
            return Ok(Err(Refusal::SessionEnded));
        }
        if !self.second_factor_attempt(user.id, &address).await? {
            return Ok(Err(Refusal::Throttled));
        }
        let confirmed = if user.totp_enabled {
            self.totp_accepted(user.id, code).await?
        } else {
            let stored = self.db.password_hash(user.id).await?;
            password_matches(code, stored).await
        };
        let outcome = if confirmed {
            Outcome::Success
        } else {
            Outcome::Failure
        };
        let event = AuditEvent::new("auth.step_up", "user", outcome)
            .by(user.id, user.role)
            .target(user.id);
        self.db.audit(&event).await?;
        if !confirmed {
            self.failed_code(&address).await?;
            return Ok(Err(Refusal::Wrong));
        }
        self.db
            .clear_sign_in_failures(&second_factor_key(user.id))
            .await?;
        self.db.mark_session_verified(&session.hash()).await?;
        Ok(Ok(()))
    }

    /// Ends this session.
    pub async fn sign_out(&self, session: &Session) -> AppResult<()> {
        self.db.revoke_session(&session.hash()).await?;
        let user = &session.user;
        let event = AuditEvent::new("auth.sign_out", "user", Outcome::Success)
            .by(user.id, user.role)
            .target(user.id);
        self.db.audit(&event).await?;
        Ok(())
    }
}
