//! `mosaique hsds import|export`: the directory in and out as Open Referral HSDS 3.1.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use std::collections::HashMap;

use mosaique_app::App;
use mosaique_app::directory::{DirectoryRecord, RecordIds};
use mosaique_domain::policy::Principal;
use mosaique_domain::service::{Location, Service};
use mosaique_domain::{Language, Timestamp};
use mosaique_hsds::mapping::Mapping;
use mosaique_hsds::publish::Publication;
use mosaique_hsds::read::{
    Package, Problem, ReadOptions, Reason, SourceFile, read, read_partial, write_refusals,
};
use mosaique_hsds::tabular::Tables;
use mosaique_web::i18n::{Arg, Tr};
use serde_json::Value;

use crate::failure::Failure;

/// The files of a package: a JSON file, a `datapackage.json` (its CSV resources), a CSV
/// file, or a directory (its `datapackage.json` if any, else its JSON and CSV files).
pub fn package_files(path: &Path) -> Result<Vec<SourceFile>, Failure> {
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
    if path.is_file() {
        if path.file_name().is_some_and(|n| n == "datapackage.json") {
            return datapackage_files(path, &read_one);
        }
        return Ok(vec![read_one(path)?]);
    }
    let descriptor = path.join("datapackage.json");
    if descriptor.is_file() {
        return datapackage_files(&descriptor, &read_one);
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

/// The CSV files a datapackage lists that exist (a package may omit empty tables).
fn datapackage_files(
    descriptor: &Path,
    read_one: &dyn Fn(&Path) -> Result<SourceFile, Failure>,
) -> Result<Vec<SourceFile>, Failure> {
    let file = read_one(descriptor)?;
    let value: Value = serde_json::from_slice(&file.bytes).map_err(|e| {
        Failure::user_input(
            "cli-hsds-bad-datapackage",
            vec![
                ("path", descriptor.display().to_string()),
                ("detail", e.to_string()),
            ],
        )
    })?;
    let dir = descriptor.parent().unwrap_or(Path::new("."));
    let mut files = Vec::new();
    for resource in value["resources"].as_array().into_iter().flatten() {
        let Some(relative) = resource["path"].as_str() else {
            continue;
        };
        // Only files beside the descriptor: a package cannot point outside its directory.
        if relative.contains("..") || relative.starts_with('/') {
            return Err(Failure::user_input(
                "cli-hsds-bad-datapackage",
                vec![
                    ("path", descriptor.display().to_string()),
                    ("detail", relative.to_owned()),
                ],
            ));
        }
        let p = dir.join(relative);
        if p.is_file() {
            files.push(read_one(&p)?);
        }
    }
    Ok(files)
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
    pub path: &'a Path,
    pub lang: Language,
    /// Import what is valid and report the rest, instead of all or nothing.
    pub partial: bool,
    /// Where the partial report goes (default `hsds-import-refused.csv`, or its French name).
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
    let path = request.path;
    let check_only = app.is_none();
    let files = package_files(path)?;
    let options = ReadOptions {
        lang: request.lang,
        source: tr.with("cli-hsds-source", "file", &path.display().to_string()),
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
    if request.partial {
        if refused.is_empty() {
            println!("{}", tr.t("cli-hsds-partial-clean"));
        } else {
            print_problems(tr, &refused);
            let default_name = tr.t("cli-hsds-report-file");
            let report = request
                .report
                .map_or_else(|| PathBuf::from(&default_name), Path::to_path_buf);
            let file = File::create(&report).map_err(|e| Failure::file_write(&report, &e))?;
            write_refusals(
                BufWriter::new(file),
                [
                    &tr.t("cli-hsds-report-where"),
                    &tr.t("cli-hsds-report-reason"),
                ],
                &refused,
                |reason| say(tr, reason),
            )
            .map_err(|e| Failure::file_write(&report, &e))?;
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
                        ("report", Arg::Text(report.display().to_string())),
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
    app.import_directory(&Principal::Operator, &records, &to_classify, &bar)
        .await
        .map_err(|e| Failure::hsds_store(path, &format!("{e:?}")))?;
    println!(
        "{}",
        tr.t_args(
            "cli-hsds-imported",
            &[("services", Arg::Int(services as i64))]
        )
    );
    Ok(())
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
