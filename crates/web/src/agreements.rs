//! Collaboration agreements (ententes): the list, and for the coalition's administrators,
//! recording and ending one and the rule that a data flow between organizations needs one.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use mosaique_app::agreements::AgreementsView;
use mosaique_app::{App, AppError, Invalid};
use mosaique_domain::case::{
    AgreementRecord, CategorySet, DataCategory, NewAgreement, Party, Recipient,
};
use mosaique_domain::time::{DEFAULT_TIME_ZONE, local_date, local_day};
use mosaique_domain::{AgreementId, Sector, Timestamp};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::ApiJson;
use crate::cases::form::BadValue;
use crate::form::Pairs;
use crate::gate::Ctx;
use crate::i18n::Tr;
use crate::problem::{Problem, ProblemBody, ProblemKind};
use crate::shell::{PageError, Shell, render_with};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/agreements", get(list).post(create))
        .route("/agreements/rule", post(set_rule))
        .route("/agreements/entry-model", post(set_entry_model))
        .route("/agreements/{id}/end", post(end))
}

/// An agreement as text: from a form or a JSON body.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AgreementInput {
    pub title: String,
    pub purpose: String,
    /// `org:<uuid>`, `sector:<key>` or `coalition`: at least two ends, or one sector.
    pub parties: Vec<String>,
    /// Data category keys.
    pub categories: Vec<String>,
    /// The first day it holds (`YYYY-MM-DD`, Québec time).
    pub starts_on: String,
    /// The last day it holds, if it ends.
    #[serde(default)]
    pub ends_on: Option<String>,
    /// Where the signed document is kept.
    #[serde(default)]
    pub document: String,
}

impl AgreementInput {
    fn to_new(&self) -> Result<NewAgreement, Vec<BadValue>> {
        let mut bad = Vec::new();
        let mut flag = |field: &'static str, value: &str| {
            bad.push(BadValue {
                field,
                value: value.to_owned(),
            })
        };
        let parties: Vec<Recipient> = self
            .parties
            .iter()
            .filter_map(|p| p.parse().map_err(|_| flag("parties", p)).ok())
            .collect();
        let categories: CategorySet = self
            .categories
            .iter()
            .filter_map(|c| {
                c.parse::<DataCategory>()
                    .map_err(|_| flag("categories", c))
                    .ok()
            })
            .collect();
        let starts = local_day(&self.starts_on, DEFAULT_TIME_ZONE).map(|(start, _)| start);
        if starts.is_none() {
            flag("starts_on", &self.starts_on);
        }
        let ends = match self.ends_on.as_deref().filter(|e| !e.is_empty()) {
            None => Some(None),
            Some(e) => match App::end_of_day(e) {
                Some(end) => Some(Some(end)),
                None => {
                    flag("ends_on", e);
                    None
                }
            },
        };
        match (starts, ends) {
            (Some(starts_at), Some(ends_at)) if bad.is_empty() => Ok(NewAgreement {
                title: self.title.clone(),
                purpose: self.purpose.clone(),
                parties,
                categories,
                starts_at,
                ends_at,
                document: self.document.clone(),
            }),
            _ => Err(bad),
        }
    }
}

#[derive(Debug)]
struct AgreementRow {
    id: String,
    title: String,
    purpose: String,
    parties: String,
    categories: String,
    period: String,
    document: String,
    live: bool,
}

type Choice = (String, String);

#[derive(Template)]
#[template(path = "agreements.html")]
struct AgreementsPage {
    shell: Shell,
    rows: Vec<AgreementRow>,
    require_agreement: bool,
    /// The coalition takes every intake at its coordinators' desk (a single point of entry).
    single_entry: bool,
    may_manage: bool,
    sectors: Vec<Choice>,
    categories: Vec<Choice>,
    today: String,
    errors: Vec<String>,
}

async fn party_label(state: &AppState, tr: &Tr, party: &Recipient) -> String {
    match party {
        Recipient::Party(Party::Coalition) => tr.t("case-party-coalition"),
        Recipient::Party(Party::Organization(org)) => match state.app.organization(*org).await {
            Ok(o) => o.name(tr.lang).to_owned(),
            Err(_) => tr.t("case-party-unknown"),
        },
        Recipient::Sector(sector) => tr.with(
            "consent-sector",
            "sector",
            &tr.label("sector", sector.key()),
        ),
    }
}

async fn row(state: &AppState, tr: &Tr, a: &AgreementRecord, now: Timestamp) -> AgreementRow {
    let mut parties = Vec::new();
    for p in &a.parties {
        parties.push(party_label(state, tr, p).await);
    }
    let date = |t: Timestamp| local_date(t, DEFAULT_TIME_ZONE);
    let period = match a.ends_at {
        Some(end) => tr.t_args(
            "consent-period",
            &[
                ("from", crate::i18n::Arg::Text(date(a.starts_at))),
                ("to", crate::i18n::Arg::Text(date(Timestamp(end.0 - 1)))),
            ],
        ),
        None => tr.with("agreement-from", "date", &date(a.starts_at)),
    };
    AgreementRow {
        id: a.id.to_string(),
        title: a.title.clone(),
        purpose: a.purpose.clone(),
        parties: parties.join(", "),
        categories: crate::privacy::categories_text(tr, a.categories),
        period,
        document: a.document.clone(),
        live: a.agreement().is_live(now),
    }
}

async fn page(state: &AppState, ctx: &Ctx, errors: Vec<String>) -> Response {
    let tr = ctx.tr();
    let view: AgreementsView = match state.app.agreements(&ctx.who).await {
        Ok(view) => view,
        Err(e) => return ctx.page_error(e),
    };
    let now = Timestamp(App::now_ms());
    let mut rows = Vec::with_capacity(view.agreements.len());
    for a in &view.agreements {
        rows.push(row(state, &tr, a, now).await);
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let single_entry = match state.app.entry_model().await {
        Ok(model) => model == mosaique_domain::referral::EntryModel::Single,
        Err(e) => return ctx.page_error(e),
    };
    let page = AgreementsPage {
        shell: ctx.shell(tr.t("agreements-title"), "agreements"),
        rows,
        require_agreement: view.require_agreement,
        single_entry,
        may_manage: view.may_manage,
        sectors: Sector::ALL
            .iter()
            .map(|s| {
                (
                    Recipient::Sector(*s).to_string(),
                    tr.label("sector", s.key()),
                )
            })
            .collect(),
        categories: DataCategory::ALL
            .iter()
            .map(|c| (c.key().to_owned(), tr.label("data_category", c.key())))
            .collect(),
        today: local_date(now, DEFAULT_TIME_ZONE),
        errors,
    };
    render_with(&page, status)
}

async fn list(State(state): State<AppState>, ctx: Ctx) -> Response {
    page(&state, &ctx, Vec::new()).await
}

fn agreement_errors(tr: &Tr, error: &AppError) -> Option<Vec<String>> {
    match error {
        AppError::Invalid(Invalid::Agreement(problems)) => {
            Some(problems.iter().map(|p| tr.t(p.message_id())).collect())
        }
        _ => None,
    }
}

async fn create(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> Response {
    let tr = ctx.tr();
    if let Err(e) = state.app.may_manage_agreements(&ctx.who).await {
        return ctx.page_error(e);
    }
    let f = Pairs::parse(&body);
    // Organizations are named by their directory slugs; sectors and the coalition by key.
    let mut parties = f.all("parties");
    let mut unknown = Vec::new();
    for slug in f
        .get("organizations")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        match state.app.organization_by_slug(slug).await {
            Ok(o) => parties.push(Recipient::Party(Party::Organization(o.id)).to_string()),
            Err(AppError::NotFound) => unknown.push(BadValue {
                field: "organizations",
                value: slug.to_owned(),
            }),
            Err(e) => return ctx.page_error(e),
        }
    }
    let input = AgreementInput {
        title: f.get("title"),
        purpose: f.get("purpose"),
        parties,
        categories: f.all("categories"),
        starts_on: f.get("starts_on"),
        ends_on: Some(f.get("ends_on")),
        document: f.get("document"),
    };
    let new = match input.to_new() {
        Ok(new) if unknown.is_empty() => new,
        Ok(_) => return page(&state, &ctx, BadValue::explain(&tr, &unknown)).await,
        Err(mut bad) => {
            bad.extend(unknown);
            return page(&state, &ctx, BadValue::explain(&tr, &bad)).await;
        }
    };
    match state.app.record_agreement(&ctx.who, new).await {
        Ok(_) => Redirect::to("/agreements").into_response(),
        Err(e) => match agreement_errors(&tr, &e) {
            Some(errors) => page(&state, &ctx, errors).await,
            None => ctx.page_error(e),
        },
    }
}

async fn end(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let Some(id) = ctx.id::<AgreementId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    match state.app.end_agreement(&ctx.who, id).await {
        Ok(()) => Redirect::to("/agreements").into_response(),
        Err(e) => ctx.page_error(e),
    }
}

/// `POST /agreements/entry-model`: a single point of entry, or several.
async fn set_entry_model(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> Response {
    use mosaique_domain::referral::EntryModel;
    let model = if Pairs::parse(&body).on("single") {
        EntryModel::Single
    } else {
        EntryModel::Several
    };
    match state.app.set_entry_model(&ctx.who, model).await {
        Ok(()) => Redirect::to("/agreements").into_response(),
        Err(e) => ctx.page_error(e),
    }
}

async fn set_rule(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> Response {
    let required = Pairs::parse(&body).on("required");
    match state.app.set_require_agreement(&ctx.who, required).await {
        Ok(()) => Redirect::to("/agreements").into_response(),
        Err(e) => ctx.page_error(e),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AgreementJson {
    pub id: String,
    pub title: String,
    pub purpose: String,
    pub parties: Vec<String>,
    pub categories: Vec<String>,
    pub starts_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ends_at: Option<String>,
    pub document: String,
    pub live: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AgreementListJson {
    pub items: Vec<AgreementJson>,
    /// A data flow from a case's lead to another organization needs a live agreement as
    /// well as the person's consent.
    pub require_agreement: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AgreementCreatedJson {
    pub id: String,
}

/// The coalition's collaboration agreements.
#[utoipa::path(
    get,
    path = "/api/v1/agreements",
    tag = "cases",
    operation_id = "listAgreements",
    responses(
        (status = 200, description = "Every agreement, newest first", body = AgreementListJson),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Analysts see aggregates only", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn list_api(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<AgreementListJson>, Problem> {
    let view = state
        .app
        .agreements(&ctx.who)
        .await
        .map_err(|e| ctx.problem(e))?;
    let now = Timestamp(App::now_ms());
    Ok(Json(AgreementListJson {
        items: view
            .agreements
            .iter()
            .map(|a| AgreementJson {
                id: a.id.to_string(),
                title: a.title.clone(),
                purpose: a.purpose.clone(),
                parties: a.parties.iter().map(ToString::to_string).collect(),
                categories: a.categories.keys().into_iter().map(str::to_owned).collect(),
                starts_at: a.starts_at.to_rfc3339(),
                ends_at: a.ends_at.map(Timestamp::to_rfc3339),
                document: a.document.clone(),
                live: a.agreement().is_live(now),
            })
            .collect(),
        require_agreement: view.require_agreement,
    }))
}

/// Record an agreement (the coalition's administrators).
#[utoipa::path(
    post,
    path = "/api/v1/agreements",
    tag = "cases",
    operation_id = "recordAgreement",
    request_body = AgreementInput,
    responses(
        (status = 201, description = "Recorded", body = AgreementCreatedJson),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not a coalition administrator", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Fewer than two parties, no category, an unknown value or an end before the start", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn create_api(
    State(state): State<AppState>,
    ctx: Ctx,
    body: Result<ApiJson<AgreementInput>, Problem>,
) -> Result<(StatusCode, Json<AgreementCreatedJson>), Problem> {
    state
        .app
        .may_manage_agreements(&ctx.who)
        .await
        .map_err(|e| ctx.problem(e))?;
    let ApiJson(input) = body?;
    let tr = ctx.tr();
    let unprocessable = |details: Vec<String>| {
        Problem::new(ProblemKind::Unprocessable, ctx.lang).with_detail(details.join("; "))
    };
    let new = input
        .to_new()
        .map_err(|bad| unprocessable(BadValue::explain(&tr, &bad)))?;
    let id =
        state
            .app
            .record_agreement(&ctx.who, new)
            .await
            .map_err(|e| match agreement_errors(&tr, &e) {
                Some(details) => unprocessable(details),
                None => ctx.problem(e),
            })?;
    Ok((
        StatusCode::CREATED,
        Json(AgreementCreatedJson { id: id.to_string() }),
    ))
}
