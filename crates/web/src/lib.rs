//! The web layer: axum routes, askama pages, the JSON API with its OpenAPI document,
//! operations endpoints and the embedded static assets.
//!
//! Handlers stay thin: parse the request, ask the store or the search index, render in the
//! request's language.

mod answer_cache;
mod api;
mod assets;
mod directory;
mod hsds;
pub mod i18n;
mod lang;
mod metrics;
mod ops;
mod pages;
mod problem;
mod screening;
mod search_refresh;
mod security;
mod services;
mod session;
mod state;

use std::net::SocketAddr;

use axum::Router;
use tokio::net::TcpListener;

pub use api::openapi_json;
pub use hsds::FluentTexts as HsdsTexts;
pub use state::{AppState, Settings};

/// The whole application: pages, API, operations, assets.
pub fn router(state: AppState) -> Router {
    let (api_router, _) = api::router().split_for_parts();
    Router::new()
        .merge(pages::router())
        .merge(api_router)
        .merge(api::fallback_router())
        .merge(hsds::router())
        .merge(ops::router())
        .merge(assets::router())
        .fallback(pages::not_found)
        .method_not_allowed_fallback(pages::method_not_allowed)
        // Layers run outermost last: panic guard, metrics, headers, language, session, CSRF.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::cross_origin_protection,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            session::resolve,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            lang::negotiate,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::headers,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::record,
        ))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            problem::panic_response,
        ))
        .with_state(state)
}

/// Serves until `shutdown` resolves, keeping the derived search index fresh meanwhile.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let refresher = tokio::spawn(search_refresh::run(state.clone()));
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    refresher.abort();
    result
}
