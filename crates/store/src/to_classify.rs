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
        // Its sites as they are now: one the organization no longer has is left out, rather
        // than refusing the classification.
        let mut locations = Vec::new();
        for location in &waiting.locations {
            let owner: Option<String> = sqlx::query("SELECT org_id FROM locations WHERE id = $1")
                .bind(location.to_string())
                .fetch_optional(self.conn())
                .await?
                .map(|r| r.try_get("org_id"))
                .transpose()?;
            if owner.as_deref() == Some(waiting.org.to_string().as_str()) {
                locations.push(*location);
            }
        }
        let now = now_ms();
        save_service_in(
            &mut self.inner,
            waiting.org,
            id,
            !exists,
            &service,
            &locations,
            now,
        )
        .await?;
        directory_changed(&mut self.inner, now, &[Changed::Service(id)]).await?;
        // Its domains were chosen here: the source's next change to it is a conflict.
        crate::imports::edited_here(
            &mut self.inner,
            mosaique_domain::directory::sync::ObjectKind::Service,
            &id.to_string(),
            now,
        )
        .await?;
        let event = AuditEvent::new("service.classify", "service", Outcome::Success)
            .by_maybe(permit.who().audit_actor())
            .target(id);
        self.audit(&event).await?;
        Ok(Some(id))
    }
}

#[cfg(test)]
mod tests {
    use mosaique_domain::policy::Principal;

    use super::*;
    use crate::testing::{permit, synthetic_records};

    crate::db_test!(
        a_queued_service_is_classified_once_with_the_sites_its_organization_still_has,
        |db| {
            let import = permit(&Principal::Operator, DirectoryAction::Import, Directory);
            db.load_directory(&import, &synthetic_records(3, 10, 20))
                .await
                .unwrap();
            let locations = db.all_locations().await.unwrap();
            let ours = locations[0].clone();
            let theirs = locations
                .iter()
                .find(|l| l.org_id != ours.org_id)
                .expect("sites of two organizations")
                .clone();
            let mut service = db.all_services().await.unwrap()[0].to_new();
            service.domains.clear();
            service.terms.clear();
            let item = ToClassify {
                id: ServiceId::new(),
                org: ours.org_id,
                service,
                locations: vec![ours.id, theirs.id],
                suggested: None,
                source: "test".into(),
                queued_at: Timestamp::from_millis(0),
            };
            let mut tx = db.begin().await.unwrap();
            queue_in(&mut tx.inner, &[], std::slice::from_ref(&item), now_ms())
                .await
                .unwrap();
            tx.commit().await.unwrap();
            let classify = permit(&Principal::Operator, DirectoryAction::Classify, Directory);
            assert_eq!(db.services_to_classify(&classify).await.unwrap().len(), 1);
            // Not public while it waits.
            assert!(db.service(item.id).await.unwrap().is_none());

            let mut tx = db.begin().await.unwrap();
            let classified = tx
                .classify_service(&classify, item.id, &[ServiceDomain::Work])
                .await
                .unwrap();
            tx.commit().await.unwrap();
            assert_eq!(classified, Some(item.id));
            let saved = db.service(item.id).await.unwrap().expect("a service now");
            assert_eq!(saved.domains, [ServiceDomain::Work]);
            // Another organization's site is left out, not a reason to refuse.
            assert_eq!(saved.location_ids, [ours.id]);
            assert!(db.services_to_classify(&classify).await.unwrap().is_empty());

            // Classified once: a second attempt finds nothing.
            let mut tx = db.begin().await.unwrap();
            let again = tx
                .classify_service(&classify, item.id, &[ServiceDomain::Work])
                .await
                .unwrap();
            assert_eq!(again, None);
        }
    );
}
