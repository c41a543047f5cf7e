//! Storage errors, classified so the CLI and the web layer can say what is wrong and what to
//! do, in the user's language, without leaking SQL or personal data.

/// Why the database could not be opened or prepared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectProblem {
    /// The URL does not parse or names a scheme we do not support.
    InvalidUrl,
    /// Nothing answers at the address, or the connection was refused or timed out.
    Unreachable,
    /// The server refused our credentials.
    AuthenticationFailed,
    /// The server answers but the named database does not exist.
    DatabaseMissing,
    /// The database (or its directory) cannot be written.
    ReadOnly,
    /// Another process holds a lock on the database file.
    Locked,
    /// The SQLite file cannot be opened (missing directory, not a database, …).
    CannotOpen,
    /// The schema was written by a newer Mosaïque than this one.
    NewerSchema,
    /// Anything else; the detail is logged.
    Other,
}

impl ConnectProblem {
    /// The stable key of the message explaining this problem (Fluent id suffix).
    pub fn key(self) -> &'static str {
        match self {
            ConnectProblem::InvalidUrl => "invalid-url",
            ConnectProblem::Unreachable => "unreachable",
            ConnectProblem::AuthenticationFailed => "authentication-failed",
            ConnectProblem::DatabaseMissing => "database-missing",
            ConnectProblem::ReadOnly => "read-only",
            ConnectProblem::Locked => "locked",
            ConnectProblem::CannotOpen => "cannot-open",
            ConnectProblem::NewerSchema => "newer-schema",
            ConnectProblem::Other => "other",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database unavailable ({}): {detail}", problem.key())]
    Connect {
        problem: ConnectProblem,
        detail: String,
    },
    #[error("a row with this {0} already exists")]
    Conflict(&'static str),
    /// A permit for another action, or one without the user the write names: a bug in the
    /// caller, refused rather than written.
    #[error("the permit given does not cover this {0} operation")]
    WrongPermit(&'static str),
    /// The row changed since it was read (or is gone): a compare-and-set lost.
    #[error("the record changed since it was read")]
    Stale,
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error("invalid input: {0}")]
    Invalid(String),
    #[error("this operation needs the master key, which was not loaded")]
    NoKey,
    #[error("the key file lacks master key version {0}, which wraps stored data keys")]
    MissingMasterKey(u8),
    #[error("a sealed value could not be opened: {0}")]
    Crypto(#[from] mosaique_crypto::CryptoError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl StoreError {
    /// The problems a domain check found, as one message.
    pub(crate) fn invalid<P: std::fmt::Display>(problems: &[P]) -> Self {
        let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
        StoreError::Invalid(list.join("; "))
    }

    /// Classifies an error from opening, migrating or probing the database.
    pub fn connect(error: sqlx::Error) -> StoreError {
        let problem = classify(&error);
        StoreError::Connect {
            problem,
            detail: error.to_string(),
        }
    }

    /// The connection-level problem behind this error, if it is one, so a request failing
    /// mid-flight (database gone, file locked) can be reported as "unavailable" not "bug".
    pub fn connect_problem(&self) -> Option<ConnectProblem> {
        match self {
            StoreError::Connect { problem, .. } => Some(*problem),
            StoreError::Database(e) => match classify(e) {
                ConnectProblem::Other => None,
                p => Some(p),
            },
            _ => None,
        }
    }
}

fn classify(error: &sqlx::Error) -> ConnectProblem {
    match error {
        sqlx::Error::Configuration(_) => ConnectProblem::InvalidUrl,
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Tls(_) => ConnectProblem::Unreachable,
        sqlx::Error::Migrate(m) => match m.as_ref() {
            sqlx::migrate::MigrateError::VersionMissing(_) => ConnectProblem::NewerSchema,
            sqlx::migrate::MigrateError::Execute(inner) => classify(inner),
            _ => ConnectProblem::Other,
        },
        sqlx::Error::Database(db) => {
            let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
            match code.as_str() {
                // PostgreSQL SQLSTATEs.
                "3D000" => ConnectProblem::DatabaseMissing,
                "28P01" | "28000" => ConnectProblem::AuthenticationFailed,
                "25006" => ConnectProblem::ReadOnly,
                "57P03" | "53300" => ConnectProblem::Unreachable,
                // SQLite result codes (extended codes carry the primary code in the low byte).
                sqlite => match sqlite.parse::<i64>().map(|c| c & 0xff) {
                    Ok(5) | Ok(6) => ConnectProblem::Locked,
                    Ok(8) => ConnectProblem::ReadOnly,
                    Ok(14) | Ok(26) => ConnectProblem::CannotOpen,
                    _ => ConnectProblem::Other,
                },
            }
        }
        _ => ConnectProblem::Other,
    }
}
