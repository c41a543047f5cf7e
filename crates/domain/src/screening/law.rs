//! The legal frameworks a screening reports on, and their elements. These are law, not
//! instrument data: an instrument only says which indicators support which element.

use serde::{Deserialize, Serialize};

/// A legal framework whose elements a screening reports evidence for, never a conclusion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Framework {
    /// Criminal Code s. 279.01 and the exploitation test of s. 279.04.
    CriminalCode,
    /// Criminal Code s. 279.011: the same conduct where the person is under 18.
    CriminalCodeMinors,
    /// Criminal Code s. 279.03: travel or identity documents.
    #[serde(rename = "documents_279_03")]
    Documents27903,
    /// Immigration and Refugee Protection Act s. 118: organized coming into Canada.
    #[serde(rename = "irpa_118")]
    Irpa118,
    /// UN Palermo Protocol, art. 3: act, means, purpose.
    Palermo,
}

impl Framework {
    pub const ALL: [Framework; 5] = [
        Framework::CriminalCode,
        Framework::CriminalCodeMinors,
        Framework::Documents27903,
        Framework::Irpa118,
        Framework::Palermo,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Framework::CriminalCode => "criminal_code",
            Framework::CriminalCodeMinors => "criminal_code_minors",
            Framework::Documents27903 => "documents_279_03",
            Framework::Irpa118 => "irpa_118",
            Framework::Palermo => "palermo",
        }
    }

    /// The elements of this framework, in the order they are reported.
    pub fn elements(self) -> &'static [&'static str] {
        match self {
            Framework::CriminalCode => &[
                "act",
                "safety_fear",
                "force_or_coercion",
                "deception",
                "abuse_of_position",
            ],
            Framework::CriminalCodeMinors => &["minor", "act", "safety_fear"],
            Framework::Documents27903 => &["documents"],
            Framework::Irpa118 => &["coming_into_canada", "means"],
            Framework::Palermo => &["act", "means", "purpose"],
        }
    }

    /// Whether the framework applies only to a person under 18.
    pub fn only_for_minors(self) -> bool {
        self == Framework::CriminalCodeMinors
    }

    /// Whether an element is waived for a child (Palermo art. 3(c): no means required).
    pub fn waived_for_minor(self, element: &str) -> bool {
        self == Framework::Palermo && element == "means"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_match_serde_names() {
        for f in Framework::ALL {
            let json = serde_json::to_string(&f).expect("serializes");
            assert_eq!(json, format!("\"{}\"", f.key()));
            assert!(!f.elements().is_empty());
        }
    }
}
