//! The coalition's workspace: its members over time, its meetings (agenda, attendance,
//! minutes) and the private calendar feeds of its meetings. Each use case loads the facts
//! (is the caller's organization a member today?), asks the policy, and writes in one
//! audited transaction.

use jiff::civil::Date;
use mosaique_crypto::{random_token, token_hash};
use mosaique_domain::coalition::action::{Action, ActionProblem, ActionStatus, NewAction};
use mosaique_domain::coalition::health::{YearHealth, health};
use mosaique_domain::coalition::library::Visibility;
use mosaique_domain::coalition::mandates::{Gaps, MemberWork, gaps};
use mosaique_domain::coalition::meeting::{Meeting, MeetingProblem, NewMeeting, Presence};
use mosaique_domain::coalition::{Membership, MembershipProblem, NewMembership};
use mosaique_domain::policy::coalition::{Shelf, ShelfAction, Workspace, WorkspaceAction};
use mosaique_domain::policy::{Permit, Principal, offers};
use mosaique_domain::time::DEFAULT_TIME_ZONE;
use mosaique_domain::{ActionId, Actor, MeetingId, MembershipId, OrgId, Timestamp};

pub use mosaique_store::coalitions::CoalitionRef;

use crate::{App, AppError, AppResult, Conflict, Invalid};

/// How far back and ahead a calendar feed reaches.
const FEED_PAST_MS: i64 = 366 * 86_400_000;
const FEED_AHEAD_MS: i64 = 2 * 366 * 86_400_000;

/// A coalition's members, and whether the reader may record memberships.
#[derive(Debug, Clone)]
pub struct MembersView {
    pub coalition: CoalitionRef,
    pub memberships: Vec<Membership>,
    pub may_manage: bool,
}

/// A coalition's meetings, and whether the reader may schedule and keep them.
#[derive(Debug, Clone)]
pub struct MeetingsView {
    pub coalition: CoalitionRef,
    pub meetings: Vec<Meeting>,
    pub may_run: bool,
}

/// One meeting, with its coalition's memberships on its day (whose attendance is kept) and
/// the action items it decided.
#[derive(Debug, Clone)]
pub struct MeetingView {
    pub coalition: CoalitionRef,
    pub meeting: Meeting,
    pub members: Vec<Membership>,
    pub actions: Vec<Action>,
    /// Its documents, from the library.
    pub documents: Vec<mosaique_domain::coalition::library::Resource>,
    /// The reader may add a document to it.
    pub may_add_document: bool,
    pub may_run: bool,
}

/// Today, where the coalition works.
pub(crate) fn today() -> Date {
    let zone = jiff::tz::TimeZone::get(DEFAULT_TIME_ZONE).unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::Timestamp::now().to_zoned(zone).date()
}

/// The memberships that cover `day`: the coalition's members that day, each once (an
/// organization's periods never overlap).
pub(crate) fn members_on(memberships: Vec<Membership>, day: Date) -> Vec<Membership> {
    memberships.into_iter().filter(|m| m.covers(day)).collect()
}

pub(crate) fn day_of(at: Timestamp, zone: &str) -> Date {
    let zone = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::Timestamp::from_millisecond(at.0)
        .map(|t| t.to_zoned(zone).date())
        .unwrap_or_else(|_| today())
}

impl App {
    /// The coalition named `id`, or `NotFound` when no coalition has that id.
    pub(crate) async fn coalition(&self, id: OrgId) -> AppResult<CoalitionRef> {
        self.db
            .coalitions()
            .await?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or(AppError::NotFound)
    }

    /// The policy's facts about `coalition` for `who`.
    pub(crate) async fn workspace(
        &self,
        who: &Principal,
        coalition: OrgId,
    ) -> AppResult<Workspace> {
        let caller_is_member = match who.actor().and_then(|a: &Actor| a.org_id) {
            Some(org) => self
                .db
                .coalitions_of(org, today())
                .await?
                .contains(&coalition),
            None => false,
        };
        Ok(Workspace {
            coalition,
            caller_is_member,
        })
    }

    /// The coalition, the policy's facts about it for `who`, and the permit for `action`
    /// (the refusal, audited, otherwise).
    pub(crate) async fn enter(
        &self,
        who: &Principal,
        coalition: OrgId,
        action: WorkspaceAction,
    ) -> AppResult<(CoalitionRef, Workspace, Permit<Workspace>)> {
        let found = self.coalition(coalition).await?;
        let workspace = self.workspace(who, coalition).await?;
        let permit = self.authorize(who, action, workspace).await?;
        Ok((found, workspace, permit))
    }

    /// [`App::enter`] the coalition a meeting or an action belongs to (`NotFound` when it
    /// does not exist).
    pub(crate) async fn enter_of(
        &self,
        who: &Principal,
        coalition: Option<OrgId>,
        action: WorkspaceAction,
    ) -> AppResult<(CoalitionRef, Workspace, Permit<Workspace>)> {
        let coalition = coalition.ok_or(AppError::NotFound)?;
        self.enter(who, coalition, action).await
    }

    /// The coalitions whose workspace `who` may open: every one for the coalition's staff,
    /// those their organization is a member of today for the others.
    pub async fn my_coalitions(&self, who: &Principal) -> AppResult<Vec<CoalitionRef>> {
        let mut open = Vec::new();
        for coalition in self.db.coalitions().await? {
            let workspace = self.workspace(who, coalition.id).await?;
            if offers(who, WorkspaceAction::View, workspace) {
                open.push(coalition);
            }
        }
        if open.is_empty() {
            // Asked so that a refusal is audited and answered as one.
            self.authorize(
                who,
                WorkspaceAction::View,
                Workspace {
                    coalition: OrgId::default(),
                    caller_is_member: false,
                },
            )
            .await?;
        }
        Ok(open)
    }

    /// Whether `who` may record the coalition's memberships, or the refusal: asked before a
    /// form or body is read.
    pub async fn may_manage_members(&self, who: &Principal, coalition: OrgId) -> AppResult<()> {
        self.enter(who, coalition, WorkspaceAction::ManageMembers)
            .await
            .map(|_| ())
    }

    /// Whether `who` may schedule and keep the coalition's meetings, or the refusal.
    pub async fn may_run(&self, who: &Principal, coalition: OrgId) -> AppResult<()> {
        self.enter(who, coalition, WorkspaceAction::Run)
            .await
            .map(|_| ())
    }

    /// The same, for the coalition of a meeting (`NotFound` when there is no such meeting).
    pub async fn may_run_meeting(&self, who: &Principal, id: MeetingId) -> AppResult<()> {
        let coalition = self
            .db
            .meeting_coalition(id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.may_run(who, coalition).await
    }

    pub async fn coalition_members(
        &self,
        who: &Principal,
        coalition: OrgId,
    ) -> AppResult<MembersView> {
        let (found, workspace, permit) = self.enter(who, coalition, WorkspaceAction::View).await?;
        let mut tx = self.db.begin().await?;
        let memberships = tx.memberships(&permit).await?;
        tx.commit().await?;
        Ok(MembersView {
            coalition: found,
            memberships,
            may_manage: offers(who, WorkspaceAction::ManageMembers, workspace),
        })
    }

    /// Records an organization's membership over a period that overlaps none of its others
    /// in this coalition.
    pub async fn add_membership(
        &self,
        who: &Principal,
        coalition: OrgId,
        new: NewMembership,
    ) -> AppResult<MembershipId> {
        let (_, _, permit) = self
            .enter(who, coalition, WorkspaceAction::ManageMembers)
            .await?;
        let invalid = |problems| AppError::Invalid(Invalid::Membership(problems));
        let mut tx = self.db.begin().await?;
        if !tx.organization_exists(new.member).await? {
            return Err(invalid(vec![MembershipProblem::UnknownMember]));
        }
        let others = tx.memberships(&permit).await?;
        new.check(coalition, &others).map_err(invalid)?;
        let id = tx.add_membership(&permit, &new).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Ends an open membership on `left_on`.
    pub async fn end_membership(
        &self,
        who: &Principal,
        coalition: OrgId,
        id: MembershipId,
        left_on: Date,
    ) -> AppResult<()> {
        let (_, _, permit) = self
            .enter(who, coalition, WorkspaceAction::ManageMembers)
            .await?;
        let mut tx = self.db.begin().await?;
        let memberships = tx.memberships(&permit).await?;
        let Some(open) = memberships
            .iter()
            .find(|m| m.id == id && m.left_on.is_none())
        else {
            return Err(AppError::NotFound);
        };
        if left_on < open.joined_on {
            return Err(AppError::Invalid(Invalid::Membership(vec![
                MembershipProblem::LeftBeforeJoined,
            ])));
        }
        if !tx.end_membership(&permit, id, left_on).await? {
            return Err(AppError::Conflict(Conflict::Stale));
        }
        tx.commit().await?;
        Ok(())
    }

    /// A coalition's meetings starting in `[from, to)`.
    pub async fn meetings(
        &self,
        who: &Principal,
        coalition: OrgId,
        from: Timestamp,
        to: Timestamp,
    ) -> AppResult<MeetingsView> {
        let (found, workspace, permit) = self.enter(who, coalition, WorkspaceAction::View).await?;
        let mut tx = self.db.begin().await?;
        let meetings = tx.meetings(&permit, from, to).await?;
        tx.commit().await?;
        Ok(MeetingsView {
            coalition: found,
            meetings,
            may_run: offers(who, WorkspaceAction::Run, workspace),
        })
    }

    /// One meeting, with the coalition's members on its day.
    pub async fn meeting(&self, who: &Principal, id: MeetingId) -> AppResult<MeetingView> {
        let coalition = self.db.meeting_coalition(id).await?;
        let (found, workspace, permit) =
            self.enter_of(who, coalition, WorkspaceAction::View).await?;
        // Whoever reads the meeting reads its documents: the members' shelf.
        let shelf = Shelf {
            coalition: workspace.coalition,
            caller_is_member: workspace.caller_is_member,
            visibility: Visibility::Members,
            owner: who.actor().and_then(|a| a.org_id),
        };
        let documents = self.authorize(who, ShelfAction::Read, shelf).await.ok();
        let mut tx = self.db.begin().await?;
        let meeting = tx.meeting(&permit, id).await?.ok_or(AppError::NotFound)?;
        let day = day_of(meeting.starts_at, &meeting.time_zone);
        // A working group's meeting keeps its members' attendance.
        let group = match meeting.group {
            Some(group) => tx.group(&permit, group).await?,
            None => None,
        };
        let members = members_on(tx.memberships(&permit).await?, day)
            .into_iter()
            .filter(|m| group.as_ref().is_none_or(|g| g.has_member(m.member)))
            .collect();
        let actions = tx
            .actions(&permit)
            .await?
            .into_iter()
            .filter(|a| a.meeting == Some(id))
            .collect();
        let documents = match &documents {
            Some(permit) => tx.meeting_documents(permit, id).await?,
            None => Vec::new(),
        };
        tx.commit().await?;
        Ok(MeetingView {
            coalition: found,
            meeting,
            members,
            actions,
            documents,
            may_add_document: offers(who, ShelfAction::Add, shelf),
            may_run: offers(who, WorkspaceAction::Run, workspace),
        })
    }

    pub async fn schedule_meeting(
        &self,
        who: &Principal,
        coalition: OrgId,
        new: NewMeeting,
    ) -> AppResult<MeetingId> {
        let (_, _, permit) = self.enter(who, coalition, WorkspaceAction::Run).await?;
        let mut tx = self.db.begin().await?;
        let unknown_group = match new.group {
            Some(group) => tx.group(&permit, group).await?.is_none(),
            None => false,
        };
        let when = match (new.check(), unknown_group) {
            (Ok(when), false) => when,
            (checked, _) => {
                let mut problems = checked.err().unwrap_or_default();
                if unknown_group {
                    problems.push(MeetingProblem::UnknownGroup);
                }
                return Err(AppError::Invalid(Invalid::Meeting(problems)));
            }
        };
        let id = tx.schedule_meeting(&permit, &new, when).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Writes a meeting's minutes as a draft, or approves them (then they no longer change),
    /// from the version the writer read.
    pub async fn write_minutes(
        &self,
        who: &Principal,
        id: MeetingId,
        version: i64,
        minutes: &str,
        approve: bool,
    ) -> AppResult<()> {
        let (permit, meeting, mut tx) = self.run_meeting(who, id).await?;
        if meeting.version != version {
            return Err(AppError::Conflict(Conflict::Stale));
        }
        let invalid = |p| AppError::Invalid(Invalid::Meeting(vec![p]));
        meeting.check_minutes_edit(minutes).map_err(invalid)?;
        if approve {
            let mut approved = meeting.clone();
            approved.minutes = minutes.to_owned();
            approved.check_approval().map_err(invalid)?;
        }
        if !tx
            .write_minutes(&permit, id, version, minutes, approve)
            .await?
        {
            return Err(AppError::Conflict(Conflict::Stale));
        }
        tx.commit().await?;
        Ok(())
    }

    /// Records who came, for organizations that were members on the meeting's day.
    pub async fn record_attendance(
        &self,
        who: &Principal,
        id: MeetingId,
        version: i64,
        attendance: &[(OrgId, Presence)],
    ) -> AppResult<()> {
        let (permit, meeting, mut tx) = self.run_meeting(who, id).await?;
        if meeting.version != version {
            return Err(AppError::Conflict(Conflict::Stale));
        }
        let day = day_of(meeting.starts_at, &meeting.time_zone);
        let members = tx.memberships(&permit).await?;
        let outsider = attendance
            .iter()
            .any(|(org, _)| !members.iter().any(|m| m.member == *org && m.covers(day)));
        if outsider {
            return Err(AppError::Invalid(Invalid::Meeting(vec![
                MeetingProblem::NotAMember,
            ])));
        }
        if !tx
            .record_attendance(&permit, id, version, attendance)
            .await?
        {
            return Err(AppError::Conflict(Conflict::Stale));
        }
        tx.commit().await?;
        Ok(())
    }

    /// The facts, the permit to run a meeting's coalition, the meeting, and the open
    /// transaction the change is made in.
    async fn run_meeting(
        &self,
        who: &Principal,
        id: MeetingId,
    ) -> AppResult<(Permit<Workspace>, Meeting, mosaique_store::Tx)> {
        let coalition = self.db.meeting_coalition(id).await?;
        let (_, _, permit) = self.enter_of(who, coalition, WorkspaceAction::Run).await?;
        let mut tx = self.db.begin().await?;
        let meeting = tx.meeting(&permit, id).await?.ok_or(AppError::NotFound)?;
        Ok((permit, meeting, tx))
    }

    /// Gives `who` a new private address for the coalition's calendar (the old one stops
    /// working). Returns the token the address carries; only its hash is kept.
    pub async fn renew_calendar_feed(
        &self,
        who: &Principal,
        coalition: OrgId,
    ) -> AppResult<String> {
        let (_, _, permit) = self
            .enter(who, coalition, WorkspaceAction::Subscribe)
            .await?;
        let token = random_token();
        let mut tx = self.db.begin().await?;
        tx.renew_calendar_feed(&permit, &token_hash(&token)).await?;
        tx.commit().await?;
        Ok(token)
    }

    /// Stops `who`'s calendar address for the coalition. `NotFound` when there was none.
    pub async fn revoke_calendar_feed(&self, who: &Principal, coalition: OrgId) -> AppResult<()> {
        let (_, _, permit) = self
            .enter(who, coalition, WorkspaceAction::Subscribe)
            .await?;
        let mut tx = self.db.begin().await?;
        let revoked = tx.revoke_calendar_feed(&permit).await?;
        tx.commit().await?;
        if revoked {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// The meetings a calendar address shows: a year back and two ahead, read with its
    /// person's rights as they are now (a disabled account, or an organization that left the
    /// coalition, sees nothing: `NotFound`, as for an unknown address).
    pub async fn calendar_feed(&self, token: &str) -> AppResult<MeetingsView> {
        let Some((_, person, coalition)) = self.db.calendar_feed(&token_hash(token)).await? else {
            return Err(AppError::NotFound);
        };
        let facts = self
            .db
            .account_facts(person)
            .await?
            .ok_or(AppError::NotFound)?;
        if facts.disabled {
            return Err(AppError::NotFound);
        }
        let who = Principal::User(Actor {
            user_id: person,
            org_id: facts.account.org_id,
            role: facts.account.role,
            recently_verified: false,
        });
        let now = App::now_ms();
        self.meetings(
            &who,
            coalition,
            Timestamp(now - FEED_PAST_MS),
            Timestamp(now + FEED_AHEAD_MS),
        )
        .await
        .map_err(|e| match e {
            AppError::Denied(_) => AppError::NotFound,
            e => e,
        })
    }
}

/// A coalition's action plan (and its meetings' action items).
#[derive(Debug, Clone)]
pub struct PlanView {
    pub coalition: CoalitionRef,
    pub actions: Vec<Action>,
    pub may_run: bool,
    /// Today where the coalition works: what is late is past due before it.
    pub today: Date,
}

/// One action.
#[derive(Debug, Clone)]
pub struct ActionView {
    pub coalition: CoalitionRef,
    pub action: Action,
    pub may_run: bool,
    pub today: Date,
}

impl App {
    /// The coalition's actions, for its staff and its members' staff.
    pub async fn action_plan(&self, who: &Principal, coalition: OrgId) -> AppResult<PlanView> {
        let (found, workspace, permit) = self.enter(who, coalition, WorkspaceAction::View).await?;
        let mut tx = self.db.begin().await?;
        let actions = tx.actions(&permit).await?;
        tx.commit().await?;
        Ok(PlanView {
            coalition: found,
            actions,
            may_run: offers(who, WorkspaceAction::Run, workspace),
            today: today(),
        })
    }

    /// The actions the coalition marked public, for anyone.
    pub async fn public_plan(&self, who: &Principal, coalition: OrgId) -> AppResult<PlanView> {
        let (found, _, permit) = self
            .enter(who, coalition, WorkspaceAction::ReadPublicPlan)
            .await?;
        let mut tx = self.db.begin().await?;
        let actions = tx.actions(&permit).await?;
        tx.commit().await?;
        Ok(PlanView {
            coalition: found,
            actions,
            may_run: false,
            today: today(),
        })
    }

    pub async fn action(&self, who: &Principal, id: ActionId) -> AppResult<ActionView> {
        let coalition = self.db.action_coalition(id).await?;
        let (found, workspace, permit) =
            self.enter_of(who, coalition, WorkspaceAction::View).await?;
        let mut tx = self.db.begin().await?;
        let action = tx.action(&permit, id).await?.ok_or(AppError::NotFound)?;
        tx.commit().await?;
        Ok(ActionView {
            coalition: found,
            action,
            may_run: offers(who, WorkspaceAction::Run, workspace),
            today: today(),
        })
    }

    /// Records an action, planned: its organizations must be in the directory, and the
    /// meeting that decided it one of this coalition's.
    pub async fn record_action(
        &self,
        who: &Principal,
        coalition: OrgId,
        new: NewAction,
    ) -> AppResult<ActionId> {
        let (_, _, permit) = self.enter(who, coalition, WorkspaceAction::Run).await?;
        let invalid = |problems| AppError::Invalid(Invalid::Action(problems));
        new.check().map_err(invalid)?;
        let mut tx = self.db.begin().await?;
        for org in new.owner.iter().chain(new.partners.iter()) {
            if !tx.organization_exists(*org).await? {
                return Err(invalid(vec![ActionProblem::UnknownOrganization]));
            }
        }
        if let Some(meeting) = new.meeting {
            // The meeting is read with a permit to run this coalition: another's is not found.
            if tx.meeting(&permit, meeting).await?.is_none() {
                return Err(invalid(vec![ActionProblem::UnknownMeeting]));
            }
        }
        let id = tx.record_action(&permit, &new).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Moves an action to `status`, or notes its progress, from the version read.
    pub async fn record_progress(
        &self,
        who: &Principal,
        id: ActionId,
        version: i64,
        status: ActionStatus,
        note: &str,
    ) -> AppResult<()> {
        let coalition = self.db.action_coalition(id).await?;
        let (_, _, permit) = self.enter_of(who, coalition, WorkspaceAction::Run).await?;
        let mut tx = self.db.begin().await?;
        let action = tx.action(&permit, id).await?.ok_or(AppError::NotFound)?;
        // A writer who read an older version is told so before anything about the move.
        if action.version != version {
            return Err(AppError::Conflict(Conflict::Stale));
        }
        action
            .check_progress(status, note)
            .map_err(|p| AppError::Invalid(Invalid::Action(vec![p])))?;
        if !tx
            .record_progress(&permit, id, version, status, note)
            .await?
        {
            return Err(AppError::Conflict(Conflict::Stale));
        }
        tx.commit().await?;
        Ok(())
    }

    /// Whether `who` may record the coalition's actions, for an action's coalition.
    pub async fn may_run_action(&self, who: &Principal, id: ActionId) -> AppResult<()> {
        let coalition = self
            .db
            .action_coalition(id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.may_run(who, coalition).await
    }
}

/// Who does what in a coalition: today's members' mandates and service domains, and what no
/// member covers.
#[derive(Debug, Clone)]
pub struct WhoDoesWhat {
    pub coalition: CoalitionRef,
    pub members: Vec<MemberWork>,
    pub gaps: Gaps,
}

impl App {
    pub async fn who_does_what(&self, who: &Principal, coalition: OrgId) -> AppResult<WhoDoesWhat> {
        let (found, _, permit) = self.enter(who, coalition, WorkspaceAction::View).await?;
        let today = today();
        let mut tx = self.db.begin().await?;
        let current: Vec<OrgId> = members_on(tx.memberships(&permit).await?, today)
            .iter()
            .map(|m| m.member)
            .collect();
        let members = tx.members_work(&permit, &current).await?;
        tx.commit().await?;
        Ok(WhoDoesWhat {
            coalition: found,
            gaps: gaps(&members),
            members,
        })
    }
}

/// A coalition's health, year by year.
#[derive(Debug, Clone)]
pub struct HealthView {
    pub coalition: CoalitionRef,
    pub years: Vec<YearHealth>,
}

impl App {
    /// The participation dashboard: members and active members, who joined and left,
    /// meetings and their attendance, actions done and late, trainings given and people
    /// trained, for each year.
    pub async fn coalition_health(
        &self,
        who: &Principal,
        coalition: OrgId,
    ) -> AppResult<HealthView> {
        let (found, _, permit) = self.enter(who, coalition, WorkspaceAction::View).await?;
        let mut tx = self.db.begin().await?;
        let memberships = tx.memberships(&permit).await?;
        let meetings = tx
            .meetings(&permit, Timestamp(i64::MIN / 2), Timestamp(i64::MAX / 2))
            .await?;
        let actions = tx.actions(&permit).await?;
        let trainings = tx.training_years(&permit).await?;
        tx.commit().await?;
        let day = |at: Timestamp| day_of(at, DEFAULT_TIME_ZONE);
        Ok(HealthView {
            coalition: found,
            years: health(&memberships, &meetings, &actions, &trainings, today(), &day),
        })
    }
}

/// The demo coalition's workspace: its member organizations, a year of monthly meetings
/// with attendance and approved minutes, and the next two, every title marked "Exemple".
mod demo {
    use jiff::civil::{Date, DateTime};
    use mosaique_domain::coalition::action::{ActionStatus, NewAction, Pillar};
    use mosaique_domain::coalition::meeting::{NewMeeting, Presence};
    use mosaique_domain::coalition::{MemberRole, NewMembership};
    use mosaique_domain::policy::Principal;
    use mosaique_domain::time::DEFAULT_TIME_ZONE;
    use mosaique_domain::{MeetingId, OrgId, Timestamp};
    use mosaique_store::demo_accounts::{DEMO_ORG_SLUG, DEMO_POLICE_SLUG, PARTNER_CASEWORKERS};

    use crate::{App, AppError, AppResult};

    /// The demo's coalition.
    const COALITION_SLUG: &str = "cqtp";

    /// An example action of the demo plan.
    struct DemoAction {
        pillar: Option<Pillar>,
        title: &'static str,
        indicators: &'static str,
        /// Its due day, from today (before today: late if still open).
        due_in_days: i32,
        /// The statuses it went through after "planned".
        moves: &'static [ActionStatus],
        public: bool,
    }

    fn day(y: i16, m: i8, d: i8) -> Date {
        jiff::civil::date(y, m, d)
    }

    impl App {
        /// Loads the demo workspace once (nothing when the coalition has meetings already).
        /// Returns the meetings it scheduled.
        pub(crate) async fn load_demo_coalition(&self) -> AppResult<usize> {
            let who = Principal::Operator;
            let coalition = match self.db.organization_by_slug(COALITION_SLUG).await? {
                Some(o) => o.id,
                None => return Ok(0),
            };
            let now = App::now_ms();
            let existing = self
                .meetings(&who, coalition, Timestamp(0), Timestamp(i64::MAX / 2))
                .await?;
            if !existing.meetings.is_empty() {
                return Ok(0);
            }
            let mut members: Vec<(OrgId, MemberRole, Date, Option<Date>)> = Vec::new();
            if let Some(o) = self.db.organization_by_slug(DEMO_ORG_SLUG).await? {
                members.push((o.id, MemberRole::SteeringCommittee, day(2019, 9, 1), None));
            }
            for (_, slug, _) in PARTNER_CASEWORKERS {
                if let Some(o) = self.db.organization_by_slug(slug).await? {
                    members.push((o.id, MemberRole::Member, day(2021, 1, 15), None));
                }
            }
            if let Some(o) = self.db.organization_by_slug(DEMO_POLICE_SLUG).await? {
                // A past period, then a new one as an observer: the history shows both.
                members.push((
                    o.id,
                    MemberRole::Member,
                    day(2018, 3, 1),
                    Some(day(2022, 6, 30)),
                ));
                members.push((o.id, MemberRole::Observer, day(2023, 1, 1), None));
            }
            for (member, role, joined_on, left_on) in &members {
                let new = NewMembership {
                    member: *member,
                    role: *role,
                    joined_on: *joined_on,
                    left_on: *left_on,
                };
                self.add_membership(&who, coalition, new).await?;
            }
            let zone =
                jiff::tz::TimeZone::get(DEFAULT_TIME_ZONE).map_err(|_| AppError::Internal)?;
            let today = jiff::Timestamp::from_millisecond(now)
                .map_err(|_| AppError::Internal)?
                .to_zoned(zone)
                .date();
            let first_of_month = today.first_of_month();
            let mut scheduled = 0;
            let mut last_past = None;
            // Eleven months back, this month, and the next two: the second Tuesday, 9:30.
            for offset in -11..=2_i32 {
                let month = first_of_month
                    .checked_add(jiff::Span::new().months(offset))
                    .map_err(|_| AppError::Internal)?;
                let tuesday = month
                    .nth_weekday_of_month(2, jiff::civil::Weekday::Tuesday)
                    .map_err(|_| AppError::Internal)?;
                let at =
                    |h: i8, m: i8| DateTime::from_parts(tuesday, jiff::civil::time(h, m, 0, 0));
                let new = NewMeeting {
                    title: format!("Exemple — Rencontre régulière de la coalition ({})", tuesday.strftime("%Y-%m")),
                    starts: at(9, 30),
                    ends: at(11, 30),
                    time_zone: DEFAULT_TIME_ZONE.to_owned(),
                    place: "Exemple — Salle communautaire, Montréal".to_owned(),
                    online_url: "https://visio.exemple.org/coalition".to_owned(),
                    agenda: "1. Tour de table des membres\n2. Suivi du plan d’action\n3. Formations à venir\n4. Varia".to_owned(),
                    group: None,
                };
                let id = self.schedule_meeting(&who, coalition, new).await?;
                scheduled += 1;
                if tuesday >= today {
                    continue;
                }
                let view = self.meeting(&who, id).await?;
                let attendance: Vec<(OrgId, Presence)> = view
                    .members
                    .iter()
                    .enumerate()
                    .map(|(i, m)| {
                        // Someone is excused or absent now and then, as in any coalition.
                        let presence = match (i as i32 + offset).rem_euclid(5) {
                            0 => Presence::Excused,
                            1 if offset % 3 == 0 => Presence::Absent,
                            _ => Presence::Present,
                        };
                        (m.member, presence)
                    })
                    .collect();
                self.record_attendance(&who, id, view.meeting.version, &attendance)
                    .await?;
                let minutes = "Exemple — Présences notées ci-dessus.\nDécisions : le comité formation prépare la prochaine session ; le plan d’action est mis à jour.\nActions : chaque membre transmet ses données de l’année avant la prochaine rencontre.";
                self.write_minutes(&who, id, view.meeting.version + 1, minutes, true)
                    .await?;
                last_past = Some(id);
            }
            self.load_demo_plan(coalition, &members, today, last_past)
                .await?;
            let mut member_ids: Vec<OrgId> = Vec::new();
            for (member, ..) in &members {
                if !member_ids.contains(member) {
                    member_ids.push(*member);
                }
            }
            self.load_demo_trainings(coalition, &member_ids, today)
                .await?;
            self.load_demo_groups(coalition, &member_ids, today).await?;
            self.load_demo_glossary(coalition).await?;
            self.load_demo_library(coalition).await?;
            // The practice comes from a member that still is one.
            let current = members.iter().find(|m| m.3.is_none()).map(|m| m.0);
            self.load_demo_awareness(coalition, current).await?;
            self.load_demo_funding(coalition).await?;
            self.load_demo_bulletin(coalition).await?;
            Ok(scheduled)
        }

        /// An example action plan under the four P's: done, under way, late, planned, and
        /// one action item a meeting decided.
        async fn load_demo_plan(
            &self,
            coalition: OrgId,
            members: &[(OrgId, MemberRole, Date, Option<Date>)],
            today: Date,
            decided_at: Option<MeetingId>,
        ) -> AppResult<()> {
            let who = Principal::Operator;
            let owner = members.first().map(|m| m.0);
            let partner = members.get(1).map(|m| m.0);
            let in_days = |days: i32| today.checked_add(jiff::Span::new().days(days)).ok();
            let plan = [
                DemoAction {
                    pillar: Some(Pillar::Prevention),
                    title: "Exemple — Former 200 intervenantes et intervenants au repérage",
                    indicators: "Personnes formées, par région et par secteur",
                    due_in_days: 120,
                    moves: &[ActionStatus::InProgress],
                    public: true,
                },
                DemoAction {
                    pillar: Some(Pillar::Prevention),
                    title: "Exemple — Campagne de sensibilisation dans les écoles secondaires",
                    indicators: "Écoles rejointes; élèves rejoints",
                    due_in_days: -20,
                    moves: &[ActionStatus::InProgress],
                    public: true,
                },
                DemoAction {
                    pillar: Some(Pillar::Protection),
                    title: "Exemple — Protocole d’accueil 24/7 avec les maisons d’hébergement",
                    indicators: "Protocole signé; délais d’accueil",
                    due_in_days: -60,
                    moves: &[ActionStatus::InProgress, ActionStatus::Done],
                    public: true,
                },
                DemoAction {
                    pillar: Some(Pillar::Prosecution),
                    title: "Exemple — Rencontres trimestrielles avec les procureurs et les corps policiers",
                    indicators: "Rencontres tenues; dossiers discutés",
                    due_in_days: 90,
                    moves: &[],
                    public: false,
                },
                DemoAction {
                    pillar: Some(Pillar::Partnership),
                    title: "Exemple — Entente de collaboration avec le réseau de la santé",
                    indicators: "Entente signée; références reçues",
                    due_in_days: 200,
                    moves: &[ActionStatus::InProgress],
                    public: true,
                },
                DemoAction {
                    pillar: None,
                    title: "Exemple — Transmettre les données annuelles avant la prochaine rencontre",
                    indicators: "",
                    due_in_days: 14,
                    moves: &[],
                    public: false,
                },
            ];
            for a in plan {
                let new = NewAction {
                    pillar: a.pillar,
                    title: a.title.to_owned(),
                    description: String::new(),
                    owner,
                    partners: partner.into_iter().collect(),
                    indicators: a.indicators.to_owned(),
                    due_on: in_days(a.due_in_days),
                    public: a.public,
                    meeting: if a.pillar.is_none() { decided_at } else { None },
                };
                let id = self.record_action(&who, coalition, new).await?;
                for (n, status) in a.moves.iter().enumerate() {
                    let note = "Exemple — État présenté à la rencontre régulière.";
                    self.record_progress(&who, id, 1 + n as i64, *status, note)
                        .await?;
                }
            }
            Ok(())
        }
    }
}
