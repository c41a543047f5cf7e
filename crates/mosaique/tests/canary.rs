//! The encryption canary: secrets entered through the application (a password, a TOTP
//! secret, recovery codes) and what a case says about a person (their alias, name, phone,
//! address, a note, a safety plan, a document) never appear in the SQLite file, in a `pg_dump`, or in the logs, even at
//! debug level; once the case is closed and destroyed by `mosaique cases purge`, not even
//! its sealed values remain. Runs the real binary on both databases.
#![allow(clippy::unwrap_used)] // A failed unwrap is a failed test, with its location.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use mosaique_crypto::TotpSecret;
use mosaique_store::testing::{TestBackend, TestDb};

const PASSWORD: &str = "Canari jaune qui chante 4821";
/// What a case records about a person, typed through the pages.
const CASE_CANARIES: [&str; 8] = [
    "Canari-Alias-7731",
    "Canari Nom-Secret 5512",
    "438-000-9911",
    "12 rue du Canari-Caché",
    "Note canari 8842 : elle dort chez sa sœur",
    "Plan canari 6620",
    "Mot de code canari 4419 : appeler sa tante",
    "Document canari 3391 : copie du passeport",
];

fn mosaique(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mosaique"));
    command.current_dir(dir).args(args);
    for (key, _) in std::env::vars() {
        if key.starts_with("MOSAIQUE_") {
            command.env_remove(key);
        }
    }
    command
}

fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html.find(start).unwrap() + start.len();
    &html[from..from + html[from..].find(end).unwrap()]
}

fn base32_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let (mut bits, mut count, mut out) = (0u64, 0, Vec::new());
    for c in text.trim().bytes() {
        bits = (bits << 5) | ALPHABET.iter().position(|a| *a == c).unwrap() as u64;
        count += 5;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    out
}

fn cookie(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("mosaique_session=") && !v.starts_with("mosaique_session=;"))
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_owned()
}

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// The child is killed and reaped by `Server`'s Drop, also when a test panics.
#[allow(clippy::zombie_processes)]
fn start(dir: &Path, url: &str) -> Server {
    let stdout = std::fs::File::create(dir.join("stdout.log")).unwrap();
    let stderr = std::fs::File::create(dir.join("stderr.log")).unwrap();
    let child = mosaique(
        dir,
        &[
            "serve",
            "--demo",
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            url,
        ],
    )
    .args(["--log-format", "json", "--log-level", "debug"])
    .stdout(Stdio::from(stdout))
    .stderr(Stdio::from(stderr))
    .spawn()
    .unwrap();
    let started = Instant::now();
    loop {
        let out = std::fs::read_to_string(dir.join("stdout.log")).unwrap_or_default();
        if let Some(at) = out.find("http://127.0.0.1:") {
            let base = out[at..].split_whitespace().next().unwrap().to_owned();
            return Server { child, base };
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "server did not start: {out}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Enrols a new account through the web pages; returns the secrets it was given and a
/// signed-in session.
async fn enrol(dir: &Path, url: &str, server: &Server) -> (TotpSecret, Vec<String>, String) {
    let created = mosaique(
        dir,
        &[
            "user",
            "create",
            "--database-url",
            url,
            "--email",
            "canary@exemple.org",
            "--role",
            "coordinator",
        ],
    )
    .env("MOSAIQUE_PUBLIC_URL", &server.base)
    .output()
    .unwrap();
    let stdout = String::from_utf8_lossy(&created.stdout).into_owned();
    let link = stdout
        .split_whitespace()
        .find(|w| w.contains("/enrol/"))
        .unwrap()
        .to_owned();
    let client = client();
    let done = client
        .post(&link)
        .form(&[("password", PASSWORD), ("confirm", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 303);
    let session = cookie(&done);
    let setup = client
        .get(format!("{}/account/security/totp", server.base))
        .header("cookie", &session)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let secret =
        TotpSecret::from_bytes(&base32_decode(between(&setup, "id=\"totp-secret\">", "<")))
            .unwrap();
    let pending = between(&setup, "name=\"pending\" value=\"", "\"").to_owned();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let page = client
        .post(format!("{}/account/security/totp", server.base))
        .header("cookie", &session)
        .form(&[
            ("pending", pending.as_str()),
            ("code", secret.code_at(now).as_str()),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let codes: Vec<String> = page
        .split("<li><code>")
        .skip(1)
        .map(|c| c.split('<').next().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), 10);
    // Sign in again, so the password and a code also travel through the sign-in path.
    let signed = client
        .post(format!("{}/login", server.base))
        .form(&[("email", "canary@exemple.org"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let half = cookie(&signed);
    let totp = client
        .post(format!("{}/login/totp", server.base))
        .header("cookie", &half)
        .form(&[("code", codes[0].as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(totp.status(), 303);
    (secret, codes, cookie(&totp))
}

/// Opens a case and writes a note and a safety plan through the pages, as the enrolled
/// coordinator.
async fn record_a_case(server: &Server, session: &str) {
    let client = client();
    let [
        alias,
        name,
        phone,
        address,
        note,
        plan,
        plan_details,
        document,
    ] = CASE_CANARIES;
    let opened = client
        .post(format!("{}/cases", server.base))
        .header("cookie", session)
        .form(&[
            ("alias", alias),
            ("name", name),
            ("phone", phone),
            ("address", address),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(opened.status(), 303);
    let case = opened.headers()["location"].to_str().unwrap().to_owned();
    let noted = client
        .post(format!("{}{case}/notes", server.base))
        .header("cookie", session)
        .form(&[("body", note)])
        .send()
        .await
        .unwrap();
    assert_eq!(noted.status(), 303);
    let planned = client
        .post(format!("{}{case}/steps", server.base))
        .header("cookie", session)
        .form(&[
            ("kind", "safety_plan"),
            ("title", plan),
            ("details", plan_details),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(planned.status(), 303);
    let documented = client
        .post(format!(
            "{}/api/v1{case}/documents?category=identity&name=passeport.txt",
            server.base
        ))
        .header("cookie", session)
        .body(document)
        .send()
        .await
        .unwrap();
    assert_eq!(documented.status(), 201);
    let page = client
        .get(format!("{}{case}", server.base))
        .header("cookie", session)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(name) && page.contains(note) && page.contains(plan_details),
        "the case reads back"
    );
    // The status form's version (a step's change form carries the step's own).
    let status_form = &page[page.find("/status\"").expect("the status form")..];
    let version = between(status_form, "name=\"version\" value=\"", "\"").to_owned();
    let closed = client
        .post(format!("{}{case}/status", server.base))
        .header("cookie", session)
        .form(&[
            ("event", "close"),
            ("reason", "person_declined"),
            ("version", &version),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(closed.status(), 303);
}

/// What the store holds, sealed, about the cases.
async fn sealed_values(url: &str) -> Vec<String> {
    let db = mosaique_store::Db::connect(url, &mosaique_store::DbOptions::default())
        .await
        .unwrap();
    let values = mosaique_store::testing::sealed_case_values(&db).await;
    db.close().await;
    values
}

/// Destroys the closed cases with the command line's retention job (retention: zero days).
fn purge(dir: &Path, url: &str) {
    let out = mosaique(dir, &["cases", "purge", "--database-url", url])
        .env("MOSAIQUE_CASE_RETENTION_DAYS", "0")
        .env("MOSAIQUE_DEFAULT_LANGUAGE", "en")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("1 case(s) closed for more than 0 days destroyed"),
        "{stdout}"
    );
}

fn assert_absent(haystack: &[u8], where_: &str, secret: &TotpSecret, codes: &[String]) {
    let hex: String = secret
        .as_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut needles: Vec<(String, Vec<u8>)> = vec![
        ("password".into(), PASSWORD.as_bytes().to_vec()),
        ("TOTP secret (base32)".into(), secret.base32().into_bytes()),
        ("TOTP secret (hex)".into(), hex.into_bytes()),
        ("TOTP secret (raw)".into(), secret.as_bytes().to_vec()),
    ];
    needles.extend(
        codes
            .iter()
            .map(|c| (format!("recovery code {c}"), c.as_bytes().to_vec())),
    );
    needles.extend(
        CASE_CANARIES
            .iter()
            .map(|c| (format!("case data {c:?}"), c.as_bytes().to_vec())),
    );
    for (what, needle) in needles {
        assert!(
            !haystack
                .windows(needle.len())
                .any(|w| w == needle.as_slice()),
            "{what} found in {where_}"
        );
    }
}

async fn run(backend: TestBackend) {
    let dir = tempfile::tempdir().unwrap();
    let (url, fixture) = match backend {
        TestBackend::Sqlite => (
            format!("sqlite://{}", dir.path().join("m.db").display()),
            None,
        ),
        TestBackend::Postgres => {
            let fixture = TestDb::unmigrated(TestBackend::Postgres).await;
            (fixture.url.clone(), Some(fixture))
        }
    };
    let server = start(dir.path(), &url);
    let (secret, codes, session) = enrol(dir.path(), &url, &server).await;
    record_a_case(&server, &session).await;
    drop(server);
    // The case closed, its sealed values noted, then destroyed: none may remain.
    let sealed = sealed_values(&url).await;
    assert!(
        sealed.len() >= 9,
        "alias, three details, a note, a safety plan's title and details, a document's name \
         and content: {}",
        sealed.len()
    );
    purge(dir.path(), &url);

    let mut logs = std::fs::read(dir.path().join("stdout.log")).unwrap();
    logs.extend(std::fs::read(dir.path().join("stderr.log")).unwrap());
    assert!(
        String::from_utf8_lossy(&logs).contains("\"level\":\"DEBUG\""),
        "debug logs were captured"
    );
    assert_absent(&logs, "the logs", &secret, &codes);

    let stored = match backend {
        TestBackend::Sqlite => {
            let mut bytes = Vec::new();
            for name in ["m.db", "m.db-wal"] {
                bytes.extend(std::fs::read(dir.path().join(name)).unwrap_or_default());
            }
            bytes
        }
        TestBackend::Postgres => {
            let dump = Command::new("pg_dump").arg(&url).output().unwrap();
            assert!(
                dump.status.success(),
                "{}",
                String::from_utf8_lossy(&dump.stderr)
            );
            dump.stdout
        }
    };
    assert!(
        stored.windows(18).any(|w| w == b"canary@exemple.org"),
        "the dump is real and readable"
    );
    assert_absent(&stored, "the database", &secret, &codes);
    for value in &sealed {
        assert!(
            !stored.windows(value.len()).any(|w| w == value.as_bytes()),
            "a destroyed case's sealed value is still in the database"
        );
    }
    if let Some(fixture) = fixture {
        fixture.cleanup().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn canary_sqlite() {
    run(TestBackend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn canary_postgres() {
    run(TestBackend::Postgres).await;
}

/// A client that follows no redirect, on reqwest's rustls with its provider (ring) installed
/// once per process.
#[allow(clippy::unwrap_used)] // A failed unwrap is a failed test, with its location.
fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}
