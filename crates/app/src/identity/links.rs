//! One-time links that let their holder set an account's password: the enrolment link of a
//! new account, or a reset link an administrator issued. The link is the credential: whoever
//! holds it proves the password step only; the second factor is still asked for.

use mosaique_crypto::{check_password_policy, hash_password, token_hash};
use mosaique_domain::User;
use mosaique_domain::identity::LinkPurpose;

use super::sign_in::NewSession;
use crate::{App, AppError, AppResult, Invalid, NewPasswordProblem};

impl App {
    /// The account a live link is for (to show whose password is being set).
    pub async fn link_account(&self, token: &str, purpose: LinkPurpose) -> AppResult<User> {
        self.db
            .account_link_user(&token_hash(token), purpose)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Sets the password with a link, which then serves no more, and opens a session at the
    /// password step. Setting a password ends every other session of the account.
    pub async fn set_password_with_link(
        &self,
        token: &str,
        purpose: LinkPurpose,
        password: &str,
        confirm: &str,
    ) -> AppResult<NewSession> {
        let user = self.link_account(token, purpose).await?;
        let local_part = user.email.split('@').next().unwrap_or("").to_owned();
        let mut problems = Vec::new();
        if password != confirm {
            problems.push(NewPasswordProblem::Mismatch);
        }
        if let Err(weak) = check_password_policy(password, &[&local_part, &user.display_name]) {
            problems.extend(weak.into_iter().map(NewPasswordProblem::Weak));
        }
        if !problems.is_empty() {
            return Err(AppError::Invalid(Invalid::NewPassword(problems)));
        }
        let password = password.to_owned();
        let phc = tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(|_| AppError::Internal)?
            .map_err(|error| {
                tracing::error!(%error, "password hashing failed");
                AppError::Internal
            })?;
        // If two submissions race, the link serves one of them only.
        let user = self
            .db
            .set_password_with_link(&token_hash(token), purpose, &phc)
            .await?
            .ok_or(AppError::NotFound)?;
        self.open_session(&user, user.stage_after_password()).await
    }
}
