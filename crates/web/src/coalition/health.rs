//! The participation dashboard: a coalition's health, year by year, as a page and as JSON.

use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use mosaique_domain::OrgId;
use mosaique_domain::coalition::health::YearHealth;
use serde::Serialize;
use utoipa::ToSchema;

use super::api::{not_found, problem};
use super::name_in;
use crate::AppState;
use crate::gate::Ctx;
use crate::problem::{Problem, ProblemBody};
use crate::shell::{PageError, Shell, render};

struct YearRow {
    year: i16,
    members: usize,
    active: usize,
    joined: usize,
    left: usize,
    meetings: usize,
    attendance: String,
    done: usize,
    late: usize,
    trainings: usize,
    trained: u64,
}

#[derive(Template)]
#[template(path = "coalition_health.html")]
struct HealthPage {
    shell: Shell,
    id: String,
    coalition: String,
    years: Vec<YearRow>,
}

fn percent(rate: Option<f64>) -> String {
    rate.map(|r| format!("{:.0} %", r * 100.0))
        .unwrap_or_else(|| "—".to_owned())
}

/// `GET /coalitions/{id}/health`.
pub(crate) async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = ctx.id::<OrgId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    let tr = ctx.tr();
    let view = match state.app.coalition_health(&ctx.who, id).await {
        Ok(view) => view,
        Err(e) => return ctx.page_error(e),
    };
    let coalition = name_in(&view.coalition.name, ctx.lang);
    render(&HealthPage {
        shell: ctx.shell(
            tr.with("health-title", "coalition", &coalition),
            "coalitions",
        ),
        id: id.to_string(),
        coalition,
        years: view
            .years
            .iter()
            .rev()
            .map(|y| YearRow {
                year: y.year,
                members: y.members,
                active: y.active_members,
                joined: y.joined,
                left: y.left,
                meetings: y.meetings,
                attendance: percent(y.attendance_rate),
                done: y.actions_done,
                late: y.actions_late,
                trainings: y.trainings,
                trained: y.people_trained,
            })
            .collect(),
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct YearHealthJson {
    pub year: i16,
    /// Member organizations on the year's last day (today, for this year).
    pub members: usize,
    /// Members present at one meeting of the year at least.
    pub active_members: usize,
    pub joined: usize,
    pub left: usize,
    /// Meetings held.
    pub meetings: usize,
    /// Present ÷ recorded presences, 0 to 1; absent when none was recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attendance_rate: Option<f64>,
    /// Actions marked done during the year.
    pub actions_done: usize,
    /// Actions open and past due on the year's last day.
    pub actions_late: usize,
    /// Training sessions given.
    pub trainings: usize,
    /// People trained in them.
    pub people_trained: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct HealthJson {
    /// Oldest first, this year last.
    pub years: Vec<YearHealthJson>,
}

fn year_json(y: &YearHealth) -> YearHealthJson {
    YearHealthJson {
        year: y.year,
        members: y.members,
        active_members: y.active_members,
        joined: y.joined,
        left: y.left,
        meetings: y.meetings,
        attendance_rate: y.attendance_rate,
        actions_done: y.actions_done,
        actions_late: y.actions_late,
        trainings: y.trainings,
        people_trained: y.people_trained,
    }
}

/// The coalition's participation dashboard, year by year.
#[utoipa::path(
    get,
    path = "/api/v1/coalitions/{id}/health",
    tag = "coalition",
    operation_id = "coalitionHealth",
    params(("id" = String, Path, description = "The coalition's id")),
    responses(
        (status = 200, description = "Up to ten years, oldest first", body = HealthJson),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not of the coalition's staff nor of a member organization", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such coalition", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<HealthJson>, Problem> {
    let id = ctx.id::<OrgId>(&id).ok_or_else(|| not_found(&ctx))?;
    let view = state
        .app
        .coalition_health(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(Json(HealthJson {
        years: view.years.iter().map(year_json).collect(),
    }))
}
