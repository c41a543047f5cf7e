//! The audit trail page (privacy officers and coalition admins): who did what to which
//! record, filtered by target or actor, and a check of the whole chain.

use askama::Template;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use mosaique_app::oversight::{AUDIT_PAGE, AuditFilter, AuditVerdict};
use mosaique_domain::Timestamp;
use mosaique_domain::identity::normalize_email;
use serde::Deserialize;

use crate::AppState;
use crate::gate::Ctx;
use crate::i18n::Arg;
use crate::shell::{Shell, render};

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/admin/audit", get(audit))
}

struct AuditRow {
    seq: i64,
    when: String,
    actor: String,
    action: String,
    target: String,
    outcome: String,
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    shell: Shell,
    target: String,
    actor: String,
    verdict: Option<String>,
    intact: bool,
    entries: Vec<AuditRow>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct AuditQuery {
    target: Option<String>,
    actor: Option<String>,
    verify: Option<String>,
}

async fn audit(
    State(state): State<AppState>,
    ctx: Ctx,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Response {
    let tr = ctx.tr();
    // Lenient, as every list's filters: a query that does not parse filters nothing.
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let target = query
        .target
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned);
    let actor_email = query.actor.as_deref().and_then(normalize_email);
    // A target is "type:id" (user:…, case:…) or a bare id, taken as a user; a user may be
    // named by e-mail.
    let filter = AuditFilter {
        target: target.as_deref().map(|t| {
            t.split_once(':')
                .map_or(("user".to_owned(), t.to_owned()), |(k, v)| {
                    (k.to_owned(), v.to_owned())
                })
        }),
        actor_email: actor_email.clone(),
        limit: AUDIT_PAGE,
    };
    let view = match state
        .app
        .audit_trail(&ctx.who, &filter, query.verify.is_some())
        .await
    {
        Ok(view) => view,
        Err(e) => return ctx.page_error(e),
    };
    let (verdict, intact) = match view.verdict {
        Some(AuditVerdict::Intact {
            entries,
            checkpoints,
        }) => (
            Some(tr.t_args(
                "audit-intact",
                &[
                    ("entries", Arg::Int(entries)),
                    ("checkpoints", Arg::Int(checkpoints)),
                ],
            )),
            true,
        ),
        Some(AuditVerdict::Broken { seq, problem }) => (
            Some(tr.t_args(
                "audit-broken",
                &[
                    ("seq", Arg::Int(seq)),
                    ("problem", Arg::Text(problem.key().to_owned())),
                ],
            )),
            false,
        ),
        None => (None, true),
    };
    let entries = view
        .rows
        .into_iter()
        .map(|row| {
            let e = row.entry;
            AuditRow {
                seq: e.seq,
                when: Timestamp(e.at).to_rfc3339(),
                actor: match (row.actor_email, e.actor_user_id) {
                    (Some(email), _) => email,
                    (None, Some(id)) => id,
                    (None, None) => tr.t("audit-system"),
                },
                target: match (&e.target_id, e.target_type.as_str()) {
                    (Some(id), "user") => {
                        format!("user:{}", row.target_email.as_deref().unwrap_or(id))
                    }
                    (Some(id), kind) => format!("{kind}:{id}"),
                    (None, kind) => kind.to_owned(),
                },
                outcome: match &e.reason {
                    Some(reason) => format!("{} ({reason})", e.outcome),
                    None => e.outcome,
                },
                action: e.action,
            }
        })
        .collect();
    render(&AuditPage {
        shell: ctx.shell(tr.t("audit-title"), "admin"),
        target: target.unwrap_or_default(),
        actor: actor_email.unwrap_or_default(),
        verdict,
        intact,
        entries,
    })
}
