//! RFC 9457 problem details for the JSON API: a stable `type`, a title in the request's
//! language, never an HTML page and never internal detail.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use mosaique_domain::Language;
use serde::Serialize;
use utoipa::ToSchema;

use crate::i18n::Tr;

pub(crate) const CONTENT_TYPE: &str = "application/problem+json";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ProblemKind {
    NotFound,
    BadRequest,
    Unauthorized,
    Forbidden,
    MethodNotAllowed,
    /// Well-formed but not acceptable (answers an instrument cannot take).
    Unprocessable,
    Conflict,
    /// A body over the route's limit (a document over 10 MiB).
    PayloadTooLarge,
    /// A request line over hyper's limit (64 KiB), answered by `wire`.
    UriTooLong,
    Unavailable,
    Internal,
}

impl ProblemKind {
    pub fn status(self) -> StatusCode {
        match self {
            ProblemKind::NotFound => StatusCode::NOT_FOUND,
            ProblemKind::BadRequest => StatusCode::BAD_REQUEST,
            ProblemKind::Unauthorized => StatusCode::UNAUTHORIZED,
            ProblemKind::Forbidden => StatusCode::FORBIDDEN,
            ProblemKind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ProblemKind::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
            ProblemKind::Conflict => StatusCode::CONFLICT,
            ProblemKind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ProblemKind::UriTooLong => StatusCode::URI_TOO_LONG,
            ProblemKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ProblemKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Stable identifiers: clients may branch on them; they never change with the wording.
    pub fn type_uri(self) -> &'static str {
        match self {
            ProblemKind::NotFound => "urn:mosaique:problem:not-found",
            ProblemKind::BadRequest => "urn:mosaique:problem:bad-request",
            ProblemKind::Unauthorized => "urn:mosaique:problem:unauthorized",
            ProblemKind::Forbidden => "urn:mosaique:problem:forbidden",
            ProblemKind::MethodNotAllowed => "urn:mosaique:problem:method-not-allowed",
            ProblemKind::Unprocessable => "urn:mosaique:problem:unprocessable",
            ProblemKind::Conflict => "urn:mosaique:problem:conflict",
            ProblemKind::PayloadTooLarge => "urn:mosaique:problem:payload-too-large",
            ProblemKind::UriTooLong => "urn:mosaique:problem:uri-too-long",
            ProblemKind::Unavailable => "urn:mosaique:problem:unavailable",
            ProblemKind::Internal => "urn:mosaique:problem:internal",
        }
    }

    fn title_key(self) -> &'static str {
        match self {
            ProblemKind::NotFound => "problem-not-found",
            ProblemKind::BadRequest => "problem-bad-request",
            ProblemKind::Unauthorized => "problem-unauthorized",
            ProblemKind::Forbidden => "problem-forbidden",
            ProblemKind::MethodNotAllowed => "problem-method-not-allowed",
            ProblemKind::Unprocessable => "problem-unprocessable",
            ProblemKind::Conflict => "problem-conflict",
            ProblemKind::PayloadTooLarge => "problem-payload-too-large",
            ProblemKind::UriTooLong => "problem-uri-too-long",
            ProblemKind::Unavailable => "problem-unavailable",
            ProblemKind::Internal => "problem-internal",
        }
    }
}

/// The problem document, as sent.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct ProblemBody {
    /// Stable URI identifying the kind of problem, e.g. `urn:mosaique:problem:not-found`.
    #[serde(rename = "type")]
    pub type_uri: String,
    /// Short summary in the request's language.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong with this request, in the request's language, when there is more to say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Problem {
    pub kind: ProblemKind,
    pub lang: Language,
    pub detail: Option<String>,
}

impl Problem {
    pub fn new(kind: ProblemKind, lang: Language) -> Problem {
        Problem {
            kind,
            lang,
            detail: None,
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Problem {
        self.detail = Some(detail.into());
        self
    }

    pub(crate) fn body(&self) -> ProblemBody {
        ProblemBody {
            type_uri: self.kind.type_uri().to_owned(),
            title: Tr::new(self.lang).t(self.kind.title_key()),
            status: self.kind.status().as_u16(),
            detail: self.detail.clone(),
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let mut response = (self.kind.status(), Json(self.body())).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if self.kind == ProblemKind::Unauthorized {
            // RFC 9110: a 401 names how to authenticate. The API takes a bearer token (a
            // signed-in browser's session cookie works too, which no scheme names).
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"mosaique\""),
            );
        }
        response
    }
}

/// The last line of defence: a panic becomes a 500 problem, never a dropped connection.
/// The request is gone by then, so the title is given in both languages.
pub(crate) fn panic_response(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("request handler panicked");
    let mut problem = Problem::new(ProblemKind::Internal, Language::Fr);
    problem.detail = Some(crate::i18n::both_languages("problem-internal"));
    problem.into_response()
}
