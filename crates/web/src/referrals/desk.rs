//! `/desk`: the coordination desk — new intakes, referrals waiting and about to expire,
//! urgent needs no referral answers (declined and expired ones come back here), and who is
//! on call with the handover — as a page and as JSON.

use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mosaique_app::{AppError, Invalid};
use mosaique_domain::coordination::{Desk, DeskItem, DeskWhat, NewShift, Shift};
use mosaique_domain::time::{DEFAULT_TIME_ZONE, local_instant};
use mosaique_domain::{Language, Timestamp};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::ApiJson;
use crate::cases::api::{CreatedJson, unprocessable};
use crate::form::Pairs;
use crate::gate::Ctx;
use crate::i18n::Tr;
use crate::problem::{Problem, ProblemBody};
use crate::shell::{Shell, render_with};

use super::pages::local;

/// One line of the desk.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DeskItemJson {
    pub case_id: String,
    pub reference: String,
    pub alias: String,
    /// What it is, in the request's language.
    pub what: String,
    /// The referral waiting, for `waiting` and `expiring` lines.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referral_id: Option<String>,
    pub at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ShiftJson {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub starts_at: String,
    pub ends_at: String,
    /// On call now.
    pub now: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handover: Option<String>,
    pub written_by: String,
}

/// What waits for the coordinators.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DeskJson {
    /// Cases opened by an intake in the last 7 days (those the caller is on the team of).
    pub intakes: Vec<DeskItemJson>,
    /// Referrals sent and not answered yet.
    pub waiting: Vec<DeskItemJson>,
    /// Of those, the ones that expire within 2 hours.
    pub expiring: Vec<DeskItemJson>,
    /// Urgent needs (now, within 24 h) no live referral answers.
    pub urgent: Vec<DeskItemJson>,
    /// Over every case the coalition leads, whoever holds it: new intakes, referrals
    /// waiting, urgent needs without a referral.
    pub desk_counts: [i64; 3],
    /// On call now, next, and just before (with their handover).
    pub on_call: Vec<ShiftJson>,
}

fn what(tr: &Tr, lang: Language, item: &DeskItem) -> String {
    match &item.what {
        DeskWhat::Intake { unsafe_now: true } => tr.t("desk-intake-unsafe"),
        DeskWhat::Intake { unsafe_now: false } => tr.t("desk-intake"),
        DeskWhat::Waiting {
            service,
            expires_at,
            ..
        } => match expires_at {
            Some(at) => tr.t_args(
                "desk-waiting",
                &[
                    ("service", crate::i18n::Arg::Text(service.get(lang).clone())),
                    ("expires", crate::i18n::Arg::Text(local(*at))),
                ],
            ),
            None => service.get(lang).clone(),
        },
        DeskWhat::UrgentNeed { domain, urgency } => format!(
            "{} — {}",
            tr.label("domain", domain.key()),
            tr.label("urgency", urgency.key())
        ),
    }
}

fn item_json(tr: &Tr, lang: Language, item: &DeskItem) -> DeskItemJson {
    DeskItemJson {
        case_id: item.case.to_string(),
        reference: item.reference.clone(),
        alias: item.alias.clone(),
        what: what(tr, lang, item),
        referral_id: match &item.what {
            DeskWhat::Waiting { referral, .. } => Some(referral.to_string()),
            _ => None,
        },
        at: local(item.at),
    }
}

fn shift_json(s: &Shift, now: Timestamp) -> ShiftJson {
    ShiftJson {
        id: s.id.to_string(),
        user_id: s.user.to_string(),
        name: s.name.clone(),
        starts_at: local(s.starts_at),
        ends_at: local(s.ends_at),
        now: s.covers(now),
        handover: s.handover.clone(),
        written_by: s.written_by.clone(),
    }
}

fn desk_json(tr: &Tr, lang: Language, desk: &Desk) -> DeskJson {
    let now = Timestamp(mosaique_app::App::now_ms());
    let items = |list: &[DeskItem]| list.iter().map(|i| item_json(tr, lang, i)).collect();
    DeskJson {
        intakes: items(&desk.intakes),
        waiting: items(&desk.waiting),
        expiring: items(&desk.expiring),
        urgent: items(&desk.urgent),
        desk_counts: [desk.counts.0, desk.counts.1, desk.counts.2],
        on_call: desk.shifts.iter().map(|s| shift_json(s, now)).collect(),
    }
}

#[derive(Template)]
#[template(path = "desk.html")]
struct DeskPage {
    shell: Shell,
    desk: DeskJson,
    counts: String,
    may_roster: bool,
    starts: String,
    ends: String,
    errors: Vec<String>,
}

async fn desk_page(state: &AppState, ctx: &Ctx, errors: Vec<String>) -> Response {
    let tr = ctx.tr();
    let desk = match state.app.desk(&ctx.who).await {
        Ok(desk) => desk,
        Err(e) => return ctx.page_error(e),
    };
    let now = mosaique_app::App::now_ms();
    let minute = |at: i64| local(Timestamp(at)).replace(' ', "T");
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = DeskPage {
        shell: ctx.shell(tr.t("desk-title"), "desk"),
        counts: tr.t_args(
            "desk-counts",
            &[
                ("intakes", crate::i18n::Arg::Int(desk.counts.0)),
                ("waiting", crate::i18n::Arg::Int(desk.counts.1)),
                ("urgent", crate::i18n::Arg::Int(desk.counts.2)),
            ],
        ),
        desk: desk_json(&tr, ctx.lang, &desk),
        may_roster: state.app.may_keep_roster(&ctx.who),
        starts: minute(now),
        ends: minute(now + 12 * 3_600_000),
        errors,
    };
    render_with(&page, status)
}

/// `GET /desk`.
pub(crate) async fn show(State(state): State<AppState>, ctx: Ctx) -> Response {
    desk_page(&state, &ctx, Vec::new()).await
}

/// The input of a shift: the coordinator's address, the start and end (local date and time,
/// `YYYY-MM-DDTHH:MM`, Québec time) and the handover.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ShiftInput {
    pub email: String,
    pub starts_at: String,
    pub ends_at: String,
    #[serde(default)]
    pub handover: Option<String>,
}

/// Adds the shift; or what is wrong with it, in the request's language; or the error.
async fn add(
    state: &AppState,
    ctx: &Ctx,
    input: &ShiftInput,
) -> Result<Result<String, Vec<String>>, AppError> {
    let tr = ctx.tr();
    let starts = local_instant(&input.starts_at, DEFAULT_TIME_ZONE);
    let ends = local_instant(&input.ends_at, DEFAULT_TIME_ZONE);
    let (Some(starts_at), Some(ends_at)) = (starts, ends) else {
        return Ok(Err(vec![tr.t("shift-problem-bad-time")]));
    };
    let handover = input.handover.clone();
    match state
        .app
        .add_shift(&ctx.who, &input.email, |user| NewShift {
            user,
            starts_at,
            ends_at,
            handover,
        })
        .await
    {
        Ok(id) => Ok(Ok(id.to_string())),
        Err(AppError::Invalid(Invalid::Shift(problems))) => {
            Ok(Err(problems.iter().map(|p| tr.t(p.message_id())).collect()))
        }
        Err(e) => Err(e),
    }
}

/// `POST /desk/shifts`: puts someone on call, then back to the desk.
pub(crate) async fn add_shift(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> Response {
    if let Err(e) = state.app.may_manage_roster(&ctx.who).await {
        return ctx.page_error(e);
    }
    let f = Pairs::parse(&body);
    let input = ShiftInput {
        email: f.get("email"),
        starts_at: f.get("starts_at"),
        ends_at: f.get("ends_at"),
        handover: Some(f.get("handover")),
    };
    match add(&state, &ctx, &input).await {
        Ok(Ok(_)) => Redirect::to("/desk#on-call").into_response(),
        Ok(Err(errors)) => desk_page(&state, &ctx, errors).await,
        Err(e) => ctx.page_error(e),
    }
}

/// What waits for the coordinators: new intakes, referrals waiting and about to expire,
/// urgent needs no referral answers, and who is on call.
#[utoipa::path(
    get,
    path = "/api/v1/desk",
    tag = "referrals",
    operation_id = "coordinationDesk",
    responses(
        (status = 200, description = "The desk", body = DeskJson),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Neither a coordinator nor a coalition administrator", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn show_api(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<DeskJson>, Problem> {
    let desk = state.app.desk(&ctx.who).await.map_err(|e| ctx.problem(e))?;
    Ok(Json(desk_json(&ctx.tr(), ctx.lang, &desk)))
}

/// Put a coordinator on call for the intake line, with the previous shift's handover.
#[utoipa::path(
    post,
    path = "/api/v1/desk/shifts",
    tag = "referrals",
    operation_id = "addShift",
    request_body = ShiftInput,
    responses(
        (status = 201, description = "On call", body = CreatedJson),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Neither a coordinator nor a coalition administrator", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Not an active coordinator's address, a time that is not one, an end before the start, a shift over 72 hours, a handover too long", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn add_shift_api(
    State(state): State<AppState>,
    ctx: Ctx,
    body: Result<ApiJson<ShiftInput>, Problem>,
) -> Result<(StatusCode, Json<CreatedJson>), Problem> {
    state
        .app
        .may_manage_roster(&ctx.who)
        .await
        .map_err(|e| ctx.problem(e))?;
    let ApiJson(input) = body?;
    let id = add(&state, &ctx, &input)
        .await
        .map_err(|e| ctx.problem(e))?
        .map_err(|errors| unprocessable(ctx.lang, errors))?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedJson {
            id,
            reference: None,
        }),
    ))
}
