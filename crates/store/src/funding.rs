//! Funding: grants, the reports due to their funders, and the plan's actions each pays for.
//! A report is marked submitted from the grant's version read.

use std::collections::HashMap;

use jiff::civil::Date;
use mosaique_domain::audit::{AuditEvent, Outcome};
use mosaique_domain::coalition::funding::{Grant, NewGrant, ReportDue};
use mosaique_domain::policy::Permit;
use mosaique_domain::policy::coalition::{Workspace, WorkspaceAction};
use mosaique_domain::{ActionId, GrantId, OrgId};
use sqlx::Row;

use crate::cases::{parse_id, parse_optional};
use crate::permits::require;
use crate::{StoreError, Tx, now_ms};

impl Tx {
    /// The permit's coalition's grants, the latest first, with their reports (by due day)
    /// and activities.
    pub async fn grants(&mut self, permit: &Permit<Workspace>) -> Result<Vec<Grant>, StoreError> {
        require(permit, &[WorkspaceAction::View, WorkspaceAction::Run])?;
        let coalition = permit.resource().coalition.to_string();
        let mut grants = sqlx::query(
            "SELECT id, coalition_id, funder, title, amount_cents, starts_on, ends_on, version \
             FROM grants WHERE coalition_id = $1 ORDER BY starts_on DESC, id DESC",
        )
        .bind(&coalition)
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(|r| {
            Ok(Grant {
                id: parse_id(r, "id")?,
                coalition: parse_id(r, "coalition_id")?,
                funder: r.try_get("funder")?,
                title: r.try_get("title")?,
                amount_cents: r.try_get("amount_cents")?,
                starts_on: parse_id(r, "starts_on")?,
                ends_on: parse_id(r, "ends_on")?,
                reports: Vec::new(),
                activities: Vec::new(),
                version: r.try_get("version")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        let mut reports: HashMap<GrantId, Vec<ReportDue>> = HashMap::new();
        for r in sqlx::query(
            "SELECT r.grant_id, r.due_on, r.label, r.submitted_on FROM grant_reports r \
             JOIN grants g ON g.id = r.grant_id WHERE g.coalition_id = $1 ORDER BY r.due_on",
        )
        .bind(&coalition)
        .fetch_all(self.conn())
        .await?
        {
            reports
                .entry(parse_id(&r, "grant_id")?)
                .or_default()
                .push(ReportDue {
                    due_on: parse_id(&r, "due_on")?,
                    label: r.try_get("label")?,
                    submitted_on: parse_optional(&r, "submitted_on")?,
                });
        }
        let mut activities: HashMap<GrantId, Vec<ActionId>> = HashMap::new();
        for r in sqlx::query(
            "SELECT a.grant_id, a.action_id FROM grant_activities a \
             JOIN grants g ON g.id = a.grant_id WHERE g.coalition_id = $1 ORDER BY a.action_id",
        )
        .bind(&coalition)
        .fetch_all(self.conn())
        .await?
        {
            activities
                .entry(parse_id(&r, "grant_id")?)
                .or_default()
                .push(parse_id(&r, "action_id")?);
        }
        for g in &mut grants {
            g.reports = reports.remove(&g.id).unwrap_or_default();
            g.activities = activities.remove(&g.id).unwrap_or_default();
        }
        Ok(grants)
    }

    /// Records a checked grant.
    pub async fn add_grant(
        &mut self,
        permit: &Permit<Workspace>,
        new: &NewGrant,
    ) -> Result<GrantId, StoreError> {
        require(permit, &[WorkspaceAction::Run])?;
        let id = GrantId::new();
        sqlx::query(
            "INSERT INTO grants (id, coalition_id, funder, title, amount_cents, starts_on, \
             ends_on, created_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1)",
        )
        .bind(id.to_string())
        .bind(permit.resource().coalition.to_string())
        .bind(new.funder.clone())
        .bind(new.title.clone())
        .bind(new.amount_cents)
        .bind(new.starts_on.to_string())
        .bind(new.ends_on.to_string())
        .bind(now_ms())
        .execute(self.conn())
        .await?;
        for (due_on, label) in &new.reports {
            sqlx::query(
                "INSERT INTO grant_reports (grant_id, due_on, label, submitted_on) \
                 VALUES ($1, $2, $3, NULL)",
            )
            .bind(id.to_string())
            .bind(due_on.to_string())
            .bind(label.clone())
            .execute(self.conn())
            .await?;
        }
        for action in &new.activities {
            sqlx::query("INSERT INTO grant_activities (grant_id, action_id) VALUES ($1, $2)")
                .bind(id.to_string())
                .bind(action.to_string())
                .execute(self.conn())
                .await?;
        }
        let event = AuditEvent::new("grant.add", "grant", Outcome::Success)
            .by_maybe(permit.who().audit_actor())
            .target(id);
        self.audit(&event).await?;
        Ok(id)
    }

    /// Marks a report submitted on `on` (checked by the caller), from the grant's version.
    /// `false`: the grant changed since, or is not the permit's coalition's.
    pub async fn submit_report(
        &mut self,
        permit: &Permit<Workspace>,
        id: GrantId,
        version: i64,
        due_on: Date,
        on: Date,
    ) -> Result<bool, StoreError> {
        require(permit, &[WorkspaceAction::Run])?;
        let bumped = sqlx::query(
            "UPDATE grants SET version = version + 1 WHERE id = $1 AND coalition_id = $2 \
             AND version = $3",
        )
        .bind(id.to_string())
        .bind(permit.resource().coalition.to_string())
        .bind(version)
        .execute(self.conn())
        .await?
        .rows_affected()
            == 1;
        if !bumped {
            return Ok(false);
        }
        sqlx::query(
            "UPDATE grant_reports SET submitted_on = $3 WHERE grant_id = $1 AND due_on = $2",
        )
        .bind(id.to_string())
        .bind(due_on.to_string())
        .bind(on.to_string())
        .execute(self.conn())
        .await?;
        let event = AuditEvent::new("grant.report", "grant", Outcome::Success)
            .by_maybe(permit.who().audit_actor())
            .target(id);
        self.audit(&event).await?;
        Ok(true)
    }
}

impl crate::Db {
    /// The coalition a grant belongs to (the policy's fact), if it exists.
    pub async fn grant_coalition(&self, id: GrantId) -> Result<Option<OrgId>, StoreError> {
        sqlx::query("SELECT coalition_id FROM grants WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
            .map(|r| parse_id(&r, "coalition_id"))
            .transpose()
    }
}
