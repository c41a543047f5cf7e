//! The public contact form (`/contact`) and the coalition administrators' inbox of its
//! messages (`/admin/messages`).

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use mosaique_app::contact::Sent;
use mosaique_app::{AppError, Invalid};
use mosaique_domain::ContactMessageId;
use mosaique_domain::contact::{
    Closing, ContactDraft, ContactTopic, FIELD_MAX_CHARS, MESSAGE_MAX_CHARS,
};
use mosaique_domain::time::{DEFAULT_TIME_ZONE, local_date_time};
use serde::Deserialize;

use crate::AppState;
use crate::form::Pairs;
use crate::gate::Ctx;
use crate::i18n::Tr;
use crate::security::ClientIp;
use crate::shell::{PageError, Shell, render, render_with};

struct TopicChoice {
    key: &'static str,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "contact.html")]
struct ContactPage {
    shell: Shell,
    topics: Vec<TopicChoice>,
    draft: ContactDraft,
    problems: Vec<String>,
    sent: bool,
    message_max: usize,
    field_max: usize,
}

fn page(ctx: &Ctx, draft: ContactDraft, problems: Vec<String>, sent: bool) -> ContactPage {
    let tr = ctx.tr();
    ContactPage {
        // After sending, the title says so: it is what a screen reader announces first.
        shell: ctx.shell(
            tr.t(if sent {
                "contact-sent-title"
            } else {
                "contact-title"
            }),
            "contact",
        ),
        topics: ContactTopic::ALL
            .iter()
            .map(|t| TopicChoice {
                key: t.key(),
                label: tr.label("contact_topic", t.key()),
                selected: draft.topic == t.key(),
            })
            .collect(),
        draft,
        problems,
        sent,
        message_max: MESSAGE_MAX_CHARS,
        field_max: FIELD_MAX_CHARS,
    }
}

#[derive(Debug, Deserialize)]
struct SentQuery {
    sent: Option<String>,
}

async fn form(
    ctx: Ctx,
    query: Result<Query<SentQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let sent = query.is_ok_and(|Query(q)| q.sent.as_deref() == Some("1"));
    render(&page(&ctx, ContactDraft::default(), Vec::new(), sent))
}

async fn send(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientIp(address): ClientIp,
    body: Bytes,
) -> Response {
    let pairs = Pairs::parse(&body);
    let draft = ContactDraft {
        topic: pairs.get("topic"),
        name: pairs.get("name"),
        email: pairs.get("email"),
        organization: pairs.get("organization"),
        message: pairs.get("message"),
        trap: pairs.get("website"),
    };
    let tr = ctx.tr();
    match state
        .app
        .send_contact_message(&ctx.who, &draft, address)
        .await
    {
        Ok(Sent::Delivered) => {
            let (_, q) = ctx.lang_in_links();
            Redirect::to(&format!("/contact?sent=1{q}")).into_response()
        }
        Ok(Sent::TooMany {
            retry_after_s,
            everyone,
        }) => {
            let minutes = i64::try_from(retry_after_s.div_ceil(60)).unwrap_or(i64::MAX);
            let key = if everyone {
                "contact-too-many-everyone"
            } else {
                "contact-too-many"
            };
            let problems = vec![tr.count(key, minutes)];
            let mut response = render_with(
                &page(&ctx, draft, problems, false),
                StatusCode::TOO_MANY_REQUESTS,
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_s));
            response
        }
        Err(AppError::Invalid(Invalid::Contact(problems))) => {
            let problems = problems.iter().map(|p| tr.t(p.message_id())).collect();
            render_with(
                &page(&ctx, draft, problems, false),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(e) => ctx.page_error(e),
    }
}

struct MessageRow {
    id: String,
    topic: String,
    received: String,
    handled: Option<String>,
    name: String,
    email: String,
    organization: String,
    text: String,
}

#[derive(Template)]
#[template(path = "admin_messages.html")]
struct InboxPage {
    shell: Shell,
    count: String,
    problem: Option<String>,
    messages: Vec<MessageRow>,
}

fn when(tr: &Tr, key: &str, at: mosaique_domain::Timestamp) -> String {
    tr.with(key, "date", &local_date_time(at, DEFAULT_TIME_ZONE))
}

async fn inbox(State(state): State<AppState>, ctx: Ctx) -> Response {
    inbox_page(&state, &ctx, None).await
}

/// The inbox, with a problem to show above it (a deletion not confirmed).
async fn inbox_page(state: &AppState, ctx: &Ctx, problem: Option<String>) -> Response {
    let messages = match state.app.contact_messages(&ctx.who).await {
        Ok(messages) => messages,
        Err(e) => return ctx.page_error(e),
    };
    let tr = ctx.tr();
    let waiting = messages.iter().filter(|m| m.handled_at.is_none()).count();
    let status = if problem.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = InboxPage {
        shell: ctx.shell(tr.t("messages-title"), "messages"),
        count: tr.count("messages-waiting", i64::try_from(waiting).unwrap_or(0)),
        problem,
        messages: messages
            .into_iter()
            .map(|m| MessageRow {
                id: m.id.to_string(),
                topic: tr.label("contact_topic", m.topic.key()),
                received: when(&tr, "messages-received", m.received_at),
                handled: m.handled_at.map(|at| when(&tr, "messages-handled", at)),
                name: m.body.name,
                email: m.body.email,
                organization: m.body.organization,
                text: m.body.message,
            })
            .collect(),
    };
    render_with(&page, status)
}

async fn handled(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    close(&state, &ctx, &id, Closing::Handled, false).await
}

async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let confirmed = Pairs::parse(&body).on("confirm");
    close(&state, &ctx, &id, Closing::Deleted, confirmed).await
}

async fn close(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    closing: Closing,
    confirmed: bool,
) -> Response {
    let Ok(id) = id.parse::<ContactMessageId>() else {
        return ctx.error(PageError::NotFound);
    };
    match state
        .app
        .close_contact_message(&ctx.who, id, closing, confirmed)
        .await
    {
        Ok(()) => Redirect::to("/admin/messages").into_response(),
        Err(AppError::Invalid(Invalid::Contact(problems))) => {
            let tr = ctx.tr();
            let problem = problems.first().map(|p| tr.t(p.message_id()));
            inbox_page(state, ctx, problem).await
        }
        Err(e) => ctx.page_error(e),
    }
}

// Last in the file: the route check of tests/authorization.rs reads each `.route(` call up
// to the next statement.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/contact", get(form).post(send))
        .route("/admin/messages", get(inbox))
        .route("/admin/messages/{id}/handled", post(handled))
        .route("/admin/messages/{id}/delete", post(delete))
}
