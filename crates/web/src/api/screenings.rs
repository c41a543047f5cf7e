//! `/api/v1/instruments` and `/api/v1/screenings`: the identification tool over JSON.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use mosaique_domain::policy::{Action, Resource, can};
use mosaique_domain::screening::{AnswerError, Evaluation, Instrument, evaluate};
use mosaique_domain::{Actor, Language};
use mosaique_store::screenings::{InstrumentStatus, Screener, StoredInstrument};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::organizations::Localized;
use super::{ApiJson, ApiQuery};
use crate::AppState;
use crate::i18n::{Arg, Tr};
use crate::lang::Lang;
use crate::problem::{Problem, ProblemBody, ProblemKind};
use crate::session::ApiUser;

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct InstrumentSummaryJson {
    #[schema(example = "reperage-rapide")]
    pub key: String,
    pub version: u32,
    /// `pilot`, `active` or `retired`.
    pub status: String,
    /// `not_validated` unless a study covers this exact version, population and language.
    pub validation: String,
    pub title: Localized,
    pub summary: Localized,
    pub questions: usize,
    /// SHA-256 of the instrument's canonical JSON form; stored with every result.
    pub content_hash: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct InstrumentJson {
    #[serde(flatten)]
    pub summary: InstrumentSummaryJson,
    /// The whole instrument file (format in `docs/instruments.md`): sections, questions in
    /// both languages with their skip logic, indicators, bands and routing.
    #[schema(value_type = Object)]
    pub definition: serde_json::Value,
}

fn summary(stored: &StoredInstrument) -> InstrumentSummaryJson {
    let file = stored.instrument.file();
    InstrumentSummaryJson {
        key: file.key.clone(),
        version: file.version,
        status: stored.status.key().to_owned(),
        validation: serde_json::to_value(file.validation)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        title: Localized {
            fr: file.title.fr.clone(),
            en: file.title.en.clone(),
        },
        summary: Localized {
            fr: file.summary.fr.clone(),
            en: file.summary.en.clone(),
        },
        questions: file.questions.len(),
        content_hash: stored.instrument.content_hash().to_owned(),
    }
}

fn require(
    actor: &Actor,
    action: Action,
    resource: &Resource,
    lang: Language,
) -> Result<(), Problem> {
    if can(Some(actor), action, resource).is_allowed() {
        Ok(())
    } else {
        Err(Problem::new(ProblemKind::Forbidden, lang))
    }
}

/// Every published instrument version, newest version of each first.
#[utoipa::path(
    get,
    path = "/api/v1/instruments",
    tag = "screening",
    operation_id = "listInstruments",
    responses(
        (status = 200, description = "Published versions", body = [InstrumentSummaryJson]),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn list_instruments(
    State(state): State<AppState>,
    Lang(lang): Lang,
    ApiUser(session): ApiUser,
) -> Result<Json<Vec<InstrumentSummaryJson>>, Problem> {
    require(
        &session.live.user.actor(),
        Action::ViewInstruments,
        &Resource::Instruments,
        lang,
    )?;
    let all = state
        .db
        .instruments()
        .await
        .map_err(|e| Problem::from_store(e, lang))?;
    Ok(Json(all.iter().map(summary).collect()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct VersionParam {
    /// A published version; the newest version that is not retired when absent.
    version: Option<u32>,
}

/// One instrument version: its questions in French and English, indicators and rules.
#[utoipa::path(
    get,
    path = "/api/v1/instruments/{key}",
    tag = "screening",
    operation_id = "getInstrument",
    params(("key" = String, Path, description = "Instrument key"), VersionParam),
    responses(
        (status = 200, description = "The instrument", body = InstrumentJson),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such instrument or version", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn show_instrument(
    State(state): State<AppState>,
    Lang(lang): Lang,
    ApiUser(session): ApiUser,
    Path(key): Path<String>,
    ApiQuery(params): ApiQuery<VersionParam>,
) -> Result<Json<InstrumentJson>, Problem> {
    require(
        &session.live.user.actor(),
        Action::ViewInstruments,
        &Resource::Instruments,
        lang,
    )?;
    let stored = find_instrument(&state, &key, params.version, lang).await?;
    let definition = serde_json::from_str(stored.instrument.canonical_json())
        .map_err(|_| Problem::new(ProblemKind::Internal, lang))?;
    Ok(Json(InstrumentJson {
        summary: summary(&stored),
        definition,
    }))
}

async fn find_instrument(
    state: &AppState,
    key: &str,
    version: Option<u32>,
    lang: Language,
) -> Result<StoredInstrument, Problem> {
    state
        .db
        .instrument(key, version)
        .await
        .map_err(|e| Problem::from_store(e, lang))?
        .ok_or_else(|| {
            Problem::new(ProblemKind::NotFound, lang).with_detail(Tr::new(lang).t_args(
                "problem-instrument-not-found",
                &[
                    ("key", Arg::Text(key.to_owned())),
                    (
                        "version",
                        Arg::Text(version.map_or_else(|| "—".to_owned(), |v| v.to_string())),
                    ),
                ],
            ))
        })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewScreeningJson {
    /// Instrument key.
    #[schema(example = "reperage-rapide")]
    instrument: String,
    /// The instrument version the answers were given to.
    version: u32,
    /// Question key → `yes`, `no`, `unknown`, `declined`, `not_asked` or an option key. A
    /// question left out counts as `not_asked`; none is ever read as `no`.
    answers: BTreeMap<String, String>,
    /// A case to attach the result to; absent for an anonymous screening.
    #[serde(default)]
    case_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct IndicatorJson {
    pub key: String,
    pub label: Localized,
    /// Delphi dimension, or `none`.
    pub dimension: String,
    pub safety_trigger: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ElementJson {
    pub element: String,
    /// `supported`, `unknown`, `not_noted`, `not_required` (Palermo means, for a minor) or
    /// `not_applicable` (s. 279.011, for an adult).
    pub status: String,
    /// Noted indicators that support the element.
    pub indicators: Vec<String>,
    /// Unanswered questions that could support it.
    pub open_questions: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct FrameworkJson {
    /// `criminal_code`, `criminal_code_minors`, `documents_279_03`, `irpa_118` or `palermo`.
    pub framework: String,
    pub elements: Vec<ElementJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct InstrumentRefJson {
    pub key: String,
    pub version: u32,
    pub content_hash: String,
    pub validation: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CompletenessJson {
    /// Questions shown by the skip logic for these answers.
    pub shown: usize,
    /// Of those, answered unknown, declined or not asked.
    pub unanswered: usize,
}

/// A screening result: observations, a level of concern and domains to offer; never a
/// conclusion about the person or what happened.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ScreeningJson {
    pub id: String,
    pub instrument: InstrumentRefJson,
    pub engine_version: u32,
    /// 0 to 3. The safety alert overrides it.
    pub band: u8,
    pub safety_alert: bool,
    /// Under 18, or age not known: youth protection is among the domains.
    pub possibly_minor: bool,
    pub indicators: Vec<IndicatorJson>,
    pub legal_elements: Vec<FrameworkJson>,
    /// Service domain keys, immediate safety first.
    pub domains: Vec<String>,
    pub completeness: CompletenessJson,
    /// What the result means and does not mean, with who decides, in both languages.
    pub statement: Localized,
    /// The effective answer of every question shown.
    pub answers: BTreeMap<String, String>,
    /// The earlier result this one re-evaluates, if any.
    pub rescore_of: Option<String>,
    /// RFC 3339 (UTC).
    pub completed_at: String,
}

pub(crate) fn result_json(
    id: &str,
    instrument: &Instrument,
    evaluation: &Evaluation,
    rescore_of: Option<String>,
    completed_at: i64,
) -> ScreeningJson {
    let file = instrument.file();
    let key = |v: &dyn erased::Key| v.key_string();
    ScreeningJson {
        id: id.to_owned(),
        instrument: InstrumentRefJson {
            key: file.key.clone(),
            version: file.version,
            content_hash: instrument.content_hash().to_owned(),
            validation: key(&file.validation),
        },
        engine_version: evaluation.engine_version,
        band: evaluation.band,
        safety_alert: evaluation.safety_alert,
        possibly_minor: evaluation.possibly_minor,
        indicators: evaluation
            .indicators
            .iter()
            .filter_map(|k| instrument.indicator(k))
            .map(|i| IndicatorJson {
                key: i.key.clone(),
                label: Localized {
                    fr: i.label.fr.clone(),
                    en: i.label.en.clone(),
                },
                dimension: i.dimension.key().to_owned(),
                safety_trigger: i.safety_trigger,
            })
            .collect(),
        legal_elements: evaluation
            .elements
            .iter()
            .map(|f| FrameworkJson {
                framework: f.framework.key().to_owned(),
                elements: f
                    .elements
                    .iter()
                    .map(|e| ElementJson {
                        element: e.element.clone(),
                        status: key(&e.status),
                        indicators: e.indicators.clone(),
                        open_questions: e.open_questions.clone(),
                    })
                    .collect(),
            })
            .collect(),
        domains: evaluation
            .domains
            .iter()
            .map(|d| d.key().to_owned())
            .collect(),
        completeness: CompletenessJson {
            shown: evaluation.shown,
            unanswered: evaluation.unanswered,
        },
        statement: Localized {
            fr: crate::screening::statement(Language::Fr, instrument, evaluation),
            en: crate::screening::statement(Language::En, instrument, evaluation),
        },
        answers: evaluation.answers.clone(),
        rescore_of,
        completed_at: mosaique_domain::Timestamp::from_millis(completed_at).to_rfc3339(),
    }
}

/// Serde's name of a unit variant, for the JSON views of domain enums.
mod erased {
    pub(super) trait Key {
        fn key_string(&self) -> String;
    }

    impl<T: serde::Serialize> Key for T {
        fn key_string(&self) -> String {
            serde_json::to_value(self)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        }
    }
}

fn answer_problem(lang: Language, errors: &[AnswerError]) -> Problem {
    let tr = Tr::new(lang);
    let detail = errors
        .iter()
        .map(|e| match e {
            AnswerError::UnknownQuestion { question } => {
                tr.with("problem-answer-unknown-question", "question", question)
            }
            AnswerError::BadValue { question, value } => tr.t_args(
                "problem-answer-bad-value",
                &[
                    ("question", Arg::Text(question.clone())),
                    ("value", Arg::Text(value.clone())),
                ],
            ),
        })
        .collect::<Vec<_>>()
        .join("; ");
    Problem::new(ProblemKind::Unprocessable, lang).with_detail(tr.with(
        "problem-screening-answers",
        "detail",
        &detail,
    ))
}

/// Evaluates answers with a published instrument version and stores the result. An
/// anonymous screening (no `case_id`) stores coded answers only, nothing that names the
/// person.
#[utoipa::path(
    post,
    path = "/api/v1/screenings",
    tag = "screening",
    operation_id = "createScreening",
    request_body = NewScreeningJson,
    responses(
        (status = 201, description = "The result", body = ScreeningJson),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "The caller's role does not screen", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such instrument version or case", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The instrument version is retired", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Answers the instrument cannot take", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn create_screening(
    State(state): State<AppState>,
    Lang(lang): Lang,
    ApiUser(session): ApiUser,
    body: Result<ApiJson<NewScreeningJson>, Problem>,
) -> Result<(StatusCode, Json<ScreeningJson>), Problem> {
    let user = &session.live.user;
    // Who may screen is decided before the body is read: a role that may not gets 403,
    // whatever it sent.
    require(&user.actor(), Action::Screen, &Resource::Instruments, lang)?;
    let ApiJson(body) = body?;
    let stored = find_instrument(&state, &body.instrument, Some(body.version), lang).await?;
    if stored.status == InstrumentStatus::Retired {
        return Err(
            Problem::new(ProblemKind::Conflict, lang).with_detail(Tr::new(lang).t_args(
                "problem-instrument-retired",
                &[
                    ("key", Arg::Text(body.instrument.clone())),
                    ("version", Arg::Int(i64::from(body.version))),
                ],
            )),
        );
    }
    if let Some(case_id) = &body.case_id {
        // Cases arrive with case management; until then no case id can exist.
        return Err(
            Problem::new(ProblemKind::NotFound, lang).with_detail(Tr::new(lang).with(
                "problem-case-not-found",
                "id",
                case_id,
            )),
        );
    }
    let evaluation = evaluate(&stored.instrument, &body.answers)
        .map_err(|errors| answer_problem(lang, &errors))?;
    let screener = Screener {
        user: user.id,
        role: user.role,
        language: lang,
        instrument: &stored.instrument,
    };
    let id = state
        .db
        .record_screening(screener, &evaluation, None)
        .await
        .map_err(|e| Problem::from_store(e, lang))?;
    let now = mosaique_store::now_ms();
    Ok((
        StatusCode::CREATED,
        Json(result_json(&id, &stored.instrument, &evaluation, None, now)),
    ))
}

/// One complete screening, for the person who ran it. The read is audited.
#[utoipa::path(
    get,
    path = "/api/v1/screenings/{id}",
    tag = "screening",
    operation_id = "getScreening",
    params(("id" = String, Path, description = "Screening id")),
    responses(
        (status = 200, description = "The result", body = ScreeningJson),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such screening, or not the caller's", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The interview is not complete", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn show_screening(
    State(state): State<AppState>,
    Lang(lang): Lang,
    ApiUser(session): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<ScreeningJson>, Problem> {
    let user = &session.live.user;
    let not_found = || Problem::new(ProblemKind::NotFound, lang);
    let owner = state
        .db
        .screening_owner(&id)
        .await
        .map_err(|e| Problem::from_store(e, lang))?
        .ok_or_else(not_found)?;
    // Someone else's screening answers 404, not 403: its existence is not disclosed.
    if !can(
        Some(&user.actor()),
        Action::ViewScreening,
        &Resource::Screening { created_by: owner },
    )
    .is_allowed()
    {
        return Err(not_found());
    }
    let screening = state
        .db
        .screening(&id, (user.id, user.role))
        .await
        .map_err(|e| Problem::from_store(e, lang))?
        .ok_or_else(not_found)?;
    let (Some(evaluation), Some(completed_at)) = (&screening.evaluation, screening.completed_at)
    else {
        return Err(Problem::new(ProblemKind::Conflict, lang)
            .with_detail(Tr::new(lang).t("screening-not-complete")));
    };
    let stored = find_instrument(
        &state,
        &screening.instrument_key,
        Some(screening.instrument_version),
        lang,
    )
    .await?;
    Ok(Json(result_json(
        &id,
        &stored.instrument,
        evaluation,
        screening.rescore_of.clone(),
        completed_at,
    )))
}
