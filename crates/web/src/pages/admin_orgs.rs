//! Organization administration: coalition admins create organizations and edit any of
//! them; an organization admin edits their own. Decisions through `domain::policy`; every
//! change audited by the store and picked up by every server's search index.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mosaique_domain::directory::places::gazetteer;
use mosaique_domain::policy::{Action, Resource, can};
use mosaique_domain::service::{ServiceArea, ServiceAreaKind};
use mosaique_domain::{
    Actor, Level, Mandate, NewOrganization, OrgDetails, Organization, OrganizationError, Province,
    Sector,
};
use mosaique_store::{OrgFilter, StoreError};

use super::form::Pairs;
use super::{PageContext, PageError, Shell, render};
use crate::AppState;
use crate::i18n::Tr;
use crate::session::{SignedIn, Verified};

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
            name_fr: org.name_fr.clone(),
            name_en: org.name_en.clone(),
            description_fr: org.description_fr.clone(),
            description_en: org.description_en.clone(),
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

    /// The organization to save, or every problem, in the person's language.
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
            name_fr: self.name_fr.clone(),
            name_en: self.name_en.clone(),
            description_fr: self.description_fr.clone(),
            description_en: self.description_en.clone(),
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

/// A checkbox of a group.
struct Check {
    value: String,
    label: String,
    checked: bool,
}

fn form_page(
    context: &PageContext,
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
    let mut response = render(&OrganizationPage {
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
    });
    *response.status_mut() = status;
    response
}

/// The organizations this actor may edit, by name.
async fn editable(
    state: &AppState,
    actor: &Actor,
    lang: mosaique_domain::Language,
) -> Result<Vec<(String, String)>, StoreError> {
    let all = state
        .db
        .list_organizations(&OrgFilter {
            limit: 1000,
            ..OrgFilter::default()
        })
        .await?
        .items;
    Ok(all
        .iter()
        .filter(|o| {
            can(
                Some(actor),
                Action::EditOrganization,
                &Resource::Organization(Some(o.id)),
            )
            .is_allowed()
        })
        .map(|o| (o.slug.clone(), o.name(lang).to_owned()))
        .collect())
}

pub(super) async fn list(
    State(state): State<AppState>,
    context: PageContext,
    SignedIn(session): SignedIn,
) -> Response {
    let actor = session.live.user.actor();
    let organizations = match editable(&state, &actor, context.lang).await {
        Ok(list) => list,
        Err(e) => return context.error(PageError::from_store(e)),
    };
    let may_create = can(
        Some(&actor),
        Action::EditOrganization,
        &Resource::Organization(None),
    )
    .is_allowed();
    if organizations.is_empty() && !may_create {
        return context.error(PageError::Forbidden);
    }
    let tr = context.tr();
    render(&OrganizationsPage {
        shell: context.shell(tr.t("admin-orgs-title"), "admin"),
        notice: None,
        organizations,
    })
}

pub(super) async fn new_form(context: PageContext, SignedIn(session): SignedIn) -> Response {
    let actor = session.live.user.actor();
    if !can(
        Some(&actor),
        Action::EditOrganization,
        &Resource::Organization(None),
    )
    .is_allowed()
    {
        return context.error(PageError::Forbidden);
    }
    form_page(&context, OrganizationForm::default(), false, Vec::new())
}

pub(super) async fn create(
    State(state): State<AppState>,
    context: PageContext,
    Verified(session): Verified,
    body: Bytes,
) -> Response {
    let actor = session.live.user.actor();
    if !can(
        Some(&actor),
        Action::EditOrganization,
        &Resource::Organization(None),
    )
    .is_allowed()
    {
        return context.error(PageError::Forbidden);
    }
    save(
        &state,
        &context,
        &actor,
        OrganizationForm::from_body(&body),
        true,
    )
    .await
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    context: PageContext,
    SignedIn(session): SignedIn,
    Path(slug): Path<String>,
) -> Response {
    let actor = session.live.user.actor();
    match editable_organization(&state, &actor, &slug).await {
        Ok(org) => form_page(
            &context,
            OrganizationForm::from_organization(&org),
            true,
            Vec::new(),
        ),
        Err(error) => context.error(error),
    }
}

pub(super) async fn update(
    State(state): State<AppState>,
    context: PageContext,
    Verified(session): Verified,
    Path(slug): Path<String>,
    body: Bytes,
) -> Response {
    let actor = session.live.user.actor();
    match editable_organization(&state, &actor, &slug).await {
        Ok(org) => {
            // The address names the organization; a slug typed into the form cannot move it.
            let mut form = OrganizationForm::from_body(&body);
            form.slug = org.slug.clone();
            save(&state, &context, &actor, form, false).await
        }
        Err(error) => context.error(error),
    }
}

/// The organization at this address, if the actor may edit it.
async fn editable_organization(
    state: &AppState,
    actor: &Actor,
    slug: &str,
) -> Result<Organization, PageError> {
    match state.db.organization_by_slug(slug).await {
        Ok(Some(org))
            if can(
                Some(actor),
                Action::EditOrganization,
                &Resource::Organization(Some(org.id)),
            )
            .is_allowed() =>
        {
            Ok(org)
        }
        Ok(Some(_)) => Err(PageError::Forbidden),
        Ok(None) => Err(PageError::NotFound),
        Err(e) => Err(PageError::from_store(e)),
    }
}

async fn save(
    state: &AppState,
    context: &PageContext,
    actor: &Actor,
    form: OrganizationForm,
    creating: bool,
) -> Response {
    let tr = context.tr();
    let new = match form.parse(&tr) {
        Ok(new) => new,
        Err(errors) => return form_page(context, form, !creating, errors),
    };
    match state
        .db
        .save_organization(&new, creating, (actor.user_id, actor.role))
        .await
    {
        Ok((org, _)) => Redirect::to(&format!("/organizations/{}", org.slug)).into_response(),
        Err(StoreError::Conflict(_)) => form_page(
            context,
            form,
            !creating,
            vec![tr.t("admin-org-error-taken")],
        ),
        Err(e) => context.error(PageError::from_store(e)),
    }
}
