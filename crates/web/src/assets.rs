//! Static assets embedded in the binary, served with a content hash in the URL so they can
//! be cached for a year and still change on upgrade. No third-party host is ever involved.

use std::sync::LazyLock;

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rust_embed::RustEmbed;

use crate::AppState;

#[derive(RustEmbed)]
#[folder = "static/"]
struct Static;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/static/{file}", get(serve))
}

/// `/static/app.css?v=HASH`: the URL templates use for an asset.
pub(crate) fn href(file: &str) -> String {
    static HASHES: LazyLock<std::collections::HashMap<String, String>> = LazyLock::new(|| {
        Static::iter()
            .filter_map(|name| {
                let hash = Static::get(&name)?.metadata.sha256_hash();
                let short: String = hash.iter().take(6).map(|b| format!("{b:02x}")).collect();
                Some((name.into_owned(), short))
            })
            .collect()
    });
    match HASHES.get(file) {
        Some(hash) => format!("/static/{file}?v={hash}"),
        None => format!("/static/{file}"),
    }
}

async fn serve(Path(file): Path<String>) -> Response {
    let Some(asset) = Static::get(&file) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mime = match file.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("txt") => "text/plain; charset=utf-8",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    };
    let mut response = asset.data.into_owned().into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    response
}
