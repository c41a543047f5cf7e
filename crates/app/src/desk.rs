//! The coordination desk: what waits for the coordinators, and the on-call roster.

use mosaique_domain::Role;
use mosaique_domain::coordination::{Desk, NewShift, ShiftProblem};
use mosaique_domain::policy::Principal;
use mosaique_domain::policy::referral::{Desk as DeskResource, DeskAction};
use mosaique_domain::{ShiftId, UserId};

use crate::{App, AppError, AppResult, Invalid};

impl App {
    /// The desk for a coordinator: items of the coalition-led cases they are on the team of,
    /// counts over all of them, and the roster.
    pub async fn desk(&self, who: &Principal) -> AppResult<Desk> {
        let permit = self.authorize(who, DeskAction::View, DeskResource).await?;
        let mut tx = self.db.begin().await?;
        let desk = tx.desk(&permit).await?;
        tx.commit().await?;
        Ok(desk)
    }

    /// Whether `who` may keep the roster, or the refusal: asked before the form is read.
    pub async fn may_manage_roster(&self, who: &Principal) -> AppResult<()> {
        self.authorize(who, DeskAction::ManageRoster, DeskResource)
            .await
            .map(|_| ())
    }

    /// Whether `who` may keep the roster: for the form.
    pub fn may_keep_roster(&self, who: &Principal) -> bool {
        mosaique_domain::policy::offers(who, DeskAction::ManageRoster, DeskResource)
    }

    /// Puts the coordinator with `email` on call, with the previous shift's handover.
    pub async fn add_shift(
        &self,
        who: &Principal,
        email: &str,
        shift: impl FnOnce(UserId) -> NewShift,
    ) -> AppResult<ShiftId> {
        let permit = self
            .authorize(who, DeskAction::ManageRoster, DeskResource)
            .await?;
        let not_coordinator =
            || AppError::Invalid(Invalid::Shift(vec![ShiftProblem::NotCoordinator]));
        let account = self
            .db
            .account_facts_by_email(email.trim())
            .await?
            .filter(|a| !a.disabled && a.account.role == Role::Coordinator)
            .ok_or_else(not_coordinator)?
            .account;
        let user = account.id.ok_or_else(not_coordinator)?;
        let shift = shift(user)
            .validate()
            .map_err(|problems| AppError::Invalid(Invalid::Shift(problems)))?;
        let mut tx = self.db.begin().await?;
        let id = tx.add_shift(&permit, &shift).await?;
        tx.commit().await?;
        Ok(id)
    }
}
