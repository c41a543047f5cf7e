//! The coalition's trainings: programs, trainer certification, the sessions given and the
//! cascade they make. The coalition's staff keep the programs and certify trainers; a
//! session is recorded by the staff, or by the administrators and coordinators of the lead
//! trainer's member organization (the cascade's lower levels are given in the members).

use std::collections::HashMap;

use jiff::civil::Date;
use mosaique_domain::coalition::Membership;
use mosaique_domain::coalition::training::{
    Cascade, Certifying, NewProgram, NewSession, NewTrainer, Program, Session, Trainer,
    TrainingProblem, cascade,
};
use mosaique_domain::policy::coalition::{
    DeliveryAction, TrainingDelivery, Workspace, WorkspaceAction,
};
use mosaique_domain::policy::{Permit, Principal, offers};
use mosaique_domain::{OrgId, TrainerId, TrainingProgramId, TrainingSessionId};

pub use mosaique_store::trainings::OrgFacts;

use crate::coalitions::{CoalitionRef, members_on, today};
use crate::{App, AppError, AppResult, Invalid};

fn invalid(problems: Vec<TrainingProblem>) -> AppError {
    AppError::Invalid(Invalid::Training(problems))
}

/// A coalition's trainings: its programs, trainers and sessions (the most recent first),
/// what the reader may do, and the organizations they name.
#[derive(Debug, Clone)]
pub struct TrainingsView {
    pub coalition: CoalitionRef,
    pub programs: Vec<Program>,
    pub trainers: Vec<Trainer>,
    pub sessions: Vec<Session>,
    /// Today's member organizations, whose people a session's form counts.
    pub members: Vec<Membership>,
    pub organizations: HashMap<OrgId, OrgFacts>,
    pub today: Date,
    /// May keep programs and certify trainers.
    pub may_run: bool,
    /// The trainers whose sessions the reader may record.
    pub may_record_for: Vec<TrainerId>,
}

impl TrainingsView {
    pub fn program(&self, id: TrainingProgramId) -> Option<&Program> {
        self.programs.iter().find(|p| p.id == id)
    }

    pub fn trainer(&self, id: TrainerId) -> Option<&Trainer> {
        self.trainers.iter().find(|t| t.id == id)
    }
}

/// The cascade of a coalition's trainers.
#[derive(Debug, Clone)]
pub struct CascadeView {
    pub coalition: CoalitionRef,
    pub trainers: Vec<Trainer>,
    pub cascade: Cascade,
}

impl CascadeView {
    pub fn trainer(&self, id: TrainerId) -> Option<&Trainer> {
        self.trainers.iter().find(|t| t.id == id)
    }
}

impl App {
    /// The facts of recording a session whose lead trainer works for `trainer_org`.
    async fn delivery(
        &self,
        who: &Principal,
        coalition: OrgId,
        trainer_org: Option<OrgId>,
    ) -> AppResult<TrainingDelivery> {
        let workspace = self.workspace(who, coalition).await?;
        Ok(TrainingDelivery {
            coalition,
            caller_is_member: workspace.caller_is_member,
            trainer_org,
        })
    }

    /// Whether `who` may record some session of the coalition (a session of their own
    /// organization's trainers, for a member), or the refusal: asked before a form or body
    /// is read.
    pub async fn may_record_training(&self, who: &Principal, coalition: OrgId) -> AppResult<()> {
        self.coalition(coalition).await?;
        let own = who.actor().and_then(|a| a.org_id);
        let delivery = self.delivery(who, coalition, own).await?;
        self.authorize(who, DeliveryAction::Record, delivery)
            .await
            .map(|_| ())
    }

    async fn trainings_of(
        &self,
        who: &Principal,
        found: CoalitionRef,
        workspace: Workspace,
        permit: &Permit<Workspace>,
    ) -> AppResult<TrainingsView> {
        let mut tx = self.db.begin().await?;
        let programs = tx.training_programs(permit).await?;
        let trainers = tx.trainers(permit).await?;
        let sessions = tx.training_sessions(permit).await?;
        let orgs: Vec<OrgId> = sessions
            .iter()
            .flat_map(|s| s.participants.iter().map(|(o, _)| *o))
            .collect();
        let organizations = tx.organization_facts(&orgs).await?;
        let members = members_on(tx.memberships(permit).await?, today());
        tx.commit().await?;
        let may_record_for = trainers
            .iter()
            .filter(|t| {
                let delivery = TrainingDelivery {
                    coalition: found.id,
                    caller_is_member: workspace.caller_is_member,
                    trainer_org: t.organization_id(),
                };
                offers(who, DeliveryAction::Record, delivery)
            })
            .map(|t| t.id)
            .collect();
        Ok(TrainingsView {
            coalition: found,
            programs,
            trainers,
            sessions,
            members,
            organizations,
            today: today(),
            may_run: offers(who, WorkspaceAction::Run, workspace),
            may_record_for,
        })
    }

    /// The coalition's programs, trainers and sessions.
    pub async fn trainings(&self, who: &Principal, coalition: OrgId) -> AppResult<TrainingsView> {
        let (found, workspace, permit) = self.enter(who, coalition, WorkspaceAction::View).await?;
        self.trainings_of(who, found, workspace, &permit).await
    }

    /// One session.
    pub async fn training_session(
        &self,
        who: &Principal,
        id: TrainingSessionId,
    ) -> AppResult<Session> {
        let coalition = self.db.training_session_coalition(id).await?;
        let (_, _, permit) = self.enter_of(who, coalition, WorkspaceAction::View).await?;
        let mut tx = self.db.begin().await?;
        let session = tx.training_session(&permit, id).await?;
        tx.commit().await?;
        session.ok_or(AppError::NotFound)
    }

    /// The cascade: who trained whom, with sessions and people trained per trainer, level,
    /// region and sector.
    pub async fn training_cascade(
        &self,
        who: &Principal,
        coalition: OrgId,
    ) -> AppResult<CascadeView> {
        let (found, _, permit) = self.enter(who, coalition, WorkspaceAction::View).await?;
        let mut tx = self.db.begin().await?;
        let trainers = tx.trainers(&permit).await?;
        let (led, regions, sectors) = tx.training_totals(&permit).await?;
        tx.commit().await?;
        let cascade = cascade(&trainers, &led, regions, sectors);
        Ok(CascadeView {
            coalition: found,
            trainers,
            cascade,
        })
    }

    /// Records a training program.
    pub async fn record_program(
        &self,
        who: &Principal,
        coalition: OrgId,
        new: NewProgram,
    ) -> AppResult<TrainingProgramId> {
        let (_, _, permit) = self.enter(who, coalition, WorkspaceAction::Run).await?;
        new.check().map_err(invalid)?;
        let mut tx = self.db.begin().await?;
        let id = tx.record_program(&permit, &new).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Certifies a trainer: one of the coalition's first trainers, or one certified at one
    /// of its train-the-trainer sessions.
    pub async fn certify_trainer(
        &self,
        who: &Principal,
        coalition: OrgId,
        new: NewTrainer,
    ) -> AppResult<TrainerId> {
        let (_, _, permit) = self.enter(who, coalition, WorkspaceAction::Run).await?;
        let mut tx = self.db.begin().await?;
        let certifying = match new.certified_in {
            Some(id) => match tx.training_session(&permit, id).await? {
                Some(session) => {
                    let programs = tx.training_programs(&permit).await?;
                    Some(Certifying {
                        held_on: session.held_on,
                        trains_trainers: programs
                            .iter()
                            .any(|p| p.id == session.program && p.trains_trainers),
                    })
                }
                None => None,
            },
            None => None,
        };
        let mut problems = new.check(certifying).err().unwrap_or_default();
        if let Some(org) = new.organization
            && !tx.organization_exists(org).await?
        {
            problems.push(TrainingProblem::UnknownOrganization);
        }
        if !problems.is_empty() {
            return Err(invalid(problems));
        }
        let id = tx.certify_trainer(&permit, &new).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The coalition of a trainer whose certification `who` may keep, or the refusal
    /// (`NotFound`: no such trainer).
    pub async fn may_renew_trainer(&self, who: &Principal, id: TrainerId) -> AppResult<OrgId> {
        let coalition = self
            .db
            .trainer_coalition(id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.may_run(who, coalition).await?;
        Ok(coalition)
    }

    /// Renews a trainer's certification until `valid_until` (`None`: no end), or ends it
    /// (a last day before today). It cannot end before the certification starts.
    pub async fn renew_trainer(
        &self,
        who: &Principal,
        id: TrainerId,
        valid_until: Option<Date>,
    ) -> AppResult<()> {
        let coalition = self.db.trainer_coalition(id).await?;
        let (_, _, permit) = self.enter_of(who, coalition, WorkspaceAction::Run).await?;
        let mut tx = self.db.begin().await?;
        let trainer = tx
            .trainers(&permit)
            .await?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or(AppError::NotFound)?;
        if valid_until.is_some_and(|last| last < trainer.certified_on) {
            return Err(invalid(vec![TrainingProblem::ValidBeforeCertified]));
        }
        if !tx.renew_trainer(&permit, id, valid_until).await? {
            return Err(AppError::NotFound);
        }
        tx.commit().await?;
        Ok(())
    }

    /// Records a session given by one of the coalition's certified trainers, to people of
    /// organizations of the directory.
    pub async fn record_training_session(
        &self,
        who: &Principal,
        coalition: OrgId,
        new: NewSession,
    ) -> AppResult<TrainingSessionId> {
        self.coalition(coalition).await?;
        // An unknown lead trainer is judged as the caller's own organization's, so that a
        // member who may record nothing is refused before being told the trainer is unknown.
        let trainer_org = match self.db.trainer_organization(coalition, new.lead).await? {
            Some(org) => org,
            None => who.actor().and_then(|a| a.org_id),
        };
        let delivery = self.delivery(who, coalition, trainer_org).await?;
        let permit = self
            .authorize(who, DeliveryAction::Record, delivery)
            .await?;
        // The program and trainers are read with the coalition's reading permit, given to
        // whoever may record (the same people read the workspace).
        let workspace = Workspace {
            coalition,
            caller_is_member: delivery.caller_is_member,
        };
        let read = self
            .authorize(who, WorkspaceAction::View, workspace)
            .await?;
        let mut tx = self.db.begin().await?;
        let programs = tx.training_programs(&read).await?;
        let trainers = tx.trainers(&read).await?;
        let program = programs.iter().find(|p| p.id == new.program);
        let mut problems = new
            .check(today(), program, &trainers)
            .err()
            .unwrap_or_default();
        for (org, _) in new.participants.iter().take(200) {
            if !tx.organization_exists(*org).await? {
                problems.push(TrainingProblem::UnknownOrganization);
                break;
            }
        }
        if !problems.is_empty() {
            return Err(invalid(problems));
        }
        let id = tx.record_session(&permit, &new).await?;
        tx.commit().await?;
        Ok(id)
    }
}

/// The demo's training cascade over three levels: the coalition's trainer certifies two
/// members' trainers at a train-the-trainer session, one of whom certifies a third; each
/// trains staff. Every name is marked "Exemple".
pub(crate) mod demo {
    use jiff::civil::Date;
    use mosaique_domain::coalition::training::{Evaluation, NewProgram, NewSession, NewTrainer};
    use mosaique_domain::policy::Principal;
    use mosaique_domain::{OrgId, TrainerId, TrainingProgramId, TrainingSessionId};

    use crate::{App, AppResult};

    struct Given {
        program: TrainingProgramId,
        lead: TrainerId,
        days_ago: i32,
        region: Option<&'static str>,
        people: &'static [(usize, u32)],
    }

    impl App {
        /// `members` are the coalition's member organizations (at least one).
        pub(crate) async fn load_demo_trainings(
            &self,
            coalition: OrgId,
            members: &[OrgId],
            today: Date,
        ) -> AppResult<()> {
            let who = Principal::Operator;
            let Some(first) = members.first().copied() else {
                return Ok(());
            };
            let member = |i: usize| members.get(i).copied().unwrap_or(first);
            let ago = |days: i32| {
                today
                    .checked_sub(jiff::Span::new().days(days))
                    .unwrap_or(today)
            };
            let program = |title: &str, trains_trainers: bool| NewProgram {
                title: title.to_owned(),
                description:
                    "Exemple — Programme de la coalition, offert en français et en anglais."
                        .to_owned(),
                trains_trainers,
            };
            let identification = self
                .record_program(
                    &who,
                    coalition,
                    program("Exemple — Repérage et intervention", false),
                )
                .await?;
            let ttt = self
                .record_program(
                    &who,
                    coalition,
                    program("Exemple — Formation de formateurs et formatrices", true),
                )
                .await?;
            let trainer =
                |name: &str,
                 organization: Option<OrgId>,
                 days_ago: i32,
                 certified_in: Option<TrainingSessionId>| NewTrainer {
                    name: name.to_owned(),
                    organization,
                    certified_on: ago(days_ago),
                    valid_until: ago(days_ago - 3 * 365).into(),
                    certified_in,
                };
            let level1 = self
                .certify_trainer(
                    &who,
                    coalition,
                    trainer("Exemple — Formatrice de la coalition", None, 700, None),
                )
                .await?;
            let give = |g: Given| NewSession {
                program: g.program,
                held_on: ago(g.days_ago),
                minutes: 360,
                region: g.region.map(str::to_owned),
                place: if g.region.is_some() {
                    "Exemple — Salle de formation".to_owned()
                } else {
                    String::new()
                },
                online: g.region.is_none(),
                lead: g.lead,
                co_trainers: Vec::new(),
                participants: g.people.iter().map(|(i, n)| (member(*i), *n)).collect(),
                evaluation: Some(Evaluation {
                    responses: g.people.iter().map(|(_, n)| *n).sum::<u32>().div_ceil(2),
                    score_tenths: 44,
                }),
                note: String::new(),
            };
            let first_ttt = self
                .record_training_session(
                    &who,
                    coalition,
                    give(Given {
                        program: ttt,
                        lead: level1,
                        days_ago: 600,
                        region: Some("06"),
                        people: &[(1, 1), (2, 1)],
                    }),
                )
                .await?;
            let level2a = self
                .certify_trainer(
                    &who,
                    coalition,
                    trainer(
                        "Exemple — Formateur d’un organisme membre",
                        Some(member(1)),
                        600,
                        Some(first_ttt),
                    ),
                )
                .await?;
            let level2b = self
                .certify_trainer(
                    &who,
                    coalition,
                    trainer(
                        "Exemple — Formatrice d’un second organisme",
                        Some(member(2)),
                        600,
                        Some(first_ttt),
                    ),
                )
                .await?;
            let second_ttt = self
                .record_training_session(
                    &who,
                    coalition,
                    give(Given {
                        program: ttt,
                        lead: level2a,
                        days_ago: 300,
                        region: Some("03"),
                        people: &[(3, 1)],
                    }),
                )
                .await?;
            let level3 = self
                .certify_trainer(
                    &who,
                    coalition,
                    trainer(
                        "Exemple — Formateur formé dans la cascade",
                        Some(member(3)),
                        300,
                        Some(second_ttt),
                    ),
                )
                .await?;
            let staff_sessions = [
                (level1, 500, Some("06"), &[(0, 14), (4, 6)][..]),
                (level2a, 240, Some("06"), &[(1, 18)][..]),
                (level2b, 180, None, &[(2, 11), (0, 3)][..]),
                (level3, 60, Some("03"), &[(3, 9)][..]),
                (level3, 20, Some("03"), &[(3, 7), (4, 4)][..]),
            ];
            for (lead, days_ago, region, people) in staff_sessions {
                self.record_training_session(
                    &who,
                    coalition,
                    give(Given {
                        program: identification,
                        lead,
                        days_ago,
                        region,
                        people,
                    }),
                )
                .await?;
            }
            Ok(())
        }
    }
}
