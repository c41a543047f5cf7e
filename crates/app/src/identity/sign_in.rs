//! Signing in and out: password, then the second factor (or its enrolment), then a fresh
//! session token; step-up before sensitive actions. Every attempt is throttled in the
//! database (so every app server counts it) and audited; a wrong e-mail and a wrong password
//! get the same answer in about the same time.

use std::net::IpAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use mosaique_crypto::{constant_time_eq, random_token, sha256_hex, token_hash, verify_password};
use mosaique_domain::audit::{AuditEvent, Outcome};
use mosaique_domain::identity::{SessionStage, normalize_email};
use mosaique_domain::throttle::ThrottleRule;
use mosaique_domain::{User, UserId};

use super::Session;
use crate::{App, AppResult};

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
    /// After the password: a device cookie for the browser to keep (`NONCE.SIGNATURE`),
    /// which spares it the throttles that failures from elsewhere put on the account.
    pub device: Option<String>,
}

/// Why a sign-in step did not go through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Too many failures for this account or address: wait this many seconds.
    Throttled { retry_after_s: u64 },
    /// The e-mail, password or code is wrong (which one is not said).
    Wrong,
    /// The half-way session ended meanwhile (another tab finished, or it expired).
    SessionEnded,
}

pub type Step<T> = Result<T, Refusal>;

// Keys are hashed: staff e-mails and addresses are personal data too, and only equality
// matters here.
fn account_key(email: &str) -> String {
    format!("account:{}", sha256_hex(email.as_bytes()))
}

fn account_at_address_key(email: &str, address: &IpAddr) -> String {
    format!(
        "account-address:{}",
        sha256_hex(format!("{email}|{address}").as_bytes())
    )
}

fn address_key(address: &IpAddr) -> String {
    format!("address:{}", sha256_hex(address.to_string().as_bytes()))
}

fn device_key(nonce: &str) -> String {
    format!("device:{}", sha256_hex(nonce.as_bytes()))
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
    /// The password step. `device` is the browser's device cookie, if it has one: a browser
    /// that signed in to this account before is throttled on its own failures only, so
    /// failures from elsewhere never keep the account's own worker out. Others are throttled
    /// per account and address, per account from anywhere, and per address.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        address: IpAddr,
        device: Option<&str>,
    ) -> AppResult<Step<NewSession>> {
        let db = &self.db;
        let normalized = normalize_email(email);
        let counted = normalized
            .clone()
            .unwrap_or_else(|| email.trim().to_lowercase());
        let known = match (&normalized, device) {
            (Some(email), Some(cookie)) => self.known_device(email, cookie)?,
            _ => None,
        };
        let throttles = match &known {
            Some(nonce) => vec![(device_key(nonce), ThrottleRule::KNOWN_DEVICE)],
            None => vec![
                (
                    account_at_address_key(&counted, &address),
                    ThrottleRule::ACCOUNT_AT_ADDRESS,
                ),
                (account_key(&counted), ThrottleRule::ACCOUNT_FROM_ANYWHERE),
                (address_key(&address), ThrottleRule::ADDRESS),
            ],
        };
        let keys: Vec<&str> = throttles.iter().map(|(key, _)| key.as_str()).collect();
        if let Some(retry_after_s) = self.wait_for(&keys).await? {
            let event =
                AuditEvent::new("auth.sign_in", "user", Outcome::Denied).because("throttled");
            db.audit(&event).await?;
            return Ok(Err(Refusal::Throttled { retry_after_s }));
        }
        let user = match &normalized {
            Some(email) => db.user_by_email(email).await?.filter(|u| !u.disabled),
            None => None,
        };
        let stored = match &user {
            Some(user) => db.password_hash(user.id).await?,
            None => None,
        };
        let matches = password_matches(password, stored).await;
        let Some(user) = user.filter(|_| matches) else {
            for (key, rule) in &throttles {
                db.register_throttled_attempt(key, rule).await?;
            }
            let event = AuditEvent::new("auth.sign_in", "user", Outcome::Failure)
                .because("bad_credentials");
            db.audit(&event).await?;
            return Ok(Err(Refusal::Wrong));
        };
        // This browser's own counts start again; failures from elsewhere stay counted.
        match &known {
            Some(nonce) => db.clear_sign_in_failures(&device_key(nonce)).await?,
            None => {
                db.clear_sign_in_failures(&account_at_address_key(&counted, &address))
                    .await?
            }
        }
        let stage = user.stage_after_password();
        let mut session = self.open_session(&user, stage).await?;
        session.device = Some(self.new_device_cookie(&counted)?);
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

    /// A device cookie for a browser that just gave `email`'s password.
    fn new_device_cookie(&self, email: &str) -> AppResult<String> {
        let nonce = random_token();
        let signature = self.db.device_signature(email, &nonce)?;
        Ok(format!("{nonce}.{signature}"))
    }

    /// The nonce of `cookie` when it is a device cookie this instance signed for `email`.
    fn known_device(&self, email: &str, cookie: &str) -> AppResult<Option<String>> {
        let Some((nonce, signature)) = cookie.split_once('.') else {
            return Ok(None);
        };
        if nonce.len() != 64 || !nonce.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        let expected = self.db.device_signature(email, nonce)?;
        Ok(constant_time_eq(expected.as_bytes(), signature.as_bytes()).then(|| nonce.to_owned()))
    }

    /// How long to wait, in whole seconds (at least one), when any of `keys` is throttled.
    pub(crate) async fn wait_for(&self, keys: &[&str]) -> AppResult<Option<u64>> {
        let mut until = None;
        for key in keys {
            until = until.max(self.db.throttled_until(key).await?);
        }
        Ok(until.map(|until| {
            let ms = u64::try_from(until - Self::now_ms()).unwrap_or(0);
            ms.div_ceil(1000).max(1)
        }))
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
            device: None,
        })
    }

    /// Counts a second-factor attempt *before* checking it, so parallel guesses all count,
    /// and says how long to wait when it may not go on. A right password never resets this
    /// count (or a stolen password would buy unlimited guesses); only a completed second
    /// factor does. `key` is the account's, or the account's on one known device.
    async fn second_factor_attempt(&self, key: &str, address: &IpAddr) -> AppResult<Option<u64>> {
        self.db
            .register_throttled_attempt(key, &ThrottleRule::SECOND_FACTOR)
            .await?;
        self.wait_for(&[key, &address_key(address)]).await
    }

    async fn failed_code(&self, address: &IpAddr) -> AppResult<()> {
        self.db
            .register_throttled_attempt(&address_key(address), &ThrottleRule::ADDRESS)
            .await?;
        Ok(())
    }

    /// The second-factor step of a half-way session: a TOTP code or a recovery code. On
    /// success the half-way token is revoked and a new one issued.
    /// `device` is the browser's device cookie: a browser that signed in to the account
    /// before has guesses of its own, so someone who knows the password and guesses codes
    /// from elsewhere cannot keep the worker out.
    pub async fn second_factor(
        &self,
        session: &Session,
        code: &str,
        address: IpAddr,
        device: Option<&str>,
    ) -> AppResult<Step<NewSession>> {
        let user = &session.user;
        if session.stage != SessionStage::Password || !user.totp_enabled {
            return Ok(Err(Refusal::SessionEnded));
        }
        let known = match device {
            Some(cookie) => self.known_device(&user.email, cookie)?,
            None => None,
        };
        let key = match &known {
            Some(nonce) => format!("{}|{}", second_factor_key(user.id), device_key(nonce)),
            None => second_factor_key(user.id),
        };
        if let Some(retry_after_s) = self.second_factor_attempt(&key, &address).await? {
            return Ok(Err(Refusal::Throttled { retry_after_s }));
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
        self.db.clear_sign_in_failures(&key).await?;
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
            device: None,
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
        let key = second_factor_key(user.id);
        if let Some(retry_after_s) = self.second_factor_attempt(&key, &address).await? {
            return Ok(Err(Refusal::Throttled { retry_after_s }));
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
