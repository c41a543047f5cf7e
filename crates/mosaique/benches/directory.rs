//! The directory at national scale, end to end: 100,000 synthetic services in 20,000
//! organizations loaded into SQLite in one transaction, served by the real `mosaique serve`
//! binary (its own process, so its memory is its own), searched over HTTP beside a trivial
//! route, a capacity change made by another writer timed until search shows it, and the HSDS
//! export and imports (JSON and CSV) of the whole directory by the binary.
//! `cargo bench -p mosaique --bench directory`.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use mosaique_domain::Bilingual;
use mosaique_domain::policy::Principal;
use mosaique_domain::policy::directory::{Directory, DirectoryAction};
use mosaique_domain::service::{CapacityUnit, NewService};
use mosaique_store::testing::{
    TestBackend, TestDb, permit, save_service, set_capacity, synthetic_records, upsert_organization,
};
use mosaique_store::{Db, DbOptions};

const ORGANIZATIONS: usize = 20_000;
const SERVICES: usize = 100_000;
const CLIENTS: usize = 4;
const RUN: Duration = Duration::from_secs(10);

fn status_mb(pid: u32, field: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Requests as fast as `CLIENTS` connections allow for `RUN`; returns (req/s, latencies ms).
async fn load(base: &str, paths: Arc<Vec<String>>) -> (f64, Vec<f64>) {
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for c in 0..CLIENTS {
        let client = support::http_client();
        let base = base.to_owned();
        let paths = paths.clone();
        let stop = stop.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut i = c;
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                let response = client
                    .get(format!("{base}{}", paths[i % paths.len()]))
                    .send()
                    .await
                    .expect("request");
                assert!(response.status().is_success(), "{}", response.status());
                let _ = response.bytes().await.expect("body");
                latencies.push(t.elapsed().as_secs_f64() * 1000.0);
                i += CLIENTS;
            }
            latencies
        }));
    }
    tokio::time::sleep(RUN).await;
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("client"));
    }
    all.sort_by(f64::total_cmp);
    (all.len() as f64 / RUN.as_secs_f64(), all)
}

/// Searches of the same shape as the repeated eight, never twice the same: each word and
/// domain around each of the 400 most populous places (where the services are), the point
/// moved by a few hundred metres each round. More than a run can send, so no answer is ever
/// replayed and every one is searched and written.
fn distinct_searches(suffix: &str) -> Vec<String> {
    const WORDS: [&str; 8] = [
        "hebergement",
        "shelter",
        "clinique",
        "legal",
        "francisation",
        "travial",
        "immigraton",
        "jeunesse",
    ];
    let mut places: Vec<_> = mosaique_domain::directory::places::gazetteer()
        .places()
        .iter()
        .collect();
    places.sort_by_key(|p| std::cmp::Reverse(p.population));
    places.truncate(400);
    let domains = mosaique_domain::ServiceDomain::ALL;
    (0..250_000)
        .map(|i| {
            let place = places[i % places.len()];
            let round = (i / places.len()) as f64;
            let word = WORDS[(i / 3) % WORDS.len()];
            let domain = domains[(i / 7) % domains.len()].key();
            format!(
                "/api/v1/services?q={word}&domain={domain}&substance_use=true&near={:.4},{:.4}&radius_km=50&sort=distance{suffix}",
                place.point.lat + 0.002 * (round % 25.0),
                place.point.lon + 0.002 * (round / 25.0).floor(),
            )
        })
        .collect()
}

#[tokio::main]
async fn main() {
    // MOSAIQUE_BENCH_DIR keeps the generated database and key file there (for profiling a
    // server by hand afterwards); by default they live in a temporary directory.
    let temp = tempfile::tempdir().expect("temp dir");
    let kept = std::env::var_os("MOSAIQUE_BENCH_DIR").map(std::path::PathBuf::from);
    let root = kept.clone().unwrap_or_else(|| temp.path().to_owned());
    if let Some(kept) = &kept {
        let _ = std::fs::remove_dir_all(kept);
        std::fs::create_dir_all(kept).expect("bench dir");
    }
    let dir = &root;
    // MOSAIQUE_BENCH_BACKEND=postgres runs it all on fresh PostgreSQL databases (on the server
    // of MOSAIQUE_TEST_PG_URL), with a second app server on the same database.
    let postgres = std::env::var("MOSAIQUE_BENCH_BACKEND").is_ok_and(|b| b == "postgres");
    let backend = if postgres { "PostgreSQL" } else { "SQLite" };
    let mut databases: Vec<TestDb> = Vec::new();
    let url = database(dir, "bench", postgres, &mut databases).await;
    let db = Db::connect(&url, &DbOptions::default())
        .await
        .expect("connect");
    db.migrate().await.expect("migrate");
    // The key file the served binary reads, made as `mosaique serve --demo` makes one.
    let key_file = dir.join("mosaique.key");
    let (master, _) = mosaique_app::keyfile::load(&key_file, true).expect("key file");
    let db = db.unlock(master).await.expect("unlock");

    let t = Instant::now();
    let records = synthetic_records(2026, ORGANIZATIONS, SERVICES);
    let generated = t.elapsed();
    let t = Instant::now();
    let import = permit(&Principal::Operator, DirectoryAction::Import, Directory);
    let loaded = db.load_directory(&import, &records).await.expect("load");
    let load_time = t.elapsed();
    drop(records);

    let t = Instant::now();
    let client = support::http_client();
    let (mut server, base) =
        support::start_server(&client, &url, &key_file, "/api/v1/services?per_page=1").await;
    let pid = server.id();
    let ready = t.elapsed();
    // On PostgreSQL, a second app server: changes must reach it too.
    let mut second = None;
    if postgres {
        second = Some(
            support::start_server(&client, &url, &key_file, "/api/v1/services?per_page=1").await,
        );
    }

    let searches: Vec<String> = [
        ("hebergement", "housing_short_term", "Montr%C3%A9al"),
        ("shelter", "immediate_safety", "Toronto"),
        ("clinique", "health", "Qu%C3%A9bec"),
        ("legal", "legal_aid", "Vancouver"),
        ("francisation", "education", "Gatineau"),
        ("travial", "work", "Winnipeg"),
        ("immigraton", "immigration", "Calgary"),
        ("jeunesse", "youth_protection", "Sherbrooke"),
    ]
    .iter()
    .map(|(q, d, near)| format!("/api/v1/services?q={q}&domain={d}&substance_use=true&near={near}&radius_km=50&sort=distance"))
    .collect();
    // What a search answer weighs, and what moving that many bytes costs with no work at
    // all: the embedded htmx file, served from memory.
    // One language (the default), and both (`lang=all`), as every answer was before.
    let mut kilobytes = Vec::new();
    for suffix in ["", "&lang=all"] {
        let mut bytes = 0;
        for path in &searches {
            bytes += client
                .get(format!("{base}{path}{suffix}"))
                .send()
                .await
                .expect("request")
                .bytes()
                .await
                .expect("body")
                .len();
        }
        kilobytes.push(bytes as f64 / searches.len() as f64 / 1000.0);
    }
    let (answer_kb, both_kb) = (kilobytes[0], kilobytes[1]);
    let asset = "/static/htmx-2.0.11.min.js";
    let asset_kb = client
        .get(format!("{base}{asset}"))
        .send()
        .await
        .expect("request")
        .bytes()
        .await
        .expect("body")
        .len() as f64
        / 1000.0;
    let (trivial_rps, trivial) = load(&base, Arc::new(vec!["/healthz".to_owned()])).await;
    let (asset_rps, asset_latencies) = load(&base, Arc::new(vec![asset.to_owned()])).await;
    let (search_rps, search) = load(&base, Arc::new(searches)).await;
    // MOSAIQUE_BENCH_PROFILE=FILE records the server under the all-different load with
    // `perf record -g` (call graphs), for `perf report -i FILE`.
    let profile = std::env::var("MOSAIQUE_BENCH_PROFILE").ok().map(|out| {
        std::process::Command::new("perf")
            .args([
                "record",
                "-g",
                "-F",
                "499",
                "-o",
                &out,
                "-p",
                &pid.to_string(),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("perf record (linux-perf) starts")
    });
    let (distinct_rps, distinct) = load(&base, Arc::new(distinct_searches(""))).await;
    if let Some(mut perf) = profile {
        // perf writes its file on SIGINT.
        let _ = std::process::Command::new("kill")
            .args(["-INT", &perf.id().to_string()])
            .status();
        let _ = perf.wait();
    }
    let (both_rps, both) = load(&base, Arc::new(distinct_searches("&lang=all"))).await;

    // Freshness: a capacity update made straight in the database, as another app server
    // would, until the API shows it.
    let any = client
        .get(format!("{base}/api/v1/services?q=hebergement&per_page=1"))
        .send()
        .await
        .expect("request")
        .json::<serde_json::Value>()
        .await
        .expect("json");
    let id: mosaique_domain::ServiceId = any["results"][0]["id"]
        .as_str()
        .expect("id")
        .parse()
        .expect("id");
    let service = db.service(id).await.expect("read").expect("service");
    let t = Instant::now();
    set_capacity(&db, &service, CapacityUnit::Beds, 7, Some(9)).await;
    let mut fresh = Vec::new();
    for b in std::iter::once(&base).chain(second.iter().map(|(_, b)| b)) {
        until(&client, &format!("{b}/api/v1/services/{id}"), |one| {
            one["capacity"]["available"] == 7
        })
        .await;
        fresh.push(t.elapsed());
    }

    // A text change by another writer: the service renamed, until search finds the name.
    let renamed = NewService {
        name: Bilingual::new("Halte zanzibarite".into(), "Zanzibari drop-in".into()),
        ..service.to_new()
    };
    let t = Instant::now();
    save_service(
        &db,
        service.org_id,
        Some(id),
        &renamed,
        &service.location_ids,
    )
    .await;
    let mut renamed_fresh = Vec::new();
    for b in std::iter::once(&base).chain(second.iter().map(|(_, b)| b)) {
        until(
            &client,
            &format!("{b}/api/v1/services?q=zanzibarite"),
            |found| found["total"] == 1,
        )
        .await;
        renamed_fresh.push(t.elapsed());
    }

    // The organization renamed: its services found by the new name (the organization's
    // name is part of their text), and the organization directory too.
    let org = db
        .organization(service.org_id)
        .await
        .expect("read")
        .expect("organization");
    let org_renamed = mosaique_domain::NewOrganization {
        name: Bilingual::new("Collectif aurorien".into(), "Aurorian collective".into()),
        ..org.to_new()
    };
    let t = Instant::now();
    upsert_organization(&db, &org_renamed).await;
    let mut org_fresh = Vec::new();
    for b in std::iter::once(&base).chain(second.iter().map(|(_, b)| b)) {
        until(
            &client,
            &format!("{b}/api/v1/services?q=aurorien"),
            |found| found["total"].as_u64().is_some_and(|n| n >= 1),
        )
        .await;
        until(
            &client,
            &format!("{b}/api/v1/organizations?q=aurorien"),
            |found| found["total"] == 1,
        )
        .await;
        org_fresh.push(t.elapsed());
    }

    println!(
        "## Directory end to end, {backend}, {loaded} services in {ORGANIZATIONS} organizations"
    );
    println!();
    println!("| Measure | Value |");
    println!("|---|---|");
    println!(
        "| Synthetic directory generated | {:.2} s |",
        generated.as_secs_f64()
    );
    println!(
        "| Loaded into the database (one transaction) | {:.2} s |",
        load_time.as_secs_f64()
    );
    println!(
        "| Server start to service search ready (read + index build) | {:.2} s |",
        ready.as_secs_f64()
    );
    println!(
        "| `GET /healthz` ({CLIENTS} connections, {} s): throughput, p50 / p99 | {trivial_rps:.0} req/s, {:.2} / {:.2} ms |",
        RUN.as_secs(),
        support::percentile(&trivial, 0.5),
        support::percentile(&trivial, 0.99)
    );
    println!(
        "| `GET /api/v1/services` text + domain + condition + 50 km, by distance: throughput, p50 / p99 | {search_rps:.0} req/s, {:.2} / {:.2} ms |",
        support::percentile(&search, 0.5),
        support::percentile(&search, 0.99)
    );
    println!(
        "| The same, every query different (no answer replayed): throughput, p50 / p99 | {distinct_rps:.0} req/s, {:.2} / {:.2} ms |",
        support::percentile(&distinct, 0.5),
        support::percentile(&distinct, 0.99)
    );
    println!(
        "| The same with both languages' texts (`lang=all`): throughput, p50 / p99 | {both_rps:.0} req/s, {:.2} / {:.2} ms |",
        support::percentile(&both, 0.5),
        support::percentile(&both, 0.99)
    );
    println!(
        "| `GET {asset}` ({asset_kb:.0} KB from memory, no work): throughput, p50 / p99 | {asset_rps:.0} req/s, {:.2} / {:.2} ms |",
        support::percentile(&asset_latencies, 0.5),
        support::percentile(&asset_latencies, 0.99)
    );
    println!(
        "| Search answer, mean size: one language / both (`lang=all`) | {answer_kb:.1} KB / {both_kb:.1} KB |"
    );
    println!(
        "| Search throughput / trivial route throughput: eight queries repeated / every query different / every query different in both languages | {:.0} % / {:.0} % / {:.0} % |",
        search_rps / trivial_rps * 100.0,
        distinct_rps / trivial_rps * 100.0,
        both_rps / trivial_rps * 100.0
    );
    println!(
        "| Static asset throughput / trivial route throughput | {:.0} % |",
        asset_rps / trivial_rps * 100.0
    );
    let seconds = |times: &[Duration]| {
        times
            .iter()
            .map(|t| format!("{:.2} s", t.as_secs_f64()))
            .collect::<Vec<_>>()
            .join(" / ")
    };
    let servers = if second.is_some() {
        ", this server / the second"
    } else {
        ""
    };
    println!(
        "| Capacity change by another writer to visible in search (default 1 s refresh{servers}) | {} |",
        seconds(&fresh)
    );
    println!(
        "| Service renamed by another writer to found by its new name (default 1 s refresh{servers}) | {} |",
        seconds(&renamed_fresh)
    );
    println!(
        "| Organization renamed by another writer to its services and itself found by the new name (default 1 s refresh{servers}) | {} |",
        seconds(&org_fresh)
    );
    println!(
        "| Server process RSS now / peak | {:.0} MB / {:.0} MB |",
        status_mb(pid, "VmRSS:"),
        status_mb(pid, "VmHWM:")
    );
    let _ = server.kill();
    let _ = server.wait();
    if let Some((mut s, _)) = second {
        let _ = s.kill();
        let _ = s.wait();
    }

    // HSDS: the directory out as a package, then each serialization into an empty database
    // by the real binary, all or nothing.
    let out = dir.join("hsds");
    let (export_time, export_mb) = run_binary(
        &["hsds", "export", &out.display().to_string()],
        &url,
        &key_file,
    );
    println!(
        "| `mosaique hsds export` (JSON + CSV datapackage) | {:.2} s, peak RSS {export_mb:.0} MB |",
        export_time.as_secs_f64()
    );
    for (label, path) in [
        ("JSON", out.join("organizations.json")),
        ("CSV", out.join("csv")),
    ] {
        let size: u64 = if path.is_dir() {
            std::fs::read_dir(&path)
                .expect("package")
                .filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        } else {
            std::fs::metadata(&path).expect("package").len()
        };
        let target = database(dir, &format!("import-{label}"), postgres, &mut databases).await;
        run_binary(&["migrate"], &target, &key_file);
        let (import_time, import_mb) = run_binary(
            &["hsds", "import", &path.display().to_string()],
            &target,
            &key_file,
        );
        println!(
            "| `mosaique hsds import`, {label} package ({:.0} MB) into an empty database | {:.2} s, peak RSS {import_mb:.0} MB |",
            size as f64 / 1e6,
            import_time.as_secs_f64()
        );
    }
    db.close().await;
    for fixture in databases {
        fixture.cleanup().await;
    }
}

/// A database for the bench: a SQLite file in `dir`, or a fresh PostgreSQL database kept in
/// `databases` (dropped at the end).
async fn database(
    dir: &std::path::Path,
    name: &str,
    postgres: bool,
    databases: &mut Vec<TestDb>,
) -> String {
    if !postgres {
        return format!("sqlite://{}", dir.join(format!("{name}.db")).display());
    }
    let fixture = TestDb::unmigrated(TestBackend::Postgres).await;
    let url = fixture.url.clone();
    databases.push(fixture);
    url
}

/// Polls `url` every 20 ms until its JSON satisfies `done`.
async fn until(client: &reqwest::Client, url: &str, done: impl Fn(&serde_json::Value) -> bool) {
    loop {
        let value: serde_json::Value = client
            .get(url)
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("json");
        if done(&value) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Runs the binary to completion; returns its duration and its peak RSS (polled).
fn run_binary(args: &[&str], url: &str, key_file: &std::path::Path) -> (Duration, f64) {
    let t = Instant::now();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mosaique"))
        .args(args)
        .env("MOSAIQUE_DATABASE_URL", url)
        .env("MOSAIQUE_KEY_FILE", key_file)
        .env("MOSAIQUE_LOG_LEVEL", "warn")
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("binary starts");
    let mut peak: f64 = 0.0;
    loop {
        peak = peak.max(status_mb(child.id(), "VmHWM:"));
        if let Some(status) = child.try_wait().expect("wait") {
            assert!(status.success(), "{args:?} failed");
            return (t.elapsed(), peak);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
