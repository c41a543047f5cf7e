//! The one gate: every handler, page or API, receives a [`Ctx`] — who asks (the principal
//! the use cases decide for) and in which language — and turns what a use case answers into
//! a page or a problem document. Handlers decide nothing themselves.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use mosaique_app::identity::{Credential, Menu, Session, menu};
use mosaique_app::{AppError, Conflict};
use mosaique_domain::Language;
use mosaique_domain::policy::{DenyReason, Principal};

use crate::AppState;
use crate::i18n::Tr;
use crate::lang::switch_href;
use crate::problem::{Problem, ProblemKind};
use crate::session::CurrentSession;
use crate::shell::{MessagePage, PageError, Shell, render};

/// Who asks, in which language, and what the page around the answer needs.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    pub lang: Language,
    /// Whom the use cases decide for: a signed-in user, or the public.
    pub who: Principal,
    /// A browser session, complete or half-way through signing in (the sign-in steps and
    /// signing out need it; an API token is never one).
    pub session: Option<Arc<Session>>,
    method: Method,
    path: String,
    query: Option<String>,
    settings: Arc<crate::Settings>,
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let lang = parts
            .extensions
            .get::<Language>()
            .copied()
            .unwrap_or_default();
        let current = parts
            .extensions
            .get::<CurrentSession>()
            .and_then(|c| c.0.clone());
        // An API token speaks for its user to the JSON API only; pages take browser
        // sessions only, so a stolen token never drives a form.
        let api = parts.uri.path().starts_with("/api/");
        let usable = current.filter(|s| api || s.credential == Credential::Session);
        let who = usable
            .as_ref()
            .map_or(Principal::Anonymous, |s| s.principal());
        let session = usable.filter(|s| s.credential == Credential::Session);
        Ok(Ctx {
            lang,
            who,
            session,
            method: parts.method.clone(),
            path: parts.uri.path().to_owned(),
            query: parts.uri.query().map(str::to_owned),
            settings: state.settings.clone(),
        })
    }
}

/// A `tel:` link for a phone number as people write it: its digits and a leading `+`, up to
/// an extension ("poste 2", "ext. 2"), which a phone cannot dial.
fn tel_href(phone: &str) -> String {
    let digits: String = phone
        .chars()
        .take_while(|c| !c.is_alphabetic())
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    format!("tel:{digits}")
}

impl Ctx {
    /// The language as links carry it (`?lang=fr` first, `&lang=fr` after another
    /// parameter): visitors who are not signed in keep no cookie, so their language travels
    /// in the links; a signed-in browser's is in its cookie (empty here).
    pub fn lang_in_links(&self) -> (&'static str, &'static str) {
        match (self.session.is_none(), self.lang) {
            (false, _) => ("", ""),
            (true, Language::Fr) => ("?lang=fr", "&lang=fr"),
            (true, Language::En) => ("?lang=en", "&lang=en"),
        }
    }

    pub fn tr(&self) -> Tr {
        Tr::new(self.lang)
    }

    /// The page layout: title, navigation for what this person may do, language switch.
    pub fn shell(&self, title: String, current: &'static str) -> Shell {
        let other = self.lang.other();
        let tr = self.tr();
        let Menu {
            staff,
            audit,
            screening,
            cases,
            privacy,
            referrals,
            desk,
            messages,
            coalitions,
        } = menu(&self.who);
        let (q, qa) = self.lang_in_links();
        let help = &self.settings.help_line;
        let help_hours = match self.lang {
            Language::Fr => &help.hours_fr,
            Language::En => &help.hours_en,
        };
        Shell {
            lang: self.lang.code(),
            title,
            coalition: self.settings.coalition_name(self.lang).to_owned(),
            current,
            user: self
                .session
                .as_ref()
                .filter(|s| s.is_complete())
                .map(|s| s.user.display_name.clone()),
            nav_admin: staff,
            nav_audit: audit,
            nav_screening: screening,
            nav_cases: cases,
            nav_privacy: privacy,
            nav_referrals: referrals,
            nav_desk: desk,
            nav_coalitions: coalitions,
            nav_messages: messages,
            demo: self.settings.demo,
            switch_href: switch_href(&self.path, self.query.as_deref(), other),
            switch_lang: other.code(),
            switch_label: tr.t(&format!("lang-name-{}", other.code())),
            q,
            qa,
            help_phone: help.phone.clone(),
            help_tel: tel_href(&help.phone),
            help_hours: help_hours.clone(),
            exit_url: self.settings.quick_exit_url.clone(),
            css: crate::assets::href("app.css"),
            icon: crate::assets::icon(),
            htmx: None,
            js: crate::assets::href("app.js"),
            tr,
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
            PageError::Conflict(detail) => (
                StatusCode::CONFLICT,
                tr.t("error-conflict-title"),
                detail.clone(),
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

    /// An id from the address; `None` when it is not one (nothing has that address).
    pub fn id<T: std::str::FromStr>(&self, raw: &str) -> Option<T> {
        raw.parse().ok()
    }

    /// What a page answers when a use case did not do what was asked. Refusals send the
    /// public to sign in, ask a signed-in person whose second factor is not recent to
    /// confirm it, and disclose nothing of what was concealed. Invalid input is the page's
    /// own to answer (its form, with each problem); one that reaches here is a bad request.
    pub fn page_error(&self, error: AppError) -> Response {
        let tr = self.tr();
        match error {
            AppError::Denied(denial) => match denial.reason {
                DenyReason::NotSignedIn => match &self.session {
                    Some(_) => Redirect::to("/login/continue").into_response(),
                    // A visitor keeps no cookie: the language goes along in the link.
                    None => {
                        Redirect::to(&format!("/login?lang={}", self.lang.code())).into_response()
                    }
                },
                DenyReason::StepUpRequired => Redirect::to(&format!(
                    "/reauth?next={}",
                    crate::shell::encode(&self.return_to())
                ))
                .into_response(),
                _ if denial.conceal => self.error(PageError::NotFound),
                _ => self.error(PageError::Forbidden),
            },
            AppError::NotFound => self.error(PageError::NotFound),
            AppError::Invalid(_) => {
                self.error(PageError::BadRequest(tr.t("error-unreadable-form")))
            }
            AppError::Conflict(conflict) => {
                self.error(PageError::Conflict(conflict_text(&tr, conflict)))
            }
            AppError::Unavailable => self.error(PageError::Unavailable),
            AppError::Internal => self.error(PageError::Internal),
        }
    }

    /// The same, as a problem document of the JSON API.
    pub fn problem(&self, error: AppError) -> Problem {
        let tr = self.tr();
        let kind = match &error {
            AppError::Denied(denial) => match denial.reason {
                DenyReason::NotSignedIn => ProblemKind::Unauthorized,
                _ if denial.conceal => ProblemKind::NotFound,
                _ => ProblemKind::Forbidden,
            },
            AppError::NotFound => ProblemKind::NotFound,
            AppError::Invalid(_) => ProblemKind::Unprocessable,
            AppError::Conflict(_) => ProblemKind::Conflict,
            AppError::Unavailable => ProblemKind::Unavailable,
            AppError::Internal => ProblemKind::Internal,
        };
        let problem = Problem::new(kind, self.lang);
        match error {
            AppError::Conflict(conflict) => problem.with_detail(conflict_text(&tr, conflict)),
            _ => problem,
        }
    }

    /// Where to come back to after confirming the second factor: this page, or for a form
    /// that was posted, the page it belongs to (its first two path segments).
    fn return_to(&self) -> String {
        if self.method == Method::GET {
            match &self.query {
                Some(query) => format!("{}?{query}", self.path),
                None => self.path.clone(),
            }
        } else {
            let segments: Vec<&str> = self
                .path
                .split('/')
                .filter(|s| !s.is_empty())
                .take(2)
                .collect();
            format!("/{}", segments.join("/"))
        }
    }
}

/// A conflict, said in the reader's language.
pub(crate) fn conflict_text(tr: &Tr, conflict: Conflict) -> String {
    match conflict {
        Conflict::Stale => tr.t("conflict-stale"),
        Conflict::Taken(what) => tr.with("conflict-taken", "what", what),
        Conflict::ScreeningClosed => tr.t("screening-error-closed"),
        Conflict::ScreeningInProgress => tr.t("screening-not-complete"),
        Conflict::InstrumentRetired => tr.t("conflict-instrument-retired"),
        Conflict::AccountDisabled => tr.t("conflict-account-disabled"),
        Conflict::CaseClosed => tr.t("conflict-case-closed"),
        Conflict::CaseStillOpen => tr.t("conflict-case-still-open"),
        Conflict::ReferralNotFrom(status) => tr.with(
            "conflict-referral-not-from",
            "status",
            &tr.label("referral_status", status.key()),
        ),
    }
}
