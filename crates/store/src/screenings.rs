//! Screening instruments and screenings. Instrument versions are immutable: a stored
//! version is re-hashed on every load and refused if it changed. Screenings name no
//! person; their answers and evaluation are sealed.

use std::collections::BTreeMap;

use mosaique_domain::screening::{ENGINE_VERSION, Evaluation, Instrument, Syntax};
use mosaique_domain::{Language, Role, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{self, AuditEvent, Outcome, decode_hex, encode_hex};
use crate::{Db, StoreError, now_ms};

/// Where a published version stands. Only the status of a version ever changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstrumentStatus {
    /// Usable, flagged as being piloted.
    Pilot,
    Active,
    /// Kept for reading old results; no new screening uses it.
    Retired,
}

impl InstrumentStatus {
    pub fn key(self) -> &'static str {
        match self {
            InstrumentStatus::Pilot => "pilot",
            InstrumentStatus::Active => "active",
            InstrumentStatus::Retired => "retired",
        }
    }

    pub fn parse(key: &str) -> Option<InstrumentStatus> {
        match key {
            "pilot" => Some(InstrumentStatus::Pilot),
            "active" => Some(InstrumentStatus::Active),
            "retired" => Some(InstrumentStatus::Retired),
            _ => None,
        }
    }
}

/// A published instrument version.
#[derive(Debug, Clone)]
pub struct StoredInstrument {
    pub instrument: Instrument,
    pub status: InstrumentStatus,
    pub shipped: bool,
    pub published_at: i64,
}

/// What publishing did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    New,
    /// The same content was already published under this key and version.
    AlreadyThere,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScreeningState {
    InProgress,
    Complete,
}

impl ScreeningState {
    fn key(self) -> &'static str {
        match self {
            ScreeningState::InProgress => "in_progress",
            ScreeningState::Complete => "complete",
        }
    }
}

/// One screening, opened.
#[derive(Debug, Clone)]
pub struct Screening {
    pub id: String,
    pub instrument_key: String,
    pub instrument_version: u32,
    pub content_hash: String,
    pub state: ScreeningState,
    pub language: Language,
    pub answers: BTreeMap<String, String>,
    pub evaluation: Option<Evaluation>,
    pub screener_role: Role,
    pub created_by: UserId,
    pub rescore_of: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub completed_at: Option<i64>,
}

/// A screening in a list: no answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreeningSummary {
    pub id: String,
    pub instrument_key: String,
    pub instrument_version: u32,
    pub state: ScreeningState,
    pub band: Option<u8>,
    pub safety_alert: bool,
    pub updated_at: i64,
}

/// Who is screening, in what language, with which instrument version.
#[derive(Debug, Clone, Copy)]
pub struct Screener<'a> {
    pub user: UserId,
    pub role: Role,
    pub language: Language,
    pub instrument: &'a Instrument,
}

impl Db {
    /// Publishes a version. Publishing the same content again is a no-op; different content
    /// under a published key and version is refused: a published version never changes.
    pub async fn publish_instrument(
        &self,
        instrument: &Instrument,
        status: InstrumentStatus,
        shipped: bool,
        by: Option<(UserId, Role)>,
    ) -> Result<Published, StoreError> {
        let mut tx = self.begin_write().await?;
        let existing =
            sqlx::query("SELECT content_hash FROM instruments WHERE key = $1 AND version = $2")
                .bind(instrument.key().to_owned())
                .bind(i64::from(instrument.version()))
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(row) = existing {
            let hash: String = row.try_get("content_hash")?;
            return if hash == instrument.content_hash() {
                Ok(Published::AlreadyThere)
            } else {
                Err(StoreError::Conflict("instrument_version"))
            };
        }
        sqlx::query(
            "INSERT INTO instruments (key, version, content_hash, source, status, shipped, published_at, published_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(instrument.key().to_owned())
        .bind(i64::from(instrument.version()))
        .bind(instrument.content_hash().to_owned())
        .bind(instrument.canonical_json().to_owned())
        .bind(status.key())
        .bind(i64::from(shipped))
        .bind(now_ms())
        .bind(by.map(|(u, _)| u.to_string()))
        .execute(&mut *tx)
        .await?;
        let mut event = AuditEvent::new("instrument.publish", "instrument", Outcome::Success)
            .target(format!("{}@{}", instrument.key(), instrument.version()));
        if let Some((user, role)) = by {
            event = event.by(user, role);
        }
        audit::append(&mut tx, &event, Some(self.keys()?.audit_signer())).await?;
        tx.commit().await?;
        Ok(Published::New)
    }

    /// Publishes the versions that ship with Mosaïque (idempotent; run at every start).
    pub async fn publish_shipped_instruments(
        &self,
        instruments: &[Instrument],
    ) -> Result<usize, StoreError> {
        let mut new = 0;
        for instrument in instruments {
            if self
                .publish_instrument(instrument, InstrumentStatus::Active, true, None)
                .await?
                == Published::New
            {
                new += 1;
            }
        }
        Ok(new)
    }

    pub async fn set_instrument_status(
        &self,
        key: &str,
        version: u32,
        status: InstrumentStatus,
        by: Option<(UserId, Role)>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let changed =
            sqlx::query("UPDATE instruments SET status = $3 WHERE key = $1 AND version = $2")
                .bind(key.to_owned())
                .bind(i64::from(version))
                .bind(status.key())
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if changed == 0 {
            return Err(StoreError::Invalid(format!(
                "no instrument {key} version {version}"
            )));
        }
        let mut event = AuditEvent::new("instrument.status", "instrument", Outcome::Success)
            .target(format!("{key}@{version}"))
            .because(status.key());
        if let Some((user, role)) = by {
            event = event.by(user, role);
        }
        audit::append(&mut tx, &event, Some(self.keys()?.audit_signer())).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every published version, newest version of each key first.
    pub async fn instruments(&self) -> Result<Vec<StoredInstrument>, StoreError> {
        let rows = sqlx::query(
            "SELECT key, version, content_hash, source, status, shipped, published_at FROM instruments \
             ORDER BY key, version DESC",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(stored_instrument).collect()
    }

    /// One version, or with `version` None the newest one that is not retired.
    pub async fn instrument(
        &self,
        key: &str,
        version: Option<u32>,
    ) -> Result<Option<StoredInstrument>, StoreError> {
        let row = match version {
            Some(v) => sqlx::query(
                "SELECT key, version, content_hash, source, status, shipped, published_at FROM instruments \
                 WHERE key = $1 AND version = $2",
            )
            .bind(key.to_owned())
            .bind(i64::from(v)),
            None => sqlx::query(
                "SELECT key, version, content_hash, source, status, shipped, published_at FROM instruments \
                 WHERE key = $1 AND status <> 'retired' ORDER BY version DESC LIMIT 1",
            )
            .bind(key.to_owned()),
        }
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(stored_instrument).transpose()
    }

    /// Starts an interview; its answers are saved as they come, so it can be resumed.
    pub async fn start_screening(&self, screener: Screener<'_>) -> Result<String, StoreError> {
        let id = uuid::Uuid::now_v7().to_string();
        let now = now_ms();
        let answers = self.seal_json(&id, "answers", &BTreeMap::<String, String>::new())?;
        let mut tx = self.begin_write().await?;
        insert_screening(
            &mut tx,
            &id,
            &screener,
            ScreeningState::InProgress,
            &answers,
            now,
        )
        .await?;
        self.audit_screening(
            &mut tx,
            "screening.start",
            (screener.user, screener.role),
            &id,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Replaces the answers of an interview in progress (its screener only).
    pub async fn save_screening_answers(
        &self,
        id: &str,
        by: UserId,
        answers: &BTreeMap<String, String>,
    ) -> Result<(), StoreError> {
        let sealed = self.seal_json(id, "answers", answers)?;
        let changed = sqlx::query(
            "UPDATE screenings SET answers = $3, updated_at = $4 \
             WHERE id = $1 AND created_by = $2 AND state = 'in_progress'",
        )
        .bind(id.to_owned())
        .bind(by.to_string())
        .bind(sealed)
        .bind(now_ms())
        .execute(self.pool())
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::Conflict("screening_not_in_progress"));
        }
        Ok(())
    }

    /// Completes an interview with its evaluation. Completing twice is refused: a result
    /// is never rescored in place.
    pub async fn complete_screening(
        &self,
        id: &str,
        by: (UserId, Role),
        evaluation: &Evaluation,
    ) -> Result<(), StoreError> {
        let answers = self.seal_json(id, "answers", &evaluation.answers)?;
        let sealed = self.seal_json(id, "evaluation", evaluation)?;
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query(
            "UPDATE screenings SET state = 'complete', answers = $3, evaluation = $4, engine_version = $5, \
             band = $6, safety_alert = $7, updated_at = $8, completed_at = $8 \
             WHERE id = $1 AND created_by = $2 AND state = 'in_progress'",
        )
        .bind(id.to_owned())
        .bind(by.0.to_string())
        .bind(answers)
        .bind(sealed)
        .bind(i64::from(ENGINE_VERSION))
        .bind(i64::from(evaluation.band))
        .bind(i64::from(evaluation.safety_alert))
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::Conflict("screening_not_in_progress"));
        }
        self.audit_screening(&mut tx, "screening.complete", (by.0, by.1), id)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Stores a complete screening in one step (the API), optionally as the re-evaluation
    /// of an earlier one. Returns its id.
    pub async fn record_screening(
        &self,
        screener: Screener<'_>,
        evaluation: &Evaluation,
        rescore_of: Option<&str>,
    ) -> Result<String, StoreError> {
        let id = uuid::Uuid::now_v7().to_string();
        let now = now_ms();
        let answers = self.seal_json(&id, "answers", &evaluation.answers)?;
        let sealed = self.seal_json(&id, "evaluation", evaluation)?;
        let mut tx = self.begin_write().await?;
        insert_screening(
            &mut tx,
            &id,
            &screener,
            ScreeningState::Complete,
            &answers,
            now,
        )
        .await?;
        sqlx::query(
            "UPDATE screenings SET evaluation = $2, engine_version = $3, band = $4, safety_alert = $5, \
             completed_at = $6, rescore_of = $7 WHERE id = $1",
        )
        .bind(id.clone())
        .bind(sealed)
        .bind(i64::from(ENGINE_VERSION))
        .bind(i64::from(evaluation.band))
        .bind(i64::from(evaluation.safety_alert))
        .bind(now)
        .bind(rescore_of.map(str::to_owned))
        .execute(&mut *tx)
        .await?;
        self.audit_screening(
            &mut tx,
            "screening.complete",
            (screener.user, screener.role),
            &id,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Opens one screening for a reader the caller has authorized; the read is audited.
    pub async fn screening(
        &self,
        id: &str,
        reader: (UserId, Role),
    ) -> Result<Option<Screening>, StoreError> {
        let Some(row) = sqlx::query(
            "SELECT id, instrument_key, instrument_version, content_hash, state, language, answers, evaluation, \
             screener_role, created_by, rescore_of, created_at, updated_at, completed_at FROM screenings WHERE id = $1",
        )
        .bind(id.to_owned())
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        let screening = self.screening_from_row(&row)?;
        self.audit(
            &AuditEvent::new("screening.read", "screening", Outcome::Success)
                .by(reader.0, reader.1)
                .target(id),
        )
        .await?;
        Ok(Some(screening))
    }

    /// Who ran a screening, to decide whether a reader may open it (no audit: no content).
    pub async fn screening_owner(&self, id: &str) -> Result<Option<UserId>, StoreError> {
        let row = sqlx::query("SELECT created_by FROM screenings WHERE id = $1")
            .bind(id.to_owned())
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| {
            r.try_get::<String, _>("created_by")?
                .parse()
                .map_err(|_| StoreError::Corrupt("screening owner".into()))
        })
        .transpose()
    }

    /// A screener's own screenings, newest first.
    pub async fn screenings_by(
        &self,
        user: UserId,
        limit: i64,
    ) -> Result<Vec<ScreeningSummary>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, instrument_key, instrument_version, state, band, safety_alert, updated_at FROM screenings \
             WHERE created_by = $1 ORDER BY updated_at DESC, id DESC LIMIT $2",
        )
        .bind(user.to_string())
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ScreeningSummary {
                    id: row.try_get("id")?,
                    instrument_key: row.try_get("instrument_key")?,
                    instrument_version: version_of(row)?,
                    state: state_of(row)?,
                    band: row
                        .try_get::<Option<i64>, _>("band")?
                        .and_then(|b| u8::try_from(b).ok()),
                    safety_alert: row.try_get::<Option<i64>, _>("safety_alert")?.unwrap_or(0) != 0,
                    updated_at: row.try_get("updated_at")?,
                })
            })
            .collect()
    }

    /// Deletes an interview in progress (its screener only); complete results are kept.
    pub async fn discard_screening(&self, id: &str, by: (UserId, Role)) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query(
            "DELETE FROM screenings WHERE id = $1 AND created_by = $2 AND state = 'in_progress'",
        )
        .bind(id.to_owned())
        .bind(by.0.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::Conflict("screening_not_in_progress"));
        }
        self.audit_screening(&mut tx, "screening.discard", (by.0, by.1), id)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn audit_screening(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        action: &'static str,
        by: (UserId, Role),
        id: &str,
    ) -> Result<(), StoreError> {
        let event = AuditEvent::new(action, "screening", Outcome::Success)
            .by(by.0, by.1)
            .target(id);
        audit::append(tx, &event, Some(self.keys()?.audit_signer())).await
    }

    fn seal_json<T: serde::Serialize>(
        &self,
        id: &str,
        column: &'static str,
        value: &T,
    ) -> Result<String, StoreError> {
        let json = serde_json::to_vec(value).map_err(|e| StoreError::Invalid(e.to_string()))?;
        Ok(encode_hex(&self.keys()?.secrets().seal(
            &json,
            "screenings",
            column,
            id,
        )))
    }

    fn open_json<T: serde::de::DeserializeOwned>(
        &self,
        id: &str,
        column: &'static str,
        sealed_hex: &str,
    ) -> Result<T, StoreError> {
        let sealed =
            decode_hex(sealed_hex).ok_or_else(|| StoreError::Corrupt("sealed screening".into()))?;
        let version = mosaique_crypto::sealed_key_version(&sealed)
            .ok_or_else(|| StoreError::Corrupt("sealed screening".into()))?;
        let plain =
            self.keys()?
                .secrets_version(version)?
                .open(&sealed, "screenings", column, id)?;
        serde_json::from_slice(&plain).map_err(|_| StoreError::Corrupt("sealed screening".into()))
    }

    fn screening_from_row(&self, row: &AnyRow) -> Result<Screening, StoreError> {
        let id: String = row.try_get("id")?;
        let answers = self.open_json(&id, "answers", &row.try_get::<String, _>("answers")?)?;
        let evaluation = match row.try_get::<Option<String>, _>("evaluation")? {
            Some(sealed) => Some(self.open_json(&id, "evaluation", &sealed)?),
            None => None,
        };
        let corrupt = |what: &str| StoreError::Corrupt(format!("screening {what}"));
        Ok(Screening {
            instrument_key: row.try_get("instrument_key")?,
            instrument_version: version_of(row)?,
            content_hash: row.try_get("content_hash")?,
            state: state_of(row)?,
            language: row
                .try_get::<String, _>("language")?
                .parse()
                .map_err(|_| corrupt("language"))?,
            answers,
            evaluation,
            screener_role: row
                .try_get::<String, _>("screener_role")?
                .parse()
                .map_err(|_| corrupt("role"))?,
            created_by: row
                .try_get::<String, _>("created_by")?
                .parse()
                .map_err(|_| corrupt("owner"))?,
            rescore_of: row.try_get("rescore_of")?,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
            completed_at: row.try_get("completed_at")?,
            id,
        })
    }
}

async fn insert_screening(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: &str,
    screener: &Screener<'_>,
    state: ScreeningState,
    sealed_answers: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO screenings (id, instrument_key, instrument_version, content_hash, state, language, answers, \
         screener_role, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
    )
    .bind(id.to_owned())
    .bind(screener.instrument.key().to_owned())
    .bind(i64::from(screener.instrument.version()))
    .bind(screener.instrument.content_hash().to_owned())
    .bind(state.key())
    .bind(screener.language.code())
    .bind(sealed_answers.to_owned())
    .bind(screener.role.key())
    .bind(screener.user.to_string())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn version_of(row: &AnyRow) -> Result<u32, StoreError> {
    u32::try_from(row.try_get::<i64, _>("instrument_version")?)
        .map_err(|_| StoreError::Corrupt("instrument version".into()))
}

fn state_of(row: &AnyRow) -> Result<ScreeningState, StoreError> {
    match row.try_get::<String, _>("state")?.as_str() {
        "in_progress" => Ok(ScreeningState::InProgress),
        "complete" => Ok(ScreeningState::Complete),
        _ => Err(StoreError::Corrupt("screening state".into())),
    }
}

fn stored_instrument(row: &AnyRow) -> Result<StoredInstrument, StoreError> {
    let key: String = row.try_get("key")?;
    let source: String = row.try_get("source")?;
    let stored_hash: String = row.try_get("content_hash")?;
    let instrument = Instrument::parse(&source, Syntax::Json)
        .map_err(|_| StoreError::Corrupt(format!("instrument {key} no longer parses")))?;
    // A published version never changes: refuse one whose content no longer matches.
    if instrument.content_hash() != stored_hash {
        return Err(StoreError::Corrupt(format!(
            "instrument {key} was modified"
        )));
    }
    Ok(StoredInstrument {
        instrument,
        status: InstrumentStatus::parse(&row.try_get::<String, _>("status")?)
            .ok_or_else(|| StoreError::Corrupt("instrument status".into()))?,
        shipped: row.try_get::<i64, _>("shipped")? != 0,
        published_at: row.try_get("published_at")?,
    })
}

#[cfg(test)]
mod tests {
    use mosaique_domain::screening::evaluate;
    use mosaique_domain::screening::shipped::shipped;

    use super::*;
    use crate::db_test;
    use crate::users::NewUser;

    async fn screener_account(db: &Db) -> UserId {
        let new = NewUser {
            email: "intervenante@exemple.org".into(),
            display_name: "Intervenante".into(),
            role: Role::Coordinator,
            org_id: None,
            is_demo: false,
        };
        db.create_user(&new, None).await.unwrap().id
    }

    db_test!(a_published_version_never_changes, |db| {
        let instruments = shipped().unwrap();
        assert_eq!(
            db.publish_shipped_instruments(&instruments).await.unwrap(),
            2
        );
        assert_eq!(
            db.publish_shipped_instruments(&instruments).await.unwrap(),
            0
        );
        // Other content under the same key and version is refused.
        let mut edited = instruments[0].file().clone();
        edited.title.en.push_str(" (edited)");
        let edited = Instrument::from_file(edited).unwrap();
        assert!(matches!(
            db.publish_instrument(&edited, InstrumentStatus::Active, false, None)
                .await,
            Err(StoreError::Conflict("instrument_version"))
        ));
        // The next version is accepted and becomes the one new screenings use.
        let mut next = instruments[0].file().clone();
        next.version = 2;
        let next = Instrument::from_file(next).unwrap();
        assert_eq!(
            db.publish_instrument(&next, InstrumentStatus::Pilot, false, None)
                .await
                .unwrap(),
            Published::New
        );
        let current = db
            .instrument("reperage-rapide", None)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (current.instrument.version(), current.status),
            (2, InstrumentStatus::Pilot)
        );
        db.set_instrument_status("reperage-rapide", 2, InstrumentStatus::Retired, None)
            .await
            .unwrap();
        let current = db
            .instrument("reperage-rapide", None)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(current.instrument.version(), 1);
        // A stored version edited behind the application's back is refused on load.
        sqlx::query("UPDATE instruments SET source = replace(source, 'Repérage', 'Reperage') WHERE version = 1")
            .execute(db.pool())
            .await
            .unwrap();
        assert!(matches!(
            db.instrument("reperage-rapide", Some(1)).await,
            Err(StoreError::Corrupt(_))
        ));
    });

    db_test!(
        an_interview_is_saved_resumed_completed_once_and_sealed,
        |db| {
            let instruments = shipped().unwrap();
            db.publish_shipped_instruments(&instruments).await.unwrap();
            let user = screener_account(&db).await;
            let screener = Screener {
                user,
                role: Role::Coordinator,
                language: Language::En,
                instrument: &instruments[0],
            };
            let id = db.start_screening(screener).await.unwrap();
            let answers = BTreeMap::from([("danger_now".to_owned(), "yes".to_owned())]);
            db.save_screening_answers(&id, user, &answers)
                .await
                .unwrap();
            // Someone else cannot write into it.
            assert!(
                db.save_screening_answers(&id, UserId::new(), &answers)
                    .await
                    .is_err()
            );
            let resumed = db
                .screening(&id, (user, Role::Coordinator))
                .await
                .unwrap()
                .unwrap();
            assert_eq!(resumed.answers, answers);
            assert_eq!(resumed.state, ScreeningState::InProgress);

            // At rest, neither question keys nor answers are readable.
            let raw: String = sqlx::query("SELECT answers FROM screenings WHERE id = $1")
                .bind(id.clone())
                .fetch_one(db.pool())
                .await
                .unwrap()
                .try_get("answers")
                .unwrap();
            assert!(!raw.contains("danger") && !raw.contains("yes"));

            let evaluation = evaluate(&instruments[0], &answers).unwrap();
            db.complete_screening(&id, (user, Role::Coordinator), &evaluation)
                .await
                .unwrap();
            assert!(matches!(
                db.complete_screening(&id, (user, Role::Coordinator), &evaluation)
                    .await,
                Err(StoreError::Conflict(_))
            ));
            assert!(
                db.discard_screening(&id, (user, Role::Coordinator))
                    .await
                    .is_err()
            );
            let done = db
                .screening(&id, (user, Role::Coordinator))
                .await
                .unwrap()
                .unwrap();
            assert_eq!(done.evaluation, Some(evaluation.clone()));
            assert!(evaluation.safety_alert);
            let list = db.screenings_by(user, 10).await.unwrap();
            assert_eq!(list.len(), 1);
            assert!(list[0].safety_alert);
            // Every step is in the audit trail.
            let actions: Vec<String> = db
                .audit_entries(Some(("screening", &id)), None, 10)
                .await
                .unwrap()
                .into_iter()
                .map(|e| e.action)
                .collect();
            for action in ["screening.start", "screening.complete", "screening.read"] {
                assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
            }
        }
    );
}
