//! One use case, one transaction: what it writes and the audit entries that record it commit
//! together, or nothing does. A [`Tx`] is dropped without `commit` on any error: the
//! database rolls it back.

use std::sync::Arc;

use mosaique_domain::audit::AuditEvent;

use crate::keys::Keys;
use crate::{Db, StoreError, audit};

/// A write transaction and the keys that seal what it writes.
#[derive(Debug)]
pub struct Tx {
    pub(crate) inner: sqlx::Transaction<'static, sqlx::Any>,
    pub(crate) keys: Option<Arc<Keys>>,
}

impl Db {
    /// Starts the transaction of one use case. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so concurrent writers wait their turn instead of failing when
    /// their read snapshot turns out stale.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(Tx {
            inner: self.begin_write().await?,
            keys: self.keys.clone(),
        })
    }
}

impl Tx {
    pub async fn commit(self) -> Result<(), StoreError> {
        self.inner.commit().await?;
        Ok(())
    }

    /// Appends an entry to the audit trail, committed with the rest.
    pub async fn audit(&mut self, event: &AuditEvent) -> Result<(), StoreError> {
        let signer = self.keys.as_deref().map(Keys::audit_signer);
        audit::append(&mut self.inner, event, signer).await
    }

    pub(crate) fn keys(&self) -> Result<&Keys, StoreError> {
        self.keys.as_deref().ok_or(StoreError::NoKey)
    }

    pub(crate) fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.inner
    }
}
