//! The site form of "Our services": where an organization gives its services. A shelter's
//! site is marked confidential: its street and point are then shown to nobody but those
//! the policy allows (its editors among them, here).

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mosaique_app::{AppError, Invalid};
use mosaique_domain::directory::geo::Point;
use mosaique_domain::service::{LocationError, NewLocation};
use mosaique_domain::{Bilingual, LocationId, Organization, Province};

use super::{Check, check};
use crate::AppState;
use crate::form::Pairs;
use crate::gate::Ctx;
use crate::i18n::Tr;
use crate::shell::{PageError, Shell, render_with};

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

fn form_page(
    ctx: &Ctx,
    org: &Organization,
    id: Option<LocationId>,
    form: &Pairs,
    errors: Vec<String>,
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
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = LocationForm {
        shell: ctx.shell(heading.clone(), "admin"),
        heading,
        action,
        org_slug: slug.clone(),
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
    };
    render_with(&page, status)
}

/// A site's own rule, in the reader's language.
fn location_problem(tr: &Tr, problem: &LocationError) -> String {
    match problem {
        LocationError::Missing { field } => tr.with(
            "adm-svc-error-missing",
            "field",
            &tr.t(&format!("adm-loc-{}", field.replace('_', "-"))),
        ),
        LocationError::UnknownCity(city) => tr.with("adm-loc-error-city", "city", city),
    }
}

/// The site the form describes, or every problem in the reader's language: what was typed,
/// and the site's own rules, all at once (the use case checks those again).
fn parse_location(tr: &Tr, form: &Pairs) -> Result<NewLocation, Vec<String>> {
    let mut errors = Vec::new();
    let province = form.get("province").parse::<Province>();
    if province.is_err() {
        errors.push(tr.t("adm-loc-error-province"));
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
    let new = NewLocation {
        name: Bilingual::new(form.get("name_fr"), form.get("name_en")),
        address: form.get("address"),
        city: form.get("city"),
        // Only read when the province parsed: the errors say otherwise.
        province: province.clone().unwrap_or(Province::Qc),
        postal_code: form.get("postal_code"),
        point,
        confidential: form.on("confidential"),
    };
    match new.validate() {
        Err(problems) if province.is_ok() => {
            errors.extend(problems.iter().map(|p| location_problem(tr, p)));
        }
        // Without a province the town cannot be checked: the other rules still are.
        Err(problems) => errors.extend(
            problems
                .iter()
                .filter(|p| !matches!(p, LocationError::UnknownCity(_)))
                .map(|p| location_problem(tr, p)),
        ),
        Ok(()) => {}
    }
    if errors.is_empty() {
        Ok(new)
    } else {
        Err(errors)
    }
}

/// The form of an existing site, as its editor typed it.
fn typed_pairs(l: &NewLocation) -> Pairs {
    let mut p = vec![
        ("name_fr".to_owned(), l.name.fr.clone()),
        ("name_en".to_owned(), l.name.en.clone()),
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

pub(crate) async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Response {
    match state.app.new_site_form(&ctx.who, &slug).await {
        Ok(org) => {
            let defaults = Pairs(vec![(
                "province".into(),
                org.province.map_or("QC", |p| p.key()).into(),
            )]);
            form_page(&ctx, &org, None, &defaults, Vec::new())
        }
        Err(e) => ctx.page_error(e),
    }
}

pub(crate) async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    body: Bytes,
) -> Response {
    save(&state, &ctx, &slug, None, &Pairs::parse(&body)).await
}

pub(crate) async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
) -> Response {
    let Some(id) = ctx.id::<LocationId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    match state.app.site_to_edit(&ctx.who, &slug, id).await {
        Ok((org, typed)) => form_page(&ctx, &org, Some(id), &typed_pairs(&typed), Vec::new()),
        Err(e) => ctx.page_error(e),
    }
}

pub(crate) async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    match ctx.id::<LocationId>(&id) {
        Some(id) => save(&state, &ctx, &slug, Some(id), &Pairs::parse(&body)).await,
        None => ctx.error(PageError::NotFound),
    }
}

/// Creates (`id` None) or updates a site from its form; the form comes back with every
/// problem named, as typed.
async fn save(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    id: Option<LocationId>,
    form: &Pairs,
) -> Response {
    let tr = ctx.tr();
    let new = match parse_location(&tr, form) {
        Ok(new) => new,
        Err(errors) => {
            // Only an editor of the organization learns what is wrong with the form.
            return match state.app.new_site_form(&ctx.who, slug).await {
                Ok(org) => form_page(ctx, &org, id, form, errors),
                Err(e) => ctx.page_error(e),
            };
        }
    };
    match state.app.save_site(&ctx.who, slug, id, &new).await {
        Ok(org) => {
            Redirect::to(&format!("/admin/organizations/{}/services", org.slug)).into_response()
        }
        Err(AppError::Invalid(Invalid::Location(problems))) => {
            let errors = problems.iter().map(|p| location_problem(&tr, p)).collect();
            match state.app.new_site_form(&ctx.who, slug).await {
                Ok(org) => form_page(ctx, &org, id, form, errors),
                Err(e) => ctx.page_error(e),
            }
        }
        Err(e) => ctx.page_error(e),
    }
}
