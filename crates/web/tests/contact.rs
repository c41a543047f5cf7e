//! The public contact form over HTTP, on SQLite and PostgreSQL: a message reaches the
//! coalition administrators' inbox; bad input is named and nothing kept; a robot's message is
//! dropped unseen; an address that sends too many waits (429 with Retry-After); only a
//! coalition administrator reads the inbox.
#![allow(clippy::unwrap_used)] // A failed unwrap is a failed test, with its location.

mod common;

use common::TestApp;
use mosaique_domain::Role;

fn form<'a>(topic: &'a str, message: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("topic", topic),
        ("name", "Sam"),
        ("organization", "Maison Exemple"),
        ("email", "sam@exemple.org"),
        ("message", message),
        ("website", ""),
    ]
}

app_test!(
    a_message_reaches_the_inbox_and_the_form_keeps_its_limits,
    |backend| {
        let app = TestApp::builder(backend).start().await;
        let post = |fields: Vec<(&'static str, &'static str)>| {
            app.client
                .post(app.url("/contact?lang=fr"))
                .form(&fields)
                .send()
        };

        // The form says what it is not for, and keeps nothing in the browser.
        let page = app.get("/contact?lang=en").await;
        assert!(page.headers().get("set-cookie").is_none());
        let html = page.text().await.unwrap();
        assert!(html.contains("This form is not for reporting a situation."));
        assert!(html.contains("action=\"/contact?lang=en\""));

        // Sent: back to the form, which thanks the sender.
        let sent = post(form("training", "Une formation pour notre équipe ?"))
            .await
            .unwrap();
        assert_eq!(sent.status(), 303);
        assert_eq!(sent.headers()["location"], "/contact?sent=1&lang=fr");
        assert!(
            app.text("/contact?sent=1&lang=fr")
                .await
                .contains("Merci, votre message a été transmis à la coalition.")
        );

        // Bad input: every problem named, in the reader's language, nothing kept.
        let refused = post(vec![
            ("topic", ""),
            ("email", "pas-une-adresse"),
            ("message", " "),
        ])
        .await
        .unwrap();
        assert_eq!(refused.status(), 422);
        let html = refused.text().await.unwrap();
        for problem in [
            "Choisissez un sujet.",
            "Écrivez votre message.",
            "Cette adresse courriel n’est pas valide.",
        ] {
            assert!(html.contains(problem), "{problem}");
        }
        assert!(
            html.contains("value=\"pas-une-adresse\""),
            "what was typed stays"
        );

        // A robot fills the hidden field: it is told the same as a person, and nothing is kept.
        let mut robot = form("other", "Buy cheap pills");
        robot[5] = ("website", "https://spam.example");
        assert_eq!(post(robot).await.unwrap().status(), 303);

        // Three messages an hour from one address; the next one waits.
        assert_eq!(post(form("media", "Deuxième")).await.unwrap().status(), 303);
        assert_eq!(
            post(form("other", "Troisième")).await.unwrap().status(),
            303
        );
        let throttled = post(form("other", "Quatrième")).await.unwrap();
        assert_eq!(throttled.status(), 429);
        let wait: u64 = throttled.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(wait > 0 && wait <= 3600, "{wait}");
        assert!(throttled.text().await.unwrap().contains("réessayez dans"));

        // Only a coalition administrator reads the inbox: three messages, the robot's absent.
        let caseworker = app.sign_in(Role::Caseworker).await;
        assert_eq!(
            app.get_as(&caseworker, "/admin/messages").await.status(),
            403
        );
        let admin = app.sign_in(Role::CoalitionAdmin).await;
        let inbox = app.get_as(&admin, "/admin/messages?lang=fr").await;
        assert_eq!(inbox.status(), 200);
        let html = inbox.text().await.unwrap();
        assert!(html.contains("3 messages en attente de réponse."), "{html}");
        assert!(html.contains("Une formation pour notre équipe ?"));
        assert!(html.contains("Demande de formation"));
        assert!(!html.contains("Buy cheap pills") && !html.contains("Quatrième"));

        // Marked handled, then deleted; both on the audit trail.
        let id = html
            .split("action=\"/admin/messages/")
            .nth(1)
            .unwrap()
            .split('/')
            .next()
            .unwrap()
            .to_owned();
        let handled = app
            .post_form_as(&admin, &format!("/admin/messages/{id}/handled"), &[])
            .await;
        assert_eq!(handled.status(), 303);
        assert!(
            app.get_as(&admin, "/admin/messages?lang=fr")
                .await
                .text()
                .await
                .unwrap()
                .contains("2 messages en attente de réponse.")
        );
        let again = app
            .post_form_as(&admin, &format!("/admin/messages/{id}/handled"), &[])
            .await;
        assert_eq!(again.status(), 404, "already handled");
        // A deletion is for good: without the box ticked, nothing goes.
        let unconfirmed = app
            .post_form_as(&admin, &format!("/admin/messages/{id}/delete"), &[])
            .await;
        assert_eq!(unconfirmed.status(), 422);
        assert!(
            unconfirmed
                .text()
                .await
                .unwrap()
                .contains("Cochez la case pour confirmer")
        );
        let deleted = app
            .post_form_as(
                &admin,
                &format!("/admin/messages/{id}/delete"),
                &[("confirm", "on")],
            )
            .await;
        assert_eq!(deleted.status(), 303);
        assert!(
            !app.get_as(&admin, "/admin/messages?lang=fr")
                .await
                .text()
                .await
                .unwrap()
                .contains(&id),
            "gone"
        );
        let actions = mosaique_store::testing::audit_actions(&app.db, "contact", &id).await;
        for action in ["contact.send", "contact.handle"] {
            assert!(actions.iter().any(|a| a == action), "{actions:?}");
        }
        app.stop().await;
    }
);
