//! The coalition's workspace over HTTP, on SQLite and PostgreSQL, on the demo coalition:
//! memberships over time and their bad input, meetings with their bad schedules, attendance
//! and minutes (one of two concurrent writes wins), the pages in both languages, and the
//! calendars: a meeting's invitation and a private feed that is renewed and stopped. With
//! `MOSAIQUE_ICS_DUMP=DIR`, the calendars are written there for `scripts/check-ics`, which
//! reads them with Python's `icalendar` (an independent parser).
#![allow(clippy::unwrap_used)] // A failed unwrap is a failed test, with its location.

mod common;

use common::{SmtpSink, TestApp};
use mosaique_domain::Role;
use serde_json::{Value, json};

/// Writes a calendar under the dump directory, for the independent parser.
fn dump(backend: &str, name: &str, text: &str) {
    if let Ok(dir) = std::env::var("MOSAIQUE_ICS_DUMP") {
        let dir = std::path::Path::new(&dir).join(backend);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), text).unwrap();
    }
}

async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let got = response.status().as_u16();
    let text = response.text().await.unwrap();
    assert_eq!(got, status, "{text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// The demo coalition's id, from the list of the caller's coalitions.
async fn cqtp_id(app: &TestApp, cookie: &str) -> String {
    let list = json_of(app.get_as(cookie, "/api/v1/coalitions").await, 200).await;
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["slug"] == "cqtp")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The path of an address on the instance (`http://127.0.0.1/calendar/…` → `/calendar/…`).
/// Today where the coalition works (Toronto's time, as the server counts it): a test run
/// just after midnight UTC is still on the day before there.
fn coalition_today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get("America/Toronto").unwrap())
        .date()
}

fn path_of(url: &str) -> String {
    let rest = url.split_once("://").unwrap().1;
    format!("/{}", rest.split_once('/').unwrap().1)
}

app_test!(
    the_workspace_keeps_members_meetings_and_calendars,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let name = format!("{backend:?}").to_lowercase();
        let admin = app.sign_in(Role::CoalitionAdmin).await;
        let coordinator = app.sign_in(Role::Coordinator).await;
        let caseworker = app.sign_in(Role::Caseworker).await;
        let analyst = app.sign_in(Role::Analyst).await;

        // The demo coalition, from the list; analysts see aggregates only.
        let list = json_of(app.get_as(&admin, "/api/v1/coalitions").await, 200).await;
        let cqtp = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["slug"] == "cqtp")
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let mine = json_of(app.get_as(&caseworker, "/api/v1/coalitions").await, 200).await;
        assert_eq!(mine["items"].as_array().unwrap().len(), 1, "{mine}");
        assert_eq!(
            app.get_as(&analyst, "/api/v1/coalitions").await.status(),
            403
        );

        // Members over time: the demo's, a past period included.
        let members_path = format!("/api/v1/coalitions/{cqtp}/members");
        let members = json_of(app.get_as(&caseworker, &members_path).await, 200).await;
        let items = members["items"].as_array().unwrap();
        assert!(items.len() >= 5, "{members}");
        assert!(items.iter().any(|m| m["left_on"] == "2022-06-30"));
        let member_org = items
            .iter()
            .find(|m| m["role"] == "steering_committee")
            .unwrap()["organization_id"]
            .as_str()
            .unwrap()
            .to_owned();

        // Bad memberships, each named in the reader's language; nothing written.
        let add = |body: Value| {
            let app = &app;
            let admin = admin.clone();
            let path = members_path.clone();
            async move { app.post_json_as(&admin, &path, &body).await }
        };
        let overlap = add(
            json!({"organization_id": member_org, "role": "member", "joined_on": "2024-01-01"}),
        )
        .await;
        let problem = json_of(overlap, 422).await;
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("chevauche une autre adhésion"),
            "{problem}"
        );
        let own = add(json!({"organization_id": cqtp, "role": "member", "joined_on": "2024-05-01", "left_on": "2024-04-01"})).await;
        let problem = json_of(own, 422).await;
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains("n’est pas membre d’elle-même"), "{detail}");
        assert!(detail.contains("précède son début"), "{detail}");
        let bad_role =
            add(json!({"organization_id": member_org, "role": "chair", "joined_on": "2024-13-01"}))
                .await;
        let problem = json_of(bad_role, 422).await;
        assert!(problem["detail"].as_str().unwrap().contains("chair"));
        assert_eq!(
            app.post_json_as(
                &caseworker,
                &members_path,
                &json!({"organization_id": member_org, "role": "member", "joined_on": "2024-01-01"})
            )
            .await
            .status(),
            403
        );
        let after = json_of(app.get_as(&admin, &members_path).await, 200).await;
        assert_eq!(after["items"].as_array().unwrap().len(), items.len());

        // Meetings: bad schedules are named; a good one is scheduled with its invitation.
        let meetings_path = format!("/api/v1/coalitions/{cqtp}/meetings");
        let schedule = |body: Value| {
            let app = &app;
            let coordinator = coordinator.clone();
            let path = meetings_path.clone();
            async move { app.post_json_as(&coordinator, &path, &body).await }
        };
        for (body, words) in [
            (
                json!({"title": "Rencontre", "starts": "2027-02-09T11:30", "ends": "2027-02-09T09:30"}),
                "finit avant de commencer",
            ),
            (
                json!({"title": "Rencontre", "starts": "2027-02-09T09:30", "ends": "2027-02-09T11:30", "time_zone": "America/Montréal"}),
                "Fuseau horaire inconnu",
            ),
            (
                json!({"title": "Rencontre", "starts": "2027-03-14T02:30", "ends": "2027-03-14T04:00", "time_zone": "America/Toronto"}),
                "n’existe pas dans ce fuseau",
            ),
            (
                json!({"title": " ", "starts": "2027-02-09T09:30", "ends": "2027-02-09T11:30"}),
                "pas de titre",
            ),
            (
                json!({"title": "Rencontre", "starts": "demain", "ends": "2027-02-09T11:30"}),
                "demain",
            ),
            // PostgreSQL refuses a NUL in text: it is refused here first, on both databases.
            (
                json!({"title": "Rencontre", "starts": "2027-02-09T09:30", "ends": "2027-02-09T11:30", "agenda": "1.\u{0}"}),
                "caractère de contrôle",
            ),
        ] {
            let problem = json_of(schedule(body).await, 422).await;
            assert!(
                problem["detail"].as_str().unwrap().contains(words),
                "{words}: {problem}"
            );
        }
        let created = json_of(
            schedule(json!({
                "title": "Comité formation, séance spéciale; bilan",
                "starts": "2027-02-09T09:30",
                "ends": "2027-02-09T11:30",
                "time_zone": "America/Halifax",
                "place": "Moncton, salle 2",
                "online_url": "https://visio.example/formation",
                "agenda": "1. Bilan\n2. Calendrier, printemps"
            }))
            .await,
            201,
        )
        .await;
        let meeting = created["id"].as_str().unwrap().to_owned();
        assert!(
            created["ics_url"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/meetings/{meeting}/invite.ics"))
        );
        assert_eq!(
            app.post_json_as(
                &caseworker,
                &meetings_path,
                &json!({"title": "X", "starts": "2027-02-09T09:30", "ends": "2027-02-09T11:30"})
            )
            .await
            .status(),
            403
        );

        // Read by a member organization's staff, in the zone it was scheduled in.
        let meeting_path = format!("/api/v1/meetings/{meeting}");
        let read = json_of(app.get_as(&caseworker, &meeting_path).await, 200).await;
        assert_eq!(read["starts_local"], "2027-02-09T09:30");
        assert_eq!(read["starts_at"], "2027-02-09T13:30:00.000Z");
        assert_eq!(read["minutes_status"], "draft");
        let version = read["version"].as_i64().unwrap();

        // Attendance: members only; from the version read.
        let attendance = format!("{meeting_path}/attendance");
        let outsider = app
        .put_json_as(
            &coordinator,
            &attendance,
            &json!({"version": version, "attendance": [{"organization_id": cqtp, "presence": "present"}]}),
        )
        .await;
        let problem = json_of(outsider, 422).await;
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("n’était pas membre")
        );
        let recorded = app
        .put_json_as(
            &coordinator,
            &attendance,
            &json!({"version": version, "attendance": [{"organization_id": member_org, "presence": "excused"}]}),
        )
        .await;
        assert_eq!(recorded.status(), 204);
        let stale = app
            .put_json_as(
                &coordinator,
                &attendance,
                &json!({"version": version, "attendance": []}),
            )
            .await;
        assert_eq!(stale.status(), 409);

        // Minutes: two writers from the same version, exactly one wins; then approved for good.
        let minutes = format!("{meeting_path}/minutes");
        let version = version + 1;
        let write = |text: &'static str| {
            let app = &app;
            let coordinator = coordinator.clone();
            let minutes = minutes.clone();
            async move {
                app.put_json_as(
                    &coordinator,
                    &minutes,
                    &json!({"minutes": text, "version": version}),
                )
                .await
                .status()
                .as_u16()
            }
        };
        let (a, b) = tokio::join!(write("Version A"), write("Version B"));
        let mut statuses = [a, b];
        statuses.sort_unstable();
        assert_eq!(statuses, [204, 409]);
        let approve = app
        .put_json_as(
            &admin,
            &minutes,
            &json!({"minutes": "Adopté : bilan présenté.", "approve": true, "version": version + 1}),
        )
        .await;
        assert_eq!(approve.status(), 204);
        let again = app
            .put_json_as(
                &admin,
                &minutes,
                &json!({"minutes": "Changé", "version": version + 2}),
            )
            .await;
        let problem = json_of(again, 422).await;
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("ne change plus")
        );
        let read = json_of(app.get_as(&caseworker, &meeting_path).await, 200).await;
        assert_eq!(read["minutes_status"], "approved");
        assert_eq!(read["attendance"][0]["presence"], "excused");

        // The invitation: one event, in UTC, text escaped.
        let invite = app
            .get_as(&caseworker, &format!("/meetings/{meeting}/invite.ics"))
            .await;
        assert_eq!(invite.status(), 200);
        assert_eq!(
            invite.headers()["content-type"],
            "text/calendar; charset=utf-8"
        );
        let ics = invite.text().await.unwrap();
        assert_eq!(ics.matches("BEGIN:VEVENT").count(), 1);
        assert!(ics.contains("DTSTART:20270209T133000Z\r\n"));
        assert!(
            ics.replace("\r\n ", "")
                .contains("SUMMARY:Comité formation\\, séance spéciale\\; bilan")
        );
        dump(&name, "invite.ics", &ics);
        // What the independent parser must read back from it, escapes and folds undone.
        dump(
        &name,
        "invite.expected.json",
        &json!({
            "summary": "Comité formation, séance spéciale; bilan",
            "description": "1. Bilan\n2. Calendrier, printemps\n\nhttps://visio.example/formation",
            "location": "Moncton, salle 2",
            "dtstart": "2027-02-09T13:30:00+00:00",
        })
        .to_string(),
    );
        assert_eq!(
            app.get(&format!("/meetings/{meeting}/invite.ics"))
                .await
                .status(),
            303,
            "signed out: to the sign-in page"
        );

        // The private feed: renewed (the old address stops), read without a session, stopped.
        let feed_path = format!("/api/v1/coalitions/{cqtp}/calendar");
        let first = json_of(
            app.post_json_as(&caseworker, &feed_path, &json!({})).await,
            201,
        )
        .await;
        let first = path_of(first["url"].as_str().unwrap());
        let feed = app.get(&first).await;
        assert_eq!(feed.status(), 200);
        assert_eq!(feed.headers()["cache-control"], "private, no-store");
        let text = feed.text().await.unwrap();
        // The demo's year of monthly meetings and the next ones, and the one just scheduled.
        assert!(text.matches("BEGIN:VEVENT").count() >= 13, "{text}");
        assert!(text.contains(&format!("UID:meeting-{meeting}@127.0.0.1")));
        dump(&name, "feed.ics", &text);
        let second = json_of(
            app.post_json_as(&caseworker, &feed_path, &json!({})).await,
            201,
        )
        .await;
        let second = path_of(second["url"].as_str().unwrap());
        assert_eq!(app.get(&first).await.status(), 404, "the old address stops");
        assert_eq!(app.get(&second).await.status(), 200);
        assert_eq!(
            app.client
                .delete(app.url(&feed_path))
                .header("cookie", &caseworker)
                .send()
                .await
                .unwrap()
                .status(),
            204
        );
        assert_eq!(app.get(&second).await.status(), 404, "stopped");
        assert_eq!(app.get("/calendar/nothing.ics").await.status(), 404);

        // The pages, in both languages.
        let page = app
            .get_as(&coordinator, &format!("/coalitions/{cqtp}"))
            .await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains("Rencontres") && html.contains("Comité formation"));
        assert!(html.contains("Planifier une rencontre"));
        let english = app
            .get_as(&coordinator, &format!("/coalitions/{cqtp}?lang=en"))
            .await
            .text()
            .await
            .unwrap();
        assert!(english.contains("Schedule a meeting") && english.contains("Steering committee"));
        let refused = app
            .post_form_as(
                &coordinator,
                &format!("/coalitions/{cqtp}/meetings"),
                &[
                    ("title", "Rencontre"),
                    ("date", "2027-04-13"),
                    ("starts", "09:30"),
                    ("ends", "11:30"),
                    ("time_zone", "Europe/Nowhere"),
                ],
            )
            .await;
        assert_eq!(refused.status(), 422);
        assert!(
            refused
                .text()
                .await
                .unwrap()
                .contains("Fuseau horaire inconnu")
        );
        let meeting_page = app
            .get_as(&caseworker, &format!("/meetings/{meeting}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(meeting_page.contains("Procès-verbal : adopté"));
        assert!(
            !meeting_page.contains("Enregistrer les présences"),
            "a member reads, the coalition keeps"
        );

        // The participation dashboard: the demo's years, from its oldest membership (2018) to
        // this one, with the police service's departure in 2022 and a year of meetings.
        let health = json_of(
            app.get_as(&caseworker, &format!("/api/v1/coalitions/{cqtp}/health"))
                .await,
            200,
        )
        .await;
        let years = health["years"].as_array().unwrap();
        let this_year = i64::from(coalition_today().year());
        assert_eq!(years.last().unwrap()["year"], this_year, "{health}");
        assert_eq!(
            years[0]["year"],
            2018.max(this_year - 9),
            "from the oldest membership, ten years at most: {health}"
        );
        let y2022 = years.iter().find(|y| y["year"] == 2022).unwrap();
        assert_eq!(y2022["left"], 1, "{y2022}");
        let held: i64 = years.iter().map(|y| y["meetings"].as_i64().unwrap()).sum();
        assert!(held >= 11, "{health}");
        for y in years {
            if let Some(rate) = y["attendance_rate"].as_f64() {
                assert!((0.0..=1.0).contains(&rate), "{y}");
            }
        }
        let page = app
            .get_as(&caseworker, &format!("/coalitions/{cqtp}/health?lang=en"))
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("Active members") && page.contains("Attendance rate"));

        // An organization that left sees the workspace no more.
        let membership = items
            .iter()
            .find(|m| m["organization_id"] == member_org.as_str())
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let yesterday = coalition_today().yesterday().unwrap().to_string();
        let ended = app
            .post_form_as(
                &admin,
                &format!("/coalitions/{cqtp}/members/{membership}/end"),
                &[("left_on", yesterday.as_str())],
            )
            .await;
        assert_eq!(ended.status(), 303);
        assert_eq!(app.get_as(&caseworker, &members_path).await.status(), 403);
        app.stop().await;
    }
);

app_test!(the_action_plan_keeps_every_move, |backend| {
    let app = TestApp::builder(backend).start().await;
    let coordinator = app.sign_in(Role::Coordinator).await;
    let caseworker = app.sign_in(Role::Caseworker).await;
    let cqtp = cqtp_id(&app, &coordinator).await;
    let actions_path = format!("/api/v1/coalitions/{cqtp}/actions");

    // The demo plan, read by a member organization's staff: what is late says so.
    let plan = json_of(app.get_as(&caseworker, &actions_path).await, 200).await;
    let items = plan["items"].as_array().unwrap();
    assert!(items.len() >= 6, "{plan}");
    assert!(items.iter().any(|a| a["late"] == true), "{plan}");
    assert!(
        items
            .iter()
            .any(|a| a["pillar"].is_null() && a["meeting_id"].is_string())
    );
    let hidden = items
        .iter()
        .find(|a| a["public"] == false && a["pillar"] == "prosecution")
        .unwrap();

    // The public summary: anyone reads it, and it holds only what the coalition made public.
    let public = app.get(&format!("/coalitions/{cqtp}/plan?lang=fr")).await;
    assert_eq!(public.status(), 200);
    assert!(public.headers().get("set-cookie").is_none());
    let html = public.text().await.unwrap();
    assert!(html.contains("Former 200 intervenantes"));
    assert!(!html.contains(hidden["title"].as_str().unwrap()));

    // Bad actions, each named; nothing written.
    let member = items
        .iter()
        .find_map(|a| a["owner"]["id"].as_str())
        .unwrap()
        .to_owned();
    for (body, words) in [
        (
            json!({"pillar": "protection", "title": "Accueil", "owner_id": member, "partner_ids": [member]}),
            "aussi nommé comme partenaire",
        ),
        (
            json!({"pillar": "punishment", "title": "Accueil"}),
            "punishment",
        ),
        (
            json!({"title": "Suivi", "meeting_id": "0190c0de-0000-7000-8000-0000000000aa"}),
            "pas une rencontre de cette coalition",
        ),
        (
            json!({"pillar": "prevention", "title": "Atelier", "due_on": "2027-02-30"}),
            "2027-02-30",
        ),
    ] {
        let problem = json_of(
            app.post_json_as(&coordinator, &actions_path, &body).await,
            422,
        )
        .await;
        assert!(
            problem["detail"].as_str().unwrap().contains(words),
            "{words}: {problem}"
        );
    }
    assert_eq!(
        json_of(app.get_as(&coordinator, &actions_path).await, 200).await["items"]
            .as_array()
            .unwrap()
            .len(),
        items.len()
    );
    assert_eq!(
        app.post_json_as(&caseworker, &actions_path, &json!({"title": "X"}))
            .await
            .status(),
        403
    );

    // A new action moves through its statuses; each move from the version read.
    let created = json_of(
        app.post_json_as(
            &coordinator,
            &actions_path,
            &json!({"pillar": "partnership", "title": "Entente avec le CIUSSS", "owner_id": member, "due_on": "2027-06-30", "public": true}),
        )
        .await,
        201,
    )
    .await;
    let action = created["id"].as_str().unwrap().to_owned();
    let progress = format!("/api/v1/actions/{action}/progress");
    let moved = |status: &'static str, version: i64| {
        let app = &app;
        let coordinator = coordinator.clone();
        let progress = progress.clone();
        async move {
            app.post_json_as(
                &coordinator,
                &progress,
                &json!({"status": status, "note": "Suivi", "version": version}),
            )
            .await
        }
    };
    // Two moves from the same version: exactly one is kept.
    let (a, b) = tokio::join!(moved("in_progress", 1), moved("cancelled", 1));
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [204, 409]);
    let read = json_of(
        app.get_as(&caseworker, &format!("/api/v1/actions/{action}"))
            .await,
        200,
    )
    .await;
    let now = read["status"].as_str().unwrap().to_owned();
    let mut version = read["version"].as_i64().unwrap();
    assert_eq!(version, 2);
    if now == "cancelled" {
        // A dropped action is planned again before it can be done.
        assert_eq!(moved("planned", version).await.status(), 204);
        version += 1;
    }
    assert_eq!(moved("done", version).await.status(), 204);
    version += 1;
    // Done is not dropped: the move is refused, and a stale version says so first.
    let problem = json_of(moved("cancelled", version).await, 422).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("ne peut pas suivre"),
        "{problem}"
    );
    assert_eq!(moved("cancelled", version - 1).await.status(), 409);
    let read = json_of(
        app.get_as(&caseworker, &format!("/api/v1/actions/{action}"))
            .await,
        200,
    )
    .await;
    assert_eq!(read["status"], "done");
    assert!(read["progress"].as_array().unwrap().len() >= 3, "{read}");
    assert_eq!(read["progress"][0]["status"], "planned");
    assert_eq!(
        app.post_json_as(
            &caseworker,
            &progress,
            &json!({"status": "done", "version": 9})
        )
        .await
        .status(),
        403
    );

    // The pages, in both languages.
    let page = app
        .get_as(&coordinator, &format!("/actions/{action}?lang=en"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Entente avec le CIUSSS") && page.contains("History"));
    let plan_page = app
        .get_as(&caseworker, &format!("/coalitions/{cqtp}/actions"))
        .await
        .text()
        .await
        .unwrap();
    assert!(plan_page.contains("Partenariat") && plan_page.contains("En retard"));
    assert!(
        !plan_page.contains("Ajouter une action"),
        "a member reads, the coalition keeps"
    );
    app.stop().await;
});

app_test!(trainings_make_a_cascade, |backend| {
    let app = TestApp::builder(backend).start().await;
    let coordinator = app.sign_in(Role::Coordinator).await;
    let org_admin = app.sign_in(Role::OrgAdmin).await;
    let caseworker = app.sign_in(Role::Caseworker).await;
    let cqtp = cqtp_id(&app, &coordinator).await;
    let base = format!("/api/v1/coalitions/{cqtp}");

    // The demo's cascade over three levels, read by a member organization's staff.
    let demo = json_of(
        app.get_as(&caseworker, &format!("{base}/trainings/cascade"))
            .await,
        200,
    )
    .await;
    assert_eq!(demo["levels"].as_array().unwrap().len(), 3, "{demo}");
    assert_eq!(
        (demo["sessions"].as_u64(), demo["people"].as_u64()),
        (Some(7), Some(75))
    );

    // The org admin's organization (the demo's steering committee member).
    let members = json_of(
        app.get_as(&coordinator, &format!("{base}/members")).await,
        200,
    )
    .await;
    let own_org = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["role"] == "steering_committee")
        .unwrap()["organization_id"]
        .as_str()
        .unwrap()
        .to_owned();

    let post = |who: String, path: String, body: Value| {
        let app = &app;
        async move { app.post_json_as(&who, &path, &body).await }
    };
    let programs = format!("{base}/training-programs");
    let trainers = format!("{base}/trainers");
    let sessions = format!("{base}/trainings");
    let id_of = |v: Value| v["id"].as_str().unwrap().to_owned();

    // Programs and trainers, kept by the coalition's staff only.
    let ttt = id_of(
        json_of(
            post(
                coordinator.clone(),
                programs.clone(),
                json!({"title": "Formation de formateurs (essai)", "trains_trainers": true}),
            )
            .await,
            201,
        )
        .await,
    );
    let spotting = id_of(
        json_of(
            post(
                coordinator.clone(),
                programs.clone(),
                json!({"title": "Repérage (essai)"}),
            )
            .await,
            201,
        )
        .await,
    );
    let problem = json_of(
        post(coordinator.clone(), programs.clone(), json!({"title": " "})).await,
        422,
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains("pas de titre"));
    assert_eq!(
        post(org_admin.clone(), programs.clone(), json!({"title": "X"}))
            .await
            .status(),
        403
    );
    let root = id_of(
        json_of(
            post(
                coordinator.clone(),
                trainers.clone(),
                json!({"name": "Racine (essai)", "certified_on": "2024-01-10"}),
            )
            .await,
            201,
        )
        .await,
    );
    for (body, words) in [
        (
            json!({"name": "X", "certified_on": "2024-05-01", "valid_until": "2024-04-01"}),
            "se termine avant de commencer",
        ),
        (
            json!({"name": "X", "certified_on": "2024-05-01", "certified_in": "0190c0de-0000-7000-8000-0000000000aa"}),
            "pas une séance de cette coalition",
        ),
        (
            json!({"name": "X", "certified_on": "2024-05-01", "organization_id": "0190c0de-0000-7000-8000-0000000000aa"}),
            "pas dans le répertoire",
        ),
        (json!({"name": "X", "certified_on": "hier"}), "hier"),
    ] {
        let problem = json_of(post(coordinator.clone(), trainers.clone(), body).await, 422).await;
        assert!(
            problem["detail"].as_str().unwrap().contains(words),
            "{words}: {problem}"
        );
    }

    // A train-the-trainer session certifies the member's trainer, one level below.
    let session = |program: &str, lead: &str, held_on: &str| {
        json!({
            "program_id": program,
            "held_on": held_on,
            "hours": 6,
            "region": "06",
            "lead_trainer_id": lead,
            "participants": [{"organization_id": own_org, "people": 2}],
            "evaluation": {"responses": 2, "average": 4.5}
        })
    };
    let first = id_of(
        json_of(
            post(
                coordinator.clone(),
                sessions.clone(),
                session(&ttt, &root, "2024-03-01"),
            )
            .await,
            201,
        )
        .await,
    );
    let problem = json_of(
        post(
            coordinator.clone(),
            trainers.clone(),
            json!({"name": "Relais (essai)", "organization_id": own_org, "certified_on": "2024-02-28", "certified_in": first}),
        )
        .await,
        422,
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("précède la séance"),
        "{problem}"
    );
    let relay = id_of(
        json_of(
            post(
                coordinator.clone(),
                trainers.clone(),
                json!({"name": "Relais (essai)", "organization_id": own_org, "certified_on": "2024-03-01", "certified_in": first}),
            )
            .await,
            201,
        )
        .await,
    );

    // The member's administrator records the sessions of the member's own trainer, not the
    // coalition's; a caseworker records none.
    json_of(
        post(
            org_admin.clone(),
            sessions.clone(),
            session(&spotting, &relay, "2024-06-01"),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(
        post(
            org_admin.clone(),
            sessions.clone(),
            session(&spotting, &root, "2024-06-01")
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        post(
            caseworker.clone(),
            sessions.clone(),
            session(&spotting, &relay, "2024-06-01")
        )
        .await
        .status(),
        403
    );

    // A certification is renewed or ended from the API and the page; never before it starts.
    let certification = format!("/api/v1/trainers/{relay}/certification");
    let problem = json_of(
        app.put_json_as(
            &coordinator,
            &certification,
            &json!({"valid_until": "2024-02-01"}),
        )
        .await,
        422,
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("se termine avant"),
        "{problem}"
    );
    assert_eq!(
        app.put_json_as(
            &coordinator,
            &certification,
            &json!({"valid_until": "2024-05-31"})
        )
        .await
        .status(),
        204
    );
    let lapsed = json_of(
        post(
            org_admin.clone(),
            sessions.clone(),
            session(&spotting, &relay, "2024-06-02"),
        )
        .await,
        422,
    )
    .await;
    assert!(
        lapsed["detail"]
            .as_str()
            .unwrap()
            .contains("pas certifié ce jour-là")
    );
    assert_eq!(
        app.put_json_as(&caseworker, &certification, &json!({"valid_until": null}))
            .await
            .status(),
        403
    );
    assert_eq!(
        app.put_json_as(&coordinator, &certification, &json!({"valid_until": null}))
            .await
            .status(),
        204
    );
    let renewed = app
        .post_form_as(
            &coordinator,
            &format!("/trainers/{root}/renew"),
            &[("valid_until", "2030-12-31")],
        )
        .await;
    assert_eq!(renewed.status(), 303);
    let listed = json_of(app.get_as(&coordinator, &sessions).await, 200).await;
    let trainer = |id: &str| {
        listed["trainers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(trainer(&root)["valid_until"], "2030-12-31");
    assert!(trainer(&relay)["valid_until"].is_null());

    // Bad sessions, each named in the reader's language; nothing written.
    let before = json_of(app.get_as(&coordinator, &sessions).await, 200).await;
    let count = before["sessions"].as_array().unwrap().len();
    let with = |changes: Value| {
        let mut body = session(&spotting, &root, "2024-06-01");
        for (k, v) in changes.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    for (body, words) in [
        (with(json!({"held_on": "2099-01-01"})), "une fois donnée"),
        (with(json!({"hours": 0})), "plus de zéro"),
        (with(json!({"hours": 41})), "au plus 40 heures"),
        (with(json!({"region": "99"})), "région administrative"),
        (
            with(json!({"held_on": "2024-01-01"})),
            "pas certifié ce jour-là",
        ),
        (
            with(json!({"evaluation": {"responses": 1, "average": 6}})),
            "de 1 à 5",
        ),
        (
            with(json!({"evaluation": {"responses": 9, "average": 4}})),
            "Plus de formulaires",
        ),
        (with(json!({"participants": []})), "au moins une personne"),
        (
            with(
                json!({"participants": [{"organization_id": "0190c0de-0000-7000-8000-0000000000aa", "people": 3}]}),
            ),
            "pas dans le répertoire",
        ),
        (with(json!({"co_trainer_ids": [root]})), "nommée deux fois"),
        (with(json!({"note": "a\u{0}"})), "caractère de contrôle"),
        (with(json!({"program_id": "pas-un-id"})), "pas-un-id"),
    ] {
        let problem = json_of(post(coordinator.clone(), sessions.clone(), body).await, 422).await;
        assert!(
            problem["detail"].as_str().unwrap().contains(words),
            "{words}: {problem}"
        );
    }
    let after = json_of(app.get_as(&coordinator, &sessions).await, 200).await;
    assert_eq!(after["sessions"].as_array().unwrap().len(), count);

    // The cascade: the relay under the root, with what each gave.
    let cascade = json_of(
        app.get_as(&caseworker, &format!("{base}/trainings/cascade"))
            .await,
        200,
    )
    .await;
    let node = |id: &str| {
        cascade["trainers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["trainer_id"] == id)
            .unwrap()
            .clone()
    };
    let (r, l) = (node(&root), node(&relay));
    assert_eq!(
        (
            r["level"].as_u64(),
            r["sessions"].as_u64(),
            r["certified"].as_u64()
        ),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!(
        (l["level"].as_u64(), l["people"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(l["trained_by"], root.as_str());
    assert_eq!(cascade["sessions"].as_u64(), Some(9));

    // One session, and the dashboard counts every session given.
    let one = json_of(
        app.get_as(&caseworker, &format!("/api/v1/trainings/{first}"))
            .await,
        200,
    )
    .await;
    assert_eq!(
        (one["people"].as_u64(), one["hours"].as_f64()),
        (Some(2), Some(6.0))
    );
    assert_eq!(one["evaluation"]["average"].as_f64(), Some(4.5));
    let health = json_of(
        app.get_as(&caseworker, &format!("{base}/health")).await,
        200,
    )
    .await;
    let given: u64 = health["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y["trainings"].as_u64().unwrap())
        .sum();
    assert_eq!(given, 9, "{health}");

    // The pages, in both languages: the form records a session (hours the French way).
    let page = app
        .get_as(&coordinator, &format!("/coalitions/{cqtp}/trainings"))
        .await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Relais (essai)") && html.contains("Consigner une séance donnée"));
    let people_field = format!("people-{own_org}");
    let form = |hours: &str| {
        vec![
            ("program_id".to_owned(), spotting.clone()),
            ("held_on".to_owned(), "2024-07-02".to_owned()),
            ("hours".to_owned(), hours.to_owned()),
            ("lead_trainer_id".to_owned(), root.clone()),
            ("region".to_owned(), String::new()),
            ("online".to_owned(), "on".to_owned()),
            (people_field.clone(), "4".to_owned()),
        ]
    };
    let send = |fields: Vec<(String, String)>| {
        let app = &app;
        let coordinator = coordinator.clone();
        let path = format!("/coalitions/{cqtp}/trainings");
        async move {
            let pairs: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            app.post_form_as(&coordinator, &path, &pairs).await
        }
    };
    let bad = send(form("beaucoup")).await;
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("beaucoup"));
    let good = send(form("2,5")).await;
    assert_eq!(good.status(), 303);
    let listed = json_of(app.get_as(&coordinator, &sessions).await, 200).await;
    assert!(
        listed["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["hours"].as_f64() == Some(2.5) && s["online"] == true && s["people"] == 4),
        "{listed}"
    );
    let cascade_page = app
        .get_as(
            &caseworker,
            &format!("/coalitions/{cqtp}/trainings/cascade?lang=en"),
        )
        .await;
    assert_eq!(cascade_page.status(), 200);
    let html = cascade_page.text().await.unwrap();
    assert!(
        html.contains("Racine (essai)") && html.contains("Level 3"),
        "{html}"
    );
    assert!(html.contains("By sector of the participants"));
});

app_test!(working_groups_meet_on_their_own, |backend| {
    let app = TestApp::builder(backend).start().await;
    let coordinator = app.sign_in(Role::Coordinator).await;
    let caseworker = app.sign_in(Role::Caseworker).await;
    let cqtp = cqtp_id(&app, &coordinator).await;
    let base = format!("/api/v1/coalitions/{cqtp}");
    let groups_path = format!("{base}/groups");

    // The demo's two groups, read by a member organization's staff.
    let demo = json_of(app.get_as(&caseworker, &groups_path).await, 200).await;
    assert_eq!(demo["items"].as_array().unwrap().len(), 2, "{demo}");

    // Today's members: a group takes only them, each once.
    let members = json_of(
        app.get_as(&coordinator, &format!("{base}/members")).await,
        200,
    )
    .await;
    let current: Vec<(String, String)> = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["left_on"].is_null())
        .map(|m| {
            (
                m["organization_id"].as_str().unwrap().to_owned(),
                m["organization"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let (a, b, c) = (&current[0].0, &current[1].0, &current[2].0);
    for (body, words) in [
        (json!({"name": " ", "organization_ids": [a]}), "pas de nom"),
        (
            json!({"name": "Comité", "organization_ids": [a, a]}),
            "donné deux fois",
        ),
        (
            json!({"name": "Comité", "organization_ids": ["0190c0de-0000-7000-8000-0000000000aa"]}),
            "pas membre de la coalition aujourd’hui",
        ),
        (
            json!({"name": "Comité", "organization_ids": ["x"]}),
            "« x »",
        ),
    ] {
        let problem = json_of(
            app.post_json_as(&coordinator, &groups_path, &body).await,
            422,
        )
        .await;
        assert!(
            problem["detail"].as_str().unwrap().contains(words),
            "{words}: {problem}"
        );
    }
    assert_eq!(
        app.post_json_as(&caseworker, &groups_path, &json!({"name": "X"}))
            .await
            .status(),
        403
    );
    let created = json_of(
        app.post_json_as(
            &coordinator,
            &groups_path,
            &json!({"name": "Comité des services (essai)", "mandate": "Coordonner l’accueil", "organization_ids": [a, b]}),
        )
        .await,
        201,
    )
    .await;
    let group = created["id"].as_str().unwrap().to_owned();

    // Its meeting: in the coalition's meetings, marked with the group; attendance is kept
    // for the group's members.
    let meetings_path = format!("{base}/meetings");
    let problem = json_of(
        app.post_json_as(
            &coordinator,
            &meetings_path,
            &json!({"title": "Comité", "starts": "2027-02-11T13:00", "ends": "2027-02-11T14:00", "group_id": "0190c0de-0000-7000-8000-0000000000aa"}),
        )
        .await,
        422,
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("pas un comité de cette coalition"),
        "{problem}"
    );
    let meeting = json_of(
        app.post_json_as(
            &coordinator,
            &meetings_path,
            &json!({"title": "Comité des services — février", "starts": "2027-02-11T13:00", "ends": "2027-02-11T14:00", "group_id": group}),
        )
        .await,
        201,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let read = json_of(
        app.get_as(&caseworker, &format!("/api/v1/meetings/{meeting}"))
            .await,
        200,
    )
    .await;
    assert_eq!(read["group_id"], group.as_str());
    let detail = json_of(
        app.get_as(&caseworker, &format!("/api/v1/groups/{group}"))
            .await,
        200,
    )
    .await;
    assert_eq!(detail["members"].as_array().unwrap().len(), 2, "{detail}");
    assert_eq!(detail["meetings"][0]["id"], meeting.as_str());
    let page = app
        .get_as(&coordinator, &format!("/meetings/{meeting}"))
        .await
        .text()
        .await
        .unwrap();
    let name_of = |id: &str| {
        detail["members"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["organization_id"] == id)
            .map(|m| m["name"].as_str().unwrap().to_owned())
    };
    assert!(page.contains(&name_of(a).unwrap()));
    // Not in the group: its attendance is not kept at the group's meeting.
    assert!(!page.contains(&current[2].1), "{page}");
    // A decision of the meeting becomes an action item, shown on the meeting's page.
    let decide_path = format!("/meetings/{meeting}/actions");
    let refused = app
        .post_form_as(
            &coordinator,
            &decide_path,
            &[("title", " "), ("owner", a.as_str())],
        )
        .await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("n’a pas de titre"));
    assert_eq!(
        app.post_form_as(&caseworker, &decide_path, &[("title", "Suivi")])
            .await
            .status(),
        403
    );
    let decided = app
        .post_form_as(
            &coordinator,
            &decide_path,
            &[
                ("title", "Rédiger le protocole d’accueil (essai)"),
                ("owner", a.as_str()),
                ("due_on", "2027-03-31"),
                ("pillar", ""),
            ],
        )
        .await;
    assert_eq!(decided.status(), 303);
    let page = app
        .get_as(&caseworker, &format!("/meetings/{meeting}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Rédiger le protocole d’accueil (essai)"));
    let plan = json_of(
        app.get_as(&caseworker, &format!("{base}/actions")).await,
        200,
    )
    .await;
    let item = plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"] == "Rédiger le protocole d’accueil (essai)")
        .unwrap();
    assert_eq!(item["meeting_id"], meeting.as_str());
    assert!(item["pillar"].is_null() && item["due_on"] == "2027-03-31");

    // Members change from the version read: a stale one is refused, nothing changed.
    let version = detail["version"].as_i64().unwrap();
    let members_path = format!("/api/v1/groups/{group}/members");
    assert_eq!(
        app.put_json_as(
            &coordinator,
            &members_path,
            &json!({"organization_ids": [a, b, c], "version": version - 1})
        )
        .await
        .status(),
        409
    );
    assert_eq!(
        app.put_json_as(
            &coordinator,
            &members_path,
            &json!({"organization_ids": [a, c], "version": version})
        )
        .await
        .status(),
        204
    );
    let after = json_of(
        app.get_as(&caseworker, &format!("/api/v1/groups/{group}"))
            .await,
        200,
    )
    .await;
    let ids: Vec<&str> = after["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["organization_id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&a.as_str()) && ids.contains(&c.as_str()) && ids.len() == 2);

    // The pages, in French and English.
    let list = app
        .get_as(&caseworker, &format!("/coalitions/{cqtp}/groups"))
        .await;
    assert_eq!(list.status(), 200);
    assert!(
        list.text()
            .await
            .unwrap()
            .contains("Exemple — Comité formation")
    );
    let page = app
        .get_as(&coordinator, &format!("/groups/{group}?lang=en"))
        .await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Save the members") && html.contains("Coordonner l’accueil"));

    // Who does what: today's members, each once, with what nobody covers.
    let who = json_of(
        app.get_as(&caseworker, &format!("{base}/mandates")).await,
        200,
    )
    .await;
    let listed = who["members"].as_array().unwrap();
    let mut distinct: Vec<&String> = current.iter().map(|(id, _)| id).collect();
    distinct.sort();
    distinct.dedup();
    assert_eq!(listed.len(), distinct.len(), "{who}");
    let covered: Vec<&str> = listed
        .iter()
        .flat_map(|m| m["mandates"].as_array().unwrap().iter())
        .map(|m| m.as_str().unwrap())
        .collect();
    for missing in who["mandates_without_member"].as_array().unwrap() {
        assert!(!covered.contains(&missing.as_str().unwrap()), "{who}");
    }
    let page = app
        .get_as(&caseworker, &format!("/coalitions/{cqtp}/mandates"))
        .await;
    assert_eq!(page.status(), 200);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("Mandats qu’aucun membre n’assume")
    );
});

app_test!(the_glossary_is_shared_in_both_languages, |backend| {
    let app = TestApp::builder(backend).start().await;
    let coordinator = app.sign_in(Role::Coordinator).await;
    let caseworker = app.sign_in(Role::Caseworker).await;
    let cqtp = cqtp_id(&app, &coordinator).await;
    let path = format!("/api/v1/coalitions/{cqtp}/glossary");

    // The demo's terms, read by a member organization's staff.
    let demo = json_of(app.get_as(&caseworker, &path).await, 200).await;
    let items = demo["items"].as_array().unwrap();
    assert_eq!(items.len(), 3, "{demo}");
    let trafficking = items
        .iter()
        .find(|e| e["term_fr"] == "Traite de personnes")
        .unwrap();
    assert_eq!(trafficking["definitions"].as_array().unwrap().len(), 3);

    // Bad entries, each named; nothing written.
    let define = |framework: &str, fr: &str, en: &str| json!({"framework": framework, "text_fr": fr, "text_en": en});
    for (body, words) in [
        (
            json!({"term_fr": "Servitude", "term_en": "Servitude (law)", "definitions": [define("palermo", "Un état", "")]}),
            "en français et en anglais",
        ),
        (
            json!({"term_fr": "Servitude", "term_en": "Servitude (law)", "definitions": [define("palermo", "Un", "A"), define("palermo", "Deux", "Two")]}),
            "même cadre",
        ),
        (
            json!({"term_fr": "traite de personnes", "term_en": "Trafficking (other)", "definitions": [define("practice", "Un", "A")]}),
            "déjà ce terme",
        ),
        (
            json!({"term_fr": "Servitude", "term_en": "Servitude (law)", "definitions": [define("civil_code", "Un", "A")]}),
            "civil_code",
        ),
        (
            json!({"term_fr": "Servitude", "term_en": "Servitude (law)", "definitions": []}),
            "au moins une définition",
        ),
    ] {
        let problem = json_of(app.post_json_as(&coordinator, &path, &body).await, 422).await;
        assert!(
            problem["detail"].as_str().unwrap().contains(words),
            "{words}: {problem}"
        );
    }
    let servitude = json!({"term_fr": "Servitude", "term_en": "Servitude (law)", "definitions": [define("palermo", "Un état de dépendance", "A state of dependence")]});
    assert_eq!(
        app.post_json_as(&caseworker, &path, &servitude)
            .await
            .status(),
        403
    );
    let id = json_of(app.post_json_as(&coordinator, &path, &servitude).await, 201).await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // A change is made from the version read.
    let entry = format!("/api/v1/glossary/{id}");
    let mut changed = servitude.clone();
    changed["definitions"] = json!([
        define("palermo", "Un état", "A state"),
        define("practice", "Usage", "Usage (field)")
    ]);
    changed["version"] = json!(0);
    assert_eq!(
        app.put_json_as(&coordinator, &entry, &changed)
            .await
            .status(),
        409
    );
    changed["version"] = json!(1);
    assert_eq!(
        app.put_json_as(&coordinator, &entry, &changed)
            .await
            .status(),
        204
    );
    let after = json_of(app.get_as(&caseworker, &path).await, 200).await;
    let saved = after["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == id.as_str())
        .unwrap();
    assert_eq!(saved["definitions"].as_array().unwrap().len(), 2);
    assert_eq!(saved["version"], 2);

    // The form: a refusal gives back what was typed, in the reader's language.
    let form_path = format!("/coalitions/{cqtp}/glossary");
    let refused = app
        .post_form_as(
            &coordinator,
            &form_path,
            &[
                ("term_fr", "Travail forcé"),
                ("term_en", ""),
                ("practice_fr", "Un travail exigé sous la menace"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    assert!(html.contains("Donnez le terme en français et en anglais"));
    assert!(html.contains("Un travail exigé sous la menace") && html.contains("Travail forcé"));
    let page = app
        .get_as(&caseworker, &format!("/coalitions/{cqtp}/glossary?lang=en"))
        .await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Trafficking in persons") && html.contains("Criminal Code"));
    let one = app.get_as(&caseworker, &format!("/glossary/{id}")).await;
    assert_eq!(one.status(), 200);
});

/// A browser's multipart form: text fields, then a file when given.
fn form_data(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "----mosaique-library-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .into_bytes(),
        );
    }
    if let Some((name, bytes)) = file {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .into_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").into_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

app_test!(the_library_shares_documents_and_links, |backend| {
    let app = TestApp::builder(backend).start().await;
    let coordinator = app.sign_in(Role::Coordinator).await;
    let caseworker = app.sign_in(Role::Caseworker).await;
    let org_admin = app.sign_in(Role::OrgAdmin).await;
    let analyst = app.sign_in(Role::Analyst).await;
    let cqtp = cqtp_id(&app, &coordinator).await;
    let path = format!("/api/v1/coalitions/{cqtp}/resources");
    let titles = |list: &Value| -> Vec<String> {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["title_fr"].as_str().unwrap().to_owned())
            .collect()
    };

    // The demo's shelf: a visitor and an analyst read the two public links; a member's
    // staff reads the members' aide-mémoire and the meeting's agenda too.
    let public = json_of(app.get(&path).await, 200).await;
    assert_eq!(titles(&public).len(), 2, "{public}");
    assert!(
        public["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["visibility"] == "public")
    );
    let seen = json_of(app.get_as(&analyst, &path).await, 200).await;
    assert_eq!(titles(&seen), titles(&public));
    let members = json_of(app.get_as(&caseworker, &path).await, 200).await;
    assert_eq!(titles(&members).len(), 4, "{members}");
    let aide = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["file_name"] == "aide-memoire-premier-contact.txt")
        .unwrap()
        .clone();
    let href = aide["file_href"].as_str().unwrap();
    assert_eq!(app.get(href).await.status(), 401);
    assert_eq!(app.get_as(&analyst, href).await.status(), 403);
    let opened = app.get_as(&caseworker, href).await;
    assert_eq!(opened.status(), 200);
    let headers = opened.headers().clone();
    assert_eq!(headers["content-type"], "text/plain; charset=utf-8");
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(opened.text().await.unwrap().contains("premier contact"));
    let page = app.get(&format!("/coalitions/{cqtp}/library")).await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("Ligne d’urgence canadienne") && !page.contains("Aide-mémoire"));

    // The search: by audience and theme; an unknown value is named.
    let police = json_of(
        app.get_as(&caseworker, &format!("{path}?audience=police"))
            .await,
        200,
    )
    .await;
    assert!(!titles(&police).is_empty());
    assert!(police["items"].as_array().unwrap().iter().all(|r| {
        r["audiences"]
            .as_array()
            .unwrap()
            .contains(&json!("police"))
    }));
    let both = json_of(
        app.get_as(
            &caseworker,
            &format!("{path}?audience=police&theme=legal_framework"),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(titles(&both), ["Exemple — Code criminel (Lois du Canada)"]);
    let bad = json_of(app.get(&format!("{path}?theme=shoe_size")).await, 400).await;
    assert!(
        bad["detail"].as_str().unwrap().contains("shoe_size"),
        "{bad}"
    );

    // Who shares what: the coalition's staff in public; a member's administrator for
    // members only; a caseworker not at all.
    let link = |visibility: &str, title: &str| json!({"title_fr": title, "title_en": format!("{title} (en)"), "audiences": ["front_line"], "themes": ["prevention"], "visibility": visibility, "language": "fr", "link": "https://exemple.org/trousse"});
    let staff_public = json_of(
        app.post_json_as(
            &coordinator,
            &path,
            &link("public", "Trousse de sensibilisation"),
        )
        .await,
        201,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.post_json_as(&org_admin, &path, &link("public", "Affiche"))
            .await
            .status(),
        403
    );
    assert_eq!(
        app.post_json_as(&caseworker, &path, &link("members", "Affiche"))
            .await
            .status(),
        403
    );
    let members_link = json_of(
        app.post_json_as(
            &org_admin,
            &path,
            &link("members", "Affiche de l’organisme"),
        )
        .await,
        201,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let shared = json_of(
        app.get_as(&caseworker, &format!("/api/v1/resources/{members_link}"))
            .await,
        200,
    )
    .await;
    assert!(shared["shared_by"].is_string(), "{shared}");
    assert_eq!(
        app.get(&format!("/api/v1/resources/{members_link}"))
            .await
            .status(),
        401
    );
    assert_eq!(
        app.get(&format!("/api/v1/resources/{staff_public}"))
            .await
            .status(),
        200
    );

    // Bad input, each named in French; nothing written.
    let count =
        || async { titles(&json_of(app.get_as(&coordinator, &path).await, 200).await).len() };
    let before = count().await;
    let with = |change: Value| {
        let mut body = link("members", "Guide");
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    for (body, words) in [
        (with(json!({"title_en": " "})), "en français et en anglais"),
        (with(json!({"summary_fr": "Un résumé"})), "deux langues"),
        (with(json!({"link": "javascript:alert(1)"})), "adresse web"),
        (
            with(json!({"link": "https://exemple.org/\u{0}"})),
            "adresse web",
        ),
        (with(json!({"link": ""})), "un lien ou un fichier"),
        (with(json!({"audiences": []})), "au moins un public"),
        (with(json!({"themes": ["shoe_size"]})), "shoe_size"),
        (with(json!({"language": "de"})), "de"),
        (
            with(json!({"meeting_id": "0190c0de-0000-7000-8000-0000000000aa"})),
            "pas une rencontre de la coalition",
        ),
    ] {
        let problem = json_of(app.post_json_as(&coordinator, &path, &body).await, 422).await;
        assert!(
            problem["detail"].as_str().unwrap().contains(words),
            "{words}: {problem}"
        );
    }

    // A file through the API: the bytes decide; past 10 MiB, 413 and the connection closes.
    let upload = |cookie: &str, name: &str, bytes: Vec<u8>| {
        app.client
            .post(app.url(&format!(
                "{path}/file?title_fr=Guide&title_en=Guide%20(en)&audiences=front_line,police&themes=identification&visibility=members&language=both&name={name}"
            )))
            .header("cookie", cookie)
            .header("content-type", "application/pdf")
            .body(bytes)
            .send()
    };
    for (name, bytes, status, word) in [
        (
            "guide.html",
            b"<html><script>x</script>".to_vec(),
            422,
            "code",
        ),
        ("vide.pdf", Vec::new(), 422, "vide"),
        (
            "enorme.pdf",
            [b"%PDF-".to_vec(), vec![b'a'; 11 * 1024 * 1024]].concat(),
            413,
            "10",
        ),
    ] {
        let refused = upload(&coordinator, name, bytes).await.unwrap();
        assert_eq!(refused.status(), status, "{name}");
        if status == 413 {
            assert_eq!(refused.headers()["connection"], "close", "{name}");
        }
        let problem: Value = refused.json().await.unwrap();
        let detail = problem["detail"]
            .as_str()
            .unwrap_or_default()
            .to_lowercase();
        assert!(detail.contains(word), "{name}: {detail}");
    }
    assert_eq!(count().await, before);
    let pdf = b"%PDF-1.7\n% guide d'identification\n".to_vec();
    let kept = upload(&coordinator, "guide%20identification.pdf", pdf.clone())
        .await
        .unwrap();
    assert_eq!(kept.status(), 201);
    let guide = kept.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let file = app
        .get_as(&caseworker, &format!("/api/v1/resources/{guide}/file"))
        .await;
    assert_eq!(file.headers()["content-type"], "application/pdf");
    assert_eq!(file.bytes().await.unwrap().to_vec(), pdf);

    // A meeting's document, from the meeting page's form (multipart), back to the meeting.
    let meetings = json_of(
        app.get_as(&coordinator, &format!("/api/v1/coalitions/{cqtp}/meetings"))
            .await,
        200,
    )
    .await;
    let meeting = meetings["items"][0]["id"].as_str().unwrap().to_owned();
    let fields = [
        ("title_fr", "Présentation du bilan"),
        ("title_en", "Review slides"),
        ("audience", "front_line"),
        ("theme", "coordination"),
        ("visibility", "members"),
        ("language", "fr"),
        ("meeting_id", meeting.as_str()),
        ("link", ""),
    ];
    let post_form = |cookie: &str, (content_type, body): (String, Vec<u8>)| {
        app.client
            .post(app.url(&format!("/coalitions/{cqtp}/library")))
            .header("cookie", cookie)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let posted = post_form(
        &caseworker,
        form_data(&fields, Some(("bilan.txt", b"Bilan"))),
    )
    .await
    .unwrap();
    assert_eq!(posted.status(), 403, "a caseworker does not share");
    let posted = post_form(
        &coordinator,
        form_data(&fields, Some(("bilan.txt", "Bilan de l’année".as_bytes()))),
    )
    .await
    .unwrap();
    assert_eq!(posted.status(), 303);
    assert_eq!(
        posted.headers()["location"].to_str().unwrap(),
        format!("/meetings/{meeting}#documents")
    );
    let page = app
        .get_as(&caseworker, &format!("/meetings/{meeting}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Présentation du bilan"),
        "the meeting lists it"
    );

    // A refused form gives back what was typed; a huge file is said as such.
    let refused = post_form(
        &coordinator,
        form_data(
            &[
                ("title_fr", "Guide des employeurs"),
                ("visibility", "members"),
                ("language", "fr"),
            ],
            None,
        ),
    )
    .await
    .unwrap();
    assert_eq!(refused.status(), 422);
    let text = refused.text().await.unwrap();
    assert!(
        text.contains("Guide des employeurs") && text.contains("Donnez un lien ou un fichier"),
        "{text}"
    );
    let huge = [b"%PDF-".to_vec(), vec![b'a'; 11 * 1024 * 1024]].concat();
    let refused = post_form(
        &coordinator,
        form_data(&fields, Some(("enorme.pdf", &huge))),
    )
    .await
    .unwrap();
    assert_eq!(refused.status(), 413);
    assert!(refused.text().await.unwrap().contains("10"));

    // Withdrawing: a member its own, the coalition's staff any; then gone.
    let resource = |id: &str| format!("/api/v1/resources/{id}");
    let delete = |cookie: &str, id: &str| {
        app.client
            .delete(app.url(&resource(id)))
            .header("cookie", cookie)
            .send()
    };
    assert_eq!(
        delete(&org_admin, &staff_public).await.unwrap().status(),
        403
    );
    assert_eq!(
        delete(&org_admin, &members_link).await.unwrap().status(),
        204
    );
    assert_eq!(delete(&coordinator, &guide).await.unwrap().status(), 204);
    assert_eq!(
        app.get_as(&coordinator, &resource(&guide)).await.status(),
        404
    );
    assert_eq!(
        app.get_as(&coordinator, &format!("{}/file", resource(&guide)))
            .await
            .status(),
        404
    );
    let withdrawn = app
        .post_form_as(
            &coordinator,
            &format!("/library/{staff_public}/withdraw"),
            &[],
        )
        .await;
    assert_eq!(withdrawn.status(), 303);
    assert_eq!(
        count().await,
        before - 2 + 1,
        "the meeting's document stays"
    );
    app.stop().await;
});

app_test!(campaigns_and_practices_are_shared, |backend| {
    let app = TestApp::builder(backend).start().await;
    let coordinator = app.sign_in(Role::Coordinator).await;
    let caseworker = app.sign_in(Role::Caseworker).await;
    let org_admin = app.sign_in(Role::OrgAdmin).await;
    let cqtp = cqtp_id(&app, &coordinator).await;
    let campaigns = format!("/api/v1/coalitions/{cqtp}/campaigns");
    let practices = format!("/api/v1/coalitions/{cqtp}/practices");

    // The demo's campaign (its reach recorded, the public library as material) and practice.
    let demo = json_of(app.get_as(&caseworker, &campaigns).await, 200).await;
    let first = &demo["items"][0];
    assert_eq!(first["reach"]["people"], 2400, "{demo}");
    assert_eq!(first["materials"].as_array().unwrap().len(), 2);
    let demo = json_of(app.get_as(&caseworker, &practices).await, 200).await;
    assert!(demo["items"][0]["organization_id"].is_string(), "{demo}");
    let page = app
        .get_as(
            &caseworker,
            &format!("/coalitions/{cqtp}/campaigns?lang=en"),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("2400 people reached"), "{page}");

    // Bad campaigns, each named; nothing written.
    let campaign = |change: Value| {
        let mut body = json!({"title_fr": "Semaine", "title_en": "Week", "audiences": ["general_public"], "starts_on": "2024-02-22", "ends_on": "2024-02-28"});
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    for (body, words) in [
        (
            campaign(json!({"title_en": ""})),
            "en français et en anglais",
        ),
        (campaign(json!({"audiences": []})), "au moins un public"),
        (
            campaign(json!({"ends_on": "2024-02-21"})),
            "finit avant de commencer",
        ),
        (
            campaign(json!({"materials": ["0190c0de-0000-7000-8000-0000000000aa"]})),
            "pas dans la bibliothèque",
        ),
        (campaign(json!({"starts_on": "demain"})), "demain"),
        (campaign(json!({"audiences": ["martians"]})), "martians"),
    ] {
        let problem = json_of(app.post_json_as(&coordinator, &campaigns, &body).await, 422).await;
        assert!(
            problem["detail"].as_str().unwrap().contains(words),
            "{words}: {problem}"
        );
    }
    assert_eq!(
        app.post_json_as(&caseworker, &campaigns, &campaign(json!({})))
            .await
            .status(),
        403
    );

    // A campaign with a material of the library; its reach, once started, from the version
    // read; withdrawing the material keeps the campaign.
    let poster = json_of(
        app.post_json_as(
            &coordinator,
            &format!("/api/v1/coalitions/{cqtp}/resources"),
            &json!({"title_fr": "Affiche", "title_en": "Poster", "audiences": ["general_public"], "themes": ["prevention"], "visibility": "public", "language": "both", "link": "https://exemple.org/affiche"}),
        )
        .await,
        201,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let week = json_of(
        app.post_json_as(
            &coordinator,
            &campaigns,
            &campaign(json!({"materials": [poster]})),
        )
        .await,
        201,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let future = json_of(
        app.post_json_as(
            &coordinator,
            &campaigns,
            &campaign(json!({"starts_on": "2099-01-01", "ends_on": null})),
        )
        .await,
        201,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (client, cookie) = (&app, coordinator.as_str());
    let reach = move |id: &str, body: Value| {
        let path = format!("/api/v1/campaigns/{id}/reach");
        async move { client.put_json_as(cookie, &path, &body).await }
    };
    let problem = json_of(
        reach(&future, json!({"people": 10, "version": 1})).await,
        422,
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("pas encore commencé")
    );
    assert_eq!(
        reach(&week, json!({"people": 10, "version": 0}))
            .await
            .status(),
        409
    );
    let problem = json_of(
        reach(&week, json!({"people": 60_000_000u64, "version": 1})).await,
        422,
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains("plausible"));
    assert_eq!(
        reach(
            &week,
            json!({"people": 350, "note": "Kiosque", "version": 1})
        )
        .await
        .status(),
        204
    );
    let delete = app
        .client
        .delete(app.url(&format!("/api/v1/resources/{poster}")))
        .header("cookie", &coordinator)
        .send()
        .await
        .unwrap();
    assert_eq!(delete.status(), 204);
    let after = json_of(app.get_as(&caseworker, &campaigns).await, 200).await;
    let kept = after["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == week.as_str())
        .unwrap();
    assert_eq!(kept["reach"]["people"], 350);
    assert_eq!(kept["materials"], json!([]), "{kept}");

    // The page's form: a refusal gives back what was typed; the reach with a thousands space.
    let refused = app
        .post_form_as(
            &coordinator,
            &format!("/coalitions/{cqtp}/campaigns"),
            &[
                ("title_fr", "Semaine des cégeps"),
                ("starts_on", "2024-03-01"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let text = refused.text().await.unwrap();
    assert!(text.contains("Semaine des cégeps") && text.contains("au moins un public"));
    let recorded = app
        .post_form_as(
            &coordinator,
            &format!("/campaigns/{week}/reach"),
            &[("people", "1 200"), ("note", "Affiches"), ("version", "2")],
        )
        .await;
    assert_eq!(recorded.status(), 303);

    // Practices: from a member today, with a contact; bad ones named.
    let member = demo["items"][0]["organization_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let practice = |change: Value| {
        let mut body = json!({"title_fr": "Navigation", "title_en": "Navigation (en)", "themes": ["safety_planning"], "what_worked": "Une navigatrice", "context": "Québec", "evidence": "observed", "contact": "Coordination"});
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    for (body, words) in [
        (
            practice(json!({"organization_id": "0190c0de-0000-7000-8000-0000000000aa"})),
            "pas membre",
        ),
        (practice(json!({"evidence": "rumour"})), "rumour"),
        (
            practice(json!({"what_worked": " ", "contact": ""})),
            "ce qui a marché",
        ),
        (practice(json!({"themes": []})), "au moins un thème"),
    ] {
        let problem = json_of(app.post_json_as(&coordinator, &practices, &body).await, 422).await;
        assert!(
            problem["detail"].as_str().unwrap().contains(words),
            "{words}: {problem}"
        );
    }
    assert_eq!(
        app.post_json_as(&org_admin, &practices, &practice(json!({})))
            .await
            .status(),
        403
    );
    json_of(
        app.post_json_as(
            &coordinator,
            &practices,
            &practice(json!({"organization_id": member})),
        )
        .await,
        201,
    )
    .await;
    let listed = json_of(app.get_as(&caseworker, &practices).await, 200).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);
    app.stop().await;
});

app_test!(
    grants_keep_their_reports_and_reminders_come_first,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let coordinator = app.sign_in(Role::Coordinator).await;
        let caseworker = app.sign_in(Role::Caseworker).await;
        let cqtp = cqtp_id(&app, &coordinator).await;
        let grants = format!("/api/v1/coalitions/{cqtp}/grants");
        let today = coalition_today();
        let days = |n: i64| today.saturating_add(jiff::Span::new().days(n)).to_string();

        // The demo: a grant under way with a report past due, one ended with its report
        // submitted; the reminders put the late report first.
        let demo = json_of(app.get_as(&caseworker, &grants).await, 200).await;
        assert_eq!(demo["items"].as_array().unwrap().len(), 2, "{demo}");
        let reminders = json_of(
            app.get_as(&caseworker, &format!("/api/v1/coalitions/{cqtp}/reminders"))
                .await,
            200,
        )
        .await;
        let items = reminders["items"].as_array().unwrap();
        assert_eq!(items[0]["kind"], "report", "{reminders}");
        assert_eq!(items[0]["days"], -20);
        let days_seen: Vec<i64> = items.iter().map(|r| r["days"].as_i64().unwrap()).collect();
        assert!(days_seen.windows(2).all(|w| w[0] <= w[1]), "{days_seen:?}");
        assert!(days_seen.iter().all(|d| *d <= 14), "{days_seen:?}");
        let page = app
            .get_as(&caseworker, &format!("/coalitions/{cqtp}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("en retard de 20 jours"),
            "the workspace shows it"
        );

        // Bad grants, each named; nothing written.
        let grant = |change: Value| {
            let mut body = json!({"funder": "Fondation", "title": "Projet", "amount": "25 000,50 $", "starts_on": days(-30), "ends_on": days(300), "reports": [{"due_on": days(5), "label": "Rapport d’étape"}]});
            for (k, v) in change.as_object().unwrap() {
                body[k] = v.clone();
            }
            body
        };
        for (body, words) in [
            (grant(json!({"funder": " "})), "bailleur"),
            (grant(json!({"amount": "0"})), "plus grand que zéro"),
            (grant(json!({"amount": "beaucoup"})), "beaucoup"),
            (
                grant(json!({"ends_on": days(-40)})),
                "finit avant de commencer",
            ),
            (
                grant(json!({"reports": [{"due_on": days(-60), "label": "Trop tôt"}]})),
                "avant le début",
            ),
            (
                grant(json!({"activities": ["0190c0de-0000-7000-8000-0000000000aa"]})),
                "pas dans le plan",
            ),
        ] {
            let problem = json_of(app.post_json_as(&coordinator, &grants, &body).await, 422).await;
            assert!(
                problem["detail"].as_str().unwrap().contains(words),
                "{words}: {problem}"
            );
        }
        assert_eq!(
            app.post_json_as(&caseworker, &grants, &grant(json!({})))
                .await
                .status(),
            403
        );
        let id = json_of(
            app.post_json_as(&coordinator, &grants, &grant(json!({})))
                .await,
            201,
        )
        .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let listed = json_of(app.get_as(&caseworker, &grants).await, 200).await;
        let saved = listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["id"] == id.as_str())
            .unwrap()
            .clone();
        assert_eq!(saved["amount_cents"], 2_500_050);

        // A report marked submitted from the version read; not in the future, not one not due.
        let path = format!("/api/v1/grants/{id}/reports");
        let submit = |body: Value| {
            let path = path.clone();
            let (client, cookie) = (&app, coordinator.as_str());
            async move { client.put_json_as(cookie, &path, &body).await }
        };
        let problem = json_of(
            submit(json!({"due_on": days(5), "submitted_on": days(1), "version": 1})).await,
            422,
        )
        .await;
        assert!(problem["detail"].as_str().unwrap().contains("futur"));
        let problem = json_of(
            submit(json!({"due_on": days(6), "submitted_on": days(0), "version": 1})).await,
            422,
        )
        .await;
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("Aucun rapport")
        );
        assert_eq!(
            submit(json!({"due_on": days(5), "submitted_on": days(0), "version": 0}))
                .await
                .status(),
            409
        );
        assert_eq!(
            submit(json!({"due_on": days(5), "submitted_on": days(0), "version": 1}))
                .await
                .status(),
            204
        );
        let after = json_of(app.get_as(&caseworker, &grants).await, 200).await;
        let saved = after["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["id"] == id.as_str())
            .unwrap()
            .clone();
        assert_eq!(saved["reports"][0]["submitted_on"], days(0).as_str());

        // The page's form: French amounts; a refusal gives back what was typed.
        let refused = app
            .post_form_as(
                &coordinator,
                &format!("/coalitions/{cqtp}/funding"),
                &[
                    ("funder", "Centraide"),
                    ("title", "Navigation"),
                    ("amount", "12 000"),
                    ("starts_on", "2026-01-01"),
                    ("ends_on", "2025-12-31"),
                ],
            )
            .await;
        assert_eq!(refused.status(), 422);
        let text = refused.text().await.unwrap();
        assert!(text.contains("Centraide") && text.contains("finit avant de commencer"));
        let page = app
            .get_as(&caseworker, &format!("/coalitions/{cqtp}/funding?lang=en"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("$25,000.50") && page.contains("20 days late"),
            "{page}"
        );
        app.stop().await;
    }
);

app_test!(bulletins_reach_the_members_inboxes_and_mail, |backend| {
    let sink = SmtpSink::start(0);
    let app = TestApp::builder(backend).smtp(&sink.url()).start().await;
    let coordinator = app.sign_in(Role::Coordinator).await;
    let caseworker = app.sign_in(Role::Caseworker).await;
    let analyst = app.sign_in(Role::Analyst).await;
    let cqtp = cqtp_id(&app, &coordinator).await;
    let path = format!("/api/v1/coalitions/{cqtp}/bulletins");

    // The demo's bulletin waits in a member's inbox, not in an analyst's.
    let mine = json_of(app.get_as(&caseworker, "/api/v1/bulletins").await, 200).await;
    assert_eq!(mine["unread"], 1, "{mine}");
    let theirs = json_of(app.get_as(&analyst, "/api/v1/bulletins").await, 200).await;
    assert_eq!(theirs["items"], json!([]));
    assert_eq!(app.get("/api/v1/bulletins").await.status(), 401);

    // Bad bulletins are named; only those who run the coalition publish.
    let bulletin = json!({"title_fr": "Kiosques du 22 février", "title_en": "February 22 booths", "body": "Trois bénévoles recherchés."});
    let mut untitled = bulletin.clone();
    untitled["title_en"] = json!(" ");
    let problem = json_of(app.post_json_as(&coordinator, &path, &untitled).await, 422).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("en français et en anglais")
    );
    assert_eq!(
        app.post_json_as(&caseworker, &path, &bulletin)
            .await
            .status(),
        403
    );
    let published = json_of(app.post_json_as(&coordinator, &path, &bulletin).await, 201).await;
    assert!(
        published["recipients"].as_u64().unwrap() >= 3,
        "{published}"
    );
    let id = published["id"].as_str().unwrap().to_owned();

    // The member reads it (it is marked read); an analyst cannot open it.
    let mine = json_of(app.get_as(&caseworker, "/api/v1/bulletins").await, 200).await;
    assert_eq!(mine["items"][0]["bulletin"]["id"], id.as_str());
    assert_eq!(mine["unread"], 2);
    let inbox = app
        .get_as(&caseworker, "/inbox")
        .await
        .text()
        .await
        .unwrap();
    assert!(inbox.contains("Kiosques du 22 février"));
    let opened = json_of(
        app.get_as(&caseworker, &format!("/api/v1/bulletins/{id}"))
            .await,
        200,
    )
    .await;
    assert_eq!(opened["body"], "Trois bénévoles recherchés.");
    assert_eq!(
        app.get_as(&analyst, &format!("/api/v1/bulletins/{id}"))
            .await
            .status(),
        404
    );
    let sent = json_of(app.get_as(&coordinator, &path).await, 200).await;
    assert_eq!(sent["items"][0]["read"], 1, "{sent}");
    // What was sent, with its text, is the staff's list: a member reads their own inbox.
    assert_eq!(app.get_as(&caseworker, &path).await.status(), 403);

    // The e-mail says only that something waits, to the member; never to the analyst.
    let to = mosaique_store::demo_accounts::demo_email(Role::Caseworker);
    let mut mailed = Vec::new();
    for _ in 0..200 {
        mailed = sink.messages();
        if mailed.iter().any(|m| m["to"] == to.as_str()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let mail = mailed
        .iter()
        .find(|m| m["to"] == to.as_str())
        .unwrap_or_else(|| panic!("no e-mail to {to}: {mailed:?}"));
    assert_eq!(
        mail["subject"],
        "Quelque chose vous attend dans Mosaïque / Something is waiting for you in Mosaïque"
    );
    assert!(
        !mail.to_string().contains("Kiosques"),
        "the e-mail names nothing"
    );
    let analyst_email = mosaique_store::demo_accounts::demo_email(Role::Analyst);
    assert!(mailed.iter().all(|m| m["to"] != analyst_email.as_str()));
    app.stop().await;
});
