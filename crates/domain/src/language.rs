//! The two languages Mosaïque speaks. French is the default everywhere.

use std::fmt;
use std::str::FromStr;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Fr,
    En,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::Fr, Language::En];

    /// BCP 47 code, as used in `<html lang>`, cookies and `?lang=`.
    pub fn code(self) -> &'static str {
        match self {
            Language::Fr => "fr",
            Language::En => "en",
        }
    }

    /// The other language, for the language switch.
    pub fn other(self) -> Language {
        match self {
            Language::Fr => Language::En,
            Language::En => Language::Fr,
        }
    }

    /// Picks the first supported language of an `Accept-Language` header, honouring q-values.
    /// Returns `None` when the header names neither French nor English.
    pub fn from_accept_language(header: &str) -> Option<Language> {
        let mut best: Option<(f32, usize, Language)> = None;
        for (position, part) in header.split(',').enumerate() {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim();
            let quality = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if quality <= 0.0 {
                continue;
            }
            let primary = tag.split('-').next().unwrap_or("");
            let Ok(language) = primary.parse::<Language>() else {
                continue;
            };
            // Higher quality wins; on a tie, the earlier entry wins.
            let better = match best {
                None => true,
                Some((q, _, _)) => quality > q,
            };
            if better {
                best = Some((quality, position, language));
            }
        }
        best.map(|(_, _, language)| language)
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported language {0:?}: use fr or en")]
pub struct UnsupportedLanguage(pub String);

impl FromStr for Language {
    type Err = UnsupportedLanguage;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fr" => Ok(Language::Fr),
            "en" => Ok(Language::En),
            other => Err(UnsupportedLanguage(other.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_best_supported_tag() {
        let cases = [
            ("fr-CA,fr;q=0.9,en;q=0.8", Some(Language::Fr)),
            ("en-US,en;q=0.9", Some(Language::En)),
            ("de-DE,de;q=0.9,en;q=0.5,fr;q=0.4", Some(Language::En)),
            ("en;q=0.2, fr;q=0.8", Some(Language::Fr)),
            ("fr;q=0, en", Some(Language::En)),
            ("es, de", None),
            ("", None),
            ("*", None),
            (";;;,,q=", None),
        ];
        for (header, expected) in cases {
            assert_eq!(Language::from_accept_language(header), expected, "{header}");
        }
    }

    #[test]
    fn parses_codes_case_insensitively() {
        assert_eq!("FR".parse(), Ok(Language::Fr));
        assert_eq!(" en ".parse(), Ok(Language::En));
        assert!("de".parse::<Language>().is_err());
        assert_eq!(Language::default(), Language::Fr);
    }
}
