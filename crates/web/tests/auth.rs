//! Signing in and out over HTTP, on SQLite and PostgreSQL: password, second factor,
//! throttling, enrolment, sessions, `/api/v1/me`, cross-site protection, audit.
#![allow(clippy::unwrap_used)] // A failed unwrap is a failed test, with its location.

mod common;

use common::{TestApp, now_seconds, session_cookie};
use mosaique_app::identity::staff::NewAccount;
use mosaique_crypto::TotpSecret;
use mosaique_domain::Role;
use mosaique_domain::policy::Principal;
use mosaique_store::AuditVerdict;
use mosaique_store::demo_accounts::{DEMO_PASSWORD, demo_email, demo_totp_secret};
use mosaique_store::testing::{audit_trail, verify_audit};

/// A token that was never issued.
const UNKNOWN_TOKEN: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

async fn post_form(
    app: &TestApp,
    path: &str,
    cookie: Option<&str>,
    form: &[(&str, &str)],
) -> reqwest::Response {
    let mut request = app.client.post(app.url(path)).form(form);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.unwrap()
}

async fn get_with_cookie(app: &TestApp, path: &str, cookie: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
}

fn location(response: &reqwest::Response) -> &str {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

app_test!(sign_in_with_password_and_second_factor, |backend| {
    let app = TestApp::builder(backend).start().await;
    let email = demo_email(Role::Coordinator);
    let response = post_form(
        &app,
        "/login",
        None,
        &[("email", &email), ("password", DEMO_PASSWORD)],
    )
    .await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/login/totp");
    let half = session_cookie(&response).unwrap();
    let set_cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"),
        "{set_cookie}"
    );

    // Half-way through sign-in, nothing personal is reachable.
    assert_eq!(
        get_with_cookie(&app, "/api/v1/me", &half).await.status(),
        401
    );
    let account = get_with_cookie(&app, "/account", &half).await;
    assert_eq!(
        (account.status().as_u16(), location(&account)),
        (303, "/login/continue")
    );

    let code = demo_totp_secret(Role::Coordinator)
        .unwrap()
        .code_at(now_seconds());
    let response = post_form(&app, "/login/totp", Some(&half), &[("code", &code)]).await;
    assert_eq!(
        (response.status().as_u16(), location(&response)),
        (303, "/account")
    );
    let full = session_cookie(&response).unwrap();
    assert_ne!(full, half, "the token changes when sign-in completes");
    assert_eq!(
        get_with_cookie(&app, "/api/v1/me", &half).await.status(),
        401,
        "the half-way token is dead"
    );

    let me: serde_json::Value = get_with_cookie(&app, "/api/v1/me", &full)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["user"]["email"], email);
    assert_eq!(me["user"]["role"], "coordinator");
    assert_eq!(me["organization"], serde_json::Value::Null);
    let caseworker = app.sign_in(Role::Caseworker).await;
    let me: serde_json::Value = get_with_cookie(&app, "/api/v1/me", &caseworker)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["organization"]["slug"], "exemple-organisme-membre");

    let page = get_with_cookie(&app, "/account", &full).await;
    assert_eq!(page.headers()["cache-control"], "no-store");
    let html = page.text().await.unwrap();
    assert!(html.contains("Coordination (point d’entrée)") && html.contains("Se déconnecter"));

    // The same code cannot be used twice, even for a new sign-in.
    let again = post_form(
        &app,
        "/login",
        None,
        &[("email", &email), ("password", DEMO_PASSWORD)],
    )
    .await;
    let again = session_cookie(&again).unwrap();
    let replay = post_form(&app, "/login/totp", Some(&again), &[("code", &code)]).await;
    assert_eq!(replay.status(), 401);
    assert!(replay.text().await.unwrap().contains("déjà servi"));

    let out = post_form(&app, "/logout", Some(&full), &[]).await;
    assert_eq!(out.status(), 303);
    assert_eq!(
        get_with_cookie(&app, "/api/v1/me", &full).await.status(),
        401,
        "signed out"
    );
    app.stop().await;
});

app_test!(
    wrong_email_and_wrong_password_look_the_same_and_are_throttled,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let unknown = post_form(
            &app,
            "/login",
            None,
            &[
                ("email", "nobody@example.org"),
                ("password", "whatever-it-is"),
            ],
        )
        .await;
        let wrong = post_form(
            &app,
            "/login",
            None,
            &[
                ("email", &demo_email(Role::Analyst)),
                ("password", "not-the-password"),
            ],
        )
        .await;
        assert_eq!(unknown.status(), 401);
        assert_eq!(wrong.status(), 401);
        let (unknown, wrong) = (unknown.text().await.unwrap(), wrong.text().await.unwrap());
        assert!(unknown.contains("Courriel ou mot de passe incorrect."));
        assert_eq!(
            unknown.replace("nobody@example.org", "X"),
            wrong.replace(&demo_email(Role::Analyst), "X")
        );

        for _ in 0..4 {
            post_form(
                &app,
                "/login",
                None,
                &[
                    ("email", &demo_email(Role::Analyst)),
                    ("password", "nope-nope-nope"),
                ],
            )
            .await;
        }
        // Locked now, even with the right password.
        let locked = post_form(
            &app,
            "/login",
            None,
            &[
                ("email", &demo_email(Role::Analyst)),
                ("password", DEMO_PASSWORD),
            ],
        )
        .await;
        assert_eq!(locked.status(), 429);
        let wait: u64 = locked.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=30).contains(&wait), "the first pause is 30 s: {wait}");
        assert!(
            locked
                .text()
                .await
                .unwrap()
                .contains("Réessayez dans une minute")
        );
        // Another account is not affected.
        app.sign_in(Role::PrivacyOfficer).await;

        let failures = audit_trail(&app.db, None, None, 100).await;
        assert!(
            failures
                .iter()
                .filter(|e| e.action == "auth.sign_in" && e.outcome == "failure")
                .count()
                >= 6
        );
        assert!(
            failures
                .iter()
                .any(|e| e.reason.as_deref() == Some("throttled"))
        );
        assert!(matches!(
            verify_audit(&app.db).await,
            AuditVerdict::Intact { .. }
        ));
        app.stop().await;
    }
);

fn base32_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut bits = 0u64;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.trim().bytes() {
        let value = ALPHABET.iter().position(|a| *a == c).unwrap() as u64;
        bits = (bits << 5) | value;
        count += 5;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    out
}

fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html.find(start).unwrap() + start.len();
    &html[from..from + html[from..].find(end).unwrap()]
}

app_test!(
    enrolment_sets_a_password_and_a_second_factor_with_recovery_codes,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let org = app
            .db
            .organization_by_slug("exemple-organisme-membre")
            .await
            .unwrap()
            .unwrap();
        let created = app
            .state
            .app
            .create_account(
                &Principal::Operator,
                &NewAccount {
                    email: "nouvelle@exemple.org".into(),
                    display_name: "Nouvelle Intervenante".into(),
                    role: Some(Role::Caseworker),
                    organization: org.slug.clone(),
                },
            )
            .await
            .unwrap();
        let path = created
            .link
            .strip_prefix("http://127.0.0.1")
            .unwrap()
            .to_owned();
        assert!(path.starts_with("/enrol/"), "{path}");
        assert_eq!(app.get(&path).await.status(), 200);
        assert_eq!(
            app.get(&format!("/enrol/{UNKNOWN_TOKEN}")).await.status(),
            404
        );

        let weak = post_form(
            &app,
            &path,
            None,
            &[("password", "password1234"), ("confirm", "password1234")],
        )
        .await;
        assert_eq!(weak.status(), 422);
        assert!(
            weak.text()
                .await
                .unwrap()
                .contains("parmi les plus courants")
        );
        let strong = "Trois chats bleus dansent";
        let done = post_form(
            &app,
            &path,
            None,
            &[("password", strong), ("confirm", strong)],
        )
        .await;
        assert_eq!(
            (done.status().as_u16(), location(&done)),
            (303, "/account/security/totp")
        );
        let cookie = session_cookie(&done).unwrap();
        assert_eq!(app.get(&path).await.status(), 404, "the link works once");

        let setup = get_with_cookie(&app, "/account/security/totp", &cookie)
            .await
            .text()
            .await
            .unwrap();
        assert!(setup.contains("<svg"), "QR code inline");
        let secret =
            TotpSecret::from_bytes(&base32_decode(between(&setup, "id=\"totp-secret\">", "<")))
                .unwrap();
        let pending = between(&setup, "name=\"pending\" value=\"", "\"").to_owned();
        let wrong = post_form(
            &app,
            "/account/security/totp",
            Some(&cookie),
            &[("pending", &pending), ("code", "000000")],
        )
        .await;
        assert_eq!(wrong.status(), 422);
        let code = secret.code_at(now_seconds());
        let enabled = post_form(
            &app,
            "/account/security/totp",
            Some(&cookie),
            &[("pending", &pending), ("code", &code)],
        )
        .await;
        assert_eq!(enabled.status(), 200);
        let full = session_cookie(&enabled).unwrap();
        let page = enabled.text().await.unwrap();
        let codes: Vec<String> = page
            .split("<li><code>")
            .skip(1)
            .map(|c| c.split('<').next().unwrap().to_owned())
            .collect();
        assert_eq!(codes.len(), 10);
        assert_eq!(
            get_with_cookie(&app, "/api/v1/me", &full).await.status(),
            200
        );

        // A recovery code signs in once.
        let first = post_form(
            &app,
            "/login",
            None,
            &[("email", "nouvelle@exemple.org"), ("password", strong)],
        )
        .await;
        assert_eq!(location(&first), "/login/totp");
        let half = session_cookie(&first).unwrap();
        let with_code = post_form(
            &app,
            "/login/totp",
            Some(&half),
            &[("code", &codes[0].to_uppercase())],
        )
        .await;
        assert_eq!(
            (with_code.status().as_u16(), location(&with_code)),
            (303, "/account")
        );
        let second = session_cookie(
            &post_form(
                &app,
                "/login",
                None,
                &[("email", "nouvelle@exemple.org"), ("password", strong)],
            )
            .await,
        )
        .unwrap();
        assert_eq!(
            post_form(&app, "/login/totp", Some(&second), &[("code", &codes[0])])
                .await
                .status(),
            401
        );
        app.stop().await;
    }
);

app_test!(
    disabling_an_account_ends_its_sessions_everywhere,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let cookie = app.sign_in(Role::OrgAdmin).await;
        let other = app.sign_in_at(Role::OrgAdmin, 30).await;
        assert_eq!(
            get_with_cookie(&app, "/api/v1/me", &cookie).await.status(),
            200
        );
        let user = app
            .db
            .user_by_email(&demo_email(Role::OrgAdmin))
            .await
            .unwrap()
            .unwrap();
        app.state
            .app
            .disable_account(&Principal::Operator, user.id)
            .await
            .unwrap();
        for c in [&cookie, &other] {
            let response = get_with_cookie(&app, "/api/v1/me", c).await;
            assert_eq!(response.status(), 401);
            let body: serde_json::Value = response.json().await.unwrap();
            assert_eq!(body["type"], "urn:mosaique:problem:unauthorized");
        }
        let again = post_form(
            &app,
            "/login",
            None,
            &[
                ("email", &demo_email(Role::OrgAdmin)),
                ("password", DEMO_PASSWORD),
            ],
        )
        .await;
        assert_eq!(again.status(), 401, "a disabled account cannot sign in");
        app.stop().await;
    }
);

app_test!(sign_out_everywhere_ends_every_session, |backend| {
    let app = TestApp::builder(backend).start().await;
    let first = app.sign_in(Role::PrivacyOfficer).await;
    let second = app.sign_in_at(Role::PrivacyOfficer, 30).await;
    let response = post_form(&app, "/account/sessions/revoke", Some(&first), &[]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        get_with_cookie(&app, "/api/v1/me", &second).await.status(),
        401
    );
    app.stop().await;
});

app_test!(cross_site_posts_are_refused, |backend| {
    let app = TestApp::builder(backend).start().await;
    let cookie = app.sign_in(Role::Coordinator).await;
    let cross_site = app
        .client
        .post(app.url("/logout"))
        .header("cookie", &cookie)
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), 403);
    let foreign_origin = app
        .client
        .post(app.url("/logout"))
        .header("cookie", &cookie)
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(foreign_origin.status(), 403);
    assert_eq!(
        get_with_cookie(&app, "/api/v1/me", &cookie).await.status(),
        200,
        "still signed in"
    );
    let same_origin = app
        .client
        .post(app.url("/logout"))
        .header("cookie", &cookie)
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(same_origin.status(), 303);
    app.stop().await;
});

app_test!(api_without_credentials_is_401, |backend| {
    let app = TestApp::builder(backend).empty().start().await;
    let response = app.get("/api/v1/me?lang=en").await;
    assert_eq!(response.status(), 401);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["title"], "Authentication required");
    app.stop().await;
});

app_test!(
    admins_invite_reset_and_disable_within_their_scope,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let admin = app.sign_in(Role::CoalitionAdmin).await;
        let org_admin = app.sign_in(Role::OrgAdmin).await;

        // A coalition admin invites a coordinator for the coalition itself.
        let created = post_form(
            &app,
            "/admin/users",
            Some(&admin),
            &[
                ("email", "Nouveau@Coalition.example"),
                ("display_name", "Nouveau"),
                ("role", "coordinator"),
                ("org", ""),
            ],
        )
        .await;
        assert_eq!(created.status(), 200);
        let page = created.text().await.unwrap();
        let link = between(&page, "id=\"one-time-link\">", "<").to_owned();
        assert!(link.contains("/enrol/"), "{link}");
        let user = app
            .db
            .user_by_email("nouveau@coalition.example")
            .await
            .unwrap()
            .unwrap();
        assert_eq!((user.role, user.org_id), (Role::Coordinator, None));

        // An organization admin sees their own staff only, and cannot create a coalition admin.
        let list = get_with_cookie(&app, "/admin/users", &org_admin)
            .await
            .text()
            .await
            .unwrap();
        assert!(
            list.contains("caseworker@demo.mosaique.ca")
                && !list.contains("nouveau@coalition.example")
        );
        let escalate = post_form(
            &app,
            "/admin/users",
            Some(&org_admin),
            &[
                ("email", "boss@exemple.org"),
                ("display_name", "Boss"),
                ("role", "coalition_admin"),
                ("org", "exemple-organisme-membre"),
            ],
        )
        .await;
        assert_eq!(escalate.status(), 403);
        let elsewhere = post_form(
            &app,
            "/admin/users",
            Some(&org_admin),
            &[
                ("email", "x@exemple.org"),
                ("display_name", "X"),
                ("role", "caseworker"),
                ("org", "cqtp"),
            ],
        )
        .await;
        assert_eq!(elsewhere.status(), 403);
        let bad = post_form(
            &app,
            "/admin/users",
            Some(&org_admin),
            &[
                ("email", "pas une adresse"),
                ("display_name", ""),
                ("role", "caseworker"),
                ("org", "exemple-organisme-membre"),
            ],
        )
        .await;
        assert_eq!(bad.status(), 422);
        assert!(
            app.db
                .user_by_email("boss@exemple.org")
                .await
                .unwrap()
                .is_none(),
            "nothing written"
        );

        // A reset link lets the caseworker choose a new password; the second factor still applies.
        let caseworker = app
            .db
            .user_by_email(&demo_email(Role::Caseworker))
            .await
            .unwrap()
            .unwrap();
        let reset = post_form(
            &app,
            &format!("/admin/users/{}/reset", caseworker.id),
            Some(&org_admin),
            &[],
        )
        .await;
        assert_eq!(reset.status(), 200);
        let page = reset.text().await.unwrap();
        let link = between(&page, "id=\"one-time-link\">", "<").to_owned();
        let path = &link[link.find("/reset/").unwrap()..];
        let new_password = "Une toute nouvelle phrase secrète";
        let done = post_form(
            &app,
            path,
            None,
            &[("password", new_password), ("confirm", new_password)],
        )
        .await;
        assert_eq!(
            location(&done),
            "/login/totp",
            "the second factor is still required"
        );
        let old = post_form(
            &app,
            "/login",
            None,
            &[
                ("email", &demo_email(Role::Caseworker)),
                ("password", DEMO_PASSWORD),
            ],
        )
        .await;
        assert_eq!(old.status(), 401, "the old password no longer works");

        // Disabling is audited with who did it.
        let disabled = post_form(
            &app,
            &format!("/admin/users/{}/disable", caseworker.id),
            Some(&org_admin),
            &[],
        )
        .await;
        assert_eq!(disabled.status(), 303);
        let entries = audit_trail(
            &app.db,
            Some(("user", &caseworker.id.to_string())),
            None,
            20,
        )
        .await;
        let org_admin_id = app
            .db
            .user_by_email(&demo_email(Role::OrgAdmin))
            .await
            .unwrap()
            .unwrap()
            .id
            .to_string();
        assert!(entries.iter().any(|e| e.action == "user.disable"
            && e.actor_user_id.as_deref() == Some(org_admin_id.as_str())));
        assert!(
            entries
                .iter()
                .any(|e| e.action == "user.password_reset_link")
        );
        app.stop().await;
    }
);

app_test!(
    privacy_officers_read_the_audit_trail_and_their_reading_is_recorded,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let officer = app.sign_in(Role::PrivacyOfficer).await;
        let page = get_with_cookie(
            &app,
            &format!(
                "/admin/audit?target=user:{}&verify=1",
                demo_email(Role::PrivacyOfficer)
            ),
            &officer,
        )
        .await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains("Chaîne intacte"), "verification shown");
        assert!(html.contains("auth.sign_in") && html.contains("auth.second_factor"));
        let officer_id = app
            .db
            .user_by_email(&demo_email(Role::PrivacyOfficer))
            .await
            .unwrap()
            .unwrap()
            .id;
        let views = audit_trail(&app.db, None, Some(officer_id), 10).await;
        assert!(
            views.iter().any(|e| e.action == "audit.view"),
            "reading the trail is on the trail"
        );
        let caseworker = app.sign_in(Role::Caseworker).await;
        assert_eq!(
            get_with_cookie(&app, "/admin/audit", &caseworker)
                .await
                .status(),
            403
        );
        app.stop().await;
    }
);

app_test!(api_tokens_act_for_their_user_until_revoked, |backend| {
    let app = TestApp::builder(backend).start().await;
    let user = app
        .db
        .user_by_email(&demo_email(Role::Analyst))
        .await
        .unwrap()
        .unwrap();
    let issued = app
        .state
        .app
        .create_api_token(&Principal::Operator, &user.email, "rapport", None)
        .await
        .unwrap();
    let bearer = format!("Bearer {}", issued.token);
    let me = app.get_with("/api/v1/me", "authorization", &bearer).await;
    assert_eq!(me.status(), 200);
    assert_eq!(
        me.json::<serde_json::Value>().await.unwrap()["user"]["role"],
        "analyst"
    );
    // A token is for the API, not for pages.
    let page = app.get_with("/account", "authorization", &bearer).await;
    assert_eq!(
        (page.status().as_u16(), location(&page)),
        (303, "/login?lang=fr")
    );
    assert_eq!(
        app.get_with("/api/v1/me", "authorization", "Bearer not-a-token")
            .await
            .status(),
        401
    );
    app.state
        .app
        .revoke_api_token(&Principal::Operator, &user.email, issued.id)
        .await
        .unwrap();
    assert_eq!(
        app.get_with("/api/v1/me", "authorization", &bearer)
            .await
            .status(),
        401
    );
    app.stop().await;
});

app_test!(
    sensitive_actions_ask_for_the_second_factor_again,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let admin = app.sign_in(Role::CoalitionAdmin).await;
        let target = app
            .db
            .user_by_email(&demo_email(Role::Analyst))
            .await
            .unwrap()
            .unwrap();
        mosaique_store::testing::age_step_up(&app.db).await;
        let action = format!("/admin/users/{}/disable", target.id);
        let asked = post_form(&app, &action, Some(&admin), &[]).await;
        assert_eq!(
            (asked.status().as_u16(), location(&asked)),
            (303, "/reauth?next=%2Fadmin%2Fusers")
        );
        assert!(
            !mosaique_store::testing::user(&app.db, target.id)
                .await
                .unwrap()
                .disabled,
            "nothing done yet"
        );

        let page = get_with_cookie(&app, "/reauth?next=//evil.example", &admin)
            .await
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("name=\"next\" value=\"/account\""),
            "only local paths are followed"
        );
        let wrong = post_form(
            &app,
            "/reauth",
            Some(&admin),
            &[("next", "/admin/users"), ("code", "000000")],
        )
        .await;
        assert_eq!(wrong.status(), 401);
        // The sign-in used this step's code; the next step's is accepted once.
        let code = demo_totp_secret(Role::CoalitionAdmin)
            .unwrap()
            .code_at(now_seconds() + 30);
        let confirmed = post_form(
            &app,
            "/reauth",
            Some(&admin),
            &[("next", "/admin/users"), ("code", &code)],
        )
        .await;
        assert_eq!(
            (confirmed.status().as_u16(), location(&confirmed)),
            (303, "/admin/users")
        );
        let done = post_form(&app, &action, Some(&admin), &[]).await;
        assert_eq!(done.status(), 303);
        assert!(
            mosaique_store::testing::user(&app.db, target.id)
                .await
                .unwrap()
                .disabled
        );
        app.stop().await;
    }
);

app_test!(
    organizations_are_created_and_edited_by_their_administrators,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let admin = app.sign_in(Role::CoalitionAdmin).await;
        let form = [
            ("slug", "exemple-maison-refuge"),
            ("name_fr", "Exemple — Maison refuge"),
            ("name_en", "Example — Shelter house"),
            ("description_fr", "Organisme fictif."),
            ("description_en", "Fictitious organization."),
            ("province", "QC"),
            ("level", "regional"),
            ("sector", "community"),
            ("founded_year", "2015"),
            ("is_coalition", ""),
            ("source", "Exemple fictif"),
            ("formal", "false"),
            ("mandate", "referrals"),
            ("mandate", "awareness"),
            ("mandates_other", "Cuisine collective"),
            ("website", "exemple.org/refuge"),
            ("email", "refuge@exemple.org"),
            ("phone", "514-555-0199"),
            ("area_region", "06"),
            ("area_municipalities", "Laval"),
        ];
        let created = post_form(&app, "/admin/organizations/new", Some(&admin), &form).await;
        assert_eq!(
            (created.status().as_u16(), location(&created)),
            (303, "/organizations/exemple-maison-refuge")
        );
        let page = app.text("/organizations/exemple-maison-refuge").await;
        assert!(page.contains("Exemple — Maison refuge") && page.contains("<dd>2015</dd>"));
        for shown in [
            "<dd>Groupe informel</dd>",
            "<dd>Orientation vers les services, Sensibilisation, Cuisine collective</dd>",
            "<dd>Montréal, Laval</dd>",
            "href=\"https://exemple.org/refuge\"",
            "href=\"mailto:refuge@exemple.org\"",
            "href=\"tel:514-555-0199\"",
        ] {
            assert!(page.contains(shown), "{shown}");
        }
        let api = app
            .json("/api/v1/organizations/exemple-maison-refuge")
            .await;
        assert_eq!(
            api["mandates"],
            serde_json::json!(["referrals", "awareness"])
        );
        assert_eq!(api["formal"], false);
        let edit = app
            .client
            .get(app.url("/admin/organizations/exemple-maison-refuge"))
            .header("cookie", &admin)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            edit.contains("value=\"awareness\" checked") && edit.contains("value=\"06\" checked")
        );
        let again = post_form(&app, "/admin/organizations/new", Some(&admin), &form).await;
        assert_eq!(again.status(), 422);
        assert!(again.text().await.unwrap().contains("déjà pris"));
        let mut bad = form.to_vec();
        bad[0] = ("slug", "autre-exemple");
        bad[5] = ("province", "XX");
        bad[8] = ("founded_year", "deux mille");
        bad[16] = ("email", "pas-une-adresse");
        bad[19] = ("area_municipalities", "Atlantide");
        let refused = post_form(&app, "/admin/organizations/new", Some(&admin), &bad).await;
        assert_eq!(refused.status(), 422);
        let text = refused.text().await.unwrap();
        assert!(
            text.contains("province ou un territoire")
                && text.contains("année de fondation")
                && text.contains("courriel n’est pas valide")
                && text.contains("« Atlantide » n’est pas une municipalité connue"),
            "every problem named: {text}"
        );
        assert!(
            text.contains("value=\"deux mille\""),
            "what was typed comes back"
        );
        assert!(
            app.db
                .organization_by_slug("autre-exemple")
                .await
                .unwrap()
                .is_none(),
            "nothing written"
        );

        // An organization admin edits their own organization, not another, and not its slug.
        let org_admin = app.sign_in(Role::OrgAdmin).await;
        let mut own = form.to_vec();
        own[0] = ("slug", "attempted-move");
        own[1] = ("name_fr", "Exemple — Organisme membre (renommé)");
        let saved = post_form(
            &app,
            "/admin/organizations/exemple-organisme-membre",
            Some(&org_admin),
            &own,
        )
        .await;
        assert_eq!(
            (saved.status().as_u16(), location(&saved)),
            (303, "/organizations/exemple-organisme-membre")
        );
        let renamed = app
            .db
            .organization_by_slug("exemple-organisme-membre")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(renamed.name.fr, "Exemple — Organisme membre (renommé)");
        assert!(
            app.db
                .organization_by_slug("attempted-move")
                .await
                .unwrap()
                .is_none()
        );
        let other = post_form(&app, "/admin/organizations/cqtp", Some(&org_admin), &own).await;
        assert_eq!(other.status(), 403);
        let entries = audit_trail(
            &app.db,
            Some(("organization", "exemple-organisme-membre")),
            None,
            5,
        )
        .await;
        assert_eq!(entries[0].action, "organization.update");

        // Every server's search index follows.
        let started = std::time::Instant::now();
        while app.json("/api/v1/organizations?q=maison+refuge").await["total"] != 1 {
            // Liveness, not speed: the freshness target is for benchmarks, not a loaded test run.
            assert!(started.elapsed() < std::time::Duration::from_secs(15));
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        app.stop().await;
    }
);

app_test!(
    second_factor_guesses_stay_counted_across_new_sign_ins,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let email = demo_email(Role::Coordinator);
        let mut statuses = Vec::new();
        for _ in 0..4 {
            // A right password does not buy fresh guesses.
            let half = session_cookie(
                &post_form(
                    &app,
                    "/login",
                    None,
                    &[("email", &email), ("password", DEMO_PASSWORD)],
                )
                .await,
            )
            .unwrap();
            for _ in 0..2 {
                statuses.push(
                    post_form(&app, "/login/totp", Some(&half), &[("code", "000000")])
                        .await
                        .status()
                        .as_u16(),
                );
            }
        }
        assert_eq!(
            statuses.iter().filter(|s| **s == 401).count(),
            5,
            "{statuses:?}"
        );
        assert!(statuses.ends_with(&[429, 429, 429]), "{statuses:?}");
        // Locked: even the right code waits.
        let half = session_cookie(
            &post_form(
                &app,
                "/login",
                None,
                &[("email", &email), ("password", DEMO_PASSWORD)],
            )
            .await,
        )
        .unwrap();
        let code = demo_totp_secret(Role::Coordinator)
            .unwrap()
            .code_at(now_seconds());
        assert_eq!(
            post_form(&app, "/login/totp", Some(&half), &[("code", &code)])
                .await
                .status(),
            429
        );
        app.stop().await;
    }
);

app_test!(an_api_token_cannot_drive_the_sign_in_pages, |backend| {
    let app = TestApp::builder(backend).start().await;
    let user = app
        .db
        .user_by_email(&demo_email(Role::Analyst))
        .await
        .unwrap()
        .unwrap();
    let token = app
        .state
        .app
        .create_api_token(&Principal::Operator, &user.email, "script", None)
        .await
        .unwrap()
        .token;
    let setup = app
        .get_with(
            "/account/security/totp",
            "authorization",
            &format!("Bearer {token}"),
        )
        .await;
    assert_eq!(
        (setup.status().as_u16(), location(&setup)),
        (303, "/login/continue")
    );
    assert!(
        !mosaique_store::testing::user(&app.db, user.id)
            .await
            .unwrap()
            .totp_enabled
    );
    app.stop().await;
});

/// A sign-in form from `address` (through the trusted proxy's `X-Forwarded-For`), with the
/// cookies given.
async fn sign_in_from(
    app: &TestApp,
    address: &str,
    cookie: Option<&str>,
    email: &str,
    password: &str,
) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url("/login"))
        .header("x-forwarded-for", address)
        .form(&[("email", email), ("password", password)]);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.unwrap()
}

/// The device cookie (`name=value`) a response sets.
fn device_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("mosaique_device="))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

app_test!(
    failures_from_elsewhere_do_not_keep_a_worker_out_of_their_own_browser,
    |backend| {
        let app = TestApp::builder(backend).behind_proxy().start().await;
        let (worker, attacker) = ("198.51.100.2", "203.0.113.7");
        let email = demo_email(Role::Coordinator);
        // The coordinator signed in from this browser before: it keeps a device cookie.
        let first = sign_in_from(&app, worker, None, &email, DEMO_PASSWORD).await;
        assert_eq!(location(&first), "/login/totp");
        let device = device_cookie(&first).expect("a device cookie");
        assert!(first.headers().get_all("set-cookie").iter().any(|v| {
            let v = v.to_str().unwrap();
            v.starts_with("mosaique_device=")
                && v.contains("HttpOnly")
                && v.contains("SameSite=Strict")
        }));

        // Someone tries her e-mail from one address: slowed down after five failures...
        let mut statuses = Vec::new();
        for _ in 0..7 {
            let guess = sign_in_from(&app, attacker, None, &email, "devinette-123").await;
            statuses.push(guess.status().as_u16());
        }
        assert_eq!(statuses, [401, 401, 401, 401, 401, 429, 429]);
        // ...while she, at her own address, is not: in her browser, or a new one.
        let fresh = sign_in_from(&app, worker, None, &email, DEMO_PASSWORD).await;
        assert_eq!(location(&fresh), "/login/totp");
        // Spread over many addresses, the guesses slow the account down for every browser
        // it does not know, even at her address...
        let mut spread = Vec::new();
        for i in 0..8 {
            let from = format!("203.0.113.{}", 10 + i / 4);
            let guess = sign_in_from(&app, &from, None, &email, "devinette-456").await;
            spread.push(guess.status().as_u16());
        }
        assert_eq!(
            spread,
            [401, 401, 401, 401, 401, 429, 429, 429],
            "{spread:?}"
        );
        let unknown = sign_in_from(&app, worker, None, &email, DEMO_PASSWORD).await;
        assert_eq!(unknown.status(), 429);
        assert!(unknown.headers().contains_key("retry-after"));
        // ...but her own browser signs in, from her address or another one.
        for address in [worker, "192.0.2.44"] {
            let own = sign_in_from(&app, address, Some(&device), &email, DEMO_PASSWORD).await;
            let (status, at) = (own.status(), location(&own).to_owned());
            assert_eq!(
                at,
                "/login/totp",
                "from {address}: {status} {}",
                own.text().await.unwrap()
            );
        }
        // A tampered device cookie is a browser nobody knows.
        let (name, value) = device.split_once('=').unwrap();
        let last = if value.ends_with('0') { '1' } else { '0' };
        let forged = format!("{name}={}{last}", &value[..value.len() - 1]);
        let refused = sign_in_from(&app, worker, Some(&forged), &email, DEMO_PASSWORD).await;
        assert_eq!(refused.status(), 429);
        // For another account, her device cookie changes nothing: the usual rules.
        let other = demo_email(Role::Caseworker);
        let elsewhere = sign_in_from(&app, worker, Some(&device), &other, DEMO_PASSWORD).await;
        assert_eq!(
            location(&elsewhere),
            "/login/totp",
            "another account: the usual rules"
        );
        // Her own browser is throttled on its own mistakes.
        let mut own = Vec::new();
        for _ in 0..6 {
            let wrong = sign_in_from(&app, worker, Some(&device), &email, "faute-de-frappe").await;
            own.push(wrong.status().as_u16());
        }
        assert_eq!(own, [401, 401, 401, 401, 401, 429]);
        app.stop().await;
    }
);

app_test!(
    a_password_spray_from_one_address_is_still_stopped,
    |backend| {
        for behind_proxy in [false, true] {
            let builder = TestApp::builder(backend);
            let app = if behind_proxy {
                builder.behind_proxy().start().await
            } else {
                builder.start().await
            };
            // Direct, every request comes from 127.0.0.1; behind the proxy, from the address
            // it names (the proxy's own address is not counted).
            let sprayer = if behind_proxy {
                "203.0.113.9"
            } else {
                "127.0.0.1"
            };
            for i in 0..30 {
                let guess = sign_in_from(
                    &app,
                    sprayer,
                    None,
                    &format!("personne{i}@exemple.org"),
                    "Printemps2026!",
                )
                .await;
                assert_eq!(guess.status(), 401, "guess {i}");
            }
            // Thirty failures over thirty accounts: the address waits, even for a real account.
            let stopped = sign_in_from(
                &app,
                sprayer,
                None,
                &demo_email(Role::Analyst),
                DEMO_PASSWORD,
            )
            .await;
            assert_eq!(stopped.status(), 429, "behind proxy: {behind_proxy}");
            let wait: u64 = stopped.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!(wait > 14 * 60, "{wait}");
            if behind_proxy {
                // Another address behind the same proxy is not affected.
                let other = sign_in_from(
                    &app,
                    "198.51.100.7",
                    None,
                    &demo_email(Role::Analyst),
                    DEMO_PASSWORD,
                )
                .await;
                assert_eq!(other.status(), 303);
            }
            app.stop().await;
        }
    }
);

app_test!(
    an_api_refusal_for_want_of_credentials_says_how_to_authenticate,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let refused = app.get("/api/v1/me").await;
        assert_eq!(refused.status(), 401);
        assert_eq!(
            refused.headers()["www-authenticate"].to_str().unwrap(),
            "Bearer realm=\"mosaique\""
        );
        app.stop().await;
    }
);

app_test!(
    second_factor_guesses_from_elsewhere_do_not_keep_a_worker_out_of_their_own_browser,
    |backend| {
        let app = TestApp::builder(backend).behind_proxy().start().await;
        let worker = "198.51.100.2";
        let email = demo_email(Role::Coordinator);
        let code = |response: reqwest::Response| async move {
            let status = response.status().as_u16();
            (status, response.text().await.unwrap())
        };
        let second_factor = |address: &'static str, cookie: String, guess: String| {
            let app = &app;
            async move {
                app.client
                    .post(app.url("/login/totp"))
                    .header("x-forwarded-for", address)
                    .header("cookie", cookie)
                    .form(&[("code", guess.as_str())])
                    .send()
                    .await
                    .unwrap()
            }
        };
        // Her browser signed in before: it keeps a device cookie.
        let first = sign_in_from(&app, worker, None, &email, DEMO_PASSWORD).await;
        let device = device_cookie(&first).expect("a device cookie");
        // Someone who knows her password spends the account's code guesses, from elsewhere
        // and from several addresses.
        let mut statuses = Vec::new();
        for i in 0..7 {
            let from = ["203.0.113.7", "203.0.113.8"][i % 2];
            let half = sign_in_from(&app, from, None, &email, DEMO_PASSWORD).await;
            let session = session_cookie(&half).expect("a half-way session");
            let (status, _) = code(second_factor(from, session, "000000".into()).await).await;
            statuses.push(status);
        }
        // Counted before each check: five wrong codes, then a pause.
        assert_eq!(statuses, [401, 401, 401, 401, 401, 429, 429]);
        // A browser nobody knows now waits...
        let half = sign_in_from(&app, worker, None, &email, DEMO_PASSWORD).await;
        let session = session_cookie(&half).unwrap();
        let secret = demo_totp_secret(Role::Coordinator).unwrap();
        let right = secret.code_at(now_seconds());
        let (status, _) = code(second_factor(worker, session, right.clone()).await).await;
        assert_eq!(status, 429);
        // ...but her own browser completes the second factor.
        let half = sign_in_from(&app, worker, Some(&device), &email, DEMO_PASSWORD).await;
        let session = session_cookie(&half).unwrap();
        let cookies = format!("{session}; {device}");
        let done = second_factor(worker, cookies, right).await;
        assert_eq!(done.status(), 303, "{}", done.text().await.unwrap());
        app.stop().await;
    }
);
