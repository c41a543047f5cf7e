//! The coalition's wording of the case vocabularies: read by every page that shows a case,
//! set by the coalition's administrators.

use mosaique_domain::case::{TermSetting, Terms};
use mosaique_domain::policy::Principal;
use mosaique_domain::policy::case::{Vocabularies, VocabularyAction};

use crate::{App, AppError, AppResult, Invalid};

impl App {
    /// The coalition's wording, for the pages that show a case or open one (their reader is
    /// authorized by the case's own permit).
    pub async fn case_terms(&self) -> AppResult<Terms> {
        Ok(self.db.case_terms().await?)
    }

    /// The wording, for a signed-in reader (the API).
    pub async fn vocabularies(&self, who: &Principal) -> AppResult<Terms> {
        self.authorize(who, VocabularyAction::View, Vocabularies)
            .await?;
        self.case_terms().await
    }

    /// Whether `who` may word the vocabularies (to show the page's forms).
    pub async fn may_manage_terms(&self, who: &Principal) -> AppResult<()> {
        self.authorize(who, VocabularyAction::Manage, Vocabularies)
            .await
            .map(|_| ())
    }

    /// Words one value the coalition's way, or retires it.
    pub async fn set_case_term(&self, who: &Principal, setting: TermSetting) -> AppResult<()> {
        let permit = self
            .authorize(who, VocabularyAction::Manage, Vocabularies)
            .await?;
        let setting = setting
            .validate()
            .map_err(|problems| AppError::Invalid(Invalid::Terms(problems)))?;
        let mut tx = self.db.begin().await?;
        tx.set_term(&permit, &setting).await?;
        tx.commit().await?;
        Ok(())
    }
}
