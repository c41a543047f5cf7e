//! Operations endpoints for load balancers and monitoring.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use mosaique_app::MigrationState;
use serde::Serialize;

use crate::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

/// `/metrics`, for its own listener (`metrics_bind`): per-route counts tell how many
/// screenings were run and sign-ins failed, which is not for the public listener.
pub(crate) fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .with_state(state)
}

/// Alive: the process answers. Says nothing about the database, on purpose, so a database
/// outage does not get every server restarted.
async fn healthz() -> Response {
    ([(header::CACHE_CONTROL, "no-store")], "ok\n").into_response()
}

#[derive(Debug, Serialize)]
struct Readiness {
    ready: bool,
    database: &'static str,
    migrations: &'static str,
    search_index: &'static str,
}

/// Ready: the database answers, the schema is current, and the search index is built.
async fn readyz(State(state): State<AppState>) -> Response {
    let (database, migrations) = match state.app.migration_state().await {
        Ok(MigrationState::Current) => ("ok", "current"),
        Ok(MigrationState::Pending(_)) => ("ok", "pending"),
        Ok(MigrationState::NewerSchema) => ("ok", "newer"),
        Err(error) => {
            tracing::warn!(%error, "readiness: database check failed");
            ("unavailable", "unknown")
        }
    };
    let search_index = if state.app.search().services().is_some() {
        "ready"
    } else {
        "building"
    };
    let ready = database == "ok" && migrations == "current" && search_index == "ready";
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = Readiness {
        ready,
        database,
        migrations,
        search_index,
    };
    (status, [(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}

async fn metrics(State(state): State<AppState>) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        crate::metrics::render(&state),
    )
        .into_response()
}
