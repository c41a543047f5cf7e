//! In-process service search over a synthetic national directory: index build time, query
//! latency (p50/p95/p99) and memory. `cargo bench -p mosaique-search`. Results go to
//! BENCHMARKS.md by hand, with the machine they were measured on.

use std::time::Instant;

use mosaique_domain::directory::places::gazetteer;
use mosaique_domain::synthetic::{Rng, StoredDirectory, stored};
use mosaique_domain::{ServiceDomain, Timestamp};
use mosaique_search::{ServiceIndex, ServiceQuery, Sort};

const ORGANIZATIONS: usize = 20_000;
const SERVICES: usize = 100_000;
const QUERIES: usize = 2_000;

fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let started = Instant::now();
    let now = Timestamp::from_millis(1_795_000_000_000);
    let StoredDirectory {
        organizations,
        locations,
        services,
    } = stored(2026, ORGANIZATIONS, SERVICES, now);
    let generated = started.elapsed();
    let before_index = rss_mb();
    let built = Instant::now();
    let index = ServiceIndex::build(services, &organizations, &locations, 1).expect("index builds");
    let build = built.elapsed();
    let after_index = rss_mb();

    // A deterministic mix of what workers type: text (sometimes with a typo), domains,
    // conditions, a place and a radius, sorted by distance.
    let words = [
        "hebergement",
        "shelter",
        "clinique",
        "legal",
        "urgence",
        "francisation",
        "jeunesse",
        "travail",
        "immigration",
        "food",
    ];
    let places: Vec<_> = [
        "Montréal",
        "Toronto",
        "Vancouver",
        "Québec",
        "Winnipeg",
        "Halifax",
        "Calgary",
        "Gatineau",
        "Sherbrooke",
        "Regina",
    ]
    .iter()
    .map(|p| gazetteer().place(p, None).expect("place").point)
    .collect();
    let mut rng = Rng::new(7);
    let mut full = Vec::with_capacity(QUERIES);
    let mut text_only = Vec::with_capacity(QUERIES);
    let mut total_hits = 0usize;
    for i in 0..QUERIES {
        let mut word = (*rng.pick(&words)).to_owned();
        if i % 3 == 0 {
            word.remove(word.len() / 2); // one typo
        }
        let q = ServiceQuery {
            text: word.clone(),
            domains: vec![*rng.pick(ServiceDomain::ALL)],
            substance_use: rng.chance(0.5),
            any_status: rng.chance(0.5),
            open_now: rng.chance(0.3),
            near: Some(*rng.pick(&places)),
            radius_km: Some(*rng.pick(&[10.0, 25.0, 50.0, 100.0])),
            sort: Sort::Distance,
            now_ms: 1_795_000_000_000 + (i as i64) * 600_000,
            limit: 20,
            ..ServiceQuery::default()
        };
        let t = Instant::now();
        let results = index.search(&q).expect("search");
        full.push(t.elapsed().as_secs_f64() * 1000.0);
        total_hits += results.total;
        let q = ServiceQuery {
            text: word,
            limit: 20,
            now_ms: 1_795_000_000_000,
            ..ServiceQuery::default()
        };
        let t = Instant::now();
        let _ = index.search(&q).expect("search");
        text_only.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    full.sort_by(f64::total_cmp);
    text_only.sort_by(f64::total_cmp);
    println!(
        "## Service search, in process ({} services, {} organizations, {} locations)",
        index.len(),
        organizations.len(),
        locations.len()
    );
    println!();
    println!("| Measure | Value |");
    println!("|---|---|");
    println!(
        "| Synthetic directory generated | {:.2} s |",
        generated.as_secs_f64()
    );
    println!("| Index build | {:.2} s |", build.as_secs_f64());
    println!("| RSS before index / after index | {before_index:.0} MB / {after_index:.0} MB |");
    for (name, samples) in [
        ("text + domain + conditions + radius, by distance", &full),
        ("text only (all matches ranked)", &text_only),
    ] {
        println!(
            "| {name}: p50 / p95 / p99 / max ({} queries) | {:.2} / {:.2} / {:.2} / {:.2} ms |",
            samples.len(),
            percentile(samples, 0.50),
            percentile(samples, 0.95),
            percentile(samples, 0.99),
            samples[samples.len() - 1]
        );
    }
    println!(
        "| Mean results per filtered query | {:.1} |",
        total_hits as f64 / QUERIES as f64
    );
}
