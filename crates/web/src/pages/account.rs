//! One's own account: who I am, my second factor, my sessions.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mosaique_crypto::{PasswordProblem, TotpSecret, qr_svg, recovery_codes, token_hash};
use mosaique_domain::policy::{Action, Resource, can};
use mosaique_store::sessions::SessionStage;
use mosaique_store::{AuditEvent, Outcome};
use serde::Deserialize;

use super::{PageContext, PageError, Shell, render};
use crate::AppState;
use crate::i18n::{Arg, Tr};
use crate::session::{MaybeSession, SignedIn, clear_cookie};

const RECOVERY_CODES: usize = 10;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    shell: Shell,
    name: String,
    email: String,
    role: String,
    organization: String,
    second_factor: String,
    totp_enabled: bool,
}

#[derive(Template)]
#[template(path = "totp_setup.html")]
struct TotpSetupPage {
    shell: Shell,
    qr_svg: String,
    secret_base32: String,
    pending: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "recovery_codes.html")]
struct RecoveryCodesPage {
    shell: Shell,
    codes: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct TotpSetupForm {
    #[serde(default)]
    pending: String,
    #[serde(default)]
    code: String,
}

pub(super) fn password_problem(tr: &Tr, problem: &PasswordProblem) -> String {
    match problem {
        PasswordProblem::TooShort { min } => {
            tr.t_args("password-too-short", &[("min", Arg::Int(*min as i64))])
        }
        PasswordProblem::TooLong { max } => {
            tr.t_args("password-too-long", &[("max", Arg::Int(*max as i64))])
        }
        PasswordProblem::Common => tr.t("password-common"),
        PasswordProblem::ContainsIdentity => tr.t("password-contains-identity"),
    }
}

pub(super) async fn show(
    State(state): State<AppState>,
    context: PageContext,
    SignedIn(session): SignedIn,
) -> Response {
    let user = &session.live.user;
    let actor = user.actor();
    if !can(
        Some(&actor),
        Action::ViewOwnAccount,
        &Resource::Account(user.id),
    )
    .is_allowed()
    {
        return context.error(PageError::Forbidden);
    }
    let tr = context.tr();
    let organization = match user.org_id {
        Some(org) => match state.db.organization(org).await {
            Ok(Some(org)) => org.name(context.lang).to_owned(),
            Ok(None) => tr.t("account-no-organization"),
            Err(e) => return context.error(PageError::from_store(e)),
        },
        None => tr.t("account-coalition-staff"),
    };
    let second_factor = if user.totp_enabled {
        match state.db.unused_recovery_codes(user.id).await {
            Ok(n) => tr.t_args("account-totp-on", &[("codes", Arg::Int(n))]),
            Err(e) => return context.error(PageError::from_store(e)),
        }
    } else {
        tr.t("account-totp-off")
    };
    render(&AccountPage {
        shell: context.shell(tr.t("account-title"), "account"),
        name: user.display_name.clone(),
        email: user.email.clone(),
        role: tr.label("role", user.role.key()),
        organization,
        second_factor,
        totp_enabled: user.totp_enabled,
    })
}

/// Enrolment is open to a session that has passed the password (its second factor is
/// what is being set up) or a full one without a factor yet.
fn enrolling(
    session: Option<std::sync::Arc<crate::session::Session>>,
) -> Option<std::sync::Arc<crate::session::Session>> {
    session.filter(|s| !s.live.user.totp_enabled)
}

fn setup_page(
    state: &AppState,
    context: &PageContext,
    user: &mosaique_store::users::User,
    secret: &TotpSecret,
    error: Option<String>,
) -> Response {
    let tr = context.tr();
    let pending = match state.db.seal_pending_totp(user.id, secret) {
        Ok(pending) => pending,
        Err(e) => return context.error(PageError::from_store(e)),
    };
    let issuer = state.settings.coalition_name(context.lang).to_owned();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut response = render(&TotpSetupPage {
        shell: context.shell(tr.t("totp-setup-title"), "account"),
        qr_svg: qr_svg(&secret.otpauth_url(&format!("Mosaïque – {issuer}"), &user.email)),
        secret_base32: secret.base32(),
        pending,
        error,
    });
    *response.status_mut() = status;
    response
}

pub(super) async fn totp_setup_form(
    State(state): State<AppState>,
    context: PageContext,
    MaybeSession(session): MaybeSession,
) -> Response {
    let Some(session) = enrolling(session) else {
        return Redirect::to("/login/continue").into_response();
    };
    setup_page(
        &state,
        &context,
        &session.live.user,
        &TotpSecret::generate(),
        None,
    )
}

pub(super) async fn totp_setup(
    State(state): State<AppState>,
    context: PageContext,
    MaybeSession(session): MaybeSession,
    form: Result<Form<TotpSetupForm>, FormRejection>,
) -> Response {
    let tr = context.tr();
    let Some(session) = enrolling(session) else {
        return Redirect::to("/login/continue").into_response();
    };
    let Ok(Form(form)) = form else {
        return context.error(PageError::BadRequest(tr.t("error-unreadable-form")));
    };
    let user = &session.live.user;
    let Ok(secret) = state.db.open_pending_totp(user.id, &form.pending) else {
        // Tampered with, or sealed for another account: start again with a new secret.
        return setup_page(
            &state,
            &context,
            user,
            &TotpSecret::generate(),
            Some(tr.t("totp-setup-expired")),
        );
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let Some(step) = secret.verify(&form.code, now, None) else {
        return setup_page(&state, &context, user, &secret, Some(tr.t("totp-failed")));
    };
    let codes = recovery_codes(RECOVERY_CODES);
    match state.db.enable_totp(user.id, &secret, step, &codes).await {
        Ok(()) => {}
        // Another tab finished enrolling first: that factor stands.
        Err(mosaique_store::StoreError::Conflict(_)) => {
            return Redirect::to("/login/continue").into_response();
        }
        Err(e) => return context.error(PageError::from_store(e)),
    }
    // A half-way session becomes a full one, with a new token.
    let mut cookie = None;
    if session.live.stage == SessionStage::Password {
        let token = mosaique_crypto::random_token();
        match state
            .db
            .promote_session(
                &session.hash(),
                &token_hash(&token),
                state.settings.session_limits(),
            )
            .await
        {
            Ok(true) => cookie = Some(crate::session::set_cookie(&state, &token)),
            Ok(false) => return Redirect::to("/login").into_response(),
            Err(e) => return context.error(PageError::from_store(e)),
        }
    }
    let mut shell = context.shell(tr.t("recovery-title"), "account");
    shell.user = Some(user.display_name.clone());
    let mut response = render(&RecoveryCodesPage { shell, codes });
    if let Some((name, value)) = cookie {
        response.headers_mut().insert(name, value);
    }
    response
}

pub(super) async fn sign_out_everywhere(
    State(state): State<AppState>,
    context: PageContext,
    SignedIn(session): SignedIn,
) -> Response {
    let user = &session.live.user;
    if let Err(e) = state.db.revoke_all_sessions(user.id).await {
        return context.error(PageError::from_store(e));
    }
    let event = AuditEvent::new("auth.sign_out_everywhere", "user", Outcome::Success)
        .by(user.id, user.role)
        .target(user.id);
    let _ = state.db.audit(&event).await;
    ([clear_cookie(&state)], Redirect::to("/login")).into_response()
}
