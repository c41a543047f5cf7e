//! The binary's bad-input promises: one clear line, in the configured language, saying what
//! is wrong and what to do; a non-zero exit; never a panic or a backtrace.

use std::path::Path;
use std::process::{Command, Output};

use mosaique_store::testing::{TestBackend, TestDb, pg_database_url};

fn mosaique(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mosaique"));
    command
        .current_dir(dir)
        .args(args)
        .env("RUST_BACKTRACE", "1");
    for (key, _) in std::env::vars() {
        if key.starts_with("MOSAIQUE_") {
            command.env_remove(key);
        }
    }
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("binary runs")
}

/// Asserts a failure: the exit code, one error line containing `needle`, nothing else alarming.
fn assert_fails(output: &Output, code: i32, needle: &str) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(code), "stderr: {stderr}");
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("Erreur") || l.starts_with("Error"))
        .collect();
    assert_eq!(errors.len(), 1, "exactly one error line: {stderr}");
    assert!(
        errors[0].contains(needle),
        "{needle:?} not in {:?}",
        errors[0]
    );
    assert!(
        errors[0].contains("Que faire") || errors[0].contains("What to do"),
        "the line says what to do: {}",
        errors[0]
    );
    for alarming in ["panicked", "stack backtrace", "RUST_BACKTRACE"] {
        assert!(!stderr.contains(alarming), "{alarming} in {stderr}");
    }
    errors[0].to_owned()
}

#[test]
fn unknown_flag_is_named_in_french_then_english() {
    let dir = tempfile::tempdir().unwrap();
    let line = assert_fails(
        &mosaique(dir.path(), &["serve", "--bogus"], &[]),
        2,
        "--bogus",
    );
    assert!(
        line.starts_with("Erreur : Option inconnue : --bogus."),
        "{line}"
    );
    let line = assert_fails(
        &mosaique(
            dir.path(),
            &["--bogus"],
            &[("MOSAIQUE_DEFAULT_LANGUAGE", "en")],
        ),
        2,
        "--bogus",
    );
    assert!(
        line.starts_with("Error: Unknown option: --bogus."),
        "{line}"
    );
    assert_fails(&mosaique(dir.path(), &["frobnicate"], &[]), 2, "frobnicate");
}

#[test]
fn errors_follow_the_configured_language_wherever_it_is_set() {
    let dir = tempfile::tempdir().unwrap();
    let line = assert_fails(
        &mosaique(
            dir.path(),
            &["config", "--default-language", "en", "--bind", "x"],
            &[],
        ),
        2,
        "bind",
    );
    assert!(
        line.starts_with("Error: The value “x” of option bind is not valid."),
        "{line}"
    );
    assert!(
        line.contains("127.0.0.1:8080"),
        "says what a valid value looks like: {line}"
    );
    std::fs::write(
        dir.path().join("mosaique.toml"),
        "default_language = \"en\"\n",
    )
    .unwrap();
    let line = assert_fails(&mosaique(dir.path(), &["--bogus"], &[]), 2, "--bogus");
    assert!(line.starts_with("Error:"), "{line}");
    let line = assert_fails(
        &mosaique(dir.path(), &["config", "--log-level", "[[["], &[]),
        2,
        "log_level",
    );
    assert!(line.starts_with("Error:"), "{line}");
}

#[test]
fn no_command_prints_help_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let out = mosaique(dir.path(), &[], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Aucune commande indiquée."));
}

#[test]
fn malformed_database_urls_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    for url in ["nonsense", "mysql://localhost/x", "postgres://[::1"] {
        assert_fails(
            &mosaique(dir.path(), &["migrate", "--database-url", url], &[]),
            2,
            "n’est pas valide",
        );
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no file created"
    );
}

#[test]
fn unreachable_and_missing_postgres_databases_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let out = mosaique(
        dir.path(),
        &[
            "migrate",
            "--database-url",
            "postgres://postgres@127.0.0.1:1/mosaique",
        ],
        &[],
    );
    assert_fails(&out, 1, "ne répond pas");
    let missing = pg_database_url("mosaique_does_not_exist_anywhere");
    let out = mosaique(
        dir.path(),
        &["migrate", "--database-url", &missing],
        &[("MOSAIQUE_DEFAULT_LANGUAGE", "en")],
    );
    assert_fails(&out, 1, "does not exist");
}

#[test]
fn password_in_database_url_never_appears_in_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = mosaique(
        dir.path(),
        &[
            "migrate",
            "--database-url",
            "postgres://app:hunter2secret@127.0.0.1:1/m",
        ],
        &[],
    );
    let line = assert_fails(&out, 1, "app:***@");
    assert!(!line.contains("hunter2secret"));
}

#[test]
fn read_only_sqlite_database_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.db");
    let url = format!("sqlite://{}", file.display());
    let ok = mosaique(dir.path(), &["migrate", "--database-url", &url], &[]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    // Running as root ignores file modes, so open the file read-only explicitly.
    let read_only = format!("{url}?mode=ro");
    assert_fails(
        &mosaique(dir.path(), &["demo", "--database-url", &read_only], &[]),
        1,
        "lecture seule",
    );
}

#[tokio::test]
async fn locked_sqlite_database_is_reported() {
    use sqlx::{Connection, Executor};
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.db");
    let url = format!("sqlite://{}", file.display());
    assert!(
        mosaique(dir.path(), &["migrate", "--database-url", &url], &[])
            .status
            .success()
    );
    sqlx::any::install_default_drivers();
    let mut holder = sqlx::AnyConnection::connect(&url).await.unwrap();
    holder
        .execute("PRAGMA locking_mode = EXCLUSIVE")
        .await
        .unwrap();
    holder.execute("BEGIN EXCLUSIVE").await.unwrap();
    let out = mosaique(
        dir.path(),
        &[
            "demo",
            "--database-url",
            &url,
            "--sqlite-busy-timeout-ms",
            "200",
        ],
        &[],
    );
    assert_fails(&out, 1, "verrouillée");
    holder.execute("ROLLBACK").await.unwrap();
}

#[test]
fn port_in_use_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let bind = taken.local_addr().unwrap().to_string();
    let url = format!("sqlite://{}", dir.path().join("m.db").display());
    let out = mosaique(
        dir.path(),
        &["serve", "--demo", "--database-url", &url, "--bind", &bind],
        &[],
    );
    assert_fails(&out, 1, "déjà utilisée");
}

/// `/metrics` is served on its own listener (`--metrics-bind`), not on the public one.
#[test]
fn metrics_have_a_listener_of_their_own() {
    use std::io::{BufRead, Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("m.db").display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_mosaique"))
        .current_dir(dir.path())
        .args([
            "serve",
            "--demo",
            "--database-url",
            &url,
            "--bind",
            "127.0.0.1:0",
        ])
        .args(["--metrics-bind", "127.0.0.1:0"])
        .env_remove("MOSAIQUE_METRICS_BIND")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("serve starts");
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let (mut public, mut metrics) = (None, None);
    while public.is_none() || metrics.is_none() {
        let line = lines.next().expect("serve prints its addresses").unwrap();
        let address = line
            .rsplit("http://")
            .next()
            .unwrap_or("")
            .trim_end_matches("/metrics");
        if line.starts_with("Mesures Prometheus sur http://") {
            metrics = Some(address.to_owned());
        } else if line.starts_with("Mosaïque écoute sur http://") {
            public = Some(address.to_owned());
        }
    }
    let status_of = |address: &str| {
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        write!(
            stream,
            "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer.lines().next().unwrap_or("").to_owned()
    };
    assert!(status_of(&metrics.unwrap()).contains(" 200 "));
    assert!(status_of(&public.unwrap()).contains(" 404 "));
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn serve_without_demo_needs_a_private_key_file() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("m.db").display());
    let out = mosaique(
        dir.path(),
        &["serve", "--database-url", &url, "--bind", "127.0.0.1:0"],
        &[],
    );
    assert_fails(&out, 1, "introuvable");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let key = dir.path().join("mosaique.key");
        std::fs::write(&key, "00".repeat(32)).unwrap();
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        let out = mosaique(
            dir.path(),
            &["serve", "--database-url", &url, "--bind", "127.0.0.1:0"],
            &[],
        );
        assert_fails(&out, 1, "chmod 600");
    }
}

#[test]
fn configuration_layers_and_redaction() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("mosaique.toml"),
        "bind = \"127.0.0.1:9000\"\nsearch_refresh_ms = 500\ndefault_language = \"en\"\n",
    )
    .unwrap();
    let out = mosaique(
        dir.path(),
        &[
            "config",
            "--search-refresh-ms",
            "250",
            "--database-url",
            "postgres://app:s3cret@db/m",
        ],
        &[
            ("MOSAIQUE_BIND", "127.0.0.1:9001"),
            ("MOSAIQUE_LOG_FORMAT", "json"),
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for expected in [
        "bind = \"127.0.0.1:9001\"  # env",
        "search_refresh_ms = \"250\"  # flag",
        "default_language = \"en\"  # file",
        "log_format = \"json\"  # env",
        "key_file = \"mosaique.key\"  # default",
        "database_url = \"postgres://app:***@db/m\"  # flag",
    ] {
        assert!(stdout.contains(expected), "{expected:?} in\n{stdout}");
    }
    assert!(!stdout.contains("s3cret"));

    std::fs::write(dir.path().join("mosaique.toml"), "colour = \"blue\"\n").unwrap();
    assert_fails(&mosaique(dir.path(), &["config"], &[]), 2, "colour");
    std::fs::write(dir.path().join("mosaique.toml"), "bind = [\n").unwrap();
    assert_fails(&mosaique(dir.path(), &["config"], &[]), 2, "mosaique.toml");
    std::fs::remove_file(dir.path().join("mosaique.toml")).unwrap();
    assert_fails(
        &mosaique(dir.path(), &["config", "--bind", "nowhere"], &[]),
        2,
        "bind",
    );
    assert_fails(
        &mosaique(dir.path(), &["config", "--default-language", "de"], &[]),
        2,
        "default_language",
    );
    assert_fails(
        &mosaique(dir.path(), &["config", "--config", "absent.toml"], &[]),
        2,
        "absent.toml",
    );
}

#[tokio::test]
async fn migrate_and_demo_work_on_postgres_and_are_idempotent() {
    let fixture = TestDb::unmigrated(TestBackend::Postgres).await;
    let dir = tempfile::tempdir().unwrap();
    let first = mosaique(
        dir.path(),
        &["migrate", "--database-url", &fixture.url],
        &[],
    );
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let shipped = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../store/migrations"))
        .unwrap()
        .count();
    assert!(String::from_utf8_lossy(&first.stdout).contains(&format!("{shipped} migration(s)")));
    let again = mosaique(
        dir.path(),
        &["migrate", "--database-url", &fixture.url],
        &[],
    );
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 migration(s)"));
    let demo = mosaique(
        dir.path(),
        &["demo", "--database-url", &fixture.url],
        &[("MOSAIQUE_DEFAULT_LANGUAGE", "en")],
    );
    assert!(
        String::from_utf8_lossy(&demo.stdout)
            .contains("Demo data loaded: 51 created, 0 updated, 0 unchanged.")
    );
    let demo = mosaique(dir.path(), &["demo", "--database-url", &fixture.url], &[]);
    assert!(
        String::from_utf8_lossy(&demo.stdout).contains("0 créées, 0 mises à jour, 51 inchangées")
    );
    fixture.cleanup().await;
}

#[test]
fn accounts_and_audit_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("m.db").display());
    let demo = mosaique(dir.path(), &["demo", "--database-url", &url], &[]);
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let stdout = String::from_utf8_lossy(&demo.stdout);
    assert!(
        stdout.contains("Clé maîtresse de démonstration créée"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Comptes de démonstration créés : 10"),
        "{stdout}"
    );

    let created = mosaique(
        dir.path(),
        &[
            "user",
            "create",
            "--database-url",
            &url,
            "--email",
            "Nouvelle@Exemple.org",
            "--org",
            "exemple-organisme-membre",
            "--role",
            "caseworker",
        ],
        &[("MOSAIQUE_PUBLIC_URL", "https://mosaique.example")],
    );
    let stdout = String::from_utf8_lossy(&created.stdout);
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    assert!(
        stdout.contains("nouvelle@exemple.org")
            && stdout.contains("https://mosaique.example/enrol/"),
        "{stdout}"
    );

    assert_fails(
        &mosaique(
            dir.path(),
            &[
                "user",
                "create",
                "--database-url",
                &url,
                "--email",
                "nouvelle@exemple.org",
                "--org",
                "exemple-organisme-membre",
                "--role",
                "caseworker",
            ],
            &[],
        ),
        2,
        "existe déjà",
    );
    assert_fails(
        &mosaique(
            dir.path(),
            &[
                "user",
                "create",
                "--database-url",
                &url,
                "--email",
                "x@exemple.org",
                "--role",
                "caseworker",
            ],
            &[],
        ),
        2,
        "--org",
    );
    assert_fails(
        &mosaique(
            dir.path(),
            &[
                "user",
                "create",
                "--database-url",
                &url,
                "--email",
                "x@exemple.org",
                "--role",
                "boss",
            ],
            &[],
        ),
        2,
        "boss",
    );
    assert_fails(
        &mosaique(
            dir.path(),
            &[
                "user",
                "create",
                "--database-url",
                &url,
                "--email",
                "x@exemple.org",
                "--org",
                "nowhere",
                "--role",
                "caseworker",
            ],
            &[],
        ),
        2,
        "nowhere",
    );

    let disabled = mosaique(
        dir.path(),
        &[
            "user",
            "disable",
            "--database-url",
            &url,
            "--email",
            "nouvelle@exemple.org",
        ],
        &[],
    );
    assert!(
        disabled.status.success(),
        "{}",
        String::from_utf8_lossy(&disabled.stderr)
    );
    assert_fails(
        &mosaique(
            dir.path(),
            &[
                "user",
                "disable",
                "--database-url",
                &url,
                "--email",
                "nobody@exemple.org",
            ],
            &[],
        ),
        2,
        "Aucun compte",
    );

    let verified = mosaique(
        dir.path(),
        &["audit", "verify", "--database-url", &url],
        &[],
    );
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stderr)
    );
    assert!(String::from_utf8_lossy(&verified.stdout).contains("Journal d’audit intact"));

    // Real deployments refuse to run on a database with public demo passwords.
    let refused = mosaique(
        dir.path(),
        &["serve", "--database-url", &url, "--bind", "127.0.0.1:0"],
        &[],
    );
    assert_fails(&refused, 1, "démonstration");
}

#[tokio::test]
async fn audit_verify_names_the_first_tampered_entry() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("m.db").display());
    assert!(
        mosaique(dir.path(), &["demo", "--database-url", &url], &[])
            .status
            .success()
    );
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_log SET action = 'user.rename' WHERE seq = 3")
        .execute(&mut conn)
        .await
        .unwrap();
    let out = mosaique(
        dir.path(),
        &["audit", "verify", "--database-url", &url],
        &[("MOSAIQUE_DEFAULT_LANGUAGE", "en")],
    );
    assert_fails(&out, 1, "entry 3 (edited)");
}

#[test]
fn api_tokens_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("m.db").display());
    assert!(
        mosaique(dir.path(), &["demo", "--database-url", &url], &[])
            .status
            .success()
    );
    let created = mosaique(
        dir.path(),
        &[
            "token",
            "create",
            "--database-url",
            &url,
            "--email",
            "analyst@demo.mosaique.ca",
            "--name",
            "rapport mensuel",
            "--days",
            "30",
        ],
        &[("MOSAIQUE_DEFAULT_LANGUAGE", "en")],
    );
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let stdout = String::from_utf8_lossy(&created.stdout);
    let token = stdout.lines().last().unwrap().trim().to_owned();
    assert_eq!(token.len(), 64, "{stdout}");
    let id = stdout
        .split("Token ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_owned();
    assert_fails(
        &mosaique(
            dir.path(),
            &[
                "token",
                "create",
                "--database-url",
                &url,
                "--email",
                "nobody@x.org",
                "--name",
                "n",
            ],
            &[],
        ),
        2,
        "nobody@x.org",
    );
    let revoked = mosaique(
        dir.path(),
        &[
            "token",
            "revoke",
            "--database-url",
            &url,
            "--email",
            "analyst@demo.mosaique.ca",
            "--id",
            &id,
        ],
        &[],
    );
    assert!(
        revoked.status.success(),
        "{}",
        String::from_utf8_lossy(&revoked.stderr)
    );
    assert_fails(
        &mosaique(
            dir.path(),
            &[
                "token",
                "revoke",
                "--database-url",
                &url,
                "--email",
                "analyst@demo.mosaique.ca",
                "--id",
                &id,
            ],
            &[],
        ),
        2,
        &id,
    );
}

#[test]
fn keys_rotate_moves_everything_to_a_new_master_key() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("m.db").display());
    assert!(
        mosaique(dir.path(), &["demo", "--database-url", &url], &[])
            .status
            .success()
    );
    let before = std::fs::read_to_string(dir.path().join("mosaique.key")).unwrap();
    let rotated = mosaique(
        dir.path(),
        &["keys", "rotate", "--database-url", &url],
        &[("MOSAIQUE_DEFAULT_LANGUAGE", "en")],
    );
    assert!(
        rotated.status.success(),
        "{}",
        String::from_utf8_lossy(&rotated.stderr)
    );
    let stdout = String::from_utf8_lossy(&rotated.stdout);
    assert!(stdout.contains("New master key version 2"), "{stdout}");
    // Seven data keys: the instance's three, one per demo case, and the lead organization's
    // key for finding duplicates; nine TOTP secrets.
    assert!(stdout.contains("7 data key(s) re-wrapped, 9 value(s) re-sealed, 1 old key(s) retired, 1 old version(s) removed"), "{stdout}");
    assert!(
        String::from_utf8_lossy(&rotated.stderr).contains("[##############################] 9/9"),
        "progress shown"
    );
    let after = std::fs::read_to_string(dir.path().join("mosaique.key")).unwrap();
    assert!(
        after.lines().any(|l| l.starts_with("2 ")) && !after.lines().any(|l| l.starts_with("1 ")),
        "{after}"
    );
    assert_ne!(before, after);
    // Everything still opens with the new key alone, and the trail still verifies.
    let verified = mosaique(
        dir.path(),
        &["audit", "verify", "--database-url", &url],
        &[],
    );
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stderr)
    );
    let again = mosaique(dir.path(), &["keys", "rotate", "--database-url", &url], &[]);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert!(
        std::fs::read_to_string(dir.path().join("mosaique.key"))
            .unwrap()
            .lines()
            .any(|l| l.starts_with("3 "))
    );
    // The old key file no longer opens the database.
    std::fs::write(dir.path().join("old.key"), &before).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            dir.path().join("old.key"),
            std::fs::Permissions::from_mode(0o600),
        )
        .unwrap();
    }
    let old = mosaique(
        dir.path(),
        &[
            "audit",
            "verify",
            "--database-url",
            &url,
            "--key-file",
            "old.key",
        ],
        &[],
    );
    assert_fails(&old, 1, "old.key");
}

#[test]
fn help_speaks_the_configured_language() {
    let dir = tempfile::tempdir().unwrap();
    let fr = mosaique(dir.path(), &["--help"], &[]);
    assert_eq!(fr.status.code(), Some(0));
    let fr = String::from_utf8_lossy(&fr.stdout);
    assert!(
        fr.contains("Utilisation : mosaique") && fr.contains("Démarrer le serveur web"),
        "{fr}"
    );
    let en = mosaique(
        dir.path(),
        &["serve", "--help", "--default-language", "en"],
        &[],
    );
    let en = String::from_utf8_lossy(&en.stdout);
    assert!(
        en.contains("Usage: mosaique serve") && en.contains("Demo mode: creates the key"),
        "{en}"
    );
    assert!(
        !en.contains("Print help"),
        "no text left in clap's own words"
    );
}

#[test]
fn instruments_are_checked_published_once_and_retired() {
    let dir = tempfile::tempdir().unwrap();
    let shipped = include_str!("../../domain/instruments/reperage-rapide-v1.toml");
    let good = dir.path().join("outil.toml");
    std::fs::write(&good, shipped).unwrap();
    let checked = mosaique(dir.path(), &["instrument", "check", "outil.toml"], &[]);
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    let stdout = String::from_utf8_lossy(&checked.stdout);
    assert!(
        stdout.contains("reperage-rapide version 1") && stdout.contains("questions"),
        "{stdout}"
    );

    // Every problem is named, with the file, in the configured language; nothing else.
    let broken = shipped
        .replacen(
            "indicates = [\"danger_now\"]",
            "indicates = [\"danger_maintenant\"]",
            1,
        )
        .replacen("en = \"Safety\"", "en = \"\"", 1);
    std::fs::write(dir.path().join("casse.toml"), &broken).unwrap();
    let output = mosaique(dir.path(), &["instrument", "check", "casse.toml"], &[]);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_fails(&output, 1, "casse.toml");
    assert!(
        stderr.contains(
            "casse.toml: questions.danger_now : l’indicateur « danger_maintenant » n’existe pas."
        ),
        "{stderr}"
    );
    assert!(stderr.contains("le texte anglais manque"), "{stderr}");
    assert!(stderr.contains("aucune question ne le relève"), "{stderr}");
    let output = mosaique(
        dir.path(),
        &["instrument", "check", "casse.toml"],
        &[("MOSAIQUE_DEFAULT_LANGUAGE", "en")],
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("the English text is missing"));

    // A file in Windows-1252 is named as such; a missing file too.
    let mut latin1 = b"key = \"essai\"\ntitle = { fr = \"R".to_vec();
    latin1.push(0xe9);
    latin1.extend_from_slice(b"perage\" }\n");
    std::fs::write(dir.path().join("latin1.toml"), latin1).unwrap();
    assert_fails(
        &mosaique(dir.path(), &["instrument", "check", "latin1.toml"], &[]),
        2,
        "UTF-8",
    );
    assert_fails(
        &mosaique(dir.path(), &["instrument", "check", "absent.toml"], &[]),
        2,
        "absent.toml",
    );

    // Publishing: a new version once; the same content again is a no-op; other content
    // under a published version is refused.
    let url = format!("sqlite://{}", dir.path().join("m.db").display());
    assert!(
        mosaique(dir.path(), &["demo", "--database-url", &url], &[])
            .status
            .success()
    );
    let next = shipped.replacen("version = 1", "version = 3", 1);
    std::fs::write(dir.path().join("v3.toml"), &next).unwrap();
    let import = |file: &str| {
        mosaique(
            dir.path(),
            &[
                "instrument",
                "import",
                file,
                "--status",
                "pilot",
                "--database-url",
                &url,
            ],
            &[],
        )
    };
    let first = import("v3.toml");
    assert!(
        String::from_utf8_lossy(&first.stdout).contains("version 3 publiée"),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(String::from_utf8_lossy(&import("v3.toml").stdout).contains("déjà publiée"));
    std::fs::write(
        dir.path().join("v3.toml"),
        next.replacen("en = \"Quick screen\"", "en = \"Short screen\"", 1),
    )
    .unwrap();
    assert_fails(&import("v3.toml"), 1, "version 3");
    let list = mosaique(
        dir.path(),
        &["instrument", "list", "--database-url", &url],
        &[],
    );
    let listed = String::from_utf8_lossy(&list.stdout);
    assert!(
        listed.contains("reperage-rapide\t3\tpilot")
            && listed.contains("evaluation-approfondie\t3\tactive"),
        "{listed}"
    );
    let retire = mosaique(
        dir.path(),
        &[
            "instrument",
            "retire",
            "reperage-rapide",
            "--version",
            "2",
            "--database-url",
            &url,
        ],
        &[],
    );
    assert!(retire.status.success());
    assert_fails(
        &mosaique(
            dir.path(),
            &[
                "instrument",
                "retire",
                "reperage-rapide",
                "--version",
                "7",
                "--database-url",
                &url,
            ],
            &[],
        ),
        2,
        "reperage-rapide",
    );
}

/// Runs a command that must succeed and returns its standard output.
fn succeeds(dir: &Path, args: &[&str]) -> String {
    let output = mosaique(dir, args, &[]);
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The published organizations of an export, without what an import does not carry over
/// (the time of the change, the review date, tonight's counts).
#[allow(clippy::unwrap_used)] // A failed unwrap is a failed test, with its location.
fn exported(dir: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(dir.join("organizations.json")).unwrap();
    let mut orgs: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    for org in &mut orgs {
        for s in org["services"].as_array_mut().unwrap() {
            let s = s.as_object_mut().unwrap();
            for key in ["last_modified", "assured_date", "capacities"] {
                s.remove(key);
            }
        }
        let mut locations = org["locations"].as_array().unwrap().clone();
        locations.sort_by_key(|l| l["id"].as_str().unwrap().to_owned());
        org["locations"] = serde_json::Value::Array(locations);
    }
    orgs.sort_by_key(|o| o["id"].as_str().unwrap().to_owned());
    orgs
}

/// Copies an export where `scripts/test` validates it against the HSDS schemas.
#[allow(clippy::unwrap_used)] // A failed unwrap is a failed test, with its location.
fn keep_for_validation(from: &Path, name: &str) {
    let Ok(root) = std::env::var("MOSAIQUE_HSDS_DUMP") else {
        return;
    };
    let to = Path::new(&root).join(name);
    for entry in walk(from) {
        let target = to.join(entry.strip_prefix(from).unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &target).unwrap();
    }
}

#[allow(clippy::unwrap_used)] // A failed unwrap is a failed test, with its location.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[allow(clippy::unwrap_used)] // A failed unwrap is a failed test, with its location.
async fn hsds_round_trip(backend: TestBackend) {
    let dir = tempfile::tempdir().unwrap();
    let (source, target) = match backend {
        TestBackend::Sqlite => (
            (
                format!("sqlite://{}", dir.path().join("a.db").display()),
                None,
            ),
            (
                format!("sqlite://{}", dir.path().join("b.db").display()),
                None,
            ),
        ),
        TestBackend::Postgres => {
            let a = TestDb::unmigrated(backend).await;
            let b = TestDb::unmigrated(backend).await;
            ((a.url.clone(), Some(a)), (b.url.clone(), Some(b)))
        }
    };
    let (a, b) = (source.0.as_str(), target.0.as_str());
    succeeds(dir.path(), &["demo", "--database-url", a]);
    let out = succeeds(dir.path(), &["hsds", "export", "out", "--database-url", a]);
    assert!(out.contains("68 organisme(s), 69 service(s)"), "{out}");
    let name = format!("export-{backend:?}").to_lowercase();
    keep_for_validation(&dir.path().join("out"), &name);
    succeeds(
        dir.path(),
        &[
            "hsds",
            "export",
            "out-en",
            "--lang",
            "en",
            "--include-redacted",
            "--database-url",
            a,
        ],
    );
    keep_for_validation(&dir.path().join("out-en"), &format!("{name}-redacted"));

    // --check reads and reports, and writes nothing.
    let checked = succeeds(
        dir.path(),
        &["hsds", "import", "out/organizations.json", "--check"],
    );
    assert!(
        checked.contains("68 organisme(s), 22 lieu(x), 69 service(s)"),
        "{checked}"
    );
    succeeds(dir.path(), &["migrate", "--database-url", b]);
    let empty = succeeds(
        dir.path(),
        &["hsds", "export", "empty", "--database-url", b],
    );
    assert!(empty.contains("0 organisme(s), 0 service(s)"), "{empty}");

    // A bad package changes nothing: a Windows-1252 file, then a dangling site.
    std::fs::create_dir_all(dir.path().join("bad")).unwrap();
    for entry in std::fs::read_dir(dir.path().join("out/csv")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(
            &path,
            dir.path().join("bad").join(path.file_name().unwrap()),
        )
        .unwrap();
    }
    let organizations = std::fs::read_to_string(dir.path().join("bad/organizations.csv")).unwrap();
    let mut latin1 = Vec::new();
    for c in organizations.chars() {
        match c {
            'é' => latin1.push(0xe9),
            c if c.is_ascii() => latin1.push(c as u8),
            _ => latin1.push(b'?'),
        }
    }
    std::fs::write(dir.path().join("bad/organizations.csv"), latin1).unwrap();
    let output = mosaique(
        dir.path(),
        &["hsds", "import", "bad", "--database-url", b],
        &[],
    );
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_fails(&output, 1, "rien n’a été importé");
    assert!(
        stderr.contains("organizations.csv:") && stderr.contains("Windows-1252"),
        "{stderr}"
    );
    let json = std::fs::read_to_string(dir.path().join("out/organizations.json")).unwrap();
    let mut orgs: serde_json::Value = serde_json::from_str(&json).unwrap();
    let with_sites = orgs
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .flat_map(|o| o["services"].as_array_mut().unwrap().iter_mut())
        .find(|s| !s["service_at_locations"].as_array().unwrap().is_empty())
        .unwrap();
    with_sites["service_at_locations"][0]["location_id"] =
        "0190c0de-0000-7000-8000-0000000000aa".into();
    std::fs::write(dir.path().join("dangling.json"), orgs.to_string()).unwrap();
    let output = mosaique(
        dir.path(),
        &["hsds", "import", "dangling.json", "--database-url", b],
        &[("MOSAIQUE_DEFAULT_LANGUAGE", "en")],
    );
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_fails(&output, 1, "nothing was imported");
    assert!(
        stderr.contains("0190c0de-0000-7000-8000-0000000000aa refers to nothing"),
        "{stderr}"
    );
    let still_empty = succeeds(
        dir.path(),
        &["hsds", "export", "empty", "--database-url", b],
    );
    assert!(
        still_empty.contains("0 organisme(s), 0 service(s)"),
        "{still_empty}"
    );

    // A mapping file with a rule that cannot apply stops the import before anything.
    std::fs::write(
        dir.path().join("mapping.toml"),
        "[[codes]]\ncode = \"BH\"\ndomain = \"housing\"\n",
    )
    .unwrap();
    let output = mosaique(
        dir.path(),
        &[
            "hsds",
            "import",
            "dangling.json",
            "--partial",
            "--mapping",
            "mapping.toml",
            "--database-url",
            b,
        ],
        &[],
    );
    assert_fails(&output, 1, "fichier de correspondance");
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("« housing » n’est pas un domaine"),
        "{output:?}"
    );

    // --partial: everything valid comes in; the refused service is named on the terminal and
    // in a CSV report, in the reader's language.
    let partial = succeeds(
        dir.path(),
        &[
            "hsds",
            "import",
            "dangling.json",
            "--partial",
            "--report",
            "refus.csv",
            "--database-url",
            b,
        ],
    );
    assert!(
        partial.contains("Refusés : 0 organisme(s), 0 lieu(x), 1 service(s), pour 1 problème(s)"),
        "{partial}"
    );
    let report = std::fs::read_to_string(dir.path().join("refus.csv")).unwrap();
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines[0], "emplacement,raison");
    assert_eq!(lines.len(), 2, "{report}");
    assert!(
        lines[1].starts_with("dangling.json[") && lines[1].contains("ne renvoie à rien"),
        "{report}"
    );
    let after = succeeds(
        dir.path(),
        &["hsds", "export", "partial", "--database-url", b],
    );
    assert!(after.contains("68 organisme(s), 68 service(s)"), "{after}");

    // A service no term places, with nothing else wrong, is kept to classify: the import
    // succeeds and says so; the service is not exported (not public) until classified.
    let mut unplaced: serde_json::Value = serde_json::from_str(&json).unwrap();
    let first = unplaced
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|o| !o["services"].as_array().unwrap().is_empty())
        .unwrap();
    let service = first["services"][0].as_object_mut().unwrap();
    service.remove("mosaique_domains");
    service.remove("attributes");
    std::fs::write(dir.path().join("unplaced.json"), unplaced.to_string()).unwrap();
    let queued = succeeds(
        dir.path(),
        &["hsds", "import", "unplaced.json", "--database-url", b],
    );
    assert!(
        queued.contains("1 service(s) qu’aucun terme ne place dans un domaine"),
        "{queued}"
    );

    // The CSV package in, then out again: the same directory, ids included. Twice: a second
    // import updates in place.
    for _ in 0..2 {
        let imported = succeeds(
            dir.path(),
            &["hsds", "import", "out/csv", "--database-url", b],
        );
        assert!(imported.contains("69 service(s)"), "{imported}");
    }
    succeeds(
        dir.path(),
        &["hsds", "export", "again", "--database-url", b],
    );
    assert_eq!(
        exported(&dir.path().join("again")),
        exported(&dir.path().join("out"))
    );
    for fixture in [source.1, target.1].into_iter().flatten() {
        fixture.cleanup().await;
    }
}

#[tokio::test]
async fn hsds_packages_go_out_and_back_in_on_sqlite() {
    hsds_round_trip(TestBackend::Sqlite).await;
}

#[tokio::test]
async fn hsds_packages_go_out_and_back_in_on_postgres() {
    hsds_round_trip(TestBackend::Postgres).await;
}

/// Serves the files of `dir` over HTTP on a free local port, as another directory's server
/// would (no network needed), until the test ends. Returns the base URL.
#[allow(clippy::unwrap_used)] // A failed unwrap is a failed test, with its location.
fn serve_folder(dir: std::path::PathBuf) -> String {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
            }
            let path = request
                .split(' ')
                .nth(1)
                .unwrap_or("/")
                .trim_start_matches('/');
            let file = dir.join(path.split('?').next().unwrap_or_default());
            let response = match std::fs::read(&file) {
                Ok(body) if !path.contains("..") => {
                    let kind = if path.ends_with(".csv") {
                        "text/csv"
                    } else {
                        "application/json"
                    };
                    let mut head = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    )
                    .into_bytes();
                    head.extend(body);
                    head
                }
                _ => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .to_vec(),
            };
            let _ = stream.write_all(&response);
        }
    });
    format!("http://127.0.0.1:{port}")
}

/// The line of an import's summary about `kind` ("Services", "Organismes"…), in French
/// ("Services :") or English ("Services:").
fn summary_line<'a>(out: &'a str, kind: &str) -> &'a str {
    out.lines()
        .find(|l| l.starts_with(&format!("{kind} :")) || l.starts_with(&format!("{kind}:")))
        .unwrap_or_else(|| panic!("no {kind} line in {out}"))
}

#[allow(clippy::unwrap_used)] // A failed unwrap is a failed test, with its location.
async fn hsds_sync(backend: TestBackend) {
    use mosaique_store::{Db, DbOptions};
    let dir = tempfile::tempdir().unwrap();
    let (a, b, fixtures) = match backend {
        TestBackend::Sqlite => (
            format!("sqlite://{}", dir.path().join("a.db").display()),
            format!("sqlite://{}", dir.path().join("b.db").display()),
            vec![],
        ),
        TestBackend::Postgres => {
            let a = TestDb::unmigrated(backend).await;
            let b = TestDb::unmigrated(backend).await;
            (a.url.clone(), b.url.clone(), vec![a, b])
        }
    };
    succeeds(dir.path(), &["demo", "--database-url", &a]);
    succeeds(
        dir.path(),
        &["hsds", "export", "feed", "--database-url", &a],
    );
    succeeds(dir.path(), &["migrate", "--database-url", &b]);
    let base = serve_folder(dir.path().join("feed"));
    let url = format!("{base}/organizations.json");
    let import = |extra: &[&str]| {
        let mut args = vec!["hsds", "import", url.as_str(), "--database-url", b.as_str()];
        args.extend_from_slice(extra);
        succeeds(dir.path(), &args)
    };

    // Fetched from its server: everything is new. Again: nothing changed, nothing written.
    let first = import(&[]);
    assert!(first.contains(&format!("Source : {url}")), "{first}");
    assert!(
        summary_line(&first, "Services").contains("69 ajouté(s), 0 modifié(s)"),
        "{first}"
    );
    let again = import(&[]);
    assert!(
        summary_line(&again, "Services")
            .contains("0 ajouté(s), 0 modifié(s), 69 inchangé(s), 0 conflit(s)"),
        "{again}"
    );
    assert!(
        summary_line(&again, "Organismes").contains("68 inchangé(s)"),
        "{again}"
    );
    assert!(again.contains("0 service(s) écrit(s)"), "{again}");

    // Someone here corrects a service, through the same path as the editing pages.
    let db = Db::connect(&b, &DbOptions::default()).await.unwrap();
    let services = db.all_services().await.unwrap();
    let edited = services
        .iter()
        .find(|s| !s.location_ids.is_empty())
        .unwrap();
    let other = services.iter().find(|s| s.id != edited.id).unwrap();
    let mut new = edited.to_new();
    new.name.fr = format!("{} (corrigé ici)", new.name.fr);
    mosaique_store::testing::save_service(
        &db,
        edited.org_id,
        Some(edited.id),
        &new,
        &edited.location_ids,
    )
    .await;
    db.close().await;

    // The source then changes that service and another, and stops sending an organization.
    let feed = dir.path().join("feed/organizations.json");
    let mut orgs: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(&feed).unwrap()).unwrap();
    for org in &mut orgs {
        for s in org["services"].as_array_mut().unwrap() {
            if s["id"] == edited.id.to_string() || s["id"] == other.id.to_string() {
                s["description"] = "Description revue par la source".into();
            }
        }
    }
    let gone = orgs
        .iter()
        .position(|o| {
            o["services"]
                .as_array()
                .unwrap()
                .iter()
                .all(|s| s["id"] != edited.id.to_string() && s["id"] != other.id.to_string())
        })
        .unwrap();
    let gone = orgs.remove(gone);
    std::fs::write(&feed, serde_json::to_string(&orgs).unwrap()).unwrap();
    let third = import(&["--report", "sync.csv"]);
    let services_line = summary_line(&third, "Services");
    assert!(services_line.contains("1 modifié(s)"), "{third}");
    assert!(
        services_line.contains("1 conflit(s) où la version locale est gardée"),
        "{third}"
    );
    assert!(
        summary_line(&third, "Organismes").contains("1 absent(s) de la source"),
        "{third}"
    );
    let report = std::fs::read_to_string(dir.path().join("sync.csv")).unwrap();
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines[0], "emplacement,raison");
    let conflict = lines
        .iter()
        .find(|l| l.contains(&edited.id.to_string()))
        .unwrap();
    assert!(
        conflict.contains("la version locale est gardée"),
        "{report}"
    );
    let missing = lines
        .iter()
        .find(|l| l.contains(gone["id"].as_str().unwrap()))
        .unwrap();
    assert!(missing.contains("la source ne l’envoie plus"), "{report}");
    let db = Db::connect(&b, &DbOptions::default()).await.unwrap();
    let kept = db.service(edited.id).await.unwrap().unwrap();
    assert!(
        kept.name.fr.ends_with("(corrigé ici)"),
        "the local edit stays"
    );
    let changed = db.service(other.id).await.unwrap().unwrap();
    assert_eq!(changed.description.fr, "Description revue par la source");
    let still = gone["services"][0]["id"].as_str();
    if let Some(id) = still {
        assert!(
            db.service(id.parse().unwrap()).await.unwrap().is_some(),
            "never deleted"
        );
    }
    db.close().await;

    // In English, and taking the source's version when asked.
    let output = mosaique(
        dir.path(),
        &[
            "hsds",
            "import",
            &url,
            "--prefer",
            "source",
            "--report",
            "sync.csv",
            "--database-url",
            &b,
        ],
        &[("MOSAIQUE_DEFAULT_LANGUAGE", "en")],
    );
    let taken = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    assert!(
        summary_line(&taken, "Services").contains("1 replaced by the source"),
        "{taken}"
    );
    let db = Db::connect(&b, &DbOptions::default()).await.unwrap();
    let overwritten = db.service(edited.id).await.unwrap().unwrap();
    assert_eq!(
        overwritten.description.fr,
        "Description revue par la source"
    );
    db.close().await;

    // A source that is not there: a clear error, nothing written.
    let output = mosaique(
        dir.path(),
        &[
            "hsds",
            "import",
            &format!("{base}/absent.json"),
            "--database-url",
            &b,
        ],
        &[],
    );
    assert_fails(&output, 1, "n’a pas pu être téléchargé");

    // The feed as a CSV datapackage (the descriptor, then the tables beside it) from the same
    // server, as another source: read whole, and nothing edited here since is in conflict.
    let csv = succeeds(
        dir.path(),
        &[
            "hsds",
            "import",
            &format!("{base}/csv/datapackage.json"),
            "--database-url",
            &b,
        ],
    );
    assert!(
        csv.contains("Paquet lu : 68 organisme(s), 22 lieu(x), 69 service(s)"),
        "{csv}"
    );
    assert!(
        summary_line(&csv, "Services").contains(" 0 conflit(s)"),
        "{csv}"
    );

    // On a schedule: one run, then it says when the next one is, until stopped.
    let mut child = Command::new(env!("CARGO_BIN_EXE_mosaique"))
        .current_dir(dir.path())
        .args([
            "hsds",
            "import",
            &url,
            "--every",
            "60",
            "--database-url",
            &b,
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let scheduled = std::thread::spawn(move || {
        use std::io::BufRead;
        let mut seen = String::new();
        for line in std::io::BufReader::new(stdout).lines() {
            let line = line.unwrap();
            seen.push_str(&line);
            seen.push('\n');
            if line.starts_with("Prochain import") {
                break;
            }
        }
        seen
    });
    let seen = scheduled.join().unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        summary_line(&seen, "Services").contains("inchangé(s)"),
        "{seen}"
    );
    assert!(seen.contains("Prochain import : "), "{seen}");
    for fixture in fixtures {
        fixture.cleanup().await;
    }
}

#[tokio::test]
async fn hsds_sources_sync_again_on_sqlite() {
    hsds_sync(TestBackend::Sqlite).await;
}

#[tokio::test]
async fn hsds_sources_sync_again_on_postgres() {
    hsds_sync(TestBackend::Postgres).await;
}
