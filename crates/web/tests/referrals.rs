//! Needs and referrals over HTTP, on SQLite and PostgreSQL: a referral that closes the loop
//! (the receiving organization reads only what consent covers, accepts, joins the team and
//! completes; the sender sees the outcome), a decline that puts the need back, two answers
//! sent at once of which exactly one is kept, expiry, and bad input that writes nothing.
#![allow(clippy::unwrap_used)] // A failed unwrap is a failed test, with its location.

mod common;

use common::{SmtpSink, TestApp};
use mosaique_domain::Role;
use mosaique_store::demo_accounts::{PARTNER_CASEWORKERS, partner_email, partner_totp_secret};
use serde_json::{Value, json};

/// A partner caseworker's session: 0 shelter, 1 clinic, 2 legal clinic.
async fn partner(app: &TestApp, which: usize, later: u64) -> String {
    let (local, _, _) = PARTNER_CASEWORKERS[which];
    app.sign_in_as(&partner_email(local), partner_totp_secret(local), later)
        .await
}

async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let path = response.url().path().to_owned();
    let got = response.status();
    let body = response.text().await.unwrap();
    assert_eq!(got, status, "{path}: {body}");
    serde_json::from_str(&body).unwrap_or(Value::Null)
}

/// The organization id of a partner (0 shelter, 1 clinic, 2 legal clinic), and an active
/// service of it that has room.
async fn partner_service(app: &TestApp, which: usize) -> (String, String) {
    let (_, slug, _) = PARTNER_CASEWORKERS[which];
    let org = app.db.organization_by_slug(slug).await.unwrap().unwrap().id;
    for service in app.db.all_services().await.unwrap() {
        if service.org_id != org {
            continue;
        }
        let receiving = app.db.receiving_service(service.id).await.unwrap().unwrap();
        if receiving.facts.active && receiving.facts.available != Some(0) {
            return (org.to_string(), service.id.to_string());
        }
    }
    panic!("no active service with room at {slug}");
}

/// A new case of the demo caseworker, with a need, and a consent to refer the person to
/// `org` for `categories`. Returns the case and the need.
async fn case_with_need(
    app: &TestApp,
    lead: &str,
    org: &str,
    categories: &[&str],
) -> (String, String) {
    let opened = app
        .post_json_as(
            lead,
            "/api/v1/cases",
            &json!({"alias": format!("Exemple — Référence {}", uuid::Uuid::new_v4()),
                    "name": "Nom Référé Canari", "phone": "514-555-0199"}),
        )
        .await;
    let case = json_of(opened, 201).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let consent = app
        .post_json_as(
            lead,
            &format!("/api/v1/cases/{case}/consents"),
            &json!({
                "purpose": "referral",
                "recipients": [format!("org:{org}")],
                "categories": categories,
                "form": "written",
                "given_on": "2026-01-01",
                "expires_on": "2099-12-31"
            }),
        )
        .await;
    json_of(consent, 201).await;
    let need = app
        .post_json_as(
            lead,
            &format!("/api/v1/cases/{case}/needs"),
            &json!({"domain": "housing_short_term", "urgency": "now",
                    "note": "Lit ce soir, avec son enfant"}),
        )
        .await;
    let need = json_of(need, 201).await["id"].as_str().unwrap().to_owned();
    (case, need)
}

/// The case's needs, as the holder of `cookie` lists them.
async fn needs_of(app: &TestApp, cookie: &str, case: &str) -> Value {
    json_of(
        app.get_as(cookie, &format!("/api/v1/cases/{case}/needs"))
            .await,
        200,
    )
    .await
}

/// The demo caseworker's session, a new case with a need, and a referral of it sent to the
/// shelter (consent covering notes).
async fn sent_to_shelter(app: &TestApp) -> (String, String, String) {
    let lead = app.sign_in(Role::Caseworker).await;
    let (shelter_org, service) = partner_service(app, 0).await;
    let (case, need) = case_with_need(app, &lead, &shelter_org, &["notes"]).await;
    let sent = refer(
        app,
        &lead,
        &case,
        json!({"service_id": service, "needs": [need]}),
    )
    .await;
    let id = json_of(sent, 201).await["id"].as_str().unwrap().to_owned();
    (lead, case, id)
}

async fn refer(app: &TestApp, lead: &str, case: &str, body: Value) -> reqwest::Response {
    app.post_json_as(lead, &format!("/api/v1/cases/{case}/referrals"), &body)
        .await
}

async fn referral(app: &TestApp, who: &str, id: &str) -> Value {
    json_of(
        app.get_as(who, &format!("/api/v1/referrals/{id}")).await,
        200,
    )
    .await
}

async fn step(app: &TestApp, who: &str, id: &str, body: Value) -> reqwest::Response {
    app.post_json_as(who, &format!("/api/v1/referrals/{id}/transitions"), &body)
        .await
}

app_test!(a_referral_closes_the_loop, |backend| {
    let app = TestApp::builder(backend).start().await;
    let lead = app.sign_in(Role::Caseworker).await;
    let (shelter_org, service) = partner_service(&app, 0).await;
    // The person agrees to be referred to the shelter, which may know how to reach her and
    // the notes (the need's category): not her name.
    let (case, need) = case_with_need(&app, &lead, &shelter_org, &["contact", "notes"]).await;
    // How she may be reached travels with every referral, whatever the consent.
    let safety = app
        .put_json_as(
            &lead,
            &format!("/api/v1/cases/{case}/situation"),
            &json!({"contact_safety": {"channel": "through_worker", "do_not_contact": true}}),
        )
        .await;
    assert_eq!(safety.status(), 204);
    let shelter = partner(&app, 0, 0).await;
    // Before any referral, the shelter does not know the case exists.
    let hidden = app.get_as(&shelter, &format!("/api/v1/cases/{case}")).await;
    assert_eq!(hidden.status(), 404);

    let sent = refer(
        &app,
        &lead,
        &case,
        json!({"service_id": service, "needs": [need]}),
    )
    .await;
    let id = json_of(sent, 201).await["id"].as_str().unwrap().to_owned();

    // The shelter's intake queue has it; the referral shows the need's note (notes are
    // consented) and the case's alias.
    let queue = json_of(app.get_as(&shelter, "/api/v1/referrals").await, 200).await;
    assert!(
        queue["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == id.as_str() && r["status"] == "sent"),
        "{queue}"
    );
    // The shelter's inbox says a referral waits, naming no one; opening it reads the notice.
    let inbox = json_of(app.get_as(&shelter, "/api/v1/inbox").await, 200).await;
    assert_eq!(inbox["unread"], 1, "{inbox}");
    assert_eq!(inbox["items"][0]["kind"], "referral_received");
    assert_eq!(inbox["items"][0]["referral_id"], id.as_str());
    assert!(
        !inbox.to_string().contains("Référence"),
        "no alias in a notice: {inbox}"
    );
    let seen = referral(&app, &shelter, &id).await;
    let inbox = json_of(app.get_as(&shelter, "/api/v1/inbox").await, 200).await;
    assert_eq!(inbox["unread"], 0, "{inbox}");
    assert_eq!(seen["needs"][0]["note"], "Lit ce soir, avec son enfant");
    assert_eq!(seen["urgency"], "now");
    assert_eq!(seen["contact_safety"]["do_not_contact"], true);
    assert_eq!(seen["contact_safety"]["channel"], "through_worker");
    assert!(seen["expires_at"].is_string());
    // The case, as the receiving organization reads it: what consent covers, no more.
    let read = json_of(
        app.get_as(&shelter, &format!("/api/v1/cases/{case}")).await,
        200,
    )
    .await;
    assert_eq!(read["contact"]["phone"], "514-555-0199");
    assert!(read.get("identity").is_none(), "{read}");
    let text = read.to_string();
    assert!(!text.contains("Nom Référé Canari"), "{text}");
    // Another partner, with no referral and no consent, still does not see it.
    let clinic = partner(&app, 1, 0).await;
    let other = app
        .get_as(&clinic, &format!("/api/v1/referrals/{id}"))
        .await;
    assert_eq!(other.status(), 404);
    assert_eq!(
        app.get_as(&clinic, &format!("/api/v1/cases/{case}"))
            .await
            .status(),
        404
    );

    // The sender may not answer it; the receiver may not cancel it.
    let version = seen["version"].as_i64().unwrap();
    let wrong_side = step(
        &app,
        &lead,
        &id,
        json!({"event": "accept", "version": version}),
    )
    .await;
    assert_eq!(wrong_side.status(), 404);
    let wrong_side = step(
        &app,
        &shelter,
        &id,
        json!({"event": "cancel", "version": version}),
    )
    .await;
    assert_eq!(wrong_side.status(), 404);

    // Accepted: the one who accepts joins the team.
    let accepted = step(
        &app,
        &shelter,
        &id,
        json!({"event": "accept", "version": version}),
    )
    .await;
    assert_eq!(accepted.status(), 204);
    let read = json_of(
        app.get_as(&shelter, &format!("/api/v1/cases/{case}")).await,
        200,
    )
    .await;
    assert_eq!(read["role"], "team_member", "{read}");
    // An illegal move is refused plainly: accepted is not declined.
    let seen = referral(&app, &shelter, &id).await;
    let version = seen["version"].as_i64().unwrap();
    let illegal = step(
        &app,
        &shelter,
        &id,
        json!({"event": "decline", "reason": "no_capacity", "version": version}),
    )
    .await;
    let problem = json_of(illegal, 409).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("Acceptée"),
        "{problem}"
    );
    let started = step(
        &app,
        &shelter,
        &id,
        json!({"event": "start", "version": version}),
    )
    .await;
    assert_eq!(started.status(), 204);
    let completed = step(
        &app,
        &shelter,
        &id,
        json!({"event": "complete", "outcome": "served", "version": version + 1,
               "note": "Hébergée trois nuits"}),
    )
    .await;
    assert_eq!(completed.status(), 204);

    // The sender's inbox: answered (accepted, then completed).
    let inbox = json_of(app.get_as(&lead, "/api/v1/inbox").await, 200).await;
    let answered = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "referral_answered")
        .count();
    assert_eq!(answered, 2, "{inbox}");
    // The sender sees the outcome and the history; the need is met.
    let closed = referral(&app, &lead, &id).await;
    assert_eq!(closed["status"], "completed");
    assert_eq!(closed["outcome"], "served");
    let moves: Vec<&str> = closed["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["to"].as_str().unwrap())
        .collect();
    assert_eq!(moves, ["sent", "accepted", "in_progress", "completed"]);
    assert_eq!(closed["history"][3]["note"], "Hébergée trois nuits");
    let needs = needs_of(&app, &lead, &case).await;
    assert_eq!(needs["items"][0]["status"], "met", "{needs}");
    let case_view = json_of(
        app.get_as(&lead, &format!("/api/v1/cases/{case}")).await,
        200,
    )
    .await;
    assert_eq!(case_view["referrals"][0]["status"], "completed");
    // Every move is on the audit trail.
    let actions = mosaique_store::testing::audit_actions(&app.db, "referral", &id).await;
    for action in ["referral.answer", "referral.read"] {
        assert!(actions.iter().any(|a| a == action), "{actions:?}");
    }
    app.stop().await;
});

app_test!(
    a_declined_referral_puts_the_need_back_and_can_be_sent_elsewhere,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let lead = app.sign_in(Role::Caseworker).await;
        let (shelter_org, service) = partner_service(&app, 0).await;
        let (case, need) = case_with_need(&app, &lead, &shelter_org, &["notes"]).await;
        // A draft first: not in the shelter's queue until it is sent.
        let draft = refer(
            &app,
            &lead,
            &case,
            json!({"service_id": service, "needs": [need], "send": false}),
        )
        .await;
        let id = json_of(draft, 201).await["id"].as_str().unwrap().to_owned();
        let shelter = partner(&app, 0, 0).await;
        let queue = json_of(app.get_as(&shelter, "/api/v1/referrals").await, 200).await;
        assert!(!queue.to_string().contains(&id), "a draft is not sent");
        // While a referral of it is under way, the same need is not referred there twice.
        let twice = refer(
            &app,
            &lead,
            &case,
            json!({"service_id": service, "needs": [need]}),
        )
        .await;
        assert_eq!(twice.status(), 422);
        let version = referral(&app, &lead, &id).await["version"]
            .as_i64()
            .unwrap();
        let sent = step(
            &app,
            &lead,
            &id,
            json!({"event": "send", "version": version}),
        )
        .await;
        assert_eq!(sent.status(), 204);
        let needs = needs_of(&app, &lead, &case).await;
        assert_eq!(needs["items"][0]["answered_by"]["referral_status"], "sent");

        // Declined without a reason: refused, nothing written.
        let no_reason = step(
            &app,
            &shelter,
            &id,
            json!({"event": "decline", "version": version + 1}),
        )
        .await;
        assert_eq!(no_reason.status(), 422);
        let declined = step(
            &app,
            &shelter,
            &id,
            json!({"event": "decline", "reason": "no_capacity", "version": version + 1,
                   "note": "Complet ce soir"}),
        )
        .await;
        assert_eq!(declined.status(), 204);
        let seen = referral(&app, &lead, &id).await;
        assert_eq!(seen["decline_reason"], "no_capacity");
        // The need is open and unanswered again: it may go to the same service later.
        let needs = needs_of(&app, &lead, &case).await;
        assert_eq!(needs["items"][0]["status"], "open");
        assert!(needs["items"][0].get("answered_by").is_none(), "{needs}");
        let again = refer(
            &app,
            &lead,
            &case,
            json!({"service_id": service, "needs": [need]}),
        )
        .await;
        let again = json_of(again, 201).await["id"].as_str().unwrap().to_owned();
        // The declined one opened nothing more; the new one is live: the shelter reads the
        // case until the sender cancels it.
        assert_eq!(
            app.get_as(&shelter, &format!("/api/v1/cases/{case}"))
                .await
                .status(),
            200
        );
        let version = referral(&app, &lead, &again).await["version"]
            .as_i64()
            .unwrap();
        let cancelled = step(
            &app,
            &lead,
            &again,
            json!({"event": "cancel", "version": version}),
        )
        .await;
        assert_eq!(cancelled.status(), 204);
        assert_eq!(
            app.get_as(&shelter, &format!("/api/v1/cases/{case}"))
                .await
                .status(),
            404
        );
        app.stop().await;
    }
);

app_test!(of_two_answers_sent_at_once_exactly_one_is_kept, |backend| {
    let app = TestApp::builder(backend).start().await;
    let (lead, _, id) = sent_to_shelter(&app).await;
    let shelter = partner(&app, 0, 0).await;
    let version = referral(&app, &shelter, &id).await["version"]
        .as_i64()
        .unwrap();
    // The shelter accepts while the sender cancels, from the same version.
    let accept = step(
        &app,
        &shelter,
        &id,
        json!({"event": "accept", "version": version}),
    );
    let cancel = step(
        &app,
        &lead,
        &id,
        json!({"event": "cancel", "version": version}),
    );
    let (accept, cancel) = tokio::join!(accept, cancel);
    let statuses = [accept.status().as_u16(), cancel.status().as_u16()];
    assert!(
        statuses.contains(&204) && statuses.contains(&409),
        "{statuses:?}"
    );
    let after = referral(&app, &lead, &id).await;
    let expected = if statuses[0] == 204 {
        "accepted"
    } else {
        "cancelled"
    };
    assert_eq!(after["status"], expected);
    assert_eq!(after["history"].as_array().unwrap().len(), 2, "{after}");
    app.stop().await;
});

app_test!(an_unanswered_referral_expires, |backend| {
    let app = TestApp::builder(backend).start().await;
    let (lead, case, id) = sent_to_shelter(&app).await;
    // Nothing is due yet.
    assert_eq!(app.state.app.expire_overdue_referrals().await.unwrap(), 0);
    // Its delay runs out (the clock moved on).
    mosaique_store::testing::age_referral(&app.db, &id, 3 * 3_600_000).await;
    assert_eq!(app.state.app.expire_overdue_referrals().await.unwrap(), 1);
    assert_eq!(app.state.app.expire_overdue_referrals().await.unwrap(), 0);
    let seen = referral(&app, &lead, &id).await;
    assert_eq!(seen["status"], "expired");
    assert!(seen["history"][1]["by"].is_null(), "the clock: {seen}");
    let needs = needs_of(&app, &lead, &case).await;
    assert!(needs["items"][0].get("answered_by").is_none());
    // The shelter may no longer read the case.
    let shelter = partner(&app, 0, 0).await;
    assert_eq!(
        app.get_as(&shelter, &format!("/api/v1/cases/{case}"))
            .await
            .status(),
        404
    );
    app.stop().await;
});

app_test!(
    bad_referrals_get_a_clear_error_and_write_nothing,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let lead = app.sign_in(Role::Caseworker).await;
        let (shelter_org, service) = partner_service(&app, 0).await;
        let (_, clinic_service) = partner_service(&app, 1).await;
        let (case, need) = case_with_need(&app, &lead, &shelter_org, &["notes"]).await;
        let problem_of = |r: reqwest::Response| async move {
            let status = r.status().as_u16();
            let body: Value = r.json().await.unwrap();
            (
                status,
                body["detail"].as_str().unwrap_or_default().to_owned(),
            )
        };
        // No consent names the clinic.
        let (status, detail) = problem_of(
            refer(
                &app,
                &lead,
                &case,
                json!({"service_id": clinic_service, "needs": [need]}),
            )
            .await,
        )
        .await;
        assert_eq!(status, 422);
        assert!(detail.contains("consentement"), "{detail}");
        // No need, an unknown service, a need of another case, an unknown domain.
        for (body, words) in [
            (
                json!({"service_id": service, "needs": []}),
                "au moins un besoin",
            ),
            (
                json!({"service_id": uuid::Uuid::new_v4().to_string(), "needs": [need]}),
                "n’existe pas",
            ),
            (
                json!({"service_id": service, "needs": [uuid::Uuid::new_v4().to_string()]}),
                "besoin ouvert",
            ),
            (
                json!({"service_id": "pas-un-id", "needs": [need]}),
                "service_id",
            ),
        ] {
            let (status, detail) = problem_of(refer(&app, &lead, &case, body).await).await;
            assert_eq!(status, 422, "{detail}");
            assert!(detail.contains(words), "{detail}");
        }
        // A service that takes no one now (the clinic's inactive dental care), and one that is
        // full (the shelter's, its beds all taken): refused before anything else.
        let services = app.db.all_services().await.unwrap();
        let inactive = services
            .iter()
            .find(|s| s.status != mosaique_domain::service::ServiceStatus::Active)
            .unwrap();
        let body = json!({"service_id": inactive.id.to_string(), "needs": [need]});
        let (status, detail) = problem_of(refer(&app, &lead, &case, body).await).await;
        assert_eq!(status, 422);
        assert!(detail.contains("n’accueille personne"), "{detail}");
        let shelter_service = services
            .iter()
            .find(|s| s.id.to_string() == service)
            .unwrap();
        let beds = |free| {
            mosaique_store::testing::set_capacity(
                &app.db,
                shelter_service,
                mosaique_domain::service::CapacityUnit::Beds,
                free,
                Some(10),
            )
        };
        beds(0).await;
        let body = json!({"service_id": service, "needs": [need]});
        let (status, detail) = problem_of(refer(&app, &lead, &case, body).await).await;
        assert_eq!(status, 422);
        assert!(detail.contains("plus de place"), "{detail}");
        beds(2).await;
        let needed = app
            .post_json_as(
                &lead,
                &format!("/api/v1/cases/{case}/needs"),
                &json!({"domain": "elsewhere", "urgency": "now"}),
            )
            .await;
        assert_eq!(needed.status(), 422);
        // In English when asked.
        let english = app
            .client
            .post(app.url(&format!("/api/v1/cases/{case}/referrals?lang=en")))
            .header("cookie", &lead)
            .json(&json!({"service_id": clinic_service, "needs": [need]}))
            .send()
            .await
            .unwrap();
        let (status, detail) = problem_of(english).await;
        assert_eq!(status, 422);
        assert!(detail.contains("No live consent"), "{detail}");
        // Nothing was written: no referral on the case, the need unanswered.
        let view = json_of(
            app.get_as(&lead, &format!("/api/v1/cases/{case}")).await,
            200,
        )
        .await;
        assert_eq!(view["referrals"].as_array().unwrap().len(), 0);
        assert_eq!(view["needs"].as_array().unwrap().len(), 1);
        // An unknown event; the clock's own event is not a caller's.
        let sent = refer(
            &app,
            &lead,
            &case,
            json!({"service_id": service, "needs": [need]}),
        )
        .await;
        let id = json_of(sent, 201).await["id"].as_str().unwrap().to_owned();
        let shelter = partner(&app, 0, 0).await;
        for event in ["teleport", "expire"] {
            let moved = step(&app, &shelter, &id, json!({"event": event, "version": 1})).await;
            assert_eq!(moved.status(), 422, "{event}");
        }
        // A stale version.
        let stale = step(
            &app,
            &shelter,
            &id,
            json!({"event": "accept", "version": 99}),
        )
        .await;
        assert_eq!(stale.status(), 409);
        assert_eq!(referral(&app, &lead, &id).await["status"], "sent");
        app.stop().await;
    }
);

app_test!(
    matches_meet_the_situation_and_say_why_and_the_rest_say_why_not,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let lead = app.sign_in(Role::Caseworker).await;
        let opened = app
            .post_json_as(
                &lead,
                "/api/v1/cases",
                &json!({"alias": "Exemple — Appariement", "city": "Montréal"}),
            )
            .await;
        let case = json_of(opened, 201).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        // No need yet: nothing to match.
        let none = app
            .get_as(&lead, &format!("/api/v1/cases/{case}/matches"))
            .await;
        assert_eq!(none.status(), 400);
        let situation = app
            .put_json_as(
                &lead,
                &format!("/api/v1/cases/{case}/situation"),
                &json!({
                    "identity": {"age_group": "adult", "gender": "woman", "languages": ["ES"]},
                    "health": {"substance_use": true},
                    "immigration": {"status": "no_status"},
                    "contact_safety": {"channel": "text", "safe_times": "après 18 h",
                                       "no_message": true}
                }),
            )
            .await;
        assert_eq!(situation.status(), 204);
        let need = app
            .post_json_as(
                &lead,
                &format!("/api/v1/cases/{case}/needs"),
                &json!({"domain": "housing_short_term", "urgency": "now"}),
            )
            .await;
        json_of(need, 201).await;
        let found = json_of(
            app.get_as(&lead, &format!("/api/v1/cases/{case}/matches"))
                .await,
            200,
        )
        .await;
        assert_eq!(found["domain"], "housing_short_term");
        assert_eq!(found["urgency"], "now");
        assert_eq!(found["near"], "Montréal");
        assert_eq!(
            found["requirements"],
            json!(["gender:women", "substance_use", "any_status", "language:es"])
        );
        let matches = found["matches"].as_array().unwrap();
        // Every match meets every requirement, checked against the directory itself.
        let services = app.db.all_services().await.unwrap();
        let mut last = u64::MAX;
        for m in matches {
            let id = m["service_id"].as_str().unwrap();
            let s = services.iter().find(|s| s.id.to_string() == id).unwrap();
            let e = &s.eligibility;
            assert!(
                matches!(
                    e.gender,
                    mosaique_domain::service::GenderServed::All
                        | mosaique_domain::service::GenderServed::Women
                ) && e.substance_use
                    && e.any_status
                    && s.languages.iter().any(|l| l == "es"),
                "{m}"
            );
            assert!(
                s.domains
                    .contains(&mosaique_domain::ServiceDomain::HousingShortTerm)
            );
            assert!(m["distance_km"].as_f64().unwrap() <= 50.0, "{m}");
            let score = m["score"].as_u64().unwrap();
            assert!(score <= last, "ranked by score");
            last = score;
            let points: u64 = m["reasons"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["points"].as_u64().unwrap())
                .sum();
            assert_eq!(points, score, "the reasons add up: {m}");
            assert!(!m["why"].as_str().unwrap().is_empty());
        }
        // Those left out say which requirement they miss, and are not among the matches.
        for e in found["excluded"].as_array().unwrap() {
            assert!(!e["reasons"].as_array().unwrap().is_empty(), "{e}");
            assert!(
                !matches.iter().any(|m| m["service_id"] == e["service_id"]),
                "{e}"
            );
        }
        assert!(
            !found["excluded"].as_array().unwrap().is_empty(),
            "some shelter of Montréal asks for a status or speaks no Spanish: {found}"
        );
        // Elsewhere, farther, in English; bad places and radii are refused plainly.
        let english = json_of(
            app.get_as(
                &lead,
                &format!("/api/v1/cases/{case}/matches?place=Québec&radius_km=100&lang=en"),
            )
            .await,
            200,
        )
        .await;
        assert_eq!(english["near"], "Québec");
        for query in [
            "place=Nulle-Part-Du-Tout",
            "radius_km=0",
            "radius_km=abc",
            "domain=x",
        ] {
            let refused = app
                .get_as(&lead, &format!("/api/v1/cases/{case}/matches?{query}"))
                .await;
            assert_eq!(refused.status(), 400, "{query}");
        }
        // The situation and the contact safety are on the case.
        let view = json_of(
            app.get_as(&lead, &format!("/api/v1/cases/{case}")).await,
            200,
        )
        .await;
        assert_eq!(view["situation"]["languages"], json!(["es"]));
        assert_eq!(view["contact_safety"]["channel"], "text");
        assert_eq!(view["contact_safety"]["no_message"], true);
        // A language that is not a code is refused, and nothing changes.
        let bad = app
            .put_json_as(
                &lead,
                &format!("/api/v1/cases/{case}/situation"),
                &json!({"identity": {"languages": ["espagnol"]}}),
            )
            .await;
        assert_eq!(bad.status(), 422);
        let view = json_of(
            app.get_as(&lead, &format!("/api/v1/cases/{case}")).await,
            200,
        )
        .await;
        assert_eq!(view["situation"]["languages"], json!(["es"]));
        app.stop().await;
    }
);

app_test!(
    an_intake_opens_a_case_with_its_needs_under_the_entry_model,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let caseworker = app.sign_in(Role::Caseworker).await;
        let coordinator = app.sign_in(Role::Coordinator).await;
        let intake = json!({
            "needs": [{"domain": "housing_short_term", "urgency": "within_24h",
                       "note": "Avec deux enfants"}],
            "city": "Laval",
            "unsafe_now": true,
            "identity": {"age_group": "adult", "gender": "woman", "languages": ["tl"],
                         "dependants": true},
            "immigration": {"status": "unknown"},
            "contact_safety": {"channel": "text", "no_message": true}
        });
        // Several points of entry (the default): a member organization takes it.
        let taken = app
            .post_json_as(&caseworker, "/api/v1/intakes", &intake)
            .await;
        let taken = json_of(taken, 201).await;
        let case = taken["id"].as_str().unwrap();
        assert!(taken["reference"].is_string());
        let view = json_of(
            app.get_as(&caseworker, &format!("/api/v1/cases/{case}"))
                .await,
            200,
        )
        .await;
        assert!(
            view["alias"].as_str().unwrap().starts_with("Accueil "),
            "pseudonymous by default: {view}"
        );
        assert!(view.get("identity").unwrap()["name"].is_null());
        assert_eq!(view["whereabouts"]["city"], "Laval");
        let domains: Vec<&str> = view["needs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["domain"].as_str().unwrap())
            .collect();
        // Not safe now: immediate safety first, now.
        assert_eq!(domains, ["immediate_safety", "housing_short_term"]);
        assert_eq!(view["needs"][0]["urgency"], "now");
        assert_eq!(view["situation"]["languages"], json!(["tl"]));
        assert_eq!(view["situation"]["immigration_status"], "unknown");
        assert_eq!(view["contact_safety"]["no_message"], true);

        // Nothing needed: refused, no case opened.
        let before = json_of(app.get_as(&caseworker, "/api/v1/cases").await, 200).await["items"]
            .as_array()
            .unwrap()
            .len();
        let empty = app
            .post_json_as(&caseworker, "/api/v1/intakes", &json!({"needs": []}))
            .await;
        assert_eq!(empty.status(), 422);
        let bad_language = app
            .post_json_as(
                &caseworker,
                "/api/v1/intakes",
                &json!({"needs": [{"domain": "health", "urgency": "now"}],
                        "identity": {"languages": ["tagalog"]}}),
            )
            .await;
        assert_eq!(bad_language.status(), 422);
        let after = json_of(app.get_as(&caseworker, "/api/v1/cases").await, 200).await["items"]
            .as_array()
            .unwrap()
            .len();
        assert_eq!(before, after, "nothing half-written");

        // A single point of entry: the coordinators take every intake.
        let admin = app.sign_in(Role::CoalitionAdmin).await;
        let set = app
            .put_json_as(
                &admin,
                "/api/v1/settings/entry-model",
                &json!({"model": "single"}),
            )
            .await;
        assert_eq!(set.status(), 204);
        let refused = app
            .post_json_as(&caseworker, "/api/v1/intakes", &intake)
            .await;
        assert_eq!(refused.status(), 403);
        let taken = app
            .post_json_as(&coordinator, "/api/v1/intakes", &intake)
            .await;
        let taken = json_of(taken, 201).await;
        let view = json_of(
            app.get_as(
                &coordinator,
                &format!("/api/v1/cases/{}", taken["id"].as_str().unwrap()),
            )
            .await,
            200,
        )
        .await;
        assert_eq!(view["lead"], "coalition");
        assert_eq!(view["role"], "lead_worker");
        let unknown = app
            .put_json_as(
                &admin,
                "/api/v1/settings/entry-model",
                &json!({"model": "everyone"}),
            )
            .await;
        assert_eq!(unknown.status(), 422);
        // The agreements page says which model holds, and its form opens several doors again.
        let page = app
            .get_as(&admin, "/agreements")
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("guichet unique"), "{page}");
        let reopened = app
            .post_form_as(&admin, "/agreements/entry-model", &[("unused", "")])
            .await;
        assert_eq!(reopened.status(), 303);
        let taken = app
            .post_json_as(&caseworker, "/api/v1/intakes", &intake)
            .await;
        assert_eq!(taken.status(), 201);
        app.stop().await;
    }
);

app_test!(the_desk_shows_what_waits_and_who_is_on_call, |backend| {
    let app = TestApp::builder(backend).start().await;
    let coordinator = app.sign_in(Role::Coordinator).await;
    // An urgent intake at the coalition's desk.
    let taken = app
        .post_json_as(
            &coordinator,
            "/api/v1/intakes",
            &json!({"alias": "Exemple — Bureau", "unsafe_now": true,
                        "needs": [{"domain": "housing_short_term", "urgency": "within_24h"}]}),
        )
        .await;
    let case = json_of(taken, 201).await["id"].as_str().unwrap().to_owned();
    let desk = json_of(app.get_as(&coordinator, "/api/v1/desk").await, 200).await;
    assert!(
        desk["intakes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["case_id"] == case.as_str()),
        "{desk}"
    );
    // Both needs are urgent and nothing answers them yet.
    let urgent: Vec<&Value> = desk["urgent"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["case_id"] == case.as_str())
        .collect();
    assert_eq!(urgent.len(), 2, "{desk}");
    assert_eq!(desk["desk_counts"][2].as_i64().unwrap(), 2);
    let admin = app.sign_in(Role::CoalitionAdmin).await;
    // On call: tonight's coordinator, with a handover; bad times and addresses refused.
    let now = mosaique_domain::time::local_date_time(
        mosaique_domain::Timestamp(mosaique_app::App::now_ms() - 60_000),
        mosaique_domain::time::DEFAULT_TIME_ZONE,
    )
    .replace(' ', "T");
    let later = mosaique_domain::time::local_date_time(
        mosaique_domain::Timestamp(mosaique_app::App::now_ms() + 8 * 3_600_000),
        mosaique_domain::time::DEFAULT_TIME_ZONE,
    )
    .replace(' ', "T");
    let email = mosaique_store::demo_accounts::demo_email(Role::Coordinator);
    let added = app
        .post_json_as(
            &admin,
            "/api/v1/desk/shifts",
            &json!({"email": email, "starts_at": now, "ends_at": later,
                        "handover": "Rappeler le dossier de la ligne 2 avant minuit"}),
        )
        .await;
    assert_eq!(added.status(), 201);
    for (body, words) in [
        (
            json!({"email": "personne@exemple.ca", "starts_at": now, "ends_at": later}),
            "coordonn",
        ),
        (
            json!({"email": email, "starts_at": later, "ends_at": now}),
            "précède",
        ),
        (
            json!({"email": email, "starts_at": "demain", "ends_at": later}),
            "AAAA-MM-JJ",
        ),
    ] {
        let refused = app.post_json_as(&admin, "/api/v1/desk/shifts", &body).await;
        let problem = json_of(refused, 422).await;
        assert!(
            problem["detail"].as_str().unwrap().contains(words),
            "{problem}"
        );
    }
    let desk = json_of(app.get_as(&coordinator, "/api/v1/desk").await, 200).await;
    let shifts = desk["on_call"].as_array().unwrap();
    assert_eq!(shifts.len(), 1, "{desk}");
    assert_eq!(shifts[0]["now"], true);
    assert_eq!(
        shifts[0]["handover"],
        "Rappeler le dossier de la ligne 2 avant minuit"
    );
    // The page says the same.
    let page = app
        .get_as(&coordinator, "/desk")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Exemple — Bureau") && page.contains("avant minuit"));
    // Caseworkers have their own queue, not the desk.
    let caseworker = app.sign_in(Role::Caseworker).await;
    assert_eq!(app.get_as(&caseworker, "/api/v1/desk").await.status(), 403);
    app.stop().await;
});

app_test!(
    a_transfer_moves_the_lead_where_consent_names_it,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let lead = app.sign_in(Role::Caseworker).await;
        let (clinic_org, _) = partner_service(&app, 1).await;
        let (case, _) = case_with_need(&app, &lead, &clinic_org, &["notes"]).await;
        let (clinic_email, shelter_email) = (
            partner_email(PARTNER_CASEWORKERS[1].0),
            partner_email(PARTNER_CASEWORKERS[0].0),
        );
        let version = |view: &Value| view["version"].as_i64().unwrap();
        let view = json_of(
            app.get_as(&lead, &format!("/api/v1/cases/{case}")).await,
            200,
        )
        .await;
        let transfer = |email: String, version: i64| {
            let (app, lead, case) = (&app, lead.clone(), case.clone());
            async move {
                app.post_json_as(
                    &lead,
                    &format!("/api/v1/cases/{case}/transfer"),
                    &json!({"email": email, "version": version}),
                )
                .await
            }
        };
        // No consent names the shelter; the lead's own organization is no transfer.
        assert_eq!(transfer(shelter_email, version(&view)).await.status(), 422);
        let own = mosaique_store::demo_accounts::demo_email(Role::Caseworker);
        assert_eq!(transfer(own, version(&view)).await.status(), 422);
        assert_eq!(transfer(clinic_email.clone(), 999).await.status(), 409);
        assert_eq!(transfer(clinic_email, version(&view)).await.status(), 204);
        // The clinic leads; its worker holds the case; the previous lead stays a member
        // and sees what consent gives it (nothing names it: no category).
        let clinic = partner(&app, 1, 0).await;
        let now = json_of(
            app.get_as(&clinic, &format!("/api/v1/cases/{case}")).await,
            200,
        )
        .await;
        assert_eq!(now["lead"], clinic_org.as_str());
        assert_eq!(now["role"], "lead_worker");
        assert_eq!(now["disclosed"].as_array().unwrap().len(), 8);
        let before = json_of(
            app.get_as(&lead, &format!("/api/v1/cases/{case}")).await,
            200,
        )
        .await;
        assert_eq!(before["role"], "team_member");
        assert!(
            before["disclosed"].as_array().unwrap().is_empty(),
            "{before}"
        );
        // Only the lead worker hands a case over.
        let again = app
            .post_json_as(
                &lead,
                &format!("/api/v1/cases/{case}/transfer"),
                &json!({"email": "x@y.z", "version": version(&now)}),
            )
            .await;
        assert_eq!(again.status(), 404);
        app.stop().await;
    }
);

app_test!(
    the_inbox_is_mailed_saying_only_that_something_waits,
    |backend| {
        // The first delivery fails (451): the notice is given back and mailed the next round.
        let sink = SmtpSink::start(1);
        let app = TestApp::builder(backend).smtp(&sink.url()).start().await;
        let (lead, case, id) = sent_to_shelter(&app).await;
        let (local, slug, _) = PARTNER_CASEWORKERS[0];
        let shelter = app.db.organization_by_slug(slug).await.unwrap().unwrap();
        let alias = json_of(
            app.get_as(&lead, &format!("/api/v1/cases/{case}")).await,
            200,
        )
        .await["alias"]
            .as_str()
            .unwrap()
            .to_owned();

        let received = sink.wait_for(1).await;
        let mail = &received[0];
        assert_eq!(mail["envelope_to"], json!([partner_email(local)]));
        assert_eq!(mail["to"], json!(partner_email(local)));
        assert_eq!(
            mail["subject"],
            "Quelque chose vous attend dans Mosaïque / Something is waiting for you in Mosaïque"
        );
        assert_eq!(mail["content_type"], "text/plain");
        assert_eq!(mail["charset"], "utf-8");
        let body = mail["body"].as_str().unwrap();
        assert_eq!(body.matches("http://127.0.0.1/inbox").count(), 2, "{body}");
        assert!(body.find("Ouvrez").unwrap() < body.find("Open your inbox").unwrap());
        // Never what or who.
        for secret in [
            alias.as_str(),
            "Nom Référé Canari",
            "514-555-0199",
            "Lit ce soir",
            &shelter.name.fr,
            &case,
            &id,
        ] {
            assert!(!body.contains(secret), "{secret:?} in {body}");
            assert!(!mail["subject"].as_str().unwrap().contains(secret));
        }

        // The answer tells the sender, once.
        let receiver = partner(&app, 0, 0).await;
        let version = referral(&app, &receiver, &id).await["version"]
            .as_i64()
            .unwrap();
        let accepted = step(
            &app,
            &receiver,
            &id,
            json!({"event": "accept", "version": version}),
        )
        .await;
        assert_eq!(accepted.status(), 204, "{}", accepted.text().await.unwrap());
        let both = sink.wait_for(2).await;
        assert_eq!(
            both[1]["envelope_to"],
            json!([mosaique_store::demo_accounts::demo_email(Role::Caseworker)])
        );
        tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
        assert_eq!(sink.messages().len(), 2, "nothing is mailed twice");
        // The inbox keeps the notices that were mailed.
        let inbox = json_of(app.get_as(&lead, "/api/v1/inbox").await, 200).await;
        assert_eq!(inbox["items"][0]["kind"], "referral_answered", "{inbox}");
        app.stop().await;
    }
);

app_test!(
    a_referral_from_the_form_can_go_to_a_named_worker,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let lead = app.sign_in(Role::Caseworker).await;
        let (shelter_org, service) = partner_service(&app, 0).await;
        let (case, need) = case_with_need(&app, &lead, &shelter_org, &["notes"]).await;
        let page = app
            .get_as(
                &lead,
                &format!("/cases/{case}/matches?domain=housing_short_term"),
            )
            .await
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("name=\"to_email\""),
            "the form offers a named worker"
        );
        let refer_by_form = |email: String| {
            let (app, lead) = (&app, lead.clone());
            let (path, service, need) = (
                format!("/cases/{case}/referrals"),
                service.clone(),
                need.clone(),
            );
            async move {
                let form = [
                    ("service_id", service.as_str()),
                    ("needs", need.as_str()),
                    ("to_email", email.as_str()),
                ];
                app.post_form_as(&lead, &path, &form).await
            }
        };
        // An address that names nobody, or a worker of another organization, is refused the same
        // way, in words, and nothing is sent.
        let clinic_worker = partner_email(PARTNER_CASEWORKERS[1].0);
        for email in ["personne@exemple.invalid".to_owned(), clinic_worker] {
            let refused = refer_by_form(email.clone()).await;
            assert_eq!(refused.status(), 422, "{email}");
            let text = refused.text().await.unwrap();
            assert!(
                text.contains("ne travaille pas à l’organisme de ce service"),
                "{email}: {text}"
            );
        }
        assert_eq!(
            needs_of(&app, &lead, &case).await["items"][0]["status"],
            "open"
        );
        // The shelter's own caseworker: the referral names her.
        let (local, _, name) = PARTNER_CASEWORKERS[0];
        let sent = refer_by_form(partner_email(local)).await;
        assert_eq!(sent.status(), 303, "{}", sent.text().await.unwrap());
        let location = sent.headers()["location"].to_str().unwrap().to_owned();
        let id = location.trim_start_matches("/referrals/");
        assert_eq!(referral(&app, &lead, id).await["to_user"], name);
        app.stop().await;
    }
);
