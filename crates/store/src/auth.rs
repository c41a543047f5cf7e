//! Authentication: finding the account a credential belongs to, and keeping its factors.
//!
//! These are the store's only functions that read an account without a permit: they run
//! before there is anyone to permit (a sign-in, a one-time link, a second factor being set
//! up), and only `app::identity` calls them. Everything they change is audited.

use mosaique_crypto::TotpSecret;
use mosaique_domain::audit::{AuditEvent, Outcome};
use mosaique_domain::identity::LinkPurpose;
use mosaique_domain::{User, UserId};
use sqlx::Row;

use crate::audit::{decode_hex, encode_hex};
use crate::users::{USER_COLUMNS, user_from_row};
use crate::{Db, StoreError, now_ms};

impl Db {
    /// The account with this (normalized) e-mail, for signing in.
    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users WHERE email = $1"
        )))
        .bind(email.to_owned())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// The stored password hash, for verification only.
    pub async fn password_hash(&self, id: UserId) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT password_hash FROM users WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        Ok(row
            .map(|r| r.try_get::<Option<String>, _>("password_hash"))
            .transpose()?
            .flatten())
    }

    /// The enabled account a live, unused link belongs to (to show the form).
    pub async fn account_link_user(
        &self,
        token_hash: &str,
        purpose: LinkPurpose,
    ) -> Result<Option<User>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM account_links l JOIN users ON users.id = l.user_id \
             WHERE l.token_hash = $1 AND l.purpose = $2 AND l.used_at IS NULL AND l.expires_at > $3 \
             AND users.disabled_at IS NULL",
        )))
        .bind(token_hash.to_owned())
        .bind(purpose.key())
        .bind(now_ms())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// Spends a one-time link and sets its account's password with it, in one transaction:
    /// the link can serve once, and a new password ends every other way in (sessions, other
    /// links, API tokens). `None` when the link is not (or no longer) valid.
    pub async fn set_password_with_link(
        &self,
        token_hash: &str,
        purpose: LinkPurpose,
        phc: &str,
    ) -> Result<Option<User>, StoreError> {
        let now = now_ms();
        let mut tx = self.begin().await?;
        let row = sqlx::query(
            "UPDATE account_links SET used_at = $3 \
             WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3 RETURNING user_id",
        )
        .bind(token_hash.to_owned())
        .bind(purpose.key())
        .bind(now)
        .fetch_optional(tx.conn())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let id: String = row.try_get("user_id")?;
        let user = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users WHERE id = $1 AND disabled_at IS NULL"
        )))
        .bind(id.clone())
        .fetch_optional(tx.conn())
        .await?;
        let Some(user) = user.as_ref().map(user_from_row).transpose()? else {
            return Ok(None);
        };
        sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
            .bind(id.clone())
            .bind(phc.to_owned())
            .bind(now)
            .execute(tx.conn())
            .await?;
        crate::sessions::revoke_all_in(&mut tx, user.id, now).await?;
        crate::users::void_links(&mut tx, user.id, now).await?;
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
        )
        .bind(id)
        .bind(now)
        .execute(tx.conn())
        .await?;
        let event = AuditEvent::new("auth.password_set", "user", Outcome::Success)
            .by(user.id, user.role)
            .target(user.id)
            .because(purpose.key());
        tx.audit(&event).await?;
        tx.commit().await?;
        Ok(Some(user))
    }

    /// Turns the second factor on: stores the secret sealed and the recovery codes under a
    /// keyed hash. Two enrolments racing: the first wins, the second is a `Conflict`.
    pub async fn enable_totp(
        &self,
        user: &User,
        secret: &TotpSecret,
        accepted_step: u64,
        recovery_codes: &[String],
    ) -> Result<(), StoreError> {
        let keys = self.keys()?;
        let recovery_code_hashes: Vec<String> = recovery_codes
            .iter()
            .map(|c| keys.recovery_code_hash(c))
            .collect();
        let sealed = keys.secrets().seal(
            secret.as_bytes(),
            "users",
            "totp_secret",
            &user.id.to_string(),
        );
        let now = now_ms();
        let mut tx = self.begin().await?;
        let enabled = sqlx::query(
            "UPDATE users SET totp_secret = $2, totp_last_step = $3, totp_enabled_at = $4, updated_at = $4 \
             WHERE id = $1 AND totp_enabled_at IS NULL",
        )
        .bind(user.id.to_string())
        .bind(encode_hex(&sealed))
        .bind(i64::try_from(accepted_step).unwrap_or(i64::MAX))
        .bind(now)
        .execute(tx.conn())
        .await?;
        if enabled.rows_affected() != 1 {
            return Err(StoreError::Conflict("second factor"));
        }
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user.id.to_string())
            .execute(tx.conn())
            .await?;
        for hash in &recovery_code_hashes {
            sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                .bind(user.id.to_string())
                .bind(hash.clone())
                .execute(tx.conn())
                .await?;
        }
        let event = AuditEvent::new("auth.totp_enabled", "user", Outcome::Success)
            .by(user.id, user.role)
            .target(user.id);
        tx.audit(&event).await?;
        tx.commit().await
    }

    /// The account's TOTP secret and the last time step accepted, if the factor is on.
    pub async fn totp(&self, id: UserId) -> Result<Option<(TotpSecret, Option<u64>)>, StoreError> {
        let row = sqlx::query("SELECT totp_secret, totp_last_step FROM users WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        let Some(row) = row else { return Ok(None) };
        let Some(sealed) = row.try_get::<Option<String>, _>("totp_secret")? else {
            return Ok(None);
        };
        let sealed =
            decode_hex(&sealed).ok_or_else(|| StoreError::Corrupt("totp secret".into()))?;
        let version = mosaique_crypto::sealed_key_version(&sealed)
            .ok_or_else(|| StoreError::Corrupt("totp secret".into()))?;
        let bytes = self.keys()?.secrets_version(version)?.open(
            &sealed,
            "users",
            "totp_secret",
            &id.to_string(),
        )?;
        let last = row
            .try_get::<Option<i64>, _>("totp_last_step")?
            .and_then(|s| u64::try_from(s).ok());
        Ok(Some((TotpSecret::from_bytes(&bytes)?, last)))
    }

    /// Records that a TOTP time step was used. Returns false when that step (or a later one)
    /// was already used, even by a request on another app server: a replayed code.
    pub async fn claim_totp_step(&self, id: UserId, step: u64) -> Result<bool, StoreError> {
        let step = i64::try_from(step).unwrap_or(i64::MAX);
        let result = sqlx::query(
            "UPDATE users SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)",
        )
        .bind(id.to_string())
        .bind(step)
        .execute(self.pool())
        .await?;
        Ok(result.rows_affected() == 1)
    }

    /// Spends a recovery code. Returns false if it does not exist or was already used.
    pub async fn use_recovery_code(&self, id: UserId, code: &str) -> Result<bool, StoreError> {
        let code_hash = self.keys()?.recovery_code_hash(code);
        let result = sqlx::query(
            "UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
        )
        .bind(id.to_string())
        .bind(code_hash.to_owned())
        .bind(now_ms())
        .execute(self.pool())
        .await?;
        Ok(result.rows_affected() == 1)
    }

    /// Seals a second-factor secret that is being enrolled, so the enrolment form can carry
    /// it between the page that shows the QR code and the one that confirms a first code,
    /// bound to this account and unreadable to anyone else.
    pub fn seal_pending_totp(&self, id: UserId, secret: &TotpSecret) -> Result<String, StoreError> {
        let sealed = self.keys()?.secrets().seal(
            secret.as_bytes(),
            "pending",
            "totp_secret",
            &id.to_string(),
        );
        Ok(encode_hex(&sealed))
    }

    pub fn open_pending_totp(
        &self,
        id: UserId,
        sealed_hex: &str,
    ) -> Result<TotpSecret, StoreError> {
        let sealed =
            decode_hex(sealed_hex).ok_or_else(|| StoreError::Invalid("pending secret".into()))?;
        let bytes =
            self.keys()?
                .secrets()
                .open(&sealed, "pending", "totp_secret", &id.to_string())?;
        Ok(TotpSecret::from_bytes(&bytes)?)
    }
}
