//! Staff administration pages: the accounts an administrator looks after, creating one,
//! disabling one, issuing a reset link. The same use cases as `mosaique user …`.

use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mosaique_app::identity::staff::{NewAccount, StaffView};
use mosaique_app::{AccountProblem, AppError, Conflict, Invalid};
use mosaique_domain::{OrgId, Role, UserId};
use serde::Deserialize;

use crate::AppState;
use crate::gate::Ctx;
use crate::i18n::Tr;
use crate::shell::{PageError, Shell, render_with};

struct UserRow {
    id: String,
    name: String,
    email: String,
    role: String,
    organization: String,
    status: String,
    disabled: bool,
    can_manage: bool,
    reset_label: String,
    disable_label: String,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    shell: Shell,
    notice: Option<String>,
    link: Option<String>,
    errors: Vec<String>,
    rows: Vec<UserRow>,
    roles: Vec<(&'static str, String)>,
    organizations: Vec<(String, String)>,
}

#[derive(Debug, Deserialize)]
pub(super) struct NewUserForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    org: String,
}

/// What the page says after an action: a notice, the one-time link to show once, or the
/// problems with what was typed.
#[derive(Debug, Default)]
struct Outcome {
    notice: Option<String>,
    link: Option<String>,
    errors: Vec<String>,
}

fn account_problem(tr: &Tr, problem: &AccountProblem) -> String {
    tr.t(match problem {
        AccountProblem::BadEmail => "admin-error-email",
        AccountProblem::BadName => "admin-error-name",
        AccountProblem::UnknownRole => "admin-error-role",
        AccountProblem::NeedsOrganization => "admin-error-needs-org",
        AccountProblem::UnknownOrganization => "admin-error-org",
    })
}

/// The staff list (reading it is audited by the use case), with what just happened.
async fn page(state: &AppState, ctx: &Ctx, outcome: Outcome) -> Response {
    let view = match state.app.staff(&ctx.who).await {
        Ok(view) => view,
        Err(e) => return ctx.page_error(e),
    };
    let status = if outcome.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_with(&users_page(ctx, view, outcome), status)
}

fn users_page(ctx: &Ctx, view: StaffView, outcome: Outcome) -> UsersPage {
    let tr = ctx.tr();
    let lang = ctx.lang;
    let org_name = |id: Option<OrgId>| match id {
        Some(id) => view.names.iter().find(|o| o.id == id).map_or_else(
            || tr.t("account-no-organization"),
            |o| o.name(lang).to_owned(),
        ),
        None => tr.t("account-coalition-staff"),
    };
    let rows = view
        .members
        .iter()
        .map(|member| {
            let user = &member.user;
            UserRow {
                id: user.id.to_string(),
                status: tr.t(
                    match (user.disabled, user.totp_enabled, user.has_password) {
                        (true, _, _) => "admin-status-disabled",
                        (false, _, false) => "admin-status-invited",
                        (false, true, true) => "admin-status-active-totp",
                        (false, false, true) => "admin-status-active",
                    },
                ),
                can_manage: member.manageable,
                reset_label: tr.with("admin-reset-for", "name", &user.display_name),
                disable_label: tr.with("admin-disable-for", "name", &user.display_name),
                role: tr.label("role", user.role.key()),
                organization: org_name(user.org_id),
                disabled: user.disabled,
                name: user.display_name.clone(),
                email: user.email.clone(),
            }
        })
        .collect();
    UsersPage {
        shell: ctx.shell(tr.t("admin-users-title"), "admin"),
        notice: outcome.notice,
        link: outcome.link,
        errors: outcome.errors,
        rows,
        roles: view
            .roles
            .iter()
            .map(|role| (role.key(), tr.label("role", role.key())))
            .collect(),
        organizations: view
            .organizations
            .iter()
            .map(|o| match o {
                Some(o) => (o.slug.clone(), o.name(lang).to_owned()),
                None => (String::new(), tr.t("account-coalition-staff")),
            })
            .collect(),
    }
}

pub(super) async fn list(State(state): State<AppState>, ctx: Ctx) -> Response {
    page(&state, &ctx, Outcome::default()).await
}

pub(super) async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    form: Result<Form<NewUserForm>, FormRejection>,
) -> Response {
    let tr = ctx.tr();
    let Ok(Form(form)) = form else {
        return ctx.error(PageError::BadRequest(tr.t("error-unreadable-form")));
    };
    let new = NewAccount {
        email: form.email,
        display_name: form.display_name,
        role: form.role.parse::<Role>().ok(),
        organization: form.org,
    };
    let outcome = match state.app.create_account(&ctx.who, &new).await {
        Ok(created) => Outcome {
            notice: Some(tr.with("admin-created", "email", &created.user.email)),
            link: Some(created.link),
            errors: Vec::new(),
        },
        Err(AppError::Invalid(Invalid::Account(problems))) => Outcome {
            errors: problems.iter().map(|p| account_problem(&tr, p)).collect(),
            ..Outcome::default()
        },
        Err(AppError::Conflict(Conflict::Taken(_))) => Outcome {
            errors: vec![tr.t("admin-error-exists")],
            ..Outcome::default()
        },
        Err(e) => return ctx.page_error(e),
    };
    page(&state, &ctx, outcome).await
}

pub(super) async fn disable(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = ctx.id::<UserId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    match state.app.disable_account(&ctx.who, id).await {
        Ok(_) => Redirect::to("/admin/users").into_response(),
        Err(e) => ctx.page_error(e),
    }
}

pub(super) async fn reset_link(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = ctx.id::<UserId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    match state.app.issue_reset_link(&ctx.who, id).await {
        Ok(issued) => {
            let outcome = Outcome {
                notice: Some(
                    ctx.tr()
                        .with("admin-reset-issued", "email", &issued.user.email),
                ),
                link: Some(issued.link),
                errors: Vec::new(),
            };
            page(&state, &ctx, outcome).await
        }
        Err(e) => ctx.page_error(e),
    }
}
