//! `TestApp`: a real server on a real socket, on SQLite or PostgreSQL, driven over HTTP.

#![allow(dead_code)]

use std::time::Duration;

use mosaique_app::{App, AppConfig, SessionLimits};
use mosaique_domain::Language;
use mosaique_domain::policy::Principal;
use mosaique_store::Db;
use mosaique_store::testing::{TestBackend, TestDb};
use mosaique_web::{AppState, Settings};

pub struct TestApp {
    pub base: String,
    /// The metrics listener's origin (`metrics_bind`).
    pub metrics_base: String,
    pub client: reqwest::Client,
    pub state: AppState,
    /// The server's database, for setting up and checking what the requests did.
    pub db: Db,
    fixture: TestDb,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: tokio::task::JoinHandle<()>,
}

pub fn now_seconds() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

/// The `name=value` of the session cookie a response sets.
pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("mosaique_session=") && !v.starts_with("mosaique_session=;"))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

pub struct TestAppBuilder {
    backend: TestBackend,
    demo: bool,
    default_language: Language,
    smtp_url: Option<String>,
    trusted_proxies: Vec<std::net::IpAddr>,
}

impl TestApp {
    pub fn builder(backend: TestBackend) -> TestAppBuilder {
        TestAppBuilder {
            backend,
            demo: true,
            default_language: Language::Fr,
            smtp_url: None,
            trusted_proxies: Vec::new(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    pub async fn get_with(&self, path: &str, header: &str, value: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header(header, value)
            .send()
            .await
            .expect("request")
    }

    /// A GET as the holder of `cookie`.
    pub async fn get_as(&self, cookie: &str, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header("cookie", cookie)
            .send()
            .await
            .expect("request")
    }

    /// A JSON POST as the holder of `cookie`.
    pub async fn post_json_as(
        &self,
        cookie: &str,
        path: &str,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        self.json_as(reqwest::Method::POST, cookie, path, body)
            .await
    }

    /// A JSON PUT as the holder of `cookie`.
    pub async fn put_json_as(
        &self,
        cookie: &str,
        path: &str,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        self.json_as(reqwest::Method::PUT, cookie, path, body).await
    }

    async fn json_as(
        &self,
        method: reqwest::Method,
        cookie: &str,
        path: &str,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        self.client
            .request(method, self.url(path))
            .header("cookie", cookie)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// A form POST as the holder of `cookie`.
    pub async fn post_form_as(
        &self,
        cookie: &str,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("cookie", cookie)
            .form(form)
            .send()
            .await
            .expect("request")
    }

    /// What the metrics listener serves at `/metrics`.
    pub async fn metrics(&self) -> String {
        self.client
            .get(format!("{}/metrics", self.metrics_base))
            .send()
            .await
            .expect("metrics")
            .text()
            .await
            .expect("metrics body")
    }

    pub async fn text(&self, path: &str) -> String {
        self.get(path).await.text().await.expect("body")
    }

    pub async fn json(&self, path: &str) -> serde_json::Value {
        self.get(path).await.json().await.expect("json body")
    }

    /// Signs in a demo account (password, then the second factor when it has one) and
    /// returns the session cookie to send with later requests.
    pub async fn sign_in(&self, role: mosaique_domain::Role) -> String {
        self.sign_in_at(role, 0).await
    }

    /// Signs in with the code of a later time step: a TOTP step can be used only once, so
    /// a second session within the same 30 seconds needs the next step's code (accepted
    /// within the ±1 step window).
    pub async fn sign_in_at(&self, role: mosaique_domain::Role, later_seconds: u64) -> String {
        use mosaique_store::demo_accounts::{demo_email, demo_totp_secret};
        self.sign_in_as(&demo_email(role), demo_totp_secret(role), later_seconds)
            .await
    }

    /// Signs in a demo account by its address, with its TOTP secret if it has one.
    pub async fn sign_in_as(
        &self,
        email: &str,
        secret: Option<mosaique_crypto::TotpSecret>,
        later_seconds: u64,
    ) -> String {
        use mosaique_store::demo_accounts::DEMO_PASSWORD;
        let response = self
            .client
            .post(self.url("/login"))
            .form(&[("email", email), ("password", DEMO_PASSWORD)])
            .send()
            .await
            .expect("sign-in");
        assert_eq!(response.status(), 303, "password accepted for {email}");
        let mut cookie = session_cookie(&response).expect("session cookie");
        if let Some(secret) = secret {
            let code = secret.code_at(now_seconds() + later_seconds);
            let response = self
                .client
                .post(self.url("/login/totp"))
                .header("cookie", &cookie)
                .form(&[("code", code.as_str())])
                .send()
                .await
                .expect("second factor");
            assert_eq!(response.status(), 303, "code accepted for {email}");
            cookie = session_cookie(&response).expect("new session cookie");
        }
        cookie
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = tokio::time::timeout(Duration::from_secs(5), &mut self.server).await;
        self.fixture.cleanup().await;
    }
}

impl TestAppBuilder {
    pub fn empty(mut self) -> Self {
        self.demo = false;
        self
    }

    pub fn default_language(mut self, language: Language) -> Self {
        self.default_language = language;
        self
    }

    /// Believes `X-Forwarded-For` from the test client, as from a reverse proxy.
    pub fn behind_proxy(mut self) -> Self {
        self.trusted_proxies = vec![std::net::Ipv4Addr::LOCALHOST.into()];
        self
    }

    /// Sends the inbox's e-mail through this SMTP relay, looking every 200 ms.
    pub fn smtp(mut self, url: &str) -> Self {
        self.smtp_url = Some(url.to_owned());
        self
    }

    pub async fn start(self) -> TestApp {
        let fixture = TestDb::new(self.backend).await;
        let app = App::new(
            fixture.db.clone(),
            AppConfig {
                public_url: "http://127.0.0.1".into(),
                session: SessionLimits {
                    idle_ms: 30 * 60 * 1000,
                    absolute_ms: 12 * 3600 * 1000,
                },
            },
        );
        // As `mosaique serve` does at every start.
        app.publish_shipped_instruments(
            &mosaique_domain::screening::shipped::shipped().expect("shipped instruments"),
        )
        .await
        .expect("instruments publish");
        if self.demo {
            app.load_demo(&Principal::Operator)
                .await
                .expect("demo loads");
        }
        let settings = Settings {
            default_language: self.default_language,
            coalition_name_fr: "Coalition québécoise contre la traite des personnes".into(),
            coalition_name_en: "Québec Coalition Against Trafficking in Persons".into(),
            help_line: mosaique_web::HelpLine {
                phone: "1-888-555-0199".into(),
                hours_fr: "24 h sur 24, 7 jours sur 7".into(),
                hours_en: "24 hours a day, 7 days a week".into(),
            },
            quick_exit_url: "https://www.google.ca/".into(),
            public_url: "http://127.0.0.1".into(),
            search_refresh: Duration::from_millis(100),
            search_cache: Duration::from_millis(1000),
            session_absolute: Duration::from_secs(12 * 3600),
            trusted_proxies: self.trusted_proxies,
            mail: self.smtp_url.map(|url| {
                mosaique_web::Mailer::new(
                    &url,
                    "Mosaïque <mosaique@localhost>",
                    Duration::from_millis(200),
                )
                .expect("mail settings")
            }),
            demo: self.demo,
        };
        let state = AppState::new(app, settings);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let metrics_listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind metrics");
        let metrics_base = format!("http://{}", metrics_listener.local_addr().expect("addr"));
        let metrics = tokio::spawn(mosaique_web::serve_metrics(metrics_listener, state.clone()));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let server_state = state.clone();
        let server = tokio::spawn(async move {
            let _ = mosaique_web::serve(listener, server_state, async {
                let _ = rx.await;
            })
            .await;
            metrics.abort();
        });
        // reqwest's rustls needs its provider (ring) installed once per process; the second
        // time is refused harmlessly. No cookie store: each test sends the cookies it means to.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let app = TestApp {
            base,
            metrics_base,
            client,
            state,
            db: fixture.db.clone(),
            fixture,
            shutdown: Some(tx),
            server,
        };
        for _ in 0..100 {
            if app.get("/readyz").await.status() == 200 {
                return app;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("server never became ready");
    }
}

/// One HTTP test body, run against SQLite and PostgreSQL (`<name>::sqlite`, `<name>::postgres`).
#[macro_export]
macro_rules! app_test {
    ($name:ident, |$backend:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body($backend: mosaique_store::testing::TestBackend) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                body(mosaique_store::testing::TestBackend::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                body(mosaique_store::testing::TestBackend::Postgres).await;
            }
        }
    };
}

/// A local SMTP server (`scripts/smtp-sink`, aiosmtpd) that writes each message it accepts,
/// as Python's `email` package reads it, to a JSON file.
pub struct SmtpSink {
    child: std::process::Child,
    dir: tempfile::TempDir,
    port: u16,
}

impl SmtpSink {
    /// Starts the sink; it answers the first `refuse` messages with a temporary failure.
    pub fn start(refuse: u32) -> SmtpSink {
        use std::io::BufRead;
        let dir = tempfile::tempdir().unwrap();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/smtp-sink");
        let mut child = std::process::Command::new(script)
            .arg(dir.path())
            .args(["--refuse", &refuse.to_string()])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("scripts/smtp-sink starts (python3 with venv)");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().parse().expect("the sink prints its port");
        SmtpSink { child, dir, port }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The messages received so far, in order.
    pub fn messages(&self) -> Vec<serde_json::Value> {
        let mut files: Vec<_> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
            .collect()
    }

    /// Waits (20 s at most) until `count` messages have arrived.
    pub async fn wait_for(&self, count: usize) -> Vec<serde_json::Value> {
        for _ in 0..200 {
            let messages = self.messages();
            if messages.len() >= count {
                return messages;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("{count} message(s) expected, got {:?}", self.messages());
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
