//! What every page shares: the layout (`base.html`), rendering, error pages and the helpers
//! pages and the gate both need. Every page works without JavaScript; htmx only makes some
//! of them livelier.

use askama::Template;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};

use crate::gate::Ctx;
use crate::i18n::Tr;

/// What the layout needs on every page.
#[derive(Debug, Clone)]
pub(crate) struct Shell {
    pub tr: Tr,
    pub lang: &'static str,
    pub title: String,
    pub coalition: String,
    /// Which navigation entry is the current page.
    pub current: &'static str,
    pub switch_href: String,
    pub switch_lang: &'static str,
    pub switch_label: String,
    /// The signed-in user's name, for the header.
    pub user: Option<String>,
    /// Administration links the signed-in user may follow.
    pub nav_admin: bool,
    pub nav_audit: bool,
    pub nav_screening: bool,
    pub nav_cases: bool,
    pub nav_privacy: bool,
    pub nav_referrals: bool,
    pub nav_desk: bool,
    /// The coalitions' workspaces.
    pub nav_coalitions: bool,
    pub nav_messages: bool,
    pub demo: bool,
    /// The language as a query for links (`?lang=fr`, or `&lang=fr` after another
    /// parameter), for visitors who are not signed in; empty for a signed-in user, whose
    /// choice a cookie keeps.
    pub q: &'static str,
    pub qa: &'static str,
    /// The coalition's own help line (none when its phone is empty).
    pub help_phone: String,
    pub help_tel: String,
    pub help_hours: String,
    /// Where the quick exit leaves for.
    pub exit_url: String,
    pub css: String,
    pub icon: &'static str,
    /// htmx, only for the pages that use it (the directory's live search).
    pub htmx: Option<String>,
    pub js: String,
}

impl Shell {
    /// Loads htmx on this page.
    pub fn with_htmx(mut self) -> Shell {
        self.htmx = Some(crate::assets::href("htmx-2.0.11.min.js"));
        self
    }
}

#[derive(Debug, Clone)]
pub(crate) enum PageError {
    NotFound,
    BadRequest(String),
    MethodNotAllowed,
    Forbidden,
    /// Another change came first, or the thing is in a state that forbids this; what to do.
    Conflict(String),
    Unavailable,
    Internal,
}

#[derive(Template)]
#[template(path = "message.html")]
pub(crate) struct MessagePage {
    pub shell: Shell,
    pub heading: String,
    pub text: String,
}

/// Renders a template; a rendering failure is logged and becomes a plain 500, never a panic.
pub(crate) fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(error) => {
            tracing::error!(%error, "template rendering failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                crate::i18n::both_languages("error-internal-title"),
            )
                .into_response()
        }
    }
}

/// Renders a form page with `status` (422 when it comes back with problems).
pub(crate) fn render_with(template: &impl Template, status: StatusCode) -> Response {
    let mut response = render(template);
    if response.status().is_success() {
        *response.status_mut() = status;
    }
    response
}

pub(crate) async fn not_found(ctx: Ctx) -> Response {
    ctx.error(PageError::NotFound)
}

pub(crate) async fn method_not_allowed(ctx: Ctx, method: Method, uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return crate::api::method_not_allowed(ctx.lang, &method).into_response();
    }
    ctx.error(PageError::MethodNotAllowed)
}

/// Percent-encodes a query-string component.
pub(crate) fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}
