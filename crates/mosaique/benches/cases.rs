//! A busy case, end to end: 100 notes, 20 referrals, a team from 11 organizations and 10 consents, its
//! page rendered by the real `mosaique serve` binary for its lead and for a team member (each
//! read audited, the member's recorded for the consent receipts), beside `/healthz` as the
//! floor; and the consent decision alone, in process. `cargo bench -p mosaique --bench cases`.

mod support;

use std::time::Instant;

use mosaique_domain::case::{
    CaseRole, DataCategory, NewNote, NoteSensitivity, Party, Purpose, Recipient,
};
use mosaique_domain::policy::case::{Case, CaseAction};
use mosaique_domain::policy::{Principal, can};
use mosaique_domain::referral::{NewNeed, NewReferral, Urgency};
use mosaique_domain::{Role, Sector, ServiceDomain, Timestamp};
use mosaique_store::testing::{
    add_to_case, case_permit, consent_to, open_case, sample_case, signed_in, test_org, test_user,
};

const NOTES: usize = 100;
const PARTNERS: usize = 10;
const REQUESTS: usize = 2_000;
const DECISIONS: usize = 200_000;
const REFERRALS: usize = 20;

/// How a request proves who sends it.
enum Credential<'a> {
    None,
    Bearer(&'a str),
    Cookie(&'a str),
}

/// `REQUESTS` sequential GETs of `path`; returns the latencies in ms, sorted.
async fn latencies(client: &reqwest::Client, url: &str, credential: Credential<'_>) -> Vec<f64> {
    let mut out = Vec::with_capacity(REQUESTS);
    for _ in 0..REQUESTS {
        let request = client.get(url);
        let request = match credential {
            Credential::None => request,
            Credential::Bearer(token) => request.bearer_auth(token),
            Credential::Cookie(cookie) => request.header(reqwest::header::COOKIE, cookie),
        };
        let t = Instant::now();
        let response = request.send().await.expect("request");
        assert!(
            response.status().is_success(),
            "{url}: {}",
            response.status()
        );
        response.bytes().await.expect("body");
        out.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    out.sort_by(f64::total_cmp);
    out
}

#[tokio::main]
async fn main() {
    let temp = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", temp.path().join("cases.db").display());
    let (db, key_file) = support::open_database(&url, temp.path()).await;

    // The case: its lead, ten partner organizations on the team, a consent to each, notes.
    let lead_org = test_org(&db, Some(Sector::Community)).await;
    let lead = test_user(&db, Role::Caseworker, Some(lead_org)).await;
    let case = open_case(
        &db,
        &lead,
        &sample_case("Exemple — Banc d’essai", "Nom Essai"),
    )
    .await;
    let mut partners = Vec::new();
    for i in 0..PARTNERS {
        let sector = if i % 2 == 0 {
            Sector::Community
        } else {
            Sector::HealthSocial
        };
        let org = test_org(&db, Some(sector)).await;
        let member = test_user(&db, Role::Caseworker, Some(org)).await;
        add_to_case(&db, &lead, case, &member, CaseRole::TeamMember).await;
        let categories: &[DataCategory] = match i % 3 {
            0 => &[DataCategory::Contact, DataCategory::Notes],
            1 => &[
                DataCategory::Identity,
                DataCategory::Health,
                DataCategory::Notes,
            ],
            _ => &[DataCategory::Location, DataCategory::Notes],
        };
        let to = Recipient::Party(Party::of(Some(org)));
        consent_to(&db, &lead, case, Purpose::Services, to, categories).await;
        partners.push(member);
    }
    let write = case_permit(
        &db,
        &signed_in(&lead),
        CaseAction::Write(DataCategory::Notes),
        case,
    )
    .await;
    let mut tx = db.begin().await.expect("begin");
    for i in 0..NOTES {
        let sensitivity = match i % 10 {
            0 => NoteSensitivity::Lead,
            1 => NoteSensitivity::Organization,
            _ => NoteSensitivity::Normal,
        };
        let body = format!(
            "Exemple — note {i} : rencontre, démarches, suivi avec l’équipe. {}",
            "Texte d’exemple pour donner à la note une taille réaliste. ".repeat(6)
        );
        tx.add_note(&write, &NewNote { sensitivity, body })
            .await
            .expect("note");
    }
    tx.commit().await.expect("commit");
    // Twenty referrals, each of its own need, to the first partner's one service.
    let service = mosaique_store::testing::save_service(
        &db,
        partners[0].org_id.expect("an organization"),
        None,
        &support::material_help(),
        &[],
    )
    .await;
    let receiving = db
        .receiving_service(service.id)
        .await
        .expect("service")
        .expect("found");
    let refer = case_permit(&db, &signed_in(&lead), CaseAction::Refer, case).await;
    let mut tx = db.begin().await.expect("begin");
    for i in 0..REFERRALS {
        let need = NewNeed {
            domain: ServiceDomain::MaterialNeeds,
            urgency: Urgency::ThisWeek,
            note: Some(format!("Exemple — besoin {i}")),
        };
        let need = tx.add_need(&write, &need).await.expect("need");
        let new = NewReferral {
            service: service.id,
            needs: vec![need],
            to_user: None,
            send: true,
        };
        tx.refer(&refer, &new, &receiving, Urgency::ThisWeek)
            .await
            .expect("referral");
    }
    tx.commit().await.expect("commit");
    let lead_cookie = support::session_cookie(&db, &lead).await;
    let member_cookie = support::session_cookie(&db, &partners[0]).await;
    let member_token = support::token(&db, &partners[0]).await;

    // The consent decision alone: the facts as the store gives them, decided in process.
    let facts = db.case_facts(case).await.expect("facts").expect("case");
    let resource = Case {
        id: case,
        status: facts.status,
        access: facts.access,
        viewer_sector: Some(Sector::Community),
        now: Timestamp(mosaique_store::now_ms()),
    };
    let member = signed_in(&partners[0]);
    let t = Instant::now();
    let mut opened = 0;
    for _ in 0..DECISIONS {
        let permit = can(
            &member,
            CaseAction::View,
            std::hint::black_box(resource.clone()),
        )
        .expect("a member views");
        opened += permit.categories().iter().count();
    }
    let decision_ns = t.elapsed().as_nanos() as f64 / DECISIONS as f64;
    assert!(opened > 0);
    // Loading the facts the decision needs, as every request does.
    let t = Instant::now();
    for _ in 0..REQUESTS {
        db.case_facts(case).await.expect("facts");
    }
    let facts_ms = t.elapsed().as_secs_f64() * 1000.0 / REQUESTS as f64;
    let outsider = Principal::Anonymous;
    assert!(can(&outsider, CaseAction::View, resource).is_err());

    // The page, by the real binary.
    let client = support::http_client();
    let (mut server, base) = support::start_server(&client, &url, &key_file, "/readyz").await;
    let page = format!("{base}/cases/{case}");
    let body = client
        .get(&page)
        .header(reqwest::header::COOKIE, &lead_cookie)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    // The measure means something only if the page is the case with its notes.
    assert!(
        body.contains(&format!("note {} :", NOTES - 1)) && body.contains("besoin 19"),
        "the case page, not {body}"
    );
    let size = body.len();
    let floor = latencies(&client, &format!("{base}/healthz"), Credential::None).await;
    let as_lead = latencies(&client, &page, Credential::Cookie(&lead_cookie)).await;
    let as_member = latencies(&client, &page, Credential::Cookie(&member_cookie)).await;
    let api = latencies(
        &client,
        &format!("{base}/api/v1/cases/{case}"),
        Credential::Bearer(&member_token),
    )
    .await;
    let _ = server.kill();
    let _ = server.wait();

    let row = support::latency_row;
    println!(
        "## A case with {NOTES} notes, {REFERRALS} referrals, a team from {} organizations, {PARTNERS} consents (SQLite)\n",
        PARTNERS + 1
    );
    println!("| Measure | p50 / p99 / max |");
    println!("|---|---|");
    row("`GET /healthz` (floor)", &floor);
    row(
        &format!(
            "`GET /cases/{{id}}` as its lead ({} KB, every category and note)",
            size / 1024
        ),
        &as_lead,
    );
    row(
        "`GET /cases/{id}` as a team member (what consent opens; the read recorded for the receipts)",
        &as_member,
    );
    row("`GET /api/v1/cases/{id}` as a team member", &api);
    println!(
        "| The consent decision alone (`can` + the categories it opens), in process | {decision_ns:.0} ns each |"
    );
    println!(
        "| Loading the facts it needs (team, consents, agreements, grants), in process | {facts_ms:.3} ms each |"
    );
    println!("\n{REQUESTS} sequential requests each, one connection; {DECISIONS} decisions.");
}
