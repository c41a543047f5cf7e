//! `/api/v1/cases/{id}/team`: the team over JSON, for the lead worker. The team itself is
//! read with the case (`GET /api/v1/cases/{id}`, `team`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use mosaique_domain::UserId;
use mosaique_domain::case::CaseRole;
use mosaique_domain::policy::case::CaseAction;
use serde::Deserialize;
use utoipa::ToSchema;

use super::api::{case_id, problem, unprocessable};
use super::form::BadValue;
use crate::AppState;
use crate::api::ApiJson;
use crate::gate::Ctx;
use crate::problem::{Problem, ProblemBody, ProblemKind};

/// Who joins the team, and as what.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MemberInput {
    /// The account's e-mail.
    pub email: String,
    /// `lead_worker` (the lead organization's staff only), `team_member` or `observer`
    /// (police liaisons observe only).
    pub role: String,
}

/// Put an account on the team, or change its role (the lead worker).
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/team",
    tag = "cases",
    operation_id = "addTeamMember",
    params(("id" = String, Path, description = "Case id")),
    request_body = MemberInput,
    responses(
        (status = 204, description = "On the team"),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or the caller does not manage its team", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The case is closed", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "An unknown account or role, a role that does not do case work, a police liaison as anything but an observer, a lead worker from outside the lead", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn add_member(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<ApiJson<MemberInput>, Problem>,
) -> Result<StatusCode, Problem> {
    let id = case_id(&ctx, &id)?;
    state
        .app
        .may_act_on_case(&ctx.who, id, CaseAction::ManageTeam)
        .await
        .map_err(|e| ctx.problem(e))?;
    let ApiJson(input) = body?;
    let role: CaseRole = input.role.trim().parse().map_err(|_| {
        let bad = [BadValue {
            field: "role",
            value: input.role.clone(),
        }];
        unprocessable(ctx.lang, BadValue::explain(&ctx.tr(), &bad))
    })?;
    state
        .app
        .add_team_member(&ctx.who, id, &input.email, role)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Take someone off the team (the lead worker); their access ends with their next request.
#[utoipa::path(
    delete,
    path = "/api/v1/cases/{id}/team/{user}",
    tag = "cases",
    operation_id = "removeTeamMember",
    params(
        ("id" = String, Path, description = "Case id"),
        ("user" = String, Path, description = "The member's user id"),
    ),
    responses(
        (status = 204, description = "Off the team"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such case or member, or the caller does not manage its team", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "The case's last lead worker", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn remove_member(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, user)): Path<(String, String)>,
) -> Result<StatusCode, Problem> {
    let id = case_id(&ctx, &id)?;
    let user: UserId = ctx
        .id(&user)
        .ok_or_else(|| Problem::new(ProblemKind::NotFound, ctx.lang))?;
    state
        .app
        .remove_team_member(&ctx.who, id, user)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(StatusCode::NO_CONTENT)
}
