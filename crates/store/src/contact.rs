//! The coalition's inbox of messages from its public contact form
//! (`mosaique_domain::contact`). What a sender wrote is sealed; reading it is audited.

use mosaique_domain::audit::Outcome;
use mosaique_domain::contact::{Closing, ContactBody, ContactMessage, ContactTopic};
use mosaique_domain::policy::Permit;
use mosaique_domain::policy::contact::{CoalitionInbox, ContactAction};
use mosaique_domain::{ContactMessageId, Timestamp};
use sqlx::Row;

use crate::permits::{require, user};
use crate::{StoreError, Tx, now_ms};

/// The newest messages the inbox shows at once.
pub const INBOX_LIMIT: i64 = 200;

const TABLE: &str = "contact_messages";

fn corrupt() -> StoreError {
    StoreError::Corrupt("contact message".into())
}

impl Tx {
    /// Keeps a message sent through the form.
    pub async fn add_contact_message(
        &mut self,
        permit: &Permit<CoalitionInbox>,
        topic: ContactTopic,
        body: &ContactBody,
    ) -> Result<ContactMessageId, StoreError> {
        require(permit, &[ContactAction::Send])?;
        let id = ContactMessageId::new();
        let sealed = self
            .keys()?
            .seal_json(TABLE, "body", &id.to_string(), body)?;
        sqlx::query(
            "INSERT INTO contact_messages (id, topic, body, received_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(id.to_string())
        .bind(topic.key())
        .bind(sealed)
        .bind(now_ms())
        .execute(self.conn())
        .await?;
        self.audit(&permit.audit_event(Outcome::Success).target(id))
            .await?;
        Ok(id)
    }

    /// The inbox, unanswered first, newest first within each; opening it is audited.
    pub async fn contact_messages(
        &mut self,
        permit: &Permit<CoalitionInbox>,
    ) -> Result<Vec<ContactMessage>, StoreError> {
        require(permit, &[ContactAction::Read])?;
        let rows = sqlx::query(
            "SELECT id, topic, body, received_at, handled_at FROM contact_messages \
             ORDER BY CASE WHEN handled_at IS NULL THEN 0 ELSE 1 END, received_at DESC, id \
             LIMIT $1",
        )
        .bind(INBOX_LIMIT)
        .fetch_all(self.conn())
        .await?;
        let keys = self.keys()?;
        let messages = rows
            .iter()
            .map(|row| {
                let id: String = row.try_get("id")?;
                let topic: String = row.try_get("topic")?;
                let sealed: String = row.try_get("body")?;
                let handled_at: Option<i64> = row.try_get("handled_at")?;
                Ok(ContactMessage {
                    body: keys.open_json(TABLE, "body", &id, &sealed)?,
                    id: id.parse().map_err(|_| corrupt())?,
                    topic: topic.parse().map_err(|_| corrupt())?,
                    received_at: Timestamp::from_millis(row.try_get("received_at")?),
                    handled_at: handled_at.map(Timestamp::from_millis),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        self.audit(&permit.audit_event(Outcome::Success)).await?;
        Ok(messages)
    }

    /// Marks a message answered, or deletes it; `false` if there is no such message (or,
    /// to mark it, it already was).
    pub async fn close_contact_message(
        &mut self,
        permit: &Permit<CoalitionInbox>,
        id: ContactMessageId,
        closing: Closing,
    ) -> Result<bool, StoreError> {
        require(permit, &[ContactAction::Handle])?;
        let by = user(permit)?.user_id;
        let query = match closing {
            Closing::Handled => sqlx::query(
                "UPDATE contact_messages SET handled_at = $1, handled_by = $2 \
                 WHERE id = $3 AND handled_at IS NULL",
            )
            .bind(now_ms())
            .bind(by.to_string()),
            Closing::Deleted => sqlx::query("DELETE FROM contact_messages WHERE id = $1"),
        };
        let done = query
            .bind(id.to_string())
            .execute(self.conn())
            .await?
            .rows_affected()
            == 1;
        if done {
            let event = permit
                .audit_event(Outcome::Success)
                .target(id)
                .because(closing.key());
            self.audit(&event).await?;
        }
        Ok(done)
    }
}

#[cfg(test)]
mod tests {
    use mosaique_domain::Role;
    use mosaique_domain::policy::Principal;

    use super::*;
    use crate::testing::{permit, signed_in, test_user};

    crate::db_test!(a_message_is_sealed_read_once_handled_and_deleted, |db| {
        let body = ContactBody {
            name: "Sam".into(),
            email: "sam@exemple.org".into(),
            organization: String::new(),
            message: "Marie-Ève Tremblay a besoin d'aide".into(),
        };
        let send = permit(&Principal::Anonymous, ContactAction::Send, CoalitionInbox);
        let mut tx = db.begin().await.unwrap();
        let id = tx
            .add_contact_message(&send, ContactTopic::Information, &body)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let raw: String = sqlx::query("SELECT body FROM contact_messages")
            .fetch_one(db.pool())
            .await
            .unwrap()
            .get("body");
        assert!(!raw.contains("Tremblay") && !raw.contains("sam@"), "sealed");

        let admin = signed_in(&test_user(&db, Role::CoalitionAdmin, None).await);
        let read = permit(&admin, ContactAction::Read, CoalitionInbox);
        let handle = permit(&admin, ContactAction::Handle, CoalitionInbox);
        let mut tx = db.begin().await.unwrap();
        let inbox = tx.contact_messages(&read).await.unwrap();
        assert_eq!(inbox.len(), 1);
        assert_eq!(inbox[0].body, body);
        assert!(inbox[0].handled_at.is_none());
        let handled = Closing::Handled;
        assert!(
            tx.close_contact_message(&handle, id, handled)
                .await
                .unwrap()
        );
        let again = tx
            .close_contact_message(&handle, id, handled)
            .await
            .unwrap();
        assert!(!again, "once");
        assert!(
            tx.contact_messages(&read).await.unwrap()[0]
                .handled_at
                .is_some()
        );
        assert!(
            tx.close_contact_message(&handle, id, Closing::Deleted)
                .await
                .unwrap()
        );
        assert!(tx.contact_messages(&read).await.unwrap().is_empty());
        // A permit for another action is refused by the store itself.
        assert!(tx.contact_messages(&handle).await.is_err());
        tx.commit().await.unwrap();
    });
}
