//! The coalition's own words for the case vocabularies: a coalition may word a value its
//! way (in French and English) and retire a value from new choices. The stable keys never
//! change — reports compare them across coalitions, and rules depend on them — and a retired
//! value stays readable on the cases that have it.

use super::{ClosureReason, Exploitation, TraffickingScope};
use crate::Language;

/// A vocabulary a coalition words its own way.
#[derive(Debug, Clone, Copy)]
pub struct Configurable {
    pub name: &'static str,
    /// Its keys, in order.
    pub keys: fn() -> Vec<&'static str>,
    /// The value that cannot be retired: what a form falls back to.
    pub default: &'static str,
}

/// The vocabularies a coalition words its own way.
pub const CONFIGURABLE: [Configurable; 3] = [
    Configurable {
        name: "exploitation",
        keys: || Exploitation::ALL.iter().map(|v| v.key()).collect(),
        default: "undetermined",
    },
    Configurable {
        name: "trafficking_scope",
        keys: || TraffickingScope::ALL.iter().map(|v| v.key()).collect(),
        default: "undetermined",
    },
    Configurable {
        name: "closure_reason",
        keys: || ClosureReason::ALL.iter().map(|v| v.key()).collect(),
        default: "other",
    },
];

/// The longest label.
pub const TERM_LABEL_MAX: usize = 100;

/// One value's setting: its labels (none: the shipped wording) and whether it is retired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermSetting {
    pub vocabulary: String,
    pub key: String,
    pub label_fr: Option<String>,
    pub label_en: Option<String>,
    pub retired: bool,
}

/// What is wrong with a setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TermProblem {
    #[error("not a vocabulary a coalition words its own way")]
    UnknownVocabulary,
    #[error("not a value of this vocabulary")]
    UnknownValue,
    #[error("a label is longer than {TERM_LABEL_MAX} characters")]
    LabelTooLong,
    #[error("this value is what a form falls back to: it cannot be retired")]
    KeepsDefault,
}

impl TermProblem {
    /// The Fluent message id.
    pub fn message_id(self) -> &'static str {
        match self {
            TermProblem::UnknownVocabulary => "term-problem-vocabulary",
            TermProblem::UnknownValue => "term-problem-value",
            TermProblem::LabelTooLong => "term-problem-too-long",
            TermProblem::KeepsDefault => "term-problem-default",
        }
    }
}

impl TermSetting {
    /// Trims the labels (a blank one means the shipped wording) and names every problem.
    pub fn validate(self) -> Result<TermSetting, Vec<TermProblem>> {
        let clean = |l: Option<String>| l.map(|l| l.trim().to_owned()).filter(|l| !l.is_empty());
        let setting = TermSetting {
            label_fr: clean(self.label_fr),
            label_en: clean(self.label_en),
            ..self
        };
        let Some(vocabulary) = CONFIGURABLE.iter().find(|v| v.name == setting.vocabulary) else {
            return Err(vec![TermProblem::UnknownVocabulary]);
        };
        let mut problems = Vec::new();
        if !(vocabulary.keys)().contains(&setting.key.as_str()) {
            problems.push(TermProblem::UnknownValue);
        }
        let long = |l: &Option<String>| {
            l.as_ref()
                .is_some_and(|l| l.chars().count() > TERM_LABEL_MAX)
        };
        if long(&setting.label_fr) || long(&setting.label_en) {
            problems.push(TermProblem::LabelTooLong);
        }
        if setting.retired && setting.key == vocabulary.default {
            problems.push(TermProblem::KeepsDefault);
        }
        if problems.is_empty() {
            Ok(setting)
        } else {
            Err(problems)
        }
    }
}

/// The coalition's settings of every configurable vocabulary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Terms(pub Vec<TermSetting>);

impl Terms {
    fn setting(&self, vocabulary: &str, key: &str) -> Option<&TermSetting> {
        self.0
            .iter()
            .find(|t| t.vocabulary == vocabulary && t.key == key)
    }

    /// The coalition's label of a value in `lang`, if it gave one.
    pub fn label(&self, vocabulary: &str, key: &str, lang: Language) -> Option<&str> {
        let t = self.setting(vocabulary, key)?;
        match lang {
            Language::Fr => t.label_fr.as_deref(),
            Language::En => t.label_en.as_deref(),
        }
    }

    /// Whether new cases may no longer take the value.
    pub fn retired(&self, vocabulary: &str, key: &str) -> bool {
        self.setting(vocabulary, key).is_some_and(|t| t.retired)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setting(vocabulary: &str, key: &str) -> TermSetting {
        TermSetting {
            vocabulary: vocabulary.into(),
            key: key.into(),
            label_fr: Some("  Travail forcé (agriculture)  ".into()),
            label_en: Some(" ".into()),
            retired: false,
        }
    }

    #[test]
    fn a_setting_is_checked_and_read_back() {
        let ok = setting("exploitation", "forced_labour").validate().unwrap();
        assert_eq!(ok.label_fr.as_deref(), Some("Travail forcé (agriculture)"));
        assert_eq!(ok.label_en, None, "blank: the shipped wording");
        let terms = Terms(vec![ok]);
        assert_eq!(
            terms.label("exploitation", "forced_labour", Language::Fr),
            Some("Travail forcé (agriculture)")
        );
        assert_eq!(
            terms.label("exploitation", "forced_labour", Language::En),
            None
        );
        assert!(!terms.retired("exploitation", "forced_labour"));

        assert_eq!(
            setting("shoe_size", "x").validate().unwrap_err(),
            [TermProblem::UnknownVocabulary]
        );
        let bad = TermSetting {
            label_en: Some("x".repeat(TERM_LABEL_MAX + 1)),
            retired: true,
            ..setting("exploitation", "undetermined")
        };
        assert_eq!(
            bad.validate().unwrap_err(),
            [TermProblem::LabelTooLong, TermProblem::KeepsDefault]
        );
        assert_eq!(
            setting("closure_reason", "nope").validate().unwrap_err(),
            [TermProblem::UnknownValue]
        );
        // Every configurable vocabulary's default is one of its values.
        for v in CONFIGURABLE {
            assert!((v.keys)().contains(&v.default), "{}", v.name);
        }
    }
}
