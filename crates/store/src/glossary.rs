//! The coalition's shared glossary: entries (a term in French and English) and their
//! definitions, one per framework. An entry changes only from the version its writer read.

use std::collections::HashMap;

use mosaique_domain::audit::{AuditEvent, Outcome};
use mosaique_domain::coalition::glossary::{Definition, Entry, NewEntry};
use mosaique_domain::policy::Permit;
use mosaique_domain::policy::coalition::{Workspace, WorkspaceAction};
use mosaique_domain::{Bilingual, GlossaryEntryId, Timestamp};
use sqlx::Row;

use crate::cases::parse_id;
use crate::permits::require;
use crate::{StoreError, Tx, now_ms};

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("glossary: {what}"))
}

impl Tx {
    /// The permit's coalition's glossary, by French term, each entry's definitions in the
    /// frameworks' order.
    pub async fn glossary(&mut self, permit: &Permit<Workspace>) -> Result<Vec<Entry>, StoreError> {
        require(permit, &[WorkspaceAction::View, WorkspaceAction::Run])?;
        let coalition = permit.resource().coalition.to_string();
        let mut entries = sqlx::query(
            "SELECT id, coalition_id, term_fr, term_en, updated_at, version FROM glossary_entries \
             WHERE coalition_id = $1 ORDER BY sort_fr, id",
        )
        .bind(&coalition)
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(|r| {
            Ok(Entry {
                id: parse_id(r, "id")?,
                coalition: parse_id(r, "coalition_id")?,
                term: Bilingual::new(r.try_get("term_fr")?, r.try_get("term_en")?),
                definitions: Vec::new(),
                updated_at: Timestamp(r.try_get("updated_at")?),
                version: r.try_get("version")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        let rows = sqlx::query(
            "SELECT d.entry_id, d.framework, d.text_fr, d.text_en, d.reference \
             FROM glossary_definitions d JOIN glossary_entries e ON e.id = d.entry_id \
             WHERE e.coalition_id = $1",
        )
        .bind(&coalition)
        .fetch_all(self.conn())
        .await?;
        let mut by_entry: HashMap<GlossaryEntryId, Vec<Definition>> = HashMap::new();
        for r in &rows {
            by_entry
                .entry(parse_id(r, "entry_id")?)
                .or_default()
                .push(Definition {
                    framework: r
                        .try_get::<String, _>("framework")?
                        .parse()
                        .map_err(|_| corrupt("framework"))?,
                    text: Bilingual::new(r.try_get("text_fr")?, r.try_get("text_en")?),
                    reference: r.try_get("reference")?,
                });
        }
        for e in &mut entries {
            let mut definitions = by_entry.remove(&e.id).unwrap_or_default();
            definitions.sort_by_key(|d| d.framework);
            e.definitions = definitions;
        }
        Ok(entries)
    }

    async fn write_definitions(
        &mut self,
        id: GlossaryEntryId,
        new: &NewEntry,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM glossary_definitions WHERE entry_id = $1")
            .bind(id.to_string())
            .execute(self.conn())
            .await?;
        for d in &new.definitions {
            sqlx::query(
                "INSERT INTO glossary_definitions (entry_id, framework, text_fr, text_en, reference) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id.to_string())
            .bind(d.framework.key())
            .bind(d.text.fr.trim().to_owned())
            .bind(d.text.en.trim().to_owned())
            .bind(d.reference.trim().to_owned())
            .execute(self.conn())
            .await?;
        }
        Ok(())
    }

    /// Adds an entry to the permit's coalition's glossary (checked by the caller).
    pub async fn add_glossary_entry(
        &mut self,
        permit: &Permit<Workspace>,
        new: &NewEntry,
    ) -> Result<GlossaryEntryId, StoreError> {
        require(permit, &[WorkspaceAction::Run])?;
        let id = GlossaryEntryId::new();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO glossary_entries (id, coalition_id, term_fr, term_en, sort_fr, created_at, \
             updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $6, 1)",
        )
        .bind(id.to_string())
        .bind(permit.resource().coalition.to_string())
        .bind(new.term.fr.trim().to_owned())
        .bind(new.term.en.trim().to_owned())
        .bind(mosaique_domain::text::fold(&new.term.fr))
        .bind(now)
        .execute(self.conn())
        .await?;
        self.write_definitions(id, new).await?;
        let event = AuditEvent::new("glossary.add", "glossary_entry", Outcome::Success)
            .by_maybe(permit.who().audit_actor())
            .target(id);
        self.audit(&event).await?;
        Ok(id)
    }

    /// Replaces an entry's term and definitions (checked by the caller), from `version`.
    /// `false` when it changed since, or is not the permit's coalition's.
    pub async fn change_glossary_entry(
        &mut self,
        permit: &Permit<Workspace>,
        id: GlossaryEntryId,
        version: i64,
        new: &NewEntry,
    ) -> Result<bool, StoreError> {
        require(permit, &[WorkspaceAction::Run])?;
        let changed = sqlx::query(
            "UPDATE glossary_entries SET term_fr = $4, term_en = $5, sort_fr = $6, updated_at = $7, \
             version = version + 1 WHERE id = $1 AND coalition_id = $2 AND version = $3",
        )
        .bind(id.to_string())
        .bind(permit.resource().coalition.to_string())
        .bind(version)
        .bind(new.term.fr.trim().to_owned())
        .bind(new.term.en.trim().to_owned())
        .bind(mosaique_domain::text::fold(&new.term.fr))
        .bind(now_ms())
        .execute(self.conn())
        .await?
        .rows_affected()
            == 1;
        if !changed {
            return Ok(false);
        }
        self.write_definitions(id, new).await?;
        let event = AuditEvent::new("glossary.change", "glossary_entry", Outcome::Success)
            .by_maybe(permit.who().audit_actor())
            .target(id);
        self.audit(&event).await?;
        Ok(true)
    }
}

impl crate::Db {
    /// The coalition a glossary entry belongs to (the policy's fact), if it exists.
    pub async fn glossary_entry_coalition(
        &self,
        id: GlossaryEntryId,
    ) -> Result<Option<mosaique_domain::OrgId>, StoreError> {
        sqlx::query("SELECT coalition_id FROM glossary_entries WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
            .map(|r| parse_id(&r, "coalition_id"))
            .transpose()
    }
}
