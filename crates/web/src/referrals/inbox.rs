//! `/inbox`: that something waits for the reader — a referral to answer, an answer to a
//! referral they sent — as a page and as JSON. A notice names no one; its link is the
//! referral's.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use mosaique_domain::inbox::Notice;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::gate::Ctx;
use crate::i18n::Tr;
use crate::problem::{Problem, ProblemBody};
use crate::shell::{Shell, render};

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct NoticeJson {
    pub id: String,
    /// `referral_received` or `referral_answered`.
    pub kind: String,
    /// What it says, in the request's language.
    pub text: String,
    pub referral_id: String,
    pub at: String,
    pub read: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct InboxJson {
    pub unread: usize,
    pub items: Vec<NoticeJson>,
}

fn notice_json(tr: &Tr, n: &Notice) -> NoticeJson {
    NoticeJson {
        id: n.id.to_string(),
        kind: n.kind.key().to_owned(),
        text: tr.label("notice_kind", n.kind.key()),
        referral_id: n.referral.to_string(),
        at: super::pages::local(n.at),
        read: n.read,
    }
}

fn inbox_json(tr: &Tr, notices: &[Notice]) -> InboxJson {
    InboxJson {
        unread: notices.iter().filter(|n| !n.read).count(),
        items: notices.iter().map(|n| notice_json(tr, n)).collect(),
    }
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    shell: Shell,
    inbox: InboxJson,
    /// The coalitions' bulletins delivered to the reader.
    bulletins: Vec<crate::coalition::bulletins::InboxBulletin>,
}

/// `GET /inbox`.
pub(crate) async fn show(State(state): State<AppState>, ctx: Ctx) -> Response {
    let tr = ctx.tr();
    let notices = match state.app.inbox(&ctx.who).await {
        Ok(notices) => notices,
        Err(e) => return ctx.page_error(e),
    };
    let bulletins = match state.app.my_bulletins(&ctx.who).await {
        Ok(received) => crate::coalition::bulletins::inbox_rows(&ctx, &received),
        Err(e) => return ctx.page_error(e),
    };
    render(&InboxPage {
        shell: ctx.shell(tr.t("inbox-title"), "inbox"),
        inbox: inbox_json(&tr, &notices),
        bulletins,
    })
}

/// The caller's notices, newest first: that a referral waits for an answer, or that one
/// they sent was answered. Opening the referral marks them read.
#[utoipa::path(
    get,
    path = "/api/v1/inbox",
    tag = "referrals",
    operation_id = "inbox",
    responses(
        (status = 200, description = "The inbox", body = InboxJson),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn show_api(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<InboxJson>, Problem> {
    let notices = state
        .app
        .inbox(&ctx.who)
        .await
        .map_err(|e| ctx.problem(e))?;
    Ok(Json(inbox_json(&ctx.tr(), &notices)))
}
