//! Accounts: who may sign in, with which role, in which organization, with which factors.

use mosaique_crypto::TotpSecret;
use mosaique_domain::{OrgId, Role, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{self, AuditEvent, Outcome};
use crate::{Db, StoreError, now_ms};

const COLUMNS: &str = "id, org_id, email, display_name, role, password_hash IS NOT NULL AS has_password, \
                       totp_enabled_at, disabled_at, is_demo, created_at";

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
    pub fn actor(&self) -> mosaique_domain::Actor {
        mosaique_domain::Actor {
            user_id: self.id,
            org_id: self.org_id,
            role: self.role,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    /// Already normalized (see `mosaique_domain::identity::normalize_email`).
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub org_id: Option<OrgId>,
    pub is_demo: bool,
}

/// The purposes of one-time account links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    Enrolment,
    PasswordReset,
}

impl LinkPurpose {
    fn key(self) -> &'static str {
        match self {
            LinkPurpose::Enrolment => "enrolment",
            LinkPurpose::PasswordReset => "password_reset",
        }
    }
}

impl Db {
    /// Creates an account; `by` is the admin doing it (`None` from the command line).
    pub async fn create_user(
        &self,
        new: &NewUser,
        by: Option<(UserId, Role)>,
    ) -> Result<User, StoreError> {
        if new.role.needs_organization() && new.org_id.is_none() {
            return Err(StoreError::Invalid(format!(
                "role {} needs an organization",
                new.role
            )));
        }
        let id = UserId::new();
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO users (id, org_id, email, display_name, role, is_demo, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        )
        .bind(id.to_string())
        .bind(new.org_id.map(|o| o.to_string()))
        .bind(new.email.clone())
        .bind(new.display_name.trim().to_owned())
        .bind(new.role.key())
        .bind(i64::from(new.is_demo))
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict("email"),
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                StoreError::Invalid("unknown organization".into())
            }
            _ => StoreError::Database(e),
        })?;
        let mut event = AuditEvent::new("user.create", "user", Outcome::Success).target(id);
        event.actor = by;
        audit::append(&mut tx, &event, self.audit_signer()).await?;
        tx.commit().await?;
        self.user(id)
            .await?
            .ok_or_else(|| StoreError::Corrupt("user vanished after insert".into()))
    }

    pub async fn user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM users WHERE id = $1"
        )))
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM users WHERE email = $1"
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

    /// Sets a new password and ends every session of the account, in one transaction.
    pub async fn set_password(&self, id: UserId, phc: &str) -> Result<(), StoreError> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
            .bind(id.to_string())
            .bind(phc.to_owned())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        crate::sessions::revoke_all_in(&mut tx, id, now).await?;
        // A new password ends every other way in: unused links (an older one may have
        // leaked) and API tokens.
        void_links(&mut tx, id, now).await?;
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
        )
        .bind(id.to_string())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let role = role_of(&mut tx, id).await?;
        let event = AuditEvent::new("auth.password_set", "user", Outcome::Success)
            .by(id, role)
            .target(id);
        audit::append(&mut tx, &event, self.audit_signer()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Turns the second factor on: stores the secret sealed and the recovery codes under a
    /// keyed hash.
    pub async fn enable_totp(
        &self,
        id: UserId,
        secret: &TotpSecret,
        accepted_step: u64,
        recovery_codes: &[String],
    ) -> Result<(), StoreError> {
        let keys = self.keys()?;
        let recovery_code_hashes: Vec<String> = recovery_codes
            .iter()
            .map(|c| keys.recovery_code_hash(c))
            .collect();
        let sealed =
            self.keys()?
                .secrets()
                .seal(secret.as_bytes(), "users", "totp_secret", &id.to_string());
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let enabled = sqlx::query(
            "UPDATE users SET totp_secret = $2, totp_last_step = $3, totp_enabled_at = $4, updated_at = $4 \
             WHERE id = $1 AND totp_enabled_at IS NULL",
        )
        .bind(id.to_string())
        .bind(audit::encode_hex(&sealed))
        .bind(i64::try_from(accepted_step).unwrap_or(i64::MAX))
        .bind(now)
        .execute(&mut *tx)
        .await?;
        // Two enrolments racing: the first one wins, the second changes nothing.
        if enabled.rows_affected() != 1 {
            return Err(StoreError::Conflict("second factor"));
        }
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        for hash in &recovery_code_hashes {
            sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                .bind(id.to_string())
                .bind(hash.clone())
                .execute(&mut *tx)
                .await?;
        }
        let role = role_of(&mut tx, id).await?;
        let event = AuditEvent::new("auth.totp_enabled", "user", Outcome::Success)
            .by(id, role)
            .target(id);
        audit::append(&mut tx, &event, self.audit_signer()).await?;
        tx.commit().await?;
        Ok(())
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
            audit::decode_hex(&sealed).ok_or_else(|| StoreError::Corrupt("totp secret".into()))?;
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

    pub async fn unused_recovery_codes(&self, id: UserId) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(id.to_string())
        .fetch_one(self.pool())
        .await?;
        Ok(row.try_get("n")?)
    }

    /// Disables an account and ends all its sessions at once.
    pub async fn disable_user(
        &self,
        id: UserId,
        by: Option<(UserId, Role)>,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query("UPDATE users SET disabled_at = $2, updated_at = $2 WHERE id = $1 AND disabled_at IS NULL")
            .bind(id.to_string())
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
        crate::sessions::revoke_all_in(&mut tx, id, now).await?;
        let mut event = AuditEvent::new("user.disable", "user", Outcome::Success).target(id);
        event.actor = by;
        audit::append(&mut tx, &event, self.audit_signer()).await?;
        tx.commit().await?;
        Ok(changed)
    }

    /// Whether any demo account exists (a real deployment must not start with them).
    pub async fn demo_accounts_exist(&self) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM users WHERE is_demo = 1")
            .fetch_one(self.pool())
            .await?;
        Ok(row.try_get::<i64, _>("n")? > 0)
    }

    /// Stores a one-time link (hashed) for enrolment or password reset, audited as issued
    /// by `by` (`None` from the command line) in the same transaction.
    pub async fn create_account_link(
        &self,
        user: UserId,
        token_hash: &str,
        purpose: LinkPurpose,
        valid_for_ms: i64,
        by: Option<(UserId, Role)>,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        // Only the newest link works.
        void_links(&mut tx, user, now).await?;
        sqlx::query(
            "INSERT INTO account_links (token_hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash.to_owned())
        .bind(user.to_string())
        .bind(purpose.key())
        .bind(now)
        .bind(now + valid_for_ms)
        .execute(&mut *tx)
        .await?;
        let action = match purpose {
            LinkPurpose::Enrolment => "user.enrolment_link",
            LinkPurpose::PasswordReset => "user.password_reset_link",
        };
        let mut event = AuditEvent::new(action, "user", Outcome::Success).target(user);
        event.actor = by;
        audit::append(&mut tx, &event, self.audit_signer()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Uses a one-time link: returns its account if it is valid, unused and unexpired, and
    /// marks it used in the same statement so it can never serve twice.
    pub async fn take_account_link(
        &self,
        token_hash: &str,
        purpose: LinkPurpose,
    ) -> Result<Option<UserId>, StoreError> {
        let now = now_ms();
        let row = sqlx::query(
            "UPDATE account_links SET used_at = $3 \
             WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3 RETURNING user_id",
        )
        .bind(token_hash.to_owned())
        .bind(purpose.key())
        .bind(now)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| r.try_get::<String, _>("user_id"))
            .transpose()?
            .map(|id| parse_user_id(&id))
            .transpose()
    }

    /// Whether a link is still usable, without using it (to show the form).
    pub async fn account_link_user(
        &self,
        token_hash: &str,
        purpose: LinkPurpose,
    ) -> Result<Option<UserId>, StoreError> {
        let row = sqlx::query(
            "SELECT user_id FROM account_links WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3",
        )
        .bind(token_hash.to_owned())
        .bind(purpose.key())
        .bind(now_ms())
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| r.try_get::<String, _>("user_id"))
            .transpose()?
            .map(|id| parse_user_id(&id))
            .transpose()
    }
}

/// Marks every unused one-time link of the account as used.
async fn void_links(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user: UserId,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE account_links SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL")
        .bind(user.to_string())
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn role_of(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: UserId,
) -> Result<Role, StoreError> {
    let row = sqlx::query("SELECT role FROM users WHERE id = $1")
        .bind(id.to_string())
        .fetch_one(&mut **tx)
        .await?;
    let role: String = row.try_get("role")?;
    role.parse()
        .map_err(|_| StoreError::Corrupt(format!("role {role:?}")))
}

fn parse_user_id(id: &str) -> Result<UserId, StoreError> {
    id.parse()
        .map_err(|_| StoreError::Corrupt(format!("user id {id:?}")))
}

pub(crate) fn user_from_row(row: &AnyRow) -> Result<User, StoreError> {
    let id: String = row.try_get("id")?;
    let role: String = row.try_get("role")?;
    Ok(User {
        id: parse_user_id(&id)?,
        org_id: row
            .try_get::<Option<String>, _>("org_id")?
            .map(|o| {
                o.parse()
                    .map_err(|_| StoreError::Corrupt(format!("org id {o:?}")))
            })
            .transpose()?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        role: role
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("role {role:?}")))?,
        has_password: flag(row, "has_password")?,
        totp_enabled: row.try_get::<Option<i64>, _>("totp_enabled_at")?.is_some(),
        disabled: row.try_get::<Option<i64>, _>("disabled_at")?.is_some(),
        is_demo: row.try_get::<i64, _>("is_demo")? == 1,
        created_at: row.try_get("created_at")?,
    })
}

/// A computed boolean: SQLite returns an integer, PostgreSQL a boolean.
pub(crate) fn flag(row: &AnyRow, column: &str) -> Result<bool, StoreError> {
    match row.try_get::<bool, _>(column) {
        Ok(b) => Ok(b),
        Err(_) => Ok(row.try_get::<i64, _>(column)? != 0),
    }
}

impl Db {
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
        Ok(audit::encode_hex(&sealed))
    }

    pub fn open_pending_totp(
        &self,
        id: UserId,
        sealed_hex: &str,
    ) -> Result<TotpSecret, StoreError> {
        let sealed = audit::decode_hex(sealed_hex)
            .ok_or_else(|| StoreError::Invalid("pending secret".into()))?;
        let bytes =
            self.keys()?
                .secrets()
                .open(&sealed, "pending", "totp_secret", &id.to_string())?;
        Ok(TotpSecret::from_bytes(&bytes)?)
    }
}

/// Whose accounts a staff list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserScope {
    /// Every account (coalition administration).
    All,
    /// The staff of one organization.
    Organization(OrgId),
}

impl Db {
    /// Accounts in scope, by e-mail.
    pub async fn list_users(&self, scope: UserScope) -> Result<Vec<User>, StoreError> {
        let mut sql = crate::Sql::new(&format!("SELECT {COLUMNS} FROM users"));
        if let UserScope::Organization(org) = scope {
            sql.push(" WHERE org_id = ").bind(org.to_string());
        }
        sql.push(" ORDER BY email");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter().map(user_from_row).collect()
    }
}
