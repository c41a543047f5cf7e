//! Watching the watchers: the audit trail (browsed by privacy officers and coalition admins,
//! verified by them and the command line) and key rotation.

use std::collections::BTreeSet;
use std::path::Path;

use mosaique_domain::audit::{AuditEvent, Outcome};
use mosaique_domain::policy::Principal;
use mosaique_domain::policy::oversight::{AuditAction, AuditTrail, KeyAction, Keys};
pub use mosaique_store::audit::{AuditEntry, AuditProblem};
pub use mosaique_store::keys::RotationStatus;
pub use mosaique_store::{AuditFilter, AuditRow, AuditVerdict};

use crate::keyfile::{self, KeyFileError};
use crate::{App, AppError, AppResult};

/// Entries per page of the audit trail.
pub const AUDIT_PAGE: i64 = 200;

/// The audit trail as a reviewer asked for it.
#[derive(Debug, Clone)]
pub struct AuditView {
    pub rows: Vec<AuditRow>,
    /// With `verify`: whether the whole chain holds.
    pub verdict: Option<AuditVerdict>,
}

/// Re-sealed per batch: small enough that an interruption loses little.
const ROTATION_BATCH: i64 = 100;

/// What a key rotation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rotated {
    /// A new master key version was added to the key file (a rotation not resumed).
    pub new_version: Option<u8>,
    pub rewrapped: i64,
    pub resealed: i64,
    pub retired: usize,
    /// Master key versions that left the key file.
    pub dropped: usize,
}

impl App {
    /// Entries of the audit trail, newest first; looking is itself audited.
    pub async fn audit_trail(
        &self,
        who: &Principal,
        filter: &AuditFilter,
        verify: bool,
    ) -> AppResult<AuditView> {
        let permit = self.authorize(who, AuditAction::View, AuditTrail).await?;
        let mut tx = self.db.begin().await?;
        let rows = tx.audit_entries(&permit, filter).await?;
        tx.commit().await?;
        let verdict = if verify {
            Some(self.db.verify_audit(&permit).await?)
        } else {
            None
        };
        Ok(AuditView { rows, verdict })
    }

    /// Checks every entry and signed checkpoint of the trail.
    pub async fn verify_audit(&self, who: &Principal) -> AppResult<AuditVerdict> {
        let permit = self.authorize(who, AuditAction::Verify, AuditTrail).await?;
        Ok(self.db.verify_audit(&permit).await?)
    }

    /// Rotates the keys: a new master key version (unless resuming an interrupted rotation),
    /// every data key re-wrapped under it, a new secrets key and everything sealed re-sealed
    /// in batches, old versions retired and dropped from the key file once unused.
    /// `progress(done, total)` follows the re-sealing. The key file is reread at each stage,
    /// as a new version enters it.
    pub async fn rotate_keys(
        &self,
        who: &Principal,
        key_file: &Path,
        progress: &dyn Fn(i64, i64),
    ) -> Result<Rotated, RotationError> {
        let permit = self.authorize(who, KeyAction::Rotate, Keys).await?;
        let status = self.db.rotation_status().await.map_err(AppError::from)?;
        let new_version = if status.complete() {
            Some(keyfile::add_version(key_file)?)
        } else {
            None
        };
        let reload = || async {
            let (keys, _) = keyfile::load(key_file, false)?;
            Ok::<_, RotationError>(self.db.clone().unlock(keys).await.map_err(AppError::from)?)
        };
        let db = reload().await?;
        let rewrapped = db.rewrap_data_keys(&permit).await.map_err(AppError::from)?;
        db.create_owed_secrets_key(&permit)
            .await
            .map_err(AppError::from)?;
        // A fresh handle loads the new secrets key.
        let db = reload().await?;
        let total = db
            .rotation_status()
            .await
            .map_err(AppError::from)?
            .stale_sealed;
        let mut resealed = 0;
        loop {
            let batch = db
                .reseal_secrets_batch(&permit, ROTATION_BATCH)
                .await
                .map_err(AppError::from)?;
            if batch == 0 {
                break;
            }
            resealed += batch;
            progress(resealed, total);
        }
        let retired = db
            .retire_unused_secrets_keys(&permit)
            .await
            .map_err(AppError::from)?;
        let in_use: BTreeSet<u8> = db.master_versions_in_use().await.map_err(AppError::from)?;
        let dropped = keyfile::keep_only(key_file, &in_use)?;
        let event =
            AuditEvent::new("keys.rotate", "keys", Outcome::Success).by_maybe(who.audit_actor());
        db.audit(&event).await.map_err(AppError::from)?;
        Ok(Rotated {
            new_version,
            rewrapped,
            resealed,
            retired: retired.len(),
            dropped: dropped.len(),
        })
    }
}

/// Why a key rotation stopped: the use case refused or failed, or the key file could not be
/// read or written. Running it again resumes where it stopped.
#[derive(Debug)]
pub enum RotationError {
    App(AppError),
    KeyFile(KeyFileError),
}

impl From<AppError> for RotationError {
    fn from(error: AppError) -> RotationError {
        RotationError::App(error)
    }
}

impl From<KeyFileError> for RotationError {
    fn from(error: KeyFileError) -> RotationError {
        RotationError::KeyFile(error)
    }
}
