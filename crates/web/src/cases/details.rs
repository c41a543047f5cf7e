//! Changing the person's details of one category after the case is opened: on the case
//! page and over JSON, from the case version read, each change kept as who changed which
//! fields when.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use mosaique_domain::CaseId;
use mosaique_domain::case::DataCategory;
use mosaique_domain::policy::case::CaseAction;

use super::api::{case_id, problem, unprocessable};
use super::form::{BadValue, DetailsInput, details_category};
use super::pages::{after, case_page};
use crate::AppState;
use crate::api::ApiJson;
use crate::form::Pairs;
use crate::gate::Ctx;
use crate::problem::{Problem, ProblemBody, ProblemKind};
use crate::shell::PageError;

/// `POST /cases/{id}/details/{category}`: the part's form.
pub(super) async fn change_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, category)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let (Some(id), Some(category)) = (ctx.id::<CaseId>(&id), details_category(&category)) else {
        return ctx.error(PageError::NotFound);
    };
    // Whoever may not write this category is refused before their form is read.
    let action = CaseAction::Write(category);
    if let Err(e) = state.app.may_act_on_case(&ctx.who, id, action).await {
        return ctx.page_error(e);
    }
    let input = DetailsInput::from_pairs(&Pairs::parse(&body));
    let part = match input.to_part(category) {
        Ok(part) => part,
        Err(bad) => return case_page(&state, &ctx, id, BadValue::explain(&ctx.tr(), &bad)).await,
    };
    let version = input.version.unwrap_or(-1);
    let result = state.app.change_details(&ctx.who, id, version, part).await;
    after(&state, &ctx, id, "person", result).await
}

/// Change the person's details of one category (`identity`, `contact` or `location`), from
/// the case's `version`. Every field of the part is sent as it is to be; a field of another
/// part is refused.
#[utoipa::path(
    put,
    path = "/api/v1/cases/{id}/details/{category}",
    tag = "cases",
    operation_id = "changeDetails",
    params(
        ("id" = String, Path, description = "Case id"),
        ("category" = String, Path, description = "`identity`, `contact` or `location`"),
    ),
    request_body = DetailsInput,
    responses(
        (status = 204, description = "Changed (or already as sent)"),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such case or category, or the caller may not write this category", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The case is closed, or changed since `version`", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "A field of another part, one too long, a date of birth that is not YYYY-MM-DD or YYYY, or no `version`", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn change_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, category)): Path<(String, String)>,
    body: Result<ApiJson<DetailsInput>, Problem>,
) -> Result<StatusCode, Problem> {
    let id = case_id(&ctx, &id)?;
    let category: DataCategory =
        details_category(&category).ok_or_else(|| Problem::new(ProblemKind::NotFound, ctx.lang))?;
    state
        .app
        .may_act_on_case(&ctx.who, id, CaseAction::Write(category))
        .await
        .map_err(|e| ctx.problem(e))?;
    let ApiJson(input) = body?;
    let Some(version) = input.version else {
        return Err(unprocessable(
            ctx.lang,
            vec![ctx.tr().t("case-problem-version")],
        ));
    };
    let part = input
        .to_part(category)
        .map_err(|bad| unprocessable(ctx.lang, BadValue::explain(&ctx.tr(), &bad)))?;
    state
        .app
        .change_details(&ctx.who, id, version, part)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(StatusCode::NO_CONTENT)
}
