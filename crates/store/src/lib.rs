//! The only crate that speaks SQL.
//!
//! One portable dialect serves SQLite (the embedded default) and PostgreSQL through sqlx's
//! `Any` driver: `$N` placeholders, TEXT UUIDv7 ids, BIGINT epoch-ms times. Every query here
//! is tested on both backends (see [`testing`]).

pub mod agreements;
pub mod audit;
pub mod auth;
pub mod awareness;
pub mod bulletins;
mod case_history;
pub mod cases;
mod changes;
pub mod coalition_actions;
pub mod coalitions;
pub mod contact;
mod db;
pub mod demo;
pub mod demo_accounts;
pub mod demo_services;
mod desk;
pub mod disclosures;
pub mod documents;
mod duplicates;
mod error;
pub mod funding;
pub mod glossary;
pub mod groups;
mod imports;
pub mod inbox;
mod intakes;
pub mod keys;
pub mod library;
pub mod organizations;
mod permits;
pub mod referrals;
pub mod screenings;
pub mod services;
pub mod sessions;
pub mod situations;
mod sql;
pub mod steps;
pub mod terms;
pub mod to_classify;
pub mod tokens;
pub mod trainings;
mod tx;
pub mod users;

#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use audit::{AuditEvent, AuditFilter, AuditRow, AuditVerdict, Outcome};
pub use changes::DirectoryChanges;
pub use db::{Backend, Db, DbOptions, MigrationState, PoolStats};
pub use error::{ConnectProblem, StoreError};
pub use organizations::{OrgFilter, OrgPage, OrgSort, UpsertOutcome};
pub use sql::{Sql, Value};
pub use tx::Tx;

/// Milliseconds since the Unix epoch, the one time representation both backends share.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
