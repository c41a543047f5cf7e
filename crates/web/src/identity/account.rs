//! One's own account: who I am, my second factor, my sessions.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mosaique_app::identity::account::{PendingSecondFactor, SetUpRefusal};
use mosaique_app::{AppError, Conflict};
use serde::Deserialize;

use crate::AppState;
use crate::gate::Ctx;
use crate::i18n::Arg;
use crate::session::{clear_cookie, set_cookie};
use crate::shell::{PageError, Shell, render, render_with};

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

pub(super) async fn show(State(state): State<AppState>, ctx: Ctx) -> Response {
    let view = match state.app.account(&ctx.who).await {
        Ok(view) => view,
        Err(e) => return ctx.page_error(e),
    };
    let tr = ctx.tr();
    let user = &view.user;
    let organization = match (&view.organization, user.org_id) {
        (Some(org), _) => org.name(ctx.lang).to_owned(),
        (None, Some(_)) => tr.t("account-no-organization"),
        (None, None) => tr.t("account-coalition-staff"),
    };
    let second_factor = match view.recovery_codes_left {
        Some(n) => tr.t_args("account-totp-on", &[("codes", Arg::Int(n))]),
        None => tr.t("account-totp-off"),
    };
    render(&AccountPage {
        shell: ctx.shell(tr.t("account-title"), "account"),
        name: user.display_name.clone(),
        email: user.email.clone(),
        role: tr.label("role", user.role.key()),
        organization,
        second_factor,
        totp_enabled: user.totp_enabled,
    })
}

fn setup_page(ctx: &Ctx, pending: PendingSecondFactor, error: Option<String>) -> Response {
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = TotpSetupPage {
        shell: ctx.shell(ctx.tr().t("totp-setup-title"), "account"),
        qr_svg: pending.qr_svg,
        secret_base32: pending.secret_base32,
        pending: pending.sealed,
        error,
    };
    render_with(&page, status)
}

/// Enrolment is open to a session that has passed the password (its second factor is
/// what is being set up) or a complete one without a factor yet.
pub(super) async fn totp_setup_form(State(state): State<AppState>, ctx: Ctx) -> Response {
    let Some(session) = ctx.session.clone() else {
        return Redirect::to("/login/continue").into_response();
    };
    let issuer = state.settings.coalition_name(ctx.lang).to_owned();
    match state.app.second_factor_to_set_up(&session, &issuer) {
        Ok(Some(pending)) => setup_page(&ctx, pending, None),
        Ok(None) => Redirect::to("/login/continue").into_response(),
        Err(e) => ctx.page_error(e),
    }
}

pub(super) async fn totp_setup(
    State(state): State<AppState>,
    ctx: Ctx,
    form: Result<Form<TotpSetupForm>, FormRejection>,
) -> Response {
    let tr = ctx.tr();
    let Some(session) = ctx.session.clone() else {
        return Redirect::to("/login/continue").into_response();
    };
    let Ok(Form(form)) = form else {
        return ctx.error(PageError::BadRequest(tr.t("error-unreadable-form")));
    };
    let issuer = state.settings.coalition_name(ctx.lang).to_owned();
    let on = match state
        .app
        .set_up_second_factor(&session, &form.pending, &form.code, &issuer)
        .await
    {
        Ok(Ok(on)) => on,
        Ok(Err(SetUpRefusal::WrongCode(pending))) => {
            return setup_page(&ctx, pending, Some(tr.t("totp-failed")));
        }
        Ok(Err(SetUpRefusal::Expired(pending))) => {
            return setup_page(&ctx, pending, Some(tr.t("totp-setup-expired")));
        }
        // Another tab finished enrolling first (that factor stands), or the session ended.
        Err(AppError::Conflict(Conflict::Taken(_)) | AppError::NotFound) => {
            return Redirect::to("/login/continue").into_response();
        }
        Err(e) => return ctx.page_error(e),
    };
    let mut shell = ctx.shell(tr.t("recovery-title"), "account");
    shell.user = Some(session.user.display_name.clone());
    let mut response = render(&RecoveryCodesPage {
        shell,
        codes: on.recovery_codes,
    });
    if let Some(token) = on.new_token {
        let (name, value) = set_cookie(&state, &token);
        response.headers_mut().insert(name, value);
    }
    response
}

pub(super) async fn sign_out_everywhere(State(state): State<AppState>, ctx: Ctx) -> Response {
    match state.app.sign_out_everywhere(&ctx.who).await {
        Ok(()) => {
            let login = format!("/login?lang={}", ctx.lang.code());
            ([clear_cookie(&state)], Redirect::to(&login)).into_response()
        }
        Err(e) => ctx.page_error(e),
    }
}
