//! "Our services": an organization's admins add and edit its services and locations; its
//! staff update capacity in one click; services not reviewed for 180 days are flagged.
//! Decisions through `domain::policy`; every change audited by the store and picked up by
//! every server's search index within its refresh interval.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mosaique_domain::directory::geo::Point;
use mosaique_domain::directory::schedule::{Day, Hours, Schedule};
use mosaique_domain::policy::{Action, Resource, can};
use mosaique_domain::service::{
    Access, CapacityUnit, Cost, Eligibility, GenderServed, Location, NewLocation, NewService,
    Service, ServiceArea, ServiceAreaKind, ServiceError, ServiceStatus,
};
use mosaique_domain::{
    Actor, LocationId, Organization, Province, ServiceDomain, ServiceId, Timestamp,
};
use mosaique_store::StoreError;

use super::{PageContext, PageError, Shell, render};
use crate::AppState;
use crate::i18n::{Arg, Tr};
use crate::session::{SignedIn, Verified};

use super::form::Pairs;

/// Canadian time zones, east to west.
const TIME_ZONES: [&str; 7] = [
    "America/St_Johns",
    "America/Halifax",
    "America/Toronto",
    "America/Winnipeg",
    "America/Regina",
    "America/Edmonton",
    "America/Vancouver",
];
const HOURS_ROWS: usize = 3;

async fn organization(
    state: &AppState,
    ctx: &PageContext,
    slug: &str,
) -> Result<Organization, Response> {
    match state.db.organization_by_slug(slug).await {
        Ok(Some(org)) => Ok(org),
        Ok(None) => Err(ctx.error(PageError::NotFound)),
        Err(e) => Err(ctx.error(PageError::from_store(e))),
    }
}

/// The organization of `slug`, if this actor may edit its services.
async fn editable_organization(
    state: &AppState,
    ctx: &PageContext,
    actor: &Actor,
    slug: &str,
) -> Result<Organization, Response> {
    let org = organization(state, ctx, slug).await?;
    if allowed(actor, Action::EditServices, &org) {
        Ok(org)
    } else {
        Err(ctx.error(PageError::Forbidden))
    }
}

fn allowed(actor: &Actor, action: Action, org: &Organization) -> bool {
    can(Some(actor), action, &Resource::OrganizationData(org.id)).is_allowed()
}

/// Services shown per page of "Our services".
const PER_PAGE: usize = 50;

/// What "Our services" shows: the services whose name holds these words (either language,
/// accents and case ignored), only those due for review, one page. Lenient: a bad page
/// number shows the first page.
#[derive(Debug, Clone, Default, PartialEq)]
struct ListQuery {
    q: String,
    due: bool,
    page: usize,
}

impl ListQuery {
    fn parse(raw: &str) -> ListQuery {
        let mut query = ListQuery {
            page: 1,
            ..ListQuery::default()
        };
        for (key, value) in form_urlencoded::parse(raw.as_bytes()) {
            match key.as_ref() {
                "q" => query.q = value.trim().chars().take(200).collect(),
                "due" => query.due = matches!(value.as_ref(), "1" | "true" | "on"),
                "page" => query.page = value.parse().ok().filter(|p| *p >= 1).unwrap_or(1),
                _ => {}
            }
        }
        query
    }

    /// This view at another page, as a query string (no leading `?`).
    fn at_page(&self, page: usize) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        if !self.q.is_empty() {
            out.append_pair("q", &self.q);
        }
        if self.due {
            out.append_pair("due", "1");
        }
        if page > 1 {
            out.append_pair("page", &page.to_string());
        }
        out.finish()
    }

    fn keeps(&self, s: &Service, now: Timestamp) -> bool {
        let words = mosaique_domain::text::fold(&self.q);
        let names = format!(
            "{} {}",
            mosaique_domain::text::fold(&s.name_fr),
            mosaique_domain::text::fold(&s.name_en)
        );
        (!self.due || s.needs_review(now)) && words.split_whitespace().all(|w| names.contains(w))
    }
}

/// The list page's address for this view, noting which service was just updated.
fn list_href(org: &Organization, view: &ListQuery, updated: Option<ServiceId>) -> String {
    let mut query = view.at_page(view.page);
    if let Some(id) = updated {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(&format!("updated={id}"));
    }
    let base = format!("/admin/organizations/{}/services", org.slug);
    if query.is_empty() {
        base
    } else {
        format!("{base}?{query}")
    }
}

struct ServiceRow {
    id: String,
    name: String,
    status: String,
    capacity: Option<String>,
    capacity_unit: String,
    capacity_available: String,
    capacity_total: String,
    needs_review: bool,
    reviewed: String,
}

#[derive(Template)]
#[template(path = "admin_services.html")]
struct ListPage {
    shell: Shell,
    org_slug: String,
    org_name: String,
    can_edit: bool,
    services: Vec<ServiceRow>,
    due: Option<String>,
    locations: Vec<(String, String, bool)>,
    units: Vec<(&'static str, String)>,
    notice: Option<String>,
    /// "Places updated" for the service just saved.
    saved: Option<String>,
    /// The filter as typed, and the view's query string for the forms to come back to.
    q: String,
    due_only: bool,
    back: String,
    count_label: String,
    page_label: Option<String>,
    previous_href: Option<String>,
    next_href: Option<String>,
}

pub(super) async fn list(
    State(state): State<AppState>,
    ctx: PageContext,
    SignedIn(session): SignedIn,
    Path(slug): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let actor = session.live.user.actor();
    let org = match organization(&state, &ctx, &slug).await {
        Ok(org) => org,
        Err(r) => return r,
    };
    if !allowed(&actor, Action::UpdateCapacity, &org)
        && !allowed(&actor, Action::EditServices, &org)
    {
        return ctx.error(PageError::Forbidden);
    }
    let raw = query.unwrap_or_default();
    let updated = form_urlencoded::parse(raw.as_bytes())
        .find(|(k, _)| k == "updated")
        .and_then(|(_, v)| v.parse::<ServiceId>().ok());
    let view = ListQuery::parse(&raw);
    list_page(&state, &ctx, &actor, &org, None, &view, updated).await
}

async fn list_page(
    state: &AppState,
    ctx: &PageContext,
    actor: &Actor,
    org: &Organization,
    notice: Option<String>,
    view: &ListQuery,
    updated: Option<ServiceId>,
) -> Response {
    let tr = ctx.tr();
    let (services, locations) = match (
        state.db.services_of(org.id).await,
        state.db.locations_of(org.id).await,
    ) {
        (Ok(s), Ok(l)) => (s, l),
        (Err(e), _) | (_, Err(e)) => return ctx.error(PageError::from_store(e)),
    };
    let now = mosaique_store::now_ms();
    let due = services
        .iter()
        .filter(|s| s.needs_review(Timestamp::from_millis(now)))
        .count();
    let saved = updated
        .and_then(|id| services.iter().find(|s| s.id == id))
        .map(|s| tr.with("adm-svc-saved", "name", s.name(tr.lang)));
    let kept: Vec<&Service> = services
        .iter()
        .filter(|s| view.keeps(s, Timestamp::from_millis(now)))
        .collect();
    let pages = kept.len().div_ceil(PER_PAGE).max(1);
    let page = view.page.min(pages);
    let rows: Vec<ServiceRow> = kept
        .iter()
        .skip((page - 1) * PER_PAGE)
        .take(PER_PAGE)
        .map(|s| ServiceRow {
            id: s.id.to_string(),
            name: s.name(tr.lang).to_owned(),
            status: tr.label("svc-status", s.status.key()),
            capacity: super::services::capacity_line(&tr, s, now).map(|(l, _)| l),
            capacity_unit: s
                .capacity
                .as_ref()
                .map_or("beds", |c| c.unit.key())
                .to_owned(),
            capacity_available: s
                .capacity
                .as_ref()
                .map(|c| c.available.to_string())
                .unwrap_or_default(),
            capacity_total: s
                .capacity
                .as_ref()
                .and_then(|c| c.total)
                .map(|t| t.to_string())
                .unwrap_or_default(),
            needs_review: s.needs_review(Timestamp::from_millis(now)),
            reviewed: tr.with("svc-reviewed", "date", &s.reviewed_at.date_utc()),
        })
        .collect();
    let href = |p: usize| {
        let query = view.at_page(p);
        format!("/admin/organizations/{}/services?{query}", org.slug)
    };
    render(&ListPage {
        shell: ctx.shell(tr.t("adm-svc-title"), "admin"),
        org_slug: org.slug.clone(),
        org_name: org.name(tr.lang).to_owned(),
        can_edit: allowed(actor, Action::EditServices, org),
        services: rows,
        due: (due > 0).then(|| tr.count("adm-svc-due", due as i64)),
        locations: locations
            .iter()
            .map(|l| {
                (
                    l.id.to_string(),
                    format!("{} — {}", l.name_fr, l.city),
                    l.confidential,
                )
            })
            .collect(),
        units: CapacityUnit::ALL
            .iter()
            .map(|u| (u.key(), tr.label("adm-svc-unit", u.key())))
            .collect(),
        notice,
        saved,
        q: view.q.clone(),
        due_only: view.due,
        back: view.at_page(page),
        count_label: tr.count("adm-svc-count", kept.len() as i64),
        page_label: (pages > 1).then(|| {
            tr.t_args(
                "dir-page",
                &[
                    ("page", Arg::Int(page as i64)),
                    ("pages", Arg::Int(pages as i64)),
                ],
            )
        }),
        previous_href: (page > 1).then(|| href(page - 1)),
        next_href: (page < pages).then(|| href(page + 1)),
    })
}

/// Loads a service and its organization, checking `action` on it.
async fn service_for(
    state: &AppState,
    ctx: &PageContext,
    actor: &Actor,
    id: &str,
    action: Action,
) -> Result<(Service, Organization), Response> {
    let Ok(id) = id.parse::<ServiceId>() else {
        return Err(ctx.error(PageError::NotFound));
    };
    let service = match state.db.service(id).await {
        Ok(Some(s)) => s,
        Ok(None) => return Err(ctx.error(PageError::NotFound)),
        Err(e) => return Err(ctx.error(PageError::from_store(e))),
    };
    let org = match state.db.organization(service.org_id).await {
        Ok(Some(o)) => o,
        Ok(None) => return Err(ctx.error(PageError::NotFound)),
        Err(e) => return Err(ctx.error(PageError::from_store(e))),
    };
    if !allowed(actor, action, &org) {
        return Err(ctx.error(PageError::Forbidden));
    }
    Ok((service, org))
}

/// The one-click update: "beds available tonight".
pub(super) async fn capacity(
    State(state): State<AppState>,
    ctx: PageContext,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let actor = session.live.user.actor();
    let (service, org) = match service_for(&state, &ctx, &actor, &id, Action::UpdateCapacity).await
    {
        Ok(found) => found,
        Err(r) => return r,
    };
    let form = Pairs::parse(&body);
    let tr = ctx.tr();
    let view = ListQuery::parse(&form.get("back"));
    let available = form.get("available").parse::<u32>();
    let total = match form.get("total").as_str() {
        "" => Ok(None),
        t => t.parse::<u32>().map(Some),
    };
    let unit = form.get("unit").parse::<CapacityUnit>();
    let (Ok(available), Ok(total), Ok(unit)) = (available, total, unit) else {
        let mut r = list_page(
            &state,
            &ctx,
            &actor,
            &org,
            Some(tr.t("adm-svc-capacity-bad")),
            &view,
            None,
        )
        .await;
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return r;
    };
    if total.is_some_and(|t| available > t) {
        let mut r = list_page(
            &state,
            &ctx,
            &actor,
            &org,
            Some(tr.t("adm-svc-capacity-over")),
            &view,
            None,
        )
        .await;
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return r;
    }
    match state
        .db
        .set_capacity(
            service.id,
            unit,
            available,
            total,
            (actor.user_id, actor.role),
        )
        .await
    {
        Ok(()) => Redirect::to(&list_href(&org, &view, Some(service.id))).into_response(),
        Err(e) => ctx.error(PageError::from_store(e)),
    }
}

pub(super) async fn reviewed(
    State(state): State<AppState>,
    ctx: PageContext,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let actor = session.live.user.actor();
    let (service, org) = match service_for(&state, &ctx, &actor, &id, Action::EditServices).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    let view = ListQuery::parse(&Pairs::parse(&body).get("back"));
    match state
        .db
        .mark_service_reviewed(service.id, (actor.user_id, actor.role))
        .await
    {
        Ok(()) => Redirect::to(&list_href(&org, &view, None)).into_response(),
        Err(e) => ctx.error(PageError::from_store(e)),
    }
}

struct Check {
    value: String,
    label: String,
    checked: bool,
}

struct HoursRow {
    n: usize,
    legend: String,
    days: Vec<Check>,
    opens: String,
    closes: String,
}

#[derive(Template)]
#[template(path = "admin_service.html")]
struct ServiceForm {
    shell: Shell,
    heading: String,
    action: String,
    org_name: String,
    org_slug: String,
    errors: Vec<String>,
    name_fr: String,
    name_en: String,
    description_fr: String,
    description_en: String,
    statuses: Vec<Check>,
    domains: Vec<Check>,
    terms: Vec<(String, Vec<Check>)>,
    genders: Vec<Check>,
    age_min: String,
    age_max: String,
    flags: Vec<Check>,
    languages: String,
    costs: Vec<Check>,
    accesses: Vec<Check>,
    always_open: bool,
    zones: Vec<Check>,
    hours: Vec<HoursRow>,
    wait_days: String,
    phone: String,
    email: String,
    website: String,
    provinces: Vec<Check>,
    regions: Vec<Check>,
    municipalities: String,
    locations: Vec<Check>,
}

/// One choice per vocabulary key, labelled `{prefix}-{key}`.
fn choices(
    tr: &Tr,
    prefix: &str,
    keys: &[&'static str],
    chosen: impl Fn(&str) -> bool,
) -> Vec<Check> {
    keys.iter()
        .map(|k| check(k, tr.label(prefix, k), chosen(k)))
        .collect()
}

fn check(value: &str, label: String, checked: bool) -> Check {
    Check {
        value: value.to_owned(),
        label,
        checked,
    }
}

fn service_form(
    ctx: &PageContext,
    org: &Organization,
    action: String,
    heading: String,
    form: &Pairs,
    locations: &[Location],
    errors: Vec<String>,
) -> ServiceForm {
    let tr = ctx.tr();
    let selected = |key: &str, value: &str| form.all(key).iter().any(|v| v == value);
    let taxonomy = mosaique_domain::directory::taxonomy::taxonomy();
    let places = mosaique_domain::directory::places::gazetteer();
    ServiceForm {
        shell: ctx.shell(heading.clone(), "admin"),
        heading,
        action,
        org_name: org.name(tr.lang).to_owned(),
        org_slug: org.slug.clone(),
        errors,
        name_fr: form.get("name_fr"),
        name_en: form.get("name_en"),
        description_fr: form.get("description_fr"),
        description_en: form.get("description_en"),
        statuses: choices(
            &tr,
            "svc-status",
            &ServiceStatus::ALL
                .iter()
                .map(|v| v.key())
                .collect::<Vec<_>>(),
            |k| form.get("status") == k,
        ),
        domains: choices(
            &tr,
            "domain",
            &ServiceDomain::ALL
                .iter()
                .map(|v| v.key())
                .collect::<Vec<_>>(),
            |k| selected("domain", k),
        ),
        terms: ServiceDomain::ALL
            .iter()
            .map(|d| {
                (
                    tr.label("domain", d.key()),
                    taxonomy
                        .terms_of(*d)
                        .map(|t| {
                            check(
                                &t.code,
                                t.name.get(tr.lang).to_owned(),
                                selected("term", &t.code),
                            )
                        })
                        .collect(),
                )
            })
            .collect(),
        genders: choices(
            &tr,
            "svc-gender",
            &GenderServed::ALL
                .iter()
                .map(|v| v.key())
                .collect::<Vec<_>>(),
            |k| form.get("gender") == k,
        ),
        age_min: form.get("age_min"),
        age_max: form.get("age_max"),
        flags: ["minors", "substance_use", "any_status", "dedicated"]
            .iter()
            .map(|f| check(f, tr.t(&format!("svc-flag-{f}")), form.on(f)))
            .collect(),
        languages: form.get("languages"),
        costs: choices(
            &tr,
            "svc-cost",
            &Cost::ALL.iter().map(|v| v.key()).collect::<Vec<_>>(),
            |k| form.get("cost") == k,
        ),
        accesses: choices(
            &tr,
            "svc-access",
            &Access::ALL.iter().map(|v| v.key()).collect::<Vec<_>>(),
            |k| form.get("access") == k,
        ),
        always_open: form.on("always_open"),
        zones: TIME_ZONES
            .iter()
            .map(|z| check(z, (*z).to_owned(), form.get("time_zone") == *z))
            .collect(),
        hours: (0..HOURS_ROWS)
            .map(|n| HoursRow {
                n,
                legend: tr.t_args("adm-svc-hours-row", &[("n", Arg::Int(n as i64 + 1))]),
                days: Day::ALL
                    .iter()
                    .map(|d| {
                        check(
                            d.key(),
                            tr.label("day", d.key()),
                            selected(&format!("days{n}"), d.key()),
                        )
                    })
                    .collect(),
                opens: form.get(&format!("opens{n}")),
                closes: form.get(&format!("closes{n}")),
            })
            .collect(),
        wait_days: form.get("wait_days"),
        phone: form.get("phone"),
        email: form.get("email"),
        website: form.get("website"),
        provinces: choices(
            &tr,
            "province",
            &Province::ALL.iter().map(|v| v.key()).collect::<Vec<_>>(),
            |k| selected("province", k),
        ),
        regions: places
            .regions()
            .iter()
            .map(|r| {
                check(
                    &r.code,
                    format!("{} {}", r.code, r.name(tr.lang)),
                    selected("region", &r.code),
                )
            })
            .collect(),
        municipalities: form.get("municipalities"),
        locations: locations
            .iter()
            .map(|l| {
                check(
                    &l.id.to_string(),
                    format!("{} — {}", l.name(tr.lang), l.city),
                    selected("location", &l.id.to_string()),
                )
            })
            .collect(),
    }
}

/// The form's pairs for an existing service, so editing starts from what is stored.
fn pairs_of(s: &Service) -> Pairs {
    let mut p: Vec<(String, String)> = vec![
        ("name_fr".into(), s.name_fr.clone()),
        ("name_en".into(), s.name_en.clone()),
        ("description_fr".into(), s.description_fr.clone()),
        ("description_en".into(), s.description_en.clone()),
        ("status".into(), s.status.key().into()),
        ("gender".into(), s.eligibility.gender.key().into()),
        (
            "age_min".into(),
            s.eligibility
                .age_min
                .map(|a| a.to_string())
                .unwrap_or_default(),
        ),
        (
            "age_max".into(),
            s.eligibility
                .age_max
                .map(|a| a.to_string())
                .unwrap_or_default(),
        ),
        ("languages".into(), s.languages.join(" ")),
        ("cost".into(), s.cost.key().into()),
        ("access".into(), s.access.key().into()),
        ("time_zone".into(), s.schedule.time_zone.clone()),
        (
            "wait_days".into(),
            s.wait_days.map(|w| w.to_string()).unwrap_or_default(),
        ),
        ("phone".into(), s.phone.clone()),
        ("email".into(), s.email.clone()),
        ("website".into(), s.website.clone()),
    ];
    let e = &s.eligibility;
    for (key, on) in [
        ("minors", e.minors),
        ("substance_use", e.substance_use),
        ("any_status", e.any_status),
        ("dedicated", e.dedicated),
        ("always_open", s.schedule.always_open),
    ] {
        if on {
            p.push((key.into(), "true".into()));
        }
    }
    p.extend(
        s.domains
            .iter()
            .map(|d| ("domain".to_owned(), d.key().to_owned())),
    );
    p.extend(s.terms.iter().map(|t| ("term".to_owned(), t.clone())));
    p.extend(
        s.location_ids
            .iter()
            .map(|l| ("location".to_owned(), l.to_string())),
    );
    for (n, h) in s.schedule.hours.iter().take(HOURS_ROWS).enumerate() {
        p.extend(
            h.days
                .iter()
                .map(|d| (format!("days{n}"), d.key().to_owned())),
        );
        p.push((format!("opens{n}"), h.opens.clone()));
        p.push((format!("closes{n}"), h.closes.clone()));
    }
    let mut municipalities = Vec::new();
    for a in &s.areas {
        match a.kind {
            ServiceAreaKind::Province => p.push(("province".into(), a.code.clone())),
            ServiceAreaKind::Region => p.push(("region".into(), a.code.clone())),
            ServiceAreaKind::Municipality => municipalities.push(a.code.clone()),
        }
    }
    p.push(("municipalities".into(), municipalities.join(", ")));
    Pairs(p)
}

/// The service the form describes, its locations, or every problem in the reader's language.
fn parse_service(
    tr: &Tr,
    form: &Pairs,
    locations: &[Location],
) -> Result<(NewService, Vec<LocationId>), Vec<String>> {
    let mut errors = Vec::new();
    let mut parse_or = |key: &str, message: &str| -> Option<String> {
        let value = form.get(key);
        if value.is_empty() {
            None
        } else {
            Some(value).filter(|v| {
                let ok = v.parse::<u16>().is_ok();
                if !ok {
                    errors.push(tr.t(message));
                }
                ok
            })
        }
    };
    let age_min = parse_or("age_min", "adm-svc-error-age").and_then(|v| v.parse::<u8>().ok());
    let age_max = parse_or("age_max", "adm-svc-error-age").and_then(|v| v.parse::<u8>().ok());
    let wait_days = parse_or("wait_days", "adm-svc-error-wait").and_then(|v| v.parse::<u16>().ok());
    let vocab = |key: &str| form.get(key);
    let status = vocab("status").parse::<ServiceStatus>();
    let gender = vocab("gender").parse::<GenderServed>();
    let cost = vocab("cost").parse::<Cost>();
    let access = vocab("access").parse::<Access>();
    if status.is_err() || gender.is_err() || cost.is_err() || access.is_err() {
        errors.push(tr.t("adm-svc-error-choice"));
    }
    let mut hours = Vec::new();
    for n in 0..HOURS_ROWS {
        let days: Vec<Day> = form
            .all(&format!("days{n}"))
            .iter()
            .filter_map(|d| Day::ALL.iter().find(|x| x.key() == d).copied())
            .collect();
        let (opens, closes) = (
            form.get(&format!("opens{n}")),
            form.get(&format!("closes{n}")),
        );
        if days.is_empty() && opens.is_empty() && closes.is_empty() {
            continue;
        }
        hours.push(Hours {
            days,
            opens,
            closes,
        });
    }
    let mut areas: Vec<ServiceArea> = form
        .all("province")
        .into_iter()
        .map(|code| ServiceArea {
            kind: ServiceAreaKind::Province,
            code,
        })
        .collect();
    areas.extend(form.all("region").into_iter().map(|code| ServiceArea {
        kind: ServiceAreaKind::Region,
        code,
    }));
    areas.extend(
        form.get("municipalities")
            .split(',')
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(|m| ServiceArea {
                kind: ServiceAreaKind::Municipality,
                code: m.to_owned(),
            }),
    );
    let mut chosen = Vec::new();
    for id in form.all("location") {
        match locations.iter().find(|l| l.id.to_string() == id) {
            Some(l) => chosen.push(l.id),
            None => errors.push(tr.t("adm-svc-error-location")),
        }
    }
    let domains: Vec<ServiceDomain> = form
        .all("domain")
        .iter()
        .filter_map(|d| d.parse().ok())
        .collect();
    let (Ok(status), Ok(gender), Ok(cost), Ok(access)) = (status, gender, cost, access) else {
        return Err(errors);
    };
    let new = NewService {
        name_fr: form.get("name_fr"),
        name_en: form.get("name_en"),
        description_fr: form.get("description_fr"),
        description_en: form.get("description_en"),
        status,
        domains,
        terms: form.all("term"),
        eligibility: Eligibility {
            gender,
            age_min,
            age_max,
            minors: form.on("minors"),
            substance_use: form.on("substance_use"),
            any_status: form.on("any_status"),
            dedicated: form.on("dedicated"),
        },
        languages: form
            .get("languages")
            .split([' ', ','])
            .filter(|l| !l.is_empty())
            .map(str::to_lowercase)
            .collect(),
        cost,
        access,
        schedule: Schedule {
            time_zone: form.get("time_zone"),
            always_open: form.on("always_open"),
            hours,
        },
        wait_days,
        phone: form.get("phone"),
        email: form.get("email"),
        website: form.get("website"),
        areas,
    };
    if let Err(problems) = new.validate() {
        errors.extend(problems.iter().map(|p| service_problem(tr, p)));
    }
    if errors.is_empty() {
        Ok((new, chosen))
    } else {
        Err(errors)
    }
}

fn service_problem(tr: &Tr, p: &ServiceError) -> String {
    match p {
        ServiceError::Missing { field } => tr.with(
            "adm-svc-error-missing",
            "field",
            &tr.t(&format!("adm-svc-{}", field.replace('_', "-"))),
        ),
        ServiceError::TooLong { field, max } => tr.t_args(
            "adm-svc-error-too-long",
            &[
                (
                    "field",
                    Arg::Text(tr.t(&format!("adm-svc-{}", field.replace('_', "-")))),
                ),
                ("max", Arg::Int(*max as i64)),
            ],
        ),
        ServiceError::NoDomain => tr.t("adm-svc-error-domain"),
        ServiceError::UnknownTerm(_) | ServiceError::TermOutsideDomains { .. } => {
            tr.t("adm-svc-error-term")
        }
        ServiceError::BadLanguage(code) => tr.with("adm-svc-error-language", "code", code),
        ServiceError::BadAgeRange { .. } | ServiceError::MinorsContradiction => {
            tr.t("adm-svc-error-age")
        }
        ServiceError::Schedule(_) => tr.t("adm-svc-error-hours"),
        ServiceError::BadArea { code, .. } => tr.with("adm-svc-error-area", "code", code),
    }
}

fn form_response(page: &ServiceForm, invalid: bool) -> Response {
    let mut response = render(page);
    if invalid {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Verified(session): Verified,
    Path(slug): Path<String>,
) -> Response {
    let actor = session.live.user.actor();
    let org = match editable_organization(&state, &ctx, &actor, &slug).await {
        Ok(org) => org,
        Err(r) => return r,
    };
    let locations = match state.db.locations_of(org.id).await {
        Ok(l) => l,
        Err(e) => return ctx.error(PageError::from_store(e)),
    };
    let defaults = Pairs(vec![
        ("status".into(), "active".into()),
        ("gender".into(), "all".into()),
        ("cost".into(), "free".into()),
        ("access".into(), "self_referral".into()),
        ("time_zone".into(), "America/Toronto".into()),
        ("languages".into(), "fr en".into()),
    ]);
    let tr = ctx.tr();
    let page = service_form(
        &ctx,
        &org,
        format!("/admin/organizations/{slug}/services/new"),
        tr.t("adm-svc-new"),
        &defaults,
        &locations,
        Vec::new(),
    );
    form_response(&page, false)
}

pub(super) async fn create(
    State(state): State<AppState>,
    ctx: PageContext,
    Verified(session): Verified,
    Path(slug): Path<String>,
    body: Bytes,
) -> Response {
    let actor = session.live.user.actor();
    let org = match editable_organization(&state, &ctx, &actor, &slug).await {
        Ok(org) => org,
        Err(r) => return r,
    };
    save(&state, &ctx, &actor, &org, None, &Pairs::parse(&body)).await
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Verified(session): Verified,
    Path(id): Path<String>,
) -> Response {
    let actor = session.live.user.actor();
    let (service, org) = match service_for(&state, &ctx, &actor, &id, Action::EditServices).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    let locations = match state.db.locations_of(org.id).await {
        Ok(l) => l,
        Err(e) => return ctx.error(PageError::from_store(e)),
    };
    let tr = ctx.tr();
    let page = service_form(
        &ctx,
        &org,
        format!("/admin/services/{id}"),
        tr.t("adm-svc-edit"),
        &pairs_of(&service),
        &locations,
        Vec::new(),
    );
    form_response(&page, false)
}

pub(super) async fn update(
    State(state): State<AppState>,
    ctx: PageContext,
    Verified(session): Verified,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let actor = session.live.user.actor();
    let (service, org) = match service_for(&state, &ctx, &actor, &id, Action::EditServices).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    save(
        &state,
        &ctx,
        &actor,
        &org,
        Some(service.id),
        &Pairs::parse(&body),
    )
    .await
}

async fn save(
    state: &AppState,
    ctx: &PageContext,
    actor: &Actor,
    org: &Organization,
    id: Option<ServiceId>,
    form: &Pairs,
) -> Response {
    let tr = ctx.tr();
    let locations = match state.db.locations_of(org.id).await {
        Ok(l) => l,
        Err(e) => return ctx.error(PageError::from_store(e)),
    };
    let (action, heading) = match id {
        Some(id) => (format!("/admin/services/{id}"), tr.t("adm-svc-edit")),
        None => (
            format!("/admin/organizations/{}/services/new", org.slug),
            tr.t("adm-svc-new"),
        ),
    };
    match parse_service(&tr, form, &locations) {
        Err(errors) => form_response(
            &service_form(ctx, org, action, heading, form, &locations, errors),
            true,
        ),
        Ok((new, chosen)) => match state
            .db
            .save_service(org.id, id, &new, &chosen, Some((actor.user_id, actor.role)))
            .await
        {
            Ok(saved) => Redirect::to(&format!(
                "/admin/organizations/{}/services?saved={}",
                org.slug, saved.id
            ))
            .into_response(),
            Err(StoreError::Invalid(detail)) => {
                tracing::debug!(%detail, "service refused by the store");
                form_response(
                    &service_form(
                        ctx,
                        org,
                        action,
                        heading,
                        form,
                        &locations,
                        vec![tr.t("adm-svc-error-choice")],
                    ),
                    true,
                )
            }
            Err(e) => ctx.error(PageError::from_store(e)),
        },
    }
}

#[derive(Template)]
#[template(path = "admin_location.html")]
struct LocationForm {
    shell: Shell,
    heading: String,
    action: String,
    org_slug: String,
    errors: Vec<String>,
    name_fr: String,
    name_en: String,
    address: String,
    city: String,
    provinces: Vec<Check>,
    postal_code: String,
    latitude: String,
    longitude: String,
    confidential: bool,
}

fn location_form(
    ctx: &PageContext,
    org: &Organization,
    action: String,
    heading: String,
    form: &Pairs,
    errors: Vec<String>,
) -> LocationForm {
    let tr = ctx.tr();
    LocationForm {
        shell: ctx.shell(heading.clone(), "admin"),
        heading,
        action,
        org_slug: org.slug.clone(),
        errors,
        name_fr: form.get("name_fr"),
        name_en: form.get("name_en"),
        address: form.get("address"),
        city: form.get("city"),
        provinces: Province::ALL
            .iter()
            .map(|p| {
                check(
                    p.key(),
                    tr.label("province", p.key()),
                    form.get("province") == p.key(),
                )
            })
            .collect(),
        postal_code: form.get("postal_code"),
        latitude: form.get("latitude"),
        longitude: form.get("longitude"),
        confidential: form.on("confidential"),
    }
}

fn parse_location(tr: &Tr, form: &Pairs) -> Result<NewLocation, Vec<String>> {
    let mut errors = Vec::new();
    let province = form.get("province").parse::<Province>();
    if province.is_err() {
        errors.push(tr.t("adm-loc-error-province"));
    }
    for key in ["name_fr", "name_en", "city"] {
        if form.get(key).is_empty() {
            errors.push(tr.with(
                "adm-svc-error-missing",
                "field",
                &tr.t(&format!("adm-loc-{}", key.replace('_', "-"))),
            ));
        }
    }
    let point = match (
        form.get("latitude").as_str(),
        form.get("longitude").as_str(),
    ) {
        ("", "") => None,
        (lat, lon) => match (lat.parse::<f64>(), lon.parse::<f64>()) {
            (Ok(lat), Ok(lon)) => {
                let p = Point::new(lat, lon);
                if p.is_none() {
                    errors.push(tr.t("adm-loc-error-point"));
                }
                p
            }
            _ => {
                errors.push(tr.t("adm-loc-error-point"));
                None
            }
        },
    };
    let city = form.get("city");
    if let Ok(p) = province
        && !city.is_empty()
        && mosaique_domain::directory::places::gazetteer()
            .place(&city, Some(p))
            .is_none()
    {
        errors.push(tr.with("adm-loc-error-city", "city", &city));
    }
    match province {
        Ok(province) if errors.is_empty() => Ok(NewLocation {
            name_fr: form.get("name_fr"),
            name_en: form.get("name_en"),
            address: form.get("address"),
            city,
            province,
            postal_code: form.get("postal_code"),
            point,
            confidential: form.on("confidential"),
        }),
        _ => Err(errors),
    }
}

pub(super) async fn new_location_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Verified(session): Verified,
    Path(slug): Path<String>,
) -> Response {
    let actor = session.live.user.actor();
    let org = match editable_organization(&state, &ctx, &actor, &slug).await {
        Ok(org) => org,
        Err(r) => return r,
    };
    let defaults = Pairs(vec![(
        "province".into(),
        org.province.map_or("QC", |p| p.key()).into(),
    )]);
    render(&location_form(
        &ctx,
        &org,
        format!("/admin/organizations/{slug}/locations/new"),
        ctx.tr().t("adm-loc-new"),
        &defaults,
        Vec::new(),
    ))
}

pub(super) async fn create_location(
    State(state): State<AppState>,
    ctx: PageContext,
    Verified(session): Verified,
    Path(slug): Path<String>,
    body: Bytes,
) -> Response {
    let actor = session.live.user.actor();
    let org = match editable_organization(&state, &ctx, &actor, &slug).await {
        Ok(org) => org,
        Err(r) => return r,
    };
    save_location(&state, &ctx, &actor, &org, None, &Pairs::parse(&body)).await
}

/// The form of an existing location, filled in.
fn location_pairs(l: &Location) -> Pairs {
    let mut p = vec![
        ("name_fr".to_owned(), l.name_fr.clone()),
        ("name_en".to_owned(), l.name_en.clone()),
        ("address".to_owned(), l.address.clone()),
        ("city".to_owned(), l.city.clone()),
        ("province".to_owned(), l.province.key().to_owned()),
        ("postal_code".to_owned(), l.postal_code.clone()),
    ];
    if let Some(point) = l.point {
        p.push(("latitude".into(), point.lat.to_string()));
        p.push(("longitude".into(), point.lon.to_string()));
    }
    if l.confidential {
        p.push(("confidential".into(), "true".into()));
    }
    Pairs(p)
}

/// A location of this organization, for its editors; another organization's is not found.
async fn editable_location(
    state: &AppState,
    ctx: &PageContext,
    actor: &Actor,
    slug: &str,
    id: &str,
) -> Result<(Organization, Location), Response> {
    let org = editable_organization(state, ctx, actor, slug).await?;
    let Ok(id) = id.parse::<LocationId>() else {
        return Err(ctx.error(PageError::NotFound));
    };
    match state.db.location(id).await {
        Ok(Some(l)) if l.org_id == org.id => Ok((org, l)),
        Ok(_) => Err(ctx.error(PageError::NotFound)),
        Err(e) => Err(ctx.error(PageError::from_store(e))),
    }
}

pub(super) async fn edit_location_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Verified(session): Verified,
    Path((slug, id)): Path<(String, String)>,
) -> Response {
    let actor = session.live.user.actor();
    let (org, location) = match editable_location(&state, &ctx, &actor, &slug, &id).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    render(&location_form(
        &ctx,
        &org,
        format!("/admin/organizations/{slug}/locations/{}", location.id),
        ctx.tr().t("adm-loc-edit"),
        &location_pairs(&location),
        Vec::new(),
    ))
}

pub(super) async fn update_location(
    State(state): State<AppState>,
    ctx: PageContext,
    Verified(session): Verified,
    Path((slug, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let actor = session.live.user.actor();
    let (org, location) = match editable_location(&state, &ctx, &actor, &slug, &id).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    let form = Pairs::parse(&body);
    save_location(&state, &ctx, &actor, &org, Some(location.id), &form).await
}

/// Creates (`id` None) or updates a location from its form; the form comes back with every
/// problem named, as typed.
async fn save_location(
    state: &AppState,
    ctx: &PageContext,
    actor: &Actor,
    org: &Organization,
    id: Option<LocationId>,
    form: &Pairs,
) -> Response {
    let tr = ctx.tr();
    let slug = &org.slug;
    let (action, heading) = match id {
        Some(id) => (
            format!("/admin/organizations/{slug}/locations/{id}"),
            tr.t("adm-loc-edit"),
        ),
        None => (
            format!("/admin/organizations/{slug}/locations/new"),
            tr.t("adm-loc-new"),
        ),
    };
    match parse_location(&tr, form) {
        Err(errors) => {
            let mut r = render(&location_form(ctx, org, action, heading, form, errors));
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            r
        }
        Ok(new) => match state
            .db
            .save_location(org.id, id, &new, Some((actor.user_id, actor.role)))
            .await
        {
            Ok(_) => Redirect::to(&format!("/admin/organizations/{slug}/services")).into_response(),
            Err(e) => ctx.error(PageError::from_store(e)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_view_reads_leniently_and_writes_only_its_own_keys() {
        let view = ListQuery::parse("q=%C3%89COUTE+ligne&due=on&page=3&evil=%3Cscript%3E");
        assert_eq!(
            view,
            ListQuery {
                q: "ÉCOUTE ligne".into(),
                due: true,
                page: 3
            }
        );
        assert_eq!(view.at_page(1), "q=%C3%89COUTE+ligne&due=1");
        assert_eq!(view.at_page(2), "q=%C3%89COUTE+ligne&due=1&page=2");
        assert_eq!(ListQuery::parse("page=0").page, 1);
        assert_eq!(ListQuery::parse("page=x").page, 1);
        assert_eq!(ListQuery::parse("").at_page(1), "");
    }
}
