//! Failures the command line reports: one line, in the configured language, saying what is
//! wrong and what to do, and a non-zero exit. Never a panic or a backtrace.

use std::path::Path;

use mosaique_app::keyfile::KeyFileError;
use mosaique_app::{AppError, ConnectProblem, StoreError};
use mosaique_domain::Language;
use mosaique_web::i18n::{Arg, Tr};

#[derive(Debug, Clone)]
pub struct Failure {
    message: &'static str,
    hint: Option<String>,
    args: Vec<(&'static str, String)>,
    /// 2 for usage and configuration mistakes, 1 for everything else.
    pub exit_code: u8,
}

impl Failure {
    fn new(
        message: &'static str,
        hint: Option<&str>,
        args: Vec<(&'static str, String)>,
    ) -> Failure {
        Failure {
            message,
            hint: hint.map(str::to_owned),
            args,
            exit_code: 1,
        }
    }

    fn usage(mut self) -> Failure {
        self.exit_code = 2;
        self
    }

    pub fn unknown_argument(argument: &str) -> Failure {
        Failure::new(
            "cli-unknown-argument",
            Some("cli-usage-hint"),
            vec![("argument", argument.to_owned())],
        )
        .usage()
    }

    pub fn invalid_arguments(detail: &str) -> Failure {
        Failure::new(
            "cli-invalid-arguments",
            Some("cli-usage-hint"),
            vec![("detail", detail.to_owned())],
        )
        .usage()
    }

    pub fn config_file(path: &Path, detail: &str) -> Failure {
        Failure::new(
            "cli-config-file",
            Some("cli-config-file-hint"),
            vec![
                ("path", path.display().to_string()),
                ("detail", detail.trim().to_owned()),
            ],
        )
        .usage()
    }

    pub fn config_file_key(path: &Path, key: &str) -> Failure {
        Failure::new(
            "cli-config-unknown-key",
            Some("cli-config-file-hint"),
            vec![
                ("path", path.display().to_string()),
                ("key", key.to_owned()),
            ],
        )
        .usage()
    }

    /// A value that does not parse; the hint says what the option expects.
    pub fn config_value(option: &str, value: &str) -> Failure {
        let hint = match option {
            "bind" | "metrics_bind" => "cli-expected-bind",
            "trusted_proxies" => "cli-expected-proxies",
            "default_language" => "cli-expected-language",
            "log_format" => "cli-expected-log-format",
            "log_level" => "cli-expected-log-level",
            "smtp_url" => "cli-expected-smtp-url",
            "mail_from" => "cli-expected-mailbox",
            "db_max_connections"
            | "sqlite_busy_timeout_ms"
            | "search_refresh_ms"
            | "search_cache_ms"
            | "session_idle_minutes"
            | "session_absolute_hours" => "cli-expected-number",
            _ => "cli-config-value-hint",
        };
        Failure::new(
            "cli-config-value",
            Some(hint),
            vec![("option", option.to_owned()), ("value", value.to_owned())],
        )
        .usage()
    }

    pub fn invalid_argument_value(argument: &str, value: &str) -> Failure {
        Failure::new(
            "cli-invalid-argument-value",
            Some("cli-usage-hint"),
            vec![
                ("argument", argument.to_owned()),
                ("value", value.to_owned()),
            ],
        )
        .usage()
    }

    pub fn missing_command() -> Failure {
        Failure::new("cli-missing-command", Some("cli-usage-hint"), Vec::new()).usage()
    }

    /// A database that cannot be opened, migrated or written, by cause.
    pub fn database(error: &StoreError, redacted_url: &str) -> Failure {
        let problem = error.connect_problem().unwrap_or(ConnectProblem::Other);
        tracing::debug!(%error, "database failure");
        let (message, hint) = match problem {
            ConnectProblem::InvalidUrl => ("cli-db-invalid-url", "cli-db-invalid-url-hint"),
            ConnectProblem::Unreachable => ("cli-db-unreachable", "cli-db-unreachable-hint"),
            ConnectProblem::AuthenticationFailed => (
                "cli-db-authentication-failed",
                "cli-db-authentication-failed-hint",
            ),
            ConnectProblem::DatabaseMissing => {
                ("cli-db-database-missing", "cli-db-database-missing-hint")
            }
            ConnectProblem::ReadOnly => ("cli-db-read-only", "cli-db-read-only-hint"),
            ConnectProblem::Locked => ("cli-db-locked", "cli-db-locked-hint"),
            ConnectProblem::CannotOpen => ("cli-db-cannot-open", "cli-db-cannot-open-hint"),
            ConnectProblem::NewerSchema => ("cli-db-newer-schema", "cli-db-newer-schema-hint"),
            ConnectProblem::Other => ("cli-db-other", "cli-db-other-hint"),
        };
        let failure = Failure::new(message, Some(hint), vec![("url", redacted_url.to_owned())]);
        if problem == ConnectProblem::InvalidUrl {
            failure.usage()
        } else {
            failure
        }
    }

    pub fn bind(error: &std::io::Error, bind: &str) -> Failure {
        if error.kind() == std::io::ErrorKind::AddrInUse {
            Failure::new(
                "cli-port-in-use",
                Some("cli-port-in-use-hint"),
                vec![("bind", bind.to_owned())],
            )
        } else {
            Failure::new(
                "cli-bind-failed",
                Some("cli-bind-failed-hint"),
                vec![("bind", bind.to_owned())],
            )
        }
    }

    /// The key file cannot be used, by cause.
    pub fn key_file(error: &KeyFileError) -> Failure {
        match error {
            KeyFileError::Missing(path) => Failure::key_missing(path),
            KeyFileError::Permissions(path) => Failure::key_permissions(path),
            KeyFileError::Invalid(path) => Failure::key_invalid(path),
            KeyFileError::Io(path, error) => Failure::key_io(path, error),
        }
    }

    /// A use case that did not do its work, for a reason no command expects: the database
    /// went away, or a bug (logged).
    pub fn app(error: &AppError, redacted_url: &str) -> Failure {
        match error {
            AppError::Unavailable => Failure::new(
                "cli-db-unreachable",
                Some("cli-db-unreachable-hint"),
                vec![("url", redacted_url.to_owned())],
            ),
            other => Failure::internal(&format!("{other:?}")),
        }
    }

    fn key_missing(path: &Path) -> Failure {
        Failure::new(
            "cli-key-missing",
            Some("cli-key-missing-hint"),
            vec![("path", path.display().to_string())],
        )
    }

    fn key_permissions(path: &Path) -> Failure {
        Failure::new(
            "cli-key-permissions",
            Some("cli-key-permissions-hint"),
            vec![("path", path.display().to_string())],
        )
    }

    pub fn key_mismatch(path: &Path) -> Failure {
        Failure::new(
            "cli-key-mismatch",
            Some("cli-key-mismatch-hint"),
            vec![("path", path.display().to_string())],
        )
    }

    fn key_invalid(path: &Path) -> Failure {
        Failure::new(
            "cli-key-invalid",
            Some("cli-key-invalid-hint"),
            vec![("path", path.display().to_string())],
        )
    }

    fn key_io(path: &Path, error: &std::io::Error) -> Failure {
        Failure::new(
            "cli-key-io",
            Some("cli-key-io-hint"),
            vec![
                ("path", path.display().to_string()),
                ("detail", error.to_string()),
            ],
        )
    }

    /// A file named on the command line that cannot be read.
    pub fn file_read(path: &Path, error: &std::io::Error) -> Failure {
        Failure::new(
            "cli-file-read",
            Some("cli-file-read-hint"),
            vec![
                ("path", path.display().to_string()),
                ("detail", error.to_string()),
            ],
        )
        .usage()
    }

    /// A command-line mistake about an account (unknown e-mail, role, organization…).
    pub fn user_input(message: &'static str, args: Vec<(&'static str, String)>) -> Failure {
        Failure::new(message, Some("cli-usage-hint"), args).usage()
    }

    /// An instrument file that does not pass its checks (the problems are printed above).
    pub fn instrument_invalid(file: &Path, count: usize) -> Failure {
        Failure::new(
            "cli-instrument-invalid",
            Some("cli-instrument-invalid-hint"),
            vec![
                ("file", file.display().to_string()),
                ("count", count.to_string()),
            ],
        )
    }

    /// An HSDS package that does not pass its checks (the problems are printed above).
    pub fn hsds_invalid(path: &Path, count: usize) -> Failure {
        Failure::new(
            "cli-hsds-invalid",
            Some("cli-hsds-invalid-hint"),
            vec![
                ("path", path.display().to_string()),
                ("count", count.to_string()),
            ],
        )
    }

    /// A mapping file with rules that cannot be applied, each already printed.
    pub fn hsds_mapping(path: &Path, count: usize) -> Failure {
        Failure::new(
            "cli-hsds-mapping-invalid",
            Some("cli-hsds-mapping-invalid-hint"),
            vec![
                ("path", path.display().to_string()),
                ("count", count.to_string()),
            ],
        )
    }

    /// A package that could not be fetched from its URL (refused, not found, too big, down).
    pub fn fetch(url: &str, detail: &str) -> Failure {
        Failure::new(
            "cli-hsds-fetch",
            Some("cli-hsds-fetch-hint"),
            vec![("url", url.to_owned()), ("detail", detail.to_owned())],
        )
    }

    /// The database refused an import or could not be read for an export.
    pub fn hsds_store(path: &Path, detail: &str) -> Failure {
        Failure::new(
            "cli-hsds-store",
            Some("cli-hsds-store-hint"),
            vec![
                ("path", path.display().to_string()),
                ("detail", detail.to_owned()),
            ],
        )
    }

    /// A file the command must write and cannot.
    pub fn file_write(path: &Path, error: &std::io::Error) -> Failure {
        Failure::new(
            "cli-file-write",
            Some("cli-file-write-hint"),
            vec![
                ("path", path.display().to_string()),
                ("detail", error.to_string()),
            ],
        )
    }

    /// Different content under a published key and version.
    pub fn instrument_changed(key: &str, version: u32) -> Failure {
        Failure::new(
            "cli-instrument-changed",
            Some("cli-instrument-changed-hint"),
            vec![("key", key.to_owned()), ("version", version.to_string())],
        )
    }

    pub fn demo_accounts_present() -> Failure {
        Failure::new(
            "cli-demo-accounts-present",
            Some("cli-demo-accounts-present-hint"),
            Vec::new(),
        )
    }

    pub fn audit_broken(seq: i64, problem: &str) -> Failure {
        Failure::new(
            "cli-audit-broken",
            Some("cli-audit-broken-hint"),
            vec![("seq", seq.to_string()), ("problem", problem.to_owned())],
        )
    }

    pub fn internal(detail: &str) -> Failure {
        Failure::new(
            "cli-internal",
            Some("cli-internal-hint"),
            vec![("detail", detail.to_owned())],
        )
    }

    /// `Erreur : … Que faire : …` on one line.
    pub fn render(&self, lang: Language) -> String {
        let tr = Tr::new(lang);
        let args: Vec<(&'static str, Arg)> = self
            .args
            .iter()
            .map(|(k, v)| (*k, Arg::Text(v.clone())))
            .collect();
        let mut line = format!("{} : {}", tr.t("cli-error"), tr.t_args(self.message, &args));
        if lang == Language::En {
            line = line.replacen(" : ", ": ", 1);
        }
        if let Some(hint) = &self.hint {
            let sep = if lang == Language::En { ": " } else { " : " };
            line.push_str(&format!(
                " {}{sep}{}",
                tr.t("cli-hint"),
                tr.t_args(hint, &args)
            ));
        }
        line
    }
}
