//! The coalition's shared glossary: terms in French and English, each defined under the
//! legal frameworks that give it a meaning (the Criminal Code, IRPA, the Palermo Protocol)
//! and as the field uses it, so that members speak one language. The definitions are the
//! coalition's summaries, each with its reference; they are not the legal text.

use crate::text::{fold, has_control};
use crate::vocabulary::vocabulary;
use crate::{Bilingual, GlossaryEntryId, OrgId, Timestamp};

pub const TERM_MAX_CHARS: usize = 200;
pub const TEXT_MAX_CHARS: usize = 5_000;
pub const REFERENCE_MAX_CHARS: usize = 300;

vocabulary!(
    /// The framework under which a term is defined.
    Framework, "framework" {
        CriminalCode => "criminal_code",
        Irpa => "irpa",
        Palermo => "palermo",
        Practice => "practice",
    }
);

/// A term's meaning under one framework, in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    pub framework: Framework,
    pub text: Bilingual<String>,
    /// Where it comes from ("Code criminel, art. 279.04").
    pub reference: String,
}

/// An entry to add, or the new content of one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    pub term: Bilingual<String>,
    /// At most one per framework, in the vocabulary's order once stored.
    pub definitions: Vec<Definition>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: GlossaryEntryId,
    pub coalition: OrgId,
    pub term: Bilingual<String>,
    pub definitions: Vec<Definition>,
    pub updated_at: Timestamp,
    pub version: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GlossaryProblem {
    #[error("the term is missing in French or in English")]
    NoTerm,
    #[error("the term is too long")]
    TermTooLong,
    #[error("no definition")]
    NoDefinition,
    #[error("a definition is missing in French or in English")]
    NotTranslated,
    #[error("a definition or reference is too long")]
    TextTooLong,
    #[error("two definitions under one framework")]
    FrameworkTwice,
    #[error("a control character (not text)")]
    ControlCharacter,
    #[error("the glossary has that term already")]
    TermTaken,
}

impl GlossaryProblem {
    pub fn message_id(self) -> &'static str {
        match self {
            Self::NoTerm => "glossary-problem-no-term",
            Self::TermTooLong => "glossary-problem-term-too-long",
            Self::NoDefinition => "glossary-problem-no-definition",
            Self::NotTranslated => "glossary-problem-not-translated",
            Self::TextTooLong => "glossary-problem-text-too-long",
            Self::FrameworkTwice => "glossary-problem-framework-twice",
            Self::ControlCharacter => "glossary-problem-control-character",
            Self::TermTaken => "glossary-problem-term-taken",
        }
    }
}

impl NewEntry {
    /// Checks the entry against the glossary's other entries (`others`: the entry itself
    /// left out when it is changed).
    pub fn check(&self, others: &[Entry]) -> Result<(), Vec<GlossaryProblem>> {
        let mut problems = Vec::new();
        let (fr, en) = (self.term.fr.trim(), self.term.en.trim());
        if fr.is_empty() || en.is_empty() {
            problems.push(GlossaryProblem::NoTerm);
        }
        if fr.chars().count() > TERM_MAX_CHARS || en.chars().count() > TERM_MAX_CHARS {
            problems.push(GlossaryProblem::TermTooLong);
        }
        if self.definitions.is_empty() {
            problems.push(GlossaryProblem::NoDefinition);
        }
        if self
            .definitions
            .iter()
            .any(|d| d.text.fr.trim().is_empty() || d.text.en.trim().is_empty())
        {
            problems.push(GlossaryProblem::NotTranslated);
        }
        if self.definitions.iter().any(|d| {
            d.text.fr.chars().count() > TEXT_MAX_CHARS
                || d.text.en.chars().count() > TEXT_MAX_CHARS
                || d.reference.chars().count() > REFERENCE_MAX_CHARS
        }) {
            problems.push(GlossaryProblem::TextTooLong);
        }
        let mut frameworks: Vec<Framework> = self.definitions.iter().map(|d| d.framework).collect();
        frameworks.sort();
        frameworks.dedup();
        if frameworks.len() != self.definitions.len() {
            problems.push(GlossaryProblem::FrameworkTwice);
        }
        let texts = [&self.term.fr, &self.term.en].into_iter().chain(
            self.definitions
                .iter()
                .flat_map(|d| [&d.text.fr, &d.text.en, &d.reference]),
        );
        if texts.into_iter().any(|t| has_control(t)) {
            problems.push(GlossaryProblem::ControlCharacter);
        }
        let taken = |mine: &str, theirs: &str| !mine.is_empty() && fold(mine) == fold(theirs);
        if others
            .iter()
            .any(|o| taken(fr, o.term.fr.trim()) || taken(en, o.term.en.trim()))
        {
            problems.push(GlossaryProblem::TermTaken);
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn definition(framework: Framework, fr: &str, en: &str) -> Definition {
        Definition {
            framework,
            text: Bilingual::new(fr.into(), en.into()),
            reference: String::new(),
        }
    }

    #[test]
    fn an_entry_is_bilingual_defined_once_per_framework_and_not_twice_in_the_glossary() {
        let good = NewEntry {
            term: Bilingual::new(
                "Traite de personnes".into(),
                "Trafficking in persons".into(),
            ),
            definitions: vec![
                definition(Framework::CriminalCode, "Recruter…", "Recruiting…"),
                definition(Framework::Palermo, "Un acte…", "An act…"),
            ],
        };
        assert_eq!(good.check(&[]), Ok(()));
        let existing = Entry {
            id: GlossaryEntryId::new(),
            coalition: OrgId::new(),
            term: Bilingual::new("traite de personnes".into(), "Human trafficking".into()),
            definitions: Vec::new(),
            updated_at: Timestamp(0),
            version: 1,
        };
        // Accents and case folded: the same French term is taken.
        assert_eq!(
            good.check(std::slice::from_ref(&existing)),
            Err(vec![GlossaryProblem::TermTaken])
        );
        let bad = NewEntry {
            term: Bilingual::new("Exploitation".into(), " ".into()),
            definitions: vec![
                definition(Framework::Irpa, "Texte", ""),
                definition(Framework::Irpa, "Texte\u{0}", "Text"),
            ],
        };
        assert_eq!(
            bad.check(&[]),
            Err(vec![
                GlossaryProblem::NoTerm,
                GlossaryProblem::NotTranslated,
                GlossaryProblem::FrameworkTwice,
                GlossaryProblem::ControlCharacter,
            ])
        );
        let empty = NewEntry {
            term: Bilingual::new("Passeur".into(), "Smuggler".into()),
            definitions: Vec::new(),
        };
        assert_eq!(empty.check(&[]), Err(vec![GlossaryProblem::NoDefinition]));
    }
}
