//! The directory change counter and its log. Every directory write bumps the counter in
//! its transaction and names what it changed, so each app server's search snapshot reads
//! exactly those rows and applies them in place; a bulk write names nothing, and every
//! snapshot rebuilds.

use mosaique_domain::service::{Location, Service};
use mosaique_domain::{LocationId, OrgId, Organization, ServiceId};
use sqlx::Row;

use crate::{Db, StoreError};

/// How long the log is kept: a snapshot older than this rebuilds.
const CHANGE_LOG_MS: i64 = 7 * 24 * 3600 * 1000;
/// More changed rows than this are read as a rebuild: one pass over the tables is cheaper.
const MAX_CHANGED: usize = 500;

/// One changed row of the directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Changed {
    Service(ServiceId),
    Organization(OrgId),
    Location(LocationId),
}

impl Changed {
    fn kind_and_id(self) -> (&'static str, String) {
        match self {
            Changed::Service(id) => ("service", id.to_string()),
            Changed::Organization(id) => ("organization", id.to_string()),
            Changed::Location(id) => ("location", id.to_string()),
        }
    }
}

/// What changed in the directory between two versions, as it is now.
#[derive(Debug, Clone, Default)]
pub struct DirectoryChanges {
    pub services: Vec<Service>,
    pub organizations: Vec<Organization>,
    pub locations: Vec<Location>,
}

async fn bump(tx: &mut sqlx::Transaction<'_, sqlx::Any>, now: i64) -> Result<i64, StoreError> {
    Ok(sqlx::query(
        "UPDATE change_counters SET version = version + 1, updated_at = $1 WHERE name = $2 RETURNING version",
    )
    .bind(now)
    .bind("directory")
    .fetch_one(&mut **tx)
    .await?
    .try_get("version")?)
}

/// Bumps the directory counter and logs what the new version changed.
pub(crate) async fn directory_changed(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    now: i64,
    items: &[Changed],
) -> Result<i64, StoreError> {
    let version = bump(tx, now).await?;
    for item in items {
        let (kind, id) = item.kind_and_id();
        sqlx::query(
            "INSERT INTO directory_changes (version, kind, item_id, changed_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (version, kind, item_id) DO NOTHING",
        )
        .bind(version)
        .bind(kind)
        .bind(id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query("DELETE FROM directory_changes WHERE changed_at < $1")
        .bind(now - CHANGE_LOG_MS)
        .execute(&mut **tx)
        .await?;
    Ok(version)
}

/// Bumps the directory counter without naming rows: a bulk write, every snapshot rebuilds.
pub(crate) async fn directory_reloaded(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    now: i64,
) -> Result<i64, StoreError> {
    bump(tx, now).await
}

impl Db {
    /// A counter that moves on every directory change; search indexes poll it.
    pub async fn directory_version(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT version FROM change_counters WHERE name = $1")
            .bind("directory")
            .fetch_one(self.pool())
            .await?;
        Ok(row.try_get("version")?)
    }

    /// The rows changed by the versions after `version` up to `current`, as they are now,
    /// or `None` when the log does not account for every version in between (a bulk load,
    /// pruned rows, or more rows than a rebuild costs): then the snapshot rebuilds.
    pub async fn directory_changes_after(
        &self,
        version: i64,
        current: i64,
    ) -> Result<Option<DirectoryChanges>, StoreError> {
        // Counted first: a snapshot a week old would otherwise fetch a week of rows only to
        // rebuild anyway.
        let counts = sqlx::query(
            "SELECT COUNT(DISTINCT version) AS versions, COUNT(*) AS items FROM directory_changes \
             WHERE version > $1 AND version <= $2",
        )
        .bind(version)
        .bind(current)
        .fetch_one(self.pool())
        .await?;
        let versions: i64 = counts.try_get("versions")?;
        let rows: i64 = counts.try_get("items")?;
        if versions != current - version || rows > MAX_CHANGED as i64 {
            return Ok(None);
        }
        let rows = sqlx::query(
            "SELECT kind, item_id FROM directory_changes WHERE version > $1 AND version <= $2",
        )
        .bind(version)
        .bind(current)
        .fetch_all(self.pool())
        .await?;
        let mut items = std::collections::BTreeSet::new();
        for row in &rows {
            items.insert((
                row.try_get::<String, _>("kind")?,
                row.try_get::<String, _>("item_id")?,
            ));
        }
        let corrupt = |what: &str| StoreError::Corrupt(format!("directory change {what}"));
        let mut changes = DirectoryChanges::default();
        for (kind, id) in items {
            match kind.as_str() {
                "service" => {
                    let id: ServiceId = id.parse().map_err(|_| corrupt("service id"))?;
                    changes.services.extend(self.service(id).await?);
                }
                "organization" => {
                    let id: OrgId = id.parse().map_err(|_| corrupt("organization id"))?;
                    changes.organizations.extend(self.organization(id).await?);
                }
                "location" => {
                    let id: LocationId = id.parse().map_err(|_| corrupt("location id"))?;
                    changes.locations.extend(self.location(id).await?);
                }
                // Written by a newer version of Mosaïque: not something this one can apply.
                _ => return Ok(None),
            }
        }
        Ok(Some(changes))
    }
}

#[cfg(test)]
mod tests {
    use mosaique_domain::synthetic::directory;

    use mosaique_domain::policy::Principal;
    use mosaique_domain::policy::directory::{Directory, DirectoryAction, Listing, ListingAction};

    use crate::db_test;
    use crate::testing::{permit, synthetic_records};

    db_test!(
        each_write_names_what_it_changed_and_a_bulk_load_names_nothing,
        |db| {
            let before = db.directory_version().await.unwrap();
            let synthetic = directory(5, 3, 6);
            let import = permit(&Principal::Operator, DirectoryAction::Import, Directory);
            db.load_directory(&import, &synthetic_records(5, 3, 6))
                .await
                .unwrap();
            let loaded = db.directory_version().await.unwrap();
            assert!(loaded > before);
            assert!(
                db.directory_changes_after(before, loaded)
                    .await
                    .unwrap()
                    .is_none(),
                "a bulk load makes every snapshot rebuild"
            );

            let services = db.all_services().await.unwrap();
            let service = &services[0];
            let admin =
                crate::testing::test_user(&db, mosaique_domain::Role::CoalitionAdmin, None).await;
            let admin = crate::testing::signed_in(&admin);
            let count = permit(
                &admin,
                ListingAction::UpdateCapacity,
                Listing {
                    org: service.org_id,
                },
            );
            let mut tx = db.begin().await.unwrap();
            tx.set_capacity(
                &count,
                service.id,
                mosaique_domain::service::CapacityUnit::Beds,
                3,
                None,
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
            let location = db.all_locations().await.unwrap()[0].clone();
            let moved = mosaique_domain::service::NewLocation {
                city: "Gatineau".into(),
                province: mosaique_domain::Province::Qc,
                ..synthetic[0].locations[0].clone()
            };
            let edit = permit(
                &admin,
                ListingAction::EditServices,
                Listing {
                    org: location.org_id,
                },
            );
            let mut tx = db.begin().await.unwrap();
            tx.save_location(&edit, Some(location.id), &moved)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            let org = db.all_organizations().await.unwrap()[0].clone();
            let renamed = mosaique_domain::NewOrganization {
                name: mosaique_domain::Bilingual::new(
                    "Collectif renommé".into(),
                    org.name.en.clone(),
                ),
                ..org.to_new()
            };
            db.upsert_organization(&import, &renamed).await.unwrap();
            let now = db.directory_version().await.unwrap();
            assert_eq!(now, loaded + 3);
            let changes = db
                .directory_changes_after(loaded, now)
                .await
                .unwrap()
                .expect("three logged versions");
            assert_eq!(changes.services.len(), 1);
            assert_eq!(changes.services[0].id, service.id);
            assert_eq!(
                changes.services[0].capacity.as_ref().map(|c| c.available),
                Some(3)
            );
            assert_eq!(changes.locations.len(), 1);
            assert_eq!(changes.locations[0].city, "Gatineau");
            assert_eq!(changes.organizations.len(), 1);
            assert_eq!(changes.organizations[0].name.fr, "Collectif renommé");
            // Only the versions asked for.
            let last = db
                .directory_changes_after(now - 1, now)
                .await
                .unwrap()
                .expect("logged");
            assert!(last.services.is_empty() && last.locations.is_empty());
            assert_eq!(last.organizations.len(), 1);
            // A kind of row written by a newer Mosaïque is read as "rebuild", not an error.
            let mut tx = db.begin().await.unwrap();
            let future = crate::changes::bump(&mut tx.inner, 0).await.unwrap();
            sqlx::query(
            "INSERT INTO directory_changes (version, kind, item_id, changed_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(future)
        .bind("programme")
        .bind("x")
        .bind(crate::now_ms())
        .execute(tx.conn())
        .await
        .unwrap();
            tx.commit().await.unwrap();
            assert!(
                db.directory_changes_after(now, future)
                    .await
                    .unwrap()
                    .is_none()
            );
            // Up to date: nothing to apply.
            let none = db
                .directory_changes_after(now, now)
                .await
                .unwrap()
                .expect("empty");
            assert!(none.services.is_empty() && none.organizations.is_empty());
        }
    );
}
