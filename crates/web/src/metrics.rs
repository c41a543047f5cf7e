//! Request counters and latency histograms per route, rendered in the Prometheus text
//! format. Routes are labelled by their pattern (`/organizations/{slug}`), never by the
//! concrete path, so no identifier or personal data reaches the metrics.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

#[derive(Debug, Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Debug, Default)]
pub(crate) struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<(String, String), Histogram>>,
    searches: AtomicU64,
    searches_replayed: AtomicU64,
}

impl Metrics {
    /// A service search was run through the API.
    pub(crate) fn searched(&self) {
        self.searches.fetch_add(1, Ordering::Relaxed);
    }

    /// A service search was answered again from a recent identical one.
    pub(crate) fn search_replayed(&self) {
        self.searches_replayed.fetch_add(1, Ordering::Relaxed);
    }

    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        if let Ok(mut requests) = self.requests.lock() {
            *requests
                .entry((method.to_owned(), route.to_owned(), status))
                .or_default() += 1;
        }
        if let Ok(mut latency) = self.latency.lock() {
            let histogram = latency
                .entry((method.to_owned(), route.to_owned()))
                .or_default();
            for (i, bound) in BUCKETS.iter().enumerate() {
                if seconds <= *bound {
                    histogram.counts[i] += 1;
                }
            }
            histogram.count += 1;
            histogram.sum += seconds;
        }
    }
}

pub(crate) async fn record(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    // Any token is a valid HTTP method; label only the standard ones so a client cannot
    // grow the metrics without bound.
    let method = match request.method().as_str() {
        m @ ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS") => m,
        _ => "OTHER",
    }
    .to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    state.metrics.observe(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// The whole exposition, including the database pool and the search index.
pub(crate) fn render(state: &AppState) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# HELP mosaique_http_requests_total HTTP requests answered, by route pattern and status."
    );
    let _ = writeln!(out, "# TYPE mosaique_http_requests_total counter");
    if let Ok(requests) = state.metrics.requests.lock() {
        for ((method, route, status), count) in requests.iter() {
            let _ = writeln!(
                out,
                "mosaique_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {count}",
                escape(route)
            );
        }
    }
    let _ = writeln!(
        out,
        "# HELP mosaique_http_request_duration_seconds Time to answer, by route pattern."
    );
    let _ = writeln!(
        out,
        "# TYPE mosaique_http_request_duration_seconds histogram"
    );
    if let Ok(latency) = state.metrics.latency.lock() {
        for ((method, route), h) in latency.iter() {
            let labels = format!("method=\"{method}\",route=\"{}\"", escape(route));
            for (bound, count) in BUCKETS.iter().zip(h.counts.iter()) {
                let _ = writeln!(
                    out,
                    "mosaique_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "mosaique_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "mosaique_http_request_duration_seconds_sum{{{labels}}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "mosaique_http_request_duration_seconds_count{{{labels}}} {}",
                h.count
            );
        }
    }
    let pool = state.app.pool_stats();
    let _ = writeln!(
        out,
        "# HELP mosaique_db_pool_connections Open database connections, by state."
    );
    let _ = writeln!(out, "# TYPE mosaique_db_pool_connections gauge");
    let _ = writeln!(
        out,
        "mosaique_db_pool_connections{{state=\"idle\"}} {}",
        pool.idle
    );
    let _ = writeln!(
        out,
        "mosaique_db_pool_connections{{state=\"in_use\"}} {}",
        pool.size.saturating_sub(pool.idle)
    );
    let _ = writeln!(
        out,
        "# HELP mosaique_db_pool_max_connections Configured pool size."
    );
    let _ = writeln!(out, "# TYPE mosaique_db_pool_max_connections gauge");
    let _ = writeln!(out, "mosaique_db_pool_max_connections {}", pool.max);
    let index = state.app.search().organizations();
    let _ = writeln!(
        out,
        "# HELP mosaique_search_index_documents Documents in this server's search index."
    );
    let _ = writeln!(out, "# TYPE mosaique_search_index_documents gauge");
    let _ = writeln!(
        out,
        "mosaique_search_index_documents {}",
        index.as_ref().map_or(0, |i| i.len())
    );
    let _ = writeln!(
        out,
        "# HELP mosaique_search_index_version Directory version the search index was built from."
    );
    let _ = writeln!(out, "# TYPE mosaique_search_index_version gauge");
    let _ = writeln!(
        out,
        "mosaique_search_index_version {}",
        index.as_ref().map_or(-1, |i| i.version())
    );
    let services = state.app.search().services();
    for (name, kind, help, value) in [
        (
            "mosaique_search_services",
            "gauge",
            "Services in this server's search snapshot.",
            services.as_ref().map_or(0, |s| s.len() as u64),
        ),
        (
            "mosaique_search_services_delta",
            "gauge",
            "Services whose text changed since the last rebuild (searched in the delta index).",
            services.as_ref().map_or(0, |s| s.delta_len() as u64),
        ),
        (
            "mosaique_search_rebuilds_total",
            "counter",
            "Search snapshots rebuilt from the whole directory since start.",
            state.app.search().counters().rebuilds,
        ),
        (
            "mosaique_search_answers_replayed_total",
            "counter",
            "Public search answers served again from the last second's (same query, same snapshot).",
            state.metrics.searches_replayed.load(Ordering::Relaxed),
        ),
        (
            "mosaique_search_searches_total",
            "counter",
            "Service searches run through the API (not replayed).",
            state.metrics.searches.load(Ordering::Relaxed),
        ),
        (
            "mosaique_search_updates_total",
            "counter",
            "Directory changes applied to the search snapshot in place since start.",
            state.app.search().counters().updates,
        ),
    ] {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} {kind}");
        let _ = writeln!(out, "{name} {value}");
    }
    out
}

fn escape(label: &str) -> String {
    label
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_cumulative() {
        let metrics = Metrics::default();
        metrics.observe("GET", "/", 200, 0.003);
        metrics.observe("GET", "/", 200, 0.3);
        let latency = metrics.latency.lock().unwrap();
        let h = &latency[&("GET".to_owned(), "/".to_owned())];
        assert_eq!(h.counts[0], 0); // <= 1 ms
        assert_eq!(h.counts[2], 1); // <= 5 ms
        assert_eq!(h.counts[8], 2); // <= 500 ms
        assert_eq!(h.count, 2);
    }
}
