//! What a use case answers when it does not do what was asked: refused by the policy, not
//! found, not acceptable as given, in conflict with another change, or not possible now.
//! The web layer and the command line turn each into words in the reader's language.

use mosaique_domain::OrganizationError;
use mosaique_domain::case::{
    AgreementProblem, CaseProblem, ConsentProblem, DisclosureProblem, DocumentProblem, StepProblem,
    TeamProblem, TermProblem,
};
use mosaique_domain::policy::{Denial, DenyReason};
use mosaique_domain::referral::ReferralProblem;
use mosaique_domain::screening::AnswerError;
use mosaique_domain::service::{LocationError, ServiceError};
use mosaique_store::StoreError;

pub use mosaique_crypto::PasswordProblem;

#[derive(Debug)]
pub enum AppError {
    /// The policy said no (and, for personal data, the refusal is on the audit trail).
    Denied(Denial),
    /// No such thing.
    NotFound,
    /// What was given cannot be accepted: every problem, for the caller to word.
    Invalid(Invalid),
    /// Another change came first, or the thing is in a state that forbids this.
    Conflict(Conflict),
    /// The database cannot be reached or used right now.
    Unavailable,
    /// A bug or corrupt data: logged where it happened, never shown.
    Internal,
}

pub type AppResult<T> = Result<T, AppError>;

/// Every problem with an input, by kind of input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
    Organization(Vec<OrganizationError>),
    Service(Vec<ServiceError>),
    Location(Vec<LocationError>),
    Account(Vec<AccountProblem>),
    NewPassword(Vec<NewPasswordProblem>),
    Answers(Vec<AnswerError>),
    /// An answer to a question the interview does not show now.
    Question,
    /// A value the question does not take (nothing chosen, say).
    AnswerValue,
    /// No instrument key, or one nobody may use for a new screening.
    Instrument,
    /// Capacity: a count that is not a number, or more free places than places.
    Capacity(CapacityProblem),
    /// A token needs a name to be recognized later.
    TokenName,
    /// A case's input or a note.
    Case(Vec<CaseProblem>),
    Consent(Vec<ConsentProblem>),
    Team(TeamProblem),
    /// A legal basis or an emergency access request.
    Disclosure(Vec<DisclosureProblem>),
    Agreement(Vec<AgreementProblem>),
    /// A step of a case's work (plan, accompaniment, immigration, legal, safety).
    Step(Vec<StepProblem>),
    /// A document: its name, size or type.
    Document(Vec<DocumentProblem>),
    /// The coalition's wording of a vocabulary value.
    Terms(Vec<TermProblem>),
    /// A need, a referral, or an answer to one.
    Referral(Vec<ReferralProblem>),
    /// A shift on the on-call roster.
    Shift(Vec<mosaique_domain::coordination::ShiftProblem>),
    /// A message to the coalition.
    Contact(Vec<mosaique_domain::contact::ContactProblem>),
    /// An organization's membership of a coalition.
    Membership(Vec<mosaique_domain::coalition::MembershipProblem>),
    /// A meeting, its minutes or its attendance.
    Meeting(Vec<mosaique_domain::coalition::meeting::MeetingProblem>),
    /// An action of the plan, or a change of its status.
    Action(Vec<mosaique_domain::coalition::action::ActionProblem>),
    /// A training program, a trainer's certification or a session given.
    Training(Vec<mosaique_domain::coalition::training::TrainingProblem>),
    /// A working group, or its members.
    Group(Vec<mosaique_domain::coalition::group::GroupProblem>),
    /// An entry of the shared glossary.
    Glossary(Vec<mosaique_domain::coalition::glossary::GlossaryProblem>),
    /// A document or link of the resource library.
    Library(Vec<mosaique_domain::coalition::library::ResourceProblem>),
    /// An awareness campaign, or its reach.
    Campaign(Vec<mosaique_domain::coalition::campaign::CampaignProblem>),
    /// A promising practice.
    Practice(Vec<mosaique_domain::coalition::practice::PracticeProblem>),
    /// A grant, or a report submitted.
    Grant(Vec<mosaique_domain::coalition::funding::GrantProblem>),
    /// A bulletin to members.
    Bulletin(Vec<mosaique_domain::coalition::bulletin::BulletinProblem>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountProblem {
    BadEmail,
    /// Empty, or longer than the limit.
    BadName,
    /// Not one of the roles.
    UnknownRole,
    /// This role belongs to a member organization's staff.
    NeedsOrganization,
    UnknownOrganization,
}

/// What is wrong with a password someone chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewPasswordProblem {
    /// The two copies differ.
    Mismatch,
    Weak(PasswordProblem),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapacityProblem {
    /// More places free than places in all.
    OverTotal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    /// The record changed since it was read: reload and try again.
    Stale,
    /// Already taken: `email`, `slug`, `instrument_version`, `second factor`.
    Taken(&'static str),
    /// The screening is complete: it no longer changes.
    ScreeningClosed,
    /// The instrument version is retired: no new screening uses it.
    InstrumentRetired,
    /// The interview is not complete yet: it has no result.
    ScreeningInProgress,
    /// The account is disabled: nothing more is done with it.
    AccountDisabled,
    /// The case is closed: it is read, reopened or purged, not worked on.
    CaseClosed,
    /// The case is still open: it is closed before it is destroyed.
    CaseStillOpen,
    /// The referral is not in a status this move applies to (accepting a declined one).
    ReferralNotFrom(mosaique_domain::referral::ReferralStatus),
}

impl AppError {
    /// The refusal's reason, when the policy refused.
    pub fn denial(&self) -> Option<DenyReason> {
        match self {
            AppError::Denied(denial) => Some(denial.reason),
            _ => None,
        }
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> AppError {
        match error {
            StoreError::Stale => AppError::Conflict(Conflict::Stale),
            StoreError::Conflict(what) => AppError::Conflict(Conflict::Taken(what)),
            error if error.connect_problem().is_some() => {
                tracing::warn!(%error, "database unavailable");
                AppError::Unavailable
            }
            error => {
                tracing::error!(%error, "storage error");
                AppError::Internal
            }
        }
    }
}

impl From<Denial> for AppError {
    fn from(denial: Denial) -> AppError {
        match denial.reason {
            // Told only to someone who may see the case.
            DenyReason::Closed => AppError::Conflict(Conflict::CaseClosed),
            DenyReason::StillOpen => AppError::Conflict(Conflict::CaseStillOpen),
            _ => AppError::Denied(denial),
        }
    }
}
