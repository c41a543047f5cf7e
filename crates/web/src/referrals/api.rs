//! `/api/v1/cases/{id}/needs` and `/api/v1/referrals`: needs, referrals and their moves over
//! JSON. A referral shows the notes of its needs only in the categories the person's consent
//! discloses to the caller.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use mosaique_app::matching::{MatchProblem, MatchRequest, Matches};
use mosaique_app::{AppError, Invalid};
use mosaique_domain::policy::case::CaseAction;
use mosaique_domain::referral::matching::Requirements;
use mosaique_domain::referral::situation::{
    ContactSafety, HealthFacts, IdentityFacts, ImmigrationFacts, Situation, SituationPart,
};
use mosaique_domain::referral::{
    DeclineReason, EntryModel, Need, NeedStatus, NewIntake, NewNeed, NewReferral, NotServedReason,
    Outcome, Referral, ReferralEvent,
};
use mosaique_domain::{Language, NeedId, ReferralId, ServiceDomain, ServiceId, UserId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::ApiJson;
use crate::cases::api::{CreatedJson, case_id, time, unprocessable};
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
    /// How the person may be contacted, whatever the consent.
    pub contact_safety: ContactSafetyJson,
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
        contact_safety: contact_safety_json(&r.contact_safety),
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

/// The case of the path, once the policy has said whether the caller may do `action` on it:
/// asked before the body is read, so that what someone may not do is refused whatever they
/// sent.
async fn case_before_body(
    state: &AppState,
    ctx: &Ctx,
    raw: &str,
    action: CaseAction,
) -> Result<mosaique_domain::CaseId, Problem> {
    let id = case_id(ctx, raw)?;
    state
        .app
        .may_act_on_case(&ctx.who, id, action)
        .await
        .map_err(|e| ctx.problem(e))?;
    Ok(id)
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
    let id = case_before_body(&state, &ctx, &id, CaseAction::View).await?;
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
    let case = case_before_body(&state, &ctx, &id, CaseAction::Refer).await?;
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

/// The person's situation, as the caller may see it: a part of a category not disclosed is
/// absent (unknown to the caller, not "no").
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SituationJson {
    /// `minor` or `adult` (category `identity`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_group: Option<String>,
    /// `woman`, `man` or `gender_diverse` (category `identity`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    /// ISO 639 codes, most comfortable first (category `identity`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub languages: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dependants: Option<bool>,
    /// Category `health`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub substance_use: Option<bool>,
    /// `citizen_or_permanent`, `temporary`, `no_status` or `unknown` (category
    /// `immigration`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub immigration_status: Option<String>,
}

/// How the person may be contacted: shown to everyone who reads the case or a referral.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ContactSafetyJson {
    /// `phone`, `text`, `email`, `in_person` or `through_worker`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub safe_times: Option<String>,
    /// Never leave a voice message or a note.
    #[serde(default)]
    pub no_message: bool,
    /// Do not reach out: the person makes contact.
    #[serde(default)]
    pub do_not_contact: bool,
}

pub(crate) fn situation_json(s: &Situation) -> SituationJson {
    SituationJson {
        age_group: s.age_group().map(|a| a.key().to_owned()),
        gender: s.gender().map(|g| g.key().to_owned()),
        languages: s.identity.as_ref().map(|i| i.languages.clone()),
        dependants: s.identity.as_ref().and_then(|i| i.dependants),
        substance_use: s.substance_use(),
        immigration_status: s.immigration().map(|i| i.key().to_owned()),
    }
}

pub(crate) fn contact_safety_json(c: &ContactSafety) -> ContactSafetyJson {
    ContactSafetyJson {
        channel: c.channel.map(|c| c.key().to_owned()),
        safe_times: c.safe_times.clone(),
        no_message: c.no_message,
        do_not_contact: c.do_not_contact,
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct IdentityFactsInput {
    #[serde(default)]
    pub age_group: Option<String>,
    #[serde(default)]
    pub gender: Option<String>,
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub dependants: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct HealthFactsInput {
    #[serde(default)]
    pub substance_use: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ImmigrationFactsInput {
    #[serde(default)]
    pub status: Option<String>,
}

/// The parts to write: each part present replaces that part, and needs its category
/// (`identity`, `health`, `immigration`; contact safety needs `contact`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SituationInput {
    #[serde(default, deserialize_with = "crate::json::object_or_null")]
    pub identity: Option<IdentityFactsInput>,
    #[serde(default, deserialize_with = "crate::json::object_or_null")]
    pub health: Option<HealthFactsInput>,
    #[serde(default, deserialize_with = "crate::json::object_or_null")]
    pub immigration: Option<ImmigrationFactsInput>,
    #[serde(default, deserialize_with = "crate::json::object_or_null")]
    pub contact_safety: Option<ContactSafetyJson>,
}

fn optional<T: std::str::FromStr>(
    field: &'static str,
    value: &Option<String>,
    bad: &mut Vec<BadValue>,
) -> Option<T> {
    // Empty is "not known", as the document says; anything else must be a key.
    value
        .as_deref()
        .filter(|v| !v.is_empty())
        .and_then(|v| vocab(field, v, bad))
}

impl IdentityFactsInput {
    fn parse(&self, bad: &mut Vec<BadValue>) -> IdentityFacts {
        IdentityFacts {
            age_group: optional("age_group", &self.age_group, bad),
            gender: optional("gender", &self.gender, bad),
            languages: self.languages.clone(),
            dependants: self.dependants,
        }
    }
}

impl ImmigrationFactsInput {
    fn parse(&self, bad: &mut Vec<BadValue>) -> ImmigrationFacts {
        ImmigrationFacts {
            status: optional("status", &self.status, bad),
        }
    }
}

impl ContactSafetyJson {
    fn parse(&self, bad: &mut Vec<BadValue>) -> ContactSafety {
        ContactSafety {
            channel: optional("channel", &self.channel, bad),
            safe_times: self.safe_times.clone(),
            no_message: self.no_message,
            do_not_contact: self.do_not_contact,
        }
    }
}

impl SituationInput {
    pub(crate) fn parts(&self) -> Result<Vec<SituationPart>, Vec<BadValue>> {
        let mut bad = Vec::new();
        let mut parts = Vec::new();
        if let Some(i) = &self.identity {
            parts.push(SituationPart::Identity(i.parse(&mut bad)));
        }
        if let Some(h) = &self.health {
            parts.push(SituationPart::Health(HealthFacts {
                substance_use: h.substance_use,
            }));
        }
        if let Some(m) = &self.immigration {
            parts.push(SituationPart::Immigration(m.parse(&mut bad)));
        }
        if let Some(c) = &self.contact_safety {
            parts.push(SituationPart::ContactSafety(c.parse(&mut bad)));
        }
        if bad.is_empty() { Ok(parts) } else { Err(bad) }
    }
}

/// Write the person's situation (what services need to know to take them) and how they may
/// be contacted safely.
#[utoipa::path(
    put,
    path = "/api/v1/cases/{id}/situation",
    tag = "referrals",
    operation_id = "writeSituation",
    params(("id" = String, Path, description = "Case id")),
    request_body = SituationInput,
    responses(
        (status = 204, description = "Written"),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or the caller may not write a part's category", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The case is closed", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "An unknown value, a language that is not an ISO 639 code, safe times too long", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn write_situation(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<ApiJson<SituationInput>, Problem>,
) -> Result<StatusCode, Problem> {
    let id = case_before_body(&state, &ctx, &id, CaseAction::View).await?;
    let ApiJson(input) = body?;
    let parts = input.parts().map_err(|b| bad(&ctx, b))?;
    state
        .app
        .write_situation(&ctx.who, id, parts)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Where to look for services.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct MatchParams {
    /// A service domain key; by default the most urgent open need's.
    pub domain: Option<String>,
    /// A town or city; by default the town the person stays in (when the caller may see it).
    pub place: Option<String>,
    /// How far the person may travel, 1 to 1,000 km (default 50).
    pub radius_km: Option<String>,
}

/// A requirement the situation put on services, or a part of it the caller cannot see.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MatchJson {
    pub service_id: String,
    pub service: String,
    pub organization_id: String,
    pub organization: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_km: Option<f64>,
    pub open_now: bool,
    /// Places free, where the service counts them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub available: Option<u32>,
    /// Out of 100.
    pub score: u32,
    /// A live consent lets the person be referred to its organization (otherwise record
    /// one first: a referral there is refused).
    pub consented: bool,
    /// Why it ranks where it does: each reason's key and the points it brought.
    pub reasons: Vec<ReasonJson>,
    /// The same, in words, in the request's language.
    pub why: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ReasonJson {
    /// `near`, `open_now`, `always_open`, `room`, `short_wait`, `speaks_language`,
    /// `dedicated`, `often_accepts` or `answers_fast`.
    pub reason: String,
    pub points: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ExcludedJson {
    pub service_id: String,
    pub service: String,
    pub organization: String,
    /// `gender`, `no_minors`, `substance_use`, `immigration_status`, `language`, `full`
    /// or `not_active`.
    pub reasons: Vec<String>,
    /// The same, in words.
    pub why: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MatchesJson {
    pub domain: String,
    pub urgency: String,
    /// What the person's situation asks of services (the hard filters): `minors`,
    /// `gender:<key>`, `substance_use`, `any_status`, `language:<code>`.
    pub requirements: Vec<String>,
    /// Categories of the situation the caller is not disclosed: they filtered nothing.
    pub unknown: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub near: Option<String>,
    pub radius_km: f64,
    pub matches: Vec<MatchJson>,
    pub excluded: Vec<ExcludedJson>,
}

pub(crate) fn requirement_keys(r: &Requirements) -> Vec<String> {
    let mut out = Vec::new();
    if r.minors {
        out.push("minors".to_owned());
    }
    if let Some(g) = r.gender {
        out.push(format!("gender:{}", g.key()));
    }
    if r.substance_use {
        out.push("substance_use".to_owned());
    }
    if r.any_status {
        out.push("any_status".to_owned());
    }
    if let Some(l) = &r.language {
        out.push(format!("language:{l}"));
    }
    out
}

/// Services that may answer a need of the case, ranked in two steps: hard filters from the
/// person's situation as far as the caller may see it (gender, age, minors, substance use,
/// immigration status, language, distance, active, not full), then a score (distance, open
/// now or 24/7, room, wait, language, dedicated, the service's past answers) that says why.
/// Services of the domain a filter left out are listed with their reasons.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}/matches",
    tag = "referrals",
    operation_id = "matchServices",
    params(("id" = String, Path, description = "Case id"), MatchParams),
    responses(
        (status = 200, description = "The matches", body = MatchesJson),
        (status = 400, description = "An unknown domain or place, a radius out of range, or no need to match", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or the caller may not refer from it", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The case is closed", body = ProblemBody, content_type = "application/problem+json"),
        (status = 503, description = "The search index is being built", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn matches(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    crate::api::ApiQuery(params): crate::api::ApiQuery<MatchParams>,
) -> Result<Json<MatchesJson>, Problem> {
    let id = case_before_body(&state, &ctx, &id, CaseAction::Refer).await?;
    let tr = ctx.tr();
    let bad_request =
        |detail: String| Problem::new(ProblemKind::BadRequest, ctx.lang).with_detail(detail);
    let mut bad_values = Vec::new();
    let domain = optional::<ServiceDomain>("domain", &params.domain, &mut bad_values);
    let radius_km = match params.radius_km.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => match raw.parse::<f64>() {
            Ok(km) if km.is_finite() => Some(km),
            _ => {
                bad_values.push(BadValue {
                    field: "radius_km",
                    value: raw.to_owned(),
                });
                None
            }
        },
    };
    if !bad_values.is_empty() {
        return Err(bad_request(BadValue::explain(&tr, &bad_values).join("; ")));
    }
    let request = MatchRequest {
        domain,
        place: params.place.clone(),
        radius_km,
    };
    let found = state
        .app
        .matches(&ctx.who, id, request, ctx.lang)
        .await
        .map_err(|e| problem(&ctx, e))?
        .map_err(|p| {
            bad_request(tr.t(match p {
                MatchProblem::UnknownPlace => "match-problem-unknown-place",
                MatchProblem::BadRadius => "match-problem-bad-radius",
                MatchProblem::NoDomain => "match-problem-no-domain",
            }))
        })?;
    Ok(Json(matches_json(&found, &ctx)))
}

pub(crate) fn matches_json(found: &Matches, ctx: &Ctx) -> MatchesJson {
    let tr = ctx.tr();
    let lang = ctx.lang;
    MatchesJson {
        domain: found.domain.key().to_owned(),
        urgency: found.urgency.key().to_owned(),
        requirements: requirement_keys(&found.requirements),
        unknown: found
            .unknown
            .keys()
            .into_iter()
            .map(str::to_owned)
            .collect(),
        near: found.near.as_ref().map(|(name, _)| name.clone()),
        radius_km: found.radius_km,
        matches: found
            .matches
            .iter()
            .map(|m| MatchJson {
                service_id: m.service.to_string(),
                service: m.name.get(lang).clone(),
                organization_id: m.organization.to_string(),
                organization: m.organization_name.get(lang).clone(),
                distance_km: m.distance_km.map(|d| (d * 10.0).round() / 10.0),
                open_now: m.open_now,
                available: m.capacity.as_ref().map(|c| c.available),
                score: m.score.points,
                consented: m.consented,
                reasons: m
                    .score
                    .reasons
                    .iter()
                    .map(|(r, p)| ReasonJson {
                        reason: r.key().to_owned(),
                        points: *p,
                    })
                    .collect(),
                why: m
                    .score
                    .reasons
                    .iter()
                    .map(|(r, _)| tr.label("match_reason", r.key()))
                    .collect::<Vec<_>>()
                    .join(" · "),
            })
            .collect(),
        excluded: found
            .excluded
            .iter()
            .map(|e| ExcludedJson {
                service_id: e.service.to_string(),
                service: e.name.get(lang).clone(),
                organization: e.organization_name.get(lang).clone(),
                reasons: e.reasons.iter().map(|r| r.key().to_owned()).collect(),
                why: e
                    .reasons
                    .iter()
                    .map(|r| tr.label("exclusion", r.key()))
                    .collect::<Vec<_>>()
                    .join(" · "),
            })
            .collect(),
    }
}

/// A first contact. Every part but `needs` is optional; `unsafe_now` adds an immediate
/// safety need, now, if none is named.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct IntakeInput {
    /// What the team will call the person (not their name); by default "Accueil" and the
    /// date and time.
    #[serde(default)]
    pub alias: Option<String>,
    /// What is needed now, with how soon.
    #[serde(deserialize_with = "crate::json::objects")]
    pub needs: Vec<NeedInput>,
    /// The town where help is needed.
    #[serde(default)]
    pub city: Option<String>,
    /// The person is not safe right now.
    #[serde(default)]
    pub unsafe_now: bool,
    #[serde(default, deserialize_with = "crate::json::object_or_null")]
    pub identity: Option<IdentityFactsInput>,
    #[serde(default, deserialize_with = "crate::json::object_or_null")]
    pub health: Option<HealthFactsInput>,
    #[serde(default, deserialize_with = "crate::json::object_or_null")]
    pub immigration: Option<ImmigrationFactsInput>,
    #[serde(default, deserialize_with = "crate::json::object_or_null")]
    pub contact_safety: Option<ContactSafetyJson>,
}

impl IntakeInput {
    pub(crate) fn to_new(&self) -> Result<NewIntake, Vec<BadValue>> {
        let mut bad = Vec::new();
        let mut needs = Vec::new();
        for need in &self.needs {
            match need.to_new() {
                Ok(n) => needs.push(n),
                Err(b) => bad.extend(b),
            }
        }
        let identity = self.identity.as_ref().map(|i| i.parse(&mut bad));
        let immigration = self.immigration.as_ref().map(|m| m.parse(&mut bad));
        let contact_safety = self.contact_safety.as_ref().map(|c| c.parse(&mut bad));
        if !bad.is_empty() {
            return Err(bad);
        }
        Ok(NewIntake {
            alias: self.alias.clone(),
            needs,
            city: self.city.clone(),
            unsafe_now: self.unsafe_now,
            identity: identity.unwrap_or_default(),
            health: HealthFacts {
                substance_use: self.health.as_ref().and_then(|h| h.substance_use),
            },
            immigration: immigration.unwrap_or_default(),
            contact_safety: contact_safety.unwrap_or_default(),
        })
    }
}

/// Take an intake: a first contact opens a case (under an alias; identifying details
/// optional and sealed) for the caller's party, with its needs, the person's situation and
/// how to reach them safely, all or nothing. Under a single point of entry, only the
/// coalition's coordinators take intakes.
#[utoipa::path(
    post,
    path = "/api/v1/intakes",
    tag = "referrals",
    operation_id = "takeIntake",
    request_body = IntakeInput,
    responses(
        (status = 201, description = "The case opened", body = CreatedJson),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "The caller does not take intakes under the coalition's entry model", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Nothing needed, an unknown value, a language that is not a code, a field too long", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn take_intake(
    State(state): State<AppState>,
    ctx: Ctx,
    body: Result<ApiJson<IntakeInput>, Problem>,
) -> Result<(StatusCode, Json<CreatedJson>), Problem> {
    state
        .app
        .may_take_intake(&ctx.who)
        .await
        .map_err(|e| ctx.problem(e))?;
    let ApiJson(input) = body?;
    let intake = input.to_new().map_err(|b| bad(&ctx, b))?;
    let (id, reference) = state
        .app
        .take_intake(&ctx.who, intake)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedJson {
            id: id.to_string(),
            reference: Some(reference),
        }),
    ))
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct EntryModelJson {
    /// `single` (every intake through the coordinators) or `several` (any member
    /// organization too).
    pub model: String,
}

/// Set how the coalition takes people in (coalition administrators, second factor recent).
#[utoipa::path(
    put,
    path = "/api/v1/settings/entry-model",
    tag = "referrals",
    operation_id = "setEntryModel",
    request_body = EntryModelJson,
    responses(
        (status = 204, description = "Set"),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not a coalition administrator, or the second factor was not confirmed recently", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "An unknown model", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn set_entry_model(
    State(state): State<AppState>,
    ctx: Ctx,
    body: Result<ApiJson<EntryModelJson>, Problem>,
) -> Result<StatusCode, Problem> {
    state
        .app
        .may_set_entry_model(&ctx.who)
        .await
        .map_err(|e| ctx.problem(e))?;
    let ApiJson(input) = body?;
    let mut bad_values = Vec::new();
    let model = vocab::<EntryModel>("model", &input.model, &mut bad_values)
        .ok_or_else(|| bad(&ctx, bad_values))?;
    state
        .app
        .set_entry_model(&ctx.who, model)
        .await
        .map_err(|e| ctx.problem(e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who takes the case over.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TransferInput {
    /// The new lead worker's e-mail: a coordinator or caseworker of another party.
    pub email: String,
    /// The case's version, as last read.
    pub version: i64,
}

/// Hand the case over (the lead worker): another organization, or the coalition's intake
/// line, becomes its lead, with the named account as lead worker; the previous lead's
/// workers stay on the team as members and see from then on what consent gives them. A
/// live consent to be referred to (or receive services from) the new party must name it.
/// Referring adds a member; transferring moves the lead.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/transfer",
    tag = "referrals",
    operation_id = "transferCase",
    params(("id" = String, Path, description = "Case id")),
    request_body = TransferInput,
    responses(
        (status = 204, description = "Handed over"),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or the caller is not its lead worker", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The case is closed, or changed since `version`", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "No active account with this address, one that does not hold cases, the same organization, or no consent naming the new party", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn transfer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<ApiJson<TransferInput>, Problem>,
) -> Result<StatusCode, Problem> {
    let id = case_before_body(&state, &ctx, &id, CaseAction::TransferLead).await?;
    let ApiJson(input) = body?;
    state
        .app
        .transfer_case(&ctx.who, id, &input.email, input.version)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(StatusCode::NO_CONTENT)
}
