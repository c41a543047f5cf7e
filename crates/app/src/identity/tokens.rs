//! API tokens, for scripts and integrations (`Authorization: Bearer`): a token acts with
//! exactly its account's permissions. Only its hash is stored; the token is shown once.

use mosaique_crypto::{random_token, token_hash};
use mosaique_domain::TokenId;
use mosaique_domain::policy::Principal;
use mosaique_domain::policy::identity::{AccountAction, OwnAccount};

use crate::{App, AppError, AppResult, Invalid};

/// A token just created: its id (to revoke it) and the token itself, shown once.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub id: TokenId,
    pub token: String,
}

impl App {
    /// Creates a token for an account (by e-mail), valid for `days` or until revoked.
    pub async fn create_api_token(
        &self,
        who: &Principal,
        owner_email: &str,
        name: &str,
        days: Option<u32>,
    ) -> AppResult<NewToken> {
        if name.trim().is_empty() {
            return Err(AppError::Invalid(Invalid::TokenName));
        }
        let owner = self.enabled_account(owner_email).await?;
        let permit = self
            .authorize(who, AccountAction::ManageTokens, OwnAccount { owner })
            .await?;
        let token = random_token();
        let valid = days.map(|d| i64::from(d) * 24 * 3600 * 1000);
        let mut tx = self.db.begin().await?;
        let id = tx
            .create_api_token(&permit, name, &token_hash(&token), valid)
            .await?;
        tx.commit().await?;
        Ok(NewToken { id, token })
    }

    /// Revokes one of an account's tokens; `NotFound` when it has no such live token.
    pub async fn revoke_api_token(
        &self,
        who: &Principal,
        owner_email: &str,
        id: TokenId,
    ) -> AppResult<()> {
        let owner = self.enabled_account(owner_email).await?;
        let permit = self
            .authorize(who, AccountAction::ManageTokens, OwnAccount { owner })
            .await?;
        let mut tx = self.db.begin().await?;
        let revoked = tx.revoke_api_token(&permit, id).await?;
        tx.commit().await?;
        if revoked {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    async fn enabled_account(&self, email: &str) -> AppResult<mosaique_domain::UserId> {
        let email = mosaique_domain::identity::normalize_email(email).ok_or(AppError::NotFound)?;
        match self.db.account_facts_by_email(&email).await? {
            Some(facts) if !facts.disabled => facts.account.id.ok_or(AppError::NotFound),
            _ => Err(AppError::NotFound),
        }
    }
}
