//! Services an import could not place in any domain, until a coalition administrator
//! classifies them (`mosaique_domain::directory::to_classify`).

use mosaique_domain::audit::{AuditEvent, Outcome};
use mosaique_domain::directory::to_classify::ToClassify;
use mosaique_domain::policy::Permit;
use mosaique_domain::policy::directory::{Directory, DirectoryAction};
use mosaique_domain::{ServiceDomain, ServiceId, Timestamp};
use sqlx::Row;

use crate::changes::{Changed, directory_changed};
use crate::permits::require;
use crate::services::save_service_in;
use crate::{Db, StoreError, Tx, now_ms};

fn corrupt() -> StoreError {
    StoreError::Corrupt("service to classify".into())
}

/// Queues services to classify, in an import's transaction (a second import of the same
/// package replaces what it queued before). `placed` are the services the import did place:
/// an earlier import's queued copy of one of them is withdrawn, so classifying it later can
/// never bring back that older copy.
pub(crate) async fn queue_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    placed: &[ServiceId],
    items: &[ToClassify],
    now: i64,
) -> Result<(), StoreError> {
    // The queue is small (what people have yet to classify): read it, not the import.
    let waiting: Vec<String> = sqlx::query("SELECT id FROM services_to_classify")
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<Result<_, _>>()?;
    if !waiting.is_empty() {
        let placed: std::collections::HashSet<String> =
            placed.iter().map(ToString::to_string).collect();
        for id in waiting.iter().filter(|id| placed.contains(*id)) {
            sqlx::query("DELETE FROM services_to_classify WHERE id = $1")
                .bind(id.clone())
                .execute(&mut **tx)
                .await?;
        }
    }
    for item in items {
        let service =
            serde_json::to_string(&item.service).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let locations: Vec<String> = item.locations.iter().map(ToString::to_string).collect();
        sqlx::query("DELETE FROM services_to_classify WHERE id = $1")
            .bind(item.id.to_string())
            .execute(&mut **tx)
            .await?;
        sqlx::query(
            "INSERT INTO services_to_classify (id, org_id, service, locations, suggested, source, \
             queued_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(item.id.to_string())
        .bind(item.org.to_string())
        .bind(service)
        .bind(locations.join(" "))
        .bind(item.suggested.map(|d| d.key().to_owned()))
        .bind(item.source.clone())
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

fn item(row: &sqlx::any::AnyRow) -> Result<ToClassify, StoreError> {
    let text = |column: &str| -> Result<String, StoreError> { Ok(row.try_get(column)?) };
    let suggested: Option<String> = row.try_get("suggested")?;
    Ok(ToClassify {
        id: text("id")?.parse().map_err(|_| corrupt())?,
        org: text("org_id")?.parse().map_err(|_| corrupt())?,
        service: serde_json::from_str(&text("service")?).map_err(|_| corrupt())?,
        locations: text("locations")?
            .split_whitespace()
            .map(|id| id.parse().map_err(|_| corrupt()))
            .collect::<Result<_, _>>()?,
        suggested: suggested
            .map(|d| d.parse::<ServiceDomain>().map_err(|_| corrupt()))
            .transpose()?,
        source: text("source")?,
        queued_at: Timestamp::from_millis(row.try_get("queued_at")?),
    })
}

impl Db {
    /// The services waiting for a domain, oldest first.
    pub async fn services_to_classify(
        &self,
        permit: &Permit<Directory>,
    ) -> Result<Vec<ToClassify>, StoreError> {
        require(permit, &[DirectoryAction::Classify])?;
        let rows = sqlx::query(
            "SELECT id, org_id, service, locations, suggested, source, queued_at \
             FROM services_to_classify ORDER BY queued_at, id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(item).collect()
    }
}

impl Tx {
    /// Gives a waiting service its domains: it becomes a service of its organization (public
    /// from the next search refresh) and leaves the queue. `None` when it is no longer
    /// waiting (another administrator classified it first).
    pub async fn classify_service(
        &mut self,
        permit: &Permit<Directory>,
        id: ServiceId,
        domains: &[ServiceDomain],
    ) -> Result<Option<ServiceId>, StoreError> {
        require(permit, &[DirectoryAction::Classify])?;
        // Taken off the queue first: of two administrators classifying it at once, the
        // second finds nothing (the transaction rolls back if anything below fails).
        let Some(row) = sqlx::query(
            "DELETE FROM services_to_classify WHERE id = $1 \
             RETURNING id, org_id, service, locations, suggested, source, queued_at",
        )
        .bind(id.to_string())
        .fetch_optional(self.conn())
        .await?
        else {
            return Ok(None);
        };
        let waiting = item(&row)?;
        let service = waiting
            .classified(domains)
            .map_err(|problems| StoreError::invalid(&problems))?;
        let exists = sqlx::query("SELECT id FROM services WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.conn())
            .await?
            .is_some();
        let now = now_ms();
        save_service_in(
            &mut self.inner,
            waiting.org,
            id,
            !exists,
            &service,
            &waiting.locations,
            now,
        )
        .await?;
        directory_changed(&mut self.inner, now, &[Changed::Service(id)]).await?;
        let event = AuditEvent::new("service.classify", "service", Outcome::Success)
            .by_maybe(permit.who().audit_actor())
            .target(id);
        self.audit(&event).await?;
        Ok(Some(id))
    }
}
