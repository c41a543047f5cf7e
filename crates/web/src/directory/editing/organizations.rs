//! Organization administration: coalition admins create organizations and edit any of
//! them; an organization admin edits their own. Decisions through `domain::policy`; every
//! change audited by the store and picked up by every server's search index.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mosaique_app::{AppError, Conflict, Invalid};
use mosaique_domain::directory::places::gazetteer;
use mosaique_domain::service::{ServiceArea, ServiceAreaKind};
use mosaique_domain::{
    Bilingual, Level, Mandate, NewOrganization, OrgDetails, Organization, OrganizationError,
    Province, Sector,
};

use super::Check;
use crate::AppState;
use crate::form::Pairs;
use crate::gate::Ctx;
use crate::i18n::Tr;
use crate::shell::{Shell, render, render_with};

/// The form as typed: every field is text so a bad value comes back to the person as typed.
/// Read from the raw body, as checkbox groups repeat their key.
#[derive(Debug, Clone, Default)]
pub(super) struct OrganizationForm {
    slug: String,
    name_fr: String,
    name_en: String,
    description_fr: String,
    description_en: String,
    province: String,
    level: String,
    sector: String,
    founded_year: String,
    is_coalition: String,
    source: String,
    /// `true`, `false` or empty (not known).
    formal: String,
    mandates: Vec<String>,
    mandates_other: String,
    website: String,
    email: String,
    phone: String,
    area_provinces: Vec<String>,
    area_regions: Vec<String>,
    /// Towns, separated by commas.
    area_municipalities: String,
}

impl OrganizationForm {
    fn from_body(body: &[u8]) -> OrganizationForm {
        let f = Pairs::parse(body);
        OrganizationForm {
            slug: f.get("slug"),
            name_fr: f.get("name_fr"),
            name_en: f.get("name_en"),
            description_fr: f.get("description_fr"),
            description_en: f.get("description_en"),
            province: f.get("province"),
            level: f.get("level"),
            sector: f.get("sector"),
            founded_year: f.get("founded_year"),
            is_coalition: f.get("is_coalition"),
            source: f.get("source"),
            formal: f.get("formal"),
            mandates: f.all("mandate"),
            mandates_other: f.get("mandates_other"),
            website: f.get("website"),
            email: f.get("email"),
            phone: f.get("phone"),
            area_provinces: f.all("area_province"),
            area_regions: f.all("area_region"),
            area_municipalities: f.get("area_municipalities"),
        }
    }

    fn from_organization(org: &Organization) -> OrganizationForm {
        let d = &org.details;
        let areas = |kind: ServiceAreaKind| -> Vec<String> {
            d.areas
                .iter()
                .filter(|a| a.kind == kind)
                .map(|a| a.code.clone())
                .collect()
        };
        OrganizationForm {
            formal: d.formal.map(|f| f.to_string()).unwrap_or_default(),
            mandates: d.mandates.iter().map(|m| m.key().to_owned()).collect(),
            mandates_other: d.mandates_other.clone(),
            website: d.website.clone(),
            email: d.email.clone(),
            phone: d.phone.clone(),
            area_provinces: areas(ServiceAreaKind::Province),
            area_regions: areas(ServiceAreaKind::Region),
            area_municipalities: areas(ServiceAreaKind::Municipality).join(", "),
            slug: org.slug.clone(),
            name_fr: org.name.fr.clone(),
            name_en: org.name.en.clone(),
            description_fr: org.description.fr.clone(),
            description_en: org.description.en.clone(),
            province: org.province.map(|p| p.key().to_owned()).unwrap_or_default(),
            level: org.level.map(|l| l.key().to_owned()).unwrap_or_default(),
            sector: org.sector.map(|s| s.key().to_owned()).unwrap_or_default(),
            founded_year: org.founded_year.map(|y| y.to_string()).unwrap_or_default(),
            is_coalition: if org.is_coalition {
                "true".into()
            } else {
                String::new()
            },
            source: org.source.clone(),
        }
    }

    /// The organization to save, or every problem, in the person's language: what was
    /// typed, and the organization's own rules, all at once (the use case checks those again).
    fn parse(&self, tr: &Tr) -> Result<NewOrganization, Vec<String>> {
        let mut errors = Vec::new();
        let mut field = |value: &str, parse: fn(&str) -> bool, message: &str| -> Option<String> {
            let value = value.trim();
            if value.is_empty() {
                None
            } else if parse(value) {
                Some(value.to_owned())
            } else {
                errors.push(tr.t(message));
                None
            }
        };
        let province = field(
            &self.province,
            |v| v.parse::<Province>().is_ok(),
            "admin-org-error-province",
        );
        let level = field(
            &self.level,
            |v| v.parse::<Level>().is_ok(),
            "admin-org-error-level",
        );
        let sector = field(
            &self.sector,
            |v| v.parse::<Sector>().is_ok(),
            "admin-org-error-sector",
        );
        let year = field(
            &self.founded_year,
            |v| v.parse::<i32>().is_ok(),
            "admin-org-error-year",
        );
        // Each value was checked just above, so these parses succeed.
        let province = province.and_then(|v| v.parse().ok());
        let level = level.and_then(|v| v.parse().ok());
        let sector = sector.and_then(|v| v.parse().ok());
        let founded_year = year.and_then(|v| v.parse().ok());
        let formal = match self.formal.as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        };
        let mut mandates = Vec::new();
        for m in &self.mandates {
            match m.parse::<Mandate>() {
                Ok(m) if !mandates.contains(&m) => mandates.push(m),
                Ok(_) => {}
                Err(_) => errors.push(tr.t("admin-org-error-value")),
            }
        }
        let area = |kind, code: &str| ServiceArea {
            kind,
            code: code.trim().to_owned(),
        };
        let areas = (self
            .area_provinces
            .iter()
            .map(|c| area(ServiceAreaKind::Province, c)))
        .chain(
            self.area_regions
                .iter()
                .map(|c| area(ServiceAreaKind::Region, c)),
        )
        .chain(
            self.area_municipalities
                .split(',')
                .filter(|m| !m.trim().is_empty())
                .map(|m| area(ServiceAreaKind::Municipality, m)),
        )
        .collect();
        let new = NewOrganization {
            slug: self.slug.trim().to_owned(),
            name: Bilingual::new(self.name_fr.clone(), self.name_en.clone()),
            description: Bilingual::new(self.description_fr.clone(), self.description_en.clone()),
            province,
            level,
            sector,
            founded_year,
            is_coalition: self.is_coalition == "true",
            source: self.source.clone(),
            details: OrgDetails {
                formal,
                mandates,
                mandates_other: self.mandates_other.clone(),
                website: self.website.clone(),
                email: self.email.clone(),
                phone: self.phone.clone(),
                areas,
            },
        };
        if let Err(problems) = new.validate() {
            errors.extend(problems.iter().map(|p| organization_problem(tr, p)));
        }
        if errors.is_empty() {
            Ok(new)
        } else {
            Err(errors)
        }
    }
}

fn organization_problem(tr: &Tr, problem: &OrganizationError) -> String {
    match problem {
        OrganizationError::BadSlug(_) => tr.t("admin-org-error-slug"),
        OrganizationError::Missing { field } => tr.with(
            "admin-org-error-missing",
            "field",
            &tr.t(&field_label(field)),
        ),
        OrganizationError::TooLong { field, .. } => tr.with(
            "admin-org-error-too-long",
            "field",
            &tr.t(&field_label(field)),
        ),
        OrganizationError::BadYear(_) => tr.t("admin-org-error-year"),
        OrganizationError::UnknownValue { .. } => tr.t("admin-org-error-value"),
        OrganizationError::BadEmail(_) => tr.t("admin-org-error-email"),
        OrganizationError::BadWebsite(_) => tr.t("admin-org-error-website"),
        OrganizationError::BadArea { code, .. } => tr.with("admin-org-error-area", "area", code),
    }
}

fn field_label(field: &str) -> String {
    match field {
        "name_fr" => "admin-org-name-fr".into(),
        "name_en" => "admin-org-name-en".into(),
        "description_fr" => "admin-org-description-fr".into(),
        "description_en" => "admin-org-description-en".into(),
        "mandates_other" => "admin-org-mandates-other".into(),
        "website" => "org-website".into(),
        "email" => "org-email".into(),
        "phone" => "org-phone".into(),
        _ => "org-source".into(),
    }
}

#[derive(Template)]
#[template(path = "admin_organizations.html")]
struct OrganizationsPage {
    shell: Shell,
    notice: Option<String>,
    /// The link to the services an import left to classify, with their count.
    to_classify: Option<String>,
    organizations: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "admin_organization.html")]
struct OrganizationPage {
    shell: Shell,
    heading: String,
    action: String,
    editing: bool,
    form: OrganizationForm,
    errors: Vec<String>,
    provinces: Vec<(&'static str, String)>,
    levels: Vec<(&'static str, String)>,
    sectors: Vec<(&'static str, String)>,
    mandates: Vec<Check>,
    area_provinces: Vec<Check>,
    area_regions: Vec<Check>,
}

fn form_page(
    context: &Ctx,
    form: OrganizationForm,
    editing: bool,
    errors: Vec<String>,
) -> Response {
    let tr = context.tr();
    let heading = if editing {
        tr.t("admin-org-edit")
    } else {
        tr.t("admin-org-new")
    };
    let action = if editing {
        format!("/admin/organizations/{}", form.slug)
    } else {
        "/admin/organizations/new".to_owned()
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = OrganizationPage {
        shell: context.shell(heading.clone(), "admin"),
        heading,
        action,
        editing,
        errors,
        provinces: Province::ALL
            .iter()
            .map(|p| (p.key(), tr.label("province", p.key())))
            .collect(),
        levels: Level::ALL
            .iter()
            .map(|l| (l.key(), tr.label("level", l.key())))
            .collect(),
        sectors: Sector::ALL
            .iter()
            .map(|s| (s.key(), tr.label("sector", s.key())))
            .collect(),
        mandates: Mandate::ALL
            .iter()
            .map(|m| Check {
                value: m.key().to_owned(),
                label: tr.label("mandate", m.key()),
                checked: form.mandates.iter().any(|c| c == m.key()),
            })
            .collect(),
        area_provinces: Province::ALL
            .iter()
            .map(|p| Check {
                value: p.key().to_owned(),
                label: tr.label("province", p.key()),
                checked: form.area_provinces.iter().any(|c| c == p.key()),
            })
            .collect(),
        area_regions: gazetteer()
            .regions()
            .iter()
            .map(|r| Check {
                value: r.code.clone(),
                label: r.name(tr.lang).to_owned(),
                checked: form.area_regions.contains(&r.code),
            })
            .collect(),
        form,
    };
    render_with(&page, status)
}

pub(crate) async fn list(State(state): State<AppState>, context: Ctx) -> Response {
    let editable = match state.app.editable_organizations(&context.who).await {
        Ok(editable) => editable,
        Err(e) => return context.page_error(e),
    };
    let tr = context.tr();
    // Coalition administrators see what an import left to classify.
    let to_classify = match state.app.services_to_classify(&context.who).await {
        Ok(waiting) if !waiting.is_empty() => Some(tr.count("classify-link", waiting.len() as i64)),
        _ => None,
    };
    render(&OrganizationsPage {
        shell: context.shell(tr.t("admin-orgs-title"), "admin"),
        notice: None,
        to_classify,
        organizations: editable
            .organizations
            .iter()
            .map(|o| (o.slug.clone(), o.name(context.lang).to_owned()))
            .collect(),
    })
}

pub(crate) async fn new_form(State(state): State<AppState>, context: Ctx) -> Response {
    match state.app.new_organization_form(&context.who).await {
        Ok(()) => form_page(&context, OrganizationForm::default(), false, Vec::new()),
        Err(e) => context.page_error(e),
    }
}

pub(crate) async fn create(State(state): State<AppState>, context: Ctx, body: Bytes) -> Response {
    save(&state, &context, None, OrganizationForm::from_body(&body)).await
}

pub(crate) async fn edit_form(
    State(state): State<AppState>,
    context: Ctx,
    Path(slug): Path<String>,
) -> Response {
    match state.app.organization_to_edit(&context.who, &slug).await {
        Ok(org) => form_page(
            &context,
            OrganizationForm::from_organization(&org),
            true,
            Vec::new(),
        ),
        Err(e) => context.page_error(e),
    }
}

pub(crate) async fn update(
    State(state): State<AppState>,
    context: Ctx,
    Path(slug): Path<String>,
    body: Bytes,
) -> Response {
    // The address names the organization; a slug typed into the form cannot move it.
    let mut form = OrganizationForm::from_body(&body);
    form.slug = slug.clone();
    save(&state, &context, Some(&slug), form).await
}

/// Creates (`editing` None) or updates the organization at `editing`; the form comes back
/// with every problem named, as typed.
async fn save(
    state: &AppState,
    context: &Ctx,
    editing: Option<&str>,
    form: OrganizationForm,
) -> Response {
    let tr = context.tr();
    let again = |form, errors| form_page(context, form, editing.is_some(), errors);
    let new = match form.parse(&tr) {
        Ok(new) => new,
        Err(errors) => {
            // Typing errors are the form's; but nobody may learn of them who may not edit.
            if let Err(e) = may_edit(state, context, editing).await {
                return context.page_error(e);
            }
            return again(form, errors);
        }
    };
    let saved = match editing {
        Some(slug) => {
            state
                .app
                .update_organization(&context.who, slug, &new)
                .await
        }
        None => state.app.create_organization(&context.who, &new).await,
    };
    match saved {
        Ok(org) => Redirect::to(&format!("/organizations/{}", org.slug)).into_response(),
        Err(AppError::Invalid(Invalid::Organization(problems))) => again(
            form,
            problems
                .iter()
                .map(|p| organization_problem(&tr, p))
                .collect(),
        ),
        Err(AppError::Conflict(Conflict::Taken(_))) => {
            again(form, vec![tr.t("admin-org-error-taken")])
        }
        Err(e) => context.page_error(e),
    }
}

/// Whether the form's errors may be shown: the same question as opening the form.
async fn may_edit(state: &AppState, context: &Ctx, editing: Option<&str>) -> Result<(), AppError> {
    match editing {
        Some(slug) => state
            .app
            .organization_to_edit(&context.who, slug)
            .await
            .map(|_| ()),
        None => state.app.new_organization_form(&context.who).await,
    }
}
