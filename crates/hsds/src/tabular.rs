//! Published organizations flattened into the CSV tables of the profile's datapackage: one
//! row per object, in the descriptor's column order. Nested HSDS objects become rows of
//! their own tables; the profile's object and array columns (translations, domains,
//! eligibility, area codes) hold JSON, so the CSV package loses nothing.
//!
//! Rows are written as organizations come, one table per writer, so a national export holds
//! one organization in memory at a time.

use std::collections::{BTreeMap, HashSet};
use std::io::Write;

use serde_json::Value;

use crate::schema::{columns, datapackage};

/// Tables whose rows can come twice (a site is listed by its organization and by each of its
/// services; units and terms are shared): only these remember the ids written.
const REPEATING: [&str; 4] = [
    "locations.csv",
    "addresses.csv",
    "units.csv",
    "taxonomy_terms.csv",
];

/// One CSV writer per table of the datapackage, each begun with its header.
#[derive(Debug)]
pub struct Tables<W: Write> {
    writers: BTreeMap<String, csv::Writer<W>>,
    seen: HashSet<(&'static str, String)>,
}

/// A CSV cell: objects and arrays (translations, domains, eligibility) as JSON text, the
/// datapackage's `object` and `array` field types.
fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Array(_) | Value::Object(_) => v.to_string(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
    }
}

fn each<'a>(value: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    value[key].as_array().into_iter().flatten()
}

fn io(e: csv::Error) -> std::io::Error {
    std::io::Error::other(e)
}

impl<W: Write> Tables<W> {
    /// Opens every table of the datapackage with `open(path)` and writes its header, so the
    /// package is complete even where a table stays empty.
    pub fn new(mut open: impl FnMut(&str) -> std::io::Result<W>) -> std::io::Result<Self> {
        let mut writers = BTreeMap::new();
        for resource in datapackage()["resources"].as_array().into_iter().flatten() {
            let Some(path) = resource["path"].as_str() else {
                continue;
            };
            let mut writer = csv::Writer::from_writer(open(path)?);
            writer.write_record(columns(path)).map_err(io)?;
            writers.insert(path.to_owned(), writer);
        }
        Ok(Tables {
            writers,
            seen: HashSet::new(),
        })
    }

    /// Writes one object as a row of `path` (once per id in the repeating tables).
    fn add(
        &mut self,
        path: &'static str,
        object: &Value,
        extra: &[(&str, &Value)],
    ) -> std::io::Result<()> {
        if REPEATING.contains(&path) && !self.seen.insert((path, cell(&object["id"]))) {
            return Ok(());
        }
        let row = columns(path).iter().map(|c| {
            extra
                .iter()
                .find(|(k, _)| k == c)
                .map(|(_, v)| cell(v))
                .unwrap_or_else(|| cell(&object[c.as_str()]))
        });
        match self.writers.get_mut(path) {
            Some(writer) => writer.write_record(row).map_err(io),
            None => Ok(()),
        }
    }

    fn location(&mut self, l: &Value, organization_id: &Value) -> std::io::Result<()> {
        self.add("locations.csv", l, &[("organization_id", organization_id)])?;
        for a in each(l, "addresses") {
            self.add("addresses.csv", a, &[])?;
        }
        Ok(())
    }

    /// Writes a published full organization (with `services` and `locations`).
    pub fn organization(&mut self, o: &Value) -> std::io::Result<()> {
        self.add("organizations.csv", o, &[])?;
        for p in each(o, "phones") {
            self.add("phones.csv", p, &[])?;
        }
        for l in each(o, "locations") {
            self.location(l, &o["id"])?;
        }
        for s in each(o, "services") {
            self.add("services.csv", s, &[])?;
            for (key, path) in [
                ("phones", "phones.csv"),
                ("schedules", "schedules.csv"),
                ("service_areas", "service_areas.csv"),
                ("languages", "languages.csv"),
                ("cost_options", "cost_options.csv"),
            ] {
                for child in each(s, key) {
                    self.add(path, child, &[])?;
                }
            }
            for c in each(s, "capacities") {
                self.add("units.csv", &c["unit"], &[])?;
                self.add("service_capacity.csv", c, &[("unit_id", &c["unit"]["id"])])?;
            }
            for a in each(s, "attributes") {
                self.add("taxonomy_terms.csv", &a["taxonomy_term"], &[])?;
                self.add("attributes.csv", a, &[])?;
            }
            for sal in each(s, "service_at_locations") {
                self.add("service_at_location.csv", sal, &[])?;
                // A site of a service may belong to another organization.
                self.location(&sal["location"], &sal["location"]["organization_id"])?;
            }
        }
        Ok(())
    }

    /// Writes the taxonomy records (`taxonomies.csv`, `taxonomy_terms.csv`).
    pub fn taxonomy(&mut self, taxonomy: &Value, terms: &[Value]) -> std::io::Result<()> {
        self.add("taxonomies.csv", taxonomy, &[])?;
        for t in terms {
            self.add("taxonomy_terms.csv", t, &[])?;
        }
        Ok(())
    }

    /// Flushes every table; returns each writer by its CSV path.
    pub fn finish(self) -> std::io::Result<Vec<(String, W)>> {
        self.writers
            .into_iter()
            .map(|(path, writer)| {
                let inner = writer
                    .into_inner()
                    .map_err(|e| std::io::Error::other(e.to_string()))?;
                Ok((path, inner))
            })
            .collect()
    }
}

/// The tables in memory, as text by CSV path (tests and small exports).
pub fn to_csv(organizations: &[Value]) -> std::io::Result<Vec<(String, String)>> {
    let mut tables = Tables::new(|_| Ok(Vec::new()))?;
    for o in organizations {
        tables.organization(o)?;
    }
    Ok(tables
        .finish()?
        .into_iter()
        .map(|(path, bytes)| (path, String::from_utf8_lossy(&bytes).into_owned()))
        .collect())
}
