//! The coalition's wording of the case vocabularies: the page where its administrators
//! word or retire a value, the API that lists them, and the labels every case page uses.

use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use mosaique_app::{AppError, Invalid};
use mosaique_domain::Language;
use mosaique_domain::case::{CONFIGURABLE, TermSetting, Terms};
use serde::Serialize;
use utoipa::ToSchema;

use super::pages::Choice;
use crate::AppState;
use crate::form::Pairs;
use crate::gate::Ctx;
use crate::i18n::Tr;
use crate::problem::{Problem, ProblemBody};
use crate::shell::{Shell, render_with};

/// The coalition's words over the shipped ones, for one reader's language.
pub(crate) struct Wording<'a> {
    pub tr: &'a Tr,
    pub terms: &'a Terms,
}

impl<'a> Wording<'a> {
    pub fn new(tr: &'a Tr, terms: &'a Terms) -> Wording<'a> {
        Wording { tr, terms }
    }

    pub fn label(&self, vocabulary: &str, key: &str) -> String {
        self.terms
            .label(vocabulary, key, self.tr.lang)
            .map_or_else(|| self.tr.label(vocabulary, key), str::to_owned)
    }

    /// The values a new case may take, worded.
    pub fn choices(&self, vocabulary: &str, keys: &[&'static str]) -> Vec<Choice> {
        keys.iter()
            .filter(|k| !self.terms.retired(vocabulary, k))
            .map(|k| ((*k).to_owned(), self.label(vocabulary, k)))
            .collect()
    }
}

#[derive(Debug)]
struct TermRow {
    vocabulary: &'static str,
    key: &'static str,
    shipped_fr: String,
    shipped_en: String,
    label_fr: String,
    label_en: String,
    retired: bool,
    /// What a form falls back to: never retired.
    default: bool,
}

#[derive(Template)]
#[template(path = "vocabularies.html")]
struct VocabulariesPage {
    shell: Shell,
    groups: Vec<(String, Vec<TermRow>)>,
    errors: Vec<String>,
}

async fn page(state: &AppState, ctx: &Ctx, errors: Vec<String>) -> Response {
    if let Err(e) = state.app.may_manage_terms(&ctx.who).await {
        return ctx.page_error(e);
    }
    let terms = match state.app.case_terms().await {
        Ok(terms) => terms,
        Err(e) => return ctx.page_error(e),
    };
    let tr = ctx.tr();
    let (fr, en) = (Tr::new(Language::Fr), Tr::new(Language::En));
    let groups = CONFIGURABLE
        .iter()
        .map(|v| {
            let vocabulary = v.name;
            let rows = (v.keys)()
                .into_iter()
                .map(|key| TermRow {
                    vocabulary,
                    key,
                    shipped_fr: fr.label(vocabulary, key),
                    shipped_en: en.label(vocabulary, key),
                    label_fr: terms
                        .label(vocabulary, key, Language::Fr)
                        .unwrap_or_default()
                        .to_owned(),
                    label_en: terms
                        .label(vocabulary, key, Language::En)
                        .unwrap_or_default()
                        .to_owned(),
                    retired: terms.retired(vocabulary, key),
                    default: key == v.default,
                })
                .collect();
            (
                tr.t(&format!(
                    "terms-vocabulary-{}",
                    vocabulary.replace('_', "-")
                )),
                rows,
            )
        })
        .collect();
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = VocabulariesPage {
        shell: ctx.shell(tr.t("terms-title"), "admin"),
        groups,
        errors,
    };
    render_with(&page, status)
}

/// `GET /admin/vocabularies`.
pub(super) async fn show(State(state): State<AppState>, ctx: Ctx) -> Response {
    page(&state, &ctx, Vec::new()).await
}

/// `POST /admin/vocabularies`: one value's wording and whether it is retired.
pub(super) async fn set(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> Response {
    if let Err(e) = state.app.may_manage_terms(&ctx.who).await {
        return ctx.page_error(e);
    }
    let f = Pairs::parse(&body);
    let setting = TermSetting {
        vocabulary: f.get("vocabulary"),
        key: f.get("key"),
        label_fr: Some(f.get("label_fr")),
        label_en: Some(f.get("label_en")),
        retired: f.get("retired") == "on",
    };
    match state.app.set_case_term(&ctx.who, setting).await {
        Ok(()) => Redirect::to("/admin/vocabularies").into_response(),
        Err(AppError::Invalid(Invalid::Terms(problems))) => {
            let tr = ctx.tr();
            let errors = problems.iter().map(|p| tr.t(p.message_id())).collect();
            page(&state, &ctx, errors).await
        }
        Err(e) => ctx.page_error(e),
    }
}

/// One value of a case vocabulary, as the coalition words it.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TermJson {
    pub key: String,
    pub label_fr: String,
    pub label_en: String,
    /// New cases no longer take it; cases that have it keep it.
    pub retired: bool,
}

/// A case vocabulary: `exploitation`, `trafficking_scope` or `closure_reason`.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct VocabularyJson {
    pub vocabulary: String,
    pub values: Vec<TermJson>,
}

/// The case vocabularies as the coalition words them (labels in both languages), with the
/// values retired from new cases.
#[utoipa::path(
    get,
    path = "/api/v1/vocabularies",
    tag = "cases",
    operation_id = "listVocabularies",
    responses(
        (status = 200, description = "Every configurable vocabulary", body = Vec<VocabularyJson>),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn list_api(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<VocabularyJson>>, Problem> {
    let terms = state
        .app
        .vocabularies(&ctx.who)
        .await
        .map_err(|e| ctx.problem(e))?;
    let (fr, en) = (Tr::new(Language::Fr), Tr::new(Language::En));
    Ok(Json(
        CONFIGURABLE
            .iter()
            .map(|v| (v.name, (v.keys)()))
            .map(|(vocabulary, keys)| VocabularyJson {
                vocabulary: vocabulary.to_owned(),
                values: keys
                    .into_iter()
                    .map(|key| TermJson {
                        key: key.to_owned(),
                        label_fr: Wording {
                            tr: &fr,
                            terms: &terms,
                        }
                        .label(vocabulary, key),
                        label_en: Wording {
                            tr: &en,
                            terms: &terms,
                        }
                        .label(vocabulary, key),
                        retired: terms.retired(vocabulary, key),
                    })
                    .collect(),
            })
            .collect(),
    ))
}
