//! Documents on the case page and over JSON: added as a file (a form's multipart upload, or
//! the API's raw body), always served back as a download that no browser renders or runs.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use mosaique_domain::case::{
    DOCUMENT_MAX_BYTES, DataCategory, DocumentInfo, DocumentProblem, DocumentType, NewDocument,
    Party, ascii_file_name,
};
use mosaique_domain::policy::case::CaseAction;
use mosaique_domain::{CaseId, DocumentId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::api::{CreatedJson, case_id, problem, unprocessable};
use super::form::BadValue;
use super::pages::{after, case_page, party_name};
use crate::AppState;
use crate::gate::Ctx;
use crate::i18n::{Arg, Tr};
use crate::problem::{Problem, ProblemBody, ProblemKind};
use crate::shell::PageError;

/// The body limit of an upload: the largest document and a multipart form's overhead.
pub(crate) fn upload_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(DOCUMENT_MAX_BYTES + 64 * 1024)
}

/// One document as the case page lists it.
#[derive(Debug)]
pub(crate) struct DocumentRow {
    pub href: String,
    pub name: String,
    pub category: String,
    pub kind: String,
    pub size: String,
    pub added: String,
}

/// A file's size as people read it ("12 Ko", "12 KB").
pub(crate) fn size_label(tr: &Tr, bytes: u64) -> String {
    tr.t_args(
        "document-size",
        &[(
            "kb",
            Arg::Int(i64::try_from(bytes.div_ceil(1024)).unwrap_or(i64::MAX)),
        )],
    )
}

pub(crate) fn document_row(
    tr: &Tr,
    case: CaseId,
    d: &DocumentInfo,
    names: &[(Party, String)],
) -> DocumentRow {
    DocumentRow {
        href: format!("/cases/{case}/documents/{}", d.id),
        name: d.name.clone(),
        category: tr.label("data_category", d.category.key()),
        kind: d.kind.key().to_uppercase(),
        size: size_label(tr, d.size),
        added: format!(
            "{} — {} · {}",
            d.added_by_name,
            party_name(tr, d.party, names),
            mosaique_domain::time::local_date(d.added_at, mosaique_domain::time::DEFAULT_TIME_ZONE)
        ),
    }
}

/// A document on a case: its description; its bytes are at `href`.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DocumentJson {
    pub id: String,
    pub category: String,
    pub name: String,
    /// The media type found from its bytes.
    pub media_type: String,
    pub size: u64,
    pub added_by: String,
    pub added_at: String,
    pub href: String,
}

pub(crate) fn document_json(case: CaseId, d: &DocumentInfo) -> DocumentJson {
    DocumentJson {
        id: d.id.to_string(),
        category: d.category.key().to_owned(),
        name: d.name.clone(),
        media_type: d.kind.media_type().to_owned(),
        size: d.size,
        added_by: d.added_by_name.clone(),
        added_at: d.added_at.to_rfc3339(),
        href: format!("/api/v1/cases/{case}/documents/{}", d.id),
    }
}

fn bad_category(tr: &Tr, value: &str) -> Vec<String> {
    BadValue::explain(
        tr,
        &[BadValue {
            field: "category",
            value: value.to_owned(),
        }],
    )
}

/// `POST /cases/{id}/documents`: the form's file (multipart), with its category.
pub(super) async fn upload_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let Some(id) = ctx.id::<CaseId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    // Whoever has nothing to do with the case is refused before their file is read.
    if let Err(e) = state
        .app
        .may_act_on_case(&ctx.who, id, CaseAction::View)
        .await
    {
        return ctx.page_error(e);
    }
    let tr = ctx.tr();
    let Ok(mut form) = form else {
        let message = tr.t(DocumentProblem::Empty.message_id());
        return ctx.error(PageError::BadRequest(message));
    };
    let (mut category, mut file) = (String::new(), None);
    loop {
        match form.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("category") => category = field.text().await.unwrap_or_default(),
                Some("file") => {
                    let name = field.file_name().unwrap_or_default().to_owned();
                    match field.bytes().await {
                        Ok(bytes) => file = Some((name, bytes)),
                        Err(_) => return too_large(&state, &ctx, id).await,
                    }
                }
                _ => {}
            },
            Ok(None) => break,
            Err(_) => return too_large(&state, &ctx, id).await,
        }
    }
    let Ok(category) = category.trim().parse::<DataCategory>() else {
        return case_page(&state, &ctx, id, bad_category(&tr, &category)).await;
    };
    let (name, bytes) = file.unwrap_or_default();
    let document = NewDocument {
        category,
        name,
        bytes: bytes.to_vec(),
    };
    let result = state
        .app
        .add_document(&ctx.who, id, document)
        .await
        .map(|_| ());
    after(&state, &ctx, id, "documents", result).await
}

/// A form that could not be read whole: over the limit (the one way a well-formed browser
/// upload fails).
async fn too_large(state: &AppState, ctx: &Ctx, id: CaseId) -> Response {
    let message = ctx.tr().t(DocumentProblem::TooLarge.message_id());
    let mut page = case_page(state, ctx, id, vec![message]).await;
    *page.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
    page
}

/// A file's bytes as a download: never rendered inline, never sniffed into something else,
/// never cached (a case's document, a coalition library's file).
pub(crate) fn download(name: &str, kind: DocumentType, bytes: Vec<u8>) -> Response {
    let ascii = ascii_file_name(name);
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(kind.media_type()),
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `GET /cases/{id}/documents/{document}`.
pub(super) async fn download_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, document)): Path<(String, String)>,
) -> Response {
    let (Some(id), Some(document)) = (ctx.id::<CaseId>(&id), ctx.id::<DocumentId>(&document))
    else {
        return ctx.error(PageError::NotFound);
    };
    match state.app.document(&ctx.who, id, document).await {
        Ok((info, bytes)) => download(&info.name, info.kind, bytes),
        Err(e) => ctx.page_error(e),
    }
}

/// What the API's upload says about the file its body is.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct UploadQuery {
    /// The data category the document is of (`identity`, `health`, `immigration`…): who
    /// reads it is who the person's consent opens that category to.
    pub category: String,
    /// The file's name (it may name the person: it is sealed like the content).
    pub name: String,
}

/// A document's bytes, as the upload's body (for the OpenAPI document).
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)] // Describes the raw body; the handler reads `Bytes`.
pub(crate) struct DocumentBytes(Vec<u8>);

/// Add a document: the body is the file's bytes (at most 10 MiB). Its type is found from
/// the bytes, whatever `Content-Type` says; only PDF, PNG, JPEG, WebP and plain text are
/// kept.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/documents",
    tag = "cases",
    operation_id = "addDocument",
    params(("id" = String, Path, description = "Case id"), UploadQuery),
    request_body(content = DocumentBytes, content_type = "application/octet-stream"),
    responses(
        (status = 201, description = "Kept", body = CreatedJson),
        (status = 400, description = "No `category` or `name`", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or the caller may not write the category", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The case is closed", body = ProblemBody, content_type = "application/problem+json"),
        (status = 413, description = "Larger than 10 MiB", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "An unknown category; an empty document, a missing or too long name; a type that could run code (HTML, SVG, XML, a program) or that is not kept", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn upload_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    query: Result<Query<UploadQuery>, axum::extract::rejection::QueryRejection>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<(StatusCode, axum::Json<CreatedJson>), Problem> {
    let id = case_id(&ctx, &id)?;
    state
        .app
        .may_act_on_case(&ctx.who, id, CaseAction::View)
        .await
        .map_err(|e| ctx.problem(e))?;
    let Ok(Query(query)) = query else {
        return Err(Problem::new(ProblemKind::BadRequest, ctx.lang));
    };
    let Ok(bytes) = body else {
        return Err(too_large_problem(&ctx));
    };
    let category: DataCategory = query
        .category
        .trim()
        .parse()
        .map_err(|_| unprocessable(ctx.lang, bad_category(&ctx.tr(), &query.category)))?;
    let document = NewDocument {
        category,
        name: query.name,
        bytes: bytes.to_vec(),
    };
    let created = state
        .app
        .add_document(&ctx.who, id, document)
        .await
        .map_err(|e| match e {
            // Too large is said as such, whether the transport or the check found it.
            mosaique_app::AppError::Invalid(mosaique_app::Invalid::Document(problems))
                if problems.contains(&DocumentProblem::TooLarge) =>
            {
                too_large_problem(&ctx)
            }
            e => problem(&ctx, e),
        })?;
    Ok((
        StatusCode::CREATED,
        axum::Json(CreatedJson {
            id: created.to_string(),
            reference: None,
        }),
    ))
}

fn too_large_problem(ctx: &Ctx) -> Problem {
    Problem::new(ProblemKind::PayloadTooLarge, ctx.lang)
        .with_detail(ctx.tr().t(DocumentProblem::TooLarge.message_id()))
}

/// Download a document of a category disclosed to the caller (audited; registered when no
/// consent covers it). Always `Content-Disposition: attachment`.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}/documents/{document}",
    tag = "cases",
    operation_id = "getDocument",
    params(
        ("id" = String, Path, description = "Case id"),
        ("document" = String, Path, description = "Document id"),
    ),
    responses(
        (status = 200, description = "The document's bytes, as a download, of the type its bytes were found to be", content(
            (DocumentBytes = "application/pdf"),
            (DocumentBytes = "image/png"),
            (DocumentBytes = "image/jpeg"),
            (DocumentBytes = "image/webp"),
            (DocumentBytes = "text/plain; charset=utf-8"),
        )),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such case or document, or its category is not disclosed to the caller", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn download_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, document)): Path<(String, String)>,
) -> Result<Response, Problem> {
    let id = case_id(&ctx, &id)?;
    let document: DocumentId = ctx
        .id(&document)
        .ok_or_else(|| Problem::new(ProblemKind::NotFound, ctx.lang))?;
    let (info, bytes) = state
        .app
        .document(&ctx.who, id, document)
        .await
        .map_err(|e| ctx.problem(e))?;
    Ok(download(&info.name, info.kind, bytes))
}
