//! Matching and referral moves at national scale: 100,000 synthetic services in 20,000
//! organizations. Matching a case's need in process (the use case: the situation read and
//! audited, both searches, the score) beside the plain search it is built on; the same over
//! HTTP beside the plain search API; and a referral's move (accept) over HTTP beside one plain
//! indexed `UPDATE` of the row and `/healthz`. SQLite by default, PostgreSQL with
//! `MOSAIQUE_BENCH_BACKEND=postgres`. `cargo bench -p mosaique --bench referrals`.

mod support;

use std::time::Instant;

use mosaique_app::matching::MatchRequest;
use mosaique_app::{App, AppConfig, SessionLimits};
use mosaique_domain::case::{DataCategory, Party, Purpose, Recipient};
use mosaique_domain::directory::places::gazetteer;
use mosaique_domain::policy::Principal;
use mosaique_domain::policy::case::CaseAction;
use mosaique_domain::policy::directory::{Directory, DirectoryAction};
use mosaique_domain::referral::situation::{HealthFacts, IdentityFacts, SituationPart};
use mosaique_domain::referral::{NewNeed, NewReferral, Urgency};
use mosaique_domain::{Language, Role, Sector, ServiceDomain};
use mosaique_search::{ServiceQuery, Sort};
use mosaique_store::testing::{
    TestBackend, TestDb, case_permit, consent_to, open_case, permit, sample_case, save_service,
    signed_in, synthetic_records, test_org, test_user, touch_referral,
};

const ORGANIZATIONS: usize = 20_000;
const SERVICES: usize = 100_000;
const IN_PROCESS: usize = 2_000;
const REQUESTS: usize = 1_000;

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v
}

#[tokio::main]
async fn main() {
    let temp = tempfile::tempdir().expect("temp dir");
    let postgres = std::env::var("MOSAIQUE_BENCH_BACKEND").is_ok_and(|b| b == "postgres");
    let backend = if postgres { "PostgreSQL" } else { "SQLite" };
    let mut fixture = None;
    let url = if postgres {
        let db = TestDb::unmigrated(TestBackend::Postgres).await;
        let url = db.url.clone();
        fixture = Some(db);
        url
    } else {
        format!("sqlite://{}", temp.path().join("referrals.db").display())
    };
    let (db, key_file) = support::open_database(&url, temp.path()).await;
    let import = permit(&Principal::Operator, DirectoryAction::Import, Directory);
    db.load_directory(&import, &synthetic_records(2026, ORGANIZATIONS, SERVICES))
        .await
        .expect("load");

    // The case: in Montréal, a woman who uses substances, a bed needed now.
    let lead_org = test_org(&db, Some(Sector::Community)).await;
    let lead = test_user(&db, Role::Caseworker, Some(lead_org)).await;
    let case = open_case(&db, &lead, &sample_case("Exemple — Banc", "Nom Banc")).await;
    let who = signed_in(&lead);
    let mut tx = db.begin().await.expect("begin");
    let identity = case_permit(&db, &who, CaseAction::Write(DataCategory::Identity), case).await;
    tx.write_situation(
        &identity,
        &SituationPart::Identity(IdentityFacts {
            gender: Some(mosaique_domain::referral::situation::Gender::Woman),
            languages: vec!["fr".into()],
            ..IdentityFacts::default()
        }),
    )
    .await
    .expect("identity");
    let health = case_permit(&db, &who, CaseAction::Write(DataCategory::Health), case).await;
    tx.write_situation(
        &health,
        &SituationPart::Health(HealthFacts {
            substance_use: Some(true),
        }),
    )
    .await
    .expect("health");
    let notes = case_permit(&db, &who, CaseAction::Write(DataCategory::Notes), case).await;
    let need = |domain| NewNeed {
        domain,
        urgency: Urgency::Now,
        note: None,
    };
    tx.add_need(&notes, &need(ServiceDomain::HousingShortTerm))
        .await
        .expect("need");
    tx.commit().await.expect("commit");

    // A receiving organization with one service, and REQUESTS referrals sent to it (one need
    // each), for the moves.
    let to_org = test_org(&db, Some(Sector::Community)).await;
    let receiver = test_user(&db, Role::Caseworker, Some(to_org)).await;
    let service = save_service(&db, to_org, None, &support::material_help(), &[]).await;
    let to = Recipient::Party(Party::Organization(to_org));
    consent_to(&db, &lead, case, Purpose::Referral, to, DataCategory::ALL).await;
    let receiving = db
        .receiving_service(service.id)
        .await
        .expect("service")
        .expect("found");
    let mut referrals = Vec::with_capacity(REQUESTS);
    for _ in 0..REQUESTS {
        let notes = case_permit(&db, &who, CaseAction::Write(DataCategory::Notes), case).await;
        let refer = case_permit(&db, &who, CaseAction::Refer, case).await;
        let mut tx = db.begin().await.expect("begin");
        let need = tx
            .add_need(&notes, &need(ServiceDomain::MaterialNeeds))
            .await
            .expect("need");
        let new = NewReferral {
            service: service.id,
            needs: vec![need],
            to_user: None,
            send: true,
        };
        let id = tx
            .refer(&refer, &new, &receiving, Urgency::Now)
            .await
            .expect("refer");
        tx.commit().await.expect("commit");
        referrals.push(id.to_string());
    }

    // In process: the use case beside the plain search it is built on.
    let app = App::new(
        db.clone(),
        AppConfig {
            public_url: "http://127.0.0.1".into(),
            session: SessionLimits {
                idle_ms: 3_600_000,
                absolute_ms: 3_600_000,
            },
        },
    );
    app.refresh_search().await.expect("index");
    let index = app.search().services().expect("index");
    let montreal = gazetteer().place("Montréal", None).expect("Montréal").point;
    let plain = ServiceQuery {
        domains: vec![ServiceDomain::HousingShortTerm],
        near: Some(montreal),
        radius_km: Some(50.0),
        sort: Sort::Distance,
        now_ms: App::now_ms(),
        limit: 20,
        ..ServiceQuery::default()
    };
    let mut floor = Vec::with_capacity(IN_PROCESS);
    let mut found = 0;
    for _ in 0..IN_PROCESS {
        let t = Instant::now();
        found += index
            .search(std::hint::black_box(&plain))
            .expect("search")
            .hits
            .len();
        floor.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    assert!(found > 0, "the plain search finds shelters around Montréal");
    let request = MatchRequest {
        domain: Some(ServiceDomain::HousingShortTerm),
        place: Some("Montréal".into()),
        radius_km: None,
    };
    let mut matching = Vec::with_capacity(IN_PROCESS);
    let mut matched = 0;
    for _ in 0..IN_PROCESS {
        let t = Instant::now();
        let found = app
            .matches(&who, case, request.clone(), Language::Fr)
            .await
            .expect("matches")
            .expect("no problem");
        matching.push(t.elapsed().as_secs_f64() * 1000.0);
        matched += found.matches.len();
    }
    assert!(matched > 0, "matches found");
    // The two steps alone, on the snapshot: no database.
    let situation = mosaique_domain::referral::situation::Situation {
        identity: Some(IdentityFacts {
            gender: Some(mosaique_domain::referral::situation::Gender::Woman),
            languages: vec!["fr".into()],
            ..IdentityFacts::default()
        }),
        health: Some(HealthFacts {
            substance_use: Some(true),
        }),
        immigration: None,
    };
    let requirements = mosaique_domain::referral::matching::Requirements::of(&situation);
    let no_records = std::collections::HashMap::new();
    let mut ranking = Vec::with_capacity(IN_PROCESS);
    for _ in 0..IN_PROCESS {
        let t = Instant::now();
        let (found, _) = app
            .rank(
                ServiceDomain::HousingShortTerm,
                Urgency::Now,
                &requirements,
                &situation,
                Some(montreal),
                50.0,
                &no_records,
                Language::Fr,
            )
            .expect("rank");
        ranking.push(t.elapsed().as_secs_f64() * 1000.0);
        assert!(!found.is_empty());
    }
    let (floor, matching, ranking) = (sorted(floor), sorted(matching), sorted(ranking));

    // Over HTTP, by the real binary.
    let lead_token = support::token(&db, &lead).await;
    let receiver_token = support::token(&db, &receiver).await;
    let client = support::http_client();
    let (mut server, base) =
        support::start_server(&client, &url, &key_file, "/api/v1/services?per_page=1").await;
    let timed = |request: reqwest::RequestBuilder, status: u16| async move {
        let t = Instant::now();
        let response = request.send().await.expect("request");
        assert_eq!(response.status().as_u16(), status, "{:?}", response.url());
        response.bytes().await.expect("body");
        t.elapsed().as_secs_f64() * 1000.0
    };
    let mut search_http = Vec::with_capacity(REQUESTS);
    let mut match_http = Vec::with_capacity(REQUESTS);
    let mut healthz = Vec::with_capacity(REQUESTS);
    for i in 0..REQUESTS {
        // A distinct radius each time: no answer is replayed from the search cache.
        let radius = 50.0 + i as f64 / 1000.0;
        search_http.push(
            timed(
                client.get(format!(
                    "{base}/api/v1/services?domain=housing_short_term&near=Montr%C3%A9al&radius_km={radius}&sort=distance"
                )),
                200,
            )
            .await,
        );
        match_http.push(
            timed(
                client
                    .get(format!(
                        "{base}/api/v1/cases/{case}/matches?place=Montr%C3%A9al&radius_km={radius}"
                    ))
                    .bearer_auth(&lead_token),
                200,
            )
            .await,
        );
        healthz.push(timed(client.get(format!("{base}/healthz")), 200).await);
    }
    let mut moves = Vec::with_capacity(REQUESTS);
    for id in &referrals {
        moves.push(
            timed(
                client
                    .post(format!("{base}/api/v1/referrals/{id}/transitions"))
                    .bearer_auth(&receiver_token)
                    .json(&serde_json::json!({"event": "accept", "version": 1})),
                204,
            )
            .await,
        );
    }
    let _ = server.kill();
    let _ = server.wait();
    let mut update = Vec::with_capacity(REQUESTS);
    for id in &referrals {
        let t = Instant::now();
        touch_referral(&db, id).await;
        update.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let (search_http, match_http, healthz, moves, update) = (
        sorted(search_http),
        sorted(match_http),
        sorted(healthz),
        sorted(moves),
        sorted(update),
    );

    let row = support::latency_row;
    println!("## Matching and referral moves, {SERVICES} services ({backend})\n");
    println!("| Measure | p50 / p99 / max |");
    println!("|---|---|");
    row(
        "Plain search, in process (floor): shelters within 50 km of Montréal",
        &floor,
    );
    row(
        "Ranking alone, in process: both searches on the snapshot and the score",
        &ranking,
    );
    row(
        "Matching a need, in process: situation read and audited, both searches, the score",
        &matching,
    );
    row("`GET /healthz` (floor)", &healthz);
    row(
        "`GET /api/v1/services?domain=…&near=…` (the plain search over HTTP, floor)",
        &search_http,
    );
    row("`GET /api/v1/cases/{id}/matches`", &match_http);
    row(
        "One plain indexed `UPDATE` of a referral, in process (floor)",
        &update,
    );
    row("`POST /api/v1/referrals/{id}/transitions` (accept)", &moves);
    println!(
        "\n{IN_PROCESS} in-process runs, {REQUESTS} sequential requests each, one connection; \
         p99 ratio to floor: matching {:.1}× in process, {:.1}× over HTTP; a move {:.1}× the UPDATE.",
        support::percentile(&matching, 0.99) / support::percentile(&floor, 0.99),
        support::percentile(&match_http, 0.99) / support::percentile(&search_http, 0.99),
        support::percentile(&moves, 0.99) / support::percentile(&update, 0.99),
    );
    db.close().await;
    if let Some(fixture) = fixture {
        fixture.cleanup().await;
    }
}
