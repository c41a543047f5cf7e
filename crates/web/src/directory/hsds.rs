//! `/hsds`: the public directory as Open Referral HSDS 3.1 (Mosaïque Canada profile,
//! `docs/hsds/README.md`), read-only, cookie-less and open to any origin.
//!
//! Every response is in one language (`?lang=`, then `Accept-Language`, then French) with
//! the other under `translations`. Confidential sites are left out, or redacted with
//! `include_redacted=true`, by `mosaique_hsds::publish` for every endpoint alike.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use mosaique_app::AppError;
use mosaique_app::directory::{MAX_HITS, OrgFilter, OrgSort};
use mosaique_domain::directory::places::gazetteer;
use mosaique_domain::directory::taxonomy::taxonomy;
use mosaique_domain::service::{Location, Service};
use mosaique_domain::{Language, OrgId, Organization, ServiceId, Timestamp};
use mosaique_hsds::publish::{Depth, Publication, last_modified, pair_id};
use mosaique_hsds::{HSDS_VERSION, Texts, taxonomy_id, term_code, term_id};
use mosaique_search::{ServiceIndex, ServiceQuery};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::AppState;
use crate::gate::Ctx;
use crate::i18n::{Arg, Tr};
use crate::problem::{Problem, ProblemKind};

/// Items per page unless `per_page` says otherwise, and the most it may say.
const PER_PAGE: usize = 50;
const PER_PAGE_MAX: usize = 500;
/// The last page a caller may ask for (as the document says).
const PAGE_MAX: usize = 100_000;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/hsds", get(base))
        .route("/hsds/", get(base))
        .route("/hsds/services", get(services))
        .route("/hsds/services/{id}", get(service))
        .route("/hsds/organizations", get(organizations))
        .route("/hsds/organizations/{id}", get(organization))
        .route("/hsds/service_at_locations", get(service_at_locations))
        .route("/hsds/service_at_locations/{id}", get(service_at_location))
        .route("/hsds/taxonomies", get(taxonomies))
        .route("/hsds/taxonomies/{id}", get(taxonomy_item))
        .route("/hsds/taxonomy_terms", get(taxonomy_terms))
        .route("/hsds/taxonomy_terms/{id}", get(taxonomy_term))
        .route("/hsds/profile", get(profile_doc))
        .route("/hsds/profile/{file}", get(profile_patch))
        .route("/hsds/schema/{*path}", get(schema_file))
        // Anything else under /hsds answers a problem, never the HTML page.
        .route("/hsds/{*rest}", axum::routing::any(not_found))
        .layer(axum::middleware::map_response(open_to_all))
}

/// Public data for any origin: readable cross-site, cacheable for a minute.
async fn open_to_all(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        header::HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("cross-origin"),
    );
    if response.status().is_success() {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=60"),
        );
    }
    response
}

async fn not_found(ctx: Ctx) -> Problem {
    let lang = ctx.lang;
    Problem::new(ProblemKind::NotFound, lang)
}

/// The publication's words, from the same Fluent bundles as the pages.
#[derive(Debug, Clone, Copy)]
pub struct FluentTexts;

impl Texts for FluentTexts {
    fn text(&self, lang: Language, key: &str, args: &[(&'static str, String)]) -> String {
        let args: Vec<(&'static str, Arg)> = args
            .iter()
            .map(|(k, v)| (*k, Arg::Text(v.clone())))
            .collect();
        Tr::new(lang).t_args(key, &args)
    }
}

/// The query parameters of the HSDS API, checked.
#[derive(Debug, Default)]
struct Params {
    search: String,
    page: usize,
    per_page: usize,
    ndjson: bool,
    taxonomy_term_id: Option<Uuid>,
    taxonomy_id: Option<Uuid>,
    organization_id: Option<Uuid>,
    parent_id: Option<Uuid>,
    modified_after: Option<Timestamp>,
    minimal: bool,
    full: bool,
    full_service: bool,
    top_only: bool,
    include_redacted: bool,
    postcode: Option<String>,
    proximity_m: Option<f64>,
}

impl Params {
    /// 400 names a malformed parameter; 422 a well-formed one that cannot be honoured.
    fn parse(query: Option<&str>, lang: Language) -> Result<Params, Problem> {
        let mut p = Params {
            page: 1,
            per_page: PER_PAGE,
            ..Params::default()
        };
        let bad = |name: &str, value: &str| {
            Problem::new(ProblemKind::BadRequest, lang).with_detail(format!(
                "{name}={:?}",
                value.chars().take(80).collect::<String>()
            ))
        };
        // Values are read as sent, not trimmed: " fr" is not in the document's enum, and a
        // value the document refuses must not be answered as if it were another.
        for (key, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            let value = &*value;
            let uuid = || Uuid::parse_str(value).map_err(|_| bad(&key, value));
            // A boolean as the document types it: `1`, `0` or empty are refused, not guessed.
            let flag = || match value {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err(bad(&key, value)),
            };
            let count = || match value.parse::<usize>() {
                Ok(n) if n >= 1 => Ok(n),
                _ => Err(bad(&key, value)),
            };
            match &*key {
                "search" => p.search = value.trim().chars().take(200).collect(),
                "page" => {
                    p.page = count()?;
                    if p.page > PAGE_MAX {
                        return Err(bad(&key, value));
                    }
                }
                "per_page" => p.per_page = count()?,
                "format" => match value {
                    "json" | "" => p.ndjson = false,
                    "ndjson" => p.ndjson = true,
                    _ => {
                        return Err(Problem::new(ProblemKind::Unprocessable, lang).with_detail(
                            Tr::new(lang).with(
                                "hsds-problem-format",
                                "value",
                                &crate::api::cut(value, 40),
                            ),
                        ));
                    }
                },
                "taxonomy_term_id" => p.taxonomy_term_id = Some(uuid()?),
                "taxonomy_id" => p.taxonomy_id = Some(uuid()?),
                "organization_id" => p.organization_id = Some(uuid()?),
                "parent_id" => p.parent_id = Some(uuid()?),
                "modified_after" => {
                    let at: jiff::Timestamp = value.parse().map_err(|_| bad(&key, value))?;
                    p.modified_after = Some(Timestamp::from_millis(at.as_millisecond()));
                }
                "minimal" => p.minimal = flag()?,
                "full" => p.full = flag()?,
                "full_service" => p.full_service = flag()?,
                "top_only" => p.top_only = flag()?,
                "include_redacted" => p.include_redacted = flag()?,
                "postcode" if !value.trim().is_empty() => {
                    p.postcode = Some(value.trim().to_owned())
                }
                "proximity" => match value.parse::<f64>() {
                    Ok(m) if m.is_finite() && m >= 0.0 => p.proximity_m = Some(m),
                    _ => return Err(bad(&key, value)),
                },
                // `lang` is read by the language layer; here only refused when it is not one
                // of the document's values (empty is as if absent), not silently answered in
                // French.
                "lang" if !matches!(value, "" | "fr" | "en") => return Err(bad(&key, value)),
                // Unknown parameters are ignored.
                _ => {}
            }
        }
        if p.per_page > PER_PAGE_MAX {
            return Err(Problem::new(ProblemKind::Unprocessable, lang).with_detail(
                Tr::new(lang).t_args(
                    "hsds-problem-per-page",
                    &[("max", Arg::Int(PER_PAGE_MAX as i64))],
                ),
            ));
        }
        if p.proximity_m.is_some() && p.postcode.is_none() {
            return Err(Problem::new(ProblemKind::Unprocessable, lang)
                .with_detail(Tr::new(lang).t("hsds-problem-proximity")));
        }
        Ok(p)
    }

    fn publication(&self, lang: Language) -> Publication<'static> {
        Publication {
            lang,
            now: Timestamp::from_millis(now_ms()),
            include_redacted: self.include_redacted,
            texts: &FluentTexts,
        }
    }

    fn depth(&self) -> Depth {
        if self.minimal {
            Depth::Minimal
        } else if self.full {
            Depth::Full
        } else {
            Depth::List
        }
    }

    /// The domain or term a `taxonomy_term_id` names: `Err` when it is not one of ours (no
    /// service can match).
    fn classification(&self) -> Result<(Vec<mosaique_domain::ServiceDomain>, Vec<String>), ()> {
        if self.taxonomy_id.is_some_and(|t| t != taxonomy_id()) {
            return Err(());
        }
        let Some(id) = self.taxonomy_term_id else {
            return Ok((Vec::new(), Vec::new()));
        };
        let code = term_code(id).ok_or(())?;
        Ok(match code.parse() {
            Ok(domain) => (vec![domain], Vec::new()),
            Err(_) => (Vec::new(), vec![code.to_owned()]),
        })
    }
}

/// A use case's failure, as this feed's problem document (it has no personal data, so no
/// refusal: what is not found, or not possible now).
fn app_problem(error: AppError, lang: Language) -> Problem {
    let kind = match error {
        AppError::NotFound => ProblemKind::NotFound,
        AppError::Unavailable => ProblemKind::Unavailable,
        _ => ProblemKind::Internal,
    };
    Problem::new(kind, lang)
}

fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// One page in the HSDS envelope, or every item as NDJSON (`format=ndjson`).
fn page(params: &Params, total: usize, contents: Vec<Value>) -> Response {
    if params.ndjson {
        let mut body = String::new();
        for item in contents {
            body.push_str(&item.to_string());
            body.push('\n');
        }
        return ([(header::CONTENT_TYPE, "application/x-ndjson")], body).into_response();
    }
    let total_pages = total.div_ceil(params.per_page).max(1);
    let size = contents.len();
    axum::Json(json!({
        "total_items": total,
        "total_pages": total_pages,
        "page_number": params.page,
        "size": size,
        "first_page": params.page == 1,
        "last_page": params.page >= total_pages,
        "empty": size == 0,
        "contents": contents,
    }))
    .into_response()
}

/// The requested page of a list held whole in memory (the taxonomy's).
fn page_of(params: &Params, items: Vec<Value>) -> Response {
    let (offset, limit) = window(params);
    let total = items.len();
    page(
        params,
        total,
        items.into_iter().skip(offset).take(limit).collect(),
    )
}

/// Whether any of the texts contains the search, folded (no search: yes).
fn mentions(search: &str, texts: &[&String]) -> bool {
    let search = mosaique_domain::text::fold(search);
    search.is_empty()
        || texts
            .iter()
            .any(|t| mosaique_domain::text::fold(t).contains(&search))
}

/// Which slice of `total` items a request wants (NDJSON: all of them).
fn window(params: &Params) -> (usize, usize) {
    if params.ndjson {
        (0, usize::MAX)
    } else {
        (
            (params.page - 1).saturating_mul(params.per_page),
            params.per_page,
        )
    }
}

fn index(state: &AppState, lang: Language) -> Result<Arc<ServiceIndex>, Problem> {
    state
        .app
        .search()
        .services()
        .ok_or_else(|| Problem::new(ProblemKind::Unavailable, lang))
}

fn parse_id<T: std::str::FromStr>(raw: &str, lang: Language) -> Result<T, Problem> {
    raw.parse()
        .map_err(|_| Problem::new(ProblemKind::BadRequest, lang).with_detail(format!("id={raw:?}")))
}

async fn organizations_by_id(
    state: &AppState,
    ids: impl IntoIterator<Item = OrgId>,
    lang: Language,
) -> Result<HashMap<OrgId, Organization>, Problem> {
    let ids: Vec<OrgId> = ids
        .into_iter()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let filter = OrgFilter {
        limit: ids.len() as i64,
        ids: Some(ids),
        ..OrgFilter::default()
    };
    let page = state
        .app
        .list_organizations(&filter)
        .await
        .map_err(|e| app_problem(e, lang))?;
    Ok(page.items.into_iter().map(|o| (o.id, o)).collect())
}

async fn base(State(state): State<AppState>) -> Response {
    let root = state.settings.public_url.trim_end_matches('/');
    axum::Json(json!({
        "version": HSDS_VERSION,
        "profile": format!("{root}/hsds/profile"),
        "openapi_url": format!("{root}/hsds/schema/openapi.json"),
    }))
    .into_response()
}

/// A service of the search snapshot with its sites.
type ServiceSites<'a> = (&'a Service, Vec<&'a Location>);

/// The services matching the common filters (text, taxonomy, organization), all statuses.
fn matching_services<'a>(
    index: &'a ServiceIndex,
    params: &Params,
    lang: Language,
    offset: usize,
    limit: usize,
) -> Result<(usize, Vec<ServiceSites<'a>>), Problem> {
    let Ok((domains, terms)) = params.classification() else {
        return Ok((0, Vec::new()));
    };
    let query = ServiceQuery {
        text: params.search.clone(),
        domains,
        terms,
        organization: params.organization_id.map(OrgId::from_uuid),
        any_status_of_service: true,
        now_ms: now_ms(),
        language_of_names: lang,
        offset,
        limit,
        ..ServiceQuery::default()
    };
    let results = index.search(&query).map_err(|error| {
        tracing::warn!(%error, "hsds search failed");
        Problem::new(ProblemKind::Unavailable, lang)
    })?;
    Ok((
        results.total,
        results
            .hits
            .into_iter()
            .map(|h| (h.service, h.locations))
            .collect(),
    ))
}

async fn services(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(query): RawQuery,
) -> Result<Response, Problem> {
    let lang = ctx.lang;
    let params = Params::parse(query.as_deref(), lang)?;
    let index = index(&state, lang)?;
    let (offset, limit) = window(&params);
    let (total, hits) = match params.modified_after {
        None => matching_services(&index, &params, lang, offset, limit)?,
        Some(after) => {
            // `last_modified` includes the public sites' changes: filtered here, then paged.
            let (_, all) = matching_services(&index, &params, lang, 0, usize::MAX)?;
            let kept: Vec<_> = all
                .into_iter()
                .filter(|(s, l)| last_modified(s, l) >= after)
                .collect();
            let total = kept.len();
            (total, kept.into_iter().skip(offset).take(limit).collect())
        }
    };
    let publication = params.publication(lang);
    let organizations = if params.full {
        organizations_by_id(&state, hits.iter().map(|(s, _)| s.org_id), lang).await?
    } else {
        HashMap::new()
    };
    let contents = hits
        .iter()
        .map(|(s, l)| publication.service(s, organizations.get(&s.org_id), l, params.depth()))
        .collect();
    Ok(page(&params, total, contents))
}

async fn service(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, Problem> {
    let lang = ctx.lang;
    let params = Params::parse(query.as_deref(), lang)?;
    let id: ServiceId = parse_id(&id, lang)?;
    let index = index(&state, lang)?;
    let hit = index
        .get(id, now_ms())
        .ok_or_else(|| Problem::new(ProblemKind::NotFound, lang))?;
    let organizations = organizations_by_id(&state, [hit.service.org_id], lang).await?;
    let body = params.publication(lang).service(
        hit.service,
        organizations.get(&hit.service.org_id),
        &hit.locations,
        Depth::Full,
    );
    Ok(axum::Json(body).into_response())
}

/// Each (service, site) pair the parameters select; a confidential site only when
/// redacted forms were asked for, and never by distance (no trilateration).
async fn service_at_locations(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(query): RawQuery,
) -> Result<Response, Problem> {
    let lang = ctx.lang;
    let params = Params::parse(query.as_deref(), lang)?;
    let index = index(&state, lang)?;
    let near = match &params.postcode {
        None => None,
        Some(code) => Some(gazetteer().postal_code(code).ok_or_else(|| {
            Problem::new(ProblemKind::Unprocessable, lang).with_detail(format!("postcode={code:?}"))
        })?),
    };
    let (_, services) = matching_services(&index, &params, lang, 0, usize::MAX)?;
    let mut pairs: Vec<(&Service, &Location, f64)> = Vec::new();
    for (s, locations) in &services {
        if params
            .modified_after
            .is_some_and(|after| last_modified(s, locations) < after)
        {
            continue;
        }
        for l in locations.iter() {
            if l.confidential && !params.include_redacted {
                continue;
            }
            let distance = match (near, params.proximity_m) {
                (Some((_, centre)), Some(metres)) => {
                    // Never a shelter's point: no trilateration by distance.
                    let Some(point) = l.public_site().and_then(|site| site.point) else {
                        continue;
                    };
                    let d = centre.distance_km(point) * 1000.0;
                    if d > metres {
                        continue;
                    }
                    d
                }
                // A postcode alone: sites in its province.
                (Some((province, _)), None) if l.province != province => continue,
                _ => 0.0,
            };
            pairs.push((s, l, distance));
        }
    }
    if params.proximity_m.is_some() {
        pairs.sort_by(|a, b| a.2.total_cmp(&b.2));
    }
    let total = pairs.len();
    let (offset, limit) = window(&params);
    let chosen: Vec<_> = pairs.into_iter().skip(offset).take(limit).collect();
    let organizations = if params.full {
        organizations_by_id(&state, chosen.iter().map(|(s, _, _)| s.org_id), lang).await?
    } else {
        HashMap::new()
    };
    let publication = params.publication(lang);
    let contents = chosen
        .iter()
        .filter_map(|(s, l, _)| {
            let depth = if params.full {
                Depth::Full
            } else {
                Depth::List
            };
            publication.service_at_location(s, l, depth, organizations.get(&s.org_id))
        })
        .collect();
    Ok(page(&params, total, contents))
}

async fn service_at_location(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, Problem> {
    let lang = ctx.lang;
    let params = Params::parse(query.as_deref(), lang)?;
    let id: Uuid = parse_id(&id, lang)?;
    let index = index(&state, lang)?;
    // The ids alone are compared; only the pair found has its site looked up.
    let found = index.services().find_map(|s| {
        let site = *s.location_ids.iter().find(|l| pair_id(s.id, **l) == id)?;
        let l = index.sites(s.id).into_iter().find(|l| l.id == site)?;
        Some((s, l))
    });
    // A confidential row answers exactly as a row that does not exist.
    let (s, l) = found
        .filter(|(_, l)| !l.confidential || params.include_redacted)
        .ok_or_else(|| Problem::new(ProblemKind::NotFound, lang))?;
    let organizations = organizations_by_id(&state, [s.org_id], lang).await?;
    let org = organizations.get(&s.org_id);
    params
        .publication(lang)
        .service_at_location(s, l, Depth::Full, org)
        .map(|v| axum::Json(v).into_response())
        .ok_or_else(|| Problem::new(ProblemKind::NotFound, lang))
}

async fn organizations(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(query): RawQuery,
) -> Result<Response, Problem> {
    let lang = ctx.lang;
    let params = Params::parse(query.as_deref(), lang)?;
    let index = index(&state, lang)?;
    // Taxonomy filters: the organizations offering a matching service.
    let with_term: Option<Vec<OrgId>> =
        if params.taxonomy_term_id.is_some() || params.taxonomy_id.is_some() {
            let probe = Params {
                search: String::new(),
                organization_id: None,
                taxonomy_term_id: params.taxonomy_term_id,
                taxonomy_id: params.taxonomy_id,
                ..Params::default()
            };
            let (_, hits) = matching_services(&index, &probe, lang, 0, usize::MAX)?;
            Some(
                hits.iter()
                    .map(|(s, _)| s.org_id)
                    .collect::<HashSet<_>>()
                    .into_iter()
                    .collect(),
            )
        } else {
            None
        };
    let text_ids: Option<Vec<OrgId>> =
        match (params.search.trim(), state.app.search().organizations()) {
            ("", _) => None,
            (text, Some(orgs)) => Some(orgs.search(text, MAX_HITS).map_err(|error| {
                tracing::warn!(%error, "hsds organization search failed");
                Problem::new(ProblemKind::Unavailable, lang)
            })?),
            (_, None) => return Err(Problem::new(ProblemKind::Unavailable, lang)),
        };
    let (offset, limit) = window(&params);
    let store = |e| app_problem(e, lang);
    let sort = OrgSort::by_name_in(lang);
    let (total, items) = match with_term {
        // Thousands of organizations can offer a term: filtered in memory, not in an IN list.
        Some(offering) => {
            let offering: HashSet<OrgId> = offering.into_iter().collect();
            let text: Option<HashSet<OrgId>> = text_ids.map(|ids| ids.into_iter().collect());
            let mut all: Vec<Organization> = state
                .app
                .all_organizations()
                .await
                .map_err(store)?
                .into_iter()
                .filter(|o| offering.contains(&o.id))
                .filter(|o| text.as_ref().is_none_or(|t| t.contains(&o.id)))
                .collect();
            all.sort_by_cached_key(|o| mosaique_domain::text::fold(o.name(lang)));
            let total = all.len();
            (total, all.into_iter().skip(offset).take(limit).collect())
        }
        None => {
            let filter = OrgFilter {
                ids: text_ids,
                sort,
                offset: i64::try_from(offset).unwrap_or(i64::MAX),
                limit: i64::try_from(limit).unwrap_or(i64::MAX),
                ..OrgFilter::default()
            };
            let found = state.app.list_organizations(&filter).await.map_err(store)?;
            (usize::try_from(found.total).unwrap_or(0), found.items)
        }
    };
    let publication = params.publication(lang);
    let mut contents = Vec::with_capacity(items.len());
    for o in &items {
        contents.push(if params.full || params.full_service {
            full_organization(&state, &index, &publication, o, params.full_service).await?
        } else {
            Value::Object(publication.organization(o))
        });
    }
    Ok(page(&params, total, contents))
}

async fn full_organization(
    state: &AppState,
    index: &ServiceIndex,
    publication: &Publication<'_>,
    o: &Organization,
    with_services: bool,
) -> Result<Value, Problem> {
    let lang = publication.lang;
    let locations = state
        .app
        .sites_of(o.id)
        .await
        .map_err(|e| app_problem(e, lang))?;
    let services: Vec<(&Service, Vec<&Location>)> = if with_services {
        index
            .services_of(o.id)
            .map(|s| (s, index.sites(s.id)))
            .collect()
    } else {
        Vec::new()
    };
    let locations: Vec<&Location> = locations.iter().collect();
    Ok(publication.organization_full(o, &locations, &services))
}

async fn organization(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, Problem> {
    let lang = ctx.lang;
    let params = Params::parse(query.as_deref(), lang)?;
    let id: OrgId = parse_id(&id, lang)?;
    let index = index(&state, lang)?;
    let o = state
        .app
        .organization(id)
        .await
        .map_err(|e| app_problem(e, lang))?;
    let publication = params.publication(lang);
    let body = full_organization(&state, &index, &publication, &o, params.full_service).await?;
    Ok(axum::Json(body).into_response())
}

async fn taxonomies(ctx: Ctx, RawQuery(query): RawQuery) -> Result<Response, Problem> {
    let lang = ctx.lang;
    let params = Params::parse(query.as_deref(), lang)?;
    let publication = params.publication(lang);
    let t = &taxonomy().taxonomy;
    let matches = mentions(
        &params.search,
        &[&t.name.fr, &t.name.en, &t.description.fr, &t.description.en],
    );
    let all = matches
        .then(|| publication.taxonomy())
        .into_iter()
        .collect();
    Ok(page_of(&params, all))
}

async fn taxonomy_item(
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, Problem> {
    let lang = ctx.lang;
    let params = Params::parse(query.as_deref(), lang)?;
    let id: Uuid = parse_id(&id, lang)?;
    if id != taxonomy_id() {
        return Err(Problem::new(ProblemKind::NotFound, lang));
    }
    Ok(axum::Json(params.publication(lang).taxonomy()).into_response())
}

async fn taxonomy_terms(ctx: Ctx, RawQuery(query): RawQuery) -> Result<Response, Problem> {
    let lang = ctx.lang;
    let params = Params::parse(query.as_deref(), lang)?;
    let publication = params.publication(lang);
    let ours = params.taxonomy_id.is_none_or(|t| t == taxonomy_id());
    let terms: Vec<Value> = taxonomy()
        .terms
        .iter()
        .filter(|_| ours)
        .filter(|t| !params.top_only || t.parent.is_empty())
        .filter(|t| {
            params
                .parent_id
                .is_none_or(|p| !t.parent.is_empty() && term_id(&t.parent) == p)
        })
        .filter(|t| {
            mentions(
                &params.search,
                &[
                    &t.code,
                    &t.name.fr,
                    &t.name.en,
                    &t.description.fr,
                    &t.description.en,
                ],
            )
        })
        .map(|t| publication.term(t))
        .collect();
    Ok(page_of(&params, terms))
}

async fn taxonomy_term(
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, Problem> {
    let lang = ctx.lang;
    let params = Params::parse(query.as_deref(), lang)?;
    let id: Uuid = parse_id(&id, lang)?;
    let term = term_code(id)
        .and_then(|code| taxonomy().term(code))
        .ok_or_else(|| Problem::new(ProblemKind::NotFound, lang))?;
    Ok(axum::Json(params.publication(lang).term(term)).into_response())
}

/// The profile's documentation (Markdown, as in the repository).
async fn profile_doc() -> Response {
    (
        [(header::CONTENT_TYPE, "text/markdown; charset=utf-8")],
        mosaique_hsds::schema::PROFILE_DOC,
    )
        .into_response()
}

async fn profile_patch(ctx: Ctx, Path(file): Path<String>) -> Result<Response, Problem> {
    let lang = ctx.lang;
    let bytes = mosaique_hsds::schema::patch(&file)
        .ok_or_else(|| Problem::new(ProblemKind::NotFound, lang))?;
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        bytes.into_owned(),
    )
        .into_response())
}

async fn schema_file(ctx: Ctx, Path(path): Path<String>) -> Result<Response, Problem> {
    let lang = ctx.lang;
    let bytes = mosaique_hsds::schema::file(&path)
        .ok_or_else(|| Problem::new(ProblemKind::NotFound, lang))?;
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        bytes.into_owned(),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_checked_and_named() {
        let ok = Params::parse(
            Some("search=lit&page=2&per_page=10&minimal=true&modified_after=2026-01-01T00:00:00Z"),
            Language::Fr,
        )
        .expect("valid");
        assert_eq!((ok.page, ok.per_page, ok.minimal), (2, 10, true));
        // Empty `lang` and `format` are as if absent, as the document's enums say.
        let empty = Params::parse(Some("lang=&format="), Language::Fr).expect("valid");
        assert!(!empty.ndjson);
        assert_eq!(
            ok.modified_after,
            Some(Timestamp::from_millis(1_767_225_600_000))
        );
        for (query, kind) in [
            ("page=0", ProblemKind::BadRequest),
            ("page=x", ProblemKind::BadRequest),
            ("taxonomy_term_id=nope", ProblemKind::BadRequest),
            ("modified_after=yesterday", ProblemKind::BadRequest),
            ("full=maybe", ProblemKind::BadRequest),
            ("full=", ProblemKind::BadRequest),
            ("top_only=1", ProblemKind::BadRequest),
            ("lang=FR", ProblemKind::BadRequest),
            ("lang=%20fr", ProblemKind::BadRequest),
            ("format=%20json", ProblemKind::Unprocessable),
            ("proximity=-3&postcode=H2X", ProblemKind::BadRequest),
            ("proximity=1000", ProblemKind::Unprocessable),
            ("per_page=100000", ProblemKind::Unprocessable),
            ("format=xml", ProblemKind::Unprocessable),
        ] {
            let err = Params::parse(Some(query), Language::En).expect_err(query);
            assert_eq!(err.kind, kind, "{query}");
        }
    }
}
