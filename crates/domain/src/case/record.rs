//! A case as it is written and read: the input that opens one, the person's details by
//! category, and what a viewer gets back — only the categories their permit opens.

use super::{
    CaseRole, CaseStatus, CategorySet, ClosureReason, Consent, ConsentForm, DataCategory,
    Exploitation, Party, TraffickingScope,
};
use crate::vocabulary::vocabulary;
use crate::{CaseId, Language, Timestamp, UserId};

/// The longest alias, name or free-text line accepted.
pub const LINE_MAX: usize = 200;
/// The longest note.
pub const NOTE_MAX: usize = 20_000;

/// Who the person is (category `identity`). Every field is optional: a case can be worked
/// under an alias alone.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Identity {
    pub name: Option<String>,
    /// `YYYY-MM-DD`, or `YYYY` when only the year is known.
    pub birth_date: Option<String>,
    /// Languages the person speaks, most comfortable first (free text: "tagalog", "LSQ").
    pub languages: Vec<String>,
}

/// How to reach the person safely (category `contact`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Contact {
    pub phone: Option<String>,
    pub email: Option<String>,
    /// When and how contact is safe ("texts only, after 6 p.m.").
    pub safe_contact: Option<String>,
}

/// Where the person stays (category `location`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Whereabouts {
    pub address: Option<String>,
    pub city: Option<String>,
}

/// The person's details, one part per category; a part is sealed on its own so a read opens
/// only what the permit covers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonDetails {
    pub identity: Identity,
    pub contact: Contact,
    pub whereabouts: Whereabouts,
}

/// What opens a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCase {
    /// What the team calls the person: not their name.
    pub alias: String,
    pub exploitation: Exploitation,
    pub scope: TraffickingScope,
    pub details: PersonDetails,
}

/// What is wrong with a case's input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CaseProblem {
    #[error("the alias is required")]
    MissingAlias,
    #[error("a field is longer than {LINE_MAX} characters")]
    TooLong,
    #[error("the date of birth is not YYYY-MM-DD or YYYY")]
    BadBirthDate,
    #[error("the e-mail address is not one")]
    BadEmail,
    #[error("the note is empty")]
    EmptyNote,
    #[error("the note is longer than {NOTE_MAX} characters")]
    NoteTooLong,
    /// The coalition retired this value from new choices.
    #[error("a value the coalition no longer uses")]
    RetiredValue,
}

impl CaseProblem {
    /// The Fluent message id.
    pub fn message_id(self) -> &'static str {
        match self {
            CaseProblem::MissingAlias => "case-problem-missing-alias",
            CaseProblem::TooLong => "case-problem-too-long",
            CaseProblem::BadBirthDate => "case-problem-bad-birth-date",
            CaseProblem::BadEmail => "case-problem-bad-email",
            CaseProblem::EmptyNote => "case-problem-empty-note",
            CaseProblem::NoteTooLong => "case-problem-note-too-long",
            CaseProblem::RetiredValue => "case-problem-retired",
        }
    }
}

fn too_long(text: &Option<String>) -> bool {
    text.as_deref()
        .is_some_and(|t| t.chars().count() > LINE_MAX)
}

fn valid_birth_date(text: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match text.len() {
        4 => digits(text),
        10 => text
            .parse::<jiff::civil::Date>()
            .is_ok_and(|d| d.year() >= 1900),
        _ => false,
    }
}

impl PersonDetails {
    /// Trims every field and drops the empty ones, so a blank form field stores nothing.
    pub fn normalized(mut self) -> PersonDetails {
        let clean = |field: &mut Option<String>| {
            *field = field
                .take()
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty());
        };
        clean(&mut self.identity.name);
        clean(&mut self.identity.birth_date);
        self.identity.languages = self
            .identity
            .languages
            .into_iter()
            .map(|l| l.trim().to_owned())
            .filter(|l| !l.is_empty())
            .collect();
        clean(&mut self.contact.phone);
        clean(&mut self.contact.email);
        clean(&mut self.contact.safe_contact);
        clean(&mut self.whereabouts.address);
        clean(&mut self.whereabouts.city);
        self
    }

    pub fn problems(&self) -> Vec<CaseProblem> {
        let mut problems = Vec::new();
        let lines = [
            &self.identity.name,
            &self.identity.birth_date,
            &self.contact.phone,
            &self.contact.email,
            &self.contact.safe_contact,
            &self.whereabouts.address,
            &self.whereabouts.city,
        ];
        let long_language = self
            .identity
            .languages
            .iter()
            .any(|l| l.chars().count() > LINE_MAX);
        if lines.into_iter().any(too_long) || long_language {
            problems.push(CaseProblem::TooLong);
        }
        if self
            .identity
            .birth_date
            .as_deref()
            .is_some_and(|d| !valid_birth_date(d))
        {
            problems.push(CaseProblem::BadBirthDate);
        }
        // A way to reach the person that cannot reach anyone is worse than none.
        if self
            .contact
            .email
            .as_deref()
            .is_some_and(|e| crate::identity::normalize_email(e).is_none())
        {
            problems.push(CaseProblem::BadEmail);
        }
        problems
    }
}

impl NewCase {
    /// Every problem; the input is normalized first.
    pub fn validate(self) -> Result<NewCase, Vec<CaseProblem>> {
        let case = NewCase {
            alias: self.alias.trim().to_owned(),
            details: self.details.normalized(),
            ..self
        };
        let mut problems = Vec::new();
        if case.alias.is_empty() {
            problems.push(CaseProblem::MissingAlias);
        } else if case.alias.chars().count() > LINE_MAX {
            problems.push(CaseProblem::TooLong);
        }
        for problem in case.details.problems() {
            if !problems.contains(&problem) {
                problems.push(problem);
            }
        }
        if problems.is_empty() {
            Ok(case)
        } else {
            Err(problems)
        }
    }
}

/// The person's details by field, as the inputs name them: what a change can name.
pub const DETAIL_FIELDS: &[&str] = &[
    "name",
    "birth_date",
    "languages",
    "phone",
    "email",
    "safe_contact",
    "address",
    "city",
];

/// The person's details of one category, as changed after the case was opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DetailsPart {
    Identity(Identity),
    Contact(Contact),
    Whereabouts(Whereabouts),
}

impl DetailsPart {
    pub fn category(&self) -> DataCategory {
        match self {
            DetailsPart::Identity(_) => DataCategory::Identity,
            DetailsPart::Contact(_) => DataCategory::Contact,
            DetailsPart::Whereabouts(_) => DataCategory::Location,
        }
    }

    /// Normalized and checked as when the case is opened: every problem named.
    pub fn validate(self) -> Result<DetailsPart, Vec<CaseProblem>> {
        let mut details = PersonDetails::default();
        let category = self.category();
        match self {
            DetailsPart::Identity(i) => details.identity = i,
            DetailsPart::Contact(c) => details.contact = c,
            DetailsPart::Whereabouts(w) => details.whereabouts = w,
        }
        let details = details.normalized();
        let problems = details.problems();
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(match category {
            DataCategory::Identity => DetailsPart::Identity(details.identity),
            DataCategory::Contact => DetailsPart::Contact(details.contact),
            _ => DetailsPart::Whereabouts(details.whereabouts),
        })
    }

    /// The fields that differ from `before` (the same part, as stored).
    pub fn changed_fields(&self, before: &DetailsPart) -> Vec<&'static str> {
        let mut fields = Vec::new();
        let mut check = |changed: bool, name| {
            if changed {
                fields.push(name);
            }
        };
        match (before, self) {
            (DetailsPart::Identity(a), DetailsPart::Identity(b)) => {
                check(a.name != b.name, "name");
                check(a.birth_date != b.birth_date, "birth_date");
                check(a.languages != b.languages, "languages");
            }
            (DetailsPart::Contact(a), DetailsPart::Contact(b)) => {
                check(a.phone != b.phone, "phone");
                check(a.email != b.email, "email");
                check(a.safe_contact != b.safe_contact, "safe_contact");
            }
            (DetailsPart::Whereabouts(a), DetailsPart::Whereabouts(b)) => {
                check(a.address != b.address, "address");
                check(a.city != b.city, "city");
            }
            // Parts of different categories are never compared.
            _ => {}
        }
        fields
    }
}

/// What finds a possible duplicate within one organization: the alias, and the name with
/// the date of birth when both are known (the blind index folds case, accents and spaces).
pub fn match_keys(alias: &str, identity: &Identity) -> Vec<(&'static str, String)> {
    let mut keys = vec![("alias", alias.to_owned())];
    if let (Some(name), Some(born)) = (&identity.name, &identity.birth_date) {
        keys.push(("identity", format!("{name}|{born}")));
    }
    keys
}

/// A case of the same organization that may be the same person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PossibleDuplicate {
    pub case: CaseId,
    pub reference: String,
    /// Whether the asker may see it (only then is its reference theirs to know).
    pub visible: bool,
}

/// A case in a list: nothing of any category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseSummary {
    pub id: CaseId,
    pub reference: String,
    pub alias: String,
    pub status: CaseStatus,
    pub lead: Party,
    pub exploitation: Exploitation,
    pub scope: TraffickingScope,
    /// The viewer's place on the team; `None` when they see the case through a legal basis
    /// or emergency access.
    pub role: Option<CaseRole>,
    pub updated_at: Timestamp,
}

/// A team member as the case shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberView {
    pub user: UserId,
    pub display_name: String,
    pub party: Party,
    pub role: CaseRole,
    pub added_at: Timestamp,
}

/// A consent as recorded, with its id and who recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRecord {
    pub id: crate::ConsentId,
    pub consent: Consent,
    pub form: ConsentForm,
    pub witness: Option<UserId>,
    /// The language the person was told it in (the receipt's language).
    pub language: Language,
    pub recorded_by: UserId,
    pub withdrawn_by: Option<UserId>,
}

vocabulary!(
    /// Who may read a note beyond the categories: everyone the `notes` category is
    /// disclosed to, the author's organization only, or the lead (and the author's own).
    NoteSensitivity, "note_sensitivity" {
        Normal => "normal",
        Organization => "organization",
        Lead => "lead",
    }
);

impl NoteSensitivity {
    /// Whether a reader acting for `reader` sees a note of this sensitivity written for
    /// `author`, on a case led by `lead` (the `notes` category being disclosed to them).
    pub fn readable_by(self, reader: Party, author: Party, lead: Party) -> bool {
        match self {
            NoteSensitivity::Normal => true,
            NoteSensitivity::Organization => reader == author,
            NoteSensitivity::Lead => reader == lead || reader == author,
        }
    }
}

/// One note, opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub id: crate::NoteId,
    pub author: UserId,
    pub author_name: String,
    pub party: Party,
    pub sensitivity: NoteSensitivity,
    pub body: String,
    pub written_at: Timestamp,
}

/// A note being written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNote {
    pub sensitivity: NoteSensitivity,
    pub body: String,
}

impl NewNote {
    pub fn validate(self) -> Result<NewNote, CaseProblem> {
        let body = self.body.trim().to_owned();
        if body.is_empty() {
            Err(CaseProblem::EmptyNote)
        } else if body.chars().count() > NOTE_MAX {
            Err(CaseProblem::NoteTooLong)
        } else {
            Ok(NewNote { body, ..self })
        }
    }
}

/// A case as one viewer may see it: the parts of categories their permit does not open are
/// `None` — absent, not hidden by a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFile {
    pub summary: CaseSummary,
    pub closure_reason: Option<ClosureReason>,
    pub version: i64,
    pub created_at: Timestamp,
    /// The categories disclosed to this viewer.
    pub disclosed: CategorySet,
    pub team: Vec<MemberView>,
    pub consents: Vec<ConsentRecord>,
    pub identity: Option<Identity>,
    pub contact: Option<Contact>,
    pub whereabouts: Option<Whereabouts>,
    /// `None` without the `notes` category; within it, only the notes their sensitivity
    /// lets this viewer read.
    pub notes: Option<Vec<Note>>,
    /// The steps of the work (plan, accompaniment, immigration, legal, safety) in the
    /// categories disclosed: the others are not read.
    pub steps: Vec<super::Step>,
    /// The identification tool's results attached to the case: `None` without the
    /// `screening` category. Their band and alert, not the answers (those stay with who
    /// ran the screening).
    pub screenings: Option<Vec<crate::screening::ScreeningSummary>>,
    /// The documents of the categories disclosed (no content: opened one by one).
    pub documents: Vec<super::DocumentInfo>,
    /// Who changed the person's details, by category, for the categories disclosed.
    pub details_history: Vec<(DataCategory, Vec<super::FieldChange>)>,
    /// Accesses without consent (legal bases, emergency access): shown to the lead.
    pub exceptional: Vec<super::disclosure::ExceptionalAccess>,
    /// What services need to know, in the categories disclosed.
    pub situation: crate::referral::situation::Situation,
    /// How the person may be contacted: shown to every reader.
    pub contact_safety: crate::referral::situation::ContactSafety,
    /// The needs in the categories disclosed.
    pub needs: Vec<crate::referral::Need>,
    /// The referrals the reader may know of: those whose needs are all in the categories
    /// disclosed, and those sent to the reader's organization.
    pub referrals: Vec<crate::referral::Referral>,
}

impl CaseFile {
    pub fn sees(&self, category: DataCategory) -> bool {
        self.disclosed.contains(category)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(alias: &str, details: PersonDetails) -> NewCase {
        NewCase {
            alias: alias.into(),
            exploitation: Exploitation::Undetermined,
            scope: TraffickingScope::Undetermined,
            details,
        }
    }

    #[test]
    fn input_is_normalized_and_every_problem_named() {
        let ok = case(
            "  Rose ",
            PersonDetails {
                identity: Identity {
                    name: Some("  ".into()),
                    birth_date: Some("1999-02-28".into()),
                    languages: vec![" tagalog ".into(), "".into()],
                },
                ..PersonDetails::default()
            },
        )
        .validate()
        .expect("valid");
        assert_eq!(ok.alias, "Rose");
        assert_eq!(ok.details.identity.name, None);
        assert_eq!(ok.details.identity.languages, ["tagalog"]);

        for (date, valid) in [
            ("1999", true),
            ("1999-02-29", false),
            ("2000-02-29", true),
            ("99-01-01", false),
            ("1850-01-01", false),
            ("abcd", false),
        ] {
            let details = PersonDetails {
                identity: Identity {
                    birth_date: Some(date.into()),
                    ..Identity::default()
                },
                ..PersonDetails::default()
            };
            assert_eq!(case("A", details).validate().is_ok(), valid, "{date}");
        }

        let bad = case(
            " ",
            PersonDetails {
                contact: Contact {
                    phone: Some("9".repeat(LINE_MAX + 1)),
                    ..Contact::default()
                },
                ..PersonDetails::default()
            },
        );
        assert_eq!(
            bad.validate(),
            Err(vec![CaseProblem::MissingAlias, CaseProblem::TooLong])
        );
    }

    #[test]
    fn a_change_of_details_is_checked_and_names_its_fields() {
        let before = DetailsPart::Contact(Contact {
            phone: Some("514-555-0100".into()),
            email: None,
            safe_contact: Some("Textos".into()),
        });
        let after = DetailsPart::Contact(Contact {
            phone: Some(" 514-555-0199 ".into()),
            email: Some("  ".into()),
            safe_contact: Some("Textos".into()),
        })
        .validate()
        .unwrap();
        assert_eq!(after.category(), DataCategory::Contact);
        assert_eq!(after.changed_fields(&before), ["phone"]);
        assert!(after.changed_fields(&after).is_empty());
        let bad = DetailsPart::Identity(Identity {
            name: Some("x".repeat(LINE_MAX + 1)),
            birth_date: Some("31-12-1990".into()),
            languages: vec![],
        });
        assert_eq!(
            bad.validate().unwrap_err(),
            [CaseProblem::TooLong, CaseProblem::BadBirthDate]
        );
        // Every field a change names is one the history can store.
        let everything = DetailsPart::Identity(Identity {
            name: Some("a".into()),
            birth_date: Some("1990".into()),
            languages: vec!["fr".into()],
        });
        let empty = DetailsPart::Identity(Identity::default());
        for field in everything.changed_fields(&empty) {
            assert!(DETAIL_FIELDS.contains(&field), "{field}");
        }
    }

    #[test]
    fn note_sensitivity_narrows_who_reads() {
        let (a, b, lead) = (
            Party::Organization(crate::OrgId::new()),
            Party::Organization(crate::OrgId::new()),
            Party::Coalition,
        );
        use NoteSensitivity as S;
        assert!(S::Normal.readable_by(b, a, lead));
        assert!(S::Organization.readable_by(a, a, lead));
        assert!(!S::Organization.readable_by(b, a, lead));
        assert!(S::Lead.readable_by(lead, a, lead));
        assert!(
            S::Lead.readable_by(a, a, lead),
            "its author's party wrote it"
        );
        assert!(!S::Lead.readable_by(b, a, lead));
        assert_eq!(
            NewNote {
                sensitivity: S::Normal,
                body: " ".into()
            }
            .validate(),
            Err(CaseProblem::EmptyNote)
        );
        for s in S::ALL {
            assert_eq!(s.key().parse(), Ok(*s));
        }
    }
}
