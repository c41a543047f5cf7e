//! `/api/v1/cases`: shared cases over JSON. A case answers only with the categories the
//! caller's permit opens; what is not disclosed is absent from the document, not null.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use mosaique_app::cases::CaseView;
use mosaique_app::{AppError, Invalid};
use mosaique_domain::case::{
    CaseSummary, ConsentRecord, Contact, DataCategory, EmergencyDecision, ExceptionalKind,
    Identity, MemberView, NewEmergencyRequest, Note, Party, Whereabouts,
};
use mosaique_domain::policy::case::CaseAction;
use mosaique_domain::{CaseId, ConsentId, EmergencyId, Language, Timestamp};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::form::{BadValue, CaseInput, ConsentInput, NoteInput};
use crate::AppState;
use crate::api::ApiJson;
use crate::gate::Ctx;
use crate::problem::{Problem, ProblemBody, ProblemKind};

/// A case in a list: nothing about the person but the alias.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CaseSummaryJson {
    pub id: String,
    #[schema(example = "2026-0007")]
    pub reference: String,
    pub alias: String,
    /// `open`, `on_hold` or `closed`.
    pub status: String,
    /// The lead organization's id, or `coalition` for the coalition's intake line.
    pub lead: String,
    pub exploitation: String,
    pub scope: String,
    /// The caller's role on the team: `lead_worker`, `team_member` or `observer`; absent
    /// when they see the case through a legal basis or emergency access.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    pub updated_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CaseListJson {
    pub items: Vec<CaseSummaryJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MemberJson {
    pub user_id: String,
    pub display_name: String,
    /// An organization id, or `coalition`.
    pub party: String,
    pub role: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ConsentJson {
    pub id: String,
    pub purpose: String,
    /// `org:<uuid>`, `sector:<key>` or `coalition`.
    pub recipients: Vec<String>,
    pub categories: Vec<String>,
    pub form: String,
    pub language: String,
    pub given_at: String,
    pub expires_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withdrawn_at: Option<String>,
    /// Live now: given, not expired, not withdrawn.
    pub live: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct NoteJson {
    pub id: String,
    pub author: String,
    pub sensitivity: String,
    pub body: String,
    pub written_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct IdentityJson {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    pub languages: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ContactJson {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub safe_contact: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WhereaboutsJson {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
}

/// A case as the caller may see it. A category that is not disclosed is absent.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CaseJson {
    #[serde(flatten)]
    pub summary: CaseSummaryJson,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closure_reason: Option<String>,
    /// Send it back with a status change: a change from an older version is refused (409).
    pub version: i64,
    /// The data categories disclosed to the caller.
    pub disclosed: Vec<String>,
    pub team: Vec<MemberJson>,
    pub consents: Vec<ConsentJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<IdentityJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<ContactJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub whereabouts: Option<WhereaboutsJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<Vec<NoteJson>>,
    /// The steps of the work in the categories disclosed (plan, accompaniment,
    /// immigration, legal, safety), by date.
    pub steps: Vec<super::steps::StepJson>,
    /// The identification tool's results attached (band and alert, not the answers);
    /// absent without the `screening` category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub screenings: Option<Vec<super::screenings::CaseScreeningJson>>,
    /// The documents of the categories disclosed (each opened at its `href`).
    pub documents: Vec<super::documents::DocumentJson>,
    /// For the lead: every legal basis and emergency access on the case.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub access_without_consent: Vec<ExceptionalJson>,
    /// What services need to know, in the categories disclosed.
    pub situation: crate::referrals::api::SituationJson,
    /// How the person may be contacted: shown to every reader.
    pub contact_safety: crate::referrals::api::ContactSafetyJson,
    /// The needs in the categories disclosed, open and most urgent first.
    pub needs: Vec<crate::referrals::api::NeedJson>,
    /// The referrals the caller may know of (all of whose needs are in the categories
    /// disclosed, or sent to the caller's organization), newest first.
    pub referrals: Vec<crate::referrals::api::ReferralJson>,
}

/// A legal basis or an emergency access on a case.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ExceptionalJson {
    pub id: String,
    /// `legal_basis` or `emergency_access`.
    pub kind: String,
    /// The legal ground, or the emergency request's status.
    pub detail: String,
    pub holder: String,
    pub categories: Vec<String>,
    pub reason: String,
    pub at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CreatedJson {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RecordConsentJson {
    #[serde(flatten)]
    pub consent: ConsentInput,
    /// The language the person was told it in: `fr` or `en` (default: the request's).
    #[serde(default)]
    pub language: Option<String>,
}

fn party_text(party: Party) -> String {
    match party {
        Party::Coalition => "coalition".to_owned(),
        Party::Organization(org) => org.to_string(),
    }
}

pub(crate) fn time(t: Timestamp) -> String {
    t.to_rfc3339()
}

fn summary_json(c: &CaseSummary) -> CaseSummaryJson {
    CaseSummaryJson {
        id: c.id.to_string(),
        reference: c.reference.clone(),
        alias: c.alias.clone(),
        status: c.status.key().to_owned(),
        lead: party_text(c.lead),
        exploitation: c.exploitation.key().to_owned(),
        scope: c.scope.key().to_owned(),
        role: c.role.map(|r| r.key().to_owned()),
        updated_at: time(c.updated_at),
    }
}

fn consent_json(c: &ConsentRecord, now: Timestamp) -> ConsentJson {
    ConsentJson {
        id: c.id.to_string(),
        purpose: c.consent.purpose.key().to_owned(),
        recipients: c
            .consent
            .recipients
            .iter()
            .map(ToString::to_string)
            .collect(),
        categories: c
            .consent
            .categories
            .keys()
            .into_iter()
            .map(str::to_owned)
            .collect(),
        form: c.form.key().to_owned(),
        language: c.language.code().to_owned(),
        given_at: time(c.consent.given_at),
        expires_at: time(c.consent.expires_at),
        withdrawn_at: c.consent.withdrawn_at.map(time),
        live: c.consent.is_live(now),
    }
}

fn member_json(m: &MemberView) -> MemberJson {
    MemberJson {
        user_id: m.user.to_string(),
        display_name: m.display_name.clone(),
        party: party_text(m.party),
        role: m.role.key().to_owned(),
    }
}

fn note_json(n: &Note) -> NoteJson {
    NoteJson {
        id: n.id.to_string(),
        author: n.author_name.clone(),
        sensitivity: n.sensitivity.key().to_owned(),
        body: n.body.clone(),
        written_at: time(n.written_at),
    }
}

fn identity_json(i: &Identity) -> IdentityJson {
    IdentityJson {
        name: i.name.clone(),
        birth_date: i.birth_date.clone(),
        languages: i.languages.clone(),
    }
}

fn contact_json(c: &Contact) -> ContactJson {
    ContactJson {
        phone: c.phone.clone(),
        email: c.email.clone(),
        safe_contact: c.safe_contact.clone(),
    }
}

fn whereabouts_json(w: &Whereabouts) -> WhereaboutsJson {
    WhereaboutsJson {
        address: w.address.clone(),
        city: w.city.clone(),
    }
}

fn case_json(view: &CaseView, lang: Language) -> CaseJson {
    let file = &view.file;
    let now = Timestamp(mosaique_app::App::now_ms());
    CaseJson {
        summary: summary_json(&file.summary),
        closure_reason: file.closure_reason.map(|r| r.key().to_owned()),
        version: file.version,
        disclosed: file
            .disclosed
            .keys()
            .into_iter()
            .map(str::to_owned)
            .collect(),
        team: file.team.iter().map(member_json).collect(),
        consents: file.consents.iter().map(|c| consent_json(c, now)).collect(),
        identity: file.identity.as_ref().map(identity_json),
        contact: file.contact.as_ref().map(contact_json),
        whereabouts: file.whereabouts.as_ref().map(whereabouts_json),
        notes: file
            .notes
            .as_ref()
            .map(|notes| notes.iter().map(note_json).collect()),
        steps: {
            let today = super::form::today();
            file.steps
                .iter()
                .map(|s| super::steps::step_json(s, &today))
                .collect()
        },
        screenings: file
            .screenings
            .as_ref()
            .map(|list| list.iter().map(super::screenings::screening_json).collect()),
        documents: file
            .documents
            .iter()
            .map(|d| super::documents::document_json(file.summary.id, d))
            .collect(),
        access_without_consent: file
            .exceptional
            .iter()
            .map(|a| ExceptionalJson {
                id: a.id.clone(),
                kind: match a.kind {
                    ExceptionalKind::LegalBasis(_) => "legal_basis",
                    ExceptionalKind::Emergency { .. } => "emergency_access",
                }
                .to_owned(),
                detail: match a.kind {
                    ExceptionalKind::LegalBasis(ground) => ground.key(),
                    ExceptionalKind::Emergency { status, .. } => status.key(),
                }
                .to_owned(),
                holder: a.holder.text(lang).to_owned(),
                categories: a.categories.keys().into_iter().map(str::to_owned).collect(),
                reason: a.reason.clone(),
                at: time(a.at),
                until: a.until.map(time),
            })
            .collect(),
        situation: crate::referrals::api::situation_json(&file.situation),
        contact_safety: crate::referrals::api::contact_safety_json(&file.contact_safety),
        needs: file
            .needs
            .iter()
            .map(|n| crate::referrals::api::need_json(n, lang))
            .collect(),
        referrals: file
            .referrals
            .iter()
            .map(|r| crate::referrals::api::referral_json(r, lang))
            .collect(),
    }
}

/// A bad value, or a domain problem, as one problem document (422).
pub(crate) fn unprocessable(lang: Language, details: Vec<String>) -> Problem {
    Problem::new(ProblemKind::Unprocessable, lang).with_detail(details.join("; "))
}

/// An application error as a problem, with the words of invalid input.
pub(crate) fn problem(ctx: &Ctx, error: AppError) -> Problem {
    let tr = ctx.tr();
    match error {
        AppError::Invalid(Invalid::Case(problems)) => unprocessable(
            ctx.lang,
            problems.iter().map(|p| tr.t(p.message_id())).collect(),
        ),
        AppError::Invalid(Invalid::Consent(problems)) => unprocessable(
            ctx.lang,
            problems.iter().map(|p| tr.t(p.message_id())).collect(),
        ),
        AppError::Invalid(Invalid::Team(problem)) => {
            unprocessable(ctx.lang, vec![tr.t(problem.message_id())])
        }
        AppError::Invalid(Invalid::Disclosure(problems)) => unprocessable(
            ctx.lang,
            problems.iter().map(|p| tr.t(p.message_id())).collect(),
        ),
        AppError::Invalid(Invalid::Step(problems)) => unprocessable(
            ctx.lang,
            problems.iter().map(|p| tr.t(p.message_id())).collect(),
        ),
        AppError::Invalid(Invalid::Document(problems)) => unprocessable(
            ctx.lang,
            problems.iter().map(|p| tr.t(p.message_id())).collect(),
        ),
        e => ctx.problem(e),
    }
}

pub(crate) fn case_id(ctx: &Ctx, raw: &str) -> Result<CaseId, Problem> {
    ctx.id(raw)
        .ok_or_else(|| Problem::new(ProblemKind::NotFound, ctx.lang))
}

/// The caller's cases: those whose team they are on.
#[utoipa::path(
    get,
    path = "/api/v1/cases",
    tag = "cases",
    operation_id = "listCases",
    responses(
        (status = 200, description = "The caller's cases, most recently changed first", body = CaseListJson),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "The caller's role does not work on cases", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<CaseListJson>, Problem> {
    let cases = state
        .app
        .my_cases(&ctx.who)
        .await
        .map_err(|e| ctx.problem(e))?;
    Ok(Json(CaseListJson {
        items: cases.iter().map(summary_json).collect(),
    }))
}

/// Open a case for the caller's organization, with the caller as its lead worker.
#[utoipa::path(
    post,
    path = "/api/v1/cases",
    tag = "cases",
    operation_id = "openCase",
    request_body = CaseInput,
    responses(
        (status = 201, description = "Opened", body = CreatedJson),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "The caller's role does not open cases", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "A case of the caller's organization may be the same person (same alias, or same name and date of birth); send `allow_duplicate` to open it anyway", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "A value the case cannot take", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn open(
    State(state): State<AppState>,
    ctx: Ctx,
    body: Result<ApiJson<CaseInput>, Problem>,
) -> Result<(StatusCode, Json<CreatedJson>), Problem> {
    // Who may open a case is decided before the body is read: a role that may not gets
    // 403, whatever it sent.
    state
        .app
        .may_open_case_or_refusal(&ctx.who)
        .await
        .map_err(|e| ctx.problem(e))?;
    let ApiJson(input) = body?;
    let new = input
        .to_new()
        .map_err(|bad| unprocessable(ctx.lang, BadValue::explain(&ctx.tr(), &bad)))?;
    if !input.allow_duplicate {
        let found = state
            .app
            .possible_duplicates(&ctx.who, &new)
            .await
            .map_err(|e| problem(&ctx, e))?;
        if !found.is_empty() {
            let cases = super::form::duplicate_warnings(&ctx.tr(), &found).join(" ");
            return Err(
                Problem::new(ProblemKind::Conflict, ctx.lang).with_detail(ctx.tr().with(
                    "problem-case-duplicate",
                    "cases",
                    &cases,
                )),
            );
        }
    }
    let (id, reference) = state
        .app
        .open_case(&ctx.who, new)
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

/// One case, as consent lets the caller see it. The read is audited.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}",
    tag = "cases",
    operation_id = "getCase",
    params(("id" = String, Path, description = "Case id")),
    responses(
        (status = 200, description = "The case, with the disclosed categories only", body = CaseJson),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or none the caller has a part in", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<CaseJson>, Problem> {
    let id = case_id(&ctx, &id)?;
    let view = state
        .app
        .case(&ctx.who, id)
        .await
        .map_err(|e| ctx.problem(e))?;
    Ok(Json(case_json(&view, ctx.lang)))
}

/// The case's consents, live and ended.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}/consents",
    tag = "cases",
    operation_id = "listConsents",
    params(("id" = String, Path, description = "Case id")),
    responses(
        (status = 200, description = "Every consent recorded on the case", body = Vec<ConsentJson>),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or none the caller has a part in", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn consents(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<Vec<ConsentJson>>, Problem> {
    let id = case_id(&ctx, &id)?;
    let view = state
        .app
        .case(&ctx.who, id)
        .await
        .map_err(|e| ctx.problem(e))?;
    let now = Timestamp(mosaique_app::App::now_ms());
    Ok(Json(
        view.file
            .consents
            .iter()
            .map(|c| consent_json(c, now))
            .collect(),
    ))
}

/// Record a consent the person gave (lead organization). Recipients must be the case's
/// lead or on its team; the expiry is after the day it was given.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/consents",
    tag = "cases",
    operation_id = "recordConsent",
    params(("id" = String, Path, description = "Case id")),
    request_body = RecordConsentJson,
    responses(
        (status = 201, description = "Recorded", body = CreatedJson),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or the caller may not record its consents", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The case is closed", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "An unknown purpose, category or recipient, a recipient outside the case, or an expiry before the start", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn record_consent(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<ApiJson<RecordConsentJson>, Problem>,
) -> Result<(StatusCode, Json<CreatedJson>), Problem> {
    let id = case_id(&ctx, &id)?;
    // Who may is decided before the body is read.
    state
        .app
        .may_act_on_case(&ctx.who, id, CaseAction::RecordConsent)
        .await
        .map_err(|e| ctx.problem(e))?;
    let ApiJson(body) = body?;
    let mut bad = Vec::new();
    let language = match &body.language {
        None => ctx.lang,
        Some(code) => code.parse().unwrap_or_else(|_| {
            bad.push(BadValue {
                field: "language",
                value: code.clone(),
            });
            ctx.lang
        }),
    };
    let new = match body.consent.to_new() {
        Ok(new) if bad.is_empty() => new,
        Ok(_) => return Err(unprocessable(ctx.lang, BadValue::explain(&ctx.tr(), &bad))),
        Err(more) => {
            bad.extend(more);
            return Err(unprocessable(ctx.lang, BadValue::explain(&ctx.tr(), &bad)));
        }
    };
    let consent = state
        .app
        .record_consent(&ctx.who, id, new, language)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedJson {
            id: consent.to_string(),
            reference: None,
        }),
    ))
}

/// Record that the person withdrew a consent: from the next request, what it opened is
/// closed.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/consents/{consent}/withdraw",
    tag = "cases",
    operation_id = "withdrawConsent",
    params(
        ("id" = String, Path, description = "Case id"),
        ("consent" = String, Path, description = "Consent id"),
    ),
    responses(
        (status = 204, description = "Withdrawn"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such case or consent, or none the caller works on", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Already withdrawn", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn withdraw_consent(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, consent)): Path<(String, String)>,
) -> Result<StatusCode, Problem> {
    let id = case_id(&ctx, &id)?;
    let consent: ConsentId = ctx
        .id(&consent)
        .ok_or_else(|| Problem::new(ProblemKind::NotFound, ctx.lang))?;
    state
        .app
        .withdraw_consent(&ctx.who, id, consent)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add a note (needs the `notes` category). `organization` notes are read by the author's
/// organization only, `lead` notes by the lead organization and the author's.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/notes",
    tag = "cases",
    operation_id = "addNote",
    params(("id" = String, Path, description = "Case id")),
    request_body = NoteInput,
    responses(
        (status = 201, description = "Written", body = CreatedJson),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or the caller may not write its notes", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The case is closed", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "An empty or too long note, or an unknown sensitivity", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn add_note(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<ApiJson<NoteInput>, Problem>,
) -> Result<(StatusCode, Json<CreatedJson>), Problem> {
    let id = case_id(&ctx, &id)?;
    state
        .app
        .may_act_on_case(&ctx.who, id, CaseAction::Write(DataCategory::Notes))
        .await
        .map_err(|e| ctx.problem(e))?;
    let ApiJson(input) = body?;
    let note = input
        .to_new()
        .map_err(|bad| unprocessable(ctx.lang, BadValue::explain(&ctx.tr(), &bad)))?;
    let note = state
        .app
        .add_note(&ctx.who, id, note)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedJson {
            id: note.to_string(),
            reference: None,
        }),
    ))
}

/// An emergency access request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct EmergencyRequestJson {
    pub reason: String,
    /// Data category keys (see consents).
    pub categories: Vec<String>,
    /// A serious and imminent danger: access opens now for one hour, reviewed afterwards.
    #[serde(default)]
    pub imminent: bool,
}

/// A privacy officer's decision on an emergency request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct EmergencyDecisionJson {
    /// `approve` or `refuse` a request; `review` access opened on an imminent danger.
    pub decision: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct EmergencyStatusJson {
    /// `requested`, `approved`, `refused`, `imminent` or `reviewed`.
    pub status: String,
}

/// Ask for emergency access to a case (break-glass). A privacy officer decides; on a
/// declared imminent danger access opens at once for one hour. Always audited, and every
/// read it opens is written to the disclosure register.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/emergency",
    tag = "cases",
    operation_id = "requestEmergencyAccess",
    params(("id" = String, Path, description = "Case id")),
    request_body = EmergencyRequestJson,
    responses(
        (status = 201, description = "Requested (or opened, on an imminent danger)", body = CreatedJson),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or the caller may not ask (they lead it, or their role does not work on cases)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "No reason, or no category", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn request_emergency(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<ApiJson<EmergencyRequestJson>, Problem>,
) -> Result<(StatusCode, Json<CreatedJson>), Problem> {
    let id = case_id(&ctx, &id)?;
    state
        .app
        .may_act_on_case(&ctx.who, id, CaseAction::RequestEmergencyAccess)
        .await
        .map_err(|e| ctx.problem(e))?;
    let ApiJson(body) = body?;
    let mut bad = Vec::new();
    let categories = body
        .categories
        .iter()
        .filter_map(|c| {
            c.parse::<DataCategory>()
                .map_err(|_| {
                    bad.push(BadValue {
                        field: "categories",
                        value: c.clone(),
                    })
                })
                .ok()
        })
        .collect();
    if !bad.is_empty() {
        return Err(unprocessable(ctx.lang, BadValue::explain(&ctx.tr(), &bad)));
    }
    let new = NewEmergencyRequest {
        reason: body.reason,
        categories,
        imminent: body.imminent,
    };
    let request = state
        .app
        .request_emergency(&ctx.who, id, new)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedJson {
            id: request.to_string(),
            reference: None,
        }),
    ))
}

/// Decide on an emergency request: a privacy officer who did not make it.
#[utoipa::path(
    post,
    path = "/api/v1/emergency/{id}/decision",
    tag = "cases",
    operation_id = "decideEmergencyAccess",
    params(("id" = String, Path, description = "Emergency request id")),
    request_body = EmergencyDecisionJson,
    responses(
        (status = 200, description = "Decided", body = EmergencyStatusJson),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not a privacy officer, the one who asked, or the second factor is not recent", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such request", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Decided already", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Not one of the decisions", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn decide_emergency(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<ApiJson<EmergencyDecisionJson>, Problem>,
) -> Result<Json<EmergencyStatusJson>, Problem> {
    let id: EmergencyId = ctx
        .id(&id)
        .ok_or_else(|| Problem::new(ProblemKind::NotFound, ctx.lang))?;
    state
        .app
        .may_decide_emergency(&ctx.who, id)
        .await
        .map_err(|e| ctx.problem(e))?;
    let ApiJson(body) = body?;
    let decision = match body.decision.as_str() {
        "approve" => EmergencyDecision::Approve,
        "refuse" => EmergencyDecision::Refuse,
        "review" => EmergencyDecision::Review,
        other => {
            let bad = [BadValue {
                field: "decision",
                value: other.to_owned(),
            }];
            return Err(unprocessable(ctx.lang, BadValue::explain(&ctx.tr(), &bad)));
        }
    };
    let status = state
        .app
        .decide_emergency(&ctx.who, id, decision)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(Json(EmergencyStatusJson {
        status: status.key().to_owned(),
    }))
}

/// The person's access request, as JSON: the case with every category, and the register's
/// entries about it.
#[derive(Debug, Serialize)]
struct ExportJson {
    #[serde(flatten)]
    case: CaseJson,
    disclosures: Vec<DisclosureJson>,
}

#[derive(Debug, Serialize)]
struct DisclosureJson {
    at: String,
    user: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    organization: Option<String>,
    categories: Vec<String>,
    grounds: Vec<String>,
}

/// `/cases/{id}/export.json`: a download, for the lead worker or a privacy officer.
pub(crate) async fn export_json(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let Some(id) = ctx.id::<CaseId>(&id) else {
        return ctx.error(crate::shell::PageError::NotFound);
    };
    let export = match state.app.export_case(&ctx.who, id).await {
        Ok(export) => export,
        Err(e) => return ctx.page_error(e),
    };
    let view = CaseView {
        file: export.file,
        may: Default::default(),
    };
    let body = ExportJson {
        case: case_json(&view, ctx.lang),
        disclosures: export
            .disclosures
            .iter()
            .map(|d| DisclosureJson {
                at: time(d.at),
                user: d.user_name.clone(),
                organization: d.organization.as_ref().map(|o| o.text(ctx.lang).to_owned()),
                categories: d.categories.keys().into_iter().map(str::to_owned).collect(),
                grounds: d.grounds.clone(),
            })
            .collect(),
    };
    let disposition = format!(
        "attachment; filename=\"dossier-{}.json\"",
        view.file.summary.reference
    );
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/json".to_owned(),
            ),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        Json(body),
    )
        .into_response()
}
