//! Closed vocabularies with stable keys.

/// Declares a closed vocabulary whose stable keys are stored in the database, sent in the API
/// and used as Fluent message ids (`{prefix}-{key}`), so a label exists in both languages.
macro_rules! vocabulary_enum {
    ($(#[$doc:meta])* $name:ident, $error:literal { $($variant:ident => $key:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(#[serde(rename = $key)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn key(self) -> &'static str {
                match self {
                    $($name::$variant => $key),+
                }
            }
        }

        impl $crate::vocabulary::Vocabulary for $name {
            fn keys() -> Vec<&'static str> {
                $name::ALL.iter().map(|v| v.key()).collect()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.key())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::vocabulary::UnknownValue;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($key => Ok($name::$variant),)+
                    other => Err($crate::vocabulary::UnknownValue { field: $error, value: other.to_owned() }),
                }
            }
        }
    };
}

pub(crate) use vocabulary_enum as vocabulary;

/// A closed vocabulary: its stable keys, in order (for documents that list them).
pub trait Vocabulary {
    fn keys() -> Vec<&'static str>;
}

/// A key outside a closed vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: unknown value {value:?}")]
pub struct UnknownValue {
    pub field: &'static str,
    pub value: String,
}
