//! The service form of "Our services": add or edit a service, its domains, eligibility,
//! hours, areas and sites. Parsed here as typed; saved by the use case, which decides who
//! may and checks the service's rules.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mosaique_app::directory::editing::ListingForm;
use mosaique_app::{AppError, Invalid};
use mosaique_domain::directory::schedule::{Day, Hours, Schedule};
use mosaique_domain::service::{
    Access, Cost, Eligibility, GenderServed, Location, NewService, Service, ServiceArea,
    ServiceAreaKind, ServiceError, ServiceStatus,
};
use mosaique_domain::{Bilingual, LocationId, Organization, Province, ServiceDomain, ServiceId};

use super::{Check, check};
use crate::AppState;
use crate::form::Pairs;
use crate::gate::Ctx;
use crate::i18n::{Arg, Tr};
use crate::shell::{PageError, Shell, render_with};

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

fn service_form(
    ctx: &Ctx,
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
        ("name_fr".into(), s.name.fr.clone()),
        ("name_en".into(), s.name.en.clone()),
        ("description_fr".into(), s.description.fr.clone()),
        ("description_en".into(), s.description.en.clone()),
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
        name: Bilingual::new(form.get("name_fr"), form.get("name_en")),
        description: Bilingual::new(form.get("description_fr"), form.get("description_en")),
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

/// Where the form posts, and its heading.
fn target(tr: &Tr, org: &Organization, id: Option<ServiceId>) -> (String, String) {
    match id {
        Some(id) => (format!("/admin/services/{id}"), tr.t("adm-svc-edit")),
        None => (
            format!("/admin/organizations/{}/services/new", org.slug),
            tr.t("adm-svc-new"),
        ),
    }
}

fn form_page(
    ctx: &Ctx,
    listing: &ListingForm,
    id: Option<ServiceId>,
    form: &Pairs,
    errors: Vec<String>,
) -> Response {
    let tr = ctx.tr();
    let (action, heading) = target(&tr, &listing.organization, id);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = service_form(
        ctx,
        &listing.organization,
        action,
        heading,
        form,
        &listing.sites,
        errors,
    );
    render_with(&page, status)
}

pub(crate) async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Response {
    let listing = match state.app.new_service_form(&ctx.who, &slug).await {
        Ok(listing) => listing,
        Err(e) => return ctx.page_error(e),
    };
    let defaults = Pairs(vec![
        ("status".into(), "active".into()),
        ("gender".into(), "all".into()),
        ("cost".into(), "free".into()),
        ("access".into(), "self_referral".into()),
        ("time_zone".into(), "America/Toronto".into()),
        ("languages".into(), "fr en".into()),
    ]);
    form_page(&ctx, &listing, None, &defaults, Vec::new())
}

pub(crate) async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    body: Bytes,
) -> Response {
    let listing = match state.app.new_service_form(&ctx.who, &slug).await {
        Ok(listing) => listing,
        Err(e) => return ctx.page_error(e),
    };
    save(&state, &ctx, &listing, None, &Pairs::parse(&body)).await
}

pub(crate) async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = ctx.id::<ServiceId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    let found = state.app.service_to_edit(&ctx.who, id).await;
    match found {
        Ok((service, listing)) => form_page(
            &ctx,
            &listing,
            Some(service.id),
            &pairs_of(&service),
            Vec::new(),
        ),
        Err(e) => ctx.page_error(e),
    }
}

pub(crate) async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Some(id) = ctx.id::<ServiceId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    let found = state.app.service_to_edit(&ctx.who, id).await;
    match found {
        Ok((service, listing)) => {
            save(
                &state,
                &ctx,
                &listing,
                Some(service.id),
                &Pairs::parse(&body),
            )
            .await
        }
        Err(e) => ctx.page_error(e),
    }
}

/// Creates (`id` None) or updates a service from its form; the form comes back with every
/// problem named, as typed.
async fn save(
    state: &AppState,
    ctx: &Ctx,
    listing: &ListingForm,
    id: Option<ServiceId>,
    form: &Pairs,
) -> Response {
    let tr = ctx.tr();
    let (new, sites) = match parse_service(&tr, form, &listing.sites) {
        Ok(parsed) => parsed,
        Err(errors) => return form_page(ctx, listing, id, form, errors),
    };
    let slug = &listing.organization.slug;
    let saved = match id {
        Some(id) => state.app.update_service(&ctx.who, id, &new, &sites).await,
        None => state.app.create_service(&ctx.who, slug, &new, &sites).await,
    };
    match saved {
        Ok((org, saved)) => Redirect::to(&format!(
            "/admin/organizations/{}/services?saved={saved}",
            org.slug
        ))
        .into_response(),
        Err(AppError::Invalid(Invalid::Service(problems))) => {
            let errors = problems.iter().map(|p| service_problem(&tr, p)).collect();
            form_page(ctx, listing, id, form, errors)
        }
        Err(e) => ctx.page_error(e),
    }
}
