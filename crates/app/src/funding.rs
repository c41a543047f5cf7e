//! Funding and reminders: the coalition's grants (reports due, actions funded) kept by those
//! who run it, and the reminders of the coming days — meetings, reports, action items —
//! for whoever reads the workspace.

use jiff::civil::Date;
use mosaique_domain::coalition::action::Action;
use mosaique_domain::coalition::funding::{Grant, GrantProblem, NewGrant};
use mosaique_domain::coalition::reminders::{HORIZON_DAYS, Reminder, reminders};
use mosaique_domain::policy::coalition::WorkspaceAction;
use mosaique_domain::policy::{Principal, offers};
use mosaique_domain::{GrantId, OrgId, Timestamp};

use crate::coalitions::{CoalitionRef, day_of, today};
use crate::{App, AppError, AppResult, Conflict, Invalid};

fn invalid(problems: Vec<GrantProblem>) -> AppError {
    AppError::Invalid(Invalid::Grant(problems))
}

#[derive(Debug, Clone)]
pub struct FundingView {
    pub coalition: CoalitionRef,
    pub grants: Vec<Grant>,
    /// The plan's actions: the activities' titles, and the form's choices.
    pub actions: Vec<Action>,
    pub may_run: bool,
}

#[derive(Debug, Clone)]
pub struct RemindersView {
    pub today: Date,
    pub reminders: Vec<Reminder>,
}

impl App {
    pub async fn funding(&self, who: &Principal, coalition: OrgId) -> AppResult<FundingView> {
        let (found, workspace, permit) = self.enter(who, coalition, WorkspaceAction::View).await?;
        let mut tx = self.db.begin().await?;
        let grants = tx.grants(&permit).await?;
        let actions = tx.actions(&permit).await?;
        tx.commit().await?;
        Ok(FundingView {
            coalition: found,
            grants,
            actions,
            may_run: offers(who, WorkspaceAction::Run, workspace),
        })
    }

    pub async fn add_grant(
        &self,
        who: &Principal,
        coalition: OrgId,
        new: NewGrant,
    ) -> AppResult<GrantId> {
        let (_, _, permit) = self.enter(who, coalition, WorkspaceAction::Run).await?;
        let mut tx = self.db.begin().await?;
        let actions: Vec<_> = tx.actions(&permit).await?.iter().map(|a| a.id).collect();
        let new = new.check(&actions).map_err(invalid)?;
        let id = tx.add_grant(&permit, &new).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Whether `who` may keep a grant, and its coalition (`NotFound`: no such grant).
    pub async fn may_run_grant(&self, who: &Principal, id: GrantId) -> AppResult<OrgId> {
        let coalition = self
            .db
            .grant_coalition(id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.may_run(who, coalition).await?;
        Ok(coalition)
    }

    /// Marks the report due on `due_on` submitted on `on`, from the grant's version read.
    pub async fn submit_report(
        &self,
        who: &Principal,
        id: GrantId,
        version: i64,
        due_on: Date,
        on: Date,
    ) -> AppResult<()> {
        let coalition = self.db.grant_coalition(id).await?;
        let (_, _, permit) = self.enter_of(who, coalition, WorkspaceAction::Run).await?;
        let mut tx = self.db.begin().await?;
        let grant = tx
            .grants(&permit)
            .await?
            .into_iter()
            .find(|g| g.id == id)
            .ok_or(AppError::NotFound)?;
        if grant.version != version {
            return Err(AppError::Conflict(Conflict::Stale));
        }
        grant
            .check_submission(due_on, on, today())
            .map_err(|p| invalid(vec![p]))?;
        if !tx.submit_report(&permit, id, version, due_on, on).await? {
            return Err(AppError::Conflict(Conflict::Stale));
        }
        tx.commit().await?;
        Ok(())
    }

    /// What the coalition must not let slip: meetings of the coming days, reports and
    /// action items due soon or past due.
    pub async fn reminders(&self, who: &Principal, coalition: OrgId) -> AppResult<RemindersView> {
        let (_, _, permit) = self.enter(who, coalition, WorkspaceAction::View).await?;
        let today = today();
        let now = App::now_ms();
        // A day more than the horizon: a meeting's local day may be tomorrow in UTC.
        let ahead = (HORIZON_DAYS + 1) * 24 * 3600 * 1000;
        let mut tx = self.db.begin().await?;
        let meetings: Vec<_> = tx
            .meetings(
                &permit,
                Timestamp(now - 24 * 3600 * 1000),
                Timestamp(now + ahead),
            )
            .await?
            .into_iter()
            .map(|m| (m.id, m.title.clone(), day_of(m.starts_at, &m.time_zone)))
            .collect();
        let grants = tx.grants(&permit).await?;
        let actions = tx.actions(&permit).await?;
        tx.commit().await?;
        Ok(RemindersView {
            today,
            reminders: reminders(today, &meetings, &grants, &actions),
        })
    }
}

/// The demo's grants: one under way, with a report past due and one coming, that funds the
/// plan's first action; one ended, its reports submitted.
pub(crate) mod demo {
    use jiff::Span;
    use mosaique_domain::OrgId;
    use mosaique_domain::coalition::funding::NewGrant;
    use mosaique_domain::policy::Principal;

    use crate::coalitions::today;
    use crate::{App, AppResult};

    impl App {
        pub(crate) async fn load_demo_funding(&self, coalition: OrgId) -> AppResult<()> {
            let who = Principal::Operator;
            let today = today();
            let days = |n: i64| today.saturating_add(Span::new().days(n));
            let plan = self.funding(&who, coalition).await?.actions;
            self.add_grant(
                &who,
                coalition,
                NewGrant {
                    funder: "Exemple — Ministère de la Sécurité publique".to_owned(),
                    title: "Exemple — Concertation régionale contre la traite".to_owned(),
                    amount_cents: 7_500_000,
                    starts_on: days(-200),
                    ends_on: days(165),
                    reports: vec![
                        (days(-20), "Exemple — Rapport d’étape".to_owned()),
                        (days(10), "Exemple — Bilan des formations".to_owned()),
                        (days(225), "Exemple — Rapport final".to_owned()),
                    ],
                    activities: plan.iter().take(2).map(|a| a.id).collect(),
                },
            )
            .await?;
            let ended = self
                .add_grant(
                    &who,
                    coalition,
                    NewGrant {
                        funder: "Exemple — Fondation communautaire".to_owned(),
                        title: "Exemple — Trousse de sensibilisation".to_owned(),
                        amount_cents: 1_200_000,
                        starts_on: days(-600),
                        ends_on: days(-240),
                        reports: vec![(days(-200), "Exemple — Rapport final".to_owned())],
                        activities: Vec::new(),
                    },
                )
                .await?;
            self.submit_report(&who, ended, 1, days(-200), days(-205))
                .await?;
            Ok(())
        }
    }
}
