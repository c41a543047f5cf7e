//! `mosaique`: the one binary. Serves the web application and runs the admin commands.

mod config;
mod failure;
mod help;
mod hsds;
mod key;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use mosaique_crypto::{random_token, token_hash};
use mosaique_domain::identity::normalize_email;
use mosaique_domain::screening::shipped::shipped;
use mosaique_domain::screening::{Instrument, Syntax};
use mosaique_domain::{Language, Role};
use mosaique_store::audit::AuditVerdict;
use mosaique_store::keys::MasterKeys;
use mosaique_store::screenings::{InstrumentStatus, Published};
use mosaique_store::users::{LinkPurpose, NewUser};
use mosaique_store::{Db, DbOptions, StoreError, demo, demo_accounts};
use mosaique_web::i18n::{Arg, Tr};
use mosaique_web::{AppState, Settings};

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
    /// Import a JSON or CSV package all or nothing, after checking every row.
    Import {
        path: PathBuf,
        /// Only check and report; write nothing.
        #[arg(long)]
        check: bool,
        /// Language of the package's text fields: fr or en.
        #[arg(long, default_value = "fr")]
        lang: String,
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

/// How long an enrolment link stays valid.
const ENROLMENT_VALID_MS: i64 = 7 * 24 * 3600 * 1000;

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
            let db = open(&config, None).await?;
            let applied = migrate(&db, &config).await?;
            println!(
                "{}",
                tr.t_args("cli-migrated", &[("count", Arg::Int(applied as i64))])
            );
            db.close().await;
            Ok(())
        }
        Command::Demo => {
            let key = master_key(&config, true, &tr)?;
            let db = open(&config, Some(key)).await?;
            migrate(&db, &config).await?;
            load_demo(&db, &config, &tr).await?;
            db.close().await;
            Ok(())
        }
        Command::User { action } => {
            let key = master_key(&config, false, &tr)?;
            let db = open(&config, Some(key)).await?;
            migrate(&db, &config).await?;
            let result = user_command(&db, &config, &tr, action).await;
            db.close().await;
            result
        }
        Command::Keys {
            action: KeysCommand::Rotate,
        } => rotate_keys(&config, &tr).await,
        Command::Token { action } => {
            let key = master_key(&config, false, &tr)?;
            let db = open(&config, Some(key)).await?;
            migrate(&db, &config).await?;
            let result = token_command(&db, &config, &tr, action).await;
            db.close().await;
            result
        }
        Command::Instrument {
            action: InstrumentCommand::Check { file },
        } => check_instrument_file(&file, &tr).map(|_| ()),
        Command::Instrument { action } => {
            let key = master_key(&config, false, &tr)?;
            let db = open(&config, Some(key)).await?;
            publish_shipped(&db, &config).await?;
            let result = instrument_command(&db, &config, &tr, action).await;
            db.close().await;
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
                    check: true,
                    lang,
                } => hsds::import(None, &tr, &path, language(&lang)?, true).await,
                HsdsCommand::Import { path, lang, .. } => {
                    let lang = language(&lang)?;
                    let key = master_key(&config, false, &tr)?;
                    let db = open(&config, Some(key)).await?;
                    let result = hsds::import(Some(&db), &tr, &path, lang, false).await;
                    db.close().await;
                    result
                }
                HsdsCommand::Export {
                    dir,
                    lang,
                    include_redacted,
                } => {
                    let lang = language(&lang)?;
                    // Public data only: no key needed.
                    let db = open(&config, None).await?;
                    migrate(&db, &config).await?;
                    let result = hsds::export(&db, &tr, &dir, lang, include_redacted).await;
                    db.close().await;
                    result
                }
            }
        }
        Command::Audit {
            action: AuditCommand::Verify,
        } => {
            let key = master_key(&config, false, &tr)?;
            let db = open(&config, Some(key)).await?;
            let verdict = db
                .verify_audit()
                .await
                .map_err(|e| store_failure(&e, &config));
            db.close().await;
            match verdict? {
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
    let (key, status) = key::load(&config.key_file, create)?;
    if status == key::KeyStatus::Created {
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

async fn user_command(
    db: &Db,
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
            let email = normalize_email(&email).ok_or_else(|| {
                Failure::user_input("cli-user-bad-email", vec![("email", email.clone())])
            })?;
            let role: Role = role.parse().map_err(|_| {
                Failure::user_input("cli-user-bad-role", vec![("role", role.clone())])
            })?;
            let org_id = match org {
                Some(slug) => Some(
                    db.organization_by_slug(&slug)
                        .await
                        .map_err(|e| store_failure(&e, config))?
                        .ok_or_else(|| {
                            Failure::user_input("cli-user-unknown-org", vec![("org", slug.clone())])
                        })?
                        .id,
                ),
                None => None,
            };
            if role.needs_organization() && org_id.is_none() {
                return Err(Failure::user_input(
                    "cli-user-needs-org",
                    vec![("role", role.key().to_owned())],
                ));
            }
            let display_name =
                name.unwrap_or_else(|| email.split('@').next().unwrap_or("").to_owned());
            let new = NewUser {
                email: email.clone(),
                display_name,
                role,
                org_id,
                is_demo: false,
            };
            let user = db.create_user(&new, None).await.map_err(|e| match e {
                StoreError::Conflict(_) => {
                    Failure::user_input("cli-user-exists", vec![("email", email.clone())])
                }
                e => store_failure(&e, config),
            })?;
            let token = random_token();
            db.create_account_link(
                user.id,
                &token_hash(&token),
                LinkPurpose::Enrolment,
                ENROLMENT_VALID_MS,
                None,
            )
            .await
            .map_err(|e| store_failure(&e, config))?;
            let link = format!("{}/enrol/{token}", config.public_url.trim_end_matches('/'));
            println!(
                "{}",
                tr.t_args(
                    "cli-user-created",
                    &[("email", Arg::Text(email)), ("link", Arg::Text(link))]
                )
            );
            Ok(())
        }
        UserCommand::Disable { email } => {
            let normalized = normalize_email(&email).unwrap_or_default();
            let user = db
                .user_by_email(&normalized)
                .await
                .map_err(|e| store_failure(&e, config))?
                .ok_or_else(|| {
                    Failure::user_input("cli-user-unknown", vec![("email", email.clone())])
                })?;
            db.disable_user(user.id, None)
                .await
                .map_err(|e| store_failure(&e, config))?;
            println!("{}", tr.with("cli-user-disabled", "email", &user.email));
            Ok(())
        }
    }
}

/// Re-sealed per batch: small enough that an interruption loses little.
const ROTATION_BATCH: i64 = 100;

async fn rotate_keys(config: &Config, tr: &Tr) -> Result<(), Failure> {
    let db = open(config, Some(master_key(config, false, tr)?)).await?;
    let status = db
        .rotation_status()
        .await
        .map_err(|e| store_failure(&e, config))?;
    db.close().await;
    if status.complete() {
        let version = key::add_version(&config.key_file)?;
        println!(
            "{}",
            tr.t_args(
                "cli-keys-new-version",
                &[("version", Arg::Int(i64::from(version)))]
            )
        );
    } else {
        println!("{}", tr.t("cli-keys-resuming"));
    }
    // The key file now holds the new master version: wrap everything under it.
    let db = open(config, Some(master_key(config, false, tr)?)).await?;
    let moved = db
        .rewrap_data_keys()
        .await
        .map_err(|e| store_failure(&e, config))?;
    db.create_owed_secrets_key()
        .await
        .map_err(|e| store_failure(&e, config))?;
    db.close().await;
    // Reopen to load the new secrets key, then re-seal in batches.
    let db = open(config, Some(master_key(config, false, tr)?)).await?;
    let total = db
        .rotation_status()
        .await
        .map_err(|e| store_failure(&e, config))?
        .stale_sealed;
    let mut done = 0;
    loop {
        let batch = db
            .reseal_secrets_batch(ROTATION_BATCH)
            .await
            .map_err(|e| store_failure(&e, config))?;
        if batch == 0 {
            break;
        }
        done += batch;
        progress(done, total);
    }
    let retired = db
        .retire_unused_secrets_keys()
        .await
        .map_err(|e| store_failure(&e, config))?;
    let in_use = db
        .master_versions_in_use()
        .await
        .map_err(|e| store_failure(&e, config))?;
    let dropped = key::keep_only(&config.key_file, &in_use)?;
    let event =
        mosaique_store::AuditEvent::new("keys.rotate", "keys", mosaique_store::Outcome::Success);
    db.audit(&event)
        .await
        .map_err(|e| store_failure(&e, config))?;
    db.close().await;
    let args = [
        ("wrapped", Arg::Int(moved)),
        ("sealed", Arg::Int(done)),
        ("retired", Arg::Int(retired.len() as i64)),
        ("dropped", Arg::Int(dropped.len() as i64)),
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
    db: &Db,
    config: &Config,
    tr: &Tr,
    action: TokenCommand,
) -> Result<(), Failure> {
    let (email, user) = match &action {
        TokenCommand::Create { email, .. } | TokenCommand::Revoke { email, .. } => {
            let normalized = normalize_email(email).unwrap_or_default();
            let user = db
                .user_by_email(&normalized)
                .await
                .map_err(|e| store_failure(&e, config))?;
            (email.clone(), user.filter(|user| !user.disabled))
        }
    };
    let user =
        user.ok_or_else(|| Failure::user_input("cli-user-unknown", vec![("email", email)]))?;
    match action {
        TokenCommand::Create { name, days, .. } => {
            if name.trim().is_empty() {
                return Err(Failure::user_input("cli-token-needs-name", Vec::new()));
            }
            let token = random_token();
            let valid = days.map(|d| i64::from(d) * 24 * 3600 * 1000);
            let id = db
                .create_api_token(&user, &name, &token_hash(&token), valid)
                .await
                .map_err(|e| store_failure(&e, config))?;
            let args = [
                ("id", Arg::Text(id.to_string())),
                ("email", Arg::Text(user.email.clone())),
            ];
            println!("{}", tr.t_args("cli-token-created", &args));
            println!("{token}");
            Ok(())
        }
        TokenCommand::Revoke { id, .. } => {
            let unknown = || Failure::user_input("cli-token-unknown", vec![("id", id.clone())]);
            let token_id = id.parse().map_err(|_| unknown())?;
            if db
                .revoke_api_token(&user, token_id)
                .await
                .map_err(|e| store_failure(&e, config))?
            {
                println!("{}", tr.with("cli-token-revoked", "id", &id));
                Ok(())
            } else {
                Err(unknown())
            }
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
                let args: Vec<(&'static str, Arg)> = problem
                    .args()
                    .into_iter()
                    .map(|(k, v)| (k, Arg::Text(v)))
                    .collect();
                eprintln!(
                    "{}: {}",
                    file.display(),
                    tr.t_args(problem.message_id(), &args)
                );
            }
            Err(Failure::instrument_invalid(file, problems.len()))
        }
    }
}

async fn instrument_command(
    db: &Db,
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
            match db
                .publish_instrument(&instrument, status, false, None)
                .await
            {
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
                Err(StoreError::Conflict(_)) => Err(Failure::instrument_changed(
                    instrument.key(),
                    instrument.version(),
                )),
                Err(e) => Err(store_failure(&e, config)),
            }
        }
        InstrumentCommand::List => {
            let all = db
                .instruments()
                .await
                .map_err(|e| store_failure(&e, config))?;
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
        } => {
            match db
                .set_instrument_status(
                    &instrument,
                    instrument_version,
                    InstrumentStatus::Retired,
                    None,
                )
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
                Err(StoreError::Invalid(_)) => Err(Failure::user_input(
                    "cli-instrument-not-found",
                    vec![
                        ("key", instrument),
                        ("version", instrument_version.to_string()),
                    ],
                )),
                Err(e) => Err(store_failure(&e, config)),
            }
        }
    }
}

/// Publishes the instrument versions shipped in the binary (idempotent).
async fn publish_shipped(db: &Db, config: &Config) -> Result<(), Failure> {
    let instruments = shipped()
        .map_err(|(name, problems)| Failure::internal(&format!("{name}: {problems:?}")))?;
    match db.publish_shipped_instruments(&instruments).await {
        Ok(_) => Ok(()),
        Err(StoreError::Conflict(_)) => {
            // A stored shipped version differs from this binary's: refuse rather than let
            // two servers score the same version differently.
            let first = &instruments[0];
            Err(Failure::instrument_changed(first.key(), first.version()))
        }
        Err(e) => Err(store_failure(&e, config)),
    }
}

async fn open(config: &Config, key: Option<MasterKeys>) -> Result<Db, Failure> {
    let options = DbOptions {
        max_connections: config.db_max_connections.max(1),
        busy_timeout: Duration::from_millis(config.sqlite_busy_timeout_ms),
        ..DbOptions::default()
    };
    let db = Db::connect(&config.database_url, &options)
        .await
        .map_err(|e| Failure::database(&e, &config::redact_url(&config.database_url)))?;
    match key {
        // Data keys live in the database: unlocking needs the schema.
        Some(keys) => {
            migrate(&db, config).await?;
            db.unlock(keys).await.map_err(|e| match e {
                StoreError::MissingMasterKey(_) | StoreError::Crypto(_) => {
                    Failure::key_mismatch(&config.key_file)
                }
                e => store_failure(&e, config),
            })
        }
        None => Ok(db),
    }
}

async fn migrate(db: &Db, config: &Config) -> Result<usize, Failure> {
    let url = config::redact_url(&config.database_url);
    let applied = db
        .migrate()
        .await
        .map_err(|e| Failure::database(&e, &url))?;
    db.check_writable()
        .await
        .map_err(|e| Failure::database(&e, &url))?;
    Ok(applied)
}

async fn load_demo(db: &Db, config: &Config, tr: &Tr) -> Result<(), Failure> {
    let report = demo::load(db)
        .await
        .map_err(|e| store_failure(&e, config))?;
    let accounts = demo_accounts::load(db)
        .await
        .map_err(|e| store_failure(&e, config))?;
    let services = mosaique_store::demo_services::load(db)
        .await
        .map_err(|e| store_failure(&e, config))?;
    if report.created + report.updated + accounts > 0 {
        let event = mosaique_store::AuditEvent::new(
            "demo.load",
            "directory",
            mosaique_store::Outcome::Success,
        );
        db.audit(&event)
            .await
            .map_err(|e| store_failure(&e, config))?;
    }
    println!(
        "{}",
        tr.t_args(
            "cli-demo-loaded",
            &[
                ("created", Arg::Int(report.created as i64)),
                ("updated", Arg::Int(report.updated as i64)),
                ("unchanged", Arg::Int(report.unchanged as i64)),
            ]
        )
    );
    println!(
        "{}",
        tr.t_args("cli-demo-services", &[("count", Arg::Int(services as i64))])
    );
    if accounts > 0 {
        println!(
            "{}",
            tr.t_args("cli-demo-accounts", &[("count", Arg::Int(accounts as i64))])
        );
    }
    Ok(())
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
    let db = open(&config, Some(key)).await?;
    migrate(&db, &config).await?;
    publish_shipped(&db, &config).await?;
    if demo {
        load_demo(&db, &config, &tr).await?;
        println!("{}", tr.t("cli-demo-mode"));
    } else if db
        .demo_accounts_exist()
        .await
        .map_err(|e| store_failure(&e, &config))?
    {
        // Publicly known passwords must never guard real data.
        return Err(Failure::demo_accounts_present());
    }
    let settings = Settings {
        default_language: config.default_language,
        coalition_name_fr: config.coalition_name_fr.clone(),
        coalition_name_en: config.coalition_name_en.clone(),
        public_url: config.public_url.clone(),
        search_refresh: Duration::from_millis(config.search_refresh_ms.max(100)),
        // Longer would replay "open now" and stale capacity flags past the minute.
        search_cache: Duration::from_millis(config.search_cache_ms.min(10_000)),
        session_idle: Duration::from_secs(config.session_idle_minutes.max(1) * 60),
        trusted_proxies: config.trusted_proxies.0.clone(),
        session_absolute: Duration::from_secs(config.session_absolute_hours.max(1) * 3600),
        demo,
    };
    let state = AppState::new(db.clone(), settings);
    // The browser-test harness reads this line to find the port when bound to port 0.
    println!(
        "{}",
        tr.with("cli-listening", "url", &format!("http://{local}"))
    );
    tracing::info!(address = %local, backend = db.backend().name(), demo, "listening");
    mosaique_web::serve(listener, state, shutdown_signal())
        .await
        .map_err(|e| Failure::internal(&e.to_string()))?;
    db.close().await;
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
