//! Needs and referrals: recording what the person needs, referring needs to a service of
//! another organization (carrying only what consent to it covers), and each side's answers
//! until the loop closes. Expiry runs on the clock, as the command line's principal.

use std::time::Duration;

use mosaique_domain::case::{Party, PartyFacts};
use mosaique_domain::policy::case::CaseAction;
use mosaique_domain::policy::referral::{IntakeQueue, QueueAction, Referral, ReferralAction};
use mosaique_domain::policy::{Permit, Principal, offers};
use mosaique_domain::referral::situation::SituationPart;
use mosaique_domain::referral::{
    self, NeedStatus, NewNeed, NewReferral, ReferralEvent, ReferralProblem, Side, clean_note,
    transition,
};
use mosaique_domain::{CaseId, NeedId, ReferralId};

use crate::{App, AppError, AppResult, Conflict, Invalid};

/// A referral as its reader may see it, with the moves they may make (for the buttons).
#[derive(Debug, Clone)]
pub struct ReferralView {
    pub referral: referral::Referral,
    /// The sender's moves (send a draft, cancel).
    pub may_steer: bool,
    /// The receiving organization's moves (accept, decline, start, complete).
    pub may_answer: bool,
}

fn invalid(problem: ReferralProblem) -> AppError {
    AppError::Invalid(Invalid::Referral(vec![problem]))
}

impl App {
    /// Records a need of the case; its domain decides its category, which the writer must
    /// be allowed to write.
    pub async fn add_need(
        &self,
        who: &Principal,
        case: CaseId,
        need: NewNeed,
    ) -> AppResult<NeedId> {
        let action = CaseAction::Write(need.category());
        let (permit, _) = self.case_permit(who, case, action).await?;
        let need = need.validate().map_err(invalid)?;
        let mut tx = self.db.begin().await?;
        let id = tx.add_need(&permit, &need).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Marks a need met or no longer needed, or opens it again, from the version read.
    pub async fn set_need_status(
        &self,
        who: &Principal,
        case: CaseId,
        need: NeedId,
        version: i64,
        status: NeedStatus,
    ) -> AppResult<()> {
        // Whether the case exists for `who` is asked first, so a need id tells nothing.
        self.case_permit(who, case, CaseAction::View).await?;
        let facts = self
            .db
            .need_facts(case, need)
            .await?
            .ok_or(AppError::NotFound)?;
        let (permit, _) = self
            .case_permit(who, case, CaseAction::Write(facts.category))
            .await?;
        if facts.version != version {
            return Err(AppError::Conflict(Conflict::Stale));
        }
        let mut tx = self.db.begin().await?;
        tx.set_need_status(&permit, need, facts, status).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Writes parts of the person's situation (what services need to know) and of how they
    /// may be contacted, in one transaction; each part needs its category.
    pub async fn write_situation(
        &self,
        who: &Principal,
        case: CaseId,
        parts: Vec<SituationPart>,
    ) -> AppResult<()> {
        let mut permits = Vec::with_capacity(parts.len());
        for part in parts {
            let action = CaseAction::Write(part.category());
            let (permit, _) = self.case_permit(who, case, action).await?;
            permits.push((permit, part.validate().map_err(invalid)?));
        }
        let mut tx = self.db.begin().await?;
        for (permit, part) in &permits {
            tx.write_situation(permit, part).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Refers needs of the case to a service of another organization: the needs must be the
    /// case's, open, seen by the sender and not already referred there; the service active
    /// with room; a live consent must name its organization. Sent at once or kept as a draft.
    pub async fn refer(
        &self,
        who: &Principal,
        case: CaseId,
        new: NewReferral,
    ) -> AppResult<ReferralId> {
        let (permit, resource) = self.case_permit(who, case, CaseAction::Refer).await?;
        let new = new.validate().map_err(invalid)?;
        let seen = resource
            .disclosure(who)
            .map(|d| d.categories)
            .unwrap_or_default();
        let mut urgency = None;
        for need in &new.needs {
            let facts = self
                .db
                .need_facts(case, *need)
                .await?
                .filter(|f| f.status == NeedStatus::Open && seen.contains(f.category))
                .ok_or_else(|| invalid(ReferralProblem::NeedNotOpen))?;
            if self.db.already_referred(*need, new.service).await? {
                return Err(invalid(ReferralProblem::AlreadyReferred));
            }
            urgency = urgency.min(Some(facts.urgency)).or(Some(facts.urgency));
        }
        let service = self
            .db
            .receiving_service(new.service)
            .await?
            .ok_or_else(|| invalid(ReferralProblem::UnknownService))?;
        let org = service.facts.organization;
        let to = PartyFacts {
            party: Party::Organization(org),
            sector: self.db.sector_of(Some(org)).await?,
        };
        let consented = resource.access.referral_consent(to, resource.now);
        let from = Party::of(who.actor().and_then(|a| a.org_id));
        service.facts.check(from, consented).map_err(invalid)?;
        if let Some(worker) = new.to_user
            && !self.db.answers_referrals_at(worker, org).await?
        {
            return Err(invalid(ReferralProblem::WorkerNotThere));
        }
        let urgency = urgency.ok_or_else(|| invalid(ReferralProblem::NoNeeds))?;
        let mut tx = self.db.begin().await?;
        let id = tx.refer(&permit, &new, &service, urgency).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A referral to a worker named by e-mail (the form's way of naming one). An address
    /// that names no active account answers as a worker who does not answer referrals there:
    /// the form does not tell which accounts exist.
    pub async fn refer_to_worker(
        &self,
        who: &Principal,
        case: CaseId,
        mut new: NewReferral,
        worker_email: &str,
    ) -> AppResult<ReferralId> {
        let email = worker_email.trim();
        if !email.is_empty() {
            let worker = self
                .db
                .account_facts_by_email(email)
                .await?
                .filter(|a| !a.disabled)
                .and_then(|a| a.account.id);
            new.to_user = Some(worker.unwrap_or_default());
        }
        self.refer(who, case, new).await
    }

    /// One referral, for its sender's team or the receiving organization (audited), with
    /// the moves the reader may make.
    pub async fn referral(&self, who: &Principal, id: ReferralId) -> AppResult<ReferralView> {
        let (permit, resource) = self.referral_permit(who, id, ReferralAction::View).await?;
        let mut tx = self.db.begin().await?;
        let referral = tx.referral(&permit).await?;
        // Opening it reads the reader's notices about it.
        if let Some(actor) = who.actor() {
            let inbox = mosaique_domain::policy::referral::Inbox {
                owner: actor.user_id,
            };
            let mine = self
                .authorize(
                    who,
                    mosaique_domain::policy::referral::InboxAction::Use,
                    inbox,
                )
                .await?;
            tx.mark_read(&mine, id).await?;
        }
        tx.commit().await?;
        Ok(ReferralView {
            referral,
            may_steer: offers(who, ReferralAction::Move(Side::Sender), resource.clone()),
            may_answer: offers(who, ReferralAction::Move(Side::Receiver), resource),
        })
    }

    /// Whether `who` is on either side of the referral, or the (audited) refusal: asked
    /// before a form or a body is read.
    pub async fn may_see_referral(&self, who: &Principal, id: ReferralId) -> AppResult<()> {
        self.referral_permit(who, id, ReferralAction::View)
            .await
            .map(|_| ())
    }

    /// A move of the referral's lifecycle by the side it belongs to, from the version read;
    /// an answer may carry a note (a decline's explanation, an outcome's).
    pub async fn move_referral(
        &self,
        who: &Principal,
        id: ReferralId,
        event: ReferralEvent,
        version: i64,
        note: Option<String>,
    ) -> AppResult<()> {
        let action = ReferralAction::Move(event.side());
        let (permit, resource) = self.referral_permit(who, id, action).await?;
        let note = clean_note(note).map_err(invalid)?;
        let step = transition(resource.status, event)
            .map_err(|refused| AppError::Conflict(Conflict::ReferralNotFrom(refused.0)))?;
        let mut tx = self.db.begin().await?;
        tx.step_referral(&permit, version, step, note.as_deref())
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The user's organization's intake queue: referrals to its services.
    pub async fn intake_queue(&self, who: &Principal) -> AppResult<Vec<referral::Referral>> {
        // Without an organization, a fresh id no organization has: refused as another's.
        let org = who.actor().and_then(|a| a.org_id).unwrap_or_default();
        let permit = self
            .authorize(who, QueueAction::List, IntakeQueue { org })
            .await?;
        let mut tx = self.db.begin().await?;
        let queue = tx.intake_queue(&permit).await?;
        tx.commit().await?;
        Ok(queue)
    }

    /// Expires the referrals nobody answered in time, as the clock; returns how many. Each
    /// is a compare-and-set, so app servers running this at once expire each one once.
    pub async fn expire_overdue_referrals(&self) -> AppResult<usize> {
        let mut expired = 0;
        for id in self.db.referrals_overdue(App::now_ms()).await? {
            let Some(facts) = self.db.referral_facts(id).await? else {
                continue;
            };
            let result = self
                .move_referral(
                    &Principal::Operator,
                    id,
                    ReferralEvent::Expire,
                    facts.version,
                    None,
                )
                .await;
            match result {
                Ok(()) => expired += 1,
                // Answered or expired meanwhile, by someone or another server.
                Err(AppError::Conflict(_)) => {}
                Err(error) => return Err(error),
            }
        }
        Ok(expired)
    }

    /// Expires overdue referrals every `every` until the task is aborted.
    pub async fn run_referral_expiry(self, every: Duration) {
        let mut interval = tokio::time::interval(every);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            match self.expire_overdue_referrals().await {
                Ok(0) => {}
                Ok(count) => tracing::info!(count, "referrals expired"),
                Err(error) => tracing::warn!(?error, "referral expiry failed"),
            }
        }
    }

    /// The referral's facts read now, with its case as the policy decides on it, and a
    /// permit for `action` (or the audited refusal). A referral that does not exist answers
    /// as one the user may not see.
    async fn referral_permit(
        &self,
        who: &Principal,
        id: ReferralId,
        action: ReferralAction,
    ) -> AppResult<(Permit<Referral>, Referral)> {
        let facts = self
            .db
            .referral_facts(id)
            .await?
            .ok_or(AppError::NotFound)?;
        let case = self
            .case_resource(who, facts.case)
            .await?
            .ok_or(AppError::NotFound)?;
        let resource = Referral {
            id,
            status: facts.status,
            to: facts.to,
            case,
        };
        let permit = self.authorize(who, action, resource.clone()).await?;
        Ok((permit, resource))
    }
}
