//! The coalition's trainings: the page of its programs, trainers and sessions with the forms
//! that record them, the cascade page (who trained whom, with counts per level, region and
//! sector), and the same over JSON.

use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mosaique_app::trainings::{CascadeView, TrainingsView};
use mosaique_domain::coalition::training::{
    Evaluation, NewProgram, NewSession, NewTrainer, Program, Session, Trainer,
};
use mosaique_domain::directory::places::gazetteer;
use mosaique_domain::{Language, OrgId, TrainerId, TrainingProgramId, TrainingSessionId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::api::{not_found, problem};
use super::{name_in, problems};
use crate::AppState;
use crate::api::ApiJson;
use crate::cases::api::unprocessable;
use crate::cases::form::{BadValue, vocab};
use crate::form::Pairs;
use crate::gate::Ctx;
use crate::i18n::{Arg, Tr};
use crate::problem::{Problem, ProblemBody};
use crate::shell::{PageError, Shell, render, render_with};

/// Sessions shown on the page, the most recent first (the API gives them all).
const SESSIONS_SHOWN: usize = 100;

fn flag(bad: &mut Vec<BadValue>, field: &'static str, value: &str) {
    bad.push(BadValue {
        field,
        value: value.to_owned(),
    });
}

/// An optional value: blank is none.
fn optional<T: std::str::FromStr>(
    bad: &mut Vec<BadValue>,
    field: &'static str,
    value: &str,
) -> Option<T> {
    if value.trim().is_empty() {
        None
    } else {
        vocab(field, value, bad)
    }
}

/// A decimal written the French or the English way ("3,5" or "3.5").
fn decimal(value: &str) -> Option<f64> {
    value
        .trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

/// Hours as minutes, rounded to the minute (zero or negative is left to the domain's check).
fn minutes(hours: f64) -> Option<u32> {
    let minutes = (hours * 60.0).round();
    (0.0..=f64::from(u32::MAX))
        .contains(&minutes)
        .then_some(minutes as u32)
}

/// A session as text, from a form or a JSON body.
struct SessionText {
    program: String,
    held_on: String,
    hours: String,
    region: String,
    place: String,
    online: bool,
    lead: String,
    co_trainers: Vec<String>,
    /// (organization id, people)
    participants: Vec<(String, String)>,
    evaluations: String,
    average: String,
    note: String,
}

impl SessionText {
    fn to_new(&self) -> Result<NewSession, Vec<BadValue>> {
        let mut bad = Vec::new();
        let program = vocab::<TrainingProgramId>("program_id", &self.program, &mut bad);
        let held_on = vocab("held_on", &self.held_on, &mut bad);
        let minutes = decimal(&self.hours).and_then(minutes);
        if minutes.is_none() {
            flag(&mut bad, "hours", &self.hours);
        }
        let lead = vocab::<TrainerId>("lead_trainer_id", &self.lead, &mut bad);
        let co_trainers: Vec<TrainerId> = self
            .co_trainers
            .iter()
            .filter(|t| !t.trim().is_empty())
            .filter_map(|t| vocab("co_trainer_ids", t, &mut bad))
            .collect();
        let mut participants = Vec::new();
        for (org, people) in &self.participants {
            if people.trim().is_empty() || people.trim() == "0" {
                continue;
            }
            let org = vocab::<OrgId>("organization_id", org, &mut bad);
            let people = vocab::<u32>("people", people, &mut bad);
            if let (Some(org), Some(people)) = (org, people) {
                participants.push((org, people));
            }
        }
        let responses = optional::<u32>(&mut bad, "evaluations", &self.evaluations);
        let average = if self.average.trim().is_empty() {
            None
        } else {
            let tenths = decimal(&self.average)
                .map(|a| (a * 10.0).round())
                .filter(|t| (0.0..=f64::from(u16::MAX)).contains(t))
                .map(|t| t as u16);
            if tenths.is_none() {
                flag(&mut bad, "average", &self.average);
            }
            tenths
        };
        let evaluation = match (responses, average) {
            (Some(responses), Some(score_tenths)) => Some(Evaluation {
                responses,
                score_tenths,
            }),
            (None, None) => None,
            (Some(_), None) => {
                flag(&mut bad, "average", "");
                None
            }
            (None, Some(_)) => {
                flag(&mut bad, "evaluations", "");
                None
            }
        };
        let region = Some(self.region.trim().to_owned()).filter(|r| !r.is_empty());
        match (program, held_on, minutes, lead) {
            (Some(program), Some(held_on), Some(minutes), Some(lead)) if bad.is_empty() => {
                Ok(NewSession {
                    program,
                    held_on,
                    minutes,
                    region,
                    place: self.place.clone(),
                    online: self.online,
                    lead,
                    co_trainers,
                    participants,
                    evaluation,
                    note: self.note.clone(),
                })
            }
            _ => Err(bad),
        }
    }
}

/// A trainer as text, from a form or a JSON body.
struct TrainerText {
    name: String,
    organization: String,
    certified_on: String,
    valid_until: String,
    certified_in: String,
}

impl TrainerText {
    fn to_new(&self) -> Result<NewTrainer, Vec<BadValue>> {
        let mut bad = Vec::new();
        let organization = optional(&mut bad, "organization_id", &self.organization);
        let certified_on = vocab("certified_on", &self.certified_on, &mut bad);
        let valid_until = optional(&mut bad, "valid_until", &self.valid_until);
        let certified_in = optional(&mut bad, "certified_in", &self.certified_in);
        match certified_on {
            Some(certified_on) if bad.is_empty() => Ok(NewTrainer {
                name: self.name.clone(),
                organization,
                certified_on,
                valid_until,
                certified_in,
            }),
            _ => Err(bad),
        }
    }
}

fn region_name(code: Option<&str>, tr: &Tr, lang: Language) -> String {
    match code {
        Some(code) => gazetteer()
            .region(code)
            .map(|r| r.name(lang).to_owned())
            .unwrap_or_else(|| code.to_owned()),
        None => tr.t("training-region-none"),
    }
}

fn org_name(view: &TrainingsView, org: OrgId, lang: Language) -> String {
    view.organizations
        .get(&org)
        .map(|f| name_in(&f.name, lang))
        .unwrap_or_else(|| org.to_string())
}

fn trainer_name(trainers: &[Trainer], id: TrainerId) -> String {
    trainers
        .iter()
        .find(|t| t.id == id)
        .map(|t| t.name.clone())
        .unwrap_or_default()
}

/// Hours to one decimal, written the reader's way ("2,5" in French).
fn hours(minutes: u32, lang: Language) -> String {
    if minutes.is_multiple_of(60) {
        return format!("{}", minutes / 60);
    }
    let text = format!("{:.1}", f64::from(minutes) / 60.0);
    match lang {
        Language::Fr => text.replace('.', ","),
        Language::En => text,
    }
}

fn average(tenths: u16, lang: Language) -> String {
    let text = format!("{}.{}", tenths / 10, tenths % 10);
    match lang {
        Language::Fr => text.replace('.', ","),
        Language::En => text,
    }
}

struct ProgramRow {
    title: String,
    description: String,
    trains_trainers: bool,
}

struct TrainerRow {
    id: String,
    name: String,
    /// The last day as a form's value (`YYYY-MM-DD`, or empty for no end).
    valid_until_value: String,
    organization: String,
    certified_on: String,
    valid_until: String,
    certified: bool,
    trained_by: String,
}

struct SessionRow {
    held_on: String,
    program: String,
    lead: String,
    hours: String,
    region: String,
    people: u64,
    organizations: String,
    evaluation: String,
}

struct Choice {
    value: String,
    label: String,
}

#[derive(Template)]
#[template(path = "coalition_trainings.html")]
struct TrainingsPage {
    shell: Shell,
    id: String,
    coalition: String,
    programs: Vec<ProgramRow>,
    trainers: Vec<TrainerRow>,
    sessions: Vec<SessionRow>,
    /// "The 100 most recent of 5,000 sessions."
    sessions_shown: String,
    may_run: bool,
    may_record: bool,
    program_choices: Vec<Choice>,
    lead_choices: Vec<Choice>,
    co_trainer_choices: Vec<Choice>,
    member_choices: Vec<Choice>,
    region_choices: Vec<Choice>,
    certifying_choices: Vec<Choice>,
    today: String,
    errors: Vec<String>,
}

fn trained_by(view: &TrainingsView, t: &Trainer) -> Option<String> {
    let session = view
        .sessions
        .iter()
        .find(|s| Some(s.id) == t.certified_in)?;
    Some(trainer_name(&view.trainers, session.lead))
}

fn session_row(view: &TrainingsView, s: &Session, tr: &Tr, lang: Language) -> SessionRow {
    SessionRow {
        held_on: s.held_on.to_string(),
        program: view
            .program(s.program)
            .map(|p| p.title.clone())
            .unwrap_or_default(),
        lead: trainer_name(&view.trainers, s.lead),
        hours: hours(s.minutes, lang),
        region: if s.online {
            tr.t("training-online")
        } else {
            region_name(s.region.as_deref(), tr, lang)
        },
        people: s.people(),
        organizations: s
            .participants
            .iter()
            .map(|(org, n)| format!("{} ({n})", org_name(view, *org, lang)))
            .collect::<Vec<_>>()
            .join(", "),
        evaluation: s
            .evaluation
            .map(|e| {
                tr.t_args(
                    "training-evaluation-summary",
                    &[
                        ("average", Arg::Text(average(e.score_tenths, lang))),
                        ("responses", Arg::Int(i64::from(e.responses))),
                    ],
                )
            })
            .unwrap_or_else(|| "—".to_owned()),
    }
}

async fn trainings_page(state: &AppState, ctx: &Ctx, id: OrgId, errors: Vec<String>) -> Response {
    let tr = ctx.tr();
    let lang = ctx.lang;
    let view = match state.app.trainings(&ctx.who, id).await {
        Ok(view) => view,
        Err(e) => return ctx.page_error(e),
    };
    let status = super::form_status(&errors);
    let coalition = name_in(&view.coalition.name, lang);
    let trainer_choice = |t: &Trainer| Choice {
        value: t.id.to_string(),
        label: match &t.organization {
            Some((_, name)) => format!("{} — {}", t.name, name_in(name, lang)),
            None => format!("{} — {}", t.name, coalition),
        },
    };
    render_with(
        &TrainingsPage {
            shell: ctx.shell(
                tr.with("trainings-title", "coalition", &coalition),
                "coalitions",
            ),
            id: id.to_string(),
            programs: view
                .programs
                .iter()
                .map(|p| ProgramRow {
                    title: p.title.clone(),
                    description: p.description.clone(),
                    trains_trainers: p.trains_trainers,
                })
                .collect(),
            trainers: view
                .trainers
                .iter()
                .map(|t| TrainerRow {
                    id: t.id.to_string(),
                    name: t.name.clone(),
                    valid_until_value: t.valid_until.map(|d| d.to_string()).unwrap_or_default(),
                    organization: t
                        .organization
                        .as_ref()
                        .map(|(_, n)| name_in(n, lang))
                        .unwrap_or_else(|| coalition.clone()),
                    certified_on: t.certified_on.to_string(),
                    valid_until: t
                        .valid_until
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "—".to_owned()),
                    certified: t.certified(view.today),
                    trained_by: trained_by(&view, t).unwrap_or_else(|| "—".to_owned()),
                })
                .collect(),
            sessions: view
                .sessions
                .iter()
                .take(SESSIONS_SHOWN)
                .map(|s| session_row(&view, s, &tr, lang))
                .collect(),
            sessions_shown: tr.t_args(
                "trainings-sessions-shown",
                &[
                    (
                        "shown",
                        Arg::Int(view.sessions.len().min(SESSIONS_SHOWN) as i64),
                    ),
                    ("total", Arg::Int(view.sessions.len() as i64)),
                ],
            ),
            may_run: view.may_run,
            may_record: !view.may_record_for.is_empty() && !view.programs.is_empty(),
            program_choices: view
                .programs
                .iter()
                .map(|p| Choice {
                    value: p.id.to_string(),
                    label: p.title.clone(),
                })
                .collect(),
            lead_choices: view
                .trainers
                .iter()
                .filter(|t| view.may_record_for.contains(&t.id) && t.certified(view.today))
                .map(trainer_choice)
                .collect(),
            co_trainer_choices: view.trainers.iter().map(trainer_choice).collect(),
            member_choices: view
                .members
                .iter()
                .map(|m| Choice {
                    value: m.member.to_string(),
                    label: name_in(&m.member_name, lang),
                })
                .collect(),
            region_choices: gazetteer()
                .regions()
                .iter()
                .map(|r| Choice {
                    value: r.code.clone(),
                    label: format!("{} ({})", r.name(lang), r.code),
                })
                .collect(),
            certifying_choices: view
                .sessions
                .iter()
                .filter(|s| view.program(s.program).is_some_and(|p| p.trains_trainers))
                .take(SESSIONS_SHOWN)
                .map(|s| Choice {
                    value: s.id.to_string(),
                    label: format!(
                        "{} — {} — {}",
                        s.held_on,
                        view.program(s.program)
                            .map(|p| p.title.as_str())
                            .unwrap_or(""),
                        trainer_name(&view.trainers, s.lead)
                    ),
                })
                .collect(),
            today: view.today.to_string(),
            coalition,
            errors,
        },
        status,
    )
}

/// `GET /coalitions/{id}/trainings`.
pub(crate) async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    match ctx.id::<OrgId>(&id) {
        Some(id) => trainings_page(&state, &ctx, id, Vec::new()).await,
        None => ctx.error(PageError::NotFound),
    }
}

/// After a record: the trainings page again, or its errors.
async fn recorded<T>(
    state: &AppState,
    ctx: &Ctx,
    id: OrgId,
    result: Result<T, mosaique_app::AppError>,
    anchor: &str,
) -> Response {
    match result {
        Ok(_) => Redirect::to(&format!("/coalitions/{id}/trainings#{anchor}")).into_response(),
        Err(e) => match problems(&ctx.tr(), &e) {
            Some(errors) => trainings_page(state, ctx, id, errors).await,
            None => ctx.page_error(e),
        },
    }
}

/// `POST /coalitions/{id}/trainings`: a session given.
pub(crate) async fn record_session(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Some(id) = ctx.id::<OrgId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    if let Err(e) = state.app.may_record_training(&ctx.who, id).await {
        return ctx.page_error(e);
    }
    let f = Pairs::parse(&body);
    let participants =
        f.0.iter()
            .filter_map(|(k, v)| {
                k.strip_prefix("people-")
                    .map(|org| (org.to_owned(), v.trim().to_owned()))
            })
            .collect();
    let text = SessionText {
        program: f.get("program_id"),
        held_on: f.get("held_on"),
        hours: f.get("hours"),
        region: f.get("region"),
        place: f.get("place"),
        online: f.on("online"),
        lead: f.get("lead_trainer_id"),
        co_trainers: f.all("co_trainer_ids"),
        participants,
        evaluations: f.get("evaluations"),
        average: f.get("average"),
        note: f.get("note"),
    };
    let new = match text.to_new() {
        Ok(new) => new,
        Err(bad) => {
            return trainings_page(&state, &ctx, id, BadValue::explain(&ctx.tr(), &bad)).await;
        }
    };
    let result = state.app.record_training_session(&ctx.who, id, new).await;
    recorded(&state, &ctx, id, result, "sessions").await
}

/// `POST /coalitions/{id}/trainings/programs`.
pub(crate) async fn record_program(
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
    let new = NewProgram {
        title: f.get("title"),
        description: f.get("description"),
        trains_trainers: f.on("trains_trainers"),
    };
    let result = state.app.record_program(&ctx.who, id, new).await;
    recorded(&state, &ctx, id, result, "programs").await
}

/// `POST /coalitions/{id}/trainings/trainers`.
pub(crate) async fn certify(
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
    let text = TrainerText {
        name: f.get("name"),
        organization: f.get("organization_id"),
        certified_on: f.get("certified_on"),
        valid_until: f.get("valid_until"),
        certified_in: f.get("certified_in"),
    };
    let new = match text.to_new() {
        Ok(new) => new,
        Err(bad) => {
            return trainings_page(&state, &ctx, id, BadValue::explain(&ctx.tr(), &bad)).await;
        }
    };
    let result = state.app.certify_trainer(&ctx.who, id, new).await;
    recorded(&state, &ctx, id, result, "trainers").await
}

/// `POST /trainers/{trainer}/renew`: a new last day for a certification (blank: no end).
pub(crate) async fn renew(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Some(id) = ctx.id::<TrainerId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    let coalition = match state.app.may_renew_trainer(&ctx.who, id).await {
        Ok(coalition) => coalition,
        Err(e) => return ctx.page_error(e),
    };
    let f = Pairs::parse(&body);
    let mut bad = Vec::new();
    let valid_until = optional(&mut bad, "valid_until", &f.get("valid_until"));
    if !bad.is_empty() {
        return trainings_page(&state, &ctx, coalition, BadValue::explain(&ctx.tr(), &bad)).await;
    }
    match state.app.renew_trainer(&ctx.who, id, valid_until).await {
        Ok(()) => {
            Redirect::to(&format!("/coalitions/{coalition}/trainings#trainers")).into_response()
        }
        Err(e) => match problems(&ctx.tr(), &e) {
            Some(errors) => trainings_page(&state, &ctx, coalition, errors).await,
            None => ctx.page_error(e),
        },
    }
}

struct NodeRow {
    /// Closing and opening list tags before this item: fixed markup only.
    before: String,
    name: String,
    organization: String,
    /// "Level 2 · 3 sessions · 41 people trained · 1 trainer certified"
    detail: String,
}

struct TotalRow {
    label: String,
    trainers: usize,
    sessions: usize,
    people: u64,
}

#[derive(Template)]
#[template(path = "coalition_cascade.html")]
struct CascadePage {
    shell: Shell,
    id: String,
    coalition: String,
    nodes: Vec<NodeRow>,
    /// Tags that close the tree after its last item.
    after: String,
    levels: Vec<TotalRow>,
    regions: Vec<TotalRow>,
    sectors: Vec<TotalRow>,
    summary: String,
}

/// The cascade as nested lists: the tags to write before each item, and after the last.
fn tree_tags(levels: &[usize]) -> (Vec<String>, String) {
    let mut before = Vec::with_capacity(levels.len());
    let mut previous = 0;
    for &level in levels {
        let mut tags = String::new();
        if level > previous {
            for _ in previous..level {
                tags.push_str("<ul>");
            }
        } else {
            tags.push_str("</li>");
            for _ in level..previous {
                tags.push_str("</ul></li>");
            }
        }
        before.push(tags);
        previous = level;
    }
    let mut after = String::new();
    if previous > 0 {
        after.push_str("</li>");
        for _ in 1..previous {
            after.push_str("</ul></li>");
        }
        after.push_str("</ul>");
    }
    (before, after)
}

/// `GET /coalitions/{id}/trainings/cascade`.
pub(crate) async fn cascade_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = ctx.id::<OrgId>(&id) else {
        return ctx.error(PageError::NotFound);
    };
    let tr = ctx.tr();
    let lang = ctx.lang;
    let view: CascadeView = match state.app.training_cascade(&ctx.who, id).await {
        Ok(view) => view,
        Err(e) => return ctx.page_error(e),
    };
    let coalition = name_in(&view.coalition.name, lang);
    let c = &view.cascade;
    let (before, after) = tree_tags(&c.nodes.iter().map(|n| n.level).collect::<Vec<_>>());
    let nodes = c
        .nodes
        .iter()
        .zip(before)
        .map(|(n, before)| {
            let trainer = view.trainer(n.trainer);
            NodeRow {
                before,
                name: trainer.map(|t| t.name.clone()).unwrap_or_default(),
                organization: trainer
                    .and_then(|t| t.organization.as_ref())
                    .map(|(_, name)| name_in(name, lang))
                    .unwrap_or_else(|| coalition.clone()),
                detail: tr.t_args(
                    "cascade-node",
                    &[
                        ("level", Arg::Int(n.level as i64)),
                        ("sessions", Arg::Int(n.sessions as i64)),
                        ("people", Arg::Int(n.people as i64)),
                        ("certified", Arg::Int(n.certified as i64)),
                    ],
                ),
            }
        })
        .collect();
    render(&CascadePage {
        shell: ctx.shell(
            tr.with("cascade-title", "coalition", &coalition),
            "coalitions",
        ),
        id: id.to_string(),
        nodes,
        after,
        levels: c
            .levels
            .iter()
            .map(|l| TotalRow {
                label: tr.t_args("cascade-level", &[("level", Arg::Int(l.level as i64))]),
                trainers: l.trainers,
                sessions: l.sessions,
                people: l.people,
            })
            .collect(),
        regions: c
            .regions
            .iter()
            .map(|r| TotalRow {
                label: region_name(r.region.as_deref(), &tr, lang),
                trainers: 0,
                sessions: r.sessions,
                people: r.people,
            })
            .collect(),
        sectors: c
            .sectors
            .iter()
            .map(|s| TotalRow {
                label: match s.sector {
                    Some(sector) => tr.t(&format!("sector-{}", sector.key())),
                    None => tr.t("cascade-sector-unknown"),
                },
                trainers: 0,
                sessions: 0,
                people: s.people,
            })
            .collect(),
        summary: tr.t_args(
            "cascade-summary",
            &[
                ("trainers", Arg::Int(c.nodes.len() as i64)),
                ("sessions", Arg::Int(c.sessions as i64)),
                ("people", Arg::Int(c.people as i64)),
            ],
        ),
        coalition,
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TrainingProgramJson {
    pub id: String,
    pub title: String,
    pub description: String,
    /// A train-the-trainer program: its sessions certify trainers.
    pub trains_trainers: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TrainerJson {
    pub id: String,
    pub name: String,
    /// Absent for the coalition's own trainers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// `YYYY-MM-DD`.
    pub certified_on: String,
    /// `YYYY-MM-DD`, the certification's last day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    /// Certified today.
    pub certified: bool,
    /// The train-the-trainer session that certified them (its lead trainer trained them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certified_in: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ParticipantsJson {
    pub organization_id: String,
    pub people: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SessionEvaluationJson {
    /// Evaluation forms returned.
    pub responses: u32,
    /// Average satisfaction, 1 to 5.
    pub average: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TrainingSessionJson {
    pub id: String,
    pub coalition_id: String,
    pub program_id: String,
    /// `YYYY-MM-DD`.
    pub held_on: String,
    pub hours: f64,
    /// Québec administrative region (two digits); absent online or outside Québec.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub place: String,
    pub online: bool,
    pub lead_trainer_id: String,
    pub co_trainer_ids: Vec<String>,
    pub participants: Vec<ParticipantsJson>,
    /// People trained.
    pub people: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluation: Option<SessionEvaluationJson>,
    pub note: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TrainingsJson {
    pub programs: Vec<TrainingProgramJson>,
    pub trainers: Vec<TrainerJson>,
    /// The most recent first.
    pub sessions: Vec<TrainingSessionJson>,
}

fn program_json(p: &Program) -> TrainingProgramJson {
    TrainingProgramJson {
        id: p.id.to_string(),
        title: p.title.clone(),
        description: p.description.clone(),
        trains_trainers: p.trains_trainers,
    }
}

fn trainer_json(t: &Trainer, today: jiff::civil::Date) -> TrainerJson {
    TrainerJson {
        id: t.id.to_string(),
        name: t.name.clone(),
        organization_id: t.organization_id().map(|o| o.to_string()),
        certified_on: t.certified_on.to_string(),
        valid_until: t.valid_until.map(|d| d.to_string()),
        certified: t.certified(today),
        certified_in: t.certified_in.map(|s| s.to_string()),
    }
}

fn session_json(s: &Session) -> TrainingSessionJson {
    TrainingSessionJson {
        id: s.id.to_string(),
        coalition_id: s.coalition.to_string(),
        program_id: s.program.to_string(),
        held_on: s.held_on.to_string(),
        hours: f64::from(s.minutes) / 60.0,
        region: s.region.clone(),
        place: s.place.clone(),
        online: s.online,
        lead_trainer_id: s.lead.to_string(),
        co_trainer_ids: s.co_trainers.iter().map(ToString::to_string).collect(),
        participants: s
            .participants
            .iter()
            .map(|(org, people)| ParticipantsJson {
                organization_id: org.to_string(),
                people: *people,
            })
            .collect(),
        people: s.people(),
        evaluation: s.evaluation.map(|e| SessionEvaluationJson {
            responses: e.responses,
            average: f64::from(e.score_tenths) / 10.0,
        }),
        note: s.note.clone(),
    }
}

/// A coalition's training programs, trainers and sessions.
#[utoipa::path(
    get,
    path = "/api/v1/coalitions/{id}/trainings",
    tag = "coalition",
    operation_id = "listTrainings",
    params(("id" = String, Path, description = "The coalition's id")),
    responses(
        (status = 200, description = "Programs, trainers and sessions", body = TrainingsJson),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not of the coalition's staff nor of a member organization", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such coalition", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn list_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<TrainingsJson>, Problem> {
    let id = ctx.id::<OrgId>(&id).ok_or_else(|| not_found(&ctx))?;
    let view = state
        .app
        .trainings(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(Json(TrainingsJson {
        programs: view.programs.iter().map(program_json).collect(),
        trainers: view
            .trainers
            .iter()
            .map(|t| trainer_json(t, view.today))
            .collect(),
        sessions: view.sessions.iter().map(session_json).collect(),
    }))
}

/// One training session.
#[utoipa::path(
    get,
    path = "/api/v1/trainings/{id}",
    tag = "coalition",
    operation_id = "getTraining",
    params(("id" = String, Path, description = "The session's id")),
    responses(
        (status = 200, description = "The session", body = TrainingSessionJson),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not of the coalition's staff nor of a member organization", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such session", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn show_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<TrainingSessionJson>, Problem> {
    let id = ctx
        .id::<TrainingSessionId>(&id)
        .ok_or_else(|| not_found(&ctx))?;
    let session = state
        .app
        .training_session(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(Json(session_json(&session)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ParticipantsInput {
    pub organization_id: String,
    pub people: u32,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SessionEvaluationInput {
    /// Evaluation forms returned.
    pub responses: u32,
    /// Their average satisfaction, 1 to 5 (kept to one decimal).
    pub average: f64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TrainingSessionInput {
    pub program_id: String,
    /// `YYYY-MM-DD`, today or before.
    pub held_on: String,
    /// Its length in hours (more than 0, at most 40).
    pub hours: f64,
    /// Québec administrative region (two digits) where it was given.
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub place: Option<String>,
    #[serde(default)]
    pub online: bool,
    /// A trainer certified on that day.
    pub lead_trainer_id: String,
    #[serde(default)]
    pub co_trainer_ids: Vec<String>,
    /// How many people came from each organization of the directory.
    pub participants: Vec<ParticipantsInput>,
    #[serde(default)]
    pub evaluation: Option<SessionEvaluationInput>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TrainingProgramInput {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// A train-the-trainer program: its sessions certify trainers.
    #[serde(default)]
    pub trains_trainers: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TrainerInput {
    pub name: String,
    /// The organization they work for; omit for the coalition's own.
    #[serde(default)]
    pub organization_id: Option<String>,
    /// `YYYY-MM-DD`.
    pub certified_on: String,
    /// `YYYY-MM-DD`, the certification's last day.
    #[serde(default)]
    pub valid_until: Option<String>,
    /// The train-the-trainer session that certified them.
    #[serde(default)]
    pub certified_in: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TrainingCreatedJson {
    pub id: String,
}

fn created(id: impl ToString) -> (StatusCode, Json<TrainingCreatedJson>) {
    (
        StatusCode::CREATED,
        Json(TrainingCreatedJson { id: id.to_string() }),
    )
}

/// Records a session given by a certified trainer.
#[utoipa::path(
    post,
    path = "/api/v1/coalitions/{id}/trainings",
    tag = "coalition",
    operation_id = "recordTraining",
    params(("id" = String, Path, description = "The coalition's id")),
    request_body = TrainingSessionInput,
    responses(
        (status = 201, description = "Recorded", body = TrainingCreatedJson),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Neither of the coalition's staff who run it, nor an administrator or coordinator of the lead trainer's member organization", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such coalition", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "An unknown program, trainer, organization or region, a lead trainer not certified that day, a session not yet given, a duration out of range, no participants, an average outside 1 to 5", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn record_session_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<ApiJson<TrainingSessionInput>, Problem>,
) -> Result<(StatusCode, Json<TrainingCreatedJson>), Problem> {
    let id = ctx.id::<OrgId>(&id).ok_or_else(|| not_found(&ctx))?;
    state
        .app
        .may_record_training(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    let ApiJson(input) = body?;
    let text = SessionText {
        program: input.program_id,
        held_on: input.held_on,
        hours: input.hours.to_string(),
        region: input.region.unwrap_or_default(),
        place: input.place.unwrap_or_default(),
        online: input.online,
        lead: input.lead_trainer_id,
        co_trainers: input.co_trainer_ids,
        participants: input
            .participants
            .into_iter()
            .map(|p| (p.organization_id, p.people.to_string()))
            .collect(),
        evaluations: input
            .evaluation
            .as_ref()
            .map(|e| e.responses.to_string())
            .unwrap_or_default(),
        average: input
            .evaluation
            .as_ref()
            .map(|e| e.average.to_string())
            .unwrap_or_default(),
        note: input.note.unwrap_or_default(),
    };
    let new = text
        .to_new()
        .map_err(|bad| unprocessable(ctx.lang, BadValue::explain(&ctx.tr(), &bad)))?;
    let recorded = state
        .app
        .record_training_session(&ctx.who, id, new)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(created(recorded))
}

/// Records a training program.
#[utoipa::path(
    post,
    path = "/api/v1/coalitions/{id}/training-programs",
    tag = "coalition",
    operation_id = "recordTrainingProgram",
    params(("id" = String, Path, description = "The coalition's id")),
    request_body = TrainingProgramInput,
    responses(
        (status = 201, description = "Recorded", body = TrainingCreatedJson),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not a coalition administrator or coordinator", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such coalition", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "No title, a text too long", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn record_program_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<ApiJson<TrainingProgramInput>, Problem>,
) -> Result<(StatusCode, Json<TrainingCreatedJson>), Problem> {
    let id = ctx.id::<OrgId>(&id).ok_or_else(|| not_found(&ctx))?;
    state
        .app
        .may_run(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    let ApiJson(input) = body?;
    let new = NewProgram {
        title: input.title,
        description: input.description.unwrap_or_default(),
        trains_trainers: input.trains_trainers,
    };
    let recorded = state
        .app
        .record_program(&ctx.who, id, new)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(created(recorded))
}

/// Certifies a trainer.
#[utoipa::path(
    post,
    path = "/api/v1/coalitions/{id}/trainers",
    tag = "coalition",
    operation_id = "certifyTrainer",
    params(("id" = String, Path, description = "The coalition's id")),
    request_body = TrainerInput,
    responses(
        (status = 201, description = "Certified", body = TrainingCreatedJson),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not a coalition administrator or coordinator", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such coalition", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "No name, a bad day, an end before the start, an unknown organization, a certifying session that is not of a train-the-trainer program or after the certification", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn certify_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<ApiJson<TrainerInput>, Problem>,
) -> Result<(StatusCode, Json<TrainingCreatedJson>), Problem> {
    let id = ctx.id::<OrgId>(&id).ok_or_else(|| not_found(&ctx))?;
    state
        .app
        .may_run(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    let ApiJson(input) = body?;
    let text = TrainerText {
        name: input.name,
        organization: input.organization_id.unwrap_or_default(),
        certified_on: input.certified_on,
        valid_until: input.valid_until.unwrap_or_default(),
        certified_in: input.certified_in.unwrap_or_default(),
    };
    let new = text
        .to_new()
        .map_err(|bad| unprocessable(ctx.lang, BadValue::explain(&ctx.tr(), &bad)))?;
    let recorded = state
        .app
        .certify_trainer(&ctx.who, id, new)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(created(recorded))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CertificationInput {
    /// `YYYY-MM-DD`, the certification's new last day; omit or null for no end.
    #[serde(default)]
    pub valid_until: Option<String>,
}

/// Renews a trainer's certification (or ends it, with a last day in the past).
#[utoipa::path(
    put,
    path = "/api/v1/trainers/{id}/certification",
    tag = "coalition",
    operation_id = "renewTrainer",
    params(("id" = String, Path, description = "The trainer's id")),
    request_body = CertificationInput,
    responses(
        (status = 204, description = "Renewed"),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not a coalition administrator or coordinator", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such trainer", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Not a day, or a last day before the certification starts", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn renew_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<ApiJson<CertificationInput>, Problem>,
) -> Result<StatusCode, Problem> {
    let id = ctx.id::<TrainerId>(&id).ok_or_else(|| not_found(&ctx))?;
    state
        .app
        .may_renew_trainer(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    let ApiJson(input) = body?;
    let mut bad = Vec::new();
    let valid_until = optional(
        &mut bad,
        "valid_until",
        input.valid_until.as_deref().unwrap_or(""),
    );
    if !bad.is_empty() {
        return Err(unprocessable(ctx.lang, BadValue::explain(&ctx.tr(), &bad)));
    }
    state
        .app
        .renew_trainer(&ctx.who, id, valid_until)
        .await
        .map_err(|e| problem(&ctx, e))?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CascadeNodeJson {
    pub trainer_id: String,
    /// The trainer who certified them; absent for the coalition's first trainers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trained_by: Option<String>,
    /// 1 for the coalition's first trainers, 2 for those they certified, and so on.
    pub level: usize,
    pub sessions: usize,
    pub people: u64,
    /// Trainers certified in their sessions.
    pub certified: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CascadeTotalJson {
    /// The level (`1`…), the region's code, or the sector's key; absent for online or
    /// outside Québec (regions) and an unknown sector.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trainers: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sessions: Option<usize>,
    pub people: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CascadeJson {
    /// Depth first: each trainer, then those they certified.
    pub trainers: Vec<CascadeNodeJson>,
    pub levels: Vec<CascadeTotalJson>,
    /// Where the sessions were given.
    pub regions: Vec<CascadeTotalJson>,
    /// The participants' organizations' sectors.
    pub sectors: Vec<CascadeTotalJson>,
    pub sessions: usize,
    pub people: u64,
}

/// The training cascade: who trained whom, with totals per level, region and sector.
#[utoipa::path(
    get,
    path = "/api/v1/coalitions/{id}/trainings/cascade",
    tag = "coalition",
    operation_id = "trainingCascade",
    params(("id" = String, Path, description = "The coalition's id")),
    responses(
        (status = 200, description = "The cascade", body = CascadeJson),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not of the coalition's staff nor of a member organization", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such coalition", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn cascade_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<CascadeJson>, Problem> {
    let id = ctx.id::<OrgId>(&id).ok_or_else(|| not_found(&ctx))?;
    let view = state
        .app
        .training_cascade(&ctx.who, id)
        .await
        .map_err(|e| problem(&ctx, e))?;
    let c = &view.cascade;
    let trainers = c
        .nodes
        .iter()
        .map(|n| {
            let trained_by = view
                .trainer(n.trainer)
                .and_then(|t| t.trained_by)
                .filter(|_| n.level > 1)
                .map(|t| t.to_string());
            CascadeNodeJson {
                trainer_id: n.trainer.to_string(),
                trained_by,
                level: n.level,
                sessions: n.sessions,
                people: n.people,
                certified: n.certified,
            }
        })
        .collect();
    Ok(Json(CascadeJson {
        trainers,
        levels: c
            .levels
            .iter()
            .map(|l| CascadeTotalJson {
                key: Some(l.level.to_string()),
                trainers: Some(l.trainers),
                sessions: Some(l.sessions),
                people: l.people,
            })
            .collect(),
        regions: c
            .regions
            .iter()
            .map(|r| CascadeTotalJson {
                key: r.region.clone(),
                trainers: None,
                sessions: Some(r.sessions),
                people: r.people,
            })
            .collect(),
        sectors: c
            .sectors
            .iter()
            .map(|s| CascadeTotalJson {
                key: s.sector.map(|k| k.key().to_owned()),
                trainers: None,
                sessions: None,
                people: s.people,
            })
            .collect(),
        sessions: c.sessions,
        people: c.people,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_tags_nest_and_close() {
        let (before, after) = tree_tags(&[1, 2, 3, 2, 1]);
        let html: String = before
            .iter()
            .map(|b| format!("{b}<li>x"))
            .collect::<String>()
            + &after;
        assert_eq!(
            html,
            "<ul><li>x<ul><li>x<ul><li>x</li></ul></li><li>x</li></ul></li><li>x</li></ul>"
        );
        let (before, after) = tree_tags(&[1, 2, 3]);
        let html: String = before
            .iter()
            .map(|b| format!("{b}<li>x"))
            .collect::<String>()
            + &after;
        assert_eq!(
            html,
            "<ul><li>x<ul><li>x<ul><li>x</li></ul></li></ul></li></ul>"
        );
        assert_eq!(tree_tags(&[]), (Vec::new(), String::new()));
    }

    #[test]
    fn hours_and_averages_are_written_in_the_readers_language() {
        assert_eq!(decimal("3,5"), Some(3.5));
        assert_eq!(decimal("NaN"), None);
        assert_eq!(minutes(3.5), Some(210));
        assert_eq!(minutes(-1.0), None);
        assert_eq!(hours(210, Language::En), "3.5");
        assert_eq!(hours(210, Language::Fr), "3,5");
        assert_eq!(hours(360, Language::Fr), "6");
        assert_eq!(average(44, Language::Fr), "4,4");
        assert_eq!(average(44, Language::En), "4.4");
    }
}
