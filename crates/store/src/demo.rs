//! The demo coalition: every organization and coalition named in the source talk.
//!
//! The data file holds only what the source says (or a name states); no invented facts about
//! real organizations.

use mosaique_domain::NewOrganization;
use mosaique_domain::policy::Permit;
use mosaique_domain::policy::directory::Directory;

use crate::{Db, StoreError, UpsertOutcome};

const ORGANIZATIONS: &str = include_str!("../../../data/demo/organizations.toml");

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoFile {
    organization: Vec<NewOrganization>,
}

/// What loading the demo changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DemoReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// The demo organizations, parsed and validated.
pub fn organizations() -> Result<Vec<NewOrganization>, StoreError> {
    let file: DemoFile = toml::from_str(ORGANIZATIONS)
        .map_err(|e| StoreError::Invalid(format!("demo organizations: {e}")))?;
    Ok(file.organization)
}

/// Loads (or refreshes) the demo directory in one transaction, matching rows by slug.
/// Running it twice changes nothing the second time.
pub async fn load(db: &Db, permit: &Permit<Directory>) -> Result<DemoReport, StoreError> {
    let mut report = DemoReport::default();
    for outcome in db.upsert_organizations(permit, &organizations()?).await? {
        match outcome {
            UpsertOutcome::Created => report.created += 1,
            UpsertOutcome::Updated => report.updated += 1,
            UpsertOutcome::Unchanged => report.unchanged += 1,
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use mosaique_domain::{Level, Province};

    use super::*;

    #[test]
    fn demo_file_is_valid_and_complete() {
        let orgs = organizations().expect("demo file parses");
        for org in &orgs {
            assert_eq!(org.validate(), Ok(()), "{}", org.slug);
        }
        let mut slugs: Vec<_> = orgs.iter().map(|o| o.slug.as_str()).collect();
        slugs.sort_unstable();
        slugs.dedup();
        assert_eq!(slugs.len(), orgs.len(), "slugs are unique");
        let cqtp = orgs
            .iter()
            .find(|o| o.slug == "cqtp")
            .expect("the Québec coalition");
        assert_eq!(
            (cqtp.province, cqtp.level, cqtp.founded_year),
            (Some(Province::Qc), Some(Level::Provincial), Some(2011))
        );
        // Every provincial or municipal coalition on the source's slide is there.
        for slug in [
            "bc-octip",
            "act-alberta",
            "tracias-trust",
            "wefight-windsor-essex",
            "ottawa-coalition",
            "london-committee",
            "toronto-counter-human-trafficking-network",
            "nb-task-force",
            "ns-committee",
            "pei-committee",
            "nl-committee",
        ] {
            assert!(orgs.iter().any(|o| o.slug == slug), "{slug}");
        }
        assert!(orgs.len() >= 45);
    }
}
