//! `/api/v1/cases/{id}/needs` and `/api/v1/referrals`: needs, referrals and their moves over
//! JSON. A referral shows the notes of its needs only in the categories the person's consent
//! discloses to the caller.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use mosaique_app::{AppError, Invalid};
use mosaique_domain::referral::{
    DeclineReason, Need, NeedStatus, NewNeed, NewReferral, NotServedReason, Outcome, Referral,
    ReferralEvent,
};
use mosaique_domain::{Language, NeedId, ReferralId, ServiceId, Timestamp, UserId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::ApiJson;
use crate::cases::api::{CreatedJson, case_id, unprocessable};
use crate::cases::form::{BadValue, vocab};
use crate::gate::Ctx;
use crate::problem::{Problem, ProblemBody, ProblemKind};

/// A need of a case.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct NeedJson {
    pub id: String,
    /// A service domain key (`housing_short_term`, `health`…).
    pub domain: String,
    /// `now`, `within_24h`, `this_week` or `later`.
    pub urgency: String,
    /// `open`, `met` or `no_longer_needed`.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The live referral answering it: its status and the service's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answered_by: Option<AnsweredByJson>,
    pub created_at: String,
    /// Send it back with a status change: a change from an older version is refused (409).
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AnsweredByJson {
    pub referral_status: String,
    pub service: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct NeedListJson {
    pub items: Vec<NeedJson>,
}

/// One need as a referral carries it.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ReferredNeedJson {
    pub id: String,
    pub domain: String,
    pub urgency: String,
    /// Only when the person's consent discloses the need's category to the caller.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One move of a referral.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ReferralEntryJson {
    pub at: String,
    /// Who made it; absent for an expiry (the clock).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    pub to: String,
    /// A decline reason, an outcome or a not-served reason key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A referral, for the case's team or the receiving organization.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ReferralJson {
    pub id: String,
    pub case_id: String,
    pub case_reference: String,
    pub case_alias: String,
    pub service_id: String,
    /// In the request's language.
    pub service_name: String,
    pub to_organization_id: String,
    pub to_organization: String,
    /// The worker it is meant for, when one was named.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_user: Option<String>,
    /// The sending organization's id, or `coalition`.
    pub from: String,
    pub sent_by: String,
    /// `draft`, `sent`, `received`, `accepted`, `declined`, `expired`, `in_progress`,
    /// `completed` or `cancelled`.
    pub status: String,
    /// The most urgent of its needs'.
    pub urgency: String,
    pub needs: Vec<ReferredNeedJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decline_reason: Option<String>,
    /// `served` or `not_served`, once completed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_served_reason: Option<String>,
    /// When it expires if nobody answers (sent and received referrals).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Send it back with a move: a move from an older version is refused (409).
    pub version: i64,
    pub history: Vec<ReferralEntryJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ReferralListJson {
    pub items: Vec<ReferralJson>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NeedInput {
    /// A service domain key.
    pub domain: String,
    /// `now`, `within_24h`, `this_week` or `later`.
    pub urgency: String,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NeedStatusInput {
    /// `open`, `met` or `no_longer_needed`.
    pub status: String,
    pub version: i64,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReferralInput {
    pub service_id: String,
    /// Ids of the case's open needs it answers.
    pub needs: Vec<String>,
    /// A caseworker of the service's organization it is meant for.
    #[serde(default)]
    pub to_user: Option<String>,
    /// Send it now (default), or keep it as a draft.
    #[serde(default = "yes")]
    pub send: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TransitionInput {
    /// The sender's `send` (a draft) and `cancel`; the receiving organization's `receive`,
    /// `accept`, `decline`, `start` and `complete`.
    pub event: String,
    /// The referral's version, as last read.
    pub version: i64,
    /// With `decline`: `no_capacity`, `not_eligible`, `outside_area`, `not_offered` or
    /// `other`.
    #[serde(default)]
    pub reason: Option<String>,
    /// With `complete`: `served` or `not_served`.
    #[serde(default)]
    pub outcome: Option<String>,
    /// With `complete` and `not_served`: `could_not_contact`, `not_eligible`,
    /// `no_capacity`, `person_declined` or `other`.
    #[serde(default)]
    pub not_served_reason: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

impl NeedInput {
    fn to_new(&self) -> Result<NewNeed, Vec<BadValue>> {
        let mut bad = Vec::new();
        let domain = vocab("domain", &self.domain, &mut bad);
        let urgency = vocab("urgency", &self.urgency, &mut bad);
        match (domain, urgency) {
            (Some(domain), Some(urgency)) => Ok(NewNeed {
                domain,
                urgency,
                note: self.note.clone(),
            }),
            _ => Err(bad),
        }
    }
}

impl TransitionInput {
    /// The event asked for; `expire` is the clock's, never a caller's.
    fn event(&self) -> Result<ReferralEvent, Vec<BadValue>> {
        let mut bad = Vec::new();
        let missing = |field: &'static str| BadValue {
            field,
            value: String::new(),
        };
        let event = match self.event.trim() {
            "send" => Some(ReferralEvent::Send),
            "receive" => Some(ReferralEvent::Receive),
            "accept" => Some(ReferralEvent::Accept),
            "start" => Some(ReferralEvent::Start),
            "cancel" => Some(ReferralEvent::Cancel),
            "decline" => match self.reason.as_deref() {
                Some(reason) => {
                    vocab::<DeclineReason>("reason", reason, &mut bad).map(ReferralEvent::Decline)
                }
                None => {
                    bad.push(missing("reason"));
                    None
                }
            },
            "complete" => match (self.outcome.as_deref(), self.not_served_reason.as_deref()) {
                (Some("served"), None) => Some(ReferralEvent::Complete(Outcome::Served)),
                (Some("not_served"), Some(reason)) => {
                    vocab::<NotServedReason>("not_served_reason", reason, &mut bad)
                        .map(|r| ReferralEvent::Complete(Outcome::NotServed(r)))
                }
                (Some("not_served"), None) => {
                    bad.push(missing("not_served_reason"));
                    None
                }
                (Some(other), _) => {
                    bad.push(BadValue {
                        field: "outcome",
                        value: other.to_owned(),
                    });
                    None
                }
                (None, _) => {
                    bad.push(missing("outcome"));
                    None
                }
            },
            other => {
                bad.push(BadValue {
                    field: "event",
                    value: other.to_owned(),
                });
                None
            }
        };
        event.ok_or(bad)
    }
}

fn time(t: Timestamp) -> String {
    t.to_rfc3339()
}

pub(crate) fn need_json(n: &Need, lang: Language) -> NeedJson {
    NeedJson {
        id: n.id.to_string(),
        domain: n.domain.key().to_owned(),
        urgency: n.urgency.key().to_owned(),
        status: n.status.key().to_owned(),
        note: n.note.clone(),
        answered_by: n.answered_by.as_ref().map(|(status, name)| AnsweredByJson {
            referral_status: status.key().to_owned(),
            service: name.get(lang).clone(),
        }),
        created_at: time(n.created_at),
        version: n.version,
    }
}

pub(crate) fn referral_json(r: &Referral, lang: Language) -> ReferralJson {
    ReferralJson {
        id: r.id.to_string(),
        case_id: r.case.to_string(),
        case_reference: r.case_reference.clone(),
        case_alias: r.case_alias.clone(),
        service_id: r.service.to_string(),
        service_name: r.service_name.get(lang).clone(),
        to_organization_id: r.to_org.to_string(),
        to_organization: r.to_org_name.get(lang).clone(),
        to_user: r.to_user.as_ref().map(|(_, name)| name.clone()),
        from: match r.from {
            mosaique_domain::case::Party::Coalition => "coalition".to_owned(),
            mosaique_domain::case::Party::Organization(org) => org.to_string(),
        },
        sent_by: r.sent_by_name.clone(),
        status: r.status.key().to_owned(),
        urgency: r.urgency.key().to_owned(),
        needs: r
            .needs
            .iter()
            .map(|n| ReferredNeedJson {
                id: n.id.to_string(),
                domain: n.domain.key().to_owned(),
                urgency: n.urgency.key().to_owned(),
                note: n.note.clone(),
            })
            .collect(),
        decline_reason: r.decline_reason.map(|d| d.key().to_owned()),
        outcome: r.outcome.map(|o| o.key().to_owned()),
        not_served_reason: r
            .outcome
            .and_then(|o| o.reason())
            .map(|o| o.key().to_owned()),
        expires_at: r.expires_at.filter(|_| r.status.awaits_answer()).map(time),
        created_at: time(r.created_at),
        updated_at: time(r.updated_at),
        version: r.version,
        history: r
            .history
            .iter()
            .map(|e| ReferralEntryJson {
                at: time(e.at),
                by: e.by_name.clone(),
                from: e.from.map(|s| s.key().to_owned()),
                to: e.to.key().to_owned(),
                reason: e.reason.clone(),
                note: e.note.clone(),
            })
            .collect(),
    }
}

/// An application error as a problem, with the words of invalid input.
fn problem(ctx: &Ctx, error: AppError) -> Problem {
    let tr = ctx.tr();
    match error {
        AppError::Invalid(Invalid::Referral(problems)) => unprocessable(
            ctx.lang,
            problems.iter().map(|p| tr.t(p.message_id())).collect(),
        ),
        e => crate::cases::api::problem(ctx, e),
    }
}

fn bad(ctx: &Ctx, bad: Vec<BadValue>) -> Problem {
    unprocessable(ctx.lang, BadValue::explain(&ctx.tr(), &bad))
}

/// An id from the body: a value that is not one is a bad value (422).
fn body_id<T: std::str::FromStr>(field: &'static str, raw: &str) -> Result<T, Vec<BadValue>> {
    raw.trim().parse().map_err(|_| {
        vec![BadValue {
            field,
            value: raw.to_owned(),
        }]
    })
}

/// Record a need of the case: a service domain, an urgency, a note. The domain fixes the
/// data category (a health need is health data): writing it needs that category.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/needs",
    tag = "referrals",
    operation_id = "addNeed",
    params(("id" = String, Path, description = "Case id")),
    request_body = NeedInput,
    responses(
        (status = 201, description = "Recorded", body = CreatedJson),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or the caller may not write the need's category", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The case is closed", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "An unknown domain or urgency, or a note too long", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn add_need(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<ApiJson<NeedInput>, Problem>,
) -> Result<(StatusCode, Json<CreatedJson>), Problem> {
    let id = case_id(&ctx, &id)?;
    state
        .app
        .may_act_on_case(
            &ctx.who,
            id,
            mosaique_domain::policy::case::CaseAction::View,
        )
        .await
        .map_err(|e| ctx.problem(e))?;
    let ApiJson(input) = body?;
    let need = input.to_new().map_err(|b| bad(&ctx, b))?;
    let need = state
        .app
        .add_need(&ctx.who, id, need)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedJson {
            id: need.to_string(),
            reference: None,
        }),
    ))
}

/// The case's needs in the categories disclosed to the caller, open and most urgent first.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}/needs",
    tag = "referrals",
    operation_id = "listNeeds",
    params(("id" = String, Path, description = "Case id")),
    responses(
        (status = 200, description = "The needs", body = NeedListJson),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or the caller has no part in it", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn list_needs(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<NeedListJson>, Problem> {
    let id = case_id(&ctx, &id)?;
    let view = state
        .app
        .case(&ctx.who, id)
        .await
        .map_err(|e| ctx.problem(e))?;
    Ok(Json(NeedListJson {
        items: view
            .file
            .needs
            .iter()
            .map(|n| need_json(n, ctx.lang))
            .collect(),
    }))
}

/// Mark a need met or no longer needed, or open it again, from the `version` read.
#[utoipa::path(
    put,
    path = "/api/v1/cases/{id}/needs/{need}",
    tag = "referrals",
    operation_id = "setNeedStatus",
    params(
        ("id" = String, Path, description = "Case id"),
        ("need" = String, Path, description = "Need id"),
    ),
    request_body = NeedStatusInput,
    responses(
        (status = 204, description = "Changed"),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such case or need, or the caller may not write its category", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The case is closed, or the need changed since `version`", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "An unknown status", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn set_need_status(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, need)): Path<(String, String)>,
    body: Result<ApiJson<NeedStatusInput>, Problem>,
) -> Result<StatusCode, Problem> {
    let id = case_id(&ctx, &id)?;
    let need: NeedId = ctx
        .id(&need)
        .ok_or_else(|| Problem::new(ProblemKind::NotFound, ctx.lang))?;
    state
        .app
        .may_act_on_case(
            &ctx.who,
            id,
            mosaique_domain::policy::case::CaseAction::View,
        )
        .await
        .map_err(|e| ctx.problem(e))?;
    let ApiJson(input) = body?;
    let mut bad_values = Vec::new();
    let status: NeedStatus =
        vocab("status", &input.status, &mut bad_values).ok_or_else(|| bad(&ctx, bad_values))?;
    state
        .app
        .set_need_status(&ctx.who, id, need, input.version, status)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Refer open needs of a case to a service of another organization. A live consent to be
/// referred to that organization (or to receive its services) must name it; the referral
/// then carries only what that consent covers. Sent at once unless `send` is false.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/referrals",
    tag = "referrals",
    operation_id = "refer",
    params(("id" = String, Path, description = "Case id")),
    request_body = ReferralInput,
    responses(
        (status = 201, description = "Referred (or kept as a draft)", body = CreatedJson),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or the caller may not refer from it (observers, police, other organizations)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The case is closed", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "No need, a need not open or already referred there, an unknown, inactive or full service, the caller's own organization, no consent naming the service's organization, or a named worker who does not work there", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn refer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<ApiJson<ReferralInput>, Problem>,
) -> Result<(StatusCode, Json<CreatedJson>), Problem> {
    let case = case_id(&ctx, &id)?;
    // Whether the caller may refer from this case is answered before the body is read.
    state
        .app
        .may_act_on_case(
            &ctx.who,
            case,
            mosaique_domain::policy::case::CaseAction::Refer,
        )
        .await
        .map_err(|e| ctx.problem(e))?;
    let ApiJson(input) = body?;
    let new = (|| -> Result<NewReferral, Vec<BadValue>> {
        Ok(NewReferral {
            service: body_id::<ServiceId>("service_id", &input.service_id)?,
            needs: input
                .needs
                .iter()
                .map(|n| body_id::<NeedId>("needs", n))
                .collect::<Result<_, _>>()?,
            to_user: input
                .to_user
                .as_deref()
                .map(|u| body_id::<UserId>("to_user", u))
                .transpose()?,
            send: input.send,
        })
    })();
    let new = new.map_err(|b| bad(&ctx, b))?;
    let referral = state
        .app
        .refer(&ctx.who, case, new)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedJson {
            id: referral.to_string(),
            reference: None,
        }),
    ))
}

/// The caller's organization's intake queue: referrals sent to its services, open ones
/// first (most urgent, oldest), then those answered in the last 30 days.
#[utoipa::path(
    get,
    path = "/api/v1/referrals",
    tag = "referrals",
    operation_id = "intakeQueue",
    responses(
        (status = 200, description = "The queue", body = ReferralListJson),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "The caller does not answer referrals for an organization", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn intake_queue(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<ReferralListJson>, Problem> {
    let queue = state
        .app
        .intake_queue(&ctx.who)
        .await
        .map_err(|e| ctx.problem(e))?;
    Ok(Json(ReferralListJson {
        items: queue.iter().map(|r| referral_json(r, ctx.lang)).collect(),
    }))
}

fn referral_id(ctx: &Ctx, raw: &str) -> Result<ReferralId, Problem> {
    ctx.id(raw)
        .ok_or_else(|| Problem::new(ProblemKind::NotFound, ctx.lang))
}

/// One referral, for the case's team or the receiving organization.
#[utoipa::path(
    get,
    path = "/api/v1/referrals/{id}",
    tag = "referrals",
    operation_id = "showReferral",
    params(("id" = String, Path, description = "Referral id")),
    responses(
        (status = 200, description = "The referral", body = ReferralJson),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such referral, or the caller is on neither side of it", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<ReferralJson>, Problem> {
    let id = referral_id(&ctx, &id)?;
    let view = state
        .app
        .referral(&ctx.who, id)
        .await
        .map_err(|e| ctx.problem(e))?;
    Ok(Json(referral_json(&view.referral, ctx.lang)))
}

/// Move a referral on, from the `version` read: the sender sends a draft or cancels; the
/// receiving organization receives, accepts (its worker joins the case's team), declines
/// with a reason, starts, and completes with an outcome. Of two moves sent at once, one is
/// kept and the other answers 409.
#[utoipa::path(
    post,
    path = "/api/v1/referrals/{id}/transitions",
    tag = "referrals",
    operation_id = "moveReferral",
    params(("id" = String, Path, description = "Referral id")),
    request_body = TransitionInput,
    responses(
        (status = 204, description = "Moved"),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such referral, or the move is not the caller's side's", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The referral is not in a status this move applies to, or changed since `version`", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "An unknown event, reason or outcome, or a note too long", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn transition(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<ApiJson<TransitionInput>, Problem>,
) -> Result<StatusCode, Problem> {
    let id = referral_id(&ctx, &id)?;
    // Whether the caller is on either side is answered before the body is read.
    state
        .app
        .may_see_referral(&ctx.who, id)
        .await
        .map_err(|e| ctx.problem(e))?;
    let ApiJson(input) = body?;
    let event = input.event().map_err(|b| bad(&ctx, b))?;
    state
        .app
        .move_referral(&ctx.who, id, event, input.version, input.note.clone())
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(StatusCode::NO_CONTENT)
}
