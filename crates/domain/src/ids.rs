//! Newtype identifiers. Every id is a UUIDv7 stored as TEXT, so rows sort by creation time
//! on every backend without a serial column.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            pub fn as_uuid(&self) -> Uuid {
                self.0
            }

            /// An id given from outside (an HSDS import keeps the publisher's ids).
            pub fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// An organization or coalition of the directory.
    OrgId
);

id_type!(
    /// A person's shared case.
    CaseId
);

id_type!(
    /// One consent recorded on a case.
    ConsentId
);

id_type!(
    /// One note on a case.
    NoteId
);

id_type!(
    /// One step of a case's work: a goal, a task, an appointment, an immigration or legal
    /// step, the safety plan.
    StepId
);

id_type!(
    /// A document on a case (a scan, a letter).
    DocumentId
);

id_type!(
    /// A collaboration agreement (entente) between organizations or sectors.
    AgreementId
);

id_type!(
    /// A legal basis recorded for disclosing a case to police without consent.
    LegalBasisId
);

id_type!(
    /// A request for emergency access to a case (break-glass).
    EmergencyId
);

id_type!(
    /// One need of a case: a service domain, an urgency.
    NeedId
);

id_type!(
    /// A referral of a case's needs to a service.
    ReferralId
);

id_type!(
    /// A notice of the in-app inbox.
    NoticeId
);

id_type!(
    /// A shift on the coalition's intake line.
    ShiftId
);

id_type!(
    /// A person who signs in: staff of a member organization or of the coalition.
    UserId
);

id_type!(
    /// An API token (the token itself is only ever stored hashed).
    TokenId
);

id_type!(
    /// A service an organization offers.
    ServiceId
);

id_type!(
    /// A place where services are given.
    LocationId
);

id_type!(
    /// One run of the identification tool.
    ScreeningId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text_and_sort_by_creation() {
        let first = OrgId::new();
        let second = OrgId::new();
        assert_eq!(first.to_string().parse::<OrgId>(), Ok(first));
        assert!(first.to_string() < second.to_string() || first.to_string() == second.to_string());
        assert!("not-a-uuid".parse::<OrgId>().is_err());
    }
}

id_type!(
    /// A message sent to the coalition through its public contact form.
    ContactMessageId
);

id_type!(
    /// An organization's membership of a coalition, over one period.
    MembershipId
);

id_type!(
    /// A meeting of a coalition.
    MeetingId
);

id_type!(
    /// A private calendar feed address given to one person.
    CalendarFeedId
);

id_type!(
    /// An action of a coalition's plan, or a meeting's action item.
    ActionId
);

id_type!(
    /// A coalition's training program.
    TrainingProgramId
);

id_type!(
    /// A trainer the coalition certified.
    TrainerId
);

id_type!(
    /// A training session given.
    TrainingSessionId
);

id_type!(
    /// A coalition's working group (comité).
    WorkingGroupId
);

id_type!(
    /// An entry of a coalition's shared glossary.
    GlossaryEntryId
);

id_type!(
    /// A document or link of a coalition's resource library.
    ResourceId
);

id_type!(
    /// A coalition's awareness campaign.
    CampaignId
);

id_type!(
    /// A promising practice a coalition's member shared.
    PracticeId
);

id_type!(
    /// A grant that funds the coalition.
    GrantId
);

id_type!(
    /// A bulletin a coalition sent its members.
    BulletinId
);
