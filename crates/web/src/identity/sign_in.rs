//! The sign-in pages: password, second factor, step-up, signing out. The steps themselves
//! (throttling, checking, sessions, audit) are `mosaique_app`'s; these pages ask and answer.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use mosaique_app::identity::sign_in::{NewSession, NextStep, Refusal};
use mosaique_domain::identity::SessionStage;
use serde::Deserialize;

use crate::AppState;
use crate::gate::Ctx;
use crate::security::ClientIp;
use crate::session::{clear_cookie, device_cookie, known_device, safe_next, set_cookie};
use crate::shell::{PageError, Shell, render};

#[derive(Template)]
#[template(path = "login.html")]
struct SignInPage {
    shell: Shell,
    email: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "totp.html")]
struct TotpPage {
    shell: Shell,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "reauth.html")]
struct ReauthPage {
    shell: Shell,
    next: String,
    with_code: bool,
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct CodeForm {
    #[serde(default)]
    code: String,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct ReauthQuery {
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct ReauthForm {
    #[serde(default)]
    next: String,
    #[serde(default)]
    code: String,
}

/// Where a sign-in step leads.
pub(super) fn path_of(next: NextStep) -> &'static str {
    match next {
        NextStep::Account => "/account",
        NextStep::SecondFactor => "/login/totp",
        NextStep::EnrolSecondFactor => "/account/security/totp",
    }
}

/// A new session: its cookie (and, after the password, the device cookie that marks this
/// browser as one that signed in before), and on to its next step.
pub(super) fn start(state: &AppState, session: &NewSession) -> Response {
    let mut cookies = vec![set_cookie(state, &session.token)];
    if let Some(device) = &session.device {
        cookies.push(device_cookie(state, device));
    }
    (AppendHeaders(cookies), Redirect::to(path_of(session.next))).into_response()
}

/// A refused step's page: its message, its status, and for a pause how long it lasts
/// (`Retry-After`, in seconds, as RFC 9110 says for 429).
fn refused(
    ctx: &Ctx,
    refusal: Refusal,
    wrong: &str,
    page: impl FnOnce(String) -> Response,
) -> Response {
    let tr = ctx.tr();
    match refusal {
        Refusal::Throttled { retry_after_s } => {
            let minutes = i64::try_from(retry_after_s.div_ceil(60)).unwrap_or(i64::MAX);
            let mut response = page(tr.count("login-throttled", minutes));
            *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_s));
            response
        }
        Refusal::Wrong | Refusal::SessionEnded => {
            let mut response = page(tr.t(wrong));
            *response.status_mut() = StatusCode::UNAUTHORIZED;
            response
        }
    }
}

pub(super) async fn form(ctx: Ctx) -> Response {
    let tr = ctx.tr();
    render(&SignInPage {
        shell: ctx.shell(tr.t("login-title"), "login"),
        email: String::new(),
        error: None,
    })
}

pub(super) async fn sign_in(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientIp(address): ClientIp,
    headers: HeaderMap,
    form: Result<Form<SignInForm>, FormRejection>,
) -> Response {
    let tr = ctx.tr();
    let Ok(Form(form)) = form else {
        return ctx.error(PageError::BadRequest(tr.t("error-unreadable-form")));
    };
    let device = known_device(&state, &headers);
    match state
        .app
        .sign_in(&form.email, &form.password, address, device.as_deref())
        .await
    {
        Ok(Ok(session)) => start(&state, &session),
        Ok(Err(refusal)) => refused(&ctx, refusal, "login-failed", |error| {
            render(&SignInPage {
                shell: ctx.shell(tr.t("login-title"), "login"),
                email: form.email,
                error: Some(error),
            })
        }),
        Err(e) => ctx.page_error(e),
    }
}

/// Resumes a sign-in that stopped half-way (e.g. a page needing a complete session).
pub(super) async fn continue_sign_in(ctx: Ctx) -> Response {
    match &ctx.session {
        Some(session) => {
            Redirect::to(path_of(NextStep::of(&session.user, session.stage))).into_response()
        }
        None => Redirect::to("/login").into_response(),
    }
}

pub(super) async fn totp_form(ctx: Ctx) -> Response {
    match &ctx.session {
        Some(s) if s.stage == SessionStage::Password && s.user.totp_enabled => {
            let tr = ctx.tr();
            render(&TotpPage {
                shell: ctx.shell(tr.t("totp-title"), "login"),
                error: None,
            })
        }
        Some(s) => Redirect::to(path_of(NextStep::of(&s.user, s.stage))).into_response(),
        None => Redirect::to("/login").into_response(),
    }
}

pub(super) async fn totp(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientIp(address): ClientIp,
    headers: HeaderMap,
    form: Result<Form<CodeForm>, FormRejection>,
) -> Response {
    let tr = ctx.tr();
    let Some(session) = ctx.session.clone() else {
        return Redirect::to("/login").into_response();
    };
    let Ok(Form(form)) = form else {
        return ctx.error(PageError::BadRequest(tr.t("error-unreadable-form")));
    };
    let device = known_device(&state, &headers);
    match state
        .app
        .second_factor(&session, &form.code, address, device.as_deref())
        .await
    {
        Ok(Ok(session)) => start(&state, &session),
        Ok(Err(Refusal::SessionEnded)) => Redirect::to("/login").into_response(),
        Ok(Err(refusal)) => refused(&ctx, refusal, "totp-failed", |error| {
            render(&TotpPage {
                shell: ctx.shell(tr.t("totp-title"), "login"),
                error: Some(error),
            })
        }),
        Err(e) => ctx.page_error(e),
    }
}

pub(super) async fn sign_out(State(state): State<AppState>, ctx: Ctx) -> Response {
    if let Some(session) = &ctx.session
        && let Err(error) = state.app.sign_out(session).await
    {
        // The cookie goes anyway: this browser is signed out whatever the database says.
        tracing::warn!(?error, "sign-out not recorded");
    }
    // Signed out, the browser keeps no language cookie: the language goes in the link.
    let home = format!("/?lang={}", ctx.lang.code());
    ([clear_cookie(&state)], Redirect::to(&home)).into_response()
}

/// The signed-in session, or where to go to finish signing in.
fn complete(ctx: &Ctx) -> Result<std::sync::Arc<mosaique_app::identity::Session>, Redirect> {
    match &ctx.session {
        Some(s) if s.is_complete() => Ok(s.clone()),
        Some(_) => Err(Redirect::to("/login/continue")),
        None => Err(Redirect::to("/login")),
    }
}

pub(super) async fn reauth_form(
    ctx: Ctx,
    query: Result<axum::extract::Query<ReauthQuery>, QueryRejection>,
) -> Response {
    let session = match complete(&ctx) {
        Ok(session) => session,
        Err(elsewhere) => return elsewhere.into_response(),
    };
    let tr = ctx.tr();
    let next = query.ok().and_then(|q| q.0.next).unwrap_or_default();
    render(&ReauthPage {
        shell: ctx.shell(tr.t("reauth-title"), "account"),
        next: safe_next(&next).to_owned(),
        with_code: session.user.totp_enabled,
        error: None,
    })
}

/// Step-up: the second factor (or, without one, the password) again, before a sensitive
/// action.
pub(super) async fn reauth(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientIp(address): ClientIp,
    form: Result<Form<ReauthForm>, FormRejection>,
) -> Response {
    let tr = ctx.tr();
    let session = match complete(&ctx) {
        Ok(session) => session,
        Err(elsewhere) => return elsewhere.into_response(),
    };
    let Ok(Form(form)) = form else {
        return ctx.error(PageError::BadRequest(tr.t("error-unreadable-form")));
    };
    let next = safe_next(&form.next).to_owned();
    match state.app.step_up(&session, &form.code, address).await {
        Ok(Ok(())) => Redirect::to(&next).into_response(),
        Ok(Err(Refusal::SessionEnded)) => Redirect::to("/login").into_response(),
        Ok(Err(refusal)) => refused(&ctx, refusal, "totp-failed", |error| {
            render(&ReauthPage {
                shell: ctx.shell(tr.t("reauth-title"), "account"),
                next,
                with_code: session.user.totp_enabled,
                error: Some(error),
            })
        }),
        Err(e) => ctx.page_error(e),
    }
}
