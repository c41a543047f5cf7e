//! `/api/v1/organizations`: the directory's organizations and coalitions.

use axum::Json;
use axum::extract::{Path, State};
use mosaique_domain::{Language, OrgId, Organization};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::api::ApiQuery;
use crate::directory::{self, DirectoryParams};
use crate::lang::Lang;
use crate::problem::{Problem, ProblemBody, ProblemKind};

/// A text in both languages.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Localized {
    pub fr: String,
    pub en: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct OrganizationJson {
    /// UUIDv7.
    pub id: String,
    /// Stable, human-readable identifier.
    pub slug: String,
    pub name: Localized,
    pub description: Localized,
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
    pub areas: Vec<super::services::AreaJson>,
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
            name: Localized {
                fr: org.name_fr.clone(),
                en: org.name_en.clone(),
            },
            description: Localized {
                fr: org.description_fr.clone(),
                en: org.description_en.clone(),
            },
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
            areas: org
                .details
                .areas
                .iter()
                .map(|a| super::services::AreaJson {
                    kind: a.kind.key(),
                    code: a.code.clone(),
                })
                .collect(),
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
    Lang(lang): Lang,
    ApiQuery(params): ApiQuery<DirectoryParams>,
) -> Result<Json<OrganizationList>, Problem> {
    let query = params
        .validate()
        .map_err(|bad| Problem::new(ProblemKind::BadRequest, lang).with_detail(bad.message()))?;
    let results = directory::search(&state, &query, lang)
        .await
        .map_err(|e| Problem::from_store(e, lang))?;
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
    Lang(lang): Lang,
    Path(id): Path<String>,
) -> Result<Json<OrganizationJson>, Problem> {
    let org = find(&state, &id, lang).await?;
    Ok(Json(OrganizationJson::from(&org)))
}

async fn find(state: &AppState, id: &str, lang: Language) -> Result<Organization, Problem> {
    let found = match id.parse::<OrgId>() {
        Ok(org_id) => state.db.organization(org_id).await,
        Err(_) => state.db.organization_by_slug(id).await,
    }
    .map_err(|e| Problem::from_store(e, lang))?;
    found.ok_or_else(|| {
        Problem::new(ProblemKind::NotFound, lang).with_detail(crate::i18n::Tr::new(lang).with(
            "problem-organization-not-found",
            "id",
            id,
        ))
    })
}
