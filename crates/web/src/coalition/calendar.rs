//! Meetings as iCalendar: one meeting's invitation (for a signed-in member) and a
//! coalition's feed behind a private address a calendar application polls without a session.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use mosaique_app::App;
use mosaique_domain::coalition::ics::{CalendarInfo, calendar};
use mosaique_domain::coalition::meeting::Meeting;
use mosaique_domain::{MeetingId, Timestamp};

use super::{calendar_name, name_in};
use crate::AppState;
use crate::gate::Ctx;
use crate::shell::PageError;

/// The address of a calendar feed, on this instance's public origin.
pub(crate) fn feed_url(state: &AppState, token: &str) -> String {
    format!(
        "{}/calendar/{token}.ics",
        state.settings.public_url.trim_end_matches('/')
    )
}

/// The host of the public origin, for the events' `UID`s.
fn host(state: &AppState) -> String {
    let origin = state.settings.public_url.trim_end_matches('/');
    origin
        .split_once("://")
        .map_or(origin, |(_, rest)| rest)
        .to_owned()
}

fn ics(state: &AppState, name: &str, meetings: &[&Meeting], file: &str) -> Response {
    let prefix = format!(
        "{}/meetings/",
        state.settings.public_url.trim_end_matches('/')
    );
    let host = host(state);
    let info = CalendarInfo {
        name,
        host: &host,
        meeting_url_prefix: &prefix,
        now: Timestamp(App::now_ms()),
    };
    (
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{file}\""),
            ),
            // A private feed: never kept by a shared cache.
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        calendar(&info, meetings),
    )
        .into_response()
}

/// `GET /meetings/{meeting}/invite.ics`: one meeting, for a calendar.
pub(crate) async fn invite(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = ctx.id::<MeetingId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    match state.app.meeting(&ctx.who, id).await {
        Ok(view) => {
            let name = calendar_name(&ctx.tr(), &name_in(&view.coalition.name, ctx.lang));
            ics(&state, &name, &[&view.meeting], "invitation.ics")
        }
        Err(e) => ctx.page_error(e),
    }
}

/// `GET /calendar/{token}.ics`: a coalition's meetings, for whoever holds the address, read
/// with its person's rights as they are now. An unknown or revoked address is not found.
pub(crate) async fn feed(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(file): Path<String>,
) -> Response {
    let token = file.strip_suffix(".ics").unwrap_or(&file);
    match state.app.calendar_feed(token).await {
        Ok(view) => {
            let name = calendar_name(&ctx.tr(), &name_in(&view.coalition.name, ctx.lang));
            let meetings: Vec<&Meeting> = view.meetings.iter().collect();
            ics(&state, &name, &meetings, "coalition.ics")
        }
        Err(e) => ctx.page_error(e),
    }
}
