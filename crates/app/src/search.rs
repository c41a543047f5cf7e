//! This server's search snapshots of the directory, kept in step with the database by
//! polling the directory change counter, so a change made through any app server shows up
//! here too. The snapshots hold public data and confidential sites alike: what a reader
//! sees of a site is decided by `domain` ([`mosaique_domain::service::Location`]).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use mosaique_search::{DirectoryIndex, ServiceIndex};

use crate::App;

/// The organization and service snapshots, swapped whole when the directory changes.
#[derive(Debug, Default)]
pub struct SearchSnapshots {
    organizations: RwLock<Option<Arc<DirectoryIndex>>>,
    services: RwLock<Option<Arc<ServiceIndex>>>,
    rebuilds: AtomicU64,
    updates: AtomicU64,
}

/// How often the snapshots moved, since start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchCounters {
    /// Rebuilt from the whole directory.
    pub rebuilds: u64,
    /// Directory changes applied in place.
    pub updates: u64,
}

fn read<T: Clone>(lock: &RwLock<T>) -> T {
    lock.read()
        .map(|guard| guard.clone())
        .unwrap_or_else(|poisoned| poisoned.into_inner().clone())
}

fn write<T>(lock: &RwLock<T>, value: T) {
    match lock.write() {
        Ok(mut guard) => *guard = value,
        Err(poisoned) => *poisoned.into_inner() = value,
    }
}

impl SearchSnapshots {
    /// The organization snapshot, once built.
    pub fn organizations(&self) -> Option<Arc<DirectoryIndex>> {
        read(&self.organizations)
    }

    /// The service snapshot, built with the organization one.
    pub fn services(&self) -> Option<Arc<ServiceIndex>> {
        read(&self.services)
    }

    pub fn counters(&self) -> SearchCounters {
        SearchCounters {
            rebuilds: self.rebuilds.load(Ordering::Relaxed),
            updates: self.updates.load(Ordering::Relaxed),
        }
    }

    /// Swaps in both snapshots; services first, so a reader that sees the new directory
    /// version also sees the services of that version.
    fn set_both(&self, organizations: DirectoryIndex, services: ServiceIndex) {
        write(&self.services, Some(Arc::new(services)));
        write(&self.organizations, Some(Arc::new(organizations)));
    }

    fn set_services(&self, services: ServiceIndex) {
        write(&self.services, Some(Arc::new(services)));
    }
}

type Failure = Box<dyn std::error::Error + Send + Sync>;

impl App {
    /// Keeps the snapshots fresh until the task is aborted.
    pub async fn run_search_refresh(self, every: Duration) {
        let mut interval = tokio::time::interval(every);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            if let Err(error) = self.refresh_search().await {
                // The old snapshot keeps serving; the next tick tries again.
                tracing::warn!(%error, "search index refresh failed");
            }
        }
    }

    /// Brings the snapshots to the database's directory version; `true` when they moved.
    /// The rows the change log names are applied on a new snapshot that shares the rest (a
    /// capacity, a rename, a new service, a moved site: within one refresh interval at
    /// national scale); a bulk load, or a log that no longer reaches this snapshot's
    /// version, rebuilds both indexes.
    pub async fn refresh_search(&self) -> Result<bool, Failure> {
        let snapshots = &self.search;
        let version = self.db.directory_version().await?;
        let current = snapshots.services();
        if current
            .as_ref()
            .is_some_and(|index| index.version() == version)
        {
            return Ok(false);
        }
        if let Some(current) = current
            && let Some(changes) = self.changes_since(current.version(), version).await
        {
            let counts = (
                changes.services.len(),
                changes.organizations.len(),
                changes.locations.len(),
            );
            let directory = snapshots.organizations();
            let next = tokio::task::spawn_blocking(move || {
                let Some(services) = current.apply(
                    changes.services,
                    &changes.organizations,
                    &changes.locations,
                    version,
                )?
                else {
                    return Ok(None);
                };
                // The organization index takes the same organizations in place.
                let organizations = if changes.organizations.is_empty() {
                    None
                } else {
                    let Some(directory) = directory else {
                        return Ok(None);
                    };
                    Some(directory.apply(&changes.organizations, version)?)
                };
                Ok::<_, mosaique_search::SearchError>(Some((services, organizations)))
            })
            .await
            .map_err(Failure::from)
            .and_then(|applied| applied.map_err(Failure::from));
            // An update that fails is retried as a rebuild: the same error would otherwise
            // come back at every tick and the snapshot would never move again.
            let next = next.unwrap_or_else(|error| {
                tracing::warn!(%error, "search update in place failed; rebuilding");
                None
            });
            if let Some((next, organizations)) = next {
                tracing::debug!(
                    version,
                    services = counts.0,
                    organizations = counts.1,
                    locations = counts.2,
                    delta = next.delta_len(),
                    "service snapshot updated in place"
                );
                snapshots.updates.fetch_add(1, Ordering::Relaxed);
                match organizations {
                    Some(organizations) => snapshots.set_both(organizations, next),
                    None => snapshots.set_services(next),
                }
                return Ok(true);
            }
        }
        self.rebuild_search(version).await?;
        Ok(true)
    }

    /// The changes since `from`, or `None` when they must be read by a rebuild (the log
    /// does not account for them, or reading it failed).
    async fn changes_since(&self, from: i64, to: i64) -> Option<mosaique_store::DirectoryChanges> {
        self.db
            .directory_changes_after(from, to)
            .await
            .unwrap_or_else(|error| {
                tracing::warn!(%error, "directory change log unreadable; rebuilding");
                None
            })
    }

    async fn rebuild_search(&self, version: i64) -> Result<(), Failure> {
        let organizations = self.db.all_organizations().await?;
        let services = self.db.all_services().await?;
        let locations = self.db.all_locations().await?;
        let started = std::time::Instant::now();
        let (index, service_index) = tokio::task::spawn_blocking(move || {
            Ok::<_, mosaique_search::SearchError>((
                DirectoryIndex::build(&organizations, version)?,
                ServiceIndex::build(services, &organizations, &locations, version)?,
            ))
        })
        .await??;
        tracing::info!(
            version,
            documents = index.len(),
            services = service_index.len(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "search index rebuilt"
        );
        self.search.set_both(index, service_index);
        self.search.rebuilds.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}
