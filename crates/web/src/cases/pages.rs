//! The case pages: one's list and the form that opens a case, then a case as its reader may
//! see it. Each form posts, and comes back to the case (or to itself with what is wrong).
//! Plain forms: no JavaScript needed.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mosaique_app::cases::CaseAbilities;
use mosaique_app::{AppError, Conflict, Invalid};
use mosaique_domain::case::{
    CaseRole, CaseStatus, CaseSummary, ClosureReason, ConsentRecord, DataCategory, Exploitation,
    NewEmergencyRequest, NoteSensitivity, Party, Purpose, Recipient, TraffickingScope,
};
use mosaique_domain::policy::case::CaseAction;
use mosaique_domain::{CaseId, ConsentId, Language, Sector, Timestamp, UserId};

use super::form::{BadValue, CaseInput, ConsentInput, NoteInput, in_a_year, status_event, today};
use super::terms::Wording;
use crate::AppState;
use crate::form::Pairs;
use crate::gate::Ctx;
use crate::i18n::{Arg, Tr};
use crate::shell::{PageError, Shell, render_with};

/// A choice of a select or a checkbox group: its value and label.
pub(crate) type Choice = (String, String);

/// A vocabulary's keys, in order.
fn keys<T: Copy>(all: &[T], key: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| key(*v)).collect()
}

pub(crate) fn choices<T: Copy>(
    tr: &Tr,
    prefix: &str,
    all: &[T],
    key: fn(T) -> &'static str,
) -> Vec<Choice> {
    all.iter()
        .map(|v| (key(*v).to_owned(), tr.label(prefix, key(*v))))
        .collect()
}

#[derive(Debug)]
struct CaseRow {
    id: String,
    reference: String,
    alias: String,
    status: String,
    role: String,
    updated: String,
}

#[derive(Template)]
#[template(path = "cases.html")]
struct ListPage {
    shell: Shell,
    cases: Vec<CaseRow>,
    may_open: bool,
    may_intake: bool,
    errors: Vec<String>,
    /// Possible duplicates of the case being opened: open it anyway, or look first.
    duplicates: Vec<String>,
    form: CaseInput,
    exploitations: Vec<Choice>,
    scopes: Vec<Choice>,
}

fn when(tr: &Tr, at: Timestamp) -> String {
    tr.with(
        "case-updated",
        "date",
        &mosaique_domain::time::local_date(at, mosaique_domain::time::DEFAULT_TIME_ZONE),
    )
}

fn row(tr: &Tr, c: &CaseSummary) -> CaseRow {
    CaseRow {
        id: c.id.to_string(),
        reference: c.reference.clone(),
        alias: c.alias.clone(),
        status: tr.label("case_status", c.status.key()),
        role: match c.role {
            Some(role) => tr.label("case_role", role.key()),
            None => tr.t("case-role-outside"),
        },
        updated: when(tr, c.updated_at),
    }
}

async fn list_page(state: &AppState, ctx: &Ctx, form: CaseInput, errors: Vec<String>) -> Response {
    list_page_with(state, ctx, form, errors, Vec::new()).await
}

async fn list_page_with(
    state: &AppState,
    ctx: &Ctx,
    form: CaseInput,
    errors: Vec<String>,
    duplicates: Vec<String>,
) -> Response {
    let tr = ctx.tr();
    let cases = match state.app.my_cases(&ctx.who).await {
        Ok(cases) => cases,
        Err(e) => return ctx.page_error(e),
    };
    let may_open = state.app.may_open_case(&ctx.who);
    let may_intake = match state.app.offers_intake(&ctx.who).await {
        Ok(may) => may,
        Err(e) => return ctx.page_error(e),
    };
    let terms = match state.app.case_terms().await {
        Ok(terms) => terms,
        Err(e) => return ctx.page_error(e),
    };
    let words = Wording::new(&tr, &terms);
    let status = if !errors.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else if !duplicates.is_empty() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    let page = ListPage {
        shell: ctx.shell(tr.t("cases-title"), "cases"),
        cases: cases.iter().map(|c| row(&tr, c)).collect(),
        may_open,
        may_intake,
        errors,
        duplicates,
        form,
        exploitations: words.choices("exploitation", &keys(Exploitation::ALL, Exploitation::key)),
        scopes: words.choices(
            "trafficking_scope",
            &keys(TraffickingScope::ALL, TraffickingScope::key),
        ),
    };
    render_with(&page, status)
}

pub(super) async fn list(State(state): State<AppState>, ctx: Ctx) -> Response {
    list_page(&state, &ctx, CaseInput::default(), Vec::new()).await
}

pub(super) async fn open(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> Response {
    let tr = ctx.tr();
    let input = CaseInput::from_pairs(&Pairs::parse(&body));
    let new = match input.to_new() {
        Ok(new) => new,
        Err(bad) => return list_page(&state, &ctx, input, BadValue::explain(&tr, &bad)).await,
    };
    if !input.allow_duplicate {
        match state.app.possible_duplicates(&ctx.who, &new).await {
            Ok(found) if found.is_empty() => {}
            Ok(found) => {
                let warnings = super::form::duplicate_warnings(&tr, &found);
                return list_page_with(&state, &ctx, input, Vec::new(), warnings).await;
            }
            Err(AppError::Invalid(Invalid::Case(problems))) => {
                let errors = problems.iter().map(|p| tr.t(p.message_id())).collect();
                return list_page(&state, &ctx, input, errors).await;
            }
            Err(e) => return ctx.page_error(e),
        }
    }
    match state.app.open_case(&ctx.who, new).await {
        Ok((id, _)) => Redirect::to(&format!("/cases/{id}")).into_response(),
        Err(AppError::Invalid(Invalid::Case(problems))) => {
            let errors = problems.iter().map(|p| tr.t(p.message_id())).collect();
            list_page(&state, &ctx, input, errors).await
        }
        Err(e) => ctx.page_error(e),
    }
}

#[derive(Debug)]
struct Field {
    label: String,
    value: String,
}

#[derive(Debug)]
struct Part {
    /// The category's key, for the change form's address.
    key: String,
    heading: String,
    /// `None`: not disclosed to this reader.
    fields: Option<Vec<Field>>,
    /// The change form's inputs, when the reader writes this category.
    inputs: Option<Vec<Input>>,
    /// Who changed which fields, when.
    history: Vec<String>,
}

/// One input of a part's change form.
#[derive(Debug)]
struct Input {
    name: &'static str,
    label: String,
    value: String,
    kind: &'static str,
}

#[derive(Debug)]
struct MemberRow {
    id: String,
    name: String,
    party: String,
    role: String,
    removable: bool,
}

#[derive(Debug)]
struct ConsentRow {
    id: String,
    /// The language the person was told it in: the receipt's.
    language: String,
    purpose: String,
    recipients: String,
    categories: String,
    period: String,
    state: String,
    live: bool,
}

#[derive(Debug)]
struct NoteRow {
    author: String,
    written: String,
    sensitivity: Option<String>,
    body: String,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    shell: Shell,
    id: String,
    reference: String,
    alias: String,
    status: String,
    closure: Option<String>,
    typology: String,
    lead: String,
    version: i64,
    disclosed: String,
    parts: Vec<Part>,
    team: Vec<MemberRow>,
    consents: Vec<ConsentRow>,
    notes: Option<Vec<NoteRow>>,
    steps: Vec<super::steps::StepGroup>,
    step_choices: super::steps::StepChoices,
    screenings: Option<Vec<super::screenings::ScreeningRow>>,
    documents: Vec<super::documents::DocumentRow>,
    document_categories: Vec<Choice>,
    may: CaseAbilities,
    status_events: Vec<Choice>,
    closure_reasons: Vec<Choice>,
    case_roles: Vec<Choice>,
    purposes: Vec<Choice>,
    recipients: Vec<Choice>,
    /// A recipient checked in advance, for a consent to refer (empty: none).
    preselect: String,
    categories: Vec<Choice>,
    sensitivities: Vec<Choice>,
    witnesses: Vec<Choice>,
    languages: Vec<Choice>,
    history: Vec<crate::privacy::AccessRow>,
    /// Contact safety, the situation, needs and referrals.
    referrals: crate::referrals::pages::CaseReferrals,
    /// The quick screen is one click away (the reader writes the `screening` category).
    screen: bool,
    emergency_categories: Vec<(String, String, bool)>,
    given_on: String,
    expires_on: String,
    errors: Vec<String>,
}

pub(super) fn party_name(tr: &Tr, party: Party, names: &[(Party, String)]) -> String {
    names
        .iter()
        .find(|(p, _)| *p == party)
        .map_or_else(|| tr.t("case-party-unknown"), |(_, n)| n.clone())
}

fn field(tr: &Tr, key: &str, value: &Option<String>) -> Option<Field> {
    value.as_ref().map(|v| Field {
        label: tr.t(key),
        value: v.clone(),
    })
}

fn parts(tr: &Tr, file: &mosaique_domain::case::CaseFile, may: &CaseAbilities) -> Vec<Part> {
    let identity = file.identity.as_ref().map(|i| {
        let mut fields: Vec<Field> = [
            field(tr, "case-field-name", &i.name),
            field(tr, "case-field-birth-date", &i.birth_date),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !i.languages.is_empty() {
            fields.push(Field {
                label: tr.t("case-field-languages"),
                value: i.languages.join(", "),
            });
        }
        let inputs = vec![
            ("name", "case-field-name", i.name.clone(), "text"),
            (
                "birth_date",
                "case-field-birth-date",
                i.birth_date.clone(),
                "text",
            ),
            (
                "languages",
                "case-field-languages",
                Some(i.languages.join(", ")),
                "text",
            ),
        ];
        (fields, inputs)
    });
    let contact = file.contact.as_ref().map(|c| {
        let fields = [
            field(tr, "case-field-phone", &c.phone),
            field(tr, "case-field-email", &c.email),
            field(tr, "case-field-safe-contact", &c.safe_contact),
        ]
        .into_iter()
        .flatten()
        .collect();
        let inputs = vec![
            ("phone", "case-field-phone", c.phone.clone(), "tel"),
            ("email", "case-field-email", c.email.clone(), "email"),
            (
                "safe_contact",
                "case-field-safe-contact",
                c.safe_contact.clone(),
                "text",
            ),
        ];
        (fields, inputs)
    });
    let whereabouts = file.whereabouts.as_ref().map(|w| {
        let fields = [
            field(tr, "case-field-address", &w.address),
            field(tr, "case-field-city", &w.city),
        ]
        .into_iter()
        .flatten()
        .collect();
        let inputs = vec![
            ("address", "case-field-address", w.address.clone(), "text"),
            ("city", "case-field-city", w.city.clone(), "text"),
        ];
        (fields, inputs)
    });
    [
        (DataCategory::Identity, identity),
        (DataCategory::Contact, contact),
        (DataCategory::Location, whereabouts),
    ]
    .into_iter()
    .map(|(category, shown)| {
        let history = file
            .details_history
            .iter()
            .filter(|(c, _)| *c == category)
            .flat_map(|(_, changes)| changes)
            .map(|c| super::steps::change_line(tr, c, "case-field"))
            .collect();
        let (fields, inputs) = match shown {
            Some((fields, inputs)) => (Some(fields), Some(inputs)),
            None => (None, None),
        };
        Part {
            key: category.key().to_owned(),
            heading: tr.label("data_category", category.key()),
            fields,
            inputs: inputs
                .filter(|_| may.write.contains(category))
                .map(|inputs| {
                    inputs
                        .into_iter()
                        .map(|(name, label, value, kind)| Input {
                            name,
                            label: tr.t(label),
                            value: value.unwrap_or_default(),
                            kind,
                        })
                        .collect()
                }),
            history,
        }
    })
    .collect()
}

fn consent_row(
    tr: &Tr,
    c: &ConsentRecord,
    names: &[(Party, String)],
    now: Timestamp,
) -> ConsentRow {
    let recipients = c
        .consent
        .recipients
        .iter()
        .map(|r| match r {
            Recipient::Party(p) => party_name(tr, *p, names),
            Recipient::Sector(s) => tr.label("sector", s.key()),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let categories = c
        .consent
        .categories
        .iter()
        .map(|k| tr.label("data_category", k.key()))
        .collect::<Vec<_>>()
        .join(", ");
    let zone = mosaique_domain::time::DEFAULT_TIME_ZONE;
    let date = |t: Timestamp| mosaique_domain::time::local_date(t, zone);
    let state = match c.consent.withdrawn_at {
        Some(at) => tr.with("consent-withdrawn-on", "date", &date(at)),
        None if now >= c.consent.expires_at => tr.t("consent-expired"),
        None => tr.t("consent-live"),
    };
    ConsentRow {
        id: c.id.to_string(),
        language: c.language.code().to_owned(),
        purpose: tr.label("consent_purpose", c.consent.purpose.key()),
        recipients,
        categories,
        period: tr.t_args(
            "consent-period",
            &[
                ("from", Arg::Text(date(c.consent.given_at))),
                // The last day it holds: the day before its end.
                ("to", Arg::Text(date(Timestamp(c.consent.expires_at.0 - 1)))),
            ],
        ),
        state,
        live: c.consent.is_live(now),
    }
}

pub(crate) async fn case_page(
    state: &AppState,
    ctx: &Ctx,
    id: CaseId,
    errors: Vec<String>,
) -> Response {
    case_page_with(state, ctx, id, errors, None).await
}

/// The case page; with `consent_for`, its consent form is open on a consent to refer the
/// person to that organization (from the matches, when no consent names it yet).
async fn case_page_with(
    state: &AppState,
    ctx: &Ctx,
    id: CaseId,
    errors: Vec<String>,
    consent_for: Option<mosaique_domain::OrgId>,
) -> Response {
    let tr = ctx.tr();
    let view = match state.app.case(&ctx.who, id).await {
        Ok(view) => view,
        Err(e) => return ctx.page_error(e),
    };
    let terms = match state.app.case_terms().await {
        Ok(terms) => terms,
        Err(e) => return ctx.page_error(e),
    };
    let words = Wording::new(&tr, &terms);
    let mut names = match state.app.party_names(&view.file, ctx.lang).await {
        Ok(names) => names,
        Err(e) => return ctx.page_error(e),
    };
    names.push((Party::Coalition, tr.t("case-party-coalition")));
    let file = &view.file;
    let now = Timestamp(mosaique_app::App::now_ms());
    let summary = &file.summary;
    let lead_workers = file
        .team
        .iter()
        .filter(|m| m.role == CaseRole::LeadWorker)
        .count();
    let team = file
        .team
        .iter()
        .map(|m| MemberRow {
            id: m.user.to_string(),
            name: m.display_name.clone(),
            party: party_name(&tr, m.party, &names),
            role: tr.label("case_role", m.role.key()),
            removable: view.may.manage_team && (m.role != CaseRole::LeadWorker || lead_workers > 1),
        })
        .collect();
    let (steps, step_choices) = super::steps::step_groups(&tr, file, &view.may);
    let notes = file.notes.as_ref().map(|notes| {
        notes
            .iter()
            .map(|n| NoteRow {
                author: format!("{} — {}", n.author_name, party_name(&tr, n.party, &names)),
                written: when(&tr, n.written_at),
                sensitivity: (n.sensitivity != NoteSensitivity::Normal)
                    .then(|| tr.label("note_sensitivity", n.sensitivity.key())),
                body: n.body.clone(),
            })
            .collect()
    });
    let mut recipients: Vec<Choice> = names
        .iter()
        .filter(|(p, _)| *p != summary.lead)
        .map(|(p, n)| (Recipient::Party(*p).to_string(), n.clone()))
        .collect();
    let mut preselect = String::new();
    if let Some(org) = consent_for {
        let value = Recipient::Party(Party::Organization(org)).to_string();
        if !recipients.iter().any(|(v, _)| *v == value) {
            match state.app.organization(org).await {
                Ok(found) => recipients.push((value.clone(), found.name(ctx.lang).to_owned())),
                Err(e) => return ctx.page_error(e),
            }
        }
        preselect = value;
    }
    recipients.extend(Sector::ALL.iter().map(|s| {
        (
            Recipient::Sector(*s).to_string(),
            tr.with("consent-sector", "sector", &tr.label("sector", s.key())),
        )
    }));
    let status_events = match summary.status {
        CaseStatus::Open => vec!["hold", "close"],
        CaseStatus::OnHold => vec!["resume", "close"],
        CaseStatus::Closed => vec!["reopen"],
    }
    .into_iter()
    .map(|e| (e.to_owned(), tr.t(&format!("case-event-{e}"))))
    .collect();
    let disclosed = if file.disclosed.is_empty() {
        tr.t("case-disclosed-none")
    } else {
        file.disclosed
            .iter()
            .map(|c| tr.label("data_category", c.key()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = CasePage {
        shell: ctx.shell(
            tr.t_args(
                "case-title",
                &[
                    ("reference", Arg::Text(summary.reference.clone())),
                    ("alias", Arg::Text(summary.alias.clone())),
                ],
            ),
            "cases",
        ),
        id: id.to_string(),
        reference: summary.reference.clone(),
        alias: summary.alias.clone(),
        status: tr.label("case_status", summary.status.key()),
        closure: file
            .closure_reason
            .map(|r| words.label("closure_reason", r.key())),
        typology: format!(
            "{} · {}",
            words.label("exploitation", summary.exploitation.key()),
            words.label("trafficking_scope", summary.scope.key())
        ),
        lead: party_name(&tr, summary.lead, &names),
        version: file.version,
        disclosed,
        parts: parts(&tr, &view.file, &view.may),
        team,
        consents: file
            .consents
            .iter()
            .map(|c| consent_row(&tr, c, &names, now))
            .collect(),
        notes,
        steps,
        step_choices,
        screenings: file.screenings.as_ref().map(|list| {
            list.iter()
                .map(|s| super::screenings::screening_row(&tr, s))
                .collect()
        }),
        documents: file
            .documents
            .iter()
            .map(|d| super::documents::document_row(&tr, id, d, &names))
            .collect(),
        document_categories: DataCategory::ALL
            .iter()
            .filter(|c| view.may.write.contains(**c))
            .map(|c| (c.key().to_owned(), tr.label("data_category", c.key())))
            .collect(),
        may: view.may,
        status_events,
        closure_reasons: words.choices(
            "closure_reason",
            &keys(ClosureReason::ALL, ClosureReason::key),
        ),
        case_roles: choices(&tr, "case_role", CaseRole::ALL, CaseRole::key),
        purposes: choices(&tr, "consent_purpose", Purpose::ALL, Purpose::key),
        recipients,
        preselect,
        categories: choices(&tr, "data_category", DataCategory::ALL, DataCategory::key),
        sensitivities: choices(
            &tr,
            "note_sensitivity",
            NoteSensitivity::ALL,
            NoteSensitivity::key,
        ),
        witnesses: file
            .team
            .iter()
            .filter(|m| Some(m.user) != ctx.who.actor().map(|a| a.user_id))
            .map(|m| (m.user.to_string(), m.display_name.clone()))
            .collect(),
        languages: receipt_languages(&tr),
        history: file
            .exceptional
            .iter()
            .map(|a| crate::privacy::access_row(&tr, a))
            .collect(),
        referrals: crate::referrals::pages::case_referrals(&tr, file, &view.may),
        screen: view.may.write.contains(DataCategory::Screening),
        emergency_categories: emergency_categories(&tr),
        given_on: today(),
        expires_on: in_a_year(),
        errors,
    };
    render_with(&page, status)
}

#[derive(Debug, serde::Deserialize)]
pub(super) struct ShowParams {
    /// An organization to record a consent to refer to.
    consent_for: Option<String>,
}

pub(super) async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    axum::extract::Query(params): axum::extract::Query<ShowParams>,
) -> Response {
    let Some(id) = ctx.id::<CaseId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    let consent_for = params.consent_for.and_then(|o| o.parse().ok());
    case_page_with(&state, &ctx, id, Vec::new(), consent_for).await
}

/// After a form on the case: back to it at `anchor`, or the case again with what is wrong.
pub(crate) async fn after(
    state: &AppState,
    ctx: &Ctx,
    id: CaseId,
    anchor: &str,
    result: Result<(), AppError>,
) -> Response {
    let tr = ctx.tr();
    let errors = match result {
        Ok(()) => return Redirect::to(&format!("/cases/{id}#{anchor}")).into_response(),
        Err(AppError::Invalid(Invalid::Case(problems))) => {
            problems.iter().map(|p| tr.t(p.message_id())).collect()
        }
        Err(AppError::Invalid(Invalid::Consent(problems))) => {
            problems.iter().map(|p| tr.t(p.message_id())).collect()
        }
        Err(AppError::Invalid(Invalid::Team(problem))) => vec![tr.t(problem.message_id())],
        Err(AppError::Invalid(Invalid::Step(problems))) => {
            problems.iter().map(|p| tr.t(p.message_id())).collect()
        }
        Err(AppError::Invalid(Invalid::Document(problems))) => {
            problems.iter().map(|p| tr.t(p.message_id())).collect()
        }
        Err(AppError::Conflict(conflict @ (Conflict::Stale | Conflict::CaseClosed))) => {
            vec![crate::gate::conflict_text(&tr, conflict)]
        }
        Err(e) => return ctx.page_error(e),
    };
    case_page(state, ctx, id, errors).await
}

fn ids<T: std::str::FromStr>(ctx: &Ctx, raw: &str) -> Option<T> {
    ctx.id::<T>(raw)
}

pub(super) async fn add_member(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Some(id) = ids::<CaseId>(&ctx, &id) else {
        return ctx.error(PageError::NotFound);
    };
    if let Err(e) = state
        .app
        .may_act_on_case(&ctx.who, id, CaseAction::ManageTeam)
        .await
    {
        return ctx.page_error(e);
    }
    let f = Pairs::parse(&body);
    let Ok(role) = f.get("role").parse::<CaseRole>() else {
        let bad = [BadValue {
            field: "role",
            value: f.get("role"),
        }];
        return case_page(&state, &ctx, id, BadValue::explain(&ctx.tr(), &bad)).await;
    };
    let result = state
        .app
        .add_team_member(&ctx.who, id, &f.get("email"), role)
        .await;
    after(&state, &ctx, id, "team", result).await
}

pub(super) async fn remove_member(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, user)): Path<(String, String)>,
) -> Response {
    let (Some(id), Some(user)) = (ids::<CaseId>(&ctx, &id), ids::<UserId>(&ctx, &user)) else {
        return ctx.error(PageError::NotFound);
    };
    let result = state.app.remove_team_member(&ctx.who, id, user).await;
    after(&state, &ctx, id, "team", result).await
}

pub(super) async fn record_consent(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Some(id) = ids::<CaseId>(&ctx, &id) else {
        return ctx.error(PageError::NotFound);
    };
    if let Err(e) = state
        .app
        .may_act_on_case(&ctx.who, id, CaseAction::RecordConsent)
        .await
    {
        return ctx.page_error(e);
    }
    let f = Pairs::parse(&body);
    let language = f.get("language").parse().unwrap_or(ctx.lang);
    let new = match ConsentInput::from_pairs(&f).to_new() {
        Ok(new) => new,
        Err(bad) => return case_page(&state, &ctx, id, BadValue::explain(&ctx.tr(), &bad)).await,
    };
    let result = state
        .app
        .record_consent(&ctx.who, id, new, language)
        .await
        .map(|_| ());
    after(&state, &ctx, id, "consents", result).await
}

pub(super) async fn withdraw_consent(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, consent)): Path<(String, String)>,
) -> Response {
    let (Some(id), Some(consent)) = (ids::<CaseId>(&ctx, &id), ids::<ConsentId>(&ctx, &consent))
    else {
        return ctx.error(PageError::NotFound);
    };
    let result = state.app.withdraw_consent(&ctx.who, id, consent).await;
    after(&state, &ctx, id, "consents", result).await
}

pub(super) async fn add_note(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Some(id) = ids::<CaseId>(&ctx, &id) else {
        return ctx.error(PageError::NotFound);
    };
    let notes = CaseAction::Write(DataCategory::Notes);
    if let Err(e) = state.app.may_act_on_case(&ctx.who, id, notes).await {
        return ctx.page_error(e);
    }
    let f = Pairs::parse(&body);
    let input = NoteInput {
        body: f.get("body"),
        sensitivity: Some(f.get("sensitivity")).filter(|s| !s.is_empty()),
    };
    let note = match input.to_new() {
        Ok(note) => note,
        Err(bad) => return case_page(&state, &ctx, id, BadValue::explain(&ctx.tr(), &bad)).await,
    };
    let result = state.app.add_note(&ctx.who, id, note).await.map(|_| ());
    after(&state, &ctx, id, "notes", result).await
}

pub(super) async fn change_status(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Some(id) = ids::<CaseId>(&ctx, &id) else {
        return ctx.error(PageError::NotFound);
    };
    if let Err(e) = state
        .app
        .may_act_on_case(&ctx.who, id, CaseAction::ChangeStatus)
        .await
    {
        return ctx.page_error(e);
    }
    let f = Pairs::parse(&body);
    let event = match status_event(&f.get("event"), &f.get("reason")) {
        Ok(event) => event,
        Err(bad) => return case_page(&state, &ctx, id, BadValue::explain(&ctx.tr(), &bad)).await,
    };
    let version = f.get("version").parse().unwrap_or(-1);
    let result = state
        .app
        .change_case_status(&ctx.who, id, event, version)
        .await;
    after(&state, &ctx, id, "status", result).await
}

/// The language a consent receipt is given in, offered on the form.
fn receipt_languages(tr: &Tr) -> Vec<Choice> {
    Language::ALL
        .iter()
        .map(|l| {
            (
                l.code().to_owned(),
                tr.t(&format!("lang-name-{}", l.code())),
            )
        })
        .collect()
}

/// The categories an emergency request may name, the usual ones (who she is, how to reach
/// her, where she is, her health) ticked.
fn emergency_categories(tr: &Tr) -> Vec<(String, String, bool)> {
    use DataCategory::{Contact, Health, Identity, Location};
    DataCategory::ALL
        .iter()
        .map(|c| {
            let usual = matches!(c, Identity | Contact | Location | Health);
            (
                c.key().to_owned(),
                tr.label("data_category", c.key()),
                usual,
            )
        })
        .collect()
}

/// What an emergency request form says.
fn emergency_request(f: &Pairs) -> NewEmergencyRequest {
    NewEmergencyRequest {
        reason: f.get("reason"),
        categories: f
            .all("categories")
            .iter()
            .filter_map(|c| c.parse::<DataCategory>().ok())
            .collect(),
        imminent: f.on("imminent"),
    }
}

fn disclosure_errors(tr: &Tr, error: &AppError) -> Option<Vec<String>> {
    match error {
        AppError::Invalid(Invalid::Disclosure(problems)) => {
            Some(problems.iter().map(|p| tr.t(p.message_id())).collect())
        }
        _ => None,
    }
}

/// Emergency access asked from the case page, by a member who does not see it all.
pub(super) async fn request_emergency(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Some(id) = ids::<CaseId>(&ctx, &id) else {
        return ctx.error(PageError::NotFound);
    };
    let new = emergency_request(&Pairs::parse(&body));
    match state.app.request_emergency(&ctx.who, id, new).await {
        Ok(_) => Redirect::to(&format!("/cases/{id}#emergency")).into_response(),
        Err(e) => match disclosure_errors(&ctx.tr(), &e) {
            Some(errors) => case_page(&state, &ctx, id, errors).await,
            None => ctx.page_error(e),
        },
    }
}

#[derive(Template)]
#[template(path = "case_emergency.html")]
struct EmergencyPage {
    shell: Shell,
    categories: Vec<(String, String, bool)>,
    reference: String,
    reason: String,
    errors: Vec<String>,
    notice: Option<String>,
}

fn emergency_page(ctx: &Ctx, f: &Pairs, errors: Vec<String>, notice: Option<String>) -> Response {
    let tr = ctx.tr();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = EmergencyPage {
        shell: ctx.shell(tr.t("emergency-title"), "cases"),
        categories: emergency_categories(&tr),
        reference: f.get("reference"),
        reason: if notice.is_some() {
            String::new()
        } else {
            f.get("reason")
        },
        errors,
        notice,
    };
    render_with(&page, status)
}

/// The form that asks for emergency access to a case one has no part in, by its reference.
pub(super) async fn emergency_form(State(state): State<AppState>, ctx: Ctx) -> Response {
    // Only someone who may ask at all sees the form.
    match state.app.may_open_case_or_refusal(&ctx.who).await {
        Ok(_) => emergency_page(&ctx, &Pairs(Vec::new()), Vec::new(), None),
        Err(e) => ctx.page_error(e),
    }
}

pub(super) async fn emergency_by_reference(
    State(state): State<AppState>,
    ctx: Ctx,
    body: Bytes,
) -> Response {
    let tr = ctx.tr();
    let f = Pairs::parse(&body);
    let asked = match state
        .app
        .case_for_emergency(&ctx.who, &f.get("reference"))
        .await
    {
        Ok(case) => {
            state
                .app
                .request_emergency(&ctx.who, case, emergency_request(&f))
                .await
        }
        Err(e) => Err(e),
    };
    match asked {
        Ok(_) => {
            let notice = if f.on("imminent") {
                tr.t("emergency-opened")
            } else {
                tr.t("emergency-requested")
            };
            emergency_page(&ctx, &f, Vec::new(), Some(notice))
        }
        Err(e) => match disclosure_errors(&tr, &e) {
            Some(errors) => emergency_page(&ctx, &f, errors, None),
            None => ctx.page_error(e),
        },
    }
}

#[derive(Template)]
#[template(path = "case_export.html")]
struct ExportPage {
    shell: Shell,
    id: String,
    reference: String,
    alias: String,
    status: String,
    typology: String,
    lead: String,
    produced: String,
    parts: Vec<Part>,
    team: Vec<MemberRow>,
    consents: Vec<ConsentRow>,
    notes: Vec<NoteRow>,
    steps: Vec<super::steps::StepGroup>,
    screenings: Vec<super::screenings::ScreeningRow>,
    documents: Vec<super::documents::DocumentRow>,
    history: Vec<crate::privacy::AccessRow>,
    register: Vec<(String, String, String, String)>,
}

/// The person's access request: everything held about them, printable, in the language
/// asked for (`?lang=`).
pub(super) async fn export_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = ids::<CaseId>(&ctx, &id) else {
        return ctx.error(PageError::NotFound);
    };
    let tr = ctx.tr();
    let export = match state.app.export_case(&ctx.who, id).await {
        Ok(export) => export,
        Err(e) => return ctx.page_error(e),
    };
    let mut names = match state.app.party_names(&export.file, ctx.lang).await {
        Ok(names) => names,
        Err(e) => return ctx.page_error(e),
    };
    names.push((Party::Coalition, tr.t("case-party-coalition")));
    let terms = match state.app.case_terms().await {
        Ok(terms) => terms,
        Err(e) => return ctx.page_error(e),
    };
    let words = Wording::new(&tr, &terms);
    let file = &export.file;
    let summary = &file.summary;
    let now = Timestamp(mosaique_app::App::now_ms());
    let page = ExportPage {
        shell: ctx.shell(
            tr.with("case-export-title", "reference", &summary.reference),
            "cases",
        ),
        id: id.to_string(),
        reference: summary.reference.clone(),
        alias: summary.alias.clone(),
        status: tr.label("case_status", summary.status.key()),
        typology: format!(
            "{} · {}",
            words.label("exploitation", summary.exploitation.key()),
            words.label("trafficking_scope", summary.scope.key())
        ),
        lead: party_name(&tr, summary.lead, &names),
        produced: now.to_rfc3339(),
        parts: parts(&tr, file, &CaseAbilities::default()),
        team: file
            .team
            .iter()
            .map(|m| MemberRow {
                id: m.user.to_string(),
                name: m.display_name.clone(),
                party: party_name(&tr, m.party, &names),
                role: tr.label("case_role", m.role.key()),
                removable: false,
            })
            .collect(),
        consents: file
            .consents
            .iter()
            .map(|c| consent_row(&tr, c, &names, now))
            .collect(),
        notes: file
            .notes
            .iter()
            .flatten()
            .map(|n| NoteRow {
                author: format!("{} — {}", n.author_name, party_name(&tr, n.party, &names)),
                written: when(&tr, n.written_at),
                sensitivity: (n.sensitivity != NoteSensitivity::Normal)
                    .then(|| tr.label("note_sensitivity", n.sensitivity.key())),
                body: n.body.clone(),
            })
            .collect(),
        // Nothing is offered for change on the person's copy.
        steps: super::steps::step_groups(&tr, file, &CaseAbilities::default()).0,
        screenings: file
            .screenings
            .iter()
            .flatten()
            .map(|s| super::screenings::screening_row(&tr, s))
            .collect(),
        documents: file
            .documents
            .iter()
            .map(|d| super::documents::document_row(&tr, id, d, &names))
            .collect(),
        history: file
            .exceptional
            .iter()
            .map(|a| crate::privacy::access_row(&tr, a))
            .collect(),
        register: export
            .disclosures
            .iter()
            .map(|d| {
                (
                    d.at.to_rfc3339(),
                    d.user_name.clone(),
                    d.organization
                        .as_ref()
                        .map(|o| o.text(tr.lang).to_owned())
                        .unwrap_or_else(|| tr.t("case-party-coalition")),
                    crate::privacy::categories_text(&tr, d.categories),
                )
            })
            .collect(),
    };
    render_with(&page, StatusCode::OK)
}

#[derive(Template)]
#[template(path = "consent_receipt.html")]
struct ReceiptPage {
    shell: Shell,
    id: String,
    reference: String,
    alias: String,
    consent: ConsentRow,
    form: String,
    received: Vec<(String, String, String, String)>,
}

/// A consent's receipt for the person, printable, in the language it was given in (the
/// case page links it with `?lang=`): what they agreed to, until when, how to withdraw, and
/// who received what under it.
pub(super) async fn consent_receipt(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, consent)): Path<(String, String)>,
) -> Response {
    let (Some(id), Some(consent)) = (ids::<CaseId>(&ctx, &id), ids::<ConsentId>(&ctx, &consent))
    else {
        return ctx.error(PageError::NotFound);
    };
    let tr = ctx.tr();
    let receipt = match state.app.consent_receipt(&ctx.who, id, consent).await {
        Ok(receipt) => receipt,
        Err(e) => return ctx.page_error(e),
    };
    let mut names = match state.app.party_names(&receipt.file, ctx.lang).await {
        Ok(names) => names,
        Err(e) => return ctx.page_error(e),
    };
    names.push((Party::Coalition, tr.t("case-party-coalition")));
    let now = Timestamp(mosaique_app::App::now_ms());
    let summary = &receipt.file.summary;
    let page = ReceiptPage {
        shell: ctx.shell(
            tr.with("receipt-title", "reference", &summary.reference),
            "cases",
        ),
        id: id.to_string(),
        reference: summary.reference.clone(),
        alias: summary.alias.clone(),
        consent: consent_row(&tr, &receipt.consent, &names, now),
        form: tr.label("consent_form", receipt.consent.form.key()),
        received: receipt
            .received
            .iter()
            .map(|(read, categories)| {
                (
                    mosaique_domain::time::local_date(
                        read.at,
                        mosaique_domain::time::DEFAULT_TIME_ZONE,
                    ),
                    read.user_name.clone(),
                    read.organization
                        .as_ref()
                        .map(|o| o.text(tr.lang).to_owned())
                        .unwrap_or_else(|| tr.t("case-party-coalition")),
                    crate::privacy::categories_text(&tr, *categories),
                )
            })
            .collect(),
    };
    render_with(&page, StatusCode::OK)
}
