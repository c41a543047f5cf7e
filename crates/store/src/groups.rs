//! The coalition's working groups (comités): name, mandate and member organizations.
//! Their meetings are rows of `meetings` with the group's id. Every change is audited; the
//! members change only from the version their writer read.

use mosaique_domain::audit::{AuditEvent, Outcome};
use mosaique_domain::coalition::group::{Group, NewGroup};
use mosaique_domain::policy::Permit;
use mosaique_domain::policy::coalition::{Workspace, WorkspaceAction};
use mosaique_domain::{Bilingual, OrgId, Timestamp, WorkingGroupId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::cases::parse_id;
use crate::permits::require;
use crate::{Db, StoreError, Tx, now_ms};

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("working groups: {what}"))
}

const COLUMNS: &str = "id, coalition_id, name, mandate, members, created_at, version";

fn from_row(row: &AnyRow) -> Result<Group, StoreError> {
    let members: String = row.try_get("members")?;
    Ok(Group {
        id: parse_id(row, "id")?,
        coalition: parse_id(row, "coalition_id")?,
        name: row.try_get("name")?,
        mandate: row.try_get("mandate")?,
        members: members
            .split_whitespace()
            .map(|m| {
                m.parse()
                    .map(|id| (id, Bilingual::default()))
                    .map_err(|_| corrupt("member"))
            })
            .collect::<Result<_, _>>()?,
        created_at: Timestamp(row.try_get("created_at")?),
        version: row.try_get("version")?,
    })
}

fn members_text(members: &[OrgId]) -> String {
    members
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

impl Db {
    /// The coalition a working group belongs to (the policy's fact), if it exists.
    pub async fn group_coalition(&self, id: WorkingGroupId) -> Result<Option<OrgId>, StoreError> {
        sqlx::query("SELECT coalition_id FROM working_groups WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
            .map(|r| parse_id(&r, "coalition_id"))
            .transpose()
    }
}

impl Tx {
    /// The permit's coalition's working groups, by name, with their members' names.
    pub async fn groups(&mut self, permit: &Permit<Workspace>) -> Result<Vec<Group>, StoreError> {
        require(permit, &[WorkspaceAction::View, WorkspaceAction::Run])?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM working_groups WHERE coalition_id = $1 ORDER BY name, id"
        )))
        .bind(permit.resource().coalition.to_string())
        .fetch_all(self.conn())
        .await?;
        let mut groups = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
        self.name_members(&mut groups).await?;
        Ok(groups)
    }

    /// One working group of the permit's coalition.
    pub async fn group(
        &mut self,
        permit: &Permit<Workspace>,
        id: WorkingGroupId,
    ) -> Result<Option<Group>, StoreError> {
        require(permit, &[WorkspaceAction::View, WorkspaceAction::Run])?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM working_groups WHERE id = $1 AND coalition_id = $2"
        )))
        .bind(id.to_string())
        .bind(permit.resource().coalition.to_string())
        .fetch_optional(self.conn())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let mut groups = vec![from_row(&row)?];
        self.name_members(&mut groups).await?;
        Ok(groups.pop())
    }

    async fn name_members(&mut self, groups: &mut [Group]) -> Result<(), StoreError> {
        let ids: Vec<OrgId> = groups
            .iter()
            .flat_map(|g| g.members.iter().map(|(id, _)| *id))
            .collect();
        let facts = self.organization_facts(&ids).await?;
        for g in groups.iter_mut() {
            for (id, name) in g.members.iter_mut() {
                if let Some(f) = facts.get(id) {
                    *name = f.name.clone();
                }
            }
            g.members
                .sort_by(|a, b| (&a.1.fr, a.0).cmp(&(&b.1.fr, b.0)));
        }
        Ok(())
    }

    /// Creates a working group of the permit's coalition (checked by the caller).
    pub async fn record_group(
        &mut self,
        permit: &Permit<Workspace>,
        new: &NewGroup,
    ) -> Result<WorkingGroupId, StoreError> {
        require(permit, &[WorkspaceAction::Run])?;
        let id = WorkingGroupId::new();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO working_groups (id, coalition_id, name, mandate, members, created_at, \
             updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $6, 1)",
        )
        .bind(id.to_string())
        .bind(permit.resource().coalition.to_string())
        .bind(new.name.trim().to_owned())
        .bind(new.mandate.trim().to_owned())
        .bind(members_text(&new.members))
        .bind(now)
        .execute(self.conn())
        .await?;
        let event = AuditEvent::new("group.create", "working_group", Outcome::Success)
            .by_maybe(permit.who().audit_actor())
            .target(id);
        self.audit(&event).await?;
        Ok(id)
    }

    /// Sets a group's members (checked by the caller), from `version`. `false` when it
    /// changed since.
    pub async fn set_group_members(
        &mut self,
        permit: &Permit<Workspace>,
        id: WorkingGroupId,
        version: i64,
        members: &[OrgId],
    ) -> Result<bool, StoreError> {
        require(permit, &[WorkspaceAction::Run])?;
        let changed = sqlx::query(
            "UPDATE working_groups SET members = $4, updated_at = $5, version = version + 1 \
             WHERE id = $1 AND coalition_id = $2 AND version = $3",
        )
        .bind(id.to_string())
        .bind(permit.resource().coalition.to_string())
        .bind(version)
        .bind(members_text(members))
        .bind(now_ms())
        .execute(self.conn())
        .await?
        .rows_affected()
            == 1;
        if changed {
            let event = AuditEvent::new("group.members", "working_group", Outcome::Success)
                .by_maybe(permit.who().audit_actor())
                .target(id);
            self.audit(&event).await?;
        }
        Ok(changed)
    }
}
