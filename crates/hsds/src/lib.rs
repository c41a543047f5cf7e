//! Open Referral HSDS 3.1, Mosaïque Canada profile (`docs/hsds/README.md`).
//!
//! - [`publish`] turns the directory into HSDS objects, one publication language at a time,
//!   and decides once, for every outlet (API, JSON and CSV exports), what a confidential
//!   location may show.
//! - [`tabular`] flattens published organizations into the CSV tables of the datapackage.
//! - [`read`] reads an HSDS JSON or CSV package back into directory records, naming every
//!   bad row by file, line and reason.
//!
//! No I/O here: callers read and write files and the database.

pub mod mapping;
pub mod publish;
pub mod read;
pub mod schema;
pub mod tabular;

use mosaique_domain::Language;
use uuid::Uuid;

/// The HSDS version published at `GET /hsds/`.
pub const HSDS_VERSION: &str = "3.1";
/// Version of the Mosaïque Canada profile (semver, independent of HSDS).
pub const PROFILE_VERSION: &str = "0.1.0";

/// Namespace of every id Mosaïque derives for HSDS child objects (schedules, phones,
/// languages…) that our model keeps as fields, and for taxonomy records: the same input
/// gives the same id in both languages and in every export.
const NAMESPACE: Uuid = Uuid::from_u128(0x6d6f_7361_6971_5500_8000_6873_6473_3331);

/// A stable id for a child object `kind` number or key `key` of record `parent`.
pub fn derived_id(parent: Uuid, kind: &str, key: &str) -> Uuid {
    Uuid::new_v5(&NAMESPACE, format!("{parent}/{kind}/{key}").as_bytes())
}

/// The id of our taxonomy (`taxonomy.toml`'s `id`).
pub fn taxonomy_id() -> Uuid {
    let t = mosaique_domain::directory::taxonomy::taxonomy();
    Uuid::new_v5(&NAMESPACE, format!("taxonomy/{}", t.taxonomy.id).as_bytes())
}

/// The id of a term (or domain) of our taxonomy, by its code.
pub fn term_id(code: &str) -> Uuid {
    Uuid::new_v5(&NAMESPACE, format!("term/{code}").as_bytes())
}

/// The code of the term with this id, if it is one of ours.
pub fn term_code(id: Uuid) -> Option<&'static str> {
    mosaique_domain::directory::taxonomy::taxonomy()
        .terms
        .iter()
        .find(|t| term_id(&t.code) == id)
        .map(|t| t.code.as_str())
}

/// The words a publication needs in each language (sentences for plain-HSDS consumers,
/// unit and area names). The web crate answers from its Fluent bundles, so exports and the
/// API say the same thing as the pages.
pub trait Texts: Sync {
    /// The message `key` in `lang`, with named arguments.
    fn text(&self, lang: Language, key: &str, args: &[(&'static str, String)]) -> String;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_ids_are_stable_and_distinct() {
        let parent = Uuid::from_u128(7);
        assert_eq!(
            derived_id(parent, "phone", "0"),
            derived_id(parent, "phone", "0")
        );
        assert_ne!(
            derived_id(parent, "phone", "0"),
            derived_id(parent, "phone", "1")
        );
        assert_ne!(
            derived_id(parent, "phone", "0"),
            derived_id(parent, "schedule", "0")
        );
        // Pinned: published ids must never change between releases.
        assert_eq!(
            term_id("immediate_safety").to_string(),
            "98221b35-797c-5901-b3e7-20308e6f9362"
        );
    }

    #[test]
    fn every_term_id_leads_back_to_its_code() {
        for t in &mosaique_domain::directory::taxonomy::taxonomy().terms {
            assert_eq!(term_code(term_id(&t.code)), Some(t.code.as_str()));
        }
        assert_eq!(term_code(Uuid::nil()), None);
    }
}
