//! One-time links that let their holder set an account's password: the enrolment link of a
//! new account, or a reset link an administrator issued.

use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use mosaique_app::{AppError, Invalid, NewPasswordProblem, PasswordProblem};
use mosaique_domain::identity::LinkPurpose;
use serde::Deserialize;

use crate::AppState;
use crate::gate::Ctx;
use crate::i18n::{Arg, Tr};
use crate::shell::{PageError, Shell, render, render_with};

#[derive(Template)]
#[template(path = "enrol.html")]
struct LinkPage {
    shell: Shell,
    action: String,
    email: String,
    errors: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct PasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

fn title(purpose: LinkPurpose) -> &'static str {
    match purpose {
        LinkPurpose::Enrolment => "enrol-title",
        LinkPurpose::PasswordReset => "reset-title",
    }
}

/// A weak password's reason, in the reader's language.
pub(crate) fn password_problem(tr: &Tr, problem: &PasswordProblem) -> String {
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

pub(super) async fn enrol_form(
    state: State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Response {
    link_form(state, ctx, token, LinkPurpose::Enrolment).await
}

pub(super) async fn reset_form(
    state: State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Response {
    link_form(state, ctx, token, LinkPurpose::PasswordReset).await
}

pub(super) async fn enrol(
    state: State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    form: Result<Form<PasswordForm>, FormRejection>,
) -> Response {
    use_link(state, ctx, token, form, LinkPurpose::Enrolment).await
}

pub(super) async fn reset(
    state: State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    form: Result<Form<PasswordForm>, FormRejection>,
) -> Response {
    use_link(state, ctx, token, form, LinkPurpose::PasswordReset).await
}

fn page(
    ctx: &Ctx,
    token: &str,
    purpose: LinkPurpose,
    email: String,
    errors: Vec<String>,
) -> LinkPage {
    LinkPage {
        shell: ctx.shell(ctx.tr().t(title(purpose)), "login"),
        action: format!("{}/{token}", purpose.path()),
        email,
        errors,
    }
}

async fn link_form(
    State(state): State<AppState>,
    ctx: Ctx,
    token: String,
    purpose: LinkPurpose,
) -> Response {
    match state.app.link_account(&token, purpose).await {
        Ok(user) => render(&page(&ctx, &token, purpose, user.email, Vec::new())),
        Err(e) => ctx.page_error(e),
    }
}

async fn use_link(
    State(state): State<AppState>,
    ctx: Ctx,
    token: String,
    form: Result<Form<PasswordForm>, FormRejection>,
    purpose: LinkPurpose,
) -> Response {
    let tr = ctx.tr();
    let Ok(Form(form)) = form else {
        return ctx.error(PageError::BadRequest(tr.t("error-unreadable-form")));
    };
    match state
        .app
        .set_password_with_link(&token, purpose, &form.password, &form.confirm)
        .await
    {
        Ok(session) => super::sign_in::start(&state, &session),
        Err(AppError::Invalid(Invalid::NewPassword(problems))) => {
            let errors = problems
                .iter()
                .map(|p| match p {
                    NewPasswordProblem::Mismatch => tr.t("enrol-mismatch"),
                    NewPasswordProblem::Weak(weak) => password_problem(&tr, weak),
                })
                .collect();
            let email = match state.app.link_account(&token, purpose).await {
                Ok(user) => user.email,
                Err(e) => return ctx.page_error(e),
            };
            render_with(
                &page(&ctx, &token, purpose, email, errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(e) => ctx.page_error(e),
    }
}
