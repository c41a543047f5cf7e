//! Signing in and out: password, then the second factor (or its enrolment), then a fresh
//! session token. Every attempt is throttled in the database and audited; a wrong e-mail
//! and a wrong password get the same answer in about the same time.

use std::time::{SystemTime, UNIX_EPOCH};

use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mosaique_crypto::{
    check_password_policy, hash_password, random_token, sha256_hex, token_hash, verify_password,
};
use mosaique_domain::identity::normalize_email;
use mosaique_store::sessions::SessionStage;
use mosaique_store::users::{LinkPurpose, User};
use mosaique_store::{AuditEvent, Outcome};
use serde::Deserialize;

use super::{PageContext, PageError, Shell, render};
use crate::AppState;
use crate::session::{MaybeSession, clear_cookie, set_cookie};

/// Failed attempts allowed per account and per address within the window, then a pause.
const MAX_FAILURES: i64 = 5;
const FAILURE_WINDOW_MS: i64 = 15 * 60 * 1000;
const LOCK_MS: i64 = 15 * 60 * 1000;
const IP_MAX_FAILURES: i64 = 30;

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
#[template(path = "enrol.html")]
struct EnrolPage {
    shell: Shell,
    action: String,
    email: String,
    errors: Vec<String>,
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

#[derive(Debug, Deserialize)]
pub(super) struct PasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

pub(super) async fn sign_in_form(context: PageContext) -> Response {
    let tr = context.tr();
    render(&SignInPage {
        shell: context.shell(tr.t("login-title"), "login"),
        email: String::new(),
        error: None,
    })
}

/// Second-factor guesses allowed per account within the window (codes have 6 digits).
const SECOND_FACTOR_ATTEMPTS: i64 = 6;

fn second_factor_key(user: mosaique_domain::UserId) -> String {
    format!("second-factor:{user}")
}

/// Counts a second-factor attempt *before* checking it, so parallel guesses all count, and
/// says whether it may go on. A right password never resets this count (or a stolen
/// password would buy unlimited guesses); only a completed second factor does.
async fn second_factor_attempt(
    db: &mosaique_store::Db,
    user: mosaique_domain::UserId,
    address: &std::net::IpAddr,
) -> Result<bool, mosaique_store::StoreError> {
    let key = second_factor_key(user);
    db.register_sign_in_failure(&key, SECOND_FACTOR_ATTEMPTS, FAILURE_WINDOW_MS, LOCK_MS)
        .await?;
    Ok(db.throttled_until(&key).await?.is_none()
        && db.throttled_until(&address_key(address)).await?.is_none())
}

fn account_key(email: &str) -> String {
    format!(
        "account:{}",
        sha256_hex(email.trim().to_lowercase().as_bytes())
    )
}

fn address_key(address: &std::net::IpAddr) -> String {
    // Hashed: staff addresses are personal data too, and only equality matters here.
    format!("address:{}", sha256_hex(address.to_string().as_bytes()))
}

pub(super) async fn sign_in(
    State(state): State<AppState>,
    context: PageContext,
    crate::security::ClientIp(address): crate::security::ClientIp,
    form: Result<Form<SignInForm>, FormRejection>,
) -> Response {
    let tr = context.tr();
    let Ok(Form(form)) = form else {
        return context.error(PageError::BadRequest(tr.t("error-unreadable-form")));
    };
    let again = |error: String, status: StatusCode| {
        let page = SignInPage {
            shell: context.shell(tr.t("login-title"), "login"),
            email: form.email.clone(),
            error: Some(error),
        };
        let mut response = render(&page);
        *response.status_mut() = status;
        response
    };
    let db = &state.db;
    let (account_key, address_key) = (account_key(&form.email), address_key(&address));
    for key in [&account_key, &address_key] {
        match db.throttled_until(key).await {
            Ok(Some(_)) => {
                let _ = db
                    .audit(
                        &AuditEvent::new("auth.sign_in", "user", Outcome::Denied)
                            .because("throttled"),
                    )
                    .await;
                return again(tr.t("login-throttled"), StatusCode::TOO_MANY_REQUESTS);
            }
            Ok(None) => {}
            Err(e) => return context.error(PageError::from_store(e)),
        }
    }
    let user = match normalize_email(&form.email) {
        Some(email) => match db.user_by_email(&email).await {
            Ok(user) => user.filter(|u| !u.disabled),
            Err(e) => return context.error(PageError::from_store(e)),
        },
        None => None,
    };
    let stored_hash = match &user {
        Some(user) => match db.password_hash(user.id).await {
            Ok(hash) => hash,
            Err(e) => return context.error(PageError::from_store(e)),
        },
        None => None,
    };
    // Argon2 takes tens of milliseconds of CPU: keep it off the async workers. Without an
    // account the check runs against a dummy hash, so both answers take the same time.
    let password = form.password.clone();
    let matches =
        tokio::task::spawn_blocking(move || verify_password(&password, stored_hash.as_deref()))
            .await
            .unwrap_or(false);
    let Some(user) = user.filter(|_| matches) else {
        let _ = db
            .register_sign_in_failure(&account_key, MAX_FAILURES, FAILURE_WINDOW_MS, LOCK_MS)
            .await;
        let _ = db
            .register_sign_in_failure(&address_key, IP_MAX_FAILURES, FAILURE_WINDOW_MS, LOCK_MS)
            .await;
        let _ = db
            .audit(
                &AuditEvent::new("auth.sign_in", "user", Outcome::Failure)
                    .because("bad_credentials"),
            )
            .await;
        return again(tr.t("login-failed"), StatusCode::UNAUTHORIZED);
    };
    let _ = db.clear_sign_in_failures(&account_key).await;
    let stage = if user.totp_enabled || user.role.requires_second_factor() {
        SessionStage::Password
    } else {
        SessionStage::Full
    };
    let token = random_token();
    if let Err(e) = db
        .create_session(
            &token_hash(&token),
            user.id,
            stage,
            state.settings.session_limits(),
        )
        .await
    {
        return context.error(PageError::from_store(e));
    }
    let event = AuditEvent::new("auth.sign_in", "user", Outcome::Success)
        .by(user.id, user.role)
        .target(user.id)
        .because(if stage == SessionStage::Full {
            "password"
        } else {
            "password_second_factor_pending"
        });
    let _ = db.audit(&event).await;
    (
        [set_cookie(&state, &token)],
        Redirect::to(next_step(&user, stage)),
    )
        .into_response()
}

/// Where a session goes next: the second factor, its enrolment, or the account page.
fn next_step(user: &User, stage: SessionStage) -> &'static str {
    match stage {
        SessionStage::Full => "/account",
        SessionStage::Password if user.totp_enabled => "/login/totp",
        SessionStage::Password => "/account/security/totp",
    }
}

/// Resumes a sign-in that stopped half-way (e.g. a page needing a full session).
pub(super) async fn continue_sign_in(MaybeSession(session): MaybeSession) -> Response {
    match session {
        Some(session) => {
            Redirect::to(next_step(&session.live.user, session.live.stage)).into_response()
        }
        None => Redirect::to("/login").into_response(),
    }
}

pub(super) async fn totp_form(
    context: PageContext,
    MaybeSession(session): MaybeSession,
) -> Response {
    match session {
        Some(s) if s.live.stage == SessionStage::Password && s.live.user.totp_enabled => {
            let tr = context.tr();
            render(&TotpPage {
                shell: context.shell(tr.t("totp-title"), "login"),
                error: None,
            })
        }
        Some(s) => Redirect::to(next_step(&s.live.user, s.live.stage)).into_response(),
        None => Redirect::to("/login").into_response(),
    }
}

fn unix_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

pub(super) async fn totp_verify(
    State(state): State<AppState>,
    context: PageContext,
    crate::security::ClientIp(address): crate::security::ClientIp,
    MaybeSession(session): MaybeSession,
    form: Result<Form<CodeForm>, FormRejection>,
) -> Response {
    let tr = context.tr();
    let Some(session) =
        session.filter(|s| s.live.stage == SessionStage::Password && s.live.user.totp_enabled)
    else {
        return Redirect::to("/login").into_response();
    };
    let Ok(Form(form)) = form else {
        return context.error(PageError::BadRequest(tr.t("error-unreadable-form")));
    };
    let user = &session.live.user;
    let db = &state.db;
    let again = |error: String, status: StatusCode| {
        let mut response = render(&TotpPage {
            shell: context.shell(tr.t("totp-title"), "login"),
            error: Some(error),
        });
        *response.status_mut() = status;
        response
    };
    match second_factor_attempt(db, user.id, &address).await {
        Ok(true) => {}
        Ok(false) => return again(tr.t("login-throttled"), StatusCode::TOO_MANY_REQUESTS),
        Err(e) => return context.error(PageError::from_store(e)),
    }
    let code = form.code.trim();
    let accepted = if code.contains('-') {
        db.use_recovery_code(user.id, code)
            .await
            .map(|used| used.then_some("recovery_code"))
    } else {
        match db.totp(user.id).await {
            Ok(Some((secret, last))) => match secret.verify(code, unix_seconds(), last) {
                Some(step) => db
                    .claim_totp_step(user.id, step)
                    .await
                    .map(|fresh| fresh.then_some("totp")),
                None => Ok(None),
            },
            Ok(None) => Ok(None),
            Err(e) => Err(e),
        }
    };
    let method = match accepted {
        Ok(method) => method,
        Err(e) => return context.error(PageError::from_store(e)),
    };
    let Some(method) = method else {
        let _ = db
            .register_sign_in_failure(
                &address_key(&address),
                IP_MAX_FAILURES,
                FAILURE_WINDOW_MS,
                LOCK_MS,
            )
            .await;
        let event = AuditEvent::new("auth.second_factor", "user", Outcome::Failure)
            .by(user.id, user.role)
            .target(user.id)
            .because("bad_code");
        let _ = db.audit(&event).await;
        return again(tr.t("totp-failed"), StatusCode::UNAUTHORIZED);
    };
    let _ = db.clear_sign_in_failures(&second_factor_key(user.id)).await;
    promote(&state, &context, &session, method).await
}

/// Completes sign-in: the half-way token is revoked and a new one issued.
pub(super) async fn promote(
    state: &AppState,
    context: &PageContext,
    session: &crate::session::Session,
    method: &'static str,
) -> Response {
    let token = random_token();
    match state
        .db
        .promote_session(
            &session.hash(),
            &token_hash(&token),
            state.settings.session_limits(),
        )
        .await
    {
        Ok(true) => {}
        Ok(false) => return Redirect::to("/login").into_response(),
        Err(e) => return context.error(PageError::from_store(e)),
    }
    let user = &session.live.user;
    let event = AuditEvent::new("auth.second_factor", "user", Outcome::Success)
        .by(user.id, user.role)
        .target(user.id)
        .because(method);
    let _ = state.db.audit(&event).await;
    ([set_cookie(state, &token)], Redirect::to("/account")).into_response()
}

pub(super) async fn sign_out(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
) -> Response {
    if let Some(session) = session {
        let _ = state.db.revoke_session(&session.hash()).await;
        let user = &session.live.user;
        let _ = state
            .db
            .audit(
                &AuditEvent::new("auth.sign_out", "user", Outcome::Success)
                    .by(user.id, user.role)
                    .target(user.id),
            )
            .await;
    }
    ([clear_cookie(&state)], Redirect::to("/")).into_response()
}

/// A one-time link that lets its holder set the account's password: the enrolment link of
/// a new account, or a reset link an administrator issued.
#[derive(Debug, Clone, Copy)]
struct LinkKind {
    purpose: LinkPurpose,
    path: &'static str,
    title: &'static str,
}

const ENROLMENT: LinkKind = LinkKind {
    purpose: LinkPurpose::Enrolment,
    path: "/enrol",
    title: "enrol-title",
};
const RESET: LinkKind = LinkKind {
    purpose: LinkPurpose::PasswordReset,
    path: "/reset",
    title: "reset-title",
};

pub(super) async fn enrol_form(
    state: State<AppState>,
    context: PageContext,
    Path(token): Path<String>,
) -> Response {
    password_link_form(state, context, token, ENROLMENT).await
}

pub(super) async fn reset_form(
    state: State<AppState>,
    context: PageContext,
    Path(token): Path<String>,
) -> Response {
    password_link_form(state, context, token, RESET).await
}

pub(super) async fn enrol(
    state: State<AppState>,
    context: PageContext,
    Path(token): Path<String>,
    form: Result<Form<PasswordForm>, FormRejection>,
) -> Response {
    password_link(state, context, token, form, ENROLMENT).await
}

pub(super) async fn reset(
    state: State<AppState>,
    context: PageContext,
    Path(token): Path<String>,
    form: Result<Form<PasswordForm>, FormRejection>,
) -> Response {
    password_link(state, context, token, form, RESET).await
}

/// The enabled account a live link belongs to.
async fn link_user(
    state: &AppState,
    hash: &str,
    kind: LinkKind,
) -> Result<Option<User>, mosaique_store::StoreError> {
    let Some(id) = state.db.account_link_user(hash, kind.purpose).await? else {
        return Ok(None);
    };
    Ok(state.db.user(id).await?.filter(|user| !user.disabled))
}

async fn password_link_form(
    State(state): State<AppState>,
    context: PageContext,
    token: String,
    kind: LinkKind,
) -> Response {
    let user = match link_user(&state, &token_hash(&token), kind).await {
        Ok(Some(user)) => user,
        Ok(None) => return context.error(PageError::NotFound),
        Err(e) => return context.error(PageError::from_store(e)),
    };
    let tr = context.tr();
    render(&EnrolPage {
        shell: context.shell(tr.t(kind.title), "login"),
        action: format!("{}/{token}", kind.path),
        email: user.email,
        errors: Vec::new(),
    })
}

async fn password_link(
    State(state): State<AppState>,
    context: PageContext,
    token: String,
    form: Result<Form<PasswordForm>, FormRejection>,
    kind: LinkKind,
) -> Response {
    let tr = context.tr();
    let Ok(Form(form)) = form else {
        return context.error(PageError::BadRequest(tr.t("error-unreadable-form")));
    };
    let hash = token_hash(&token);
    let user = match link_user(&state, &hash, kind).await {
        Ok(Some(user)) => user,
        Ok(None) => return context.error(PageError::NotFound),
        Err(e) => return context.error(PageError::from_store(e)),
    };
    let local_part = user.email.split('@').next().unwrap_or("").to_owned();
    let mut errors = Vec::new();
    if form.password != form.confirm {
        errors.push(tr.t("enrol-mismatch"));
    }
    if let Err(problems) = check_password_policy(&form.password, &[&local_part, &user.display_name])
    {
        errors.extend(
            problems
                .iter()
                .map(|p| super::account::password_problem(&tr, p)),
        );
    }
    if !errors.is_empty() {
        let page = EnrolPage {
            shell: context.shell(tr.t(kind.title), "login"),
            action: format!("{}/{token}", kind.path),
            email: user.email,
            errors,
        };
        let mut response = render(&page);
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return response;
    }
    let password = form.password.clone();
    let Ok(Ok(phc)) = tokio::task::spawn_blocking(move || hash_password(&password)).await else {
        return context.error(PageError::Internal);
    };
    // Spend the link first: if two submissions race, only one sets the password.
    match state.db.take_account_link(&hash, kind.purpose).await {
        Ok(Some(id)) if id == user.id => {}
        Ok(_) => return context.error(PageError::NotFound),
        Err(e) => return context.error(PageError::from_store(e)),
    }
    // Setting a password ends every other session of the account.
    if let Err(e) = state.db.set_password(user.id, &phc).await {
        return context.error(PageError::from_store(e));
    }
    // The link proves the password step only: the second factor is still asked for.
    let stage = if user.totp_enabled || user.role.requires_second_factor() {
        SessionStage::Password
    } else {
        SessionStage::Full
    };
    let session_token = random_token();
    if let Err(e) = state
        .db
        .create_session(
            &token_hash(&session_token),
            user.id,
            stage,
            state.settings.session_limits(),
        )
        .await
    {
        return context.error(PageError::from_store(e));
    }
    (
        [set_cookie(&state, &session_token)],
        Redirect::to(next_step(&user, stage)),
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "reauth.html")]
struct ReauthPage {
    shell: Shell,
    next: String,
    with_code: bool,
    error: Option<String>,
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

pub(super) async fn reauth_form(
    context: PageContext,
    crate::session::SignedIn(session): crate::session::SignedIn,
    query: Result<axum::extract::Query<ReauthQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let tr = context.tr();
    let next = query.ok().and_then(|q| q.0.next).unwrap_or_default();
    render(&ReauthPage {
        shell: context.shell(tr.t("reauth-title"), "account"),
        next: crate::session::safe_next(&next).to_owned(),
        with_code: session.live.user.totp_enabled,
        error: None,
    })
}

/// Step-up: the second factor (or, without one, the password) again, before a sensitive
/// operation. Failures count towards the same throttle as sign-in.
pub(super) async fn reauth(
    State(state): State<AppState>,
    context: PageContext,
    crate::security::ClientIp(address): crate::security::ClientIp,
    crate::session::SignedIn(session): crate::session::SignedIn,
    form: Result<Form<ReauthForm>, FormRejection>,
) -> Response {
    let tr = context.tr();
    let Ok(Form(form)) = form else {
        return context.error(PageError::BadRequest(tr.t("error-unreadable-form")));
    };
    let user = &session.live.user;
    let next = crate::session::safe_next(&form.next).to_owned();
    let again = |error: String, status: StatusCode| {
        let page = ReauthPage {
            shell: context.shell(tr.t("reauth-title"), "account"),
            next: next.clone(),
            with_code: user.totp_enabled,
            error: Some(error),
        };
        let mut response = render(&page);
        *response.status_mut() = status;
        response
    };
    match second_factor_attempt(&state.db, user.id, &address).await {
        Ok(true) => {}
        Ok(false) => return again(tr.t("login-throttled"), StatusCode::TOO_MANY_REQUESTS),
        Err(e) => return context.error(PageError::from_store(e)),
    }
    let confirmed =
        if user.totp_enabled {
            match state.db.totp(user.id).await {
                Ok(Some((secret, last))) => match secret.verify(&form.code, unix_seconds(), last) {
                    Some(step) => state.db.claim_totp_step(user.id, step).await,
                    None => Ok(false),
                },
                Ok(None) => Ok(false),
                Err(e) => Err(e),
            }
        } else {
            let stored = state.db.password_hash(user.id).await;
            match stored {
                Ok(hash) => {
                    let password = form.code.clone();
                    Ok(tokio::task::spawn_blocking(move || {
                        verify_password(&password, hash.as_deref())
                    })
                    .await
                    .unwrap_or(false))
                }
                Err(e) => Err(e),
            }
        };
    let confirmed = match confirmed {
        Ok(confirmed) => confirmed,
        Err(e) => return context.error(PageError::from_store(e)),
    };
    let outcome = if confirmed {
        Outcome::Success
    } else {
        Outcome::Failure
    };
    let _ = state
        .db
        .audit(
            &AuditEvent::new("auth.step_up", "user", outcome)
                .by(user.id, user.role)
                .target(user.id),
        )
        .await;
    if !confirmed {
        let _ = state
            .db
            .register_sign_in_failure(
                &address_key(&address),
                IP_MAX_FAILURES,
                FAILURE_WINDOW_MS,
                LOCK_MS,
            )
            .await;
        return again(tr.t("totp-failed"), StatusCode::UNAUTHORIZED);
    }
    let _ = state
        .db
        .clear_sign_in_failures(&second_factor_key(user.id))
        .await;
    if let Err(e) = state.db.mark_session_verified(&session.hash()).await {
        return context.error(PageError::from_store(e));
    }
    Redirect::to(&next).into_response()
}
