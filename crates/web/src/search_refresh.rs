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

/// Brings the snapshots to the database's directory version: service-only changes that
/// leave the text alone (capacity, status, hours, eligibility) are applied in place within
/// one refresh interval; anything else rebuilds both indexes.
pub(crate) async fn refresh(
    state: &AppState,
) -> Result<bool, Box<dyn std::error::Error + Send + Sync>> {
    let version = state.db.directory_version().await?;
    let current = state.service_index();
    if current
        .as_ref()
        .is_some_and(|index| index.version() == version)
    {
        return Ok(false);
    }
    let read_at = mosaique_store::now_ms();
    let structure = state.db.structure_version().await?;
    if let Some(current) = current
        && current.structure() == structure
    {
        // Exactly the services the versions since this snapshot changed, from the log.
        if let Some(changed) = state
            .db
            .services_changed_after(current.version(), version)
            .await?
        {
            let count = changed.len();
            if let Some(next) = current.with_changed_services(changed, version, read_at) {
                tracing::debug!(
                    version,
                    changed = count,
                    "service snapshot updated in place"
                );
                state.set_service_index(next);
                return Ok(true);
            }
        }
    }
    let organizations = state.db.all_organizations().await?;
    let services = state.db.all_services().await?;
    let locations = state.db.all_locations().await?;
    let started = std::time::Instant::now();
    let (index, service_index) = tokio::task::spawn_blocking(move || {
        Ok::<_, mosaique_search::SearchError>((
            DirectoryIndex::build(&organizations, version)?,
            ServiceIndex::build(services, &organizations, &locations, version)?
                .read_at(read_at, structure),
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
    Ok(true)
}
