//! `/api/v1/organizations`: the directory's organizations and coalitions.

use axum::Json;
use axum::extract::{Path, State};
use mosaique_domain::{OrgId, Organization};
use serde::Serialize;
use utoipa::ToSchema;

use super::DirectoryParams;
use crate::AppState;
use crate::api::ApiQuery;
use crate::gate::Ctx;
use crate::json::{AreaJson, BilingualText};
use crate::problem::{Problem, ProblemBody, ProblemKind};

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct OrganizationJson {
    /// UUIDv7.
    pub id: String,
    /// Stable, human-readable identifier.
    pub slug: String,
    pub name: BilingualText,
    pub description: BilingualText,
    /// Two-letter province or territory code, when known.
    #[schema(example = "QC")]
    pub province: Option<String>,
    /// Level of action, when known.
    #[schema(example = "provincial")]
    pub level: Option<String>,
    /// Sector, when known.
    #[schema(example = "community")]
    pub sector: Option<String>,
    pub founded_year: Option<i32>,
    /// A coalition or coordination body rather than a single organization.
    pub is_coalition: bool,
    /// Where the facts come from.
    pub source: String,
    /// A formal organization (`true`) or an informal group (`false`), when known.
    pub formal: Option<bool>,
    /// Mandate keys: `direct_services`, `case_management`, `referrals`,
    /// `service_coordination`, `emergency_assistance`, `awareness`, `training`,
    /// `intervention_tools`, `networking`, `advice`, `advocacy`, `research`, `prevention`,
    /// `protection`, `prosecution`, `partnership`.
    pub mandates: Vec<String>,
    /// Mandates in the organization's own words.
    pub mandates_other: String,
    pub website: String,
    pub email: String,
    pub phone: String,
    /// Areas served.
    pub areas: Vec<AreaJson>,
    /// The organization's public page.
    pub html_url: String,
    /// Last change, RFC 3339 (UTC).
    pub updated_at: String,
}

impl From<&Organization> for OrganizationJson {
    fn from(org: &Organization) -> Self {
        OrganizationJson {
            id: org.id.to_string(),
            slug: org.slug.clone(),
            name: org.name.clone(),
            description: org.description.clone(),
            province: org.province.map(|p| p.key().to_owned()),
            level: org.level.map(|l| l.key().to_owned()),
            sector: org.sector.map(|s| s.key().to_owned()),
            founded_year: org.founded_year,
            is_coalition: org.is_coalition,
            source: org.source.clone(),
            formal: org.details.formal,
            mandates: org
                .details
                .mandates
                .iter()
                .map(|m| m.key().to_owned())
                .collect(),
            mandates_other: org.details.mandates_other.clone(),
            website: org.details.website.clone(),
            email: org.details.email.clone(),
            phone: org.details.phone.clone(),
            areas: org.details.areas.iter().map(AreaJson::from).collect(),
            html_url: format!("/organizations/{}", org.slug),
            updated_at: org.updated_at.to_rfc3339(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct OrganizationList {
    pub items: Vec<OrganizationJson>,
    /// Matches across all pages.
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// List and search organizations and coalitions.
///
/// With `q`, results are ranked by relevance (both languages, accents and case ignored);
/// without it, they are sorted by name in the request's language.
#[utoipa::path(
    get,
    path = "/api/v1/organizations",
    tag = "directory",
    operation_id = "listOrganizations",
    params(DirectoryParams),
    responses(
        (status = 200, description = "One page of organizations", body = OrganizationList),
        (status = 400, description = "A parameter is not valid", body = ProblemBody, content_type = "application/problem+json"),
        (status = 503, description = "The database is unavailable", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(params): ApiQuery<DirectoryParams>,
) -> Result<Json<OrganizationList>, Problem> {
    let query = params.validate().map_err(|bad| {
        Problem::new(ProblemKind::BadRequest, ctx.lang).with_detail(bad.message())
    })?;
    let results = state
        .app
        .find_organizations(&query, ctx.lang)
        .await
        .map_err(|e| ctx.problem(e))?;
    Ok(Json(OrganizationList {
        items: results.items.iter().map(OrganizationJson::from).collect(),
        total: results.total,
        page: query.page,
        per_page: query.per_page,
    }))
}

/// One organization, by id or slug.
#[utoipa::path(
    get,
    path = "/api/v1/organizations/{id}",
    tag = "directory",
    operation_id = "getOrganization",
    params(("id" = String, Path, description = "The organization's UUID or slug")),
    responses(
        (status = 200, description = "The organization", body = OrganizationJson),
        (status = 404, description = "No such organization", body = ProblemBody, content_type = "application/problem+json"),
        (status = 503, description = "The database is unavailable", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<OrganizationJson>, Problem> {
    let found = match id.parse::<OrgId>() {
        Ok(org_id) => state.app.organization(org_id).await,
        Err(_) => state.app.organization_by_slug(&id).await,
    };
    let org = found.map_err(|e| match e {
        mosaique_app::AppError::NotFound => Problem::new(ProblemKind::NotFound, ctx.lang)
            .with_detail(ctx.tr().with("problem-organization-not-found", "id", &id)),
        e => ctx.problem(e),
    })?;
    Ok(Json(OrganizationJson::from(&org)))
}
