//! Bulletins: the coalition's page of those it sent (with how many read them) and the form
//! that publishes one; a bulletin's page for its reader; the inbox's list; and the same over
//! JSON.

use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mosaique_domain::coalition::bulletin::{Bulletin, NewBulletin, ReceivedBulletin};
use mosaique_domain::{Bilingual, BulletinId, OrgId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::api::{not_found, problem};
use super::{form_status, name_in, problems};
use crate::AppState;
use crate::api::ApiJson;
use crate::form::Pairs;
use crate::gate::Ctx;
use crate::i18n::Arg;
use crate::problem::{Problem, ProblemBody};
use crate::shell::{PageError, Shell, render, render_with};

fn when(b: &Bulletin) -> String {
    mosaique_domain::time::local_date_time(b.published_at, mosaique_domain::time::DEFAULT_TIME_ZONE)
}

struct SentRow {
    id: String,
    title: String,
    when: String,
    /// "Read by 3 of 12".
    reach: String,
}

#[derive(Template)]
#[template(path = "coalition_bulletins.html")]
struct BulletinsPage {
    shell: Shell,
    id: String,
    coalition: String,
    sent: Vec<SentRow>,
    title_fr: String,
    title_en: String,
    body: String,
    errors: Vec<String>,
}

async fn bulletins_page(
    state: &AppState,
    ctx: &Ctx,
    id: OrgId,
    refused: Option<(Vec<String>, NewBulletin)>,
) -> Response {
    let view = match state.app.bulletins(&ctx.who, id).await {
        Ok(view) => view,
        Err(e) => return ctx.page_error(e),
    };
    let tr = ctx.tr();
    let (errors, sent) = match refused {
        Some((errors, sent)) => (errors, Some(sent)),
        None => (Vec::new(), None),
    };
    let coalition = name_in(&view.coalition.name, ctx.lang);
    render_with(
        &BulletinsPage {
            shell: ctx.shell(
                tr.with("bulletins-title", "coalition", &coalition),
                "coalitions",
            ),
            id: id.to_string(),
            coalition,
            sent: view
                .sent
                .iter()
                .map(|s| SentRow {
                    id: s.bulletin.id.to_string(),
                    title: s.bulletin.title.get(ctx.lang).clone(),
                    when: when(&s.bulletin),
                    reach: tr.t_args(
                        "bulletin-read-by",
                        &[
                            ("read", Arg::Int(i64::try_from(s.read).unwrap_or(i64::MAX))),
                            (
                                "recipients",
                                Arg::Int(i64::try_from(s.recipients).unwrap_or(i64::MAX)),
                            ),
                        ],
                    ),
                })
                .collect(),
            title_fr: sent
                .as_ref()
                .map(|s| s.title.fr.clone())
                .unwrap_or_default(),
            title_en: sent
                .as_ref()
                .map(|s| s.title.en.clone())
                .unwrap_or_default(),
            body: sent.as_ref().map(|s| s.body.clone()).unwrap_or_default(),
            errors: errors.clone(),
        },
        form_status(&errors),
    )
}

/// `GET /coalitions/{id}/bulletins`.
pub(crate) async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    match ctx.id::<OrgId>(&id) {
        Some(id) => bulletins_page(&state, &ctx, id, None).await,
        None => ctx.error(PageError::NotFound),
    }
}

/// `POST /coalitions/{id}/bulletins`.
pub(crate) async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Some(id) = ctx.id::<OrgId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    if let Err(e) = state.app.may_run(&ctx.who, id).await {
        return ctx.page_error(e);
    }
    let f = Pairs::parse(&body);
    let new = NewBulletin {
        title: Bilingual::new(f.get("title_fr"), f.get("title_en")),
        body: f.get("body"),
    };
    match state.app.publish_bulletin(&ctx.who, id, new.clone()).await {
        Ok(_) => Redirect::to(&format!("/coalitions/{id}/bulletins")).into_response(),
        Err(e) => match problems(&ctx.tr(), &e) {
            Some(errors) => bulletins_page(&state, &ctx, id, Some((errors, new))).await,
            None => ctx.page_error(e),
        },
    }
}

#[derive(Template)]
#[template(path = "bulletin.html")]
struct BulletinPage {
    shell: Shell,
    when: String,
    author: String,
    body: String,
}

/// `GET /bulletins/{bulletin}`: one of the reader's bulletins, marked read.
pub(crate) async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = ctx.id::<BulletinId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    match state.app.open_bulletin(&ctx.who, id).await {
        Ok(b) => render(&BulletinPage {
            shell: ctx.shell(b.title.get(ctx.lang).clone(), "inbox"),
            when: when(&b),
            author: b.author.clone(),
            body: b.body.clone(),
        }),
        Err(e) => ctx.page_error(e),
    }
}

/// One bulletin as the inbox lists it.
pub(crate) struct InboxBulletin {
    pub id: String,
    pub title: String,
    pub when: String,
    pub read: bool,
}

pub(crate) fn inbox_rows(ctx: &Ctx, received: &[ReceivedBulletin]) -> Vec<InboxBulletin> {
    received
        .iter()
        .map(|r| InboxBulletin {
            id: r.bulletin.id.to_string(),
            title: r.bulletin.title.get(ctx.lang).clone(),
            when: when(&r.bulletin),
            read: r.read,
        })
        .collect()
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct BulletinJson {
    pub id: String,
    pub coalition_id: String,
    pub title_fr: String,
    pub title_en: String,
    pub body: String,
    pub author: String,
    pub published_at: String,
}

fn bulletin_json(b: &Bulletin) -> BulletinJson {
    BulletinJson {
        id: b.id.to_string(),
        coalition_id: b.coalition.to_string(),
        title_fr: b.title.fr.clone(),
        title_en: b.title.en.clone(),
        body: b.body.clone(),
        author: b.author.clone(),
        published_at: b.published_at.to_rfc3339(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SentBulletinJson {
    pub bulletin: BulletinJson,
    /// Accounts it was delivered to.
    pub recipients: u64,
    /// Of those, how many opened it.
    pub read: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SentBulletinsJson {
    pub items: Vec<SentBulletinJson>,
}

/// The bulletins the coalition sent, with how many read them (for those who run it: a member
/// reads the bulletins delivered to them, `GET /api/v1/bulletins`).
#[utoipa::path(
    get,
    path = "/api/v1/coalitions/{id}/bulletins",
    tag = "coalition",
    operation_id = "coalitionBulletins",
    params(("id" = String, Path, description = "The coalition's id")),
    responses(
        (status = 200, description = "Its bulletins, the newest first", body = SentBulletinsJson),
        (status = 403, description = "Not a coalition administrator or coordinator", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such coalition", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn list_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<SentBulletinsJson>, Problem> {
    let id = ctx.id::<OrgId>(&id).ok_or_else(|| not_found(&ctx))?;
    let view = state
        .app
        .bulletins(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(Json(SentBulletinsJson {
        items: view
            .sent
            .iter()
            .map(|s| SentBulletinJson {
                bulletin: bulletin_json(&s.bulletin),
                recipients: s.recipients,
                read: s.read,
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct BulletinInput {
    pub title_fr: String,
    pub title_en: String,
    pub body: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct BulletinPublishedJson {
    pub id: String,
    /// Accounts it was delivered to.
    pub recipients: u64,
}

/// Publishes a bulletin to every account of today's member organizations and of the
/// coalition's staff (analysts excepted).
#[utoipa::path(
    post,
    path = "/api/v1/coalitions/{id}/bulletins",
    tag = "coalition",
    operation_id = "publishBulletin",
    params(("id" = String, Path, description = "The coalition's id")),
    request_body = BulletinInput,
    responses(
        (status = 201, description = "Published", body = BulletinPublishedJson),
        (status = 403, description = "Not a coalition administrator or coordinator", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such coalition", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "A title missing in one language, no text, a text too long", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn publish_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<ApiJson<BulletinInput>, Problem>,
) -> Result<(StatusCode, Json<BulletinPublishedJson>), Problem> {
    let id = ctx.id::<OrgId>(&id).ok_or_else(|| not_found(&ctx))?;
    state
        .app
        .may_run(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    let ApiJson(input) = body?;
    let new = NewBulletin {
        title: Bilingual::new(input.title_fr, input.title_en),
        body: input.body,
    };
    let (bulletin, recipients) = state
        .app
        .publish_bulletin(&ctx.who, id, new)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok((
        StatusCode::CREATED,
        Json(BulletinPublishedJson {
            id: bulletin.to_string(),
            recipients,
        }),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ReceivedBulletinJson {
    pub bulletin: BulletinJson,
    pub read: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MyBulletinsJson {
    pub unread: usize,
    /// The newest first.
    pub items: Vec<ReceivedBulletinJson>,
}

/// The bulletins delivered to the caller.
#[utoipa::path(
    get,
    path = "/api/v1/bulletins",
    tag = "coalition",
    operation_id = "myBulletins",
    responses(
        (status = 200, description = "The caller's bulletins", body = MyBulletinsJson),
    )
)]
pub(crate) async fn mine_api(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<MyBulletinsJson>, Problem> {
    let received = state
        .app
        .my_bulletins(&ctx.who)
        .await
        .map_err(|e| ctx.problem(e))?;
    Ok(Json(MyBulletinsJson {
        unread: received.iter().filter(|r| !r.read).count(),
        items: received
            .iter()
            .map(|r| ReceivedBulletinJson {
                bulletin: bulletin_json(&r.bulletin),
                read: r.read,
            })
            .collect(),
    }))
}

/// Opens a bulletin delivered to the caller, and marks it read.
#[utoipa::path(
    get,
    path = "/api/v1/bulletins/{id}",
    tag = "coalition",
    operation_id = "openBulletin",
    params(("id" = String, Path, description = "The bulletin's id")),
    responses(
        (status = 200, description = "The bulletin", body = BulletinJson),
        (status = 404, description = "No such bulletin delivered to the caller", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn open_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<BulletinJson>, Problem> {
    let id = ctx.id::<BulletinId>(&id).ok_or_else(|| not_found(&ctx))?;
    let bulletin = state
        .app
        .open_bulletin(&ctx.who, id)
        .await
        .map_err(|e| ctx.problem(e))?;
    Ok(Json(bulletin_json(&bulletin)))
}
