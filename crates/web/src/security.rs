//! Security headers on every response. The CSP allows no inline script or style, which is
//! why htmx's own indicator styles are switched off in the layout.

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::http::header::{self, HeaderName};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Marks a response to a browser holding a session: it is sent uncompressed, because a page
/// that shows a person's data beside something an attacker can put in the URL would let the
/// compressed size leak that data (BREACH). Public pages and the token-authenticated API,
/// which no other site can make a browser request with credentials, are compressed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Uncompressed;

/// Whether a response may be compressed: not when marked [`Uncompressed`] (tower-http's
/// default predicate decides the rest: not images, not tiny bodies).
pub(crate) fn compressible(
    _: axum::http::StatusCode,
    _: axum::http::Version,
    _: &axum::http::HeaderMap,
    extensions: &axum::http::Extensions,
) -> bool {
    extensions.get::<Uncompressed>().is_none()
}

pub(crate) async fn headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let signed_in =
        crate::lang::cookie_value(request.headers(), state.settings.session_cookie_name())
            .is_some();
    let mut response = next.run(request).await;
    if signed_in {
        response.extensions_mut().insert(Uncompressed);
    }
    let too_large = response.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE;
    let headers = response.headers_mut();
    let set = |headers: &mut axum::http::HeaderMap, name: HeaderName, value: &'static str| {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    };
    set(headers, header::CONTENT_SECURITY_POLICY, CSP);
    // Nothing is cached unless a handler says so (the versioned static assets do): pages
    // may show an e-mail address, a one-time link or a person's data.
    set(headers, header::CACHE_CONTROL, "no-store");
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::REFERRER_POLICY, "no-referrer");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(
        headers,
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        headers,
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=()",
    );
    // A body refused as too large is left unread on the wire, so the connection cannot carry
    // another request: saying so keeps a client from sending its next one into a closing
    // socket (hyper closes it either way, but says so only if it noticed in time).
    if too_large {
        headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    if state.settings.is_https() {
        set(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    response
}

/// Cross-site request forgery protection without tokens (the logic of Go 1.25's
/// CrossOriginProtection): a state-changing request must come from this site. Browsers say
/// so in `Sec-Fetch-Site`, or at least in `Origin`; clients that send neither are not
/// browsers, and SameSite=Lax keeps the session cookie away from cross-site form posts.
pub(crate) async fn cross_origin_protection(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(request.method().as_str(), "GET" | "HEAD" | "OPTIONS") {
        return next.run(request).await;
    }
    let headers = request.headers();
    let allowed = if let Some(site) = headers.get("sec-fetch-site") {
        matches!(site.as_bytes(), b"same-origin" | b"none")
    } else if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let scheme = if state.settings.is_https() {
            "https"
        } else {
            "http"
        };
        let own = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .map(|host| format!("{scheme}://{host}"));
        own.as_deref() == Some(origin) || origin == state.settings.public_url.trim_end_matches('/')
    } else {
        true
    };
    if allowed {
        return next.run(request).await;
    }
    // The route pattern, not the path: a path may carry a one-time token.
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("unmatched", |p| p.as_str())
        .to_owned();
    tracing::warn!(%route, "cross-site request refused");
    let lang = request
        .extensions()
        .get::<mosaique_domain::Language>()
        .copied()
        .unwrap_or_default();
    if request.uri().path().starts_with("/api/") {
        crate::problem::Problem::new(crate::problem::ProblemKind::Forbidden, lang).into_response()
    } else {
        let tr = crate::i18n::Tr::new(lang);
        (axum::http::StatusCode::FORBIDDEN, axum::response::Html(format!(
            "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head><body><h1>{}</h1><p>{}</p><p><a href=\"/?lang={}\">{}</a></p></body></html>",
            lang.code(), tr.t("error-forbidden-title"), tr.t("error-forbidden-title"), tr.t("error-cross-site-text"), lang.code(), tr.t("error-home-link")
        ))).into_response()
    }
}

/// The client's address, for throttling: the peer, or — when the peer is a trusted reverse
/// proxy — the nearest untrusted address in `X-Forwarded-For`. Without this, everyone behind
/// one proxy would share one address and one lock-out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ClientIp(pub std::net::IpAddr);

impl axum::extract::FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<crate::wire::PeerAddr>>()
            .map_or(std::net::IpAddr::from([0, 0, 0, 0]), |c| c.0.0.ip());
        Ok(ClientIp(client_ip(
            peer,
            &parts.headers,
            &state.settings.trusted_proxies,
        )))
    }
}

fn client_ip(
    peer: std::net::IpAddr,
    headers: &axum::http::HeaderMap,
    trusted: &[std::net::IpAddr],
) -> std::net::IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let forwarded: Vec<std::net::IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|ip| ip.trim().parse().ok())
        .collect();
    // Walk back from the nearest hop: the first address not of our own proxies is the client.
    forwarded
        .into_iter()
        .rev()
        .find(|ip| !trusted.contains(ip))
        .unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use std::net::IpAddr;

    use axum::http::{HeaderMap, HeaderValue};

    use super::client_ip;

    #[test]
    fn forwarded_addresses_count_only_behind_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let client: IpAddr = "203.0.113.7".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("198.51.100.1, 203.0.113.7, 10.0.0.2"),
        );
        assert_eq!(
            client_ip(proxy, &headers, &[proxy]),
            client,
            "spoofed first hop ignored"
        );
        assert_eq!(
            client_ip(client, &headers, &[proxy]),
            client,
            "untrusted peers cannot claim an address"
        );
        assert_eq!(client_ip(proxy, &HeaderMap::new(), &[proxy]), proxy);
    }
}
