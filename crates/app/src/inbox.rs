//! The in-app inbox: one's notices, and marking those of a referral read.

use mosaique_domain::inbox::Notice;
use mosaique_domain::policy::Principal;
use mosaique_domain::policy::referral::{Inbox, InboxAction};
use mosaique_domain::{ReferralId, UserId};

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
}
