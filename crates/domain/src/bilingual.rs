//! A value in both of Mosaïque's languages: every French/English pair of the model (a name,
//! a description, an instrument's question) is one `Bilingual`, so no view can pick a field
//! by hand and show French to an English reader.

use serde::{Deserialize, Serialize};

use crate::Language;

/// The French and the English form of one thing. Serialized as `{"fr": …, "en": …}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bilingual<T> {
    pub fr: T,
    pub en: T,
}

impl<T> Bilingual<T> {
    pub fn new(fr: T, en: T) -> Bilingual<T> {
        Bilingual { fr, en }
    }

    /// The form in `language`.
    pub fn get(&self, language: Language) -> &T {
        match language {
            Language::Fr => &self.fr,
            Language::En => &self.en,
        }
    }

    pub fn get_mut(&mut self, language: Language) -> &mut T {
        match language {
            Language::Fr => &mut self.fr,
            Language::En => &mut self.en,
        }
    }

    pub fn map<U>(self, mut f: impl FnMut(T) -> U) -> Bilingual<U> {
        Bilingual {
            fr: f(self.fr),
            en: f(self.en),
        }
    }

    pub fn as_ref(&self) -> Bilingual<&T> {
        Bilingual {
            fr: &self.fr,
            en: &self.en,
        }
    }

    /// Both forms, French first.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        [&self.fr, &self.en].into_iter()
    }
}

impl<T: Clone> Bilingual<T> {
    /// The same value in both languages (a proper name, an untranslated import).
    pub fn both(value: T) -> Bilingual<T> {
        Bilingual {
            fr: value.clone(),
            en: value,
        }
    }
}

impl Bilingual<String> {
    /// The text in `language`, as `&str`.
    pub fn text(&self, language: Language) -> &str {
        self.get(language)
    }

    /// Borrowed forms, to serialize a page of results without copying a string.
    pub fn as_str(&self) -> Bilingual<&str> {
        Bilingual {
            fr: &self.fr,
            en: &self.en,
        }
    }
}

impl<'a> Bilingual<&'a str> {
    pub fn text(&self, language: Language) -> &'a str {
        match language {
            Language::Fr => self.fr,
            Language::En => self.en,
        }
    }
}

/// One schema for every text pair of the API: `{"fr": …, "en": …}`, both required.
#[cfg(feature = "openapi")]
impl<T: utoipa::ToSchema> utoipa::PartialSchema for Bilingual<T> {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .description(Some("The same text in French and in English."))
            .property("fr", T::schema())
            .required("fr")
            .property("en", T::schema())
            .required("en")
            .into()
    }
}

#[cfg(feature = "openapi")]
impl<T: utoipa::ToSchema> utoipa::ToSchema for Bilingual<T> {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("Bilingual")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_gets_its_own_form() {
        let name = Bilingual::new("Refuge".to_owned(), "Shelter".to_owned());
        assert_eq!(name.text(Language::Fr), "Refuge");
        assert_eq!(name.text(Language::En), "Shelter");
        assert_eq!(name.as_str().text(Language::En), "Shelter");
        assert_eq!(name.clone().map(|s| s.len()), Bilingual::new(6, 7));
        assert_eq!(name.iter().count(), 2);
    }

    #[test]
    fn serializes_as_a_pair_and_refuses_a_third_language() {
        let name = Bilingual::new("Refuge", "Shelter");
        assert_eq!(
            serde_json::to_string(&name).ok().as_deref(),
            Some(r#"{"fr":"Refuge","en":"Shelter"}"#)
        );
        assert!(
            serde_json::from_str::<Bilingual<String>>(r#"{"fr":"a","en":"b","es":"c"}"#).is_err()
        );
    }
}
