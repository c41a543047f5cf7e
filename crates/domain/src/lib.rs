//! Mosaïque's domain: the types, rules and policies a reviewer must trust.
//!
//! No I/O, no async, no SQL, no HTTP: everything here is a pure function over plain data,
//! so it can be tested exhaustively and reused by every layer above.

pub mod audit;
pub mod bilingual;
pub mod case;
pub mod coalition;
pub mod contact;
pub mod coordination;
pub mod directory;
pub mod identity;
pub mod ids;
pub mod inbox;
pub mod language;
pub mod organization;
pub mod policy;
pub mod referral;
pub mod screening;
pub mod service;
#[cfg(feature = "synthetic")]
pub mod synthetic;
pub mod text;
pub mod throttle;
pub mod time;
pub mod vocabulary;

pub use bilingual::Bilingual;
pub use identity::{Actor, Role, User};
pub use ids::{
    ActionId, AgreementId, BulletinId, CalendarFeedId, CampaignId, CaseId, ConsentId,
    ContactMessageId, DocumentId, EmergencyId, GlossaryEntryId, GrantId, LegalBasisId, LocationId,
    MeetingId, MembershipId, NeedId, NoteId, NoticeId, OrgId, PracticeId, ReferralId, ResourceId,
    ScreeningId, ServiceId, ShiftId, StepId, TokenId, TrainerId, TrainingProgramId,
    TrainingSessionId, UserId, WorkingGroupId,
};
pub use language::Language;
pub use organization::{
    Level, Mandate, NewOrganization, OrgDetails, Organization, OrganizationError, Province, Sector,
};
pub use service::ServiceDomain;
pub use time::Timestamp;
