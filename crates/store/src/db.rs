//! Opening the database, running the embedded migrations and reporting on the pool.

use std::time::Duration;

use sqlx::AnyPool;
use sqlx::pool::PoolOptions;
use sqlx::{Connection, Executor, Row};

use std::sync::Arc;

use mosaique_crypto::AuditSigner;

use crate::error::{ConnectProblem, StoreError};
use crate::keys::Keys;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The database engine behind a URL. The SQL is the same; a few operational details differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Backend, StoreError> {
        let scheme = url.split_once(':').map(|(s, _)| s).unwrap_or("");
        match scheme {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            _ => Err(StoreError::Connect {
                problem: ConnectProblem::InvalidUrl,
                detail: format!("unsupported scheme {scheme:?}"),
            }),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Debug, Clone)]
pub struct DbOptions {
    pub max_connections: u32,
    /// How long SQLite waits for another writer before giving up.
    pub busy_timeout: Duration,
    /// How long a request waits for a pooled connection (and the first connection is tried).
    pub acquire_timeout: Duration,
}

impl Default for DbOptions {
    fn default() -> Self {
        Self {
            max_connections: 10,
            busy_timeout: Duration::from_secs(5),
            acquire_timeout: Duration::from_secs(10),
        }
    }
}

/// Whether the schema matches the migrations compiled into this binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MigrationState {
    Current,
    Pending(usize),
    /// The database holds migrations this binary does not know: it was written by a newer
    /// version, and this one must not touch it.
    NewerSchema,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    pub size: u32,
    pub idle: u32,
    pub max: u32,
}

/// A handle on the database, cheap to clone.
#[derive(Debug, Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    max_connections: u32,
    pub(crate) keys: Option<Arc<Keys>>,
}

impl Db {
    /// Opens a pool and checks that one connection works, so a bad URL, a missing server or
    /// a locked file is reported at start-up rather than on the first request.
    pub async fn connect(url: &str, options: &DbOptions) -> Result<Db, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        let url = match backend {
            Backend::Sqlite => sqlite_url_with_defaults(url),
            Backend::Postgres => url.to_owned(),
        };
        let busy_ms = options.busy_timeout.as_millis();
        // One direct connection first: a pool retries failed connects until its timeout and
        // then reports only "timed out", hiding the real cause (locked file, bad password…).
        let mut probe = sqlx::AnyConnection::connect(&url)
            .await
            .map_err(StoreError::connect)?;
        if backend == Backend::Sqlite {
            prepare_sqlite(&mut probe, busy_ms)
                .await
                .map_err(StoreError::connect)?;
        }
        let _ = probe.close().await;
        // Each connection to an in-memory SQLite database is a different, empty database.
        let in_memory =
            backend == Backend::Sqlite && (url.contains(":memory:") || url.contains("mode=memory"));
        let max_connections = if in_memory {
            1
        } else {
            options.max_connections
        };
        let mut pool_options = PoolOptions::<sqlx::Any>::new()
            .max_connections(max_connections)
            .acquire_timeout(options.acquire_timeout);
        if backend == Backend::Sqlite {
            // An embedded database has no link to test: a ping before each use is one more
            // round trip to the connection's thread for nothing (a case read takes several
            // connections). PostgreSQL keeps it, to drop connections a restart broke.
            pool_options = pool_options.test_before_acquire(false);
            pool_options = pool_options.after_connect(move |conn, _meta| {
                Box::pin(async move { prepare_sqlite(conn, busy_ms).await })
            });
        }
        let pool = pool_options
            .connect(&url)
            .await
            .map_err(StoreError::connect)?;
        Ok(Db {
            pool,
            backend,
            max_connections,
            keys: None,
        })
    }

    pub(crate) fn keys(&self) -> Result<&Keys, StoreError> {
        self.keys.as_deref().ok_or(StoreError::NoKey)
    }

    pub(crate) fn audit_signer(&self) -> Option<&AuditSigner> {
        self.keys.as_deref().map(Keys::audit_signer)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so concurrent writers wait their turn (busy timeout) instead of
    /// failing when a read snapshot turns out stale.
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Applies the embedded migrations that are not yet applied; returns how many ran.
    pub async fn migrate(&self) -> Result<usize, StoreError> {
        let before = match self.migration_state().await? {
            MigrationState::Current => return Ok(0),
            MigrationState::NewerSchema => {
                return Err(StoreError::Connect {
                    problem: ConnectProblem::NewerSchema,
                    detail: "the database has migrations this binary does not know".into(),
                });
            }
            MigrationState::Pending(n) => n,
        };
        MIGRATOR
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::connect(e.into()))?;
        Ok(before)
    }

    pub async fn migration_state(&self) -> Result<MigrationState, StoreError> {
        let known: Vec<i64> = MIGRATOR
            .iter()
            .filter(|m| m.migration_type.is_up_migration())
            .map(|m| m.version)
            .collect();
        let applied = match sqlx::query("SELECT version FROM _sqlx_migrations WHERE success = $1")
            .bind(true)
            .fetch_all(&self.pool)
            .await
        {
            Ok(rows) => rows
                .iter()
                .map(|r| r.try_get::<i64, _>(0))
                .collect::<Result<Vec<i64>, _>>()?,
            // No migrations table yet: a brand-new database.
            Err(sqlx::Error::Database(e)) if is_missing_table(e.code().as_deref(), e.message()) => {
                Vec::new()
            }
            Err(e) => return Err(StoreError::connect(e)),
        };
        if applied.iter().any(|v| !known.contains(v)) {
            return Ok(MigrationState::NewerSchema);
        }
        let pending = known.iter().filter(|v| !applied.contains(v)).count();
        Ok(if pending == 0 {
            MigrationState::Current
        } else {
            MigrationState::Pending(pending)
        })
    }

    /// Proves the database accepts writes without changing anything, so a read-only or
    /// locked SQLite file is reported at start-up instead of losing the first form submitted.
    pub async fn check_writable(&self) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(StoreError::connect)?;
        sqlx::query("UPDATE change_counters SET version = version WHERE name = $1")
            .bind("write-probe")
            .execute(&mut *tx)
            .await
            .map_err(StoreError::connect)?;
        tx.rollback().await.map_err(StoreError::connect)?;
        Ok(())
    }

    /// One round trip, for readiness probes.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(StoreError::connect)?;
        Ok(())
    }

    pub fn stats(&self) -> PoolStats {
        PoolStats {
            size: self.pool.size(),
            idle: u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX),
            max: self.max_connections,
        }
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// busy_timeout first, so the switch to WAL waits for other writers; synchronous=FULL so a
/// committed referral survives a power cut; secure_delete so a destroyed case's pages are
/// overwritten with zeros rather than left in the file's free space.
async fn prepare_sqlite(conn: &mut sqlx::AnyConnection, busy_ms: u128) -> Result<(), sqlx::Error> {
    let pragmas = format!(
        "PRAGMA busy_timeout = {busy_ms}; PRAGMA journal_mode = WAL; \
         PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;"
    );
    conn.execute(sqlx::AssertSqlSafe(pragmas)).await?;
    Ok(())
}

/// `sqlite://mosaique.db` must create the file on first use; an explicit `mode=` wins.
fn sqlite_url_with_defaults(url: &str) -> String {
    if url.contains("mode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

fn is_missing_table(code: Option<&str>, message: &str) -> bool {
    // PostgreSQL: undefined_table; SQLite reports SQLITE_ERROR with this message.
    code == Some("42P01") || message.contains("no such table")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_create_the_file_unless_told_otherwise() {
        assert_eq!(
            sqlite_url_with_defaults("sqlite://m.db"),
            "sqlite://m.db?mode=rwc"
        );
        assert_eq!(
            sqlite_url_with_defaults("sqlite://m.db?cache=shared"),
            "sqlite://m.db?cache=shared&mode=rwc"
        );
        assert_eq!(
            sqlite_url_with_defaults("sqlite://m.db?mode=ro"),
            "sqlite://m.db?mode=ro"
        );
    }

    #[test]
    fn backend_follows_the_scheme() {
        assert_eq!(
            Backend::from_url("sqlite://x.db").ok(),
            Some(Backend::Sqlite)
        );
        assert_eq!(
            Backend::from_url("postgresql://h/db").ok(),
            Some(Backend::Postgres)
        );
        assert!(matches!(
            Backend::from_url("mysql://h/db"),
            Err(StoreError::Connect {
                problem: ConnectProblem::InvalidUrl,
                ..
            })
        ));
    }
}
