//! Keeps this server's derived search index in step with the database by polling the
//! directory change counter, so a change made through any app server shows up here too.

use mosaique_search::{DirectoryIndex, ServiceIndex};

use crate::AppState;

pub(crate) async fn run(state: AppState) {
    let mut interval = tokio::time::interval(state.settings.search_refresh);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        if let Err(error) = refresh(&state).await {
            // The old snapshot keeps serving; the next tick tries again.
            tracing::warn!(%error, "search index refresh failed");
        }
    }
}

type Failure = Box<dyn std::error::Error + Send + Sync>;

/// Brings the snapshots to the database's directory version. The rows the log names are
/// applied on a new snapshot that shares the rest (capacity, a rename, a new service, a
/// moved site: within one refresh interval at national scale); a bulk load, or a log that
/// no longer reaches this snapshot's version, rebuilds both indexes.
pub(crate) async fn refresh(state: &AppState) -> Result<bool, Failure> {
    let version = state.db.directory_version().await?;
    let current = state.service_index();
    if current
        .as_ref()
        .is_some_and(|index| index.version() == version)
    {
        return Ok(false);
    }
    if let Some(current) = current
        && let Some(changes) = in_place(state, current.version(), version).await
    {
        let counts = (
            changes.services.len(),
            changes.organizations.len(),
            changes.locations.len(),
        );
        let directory = state.search_index();
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
        // An update that fails is retried as a rebuild: the same error would otherwise come
        // back at every tick and the snapshot would never move again.
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
            state.metrics.search_updated();
            match organizations {
                Some(organizations) => state.set_search_index(organizations, next),
                None => state.set_service_index(next),
            }
            return Ok(true);
        }
    }
    rebuild(state, version).await?;
    Ok(true)
}

/// The changes since `from`, or `None` when they must be read by a rebuild (the log does
/// not account for them, or reading it failed).
async fn in_place(
    state: &AppState,
    from: i64,
    to: i64,
) -> Option<mosaique_store::DirectoryChanges> {
    state
        .db
        .directory_changes_after(from, to)
        .await
        .unwrap_or_else(|error| {
            tracing::warn!(%error, "directory change log unreadable; rebuilding");
            None
        })
}

async fn rebuild(state: &AppState, version: i64) -> Result<(), Failure> {
    let organizations = state.db.all_organizations().await?;
    let services = state.db.all_services().await?;
    let locations = state.db.all_locations().await?;
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
    state.set_search_index(index, service_index);
    state.metrics.search_rebuilt();
    Ok(())
}
