//! The resource library: the list (searchable by audience and theme) with the form that
//! shares a document or a link, a file's download, withdrawing; and the same over JSON. A
//! visitor without a session reads the public shelf; a meeting's page adds its documents
//! through the same form.

use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mosaique_app::library::LibraryView;
use mosaique_domain::case::DocumentProblem;
use mosaique_domain::coalition::library::{
    Audience, Content, NewFile, NewResource, Resource, ResourceLanguage, Theme, Visibility,
    matching,
};
use mosaique_domain::{Bilingual, MeetingId, OrgId, ResourceId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::api::{not_found, problem};
use super::{name_in, problems};
use crate::AppState;
use crate::api::{ApiJson, ApiQuery};
use crate::cases::api::unprocessable;
use crate::cases::documents::{download, size_label};
use crate::cases::form::{BadValue, vocab};
use crate::gate::Ctx;
use crate::i18n::Tr;
use crate::problem::{Problem, ProblemBody, ProblemKind};
use crate::shell::{PageError, Shell, render_with};

/// A resource as its form or its JSON gives it, as text: every value is checked once, by
/// [`ResourceText::to_new`].
#[derive(Debug, Clone, Default)]
pub(crate) struct ResourceText {
    pub(crate) title_fr: String,
    pub(crate) title_en: String,
    pub(crate) summary_fr: String,
    pub(crate) summary_en: String,
    pub(crate) audiences: Vec<String>,
    pub(crate) themes: Vec<String>,
    pub(crate) visibility: String,
    pub(crate) language: String,
    pub(crate) meeting: String,
    pub(crate) link: String,
}

impl ResourceText {
    fn to_new(&self, file: Option<NewFile>) -> Result<NewResource, Vec<BadValue>> {
        let mut bad = Vec::new();
        let audiences: Vec<Audience> = self
            .audiences
            .iter()
            .filter_map(|a| vocab("audience", a, &mut bad))
            .collect();
        let themes: Vec<Theme> = self
            .themes
            .iter()
            .filter_map(|t| vocab("theme", t, &mut bad))
            .collect();
        let visibility = vocab("visibility", &self.visibility, &mut bad);
        let language = vocab("resource_language", &self.language, &mut bad);
        let meeting = match self.meeting.trim() {
            "" => None,
            raw => vocab::<MeetingId>("meeting_id", raw, &mut bad),
        };
        match (visibility, language) {
            (Some(visibility), Some(language)) if bad.is_empty() => Ok(NewResource {
                title: Bilingual::new(self.title_fr.clone(), self.title_en.clone()),
                summary: Bilingual::new(self.summary_fr.clone(), self.summary_en.clone()),
                audiences,
                themes,
                visibility,
                language,
                meeting,
                link: self.link.clone(),
                file,
            }),
            _ => Err(bad),
        }
    }
}

pub(crate) struct ResourceRow {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) summary: String,
    pub(crate) audiences: String,
    pub(crate) themes: String,
    pub(crate) language: String,
    pub(crate) public: bool,
    /// The link, or the file's download.
    pub(crate) href: String,
    pub(crate) is_link: bool,
    /// "PDF · 12 Ko" for a file.
    pub(crate) file: String,
    pub(crate) shared_by: String,
    pub(crate) withdrawable: bool,
}

fn labels<T: Copy>(tr: &Tr, prefix: &str, values: &[T], key: impl Fn(T) -> &'static str) -> String {
    values
        .iter()
        .map(|v| tr.label(prefix, key(*v)))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn resource_row(
    ctx: &Ctx,
    r: &Resource,
    shared_by: String,
    withdrawable: bool,
) -> ResourceRow {
    let tr = ctx.tr();
    let (href, is_link, file) = match &r.content {
        Content::Link(link) => (link.clone(), true, String::new()),
        Content::File {
            kind, size: bytes, ..
        } => (
            format!("/library/{}", r.id),
            false,
            format!(
                "{} · {}",
                kind.key().to_uppercase(),
                size_label(&tr, *bytes)
            ),
        ),
    };
    ResourceRow {
        id: r.id.to_string(),
        title: r.title.get(ctx.lang).clone(),
        summary: r.summary.get(ctx.lang).clone(),
        audiences: labels(&tr, "audience", &r.audiences, Audience::key),
        themes: labels(&tr, "theme", &r.themes, Theme::key),
        language: tr.label("resource_language", r.language.key()),
        public: r.visibility == Visibility::Public,
        href,
        is_link,
        file,
        shared_by,
        withdrawable,
    }
}

/// (key, label, checked) of each value of a vocabulary, for a form's boxes.
pub(crate) fn choices<T: Copy>(
    tr: &Tr,
    prefix: &str,
    all: &[T],
    key: impl Fn(T) -> &'static str,
    chosen: &[String],
) -> Vec<(String, String, bool)> {
    all.iter()
        .map(|v| {
            let k = key(*v);
            (
                k.to_owned(),
                tr.label(prefix, k),
                chosen.iter().any(|c| c == k),
            )
        })
        .collect()
}

/// The form's boxes and lists, filled with what was sent (nothing typed is lost).
pub(crate) struct ResourceForm {
    pub(crate) sent: ResourceText,
    pub(crate) audiences: Vec<(String, String, bool)>,
    pub(crate) themes: Vec<(String, String, bool)>,
    pub(crate) languages: Vec<(String, String, bool)>,
    /// The reader may share in public (else for members only).
    pub(crate) may_add_public: bool,
}

pub(crate) fn resource_form(ctx: &Ctx, sent: ResourceText, may_add_public: bool) -> ResourceForm {
    let tr = ctx.tr();
    let language = if sent.language.is_empty() {
        vec![ResourceLanguage::Both.key().to_owned()]
    } else {
        vec![sent.language.clone()]
    };
    ResourceForm {
        audiences: choices(
            &tr,
            "audience",
            Audience::ALL,
            Audience::key,
            &sent.audiences,
        ),
        themes: choices(&tr, "theme", Theme::ALL, Theme::key, &sent.themes),
        languages: choices(
            &tr,
            "resource_language",
            ResourceLanguage::ALL,
            ResourceLanguage::key,
            &language,
        ),
        may_add_public,
        sent,
    }
}

#[derive(Template)]
#[template(path = "coalition_library.html")]
struct LibraryPage {
    shell: Shell,
    id: String,
    coalition: String,
    resources: Vec<ResourceRow>,
    reads_members: bool,
    may_add: bool,
    form: ResourceForm,
    /// (key, label, chosen) of the search's lists.
    audience_filter: Vec<(String, String, bool)>,
    theme_filter: Vec<(String, String, bool)>,
    filtered: bool,
    errors: Vec<String>,
}

/// What the list is searched by.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct LibrarySearch {
    /// Only the resources for this audience (`front_line`, `health_social`, `legal`,
    /// `police`, `education`, `employers`, `survivors`, `general_public`).
    #[serde(default)]
    pub audience: Option<String>,
    /// Only the resources on this theme (`identification`, `sexual_exploitation`,
    /// `labour_exploitation`, `immigration`, `safety_planning`, `legal_framework`,
    /// `trauma_informed`, `prevention`, `coordination`).
    #[serde(default)]
    pub theme: Option<String>,
}

impl LibrarySearch {
    fn parse(&self) -> Result<(Option<Audience>, Option<Theme>), Vec<BadValue>> {
        let mut bad = Vec::new();
        let given = |v: &Option<String>| {
            v.as_deref()
                .filter(|v| !v.trim().is_empty())
                .map(str::to_owned)
        };
        let audience = given(&self.audience).and_then(|a| vocab("audience", &a, &mut bad));
        let theme = given(&self.theme).and_then(|t| vocab("theme", &t, &mut bad));
        if bad.is_empty() {
            Ok((audience, theme))
        } else {
            Err(bad)
        }
    }
}

/// The library; after a refused form, its errors and what it sent.
async fn library_page(
    state: &AppState,
    ctx: &Ctx,
    id: OrgId,
    search: &LibrarySearch,
    refused: Option<(Vec<String>, ResourceText)>,
    status: StatusCode,
) -> Response {
    let Ok((audience, theme)) = search.parse() else {
        let bad = search.parse().err().unwrap_or_default();
        return ctx.error(PageError::BadRequest(
            BadValue::explain(&ctx.tr(), &bad).join(" "),
        ));
    };
    let view: LibraryView = match state.app.library(&ctx.who, id).await {
        Ok(view) => view,
        Err(e) => return ctx.page_error(e),
    };
    let (errors, sent) = refused.unwrap_or_default();
    let coalition = name_in(&view.coalition.name, ctx.lang);
    let resources = matching(&view.resources, audience, theme)
        .map(|r| {
            let shared_by = r
                .owner
                .and_then(|o| view.owners.get(&o))
                .map_or_else(|| coalition.clone(), |n| n.get(ctx.lang).clone());
            resource_row(ctx, r, shared_by, view.withdrawable.contains(&r.id))
        })
        .collect();
    let tr = ctx.tr();
    let chosen = |v: Option<&'static str>| v.map(|k| vec![k.to_owned()]).unwrap_or_default();
    render_with(
        &LibraryPage {
            shell: ctx.shell(
                tr.with("library-title", "coalition", &coalition),
                "coalitions",
            ),
            id: id.to_string(),
            coalition,
            resources,
            reads_members: view.reads_members,
            may_add: view.may_add,
            form: resource_form(ctx, sent, view.may_add_public),
            audience_filter: choices(
                &tr,
                "audience",
                Audience::ALL,
                Audience::key,
                &chosen(audience.map(Audience::key)),
            ),
            theme_filter: choices(
                &tr,
                "theme",
                Theme::ALL,
                Theme::key,
                &chosen(theme.map(Theme::key)),
            ),
            filtered: audience.is_some() || theme.is_some(),
            errors,
        },
        status,
    )
}

/// `GET /coalitions/{id}/library`.
pub(crate) async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    search: Result<Query<LibrarySearch>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let search = search.map(|Query(s)| s).unwrap_or_default();
    match ctx.id::<OrgId>(&id) {
        Some(id) => library_page(&state, &ctx, id, &search, None, StatusCode::OK).await,
        None => ctx.error(PageError::NotFound),
    }
}

/// A form that could not be read whole: over the limit (the one way a well-formed browser
/// upload fails).
async fn too_large(state: &AppState, ctx: &Ctx, id: OrgId, sent: ResourceText) -> Response {
    let message = ctx.tr().t(DocumentProblem::TooLarge.message_id());
    library_page(
        state,
        ctx,
        id,
        &LibrarySearch::default(),
        Some((vec![message], sent)),
        StatusCode::PAYLOAD_TOO_LARGE,
    )
    .await
}

/// `POST /coalitions/{id}/library`: the form (multipart: its texts, boxes, and a link or a
/// file). A meeting's document goes back to the meeting.
pub(crate) async fn add(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let Some(id) = ctx.id::<OrgId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    // Whoever may not share even for members is refused before their file is read.
    if let Err(e) = state
        .app
        .may_add_resource(&ctx.who, id, Visibility::Members)
        .await
    {
        return ctx.page_error(e);
    }
    let Ok(mut form) = form else {
        return ctx.error(PageError::BadRequest(
            ctx.tr().t(DocumentProblem::Empty.message_id()),
        ));
    };
    let mut sent = ResourceText::default();
    let mut file: Option<NewFile> = None;
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => return too_large(&state, &ctx, id, sent).await,
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            let file_name = field.file_name().unwrap_or_default().to_owned();
            match field.bytes().await {
                // A browser sends an empty part when no file was chosen.
                Ok(bytes) if bytes.is_empty() && file_name.is_empty() => {}
                Ok(bytes) => {
                    file = Some(NewFile {
                        name: file_name,
                        bytes: bytes.to_vec(),
                    });
                }
                Err(_) => return too_large(&state, &ctx, id, sent).await,
            }
            continue;
        }
        let value = match field.bytes().await.map(|b| String::from_utf8(b.to_vec())) {
            Ok(Ok(value)) => value,
            Ok(Err(_)) => {
                let message = ctx.tr().t("library-problem-not-text");
                return ctx.error(PageError::BadRequest(message));
            }
            Err(_) => return too_large(&state, &ctx, id, sent).await,
        };
        match name.as_str() {
            "title_fr" => sent.title_fr = value,
            "title_en" => sent.title_en = value,
            "summary_fr" => sent.summary_fr = value,
            "summary_en" => sent.summary_en = value,
            "audience" => sent.audiences.push(value),
            "theme" => sent.themes.push(value),
            "visibility" => sent.visibility = value,
            "language" => sent.language = value,
            "meeting_id" => sent.meeting = value,
            "link" => sent.link = value,
            _ => {}
        }
    }
    let refused = |errors: Vec<String>, sent: ResourceText| {
        let state = state.clone();
        let ctx = &ctx;
        async move {
            library_page(
                &state,
                ctx,
                id,
                &LibrarySearch::default(),
                Some((errors, sent)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    let new = match sent.to_new(file) {
        Ok(new) => new,
        Err(bad) => return refused(BadValue::explain(&ctx.tr(), &bad), sent).await,
    };
    let meeting = new.meeting;
    match state.app.add_resource(&ctx.who, id, new).await {
        Ok(resource) => match meeting {
            Some(meeting) => Redirect::to(&format!("/meetings/{meeting}#documents")),
            None => Redirect::to(&format!("/coalitions/{id}/library#r-{resource}")),
        }
        .into_response(),
        Err(e) => match problems(&ctx.tr(), &e) {
            Some(errors) => refused(errors, sent).await,
            None => ctx.page_error(e),
        },
    }
}

/// `GET /library/{resource}`: a file's bytes, as a download.
pub(crate) async fn open(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = ctx.id::<ResourceId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    match state.app.resource(&ctx.who, id).await {
        Ok((resource, Some(bytes))) => file_response(&resource, bytes),
        Ok((_, None)) => ctx.error(PageError::NotFound),
        Err(e) => ctx.page_error(e),
    }
}

fn file_response(resource: &Resource, bytes: Vec<u8>) -> Response {
    match &resource.content {
        Content::File { name, kind, .. } => download(name, *kind, bytes),
        Content::Link(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `POST /library/{resource}/withdraw`: back to where it was listed.
pub(crate) async fn withdraw(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = ctx.id::<ResourceId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    match state.app.withdraw_resource(&ctx.who, id).await {
        Ok((_, Some(meeting))) => {
            Redirect::to(&format!("/meetings/{meeting}#documents")).into_response()
        }
        Ok((coalition, None)) => {
            Redirect::to(&format!("/coalitions/{coalition}/library")).into_response()
        }
        Err(e) => ctx.page_error(e),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ResourceJson {
    pub id: String,
    pub title_fr: String,
    pub title_en: String,
    pub summary_fr: String,
    pub summary_en: String,
    pub audiences: Vec<String>,
    pub themes: Vec<String>,
    /// `members` or `public`.
    pub visibility: String,
    /// The document's own language: `fr`, `en` or `both`.
    pub language: String,
    pub meeting_id: Option<String>,
    /// The member organization that shared it (absent: the coalition's own).
    pub shared_by: Option<String>,
    /// A link's address (absent for a file).
    pub link: Option<String>,
    /// A file's name, media type, size and where its bytes are (absent for a link).
    pub file_name: Option<String>,
    pub media_type: Option<String>,
    pub size: Option<u64>,
    pub file_href: Option<String>,
    pub added_at: String,
}

pub(crate) fn resource_json(r: &Resource) -> ResourceJson {
    let (link, file) = match &r.content {
        Content::Link(link) => (Some(link.clone()), None),
        Content::File { name, kind, size } => (None, Some((name.clone(), *kind, *size))),
    };
    ResourceJson {
        id: r.id.to_string(),
        title_fr: r.title.fr.clone(),
        title_en: r.title.en.clone(),
        summary_fr: r.summary.fr.clone(),
        summary_en: r.summary.en.clone(),
        audiences: r.audiences.iter().map(|a| a.key().to_owned()).collect(),
        themes: r.themes.iter().map(|t| t.key().to_owned()).collect(),
        visibility: r.visibility.key().to_owned(),
        language: r.language.key().to_owned(),
        meeting_id: r.meeting.map(|m| m.to_string()),
        shared_by: r.owner.map(|o| o.to_string()),
        link,
        file_name: file.as_ref().map(|(name, _, _)| name.clone()),
        media_type: file
            .as_ref()
            .map(|(_, kind, _)| kind.media_type().to_owned()),
        size: file.as_ref().map(|(_, _, size)| *size),
        file_href: file
            .as_ref()
            .map(|_| format!("/api/v1/resources/{}/file", r.id)),
        added_at: r.added_at.to_rfc3339(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct LibraryJson {
    /// Newest first; for a caller who is not of the coalition, the public ones only.
    pub items: Vec<ResourceJson>,
}

/// The coalition's library: every resource for its staff and members, the public ones for
/// anyone else (no session needed).
#[utoipa::path(
    get,
    path = "/api/v1/coalitions/{id}/resources",
    tag = "coalition",
    operation_id = "library",
    params(("id" = String, Path, description = "The coalition's id"), LibrarySearch),
    responses(
        (status = 200, description = "Its resources", body = LibraryJson),
        (status = 400, description = "An unknown audience or theme", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such coalition", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn list_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiQuery(search): ApiQuery<LibrarySearch>,
) -> Result<Json<LibraryJson>, Problem> {
    let id = ctx.id::<OrgId>(&id).ok_or_else(|| not_found(&ctx))?;
    let (audience, theme) = search.parse().map_err(|bad| {
        Problem::new(ProblemKind::BadRequest, ctx.lang)
            .with_detail(BadValue::explain(&ctx.tr(), &bad).join(" "))
    })?;
    let view = state
        .app
        .library(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(Json(LibraryJson {
        items: matching(&view.resources, audience, theme)
            .map(resource_json)
            .collect(),
    }))
}

/// A resource: its description and where its file is.
#[utoipa::path(
    get,
    path = "/api/v1/resources/{id}",
    tag = "coalition",
    operation_id = "resource",
    params(("id" = String, Path, description = "The resource's id")),
    responses(
        (status = 200, description = "The resource", body = ResourceJson),
        (status = 401, description = "A members' resource, and not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "A members' resource, and not of the coalition", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such resource", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn show_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<ResourceJson>, Problem> {
    let id = ctx.id::<ResourceId>(&id).ok_or_else(|| not_found(&ctx))?;
    let (resource, _) = state
        .app
        .resource(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(Json(resource_json(&resource)))
}

/// A resource's file, as a download (`Content-Disposition: attachment`).
#[utoipa::path(
    get,
    path = "/api/v1/resources/{id}/file",
    tag = "coalition",
    operation_id = "resourceFile",
    params(("id" = String, Path, description = "The resource's id")),
    responses(
        (status = 200, description = "The file's bytes, as a download, of the type its bytes were found to be", content(
            (ResourceBytes = "application/pdf"),
            (ResourceBytes = "image/png"),
            (ResourceBytes = "image/jpeg"),
            (ResourceBytes = "image/webp"),
            (ResourceBytes = "text/plain; charset=utf-8"),
        )),
        (status = 401, description = "A members' resource, and not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "A members' resource, and not of the coalition", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such resource, or it is a link", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn file_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let id = ctx.id::<ResourceId>(&id).ok_or_else(|| not_found(&ctx))?;
    match state.app.resource(&ctx.who, id).await {
        Ok((resource, Some(bytes))) => Ok(file_response(&resource, bytes)),
        Ok((_, None)) => Err(not_found(&ctx)),
        Err(e) => Err(problem(&ctx, e)),
    }
}

/// A link to share (a file goes through `POST …/resources/file`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResourceLinkInput {
    pub title_fr: String,
    pub title_en: String,
    /// Optional, but in both languages when given.
    #[serde(default)]
    pub summary_fr: String,
    #[serde(default)]
    pub summary_en: String,
    /// At least one audience.
    pub audiences: Vec<String>,
    /// At least one theme.
    pub themes: Vec<String>,
    /// `members` or `public` (public: the coalition's staff only).
    pub visibility: String,
    /// The linked document's own language: `fr`, `en` or `both`.
    pub language: String,
    /// The meeting it is a document of.
    #[serde(default)]
    pub meeting_id: Option<String>,
    /// An `http(s)` address.
    pub link: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ResourceCreatedJson {
    pub id: String,
}

fn created(id: ResourceId) -> (StatusCode, Json<ResourceCreatedJson>) {
    (
        StatusCode::CREATED,
        Json(ResourceCreatedJson { id: id.to_string() }),
    )
}

/// Who may share what, asked before a body is read.
async fn may_add(state: &AppState, ctx: &Ctx, id: OrgId, visibility: &str) -> Result<(), Problem> {
    let visibility = visibility.trim().parse().unwrap_or(Visibility::Members);
    state
        .app
        .may_add_resource(&ctx.who, id, visibility)
        .await
        .map_err(|e| problem(ctx, e))
}

async fn add_checked(
    state: &AppState,
    ctx: &Ctx,
    id: OrgId,
    text: &ResourceText,
    file: Option<NewFile>,
) -> Result<(StatusCode, Json<ResourceCreatedJson>), Problem> {
    let new = text
        .to_new(file)
        .map_err(|bad| unprocessable(ctx.lang, BadValue::explain(&ctx.tr(), &bad)))?;
    state
        .app
        .add_resource(&ctx.who, id, new)
        .await
        .map(created)
        .map_err(|e| match e {
            // Too large is said as such, whether the transport or the check found it.
            mosaique_app::AppError::Invalid(mosaique_app::Invalid::Library(problems))
                if problems.contains(
                    &mosaique_domain::coalition::library::ResourceProblem::File(
                        DocumentProblem::TooLarge,
                    ),
                ) =>
            {
                too_large_problem(ctx)
            }
            e => problem(ctx, e),
        })
}

/// Shares a link in the coalition's library.
#[utoipa::path(
    post,
    path = "/api/v1/coalitions/{id}/resources",
    tag = "coalition",
    operation_id = "addResourceLink",
    params(("id" = String, Path, description = "The coalition's id")),
    request_body = ResourceLinkInput,
    responses(
        (status = 201, description = "Shared", body = ResourceCreatedJson),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not of the coalition's staff, nor an administrator or coordinator of a member sharing for members", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such coalition", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "A title missing in one language, a summary in one language only, no audience or theme, an unknown value, a link that is not a web address, a meeting of another coalition", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn add_link_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<ApiJson<ResourceLinkInput>, Problem>,
) -> Result<(StatusCode, Json<ResourceCreatedJson>), Problem> {
    let id = ctx.id::<OrgId>(&id).ok_or_else(|| not_found(&ctx))?;
    may_add(&state, &ctx, id, Visibility::Members.key()).await?;
    let ApiJson(input) = body?;
    let text = ResourceText {
        title_fr: input.title_fr,
        title_en: input.title_en,
        summary_fr: input.summary_fr,
        summary_en: input.summary_en,
        audiences: input.audiences,
        themes: input.themes,
        visibility: input.visibility,
        language: input.language,
        meeting: input.meeting_id.unwrap_or_default(),
        link: input.link,
    };
    add_checked(&state, &ctx, id, &text, None).await
}

/// What the file upload says about the file its body is.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ResourceFileQuery {
    pub title_fr: String,
    pub title_en: String,
    #[serde(default)]
    pub summary_fr: String,
    #[serde(default)]
    pub summary_en: String,
    /// Comma-separated audiences (at least one).
    pub audiences: String,
    /// Comma-separated themes (at least one).
    pub themes: String,
    /// `members` or `public` (public: the coalition's staff only).
    pub visibility: String,
    /// The document's own language: `fr`, `en` or `both`.
    pub language: String,
    /// The meeting it is a document of.
    #[serde(default)]
    pub meeting_id: Option<String>,
    /// The file's name.
    pub name: String,
}

/// A file's bytes, as the upload's body (for the OpenAPI document).
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)] // Describes the raw body; the handler reads `Bytes`.
pub(crate) struct ResourceBytes(Vec<u8>);

fn split(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect()
}

fn too_large_problem(ctx: &Ctx) -> Problem {
    Problem::new(ProblemKind::PayloadTooLarge, ctx.lang)
        .with_detail(ctx.tr().t(DocumentProblem::TooLarge.message_id()))
}

/// Shares a file in the coalition's library: the body is the file's bytes (at most
/// 10 MiB). Its type is found from the bytes, whatever `Content-Type` says; only PDF, PNG,
/// JPEG, WebP and plain text are kept.
#[utoipa::path(
    post,
    path = "/api/v1/coalitions/{id}/resources/file",
    tag = "coalition",
    operation_id = "addResourceFile",
    params(("id" = String, Path, description = "The coalition's id"), ResourceFileQuery),
    request_body(content = ResourceBytes, content_type = "application/octet-stream"),
    responses(
        (status = 201, description = "Shared", body = ResourceCreatedJson),
        (status = 400, description = "A missing title, audiences, themes, visibility, language or name", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not of the coalition's staff, nor an administrator or coordinator of a member sharing for members", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such coalition", body = ProblemBody, content_type = "application/problem+json"),
        (status = 413, description = "Larger than 10 MiB", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "A title missing in one language, no audience or theme, an unknown value; an empty file, a missing or too long name, a type that could run code or that is not kept", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn add_file_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    query: Result<Query<ResourceFileQuery>, axum::extract::rejection::QueryRejection>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<(StatusCode, Json<ResourceCreatedJson>), Problem> {
    let id = ctx.id::<OrgId>(&id).ok_or_else(|| not_found(&ctx))?;
    let visibility = query
        .as_ref()
        .map(|Query(q)| q.visibility.clone())
        .unwrap_or_default();
    may_add(&state, &ctx, id, &visibility).await?;
    let Ok(Query(query)) = query else {
        return Err(Problem::new(ProblemKind::BadRequest, ctx.lang));
    };
    let Ok(bytes) = body else {
        return Err(too_large_problem(&ctx));
    };
    let text = ResourceText {
        title_fr: query.title_fr,
        title_en: query.title_en,
        summary_fr: query.summary_fr,
        summary_en: query.summary_en,
        audiences: split(&query.audiences),
        themes: split(&query.themes),
        visibility: query.visibility,
        language: query.language,
        meeting: query.meeting_id.unwrap_or_default(),
        link: String::new(),
    };
    let file = NewFile {
        name: query.name,
        bytes: bytes.to_vec(),
    };
    add_checked(&state, &ctx, id, &text, Some(file)).await
}

/// Withdraws a resource and its file for good.
#[utoipa::path(
    delete,
    path = "/api/v1/resources/{id}",
    tag = "coalition",
    operation_id = "withdrawResource",
    params(("id" = String, Path, description = "The resource's id")),
    responses(
        (status = 204, description = "Withdrawn"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Neither of the coalition's staff nor of the member organization that shared it", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such resource", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn withdraw_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    let id = ctx.id::<ResourceId>(&id).ok_or_else(|| not_found(&ctx))?;
    state
        .app
        .withdraw_resource(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(StatusCode::NO_CONTENT)
}
