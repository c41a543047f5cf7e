//! The shared glossary: the list (in the reader's language, with the other language beside
//! each term) and the form that adds an entry, an entry's page with the form that changes
//! it, and the same over JSON.

use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mosaique_app::glossary::GlossaryView;
use mosaique_domain::coalition::glossary::{Definition, Entry, Framework, NewEntry};
use mosaique_domain::{Bilingual, GlossaryEntryId, Language, OrgId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::api::{not_found, problem};
use super::{form_status as status, name_in, problems};
use crate::AppState;
use crate::api::ApiJson;
use crate::cases::api::unprocessable;
use crate::cases::form::BadValue;
use crate::form::Pairs;
use crate::gate::Ctx;
use crate::problem::{Problem, ProblemBody};
use crate::shell::{PageError, Shell, render_with};

/// A form's entry: the terms, then per framework `{key}_fr`, `{key}_en`, `{key}_reference`;
/// a framework left blank in both languages is not defined.
fn entry_from_form(f: &Pairs) -> NewEntry {
    NewEntry {
        term: Bilingual::new(f.get("term_fr"), f.get("term_en")),
        definitions: Framework::ALL
            .iter()
            .filter_map(|fw| {
                let (fr, en) = (
                    f.get(&format!("{}_fr", fw.key())),
                    f.get(&format!("{}_en", fw.key())),
                );
                (!fr.is_empty() || !en.is_empty()).then(|| Definition {
                    framework: *fw,
                    text: Bilingual::new(fr, en),
                    reference: f.get(&format!("{}_reference", fw.key())),
                })
            })
            .collect(),
    }
}

struct DefinitionRow {
    framework: String,
    text: String,
    reference: String,
}

struct EntryRow {
    id: String,
    term: String,
    /// The term in the other language.
    other: String,
    definitions: Vec<DefinitionRow>,
}

/// One framework's fields in a form, filled with what is there.
struct FrameworkFields {
    key: String,
    label: String,
    fr: String,
    en: String,
    reference: String,
}

fn other(lang: Language) -> Language {
    match lang {
        Language::Fr => Language::En,
        Language::En => Language::Fr,
    }
}

fn framework_label(ctx: &Ctx, fw: Framework) -> String {
    ctx.tr().t(&format!("glossary-framework-{}", fw.key()))
}

fn row(ctx: &Ctx, e: &Entry) -> EntryRow {
    EntryRow {
        id: e.id.to_string(),
        term: e.term.get(ctx.lang).clone(),
        other: e.term.get(other(ctx.lang)).clone(),
        definitions: e
            .definitions
            .iter()
            .map(|d| DefinitionRow {
                framework: framework_label(ctx, d.framework),
                text: d.text.get(ctx.lang).clone(),
                reference: d.reference.clone(),
            })
            .collect(),
    }
}

/// Each framework's fields, filled from `definitions` (an entry's, or what a refused form
/// sent, so that nothing typed is lost).
fn fields(ctx: &Ctx, definitions: &[Definition]) -> Vec<FrameworkFields> {
    Framework::ALL
        .iter()
        .map(|fw| {
            let d = definitions.iter().find(|d| d.framework == *fw);
            FrameworkFields {
                key: fw.key().to_owned(),
                label: framework_label(ctx, *fw),
                fr: d.map(|d| d.text.fr.clone()).unwrap_or_default(),
                en: d.map(|d| d.text.en.clone()).unwrap_or_default(),
                reference: d.map(|d| d.reference.clone()).unwrap_or_default(),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "coalition_glossary.html")]
struct GlossaryPage {
    shell: Shell,
    id: String,
    coalition: String,
    entries: Vec<EntryRow>,
    may_run: bool,
    term_fr: String,
    term_en: String,
    fields: Vec<FrameworkFields>,
    errors: Vec<String>,
}

/// The glossary; after a refused form, its errors and what it sent.
async fn glossary_page(
    state: &AppState,
    ctx: &Ctx,
    id: OrgId,
    refused: Option<(Vec<String>, NewEntry)>,
) -> Response {
    let (errors, sent) = match refused {
        Some((errors, sent)) => (errors, Some(sent)),
        None => (Vec::new(), None),
    };
    let view: GlossaryView = match state.app.glossary(&ctx.who, id).await {
        Ok(view) => view,
        Err(e) => return ctx.page_error(e),
    };
    let coalition = name_in(&view.coalition.name, ctx.lang);
    let mut entries: Vec<EntryRow> = view.entries.iter().map(|e| row(ctx, e)).collect();
    entries.sort_by_key(|e| mosaique_domain::text::fold(&e.term));
    render_with(
        &GlossaryPage {
            shell: ctx.shell(
                ctx.tr().with("glossary-title", "coalition", &coalition),
                "coalitions",
            ),
            id: id.to_string(),
            coalition,
            entries,
            may_run: view.may_run,
            term_fr: sent.as_ref().map(|s| s.term.fr.clone()).unwrap_or_default(),
            term_en: sent.as_ref().map(|s| s.term.en.clone()).unwrap_or_default(),
            fields: fields(ctx, sent.as_ref().map_or(&[][..], |s| &s.definitions)),
            errors: errors.clone(),
        },
        status(&errors),
    )
}

/// `GET /coalitions/{id}/glossary`.
pub(crate) async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    match ctx.id::<OrgId>(&id) {
        Some(id) => glossary_page(&state, &ctx, id, None).await,
        None => ctx.error(PageError::NotFound),
    }
}

/// `POST /coalitions/{id}/glossary`.
pub(crate) async fn add(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Some(id) = ctx.id::<OrgId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    if let Err(e) = state.app.may_run(&ctx.who, id).await {
        return ctx.page_error(e);
    }
    let new = entry_from_form(&Pairs::parse(&body));
    match state
        .app
        .add_glossary_entry(&ctx.who, id, new.clone())
        .await
    {
        Ok(entry) => Redirect::to(&format!("/coalitions/{id}/glossary#e-{entry}")).into_response(),
        Err(e) => match problems(&ctx.tr(), &e) {
            Some(errors) => glossary_page(&state, &ctx, id, Some((errors, new))).await,
            None => ctx.page_error(e),
        },
    }
}

#[derive(Template)]
#[template(path = "glossary_entry.html")]
struct EntryPage {
    shell: Shell,
    id: String,
    coalition_id: String,
    coalition: String,
    entry: EntryRow,
    term_fr: String,
    term_en: String,
    fields: Vec<FrameworkFields>,
    version: i64,
    may_run: bool,
    errors: Vec<String>,
}

/// An entry; after a refused change, its errors and what the form sent.
async fn entry_page(
    state: &AppState,
    ctx: &Ctx,
    id: GlossaryEntryId,
    refused: Option<(Vec<String>, NewEntry)>,
) -> Response {
    let (errors, sent) = match refused {
        Some((errors, sent)) => (errors, Some(sent)),
        None => (Vec::new(), None),
    };
    let view = match state.app.glossary_of(&ctx.who, id).await {
        Ok(view) => view,
        Err(e) => return ctx.page_error(e),
    };
    let Some(entry) = view.entry(id) else {
        return ctx.error(PageError::NotFound);
    };
    render_with(
        &EntryPage {
            shell: ctx.shell(entry.term.get(ctx.lang).clone(), "coalitions"),
            id: id.to_string(),
            coalition_id: view.coalition.id.to_string(),
            coalition: name_in(&view.coalition.name, ctx.lang),
            entry: row(ctx, entry),
            term_fr: sent.as_ref().map_or(&entry.term.fr, |s| &s.term.fr).clone(),
            term_en: sent.as_ref().map_or(&entry.term.en, |s| &s.term.en).clone(),
            fields: fields(
                ctx,
                sent.as_ref().map_or(&entry.definitions, |s| &s.definitions),
            ),
            version: entry.version,
            may_run: view.may_run,
            errors: errors.clone(),
        },
        status(&errors),
    )
}

/// `GET /glossary/{entry}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    match ctx.id::<GlossaryEntryId>(&id) {
        Some(id) => entry_page(&state, &ctx, id, None).await,
        None => ctx.error(PageError::NotFound),
    }
}

/// `POST /glossary/{entry}`.
pub(crate) async fn change(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Some(id) = ctx.id::<GlossaryEntryId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    if let Err(e) = state.app.may_run_glossary_entry(&ctx.who, id).await {
        return ctx.page_error(e);
    }
    let f = Pairs::parse(&body);
    let version = f.get("version").parse().unwrap_or(-1);
    let new = entry_from_form(&f);
    match state
        .app
        .change_glossary_entry(&ctx.who, id, version, new.clone())
        .await
    {
        Ok(()) => Redirect::to(&format!("/glossary/{id}")).into_response(),
        Err(e) => match problems(&ctx.tr(), &e) {
            Some(errors) => entry_page(&state, &ctx, id, Some((errors, new))).await,
            None => ctx.page_error(e),
        },
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DefinitionJson {
    /// `criminal_code`, `irpa`, `palermo` or `practice`.
    pub framework: String,
    pub text_fr: String,
    pub text_en: String,
    /// Where it comes from.
    #[serde(default)]
    pub reference: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct GlossaryEntryJson {
    pub id: String,
    pub term_fr: String,
    pub term_en: String,
    pub definitions: Vec<DefinitionJson>,
    /// Send it back with a change: a change from an older version is refused (409).
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct GlossaryJson {
    /// By French term.
    pub items: Vec<GlossaryEntryJson>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct GlossaryEntryInput {
    pub term_fr: String,
    pub term_en: String,
    pub definitions: Vec<DefinitionJson>,
    /// The version read, to change an entry (ignored when adding one).
    #[serde(default)]
    pub version: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct GlossaryEntryCreatedJson {
    pub id: String,
}

fn entry_json(e: &Entry) -> GlossaryEntryJson {
    GlossaryEntryJson {
        id: e.id.to_string(),
        term_fr: e.term.fr.clone(),
        term_en: e.term.en.clone(),
        definitions: e
            .definitions
            .iter()
            .map(|d| DefinitionJson {
                framework: d.framework.key().to_owned(),
                text_fr: d.text.fr.clone(),
                text_en: d.text.en.clone(),
                reference: d.reference.clone(),
            })
            .collect(),
        version: e.version,
    }
}

/// The entry a body gives, or the frameworks it names that are not in the vocabulary.
fn entry_from_input(ctx: &Ctx, input: GlossaryEntryInput) -> Result<NewEntry, Problem> {
    let mut bad = Vec::new();
    let definitions = input
        .definitions
        .into_iter()
        .filter_map(|d| match d.framework.trim().parse::<Framework>() {
            Ok(framework) => Some(Definition {
                framework,
                text: Bilingual::new(d.text_fr, d.text_en),
                reference: d.reference,
            }),
            Err(_) => {
                bad.push(BadValue {
                    field: "framework",
                    value: d.framework,
                });
                None
            }
        })
        .collect();
    if !bad.is_empty() {
        return Err(unprocessable(ctx.lang, BadValue::explain(&ctx.tr(), &bad)));
    }
    Ok(NewEntry {
        term: Bilingual::new(input.term_fr, input.term_en),
        definitions,
    })
}

/// The coalition's glossary.
#[utoipa::path(
    get,
    path = "/api/v1/coalitions/{id}/glossary",
    tag = "coalition",
    operation_id = "glossary",
    params(("id" = String, Path, description = "The coalition's id")),
    responses(
        (status = 200, description = "Its entries", body = GlossaryJson),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not of the coalition's staff nor of a member organization", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such coalition", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn list_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<GlossaryJson>, Problem> {
    let id = ctx.id::<OrgId>(&id).ok_or_else(|| not_found(&ctx))?;
    let view = state
        .app
        .glossary(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(Json(GlossaryJson {
        items: view.entries.iter().map(entry_json).collect(),
    }))
}

/// Adds an entry to the glossary.
#[utoipa::path(
    post,
    path = "/api/v1/coalitions/{id}/glossary",
    tag = "coalition",
    operation_id = "addGlossaryEntry",
    params(("id" = String, Path, description = "The coalition's id")),
    request_body = GlossaryEntryInput,
    responses(
        (status = 201, description = "Added", body = GlossaryEntryCreatedJson),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not a coalition administrator or coordinator", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such coalition", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "A term or definition missing in one language, no definition, two under one framework, a term the glossary has", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn add_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<ApiJson<GlossaryEntryInput>, Problem>,
) -> Result<(StatusCode, Json<GlossaryEntryCreatedJson>), Problem> {
    let id = ctx.id::<OrgId>(&id).ok_or_else(|| not_found(&ctx))?;
    state
        .app
        .may_run(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    let ApiJson(input) = body?;
    let new = entry_from_input(&ctx, input)?;
    let created = state
        .app
        .add_glossary_entry(&ctx.who, id, new)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok((
        StatusCode::CREATED,
        Json(GlossaryEntryCreatedJson {
            id: created.to_string(),
        }),
    ))
}

/// Changes an entry's terms and definitions.
#[utoipa::path(
    put,
    path = "/api/v1/glossary/{id}",
    tag = "coalition",
    operation_id = "changeGlossaryEntry",
    params(("id" = String, Path, description = "The entry's id")),
    request_body = GlossaryEntryInput,
    responses(
        (status = 204, description = "Changed"),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not a coalition administrator or coordinator", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such entry", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The entry changed since that version", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "A term or definition missing in one language, no definition, two under one framework, a term the glossary has", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn change_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<ApiJson<GlossaryEntryInput>, Problem>,
) -> Result<StatusCode, Problem> {
    let id = ctx
        .id::<GlossaryEntryId>(&id)
        .ok_or_else(|| not_found(&ctx))?;
    state
        .app
        .may_run_glossary_entry(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    let ApiJson(input) = body?;
    let version = input.version.unwrap_or(-1);
    let new = entry_from_input(&ctx, input)?;
    state
        .app
        .change_glossary_entry(&ctx.who, id, version, new)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(StatusCode::NO_CONTENT)
}
