//! The web application over HTTP, against a real server on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used)] // A failed unwrap is a failed test, with its location.

mod common;

use std::time::{Duration, Instant};

use common::TestApp;
use mosaique_domain::{Language, NewOrganization, Province, Role};

/// A GET written on a socket, for what HTTP clients refuse to send: (status, head, body).
async fn raw_get(app: &TestApp, target: &str) -> (u16, String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = app.url("").trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&host).await.unwrap();
    let request = format!("GET {target} HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8(answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_lowercase(), body.to_owned())
}

fn assert_problem(response_type: Option<&str>) {
    assert_eq!(response_type, Some("application/problem+json"));
}

app_test!(
    home_is_french_by_default_and_english_on_request,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let response = app.get("/").await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-language"], "fr");
        let html = response.text().await.unwrap();
        assert!(
            html.starts_with("<!DOCTYPE html>\n<html lang=\"fr\">"),
            "{}",
            &html[..80]
        );
        assert!(html.contains("Coalition québécoise contre la traite des personnes"));
        assert!(html.contains("Besoin d’aide maintenant ?"));
        assert!(html.contains("1-833-900-1010"));
        assert!(
            html.contains("68 organismes et coalitions au répertoire"),
            "stats come from the database"
        );
        assert!(html.contains("href=\"/?lang=en\""), "language switch");

        let english = app
            .get_with("/", "accept-language", "en-CA,en;q=0.9")
            .await
            .text()
            .await
            .unwrap();
        assert!(english.contains("<html lang=\"en\">"));
        assert!(english.contains("Need help now?"));
        // The coalition's own line, as configured, beside 911 and the national hotline.
        assert!(english.contains(
            "<a href=\"tel:18885550199\">1-888-555-0199</a> (24 hours a day, 7 days a week)"
        ));
        assert!(
            english.contains("href=\"tel:+18339001010\"") && english.contains("href=\"tel:911\"")
        );
        assert!(english.contains("href=\"/?lang=fr\""));

        // A language the application does not speak falls back to French.
        let german = app
            .get_with("/", "accept-language", "de")
            .await
            .text()
            .await
            .unwrap();
        assert!(german.contains("<html lang=\"fr\">"));
        app.stop().await;
    }
);

app_test!(
    a_visitors_language_travels_in_links_and_a_signed_in_choice_in_a_cookie,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        // Not signed in: no cookie at all; every link of the page carries the choice.
        let response = app.get("/organizations?lang=en").await;
        assert!(response.headers().get("set-cookie").is_none());
        let html = response.text().await.unwrap();
        assert!(html.contains("<html lang=\"en\">"));
        assert!(html.contains("href=\"/services?lang=en\""), "{html}");
        let organizations: Vec<&str> = html.split("href=\"/organizations/").skip(1).collect();
        assert!(!organizations.is_empty());
        for link in organizations {
            let href = link.split('"').next().unwrap_or_default();
            assert!(href.ends_with("?lang=en"), "{href}");
        }
        assert!(html.contains("href=\"/organizations?page=2&#38;lang=en\""));
        assert!(
            html.contains("action=\"/login?lang=en\"") || html.contains("href=\"/login?lang=en\"")
        );
        // The browser's own language is carried the same way.
        let english = app.get_with("/signs", "accept-language", "en").await;
        assert!(english.headers().get("set-cookie").is_none());
        assert!(
            english
                .text()
                .await
                .unwrap()
                .contains("href=\"/coalition?lang=en\"")
        );

        // A language cookie without a session (signed out, or an older version's) is
        // neither read nor kept.
        let stale = app
            .client
            .get(app.url("/"))
            .header("cookie", "mosaique_lang=en")
            .header("accept-language", "fr")
            .send()
            .await
            .unwrap();
        assert_eq!(stale.headers()["content-language"], "fr");
        let expired = stale.headers()["set-cookie"].to_str().unwrap();
        assert!(expired.starts_with("mosaique_lang=;") && expired.contains("Max-Age=0"));

        // Signed in: the choice is kept in a cookie, and links stay plain.
        let cookie = app.sign_in(Role::Caseworker).await;
        let chosen = app.get_as(&cookie, "/organizations?lang=en").await;
        let set = chosen.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(set.starts_with("mosaique_lang=en;"), "{set}");
        assert!(set.contains("SameSite=Lax") && set.contains("Path=/"));
        assert!(chosen.text().await.unwrap().contains("href=\"/services\""));
        let remembered = app
            .client
            .get(app.url("/"))
            .header("cookie", format!("{cookie}; mosaique_lang=en"))
            .header("accept-language", "fr")
            .send()
            .await
            .unwrap();
        assert_eq!(remembered.headers()["content-language"], "en");
        assert!(
            remembered.headers().get("set-cookie").is_none(),
            "only an explicit choice sets the cookie"
        );
        app.stop().await;
    }
);

app_test!(default_language_is_configurable, |backend| {
    let app = TestApp::builder(backend)
        .default_language(Language::En)
        .start()
        .await;
    assert!(app.text("/").await.contains("<html lang=\"en\">"));
    app.stop().await;
});

app_test!(directory_lists_filters_and_paginates, |backend| {
    let app = TestApp::builder(backend).start().await;
    let html = app.text("/organizations").await;
    assert!(html.contains("68 organismes"));
    assert!(html.contains("Page 1 sur 4"));
    assert!(html.contains("rel=\"next\" href=\"/organizations?page=2&#38;lang=fr\""));

    let quebec = app.text("/organizations?province=QC&coalitions=true").await;
    assert!(
        quebec.contains("1 organisme"),
        "only the CQTP is a Québec coalition"
    );
    assert!(quebec.contains("href=\"/organizations/cqtp?lang=fr\""));

    // Who does what: the organizations that hold one mandate, and a mandate that is none.
    let training = app.text("/organizations?mandate=direct_services").await;
    let all_training = app
        .json("/api/v1/organizations?mandate=direct_services&per_page=100")
        .await;
    let trainers = all_training["total"].as_i64().unwrap();
    assert!(trainers > 0 && trainers < 68, "{trainers}");
    assert!(training.contains(&format!("{trainers} organisme")));
    for item in all_training["items"].as_array().unwrap() {
        assert!(
            item["mandates"]
                .as_array()
                .unwrap()
                .contains(&serde_json::json!("direct_services")),
            "{item}"
        );
    }
    assert_eq!(
        app.get("/organizations?mandate=juggling").await.status(),
        400
    );
    // The coalition's page counts the same members, and links each mandate to them.
    let coalition = app.text("/coalition").await;
    assert!(coalition.contains("Le répertoire compte 68 organismes."));
    assert!(coalition.contains(&format!(
        "href=\"/organizations?mandate=direct_services&#38;lang=fr\">{trainers} organismes</a>"
    )));

    let searched = app
        .text("/organizations?q=coalition+qu%C3%A9b%C3%A9coise")
        .await;
    assert!(searched.contains("href=\"/organizations/cqtp?lang=fr\""));

    // Filters and search survive paging.
    let page2 = app.text("/organizations?q=trafficking&page=2").await;
    assert!(
        page2.contains("rel=\"prev\" href=\"/organizations?q=trafficking&#38;page=1&#38;lang=fr\""),
        "{page2}"
    );

    let bad = app.get("/organizations?province=XX").await;
    assert_eq!(bad.status(), 400);
    let body = bad.text().await.unwrap();
    assert!(body.contains("Demande invalide") && body.contains("province"));
    app.stop().await;
});

app_test!(organization_page_shows_only_sourced_facts, |backend| {
    let app = TestApp::builder(backend).start().await;
    let html = app.text("/organizations/cqtp").await;
    assert!(html.contains("<h1>Coalition québécoise contre la traite des personnes</h1>"));
    assert!(html.contains("<dd>2011</dd>") && html.contains("<dd>Québec</dd>"));
    let english = app.text("/organizations/mast?lang=en").await;
    assert!(
        english.contains("Not given by the source"),
        "unknown facts are said to be unknown"
    );

    let missing = app.get("/organizations/does-not-exist").await;
    assert_eq!(missing.status(), 404);
    assert!(missing.text().await.unwrap().contains("Page introuvable"));
    let missing_en = app.get("/nowhere?lang=en").await;
    assert_eq!(missing_en.status(), 404);
    assert!(
        missing_en
            .text()
            .await
            .unwrap()
            .contains("<html lang=\"en\">")
    );
    app.stop().await;
});

app_test!(api_lists_searches_and_gets_organizations, |backend| {
    let app = TestApp::builder(backend).start().await;
    let list = app.json("/api/v1/organizations?per_page=5&page=2").await;
    assert_eq!(list["total"], 68);
    assert_eq!(list["page"], 2);
    assert_eq!(list["items"].as_array().unwrap().len(), 5);

    let found = app
        .json("/api/v1/organizations?q=HEBERGEMENT+OR+coalition&province=ON&level=municipal")
        .await;
    for item in found["items"].as_array().unwrap() {
        assert_eq!(item["province"], "ON");
        assert_eq!(item["level"], "municipal");
    }

    let cqtp = app.json("/api/v1/organizations/cqtp").await;
    assert_eq!(
        cqtp["name"]["fr"],
        "Coalition québécoise contre la traite des personnes"
    );
    assert_eq!(cqtp["founded_year"], 2011);
    assert_eq!(cqtp["is_coalition"], true);
    let by_id = app
        .json(&format!(
            "/api/v1/organizations/{}",
            cqtp["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(by_id["slug"], "cqtp");
    app.stop().await;
});

app_test!(
    api_errors_are_problem_documents_in_the_request_language,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let cases = [
            (
                "/api/v1/organizations/nope",
                404,
                "urn:mosaique:problem:not-found",
                "Ressource introuvable",
            ),
            (
                "/api/v1/nothing-here",
                404,
                "urn:mosaique:problem:not-found",
                "Ressource introuvable",
            ),
            (
                "/api",
                404,
                "urn:mosaique:problem:not-found",
                "Ressource introuvable",
            ),
            (
                "/api/v1/organizations?per_page=0",
                400,
                "urn:mosaique:problem:bad-request",
                "Requête invalide",
            ),
            (
                "/api/v1/organizations?level=x&lang=en",
                400,
                "urn:mosaique:problem:bad-request",
                "Invalid request",
            ),
        ];
        for (path, status, kind, title) in cases {
            let response = app.get(path).await;
            assert_eq!(response.status(), status, "{path}");
            assert_problem(
                response
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok()),
            );
            let body: serde_json::Value = response.json().await.unwrap();
            assert_eq!(body["type"], kind, "{path}");
            assert_eq!(body["title"], title, "{path}");
            assert_eq!(body["status"], status, "{path}");
        }
        let english = app
            .get_with("/api/v1/organizations/nope", "accept-language", "en")
            .await;
        assert_eq!(
            english.json::<serde_json::Value>().await.unwrap()["title"],
            "Resource not found"
        );

        let post = app
            .client
            .post(app.url("/api/v1/organizations"))
            .send()
            .await
            .unwrap();
        assert_eq!(post.status(), 405);
        assert_problem(
            post.headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
        );
        app.stop().await;
    }
);

app_test!(
    openapi_document_is_served_and_matches_the_committed_copy,
    |backend| {
        let app = TestApp::builder(backend).empty().start().await;
        let served = app.json("/api/openapi.json").await;
        assert_eq!(served["openapi"], "3.1.0");
        assert!(served["paths"]["/api/v1/organizations"]["get"].is_object());
        let committed_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi.json");
        let committed: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(committed_path).expect("docs/openapi.json exists"),
        )
        .expect("docs/openapi.json is JSON");
        assert_eq!(
            served, committed,
            "docs/openapi.json is stale: run `cargo run -- openapi > docs/openapi.json` and commit it"
        );
        app.stop().await;
    }
);

app_test!(
    operations_endpoints_report_health_readiness_and_metrics,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        assert_eq!(app.text("/healthz").await, "ok\n");
        let ready = app.json("/readyz").await;
        assert_eq!(
            ready,
            serde_json::json!({"ready": true, "database": "ok", "migrations": "current", "search_index": "ready"})
        );
        app.get("/organizations/cqtp").await;
        app.get("/organizations/mast").await;
        let metrics = app.metrics().await;
        // Not on the public listener.
        assert_eq!(app.get("/metrics").await.status(), 404);
        assert!(metrics.contains("mosaique_http_requests_total{method=\"GET\",route=\"/organizations/{slug}\",status=\"200\"} 2"), "{metrics}");
        assert!(metrics.contains("mosaique_http_request_duration_seconds_bucket{method=\"GET\",route=\"/organizations/{slug}\",le=\"+Inf\"} 2"));
        assert!(
            !metrics.contains("cqtp"),
            "metrics carry route patterns, not paths"
        );
        assert!(metrics.contains("mosaique_db_pool_max_connections "));
        assert!(metrics.contains("mosaique_search_index_documents 68"));
        app.stop().await;
    }
);

app_test!(
    pages_carry_security_headers_and_only_same_origin_assets,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        for path in [
            "/",
            "/organizations",
            "/organizations/cqtp",
            "/login",
            "/missing",
        ] {
            let response = app.get(path).await;
            let headers = response.headers().clone();
            let csp = headers["content-security-policy"].to_str().unwrap();
            assert!(
                csp.contains("frame-ancestors 'none'")
                    && csp.contains("script-src 'self'")
                    && !csp.contains("unsafe-inline")
            );
            assert_eq!(headers["referrer-policy"], "no-referrer");
            assert_eq!(headers["x-content-type-options"], "nosniff");
            let html = response.text().await.unwrap();
            for attribute in ["src=\"http", "src=\"//", "<script>", "style=\""] {
                assert!(!html.contains(attribute), "{path} has {attribute}");
            }
            // Links to other sites are the reader's to follow (the quick exit, sources);
            // nothing the page loads by itself comes from elsewhere.
            for link in html.split("<link ").skip(1) {
                let tag = link.split('>').next().unwrap_or_default();
                assert!(
                    !tag.contains("href=\"http") && !tag.contains("href=\"//"),
                    "{path} loads {tag}"
                );
            }
            assert!(
                html.contains("<a class=\"skip-link\" href=\"#main\">"),
                "{path}"
            );
        }
        let html = app.text("/").await;
        let css = html
            .split("href=\"/static/app.css")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap();
        let response = app.get(&format!("/static/app.css{css}")).await;
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"],
            "text/css; charset=utf-8"
        );
        assert!(
            response.headers()["cache-control"]
                .to_str()
                .unwrap()
                .contains("immutable")
        );
        assert!(response.text().await.unwrap().contains("@media print"));
        assert_eq!(app.get("/static/htmx-2.0.11.min.js").await.status(), 200);
        assert_eq!(app.get("/static/nope.js").await.status(), 404);
        app.stop().await;
    }
);

app_test!(
    search_index_follows_changes_made_through_the_database,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let query = "/api/v1/organizations?q=zanzibarien";
        assert_eq!(app.json(query).await["total"], 0);
        // Written straight to the database, as another app server would.
        mosaique_store::testing::upsert_organization(
            &app.db,
            &NewOrganization {
                slug: "exemple-zanzibar".into(),
                name: mosaique_domain::Bilingual::new(
                    "Exemple — Refuge zanzibarien".into(),
                    "Example — Zanzibari shelter".into(),
                ),
                description: mosaique_domain::Bilingual::default(),
                province: Some(Province::Qc),
                level: None,
                sector: None,
                founded_year: None,
                is_coalition: false,
                source: "test".into(),
                details: Default::default(),
            },
        )
        .await;
        let started = Instant::now();
        loop {
            if app.json(query).await["total"] == 1 {
                break;
            }
            // Liveness, not speed: the freshness target is for benchmarks, not a loaded run.
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "index never followed the change"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        app.stop().await;
    }
);

app_test!(a_database_outage_is_a_503_not_a_crash, |backend| {
    let app = TestApp::builder(backend).start().await;
    app.db.close().await;
    let api = app.get("/api/v1/organizations").await;
    assert_eq!(api.status(), 503);
    assert_eq!(
        api.json::<serde_json::Value>().await.unwrap()["type"],
        "urn:mosaique:problem:unavailable"
    );
    let page = app.get("/organizations?lang=en").await;
    assert_eq!(page.status(), 503);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("Service temporarily unavailable")
    );
    assert_eq!(app.get("/readyz").await.status(), 503);
    assert_eq!(app.get("/healthz").await.status(), 200);
    app.stop().await;
});

app_test!(
    malformed_and_overlong_addresses_are_answered_in_the_callers_language,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        // A %-encoding that is not UTF-8 names nothing: problem+json on the APIs, a page
        // elsewhere, never the framework's English plain text.
        for (path, lang, expected) in [
            ("/api/v1/services/%FF", "fr", "ne forme pas du texte valide"),
            ("/hsds/services/%FF%FE", "en", "is not valid text"),
        ] {
            let response = app.get_with(path, "accept-language", lang).await;
            assert_eq!(response.status(), 400, "{path}");
            assert_problem(
                response
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok()),
            );
            let body: serde_json::Value = response.json().await.unwrap();
            assert!(
                body["detail"].as_str().unwrap().contains(expected),
                "{body}"
            );
        }
        let page = app.get("/services/%FF?lang=en").await;
        assert_eq!(page.status(), 400);
        assert!(
            page.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert!(page.text().await.unwrap().contains("is not valid text"));

        // A request line over hyper's 64 KiB: it answers 414 before any route, and the
        // answer says why, in the language a `lang=` at the front of the address asks for.
        // (No HTTP client sends such an address: it is written on a socket.)
        let long = "a".repeat(100_000);
        for (target, lang, title) in [
            (
                format!("/api/v1/services?q={long}"),
                "fr",
                "Adresse trop longue",
            ),
            (
                format!("/hsds/services?lang=en&search={long}"),
                "en",
                "Address too long",
            ),
        ] {
            let (status, head, body) = raw_get(&app, &target).await;
            assert_eq!(status, 414);
            assert!(
                head.contains(&format!("content-language: {lang}")),
                "{head}"
            );
            assert!(
                head.contains("content-type: application/problem+json"),
                "{head}"
            );
            let body: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert_eq!(body["type"], "urn:mosaique:problem:uri-too-long");
            assert_eq!(body["title"], title);
            assert_eq!(body["status"], 414);
        }
        let (status, head, body) = raw_get(&app, &format!("/services?lang=en&q={long}")).await;
        assert_eq!(status, 414);
        assert!(head.contains("content-type: text/html"), "{head}");
        assert!(body.contains("Address too long"), "{body}");
        // The connections around it are served as usual.
        assert_eq!(app.get("/api/v1/services?q=refuge").await.status(), 200);
        assert_eq!(app.get("/hsds/services").await.status(), 200);
        app.stop().await;
    }
);
