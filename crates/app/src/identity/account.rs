//! One's own account: who I am, my second factor, my sessions.

use mosaique_crypto::{TotpSecret, qr_svg, recovery_codes};
use mosaique_domain::identity::SessionStage;
use mosaique_domain::policy::Principal;
use mosaique_domain::policy::identity::{AccountAction, OwnAccount};
use mosaique_domain::{Organization, User};
use mosaique_store::StoreError;

use super::Session;
use crate::{App, AppError, AppResult, Conflict};

const RECOVERY_CODES: usize = 10;

/// What the account page shows.
#[derive(Debug, Clone)]
pub struct AccountView {
    pub user: User,
    /// `None` for the coalition's own staff, or an organization since removed.
    pub organization: Option<Organization>,
    /// With a second factor: the recovery codes not yet used.
    pub recovery_codes_left: Option<i64>,
}

/// A second factor being set up: what to show, and the sealed secret the form carries back.
#[derive(Debug, Clone)]
pub struct PendingSecondFactor {
    pub qr_svg: String,
    pub secret_base32: String,
    /// The secret, sealed for this account alone.
    pub sealed: String,
}

/// A second factor just turned on.
#[derive(Debug, Clone)]
pub struct SecondFactorOn {
    /// Shown once.
    pub recovery_codes: Vec<String>,
    /// The complete session's new token, when enrolment was the last step of signing in.
    pub new_token: Option<String>,
}

impl App {
    /// The signed-in person's own account.
    pub async fn account(&self, who: &Principal) -> AppResult<AccountView> {
        let owner = who.actor().map(|a| a.user_id).unwrap_or_default();
        let permit = self
            .authorize(who, AccountAction::View, OwnAccount { owner })
            .await?;
        let mut tx = self.db.begin().await?;
        let user = tx.own_account(&permit).await?.ok_or(AppError::NotFound)?;
        let recovery_codes_left = if user.totp_enabled {
            Some(tx.unused_recovery_codes(&permit).await?)
        } else {
            None
        };
        tx.commit().await?;
        let organization = match user.org_id {
            Some(org) => self.db.organization(org).await?,
            None => None,
        };
        Ok(AccountView {
            user,
            organization,
            recovery_codes_left,
        })
    }

    /// A new second factor to set up, for a session without one (signing in, or signed in
    /// with a role that has none yet). `None` when the account has one already.
    pub fn second_factor_to_set_up(
        &self,
        session: &Session,
        issuer: &str,
    ) -> AppResult<Option<PendingSecondFactor>> {
        if session.user.totp_enabled {
            return Ok(None);
        }
        self.pending(session, &TotpSecret::generate(), issuer)
            .map(Some)
    }

    fn pending(
        &self,
        session: &Session,
        secret: &TotpSecret,
        issuer: &str,
    ) -> AppResult<PendingSecondFactor> {
        let user = &session.user;
        Ok(PendingSecondFactor {
            qr_svg: qr_svg(&secret.otpauth_url(&format!("Mosaïque – {issuer}"), &user.email)),
            secret_base32: secret.base32(),
            sealed: self.db.seal_pending_totp(user.id, secret)?,
        })
    }

    /// Turns the second factor on, once a first code proves the app holds the secret. A
    /// wrong code comes back with the same secret (`Err(Some(..))`), a form tampered with
    /// or sealed for another account with a new one (`Err(None)`).
    pub async fn set_up_second_factor(
        &self,
        session: &Session,
        sealed: &str,
        code: &str,
        issuer: &str,
    ) -> AppResult<Result<SecondFactorOn, SetUpRefusal>> {
        let user = &session.user;
        if user.totp_enabled {
            return Err(AppError::Conflict(Conflict::Taken("second factor")));
        }
        let Ok(secret) = self.db.open_pending_totp(user.id, sealed) else {
            let fresh = self.pending(session, &TotpSecret::generate(), issuer)?;
            return Ok(Err(SetUpRefusal::Expired(fresh)));
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let Some(step) = secret.verify(code, now, None) else {
            return Ok(Err(SetUpRefusal::WrongCode(
                self.pending(session, &secret, issuer)?,
            )));
        };
        let codes = recovery_codes(RECOVERY_CODES);
        match self.db.enable_totp(user, &secret, step, &codes).await {
            Ok(()) => {}
            // Another tab finished first: that factor stands.
            Err(StoreError::Conflict(what)) => {
                return Err(AppError::Conflict(Conflict::Taken(what)));
            }
            Err(e) => return Err(e.into()),
        }
        // A half-way session becomes a complete one, with a new token.
        let new_token = if session.stage == SessionStage::Password {
            Some(self.promote(session).await?.ok_or(AppError::NotFound)?)
        } else {
            None
        };
        Ok(Ok(SecondFactorOn {
            recovery_codes: codes,
            new_token,
        }))
    }

    /// "Sign out everywhere": ends every session of one's own account.
    pub async fn sign_out_everywhere(&self, who: &Principal) -> AppResult<()> {
        let owner = who.actor().map(|a| a.user_id).unwrap_or_default();
        let permit = self
            .authorize(who, AccountAction::ManageSecurity, OwnAccount { owner })
            .await?;
        let mut tx = self.db.begin().await?;
        tx.revoke_all_sessions(&permit).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Why a second factor was not turned on; each carries the form to show again.
#[derive(Debug, Clone)]
pub enum SetUpRefusal {
    WrongCode(PendingSecondFactor),
    /// Tampered with, or sealed for another account: start again with a new secret.
    Expired(PendingSecondFactor),
}
