//! Administration: staff accounts (coalition admins for everyone, organization admins for
//! their own staff) and the audit trail (privacy officers and coalition admins). Every
//! decision goes through `domain::policy`, and every change is audited by the store.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mosaique_crypto::{random_token, token_hash};
use mosaique_domain::identity::normalize_email;
use mosaique_domain::policy::{Action, Resource, can};
use mosaique_domain::{Actor, OrgId, Role, Timestamp, UserId};
use mosaique_store::users::{LinkPurpose, NewUser, User, UserScope};
use mosaique_store::{AuditEvent, AuditVerdict, OrgFilter, Outcome, StoreError};
use serde::Deserialize;

use super::{PageContext, PageError, Shell, render};
use crate::AppState;
use crate::i18n::{Arg, Tr};
use crate::session::{SignedIn, Verified};

const ENROLMENT_VALID_MS: i64 = 7 * 24 * 3600 * 1000;
const RESET_VALID_MS: i64 = 24 * 3600 * 1000;
const AUDIT_PAGE: i64 = 200;

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

/// The staff list the actor administers, or `None` if they administer none.
fn staff_scope(actor: &Actor) -> Option<UserScope> {
    if can(
        Some(actor),
        Action::ManageStaff,
        &Resource::Staff { org_id: None },
    )
    .is_allowed()
    {
        return Some(UserScope::All);
    }
    let org = actor.org_id?;
    can(
        Some(actor),
        Action::ManageStaff,
        &Resource::Staff { org_id: Some(org) },
    )
    .is_allowed()
    .then_some(UserScope::Organization(org))
}

fn may_manage(actor: &Actor, user: &User) -> bool {
    user.id != actor.user_id
        && can(
            Some(actor),
            Action::ManageUser,
            &Resource::User {
                org_id: user.org_id,
                role: user.role,
            },
        )
        .is_allowed()
}

async fn users_page(
    state: &AppState,
    context: &PageContext,
    actor: &Actor,
    scope: UserScope,
    notice: Option<String>,
    link: Option<String>,
    errors: Vec<String>,
) -> Result<Response, StoreError> {
    let tr = context.tr();
    let lang = context.lang;
    let orgs = state
        .db
        .list_organizations(&OrgFilter {
            limit: 1000,
            ..OrgFilter::default()
        })
        .await?
        .items;
    let names: HashMap<OrgId, String> = orgs
        .iter()
        .map(|o| (o.id, o.name(lang).to_owned()))
        .collect();
    let org_name = |id: Option<OrgId>| match id {
        Some(id) => names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| tr.t("account-no-organization")),
        None => tr.t("account-coalition-staff"),
    };
    let rows = state
        .db
        .list_users(scope)
        .await?
        .into_iter()
        .map(|user| UserRow {
            id: user.id.to_string(),
            status: tr.t(
                match (user.disabled, user.totp_enabled, user.has_password) {
                    (true, _, _) => "admin-status-disabled",
                    (false, _, false) => "admin-status-invited",
                    (false, true, true) => "admin-status-active-totp",
                    (false, false, true) => "admin-status-active",
                },
            ),
            can_manage: may_manage(actor, &user),
            reset_label: tr.with("admin-reset-for", "name", &user.display_name),
            disable_label: tr.with("admin-disable-for", "name", &user.display_name),
            role: tr.label("role", user.role.key()),
            organization: org_name(user.org_id),
            disabled: user.disabled,
            name: user.display_name,
            email: user.email,
        })
        .collect();
    let roles = Role::ALL
        .into_iter()
        .filter(|role| {
            let org_id = if role.needs_organization() {
                actor.org_id.or(orgs.first().map(|o| o.id))
            } else {
                actor.org_id
            };
            can(
                Some(actor),
                Action::ManageUser,
                &Resource::User {
                    org_id,
                    role: *role,
                },
            )
            .is_allowed()
        })
        .map(|role| (role.key(), tr.label("role", role.key())))
        .collect();
    let organizations = match scope {
        UserScope::All => std::iter::once((String::new(), tr.t("account-coalition-staff")))
            .chain(
                orgs.iter()
                    .map(|o| (o.slug.clone(), o.name(lang).to_owned())),
            )
            .collect(),
        UserScope::Organization(id) => orgs
            .iter()
            .filter(|o| o.id == id)
            .map(|o| (o.slug.clone(), o.name(lang).to_owned()))
            .collect(),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut response = render(&UsersPage {
        shell: context.shell(tr.t("admin-users-title"), "admin"),
        notice,
        link,
        errors,
        rows,
        roles,
        organizations,
    });
    *response.status_mut() = status;
    Ok(response)
}

pub(super) async fn users(
    State(state): State<AppState>,
    context: PageContext,
    SignedIn(session): SignedIn,
) -> Response {
    let actor = session.live.user.actor();
    let Some(scope) = staff_scope(&actor) else {
        let denied = AuditEvent::new("staff.view", "staff", Outcome::Denied)
            .by(actor.user_id, actor.role)
            .because("policy");
        let _ = state.db.audit(&denied).await;
        return context.error(PageError::Forbidden);
    };
    // Staff names and addresses are personal data too: reading the list is recorded.
    let mut event =
        AuditEvent::new("staff.view", "staff", Outcome::Success).by(actor.user_id, actor.role);
    if let UserScope::Organization(org) = scope {
        event = event.target(org);
    }
    if let Err(e) = state.db.audit(&event).await {
        return context.error(PageError::from_store(e));
    }
    users_page(&state, &context, &actor, scope, None, None, Vec::new())
        .await
        .unwrap_or_else(|e| context.error(PageError::from_store(e)))
}

pub(super) async fn create_user(
    State(state): State<AppState>,
    context: PageContext,
    Verified(session): Verified,
    form: Result<Form<NewUserForm>, FormRejection>,
) -> Response {
    let tr = context.tr();
    let actor = session.live.user.actor();
    let Some(scope) = staff_scope(&actor) else {
        return context.error(PageError::Forbidden);
    };
    let Ok(Form(form)) = form else {
        return context.error(PageError::BadRequest(tr.t("error-unreadable-form")));
    };
    let mut errors = Vec::new();
    let email = normalize_email(&form.email);
    if email.is_none() {
        errors.push(tr.t("admin-error-email"));
    }
    if form.display_name.trim().is_empty() || form.display_name.chars().count() > 200 {
        errors.push(tr.t("admin-error-name"));
    }
    let role = form.role.parse::<Role>().ok();
    if role.is_none() {
        errors.push(tr.t("admin-error-role"));
    }
    let org_id = if form.org.trim().is_empty() {
        None
    } else {
        match state.db.organization_by_slug(form.org.trim()).await {
            Ok(Some(org)) => Some(org.id),
            Ok(None) => {
                errors.push(tr.t("admin-error-org"));
                None
            }
            Err(e) => return context.error(PageError::from_store(e)),
        }
    };
    let respond = |result: Result<Response, StoreError>| {
        result.unwrap_or_else(|e| context.error(PageError::from_store(e)))
    };
    let (Some(email), Some(role), true) = (email, role, errors.is_empty()) else {
        return respond(users_page(&state, &context, &actor, scope, None, None, errors).await);
    };
    if role.needs_organization() && org_id.is_none() {
        return respond(
            users_page(
                &state,
                &context,
                &actor,
                scope,
                None,
                None,
                vec![tr.t("admin-error-needs-org")],
            )
            .await,
        );
    }
    if !can(
        Some(&actor),
        Action::ManageUser,
        &Resource::User { org_id, role },
    )
    .is_allowed()
    {
        let denied = AuditEvent::new("user.create", "user", Outcome::Denied)
            .by(actor.user_id, actor.role)
            .because("policy");
        let _ = state.db.audit(&denied).await;
        return context.error(PageError::Forbidden);
    }
    let new = NewUser {
        email: email.clone(),
        display_name: form.display_name.trim().to_owned(),
        role,
        org_id,
        is_demo: false,
    };
    let user = match state
        .db
        .create_user(&new, Some((actor.user_id, actor.role)))
        .await
    {
        Ok(user) => user,
        Err(StoreError::Conflict(_)) => {
            return respond(
                users_page(
                    &state,
                    &context,
                    &actor,
                    scope,
                    None,
                    None,
                    vec![tr.t("admin-error-exists")],
                )
                .await,
            );
        }
        Err(e) => return context.error(PageError::from_store(e)),
    };
    let link = match issue_link(&state, &actor, user.id, LinkPurpose::Enrolment).await {
        Ok(link) => link,
        Err(e) => return context.error(PageError::from_store(e)),
    };
    let notice = tr.with("admin-created", "email", &email);
    respond(
        users_page(
            &state,
            &context,
            &actor,
            scope,
            Some(notice),
            Some(link),
            Vec::new(),
        )
        .await,
    )
}

/// Issues a one-time enrolment or reset link for an account, audited as the actor's, and
/// returns its address, to show once.
async fn issue_link(
    state: &AppState,
    actor: &Actor,
    user: UserId,
    purpose: LinkPurpose,
) -> Result<String, StoreError> {
    let (valid_for_ms, path) = match purpose {
        LinkPurpose::Enrolment => (ENROLMENT_VALID_MS, "enrol"),
        LinkPurpose::PasswordReset => (RESET_VALID_MS, "reset"),
    };
    let token = random_token();
    state
        .db
        .create_account_link(
            user,
            &token_hash(&token),
            purpose,
            valid_for_ms,
            Some((actor.user_id, actor.role)),
        )
        .await?;
    Ok(format!(
        "{}/{path}/{token}",
        state.settings.public_url.trim_end_matches('/')
    ))
}

/// The account an admin action targets, if the actor may manage it.
async fn managed_user(
    state: &AppState,
    actor: &Actor,
    id: &str,
) -> Result<Option<User>, StoreError> {
    let Ok(id) = id.parse::<UserId>() else {
        return Ok(None);
    };
    Ok(state
        .db
        .user(id)
        .await?
        .filter(|user| may_manage(actor, user)))
}

pub(super) async fn disable_user(
    State(state): State<AppState>,
    context: PageContext,
    Verified(session): Verified,
    Path(id): Path<String>,
) -> Response {
    let actor = session.live.user.actor();
    match managed_user(&state, &actor, &id).await {
        Ok(Some(user)) => match state
            .db
            .disable_user(user.id, Some((actor.user_id, actor.role)))
            .await
        {
            Ok(_) => Redirect::to("/admin/users").into_response(),
            Err(e) => context.error(PageError::from_store(e)),
        },
        Ok(None) => context.error(PageError::Forbidden),
        Err(e) => context.error(PageError::from_store(e)),
    }
}

pub(super) async fn reset_link(
    State(state): State<AppState>,
    context: PageContext,
    Verified(session): Verified,
    Path(id): Path<String>,
) -> Response {
    let tr = context.tr();
    let actor = session.live.user.actor();
    let Some(scope) = staff_scope(&actor) else {
        return context.error(PageError::Forbidden);
    };
    let user = match managed_user(&state, &actor, &id).await {
        Ok(Some(user)) if !user.disabled => user,
        Ok(_) => return context.error(PageError::Forbidden),
        Err(e) => return context.error(PageError::from_store(e)),
    };
    let link = match issue_link(&state, &actor, user.id, LinkPurpose::PasswordReset).await {
        Ok(link) => link,
        Err(e) => return context.error(PageError::from_store(e)),
    };
    let notice = tr.with("admin-reset-issued", "email", &user.email);
    users_page(
        &state,
        &context,
        &actor,
        scope,
        Some(notice),
        Some(link),
        Vec::new(),
    )
    .await
    .unwrap_or_else(|e| context.error(PageError::from_store(e)))
}

struct AuditRow {
    seq: i64,
    when: String,
    actor: String,
    action: String,
    target: String,
    outcome: String,
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    shell: Shell,
    target: String,
    actor: String,
    verdict: Option<String>,
    intact: bool,
    entries: Vec<AuditRow>,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct AuditQuery {
    target: Option<String>,
    actor: Option<String>,
    verify: Option<String>,
}

pub(super) async fn audit(
    State(state): State<AppState>,
    context: PageContext,
    SignedIn(session): SignedIn,
    query: Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let tr = context.tr();
    let viewer = session.live.user.actor();
    if !can(Some(&viewer), Action::ViewAudit, &Resource::AuditTrail).is_allowed() {
        let denied = AuditEvent::new("audit.view", "audit", Outcome::Denied)
            .by(viewer.user_id, viewer.role)
            .because("policy");
        let _ = state.db.audit(&denied).await;
        return context.error(PageError::Forbidden);
    }
    let Ok(Query(query)) = query else {
        return context.error(PageError::BadRequest(tr.t("error-unreadable-query")));
    };
    match audit_page(&state, &context, &tr, &viewer, query).await {
        Ok(response) => response,
        Err(e) => context.error(PageError::from_store(e)),
    }
}

async fn audit_page(
    state: &AppState,
    context: &PageContext,
    tr: &Tr,
    viewer: &Actor,
    query: AuditQuery,
) -> Result<Response, StoreError> {
    let target = query
        .target
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned);
    let actor_email = query.actor.as_deref().and_then(normalize_email);
    // A target is "type:id" (user:…, case:…) or a bare id, taken as a user; a user may be
    // named by e-mail.
    let mut target_filter = target.as_deref().map(|t| {
        t.split_once(':')
            .map_or(("user".to_owned(), t.to_owned()), |(k, v)| {
                (k.to_owned(), v.to_owned())
            })
    });
    if let Some((kind, id)) = &mut target_filter
        && kind == "user"
        && let Some(email) = normalize_email(id)
        && let Some(user) = state.db.user_by_email(&email).await?
    {
        *id = user.id.to_string();
    }
    let target_filter = target_filter
        .as_ref()
        .map(|(k, v)| (k.as_str(), v.as_str()));
    let actor_filter = match &actor_email {
        Some(email) => match state.db.user_by_email(email).await? {
            Some(user) => Some(user.id),
            None => Some(UserId::new()),
        },
        None => None,
    };
    // Looking at the trail is itself on the trail.
    let mut event =
        AuditEvent::new("audit.view", "audit", Outcome::Success).by(viewer.user_id, viewer.role);
    if let Some(t) = &target {
        event = event.target(t);
    }
    state.db.audit(&event).await?;
    let entries = state
        .db
        .audit_entries(target_filter, actor_filter, AUDIT_PAGE)
        .await?;
    let users: HashMap<String, String> = state
        .db
        .list_users(UserScope::All)
        .await?
        .into_iter()
        .map(|u| (u.id.to_string(), u.email))
        .collect();
    let (verdict, intact) = if query.verify.is_some() {
        match state.db.verify_audit().await? {
            AuditVerdict::Intact {
                entries,
                checkpoints,
            } => (
                Some(tr.t_args(
                    "audit-intact",
                    &[
                        ("entries", Arg::Int(entries)),
                        ("checkpoints", Arg::Int(checkpoints)),
                    ],
                )),
                true,
            ),
            AuditVerdict::Broken { seq, problem } => (
                Some(tr.t_args(
                    "audit-broken",
                    &[
                        ("seq", Arg::Int(seq)),
                        ("problem", Arg::Text(problem.key().to_owned())),
                    ],
                )),
                false,
            ),
        }
    } else {
        (None, true)
    };
    let rows = entries
        .into_iter()
        .map(|e| AuditRow {
            seq: e.seq,
            when: Timestamp(e.at).to_rfc3339(),
            actor: e
                .actor_user_id
                .as_ref()
                .map(|id| users.get(id).cloned().unwrap_or_else(|| id.clone()))
                .unwrap_or_else(|| tr.t("audit-system")),
            target: match (&e.target_id, e.target_type.as_str()) {
                (Some(id), "user") => format!(
                    "user:{}",
                    users.get(id).cloned().unwrap_or_else(|| id.clone())
                ),
                (Some(id), kind) => format!("{kind}:{id}"),
                (None, kind) => kind.to_owned(),
            },
            outcome: match &e.reason {
                Some(reason) => format!("{} ({reason})", e.outcome),
                None => e.outcome,
            },
            action: e.action,
        })
        .collect();
    Ok(render(&AuditPage {
        shell: context.shell(tr.t("audit-title"), "admin"),
        target: target.unwrap_or_default(),
        actor: actor_email.unwrap_or_default(),
        verdict,
        intact,
        entries: rows,
    }))
}
