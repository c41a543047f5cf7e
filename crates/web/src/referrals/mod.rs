//! Needs and referrals: a case's needs, referring them to a service of another organization,
//! the receiving organization's intake queue, and each side's moves until the loop closes.

pub(crate) mod api;
pub(crate) mod desk;
pub(crate) mod inbox;
pub(crate) mod pages;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/intake", get(pages::intake_form).post(pages::take_intake))
        .route("/cases/{id}/situation", post(pages::write_situation))
        .route("/cases/{id}/needs", post(pages::add_need))
        .route("/cases/{id}/needs/{need}", post(pages::need_status))
        .route("/cases/{id}/matches", get(pages::matches))
        .route("/cases/{id}/referrals", post(pages::refer))
        .route("/cases/{id}/transfer", post(pages::transfer))
        .route("/referrals", get(pages::queue))
        .route("/referrals/{id}", get(pages::show))
        .route("/referrals/{id}/move", post(pages::move_referral))
        .route("/inbox", get(inbox::show))
        .route("/desk", get(desk::show))
        .route("/desk/shifts", post(desk::add_shift))
}
