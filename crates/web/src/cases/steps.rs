//! The steps of a case's work on the case page and over JSON: the plan (goals, tasks), the
//! accompaniment log, immigration and legal steps, the safety plan. What a reader sees of
//! them is what the use case returned: steps of categories not disclosed were never read.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use mosaique_app::cases::CaseAbilities;
use mosaique_domain::case::{
    CaseFile, FieldChange, NewStep, Reminder, Step, StepKind, StepStatus, StepTrack,
};
use mosaique_domain::policy::case::CaseAction;
use mosaique_domain::{CaseId, ServiceDomain, StepId};
use serde::Serialize;
use utoipa::ToSchema;

use super::api::{CreatedJson, case_id, problem, unprocessable};
use super::form::{BadValue, StepInput, today};
use super::pages::{Choice, after, case_page, choices};
use crate::AppState;
use crate::api::ApiJson;
use crate::form::Pairs;
use crate::gate::Ctx;
use crate::i18n::{Arg, Tr};
use crate::problem::{Problem, ProblemBody, ProblemKind};
use crate::shell::PageError;

/// One step as the page shows it.
#[derive(Debug)]
pub(crate) struct StepRow {
    pub id: String,
    pub version: i64,
    pub kind: String,
    pub kind_label: String,
    pub status: String,
    pub status_label: String,
    pub domain: String,
    pub domain_label: Option<String>,
    pub title: String,
    pub details: String,
    pub on: String,
    pub expires_on: String,
    pub assignee: String,
    pub assignee_name: Option<String>,
    pub reminder: Option<String>,
    pub history: Vec<String>,
    /// The reader may change it (they write its category, the case is open).
    pub editable: bool,
}

/// The steps of one track, for a heading of the page.
#[derive(Debug)]
pub(crate) struct StepGroup {
    pub label: String,
    pub steps: Vec<StepRow>,
}

/// What the page's step forms offer.
#[derive(Debug, Default)]
pub(crate) struct StepChoices {
    pub kinds: Vec<Choice>,
    pub statuses: Vec<Choice>,
    pub domains: Vec<Choice>,
    pub assignees: Vec<Choice>,
}

/// One change as a line: the day, who, and the fields by their labels (`{prefix}-{field}`).
pub(crate) fn change_line(tr: &Tr, change: &FieldChange, prefix: &str) -> String {
    let fields = change
        .fields
        .iter()
        .map(|name| tr.t(&format!("{prefix}-{}", name.replace('_', "-"))))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "{} · {} · {}",
        mosaique_domain::time::local_date(change.at, mosaique_domain::time::DEFAULT_TIME_ZONE),
        change.by_name,
        fields
    )
}

fn reminder_text(tr: &Tr, reminder: Reminder) -> String {
    tr.t_args(
        reminder.message_id(),
        &[("days", Arg::Int(reminder.days()))],
    )
}

/// The steps the reader sees, by track, and what the forms offer them.
pub(crate) fn step_groups(
    tr: &Tr,
    file: &CaseFile,
    may: &CaseAbilities,
) -> (Vec<StepGroup>, StepChoices) {
    let today = today();
    let row = |s: &Step| {
        let f = &s.fields;
        StepRow {
            id: s.id.to_string(),
            version: s.version,
            kind: f.kind.key().to_owned(),
            kind_label: tr.label("step_kind", f.kind.key()),
            status: f.status.key().to_owned(),
            status_label: tr.label("step_status", f.status.key()),
            domain: f.domain.map(|d| d.key().to_owned()).unwrap_or_default(),
            domain_label: f.domain.map(|d| tr.label("domain", d.key())),
            title: f.title.clone(),
            details: f.details.clone().unwrap_or_default(),
            on: f.on.clone().unwrap_or_default(),
            expires_on: f.expires_on.clone().unwrap_or_default(),
            assignee: f.assignee.map(|a| a.to_string()).unwrap_or_default(),
            assignee_name: s.assignee_name.clone(),
            reminder: f.reminder(&today).map(|r| reminder_text(tr, r)),
            history: s
                .history
                .iter()
                .map(|c| change_line(tr, c, "step-field"))
                .collect(),
            editable: may.write.contains(f.category()),
        }
    };
    let groups = StepTrack::ALL
        .iter()
        .filter_map(|track| {
            let steps: Vec<StepRow> = file
                .steps
                .iter()
                .filter(|s| s.fields.kind.track() == *track)
                .map(row)
                .collect();
            (!steps.is_empty()).then(|| StepGroup {
                label: tr.label("step_track", track.key()),
                steps,
            })
        })
        .collect();
    // A goal is offered if any domain's category is writable; the use case checks the one
    // chosen.
    let kinds = StepKind::ALL
        .iter()
        .copied()
        .filter(|k| match k {
            StepKind::Goal => ServiceDomain::ALL
                .iter()
                .any(|d| may.write.contains(k.category(Some(*d)))),
            _ => may.write.contains(k.category(None)),
        })
        .collect::<Vec<_>>();
    let offered = StepChoices {
        kinds: choices(tr, "step_kind", &kinds, StepKind::key),
        statuses: choices(tr, "step_status", StepStatus::ALL, StepStatus::key),
        domains: choices(tr, "domain", ServiceDomain::ALL, ServiceDomain::key),
        assignees: file
            .team
            .iter()
            .map(|m| (m.user.to_string(), m.display_name.clone()))
            .collect(),
    };
    (groups, offered)
}

/// A step form's input, or the page to answer with: a refusal for whoever has nothing to do
/// with the case (before their form is read), or the case with what is wrong.
async fn step_form(
    state: &AppState,
    ctx: &Ctx,
    id: CaseId,
    body: &Bytes,
) -> Result<(StepInput, NewStep), Response> {
    if let Err(e) = state
        .app
        .may_act_on_case(&ctx.who, id, CaseAction::View)
        .await
    {
        return Err(ctx.page_error(e));
    }
    let input = StepInput::from_pairs(&Pairs::parse(body));
    match input.to_new() {
        Ok(step) => Ok((input, step)),
        Err(bad) => Err(case_page(state, ctx, id, BadValue::explain(&ctx.tr(), &bad)).await),
    }
}

/// `POST /cases/{id}/steps`: adds a step.
pub(super) async fn add_step(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Some(id) = ctx.id::<CaseId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    let (_, step) = match step_form(&state, &ctx, id, &body).await {
        Ok(form) => form,
        Err(page) => return page,
    };
    let result = state.app.add_step(&ctx.who, id, step).await.map(|_| ());
    after(&state, &ctx, id, "steps", result).await
}

/// `POST /cases/{id}/steps/{step}`: changes a step from the version the form showed.
pub(super) async fn change_step(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, step_id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let (Some(id), Some(step_id)) = (ctx.id::<CaseId>(&id), ctx.id::<StepId>(&step_id)) else {
        return ctx.error(PageError::NotFound);
    };
    let (input, step) = match step_form(&state, &ctx, id, &body).await {
        Ok(form) => form,
        Err(page) => return page,
    };
    let version = input.version.unwrap_or(-1);
    let result = state
        .app
        .change_step(&ctx.who, id, step_id, version, step)
        .await;
    after(&state, &ctx, id, "steps", result).await
}

/// A step of a case's work.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct StepJson {
    pub id: String,
    /// Send it back to change the step: a change from an older version is refused (409).
    pub version: i64,
    /// `plan`, `accompaniment`, `immigration`, `legal` or `safety`.
    pub track: String,
    pub kind: String,
    /// The data category the kind (and a goal's domain) puts it in.
    pub category: String,
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// What needs doing soon, today in Québec: `renew` (a granted permit or order ends
    /// within 60 days), `expired`, or `overdue`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reminder: Option<ReminderJson>,
    /// Who changed which fields, when, oldest first.
    pub history: Vec<StepChangeJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ReminderJson {
    pub kind: String,
    /// Days left to renew, or days overdue.
    pub days: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct StepChangeJson {
    pub by: String,
    pub at: String,
    /// Input field names, or `created`.
    pub fields: Vec<String>,
}

pub(crate) fn step_json(s: &Step, today: &str) -> StepJson {
    let f = &s.fields;
    StepJson {
        id: s.id.to_string(),
        version: s.version,
        track: f.kind.track().key().to_owned(),
        kind: f.kind.key().to_owned(),
        category: f.category().key().to_owned(),
        status: f.status.key().to_owned(),
        domain: f.domain.map(|d| d.key().to_owned()),
        title: f.title.clone(),
        details: f.details.clone(),
        on: f.on.clone(),
        expires_on: f.expires_on.clone(),
        assignee: f.assignee.map(|a| a.to_string()),
        reminder: f.reminder(today).map(|r| ReminderJson {
            kind: match r {
                Reminder::RenewBy { .. } => "renew",
                Reminder::Expired => "expired",
                Reminder::Overdue { .. } => "overdue",
            }
            .to_owned(),
            days: r.days(),
        }),
        history: s
            .history
            .iter()
            .map(|c| StepChangeJson {
                by: c.by_name.clone(),
                at: c.at.to_rfc3339(),
                fields: c.fields.iter().map(|f| (*f).to_owned()).collect(),
            })
            .collect(),
    }
}

/// Add a step to the plan, the accompaniment log, the immigration or legal steps, or the
/// safety plan. Writing a step needs its data category.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/steps",
    tag = "cases",
    operation_id = "addStep",
    params(("id" = String, Path, description = "Case id")),
    request_body = StepInput,
    responses(
        (status = 201, description = "Written", body = CreatedJson),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or the caller may not write the step's category (the person's consent does not open it to them)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The case is closed", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "An unknown kind, status or domain; no title; an end date before the start or on a step that has none; an assignee not on the team", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn add_step_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<ApiJson<StepInput>, Problem>,
) -> Result<(StatusCode, Json<CreatedJson>), Problem> {
    let id = case_id(&ctx, &id)?;
    state
        .app
        .may_act_on_case(&ctx.who, id, CaseAction::View)
        .await
        .map_err(|e| ctx.problem(e))?;
    let ApiJson(input) = body?;
    let step = input
        .to_new()
        .map_err(|bad| unprocessable(ctx.lang, BadValue::explain(&ctx.tr(), &bad)))?;
    let step = state
        .app
        .add_step(&ctx.who, id, step)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedJson {
            id: step.to_string(),
            reference: None,
        }),
    ))
}

/// Change a step, from the `version` the case's answer gave (every field is sent, as it is
/// to be). Moving a step to another category needs writing both.
#[utoipa::path(
    put,
    path = "/api/v1/cases/{id}/steps/{step}",
    tag = "cases",
    operation_id = "changeStep",
    params(
        ("id" = String, Path, description = "Case id"),
        ("step" = String, Path, description = "Step id"),
    ),
    request_body = StepInput,
    responses(
        (status = 204, description = "Changed (or already as sent)"),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such case or step, or the caller may not write the step's category (as it is, or as it would be)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The case is closed, or the step changed since `version`", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "A value the step does not take (see addStep), or no `version`", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn change_step_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, step_id)): Path<(String, String)>,
    body: Result<ApiJson<StepInput>, Problem>,
) -> Result<StatusCode, Problem> {
    let id = case_id(&ctx, &id)?;
    let step_id: StepId = ctx
        .id(&step_id)
        .ok_or_else(|| Problem::new(ProblemKind::NotFound, ctx.lang))?;
    state
        .app
        .may_act_on_case(&ctx.who, id, CaseAction::View)
        .await
        .map_err(|e| ctx.problem(e))?;
    let ApiJson(input) = body?;
    let Some(version) = input.version else {
        return Err(unprocessable(
            ctx.lang,
            vec![ctx.tr().t("step-problem-version")],
        ));
    };
    let step = input
        .to_new()
        .map_err(|bad| unprocessable(ctx.lang, BadValue::explain(&ctx.tr(), &bad)))?;
    state
        .app
        .change_step(&ctx.who, id, step_id, version, step)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(StatusCode::NO_CONTENT)
}
