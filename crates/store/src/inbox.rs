//! The in-app inbox. Notices are written in the transaction of the referral's move, so a
//! notice exists exactly when the move does; they name a referral, never a person.

use mosaique_domain::inbox::{Notice, NoticeKind};
use mosaique_domain::policy::Permit;
use mosaique_domain::policy::referral::{Inbox, InboxAction, Outbox, OutboxAction};
use mosaique_domain::{CaseId, NoticeId, OrgId, ReferralId, Timestamp, UserId};
use sqlx::Row;

use crate::cases::{parse_id, vocab};
use crate::permits::require;
use crate::{StoreError, Tx, now_ms};

/// Someone to tell by e-mail that something waits for them: their notices not yet mailed
/// were taken at `taken_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailDue {
    pub user: UserId,
    pub email: String,
    pub taken_at: i64,
}

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

    /// Takes every notice and bulletin delivered since `since` and not yet mailed, and returns their
    /// owners (active accounts only) to tell. Taking is one statement, so two servers never
    /// take the same notice; a notice older than `since` is never mailed (an instance that
    /// turns SMTP on does not send its history).
    pub async fn take_mail_due(
        &mut self,
        permit: &Permit<Outbox>,
        since: i64,
    ) -> Result<Vec<MailDue>, StoreError> {
        require(permit, &[OutboxAction::Deliver])?;
        let taken_at = now_ms();
        let mut users = std::collections::BTreeSet::new();
        // Notices and bulletins alike: one e-mail per person, whatever waits.
        for table in ["notifications", "bulletin_deliveries"] {
            let taken = sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE {table} SET mailed_at = $1 \
                 WHERE mailed_at IS NULL AND created_at >= $2 RETURNING user_id"
            )))
            .bind(taken_at)
            .bind(since)
            .fetch_all(self.conn())
            .await?;
            for row in &taken {
                users.insert(row.try_get::<String, _>("user_id")?);
            }
        }
        let mut due = Vec::with_capacity(users.len());
        for user in users {
            let row = sqlx::query("SELECT email FROM users WHERE id = $1 AND disabled_at IS NULL")
                .bind(&user)
                .fetch_optional(self.conn())
                .await?;
            if let Some(row) = row {
                due.push(MailDue {
                    user: user
                        .parse()
                        .map_err(|_| StoreError::Corrupt("notification user".into()))?,
                    email: row.try_get("email")?,
                    taken_at,
                });
            }
        }
        Ok(due)
    }

    /// Gives back the notices taken for `due` after its e-mail could not be sent, so the
    /// next round tries again.
    pub async fn give_back_mail(
        &mut self,
        permit: &Permit<Outbox>,
        due: &MailDue,
    ) -> Result<(), StoreError> {
        require(permit, &[OutboxAction::Deliver])?;
        for table in ["notifications", "bulletin_deliveries"] {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE {table} SET mailed_at = NULL WHERE user_id = $1 AND mailed_at = $2"
            )))
            .bind(due.user.to_string())
            .bind(due.taken_at)
            .execute(self.conn())
            .await?;
        }
        Ok(())
    }
}
