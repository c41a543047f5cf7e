//! Static assets embedded in the binary, served with a content hash in the URL so they can
//! be cached for a year and still change on upgrade. No third-party host is ever involved.
//! Each is compressed once, at the best brotli and gzip levels, and sent in the encoding the
//! browser accepts.

use std::collections::HashMap;
use std::io::Write;
use std::sync::LazyLock;

use axum::Router;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
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

/// One asset as stored and in both compressed encodings.
struct Asset {
    hash: String,
    plain: Bytes,
    brotli: Bytes,
    gzip: Bytes,
}

static ASSETS: LazyLock<HashMap<String, Asset>> = LazyLock::new(|| {
    Static::iter()
        .filter_map(|name| {
            let file = Static::get(&name)?;
            let hash = file
                .metadata
                .sha256_hash()
                .iter()
                .take(6)
                .map(|b| format!("{b:02x}"))
                .collect();
            let plain = file.data.into_owned();
            let asset = Asset {
                hash,
                brotli: brotli_of(&plain).into(),
                gzip: gzip_of(&plain).into(),
                plain: plain.into(),
            };
            Some((name.into_owned(), asset))
        })
        .collect()
});

fn brotli_of(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        ..Default::default()
    };
    match brotli::BrotliCompress(&mut &bytes[..], &mut out, &params) {
        Ok(_) => out,
        // Compressing into memory cannot fail; if it ever did, the asset goes plain.
        Err(_) => Vec::new(),
    }
}

fn gzip_of(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // As for brotli: writing into memory cannot fail; if it did, the asset goes plain.
    encoder
        .write_all(bytes)
        .and_then(|()| encoder.finish())
        .unwrap_or_default()
}

/// Compresses every asset now rather than on the first visitor's request.
pub(crate) fn prepare() {
    LazyLock::force(&ASSETS);
}

/// `/static/app.css?v=HASH`: the URL templates use for an asset.
pub(crate) fn href(file: &str) -> String {
    match ASSETS.get(file) {
        Some(asset) => format!("/static/{file}?v={}", asset.hash),
        None => format!("/static/{file}"),
    }
}

/// The favicon as a `data:` URI: a first visit costs no request for it.
pub(crate) fn icon() -> &'static str {
    static ICON: LazyLock<String> = LazyLock::new(|| {
        let svg = ASSETS
            .get("favicon.svg")
            .map(|asset| String::from_utf8_lossy(&asset.plain).into_owned())
            .unwrap_or_default();
        format!("data:image/svg+xml,{}", crate::shell::encode(svg.trim()))
    });
    &ICON
}

/// The coding named in `Accept-Encoding` with a quality above zero.
fn accepts(headers: &HeaderMap, coding: &str) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let named = parts
                .next()
                .is_some_and(|name| name.eq_ignore_ascii_case(coding));
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            named && !refused
        })
}

async fn serve(Path(file): Path<String>, request_headers: HeaderMap) -> Response {
    let Some(asset) = ASSETS.get(&file) else {
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
    let (body, encoding) = if !asset.brotli.is_empty() && accepts(&request_headers, "br") {
        (&asset.brotli, Some("br"))
    } else if !asset.gzip.is_empty() && accepts(&request_headers, "gzip") {
        (&asset.gzip, Some("gzip"))
    } else {
        (&asset.plain, None)
    };
    let mut response = body.clone().into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if let Some(encoding) = encoding {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_encoding_is_read_with_its_qualities() {
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(value));
            headers
        };
        assert!(accepts(&with("gzip, deflate, br, zstd"), "br"));
        assert!(accepts(&with("GZIP;q=0.5"), "gzip"));
        assert!(!accepts(&with("br;q=0, gzip"), "br"));
        assert!(!accepts(&with("brotli"), "br"));
        assert!(!accepts(&HeaderMap::new(), "gzip"));
    }

    #[test]
    fn every_asset_decompresses_to_itself() {
        for (name, asset) in ASSETS.iter() {
            let mut unbrotli = Vec::new();
            brotli::BrotliDecompress(&mut &asset.brotli[..], &mut unbrotli).unwrap();
            assert_eq!(unbrotli, asset.plain, "{name}");
            let mut ungzip = Vec::new();
            std::io::Read::read_to_end(
                &mut flate2::read::GzDecoder::new(&asset.gzip[..]),
                &mut ungzip,
            )
            .unwrap();
            assert_eq!(ungzip, asset.plain, "{name}");
            assert!(asset.brotli.len() < asset.plain.len() || asset.plain.len() < 400);
        }
    }
}
