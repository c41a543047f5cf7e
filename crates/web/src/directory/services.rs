//! Finding a service: the search page (live with htmx, plain form without JavaScript) and
//! one printable page per service. A shelter's street address shows only to the roles the
//! policy allows, and each such reading is audited.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use mosaique_app::App;
use mosaique_domain::service::{GenderServed, Location, Service};
use mosaique_domain::{ServiceDomain, ServiceId, Timestamp};
use mosaique_search::Hit;

use super::BadParam;
use super::query::{ServiceParams, WhyTexts, format_km, language_label};
use crate::AppState;
use crate::gate::Ctx;
use crate::i18n::{Arg, Tr};
use crate::shell::{PageError, Shell, render};

/// Languages offered in the filter: Canada's official languages, then the most common
/// languages of newcomers and of the hotline's calls.
const LANGUAGES: [&str; 12] = [
    "fr", "en", "es", "ar", "zh", "pt", "ru", "uk", "tl", "ht", "fa", "vi",
];
const RADII: [u32; 5] = [5, 10, 25, 50, 100];

pub(super) struct Choice {
    value: String,
    label: String,
    selected: bool,
}

pub(super) struct ServiceCard {
    id: String,
    name: String,
    org_slug: String,
    org_name: String,
    description: String,
    domains: Vec<String>,
    places: String,
    badges: Vec<String>,
    capacity: Option<String>,
    capacity_stale: bool,
    phone: String,
    why: Vec<String>,
    distance: Option<String>,
}

#[derive(Template)]
#[template(path = "services.html")]
struct SearchPage {
    shell: Shell,
    q: String,
    near: String,
    near_label: Option<String>,
    age: String,
    domains: Vec<Choice>,
    flags: Vec<Choice>,
    radii: Vec<Choice>,
    genders: Vec<Choice>,
    languages: Vec<Choice>,
    sorts: Vec<Choice>,
    count_label: String,
    cards: Vec<ServiceCard>,
    pages: usize,
    page_label: String,
    previous_href: Option<String>,
    next_href: Option<String>,
    error: Option<String>,
}

fn places(tr: &Tr, locations: &[&Location], service: &Service) -> String {
    let mut names: Vec<String> = locations
        .iter()
        .map(|l| format!("{} ({})", l.city, l.province.key()))
        .collect();
    names.dedup();
    if names.is_empty() {
        names = service
            .areas
            .iter()
            .map(|a| super::query::area_name(tr, a))
            .collect();
    }
    names.join(" · ")
}

/// The availability line: "3 beds available (updated 2 h ago)".
pub(crate) fn capacity_line(tr: &Tr, service: &Service, now: i64) -> Option<(String, bool)> {
    let c = service.capacity.as_ref()?;
    let hours = (now - c.updated_at.millis()).max(0) / 3_600_000;
    let ago = if hours < 1 {
        tr.t("capacity-updated-now")
    } else if hours < 48 {
        tr.t_args("capacity-updated-hours", &[("hours", Arg::Int(hours))])
    } else {
        tr.t_args("capacity-updated-days", &[("days", Arg::Int(hours / 24))])
    };
    let line = tr.t_args(
        "capacity-available",
        &[
            ("count", Arg::Int(i64::from(c.available))),
            ("unit", Arg::Text(c.unit.key().to_owned())),
            ("ago", Arg::Text(ago)),
        ],
    );
    Some((line, c.is_stale(Timestamp::from_millis(now))))
}

fn card(tr: &Tr, why: &mut WhyTexts<'_>, hit: &Hit<'_>, now: i64) -> ServiceCard {
    let s = hit.service;
    let mut badges = Vec::new();
    if s.schedule.always_open {
        badges.push(tr.t("svc-always-open"));
    } else if hit.open_now {
        badges.push(tr.t("svc-open-now"));
    } else {
        badges.push(tr.t("svc-closed-now"));
    }
    if s.eligibility.dedicated {
        badges.push(tr.t("svc-dedicated"));
    }
    if s.access == mosaique_domain::service::Access::ReferralOnly {
        badges.push(tr.t("svc-referral-only"));
    }
    let capacity = capacity_line(tr, s, now);
    ServiceCard {
        id: s.id.to_string(),
        name: s.name(tr.lang).to_owned(),
        org_slug: hit.org_slug.to_owned(),
        org_name: hit.org_name.text(tr.lang).to_owned(),
        description: s.description(tr.lang).to_owned(),
        domains: s
            .domains
            .iter()
            .map(|d| tr.label("domain", d.key()))
            .collect(),
        places: places(tr, &hit.locations, s),
        badges,
        capacity_stale: capacity.as_ref().is_some_and(|(_, stale)| *stale),
        capacity: capacity.map(|(line, _)| line),
        phone: s.phone.clone(),
        why: hit.reasons.iter().map(|r| why.text(r).1).collect(),
        distance: hit
            .distance_km
            .map(|d| tr.t_args("svc-distance", &[("km", Arg::Text(format_km(d)))])),
    }
}

pub(super) async fn search(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(query): RawQuery,
) -> Response {
    let tr = ctx.tr();
    let now = App::now_ms();
    let params = ServiceParams::from_query(query.as_deref());
    let parsed = params.parse(ctx.lang, now);
    let (q, near, page, per_page, error) = match parsed {
        Ok((q, near, page, per_page)) => (q, near, page, per_page, None),
        Err(bad) => {
            // The form comes back with what was typed and what is wrong; no results.
            let message = BadParam::explain(&tr, &bad);
            let mut page = search_page(&ctx, &params, None, Vec::new(), 0, 1, 1, Some(message));
            page.count_label = String::new();
            let mut response = render(&page);
            *response.status_mut() = axum::http::StatusCode::BAD_REQUEST;
            return response;
        }
    };
    let Some(index) = state.app.search().services() else {
        return ctx.error(PageError::Unavailable);
    };
    let results = match index.search(&q) {
        Ok(results) => results,
        Err(e) => {
            tracing::error!(%e, "service search failed");
            return ctx.error(PageError::Internal);
        }
    };
    let mut why = WhyTexts::new(&tr);
    let cards = results
        .hits
        .iter()
        .map(|h| card(&tr, &mut why, h, now))
        .collect();
    let pages = results.total.div_ceil(per_page).max(1);
    let mut page_view = search_page(
        &ctx,
        &params,
        near.map(|n| n.label),
        cards,
        results.total,
        page,
        pages,
        error,
    );
    let href = |p: usize| {
        let mut pairs: Vec<(String, String)> =
            form_urlencoded::parse(query.as_deref().unwrap_or("").as_bytes())
                .filter(|(k, _)| k != "page" && k != "lang")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
        pairs.push(("page".into(), p.to_string()));
        let encoded: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        format!("/services?{encoded}")
    };
    page_view.previous_href = (page > 1).then(|| href(page - 1));
    page_view.next_href = (page < pages).then(|| href(page + 1));
    // Facet counts beside the domain choices.
    for choice in &mut page_view.domains {
        let count = results
            .facets
            .domains
            .iter()
            .find(|(d, _)| d.key() == choice.value)
            .map_or(0, |(_, n)| *n);
        choice.label = format!("{} ({count})", choice.label);
    }
    render(&page_view)
}

#[allow(clippy::too_many_arguments)]
fn search_page(
    ctx: &Ctx,
    params: &ServiceParams,
    near_label: Option<String>,
    cards: Vec<ServiceCard>,
    total: usize,
    page: usize,
    pages: usize,
    error: Option<String>,
) -> SearchPage {
    let tr = ctx.tr();
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let on = |v: &Option<String>| matches!(v.as_deref(), Some("true" | "1" | "on"));
    let choice = |value: &str, label: String, selected: bool| Choice {
        value: value.to_owned(),
        label,
        selected,
    };
    SearchPage {
        shell: ctx.shell(tr.t("svc-title"), "services").with_htmx(),
        q: text(&params.q),
        near: text(&params.near),
        near_label,
        age: text(&params.age),
        domains: ServiceDomain::ALL
            .iter()
            .map(|d| {
                choice(
                    d.key(),
                    tr.label("domain", d.key()),
                    params.domain.iter().any(|x| x == d.key()),
                )
            })
            .collect(),
        flags: [
            ("open_now", &params.open_now),
            ("always_open", &params.always_open),
            ("substance_use", &params.substance_use),
            ("any_status", &params.any_status),
            ("minors", &params.minors),
            ("dedicated", &params.dedicated),
        ]
        .into_iter()
        .map(|(key, value)| choice(key, tr.t(&format!("svc-flag-{key}")), on(value)))
        .collect(),
        radii: RADII
            .iter()
            .map(|r| {
                choice(
                    &r.to_string(),
                    tr.t_args("svc-radius-km", &[("km", Arg::Int(i64::from(*r)))]),
                    params.radius_km.as_deref() == Some(r.to_string().as_str()),
                )
            })
            .collect(),
        genders: [
            GenderServed::Women,
            GenderServed::Men,
            GenderServed::GenderDiverse,
        ]
        .iter()
        .map(|g| {
            choice(
                g.key(),
                tr.label("svc-gender", g.key()),
                params.gender.as_deref() == Some(g.key()),
            )
        })
        .collect(),
        languages: LANGUAGES
            .iter()
            .map(|l| {
                choice(
                    l,
                    language_label(&tr, l),
                    params.language.as_deref() == Some(*l),
                )
            })
            .collect(),
        sorts: ["relevance", "distance", "name"]
            .iter()
            .map(|s| {
                choice(
                    s,
                    tr.label("svc-sort", s),
                    params.sort.as_deref().unwrap_or("relevance") == *s,
                )
            })
            .collect(),
        count_label: tr.count("svc-results-count", total as i64),
        cards,
        pages,
        page_label: tr.t_args(
            "dir-page",
            &[
                ("page", Arg::Int(page as i64)),
                ("pages", Arg::Int(pages as i64)),
            ],
        ),
        previous_href: None,
        next_href: None,
        error,
    }
}

struct LocationView {
    name: String,
    city: String,
    region: Option<String>,
    address: Option<String>,
    confidential: bool,
}

#[derive(Template)]
#[template(path = "service.html")]
struct ServicePage {
    shell: Shell,
    name: String,
    other_name: String,
    other_lang: &'static str,
    org_slug: String,
    org_name: String,
    description: String,
    status: Option<String>,
    badges: Vec<String>,
    capacity: Option<String>,
    capacity_stale: bool,
    details: Vec<(String, String)>,
    hours: Vec<(String, String)>,
    locations: Vec<LocationView>,
    contacts: Vec<(String, String)>,
    reviewed: String,
    needs_review: bool,
}

pub(super) async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<ServiceId>() else {
        return ctx.error(PageError::NotFound);
    };
    let Some(index) = state.app.search().services() else {
        return ctx.error(PageError::Unavailable);
    };
    let now = App::now_ms();
    let Some(hit) = index.get(id, now) else {
        return ctx.error(PageError::NotFound);
    };
    let tr = ctx.tr();
    let s = hit.service;
    // What this reader may see of each site, a shelter's reading audited, is the use case's.
    let sites = match state.app.disclose_sites(&ctx.who, &hit.locations).await {
        Ok(sites) => sites,
        Err(e) => return ctx.page_error(e),
    };
    let locations = hit
        .locations
        .iter()
        .zip(sites)
        .map(|(l, site)| LocationView {
            name: l.name(tr.lang).to_owned(),
            city: format!("{} ({})", l.city, l.province.key()),
            region: l
                .region
                .as_deref()
                .and_then(|r| mosaique_domain::directory::places::gazetteer().region(r))
                .map(|r| r.name(tr.lang).to_owned()),
            address: site.map(|s| format!("{}, {} {}", s.address, l.city, s.postal_code)),
            confidential: l.confidential,
        })
        .collect();
    let e = &s.eligibility;
    let yes_no = |b: bool| tr.t(if b { "svc-yes" } else { "svc-no" });
    let mut details = vec![(
        tr.t("svc-domains"),
        s.domains
            .iter()
            .map(|d| tr.label("domain", d.key()))
            .collect::<Vec<_>>()
            .join(", "),
    )];
    let taxonomy = mosaique_domain::directory::taxonomy::taxonomy();
    let terms: Vec<String> = s
        .terms
        .iter()
        .filter_map(|t| taxonomy.term(t))
        .map(|t| t.name.get(tr.lang).to_owned())
        .collect();
    if !terms.is_empty() {
        details.push((tr.t("svc-terms"), terms.join(", ")));
    }
    details.push((tr.t("svc-gender"), tr.label("svc-gender", e.gender.key())));
    let ages = match (e.age_min, e.age_max) {
        (Some(min), Some(max)) => tr.t_args(
            "svc-ages-range",
            &[("min", Arg::Int(min.into())), ("max", Arg::Int(max.into()))],
        ),
        (Some(min), None) => tr.t_args("svc-ages-from", &[("min", Arg::Int(min.into()))]),
        (None, Some(max)) => tr.t_args("svc-ages-to", &[("max", Arg::Int(max.into()))]),
        (None, None) => tr.t("svc-ages-any"),
    };
    details.push((tr.t("svc-ages"), ages));
    details.push((tr.t("svc-flag-minors"), yes_no(e.minors)));
    details.push((tr.t("svc-flag-substance_use"), yes_no(e.substance_use)));
    details.push((tr.t("svc-flag-any_status"), yes_no(e.any_status)));
    details.push((tr.t("svc-flag-dedicated"), yes_no(e.dedicated)));
    details.push((
        tr.t("svc-languages"),
        s.languages
            .iter()
            .map(|l| language_label(&tr, l))
            .collect::<Vec<_>>()
            .join(", "),
    ));
    details.push((tr.t("svc-cost"), tr.label("svc-cost", s.cost.key())));
    details.push((tr.t("svc-access"), tr.label("svc-access", s.access.key())));
    if let Some(days) = s.wait_days {
        details.push((
            tr.t("svc-wait"),
            tr.t_args("svc-wait-days", &[("days", Arg::Int(days.into()))]),
        ));
    }
    let hours = if s.schedule.always_open {
        vec![(tr.t("svc-always-open"), String::new())]
    } else {
        s.schedule
            .hours
            .iter()
            .map(|h| {
                (
                    h.days
                        .iter()
                        .map(|d| tr.label("day", d.key()))
                        .collect::<Vec<_>>()
                        .join(", "),
                    format!("{}–{}", h.opens, h.closes),
                )
            })
            .collect()
    };
    let mut badges = Vec::new();
    if hit.open_now {
        badges.push(tr.t(if s.schedule.always_open {
            "svc-always-open"
        } else {
            "svc-open-now"
        }));
    } else {
        badges.push(tr.t("svc-closed-now"));
    }
    let capacity = capacity_line(&tr, s, now);
    let contacts = [
        ("svc-phone", &s.phone),
        ("svc-email", &s.email),
        ("svc-website", &s.website),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| (tr.t(k), v.clone()))
    .collect();
    let other = ctx.lang.other();
    render(&ServicePage {
        shell: ctx.shell(s.name(tr.lang).to_owned(), "services"),
        name: s.name(tr.lang).to_owned(),
        other_name: s.name(other).to_owned(),
        other_lang: other.code(),
        org_slug: hit.org_slug.to_owned(),
        org_name: hit.org_name.text(tr.lang).to_owned(),
        description: s.description(tr.lang).to_owned(),
        status: (s.status != mosaique_domain::service::ServiceStatus::Active)
            .then(|| tr.label("svc-status", s.status.key())),
        badges,
        capacity_stale: capacity.as_ref().is_some_and(|(_, stale)| *stale),
        capacity: capacity.map(|(line, _)| line),
        details,
        hours,
        locations,
        contacts,
        reviewed: tr.with("svc-reviewed", "date", &s.reviewed_at.date_utc()),
        needs_review: s.needs_review(Timestamp::from_millis(now)),
    })
}
