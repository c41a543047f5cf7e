//! Shared cases over HTTP, on SQLite and PostgreSQL: the demo's three cases as each member
//! sees them, a consent given then withdrawn through the API, police without consent, and
//! bad input that gets a clear problem and writes nothing.
#![allow(clippy::unwrap_used)] // A failed unwrap is a failed test, with its location.

mod common;

use common::TestApp;
use mosaique_domain::Role;
use mosaique_store::demo_accounts::{
    PARTNER_CASEWORKERS, demo_email, partner_email, partner_totp_secret,
};
use serde_json::{Value, json};

/// A partner caseworker's session: 0 shelter, 1 clinic, 2 legal clinic.
async fn partner(app: &TestApp, which: usize, later: u64) -> String {
    let (local, _, _) = PARTNER_CASEWORKERS[which];
    app.sign_in_as(&partner_email(local), partner_totp_secret(local), later)
        .await
}

async fn json_of(response: reqwest::Response, status: u16) -> Value {
    assert_eq!(response.status(), status, "{:?}", response.url().path());
    response.json().await.unwrap()
}

/// The demo case with this alias, as the holder of `cookie` lists it.
async fn case_id(app: &TestApp, cookie: &str, alias: &str) -> Option<String> {
    let list = json_of(app.get_as(cookie, "/api/v1/cases").await, 200).await;
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["alias"] == alias)
        .map(|c| c["id"].as_str().unwrap().to_owned())
}

/// A page's HTML as the holder of `cookie` gets it.
async fn page_of(app: &TestApp, cookie: &str, path: &str) -> String {
    app.get_as(cookie, path).await.text().await.unwrap()
}

/// A case as the holder of `cookie` reads it over the API.
async fn case_json(app: &TestApp, cookie: &str, case: &str) -> Value {
    json_of(
        app.get_as(cookie, &format!("/api/v1/cases/{case}")).await,
        200,
    )
    .await
}

/// Closes a case through its page, from `version`.
async fn close(app: &TestApp, cookie: &str, case: &str, version: i64) -> reqwest::Response {
    app.post_form_as(
        cookie,
        &format!("/cases/{case}/status"),
        &[
            ("event", "close"),
            ("reason", "goals_met"),
            ("version", &version.to_string()),
        ],
    )
    .await
}

fn disclosed(case: &Value) -> Vec<&str> {
    case["disclosed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect()
}

app_test!(each_member_sees_what_the_person_consented_to, |backend| {
    let app = TestApp::builder(backend).start().await;
    let lead = app.sign_in(Role::Caseworker).await;
    let rose = case_id(&app, &lead, "Exemple — Rose").await.unwrap();
    let ana = case_id(&app, &lead, "Exemple — Ana").await.unwrap();
    let lina = case_id(&app, &lead, "Exemple — Lina").await.unwrap();

    // The lead sees everything.
    let case = case_json(&app, &lead, &rose).await;
    assert_eq!(disclosed(&case).len(), 8);
    assert_eq!(case["identity"]["name"], "Exemple Rosa");
    assert_eq!(case["team"].as_array().unwrap().len(), 4);

    // The shelter: contact, location and notes; nothing of her identity.
    let shelter = partner(&app, 0, 0).await;
    let case = case_json(&app, &shelter, &rose).await;
    assert_eq!(disclosed(&case), ["contact", "location", "notes"]);
    assert!(case.get("identity").is_none(), "absent, not null: {case}");
    assert_eq!(case["contact"]["phone"], "514-555-0142");
    assert_eq!(case["notes"].as_array().unwrap().len(), 1);
    // The clinic: identity and health; no notes, no contact.
    let clinic = partner(&app, 1, 0).await;
    let case = case_json(&app, &clinic, &rose).await;
    assert_eq!(disclosed(&case), ["identity", "health"]);
    assert!(case.get("contact").is_none() && case.get("notes").is_none());
    // The page says the same: the name for the clinic, not for the shelter.
    let page = page_of(&app, &clinic, &format!("/cases/{rose}")).await;
    assert!(page.contains("Exemple Rosa") && !page.contains("514-555-0142"));
    let page = page_of(&app, &shelter, &format!("/cases/{rose}")).await;
    assert!(!page.contains("Exemple Rosa") && page.contains("514-555-0142"));

    // Ana's consent to the shelter was withdrawn: the case, no category.
    let case = case_json(&app, &shelter, &ana).await;
    assert!(disclosed(&case).is_empty());
    assert!(
        case["consents"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["live"] == false)
    );
    // Lina is the lead's alone: for anyone else she does not exist.
    for who in [&shelter, &clinic] {
        let missing = app.get_as(who, &format!("/api/v1/cases/{lina}")).await;
        assert_eq!(missing.status(), 404);
        assert!(case_id(&app, who, "Exemple — Lina").await.is_none());
    }

    // The police liaison: no case consents to police disclosure, so nothing at all.
    let police = app.sign_in(Role::PoliceLiaison).await;
    let list = json_of(app.get_as(&police, "/api/v1/cases").await, 200).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
    for id in [&rose, &ana, &lina] {
        let refused = app.get_as(&police, &format!("/api/v1/cases/{id}")).await;
        assert_eq!(refused.status(), 404);
    }
    // Roles that do not work on cases are refused the list.
    let analyst = app.sign_in(Role::Analyst).await;
    assert_eq!(app.get_as(&analyst, "/api/v1/cases").await.status(), 403);
    app.stop().await;
});

app_test!(
    a_consent_given_then_withdrawn_counts_from_the_next_request,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let lead = app.sign_in(Role::Caseworker).await;
        let opened = app
        .post_json_as(
            &lead,
            "/api/v1/cases",
            &json!({"alias": "Exemple — Flux", "name": "Nom Confidentiel", "exploitation": "sexual"}),
        )
        .await;
        let opened = json_of(opened, 201).await;
        let id = opened["id"].as_str().unwrap().to_owned();
        assert!(opened["reference"].as_str().unwrap().len() >= 9);

        // Put the legal clinic on the team (the page form), then consent for identity.
        let (local, _, _) = PARTNER_CASEWORKERS[2];
        let added = app
            .post_form_as(
                &lead,
                &format!("/cases/{id}/team"),
                &[("email", &partner_email(local)), ("role", "team_member")],
            )
            .await;
        assert_eq!(added.status(), 303);
        let legal = partner(&app, 2, 0).await;
        let case = case_json(&app, &legal, &id).await;
        assert!(disclosed(&case).is_empty());
        let lead_case = case_json(&app, &lead, &id).await;
        let legal_party = lead_case["team"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["role"] == "team_member")
            .unwrap()["party"]
            .as_str()
            .unwrap()
            .to_owned();
        let consent = app
            .post_json_as(
                &lead,
                &format!("/api/v1/cases/{id}/consents"),
                &json!({
                    "purpose": "sharing",
                    "recipients": [format!("org:{legal_party}")],
                    "categories": ["identity", "legal"],
                    "form": "written",
                    "given_on": "2026-01-01",
                    "expires_on": "2099-12-31",
                    "language": "en"
                }),
            )
            .await;
        let consent = json_of(consent, 201).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let case = case_json(&app, &legal, &id).await;
        assert_eq!(disclosed(&case), ["identity", "legal"]);
        assert_eq!(case["identity"]["name"], "Nom Confidentiel");
        assert_eq!(case["consents"][0]["language"], "en");

        // The member records the withdrawal the person told them of: gone on the next read.
        let withdrawn = app
            .post_json_as(
                &legal,
                &format!("/api/v1/cases/{id}/consents/{consent}/withdraw"),
                &json!({}),
            )
            .await;
        assert_eq!(withdrawn.status(), 204);
        let case = case_json(&app, &legal, &id).await;
        assert!(disclosed(&case).is_empty());
        assert!(case.get("identity").is_none());
        let again = app
            .post_json_as(
                &legal,
                &format!("/api/v1/cases/{id}/consents/{consent}/withdraw"),
                &json!({}),
            )
            .await;
        assert_eq!(again.status(), 409, "withdrawn once");
        app.stop().await;
    }
);

app_test!(
    bad_input_gets_a_clear_problem_and_writes_nothing,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let lead = app.sign_in(Role::Caseworker).await;
        let rose = case_id(&app, &lead, "Exemple — Rose").await.unwrap();
        let consents = |case: &Value| case["consents"].as_array().unwrap().len();
        let before = case_json(&app, &lead, &rose).await;
        let path = format!("/api/v1/cases/{rose}/consents");
        let base = json!({
            "purpose": "services", "recipients": ["coalition"], "categories": ["identity"],
            "form": "written", "given_on": "2026-01-01", "expires_on": "2026-06-30"
        });
        let with = |key: &str, value: Value| {
            let mut body = base.clone();
            body[key] = value;
            body
        };
        for (body, expected) in [
            (with("categories", json!(["shoe_size"])), "shoe_size"),
            (with("purpose", json!("gossip")), "gossip"),
            (with("expires_on", json!("2025-12-31")), "expiry"),
            (
                with("recipients", json!([format!("org:{}", uuid::Uuid::nil())])),
                "team",
            ),
            (with("form", json!("verbal_witnessed")), "witness"),
            // A witness nobody holds (schemathesis found it answered 500).
            (
                with("witness", json!(uuid::Uuid::new_v4().to_string())),
                "witness",
            ),
        ] {
            let refused = app.post_json_as(&lead, &path, &body).await;
            assert_eq!(refused.status(), 422, "{body}");
            assert_eq!(
                refused.headers()["content-type"],
                "application/problem+json"
            );
            let problem: Value = refused.json().await.unwrap();
            let detail = problem["detail"].as_str().unwrap().to_lowercase();
            let named = match expected {
                "expiry" => detail.contains("fin") || detail.contains("end"),
                "team" => detail.contains("équipe") || detail.contains("team"),
                "witness" => detail.contains("témoin") || detail.contains("witness"),
                word => detail.contains(word),
            };
            assert!(named, "{expected}: {detail}");
        }
        // In English when asked.
        let refused = app
            .post_json_as(
                &lead,
                &format!("{path}?lang=en"),
                &with("expires_on", json!("2025-12-31")),
            )
            .await;
        let problem: Value = refused.json().await.unwrap();
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("The end must come after"),
            "{problem}"
        );
        // A closed case takes no note (409), and a stale version changes nothing.
        let version = before["version"].as_i64().unwrap();
        assert_eq!(close(&app, &lead, &rose, version).await.status(), 303);
        let stale = app
            .post_form_as(
                &lead,
                &format!("/cases/{rose}/status"),
                &[("event", "reopen"), ("version", &version.to_string())],
            )
            .await;
        assert_eq!(stale.status(), 422, "the page again, with the conflict");
        let note = app
            .post_json_as(
                &lead,
                &format!("/api/v1/cases/{rose}/notes"),
                &json!({"body": "x"}),
            )
            .await;
        assert_eq!(note.status(), 409);
        let after = case_json(&app, &lead, &rose).await;
        assert_eq!(consents(&after), consents(&before));
        assert_eq!(after["status"], "closed");
        assert_eq!(
            after["notes"].as_array().unwrap().len(),
            before["notes"].as_array().unwrap().len()
        );
        app.stop().await;
    }
);

app_test!(
    police_see_a_case_only_through_a_legal_basis_and_every_read_is_registered,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let lead = app.sign_in(Role::Caseworker).await;
        let rose = case_id(&app, &lead, "Exemple — Rose").await.unwrap();
        let case = case_json(&app, &lead, &rose).await;
        let reference = case["reference"].as_str().unwrap().to_owned();
        let police_org = app
            .db
            .organization_by_slug("exemple-service-police")
            .await
            .unwrap()
            .unwrap()
            .id
            .to_string();
        let police = app.sign_in(Role::PoliceLiaison).await;
        assert_eq!(
            app.get_as(&police, &format!("/api/v1/cases/{rose}"))
                .await
                .status(),
            404
        );

        // A privacy officer records a warrant for identity, ending in two days.
        let privacy = app.sign_in(Role::PrivacyOfficer).await;
        let soon = mosaique_domain::time::local_date(
            mosaique_domain::Timestamp(mosaique_store::now_ms() + 2 * 86_400_000),
            mosaique_domain::time::DEFAULT_TIME_ZONE,
        );
        let recorded = app
            .post_form_as(
                &privacy,
                "/privacy/legal-bases",
                &[
                    ("case", reference.as_str()),
                    ("ground", "warrant"),
                    ("reference", "500-01-000777-261"),
                    ("recipient", police_org.as_str()),
                    ("categories", "identity"),
                    ("expires_on", soon.as_str()),
                ],
            )
            .await;
        assert_eq!(recorded.status(), 200);
        // A warrant naming no police service, or an unknown reference: refused, nothing written.
        let wrong = app
            .post_form_as(
                &privacy,
                "/privacy/legal-bases",
                &[
                    ("case", "1999-0000"),
                    ("ground", "warrant"),
                    ("reference", "x"),
                    ("recipient", police_org.as_str()),
                    ("categories", "identity"),
                    ("expires_on", soon.as_str()),
                ],
            )
            .await;
        assert_eq!(wrong.status(), 422);

        // Police now find the case and read its identity, nothing else.
        let list = json_of(app.get_as(&police, "/api/v1/cases").await, 200).await;
        let listed = &list["items"][0];
        assert_eq!(listed["id"], rose.as_str());
        assert!(listed.get("role").is_none(), "not on the team");
        let case = case_json(&app, &police, &rose).await;
        assert_eq!(disclosed(&case), ["identity"]);
        assert_eq!(case["identity"]["name"], "Exemple Rosa");
        assert!(case.get("contact").is_none() && case.get("notes").is_none());

        // The read is in the register, and its export; the lead sees the legal basis.
        let csv = app.get_as(&privacy, "/privacy/disclosures.csv").await;
        assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
        let csv = csv.text().await.unwrap();
        assert_eq!(csv.lines().count(), 2, "{csv}");
        assert!(
            csv.contains(&reference) && csv.contains("legal_basis") && csv.contains("identity"),
            "{csv}"
        );
        let case = case_json(&app, &lead, &rose).await;
        let history = case["access_without_consent"].as_array().unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0]["detail"], "warrant");
        // Only privacy officers reach the register.
        assert_eq!(
            app.get_as(&lead, "/privacy/disclosures.csv").await.status(),
            403
        );
        app.stop().await;
    }
);

app_test!(
    emergency_access_opens_only_once_a_second_person_approves,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let lead = app.sign_in(Role::Caseworker).await;
        let lina = case_id(&app, &lead, "Exemple — Lina").await.unwrap();
        let coordinator = app.sign_in(Role::Coordinator).await;
        let path = format!("/api/v1/cases/{lina}");
        assert_eq!(app.get_as(&coordinator, &path).await.status(), 404);

        let asked = app
        .post_json_as(
            &coordinator,
            &format!("{path}/emergency"),
            &json!({"reason": "Appel à la ligne : elle est en danger", "categories": ["contact", "location"]}),
        )
        .await;
        let request = json_of(asked, 201).await["id"].as_str().unwrap().to_owned();
        assert_eq!(
            app.get_as(&coordinator, &path).await.status(),
            404,
            "not before approval"
        );
        // The lead cannot decide, nor can the one who asked; a privacy officer can, once.
        let decision = format!("/api/v1/emergency/{request}/decision");
        for who in [&lead, &coordinator] {
            let refused = app
                .post_json_as(who, &decision, &json!({"decision": "approve"}))
                .await;
            assert_eq!(refused.status(), 403);
        }
        let privacy = app.sign_in(Role::PrivacyOfficer).await;
        let decided = app
            .post_json_as(&privacy, &decision, &json!({"decision": "approve"}))
            .await;
        assert_eq!(json_of(decided, 200).await["status"], "approved");
        let again = app
            .post_json_as(&privacy, &decision, &json!({"decision": "refuse"}))
            .await;
        assert_eq!(again.status(), 409);

        let case = json_of(app.get_as(&coordinator, &path).await, 200).await;
        assert_eq!(disclosed(&case), ["contact", "location"]);
        // The lead sees the access and its reason; the desk shows the read in the register.
        let case = json_of(app.get_as(&lead, &path).await, 200).await;
        let history = &case["access_without_consent"][0];
        assert_eq!(history["kind"], "emergency_access");
        assert_eq!(history["detail"], "approved");
        assert!(history["reason"].as_str().unwrap().contains("en danger"));
        let desk = page_of(&app, &privacy, "/privacy").await;
        assert!(
            desk.contains("Accès d’urgence"),
            "the register names the ground"
        );
        app.stop().await;
    }
);

app_test!(
    an_access_request_gets_everything_held_about_the_person,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let lead = app.sign_in(Role::Caseworker).await;
        let rose = case_id(&app, &lead, "Exemple — Rose").await.unwrap();
        let export = app
            .get_as(&lead, &format!("/cases/{rose}/export.json"))
            .await;
        assert!(
            export.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment"),
        );
        let export = json_of(export, 200).await;
        assert_eq!(disclosed(&export).len(), 8);
        assert_eq!(export["identity"]["name"], "Exemple Rosa");
        assert_eq!(export["consents"].as_array().unwrap().len(), 3);
        assert_eq!(export["notes"].as_array().unwrap().len(), 1);
        assert!(export["disclosures"].as_array().unwrap().is_empty());
        // The printable page, in English when the person reads English.
        let page = app
            .get_as(&lead, &format!("/cases/{rose}/export?lang=en"))
            .await;
        let page = page.text().await.unwrap();
        assert!(
            page.contains("Information held") && page.contains("Exemple Rosa"),
            "{page}"
        );
        // A team member is not the person's lead: no export.
        let shelter = partner(&app, 0, 0).await;
        assert_eq!(
            app.get_as(&shelter, &format!("/cases/{rose}/export.json"))
                .await
                .status(),
            404
        );
        // A privacy officer answers by reference.
        let reference = export["reference"].as_str().unwrap();
        let privacy = app.sign_in(Role::PrivacyOfficer).await;
        let found = app
            .get_as(&privacy, &format!("/privacy/export?case={reference}"))
            .await;
        assert_eq!(found.status(), 303);
        let page = app.get_as(&privacy, &format!("/cases/{rose}/export")).await;
        assert!(page.text().await.unwrap().contains("Exemple Rosa"));
        let actions = mosaique_store::testing::audit_actions(&app.db, "case", &rose).await;
        assert!(
            actions.iter().filter(|a| *a == "case.export").count() >= 2,
            "{actions:?}"
        );
        app.stop().await;
    }
);

app_test!(a_consent_receipt_tells_who_received_what, |backend| {
    let app = TestApp::builder(backend).start().await;
    let lead = app.sign_in(Role::Caseworker).await;
    let rose = case_id(&app, &lead, "Exemple — Rose").await.unwrap();
    // The shelter reads the case; the clinic does not.
    let shelter = partner(&app, 0, 0).await;
    case_json(&app, &shelter, &rose).await;
    let case = case_json(&app, &lead, &rose).await;
    let consents = case["consents"].as_array().unwrap();
    let by_category = |key: &str| {
        consents
            .iter()
            .find(|c| c["categories"].as_array().unwrap().iter().any(|k| k == key))
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let receipt = |consent: String, lang: &'static str| {
        let app = &app;
        let lead = lead.clone();
        let rose = rose.clone();
        async move {
            let page = app
                .get_as(
                    &lead,
                    &format!("/cases/{rose}/consents/{consent}/receipt?lang={lang}"),
                )
                .await;
            assert_eq!(page.status(), 200);
            page.text().await.unwrap()
        }
    };
    let shelter_receipt = receipt(by_category("location"), "fr").await;
    assert!(shelter_receipt.contains("Reçu de consentement"));
    assert!(
        shelter_receipt.contains("Démo Intervenante Plateau"),
        "{shelter_receipt}"
    );
    assert!(shelter_receipt.contains("Coordonnées"));
    let clinic_receipt = receipt(by_category("health"), "en").await;
    assert!(clinic_receipt.contains("Nobody has read any information under this consent yet."));
    assert!(!clinic_receipt.contains("Démo Intervenante Plateau"));
    app.stop().await;
});

app_test!(
    an_agreement_is_required_only_when_the_coalition_says_so,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let lead = app.sign_in(Role::Caseworker).await;
        let rose = case_id(&app, &lead, "Exemple — Rose").await.unwrap();
        let shelter = partner(&app, 0, 0).await;
        let seen = |cookie: String| {
            let app = &app;
            let path = format!("/api/v1/cases/{rose}");
            async move {
                let case = json_of(app.get_as(&cookie, &path).await, 200).await;
                disclosed(&case)
                    .iter()
                    .map(|c| (*c).to_owned())
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(
            seen(shelter.clone()).await,
            ["contact", "location", "notes"]
        );

        // The coalition requires agreements: consent alone no longer opens anything.
        let admin = app.sign_in(Role::CoalitionAdmin).await;
        let set = |required: bool| {
            let app = &app;
            let admin = admin.clone();
            async move {
                let form: &[(&str, &str)] = if required { &[("required", "on")] } else { &[] };
                let done = app.post_form_as(&admin, "/agreements/rule", form).await;
                assert_eq!(done.status(), 303);
            }
        };
        set(true).await;
        assert!(seen(shelter.clone()).await.is_empty());
        let listed = json_of(app.get_as(&lead, "/api/v1/agreements").await, 200).await;
        assert_eq!(listed["require_agreement"], true);

        // An agreement between the lead and the shelter for contact details: that flows again.
        let org = |slug: &'static str| {
            let app = &app;
            async move {
                app.db
                    .organization_by_slug(slug)
                    .await
                    .unwrap()
                    .unwrap()
                    .id
                    .to_string()
            }
        };
        let body = json!({
            "title": "Entente d’hébergement",
            "purpose": "Orientation vers l’hébergement",
            "parties": [
                format!("org:{}", org("exemple-organisme-membre").await),
                format!("org:{}", org("exemple-maison-plateau").await)
            ],
            "categories": ["contact"],
            "starts_on": "2026-01-01",
            "document": "Classeur 4, 2026"
        });
        // Only the coalition's administrators record one.
        assert_eq!(
            app.post_json_as(&lead, "/api/v1/agreements", &body)
                .await
                .status(),
            403
        );
        let created = json_of(
            app.post_json_as(&admin, "/api/v1/agreements", &body).await,
            201,
        )
        .await;
        assert_eq!(seen(shelter.clone()).await, ["contact"]);
        // A single party is refused, with the reason.
        let mut one = body.clone();
        one["parties"] = json!([format!("org:{}", org("exemple-maison-plateau").await)]);
        let refused = app.post_json_as(&admin, "/api/v1/agreements", &one).await;
        assert_eq!(refused.status(), 422);

        // Ended: nothing flows; the rule lifted: consent alone again.
        let id = created["id"].as_str().unwrap();
        let ended = app
            .post_form_as(&admin, &format!("/agreements/{id}/end"), &[])
            .await;
        assert_eq!(ended.status(), 303);
        assert!(seen(shelter.clone()).await.is_empty());
        set(false).await;
        assert_eq!(seen(shelter).await, ["contact", "location", "notes"]);
        app.stop().await;
    }
);

/// The titles of a case's steps as the holder of `cookie` reads them.
async fn step_titles(app: &TestApp, cookie: &str, case: &str) -> Vec<String> {
    let case = case_json(app, cookie, case).await;
    case["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap().to_owned())
        .collect()
}

app_test!(
    steps_are_read_and_written_in_the_category_of_their_kind,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let lead = app.sign_in(Role::Caseworker).await;
        let rose = case_id(&app, &lead, "Exemple — Rose").await.unwrap();
        let case = case_json(&app, &lead, &rose).await;
        let steps = case["steps"].as_array().unwrap();
        assert_eq!(steps.len(), 4, "{case}");
        // By date: the permit (granted 140 days ago) first; undated goal last.
        let permit = &steps[0];
        assert_eq!(permit["kind"], "temporary_resident_permit");
        assert_eq!(permit["category"], "immigration");
        assert_eq!(permit["reminder"]["kind"], "renew");
        let days = permit["reminder"]["days"].as_i64().unwrap();
        assert!((39..=41).contains(&days), "{permit}");
        assert_eq!(steps[3]["kind"], "goal");
        assert_eq!(permit["history"][0]["fields"], json!(["created"]));

        // Each partner reads the steps of the categories the person opened to them.
        let shelter = partner(&app, 0, 0).await;
        let clinic = partner(&app, 1, 0).await;
        let legal = partner(&app, 2, 0).await;
        let titles = step_titles(&app, &shelter, &rose).await;
        assert_eq!(titles.len(), 2, "{titles:?}");
        assert!(
            titles
                .iter()
                .all(|t| t.contains("CLSC") || t.contains("Logement"))
        );
        assert!(step_titles(&app, &clinic, &rose).await.is_empty());
        let titles = step_titles(&app, &legal, &rose).await;
        assert_eq!(titles.len(), 2, "{titles:?}");
        assert!(titles[0].contains("PST") && titles[1].contains("Audience"));

        // The legal clinic adds a protection order; the shelter cannot add an immigration
        // step (refused as if the case were not there, and audited), but a task, yes.
        let path = format!("/api/v1/cases/{rose}/steps");
        let order = json!({
            "kind": "protection_order", "status": "in_progress",
            "title": "Ordonnance 810", "on": "2026-11-20"
        });
        let added = json_of(app.post_json_as(&legal, &path, &order).await, 201).await;
        let order_id = added["id"].as_str().unwrap().to_owned();
        let work_permit = json!({"kind": "work_permit", "title": "Permis de travail"});
        let (local, _, _) = PARTNER_CASEWORKERS[0];
        let shelter_user = app
            .db
            .user_by_email(&partner_email(local))
            .await
            .unwrap()
            .unwrap();
        let denials = || async {
            mosaique_store::testing::audit_trail(&app.db, None, Some(shelter_user.id), 10_000)
                .await
                .iter()
                .filter(|e| e.outcome == "denied" && e.action == "case.write")
                .count()
        };
        let denied_before = denials().await;
        assert_eq!(
            app.post_json_as(&shelter, &path, &work_permit)
                .await
                .status(),
            404
        );
        assert_eq!(denials().await, denied_before + 1, "the refusal is audited");
        let task = json!({"kind": "task", "title": "Rappeler la personne", "on": "2026-12-10"});
        assert_eq!(app.post_json_as(&shelter, &path, &task).await.status(), 201);
        assert_eq!(step_titles(&app, &legal, &rose).await.len(), 3);
        assert_eq!(step_titles(&app, &shelter, &rose).await.len(), 3);

        // Granted, with its end: a change from the version read; the same version again is
        // stale; a move out of the categories the clinic writes is refused.
        let change = format!("/api/v1/cases/{rose}/steps/{order_id}");
        let granted = json!({
            "kind": "protection_order", "status": "done", "title": "Ordonnance 810",
            "on": "2026-11-20", "expires_on": "2027-11-20", "version": 1
        });
        assert_eq!(
            app.put_json_as(&legal, &change, &granted).await.status(),
            204
        );
        assert_eq!(
            app.put_json_as(&legal, &change, &granted).await.status(),
            409
        );
        let as_task = json!({"kind": "task", "title": "x", "version": 2});
        assert_eq!(
            app.put_json_as(&legal, &change, &as_task).await.status(),
            404
        );
        assert_eq!(
            app.put_json_as(&shelter, &change, &granted).await.status(),
            404,
            "the shelter does not write legal steps"
        );
        let case = case_json(&app, &legal, &rose).await;
        let order = case["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == order_id.as_str())
            .unwrap()
            .clone();
        assert_eq!(order["status"], "done");
        assert_eq!(order["version"], 2);
        assert_eq!(
            order["history"][1]["fields"],
            json!(["status", "expires_on"])
        );

        // Bad input: a clear problem in the caller's language, nothing written.
        let count = step_titles(&app, &lead, &rose).await.len();
        for (body, expected) in [
            (json!({"kind": "vacation", "title": "x"}), "vacation"),
            (
                json!({"kind": "work_permit", "title": "x", "on": "2027-01-01", "expires_on": "2026-01-01"}),
                "fin de validité",
            ),
            (
                json!({"kind": "task", "title": "x", "expires_on": "2027-01-01"}),
                "permis",
            ),
            (
                json!({"kind": "task", "title": "x", "status": "refused"}),
                "tiers",
            ),
            (json!({"kind": "goal", "title": "x"}), "domaine"),
            (json!({"kind": "task", "title": " "}), "intitulé"),
            (
                json!({"kind": "task", "title": "x", "assignee": uuid::Uuid::nil().to_string()}),
                "équipe",
            ),
        ] {
            let refused = app.post_json_as(&lead, &path, &body).await;
            assert_eq!(refused.status(), 422, "{body}");
            let problem: Value = refused.json().await.unwrap();
            let detail = problem["detail"].as_str().unwrap().to_lowercase();
            assert!(detail.contains(expected), "{expected}: {detail}");
        }
        let refused = app
            .put_json_as(
                &lead,
                &format!("{change}?lang=en"),
                &json!({"kind": "task", "title": "x"}),
            )
            .await;
        assert_eq!(refused.status(), 422);
        let problem: Value = refused.json().await.unwrap();
        assert!(
            problem["detail"].as_str().unwrap().contains("version"),
            "{problem}"
        );
        assert_eq!(step_titles(&app, &lead, &rose).await.len(), count);

        // The page: the reminder, in French by default, and the form to add a step.
        let page = page_of(&app, &lead, &format!("/cases/{rose}")).await;
        assert!(page.contains("Plan et démarches"), "steps section");
        assert!(page.contains("Renouvellement : expire dans"), "reminder");
        assert!(page.contains("Ordonnance 810"));
        // A form post writes a step and comes back to it.
        let posted = app
            .post_form_as(
                &lead,
                &format!("/cases/{rose}/steps"),
                &[
                    ("kind", "goal"),
                    ("domain", "health"),
                    ("title", "Suivi médical"),
                    ("status", "planned"),
                ],
            )
            .await;
        assert_eq!(posted.status(), 303);
        assert_eq!(step_titles(&app, &lead, &rose).await.len(), count + 1);
        // The clinic now reads that health goal, and nothing else.
        assert_eq!(step_titles(&app, &clinic, &rose).await, ["Suivi médical"]);

        // A closed case takes no step.
        let lina = case_id(&app, &lead, "Exemple — Lina").await.unwrap();
        let version = case_json(&app, &lead, &lina).await["version"]
            .as_i64()
            .unwrap();
        assert_eq!(close(&app, &lead, &lina, version).await.status(), 303);
        let late = app
            .post_json_as(
                &lead,
                &format!("/api/v1/cases/{lina}/steps"),
                &json!({"kind": "task", "title": "x"}),
            )
            .await;
        assert_eq!(late.status(), 409);
        app.stop().await;
    }
);

app_test!(
    screenings_attach_to_a_case_and_the_team_reads_them_as_consent_allows,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let lead = app.sign_in(Role::Caseworker).await;
        let rose = case_id(&app, &lead, "Exemple — Rose").await.unwrap();
        let answers =
            json!({ "minor": "no", "documents": "yes", "debt": "yes", "danger_now": "declined" });
        let screen = |case: Option<&str>| {
            let mut body =
                json!({"instrument": "reperage-rapide", "version": 2, "answers": answers});
            if let Some(case) = case {
                body["case_id"] = json!(case);
            }
            body
        };
        // Run with the case: attached at once.
        let first = json_of(
            app.post_json_as(&lead, "/api/v1/screenings", &screen(Some(&rose)))
                .await,
            201,
        )
        .await;
        let case = case_json(&app, &lead, &rose).await;
        let attached = case["screenings"].as_array().unwrap();
        assert_eq!(attached.len(), 1);
        assert_eq!(attached[0]["id"], first["id"]);
        assert_eq!(attached[0]["band"], 2);
        assert!(attached[0].get("answers").is_none(), "never the answers");

        // The shelter has no `screening` consent: the part is absent, and it can neither run
        // one for the case nor attach one to it.
        let shelter = partner(&app, 0, 0).await;
        let seen = case_json(&app, &shelter, &rose).await;
        assert!(seen.get("screenings").is_none(), "{seen}");
        assert_eq!(
            app.post_json_as(&shelter, "/api/v1/screenings", &screen(Some(&rose)))
                .await
                .status(),
            404
        );

        // One run without a case, attached afterwards; only once; never someone else's.
        let second = json_of(
            app.post_json_as(&lead, "/api/v1/screenings", &screen(None))
                .await,
            201,
        )
        .await;
        let attach = format!("/api/v1/cases/{rose}/screenings");
        let body = json!({"screening": second["id"]});
        assert_eq!(
            app.post_json_as(&shelter, &attach, &body).await.status(),
            404
        );
        assert_eq!(app.post_json_as(&lead, &attach, &body).await.status(), 204);
        assert_eq!(app.post_json_as(&lead, &attach, &body).await.status(), 409);

        // The person consents to share screenings with the clinic: it reads both.
        let (local, _, _) = PARTNER_CASEWORKERS[1];
        let clinic_org = app
            .db
            .user_by_email(&partner_email(local))
            .await
            .unwrap()
            .unwrap()
            .org_id
            .unwrap();
        let consent = json!({
            "purpose": "services", "recipients": [format!("org:{clinic_org}")],
            "categories": ["screening"], "form": "written",
            "given_on": "2026-01-01", "expires_on": "2099-12-31"
        });
        assert_eq!(
            app.post_json_as(&lead, &format!("/api/v1/cases/{rose}/consents"), &consent)
                .await
                .status(),
            201
        );
        let clinic = partner(&app, 1, 0).await;
        let seen = case_json(&app, &clinic, &rose).await;
        assert_eq!(seen["screenings"].as_array().unwrap().len(), 2, "{seen}");
        let page = page_of(&app, &clinic, &format!("/cases/{rose}")).await;
        assert!(
            page.contains("Niveau de préoccupation : 2 sur 3"),
            "the band on the page"
        );

        // From a result page: the form offers the worker's open cases, and attaching goes to
        // the case's screenings; the result then says where it is.
        let third = json_of(
            app.post_json_as(&lead, "/api/v1/screenings", &screen(None))
                .await,
            201,
        )
        .await;
        let third = third["id"].as_str().unwrap();
        let result = page_of(&app, &lead, &format!("/screening/{third}/result")).await;
        assert!(result.contains("Joindre à un dossier"), "the attach form");
        let lina = case_id(&app, &lead, "Exemple — Lina").await.unwrap();
        let attached = app
            .post_form_as(
                &lead,
                &format!("/screening/{third}/attach"),
                &[("case", &lina)],
            )
            .await;
        assert_eq!(attached.status(), 303);
        assert_eq!(
            attached.headers()["location"],
            format!("/cases/{lina}#screenings").as_str()
        );
        let result = page_of(&app, &lead, &format!("/screening/{third}/result")).await;
        assert!(result.contains("Joint au dossier"), "where it is");
        app.stop().await;
    }
);

app_test!(the_lead_worker_manages_the_team_over_the_api, |backend| {
    let app = TestApp::builder(backend).start().await;
    let lead = app.sign_in(Role::Caseworker).await;
    let lina = case_id(&app, &lead, "Exemple — Lina").await.unwrap();
    let (local, _, _) = PARTNER_CASEWORKERS[0];
    let email = partner_email(local);
    let team = format!("/api/v1/cases/{lina}/team");
    let shelter = partner(&app, 0, 0).await;
    assert_eq!(case_id(&app, &shelter, "Exemple — Lina").await, None);
    // Only the lead worker manages the team: anyone else is answered as if no case existed.
    let join = json!({"email": email, "role": "team_member"});
    assert_eq!(app.post_json_as(&shelter, &team, &join).await.status(), 404);

    // Bad input: an unknown role, a police liaison as a working member, an unknown account.
    for (body, word) in [
        (json!({"email": email, "role": "boss"}), "boss"),
        (
            json!({"email": demo_email(Role::PoliceLiaison), "role": "team_member"}),
            "observ",
        ),
        (
            json!({"email": "nobody@example.org", "role": "team_member"}),
            "compte",
        ),
    ] {
        let refused = app.post_json_as(&lead, &team, &body).await;
        assert_eq!(refused.status(), 422, "{body}");
        let problem: Value = refused.json().await.unwrap();
        let detail = problem["detail"].as_str().unwrap().to_lowercase();
        assert!(detail.contains(word), "{word}: {detail}");
    }

    assert_eq!(app.post_json_as(&lead, &team, &join).await.status(), 204);
    let members = case_json(&app, &lead, &lina).await["team"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(members, 2);
    // On the team: the case is listed, with nothing consented yet.
    assert_eq!(
        case_id(&app, &shelter, "Exemple — Lina").await.as_deref(),
        Some(lina.as_str())
    );
    let shelter_id = app
        .db
        .user_by_email(&email)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    let remove = |who: &str| app.client.delete(app.url(&format!("{team}/{who}")));
    assert_eq!(
        remove(&shelter_id)
            .header("cookie", &shelter)
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        remove(&shelter_id)
            .header("cookie", &lead)
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    // Off the team: the next request finds nothing.
    assert_eq!(case_id(&app, &shelter, "Exemple — Lina").await, None);
    assert_eq!(
        app.get_as(&shelter, &format!("/api/v1/cases/{lina}"))
            .await
            .status(),
        404
    );
    app.stop().await;
});

app_test!(
    the_persons_details_change_from_the_version_read_and_the_change_is_kept,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let lead = app.sign_in(Role::Caseworker).await;
        let rose = case_id(&app, &lead, "Exemple — Rose").await.unwrap();
        let version = case_json(&app, &lead, &rose).await["version"]
            .as_i64()
            .unwrap();
        let contact = format!("/api/v1/cases/{rose}/details/contact");
        let moved = json!({"phone": "438-555-0177", "safe_contact": "Textos seulement", "version": version});

        // The clinic was not given contact details: it cannot change them either.
        let clinic = partner(&app, 1, 0).await;
        assert_eq!(
            app.put_json_as(&clinic, &contact, &moved).await.status(),
            404
        );
        // The shelter was: its change holds, once.
        let shelter = partner(&app, 0, 0).await;
        assert_eq!(
            app.put_json_as(&shelter, &contact, &moved).await.status(),
            204
        );
        assert_eq!(
            app.put_json_as(&shelter, &contact, &moved).await.status(),
            409
        );
        let case = case_json(&app, &lead, &rose).await;
        assert_eq!(case["contact"]["phone"], "438-555-0177");

        // Bad input: a field of another part, a date of birth that is no date, no version;
        // nothing written.
        let version = case["version"].as_i64().unwrap();
        for (path, body, word) in [
            (
                contact.clone(),
                json!({"phone": "1", "city": "Laval", "version": version}),
                "city",
            ),
            (
                format!("/api/v1/cases/{rose}/details/identity"),
                json!({"name": "X", "birth_date": "hier", "version": version}),
                "naissance",
            ),
            (contact.clone(), json!({"phone": "1"}), "version"),
        ] {
            let refused = app.put_json_as(&lead, &path, &body).await;
            assert_eq!(refused.status(), 422, "{body}");
            let problem: Value = refused.json().await.unwrap();
            let detail = problem["detail"].as_str().unwrap().to_lowercase();
            assert!(detail.contains(word), "{word}: {detail}");
        }
        assert_eq!(
            app.put_json_as(
                &lead,
                &format!("/api/v1/cases/{rose}/details/notes"),
                &json!({"version": version})
            )
            .await
            .status(),
            404,
            "notes are not details"
        );
        assert_eq!(case_json(&app, &lead, &rose).await["version"], version);

        // The page: the lead changes the city with the part's form, and the history names
        // who changed which fields.
        let posted = app
            .post_form_as(
                &lead,
                &format!("/cases/{rose}/details/location"),
                &[("city", "Longueuil"), ("version", &version.to_string())],
            )
            .await;
        assert_eq!(posted.status(), 303);
        let page = page_of(&app, &lead, &format!("/cases/{rose}")).await;
        assert!(page.contains("Longueuil"));
        assert!(
            page.contains("Démo Intervenante Plateau · Téléphone"),
            "who changed what"
        );
        app.stop().await;
    }
);

/// A browser's multipart form with one category and one file.
fn multipart(category: &str, name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----mosaique-test-boundary";
    let mut body = Vec::new();
    body.extend(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"category\"\r\n\r\n{category}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

app_test!(
    documents_are_sniffed_sealed_and_opened_as_consent_allows,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let lead = app.sign_in(Role::Caseworker).await;
        let rose = case_id(&app, &lead, "Exemple — Rose").await.unwrap();
        let legal = partner(&app, 2, 0).await;
        let shelter = partner(&app, 0, 0).await;
        let upload = |cookie: &str, category: &str, name: &str, bytes: Vec<u8>| {
            app.client
                .post(app.url(&format!(
                    "/api/v1/cases/{rose}/documents?category={category}&name={name}"
                )))
                .header("cookie", cookie)
                .header("content-type", "application/pdf")
                .body(bytes)
                .send()
        };
        let pdf = b"%PDF-1.4\n% permis de sejour temporaire\n".to_vec();
        // The legal clinic keeps the permit under `immigration`, which it was given.
        let kept = upload(&legal, "immigration", "PST%20Rose.pdf", pdf.clone())
            .await
            .unwrap();
        assert_eq!(kept.status(), 201);
        let document = kept.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();

        // It opens as a download, only for those the category is disclosed to.
        let href = format!("/api/v1/cases/{rose}/documents/{document}");
        let opened = app.get_as(&legal, &href).await;
        assert_eq!(opened.status(), 200);
        let headers = opened.headers().clone();
        assert_eq!(headers["content-type"], "application/pdf");
        let disposition = headers["content-disposition"].to_str().unwrap();
        assert!(
            disposition.starts_with("attachment;")
                && disposition.contains("filename*=UTF-8''PST%20Rose.pdf"),
            "{disposition}"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert!(
            headers["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("sandbox")
        );
        assert_eq!(opened.bytes().await.unwrap().to_vec(), pdf);
        let listed = case_json(&app, &legal, &rose).await;
        assert_eq!(listed["documents"][0]["name"], "PST Rose.pdf");
        assert_eq!(listed["documents"][0]["media_type"], "application/pdf");
        let seen = case_json(&app, &shelter, &rose).await;
        assert_eq!(seen["documents"], json!([]), "not the shelter's category");
        assert_eq!(app.get_as(&shelter, &href).await.status(), 404);
        assert_eq!(
            upload(&shelter, "immigration", "x.pdf", pdf.clone())
                .await
                .unwrap()
                .status(),
            404
        );

        // Bad input: a clear problem, nothing kept.
        let count = || async {
            case_json(&app, &lead, &rose).await["documents"]
                .as_array()
                .unwrap()
                .len()
        };
        let before = count().await;
        for (category, name, bytes, status, word) in [
            (
                "identity",
                "lettre.html",
                b"<html><script>x</script>".to_vec(),
                422,
                "code",
            ),
            (
                "identity",
                "photo.png",
                b"<svg onload=x>".to_vec(),
                422,
                "code",
            ),
            (
                "identity",
                "archive.zip",
                b"PK\x03\x04".to_vec(),
                422,
                "pdf",
            ),
            ("identity", "vide.pdf", Vec::new(), 422, "vide"),
            ("shoe_size", "x.pdf", pdf.clone(), 422, "shoe_size"),
            (
                "identity",
                "gros.pdf",
                [b"%PDF-".to_vec(), vec![b'a'; 10 * 1024 * 1024]].concat(),
                413,
                "10",
            ),
            // Over the route's limit: refused by the transport, said the same way.
            (
                "identity",
                "enorme.pdf",
                [b"%PDF-".to_vec(), vec![b'a'; 11 * 1024 * 1024]].concat(),
                413,
                "10",
            ),
        ] {
            let refused = upload(&lead, category, name, bytes).await.unwrap();
            assert_eq!(refused.status(), status, "{name}");
            if status == 413 {
                // The rest of the body may still be on the wire: the connection closes.
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

        // The page: a browser's multipart form, back to the case's documents.
        let (content_type, body) = multipart(
            "notes",
            "compte-rendu.txt",
            "Rencontre du 3 : rien à signaler.".as_bytes(),
        );
        let posted = app
            .client
            .post(app.url(&format!("/cases/{rose}/documents")))
            .header("cookie", &lead)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(posted.status(), 303);
        let page = page_of(&app, &lead, &format!("/cases/{rose}")).await;
        assert!(page.contains("compte-rendu.txt") && page.contains("PST Rose.pdf"));
        // The shelter has `notes`: it reads the report, not the permit.
        let page = page_of(&app, &shelter, &format!("/cases/{rose}")).await;
        assert!(page.contains("compte-rendu.txt") && !page.contains("PST Rose.pdf"));
        app.stop().await;
    }
);

app_test!(
    a_possible_duplicate_within_the_organization_is_named_before_opening,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let lead = app.sign_in(Role::Caseworker).await;
        let open = |cookie: String, body: Value| {
            let app = &app;
            async move { app.post_json_as(&cookie, "/api/v1/cases", &body).await }
        };
        // The demo's "Exemple — Rose", typed otherwise: the same folded alias.
        let again = json!({"alias": "  exemple — ROSE "});
        let refused = open(lead.clone(), again.clone()).await;
        assert_eq!(refused.status(), 409);
        let problem: Value = refused.json().await.unwrap();
        let rose = case_json(
            &app,
            &lead,
            &case_id(&app, &lead, "Exemple — Rose").await.unwrap(),
        )
        .await;
        let detail = problem["detail"].as_str().unwrap();
        assert!(
            detail.contains(rose["reference"].as_str().unwrap()),
            "the lead's own case is named: {detail}"
        );
        // The same name and date of birth under another alias.
        let same_person =
            json!({"alias": "Autre alias", "name": "exemple rosa", "birth_date": "1994"});
        assert_eq!(open(lead.clone(), same_person).await.status(), 409);
        // Another organization's worker opening "Exemple — Rose" finds nothing: no matching
        // across organizations.
        let shelter = partner(&app, 0, 0).await;
        assert_eq!(open(shelter, again.clone()).await.status(), 201);
        // Confirmed as another person: opened.
        let mut anyway = again.clone();
        anyway["allow_duplicate"] = json!(true);
        assert_eq!(open(lead.clone(), anyway).await.status(), 201);

        // The page: the warning, then the box that opens it anyway.
        let page = app
            .post_form_as(&lead, "/cases", &[("alias", "Exemple — Ana")])
            .await;
        assert_eq!(page.status(), 409);
        let html = page.text().await.unwrap();
        assert!(html.contains("existe peut-être déjà"), "the warning");
        let opened = app
            .post_form_as(
                &lead,
                "/cases",
                &[("alias", "Exemple — Ana"), ("allow_duplicate", "on")],
            )
            .await;
        assert_eq!(opened.status(), 303);
        app.stop().await;
    }
);

app_test!(
    the_coalition_words_its_case_vocabularies_and_retires_values,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let admin = app.sign_in(Role::CoalitionAdmin).await;
        let lead = app.sign_in(Role::Caseworker).await;
        let set = |cookie: &str, fields: &[(&str, &str)]| {
            let fields: Vec<(String, String)> = fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
            let cookie = cookie.to_owned();
            let app = &app;
            async move {
                let fields: Vec<(&str, &str)> = fields
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                app.post_form_as(&cookie, "/admin/vocabularies", &fields)
                    .await
            }
        };
        let worded = set(
            &admin,
            &[
                ("vocabulary", "exploitation"),
                ("key", "forced_labour"),
                ("label_fr", "Travail forcé (agriculture, entretien)"),
                ("label_en", "Forced labour (farms, cleaning)"),
            ],
        )
        .await;
        assert_eq!(worded.status(), 303);
        let retired = set(
            &admin,
            &[
                ("vocabulary", "exploitation"),
                ("key", "other"),
                ("retired", "on"),
            ],
        )
        .await;
        assert_eq!(retired.status(), 303);
        // Only the coalition's administrators word them; the default stays.
        let refused = set(&lead, &[("vocabulary", "exploitation"), ("key", "other")]).await;
        assert_eq!(refused.status(), 403);
        let default = set(
            &admin,
            &[
                ("vocabulary", "exploitation"),
                ("key", "undetermined"),
                ("retired", "on"),
            ],
        )
        .await;
        assert_eq!(default.status(), 422);
        assert!(default.text().await.unwrap().contains("par défaut"));

        // The demo's cases are of forced labour: their page uses the coalition's words.
        let rose = case_id(&app, &lead, "Exemple — Rose").await.unwrap();
        let page = page_of(&app, &lead, &format!("/cases/{rose}")).await;
        assert!(
            page.contains("Travail forcé (agriculture, entretien)"),
            "worded"
        );
        let english = page_of(&app, &lead, &format!("/cases/{rose}?lang=en")).await;
        assert!(
            english.contains("Forced labour (farms, cleaning)"),
            "in English too"
        );
        // A retired value is not offered, and a new case cannot take it.
        let form = page_of(&app, &lead, "/cases").await;
        assert!(!form.contains("value=\"other\""), "not offered");
        let opened = app
            .post_json_as(
                &lead,
                "/api/v1/cases",
                &json!({"alias": "Exemple — Retiré", "exploitation": "other"}),
            )
            .await;
        assert_eq!(opened.status(), 422);
        let problem: Value = opened.json().await.unwrap();
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("n’utilise plus"),
            "{problem}"
        );
        // The API lists them, worded, with what is retired.
        let vocabularies = json_of(app.get_as(&lead, "/api/v1/vocabularies").await, 200).await;
        let exploitation = vocabularies
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["vocabulary"] == "exploitation")
            .unwrap();
        let value = |key: &str| {
            exploitation["values"]
                .as_array()
                .unwrap()
                .iter()
                .find(|v| v["key"] == key)
                .unwrap()
                .clone()
        };
        assert_eq!(
            value("forced_labour")["label_en"],
            "Forced labour (farms, cleaning)"
        );
        assert_eq!(value("other")["retired"], true);
        assert_eq!(value("sexual")["retired"], false);
        app.stop().await;
    }
);
