//! The coalition's action plan and its meetings' action items, with every change of status
//! kept. A change is made only from the version its writer read, and audited.
use mosaique_domain::audit::{AuditEvent, Outcome};
use mosaique_domain::coalition::action::{Action, ActionStatus, NewAction, Pillar, Progress};
use mosaique_domain::policy::Permit;
use mosaique_domain::policy::coalition::{Workspace, WorkspaceAction};
use mosaique_domain::{ActionId, Bilingual, OrgId, Timestamp};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::cases::{parse_id, parse_optional};
use crate::permits::require;
use crate::{Db, Sql, StoreError, Tx, now_ms};

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("coalition actions: {what}"))
}

const COLUMNS: &str = "id, coalition_id, pillar, title, description, owner_id, partners, indicators, \
    status, due_on, public, meeting_id, updated_at, version";

fn from_row(row: &AnyRow) -> Result<Action, StoreError> {
    let pillar: Option<String> = row.try_get("pillar")?;
    let partners: String = row.try_get("partners")?;
    Ok(Action {
        id: parse_id(row, "id")?,
        coalition: parse_id(row, "coalition_id")?,
        pillar: pillar
            .map(|p| Pillar::from_key(&p).ok_or_else(|| corrupt("pillar")))
            .transpose()?,
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        owner: row
            .try_get::<Option<String>, _>("owner_id")?
            .map(|o| {
                o.parse()
                    .map(|id| (id, Bilingual::default()))
                    .map_err(|_| corrupt("owner"))
            })
            .transpose()?,
        partners: partners
            .split_whitespace()
            .map(|p| {
                p.parse()
                    .map(|id| (id, Bilingual::default()))
                    .map_err(|_| corrupt("partner"))
            })
            .collect::<Result<_, _>>()?,
        indicators: row.try_get("indicators")?,
        status: ActionStatus::from_key(&row.try_get::<String, _>("status")?)
            .ok_or_else(|| corrupt("status"))?,
        due_on: parse_optional(row, "due_on")?,
        public: row.try_get::<i64, _>("public")? != 0,
        meeting: row
            .try_get::<Option<String>, _>("meeting_id")?
            .map(|m| m.parse().map_err(|_| corrupt("meeting")))
            .transpose()?,
        progress: Vec::new(),
        updated_at: Timestamp(row.try_get("updated_at")?),
        version: row.try_get("version")?,
    })
}

impl Db {
    /// The coalition an action belongs to (the policy's fact), if it exists.
    pub async fn action_coalition(&self, id: ActionId) -> Result<Option<OrgId>, StoreError> {
        sqlx::query("SELECT coalition_id FROM coalition_actions WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
            .map(|r| parse_id(&r, "coalition_id"))
            .transpose()
    }
}

impl Tx {
    /// The permit's coalition's actions, by pillar then due day; with the public summary's
    /// permit, only those marked public. With their organizations' names and history.
    pub async fn actions(&mut self, permit: &Permit<Workspace>) -> Result<Vec<Action>, StoreError> {
        require(
            permit,
            &[
                WorkspaceAction::View,
                WorkspaceAction::Run,
                WorkspaceAction::ReadPublicPlan,
            ],
        )?;
        let public_only = if permit.action() == WorkspaceAction::ReadPublicPlan {
            " AND public = 1"
        } else {
            ""
        };
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM coalition_actions WHERE coalition_id = $1{public_only} \
             ORDER BY pillar, due_on, title, id"
        )))
        .bind(permit.resource().coalition.to_string())
        .fetch_all(self.conn())
        .await?;
        let mut actions = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
        self.complete(&mut actions).await?;
        Ok(actions)
    }

    /// One action of the permit's coalition.
    pub async fn action(
        &mut self,
        permit: &Permit<Workspace>,
        id: ActionId,
    ) -> Result<Option<Action>, StoreError> {
        require(permit, &[WorkspaceAction::View, WorkspaceAction::Run])?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM coalition_actions WHERE id = $1 AND coalition_id = $2"
        )))
        .bind(id.to_string())
        .bind(permit.resource().coalition.to_string())
        .fetch_optional(self.conn())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let mut actions = vec![from_row(&row)?];
        self.complete(&mut actions).await?;
        Ok(actions.pop())
    }

    /// Fills in the organizations' names and each action's history.
    async fn complete(&mut self, actions: &mut [Action]) -> Result<(), StoreError> {
        let orgs: Vec<OrgId> = actions
            .iter()
            .flat_map(|a| a.owner.iter().chain(a.partners.iter()).map(|(id, _)| *id))
            .collect();
        let facts = self.organization_facts(&orgs).await?;
        for a in actions.iter_mut() {
            for (id, name) in a.owner.iter_mut().chain(a.partners.iter_mut()) {
                if let Some(f) = facts.get(id) {
                    *name = f.name.clone();
                }
            }
        }
        for chunk in actions.chunks_mut(500) {
            let mut sql = Sql::new(
                "SELECT p.action_id, p.at, p.by_user, p.status, p.note, u.display_name \
                 FROM coalition_action_progress p LEFT JOIN users u ON u.id = p.by_user \
                 WHERE p.action_id IN (",
            );
            sql.bind_list(chunk.iter().map(|a| a.id.to_string()))
                .push(") ORDER BY p.at, p.id");
            for row in sql.query().fetch_all(self.conn()).await? {
                let action: ActionId = parse_id(&row, "action_id")?;
                let entry = Progress {
                    at: Timestamp(row.try_get("at")?),
                    by: row
                        .try_get::<Option<String>, _>("by_user")?
                        .map(|u| u.parse().map_err(|_| corrupt("by")))
                        .transpose()?,
                    by_name: row
                        .try_get::<Option<String>, _>("display_name")?
                        .unwrap_or_default(),
                    status: ActionStatus::from_key(&row.try_get::<String, _>("status")?)
                        .ok_or_else(|| corrupt("progress status"))?,
                    note: row.try_get("note")?,
                };
                if let Some(a) = chunk.iter_mut().find(|a| a.id == action) {
                    a.progress.push(entry);
                }
            }
        }
        Ok(())
    }

    /// Records an action of the permit's coalition (checked by the caller), planned.
    pub async fn record_action(
        &mut self,
        permit: &Permit<Workspace>,
        new: &NewAction,
    ) -> Result<ActionId, StoreError> {
        require(permit, &[WorkspaceAction::Run])?;
        let id = ActionId::new();
        let now = now_ms();
        let partners: Vec<String> = new.partners.iter().map(ToString::to_string).collect();
        sqlx::query(
            "INSERT INTO coalition_actions (id, coalition_id, pillar, title, description, owner_id, \
             partners, indicators, status, due_on, public, meeting_id, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'planned', $9, $10, $11, $12, $12, 1)",
        )
        .bind(id.to_string())
        .bind(permit.resource().coalition.to_string())
        .bind(new.pillar.map(|p| p.key()))
        .bind(new.title.trim().to_owned())
        .bind(new.description.trim().to_owned())
        .bind(new.owner.map(|o| o.to_string()))
        .bind(partners.join(" "))
        .bind(new.indicators.trim().to_owned())
        .bind(new.due_on.map(|d| d.to_string()))
        .bind(i64::from(new.public))
        .bind(new.meeting.map(|m| m.to_string()))
        .bind(now)
        .execute(self.conn())
        .await?;
        self.add_progress(permit, id, ActionStatus::Planned, "", now)
            .await?;
        let event = AuditEvent::new("action.record", "action", Outcome::Success)
            .by_maybe(permit.who().audit_actor())
            .target(id);
        self.audit(&event).await?;
        Ok(id)
    }

    /// Moves an action to `status` (or notes progress in the same one), from `version`.
    /// `false` when it changed since.
    pub async fn record_progress(
        &mut self,
        permit: &Permit<Workspace>,
        id: ActionId,
        version: i64,
        status: ActionStatus,
        note: &str,
    ) -> Result<bool, StoreError> {
        require(permit, &[WorkspaceAction::Run])?;
        let now = now_ms();
        let changed = sqlx::query(
            "UPDATE coalition_actions SET status = $4, updated_at = $5, version = version + 1 \
             WHERE id = $1 AND coalition_id = $2 AND version = $3",
        )
        .bind(id.to_string())
        .bind(permit.resource().coalition.to_string())
        .bind(version)
        .bind(status.key())
        .bind(now)
        .execute(self.conn())
        .await?
        .rows_affected()
            == 1;
        if !changed {
            return Ok(false);
        }
        self.add_progress(permit, id, status, note, now).await?;
        let event = AuditEvent::new("action.progress", "action", Outcome::Success)
            .by_maybe(permit.who().audit_actor())
            .target(id);
        self.audit(&event).await?;
        Ok(true)
    }

    async fn add_progress(
        &mut self,
        permit: &Permit<Workspace>,
        id: ActionId,
        status: ActionStatus,
        note: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO coalition_action_progress (id, action_id, at, by_user, status, note) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(id.to_string())
        .bind(now)
        .bind(permit.actor().map(|a| a.user_id.to_string()))
        .bind(status.key())
        .bind(note.trim().to_owned())
        .execute(self.conn())
        .await?;
        Ok(())
    }
}
