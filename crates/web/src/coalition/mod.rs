//! The coalition's workspace: its members over time, its meetings (agenda, attendance,
//! minutes) and their calendars — pages ([`pages`]), the JSON API ([`api`]) and iCalendar
//! ([`calendar`]).

pub(crate) mod actions;
pub(crate) mod api;
pub(crate) mod awareness;
pub(crate) mod bulletins;
pub(crate) mod calendar;
pub(crate) mod funding;
pub(crate) mod glossary;
pub(crate) mod groups;
pub(crate) mod health;
pub(crate) mod library;
pub(crate) mod mandates;
pub(crate) mod pages;
pub(crate) mod trainings;

use axum::Router;
use axum::routing::{get, post};
use jiff::civil::{Date, DateTime};
use mosaique_app::{AppError, Invalid};
use mosaique_domain::coalition::meeting::NewMeeting;
use mosaique_domain::coalition::{MemberRole, NewMembership};
use mosaique_domain::time::DEFAULT_TIME_ZONE;
use mosaique_domain::{Language, OrgId, Timestamp};

use crate::AppState;
use crate::cases::form::BadValue;
use crate::i18n::Tr;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/coalitions", get(pages::list))
        .route("/coalitions/{id}", get(pages::workspace))
        .route("/coalitions/{id}/members", post(pages::add_member))
        .route(
            "/coalitions/{id}/members/{membership}/end",
            post(pages::end_member),
        )
        .route("/coalitions/{id}/meetings", post(pages::schedule))
        .route("/coalitions/{id}/calendar", post(pages::renew_feed))
        .route("/coalitions/{id}/calendar/revoke", post(pages::revoke_feed))
        .route(
            "/coalitions/{id}/actions",
            get(actions::plan).post(actions::record),
        )
        .route("/coalitions/{id}/plan", get(actions::public_plan))
        .route("/coalitions/{id}/health", get(health::page))
        .route("/coalitions/{id}/mandates", get(mandates::page))
        .route(
            "/coalitions/{id}/glossary",
            get(glossary::list).post(glossary::add),
        )
        .route(
            "/glossary/{entry}",
            get(glossary::show).post(glossary::change),
        )
        .route(
            "/coalitions/{id}/groups",
            get(groups::list).post(groups::create),
        )
        .route("/groups/{group}", get(groups::show))
        .route("/groups/{group}/members", post(groups::members))
        .route(
            "/coalitions/{id}/trainings",
            get(trainings::page).post(trainings::record_session),
        )
        .route(
            "/coalitions/{id}/trainings/programs",
            post(trainings::record_program),
        )
        .route(
            "/coalitions/{id}/trainings/trainers",
            post(trainings::certify),
        )
        .route(
            "/coalitions/{id}/trainings/cascade",
            get(trainings::cascade_page),
        )
        .route("/trainers/{trainer}/renew", post(trainings::renew))
        .route(
            "/coalitions/{id}/library",
            get(library::list)
                .post(library::add)
                .layer(crate::cases::documents::upload_limit()),
        )
        .route("/library/{resource}", get(library::open))
        .route(
            "/coalitions/{id}/campaigns",
            get(awareness::campaigns).post(awareness::add_campaign),
        )
        .route("/campaigns/{campaign}/reach", post(awareness::record_reach))
        .route(
            "/coalitions/{id}/funding",
            get(funding::page).post(funding::add),
        )
        .route("/grants/{grant}/reports", post(funding::submit))
        .route(
            "/coalitions/{id}/bulletins",
            get(bulletins::list).post(bulletins::publish),
        )
        .route("/bulletins/{bulletin}", get(bulletins::show))
        .route(
            "/coalitions/{id}/practices",
            get(awareness::practices).post(awareness::add_practice),
        )
        .route("/library/{resource}/withdraw", post(library::withdraw))
        .route("/actions/{action}", get(actions::show))
        .route("/actions/{action}/progress", post(actions::progress))
        .route("/meetings/{meeting}", get(pages::meeting))
        .route("/meetings/{meeting}/attendance", post(pages::attendance))
        .route("/meetings/{meeting}/minutes", post(pages::minutes))
        .route("/meetings/{meeting}/actions", post(pages::decide))
        .route("/meetings/{meeting}/invite.ics", get(calendar::invite))
        .route("/calendar/{token}", get(calendar::feed))
}

/// The words of what a use case refused as given, for the page or the problem's detail.
pub(crate) fn problems(tr: &Tr, error: &AppError) -> Option<Vec<String>> {
    match error {
        AppError::Invalid(Invalid::Membership(problems)) => {
            Some(problems.iter().map(|p| tr.t(p.message_id())).collect())
        }
        AppError::Invalid(Invalid::Meeting(problems)) => {
            Some(problems.iter().map(|p| tr.t(p.message_id())).collect())
        }
        AppError::Invalid(Invalid::Action(problems)) => {
            Some(problems.iter().map(|p| tr.t(p.message_id())).collect())
        }
        AppError::Invalid(Invalid::Training(problems)) => {
            Some(problems.iter().map(|p| tr.t(p.message_id())).collect())
        }
        AppError::Invalid(Invalid::Group(problems)) => {
            Some(problems.iter().map(|p| tr.t(p.message_id())).collect())
        }
        AppError::Invalid(Invalid::Glossary(problems)) => {
            Some(problems.iter().map(|p| tr.t(p.message_id())).collect())
        }
        AppError::Invalid(Invalid::Library(problems)) => {
            Some(problems.iter().map(|p| tr.t(p.message_id())).collect())
        }
        AppError::Invalid(Invalid::Campaign(problems)) => {
            Some(problems.iter().map(|p| tr.t(p.message_id())).collect())
        }
        AppError::Invalid(Invalid::Practice(problems)) => {
            Some(problems.iter().map(|p| tr.t(p.message_id())).collect())
        }
        AppError::Invalid(Invalid::Grant(problems)) => {
            Some(problems.iter().map(|p| tr.t(p.message_id())).collect())
        }
        AppError::Invalid(Invalid::Bulletin(problems)) => {
            Some(problems.iter().map(|p| tr.t(p.message_id())).collect())
        }
        _ => None,
    }
}

/// A page's status: 422 when it shows what a form got wrong.
pub(crate) fn form_status(errors: &[String]) -> axum::http::StatusCode {
    if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    }
}

fn day(field: &'static str, value: &str, bad: &mut Vec<BadValue>) -> Option<Date> {
    let parsed = value.trim().parse().ok();
    if parsed.is_none() {
        bad.push(BadValue {
            field,
            value: value.to_owned(),
        });
    }
    parsed
}

/// A local date and time, `YYYY-MM-DDTHH:MM` (seconds allowed).
fn local_time(field: &'static str, value: &str, bad: &mut Vec<BadValue>) -> Option<DateTime> {
    let parsed = value.trim().parse().ok();
    if parsed.is_none() {
        bad.push(BadValue {
            field,
            value: value.to_owned(),
        });
    }
    parsed
}

/// A membership as text, from a form or a JSON body.
pub(crate) struct MembershipText {
    pub member: OrgId,
    pub role: String,
    pub joined_on: String,
    pub left_on: String,
}

impl MembershipText {
    fn to_new(&self) -> Result<NewMembership, Vec<BadValue>> {
        let mut bad = Vec::new();
        let role = MemberRole::from_key(self.role.trim());
        if role.is_none() {
            bad.push(BadValue {
                field: "role",
                value: self.role.clone(),
            });
        }
        let joined_on = day("joined_on", &self.joined_on, &mut bad);
        let left_on = if self.left_on.trim().is_empty() {
            None
        } else {
            day("left_on", &self.left_on, &mut bad)
        };
        match (role, joined_on) {
            (Some(role), Some(joined_on)) if bad.is_empty() => Ok(NewMembership {
                member: self.member,
                role,
                joined_on,
                left_on,
            }),
            _ => Err(bad),
        }
    }
}

/// A meeting as text, from a form or a JSON body.
pub(crate) struct MeetingText {
    pub title: String,
    /// `YYYY-MM-DDTHH:MM`, local to `time_zone`.
    pub starts: String,
    pub ends: String,
    pub time_zone: String,
    pub place: String,
    pub online_url: String,
    pub agenda: String,
    /// A working group's id, or blank for the whole coalition.
    pub group: String,
}

impl MeetingText {
    fn to_new(&self) -> Result<NewMeeting, Vec<BadValue>> {
        let mut bad = Vec::new();
        let starts = local_time("starts", &self.starts, &mut bad);
        let ends = local_time("ends", &self.ends, &mut bad);
        let group = match self.group.trim() {
            "" => None,
            raw => crate::cases::form::vocab("group_id", raw, &mut bad),
        };
        match (starts, ends) {
            (Some(starts), Some(ends)) if bad.is_empty() => Ok(NewMeeting {
                title: self.title.clone(),
                starts,
                ends,
                time_zone: if self.time_zone.trim().is_empty() {
                    DEFAULT_TIME_ZONE.to_owned()
                } else {
                    self.time_zone.trim().to_owned()
                },
                place: self.place.clone(),
                online_url: self.online_url.clone(),
                agenda: self.agenda.clone(),
                group,
            }),
            _ => Err(bad),
        }
    }
}

/// An instant as the meeting's local date and time, with its zone (`2026-01-15 09:30
/// (America/Toronto)`).
pub(crate) fn local(at: Timestamp, zone: &str) -> String {
    format!(
        "{} ({zone})",
        mosaique_domain::time::local_date_time(at, zone)
    )
}

/// The local `YYYY-MM-DDTHH:MM` of an instant in a zone (the API's `starts_local`).
pub(crate) fn local_iso(at: Timestamp, zone: &str) -> String {
    mosaique_domain::time::local_date_time(at, zone).replace(' ', "T")
}

/// The name of a coalition's calendar, in `lang`.
pub(crate) fn calendar_name(tr: &Tr, coalition: &str) -> String {
    tr.with("calendar-name", "coalition", coalition)
}

/// A language's pick of a bilingual name.
pub(crate) fn name_in(name: &mosaique_domain::Bilingual<String>, lang: Language) -> String {
    name.get(lang).clone()
}
