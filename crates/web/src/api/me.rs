//! `/api/v1/me`: who the caller is.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use mosaique_domain::policy::{Action, Resource, can};

use crate::AppState;
use crate::lang::Lang;
use crate::problem::{Problem, ProblemBody};
use crate::session::ApiUser;

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MeJson {
    pub user: MeUser,
    /// `null` for the coalition's own staff.
    pub organization: Option<MeOrganization>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MeUser {
    pub id: String,
    pub email: String,
    pub display_name: String,
    /// One of coalition_admin, coordinator, caseworker, org_admin, police_liaison, privacy_officer, analyst.
    pub role: String,
    pub second_factor: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MeOrganization {
    pub id: String,
    pub slug: String,
    pub name: super::organizations::Localized,
}

/// The signed-in user, their organization and role.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "account",
    operation_id = "getMe",
    responses(
        (status = 200, description = "The caller", body = MeJson),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn me(
    State(state): State<AppState>,
    Lang(lang): Lang,
    ApiUser(session): ApiUser,
) -> Result<Json<MeJson>, Problem> {
    let user = &session.live.user;
    let actor = user.actor();
    if !can(
        Some(&actor),
        Action::ViewOwnAccount,
        &Resource::Account(user.id),
    )
    .is_allowed()
    {
        return Err(Problem::new(crate::problem::ProblemKind::Forbidden, lang));
    }
    let organization = match user.org_id {
        Some(id) => state
            .db
            .organization(id)
            .await
            .map_err(|e| Problem::from_store(e, lang))?
            .map(|org| MeOrganization {
                id: org.id.to_string(),
                slug: org.slug.clone(),
                name: super::organizations::Localized {
                    fr: org.name_fr.clone(),
                    en: org.name_en.clone(),
                },
            }),
        None => None,
    };
    Ok(Json(MeJson {
        user: MeUser {
            id: user.id.to_string(),
            email: user.email.clone(),
            display_name: user.display_name.clone(),
            role: user.role.key().to_owned(),
            second_factor: user.totp_enabled,
        },
        organization,
    }))
}
