//! `/api/v1/services`: the service search and one service, over JSON. The same engine as
//! the search page. A confidential site (a shelter) never shows its street or coordinates
//! here: only its city and region.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use mosaique_domain::service::{Location, Service};
use mosaique_domain::{Language, ServiceId, Timestamp};
use mosaique_search::Hit;
use serde::Serialize;
use utoipa::ToSchema;

use super::organizations::Localized;
use crate::AppState;
use crate::i18n::Tr;
use crate::lang::Lang;
use crate::problem::{Problem, ProblemBody, ProblemKind};
use crate::services::{ServiceParams, reason_text};

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct OrganizationRef {
    pub id: String,
    pub slug: String,
    pub name: Localized,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct EligibilityJson {
    /// `all`, `women`, `men` or `gender_diverse`.
    pub gender: String,
    pub age_min: Option<u8>,
    pub age_max: Option<u8>,
    pub minors: bool,
    pub substance_use: bool,
    pub any_status: bool,
    /// Dedicated to people affected by trafficking.
    pub dedicated: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct HoursJson {
    /// `mon` … `sun`.
    pub days: Vec<String>,
    /// `HH:MM`, local time.
    pub opens: String,
    /// `HH:MM`; at or before `opens`, the hours run past midnight.
    pub closes: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ScheduleJson {
    /// IANA time zone of the hours.
    pub time_zone: String,
    pub always_open: bool,
    pub hours: Vec<HoursJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CapacityJson {
    /// `beds`, `places` or `appointments`.
    pub unit: String,
    pub available: u32,
    pub total: Option<u32>,
    /// RFC 3339 (UTC).
    pub updated_at: String,
    /// Not updated in the last 24 hours.
    pub stale: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AreaJson {
    /// `province`, `region` or `municipality`.
    pub kind: String,
    pub code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct LocationJson {
    pub id: String,
    pub name: Localized,
    pub city: String,
    pub province: String,
    /// Québec administrative region, two digits.
    pub region: Option<String>,
    /// `null` for a confidential site.
    pub address: Option<String>,
    pub postal_code: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// A shelter or safe house: its address is given by phone, never published.
    pub confidential: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ServiceJson {
    pub id: String,
    pub organization: OrganizationRef,
    pub name: Localized,
    pub description: Localized,
    /// `active`, `temporarily_closed` or `inactive`.
    pub status: String,
    pub domains: Vec<String>,
    pub terms: Vec<String>,
    pub eligibility: EligibilityJson,
    /// ISO 639-1 codes.
    pub languages: Vec<String>,
    /// `free`, `sliding_scale` or `fee`.
    pub cost: String,
    /// `self_referral` or `referral_only`.
    pub access: String,
    pub schedule: ScheduleJson,
    /// Open at the time of the request, in the service's own time zone.
    pub open_now: bool,
    pub capacity: Option<CapacityJson>,
    /// Typical wait, in days.
    pub wait_days: Option<u16>,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub areas: Vec<AreaJson>,
    pub locations: Vec<LocationJson>,
    /// RFC 3339 (UTC): when the organization last checked this service.
    pub reviewed_at: String,
    pub updated_at: String,
    pub html_url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WhyJson {
    /// `word`, `domain`, `open_now`, `always_open`, `substance_use`, `any_status`, `minors`,
    /// `dedicated`, `language`, `distance` or `serves`.
    pub reason: String,
    /// The reason in the request's language.
    pub text: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ServiceHitJson {
    #[serde(flatten)]
    pub service: ServiceJson,
    /// Kilometres from `near` to the nearest site (a confidential site counts from its
    /// city's centre).
    pub distance_km: Option<f64>,
    /// Why this result: the words and filters it matched.
    pub why: Vec<WhyJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CountJson {
    pub key: String,
    pub count: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct FacetsJson {
    pub domains: Vec<CountJson>,
    pub provinces: Vec<CountJson>,
    pub languages: Vec<CountJson>,
    /// How many results are open now, 24/7, accept substance use, etc.
    pub flags: Vec<CountJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct NearJson {
    pub label: String,
    pub latitude: f64,
    pub longitude: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ServicePageJson {
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    pub near: Option<NearJson>,
    pub facets: FacetsJson,
    pub results: Vec<ServiceHitJson>,
}

fn ms(t: Timestamp) -> String {
    t.to_rfc3339()
}

fn location_json(l: &Location) -> LocationJson {
    // Redaction happens here, for every reader of the public API.
    let exact = !l.confidential;
    LocationJson {
        id: l.id.to_string(),
        name: Localized {
            fr: l.name_fr.clone(),
            en: l.name_en.clone(),
        },
        city: l.city.clone(),
        province: l.province.key().to_owned(),
        region: l.region.clone(),
        address: exact.then(|| l.address.clone()),
        postal_code: exact.then(|| l.postal_code.clone()),
        latitude: l.point.filter(|_| exact).map(|p| p.lat),
        longitude: l.point.filter(|_| exact).map(|p| p.lon),
        confidential: l.confidential,
    }
}

pub(crate) fn service_json(state: &AppState, hit: &Hit<'_>, now: i64) -> ServiceJson {
    let s: &Service = hit.service;
    let e = &s.eligibility;
    ServiceJson {
        id: s.id.to_string(),
        organization: OrganizationRef {
            id: s.org_id.to_string(),
            slug: hit.org_slug.to_owned(),
            name: Localized {
                fr: hit.org_name_fr.to_owned(),
                en: hit.org_name_en.to_owned(),
            },
        },
        name: Localized {
            fr: s.name_fr.clone(),
            en: s.name_en.clone(),
        },
        description: Localized {
            fr: s.description_fr.clone(),
            en: s.description_en.clone(),
        },
        status: s.status.key().to_owned(),
        domains: s.domains.iter().map(|d| d.key().to_owned()).collect(),
        terms: s.terms.clone(),
        eligibility: EligibilityJson {
            gender: e.gender.key().to_owned(),
            age_min: e.age_min,
            age_max: e.age_max,
            minors: e.minors,
            substance_use: e.substance_use,
            any_status: e.any_status,
            dedicated: e.dedicated,
        },
        languages: s.languages.clone(),
        cost: s.cost.key().to_owned(),
        access: s.access.key().to_owned(),
        schedule: ScheduleJson {
            time_zone: s.schedule.time_zone.clone(),
            always_open: s.schedule.always_open,
            hours: s
                .schedule
                .hours
                .iter()
                .map(|h| HoursJson {
                    days: h.days.iter().map(|d| d.key().to_owned()).collect(),
                    opens: h.opens.clone(),
                    closes: h.closes.clone(),
                })
                .collect(),
        },
        open_now: hit.open_now,
        capacity: s.capacity.as_ref().map(|c| CapacityJson {
            unit: c.unit.key().to_owned(),
            available: c.available,
            total: c.total,
            updated_at: ms(c.updated_at),
            stale: c.is_stale(Timestamp::from_millis(now)),
        }),
        wait_days: s.wait_days,
        phone: s.phone.clone(),
        email: s.email.clone(),
        website: s.website.clone(),
        areas: s
            .areas
            .iter()
            .map(|a| AreaJson {
                kind: a.kind.key().to_owned(),
                code: a.code.clone(),
            })
            .collect(),
        locations: hit.locations.iter().map(|l| location_json(l)).collect(),
        reviewed_at: ms(s.reviewed_at),
        updated_at: ms(s.updated_at),
        html_url: format!(
            "{}/services/{}",
            state.settings.public_url.trim_end_matches('/'),
            s.id
        ),
    }
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
    Lang(lang): Lang,
    RawQuery(query): RawQuery,
) -> Result<Json<ServicePageJson>, Problem> {
    let tr = Tr::new(lang);
    let now = mosaique_store::now_ms();
    let params = ServiceParams::from_query(query.as_deref());
    let (q, near, page, per_page) = params.parse(lang, now).map_err(|bad| {
        Problem::new(ProblemKind::BadRequest, lang).with_detail(
            tr.with(
                "error-bad-params",
                "params",
                &bad.iter()
                    .map(|b| b.message())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        )
    })?;
    let index = state.service_index().ok_or_else(|| unavailable(lang))?;
    let results = index.search(&q).map_err(|e| {
        tracing::error!(%e, "service search failed");
        Problem::new(ProblemKind::Internal, lang)
    })?;
    let count = |key: &str, count: usize| CountJson {
        key: key.to_owned(),
        count,
    };
    let f = &results.facets;
    Ok(Json(ServicePageJson {
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
            languages: f.languages.iter().map(|(l, n)| count(l, *n)).collect(),
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
                service: service_json(&state, hit, now),
                distance_km: hit.distance_km.map(|d| (d * 10.0).round() / 10.0),
                why: hit
                    .reasons
                    .iter()
                    .map(|r| {
                        let (reason, text) = reason_text(&tr, r);
                        WhyJson { reason, text }
                    })
                    .collect(),
            })
            .collect(),
    }))
}

/// One service, with its organization and (redacted when confidential) locations.
#[utoipa::path(
    get,
    path = "/api/v1/services/{id}",
    tag = "directory",
    operation_id = "getService",
    params(("id" = String, Path, description = "Service id (UUID)")),
    responses(
        (status = 200, description = "The service", body = ServiceJson),
        (status = 404, description = "No such service", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn show(
    State(state): State<AppState>,
    Lang(lang): Lang,
    Path(id): Path<String>,
) -> Result<Json<ServiceJson>, Problem> {
    let not_found = || {
        Problem::new(ProblemKind::NotFound, lang).with_detail(Tr::new(lang).with(
            "problem-service-not-found",
            "id",
            &id,
        ))
    };
    let id: ServiceId = id.parse().map_err(|_| not_found())?;
    let index = state.service_index().ok_or_else(|| unavailable(lang))?;
    let hit = index
        .get(id, mosaique_store::now_ms())
        .ok_or_else(not_found)?;
    Ok(Json(service_json(&state, &hit, mosaique_store::now_ms())))
}
