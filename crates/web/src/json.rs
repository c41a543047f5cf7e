//! JSON shapes the API's resources share (the organization and the service both list the
//! areas they serve), kept apart so no resource module depends on another.

use mosaique_domain::Bilingual;
use serde::Serialize;
use utoipa::ToSchema;

/// A text pair as the API's documents name it (one `Bilingual` schema for all of them):
/// fields borrowing their text declare `#[schema(value_type = BilingualText)]`.
pub(crate) type BilingualText = Bilingual<String>;

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AreaJson {
    /// `province`, `region` or `municipality`.
    pub kind: &'static str,
    pub code: String,
}

impl From<&mosaique_domain::service::ServiceArea> for AreaJson {
    fn from(area: &mosaique_domain::service::ServiceArea) -> AreaJson {
        AreaJson {
            kind: area.kind.key(),
            code: area.code.clone(),
        }
    }
}
