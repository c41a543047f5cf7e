//! `/api/v1/coalitions` and `/api/v1/meetings`: the workspace over JSON. A meeting's answer
//! carries the address of its iCalendar invitation.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use mosaique_app::App;
use mosaique_app::coalitions::MeetingView;
use mosaique_domain::coalition::meeting::{Meeting, Presence};
use mosaique_domain::{MeetingId, OrgId, Timestamp};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{MeetingText, MembershipText, local_iso, name_in, problems};
use crate::AppState;
use crate::api::{ApiJson, ApiQuery};
use crate::cases::api::unprocessable;
use crate::cases::form::BadValue;
use crate::gate::Ctx;
use crate::problem::{Problem, ProblemBody, ProblemKind};

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CoalitionJson {
    pub id: String,
    pub slug: String,
    /// In the request's language.
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CoalitionListJson {
    pub items: Vec<CoalitionJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MembershipJson {
    pub id: String,
    pub organization_id: String,
    pub organization: String,
    /// `member`, `observer` or `steering_committee`.
    pub role: String,
    /// `YYYY-MM-DD`.
    pub joined_on: String,
    /// The last day, once it has ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub left_on: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MembershipListJson {
    pub items: Vec<MembershipJson>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MembershipInput {
    pub organization_id: String,
    /// `member`, `observer` or `steering_committee`.
    pub role: String,
    /// `YYYY-MM-DD`.
    pub joined_on: String,
    /// The last day, for a past membership.
    #[serde(default)]
    pub left_on: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MembershipCreatedJson {
    pub id: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AttendanceJson {
    pub organization_id: String,
    /// `present`, `excused` or `absent`.
    pub presence: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MeetingJson {
    pub id: String,
    pub coalition_id: String,
    pub title: String,
    /// RFC 3339, UTC.
    pub starts_at: String,
    pub ends_at: String,
    /// The IANA zone it was scheduled in.
    pub time_zone: String,
    /// Local date and time in that zone, `YYYY-MM-DDTHH:MM`.
    pub starts_local: String,
    pub ends_local: String,
    pub place: String,
    pub online_url: String,
    pub agenda: String,
    /// The working group it is a meeting of; absent for the whole coalition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
    pub minutes: String,
    /// `draft` or `approved`.
    pub minutes_status: String,
    pub attendance: Vec<AttendanceJson>,
    /// Its iCalendar invitation (RFC 5545).
    pub ics_url: String,
    /// Send it back with a change: a change from an older version is refused (409).
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MeetingListJson {
    pub items: Vec<MeetingJson>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MeetingInput {
    pub title: String,
    /// Local start, `YYYY-MM-DDTHH:MM`, in `time_zone`.
    pub starts: String,
    /// Local end, `YYYY-MM-DDTHH:MM`.
    pub ends: String,
    /// An IANA zone (default `America/Toronto`).
    #[serde(default)]
    pub time_zone: Option<String>,
    #[serde(default)]
    pub place: Option<String>,
    /// An http(s) address of the video call.
    #[serde(default)]
    pub online_url: Option<String>,
    #[serde(default)]
    pub agenda: Option<String>,
    /// One of the coalition's working groups, for a meeting of that group.
    #[serde(default)]
    pub group_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MeetingCreatedJson {
    pub id: String,
    pub ics_url: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MinutesInput {
    pub minutes: String,
    /// Approve them as written: they no longer change.
    #[serde(default)]
    pub approve: bool,
    pub version: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PresenceInput {
    pub organization_id: String,
    /// `present`, `excused` or `absent`.
    pub presence: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AttendanceInput {
    /// Every organization's presence: replaces what was recorded.
    pub attendance: Vec<PresenceInput>,
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct FeedJson {
    /// The private address of the coalition's calendar: whoever has it sees the meetings.
    pub url: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct MeetingRange {
    /// Meetings starting from this day (`YYYY-MM-DD`, UTC; default a year ago).
    #[serde(default)]
    pub from: Option<String>,
    /// Meetings starting before this day (`YYYY-MM-DD`, UTC; default in two years).
    #[serde(default)]
    pub to: Option<String>,
}

/// A use case's refusal as a problem, with the words of what was invalid.
pub(crate) fn problem(ctx: &Ctx, error: mosaique_app::AppError) -> Problem {
    match problems(&ctx.tr(), &error) {
        Some(details) => unprocessable(ctx.lang, details),
        None => ctx.problem(error),
    }
}

pub(crate) fn not_found(ctx: &Ctx) -> Problem {
    Problem::new(ProblemKind::NotFound, ctx.lang)
}

fn coalition(ctx: &Ctx, raw: &str) -> Result<OrgId, Problem> {
    ctx.id(raw).ok_or_else(|| not_found(ctx))
}

fn meeting_id(ctx: &Ctx, raw: &str) -> Result<MeetingId, Problem> {
    ctx.id(raw).ok_or_else(|| not_found(ctx))
}

pub(crate) fn ics_url(state: &AppState, id: MeetingId) -> String {
    format!(
        "{}/meetings/{id}/invite.ics",
        state.settings.public_url.trim_end_matches('/')
    )
}

pub(crate) fn meeting_json(state: &AppState, m: &Meeting) -> MeetingJson {
    MeetingJson {
        id: m.id.to_string(),
        coalition_id: m.coalition.to_string(),
        title: m.title.clone(),
        starts_at: m.starts_at.to_rfc3339(),
        ends_at: m.ends_at.to_rfc3339(),
        time_zone: m.time_zone.clone(),
        starts_local: local_iso(m.starts_at, &m.time_zone),
        ends_local: local_iso(m.ends_at, &m.time_zone),
        place: m.place.clone(),
        online_url: m.online_url.clone(),
        agenda: m.agenda.clone(),
        group_id: m.group.map(|g| g.to_string()),
        minutes: m.minutes.clone(),
        minutes_status: m.minutes_status.key().to_owned(),
        attendance: m
            .attendance
            .iter()
            .map(|(org, p)| AttendanceJson {
                organization_id: org.to_string(),
                presence: p.key().to_owned(),
            })
            .collect(),
        ics_url: ics_url(state, m.id),
        version: m.version,
    }
}

/// The coalitions whose workspace the caller may open.
#[utoipa::path(
    get,
    path = "/api/v1/coalitions",
    tag = "coalition",
    operation_id = "listCoalitions",
    responses(
        (status = 200, description = "The coalitions the caller's organization is a member of today; every one for the coalition's staff", body = CoalitionListJson),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Analysts see aggregates only; an organization member of no coalition", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn list_coalitions(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<CoalitionListJson>, Problem> {
    let coalitions = state
        .app
        .my_coalitions(&ctx.who)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(Json(CoalitionListJson {
        items: coalitions
            .iter()
            .map(|c| CoalitionJson {
                id: c.id.to_string(),
                slug: c.slug.clone(),
                name: name_in(&c.name, ctx.lang),
            })
            .collect(),
    }))
}

/// A coalition's memberships, current and past.
#[utoipa::path(
    get,
    path = "/api/v1/coalitions/{id}/members",
    tag = "coalition",
    operation_id = "listCoalitionMembers",
    params(("id" = String, Path, description = "The coalition's id")),
    responses(
        (status = 200, description = "By organization name, then date", body = MembershipListJson),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not of the coalition's staff nor of a member organization", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such coalition", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn list_members(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<MembershipListJson>, Problem> {
    let id = coalition(&ctx, &id)?;
    let view = state
        .app
        .coalition_members(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(Json(MembershipListJson {
        items: view
            .memberships
            .iter()
            .map(|m| MembershipJson {
                id: m.id.to_string(),
                organization_id: m.member.to_string(),
                organization: name_in(&m.member_name, ctx.lang),
                role: m.role.key().to_owned(),
                joined_on: m.joined_on.to_string(),
                left_on: m.left_on.map(|d| d.to_string()),
            })
            .collect(),
    }))
}

/// Records an organization's membership over a period.
#[utoipa::path(
    post,
    path = "/api/v1/coalitions/{id}/members",
    tag = "coalition",
    operation_id = "addCoalitionMember",
    params(("id" = String, Path, description = "The coalition's id")),
    request_body = MembershipInput,
    responses(
        (status = 201, description = "Recorded", body = MembershipCreatedJson),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not a coalition administrator", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such coalition", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "An unknown organization or role, a bad date, an end before the start, or a period overlapping another of the same organization", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn add_member(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<ApiJson<MembershipInput>, Problem>,
) -> Result<(StatusCode, Json<MembershipCreatedJson>), Problem> {
    let id = coalition(&ctx, &id)?;
    state
        .app
        .may_manage_members(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    let ApiJson(input) = body?;
    let tr = ctx.tr();
    let parsed = match input.organization_id.trim().parse::<OrgId>() {
        Ok(member) => MembershipText {
            member,
            role: input.role,
            joined_on: input.joined_on,
            left_on: input.left_on.unwrap_or_default(),
        }
        .to_new(),
        Err(_) => Err(vec![BadValue {
            field: "organization_id",
            value: input.organization_id.clone(),
        }]),
    };
    let new = parsed.map_err(|bad| unprocessable(ctx.lang, BadValue::explain(&tr, &bad)))?;
    let created = state
        .app
        .add_membership(&ctx.who, id, new)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok((
        StatusCode::CREATED,
        Json(MembershipCreatedJson {
            id: created.to_string(),
        }),
    ))
}

/// Day `YYYY-MM-DD` at midnight UTC, as an instant.
fn day_start(raw: Option<&str>) -> Option<Result<Timestamp, ()>> {
    let raw = raw?.trim();
    if raw.is_empty() {
        return None;
    }
    Some(
        raw.parse::<jiff::civil::Date>()
            .ok()
            .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
            .map(|z| Timestamp(z.timestamp().as_millisecond()))
            .ok_or(()),
    )
}

/// A coalition's meetings, earliest first.
#[utoipa::path(
    get,
    path = "/api/v1/coalitions/{id}/meetings",
    tag = "coalition",
    operation_id = "listMeetings",
    params(("id" = String, Path, description = "The coalition's id"), MeetingRange),
    responses(
        (status = 200, description = "Meetings starting in the range", body = MeetingListJson),
        (status = 400, description = "A query parameter given twice, or a query string that cannot be read", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not of the coalition's staff nor of a member organization", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such coalition", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "A bad day", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn list_meetings(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiQuery(range): ApiQuery<MeetingRange>,
) -> Result<Json<MeetingListJson>, Problem> {
    let id = coalition(&ctx, &id)?;
    let now = App::now_ms();
    let tr = ctx.tr();
    let bound =
        |field: &'static str, raw: &Option<String>, default: i64| match day_start(raw.as_deref()) {
            None => Ok(Timestamp(default)),
            Some(Ok(t)) => Ok(t),
            Some(Err(())) => Err(unprocessable(
                ctx.lang,
                BadValue::explain(
                    &tr,
                    &[BadValue {
                        field,
                        value: raw.clone().unwrap_or_default(),
                    }],
                ),
            )),
        };
    let (from, to) = match (
        bound("from", &range.from, now - 366 * 86_400_000),
        bound("to", &range.to, now + 2 * 366 * 86_400_000),
    ) {
        (Ok(from), Ok(to)) => (from, to),
        (Err(bad), _) | (_, Err(bad)) => {
            // A coalition that is not there, or not the caller's, is said first.
            state
                .app
                .meetings(&ctx.who, id, Timestamp(0), Timestamp(0))
                .await
                .map_err(|e| problem(&ctx, e))?;
            return Err(bad);
        }
    };
    let view = state
        .app
        .meetings(&ctx.who, id, from, to)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(Json(MeetingListJson {
        items: view
            .meetings
            .iter()
            .map(|m| meeting_json(&state, m))
            .collect(),
    }))
}

/// Schedules a meeting of the coalition.
#[utoipa::path(
    post,
    path = "/api/v1/coalitions/{id}/meetings",
    tag = "coalition",
    operation_id = "scheduleMeeting",
    params(("id" = String, Path, description = "The coalition's id")),
    request_body = MeetingInput,
    responses(
        (status = 201, description = "Scheduled", body = MeetingCreatedJson),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not a coalition administrator or coordinator", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such coalition", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "No title, a bad local time, an end before the start, an unknown time zone, a local time that does not exist there, a bad online address", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn schedule_meeting(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<ApiJson<MeetingInput>, Problem>,
) -> Result<(StatusCode, Json<MeetingCreatedJson>), Problem> {
    let id = coalition(&ctx, &id)?;
    state
        .app
        .may_run(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    let ApiJson(input) = body?;
    let tr = ctx.tr();
    let text = MeetingText {
        title: input.title,
        starts: input.starts,
        ends: input.ends,
        time_zone: input.time_zone.unwrap_or_default(),
        place: input.place.unwrap_or_default(),
        online_url: input.online_url.unwrap_or_default(),
        agenda: input.agenda.unwrap_or_default(),
        group: input.group_id.unwrap_or_default(),
    };
    let new = text
        .to_new()
        .map_err(|bad| unprocessable(ctx.lang, BadValue::explain(&tr, &bad)))?;
    let created = state
        .app
        .schedule_meeting(&ctx.who, id, new)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok((
        StatusCode::CREATED,
        Json(MeetingCreatedJson {
            id: created.to_string(),
            ics_url: ics_url(&state, created),
        }),
    ))
}

/// One meeting, with the address of its invitation.
#[utoipa::path(
    get,
    path = "/api/v1/meetings/{id}",
    tag = "coalition",
    operation_id = "getMeeting",
    params(("id" = String, Path, description = "The meeting's id")),
    responses(
        (status = 200, description = "The meeting", body = MeetingJson),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not of the coalition's staff nor of a member organization", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such meeting", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn get_meeting(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<MeetingJson>, Problem> {
    let id = meeting_id(&ctx, &id)?;
    let view: MeetingView = state
        .app
        .meeting(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(Json(meeting_json(&state, &view.meeting)))
}

/// Writes the minutes (a draft), or approves them as written.
#[utoipa::path(
    put,
    path = "/api/v1/meetings/{id}/minutes",
    tag = "coalition",
    operation_id = "writeMinutes",
    params(("id" = String, Path, description = "The meeting's id")),
    request_body = MinutesInput,
    responses(
        (status = 204, description = "Written"),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not a coalition administrator or coordinator", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such meeting", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The meeting changed since that version", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Approved minutes, no minutes to approve, or too long", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn write_minutes(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<ApiJson<MinutesInput>, Problem>,
) -> Result<StatusCode, Problem> {
    let id = meeting_id(&ctx, &id)?;
    state
        .app
        .may_run_meeting(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    let ApiJson(input) = body?;
    state
        .app
        .write_minutes(&ctx.who, id, input.version, &input.minutes, input.approve)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records who came: every member organization's presence.
#[utoipa::path(
    put,
    path = "/api/v1/meetings/{id}/attendance",
    tag = "coalition",
    operation_id = "recordAttendance",
    params(("id" = String, Path, description = "The meeting's id")),
    request_body = AttendanceInput,
    responses(
        (status = 204, description = "Recorded"),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not a coalition administrator or coordinator", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such meeting", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The meeting changed since that version", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "An unknown presence, or an organization that was not a member on that day", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn record_attendance(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<ApiJson<AttendanceInput>, Problem>,
) -> Result<StatusCode, Problem> {
    let id = meeting_id(&ctx, &id)?;
    state
        .app
        .may_run_meeting(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    let ApiJson(input) = body?;
    let tr = ctx.tr();
    let mut recorded = Vec::new();
    let mut bad = Vec::new();
    for p in &input.attendance {
        match (
            p.organization_id.trim().parse::<OrgId>(),
            Presence::from_key(p.presence.trim()),
        ) {
            (Ok(org), Some(presence)) => recorded.push((org, presence)),
            (Err(_), _) => bad.push(BadValue {
                field: "organization_id",
                value: p.organization_id.clone(),
            }),
            (_, None) => bad.push(BadValue {
                field: "presence",
                value: p.presence.clone(),
            }),
        }
    }
    if !bad.is_empty() {
        return Err(unprocessable(ctx.lang, BadValue::explain(&tr, &bad)));
    }
    state
        .app
        .record_attendance(&ctx.who, id, input.version, &recorded)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Gives the caller a new private address for the coalition's calendar; the old one stops.
#[utoipa::path(
    post,
    path = "/api/v1/coalitions/{id}/calendar",
    tag = "coalition",
    operation_id = "renewCalendarFeed",
    params(("id" = String, Path, description = "The coalition's id")),
    responses(
        (status = 201, description = "The address, shown this once", body = FeedJson),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not of the coalition's staff nor of a member organization", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such coalition", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn renew_feed(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<FeedJson>), Problem> {
    let id = coalition(&ctx, &id)?;
    let token = state
        .app
        .renew_calendar_feed(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok((
        StatusCode::CREATED,
        Json(FeedJson {
            url: super::calendar::feed_url(&state, &token),
        }),
    ))
}

/// Stops the caller's calendar address for the coalition.
#[utoipa::path(
    delete,
    path = "/api/v1/coalitions/{id}/calendar",
    tag = "coalition",
    operation_id = "revokeCalendarFeed",
    params(("id" = String, Path, description = "The coalition's id")),
    responses(
        (status = 204, description = "Stopped"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not of the coalition's staff nor of a member organization", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such coalition, or no address to stop", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn revoke_feed(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    let id = coalition(&ctx, &id)?;
    state
        .app
        .revoke_calendar_feed(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(StatusCode::NO_CONTENT)
}
