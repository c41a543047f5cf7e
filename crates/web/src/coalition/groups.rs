//! Working groups (comités): the coalition's list of them with the form that creates one,
//! one group's page (its members, the form that changes them, its meetings and the form
//! that schedules one), and the same over JSON.

use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mosaique_app::App;
use mosaique_domain::coalition::Membership;
use mosaique_domain::coalition::group::{Group, NewGroup};
use mosaique_domain::time::DEFAULT_TIME_ZONE;
use mosaique_domain::{Language, OrgId, Timestamp, WorkingGroupId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::api::{MeetingJson, meeting_json, not_found, problem};
use super::{local, name_in, problems};
use crate::AppState;
use crate::api::ApiJson;
use crate::cases::api::unprocessable;
use crate::cases::form::{BadValue, vocab};
use crate::form::Pairs;
use crate::gate::Ctx;
use crate::problem::{Problem, ProblemBody};
use crate::shell::{PageError, Shell, render_with};

/// Organizations given by id; a bad id is named back.
fn org_ids(raw: &[String], bad: &mut Vec<BadValue>) -> Vec<OrgId> {
    raw.iter()
        .filter(|r| !r.trim().is_empty())
        .filter_map(|r| vocab("organization_ids", r, bad))
        .collect()
}

struct Choice {
    value: String,
    label: String,
    checked: bool,
}

fn choices(members: &[Membership], group: Option<&Group>, lang: Language) -> Vec<Choice> {
    let mut out: Vec<Choice> = members
        .iter()
        .map(|m| Choice {
            value: m.member.to_string(),
            label: name_in(&m.member_name, lang),
            checked: group.is_some_and(|g| g.has_member(m.member)),
        })
        .collect();
    // A member who has left the coalition since stays offered, so saving keeps them.
    if let Some(g) = group {
        for (id, name) in &g.members {
            if !members.iter().any(|m| m.member == *id) {
                out.push(Choice {
                    value: id.to_string(),
                    label: name_in(name, lang),
                    checked: true,
                });
            }
        }
    }
    out
}

struct GroupRow {
    id: String,
    name: String,
    members: String,
}

#[derive(Template)]
#[template(path = "coalition_groups.html")]
struct GroupsPage {
    shell: Shell,
    id: String,
    coalition: String,
    groups: Vec<GroupRow>,
    may_run: bool,
    members: Vec<Choice>,
    errors: Vec<String>,
}

fn member_names(g: &Group, lang: Language) -> String {
    g.members
        .iter()
        .map(|(_, n)| name_in(n, lang))
        .collect::<Vec<_>>()
        .join(", ")
}

async fn groups_page(state: &AppState, ctx: &Ctx, id: OrgId, errors: Vec<String>) -> Response {
    let tr = ctx.tr();
    let view = match state.app.groups(&ctx.who, id).await {
        Ok(view) => view,
        Err(e) => return ctx.page_error(e),
    };
    let coalition = name_in(&view.coalition.name, ctx.lang);
    let status = super::form_status(&errors);
    render_with(
        &GroupsPage {
            shell: ctx.shell(
                tr.with("groups-title", "coalition", &coalition),
                "coalitions",
            ),
            id: id.to_string(),
            coalition,
            groups: view
                .groups
                .iter()
                .map(|g| GroupRow {
                    id: g.id.to_string(),
                    name: g.name.clone(),
                    members: member_names(g, ctx.lang),
                })
                .collect(),
            may_run: view.may_run,
            members: choices(&view.members, None, ctx.lang),
            errors,
        },
        status,
    )
}

/// `GET /coalitions/{id}/groups`.
pub(crate) async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    match ctx.id::<OrgId>(&id) {
        Some(id) => groups_page(&state, &ctx, id, Vec::new()).await,
        None => ctx.error(PageError::NotFound),
    }
}

/// `POST /coalitions/{id}/groups`.
pub(crate) async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Some(id) = ctx.id::<OrgId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    if let Err(e) = state.app.may_run(&ctx.who, id).await {
        return ctx.page_error(e);
    }
    let tr = ctx.tr();
    let f = Pairs::parse(&body);
    let mut bad = Vec::new();
    let members = org_ids(&f.all("organization_ids"), &mut bad);
    if !bad.is_empty() {
        return groups_page(&state, &ctx, id, BadValue::explain(&tr, &bad)).await;
    }
    let new = NewGroup {
        name: f.get("name"),
        mandate: f.get("mandate"),
        members,
    };
    match state.app.record_group(&ctx.who, id, new).await {
        Ok(group) => Redirect::to(&format!("/groups/{group}")).into_response(),
        Err(e) => match problems(&tr, &e) {
            Some(errors) => groups_page(&state, &ctx, id, errors).await,
            None => ctx.page_error(e),
        },
    }
}

struct MeetingRow {
    id: String,
    title: String,
    when: String,
}

#[derive(Template)]
#[template(path = "coalition_group.html")]
struct GroupPage {
    shell: Shell,
    id: String,
    coalition_id: String,
    coalition: String,
    mandate: String,
    members: String,
    upcoming: Vec<MeetingRow>,
    past: Vec<MeetingRow>,
    may_run: bool,
    choices: Vec<Choice>,
    version: i64,
    today: String,
    zone: String,
    errors: Vec<String>,
}

async fn group_page(
    state: &AppState,
    ctx: &Ctx,
    id: WorkingGroupId,
    errors: Vec<String>,
) -> Response {
    let view = match state.app.group(&ctx.who, id).await {
        Ok(view) => view,
        Err(e) => return ctx.page_error(e),
    };
    let now = App::now_ms();
    let row = |m: &&mosaique_domain::coalition::meeting::Meeting| MeetingRow {
        id: m.id.to_string(),
        title: m.title.clone(),
        when: local(m.starts_at, &m.time_zone),
    };
    let (past, upcoming): (Vec<_>, Vec<_>) = view.meetings.iter().partition(|m| m.ends_at.0 < now);
    let status = super::form_status(&errors);
    render_with(
        &GroupPage {
            shell: ctx.shell(view.group.name.clone(), "coalitions"),
            id: id.to_string(),
            coalition_id: view.coalition.id.to_string(),
            coalition: name_in(&view.coalition.name, ctx.lang),
            mandate: view.group.mandate.clone(),
            members: member_names(&view.group, ctx.lang),
            upcoming: upcoming.iter().map(row).collect(),
            past: past.iter().rev().map(row).collect(),
            may_run: view.may_run,
            choices: choices(&view.members, Some(&view.group), ctx.lang),
            version: view.group.version,
            today: mosaique_domain::time::local_date(Timestamp(now), DEFAULT_TIME_ZONE),
            zone: DEFAULT_TIME_ZONE.to_owned(),
            errors,
        },
        status,
    )
}

/// `GET /groups/{group}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    match ctx.id::<WorkingGroupId>(&id) {
        Some(id) => group_page(&state, &ctx, id, Vec::new()).await,
        None => ctx.error(PageError::NotFound),
    }
}

/// `POST /groups/{group}/members`.
pub(crate) async fn members(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Some(id) = ctx.id::<WorkingGroupId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    if let Err(e) = state.app.may_run_group(&ctx.who, id).await {
        return ctx.page_error(e);
    }
    let tr = ctx.tr();
    let f = Pairs::parse(&body);
    let mut bad = Vec::new();
    let members = org_ids(&f.all("organization_ids"), &mut bad);
    if !bad.is_empty() {
        return group_page(&state, &ctx, id, BadValue::explain(&tr, &bad)).await;
    }
    let version = f.get("version").parse().unwrap_or(-1);
    match state
        .app
        .set_group_members(&ctx.who, id, version, members)
        .await
    {
        Ok(()) => Redirect::to(&format!("/groups/{id}")).into_response(),
        Err(e) => match problems(&tr, &e) {
            Some(errors) => group_page(&state, &ctx, id, errors).await,
            None => ctx.page_error(e),
        },
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct GroupMemberJson {
    pub organization_id: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WorkingGroupJson {
    pub id: String,
    pub coalition_id: String,
    pub name: String,
    pub mandate: String,
    pub members: Vec<GroupMemberJson>,
    /// Send it back with a change of members: a change from an older version is refused (409).
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WorkingGroupListJson {
    pub items: Vec<WorkingGroupJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WorkingGroupDetailJson {
    #[serde(flatten)]
    pub group: WorkingGroupJson,
    /// Its meetings, earliest first.
    pub meetings: Vec<MeetingJson>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct WorkingGroupInput {
    pub name: String,
    #[serde(default)]
    pub mandate: Option<String>,
    /// Today's member organizations of the coalition.
    #[serde(default)]
    pub organization_ids: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct GroupMembersInput {
    pub organization_ids: Vec<String>,
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WorkingGroupCreatedJson {
    pub id: String,
}

fn group_json(g: &Group, lang: Language) -> WorkingGroupJson {
    WorkingGroupJson {
        id: g.id.to_string(),
        coalition_id: g.coalition.to_string(),
        name: g.name.clone(),
        mandate: g.mandate.clone(),
        members: g
            .members
            .iter()
            .map(|(id, name)| GroupMemberJson {
                organization_id: id.to_string(),
                name: name_in(name, lang),
            })
            .collect(),
        version: g.version,
    }
}

/// A coalition's working groups.
#[utoipa::path(
    get,
    path = "/api/v1/coalitions/{id}/groups",
    tag = "coalition",
    operation_id = "listWorkingGroups",
    params(("id" = String, Path, description = "The coalition's id")),
    responses(
        (status = 200, description = "Its working groups, by name", body = WorkingGroupListJson),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not of the coalition's staff nor of a member organization", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such coalition", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn list_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<WorkingGroupListJson>, Problem> {
    let id = ctx.id::<OrgId>(&id).ok_or_else(|| not_found(&ctx))?;
    let view = state
        .app
        .groups(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(Json(WorkingGroupListJson {
        items: view
            .groups
            .iter()
            .map(|g| group_json(g, ctx.lang))
            .collect(),
    }))
}

/// Creates a working group of today's members.
#[utoipa::path(
    post,
    path = "/api/v1/coalitions/{id}/groups",
    tag = "coalition",
    operation_id = "createWorkingGroup",
    params(("id" = String, Path, description = "The coalition's id")),
    request_body = WorkingGroupInput,
    responses(
        (status = 201, description = "Created", body = WorkingGroupCreatedJson),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not a coalition administrator or coordinator", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such coalition", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "No name, an organization that is not a member today or given twice", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn create_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<ApiJson<WorkingGroupInput>, Problem>,
) -> Result<(StatusCode, Json<WorkingGroupCreatedJson>), Problem> {
    let id = ctx.id::<OrgId>(&id).ok_or_else(|| not_found(&ctx))?;
    state
        .app
        .may_run(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    let ApiJson(input) = body?;
    let mut bad = Vec::new();
    let members = org_ids(&input.organization_ids, &mut bad);
    if !bad.is_empty() {
        return Err(unprocessable(ctx.lang, BadValue::explain(&ctx.tr(), &bad)));
    }
    let new = NewGroup {
        name: input.name,
        mandate: input.mandate.unwrap_or_default(),
        members,
    };
    let created = state
        .app
        .record_group(&ctx.who, id, new)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok((
        StatusCode::CREATED,
        Json(WorkingGroupCreatedJson {
            id: created.to_string(),
        }),
    ))
}

/// One working group, with its meetings.
#[utoipa::path(
    get,
    path = "/api/v1/groups/{id}",
    tag = "coalition",
    operation_id = "getWorkingGroup",
    params(("id" = String, Path, description = "The working group's id")),
    responses(
        (status = 200, description = "The group and its meetings", body = WorkingGroupDetailJson),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not of the coalition's staff nor of a member organization", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such working group", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn show_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<WorkingGroupDetailJson>, Problem> {
    let id = ctx
        .id::<WorkingGroupId>(&id)
        .ok_or_else(|| not_found(&ctx))?;
    let view = state
        .app
        .group(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(Json(WorkingGroupDetailJson {
        group: group_json(&view.group, ctx.lang),
        meetings: view
            .meetings
            .iter()
            .map(|m| meeting_json(&state, m))
            .collect(),
    }))
}

/// Sets a working group's members.
#[utoipa::path(
    put,
    path = "/api/v1/groups/{id}/members",
    tag = "coalition",
    operation_id = "setWorkingGroupMembers",
    params(("id" = String, Path, description = "The working group's id")),
    request_body = GroupMembersInput,
    responses(
        (status = 204, description = "Saved"),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not a coalition administrator or coordinator", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such working group", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The group changed since that version", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "An added organization that is not a member today, one given twice", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn members_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<ApiJson<GroupMembersInput>, Problem>,
) -> Result<StatusCode, Problem> {
    let id = ctx
        .id::<WorkingGroupId>(&id)
        .ok_or_else(|| not_found(&ctx))?;
    state
        .app
        .may_run_group(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    let ApiJson(input) = body?;
    let mut bad = Vec::new();
    let members = org_ids(&input.organization_ids, &mut bad);
    if !bad.is_empty() {
        return Err(unprocessable(ctx.lang, BadValue::explain(&ctx.tr(), &bad)));
    }
    state
        .app
        .set_group_members(&ctx.who, id, input.version, members)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(StatusCode::NO_CONTENT)
}
