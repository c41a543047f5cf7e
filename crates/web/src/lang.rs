//! Which language a request is answered in: `?lang=`, then the cookie, then
//! `Accept-Language`, then the configured default (French). Only a signed-in browser keeps
//! the choice in a cookie; a visitor who is not signed in keeps none (the pages carry
//! `lang=` in their links instead), so nothing on a shared device shows the site was used.

use axum::extract::{Request, State};
use axum::http::header::{ACCEPT_LANGUAGE, CONTENT_LANGUAGE, COOKIE, SET_COOKIE, VARY};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use mosaique_domain::Language;

use crate::AppState;

pub(crate) const COOKIE_NAME: &str = "mosaique_lang";
const ONE_YEAR: u32 = 365 * 24 * 3600;

pub(crate) async fn negotiate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let chosen = request.uri().query().and_then(query_language);
    // The HSDS feed is public and cookie-less: it neither reads nor sets the cookie.
    let path = request.uri().path();
    let public_feed = path == "/hsds" || path.starts_with("/hsds/");
    let session_cookie = state.settings.session_cookie_name();
    let had_session = cookie_value(request.headers(), session_cookie).is_some();
    // A language cookie without a session (left by signing out, or by an older version) is
    // neither read nor kept.
    let stale_cookie = !had_session && cookie_value(request.headers(), COOKIE_NAME).is_some();
    let language = chosen
        .or_else(|| {
            (!public_feed && had_session)
                .then(|| cookie_language(request.headers()))
                .flatten()
        })
        .or_else(|| {
            request
                .headers()
                .get(ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Language::from_accept_language)
        })
        .unwrap_or(state.settings.default_language);
    request.extensions_mut().insert(language);
    let is_asset = request.uri().path().starts_with("/static/");
    let mut response = next.run(request).await;
    if is_asset {
        // Assets are the same in every language and cached for a year.
        return response;
    }
    let headers = response.headers_mut();
    headers.insert(CONTENT_LANGUAGE, HeaderValue::from_static(language.code()));
    if public_feed {
        headers.append(VARY, HeaderValue::from_static("Accept-Language"));
        return response;
    }
    headers.append(VARY, HeaderValue::from_static("Accept-Language, Cookie"));
    // Signing in (a response that sets the session cookie) keeps the language chosen so far.
    let signs_in = headers.get_all(SET_COOKIE).iter().any(|v| {
        v.to_str().is_ok_and(|v| {
            v.strip_prefix(session_cookie)
                .and_then(|rest| rest.strip_prefix('='))
                .is_some_and(|value| !value.starts_with(';'))
        })
    });
    let secure = if state.settings.is_https() {
        "; Secure"
    } else {
        ""
    };
    let cookie = match chosen.filter(|_| had_session || signs_in) {
        Some(chosen) => Some(format!(
            "{COOKIE_NAME}={}; Path=/; Max-Age={ONE_YEAR}; SameSite=Lax; HttpOnly{secure}",
            chosen.code()
        )),
        None if stale_cookie && !signs_in => Some(format!(
            "{COOKIE_NAME}=; Path=/; Max-Age=0; SameSite=Lax; HttpOnly{secure}"
        )),
        None => None,
    };
    if let Some(value) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        headers.append(SET_COOKIE, value);
    }
    response
}

pub(crate) fn query_language(query: &str) -> Option<Language> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == "lang")
        .and_then(|(_, value)| value.parse().ok())
}

fn cookie_language(headers: &HeaderMap) -> Option<Language> {
    cookie_value(headers, COOKIE_NAME).and_then(|value| value.parse().ok())
}

/// The value of the first cookie with this name.
pub(crate) fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.to_owned())
}

/// The current path and query with `lang` set to `target`, for the language switch link.
/// Leading slashes are collapsed so a request for `//elsewhere.example/` can never turn the
/// link into one that leaves this site.
pub(crate) fn switch_href(path: &str, query: Option<&str>, target: Language) -> String {
    let path = format!("/{}", path.trim_start_matches(['/', '\\']));
    let mut pairs: Vec<&str> = query
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("lang="))
        .collect();
    let lang = format!("lang={}", target.code());
    pairs.push(&lang);
    format!("{path}?{}", pairs.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_and_cookie_parsing() {
        assert_eq!(query_language("q=x&lang=en"), Some(Language::En));
        assert_eq!(query_language("lang=de"), None);
        assert_eq!(query_language("language=en"), None);
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static("a=b; mosaique_lang=en"));
        assert_eq!(cookie_language(&headers), Some(Language::En));
    }

    #[test]
    fn switch_link_keeps_other_parameters() {
        assert_eq!(
            switch_href(
                "/organizations",
                Some("province=QC&lang=fr&page=2"),
                Language::En
            ),
            "/organizations?province=QC&page=2&lang=en"
        );
        assert_eq!(switch_href("/", None, Language::Fr), "/?lang=fr");
        assert_eq!(
            switch_href("//evil.example/x", None, Language::En),
            "/evil.example/x?lang=en"
        );
        assert_eq!(
            switch_href("/\\evil.example", None, Language::En),
            "/evil.example?lang=en"
        );
    }
}
