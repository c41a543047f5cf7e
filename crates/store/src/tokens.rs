//! API tokens: for scripts and integrations, sent as `Authorization: Bearer`. Only the
//! token's hash is stored; a token acts with exactly its user's permissions.

use mosaique_domain::audit::{AuditEvent, Outcome};
use mosaique_domain::policy::Permit;
use mosaique_domain::policy::identity::{AccountAction, OwnAccount};
use mosaique_domain::{TokenId, User};
use sqlx::Row;

use crate::permits::require;
use crate::users::user_from_row;
use crate::{Db, StoreError, Tx, now_ms};

/// Refreshing `last_used_at` on every call would make every API read a write.
const TOUCH_EVERY_MS: i64 = 60_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: TokenId,
    pub name: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

impl Tx {
    /// Creates a token for the permit's account; only its hash is stored.
    pub async fn create_api_token(
        &mut self,
        permit: &Permit<OwnAccount>,
        name: &str,
        token_hash: &str,
        valid_for_ms: Option<i64>,
    ) -> Result<TokenId, StoreError> {
        require(permit, &[AccountAction::ManageTokens])?;
        let id = TokenId::new();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id.to_string())
        .bind(permit.resource().owner.to_string())
        .bind(name.trim().to_owned())
        .bind(token_hash.to_owned())
        .bind(now)
        .bind(valid_for_ms.map(|ms| now + ms))
        .execute(self.conn())
        .await?;
        let event = AuditEvent::new("token.create", "api_token", Outcome::Success)
            .by_maybe(permit.who().audit_actor())
            .target(id);
        self.audit(&event).await?;
        Ok(id)
    }

    /// The permit's account's live tokens.
    pub async fn api_tokens(
        &mut self,
        permit: &Permit<OwnAccount>,
    ) -> Result<Vec<ApiToken>, StoreError> {
        require(permit, &[AccountAction::ManageTokens])?;
        let rows = sqlx::query(
            "SELECT id, name, created_at, expires_at, last_used_at FROM api_tokens \
             WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at",
        )
        .bind(permit.resource().owner.to_string())
        .fetch_all(self.conn())
        .await?;
        rows.iter()
            .map(|row| {
                let id: String = row.try_get("id")?;
                Ok(ApiToken {
                    id: id
                        .parse()
                        .map_err(|_| StoreError::Corrupt(format!("token id {id:?}")))?,
                    name: row.try_get("name")?,
                    created_at: row.try_get("created_at")?,
                    expires_at: row.try_get("expires_at")?,
                    last_used_at: row.try_get("last_used_at")?,
                })
            })
            .collect()
    }

    /// Revokes one of the permit's account's tokens; false if there was no such live token.
    pub async fn revoke_api_token(
        &mut self,
        permit: &Permit<OwnAccount>,
        id: TokenId,
    ) -> Result<bool, StoreError> {
        require(permit, &[AccountAction::ManageTokens])?;
        let revoked = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
        )
        .bind(id.to_string())
        .bind(permit.resource().owner.to_string())
        .bind(now_ms())
        .execute(self.conn())
        .await?
        .rows_affected()
            == 1;
        if revoked {
            let event = AuditEvent::new("token.revoke", "api_token", Outcome::Success)
                .by_maybe(permit.who().audit_actor())
                .target(id);
            self.audit(&event).await?;
        }
        Ok(revoked)
    }
}

impl Db {
    /// The account behind a bearer token, if the token is live and the account enabled.
    pub async fn token_user(&self, token_hash: &str) -> Result<Option<User>, StoreError> {
        let now = now_ms();
        let row = sqlx::query(
            "SELECT t.id AS token_id, t.last_used_at, u.id, u.org_id, u.email, u.display_name, u.role, \
                 u.password_hash IS NOT NULL AS has_password, u.totp_enabled_at, u.disabled_at, u.is_demo, u.created_at \
             FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2) \
                 AND u.disabled_at IS NULL",
        )
        .bind(token_hash.to_owned())
        .bind(now)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let last_used: Option<i64> = row.try_get("last_used_at")?;
        if last_used.is_none_or(|at| now - at > TOUCH_EVERY_MS) {
            sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
                .bind(row.try_get::<String, _>("token_id")?)
                .bind(now)
                .execute(self.pool())
                .await?;
        }
        Ok(Some(user_from_row(&row)?))
    }
}
