//! Collaboration agreements (ententes) and the coalition's rule that a data flow between
//! organizations needs one as well as consent.

use mosaique_domain::AgreementId;
use mosaique_domain::case::{AgreementRecord, NewAgreement};
use mosaique_domain::policy::Principal;
use mosaique_domain::policy::case::{AgreementAction, Agreements};

use crate::{App, AppError, AppResult, Conflict, Invalid};

/// The agreements, and whether the coalition requires one for every flow.
#[derive(Debug, Clone)]
pub struct AgreementsView {
    pub agreements: Vec<AgreementRecord>,
    pub require_agreement: bool,
    /// Whether the reader may record and end agreements and set the rule.
    pub may_manage: bool,
}

impl App {
    pub async fn agreements(&self, who: &Principal) -> AppResult<AgreementsView> {
        let permit = self
            .authorize(who, AgreementAction::View, Agreements)
            .await?;
        let mut tx = self.db.begin().await?;
        let (agreements, require_agreement) = tx.agreements(&permit).await?;
        tx.commit().await?;
        Ok(AgreementsView {
            agreements,
            require_agreement,
            may_manage: mosaique_domain::policy::offers(who, AgreementAction::Manage, Agreements),
        })
    }

    /// Whether `who` may record agreements, or the refusal: asked before a body is read.
    pub async fn may_manage_agreements(&self, who: &Principal) -> AppResult<()> {
        self.authorize(who, AgreementAction::Manage, Agreements)
            .await
            .map(|_| ())
    }

    pub async fn record_agreement(
        &self,
        who: &Principal,
        new: NewAgreement,
    ) -> AppResult<AgreementId> {
        let permit = self
            .authorize(who, AgreementAction::Manage, Agreements)
            .await?;
        new.validate()
            .map_err(|problems| AppError::Invalid(Invalid::Agreement(problems)))?;
        let mut tx = self.db.begin().await?;
        let id = tx.record_agreement(&permit, &new).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Ends an agreement now: from the next request, the flows it allowed stop (where the
    /// coalition requires agreements).
    pub async fn end_agreement(&self, who: &Principal, id: AgreementId) -> AppResult<()> {
        let permit = self
            .authorize(who, AgreementAction::Manage, Agreements)
            .await?;
        let mut tx = self.db.begin().await?;
        let ended = tx.end_agreement(&permit, id).await?;
        tx.commit().await?;
        if ended {
            Ok(())
        } else {
            Err(AppError::Conflict(Conflict::Stale))
        }
    }

    pub async fn set_require_agreement(&self, who: &Principal, required: bool) -> AppResult<()> {
        let permit = self
            .authorize(who, AgreementAction::Manage, Agreements)
            .await?;
        let mut tx = self.db.begin().await?;
        tx.set_require_agreement(&permit, required).await?;
        tx.commit().await?;
        Ok(())
    }
}
