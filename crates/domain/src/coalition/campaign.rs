//! Awareness campaigns: for whom (the library's audiences), from when to when, with which
//! materials (the coalition's library resources), and how many people they reached, recorded
//! once the campaign has started.

use jiff::civil::Date;

use super::library::Audience;
use crate::text::has_control;
use crate::{Bilingual, CampaignId, OrgId, ResourceId};

pub const TITLE_MAX_CHARS: usize = 200;
pub const NOTE_MAX_CHARS: usize = 2_000;
/// More people than live in Canada is a typing error.
pub const REACH_MAX: u64 = 50_000_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCampaign {
    pub title: Bilingual<String>,
    pub audiences: Vec<Audience>,
    pub starts_on: Date,
    /// Open-ended when `None`.
    pub ends_on: Option<Date>,
    /// Resources of the coalition's library.
    pub materials: Vec<ResourceId>,
}

/// How many people a campaign reached, and how that was counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach {
    pub people: u64,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Campaign {
    pub id: CampaignId,
    pub coalition: OrgId,
    pub title: Bilingual<String>,
    pub audiences: Vec<Audience>,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub materials: Vec<ResourceId>,
    pub reach: Option<Reach>,
    pub version: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CampaignProblem {
    #[error("the title is missing in French or in English")]
    NoTitle,
    #[error("the title is too long")]
    TitleTooLong,
    #[error("no audience")]
    NoAudience,
    #[error("it ends before it starts")]
    EndsBeforeStart,
    #[error("a material that is not in the coalition's library")]
    UnknownMaterial,
    #[error("a control character (not text)")]
    ControlCharacter,
    #[error("the reach is recorded before the campaign starts")]
    NotStarted,
    #[error("the reach is not a plausible number of people")]
    ReachTooLarge,
    #[error("the note is too long")]
    NoteTooLong,
}

impl CampaignProblem {
    pub fn message_id(self) -> &'static str {
        match self {
            Self::NoTitle => "campaign-problem-no-title",
            Self::TitleTooLong => "campaign-problem-title-too-long",
            Self::NoAudience => "campaign-problem-no-audience",
            Self::EndsBeforeStart => "campaign-problem-ends-before-start",
            Self::UnknownMaterial => "campaign-problem-unknown-material",
            Self::ControlCharacter => "campaign-problem-control-character",
            Self::NotStarted => "campaign-problem-not-started",
            Self::ReachTooLarge => "campaign-problem-reach-too-large",
            Self::NoteTooLong => "campaign-problem-note-too-long",
        }
    }
}

fn done<T>(value: T, problems: Vec<CampaignProblem>) -> Result<T, Vec<CampaignProblem>> {
    if problems.is_empty() {
        Ok(value)
    } else {
        Err(problems)
    }
}

impl NewCampaign {
    /// The campaign with its texts trimmed and each audience and material once, checked
    /// against the coalition's library (`library`: its resources' ids).
    pub fn check(self, library: &[ResourceId]) -> Result<NewCampaign, Vec<CampaignProblem>> {
        let mut problems = Vec::new();
        let title = Bilingual::new(
            self.title.fr.trim().to_owned(),
            self.title.en.trim().to_owned(),
        );
        if title.fr.is_empty() || title.en.is_empty() {
            problems.push(CampaignProblem::NoTitle);
        }
        if title.fr.chars().count() > TITLE_MAX_CHARS || title.en.chars().count() > TITLE_MAX_CHARS
        {
            problems.push(CampaignProblem::TitleTooLong);
        }
        if has_control(&title.fr) || has_control(&title.en) {
            problems.push(CampaignProblem::ControlCharacter);
        }
        let mut audiences = self.audiences;
        audiences.sort();
        audiences.dedup();
        if audiences.is_empty() {
            problems.push(CampaignProblem::NoAudience);
        }
        if self.ends_on.is_some_and(|end| end < self.starts_on) {
            problems.push(CampaignProblem::EndsBeforeStart);
        }
        let mut materials = self.materials;
        materials.sort();
        materials.dedup();
        if materials.iter().any(|m| !library.contains(m)) {
            problems.push(CampaignProblem::UnknownMaterial);
        }
        done(
            NewCampaign {
                title,
                audiences,
                materials,
                ..self
            },
            problems,
        )
    }
}

impl Reach {
    /// The reach with its note trimmed, recorded `today` for a campaign that starts on
    /// `starts_on`.
    pub fn check(self, starts_on: Date, today: Date) -> Result<Reach, Vec<CampaignProblem>> {
        let mut problems = Vec::new();
        if today < starts_on {
            problems.push(CampaignProblem::NotStarted);
        }
        if self.people > REACH_MAX {
            problems.push(CampaignProblem::ReachTooLarge);
        }
        let note = self.note.trim().to_owned();
        if note.chars().count() > NOTE_MAX_CHARS {
            problems.push(CampaignProblem::NoteTooLong);
        }
        if has_control(&note) {
            problems.push(CampaignProblem::ControlCharacter);
        }
        done(
            Reach {
                people: self.people,
                note,
            },
            problems,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn campaign() -> NewCampaign {
        NewCampaign {
            title: Bilingual::new(
                " Semaine de sensibilisation ".into(),
                "Awareness week".into(),
            ),
            audiences: vec![
                Audience::GeneralPublic,
                Audience::Education,
                Audience::GeneralPublic,
            ],
            starts_on: date(2027, 2, 22),
            ends_on: Some(date(2027, 2, 28)),
            materials: vec![],
        }
    }

    #[test]
    fn a_campaign_is_checked_against_its_dates_and_the_library() {
        let poster = ResourceId::new();
        let ok = NewCampaign {
            materials: vec![poster, poster],
            ..campaign()
        }
        .check(&[poster])
        .unwrap();
        assert_eq!(ok.title.fr, "Semaine de sensibilisation");
        assert_eq!(ok.audiences, [Audience::Education, Audience::GeneralPublic]);
        assert_eq!(ok.materials, [poster]);
        let bad = NewCampaign {
            title: Bilingual::new("Semaine".into(), " ".into()),
            audiences: vec![],
            ends_on: Some(date(2027, 2, 21)),
            materials: vec![ResourceId::new()],
            ..campaign()
        };
        assert_eq!(
            bad.check(&[poster]).unwrap_err(),
            [
                CampaignProblem::NoTitle,
                CampaignProblem::NoAudience,
                CampaignProblem::EndsBeforeStart,
                CampaignProblem::UnknownMaterial,
            ]
        );
    }

    #[test]
    fn reach_is_recorded_once_started_and_plausible() {
        let starts = date(2027, 2, 22);
        let reach = |people, note: &str| Reach {
            people,
            note: note.into(),
        };
        assert_eq!(
            reach(1_200, " affiches ")
                .check(starts, starts)
                .unwrap()
                .note,
            "affiches"
        );
        assert_eq!(
            reach(REACH_MAX + 1, "x\u{0}")
                .check(starts, date(2027, 2, 21))
                .unwrap_err(),
            [
                CampaignProblem::NotStarted,
                CampaignProblem::ReachTooLarge,
                CampaignProblem::ControlCharacter,
            ]
        );
    }
}
