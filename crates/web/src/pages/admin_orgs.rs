//! Organization administration: coalition admins create organizations and edit any of
//! them; an organization admin edits their own. Decisions through `domain::policy`; every
//! change audited by the store and picked up by every server's search index.

use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mosaique_domain::policy::{Action, Resource, can};
use mosaique_domain::{
    Actor, Level, NewOrganization, Organization, OrganizationError, Province, Sector,
};
use mosaique_store::{OrgFilter, StoreError};
use serde::Deserialize;

use super::{PageContext, PageError, Shell, render};
use crate::AppState;
use crate::i18n::Tr;
use crate::session::{SignedIn, Verified};

/// The form as typed: every field is text so a bad value comes back to the person as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct OrganizationForm {
    #[serde(default)]
    slug: String,
    #[serde(default)]
    name_fr: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    description_fr: String,
    #[serde(default)]
    description_en: String,
    #[serde(default)]
    province: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    sector: String,
    #[serde(default)]
    founded_year: String,
    #[serde(default)]
    is_coalition: String,
    #[serde(default)]
    source: String,
}

impl OrganizationForm {
    fn from_organization(org: &Organization) -> OrganizationForm {
        OrganizationForm {
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
    }
}

fn field_label(field: &str) -> String {
    match field {
        "name_fr" => "admin-org-name-fr".into(),
        "name_en" => "admin-org-name-en".into(),
        "description_fr" => "admin-org-description-fr".into(),
        "description_en" => "admin-org-description-en".into(),
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
        form,
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
    form: Result<Form<OrganizationForm>, FormRejection>,
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
    save(&state, &context, &actor, form, true).await
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
    form: Result<Form<OrganizationForm>, FormRejection>,
) -> Response {
    let actor = session.live.user.actor();
    match editable_organization(&state, &actor, &slug).await {
        Ok(org) => {
            // The address names the organization; a slug typed into the form cannot move it.
            let form = form.map(|Form(mut f)| {
                f.slug = org.slug.clone();
                Form(f)
            });
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
    form: Result<Form<OrganizationForm>, FormRejection>,
    creating: bool,
) -> Response {
    let tr = context.tr();
    let Ok(Form(form)) = form else {
        return context.error(PageError::BadRequest(tr.t("error-unreadable-form")));
    };
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
