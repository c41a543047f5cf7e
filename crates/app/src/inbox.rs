//! The in-app inbox: one's notices, and marking those of a referral read; and the outbox the
//! server's mail task takes them from, to tell their owners by e-mail that something waits.

use mosaique_domain::inbox::Notice;
use mosaique_domain::policy::Principal;
use mosaique_domain::policy::referral::{Inbox, InboxAction, Outbox, OutboxAction};
use mosaique_domain::{ReferralId, UserId};
pub use mosaique_store::inbox::MailDue;

use crate::{App, AppResult};

impl App {
    /// The signed-in user's notices, newest first.
    pub async fn inbox(&self, who: &Principal) -> AppResult<Vec<Notice>> {
        let owner = who.actor().map_or_else(UserId::new, |a| a.user_id);
        let permit = self
            .authorize(who, InboxAction::Use, Inbox { owner })
            .await?;
        let mut tx = self.db.begin().await?;
        let notices = tx.inbox(&permit).await?;
        tx.commit().await?;
        Ok(notices)
    }

    /// Marks the user's notices about `referral` read.
    pub async fn mark_read(&self, who: &Principal, referral: ReferralId) -> AppResult<()> {
        let owner = who.actor().map_or_else(UserId::new, |a| a.user_id);
        let permit = self
            .authorize(who, InboxAction::Use, Inbox { owner })
            .await?;
        let mut tx = self.db.begin().await?;
        tx.mark_read(&permit, referral).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes the notices not yet mailed and returns whom to tell, as the server. A notice
    /// more than a day old is never mailed: turning SMTP on does not send the history.
    pub async fn take_mail_due(&self) -> AppResult<Vec<MailDue>> {
        let permit = self
            .authorize(&Principal::Operator, OutboxAction::Deliver, Outbox)
            .await?;
        let since = App::now_ms() - MAIL_WINDOW_MS;
        let mut tx = self.db.begin().await?;
        let due = tx.take_mail_due(&permit, since).await?;
        tx.commit().await?;
        Ok(due)
    }

    /// Gives back what was taken for `due` when its e-mail could not be sent.
    pub async fn give_back_mail(&self, due: &MailDue) -> AppResult<()> {
        let permit = self
            .authorize(&Principal::Operator, OutboxAction::Deliver, Outbox)
            .await?;
        let mut tx = self.db.begin().await?;
        tx.give_back_mail(&permit, due).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// How long a notice may wait to be mailed (a server down for longer does not send stale news).
const MAIL_WINDOW_MS: i64 = 24 * 3600 * 1000;
