//! `mosaique`: the one binary. Serves the web application and runs the admin commands.

mod config;
mod failure;
mod help;
mod hsds;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use mosaique_app::identity::staff::NewAccount;
use mosaique_app::keyfile::{self, KeyStatus, MasterKeys};
use mosaique_app::oversight::{AuditVerdict, RotationError};
use mosaique_app::screening::Published;
use mosaique_app::{
    AccountProblem, App, AppConfig, AppError, Conflict, DbOptions, Invalid, SessionLimits,
    StoreError,
};
use mosaique_domain::directory::sync::{ImportSource, Prefer};
use mosaique_domain::policy::Principal;
use mosaique_domain::screening::shipped::shipped;
use mosaique_domain::screening::{Instrument, InstrumentStatus, Syntax};
use mosaique_domain::{Language, Role, TokenId};
use mosaique_web::i18n::{Arg, Tr};
use mosaique_web::{AppState, HelpLine, MailSetupProblem, Mailer, Settings};

use crate::config::{Config, ConfigArgs, LogFormat};
use crate::failure::Failure;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Mosaïque — the platform of anti-human-trafficking coalitions.
#[derive(Debug, Parser)]
#[command(name = "mosaique", version, about)]
struct Cli {
    /// Configuration file (TOML); default: ./mosaique.toml when it exists.
    #[arg(long, env = "MOSAIQUE_CONFIG", global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(flatten)]
    options: ConfigArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start the web server (applies pending migrations first).
    Serve {
        /// Demo mode: create a master key if absent and load the demo coalition's data.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Load the demo data (the organizations named in the source, one demo account per
    /// role) into the database; creates the master key file if absent.
    Demo,
    /// Manage accounts.
    User {
        #[command(subcommand)]
        action: UserCommand,
    },
    /// Manage API tokens (sent as `Authorization: Bearer`, acting with their user's permissions).
    Token {
        #[command(subcommand)]
        action: TokenCommand,
    },
    /// Manage encryption keys.
    Keys {
        #[command(subcommand)]
        action: KeysCommand,
    },
    /// Screening instruments: check a file, publish a version, list, retire.
    Instrument {
        #[command(subcommand)]
        action: InstrumentCommand,
    },
    /// The directory as Open Referral HSDS 3.1: import a package, export one.
    Hsds {
        #[command(subcommand)]
        action: HsdsCommand,
    },
    /// Check the audit trail.
    Audit {
        #[command(subcommand)]
        action: AuditCommand,
    },
    /// Shared cases.
    Cases {
        #[command(subcommand)]
        action: CasesCommand,
    },
    /// Print the effective configuration and where each value comes from (secrets hidden).
    Config,
    /// Print the OpenAPI document of the JSON API.
    Openapi,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create an account and print its one-time enrolment link.
    Create {
        #[arg(long)]
        email: String,
        /// The organization's slug; omit for the coalition's own staff.
        #[arg(long)]
        org: Option<String>,
        /// coalition_admin, coordinator, caseworker, org_admin, police_liaison, privacy_officer or analyst.
        #[arg(long)]
        role: String,
        /// Display name (defaults to the e-mail's local part).
        #[arg(long)]
        name: Option<String>,
    },
    /// Disable an account and end all its sessions at once.
    Disable {
        #[arg(long)]
        email: String,
    },
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Create a token for a user and print it once.
    Create {
        #[arg(long)]
        email: String,
        /// What the token is for, e.g. "rapport mensuel".
        #[arg(long)]
        name: String,
        /// Days until it expires (default: never).
        #[arg(long)]
        days: Option<u32>,
    },
    /// Revoke a token by its id.
    Revoke {
        #[arg(long)]
        email: String,
        #[arg(long)]
        id: String,
    },
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Add a new master key version, re-wrap every data key under it, make a new secrets key
    /// and re-seal what the old one sealed, in batches. Run it again after an interruption:
    /// it resumes where it stopped. Old versions leave the key file once unused.
    Rotate,
}

#[derive(Debug, Subcommand)]
enum InstrumentCommand {
    /// Check an instrument file (TOML, or JSON by its extension) and report every problem.
    Check { file: PathBuf },
    /// Publish a new instrument version; a published version never changes.
    Import {
        file: PathBuf,
        /// active or pilot.
        #[arg(long, default_value = "active")]
        status: String,
    },
    /// List every published version.
    List,
    /// Retire a version: old results keep it, new screenings no longer use it.
    Retire {
        instrument: String,
        #[arg(long = "version")]
        instrument_version: u32,
    },
}

#[derive(Debug, Subcommand)]
enum HsdsCommand {
    /// Import a JSON or CSV package all or nothing, after checking every row; importing the
    /// same source again updates what it changed and reports the rest.
    Import {
        /// A file, a folder, or an http(s) URL.
        path: String,
        /// Only check and report; write nothing.
        #[arg(long)]
        check: bool,
        /// Language of the package's text fields: fr or en.
        #[arg(long, default_value = "fr")]
        lang: String,
        /// Import every valid organization with its valid sites and services; report the rest.
        #[arg(long)]
        partial: bool,
        /// Where the partial import's report goes (CSV).
        #[arg(long)]
        report: Option<PathBuf>,
        /// A mapping file (TOML) from other taxonomies to ours, over the shipped one.
        #[arg(long)]
        mapping: Option<PathBuf>,
        /// The source's name (by default its URL or absolute path).
        #[arg(long)]
        source: Option<String>,
        /// On a conflict with a local edit: keep the local version (local) or take the
        /// source's (source); by default keep it and report it at every import.
        #[arg(long, value_parser = ["local", "source"])]
        prefer: Option<String>,
        /// Import again every so many minutes, until stopped.
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..=44_640))]
        every: Option<u64>,
    },
    /// Export the public directory as JSON and as a CSV datapackage.
    Export {
        dir: PathBuf,
        /// Language of the publication: fr or en.
        #[arg(long, default_value = "fr")]
        lang: String,
        /// Include confidential sites in redacted form (region only).
        #[arg(long)]
        include_redacted: bool,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Verify the hash chain and the signed checkpoints; exits non-zero at the first bad entry.
    Verify,
}

#[derive(Debug, Subcommand)]
enum CasesCommand {
    /// Destroy the cases closed for longer than case_retention_days: their key, then their rows.
    Purge,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let early_language = config::early_language(&args);
    let (cli, matches) = match parse_arguments(early_language) {
        Ok(parsed) => parsed,
        Err(Some(failure)) => return report(&failure, early_language),
        Err(None) => return ExitCode::SUCCESS,
    };
    let config = match config::read_file(cli.config.as_deref())
        .and_then(|(file, path)| Config::resolve(&cli.options, &matches, &file, &path))
    {
        Ok(config) => config,
        Err(failure) => return report(&failure, early_language),
    };
    let language = config.default_language;
    init_logging(&config);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return report(&Failure::internal(&e.to_string()), language),
    };
    match runtime.block_on(run(cli.command, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => report(&failure, language),
    }
}

/// Parses the command line; `Err(None)` means help or version was printed.
fn parse_arguments(language: Language) -> Result<(Cli, clap::ArgMatches), Option<Failure>> {
    let command = help::localize(Cli::command(), &Tr::new(language));
    let matches = match command.try_get_matches() {
        Ok(matches) => matches,
        Err(error) => return Err(clap_failure(error)),
    };
    let cli = Cli::from_arg_matches(&matches).map_err(clap_failure)?;
    Ok((cli, matches))
}

fn clap_failure(error: clap::Error) -> Option<Failure> {
    use clap::error::{ContextKind, ErrorKind};
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = error.print();
            None
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
            let _ = error.print();
            Some(Failure::missing_command())
        }
        ErrorKind::UnknownArgument | ErrorKind::InvalidSubcommand => {
            let argument = error
                .get(ContextKind::InvalidArg)
                .or_else(|| error.get(ContextKind::InvalidSubcommand));
            Some(Failure::unknown_argument(
                &argument.map(ToString::to_string).unwrap_or_default(),
            ))
        }
        _ => {
            let argument = error
                .get(ContextKind::InvalidArg)
                .map(ToString::to_string)
                .unwrap_or_default();
            match error.get(ContextKind::InvalidValue) {
                Some(value) => Some(Failure::invalid_argument_value(
                    &argument,
                    &value.to_string(),
                )),
                None => Some(Failure::invalid_arguments(&argument)),
            }
        }
    }
}

fn report(failure: &Failure, language: Language) -> ExitCode {
    eprintln!("{}", failure.render(language));
    ExitCode::from(failure.exit_code)
}

fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log_level.0)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"))
        .add_directive("sqlx=warn".parse().unwrap_or_default());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match config.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

/// The command line acts as the instance's operator: whoever holds the key file and the
/// database. The use cases decide what an operator may do, as for anyone else.
const OPERATOR: Principal = Principal::Operator;

async fn run(command: Command, config: Config) -> Result<(), Failure> {
    let tr = Tr::new(config.default_language);
    match command {
        Command::Config => {
            for (name, value, source, secret) in &config.report {
                let shown = if *secret {
                    config::redact_url(value)
                } else {
                    value.clone()
                };
                println!("{name} = {shown:?}  # {}", source.name());
            }
            Ok(())
        }
        Command::Openapi => {
            print!("{}", mosaique_web::openapi_json());
            Ok(())
        }
        Command::Migrate => {
            let app = open(&config, None).await?;
            let applied = migrate(&app, &config).await?;
            println!(
                "{}",
                tr.t_args("cli-migrated", &[("count", Arg::Int(applied as i64))])
            );
            app.close().await;
            Ok(())
        }
        Command::Demo => {
            let key = master_key(&config, true, &tr)?;
            let app = open(&config, Some(key)).await?;
            let result = load_demo(&app, &config, &tr).await;
            app.close().await;
            result
        }
        Command::User { action } => {
            let app = open(&config, Some(master_key(&config, false, &tr)?)).await?;
            let result = user_command(&app, &config, &tr, action).await;
            app.close().await;
            result
        }
        Command::Keys {
            action: KeysCommand::Rotate,
        } => rotate_keys(&config, &tr).await,
        Command::Token { action } => {
            let app = open(&config, Some(master_key(&config, false, &tr)?)).await?;
            let result = token_command(&app, &config, &tr, action).await;
            app.close().await;
            result
        }
        Command::Instrument {
            action: InstrumentCommand::Check { file },
        } => check_instrument_file(&file, &tr).map(|_| ()),
        Command::Instrument { action } => {
            let app = open(&config, Some(master_key(&config, false, &tr)?)).await?;
            publish_shipped(&app, &config).await?;
            let result = instrument_command(&app, &config, &tr, action).await;
            app.close().await;
            result
        }
        Command::Hsds { action } => {
            let language = |lang: &str| {
                lang.parse::<Language>().map_err(|_| {
                    Failure::user_input("cli-hsds-bad-lang", vec![("lang", lang.to_owned())])
                })
            };
            match action {
                HsdsCommand::Import {
                    path,
                    check,
                    lang,
                    partial,
                    report,
                    mapping,
                    source,
                    prefer,
                    every,
                } => {
                    let origin = hsds::Origin::parse(&path)?;
                    let prefer = match prefer.as_deref() {
                        Some("local") => Prefer::Local,
                        Some("source") => Prefer::Source,
                        _ => Prefer::Ask,
                    };
                    let request = hsds::ImportRequest {
                        source: ImportSource {
                            name: source.unwrap_or_else(|| origin.default_name()),
                            prefer,
                        },
                        origin: &origin,
                        lang: language(&lang)?,
                        partial,
                        report: report.as_deref(),
                        mapping: mapping.as_deref(),
                    };
                    if check {
                        return hsds::import(None, &tr, &request).await;
                    }
                    let app = open(&config, Some(master_key(&config, false, &tr)?)).await?;
                    let result = match every {
                        Some(minutes) => hsds::import_every(&app, &tr, &request, minutes).await,
                        None => hsds::import(Some(&app), &tr, &request).await,
                    };
                    app.close().await;
                    result
                }
                HsdsCommand::Export {
                    dir,
                    lang,
                    include_redacted,
                } => {
                    let lang = language(&lang)?;
                    // Public data only: no key needed.
                    let app = open(&config, None).await?;
                    migrate(&app, &config).await?;
                    let result = hsds::export(&app, &tr, &dir, lang, include_redacted).await;
                    app.close().await;
                    result
                }
            }
        }
        Command::Cases {
            action: CasesCommand::Purge,
        } => {
            let app = open(&config, Some(master_key(&config, false, &tr)?)).await?;
            let purged = app
                .purge_expired_cases(&OPERATOR, config.case_retention_days)
                .await;
            app.close().await;
            let purged = purged.map_err(|e| app_failure(&e, &config))?;
            println!(
                "{}",
                tr.t_args(
                    "cli-cases-purged",
                    &[
                        ("count", Arg::Int(i64::try_from(purged).unwrap_or(i64::MAX))),
                        (
                            "days",
                            Arg::Int(i64::try_from(config.case_retention_days).unwrap_or(i64::MAX))
                        ),
                    ]
                )
            );
            Ok(())
        }
        Command::Audit {
            action: AuditCommand::Verify,
        } => {
            let app = open(&config, Some(master_key(&config, false, &tr)?)).await?;
            let verdict = app.verify_audit(&OPERATOR).await;
            app.close().await;
            match verdict.map_err(|e| app_failure(&e, &config))? {
                AuditVerdict::Intact {
                    entries,
                    checkpoints,
                } => {
                    println!(
                        "{}",
                        tr.t_args(
                            "cli-audit-intact",
                            &[
                                ("entries", Arg::Int(entries)),
                                ("checkpoints", Arg::Int(checkpoints))
                            ]
                        )
                    );
                    Ok(())
                }
                AuditVerdict::Broken { seq, problem } => {
                    Err(Failure::audit_broken(seq, problem.key()))
                }
            }
        }
        Command::Serve { demo } => serve(config, demo).await,
    }
}

fn master_key(config: &Config, create: bool, tr: &Tr) -> Result<MasterKeys, Failure> {
    let (key, status) =
        keyfile::load(&config.key_file, create).map_err(|e| Failure::key_file(&e))?;
    if status == KeyStatus::Created {
        println!(
            "{}",
            tr.with(
                "cli-key-created",
                "path",
                &config.key_file.display().to_string()
            )
        );
    }
    Ok(key)
}

fn store_failure(error: &StoreError, config: &Config) -> Failure {
    Failure::database(error, &config::redact_url(&config.database_url))
}

fn app_failure(error: &AppError, config: &Config) -> Failure {
    Failure::app(error, &config::redact_url(&config.database_url))
}

async fn user_command(
    app: &App,
    config: &Config,
    tr: &Tr,
    action: UserCommand,
) -> Result<(), Failure> {
    match action {
        UserCommand::Create {
            email,
            org,
            role,
            name,
        } => {
            let new = NewAccount {
                email: email.clone(),
                display_name: name.unwrap_or_default(),
                role: role.parse::<Role>().ok(),
                organization: org.clone().unwrap_or_default(),
            };
            let created = app.create_account(&OPERATOR, &new).await.map_err(|e| {
                match e {
                    AppError::Invalid(Invalid::Account(problems)) => {
                        // The first problem, as the command line has always said it.
                        match problems.first() {
                            Some(AccountProblem::UnknownRole) => Failure::user_input(
                                "cli-user-bad-role",
                                vec![("role", role.clone())],
                            ),
                            Some(AccountProblem::UnknownOrganization) => Failure::user_input(
                                "cli-user-unknown-org",
                                vec![("org", org.clone().unwrap_or_default())],
                            ),
                            Some(AccountProblem::NeedsOrganization) => Failure::user_input(
                                "cli-user-needs-org",
                                vec![("role", role.clone())],
                            ),
                            _ => Failure::user_input(
                                "cli-user-bad-email",
                                vec![("email", email.clone())],
                            ),
                        }
                    }
                    AppError::Conflict(Conflict::Taken(_)) => {
                        Failure::user_input("cli-user-exists", vec![("email", email.clone())])
                    }
                    e => app_failure(&e, config),
                }
            })?;
            println!(
                "{}",
                tr.t_args(
                    "cli-user-created",
                    &[
                        ("email", Arg::Text(created.user.email)),
                        ("link", Arg::Text(created.link))
                    ]
                )
            );
            Ok(())
        }
        UserCommand::Disable { email } => {
            let unknown =
                || Failure::user_input("cli-user-unknown", vec![("email", email.clone())]);
            let id = match app.account_id_by_email(&email).await {
                Ok(id) => id,
                Err(AppError::NotFound) => return Err(unknown()),
                Err(e) => return Err(app_failure(&e, config)),
            };
            let user = app
                .disable_account(&OPERATOR, id)
                .await
                .map_err(|e| app_failure(&e, config))?;
            println!("{}", tr.with("cli-user-disabled", "email", &user.email));
            Ok(())
        }
    }
}

async fn rotate_keys(config: &Config, tr: &Tr) -> Result<(), Failure> {
    let app = open(config, Some(master_key(config, false, tr)?)).await?;
    let rotated = app
        .rotate_keys(&OPERATOR, &config.key_file, &progress)
        .await;
    app.close().await;
    let rotated = rotated.map_err(|e| match e {
        RotationError::KeyFile(e) => Failure::key_file(&e),
        RotationError::App(e) => app_failure(&e, config),
    })?;
    match rotated.new_version {
        Some(version) => println!(
            "{}",
            tr.t_args(
                "cli-keys-new-version",
                &[("version", Arg::Int(i64::from(version)))]
            )
        ),
        None => println!("{}", tr.t("cli-keys-resuming")),
    }
    let args = [
        ("wrapped", Arg::Int(rotated.rewrapped)),
        ("sealed", Arg::Int(rotated.resealed)),
        ("retired", Arg::Int(rotated.retired as i64)),
        ("dropped", Arg::Int(rotated.dropped as i64)),
    ];
    println!("{}", tr.t_args("cli-keys-rotated", &args));
    Ok(())
}

/// A progress bar on a terminal, a line per batch otherwise (logs, CI).
fn progress(done: i64, total: i64) {
    use std::io::IsTerminal;
    let total = total.max(done).max(1);
    let filled = usize::try_from(done * 30 / total).unwrap_or(30);
    let bar = format!(
        "[{}{}] {done}/{total}",
        "#".repeat(filled),
        " ".repeat(30 - filled.min(30))
    );
    if std::io::stderr().is_terminal() {
        eprint!("\r{bar}");
        if done >= total {
            eprintln!();
        }
    } else {
        eprintln!("{bar}");
    }
}

async fn token_command(
    app: &App,
    config: &Config,
    tr: &Tr,
    action: TokenCommand,
) -> Result<(), Failure> {
    let unknown_user =
        |email: &str| Failure::user_input("cli-user-unknown", vec![("email", email.to_owned())]);
    match action {
        TokenCommand::Create { email, name, days } => {
            let created = app
                .create_api_token(&OPERATOR, &email, &name, days)
                .await
                .map_err(|e| match e {
                    AppError::Invalid(Invalid::TokenName) => {
                        Failure::user_input("cli-token-needs-name", Vec::new())
                    }
                    AppError::NotFound => unknown_user(&email),
                    e => app_failure(&e, config),
                })?;
            let args = [
                ("id", Arg::Text(created.id.to_string())),
                ("email", Arg::Text(email.trim().to_lowercase())),
            ];
            println!("{}", tr.t_args("cli-token-created", &args));
            println!("{}", created.token);
            Ok(())
        }
        TokenCommand::Revoke { email, id } => {
            let unknown = || Failure::user_input("cli-token-unknown", vec![("id", id.clone())]);
            let token_id: TokenId = id.parse().map_err(|_| unknown())?;
            // An unknown account is named as such before its token is looked for.
            if let Err(AppError::NotFound) = app.account_id_by_email(&email).await {
                return Err(unknown_user(&email));
            }
            app.revoke_api_token(&OPERATOR, &email, token_id)
                .await
                .map_err(|e| match e {
                    AppError::NotFound => unknown(),
                    e => app_failure(&e, config),
                })?;
            println!("{}", tr.with("cli-token-revoked", "id", &id));
            Ok(())
        }
    }
}

/// Reads and checks an instrument file, printing each problem in the configured language.
fn check_instrument_file(file: &std::path::Path, tr: &Tr) -> Result<Instrument, Failure> {
    let bytes = std::fs::read(file).map_err(|e| Failure::file_read(file, &e))?;
    // A file saved in Windows-1252 (accents) is named as such rather than misread.
    let source = String::from_utf8(bytes).map_err(|_| {
        Failure::user_input(
            "cli-instrument-not-utf8",
            vec![("file", file.display().to_string())],
        )
    })?;
    let syntax = Syntax::from_path(&file.to_string_lossy());
    match Instrument::parse(&source, syntax) {
        Ok(instrument) => {
            let f = instrument.file();
            println!(
                "{}",
                tr.t_args(
                    "cli-instrument-ok",
                    &[
                        ("key", Arg::Text(f.key.clone())),
                        ("version", Arg::Int(i64::from(f.version))),
                        ("questions", Arg::Int(f.questions.len() as i64)),
                        ("indicators", Arg::Int(f.indicators.len() as i64)),
                        ("hash", Arg::Text(instrument.content_hash().to_owned())),
                    ]
                )
            );
            Ok(instrument)
        }
        Err(problems) => {
            for problem in &problems {
                eprintln!("{}: {}", file.display(), tr.instrument_problem(problem));
            }
            Err(Failure::instrument_invalid(file, problems.len()))
        }
    }
}

async fn instrument_command(
    app: &App,
    config: &Config,
    tr: &Tr,
    action: InstrumentCommand,
) -> Result<(), Failure> {
    match action {
        InstrumentCommand::Check { file } => check_instrument_file(&file, tr).map(|_| ()),
        InstrumentCommand::Import { file, status } => {
            let status = match InstrumentStatus::parse(&status) {
                Some(s @ (InstrumentStatus::Active | InstrumentStatus::Pilot)) => s,
                _ => {
                    return Err(Failure::user_input(
                        "cli-instrument-bad-status",
                        vec![("status", status)],
                    ));
                }
            };
            let instrument = check_instrument_file(&file, tr)?;
            match app.publish_instrument(&OPERATOR, &instrument, status).await {
                Ok(published) => {
                    let message = match published {
                        Published::New => "cli-instrument-published",
                        Published::AlreadyThere => "cli-instrument-already",
                    };
                    println!(
                        "{}",
                        tr.t_args(
                            message,
                            &[
                                ("key", Arg::Text(instrument.key().to_owned())),
                                ("version", Arg::Int(i64::from(instrument.version()))),
                            ]
                        )
                    );
                    Ok(())
                }
                Err(AppError::Conflict(Conflict::Taken(_))) => Err(Failure::instrument_changed(
                    instrument.key(),
                    instrument.version(),
                )),
                Err(e) => Err(app_failure(&e, config)),
            }
        }
        InstrumentCommand::List => {
            let all = app
                .instruments(&OPERATOR)
                .await
                .map_err(|e| app_failure(&e, config))?;
            for stored in all {
                let f = stored.instrument.file();
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    f.key,
                    f.version,
                    stored.status.key(),
                    stored.instrument.content_hash(),
                    f.title.get(tr.lang)
                );
            }
            Ok(())
        }
        InstrumentCommand::Retire {
            instrument,
            instrument_version,
        } => match app
            .retire_instrument(&OPERATOR, &instrument, instrument_version)
            .await
        {
            Ok(()) => {
                println!(
                    "{}",
                    tr.t_args(
                        "cli-instrument-retired",
                        &[
                            ("key", Arg::Text(instrument)),
                            ("version", Arg::Int(i64::from(instrument_version))),
                        ]
                    )
                );
                Ok(())
            }
            Err(AppError::NotFound) => Err(Failure::user_input(
                "cli-instrument-not-found",
                vec![
                    ("key", instrument),
                    ("version", instrument_version.to_string()),
                ],
            )),
            Err(e) => Err(app_failure(&e, config)),
        },
    }
}

/// Publishes the instrument versions shipped in the binary (idempotent).
async fn publish_shipped(app: &App, config: &Config) -> Result<(), Failure> {
    let instruments = shipped()
        .map_err(|(name, problems)| Failure::internal(&format!("{name}: {problems:?}")))?;
    match app.publish_shipped_instruments(&instruments).await {
        Ok(_) => Ok(()),
        Err(AppError::Conflict(Conflict::Taken(_))) => {
            // A stored shipped version differs from this binary's: refuse rather than let
            // two servers score the same version differently.
            let first = &instruments[0];
            Err(Failure::instrument_changed(first.key(), first.version()))
        }
        Err(e) => Err(app_failure(&e, config)),
    }
}

/// What the use cases need of the configuration.
fn app_config(config: &Config) -> AppConfig {
    let ms = |d: Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
    AppConfig {
        public_url: config.public_url.clone(),
        session: SessionLimits {
            idle_ms: ms(session_idle(config)),
            absolute_ms: ms(session_absolute(config)),
        },
    }
}

fn session_idle(config: &Config) -> Duration {
    Duration::from_secs(config.session_idle_minutes.max(1) * 60)
}

fn session_absolute(config: &Config) -> Duration {
    Duration::from_secs(config.session_absolute_hours.max(1) * 3600)
}

/// Opens the database; with the master key, migrates it and unlocks its data keys (they
/// live in the database).
async fn open(config: &Config, key: Option<MasterKeys>) -> Result<App, Failure> {
    let options = DbOptions {
        max_connections: config.db_max_connections.max(1),
        busy_timeout: Duration::from_millis(config.sqlite_busy_timeout_ms),
        ..DbOptions::default()
    };
    let app = App::connect(&config.database_url, &options, app_config(config))
        .await
        .map_err(|e| Failure::database(&e, &config::redact_url(&config.database_url)))?;
    match key {
        Some(keys) => {
            migrate(&app, config).await?;
            app.unlock(keys).await.map_err(|e| match e {
                StoreError::MissingMasterKey(_) | StoreError::Crypto(_) => {
                    Failure::key_mismatch(&config.key_file)
                }
                e => store_failure(&e, config),
            })
        }
        None => Ok(app),
    }
}

async fn migrate(app: &App, config: &Config) -> Result<usize, Failure> {
    let url = config::redact_url(&config.database_url);
    let applied = app
        .migrate()
        .await
        .map_err(|e| Failure::database(&e, &url))?;
    app.check_writable()
        .await
        .map_err(|e| Failure::database(&e, &url))?;
    Ok(applied)
}

async fn load_demo(app: &App, config: &Config, tr: &Tr) -> Result<(), Failure> {
    let loaded = app
        .load_demo(&OPERATOR)
        .await
        .map_err(|e| app_failure(&e, config))?;
    println!(
        "{}",
        tr.t_args(
            "cli-demo-loaded",
            &[
                ("created", Arg::Int(loaded.created as i64)),
                ("updated", Arg::Int(loaded.updated as i64)),
                ("unchanged", Arg::Int(loaded.unchanged as i64)),
            ]
        )
    );
    println!(
        "{}",
        tr.t_args(
            "cli-demo-services",
            &[("count", Arg::Int(loaded.services as i64))]
        )
    );
    if loaded.accounts > 0 {
        println!(
            "{}",
            tr.t_args(
                "cli-demo-accounts",
                &[("count", Arg::Int(loaded.accounts as i64))]
            )
        );
    }
    if loaded.cases > 0 {
        println!(
            "{}",
            tr.t_args(
                "cli-demo-cases",
                &[("count", Arg::Int(loaded.cases as i64))]
            )
        );
    }
    Ok(())
}

/// The mailer when SMTP is configured, checked before anything starts.
fn mailer(config: &Config) -> Result<Option<Mailer>, Failure> {
    if config.smtp_url.is_empty() {
        return Ok(None);
    }
    // Often enough for a referral at 3 a.m.; the outbox query is one indexed statement.
    Mailer::new(&config.smtp_url, &config.mail_from, Duration::from_secs(10))
        .map(Some)
        .map_err(|problem| match problem {
            MailSetupProblem::SmtpUrl(_) => {
                Failure::config_value("smtp_url", &config::redact_url(&config.smtp_url))
            }
            MailSetupProblem::From(_) => Failure::config_value("mail_from", &config.mail_from),
        })
}

async fn serve(config: Config, demo: bool) -> Result<(), Failure> {
    let tr = Tr::new(config.default_language);
    let key = master_key(&config, demo, &tr)?;
    // Bind first, so a port in use is reported before anything is written.
    let bind = config.bind.0;
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|e| Failure::bind(&e, &bind.to_string()))?;
    let local = listener
        .local_addr()
        .map_err(|e| Failure::bind(&e, &bind.to_string()))?;
    let metrics_listener = match config.metrics_bind.0 {
        Some(address) => {
            let listener = tokio::net::TcpListener::bind(address)
                .await
                .map_err(|e| Failure::bind(&e, &address.to_string()))?;
            let local = listener
                .local_addr()
                .map_err(|e| Failure::bind(&e, &address.to_string()))?;
            Some((listener, local))
        }
        None => None,
    };
    let app = open(&config, Some(key)).await?;
    publish_shipped(&app, &config).await?;
    if demo {
        load_demo(&app, &config, &tr).await?;
        println!("{}", tr.t("cli-demo-mode"));
    } else if app
        .demo_accounts_exist()
        .await
        .map_err(|e| app_failure(&e, &config))?
    {
        // Publicly known passwords must never guard real data.
        return Err(Failure::demo_accounts_present());
    }
    let mail = mailer(&config)?;
    let settings = Settings {
        default_language: config.default_language,
        coalition_name_fr: config.coalition_name_fr.clone(),
        coalition_name_en: config.coalition_name_en.clone(),
        help_line: HelpLine {
            phone: config.help_line_phone.trim().to_owned(),
            hours_fr: config.help_line_hours_fr.trim().to_owned(),
            hours_en: config.help_line_hours_en.trim().to_owned(),
        },
        quick_exit_url: config.quick_exit_url.0.clone(),
        public_url: config.public_url.clone(),
        search_refresh: Duration::from_millis(config.search_refresh_ms.max(100)),
        // Longer would replay "open now" and stale capacity flags past the minute.
        search_cache: Duration::from_millis(config.search_cache_ms.min(10_000)),
        session_absolute: session_absolute(&config),
        trusted_proxies: config.trusted_proxies.0.clone(),
        mail,
        demo,
    };
    let state = AppState::new(app.clone(), settings);
    // The browser-test harness reads this line to find the port when bound to port 0.
    println!(
        "{}",
        tr.with("cli-listening", "url", &format!("http://{local}"))
    );
    tracing::info!(address = %local, backend = app.backend().name(), demo, "listening");
    let metrics = metrics_listener.map(|(listener, local)| {
        println!(
            "{}",
            tr.with(
                "cli-metrics-listening",
                "url",
                &format!("http://{local}/metrics")
            )
        );
        tokio::spawn(mosaique_web::serve_metrics(listener, state.clone()))
    });
    let served = mosaique_web::serve(listener, state, shutdown_signal()).await;
    if let Some(metrics) = metrics {
        metrics.abort();
    }
    served.map_err(|e| Failure::internal(&e.to_string()))?;
    app.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
