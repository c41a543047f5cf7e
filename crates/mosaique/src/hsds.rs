//! `mosaique hsds import|export`: the directory in and out as Open Referral HSDS 3.1.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use std::collections::HashMap;

use mosaique_app::App;
use mosaique_app::directory::{DirectoryRecord, RecordIds};
use mosaique_domain::directory::sync::{ImportSource, Named, ObjectKind, Outcome};
use mosaique_domain::policy::Principal;
use mosaique_domain::service::{Location, Service};
use mosaique_domain::{Language, Timestamp};
use mosaique_hsds::mapping::Mapping;
use mosaique_hsds::publish::Publication;
use mosaique_hsds::read::{
    Package, Problem, ReadOptions, Reason, SourceFile, read, read_partial, write_report,
};
use mosaique_hsds::tabular::Tables;
use mosaique_web::i18n::{Arg, Tr};
use serde_json::Value;

use crate::failure::Failure;

/// Where a package comes from: a file or folder here, or an http(s) URL.
#[derive(Debug, Clone)]
pub enum Origin {
    Local(PathBuf),
    Remote(reqwest::Url),
}

/// The most a fetched file may weigh: a national directory's package is far smaller.
const MAX_FETCHED_BYTES: u64 = 1 << 30;

impl Origin {
    pub fn parse(given: &str) -> Result<Self, Failure> {
        let lower = given.to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://")) {
            return Ok(Self::Local(PathBuf::from(given)));
        }
        reqwest::Url::parse(given).map(Self::Remote).map_err(|e| {
            Failure::user_input(
                "cli-hsds-bad-url",
                vec![("url", given.to_owned()), ("detail", e.to_string())],
            )
        })
    }

    /// The source's name when none is given: the URL, or the absolute path (the same folder
    /// named from another directory is the same source).
    pub fn default_name(&self) -> String {
        match self {
            Self::Remote(url) => url.to_string(),
            Self::Local(path) => std::path::absolute(path)
                .unwrap_or_else(|_| path.clone())
                .display()
                .to_string(),
        }
    }

    /// How messages name it.
    fn shown(&self) -> PathBuf {
        match self {
            Self::Remote(url) => PathBuf::from(url.as_str()),
            Self::Local(path) => path.clone(),
        }
    }

    /// The files of the package: a JSON file, a `datapackage.json` (its CSV resources), a
    /// CSV file, or a directory (its `datapackage.json` if any, else its JSON and CSV files).
    pub async fn files(&self) -> Result<Vec<SourceFile>, Failure> {
        match self {
            Self::Local(path) => package_files(path),
            Self::Remote(url) => fetched_files(url).await,
        }
    }
}

fn package_files(path: &Path) -> Result<Vec<SourceFile>, Failure> {
    let read_one = |p: &Path| -> Result<SourceFile, Failure> {
        let bytes = std::fs::read(p).map_err(|e| Failure::file_read(p, &e))?;
        Ok(SourceFile {
            name: p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
            bytes,
        })
    };
    let local_package = |descriptor: &Path| -> Result<Vec<SourceFile>, Failure> {
        let file = read_one(descriptor)?;
        let dir = descriptor.parent().unwrap_or(Path::new("."));
        let mut files = Vec::new();
        for relative in datapackage_resources(&file.bytes, descriptor)? {
            // A package may omit its empty tables.
            let p = dir.join(relative);
            if p.is_file() {
                files.push(read_one(&p)?);
            }
        }
        Ok(files)
    };
    if path.is_file() {
        if path.file_name().is_some_and(|n| n == "datapackage.json") {
            return local_package(path);
        }
        return Ok(vec![read_one(path)?]);
    }
    let descriptor = path.join("datapackage.json");
    if descriptor.is_file() {
        return local_package(&descriptor);
    }
    let entries = std::fs::read_dir(path).map_err(|e| Failure::file_read(path, &e))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.extension().is_some_and(|x| {
                    x.eq_ignore_ascii_case("json") || x.eq_ignore_ascii_case("csv")
                })
        })
        .collect();
    paths.sort();
    paths.iter().map(|p| read_one(p)).collect()
}

/// The resources a datapackage descriptor lists, as paths relative to it.
fn datapackage_resources(bytes: &[u8], descriptor: &Path) -> Result<Vec<String>, Failure> {
    let bad = |detail: String| {
        Failure::user_input(
            "cli-hsds-bad-datapackage",
            vec![
                ("path", descriptor.display().to_string()),
                ("detail", detail),
            ],
        )
    };
    let value: Value = serde_json::from_slice(bytes).map_err(|e| bad(e.to_string()))?;
    let mut resources = Vec::new();
    for resource in value["resources"].as_array().into_iter().flatten() {
        let Some(relative) = resource["path"].as_str() else {
            continue;
        };
        // Only files beside the descriptor: a package cannot point outside its directory
        // (nor, fetched, to another site).
        if relative.contains("..") || relative.starts_with('/') || relative.contains("://") {
            return Err(bad(relative.to_owned()));
        }
        resources.push(relative.to_owned());
    }
    Ok(resources)
}

/// A package at a URL: one file, or a `datapackage.json` and the resources beside it.
async fn fetched_files(url: &reqwest::Url) -> Result<Vec<SourceFile>, Failure> {
    // reqwest's rustls needs a process-wide provider: ring, as for the database and mail.
    // Installing it twice (a scheduled sync) is refused harmlessly.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .user_agent(concat!("mosaique/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(std::time::Duration::from_secs(30))
        .timeout(std::time::Duration::from_secs(600))
        .build()
        .map_err(|e| Failure::fetch(url.as_str(), &e.to_string()))?;
    let last = url
        .path_segments()
        .and_then(|mut s| s.next_back())
        .unwrap_or_default()
        .to_owned();
    let Some(first) = fetch(&client, url, &last, false).await? else {
        return Err(Failure::fetch(url.as_str(), "404"));
    };
    if last != "datapackage.json" {
        return Ok(vec![first]);
    }
    let mut files = Vec::new();
    for relative in datapackage_resources(&first.bytes, Path::new(url.as_str()))? {
        let resource = url
            .join(&relative)
            .map_err(|e| Failure::fetch(url.as_str(), &e.to_string()))?;
        let name = relative.rsplit('/').next().unwrap_or(&relative).to_owned();
        // A package may omit its empty tables: a resource that is not there is skipped.
        if let Some(file) = fetch(&client, &resource, &name, true).await? {
            files.push(file);
        }
    }
    Ok(files)
}

/// One fetched file, named so the reader knows its format (`None`: not found, when allowed).
async fn fetch(
    client: &reqwest::Client,
    url: &reqwest::Url,
    name: &str,
    may_be_missing: bool,
) -> Result<Option<SourceFile>, Failure> {
    let failed = |detail: String| Failure::fetch(url.as_str(), &detail);
    let mut response = client
        .get(url.clone())
        .send()
        .await
        .map_err(|e| failed(e.to_string()))?;
    let status = response.status();
    if status == reqwest::StatusCode::NOT_FOUND && may_be_missing {
        return Ok(None);
    }
    if !status.is_success() {
        return Err(failed(status.to_string()));
    }
    if response
        .content_length()
        .is_some_and(|n| n > MAX_FETCHED_BYTES)
    {
        return Err(failed(format!("> {MAX_FETCHED_BYTES} bytes")));
    }
    let csv = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.to_ascii_lowercase().contains("csv"));
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| failed(e.to_string()))? {
        if (bytes.len() + chunk.len()) as u64 > MAX_FETCHED_BYTES {
            return Err(failed(format!("> {MAX_FETCHED_BYTES} bytes")));
        }
        bytes.extend_from_slice(&chunk);
    }
    // An API address (`…/organizations?page=1`) names no format: its content type does.
    let lower = name.to_ascii_lowercase();
    let name = if lower.ends_with(".json") || lower.ends_with(".csv") {
        name.to_owned()
    } else {
        let stem = if name.is_empty() { "package" } else { name };
        format!("{stem}.{}", if csv { "csv" } else { "json" })
    };
    Ok(Some(SourceFile { name, bytes }))
}

/// Shows `done / total` on a terminal, on one line that it rewrites.
fn progress_bar(tr: &Tr) -> impl Fn(usize, usize) + Sync + '_ {
    let terminal = std::io::stderr().is_terminal();
    let label = tr.t("cli-hsds-writing");
    move |done, total| {
        if !terminal || total == 0 {
            return;
        }
        let width = 30;
        let filled = done * width / total;
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r{label} [{}{}] {done}/{total}",
            "#".repeat(filled),
            " ".repeat(width - filled)
        );
        if done >= total {
            let _ = writeln!(err);
        }
    }
}

/// What `hsds import` was asked to do.
pub struct ImportRequest<'a> {
    pub origin: &'a Origin,
    /// The source's name and whose version wins a conflict with a local edit.
    pub source: ImportSource,
    pub lang: Language,
    /// Import what is valid and report the rest, instead of all or nothing.
    pub partial: bool,
    /// Where the report goes (default `hsds-import-report.csv`, or its French name).
    pub report: Option<&'a Path>,
    /// A coalition's mapping file, over the shipped one.
    pub mapping: Option<&'a Path>,
}

fn say(tr: &Tr, reason: &Reason) -> String {
    let (key, args) = reason.message();
    let args: Vec<(&'static str, Arg)> = args.into_iter().map(|(k, v)| (k, Arg::Text(v))).collect();
    tr.t_args(key, &args)
}

fn print_problems(tr: &Tr, problems: &[Problem]) {
    for p in problems {
        eprintln!("{}: {}", p.at, say(tr, &p.reason));
    }
}

/// The shipped mapping, with the coalition's file over it.
fn mapping(tr: &Tr, file: Option<&Path>) -> Result<Mapping, Failure> {
    let Some(file) = file else {
        return Ok(Mapping::defaults());
    };
    let text = std::fs::read_to_string(file).map_err(|e| Failure::file_read(file, &e))?;
    match Mapping::parse(&text) {
        Ok(own) => Ok(Mapping::defaults().over(own)),
        Err(problems) => {
            for p in &problems {
                let (key, args) = p.message();
                let args: Vec<(&'static str, Arg)> =
                    args.into_iter().map(|(k, v)| (k, Arg::Text(v))).collect();
                eprintln!("{}: {}", file.display(), tr.t_args(key, &args));
            }
            Err(Failure::hsds_mapping(file, problems.len()))
        }
    }
}

pub async fn import(
    app: Option<&App>,
    tr: &Tr,
    request: &ImportRequest<'_>,
) -> Result<(), Failure> {
    let shown = request.origin.shown();
    let path = shown.as_path();
    let check_only = app.is_none();
    let files = request.origin.files().await?;
    let options = ReadOptions {
        lang: request.lang,
        source: tr.with("cli-hsds-source", "file", &request.source.name),
        mapping: mapping(tr, request.mapping)?,
    };
    let read = if request.partial { read_partial } else { read };
    let Package {
        records,
        notes,
        refused,
        refused_counts,
        to_classify,
    } = match read(&files, &options) {
        Ok(package) => package,
        Err(problems) => {
            print_problems(tr, &problems);
            return Err(Failure::hsds_invalid(path, problems.len()));
        }
    };
    let locations: usize = records.iter().map(|r| r.locations.len()).sum();
    let services: usize = records.iter().map(|r| r.services.len()).sum();
    println!(
        "{}",
        tr.t_args(
            "cli-hsds-read",
            &[
                ("organizations", Arg::Int(records.len() as i64)),
                ("locations", Arg::Int(locations as i64)),
                ("services", Arg::Int(services as i64)),
            ]
        )
    );
    for (count, key) in [
        (notes.untranslated, "cli-hsds-note-untranslated"),
        (notes.access_assumed, "cli-hsds-note-access"),
        (notes.skipped, "cli-hsds-note-skipped"),
    ] {
        if count > 0 {
            println!("{}", tr.count(key, count as i64));
        }
    }
    // The report (CSV): what was refused, then the conflicts and what the source no longer
    // sends; written when there is something in it.
    let report_path = request.report.map_or_else(
        || PathBuf::from(tr.t("cli-hsds-report-file")),
        Path::to_path_buf,
    );
    let mut rows: Vec<(String, String)> = refused
        .iter()
        .map(|p| (p.at.clone(), say(tr, &p.reason)))
        .collect();
    if request.partial {
        if refused.is_empty() {
            println!("{}", tr.t("cli-hsds-partial-clean"));
        } else {
            print_problems(tr, &refused);
            println!(
                "{}",
                tr.t_args(
                    "cli-hsds-partial-refused",
                    &[
                        (
                            "organizations",
                            Arg::Int(refused_counts.organizations as i64)
                        ),
                        ("locations", Arg::Int(refused_counts.locations as i64)),
                        ("services", Arg::Int(refused_counts.services as i64)),
                        ("problems", Arg::Int(refused.len() as i64)),
                        ("report", Arg::Text(report_path.display().to_string())),
                    ]
                )
            );
        }
    }
    if !to_classify.is_empty() {
        println!(
            "{}",
            tr.count("cli-hsds-to-classify", to_classify.len() as i64)
        );
    }
    let Some(app) = app.filter(|_| !check_only) else {
        write_report_file(tr, &report_path, &rows)?;
        println!("{}", tr.t("cli-hsds-checked"));
        return Ok(());
    };
    let records: Vec<DirectoryRecord> = records
        .into_iter()
        .map(|r| DirectoryRecord {
            ids: Some(RecordIds {
                organization: r.id,
                locations: r.locations.iter().map(|(id, _)| *id).collect(),
                services: r.services.iter().map(|(id, _, _)| *id).collect(),
            }),
            organization: r.organization,
            locations: r.locations.into_iter().map(|(_, l)| l).collect(),
            services: r.services.into_iter().map(|(_, s, at)| (s, at)).collect(),
        })
        .collect();
    let bar = progress_bar(tr);
    let loaded = app
        .import_directory(
            &Principal::Operator,
            &request.source,
            &records,
            &to_classify,
            &bar,
        )
        .await
        .map_err(|e| Failure::hsds_store(path, &format!("{e:?}")))?;
    let report = &loaded.report;
    println!(
        "{}",
        tr.t_args(
            "cli-hsds-sync-source",
            &[("source", Arg::Text(request.source.name.clone()))]
        )
    );
    for kind in ObjectKind::ALL {
        let n = |outcome| Arg::Int(report.counted(kind, outcome) as i64);
        println!(
            "{}",
            tr.t_args(
                "cli-hsds-sync-counts",
                &[
                    ("kind", Arg::Text(tr.t(kind_key(kind)))),
                    ("added", n(Outcome::Added)),
                    ("changed", n(Outcome::Changed)),
                    ("unchanged", n(Outcome::Unchanged)),
                    ("kept", n(Outcome::ConflictKept)),
                    ("overwritten", n(Outcome::ConflictOverwritten)),
                    ("missing", Arg::Int(report.missing_of(kind) as i64)),
                ]
            )
        );
    }
    let named = |n: &Named| {
        tr.t_args(
            "cli-hsds-sync-object",
            &[
                ("kind", Arg::Text(n.kind.key().to_owned())),
                ("id", Arg::Text(n.id.clone())),
                ("name", Arg::Text(n.name.get(request.lang).clone())),
            ],
        )
    };
    for conflict in &report.conflicts {
        let key = match conflict.outcome {
            Some(Outcome::ConflictOverwritten) => "cli-hsds-sync-overwritten",
            _ => "cli-hsds-sync-kept",
        };
        rows.push((named(conflict), tr.t(key)));
    }
    for missing in &report.missing {
        rows.push((named(missing), tr.t("cli-hsds-sync-missing")));
    }
    let noted = report.conflicts.len() + report.missing.len();
    for (at, what) in &rows[rows.len() - noted..] {
        eprintln!("{at}: {what}");
    }
    write_report_file(tr, &report_path, &rows)?;
    if noted > 0 {
        println!(
            "{}",
            tr.t_args(
                "cli-hsds-sync-report",
                &[
                    ("count", Arg::Int(noted as i64)),
                    ("report", Arg::Text(report_path.display().to_string())),
                ]
            )
        );
    }
    println!(
        "{}",
        tr.t_args(
            "cli-hsds-imported",
            &[("services", Arg::Int(loaded.services as i64))]
        )
    );
    Ok(())
}

/// Imports `request` now and then every `minutes`, until stopped (Ctrl-C or SIGTERM). A run
/// that fails (the source is down, its package is invalid) is reported and the next one
/// still happens: one bad night must not stop the schedule.
pub async fn import_every(
    app: &App,
    tr: &Tr,
    request: &ImportRequest<'_>,
    minutes: u64,
) -> Result<(), Failure> {
    let period = std::time::Duration::from_secs(minutes * 60);
    loop {
        if let Err(failure) = import(Some(app), tr, request).await {
            eprintln!("{}", failure.render(tr.lang));
        }
        let next = jiff::Zoned::now().saturating_add(jiff::SignedDuration::from_secs(
            i64::try_from(period.as_secs()).unwrap_or(i64::MAX),
        ));
        println!(
            "{}",
            tr.t_args(
                "cli-hsds-sync-next",
                &[(
                    "at",
                    Arg::Text(next.strftime("%Y-%m-%d %H:%M %Z").to_string())
                )]
            )
        );
        tokio::select! {
            () = tokio::time::sleep(period) => {}
            () = crate::shutdown_signal() => return Ok(()),
        }
    }
}

fn kind_key(kind: ObjectKind) -> &'static str {
    match kind {
        ObjectKind::Organization => "cli-hsds-kind-organization",
        ObjectKind::Location => "cli-hsds-kind-location",
        ObjectKind::Service => "cli-hsds-kind-service",
    }
}

/// Writes the report's rows under a header in the reader's language, if there are any.
fn write_report_file(tr: &Tr, path: &Path, rows: &[(String, String)]) -> Result<(), Failure> {
    if rows.is_empty() {
        return Ok(());
    }
    let file = File::create(path).map_err(|e| Failure::file_write(path, &e))?;
    write_report(
        BufWriter::new(file),
        [
            &tr.t("cli-hsds-report-where"),
            &tr.t("cli-hsds-report-reason"),
        ],
        rows.iter().cloned(),
    )
    .map_err(|e| Failure::file_write(path, &e))
}

pub async fn export(
    app: &App,
    tr: &Tr,
    dir: &Path,
    lang: Language,
    include_redacted: bool,
) -> Result<(), Failure> {
    let failed = |e: mosaique_app::AppError| Failure::hsds_store(dir, &format!("{e:?}"));
    let organizations = app.all_organizations().await.map_err(failed)?;
    let locations = app.all_locations().await.map_err(failed)?;
    let services = app.all_services().await.map_err(failed)?;
    let texts = mosaique_web::HsdsTexts;
    let publication = Publication {
        lang,
        now: Timestamp::from_millis(jiff::Timestamp::now().as_millisecond()),
        include_redacted,
        texts: &texts,
    };
    let by_id: HashMap<_, &Location> = locations.iter().map(|l| (l.id, l)).collect();
    // Grouped once: 20,000 organizations must not each scan 100,000 services.
    let mut sites_of: HashMap<_, Vec<&Location>> = HashMap::new();
    for l in &locations {
        sites_of.entry(l.org_id).or_default().push(l);
    }
    let mut services_of: HashMap<_, Vec<&Service>> = HashMap::new();
    for s in &services {
        services_of.entry(s.org_id).or_default().push(s);
    }
    let csv_dir = dir.join("csv");
    std::fs::create_dir_all(&csv_dir).map_err(|e| Failure::file_write(&csv_dir, &e))?;
    let create = |path: PathBuf| -> Result<BufWriter<File>, Failure> {
        File::create(&path)
            .map(BufWriter::new)
            .map_err(|e| Failure::file_write(&path, &e))
    };
    let json_path = dir.join("organizations.json");
    let mut json = create(json_path.clone())?;
    let mut tables = Tables::new(|path| File::create(csv_dir.join(path)).map(BufWriter::new))
        .map_err(|e| Failure::file_write(&csv_dir, &e))?;
    // One organization in memory at a time: published, written to both, dropped.
    let written = |e: std::io::Error| Failure::file_write(&json_path, &e);
    json.write_all(b"[").map_err(written)?;
    for (n, o) in organizations.iter().enumerate() {
        let own = sites_of.remove(&o.id).unwrap_or_default();
        let offered: Vec<_> = services_of
            .remove(&o.id)
            .unwrap_or_default()
            .into_iter()
            .map(|s| {
                let at: Vec<&Location> = s
                    .location_ids
                    .iter()
                    .filter_map(|id| by_id.get(id).copied())
                    .collect();
                (s, at)
            })
            .collect();
        let published = publication.organization_full(o, &own, &offered);
        json.write_all(if n == 0 { b"\n" } else { b",\n" })
            .map_err(written)?;
        serde_json::to_writer_pretty(&mut json, &published).map_err(|e| written(e.into()))?;
        tables
            .organization(&published)
            .map_err(|e| Failure::file_write(&csv_dir, &e))?;
    }
    json.write_all(b"\n]\n").map_err(written)?;
    json.flush().map_err(written)?;
    let taxonomy = publication.taxonomy();
    let terms: Vec<Value> = mosaique_domain::directory::taxonomy::taxonomy()
        .terms
        .iter()
        .map(|t| publication.term(t))
        .collect();
    tables
        .taxonomy(&taxonomy, &terms)
        .map_err(|e| Failure::file_write(&csv_dir, &e))?;
    for (path, mut file) in tables
        .finish()
        .map_err(|e| Failure::file_write(&csv_dir, &e))?
    {
        file.flush()
            .map_err(|e| Failure::file_write(&csv_dir.join(path), &e))?;
    }
    let pretty = |v: &Value| {
        let mut text = serde_json::to_vec_pretty(v).unwrap_or_default();
        text.push(b'\n');
        text
    };
    let write = |path: PathBuf, bytes: Vec<u8>| {
        std::fs::write(&path, bytes).map_err(|e| Failure::file_write(&path, &e))
    };
    write(
        dir.join("taxonomies.json"),
        pretty(&Value::Array(vec![taxonomy])),
    )?;
    write(
        dir.join("taxonomy_terms.json"),
        pretty(&Value::Array(terms)),
    )?;
    write(
        csv_dir.join("datapackage.json"),
        pretty(mosaique_hsds::schema::datapackage()),
    )?;
    println!(
        "{}",
        tr.t_args(
            "cli-hsds-exported",
            &[
                ("organizations", Arg::Int(organizations.len() as i64)),
                ("services", Arg::Int(services.len() as i64)),
                ("dir", Arg::Text(dir.display().to_string())),
            ]
        )
    );
    Ok(())
}
