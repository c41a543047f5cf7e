//! Sign-in. Accounts, passwords and second factors arrive with the identity work; until
//! then the page says plainly that only the public directory is open.

use askama::Template;
use axum::response::Response;

use super::{PageContext, Shell, render};

#[derive(Template)]
#[template(path = "message.html")]
struct LoginPage {
    shell: Shell,
    heading: String,
    text: String,
}

pub(super) async fn show(context: PageContext) -> Response {
    let tr = context.tr();
    let heading = tr.t("login-title");
    render(&LoginPage {
        shell: context.shell(heading.clone(), "login"),
        heading,
        text: tr.t("login-unavailable"),
    })
}
