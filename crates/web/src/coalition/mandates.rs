//! "Who does what": today's member organizations against the mandates they hold and the
//! service domains they serve, with what no member covers; as a page and as JSON.

use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use mosaique_domain::{Mandate, OrgId, ServiceDomain};
use serde::Serialize;
use utoipa::ToSchema;

use super::api::{not_found, problem};
use super::name_in;
use crate::AppState;
use crate::gate::Ctx;
use crate::problem::{Problem, ProblemBody};
use crate::shell::{PageError, Shell, render};

struct MemberRow {
    name: String,
    /// One mark per column, in the columns' order.
    mandates: Vec<bool>,
    mandates_other: String,
    domains: Vec<bool>,
}

#[derive(Template)]
#[template(path = "coalition_mandates.html")]
struct MandatesPage {
    shell: Shell,
    id: String,
    coalition: String,
    mandate_names: Vec<String>,
    domain_names: Vec<String>,
    members: Vec<MemberRow>,
    missing_mandates: Vec<String>,
    missing_domains: Vec<String>,
}

/// `GET /coalitions/{id}/mandates`.
pub(crate) async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = ctx.id::<OrgId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    let tr = ctx.tr();
    let view = match state.app.who_does_what(&ctx.who, id).await {
        Ok(view) => view,
        Err(e) => return ctx.page_error(e),
    };
    let mandate = |m: &Mandate| tr.t(&format!("mandate-{}", m.key()));
    let domain = |d: &ServiceDomain| tr.t(&format!("domain-{}", d.key()));
    let coalition = name_in(&view.coalition.name, ctx.lang);
    render(&MandatesPage {
        shell: ctx.shell(
            tr.with("mandates-title", "coalition", &coalition),
            "coalitions",
        ),
        id: id.to_string(),
        coalition,
        mandate_names: Mandate::ALL.iter().map(mandate).collect(),
        domain_names: ServiceDomain::ALL.iter().map(domain).collect(),
        members: view
            .members
            .iter()
            .map(|w| MemberRow {
                name: name_in(&w.name, ctx.lang),
                mandates: Mandate::ALL
                    .iter()
                    .map(|m| w.mandates.contains(m))
                    .collect(),
                mandates_other: w.mandates_other.clone(),
                domains: ServiceDomain::ALL
                    .iter()
                    .map(|d| w.domains.contains(d))
                    .collect(),
            })
            .collect(),
        missing_mandates: view.gaps.mandates.iter().map(mandate).collect(),
        missing_domains: view.gaps.domains.iter().map(domain).collect(),
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MemberWorkJson {
    pub organization_id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sector: Option<String>,
    /// Keys of the mandate vocabulary.
    pub mandates: Vec<String>,
    /// Mandates in its own words.
    pub mandates_other: String,
    /// Keys of the service-domain vocabulary, from its active services.
    pub domains: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WhoDoesWhatJson {
    /// Today's member organizations, by name.
    pub members: Vec<MemberWorkJson>,
    /// Mandates no member holds.
    pub mandates_without_member: Vec<String>,
    /// Service domains no member serves.
    pub domains_without_service: Vec<String>,
}

/// Who does what: today's members' mandates and service domains, and what nobody covers.
#[utoipa::path(
    get,
    path = "/api/v1/coalitions/{id}/mandates",
    tag = "coalition",
    operation_id = "whoDoesWhat",
    params(("id" = String, Path, description = "The coalition's id")),
    responses(
        (status = 200, description = "Members, mandates and domains", body = WhoDoesWhatJson),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not of the coalition's staff nor of a member organization", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such coalition", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<WhoDoesWhatJson>, Problem> {
    let id = ctx.id::<OrgId>(&id).ok_or_else(|| not_found(&ctx))?;
    let view = state
        .app
        .who_does_what(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    let keys = |k: Vec<&str>| k.into_iter().map(str::to_owned).collect();
    Ok(Json(WhoDoesWhatJson {
        members: view
            .members
            .iter()
            .map(|w| MemberWorkJson {
                organization_id: w.member.to_string(),
                name: name_in(&w.name, ctx.lang),
                sector: w.sector.map(|s| s.key().to_owned()),
                mandates: keys(w.mandates.iter().map(|m| m.key()).collect()),
                mandates_other: w.mandates_other.clone(),
                domains: keys(w.domains.iter().map(|d| d.key()).collect()),
            })
            .collect(),
        mandates_without_member: keys(view.gaps.mandates.iter().map(|m| m.key()).collect()),
        domains_without_service: keys(view.gaps.domains.iter().map(|d| d.key()).collect()),
    }))
}
