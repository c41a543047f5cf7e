//! The screening interview: pick a tool, answer one question at a time (skip logic,
//! progress, save and resume), review, then a printable result whose next step — the
//! services of the recommended domains — is one click away. Works without JavaScript and
//! with the keyboard alone: every step is a plain form.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mosaique_domain::policy::{Action, Resource, can};
use mosaique_domain::screening::instrument::{AnswerType, Mode, NON_ANSWERS, Question};
use mosaique_domain::screening::{
    ElementStatus, Evaluation, Instrument, evaluate, next_question, shown_questions,
};
use mosaique_domain::{Actor, Timestamp};
use mosaique_store::StoreError;
use mosaique_store::screenings::{
    InstrumentStatus, Screener, Screening, ScreeningState, StoredInstrument,
};
use serde::Deserialize;

use super::{PageContext, PageError, Shell, render};
use crate::AppState;
use crate::i18n::{Arg, Tr};
use crate::session::SignedIn;

fn may_screen(actor: &Actor) -> bool {
    can(Some(actor), Action::Screen, &Resource::Instruments).is_allowed()
}

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

/// Instruments a new screening may use: the newest version of each key that is not retired.
async fn usable_instruments(state: &AppState) -> Result<Vec<StoredInstrument>, StoreError> {
    let mut usable: Vec<StoredInstrument> = Vec::new();
    for stored in state.db.instruments().await? {
        if stored.status != InstrumentStatus::Retired
            && !usable
                .iter()
                .any(|u| u.instrument.key() == stored.instrument.key())
        {
            usable.push(stored);
        }
    }
    // The quick screen first: it is the first contact.
    usable.sort_by_key(|s| s.instrument.file().questions.len());
    Ok(usable)
}

pub(super) async fn home(
    State(state): State<AppState>,
    ctx: PageContext,
    SignedIn(session): SignedIn,
) -> Response {
    render_home(&state, &ctx, &session.live.user.actor(), None).await
}

async fn render_home(
    state: &AppState,
    ctx: &PageContext,
    actor: &Actor,
    error: Option<String>,
) -> Response {
    if !may_screen(actor) {
        return ctx.error(PageError::Forbidden);
    }
    let tr = ctx.tr();
    let (usable, mine) = match (
        usable_instruments(state).await,
        state.db.screenings_by(actor.user_id, 50).await,
    ) {
        (Ok(u), Ok(m)) => (u, m),
        (Err(e), _) | (_, Err(e)) => return ctx.error(PageError::from_store(e)),
    };
    let all = match state.db.instruments().await {
        Ok(all) => all,
        Err(e) => return ctx.error(PageError::from_store(e)),
    };
    let title_of = |key: &str, version: u32| {
        all.iter()
            .find(|s| s.instrument.key() == key && s.instrument.version() == version)
            .map_or_else(
                || key.to_owned(),
                |s| s.instrument.file().title.get(tr.lang).to_owned(),
            )
    };
    let tools = usable
        .iter()
        .map(|s| {
            let f = s.instrument.file();
            ToolCard {
                key: f.key.clone(),
                title: f.title.get(tr.lang).to_owned(),
                summary: f.summary.get(tr.lang).to_owned(),
                version: tr.t_args(
                    "screening-version",
                    &[("version", Arg::Int(i64::from(f.version)))],
                ),
                questions: tr.count("screening-questions-count", f.questions.len() as i64),
                pilot: s.status == InstrumentStatus::Pilot,
                validation: crate::screening::validation_sentence(&tr, f.validation),
                start_label: tr.with("screening-start-named", "title", f.title.get(tr.lang)),
            }
        })
        .collect();
    let row = |s: &mosaique_store::screenings::ScreeningSummary| ScreeningRow {
        id: s.id.clone(),
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
    let in_progress = mine
        .iter()
        .filter(|s| s.state == ScreeningState::InProgress)
        .map(row)
        .collect();
    let recent = mine
        .iter()
        .filter(|s| s.state == ScreeningState::Complete)
        .map(row)
        .collect();
    render(&HomePage {
        shell: ctx.shell(tr.t("screening-title"), "screening"),
        tools,
        in_progress,
        recent,
        error,
    })
}

#[derive(Debug, Deserialize)]
pub(super) struct StartForm {
    #[serde(default)]
    instrument: String,
}

pub(super) async fn start(
    State(state): State<AppState>,
    ctx: PageContext,
    SignedIn(session): SignedIn,
    form: Result<Form<StartForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let user = &session.live.user;
    let actor = user.actor();
    if !may_screen(&actor) {
        return ctx.error(PageError::Forbidden);
    }
    let key = form.map(|Form(f)| f.instrument).unwrap_or_default();
    let usable = match usable_instruments(&state).await {
        Ok(u) => u,
        Err(e) => return ctx.error(PageError::from_store(e)),
    };
    let Some(stored) = usable.iter().find(|s| s.instrument.key() == key) else {
        let message = ctx.tr().t("screening-error-instrument");
        let mut response = render_home(&state, &ctx, &actor, Some(message)).await;
        if response.status().is_success() {
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        }
        return response;
    };
    let screener = Screener {
        user: user.id,
        role: user.role,
        language: ctx.lang,
        instrument: &stored.instrument,
    };
    match state.db.start_screening(screener).await {
        Ok(id) => Redirect::to(&format!("/screening/{id}")).into_response(),
        Err(e) => ctx.error(PageError::from_store(e)),
    }
}

/// Opens a screening for its screener; anyone else gets "not found", which discloses nothing.
async fn open(
    state: &AppState,
    ctx: &PageContext,
    actor: &Actor,
    id: &str,
) -> Result<(Screening, Instrument), Response> {
    let owner = match state.db.screening_owner(id).await {
        Ok(Some(owner)) => owner,
        Ok(None) => return Err(ctx.error(PageError::NotFound)),
        Err(e) => return Err(ctx.error(PageError::from_store(e))),
    };
    if !can(
        Some(actor),
        Action::ViewScreening,
        &Resource::Screening { created_by: owner },
    )
    .is_allowed()
    {
        return Err(ctx.error(PageError::NotFound));
    }
    let screening = match state.db.screening(id, (actor.user_id, actor.role)).await {
        Ok(Some(s)) => s,
        Ok(None) => return Err(ctx.error(PageError::NotFound)),
        Err(e) => return Err(ctx.error(PageError::from_store(e))),
    };
    match state
        .db
        .instrument(
            &screening.instrument_key,
            Some(screening.instrument_version),
        )
        .await
    {
        Ok(Some(stored)) if stored.instrument.content_hash() == screening.content_hash => {
            Ok((screening, stored.instrument))
        }
        Ok(_) => Err(ctx.error(PageError::Internal)),
        Err(e) => Err(ctx.error(PageError::from_store(e))),
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
            .map_or_else(|| value.to_owned(), |o| o.text.get(tr.lang).to_owned()),
        _ => tr.t(&format!("screening-answer-{value}")),
    }
}

pub(super) async fn interview(
    State(state): State<AppState>,
    ctx: PageContext,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Query(query): Query<QuestionQuery>,
) -> Response {
    let actor = session.live.user.actor();
    let (screening, instrument) = match open(&state, &ctx, &actor, &id).await {
        Ok(opened) => opened,
        Err(response) => return response,
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
                    text: q.text.get(tr.lang).to_owned(),
                    answer: answer_label(&tr, q, value),
                    edit_label: tr.with("screening-edit-named", "question", q.text.get(tr.lang)),
                })
                .collect();
            render(&ReviewPage {
                shell: ctx.shell(tr.t("screening-review-title"), "screening"),
                id,
                tool: instrument.file().title.get(tr.lang).to_owned(),
                rows,
            })
        }
    }
}

fn question_page(
    ctx: &PageContext,
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
        shell: ctx.shell(question.text.get(tr.lang).to_owned(), "screening"),
        id: id.to_owned(),
        tool: instrument.file().title.get(tr.lang).to_owned(),
        section: instrument
            .section(&question.section)
            .map(|s| s.title.get(tr.lang).to_owned())
            .unwrap_or_default(),
        key: question.key.clone(),
        text: question.text.get(tr.lang).to_owned(),
        help: question.help.as_ref().map(|h| h.get(tr.lang).to_owned()),
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
    ctx: PageContext,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    form: Result<Form<AnswerForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let actor = session.live.user.actor();
    let (screening, instrument) = match open(&state, &ctx, &actor, &id).await {
        Ok(opened) => opened,
        Err(response) => return response,
    };
    if screening.state == ScreeningState::Complete {
        return ctx.error(PageError::BadRequest(ctx.tr().t("screening-error-closed")));
    }
    let form = form.map(|Form(f)| f).unwrap_or(AnswerForm {
        question: String::new(),
        value: String::new(),
    });
    let shown = shown_questions(&instrument, &screening.answers);
    let Some(question) = shown
        .iter()
        .map(|(q, _)| *q)
        .find(|q| q.key == form.question)
    else {
        return ctx.error(PageError::BadRequest(ctx.tr().t("screening-error-answer")));
    };
    if !question.values().contains(&form.value.as_str()) {
        // Nothing chosen: the same question again, with what went wrong.
        let mut page = question_page(
            &ctx,
            &id,
            &instrument,
            &screening.answers,
            question,
            Some(ctx.tr().t("screening-error-answer")),
        );
        page.shell.title = format!(
            "{} — {}",
            ctx.tr().t("error-bad-request-title"),
            page.shell.title
        );
        let mut response = render(&page);
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        return response;
    }
    let mut answers = screening.answers.clone();
    answers.insert(question.key.clone(), form.value.clone());
    match state
        .db
        .save_screening_answers(&id, actor.user_id, &answers)
        .await
    {
        Ok(()) => Redirect::to(&format!("/screening/{id}")).into_response(),
        Err(StoreError::Conflict(_)) => {
            ctx.error(PageError::BadRequest(ctx.tr().t("screening-error-closed")))
        }
        Err(e) => ctx.error(PageError::from_store(e)),
    }
}

pub(super) async fn complete(
    State(state): State<AppState>,
    ctx: PageContext,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let actor = session.live.user.actor();
    let (screening, instrument) = match open(&state, &ctx, &actor, &id).await {
        Ok(opened) => opened,
        Err(response) => return response,
    };
    if screening.state == ScreeningState::Complete {
        return Redirect::to(&format!("/screening/{id}/result")).into_response();
    }
    // Answers saved by this form were checked one by one; an instrument change would have
    // changed the hash, which `open` refuses.
    let evaluation = match evaluate(&instrument, &screening.answers) {
        Ok(e) => e,
        Err(_) => return ctx.error(PageError::BadRequest(ctx.tr().t("screening-error-answer"))),
    };
    match state
        .db
        .complete_screening(&id, (actor.user_id, actor.role), &evaluation)
        .await
    {
        Ok(()) | Err(StoreError::Conflict(_)) => {
            Redirect::to(&format!("/screening/{id}/result")).into_response()
        }
        Err(e) => ctx.error(PageError::from_store(e)),
    }
}

pub(super) async fn discard(
    State(state): State<AppState>,
    ctx: PageContext,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let actor = session.live.user.actor();
    if let Err(response) = open(&state, &ctx, &actor, &id).await {
        return response;
    }
    match state
        .db
        .discard_screening(&id, (actor.user_id, actor.role))
        .await
    {
        Ok(()) => Redirect::to("/screening").into_response(),
        Err(StoreError::Conflict(_)) => {
            ctx.error(PageError::BadRequest(ctx.tr().t("screening-error-closed")))
        }
        Err(e) => ctx.error(PageError::from_store(e)),
    }
}

#[derive(Debug)]
struct IndicatorRow {
    label: String,
    trigger: bool,
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
    instrument_line: String,
    engine_line: String,
    completed: String,
}

pub(super) async fn result(
    State(state): State<AppState>,
    ctx: PageContext,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let actor = session.live.user.actor();
    let (screening, instrument) = match open(&state, &ctx, &actor, &id).await {
        Ok(opened) => opened,
        Err(response) => return response,
    };
    let (Some(evaluation), Some(completed_at)) = (&screening.evaluation, screening.completed_at)
    else {
        return Redirect::to(&format!("/screening/{id}")).into_response();
    };
    render(&result_page(&ctx, &instrument, evaluation, completed_at))
}

fn result_page(
    ctx: &PageContext,
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
            label: i.label.get(tr.lang).to_owned(),
            trigger: i.safety_trigger,
        })
        .collect();
    let label_of = |key: &String| {
        instrument
            .indicator(key)
            .map_or_else(|| key.clone(), |i| i.label.get(tr.lang).to_owned())
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
        tool: instrument.file().title.get(tr.lang).to_owned(),
        alert: e.safety_alert,
        band,
        band_label: tr.t_args(
            "screening-band-label",
            &[("band", Arg::Int(i64::from(band)))],
        ),
        band_sentence: crate::screening::band_sentence(&tr, band),
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
        instrument_line: crate::screening::instrument_line(&tr, instrument),
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
        completed: utc_minute(completed_at),
    }
}

/// `2026-11-28 18:41 UTC`: what a printed summary needs, no more.
fn utc_minute(ms: i64) -> String {
    let text = Timestamp::from_millis(ms).to_rfc3339();
    format!("{} {} UTC", &text[..10], &text[11..16])
}
