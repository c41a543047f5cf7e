//! The tamper-evident audit trail: every entry is chained to the previous one by a SHA-256
//! hash, and signed checkpoints (ed25519, key derived from the master key) pin the chain's
//! head so that deleting its tail is detected too.

use mosaique_crypto::{AuditSigner, sha256_hex};
pub use mosaique_domain::audit::{AuditEvent, Outcome};
use mosaique_domain::policy::Permit;
use mosaique_domain::policy::oversight::{AuditAction, AuditTrail};
use sqlx::Row;

use crate::permits::require;
use crate::{Db, StoreError, Tx, now_ms};

/// A checkpoint is written every this many entries.
pub const CHECKPOINT_EVERY: i64 = 50;
const GENESIS: &str = "genesis";

/// One stored entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub seq: i64,
    pub id: String,
    pub at: i64,
    pub actor_user_id: Option<String>,
    pub actor_role: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<String>,
    pub outcome: String,
    pub reason: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEntry {
    /// The hash this entry must carry: over the previous hash and an unambiguous (JSON)
    /// encoding of every field.
    fn expected_hash(&self) -> String {
        let canonical = serde_json::json!([
            self.seq,
            self.id,
            self.at,
            self.actor_user_id,
            self.actor_role,
            self.action,
            self.target_type,
            self.target_id,
            self.outcome,
            self.reason,
        ]);
        sha256_hex(format!("{}\n{canonical}", self.prev_hash).as_bytes())
    }
}

/// The result of checking the whole trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditVerdict {
    Intact {
        entries: i64,
        checkpoints: i64,
    },
    /// The first entry that does not verify, and why.
    Broken {
        seq: i64,
        problem: AuditProblem,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditProblem {
    /// An entry is missing before this sequence number (deleted or reordered).
    Gap,
    /// The entry does not point at its predecessor's hash.
    ChainBroken,
    /// The entry's content does not match its hash (edited).
    Edited,
    /// A checkpoint's signature is not valid for this instance's key.
    BadCheckpointSignature,
    /// A checkpoint names an entry that is gone or different (the tail was cut or rewritten).
    CheckpointMismatch,
    /// A checkpoint that must exist (every CHECKPOINT_EVERY entries) is gone.
    CheckpointMissing,
    /// Entries after the last one were removed: the trail is shorter than its counter.
    Truncated,
}

impl AuditProblem {
    pub fn key(self) -> &'static str {
        match self {
            AuditProblem::Gap => "gap",
            AuditProblem::ChainBroken => "chain-broken",
            AuditProblem::Edited => "edited",
            AuditProblem::BadCheckpointSignature => "bad-checkpoint-signature",
            AuditProblem::CheckpointMismatch => "checkpoint-mismatch",
            AuditProblem::CheckpointMissing => "checkpoint-missing",
            AuditProblem::Truncated => "truncated",
        }
    }
}

/// Which entries to show: about one target (`user:<id or e-mail>`, `case:<id>`, …), by one
/// actor (by e-mail), newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub target: Option<(String, String)>,
    pub actor_email: Option<String>,
    pub limit: i64,
}

/// An entry with the e-mail addresses of the accounts it names, as a reviewer reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub entry: AuditEntry,
    pub actor_email: Option<String>,
    /// For an entry about an account.
    pub target_email: Option<String>,
}

impl Db {
    /// Appends one event in its own transaction (sign-in attempts, which no use case's
    /// transaction carries).
    pub async fn audit(&self, event: &AuditEvent) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.audit(event).await?;
        tx.commit().await
    }
}

impl Tx {
    /// The entries a reviewer asked for. Looking at the trail is itself on the trail.
    pub async fn audit_entries(
        &mut self,
        permit: &Permit<AuditTrail>,
        filter: &AuditFilter,
    ) -> Result<Vec<AuditRow>, StoreError> {
        require(permit, &[AuditAction::View])?;
        let mut sql = crate::Sql::new(
            "SELECT a.seq, a.id, a.at, a.actor_user_id, a.actor_role, a.action, a.target_type, a.target_id, \
             a.outcome, a.reason, a.prev_hash, a.hash, au.email AS actor_email, tu.email AS target_email \
             FROM audit_log a LEFT JOIN users au ON au.id = a.actor_user_id \
             LEFT JOIN users tu ON a.target_type = 'user' AND tu.id = a.target_id WHERE 1 = 1",
        );
        if let Some((target_type, target_id)) = &filter.target {
            sql.push(" AND a.target_type = ")
                .bind(target_type.as_str())
                .push(" AND (a.target_id = ")
                .bind(target_id.as_str())
                .push(" OR tu.email = ")
                .bind(target_id.to_lowercase())
                .push(")");
        }
        if let Some(email) = &filter.actor_email {
            sql.push(" AND au.email = ").bind(email.as_str());
        }
        sql.push(" ORDER BY a.seq DESC LIMIT ")
            .bind(filter.limit.clamp(1, 10_000));
        let rows = sql.query().fetch_all(self.conn()).await?;
        let rows = rows
            .iter()
            .map(|row| {
                Ok(AuditRow {
                    entry: entry_from_row(row)?,
                    actor_email: row.try_get("actor_email")?,
                    target_email: row.try_get("target_email")?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let mut event = permit.audit_event(Outcome::Success);
        if let Some((kind, id)) = &filter.target {
            event = event.target(format!("{kind}:{id}"));
        }
        self.audit(&event).await?;
        Ok(rows)
    }
}

impl Db {
    /// Checks every entry and every checkpoint; reports the first problem found.
    pub async fn verify_audit(
        &self,
        permit: &Permit<AuditTrail>,
    ) -> Result<AuditVerdict, StoreError> {
        require(permit, &[AuditAction::View, AuditAction::Verify])?;
        let signer = self.audit_signer();
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {ENTRY_COLUMNS} FROM audit_log ORDER BY seq"
        )))
        .fetch_all(self.pool())
        .await?;
        let mut previous_hash = GENESIS.to_owned();
        let mut hashes = std::collections::HashMap::new();
        for (expected_seq, row) in (1_i64..).zip(rows.iter()) {
            let entry = entry_from_row(row)?;
            if entry.seq != expected_seq {
                return Ok(AuditVerdict::Broken {
                    seq: expected_seq,
                    problem: AuditProblem::Gap,
                });
            }
            if entry.prev_hash != previous_hash {
                return Ok(AuditVerdict::Broken {
                    seq: entry.seq,
                    problem: AuditProblem::ChainBroken,
                });
            }
            if entry.hash != entry.expected_hash() {
                return Ok(AuditVerdict::Broken {
                    seq: entry.seq,
                    problem: AuditProblem::Edited,
                });
            }
            hashes.insert(entry.seq, entry.hash.clone());
            previous_hash = entry.hash;
        }
        let checkpoints =
            sqlx::query("SELECT seq, hash, signature FROM audit_checkpoints ORDER BY seq")
                .fetch_all(self.pool())
                .await?;
        for row in &checkpoints {
            let seq: i64 = row.try_get("seq")?;
            let hash: String = row.try_get("hash")?;
            let signature: String = row.try_get("signature")?;
            let signature = decode_hex(&signature).unwrap_or_default();
            let Some(signer) = signer else {
                return Err(StoreError::NoKey);
            };
            if !signer.verify(checkpoint_message(seq, &hash).as_bytes(), &signature) {
                return Ok(AuditVerdict::Broken {
                    seq,
                    problem: AuditProblem::BadCheckpointSignature,
                });
            }
            if hashes.get(&seq) != Some(&hash) {
                return Ok(AuditVerdict::Broken {
                    seq,
                    problem: AuditProblem::CheckpointMismatch,
                });
            }
        }
        // Every multiple of CHECKPOINT_EVERY up to the last entry has its signed checkpoint,
        // so rewriting the chain means forging signatures, not just deleting checkpoints.
        let entries = rows.len() as i64;
        let signed: std::collections::HashSet<i64> = checkpoints
            .iter()
            .map(|r| r.try_get::<i64, _>("seq"))
            .collect::<Result<_, _>>()?;
        if let Some(missing) = (1..=entries / CHECKPOINT_EVERY)
            .map(|k| k * CHECKPOINT_EVERY)
            .find(|s| !signed.contains(s))
        {
            return Ok(AuditVerdict::Broken {
                seq: missing,
                problem: AuditProblem::CheckpointMissing,
            });
        }
        // The counter every append moves says how long the trail must be.
        let counted: i64 = sqlx::query("SELECT version FROM change_counters WHERE name = $1")
            .bind("audit")
            .fetch_one(self.pool())
            .await?
            .try_get("version")?;
        if counted != entries {
            return Ok(AuditVerdict::Broken {
                seq: entries + 1,
                problem: AuditProblem::Truncated,
            });
        }
        Ok(AuditVerdict::Intact {
            entries,
            checkpoints: checkpoints.len() as i64,
        })
    }
}

const ENTRY_COLUMNS: &str = "seq, id, at, actor_user_id, actor_role, action, target_type, target_id, \
                             outcome, reason, prev_hash, hash";

/// Appends an event inside the caller's transaction, so the audit entry and the change it
/// records commit together or not at all.
pub(crate) async fn append(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    event: &AuditEvent,
    signer: Option<&AuditSigner>,
) -> Result<(), StoreError> {
    let at = now_ms();
    let seq: i64 = sqlx::query(
        "UPDATE change_counters SET version = version + 1, updated_at = $1 WHERE name = $2 RETURNING version",
    )
    .bind(at)
    .bind("audit")
    .fetch_one(&mut **tx)
    .await?
    .try_get("version")?;
    let prev_hash = if seq == 1 {
        GENESIS.to_owned()
    } else {
        sqlx::query("SELECT hash FROM audit_log WHERE seq = $1")
            .bind(seq - 1)
            .fetch_one(&mut **tx)
            .await?
            .try_get::<String, _>("hash")?
    };
    let mut entry = AuditEntry {
        seq,
        id: uuid::Uuid::now_v7().to_string(),
        at,
        actor_user_id: event.actor.map(|(user, _)| user.to_string()),
        actor_role: event.actor.map(|(_, role)| role.key().to_owned()),
        action: event.action.to_owned(),
        target_type: event.target_type.to_owned(),
        target_id: event.target_id.clone(),
        outcome: event.outcome.key().to_owned(),
        reason: event.reason.map(str::to_owned),
        prev_hash,
        hash: String::new(),
    };
    entry.hash = entry.expected_hash();
    sqlx::query(
        "INSERT INTO audit_log (seq, id, at, actor_user_id, actor_role, action, target_type, target_id, \
             outcome, reason, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(entry.seq)
    .bind(entry.id.clone())
    .bind(entry.at)
    .bind(entry.actor_user_id.clone())
    .bind(entry.actor_role.clone())
    .bind(entry.action.clone())
    .bind(entry.target_type.clone())
    .bind(entry.target_id.clone())
    .bind(entry.outcome.clone())
    .bind(entry.reason.clone())
    .bind(entry.prev_hash.clone())
    .bind(entry.hash.clone())
    .execute(&mut **tx)
    .await?;
    if seq % CHECKPOINT_EVERY == 0 {
        let signer = signer.ok_or(StoreError::NoKey)?;
        let signature = signer.sign(checkpoint_message(seq, &entry.hash).as_bytes());
        sqlx::query(
            "INSERT INTO audit_checkpoints (seq, hash, signed_at, public_key, signature) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(seq)
        .bind(entry.hash.clone())
        .bind(entry.at)
        .bind(signer.public_key_hex())
        .bind(encode_hex(&signature))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

fn checkpoint_message(seq: i64, hash: &str) -> String {
    format!("mosaique-audit-checkpoint\n{seq}\n{hash}")
}

pub(crate) fn entry_from_row(row: &sqlx::any::AnyRow) -> Result<AuditEntry, StoreError> {
    Ok(AuditEntry {
        seq: row.try_get("seq")?,
        id: row.try_get("id")?,
        at: row.try_get("at")?,
        actor_user_id: row.try_get("actor_user_id")?,
        actor_role: row.try_get("actor_role")?,
        action: row.try_get("action")?,
        target_type: row.try_get("target_type")?,
        target_id: row.try_get("target_id")?,
        outcome: row.try_get("outcome")?,
        reason: row.try_get("reason")?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

pub(crate) fn encode_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use mosaique_domain::{Role, UserId};

    use super::*;
    use crate::db_test;
    use crate::testing::{audit_trail, verify_audit};

    async fn fill(db: &Db, n: usize) {
        let actor = (UserId::new(), Role::Caseworker);
        for i in 0..n {
            let event = AuditEvent::new("test.read", "case", Outcome::Success).target(i);
            db.audit(&AuditEvent {
                actor: Some(actor),
                ..event
            })
            .await
            .unwrap();
        }
    }

    async fn exec(db: &Db, sql: &'static str) {
        sqlx::query(sql).execute(db.pool()).await.unwrap();
    }

    db_test!(an_untouched_trail_verifies_with_checkpoints, |db| {
        fill(&db, 120).await;
        assert_eq!(
            verify_audit(&db).await,
            AuditVerdict::Intact {
                entries: 120,
                checkpoints: 2
            }
        );
        let newest = audit_trail(&db, Some(("case", "119")), None, 5).await;
        assert_eq!(newest.len(), 1);
        assert_eq!(newest[0].seq, 120);
    });

    db_test!(an_edited_entry_is_named, |db| {
        fill(&db, 10).await;
        exec(
            &db,
            "UPDATE audit_log SET target_id = 'someone-else' WHERE seq = 4",
        )
        .await;
        assert_eq!(
            verify_audit(&db).await,
            AuditVerdict::Broken {
                seq: 4,
                problem: AuditProblem::Edited
            }
        );
    });

    db_test!(
        an_edited_entry_with_a_recomputed_hash_breaks_the_chain,
        |db| {
            fill(&db, 10).await;
            // A careful forger rewrites the hash too; the next entry no longer points at it.
            let mut entry = audit_trail(&db, Some(("case", "3")), None, 1)
                .await
                .remove(0);
            entry.target_id = Some("forged".into());
            let forged = entry.expected_hash();
            sqlx::query("UPDATE audit_log SET target_id = 'forged', hash = $1 WHERE seq = 4")
                .bind(forged)
                .execute(db.pool())
                .await
                .unwrap();
            assert_eq!(
                verify_audit(&db).await,
                AuditVerdict::Broken {
                    seq: 5,
                    problem: AuditProblem::ChainBroken
                }
            );
        }
    );

    db_test!(a_deleted_entry_is_a_gap, |db| {
        fill(&db, 10).await;
        exec(&db, "DELETE FROM audit_log WHERE seq = 6").await;
        assert_eq!(
            verify_audit(&db).await,
            AuditVerdict::Broken {
                seq: 6,
                problem: AuditProblem::Gap
            }
        );
    });

    db_test!(reordered_entries_break_the_chain, |db| {
        fill(&db, 10).await;
        exec(&db, "UPDATE audit_log SET seq = 1000 WHERE seq = 3").await;
        exec(&db, "UPDATE audit_log SET seq = 3 WHERE seq = 4").await;
        exec(&db, "UPDATE audit_log SET seq = 4 WHERE seq = 1000").await;
        assert_eq!(
            verify_audit(&db).await,
            AuditVerdict::Broken {
                seq: 3,
                problem: AuditProblem::ChainBroken
            }
        );
    });

    db_test!(a_truncated_tail_contradicts_the_last_checkpoint, |db| {
        fill(&db, 60).await;
        exec(&db, "DELETE FROM audit_log WHERE seq > 45").await;
        assert_eq!(
            verify_audit(&db).await,
            AuditVerdict::Broken {
                seq: 50,
                problem: AuditProblem::CheckpointMismatch
            }
        );
    });

    db_test!(a_cut_tail_is_detected_even_between_checkpoints, |db| {
        fill(&db, 60).await;
        exec(&db, "DELETE FROM audit_log WHERE seq > 55").await;
        assert_eq!(
            verify_audit(&db).await,
            AuditVerdict::Broken {
                seq: 56,
                problem: AuditProblem::Truncated
            }
        );
    });

    db_test!(
        a_rewritten_chain_without_its_checkpoints_is_detected,
        |db| {
            fill(&db, 60).await;
            exec(&db, "DELETE FROM audit_checkpoints").await;
            assert_eq!(
                verify_audit(&db).await,
                AuditVerdict::Broken {
                    seq: 50,
                    problem: AuditProblem::CheckpointMissing
                }
            );
        }
    );

    db_test!(a_forged_checkpoint_signature_is_detected, |db| {
        fill(&db, 50).await;
        exec(
            &db,
            "UPDATE audit_checkpoints SET signature = '00' WHERE seq = 50",
        )
        .await;
        assert_eq!(
            verify_audit(&db).await,
            AuditVerdict::Broken {
                seq: 50,
                problem: AuditProblem::BadCheckpointSignature
            }
        );
    });

    db_test!(concurrent_appends_keep_one_unbroken_chain, |db| {
        let mut tasks = Vec::new();
        for _ in 0..4 {
            let db = db.clone();
            tasks.push(tokio::spawn(async move { fill(&db, 15).await }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(
            verify_audit(&db).await,
            AuditVerdict::Intact {
                entries: 60,
                checkpoints: 1
            }
        );
    });
}
