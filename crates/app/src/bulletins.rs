//! Bulletins to members: published by those who run the coalition to every account of
//! today's members and of its staff; read in each one's inbox (the inbox's policy: one's
//! own), told by e-mail that something waits when SMTP is configured (the mail task).

use mosaique_domain::coalition::bulletin::{
    Bulletin, BulletinProblem, NewBulletin, ReceivedBulletin, SentBulletin,
};
use mosaique_domain::policy::Principal;
use mosaique_domain::policy::coalition::WorkspaceAction;
use mosaique_domain::policy::referral::{Inbox, InboxAction};
use mosaique_domain::{BulletinId, OrgId, Timestamp, UserId};

use crate::coalitions::{CoalitionRef, members_on, today};
use crate::{App, AppError, AppResult, Invalid};

fn invalid(problems: Vec<BulletinProblem>) -> AppError {
    AppError::Invalid(Invalid::Bulletin(problems))
}

/// What the coalition sent: for those who run it (a member reads the bulletins delivered
/// to them, in their inbox; never those sent before they could receive them).
#[derive(Debug, Clone)]
pub struct BulletinsView {
    pub coalition: CoalitionRef,
    /// The newest first, with how many they reached and how many read them.
    pub sent: Vec<SentBulletin>,
}

impl App {
    pub async fn bulletins(&self, who: &Principal, coalition: OrgId) -> AppResult<BulletinsView> {
        let (found, _, permit) = self.enter(who, coalition, WorkspaceAction::Run).await?;
        let mut tx = self.db.begin().await?;
        let sent = tx.sent_bulletins(&permit).await?;
        tx.commit().await?;
        Ok(BulletinsView {
            coalition: found,
            sent,
        })
    }

    /// Publishes a bulletin to today's members and the coalition's staff; returns it and how
    /// many accounts it reached.
    pub async fn publish_bulletin(
        &self,
        who: &Principal,
        coalition: OrgId,
        new: NewBulletin,
    ) -> AppResult<(BulletinId, u64)> {
        self.publish_bulletin_at(who, coalition, new, Timestamp(App::now_ms()))
            .await
    }

    /// The same, dated `at` (the demo's history: older than a day, it is never mailed).
    pub(crate) async fn publish_bulletin_at(
        &self,
        who: &Principal,
        coalition: OrgId,
        new: NewBulletin,
        at: Timestamp,
    ) -> AppResult<(BulletinId, u64)> {
        let (_, _, permit) = self.enter(who, coalition, WorkspaceAction::Run).await?;
        let new = new.check().map_err(invalid)?;
        let mut tx = self.db.begin().await?;
        let members: Vec<OrgId> = members_on(tx.memberships(&permit).await?, today())
            .iter()
            .map(|m| m.member)
            .collect();
        let published = tx.publish_bulletin(&permit, &new, &members, at).await?;
        tx.commit().await?;
        Ok(published)
    }

    async fn own_inbox(
        &self,
        who: &Principal,
    ) -> AppResult<mosaique_domain::policy::Permit<Inbox>> {
        let owner = who.actor().map_or_else(UserId::new, |a| a.user_id);
        self.authorize(who, InboxAction::Use, Inbox { owner }).await
    }

    /// The bulletins delivered to the signed-in user, newest first.
    pub async fn my_bulletins(&self, who: &Principal) -> AppResult<Vec<ReceivedBulletin>> {
        let permit = self.own_inbox(who).await?;
        let mut tx = self.db.begin().await?;
        let bulletins = tx.my_bulletins(&permit).await?;
        tx.commit().await?;
        Ok(bulletins)
    }

    /// Opens a bulletin delivered to the signed-in user, and marks it read.
    pub async fn open_bulletin(&self, who: &Principal, id: BulletinId) -> AppResult<Bulletin> {
        let permit = self.own_inbox(who).await?;
        let mut tx = self.db.begin().await?;
        let found = tx.open_bulletin(&permit, id).await?;
        tx.commit().await?;
        found.ok_or(AppError::NotFound)
    }
}

/// The demo's bulletin, to every member and the staff.
pub(crate) mod demo {
    use mosaique_domain::coalition::bulletin::NewBulletin;
    use mosaique_domain::policy::Principal;
    use mosaique_domain::{Bilingual, OrgId, Timestamp};

    use crate::{App, AppResult};

    impl App {
        pub(crate) async fn load_demo_bulletin(&self, coalition: OrgId) -> AppResult<()> {
            let week_ago = Timestamp(App::now_ms() - 7 * 24 * 3600 * 1000);
            self.publish_bulletin_at(
                &Principal::Operator,
                coalition,
                NewBulletin {
                    title: Bilingual::new(
                        "Exemple — Appel aux bénévoles pour le 22 février".to_owned(),
                        "Example — Volunteers wanted for February 22".to_owned(),
                    ),
                    body: "Exemple — Le comité sensibilisation cherche trois personnes pour les kiosques de la Journée nationale. Répondez à la coordination avant la prochaine rencontre.\n\nExample — The awareness committee needs three people for the National Day booths. Reply to the coordination before the next meeting.".to_owned(),
                },
                week_ago,
            )
            .await?;
            Ok(())
        }
    }
}
