//! Sessions and sign-in throttling, both in the database so that every app server sees the
//! same state: a revoked session is refused everywhere on the next request.

use mosaique_domain::audit::Outcome;
use mosaique_domain::identity::SessionStage;
use mosaique_domain::policy::Permit;
use mosaique_domain::policy::identity::{AccountAction, OwnAccount};
use mosaique_domain::throttle::ThrottleRule;
use mosaique_domain::{User, UserId};
use sqlx::Row;

use crate::permits::require;
use crate::users::user_from_row;
use crate::{Db, StoreError, Tx, now_ms};

/// Idle and absolute lifetimes, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    pub idle_ms: i64,
    pub absolute_ms: i64,
}

/// A live session and its account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveSession {
    pub user: User,
    pub stage: SessionStage,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub mfa_verified_at: Option<i64>,
}

/// Refreshing `last_seen_at` on every request would turn every page view into a write.
const TOUCH_EVERY_MS: i64 = 60_000;

/// A session that has passed the password but owes the second factor lives this long at
/// most: it is only good for giving that factor.
pub const HALF_WAY_MS: i64 = 10 * 60 * 1000;

impl Db {
    pub async fn create_session(
        &self,
        token_hash: &str,
        user: UserId,
        stage: SessionStage,
        limits: SessionLimits,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, stage, created_at, last_seen_at, idle_expires_at, \
                 absolute_expires_at, mfa_verified_at) VALUES ($1, $2, $3, $4, $4, $5, $6, $7)",
        )
        .bind(token_hash.to_owned())
        .bind(user.to_string())
        .bind(stage.key())
        .bind(now)
        .bind(now + limits.idle_ms.min(if stage == SessionStage::Full { i64::MAX } else { HALF_WAY_MS }))
        .bind(now + if stage == SessionStage::Full { limits.absolute_ms } else { HALF_WAY_MS.min(limits.absolute_ms) })
        .bind((stage == SessionStage::Full).then_some(now))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The live session for this token hash: not revoked, not idle too long, not too old,
    /// and its account not disabled. Slides the idle deadline.
    pub async fn session(
        &self,
        token_hash: &str,
        limits: SessionLimits,
    ) -> Result<Option<LiveSession>, StoreError> {
        let now = now_ms();
        let row = sqlx::query(
            "SELECT s.stage, s.created_at AS session_created_at, s.last_seen_at, s.mfa_verified_at, \
                 u.id, u.org_id, u.email, u.display_name, u.role, u.password_hash IS NOT NULL AS has_password, \
                 u.totp_enabled_at, u.disabled_at, u.is_demo, u.created_at \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.idle_expires_at > $2 \
                 AND s.absolute_expires_at > $2 AND u.disabled_at IS NULL",
        )
        .bind(token_hash.to_owned())
        .bind(now)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let stage = SessionStage::parse(&row.try_get::<String, _>("stage")?)
            .unwrap_or(SessionStage::Password);
        let last_seen_at: i64 = row.try_get("last_seen_at")?;
        if now - last_seen_at > TOUCH_EVERY_MS {
            sqlx::query(
                "UPDATE sessions SET last_seen_at = $2, \
                     idle_expires_at = CASE WHEN $3 < absolute_expires_at THEN $3 ELSE absolute_expires_at END \
                 WHERE token_hash = $1",
            )
            .bind(token_hash.to_owned())
            .bind(now)
            .bind(now + limits.idle_ms)
            .execute(self.pool())
            .await?;
        }
        Ok(Some(LiveSession {
            user: user_from_row(&row)?,
            stage,
            created_at: row.try_get("session_created_at")?,
            last_seen_at,
            mfa_verified_at: row.try_get("mfa_verified_at")?,
        }))
    }

    /// Replaces a session token by a new one at a higher stage (after the second factor),
    /// so a token seen before sign-in completed is worth nothing after.
    pub async fn promote_session(
        &self,
        old_hash: &str,
        new_hash: &str,
        limits: SessionLimits,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        let mut tx = self.begin().await?;
        let row = sqlx::query(
            "UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL RETURNING user_id, created_at",
        )
        .bind(old_hash.to_owned())
        .bind(now)
        .fetch_optional(tx.conn())
        .await?;
        let Some(row) = row else { return Ok(false) };
        let user_id: String = row.try_get("user_id")?;
        let created_at: i64 = row.try_get("created_at")?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, stage, created_at, last_seen_at, idle_expires_at, \
                 absolute_expires_at, mfa_verified_at) VALUES ($1, $2, 'full', $3, $4, $5, $6, $4)",
        )
        .bind(new_hash.to_owned())
        .bind(user_id)
        .bind(created_at)
        .bind(now)
        .bind(now + limits.idle_ms)
        .bind(created_at + limits.absolute_ms)
        .execute(tx.conn())
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Records a fresh second-factor (or password) check on a live session: step-up.
    pub async fn mark_session_verified(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE sessions SET mfa_verified_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(token_hash.to_owned())
        .bind(now_ms())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub async fn revoke_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(token_hash.to_owned())
        .bind(now_ms())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The signature that makes `nonce` a device cookie of `email` (keyed under the instance's keys).
    pub fn device_signature(&self, email: &str, nonce: &str) -> Result<String, StoreError> {
        Ok(self.keys()?.device_signature(email, nonce))
    }

    /// Whether sign-in attempts under this key are locked out now; returns the end of the
    /// lock-out if so.
    pub async fn throttled_until(&self, key: &str) -> Result<Option<i64>, StoreError> {
        let row = sqlx::query("SELECT locked_until FROM sign_in_throttle WHERE throttle_key = $1")
            .bind(key.to_owned())
            .fetch_optional(self.pool())
            .await?;
        let until = row
            .map(|r| r.try_get::<Option<i64>, _>("locked_until"))
            .transpose()?
            .flatten();
        Ok(until.filter(|until| *until > now_ms()))
    }

    /// Counts an attempt under `rule` (a failed sign-in, a message sent): past its free
    /// allowance the key waits, longer with each one. Counting is one atomic statement, so
    /// parallel attempts on several servers all count. Returns the attempts counted in the
    /// window, this one included.
    pub async fn register_throttled_attempt(
        &self,
        key: &str,
        rule: &ThrottleRule,
    ) -> Result<i64, StoreError> {
        let now = now_ms();
        let failures: i64 = sqlx::query(
            "INSERT INTO sign_in_throttle (throttle_key, failures, window_started_at, locked_until) VALUES ($1, 1, $2, NULL) \
             ON CONFLICT (throttle_key) DO UPDATE SET \
                 failures = CASE WHEN sign_in_throttle.window_started_at < $3 THEN 1 ELSE sign_in_throttle.failures + 1 END, \
                 window_started_at = CASE WHEN sign_in_throttle.window_started_at < $3 THEN $2 ELSE sign_in_throttle.window_started_at END \
             RETURNING failures",
        )
        .bind(key.to_owned())
        .bind(now)
        .bind(now - rule.window_ms)
        .fetch_one(self.pool())
        .await?
        .try_get("failures")?;
        if let Some(delay) = rule.delay_after(failures) {
            // Never shortens a wait another server set a moment ago for a later failure.
            sqlx::query(
                "UPDATE sign_in_throttle SET locked_until = $2 WHERE throttle_key = $1 \
                 AND (locked_until IS NULL OR locked_until < $2)",
            )
            .bind(key.to_owned())
            .bind(now + delay)
            .execute(self.pool())
            .await?;
        }
        Ok(failures)
    }

    pub async fn clear_sign_in_failures(&self, key: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sign_in_throttle WHERE throttle_key = $1")
            .bind(key.to_owned())
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

impl Tx {
    /// "Sign out everywhere": ends every session of the permit's own account.
    pub async fn revoke_all_sessions(
        &mut self,
        permit: &Permit<OwnAccount>,
    ) -> Result<(), StoreError> {
        require(permit, &[AccountAction::ManageSecurity])?;
        revoke_all_in(self, permit.resource().owner, now_ms()).await?;
        let event = permit.audit_event(Outcome::Success);
        self.audit(&mosaique_domain::audit::AuditEvent {
            action: "auth.sign_out_everywhere",
            ..event
        })
        .await
    }
}

pub(crate) async fn revoke_all_in(tx: &mut Tx, user: UserId, now: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL")
        .bind(user.to_string())
        .bind(now)
        .execute(tx.conn())
        .await?;
    Ok(())
}
