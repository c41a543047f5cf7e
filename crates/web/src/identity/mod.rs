//! Identity pages: signing in and out, one-time links, one's own account, staff
//! administration; and `/api/v1/me`.

pub(crate) mod account;
pub(crate) mod api;
pub(crate) mod links;
pub(crate) mod sign_in;
pub(crate) mod staff;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(sign_in::form).post(sign_in::sign_in))
        .route("/login/continue", get(sign_in::continue_sign_in))
        .route("/login/totp", get(sign_in::totp_form).post(sign_in::totp))
        .route("/logout", post(sign_in::sign_out))
        .route("/reauth", get(sign_in::reauth_form).post(sign_in::reauth))
        .route("/enrol/{token}", get(links::enrol_form).post(links::enrol))
        .route("/reset/{token}", get(links::reset_form).post(links::reset))
        .route("/account", get(account::show))
        .route(
            "/account/security/totp",
            get(account::totp_setup_form).post(account::totp_setup),
        )
        .route(
            "/account/sessions/revoke",
            post(account::sign_out_everywhere),
        )
        .route("/admin/users", get(staff::list).post(staff::create))
        .route("/admin/users/{id}/disable", post(staff::disable))
        .route("/admin/users/{id}/reset", post(staff::reset_link))
}
