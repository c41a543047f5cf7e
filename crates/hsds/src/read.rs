//! Reading an HSDS 3.1 package into directory records.
//!
//! Two serializations: JSON (an array of organizations with their `services` and
//! `locations`, as `hsds export` writes, and optionally `services.json`, an array of
//! services with `organization_id`) and the tabular package (CSV files named as in the
//! datapackage). CSV rows are first nested into the same objects as the JSON, so both go
//! through one mapping. Every problem is collected, with the file and the line (CSV) or the
//! JSON path, before anything is written: the caller imports all or nothing.

use std::collections::{BTreeMap, HashMap};

use mosaique_domain::directory::geo::Point;
use mosaique_domain::directory::schedule::ScheduleError;
use mosaique_domain::directory::schedule::{Day, Hours, Schedule};
use mosaique_domain::directory::taxonomy::taxonomy;
use mosaique_domain::organization::OrganizationError;
use mosaique_domain::service::{
    Access, Cost, Eligibility, GenderServed, NewLocation, NewService, ServiceArea, ServiceAreaKind,
    ServiceError, ServiceStatus,
};
use mosaique_domain::{
    Bilingual, Language, LocationId, NewOrganization, OrgDetails, OrgId, Province, ServiceDomain,
    ServiceId,
};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::mapping::Mapping;
use mosaique_domain::directory::to_classify::ToClassify;

/// Longest field accepted from a file: far above any real description, low enough that a
/// corrupt file cannot make the import hold gigabytes.
pub const FIELD_MAX: usize = 100_000;

/// One file of a package, as read from disk.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Name shown in problems (`services.csv`).
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What a problem is about, with what the reader needs to say it in either language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Reason {
    #[error("not UTF-8 text (byte {offset}){}", if *windows_1252 { "; it looks like Windows-1252: save it as UTF-8" } else { "" })]
    NotUtf8 { offset: usize, windows_1252: bool },
    #[error("not valid JSON: {0}")]
    BadJson(String),
    #[error("not valid CSV: {0}")]
    BadCsv(String),
    #[error("expected {0}")]
    Shape(&'static str),
    #[error("{field} is missing")]
    Missing { field: String },
    #[error("{field}: {value:?} is not a UUID")]
    BadId { field: String, value: String },
    #[error("{field}: {value:?} is not allowed")]
    BadValue { field: String, value: String },
    #[error("{field} is longer than {max} characters")]
    TooLong { field: String, max: usize },
    #[error("id {id} is used twice (first at {first})")]
    Duplicate { id: String, first: String },
    #[error("{field} {id} refers to nothing in the package")]
    Dangling { field: String, id: String },
    #[error(
        "no Mosaïque domain: give mosaique_domains or an attribute with a term of our taxonomy"
    )]
    NoDomain,
    #[error("{0}")]
    Organization(#[from] OrganizationError),
    #[error("{0}")]
    Service(#[from] ServiceError),
    #[error("no file of the package was found (organizations.json, organizations.csv…)")]
    Empty,
}

impl Reason {
    /// The Fluent message id (`hsds-read-…`) and its arguments.
    pub fn message(&self) -> (&'static str, Vec<(&'static str, String)>) {
        match self {
            Reason::NotUtf8 {
                offset,
                windows_1252,
            } => (
                if *windows_1252 {
                    "hsds-read-windows-1252"
                } else {
                    "hsds-read-not-utf8"
                },
                vec![("offset", offset.to_string())],
            ),
            Reason::BadJson(e) => ("hsds-read-bad-json", vec![("detail", e.clone())]),
            Reason::BadCsv(e) => ("hsds-read-bad-csv", vec![("detail", e.clone())]),
            Reason::Shape(what) => ("hsds-read-shape", vec![("expected", (*what).to_owned())]),
            Reason::Missing { field } => ("hsds-read-missing", vec![("field", field.clone())]),
            Reason::BadId { field, value } => (
                "hsds-read-bad-id",
                vec![("field", field.clone()), ("value", value.clone())],
            ),
            Reason::BadValue { field, value } => (
                "hsds-read-bad-value",
                vec![("field", field.clone()), ("value", value.clone())],
            ),
            Reason::TooLong { field, max } => (
                "hsds-read-too-long",
                vec![("field", field.clone()), ("max", max.to_string())],
            ),
            Reason::Duplicate { id, first } => (
                "hsds-read-duplicate",
                vec![("id", id.clone()), ("first", first.clone())],
            ),
            Reason::Dangling { field, id } => (
                "hsds-read-dangling",
                vec![("field", field.clone()), ("id", id.clone())],
            ),
            Reason::NoDomain => ("hsds-read-no-domain", vec![]),
            Reason::Organization(e) => organization_message(e),
            Reason::Service(e) => service_message(e),
            Reason::Empty => ("hsds-read-empty", vec![]),
        }
    }
}

/// A problem, or a warning, at a place: `services.csv:12` or `organizations.json[3].services[0]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub at: String,
    pub reason: Reason,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.at, self.reason)
    }
}

/// What the package said about defaults it had to fill in (not errors).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Notes {
    /// Texts with no translation: the publication language was used for both.
    pub untranslated: usize,
    /// Services without `mosaique_access`: recorded as referral only, the cautious reading.
    pub access_assumed: usize,
    /// Schedules that are not weekly, or locations that are virtual or redacted: skipped.
    pub skipped: usize,
}

/// One organization with its sites and services, ids kept from the package.
#[derive(Debug, Clone)]
pub struct Record {
    pub id: OrgId,
    pub organization: NewOrganization,
    pub locations: Vec<(LocationId, NewLocation)>,
    /// Each service with the positions of its sites in `locations`.
    pub services: Vec<(ServiceId, NewService, Vec<usize>)>,
}

/// How to read a package.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Language of the plain text fields (HSDS text is single-language).
    pub lang: Language,
    /// Stored as each organization's `source`.
    pub source: String,
    /// How other taxonomies' terms map to our domains (`Mapping::defaults()`, or a
    /// coalition's file over them).
    pub mapping: Mapping,
}

/// The records, and what was refused (always empty from [`read`], which refuses all or
/// nothing).
#[derive(Debug)]
pub struct Package {
    pub records: Vec<Record>,
    pub notes: Notes,
    /// Every problem, each refusing the object it names (and what that object holds).
    pub refused: Vec<Problem>,
    pub refused_counts: Refused,
    /// Services whose only problem is that no domain places them: kept for a coalition
    /// administrator to classify (their organization and sites come in with the records).
    pub to_classify: Vec<ToClassify>,
}

/// How many objects a partial import left out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Refused {
    pub organizations: usize,
    pub locations: usize,
    pub services: usize,
}

/// An organization the domain refuses, said in the reader's language.
fn organization_message(e: &OrganizationError) -> (&'static str, Vec<(&'static str, String)>) {
    use OrganizationError as E;
    match e {
        E::UnknownValue { field, value } => (
            "hsds-read-bad-value",
            vec![("field", (*field).to_owned()), ("value", value.clone())],
        ),
        E::Missing { field } => ("hsds-read-missing", vec![("field", (*field).to_owned())]),
        E::TooLong { field, max } => (
            "hsds-read-too-long",
            vec![("field", (*field).to_owned()), ("max", max.to_string())],
        ),
        E::BadSlug(slug) => ("hsds-read-bad-slug", vec![("value", slug.clone())]),
        E::BadYear(year) => ("hsds-read-bad-year", vec![("value", year.to_string())]),
        E::BadEmail(email) => ("hsds-read-bad-email", vec![("value", email.clone())]),
        E::BadWebsite(url) => ("hsds-read-bad-website", vec![("value", url.clone())]),
        E::BadArea { kind, code } => (
            "hsds-read-bad-area",
            vec![("kind", kind.key().to_owned()), ("value", code.clone())],
        ),
    }
}

/// A service the domain refuses, said in the reader's language.
fn service_message(e: &ServiceError) -> (&'static str, Vec<(&'static str, String)>) {
    use ServiceError as E;
    match e {
        E::Missing { field } => ("hsds-read-missing", vec![("field", (*field).to_owned())]),
        E::TooLong { field, max } => (
            "hsds-read-too-long",
            vec![("field", (*field).to_owned()), ("max", max.to_string())],
        ),
        E::NoDomain => ("hsds-read-no-domain", vec![]),
        E::UnknownTerm(term) => ("hsds-read-unknown-term", vec![("value", term.clone())]),
        E::TermOutsideDomains { term, domain } => (
            "hsds-read-term-outside",
            vec![("value", term.clone()), ("domain", domain.key().to_owned())],
        ),
        E::BadLanguage(code) => ("hsds-read-bad-language", vec![("value", code.clone())]),
        E::BadAgeRange { min, max } => (
            "hsds-read-bad-ages",
            vec![("min", min.to_string()), ("max", max.to_string())],
        ),
        E::MinorsContradiction => ("hsds-read-minors", vec![]),
        E::Schedule(ScheduleError::UnknownTimeZone(zone)) => {
            ("hsds-read-time-zone", vec![("value", zone.clone())])
        }
        E::Schedule(ScheduleError::BadTime(time)) => {
            ("hsds-read-bad-time", vec![("value", time.clone())])
        }
        E::Schedule(ScheduleError::NoDays) => ("hsds-read-no-days", vec![]),
        E::BadArea { kind, code } => (
            "hsds-read-bad-area",
            vec![("kind", kind.key().to_owned()), ("value", code.clone())],
        ),
    }
}

/// CSV columns of the profile whose cells are JSON (the datapackage's `object` and `array`
/// fields).
const JSON_COLUMNS: &[&str] = &[
    "translations",
    "mosaique_domains",
    "mosaique_eligibility",
    "mosaique_area",
    "mosaique_mandates",
    "mosaique_areas",
];

/// Where an object came from, kept beside it while nesting CSV rows.
const ORIGIN: &str = "\u{0}origin";

fn text_of(file: &SourceFile) -> Result<&str, Problem> {
    let bytes = file
        .bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&file.bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        // A lone byte 0x80–0xFF before ASCII is what a Windows-1252 "é" looks like.
        let windows_1252 = bytes.get(offset).is_some_and(|b| *b >= 0x80) && e.error_len().is_some();
        let line = bytes[..offset].iter().filter(|b| **b == b'\n').count() + 1;
        Problem {
            at: format!("{}:{line}", file.name),
            reason: Reason::NotUtf8 {
                offset,
                windows_1252,
            },
        }
    })
}

/// Reads the files of a package (JSON or CSV; names decide) into records, all or nothing:
/// every problem found, or every record.
pub fn read(files: &[SourceFile], options: &ReadOptions) -> Result<Package, Vec<Problem>> {
    let package = read_partial(files, options)?;
    if package.refused.is_empty() {
        Ok(package)
    } else {
        Err(package.refused)
    }
}

/// Reads what can be read: every organization with no problem of its own, with its sites and
/// services that have none; every problem, each naming what it refused. Only a package that
/// cannot be read at all (a file that is not UTF-8, JSON or CSV; no file) is refused whole.
pub fn read_partial(files: &[SourceFile], options: &ReadOptions) -> Result<Package, Vec<Problem>> {
    let mut reader = Reader {
        options,
        problems: Vec::new(),
        notes: Notes::default(),
        seen: HashMap::new(),
        records: Vec::new(),
        position: HashMap::new(),
        refused: Refused::default(),
        to_classify: Vec::new(),
    };
    let mut file_problems = Vec::new();
    let mut loose_services: Vec<Value> = Vec::new();
    let mut tables: BTreeMap<String, Table> = BTreeMap::new();
    let mut found = false;
    for file in files {
        let text = match text_of(file) {
            Ok(t) => t,
            Err(p) => {
                file_problems.push(p);
                continue;
            }
        };
        let base = file
            .name
            .rsplit('/')
            .next()
            .unwrap_or(&file.name)
            .to_owned();
        if base.ends_with(".csv") {
            match csv_table(&file.name, text) {
                Ok(table) => {
                    tables.insert(base, table);
                }
                Err(mut p) => file_problems.append(&mut p),
            }
        } else if base.ends_with(".json") && base != "datapackage.json" {
            // Each organization is mapped as soon as it is parsed, then dropped: a national
            // package is never held whole as JSON values.
            let services = base.starts_with("service");
            let result = each_json_item(&file.name, text, &mut |item| {
                found = true;
                if services {
                    loose_services.push(item);
                } else {
                    reader.take_organization(&item);
                }
            });
            if let Err(p) = result {
                file_problems.push(p);
            }
        }
    }
    if !file_problems.is_empty() {
        return Err(file_problems);
    }
    if !tables.is_empty() {
        found = true;
        let mut problems = Vec::new();
        nest_tables(tables, &mut problems, &mut |o| reader.take_organization(o));
        // A row that names a row the package does not hold is never nested: refused.
        for p in &problems {
            match p.at.split(':').next().unwrap_or_default() {
                "organizations.csv" => reader.refused.organizations += 1,
                "locations.csv" => reader.refused.locations += 1,
                "services.csv" => reader.refused.services += 1,
                _ => {}
            }
        }
        reader.problems.extend(problems);
    }
    if !found {
        return Err(vec![Problem {
            at: String::new(),
            reason: Reason::Empty,
        }]);
    }
    for s in &loose_services {
        reader.take_service(s);
    }
    Ok(Package {
        records: reader.records,
        notes: reader.notes,
        refused: reader.problems,
        refused_counts: reader.refused,
        to_classify: reader.to_classify,
    })
}

/// Writes an import's report as CSV: one row per object refused, in conflict or missing,
/// where it is and what happened to it.
pub fn write_report(
    out: impl std::io::Write,
    header: [&str; 2],
    rows: impl IntoIterator<Item = (String, String)>,
) -> std::io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(header)?;
    for (at, what) in rows {
        writer.write_record([at.as_str(), what.as_str()])?;
    }
    writer.flush()
}

/// Calls `each` with every item of a JSON package file, tagged with its place, as it is
/// parsed: an array of objects, one page of a list endpoint (`contents`), or one object.
fn each_json_item(name: &str, text: &str, each: &mut dyn FnMut(Value)) -> Result<(), Problem> {
    use serde::de::{Deserializer as _, MapAccess, SeqAccess, Visitor};

    struct Items<'a> {
        name: &'a str,
        each: &'a mut dyn FnMut(Value),
    }

    impl Items<'_> {
        fn give(&mut self, n: usize, mut item: Value) {
            if let Some(obj) = item.as_object_mut() {
                obj.insert(ORIGIN.into(), format!("{}[{n}]", self.name).into());
            }
            (self.each)(item);
        }
    }

    impl<'de> Visitor<'de> for Items<'_> {
        type Value = ();

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an array of objects, a list page or one object")
        }

        fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
            let mut n = 0;
            while let Some(item) = seq.next_element::<Value>()? {
                self.give(n, item);
                n += 1;
            }
            Ok(())
        }

        fn visit_map<A: MapAccess<'de>>(mut self, map: A) -> Result<(), A::Error> {
            // A page holds one page of items, and one object is one: small either way.
            let value: Value =
                serde::Deserialize::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
            match value {
                Value::Object(mut page) if page.get("contents").is_some_and(Value::is_array) => {
                    if let Some(Value::Array(items)) = page.remove("contents") {
                        for (n, item) in items.into_iter().enumerate() {
                            self.give(n, item);
                        }
                    }
                }
                one => self.give(0, one),
            }
            Ok(())
        }
    }

    let mut deserializer = serde_json::Deserializer::from_str(text);
    let located = |e: serde_json::Error| Problem {
        at: format!("{name}:{}:{}", e.line(), e.column()),
        reason: Reason::BadJson(e.to_string()),
    };
    (&mut deserializer)
        .deserialize_any(Items { name, each })
        .map_err(located)?;
    deserializer.end().map_err(located)
}

/// One CSV table, kept compact until its organization is nested: each row is its line and
/// its non-empty cells by column (JSON columns already parsed). Nesting builds the JSON
/// objects of one organization at a time, so a national package is never held as values.
struct Table {
    name: String,
    headers: Vec<String>,
    rows: Vec<Row>,
}

struct Row {
    line: usize,
    cells: Vec<(usize, Cell)>,
}

enum Cell {
    Text(Box<str>),
    Json(Value),
}

impl Table {
    fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// The text of a row's cell in `column`, if present.
    fn text<'a>(&self, row: &'a Row, column: Option<usize>) -> Option<&'a str> {
        let column = column?;
        row.cells.iter().find_map(|(c, cell)| match cell {
            Cell::Text(t) if *c == column => Some(&**t),
            _ => None,
        })
    }

    fn origin(&self, row: &Row) -> String {
        format!("{}:{}", self.name, row.line)
    }

    /// The row as the JSON object the mapping reads, tagged with its place.
    fn value(&self, row: &Row) -> Map<String, Value> {
        let mut object = Map::new();
        for (column, cell) in &row.cells {
            let value = match cell {
                Cell::Text(t) => Value::String(t.to_string()),
                Cell::Json(v) => v.clone(),
            };
            object.insert(self.headers[*column].clone(), value);
        }
        object.insert(ORIGIN.into(), self.origin(row).into());
        object
    }
}

/// The rows of a CSV file, each with its line.
fn csv_table(name: &str, text: &str) -> Result<Table, Vec<Problem>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| {
            vec![Problem {
                at: format!("{name}:1"),
                reason: Reason::BadCsv(e.to_string()),
            }]
        })?
        .iter()
        .map(str::to_owned)
        .collect();
    let json: Vec<bool> = headers
        .iter()
        .map(|h| JSON_COLUMNS.contains(&h.as_str()))
        .collect();
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut lines = Lines {
        text: text.as_bytes(),
        at: 0,
        line: 1,
    };
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                problems.push(Problem {
                    at: format!("{name}:{line}"),
                    reason: Reason::BadCsv(e.to_string()),
                });
                continue;
            }
        };
        let line = record
            .position()
            .map_or(0, |p| lines.line_at(p.byte() as usize));
        let mut cells = Vec::new();
        for (column, field) in record.iter().enumerate() {
            let header = &headers[column];
            if field.chars().count() > FIELD_MAX {
                problems.push(Problem {
                    at: format!("{name}:{line}"),
                    reason: Reason::TooLong {
                        field: header.clone(),
                        max: FIELD_MAX,
                    },
                });
                continue;
            }
            if field.is_empty() {
                continue;
            }
            // The profile's object and array columns hold JSON.
            let cell = if json[column] {
                match serde_json::from_str::<Value>(field) {
                    Ok(v @ (Value::Object(_) | Value::Array(_))) => Cell::Json(v),
                    _ => {
                        problems.push(Problem {
                            at: format!("{name}:{line}"),
                            reason: Reason::BadValue {
                                field: header.clone(),
                                value: field.chars().take(60).collect(),
                            },
                        });
                        continue;
                    }
                }
            } else {
                Cell::Text(field.into())
            };
            cells.push((column, cell));
        }
        rows.push(Row { line, cells });
    }
    if problems.is_empty() {
        Ok(Table {
            name: name.to_owned(),
            headers,
            rows,
        })
    } else {
        Err(problems)
    }
}

/// Line numbers from byte offsets, counted forward once. (The CSV reader's own line count
/// is one short after CRLF line ends, which spreadsheets write.)
struct Lines<'a> {
    text: &'a [u8],
    at: usize,
    line: usize,
}

impl Lines<'_> {
    /// The line of the record starting at `byte` (skipping the end of the previous line).
    fn line_at(&mut self, byte: usize) -> usize {
        let mut start = byte.min(self.text.len());
        while start < self.text.len() && matches!(self.text[start], b'\r' | b'\n') {
            start += 1;
        }
        if start >= self.at {
            self.line += self.text[self.at..start]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            self.at = start;
        }
        self.line
    }
}

fn origin(v: &Value) -> String {
    v[ORIGIN].as_str().unwrap_or_default().to_owned()
}

/// For each parent row, the rows of `children` (among `rows`) whose `link` names it: the
/// last parent row with that id, as a lookup by id finds it. A child naming an id the
/// package lacks is dangling; one without the link is left out.
fn group(
    children: &Table,
    rows: impl IntoIterator<Item = usize>,
    link: &str,
    parents: &Table,
    problems: &mut Vec<Problem>,
) -> Vec<Vec<usize>> {
    let id = parents.column("id");
    let index: HashMap<&str, usize> = parents
        .rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| parents.text(r, id).map(|id| (id, i)))
        .collect();
    let link_column = children.column(link);
    let mut out = vec![Vec::new(); parents.rows.len()];
    for i in rows {
        let row = &children.rows[i];
        let Some(parent) = children.text(row, link_column) else {
            continue;
        };
        match index.get(parent) {
            Some(p) => out[*p].push(i),
            None => problems.push(Problem {
                at: children.origin(row),
                reason: Reason::Dangling {
                    field: link.to_owned(),
                    id: parent.to_owned(),
                },
            }),
        }
    }
    out
}

/// Puts `rows` of `table` under `key` of `object` (nothing when there are none).
fn put_rows(
    object: &mut Map<String, Value>,
    key: &str,
    table: &Table,
    rows: &[usize],
    each: impl Fn(usize, &mut Map<String, Value>),
) {
    if rows.is_empty() {
        return;
    }
    let items = rows
        .iter()
        .map(|i| {
            let mut item = table.value(&table.rows[*i]);
            each(*i, &mut item);
            Value::Object(item)
        })
        .collect();
    object.insert(key.to_owned(), Value::Array(items));
}

/// Nests the flat tables into organizations holding `locations` and `services`, each
/// service holding its phones, schedules, areas, languages, costs, attributes and sites,
/// and hands them to `each` one organization at a time. Dangling references are named in
/// `problems` first, in the order of the tables.
fn nest_tables(
    mut tables: BTreeMap<String, Table>,
    problems: &mut Vec<Problem>,
    each: &mut dyn FnMut(&Value),
) {
    let mut take = |name: &str| {
        tables.remove(name).unwrap_or_else(|| Table {
            name: name.to_owned(),
            headers: Vec::new(),
            rows: Vec::new(),
        })
    };
    let organizations = take("organizations.csv");
    let locations = take("locations.csv");
    let services = take("services.csv");
    let all = |t: &Table| 0..t.rows.len();
    let addresses = take("addresses.csv");
    let addresses_of = group(
        &addresses,
        all(&addresses),
        "location_id",
        &locations,
        problems,
    );
    // Phones belong to a service or, without one, to an organization.
    let phones = take("phones.csv");
    let service_id = phones.column("service_id");
    let (service_phones, organization_phones): (Vec<usize>, Vec<usize>) =
        all(&phones).partition(|i| phones.text(&phones.rows[*i], service_id).is_some());
    let mut service_children: Vec<(&'static str, Table, Vec<Vec<usize>>)> = Vec::new();
    let phones_of = group(&phones, service_phones, "service_id", &services, problems);
    for (file, key) in [
        ("schedules.csv", "schedules"),
        ("service_areas.csv", "service_areas"),
        ("languages.csv", "languages"),
        ("cost_options.csv", "cost_options"),
        ("service_at_location.csv", "service_at_locations"),
    ] {
        let table = take(file);
        let grouped = group(&table, all(&table), "service_id", &services, problems);
        service_children.push((key, table, grouped));
    }
    let terms = take("taxonomy_terms.csv");
    let term_id = terms.column("id");
    let term_at: HashMap<&str, usize> = terms
        .rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| terms.text(r, term_id).map(|id| (id, i)))
        .collect();
    let attributes = take("attributes.csv");
    let (entity, term) = (
        attributes.column("link_entity"),
        attributes.column("taxonomy_term_id"),
    );
    let service_attributes = all(&attributes).filter(|i| {
        attributes
            .text(&attributes.rows[*i], entity)
            .is_none_or(|e| e == "service")
    });
    let attributes_of = group(
        &attributes,
        service_attributes,
        "link_id",
        &services,
        problems,
    );
    let org_phones_of = group(
        &phones,
        organization_phones,
        "organization_id",
        &organizations,
        problems,
    );
    let locations_of = group(
        &locations,
        all(&locations),
        "organization_id",
        &organizations,
        problems,
    );
    // Without organization_id a site or a service cannot be placed: named, never dropped.
    for table in [&locations, &services] {
        let column = table.column("organization_id");
        for row in &table.rows {
            if table.text(row, column).is_none() {
                problems.push(Problem {
                    at: table.origin(row),
                    reason: Reason::Missing {
                        field: "organization_id".into(),
                    },
                });
            }
        }
    }
    let services_of = group(
        &services,
        all(&services),
        "organization_id",
        &organizations,
        problems,
    );

    for (o, row) in organizations.rows.iter().enumerate() {
        let mut object = organizations.value(row);
        put_rows(&mut object, "phones", &phones, &org_phones_of[o], |_, _| {});
        put_rows(
            &mut object,
            "locations",
            &locations,
            &locations_of[o],
            |l, item| {
                put_rows(item, "addresses", &addresses, &addresses_of[l], |_, _| {});
            },
        );
        put_rows(
            &mut object,
            "services",
            &services,
            &services_of[o],
            |s, item| {
                put_rows(item, "phones", &phones, &phones_of[s], |_, _| {});
                for (key, table, grouped) in &service_children {
                    put_rows(item, key, table, &grouped[s], |_, _| {});
                }
                put_rows(
                    item,
                    "attributes",
                    &attributes,
                    &attributes_of[s],
                    |a, attribute| {
                        if let Some(t) = attributes
                            .text(&attributes.rows[a], term)
                            .and_then(|id| term_at.get(id))
                        {
                            attribute.insert(
                                "taxonomy_term".into(),
                                Value::Object(terms.value(&terms.rows[*t])),
                            );
                        }
                    },
                );
            },
        );
        each(&Value::Object(object));
    }
}

struct Reader<'a> {
    options: &'a ReadOptions,
    problems: Vec<Problem>,
    notes: Notes,
    /// Every id seen, with where, to name duplicates.
    seen: HashMap<Uuid, String>,
    records: Vec<Record>,
    /// Position of each organization's record, for services given apart.
    position: HashMap<Uuid, usize>,
    refused: Refused,
    to_classify: Vec<ToClassify>,
}

fn str_field<'v>(v: &'v Value, key: &str) -> &'v str {
    v[key].as_str().unwrap_or_default()
}

/// A boolean as JSON has it, or as CSV writes it.
fn bool_field(v: &Value, key: &str) -> Option<bool> {
    match &v[key] {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "oui" => Some(true),
            "false" | "0" | "no" | "non" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn number_field(v: &Value, key: &str) -> Option<f64> {
    match &v[key] {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

impl Reader<'_> {
    /// Whether the only problem since `mark` is that no domain places the service: then it
    /// is queued to classify, not refused, and the problem is withdrawn.
    fn only_unplaced(&mut self, mark: usize) -> bool {
        let unplaced =
            self.problems.len() == mark + 1 && self.problems[mark].reason == Reason::NoDomain;
        if unplaced {
            self.problems.truncate(mark);
        }
        unplaced
    }

    /// Keeps a service no domain places, with what its words suggest.
    fn queue(
        &mut self,
        org: OrgId,
        (id, service, sites): (ServiceId, NewService, Vec<usize>),
        locations: &[(LocationId, NewLocation)],
    ) {
        let suggested = self.options.mapping.suggest(&[
            &service.name.fr,
            &service.name.en,
            &service.description.fr,
            &service.description.en,
        ]);
        self.to_classify.push(ToClassify {
            id,
            org,
            locations: sites
                .iter()
                .filter_map(|i| locations.get(*i).map(|(id, _)| *id))
                .collect(),
            service,
            suggested,
            source: self.options.source.clone(),
            queued_at: mosaique_domain::Timestamp::from_millis(0),
        });
    }

    fn problem(&mut self, at: &str, reason: Reason) {
        self.problems.push(Problem {
            at: at.to_owned(),
            reason,
        });
    }

    /// The object's id, checked and remembered (a second use is a duplicate).
    fn id(&mut self, v: &Value, at: &str) -> Option<Uuid> {
        let raw = str_field(v, "id");
        if raw.is_empty() {
            self.problem(at, Reason::Missing { field: "id".into() });
            return None;
        }
        let Ok(id) = Uuid::parse_str(raw) else {
            self.problem(
                at,
                Reason::BadId {
                    field: "id".into(),
                    value: raw.chars().take(60).collect(),
                },
            );
            return None;
        };
        if let Some(first) = self.seen.get(&id) {
            let first = first.clone();
            self.problem(
                at,
                Reason::Duplicate {
                    id: raw.to_owned(),
                    first,
                },
            );
            return None;
        }
        self.seen.insert(id, at.to_owned());
        Some(id)
    }

    /// A text field in both languages: the plain field is the publication language, the
    /// other comes from `translations` (or the same text, counted as untranslated).
    fn bilingual(&mut self, v: &Value, key: &str, at: &str) -> (String, String) {
        let mine = str_field(v, key).trim().to_owned();
        let other_lang = self.options.lang.other();
        let theirs = v["translations"][other_lang.code()][key]
            .as_str()
            .map(|s| s.trim().to_owned());
        for (field, text) in [
            (key, &mine),
            (key, theirs.as_ref().unwrap_or(&String::new())),
        ] {
            if text.chars().count() > FIELD_MAX {
                self.problem(
                    at,
                    Reason::TooLong {
                        field: field.to_owned(),
                        max: FIELD_MAX,
                    },
                );
            }
        }
        let theirs = match theirs {
            Some(t) if !t.is_empty() => t,
            _ => {
                if !mine.is_empty() {
                    self.notes.untranslated += 1;
                }
                mine.clone()
            }
        };
        match self.options.lang {
            Language::Fr => (mine, theirs),
            Language::En => (theirs, mine),
        }
    }

    fn vocabulary<T: std::str::FromStr>(&mut self, v: &Value, key: &str, at: &str) -> Option<T> {
        let raw = str_field(v, key).trim();
        if raw.is_empty() {
            return None;
        }
        let parsed = raw.parse().ok();
        if parsed.is_none() {
            self.problem(
                at,
                Reason::BadValue {
                    field: key.into(),
                    value: raw.chars().take(60).collect(),
                },
            );
        }
        parsed
    }

    /// Maps one organization (with its sites and services) into a record.
    fn take_organization(&mut self, o: &Value) {
        if !o.is_object() {
            self.problem(&origin(o), Reason::Shape("an object"));
            return;
        }
        let at = origin(o);
        if let Some(record) = self.organization(o, &at) {
            self.position
                .insert(record.id.as_uuid(), self.records.len());
            self.records.push(record);
        }
    }

    /// Adds a service given apart from its organization (`services.json`).
    fn take_service(&mut self, s: &Value) {
        let at = origin(s);
        let org = str_field(s, "organization_id").to_owned();
        match Uuid::parse_str(&org)
            .ok()
            .and_then(|id| self.position.get(&id).copied())
        {
            Some(i) => {
                let locations = std::mem::take(&mut self.records[i].locations);
                let mark = self.problems.len();
                match self.service(s, &at, &locations) {
                    Some(service) if self.problems.len() == mark => {
                        self.records[i].services.push(service);
                    }
                    Some(service) if self.only_unplaced(mark) => {
                        let org = self.records[i].id;
                        self.queue(org, service, &locations);
                    }
                    _ => self.refused.services += 1,
                }
                self.records[i].locations = locations;
            }
            None if org.is_empty() => {
                self.refused.services += 1;
                self.problem(
                    &at,
                    Reason::Missing {
                        field: "organization_id".into(),
                    },
                );
            }
            None => {
                self.refused.services += 1;
                self.problem(
                    &at,
                    Reason::Dangling {
                        field: "organization_id".into(),
                        id: org,
                    },
                );
            }
        }
    }

    /// An organization with its sites and services. A site or service with a problem is left
    /// out (a service then names a site it refers to that was left out); an organization
    /// with a problem of its own is left out whole.
    fn organization(&mut self, o: &Value, at: &str) -> Option<Record> {
        let start = self.problems.len();
        let id = self.id(o, at);
        let (name_fr, name_en) = self.bilingual(o, "name", at);
        let (description_fr, description_en) = self.bilingual(o, "description", at);
        let province: Option<Province> = self.vocabulary(o, "mosaique_province", at);
        let level = self.vocabulary(o, "mosaique_level", at);
        let sector = self.vocabulary(o, "mosaique_sector", at);
        let founded_year = number_field(o, "year_incorporated").map(|y| y as i32);
        let mut mandates = Vec::new();
        for m in o["mosaique_mandates"].as_array().into_iter().flatten() {
            match m.as_str().and_then(|m| m.parse().ok()) {
                Some(m) => mandates.push(m),
                None => self.problem(
                    at,
                    Reason::BadValue {
                        field: "mosaique_mandates".into(),
                        value: m.to_string().chars().take(60).collect(),
                    },
                ),
            }
        }
        let areas = match o.get("mosaique_areas") {
            None | Some(Value::Null) => Vec::new(),
            Some(v) => serde_json::from_value(v.clone()).unwrap_or_else(|_| {
                self.problem(
                    at,
                    Reason::BadValue {
                        field: "mosaique_areas".into(),
                        value: v.to_string().chars().take(60).collect(),
                    },
                );
                Vec::new()
            }),
        };
        let details = OrgDetails {
            areas,
            formal: bool_field(o, "mosaique_formal"),
            mandates,
            website: str_field(o, "website").trim().to_owned(),
            email: str_field(o, "email").trim().to_owned(),
            phone: o["phones"]
                .as_array()
                .into_iter()
                .flatten()
                .find_map(|p| p["number"].as_str())
                .unwrap_or_default()
                .trim()
                .to_owned(),
            ..OrgDetails::default()
        };
        let Some(id) = id else {
            self.refused.organizations += 1;
            return None;
        };
        let organization = NewOrganization {
            slug: slug(&name_fr, id),
            name: Bilingual::new(name_fr, name_en),
            description: Bilingual::new(description_fr, description_en),
            province,
            level,
            sector,
            founded_year,
            is_coalition: false,
            source: self.options.source.clone(),
            details,
        };
        if let Err(problems) = organization.validate() {
            for p in problems {
                self.problem(at, Reason::Organization(p));
            }
        }
        let whole = self.problems.len() == start;
        let mut locations = Vec::new();
        for (n, l) in o["locations"].as_array().into_iter().flatten().enumerate() {
            let at = match origin(l) {
                o if o.is_empty() => format!("{at}.locations[{n}]"),
                o => o,
            };
            let mark = self.problems.len();
            match self.location(l, &at) {
                Some(location) if self.problems.len() == mark => locations.push(location),
                // Virtual and redacted sites are skipped, not refused: counted in the notes.
                None if self.problems.len() == mark => {}
                _ => self.refused.locations += 1,
            }
        }
        let mut services = Vec::new();
        let mut unplaced = Vec::new();
        for (n, s) in o["services"].as_array().into_iter().flatten().enumerate() {
            let at = match origin(s) {
                o if o.is_empty() => format!("{at}.services[{n}]"),
                o => o,
            };
            let mark = self.problems.len();
            match self.service(s, &at, &locations) {
                Some(service) if self.problems.len() == mark => services.push(service),
                Some(service) if self.only_unplaced(mark) => unplaced.push(service),
                _ => self.refused.services += 1,
            }
        }
        if !whole {
            self.refused.organizations += 1;
            self.refused.locations += locations.len();
            self.refused.services += services.len() + unplaced.len();
            return None;
        }
        for service in unplaced {
            self.queue(OrgId::from_uuid(id), service, &locations);
        }
        Some(Record {
            id: OrgId::from_uuid(id),
            organization,
            locations,
            services,
        })
    }

    fn location(&mut self, l: &Value, at: &str) -> Option<(LocationId, NewLocation)> {
        let kind = str_field(l, "location_type");
        if matches!(kind, "virtual" | "redacted") {
            // Nothing to place on a map: a redacted site's address was withheld on purpose.
            self.notes.skipped += 1;
            return None;
        }
        let id = self.id(l, at)?;
        let (name_fr, name_en) = self.bilingual(l, "name", at);
        let addresses: Vec<&Value> = l["addresses"].as_array().into_iter().flatten().collect();
        let address = addresses
            .iter()
            .find(|a| str_field(a, "address_type") != "postal")
            .or(addresses.first())
            .copied()
            .unwrap_or(&Value::Null);
        let province: Option<Province> = self.vocabulary(address, "state_province", at);
        if province.is_none() && str_field(address, "state_province").is_empty() {
            self.problem(
                at,
                Reason::Missing {
                    field: "addresses[].state_province".into(),
                },
            );
        }
        let city = str_field(address, "city").trim().to_owned();
        if city.is_empty() {
            self.problem(
                at,
                Reason::Missing {
                    field: "addresses[].city".into(),
                },
            );
        }
        let point = match (number_field(l, "latitude"), number_field(l, "longitude")) {
            (Some(lat), Some(lon))
                if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) =>
            {
                Some(Point { lat, lon })
            }
            (None, None) => None,
            (lat, lon) => {
                self.problem(
                    at,
                    Reason::BadValue {
                        field: "latitude/longitude".into(),
                        value: format!("{lat:?}, {lon:?}"),
                    },
                );
                None
            }
        };
        let street = [
            str_field(address, "address_1"),
            str_field(address, "address_2"),
        ]
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
        let name_fr = if name_fr.is_empty() {
            city.clone()
        } else {
            name_fr
        };
        let name_en = if name_en.is_empty() {
            name_fr.clone()
        } else {
            name_en
        };
        // A shelter's address must never be published by a misread flag: a value that is not
        // a boolean refuses the site rather than reading it as "not confidential".
        let confidential = match (&l["confidential"], bool_field(l, "confidential")) {
            (Value::Null, _) => false,
            (_, Some(confidential)) => confidential,
            (value, None) => {
                self.problem(
                    at,
                    Reason::BadValue {
                        field: "confidential".into(),
                        value: value.to_string().chars().take(60).collect(),
                    },
                );
                return None;
            }
        };
        Some((
            LocationId::from_uuid(id),
            NewLocation {
                name: Bilingual::new(name_fr, name_en),
                address: street,
                city,
                province: province?,
                postal_code: str_field(address, "postal_code").trim().to_uppercase(),
                point,
                confidential,
            },
        ))
    }

    fn service(
        &mut self,
        s: &Value,
        at: &str,
        locations: &[(LocationId, NewLocation)],
    ) -> Option<(ServiceId, NewService, Vec<usize>)> {
        let id = self.id(s, at);
        let (name_fr, name_en) = self.bilingual(s, "name", at);
        let (description_fr, description_en) = self.bilingual(s, "description", at);
        let status = match str_field(s, "status") {
            "active" => ServiceStatus::Active,
            "inactive" | "defunct" => ServiceStatus::Inactive,
            "temporarily closed" | "temporarily_closed" => ServiceStatus::TemporarilyClosed,
            "" => {
                self.problem(
                    at,
                    Reason::Missing {
                        field: "status".into(),
                    },
                );
                ServiceStatus::Inactive
            }
            other => {
                self.problem(
                    at,
                    Reason::BadValue {
                        field: "status".into(),
                        value: other.chars().take(60).collect(),
                    },
                );
                ServiceStatus::Inactive
            }
        };
        let (domains, terms) = self.classification(s, at);
        let eligibility = self.eligibility(s, at);
        let languages = s["languages"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|l| l["code"].as_str())
            .map(|c| c.trim().to_ascii_lowercase())
            .collect();
        let cost = self.cost(s, at);
        let access = match self.vocabulary::<Access>(s, "mosaique_access", at) {
            Some(a) => a,
            None => {
                self.notes.access_assumed += 1;
                Access::ReferralOnly
            }
        };
        let schedule = self.schedule(s, at);
        let wait_days =
            number_field(s, "mosaique_wait_days").map(|w| w.clamp(0.0, f64::from(u16::MAX)) as u16);
        let areas = self.areas(s, at);
        let phone = s["phones"]
            .as_array()
            .into_iter()
            .flatten()
            .find_map(|p| p["number"].as_str())
            .unwrap_or_default()
            .trim()
            .to_owned();
        let mut sites = Vec::new();
        for sal in s["service_at_locations"].as_array().into_iter().flatten() {
            let location_id = sal["location_id"]
                .as_str()
                .or_else(|| sal["location"]["id"].as_str())
                .unwrap_or_default();
            if sal["location"]["location_type"] == "redacted" {
                continue;
            }
            match locations
                .iter()
                .position(|(id, _)| id.to_string() == location_id.to_ascii_lowercase())
            {
                Some(i) => sites.push(i),
                None => self.problem(
                    at,
                    Reason::Dangling {
                        field: "service_at_locations[].location_id".into(),
                        id: location_id.to_owned(),
                    },
                ),
            }
        }
        let service = NewService {
            name: Bilingual::new(name_fr, name_en),
            description: Bilingual::new(description_fr, description_en),
            status,
            domains,
            terms,
            eligibility,
            languages,
            cost,
            access,
            schedule,
            wait_days,
            phone,
            email: str_field(s, "email").trim().to_owned(),
            website: str_field(s, "url").trim().to_owned(),
            areas,
        };
        if let Err(problems) = service.validate() {
            // A missing domain is already named, with what to do about it.
            for p in problems
                .into_iter()
                .filter(|p| *p != ServiceError::NoDomain)
            {
                self.problem(at, Reason::Service(p));
            }
        }
        Some((ServiceId::from_uuid(id?), service, sites))
    }

    /// Domains from `mosaique_domains`, else from attributes with terms of our taxonomy
    /// (by id or by code); finer terms from the attributes.
    fn classification(&mut self, s: &Value, at: &str) -> (Vec<ServiceDomain>, Vec<String>) {
        let mut domains: Vec<ServiceDomain> = Vec::new();
        for d in s["mosaique_domains"].as_array().into_iter().flatten() {
            match d.as_str().and_then(|d| d.parse().ok()) {
                Some(d) if !domains.contains(&d) => domains.push(d),
                Some(_) => {}
                None => self.problem(
                    at,
                    Reason::BadValue {
                        field: "mosaique_domains".into(),
                        value: d.to_string(),
                    },
                ),
            }
        }
        let tax = taxonomy();
        let mut terms = Vec::new();
        for a in s["attributes"].as_array().into_iter().flatten() {
            let code = a["taxonomy_term_id"]
                .as_str()
                .and_then(|id| Uuid::parse_str(id).ok())
                .and_then(crate::term_code)
                .or_else(|| {
                    a["taxonomy_term"]["code"]
                        .as_str()
                        .filter(|c| tax.term(c).is_some())
                });
            let Some(code) = code else {
                // Another taxonomy's term (211, Open Eligibility, a coalition's own): placed
                // by the mapping, by code then by name.
                let term = &a["taxonomy_term"];
                let name = term["name"].as_str().or_else(|| a["label"].as_str());
                for target in self
                    .options
                    .mapping
                    .find(str_field(term, "code"), name.unwrap_or_default())
                {
                    if !domains.contains(&target.domain) {
                        domains.push(target.domain);
                    }
                    if let Some(code) = target.term
                        && !terms.contains(&code)
                    {
                        terms.push(code);
                    }
                }
                continue;
            };
            let Some(domain) = tax.domain_of(code) else {
                continue;
            };
            if code == domain.key() {
                if !domains.contains(&domain) {
                    domains.push(domain);
                }
            } else if !terms.iter().any(|t| t == code) {
                if !domains.contains(&domain) {
                    domains.push(domain);
                }
                terms.push(code.to_owned());
            }
        }
        if domains.is_empty() {
            self.problem(at, Reason::NoDomain);
        }
        (domains, terms)
    }

    fn eligibility(&mut self, s: &Value, at: &str) -> Eligibility {
        let e = &s["mosaique_eligibility"];
        let age = |reader: &mut Self, key: &str| -> Option<u8> {
            let n = number_field(s, key)?;
            if (0.0..=130.0).contains(&n) {
                Some(n as u8)
            } else {
                reader.problem(
                    at,
                    Reason::BadValue {
                        field: key.into(),
                        value: n.to_string(),
                    },
                );
                None
            }
        };
        let age_min = age(self, "minimum_age");
        let age_max = age(self, "maximum_age");
        let gender = match e["gender"].as_str() {
            Some(g) => g.parse().unwrap_or_else(|_| {
                self.problem(
                    at,
                    Reason::BadValue {
                        field: "mosaique_eligibility.gender".into(),
                        value: g.to_owned(),
                    },
                );
                GenderServed::All
            }),
            None => GenderServed::All,
        };
        Eligibility {
            gender,
            age_min,
            age_max,
            // Without the flag, an age limit under 18 still says minors are welcome.
            minors: bool_field(e, "minors").unwrap_or(age_min.is_some_and(|a| a < 18)),
            substance_use: bool_field(e, "substance_use").unwrap_or(false),
            any_status: bool_field(e, "any_status").unwrap_or(false),
            dedicated: bool_field(e, "dedicated").unwrap_or(false),
        }
    }

    fn cost(&mut self, s: &Value, at: &str) -> Cost {
        let Some(option) = s["cost_options"].as_array().and_then(|a| a.first()) else {
            return Cost::Free;
        };
        if let Some(cost) = self.vocabulary::<Cost>(option, "mosaique_cost", at) {
            return cost;
        }
        match number_field(option, "amount") {
            Some(a) if a > 0.0 => Cost::Fee,
            _ => Cost::Free,
        }
    }

    fn schedule(&mut self, s: &Value, at: &str) -> Schedule {
        let mut schedule = Schedule {
            always_open: bool_field(s, "mosaique_always_open").unwrap_or(false),
            ..Schedule::default()
        };
        for (n, h) in s["schedules"].as_array().into_iter().flatten().enumerate() {
            if let Some(zone) = h["timezone_name"].as_str() {
                schedule.time_zone = zone.to_owned();
            }
            if schedule.always_open {
                continue;
            }
            if str_field(h, "freq") != "WEEKLY" {
                self.notes.skipped += 1;
                continue;
            }
            let days: Vec<Day> = str_field(h, "byday")
                .split(',')
                .filter_map(|code| Day::ALL.iter().copied().find(|d| d.rrule() == code.trim()))
                .collect();
            let time = |key: &str| str_field(h, key).get(..5).unwrap_or_default().to_owned();
            let (opens, closes) = (time("opens_at"), time("closes_at"));
            if days.len() == 7 && opens == "00:00" && closes == "23:59" {
                schedule.always_open = true;
                schedule.hours.clear();
                continue;
            }
            if days.is_empty() {
                self.problem(
                    at,
                    Reason::BadValue {
                        field: format!("schedules[{n}].byday"),
                        value: str_field(h, "byday").to_owned(),
                    },
                );
                continue;
            }
            schedule.hours.push(Hours {
                days,
                opens,
                closes,
            });
        }
        schedule
    }

    fn areas(&mut self, s: &Value, at: &str) -> Vec<ServiceArea> {
        let mut areas = Vec::new();
        for a in s["service_areas"].as_array().into_iter().flatten() {
            let area = &a["mosaique_area"];
            let (kind, code) = (area["kind"].as_str(), area["code"].as_str());
            match (kind.and_then(|k| k.parse::<ServiceAreaKind>().ok()), code) {
                (Some(kind), Some(code)) => areas.push(ServiceArea {
                    kind,
                    code: code.to_owned(),
                }),
                (None, _) if kind.is_some() => self.problem(
                    at,
                    Reason::BadValue {
                        field: "service_areas[].mosaique_area.kind".into(),
                        value: kind.unwrap_or_default().to_owned(),
                    },
                ),
                // A text-only area (plain HSDS) cannot be searched by: left out.
                _ => self.notes.skipped += 1,
            }
        }
        areas
    }
}

/// A readable, unique slug for an imported organization: its name, then part of its id.
pub fn slug(name: &str, id: Uuid) -> String {
    let folded = mosaique_domain::text::fold(name);
    let mut out = String::new();
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= 48 {
            break;
        }
    }
    let out = out.trim_end_matches('-');
    // The end of the id: a UUIDv7's first digits are its time, shared by a whole batch.
    let simple = id.simple().to_string();
    let tail = &simple[simple.len() - 10..];
    if out.is_empty() {
        format!("org-{tail}")
    } else {
        format!("{out}-{tail}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imported_slugs_are_readable_and_differ_for_ids_made_together() {
        // UUIDv7s made in the same millisecond share their first digits.
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        assert_ne!(slug("Maison d’Haïti", a), slug("Maison d’Haïti", b));
        assert!(slug("Maison d’Haïti", a).starts_with("maison-d-haiti-"));
        assert!(slug("***", a).starts_with("org-"));
        let long = slug(&"très long nom ".repeat(20), a);
        assert!(long.len() <= 64 && !long.contains("--"), "{long}");
    }
}
