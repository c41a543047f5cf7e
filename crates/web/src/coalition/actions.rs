//! The coalition's action plan: its page (by pillar, what is late shown as such), one
//! action with its history and the form that moves it, the public summary, and the same
//! over JSON.

use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mosaique_app::coalitions::{ActionView, PlanView};
use mosaique_domain::coalition::action::{Action, ActionStatus, NewAction, Pillar};
use mosaique_domain::{ActionId, Language, MeetingId, OrgId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::api::{not_found, problem};
use super::{name_in, problems};
use crate::AppState;
use crate::api::ApiJson;
use crate::cases::api::unprocessable;
use crate::cases::form::BadValue;
use crate::form::Pairs;
use crate::gate::Ctx;
use crate::i18n::Tr;
use crate::problem::{Problem, ProblemBody};
use crate::shell::{PageError, Shell, render, render_with};

/// An action as text, from a form or a JSON body.
pub(crate) struct ActionText {
    pub pillar: String,
    pub title: String,
    pub description: String,
    pub owner: String,
    pub partners: Vec<String>,
    pub indicators: String,
    pub due_on: String,
    pub public: bool,
    pub meeting: String,
}

impl ActionText {
    /// Organizations are given by id; `resolve` turns a form's directory slugs into ids first.
    pub(crate) fn to_new(&self) -> Result<NewAction, Vec<BadValue>> {
        let mut bad = Vec::new();
        let mut flag = |field: &'static str, value: &str| {
            bad.push(BadValue {
                field,
                value: value.to_owned(),
            })
        };
        let pillar = match self.pillar.trim() {
            "" => None,
            key => {
                let p = Pillar::from_key(key);
                if p.is_none() {
                    flag("pillar", key);
                }
                p
            }
        };
        let org = |raw: &str, flag: &mut dyn FnMut(&'static str, &str), field| {
            let parsed = raw.trim().parse::<OrgId>().ok();
            if parsed.is_none() {
                flag(field, raw);
            }
            parsed
        };
        let owner = match self.owner.trim() {
            "" => None,
            raw => org(raw, &mut flag, "owner"),
        };
        let partners: Vec<OrgId> = self
            .partners
            .iter()
            .filter(|p| !p.trim().is_empty())
            .filter_map(|p| org(p, &mut flag, "partners"))
            .collect();
        let due_on = match self.due_on.trim() {
            "" => None,
            raw => {
                let d = raw.parse().ok();
                if d.is_none() {
                    flag("due_on", raw);
                }
                d
            }
        };
        let meeting = match self.meeting.trim() {
            "" => None,
            raw => {
                let m = raw.parse::<MeetingId>().ok();
                if m.is_none() {
                    flag("meeting_id", raw);
                }
                m
            }
        };
        if !bad.is_empty() {
            return Err(bad);
        }
        Ok(NewAction {
            pillar,
            title: self.title.clone(),
            description: self.description.clone(),
            owner,
            partners,
            indicators: self.indicators.clone(),
            due_on,
            public: self.public,
            meeting,
        })
    }
}

struct ActionRow {
    id: String,
    title: String,
    status: String,
    late: bool,
    due: String,
    owner: String,
}

struct PillarGroup {
    name: String,
    rows: Vec<ActionRow>,
}

fn status_label(tr: &Tr, status: ActionStatus) -> String {
    tr.t(&format!("action-status-{}", status.key()))
}

fn pillar_label(tr: &Tr, pillar: Option<Pillar>) -> String {
    match pillar {
        Some(p) => tr.t(&format!("pillar-{}", p.key())),
        None => tr.t("pillar-none"),
    }
}

/// The plan grouped by pillar (action items outside the plan last).
fn groups(tr: &Tr, lang: Language, view: &PlanView) -> Vec<PillarGroup> {
    let order = Pillar::ALL.into_iter().map(Some).chain([None]);
    order
        .filter_map(|pillar| {
            let rows: Vec<ActionRow> = view
                .actions
                .iter()
                .filter(|a| a.pillar == pillar)
                .map(|a| ActionRow {
                    id: a.id.to_string(),
                    title: a.title.clone(),
                    status: status_label(tr, a.status),
                    late: a.is_late(view.today),
                    due: a.due_on.map(|d| d.to_string()).unwrap_or_default(),
                    owner: a
                        .owner
                        .as_ref()
                        .map(|(_, n)| name_in(n, lang))
                        .unwrap_or_default(),
                })
                .collect();
            (!rows.is_empty()).then(|| PillarGroup {
                name: pillar_label(tr, pillar),
                rows,
            })
        })
        .collect()
}

#[derive(Template)]
#[template(path = "coalition_plan.html")]
struct PlanPage {
    shell: Shell,
    id: String,
    coalition: String,
    groups: Vec<PillarGroup>,
    counts: String,
    may_run: bool,
    public: bool,
    pillars: Vec<(String, String)>,
    errors: Vec<String>,
}

/// "12 actions: 3 done, 2 late."
fn counts(tr: &Tr, view: &PlanView) -> String {
    let done = view
        .actions
        .iter()
        .filter(|a| a.status == ActionStatus::Done)
        .count();
    let late = view
        .actions
        .iter()
        .filter(|a| a.is_late(view.today))
        .count();
    tr.t_args(
        "plan-counts",
        &[
            ("total", crate::i18n::Arg::Int(view.actions.len() as i64)),
            ("done", crate::i18n::Arg::Int(done as i64)),
            ("late", crate::i18n::Arg::Int(late as i64)),
        ],
    )
}

async fn plan_page(state: &AppState, ctx: &Ctx, id: OrgId, errors: Vec<String>) -> Response {
    let tr = ctx.tr();
    let view = match state.app.action_plan(&ctx.who, id).await {
        Ok(view) => view,
        Err(e) => return ctx.page_error(e),
    };
    let status = super::form_status(&errors);
    let coalition = name_in(&view.coalition.name, ctx.lang);
    render_with(
        &PlanPage {
            shell: ctx.shell(tr.with("plan-title", "coalition", &coalition), "coalitions"),
            id: id.to_string(),
            coalition,
            groups: groups(&tr, ctx.lang, &view),
            counts: counts(&tr, &view),
            may_run: view.may_run,
            public: false,
            pillars: Pillar::ALL
                .iter()
                .map(|p| (p.key().to_owned(), tr.t(&format!("pillar-{}", p.key()))))
                .collect(),
            errors,
        },
        status,
    )
}

/// `GET /coalitions/{id}/actions`.
pub(crate) async fn plan(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    match ctx.id::<OrgId>(&id) {
        Some(id) => plan_page(&state, &ctx, id, Vec::new()).await,
        None => ctx.error(PageError::NotFound),
    }
}

/// `GET /coalitions/{id}/plan`: the public summary, for anyone.
pub(crate) async fn public_plan(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = ctx.id::<OrgId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    let tr = ctx.tr();
    let view = match state.app.public_plan(&ctx.who, id).await {
        Ok(view) => view,
        Err(e) => return ctx.page_error(e),
    };
    let coalition = name_in(&view.coalition.name, ctx.lang);
    render(&PlanPage {
        shell: ctx.shell(tr.with("plan-title", "coalition", &coalition), ""),
        id: id.to_string(),
        coalition,
        groups: groups(&tr, ctx.lang, &view),
        counts: counts(&tr, &view),
        may_run: false,
        public: true,
        pillars: Vec::new(),
        errors: Vec::new(),
    })
}

/// Organizations named by their directory slugs (a form), as ids.
async fn slugs_to_ids(
    state: &AppState,
    text: &str,
    bad: &mut Vec<BadValue>,
    field: &'static str,
) -> Result<Vec<String>, mosaique_app::AppError> {
    let mut ids = Vec::new();
    for slug in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match state.app.organization_by_slug(slug).await {
            Ok(o) => ids.push(o.id.to_string()),
            Err(mosaique_app::AppError::NotFound) => bad.push(BadValue {
                field,
                value: slug.to_owned(),
            }),
            Err(e) => return Err(e),
        }
    }
    Ok(ids)
}

/// `POST /coalitions/{id}/actions`.
pub(crate) async fn record(
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
    let owner = match slugs_to_ids(&state, &f.get("owner"), &mut bad, "owner").await {
        Ok(ids) => ids.into_iter().next().unwrap_or_default(),
        Err(e) => return ctx.page_error(e),
    };
    let partners = match slugs_to_ids(&state, &f.get("partners"), &mut bad, "partners").await {
        Ok(ids) => ids,
        Err(e) => return ctx.page_error(e),
    };
    let text = ActionText {
        pillar: f.get("pillar"),
        title: f.get("title"),
        description: f.get("description"),
        owner,
        partners,
        indicators: f.get("indicators"),
        due_on: f.get("due_on"),
        public: f.on("public"),
        meeting: String::new(),
    };
    let new = match text.to_new() {
        Ok(new) if bad.is_empty() => new,
        Ok(_) => return plan_page(&state, &ctx, id, BadValue::explain(&tr, &bad)).await,
        Err(more) => {
            bad.extend(more);
            return plan_page(&state, &ctx, id, BadValue::explain(&tr, &bad)).await;
        }
    };
    match state.app.record_action(&ctx.who, id, new).await {
        Ok(action) => Redirect::to(&format!("/actions/{action}")).into_response(),
        Err(e) => match problems(&tr, &e) {
            Some(errors) => plan_page(&state, &ctx, id, errors).await,
            None => ctx.page_error(e),
        },
    }
}

struct ProgressRow {
    at: String,
    by: String,
    status: String,
    note: String,
}

#[derive(Template)]
#[template(path = "coalition_action.html")]
struct ActionPage {
    shell: Shell,
    id: String,
    coalition_id: String,
    coalition: String,
    pillar: String,
    description: String,
    owner: String,
    partners: String,
    indicators: String,
    due: String,
    status: String,
    late: bool,
    progress: Vec<ProgressRow>,
    /// (key, label) of the statuses it may move to, its own first.
    moves: Vec<(String, String)>,
    version: i64,
    may_run: bool,
    errors: Vec<String>,
}

async fn action_page(state: &AppState, ctx: &Ctx, id: ActionId, errors: Vec<String>) -> Response {
    let tr = ctx.tr();
    let view: ActionView = match state.app.action(&ctx.who, id).await {
        Ok(view) => view,
        Err(e) => return ctx.page_error(e),
    };
    let a = &view.action;
    let status = super::form_status(&errors);
    let mut moves = vec![a.status];
    moves.extend(
        ActionStatus::ALL
            .into_iter()
            .filter(|s| *s != a.status && a.status.may_become(*s)),
    );
    render_with(
        &ActionPage {
            shell: ctx.shell(a.title.clone(), "coalitions"),
            id: a.id.to_string(),
            coalition_id: view.coalition.id.to_string(),
            coalition: name_in(&view.coalition.name, ctx.lang),
            pillar: pillar_label(&tr, a.pillar),
            description: a.description.clone(),
            owner: a
                .owner
                .as_ref()
                .map(|(_, n)| name_in(n, ctx.lang))
                .unwrap_or_default(),
            partners: a
                .partners
                .iter()
                .map(|(_, n)| name_in(n, ctx.lang))
                .collect::<Vec<_>>()
                .join(", "),
            indicators: a.indicators.clone(),
            due: a.due_on.map(|d| d.to_string()).unwrap_or_default(),
            status: status_label(&tr, a.status),
            late: a.is_late(view.today),
            progress: a
                .progress
                .iter()
                .rev()
                .map(|p| ProgressRow {
                    at: mosaique_domain::time::local_date_time(
                        p.at,
                        mosaique_domain::time::DEFAULT_TIME_ZONE,
                    ),
                    by: p.by_name.clone(),
                    status: status_label(&tr, p.status),
                    note: p.note.clone(),
                })
                .collect(),
            moves: moves
                .into_iter()
                .map(|s| (s.key().to_owned(), status_label(&tr, s)))
                .collect(),
            version: a.version,
            may_run: view.may_run,
            errors,
        },
        status,
    )
}

/// `GET /actions/{id}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    match ctx.id::<ActionId>(&id) {
        Some(id) => action_page(&state, &ctx, id, Vec::new()).await,
        None => ctx.error(PageError::NotFound),
    }
}

/// `POST /actions/{id}/progress`.
pub(crate) async fn progress(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Some(id) = ctx.id::<ActionId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    if let Err(e) = state.app.may_run_action(&ctx.who, id).await {
        return ctx.page_error(e);
    }
    let tr = ctx.tr();
    let f = Pairs::parse(&body);
    let Some(status) = ActionStatus::from_key(&f.get("status")) else {
        let bad = [BadValue {
            field: "status",
            value: f.get("status"),
        }];
        return action_page(&state, &ctx, id, BadValue::explain(&tr, &bad)).await;
    };
    let version = f.get("version").parse().unwrap_or(-1);
    match state
        .app
        .record_progress(&ctx.who, id, version, status, &f.get("note"))
        .await
    {
        Ok(()) => Redirect::to(&format!("/actions/{id}")).into_response(),
        Err(e) => match problems(&tr, &e) {
            Some(errors) => action_page(&state, &ctx, id, errors).await,
            None => ctx.page_error(e),
        },
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct NamedOrgJson {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ProgressJson {
    pub at: String,
    /// `planned`, `in_progress`, `done` or `cancelled`.
    pub status: String,
    pub note: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ActionJson {
    pub id: String,
    pub coalition_id: String,
    /// `prevention`, `protection`, `prosecution` or `partnership`; absent for a meeting's
    /// action item outside the plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pillar: Option<String>,
    pub title: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<NamedOrgJson>,
    pub partners: Vec<NamedOrgJson>,
    pub indicators: String,
    /// `planned`, `in_progress`, `done` or `cancelled`.
    pub status: String,
    /// `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_on: Option<String>,
    /// Open and past its due day.
    pub late: bool,
    pub public: bool,
    /// The meeting that decided it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meeting_id: Option<String>,
    /// Oldest first.
    pub progress: Vec<ProgressJson>,
    /// Send it back with a change: a change from an older version is refused (409).
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ActionListJson {
    pub items: Vec<ActionJson>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ActionInput {
    /// `prevention`, `protection`, `prosecution` or `partnership`; omit for an action item
    /// outside the plan.
    #[serde(default)]
    pub pillar: Option<String>,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// The id of the organization that carries it.
    #[serde(default)]
    pub owner_id: Option<String>,
    #[serde(default)]
    pub partner_ids: Vec<String>,
    #[serde(default)]
    pub indicators: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub due_on: Option<String>,
    /// Shown on the public summary of the plan.
    #[serde(default)]
    pub public: bool,
    /// The meeting that decided it (one of this coalition's).
    #[serde(default)]
    pub meeting_id: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProgressInput {
    /// `planned`, `in_progress`, `done` or `cancelled` (the same status notes progress).
    pub status: String,
    #[serde(default)]
    pub note: Option<String>,
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ActionCreatedJson {
    pub id: String,
}

fn action_json(a: &Action, lang: Language, today: jiff::civil::Date) -> ActionJson {
    let named = |(id, name): &(OrgId, mosaique_domain::Bilingual<String>)| NamedOrgJson {
        id: id.to_string(),
        name: name_in(name, lang),
    };
    ActionJson {
        id: a.id.to_string(),
        coalition_id: a.coalition.to_string(),
        pillar: a.pillar.map(|p| p.key().to_owned()),
        title: a.title.clone(),
        description: a.description.clone(),
        owner: a.owner.as_ref().map(named),
        partners: a.partners.iter().map(named).collect(),
        indicators: a.indicators.clone(),
        status: a.status.key().to_owned(),
        due_on: a.due_on.map(|d| d.to_string()),
        late: a.is_late(today),
        public: a.public,
        meeting_id: a.meeting.map(|m| m.to_string()),
        progress: a
            .progress
            .iter()
            .map(|p| ProgressJson {
                at: p.at.to_rfc3339(),
                status: p.status.key().to_owned(),
                note: p.note.clone(),
            })
            .collect(),
        version: a.version,
    }
}

/// A coalition's actions, by pillar then due day.
#[utoipa::path(
    get,
    path = "/api/v1/coalitions/{id}/actions",
    tag = "coalition",
    operation_id = "listActions",
    params(("id" = String, Path, description = "The coalition's id")),
    responses(
        (status = 200, description = "The plan and the meetings' action items", body = ActionListJson),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not of the coalition's staff nor of a member organization", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such coalition", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn list_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<ActionListJson>, Problem> {
    let id = ctx.id::<OrgId>(&id).ok_or_else(|| not_found(&ctx))?;
    let view = state
        .app
        .action_plan(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(Json(ActionListJson {
        items: view
            .actions
            .iter()
            .map(|a| action_json(a, ctx.lang, view.today))
            .collect(),
    }))
}

/// Records an action (planned) in the plan, or a meeting's action item.
#[utoipa::path(
    post,
    path = "/api/v1/coalitions/{id}/actions",
    tag = "coalition",
    operation_id = "recordAction",
    params(("id" = String, Path, description = "The coalition's id")),
    request_body = ActionInput,
    responses(
        (status = 201, description = "Recorded", body = ActionCreatedJson),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not a coalition administrator or coordinator", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such coalition", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "No title, an unknown pillar, organization or meeting, a bad day, the owner as a partner", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn record_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<ApiJson<ActionInput>, Problem>,
) -> Result<(StatusCode, Json<ActionCreatedJson>), Problem> {
    let id = ctx.id::<OrgId>(&id).ok_or_else(|| not_found(&ctx))?;
    state
        .app
        .may_run(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    let ApiJson(input) = body?;
    let text = ActionText {
        pillar: input.pillar.unwrap_or_default(),
        title: input.title,
        description: input.description.unwrap_or_default(),
        owner: input.owner_id.unwrap_or_default(),
        partners: input.partner_ids,
        indicators: input.indicators.unwrap_or_default(),
        due_on: input.due_on.unwrap_or_default(),
        public: input.public,
        meeting: input.meeting_id.unwrap_or_default(),
    };
    let new = text
        .to_new()
        .map_err(|bad| unprocessable(ctx.lang, BadValue::explain(&ctx.tr(), &bad)))?;
    let created = state
        .app
        .record_action(&ctx.who, id, new)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok((
        StatusCode::CREATED,
        Json(ActionCreatedJson {
            id: created.to_string(),
        }),
    ))
}

/// One action, with its history.
#[utoipa::path(
    get,
    path = "/api/v1/actions/{id}",
    tag = "coalition",
    operation_id = "getAction",
    params(("id" = String, Path, description = "The action's id")),
    responses(
        (status = 200, description = "The action", body = ActionJson),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not of the coalition's staff nor of a member organization", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such action", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn show_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<ActionJson>, Problem> {
    let id = ctx.id::<ActionId>(&id).ok_or_else(|| not_found(&ctx))?;
    let view = state
        .app
        .action(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(Json(action_json(&view.action, ctx.lang, view.today)))
}

/// Moves an action to a status, or notes its progress.
#[utoipa::path(
    post,
    path = "/api/v1/actions/{id}/progress",
    tag = "coalition",
    operation_id = "recordProgress",
    params(("id" = String, Path, description = "The action's id")),
    request_body = ProgressInput,
    responses(
        (status = 204, description = "Recorded"),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not a coalition administrator or coordinator", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such action", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The action changed since that version", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "An unknown status, a move its status does not allow, a note too long", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn progress_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<ApiJson<ProgressInput>, Problem>,
) -> Result<StatusCode, Problem> {
    let id = ctx.id::<ActionId>(&id).ok_or_else(|| not_found(&ctx))?;
    state
        .app
        .may_run_action(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    let ApiJson(input) = body?;
    let Some(status) = ActionStatus::from_key(input.status.trim()) else {
        let bad = [BadValue {
            field: "status",
            value: input.status.clone(),
        }];
        return Err(unprocessable(ctx.lang, BadValue::explain(&ctx.tr(), &bad)));
    };
    state
        .app
        .record_progress(
            &ctx.who,
            id,
            input.version,
            status,
            input.note.as_deref().unwrap_or_default(),
        )
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(StatusCode::NO_CONTENT)
}
