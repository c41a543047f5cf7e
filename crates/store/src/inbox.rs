//! The in-app inbox. Notices are written in the transaction of the referral's move, so a
//! notice exists exactly when the move does; they name a referral, never a person.

use mosaique_domain::inbox::{Notice, NoticeKind};
use mosaique_domain::policy::Permit;
use mosaique_domain::policy::referral::{Inbox, InboxAction};
use mosaique_domain::{CaseId, NoticeId, OrgId, ReferralId, Timestamp, UserId};
use sqlx::Row;

use crate::cases::{parse_id, vocab};
use crate::permits::require;
use crate::{StoreError, Tx, now_ms};

/// Who a notice goes to.
pub(crate) enum Addressee {
    /// One account (a named worker, the sender).
    User(UserId),
    /// Every active caseworker of an organization: its intake queue.
    Organization(OrgId),
}

impl Tx {
    pub(crate) async fn notify(
        &mut self,
        to: Addressee,
        kind: NoticeKind,
        referral: ReferralId,
        case: CaseId,
    ) -> Result<(), StoreError> {
        let users: Vec<String> = match to {
            Addressee::User(user) => vec![user.to_string()],
            Addressee::Organization(org) => sqlx::query(
                "SELECT id FROM users WHERE org_id = $1 AND role = 'caseworker' \
                 AND disabled_at IS NULL",
            )
            .bind(org.to_string())
            .fetch_all(self.conn())
            .await?
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<Result<_, _>>()?,
        };
        let now = now_ms();
        for user in users {
            sqlx::query(
                "INSERT INTO notifications (id, user_id, kind, referral_id, case_id, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(NoticeId::new().to_string())
            .bind(user)
            .bind(kind.key())
            .bind(referral.to_string())
            .bind(case.to_string())
            .bind(now)
            .execute(self.conn())
            .await?;
        }
        Ok(())
    }

    /// The owner's notices, newest first (the last 100).
    pub async fn inbox(&mut self, permit: &Permit<Inbox>) -> Result<Vec<Notice>, StoreError> {
        require(permit, &[InboxAction::Use])?;
        sqlx::query(
            "SELECT id, kind, referral_id, created_at, read_at FROM notifications \
             WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT 100",
        )
        .bind(permit.resource().owner.to_string())
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(|r| {
            Ok(Notice {
                id: parse_id(r, "id")?,
                kind: vocab(r, "kind")?,
                referral: parse_id(r, "referral_id")?,
                at: Timestamp(r.try_get("created_at")?),
                read: r.try_get::<Option<i64>, _>("read_at")?.is_some(),
            })
        })
        .collect()
    }

    /// Marks the owner's notices about `referral` read (opening it reads them all).
    pub async fn mark_read(
        &mut self,
        permit: &Permit<Inbox>,
        referral: ReferralId,
    ) -> Result<(), StoreError> {
        require(permit, &[InboxAction::Use])?;
        sqlx::query(
            "UPDATE notifications SET read_at = $3 WHERE user_id = $1 AND referral_id = $2 \
             AND read_at IS NULL",
        )
        .bind(permit.resource().owner.to_string())
        .bind(referral.to_string())
        .bind(now_ms())
        .execute(self.conn())
        .await?;
        Ok(())
    }
}
