//! The coalition's working groups (comités): each with a mandate, member organizations
//! (today's members of the coalition) and meetings of its own. Read by whoever reads the
//! workspace; created and kept by those who run it.

use mosaique_domain::coalition::Membership;
use mosaique_domain::coalition::group::{Group, GroupProblem, NewGroup, check_members};
use mosaique_domain::coalition::meeting::Meeting;
use mosaique_domain::policy::coalition::WorkspaceAction;
use mosaique_domain::policy::{Principal, offers};
use mosaique_domain::{OrgId, Timestamp, WorkingGroupId};

use crate::coalitions::{CoalitionRef, members_on, today};
use crate::{App, AppError, AppResult, Conflict, Invalid};

fn invalid(problems: Vec<GroupProblem>) -> AppError {
    AppError::Invalid(Invalid::Group(problems))
}

/// A coalition's working groups, and today's members (whom a group may take).
#[derive(Debug, Clone)]
pub struct GroupsView {
    pub coalition: CoalitionRef,
    pub groups: Vec<Group>,
    pub members: Vec<Membership>,
    pub may_run: bool,
}

/// One working group with its meetings (earliest first).
#[derive(Debug, Clone)]
pub struct GroupView {
    pub coalition: CoalitionRef,
    pub group: Group,
    pub meetings: Vec<Meeting>,
    pub members: Vec<Membership>,
    pub may_run: bool,
}

/// Today's members of the coalition.
fn current(memberships: Vec<Membership>) -> Vec<Membership> {
    members_on(memberships, today())
}

impl App {
    pub async fn groups(&self, who: &Principal, coalition: OrgId) -> AppResult<GroupsView> {
        let (found, workspace, permit) = self.enter(who, coalition, WorkspaceAction::View).await?;
        let mut tx = self.db.begin().await?;
        let groups = tx.groups(&permit).await?;
        let members = current(tx.memberships(&permit).await?);
        tx.commit().await?;
        Ok(GroupsView {
            coalition: found,
            groups,
            members,
            may_run: offers(who, WorkspaceAction::Run, workspace),
        })
    }

    pub async fn group(&self, who: &Principal, id: WorkingGroupId) -> AppResult<GroupView> {
        let coalition = self.db.group_coalition(id).await?;
        let (found, workspace, permit) =
            self.enter_of(who, coalition, WorkspaceAction::View).await?;
        let mut tx = self.db.begin().await?;
        let group = tx.group(&permit, id).await?.ok_or(AppError::NotFound)?;
        let meetings = tx
            .meetings(&permit, Timestamp(i64::MIN / 2), Timestamp(i64::MAX / 2))
            .await?
            .into_iter()
            .filter(|m| m.group == Some(id))
            .collect();
        let members = current(tx.memberships(&permit).await?);
        tx.commit().await?;
        Ok(GroupView {
            coalition: found,
            group,
            meetings,
            members,
            may_run: offers(who, WorkspaceAction::Run, workspace),
        })
    }

    /// Whether `who` may keep a group's members, or the refusal (`NotFound`: no such group).
    pub async fn may_run_group(&self, who: &Principal, id: WorkingGroupId) -> AppResult<()> {
        let coalition = self
            .db
            .group_coalition(id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.may_run(who, coalition).await
    }

    /// Creates a working group of today's members.
    pub async fn record_group(
        &self,
        who: &Principal,
        coalition: OrgId,
        new: NewGroup,
    ) -> AppResult<WorkingGroupId> {
        let (_, _, permit) = self.enter(who, coalition, WorkspaceAction::Run).await?;
        let mut tx = self.db.begin().await?;
        let members: Vec<OrgId> = current(tx.memberships(&permit).await?)
            .iter()
            .map(|m| m.member)
            .collect();
        new.check(&members).map_err(invalid)?;
        let id = tx.record_group(&permit, &new).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Sets a group's members, from the version the writer read.
    pub async fn set_group_members(
        &self,
        who: &Principal,
        id: WorkingGroupId,
        version: i64,
        members: Vec<OrgId>,
    ) -> AppResult<()> {
        let coalition = self.db.group_coalition(id).await?;
        let (_, _, permit) = self.enter_of(who, coalition, WorkspaceAction::Run).await?;
        let mut tx = self.db.begin().await?;
        let group = tx.group(&permit, id).await?.ok_or(AppError::NotFound)?;
        if group.version != version {
            return Err(AppError::Conflict(Conflict::Stale));
        }
        let current: Vec<OrgId> = current(tx.memberships(&permit).await?)
            .iter()
            .map(|m| m.member)
            .collect();
        // A member who has since left the coalition may stay; only additions must be members.
        let added: Vec<OrgId> = members
            .iter()
            .copied()
            .filter(|m| !group.has_member(*m))
            .collect();
        check_members(&added, &current).map_err(invalid)?;
        check_members(&members, &members).map_err(invalid)?;
        if !tx.set_group_members(&permit, id, version, &members).await? {
            return Err(AppError::Conflict(Conflict::Stale));
        }
        tx.commit().await?;
        Ok(())
    }
}

/// The demo's two working groups, each with a past meeting and the next one.
pub(crate) mod demo {
    use jiff::civil::{Date, DateTime};
    use mosaique_domain::OrgId;
    use mosaique_domain::coalition::group::NewGroup;
    use mosaique_domain::coalition::meeting::NewMeeting;
    use mosaique_domain::policy::Principal;
    use mosaique_domain::time::DEFAULT_TIME_ZONE;

    use crate::{App, AppResult};

    impl App {
        pub(crate) async fn load_demo_groups(
            &self,
            coalition: OrgId,
            members: &[OrgId],
            today: Date,
        ) -> AppResult<()> {
            let who = Principal::Operator;
            let groups = [
                (
                    "Exemple — Comité formation",
                    "Exemple — Prépare le calendrier des formations et suit la cascade de formation.",
                    [0_usize, 1, 2],
                ),
                (
                    "Exemple — Comité communications et sensibilisation",
                    "Exemple — Prépare les campagnes de sensibilisation et le bulletin aux membres.",
                    [0, 3, 4],
                ),
            ];
            for (n, (name, mandate, picks)) in groups.into_iter().enumerate() {
                let mut chosen: Vec<OrgId> = picks
                    .iter()
                    .filter_map(|i| members.get(*i).copied())
                    .collect();
                chosen.dedup();
                let group = self
                    .record_group(
                        &who,
                        coalition,
                        NewGroup {
                            name: name.to_owned(),
                            mandate: mandate.to_owned(),
                            members: chosen,
                        },
                    )
                    .await?;
                // The last Thursday before today, and four weeks after it.
                for weeks in [-1_i64 - n as i64, 3 - n as i64] {
                    let day = today
                        .checked_add(jiff::Span::new().weeks(weeks))
                        .unwrap_or(today);
                    let at = |h: i8| DateTime::from_parts(day, jiff::civil::time(h, 0, 0, 0));
                    let new = NewMeeting {
                        title: name.to_owned(),
                        starts: at(13),
                        ends: at(14),
                        time_zone: DEFAULT_TIME_ZONE.to_owned(),
                        place: String::new(),
                        online_url: "https://visio.exemple.org/comite".to_owned(),
                        agenda: "1. Suivi du mandat\n2. Prochaines étapes".to_owned(),
                        group: Some(group),
                    };
                    self.schedule_meeting(&who, coalition, new).await?;
                }
            }
            Ok(())
        }
    }
}
