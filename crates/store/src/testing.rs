//! Test fixture: a fresh, migrated database on SQLite (a temporary file) or PostgreSQL (a
//! new database per test, so tests run in parallel without seeing each other's rows).
//!
//! PostgreSQL comes from `MOSAIQUE_TEST_PG_URL` (an admin URL allowed to create databases),
//! defaulting to the local trust-auth server; a test fails loudly if it is unreachable rather
//! than passing without having run.

use mosaique_crypto::MasterKey;
use sqlx::{Connection, Executor};

use crate::services::DirectoryRecord;
use crate::{Db, DbOptions};

/// The deterministic synthetic directory as records to load, with fresh ids.
pub fn synthetic_records(seed: u64, organizations: usize, services: usize) -> Vec<DirectoryRecord> {
    mosaique_domain::synthetic::directory(seed, organizations, services)
        .into_iter()
        .map(|o| DirectoryRecord {
            organization: o.organization,
            locations: o.locations,
            services: o.services,
            ids: None,
        })
        .collect()
}

pub const PG_URL_ENV: &str = "MOSAIQUE_TEST_PG_URL";
const PG_DEFAULT: &str = "postgres://postgres@127.0.0.1:5432/postgres";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestBackend {
    Sqlite,
    Postgres,
}

#[derive(Debug)]
pub struct TestDb {
    pub db: Db,
    /// The URL of this test's own database, for spawning a server or the binary on it.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_database: Option<String>,
}

impl TestDb {
    /// A migrated, empty database.
    pub async fn new(backend: TestBackend) -> TestDb {
        let mut test_db = Self::unmigrated(backend).await;
        test_db.db.migrate().await.expect("migrations apply");
        let keys = crate::keys::MasterKeys::single(MasterKey::generate());
        test_db.db = test_db.db.clone().unlock(keys).await.expect("keys unlock");
        test_db
    }

    /// An empty database without the schema, for testing migrations themselves.
    pub async fn unmigrated(backend: TestBackend) -> TestDb {
        match backend {
            TestBackend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                let db = Db::connect(&url, &DbOptions::default())
                    .await
                    .expect("sqlite opens");
                TestDb {
                    db,
                    url,
                    _dir: Some(dir),
                    pg_database: None,
                }
            }
            TestBackend::Postgres => {
                let name = format!("mosaique_t_{}", uuid::Uuid::now_v7().simple());
                admin(&format!("CREATE DATABASE {name}")).await;
                let url = pg_database_url(&name);
                let db = Db::connect(
                    &url,
                    &DbOptions {
                        max_connections: 4,
                        ..DbOptions::default()
                    },
                )
                .await
                .expect("test database opens");
                TestDb {
                    db,
                    url,
                    _dir: None,
                    pg_database: Some(name),
                }
            }
        }
    }

    /// Drops the PostgreSQL database (SQLite's file goes with its temporary directory).
    pub async fn cleanup(self) {
        self.db.close().await;
        if let Some(name) = &self.pg_database {
            admin(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        }
    }
}

pub fn pg_admin_url() -> String {
    std::env::var(PG_URL_ENV).unwrap_or_else(|_| PG_DEFAULT.to_owned())
}

/// The admin URL with its database name replaced.
pub fn pg_database_url(database: &str) -> String {
    let admin = pg_admin_url();
    let (base, query) = match admin.split_once('?') {
        Some((b, q)) => (b.to_owned(), format!("?{q}")),
        None => (admin.clone(), String::new()),
    };
    let authority_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let root = match base[authority_end..].find('/') {
        Some(slash) => &base[..authority_end + slash],
        None => &base,
    };
    format!("{root}/{database}{query}")
}

async fn admin(statement: &str) {
    sqlx::any::install_default_drivers();
    let url = pg_admin_url();
    let mut conn = sqlx::AnyConnection::connect(&url)
        .await
        .unwrap_or_else(|e| {
            panic!("PostgreSQL for tests is unreachable at {url} ({PG_URL_ENV}): {e}")
        });
    conn.execute(sqlx::AssertSqlSafe(statement.to_owned()))
        .await
        .expect("admin statement");
    let _ = conn.close().await;
}

/// Runs one async test body against SQLite and against PostgreSQL, as two tests named
/// `<name>::sqlite` and `<name>::postgres` (the CI lanes filter on those names).
#[macro_export]
macro_rules! db_test {
    ($name:ident, |$db:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body($db: $crate::Db) $body

            #[tokio::test]
            async fn sqlite() {
                let fixture = $crate::testing::TestDb::new($crate::testing::TestBackend::Sqlite).await;
                body(fixture.db.clone()).await;
                fixture.cleanup().await;
            }

            #[tokio::test]
            async fn postgres() {
                let fixture = $crate::testing::TestDb::new($crate::testing::TestBackend::Postgres).await;
                body(fixture.db.clone()).await;
                fixture.cleanup().await;
            }
        }
    };
}

/// Makes every session's last second-factor check an hour older, to test step-up.
pub async fn age_step_up(db: &Db) {
    sqlx::query("UPDATE sessions SET mfa_verified_at = mfa_verified_at - 3600000 WHERE mfa_verified_at IS NOT NULL")
        .execute(db.pool())
        .await
        .expect("age sessions");
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_url_replaces_only_the_path() {
        // Depends on the environment only through the admin URL's shape.
        let url = super::pg_database_url("x");
        assert!(url.ends_with("/x") || url.contains("/x?"), "{url}");
        assert!(url.starts_with("postgres"), "{url}");
    }
}
