//! API tokens: for scripts and integrations, sent as `Authorization: Bearer`. Only the
//! token's hash is stored; a token acts with exactly its user's permissions.

use mosaique_domain::{TokenId, UserId};
use sqlx::Row;

use crate::audit::{self, AuditEvent, Outcome};
use crate::users::{User, user_from_row};
use crate::{Db, StoreError, now_ms};

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

impl Db {
    pub async fn create_api_token(
        &self,
        user: &User,
        name: &str,
        token_hash: &str,
        valid_for_ms: Option<i64>,
    ) -> Result<TokenId, StoreError> {
        let id = TokenId::new();
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id.to_string())
        .bind(user.id.to_string())
        .bind(name.trim().to_owned())
        .bind(token_hash.to_owned())
        .bind(now)
        .bind(valid_for_ms.map(|ms| now + ms))
        .execute(&mut *tx)
        .await?;
        let event = AuditEvent::new("token.create", "api_token", Outcome::Success).target(id);
        audit::append(
            &mut tx,
            &AuditEvent {
                actor: Some((user.id, user.role)),
                ..event
            },
            self.audit_signer(),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

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

    pub async fn api_tokens(&self, user: UserId) -> Result<Vec<ApiToken>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name, created_at, expires_at, last_used_at FROM api_tokens \
             WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at",
        )
        .bind(user.to_string())
        .fetch_all(self.pool())
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

    /// Revokes one of the user's tokens; returns false if there was no such live token.
    pub async fn revoke_api_token(&self, user: &User, id: TokenId) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let revoked = sqlx::query("UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL")
            .bind(id.to_string())
            .bind(user.id.to_string())
            .bind(now_ms())
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
        if revoked {
            let event = AuditEvent::new("token.revoke", "api_token", Outcome::Success)
                .by(user.id, user.role)
                .target(id);
            audit::append(&mut tx, &event, self.audit_signer()).await?;
        }
        tx.commit().await?;
        Ok(revoked)
    }
}
