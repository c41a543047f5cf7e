//! Who is signed in: the session cookie (or, for the JSON API, a bearer token) is resolved
//! once per request by the use cases — one database lookup, so a revoked session is refused
//! at once on every server — and handed to [`crate::gate::Ctx`].

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{CACHE_CONTROL, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use mosaique_app::identity::Session;

use crate::AppState;

/// The session of this request, if any.
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
    let found = if let Some(token) = bearer(request.headers()) {
        state.app.session_by_api_token(&token).await
    } else if let Some(token) = cookie(request.headers(), state.settings.session_cookie_name()) {
        state.app.session_by_cookie(&token).await
    } else {
        Ok(None)
    };
    let current = match found {
        Ok(session) => CurrentSession(session.map(Arc::new)),
        Err(error) => {
            // Unknown for now: the request goes on as the public's; the page says if the
            // database is unavailable.
            tracing::warn!(?error, "session lookup failed");
            CurrentSession::default()
        }
    };
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
    let value = format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        state.settings.session_cookie_name(),
        state.settings.session_absolute.as_secs(),
        secure(state)
    );
    (
        SET_COOKIE,
        HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("")),
    )
}

pub(crate) fn clear_cookie(state: &AppState) -> (axum::http::HeaderName, HeaderValue) {
    let value = format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        state.settings.session_cookie_name(),
        secure(state)
    );
    (
        SET_COOKIE,
        HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("")),
    )
}

/// The device cookie: this browser signed in to an account before (see the sign-in use
/// case); kept half a year, sent only to this site's own requests.
pub(crate) fn device_cookie(
    state: &AppState,
    value: &str,
) -> (axum::http::HeaderName, HeaderValue) {
    let value = format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
        state.settings.device_cookie_name(),
        DEVICE_COOKIE_DAYS * 86_400,
        secure(state)
    );
    (
        SET_COOKIE,
        HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("")),
    )
}

/// The device cookie the browser sent, if any (the use case checks its signature).
pub(crate) fn known_device(state: &AppState, headers: &HeaderMap) -> Option<String> {
    crate::lang::cookie_value(headers, state.settings.device_cookie_name())
        .filter(|value| value.len() <= 200)
}

const DEVICE_COOKIE_DAYS: u64 = 180;

fn secure(state: &AppState) -> &'static str {
    if state.settings.is_https() {
        "; Secure"
    } else {
        ""
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
