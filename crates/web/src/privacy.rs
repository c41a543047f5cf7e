//! The privacy officer's desk: emergency requests to decide, accesses opened on an imminent
//! danger to review, legal bases for police, and the register of disclosures without
//! consent (with its CSV export).

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use mosaique_app::{App, AppError, Invalid};
use mosaique_domain::case::{
    CategorySet, DataCategory, EmergencyDecision, ExceptionalAccess, ExceptionalKind, LegalGround,
    NewLegalBasis,
};
use mosaique_domain::time::{DEFAULT_TIME_ZONE, local_date};
use mosaique_domain::{EmergencyId, OrgId, Timestamp};

use crate::AppState;
use crate::form::Pairs;
use crate::gate::Ctx;
use crate::i18n::Tr;
use crate::shell::{PageError, Shell, render_with};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/privacy", get(desk))
        .route("/privacy/legal-bases", post(record_legal_basis))
        .route("/privacy/purge", post(purge))
        .route("/privacy/export", get(export))
        .route("/privacy/emergency/{id}/{decision}", post(decide))
        .route("/privacy/disclosures.csv", get(register_csv))
}

/// An access without consent as a row of the desk, or of a case's history.
#[derive(Debug)]
pub(crate) struct AccessRow {
    pub id: String,
    pub case_reference: String,
    pub kind: String,
    pub holder: String,
    pub categories: String,
    pub reason: String,
    pub at: String,
    pub until: String,
    pub decidable: bool,
    pub reviewable: bool,
}

pub(crate) fn categories_text(tr: &Tr, set: CategorySet) -> String {
    set.iter()
        .map(|c| tr.label("data_category", c.key()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn date(at: Timestamp) -> String {
    local_date(at, DEFAULT_TIME_ZONE)
}

pub(crate) fn access_row(tr: &Tr, a: &ExceptionalAccess) -> AccessRow {
    use mosaique_domain::case::EmergencyStatus as S;
    let (kind, decidable, reviewable) = match a.kind {
        ExceptionalKind::LegalBasis(ground) => {
            (tr.label("legal_ground", ground.key()), false, false)
        }
        ExceptionalKind::Emergency { status, imminent } => {
            let mut text = tr.label("emergency_status", status.key());
            if imminent {
                text = format!("{} — {text}", tr.t("emergency-imminent"));
            }
            (text, status == S::Requested, status == S::Imminent)
        }
    };
    AccessRow {
        id: a.id.clone(),
        case_reference: a.case_reference.clone(),
        kind,
        holder: a.holder.text(tr.lang).to_owned(),
        categories: categories_text(tr, a.categories),
        reason: a.reason.clone(),
        at: date(a.at),
        until: a.until.map(date).unwrap_or_default(),
        decidable,
        reviewable,
    }
}

#[derive(Debug)]
struct RegisterRow {
    at: String,
    case_reference: String,
    user: String,
    organization: String,
    categories: String,
    grounds: String,
}

type Choice = (String, String);

#[derive(Template)]
#[template(path = "privacy.html")]
struct DeskPage {
    shell: Shell,
    waiting: Vec<AccessRow>,
    legal_bases: Vec<AccessRow>,
    register: Vec<RegisterRow>,
    police: Vec<Choice>,
    grounds: Vec<Choice>,
    categories: Vec<Choice>,
    errors: Vec<String>,
    notice: Option<String>,
}

async fn desk_page(
    state: &AppState,
    ctx: &Ctx,
    errors: Vec<String>,
    notice: Option<String>,
) -> Response {
    let tr = ctx.tr();
    let view = match state.app.privacy_desk(&ctx.who).await {
        Ok(view) => view,
        Err(e) => return ctx.page_error(e),
    };
    let police = match state.app.police_organizations(ctx.lang).await {
        Ok(police) => police,
        Err(e) => return ctx.page_error(e),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = DeskPage {
        shell: ctx.shell(tr.t("privacy-title"), "privacy"),
        waiting: view.waiting.iter().map(|a| access_row(&tr, a)).collect(),
        legal_bases: view
            .legal_bases
            .iter()
            .map(|a| access_row(&tr, a))
            .collect(),
        register: view
            .register
            .iter()
            .map(|d| RegisterRow {
                at: d.at.to_rfc3339(),
                case_reference: d.case_reference.clone(),
                user: d.user_name.clone(),
                organization: d
                    .organization
                    .as_ref()
                    .map(|o| o.text(tr.lang).to_owned())
                    .unwrap_or_else(|| tr.t("case-party-coalition")),
                categories: categories_text(&tr, d.categories),
                grounds: d
                    .grounds
                    .iter()
                    .map(|g| tr.t(&format!("disclosure-ground-{g}")))
                    .collect::<Vec<_>>()
                    .join(", "),
            })
            .collect(),
        police: police
            .into_iter()
            .map(|(id, name)| (id.to_string(), name))
            .collect(),
        grounds: LegalGround::ALL
            .iter()
            .map(|g| (g.key().to_owned(), tr.label("legal_ground", g.key())))
            .collect(),
        categories: DataCategory::ALL
            .iter()
            .map(|c| (c.key().to_owned(), tr.label("data_category", c.key())))
            .collect(),
        errors,
        notice,
    };
    render_with(&page, status)
}

async fn desk(State(state): State<AppState>, ctx: Ctx) -> Response {
    desk_page(&state, &ctx, Vec::new(), None).await
}

async fn record_legal_basis(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> Response {
    let tr = ctx.tr();
    let f = Pairs::parse(&body);
    let mut bad = Vec::new();
    let ground = f.get("ground").parse::<LegalGround>().ok();
    if ground.is_none() {
        bad.push(("ground", f.get("ground")));
    }
    let recipient = f.get("recipient").parse::<OrgId>().ok();
    if recipient.is_none() {
        bad.push(("recipient", f.get("recipient")));
    }
    let expires = App::end_of_day(&f.get("expires_on"));
    if expires.is_none() {
        bad.push(("expires_on", f.get("expires_on")));
    }
    let categories: CategorySet = f
        .all("categories")
        .iter()
        .filter_map(|c| c.parse::<DataCategory>().ok())
        .collect();
    let (Some(ground), Some(recipient), Some(expires_at)) = (ground, recipient, expires) else {
        let errors = bad
            .iter()
            .map(|(field, value)| {
                tr.t_args(
                    "case-bad-value",
                    &[
                        ("field", crate::i18n::Arg::Text((*field).to_owned())),
                        ("value", crate::i18n::Arg::Text(value.clone())),
                    ],
                )
            })
            .collect();
        return desk_page(&state, &ctx, errors, None).await;
    };
    let new = NewLegalBasis {
        ground,
        reference: f.get("reference"),
        recipient,
        categories,
        expires_at,
    };
    match state
        .app
        .record_legal_basis(&ctx.who, &f.get("case"), new)
        .await
    {
        Ok(_) => {
            desk_page(
                &state,
                &ctx,
                Vec::new(),
                Some(tr.t("privacy-legal-basis-recorded")),
            )
            .await
        }
        Err(AppError::Invalid(Invalid::Disclosure(problems))) => {
            let errors = problems.iter().map(|p| tr.t(p.message_id())).collect();
            desk_page(&state, &ctx, errors, None).await
        }
        Err(e) => ctx.page_error(e),
    }
}

async fn purge(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> Response {
    let tr = ctx.tr();
    let f = Pairs::parse(&body);
    match state
        .app
        .purge_case_by_reference(&ctx.who, &f.get("case"))
        .await
    {
        Ok(()) => desk_page(&state, &ctx, Vec::new(), Some(tr.t("privacy-purged"))).await,
        Err(AppError::Invalid(Invalid::Disclosure(problems))) => {
            let errors = problems.iter().map(|p| tr.t(p.message_id())).collect();
            desk_page(&state, &ctx, errors, None).await
        }
        Err(AppError::Conflict(conflict)) => {
            let errors = vec![crate::gate::conflict_text(&tr, conflict)];
            desk_page(&state, &ctx, errors, None).await
        }
        Err(e) => ctx.page_error(e),
    }
}

/// An access request answered by a privacy officer: the case's export, by its reference.
async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::extract::Query(query): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Response {
    let reference = query.get("case").cloned().unwrap_or_default();
    match state.app.privacy_case(&ctx.who, &reference).await {
        Ok(case) => Redirect::to(&format!("/cases/{case}/export")).into_response(),
        Err(AppError::Invalid(Invalid::Disclosure(problems))) => {
            let tr = ctx.tr();
            let errors = problems.iter().map(|p| tr.t(p.message_id())).collect();
            desk_page(&state, &ctx, errors, None).await
        }
        Err(e) => ctx.page_error(e),
    }
}

async fn decide(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, decision)): Path<(String, String)>,
) -> Response {
    let Some(id) = ctx.id::<EmergencyId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    let decision = match decision.as_str() {
        "approve" => EmergencyDecision::Approve,
        "refuse" => EmergencyDecision::Refuse,
        "review" => EmergencyDecision::Review,
        _ => return ctx.error(PageError::NotFound),
    };
    match state.app.decide_emergency(&ctx.who, id, decision).await {
        Ok(_) => Redirect::to("/privacy").into_response(),
        Err(e) => ctx.page_error(e),
    }
}

/// One CSV field: quoted, quotes doubled, and a leading formula character neutralised so a
/// spreadsheet does not run it.
fn csv_field(text: &str) -> String {
    let safe = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    format!("\"{}\"", safe.replace('"', "\"\""))
}

async fn register_csv(State(state): State<AppState>, ctx: Ctx) -> Response {
    let tr = ctx.tr();
    let view = match state.app.privacy_desk(&ctx.who).await {
        Ok(view) => view,
        Err(e) => return ctx.page_error(e),
    };
    let header_keys = [
        "privacy-register-at",
        "privacy-register-case",
        "privacy-register-user",
        "privacy-register-organization",
        "privacy-register-categories",
        "privacy-register-grounds",
    ];
    let mut out = header_keys
        .iter()
        .map(|k| csv_field(&tr.t(k)))
        .collect::<Vec<_>>()
        .join(",");
    out.push_str("\r\n");
    for d in &view.register {
        let row = [
            d.at.to_rfc3339(),
            d.case_reference.clone(),
            d.user_name.clone(),
            d.organization
                .as_ref()
                .map(|o| o.text(tr.lang).to_owned())
                .unwrap_or_default(),
            d.categories.keys().join(" "),
            d.grounds.join(" "),
        ];
        out.push_str(
            &row.iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"registre-communications.csv\"",
            ),
        ],
        out,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_and_formulas_neutralised() {
        assert_eq!(csv_field("a\"b"), "\"a\"\"b\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "\"'=HYPERLINK(1)\"");
        assert_eq!(csv_field("2026-0001"), "\"2026-0001\"");
    }
}
