//! Awareness and knowledge: the coalition's campaigns (with their materials from the
//! library and their reach) and the promising practices its members share.

use std::collections::HashMap;

use mosaique_domain::audit::{AuditEvent, Outcome};
use mosaique_domain::coalition::campaign::{Campaign, NewCampaign, Reach};
use mosaique_domain::coalition::practice::{NewPractice, Practice};
use mosaique_domain::policy::Permit;
use mosaique_domain::policy::coalition::{Workspace, WorkspaceAction};
use mosaique_domain::{Bilingual, CampaignId, OrgId, PracticeId, ResourceId, Timestamp};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::cases::{parse_id, parse_optional, vocab};
use crate::library::{joined, tags};
use crate::permits::require;
use crate::{StoreError, Tx, now_ms};

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("awareness: {what}"))
}

fn campaign(row: &AnyRow) -> Result<Campaign, StoreError> {
    let people: Option<i64> = row.try_get("reach_people")?;
    Ok(Campaign {
        id: parse_id(row, "id")?,
        coalition: parse_id(row, "coalition_id")?,
        title: Bilingual::new(row.try_get("title_fr")?, row.try_get("title_en")?),
        audiences: tags(row, "audiences")?,
        starts_on: parse_id(row, "starts_on")?,
        ends_on: parse_optional(row, "ends_on")?,
        materials: Vec::new(),
        reach: people
            .map(|p| {
                Ok::<_, StoreError>(Reach {
                    people: u64::try_from(p).map_err(|_| corrupt("reach_people"))?,
                    note: row.try_get("reach_note")?,
                })
            })
            .transpose()?,
        version: row.try_get("version")?,
    })
}

impl Tx {
    /// The permit's coalition's campaigns, the latest first, with their materials.
    pub async fn campaigns(
        &mut self,
        permit: &Permit<Workspace>,
    ) -> Result<Vec<Campaign>, StoreError> {
        require(permit, &[WorkspaceAction::View, WorkspaceAction::Run])?;
        let coalition = permit.resource().coalition.to_string();
        let mut campaigns = sqlx::query(
            "SELECT id, coalition_id, title_fr, title_en, audiences, starts_on, ends_on, \
             reach_people, reach_note, version FROM campaigns WHERE coalition_id = $1 \
             ORDER BY starts_on DESC, id DESC",
        )
        .bind(&coalition)
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(campaign)
        .collect::<Result<Vec<_>, _>>()?;
        let mut materials: HashMap<CampaignId, Vec<ResourceId>> = HashMap::new();
        for row in sqlx::query(
            "SELECT m.campaign_id, m.resource_id FROM campaign_materials m \
             JOIN campaigns c ON c.id = m.campaign_id WHERE c.coalition_id = $1 \
             ORDER BY m.resource_id",
        )
        .bind(&coalition)
        .fetch_all(self.conn())
        .await?
        {
            materials
                .entry(parse_id(&row, "campaign_id")?)
                .or_default()
                .push(parse_id(&row, "resource_id")?);
        }
        for c in &mut campaigns {
            c.materials = materials.remove(&c.id).unwrap_or_default();
        }
        Ok(campaigns)
    }

    /// Records a checked campaign.
    pub async fn add_campaign(
        &mut self,
        permit: &Permit<Workspace>,
        new: &NewCampaign,
    ) -> Result<CampaignId, StoreError> {
        require(permit, &[WorkspaceAction::Run])?;
        let id = CampaignId::new();
        sqlx::query(
            "INSERT INTO campaigns (id, coalition_id, title_fr, title_en, audiences, starts_on, \
             ends_on, reach_people, reach_note, created_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, '', $8, 1)",
        )
        .bind(id.to_string())
        .bind(permit.resource().coalition.to_string())
        .bind(new.title.fr.clone())
        .bind(new.title.en.clone())
        .bind(joined(&new.audiences))
        .bind(new.starts_on.to_string())
        .bind(new.ends_on.map(|d| d.to_string()))
        .bind(now_ms())
        .execute(self.conn())
        .await?;
        for material in &new.materials {
            sqlx::query(
                "INSERT INTO campaign_materials (campaign_id, resource_id) VALUES ($1, $2)",
            )
            .bind(id.to_string())
            .bind(material.to_string())
            .execute(self.conn())
            .await?;
        }
        let event = AuditEvent::new("campaign.add", "campaign", Outcome::Success)
            .by_maybe(permit.who().audit_actor())
            .target(id);
        self.audit(&event).await?;
        Ok(id)
    }

    /// Records a campaign's reach (checked by the caller), from the version read. `false`:
    /// it changed since, or is not the permit's coalition's.
    pub async fn record_reach(
        &mut self,
        permit: &Permit<Workspace>,
        id: CampaignId,
        version: i64,
        reach: &Reach,
    ) -> Result<bool, StoreError> {
        require(permit, &[WorkspaceAction::Run])?;
        let changed = sqlx::query(
            "UPDATE campaigns SET reach_people = $4, reach_note = $5, version = version + 1 \
             WHERE id = $1 AND coalition_id = $2 AND version = $3",
        )
        .bind(id.to_string())
        .bind(permit.resource().coalition.to_string())
        .bind(version)
        .bind(i64::try_from(reach.people).unwrap_or(i64::MAX))
        .bind(reach.note.clone())
        .execute(self.conn())
        .await?
        .rows_affected()
            == 1;
        if changed {
            let event = AuditEvent::new("campaign.reach", "campaign", Outcome::Success)
                .by_maybe(permit.who().audit_actor())
                .target(id);
            self.audit(&event).await?;
        }
        Ok(changed)
    }

    /// The permit's coalition's promising practices, the newest first.
    pub async fn practices(
        &mut self,
        permit: &Permit<Workspace>,
    ) -> Result<Vec<Practice>, StoreError> {
        require(permit, &[WorkspaceAction::View, WorkspaceAction::Run])?;
        sqlx::query(
            "SELECT p.id, p.coalition_id, p.title_fr, p.title_en, p.themes, p.what_worked, \
             p.context, p.evidence, p.evidence_note, p.organization_id, p.contact, p.added_at, \
             o.name_fr, o.name_en FROM practices p \
             LEFT JOIN organizations o ON o.id = p.organization_id \
             WHERE p.coalition_id = $1 ORDER BY p.added_at DESC, p.id DESC",
        )
        .bind(permit.resource().coalition.to_string())
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(|r| {
            let organization = match parse_optional::<OrgId>(r, "organization_id")? {
                Some(org) => Some((
                    org,
                    Bilingual::new(
                        r.try_get::<Option<String>, _>("name_fr")?
                            .unwrap_or_default(),
                        r.try_get::<Option<String>, _>("name_en")?
                            .unwrap_or_default(),
                    ),
                )),
                None => None,
            };
            Ok(Practice {
                id: parse_id(r, "id")?,
                coalition: parse_id(r, "coalition_id")?,
                title: Bilingual::new(r.try_get("title_fr")?, r.try_get("title_en")?),
                themes: tags(r, "themes")?,
                what_worked: r.try_get("what_worked")?,
                context: r.try_get("context")?,
                evidence: vocab(r, "evidence")?,
                evidence_note: r.try_get("evidence_note")?,
                organization,
                contact: r.try_get("contact")?,
                added_at: Timestamp(r.try_get("added_at")?),
            })
        })
        .collect()
    }

    /// Records a checked practice.
    pub async fn add_practice(
        &mut self,
        permit: &Permit<Workspace>,
        new: &NewPractice,
    ) -> Result<PracticeId, StoreError> {
        require(permit, &[WorkspaceAction::Run])?;
        let id = PracticeId::new();
        sqlx::query(
            "INSERT INTO practices (id, coalition_id, title_fr, title_en, themes, what_worked, \
             context, evidence, evidence_note, organization_id, contact, added_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(id.to_string())
        .bind(permit.resource().coalition.to_string())
        .bind(new.title.fr.clone())
        .bind(new.title.en.clone())
        .bind(joined(&new.themes))
        .bind(new.what_worked.clone())
        .bind(new.context.clone())
        .bind(new.evidence.key())
        .bind(new.evidence_note.clone())
        .bind(new.organization.map(|o| o.to_string()))
        .bind(new.contact.clone())
        .bind(now_ms())
        .execute(self.conn())
        .await?;
        let event = AuditEvent::new("practice.add", "practice", Outcome::Success)
            .by_maybe(permit.who().audit_actor())
            .target(id);
        self.audit(&event).await?;
        Ok(id)
    }
}

impl crate::Db {
    /// The coalition a campaign belongs to (the policy's fact), if it exists.
    pub async fn campaign_coalition(&self, id: CampaignId) -> Result<Option<OrgId>, StoreError> {
        sqlx::query("SELECT coalition_id FROM campaigns WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
            .map(|r| parse_id(&r, "coalition_id"))
            .transpose()
    }
}
