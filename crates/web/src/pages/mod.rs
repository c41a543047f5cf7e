//! Server-rendered pages: one module per screen, all sharing the layout in `base.html`.
//! Every page works without JavaScript; htmx only makes some of them livelier.

mod account;
mod admin;
mod admin_orgs;
mod admin_services;
mod auth;
mod form;
mod home;
mod organizations;
mod screening;
mod services;

use askama::Template;
use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use mosaique_domain::Language;
use mosaique_store::StoreError;

use crate::AppState;
use crate::i18n::Tr;
use crate::lang::{Lang, switch_href};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::show))
        .route("/organizations", get(organizations::list))
        .route("/organizations/{slug}", get(organizations::show))
        .route("/services", get(services::search))
        .route("/services/{id}", get(services::show))
        .route("/login", get(auth::sign_in_form).post(auth::sign_in))
        .route("/login/continue", get(auth::continue_sign_in))
        .route("/login/totp", get(auth::totp_form).post(auth::totp_verify))
        .route("/logout", axum::routing::post(auth::sign_out))
        .route("/reauth", get(auth::reauth_form).post(auth::reauth))
        .route("/enrol/{token}", get(auth::enrol_form).post(auth::enrol))
        .route("/reset/{token}", get(auth::reset_form).post(auth::reset))
        .route("/admin/users", get(admin::users).post(admin::create_user))
        .route(
            "/admin/users/{id}/disable",
            axum::routing::post(admin::disable_user),
        )
        .route(
            "/admin/users/{id}/reset",
            axum::routing::post(admin::reset_link),
        )
        .route("/admin/audit", get(admin::audit))
        .route("/admin/organizations", get(admin_orgs::list))
        .route(
            "/admin/organizations/new",
            get(admin_orgs::new_form).post(admin_orgs::create),
        )
        .route(
            "/admin/organizations/{slug}",
            get(admin_orgs::edit_form).post(admin_orgs::update),
        )
        .route("/screening", get(screening::home).post(screening::start))
        .route("/screening/{id}", get(screening::interview))
        .route(
            "/screening/{id}/answers",
            axum::routing::post(screening::answer),
        )
        .route(
            "/screening/{id}/complete",
            axum::routing::post(screening::complete),
        )
        .route(
            "/screening/{id}/discard",
            axum::routing::post(screening::discard),
        )
        .route("/screening/{id}/result", get(screening::result))
        .route(
            "/admin/organizations/{slug}/services",
            get(admin_services::list),
        )
        .route(
            "/admin/organizations/{slug}/services/new",
            get(admin_services::new_form).post(admin_services::create),
        )
        .route(
            "/admin/organizations/{slug}/locations/new",
            get(admin_services::new_location_form).post(admin_services::create_location),
        )
        .route(
            "/admin/organizations/{slug}/locations/{id}",
            get(admin_services::edit_location_form).post(admin_services::update_location),
        )
        .route(
            "/admin/services/{id}",
            get(admin_services::edit_form).post(admin_services::update),
        )
        .route(
            "/admin/services/{id}/capacity",
            axum::routing::post(admin_services::capacity),
        )
        .route(
            "/admin/services/{id}/reviewed",
            axum::routing::post(admin_services::reviewed),
        )
        .route("/account", get(account::show))
        .route(
            "/account/security/totp",
            get(account::totp_setup_form).post(account::totp_setup),
        )
        .route(
            "/account/sessions/revoke",
            axum::routing::post(account::sign_out_everywhere),
        )
}

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
    pub demo: bool,
    pub css: String,
    pub icon: String,
    pub htmx: String,
    pub js: String,
}

/// Extracts what every page needs: the language, the coalition's name and the current URL.
#[derive(Debug, Clone)]
pub(crate) struct PageContext {
    pub lang: Language,
    user: Option<String>,
    actor: Option<mosaique_domain::Actor>,
    nav_admin: bool,
    nav_audit: bool,
    nav_screening: bool,
    demo: bool,
    coalition: String,
    path: String,
    query: Option<String>,
}

impl PageContext {
    pub fn tr(&self) -> Tr {
        Tr::new(self.lang)
    }

    /// The signed-in person, for policy decisions on pages anyone may open.
    pub fn actor(&self) -> Option<mosaique_domain::Actor> {
        self.actor.clone()
    }

    pub fn shell(&self, title: String, current: &'static str) -> Shell {
        let other = self.lang.other();
        Shell {
            tr: self.tr(),
            lang: self.lang.code(),
            title,
            coalition: self.coalition.clone(),
            current,
            user: self.user.clone(),
            nav_admin: self.nav_admin,
            nav_audit: self.nav_audit,
            nav_screening: self.nav_screening,
            demo: self.demo,
            switch_href: switch_href(&self.path, self.query.as_deref(), other),
            switch_lang: other.code(),
            switch_label: self.tr().t(&format!("lang-name-{}", other.code())),
            css: crate::assets::href("app.css"),
            icon: crate::assets::href("favicon.svg"),
            htmx: crate::assets::href("htmx-2.0.11.min.js"),
            js: crate::assets::href("app.js"),
        }
    }

    /// An error page in the request's language.
    pub fn error(&self, error: PageError) -> Response {
        let tr = self.tr();
        let (status, heading, text) = match &error {
            PageError::NotFound => (
                StatusCode::NOT_FOUND,
                tr.t("error-not-found-title"),
                tr.t("error-not-found-text"),
            ),
            PageError::BadRequest(detail) => (
                StatusCode::BAD_REQUEST,
                tr.t("error-bad-request-title"),
                tr.with("error-bad-request-text", "detail", detail),
            ),
            PageError::Forbidden => (
                StatusCode::FORBIDDEN,
                tr.t("error-forbidden-title"),
                tr.t("error-forbidden-text"),
            ),
            PageError::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                tr.t("error-method-not-allowed-title"),
                tr.t("error-method-not-allowed-text"),
            ),
            PageError::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                tr.t("error-unavailable-title"),
                tr.t("error-unavailable-text"),
            ),
            PageError::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                tr.t("error-internal-title"),
                tr.t("error-internal-text"),
            ),
        };
        let page = MessagePage {
            shell: self.shell(heading.clone(), ""),
            heading,
            text,
        };
        let mut response = render(&page);
        *response.status_mut() = status;
        response
    }
}

impl FromRequestParts<AppState> for PageContext {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Lang(lang) = Lang::from_request_parts(parts, state).await?;
        let session = parts
            .extensions
            .get::<crate::session::CurrentSession>()
            .and_then(|c| c.0.clone());
        let signed_in = session.filter(|s| {
            s.live.stage == mosaique_store::sessions::SessionStage::Full && !s.via_api_token
        });
        let actor = signed_in.as_ref().map(|s| s.live.user.actor());
        let user = signed_in.map(|s| s.live.user.display_name.clone());
        let nav_admin = actor.as_ref().is_some_and(|a| {
            let staff = mosaique_domain::policy::Resource::Staff { org_id: a.org_id };
            mosaique_domain::policy::can(
                Some(a),
                mosaique_domain::policy::Action::ManageStaff,
                &staff,
            )
            .is_allowed()
        });
        let nav_audit = actor.as_ref().is_some_and(|a| {
            let trail = mosaique_domain::policy::Resource::AuditTrail;
            mosaique_domain::policy::can(
                Some(a),
                mosaique_domain::policy::Action::ViewAudit,
                &trail,
            )
            .is_allowed()
        });
        let nav_screening = actor.as_ref().is_some_and(|a| {
            mosaique_domain::policy::can(
                Some(a),
                mosaique_domain::policy::Action::Screen,
                &mosaique_domain::policy::Resource::Instruments,
            )
            .is_allowed()
        });
        Ok(PageContext {
            lang,
            user,
            actor: actor.clone(),
            nav_admin,
            nav_audit,
            nav_screening,
            demo: state.settings.demo,
            coalition: state.settings.coalition_name(lang).to_owned(),
            path: parts.uri.path().to_owned(),
            query: parts.uri.query().map(str::to_owned),
        })
    }
}

#[derive(Debug, Clone)]
pub(crate) enum PageError {
    NotFound,
    BadRequest(String),
    MethodNotAllowed,
    Forbidden,
    Unavailable,
    Internal,
}

impl PageError {
    pub fn from_store(error: StoreError) -> PageError {
        if error.connect_problem().is_some() {
            tracing::warn!(%error, "database unavailable");
            PageError::Unavailable
        } else {
            tracing::error!(%error, "storage error");
            PageError::Internal
        }
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    shell: Shell,
    heading: String,
    text: String,
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

pub(crate) async fn not_found(context: PageContext) -> Response {
    context.error(PageError::NotFound)
}

pub(crate) async fn method_not_allowed(context: PageContext, method: Method, uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return crate::api::method_not_allowed(context.lang, &method).into_response();
    }
    context.error(PageError::MethodNotAllowed)
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
