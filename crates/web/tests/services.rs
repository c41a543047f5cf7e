//! Services over HTTP, on SQLite and PostgreSQL: the search API on the demo directory,
//! bad parameters named, confidential sites redacted for the public and shown (audited) to
//! the roles allowed, capacity updates reaching search, and "Our services" editing.
#![allow(clippy::unwrap_used)] // A failed unwrap is a failed test, with its location.

mod common;

use std::time::{Duration, Instant};

use common::TestApp;
use mosaique_domain::{Bilingual, Role};
use mosaique_store::testing::{
    audit_trail, save_location, save_service, set_capacity, typed_location, upsert_organization,
};
use serde_json::Value;

async fn get(app: &TestApp, cookie: Option<&str>, path: &str) -> reqwest::Response {
    let mut request = app.client.get(app.url(path));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.unwrap()
}

async fn post(app: &TestApp, cookie: &str, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .header("cookie", cookie)
        .form(form)
        .send()
        .await
        .unwrap()
}

fn names(page: &Value) -> Vec<String> {
    page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"]["en"].as_str().unwrap().to_owned())
        .collect()
}

const SAFE_BED: &str = "/api/v1/services?domain=housing_short_term&city=Montr%C3%A9al&gender=women&substance_use=true&any_status=true&near=H2X%201Y4&sort=distance";

app_test!(a_safe_bed_tonight_in_montreal_over_the_api, |backend| {
    let app = TestApp::builder(backend).start().await;
    let page = app.json(&format!("{SAFE_BED}&lang=en")).await;
    let found = names(&page);
    assert!(
        found.contains(&"Emergency shelter for women".to_owned()),
        "{found:?}"
    );
    for result in page["results"].as_array().unwrap() {
        assert_eq!(result["eligibility"]["substance_use"], true);
        assert_eq!(result["eligibility"]["any_status"], true);
        assert_ne!(result["eligibility"]["gender"], "men");
        assert!(!result["why"].as_array().unwrap().is_empty());
        // The public never gets a shelter's street or coordinates.
        for location in result["locations"].as_array().unwrap() {
            if location["confidential"] == true {
                assert!(
                    location["address"].is_null() && location["latitude"].is_null(),
                    "{location}"
                );
            }
        }
    }
    assert!(
        page["facets"]["domains"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["key"] == "housing_short_term")
    );
    assert_eq!(page["near"]["label"], "H2X (QC)");
    // Bilingual, folded, stemmed, one typo forgiven.
    for q in ["hebergement", "HÉBERGEMENTS", "shelters", "hebergment"] {
        assert!(
            app.json(&format!("/api/v1/services?q={q}")).await["total"]
                .as_u64()
                .unwrap()
                > 0,
            "{q}"
        );
    }
    // One service by id.
    let id = page["results"][0]["id"].as_str().unwrap();
    let one = app.json(&format!("/api/v1/services/{id}")).await;
    assert_eq!(one["id"], id);
    assert_eq!(app.get("/api/v1/services/not-an-id").await.status(), 404);
    app.stop().await;
});

app_test!(
    bad_search_parameters_are_named_and_nothing_breaks,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let response = app
            .get("/api/v1/services?domain=teleportation&radius_km=-5&near=Atlantis&per_page=5000")
            .await;
        assert_eq!(response.status(), 400);
        let problem: Value = response.json().await.unwrap();
        let detail = problem["detail"].as_str().unwrap();
        for name in ["domain", "radius_km", "near", "per_page"] {
            assert!(detail.contains(name), "{name} in {detail}");
        }
        let page = app.get("/services?age=old&lang=en").await;
        assert_eq!(page.status(), 400);
        assert!(
            page.text()
                .await
                .unwrap()
                .contains("Invalid parameters: age=")
        );
        for q in ["\"", "((", "*:*", "AND OR NOT", "%00", &"a".repeat(5000)] {
            let response = app
                .get(&format!("/api/v1/services?q={}", urlencode(q)))
                .await;
            assert_eq!(response.status(), 200, "{q}");
        }
        // "Why this result" names the name the reader sees, or says it is the other one.
        let whys = |lang: &str| {
            let app = &app;
            let lang = lang.to_owned();
            async move {
                let page = app
                    .json(&format!("/api/v1/services?q=shelter&lang={lang}"))
                    .await;
                let hit = page["results"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|r| {
                        r["name"]["en"] == "Emergency shelter for women"
                            || r["name"]["fr"] == "Hébergement d’urgence pour femmes"
                    })
                    .cloned()
                    .unwrap_or_else(|| panic!("found: {page}"));
                hit["why"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|w| w["reason"] == "word")
                    .map(|w| w["text"].as_str().unwrap().to_owned())
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(whys("fr").await, ["« shelter » dans le nom anglais"]);
        assert_eq!(whys("en").await, ["“shelter” in the name"]);
        // No searchable word: nothing found, in the service search and the HSDS API alike
        // (not the whole directory).
        // As sent on the wire: "(((", "%", the invalid byte 0xFF, a 45-letter word.
        let long = "q".repeat(45);
        for encoded in ["%28%28%28", "%25", "%FF", long.as_str()] {
            let q = encoded;
            let found = app.json(&format!("/api/v1/services?q={encoded}")).await;
            assert_eq!(found["total"], 0, "{q}");
            let hsds = app.json(&format!("/hsds/services?search={encoded}")).await;
            assert_eq!(hsds["total_items"], 0, "{q}");
        }
        app.stop().await;
    }
);

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

app_test!(
    shelter_addresses_only_for_allowed_roles_and_audited,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let page = app.json(SAFE_BED).await;
        let shelter = page["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| {
                r["locations"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|l| l["confidential"] == true)
            })
            .unwrap();
        let path = format!("/services/{}?lang=fr", shelter["id"].as_str().unwrap());
        let location_id = shelter["locations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["confidential"] == true)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let address = typed_location(&app.db, location_id).await.address;
        let public = get(&app, None, &path).await.text().await.unwrap();
        assert!(public.contains("Adresse confidentielle, communiquée par téléphone."));
        assert!(!public.contains(&address));
        let police = app.sign_in(Role::PoliceLiaison).await;
        let seen = get(&app, Some(&police), &path).await.text().await.unwrap();
        assert!(
            !seen.contains(&address),
            "police liaisons do not see shelter addresses"
        );
        let coordinator = app.sign_in(Role::Coordinator).await;
        let seen = get(&app, Some(&coordinator), &path)
            .await
            .text()
            .await
            .unwrap();
        assert!(seen.contains(&address), "the coalition's intake sees it");
        assert!(seen.contains("Cette consultation est journalisée"));
        // The search API gives everyone the public view, signed in or not: that is what lets
        // its answers be replayed to anyone for a second.
        let api = get(&app, Some(&coordinator), SAFE_BED)
            .await
            .text()
            .await
            .unwrap();
        assert!(
            !api.contains(&address),
            "the API never carries a shelter's street"
        );
        assert_eq!(api, app.get(SAFE_BED).await.text().await.unwrap());
        let reads = audit_trail(&app.db, None, None, 20).await;
        assert!(
            reads
                .iter()
                .any(|e| e.action == "location.read_confidential"
                    && e.actor_role.as_deref() == Some("coordinator"))
        );
        app.stop().await;
    }
);

app_test!(
    our_services_are_edited_and_capacity_reaches_search,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let admin = app.sign_in(Role::OrgAdmin).await;
        let base = "/admin/organizations/exemple-organisme-membre";
        assert_eq!(
            get(&app, Some(&admin), &format!("{base}/services"))
                .await
                .status(),
            200
        );
        // A location, then a service there; a bad form first, kept as typed.
        let response = post(
            &app,
            &admin,
            &format!("{base}/locations/new"),
            &[
                ("name_fr", "Maison"),
                ("name_en", "House"),
                ("city", "Atlantis"),
                ("province", "QC"),
            ],
        )
        .await;
        assert_eq!(response.status(), 422);
        assert!(response.text().await.unwrap().contains("Atlantis"));
        let response = post(
            &app,
            &admin,
            &format!("{base}/locations/new"),
            &[
                ("name_fr", "Maison zanzibarienne"),
                ("name_en", "Zanzibari house"),
                ("address", "12, rue de l’Essai"),
                ("city", "Sherbrooke"),
                ("province", "QC"),
                ("postal_code", "J1H 1A1"),
                ("confidential", "true"),
            ],
        )
        .await;
        assert_eq!(response.status(), 303);
        let org = app
            .db
            .organization_by_slug("exemple-organisme-membre")
            .await
            .unwrap()
            .unwrap();
        let location = app.db.locations_of(org.id).await.unwrap().pop().unwrap();
        assert!(location.confidential);
        assert_eq!(location.region.as_deref(), Some("05"));
        let location_id = location.id.to_string();

        // The shelter moves: its form comes back filled in, and saving keeps the same site.
        let edit_path = format!("{base}/locations/{location_id}");
        let form_page = app
            .client
            .get(app.url(&edit_path))
            .header("cookie", &admin)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(form_page.contains("12, rue de l’Essai") && form_page.contains("J1H 1A1"));
        let moved = [
            ("name_fr", "Maison zanzibarienne"),
            ("name_en", "Zanzibari house"),
            ("address", "40, rue Nouvelle"),
            ("city", "Sherbrooke"),
            ("province", "QC"),
            ("postal_code", "J1H 2B2"),
            ("confidential", "true"),
        ];
        let response = post(&app, &admin, &edit_path, &moved).await;
        assert_eq!(response.status(), 303);
        let after = typed_location(&app.db, location.id).await;
        assert_eq!(
            (after.address.as_str(), after.postal_code.as_str()),
            ("40, rue Nouvelle", "J1H 2B2")
        );
        assert!(after.confidential);
        let bad = post(&app, &admin, &edit_path, &moved[..3]).await;
        assert_eq!(bad.status(), 422, "city and province are required");
        // Another organization's site is not found through this one's address.
        let other = app.db.organization_by_slug("cqtp").await.unwrap().unwrap();
        let elsewhere = save_location(
            &app.db,
            other.id,
            None,
            &mosaique_domain::service::NewLocation {
                name: Bilingual::new("Ailleurs".into(), "Elsewhere".into()),
                address: String::new(),
                city: "Montréal".into(),
                province: mosaique_domain::Province::Qc,
                postal_code: String::new(),
                point: None,
                confidential: false,
            },
        )
        .await;
        let response = post(
            &app,
            &admin,
            &format!("{base}/locations/{}", elsewhere.id),
            &moved,
        )
        .await;
        assert_eq!(response.status(), 404);
        assert_eq!(
            app.db
                .location(elsewhere.id)
                .await
                .unwrap()
                .unwrap()
                .name
                .fr,
            "Ailleurs"
        );
        let mut form = vec![
            ("name_fr", "Hébergement zanzibarien"),
            ("name_en", "Zanzibari shelter"),
            ("description_fr", "Lits d’urgence."),
            ("description_en", "Emergency beds."),
            ("status", "active"),
            ("domain", "housing_short_term"),
            ("term", "emergency_shelter"),
            ("gender", "all"),
            ("substance_use", "true"),
            ("languages", "fr en"),
            ("cost", "free"),
            ("access", "self_referral"),
            ("always_open", "true"),
            ("time_zone", "America/Toronto"),
            ("phone", "819-555-0199"),
            ("region", "05"),
            ("location", &location_id),
        ];
        let response = post(&app, &admin, &format!("{base}/services/new"), &form).await;
        assert_eq!(
            response.status(),
            422,
            "emergency_shelter belongs to immediate_safety, not checked"
        );
        assert!(
            response.text().await.unwrap().contains("Zanzibari shelter"),
            "the form keeps what was typed"
        );
        form.push(("domain", "immediate_safety"));
        let response = post(&app, &admin, &format!("{base}/services/new"), &form).await;
        assert_eq!(response.status(), 303);
        let service = app.db.services_of(org.id).await.unwrap().pop().unwrap();
        // A caseworker of the organization updates tonight's beds in one click.
        let caseworker = app.sign_in_at(Role::Caseworker, 30).await;
        let response = post(
            &app,
            &caseworker,
            &format!("/admin/services/{}/capacity", service.id),
            &[("available", "4"), ("total", "10"), ("unit", "beds")],
        )
        .await;
        assert_eq!(response.status(), 303);
        let response = post(
            &app,
            &caseworker,
            &format!("/admin/services/{}/capacity", service.id),
            &[("available", "12"), ("total", "10"), ("unit", "beds")],
        )
        .await;
        assert_eq!(response.status(), 422);
        let started = Instant::now();
        loop {
            let page = app.json("/api/v1/services?q=zanzibari").await;
            if page["results"][0]["capacity"]["available"] == 4 {
                assert_eq!(page["results"][0]["locations"][0]["address"], Value::Null);
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "search never followed the change"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let audit = audit_trail(
            &app.db,
            Some(("service", &service.id.to_string())),
            None,
            10,
        )
        .await;
        let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
        assert!(
            actions.contains(&"service.save") && actions.contains(&"service.capacity"),
            "{actions:?}"
        );
        // The edit form starts from what is stored.
        let edit = get(
            &app,
            Some(&admin),
            &format!("/admin/services/{}?lang=en", service.id),
        )
        .await
        .text()
        .await
        .unwrap();
        assert!(edit.contains("value=\"Zanzibari shelter\"") && edit.contains("819-555-0199"));
        app.stop().await;
    }
);

app_test!(
    a_service_page_names_its_sites_in_the_reader_language,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let locations = app.db.all_locations().await.unwrap();
        let services = app.db.all_services().await.unwrap();
        let (service, site) = services
            .iter()
            .find_map(|s| {
                s.location_ids.iter().find_map(|id| {
                    locations
                        .iter()
                        .find(|l| l.id == *id && !l.confidential && l.name.fr != l.name.en)
                        .map(|l| (s, l))
                })
            })
            .expect("a demo service at a public site named differently in each language");
        for (lang, shown, not_shown) in [
            ("en", &site.name.en, &site.name.fr),
            ("fr", &site.name.fr, &site.name.en),
        ] {
            let page = app
                .text(&format!("/services/{}?lang={lang}", service.id))
                .await;
            let escaped = |t: &str| t.replace('\'', "&#39;");
            assert!(page.contains(&escaped(shown)), "{lang}: {shown}");
            assert!(!page.contains(&escaped(not_shown)), "{lang}: {not_shown}");
        }
        app.stop().await;
    }
);

/// Waits (liveness, not speed: the freshness target lives in the benchmarks) until `path`
/// answers with a total for which `done` holds.
async fn until_total(app: &TestApp, path: &str, done: impl Fn(u64) -> bool) {
    let started = Instant::now();
    loop {
        if done(app.json(path).await["total"].as_u64().unwrap()) {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "search never followed: {path}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

app_test!(
    renames_moves_and_new_services_by_another_server_reach_search_without_a_rebuild,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let db = &app.db;
        // Written straight to the database, as another app server would.
        let service = db
            .all_services()
            .await
            .unwrap()
            .into_iter()
            .find(|s| !s.location_ids.is_empty())
            .unwrap();
        let mut renamed = mosaique_domain::service::NewService {
            name: Bilingual::new("Halte zanzibarite".into(), "Zanzibari drop-in".into()),
            ..service.to_new()
        };
        save_service(
            db,
            service.org_id,
            Some(service.id),
            &renamed,
            &service.location_ids,
        )
        .await;
        until_total(&app, "/api/v1/services?q=zanzibarite", |n| n == 1).await;
        // Its site moves to Yellowknife: found there, and by the town's name.
        let site = db.location(service.location_ids[0]).await.unwrap().unwrap();
        let moved = mosaique_domain::service::NewLocation {
            name: site.name.clone(),
            address: "1, rue de l’Essai".into(),
            city: "Yellowknife".into(),
            province: mosaique_domain::Province::Nt,
            postal_code: String::new(),
            point: None,
            confidential: site.confidential,
        };
        save_location(db, site.org_id, Some(site.id), &moved).await;
        until_total(
            &app,
            "/api/v1/services?q=zanzibarite&near=Yellowknife&radius_km=5",
            |n| n == 1,
        )
        .await;
        // A new service of the same organization, then the organization renamed: its
        // services are found by the new name.
        renamed.name = Bilingual::new("Halte ouistiti".into(), "Marmoset drop-in".into());
        save_service(db, service.org_id, None, &renamed, &[]).await;
        until_total(&app, "/api/v1/services?q=ouistiti", |n| n == 1).await;
        let org = db.organization(service.org_id).await.unwrap().unwrap();
        let new_org = mosaique_domain::NewOrganization {
            name: Bilingual::new("Collectif aurorien".into(), "Aurorian collective".into()),
            ..org.to_new()
        };
        upsert_organization(db, &new_org).await;
        until_total(&app, "/api/v1/services?q=aurorien", |n| n >= 2).await;
        // The organization directory follows too.
        until_total(&app, "/api/v1/organizations?q=aurorien", |n| n == 1).await;
        // All applied in place: one build at start, no rebuild since.
        let metrics = app.metrics().await;
        let value = |name: &str| -> u64 {
            metrics
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{name} ")))
                .unwrap()
                .parse()
                .unwrap()
        };
        assert_eq!(value("mosaique_search_rebuilds_total"), 1, "{metrics}");
        assert!(value("mosaique_search_updates_total") >= 4);
        assert!(value("mosaique_search_services_delta") >= 2);
        app.stop().await;
    }
);

app_test!(
    the_same_search_is_replayed_within_a_second_and_never_past_a_change,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let path = "/api/v1/services?q=hebergement&per_page=1";
        let metrics = || async {
            let text = app.metrics().await;
            let value = |name: &str| -> u64 {
                text.lines()
                    .find_map(|l| l.strip_prefix(&format!("{name} ")))
                    .unwrap()
                    .parse()
                    .unwrap()
            };
            (
                value("mosaique_search_answers_replayed_total"),
                value("mosaique_search_searches_total"),
            )
        };
        let before = metrics().await;
        let first = app.get(path).await.text().await.unwrap();
        let again = app.get(path).await.text().await.unwrap();
        let english = app.get(&format!("{path}&lang=en")).await;
        assert_eq!(english.status(), 200);
        let after = metrics().await;
        assert_eq!(first, again);
        assert_eq!(after.0 - before.0, 1, "the repeat is replayed");
        assert_eq!(
            after.1 - before.1,
            2,
            "the first and the English one are searched"
        );
        // A capacity change written by another server: the next snapshot's answers are new.
        let page: Value = serde_json::from_str(&first).unwrap();
        let id = page["results"][0]["id"].as_str().unwrap().parse().unwrap();
        let service = app.db.service(id).await.unwrap().unwrap();
        set_capacity(
            &app.db,
            &service,
            mosaique_domain::service::CapacityUnit::Beds,
            4,
            Some(11),
        )
        .await;
        let started = Instant::now();
        loop {
            let page: Value = app.json(path).await;
            if page["results"][0]["capacity"]["available"] == 4 {
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(10), "{page}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        app.stop().await;
    }
);

app_test!(
    a_large_organization_finds_pages_and_filters_its_services,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let db = &app.db;
        let org = db
            .organization_by_slug("exemple-organisme-membre")
            .await
            .unwrap()
            .unwrap();
        let template = db.all_services().await.unwrap().into_iter().next().unwrap();
        let before = db.services_of(org.id).await.unwrap().len();
        for n in 0..60 {
            let new = mosaique_domain::service::NewService {
                name: Bilingual::new(
                    format!("Atelier numéro {n:02}"),
                    format!("Workshop number {n:02}"),
                ),
                description: Bilingual::default(),
                terms: Vec::new(),
                areas: Vec::new(),
                ..template.to_new()
            };
            save_service(db, org.id, None, &new, &[]).await;
        }
        let total = before + 60;
        let admin = app.sign_in(Role::OrgAdmin).await;
        let base = "/admin/organizations/exemple-organisme-membre/services";
        let page = |path: String| {
            let admin = admin.clone();
            let app = &app;
            async move { get(app, Some(&admin), &path).await.text().await.unwrap() }
        };
        let count = |html: &str| html.matches("class=\"capacity-form\"").count();
        let first = page(format!("{base}?lang=en")).await;
        assert_eq!(count(&first), 50);
        assert!(first.contains(&format!("{total} services")));
        assert!(first.contains(&format!("{base}?page=2")));
        let second = page(format!("{base}?page=2&lang=en")).await;
        assert_eq!(count(&second), total - 50);
        assert!(second.contains("rel=\"prev\""));
        // Accents and case ignored, words in either language.
        let found = page(format!("{base}?q=ATELIER%20num%C3%A9ro%2045&lang=en")).await;
        assert_eq!(count(&found), 1);
        assert!(found.contains("One service") && found.contains("Workshop number 45"));
        let english = page(format!("{base}?q=workshop&lang=en")).await;
        assert!(english.contains("60 services"));
        let none = page(format!("{base}?q=zzzz&lang=en")).await;
        assert!(none.contains("No service matches."));
        // Nothing new is due for review.
        let due = page(format!("{base}?due=1&lang=en")).await;
        assert_eq!(count(&due), 0);
        // An update from a filtered second page comes back to it, saying what was saved.
        let workshop = db
            .services_of(org.id)
            .await
            .unwrap()
            .into_iter()
            .find(|s| s.name.fr == "Atelier numéro 45")
            .unwrap();
        let response = post(
            &app,
            &admin,
            &format!("/admin/services/{}/capacity", workshop.id),
            &[
                ("available", "3"),
                ("unit", "places"),
                ("back", "q=atelier&page=2&evil=1"),
            ],
        )
        .await;
        assert_eq!(response.status(), 303);
        let to = response.headers()["location"].to_str().unwrap().to_owned();
        assert_eq!(
            to,
            format!("{base}?q=atelier&page=2&updated={}", workshop.id)
        );
        let back = page(format!("{to}&lang=en")).await;
        assert!(
            back.contains("Places updated: Workshop number 45."),
            "{back}"
        );
        assert_eq!(count(&back), 10, "atelier: 60, page 2 holds 10");
        app.stop().await;
    }
);

app_test!(
    the_service_api_answers_in_one_language_unless_asked_for_both,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let texts = |page: &Value, lang: &str| -> Vec<String> {
            let first = &page["results"][0];
            [
                &first["name"],
                &first["description"],
                &first["organization"]["name"],
            ]
            .iter()
            .map(|t| {
                let keys: Vec<&String> = t.as_object().unwrap().keys().collect();
                assert!(
                    keys.iter().all(|k| lang == "all" || *k == lang),
                    "{lang}: {keys:?}"
                );
                keys.len().to_string()
            })
            .collect()
        };
        // French by default, English on request, both with lang=all.
        let french = app.json(SAFE_BED).await;
        assert_eq!(texts(&french, "fr"), ["1", "1", "1"]);
        let english = app
            .get_with(SAFE_BED, "accept-language", "en-CA,en;q=0.9")
            .await
            .json::<Value>()
            .await
            .unwrap();
        assert_eq!(texts(&english, "en"), ["1", "1", "1"]);
        let both = app.json(&format!("{SAFE_BED}&lang=all")).await;
        assert_eq!(texts(&both, "all"), ["2", "2", "2"]);
        assert!(
            french.to_string().len() < both.to_string().len(),
            "one language is lighter"
        );
        let id = french["results"][0]["id"].as_str().unwrap();
        let one = app.json(&format!("/api/v1/services/{id}?lang=en")).await;
        assert!(one["name"]["en"].is_string() && one["name"]["fr"].is_null());
        let one = app.json(&format!("/api/v1/services/{id}?lang=all")).await;
        assert!(one["name"]["en"].is_string() && one["name"]["fr"].is_string());
        // Any other value is named back.
        for path in [
            format!("{SAFE_BED}&lang=de"),
            format!("/api/v1/services/{id}?lang=both"),
        ] {
            let response = app.get(&path).await;
            assert_eq!(response.status(), 400, "{path}");
            let body: Value = response.json().await.unwrap();
            assert!(body["detail"].as_str().unwrap().contains("lang"), "{body}");
        }
        app.stop().await;
    }
);

app_test!(
    services_an_import_could_not_place_wait_for_a_coalition_administrator,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let admin = app.sign_in(Role::CoalitionAdmin).await;
        let page = |path: &'static str| {
            let (app, admin) = (&app, admin.clone());
            async move { get(app, Some(&admin), path).await.text().await.unwrap() }
        };
        // The demo's two imported services that no term placed: in no public view.
        assert_eq!(app.json("/api/v1/services?q=couture").await["total"], 0);
        assert_eq!(
            app.json("/hsds/services?search=couture").await["total_items"],
            0
        );
        let listed = page("/admin/organizations").await;
        assert!(
            listed.contains("Services importés à classer (2)"),
            "{listed}"
        );
        let waiting = page("/admin/to-classify").await;
        assert!(
            waiting.contains("Atelier de couture solidaire"),
            "{waiting}"
        );
        assert!(
            waiting.contains("Domaine suggéré d’après ses mots"),
            "{waiting}"
        );
        assert!(waiting.contains("Aucune suggestion"), "{waiting}");
        let english = page("/admin/to-classify?lang=en").await;
        assert!(english.contains("Community sewing workshop"), "{english}");
        let id = waiting
            .split("name=\"id\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap()
            .to_owned();

        // Without a domain: refused, named, nothing changed.
        let refused = app
            .post_form_as(&admin, "/admin/to-classify", &[("id", id.as_str())])
            .await;
        assert_eq!(refused.status(), 422);
        assert!(
            refused
                .text()
                .await
                .unwrap()
                .contains("Cochez au moins un domaine")
        );

        // With one: a service of its organization, public at the next refresh, audited.
        let classified = app
            .post_form_as(
                &admin,
                "/admin/to-classify",
                &[("id", id.as_str()), ("domain", "material_needs")],
            )
            .await;
        assert_eq!(classified.status(), 303);
        assert_eq!(
            classified.headers()["location"],
            "/admin/to-classify?classified=1"
        );
        let after = page("/admin/to-classify?classified=1").await;
        assert!(after.contains("Service classé"), "{after}");
        assert!(!after.contains(&format!("value=\"{id}\"")), "{after}");
        until_total(&app, "/api/v1/services?q=couture", |n| n == 1).await;
        let found = app.json("/api/v1/services?q=couture").await;
        assert_eq!(found["results"][0]["id"], id.as_str());
        assert_eq!(found["results"][0]["domains"][0], "material_needs");
        let trail = audit_trail(&app.db, Some(("service", &id)), None, 10).await;
        assert!(trail.iter().any(|e| e.action == "service.classify"));

        // The same one again: it is no longer waiting.
        let again = app
            .post_form_as(
                &admin,
                "/admin/to-classify",
                &[("id", id.as_str()), ("domain", "work")],
            )
            .await;
        assert_eq!(again.status(), 404);
        app.stop().await;
    }
);
