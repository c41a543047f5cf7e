//! Awareness and knowledge: the coalition's campaigns (their materials are the library's,
//! their reach recorded once started) and its members' promising practices. Read by the
//! workspace's readers, kept by those who run it.

use mosaique_domain::coalition::Membership;
use mosaique_domain::coalition::campaign::{Campaign, CampaignProblem, NewCampaign, Reach};
use mosaique_domain::coalition::library::Resource;
use mosaique_domain::coalition::practice::{NewPractice, Practice, PracticeProblem};
use mosaique_domain::policy::coalition::WorkspaceAction;
use mosaique_domain::policy::{Principal, offers};
use mosaique_domain::{CampaignId, OrgId, PracticeId};

use crate::coalitions::{CoalitionRef, members_on, today};
use crate::{App, AppError, AppResult, Conflict, Invalid};

fn campaign_invalid(problems: Vec<CampaignProblem>) -> AppError {
    AppError::Invalid(Invalid::Campaign(problems))
}

fn practice_invalid(problems: Vec<PracticeProblem>) -> AppError {
    AppError::Invalid(Invalid::Practice(problems))
}

#[derive(Debug, Clone)]
pub struct CampaignsView {
    pub coalition: CoalitionRef,
    pub campaigns: Vec<Campaign>,
    /// The library the reader reads: the materials' titles, and the form's choices.
    pub library: Vec<Resource>,
    pub may_run: bool,
}

#[derive(Debug, Clone)]
pub struct PracticesView {
    pub coalition: CoalitionRef,
    pub practices: Vec<Practice>,
    /// Today's members, whom a practice may come from.
    pub members: Vec<Membership>,
    pub may_run: bool,
}

impl App {
    pub async fn campaigns(&self, who: &Principal, coalition: OrgId) -> AppResult<CampaignsView> {
        let (found, workspace, permit) = self.enter(who, coalition, WorkspaceAction::View).await?;
        let library = self.library(who, coalition).await?.resources;
        let mut tx = self.db.begin().await?;
        let campaigns = tx.campaigns(&permit).await?;
        tx.commit().await?;
        Ok(CampaignsView {
            coalition: found,
            campaigns,
            library,
            may_run: offers(who, WorkspaceAction::Run, workspace),
        })
    }

    pub async fn add_campaign(
        &self,
        who: &Principal,
        coalition: OrgId,
        new: NewCampaign,
    ) -> AppResult<CampaignId> {
        let (_, _, permit) = self.enter(who, coalition, WorkspaceAction::Run).await?;
        let library: Vec<_> = self
            .library(who, coalition)
            .await?
            .resources
            .iter()
            .map(|r| r.id)
            .collect();
        let new = new.check(&library).map_err(campaign_invalid)?;
        let mut tx = self.db.begin().await?;
        let id = tx.add_campaign(&permit, &new).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Whether `who` may record a campaign's reach, or the refusal (`NotFound`: no such
    /// campaign).
    pub async fn may_run_campaign(&self, who: &Principal, id: CampaignId) -> AppResult<OrgId> {
        let coalition = self
            .db
            .campaign_coalition(id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.may_run(who, coalition).await?;
        Ok(coalition)
    }

    /// Records how many people a started campaign reached, from the version read.
    pub async fn record_reach(
        &self,
        who: &Principal,
        id: CampaignId,
        version: i64,
        reach: Reach,
    ) -> AppResult<()> {
        let coalition = self.db.campaign_coalition(id).await?;
        let (_, _, permit) = self.enter_of(who, coalition, WorkspaceAction::Run).await?;
        let mut tx = self.db.begin().await?;
        let campaign = tx
            .campaigns(&permit)
            .await?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or(AppError::NotFound)?;
        if campaign.version != version {
            return Err(AppError::Conflict(Conflict::Stale));
        }
        let reach = reach
            .check(campaign.starts_on, today())
            .map_err(campaign_invalid)?;
        if !tx.record_reach(&permit, id, version, &reach).await? {
            return Err(AppError::Conflict(Conflict::Stale));
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn practices(&self, who: &Principal, coalition: OrgId) -> AppResult<PracticesView> {
        let (found, workspace, permit) = self.enter(who, coalition, WorkspaceAction::View).await?;
        let mut tx = self.db.begin().await?;
        let practices = tx.practices(&permit).await?;
        let members = members_on(tx.memberships(&permit).await?, today());
        tx.commit().await?;
        Ok(PracticesView {
            coalition: found,
            practices,
            members,
            may_run: offers(who, WorkspaceAction::Run, workspace),
        })
    }

    pub async fn add_practice(
        &self,
        who: &Principal,
        coalition: OrgId,
        new: NewPractice,
    ) -> AppResult<PracticeId> {
        let (_, _, permit) = self.enter(who, coalition, WorkspaceAction::Run).await?;
        let mut tx = self.db.begin().await?;
        let members: Vec<OrgId> = members_on(tx.memberships(&permit).await?, today())
            .iter()
            .map(|m| m.member)
            .collect();
        let new = new.check(&members).map_err(practice_invalid)?;
        let id = tx.add_practice(&permit, &new).await?;
        tx.commit().await?;
        Ok(id)
    }
}

/// The demo's campaign (with its reach) and a practice from a member.
pub(crate) mod demo {
    use mosaique_domain::coalition::campaign::{NewCampaign, Reach};
    use mosaique_domain::coalition::library::{Audience, Theme};
    use mosaique_domain::coalition::practice::{Evidence, NewPractice};
    use mosaique_domain::policy::Principal;
    use mosaique_domain::{Bilingual, OrgId};

    use crate::coalitions::today;
    use crate::{App, AppResult};

    impl App {
        pub(crate) async fn load_demo_awareness(
            &self,
            coalition: OrgId,
            member: Option<OrgId>,
        ) -> AppResult<()> {
            let who = Principal::Operator;
            let materials = self
                .library(&who, coalition)
                .await?
                .resources
                .iter()
                .filter(|r| r.visibility == mosaique_domain::coalition::library::Visibility::Public)
                .map(|r| r.id)
                .collect();
            let starts_on = today().saturating_sub(jiff::Span::new().days(60));
            let campaign = self
                .add_campaign(
                    &who,
                    coalition,
                    NewCampaign {
                        title: Bilingual::new(
                            "Exemple — Journée nationale de sensibilisation à la traite (22 février)"
                                .to_owned(),
                            "Example — National Human Trafficking Awareness Day (February 22)"
                                .to_owned(),
                        ),
                        audiences: vec![Audience::GeneralPublic, Audience::Education],
                        starts_on,
                        ends_on: Some(starts_on.saturating_add(jiff::Span::new().days(6))),
                        materials,
                    },
                )
                .await?;
            self.record_reach(
                &who,
                campaign,
                1,
                Reach {
                    people: 2_400,
                    note: "Exemple — kiosques dans 4 cégeps et publications des membres".to_owned(),
                },
            )
            .await?;
            self.add_practice(
                &who,
                coalition,
                NewPractice {
                    title: Bilingual::new(
                        "Exemple — Accompagnement au tribunal par une intervenante connue".to_owned(),
                        "Example — Court accompaniment by a known worker".to_owned(),
                    ),
                    themes: vec![Theme::LegalFramework, Theme::TraumaInformed],
                    what_worked: "Exemple — La même intervenante accompagne la personne de la plainte au procès ; moins de désistements.".to_owned(),
                    context: "Exemple — Grande région urbaine, avec le service d’aide aux victimes d’actes criminels et le corps policier.".to_owned(),
                    evidence: Evidence::Documented,
                    evidence_note: "Exemple — Suivi interne de 14 dossiers sur deux ans.".to_owned(),
                    organization: member,
                    contact: "Exemple — Coordination clinique, coordination@exemple.org".to_owned(),
                },
            )
            .await?;
            Ok(())
        }
    }
}
