//! The workspace's pages: the caller's coalitions, one coalition's members, meetings and
//! calendar, and one meeting with its attendance and minutes.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use mosaique_app::App;
use mosaique_app::coalitions::{MeetingView, MembersView};
use mosaique_domain::coalition::meeting::{MinutesStatus, Presence};
use mosaique_domain::time::DEFAULT_TIME_ZONE;
use mosaique_domain::{MeetingId, MembershipId, OrgId, Timestamp};

use super::{MeetingText, MembershipText, local, name_in, problems};
use crate::AppState;
use crate::cases::form::BadValue;
use crate::form::Pairs;
use crate::gate::Ctx;
use crate::shell::{PageError, Shell, render, render_with};

/// How far back and ahead the workspace lists meetings.
const LISTED_PAST_MS: i64 = 366 * 86_400_000;
const LISTED_AHEAD_MS: i64 = 2 * 366 * 86_400_000;

#[derive(Template)]
#[template(path = "coalitions.html")]
struct CoalitionsPage {
    shell: Shell,
    /// (id, name)
    coalitions: Vec<(String, String)>,
}

pub(crate) async fn list(State(state): State<AppState>, ctx: Ctx) -> Response {
    let tr = ctx.tr();
    let coalitions = match state.app.my_coalitions(&ctx.who).await {
        Ok(c) => c,
        Err(e) => return ctx.page_error(e),
    };
    render(&CoalitionsPage {
        shell: ctx.shell(tr.t("coalitions-title"), "coalitions"),
        coalitions: coalitions
            .iter()
            .map(|c| (c.id.to_string(), name_in(&c.name, ctx.lang)))
            .collect(),
    })
}

struct MemberRow {
    id: String,
    name: String,
    role: String,
    period: String,
    current: bool,
}

struct MeetingRow {
    id: String,
    title: String,
    when: String,
    minutes: String,
}

#[derive(Template)]
#[template(path = "coalition_workspace.html")]
struct WorkspacePage {
    shell: Shell,
    id: String,
    /// What must not slip in the coming days.
    reminders: Vec<super::funding::ReminderRow>,
    members: Vec<MemberRow>,
    upcoming: Vec<MeetingRow>,
    past: Vec<MeetingRow>,
    may_manage: bool,
    may_run: bool,
    roles: Vec<(String, String)>,
    today: String,
    zone: String,
    /// A calendar address just made: shown this once.
    feed_url: Option<String>,
    errors: Vec<String>,
}

/// What the workspace page adds to its defaults: an address just made, or problems.
#[derive(Default)]
struct Extra {
    feed_url: Option<String>,
    errors: Vec<String>,
}

impl Extra {
    fn errors(errors: Vec<String>) -> Extra {
        Extra {
            feed_url: None,
            errors,
        }
    }
}

async fn workspace_page(state: &AppState, ctx: &Ctx, id: OrgId, extra: Extra) -> Response {
    let tr = ctx.tr();
    let members: MembersView = match state.app.coalition_members(&ctx.who, id).await {
        Ok(view) => view,
        Err(e) => return ctx.page_error(e),
    };
    let now = App::now_ms();
    let meetings = match state
        .app
        .meetings(
            &ctx.who,
            id,
            Timestamp(now - LISTED_PAST_MS),
            Timestamp(now + LISTED_AHEAD_MS),
        )
        .await
    {
        Ok(view) => view,
        Err(e) => return ctx.page_error(e),
    };
    let reminders = match state.app.reminders(&ctx.who, id).await {
        Ok(view) => super::funding::reminder_rows(ctx, id, view.today, &view.reminders),
        Err(e) => return ctx.page_error(e),
    };
    let today = mosaique_domain::time::local_date(Timestamp(now), DEFAULT_TIME_ZONE);
    let rows = members
        .memberships
        .iter()
        .map(|m| {
            let joined = m.joined_on.to_string();
            let period = match m.left_on {
                Some(left) => tr.t_args(
                    "consent-period",
                    &[
                        ("from", crate::i18n::Arg::Text(joined)),
                        ("to", crate::i18n::Arg::Text(left.to_string())),
                    ],
                ),
                None => tr.with("agreement-from", "date", &joined),
            };
            MemberRow {
                id: m.id.to_string(),
                name: name_in(&m.member_name, ctx.lang),
                role: tr.t(&format!("member-role-{}", m.role.key())),
                period,
                current: m.left_on.is_none_or(|l| l.to_string() >= today),
            }
        })
        .collect();
    let row = |m: &mosaique_domain::coalition::meeting::Meeting| MeetingRow {
        id: m.id.to_string(),
        title: m.title.clone(),
        when: local(m.starts_at, &m.time_zone),
        minutes: tr.t(&format!("minutes-status-{}", m.minutes_status.key())),
    };
    let (past, upcoming): (Vec<_>, Vec<_>) =
        meetings.meetings.iter().partition(|m| m.ends_at.0 < now);
    let status = super::form_status(&extra.errors);
    let page = WorkspacePage {
        shell: ctx.shell(name_in(&members.coalition.name, ctx.lang), "coalitions"),
        id: id.to_string(),
        reminders,
        members: rows,
        upcoming: upcoming.into_iter().map(row).collect(),
        // Most recent first.
        past: past.into_iter().rev().map(row).collect(),
        may_manage: members.may_manage,
        may_run: meetings.may_run,
        roles: mosaique_domain::coalition::MemberRole::ALL
            .iter()
            .map(|r| {
                (
                    r.key().to_owned(),
                    tr.t(&format!("member-role-{}", r.key())),
                )
            })
            .collect(),
        today,
        zone: DEFAULT_TIME_ZONE.to_owned(),
        feed_url: extra.feed_url,
        errors: extra.errors,
    };
    render_with(&page, status)
}

pub(crate) async fn workspace(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    match ctx.id::<OrgId>(&id) {
        Some(id) => workspace_page(&state, &ctx, id, Extra::default()).await,
        None => ctx.error(PageError::NotFound),
    }
}

/// After a change: back to the page it was made from.
fn back_to(path: String) -> Response {
    Redirect::to(&path).into_response()
}

pub(crate) async fn add_member(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Some(id) = ctx.id::<OrgId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    if let Err(e) = state.app.may_manage_members(&ctx.who, id).await {
        return ctx.page_error(e);
    }
    let tr = ctx.tr();
    let f = Pairs::parse(&body);
    let slug = f.get("organization");
    let refuse = |errors| async { workspace_page(&state, &ctx, id, Extra::errors(errors)).await };
    let member = match state.app.organization_by_slug(&slug).await {
        Ok(o) => o.id,
        Err(mosaique_app::AppError::NotFound) => {
            let bad = [BadValue {
                field: "organization",
                value: slug,
            }];
            return refuse(BadValue::explain(&tr, &bad)).await;
        }
        Err(e) => return ctx.page_error(e),
    };
    let text = MembershipText {
        member,
        role: f.get("role"),
        joined_on: f.get("joined_on"),
        left_on: f.get("left_on"),
    };
    let new = match text.to_new() {
        Ok(new) => new,
        Err(bad) => return refuse(BadValue::explain(&tr, &bad)).await,
    };
    match state.app.add_membership(&ctx.who, id, new).await {
        Ok(_) => back_to(format!("/coalitions/{id}")),
        Err(e) => match problems(&tr, &e) {
            Some(errors) => refuse(errors).await,
            None => ctx.page_error(e),
        },
    }
}

pub(crate) async fn end_member(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, membership)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let Some(id) = ctx.id::<OrgId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    let Some(membership) = ctx.id::<MembershipId>(&membership) else {
        return ctx.error(PageError::NotFound);
    };
    if let Err(e) = state.app.may_manage_members(&ctx.who, id).await {
        return ctx.page_error(e);
    }
    let tr = ctx.tr();
    let f = Pairs::parse(&body);
    let mut bad = Vec::new();
    let left_on = super::day("left_on", &f.get("left_on"), &mut bad);
    let Some(left_on) = left_on else {
        let errors = BadValue::explain(&tr, &bad);
        return workspace_page(&state, &ctx, id, Extra::errors(errors)).await;
    };
    match state
        .app
        .end_membership(&ctx.who, id, membership, left_on)
        .await
    {
        Ok(()) => back_to(format!("/coalitions/{id}")),
        Err(e) => match problems(&tr, &e) {
            Some(errors) => workspace_page(&state, &ctx, id, Extra::errors(errors)).await,
            None => ctx.page_error(e),
        },
    }
}

pub(crate) async fn schedule(
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
    let date = f.get("date");
    let text = MeetingText {
        title: f.get("title"),
        starts: format!("{date}T{}", f.get("starts")),
        ends: format!("{date}T{}", f.get("ends")),
        time_zone: f.get("time_zone"),
        place: f.get("place"),
        online_url: f.get("online_url"),
        agenda: f.get("agenda"),
        group: f.get("group_id"),
    };
    let refuse = |errors| async { workspace_page(&state, &ctx, id, Extra::errors(errors)).await };
    let new = match text.to_new() {
        Ok(new) => new,
        Err(bad) => {
            let bad: Vec<BadValue> = bad
                .into_iter()
                .map(|b| BadValue {
                    field: b.field,
                    value: b.value.replace('T', " "),
                })
                .collect();
            return refuse(BadValue::explain(&tr, &bad)).await;
        }
    };
    match state.app.schedule_meeting(&ctx.who, id, new).await {
        Ok(meeting) => back_to(format!("/meetings/{meeting}")),
        Err(e) => match problems(&tr, &e) {
            Some(errors) => refuse(errors).await,
            None => ctx.page_error(e),
        },
    }
}

pub(crate) async fn renew_feed(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = ctx.id::<OrgId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    match state.app.renew_calendar_feed(&ctx.who, id).await {
        Ok(token) => {
            let feed_url = Some(super::calendar::feed_url(&state, &token));
            workspace_page(
                &state,
                &ctx,
                id,
                Extra {
                    feed_url,
                    errors: Vec::new(),
                },
            )
            .await
        }
        Err(e) => ctx.page_error(e),
    }
}

pub(crate) async fn revoke_feed(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = ctx.id::<OrgId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    match state.app.revoke_calendar_feed(&ctx.who, id).await {
        // None to stop is what was asked for.
        Ok(()) | Err(mosaique_app::AppError::NotFound) => back_to(format!("/coalitions/{id}")),
        Err(e) => ctx.page_error(e),
    }
}

struct AttendanceRow {
    id: String,
    name: String,
    /// The presence key, or empty when not recorded.
    presence: String,
}

#[derive(Template)]
#[template(path = "meeting.html")]
struct MeetingPage {
    shell: Shell,
    id: String,
    coalition_id: String,
    coalition: String,
    when: String,
    ends: String,
    place: String,
    online_url: String,
    agenda: String,
    minutes: String,
    approved: bool,
    attendance: Vec<AttendanceRow>,
    presences: Vec<(String, String)>,
    /// The action items this meeting decided.
    decisions: Vec<DecisionRow>,
    /// (id, name) of the organizations that may carry one: the members on its day.
    owners: Vec<(String, String)>,
    /// (key, label) of the plan's pillars.
    pillars: Vec<(String, String)>,
    /// Its documents, from the library.
    documents: Vec<super::library::ResourceRow>,
    may_add_document: bool,
    form: super::library::ResourceForm,
    version: i64,
    may_run: bool,
    errors: Vec<String>,
}

struct DecisionRow {
    id: String,
    title: String,
    status: String,
    due: String,
    owner: String,
}

async fn meeting_page(state: &AppState, ctx: &Ctx, id: MeetingId, errors: Vec<String>) -> Response {
    let tr = ctx.tr();
    let view: MeetingView = match state.app.meeting(&ctx.who, id).await {
        Ok(view) => view,
        Err(e) => return ctx.page_error(e),
    };
    let m = &view.meeting;
    let attendance = view
        .members
        .iter()
        .map(|member| AttendanceRow {
            id: member.member.to_string(),
            name: name_in(&member.member_name, ctx.lang),
            presence: m
                .attendance
                .iter()
                .find(|(org, _)| *org == member.member)
                .map(|(_, p)| p.key().to_owned())
                .unwrap_or_default(),
        })
        .collect();
    let status = super::form_status(&errors);
    let page = MeetingPage {
        shell: ctx.shell(m.title.clone(), "coalitions"),
        id: m.id.to_string(),
        coalition_id: view.coalition.id.to_string(),
        coalition: name_in(&view.coalition.name, ctx.lang),
        when: local(m.starts_at, &m.time_zone),
        ends: local(m.ends_at, &m.time_zone),
        place: m.place.clone(),
        online_url: m.online_url.clone(),
        agenda: m.agenda.clone(),
        minutes: m.minutes.clone(),
        approved: m.minutes_status == MinutesStatus::Approved,
        attendance,
        presences: Presence::ALL
            .iter()
            .map(|p| (p.key().to_owned(), tr.t(&format!("presence-{}", p.key()))))
            .collect(),
        decisions: view
            .actions
            .iter()
            .map(|a| DecisionRow {
                id: a.id.to_string(),
                title: a.title.clone(),
                status: tr.t(&format!("action-status-{}", a.status.key())),
                due: a.due_on.map(|d| d.to_string()).unwrap_or_default(),
                owner: a
                    .owner
                    .as_ref()
                    .map(|(_, n)| name_in(n, ctx.lang))
                    .unwrap_or_default(),
            })
            .collect(),
        owners: view
            .members
            .iter()
            .map(|m| (m.member.to_string(), name_in(&m.member_name, ctx.lang)))
            .collect(),
        pillars: mosaique_domain::coalition::action::Pillar::ALL
            .iter()
            .map(|p| (p.key().to_owned(), tr.t(&format!("pillar-{}", p.key()))))
            .collect(),
        documents: view
            .documents
            .iter()
            // A meeting's documents are listed for its readers; withdrawn from the library.
            .map(|d| super::library::resource_row(ctx, d, String::new(), false))
            .collect(),
        may_add_document: view.may_add_document,
        form: super::library::resource_form(
            ctx,
            super::library::ResourceText {
                meeting: m.id.to_string(),
                ..Default::default()
            },
            false,
        ),
        version: m.version,
        may_run: view.may_run,
        errors,
    };
    render_with(&page, status)
}

/// `POST /meetings/{id}/actions`: one of the meeting's decisions, as an action item (in
/// the plan under a pillar, or outside it).
pub(crate) async fn decide(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Some(id) = ctx.id::<MeetingId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    let view = match state.app.meeting(&ctx.who, id).await {
        Ok(view) => view,
        Err(e) => return ctx.page_error(e),
    };
    if let Err(e) = state.app.may_run(&ctx.who, view.coalition.id).await {
        return ctx.page_error(e);
    }
    let tr = ctx.tr();
    let f = Pairs::parse(&body);
    let text = super::actions::ActionText {
        pillar: f.get("pillar"),
        title: f.get("title"),
        description: String::new(),
        owner: f.get("owner"),
        partners: Vec::new(),
        indicators: String::new(),
        due_on: f.get("due_on"),
        public: false,
        meeting: id.to_string(),
    };
    let new = match text.to_new() {
        Ok(new) => new,
        Err(bad) => return meeting_page(&state, &ctx, id, BadValue::explain(&tr, &bad)).await,
    };
    match state
        .app
        .record_action(&ctx.who, view.coalition.id, new)
        .await
    {
        Ok(_) => back_to(format!("/meetings/{id}#decisions")),
        Err(e) => match problems(&tr, &e) {
            Some(errors) => meeting_page(&state, &ctx, id, errors).await,
            None => ctx.page_error(e),
        },
    }
}

pub(crate) async fn meeting(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    match ctx.id::<MeetingId>(&id) {
        Some(id) => meeting_page(&state, &ctx, id, Vec::new()).await,
        None => ctx.error(PageError::NotFound),
    }
}

fn version(f: &Pairs) -> i64 {
    f.get("version").parse().unwrap_or(-1)
}

pub(crate) async fn attendance(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Some(id) = ctx.id::<MeetingId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    if let Err(e) = state.app.may_run_meeting(&ctx.who, id).await {
        return ctx.page_error(e);
    }
    let tr = ctx.tr();
    let f = Pairs::parse(&body);
    // `presence-<organization id>` = present | excused | absent; empty: not recorded.
    let mut recorded = Vec::new();
    let mut bad = Vec::new();
    for (key, value) in &f.0 {
        let Some(org) = key.strip_prefix("presence-") else {
            continue;
        };
        if value.trim().is_empty() {
            continue;
        }
        match (org.parse::<OrgId>(), Presence::from_key(value.trim())) {
            (Ok(org), Some(presence)) => recorded.push((org, presence)),
            _ => bad.push(BadValue {
                field: "presence",
                value: value.clone(),
            }),
        }
    }
    if !bad.is_empty() {
        return meeting_page(&state, &ctx, id, BadValue::explain(&tr, &bad)).await;
    }
    match state
        .app
        .record_attendance(&ctx.who, id, version(&f), &recorded)
        .await
    {
        Ok(()) => back_to(format!("/meetings/{id}")),
        Err(e) => match problems(&tr, &e) {
            Some(errors) => meeting_page(&state, &ctx, id, errors).await,
            None => ctx.page_error(e),
        },
    }
}

pub(crate) async fn minutes(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Some(id) = ctx.id::<MeetingId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    if let Err(e) = state.app.may_run_meeting(&ctx.who, id).await {
        return ctx.page_error(e);
    }
    let tr = ctx.tr();
    let f = Pairs::parse(&body);
    let approve = f.get("action") == "approve";
    match state
        .app
        .write_minutes(&ctx.who, id, version(&f), &f.get("minutes"), approve)
        .await
    {
        Ok(()) => back_to(format!("/meetings/{id}")),
        Err(e) => match problems(&tr, &e) {
            Some(errors) => meeting_page(&state, &ctx, id, errors).await,
            None => ctx.page_error(e),
        },
    }
}
