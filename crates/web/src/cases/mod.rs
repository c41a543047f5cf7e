//! Shared cases: the list of one's cases, opening one, and a case as consent lets its
//! reader see it — team, consents, notes, the steps of the work, status. Every screen calls a use case; what is
//! not disclosed never reaches the page.

pub(crate) mod api;
pub(crate) mod details;
pub(crate) mod documents;
pub(crate) mod form;
pub(crate) mod pages;
pub(crate) mod screenings;
pub(crate) mod steps;
pub(crate) mod team;
pub(crate) mod terms;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/cases", get(pages::list).post(pages::open))
        .route(
            "/cases/emergency",
            get(pages::emergency_form).post(pages::emergency_by_reference),
        )
        .route("/cases/{id}", get(pages::show))
        .route("/cases/{id}/emergency", post(pages::request_emergency))
        .route("/cases/{id}/export", get(pages::export_page))
        .route("/cases/{id}/export.json", get(api::export_json))
        .route("/cases/{id}/team", post(pages::add_member))
        .route("/cases/{id}/team/{user}/remove", post(pages::remove_member))
        .route("/cases/{id}/consents", post(pages::record_consent))
        .route(
            "/cases/{id}/consents/{consent}/receipt",
            get(pages::consent_receipt),
        )
        .route(
            "/cases/{id}/consents/{consent}/withdraw",
            post(pages::withdraw_consent),
        )
        .route("/cases/{id}/notes", post(pages::add_note))
        .route("/cases/{id}/status", post(pages::change_status))
        .route("/admin/vocabularies", get(terms::show).post(terms::set))
        .route("/cases/{id}/details/{category}", post(details::change_page))
        .route(
            "/cases/{id}/documents",
            post(documents::upload_page).layer(documents::upload_limit()),
        )
        .route(
            "/cases/{id}/documents/{document}",
            get(documents::download_page),
        )
        .route("/cases/{id}/steps", post(steps::add_step))
        .route("/screening/{id}/attach", post(screenings::attach_page))
        .route("/cases/{id}/steps/{step}", post(steps::change_step))
}
