//! The identification tool's results attached to a case: attached by the worker who ran
//! them (from the result page, or in the API), read by the team as the `screening` category
//! is disclosed — the band and the alert, never the answers.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mosaique_domain::screening::ScreeningSummary;
use mosaique_domain::{CaseId, ScreeningId, Timestamp};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::api::{case_id, problem};
use crate::AppState;
use crate::api::ApiJson;
use crate::form::Pairs;
use crate::gate::Ctx;
use crate::i18n::{Arg, Tr};
use crate::problem::{Problem, ProblemBody, ProblemKind};
use crate::shell::PageError;

/// One attached screening as the case page shows it.
#[derive(Debug)]
pub(crate) struct ScreeningRow {
    pub band: u8,
    pub band_label: String,
    pub band_sentence: String,
    pub alert: bool,
    pub tool: String,
    pub completed: String,
}

pub(crate) fn screening_row(tr: &Tr, s: &ScreeningSummary) -> ScreeningRow {
    let band = s.band.unwrap_or_default().min(3);
    ScreeningRow {
        band,
        band_label: tr.t_args(
            "screening-band-label",
            &[("band", Arg::Int(i64::from(band)))],
        ),
        band_sentence: crate::screening::band_sentence(tr, band),
        alert: s.safety_alert,
        tool: format!("{} v{}", s.instrument_key, s.instrument_version),
        completed: mosaique_domain::time::local_date(
            Timestamp(s.updated_at),
            mosaique_domain::time::DEFAULT_TIME_ZONE,
        ),
    }
}

/// An attached screening: its result, not its answers.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CaseScreeningJson {
    pub id: String,
    pub instrument: String,
    pub version: u32,
    /// 0 to 3.
    pub band: u8,
    pub safety_alert: bool,
    pub completed_at: String,
}

pub(crate) fn screening_json(s: &ScreeningSummary) -> CaseScreeningJson {
    CaseScreeningJson {
        id: s.id.to_string(),
        instrument: s.instrument_key.clone(),
        version: s.instrument_version,
        band: s.band.unwrap_or_default(),
        safety_alert: s.safety_alert,
        completed_at: Timestamp(s.updated_at).to_rfc3339(),
    }
}

/// A screening to attach.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AttachJson {
    /// The id of a complete screening the caller ran.
    pub screening: String,
}

/// Attach a complete screening the caller ran to a case whose `screening` category they
/// write. The team then reads its band and alert as consent allows.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/screenings",
    tag = "cases",
    operation_id = "attachScreening",
    params(("id" = String, Path, description = "Case id")),
    request_body = AttachJson,
    responses(
        (status = 204, description = "Attached"),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such case or screening, someone else's screening, or a case whose `screening` category the caller may not write", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The case is closed, or the screening is attached already or not complete", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn attach_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<ApiJson<AttachJson>, Problem>,
) -> Result<StatusCode, Problem> {
    let id = case_id(&ctx, &id)?;
    state
        .app
        .may_act_on_case(
            &ctx.who,
            id,
            mosaique_domain::policy::case::CaseAction::View,
        )
        .await
        .map_err(|e| ctx.problem(e))?;
    let ApiJson(body) = body?;
    let screening: ScreeningId = ctx
        .id(&body.screening)
        .ok_or_else(|| Problem::new(ProblemKind::NotFound, ctx.lang))?;
    state
        .app
        .attach_screening(&ctx.who, id, screening)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /screening/{id}/attach`: from the result page, to the case chosen; back to the
/// case's screenings.
pub(crate) async fn attach_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Some(screening) = ctx.id::<ScreeningId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    // No case chosen: back to the result, whose form asks for one.
    let Some(case) = ctx.id::<CaseId>(Pairs::parse(&body).get("case").trim()) else {
        return Redirect::to(&format!("/screening/{screening}/result")).into_response();
    };
    match state.app.attach_screening(&ctx.who, case, screening).await {
        Ok(()) => Redirect::to(&format!("/cases/{case}#screenings")).into_response(),
        Err(e) => ctx.page_error(e),
    }
}
