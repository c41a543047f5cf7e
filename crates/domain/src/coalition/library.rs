//! The coalition's resource library: guides, tools, training material and links that its
//! members share, described in French and English and tagged by audience and theme, each
//! public (on the coalition's public pages) or for its members only. A file keeps only inert
//! types, found from its bytes (the rule of a case's documents), and is always served as a
//! download. A meeting's documents are the library's, linked to the meeting.

use super::meeting::is_web_address;
use crate::case::{DocumentProblem, DocumentType, check_file};
use crate::text::has_control;
use crate::vocabulary::vocabulary;
use crate::{Bilingual, MeetingId, OrgId, ResourceId, Timestamp};

pub const TITLE_MAX_CHARS: usize = 200;
pub const SUMMARY_MAX_CHARS: usize = 2_000;
pub const LINK_MAX_CHARS: usize = 2_000;

vocabulary!(
    /// Whom a resource is for.
    Audience, "audience" {
        FrontLine => "front_line",
        HealthSocial => "health_social",
        Legal => "legal",
        Police => "police",
        Education => "education",
        Employers => "employers",
        Survivors => "survivors",
        GeneralPublic => "general_public",
    }
);

vocabulary!(
    /// What a resource is about.
    Theme, "theme" {
        Identification => "identification",
        SexualExploitation => "sexual_exploitation",
        LabourExploitation => "labour_exploitation",
        Immigration => "immigration",
        SafetyPlanning => "safety_planning",
        LegalFramework => "legal_framework",
        TraumaInformed => "trauma_informed",
        Prevention => "prevention",
        Coordination => "coordination",
    }
);

vocabulary!(
    /// Who may read a resource: anyone (the coalition's public pages) or the coalition's
    /// staff and members.
    Visibility, "visibility" {
        Members => "members",
        Public => "public",
    }
);

vocabulary!(
    /// The language the document itself is written in (its description is always in both).
    ResourceLanguage, "resource_language" {
        French => "fr",
        English => "en",
        Both => "both",
    }
);

/// A file as it is sent: its name and bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A resource being added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewResource {
    pub title: Bilingual<String>,
    /// Optional, but in both languages when given.
    pub summary: Bilingual<String>,
    pub audiences: Vec<Audience>,
    pub themes: Vec<Theme>,
    pub visibility: Visibility,
    pub language: ResourceLanguage,
    /// The meeting it is a document of.
    pub meeting: Option<MeetingId>,
    /// A link (blank: none) or a file: one or the other.
    pub link: String,
    pub file: Option<NewFile>,
}

/// What a resource holds, as a list shows it (a file's bytes are read on their own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    Link(String),
    File {
        name: String,
        kind: DocumentType,
        size: u64,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    pub id: ResourceId,
    pub coalition: OrgId,
    /// The member organization that shared it (`None`: the coalition's own).
    pub owner: Option<OrgId>,
    pub meeting: Option<MeetingId>,
    pub title: Bilingual<String>,
    pub summary: Bilingual<String>,
    pub audiences: Vec<Audience>,
    pub themes: Vec<Theme>,
    pub visibility: Visibility,
    pub language: ResourceLanguage,
    pub content: Content,
    pub added_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ResourceProblem {
    #[error("the title is missing in French or in English")]
    NoTitle,
    #[error("the title is too long")]
    TitleTooLong,
    #[error("the summary is given in one language only")]
    SummaryNotTranslated,
    #[error("the summary is too long")]
    SummaryTooLong,
    #[error("no audience")]
    NoAudience,
    #[error("no theme")]
    NoTheme,
    #[error("the link is not a web address")]
    BadLink,
    #[error("a control character (not text)")]
    ControlCharacter,
    #[error("the file: {0}")]
    File(DocumentProblem),
    #[error("no such meeting of the coalition")]
    UnknownMeeting,
    #[error("neither a link nor a file")]
    NoContent,
    #[error("both a link and a file")]
    LinkAndFile,
}

impl ResourceProblem {
    pub fn message_id(self) -> &'static str {
        match self {
            Self::NoTitle => "library-problem-no-title",
            Self::TitleTooLong => "library-problem-title-too-long",
            Self::SummaryNotTranslated => "library-problem-summary-not-translated",
            Self::SummaryTooLong => "library-problem-summary-too-long",
            Self::NoAudience => "library-problem-no-audience",
            Self::NoTheme => "library-problem-no-theme",
            Self::BadLink => "library-problem-bad-link",
            Self::ControlCharacter => "library-problem-control-character",
            Self::File(problem) => problem.message_id(),
            Self::UnknownMeeting => "library-problem-unknown-meeting",
            Self::NoContent => "library-problem-no-content",
            Self::LinkAndFile => "library-problem-link-and-file",
        }
    }
}

/// What a checked resource holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckedContent {
    Link(String),
    /// A file's base name, the type its bytes are, and its bytes.
    File {
        name: String,
        kind: DocumentType,
        bytes: Vec<u8>,
    },
}

/// What a checked resource keeps: its texts trimmed, its tags once each in the
/// vocabulary's order, and its content (taken out of `resource`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedResource {
    pub resource: NewResource,
    pub content: CheckedContent,
}

impl NewResource {
    pub fn check(self) -> Result<CheckedResource, Vec<ResourceProblem>> {
        let mut problems = Vec::new();
        let trim =
            |b: &Bilingual<String>| Bilingual::new(b.fr.trim().to_owned(), b.en.trim().to_owned());
        let (title, summary) = (trim(&self.title), trim(&self.summary));
        if title.fr.is_empty() || title.en.is_empty() {
            problems.push(ResourceProblem::NoTitle);
        }
        let longer =
            |b: &Bilingual<String>, max| b.fr.chars().count() > max || b.en.chars().count() > max;
        if longer(&title, TITLE_MAX_CHARS) {
            problems.push(ResourceProblem::TitleTooLong);
        }
        if summary.fr.is_empty() != summary.en.is_empty() {
            problems.push(ResourceProblem::SummaryNotTranslated);
        }
        if longer(&summary, SUMMARY_MAX_CHARS) {
            problems.push(ResourceProblem::SummaryTooLong);
        }
        let mut audiences = self.audiences;
        audiences.sort();
        audiences.dedup();
        if audiences.is_empty() {
            problems.push(ResourceProblem::NoAudience);
        }
        let mut themes = self.themes;
        themes.sort();
        themes.dedup();
        if themes.is_empty() {
            problems.push(ResourceProblem::NoTheme);
        }
        let texts = [&title.fr, &title.en, &summary.fr, &summary.en];
        if texts.into_iter().any(|t| has_control(t)) {
            problems.push(ResourceProblem::ControlCharacter);
        }
        let link = self.link.trim().to_owned();
        let content = match (link.is_empty(), self.file) {
            (true, None) => {
                problems.push(ResourceProblem::NoContent);
                None
            }
            (false, Some(_)) => {
                problems.push(ResourceProblem::LinkAndFile);
                None
            }
            (false, None) => {
                if !is_web_address(&link)
                    || has_control(&link)
                    || link.chars().count() > LINK_MAX_CHARS
                {
                    problems.push(ResourceProblem::BadLink);
                }
                Some(CheckedContent::Link(link))
            }
            (true, Some(file)) => match check_file(&file.name, &file.bytes) {
                Ok((name, kind)) => Some(CheckedContent::File {
                    name,
                    kind,
                    bytes: file.bytes,
                }),
                Err(found) => {
                    problems.extend(found.into_iter().map(ResourceProblem::File));
                    None
                }
            },
        };
        match content {
            Some(content) if problems.is_empty() => Ok(CheckedResource {
                resource: NewResource {
                    title,
                    summary,
                    audiences,
                    themes,
                    link: String::new(),
                    file: None,
                    ..self
                },
                content,
            }),
            _ => Err(problems),
        }
    }
}

/// The resources that fit a search: every one of the audiences and themes asked is among
/// the resource's (nothing asked: every resource).
pub fn matching(
    resources: &[Resource],
    audience: Option<Audience>,
    theme: Option<Theme>,
) -> impl Iterator<Item = &Resource> {
    resources.iter().filter(move |r| {
        audience.is_none_or(|a| r.audiences.contains(&a))
            && theme.is_none_or(|t| r.themes.contains(&t))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::DOCUMENT_MAX_BYTES;

    fn guide(link: &str, file: Option<(&str, &[u8])>) -> NewResource {
        NewResource {
            title: Bilingual::new(
                " Guide d’identification ".into(),
                "Identification guide".into(),
            ),
            summary: Bilingual::new(String::new(), String::new()),
            audiences: vec![Audience::Police, Audience::FrontLine, Audience::Police],
            themes: vec![Theme::Identification],
            visibility: Visibility::Members,
            language: ResourceLanguage::Both,
            meeting: None,
            link: link.into(),
            file: file.map(|(name, bytes)| NewFile {
                name: name.into(),
                bytes: bytes.to_vec(),
            }),
        }
    }

    #[test]
    fn a_resource_keeps_trimmed_texts_and_each_tag_once() {
        let checked = guide("", Some(("C:\\Documents\\guide.pdf", b"%PDF-1.7 ...")))
            .check()
            .unwrap();
        assert_eq!(checked.resource.title.fr, "Guide d’identification");
        assert_eq!(
            checked.resource.audiences,
            [Audience::FrontLine, Audience::Police]
        );
        assert!(matches!(
            checked.content,
            CheckedContent::File { ref name, kind: DocumentType::Pdf, .. } if name == "guide.pdf"
        ));
        let link = guide(" https://exemple.org/guide ", None).check().unwrap();
        assert_eq!(
            link.content,
            CheckedContent::Link("https://exemple.org/guide".into())
        );
    }

    #[test]
    fn every_problem_is_named() {
        let cases: Vec<(NewResource, Vec<ResourceProblem>)> = vec![
            (
                NewResource {
                    title: Bilingual::new("Guide".into(), " ".into()),
                    summary: Bilingual::new("Résumé".into(), String::new()),
                    audiences: vec![],
                    themes: vec![],
                    ..guide("javascript:alert(1)", None)
                },
                vec![
                    ResourceProblem::NoTitle,
                    ResourceProblem::SummaryNotTranslated,
                    ResourceProblem::NoAudience,
                    ResourceProblem::NoTheme,
                    ResourceProblem::BadLink,
                ],
            ),
            (
                NewResource {
                    title: Bilingual::new("x".repeat(TITLE_MAX_CHARS + 1), "Guide".into()),
                    summary: Bilingual::new("a\u{0}".into(), "b".repeat(SUMMARY_MAX_CHARS + 1)),
                    ..guide("https://exemple.org/\u{0}", None)
                },
                vec![
                    ResourceProblem::TitleTooLong,
                    ResourceProblem::SummaryTooLong,
                    ResourceProblem::ControlCharacter,
                    ResourceProblem::BadLink,
                ],
            ),
            (
                guide("", Some(("guide.html", b"<html><script>alert(1)</script>"))),
                vec![ResourceProblem::File(DocumentProblem::ActiveType)],
            ),
            (guide("", None), vec![ResourceProblem::NoContent]),
            (
                guide("https://exemple.org", Some(("guide.pdf", b"%PDF-1.7"))),
                vec![ResourceProblem::LinkAndFile],
            ),
            (
                guide("", Some((" ", &vec![b'a'; DOCUMENT_MAX_BYTES + 1]))),
                vec![
                    ResourceProblem::File(DocumentProblem::BadName),
                    ResourceProblem::File(DocumentProblem::TooLarge),
                ],
            ),
        ];
        for (resource, expected) in cases {
            assert_eq!(resource.check().unwrap_err(), expected);
        }
    }

    #[test]
    fn a_search_keeps_what_has_every_tag_asked() {
        let resource = |audiences: Vec<Audience>, themes: Vec<Theme>| Resource {
            id: ResourceId::new(),
            coalition: OrgId::new(),
            owner: None,
            meeting: None,
            title: Bilingual::new("T".into(), "T".into()),
            summary: Bilingual::new(String::new(), String::new()),
            audiences,
            themes,
            visibility: Visibility::Public,
            language: ResourceLanguage::French,
            content: Content::Link("https://exemple.org".into()),
            added_at: Timestamp(0),
        };
        let shelf = [
            resource(vec![Audience::Police], vec![Theme::Identification]),
            resource(
                vec![Audience::Police, Audience::Employers],
                vec![Theme::LabourExploitation],
            ),
        ];
        let count = |a, t| matching(&shelf, a, t).count();
        assert_eq!(count(None, None), 2);
        assert_eq!(count(Some(Audience::Police), None), 2);
        assert_eq!(
            count(Some(Audience::Police), Some(Theme::Identification)),
            1
        );
        assert_eq!(
            count(Some(Audience::Employers), Some(Theme::Identification)),
            0
        );
    }
}
