//! Access to a case without the person's consent, from both sides: someone asks for
//! emergency access; a privacy officer decides, records legal bases for police, and keeps
//! the register of every disclosure without consent.

use mosaique_domain::case::{
    DisclosureProblem, EmergencyDecision, EmergencyStatus, NewEmergencyRequest, NewLegalBasis,
    PrivacyDeskView,
};
use mosaique_domain::policy::Principal;
use mosaique_domain::policy::case::{
    CaseAction, EmergencyAction, EmergencyRequest, PrivacyAction, PrivacyDesk,
};
use mosaique_domain::{CaseId, EmergencyId, Language, LegalBasisId, OrgId, Sector, Timestamp};

use crate::directory::OrgQuery;
use crate::{App, AppError, AppResult, Invalid};

fn invalid(problems: Vec<DisclosureProblem>) -> AppError {
    AppError::Invalid(Invalid::Disclosure(problems))
}

impl App {
    /// The privacy officer's desk (audited).
    pub async fn privacy_desk(&self, who: &Principal) -> AppResult<PrivacyDeskView> {
        let permit = self
            .authorize(who, PrivacyAction::View, PrivacyDesk)
            .await?;
        let mut tx = self.db.begin().await?;
        let view = tx.privacy_desk(&permit).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// The police organizations of the directory, for the legal-basis form.
    pub async fn police_organizations(
        &self,
        language: Language,
    ) -> AppResult<Vec<(OrgId, String)>> {
        let query = OrgQuery {
            q: None,
            province: None,
            level: None,
            sector: Some(Sector::Police),
            mandate: None,
            coalitions_only: false,
            page: 1,
            per_page: 100,
        };
        let found = self.find_organizations(&query, language).await?;
        Ok(found
            .items
            .iter()
            .map(|o| (o.id, o.name(language).to_owned()))
            .collect())
    }

    /// Records a legal basis on the case with `reference`, for police of one organization.
    pub async fn record_legal_basis(
        &self,
        who: &Principal,
        reference: &str,
        new: NewLegalBasis,
    ) -> AppResult<LegalBasisId> {
        // Who may is decided first: a refused role learns nothing of which references exist.
        self.authorize(who, PrivacyAction::View, PrivacyDesk)
            .await?;
        let Some(case) = self.db.case_by_reference(reference).await? else {
            return Err(invalid(vec![DisclosureProblem::UnknownCase]));
        };
        let (permit, resource) = self
            .case_permit(who, case, CaseAction::RecordLegalBasis)
            .await?;
        let police = self.db.sector_of(Some(new.recipient)).await? == Some(Sector::Police);
        new.validate(police, resource.now).map_err(invalid)?;
        let mut tx = self.db.begin().await?;
        let id = tx.record_legal_basis(&permit, &new).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Asks for emergency access to a case; on a declared imminent danger it opens now, for
    /// an hour, and a privacy officer reviews it afterwards.
    pub async fn request_emergency(
        &self,
        who: &Principal,
        case: CaseId,
        new: NewEmergencyRequest,
    ) -> AppResult<EmergencyId> {
        let (permit, _) = self
            .case_permit(who, case, CaseAction::RequestEmergencyAccess)
            .await?;
        new.validate().map_err(invalid)?;
        let mut tx = self.db.begin().await?;
        let id = tx.request_emergency(&permit, &new).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The case a reference names, for someone asking for emergency access by reference.
    pub async fn case_for_emergency(&self, who: &Principal, reference: &str) -> AppResult<CaseId> {
        // The roles that hold cases are those that may ask: decided before any reference
        // is looked up.
        self.may_open_case_or_refusal(who).await?;
        let case = self
            .db
            .case_by_reference(reference)
            .await?
            .ok_or(AppError::Invalid(Invalid::Disclosure(vec![
                DisclosureProblem::UnknownCase,
            ])))?;
        self.may_act_on_case(who, case, CaseAction::RequestEmergencyAccess)
            .await?;
        Ok(case)
    }

    /// Whether `who` may decide on this request, or the (audited) refusal: asked before a
    /// request's body is read.
    pub async fn may_decide_emergency(&self, who: &Principal, id: EmergencyId) -> AppResult<()> {
        let facts = self
            .db
            .emergency_facts(id)
            .await?
            .ok_or(AppError::NotFound)?;
        let request = EmergencyRequest {
            case: facts.case,
            requested_by: facts.requested_by,
        };
        self.authorize(who, EmergencyAction::Decide, request)
            .await
            .map(|_| ())
    }

    /// Approves, refuses or reviews an emergency request: a privacy officer who did not
    /// ask for it.
    pub async fn decide_emergency(
        &self,
        who: &Principal,
        id: EmergencyId,
        decision: EmergencyDecision,
    ) -> AppResult<EmergencyStatus> {
        let facts = self
            .db
            .emergency_facts(id)
            .await?
            .ok_or(AppError::NotFound)?;
        let permit = self
            .authorize(
                who,
                EmergencyAction::Decide,
                EmergencyRequest {
                    case: facts.case,
                    requested_by: facts.requested_by,
                },
            )
            .await?;
        let mut tx = self.db.begin().await?;
        let status = tx
            .decide_emergency(&permit, id, facts.status, decision)
            .await?;
        tx.commit().await?;
        Ok(status)
    }

    /// The instant that ends a legal basis typed as a last day (`YYYY-MM-DD`), in Québec
    /// time; `None` when the date does not parse.
    pub fn end_of_day(date: &str) -> Option<Timestamp> {
        mosaique_domain::time::local_day(date, mosaique_domain::time::DEFAULT_TIME_ZONE)
            .map(|(_, next)| next)
    }
}

impl App {
    /// Destroys one closed case (a privacy officer, on the person's request to erase).
    pub async fn purge_case(&self, who: &Principal, id: CaseId) -> AppResult<()> {
        let (permit, _) = self.case_permit(who, id, CaseAction::Purge).await?;
        let mut tx = self.db.begin().await?;
        tx.purge_case(&permit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The case a reference names, for a privacy officer (an access request, say). Who may
    /// is decided first: a refused role learns nothing of which references exist.
    pub async fn privacy_case(&self, who: &Principal, reference: &str) -> AppResult<CaseId> {
        self.authorize(who, PrivacyAction::View, PrivacyDesk)
            .await?;
        self.db
            .case_by_reference(reference)
            .await?
            .ok_or_else(|| invalid(vec![DisclosureProblem::UnknownCase]))
    }

    /// Destroys the closed case with this reference, for a privacy officer.
    pub async fn purge_case_by_reference(&self, who: &Principal, reference: &str) -> AppResult<()> {
        let case = self.privacy_case(who, reference).await?;
        self.purge_case(who, case).await
    }

    /// Destroys every case closed more than `retention_days` ago (the retention job, run
    /// from the command line); returns how many. One transaction per case, so an
    /// interruption loses nothing and a new run finishes the rest.
    pub async fn purge_expired_cases(
        &self,
        who: &Principal,
        retention_days: u64,
    ) -> AppResult<usize> {
        let days = i64::try_from(retention_days).unwrap_or(i64::MAX / 86_400_000);
        let before = App::now_ms().saturating_sub(days.saturating_mul(86_400_000));
        let due = self.db.cases_closed_before(before).await?;
        for id in &due {
            self.purge_case(who, *id).await?;
        }
        Ok(due.len())
    }
}
