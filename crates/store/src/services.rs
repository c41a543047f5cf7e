//! Services and locations of the directory. Every change bumps the directory counter, so
//! every app server's search index follows, and every change is audited.

use mosaique_domain::audit::{AuditEvent, Outcome};
use mosaique_domain::directory::geo::Point;
use mosaique_domain::directory::schedule::Schedule;
use mosaique_domain::policy::Permit;
use mosaique_domain::policy::directory::{Directory, DirectoryAction, Listing, ListingAction};
use mosaique_domain::service::{
    Capacity, CapacityUnit, Eligibility, Location, NewLocation, NewService, Service, ServiceArea,
};
use mosaique_domain::{Bilingual, LocationId, NewOrganization, OrgId, ServiceId, Timestamp};
use sqlx::Row;
use sqlx::any::AnyRow;

use std::collections::{HashMap, HashSet};

use mosaique_domain::directory::sync::{
    self, Found, ImportSource, Named, ObjectKind, Outcome as SyncOutcome, SyncReport,
};

use crate::changes::{Changed, directory_changed, directory_reloaded};
use crate::imports;
use crate::permits::require;
use crate::users::flag;
use crate::{Db, Sql, StoreError, Tx, Value, now_ms};

const SERVICE_COLUMNS: &str = "id, org_id, name_fr, name_en, description_fr, description_en, status, domains, terms, \
    languages, gender, age_min, age_max, minors, substance_use, any_status, dedicated, cost, access, schedule, \
    capacity_unit, capacity_available, capacity_total, capacity_updated_at, wait_days, phone, email, website, areas, \
    reviewed_at, created_at, updated_at";

const LOCATION_COLUMNS: &str = "id, org_id, name_fr, name_en, address, city, province, postal_code, region, lat_e6, \
    lon_e6, confidential, created_at, updated_at";

fn e6(value: f64) -> i64 {
    (value * 1_000_000.0).round() as i64
}

fn joined<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("service {what}"))
}

fn parse_list<T: std::str::FromStr>(text: &str, what: &str) -> Result<Vec<T>, StoreError> {
    text.split_whitespace()
        .map(|k| k.parse().map_err(|_| corrupt(what)))
        .collect()
}

impl Tx {
    /// Creates (`id` None) or updates a service of the permit's organization, with the
    /// locations it is given at (which must be that organization's too).
    pub async fn save_service(
        &mut self,
        permit: &Permit<Listing>,
        id: Option<ServiceId>,
        new: &NewService,
        locations: &[LocationId],
    ) -> Result<ServiceId, StoreError> {
        require(permit, &[ListingAction::EditServices])?;
        new.validate().map_err(|p| StoreError::invalid(&p))?;
        let now = now_ms();
        let org = permit.resource().org;
        let id = save_service_in(
            &mut self.inner,
            org,
            id.unwrap_or_default(),
            id.is_none(),
            new,
            locations,
            now,
        )
        .await?;
        directory_changed(&mut self.inner, now, &[Changed::Service(id)]).await?;
        imports::edited_here(&mut self.inner, ObjectKind::Service, &id.to_string(), now).await?;
        let event = AuditEvent::new("service.save", "service", Outcome::Success)
            .by_maybe(permit.who().audit_actor())
            .target(id);
        self.audit(&event).await?;
        Ok(id)
    }

    /// Creates (`id` None) or updates a location of the permit's organization.
    pub async fn save_location(
        &mut self,
        permit: &Permit<Listing>,
        id: Option<LocationId>,
        new: &NewLocation,
    ) -> Result<LocationId, StoreError> {
        require(permit, &[ListingAction::EditServices])?;
        new.validate().map_err(|p| StoreError::invalid(&p))?;
        let now = now_ms();
        let id = id.unwrap_or_default();
        upsert_location(&mut self.inner, permit.resource().org, id, new, now).await?;
        directory_changed(&mut self.inner, now, &[Changed::Location(id)]).await?;
        imports::edited_here(&mut self.inner, ObjectKind::Location, &id.to_string(), now).await?;
        let event = AuditEvent::new("location.save", "location", Outcome::Success)
            .by_maybe(permit.who().audit_actor())
            .target(id);
        self.audit(&event).await?;
        Ok(id)
    }

    /// The one-click update: how many places a service of the permit's organization has free
    /// now. Visible to every server's search within its refresh interval.
    pub async fn set_capacity(
        &mut self,
        permit: &Permit<Listing>,
        id: ServiceId,
        unit: CapacityUnit,
        available: u32,
        total: Option<u32>,
    ) -> Result<(), StoreError> {
        require(permit, &[ListingAction::UpdateCapacity])?;
        let now = now_ms();
        let changed = sqlx::query(
            "UPDATE services SET capacity_unit = $3, capacity_available = $4, capacity_total = $5, \
             capacity_updated_at = $6, updated_at = $6 WHERE id = $1 AND org_id = $2",
        )
        .bind(id.to_string())
        .bind(permit.resource().org.to_string())
        .bind(unit.key())
        .bind(i64::from(available))
        .bind(total.map(i64::from))
        .bind(now)
        .execute(self.conn())
        .await?
        .rows_affected();
        self.finish_service_change(permit, changed, id, "service.capacity", now)
            .await
    }

    /// Records that the organization checked its service is still accurate.
    pub async fn mark_service_reviewed(
        &mut self,
        permit: &Permit<Listing>,
        id: ServiceId,
    ) -> Result<(), StoreError> {
        require(permit, &[ListingAction::ConfirmReviewed])?;
        let now = now_ms();
        let changed = sqlx::query(
            "UPDATE services SET reviewed_at = $3, updated_at = $3 WHERE id = $1 AND org_id = $2",
        )
        .bind(id.to_string())
        .bind(permit.resource().org.to_string())
        .bind(now)
        .execute(self.conn())
        .await?
        .rows_affected();
        self.finish_service_change(permit, changed, id, "service.review", now)
            .await
    }

    /// Ends a one-row change to a service: refuses an unknown id (or one of another
    /// organization), bumps the directory so every index follows, and audits.
    async fn finish_service_change(
        &mut self,
        permit: &Permit<Listing>,
        changed: u64,
        id: ServiceId,
        action: &'static str,
        now: i64,
    ) -> Result<(), StoreError> {
        if changed == 0 {
            return Err(StoreError::Invalid("no such service".into()));
        }
        directory_changed(&mut self.inner, now, &[Changed::Service(id)]).await?;
        let event = AuditEvent::new(action, "service", Outcome::Success)
            .by_maybe(permit.who().audit_actor())
            .target(id);
        self.audit(&event).await
    }
}

impl Db {
    pub async fn service(&self, id: ServiceId) -> Result<Option<Service>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SERVICE_COLUMNS} FROM services WHERE id = $1"
        )))
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let mut service = service_from_row(&row)?;
        service.location_ids = self
            .location_ids_of(&[id])
            .await?
            .into_iter()
            .map(|(_, l)| l)
            .collect();
        Ok(Some(service))
    }

    /// The services of one organization, by French name.
    pub async fn services_of(&self, org: OrgId) -> Result<Vec<Service>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SERVICE_COLUMNS} FROM services WHERE org_id = $1 ORDER BY name_fr, id"
        )))
        .bind(org.to_string())
        .fetch_all(self.pool())
        .await?;
        let mut services = rows
            .iter()
            .map(service_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let ids: Vec<ServiceId> = services.iter().map(|s| s.id).collect();
        let links = self.location_ids_of(&ids).await?;
        for service in &mut services {
            service.location_ids = links
                .iter()
                .filter(|(s, _)| *s == service.id)
                .map(|(_, l)| *l)
                .collect();
        }
        Ok(services)
    }

    /// Every service with its locations, for building the search index. Read in pages of
    /// keyset order, so a national directory never sits in memory twice as raw rows.
    pub async fn all_services(&self) -> Result<Vec<Service>, StoreError> {
        const PAGE: i64 = 5_000;
        let mut services = Vec::new();
        let mut after = String::new();
        loop {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {SERVICE_COLUMNS} FROM services WHERE id > $1 ORDER BY id LIMIT $2"
            )))
            .bind(after.clone())
            .bind(PAGE)
            .fetch_all(self.pool())
            .await?;
            let done = (rows.len() as i64) < PAGE;
            for row in &rows {
                services.push(service_from_row(row)?);
            }
            drop(rows);
            match services.last() {
                Some(last) if !done => after = last.id.to_string(),
                _ => break,
            }
        }
        let mut by_service: std::collections::HashMap<ServiceId, Vec<LocationId>> =
            std::collections::HashMap::new();
        let mut after = (String::new(), String::new());
        loop {
            let rows = sqlx::query(
                "SELECT service_id, location_id FROM service_locations \
                 WHERE service_id > $1 OR (service_id = $1 AND location_id > $2) \
                 ORDER BY service_id, location_id LIMIT $3",
            )
            .bind(after.0.clone())
            .bind(after.1.clone())
            .bind(PAGE * 4)
            .fetch_all(self.pool())
            .await?;
            let done = (rows.len() as i64) < PAGE * 4;
            for row in &rows {
                let service: String = row.try_get("service_id")?;
                let location: String = row.try_get("location_id")?;
                by_service
                    .entry(service.parse().map_err(|_| corrupt("service id"))?)
                    .or_default()
                    .push(location.parse().map_err(|_| corrupt("location id"))?);
                after = (service, location);
            }
            if done {
                break;
            }
        }
        for service in &mut services {
            service.location_ids = by_service.remove(&service.id).unwrap_or_default();
        }
        Ok(services)
    }

    pub async fn location(&self, id: LocationId) -> Result<Option<Location>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {LOCATION_COLUMNS} FROM locations WHERE id = $1"
        )))
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(location_from_row).transpose()
    }

    pub async fn locations_of(&self, org: OrgId) -> Result<Vec<Location>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {LOCATION_COLUMNS} FROM locations WHERE org_id = $1 ORDER BY city, name_fr, id"
        )))
        .bind(org.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(location_from_row).collect()
    }

    pub async fn all_locations(&self) -> Result<Vec<Location>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {LOCATION_COLUMNS} FROM locations ORDER BY id"
        )))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(location_from_row).collect()
    }

    async fn location_ids_of(
        &self,
        services: &[ServiceId],
    ) -> Result<Vec<(ServiceId, LocationId)>, StoreError> {
        let mut found = Vec::new();
        for id in services {
            let rows = sqlx::query(
                "SELECT location_id FROM service_locations WHERE service_id = $1 ORDER BY location_id",
            )
            .bind(id.to_string())
            .fetch_all(self.pool())
            .await?;
            for row in rows {
                let location: String = row.try_get("location_id")?;
                found.push((*id, location.parse().map_err(|_| corrupt("location id"))?));
            }
        }
        Ok(found)
    }
}

/// Inserts or updates a service and replaces its locations, inside a caller's transaction
/// (the editor's save and the HSDS importer's all-or-nothing run share it).
pub(crate) async fn save_service_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    org: OrgId,
    id: ServiceId,
    creating: bool,
    new: &NewService,
    locations: &[LocationId],
    now: i64,
) -> Result<ServiceId, StoreError> {
    for location in locations {
        let owner: Option<String> = sqlx::query("SELECT org_id FROM locations WHERE id = $1")
            .bind(location.to_string())
            .fetch_optional(&mut **tx)
            .await?
            .map(|r| r.try_get("org_id"))
            .transpose()?;
        if owner.as_deref() != Some(org.to_string().as_str()) {
            return Err(StoreError::Invalid(format!(
                "location {location} is not one of this organization's"
            )));
        }
    }
    let schedule =
        serde_json::to_string(&new.schedule).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let areas =
        serde_json::to_string(&new.areas).map_err(|e| StoreError::Invalid(e.to_string()))?;
    // Both statements take the same binds in the same order: $1 id, $2 organization,
    // $3.. the fields, $26 the time.
    let sql = if creating {
        "INSERT INTO services (id, org_id, name_fr, name_en, description_fr, description_en, status, domains, terms, \
         languages, gender, age_min, age_max, minors, substance_use, any_status, dedicated, cost, access, schedule, \
         wait_days, phone, email, website, areas, reviewed_at, created_at, updated_at) VALUES \
         ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, \
         $24, $25, $26, $26, $26)"
    } else {
        "UPDATE services SET name_fr = $3, name_en = $4, description_fr = $5, description_en = $6, status = $7, \
         domains = $8, terms = $9, languages = $10, gender = $11, age_min = $12, age_max = $13, minors = $14, \
         substance_use = $15, any_status = $16, dedicated = $17, cost = $18, access = $19, schedule = $20, \
         wait_days = $21, phone = $22, email = $23, website = $24, areas = $25, updated_at = $26 \
         WHERE id = $1 AND org_id = $2"
    };
    let e = &new.eligibility;
    let changed = sqlx::query(sql)
        .bind(id.to_string())
        .bind(org.to_string())
        .bind(new.name.fr.trim().to_owned())
        .bind(new.name.en.trim().to_owned())
        .bind(new.description.fr.trim().to_owned())
        .bind(new.description.en.trim().to_owned())
        .bind(new.status.key())
        .bind(joined(&new.domains))
        .bind(new.terms.join(" "))
        .bind(new.languages.join(" "))
        .bind(e.gender.key())
        .bind(e.age_min.map(i64::from))
        .bind(e.age_max.map(i64::from))
        .bind(i64::from(e.minors))
        .bind(i64::from(e.substance_use))
        .bind(i64::from(e.any_status))
        .bind(i64::from(e.dedicated))
        .bind(new.cost.key())
        .bind(new.access.key())
        .bind(schedule)
        .bind(new.wait_days.map(i64::from))
        .bind(new.phone.trim().to_owned())
        .bind(new.email.trim().to_owned())
        .bind(new.website.trim().to_owned())
        .bind(areas)
        .bind(now)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if changed == 0 {
        return Err(StoreError::Invalid(
            "no such service in this organization".into(),
        ));
    }
    sqlx::query("DELETE FROM service_locations WHERE service_id = $1")
        .bind(id.to_string())
        .execute(&mut **tx)
        .await?;
    for location in locations {
        sqlx::query(
            "INSERT INTO service_locations (id, service_id, location_id) VALUES ($1, $2, $3)",
        )
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(id.to_string())
        .bind(location.to_string())
        .execute(&mut **tx)
        .await?;
    }
    Ok(id)
}

/// The Québec region that files a location for region searches: from its coordinates, or
/// its town's.
fn region_of(new: &NewLocation) -> Option<String> {
    if new.province != mosaique_domain::Province::Qc {
        return None;
    }
    let gazetteer = mosaique_domain::directory::places::gazetteer();
    new.point
        .or_else(|| {
            gazetteer
                .place(&new.city, Some(new.province))
                .map(|p| p.point)
        })
        .and_then(|p| gazetteer.nearest_qc_region(p).map(str::to_owned))
}

pub(crate) async fn upsert_location(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    org: OrgId,
    id: LocationId,
    new: &NewLocation,
    now: i64,
) -> Result<(), StoreError> {
    let region = region_of(new);
    let exists = sqlx::query("SELECT org_id FROM locations WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(&mut **tx)
        .await?;
    let sql = match exists {
        Some(row) if row.try_get::<String, _>("org_id")? != org.to_string() => {
            return Err(StoreError::Invalid(
                "this location belongs to another organization".into(),
            ));
        }
        // Same binds, same order, for both: $1 id, $2 organization, $3.. the fields.
        Some(_) => {
            "UPDATE locations SET name_fr = $3, name_en = $4, address = $5, city = $6, province = $7, \
             postal_code = $8, region = $9, lat_e6 = $10, lon_e6 = $11, confidential = $12, updated_at = $13 \
             WHERE id = $1 AND org_id = $2"
        }
        None => {
            "INSERT INTO locations (id, org_id, name_fr, name_en, address, city, province, postal_code, region, \
             lat_e6, lon_e6, confidential, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)"
        }
    };
    sqlx::query(sql)
        .bind(id.to_string())
        .bind(org.to_string())
        .bind(new.name.fr.trim().to_owned())
        .bind(new.name.en.trim().to_owned())
        .bind(new.address.trim().to_owned())
        .bind(new.city.trim().to_owned())
        .bind(new.province.key())
        .bind(new.postal_code.trim().to_uppercase())
        .bind(region)
        .bind(new.point.map(|p| e6(p.lat)))
        .bind(new.point.map(|p| e6(p.lon)))
        .bind(i64::from(new.confidential))
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

fn service_from_row(row: &AnyRow) -> Result<Service, StoreError> {
    let text = |c: &str| row.try_get::<String, _>(c);
    let small = |c: &str| -> Result<Option<u8>, StoreError> {
        row.try_get::<Option<i64>, _>(c)?
            .map(|v| u8::try_from(v).map_err(|_| corrupt(c)))
            .transpose()
    };
    let capacity = match (
        row.try_get::<Option<String>, _>("capacity_unit")?,
        row.try_get::<Option<i64>, _>("capacity_available")?,
        row.try_get::<Option<i64>, _>("capacity_updated_at")?,
    ) {
        (Some(unit), Some(available), Some(updated_at)) => Some(Capacity {
            unit: unit.parse().map_err(|_| corrupt("capacity unit"))?,
            available: u32::try_from(available).map_err(|_| corrupt("capacity"))?,
            total: row
                .try_get::<Option<i64>, _>("capacity_total")?
                .and_then(|t| u32::try_from(t).ok()),
            updated_at: Timestamp::from_millis(updated_at),
        }),
        _ => None,
    };
    let schedule: Schedule =
        serde_json::from_str(&text("schedule")?).map_err(|_| corrupt("schedule"))?;
    let areas: Vec<ServiceArea> =
        serde_json::from_str(&text("areas")?).map_err(|_| corrupt("areas"))?;
    Ok(Service {
        id: text("id")?.parse().map_err(|_| corrupt("id"))?,
        org_id: text("org_id")?.parse().map_err(|_| corrupt("org id"))?,
        name: Bilingual::new(text("name_fr")?, text("name_en")?),
        description: Bilingual::new(text("description_fr")?, text("description_en")?),
        status: text("status")?.parse().map_err(|_| corrupt("status"))?,
        domains: parse_list(&text("domains")?, "domains")?,
        terms: text("terms")?
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
        eligibility: Eligibility {
            gender: text("gender")?.parse().map_err(|_| corrupt("gender"))?,
            age_min: small("age_min")?,
            age_max: small("age_max")?,
            minors: flag(row, "minors")?,
            substance_use: flag(row, "substance_use")?,
            any_status: flag(row, "any_status")?,
            dedicated: flag(row, "dedicated")?,
        },
        languages: text("languages")?
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
        cost: text("cost")?.parse().map_err(|_| corrupt("cost"))?,
        access: text("access")?.parse().map_err(|_| corrupt("access"))?,
        schedule,
        capacity,
        wait_days: row
            .try_get::<Option<i64>, _>("wait_days")?
            .and_then(|d| u16::try_from(d).ok()),
        phone: text("phone")?,
        email: text("email")?,
        website: text("website")?,
        areas,
        location_ids: Vec::new(),
        reviewed_at: Timestamp::from_millis(row.try_get("reviewed_at")?),
        created_at: Timestamp::from_millis(row.try_get("created_at")?),
        updated_at: Timestamp::from_millis(row.try_get("updated_at")?),
    })
}

fn location_from_row(row: &AnyRow) -> Result<Location, StoreError> {
    let text = |c: &str| row.try_get::<String, _>(c);
    let point = match (
        row.try_get::<Option<i64>, _>("lat_e6")?,
        row.try_get::<Option<i64>, _>("lon_e6")?,
    ) {
        (Some(lat), Some(lon)) => Point::new(lat as f64 / 1e6, lon as f64 / 1e6),
        _ => None,
    };
    let given = NewLocation {
        name: Bilingual::new(text("name_fr")?, text("name_en")?),
        address: text("address")?,
        city: text("city")?,
        province: text("province")?.parse().map_err(|_| corrupt("province"))?,
        postal_code: text("postal_code")?,
        point,
        confidential: flag(row, "confidential")?,
    };
    Ok(Location::new(
        text("id")?.parse().map_err(|_| corrupt("location id"))?,
        text("org_id")?
            .parse()
            .map_err(|_| corrupt("location org"))?,
        given,
        row.try_get("region")?,
        Timestamp::from_millis(row.try_get("updated_at")?),
    ))
}

// Not part of what a source sent: a re-import of the same data is unchanged.
pub(crate) const TIMES: &[&str] = &["created_at", "updated_at", "reviewed_at"];
/// A location's row as a bulk load writes it.
pub(crate) const LOCATION_ROW: &[&str] = &[
    "id",
    "org_id",
    "name_fr",
    "name_en",
    "address",
    "city",
    "province",
    "postal_code",
    "region",
    "lat_e6",
    "lon_e6",
    "confidential",
    "created_at",
    "updated_at",
];
/// A service's row as a bulk load writes it.
pub(crate) const SERVICE_ROW: &[&str] = &[
    "id",
    "org_id",
    "name_fr",
    "name_en",
    "description_fr",
    "description_en",
    "status",
    "domains",
    "terms",
    "languages",
    "gender",
    "age_min",
    "age_max",
    "minors",
    "substance_use",
    "any_status",
    "dedicated",
    "cost",
    "access",
    "schedule",
    "wait_days",
    "phone",
    "email",
    "website",
    "areas",
    "reviewed_at",
    "created_at",
    "updated_at",
];

/// A service's sites in a set's order: the order a feed lists them in says nothing.
pub(crate) fn sorted(sites: &[String]) -> Vec<String> {
    let mut sites = sites.to_vec();
    sites.sort();
    sites
}

/// One organization to load in bulk, with its locations and its services (each service
/// names its locations by index into `locations`).
#[derive(Debug, Clone)]
pub struct DirectoryRecord {
    pub organization: mosaique_domain::NewOrganization,
    pub locations: Vec<NewLocation>,
    pub services: Vec<(NewService, Vec<usize>)>,
    /// Ids to keep (an HSDS import): existing rows with them are updated in place, and a
    /// service's sites are replaced. `None` gives new ids.
    pub ids: Option<RecordIds>,
}

/// The ids of a [`DirectoryRecord`]'s organization, locations and services, in order.
#[derive(Debug, Clone)]
pub struct RecordIds {
    pub organization: OrgId,
    pub locations: Vec<LocationId>,
    pub services: Vec<ServiceId>,
}

impl Db {
    /// Loads organizations, locations and services all or nothing, in one transaction with
    /// one audit entry (importers and benchmarks). Every record is validated first; the
    /// first invalid one is named and nothing is written.
    pub async fn load_directory(
        &self,
        permit: &Permit<Directory>,
        records: &[DirectoryRecord],
    ) -> Result<usize, StoreError> {
        let loaded = self
            .load_directory_with_progress(permit, records, &[], None, &|_, _| {})
            .await?;
        Ok(loaded.services)
    }

    /// [`Db::load_directory`], calling `progress(rows written, rows to write)` as it goes.
    /// With a `source` (records with ids, an HSDS import), what that source sent before
    /// decides per object what is written ([`sync::decide`]), and the report says so.
    pub async fn load_directory_with_progress(
        &self,
        permit: &Permit<Directory>,
        records: &[DirectoryRecord],
        to_classify: &[mosaique_domain::directory::to_classify::ToClassify],
        source: Option<&ImportSource>,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<Loaded, StoreError> {
        require(permit, &[DirectoryAction::Import])?;
        for (n, r) in records.iter().enumerate() {
            match &r.ids {
                Some(ids)
                    if ids.locations.len() != r.locations.len()
                        || ids.services.len() != r.services.len() =>
                {
                    return Err(StoreError::Invalid(format!(
                        "record {}: ids do not match the rows",
                        n + 1
                    )));
                }
                None if source.is_some() => {
                    return Err(StoreError::Invalid(format!(
                        "record {}: a source's objects need their ids",
                        n + 1
                    )));
                }
                _ => {}
            }
            r.organization
                .validate()
                .map_err(|p| StoreError::Invalid(format!("record {}: {p:?}", n + 1)))?;
            for (service, at) in &r.services {
                service.validate().map_err(|p| {
                    StoreError::Invalid(format!("record {}, {}: {p:?}", n + 1, service.name.fr))
                })?;
                if at.iter().any(|i| *i >= r.locations.len()) {
                    return Err(StoreError::Invalid(format!(
                        "record {}: unknown location",
                        n + 1
                    )));
                }
            }
        }
        let now = now_ms();
        let mut tx = self.begin().await?;
        let mut report = SyncReport::default();
        let mut tracked: Vec<imports::Tracked> = Vec::new();
        let mut sent: HashSet<(ObjectKind, String)> = HashSet::new();
        // What is known of every object sent, by kind: only a source's import asks.
        let mut known: HashMap<ObjectKind, HashMap<String, imports::Known>> = HashMap::new();
        if source.is_some() {
            let ids_of = |kind| -> Vec<String> {
                records
                    .iter()
                    .filter_map(|r| r.ids.as_ref())
                    .flat_map(|ids| match kind {
                        ObjectKind::Organization => vec![ids.organization.to_string()],
                        ObjectKind::Location => {
                            ids.locations.iter().map(|i| i.to_string()).collect()
                        }
                        ObjectKind::Service => ids.services.iter().map(|i| i.to_string()).collect(),
                    })
                    .collect()
            };
            for kind in ObjectKind::ALL {
                let ids = ids_of(kind);
                known.insert(kind, imports::known(&mut tx.inner, kind, &ids, now).await?);
            }
        }
        // Decides for one object (always written without a source), noting what to track.
        let mut decide =
            |kind: ObjectKind, id: String, name: &Bilingual<String>, hash: String| -> bool {
                let Some(source) = source else {
                    report.count(kind, SyncOutcome::Added);
                    return true;
                };
                let absent = imports::Known {
                    found: Found::Absent,
                    edited_at: None,
                };
                let known = known.get(&kind).and_then(|k| k.get(&id)).unwrap_or(&absent);
                let decision = sync::decide(&known.found, &hash, source.prefer);
                report.count(kind, decision.outcome);
                if decision.outcome.is_conflict() {
                    report.conflicts.push(Named {
                        kind,
                        id: id.clone(),
                        name: name.clone(),
                        outcome: Some(decision.outcome),
                    });
                }
                sent.insert((kind, id.clone()));
                tracked.push(imports::Tracked {
                    kind,
                    id,
                    hash,
                    name: name.clone(),
                    track: decision.track,
                    edited_at: known.edited_at,
                });
                decision.write
            };
        let mut locations: Vec<Vec<Value>> = Vec::new();
        let mut services: Vec<Vec<Value>> = Vec::new();
        let mut links: Vec<Vec<Value>> = Vec::new();
        let mut replaced_sites: Vec<Value> = Vec::new();
        let mut organizations: Vec<(&NewOrganization, Option<OrgId>)> = Vec::new();
        let mut org_written = Vec::with_capacity(records.len());
        for r in records {
            let known_id = r.ids.as_ref().map(|ids| ids.organization);
            let write = match known_id {
                Some(id) => decide(
                    ObjectKind::Organization,
                    id.to_string(),
                    &r.organization.name,
                    crate::organizations::fingerprint(&r.organization, id)?,
                ),
                None => true,
            };
            if write {
                organizations.push((&r.organization, known_id));
            }
            org_written.push(write);
        }
        let mut written = crate::organizations::upsert_many(&mut tx.inner, &organizations, now)
            .await?
            .into_iter();
        // Each record's organization: the id it keeps, else the one it was just given.
        let mut org_ids = Vec::with_capacity(records.len());
        for (r, was_written) in records.iter().zip(org_written) {
            let given = if was_written { written.next() } else { None };
            let id = r.ids.as_ref().map(|ids| ids.organization).or(given);
            org_ids.push(
                id.ok_or_else(|| StoreError::Invalid("an organization was not written".into()))?,
            );
        }
        for (r, org) in records.iter().zip(org_ids) {
            let org = org.to_string();
            let mut location_ids = Vec::with_capacity(r.locations.len());
            for (i, l) in r.locations.iter().enumerate() {
                let id = r
                    .ids
                    .as_ref()
                    .map_or_else(LocationId::new, |ids| ids.locations[i])
                    .to_string();
                let row: Vec<Value> = vec![
                    id.clone().into(),
                    org.clone().into(),
                    l.name.fr.trim().into(),
                    l.name.en.trim().into(),
                    l.address.trim().into(),
                    l.city.trim().into(),
                    l.province.key().into(),
                    l.postal_code.trim().to_uppercase().into(),
                    region_of(l).into(),
                    l.point.map(|p| e6(p.lat)).into(),
                    l.point.map(|p| e6(p.lon)).into(),
                    l.confidential.into(),
                    now.into(),
                    now.into(),
                ];
                let hash = imports::row_fingerprint(LOCATION_ROW, &row, TIMES, &[]);
                if decide(ObjectKind::Location, id.clone(), &l.name, hash) {
                    locations.push(row);
                }
                location_ids.push(id);
            }
            for (i, (n, at)) in r.services.iter().enumerate() {
                let id = match &r.ids {
                    Some(ids) => ids.services[i].to_string(),
                    None => ServiceId::new().to_string(),
                };
                let e = &n.eligibility;
                let row: Vec<Value> = vec![
                    id.clone().into(),
                    org.clone().into(),
                    n.name.fr.trim().into(),
                    n.name.en.trim().into(),
                    n.description.fr.trim().into(),
                    n.description.en.trim().into(),
                    n.status.key().into(),
                    joined(&n.domains).into(),
                    n.terms.join(" ").into(),
                    n.languages.join(" ").into(),
                    e.gender.key().into(),
                    e.age_min.map(i64::from).into(),
                    e.age_max.map(i64::from).into(),
                    e.minors.into(),
                    e.substance_use.into(),
                    e.any_status.into(),
                    e.dedicated.into(),
                    n.cost.key().into(),
                    n.access.key().into(),
                    serde_json::to_string(&n.schedule)
                        .map_err(|e| StoreError::Invalid(e.to_string()))?
                        .into(),
                    n.wait_days.map(i64::from).into(),
                    n.phone.trim().into(),
                    n.email.trim().into(),
                    n.website.trim().into(),
                    serde_json::to_string(&n.areas)
                        .map_err(|e| StoreError::Invalid(e.to_string()))?
                        .into(),
                    now.into(),
                    now.into(),
                    now.into(),
                ];
                let sites: Vec<String> = at.iter().map(|i| location_ids[*i].clone()).collect();
                let hash = imports::row_fingerprint(SERVICE_ROW, &row, TIMES, &sorted(&sites));
                if !decide(ObjectKind::Service, id.clone(), &n.name, hash) {
                    continue;
                }
                if r.ids.is_some() {
                    replaced_sites.push(id.clone().into());
                }
                services.push(row);
                for site in sites {
                    links.push(vec![
                        uuid::Uuid::now_v7().to_string().into(),
                        id.clone().into(),
                        site.into(),
                    ]);
                }
            }
        }
        let count = services.len();
        let total = locations.len() + services.len() + links.len();
        let done = std::sync::atomic::AtomicUsize::new(0);
        let step = |rows: usize| {
            let now = done.fetch_add(rows, std::sync::atomic::Ordering::Relaxed) + rows;
            progress(now, total);
        };
        // Kept ids update in place: every column but the id and the creation time.
        let upsert = |columns: &[&str]| {
            let set: Vec<String> = columns
                .iter()
                .filter(|c| !matches!(**c, "id" | "created_at"))
                .map(|c| format!("{c} = excluded.{c}"))
                .collect();
            format!(" ON CONFLICT (id) DO UPDATE SET {}", set.join(", "))
        };
        // Many rows per statement: the load is bound by round trips, not by the rows.
        insert_rows(
            &mut tx.inner,
            &format!(
                "INSERT INTO locations ({}) VALUES ",
                LOCATION_ROW.join(", ")
            ),
            &upsert(LOCATION_ROW),
            locations,
            200,
            &step,
        )
        .await?;
        insert_rows(
            &mut tx.inner,
            &format!("INSERT INTO services ({}) VALUES ", SERVICE_ROW.join(", ")),
            &upsert(SERVICE_ROW),
            services,
            100,
            &step,
        )
        .await?;
        // A kept service's sites are those of the package, not added to its old ones.
        for batch in replaced_sites.chunks(500) {
            let mut sql = Sql::new("DELETE FROM service_locations WHERE service_id IN (");
            sql.bind_list(batch.iter().cloned()).push(")");
            sql.query().execute(tx.conn()).await?;
        }
        insert_rows(
            &mut tx.inner,
            "INSERT INTO service_locations (id, service_id, location_id) VALUES ",
            "",
            links,
            500,
            &step,
        )
        .await?;
        let services = count;
        // What no domain placed waits for a coalition administrator, in the same transaction.
        let placed: Vec<ServiceId> = records
            .iter()
            .filter_map(|r| r.ids.as_ref())
            .flat_map(|ids| ids.services.iter().copied())
            .collect();
        crate::to_classify::queue_in(&mut tx.inner, &placed, to_classify, now).await?;
        if let Some(source) = source {
            // Sent, though waiting for a domain: not missing.
            sent.extend(
                to_classify
                    .iter()
                    .map(|t| (ObjectKind::Service, t.id.to_string())),
            );
            imports::record(&mut tx.inner, &source.name, &tracked, now).await?;
            report.missing = imports::missing(&mut tx.inner, &source.name, &sent).await?;
        }
        directory_reloaded(&mut tx.inner, now).await?;
        let event = AuditEvent::new("directory.load", "directory", Outcome::Success)
            .by_maybe(permit.who().audit_actor())
            .target(format!("{services} services"));
        tx.audit(&event).await?;
        tx.commit().await?;
        Ok(Loaded { services, report })
    }
}

/// What a directory load wrote, and for a source's import what it did with each object.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// Services written (added or updated).
    pub services: usize,
    pub report: SyncReport,
}

/// Inserts rows `chunk` at a time, as multi-row `VALUES` lists.
async fn insert_rows(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    head: &str,
    tail: &str,
    rows: Vec<Vec<Value>>,
    chunk: usize,
    progress: &dyn Fn(usize),
) -> Result<(), StoreError> {
    for batch in rows.chunks(chunk) {
        let mut sql = Sql::new(head);
        for (i, row) in batch.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push("(").bind_list(row.iter().cloned()).push(")");
        }
        sql.push(tail);
        sql.query().execute(&mut **tx).await?;
        progress(batch.len());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use mosaique_domain::policy::Principal;

    use super::*;
    use crate::db_test;
    use crate::testing::{audit_trail, permit, save_service, synthetic_records};
    use mosaique_domain::directory::sync::Prefer;

    fn records(organizations: usize, services: usize) -> Vec<DirectoryRecord> {
        synthetic_records(3, organizations, services)
    }

    db_test!(a_directory_loads_all_or_nothing, |db| {
        let mut bad = records(5, 20);
        bad[4].services[0].0.domains.clear();
        let import = permit(&Principal::Operator, DirectoryAction::Import, Directory);
        assert!(matches!(
            db.load_directory(&import, &bad).await,
            Err(StoreError::Invalid(_))
        ));
        assert!(
            db.all_services().await.unwrap().is_empty(),
            "nothing half-loaded"
        );
        let good = records(30, 150);
        assert_eq!(db.load_directory(&import, &good).await.unwrap(), 150);
        let services = db.all_services().await.unwrap();
        assert_eq!(services.len(), 150);
        let with_sites = services
            .iter()
            .filter(|s| !s.location_ids.is_empty())
            .count();
        assert!(with_sites > 100, "{with_sites}");
        let locations = db.all_locations().await.unwrap();
        assert!(
            locations
                .iter()
                .filter(|l| l.province == mosaique_domain::Province::Qc)
                .all(|l| l.region.is_some())
        );
        let entries = audit_trail(&db, None, None, 5).await;
        assert_eq!(entries[0].action, "directory.load");
    });

    /// A synthetic feed with the publisher's ids, as an HSDS import reads it.
    fn feed(seed: u64, organizations: usize, services: usize) -> Vec<DirectoryRecord> {
        let mut records = synthetic_records(seed, organizations, services);
        for r in &mut records {
            r.ids = Some(RecordIds {
                organization: OrgId::new(),
                locations: r.locations.iter().map(|_| LocationId::new()).collect(),
                services: r.services.iter().map(|_| ServiceId::new()).collect(),
            });
        }
        records
    }

    db_test!(
        a_source_imported_again_reports_its_changes_and_keeps_local_edits,
        |db| {
            let mut records = feed(3, 4, 12);
            let ids = |r: &DirectoryRecord| r.ids.clone().expect("ids");
            let located = records.iter().map(|r| r.locations.len()).sum::<usize>();
            let mut source = ImportSource {
                name: "https://211.example/hsds/".into(),
                prefer: Prefer::Ask,
            };
            let load = |records: Vec<DirectoryRecord>, source: ImportSource| {
                let db = db.clone();
                async move {
                    let import = permit(&Principal::Operator, DirectoryAction::Import, Directory);
                    db.load_directory_with_progress(
                        &import,
                        &records,
                        &[],
                        Some(&source),
                        &|_, _| {},
                    )
                    .await
                    .expect("loaded")
                }
            };
            let first = load(records.clone(), source.clone()).await;
            assert_eq!(first.services, 12);
            use ObjectKind::*;
            use SyncOutcome::*;
            assert_eq!(first.report.counted(Organization, Added), 4);
            assert_eq!(first.report.counted(Location, Added), located);
            assert_eq!(first.report.counted(Service, Added), 12);

            // The same feed again: nothing is written.
            let again = load(records.clone(), source.clone()).await;
            assert_eq!(again.services, 0);
            assert_eq!(again.report.counted(Service, Unchanged), 12);
            assert_eq!(again.report.counted(Organization, Unchanged), 4);
            assert!(again.report.conflicts.is_empty() && again.report.missing.is_empty());

            // Someone here edits the first service; the feed then changes it, changes the second
            // and stops sending the last organization.
            let (first_id, second_id) =
                (ids(&records[0]).services[0], ids(&records[0]).services[1]);
            let org = ids(&records[0]).organization;
            let mut edited = records[0].services[0].0.clone();
            edited.name.fr = "Nom corrigé ici".into();
            let sites = db.service(first_id).await.unwrap().unwrap().location_ids;
            save_service(&db, org, Some(first_id), &edited, &sites).await;
            records[0].services[0].0.description.fr = "Nouvelle description de la source".into();
            records[0].services[1].0.description.fr = "Autre description de la source".into();
            let dropped = records.pop().expect("an organization");
            let third = load(records.clone(), source.clone()).await;
            assert_eq!(third.report.counted(Service, Changed), 1);
            assert_eq!(third.report.counted(Service, ConflictKept), 1);
            assert_eq!(third.report.conflicts.len(), 1);
            assert_eq!(third.report.conflicts[0].id, first_id.to_string());
            let kept = db.service(first_id).await.unwrap().unwrap();
            assert_eq!(kept.name.fr, "Nom corrigé ici", "the local edit stays");
            assert_ne!(kept.description.fr, "Nouvelle description de la source");
            let changed = db.service(second_id).await.unwrap().unwrap();
            assert_eq!(changed.description.fr, "Autre description de la source");
            let gone = ids(&dropped);
            assert_eq!(third.report.missing_of(Organization), 1);
            assert_eq!(third.report.missing_of(Location), gone.locations.len());
            assert_eq!(third.report.missing_of(Service), gone.services.len());
            assert!(
                db.service(gone.services[0]).await.unwrap().is_some(),
                "missing is reported, not deleted"
            );

            // Undecided, the conflict is reported again; the source's version wins when asked.
            let fourth = load(records.clone(), source.clone()).await;
            assert_eq!(fourth.report.counted(Service, ConflictKept), 1);
            source.prefer = Prefer::Source;
            let fifth = load(records.clone(), source.clone()).await;
            assert_eq!(fifth.report.counted(Service, ConflictOverwritten), 1);
            let taken = db.service(first_id).await.unwrap().unwrap();
            assert_eq!(taken.description.fr, "Nouvelle description de la source");
            assert_eq!(taken.name.fr, records[0].services[0].0.name.fr.trim());
            source.prefer = Prefer::Ask;
            let sixth = load(records.clone(), source.clone()).await;
            assert!(sixth.report.conflicts.is_empty());

            // Kept here once with --prefer local: reported that time, not again until the source
            // changes it again.
            save_service(&db, org, Some(first_id), &edited, &sites).await;
            records[0].services[0].0.description.fr = "Encore changée".into();
            source.prefer = Prefer::Local;
            let seventh = load(records.clone(), source.clone()).await;
            assert_eq!(seventh.report.counted(Service, ConflictKept), 1);
            source.prefer = Prefer::Ask;
            let eighth = load(records.clone(), source.clone()).await;
            assert!(eighth.report.conflicts.is_empty(), "{:?}", eighth.report);
            assert_eq!(
                db.service(first_id).await.unwrap().unwrap().name.fr,
                "Nom corrigé ici"
            );

            // Two sources may carry the same publisher's data: what one brought and nobody edited
            // here, the other updates.
            let other = ImportSource {
                name: "/srv/exports/autre.json".into(),
                prefer: Prefer::Ask,
            };
            let mut shared = feed(11, 1, 2);
            shared[0].organization.slug = "partage".into();
            let first_source = ImportSource {
                name: "ici".into(),
                ..other.clone()
            };
            load(shared.clone(), first_source).await;
            shared[0].services[0].0.description.fr = "Version d’une autre source".into();
            let from_other = load(shared, other.clone()).await;
            assert_eq!(from_other.report.counted(Service, Changed), 1);

            // What no import brought (loaded before sources were tracked, or made here) is a
            // local version: a source never overwrites it unasked, and what is the very same is
            // unchanged.
            let mut untracked = feed(13, 1, 2);
            untracked[0].organization.slug = "avant".into();
            let import = permit(&Principal::Operator, DirectoryAction::Import, Directory);
            db.load_directory(&import, &untracked).await.unwrap();
            untracked[0].services[0].0.description.fr = "Version de la source".into();
            let over_local = load(untracked.clone(), other).await;
            assert_eq!(over_local.report.counted(Service, ConflictKept), 1);
            assert_eq!(over_local.report.counted(Service, Unchanged), 1);
            assert_eq!(over_local.report.counted(Organization, Unchanged), 1);
            assert_eq!(over_local.services, 0);
        }
    );
}
