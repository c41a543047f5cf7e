//! Mosaïque's use cases: one function per thing a person does (screen, create an account,
//! edit a service, read the audit trail…). Each takes who asks and what they give, loads
//! the facts the decision needs, asks `domain::policy` for a permit, does its work in one
//! store transaction, and leaves the decision on the audit trail when it concerns personal
//! data — allowed or refused. Pages, the JSON API and the command line all call these
//! functions; none of them decides access or opens a transaction itself.

pub mod agreements;
pub mod awareness;
pub mod bulletins;
pub mod cases;
pub mod coalitions;
pub mod contact;
pub mod desk;
pub mod directory;
pub mod documents;
mod error;
pub mod funding;
mod gate;
pub mod glossary;
pub mod groups;
pub mod identity;
pub mod inbox;
pub mod intakes;
pub mod keyfile;
pub mod library;
pub mod matching;
pub mod oversight;
pub mod privacy;
pub mod referrals;
pub mod screening;
mod search;
pub mod steps;
pub mod terms;
pub mod trainings;

use std::sync::Arc;

use mosaique_store::Db;

pub use error::{
    AccountProblem, AppError, AppResult, CapacityProblem, Conflict, Invalid, NewPasswordProblem,
    PasswordProblem,
};
pub use mosaique_store::sessions::SessionLimits;
pub use mosaique_store::{
    Backend, ConnectProblem, DbOptions, MigrationState, PoolStats, StoreError,
};
pub use search::{SearchCounters, SearchSnapshots};

/// What the use cases need from the configuration.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// The public origin (scheme://host[:port]) one-time links are written with.
    pub public_url: String,
    pub session: SessionLimits,
}

/// The application: the database, and this server's search snapshots of the directory.
/// Cheap to clone; nothing in it is needed by another app server.
#[derive(Debug, Clone)]
pub struct App {
    db: Db,
    config: Arc<AppConfig>,
    search: Arc<SearchSnapshots>,
    /// How services answered past referrals, for matching (kept a minute).
    records: Arc<matching::AnswerRecords>,
}

impl App {
    /// The application over an open database (the command line, tests).
    pub fn new(db: Db, config: AppConfig) -> App {
        App {
            db,
            config: Arc::new(config),
            search: Arc::new(SearchSnapshots::default()),
            records: Arc::default(),
        }
    }

    /// Opens the database at `url`, without its keys: enough to migrate, check readiness
    /// and publish the public directory.
    pub async fn connect(
        url: &str,
        options: &DbOptions,
        config: AppConfig,
    ) -> Result<App, StoreError> {
        Ok(App::new(Db::connect(url, options).await?, config))
    }

    /// The same application with its master keys loaded: personal data can be sealed and
    /// opened, and the audit trail signed.
    pub async fn unlock(self, keys: keyfile::MasterKeys) -> Result<App, StoreError> {
        let db = self.db.clone().unlock(keys).await?;
        Ok(App { db, ..self })
    }

    pub fn config(&self) -> &AppConfig {
        &self.config
    }

    /// Applies the migrations this binary carries; returns how many ran.
    pub async fn migrate(&self) -> Result<usize, StoreError> {
        self.db.migrate().await
    }

    pub async fn migration_state(&self) -> Result<MigrationState, StoreError> {
        self.db.migration_state().await
    }

    /// Proves the database accepts writes, without writing (a read-only file is reported at
    /// start-up, not on the first form).
    pub async fn check_writable(&self) -> Result<(), StoreError> {
        self.db.check_writable().await
    }

    pub fn backend(&self) -> Backend {
        self.db.backend()
    }

    pub fn pool_stats(&self) -> PoolStats {
        self.db.stats()
    }

    pub async fn close(&self) {
        self.db.close().await;
    }

    /// This server's search snapshots, kept fresh by [`App::refresh_search`].
    pub fn search(&self) -> &SearchSnapshots {
        &self.search
    }

    /// Milliseconds since the Unix epoch, the time every record is stamped with.
    pub fn now_ms() -> i64 {
        mosaique_store::now_ms()
    }
}
