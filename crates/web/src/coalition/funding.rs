//! Funding and reminders: the grants page (each grant's reports, marked submitted from the
//! page, and the actions it funds; the form that records one), the reminders on the
//! workspace page, and the same over JSON.

use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::Date;
use mosaique_domain::coalition::funding::{Grant, NewGrant, parse_amount};
use mosaique_domain::coalition::reminders::Reminder;
use mosaique_domain::{ActionId, GrantId, Language, OrgId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::api::{not_found, problem};
use super::{day, form_status, name_in, problems};
use crate::AppState;
use crate::api::ApiJson;
use crate::cases::api::unprocessable;
use crate::cases::form::{BadValue, vocab};
use crate::form::Pairs;
use crate::gate::Ctx;
use crate::i18n::{Arg, Tr};
use crate::problem::{Problem, ProblemBody};
use crate::shell::{PageError, Shell, render_with};

/// How many reports the page's form offers (the API takes up to the domain's limit).
const FORM_REPORTS: usize = 4;

/// An amount in the reader's writing: `75 000,00 $` or `$75,000.00`.
pub(crate) fn money(cents: i64, lang: Language) -> String {
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(match lang {
                Language::Fr => '\u{a0}',
                Language::En => ',',
            });
        }
        grouped.push(c);
    }
    let cents = cents % 100;
    match lang {
        Language::Fr => format!("{grouped},{cents:02}\u{a0}$"),
        Language::En => format!("${grouped}.{cents:02}"),
    }
}

/// A grant as text, from a form or a JSON body.
#[derive(Debug, Clone, Default)]
pub(crate) struct GrantText {
    pub funder: String,
    pub title: String,
    pub amount: String,
    pub starts_on: String,
    pub ends_on: String,
    /// (due day, label); blank rows are left out.
    pub reports: Vec<(String, String)>,
    pub activities: Vec<String>,
}

impl GrantText {
    fn to_new(&self) -> Result<NewGrant, Vec<BadValue>> {
        let mut bad = Vec::new();
        let amount = parse_amount(&self.amount);
        if amount.is_none() {
            bad.push(BadValue {
                field: "amount",
                value: self.amount.clone(),
            });
        }
        let starts_on = day("starts_on", &self.starts_on, &mut bad);
        let ends_on = day("ends_on", &self.ends_on, &mut bad);
        let reports = self
            .reports
            .iter()
            .filter(|(d, l)| !d.trim().is_empty() || !l.trim().is_empty())
            .filter_map(|(d, l)| day("report_due_on", d, &mut bad).map(|d| (d, l.clone())))
            .collect();
        let activities = self
            .activities
            .iter()
            .filter_map(|a| vocab::<ActionId>("activity", a, &mut bad))
            .collect();
        match (amount, starts_on, ends_on) {
            (Some(amount_cents), Some(starts_on), Some(ends_on)) if bad.is_empty() => {
                Ok(NewGrant {
                    funder: self.funder.clone(),
                    title: self.title.clone(),
                    amount_cents,
                    starts_on,
                    ends_on,
                    reports,
                    activities,
                })
            }
            _ => Err(bad),
        }
    }
}

struct ReportRow {
    due_on: String,
    label: String,
    /// "Submitted on …", "Due in 10 days", "Overdue by 20 days".
    state: String,
    late: bool,
    submitted: bool,
}

struct GrantRow {
    id: String,
    funder: String,
    title: String,
    amount: String,
    period: String,
    reports: Vec<ReportRow>,
    /// (id, title) of the actions it funds.
    activities: Vec<(String, String)>,
    version: i64,
}

/// How far a day is from today, in words.
fn due_in(tr: &Tr, days: i64) -> String {
    match days {
        0 => tr.t("reminder-today"),
        d if d > 0 => tr.count("reminder-in-days", d),
        d => tr.count("reminder-late-days", -d),
    }
}

fn grant_row(
    ctx: &Ctx,
    g: &Grant,
    actions: &[mosaique_domain::coalition::action::Action],
    today: Date,
) -> GrantRow {
    let tr = ctx.tr();
    GrantRow {
        id: g.id.to_string(),
        funder: g.funder.clone(),
        title: g.title.clone(),
        amount: money(g.amount_cents, ctx.lang),
        period: format!("{} – {}", g.starts_on, g.ends_on),
        reports: g
            .reports
            .iter()
            .map(|r| {
                let days = i64::from((r.due_on - today).get_days());
                ReportRow {
                    due_on: r.due_on.to_string(),
                    label: r.label.clone(),
                    state: match r.submitted_on {
                        Some(on) => tr.with("grant-report-submitted-on", "date", &on.to_string()),
                        None => due_in(&tr, days),
                    },
                    late: r.submitted_on.is_none() && days < 0,
                    submitted: r.submitted_on.is_some(),
                }
            })
            .collect(),
        activities: g
            .activities
            .iter()
            .filter_map(|a| actions.iter().find(|x| x.id == *a))
            .map(|a| (a.id.to_string(), a.title.clone()))
            .collect(),
        version: g.version,
    }
}

#[derive(Template)]
#[template(path = "coalition_funding.html")]
struct FundingPage {
    shell: Shell,
    id: String,
    coalition: String,
    grants: Vec<GrantRow>,
    may_run: bool,
    today: String,
    sent: GrantText,
    /// The form's report rows, filled with what was sent.
    report_rows: Vec<(usize, String, String)>,
    /// (id, title, checked) of the plan's actions.
    actions: Vec<(String, String, bool)>,
    errors: Vec<String>,
}

async fn funding_page(
    state: &AppState,
    ctx: &Ctx,
    id: OrgId,
    refused: Option<(Vec<String>, GrantText)>,
) -> Response {
    let view = match state.app.funding(&ctx.who, id).await {
        Ok(view) => view,
        Err(e) => return ctx.page_error(e),
    };
    let (errors, sent) = refused.unwrap_or_default();
    let tr = ctx.tr();
    let coalition = name_in(&view.coalition.name, ctx.lang);
    let today = crate::cases::form::today();
    let today_date: Date = today.parse().unwrap_or_default();
    let report_rows = (0..FORM_REPORTS)
        .map(|i| {
            let (d, l) = sent.reports.get(i).cloned().unwrap_or_default();
            (i + 1, d, l)
        })
        .collect();
    render_with(
        &FundingPage {
            shell: ctx.shell(
                tr.with("funding-title", "coalition", &coalition),
                "coalitions",
            ),
            id: id.to_string(),
            coalition,
            grants: view
                .grants
                .iter()
                .map(|g| grant_row(ctx, g, &view.actions, today_date))
                .collect(),
            may_run: view.may_run,
            today,
            report_rows,
            actions: view
                .actions
                .iter()
                .map(|a| {
                    let key = a.id.to_string();
                    let checked = sent.activities.contains(&key);
                    (key, a.title.clone(), checked)
                })
                .collect(),
            sent,
            errors: errors.clone(),
        },
        form_status(&errors),
    )
}

/// `GET /coalitions/{id}/funding`.
pub(crate) async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    match ctx.id::<OrgId>(&id) {
        Some(id) => funding_page(&state, &ctx, id, None).await,
        None => ctx.error(PageError::NotFound),
    }
}

/// `POST /coalitions/{id}/funding`.
pub(crate) async fn add(
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
    let f = Pairs::parse(&body);
    let sent = GrantText {
        funder: f.get("funder"),
        title: f.get("title"),
        amount: f.get("amount"),
        starts_on: f.get("starts_on"),
        ends_on: f.get("ends_on"),
        reports: (1..=FORM_REPORTS)
            .map(|i| {
                (
                    f.get(&format!("report_on_{i}")),
                    f.get(&format!("report_label_{i}")),
                )
            })
            .collect(),
        activities: f.all("activity"),
    };
    let result = match sent.to_new() {
        Ok(new) => state.app.add_grant(&ctx.who, id, new).await,
        Err(bad) => {
            let errors = BadValue::explain(&ctx.tr(), &bad);
            return funding_page(&state, &ctx, id, Some((errors, sent))).await;
        }
    };
    match result {
        Ok(grant) => Redirect::to(&format!("/coalitions/{id}/funding#g-{grant}")).into_response(),
        Err(e) => match problems(&ctx.tr(), &e) {
            Some(errors) => funding_page(&state, &ctx, id, Some((errors, sent))).await,
            None => ctx.page_error(e),
        },
    }
}

/// `POST /grants/{grant}/reports`: a report marked submitted.
pub(crate) async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Some(id) = ctx.id::<GrantId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    let coalition = match state.app.may_run_grant(&ctx.who, id).await {
        Ok(coalition) => coalition,
        Err(e) => return ctx.page_error(e),
    };
    let f = Pairs::parse(&body);
    let mut bad = Vec::new();
    let due_on = day("due_on", &f.get("due_on"), &mut bad);
    let on = day("submitted_on", &f.get("submitted_on"), &mut bad);
    let version = f.get("version").parse().unwrap_or(-1);
    let (Some(due_on), Some(on)) = (due_on, on) else {
        let errors = BadValue::explain(&ctx.tr(), &bad);
        return funding_page(
            &state,
            &ctx,
            coalition,
            Some((errors, GrantText::default())),
        )
        .await;
    };
    match state
        .app
        .submit_report(&ctx.who, id, version, due_on, on)
        .await
    {
        Ok(()) => Redirect::to(&format!("/coalitions/{coalition}/funding#g-{id}")).into_response(),
        Err(e) => match problems(&ctx.tr(), &e) {
            Some(errors) => {
                funding_page(
                    &state,
                    &ctx,
                    coalition,
                    Some((errors, GrantText::default())),
                )
                .await
            }
            None => ctx.page_error(e),
        },
    }
}

/// One reminder as the workspace page lists it.
pub(crate) struct ReminderRow {
    pub text: String,
    pub when: String,
    pub href: String,
    pub late: bool,
}

pub(crate) fn reminder_rows(
    ctx: &Ctx,
    coalition: OrgId,
    today: Date,
    reminders: &[Reminder],
) -> Vec<ReminderRow> {
    let tr = ctx.tr();
    reminders
        .iter()
        .map(|r| {
            let days = r.days(today);
            let (text, href) = match r {
                Reminder::Meeting { id, title, .. } => (
                    tr.with("reminder-meeting", "title", title),
                    format!("/meetings/{id}"),
                ),
                Reminder::Report {
                    grant,
                    funder,
                    label,
                    ..
                } => (
                    tr.t_args(
                        "reminder-report",
                        &[
                            ("label", Arg::Text(label.clone())),
                            ("funder", Arg::Text(funder.clone())),
                        ],
                    ),
                    format!("/coalitions/{coalition}/funding#g-{grant}"),
                ),
                Reminder::Action { id, title, .. } => (
                    tr.with("reminder-action", "title", title),
                    format!("/actions/{id}"),
                ),
            };
            ReminderRow {
                text,
                when: format!("{} — {}", r.day(), due_in(&tr, days)),
                href,
                late: days < 0,
            }
        })
        .collect()
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct ReportJson {
    pub due_on: String,
    pub label: String,
    /// Absent until submitted.
    #[serde(default)]
    pub submitted_on: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct GrantJson {
    pub id: String,
    pub funder: String,
    pub title: String,
    /// In cents (CAD).
    pub amount_cents: i64,
    pub starts_on: String,
    pub ends_on: String,
    /// By due day.
    pub reports: Vec<ReportJson>,
    /// Ids of the plan's actions it funds (`/api/v1/actions/{id}`).
    pub activities: Vec<String>,
    /// Send it back when marking a report submitted (409 otherwise).
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct GrantsJson {
    pub items: Vec<GrantJson>,
}

fn grant_json(g: &Grant) -> GrantJson {
    GrantJson {
        id: g.id.to_string(),
        funder: g.funder.clone(),
        title: g.title.clone(),
        amount_cents: g.amount_cents,
        starts_on: g.starts_on.to_string(),
        ends_on: g.ends_on.to_string(),
        reports: g
            .reports
            .iter()
            .map(|r| ReportJson {
                due_on: r.due_on.to_string(),
                label: r.label.clone(),
                submitted_on: r.submitted_on.map(|d| d.to_string()),
            })
            .collect(),
        activities: g.activities.iter().map(ToString::to_string).collect(),
        version: g.version,
    }
}

/// The coalition's grants.
#[utoipa::path(
    get,
    path = "/api/v1/coalitions/{id}/grants",
    tag = "coalition",
    operation_id = "grants",
    params(("id" = String, Path, description = "The coalition's id")),
    responses(
        (status = 200, description = "Its grants, the latest first", body = GrantsJson),
        (status = 403, description = "Not of the coalition's staff nor of a member organization", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such coalition", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn list_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<GrantsJson>, Problem> {
    let id = ctx.id::<OrgId>(&id).ok_or_else(|| not_found(&ctx))?;
    let view = state
        .app
        .funding(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(Json(GrantsJson {
        items: view.grants.iter().map(grant_json).collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct GrantInput {
    pub funder: String,
    pub title: String,
    /// As written: `75 000`, `75 000,50 $`, `$75,000.50`.
    pub amount: String,
    pub starts_on: String,
    pub ends_on: String,
    #[serde(default)]
    pub reports: Vec<GrantReportInput>,
    /// Ids of the plan's actions it funds.
    #[serde(default)]
    pub activities: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct GrantReportInput {
    pub due_on: String,
    pub label: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct GrantCreatedJson {
    pub id: String,
}

/// Records a grant.
#[utoipa::path(
    post,
    path = "/api/v1/coalitions/{id}/grants",
    tag = "coalition",
    operation_id = "addGrant",
    params(("id" = String, Path, description = "The coalition's id")),
    request_body = GrantInput,
    responses(
        (status = 201, description = "Recorded", body = GrantCreatedJson),
        (status = 403, description = "Not a coalition administrator or coordinator", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such coalition", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "No funder or title, an amount not above zero, an end before the start, a report outside the period, two on a day or without a label, an activity not in the plan, an unreadable value", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn add_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<ApiJson<GrantInput>, Problem>,
) -> Result<(StatusCode, Json<GrantCreatedJson>), Problem> {
    let id = ctx.id::<OrgId>(&id).ok_or_else(|| not_found(&ctx))?;
    state
        .app
        .may_run(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    let ApiJson(input) = body?;
    let new = GrantText {
        funder: input.funder,
        title: input.title,
        amount: input.amount,
        starts_on: input.starts_on,
        ends_on: input.ends_on,
        reports: input
            .reports
            .into_iter()
            .map(|r| (r.due_on, r.label))
            .collect(),
        activities: input.activities,
    }
    .to_new()
    .map_err(|bad| unprocessable(ctx.lang, BadValue::explain(&ctx.tr(), &bad)))?;
    let created = state
        .app
        .add_grant(&ctx.who, id, new)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok((
        StatusCode::CREATED,
        Json(GrantCreatedJson {
            id: created.to_string(),
        }),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SubmissionInput {
    /// The report's due day.
    pub due_on: String,
    /// When it was sent to the funder (today or before).
    pub submitted_on: String,
    /// The grant's version read.
    pub version: i64,
}

/// Marks a report submitted.
#[utoipa::path(
    put,
    path = "/api/v1/grants/{id}/reports",
    tag = "coalition",
    operation_id = "submitGrantReport",
    params(("id" = String, Path, description = "The grant's id")),
    request_body = SubmissionInput,
    responses(
        (status = 204, description = "Marked submitted"),
        (status = 403, description = "Not a coalition administrator or coordinator", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such grant", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The grant changed since that version", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "No report due that day, a day in the future, an unreadable day", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn submit_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<ApiJson<SubmissionInput>, Problem>,
) -> Result<StatusCode, Problem> {
    let id = ctx.id::<GrantId>(&id).ok_or_else(|| not_found(&ctx))?;
    state
        .app
        .may_run_grant(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    let ApiJson(input) = body?;
    let mut bad = Vec::new();
    let due_on = day("due_on", &input.due_on, &mut bad);
    let on = day("submitted_on", &input.submitted_on, &mut bad);
    let (Some(due_on), Some(on)) = (due_on, on) else {
        return Err(unprocessable(ctx.lang, BadValue::explain(&ctx.tr(), &bad)));
    };
    state
        .app
        .submit_report(&ctx.who, id, input.version, due_on, on)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ReminderJson {
    /// `meeting`, `report` or `action`.
    pub kind: String,
    /// What it is about, in the request's language.
    pub text: String,
    pub day: String,
    /// Days from today; negative when past due.
    pub days: i64,
    /// The meeting, grant or action it is about.
    pub id: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RemindersJson {
    pub today: String,
    /// The most overdue first.
    pub items: Vec<ReminderJson>,
}

/// The coalition's reminders: meetings of the coming 14 days, reports and action items due
/// within them or past due.
#[utoipa::path(
    get,
    path = "/api/v1/coalitions/{id}/reminders",
    tag = "coalition",
    operation_id = "reminders",
    params(("id" = String, Path, description = "The coalition's id")),
    responses(
        (status = 200, description = "Its reminders", body = RemindersJson),
        (status = 403, description = "Not of the coalition's staff nor of a member organization", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such coalition", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn reminders_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<RemindersJson>, Problem> {
    let coalition = ctx.id::<OrgId>(&id).ok_or_else(|| not_found(&ctx))?;
    let view = state
        .app
        .reminders(&ctx.who, coalition)
        .await
        .map_err(|e| problem(&ctx, e))?;
    let rows = reminder_rows(&ctx, coalition, view.today, &view.reminders);
    Ok(Json(RemindersJson {
        today: view.today.to_string(),
        items: view
            .reminders
            .iter()
            .zip(rows)
            .map(|(r, row)| {
                let (kind, id) = match r {
                    Reminder::Meeting { id, .. } => ("meeting", id.to_string()),
                    Reminder::Report { grant, .. } => ("report", grant.to_string()),
                    Reminder::Action { id, .. } => ("action", id.to_string()),
                };
                ReminderJson {
                    kind: kind.to_owned(),
                    text: row.text,
                    day: r.day().to_string(),
                    days: r.days(view.today),
                    id,
                }
            })
            .collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_written_as_each_language_writes_it() {
        assert_eq!(money(7_500_050, Language::Fr), "75\u{a0}000,50\u{a0}$");
        assert_eq!(money(7_500_050, Language::En), "$75,000.50");
        assert_eq!(money(99, Language::En), "$0.99");
        assert_eq!(money(12_345_678_900, Language::En), "$123,456,789.00");
    }
}
