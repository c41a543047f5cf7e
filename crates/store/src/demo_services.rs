//! Fictitious demo services (`data/demo/services.toml`): example organizations, locations
//! and services, all marked « Exemple — », so the demo can answer "a safe bed tonight in
//! Montréal for a woman who uses drugs and has no status". Real organizations get none.

use mosaique_domain::directory::geo::Point;
use mosaique_domain::directory::schedule::{Hours, Schedule};
use mosaique_domain::directory::to_classify::ToClassify;
use mosaique_domain::policy::Permit;
use mosaique_domain::policy::directory::Directory;
use mosaique_domain::service::{
    Access, CapacityUnit, Cost, Eligibility, GenderServed, NewLocation, NewService, ServiceArea,
    ServiceStatus,
};
use mosaique_domain::{
    Bilingual, Level, LocationId, Mandate, NewOrganization, OrgDetails, Province, Sector,
    ServiceDomain, ServiceId,
};
use serde::Deserialize;

use crate::changes::directory_reloaded;
use crate::services::{save_service_in, upsert_location};
use crate::{Db, StoreError, now_ms};

const SERVICES: &str = include_str!("../../../data/demo/services.toml");

/// Ids derive from the file's keys, so loading twice updates rather than duplicates.
const NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x6d6f_7361_6971_7565_2d64_656d_6f2d_7631);

fn derived<T: std::str::FromStr>(kind: &str, key: &str) -> Result<T, StoreError> {
    uuid::Uuid::new_v5(&NAMESPACE, format!("{kind}:{key}").as_bytes())
        .to_string()
        .parse()
        .map_err(|_| StoreError::Invalid(format!("demo {kind} {key}")))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoServices {
    organizations: Vec<DemoOrganization>,
    locations: Vec<DemoLocation>,
    services: Vec<DemoService>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoOrganization {
    slug: String,
    name_fr: String,
    name_en: String,
    description_fr: String,
    description_en: String,
    province: Province,
    level: Level,
    sector: Sector,
    formal: bool,
    mandates: Vec<Mandate>,
    website: String,
    email: String,
    phone: String,
    source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoLocation {
    key: String,
    org: String,
    name_fr: String,
    name_en: String,
    address: String,
    city: String,
    province: Province,
    postal_code: String,
    latitude: f64,
    longitude: f64,
    confidential: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoCapacity {
    unit: CapacityUnit,
    available: u32,
    total: Option<u32>,
    updated_hours_ago: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoService {
    key: String,
    org: String,
    locations: Vec<String>,
    name_fr: String,
    name_en: String,
    description_fr: String,
    description_en: String,
    status: ServiceStatus,
    domains: Vec<ServiceDomain>,
    terms: Vec<String>,
    gender: GenderServed,
    age_min: Option<u8>,
    age_max: Option<u8>,
    minors: bool,
    substance_use: bool,
    any_status: bool,
    dedicated: bool,
    languages: Vec<String>,
    cost: Cost,
    access: Access,
    always_open: bool,
    time_zone: String,
    hours: Vec<Hours>,
    capacity: Option<DemoCapacity>,
    wait_days: Option<u16>,
    phone: String,
    email: String,
    website: String,
    areas: Vec<ServiceArea>,
    reviewed_days_ago: i64,
}

fn parse() -> Result<DemoServices, StoreError> {
    toml::from_str(SERVICES).map_err(|e| StoreError::Invalid(format!("demo services: {e}")))
}

impl DemoService {
    fn new_service(&self) -> NewService {
        NewService {
            name: Bilingual::new(self.name_fr.clone(), self.name_en.clone()),
            description: Bilingual::new(self.description_fr.clone(), self.description_en.clone()),
            status: self.status,
            domains: self.domains.clone(),
            terms: self.terms.clone(),
            eligibility: Eligibility {
                gender: self.gender,
                age_min: self.age_min,
                age_max: self.age_max,
                minors: self.minors,
                substance_use: self.substance_use,
                any_status: self.any_status,
                dedicated: self.dedicated,
            },
            languages: self.languages.clone(),
            cost: self.cost,
            access: self.access,
            schedule: Schedule {
                time_zone: self.time_zone.clone(),
                always_open: self.always_open,
                hours: self.hours.clone(),
            },
            wait_days: self.wait_days,
            phone: self.phone.clone(),
            email: self.email.clone(),
            website: self.website.clone(),
            areas: self.areas.clone(),
        }
    }
}

/// Loads the demo services (and their example organizations) in one transaction; returns
/// how many services it wrote. Idempotent apart from the relative capacity and review times.
pub async fn load(db: &Db, permit: &Permit<Directory>) -> Result<usize, StoreError> {
    let file = parse()?;
    let organizations: Vec<NewOrganization> = file
        .organizations
        .iter()
        .map(|o| NewOrganization {
            slug: o.slug.clone(),
            name: Bilingual::new(o.name_fr.clone(), o.name_en.clone()),
            description: Bilingual::new(o.description_fr.clone(), o.description_en.clone()),
            province: Some(o.province),
            level: Some(o.level),
            sector: Some(o.sector),
            founded_year: None,
            is_coalition: false,
            source: o.source.clone(),
            details: OrgDetails {
                formal: Some(o.formal),
                mandates: o.mandates.clone(),
                website: o.website.clone(),
                email: o.email.clone(),
                phone: o.phone.clone(),
                // Where its services say it works: the union of their areas.
                areas: file
                    .services
                    .iter()
                    .filter(|s| s.org == o.slug)
                    .flat_map(|s| s.areas.iter().cloned())
                    .fold(Vec::new(), |mut all, a| {
                        if !all.contains(&a) {
                            all.push(a);
                        }
                        all
                    }),
                ..OrgDetails::default()
            },
        })
        .collect();
    db.upsert_organizations(permit, &organizations).await?;
    let mut org_ids = std::collections::HashMap::new();
    for o in &file.organizations {
        let org = db
            .organization_by_slug(&o.slug)
            .await?
            .ok_or_else(|| StoreError::Invalid(format!("demo organization {}", o.slug)))?;
        org_ids.insert(o.slug.as_str(), org.id);
    }
    let org_of = |slug: &str| {
        org_ids
            .get(slug)
            .copied()
            .ok_or_else(|| StoreError::Invalid(format!("demo: unknown organization {slug}")))
    };
    let now = now_ms();
    let mut tx = db.begin().await?;
    for l in &file.locations {
        let new = NewLocation {
            name: Bilingual::new(l.name_fr.clone(), l.name_en.clone()),
            address: l.address.clone(),
            city: l.city.clone(),
            province: l.province,
            postal_code: l.postal_code.clone(),
            point: Point::new(l.latitude, l.longitude),
            confidential: l.confidential,
        };
        let id: LocationId = derived("location", &l.key)?;
        upsert_location(&mut tx.inner, org_of(&l.org)?, id, &new, now).await?;
    }
    for s in &file.services {
        let new = s.new_service();
        new.validate().map_err(|problems| {
            StoreError::Invalid(format!("demo service {}: {problems:?}", s.key))
        })?;
        let id: ServiceId = derived("service", &s.key)?;
        let exists = sqlx::query("SELECT id FROM services WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(tx.conn())
            .await?
            .is_some();
        let locations = s
            .locations
            .iter()
            .map(|k| derived("location", k))
            .collect::<Result<Vec<LocationId>, _>>()?;
        save_service_in(
            &mut tx.inner,
            org_of(&s.org)?,
            id,
            !exists,
            &new,
            &locations,
            now,
        )
        .await?;
        let hour = 3_600_000;
        sqlx::query(
            "UPDATE services SET reviewed_at = $2, capacity_unit = $3, capacity_available = $4, \
             capacity_total = $5, capacity_updated_at = $6 WHERE id = $1",
        )
        .bind(id.to_string())
        .bind(now - s.reviewed_days_ago * 24 * hour)
        .bind(s.capacity.as_ref().map(|c| c.unit.key()))
        .bind(s.capacity.as_ref().map(|c| i64::from(c.available)))
        .bind(s.capacity.as_ref().and_then(|c| c.total.map(i64::from)))
        .bind(
            s.capacity
                .as_ref()
                .map(|c| now - c.updated_hours_ago * hour),
        )
        .execute(tx.conn())
        .await?;
    }
    queue_demo_imports(&mut tx, &file, &org_of, now).await?;
    directory_reloaded(&mut tx.inner, now).await?;
    tx.commit().await?;
    Ok(file.services.len())
}

/// Two services "imported" from another directory that no term placed in a domain, so the
/// demo's coalition administrator has something to classify (`/admin/to-classify`). Once
/// classified they are services, and loading the demo again leaves them so.
async fn queue_demo_imports(
    tx: &mut crate::Tx,
    file: &DemoServices,
    org_of: &dyn Fn(&str) -> Result<mosaique_domain::OrgId, StoreError>,
    now: i64,
) -> Result<(), StoreError> {
    let Some(base) = file.services.first() else {
        return Ok(());
    };
    let imported = [
        (
            "to-classify-sewing",
            "exemple-carrefour-laval-longueuil",
            ("Atelier de couture solidaire", "Community sewing workshop"),
            (
                "Chaque semaine, on apprend à coudre et à réparer ses vêtements avec du matériel prêté ; les vêtements donnés sont offerts gratuitement.",
                "Every week, people learn to sew and mend their clothes with lent equipment; donated clothing is given away free.",
            ),
            Some(ServiceDomain::MaterialNeeds),
        ),
        (
            "to-classify-kitchen",
            "exemple-halte-centre-sud",
            (
                "Cuisine collective du quartier",
                "Neighbourhood community kitchen",
            ),
            (
                "Un après-midi par semaine, un petit groupe cuisine ensemble et chacun repart avec ses portions.",
                "One afternoon a week, a small group cooks together and each person leaves with their portions.",
            ),
            None,
        ),
    ];
    let mut items = Vec::new();
    for (key, org, (name_fr, name_en), (description_fr, description_en), suggested) in imported {
        let id: ServiceId = derived("service", key)?;
        let classified = sqlx::query("SELECT id FROM services WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(tx.conn())
            .await?
            .is_some();
        if classified {
            continue;
        }
        let mut service = base.new_service();
        service.name = Bilingual::new(name_fr.into(), name_en.into());
        service.description = Bilingual::new(description_fr.into(), description_en.into());
        service.domains.clear();
        service.terms.clear();
        items.push(ToClassify {
            id,
            org: org_of(org)?,
            service,
            locations: Vec::new(),
            suggested,
            source: "Import HSDS (exemple de démonstration)".into(),
            queued_at: mosaique_domain::Timestamp::from_millis(now),
        });
    }
    crate::to_classify::queue_in(&mut tx.inner, &[], &items, now).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_services_are_valid_and_fictitious() {
        let file = parse().expect("demo services parse");
        assert!(file.services.len() >= 40);
        for o in &file.organizations {
            assert!(
                o.slug.starts_with("exemple-") && o.name_fr.starts_with("Exemple — "),
                "{}",
                o.slug
            );
        }
        for s in &file.services {
            assert_eq!(s.new_service().validate(), Ok(()), "{}", s.key);
        }
    }

    crate::db_test!(loading_twice_updates_in_place, |db| {
        let import = crate::testing::permit(
            &mosaique_domain::policy::Principal::Operator,
            mosaique_domain::policy::directory::DirectoryAction::Import,
            Directory,
        );
        crate::demo::load(&db, &import).await.unwrap();
        let first = load(&db, &import).await.unwrap();
        let again = load(&db, &import).await.unwrap();
        assert_eq!(first, again);
        assert_eq!(db.all_services().await.unwrap().len(), first);
        let plateau = db
            .organization_by_slug("exemple-maison-plateau")
            .await
            .unwrap()
            .unwrap();
        let services = db.services_of(plateau.id).await.unwrap();
        let shelter = services
            .iter()
            .find(|s| s.name.en == "Emergency shelter for women")
            .unwrap();
        assert!(shelter.eligibility.substance_use && shelter.eligibility.any_status);
        assert_eq!(shelter.capacity.as_ref().map(|c| c.available), Some(3));
        assert_eq!(shelter.location_ids.len(), 1);
        let location = db.location(shelter.location_ids[0]).await.unwrap().unwrap();
        assert!(location.confidential);
        assert_eq!(location.region.as_deref(), Some("06"));
    });
}
