//! The screening interview: pick a tool, answer one question at a time (skip logic,
//! progress, save and resume), review, then a printable result whose next step — the
//! services of the recommended domains — is one click away. Works without JavaScript and
//! with the keyboard alone: every step is a plain form.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mosaique_app::screening::ScreeningHome;
use mosaique_app::{AppError, Conflict, Invalid};
use mosaique_domain::screening::instrument::{AnswerType, Mode, NON_ANSWERS, Question};
use mosaique_domain::screening::{
    ElementStatus, Evaluation, Instrument, InstrumentStatus, ScreeningState, ScreeningSummary,
    next_question, shown_questions,
};
use mosaique_domain::{ScreeningId, Timestamp};
use serde::Deserialize;

use crate::AppState;
use crate::gate::Ctx;
use crate::i18n::{Arg, Tr};
use crate::shell::{PageError, Shell, render, render_with};

#[derive(Debug)]
struct ToolCard {
    key: String,
    title: String,
    summary: String,
    version: String,
    questions: String,
    pilot: bool,
    validation: String,
    start_label: String,
    /// What changed since the previous version, when the file says.
    changes: Option<String>,
}

#[derive(Debug)]
struct ScreeningRow {
    id: String,
    title: String,
    updated: String,
    band: Option<String>,
    alert: bool,
}

#[derive(Template)]
#[template(path = "screening_home.html")]
struct HomePage {
    shell: Shell,
    tools: Vec<ToolCard>,
    in_progress: Vec<ScreeningRow>,
    recent: Vec<ScreeningRow>,
    error: Option<String>,
}

pub(super) async fn home(State(state): State<AppState>, ctx: Ctx) -> Response {
    match state.app.screening_home(&ctx.who).await {
        Ok(home) => render(&home_page(&ctx, &home, None)),
        Err(e) => ctx.page_error(e),
    }
}

fn home_page(ctx: &Ctx, home: &ScreeningHome, error: Option<String>) -> HomePage {
    let tr = ctx.tr();
    let title_of = |key: &str, version: u32| {
        home.published
            .iter()
            .find(|s| s.instrument.key() == key && s.instrument.version() == version)
            .map_or_else(
                || key.to_owned(),
                |s| s.instrument.file().title.text(tr.lang).to_owned(),
            )
    };
    let tools = home
        .usable
        .iter()
        .map(|s| {
            let f = s.instrument.file();
            ToolCard {
                key: f.key.clone(),
                title: f.title.text(tr.lang).to_owned(),
                summary: f.summary.text(tr.lang).to_owned(),
                version: tr.t_args(
                    "screening-version",
                    &[("version", Arg::Int(i64::from(f.version)))],
                ),
                questions: tr.count("screening-questions-count", f.questions.len() as i64),
                pilot: s.status == InstrumentStatus::Pilot,
                validation: super::validation_sentence(&tr, f.validation),
                start_label: tr.with("screening-start-named", "title", f.title.text(tr.lang)),
                changes: f.changes.as_ref().map(|c| c.text(tr.lang).to_owned()),
            }
        })
        .collect();
    let row = |s: &ScreeningSummary| ScreeningRow {
        id: s.id.to_string(),
        title: format!(
            "{} ({})",
            title_of(&s.instrument_key, s.instrument_version),
            tr.t_args(
                "screening-version",
                &[("version", Arg::Int(i64::from(s.instrument_version)))]
            )
        ),
        updated: tr.with(
            "screening-updated",
            "date",
            &Timestamp::from_millis(s.updated_at).date_utc(),
        ),
        band: s
            .band
            .map(|b| tr.t_args("screening-band-label", &[("band", Arg::Int(i64::from(b)))])),
        alert: s.safety_alert,
    };
    HomePage {
        shell: ctx.shell(tr.t("screening-title"), "screening"),
        tools,
        in_progress: home
            .mine
            .iter()
            .filter(|s| s.state == ScreeningState::InProgress)
            .map(row)
            .collect(),
        recent: home
            .mine
            .iter()
            .filter(|s| s.state == ScreeningState::Complete)
            .map(row)
            .collect(),
        error,
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct StartForm {
    #[serde(default)]
    instrument: String,
}

pub(super) async fn start(
    State(state): State<AppState>,
    ctx: Ctx,
    form: Result<Form<StartForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let key = form.map(|Form(f)| f.instrument).unwrap_or_default();
    match state.app.start_screening(&ctx.who, &key, ctx.lang).await {
        Ok(id) => Redirect::to(&format!("/screening/{id}")).into_response(),
        Err(AppError::Invalid(Invalid::Instrument)) => {
            let message = ctx.tr().t("screening-error-instrument");
            match state.app.screening_home(&ctx.who).await {
                Ok(home) => render_with(
                    &home_page(&ctx, &home, Some(message)),
                    StatusCode::UNPROCESSABLE_ENTITY,
                ),
                Err(e) => ctx.page_error(e),
            }
        }
        Err(e) => ctx.page_error(e),
    }
}

#[derive(Debug)]
struct Choice {
    value: String,
    label: String,
    checked: bool,
}

#[derive(Template)]
#[template(path = "screening_question.html")]
struct QuestionPage {
    shell: Shell,
    id: String,
    tool: String,
    section: String,
    key: String,
    text: String,
    help: Option<String>,
    observed: bool,
    mode: String,
    choices: Vec<Choice>,
    non_answers: Vec<Choice>,
    current: usize,
    total: usize,
    progress: String,
    back: Option<String>,
    error: Option<String>,
}

#[derive(Debug)]
struct ReviewRow {
    key: String,
    text: String,
    answer: String,
    edit_label: String,
}

#[derive(Template)]
#[template(path = "screening_review.html")]
struct ReviewPage {
    shell: Shell,
    id: String,
    tool: String,
    rows: Vec<ReviewRow>,
}

#[derive(Debug, Deserialize)]
pub(super) struct QuestionQuery {
    q: Option<String>,
}

fn answer_label(tr: &Tr, question: &Question, value: &str) -> String {
    match question.answer_type {
        AnswerType::SingleChoice if !NON_ANSWERS.contains(&value) => question
            .options
            .iter()
            .find(|o| o.key == value)
            .map_or_else(|| value.to_owned(), |o| o.text.text(tr.lang).to_owned()),
        _ => tr.t(&format!("screening-answer-{value}")),
    }
}

pub(super) async fn interview(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(query): Query<QuestionQuery>,
) -> Response {
    let Some(sid) = ctx.id::<ScreeningId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    let open = state.app.open_screening(&ctx.who, sid).await;
    let (screening, instrument) = match open {
        Ok(open) => (open.screening, open.instrument),
        Err(e) => return ctx.page_error(e),
    };
    if screening.state == ScreeningState::Complete {
        return Redirect::to(&format!("/screening/{id}/result")).into_response();
    }
    let asked = query
        .q
        .as_deref()
        .and_then(|key| instrument.question(key))
        .filter(|q| {
            shown_questions(&instrument, &screening.answers)
                .iter()
                .any(|(shown, _)| shown.key == q.key)
        });
    match asked.or_else(|| next_question(&instrument, &screening.answers)) {
        Some(question) => render(&question_page(
            &ctx,
            &id,
            &instrument,
            &screening.answers,
            question,
            None,
        )),
        None => {
            let tr = ctx.tr();
            let rows = shown_questions(&instrument, &screening.answers)
                .into_iter()
                .map(|(q, value)| ReviewRow {
                    key: q.key.clone(),
                    text: q.text.text(tr.lang).to_owned(),
                    answer: answer_label(&tr, q, value),
                    edit_label: tr.with("screening-edit-named", "question", q.text.text(tr.lang)),
                })
                .collect();
            render(&ReviewPage {
                shell: ctx.shell(tr.t("screening-review-title"), "screening"),
                id,
                tool: instrument.file().title.text(tr.lang).to_owned(),
                rows,
            })
        }
    }
}

fn question_page(
    ctx: &Ctx,
    id: &str,
    instrument: &Instrument,
    answers: &BTreeMap<String, String>,
    question: &Question,
    error: Option<String>,
) -> QuestionPage {
    let tr = ctx.tr();
    let shown = shown_questions(instrument, answers);
    let position = shown
        .iter()
        .position(|(q, _)| q.key == question.key)
        .unwrap_or(0);
    let back = position
        .checked_sub(1)
        .and_then(|p| shown.get(p))
        .map(|(q, _)| format!("/screening/{id}?q={}", q.key));
    let current_answer = answers.get(&question.key).map(String::as_str);
    let choice = |value: &str| Choice {
        value: value.to_owned(),
        label: answer_label(&tr, question, value),
        checked: current_answer == Some(value),
    };
    let choices = match question.answer_type {
        AnswerType::YesNo => vec![choice("yes"), choice("no")],
        AnswerType::SingleChoice => question.options.iter().map(|o| choice(&o.key)).collect(),
    };
    let non_answers = vec![choice("unknown"), choice("declined")];
    let current = position + 1;
    let total = shown.len().max(current);
    QuestionPage {
        shell: ctx.shell(question.text.text(tr.lang).to_owned(), "screening"),
        id: id.to_owned(),
        tool: instrument.file().title.text(tr.lang).to_owned(),
        section: instrument
            .section(&question.section)
            .map(|s| s.title.text(tr.lang).to_owned())
            .unwrap_or_default(),
        key: question.key.clone(),
        text: question.text.text(tr.lang).to_owned(),
        help: question.help.as_ref().map(|h| h.text(tr.lang).to_owned()),
        observed: question.mode == Mode::Observed,
        mode: tr.t(match question.mode {
            Mode::Asked => "screening-mode-asked",
            Mode::Observed => "screening-mode-observed",
        }),
        choices,
        non_answers,
        current,
        total,
        progress: tr.t_args(
            "screening-progress",
            &[
                ("current", Arg::Int(current as i64)),
                ("total", Arg::Int(total as i64)),
            ],
        ),
        back,
        error,
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct AnswerForm {
    #[serde(default)]
    question: String,
    #[serde(default)]
    value: String,
}

pub(super) async fn answer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<AnswerForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Some(sid) = ctx.id::<ScreeningId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    let form = form.map(|Form(f)| f).unwrap_or(AnswerForm {
        question: String::new(),
        value: String::new(),
    });
    let tr = ctx.tr();
    match state
        .app
        .answer_screening(&ctx.who, sid, &form.question, &form.value)
        .await
    {
        Ok(()) => Redirect::to(&format!("/screening/{id}")).into_response(),
        // Nothing chosen: the same question again, with what went wrong.
        Err(AppError::Invalid(Invalid::AnswerValue)) => {
            let open = match state.app.open_screening(&ctx.who, sid).await {
                Ok(open) => open,
                Err(e) => return ctx.page_error(e),
            };
            let Some(question) = open.instrument.question(&form.question) else {
                return ctx.error(PageError::BadRequest(tr.t("screening-error-answer")));
            };
            let mut page = question_page(
                &ctx,
                &id,
                &open.instrument,
                &open.screening.answers,
                question,
                Some(tr.t("screening-error-answer")),
            );
            page.shell.title =
                format!("{} — {}", tr.t("error-bad-request-title"), page.shell.title);
            render_with(&page, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(AppError::Invalid(_)) => {
            ctx.error(PageError::BadRequest(tr.t("screening-error-answer")))
        }
        Err(AppError::Conflict(Conflict::ScreeningClosed | Conflict::Stale)) => {
            ctx.error(PageError::BadRequest(tr.t("screening-error-closed")))
        }
        Err(e) => ctx.page_error(e),
    }
}

pub(super) async fn complete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let Some(sid) = ctx.id::<ScreeningId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    match state.app.complete_screening(&ctx.who, sid).await {
        // Completed now, or already (twice the button, two tabs): the result either way.
        Ok(()) | Err(AppError::Conflict(Conflict::ScreeningClosed | Conflict::Stale)) => {
            Redirect::to(&format!("/screening/{id}/result")).into_response()
        }
        Err(AppError::Invalid(_)) => {
            ctx.error(PageError::BadRequest(ctx.tr().t("screening-error-answer")))
        }
        Err(e) => ctx.page_error(e),
    }
}

pub(super) async fn discard(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let Some(sid) = ctx.id::<ScreeningId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    match state.app.discard_screening(&ctx.who, sid).await {
        Ok(()) => Redirect::to("/screening").into_response(),
        Err(AppError::Conflict(Conflict::ScreeningClosed | Conflict::Stale)) => {
            ctx.error(PageError::BadRequest(ctx.tr().t("screening-error-closed")))
        }
        Err(e) => ctx.page_error(e),
    }
}

#[derive(Debug)]
struct IndicatorRow {
    label: String,
    trigger: bool,
    /// Noted from the worker's own observation rather than from an answer.
    observed: bool,
}

#[derive(Debug)]
struct ElementRow {
    label: String,
    status: String,
    supported: bool,
    detail: String,
}

#[derive(Debug)]
struct FrameworkBlock {
    title: String,
    elements: Vec<ElementRow>,
}

#[derive(Debug)]
struct DomainLink {
    label: String,
}

#[derive(Template)]
#[template(path = "screening_result.html")]
struct ResultPage {
    shell: Shell,
    tool: String,
    alert: bool,
    /// What was reported that raised the alert, in the instrument's words.
    alert_reasons: Vec<String>,
    band: u8,
    band_label: String,
    band_sentence: String,
    action: String,
    indicators: Vec<IndicatorRow>,
    frameworks: Vec<FrameworkBlock>,
    domains: Vec<DomainLink>,
    services_href: String,
    possibly_minor: bool,
    completeness: String,
    /// Most questions without an answer: the result excludes nothing.
    incomplete: bool,
    /// The questions the person preferred not to answer.
    declined: Vec<String>,
    /// What the person asks for (the instrument's needs), apart from the indicators.
    asked_for: Vec<String>,
    /// A fuller instrument this one suggests, as (key, start label).
    follow_up: Option<(String, String)>,
    instrument_line: String,
    engine_line: String,
    completed: String,
    attach: AttachForm,
}

/// Attaching the result to a case: the screener's open cases, or the case it is attached to.
#[derive(Debug, Default)]
struct AttachForm {
    screening: String,
    cases: Vec<(String, String)>,
    attached: Option<(String, String)>,
}

pub(super) async fn result(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let Some(sid) = ctx.id::<ScreeningId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    let open = state.app.open_screening(&ctx.who, sid).await;
    let (screening, instrument) = match open {
        Ok(open) => (open.screening, open.instrument),
        Err(e) => return ctx.page_error(e),
    };
    let (Some(evaluation), Some(completed_at)) = (&screening.evaluation, screening.completed_at)
    else {
        return Redirect::to(&format!("/screening/{id}")).into_response();
    };
    // The screener's cases: where it can go, or where it is. A role with no cases has none.
    let cases = match state.app.my_cases(&ctx.who).await {
        Ok(cases) => cases,
        Err(AppError::Denied(_)) => Vec::new(),
        Err(e) => return ctx.page_error(e),
    };
    let attach = AttachForm {
        screening: sid.to_string(),
        attached: screening.case_id.and_then(|case| {
            cases
                .iter()
                .find(|c| c.id == case)
                .map(|c| (c.id.to_string(), c.reference.clone()))
        }),
        cases: cases
            .iter()
            .filter(|c| screening.case_id.is_none() && c.status.accepts_work())
            .map(|c| (c.id.to_string(), format!("{} — {}", c.reference, c.alias)))
            .collect(),
    };
    let mut page = result_page(&ctx, &instrument, evaluation, completed_at);
    page.attach = attach;
    render(&page)
}

fn result_page(
    ctx: &Ctx,
    instrument: &Instrument,
    e: &Evaluation,
    completed_at: i64,
) -> ResultPage {
    let tr = ctx.tr();
    let indicators = e
        .indicators
        .iter()
        .filter_map(|k| instrument.indicator(k))
        .map(|i| IndicatorRow {
            label: i.label.text(tr.lang).to_owned(),
            trigger: i.safety_trigger,
            observed: e.observed.contains(&i.key),
        })
        .collect();
    let alert_reasons = e
        .safety_triggers
        .iter()
        .filter_map(|k| instrument.indicator(k))
        .map(|i| i.label.text(tr.lang).to_owned())
        .collect();
    let asked_for = e
        .asked_for
        .iter()
        .filter_map(|k| instrument.indicator(k))
        .map(|i| i.label.text(tr.lang).to_owned())
        .collect();
    let declined = e
        .declined
        .iter()
        .filter_map(|k| instrument.question(k))
        .map(|q| q.text.text(tr.lang).to_owned())
        .collect();
    // The quick screen suggests the full assessment once something is noted; the full
    // assessment suggests nothing further.
    let follow_up = instrument
        .file()
        .follow_up
        .as_ref()
        .filter(|_| e.band >= 1 || e.incomplete)
        .map(|key| (key.clone(), tr.t("screening-follow-up-start")));
    let label_of = |key: &String| {
        instrument
            .indicator(key)
            .map_or_else(|| key.clone(), |i| i.label.text(tr.lang).to_owned())
    };
    let frameworks = e
        .elements
        .iter()
        .map(|f| FrameworkBlock {
            title: tr.t(&format!("framework-{}", f.framework.key())),
            elements: f
                .elements
                .iter()
                .map(|el| {
                    let status_key = match el.status {
                        ElementStatus::Supported => "supported",
                        ElementStatus::Unknown => "unknown",
                        ElementStatus::NotNoted => "not_noted",
                        ElementStatus::NotRequired => "not_required",
                        ElementStatus::NotApplicable => "not_applicable",
                        ElementStatus::NotCovered => "not_covered",
                    };
                    ElementRow {
                        label: tr.t(&format!("element-{}-{}", f.framework.key(), el.element)),
                        status: tr.t(&format!("element-status-{status_key}")),
                        supported: el.status == ElementStatus::Supported,
                        detail: el
                            .indicators
                            .iter()
                            .map(label_of)
                            .collect::<Vec<_>>()
                            .join("; "),
                    }
                })
                .collect(),
        })
        .collect();
    let domains = e
        .domains
        .iter()
        .map(|d| DomainLink {
            label: tr.t(&format!("domain-{}", d.key())),
        })
        .collect();
    let query: Vec<String> = e
        .domains
        .iter()
        .map(|d| format!("domain={}", d.key()))
        .collect();
    let band = e.band.min(3);
    ResultPage {
        shell: ctx.shell(tr.t("screening-result-title"), "screening"),
        tool: instrument.file().title.text(tr.lang).to_owned(),
        alert: e.safety_alert,
        alert_reasons,
        band,
        band_label: tr.t_args(
            "screening-band-label",
            &[("band", Arg::Int(i64::from(band)))],
        ),
        band_sentence: super::band_sentence(&tr, band),
        action: tr.t(&format!("screening-action-{band}")),
        indicators,
        frameworks,
        domains,
        services_href: format!("/services?{}", query.join("&")),
        possibly_minor: e.possibly_minor,
        completeness: tr.t_args(
            "screening-completeness",
            &[
                ("unanswered", Arg::Int(e.unanswered as i64)),
                ("shown", Arg::Int(e.shown as i64)),
            ],
        ),
        incomplete: e.incomplete,
        declined,
        asked_for,
        follow_up,
        instrument_line: super::instrument_line(&tr, instrument),
        engine_line: tr.t_args(
            "screening-engine-line",
            &[
                ("engine", Arg::Int(i64::from(e.engine_version))),
                (
                    "hash",
                    Arg::Text(instrument.content_hash()[..16].to_owned()),
                ),
            ],
        ),
        attach: AttachForm::default(),
        completed: utc_minute(completed_at),
    }
}

/// `2026-11-28 18:41 UTC`: what a printed summary needs, no more.
fn utc_minute(ms: i64) -> String {
    let text = Timestamp::from_millis(ms).to_rfc3339();
    format!("{} {} UTC", &text[..10], &text[11..16])
}
