//! Who is signed in: the session cookie is resolved once per request (one database lookup,
//! so a revoked session is refused at once on every server) and handed to handlers.

use std::sync::Arc;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{CACHE_CONTROL, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use mosaique_crypto::token_hash;
use mosaique_store::sessions::{LiveSession, SessionStage};

use crate::AppState;
use crate::problem::{Problem, ProblemKind};

/// The session of this request, if any, with its raw token (needed to rotate or revoke it).
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub live: LiveSession,
    pub token: String,
    /// Authenticated by an API token (`Authorization: Bearer`), not a browser session:
    /// good for the JSON API only.
    pub via_api_token: bool,
}

impl Session {
    pub fn hash(&self) -> String {
        token_hash(&self.token)
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct CurrentSession(pub Option<Arc<Session>>);

pub(crate) async fn resolve(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    if request.uri().path().starts_with("/static/") {
        return next.run(request).await;
    }
    let mut current = CurrentSession::default();
    if let Some(token) = bearer(request.headers()) {
        match state.db.token_user(&token_hash(&token)).await {
            Ok(Some(user)) => {
                let live = LiveSession {
                    user,
                    stage: SessionStage::Full,
                    created_at: 0,
                    last_seen_at: 0,
                    mfa_verified_at: None,
                };
                current = CurrentSession(Some(Arc::new(Session {
                    live,
                    token,
                    via_api_token: true,
                })));
            }
            Ok(None) => {}
            Err(error) => tracing::warn!(%error, "API token lookup failed"),
        }
    } else if let Some(token) = cookie(request.headers(), state.settings.session_cookie_name()) {
        match state
            .db
            .session(&token_hash(&token), state.settings.session_limits())
            .await
        {
            Ok(Some(live)) => {
                current = CurrentSession(Some(Arc::new(Session {
                    live,
                    token,
                    via_api_token: false,
                })))
            }
            Ok(None) => {}
            Err(error) => tracing::warn!(%error, "session lookup failed"),
        }
    }
    let signed_in = current.0.is_some();
    request.extensions_mut().insert(current);
    let mut response = next.run(request).await;
    if signed_in {
        // Pages seen while signed in may carry personal data: never store them.
        response
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

/// A session token is 64 hex characters; anything else is not worth a database lookup.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    crate::lang::cookie_value(headers, name)
        .filter(|value| value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `Set-Cookie` for a new session token.
pub(crate) fn set_cookie(state: &AppState, token: &str) -> (axum::http::HeaderName, HeaderValue) {
    let secure = if state.settings.is_https() {
        "; Secure"
    } else {
        ""
    };
    let value = format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        state.settings.session_cookie_name(),
        state.settings.session_absolute.as_secs()
    );
    (
        SET_COOKIE,
        HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("")),
    )
}

pub(crate) fn clear_cookie(state: &AppState) -> (axum::http::HeaderName, HeaderValue) {
    let secure = if state.settings.is_https() {
        "; Secure"
    } else {
        ""
    };
    let value = format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}",
        state.settings.session_cookie_name()
    );
    (
        SET_COOKIE,
        HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("")),
    )
}

/// Any session, complete or half-way through sign-in.
#[derive(Debug, Clone)]
pub(crate) struct MaybeSession(pub Option<Arc<Session>>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeSession {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        // API tokens are for the JSON API: they never drive the pages' sign-in steps.
        Ok(MaybeSession(
            parts
                .extensions
                .get::<CurrentSession>()
                .and_then(|c| c.0.clone())
                .filter(|s| !s.via_api_token),
        ))
    }
}

/// A fully signed-in user, for pages: anyone else is sent to the sign-in page.
#[derive(Debug, Clone)]
pub(crate) struct SignedIn(pub Arc<Session>);

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match parts
            .extensions
            .get::<CurrentSession>()
            .and_then(|c| c.0.clone())
        {
            Some(session) if session.via_api_token => Err(Redirect::to("/login").into_response()),
            Some(session) if session.live.stage == SessionStage::Full => Ok(SignedIn(session)),
            Some(_) => Err(Redirect::to("/login/continue").into_response()),
            None => Err(Redirect::to("/login").into_response()),
        }
    }
}

/// A fully signed-in user, for the JSON API: anyone else gets a 401 problem.
#[derive(Debug, Clone)]
pub(crate) struct ApiUser(pub Arc<Session>);

impl<S: Send + Sync> FromRequestParts<S> for ApiUser {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let lang = parts
            .extensions
            .get::<mosaique_domain::Language>()
            .copied()
            .unwrap_or_default();
        match parts
            .extensions
            .get::<CurrentSession>()
            .and_then(|c| c.0.clone())
        {
            Some(session) if session.live.stage == SessionStage::Full => Ok(ApiUser(session)),
            _ => Err(Problem::new(ProblemKind::Unauthorized, lang)),
        }
    }
}

/// A signed-in user whose second factor (or, without one, password) was checked within the
/// last minutes, for sensitive operations. Anyone else is asked to confirm at `/reauth`.
#[derive(Debug, Clone)]
pub(crate) struct Verified(pub Arc<Session>);

impl<S: Send + Sync> FromRequestParts<S> for Verified {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let SignedIn(session) = SignedIn::from_request_parts(parts, state).await?;
        let now = mosaique_store::now_ms();
        if mosaique_domain::identity::recently_verified(session.live.mfa_verified_at, now) {
            return Ok(Verified(session));
        }
        // Come back to the page (a form's page, for a form that was posted).
        let next = if parts.method == axum::http::Method::GET {
            parts
                .uri
                .path_and_query()
                .map_or("/account".to_owned(), |p| p.as_str().to_owned())
        } else {
            let segments: Vec<&str> = parts
                .uri
                .path()
                .split('/')
                .filter(|s| !s.is_empty())
                .take(2)
                .collect();
            format!("/{}", segments.join("/"))
        };
        Err(Redirect::to(&format!("/reauth?next={}", crate::pages::encode(&next))).into_response())
    }
}

/// A local path to return to: absolute, on this site, never `//host` or a scheme.
pub(crate) fn safe_next(next: &str) -> &str {
    // Browsers drop tabs and newlines from URLs and read a backslash as a slash, so any of
    // them could turn "/<tab>/evil.example" into "//evil.example".
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains("://")
        && !next.chars().any(|c| c.is_control() || c == '\\');
    if local { next } else { "/account" }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next("/admin/users"), "/admin/users");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "evil",
            "",
            "/x?u=http://e",
            "/\t/evil.example",
            "/\n/x",
            "/a\\b",
        ] {
            assert_eq!(safe_next(bad), "/account", "{bad}");
        }
    }
}
