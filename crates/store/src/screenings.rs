//! Screening instruments and screenings. Instrument versions are immutable: a stored
//! version is re-hashed on every load and refused if it changed. Screenings name no
//! person; their answers and evaluation are sealed. Every read and write of a screening
//! takes a permit, and a lifecycle step is written with a compare-and-set on the state and
//! version it was read at.

use std::collections::BTreeMap;

use mosaique_domain::audit::{AuditEvent, Outcome};
use mosaique_domain::policy::Permit;
use mosaique_domain::policy::screening::{
    InstrumentAction, Instruments, Screening as ScreeningResource, ScreeningAction,
    ScreeningListAction, ScreeningsOf,
};
use mosaique_domain::screening::{
    ENGINE_VERSION, Evaluation, Instrument, InstrumentStatus, PublishedInstrument, Screening,
    ScreeningEvent, ScreeningState, ScreeningSummary, Step, Syntax, Transition,
};
use mosaique_domain::{Language, ScreeningId, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::keys::Keys;
use crate::permits::{require, user};
use crate::{Db, StoreError, Tx, now_ms};

/// What publishing did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    New,
    /// The same content was already published under this key and version.
    AlreadyThere,
}

/// A lifecycle step's payload: what the step writes besides the new state.
#[derive(Debug, Clone, Copy)]
pub enum StepData<'a> {
    /// The interview's answers so far (an answer step).
    Answers(&'a BTreeMap<String, String>),
    /// The result (the completing step), with the answers it was scored on.
    Result(&'a Evaluation),
    /// Nothing (a discarded interview is deleted).
    None,
}

const SCREENING_COLUMNS: &str = "id, instrument_key, instrument_version, content_hash, state, version, \
     language, answers, evaluation, screener_role, created_by, case_id, rescore_of, created_at, updated_at, \
     completed_at";

impl Db {
    /// Every published version, newest version of each key first.
    pub async fn instruments(&self) -> Result<Vec<PublishedInstrument>, StoreError> {
        let rows = sqlx::query(
            "SELECT key, version, content_hash, source, status, shipped, published_at FROM instruments \
             ORDER BY key, version DESC",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(published_instrument).collect()
    }

    /// One version, or with `version` None the newest one that is not retired.
    pub async fn instrument(
        &self,
        key: &str,
        version: Option<u32>,
    ) -> Result<Option<PublishedInstrument>, StoreError> {
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
        row.as_ref().map(published_instrument).transpose()
    }

    /// Who ran a screening: the fact the policy decides on (no content, so no audit).
    pub async fn screening_owner(&self, id: ScreeningId) -> Result<Option<UserId>, StoreError> {
        let row = sqlx::query("SELECT created_by FROM screenings WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| parse_id::<UserId>(&r, "created_by"))
            .transpose()
    }
}

impl Tx {
    /// Publishes a version. Publishing the same content again is a no-op; different content
    /// under a published key and version is refused: a published version never changes.
    pub async fn publish_instrument(
        &mut self,
        permit: &Permit<Instruments>,
        instrument: &Instrument,
        status: InstrumentStatus,
        shipped: bool,
    ) -> Result<Published, StoreError> {
        require(permit, &[InstrumentAction::Publish])?;
        let existing =
            sqlx::query("SELECT content_hash FROM instruments WHERE key = $1 AND version = $2")
                .bind(instrument.key().to_owned())
                .bind(i64::from(instrument.version()))
                .fetch_optional(self.conn())
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
        .bind(permit.actor().map(|a| a.user_id.to_string()))
        .execute(self.conn())
        .await?;
        let event = permit.audit_event(Outcome::Success).target(format!(
            "{}@{}",
            instrument.key(),
            instrument.version()
        ));
        self.audit(&event).await?;
        Ok(Published::New)
    }

    /// Changes a version's status (pilot, active, retired); `Ok(false)` when there is no
    /// such version.
    pub async fn set_instrument_status(
        &mut self,
        permit: &Permit<Instruments>,
        key: &str,
        version: u32,
        status: InstrumentStatus,
    ) -> Result<bool, StoreError> {
        require(permit, &[InstrumentAction::Publish])?;
        let changed =
            sqlx::query("UPDATE instruments SET status = $3 WHERE key = $1 AND version = $2")
                .bind(key.to_owned())
                .bind(i64::from(version))
                .bind(status.key())
                .execute(self.conn())
                .await?
                .rows_affected();
        if changed == 0 {
            return Ok(false);
        }
        let event = AuditEvent::new("instrument.status", "instrument", Outcome::Success)
            .by_maybe(permit.who().audit_actor())
            .target(format!("{key}@{version}"))
            .because(status.key());
        self.audit(&event).await?;
        Ok(true)
    }

    /// Starts an interview; its answers are saved as they come, so it can be resumed.
    pub async fn start_screening(
        &mut self,
        permit: &Permit<Instruments>,
        language: Language,
        instrument: &Instrument,
    ) -> Result<ScreeningId, StoreError> {
        require(permit, &[InstrumentAction::Screen])?;
        let id = ScreeningId::new();
        let answers = self.keys()?.seal_json(
            "screenings",
            "answers",
            &id.to_string(),
            &BTreeMap::<String, String>::new(),
        )?;
        self.insert_screening(
            permit,
            id,
            language,
            instrument,
            ScreeningState::InProgress,
            &answers,
        )
        .await?;
        let event = AuditEvent::new("screening.start", "screening", Outcome::Success)
            .by_maybe(permit.who().audit_actor())
            .target(id);
        self.audit(&event).await?;
        Ok(id)
    }

    /// Stores a complete screening in one step (the API). Returns its id.
    pub async fn record_screening(
        &mut self,
        permit: &Permit<Instruments>,
        language: Language,
        instrument: &Instrument,
        evaluation: &Evaluation,
    ) -> Result<ScreeningId, StoreError> {
        require(permit, &[InstrumentAction::Screen])?;
        let id = ScreeningId::new();
        let keys = self.keys()?;
        let answers = keys.seal_json(
            "screenings",
            "answers",
            &id.to_string(),
            &evaluation.answers,
        )?;
        let sealed = keys.seal_json("screenings", "evaluation", &id.to_string(), evaluation)?;
        self.insert_screening(
            permit,
            id,
            language,
            instrument,
            ScreeningState::Complete,
            &answers,
        )
        .await?;
        sqlx::query(
            "UPDATE screenings SET evaluation = $2, engine_version = $3, band = $4, safety_alert = $5, \
             completed_at = updated_at WHERE id = $1",
        )
        .bind(id.to_string())
        .bind(sealed)
        .bind(i64::from(ENGINE_VERSION))
        .bind(i64::from(evaluation.band))
        .bind(i64::from(evaluation.safety_alert))
        .execute(self.conn())
        .await?;
        let event = AuditEvent::new("screening.complete", "screening", Outcome::Success)
            .by_maybe(permit.who().audit_actor())
            .target(id);
        self.audit(&event).await?;
        Ok(id)
    }

    async fn insert_screening(
        &mut self,
        permit: &Permit<Instruments>,
        id: ScreeningId,
        language: Language,
        instrument: &Instrument,
        state: ScreeningState,
        sealed_answers: &str,
    ) -> Result<(), StoreError> {
        let screener = user(permit)?;
        let (user_id, role) = (screener.user_id, screener.role);
        sqlx::query(
            "INSERT INTO screenings (id, instrument_key, instrument_version, content_hash, state, language, answers, \
             screener_role, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
        )
        .bind(id.to_string())
        .bind(instrument.key().to_owned())
        .bind(i64::from(instrument.version()))
        .bind(instrument.content_hash().to_owned())
        .bind(state.key())
        .bind(language.code())
        .bind(sealed_answers.to_owned())
        .bind(role.key())
        .bind(user_id.to_string())
        .bind(now_ms())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Opens the screening the permit names; the read is audited (`screening.read`), in the
    /// transaction of whatever the reader goes on to do.
    pub async fn screening(
        &mut self,
        permit: &Permit<ScreeningResource>,
    ) -> Result<Option<Screening>, StoreError> {
        let id = permit.resource().id;
        let Some(row) = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SCREENING_COLUMNS} FROM screenings WHERE id = $1"
        )))
        .bind(id.to_string())
        .fetch_optional(self.conn())
        .await?
        else {
            return Ok(None);
        };
        let screening = screening_from_row(self.keys()?, &row)?;
        if screening.created_by != permit.resource().created_by {
            // The permit was decided on other facts than the row holds: refuse.
            return Err(StoreError::WrongPermit("screening"));
        }
        // Opened is read, whatever the reader goes on to do (which is audited as it is done).
        let event = AuditEvent {
            action: "screening.read",
            ..permit.audit_event(Outcome::Success)
        };
        self.audit(&event).await?;
        Ok(Some(screening))
    }

    /// Writes one lifecycle step of the interview the permit names, if it is still at the
    /// state and version it was read at; [`StoreError::Stale`] if another change won.
    pub async fn step_screening(
        &mut self,
        permit: &Permit<ScreeningResource>,
        read_at_version: i64,
        step: Step,
        data: StepData<'_>,
    ) -> Result<(), StoreError> {
        let action = match step.event() {
            ScreeningEvent::Answer => ScreeningAction::Answer,
            ScreeningEvent::Complete => ScreeningAction::Complete,
            ScreeningEvent::Discard => ScreeningAction::Discard,
        };
        require(permit, &[action])?;
        let id = permit.resource().id.to_string();
        let now = now_ms();
        let keys = self.keys()?;
        let changed = match (step.to(), data) {
            (Transition::To(state), StepData::Answers(answers)) => {
                let sealed = keys.seal_json("screenings", "answers", &id, answers)?;
                sqlx::query(
                    "UPDATE screenings SET state = $4, answers = $5, version = version + 1, updated_at = $6 \
                     WHERE id = $1 AND state = $2 AND version = $3",
                )
                .bind(id.clone())
                .bind(step.from().key())
                .bind(read_at_version)
                .bind(state.key())
                .bind(sealed)
                .bind(now)
                .execute(self.conn())
                .await?
            }
            (Transition::To(state), StepData::Result(evaluation)) => {
                let answers = keys.seal_json("screenings", "answers", &id, &evaluation.answers)?;
                let sealed = keys.seal_json("screenings", "evaluation", &id, evaluation)?;
                sqlx::query(
                    "UPDATE screenings SET state = $4, answers = $5, evaluation = $6, engine_version = $7, \
                     band = $8, safety_alert = $9, version = version + 1, updated_at = $10, completed_at = $10 \
                     WHERE id = $1 AND state = $2 AND version = $3",
                )
                .bind(id.clone())
                .bind(step.from().key())
                .bind(read_at_version)
                .bind(state.key())
                .bind(answers)
                .bind(sealed)
                .bind(i64::from(ENGINE_VERSION))
                .bind(i64::from(evaluation.band))
                .bind(i64::from(evaluation.safety_alert))
                .bind(now)
                .execute(self.conn())
                .await?
            }
            (Transition::Removed, StepData::None) => {
                sqlx::query("DELETE FROM screenings WHERE id = $1 AND state = $2 AND version = $3")
                    .bind(id.clone())
                    .bind(step.from().key())
                    .bind(read_at_version)
                    .execute(self.conn())
                    .await?
            }
            _ => return Err(StoreError::Invalid("a screening step with the wrong data".into())),
        }
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::Stale);
        }
        self.audit(&permit.audit_event(Outcome::Success)).await?;
        Ok(())
    }

    /// Attaches a complete screening its screener ran to a case whose `screening` category
    /// they write. [`StoreError::Stale`] if it is attached already or not complete.
    pub async fn attach_screening(
        &mut self,
        case: &Permit<mosaique_domain::policy::case::Case>,
        screening: &Permit<ScreeningResource>,
    ) -> Result<(), StoreError> {
        use mosaique_domain::case::DataCategory;
        use mosaique_domain::policy::case::CaseAction;
        require(case, &[CaseAction::Write(DataCategory::Screening)])?;
        require(screening, &[ScreeningAction::Read])?;
        let attached = sqlx::query(
            "UPDATE screenings SET case_id = $2 WHERE id = $1 AND created_by = $3 \
             AND state = 'complete' AND case_id IS NULL",
        )
        .bind(screening.resource().id.to_string())
        .bind(case.resource().id.to_string())
        .bind(screening.resource().created_by.to_string())
        .execute(self.conn())
        .await?
        .rows_affected();
        if attached == 0 {
            return Err(StoreError::Stale);
        }
        self.touch(case, now_ms()).await
    }

    /// The screenings attached to a case, in the order they were completed (no answers).
    pub(crate) async fn case_screenings(
        &mut self,
        case: mosaique_domain::CaseId,
    ) -> Result<Vec<ScreeningSummary>, StoreError> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM screenings WHERE case_id = $1 \
             ORDER BY completed_at, id"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(case.to_string())
            .fetch_all(self.conn())
            .await?
            .iter()
            .map(summary_from_row)
            .collect()
    }

    /// The screenings one screener ran, newest first (no answers). The list is audited.
    pub async fn screenings_of(
        &mut self,
        permit: &Permit<ScreeningsOf>,
        limit: i64,
    ) -> Result<Vec<ScreeningSummary>, StoreError> {
        require(permit, &[ScreeningListAction::List])?;
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM screenings WHERE created_by = $1 \
             ORDER BY updated_at DESC, id DESC LIMIT $2"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(permit.resource().screener.to_string())
            .bind(limit)
            .fetch_all(self.conn())
            .await?;
        let list = rows
            .iter()
            .map(summary_from_row)
            .collect::<Result<Vec<_>, StoreError>>()?;
        self.audit(&permit.audit_event(Outcome::Success)).await?;
        Ok(list)
    }
}

fn parse_id<T: std::str::FromStr>(row: &AnyRow, column: &str) -> Result<T, StoreError> {
    row.try_get::<String, _>(column)?
        .parse()
        .map_err(|_| StoreError::Corrupt(format!("screening {column}")))
}

/// The columns [`summary_from_row`] reads.
pub(crate) const SUMMARY_COLUMNS: &str =
    "id, instrument_key, instrument_version, state, band, safety_alert, updated_at";

pub(crate) fn summary_from_row(row: &AnyRow) -> Result<ScreeningSummary, StoreError> {
    Ok(ScreeningSummary {
        id: parse_id(row, "id")?,
        instrument_key: row.try_get("instrument_key")?,
        instrument_version: version_of(row)?,
        state: state_of(row)?,
        band: row
            .try_get::<Option<i64>, _>("band")?
            .and_then(|b| u8::try_from(b).ok()),
        safety_alert: row.try_get::<Option<i64>, _>("safety_alert")?.unwrap_or(0) != 0,
        updated_at: row.try_get("updated_at")?,
    })
}

fn screening_from_row(keys: &Keys, row: &AnyRow) -> Result<Screening, StoreError> {
    let id: String = row.try_get("id")?;
    let answers = keys.open_json(
        "screenings",
        "answers",
        &id,
        &row.try_get::<String, _>("answers")?,
    )?;
    let evaluation = match row.try_get::<Option<String>, _>("evaluation")? {
        Some(sealed) => Some(keys.open_json("screenings", "evaluation", &id, &sealed)?),
        None => None,
    };
    let corrupt = |what: &str| StoreError::Corrupt(format!("screening {what}"));
    Ok(Screening {
        id: id.parse().map_err(|_| corrupt("id"))?,
        instrument_key: row.try_get("instrument_key")?,
        instrument_version: version_of(row)?,
        content_hash: row.try_get("content_hash")?,
        state: state_of(row)?,
        version: row.try_get("version")?,
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
        created_by: parse_id(row, "created_by")?,
        case_id: row
            .try_get::<Option<String>, _>("case_id")?
            .map(|c| c.parse().map_err(|_| corrupt("case_id")))
            .transpose()?,
        rescore_of: row
            .try_get::<Option<String>, _>("rescore_of")?
            .map(|r| r.parse().map_err(|_| corrupt("rescore_of")))
            .transpose()?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        completed_at: row.try_get("completed_at")?,
    })
}

fn version_of(row: &AnyRow) -> Result<u32, StoreError> {
    u32::try_from(row.try_get::<i64, _>("instrument_version")?)
        .map_err(|_| StoreError::Corrupt("instrument version".into()))
}

fn state_of(row: &AnyRow) -> Result<ScreeningState, StoreError> {
    ScreeningState::parse(&row.try_get::<String, _>("state")?)
        .ok_or_else(|| StoreError::Corrupt("screening state".into()))
}

fn published_instrument(row: &AnyRow) -> Result<PublishedInstrument, StoreError> {
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
    Ok(PublishedInstrument {
        instrument,
        status: InstrumentStatus::parse(&row.try_get::<String, _>("status")?)
            .ok_or_else(|| StoreError::Corrupt("instrument status".into()))?,
        shipped: row.try_get::<i64, _>("shipped")? != 0,
        published_at: row.try_get("published_at")?,
    })
}

#[cfg(test)]
mod tests {
    use mosaique_domain::policy::Principal;
    use mosaique_domain::screening::shipped::shipped;
    use mosaique_domain::screening::{ScreeningRefusal, evaluate, transition};
    use mosaique_domain::{Role, User};

    use super::*;
    use crate::db_test;
    use crate::testing::{permit, publish_shipped, signed_in, test_user};

    async fn publish(
        db: &Db,
        instrument: &Instrument,
        status: InstrumentStatus,
    ) -> Result<Published, StoreError> {
        let mut tx = db.begin().await?;
        let publish = permit(&Principal::Operator, InstrumentAction::Publish, Instruments);
        let done = tx
            .publish_instrument(&publish, instrument, status, false)
            .await?;
        tx.commit().await?;
        Ok(done)
    }

    async fn start(db: &Db, screener: &User, instrument: &Instrument) -> ScreeningId {
        let mut tx = db.begin().await.unwrap();
        let screen = permit(&signed_in(screener), InstrumentAction::Screen, Instruments);
        let id = tx
            .start_screening(&screen, Language::En, instrument)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        id
    }

    /// An organization for staff roles to belong to.
    async fn org(db: &Db) -> mosaique_domain::OrgId {
        crate::testing::test_org(db, None).await
    }

    fn resource(id: ScreeningId, screener: &User) -> ScreeningResource {
        ScreeningResource {
            id,
            created_by: screener.id,
        }
    }

    /// Reads the screening with `action`'s permit, and writes `event` from what was read.
    async fn step(
        db: &Db,
        screener: &User,
        id: ScreeningId,
        event: ScreeningEvent,
        data: StepData<'_>,
    ) -> Result<(), StoreError> {
        let action = match event {
            ScreeningEvent::Answer => ScreeningAction::Answer,
            ScreeningEvent::Complete => ScreeningAction::Complete,
            ScreeningEvent::Discard => ScreeningAction::Discard,
        };
        let granted = permit(&signed_in(screener), action, resource(id, screener));
        let mut tx = db.begin().await?;
        let read = tx.screening(&granted).await?.ok_or(StoreError::Stale)?;
        let next = transition(read.state, event).map_err(|_| StoreError::Stale)?;
        tx.step_screening(&granted, read.version, next, data)
            .await?;
        tx.commit().await
    }

    db_test!(a_published_version_never_changes, |db| {
        let instruments = shipped().unwrap();
        publish_shipped(&db).await;
        // Other content under the same key and version is refused.
        let mut edited = instruments[0].file().clone();
        edited.title.en.push_str(" (edited)");
        let edited = Instrument::from_file(edited).unwrap();
        assert!(matches!(
            publish(&db, &edited, InstrumentStatus::Active).await,
            Err(StoreError::Conflict("instrument_version"))
        ));
        // The same content again is a no-op.
        assert_eq!(
            publish(&db, &instruments[0], InstrumentStatus::Active)
                .await
                .unwrap(),
            Published::AlreadyThere
        );
        // The next version is accepted and becomes the one new screenings use.
        let mut next = instruments[0].file().clone();
        next.version = 3;
        let next = Instrument::from_file(next).unwrap();
        assert_eq!(
            publish(&db, &next, InstrumentStatus::Pilot).await.unwrap(),
            Published::New
        );
        let current = db
            .instrument("reperage-rapide", None)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (current.instrument.version(), current.status),
            (3, InstrumentStatus::Pilot)
        );
        let mut tx = db.begin().await.unwrap();
        let retire = permit(&Principal::Operator, InstrumentAction::Publish, Instruments);
        assert!(
            tx.set_instrument_status(&retire, "reperage-rapide", 3, InstrumentStatus::Retired)
                .await
                .unwrap()
        );
        assert!(
            !tx.set_instrument_status(&retire, "reperage-rapide", 9, InstrumentStatus::Retired)
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();
        let current = db
            .instrument("reperage-rapide", None)
            .await
            .unwrap()
            .unwrap();
        // The newest shipped version again.
        assert_eq!(current.instrument.version(), 2);
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
            publish_shipped(&db).await;
            let screener = test_user(&db, Role::Coordinator, None).await;
            let id = start(&db, &screener, &instruments[0]).await;
            let answers = BTreeMap::from([("danger_now".to_owned(), "yes".to_owned())]);
            step(
                &db,
                &screener,
                id,
                ScreeningEvent::Answer,
                StepData::Answers(&answers),
            )
            .await
            .unwrap();
            // A permit names its screening: one for another id reads nothing of this one.
            let reader = permit(
                &signed_in(&screener),
                ScreeningAction::Read,
                resource(id, &screener),
            );
            let mut tx = db.begin().await.unwrap();
            let resumed = tx.screening(&reader).await.unwrap().unwrap();
            tx.commit().await.unwrap();
            assert_eq!(resumed.answers, answers);
            assert_eq!(
                (resumed.state, resumed.version),
                (ScreeningState::InProgress, 1)
            );
            // A permit decided on the wrong owner is refused by the store.
            let other = test_user(&db, Role::PoliceLiaison, Some(org(&db).await)).await;
            let forged = permit(
                &signed_in(&other),
                ScreeningAction::Read,
                resource(id, &other),
            );
            let mut tx = db.begin().await.unwrap();
            assert!(matches!(
                tx.screening(&forged).await,
                Err(StoreError::WrongPermit(_))
            ));
            drop(tx);

            // At rest, neither question keys nor answers are readable.
            let raw: String = sqlx::query("SELECT answers FROM screenings WHERE id = $1")
                .bind(id.to_string())
                .fetch_one(db.pool())
                .await
                .unwrap()
                .try_get("answers")
                .unwrap();
            assert!(!raw.contains("danger") && !raw.contains("yes"));

            let evaluation = evaluate(&instruments[0], &answers).unwrap();
            step(
                &db,
                &screener,
                id,
                ScreeningEvent::Complete,
                StepData::Result(&evaluation),
            )
            .await
            .unwrap();
            // Complete: the lifecycle refuses any further step.
            assert_eq!(
                transition(ScreeningState::Complete, ScreeningEvent::Discard),
                Err(ScreeningRefusal::Closed)
            );
            let mut tx = db.begin().await.unwrap();
            let done = tx.screening(&reader).await.unwrap().unwrap();
            tx.commit().await.unwrap();
            assert_eq!(done.evaluation, Some(evaluation.clone()));
            assert!(evaluation.safety_alert);
            let mut tx = db.begin().await.unwrap();
            let list = permit(
                &signed_in(&screener),
                ScreeningListAction::List,
                ScreeningsOf {
                    screener: screener.id,
                },
            );
            let list = tx.screenings_of(&list, 10).await.unwrap();
            tx.commit().await.unwrap();
            assert_eq!(list.len(), 1);
            assert!(list[0].safety_alert);
            // Every step is in the audit trail.
            let actions: Vec<String> =
                crate::testing::audit_actions(&db, "screening", &id.to_string()).await;
            for action in [
                "screening.start",
                "screening.answer",
                "screening.complete",
                "screening.read",
            ] {
                assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
            }
        }
    );

    db_test!(two_concurrent_steps_cannot_both_win, |db| {
        let instruments = shipped().unwrap();
        publish_shipped(&db).await;
        let screener = test_user(&db, Role::Caseworker, Some(org(&db).await)).await;
        for round in 0..4 {
            let id = start(&db, &screener, &instruments[0]).await;
            // Both read version 0 before either writes: the one that commits second loses.
            let answer = permit(
                &signed_in(&screener),
                ScreeningAction::Answer,
                resource(id, &screener),
            );
            let discard = permit(
                &signed_in(&screener),
                ScreeningAction::Discard,
                resource(id, &screener),
            );
            let a = BTreeMap::from([("danger_now".to_owned(), "no".to_owned())]);
            let first = transition(ScreeningState::InProgress, ScreeningEvent::Answer).unwrap();
            let second = transition(ScreeningState::InProgress, ScreeningEvent::Discard).unwrap();
            let (x, y) = tokio::join!(
                async {
                    let mut tx = db.begin().await?;
                    tx.step_screening(&answer, 0, first, StepData::Answers(&a))
                        .await?;
                    tx.commit().await
                },
                async {
                    let mut tx = db.begin().await?;
                    tx.step_screening(&discard, 0, second, StepData::None)
                        .await?;
                    tx.commit().await
                }
            );
            let wins = [&x, &y].iter().filter(|r| r.is_ok()).count();
            assert_eq!(wins, 1, "round {round}: {x:?} {y:?}");
            let loser = if x.is_err() { x } else { y };
            assert!(
                matches!(loser, Err(StoreError::Stale)),
                "round {round}: {loser:?}"
            );
        }
    });
}
