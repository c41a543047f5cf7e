//! Promising practices: what worked for a member, in what context, on what evidence, and
//! whom to ask about it, so that the others can try it. Written in the language of whoever
//! shares it; the title is in both, for the list.

use super::library::Theme;
use crate::text::has_control;
use crate::vocabulary::vocabulary;
use crate::{Bilingual, OrgId, PracticeId, Timestamp};

pub const TITLE_MAX_CHARS: usize = 200;
pub const TEXT_MAX_CHARS: usize = 10_000;
pub const LINE_MAX_CHARS: usize = 300;

vocabulary!(
    /// How far what is said to work is known to work, from the practitioners' observation to
    /// published research.
    Evidence, "evidence" {
        Observed => "observed",
        Documented => "documented",
        Evaluated => "evaluated",
        Research => "research",
    }
);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPractice {
    pub title: Bilingual<String>,
    pub themes: Vec<Theme>,
    /// What was done, and what came of it.
    pub what_worked: String,
    /// Where, with whom, under which conditions.
    pub context: String,
    pub evidence: Evidence,
    /// The evaluation or study, or how it was observed.
    pub evidence_note: String,
    /// The member organization it comes from (`None`: the coalition's own).
    pub organization: Option<OrgId>,
    /// Whom to ask: a name or a role, and a way to reach them (professional contact).
    pub contact: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Practice {
    pub id: PracticeId,
    pub coalition: OrgId,
    pub title: Bilingual<String>,
    pub themes: Vec<Theme>,
    pub what_worked: String,
    pub context: String,
    pub evidence: Evidence,
    pub evidence_note: String,
    pub organization: Option<(OrgId, Bilingual<String>)>,
    pub contact: String,
    pub added_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PracticeProblem {
    #[error("the title is missing in French or in English")]
    NoTitle,
    #[error("no theme")]
    NoTheme,
    #[error("what worked is missing")]
    NoWhatWorked,
    #[error("the context is missing")]
    NoContext,
    #[error("no contact")]
    NoContact,
    #[error("a text is too long")]
    TextTooLong,
    #[error("a control character (not text)")]
    ControlCharacter,
    #[error("an organization that is not a member of the coalition today")]
    NotAMember,
}

impl PracticeProblem {
    pub fn message_id(self) -> &'static str {
        match self {
            Self::NoTitle => "practice-problem-no-title",
            Self::NoTheme => "practice-problem-no-theme",
            Self::NoWhatWorked => "practice-problem-no-what-worked",
            Self::NoContext => "practice-problem-no-context",
            Self::NoContact => "practice-problem-no-contact",
            Self::TextTooLong => "practice-problem-text-too-long",
            Self::ControlCharacter => "practice-problem-control-character",
            Self::NotAMember => "practice-problem-not-a-member",
        }
    }
}

impl NewPractice {
    /// The practice with its texts trimmed and each theme once; its organization must be
    /// among today's `members`.
    pub fn check(self, members: &[OrgId]) -> Result<NewPractice, Vec<PracticeProblem>> {
        let mut problems = Vec::new();
        let trim = |s: &str| s.trim().to_owned();
        let title = Bilingual::new(trim(&self.title.fr), trim(&self.title.en));
        let (what_worked, context) = (trim(&self.what_worked), trim(&self.context));
        let (evidence_note, contact) = (trim(&self.evidence_note), trim(&self.contact));
        if title.fr.is_empty() || title.en.is_empty() {
            problems.push(PracticeProblem::NoTitle);
        }
        let mut themes = self.themes;
        themes.sort();
        themes.dedup();
        if themes.is_empty() {
            problems.push(PracticeProblem::NoTheme);
        }
        if what_worked.is_empty() {
            problems.push(PracticeProblem::NoWhatWorked);
        }
        if context.is_empty() {
            problems.push(PracticeProblem::NoContext);
        }
        if contact.is_empty() {
            problems.push(PracticeProblem::NoContact);
        }
        let count = |s: &str| s.chars().count();
        if count(&title.fr) > TITLE_MAX_CHARS
            || count(&title.en) > TITLE_MAX_CHARS
            || count(&what_worked) > TEXT_MAX_CHARS
            || count(&context) > TEXT_MAX_CHARS
            || count(&evidence_note) > TEXT_MAX_CHARS
            || count(&contact) > LINE_MAX_CHARS
        {
            problems.push(PracticeProblem::TextTooLong);
        }
        let texts = [
            &title.fr,
            &title.en,
            &what_worked,
            &context,
            &evidence_note,
            &contact,
        ];
        // Line breaks belong in long texts; a title or a contact is one line.
        let one_line = [&title.fr, &title.en, &contact];
        if texts.iter().any(|t| has_control(t)) || one_line.iter().any(|t| t.contains(['\n', '\r']))
        {
            problems.push(PracticeProblem::ControlCharacter);
        }
        if self.organization.is_some_and(|o| !members.contains(&o)) {
            problems.push(PracticeProblem::NotAMember);
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(NewPractice {
            title,
            themes,
            what_worked,
            context,
            evidence_note,
            contact,
            ..self
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn practice(organization: Option<OrgId>) -> NewPractice {
        NewPractice {
            title: Bilingual::new(
                "Accompagnement au tribunal".into(),
                "Court accompaniment".into(),
            ),
            themes: vec![Theme::LegalFramework, Theme::TraumaInformed],
            what_worked: " Une intervenante accompagne la personne à chaque audience. ".into(),
            context: "Montréal, 2024–2025, avec le CAVAC.".into(),
            evidence: Evidence::Documented,
            evidence_note: "Suivi de 14 dossiers.".into(),
            organization,
            contact: "Coordination, 514 555-0100".into(),
        }
    }

    #[test]
    fn a_practice_names_what_worked_where_and_whom_to_ask() {
        let member = OrgId::new();
        let ok = practice(Some(member)).check(&[member]).unwrap();
        assert_eq!(
            ok.what_worked,
            "Une intervenante accompagne la personne à chaque audience."
        );
        let bad = NewPractice {
            title: Bilingual::new("Accompagnement".into(), String::new()),
            themes: vec![],
            what_worked: " ".into(),
            context: String::new(),
            contact: "Marie\nTremblay".into(),
            ..practice(Some(OrgId::new()))
        };
        assert_eq!(
            bad.check(&[member]).unwrap_err(),
            [
                PracticeProblem::NoTitle,
                PracticeProblem::NoTheme,
                PracticeProblem::NoWhatWorked,
                PracticeProblem::NoContext,
                PracticeProblem::ControlCharacter,
                PracticeProblem::NotAMember,
            ]
        );
        assert!(practice(None).check(&[]).is_ok(), "the coalition's own");
    }
}
