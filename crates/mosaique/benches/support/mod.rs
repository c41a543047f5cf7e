//! What the benchmarks share: the real binary, started on a database; percentiles; an API
//! token; a receiving service. Each bench uses part of it.
#![allow(dead_code)]

use std::time::Duration;

use mosaique_domain::User;
use mosaique_domain::policy::identity::{AccountAction, OwnAccount};
use mosaique_store::Db;
use mosaique_store::testing::{permit, signed_in};

/// An HTTP client, on reqwest's rustls with its provider (ring) installed once per process.
pub fn http_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

/// Migrates the database at `url` and unlocks it with a key file made in `dir`; returns the
/// store and the key file the server is started with.
pub async fn open_database(url: &str, dir: &std::path::Path) -> (Db, std::path::PathBuf) {
    let db = Db::connect(url, &mosaique_store::DbOptions::default())
        .await
        .expect("connect");
    db.migrate().await.expect("migrate");
    let key_file = dir.join("mosaique.key");
    let (master, _) = mosaique_app::keyfile::load(&key_file, true).expect("key file");
    (db.unlock(master).await.expect("unlock"), key_file)
}

/// A table row of sorted latencies: p50 / p99 / max.
pub fn latency_row(name: &str, sorted: &[f64]) {
    println!(
        "| {name} | {:.2} / {:.2} / {:.2} ms |",
        percentile(sorted, 0.5),
        percentile(sorted, 0.99),
        sorted.last().copied().unwrap_or(0.0)
    );
}

/// The value at quantile `p` (0–1) of sorted measurements; 0 for none.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// A signed-in browser session for `user` (password and second factor done): pages take
/// no bearer token.
pub async fn session_cookie(db: &Db, user: &User) -> String {
    let token = mosaique_crypto::random_token();
    let limits = mosaique_store::sessions::SessionLimits {
        idle_ms: 3_600_000,
        absolute_ms: 3_600_000,
    };
    db.create_session(
        &mosaique_crypto::token_hash(&token),
        user.id,
        mosaique_domain::identity::SessionStage::Full,
        limits,
    )
    .await
    .expect("session");
    format!("mosaique_session={token}")
}

/// A bearer token for `user`, as `mosaique token create` makes one.
pub async fn token(db: &Db, user: &User) -> String {
    let token = mosaique_crypto::random_token();
    let own = permit(
        &signed_in(user),
        AccountAction::ManageTokens,
        OwnAccount { owner: user.id },
    );
    let mut tx = db.begin().await.expect("begin");
    tx.create_api_token(&own, "bench", &mosaique_crypto::token_hash(&token), None)
        .await
        .expect("token");
    tx.commit().await.expect("commit");
    token
}

/// A service that takes referrals: material help, active, free, self-referral.
pub fn material_help() -> mosaique_domain::service::NewService {
    use mosaique_domain::directory::schedule::Schedule;
    use mosaique_domain::service::{Access, Cost, Eligibility, NewService, ServiceStatus};
    use mosaique_domain::{Bilingual, ServiceDomain};
    NewService {
        name: Bilingual::new("Dépannage (banc)".into(), "Material help (bench)".into()),
        description: Bilingual::default(),
        status: ServiceStatus::Active,
        domains: vec![ServiceDomain::MaterialNeeds],
        terms: vec![],
        eligibility: Eligibility::default(),
        languages: vec!["fr".into()],
        cost: Cost::Free,
        access: Access::SelfReferral,
        schedule: Schedule::default(),
        wait_days: None,
        phone: String::new(),
        email: String::new(),
        website: String::new(),
        areas: vec![],
    }
}

/// Starts `mosaique serve` on the database; returns the process and its address once
/// `ready_path` answers with success.
pub async fn start_server(
    client: &reqwest::Client,
    url: &str,
    key_file: &std::path::Path,
    ready_path: &str,
) -> (std::process::Child, String) {
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_mosaique"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("MOSAIQUE_DATABASE_URL", url)
        .env("MOSAIQUE_KEY_FILE", key_file)
        .env("MOSAIQUE_LOG_LEVEL", "warn")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("server starts");
    let address = server.stdout.take().and_then(|stdout| {
        std::io::BufRead::lines(std::io::BufReader::new(stdout))
            .map_while(Result::ok)
            .find_map(|line| {
                line.split_whitespace()
                    .find(|w| w.starts_with("http://"))
                    .map(str::to_owned)
            })
    });
    let Some(base) = address else {
        let _ = server.kill();
        let _ = server.wait();
        panic!("the server did not print its address");
    };
    loop {
        if let Ok(r) = client.get(format!("{base}{ready_path}")).send().await
            && r.status().is_success()
        {
            return (server, base);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
