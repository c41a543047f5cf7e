//! A large coalition's workspace, end to end: 200 member organizations, ten years of monthly
//! meetings with every member's attendance, 300 actions with their history, 5,000 training
//! sessions given by a cascade of 205 trainers over three levels; the participation
//! dashboard (page and JSON), the cascade (page and JSON) and a year's calendar feed served
//! by the real `mosaique serve` binary, beside `/healthz` as the floor; and the dashboard's
//! and the cascade's computations alone, in process.
//! `cargo bench -p mosaique --bench coalition`.

mod support;

use std::time::Instant;

use mosaique_domain::coalition::action::{ActionStatus, NewAction, Pillar};
use mosaique_domain::coalition::health::health;
use mosaique_domain::coalition::meeting::{NewMeeting, Presence};
use mosaique_domain::coalition::training::{
    Evaluation, NewProgram, NewSession, NewTrainer, cascade,
};
use mosaique_domain::coalition::{MemberRole, NewMembership};
use mosaique_domain::policy::Principal;
use mosaique_domain::policy::coalition::{
    DeliveryAction, TrainingDelivery, Workspace, WorkspaceAction,
};
use mosaique_domain::{Bilingual, NewOrganization, Role, Sector, Timestamp};
use mosaique_store::testing::{permit, signed_in, test_org, test_user, upsert_organization};

const MEMBERS: usize = 200;
const YEARS: i32 = 10;
const ACTIONS: usize = 300;
const REQUESTS: usize = 1_000;
const COMPUTATIONS: usize = 200;
const SESSIONS: usize = 5_000;
/// The coalition's trainers, each certifying ten members' trainers, each certifying three.
const ROOT_TRAINERS: usize = 5;

fn workspace(
    coalition: mosaique_domain::OrgId,
    action: WorkspaceAction,
) -> mosaique_domain::policy::Permit<Workspace> {
    permit(
        &Principal::Operator,
        action,
        Workspace {
            coalition,
            caller_is_member: false,
        },
    )
}

/// `REQUESTS` sequential GETs; the latencies in ms, sorted.
async fn latencies(client: &reqwest::Client, url: &str, cookie: Option<&str>) -> (Vec<f64>, usize) {
    let mut out = Vec::with_capacity(REQUESTS);
    let mut size = 0;
    for _ in 0..REQUESTS {
        let mut request = client.get(url);
        if let Some(cookie) = cookie {
            request = request.header(reqwest::header::COOKIE, cookie);
        }
        let t = Instant::now();
        let response = request.send().await.expect("request");
        assert!(
            response.status().is_success(),
            "{url}: {}",
            response.status()
        );
        size = response.bytes().await.expect("body").len();
        out.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    out.sort_by(f64::total_cmp);
    (out, size)
}

#[tokio::main]
async fn main() {
    let temp = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", temp.path().join("coalition.db").display());
    let (db, key_file) = support::open_database(&url, temp.path()).await;

    let t = Instant::now();
    let coalition = upsert_organization(
        &db,
        &NewOrganization {
            slug: "coalition-banc".into(),
            name: Bilingual::new("Coalition (banc)".into(), "Coalition (bench)".into()),
            description: Bilingual::default(),
            province: None,
            level: None,
            sector: None,
            founded_year: None,
            is_coalition: true,
            source: "bench".into(),
            details: Default::default(),
        },
    )
    .await
    .0
    .id;
    let today = jiff::Zoned::now().date();
    let first_year = today.year() - (YEARS as i16 - 1);
    let mut members = Vec::with_capacity(MEMBERS);
    let manage = workspace(coalition, WorkspaceAction::ManageMembers);
    let mut orgs = Vec::with_capacity(MEMBERS);
    for i in 0..MEMBERS {
        let sector = [Sector::Community, Sector::HealthSocial, Sector::Legal][i % 3];
        orgs.push(test_org(&db, Some(sector)).await);
    }
    let mut tx = db.begin().await.expect("begin");
    for (i, org) in orgs.into_iter().enumerate() {
        // A tenth of them joined late, a tenth left.
        let joined = jiff::civil::date(first_year + (i % 10 == 0) as i16 * 4, 1, 1);
        let left = (i % 10 == 5).then(|| jiff::civil::date(first_year + 6, 6, 30));
        tx.add_membership(
            &manage,
            &NewMembership {
                member: org,
                role: MemberRole::Member,
                joined_on: joined,
                left_on: left,
            },
        )
        .await
        .expect("membership");
        members.push((org, joined, left));
    }
    tx.commit().await.expect("commit");
    let run = workspace(coalition, WorkspaceAction::Run);
    let mut meetings = 0;
    for year in first_year..=today.year() {
        for month in 1..=12 {
            let day = jiff::civil::date(year, month, 10);
            if day > today {
                break;
            }
            let new = NewMeeting {
                title: format!("Rencontre régulière {year}-{month:02}"),
                starts: day.at(9, 30, 0, 0),
                ends: day.at(11, 30, 0, 0),
                time_zone: "America/Toronto".into(),
                place: "Montréal".into(),
                online_url: "https://visio.exemple.org/coalition".into(),
                agenda: "1. Tour de table\n2. Plan d’action\n3. Formations".into(),
                group: None,
            };
            let when = new.check().expect("a meeting");
            let mut tx = db.begin().await.expect("begin");
            let id = tx
                .schedule_meeting(&run, &new, when)
                .await
                .expect("meeting");
            let attendance: Vec<_> = members
                .iter()
                .enumerate()
                .filter(|(_, (_, joined, left))| *joined <= day && left.is_none_or(|l| day <= l))
                .map(|(i, (org, _, _))| {
                    let presence = match (i + month as usize) % 7 {
                        0 => Presence::Excused,
                        1 => Presence::Absent,
                        _ => Presence::Present,
                    };
                    (*org, presence)
                })
                .collect();
            assert!(
                tx.record_attendance(&run, id, 1, &attendance)
                    .await
                    .expect("attendance")
            );
            tx.commit().await.expect("commit");
            meetings += 1;
        }
    }
    let mut tx = db.begin().await.expect("begin");
    for i in 0..ACTIONS {
        let new = NewAction {
            pillar: Some(Pillar::ALL[i % 4]),
            title: format!("Action {i}"),
            description: String::new(),
            owner: Some(members[i % MEMBERS].0),
            partners: vec![members[(i + 1) % MEMBERS].0],
            indicators: "Indicateur".into(),
            due_on: today
                .checked_add(jiff::Span::new().days(i as i64 - 150))
                .ok(),
            public: i % 2 == 0,
            meeting: None,
        };
        let id = tx.record_action(&run, &new).await.expect("action");
        if i % 3 != 0 {
            tx.record_progress(&run, id, 1, ActionStatus::InProgress, "En cours")
                .await
                .expect("progress");
        }
        if i % 3 == 1 {
            tx.record_progress(&run, id, 2, ActionStatus::Done, "Fait")
                .await
                .expect("progress");
        }
    }
    tx.commit().await.expect("commit");

    // Trainings: two programs, the cascade's trainers, and 5,000 sessions over ten years.
    let mut tx = db.begin().await.expect("begin");
    let program = |title: &str, trains_trainers| NewProgram {
        title: title.into(),
        description: String::new(),
        trains_trainers,
    };
    let ttt = tx
        .record_program(&run, &program("Formation de formateurs", true))
        .await
        .expect("program");
    let spotting = tx
        .record_program(&run, &program("Repérage et intervention", false))
        .await
        .expect("program");
    let record = permit(
        &Principal::Operator,
        DeliveryAction::Record,
        TrainingDelivery {
            coalition,
            caller_is_member: false,
            trainer_org: None,
        },
    );
    let start = jiff::civil::date(first_year, 1, 15);
    let certify = |name: String, org, on, certified_in| NewTrainer {
        name,
        organization: org,
        certified_on: on,
        valid_until: None,
        certified_in,
    };
    let give = |program, lead, held_on, region: usize, i: usize| NewSession {
        program,
        held_on,
        minutes: 180,
        region: Some(format!("{:02}", region % 17 + 1)),
        place: "Salle".into(),
        online: false,
        lead,
        co_trainers: Vec::new(),
        participants: vec![
            (members[i % MEMBERS].0, 8),
            (members[(i * 7 + 3) % MEMBERS].0, 4),
        ],
        evaluation: Some(Evaluation {
            responses: 10,
            score_tenths: 43,
        }),
        note: String::new(),
    };
    let mut leads = Vec::new();
    let mut sessions = 0;
    for r in 0..ROOT_TRAINERS {
        let root = tx
            .certify_trainer(&run, &certify(format!("Formatrice {r}"), None, start, None))
            .await
            .expect("trainer");
        leads.push(root);
        for m in 0..10 {
            let on = start
                .checked_add(jiff::Span::new().days((r * 10 + m) as i64))
                .expect("a day");
            let given = tx
                .record_session(&record, &give(ttt, root, on, r, m))
                .await
                .expect("session");
            sessions += 1;
            let org = Some(members[(r * 10 + m) % MEMBERS].0);
            let second = tx
                .certify_trainer(
                    &run,
                    &certify(format!("Relais {r}-{m}"), org, on, Some(given)),
                )
                .await
                .expect("trainer");
            leads.push(second);
            let on = on.checked_add(jiff::Span::new().days(200)).expect("a day");
            let given = tx
                .record_session(&record, &give(ttt, second, on, m, r))
                .await
                .expect("session");
            sessions += 1;
            for k in 0..3 {
                let third = tx
                    .certify_trainer(
                        &run,
                        &certify(format!("Relais {r}-{m}-{k}"), org, on, Some(given)),
                    )
                    .await
                    .expect("trainer");
                leads.push(third);
            }
        }
    }
    let span_days = (today - start).get_days().max(1) as usize;
    let mut i = 0;
    while sessions < SESSIONS {
        // The rest are given by every trainer in turn, spread over the years since.
        let held_on = today
            .checked_sub(jiff::Span::new().days((i * 7919 % span_days) as i64))
            .expect("a day");
        tx.record_session(
            &record,
            &give(spotting, leads[i % leads.len()], held_on, i, i),
        )
        .await
        .expect("session");
        sessions += 1;
        i += 1;
    }
    tx.commit().await.expect("commit");
    let loaded_s = t.elapsed().as_secs_f64();

    // The dashboard's computation alone, on what the store reads.
    let view = workspace(coalition, WorkspaceAction::View);
    let mut tx = db.begin().await.expect("begin");
    let t = Instant::now();
    let memberships = tx.memberships(&view).await.expect("memberships");
    let all = tx
        .meetings(&view, Timestamp(i64::MIN / 2), Timestamp(i64::MAX / 2))
        .await
        .expect("meetings");
    let actions = tx.actions(&view).await.expect("actions");
    let trainers = tx.trainers(&view).await.expect("trainers");
    let given = tx.training_years(&view).await.expect("sessions");
    let (led, regions, sectors) = tx.training_totals(&view).await.expect("totals");
    let read_ms = t.elapsed().as_secs_f64() * 1000.0;
    tx.commit().await.expect("commit");
    let day_of = |at: Timestamp| {
        jiff::Timestamp::from_millisecond(at.0)
            .expect("an instant")
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date()
    };
    let t = Instant::now();
    let mut years = Vec::new();
    for _ in 0..COMPUTATIONS {
        years = health(
            std::hint::black_box(&memberships),
            &all,
            &actions,
            &given,
            today,
            &day_of,
        );
    }
    let compute_ms = t.elapsed().as_secs_f64() * 1000.0 / COMPUTATIONS as f64;
    let t = Instant::now();
    let mut tree = cascade(&trainers, &led, regions.clone(), sectors.clone());
    for _ in 1..COMPUTATIONS {
        tree = cascade(
            std::hint::black_box(&trainers),
            &led,
            regions.clone(),
            sectors.clone(),
        );
    }
    let cascade_ms = t.elapsed().as_secs_f64() * 1000.0 / COMPUTATIONS as f64;
    assert_eq!(tree.levels.len(), 3);
    assert_eq!(tree.nodes.len(), trainers.len());
    assert_eq!(tree.sessions, SESSIONS);
    assert_eq!(years.len(), YEARS as usize);
    let attendance: usize = all.iter().map(|m| m.attendance.len()).sum();

    // The same, by the real binary, for a coordinator; the feed for a member's address.
    let coordinator = test_user(&db, Role::Coordinator, None).await;
    let cookie = support::session_cookie(&db, &coordinator).await;
    let member = test_user(&db, Role::Caseworker, Some(members[1].0)).await;
    let token = mosaique_crypto::random_token();
    let mut tx = db.begin().await.expect("begin");
    let subscribe = permit(
        &signed_in(&member),
        WorkspaceAction::Subscribe,
        Workspace {
            coalition,
            caller_is_member: true,
        },
    );
    tx.renew_calendar_feed(&subscribe, &mosaique_crypto::token_hash(&token))
        .await
        .expect("feed");
    tx.commit().await.expect("commit");
    let client = support::http_client();
    let (mut server, base) = support::start_server(&client, &url, &key_file, "/readyz").await;
    let (floor, _) = latencies(&client, &format!("{base}/healthz"), None).await;
    let (page, page_size) = latencies(
        &client,
        &format!("{base}/coalitions/{coalition}/health"),
        Some(&cookie),
    )
    .await;
    let (json, _) = latencies(
        &client,
        &format!("{base}/api/v1/coalitions/{coalition}/health"),
        Some(&cookie),
    )
    .await;
    let (cascade_page, cascade_size) = latencies(
        &client,
        &format!("{base}/coalitions/{coalition}/trainings/cascade"),
        Some(&cookie),
    )
    .await;
    let (cascade_json, _) = latencies(
        &client,
        &format!("{base}/api/v1/coalitions/{coalition}/trainings/cascade"),
        Some(&cookie),
    )
    .await;
    let feed_url = format!("{base}/calendar/{token}.ics");
    let feed_text = client
        .get(&feed_url)
        .send()
        .await
        .expect("feed")
        .text()
        .await
        .expect("body");
    let events = feed_text.matches("BEGIN:VEVENT").count();
    assert!(events >= 12, "a year of meetings in the feed, not {events}");
    let (feed, feed_size) = latencies(&client, &feed_url, None).await;
    let _ = server.kill();
    let _ = server.wait();

    let row = support::latency_row;
    println!(
        "## A coalition of {MEMBERS} members, {meetings} monthly meetings over {YEARS} years ({attendance} presences), {ACTIONS} actions, {SESSIONS} training sessions by {} trainers over three levels (SQLite)\n",
        trainers.len()
    );
    println!("Loaded in {loaded_s:.1} s.\n");
    println!("| Measure | p50 / p99 / max |");
    println!("|---|---|");
    row("`GET /healthz` (floor)", &floor);
    row(
        &format!(
            "`GET /coalitions/{{id}}/health`, the dashboard page ({} KB)",
            page_size / 1024
        ),
        &page,
    );
    row("`GET /api/v1/coalitions/{id}/health`", &json);
    row(
        &format!(
            "`GET /coalitions/{{id}}/trainings/cascade`, the cascade page ({} KB)",
            cascade_size / 1024
        ),
        &cascade_page,
    );
    row(
        "`GET /api/v1/coalitions/{id}/trainings/cascade`",
        &cascade_json,
    );
    row(
        &format!(
            "`GET /calendar/{{token}}.ics`, a member's feed ({events} meetings, {} KB)",
            feed_size / 1024
        ),
        &feed,
    );
    println!(
        "| Reading memberships, meetings with attendance, actions with history, trainers, and the sessions' totals, in process | {read_ms:.1} ms |"
    );
    println!("| The dashboard's computation alone, in process | {compute_ms:.2} ms each |");
    println!("| The cascade's computation alone, in process | {cascade_ms:.2} ms each |");
    println!("\n{REQUESTS} sequential requests each, one connection; {COMPUTATIONS} computations.");
}
