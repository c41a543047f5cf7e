//! Organizations and coalitions of the directory.

use std::collections::HashMap;

use mosaique_domain::audit::{AuditEvent, Outcome};
use mosaique_domain::policy::Permit;
use mosaique_domain::policy::directory::{Directory, DirectoryAction, Listing, ListingAction};
use mosaique_domain::text::{escape_like, fold};
use mosaique_domain::{
    Bilingual, Level, Mandate, NewOrganization, OrgDetails, OrgId, Organization, Province, Sector,
    Timestamp,
};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::changes::{Changed, directory_changed};
use crate::permits::require;
use crate::{Backend, Db, Sql, StoreError, Tx, Value, now_ms};

const COLUMNS: &str = "id, slug, name_fr, name_en, description_fr, description_en, province, level, \
                       sector, founded_year, is_coalition, source, formal, mandates, mandates_other, \
                       website, email, phone, areas, created_at, updated_at";

/// Filters for listing organizations. Every field narrows the list; `None` means "any".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrgFilter {
    pub province: Option<Province>,
    pub level: Option<Level>,
    pub sector: Option<Sector>,
    pub mandate: Option<Mandate>,
    pub coalitions_only: bool,
    /// Case- and accent-insensitive substring of either name.
    pub name_contains: Option<String>,
    /// Restrict to these ids (for instance the hits of a full-text search).
    pub ids: Option<Vec<OrgId>>,
    pub sort: OrgSort,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OrgSort {
    #[default]
    NameFr,
    NameEn,
}

impl OrgSort {
    /// By name in the reader's language.
    pub fn by_name_in(lang: mosaique_domain::Language) -> OrgSort {
        match lang {
            mosaique_domain::Language::Fr => OrgSort::NameFr,
            mosaique_domain::Language::En => OrgSort::NameEn,
        }
    }
}

/// What an upsert did to one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpsertOutcome {
    Created,
    Updated,
    Unchanged,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OrgPage {
    pub items: Vec<Organization>,
    pub total: i64,
}

impl Db {
    /// Creates the organization, or updates the one with the same slug, and returns it with
    /// what happened. The directory change counter moves in the same transaction.
    pub async fn upsert_organization(
        &self,
        permit: &Permit<Directory>,
        new: &NewOrganization,
    ) -> Result<(Organization, UpsertOutcome), StoreError> {
        let outcome = self
            .upsert_organizations(permit, std::slice::from_ref(new))
            .await?[0];
        let org = self
            .organization_by_slug(&new.slug)
            .await?
            .ok_or_else(|| StoreError::Corrupt("organization vanished after upsert".into()))?;
        Ok((org, outcome))
    }

    /// Creates or updates many organizations (matched by slug) in one transaction: every
    /// row is validated first, and either all are written or none. Rows whose content did
    /// not change are left alone, so their update time keeps its meaning.
    pub async fn upsert_organizations(
        &self,
        permit: &Permit<Directory>,
        organizations: &[NewOrganization],
    ) -> Result<Vec<UpsertOutcome>, StoreError> {
        require(permit, &[DirectoryAction::Import])?;
        for new in organizations {
            new.validate().map_err(|problems| {
                let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
                StoreError::Invalid(format!("{}: {}", new.slug, list.join("; ")))
            })?;
        }
        let now = now_ms();
        let mut tx = self.begin().await?;
        let mut outcomes = Vec::with_capacity(organizations.len());
        let mut changed = Vec::new();
        for new in organizations {
            let (outcome, id) = upsert_one(&mut tx.inner, new, None, now).await?;
            if outcome != UpsertOutcome::Unchanged {
                changed.push(Changed::Organization(id));
            }
            outcomes.push(outcome);
        }
        if !changed.is_empty() {
            directory_changed(&mut tx.inner, now, &changed).await?;
        }
        tx.commit().await?;
        Ok(outcomes)
    }

    pub async fn organization(&self, id: OrgId) -> Result<Option<Organization>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {COLUMNS} FROM organizations WHERE id = "));
        sql.bind(id.to_string());
        let row = sql.query().fetch_optional(self.pool()).await?;
        row.as_ref().map(organization_from_row).transpose()
    }

    pub async fn organization_by_slug(
        &self,
        slug: &str,
    ) -> Result<Option<Organization>, StoreError> {
        let mut sql = Sql::new(&format!(
            "SELECT {COLUMNS} FROM organizations WHERE slug = "
        ));
        sql.bind(slug);
        let row = sql.query().fetch_optional(self.pool()).await?;
        row.as_ref().map(organization_from_row).transpose()
    }

    /// One page of organizations matching the filter, with the total count of matches.
    pub async fn list_organizations(&self, filter: &OrgFilter) -> Result<OrgPage, StoreError> {
        if matches!(&filter.ids, Some(ids) if ids.is_empty()) {
            return Ok(OrgPage {
                items: Vec::new(),
                total: 0,
            });
        }
        let mut count = Sql::new("SELECT COUNT(*) AS n FROM organizations");
        push_conditions(&mut count, filter);
        let total: i64 = count.query().fetch_one(self.pool()).await?.try_get("n")?;

        let mut select = Sql::new(&format!("SELECT {COLUMNS} FROM organizations"));
        push_conditions(&mut select, filter);
        // Byte order on both backends: PostgreSQL would otherwise use its locale's collation
        // and page boundaries would differ from SQLite's.
        let collate = match self.backend() {
            Backend::Postgres => " COLLATE \"C\"",
            Backend::Sqlite => "",
        };
        let column = match filter.sort {
            OrgSort::NameFr => "sort_key_fr",
            OrgSort::NameEn => "sort_key_en",
        };
        select.push(&format!(" ORDER BY {column}{collate}, id"));
        select
            .push(" LIMIT ")
            .bind(filter.limit.clamp(0, 1000))
            .push(" OFFSET ")
            .bind(filter.offset.max(0));
        let rows = select.query().fetch_all(self.pool()).await?;
        let items = rows
            .iter()
            .map(organization_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(OrgPage { items, total })
    }

    /// How many organizations the directory lists, and how many for each mandate, in
    /// vocabulary order, zero included: a mandate nobody holds is a gap the coalition should see.
    pub async fn mandate_counts(&self) -> Result<(i64, Vec<(Mandate, i64)>), StoreError> {
        let rows = sqlx::query("SELECT mandates FROM organizations")
            .fetch_all(self.pool())
            .await?;
        let mut counts: HashMap<Mandate, i64> = HashMap::new();
        for row in &rows {
            let keys: String = row.try_get("mandates")?;
            for mandate in keys.split_whitespace().filter_map(|k| k.parse().ok()) {
                *counts.entry(mandate).or_default() += 1;
            }
        }
        let total = i64::try_from(rows.len()).unwrap_or(i64::MAX);
        let mandates = Mandate::ALL
            .iter()
            .map(|m| (*m, counts.get(m).copied().unwrap_or(0)))
            .collect();
        Ok((total, mandates))
    }

    /// Every organization, for building the derived search index.
    pub async fn all_organizations(&self) -> Result<Vec<Organization>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM organizations ORDER BY id"
        )))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(organization_from_row).collect()
    }
}

fn push_conditions(sql: &mut Sql, filter: &OrgFilter) {
    sql.push(" WHERE 1 = 1");
    if let Some(p) = filter.province {
        sql.push(" AND province = ").bind(p.key());
    }
    if let Some(l) = filter.level {
        sql.push(" AND level = ").bind(l.key());
    }
    if let Some(s) = filter.sector {
        sql.push(" AND sector = ").bind(s.key());
    }
    if filter.coalitions_only {
        sql.push(" AND is_coalition = 1");
    }
    if let Some(m) = filter.mandate {
        // Mandates are stored as space-separated keys.
        sql.push(" AND (' ' || mandates || ' ') LIKE ")
            .bind(format!("% {} %", m.key()));
    }
    if let Some(text) = filter
        .name_contains
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let pattern = format!("%{}%", escape_like(&fold(text)));
        sql.push(" AND (sort_key_fr LIKE ")
            .bind(pattern.clone())
            .push(" ESCAPE '\\' OR sort_key_en LIKE ")
            .bind(pattern)
            .push(" ESCAPE '\\')");
    }
    if let Some(ids) = &filter.ids {
        sql.push(" AND id IN (")
            .bind_list(ids.iter().map(ToString::to_string))
            .push(")");
    }
}

/// The columns an organization is written with, in the order of [`organization_values`].
pub(crate) const WRITTEN: [&str; 23] = [
    "id",
    "slug",
    "name_fr",
    "name_en",
    "sort_key_fr",
    "sort_key_en",
    "description_fr",
    "description_en",
    "province",
    "level",
    "sector",
    "founded_year",
    "is_coalition",
    "source",
    "created_at",
    "updated_at",
    "formal",
    "mandates",
    "mandates_other",
    "website",
    "email",
    "phone",
    "areas",
];

/// An organization's row as written (see [`WRITTEN`]), text trimmed and names folded for
/// sorting.
fn organization_values(
    new: &NewOrganization,
    id: OrgId,
    slug: String,
    now: i64,
) -> Result<Vec<Value>, StoreError> {
    let (name_fr, name_en) = (new.name.fr.trim(), new.name.en.trim());
    let d = &new.details;
    Ok(vec![
        id.to_string().into(),
        slug.into(),
        name_fr.into(),
        name_en.into(),
        fold(name_fr).into(),
        fold(name_en).into(),
        new.description.fr.trim().into(),
        new.description.en.trim().into(),
        new.province.map(|p| p.key()).into(),
        new.level.map(|l| l.key()).into(),
        new.sector.map(|s| s.key()).into(),
        new.founded_year.map(i64::from).into(),
        new.is_coalition.into(),
        new.source.trim().into(),
        now.into(),
        now.into(),
        d.formal.map(i64::from).into(),
        mandate_keys(&d.mandates).into(),
        d.mandates_other.trim().into(),
        d.website.trim().into(),
        d.email.trim().into(),
        d.phone.trim().into(),
        serde_json::to_string(&d.areas)
            .map_err(|e| StoreError::Invalid(e.to_string()))?
            .into(),
    ])
}

/// Not part of an organization as a source sent it: its times, the import's own note of where
/// it came from (which names the file, in the importer's language), and its slug (a kept id
/// keeps its page address whatever the source says).
pub(crate) const FINGERPRINT_SKIPS: &[&str] = &["created_at", "updated_at", "source", "slug"];

/// The fingerprint of an organization as a source sent it.
pub(crate) fn fingerprint(new: &NewOrganization, id: OrgId) -> Result<String, StoreError> {
    let row = organization_values(new, id, new.slug.clone(), 0)?;
    Ok(crate::imports::row_fingerprint(
        &WRITTEN,
        &row,
        FINGERPRINT_SKIPS,
        &[],
    ))
}

fn slug_taken(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict("slug"),
        _ => StoreError::Database(e),
    }
}

/// Where an organization of a write is found: by the publisher's id an import keeps, else by
/// slug.
fn lookup_key(new: &NewOrganization, known_id: Option<OrgId>) -> (&'static str, String) {
    match known_id {
        Some(id) => ("id", id.to_string()),
        None => ("slug", new.slug.clone()),
    }
}

pub(crate) async fn upsert_one(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    new: &NewOrganization,
    known_id: Option<OrgId>,
    now: i64,
) -> Result<(UpsertOutcome, OrgId), StoreError> {
    let (column, key) = lookup_key(new, known_id);
    let existing = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM organizations WHERE {column} = $1"
    )))
    .bind(key)
    .fetch_optional(&mut **tx)
    .await?
    .as_ref()
    .map(organization_from_row)
    .transpose()?;
    match &existing {
        Some(org) if same_content(org, new) => Ok((UpsertOutcome::Unchanged, org.id)),
        Some(org) => {
            // An organization found by id keeps its slug (its page address).
            let slug = if known_id.is_some() {
                org.slug.clone()
            } else {
                new.slug.clone()
            };
            let values = organization_values(new, org.id, slug, now)?;
            let mut sql = Sql::new("UPDATE organizations SET ");
            let mut first = true;
            for (column, value) in WRITTEN.iter().zip(values) {
                if matches!(*column, "id" | "created_at") {
                    continue;
                }
                if !first {
                    sql.push(", ");
                }
                first = false;
                sql.push(column).push(" = ").bind(value);
            }
            sql.push(" WHERE id = ").bind(org.id.to_string());
            sql.query().execute(&mut **tx).await.map_err(slug_taken)?;
            Ok((UpsertOutcome::Updated, org.id))
        }
        None => {
            let id = known_id.unwrap_or_default();
            let values = organization_values(new, id, new.slug.clone(), now)?;
            insert_organizations(tx, vec![values]).await?;
            Ok((UpsertOutcome::Created, id))
        }
    }
}

/// Inserts organization rows many to a statement.
async fn insert_organizations(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    rows: Vec<Vec<Value>>,
) -> Result<(), StoreError> {
    // 23 columns: 200 rows stay far under both backends' limits on bound values.
    for batch in rows.chunks(200) {
        let mut sql = Sql::new(&format!(
            "INSERT INTO organizations ({}) VALUES ",
            WRITTEN.join(", ")
        ));
        for (i, row) in batch.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push("(").bind_list(row.iter().cloned()).push(")");
        }
        sql.query().execute(&mut **tx).await.map_err(slug_taken)?;
    }
    Ok(())
}

/// The organizations of a bulk load, with what [`upsert_one`] would do for each, but looked
/// up 500 at a time and inserted 200 to a statement: one round trip per organization made a
/// national load on PostgreSQL wait on 40,000 of them. Returns each one's id, in order.
pub(crate) async fn upsert_many(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    news: &[(&NewOrganization, Option<OrgId>)],
    now: i64,
) -> Result<Vec<OrgId>, StoreError> {
    let mut existing: HashMap<(&'static str, String), Organization> = HashMap::new();
    for column in ["id", "slug"] {
        let keys: Vec<String> = news
            .iter()
            .map(|(new, known)| lookup_key(new, *known))
            .filter(|(c, _)| *c == column)
            .map(|(_, key)| key)
            .collect();
        for chunk in keys.chunks(500) {
            let mut sql = Sql::new(&format!(
                "SELECT {COLUMNS} FROM organizations WHERE {column} IN ("
            ));
            sql.bind_list(chunk.iter().cloned()).push(")");
            for row in sql.query().fetch_all(&mut **tx).await? {
                let org = organization_from_row(&row)?;
                let key = match column {
                    "id" => org.id.to_string(),
                    _ => org.slug.clone(),
                };
                existing.insert((column, key), org);
            }
        }
    }
    let mut ids = Vec::with_capacity(news.len());
    let mut pending: Vec<Vec<Value>> = Vec::new();
    // What this load has reached so far: the same row reached twice (by id, then by slug),
    // or a slug about to be inserted, is written one at a time, as it comes.
    let mut seen = std::collections::HashSet::new();
    let mut touched = std::collections::HashSet::new();
    let mut pending_slugs = std::collections::HashSet::new();
    for (new, known) in news {
        let key = lookup_key(new, *known);
        let found = existing.get(&key);
        let repeated = !seen.insert(key.clone())
            || found.is_some_and(|org| touched.contains(&org.id))
            || pending_slugs.contains(new.slug.as_str())
            || known.is_some_and(|id| touched.contains(&id));
        match found {
            Some(org) if !repeated && same_content(org, new) => {
                touched.insert(org.id);
                ids.push(org.id);
            }
            None if !repeated => {
                let id = known.unwrap_or_default();
                pending.push(organization_values(new, id, new.slug.clone(), now)?);
                pending_slugs.insert(new.slug.as_str());
                touched.insert(id);
                ids.push(id);
            }
            // Changed, or named twice in the load: written one at a time, as it comes.
            _ => {
                insert_organizations(tx, std::mem::take(&mut pending)).await?;
                pending_slugs.clear();
                let id = upsert_one(tx, new, *known, now).await?.1;
                touched.insert(id);
                ids.push(id);
            }
        }
    }
    insert_organizations(tx, pending).await?;
    Ok(ids)
}

fn same_content(org: &Organization, new: &NewOrganization) -> bool {
    org.name.fr == new.name.fr.trim()
        && org.name.en == new.name.en.trim()
        && org.description.fr == new.description.fr.trim()
        && org.description.en == new.description.en.trim()
        && org.province == new.province
        && org.level == new.level
        && org.sector == new.sector
        && org.founded_year == new.founded_year
        && org.is_coalition == new.is_coalition
        && org.source == new.source.trim()
        && org.details == trimmed(&new.details)
}

/// Details as stored: text trimmed.
fn trimmed(d: &OrgDetails) -> OrgDetails {
    OrgDetails {
        mandates_other: d.mandates_other.trim().to_owned(),
        website: d.website.trim().to_owned(),
        email: d.email.trim().to_owned(),
        phone: d.phone.trim().to_owned(),
        ..d.clone()
    }
}

fn mandate_keys(mandates: &[Mandate]) -> String {
    mandates
        .iter()
        .map(|m| m.key())
        .collect::<Vec<_>>()
        .join(" ")
}

fn organization_from_row(row: &AnyRow) -> Result<Organization, StoreError> {
    let id: String = row.try_get("id")?;
    let parse_opt =
        |column: &str| -> Result<Option<String>, StoreError> { Ok(row.try_get(column)?) };
    let corrupt = |what: &str, value: &str| {
        StoreError::Corrupt(format!("organization {id}: {what} {value:?}"))
    };
    Ok(Organization {
        id: id.parse().map_err(|_| corrupt("id", &id))?,
        slug: row.try_get("slug")?,
        name: Bilingual::new(row.try_get("name_fr")?, row.try_get("name_en")?),
        description: Bilingual::new(
            row.try_get("description_fr")?,
            row.try_get("description_en")?,
        ),
        province: parse_opt("province")?
            .map(|v| v.parse().map_err(|_| corrupt("province", &v)))
            .transpose()?,
        level: parse_opt("level")?
            .map(|v| v.parse().map_err(|_| corrupt("level", &v)))
            .transpose()?,
        sector: parse_opt("sector")?
            .map(|v| v.parse().map_err(|_| corrupt("sector", &v)))
            .transpose()?,
        founded_year: row
            .try_get::<Option<i64>, _>("founded_year")?
            .map(|y| i32::try_from(y).map_err(|_| corrupt("founded_year", &y.to_string())))
            .transpose()?,
        is_coalition: row.try_get::<i64, _>("is_coalition")? == 1,
        source: row.try_get("source")?,
        details: OrgDetails {
            formal: row.try_get::<Option<i64>, _>("formal")?.map(|f| f == 1),
            mandates: row
                .try_get::<String, _>("mandates")?
                .split_whitespace()
                .map(|m| m.parse().map_err(|_| corrupt("mandate", m)))
                .collect::<Result<_, _>>()?,
            mandates_other: row.try_get("mandates_other")?,
            website: row.try_get("website")?,
            email: row.try_get("email")?,
            phone: row.try_get("phone")?,
            areas: serde_json::from_str(&row.try_get::<String, _>("areas")?)
                .map_err(|_| corrupt("areas", "JSON"))?,
        },
        created_at: Timestamp(row.try_get("created_at")?),
        updated_at: Timestamp(row.try_get("updated_at")?),
    })
}

impl Tx {
    /// Adds an organization to the directory; a slug already taken is a `Conflict`.
    pub async fn create_organization(
        &mut self,
        permit: &Permit<Directory>,
        new: &NewOrganization,
    ) -> Result<OrgId, StoreError> {
        require(permit, &[DirectoryAction::CreateOrganization])?;
        validated(new)?;
        let taken = sqlx::query("SELECT id FROM organizations WHERE slug = $1")
            .bind(new.slug.clone())
            .fetch_optional(self.conn())
            .await?;
        if taken.is_some() {
            return Err(StoreError::Conflict("slug"));
        }
        let now = now_ms();
        let (_, id) = upsert_one(&mut self.inner, new, None, now).await?;
        directory_changed(&mut self.inner, now, &[Changed::Organization(id)]).await?;
        let event = permit.audit_event(Outcome::Success).target(&new.slug);
        self.audit(&AuditEvent {
            target_type: "organization",
            ..event
        })
        .await?;
        Ok(id)
    }

    /// Updates the permit's organization (its slug, its page address, stays as it is).
    pub async fn update_organization(
        &mut self,
        permit: &Permit<Listing>,
        new: &NewOrganization,
    ) -> Result<UpsertOutcome, StoreError> {
        require(permit, &[ListingAction::EditProfile])?;
        validated(new)?;
        let now = now_ms();
        let org = permit.resource().org;
        let known = sqlx::query("SELECT slug FROM organizations WHERE id = $1")
            .bind(org.to_string())
            .fetch_optional(self.conn())
            .await?;
        let Some(known) = known else {
            return Err(StoreError::Invalid("no such organization".into()));
        };
        let (outcome, id) = upsert_one(&mut self.inner, new, Some(org), now).await?;
        if outcome != UpsertOutcome::Unchanged {
            directory_changed(&mut self.inner, now, &[Changed::Organization(id)]).await?;
            crate::imports::edited_here(
                &mut self.inner,
                mosaique_domain::directory::sync::ObjectKind::Organization,
                &id.to_string(),
                now,
            )
            .await?;
            let slug: String = known.try_get("slug")?;
            self.audit(&permit.audit_event(Outcome::Success).target(slug))
                .await?;
        }
        Ok(outcome)
    }
}

fn validated(new: &NewOrganization) -> Result<(), StoreError> {
    new.validate().map_err(|p| StoreError::invalid(&p))
}

#[cfg(test)]
mod tests {
    use mosaique_domain::{Level, NewOrganization, OrgId, Province, Sector};

    use mosaique_domain::Bilingual;
    use mosaique_domain::policy::directory::{Directory, DirectoryAction};
    use mosaique_domain::policy::{Permit, Principal};

    use super::upsert_many;
    use crate::db_test;
    use crate::{OrgFilter, OrgSort, UpsertOutcome};

    fn import() -> Permit<Directory> {
        crate::testing::permit(&Principal::Operator, DirectoryAction::Import, Directory)
    }

    fn sample(slug: &str, name_fr: &str, province: Option<Province>) -> NewOrganization {
        NewOrganization {
            slug: slug.into(),
            name: Bilingual::new(name_fr.into(), format!("{name_fr} (en)")),
            description: Bilingual::new(
                "Exemple — description".into(),
                "Example — description".into(),
            ),
            province,
            level: Some(Level::Regional),
            sector: Some(Sector::Community),
            founded_year: Some(2011),
            is_coalition: slug.starts_with("coal"),
            source: "test".into(),
            details: Default::default(),
        }
    }

    db_test!(a_bulk_upsert_does_what_one_at_a_time_would, |db| {
        let (kept, _) = db
            .upsert_organization(&import(), &sample("kept", "Gardé", None))
            .await
            .unwrap();
        let (changed, _) = db
            .upsert_organization(&import(), &sample("changed", "Avant", None))
            .await
            .unwrap();
        let by_id = OrgId::new();
        let news = [
            sample("kept", "Gardé", None),
            sample("changed", "Après", None),
            sample("new-one", "Nouveau", Some(Province::Qc)),
            // Named twice: the second write wins, as it would one at a time.
            sample("twice", "Première", None),
            sample("twice", "Seconde", None),
            // Found by a publisher's id; a later write by that id keeps the slug.
            sample("published", "Publié", None),
            sample("renamed-slug", "Publié encore", None),
            // New by an id, then reached by its slug: the second updates the first.
            sample("cross", "Par l’id", None),
            sample("cross", "Par le slug", None),
        ];
        let cross = OrgId::new();
        let known = [
            None,
            None,
            None,
            None,
            None,
            Some(by_id),
            Some(by_id),
            Some(cross),
            None,
        ];
        let pairs: Vec<(&NewOrganization, Option<OrgId>)> = news.iter().zip(known).collect();
        let mut tx = db.begin().await.unwrap();
        let ids = upsert_many(&mut tx.inner, &pairs, 1).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(ids[0], kept.id);
        assert_eq!(ids[1], changed.id);
        assert_eq!(ids[3], ids[4]);
        assert_eq!((ids[5], ids[6]), (by_id, by_id));
        assert_eq!((ids[7], ids[8]), (cross, cross));
        let all = db.all_organizations().await.unwrap();
        let name = |slug: &str| {
            all.iter()
                .find(|o| o.slug == slug)
                .map(|o| o.name.fr.clone())
                .unwrap_or_default()
        };
        assert_eq!(name("kept"), "Gardé");
        assert_eq!(
            db.organization_by_slug("kept")
                .await
                .unwrap()
                .unwrap()
                .updated_at,
            kept.updated_at,
            "unchanged rows are left alone"
        );
        assert_eq!(name("changed"), "Après");
        assert_eq!(name("new-one"), "Nouveau");
        assert_eq!(name("twice"), "Seconde");
        assert_eq!(name("published"), "Publié encore");
        assert!(
            db.organization_by_slug("renamed-slug")
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(name("cross"), "Par le slug");
        assert_eq!(db.all_organizations().await.unwrap().len(), 6);
    });

    db_test!(upsert_creates_then_updates_by_slug, |db| {
        let before = db.directory_version().await.unwrap();
        let (created, outcome) = db
            .upsert_organization(
                &import(),
                &sample("abc", "Étoile du Nord", Some(Province::Qc)),
            )
            .await
            .unwrap();
        assert_eq!(outcome, UpsertOutcome::Created);
        assert!(!created.is_coalition && created.founded_year == Some(2011));
        let (updated, outcome) = db
            .upsert_organization(&import(), &sample("abc", "Étoile du Sud", None))
            .await
            .unwrap();
        assert_eq!(outcome, UpsertOutcome::Updated);
        assert_eq!(updated.id, created.id);
        assert_eq!(updated.name.fr, "Étoile du Sud");
        assert_eq!(updated.province, None);
        assert_eq!(
            db.organization_by_slug("abc").await.unwrap(),
            Some(updated.clone())
        );
        assert_eq!(
            db.organization(updated.id).await.unwrap(),
            Some(updated.clone())
        );
        assert_eq!(db.directory_version().await.unwrap(), before + 2);
        // Writing the same content again changes nothing, not even the update time.
        let (same, outcome) = db
            .upsert_organization(&import(), &sample("abc", "Étoile du Sud", None))
            .await
            .unwrap();
        assert_eq!(outcome, UpsertOutcome::Unchanged);
        assert_eq!(same.updated_at, updated.updated_at);
        assert_eq!(db.directory_version().await.unwrap(), before + 2);
    });

    db_test!(details_are_stored_and_a_change_to_them_is_a_change, |db| {
        use mosaique_domain::service::{ServiceArea, ServiceAreaKind};
        use mosaique_domain::{Mandate, OrgDetails};
        let mut org = sample("details", "Détails", Some(Province::Qc));
        db.upsert_organization(&import(), &org).await.unwrap();
        org.details = OrgDetails {
            formal: Some(true),
            mandates: vec![Mandate::CaseManagement, Mandate::EmergencyAssistance],
            mandates_other: " Cuisine collective ".into(),
            website: "https://exemple.org".into(),
            email: "info@exemple.org".into(),
            phone: "514-555-0100".into(),
            areas: vec![ServiceArea {
                kind: ServiceAreaKind::Municipality,
                code: "Laval".into(),
            }],
        };
        let (stored, outcome) = db.upsert_organization(&import(), &org).await.unwrap();
        assert_eq!(outcome, UpsertOutcome::Updated);
        assert_eq!(stored.details.mandates_other, "Cuisine collective");
        assert_eq!(stored.details.mandates, org.details.mandates);
        assert_eq!(stored.details.areas, org.details.areas);
        assert_eq!(stored.details.formal, Some(true));
        let (_, again) = db.upsert_organization(&import(), &org).await.unwrap();
        assert_eq!(again, UpsertOutcome::Unchanged);
    });

    db_test!(a_batch_with_one_bad_row_writes_nothing, |db| {
        let batch = [
            sample("good", "Bon", None),
            NewOrganization {
                name: Bilingual::new("Mauvais".into(), String::new()),
                ..sample("bad", "Mauvais", None)
            },
        ];
        assert!(
            matches!(db.upsert_organizations(&import(), &batch).await, Err(crate::StoreError::Invalid(m)) if m.starts_with("bad:"))
        );
        assert!(db.all_organizations().await.unwrap().is_empty());
    });

    db_test!(name_order_is_the_same_on_both_backends, |db| {
        // PostgreSQL's locale collation ignores spaces and punctuation; byte order does not.
        for (slug, name) in [
            ("s-a", "Abc def"),
            ("s-b", "Abcdef"),
            ("s-c", "Abc-xyz"),
            ("s-d", "abc zzz"),
        ] {
            db.upsert_organization(&import(), &sample(slug, name, None))
                .await
                .unwrap();
        }
        let page = db
            .list_organizations(&OrgFilter {
                limit: 10,
                ..OrgFilter::default()
            })
            .await
            .unwrap();
        let slugs: Vec<_> = page.items.iter().map(|o| o.slug.as_str()).collect();
        assert_eq!(slugs, ["s-a", "s-d", "s-c", "s-b"]);
    });

    db_test!(invalid_organization_writes_nothing, |db| {
        let before = db.directory_version().await.unwrap();
        let bad = NewOrganization {
            slug: "BAD SLUG".into(),
            ..sample("x", "Nom", None)
        };
        assert!(matches!(
            db.upsert_organization(&import(), &bad).await,
            Err(crate::StoreError::Invalid(_))
        ));
        assert_eq!(db.directory_version().await.unwrap(), before);
        assert!(db.all_organizations().await.unwrap().is_empty());
    });

    db_test!(list_filters_folds_accents_and_paginates, |db| {
        db.upsert_organization(
            &import(),
            &sample("coal-qc", "Coalition québécoise", Some(Province::Qc)),
        )
        .await
        .unwrap();
        db.upsert_organization(
            &import(),
            &sample("etoile", "ÉTOILE 100%_sûre", Some(Province::Qc)),
        )
        .await
        .unwrap();
        db.upsert_organization(
            &import(),
            &sample("ontario", "Réseau de l'Ontario", Some(Province::On)),
        )
        .await
        .unwrap();

        let page = db
            .list_organizations(&OrgFilter {
                limit: 10,
                ..OrgFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(page.total, 3);
        let names: Vec<_> = page.items.iter().map(|o| o.slug.as_str()).collect();
        assert_eq!(
            names,
            ["coal-qc", "etoile", "ontario"],
            "sorted by folded French name"
        );

        let qc = OrgFilter {
            province: Some(Province::Qc),
            limit: 10,
            ..OrgFilter::default()
        };
        assert_eq!(db.list_organizations(&qc).await.unwrap().total, 2);

        let folded = OrgFilter {
            name_contains: Some("etoile".into()),
            limit: 10,
            ..OrgFilter::default()
        };
        assert_eq!(
            db.list_organizations(&folded).await.unwrap().items[0].slug,
            "etoile"
        );

        // LIKE wildcards in user input are literal.
        let literal = OrgFilter {
            name_contains: Some("100%_s".into()),
            limit: 10,
            ..OrgFilter::default()
        };
        assert_eq!(db.list_organizations(&literal).await.unwrap().total, 1);
        let wildcard = OrgFilter {
            name_contains: Some("%".into()),
            limit: 10,
            ..OrgFilter::default()
        };
        assert_eq!(db.list_organizations(&wildcard).await.unwrap().total, 1);

        let coalitions = OrgFilter {
            coalitions_only: true,
            limit: 10,
            ..OrgFilter::default()
        };
        assert_eq!(
            db.list_organizations(&coalitions).await.unwrap().items[0].slug,
            "coal-qc"
        );

        let second = OrgFilter {
            limit: 2,
            offset: 2,
            sort: OrgSort::NameEn,
            ..OrgFilter::default()
        };
        let page = db.list_organizations(&second).await.unwrap();
        assert_eq!((page.total, page.items.len()), (3, 1));

        let ids = vec![page.items[0].id];
        let by_id = OrgFilter {
            ids: Some(ids),
            limit: 10,
            ..OrgFilter::default()
        };
        assert_eq!(db.list_organizations(&by_id).await.unwrap().total, 1);
        let none = OrgFilter {
            ids: Some(Vec::new()),
            limit: 10,
            ..OrgFilter::default()
        };
        assert_eq!(db.list_organizations(&none).await.unwrap().total, 0);
    });

    db_test!(demo_loads_idempotently, |db| {
        let first = crate::demo::load(&db, &import()).await.unwrap();
        assert!(first.created >= 45 && first.updated == 0);
        let second = crate::demo::load(&db, &import()).await.unwrap();
        assert_eq!(
            (second.created, second.updated, second.unchanged),
            (0, 0, first.created)
        );
        assert_eq!(db.all_organizations().await.unwrap().len(), first.created);
    });
}
