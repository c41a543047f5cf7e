//! Trainings: the coalition's programs (identification and intervention, train-the-trainer),
//! the trainers it certifies, the sessions they give, and the cascade that follows: the
//! coalition's trainers train the members' trainers, who train their own staff.
//!
//! Who trained whom is never stored apart: a trainer certified at a train-the-trainer
//! session was trained by that session's lead trainer. A session names trainers who exist
//! already, so the cascade is a tree by construction. What each trainer gave is counted by
//! the store (thousands of sessions are summed where they are kept, not read one by one).

use std::collections::{HashMap, HashSet};

use jiff::civil::Date;

use crate::directory::places::gazetteer;
use crate::text::has_control;
use crate::{Bilingual, OrgId, Sector, TrainerId, TrainingProgramId, TrainingSessionId};

pub const TITLE_MAX_CHARS: usize = 300;
pub const NAME_MAX_CHARS: usize = 200;
pub const TEXT_MAX_CHARS: usize = 10_000;
/// A session lasts at most a working week.
pub const MINUTES_MAX: u32 = 40 * 60;
pub const PEOPLE_MAX: u32 = 10_000;
pub const ORGANIZATIONS_MAX: usize = 200;
pub const CO_TRAINERS_MAX: usize = 20;

/// A training program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProgram {
    pub title: String,
    pub description: String,
    /// A train-the-trainer program: its sessions certify new trainers.
    pub trains_trainers: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    pub id: TrainingProgramId,
    pub coalition: OrgId,
    pub title: String,
    pub description: String,
    pub trains_trainers: bool,
}

/// A trainer to certify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTrainer {
    pub name: String,
    /// The organization the trainer works for; `None` for the coalition's own.
    pub organization: Option<OrgId>,
    pub certified_on: Date,
    /// The last day of the certification, when it lapses.
    pub valid_until: Option<Date>,
    /// The train-the-trainer session that certified them; `None` for the coalition's first
    /// trainers, the roots of the cascade.
    pub certified_in: Option<TrainingSessionId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trainer {
    pub id: TrainerId,
    pub coalition: OrgId,
    pub name: String,
    pub organization: Option<(OrgId, Bilingual<String>)>,
    pub certified_on: Date,
    pub valid_until: Option<Date>,
    pub certified_in: Option<TrainingSessionId>,
    /// The lead trainer of the session that certified them: their parent in the cascade.
    pub trained_by: Option<TrainerId>,
}

impl Trainer {
    /// Whether the certification covers `day`.
    pub fn certified(&self, day: Date) -> bool {
        self.certified_on <= day && self.valid_until.is_none_or(|last| day <= last)
    }

    pub fn organization_id(&self) -> Option<OrgId> {
        self.organization.as_ref().map(|(id, _)| *id)
    }
}

/// What the participants said of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Evaluation {
    /// Evaluation forms returned.
    pub responses: u32,
    /// Their average satisfaction, in tenths on a scale of 1 to 5 (43 is 4.3).
    pub score_tenths: u16,
}

/// A session given, to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    pub program: TrainingProgramId,
    pub held_on: Date,
    pub minutes: u32,
    /// Québec administrative region (two digits) where it was given; `None` online or
    /// outside Québec.
    pub region: Option<String>,
    pub place: String,
    pub online: bool,
    pub lead: TrainerId,
    pub co_trainers: Vec<TrainerId>,
    /// How many people came from each organization.
    pub participants: Vec<(OrgId, u32)>,
    pub evaluation: Option<Evaluation>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: TrainingSessionId,
    pub coalition: OrgId,
    pub program: TrainingProgramId,
    pub held_on: Date,
    pub minutes: u32,
    pub region: Option<String>,
    pub place: String,
    pub online: bool,
    pub lead: TrainerId,
    pub co_trainers: Vec<TrainerId>,
    pub participants: Vec<(OrgId, u32)>,
    pub evaluation: Option<Evaluation>,
    pub note: String,
}

impl Session {
    /// People trained.
    pub fn people(&self) -> u64 {
        self.participants.iter().map(|(_, n)| u64::from(*n)).sum()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TrainingProblem {
    #[error("no title")]
    NoTitle,
    #[error("no name")]
    NoName,
    #[error("a title or name is too long")]
    TooLong,
    #[error("a text is too long")]
    TextTooLong,
    #[error("a control character (not text)")]
    ControlCharacter,
    #[error("the certification ends before it starts")]
    ValidBeforeCertified,
    #[error("an organization that is not in the directory")]
    UnknownOrganization,
    #[error("a program of another coalition, or none")]
    UnknownProgram,
    #[error("a trainer of another coalition, or none")]
    UnknownTrainer,
    #[error("a session of another coalition, or none")]
    UnknownSession,
    #[error("the certifying session is not of a train-the-trainer program")]
    NotTrainTheTrainer,
    #[error("certified before the session that certifies")]
    CertifiedBeforeSession,
    #[error("a duration of zero, or over forty hours")]
    DurationOutOfRange,
    #[error("no participants")]
    NoParticipants,
    #[error("too many participants or organizations")]
    TooManyParticipants,
    #[error("one organization given twice")]
    OrganizationTwice,
    #[error("not a region of Québec")]
    UnknownRegion,
    #[error("a session is recorded once it has been given")]
    NotYetHeld,
    #[error("the lead trainer was not certified on that day")]
    LeadNotCertified,
    #[error("the lead trainer is also a co-trainer, or a co-trainer is named twice")]
    TrainerTwice,
    #[error("too many co-trainers")]
    TooManyTrainers,
    #[error("an average outside 1 to 5")]
    ScoreOutOfRange,
    #[error("more evaluations than participants")]
    MoreEvaluationsThanPeople,
}

impl TrainingProblem {
    pub fn message_id(self) -> &'static str {
        match self {
            Self::NoTitle => "training-problem-no-title",
            Self::NoName => "training-problem-no-name",
            Self::TooLong => "training-problem-too-long",
            Self::TextTooLong => "training-problem-text-too-long",
            Self::ControlCharacter => "training-problem-control-character",
            Self::ValidBeforeCertified => "training-problem-valid-before-certified",
            Self::UnknownOrganization => "training-problem-unknown-organization",
            Self::UnknownProgram => "training-problem-unknown-program",
            Self::UnknownTrainer => "training-problem-unknown-trainer",
            Self::UnknownSession => "training-problem-unknown-session",
            Self::NotTrainTheTrainer => "training-problem-not-train-the-trainer",
            Self::CertifiedBeforeSession => "training-problem-certified-before-session",
            Self::DurationOutOfRange => "training-problem-duration",
            Self::NoParticipants => "training-problem-no-participants",
            Self::TooManyParticipants => "training-problem-too-many-participants",
            Self::OrganizationTwice => "training-problem-organization-twice",
            Self::UnknownRegion => "training-problem-unknown-region",
            Self::NotYetHeld => "training-problem-not-yet-held",
            Self::LeadNotCertified => "training-problem-lead-not-certified",
            Self::TrainerTwice => "training-problem-trainer-twice",
            Self::TooManyTrainers => "training-problem-too-many-trainers",
            Self::ScoreOutOfRange => "training-problem-score",
            Self::MoreEvaluationsThanPeople => "training-problem-more-evaluations",
        }
    }
}

fn done(problems: Vec<TrainingProblem>) -> Result<(), Vec<TrainingProblem>> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// A short text: required, at most `max` characters, no control characters.
fn check_line(
    text: &str,
    max: usize,
    missing: TrainingProblem,
    problems: &mut Vec<TrainingProblem>,
) {
    let text = text.trim();
    if text.is_empty() {
        problems.push(missing);
    } else if text.chars().count() > max {
        problems.push(TrainingProblem::TooLong);
    }
}

fn check_texts(texts: &[&str], problems: &mut Vec<TrainingProblem>) {
    if texts.iter().any(|t| t.chars().count() > TEXT_MAX_CHARS) {
        problems.push(TrainingProblem::TextTooLong);
    }
    if texts.iter().any(|t| has_control(t)) {
        problems.push(TrainingProblem::ControlCharacter);
    }
}

impl NewProgram {
    pub fn check(&self) -> Result<(), Vec<TrainingProblem>> {
        let mut problems = Vec::new();
        check_line(
            &self.title,
            TITLE_MAX_CHARS,
            TrainingProblem::NoTitle,
            &mut problems,
        );
        check_texts(&[&self.title, &self.description], &mut problems);
        done(problems)
    }
}

/// The session that certifies a trainer, as the use case found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Certifying {
    pub held_on: Date,
    pub trains_trainers: bool,
}

impl NewTrainer {
    /// `certifying` is the session named by `certified_in`, when it is one of this
    /// coalition's (`None` otherwise).
    pub fn check(&self, certifying: Option<Certifying>) -> Result<(), Vec<TrainingProblem>> {
        let mut problems = Vec::new();
        check_line(
            &self.name,
            NAME_MAX_CHARS,
            TrainingProblem::NoName,
            &mut problems,
        );
        check_texts(&[&self.name], &mut problems);
        if self
            .valid_until
            .is_some_and(|last| last < self.certified_on)
        {
            problems.push(TrainingProblem::ValidBeforeCertified);
        }
        match (self.certified_in, certifying) {
            (None, _) => {}
            (Some(_), None) => problems.push(TrainingProblem::UnknownSession),
            (Some(_), Some(session)) => {
                if !session.trains_trainers {
                    problems.push(TrainingProblem::NotTrainTheTrainer);
                }
                if self.certified_on < session.held_on {
                    problems.push(TrainingProblem::CertifiedBeforeSession);
                }
            }
        }
        done(problems)
    }
}

impl NewSession {
    /// Checks the session against today, its program (`None`: not this coalition's) and the
    /// coalition's trainers.
    pub fn check(
        &self,
        today: Date,
        program: Option<&Program>,
        trainers: &[Trainer],
    ) -> Result<(), Vec<TrainingProblem>> {
        let mut problems = Vec::new();
        if program.is_none() {
            problems.push(TrainingProblem::UnknownProgram);
        }
        if self.held_on > today {
            problems.push(TrainingProblem::NotYetHeld);
        }
        if self.minutes == 0 || self.minutes > MINUTES_MAX {
            problems.push(TrainingProblem::DurationOutOfRange);
        }
        if self
            .region
            .as_deref()
            .is_some_and(|code| gazetteer().region(code).is_none())
        {
            problems.push(TrainingProblem::UnknownRegion);
        }
        let people: u64 = self.participants.iter().map(|(_, n)| u64::from(*n)).sum();
        if people == 0 {
            problems.push(TrainingProblem::NoParticipants);
        } else if people > u64::from(PEOPLE_MAX) || self.participants.len() > ORGANIZATIONS_MAX {
            problems.push(TrainingProblem::TooManyParticipants);
        }
        let mut orgs: Vec<OrgId> = self.participants.iter().map(|(o, _)| *o).collect();
        orgs.sort();
        orgs.dedup();
        if orgs.len() != self.participants.len() {
            problems.push(TrainingProblem::OrganizationTwice);
        }
        match trainers.iter().find(|t| t.id == self.lead) {
            None => problems.push(TrainingProblem::UnknownTrainer),
            Some(lead) if !lead.certified(self.held_on) => {
                problems.push(TrainingProblem::LeadNotCertified)
            }
            Some(_) => {}
        }
        if self
            .co_trainers
            .iter()
            .any(|c| !trainers.iter().any(|t| t.id == *c))
            && !problems.contains(&TrainingProblem::UnknownTrainer)
        {
            problems.push(TrainingProblem::UnknownTrainer);
        }
        let mut named: Vec<TrainerId> = self.co_trainers.clone();
        named.push(self.lead);
        named.sort();
        named.dedup();
        if named.len() != self.co_trainers.len() + 1 {
            problems.push(TrainingProblem::TrainerTwice);
        }
        if self.co_trainers.len() > CO_TRAINERS_MAX {
            problems.push(TrainingProblem::TooManyTrainers);
        }
        if let Some(e) = self.evaluation {
            if !(10..=50).contains(&e.score_tenths) {
                problems.push(TrainingProblem::ScoreOutOfRange);
            }
            if u64::from(e.responses) > people {
                problems.push(TrainingProblem::MoreEvaluationsThanPeople);
            }
        }
        check_texts(&[&self.place, &self.note], &mut problems);
        if self.place.chars().count() > TITLE_MAX_CHARS {
            problems.push(TrainingProblem::TooLong);
        }
        done(problems)
    }
}

/// One trainer in the cascade, with what they delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CascadeNode {
    pub trainer: TrainerId,
    /// 1 for the coalition's first trainers, 2 for those they certified, and so on.
    pub level: usize,
    /// Sessions they led.
    pub sessions: usize,
    /// People trained in the sessions they led.
    pub people: u64,
    /// Trainers certified in the sessions they led (their children below).
    pub certified: usize,
}

/// Totals of one level of the cascade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LevelTotals {
    pub level: usize,
    pub trainers: usize,
    pub sessions: usize,
    pub people: u64,
}

/// Sessions and people trained where the sessions were given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionTotals {
    /// `None`: online or outside Québec.
    pub region: Option<String>,
    pub sessions: usize,
    pub people: u64,
}

/// People trained, by their organization's sector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SectorTotals {
    /// `None`: organizations whose sector the directory does not give.
    pub sector: Option<Sector>,
    pub people: u64,
}

/// The cascade: the trainers as a tree (depth first, each trainer's children by
/// certification day), with totals by level, region and sector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cascade {
    pub nodes: Vec<CascadeNode>,
    pub levels: Vec<LevelTotals>,
    pub regions: Vec<RegionTotals>,
    pub sectors: Vec<SectorTotals>,
    pub sessions: usize,
    pub people: u64,
}

/// What one trainer gave as lead trainer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeadTotals {
    pub trainer: TrainerId,
    pub sessions: usize,
    pub people: u64,
}

/// One year's training sessions given, for the participation dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrainingYear {
    pub year: i16,
    pub sessions: usize,
    pub people: u64,
}

/// Builds the cascade of `trainers` from what each gave (`led`), with the totals by region
/// and by sector as counted; regions are ordered by code with "online or elsewhere" last,
/// sectors in their vocabulary's order with "not given" last.
pub fn cascade(
    trainers: &[Trainer],
    led: &[LeadTotals],
    mut regions: Vec<RegionTotals>,
    mut sectors: Vec<SectorTotals>,
) -> Cascade {
    let known: HashSet<TrainerId> = trainers.iter().map(|t| t.id).collect();
    let parent = |t: &Trainer| t.trained_by.filter(|p| *p != t.id && known.contains(p));
    let mut children: HashMap<Option<TrainerId>, Vec<&Trainer>> = HashMap::new();
    for t in trainers {
        children.entry(parent(t)).or_default().push(t);
    }
    for list in children.values_mut() {
        list.sort_by(|a, b| (a.certified_on, &a.name, a.id).cmp(&(b.certified_on, &b.name, b.id)));
    }
    let totals: HashMap<TrainerId, LeadTotals> = led.iter().map(|l| (l.trainer, *l)).collect();
    let mut nodes = Vec::with_capacity(trainers.len());
    let mut seen = HashSet::new();
    // Depth first without recursion; `seen` guards against a cycle in stored data.
    let mut stack: Vec<(&Trainer, usize)> = children
        .get(&None)
        .map(|roots| roots.iter().rev().map(|t| (*t, 1)).collect())
        .unwrap_or_default();
    while let Some((t, level)) = stack.pop() {
        if !seen.insert(t.id) {
            continue;
        }
        let below = children.get(&Some(t.id)).map(Vec::as_slice).unwrap_or(&[]);
        let gave = totals.get(&t.id);
        nodes.push(CascadeNode {
            trainer: t.id,
            level,
            sessions: gave.map_or(0, |g| g.sessions),
            people: gave.map_or(0, |g| g.people),
            certified: below.len(),
        });
        stack.extend(below.iter().rev().map(|c| (*c, level + 1)));
    }
    let mut levels: Vec<LevelTotals> = Vec::new();
    for n in &nodes {
        if levels.len() < n.level {
            levels.resize_with(n.level, || LevelTotals {
                level: 0,
                trainers: 0,
                sessions: 0,
                people: 0,
            });
        }
        let l = &mut levels[n.level - 1];
        l.level = n.level;
        l.trainers += 1;
        l.sessions += n.sessions;
        l.people += n.people;
    }
    regions.sort_by(|a, b| (a.region.is_none(), &a.region).cmp(&(b.region.is_none(), &b.region)));
    sectors.sort_by_key(|s| (s.sector.is_none(), s.sector));
    Cascade {
        nodes,
        levels,
        sessions: regions.iter().map(|r| r.sessions).sum(),
        people: regions.iter().map(|r| r.people).sum(),
        regions,
        sectors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Date {
        text.parse().expect("a date")
    }

    fn trainer(name: &str, on: &str, trained_by: Option<TrainerId>) -> Trainer {
        Trainer {
            id: TrainerId::new(),
            coalition: OrgId::new(),
            name: name.into(),
            organization: None,
            certified_on: day(on),
            valid_until: None,
            certified_in: trained_by.map(|_| TrainingSessionId::new()),
            trained_by,
        }
    }

    fn gave(trainer: &Trainer, sessions: usize, people: u64) -> LeadTotals {
        LeadTotals {
            trainer: trainer.id,
            sessions,
            people,
        }
    }

    /// A cascade over three levels worked out by hand: Ana (coalition) certifies Béa and
    /// Chloé; Béa certifies Dani; each trains staff.
    #[test]
    fn the_cascade_over_three_levels_adds_up() {
        let ana = trainer("Ana", "2023-01-10", None);
        let bea = trainer("Béa", "2023-03-01", Some(ana.id));
        let chloe = trainer("Chloé", "2023-03-02", Some(ana.id));
        let dani = trainer("Dani", "2024-02-01", Some(bea.id));
        let led = [
            gave(&ana, 1, 3),
            gave(&bea, 2, 13),
            gave(&chloe, 1, 25),
            gave(&dani, 1, 8),
        ];
        let regions = vec![
            RegionTotals {
                region: None,
                sessions: 1,
                people: 8,
            },
            RegionTotals {
                region: Some("06".into()),
                sessions: 2,
                people: 15,
            },
            RegionTotals {
                region: Some("03".into()),
                sessions: 2,
                people: 26,
            },
        ];
        let sectors = vec![
            SectorTotals {
                sector: None,
                people: 5,
            },
            SectorTotals {
                sector: Some(Sector::HealthSocial),
                people: 21,
            },
            SectorTotals {
                sector: Some(Sector::Community),
                people: 23,
            },
        ];
        // Given out of order: the tree does not depend on it.
        let trainers = vec![dani.clone(), chloe.clone(), ana.clone(), bea.clone()];
        let c = cascade(&trainers, &led, regions, sectors);
        let order: Vec<(TrainerId, usize, usize, u64, usize)> = c
            .nodes
            .iter()
            .map(|n| (n.trainer, n.level, n.sessions, n.people, n.certified))
            .collect();
        assert_eq!(
            order,
            vec![
                (ana.id, 1, 1, 3, 2),
                (bea.id, 2, 2, 13, 1),
                (dani.id, 3, 1, 8, 0),
                (chloe.id, 2, 1, 25, 0),
            ]
        );
        let levels: Vec<(usize, usize, usize, u64)> = c
            .levels
            .iter()
            .map(|l| (l.level, l.trainers, l.sessions, l.people))
            .collect();
        assert_eq!(levels, vec![(1, 1, 1, 3), (2, 2, 3, 38), (3, 1, 1, 8)]);
        let regions: Vec<Option<&str>> = c.regions.iter().map(|r| r.region.as_deref()).collect();
        assert_eq!(regions, vec![Some("03"), Some("06"), None]);
        let sectors: Vec<Option<Sector>> = c.sectors.iter().map(|s| s.sector).collect();
        assert_eq!(
            sectors,
            vec![Some(Sector::Community), Some(Sector::HealthSocial), None]
        );
        assert_eq!((c.sessions, c.people), (5, 49));
    }

    #[test]
    fn a_cycle_in_stored_data_does_not_loop() {
        let mut a = trainer("A", "2024-01-01", None);
        let b = trainer("B", "2024-01-01", Some(a.id));
        a.trained_by = Some(b.id);
        // Neither is a root, so neither is reached: nothing loops, nothing is invented.
        let c = cascade(&[a, b], &[], Vec::new(), Vec::new());
        assert!(c.nodes.is_empty());
    }

    fn program(trains_trainers: bool) -> Program {
        Program {
            id: TrainingProgramId::new(),
            coalition: OrgId::new(),
            title: "Repérage".into(),
            description: String::new(),
            trains_trainers,
        }
    }

    #[test]
    fn bad_sessions_are_named() {
        let mut lead = trainer("Ana", "2024-01-01", None);
        lead.valid_until = Some(day("2025-12-31"));
        let p = program(false);
        let org = OrgId::new();
        let good = NewSession {
            program: p.id,
            held_on: day("2025-06-01"),
            minutes: 180,
            region: Some("06".into()),
            place: "Montréal".into(),
            online: false,
            lead: lead.id,
            co_trainers: Vec::new(),
            participants: vec![(org, 12)],
            evaluation: Some(Evaluation {
                responses: 10,
                score_tenths: 45,
            }),
            note: String::new(),
        };
        let today = day("2026-01-10");
        let trainers = [lead.clone()];
        assert_eq!(good.check(today, Some(&p), &trainers), Ok(()));
        let bad = NewSession {
            held_on: day("2026-02-01"),
            minutes: 0,
            region: Some("99".into()),
            co_trainers: vec![lead.id],
            participants: vec![(org, 0), (org, 0)],
            evaluation: Some(Evaluation {
                responses: 3,
                score_tenths: 51,
            }),
            note: "\u{0}".into(),
            ..good.clone()
        };
        assert_eq!(
            bad.check(today, None, &trainers),
            Err(vec![
                TrainingProblem::UnknownProgram,
                TrainingProblem::NotYetHeld,
                TrainingProblem::DurationOutOfRange,
                TrainingProblem::UnknownRegion,
                TrainingProblem::NoParticipants,
                TrainingProblem::OrganizationTwice,
                TrainingProblem::LeadNotCertified,
                TrainingProblem::TrainerTwice,
                TrainingProblem::ScoreOutOfRange,
                TrainingProblem::MoreEvaluationsThanPeople,
                TrainingProblem::ControlCharacter,
            ])
        );
        let unknown = NewSession {
            lead: TrainerId::new(),
            ..good
        };
        assert_eq!(
            unknown.check(today, Some(&p), &trainers),
            Err(vec![TrainingProblem::UnknownTrainer])
        );
    }

    #[test]
    fn a_trainer_is_certified_by_a_train_the_trainer_session_on_or_after_it() {
        let new = NewTrainer {
            name: "Béa".into(),
            organization: None,
            certified_on: day("2025-03-01"),
            valid_until: Some(day("2027-02-28")),
            certified_in: Some(TrainingSessionId::new()),
        };
        let ttt = Certifying {
            held_on: day("2025-03-01"),
            trains_trainers: true,
        };
        assert_eq!(new.check(Some(ttt)), Ok(()));
        assert_eq!(new.check(None), Err(vec![TrainingProblem::UnknownSession]));
        let later = Certifying {
            held_on: day("2025-03-02"),
            trains_trainers: false,
        };
        assert_eq!(
            new.check(Some(later)),
            Err(vec![
                TrainingProblem::NotTrainTheTrainer,
                TrainingProblem::CertifiedBeforeSession
            ])
        );
        let lapsed = NewTrainer {
            name: " ".into(),
            valid_until: Some(day("2025-02-28")),
            certified_in: None,
            ..new
        };
        assert_eq!(
            lapsed.check(None),
            Err(vec![
                TrainingProblem::NoName,
                TrainingProblem::ValidBeforeCertified
            ])
        );
        let t = trainer("Ana", "2025-01-01", None);
        assert!(t.certified(day("2030-01-01")) && !t.certified(day("2024-12-31")));
    }
}
