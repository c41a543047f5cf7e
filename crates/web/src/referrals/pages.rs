//! The pages of needs and referrals: the case page's part (contact safety, the person's
//! situation, needs, referrals), the services matching a need with a form to refer, a
//! referral with each side's answers, the organization's intake queue, and the intake form.
//! Plain forms: no JavaScript needed.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mosaique_app::cases::CaseAbilities;
use mosaique_app::matching::{MatchProblem, MatchRequest};
use mosaique_app::{AppError, Invalid};
use mosaique_domain::case::{CaseFile, DataCategory};
use mosaique_domain::referral::situation::{
    AgeGroup, ContactSafety, Gender, HealthFacts, IdentityFacts, ImmigrationFacts,
    ImmigrationStatus, SafeChannel, SituationPart,
};
use mosaique_domain::referral::{
    DeclineReason, NeedStatus, NewIntake, NewNeed, NewReferral, NotServedReason, Outcome,
    ReferralEvent, ReferralStatus, Urgency, transition,
};
use mosaique_domain::{CaseId, NeedId, ReferralId, ServiceDomain, ServiceId, Timestamp};

use crate::AppState;
use crate::cases::form::{BadValue, vocab};
use crate::cases::pages::{Choice, after, case_page, choices};
use crate::form::Pairs;
use crate::gate::Ctx;
use crate::i18n::Tr;
use crate::shell::{PageError, Shell, render, render_with};

/// A moment as Québec's clock shows it (`YYYY-MM-DD HH:MM`).
pub(crate) fn local(at: Timestamp) -> String {
    mosaique_domain::time::local_date_time(at, mosaique_domain::time::DEFAULT_TIME_ZONE)
}

/// How the person may be contacted, in one line (`None` when nothing was said).
pub(crate) fn contact_safety_line(tr: &Tr, c: &ContactSafety) -> Option<String> {
    if c.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    if c.do_not_contact {
        parts.push(tr.t("contact-safety-do-not-contact"));
    }
    if let Some(channel) = c.channel {
        parts.push(tr.with(
            "contact-safety-channel",
            "channel",
            &tr.label("safe_channel", channel.key()),
        ));
    }
    if let Some(times) = &c.safe_times {
        parts.push(tr.with("contact-safety-times", "times", times));
    }
    if c.no_message {
        parts.push(tr.t("contact-safety-no-message"));
    }
    Some(parts.join(" · "))
}

#[derive(Debug)]
pub(crate) struct NeedRow {
    pub id: String,
    pub domain_key: String,
    pub domain: String,
    pub urgency: String,
    pub status: String,
    pub note: Option<String>,
    pub answered: Option<String>,
    pub version: i64,
    pub open: bool,
    pub unanswered: bool,
    pub writable: bool,
}

#[derive(Debug)]
pub(crate) struct ReferralRow {
    pub id: String,
    pub service: String,
    pub organization: String,
    pub status: String,
    pub urgency: String,
    pub updated: String,
    pub outcome: Option<String>,
}

/// Which parts of the situation the reader may write, with the current values.
#[derive(Debug, Default)]
pub(crate) struct SituationForm {
    pub identity: bool,
    pub health: bool,
    pub immigration: bool,
    pub contact: bool,
    pub age_group: String,
    pub gender: String,
    pub languages: String,
    pub dependants: String,
    pub substance_use: String,
    pub status: String,
    pub channel: String,
    pub safe_times: String,
    pub no_message: bool,
    pub do_not_contact: bool,
}

impl SituationForm {
    pub fn any(&self) -> bool {
        self.identity || self.health || self.immigration || self.contact
    }
}

/// The case page's part on needs and referrals.
#[derive(Debug, Default)]
pub(crate) struct CaseReferrals {
    pub contact_safety: Option<String>,
    pub do_not_contact: bool,
    /// The situation's facts the reader sees, as label and value.
    pub situation: Vec<(String, String)>,
    pub needs: Vec<NeedRow>,
    pub referrals: Vec<ReferralRow>,
    /// Domains whose needs the reader may record.
    pub need_domains: Vec<Choice>,
    pub urgencies: Vec<Choice>,
    pub may_refer: bool,
    pub form: SituationForm,
    pub age_groups: Vec<Choice>,
    pub genders: Vec<Choice>,
    pub statuses: Vec<Choice>,
    pub channels: Vec<Choice>,
}

fn yes_no(tr: &Tr, value: Option<bool>) -> Option<String> {
    value.map(|v| tr.t(if v { "answer-yes" } else { "answer-no" }))
}

fn tri(value: Option<bool>) -> String {
    match value {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    }
    .to_owned()
}

pub(crate) fn case_referrals(tr: &Tr, file: &CaseFile, may: &CaseAbilities) -> CaseReferrals {
    let s = &file.situation;
    let mut situation = Vec::new();
    let mut fact = |key: &str, value: Option<String>| {
        if let Some(value) = value {
            situation.push((tr.t(key), value));
        }
    };
    fact(
        "situation-age-group",
        s.age_group().map(|a| tr.label("age_group", a.key())),
    );
    fact(
        "situation-gender",
        s.gender().map(|g| tr.label("gender_identity", g.key())),
    );
    fact(
        "situation-languages",
        (!s.languages().is_empty()).then(|| s.languages().join(", ")),
    );
    fact(
        "situation-dependants",
        yes_no(tr, s.identity.as_ref().and_then(|i| i.dependants)),
    );
    fact("situation-substance-use", yes_no(tr, s.substance_use()));
    fact(
        "situation-immigration",
        s.immigration()
            .map(|i| tr.label("immigration_status", i.key())),
    );
    let writes = |c: DataCategory| may.write.contains(c);
    let needs = file
        .needs
        .iter()
        .map(|n| NeedRow {
            id: n.id.to_string(),
            domain_key: n.domain.key().to_owned(),
            domain: tr.label("domain", n.domain.key()),
            urgency: tr.label("urgency", n.urgency.key()),
            status: tr.label("need_status", n.status.key()),
            note: n.note.clone(),
            answered: n.answered_by.as_ref().map(|(status, name)| {
                format!(
                    "{} — {}",
                    name.get(tr.lang),
                    tr.label("referral_status", status.key())
                )
            }),
            version: n.version,
            open: n.status == NeedStatus::Open,
            unanswered: n.unanswered(),
            writable: writes(DataCategory::of_domain(n.domain)),
        })
        .collect();
    let referrals = file
        .referrals
        .iter()
        .map(|r| ReferralRow {
            id: r.id.to_string(),
            service: r.service_name.get(tr.lang).clone(),
            organization: r.to_org_name.get(tr.lang).clone(),
            status: tr.label("referral_status", r.status.key()),
            urgency: tr.label("urgency", r.urgency.key()),
            updated: local(r.updated_at),
            outcome: r.outcome.map(|o| outcome_text(tr, o)),
        })
        .collect();
    let identity = s.identity.clone().unwrap_or_default();
    let c = &file.contact_safety;
    CaseReferrals {
        contact_safety: contact_safety_line(tr, c),
        do_not_contact: c.do_not_contact,
        situation,
        needs,
        referrals,
        need_domains: ServiceDomain::ALL
            .iter()
            .filter(|d| writes(DataCategory::of_domain(**d)))
            .map(|d| (d.key().to_owned(), tr.label("domain", d.key())))
            .collect(),
        urgencies: choices(tr, "urgency", Urgency::ALL, Urgency::key),
        may_refer: may.refer,
        form: SituationForm {
            identity: writes(DataCategory::Identity),
            health: writes(DataCategory::Health),
            immigration: writes(DataCategory::Immigration),
            contact: writes(DataCategory::Contact),
            age_group: identity
                .age_group
                .map(|a| a.key().to_owned())
                .unwrap_or_default(),
            gender: identity
                .gender
                .map(|g| g.key().to_owned())
                .unwrap_or_default(),
            languages: identity.languages.join(", "),
            dependants: tri(identity.dependants),
            substance_use: tri(s.substance_use()),
            status: s
                .immigration()
                .map(|i| i.key().to_owned())
                .unwrap_or_default(),
            channel: c.channel.map(|c| c.key().to_owned()).unwrap_or_default(),
            safe_times: c.safe_times.clone().unwrap_or_default(),
            no_message: c.no_message,
            do_not_contact: c.do_not_contact,
        },
        age_groups: choices(tr, "age_group", AgeGroup::ALL, AgeGroup::key),
        genders: choices(tr, "gender_identity", Gender::ALL, Gender::key),
        statuses: choices(
            tr,
            "immigration_status",
            ImmigrationStatus::ALL,
            ImmigrationStatus::key,
        ),
        channels: choices(tr, "safe_channel", SafeChannel::ALL, SafeChannel::key),
    }
}

fn outcome_text(tr: &Tr, outcome: Outcome) -> String {
    match outcome {
        Outcome::Served => tr.label("referral_outcome", "served"),
        Outcome::NotServed(reason) => format!(
            "{} — {}",
            tr.label("referral_outcome", "not_served"),
            tr.label("not_served_reason", reason.key())
        ),
    }
}

fn optional<T: std::str::FromStr>(
    field: &'static str,
    value: &str,
    bad: &mut Vec<BadValue>,
) -> Option<T> {
    if value.trim().is_empty() {
        None
    } else {
        vocab(field, value, bad)
    }
}

fn tri_of(value: &str) -> Option<bool> {
    match value.trim() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

/// The parts of the situation a form sends (each fieldset says it is there).
fn situation_parts(f: &Pairs, bad: &mut Vec<BadValue>) -> Vec<SituationPart> {
    let parts = f.all("parts");
    let has = |p: &str| parts.iter().any(|x| x == p);
    let mut out = Vec::new();
    if has("identity") {
        out.push(SituationPart::Identity(IdentityFacts {
            age_group: optional("age_group", &f.get("age_group"), bad),
            gender: optional("gender", &f.get("gender"), bad),
            languages: f
                .get("languages")
                .split([',', ' '])
                .map(str::to_owned)
                .collect(),
            dependants: tri_of(&f.get("dependants")),
        }));
    }
    if has("health") {
        out.push(SituationPart::Health(HealthFacts {
            substance_use: tri_of(&f.get("substance_use")),
        }));
    }
    if has("immigration") {
        out.push(SituationPart::Immigration(ImmigrationFacts {
            status: optional("status", &f.get("status"), bad),
        }));
    }
    if has("contact") {
        out.push(SituationPart::ContactSafety(contact_safety_of(f, bad)));
    }
    out
}

fn contact_safety_of(f: &Pairs, bad: &mut Vec<BadValue>) -> ContactSafety {
    ContactSafety {
        channel: optional("channel", &f.get("channel"), bad),
        safe_times: Some(f.get("safe_times")),
        no_message: f.on("no_message"),
        do_not_contact: f.on("do_not_contact"),
    }
}

/// After a form of the case page: the case again, at `anchor`, or with what is wrong.
async fn back(
    state: &AppState,
    ctx: &Ctx,
    id: CaseId,
    anchor: &str,
    result: Result<(), AppError>,
) -> Response {
    match result {
        Err(AppError::Invalid(Invalid::Referral(problems))) => {
            let tr = ctx.tr();
            let errors = problems.iter().map(|p| tr.t(p.message_id())).collect();
            case_page(state, ctx, id, errors).await
        }
        result => after(state, ctx, id, anchor, result).await,
    }
}

/// The case of the path, once the policy has said whether the caller may see it: asked
/// before the form is read.
async fn case_of(state: &AppState, ctx: &Ctx, raw: &str) -> Result<CaseId, Response> {
    let id = ctx
        .id::<CaseId>(raw)
        .ok_or_else(|| ctx.error(PageError::NotFound))?;
    state
        .app
        .may_act_on_case(
            &ctx.who,
            id,
            mosaique_domain::policy::case::CaseAction::View,
        )
        .await
        .map_err(|e| ctx.page_error(e))?;
    Ok(id)
}

/// `POST /cases/{id}/situation`.
pub(crate) async fn write_situation(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let id = match case_of(&state, &ctx, &id).await {
        Ok(id) => id,
        Err(page) => return page,
    };
    let mut bad = Vec::new();
    let parts = situation_parts(&Pairs::parse(&body), &mut bad);
    if !bad.is_empty() {
        return case_page(&state, &ctx, id, BadValue::explain(&ctx.tr(), &bad)).await;
    }
    let result = state.app.write_situation(&ctx.who, id, parts).await;
    back(&state, &ctx, id, "needs", result).await
}

/// `POST /cases/{id}/needs`.
pub(crate) async fn add_need(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let id = match case_of(&state, &ctx, &id).await {
        Ok(id) => id,
        Err(page) => return page,
    };
    let f = Pairs::parse(&body);
    let mut bad = Vec::new();
    let domain = vocab::<ServiceDomain>("domain", &f.get("domain"), &mut bad);
    let urgency = vocab::<Urgency>("urgency", &f.get("urgency"), &mut bad);
    let (Some(domain), Some(urgency)) = (domain, urgency) else {
        return case_page(&state, &ctx, id, BadValue::explain(&ctx.tr(), &bad)).await;
    };
    let need = NewNeed {
        domain,
        urgency,
        note: Some(f.get("note")),
    };
    let result = state.app.add_need(&ctx.who, id, need).await.map(|_| ());
    back(&state, &ctx, id, "needs", result).await
}

/// `POST /cases/{id}/needs/{need}`: met, no longer needed, open again.
pub(crate) async fn need_status(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, need)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let id = match case_of(&state, &ctx, &id).await {
        Ok(id) => id,
        Err(page) => return page,
    };
    let Some(need) = ctx.id::<NeedId>(&need) else {
        return ctx.error(PageError::NotFound);
    };
    let f = Pairs::parse(&body);
    let mut bad = Vec::new();
    let Some(status) = vocab::<NeedStatus>("status", &f.get("status"), &mut bad) else {
        return case_page(&state, &ctx, id, BadValue::explain(&ctx.tr(), &bad)).await;
    };
    let version = f.get("version").parse().unwrap_or(-1);
    let result = state
        .app
        .set_need_status(&ctx.who, id, need, version, status)
        .await;
    back(&state, &ctx, id, "needs", result).await
}

#[derive(Debug)]
struct MatchRow {
    id: String,
    organization_id: String,
    consented: bool,
    service: String,
    organization: String,
    distance: Option<String>,
    open_now: bool,
    available: Option<u32>,
    score: u32,
    why: String,
}

#[derive(Debug)]
struct ExcludedRow {
    service: String,
    organization: String,
    why: String,
}

#[derive(Template)]
#[template(path = "matches.html")]
struct MatchesPage {
    shell: Shell,
    id: String,
    reference: String,
    alias: String,
    domains: Vec<Choice>,
    domain: String,
    place: String,
    radius: String,
    contact_safety: Option<String>,
    asks: Vec<String>,
    unknown: Option<String>,
    near: Option<String>,
    /// The open needs of the domain: what a referral from here answers.
    needs: Vec<(String, String)>,
    matches: Vec<MatchRow>,
    excluded: Vec<ExcludedRow>,
    errors: Vec<String>,
}

#[derive(Debug, serde::Deserialize)]
pub(crate) struct MatchForm {
    domain: Option<String>,
    place: Option<String>,
    radius_km: Option<String>,
}

fn requirement_words(tr: &Tr, keys: &[String]) -> Vec<String> {
    keys.iter()
        .map(|k| match k.split_once(':') {
            Some(("gender", g)) => {
                tr.with("match-asks-gender", "gender", &tr.label("svc-gender", g))
            }
            Some(("language", l)) => tr.with("match-asks-language", "language", l),
            _ => tr.t(&format!("match-asks-{}", k.replace('_', "-"))),
        })
        .collect()
}

/// `GET /cases/{id}/matches`: the services that may answer a need, and a form to refer.
pub(crate) async fn matches(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(form): Query<MatchForm>,
) -> Response {
    let tr = ctx.tr();
    let Some(id) = ctx.id::<CaseId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    let view = match state.app.case(&ctx.who, id).await {
        Ok(view) => view,
        Err(e) => return ctx.page_error(e),
    };
    let mut errors = Vec::new();
    let mut bad = Vec::new();
    let domain = form
        .domain
        .as_deref()
        .and_then(|d| optional::<ServiceDomain>("domain", d, &mut bad));
    let radius_km = match form.radius_km.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => match raw.parse::<f64>() {
            Ok(km) if km.is_finite() => Some(km),
            _ => {
                bad.push(BadValue {
                    field: "radius_km",
                    value: raw.to_owned(),
                });
                None
            }
        },
    };
    errors.extend(BadValue::explain(&tr, &bad));
    let request = MatchRequest {
        domain,
        place: form.place.clone(),
        radius_km,
    };
    let found = if errors.is_empty() {
        match state.app.matches(&ctx.who, id, request, ctx.lang).await {
            Ok(Ok(found)) => Some(found),
            Ok(Err(problem)) => {
                errors.push(tr.t(match problem {
                    MatchProblem::UnknownPlace => "match-problem-unknown-place",
                    MatchProblem::BadRadius => "match-problem-bad-radius",
                    MatchProblem::NoDomain => "match-problem-no-domain",
                }));
                None
            }
            Err(e) => return ctx.page_error(e),
        }
    } else {
        None
    };
    let json = found.as_ref().map(|f| super::api::matches_json(f, &ctx));
    let chosen = found.as_ref().map(|f| f.domain).or(domain);
    let summary = &view.file.summary;
    let page = MatchesPage {
        shell: ctx.shell(tr.t("matches-title"), "cases"),
        id: id.to_string(),
        reference: summary.reference.clone(),
        alias: summary.alias.clone(),
        domains: choices(&tr, "domain", ServiceDomain::ALL, ServiceDomain::key),
        domain: chosen.map(|d| d.key().to_owned()).unwrap_or_default(),
        place: json
            .as_ref()
            .and_then(|j| j.near.clone())
            .or(form.place)
            .unwrap_or_default(),
        radius: found
            .as_ref()
            .map(|f| f.radius_km.to_string())
            .or(form.radius_km)
            .unwrap_or_default(),
        contact_safety: contact_safety_line(&tr, &view.file.contact_safety),
        asks: json
            .as_ref()
            .map(|j| requirement_words(&tr, &j.requirements))
            .unwrap_or_default(),
        unknown: found.as_ref().filter(|f| !f.unknown.is_empty()).map(|f| {
            tr.with(
                "match-unknown",
                "categories",
                &f.unknown
                    .iter()
                    .map(|c| tr.label("data_category", c.key()))
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        }),
        near: found.as_ref().and_then(|f| {
            f.near.as_ref().map(|(name, _)| {
                tr.t_args(
                    "match-near",
                    &[
                        ("place", crate::i18n::Arg::Text(name.clone())),
                        ("km", crate::i18n::Arg::Int(f.radius_km.round() as i64)),
                    ],
                )
            })
        }),
        needs: view
            .file
            .needs
            .iter()
            .filter(|n| n.unanswered() && Some(n.domain) == chosen)
            .map(|n| {
                (
                    n.id.to_string(),
                    format!(
                        "{} — {}",
                        tr.label("domain", n.domain.key()),
                        tr.label("urgency", n.urgency.key())
                    ),
                )
            })
            .collect(),
        matches: json
            .as_ref()
            .map(|j| {
                j.matches
                    .iter()
                    .map(|m| MatchRow {
                        id: m.service_id.clone(),
                        organization_id: m.organization_id.clone(),
                        consented: m.consented,
                        service: m.service.clone(),
                        organization: m.organization.clone(),
                        distance: m
                            .distance_km
                            .map(|d| tr.with("match-distance", "km", &format!("{d:.1}"))),
                        open_now: m.open_now,
                        available: m.available,
                        score: m.score,
                        why: m.why.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        excluded: json
            .as_ref()
            .map(|j| {
                j.excluded
                    .iter()
                    .map(|e| ExcludedRow {
                        service: e.service.clone(),
                        organization: e.organization.clone(),
                        why: e.why.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        errors,
    };
    render(&page)
}

/// `POST /cases/{id}/referrals`: refers the chosen needs to a service, then shows the
/// referral.
pub(crate) async fn refer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Some(id) = ctx.id::<CaseId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    if let Err(e) = state
        .app
        .may_act_on_case(
            &ctx.who,
            id,
            mosaique_domain::policy::case::CaseAction::Refer,
        )
        .await
    {
        return ctx.page_error(e);
    }
    let f = Pairs::parse(&body);
    let Some(service) = f.get("service_id").parse::<ServiceId>().ok() else {
        return ctx.error(PageError::BadRequest(ctx.tr().t("error-unreadable-form")));
    };
    let new = NewReferral {
        service,
        needs: f
            .all("needs")
            .iter()
            .filter_map(|n| n.parse().ok())
            .collect(),
        to_user: None,
        send: f.get("send") != "draft",
    };
    match state
        .app
        .refer_to_worker(&ctx.who, id, new, &f.get("to_email"))
        .await
    {
        Ok(referral) => Redirect::to(&format!("/referrals/{referral}")).into_response(),
        result => back(&state, &ctx, id, "needs", result.map(|_| ())).await,
    }
}

#[derive(Debug)]
struct EntryRow {
    at: String,
    by: String,
    to: String,
    reason: Option<String>,
    note: Option<String>,
}

#[derive(Template)]
#[template(path = "referral.html")]
struct ReferralPage {
    shell: Shell,
    id: String,
    case_id: String,
    reference: String,
    alias: String,
    service: String,
    organization: String,
    to_user: Option<String>,
    sent_by: String,
    status: String,
    urgency: String,
    expires: Option<String>,
    outcome: Option<String>,
    decline_reason: Option<String>,
    contact_safety: Option<String>,
    do_not_contact: bool,
    needs: Vec<(String, Option<String>)>,
    history: Vec<EntryRow>,
    version: i64,
    /// The moves the reader may make now, as (event, label).
    moves: Vec<Choice>,
    declines: Vec<Choice>,
    not_served: Vec<Choice>,
    errors: Vec<String>,
}

async fn referral_page(
    state: &AppState,
    ctx: &Ctx,
    id: ReferralId,
    errors: Vec<String>,
) -> Response {
    let tr = ctx.tr();
    let view = match state.app.referral(&ctx.who, id).await {
        Ok(view) => view,
        Err(e) => return ctx.page_error(e),
    };
    let r = &view.referral;
    let probe = [
        ("send", ReferralEvent::Send, view.may_steer),
        ("accept", ReferralEvent::Accept, view.may_answer),
        (
            "decline",
            ReferralEvent::Decline(DeclineReason::Other),
            view.may_answer,
        ),
        ("start", ReferralEvent::Start, view.may_answer),
        (
            "complete",
            ReferralEvent::Complete(Outcome::Served),
            view.may_answer,
        ),
        ("cancel", ReferralEvent::Cancel, view.may_steer),
    ];
    let moves = probe
        .into_iter()
        .filter(|(_, event, may)| *may && transition(r.status, *event).is_ok())
        .map(|(key, _, _)| (key.to_owned(), tr.t(&format!("referral-move-{key}"))))
        .collect();
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = ReferralPage {
        shell: ctx.shell(tr.t("referral-title"), "referrals"),
        id: id.to_string(),
        case_id: r.case.to_string(),
        reference: r.case_reference.clone(),
        alias: r.case_alias.clone(),
        service: r.service_name.get(ctx.lang).clone(),
        organization: r.to_org_name.get(ctx.lang).clone(),
        to_user: r.to_user.as_ref().map(|(_, name)| name.clone()),
        sent_by: r.sent_by_name.clone(),
        status: tr.label("referral_status", r.status.key()),
        urgency: tr.label("urgency", r.urgency.key()),
        expires: r.expires_at.filter(|_| r.status.awaits_answer()).map(local),
        outcome: r.outcome.map(|o| outcome_text(&tr, o)),
        decline_reason: r
            .decline_reason
            .map(|d| tr.label("decline_reason", d.key())),
        contact_safety: contact_safety_line(&tr, &r.contact_safety),
        do_not_contact: r.contact_safety.do_not_contact,
        needs: r
            .needs
            .iter()
            .map(|n| {
                (
                    format!(
                        "{} — {}",
                        tr.label("domain", n.domain.key()),
                        tr.label("urgency", n.urgency.key())
                    ),
                    n.note.clone(),
                )
            })
            .collect(),
        history: r
            .history
            .iter()
            .map(|e| EntryRow {
                at: local(e.at),
                by: e
                    .by_name
                    .clone()
                    .unwrap_or_else(|| tr.t("referral-by-clock")),
                to: tr.label("referral_status", e.to.key()),
                reason: e.reason.as_deref().map(|key| reason_label(&tr, e.to, key)),
                note: e.note.clone(),
            })
            .collect(),
        version: r.version,
        moves,
        declines: choices(
            &tr,
            "decline_reason",
            DeclineReason::ALL,
            DeclineReason::key,
        ),
        not_served: choices(
            &tr,
            "not_served_reason",
            NotServedReason::ALL,
            NotServedReason::key,
        ),
        errors,
    };
    render_with(&page, status)
}

/// A move's stored reason, in words: a decline's reason, or a completion's outcome or
/// not-served reason.
fn reason_label(tr: &Tr, to: ReferralStatus, key: &str) -> String {
    match (to, key) {
        (ReferralStatus::Declined, _) => tr.label("decline_reason", key),
        (_, "served") => tr.label("referral_outcome", key),
        _ => tr.label("not_served_reason", key),
    }
}

/// `GET /referrals/{id}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = ctx.id::<ReferralId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    referral_page(&state, &ctx, id, Vec::new()).await
}

/// `POST /referrals/{id}/move`: one side's move, from the version the page showed.
pub(crate) async fn move_referral(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let tr = ctx.tr();
    let Some(id) = ctx.id::<ReferralId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    if let Err(e) = state.app.may_see_referral(&ctx.who, id).await {
        return ctx.page_error(e);
    }
    let f = Pairs::parse(&body);
    let mut bad = Vec::new();
    let event = match f.get("event").as_str() {
        "send" => Some(ReferralEvent::Send),
        "accept" => Some(ReferralEvent::Accept),
        "start" => Some(ReferralEvent::Start),
        "cancel" => Some(ReferralEvent::Cancel),
        "decline" => {
            vocab::<DeclineReason>("reason", &f.get("reason"), &mut bad).map(ReferralEvent::Decline)
        }
        "complete" => match f.get("outcome").as_str() {
            "served" => Some(ReferralEvent::Complete(Outcome::Served)),
            _ => {
                vocab::<NotServedReason>("not_served_reason", &f.get("not_served_reason"), &mut bad)
                    .map(|r| ReferralEvent::Complete(Outcome::NotServed(r)))
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
    let Some(event) = event else {
        return referral_page(&state, &ctx, id, BadValue::explain(&tr, &bad)).await;
    };
    let version = f.get("version").parse().unwrap_or(-1);
    match state
        .app
        .move_referral(&ctx.who, id, event, version, Some(f.get("note")))
        .await
    {
        Ok(()) => Redirect::to(&format!("/referrals/{id}")).into_response(),
        Err(AppError::Invalid(Invalid::Referral(problems))) => {
            let errors = problems.iter().map(|p| tr.t(p.message_id())).collect();
            referral_page(&state, &ctx, id, errors).await
        }
        Err(AppError::Conflict(conflict)) => {
            let errors = vec![crate::gate::conflict_text(&tr, conflict)];
            referral_page(&state, &ctx, id, errors).await
        }
        Err(e) => ctx.page_error(e),
    }
}

#[derive(Debug)]
struct QueueRow {
    id: String,
    reference: String,
    alias: String,
    service: String,
    status: String,
    urgency: String,
    live: bool,
    sent: String,
    expires: Option<String>,
}

#[derive(Template)]
#[template(path = "referrals.html")]
struct QueuePage {
    shell: Shell,
    rows: Vec<QueueRow>,
}

/// `GET /referrals`: the organization's intake queue.
pub(crate) async fn queue(State(state): State<AppState>, ctx: Ctx) -> Response {
    let tr = ctx.tr();
    let queue = match state.app.intake_queue(&ctx.who).await {
        Ok(queue) => queue,
        Err(e) => return ctx.page_error(e),
    };
    let rows = queue
        .iter()
        .map(|r| QueueRow {
            id: r.id.to_string(),
            reference: r.case_reference.clone(),
            alias: r.case_alias.clone(),
            service: r.service_name.get(ctx.lang).clone(),
            status: tr.label("referral_status", r.status.key()),
            urgency: tr.label("urgency", r.urgency.key()),
            live: r.status.is_live(),
            sent: local(r.created_at),
            expires: r.expires_at.filter(|_| r.status.awaits_answer()).map(local),
        })
        .collect();
    render(&QueuePage {
        shell: ctx.shell(tr.t("queue-title"), "referrals"),
        rows,
    })
}

#[derive(Template)]
#[template(path = "intake.html")]
struct IntakePage {
    shell: Shell,
    domains: Vec<Choice>,
    urgencies: Vec<Choice>,
    age_groups: Vec<Choice>,
    genders: Vec<Choice>,
    statuses: Vec<Choice>,
    channels: Vec<Choice>,
    single_entry: bool,
    errors: Vec<String>,
}

async fn intake_page(state: &AppState, ctx: &Ctx, errors: Vec<String>) -> Response {
    let tr = ctx.tr();
    let model = match state.app.entry_model().await {
        Ok(model) => model,
        Err(e) => return ctx.page_error(e),
    };
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    render_with(
        &IntakePage {
            shell: ctx.shell(tr.t("intake-title"), "cases"),
            domains: choices(&tr, "domain", ServiceDomain::ALL, ServiceDomain::key),
            urgencies: choices(&tr, "urgency", Urgency::ALL, Urgency::key),
            age_groups: choices(&tr, "age_group", AgeGroup::ALL, AgeGroup::key),
            genders: choices(&tr, "gender_identity", Gender::ALL, Gender::key),
            statuses: choices(
                &tr,
                "immigration_status",
                ImmigrationStatus::ALL,
                ImmigrationStatus::key,
            ),
            channels: choices(&tr, "safe_channel", SafeChannel::ALL, SafeChannel::key),
            single_entry: model == mosaique_domain::referral::EntryModel::Single,
            errors,
        },
        status,
    )
}

/// `GET /intake`: the first-contact form.
pub(crate) async fn intake_form(State(state): State<AppState>, ctx: Ctx) -> Response {
    if let Err(e) = state.app.may_take_intake(&ctx.who).await {
        return ctx.page_error(e);
    }
    intake_page(&state, &ctx, Vec::new()).await
}

/// `POST /intake`: opens the case, then shows it.
pub(crate) async fn take_intake(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> Response {
    let tr = ctx.tr();
    if let Err(e) = state.app.may_take_intake(&ctx.who).await {
        return ctx.page_error(e);
    }
    let f = Pairs::parse(&body);
    let mut bad = Vec::new();
    let urgency = vocab::<Urgency>("urgency", &f.get("urgency"), &mut bad);
    let needs: Vec<NewNeed> = f
        .all("domains")
        .iter()
        .filter_map(|d| vocab::<ServiceDomain>("domains", d, &mut bad))
        .filter_map(|domain| {
            urgency.map(|urgency| NewNeed {
                domain,
                urgency,
                note: Some(f.get("note")),
            })
        })
        .collect();
    let identity = IdentityFacts {
        age_group: optional("age_group", &f.get("age_group"), &mut bad),
        gender: optional("gender", &f.get("gender"), &mut bad),
        languages: f
            .get("languages")
            .split([',', ' '])
            .map(str::to_owned)
            .collect(),
        dependants: tri_of(&f.get("dependants")),
    };
    let immigration = ImmigrationFacts {
        status: optional("status", &f.get("status"), &mut bad),
    };
    let contact_safety = contact_safety_of(&f, &mut bad);
    if !bad.is_empty() {
        return intake_page(&state, &ctx, BadValue::explain(&tr, &bad)).await;
    }
    let city = f.get("city");
    let intake = NewIntake {
        alias: Some(f.get("alias")),
        needs,
        city: (!city.trim().is_empty()).then_some(city),
        unsafe_now: f.on("unsafe_now"),
        identity,
        health: HealthFacts {
            substance_use: tri_of(&f.get("substance_use")),
        },
        immigration,
        contact_safety,
    };
    match state.app.take_intake(&ctx.who, intake).await {
        Ok((id, _)) => Redirect::to(&format!("/cases/{id}#needs")).into_response(),
        Err(AppError::Invalid(Invalid::Referral(problems))) => {
            let errors = problems.iter().map(|p| tr.t(p.message_id())).collect();
            intake_page(&state, &ctx, errors).await
        }
        Err(AppError::Invalid(Invalid::Case(problems))) => {
            let errors = problems.iter().map(|p| tr.t(p.message_id())).collect();
            intake_page(&state, &ctx, errors).await
        }
        Err(e) => ctx.page_error(e),
    }
}

/// `POST /cases/{id}/transfer`: hands the case over, then shows it (to the previous lead,
/// as consent now lets them see it).
pub(crate) async fn transfer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Some(id) = ctx.id::<CaseId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    if let Err(e) = state
        .app
        .may_act_on_case(
            &ctx.who,
            id,
            mosaique_domain::policy::case::CaseAction::TransferLead,
        )
        .await
    {
        return ctx.page_error(e);
    }
    let f = Pairs::parse(&body);
    let version = f.get("version").parse().unwrap_or(-1);
    let result = state
        .app
        .transfer_case(&ctx.who, id, &f.get("email"), version)
        .await;
    back(&state, &ctx, id, "team", result).await
}
