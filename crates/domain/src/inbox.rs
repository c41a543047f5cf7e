//! The in-app inbox: that something waits for someone, never who it is about. A notice
//! links to the referral; opening it is the referral's own read, decided by its policy.

use crate::vocabulary::vocabulary;
use crate::{NoticeId, ReferralId, Timestamp};

vocabulary!(
    NoticeKind, "notice_kind" {
        // A referral to one's organization (or to oneself) waits for an answer.
        ReferralReceived => "referral_received",
        // A referral one sent was answered (accepted, declined, expired, completed).
        ReferralAnswered => "referral_answered",
    }
);

/// One notice of the inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub id: NoticeId,
    pub kind: NoticeKind,
    pub referral: ReferralId,
    pub at: Timestamp,
    pub read: bool,
}
