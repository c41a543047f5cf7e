//! The key hierarchy at the store's read/write boundary.
//!
//! The key file holds one or more versions of the master key. Each master key only wraps
//! data keys (random, stored wrapped in `data_keys`); data keys seal fields, key blind
//! indexes and sign audit checkpoints. So rotating the master key means re-wrapping a few
//! rows, rotating a data key means re-sealing what it sealed, and deleting an
//! organization's data keys crypto-shreds its data.

use std::collections::{BTreeMap, BTreeSet};

use mosaique_crypto::{AuditSigner, BlindIndex, DataKey, FieldCipher, MasterKey};
use mosaique_domain::OrgId;
use mosaique_domain::policy::oversight::KeyAction;
use mosaique_domain::policy::{self, Permit};
use sqlx::{AssertSqlSafe, Row};

use crate::audit::{decode_hex, encode_hex};
use crate::permits::require;
use crate::{Db, StoreError, now_ms};

pub(crate) const SECRETS: &str = "coalition-secrets";

/// Every column sealed under the secrets key, as (table, id column, sealed column): key
/// rotation re-seals them all, and a secrets key retires once none uses it. Only these
/// constant names are ever interpolated into SQL.
const SEALED_UNDER_SECRETS: [(&str, &str, &str); 4] = [
    ("users", "id", "totp_secret"),
    ("screenings", "id", "answers"),
    ("screenings", "id", "evaluation"),
    ("contact_messages", "id", "body"),
];
const RECOVERY_INDEX: &str = "recovery-index";
const AUDIT_SIGNING: &str = "audit-signing";

/// The master key versions read from the key file; the highest is current.
#[derive(Debug)]
pub struct MasterKeys {
    versions: BTreeMap<u8, MasterKey>,
}

impl MasterKeys {
    pub fn new(versions: BTreeMap<u8, MasterKey>) -> Result<MasterKeys, StoreError> {
        if versions.is_empty() || versions.contains_key(&0) {
            return Err(StoreError::Invalid(
                "the key file holds no master key version".into(),
            ));
        }
        Ok(MasterKeys { versions })
    }

    /// A single master key, version 1.
    pub fn single(key: MasterKey) -> MasterKeys {
        MasterKeys {
            versions: BTreeMap::from([(1, key)]),
        }
    }

    pub fn current_version(&self) -> u8 {
        self.versions.keys().next_back().copied().unwrap_or(1)
    }

    fn current(&self) -> &MasterKey {
        &self.versions[&self.current_version()]
    }

    fn get(&self, version: u8) -> Result<&MasterKey, StoreError> {
        self.versions
            .get(&version)
            .ok_or(StoreError::MissingMasterKey(version))
    }

    pub fn versions(&self) -> impl Iterator<Item = (u8, &MasterKey)> {
        self.versions.iter().map(|(v, k)| (*v, k))
    }
}

/// What `unlock` loaded: everything the store needs to seal, open, index and sign.
pub(crate) struct Keys {
    masters: MasterKeys,
    secrets: BTreeMap<u8, FieldCipher>,
    recovery_index: BlindIndex,
    audit_signer: AuditSigner,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(..)")
    }
}

impl Keys {
    pub(crate) fn masters(&self) -> &MasterKeys {
        &self.masters
    }

    pub(crate) fn audit_signer(&self) -> &AuditSigner {
        &self.audit_signer
    }

    /// The cipher new credentials are sealed with (the newest secrets key).
    pub(crate) fn secrets(&self) -> &FieldCipher {
        let (_, cipher) = self
            .secrets
            .iter()
            .next_back()
            .expect("unlock loads at least one secrets key");
        cipher
    }

    /// The cipher that opens a value sealed under `version`.
    pub(crate) fn secrets_version(&self, version: u8) -> Result<&FieldCipher, StoreError> {
        self.secrets
            .get(&version)
            .ok_or(StoreError::Corrupt(format!(
                "no secrets key version {version}"
            )))
    }

    /// A value sealed (as JSON) under the newest secrets key, bound to its row and column,
    /// hex-encoded for a TEXT column.
    pub(crate) fn seal_json<T: serde::Serialize>(
        &self,
        table: &'static str,
        column: &'static str,
        id: &str,
        value: &T,
    ) -> Result<String, StoreError> {
        let json = serde_json::to_vec(value).map_err(|e| StoreError::Invalid(e.to_string()))?;
        Ok(encode_hex(&self.secrets().seal(&json, table, column, id)))
    }

    /// Opens what [`Keys::seal_json`] sealed, under whichever secrets key version sealed it.
    pub(crate) fn open_json<T: serde::de::DeserializeOwned>(
        &self,
        table: &'static str,
        column: &'static str,
        id: &str,
        sealed_hex: &str,
    ) -> Result<T, StoreError> {
        let corrupt = || StoreError::Corrupt(format!("sealed {table}.{column}"));
        let sealed = decode_hex(sealed_hex).ok_or_else(corrupt)?;
        let version = mosaique_crypto::sealed_key_version(&sealed).ok_or_else(corrupt)?;
        let plain = self
            .secrets_version(version)?
            .open(&sealed, table, column, id)?;
        serde_json::from_slice(&plain).map_err(|_| corrupt())
    }

    /// Recovery codes carry about 50 bits: a plain hash of them could be brute-forced from
    /// a stolen database, so they are stored under a keyed hash instead.
    pub(crate) fn recovery_code_hash(&self, code: &str) -> String {
        self.recovery_index
            .compute(&mosaique_crypto::normalize_recovery_code(code))
    }

    /// The signature of a device cookie (a browser that signed in to `email` before): a
    /// keyed hash under the same key as recovery codes, in a context of its own, so a value
    /// of one can never stand for the other.
    pub(crate) fn device_signature(&self, email: &str, nonce: &str) -> String {
        self.recovery_index
            .compute(&format!("device-cookie|{email}|{nonce}"))
    }
}

fn context(scope: &str, version: i64) -> String {
    format!("data-key|{scope}|v{version}")
}

/// A data key row, unwrapped.
struct Loaded {
    version: i64,
    key: DataKey,
}

impl Db {
    /// Gives the store its master keys: loads (creating on first use) the data keys they
    /// wrap. Every app server calls this at start; creation is idempotent across servers.
    pub async fn unlock(mut self, masters: MasterKeys) -> Result<Db, StoreError> {
        let secrets = self
            .data_keys(&masters, SECRETS, true)
            .await?
            .into_iter()
            .map(|l| {
                Ok((
                    u8::try_from(l.version)
                        .map_err(|_| StoreError::Corrupt("key version".into()))?,
                    l,
                ))
            })
            .collect::<Result<Vec<_>, StoreError>>()?
            .into_iter()
            .map(|(v, l)| (v, l.key.field_cipher(v)))
            .collect();
        let recovery = self.data_keys(&masters, RECOVERY_INDEX, true).await?;
        let audit = self.data_keys(&masters, AUDIT_SIGNING, true).await?;
        let first = |keys: Vec<Loaded>| {
            keys.into_iter()
                .next()
                .ok_or(StoreError::Corrupt("missing data key".into()))
        };
        let keys = Keys {
            recovery_index: first(recovery)?.key.blind_index(),
            audit_signer: first(audit)?.key.audit_signer(),
            secrets,
            masters,
        };
        self.keys = Some(std::sync::Arc::new(keys));
        Ok(self)
    }

    /// The live versions of a scope's data key (see [`data_keys`]), on a pooled connection.
    async fn data_keys(
        &self,
        masters: &MasterKeys,
        scope: &str,
        create: bool,
    ) -> Result<Vec<Loaded>, StoreError> {
        let mut conn = self.pool().acquire().await?;
        data_keys(&mut conn, masters, scope, create).await
    }

    async fn insert_data_key(
        &self,
        masters: &MasterKeys,
        scope: &str,
        version: i64,
    ) -> Result<(), StoreError> {
        let mut conn = self.pool().acquire().await?;
        insert_data_key(&mut conn, masters, scope, version).await
    }

    /// The field cipher of one organization's data, its key made on first use. Not cached:
    /// once the key is shredded, no server can use it again.
    pub async fn organization_cipher(&self, org: OrgId) -> Result<FieldCipher, StoreError> {
        let keys = self.keys()?;
        let mut conn = self.pool().acquire().await?;
        scope_cipher(&mut conn, &keys.masters, &format!("org:{org}"), true)
            .await?
            .ok_or(StoreError::Corrupt("missing data key".into()))
    }

    /// Crypto-shreds an organization's data: destroys every wrapped copy of its data keys
    /// in this database. Backups taken before still hold them until they expire.
    pub async fn shred_organization_keys(
        &self,
        permit: &Permit<policy::oversight::Keys>,
        org: OrgId,
    ) -> Result<u64, StoreError> {
        require(permit, &[KeyAction::Shred])?;
        let mut tx = self.begin().await?;
        let deleted = sqlx::query("DELETE FROM data_keys WHERE scope = $1")
            .bind(format!("org:{org}"))
            .execute(tx.conn())
            .await?
            .rows_affected();
        let event = permit.audit_event(crate::Outcome::Success);
        tx.audit(&crate::AuditEvent {
            target_type: "organization",
            ..event.target(org)
        })
        .await?;
        tx.commit().await?;
        Ok(deleted)
    }
}

/// The live (unretired) versions of a scope's data key, oldest first; with `create`,
/// version 1 is made when the scope has none.
async fn data_keys(
    conn: &mut sqlx::AnyConnection,
    masters: &MasterKeys,
    scope: &str,
    create: bool,
) -> Result<Vec<Loaded>, StoreError> {
    let mut rows = data_key_rows(conn, scope).await?;
    if rows.is_empty() && create {
        insert_data_key(conn, masters, scope, 1).await?;
        rows = data_key_rows(conn, scope).await?;
    }
    rows.into_iter()
        .map(|(version, master_version, wrapped)| {
            let master = masters.get(u8::try_from(master_version).unwrap_or(0))?;
            let bytes =
                decode_hex(&wrapped).ok_or_else(|| StoreError::Corrupt("wrapped key".into()))?;
            Ok(Loaded {
                version,
                key: master.unwrap(&bytes, &context(scope, version))?,
            })
        })
        .collect()
}

async fn data_key_rows(
    conn: &mut sqlx::AnyConnection,
    scope: &str,
) -> Result<Vec<(i64, i64, String)>, StoreError> {
    let rows = sqlx::query(
        "SELECT version, master_version, wrapped FROM data_keys WHERE scope = $1 AND retired_at IS NULL ORDER BY version",
    )
    .bind(scope.to_owned())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("version")?,
                r.try_get("master_version")?,
                r.try_get("wrapped")?,
            ))
        })
        .collect()
}

/// Makes a new data key version, wrapped under the current master key. Two servers
/// racing to make the same version both end up with the one that was stored first.
async fn insert_data_key(
    conn: &mut sqlx::AnyConnection,
    masters: &MasterKeys,
    scope: &str,
    version: i64,
) -> Result<(), StoreError> {
    let master_version = i64::from(masters.current_version());
    let wrapped = masters
        .current()
        .wrap(&DataKey::generate(), &context(scope, version));
    sqlx::query(
        "INSERT INTO data_keys (scope, version, master_version, created_under, wrapped, created_at) \
         VALUES ($1, $2, $3, $3, $4, $5) ON CONFLICT (scope, version) DO NOTHING",
    )
    .bind(scope.to_owned())
    .bind(version)
    .bind(master_version)
    .bind(encode_hex(&wrapped))
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The field cipher of a scope's newest data key (`org:<id>`, `case:<id>`), made first with
/// `create`; `None` when the scope has no key (never made, or shredded).
pub(crate) async fn scope_cipher(
    conn: &mut sqlx::AnyConnection,
    masters: &MasterKeys,
    scope: &str,
    create: bool,
) -> Result<Option<FieldCipher>, StoreError> {
    let Some(newest) = data_keys(conn, masters, scope, create).await?.pop() else {
        return Ok(None);
    };
    let version =
        u8::try_from(newest.version).map_err(|_| StoreError::Corrupt("key version".into()))?;
    Ok(Some(newest.key.field_cipher(version)))
}

/// The blind index of a scope, from its first data key (made first with `create`): a
/// newer key version would index equal values differently, so the first one stays the
/// index's key. `None` when the scope has no key.
pub(crate) async fn scope_blind_index(
    conn: &mut sqlx::AnyConnection,
    masters: &MasterKeys,
    scope: &str,
    create: bool,
) -> Result<Option<BlindIndex>, StoreError> {
    Ok(data_keys(conn, masters, scope, create)
        .await?
        .into_iter()
        .next()
        .map(|first| first.key.blind_index()))
}

/// How far a key rotation has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RotationStatus {
    /// Data keys still wrapped by an older master key.
    pub stale_wraps: i64,
    /// The newest secrets key predates the current master key: a new one is owed.
    pub secrets_key_owed: bool,
    /// Sealed values not yet under the newest secrets key.
    pub stale_sealed: i64,
}

impl RotationStatus {
    pub fn complete(&self) -> bool {
        self.stale_wraps == 0 && !self.secrets_key_owed && self.stale_sealed == 0
    }
}

/// The version byte of a sealed value, as the first two hex digits of its stored text.
fn version_hex(version: u8) -> String {
    format!("{version:02x}")
}

impl Db {
    pub async fn rotation_status(&self) -> Result<RotationStatus, StoreError> {
        let keys = self.keys()?;
        let current = i64::from(keys.masters.current_version());
        let stale_wraps: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM data_keys WHERE master_version < $1")
                .bind(current)
                .fetch_one(self.pool())
                .await?
                .try_get("n")?;
        let newest = sqlx::query(
            "SELECT created_under FROM data_keys WHERE scope = $1 AND retired_at IS NULL ORDER BY version DESC LIMIT 1",
        )
        .bind(SECRETS)
        .fetch_optional(self.pool())
        .await?;
        let secrets_key_owed = match newest {
            Some(row) => row.try_get::<i64, _>("created_under")? < current,
            None => true,
        };
        let mut stale_sealed = 0;
        for (table, _, column) in SEALED_UNDER_SECRETS {
            let n: i64 = sqlx::query(AssertSqlSafe(format!(
                "SELECT COUNT(*) AS n FROM {table} WHERE {column} IS NOT NULL AND substr({column}, 1, 2) <> $1"
            )))
            .bind(version_hex(keys.secrets().version()))
            .fetch_one(self.pool())
            .await?
            .try_get("n")?;
            stale_sealed += n;
        }
        Ok(RotationStatus {
            stale_wraps,
            secrets_key_owed,
            stale_sealed,
        })
    }

    /// Re-wraps every data key under the current master key; returns how many moved.
    pub async fn rewrap_data_keys(
        &self,
        permit: &Permit<policy::oversight::Keys>,
    ) -> Result<i64, StoreError> {
        require(permit, &[KeyAction::Rotate])?;
        let keys = self.keys()?;
        let current = keys.masters.current_version();
        let rows = sqlx::query("SELECT scope, version, master_version, wrapped FROM data_keys WHERE master_version < $1")
            .bind(i64::from(current))
            .fetch_all(self.pool())
            .await?;
        let mut moved = 0;
        for row in rows {
            let scope: String = row.try_get("scope")?;
            let version: i64 = row.try_get("version")?;
            let old_version: i64 = row.try_get("master_version")?;
            let wrapped: String = row.try_get("wrapped")?;
            let old = keys.masters.get(u8::try_from(old_version).unwrap_or(0))?;
            let bytes =
                decode_hex(&wrapped).ok_or_else(|| StoreError::Corrupt("wrapped key".into()))?;
            let key = old.unwrap(&bytes, &context(&scope, version))?;
            let rewrapped =
                encode_hex(&keys.masters.current().wrap(&key, &context(&scope, version)));
            // Optimistic: if another run moved it meanwhile, leave its work alone.
            moved += sqlx::query(
                "UPDATE data_keys SET wrapped = $4, master_version = $5 WHERE scope = $1 AND version = $2 AND master_version = $3",
            )
            .bind(scope)
            .bind(version)
            .bind(old_version)
            .bind(rewrapped)
            .bind(i64::from(current))
            .execute(self.pool())
            .await?
            .rows_affected() as i64;
        }
        Ok(moved)
    }

    /// Makes the new secrets key this rotation owes (a no-op when it exists already).
    pub async fn create_owed_secrets_key(
        &self,
        permit: &Permit<policy::oversight::Keys>,
    ) -> Result<(), StoreError> {
        require(permit, &[KeyAction::Rotate])?;
        if !self.rotation_status().await?.secrets_key_owed {
            return Ok(());
        }
        let keys = self.keys()?;
        let next = i64::from(keys.secrets().version()) + 1;
        if next > i64::from(u8::MAX) {
            return Err(StoreError::Invalid(
                "no key version left: retire old versions first".into(),
            ));
        }
        self.insert_data_key(&keys.masters, SECRETS, next).await
    }

    /// Re-seals up to `batch` sealed values under the newest secrets key; returns how many.
    /// Each row is one optimistic update, so an interrupted run loses nothing and a new run
    /// picks up where it stopped.
    pub async fn reseal_secrets_batch(
        &self,
        permit: &Permit<policy::oversight::Keys>,
        batch: i64,
    ) -> Result<i64, StoreError> {
        require(permit, &[KeyAction::Rotate])?;
        let keys = self.keys()?;
        let current = keys.secrets();
        let mut done = 0;
        for (table, id_column, column) in SEALED_UNDER_SECRETS {
            let rows = sqlx::query(AssertSqlSafe(format!(
                "SELECT {id_column} AS id, {column} AS sealed FROM {table} \
                 WHERE {column} IS NOT NULL AND substr({column}, 1, 2) <> $1 ORDER BY {id_column} LIMIT $2"
            )))
            .bind(version_hex(current.version()))
            .bind(batch - done)
            .fetch_all(self.pool())
            .await?;
            for row in rows {
                let id: String = row.try_get("id")?;
                let old: String = row.try_get("sealed")?;
                let sealed =
                    decode_hex(&old).ok_or_else(|| StoreError::Corrupt("sealed value".into()))?;
                let version = mosaique_crypto::sealed_key_version(&sealed)
                    .ok_or_else(|| StoreError::Corrupt("sealed value".into()))?;
                let plain = keys
                    .secrets_version(version)?
                    .open(&sealed, table, column, &id)?;
                let resealed = encode_hex(&current.seal(&plain, table, column, &id));
                done += sqlx::query(AssertSqlSafe(format!(
                    "UPDATE {table} SET {column} = $3 WHERE {id_column} = $1 AND {column} = $2"
                )))
                .bind(id)
                .bind(old)
                .bind(resealed)
                .execute(self.pool())
                .await?
                .rows_affected() as i64;
            }
            if done >= batch {
                break;
            }
        }
        Ok(done)
    }

    /// Retires secrets keys nothing is sealed under any more; returns their versions.
    pub async fn retire_unused_secrets_keys(
        &self,
        permit: &Permit<policy::oversight::Keys>,
    ) -> Result<Vec<u8>, StoreError> {
        require(permit, &[KeyAction::Rotate])?;
        let keys = self.keys()?;
        let newest = keys.secrets().version();
        let mut retired = Vec::new();
        for version in keys.secrets.keys().copied().filter(|v| *v != newest) {
            let mut used = 0;
            for (table, _, column) in SEALED_UNDER_SECRETS {
                let n: i64 = sqlx::query(AssertSqlSafe(format!(
                    "SELECT COUNT(*) AS n FROM {table} WHERE substr({column}, 1, 2) = $1"
                )))
                .bind(version_hex(version))
                .fetch_one(self.pool())
                .await?
                .try_get("n")?;
                used += n;
            }
            if used == 0 {
                sqlx::query("UPDATE data_keys SET retired_at = $3 WHERE scope = $1 AND version = $2 AND retired_at IS NULL")
                    .bind(SECRETS)
                    .bind(i64::from(version))
                    .bind(now_ms())
                    .execute(self.pool())
                    .await?;
                retired.push(version);
            }
        }
        Ok(retired)
    }

    /// Master key versions that still wrap some data key (the others can leave the key file).
    pub async fn master_versions_in_use(&self) -> Result<BTreeSet<u8>, StoreError> {
        let rows = sqlx::query("SELECT DISTINCT master_version FROM data_keys")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| Ok(u8::try_from(r.try_get::<i64, _>("master_version")?).unwrap_or(0)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use mosaique_crypto::TotpSecret;
    use mosaique_domain::Role;
    use mosaique_domain::policy::Principal;
    use mosaique_domain::policy::oversight::Keys;
    use mosaique_domain::policy::screening::{
        InstrumentAction, Instruments, Screening, ScreeningAction,
    };

    use super::*;
    use crate::testing::{TestBackend, TestDb, permit};

    fn rotate() -> Permit<Keys> {
        permit(&Principal::Operator, KeyAction::Rotate, Keys)
    }

    fn masters(keys: &[(u8, &str)]) -> MasterKeys {
        MasterKeys::new(
            keys.iter()
                .map(|(v, hex)| (*v, MasterKey::from_hex(hex).unwrap()))
                .collect(),
        )
        .unwrap()
    }

    async fn rotation_round_trip(backend: TestBackend) {
        let fixture = TestDb::unmigrated(backend).await;
        fixture.db.migrate().await.unwrap();
        let (k1, k2) = (
            MasterKey::generate().to_hex(),
            MasterKey::generate().to_hex(),
        );
        let db = fixture
            .db
            .clone()
            .unlock(masters(&[(1, &k1)]))
            .await
            .unwrap();
        let mut secrets = Vec::new();
        let mut users = Vec::new();
        for _ in 0..3 {
            let user = crate::testing::test_user(&db, Role::Coordinator, None).await;
            let secret = TotpSecret::generate();
            db.enable_totp(&user, &secret, 0, &["abcde-12345".to_owned()])
                .await
                .unwrap();
            secrets.push((user.id, secret.as_bytes().to_vec()));
            users.push(user);
        }
        for _ in 0..50 {
            db.audit(&crate::AuditEvent::new(
                "test",
                "t",
                crate::Outcome::Success,
            ))
            .await
            .unwrap();
        }
        // A screening seals its answers and evaluation under the same secrets key.
        let instruments = mosaique_domain::screening::shipped::shipped().unwrap();
        crate::testing::publish_shipped(&db).await;
        let answers =
            std::collections::BTreeMap::from([("danger_now".to_owned(), "yes".to_owned())]);
        let evaluation = mosaique_domain::screening::evaluate(&instruments[0], &answers).unwrap();
        let screener = crate::testing::signed_in(&users[0]);
        let screen = permit(&screener, InstrumentAction::Screen, Instruments);
        let mut tx = db.begin().await.unwrap();
        let screening = tx
            .record_screening(
                &screen,
                mosaique_domain::Language::Fr,
                &instruments[0],
                &evaluation,
            )
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert!(db.rotation_status().await.unwrap().complete());

        // A new master version: every data key is re-wrapped, a new secrets key is owed.
        let db = fixture
            .db
            .clone()
            .unlock(masters(&[(1, &k1), (2, &k2)]))
            .await
            .unwrap();
        let status = db.rotation_status().await.unwrap();
        assert_eq!((status.stale_wraps, status.secrets_key_owed), (3, true));
        assert_eq!(db.rewrap_data_keys(&rotate()).await.unwrap(), 3);
        db.create_owed_secrets_key(&rotate()).await.unwrap();
        db.create_owed_secrets_key(&rotate()).await.unwrap(); // idempotent

        // Re-sealing is interrupted after one batch, then resumed by a fresh handle.
        let db = fixture
            .db
            .clone()
            .unlock(masters(&[(1, &k1), (2, &k2)]))
            .await
            .unwrap();
        assert_eq!(db.rotation_status().await.unwrap().stale_sealed, 5);
        assert_eq!(db.reseal_secrets_batch(&rotate(), 1).await.unwrap(), 1);
        let db = fixture
            .db
            .clone()
            .unlock(masters(&[(1, &k1), (2, &k2)]))
            .await
            .unwrap();
        assert_eq!(db.rotation_status().await.unwrap().stale_sealed, 4);
        assert_eq!(db.reseal_secrets_batch(&rotate(), 100).await.unwrap(), 4);
        assert_eq!(db.reseal_secrets_batch(&rotate(), 100).await.unwrap(), 0);
        assert_eq!(db.retire_unused_secrets_keys(&rotate()).await.unwrap(), [1]);
        assert!(db.rotation_status().await.unwrap().complete());
        assert_eq!(
            db.master_versions_in_use().await.unwrap(),
            BTreeSet::from([2])
        );

        // The old master key is no longer needed: secrets, recovery codes and the audit
        // trail's signed checkpoints all work under the new one alone.
        let db = fixture
            .db
            .clone()
            .unlock(masters(&[(2, &k2)]))
            .await
            .unwrap();
        for (id, bytes) in &secrets {
            assert_eq!(
                db.totp(*id).await.unwrap().unwrap().0.as_bytes(),
                bytes.as_slice()
            );
        }
        let read = permit(
            &screener,
            ScreeningAction::Read,
            Screening {
                id: screening,
                created_by: users[0].id,
            },
        );
        let mut tx = db.begin().await.unwrap();
        let reopened = tx.screening(&read).await.unwrap().unwrap();
        tx.commit().await.unwrap();
        assert_eq!(reopened.evaluation.as_ref(), Some(&evaluation));
        assert!(
            db.use_recovery_code(secrets[0].0, "ABCDE-12345")
                .await
                .unwrap()
        );
        assert!(matches!(
            crate::testing::verify_audit(&db).await,
            crate::AuditVerdict::Intact { checkpoints: 1, .. }
        ));

        // Without the master key that wraps the data keys, nothing opens.
        let wrong = fixture.db.clone().unlock(masters(&[(2, &k1)])).await;
        assert!(matches!(wrong, Err(StoreError::Crypto(_))), "{wrong:?}");
        let missing = fixture.db.clone().unlock(masters(&[(1, &k1)])).await;
        assert!(
            matches!(missing, Err(StoreError::MissingMasterKey(2))),
            "{missing:?}"
        );
        fixture.cleanup().await;
    }

    #[tokio::test]
    async fn rotation_sqlite() {
        rotation_round_trip(TestBackend::Sqlite).await;
    }

    #[tokio::test]
    async fn rotation_postgres() {
        rotation_round_trip(TestBackend::Postgres).await;
    }

    crate::db_test!(shredding_an_organization_makes_its_data_unreadable, |db| {
        let org = mosaique_domain::OrgId::new();
        let cipher = db.organization_cipher(org).await.unwrap();
        let sealed = cipher.seal("Exemple — dossier".as_bytes(), "cases", "notes", "c1");
        let again = db.organization_cipher(org).await.unwrap();
        assert_eq!(
            &again.open(&sealed, "cases", "notes", "c1").unwrap()[..],
            "Exemple — dossier".as_bytes()
        );
        // Another organization's key opens nothing of it.
        let other = db
            .organization_cipher(mosaique_domain::OrgId::new())
            .await
            .unwrap();
        assert!(other.open(&sealed, "cases", "notes", "c1").is_err());
        let shred = permit(&Principal::Operator, KeyAction::Shred, Keys);
        assert_eq!(db.shred_organization_keys(&shred, org).await.unwrap(), 1);
        let after = db.organization_cipher(org).await.unwrap();
        assert!(
            after.open(&sealed, "cases", "notes", "c1").is_err(),
            "shredded data stays unreadable"
        );
        let entries =
            crate::testing::audit_trail(&db, Some(("organization", &org.to_string())), None, 5)
                .await;
        assert_eq!(entries[0].action, "keys.shred_organization");
    });
}
