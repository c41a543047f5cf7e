//! Intakes (the first contact that opened a case) and the coalition's entry model.

use mosaique_domain::CaseId;
use mosaique_domain::audit::Outcome;
use mosaique_domain::policy::Permit;
use mosaique_domain::policy::referral::{
    EntrySetting, EntrySettingAction, IntakeAction, IntakeOpening,
};
use mosaique_domain::referral::EntryModel;
use sqlx::Row;

use crate::permits::{require, user};
use crate::{Db, StoreError, Tx, now_ms};

const ENTRY_MODEL: &str = "entry_model";

impl Db {
    /// How the coalition takes people in.
    pub async fn entry_model(&self) -> Result<EntryModel, StoreError> {
        let row = sqlx::query("SELECT value FROM coalition_settings WHERE key = $1")
            .bind(ENTRY_MODEL)
            .fetch_optional(self.pool())
            .await?;
        match row {
            Some(row) => row
                .try_get::<String, _>("value")?
                .parse()
                .map_err(|_| StoreError::Corrupt("coalition_settings.entry_model".into())),
            None => Ok(EntryModel::Several),
        }
    }
}

impl Tx {
    pub async fn set_entry_model(
        &mut self,
        permit: &Permit<EntrySetting>,
        model: EntryModel,
    ) -> Result<(), StoreError> {
        require(permit, &[EntrySettingAction::Set])?;
        let by = user(permit)?.user_id;
        sqlx::query(
            "UPDATE coalition_settings SET value = $2, updated_by = $3, updated_at = $4 WHERE key = $1",
        )
        .bind(ENTRY_MODEL)
        .bind(model.key())
        .bind(by.to_string())
        .bind(now_ms())
        .execute(self.conn())
        .await?;
        self.audit(&permit.audit_event(Outcome::Success).because(model.key()))
            .await
    }

    /// Records that `case` was opened by an intake the permit's user took.
    pub async fn record_intake(
        &mut self,
        permit: &Permit<IntakeOpening>,
        case: CaseId,
        unsafe_now: bool,
    ) -> Result<(), StoreError> {
        require(permit, &[IntakeAction::Take])?;
        let by = user(permit)?.user_id;
        sqlx::query(
            "INSERT INTO intakes (case_id, taken_by, unsafe_now, taken_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(case.to_string())
        .bind(by.to_string())
        .bind(i64::from(unsafe_now))
        .bind(now_ms())
        .execute(self.conn())
        .await?;
        self.audit(&permit.audit_event(Outcome::Success).target(case))
            .await
    }
}
