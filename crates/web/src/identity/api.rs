//! `/api/v1/me`: who the caller is.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::gate::Ctx;
use crate::json::BilingualText;
use crate::problem::{Problem, ProblemBody};

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
    pub name: BilingualText,
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
pub(crate) async fn me(State(state): State<AppState>, ctx: Ctx) -> Result<Json<MeJson>, Problem> {
    let view = state
        .app
        .account(&ctx.who)
        .await
        .map_err(|e| ctx.problem(e))?;
    let user = view.user;
    Ok(Json(MeJson {
        organization: view.organization.map(|org| MeOrganization {
            id: org.id.to_string(),
            slug: org.slug,
            name: org.name,
        }),
        user: MeUser {
            id: user.id.to_string(),
            email: user.email,
            display_name: user.display_name,
            role: user.role.key().to_owned(),
            second_factor: user.totp_enabled,
        },
    }))
}
