//! The public contact form: partners and the public write to the coalition's inbox. It never
//! asks about a victim and says so; what is written anyway is sealed like any personal data.
//! A hidden field that only robots fill, and limits per address and overall, keep the inbox
//! usable without any third-party captcha.

use crate::identity::normalize_email;
use crate::throttle::ThrottleRule;
use crate::vocabulary::vocabulary;
use crate::{ContactMessageId, Timestamp};

vocabulary!(
    /// What a message is about, so the right person in the coalition answers it.
    ContactTopic, "contact_topic" {
        Partnership => "partnership",
        Training => "training",
        Information => "information",
        Media => "media",
        Other => "other",
    }
);

pub const MESSAGE_MAX_CHARS: usize = 4_000;
pub const FIELD_MAX_CHARS: usize = 200;

/// Sending limits: a few messages per address, and a ceiling for everyone together so a
/// flood from many addresses cannot bury the real messages.
pub const PER_ADDRESS: ThrottleRule = ThrottleRule {
    free: 3,
    window_ms: 60 * 60 * 1000,
    first_delay_ms: 60 * 60 * 1000,
    max_delay_ms: 60 * 60 * 1000,
};
pub const FROM_EVERYONE: ThrottleRule = ThrottleRule {
    free: 200,
    window_ms: 60 * 60 * 1000,
    first_delay_ms: 10 * 60 * 1000,
    max_delay_ms: 60 * 60 * 1000,
};

/// The form as sent. `trap` is the field people never see (robots fill it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactDraft {
    pub topic: String,
    pub name: String,
    pub email: String,
    pub organization: String,
    pub message: String,
    pub trap: String,
}

/// What a message says, once accepted: sealed together at rest.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactBody {
    pub name: String,
    /// Blank: the sender wants no answer.
    pub email: String,
    pub organization: String,
    pub message: String,
}

/// A message of the inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactMessage {
    pub id: ContactMessageId,
    pub topic: ContactTopic,
    pub body: ContactBody,
    pub received_at: Timestamp,
    pub handled_at: Option<Timestamp>,
}

/// How a message leaves the list of those waiting: answered (kept, marked), or deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closing {
    Handled,
    Deleted,
}

/// A deletion is for good: it needs the administrator's explicit confirmation.
pub fn check_closing(closing: Closing, confirmed: bool) -> Result<(), ContactProblem> {
    match closing {
        Closing::Deleted if !confirmed => Err(ContactProblem::DeleteNotConfirmed),
        _ => Ok(()),
    }
}

impl Closing {
    /// The audit trail's reason.
    pub fn key(self) -> &'static str {
        match self {
            Closing::Handled => "handled",
            Closing::Deleted => "deleted",
        }
    }
}

/// Why a message cannot be sent as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ContactProblem {
    #[error("no topic chosen")]
    NoTopic,
    #[error("the message is empty")]
    EmptyMessage,
    #[error("the message is too long")]
    MessageTooLong,
    #[error("a field is too long")]
    FieldTooLong,
    #[error("the e-mail address is not valid")]
    BadEmail,
    #[error("deleting a message must be confirmed")]
    DeleteNotConfirmed,
}

impl ContactProblem {
    pub fn message_id(self) -> &'static str {
        match self {
            ContactProblem::NoTopic => "contact-problem-no-topic",
            ContactProblem::EmptyMessage => "contact-problem-empty",
            ContactProblem::MessageTooLong => "contact-problem-too-long",
            ContactProblem::FieldTooLong => "contact-problem-field-too-long",
            ContactProblem::BadEmail => "contact-problem-bad-email",
            ContactProblem::DeleteNotConfirmed => "contact-problem-delete-not-confirmed",
        }
    }
}

/// What to do with a draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Keep it.
    Accept(ContactTopic, ContactBody),
    /// A robot filled the hidden field: answer as if it was sent, keep nothing.
    Discard,
}

impl ContactDraft {
    /// Checks a draft: every problem at once, so the sender fixes them in one go.
    pub fn check(&self) -> Result<Verdict, Vec<ContactProblem>> {
        if !self.trap.trim().is_empty() {
            return Ok(Verdict::Discard);
        }
        let mut problems = Vec::new();
        let topic = self.topic.trim().parse::<ContactTopic>().ok();
        if topic.is_none() {
            problems.push(ContactProblem::NoTopic);
        }
        let message = self.message.trim();
        if message.is_empty() {
            problems.push(ContactProblem::EmptyMessage);
        } else if message.chars().count() > MESSAGE_MAX_CHARS {
            problems.push(ContactProblem::MessageTooLong);
        }
        let (name, organization) = (self.name.trim(), self.organization.trim());
        if [name, organization, self.email.trim()]
            .iter()
            .any(|field| field.chars().count() > FIELD_MAX_CHARS)
        {
            problems.push(ContactProblem::FieldTooLong);
        }
        let email = match self.email.trim() {
            "" => Some(String::new()),
            given => normalize_email(given),
        };
        if email.is_none() {
            problems.push(ContactProblem::BadEmail);
        }
        match (topic, email) {
            (Some(topic), Some(email)) if problems.is_empty() => Ok(Verdict::Accept(
                topic,
                ContactBody {
                    name: name.to_owned(),
                    email,
                    organization: organization.to_owned(),
                    message: message.to_owned(),
                },
            )),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(topic: &str, email: &str, message: &str) -> ContactDraft {
        ContactDraft {
            topic: topic.into(),
            email: email.into(),
            message: message.into(),
            ..ContactDraft::default()
        }
    }

    #[test]
    fn a_message_needs_a_topic_and_words_and_an_address_only_if_given() {
        let Ok(Verdict::Accept(topic, body)) =
            draft("training", "", "  Une formation pour notre équipe ?  ").check()
        else {
            panic!("accepted");
        };
        assert_eq!(topic, ContactTopic::Training);
        assert_eq!(body.message, "Une formation pour notre équipe ?");
        assert_eq!(body.email, "");
        assert_eq!(
            draft("", "pas une adresse", " ").check(),
            Err(vec![
                ContactProblem::NoTopic,
                ContactProblem::EmptyMessage,
                ContactProblem::BadEmail
            ])
        );
        let long = "x".repeat(MESSAGE_MAX_CHARS + 1);
        assert_eq!(
            draft("media", "a@b.ca", &long).check(),
            Err(vec![ContactProblem::MessageTooLong])
        );
        let mut named = draft("other", "", "Bonjour");
        named.organization = "o".repeat(FIELD_MAX_CHARS + 1);
        assert_eq!(named.check(), Err(vec![ContactProblem::FieldTooLong]));
    }

    #[test]
    fn only_a_confirmed_deletion_goes_ahead() {
        assert_eq!(
            check_closing(Closing::Deleted, false),
            Err(ContactProblem::DeleteNotConfirmed)
        );
        assert_eq!(check_closing(Closing::Deleted, true), Ok(()));
        assert_eq!(check_closing(Closing::Handled, false), Ok(()));
    }

    #[test]
    fn the_hidden_field_discards_whatever_else_is_written() {
        let mut robot = draft("", "", "");
        robot.trap = "https://spam.example".into();
        assert_eq!(robot.check(), Ok(Verdict::Discard));
    }
}
