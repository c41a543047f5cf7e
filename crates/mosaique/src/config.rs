//! Configuration. Each option is declared once, below, with its type, default, environment
//! variable and help; layers apply in this order: defaults → `mosaique.toml` → `MOSAIQUE_*`
//! environment → command-line flags.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use clap::parser::ValueSource;
use mosaique_domain::Language;

use crate::failure::Failure;

/// Where an option's effective value came from, for `mosaique config`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Default,
    File,
    Environment,
    CommandLine,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Source::Default => "default",
            Source::File => "file",
            Source::Environment => "env",
            Source::CommandLine => "flag",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

impl FromStr for LogFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            _ => Err("use text or json".into()),
        }
    }
}

/// A tracing filter such as `info` or `mosaique_web=debug,info`, checked when read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogFilter(pub String);

impl FromStr for LogFilter {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        tracing_subscriber::EnvFilter::try_new(s)
            .map(|_| LogFilter(s.to_owned()))
            .map_err(|e| e.to_string())
    }
}

/// Addresses of reverse proxies whose `X-Forwarded-For` is believed, comma-separated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyList(pub Vec<std::net::IpAddr>);

impl FromStr for ProxyList {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| p.parse().map_err(|_| format!("{p:?} is not an IP address")))
            .collect::<Result<_, _>>()
            .map(ProxyList)
    }
}

/// A bind address: `HOST:PORT` (port 0 picks a free port).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bind(pub SocketAddr);

impl FromStr for Bind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse()
            .map(Bind)
            .map_err(|_| "expected HOST:PORT, for example 127.0.0.1:8080".into())
    }
}

/// An optional bind address: empty for none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionalBind(pub Option<SocketAddr>);

impl FromStr for OptionalBind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.trim().is_empty() {
            return Ok(OptionalBind(None));
        }
        s.parse::<Bind>().map(|b| OptionalBind(Some(b.0)))
    }
}

/// The quick exit's destination: an absolute http(s) URL with a host, so the button can never
/// point back into this site or run a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExitUrl(pub String);

impl FromStr for ExitUrl {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let host = s
            .strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"))
            .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or(""));
        match host {
            Some(host)
                if !host.is_empty()
                    && !s.chars().any(|c| c.is_whitespace() || c == '"' || c == '<') =>
            {
                Ok(ExitUrl(s.to_owned()))
            }
            _ => Err(s.to_owned()),
        }
    }
}

macro_rules! options {
    ($(
        $(#[doc = $doc:literal])+
        $name:ident : $ty:ty = $default:literal, env $env:literal, secret $secret:literal;
    )+) => {
        /// Flags (and their environment variables) shared by every subcommand.
        #[derive(Debug, Clone, Default, clap::Args)]
        pub struct ConfigArgs {
            $(
                $(#[doc = $doc])+
                #[arg(long, env = $env, global = true, value_name = stringify!($name))]
                pub $name: Option<String>,
            )+
        }

        /// The effective configuration.
        #[derive(Debug, Clone)]
        pub struct Config {
            $(pub $name: $ty,)+
            /// (option, value as text, source, secret) for `mosaique config`.
            pub report: Vec<(&'static str, String, Source, bool)>,
        }

        impl Config {
            pub fn resolve(
                args: &ConfigArgs,
                matches: &clap::ArgMatches,
                file: &toml::Table,
                file_path: &Path,
            ) -> Result<Config, Failure> {
                for key in file.keys() {
                    if ![$(stringify!($name)),+].contains(&key.as_str()) {
                        return Err(Failure::config_file_key(file_path, key));
                    }
                }
                let mut report = Vec::new();
                $(
                    let (text, source) = layer(
                        stringify!($name),
                        $default,
                        file.get(stringify!($name)),
                        args.$name.as_deref(),
                        matches,
                    )?;
                    let $name: $ty = text
                        .parse()
                        .map_err(|_| Failure::config_value(stringify!($name), &text))?;
                    report.push((stringify!($name), text, source, $secret));
                )+
                Ok(Config { $($name,)+ report })
            }
        }
    };
}

options! {
    /// Database URL: sqlite://FILE.db (embedded, the default) or postgres://USER@HOST/DB.
    database_url: String = "sqlite://mosaique.db", env "MOSAIQUE_DATABASE_URL", secret true;
    /// Address to listen on, HOST:PORT.
    bind: Bind = "127.0.0.1:8080", env "MOSAIQUE_BIND", secret false;
    /// Address of the Prometheus /metrics listener, HOST:PORT (keep it on loopback or a private
    /// network); empty: no metrics.
    metrics_bind: OptionalBind = "", env "MOSAIQUE_METRICS_BIND", secret false;
    /// File holding the 32-byte master key (hex, mode 0600).
    key_file: PathBuf = "mosaique.key", env "MOSAIQUE_KEY_FILE", secret false;
    /// Reverse proxies (IP addresses, comma-separated) whose X-Forwarded-For names the client.
    trusted_proxies: ProxyList = "", env "MOSAIQUE_TRUSTED_PROXIES", secret false;
    /// Public origin of this instance, as users reach it (https:// turns on Secure cookies).
    public_url: String = "http://127.0.0.1:8080", env "MOSAIQUE_PUBLIC_URL", secret false;
    /// Language when the user has not chosen one and the browser does not say: fr or en.
    default_language: Language = "fr", env "MOSAIQUE_DEFAULT_LANGUAGE", secret false;
    /// The coalition's name, in French.
    coalition_name_fr: String = "Coalition québécoise contre la traite des personnes", env "MOSAIQUE_COALITION_NAME_FR", secret false;
    /// The coalition's name, in English.
    coalition_name_en: String = "Québec Coalition Against Trafficking in Persons", env "MOSAIQUE_COALITION_NAME_EN", secret false;
    /// The coalition's own help line, shown beside 911 and the national hotline on every
    /// public page, e.g. 1-800-555-0199; empty: not shown.
    help_line_phone: String = "", env "MOSAIQUE_HELP_LINE_PHONE", secret false;
    /// When that line answers, in French, e.g. 24 h sur 24, 7 jours sur 7.
    help_line_hours_fr: String = "", env "MOSAIQUE_HELP_LINE_HOURS_FR", secret false;
    /// When that line answers, in English.
    help_line_hours_en: String = "", env "MOSAIQUE_HELP_LINE_HOURS_EN", secret false;
    /// Where the quick-exit button leaves for: a neutral site (http:// or https://).
    quick_exit_url: ExitUrl = "https://www.google.ca/", env "MOSAIQUE_QUICK_EXIT_URL", secret false;
    /// Maximum open database connections per server.
    db_max_connections: u32 = "10", env "MOSAIQUE_DB_MAX_CONNECTIONS", secret false;
    /// How long SQLite waits for another writer, in milliseconds.
    sqlite_busy_timeout_ms: u64 = "5000", env "MOSAIQUE_SQLITE_BUSY_TIMEOUT_MS", secret false;
    /// Minutes without a request after which a session ends.
    session_idle_minutes: u64 = "30", env "MOSAIQUE_SESSION_IDLE_MINUTES", secret false;
    /// Hours after which a session ends in any case.
    session_absolute_hours: u64 = "12", env "MOSAIQUE_SESSION_ABSOLUTE_HOURS", secret false;
    /// How often the search index checks the database for changes, in milliseconds.
    search_refresh_ms: u64 = "1000", env "MOSAIQUE_SEARCH_REFRESH_MS", secret false;
    /// How long the same public search may be answered again without searching, in
    /// milliseconds (0: never, 10000 at most); a directory change ends it at once.
    search_cache_ms: u64 = "1000", env "MOSAIQUE_SEARCH_CACHE_MS", secret false;
    /// SMTP relay for e-mail saying that something waits in one's inbox (smtp://USER:PASSWORD@HOST:587?tls=required,
    /// smtps://USER:PASSWORD@HOST:465, or smtp://127.0.0.1:25 for a relay on this machine); empty: the inbox alone.
    smtp_url: String = "", env "MOSAIQUE_SMTP_URL", secret true;
    /// Sender of those e-mails, e.g. Mosaïque <no-reply@coalition.example>.
    mail_from: String = "Mosaïque <mosaique@localhost>", env "MOSAIQUE_MAIL_FROM", secret false;
    /// Days a closed case is kept before `mosaique cases purge` destroys it.
    case_retention_days: u64 = "1825", env "MOSAIQUE_CASE_RETENTION_DAYS", secret false;
    /// Log format: text or json.
    log_format: LogFormat = "text", env "MOSAIQUE_LOG_FORMAT", secret false;
    /// Log filter, e.g. info or mosaique=debug.
    log_level: LogFilter = "info", env "MOSAIQUE_LOG_LEVEL", secret false;
}

fn layer(
    name: &'static str,
    default: &str,
    from_file: Option<&toml::Value>,
    from_args: Option<&str>,
    matches: &clap::ArgMatches,
) -> Result<(String, Source), Failure> {
    if let Some(value) = from_args {
        let source = match value_source(matches, name) {
            Some(ValueSource::EnvVariable) => Source::Environment,
            _ => Source::CommandLine,
        };
        return Ok((value.to_owned(), source));
    }
    match from_file {
        Some(toml::Value::String(s)) => Ok((s.clone(), Source::File)),
        Some(toml::Value::Integer(i)) => Ok((i.to_string(), Source::File)),
        Some(toml::Value::Boolean(b)) => Ok((b.to_string(), Source::File)),
        Some(other) => Err(Failure::config_value(name, &other.to_string())),
        None => Ok((default.to_owned(), Source::Default)),
    }
}

/// Global arguments may be given before or after the subcommand; look in both places.
fn value_source(matches: &clap::ArgMatches, id: &str) -> Option<ValueSource> {
    if let Some((_, sub)) = matches.subcommand()
        && let Some(source) = value_source(sub, id)
    {
        return Some(source);
    }
    matches
        .try_get_raw(id)
        .ok()
        .flatten()
        .and(matches.value_source(id))
}

/// Reads the configuration file: an explicit path must exist; the default one is optional.
pub fn read_file(path: Option<&Path>) -> Result<(toml::Table, PathBuf), Failure> {
    let (path, required) = match path {
        Some(p) => (p.to_path_buf(), true),
        None => (PathBuf::from("mosaique.toml"), false),
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let table = text
                .parse::<toml::Table>()
                .map_err(|e| Failure::config_file(&path, e.message()))?;
            Ok((table, path))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
            Ok((toml::Table::new(), path))
        }
        Err(e) => Err(Failure::config_file(&path, &e.to_string())),
    }
}

/// The language for messages printed before the configuration is fully read (or when it
/// cannot be): the flag, then the environment, then the configuration file, then French.
pub fn early_language(args: &[String]) -> Language {
    let flag = |name: &str| {
        args.iter().enumerate().find_map(|(i, arg)| {
            arg.strip_prefix(&format!("{name}="))
                .map(str::to_owned)
                .or_else(|| (arg == name).then(|| args.get(i + 1).cloned()).flatten())
        })
    };
    if let Some(language) = flag("--default-language").and_then(|l| l.parse().ok()) {
        return language;
    }
    if let Some(language) = std::env::var("MOSAIQUE_DEFAULT_LANGUAGE")
        .ok()
        .and_then(|l| l.parse().ok())
    {
        return language;
    }
    let file = flag("--config").or_else(|| std::env::var("MOSAIQUE_CONFIG").ok());
    std::fs::read_to_string(file.as_deref().unwrap_or("mosaique.toml"))
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
        .and_then(|table| table.get("default_language")?.as_str()?.parse().ok())
        .unwrap_or_default()
}

/// Hides the password of a database URL.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    // The last '@' ends the user info, even when an unencoded password holds '/' or '@'.
    let (authority, tail) = match rest.rfind('@') {
        Some(at) => {
            let host_start = at + 1;
            let path_start = rest[host_start..]
                .find('/')
                .map_or(rest.len(), |i| host_start + i);
            rest.split_at(path_start)
        }
        None => rest.split_at(rest.find('/').unwrap_or(rest.len())),
    };
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            let masked = if userinfo.contains(':') {
                format!("{user}:***")
            } else {
                user.to_owned()
            };
            let tail = redact_query_password(tail);
            format!("{scheme}://{masked}@{host}{tail}")
        }
        None => format!("{scheme}://{authority}{}", redact_query_password(tail)),
    }
}

fn redact_query_password(tail: &str) -> String {
    let Some((path, query)) = tail.split_once('?') else {
        return tail.to_owned();
    };
    let query: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
            _ => pair.to_owned(),
        })
        .collect();
    format!("{path}?{}", query.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/mosaique"),
            "postgres://app:***@db:5432/mosaique"
        );
        assert_eq!(
            redact_url("postgres://db/mosaique?user=a&password=x"),
            "postgres://db/mosaique?user=a&password=***"
        );
        assert_eq!(redact_url("postgres://app@db/m"), "postgres://app@db/m");
        assert_eq!(redact_url("sqlite://mosaique.db"), "sqlite://mosaique.db");
        assert_eq!(
            redact_url("postgres://app:pa/ss@wo@rd@db/m"),
            "postgres://app:***@db/m"
        );
    }
}
