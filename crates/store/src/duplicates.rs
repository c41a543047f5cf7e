//! Possible duplicate cases within one organization, found by blind indexes under that
//! organization's own key: equal folded aliases, or equal names with dates of birth. The
//! tokens cannot be compared across organizations, nor read back.

use mosaique_crypto::BlindIndex;
use mosaique_domain::CaseId;
use mosaique_domain::case::{Identity, Party, match_keys};
use mosaique_domain::policy::Permit;
use mosaique_domain::policy::case::{CaseOpening, OpeningAction};
use sqlx::Row;

use crate::cases::parse_id;
use crate::keys::scope_blind_index;
use crate::permits::require;
use crate::{StoreError, Tx};

fn scope(party: Party) -> String {
    match party {
        Party::Coalition => "match:coalition".to_owned(),
        Party::Organization(org) => format!("match:org:{org}"),
    }
}

fn org_text(party: Party) -> Option<String> {
    match party {
        Party::Coalition => None,
        Party::Organization(org) => Some(org.to_string()),
    }
}

impl Tx {
    async fn match_index(
        &mut self,
        party: Party,
        create: bool,
    ) -> Result<Option<BlindIndex>, StoreError> {
        let keys = self.keys.clone().ok_or(StoreError::NoKey)?;
        scope_blind_index(&mut self.inner, keys.masters(), &scope(party), create).await
    }

    /// Writes the case's match keys for its lead party (replacing those it had).
    pub(crate) async fn index_for_duplicates(
        &mut self,
        case: CaseId,
        lead: Party,
        alias: Option<&str>,
        identity: &Identity,
    ) -> Result<(), StoreError> {
        let index = self
            .match_index(lead, true)
            .await?
            .ok_or(StoreError::NoKey)?;
        let keys = match alias {
            Some(alias) => match_keys(alias, identity),
            // The alias does not change: only the identity's key is rewritten.
            None => match_keys("", identity)
                .into_iter()
                .filter(|(kind, _)| *kind == "identity")
                .collect(),
        };
        if alias.is_none() {
            sqlx::query("DELETE FROM case_match_keys WHERE case_id = $1 AND kind = 'identity'")
                .bind(case.to_string())
                .execute(self.conn())
                .await?;
        }
        for (kind, value) in keys {
            sqlx::query(
                "INSERT INTO case_match_keys (case_id, org_id, kind, token) VALUES ($1, $2, $3, $4)",
            )
            .bind(case.to_string())
            .bind(org_text(lead))
            .bind(kind)
            .bind(index.compute(&value))
            .execute(self.conn())
            .await?;
        }
        Ok(())
    }

    /// The cases of the opener's party that may be the person about to be opened (the same
    /// folded alias, or the same name and date of birth), with their references. Whether
    /// the opener may see one is the policy's to say, not this query's.
    pub async fn possible_duplicates(
        &mut self,
        permit: &Permit<CaseOpening>,
        alias: &str,
        identity: &Identity,
    ) -> Result<Vec<(CaseId, String)>, StoreError> {
        require(permit, &[OpeningAction::Open])?;
        let lead = permit.resource().lead;
        // No key yet: no case was ever indexed for this party.
        let Some(index) = self.match_index(lead, false).await? else {
            return Ok(Vec::new());
        };
        let mut found: Vec<(CaseId, String)> = Vec::new();
        for (kind, value) in match_keys(alias, identity) {
            let rows = sqlx::query(
                "SELECT c.id, c.reference \
                 FROM case_match_keys k JOIN cases c ON c.id = k.case_id \
                 WHERE k.token = $1 AND k.kind = $2 AND (k.org_id = $3 OR (k.org_id IS NULL AND $3 IS NULL)) \
                 ORDER BY c.reference",
            )
            .bind(index.compute(&value))
            .bind(kind)
            .bind(org_text(lead))
            .fetch_all(self.conn())
            .await?;
            for r in &rows {
                let case: CaseId = parse_id(r, "id")?;
                if found.iter().all(|(f, _)| *f != case) {
                    found.push((case, r.try_get("reference")?));
                }
            }
        }
        Ok(found)
    }
}
