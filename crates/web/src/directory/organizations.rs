//! The directory: a filterable list of organizations and one page per organization.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use mosaique_app::directory::OrgQuery;
use mosaique_app::directory::editing::manages_services;
use mosaique_domain::{Level, Mandate, Organization, Province, Sector};

use super::DirectoryParams;
use crate::AppState;
use crate::gate::Ctx;
use crate::i18n::{Arg, Tr};
use crate::shell::{PageError, Shell, encode, render};

struct SelectOption {
    value: &'static str,
    label: String,
    selected: bool,
}

struct Card {
    slug: String,
    name: String,
    description: String,
    is_coalition: bool,
    facts: Vec<String>,
}

#[derive(Template)]
#[template(path = "organizations.html")]
struct DirectoryPage {
    shell: Shell,
    q: String,
    provinces: Vec<SelectOption>,
    levels: Vec<SelectOption>,
    sectors: Vec<SelectOption>,
    mandates: Vec<SelectOption>,
    coalitions_only: bool,
    count_label: String,
    degraded: bool,
    cards: Vec<Card>,
    pages: i64,
    page_label: String,
    previous_href: Option<String>,
    next_href: Option<String>,
}

pub(super) async fn list(
    State(state): State<AppState>,
    context: Ctx,
    params: Result<Query<DirectoryParams>, QueryRejection>,
) -> Response {
    let params = match params {
        Ok(Query(params)) => params,
        Err(rejection) => {
            tracing::debug!(%rejection, "unreadable query string");
            return context.error(PageError::BadRequest(
                context.tr().t("error-unreadable-query"),
            ));
        }
    };
    let query = match params.validate() {
        Ok(query) => query,
        Err(bad) => return context.error(PageError::BadRequest(bad.message())),
    };
    let results = match state.app.find_organizations(&query, context.lang).await {
        Ok(results) => results,
        Err(e) => return context.page_error(e),
    };
    let tr = context.tr();
    let pages = results.pages(query.per_page);
    let options =
        |keys: Vec<&'static str>, prefix: &str, selected: Option<&str>| -> Vec<SelectOption> {
            let mut options: Vec<SelectOption> = keys
                .into_iter()
                .map(|key| SelectOption {
                    value: key,
                    label: tr.label(prefix, key),
                    selected: selected == Some(key),
                })
                .collect();
            options.sort_by(|a, b| {
                mosaique_domain::text::fold(&a.label).cmp(&mosaique_domain::text::fold(&b.label))
            });
            options
        };
    let page = DirectoryPage {
        shell: context.shell(tr.t("dir-title"), "directory").with_htmx(),
        q: query.q.clone().unwrap_or_default(),
        provinces: options(
            Province::ALL.iter().map(|p| p.key()).collect(),
            "province",
            query.province.map(Province::key),
        ),
        levels: Level::ALL
            .iter()
            .map(|l| SelectOption {
                value: l.key(),
                label: tr.label("level", l.key()),
                selected: query.level == Some(*l),
            })
            .collect(),
        sectors: options(
            Sector::ALL.iter().map(|s| s.key()).collect(),
            "sector",
            query.sector.map(Sector::key),
        ),
        mandates: options(
            Mandate::ALL.iter().map(|m| m.key()).collect(),
            "mandate",
            query.mandate.map(Mandate::key),
        ),
        coalitions_only: query.coalitions_only,
        count_label: tr.count("dir-results-count", results.total),
        degraded: results.degraded,
        cards: results.items.iter().map(|org| card(org, &tr)).collect(),
        pages,
        page_label: tr.t_args(
            "dir-page",
            &[("page", Arg::Int(query.page)), ("pages", Arg::Int(pages))],
        ),
        previous_href: (query.page > 1).then(|| page_href(&query, query.page - 1)),
        next_href: (query.page < pages).then(|| page_href(&query, query.page + 1)),
    };
    render(&page)
}

fn card(org: &Organization, tr: &Tr) -> Card {
    let mut facts = Vec::new();
    if let Some(p) = org.province {
        facts.push(tr.label("province", p.key()));
    }
    if let Some(l) = org.level {
        facts.push(tr.label("level", l.key()));
    }
    if let Some(s) = org.sector {
        facts.push(tr.label("sector", s.key()));
    }
    if let Some(year) = org.founded_year {
        facts.push(tr.t_args("dir-founded", &[("year", Arg::Int(i64::from(year)))]));
    }
    Card {
        slug: org.slug.clone(),
        name: org.name(tr.lang).to_owned(),
        description: org.description(tr.lang).to_owned(),
        is_coalition: org.is_coalition,
        facts,
    }
}

/// The link to another page of the same results.
fn page_href(query: &OrgQuery, page: i64) -> String {
    let mut pairs = Vec::new();
    if let Some(q) = &query.q {
        pairs.push(format!("q={}", encode(q)));
    }
    if let Some(p) = query.province {
        pairs.push(format!("province={p}"));
    }
    if let Some(l) = query.level {
        pairs.push(format!("level={l}"));
    }
    if let Some(s) = query.sector {
        pairs.push(format!("sector={s}"));
    }
    if let Some(m) = query.mandate {
        pairs.push(format!("mandate={m}"));
    }
    if query.coalitions_only {
        pairs.push("coalitions=true".to_owned());
    }
    if query.per_page != super::PER_PAGE_DEFAULT {
        pairs.push(format!("per_page={}", query.per_page));
    }
    pairs.push(format!("page={page}"));
    format!("/organizations?{}", pairs.join("&"))
}

#[derive(Template)]
#[template(path = "organization.html")]
struct OrganizationPage {
    shell: Shell,
    name: String,
    other_name: String,
    other_lang: &'static str,
    description: String,
    details: Vec<(String, String)>,
    contacts: Contacts,
    updated: String,
    /// Its active services: id and name.
    services: Vec<(String, String)>,
    /// "Manage our services", for those who may.
    manage: Option<String>,
}

pub(super) async fn show(
    State(state): State<AppState>,
    context: Ctx,
    Path(slug): Path<String>,
) -> Response {
    let org = match state.app.organization_by_slug(&slug).await {
        Ok(org) => org,
        Err(e) => return context.page_error(e),
    };
    let tr = context.tr();
    let lang = context.lang;
    let not_given = || tr.t("org-not-given");
    let details = vec![
        (
            tr.t("org-kind"),
            tr.t(if org.is_coalition {
                "org-kind-coalition"
            } else {
                "org-kind-organization"
            }),
        ),
        (
            tr.t("org-province"),
            org.province
                .map(|p| tr.label("province", p.key()))
                .unwrap_or_else(not_given),
        ),
        (
            tr.t("org-level"),
            org.level
                .map(|l| tr.label("level", l.key()))
                .unwrap_or_else(not_given),
        ),
        (
            tr.t("org-sector"),
            org.sector
                .map(|s| tr.label("sector", s.key()))
                .unwrap_or_else(not_given),
        ),
        (
            tr.t("org-founded"),
            org.founded_year
                .map(|y| y.to_string())
                .unwrap_or_else(not_given),
        ),
        (
            tr.t("org-formal"),
            org.details
                .formal
                .map(|f| {
                    tr.t(if f {
                        "org-formal-true"
                    } else {
                        "org-formal-false"
                    })
                })
                .unwrap_or_else(not_given),
        ),
        (tr.t("org-mandates"), mandates_text(&tr, &org.details)),
        (tr.t("org-areas"), areas_text(&tr, &org.details.areas)),
        (tr.t("org-source"), org.source.clone()),
    ];
    let d = &org.details;
    let contacts = Contacts {
        website: mosaique_hsds::publish::web_address(&d.website),
        email: d.email.clone(),
        phone: d.phone.clone(),
    };
    let name = org.name(lang).to_owned();
    let other = org.name(lang.other());
    let services = match state.app.services_of(org.id).await {
        Ok(services) => services
            .iter()
            .filter(|s| s.status == mosaique_domain::service::ServiceStatus::Active)
            .map(|s| (s.id.to_string(), s.name(lang).to_owned()))
            .collect(),
        Err(e) => return context.page_error(e),
    };
    let manage = manages_services(&context.who, org.id)
        .then(|| format!("/admin/organizations/{}/services", org.slug));
    let page = OrganizationPage {
        services,
        manage,
        shell: context.shell(name.clone(), "directory"),
        other_name: if other == name {
            String::new()
        } else {
            other.to_owned()
        },
        other_lang: lang.other().code(),
        name,
        description: org.description(lang).to_owned(),
        details,
        contacts,
        updated: tr.with("org-updated", "date", &org.updated_at.date_utc()),
    };
    render(&page)
}

/// How to reach an organization; each part shown only when given.
struct Contacts {
    /// A web address with its scheme (only http and https are linked).
    website: Option<String>,
    email: String,
    phone: String,
}

fn mandates_text(tr: &crate::i18n::Tr, d: &mosaique_domain::OrgDetails) -> String {
    let mut parts: Vec<String> = d
        .mandates
        .iter()
        .map(|m| tr.label("mandate", m.key()))
        .collect();
    if !d.mandates_other.trim().is_empty() {
        parts.push(d.mandates_other.trim().to_owned());
    }
    if parts.is_empty() {
        tr.t("org-not-given")
    } else {
        parts.join(", ")
    }
}

fn areas_text(tr: &crate::i18n::Tr, areas: &[mosaique_domain::service::ServiceArea]) -> String {
    if areas.is_empty() {
        return tr.t("org-not-given");
    }
    let names: Vec<String> = areas
        .iter()
        .map(|a| super::query::area_name(tr, a))
        .collect();
    names.join(", ")
}
