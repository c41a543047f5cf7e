//! "Our services": an organization's services, with the one-click capacity update its
//! staff use ("beds available tonight") and the 180-day review flag; the way to the service
//! and site forms for its admins. Decisions and writes are `mosaique_app`'s.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mosaique_app::directory::editing::OurServices;
use mosaique_app::{App, AppError, CapacityProblem, Invalid};
use mosaique_domain::service::{CapacityUnit, Service};
use mosaique_domain::{Organization, ServiceId, Timestamp};

use crate::AppState;
use crate::form::Pairs;
use crate::gate::Ctx;
use crate::i18n::Arg;
use crate::shell::{PageError, Shell, render};

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
            mosaique_domain::text::fold(&s.name.fr),
            mosaique_domain::text::fold(&s.name.en)
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

pub(crate) async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let raw = query.unwrap_or_default();
    let updated = form_urlencoded::parse(raw.as_bytes())
        .find(|(k, _)| k == "updated")
        .and_then(|(_, v)| v.parse::<ServiceId>().ok());
    let view = ListQuery::parse(&raw);
    list_page(&state, &ctx, &slug, None, &view, updated).await
}

/// The list, with a notice about what was just tried.
async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    notice: Option<String>,
    view: &ListQuery,
    updated: Option<ServiceId>,
) -> Response {
    let ours = match state.app.our_services(&ctx.who, slug).await {
        Ok(ours) => ours,
        Err(e) => return ctx.page_error(e),
    };
    let OurServices {
        organization: org,
        services,
        sites: locations,
        may_edit,
    } = ours;
    let org = &org;
    let tr = ctx.tr();
    let now = App::now_ms();
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
            capacity: crate::directory::services::capacity_line(&tr, s, now).map(|(l, _)| l),
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
        can_edit: may_edit,
        services: rows,
        due: (due > 0).then(|| tr.count("adm-svc-due", due as i64)),
        locations: locations
            .iter()
            .map(|l| {
                (
                    l.id.to_string(),
                    format!("{} — {}", l.name.fr, l.city),
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

/// The one-click update: "beds available tonight".
pub(crate) async fn capacity(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Ok(id) = id.parse::<ServiceId>() else {
        return ctx.error(PageError::NotFound);
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
        // A count that does not parse: nothing to ask the use case until it does, but the
        // list is shown only to those who may update it.
        if let Err(e) = state.app.may_update_capacity(&ctx.who, id).await {
            return ctx.page_error(e);
        }
        return refused(&state, &ctx, id, &view, tr.t("adm-svc-capacity-bad")).await;
    };
    match state
        .app
        .update_capacity(&ctx.who, id, unit, available, total)
        .await
    {
        Ok(org) => Redirect::to(&list_href(&org, &view, Some(id))).into_response(),
        Err(AppError::Invalid(Invalid::Capacity(CapacityProblem::OverTotal))) => {
            refused(&state, &ctx, id, &view, tr.t("adm-svc-capacity-over")).await
        }
        Err(e) => ctx.page_error(e),
    }
}

/// The list again, with what went wrong with a capacity update.
async fn refused(
    state: &AppState,
    ctx: &Ctx,
    id: ServiceId,
    view: &ListQuery,
    message: String,
) -> Response {
    match state.app.service_organization(id).await {
        Ok(org) => {
            let mut page = list_page(state, ctx, &org.slug, Some(message), view, None).await;
            if page.status().is_success() {
                *page.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            }
            page
        }
        Err(e) => ctx.page_error(e),
    }
}

pub(crate) async fn reviewed(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Ok(id) = id.parse::<ServiceId>() else {
        return ctx.error(PageError::NotFound);
    };
    let view = ListQuery::parse(&Pairs::parse(&body).get("back"));
    match state.app.confirm_reviewed(&ctx.who, id).await {
        Ok(org) => Redirect::to(&list_href(&org, &view, None)).into_response(),
        Err(e) => ctx.page_error(e),
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
