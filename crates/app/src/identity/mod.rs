//! Who is asking: sessions and API tokens resolved to an account, signing in and out, one's
//! own account, administering other people's accounts, and API tokens.

pub mod account;
pub mod links;
pub mod sign_in;
pub mod staff;
pub mod tokens;

use mosaique_crypto::token_hash;
use mosaique_domain::User;
use mosaique_domain::identity::{SessionStage, recently_verified};
use mosaique_domain::policy::Principal;
use mosaique_domain::policy::case::{CaseListAction, CasesOf, PrivacyAction, PrivacyDesk};
use mosaique_domain::policy::identity::{StaffListAction, administered_staff};
use mosaique_domain::policy::offers;
use mosaique_domain::policy::oversight::{AuditAction, AuditTrail};
use mosaique_domain::policy::screening::{InstrumentAction, Instruments};

use crate::{App, AppResult};

/// How a request proved who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// A browser's session cookie.
    Session,
    /// `Authorization: Bearer` with an API token: good for the JSON API only.
    ApiToken,
}

/// A live session (or API token) and its account.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub stage: SessionStage,
    /// When its second factor (or, without one, its password) was last checked.
    pub verified_at: Option<i64>,
    pub credential: Credential,
    /// The secret the client holds: needed to end or rotate the session.
    token: String,
}

impl Session {
    /// Who this session acts as: its user once sign-in is complete, the public before.
    pub fn principal(&self) -> Principal {
        match self.stage {
            SessionStage::Full => Principal::User(
                self.user
                    .actor(recently_verified(self.verified_at, App::now_ms())),
            ),
            SessionStage::Password => Principal::Anonymous,
        }
    }

    /// Signed in, second factor included.
    pub fn is_complete(&self) -> bool {
        self.stage == SessionStage::Full
    }

    fn hash(&self) -> String {
        token_hash(&self.token)
    }
}

/// Which links of the menu to show someone: what the policy would let them do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Menu {
    pub staff: bool,
    pub audit: bool,
    pub screening: bool,
    pub cases: bool,
    pub privacy: bool,
    /// The organization's intake queue of referrals.
    pub referrals: bool,
    /// The coalition's coordination desk.
    pub desk: bool,
    /// Messages from the public contact form.
    pub messages: bool,
    /// The coalitions' workspaces (which ones, the page says).
    pub coalitions: bool,
}

/// The menu for `who`.
pub fn menu(who: &Principal) -> Menu {
    let Some(actor) = who.actor() else {
        return Menu::default();
    };
    Menu {
        staff: offers(who, StaffListAction::View, administered_staff(actor)),
        audit: offers(who, AuditAction::View, AuditTrail),
        screening: offers(who, InstrumentAction::Screen, Instruments),
        cases: offers(
            who,
            CaseListAction::List,
            CasesOf {
                user: actor.user_id,
            },
        ),
        privacy: offers(who, PrivacyAction::View, PrivacyDesk),
        referrals: offers(
            who,
            mosaique_domain::policy::referral::QueueAction::List,
            mosaique_domain::policy::referral::IntakeQueue {
                org: actor.org_id.unwrap_or_default(),
            },
        ),
        desk: offers(
            who,
            mosaique_domain::policy::referral::DeskAction::View,
            mosaique_domain::policy::referral::Desk,
        ),
        messages: offers(
            who,
            mosaique_domain::policy::contact::ContactAction::Read,
            mosaique_domain::policy::contact::CoalitionInbox,
        ),
        // Staff of the coalition, or of an organization that may be a member of one: the
        // page lists those it is a member of.
        coalitions: offers(
            who,
            mosaique_domain::policy::coalition::WorkspaceAction::View,
            mosaique_domain::policy::coalition::Workspace {
                coalition: mosaique_domain::OrgId::default(),
                caller_is_member: true,
            },
        ),
    }
}

impl App {
    /// The live browser session behind a cookie's token. Slides its idle deadline.
    pub async fn session_by_cookie(&self, token: &str) -> AppResult<Option<Session>> {
        let live = self
            .db
            .session(&token_hash(token), self.config.session)
            .await?;
        Ok(live.map(|live| Session {
            user: live.user,
            stage: live.stage,
            verified_at: live.mfa_verified_at,
            credential: Credential::Session,
            token: token.to_owned(),
        }))
    }

    /// The account behind an API token, if it is live and the account enabled.
    pub async fn session_by_api_token(&self, token: &str) -> AppResult<Option<Session>> {
        let user = self.db.token_user(&token_hash(token)).await?;
        Ok(user.map(|user| Session {
            user,
            stage: SessionStage::Full,
            verified_at: None,
            credential: Credential::ApiToken,
            token: token.to_owned(),
        }))
    }
}
