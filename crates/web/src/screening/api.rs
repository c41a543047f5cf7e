//! `/api/v1/instruments` and `/api/v1/screenings`: the identification tool over JSON.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use mosaique_app::screening::{NewScreening, ScreeningResult};
use mosaique_app::{AppError, Conflict, Invalid};
use mosaique_domain::screening::{AnswerError, PublishedInstrument};
use mosaique_domain::{Bilingual, Language, ScreeningId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::{ApiJson, ApiQuery};
use crate::gate::Ctx;
use crate::i18n::{Arg, Tr};
use crate::json::BilingualText;
use crate::problem::{Problem, ProblemBody, ProblemKind};

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct InstrumentSummaryJson {
    #[schema(example = "reperage-rapide")]
    pub key: String,
    pub version: u32,
    /// `pilot`, `active` or `retired`.
    pub status: String,
    /// `not_validated` unless a study covers this exact version, population and language.
    pub validation: String,
    pub title: BilingualText,
    pub summary: BilingualText,
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

fn summary(stored: &PublishedInstrument) -> InstrumentSummaryJson {
    let file = stored.instrument.file();
    InstrumentSummaryJson {
        key: file.key.clone(),
        version: file.version,
        status: stored.status.key().to_owned(),
        validation: serde_json::to_value(file.validation)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        title: file.title.clone(),
        summary: file.summary.clone(),
        questions: file.questions.len(),
        content_hash: stored.instrument.content_hash().to_owned(),
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
    ctx: Ctx,
) -> Result<Json<Vec<InstrumentSummaryJson>>, Problem> {
    let all = state
        .app
        .instruments(&ctx.who)
        .await
        .map_err(|e| ctx.problem(e))?;
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
        (status = 400, description = "A version that is not a whole number from 1", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such instrument or version", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn show_instrument(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(key): Path<String>,
    ApiQuery(params): ApiQuery<VersionParam>,
) -> Result<Json<InstrumentJson>, Problem> {
    let stored = state
        .app
        .instrument(&ctx.who, &key, params.version)
        .await
        .map_err(|e| instrument_problem(&ctx, e, &key, params.version))?;
    let definition = serde_json::from_str(stored.instrument.canonical_json())
        .map_err(|_| Problem::new(ProblemKind::Internal, ctx.lang))?;
    Ok(Json(InstrumentJson {
        summary: summary(&stored),
        definition,
    }))
}

/// A use case's answer about an instrument version, with the version named when missing.
fn instrument_problem(ctx: &Ctx, error: AppError, key: &str, version: Option<u32>) -> Problem {
    match error {
        AppError::NotFound => {
            Problem::new(ProblemKind::NotFound, ctx.lang).with_detail(ctx.tr().t_args(
                "problem-instrument-not-found",
                &[
                    ("key", Arg::Text(key.to_owned())),
                    (
                        "version",
                        Arg::Text(version.map_or_else(|| "—".to_owned(), |v| v.to_string())),
                    ),
                ],
            ))
        }
        e => ctx.problem(e),
    }
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
    /// A case to attach the result to, whose `screening` category the caller writes (its
    /// team then reads the band and alert as the person consented, never the answers);
    /// absent for an anonymous screening.
    #[serde(default)]
    case_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct IndicatorJson {
    pub key: String,
    pub label: BilingualText,
    /// Delphi dimension, or `none`.
    pub dimension: String,
    pub safety_trigger: bool,
    /// Noted from the worker's own observation, not from the person's answer.
    pub observed: bool,
}

/// Something the person asks for: it offers its domains, nothing else.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AskedForJson {
    pub key: String,
    pub label: BilingualText,
    /// The service domain keys it offers.
    pub domains: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ElementJson {
    pub element: String,
    /// `supported`, `unknown`, `not_noted`, `not_required` (Palermo means, for a minor),
    /// `not_applicable` (s. 279.011, for an adult) or `not_covered` (no question of this
    /// instrument can support it).
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
    /// The questions the person preferred not to answer.
    pub declined: Vec<String>,
    /// More than half the questions have no answer: the result cannot exclude anything.
    pub incomplete: bool,
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
    /// What the person asks for, apart from the indicators: never a sign of exploitation.
    pub asked_for: Vec<AskedForJson>,
    pub legal_elements: Vec<FrameworkJson>,
    /// Service domain keys, immediate safety first.
    pub domains: Vec<String>,
    pub completeness: CompletenessJson,
    /// What the result means and does not mean, with who decides, in both languages.
    pub statement: BilingualText,
    /// The effective answer of every question shown.
    pub answers: BTreeMap<String, String>,
    /// The earlier result this one re-evaluates, if any.
    pub rescore_of: Option<String>,
    /// RFC 3339 (UTC).
    pub completed_at: String,
}

fn result_json(result: &ScreeningResult) -> ScreeningJson {
    let (instrument, evaluation) = (&result.instrument, &result.evaluation);
    let file = instrument.file();
    let key = |v: &dyn erased::Key| v.key_string();
    ScreeningJson {
        id: result.id.to_string(),
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
                label: i.label.clone(),
                dimension: i.dimension.key().to_owned(),
                safety_trigger: i.safety_trigger,
                observed: evaluation.observed.contains(&i.key),
            })
            .collect(),
        asked_for: evaluation
            .asked_for
            .iter()
            .filter_map(|k| instrument.indicator(k))
            .map(|i| AskedForJson {
                key: i.key.clone(),
                label: i.label.clone(),
                domains: i.domains.iter().map(|d| d.key().to_owned()).collect(),
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
            declined: evaluation.declined.clone(),
            incomplete: evaluation.incomplete,
        },
        statement: Bilingual::new(
            super::statement(Language::Fr, instrument, evaluation),
            super::statement(Language::En, instrument, evaluation),
        ),
        answers: evaluation.answers.clone(),
        rescore_of: result.rescore_of.map(|id| id.to_string()),
        completed_at: mosaique_domain::Timestamp::from_millis(result.completed_at).to_rfc3339(),
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

/// At most this many problems are listed; the rest are counted.
const LISTED_ANSWER_PROBLEMS: usize = 10;

fn answer_problem(lang: Language, errors: &[AnswerError]) -> Problem {
    let tr = Tr::new(lang);
    let key = |k: &str| crate::api::cut(k, 60);
    let mut listed: Vec<String> = errors
        .iter()
        .take(LISTED_ANSWER_PROBLEMS)
        .map(|e| match e {
            AnswerError::UnknownQuestion { question } => tr.with(
                "problem-answer-unknown-question",
                "question",
                &key(question),
            ),
            AnswerError::BadValue { question, value } => tr.t_args(
                "problem-answer-bad-value",
                &[
                    ("question", Arg::Text(key(question))),
                    ("value", Arg::Text(crate::api::cut(value, 40))),
                ],
            ),
            AnswerError::Hidden {
                question,
                depends_on,
            } => tr.t_args(
                "problem-answer-hidden",
                &[
                    ("question", Arg::Text(key(question))),
                    ("depends_on", Arg::Text(key(depends_on))),
                ],
            ),
        })
        .collect();
    if errors.len() > LISTED_ANSWER_PROBLEMS {
        listed.push(tr.t_args(
            "problem-answers-more",
            &[(
                "count",
                Arg::Int((errors.len() - LISTED_ANSWER_PROBLEMS) as i64),
            )],
        ));
    }
    Problem::new(ProblemKind::Unprocessable, lang).with_detail(tr.with(
        "problem-screening-answers",
        "detail",
        &listed.join("; "),
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
        (status = 422, description = "Answers the instrument cannot take, or JSON of the wrong shape", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn create_screening(
    State(state): State<AppState>,
    ctx: Ctx,
    body: Result<ApiJson<NewScreeningJson>, Problem>,
) -> Result<(StatusCode, Json<ScreeningJson>), Problem> {
    let lang = ctx.lang;
    // Who may screen is decided before the body is read: a role that may not gets 403,
    // whatever it sent.
    state
        .app
        .may_screen(&ctx.who)
        .await
        .map_err(|e| ctx.problem(e))?;
    let ApiJson(body) = body?;
    let new = NewScreening {
        instrument: body.instrument,
        version: body.version,
        answers: body.answers,
        case_id: body.case_id,
    };
    match state.app.record_screening(&ctx.who, &new, lang).await {
        Ok(result) => Ok((StatusCode::CREATED, Json(result_json(&result)))),
        Err(AppError::Invalid(Invalid::Answers(errors))) => Err(answer_problem(lang, &errors)),
        Err(AppError::Conflict(Conflict::InstrumentRetired)) => {
            Err(
                Problem::new(ProblemKind::Conflict, lang).with_detail(ctx.tr().t_args(
                    "problem-instrument-retired",
                    &[
                        ("key", Arg::Text(new.instrument.clone())),
                        ("version", Arg::Int(i64::from(new.version))),
                    ],
                )),
            )
        }
        Err(AppError::NotFound) if new.case_id.is_some() => {
            Err(
                Problem::new(ProblemKind::NotFound, lang).with_detail(ctx.tr().with(
                    "problem-case-not-found",
                    "id",
                    new.case_id.as_deref().unwrap_or_default(),
                )),
            )
        }
        Err(e) => Err(instrument_problem(
            &ctx,
            e,
            &new.instrument,
            Some(new.version),
        )),
    }
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
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<ScreeningJson>, Problem> {
    let id: ScreeningId = id
        .parse()
        .map_err(|_| Problem::new(ProblemKind::NotFound, ctx.lang))?;
    let result = state
        .app
        .screening_result(&ctx.who, id)
        .await
        .map_err(|e| ctx.problem(e))?;
    Ok(Json(result_json(&result)))
}
