//! The web layer: axum routes, askama pages, the JSON API with its OpenAPI document, the
//! HSDS feed, operations endpoints and the embedded static assets, organized by feature
//! (identity, screening, directory, oversight).
//!
//! Handlers are thin: parse the request, call the use case (`mosaique_app`) with the
//! [`gate::Ctx`] every handler receives, render in the request's language. Access is never
//! decided here, and no transaction is opened here: this crate depends on neither the store
//! nor the crypto crate.

mod agreements;
mod answer_cache;
mod api;
mod api_params;
mod assets;
mod cases;
mod coalition;
mod contact;
mod directory;
mod form;
mod gate;
mod home;
pub mod i18n;
mod identity;
mod json;
mod lang;
mod mail;
mod metrics;
mod ops;
mod oversight;
mod privacy;
mod problem;
mod public;
mod referrals;
mod screening;
mod security;
mod session;
mod shell;
mod state;
mod wire;

use axum::Router;
use axum::routing::get;
use tokio::net::TcpListener;

pub use api::openapi_json;
pub use directory::hsds::FluentTexts as HsdsTexts;
pub use mail::{MailSetupProblem, Mailer};
pub use state::{AppState, HelpLine, Settings};

/// The whole application: pages, API, operations, assets.
pub fn router(state: AppState) -> Router {
    let (api_router, _) = api::router().split_for_parts();
    Router::new()
        .route("/", get(home::show))
        .merge(identity::router())
        .merge(screening::router())
        .merge(cases::router())
        .merge(referrals::router())
        .merge(privacy::router())
        .merge(agreements::router())
        .merge(coalition::router())
        .merge(directory::router())
        .merge(public::router())
        .merge(contact::router())
        .merge(oversight::router())
        .merge(api_router)
        .merge(api::fallback_router())
        .merge(directory::hsds::router())
        .merge(ops::router())
        .merge(assets::router())
        .fallback(shell::not_found)
        .method_not_allowed_fallback(shell::method_not_allowed)
        // Layers run outermost last: panic guard, compression, metrics, headers, language,
        // session, CSRF, malformed paths.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            wire::reject_malformed_path,
        ))
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
        .layer(
            tower_http::compression::CompressionLayer::new().compress_when(
                tower_http::compression::predicate::Predicate::and(
                    tower_http::compression::predicate::DefaultPredicate::new(),
                    security::compressible,
                ),
            ),
        )
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            problem::panic_response,
        ))
        .with_state(state)
}

/// Serves `/metrics` alone on its own listener (`metrics_bind`), until the task is dropped:
/// its per-route counts are for monitoring, not the public.
pub async fn serve_metrics(listener: TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, ops::metrics_router(state)).await
}

/// Serves until `shutdown` resolves, keeping this server's search snapshots fresh meanwhile.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // The first visitor should not wait for the assets' one-time compression.
    tokio::task::spawn_blocking(assets::prepare);
    let refresher = tokio::spawn(
        state
            .app
            .clone()
            .run_search_refresh(state.settings.search_refresh),
    );
    // Unanswered referrals go back to the coordinator within a minute of their delay.
    let expiry = tokio::spawn(
        state
            .app
            .clone()
            .run_referral_expiry(std::time::Duration::from_secs(60)),
    );
    // Tell people by e-mail that something waits, when SMTP is configured.
    let mail = state.settings.mail.clone().map(|mailer| {
        tokio::spawn(mail::run(
            state.app.clone(),
            mailer,
            state.settings.public_url.clone(),
        ))
    });
    let listener = wire::GuardedListener {
        inner: listener,
        default_language: state.settings.default_language,
    };
    let app = router(state).into_make_service_with_connect_info::<wire::PeerAddr>();
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    refresher.abort();
    expiry.abort();
    if let Some(mail) = mail {
        mail.abort();
    }
    result
}
