//! Taking a person in: the first contact opens a case (under an alias, identifying details
//! optional), with its needs, the person's situation and how to reach them safely, in one
//! transaction — under the coalition's entry model.

use mosaique_domain::case::{
    CaseAccess, CaseRole, CaseStatus, Exploitation, NewCase, Party, PartyFacts, PersonDetails,
    TeamMember, TraffickingScope, Whereabouts,
};
use mosaique_domain::policy::Principal;
use mosaique_domain::policy::case::{Case, CaseAction, CaseOpening, OpeningAction};
use mosaique_domain::policy::referral::{
    EntrySetting, EntrySettingAction, IntakeAction, IntakeOpening,
};
use mosaique_domain::referral::{EntryModel, NewIntake, ReferralProblem};
use mosaique_domain::{CaseId, Timestamp};

use crate::{App, AppError, AppResult, Invalid};

fn invalid(problem: ReferralProblem) -> AppError {
    AppError::Invalid(Invalid::Referral(vec![problem]))
}

impl App {
    pub async fn entry_model(&self) -> AppResult<EntryModel> {
        Ok(self.db.entry_model().await?)
    }

    /// Whether `who` may take an intake under the coalition's entry model, or the
    /// (audited) refusal: asked before the form or the body is read.
    pub async fn may_take_intake(&self, who: &Principal) -> AppResult<()> {
        let model = self.db.entry_model().await?;
        self.authorize(who, IntakeAction::Take, IntakeOpening { model })
            .await
            .map(|_| ())
    }

    /// Whether `who` may take an intake: for showing the link.
    pub async fn offers_intake(&self, who: &Principal) -> AppResult<bool> {
        let model = self.db.entry_model().await?;
        Ok(mosaique_domain::policy::offers(
            who,
            IntakeAction::Take,
            IntakeOpening { model },
        ))
    }

    /// Whether `who` may set the entry model, or the refusal: asked before the body is read.
    pub async fn may_set_entry_model(&self, who: &Principal) -> AppResult<()> {
        self.authorize(who, EntrySettingAction::Set, EntrySetting)
            .await
            .map(|_| ())
    }

    /// Sets how the coalition takes people in (its administrators, second factor recent).
    pub async fn set_entry_model(&self, who: &Principal, model: EntryModel) -> AppResult<()> {
        let permit = self
            .authorize(who, EntrySettingAction::Set, EntrySetting)
            .await?;
        let mut tx = self.db.begin().await?;
        tx.set_entry_model(&permit, model).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes an intake: opens a case for the party the user acts for, with them as lead
    /// worker, its needs, the situation and contact safety, all or nothing. Returns the case
    /// and its reference.
    pub async fn take_intake(
        &self,
        who: &Principal,
        intake: NewIntake,
    ) -> AppResult<(CaseId, String)> {
        let model = self.db.entry_model().await?;
        let taking = self
            .authorize(who, IntakeAction::Take, IntakeOpening { model })
            .await?;
        let actor = who.actor().ok_or(AppError::Internal)?.clone();
        let lead = Party::of(actor.org_id);
        let opening = self
            .authorize(who, OpeningAction::Open, CaseOpening { lead })
            .await?;
        let intake = intake.validate().map_err(invalid)?;
        let parts = intake
            .situation_parts()
            .into_iter()
            .map(|p| p.validate())
            .collect::<Result<Vec<_>, _>>()
            .map_err(invalid)?;
        let now = App::now_ms();
        let alias = intake
            .alias
            .clone()
            .filter(|a| !a.trim().is_empty())
            .unwrap_or_else(|| {
                let at = mosaique_domain::time::local_date_time(
                    Timestamp(now),
                    mosaique_domain::time::DEFAULT_TIME_ZONE,
                );
                format!("Accueil {at}")
            });
        let new_case = NewCase {
            alias,
            exploitation: Exploitation::Undetermined,
            scope: TraffickingScope::Undetermined,
            details: PersonDetails {
                whereabouts: Whereabouts {
                    address: None,
                    city: intake.city.clone(),
                },
                ..PersonDetails::default()
            },
        }
        .validate()
        .map_err(|problems| AppError::Invalid(Invalid::Case(problems)))?;
        let sector = self.db.sector_of(actor.org_id).await?;
        let mut tx = self.db.begin().await?;
        let (id, reference) = tx.open_case(&opening, &new_case).await?;
        // The case as it now stands in this transaction: the policy decides each write on
        // these facts, as it would once committed.
        let case = Case {
            id,
            status: CaseStatus::Open,
            access: CaseAccess {
                lead: PartyFacts {
                    party: lead,
                    sector,
                },
                team: vec![TeamMember {
                    user: actor.user_id,
                    party: lead,
                    role: CaseRole::LeadWorker,
                }],
                consents: Vec::new(),
                agreements: Vec::new(),
                legal_bases: Vec::new(),
                emergency: Vec::new(),
                rules: Default::default(),
                referred: Vec::new(),
            },
            viewer_sector: sector,
            now: Timestamp(now),
        };
        for need in &intake.needs {
            let permit = self
                .authorize(who, CaseAction::Write(need.category()), case.clone())
                .await?;
            tx.add_need(&permit, need).await?;
        }
        for part in &parts {
            let permit = self
                .authorize(who, CaseAction::Write(part.category()), case.clone())
                .await?;
            tx.write_situation(&permit, part).await?;
        }
        tx.record_intake(&taking, id, intake.unsafe_now).await?;
        tx.commit().await?;
        Ok((id, reference))
    }
}
