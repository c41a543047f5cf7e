//! JSON shapes the API's resources share (the organization and the service both list the
//! areas they serve), kept apart so no resource module depends on another.

use mosaique_domain::{Bilingual, Language};
use serde::Serialize;
use utoipa::ToSchema;

/// A text pair as the API's documents name it (one `Bilingual` schema for all of them):
/// fields borrowing their text declare `#[schema(value_type = BilingualText)]`.
pub(crate) type BilingualText = Bilingual<String>;

/// The languages an answer gives its texts in: the request's by default (half the bytes of a
/// page of results), or both with `lang=all`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextLanguages {
    One(Language),
    Both,
}

impl TextLanguages {
    /// `lang` as the query gives it: `all` asks for both languages; `fr`, `en` or nothing
    /// for the request's language (already negotiated from it); anything else is refused,
    /// named back.
    pub fn from_value(asked: Option<&str>, lang: Language) -> Result<TextLanguages, String> {
        // Exactly the document's values: anything else (`EN`, padding) is named back, not
        // guessed, so the answer never differs from what the contract says.
        match asked {
            Some("all") => Ok(TextLanguages::Both),
            None | Some("" | "fr" | "en") => Ok(TextLanguages::One(lang)),
            Some(other) => Err(other.chars().take(40).collect()),
        }
    }

    /// The same, from a whole query string (its first `lang`, as the language layer).
    pub fn from_query(query: Option<&str>, lang: Language) -> Result<TextLanguages, String> {
        let asked = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .find(|(key, _)| key == "lang")
            .map(|(_, value)| value.into_owned());
        TextLanguages::from_value(asked.as_deref(), lang)
    }

    pub fn pick(self, text: Bilingual<&str>) -> Texts<'_> {
        let shown = |language| match self {
            TextLanguages::Both => true,
            TextLanguages::One(one) => one == language,
        };
        Texts {
            fr: shown(Language::Fr).then_some(text.fr),
            en: shown(Language::En).then_some(text.en),
        }
    }
}

/// A text in the languages asked for: `{"fr": …}`, `{"en": …}`, or both with `lang=all`.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Texts<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String)]
    pub fr: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String)]
    pub en: Option<&'a str>,
}

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

/// A nested object of a request body, or null. serde reads a struct from an array too
/// (`[null, null]`): a body field that is an object must be one.
pub(crate) fn object_or_null<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    use serde::Deserialize;
    use serde::de::Error;
    match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::Null => Ok(None),
        value @ serde_json::Value::Object(_) => serde_json::from_value(value)
            .map(Some)
            .map_err(D::Error::custom),
        _ => Err(D::Error::custom("a value, expected a JSON object")),
    }
}

/// A list of nested objects of a request body (see [`object_or_null`]).
pub(crate) fn objects<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    use serde::Deserialize;
    use serde::de::Error;
    Vec::<serde_json::Value>::deserialize(deserializer)?
        .into_iter()
        .map(|value| match value {
            serde_json::Value::Object(_) => serde_json::from_value(value).map_err(D::Error::custom),
            _ => Err(D::Error::custom("a value, expected a JSON object")),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Part {
        #[serde(default)]
        gender: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    struct Body {
        #[serde(default, deserialize_with = "super::object_or_null")]
        part: Option<Part>,
        #[serde(default, deserialize_with = "super::objects")]
        parts: Vec<Part>,
    }

    #[test]
    fn a_nested_object_is_an_object_never_an_array() {
        let read = |text: &str| serde_json::from_str::<Body>(text);
        assert!(read(r#"{"part": [null]}"#).is_err());
        assert!(read(r#"{"parts": [[null]]}"#).is_err());
        assert!(read(r#"{"part": 5}"#).is_err());
        let body = read(r#"{"part": {"gender": "woman"}, "parts": [{}]}"#).expect("objects");
        assert_eq!(body.part.and_then(|p| p.gender).as_deref(), Some("woman"));
        assert_eq!(body.parts, [Part { gender: None }]);
        assert!(read(r#"{"part": null}"#).expect("null").part.is_none());
    }
}
