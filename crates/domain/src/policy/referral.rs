//! Referrals: the side that sent one (the case's working team) and the side that receives
//! it (the service organization's caseworkers, its intake queue) each do their own moves;
//! the clock expires what nobody answered.

use super::case::{CASE_ROLES, Case};
use super::{Action, DenyReason, Principal, Resource};
use crate::case::{CaseRole, Relation};
use crate::referral::{EntryModel, ReferralStatus, Side};
use crate::{OrgId, ReferralId, Role};

/// One referral, with the case it belongs to as the policy decides on it for the asker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referral {
    pub id: ReferralId,
    pub status: ReferralStatus,
    /// The organization of the service it went to.
    pub to: OrgId,
    pub case: Case,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferralAction {
    /// Read it: its needs, its status, its history.
    View,
    /// A move of one side of the lifecycle (`ReferralEvent::side`).
    Move(Side),
}

impl Action for ReferralAction {
    fn key(self) -> &'static str {
        match self {
            ReferralAction::View => "referral.read",
            ReferralAction::Move(Side::Sender) => "referral.send",
            ReferralAction::Move(Side::Receiver) => "referral.answer",
            ReferralAction::Move(Side::Clock) => "referral.expire",
        }
    }

    fn denial_audited(self) -> bool {
        true
    }
}

impl Referral {
    /// Works for the organization the referral went to, in a role that answers referrals.
    fn receives(&self, who: &Principal) -> bool {
        who.actor().is_some_and(|a| {
            a.org_id == Some(self.to)
                && CASE_ROLES.contains(&a.role)
                && a.role != Role::PoliceLiaison
        })
    }

    /// How the asker stands on the case's team.
    fn on_team(&self, who: &Principal) -> Option<CaseRole> {
        match self.case.disclosure(who)?.relation {
            Relation::Lead(role) | Relation::Member(role) => Some(role),
            Relation::Referred | Relation::Outside => None,
        }
    }
}

impl Resource for Referral {
    type Action = ReferralAction;
    const KIND: &'static str = "referral";

    fn audit_id(&self) -> Option<String> {
        Some(self.id.to_string())
    }

    fn rule(&self, who: &Principal, action: ReferralAction) -> Result<(), DenyReason> {
        if *who == Principal::Operator {
            return match action {
                ReferralAction::Move(Side::Clock) => Ok(()),
                _ => Err(DenyReason::RoleNotAllowed),
            };
        }
        let actor = who.user()?;
        let team = self.on_team(who);
        let receives = self.receives(who);
        if team.is_none() && !receives {
            return Err(DenyReason::NotOwner);
        }
        let allowed = match action {
            ReferralAction::View => true,
            ReferralAction::Move(Side::Sender) => {
                team.is_some_and(|role| role != CaseRole::Observer)
                    && actor.role != Role::PoliceLiaison
            }
            ReferralAction::Move(Side::Receiver) => receives,
            ReferralAction::Move(Side::Clock) => false,
        };
        if allowed {
            Ok(())
        } else {
            Err(DenyReason::RoleNotAllowed)
        }
    }

    fn conceals_existence(&self) -> bool {
        true
    }
}

/// An organization's intake queue: the referrals sent to its services.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntakeQueue {
    pub org: OrgId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueAction {
    List,
}

impl Action for QueueAction {
    fn key(self) -> &'static str {
        "referral.queue"
    }

    fn denial_audited(self) -> bool {
        true
    }
}

impl Resource for IntakeQueue {
    type Action = QueueAction;
    const KIND: &'static str = "referral";

    fn audit_id(&self) -> Option<String> {
        Some(self.org.to_string())
    }

    fn rule(&self, who: &Principal, _: QueueAction) -> Result<(), DenyReason> {
        let actor = who.user()?;
        if !CASE_ROLES.contains(&actor.role) || actor.role == Role::PoliceLiaison {
            Err(DenyReason::RoleNotAllowed)
        } else if actor.org_id != Some(self.org) {
            Err(DenyReason::OtherOrganization)
        } else {
            Ok(())
        }
    }
}

/// Taking a person in: an intake opens a case for the party the user acts for, under the
/// coalition's entry model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntakeOpening {
    pub model: EntryModel,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntakeAction {
    Take,
}

impl Action for IntakeAction {
    fn key(self) -> &'static str {
        "intake.take"
    }

    fn denial_audited(self) -> bool {
        true
    }
}

impl Resource for IntakeOpening {
    type Action = IntakeAction;
    const KIND: &'static str = "case";

    fn audit_id(&self) -> Option<String> {
        None
    }

    /// A single point of entry: the coalition's coordinators take every intake. Several:
    /// any member organization's caseworkers too.
    fn rule(&self, who: &Principal, _: IntakeAction) -> Result<(), DenyReason> {
        let actor = who.user()?;
        match (self.model, actor.role) {
            (_, Role::Coordinator) => Ok(()),
            (EntryModel::Several, Role::Caseworker) => Ok(()),
            _ => Err(DenyReason::RoleNotAllowed),
        }
    }
}

/// The coalition's entry model: read by anyone signed in, set by its administrators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntrySetting;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntrySettingAction {
    Set,
}

impl Action for EntrySettingAction {
    fn key(self) -> &'static str {
        "setting.entry_model"
    }

    fn denial_audited(self) -> bool {
        false
    }

    fn needs_step_up(self) -> bool {
        true
    }
}

impl Resource for EntrySetting {
    type Action = EntrySettingAction;
    const KIND: &'static str = "setting";

    fn audit_id(&self) -> Option<String> {
        Some("entry_model".into())
    }

    fn rule(&self, who: &Principal, _: EntrySettingAction) -> Result<(), DenyReason> {
        if who.user()?.role == Role::CoalitionAdmin {
            Ok(())
        } else {
            Err(DenyReason::RoleNotAllowed)
        }
    }
}

/// One user's inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inbox {
    pub owner: crate::UserId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboxAction {
    /// Read one's notices, mark them read.
    Use,
}

impl Action for InboxAction {
    fn key(self) -> &'static str {
        "inbox.use"
    }

    fn denial_audited(self) -> bool {
        false
    }
}

impl Resource for Inbox {
    type Action = InboxAction;
    const KIND: &'static str = "inbox";

    fn audit_id(&self) -> Option<String> {
        Some(self.owner.to_string())
    }

    /// One's own, and only one's own.
    fn rule(&self, who: &Principal, _: InboxAction) -> Result<(), DenyReason> {
        if who.user()?.user_id == self.owner {
            Ok(())
        } else {
            Err(DenyReason::NotOwner)
        }
    }
}

/// The notices waiting to be told by e-mail: the addresses of their owners.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outbox;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxAction {
    /// Take the notices not yet mailed, to tell their owners that something waits.
    Deliver,
}

impl Action for OutboxAction {
    fn key(self) -> &'static str {
        "outbox.deliver"
    }

    fn denial_audited(self) -> bool {
        true
    }
}

impl Resource for Outbox {
    type Action = OutboxAction;
    const KIND: &'static str = "outbox";

    fn audit_id(&self) -> Option<String> {
        None
    }

    /// The server itself (its mail task runs as the operator); no user, whatever the role:
    /// the outbox lists who has something waiting.
    fn rule(&self, who: &Principal, _: OutboxAction) -> Result<(), DenyReason> {
        match who {
            Principal::Operator => Ok(()),
            Principal::Anonymous => Err(DenyReason::NotSignedIn),
            Principal::User(_) => Err(DenyReason::RoleNotAllowed),
        }
    }
}

/// The coordination desk and its on-call roster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Desk;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeskAction {
    /// What waits for the coordinators, and who is on call.
    View,
    /// Put someone on call, hand over.
    ManageRoster,
}

impl Action for DeskAction {
    fn key(self) -> &'static str {
        match self {
            DeskAction::View => "desk.read",
            DeskAction::ManageRoster => "desk.roster",
        }
    }

    fn denial_audited(self) -> bool {
        true
    }
}

impl Resource for Desk {
    type Action = DeskAction;
    const KIND: &'static str = "desk";

    fn audit_id(&self) -> Option<String> {
        None
    }

    /// The coalition's coordinators work the desk; its administrators keep the roster and
    /// see the desk's counts (they are on no case's team, so it names no case to them).
    fn rule(&self, who: &Principal, _: DeskAction) -> Result<(), DenyReason> {
        match who.user()?.role {
            Role::Coordinator | Role::CoalitionAdmin => Ok(()),
            _ => Err(DenyReason::RoleNotAllowed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{CaseAccess, CaseStatus, Party, PartyFacts, SharingRules, TeamMember};
    use crate::policy::can;
    use crate::policy::testing::user;
    use crate::{Actor, CaseId, Timestamp, UserId};

    fn on(org: OrgId, user_id: UserId, role: Role) -> Principal {
        Principal::User(Actor {
            user_id,
            org_id: Some(org),
            role,
            recently_verified: true,
        })
    }

    #[test]
    fn each_side_does_its_own_moves() {
        let (lead, to, elsewhere) = (OrgId::new(), OrgId::new(), OrgId::new());
        let (worker, observer) = (UserId::new(), UserId::new());
        let member = |user, role| TeamMember {
            user,
            party: Party::Organization(lead),
            role,
        };
        let referral = Referral {
            id: ReferralId::new(),
            status: ReferralStatus::Sent,
            to,
            case: Case {
                id: CaseId::new(),
                status: CaseStatus::Open,
                access: CaseAccess {
                    lead: PartyFacts {
                        party: Party::Organization(lead),
                        sector: None,
                    },
                    team: vec![
                        member(worker, CaseRole::LeadWorker),
                        member(observer, CaseRole::Observer),
                    ],
                    consents: Vec::new(),
                    agreements: Vec::new(),
                    legal_bases: Vec::new(),
                    emergency: Vec::new(),
                    rules: SharingRules::default(),
                    referred: vec![Party::Organization(to)],
                },
                viewer_sector: None,
                now: Timestamp(1),
            },
        };
        let sender = on(lead, worker, Role::Caseworker);
        let watcher = on(lead, observer, Role::Caseworker);
        let intake = on(to, UserId::new(), Role::Caseworker);
        let intake_admin = on(to, UserId::new(), Role::OrgAdmin);
        let police = on(to, UserId::new(), Role::PoliceLiaison);
        let stranger = on(elsewhere, UserId::new(), Role::Caseworker);
        let coordinator = user(Role::Coordinator, None);
        use ReferralAction::{Move, View};
        let table: Vec<(&Principal, ReferralAction, bool)> = vec![
            (&sender, View, true),
            (&sender, Move(Side::Sender), true),
            (&sender, Move(Side::Receiver), false),
            (&sender, Move(Side::Clock), false),
            (&watcher, View, true),
            (&watcher, Move(Side::Sender), false),
            (&intake, View, true),
            (&intake, Move(Side::Receiver), true),
            (&intake, Move(Side::Sender), false),
            (&intake_admin, View, false),
            (&police, View, false),
            (&stranger, View, false),
            (&coordinator, View, false),
            (&Principal::Anonymous, View, false),
            (&Principal::Operator, View, false),
            (&Principal::Operator, Move(Side::Clock), true),
            (&Principal::Operator, Move(Side::Receiver), false),
        ];
        for (who, action, allowed) in table {
            let decision = can(who, action, referral.clone());
            assert_eq!(decision.is_ok(), allowed, "{who:?} {action:?}");
            if let (Err(denial), Some(_)) = (decision, who.actor()) {
                assert!(denial.audit_event().is_some(), "{who:?} {action:?}");
            }
        }
    }

    #[test]
    fn who_takes_an_intake_follows_the_entry_model() {
        let take =
            |model, who: &Principal| can(who, IntakeAction::Take, IntakeOpening { model }).is_ok();
        let coordinator = user(Role::Coordinator, None);
        let caseworker = user(Role::Caseworker, Some(OrgId::new()));
        for model in EntryModel::ALL {
            assert!(take(*model, &coordinator), "{model}");
            for who in [
                user(Role::OrgAdmin, Some(OrgId::new())),
                user(Role::PoliceLiaison, Some(OrgId::new())),
                user(Role::Analyst, None),
                user(Role::CoalitionAdmin, None),
                Principal::Anonymous,
            ] {
                assert!(!take(*model, &who), "{model} {who:?}");
            }
        }
        assert!(take(EntryModel::Several, &caseworker));
        assert!(!take(EntryModel::Single, &caseworker));
        let admin = user(Role::CoalitionAdmin, None);
        assert!(can(&admin, EntrySettingAction::Set, EntrySetting).is_ok());
        assert!(can(&coordinator, EntrySettingAction::Set, EntrySetting).is_err());
    }

    #[test]
    fn an_inbox_is_its_owners() {
        let owner = user(Role::Caseworker, Some(OrgId::new()));
        let inbox = Inbox {
            owner: owner.actor().unwrap().user_id,
        };
        assert!(can(&owner, InboxAction::Use, inbox).is_ok());
        assert!(can(&user(Role::CoalitionAdmin, None), InboxAction::Use, inbox).is_err());
        assert!(can(&Principal::Anonymous, InboxAction::Use, inbox).is_err());
    }

    #[test]
    fn only_the_server_delivers_the_outbox() {
        assert!(can(&Principal::Operator, OutboxAction::Deliver, Outbox).is_ok());
        assert!(can(&Principal::Anonymous, OutboxAction::Deliver, Outbox).is_err());
        for role in Role::ALL {
            let who = user(role, Some(OrgId::new()));
            assert!(
                can(&who, OutboxAction::Deliver, Outbox).is_err(),
                "{role:?}"
            );
        }
    }

    #[test]
    fn the_desk_is_the_coordinators() {
        let coordinator = user(Role::Coordinator, None);
        let admin = user(Role::CoalitionAdmin, None);
        assert!(can(&coordinator, DeskAction::View, Desk).is_ok());
        assert!(can(&coordinator, DeskAction::ManageRoster, Desk).is_ok());
        assert!(can(&admin, DeskAction::ManageRoster, Desk).is_ok());
        assert!(can(&admin, DeskAction::View, Desk).is_ok());
        for role in [
            Role::Caseworker,
            Role::OrgAdmin,
            Role::PoliceLiaison,
            Role::Analyst,
        ] {
            let who = user(role, Some(OrgId::new()));
            assert!(can(&who, DeskAction::View, Desk).is_err(), "{role:?}");
            assert!(
                can(&who, DeskAction::ManageRoster, Desk).is_err(),
                "{role:?}"
            );
        }
    }

    #[test]
    fn an_intake_queue_is_its_organizations_caseworkers() {
        let org = OrgId::new();
        let queue = IntakeQueue { org };
        assert!(can(&user(Role::Caseworker, Some(org)), QueueAction::List, queue).is_ok());
        for who in [
            user(Role::Caseworker, Some(OrgId::new())),
            user(Role::OrgAdmin, Some(org)),
            user(Role::PoliceLiaison, Some(org)),
            user(Role::Coordinator, None),
            Principal::Anonymous,
        ] {
            assert!(can(&who, QueueAction::List, queue).is_err(), "{who:?}");
        }
    }
}
