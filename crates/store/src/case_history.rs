//! Who changed which fields of a case's parts, when: its steps and the person's details.
//! Field names only; the values are the parts' own, sealed.

use std::collections::HashMap;

use mosaique_domain::case::{DETAIL_FIELDS, FieldChange, STEP_FIELDS};
use mosaique_domain::{CaseId, Timestamp, UserId};
use sqlx::Row;

use crate::cases::parse_id;
use crate::{StoreError, Tx};

/// A case's changes by subject (`step:<id>`, or a category key for the person's details),
/// oldest first.
pub(crate) type History = HashMap<String, Vec<FieldChange>>;

/// A stored field name, as the domain's.
fn field_name(name: &str) -> Option<&'static str> {
    STEP_FIELDS
        .iter()
        .chain(DETAIL_FIELDS)
        .copied()
        .find(|f| *f == name)
}

impl Tx {
    pub(crate) async fn record_change(
        &mut self,
        case: CaseId,
        subject: &str,
        by: UserId,
        at: i64,
        fields: &[&str],
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO case_changes (case_id, subject, changed_by, changed_at, fields) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(case.to_string())
        .bind(subject.to_owned())
        .bind(by.to_string())
        .bind(at)
        .bind(fields.join(" "))
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Every change of the case, by subject.
    pub(crate) async fn history(&mut self, case: CaseId) -> Result<History, StoreError> {
        let rows = sqlx::query(
            "SELECT c.subject, c.changed_by, c.changed_at, c.fields, u.display_name \
             FROM case_changes c JOIN users u ON u.id = c.changed_by \
             WHERE c.case_id = $1 ORDER BY c.changed_at, c.fields",
        )
        .bind(case.to_string())
        .fetch_all(self.conn())
        .await?;
        let mut by_subject = History::new();
        for r in &rows {
            let text: String = r.try_get("fields")?;
            by_subject
                .entry(r.try_get("subject")?)
                .or_default()
                .push(FieldChange {
                    by: parse_id(r, "changed_by")?,
                    by_name: r.try_get("display_name")?,
                    at: Timestamp(r.try_get("changed_at")?),
                    fields: text.split(' ').filter_map(field_name).collect(),
                });
        }
        Ok(by_subject)
    }
}
