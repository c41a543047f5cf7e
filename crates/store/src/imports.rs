//! What each import source last sent (`directory_imports`): read by a re-import to decide
//! per object (`mosaique_domain::directory::sync`), marked by every local edit.

use std::collections::{HashMap, HashSet};

use mosaique_domain::Bilingual;
use mosaique_domain::directory::sync::{Found, Named, ObjectKind, Track, fingerprint};
use sqlx::Row;

use crate::services::{LOCATION_ROW, SERVICE_ROW, TIMES};
use crate::{Sql, StoreError, Value};

/// The fingerprint of a row as a source sent it: every column but those named in `skip`
/// (times, and what says where it came from), then `extra` (a service's sites).
pub(crate) fn row_fingerprint(
    columns: &[&str],
    row: &[Value],
    skip: &[&str],
    extra: &[String],
) -> String {
    let fields: Vec<Option<String>> = columns
        .iter()
        .zip(row)
        .filter(|(c, _)| !skip.contains(c))
        .map(|(_, v)| match v {
            Value::Text(t) => t.clone(),
            Value::Int(i) => i.map(|i| i.to_string()),
            Value::Float(f) => f.map(|f| f.to_string()),
        })
        .chain(extra.iter().cloned().map(Some))
        .collect();
    fingerprint(fields.iter().map(Option::as_deref))
}

/// Marks an object as edited here, if an import brought it: its source's next change is then
/// a conflict, not an overwrite.
pub(crate) async fn edited_here(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    kind: ObjectKind,
    id: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE directory_imports SET edited_at = $3 WHERE kind = $1 AND id = $2")
        .bind(kind.key())
        .bind(id.to_owned())
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// What the store knows of one object an import sends, with the time it was edited here.
pub(crate) struct Known {
    pub found: Found,
    pub edited_at: Option<i64>,
}

/// What is known of `ids` (of one kind). A row no import brought counts as edited `now`.
pub(crate) async fn known(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    kind: ObjectKind,
    ids: &[String],
    now: i64,
) -> Result<HashMap<String, Known>, StoreError> {
    let mut known = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let mut sql =
            Sql::new("SELECT id, source_hash, edited_at FROM directory_imports WHERE kind = ");
        sql.bind(kind.key()).push(" AND id IN (");
        sql.bind_list(chunk.iter().map(String::as_str)).push(")");
        for row in sql.query().fetch_all(&mut **tx).await? {
            let edited_at: Option<i64> = row.try_get("edited_at")?;
            let found = Found::Imported {
                previous: row.try_get("source_hash")?,
                edited_here: edited_at.is_some(),
            };
            known.insert(row.try_get("id")?, Known { found, edited_at });
        }
        let untracked: Vec<&str> = chunk
            .iter()
            .filter(|id| !known.contains_key(*id))
            .map(String::as_str)
            .collect();
        for (id, current) in current_fingerprints(tx, kind, &untracked).await? {
            known.insert(
                id,
                Known {
                    found: Found::Local { current },
                    edited_at: Some(now),
                },
            );
        }
    }
    Ok(known)
}

/// The fingerprints of objects no import brought, as they are here (those that exist).
async fn current_fingerprints(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    kind: ObjectKind,
    ids: &[&str],
) -> Result<Vec<(String, String)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let (table, columns, skip) = match kind {
        ObjectKind::Organization => (
            "organizations",
            &crate::organizations::WRITTEN[..],
            crate::organizations::FINGERPRINT_SKIPS,
        ),
        ObjectKind::Location => ("locations", LOCATION_ROW, TIMES),
        ObjectKind::Service => ("services", SERVICE_ROW, TIMES),
    };
    let mut sites: HashMap<String, Vec<String>> = HashMap::new();
    if kind == ObjectKind::Service {
        let mut sql =
            Sql::new("SELECT service_id, location_id FROM service_locations WHERE service_id IN (");
        sql.bind_list(ids.iter().copied()).push(")");
        for row in sql.query().fetch_all(&mut **tx).await? {
            sites
                .entry(row.try_get("service_id")?)
                .or_default()
                .push(row.try_get("location_id")?);
        }
    }
    let mut sql = Sql::new(&format!(
        "SELECT {} FROM {table} WHERE id IN (",
        columns.join(", ")
    ));
    sql.bind_list(ids.iter().copied()).push(")");
    let mut found = Vec::new();
    for row in sql.query().fetch_all(&mut **tx).await? {
        let values = columns
            .iter()
            .map(|c| stored_value(&row, c))
            .collect::<Result<Vec<Value>, StoreError>>()?;
        let id: String = row.try_get("id")?;
        let here = crate::services::sorted(sites.get(&id).map_or(&[][..], Vec::as_slice));
        found.push((id, row_fingerprint(columns, &values, skip, &here)));
    }
    Ok(found)
}

/// A column as stored, in the form a load binds it (text, integer or real).
fn stored_value(row: &sqlx::any::AnyRow, column: &str) -> Result<Value, StoreError> {
    if let Ok(text) = row.try_get::<Option<String>, _>(column) {
        return Ok(Value::Text(text));
    }
    if let Ok(int) = row.try_get::<Option<i64>, _>(column) {
        return Ok(Value::Int(int));
    }
    Ok(Value::Float(row.try_get::<Option<f64>, _>(column)?))
}

/// One object whose record of its source an import writes.
pub(crate) struct Tracked {
    pub kind: ObjectKind,
    pub id: String,
    pub hash: String,
    pub name: Bilingual<String>,
    pub track: Track,
    /// When it was edited here, if it was (kept by [`Track::KeepEdited`]).
    pub edited_at: Option<i64>,
}

/// Records what `source` sent of each object, as each decision says.
pub(crate) async fn record(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    source: &str,
    tracked: &[Tracked],
    now: i64,
) -> Result<(), StoreError> {
    let rows: Vec<Vec<Value>> = tracked
        .iter()
        .filter_map(|t| {
            let edited_at = match t.track {
                Track::Keep => return None,
                Track::Fresh => None,
                Track::KeepEdited => t.edited_at,
            };
            Some(vec![
                t.kind.key().into(),
                t.id.clone().into(),
                source.into(),
                t.hash.clone().into(),
                t.name.fr.trim().into(),
                t.name.en.trim().into(),
                now.into(),
                edited_at.into(),
            ])
        })
        .collect();
    for batch in rows.chunks(200) {
        let mut sql = Sql::new(
            "INSERT INTO directory_imports (kind, id, source, source_hash, name_fr, name_en, \
             imported_at, edited_at) VALUES ",
        );
        for (i, row) in batch.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push("(").bind_list(row.iter().cloned()).push(")");
        }
        sql.push(
            " ON CONFLICT (kind, id) DO UPDATE SET source = excluded.source, \
             source_hash = excluded.source_hash, name_fr = excluded.name_fr, \
             name_en = excluded.name_en, imported_at = excluded.imported_at, \
             edited_at = excluded.edited_at",
        );
        sql.query().execute(&mut **tx).await?;
    }
    Ok(())
}

/// What `source` sent before and did not send this time, in the order of kinds then names.
pub(crate) async fn missing(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    source: &str,
    sent: &HashSet<(ObjectKind, String)>,
) -> Result<Vec<Named>, StoreError> {
    let rows = sqlx::query(
        "SELECT kind, id, name_fr, name_en FROM directory_imports WHERE source = $1 \
         ORDER BY kind, name_fr, id",
    )
    .bind(source.to_owned())
    .fetch_all(&mut **tx)
    .await?;
    let mut missing = Vec::new();
    for row in rows {
        let key: String = row.try_get("kind")?;
        let kind = ObjectKind::from_key(&key)
            .ok_or_else(|| StoreError::Corrupt(format!("import kind {key}")))?;
        let id: String = row.try_get("id")?;
        if sent.contains(&(kind, id.clone())) {
            continue;
        }
        missing.push(Named {
            kind,
            id,
            name: Bilingual::new(row.try_get("name_fr")?, row.try_get("name_en")?),
            outcome: None,
        });
    }
    missing.sort_by_key(|m| m.kind);
    Ok(missing)
}
