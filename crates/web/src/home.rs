//! The home page: who the coalition is, where to get help now, the way into the directory.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use crate::AppState;
use crate::gate::Ctx;
use crate::i18n::Arg;
use crate::shell::{Shell, render};

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    shell: Shell,
    stats: String,
}

pub(crate) async fn show(State(state): State<AppState>, ctx: Ctx) -> Response {
    let (organizations, coalitions) = match state.app.directory_counts().await {
        Ok(counts) => counts,
        Err(e) => return ctx.page_error(e),
    };
    let tr = ctx.tr();
    let stats = tr.t_args(
        "home-stats",
        &[
            ("organizations", Arg::Int(organizations)),
            ("coalitions", Arg::Int(coalitions)),
        ],
    );
    render(&HomePage {
        shell: ctx.shell(tr.t("home-title"), "home"),
        stats,
    })
}
