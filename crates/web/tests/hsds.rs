//! `/hsds` over HTTP, on SQLite and PostgreSQL, on the demo directory: the Page envelope,
//! filters combined with AND, both languages, CORS on this surface only, problems, and
//! confidential sites that never show. With `MOSAIQUE_HSDS_DUMP=DIR`, responses are written
//! there for `scripts/validate-hsds` (the official schemas, then the profile's).
#![allow(clippy::unwrap_used)] // A failed unwrap is a failed test, with its location.

mod common;

use std::collections::HashSet;

use common::TestApp;
use serde_json::{Value, json};

/// Writes a response under the dump directory (one per backend), named for the validator.
fn dump(backend: &str, name: &str, value: &Value) {
    if let Ok(dir) = std::env::var("MOSAIQUE_HSDS_DUMP") {
        let dir = std::path::Path::new(&dir).join(backend);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), serde_json::to_vec_pretty(value).unwrap()).unwrap();
    }
}

async fn get_json(app: &TestApp, path: &str) -> (reqwest::header::HeaderMap, Value) {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    let headers = response.headers().clone();
    (headers, response.json().await.unwrap())
}

/// The envelope's own rules, on top of what the schema can say.
fn check_page(page: &Value, per_page: u64) {
    let total = page["total_items"].as_u64().unwrap();
    let size = page["contents"].as_array().unwrap().len() as u64;
    let number = page["page_number"].as_u64().unwrap();
    let pages = page["total_pages"].as_u64().unwrap();
    assert_eq!(pages, total.div_ceil(per_page).max(1), "{page}");
    assert_eq!(page["size"].as_u64().unwrap(), size);
    assert_eq!(page["first_page"], number == 1);
    assert_eq!(page["last_page"], number >= pages);
    assert_eq!(page["empty"], size == 0);
}

fn ids(page: &Value) -> Vec<String> {
    page["contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

app_test!(the_hsds_api_publishes_the_demo_directory, |backend| {
    let app = TestApp::builder(backend).start().await;
    let b = format!("{backend:?}").to_lowercase();
    let (_, base) = get_json(&app, "/hsds/").await;
    assert_eq!(base["version"], "3.1");
    assert_eq!(base["profile"], "http://127.0.0.1/hsds/profile");
    dump(&b, "base.json", &base);

    // Every service, page by page, exactly once.
    let (headers, first) = get_json(&app, "/hsds/services?per_page=20").await;
    check_page(&first, 20);
    let total = first["total_items"].as_u64().unwrap();
    assert!(total >= 60, "{total}");
    assert_eq!(headers["access-control-allow-origin"], "*");
    assert_eq!(headers["content-language"], "fr");
    assert!(headers.get("set-cookie").is_none());
    dump(&b, "services.json", &first);
    let mut seen = HashSet::new();
    for page in 1..=first["total_pages"].as_u64().unwrap() + 1 {
        let (_, p) = get_json(&app, &format!("/hsds/services?per_page=20&page={page}")).await;
        check_page(&p, 20);
        for id in ids(&p) {
            assert!(seen.insert(id), "a service on two pages");
        }
    }
    assert_eq!(seen.len() as u64, total, "the page past the last is empty");

    // One service, fully nested, in both languages.
    let id = ids(&first)[0].clone();
    let (_, fr) = get_json(&app, &format!("/hsds/services/{id}")).await;
    let (headers, en) = get_json(&app, &format!("/hsds/services/{id}?lang=en")).await;
    assert_eq!(headers["content-language"], "en");
    assert!(
        headers.get("set-cookie").is_none(),
        "the feed sets no cookie"
    );
    assert_eq!(fr["translations"]["en"]["name"], en["name"]);
    assert_eq!(en["translations"]["fr"]["name"], fr["name"]);
    assert!(fr["organization"]["name"].is_string());
    dump(&b, "service.json", &fr);
    let response = app
        .get_with(
            &format!("/hsds/services/{id}"),
            "accept-language",
            "en-CA,en;q=0.8",
        )
        .await;
    assert_eq!(response.headers()["content-language"], "en");
    assert_eq!(response.headers()["vary"], "Accept-Language");

    // Filters combine with AND: a term, then the term and an organization.
    let (_, terms) = get_json(&app, "/hsds/taxonomy_terms?top_only=true&per_page=50").await;
    check_page(&terms, 50);
    assert_eq!(terms["total_items"], 12, "the twelve domains");
    dump(&b, "taxonomy_terms.json", &terms);
    let housing = terms["contents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "housing_short_term")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, housed) = get_json(
        &app,
        &format!("/hsds/services?taxonomy_term_id={housing}&per_page=100"),
    )
    .await;
    let housed_total = housed["total_items"].as_u64().unwrap();
    assert!(housed_total > 0 && housed_total < total);
    for s in housed["contents"].as_array().unwrap() {
        assert!(
            s["mosaique_domains"]
                .as_array()
                .unwrap()
                .contains(&"housing_short_term".into())
        );
    }
    let org = housed["contents"][0]["organization_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, both) = get_json(
        &app,
        &format!("/hsds/services?taxonomy_term_id={housing}&organization_id={org}&per_page=100"),
    )
    .await;
    let both_total = both["total_items"].as_u64().unwrap();
    assert!(both_total >= 1 && both_total <= housed_total);
    for s in both["contents"].as_array().unwrap() {
        assert_eq!(s["organization_id"], org.as_str());
    }
    let (_, none) = get_json(&app, "/hsds/services?modified_after=2999-01-01T00:00:00Z").await;
    assert_eq!(none["total_items"], 0);
    assert_eq!(none["empty"], true);
    let (_, all) = get_json(&app, "/hsds/services?modified_after=2000-01-01T00:00:00Z").await;
    assert_eq!(all["total_items"].as_u64().unwrap(), total);
    let (_, searched) = get_json(&app, "/hsds/services?search=hebergement").await;
    assert!(searched["total_items"].as_u64().unwrap() > 0);
    let (_, minimal) = get_json(&app, "/hsds/services?minimal=true&per_page=5").await;
    let keys: HashSet<&str> = minimal["contents"][0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        HashSet::from(["id", "name", "status", "last_modified"])
    );
    dump(&b, "service_list.json", &minimal);
    let (_, full) = get_json(&app, "/hsds/services?full=true&per_page=10").await;
    dump(&b, "service_full.json", &full);

    // NDJSON: every service, one per line, no envelope.
    let response = app.get("/hsds/services?format=ndjson").await;
    assert_eq!(response.headers()["content-type"], "application/x-ndjson");
    let text = response.text().await.unwrap();
    assert_eq!(text.lines().count() as u64, total);

    // Organizations, with the taxonomy filter and nested services.
    let (_, orgs) = get_json(
        &app,
        &format!("/hsds/organizations?taxonomy_term_id={housing}"),
    )
    .await;
    check_page(&orgs, 50);
    assert!(orgs["total_items"].as_u64().unwrap() >= 1);
    dump(&b, "organizations.json", &orgs);
    let (_, one) = get_json(
        &app,
        &format!("/hsds/organizations/{org}?full_service=true"),
    )
    .await;
    assert!(!one["services"].as_array().unwrap().is_empty());
    dump(&b, "organization.json", &one);
    let (_, sal) = get_json(&app, "/hsds/service_at_locations?per_page=10").await;
    check_page(&sal, 10);
    dump(&b, "service_at_locations.json", &sal);
    let sal_id = ids(&sal)[0].clone();
    let (_, sal_one) = get_json(&app, &format!("/hsds/service_at_locations/{sal_id}")).await;
    assert_eq!(sal_one["id"], sal_id.as_str());
    dump(&b, "service_at_location.json", &sal_one);
    let (_, taxonomies) = get_json(&app, "/hsds/taxonomies").await;
    assert_eq!(taxonomies["total_items"], 1);
    dump(&b, "taxonomies.json", &taxonomies);
    let tax_id = ids(&taxonomies)[0].clone();
    get_json(&app, &format!("/hsds/taxonomies/{tax_id}")).await;
    get_json(&app, &format!("/hsds/taxonomy_terms/{housing}")).await;
    let (_, children) = get_json(&app, &format!("/hsds/taxonomy_terms?parent_id={housing}")).await;
    for t in children["contents"].as_array().unwrap() {
        assert_eq!(t["parent_id"], housing.as_str());
    }

    // The profile and the schemas it serves.
    let (_, openapi) = get_json(&app, "/hsds/schema/openapi.json").await;
    assert_eq!(openapi["info"]["title"], "Mosaïque HSDS API");
    get_json(&app, "/hsds/schema/compiled/service.json").await;
    get_json(&app, "/hsds/profile/location.json").await;
    let doc = app.get("/hsds/profile").await;
    assert_eq!(doc.status(), 200);
    assert!(doc.text().await.unwrap().contains("Mosaïque Canada"));
    app.stop().await;
});

app_test!(hsds_problems_are_named_and_documented, |backend| {
    let app = TestApp::builder(backend).start().await;
    for (path, status) in [
        ("/hsds/services?page=0", 400),
        ("/hsds/services?page=100001", 400),
        ("/hsds/services?page=441291506857134599962624", 400),
        ("/hsds/services?taxonomy_term_id=not-a-uuid", 400),
        ("/hsds/services?modified_after=yesterday", 400),
        ("/hsds/services?full=perhaps", 400),
        ("/hsds/services?per_page=100000", 422),
        ("/hsds/services?per_page=501", 422),
        ("/hsds/services?format=xml", 422),
        ("/hsds/services?lang=de", 400),
        ("/hsds/organizations?lang=zz", 400),
        ("/hsds/service_at_locations?proximity=500", 422),
        ("/hsds/service_at_locations?postcode=ZZZ&proximity=500", 422),
        ("/hsds/services/not-a-uuid", 400),
        ("/hsds/services/0190c0de-0000-7000-8000-000000000000", 404),
        (
            "/hsds/organizations/0190c0de-0000-7000-8000-000000000000",
            404,
        ),
        (
            "/hsds/taxonomy_terms/0190c0de-0000-7000-8000-000000000000",
            404,
        ),
        ("/hsds/nothing-here", 404),
        ("/hsds/schema/..%2F..%2FCargo.toml", 404),
        ("/hsds/schema/..%2F..%2Fdocs%2Fopenapi.json", 404),
        ("/hsds/profile/nope.json", 404),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), status, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json",
            "{path}"
        );
        assert_eq!(
            response.headers()["access-control-allow-origin"],
            "*",
            "{path}"
        );
        let body: Value = response.json().await.unwrap();
        assert!(
            body["type"]
                .as_str()
                .unwrap()
                .starts_with("urn:mosaique:problem:")
        );
        assert_eq!(body["status"], status);
    }
    // The rules between values are said in the caller's language, never in English only.
    for (path, french, english) in [
        ("/hsds/services?per_page=501", "au plus 500", "at most 500"),
        (
            "/hsds/services?format=xml",
            "json ou ndjson",
            "json or ndjson",
        ),
        (
            "/hsds/service_at_locations?proximity=500",
            "demande un « postcode »",
            "needs a postcode",
        ),
    ] {
        for (lang, expected) in [("fr", french), ("en", english)] {
            let response = app
                .client
                .get(app.url(path))
                .header("accept-language", lang)
                .send()
                .await
                .unwrap();
            let body: Value = response.json().await.unwrap();
            let detail = body["detail"].as_str().unwrap();
            assert!(detail.contains(expected), "{path} {lang}: {detail}");
        }
    }
    // The document says what the server does: the largest page, the formats, the languages,
    // the content of an ndjson answer.
    assert_eq!(
        document_ndjson(&app).await,
        json!(["application/json", "application/x-ndjson"])
    );
    let (_, document) = get_json(&app, "/hsds/schema/openapi.json").await;
    let parameters = &document["components"]["parameters"];
    assert_eq!(parameters["per_page"]["schema"]["maximum"], 500);
    // Empty is as if absent; any value outside the enum, even one space away, is refused.
    assert_eq!(
        parameters["format"]["schema"]["enum"],
        json!(["", "json", "ndjson"])
    );
    assert_eq!(
        parameters["lang"]["schema"]["enum"],
        json!(["", "fr", "en"])
    );
    for path in [
        "/hsds/services?per_page=500",
        "/hsds/services?format=ndjson",
        "/hsds/services?lang=en",
        "/hsds/services?lang=",
        "/hsds/services?format=",
        "/hsds/services?full=true",
    ] {
        assert_eq!(app.get(path).await.status(), 200, "{path}");
    }
    for path in [
        "/hsds/services?lang=EN",
        "/hsds/services?lang=%20en",
        "/hsds/services?full=",
        "/hsds/services?full=1",
    ] {
        assert_eq!(app.get(path).await.status(), 400, "{path}");
    }
    // An unknown term: no service can match, which is an empty page, not an error.
    let (_, page) = get_json(
        &app,
        "/hsds/services?taxonomy_term_id=0190c0de-0000-7000-8000-000000000000",
    )
    .await;
    assert_eq!(page["total_items"], 0);
    // CORS is for the public feed only, never for the signed-in API.
    let response = app.get("/api/v1/services").await;
    assert!(
        response
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    app.stop().await;
});

app_test!(confidential_sites_never_show_in_the_hsds_feed, |backend| {
    let app = TestApp::builder(backend).start().await;
    let b = format!("{backend:?}").to_lowercase();
    let locations = app.db.all_locations().await.unwrap();
    let mut shelters = Vec::new();
    for l in locations.iter().filter(|l| l.confidential) {
        // As their editors typed them: the exact address no outlet may show.
        shelters.push((
            l.id,
            mosaique_store::testing::typed_location(&app.db, l.id).await,
        ));
    }
    assert!(!shelters.is_empty(), "the demo has shelters");
    let secrets: Vec<String> = shelters
        .iter()
        .flat_map(|(id, l)| [l.address.clone(), id.to_string()])
        .chain(
            shelters
                .iter()
                .filter_map(|(_, l)| l.point.map(|p| format!("{}", p.lat))),
        )
        .collect();
    let mut outlets = Vec::new();
    for path in [
        "/hsds/services?full=true&per_page=500",
        "/hsds/services?format=ndjson",
        "/hsds/organizations?full_service=true&per_page=500",
        "/hsds/service_at_locations?per_page=500&full=true",
        "/hsds/service_at_locations?postcode=H2X&proximity=50000&per_page=500",
    ] {
        outlets.push((path, app.get(path).await.text().await.unwrap()));
    }
    for (path, text) in &outlets {
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "{path} shows {secret}");
        }
    }
    // Redacted on request: the region, never the street; still not found by distance.
    let (_, redacted) = get_json(
        &app,
        "/hsds/services?full=true&per_page=500&include_redacted=true",
    )
    .await;
    dump(&format!("{b}-redacted"), "service_full.json", &redacted);
    let text = redacted.to_string();
    assert!(text.contains("\"redacted\""));
    for (_, shelter) in &shelters {
        assert!(!text.contains(&shelter.address), "{}", shelter.address);
    }
    let (_, near) = get_json(
        &app,
        "/hsds/service_at_locations?postcode=H2X&proximity=50000&per_page=500&include_redacted=true",
    )
    .await;
    assert!(
        !near.to_string().contains("\"redacted\""),
        "no trilateration"
    );
    // A shelter's service_at_location row: 404 like a row that does not exist, unless redacted.
    let (_, sal) = get_json(
        &app,
        "/hsds/service_at_locations?per_page=500&include_redacted=true",
    )
    .await;
    dump(
        &format!("{b}-redacted"),
        "service_at_location_full.json",
        &sal,
    );
    let hidden = sal["contents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["location"]["location_type"] == "redacted")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let response = app
        .get(&format!("/hsds/service_at_locations/{hidden}"))
        .await;
    assert_eq!(response.status(), 404);
    let (_, shown) = get_json(
        &app,
        &format!("/hsds/service_at_locations/{hidden}?include_redacted=true"),
    )
    .await;
    assert_eq!(shown["location"]["confidential"], true);
    assert!(shown["location"]["latitude"].is_null() && shown["location"]["addresses"].is_null());
    app.stop().await;
});

/// The content types the HSDS document gives the service list's answer.
async fn document_ndjson(app: &TestApp) -> Value {
    let (_, document) = get_json(app, "/hsds/schema/openapi.json").await;
    let content = document["paths"]["/services"]["get"]["responses"]["200"]["content"]
        .as_object()
        .unwrap();
    json!(content.keys().collect::<Vec<_>>())
}
