//! Bulletins: what the coalition tells its members — news, a call for volunteers, a change of
//! practice. Each reaches the inbox of every account of today's member organizations and of
//! the coalition's staff (analysts, who see aggregates only, excepted), and an e-mail says
//! that something waits when SMTP is configured.

use crate::text::has_control;
use crate::{Bilingual, BulletinId, OrgId, Timestamp};

pub const TITLE_MAX_CHARS: usize = 200;
pub const BODY_MAX_CHARS: usize = 20_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBulletin {
    /// In both languages, for every reader's inbox.
    pub title: Bilingual<String>,
    /// As its author wrote it.
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bulletin {
    pub id: BulletinId,
    pub coalition: OrgId,
    pub title: Bilingual<String>,
    pub body: String,
    pub published_at: Timestamp,
    pub author: String,
}

/// A bulletin as its coalition's staff see it: how many it reached, how many read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentBulletin {
    pub bulletin: Bulletin,
    pub recipients: u64,
    pub read: u64,
}

/// A bulletin in a reader's inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedBulletin {
    pub bulletin: Bulletin,
    pub read: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BulletinProblem {
    #[error("the title is missing in French or in English")]
    NoTitle,
    #[error("the title is too long")]
    TitleTooLong,
    #[error("no text")]
    NoBody,
    #[error("the text is too long")]
    BodyTooLong,
    #[error("a control character (not text)")]
    ControlCharacter,
}

impl BulletinProblem {
    pub fn message_id(self) -> &'static str {
        match self {
            Self::NoTitle => "bulletin-problem-no-title",
            Self::TitleTooLong => "bulletin-problem-title-too-long",
            Self::NoBody => "bulletin-problem-no-body",
            Self::BodyTooLong => "bulletin-problem-body-too-long",
            Self::ControlCharacter => "bulletin-problem-control-character",
        }
    }
}

impl NewBulletin {
    pub fn check(self) -> Result<NewBulletin, Vec<BulletinProblem>> {
        let mut problems = Vec::new();
        let title = Bilingual::new(
            self.title.fr.trim().to_owned(),
            self.title.en.trim().to_owned(),
        );
        let body = self.body.trim().to_owned();
        if title.fr.is_empty() || title.en.is_empty() {
            problems.push(BulletinProblem::NoTitle);
        }
        if title.fr.chars().count() > TITLE_MAX_CHARS || title.en.chars().count() > TITLE_MAX_CHARS
        {
            problems.push(BulletinProblem::TitleTooLong);
        }
        if body.is_empty() {
            problems.push(BulletinProblem::NoBody);
        }
        if body.chars().count() > BODY_MAX_CHARS {
            problems.push(BulletinProblem::BodyTooLong);
        }
        if [&title.fr, &title.en, &body].iter().any(|t| has_control(t))
            || [&title.fr, &title.en]
                .iter()
                .any(|t| t.contains(['\n', '\r']))
        {
            problems.push(BulletinProblem::ControlCharacter);
        }
        if problems.is_empty() {
            Ok(NewBulletin { title, body })
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bulletin_has_both_titles_and_a_text() {
        let ok = NewBulletin {
            title: Bilingual::new(" Appel aux bénévoles ".into(), "Call for volunteers".into()),
            body: "Le kiosque du 22 février cherche trois personnes.\nMerci !".into(),
        }
        .check()
        .unwrap();
        assert_eq!(ok.title.fr, "Appel aux bénévoles");
        let bad = NewBulletin {
            title: Bilingual::new("Titre\nsur deux lignes".into(), String::new()),
            body: " ".into(),
        };
        assert_eq!(
            bad.check().unwrap_err(),
            [
                BulletinProblem::NoTitle,
                BulletinProblem::NoBody,
                BulletinProblem::ControlCharacter,
            ]
        );
    }
}
