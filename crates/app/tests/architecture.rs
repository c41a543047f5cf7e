//! The layering, checked: access is decided and transactions are opened only in this crate
//! (and the store below it). Pages, the JSON API and the CLI call use cases; if one of them
//! reached for the store, the crypto crate or the policy itself, a rule could be skipped.

use std::fs;
use std::path::{Path, PathBuf};

fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("crates/")
        .to_path_buf()
}

/// Every `.rs` file below `dir`, with its text.
fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("readable source dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = fs::read_to_string(&path).expect("readable source");
                out.push((path, text));
            }
        }
    }
    assert!(!out.is_empty(), "no sources under {}", dir.display());
    out
}

/// The crate names listed in a manifest's `[dependencies]` table (not dev-dependencies:
/// tests may build fixtures through the store).
fn dependencies(manifest: &Path) -> Vec<String> {
    let text = fs::read_to_string(manifest).expect("readable manifest");
    let mut in_deps = false;
    let mut names = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_deps = line == "[dependencies]";
        } else if in_deps && let Some((name, _)) = line.split_once('=') {
            names.push(name.trim().trim_end_matches(".workspace").to_owned());
        }
    }
    names
}

/// What a caller of the use cases must never write: each one would let it decide access,
/// open its own transaction or handle keys and sealed data.
const FORBIDDEN: &[(&str, &str)] = &[
    ("mosaique_store", "the store is reached through a use case"),
    (
        "mosaique_crypto",
        "sealing and keys belong below the use cases",
    ),
    ("policy::can", "access is decided in a use case"),
    ("can(", "access is decided in a use case"),
    ("offers(", "what a menu offers is decided in a use case"),
    ("Permit<", "permits are made and spent in a use case"),
    (".begin()", "transactions are opened in a use case"),
    ("sqlx::", "SQL lives in the store"),
];

/// The lines of `text` that break the rule, as `(line number, why)`.
fn scan(text: &str) -> Vec<(usize, &'static str)> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or_default();
        for (needle, why) in FORBIDDEN {
            let hit = if *needle == "can(" {
                // A whole word, so `scan(` or `.can_…(` are not mistaken for it.
                code.match_indices("can(").any(|(i, _)| {
                    !code[..i]
                        .chars()
                        .last()
                        .is_some_and(|c| c.is_alphanumeric() || c == '_')
                })
            } else {
                code.contains(needle)
            };
            if hit {
                found.push((n + 1, *why));
            }
        }
    }
    found
}

/// Every violation in one crate's sources, as `file:line: why`.
fn violations(crate_name: &str) -> Vec<String> {
    sources(&crates_dir().join(crate_name).join("src"))
        .iter()
        .flat_map(|(path, text)| {
            scan(text)
                .into_iter()
                .map(move |(n, why)| format!("{}:{n}: {why}", path.display()))
        })
        .collect()
}

#[test]
fn web_and_binary_do_not_depend_on_store_or_crypto() {
    for crate_name in ["web", "mosaique"] {
        let deps = dependencies(&crates_dir().join(crate_name).join("Cargo.toml"));
        assert!(
            deps.iter().any(|d| d == "mosaique-app"),
            "{crate_name} should call the use cases: {deps:?}"
        );
        for below in ["mosaique-store", "mosaique-crypto", "sqlx"] {
            assert!(
                !deps.iter().any(|d| d == below),
                "{crate_name} depends on {below}; call a use case in mosaique-app instead"
            );
        }
    }
}

#[test]
fn no_handler_page_or_command_decides_access_or_opens_a_transaction() {
    let mut found = violations("web");
    found.extend(violations("mosaique"));
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn in_the_use_cases_the_policy_is_asked_in_one_place() {
    // `authorize` audits a refusal; asking `can` elsewhere would skip that. The one other
    // place is the disclosure of sites, where a refusal is the ordinary public view.
    let allowed = ["gate.rs", "directory/mod.rs"];
    let mut found = Vec::new();
    for (path, text) in sources(&crates_dir().join("app").join("src")) {
        let rel = path.to_string_lossy().replace('\\', "/");
        if allowed.iter().any(|a| rel.ends_with(a)) {
            continue;
        }
        for (n, line) in text.lines().enumerate() {
            if line.contains("can(who") || line.contains("policy::can") {
                found.push(format!("{rel}:{}", n + 1));
            }
        }
    }
    assert!(
        found.is_empty(),
        "call `authorize` instead:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_scan_sees_a_violation_and_ignores_lookalikes() {
    let code = "let p = can(&who, a, r)?;\nlet t = db.begin().await?;\nuse mosaique_store::Db;";
    let lines: Vec<usize> = scan(code).into_iter().map(|(n, _)| n).collect();
    assert_eq!(lines, [1, 2, 3]);
    let fine = "let hits = index.scan(q);\nif menu.can_edit() {}\n// policy::can in a comment";
    assert_eq!(scan(fine), []);
}
