//! Published organizations flattened into the CSV tables of the profile's datapackage: one
//! row per object, in the descriptor's column order. Nested HSDS objects become rows of
//! their own tables; the profile's object and array columns (translations, domains,
//! eligibility, area codes) hold JSON, so the CSV package loses nothing.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::schema::columns;

/// The tables, by CSV path, as rows of fields; only tables with rows.
#[derive(Debug, Default)]
pub struct Tables {
    rows: BTreeMap<&'static str, Vec<Vec<String>>>,
    seen: BTreeSet<(&'static str, String)>,
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

impl Tables {
    /// Adds one object as a row of `path`, once per id (units and terms repeat).
    fn add(&mut self, path: &'static str, object: &Value, extra: &[(&str, &Value)]) {
        let id = cell(&object["id"]);
        if !self.seen.insert((path, id)) {
            return;
        }
        let row = columns(path)
            .iter()
            .map(|c| {
                extra
                    .iter()
                    .find(|(k, _)| k == c)
                    .map(|(_, v)| cell(v))
                    .unwrap_or_else(|| cell(&object[c.as_str()]))
            })
            .collect();
        self.rows.entry(path).or_default().push(row);
    }

    fn each<'a>(value: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
        value[key].as_array().into_iter().flatten()
    }

    fn location(&mut self, l: &Value, organization_id: &Value) {
        self.add("locations.csv", l, &[("organization_id", organization_id)]);
        for a in Self::each(l, "addresses") {
            self.add("addresses.csv", a, &[]);
        }
    }

    /// Adds a published full organization (with `services` and `locations`).
    pub fn organization(&mut self, o: &Value) {
        self.add("organizations.csv", o, &[]);
        for p in Self::each(o, "phones") {
            self.add("phones.csv", p, &[]);
        }
        for l in Self::each(o, "locations") {
            self.location(l, &o["id"]);
        }
        for s in Self::each(o, "services") {
            self.add("services.csv", s, &[]);
            for (key, path) in [
                ("phones", "phones.csv"),
                ("schedules", "schedules.csv"),
                ("service_areas", "service_areas.csv"),
                ("languages", "languages.csv"),
                ("cost_options", "cost_options.csv"),
            ] {
                for child in Self::each(s, key) {
                    self.add(path, child, &[]);
                }
            }
            for c in Self::each(s, "capacities") {
                self.add("units.csv", &c["unit"], &[]);
                self.add("service_capacity.csv", c, &[("unit_id", &c["unit"]["id"])]);
            }
            for a in Self::each(s, "attributes") {
                self.add("taxonomy_terms.csv", &a["taxonomy_term"], &[]);
                self.add("attributes.csv", a, &[]);
            }
            for sal in Self::each(s, "service_at_locations") {
                self.add("service_at_location.csv", sal, &[]);
                // A site of a service may belong to another organization.
                self.location(&sal["location"], &sal["location"]["organization_id"]);
            }
        }
    }

    /// Adds taxonomy records (`taxonomies.csv`, `taxonomy_terms.csv`).
    pub fn taxonomy(&mut self, taxonomy: &Value, terms: &[Value]) {
        self.add("taxonomies.csv", taxonomy, &[]);
        for t in terms {
            self.add("taxonomy_terms.csv", t, &[]);
        }
    }

    /// Every table of the datapackage, each as CSV text with its header (empty tables
    /// have their header only, so the package stays complete).
    pub fn to_csv(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for resource in crate::schema::datapackage()["resources"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let Some(path) = resource["path"].as_str() else {
                continue;
            };
            let mut writer = csv::Writer::from_writer(Vec::new());
            let header = columns(path);
            let mut text = String::new();
            if writer.write_record(header).is_ok() {
                for row in self.rows.get(path).into_iter().flatten() {
                    if writer.write_record(row).is_err() {
                        break;
                    }
                }
                if let Ok(bytes) = writer.into_inner() {
                    text = String::from_utf8_lossy(&bytes).into_owned();
                }
            }
            out.push((path.to_owned(), text));
        }
        out
    }

    /// Rows written to a table.
    pub fn len(&self, path: &str) -> usize {
        self.rows.get(path).map_or(0, Vec::len)
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}
