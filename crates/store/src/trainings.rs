//! The coalition's trainings: programs, certified trainers and the sessions they gave.
//! Every record is audited; participants are counts per organization, never names.

use std::collections::HashMap;

use jiff::civil::Date;
use mosaique_domain::audit::{AuditEvent, Outcome};
use mosaique_domain::coalition::training::{
    Evaluation, LeadTotals, NewProgram, NewSession, NewTrainer, Program, RegionTotals,
    SectorTotals, Session, Trainer, TrainingYear,
};
use mosaique_domain::policy::Permit;
use mosaique_domain::policy::coalition::{TrainingDelivery, Workspace, WorkspaceAction};
use mosaique_domain::{Bilingual, OrgId, Sector, TrainerId, TrainingProgramId, TrainingSessionId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::cases::{parse_id, parse_optional};
use crate::permits::require;
use crate::{Db, Sql, StoreError, Tx, now_ms};

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("trainings: {what}"))
}

/// What the cascade and the pages need of an organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgFacts {
    pub name: Bilingual<String>,
    pub sector: Option<Sector>,
}

const SESSION_COLUMNS: &str = "id, coalition_id, program_id, held_on, minutes, region, place, \
    online, lead_trainer_id, co_trainers, evaluations, evaluation_score, note";

/// A count summed by the database: PostgreSQL sums BIGINT as NUMERIC, so it is cast back.
fn count(row: &AnyRow, column: &str) -> Result<u64, StoreError> {
    u64::try_from(row.try_get::<Option<i64>, _>(column)?.unwrap_or(0)).map_err(|_| corrupt(column))
}

/// A session as stored, without its participants (see [`Tx::participants`]).
fn session_from_row(row: &AnyRow) -> Result<Session, StoreError> {
    let co_trainers: String = row.try_get("co_trainers")?;
    let evaluations: Option<i64> = row.try_get("evaluations")?;
    let score: Option<i64> = row.try_get("evaluation_score")?;
    Ok(Session {
        id: parse_id(row, "id")?,
        coalition: parse_id(row, "coalition_id")?,
        program: parse_id(row, "program_id")?,
        held_on: parse_id(row, "held_on")?,
        minutes: u32::try_from(row.try_get::<i64, _>("minutes")?)
            .map_err(|_| corrupt("minutes"))?,
        region: row.try_get("region")?,
        place: row.try_get("place")?,
        online: row.try_get::<i64, _>("online")? != 0,
        lead: parse_id(row, "lead_trainer_id")?,
        co_trainers: co_trainers
            .split_whitespace()
            .map(|t| t.parse().map_err(|_| corrupt("co-trainer")))
            .collect::<Result<_, _>>()?,
        participants: Vec::new(),
        evaluation: match (evaluations, score) {
            (Some(responses), Some(score)) => Some(Evaluation {
                responses: u32::try_from(responses).map_err(|_| corrupt("evaluations"))?,
                score_tenths: u16::try_from(score).map_err(|_| corrupt("score"))?,
            }),
            _ => None,
        },
        note: row.try_get("note")?,
    })
}

fn participant(row: &AnyRow) -> Result<(TrainingSessionId, OrgId, u32), StoreError> {
    Ok((
        parse_id(row, "session_id")?,
        parse_id(row, "organization_id")?,
        u32::try_from(row.try_get::<i64, _>("people")?).map_err(|_| corrupt("people"))?,
    ))
}

impl Db {
    /// The coalition a trainer belongs to (the policy's fact), if there is such a trainer.
    pub async fn trainer_coalition(&self, id: TrainerId) -> Result<Option<OrgId>, StoreError> {
        sqlx::query("SELECT coalition_id FROM trainers WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
            .map(|r| parse_id(&r, "coalition_id"))
            .transpose()
    }

    /// The coalition a training session belongs to (the policy's fact), if it exists.
    pub async fn training_session_coalition(
        &self,
        id: TrainingSessionId,
    ) -> Result<Option<OrgId>, StoreError> {
        sqlx::query("SELECT coalition_id FROM training_sessions WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
            .map(|r| parse_id(&r, "coalition_id"))
            .transpose()
    }

    /// The organization a trainer works for (the policy's fact), when the trainer is one of
    /// `coalition`'s: `None` when there is no such trainer, `Some(None)` for the coalition's
    /// own.
    pub async fn trainer_organization(
        &self,
        coalition: OrgId,
        trainer: TrainerId,
    ) -> Result<Option<Option<OrgId>>, StoreError> {
        sqlx::query("SELECT organization_id FROM trainers WHERE id = $1 AND coalition_id = $2")
            .bind(trainer.to_string())
            .bind(coalition.to_string())
            .fetch_optional(self.pool())
            .await?
            .map(|r| {
                r.try_get::<Option<String>, _>("organization_id")?
                    .map(|o| o.parse().map_err(|_| corrupt("organization")))
                    .transpose()
            })
            .transpose()
    }
}

impl Tx {
    /// The permit's coalition's training programs, by title.
    pub async fn training_programs(
        &mut self,
        permit: &Permit<Workspace>,
    ) -> Result<Vec<Program>, StoreError> {
        require(permit, &[WorkspaceAction::View, WorkspaceAction::Run])?;
        sqlx::query(
            "SELECT id, coalition_id, title, description, trains_trainers FROM training_programs \
             WHERE coalition_id = $1 ORDER BY title, id",
        )
        .bind(permit.resource().coalition.to_string())
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(|r| {
            Ok(Program {
                id: parse_id(r, "id")?,
                coalition: parse_id(r, "coalition_id")?,
                title: r.try_get("title")?,
                description: r.try_get("description")?,
                trains_trainers: r.try_get::<i64, _>("trains_trainers")? != 0,
            })
        })
        .collect()
    }

    /// The permit's coalition's trainers, by name, with their organization's name.
    pub async fn trainers(
        &mut self,
        permit: &Permit<Workspace>,
    ) -> Result<Vec<Trainer>, StoreError> {
        require(permit, &[WorkspaceAction::View, WorkspaceAction::Run])?;
        let rows = sqlx::query(
            "SELECT t.id, t.coalition_id, t.name, t.organization_id, t.certified_on, \
             t.valid_until, t.certified_in, c.lead_trainer_id AS trained_by, o.name_fr, o.name_en \
             FROM trainers t LEFT JOIN organizations o ON o.id = t.organization_id \
             LEFT JOIN training_sessions c ON c.id = t.certified_in \
             WHERE t.coalition_id = $1 ORDER BY t.name, t.id",
        )
        .bind(permit.resource().coalition.to_string())
        .fetch_all(self.conn())
        .await?;
        rows.iter()
            .map(|r| {
                let organization = match r.try_get::<Option<String>, _>("organization_id")? {
                    Some(id) => Some((
                        id.parse().map_err(|_| corrupt("organization"))?,
                        Bilingual::new(
                            r.try_get::<Option<String>, _>("name_fr")?
                                .unwrap_or_default(),
                            r.try_get::<Option<String>, _>("name_en")?
                                .unwrap_or_default(),
                        ),
                    )),
                    None => None,
                };
                Ok(Trainer {
                    id: parse_id(r, "id")?,
                    coalition: parse_id(r, "coalition_id")?,
                    name: r.try_get("name")?,
                    organization,
                    certified_on: parse_id(r, "certified_on")?,
                    valid_until: parse_optional(r, "valid_until")?,
                    certified_in: r
                        .try_get::<Option<String>, _>("certified_in")?
                        .map(|s| s.parse().map_err(|_| corrupt("certified in")))
                        .transpose()?,
                    trained_by: r
                        .try_get::<Option<String>, _>("trained_by")?
                        .map(|s| s.parse().map_err(|_| corrupt("trained by")))
                        .transpose()?,
                })
            })
            .collect()
    }

    /// The permit's coalition's sessions, the most recent first.
    pub async fn training_sessions(
        &mut self,
        permit: &Permit<Workspace>,
    ) -> Result<Vec<Session>, StoreError> {
        require(permit, &[WorkspaceAction::View, WorkspaceAction::Run])?;
        let coalition = permit.resource().coalition.to_string();
        let mut sessions = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SESSION_COLUMNS} FROM training_sessions WHERE coalition_id = $1 \
             ORDER BY held_on DESC, id DESC"
        )))
        .bind(&coalition)
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(session_from_row)
        .collect::<Result<Vec<_>, _>>()?;
        let rows = sqlx::query(
            "SELECT session_id, organization_id, people FROM training_participants \
             WHERE coalition_id = $1 ORDER BY session_id, organization_id",
        )
        .bind(&coalition)
        .fetch_all(self.conn())
        .await?;
        let mut by_session: HashMap<TrainingSessionId, Vec<(OrgId, u32)>> = HashMap::new();
        for row in &rows {
            let (session, org, people) = participant(row)?;
            by_session.entry(session).or_default().push((org, people));
        }
        for s in &mut sessions {
            s.participants = by_session.remove(&s.id).unwrap_or_default();
        }
        Ok(sessions)
    }

    /// One session of the permit's coalition.
    pub async fn training_session(
        &mut self,
        permit: &Permit<Workspace>,
        id: TrainingSessionId,
    ) -> Result<Option<Session>, StoreError> {
        require(permit, &[WorkspaceAction::View, WorkspaceAction::Run])?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SESSION_COLUMNS} FROM training_sessions WHERE id = $1 AND coalition_id = $2"
        )))
        .bind(id.to_string())
        .bind(permit.resource().coalition.to_string())
        .fetch_optional(self.conn())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let mut session = session_from_row(&row)?;
        session.participants = sqlx::query(
            "SELECT session_id, organization_id, people FROM training_participants \
             WHERE session_id = $1 ORDER BY organization_id",
        )
        .bind(id.to_string())
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(|r| participant(r).map(|(_, org, people)| (org, people)))
        .collect::<Result<_, _>>()?;
        Ok(Some(session))
    }

    /// Sessions and people trained per year, for the participation dashboard.
    pub async fn training_years(
        &mut self,
        permit: &Permit<Workspace>,
    ) -> Result<Vec<TrainingYear>, StoreError> {
        require(permit, &[WorkspaceAction::View])?;
        sqlx::query(
            "SELECT substr(held_on, 1, 4) AS year, COUNT(*) AS sessions, \
             CAST(SUM(people) AS BIGINT) AS people FROM training_sessions \
             WHERE coalition_id = $1 GROUP BY substr(held_on, 1, 4)",
        )
        .bind(permit.resource().coalition.to_string())
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(|r| {
            Ok(TrainingYear {
                year: r
                    .try_get::<String, _>("year")?
                    .parse()
                    .map_err(|_| corrupt("year"))?,
                sessions: usize::try_from(count(r, "sessions")?)
                    .map_err(|_| corrupt("sessions"))?,
                people: count(r, "people")?,
            })
        })
        .collect()
    }

    /// What each lead trainer gave, and the people trained by region (where sessions were
    /// given) and by sector (of the participants' organizations), summed by the database.
    pub async fn training_totals(
        &mut self,
        permit: &Permit<Workspace>,
    ) -> Result<(Vec<LeadTotals>, Vec<RegionTotals>, Vec<SectorTotals>), StoreError> {
        require(permit, &[WorkspaceAction::View])?;
        let coalition = permit.resource().coalition.to_string();
        let led = sqlx::query(
            "SELECT lead_trainer_id, COUNT(*) AS sessions, CAST(SUM(people) AS BIGINT) AS people \
             FROM training_sessions WHERE coalition_id = $1 GROUP BY lead_trainer_id",
        )
        .bind(&coalition)
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(|r| {
            Ok(LeadTotals {
                trainer: parse_id(r, "lead_trainer_id")?,
                sessions: usize::try_from(count(r, "sessions")?)
                    .map_err(|_| corrupt("sessions"))?,
                people: count(r, "people")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        let regions = sqlx::query(
            "SELECT region, COUNT(*) AS sessions, CAST(SUM(people) AS BIGINT) AS people \
             FROM training_sessions WHERE coalition_id = $1 GROUP BY region",
        )
        .bind(&coalition)
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(|r| {
            Ok(RegionTotals {
                region: r.try_get("region")?,
                sessions: usize::try_from(count(r, "sessions")?)
                    .map_err(|_| corrupt("sessions"))?,
                people: count(r, "people")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        // People per organization (a few hundred rows), then per its sector.
        let per_org = sqlx::query(
            "SELECT organization_id, CAST(SUM(people) AS BIGINT) AS people \
             FROM training_participants WHERE coalition_id = $1 GROUP BY organization_id",
        )
        .bind(&coalition)
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(|r| Ok((parse_id(r, "organization_id")?, count(r, "people")?)))
        .collect::<Result<Vec<(OrgId, u64)>, StoreError>>()?;
        let orgs: Vec<OrgId> = per_org.iter().map(|(o, _)| *o).collect();
        let facts = self.organization_facts(&orgs).await?;
        let mut sectors: Vec<SectorTotals> = Vec::new();
        for (org, people) in per_org {
            let sector = facts.get(&org).and_then(|f| f.sector);
            match sectors.iter_mut().find(|s| s.sector == sector) {
                Some(s) => s.people += people,
                None => sectors.push(SectorTotals { sector, people }),
            }
        }
        Ok((led, regions, sectors))
    }

    /// Names and sectors of organizations (those not in the directory are left out).
    pub async fn organization_facts(
        &mut self,
        orgs: &[OrgId],
    ) -> Result<HashMap<OrgId, OrgFacts>, StoreError> {
        let mut ids: Vec<String> = orgs.iter().map(ToString::to_string).collect();
        ids.sort();
        ids.dedup();
        let mut facts = HashMap::new();
        for chunk in ids.chunks(500) {
            let mut sql =
                Sql::new("SELECT id, name_fr, name_en, sector FROM organizations WHERE id IN (");
            sql.bind_list(chunk.iter().cloned()).push(")");
            for row in sql.query().fetch_all(self.conn()).await? {
                facts.insert(
                    parse_id(&row, "id")?,
                    OrgFacts {
                        name: Bilingual::new(row.try_get("name_fr")?, row.try_get("name_en")?),
                        sector: row
                            .try_get::<Option<String>, _>("sector")?
                            .and_then(|s| s.parse().ok()),
                    },
                );
            }
        }
        Ok(facts)
    }

    /// Records a program (checked by the caller).
    pub async fn record_program(
        &mut self,
        permit: &Permit<Workspace>,
        new: &NewProgram,
    ) -> Result<TrainingProgramId, StoreError> {
        require(permit, &[WorkspaceAction::Run])?;
        let id = TrainingProgramId::new();
        sqlx::query(
            "INSERT INTO training_programs (id, coalition_id, title, description, \
             trains_trainers, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id.to_string())
        .bind(permit.resource().coalition.to_string())
        .bind(new.title.trim().to_owned())
        .bind(new.description.trim().to_owned())
        .bind(i64::from(new.trains_trainers))
        .bind(now_ms())
        .execute(self.conn())
        .await?;
        let event = AuditEvent::new("training.program", "training", Outcome::Success)
            .by_maybe(permit.who().audit_actor())
            .target(id);
        self.audit(&event).await?;
        Ok(id)
    }

    /// Renews (or ends) a trainer's certification: its new last day, `None` for no end
    /// (checked by the caller). `false` when the trainer is not the permit's coalition's.
    pub async fn renew_trainer(
        &mut self,
        permit: &Permit<Workspace>,
        id: TrainerId,
        valid_until: Option<Date>,
    ) -> Result<bool, StoreError> {
        require(permit, &[WorkspaceAction::Run])?;
        let renewed =
            sqlx::query("UPDATE trainers SET valid_until = $3 WHERE id = $1 AND coalition_id = $2")
                .bind(id.to_string())
                .bind(permit.resource().coalition.to_string())
                .bind(valid_until.map(|d| d.to_string()))
                .execute(self.conn())
                .await?
                .rows_affected()
                == 1;
        if renewed {
            let event = AuditEvent::new("training.renew", "training", Outcome::Success)
                .by_maybe(permit.who().audit_actor())
                .target(id);
            self.audit(&event).await?;
        }
        Ok(renewed)
    }

    /// Certifies a trainer (checked by the caller).
    pub async fn certify_trainer(
        &mut self,
        permit: &Permit<Workspace>,
        new: &NewTrainer,
    ) -> Result<TrainerId, StoreError> {
        require(permit, &[WorkspaceAction::Run])?;
        let id = TrainerId::new();
        sqlx::query(
            "INSERT INTO trainers (id, coalition_id, name, organization_id, certified_on, \
             valid_until, certified_in, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id.to_string())
        .bind(permit.resource().coalition.to_string())
        .bind(new.name.trim().to_owned())
        .bind(new.organization.map(|o| o.to_string()))
        .bind(new.certified_on.to_string())
        .bind(new.valid_until.map(|d| d.to_string()))
        .bind(new.certified_in.map(|s| s.to_string()))
        .bind(now_ms())
        .execute(self.conn())
        .await?;
        let event = AuditEvent::new("training.certify", "training", Outcome::Success)
            .by_maybe(permit.who().audit_actor())
            .target(id);
        self.audit(&event).await?;
        Ok(id)
    }

    /// Records a session given (checked by the caller).
    pub async fn record_session(
        &mut self,
        permit: &Permit<TrainingDelivery>,
        new: &NewSession,
    ) -> Result<TrainingSessionId, StoreError> {
        let id = TrainingSessionId::new();
        let co_trainers: Vec<String> = new.co_trainers.iter().map(ToString::to_string).collect();
        sqlx::query(
            "INSERT INTO training_sessions (id, coalition_id, program_id, held_on, minutes, \
             region, place, online, lead_trainer_id, co_trainers, people, evaluations, \
             evaluation_score, note, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        )
        .bind(id.to_string())
        .bind(permit.resource().coalition.to_string())
        .bind(new.program.to_string())
        .bind(new.held_on.to_string())
        .bind(i64::from(new.minutes))
        .bind(new.region.clone())
        .bind(new.place.trim().to_owned())
        .bind(i64::from(new.online))
        .bind(new.lead.to_string())
        .bind(co_trainers.join(" "))
        .bind(
            new.participants
                .iter()
                .map(|(_, n)| i64::from(*n))
                .sum::<i64>(),
        )
        .bind(new.evaluation.map(|e| i64::from(e.responses)))
        .bind(new.evaluation.map(|e| i64::from(e.score_tenths)))
        .bind(new.note.trim().to_owned())
        .bind(permit.actor().map(|a| a.user_id.to_string()))
        .bind(now_ms())
        .execute(self.conn())
        .await?;
        for (org, people) in &new.participants {
            sqlx::query(
                "INSERT INTO training_participants (session_id, coalition_id, organization_id, \
                 people) VALUES ($1, $2, $3, $4)",
            )
            .bind(id.to_string())
            .bind(permit.resource().coalition.to_string())
            .bind(org.to_string())
            .bind(i64::from(*people))
            .execute(self.conn())
            .await?;
        }
        let event = AuditEvent::new("training.session", "training", Outcome::Success)
            .by_maybe(permit.who().audit_actor())
            .target(id);
        self.audit(&event).await?;
        Ok(id)
    }
}
