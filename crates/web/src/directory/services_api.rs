//! `/api/v1/services`: the service search and one service, over JSON. The same engine as
//! the search page. A confidential site (a shelter) never shows its street or coordinates
//! here: only its city and region.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use mosaique_app::App;
use mosaique_domain::service::{Location, Service};
use mosaique_domain::{Language, ServiceId, Timestamp};
use mosaique_search::Hit;
use serde::Serialize;
use utoipa::ToSchema;

use super::BadParam;
use super::query::{ServiceParams, WhyTexts};
use crate::AppState;
use crate::gate::Ctx;
use crate::json::{AreaJson, TextLanguages, Texts};
use crate::problem::{Problem, ProblemBody, ProblemKind};

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct OrganizationRef<'a> {
    pub id: String,
    pub slug: &'a str,
    // Borrowed from the search snapshot, as every text here: a page of results copies no
    // string.
    pub name: Texts<'a>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct EligibilityJson {
    /// `all`, `women`, `men` or `gender_diverse`.
    pub gender: &'static str,
    pub age_min: Option<u8>,
    pub age_max: Option<u8>,
    pub minors: bool,
    pub substance_use: bool,
    pub any_status: bool,
    /// Dedicated to people affected by trafficking.
    pub dedicated: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct HoursJson<'a> {
    /// `mon` … `sun`.
    pub days: Vec<&'static str>,
    /// `HH:MM`, local time.
    pub opens: &'a str,
    /// `HH:MM`; at or before `opens`, the hours run past midnight.
    pub closes: &'a str,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ScheduleJson<'a> {
    /// IANA time zone of the hours.
    pub time_zone: &'a str,
    pub always_open: bool,
    pub hours: Vec<HoursJson<'a>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CapacityJson {
    /// `beds`, `places` or `appointments`.
    pub unit: &'static str,
    pub available: u32,
    pub total: Option<u32>,
    /// RFC 3339 (UTC).
    pub updated_at: String,
    /// Not updated in the last 24 hours.
    pub stale: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct LocationJson<'a> {
    pub id: String,
    pub name: Texts<'a>,
    pub city: &'a str,
    pub province: &'static str,
    /// Québec administrative region, two digits.
    pub region: Option<&'a str>,
    /// `null` for a confidential site.
    pub address: Option<&'a str>,
    pub postal_code: Option<&'a str>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// A shelter or safe house: its address is given by phone, never published.
    pub confidential: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ServiceJson<'a> {
    pub id: String,
    pub organization: OrganizationRef<'a>,
    pub name: Texts<'a>,
    pub description: Texts<'a>,
    /// `active`, `temporarily_closed` or `inactive`.
    pub status: &'static str,
    pub domains: Vec<&'static str>,
    pub terms: &'a [String],
    pub eligibility: EligibilityJson,
    /// ISO 639-1 codes.
    pub languages: &'a [String],
    /// `free`, `sliding_scale` or `fee`.
    pub cost: &'static str,
    /// `self_referral` or `referral_only`.
    pub access: &'static str,
    pub schedule: ScheduleJson<'a>,
    /// Open at the time of the request, in the service's own time zone.
    pub open_now: bool,
    pub capacity: Option<CapacityJson>,
    /// Typical wait, in days.
    pub wait_days: Option<u16>,
    pub phone: &'a str,
    pub email: &'a str,
    pub website: &'a str,
    pub areas: Vec<AreaJson>,
    pub locations: Vec<LocationJson<'a>>,
    /// RFC 3339 (UTC): when the organization last checked this service.
    pub reviewed_at: String,
    pub updated_at: String,
    pub html_url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WhyJson {
    /// `word`, `domain`, `open_now`, `always_open`, `substance_use`, `any_status`, `minors`,
    /// `dedicated`, `language`, `distance` or `serves`.
    pub reason: &'static str,
    /// The reason in the request's language.
    pub text: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ServiceHitJson<'a> {
    #[serde(flatten)]
    pub service: ServiceJson<'a>,
    /// Kilometres from `near` to the nearest site (a confidential site counts from its
    /// city's centre).
    pub distance_km: Option<f64>,
    /// Why this result: the words and filters it matched.
    pub why: Vec<WhyJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CountJson<'a> {
    pub key: &'a str,
    pub count: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct FacetsJson<'a> {
    pub domains: Vec<CountJson<'a>>,
    pub provinces: Vec<CountJson<'a>>,
    pub languages: Vec<CountJson<'a>>,
    /// How many results are open now, 24/7, accept substance use, etc.
    pub flags: Vec<CountJson<'a>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct NearJson {
    pub label: String,
    pub latitude: f64,
    pub longitude: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ServicePageJson<'a> {
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    pub near: Option<NearJson>,
    pub facets: FacetsJson<'a>,
    pub results: Vec<ServiceHitJson<'a>>,
}

fn ms(t: Timestamp) -> String {
    t.to_rfc3339()
}

/// A site as the public API shows it to everyone: what `domain` lets the public see of it
/// (a shelter's town and region, never its street or point).
fn location_json(l: &Location, texts: TextLanguages) -> LocationJson<'_> {
    let site = l.public_site();
    LocationJson {
        id: l.id.to_string(),
        name: texts.pick(l.name.as_str()),
        city: &l.city,
        province: l.province.key(),
        region: l.region.as_deref(),
        address: site.map(|s| s.address.as_str()),
        postal_code: site.map(|s| s.postal_code.as_str()),
        latitude: site.and_then(|s| s.point).map(|p| p.lat),
        longitude: site.and_then(|s| s.point).map(|p| p.lon),
        confidential: l.confidential,
    }
}

fn service_json<'a>(
    state: &AppState,
    hit: &Hit<'a>,
    now: i64,
    texts: TextLanguages,
) -> ServiceJson<'a> {
    let s: &'a Service = hit.service;
    let e = &s.eligibility;
    ServiceJson {
        id: s.id.to_string(),
        organization: OrganizationRef {
            id: s.org_id.to_string(),
            slug: hit.org_slug,
            name: texts.pick(hit.org_name),
        },
        name: texts.pick(s.name.as_str()),
        description: texts.pick(s.description.as_str()),
        status: s.status.key(),
        domains: s.domains.iter().map(|d| d.key()).collect(),
        terms: &s.terms,
        eligibility: EligibilityJson {
            gender: e.gender.key(),
            age_min: e.age_min,
            age_max: e.age_max,
            minors: e.minors,
            substance_use: e.substance_use,
            any_status: e.any_status,
            dedicated: e.dedicated,
        },
        languages: &s.languages,
        cost: s.cost.key(),
        access: s.access.key(),
        schedule: ScheduleJson {
            time_zone: &s.schedule.time_zone,
            always_open: s.schedule.always_open,
            hours: s
                .schedule
                .hours
                .iter()
                .map(|h| HoursJson {
                    days: h.days.iter().map(|d| d.key()).collect(),
                    opens: &h.opens,
                    closes: &h.closes,
                })
                .collect(),
        },
        open_now: hit.open_now,
        capacity: s.capacity.as_ref().map(|c| CapacityJson {
            unit: c.unit.key(),
            available: c.available,
            total: c.total,
            updated_at: ms(c.updated_at),
            stale: c.is_stale(Timestamp::from_millis(now)),
        }),
        wait_days: s.wait_days,
        phone: &s.phone,
        email: &s.email,
        website: &s.website,
        areas: s.areas.iter().map(AreaJson::from).collect(),
        locations: hit
            .locations
            .iter()
            .map(|l| location_json(l, texts))
            .collect(),
        reviewed_at: ms(s.reviewed_at),
        updated_at: ms(s.updated_at),
        html_url: format!(
            "{}/services/{}",
            state.settings.public_url.trim_end_matches('/'),
            s.id
        ),
    }
}

/// The answer's text languages, or a 400 naming the `lang` value refused.
fn text_languages(
    read: Result<TextLanguages, String>,
    ctx: &Ctx,
) -> Result<TextLanguages, Problem> {
    read.map_err(|value| {
        Problem::new(ProblemKind::BadRequest, ctx.lang).with_detail(BadParam::explain(
            &ctx.tr(),
            &[BadParam {
                name: "lang",
                value,
            }],
        ))
    })
}

fn unavailable(lang: Language) -> Problem {
    Problem::new(ProblemKind::Unavailable, lang)
}

/// Searches services: text, filters, distance; facets and "why this result" for each.
#[utoipa::path(
    get,
    path = "/api/v1/services",
    tag = "directory",
    operation_id = "searchServices",
    params(ServiceParams),
    responses(
        (status = 200, description = "A page of services", body = ServicePageJson),
        (status = 400, description = "A parameter that does not parse, named in `detail`", body = ProblemBody, content_type = "application/problem+json"),
        (status = 503, description = "The search index is being built", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn search(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(query): RawQuery,
) -> Result<Response, Problem> {
    let (lang, tr) = (ctx.lang, ctx.tr());
    let now = App::now_ms();
    let index = state.app.search().services();
    let raw = query.as_deref().unwrap_or_default();
    // The answer depends on the language, the query, the snapshot and the clock only: who
    // asks changes nothing (the public view for everyone), so it may be replayed.
    if let Some(index) = &index
        && let Some(body) = state.answers.get(lang, raw, index.version(), now)
    {
        state.metrics.search_replayed();
        return Ok(json_response(body));
    }
    let params = ServiceParams::from_query(query.as_deref());
    let texts = text_languages(
        TextLanguages::from_value(params.lang.as_deref(), lang),
        &ctx,
    )?;
    let (q, near, page, per_page) = params.parse(lang, now).map_err(|bad| {
        Problem::new(ProblemKind::BadRequest, lang).with_detail(BadParam::explain(&tr, &bad))
    })?;
    let index = index.ok_or_else(|| unavailable(lang))?;
    state.metrics.searched();
    let results = index.search(&q).map_err(|e| {
        tracing::error!(%e, "service search failed");
        Problem::new(ProblemKind::Internal, lang)
    })?;
    let count = |key, count| CountJson { key, count };
    let f = &results.facets;
    let mut why = WhyTexts::new(&tr);
    let body = json_body(
        &ServicePageJson {
            total: results.total,
            page,
            per_page,
            near: near.map(|n| NearJson {
                label: n.label,
                latitude: n.point.lat,
                longitude: n.point.lon,
            }),
            facets: FacetsJson {
                domains: f.domains.iter().map(|(d, n)| count(d.key(), *n)).collect(),
                provinces: f
                    .provinces
                    .iter()
                    .map(|(p, n)| count(p.key(), *n))
                    .collect(),
                languages: f
                    .languages
                    .iter()
                    .map(|(l, n)| count(l.as_str(), *n))
                    .collect(),
                flags: vec![
                    count("open_now", f.open_now),
                    count("always_open", f.always_open),
                    count("substance_use", f.substance_use),
                    count("any_status", f.any_status),
                    count("minors", f.minors),
                    count("dedicated", f.dedicated),
                ],
            },
            results: results
                .hits
                .iter()
                .map(|hit| ServiceHitJson {
                    service: service_json(&state, hit, now, texts),
                    distance_km: hit.distance_km.map(|d| (d * 10.0).round() / 10.0),
                    why: hit
                        .reasons
                        .iter()
                        .map(|r| {
                            let (reason, text) = why.text(r);
                            WhyJson { reason, text }
                        })
                        .collect(),
                })
                .collect(),
        },
        lang,
    )?;
    state.answers.put(lang, raw, index.version(), now, &body);
    Ok(json_response(body))
}

/// A JSON body written straight from borrowed data into a buffer sized for a page of
/// results (serialization never fails for these types; an error would be a bug, logged).
fn json_body<T: Serialize>(value: &T, lang: Language) -> Result<Bytes, Problem> {
    let mut body = Vec::with_capacity(32 * 1024);
    serde_json::to_writer(&mut body, value).map_err(|error| {
        tracing::error!(%error, "JSON serialization failed");
        Problem::new(ProblemKind::Internal, lang)
    })?;
    Ok(body.into())
}

fn json_response(body: Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// One service, with its organization and (redacted when confidential) locations.
#[utoipa::path(
    get,
    path = "/api/v1/services/{id}",
    tag = "directory",
    operation_id = "getService",
    params(
        ("id" = String, Path, description = "Service id (UUID)"),
        ("lang" = Option<String>, Query, description = "`fr` or `en`: the texts in that language (default: `Accept-Language`, then French); `all`: in both"),
    ),
    responses(
        (status = 200, description = "The service", body = ServiceJson),
        (status = 400, description = "A `lang` that is neither `fr`, `en` nor `all`, named in `detail`", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such service", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, Problem> {
    let lang = ctx.lang;
    let texts = text_languages(TextLanguages::from_query(query.as_deref(), lang), &ctx)?;
    let not_found = || {
        Problem::new(ProblemKind::NotFound, lang).with_detail(ctx.tr().with(
            "problem-service-not-found",
            "id",
            &id,
        ))
    };
    let id: ServiceId = id.parse().map_err(|_| not_found())?;
    let index = state
        .app
        .search()
        .services()
        .ok_or_else(|| unavailable(lang))?;
    let now = App::now_ms();
    let hit = index.get(id, now).ok_or_else(not_found)?;
    let body = json_body(&service_json(&state, &hit, now, texts), lang)?;
    Ok(json_response(body))
}
