//! Test fixture: a fresh, migrated database on SQLite (a temporary file) or PostgreSQL (a
//! new database per test, so tests run in parallel without seeing each other's rows).
//!
//! PostgreSQL comes from `MOSAIQUE_TEST_PG_URL` (an admin URL allowed to create databases),
//! defaulting to the local trust-auth server; a test fails loudly if it is unreachable rather
//! than passing without having run.

use mosaique_crypto::MasterKey;
use mosaique_domain::policy::directory::{Directory, DirectoryAction, Listing, ListingAction};
use mosaique_domain::policy::oversight::{AuditAction, AuditTrail};
use mosaique_domain::policy::screening::{InstrumentAction, Instruments};
use mosaique_domain::policy::{Permit, Principal, Resource, can};
use mosaique_domain::service::{CapacityUnit, Location, NewLocation, NewService, Service};
use mosaique_domain::{
    LocationId, NewOrganization, OrgId, Organization, Role, ScreeningId, ServiceId, User, UserId,
};
use sqlx::{Connection, Executor};

use crate::audit::{AuditEntry, AuditVerdict};
use crate::services::DirectoryRecord;
use crate::{Db, DbOptions, Sql};

/// A fresh organization of the directory, in `sector`.
pub async fn test_org(db: &Db, sector: Option<mosaique_domain::Sector>) -> OrgId {
    let new = NewOrganization {
        slug: format!("o-{}", &ScreeningId::new().to_string()[24..]),
        name: mosaique_domain::Bilingual::both("Exemple".to_owned()),
        description: mosaique_domain::Bilingual::default(),
        province: None,
        level: None,
        sector,
        founded_year: None,
        is_coalition: false,
        source: "test".into(),
        details: Default::default(),
    };
    upsert_organization(db, &new).await.0.id
}

/// A case to open in tests: an alias and a name (both distinctive, to look for in the
/// database file), a phone number.
pub fn sample_case(alias: &str, name: &str) -> mosaique_domain::case::NewCase {
    use mosaique_domain::case::{Contact, Exploitation, Identity, PersonDetails, TraffickingScope};
    mosaique_domain::case::NewCase {
        alias: alias.into(),
        exploitation: Exploitation::ForcedLabour,
        scope: TraffickingScope::International,
        details: PersonDetails {
            identity: Identity {
                name: Some(name.into()),
                birth_date: Some("1990".into()),
                languages: vec!["tagalog".into()],
            },
            contact: Contact {
                phone: Some("514-555-0199".into()),
                ..Contact::default()
            },
            ..PersonDetails::default()
        },
    }
}

/// Opens `new` with `lead` as its lead worker.
pub async fn open_case(
    db: &Db,
    lead: &User,
    new: &mosaique_domain::case::NewCase,
) -> mosaique_domain::CaseId {
    use mosaique_domain::case::Party;
    use mosaique_domain::policy::case::{CaseOpening, OpeningAction};
    let opening = permit(
        &signed_in(lead),
        OpeningAction::Open,
        CaseOpening {
            lead: Party::of(lead.org_id),
        },
    );
    let mut tx = db.begin().await.expect("begin");
    let (id, _) = tx.open_case(&opening, new).await.expect("open case");
    tx.commit().await.expect("commit");
    id
}

/// Puts `member` on the team of a case `lead` holds.
pub async fn add_to_case(
    db: &Db,
    lead: &User,
    case: mosaique_domain::CaseId,
    member: &User,
    role: mosaique_domain::case::CaseRole,
) {
    use mosaique_domain::policy::case::CaseAction;
    let manage = case_permit(db, &signed_in(lead), CaseAction::ManageTeam, case).await;
    let mut tx = db.begin().await.expect("begin");
    tx.add_member(&manage, member.id, member.org_id, role)
        .await
        .expect("add member");
    tx.commit().await.expect("commit");
}

/// Records, as `lead`, a consent for a day either side of now.
pub async fn consent_to(
    db: &Db,
    lead: &User,
    case: mosaique_domain::CaseId,
    purpose: mosaique_domain::case::Purpose,
    recipient: mosaique_domain::case::Recipient,
    categories: &[mosaique_domain::case::DataCategory],
) -> mosaique_domain::ConsentId {
    use mosaique_domain::case::{ConsentForm, NewConsent};
    use mosaique_domain::policy::case::CaseAction;
    let record = case_permit(db, &signed_in(lead), CaseAction::RecordConsent, case).await;
    let now = crate::now_ms();
    let new = NewConsent {
        purpose,
        recipients: vec![recipient],
        categories: categories.iter().copied().collect(),
        form: ConsentForm::Written,
        witness: None,
        given_at: mosaique_domain::Timestamp(now - 1),
        expires_at: mosaique_domain::Timestamp(now + 86_400_000),
    };
    let mut tx = db.begin().await.expect("begin");
    let id = tx
        .record_consent(&record, &new, mosaique_domain::Language::Fr)
        .await
        .expect("record consent");
    tx.commit().await.expect("commit");
    id
}

/// Every sealed value stored about closed cases (alias, details, notes), as stored: to show
/// that none is left once they are destroyed.
pub async fn sealed_case_values(db: &Db) -> Vec<String> {
    let mut values = Vec::new();
    for query in [
        "SELECT alias, identity, contact, whereabouts FROM cases WHERE status = 'closed'",
        "SELECT n.body FROM case_notes n JOIN cases c ON c.id = n.case_id WHERE c.status = 'closed'",
        "SELECT s.title, s.details FROM case_steps s JOIN cases c ON c.id = s.case_id \
         WHERE c.status = 'closed' AND s.details IS NOT NULL",
        "SELECT d.name, d.content FROM case_documents d JOIN cases c ON c.id = d.case_id \
         WHERE c.status = 'closed'",
    ] {
        let q = query.to_owned();
        for row in sqlx::query(sqlx::AssertSqlSafe(q))
            .fetch_all(db.pool())
            .await
            .expect("read sealed values")
        {
            use sqlx::Row;
            for i in 0..row.len() {
                values.push(row.try_get::<String, _>(i).expect("text"));
            }
        }
    }
    values
}

/// A permit for `action` on a case, from the facts the store holds now.
pub async fn case_permit(
    db: &Db,
    who: &Principal,
    action: mosaique_domain::policy::case::CaseAction,
    id: mosaique_domain::CaseId,
) -> Permit<mosaique_domain::policy::case::Case> {
    permit(who, action, case_resource(db, who, id).await)
}

/// The case as the policy sees it for `who`, now.
pub async fn case_resource(
    db: &Db,
    who: &Principal,
    id: mosaique_domain::CaseId,
) -> mosaique_domain::policy::case::Case {
    let facts = db.case_facts(id).await.expect("read").expect("case exists");
    mosaique_domain::policy::case::Case {
        id,
        status: facts.status,
        access: facts.access,
        viewer_sector: db
            .sector_of(who.actor().and_then(|a| a.org_id))
            .await
            .expect("sector"),
        now: mosaique_domain::Timestamp(crate::now_ms()),
    }
}

/// A permit, as the policy gives it (a test that asks for one it may not have fails).
pub fn permit<R: Resource>(who: &Principal, action: R::Action, resource: R) -> Permit<R> {
    match can(who, action, resource) {
        Ok(permit) => permit,
        Err(denial) => panic!("the test asked for a permit the policy refuses: {denial:?}"),
    }
}

/// `user` signed in, second factor just checked.
pub fn signed_in(user: &User) -> Principal {
    Principal::User(user.actor(true))
}

/// A new account of `role`, created by the command line.
pub async fn test_user(db: &Db, role: Role, org_id: Option<OrgId>) -> User {
    let email = format!(
        "{}-{}@test.example",
        role.key(),
        UserId::new().as_uuid().simple()
    );
    let mut tx = db.begin().await.expect("begin");
    let id = tx
        .insert_user(&email, role.key(), role, org_id, false)
        .await
        .expect("user created");
    tx.commit().await.expect("commit");
    db.user_by_email(&email)
        .await
        .expect("user read")
        .filter(|u| u.id == id)
        .expect("user exists")
}

/// Publishes the instruments that ship with Mosaïque, as every start does.
pub async fn publish_shipped(db: &Db) {
    let instruments =
        mosaique_domain::screening::shipped::shipped().expect("shipped instruments parse");
    let publish = permit(&Principal::Operator, InstrumentAction::Publish, Instruments);
    let mut tx = db.begin().await.expect("begin");
    for instrument in &instruments {
        tx.publish_instrument(
            &publish,
            instrument,
            mosaique_domain::screening::InstrumentStatus::Active,
            true,
        )
        .await
        .expect("instrument publishes");
    }
    tx.commit().await.expect("commit");
}

/// Entries of the audit trail as stored, newest first, about one target or by one actor.
pub async fn audit_trail(
    db: &Db,
    target: Option<(&str, &str)>,
    actor: Option<UserId>,
    limit: i64,
) -> Vec<AuditEntry> {
    let mut sql = Sql::new(
        "SELECT seq, id, at, actor_user_id, actor_role, action, target_type, target_id, outcome, reason, \
         prev_hash, hash FROM audit_log WHERE 1 = 1",
    );
    if let Some((target_type, target_id)) = target {
        sql.push(" AND target_type = ")
            .bind(target_type)
            .push(" AND target_id = ")
            .bind(target_id);
    }
    if let Some(actor) = actor {
        sql.push(" AND actor_user_id = ").bind(actor.to_string());
    }
    sql.push(" ORDER BY seq DESC LIMIT ").bind(limit);
    let rows = sql.query().fetch_all(db.pool()).await.expect("audit read");
    rows.iter()
        .map(|row| crate::audit::entry_from_row(row).expect("audit entry"))
        .collect()
}

/// The actions recorded about one target, newest first.
pub async fn audit_actions(db: &Db, target_type: &str, target_id: &str) -> Vec<String> {
    audit_trail(db, Some((target_type, target_id)), None, 100)
        .await
        .into_iter()
        .map(|e| e.action)
        .collect()
}

/// A coalition administrator (not an account of the database), second factor just checked:
/// what tests write the directory as.
pub fn coalition_admin() -> Principal {
    Principal::User(mosaique_domain::Actor {
        user_id: UserId::new(),
        org_id: None,
        role: Role::CoalitionAdmin,
        recently_verified: true,
    })
}

fn listing(action: ListingAction, org: OrgId) -> Permit<Listing> {
    permit(&coalition_admin(), action, Listing { org })
}

/// Saves a service of `org`, as its editor would.
pub async fn save_service(
    db: &Db,
    org: OrgId,
    id: Option<ServiceId>,
    new: &NewService,
    locations: &[LocationId],
) -> Service {
    let mut tx = db.begin().await.expect("begin");
    let id = tx
        .save_service(
            &listing(ListingAction::EditServices, org),
            id,
            new,
            locations,
        )
        .await
        .expect("service saved");
    tx.commit().await.expect("commit");
    db.service(id).await.expect("read").expect("service saved")
}

/// Saves a site of `org`, as its editor would.
pub async fn save_location(
    db: &Db,
    org: OrgId,
    id: Option<LocationId>,
    new: &NewLocation,
) -> Location {
    let mut tx = db.begin().await.expect("begin");
    let id = tx
        .save_location(&listing(ListingAction::EditServices, org), id, new)
        .await
        .expect("site saved");
    tx.commit().await.expect("commit");
    db.location(id).await.expect("read").expect("site saved")
}

/// Updates a service's free places, as its staff would.
pub async fn set_capacity(
    db: &Db,
    service: &Service,
    unit: CapacityUnit,
    available: u32,
    total: Option<u32>,
) {
    let mut tx = db.begin().await.expect("begin");
    tx.set_capacity(
        &listing(ListingAction::UpdateCapacity, service.org_id),
        service.id,
        unit,
        available,
        total,
    )
    .await
    .expect("capacity saved");
    tx.commit().await.expect("commit");
}

/// Creates or updates an organization by slug, as an import would.
pub async fn upsert_organization(
    db: &Db,
    new: &NewOrganization,
) -> (Organization, crate::UpsertOutcome) {
    let import = permit(&Principal::Operator, DirectoryAction::Import, Directory);
    db.upsert_organization(&import, new)
        .await
        .expect("organization saved")
}

/// A site as its editor typed it, exact address included (what no outlet may show).
pub async fn typed_location(db: &Db, id: LocationId) -> NewLocation {
    let location = db.location(id).await.expect("read").expect("site exists");
    let edit = listing(ListingAction::EditServices, location.org_id);
    location.to_new(&edit).expect("an editor reads the site")
}

/// Starts an interview as `screener`.
pub async fn start_screening(
    db: &Db,
    screener: &User,
    instrument: &mosaique_domain::screening::Instrument,
) -> ScreeningId {
    let screen = permit(&signed_in(screener), InstrumentAction::Screen, Instruments);
    let mut tx = db.begin().await.expect("begin");
    let id = tx
        .start_screening(&screen, mosaique_domain::Language::Fr, instrument)
        .await
        .expect("screening started");
    tx.commit().await.expect("commit");
    id
}

/// The screenings `screener` ran, newest first.
pub async fn screenings_of(
    db: &Db,
    screener: &User,
) -> Vec<mosaique_domain::screening::ScreeningSummary> {
    let list = permit(
        &signed_in(screener),
        mosaique_domain::policy::screening::ScreeningListAction::List,
        mosaique_domain::policy::screening::ScreeningsOf {
            screener: screener.id,
        },
    );
    let mut tx = db.begin().await.expect("begin");
    let found = tx.screenings_of(&list, 100).await.expect("screenings read");
    tx.commit().await.expect("commit");
    found
}

/// An account as stored.
pub async fn user(db: &Db, id: UserId) -> Option<User> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {} FROM users WHERE id = $1",
        crate::users::USER_COLUMNS
    )))
    .bind(id.to_string())
    .fetch_optional(db.pool())
    .await
    .expect("read");
    row.as_ref()
        .map(|r| crate::users::user_from_row(r).expect("user row"))
}

/// Verifies the audit trail, as `mosaique audit verify` does.
pub async fn verify_audit(db: &Db) -> AuditVerdict {
    let verify = permit(&Principal::Operator, AuditAction::Verify, AuditTrail);
    db.verify_audit(&verify).await.expect("audit verifies")
}

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

/// Moves a referral's expiry `by_ms` into the past, as if that much time had gone by.
pub async fn age_referral(db: &Db, referral: &str, by_ms: i64) {
    sqlx::query("UPDATE referrals SET expires_at = expires_at - $2 WHERE id = $1")
        .bind(referral.to_owned())
        .bind(by_ms)
        .execute(db.pool())
        .await
        .expect("age referral");
}

/// The floor of a referral's move: one plain indexed `UPDATE` of its row, nothing else.
pub async fn touch_referral(db: &Db, referral: &str) {
    sqlx::query("UPDATE referrals SET updated_at = updated_at + 1 WHERE id = $1")
        .bind(referral.to_owned())
        .execute(db.pool())
        .await
        .expect("touch referral");
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
