//! `/admin/to-classify`: the services an import could not place in any domain, each with its
//! suggested domain, for a coalition administrator to classify. Until then they are in no
//! public view.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use mosaique_app::{AppError, Invalid};
use mosaique_domain::{ServiceDomain, ServiceId};

use super::{Check, check};
use crate::AppState;
use crate::form::Pairs;
use crate::gate::Ctx;
use crate::shell::{Shell, render_with};

struct Waiting {
    id: String,
    name: String,
    /// The name in the other language, when it differs, with that language's code.
    other_name: String,
    other_lang: &'static str,
    description: String,
    organization: String,
    source: String,
    suggested: Option<String>,
    domains: Vec<Check>,
    /// This one's form was sent without a domain.
    error: bool,
}

#[derive(Template)]
#[template(path = "to_classify.html")]
struct ToClassifyPage {
    shell: Shell,
    notice: Option<String>,
    waiting: Vec<Waiting>,
}

/// The page; `refused` after a form sent without a domain (its service named, when known).
async fn page(
    state: &AppState,
    ctx: &Ctx,
    notice: Option<String>,
    refused: Option<Option<ServiceId>>,
) -> Response {
    let items = match state.app.services_to_classify(&ctx.who).await {
        Ok(items) => items,
        Err(e) => return ctx.page_error(e),
    };
    let tr = ctx.tr();
    let mut waiting = Vec::with_capacity(items.len());
    for item in items {
        let organization = match state.app.organization(item.org).await {
            Ok(org) => org.name(ctx.lang).to_owned(),
            Err(e) => return ctx.page_error(e),
        };
        let (name, other_name) = match ctx.lang {
            mosaique_domain::Language::Fr => (&item.service.name.fr, &item.service.name.en),
            mosaique_domain::Language::En => (&item.service.name.en, &item.service.name.fr),
        };
        waiting.push(Waiting {
            id: item.id.to_string(),
            name: name.clone(),
            other_name: if other_name == name {
                String::new()
            } else {
                other_name.clone()
            },
            other_lang: ctx.lang.other().code(),
            description: item.service.description.get(ctx.lang).clone(),
            organization,
            source: item.source.clone(),
            suggested: item.suggested.map(|d| tr.label("domain", d.key())),
            domains: ServiceDomain::ALL
                .iter()
                .map(|d| {
                    check(
                        d.key(),
                        tr.label("domain", d.key()),
                        item.suggested == Some(*d),
                    )
                })
                .collect(),
            error: refused == Some(Some(item.id)),
        });
    }
    let status = if refused.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    render_with(
        &ToClassifyPage {
            shell: ctx.shell(tr.t("classify-title"), "admin"),
            notice,
            waiting,
        },
        status,
    )
}

/// `GET /admin/to-classify` (`?classified=1` after a service was classified).
pub(crate) async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(query): RawQuery,
) -> Response {
    let classified = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .any(|(k, v)| k == "classified" && v == "1");
    let notice = classified.then(|| ctx.tr().t("classify-done"));
    page(&state, &ctx, notice, None).await
}

/// `POST /admin/to-classify`: one service's domains.
pub(crate) async fn classify(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> Response {
    let f = Pairs::parse(&body);
    // The page must be the administrator's before any form is judged.
    if let Err(e) = state.app.services_to_classify(&ctx.who).await {
        return ctx.page_error(e);
    }
    let Ok(id) = f.get("id").parse::<ServiceId>() else {
        return page(&state, &ctx, None, Some(None)).await;
    };
    let domains: Vec<ServiceDomain> = f
        .all("domain")
        .iter()
        .filter_map(|d| d.parse().ok())
        .collect();
    match state.app.classify_service(&ctx.who, id, &domains).await {
        Ok(_) => Redirect::to("/admin/to-classify?classified=1").into_response(),
        Err(AppError::Invalid(Invalid::Service(_))) => {
            page(&state, &ctx, None, Some(Some(id))).await
        }
        Err(e) => ctx.page_error(e),
    }
}
