//! Awareness and knowledge: the campaigns page (with the form that records one and, per
//! campaign, its reach) and the promising practices page, and the same over JSON.

use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mosaique_domain::coalition::campaign::{Campaign, NewCampaign, Reach};
use mosaique_domain::coalition::library::{Audience, Theme};
use mosaique_domain::coalition::practice::{Evidence, NewPractice, Practice};
use mosaique_domain::{Bilingual, CampaignId, OrgId, ResourceId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::api::{not_found, problem};
use super::library::choices;
use super::{day, form_status as status, name_in, problems};
use crate::AppState;
use crate::api::ApiJson;
use crate::cases::api::unprocessable;
use crate::cases::form::{BadValue, vocab};
use crate::form::Pairs;
use crate::gate::Ctx;
use crate::problem::{Problem, ProblemBody};
use crate::shell::{PageError, Shell, render_with};

/// A campaign as text, from a form or a JSON body.
#[derive(Debug, Clone, Default)]
pub(crate) struct CampaignText {
    pub title_fr: String,
    pub title_en: String,
    pub audiences: Vec<String>,
    pub starts_on: String,
    pub ends_on: String,
    pub materials: Vec<String>,
}

impl CampaignText {
    fn to_new(&self) -> Result<NewCampaign, Vec<BadValue>> {
        let mut bad = Vec::new();
        let audiences = self
            .audiences
            .iter()
            .filter_map(|a| vocab::<Audience>("audience", a, &mut bad))
            .collect();
        let materials = self
            .materials
            .iter()
            .filter_map(|m| vocab::<ResourceId>("material", m, &mut bad))
            .collect();
        let starts_on = day("starts_on", &self.starts_on, &mut bad);
        let ends_on = match self.ends_on.trim() {
            "" => None,
            raw => day("ends_on", raw, &mut bad),
        };
        match starts_on {
            Some(starts_on) if bad.is_empty() => Ok(NewCampaign {
                title: Bilingual::new(self.title_fr.clone(), self.title_en.clone()),
                audiences,
                starts_on,
                ends_on,
                materials,
            }),
            _ => Err(bad),
        }
    }
}

/// A practice as text, from a form or a JSON body.
#[derive(Debug, Clone, Default)]
pub(crate) struct PracticeText {
    pub title_fr: String,
    pub title_en: String,
    pub themes: Vec<String>,
    pub what_worked: String,
    pub context: String,
    pub evidence: String,
    pub evidence_note: String,
    pub organization: String,
    pub contact: String,
}

impl PracticeText {
    fn to_new(&self) -> Result<NewPractice, Vec<BadValue>> {
        let mut bad = Vec::new();
        let themes = self
            .themes
            .iter()
            .filter_map(|t| vocab::<Theme>("theme", t, &mut bad))
            .collect();
        let evidence = vocab::<Evidence>("evidence", &self.evidence, &mut bad);
        let organization = match self.organization.trim() {
            "" => None,
            raw => vocab::<OrgId>("organization_id", raw, &mut bad),
        };
        match evidence {
            Some(evidence) if bad.is_empty() => Ok(NewPractice {
                title: Bilingual::new(self.title_fr.clone(), self.title_en.clone()),
                themes,
                what_worked: self.what_worked.clone(),
                context: self.context.clone(),
                evidence,
                evidence_note: self.evidence_note.clone(),
                organization,
                contact: self.contact.clone(),
            }),
            _ => Err(bad),
        }
    }
}

struct CampaignRow {
    id: String,
    title: String,
    audiences: String,
    period: String,
    /// (title, href) of its materials.
    materials: Vec<(String, String)>,
    reach: String,
    reach_note: String,
    version: i64,
}

#[derive(Template)]
#[template(path = "coalition_campaigns.html")]
struct CampaignsPage {
    shell: Shell,
    id: String,
    coalition: String,
    campaigns: Vec<CampaignRow>,
    may_run: bool,
    sent: CampaignText,
    audiences: Vec<(String, String, bool)>,
    /// (id, title, checked) of the library's resources.
    materials: Vec<(String, String, bool)>,
    errors: Vec<String>,
}

fn campaign_row(
    ctx: &Ctx,
    c: &Campaign,
    library: &[mosaique_domain::coalition::library::Resource],
) -> CampaignRow {
    let tr = ctx.tr();
    CampaignRow {
        id: c.id.to_string(),
        title: c.title.get(ctx.lang).clone(),
        audiences: c
            .audiences
            .iter()
            .map(|a| tr.label("audience", a.key()))
            .collect::<Vec<_>>()
            .join(", "),
        period: match c.ends_on {
            Some(end) => format!("{} – {end}", c.starts_on),
            None => c.starts_on.to_string(),
        },
        materials: c
            .materials
            .iter()
            .filter_map(|m| library.iter().find(|r| r.id == *m))
            .map(|r| {
                let href = match &r.content {
                    mosaique_domain::coalition::library::Content::Link(link) => link.clone(),
                    mosaique_domain::coalition::library::Content::File { .. } => {
                        format!("/library/{}", r.id)
                    }
                };
                (r.title.get(ctx.lang).clone(), href)
            })
            .collect(),
        reach: c
            .reach
            .as_ref()
            .map(|r| {
                tr.count(
                    "campaign-people",
                    i64::try_from(r.people).unwrap_or(i64::MAX),
                )
            })
            .unwrap_or_default(),
        reach_note: c.reach.as_ref().map(|r| r.note.clone()).unwrap_or_default(),
        version: c.version,
    }
}

async fn campaigns_page(
    state: &AppState,
    ctx: &Ctx,
    id: OrgId,
    refused: Option<(Vec<String>, CampaignText)>,
) -> Response {
    let view = match state.app.campaigns(&ctx.who, id).await {
        Ok(view) => view,
        Err(e) => return ctx.page_error(e),
    };
    let (errors, sent) = refused.unwrap_or_default();
    let tr = ctx.tr();
    let coalition = name_in(&view.coalition.name, ctx.lang);
    render_with(
        &CampaignsPage {
            shell: ctx.shell(
                tr.with("campaigns-title", "coalition", &coalition),
                "coalitions",
            ),
            id: id.to_string(),
            coalition,
            campaigns: view
                .campaigns
                .iter()
                .map(|c| campaign_row(ctx, c, &view.library))
                .collect(),
            may_run: view.may_run,
            audiences: choices(
                &tr,
                "audience",
                Audience::ALL,
                Audience::key,
                &sent.audiences,
            ),
            materials: view
                .library
                .iter()
                .map(|r| {
                    let key = r.id.to_string();
                    let checked = sent.materials.contains(&key);
                    (key, r.title.get(ctx.lang).clone(), checked)
                })
                .collect(),
            sent,
            errors: errors.clone(),
        },
        status(&errors),
    )
}

/// `GET /coalitions/{id}/campaigns`.
pub(crate) async fn campaigns(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    match ctx.id::<OrgId>(&id) {
        Some(id) => campaigns_page(&state, &ctx, id, None).await,
        None => ctx.error(PageError::NotFound),
    }
}

/// `POST /coalitions/{id}/campaigns`.
pub(crate) async fn add_campaign(
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
    let sent = CampaignText {
        title_fr: f.get("title_fr"),
        title_en: f.get("title_en"),
        audiences: f.all("audience"),
        starts_on: f.get("starts_on"),
        ends_on: f.get("ends_on"),
        materials: f.all("material"),
    };
    let result = match sent.to_new() {
        Ok(new) => state.app.add_campaign(&ctx.who, id, new).await,
        Err(bad) => {
            let errors = BadValue::explain(&ctx.tr(), &bad);
            return campaigns_page(&state, &ctx, id, Some((errors, sent))).await;
        }
    };
    match result {
        Ok(campaign) => {
            Redirect::to(&format!("/coalitions/{id}/campaigns#c-{campaign}")).into_response()
        }
        Err(e) => match problems(&ctx.tr(), &e) {
            Some(errors) => campaigns_page(&state, &ctx, id, Some((errors, sent))).await,
            None => ctx.page_error(e),
        },
    }
}

/// A reach as text: people (digits, spaces allowed as thousands separators) and a note.
fn reach_of(people: &str, note: String, bad: &mut Vec<BadValue>) -> Option<Reach> {
    let digits: String = people.chars().filter(|c| !c.is_whitespace()).collect();
    match digits.parse::<u64>() {
        Ok(people) => Some(Reach { people, note }),
        Err(_) => {
            bad.push(BadValue {
                field: "people",
                value: people.to_owned(),
            });
            None
        }
    }
}

/// `POST /campaigns/{campaign}/reach`.
pub(crate) async fn record_reach(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Some(id) = ctx.id::<CampaignId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    let coalition = match state.app.may_run_campaign(&ctx.who, id).await {
        Ok(coalition) => coalition,
        Err(e) => return ctx.page_error(e),
    };
    let f = Pairs::parse(&body);
    let mut bad = Vec::new();
    let Some(reach) = reach_of(&f.get("people"), f.get("note"), &mut bad) else {
        let errors = BadValue::explain(&ctx.tr(), &bad);
        return campaigns_page(
            &state,
            &ctx,
            coalition,
            Some((errors, CampaignText::default())),
        )
        .await;
    };
    let version = f.get("version").parse().unwrap_or(-1);
    match state.app.record_reach(&ctx.who, id, version, reach).await {
        Ok(()) => {
            Redirect::to(&format!("/coalitions/{coalition}/campaigns#c-{id}")).into_response()
        }
        Err(e) => match problems(&ctx.tr(), &e) {
            Some(errors) => {
                campaigns_page(
                    &state,
                    &ctx,
                    coalition,
                    Some((errors, CampaignText::default())),
                )
                .await
            }
            None => ctx.page_error(e),
        },
    }
}

struct PracticeRow {
    id: String,
    title: String,
    themes: String,
    what_worked: String,
    context: String,
    evidence: String,
    evidence_note: String,
    from: String,
    contact: String,
}

#[derive(Template)]
#[template(path = "coalition_practices.html")]
struct PracticesPage {
    shell: Shell,
    id: String,
    coalition: String,
    practices: Vec<PracticeRow>,
    may_run: bool,
    sent: PracticeText,
    themes: Vec<(String, String, bool)>,
    evidence: Vec<(String, String, bool)>,
    /// (id, name, chosen) of today's members.
    members: Vec<(String, String, bool)>,
    errors: Vec<String>,
}

fn practice_row(ctx: &Ctx, p: &Practice, coalition: &str) -> PracticeRow {
    let tr = ctx.tr();
    PracticeRow {
        id: p.id.to_string(),
        title: p.title.get(ctx.lang).clone(),
        themes: p
            .themes
            .iter()
            .map(|t| tr.label("theme", t.key()))
            .collect::<Vec<_>>()
            .join(", "),
        what_worked: p.what_worked.clone(),
        context: p.context.clone(),
        evidence: tr.label("evidence", p.evidence.key()),
        evidence_note: p.evidence_note.clone(),
        from: p
            .organization
            .as_ref()
            .map_or_else(|| coalition.to_owned(), |(_, n)| n.get(ctx.lang).clone()),
        contact: p.contact.clone(),
    }
}

async fn practices_page(
    state: &AppState,
    ctx: &Ctx,
    id: OrgId,
    refused: Option<(Vec<String>, PracticeText)>,
) -> Response {
    let view = match state.app.practices(&ctx.who, id).await {
        Ok(view) => view,
        Err(e) => return ctx.page_error(e),
    };
    let (errors, sent) = refused.unwrap_or_default();
    let tr = ctx.tr();
    let coalition = name_in(&view.coalition.name, ctx.lang);
    let evidence = if sent.evidence.is_empty() {
        vec![Evidence::Observed.key().to_owned()]
    } else {
        vec![sent.evidence.clone()]
    };
    render_with(
        &PracticesPage {
            shell: ctx.shell(
                tr.with("practices-title", "coalition", &coalition),
                "coalitions",
            ),
            id: id.to_string(),
            practices: view
                .practices
                .iter()
                .map(|p| practice_row(ctx, p, &coalition))
                .collect(),
            coalition,
            may_run: view.may_run,
            themes: choices(&tr, "theme", Theme::ALL, Theme::key, &sent.themes),
            evidence: choices(&tr, "evidence", Evidence::ALL, Evidence::key, &evidence),
            members: view
                .members
                .iter()
                .map(|m| {
                    let key = m.member.to_string();
                    let chosen = sent.organization == key;
                    (key, name_in(&m.member_name, ctx.lang), chosen)
                })
                .collect(),
            sent,
            errors: errors.clone(),
        },
        status(&errors),
    )
}

/// `GET /coalitions/{id}/practices`.
pub(crate) async fn practices(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    match ctx.id::<OrgId>(&id) {
        Some(id) => practices_page(&state, &ctx, id, None).await,
        None => ctx.error(PageError::NotFound),
    }
}

/// `POST /coalitions/{id}/practices`.
pub(crate) async fn add_practice(
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
    let sent = PracticeText {
        title_fr: f.get("title_fr"),
        title_en: f.get("title_en"),
        themes: f.all("theme"),
        what_worked: f.get("what_worked"),
        context: f.get("context"),
        evidence: f.get("evidence"),
        evidence_note: f.get("evidence_note"),
        organization: f.get("organization_id"),
        contact: f.get("contact"),
    };
    let result = match sent.to_new() {
        Ok(new) => state.app.add_practice(&ctx.who, id, new).await,
        Err(bad) => {
            let errors = BadValue::explain(&ctx.tr(), &bad);
            return practices_page(&state, &ctx, id, Some((errors, sent))).await;
        }
    };
    match result {
        Ok(practice) => {
            Redirect::to(&format!("/coalitions/{id}/practices#p-{practice}")).into_response()
        }
        Err(e) => match problems(&ctx.tr(), &e) {
            Some(errors) => practices_page(&state, &ctx, id, Some((errors, sent))).await,
            None => ctx.page_error(e),
        },
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ReachJson {
    pub people: u64,
    pub note: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CampaignJson {
    pub id: String,
    pub title_fr: String,
    pub title_en: String,
    pub audiences: Vec<String>,
    pub starts_on: String,
    pub ends_on: Option<String>,
    /// Ids of library resources (`/api/v1/resources/{id}`).
    pub materials: Vec<String>,
    /// Absent until recorded.
    pub reach: Option<ReachJson>,
    /// Send it back with the reach: an older version is refused (409).
    pub version: i64,
}

fn campaign_json(c: &Campaign) -> CampaignJson {
    CampaignJson {
        id: c.id.to_string(),
        title_fr: c.title.fr.clone(),
        title_en: c.title.en.clone(),
        audiences: c.audiences.iter().map(|a| a.key().to_owned()).collect(),
        starts_on: c.starts_on.to_string(),
        ends_on: c.ends_on.map(|d| d.to_string()),
        materials: c.materials.iter().map(ToString::to_string).collect(),
        reach: c.reach.as_ref().map(|r| ReachJson {
            people: r.people,
            note: r.note.clone(),
        }),
        version: c.version,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CampaignsJson {
    /// The latest first.
    pub items: Vec<CampaignJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AwarenessCreatedJson {
    pub id: String,
}

/// The coalition's awareness campaigns.
#[utoipa::path(
    get,
    path = "/api/v1/coalitions/{id}/campaigns",
    tag = "coalition",
    operation_id = "campaigns",
    params(("id" = String, Path, description = "The coalition's id")),
    responses(
        (status = 200, description = "Its campaigns", body = CampaignsJson),
        (status = 403, description = "Not of the coalition's staff nor of a member organization", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such coalition", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn campaigns_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<CampaignsJson>, Problem> {
    let id = ctx.id::<OrgId>(&id).ok_or_else(|| not_found(&ctx))?;
    let view = state
        .app
        .campaigns(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(Json(CampaignsJson {
        items: view.campaigns.iter().map(campaign_json).collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CampaignInput {
    pub title_fr: String,
    pub title_en: String,
    /// At least one audience.
    pub audiences: Vec<String>,
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: Option<String>,
    /// Ids of the coalition's library resources.
    #[serde(default)]
    pub materials: Vec<String>,
}

/// Records an awareness campaign.
#[utoipa::path(
    post,
    path = "/api/v1/coalitions/{id}/campaigns",
    tag = "coalition",
    operation_id = "addCampaign",
    params(("id" = String, Path, description = "The coalition's id")),
    request_body = CampaignInput,
    responses(
        (status = 201, description = "Recorded", body = AwarenessCreatedJson),
        (status = 403, description = "Not a coalition administrator or coordinator", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such coalition", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "A title missing in one language, no audience, an end before the start, a material not in the library, an unknown value", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn add_campaign_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<ApiJson<CampaignInput>, Problem>,
) -> Result<(StatusCode, Json<AwarenessCreatedJson>), Problem> {
    let id = ctx.id::<OrgId>(&id).ok_or_else(|| not_found(&ctx))?;
    state
        .app
        .may_run(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    let ApiJson(input) = body?;
    let new = CampaignText {
        title_fr: input.title_fr,
        title_en: input.title_en,
        audiences: input.audiences,
        starts_on: input.starts_on,
        ends_on: input.ends_on.unwrap_or_default(),
        materials: input.materials,
    }
    .to_new()
    .map_err(|bad| unprocessable(ctx.lang, BadValue::explain(&ctx.tr(), &bad)))?;
    let created = state
        .app
        .add_campaign(&ctx.who, id, new)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok((
        StatusCode::CREATED,
        Json(AwarenessCreatedJson {
            id: created.to_string(),
        }),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReachInput {
    /// People reached (at most 50,000,000).
    pub people: u64,
    /// How they were counted.
    #[serde(default)]
    pub note: String,
    /// The campaign's version read.
    pub version: i64,
}

/// Records how many people a campaign reached (once it has started).
#[utoipa::path(
    put,
    path = "/api/v1/campaigns/{id}/reach",
    tag = "coalition",
    operation_id = "recordCampaignReach",
    params(("id" = String, Path, description = "The campaign's id")),
    request_body = ReachInput,
    responses(
        (status = 204, description = "Recorded"),
        (status = 403, description = "Not a coalition administrator or coordinator", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such campaign", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The campaign changed since that version", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "The campaign has not started, more than 50,000,000 people, a note too long", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn reach_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<ApiJson<ReachInput>, Problem>,
) -> Result<StatusCode, Problem> {
    let id = ctx.id::<CampaignId>(&id).ok_or_else(|| not_found(&ctx))?;
    state
        .app
        .may_run_campaign(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    let ApiJson(input) = body?;
    let reach = Reach {
        people: input.people,
        note: input.note,
    };
    state
        .app
        .record_reach(&ctx.who, id, input.version, reach)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PracticeJson {
    pub id: String,
    pub title_fr: String,
    pub title_en: String,
    pub themes: Vec<String>,
    pub what_worked: String,
    pub context: String,
    /// `observed`, `documented`, `evaluated` or `research`.
    pub evidence: String,
    pub evidence_note: String,
    /// The member organization it comes from (absent: the coalition's own).
    pub organization_id: Option<String>,
    pub contact: String,
    pub added_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PracticesJson {
    /// The newest first.
    pub items: Vec<PracticeJson>,
}

fn practice_json(p: &Practice) -> PracticeJson {
    PracticeJson {
        id: p.id.to_string(),
        title_fr: p.title.fr.clone(),
        title_en: p.title.en.clone(),
        themes: p.themes.iter().map(|t| t.key().to_owned()).collect(),
        what_worked: p.what_worked.clone(),
        context: p.context.clone(),
        evidence: p.evidence.key().to_owned(),
        evidence_note: p.evidence_note.clone(),
        organization_id: p.organization.as_ref().map(|(o, _)| o.to_string()),
        contact: p.contact.clone(),
        added_at: p.added_at.to_rfc3339(),
    }
}

/// The promising practices the coalition's members share.
#[utoipa::path(
    get,
    path = "/api/v1/coalitions/{id}/practices",
    tag = "coalition",
    operation_id = "practices",
    params(("id" = String, Path, description = "The coalition's id")),
    responses(
        (status = 200, description = "Its practices", body = PracticesJson),
        (status = 403, description = "Not of the coalition's staff nor of a member organization", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such coalition", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn practices_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<PracticesJson>, Problem> {
    let id = ctx.id::<OrgId>(&id).ok_or_else(|| not_found(&ctx))?;
    let view = state
        .app
        .practices(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(Json(PracticesJson {
        items: view.practices.iter().map(practice_json).collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PracticeInput {
    pub title_fr: String,
    pub title_en: String,
    /// At least one theme.
    pub themes: Vec<String>,
    pub what_worked: String,
    pub context: String,
    /// `observed`, `documented`, `evaluated` or `research`.
    pub evidence: String,
    #[serde(default)]
    pub evidence_note: String,
    /// A member organization of the coalition today (absent: the coalition's own).
    #[serde(default)]
    pub organization_id: Option<String>,
    /// Whom to ask, and how (a professional contact).
    pub contact: String,
}

/// Records a promising practice.
#[utoipa::path(
    post,
    path = "/api/v1/coalitions/{id}/practices",
    tag = "coalition",
    operation_id = "addPractice",
    params(("id" = String, Path, description = "The coalition's id")),
    request_body = PracticeInput,
    responses(
        (status = 201, description = "Recorded", body = AwarenessCreatedJson),
        (status = 403, description = "Not a coalition administrator or coordinator", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such coalition", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "A title missing in one language, no theme, no what worked, context or contact, an organization that is not a member today, an unknown value", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn add_practice_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<ApiJson<PracticeInput>, Problem>,
) -> Result<(StatusCode, Json<AwarenessCreatedJson>), Problem> {
    let id = ctx.id::<OrgId>(&id).ok_or_else(|| not_found(&ctx))?;
    state
        .app
        .may_run(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    let ApiJson(input) = body?;
    let new = PracticeText {
        title_fr: input.title_fr,
        title_en: input.title_en,
        themes: input.themes,
        what_worked: input.what_worked,
        context: input.context,
        evidence: input.evidence,
        evidence_note: input.evidence_note,
        organization: input.organization_id.unwrap_or_default(),
        contact: input.contact,
    }
    .to_new()
    .map_err(|bad| unprocessable(ctx.lang, BadValue::explain(&ctx.tr(), &bad)))?;
    let created = state
        .app
        .add_practice(&ctx.who, id, new)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok((
        StatusCode::CREATED,
        Json(AwarenessCreatedJson {
            id: created.to_string(),
        }),
    ))
}
