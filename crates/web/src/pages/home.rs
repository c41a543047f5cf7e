//! The home page: who the coalition is, where to get help now, the way into the directory.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use mosaique_store::OrgFilter;

use super::{PageContext, PageError, Shell, render};
use crate::AppState;
use crate::i18n::Arg;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    shell: Shell,
    stats: String,
}

pub(super) async fn show(State(state): State<AppState>, context: PageContext) -> Response {
    let all = state
        .db
        .list_organizations(&OrgFilter {
            limit: 0,
            ..OrgFilter::default()
        })
        .await;
    let coalitions = state
        .db
        .list_organizations(&OrgFilter {
            limit: 0,
            coalitions_only: true,
            ..OrgFilter::default()
        })
        .await;
    let (all, coalitions) = match (all, coalitions) {
        (Ok(all), Ok(coalitions)) => (all.total, coalitions.total),
        (Err(e), _) | (_, Err(e)) => return context.error(PageError::from_store(e)),
    };
    let tr = context.tr();
    let stats = tr.t_args(
        "home-stats",
        &[
            ("organizations", Arg::Int(all)),
            ("coalitions", Arg::Int(coalitions)),
        ],
    );
    render(&HomePage {
        shell: context.shell(tr.t("home-title"), "home"),
        stats,
    })
}
