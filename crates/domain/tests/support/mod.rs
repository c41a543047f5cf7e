//! What the screening tests share: the shipped instrument versions.

use std::collections::BTreeMap;

use mosaique_domain::screening::Instrument;
use mosaique_domain::screening::shipped::shipped;

/// Every shipped version, by key and version.
pub fn instruments() -> BTreeMap<(String, u32), Instrument> {
    shipped()
        .expect("shipped instruments pass their checks")
        .into_iter()
        .map(|i| ((i.key().to_owned(), i.version()), i))
        .collect()
}
