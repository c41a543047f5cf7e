//! The coalition's wording of the case vocabularies.

use mosaique_domain::audit::Outcome;
use mosaique_domain::case::{TermSetting, Terms};
use mosaique_domain::policy::Permit;
use mosaique_domain::policy::case::{Vocabularies, VocabularyAction};
use sqlx::Row;

use crate::permits::{require, user};
use crate::{Db, StoreError, Tx, now_ms};

impl Db {
    /// Every value the coalition worded or retired (no personal data: read without a permit).
    pub async fn case_terms(&self) -> Result<Terms, StoreError> {
        let rows = sqlx::query(
            "SELECT vocabulary, key, label_fr, label_en, retired FROM vocabulary_terms \
             ORDER BY vocabulary, key",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(TermSetting {
                    vocabulary: r.try_get("vocabulary")?,
                    key: r.try_get("key")?,
                    label_fr: r.try_get("label_fr")?,
                    label_en: r.try_get("label_en")?,
                    retired: r.try_get::<i64, _>("retired")? != 0,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()
            .map(Terms)
    }
}

impl Tx {
    /// Writes one value's wording and whether it is retired (replacing what was set).
    pub async fn set_term(
        &mut self,
        permit: &Permit<Vocabularies>,
        setting: &TermSetting,
    ) -> Result<(), StoreError> {
        require(permit, &[VocabularyAction::Manage])?;
        let by = user(permit)?.user_id;
        sqlx::query("DELETE FROM vocabulary_terms WHERE vocabulary = $1 AND key = $2")
            .bind(setting.vocabulary.clone())
            .bind(setting.key.clone())
            .execute(self.conn())
            .await?;
        sqlx::query(
            "INSERT INTO vocabulary_terms (vocabulary, key, label_fr, label_en, retired, \
             updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(setting.vocabulary.clone())
        .bind(setting.key.clone())
        .bind(setting.label_fr.clone())
        .bind(setting.label_en.clone())
        .bind(i64::from(setting.retired))
        .bind(by.to_string())
        .bind(now_ms())
        .execute(self.conn())
        .await?;
        let what = format!("{}:{}", setting.vocabulary, setting.key);
        self.audit(&permit.audit_event(Outcome::Success).target(what))
            .await
    }
}
