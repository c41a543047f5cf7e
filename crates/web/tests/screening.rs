//! The identification tool over HTTP, on SQLite and PostgreSQL: the JSON API (results,
//! refusals, who may screen) and the interview pages from the first question to the
//! printable result, in French and in English.
#![allow(clippy::unwrap_used)] // A failed unwrap is a failed test, with its location.

mod common;

use common::TestApp;
use mosaique_domain::Role;
use mosaique_domain::policy::Principal;
use serde_json::{Value, json};

async fn post_json(app: &TestApp, cookie: &str, path: &str, body: &Value) -> reqwest::Response {
    app.post_json_as(cookie, path, body).await
}

async fn get(app: &TestApp, cookie: &str, path: &str) -> reqwest::Response {
    app.get_as(cookie, path).await
}

async fn post_form(
    app: &TestApp,
    cookie: &str,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    app.post_form_as(cookie, path, form).await
}

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}

app_test!(the_api_screens_and_never_concludes, |backend| {
    let app = TestApp::builder(backend).start().await;
    let cookie = app.sign_in(Role::Caseworker).await;

    let list: Value = get(&app, &cookie, "/api/v1/instruments")
        .await
        .json()
        .await
        .unwrap();
    let keys: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["key"].as_str().unwrap())
        .collect();
    assert!(keys.contains(&"reperage-rapide") && keys.contains(&"evaluation-approfondie"));
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|i| i["validation"] == "not_validated")
    );

    let tool: Value = get(&app, &cookie, "/api/v1/instruments/reperage-rapide")
        .await
        .json()
        .await
        .unwrap();
    let questions = tool["definition"]["questions"].as_array().unwrap();
    assert!(questions.len() <= 12);
    assert_eq!(tool["version"], 2);
    assert!(
        questions
            .iter()
            .all(|q| q["text"]["fr"].is_string() && q["text"]["en"].is_string())
    );

    let response = post_json(
        &app,
        &cookie,
        "/api/v1/screenings",
        &json!({
            "instrument": "reperage-rapide",
            "version": 2,
            "answers": { "minor": "no", "documents": "yes", "debt": "yes", "danger_now": "declined" }
        }),
    )
    .await;
    assert_eq!(response.status(), 201);
    let result: Value = response.json().await.unwrap();
    assert_eq!(result["band"], 2);
    assert_eq!(result["safety_alert"], false);
    assert_eq!(result["instrument"]["key"], "reperage-rapide");
    assert_eq!(result["instrument"]["content_hash"], tool["content_hash"]);
    assert_eq!(result["engine_version"], 3);
    let domains: Vec<&str> = result["domains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert!(
        domains.contains(&"legal_aid") && !domains.contains(&"youth_protection"),
        "{domains:?}"
    );
    let documents = result["legal_elements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["framework"] == "documents_279_03")
        .unwrap();
    assert_eq!(documents["elements"][0]["status"], "supported");
    // The declined answer stays a non-answer, never a "no".
    assert_eq!(result["answers"]["danger_now"], "declined");
    assert!(result["completeness"]["unanswered"].as_u64().unwrap() >= 1);
    assert_eq!(result["completeness"]["declined"], json!(["danger_now"]));
    assert_eq!(result["completeness"]["incomplete"], true);
    for lang in ["fr", "en"] {
        let statement = result["statement"][lang].as_str().unwrap().to_lowercase();
        for word in [
            "victim",
            "trafficked",
            "offence",
            "infraction",
            "coupable",
            "guilty",
        ] {
            assert!(!statement.contains(word), "{lang}: {word}");
        }
        assert!(statement.contains("ircc") && statement.contains("dpj"));
    }

    // The screener reads it back; the read is audited.
    let id = result["id"].as_str().unwrap();
    let again: Value = get(&app, &cookie, &format!("/api/v1/screenings/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["band"], 2);
    let reads =
        mosaique_store::testing::audit_trail(&app.db, Some(("screening", id)), None, 10).await;
    assert!(reads.iter().any(|e| e.action == "screening.read"));
    // Another screener cannot, and learns nothing of its existence.
    let other = app.sign_in_at(Role::Coordinator, 30).await;
    assert_eq!(
        get(&app, &other, &format!("/api/v1/screenings/{id}"))
            .await
            .status(),
        404
    );

    // What the person asks for offers domains and nothing else, apart from the indicators,
    // on the result page as in the API.
    let response = post_json(
        &app,
        &cookie,
        "/api/v1/screenings",
        &json!({
            "instrument": "evaluation-approfondie",
            "version": 3,
            "answers": { "danger_now": "no", "minor": "no", "need_work": "yes" }
        }),
    )
    .await;
    assert_eq!(response.status(), 201);
    let result: Value = response.json().await.unwrap();
    assert_eq!(result["band"], 0);
    assert_eq!(result["indicators"], json!([]));
    assert_eq!(result["asked_for"][0]["key"], "asks_work");
    assert_eq!(
        result["asked_for"][0]["domains"],
        json!(["work", "legal_aid"])
    );
    assert_eq!(result["domains"], json!(["work", "legal_aid"]));
    let id = result["id"].as_str().unwrap();
    for (lang, heading, need) in [
        (
            "fr",
            "Ce que la personne demande",
            "pour un problème de travail",
        ),
        (
            "en",
            "What the person asks for",
            "Asks for help with a problem at work",
        ),
    ] {
        let page = get(
            &app,
            &cookie,
            &format!("/screening/{id}/result?lang={lang}"),
        )
        .await
        .text()
        .await
        .unwrap();
        assert!(
            page.contains(heading) && page.contains(need),
            "{lang}: {page}"
        );
    }
    app.stop().await;
});

app_test!(the_api_refuses_what_it_cannot_score, |backend| {
    let app = TestApp::builder(backend).start().await;
    let cookie = app.sign_in(Role::PoliceLiaison).await;
    let problem = |status: u16, body: Value| {
        let app = &app;
        let cookie = cookie.clone();
        async move {
            let response = post_json(app, &cookie, "/api/v1/screenings", &body).await;
            assert_eq!(response.status(), status, "{body}");
            assert_eq!(
                response.headers()["content-type"],
                "application/problem+json"
            );
            response.json::<Value>().await.unwrap()
        }
    };
    let bad = problem(
        422,
        json!({"instrument": "reperage-rapide", "version": 2, "answers": {"minor": "maybe", "shoe_size": "yes"}}),
    )
    .await;
    let detail = bad["detail"].as_str().unwrap();
    assert!(
        detail.contains("minor") && detail.contains("maybe") && detail.contains("shoe_size"),
        "{detail}"
    );
    problem(
        404,
        json!({"instrument": "nothing", "version": 1, "answers": {}}),
    )
    .await;
    problem(
        404,
        json!({"instrument": "reperage-rapide", "version": 9, "answers": {}}),
    )
    .await;
    let case = problem(
        404,
        json!({"instrument": "reperage-rapide", "version": 2, "answers": {}, "case_id": "c-1"}),
    )
    .await;
    assert!(case["detail"].as_str().unwrap().contains("c-1"));
    problem(422, json!({"instrument": "reperage-rapide", "answers": {}})).await;
    let response = app
        .client
        .post(app.url("/api/v1/screenings"))
        .header("cookie", &cookie)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    // Version 1, superseded by the corrected version 2 that ships beside it, is retired:
    // its results stay readable, new screenings are refused.
    problem(
        409,
        json!({"instrument": "reperage-rapide", "version": 1, "answers": {}}),
    )
    .await;
    app.state
        .app
        .retire_instrument(&Principal::Operator, "reperage-rapide", 2)
        .await
        .unwrap();
    problem(
        409,
        json!({"instrument": "reperage-rapide", "version": 2, "answers": {}}),
    )
    .await;
    // Nothing was stored by any refused request.
    let police = app
        .db
        .user_by_email(&mosaique_store::demo_accounts::demo_email(
            Role::PoliceLiaison,
        ))
        .await
        .unwrap()
        .unwrap();
    let mine = mosaique_store::testing::screenings_of(&app.db, &police).await;
    assert!(mine.is_empty());
    // Roles that do not screen are refused before their body is read.
    let analyst = app.sign_in(Role::Analyst).await;
    let response = post_json(&app, &analyst, "/api/v1/screenings", &json!({})).await;
    assert_eq!(response.status(), 403);
    app.stop().await;
});

/// Walks an interview to its result through the pages, as a browser without JavaScript.
async fn interview(
    app: &TestApp,
    cookie: &str,
    lang: &str,
    answer: fn(&str) -> &'static str,
) -> String {
    let response = post_form(
        app,
        cookie,
        &format!("/screening?lang={lang}"),
        &[("instrument", "reperage-rapide")],
    )
    .await;
    assert_eq!(response.status(), 303);
    let path = location(&response);
    let id = path.trim_start_matches("/screening/").to_owned();
    // Answer every question in order, as `answer` says.
    for _ in 0..20 {
        let page = get(app, cookie, &path).await.text().await.unwrap();
        let Some(start) = page.find("name=\"question\" value=\"") else {
            break;
        };
        let rest = &page[start + 23..];
        let question = &rest[..rest.find('"').unwrap()];
        let value = answer(question);
        let response = post_form(
            app,
            cookie,
            &format!("/screening/{id}/answers"),
            &[("question", question), ("value", value)],
        )
        .await;
        assert_eq!(response.status(), 303, "{question}");
    }
    let review = get(app, cookie, &path).await.text().await.unwrap();
    assert!(review.contains(&format!("/screening/{id}/complete")));
    let response = post_form(app, cookie, &format!("/screening/{id}/complete"), &[]).await;
    assert_eq!(location(&response), format!("/screening/{id}/result"));
    get(app, cookie, &format!("/screening/{id}/result?lang={lang}"))
        .await
        .text()
        .await
        .unwrap()
}

app_test!(
    an_interview_runs_page_by_page_in_both_languages,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let cookie = app.sign_in(Role::Coordinator).await;
        // Yes to documents and debt, no to the minor question, the rest skipped.
        let documents_and_debt = |question: &str| match question {
            "documents" | "debt" => "yes",
            "minor" => "no",
            _ => "not_asked",
        };
        let french = interview(&app, &cookie, "fr", documents_and_debt).await;
        assert!(
            french.contains("Niveau de préoccupation : 2 sur 3"),
            "{french}"
        );
        assert!(french.contains("Aide juridique"));
        assert!(french.contains("Un résultat positif ne prouve pas"));
        assert!(french.contains("/services?domain="));
        // Most questions skipped: the result says it excludes nothing; the quick screen has
        // no question for IRPA s. 118, and says so; it suggests the full assessment.
        assert!(french.contains("Résultat incomplet"), "{french}");
        assert!(french.contains("Non couvert par cet outil"));
        assert!(french.contains("value=\"evaluation-approfondie\""));
        let english = interview(&app, &cookie, "en", documents_and_debt).await;
        assert!(english.contains("Level of concern: 2 of 3"));
        assert!(
            english.contains("Incomplete result") && english.contains("Not covered by this tool")
        );
        // The alert says what was reported; a declined answer is named; the worker's own
        // observation is marked as such.
        let danger = |question: &str| match question {
            "danger_now" | "watched" => "yes",
            "threats" => "declined",
            "minor" => "no",
            _ => "no",
        };
        let french = interview(&app, &cookie, "fr", danger).await;
        assert!(french.contains("Ce qui a été signalé"), "{french}");
        assert!(french.contains("Danger immédiat signalé"));
        assert!(french.contains("observé par l’intervenant·e"));
        assert!(french.contains("préféré ne pas répondre"));
        assert!(french.contains("A-t-on menacé de faire du mal à la personne"));
        assert!(!french.contains("Résultat incomplet"));
        assert!(english.contains("A positive result does not prove"));
        assert!(english.contains("Legal aid"));

        // An answer the question cannot take is refused and the interview goes on.
        let response = post_form(
            &app,
            &cookie,
            "/screening",
            &[("instrument", "reperage-rapide")],
        )
        .await;
        let path = location(&response);
        let id = path.trim_start_matches("/screening/");
        let response = post_form(
            &app,
            &cookie,
            &format!("/screening/{id}/answers"),
            &[("question", "danger_now"), ("value", "perhaps")],
        )
        .await;
        assert_eq!(response.status(), 422);
        assert!(response.text().await.unwrap().contains("role=\"alert\""));
        // A question hidden or unknown is refused too.
        let response = post_form(
            &app,
            &cookie,
            &format!("/screening/{id}/answers"),
            &[("question", "nothing"), ("value", "yes")],
        )
        .await;
        assert_eq!(response.status(), 400);
        // Save and resume: the list shows it in progress; discarding deletes it.
        let list = get(&app, &cookie, "/screening").await.text().await.unwrap();
        assert!(list.contains(&format!("/screening/{id}\"")));
        let response = post_form(&app, &cookie, &format!("/screening/{id}/discard"), &[]).await;
        assert_eq!(response.status(), 303);
        assert_eq!(get(&app, &cookie, &path).await.status(), 404);
        app.stop().await;
    }
);

app_test!(
    a_bad_body_gets_a_short_answer_in_the_callers_language,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let cookie = app.sign_in(Role::Caseworker).await;
        let send = |body: String, lang: &'static str| {
            let app = &app;
            let cookie = cookie.clone();
            async move {
                let response = app
                    .client
                    .post(app.url("/api/v1/screenings"))
                    .header("cookie", &cookie)
                    .header("content-type", "application/json")
                    .header("accept-language", lang)
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                let status = response.status().as_u16();
                assert_eq!(
                    response.headers()["content-type"],
                    "application/problem+json"
                );
                let problem: Value = response.json().await.unwrap();
                (status, problem["detail"].as_str().unwrap().to_owned())
            }
        };
        let english_words = ["invalid type", "expected", "missing field", "at line"];

        // Over the body limit: 413, not 400.
        let huge = json!({"instrument": "reperage-rapide", "version": 2,
            "answers": {"minor": "x".repeat(3 * 1024 * 1024)}});
        let (status, detail) = send(huge.to_string(), "fr").await;
        assert_eq!(status, 413, "{detail}");
        assert!(detail.contains("2 Mio"), "{detail}");

        // A type error names the field and the type it takes, in the caller's language.
        let (status, detail) = send(
            json!({"instrument": 5, "version": 2, "answers": {}}).to_string(),
            "fr",
        )
        .await;
        assert_eq!(status, 422);
        assert!(
            detail.contains("instrument") && detail.contains("chaîne de caractères"),
            "{detail}"
        );
        assert!(
            !english_words.iter().any(|w| detail.contains(w)),
            "{detail}"
        );
        let (status, detail) = send(
            json!({"instrument": "reperage-rapide", "version": -1, "answers": {}}).to_string(),
            "en",
        )
        .await;
        assert_eq!(status, 422);
        assert!(
            detail.contains("version") && detail.contains("whole number"),
            "{detail}"
        );
        let (status, detail) = send(
            json!({"instrument": "reperage-rapide", "version": 2, "answers": {"minor": true}})
                .to_string(),
            "fr",
        )
        .await;
        assert_eq!(status, 422);
        assert!(detail.contains("answers.minor"), "{detail}");
        let (status, detail) = send(json!({"version": 2, "answers": {}}).to_string(), "fr").await;
        assert_eq!(status, 422);
        assert!(
            detail.contains("instrument") && detail.contains("obligatoire"),
            "{detail}"
        );
        // Every body is an object: serde alone would read a struct from an array.
        let (status, detail) = send("[null, null]".into(), "fr").await;
        assert_eq!(status, 422);
        assert!(detail.contains("objet JSON"), "{detail}");
        let (status, detail) = send("{not json".into(), "fr").await;
        assert_eq!(status, 400);
        assert!(detail.contains("ligne 1"), "{detail}");
        assert!(
            !english_words.iter().any(|w| detail.contains(w)),
            "{detail}"
        );

        // A long value is cut, never echoed whole; a long list of problems is capped.
        let long = "y".repeat(100_000);
        let mut answers = serde_json::Map::new();
        answers.insert("minor".into(), json!(long));
        for i in 0..50 {
            answers.insert(format!("shoe_size_{i:02}"), json!("yes"));
        }
        let (status, detail) = send(
            json!({"instrument": "reperage-rapide", "version": 2, "answers": answers}).to_string(),
            "fr",
        )
        .await;
        assert_eq!(status, 422);
        assert!(detail.len() < 2_000, "{} bytes", detail.len());
        assert!(detail.contains("minor") && detail.contains('…'), "{detail}");
        assert!(detail.contains("et 41 autres problèmes"), "{detail}");

        // An answer to a question an earlier answer hides is refused, not dropped.
        let (status, detail) = send(
            json!({"instrument": "evaluation-approfondie", "version": 3,
                "answers": {"born_abroad": "no", "entry_organized": "yes"}})
            .to_string(),
            "en",
        )
        .await;
        assert_eq!(status, 422);
        assert!(
            detail.contains("entry_organized") && detail.contains("born_abroad"),
            "{detail}"
        );
        app.stop().await;
    }
);
