//! What a case form or a JSON body says, as text, turned into the domain's input once for
//! the pages and the API: every value that is not one of the vocabulary's is named.

use mosaique_domain::case::{
    CaseEvent, CategorySet, ClosureReason, ConsentForm, Contact, DataCategory, DetailsPart,
    Exploitation, Identity, NewCase, NewConsent, NewNote, NewStep, NoteSensitivity, PersonDetails,
    PossibleDuplicate, Purpose, Recipient, StepKind, StepStatus, TraffickingScope, Whereabouts,
};
use mosaique_domain::time::{DEFAULT_TIME_ZONE, local_day};
use mosaique_domain::{ServiceDomain, Timestamp, UserId};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::form::Pairs;
use crate::i18n::Tr;

/// A value outside what a field takes: which field, and what was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BadValue {
    pub field: &'static str,
    pub value: String,
}

impl BadValue {
    pub fn explain(tr: &Tr, bad: &[BadValue]) -> Vec<String> {
        bad.iter()
            .map(|b| {
                tr.t_args(
                    "case-bad-value",
                    &[
                        ("field", crate::i18n::Arg::Text(b.field.to_owned())),
                        ("value", crate::i18n::Arg::Text(b.value.clone())),
                    ],
                )
            })
            .collect()
    }
}

pub(crate) fn vocab<T: std::str::FromStr>(
    field: &'static str,
    value: &str,
    bad: &mut Vec<BadValue>,
) -> Option<T> {
    let parsed = value.trim().parse().ok();
    if parsed.is_none() {
        bad.push(BadValue {
            field,
            value: value.to_owned(),
        });
    }
    parsed
}

fn text(value: &str) -> Option<String> {
    Some(value.trim().to_owned()).filter(|v| !v.is_empty())
}

/// A case being opened.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CaseInput {
    /// What the team calls the person: never their name.
    pub alias: String,
    /// `sexual`, `forced_labour`, `sexual_and_labour`, `forced_criminality`, `other` or
    /// `undetermined` (the default).
    #[serde(default)]
    pub exploitation: Option<String>,
    /// `internal`, `international` or `undetermined` (the default).
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    /// `YYYY-MM-DD`, or `YYYY`.
    #[serde(default)]
    pub birth_date: Option<String>,
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// When and how contact is safe.
    #[serde(default)]
    pub safe_contact: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    /// Open it even though a case of the organization may be the same person (same alias,
    /// or same name and date of birth): otherwise such a case answers 409.
    #[serde(default)]
    pub allow_duplicate: bool,
}

impl CaseInput {
    pub fn from_pairs(f: &Pairs) -> CaseInput {
        let opt = |key| text(&f.get(key));
        CaseInput {
            alias: f.get("alias"),
            exploitation: opt("exploitation"),
            scope: opt("scope"),
            name: opt("name"),
            birth_date: opt("birth_date"),
            languages: f.get("languages").split(',').filter_map(text).collect(),
            phone: opt("phone"),
            email: opt("email"),
            safe_contact: opt("safe_contact"),
            address: opt("address"),
            city: opt("city"),
            allow_duplicate: f.get("allow_duplicate") == "on",
        }
    }

    pub fn to_new(&self) -> Result<NewCase, Vec<BadValue>> {
        let mut bad = Vec::new();
        let exploitation = match &self.exploitation {
            Some(v) => vocab("exploitation", v, &mut bad),
            None => Some(Exploitation::Undetermined),
        };
        let scope = match &self.scope {
            Some(v) => vocab("scope", v, &mut bad),
            None => Some(TraffickingScope::Undetermined),
        };
        let (Some(exploitation), Some(scope)) = (exploitation, scope) else {
            return Err(bad);
        };
        Ok(NewCase {
            alias: self.alias.clone(),
            exploitation,
            scope,
            details: PersonDetails {
                identity: Identity {
                    name: self.name.clone(),
                    birth_date: self.birth_date.clone(),
                    languages: self.languages.clone(),
                },
                contact: Contact {
                    phone: self.phone.clone(),
                    email: self.email.clone(),
                    safe_contact: self.safe_contact.clone(),
                },
                whereabouts: Whereabouts {
                    address: self.address.clone(),
                    city: self.city.clone(),
                },
            },
        })
    }
}

/// The words of a possible-duplicate warning: the reference of a case the asker is on the
/// see, or only that one exists in their organization.
pub(crate) fn duplicate_warnings(tr: &Tr, found: &[PossibleDuplicate]) -> Vec<String> {
    found
        .iter()
        .map(|d| {
            if d.visible {
                tr.with("case-duplicate-yours", "reference", &d.reference)
            } else {
                tr.t("case-duplicate-other")
            }
        })
        .collect()
}

/// The person's details of one category, as changed (every field of the part, as it is to
/// be: a field left out is emptied).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DetailsInput {
    /// Identity.
    #[serde(default)]
    pub name: Option<String>,
    /// Identity: `YYYY-MM-DD`, or `YYYY`.
    #[serde(default)]
    pub birth_date: Option<String>,
    /// Identity.
    #[serde(default)]
    pub languages: Vec<String>,
    /// Contact.
    #[serde(default)]
    pub phone: Option<String>,
    /// Contact.
    #[serde(default)]
    pub email: Option<String>,
    /// Contact: when and how contact is safe.
    #[serde(default)]
    pub safe_contact: Option<String>,
    /// Location.
    #[serde(default)]
    pub address: Option<String>,
    /// Location.
    #[serde(default)]
    pub city: Option<String>,
    /// The case's version, as read before the change.
    #[serde(default)]
    pub version: Option<i64>,
}

impl DetailsInput {
    pub fn from_pairs(f: &Pairs) -> DetailsInput {
        let opt = |key| text(&f.get(key));
        DetailsInput {
            name: opt("name"),
            birth_date: opt("birth_date"),
            languages: f.get("languages").split(',').filter_map(text).collect(),
            phone: opt("phone"),
            email: opt("email"),
            safe_contact: opt("safe_contact"),
            address: opt("address"),
            city: opt("city"),
            version: f.get("version").trim().parse().ok(),
        }
    }

    /// The part of `category`; a field of another part is a bad value, not ignored.
    pub fn to_part(&self, category: DataCategory) -> Result<DetailsPart, Vec<BadValue>> {
        let identity = [("name", &self.name), ("birth_date", &self.birth_date)];
        let contact = [
            ("phone", &self.phone),
            ("email", &self.email),
            ("safe_contact", &self.safe_contact),
        ];
        let location = [("address", &self.address), ("city", &self.city)];
        let mut others: Vec<(&'static str, &Option<String>)> = Vec::new();
        let languages = (!self.languages.is_empty()).then(|| self.languages.join(", "));
        if category != DataCategory::Identity {
            others.extend(identity);
            others.push(("languages", &languages));
        }
        if category != DataCategory::Contact {
            others.extend(contact);
        }
        if category != DataCategory::Location {
            others.extend(location);
        }
        let bad: Vec<BadValue> = others
            .into_iter()
            .filter_map(|(field, value)| {
                value.as_ref().map(|v| BadValue {
                    field,
                    value: v.clone(),
                })
            })
            .collect();
        if !bad.is_empty() {
            return Err(bad);
        }
        Ok(match category {
            DataCategory::Identity => DetailsPart::Identity(Identity {
                name: self.name.clone(),
                birth_date: self.birth_date.clone(),
                languages: self.languages.clone(),
            }),
            DataCategory::Contact => DetailsPart::Contact(Contact {
                phone: self.phone.clone(),
                email: self.email.clone(),
                safe_contact: self.safe_contact.clone(),
            }),
            _ => DetailsPart::Whereabouts(Whereabouts {
                address: self.address.clone(),
                city: self.city.clone(),
            }),
        })
    }
}

/// The category of a details path segment: `identity`, `contact` or `location`.
pub(crate) fn details_category(raw: &str) -> Option<DataCategory> {
    match raw.parse() {
        Ok(c @ (DataCategory::Identity | DataCategory::Contact | DataCategory::Location)) => {
            Some(c)
        }
        _ => None,
    }
}

/// A consent as the person gave it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConsentInput {
    /// `services`, `referral`, `sharing`, `police_disclosure` or `research`.
    pub purpose: String,
    /// `org:<uuid>`, `sector:<key>` or `coalition`.
    #[serde(default)]
    pub recipients: Vec<String>,
    /// `identity`, `contact`, `location`, `screening`, `health`, `immigration`, `legal`,
    /// `notes`.
    #[serde(default)]
    pub categories: Vec<String>,
    /// `written` or `verbal_witnessed`.
    pub form: String,
    /// The colleague who heard a verbal consent (a user id).
    #[serde(default)]
    pub witness: Option<String>,
    /// The day it was given (`YYYY-MM-DD`, in Québec time).
    pub given_on: String,
    /// The last day it holds (`YYYY-MM-DD`).
    pub expires_on: String,
}

impl ConsentInput {
    pub fn from_pairs(f: &Pairs) -> ConsentInput {
        ConsentInput {
            purpose: f.get("purpose"),
            recipients: f.all("recipients"),
            categories: f.all("categories"),
            form: f.get("form"),
            witness: text(&f.get("witness")),
            given_on: f.get("given_on"),
            expires_on: f.get("expires_on"),
        }
    }

    pub fn to_new(&self) -> Result<NewConsent, Vec<BadValue>> {
        let mut bad = Vec::new();
        let purpose: Option<Purpose> = vocab("purpose", &self.purpose, &mut bad);
        let recipients: Vec<Recipient> = self
            .recipients
            .iter()
            .filter_map(|r| vocab("recipients", r, &mut bad))
            .collect();
        let categories: CategorySet = self
            .categories
            .iter()
            .filter_map(|c| vocab::<DataCategory>("categories", c, &mut bad))
            .collect();
        let form: Option<ConsentForm> = vocab("form", &self.form, &mut bad);
        let witness: Option<UserId> = match &self.witness {
            Some(w) => vocab("witness", w, &mut bad),
            None => None,
        };
        let mut day = |field, value: &str| {
            let span = local_day(value, DEFAULT_TIME_ZONE);
            if span.is_none() {
                bad.push(BadValue {
                    field,
                    value: value.to_owned(),
                });
            }
            span
        };
        let given = day("given_on", &self.given_on);
        let expires = day("expires_on", &self.expires_on);
        match (purpose, form, given, expires) {
            (Some(purpose), Some(form), Some((given_at, _)), Some((_, expires_at)))
                if bad.is_empty() =>
            {
                Ok(NewConsent {
                    purpose,
                    recipients,
                    categories,
                    form,
                    witness,
                    given_at,
                    expires_at,
                })
            }
            _ => Err(bad),
        }
    }
}

/// A note.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NoteInput {
    pub body: String,
    /// `normal` (the default), `organization` or `lead`.
    #[serde(default)]
    pub sensitivity: Option<String>,
}

impl NoteInput {
    pub fn to_new(&self) -> Result<NewNote, Vec<BadValue>> {
        let mut bad = Vec::new();
        let sensitivity = match &self.sensitivity {
            Some(s) => vocab("sensitivity", s, &mut bad),
            None => Some(NoteSensitivity::Normal),
        };
        match sensitivity {
            Some(sensitivity) => Ok(NewNote {
                sensitivity,
                body: self.body.clone(),
            }),
            None => Err(bad),
        }
    }
}

/// A step of the case's work, as added or changed (a change sends back the `version` it
/// was read at).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StepInput {
    /// `goal`, `task`, `appointment`, `accompaniment`, `court_date`,
    /// `temporary_resident_permit`, `work_permit`, `study_permit`, `complaint`,
    /// `proceedings`, `victim_impact_statement`, `protection_order` or `safety_plan`. The
    /// kind fixes the data category: a court date is `legal`, a permit `immigration`, the
    /// safety plan `location`, a goal the category of its domain (`health`, `immigration`,
    /// `legal`, else `notes`), the rest `notes`.
    pub kind: String,
    /// `planned` (the default), `in_progress`, `done`, `refused` (a step someone else
    /// decides) or `cancelled`.
    #[serde(default)]
    pub status: Option<String>,
    /// A goal's service domain (goals only).
    #[serde(default)]
    pub domain: Option<String>,
    pub title: String,
    #[serde(default)]
    pub details: Option<String>,
    /// `YYYY-MM-DD`: when it happens, is due, or was applied for.
    #[serde(default)]
    pub on: Option<String>,
    /// `YYYY-MM-DD`: when a permit or an order ends.
    #[serde(default)]
    pub expires_on: Option<String>,
    /// A team member's user id.
    #[serde(default)]
    pub assignee: Option<String>,
    /// The step's version, to change one (from the case's answer).
    #[serde(default)]
    pub version: Option<i64>,
}

impl StepInput {
    pub fn from_pairs(f: &Pairs) -> StepInput {
        let opt = |key| text(&f.get(key));
        StepInput {
            kind: f.get("kind"),
            status: opt("status"),
            domain: opt("domain"),
            title: f.get("title"),
            details: opt("details"),
            on: opt("on"),
            expires_on: opt("expires_on"),
            assignee: opt("assignee"),
            version: f.get("version").trim().parse().ok(),
        }
    }

    pub fn to_new(&self) -> Result<NewStep, Vec<BadValue>> {
        let mut bad = Vec::new();
        let kind: Option<StepKind> = vocab("kind", &self.kind, &mut bad);
        let status = match &self.status {
            Some(s) => vocab("status", s, &mut bad),
            None => Some(StepStatus::Planned),
        };
        let domain: Option<ServiceDomain> = match &self.domain {
            Some(d) => vocab("domain", d, &mut bad),
            None => None,
        };
        let assignee: Option<UserId> = match &self.assignee {
            Some(a) => vocab("assignee", a, &mut bad),
            None => None,
        };
        match (kind, status) {
            (Some(kind), Some(status)) if bad.is_empty() => Ok(NewStep {
                kind,
                status,
                domain,
                title: self.title.clone(),
                details: self.details.clone(),
                on: self.on.clone(),
                expires_on: self.expires_on.clone(),
                assignee,
            }),
            _ => Err(bad),
        }
    }
}

/// A status change: `hold`, `resume`, `close` (with a reason) or `reopen`.
pub(crate) fn status_event(event: &str, reason: &str) -> Result<CaseEvent, Vec<BadValue>> {
    let mut bad = Vec::new();
    let parsed = match event {
        "hold" => Some(CaseEvent::PutOnHold),
        "resume" => Some(CaseEvent::Resume),
        "reopen" => Some(CaseEvent::Reopen),
        "close" => vocab::<ClosureReason>("reason", reason, &mut bad).map(CaseEvent::Close),
        other => {
            bad.push(BadValue {
                field: "event",
                value: other.to_owned(),
            });
            None
        }
    };
    parsed.ok_or(bad)
}

/// Today, as a form's default date.
pub(crate) fn today() -> String {
    mosaique_domain::time::local_date(Timestamp(mosaique_app::App::now_ms()), DEFAULT_TIME_ZONE)
}

/// A year from today, a consent's default end (time-limited, as survivors' advocates ask).
pub(crate) fn in_a_year() -> String {
    let now = Timestamp(mosaique_app::App::now_ms() + 365 * 86_400_000);
    mosaique_domain::time::local_date(now, DEFAULT_TIME_ZONE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_consent_form_names_every_bad_value() {
        let input = ConsentInput {
            purpose: "gossip".into(),
            recipients: vec!["sector:moon".into(), "coalition".into()],
            categories: vec!["identity".into(), "shoe_size".into()],
            form: "written".into(),
            witness: None,
            given_on: "2026-01-01".into(),
            expires_on: "2026-13-01".into(),
        };
        let bad = input.to_new().unwrap_err();
        let fields: Vec<_> = bad.iter().map(|b| b.field).collect();
        assert_eq!(
            fields,
            ["purpose", "recipients", "categories", "expires_on"]
        );

        let good = ConsentInput {
            purpose: "services".into(),
            expires_on: "2026-12-31".into(),
            categories: vec!["identity".into()],
            recipients: vec!["coalition".into()],
            ..input
        }
        .to_new()
        .unwrap();
        assert!(good.given_at < good.expires_at);
        assert_eq!(good.categories.keys(), ["identity"]);
    }

    #[test]
    fn a_step_names_every_bad_value() {
        let input = StepInput {
            kind: "vacation".into(),
            status: Some("maybe".into()),
            domain: Some("astrology".into()),
            title: "x".into(),
            assignee: Some("not-an-id".into()),
            ..StepInput::default()
        };
        let fields: Vec<_> = input
            .to_new()
            .unwrap_err()
            .iter()
            .map(|b| b.field)
            .collect();
        assert_eq!(fields, ["kind", "status", "domain", "assignee"]);
        let good = StepInput {
            kind: "temporary_resident_permit".into(),
            status: None,
            domain: None,
            assignee: None,
            ..input
        }
        .to_new()
        .unwrap();
        assert_eq!(good.status, StepStatus::Planned);
        assert_eq!(good.category(), DataCategory::Immigration);
    }

    #[test]
    fn a_details_change_takes_only_its_part() {
        let input = DetailsInput {
            phone: Some("514".into()),
            city: Some("Laval".into()),
            ..DetailsInput::default()
        };
        let bad = input.to_part(DataCategory::Contact).unwrap_err();
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].field, "city");
        assert!(matches!(
            input.to_part(DataCategory::Location).unwrap_err()[0].field,
            "phone"
        ));
        let only_phone = DetailsInput {
            city: None,
            ..input
        };
        assert!(matches!(
            only_phone.to_part(DataCategory::Contact),
            Ok(DetailsPart::Contact(_))
        ));
        assert_eq!(details_category("location"), Some(DataCategory::Location));
        assert_eq!(details_category("notes"), None);
    }

    #[test]
    fn a_status_change_is_one_of_four() {
        assert_eq!(status_event("hold", ""), Ok(CaseEvent::PutOnHold));
        assert_eq!(
            status_event("close", "goals_met"),
            Ok(CaseEvent::Close(ClosureReason::GoalsMet))
        );
        assert!(status_event("close", "").is_err());
        assert!(status_event("explode", "").is_err());
    }
}
