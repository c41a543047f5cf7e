//! The steps of a case's work: adding one and changing one. Each kind of step is one data
//! category (the domain fixes which), so writing a step is writing its category: a member
//! the person's consent does not open immigration to cannot add or change an immigration
//! step, nor move a step into or out of it.

use mosaique_domain::case::NewStep;
use mosaique_domain::policy::Principal;
use mosaique_domain::policy::case::CaseAction;
use mosaique_domain::{CaseId, StepId};

use crate::{App, AppError, AppResult, Conflict, Invalid};

impl App {
    /// Adds a step to an open case.
    pub async fn add_step(&self, who: &Principal, id: CaseId, step: NewStep) -> AppResult<StepId> {
        let action = CaseAction::Write(step.category());
        let (permit, resource) = self.case_permit(who, id, action).await?;
        let team: Vec<_> = resource.access.team.iter().map(|m| m.user).collect();
        let step = step
            .validate(&team)
            .map_err(|problems| AppError::Invalid(Invalid::Step(problems)))?;
        let mut tx = self.db.begin().await?;
        let step_id = tx.add_step(&permit, &step).await?;
        tx.commit().await?;
        Ok(step_id)
    }

    /// Changes a step from the version its writer saw. Writing both its category as it
    /// stands and the one it would have is required.
    pub async fn change_step(
        &self,
        who: &Principal,
        id: CaseId,
        step_id: StepId,
        version: i64,
        step: NewStep,
    ) -> AppResult<()> {
        let facts = self.db.step_facts(id, step_id).await?;
        // A step of a case one may not see answers as the case does.
        let Some(facts) = facts else {
            self.case_permit(who, id, CaseAction::View).await?;
            return Err(AppError::NotFound);
        };
        let (was, resource) = self
            .case_permit(who, id, CaseAction::Write(facts.category))
            .await?;
        let moved;
        let becomes = if step.category() == facts.category {
            &was
        } else {
            moved = self
                .case_permit(who, id, CaseAction::Write(step.category()))
                .await?
                .0;
            &moved
        };
        let team: Vec<_> = resource.access.team.iter().map(|m| m.user).collect();
        let step = step
            .validate(&team)
            .map_err(|problems| AppError::Invalid(Invalid::Step(problems)))?;
        if version != facts.version {
            return Err(AppError::Conflict(Conflict::Stale));
        }
        let mut tx = self.db.begin().await?;
        tx.change_step(&was, becomes, step_id, version, &step)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
