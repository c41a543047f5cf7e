//! The identification tool's use cases, for the interview pages, the JSON API and the
//! command line alike: the published instruments, starting an interview, answering,
//! completing or discarding it, recording a complete screening in one step, and publishing
//! or retiring an instrument version.

use std::collections::BTreeMap;

use mosaique_domain::case::DataCategory;
use mosaique_domain::policy::Principal;
use mosaique_domain::policy::case::CaseAction;
use mosaique_domain::policy::screening::{
    InstrumentAction, Instruments, Screening as ScreeningResource, ScreeningAction,
    ScreeningListAction, ScreeningsOf,
};
use mosaique_domain::screening::{
    Evaluation, Instrument, InstrumentStatus, PublishedInstrument, Screening, ScreeningEvent,
    ScreeningSummary, evaluate, shown_questions, transition, without_hidden,
};
use mosaique_domain::{CaseId, Language, ScreeningId};
pub use mosaique_store::screenings::Published;
use mosaique_store::screenings::StepData;

use crate::{App, AppError, AppResult, Conflict, Invalid};

/// How many of one's own screenings the home page lists.
const OWN_SCREENINGS: i64 = 50;

/// A screening with the exact instrument version it was given with.
#[derive(Debug, Clone)]
pub struct OpenScreening {
    pub screening: Screening,
    pub instrument: Instrument,
}

/// A complete screening: its result, with what it was scored with.
#[derive(Debug, Clone)]
pub struct ScreeningResult {
    pub id: ScreeningId,
    pub instrument: Instrument,
    pub evaluation: Evaluation,
    pub rescore_of: Option<ScreeningId>,
    pub completed_at: i64,
}

/// What the screening home page shows.
#[derive(Debug, Clone)]
pub struct ScreeningHome {
    /// The newest usable version of each instrument, quick screen first.
    pub usable: Vec<PublishedInstrument>,
    /// Every published version (to name the instrument of an older screening).
    pub published: Vec<PublishedInstrument>,
    /// The reader's own screenings, newest first.
    pub mine: Vec<ScreeningSummary>,
}

/// A complete screening given in one request (the API).
#[derive(Debug, Clone)]
pub struct NewScreening {
    pub instrument: String,
    pub version: u32,
    pub answers: BTreeMap<String, String>,
    /// A case to attach the result to.
    pub case_id: Option<String>,
}

impl App {
    /// Every published instrument version, newest version of each first.
    pub async fn instruments(&self, who: &Principal) -> AppResult<Vec<PublishedInstrument>> {
        self.authorize(who, InstrumentAction::View, Instruments)
            .await?;
        Ok(self.db.instruments().await?)
    }

    /// One version, or (`None`) the newest one that is not retired.
    pub async fn instrument(
        &self,
        who: &Principal,
        key: &str,
        version: Option<u32>,
    ) -> AppResult<PublishedInstrument> {
        self.authorize(who, InstrumentAction::View, Instruments)
            .await?;
        self.db
            .instrument(key, version)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Whether `who` may screen at all: asked before an API request's body is read, so a
    /// role that may not gets "forbidden" whatever it sent.
    pub async fn may_screen(&self, who: &Principal) -> AppResult<()> {
        self.authorize(who, InstrumentAction::Screen, Instruments)
            .await
            .map(|_| ())
    }

    /// The screening home page: the instruments to start with and one's own screenings.
    pub async fn screening_home(&self, who: &Principal) -> AppResult<ScreeningHome> {
        self.may_screen(who).await?;
        let screener = who.actor().map(|a| a.user_id).unwrap_or_default();
        let list = self
            .authorize(who, ScreeningListAction::List, ScreeningsOf { screener })
            .await?;
        let published = self.db.instruments().await?;
        let mut tx = self.db.begin().await?;
        let mine = tx.screenings_of(&list, OWN_SCREENINGS).await?;
        tx.commit().await?;
        Ok(ScreeningHome {
            usable: usable(&published),
            published,
            mine,
        })
    }

    /// Starts an interview with the newest usable version of `key`.
    pub async fn start_screening(
        &self,
        who: &Principal,
        key: &str,
        language: Language,
    ) -> AppResult<ScreeningId> {
        let permit = self
            .authorize(who, InstrumentAction::Screen, Instruments)
            .await?;
        let published = self.db.instruments().await?;
        let Some(chosen) = usable(&published)
            .into_iter()
            .find(|p| p.instrument.key() == key)
        else {
            return Err(AppError::Invalid(Invalid::Instrument));
        };
        let mut tx = self.db.begin().await?;
        let id = tx
            .start_screening(&permit, language, &chosen.instrument)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The permit for `action` on one screening; someone else's answers "not found".
    async fn screening_permit(
        &self,
        who: &Principal,
        action: ScreeningAction,
        id: ScreeningId,
    ) -> AppResult<mosaique_domain::policy::Permit<ScreeningResource>> {
        let created_by = self
            .db
            .screening_owner(id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.authorize(who, action, ScreeningResource { id, created_by })
            .await
    }

    /// The instrument version a screening was given with, exactly (its content hash).
    async fn instrument_of(&self, screening: &Screening) -> AppResult<Instrument> {
        match self
            .db
            .instrument(
                &screening.instrument_key,
                Some(screening.instrument_version),
            )
            .await?
        {
            Some(p) if p.instrument.content_hash() == screening.content_hash => Ok(p.instrument),
            _ => {
                tracing::error!(id = %screening.id, "a screening's instrument version is missing or changed");
                Err(AppError::Internal)
            }
        }
    }

    /// Opens a screening to read it (the interview in progress, or its result). Audited.
    pub async fn open_screening(
        &self,
        who: &Principal,
        id: ScreeningId,
    ) -> AppResult<OpenScreening> {
        let permit = self
            .screening_permit(who, ScreeningAction::Read, id)
            .await?;
        let mut tx = self.db.begin().await?;
        let screening = tx.screening(&permit).await?.ok_or(AppError::NotFound)?;
        tx.commit().await?;
        let instrument = self.instrument_of(&screening).await?;
        Ok(OpenScreening {
            screening,
            instrument,
        })
    }

    /// A complete screening's result (the API); an interview in progress has none yet.
    pub async fn screening_result(
        &self,
        who: &Principal,
        id: ScreeningId,
    ) -> AppResult<ScreeningResult> {
        let open = self.open_screening(who, id).await?;
        let s = open.screening;
        let (Some(evaluation), Some(completed_at)) = (s.evaluation, s.completed_at) else {
            return Err(AppError::Conflict(Conflict::ScreeningInProgress));
        };
        Ok(ScreeningResult {
            id: s.id,
            instrument: open.instrument,
            evaluation,
            rescore_of: s.rescore_of,
            completed_at,
        })
    }

    /// Records one answer of an interview in progress, to a question it shows now.
    pub async fn answer_screening(
        &self,
        who: &Principal,
        id: ScreeningId,
        question: &str,
        value: &str,
    ) -> AppResult<()> {
        self.step(who, id, ScreeningEvent::Answer, |read, instrument| {
            let shown = shown_questions(instrument, &read.answers);
            let Some((asked, _)) = shown.iter().find(|(q, _)| q.key == question) else {
                return Err(AppError::Invalid(Invalid::Question));
            };
            if !asked.values().contains(&value) {
                return Err(AppError::Invalid(Invalid::AnswerValue));
            }
            let mut answers = read.answers.clone();
            answers.insert(question.to_owned(), value.to_owned());
            Ok(Change::Answers(without_hidden(instrument, &answers)))
        })
        .await
    }

    /// Completes an interview with its evaluation. A complete one stays as it was scored.
    pub async fn complete_screening(&self, who: &Principal, id: ScreeningId) -> AppResult<()> {
        self.step(who, id, ScreeningEvent::Complete, |read, instrument| {
            // An interview stored before hidden answers were dropped at each step.
            evaluate(instrument, &without_hidden(instrument, &read.answers))
                .map(|evaluation| Change::Result(Box::new(evaluation)))
                .map_err(|problems| AppError::Invalid(Invalid::Answers(problems)))
        })
        .await
    }

    /// Deletes an interview in progress; a complete result is kept.
    pub async fn discard_screening(&self, who: &Principal, id: ScreeningId) -> AppResult<()> {
        self.step(who, id, ScreeningEvent::Discard, |_, _| Ok(Change::None))
            .await
    }

    /// One lifecycle step, in one transaction: read the interview under the permit for
    /// `event`, ask the lifecycle, work out the change, write it compare-and-set. A refused
    /// step still leaves the read on the audit trail.
    async fn step(
        &self,
        who: &Principal,
        id: ScreeningId,
        event: ScreeningEvent,
        change: impl FnOnce(&Screening, &Instrument) -> AppResult<Change>,
    ) -> AppResult<()> {
        let action = match event {
            ScreeningEvent::Answer => ScreeningAction::Answer,
            ScreeningEvent::Complete => ScreeningAction::Complete,
            ScreeningEvent::Discard => ScreeningAction::Discard,
        };
        let permit = self.screening_permit(who, action, id).await?;
        let mut tx = self.db.begin().await?;
        let read = tx.screening(&permit).await?.ok_or(AppError::NotFound)?;
        let instrument = self.instrument_of(&read).await?;
        let decided = transition(read.state, event)
            .map_err(|_| AppError::Conflict(Conflict::ScreeningClosed))
            .and_then(|step| Ok((step, change(&read, &instrument)?)));
        let (step, change) = match decided {
            Ok(decided) => decided,
            Err(refused) => {
                tx.commit().await?;
                return Err(refused);
            }
        };
        let data = match &change {
            Change::Answers(answers) => StepData::Answers(answers),
            Change::Result(evaluation) => StepData::Result(evaluation),
            Change::None => StepData::None,
        };
        tx.step_screening(&permit, read.version, step, data).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Evaluates answers given all at once with a published version, and stores the result.
    /// An anonymous screening (no case) stores coded answers only.
    pub async fn record_screening(
        &self,
        who: &Principal,
        new: &NewScreening,
        language: Language,
    ) -> AppResult<ScreeningResult> {
        let permit = self
            .authorize(who, InstrumentAction::Screen, Instruments)
            .await?;
        let published = self
            .db
            .instrument(&new.instrument, Some(new.version))
            .await?
            .ok_or(AppError::NotFound)?;
        if published.status == InstrumentStatus::Retired {
            return Err(AppError::Conflict(Conflict::InstrumentRetired));
        }
        // A case to attach it to: one whose `screening` category the screener writes (a
        // case they may not see answers "not found", as a malformed id does).
        let case = match &new.case_id {
            Some(raw) => {
                let case = raw.parse::<CaseId>().map_err(|_| AppError::NotFound)?;
                let action = CaseAction::Write(DataCategory::Screening);
                Some(self.case_permit(who, case, action).await?.0)
            }
            None => None,
        };
        let evaluation = evaluate(&published.instrument, &new.answers)
            .map_err(|problems| AppError::Invalid(Invalid::Answers(problems)))?;
        let mut tx = self.db.begin().await?;
        let id = tx
            .record_screening(&permit, language, &published.instrument, &evaluation)
            .await?;
        if let Some(case) = case {
            let created_by = who.actor().ok_or(AppError::Internal)?.user_id;
            let read = self
                .authorize(
                    who,
                    ScreeningAction::Read,
                    ScreeningResource { id, created_by },
                )
                .await?;
            tx.attach_screening(&case, &read).await?;
        }
        tx.commit().await?;
        Ok(ScreeningResult {
            id,
            instrument: published.instrument,
            evaluation,
            rescore_of: None,
            completed_at: App::now_ms(),
        })
    }

    /// Attaches a complete screening one ran to a case whose `screening` category one
    /// writes: the team then sees its band and alert as consent allows.
    pub async fn attach_screening(
        &self,
        who: &Principal,
        case: CaseId,
        screening: ScreeningId,
    ) -> AppResult<()> {
        let action = CaseAction::Write(DataCategory::Screening);
        let (case, _) = self.case_permit(who, case, action).await?;
        let read = self
            .screening_permit(who, ScreeningAction::Read, screening)
            .await?;
        let mut tx = self.db.begin().await?;
        tx.attach_screening(&case, &read).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Publishes an instrument version; a published version never changes (different
    /// content under the same key and version is a `Conflict`).
    pub async fn publish_instrument(
        &self,
        who: &Principal,
        instrument: &Instrument,
        status: InstrumentStatus,
    ) -> AppResult<Published> {
        let permit = self
            .authorize(who, InstrumentAction::Publish, Instruments)
            .await?;
        let mut tx = self.db.begin().await?;
        let published = tx
            .publish_instrument(&permit, instrument, status, false)
            .await?;
        tx.commit().await?;
        Ok(published)
    }

    /// Publishes the versions that ship in this binary (idempotent; every start runs it).
    /// Returns how many were new.
    pub async fn publish_shipped_instruments(
        &self,
        instruments: &[Instrument],
    ) -> AppResult<usize> {
        let permit = self
            .authorize(&Principal::Operator, InstrumentAction::Publish, Instruments)
            .await?;
        let mut tx = self.db.begin().await?;
        let mut published = Vec::new();
        for instrument in instruments {
            if tx
                .publish_instrument(&permit, instrument, InstrumentStatus::Active, true)
                .await?
                == Published::New
            {
                published.push(instrument);
            }
        }
        // A corrected version supersedes the shipped versions before it: their results stay
        // readable as given, new screenings use the correction.
        for newer in &published {
            for older in instruments
                .iter()
                .filter(|o| o.key() == newer.key() && o.version() < newer.version())
            {
                tx.set_instrument_status(
                    &permit,
                    older.key(),
                    older.version(),
                    InstrumentStatus::Retired,
                )
                .await?;
            }
        }
        let new = published.len();
        tx.commit().await?;
        Ok(new)
    }

    /// Retires a version: old results keep it, new screenings no longer use it.
    pub async fn retire_instrument(
        &self,
        who: &Principal,
        key: &str,
        version: u32,
    ) -> AppResult<()> {
        let permit = self
            .authorize(who, InstrumentAction::Publish, Instruments)
            .await?;
        let mut tx = self.db.begin().await?;
        let found = tx
            .set_instrument_status(&permit, key, version, InstrumentStatus::Retired)
            .await?;
        tx.commit().await?;
        if found {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }
}

/// What a lifecycle step writes besides the new state.
enum Change {
    Answers(BTreeMap<String, String>),
    Result(Box<Evaluation>),
    None,
}

/// The versions a new screening may use: the newest of each key that is not retired, the
/// quick screen (fewest questions) first, as it is the first contact.
fn usable(published: &[PublishedInstrument]) -> Vec<PublishedInstrument> {
    let mut usable: Vec<PublishedInstrument> = Vec::new();
    for p in published {
        if p.status != InstrumentStatus::Retired
            && !usable
                .iter()
                .any(|u| u.instrument.key() == p.instrument.key())
        {
            usable.push(p.clone());
        }
    }
    usable.sort_by_key(|p| p.instrument.file().questions.len());
    usable
}
