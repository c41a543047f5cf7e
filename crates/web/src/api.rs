//! The JSON API under `/api/v1`, documented by an OpenAPI 3.1 document generated from the
//! handlers themselves (and committed as `docs/openapi.json`; a test fails on drift).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::{Json, Router};
use mosaique_domain::Language;
use serde::de::DeserializeOwned;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::cases::api as cases_api;
use crate::directory::{organizations_api, services_api};
use crate::gate::Ctx;
use crate::i18n::{Arg, Tr};
use crate::identity::api as me;
use crate::problem::{Problem, ProblemBody, ProblemKind};
use crate::screening::api as screening_api;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Mosaïque API",
        description = "JSON API of Mosaïque, the platform of anti-human-trafficking coalitions. \
                       Errors are RFC 9457 problem documents (`application/problem+json`) whose \
                       `title` follows the request's language (`?lang=fr|en`, the `mosaique_lang` \
                       cookie, then `Accept-Language`; French by default).",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later")
    ),
    tags(
        (name = "directory", description = "Organizations and coalitions of the anti-trafficking mosaic"),
        (name = "account", description = "The signed-in user"),
        (name = "coalition", description = "The coalition's own workspace: its member organizations over time, its meetings (agenda, attendance, minutes drafted then approved) and their calendars (RFC 5545): each meeting's invitation, and a private feed address per person that can be renewed or stopped. Read by the coalition's staff and the staff of its member organizations; run by its administrators and coordinators."),
        (name = "cases", description = "Shared cases: each member of a case's team sees only the categories of data the person consented to share with their organization or sector. A case the caller has no part in answers 404, as one that does not exist."),
        (name = "referrals", description = "Needs and closed-loop referrals: a case's needs per service domain and urgency, referrals of those needs to a service of another organization (only where a live consent names it, carrying only what that consent covers), the receiving organization's intake queue and answers, until an outcome closes the loop."),
        (name = "screening", description = "Identification tool: versioned screening instruments and their results. A result gives observations, a level of concern and service domains to offer; it never concludes that anything happened.")
    ),
    components(schemas(ProblemBody))
)]
struct ApiDoc;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(organizations_api::list))
        .routes(routes!(organizations_api::show))
        .routes(routes!(services_api::search))
        .routes(routes!(services_api::show))
        .routes(routes!(me::me))
        .routes(routes!(screening_api::list_instruments))
        .routes(routes!(screening_api::show_instrument))
        .routes(routes!(screening_api::create_screening))
        .routes(routes!(screening_api::show_screening))
        .routes(routes!(cases_api::list, cases_api::open))
        .routes(routes!(cases_api::show))
        .routes(routes!(cases_api::consents, cases_api::record_consent))
        .routes(routes!(cases_api::withdraw_consent))
        .routes(routes!(cases_api::add_note))
        .routes(routes!(crate::cases::steps::add_step_api))
        .routes(routes!(crate::cases::screenings::attach_api))
        .routes(routes!(crate::cases::details::change_api))
        .routes({
            // Uploads carry a document: their own body limit.
            let (schemas, paths, method) = routes!(crate::cases::documents::upload_api);
            (
                schemas,
                paths,
                method.layer(crate::cases::documents::upload_limit()),
            )
        })
        .routes(routes!(crate::cases::documents::download_api))
        .routes(routes!(crate::cases::terms::list_api))
        .routes(routes!(crate::cases::team::add_member))
        .routes(routes!(crate::cases::team::remove_member))
        .routes(routes!(crate::cases::steps::change_step_api))
        .routes(routes!(
            crate::referrals::api::add_need,
            crate::referrals::api::list_needs
        ))
        .routes(routes!(crate::referrals::api::set_need_status))
        .routes(routes!(crate::referrals::api::write_situation))
        .routes(routes!(crate::referrals::api::matches))
        .routes(routes!(crate::referrals::api::take_intake))
        .routes(routes!(crate::referrals::api::transfer))
        .routes(routes!(crate::referrals::desk::show_api))
        .routes(routes!(crate::referrals::inbox::show_api))
        .routes(routes!(crate::referrals::desk::add_shift_api))
        .routes(routes!(crate::referrals::api::set_entry_model))
        .routes(routes!(crate::referrals::api::refer))
        .routes(routes!(crate::referrals::api::intake_queue))
        .routes(routes!(crate::referrals::api::show))
        .routes(routes!(crate::referrals::api::transition))
        .routes(routes!(cases_api::request_emergency))
        .routes(routes!(cases_api::decide_emergency))
        .routes(routes!(
            crate::agreements::list_api,
            crate::agreements::create_api
        ))
        .routes(routes!(crate::coalition::api::list_coalitions))
        .routes(routes!(
            crate::coalition::api::list_members,
            crate::coalition::api::add_member
        ))
        .routes(routes!(
            crate::coalition::api::list_meetings,
            crate::coalition::api::schedule_meeting
        ))
        .routes(routes!(crate::coalition::api::get_meeting))
        .routes(routes!(crate::coalition::api::write_minutes))
        .routes(routes!(crate::coalition::api::record_attendance))
        .routes(routes!(
            crate::coalition::api::renew_feed,
            crate::coalition::api::revoke_feed
        ))
        .routes(routes!(
            crate::coalition::actions::list_api,
            crate::coalition::actions::record_api
        ))
        .routes(routes!(crate::coalition::actions::show_api))
        .routes(routes!(crate::coalition::actions::progress_api))
        .routes(routes!(crate::coalition::health::api))
        .routes(routes!(crate::coalition::mandates::api))
        .routes(routes!(
            crate::coalition::glossary::list_api,
            crate::coalition::glossary::add_api
        ))
        .routes(routes!(crate::coalition::glossary::change_api))
        .routes(routes!(
            crate::coalition::library::list_api,
            crate::coalition::library::add_link_api
        ))
        .routes({
            // A file's upload carries a document: its own body limit.
            let (schemas, paths, method) = routes!(crate::coalition::library::add_file_api);
            (
                schemas,
                paths,
                method.layer(crate::cases::documents::upload_limit()),
            )
        })
        .routes(routes!(
            crate::coalition::library::show_api,
            crate::coalition::library::withdraw_api
        ))
        .routes(routes!(crate::coalition::library::file_api))
        .routes(routes!(
            crate::coalition::awareness::campaigns_api,
            crate::coalition::awareness::add_campaign_api
        ))
        .routes(routes!(crate::coalition::awareness::reach_api))
        .routes(routes!(
            crate::coalition::funding::list_api,
            crate::coalition::funding::add_api
        ))
        .routes(routes!(crate::coalition::funding::submit_api))
        .routes(routes!(crate::coalition::funding::reminders_api))
        .routes(routes!(
            crate::coalition::bulletins::list_api,
            crate::coalition::bulletins::publish_api
        ))
        .routes(routes!(crate::coalition::bulletins::mine_api))
        .routes(routes!(crate::coalition::bulletins::open_api))
        .routes(routes!(
            crate::coalition::awareness::practices_api,
            crate::coalition::awareness::add_practice_api
        ))
        .routes(routes!(
            crate::coalition::trainings::list_api,
            crate::coalition::trainings::record_session_api
        ))
        .routes(routes!(crate::coalition::trainings::show_api))
        .routes(routes!(crate::coalition::trainings::record_program_api))
        .routes(routes!(crate::coalition::trainings::certify_api))
        .routes(routes!(crate::coalition::trainings::cascade_api))
        .routes(routes!(crate::coalition::trainings::renew_api))
        .routes(routes!(
            crate::coalition::groups::list_api,
            crate::coalition::groups::create_api
        ))
        .routes(routes!(crate::coalition::groups::show_api))
        .routes(routes!(crate::coalition::groups::members_api))
}

/// Routes under `/api` that match nothing answer problem+json, never the HTML 404 page.
pub(crate) fn fallback_router() -> Router<AppState> {
    Router::new()
        .route("/api", any(not_found))
        .route("/api/", any(not_found))
        .route("/api/{*rest}", any(not_found))
        .route("/api/openapi.json", axum::routing::get(openapi_document))
}

/// Operations anyone may call: the public directory. Every other operation needs a signed-in
/// caller (the matrix test checks that the document and the server agree).
const PUBLIC_PATHS: &[&str] = &[
    "/api/v1/organizations",
    "/api/v1/organizations/{id}",
    "/api/v1/services",
    "/api/v1/services/{id}",
];

/// Reads anyone may make at a path whose writes need a caller: a coalition's library (its
/// public shelf).
const PUBLIC_READS: &[&str] = &["/api/v1/coalitions/{id}/resources"];

/// Reads that need a caller or not depending on what is read: a library's resource (a
/// public one for anyone, a members' one for its readers). Their requirement is optional.
const OPTIONAL_READS: &[&str] = &["/api/v1/resources/{id}", "/api/v1/resources/{id}/file"];

/// The document with how to authenticate: the schemes (a bearer API token, or a signed-in
/// browser's session cookie), and on every operation but the public ones, the requirement
/// and its 401 answer.
fn document() -> utoipa::openapi::OpenApi {
    use utoipa::openapi::security::{
        ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
    };
    use utoipa::openapi::{ComponentsBuilder, ContentBuilder, Ref, ResponseBuilder};
    let (_, mut api) = router().split_for_parts();
    let components = api
        .components
        .get_or_insert_with(|| ComponentsBuilder::new().build());
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some(
                    "An API token (`mosaique token create`), sent as `Authorization: Bearer …`.",
                ))
                .build(),
        ),
    );
    components.add_security_scheme(
        "session",
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            "mosaique_session",
            "A signed-in browser's session (`__Host-mosaique_session` behind HTTPS).",
        ))),
    );
    let unauthorized = ResponseBuilder::new()
        .description("No valid token or session; `WWW-Authenticate` says how to authenticate.")
        .content(
            crate::problem::CONTENT_TYPE,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ProblemBody")))
                .build(),
        )
        .build();
    let problem = |description: &str| {
        ResponseBuilder::new()
            .description(description)
            .content(
                crate::problem::CONTENT_TYPE,
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ProblemBody")))
                    .build(),
            )
            .build()
    };
    for (path, item) in api.paths.paths.iter_mut() {
        // Every JSON body is read by `ApiJson`, whose refusals are the same everywhere.
        for operation in [&mut item.put, &mut item.post, &mut item.patch]
            .into_iter()
            .flatten()
            .filter(|o| o.request_body.is_some())
        {
            let responses = &mut operation.responses.responses;
            for (status, description) in [
                (
                    "400",
                    "Not JSON, or malformed JSON (its line and column in `detail`)",
                ),
                ("413", "A body over the limit (2 MiB)"),
                (
                    "422",
                    "JSON of the wrong shape (the field and the type it takes in `detail`)",
                ),
            ] {
                responses
                    .entry(status.to_owned())
                    .or_insert_with(|| problem(description).into());
            }
        }
        if PUBLIC_PATHS.contains(&path.as_str()) {
            continue;
        }
        let public_read = PUBLIC_READS.contains(&path.as_str());
        let optional_read = OPTIONAL_READS.contains(&path.as_str());
        for (read, operation) in [
            (true, &mut item.get),
            (false, &mut item.put),
            (false, &mut item.post),
            (false, &mut item.delete),
            (false, &mut item.patch),
        ]
        .into_iter()
        .filter_map(|(read, o)| o.as_mut().map(|o| (read, o)))
        {
            if read && public_read {
                continue;
            }
            let mut requirements = vec![
                SecurityRequirement::new("bearer", Vec::<String>::new()),
                SecurityRequirement::new("session", Vec::<String>::new()),
            ];
            if read && optional_read {
                // `{}`: no credentials is one of the ways to call it.
                requirements.push(SecurityRequirement::default());
            }
            operation.security = Some(requirements);
            operation
                .responses
                .responses
                .entry("401".to_owned())
                .or_insert_with(|| unauthorized.clone().into());
        }
    }
    crate::api_params::type_query_parameters(&mut api);
    crate::api_params::type_body_fields(&mut api);
    api
}

/// The OpenAPI document, as served and as committed in `docs/openapi.json`.
pub fn openapi_json() -> String {
    let api = document();
    let mut text = api
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

async fn openapi_document() -> Response {
    Json(document()).into_response()
}

async fn not_found(ctx: Ctx, uri: Uri) -> Problem {
    Problem::new(ProblemKind::NotFound, ctx.lang).with_detail(ctx.tr().with(
        "problem-route-not-found",
        "path",
        uri.path(),
    ))
}

pub(crate) fn method_not_allowed(lang: Language, method: &Method) -> Problem {
    Problem::new(ProblemKind::MethodNotAllowed, lang).with_detail(Tr::new(lang).with(
        "problem-method-detail",
        "method",
        method.as_str(),
    ))
}

/// `Query<T>` whose rejection is a problem document in the request's language.
#[derive(Debug)]
pub(crate) struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let lang = parts
            .extensions
            .get::<Language>()
            .copied()
            .unwrap_or_default();
        axum::extract::Query::<T>::try_from_uri(&parts.uri)
            .map(|axum::extract::Query(value)| ApiQuery(value))
            .map_err(|rejection| {
                tracing::debug!(%rejection, "unreadable query string");
                Problem::new(ProblemKind::BadRequest, lang)
                    .with_detail(Tr::new(lang).t("error-unreadable-query"))
            })
    }
}

/// `Json<T>` whose rejection is a problem document in the request's language, never the
/// parser's English: 400 without a JSON content type or for malformed JSON (with its line and
/// column), 413 over the body limit, 422 for JSON of the wrong shape (naming the field and
/// the type it takes; the value sent is never echoed).
#[derive(Debug)]
pub(crate) struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> axum::extract::FromRequest<S> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(
        req: axum::extract::Request,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        let lang = req
            .extensions()
            .get::<Language>()
            .copied()
            .unwrap_or_default();
        let tr = Tr::new(lang);
        let is_json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
            .is_some_and(|m| {
                m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
            });
        if !is_json {
            return Err(Problem::new(ProblemKind::BadRequest, lang)
                .with_detail(tr.t("problem-json-content-type")));
        }
        let bytes = match read_body(req.into_body()).await {
            Ok(bytes) => bytes,
            Err(BodyProblem::TooLarge) => {
                return Err(Problem::new(ProblemKind::PayloadTooLarge, lang)
                    .with_detail(tr.t("problem-json-too-large")));
            }
            Err(BodyProblem::Unreadable) => {
                return Err(Problem::new(ProblemKind::BadRequest, lang)
                    .with_detail(tr.t("problem-json-unreadable-body")));
            }
        };
        read_json(&bytes).map(ApiJson).map_err(|e| e.problem(lang))
    }
}

/// The most a JSON body may hold.
const JSON_BODY_LIMIT: usize = 2 * 1024 * 1024;
/// Past the limit, this much more is read and dropped so that the client, still sending,
/// receives the 413 instead of a reset connection; a body longer still is cut off.
const JSON_BODY_DRAIN: usize = 16 * 1024 * 1024;

enum BodyProblem {
    TooLarge,
    Unreadable,
}

async fn read_body(mut body: axum::body::Body) -> Result<Vec<u8>, BodyProblem> {
    use axum::body::HttpBody;
    let mut bytes = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) =
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await
    {
        let Ok(data) = frame.map_err(|_| BodyProblem::Unreadable)?.into_data() else {
            continue;
        };
        seen = seen.saturating_add(data.len());
        if seen > JSON_BODY_LIMIT + JSON_BODY_DRAIN {
            break;
        }
        if seen <= JSON_BODY_LIMIT {
            bytes.extend_from_slice(&data);
        }
    }
    if seen > JSON_BODY_LIMIT {
        Err(BodyProblem::TooLarge)
    } else {
        Ok(bytes)
    }
}

/// Why a JSON body was refused, in terms the caller can act on.
#[derive(Debug, PartialEq, Eq)]
enum JsonProblem {
    Syntax {
        line: usize,
        column: usize,
    },
    MissingField {
        field: String,
    },
    UnknownField {
        field: String,
    },
    WrongType {
        field: String,
        expected: &'static str,
    },
}

fn read_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, JsonProblem> {
    // Every body of this API is an object; serde would also read a struct from an array.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        let json = serde_json::from_slice::<serde::de::IgnoredAny>(bytes);
        return Err(match json {
            Err(e) => JsonProblem::from_serde(".", e),
            Ok(_) => JsonProblem::WrongType {
                field: String::new(),
                expected: "object",
            },
        });
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        JsonProblem::from_serde(&path, e.into_inner())
    })?;
    de.end().map_err(|e| JsonProblem::from_serde(".", e))?;
    Ok(value)
}

impl JsonProblem {
    fn from_serde(path: &str, e: serde_json::Error) -> JsonProblem {
        use serde_json::error::Category;
        if e.classify() != Category::Data {
            return JsonProblem::Syntax {
                line: e.line(),
                column: e.column(),
            };
        }
        // serde's data errors are English sentences of a few fixed shapes; only the field
        // names and the expected type are taken from them, never the value sent.
        let message = e.to_string();
        let within = |name: &str| match path {
            "." | "?" | "" => name.to_owned(),
            _ => format!("{path}.{name}"),
        };
        let quoted = |text: &str| text.split('`').nth(1).map(str::to_owned);
        let field = match path {
            "." | "?" | "" => String::new(),
            _ => path.to_owned(),
        };
        if let Some(rest) = message.strip_prefix("missing field ") {
            return JsonProblem::MissingField {
                field: within(&quoted(rest).unwrap_or_default()),
            };
        }
        if let Some(rest) = message.strip_prefix("unknown field ") {
            return JsonProblem::UnknownField {
                field: within(&quoted(rest).unwrap_or_default()),
            };
        }
        let wanted = message
            .rsplit_once(", expected ")
            .map_or("", |(_, wanted)| {
                wanted.split(" at line ").next().unwrap_or("")
            });
        let expected = if message.starts_with("unknown variant") {
            "known_value"
        } else if wanted.contains("string") || wanted.contains("char") {
            "string"
        } else if wanted.contains("bool") {
            "boolean"
        } else if wanted.contains("integer")
            || matches!(
                wanted,
                "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize"
            )
        {
            "integer"
        } else if matches!(wanted, "f32" | "f64") || wanted.contains("number") {
            "number"
        } else if wanted.contains("sequence") || wanted.contains("tuple") {
            "list"
        } else if wanted.contains("map")
            || wanted.contains("object")
            || wanted.starts_with("struct")
        {
            "object"
        } else {
            "other"
        };
        JsonProblem::WrongType { field, expected }
    }

    fn problem(&self, lang: Language) -> Problem {
        let tr = Tr::new(lang);
        let field = |name: &str| {
            if name.is_empty() {
                tr.t("problem-json-the-body")
            } else {
                cut(name, 80)
            }
        };
        match self {
            JsonProblem::Syntax { line, column } => Problem::new(ProblemKind::BadRequest, lang)
                .with_detail(tr.t_args(
                    "problem-json-syntax",
                    &[
                        ("line", Arg::Int(*line as i64)),
                        ("column", Arg::Int(*column as i64)),
                    ],
                )),
            JsonProblem::MissingField { field: f } => Problem::new(
                ProblemKind::Unprocessable,
                lang,
            )
            .with_detail(tr.with("problem-json-missing-field", "field", &field(f))),
            JsonProblem::UnknownField { field: f } => Problem::new(
                ProblemKind::Unprocessable,
                lang,
            )
            .with_detail(tr.with("problem-json-unknown-field", "field", &field(f))),
            JsonProblem::WrongType { field: f, expected } => {
                Problem::new(ProblemKind::Unprocessable, lang).with_detail(tr.t_args(
                    "problem-json-wrong-type",
                    &[
                        ("field", Arg::Text(field(f))),
                        ("expected", Arg::Text((*expected).to_owned())),
                    ],
                ))
            }
        }
    }
}

/// At most `max` characters of a value a caller sent, so an error never echoes a whole body.
pub(crate) fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}
