//! Shared cases: who opens one, who sees which part of it, who works on it. What a viewer sees
//! is decided by the consent rule (`case::CaseAccess::disclosed`); a permit to view a case
//! carries the categories it opens, and the store reads nothing else.

use super::{Action, DenyReason, Permit, Principal, Resource};
use crate::case::{CaseAccess, CaseRole, CaseStatus, CategorySet, DataCategory, Disclosure};
use crate::case::{Party, PartyFacts, Relation, Viewer};
use crate::{Actor, CaseId, Role, Sector, Timestamp, UserId};

/// Roles that hold and work on cases. Police liaisons join a team as observers at most, and
/// see only what a consent to police disclosure or a legal basis opens.
pub const CASE_ROLES: [Role; 3] = [Role::Coordinator, Role::Caseworker, Role::PoliceLiaison];

/// Roles that open cases and hold them for their party.
const LEADING_ROLES: [Role; 2] = [Role::Coordinator, Role::Caseworker];

/// The case a user would open, for the party they act for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseOpening {
    pub lead: Party,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpeningAction {
    Open,
}

impl Action for OpeningAction {
    fn key(self) -> &'static str {
        "case.open"
    }

    fn denial_audited(self) -> bool {
        true
    }
}

impl Resource for CaseOpening {
    type Action = OpeningAction;
    const KIND: &'static str = "case";

    fn audit_id(&self) -> Option<String> {
        None
    }

    fn rule(&self, who: &Principal, _: OpeningAction) -> Result<(), DenyReason> {
        let actor = who.user()?;
        if !LEADING_ROLES.contains(&actor.role) {
            Err(DenyReason::RoleNotAllowed)
        } else if Party::of(actor.org_id) != self.lead {
            Err(DenyReason::OtherOrganization)
        } else {
            Ok(())
        }
    }
}

/// The cases one user may see: their list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CasesOf {
    pub user: UserId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseListAction {
    List,
}

impl Action for CaseListAction {
    fn key(self) -> &'static str {
        "case.list"
    }

    fn denial_audited(self) -> bool {
        true
    }
}

impl Resource for CasesOf {
    type Action = CaseListAction;
    const KIND: &'static str = "case";

    fn audit_id(&self) -> Option<String> {
        None
    }

    fn rule(&self, who: &Principal, _: CaseListAction) -> Result<(), DenyReason> {
        let actor = who.user()?;
        if !CASE_ROLES.contains(&actor.role) {
            Err(DenyReason::RoleNotAllowed)
        } else if actor.user_id != self.user {
            Err(DenyReason::NotOwner)
        } else {
            Ok(())
        }
    }
}

/// One case, with every fact the decision needs: its status, its team, its consents and
/// agreements, its legal bases and open emergency access, the viewer's sector and the time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub id: CaseId,
    pub status: CaseStatus,
    pub access: CaseAccess,
    /// The sector of the organization the asking user acts for (sector consents name it).
    pub viewer_sector: Option<Sector>,
    pub now: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseAction {
    /// Open it: the alias, number, status and team, and the categories the permit carries.
    View,
    /// Record or change data of one category: identity details, a note, a step of the plan,
    /// the accompaniment log, an immigration or legal step (each kind of step has its
    /// category), a screening attached…
    Write(DataCategory),
    /// Open one document of this category: the reader must be disclosed the category.
    ReadDocument(DataCategory),
    /// Add or remove team members, change their roles.
    ManageTeam,
    /// Refer the person to a service of another organization, for needs of the case (what
    /// the referral carries is what consent to that organization covers).
    Refer,
    /// Hand the case over: another organization becomes its lead.
    TransferLead,
    /// Put on hold, resume, close, reopen.
    ChangeStatus,
    RecordConsent,
    /// Anyone working on the case can record that the person withdrew a consent: a
    /// withdrawal is never held up.
    WithdrawConsent,
    /// Everything held about the person, for their access request.
    ExportForPerson,
    /// A court order, a warrant or an imminent danger that lets police see named categories
    /// without consent (privacy officers).
    RecordLegalBasis,
    /// Ask for emergency access to a case one has no part in.
    RequestEmergencyAccess,
    /// Destroy the case at the end of its retention: its key, then its rows.
    Purge,
}

impl Action for CaseAction {
    fn key(self) -> &'static str {
        match self {
            CaseAction::View => "case.read",
            CaseAction::Write(_) => "case.write",
            CaseAction::ReadDocument(_) => "case.document",
            CaseAction::ManageTeam => "case.team",
            CaseAction::Refer => "case.refer",
            CaseAction::TransferLead => "case.transfer",
            CaseAction::ChangeStatus => "case.status",
            CaseAction::RecordConsent => "consent.record",
            CaseAction::WithdrawConsent => "consent.withdraw",
            CaseAction::ExportForPerson => "case.export",
            CaseAction::RecordLegalBasis => "case.legal_basis",
            CaseAction::RequestEmergencyAccess => "case.emergency_request",
            CaseAction::Purge => "case.purge",
        }
    }

    fn denial_audited(self) -> bool {
        true
    }

    fn needs_step_up(self) -> bool {
        matches!(
            self,
            CaseAction::ExportForPerson | CaseAction::RecordLegalBasis | CaseAction::Purge
        )
    }
}

impl Case {
    fn viewer(&self, actor: &Actor) -> Viewer {
        Viewer {
            user: actor.user_id,
            role: actor.role,
            at: PartyFacts {
                party: Party::of(actor.org_id),
                sector: self.viewer_sector,
            },
        }
    }

    /// What `who` sees of this case: `None` when nothing relates them to it.
    pub fn disclosure(&self, who: &Principal) -> Option<Disclosure> {
        let actor = who.actor()?;
        if !CASE_ROLES.contains(&actor.role) {
            return None;
        }
        self.access.disclosed(&self.viewer(actor), self.now)
    }
}

impl Resource for Case {
    type Action = CaseAction;
    const KIND: &'static str = "case";

    fn audit_id(&self) -> Option<String> {
        Some(self.id.to_string())
    }

    fn rule(&self, who: &Principal, action: CaseAction) -> Result<(), DenyReason> {
        // A case is destroyed only once closed: by the retention job (the command line), or
        // by a privacy officer (a person's request to erase).
        let purge = |allowed: bool| match (allowed, self.status) {
            (false, _) => Err(DenyReason::RoleNotAllowed),
            (true, CaseStatus::Closed) => Ok(()),
            (true, _) => Err(DenyReason::StillOpen),
        };
        if *who == Principal::Operator {
            // The retention job; never a read.
            return match action {
                CaseAction::Purge => purge(true),
                _ => Err(DenyReason::RoleNotAllowed),
            };
        }
        let actor = who.user()?;
        match action {
            CaseAction::Purge => return purge(actor.role == Role::PrivacyOfficer),
            CaseAction::RecordLegalBasis => {
                return if actor.role == Role::PrivacyOfficer {
                    Ok(())
                } else {
                    Err(DenyReason::RoleNotAllowed)
                };
            }
            CaseAction::ExportForPerson if actor.role == Role::PrivacyOfficer => return Ok(()),
            _ => {}
        }
        let disclosure = self.disclosure(who);
        if action == CaseAction::RequestEmergencyAccess {
            let leads = matches!(disclosure, Some(d) if matches!(d.relation, Relation::Lead(_)));
            return if !LEADING_ROLES.contains(&actor.role) {
                Err(DenyReason::RoleNotAllowed)
            } else if leads {
                // Nothing to ask for: they already see it all.
                Err(DenyReason::NotOwner)
            } else {
                Ok(())
            };
        }
        let Some(Disclosure {
            relation,
            categories,
            ..
        }) = disclosure
        else {
            return Err(DenyReason::NotOwner);
        };
        let working = |role: CaseRole| role != CaseRole::Observer;
        // (allowed by the relation, needs a case that is not closed)
        let (allowed, needs_open) = match (action, relation) {
            (CaseAction::View, _) => (true, false),
            (CaseAction::ReadDocument(category), _) => (categories.contains(category), false),
            (CaseAction::Write(category), Relation::Lead(role) | Relation::Member(role)) => {
                (working(role) && categories.contains(category), true)
            }
            (CaseAction::ManageTeam, Relation::Lead(CaseRole::LeadWorker)) => (true, true),
            (CaseAction::TransferLead, Relation::Lead(CaseRole::LeadWorker)) => (true, true),
            (CaseAction::Refer, Relation::Lead(role) | Relation::Member(role)) => {
                (working(role) && actor.role != Role::PoliceLiaison, true)
            }
            (CaseAction::ChangeStatus, Relation::Lead(CaseRole::LeadWorker)) => (true, false),
            (CaseAction::RecordConsent, Relation::Lead(role)) => (working(role), true),
            (CaseAction::WithdrawConsent, Relation::Lead(role) | Relation::Member(role)) => {
                (working(role), false)
            }
            (CaseAction::ExportForPerson, Relation::Lead(CaseRole::LeadWorker)) => (true, false),
            _ => (false, false),
        };
        if !allowed {
            Err(DenyReason::RoleNotAllowed)
        } else if needs_open && !self.status.accepts_work() {
            Err(DenyReason::Closed)
        } else {
            Ok(())
        }
    }

    fn conceals_existence(&self) -> bool {
        true
    }
}

impl Permit<Case> {
    /// How the permit's holder stands towards the case (`None` for the command line and
    /// privacy officers, who act on a case they have no part in).
    pub fn relation(&self) -> Option<Relation> {
        self.resource().disclosure(self.who()).map(|d| d.relation)
    }

    /// Of the categories a view opens, those no consent covers: reading them is a
    /// disclosure without consent, for the register.
    pub fn without_consent(&self) -> CategorySet {
        let disclosed = || self.resource().disclosure(self.who());
        match self.action() {
            CaseAction::View => disclosed().map_or(CategorySet::EMPTY, |d| d.without_consent),
            CaseAction::ReadDocument(category) => disclosed().map_or(CategorySet::EMPTY, |d| {
                d.without_consent
                    .intersection([category].into_iter().collect())
            }),
            _ => CategorySet::EMPTY,
        }
    }

    /// The categories this permit opens: what the store may read and show. Emptied for every
    /// action but viewing, exporting and opening a document (its category), which are the
    /// reads.
    pub fn categories(&self) -> CategorySet {
        match self.action() {
            CaseAction::View => self
                .resource()
                .disclosure(self.who())
                .map_or(CategorySet::EMPTY, |d| d.categories),
            CaseAction::ExportForPerson => CategorySet::all(),
            CaseAction::ReadDocument(category) => [category].into_iter().collect(),
            _ => CategorySet::EMPTY,
        }
    }
}

/// An emergency access request, as a privacy officer decides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmergencyRequest {
    pub case: CaseId,
    pub requested_by: UserId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmergencyAction {
    /// Approve or refuse it.
    Decide,
}

impl Action for EmergencyAction {
    fn key(self) -> &'static str {
        "case.emergency_decide"
    }

    fn denial_audited(self) -> bool {
        true
    }

    fn needs_step_up(self) -> bool {
        true
    }
}

impl Resource for EmergencyRequest {
    type Action = EmergencyAction;
    const KIND: &'static str = "case";

    fn audit_id(&self) -> Option<String> {
        Some(self.case.to_string())
    }

    /// Two people: a privacy officer who is not the one asking.
    fn rule(&self, who: &Principal, _: EmergencyAction) -> Result<(), DenyReason> {
        let actor = who.user()?;
        if actor.role != Role::PrivacyOfficer {
            Err(DenyReason::RoleNotAllowed)
        } else if actor.user_id == self.requested_by {
            Err(DenyReason::OwnAccount)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OrgId;
    use crate::case::{Consent, Purpose, Recipient, SharingRules, TeamMember};
    use crate::policy::can;

    const NOW: Timestamp = Timestamp(1_000_000);

    struct Fixture {
        case: Case,
        lead_org: OrgId,
        other_org: OrgId,
        lead_worker: UserId,
        lead_member: UserId,
        lead_observer: UserId,
        other_member: UserId,
    }

    fn fixture(status: CaseStatus, consented: &[DataCategory]) -> Fixture {
        let (lead_org, other_org) = (OrgId::new(), OrgId::new());
        let users: Vec<UserId> = (0..4).map(|_| UserId::new()).collect();
        let member = |user, org, role| TeamMember {
            user,
            party: Party::Organization(org),
            role,
        };
        let access = CaseAccess {
            lead: PartyFacts {
                party: Party::Organization(lead_org),
                sector: Some(Sector::Community),
            },
            team: vec![
                member(users[0], lead_org, CaseRole::LeadWorker),
                member(users[1], lead_org, CaseRole::TeamMember),
                member(users[2], lead_org, CaseRole::Observer),
                member(users[3], other_org, CaseRole::TeamMember),
            ],
            consents: vec![Consent {
                purpose: Purpose::Services,
                recipients: vec![Recipient::Party(Party::Organization(other_org))],
                categories: consented.iter().copied().collect(),
                given_at: Timestamp(0),
                expires_at: Timestamp(NOW.0 * 2),
                withdrawn_at: None,
            }],
            agreements: Vec::new(),
            legal_bases: Vec::new(),
            emergency: Vec::new(),
            rules: SharingRules::default(),
            referred: Vec::new(),
        };
        Fixture {
            case: Case {
                id: CaseId::new(),
                status,
                access,
                viewer_sector: Some(Sector::Community),
                now: NOW,
            },
            lead_org,
            other_org,
            lead_worker: users[0],
            lead_member: users[1],
            lead_observer: users[2],
            other_member: users[3],
        }
    }

    fn user(user_id: UserId, org: Option<OrgId>, role: Role) -> Principal {
        Principal::User(Actor {
            user_id,
            org_id: org,
            role,
            recently_verified: true,
        })
    }

    #[test]
    fn who_does_what_on_an_open_case() {
        use CaseAction as A;
        use DataCategory::{Identity, Immigration, Notes};
        let f = fixture(CaseStatus::Open, &[Notes]);
        let cw = |u, org| user(u, Some(org), Role::Caseworker);
        let lead = cw(f.lead_worker, f.lead_org);
        let member = cw(f.lead_member, f.lead_org);
        let observer = cw(f.lead_observer, f.lead_org);
        let other = cw(f.other_member, f.other_org);
        let stranger = cw(UserId::new(), f.lead_org);
        let privacy = user(UserId::new(), None, Role::PrivacyOfficer);
        let admin = user(UserId::new(), None, Role::CoalitionAdmin);
        // (who, action, allowed)
        let table: Vec<(&Principal, A, bool)> = vec![
            (&lead, A::View, true),
            (&lead, A::Write(Identity), true),
            (&lead, A::ManageTeam, true),
            (&lead, A::ChangeStatus, true),
            (&lead, A::RecordConsent, true),
            (&lead, A::ExportForPerson, true),
            (&lead, A::RequestEmergencyAccess, false),
            (&lead, A::Refer, true),
            (&lead, A::TransferLead, true),
            (&member, A::Refer, true),
            (&member, A::TransferLead, false),
            (&observer, A::Refer, false),
            (&other, A::Refer, true),
            (&other, A::TransferLead, false),
            (&stranger, A::Refer, false),
            (&member, A::Write(Identity), true),
            (&member, A::ManageTeam, false),
            (&member, A::ChangeStatus, false),
            (&member, A::RecordConsent, true),
            (&member, A::ExportForPerson, false),
            (&observer, A::View, true),
            (&observer, A::Write(Notes), false),
            (&observer, A::Write(Immigration), false),
            (&observer, A::WithdrawConsent, false),
            (&other, A::View, true),
            (&other, A::Write(Notes), true),
            (&other, A::Write(Identity), false),
            (&other, A::Write(Immigration), false),
            (&other, A::ReadDocument(Notes), true),
            (&other, A::ReadDocument(Identity), false),
            (&observer, A::ReadDocument(Identity), true),
            (&stranger, A::ReadDocument(Notes), false),
            (&other, A::RecordConsent, false),
            (&other, A::WithdrawConsent, true),
            (&other, A::RequestEmergencyAccess, true),
            (&stranger, A::View, false),
            (&stranger, A::WithdrawConsent, false),
            (&stranger, A::RequestEmergencyAccess, true),
            (&privacy, A::View, false),
            (&privacy, A::RecordLegalBasis, true),
            (&privacy, A::ExportForPerson, true),
            // Open: not yet (closed first, then purged).
            (&privacy, A::Purge, false),
            (&admin, A::View, false),
            (&admin, A::Purge, false),
            (&admin, A::RequestEmergencyAccess, false),
            (&Principal::Operator, A::View, false),
            (&Principal::Operator, A::Purge, false),
            (&Principal::Anonymous, A::View, false),
        ];
        for (who, action, allowed) in table {
            let decision = can(who, action, f.case.clone());
            assert_eq!(decision.is_ok(), allowed, "{who:?} {action:?}");
            // A signed-in user's refusal never tells that the case exists — except "still
            // open" to a privacy officer, who named it — and is audited.
            if let (Err(denial), Some(_)) = (decision, who.actor()) {
                let named = denial.reason == DenyReason::StillOpen;
                assert!(denial.conceal != named, "{who:?} {action:?}");
                assert!(denial.audit_event().is_some(), "{who:?} {action:?}");
            }
        }
    }

    #[test]
    fn a_closed_case_is_read_and_withdrawn_from_but_not_worked_on() {
        use CaseAction as A;
        let f = fixture(CaseStatus::Closed, &[DataCategory::Notes]);
        let lead = user(f.lead_worker, Some(f.lead_org), Role::Caseworker);
        let other = user(f.other_member, Some(f.other_org), Role::Caseworker);
        for (who, action, allowed) in [
            (&lead, A::View, true),
            (&lead, A::ChangeStatus, true),
            (&lead, A::Write(DataCategory::Notes), false),
            (&lead, A::Write(DataCategory::Immigration), false),
            (&lead, A::ManageTeam, false),
            (&lead, A::RecordConsent, false),
            (&lead, A::Refer, false),
            (&lead, A::TransferLead, false),
            (&other, A::WithdrawConsent, true),
            (&other, A::Write(DataCategory::Notes), false),
        ] {
            match can(who, action, f.case.clone()) {
                Ok(_) => assert!(allowed, "{action:?}"),
                // Said plainly to someone who sees the case: it is closed.
                Err(denial) => {
                    assert!(!allowed, "{action:?}");
                    assert_eq!(denial.reason, DenyReason::Closed, "{action:?}");
                    assert!(!denial.conceal);
                }
            }
        }
        // Closed, it may be purged: by the retention job or a privacy officer only.
        let privacy = user(UserId::new(), None, Role::PrivacyOfficer);
        assert!(can(&privacy, A::Purge, f.case.clone()).is_ok());
        assert!(can(&Principal::Operator, A::Purge, f.case.clone()).is_ok());
        assert!(can(&lead, A::Purge, f.case.clone()).is_err());
        // Someone who may not do it anyway is not told the case is closed.
        let observer = user(f.lead_observer, Some(f.lead_org), Role::Caseworker);
        let refused = can(&observer, A::Write(DataCategory::Notes), f.case.clone()).unwrap_err();
        assert_eq!(refused.reason, DenyReason::RoleNotAllowed);
    }

    #[test]
    fn a_permit_carries_what_consent_opens_and_nothing_for_writes() {
        use DataCategory::{Contact, Notes};
        let f = fixture(CaseStatus::Open, &[Notes, Contact]);
        let other = user(f.other_member, Some(f.other_org), Role::Caseworker);
        let view = can(&other, CaseAction::View, f.case.clone()).expect("member");
        assert_eq!(view.categories(), [Notes, Contact].into_iter().collect());
        let write = can(&other, CaseAction::Write(Notes), f.case.clone()).expect("covered");
        assert_eq!(write.categories(), CategorySet::EMPTY);
        let lead = user(f.lead_worker, Some(f.lead_org), Role::Caseworker);
        let view = can(&lead, CaseAction::View, f.case).expect("lead");
        assert_eq!(view.categories(), CategorySet::all());
    }

    #[test]
    fn sensitive_case_actions_need_a_fresh_second_factor() {
        let f = fixture(CaseStatus::Open, &[]);
        let stale = Principal::User(Actor {
            user_id: f.lead_worker,
            org_id: Some(f.lead_org),
            role: Role::Caseworker,
            recently_verified: false,
        });
        assert!(can(&stale, CaseAction::View, f.case.clone()).is_ok());
        let refused = can(&stale, CaseAction::ExportForPerson, f.case).unwrap_err();
        assert_eq!(refused.reason, DenyReason::StepUpRequired);
    }

    #[test]
    fn opening_a_case_for_ones_own_party_only() {
        let org = OrgId::new();
        let cw = user(UserId::new(), Some(org), Role::Caseworker);
        let coordinator = user(UserId::new(), None, Role::Coordinator);
        let police = user(UserId::new(), Some(org), Role::PoliceLiaison);
        let open =
            |who: &Principal, lead| can(who, OpeningAction::Open, CaseOpening { lead }).is_ok();
        assert!(open(&cw, Party::Organization(org)));
        assert!(!open(&cw, Party::Organization(OrgId::new())));
        assert!(!open(&cw, Party::Coalition));
        assert!(open(&coordinator, Party::Coalition));
        assert!(!open(&police, Party::Organization(org)));
    }

    #[test]
    fn emergency_access_is_decided_by_a_second_person() {
        let officer = UserId::new();
        let request = EmergencyRequest {
            case: CaseId::new(),
            requested_by: officer,
        };
        let decide = |who: &Principal| can(who, EmergencyAction::Decide, request).is_ok();
        assert!(decide(&user(UserId::new(), None, Role::PrivacyOfficer)));
        assert!(!decide(&user(officer, None, Role::PrivacyOfficer)));
        assert!(!decide(&user(UserId::new(), None, Role::CoalitionAdmin)));
    }
}

/// The privacy officer's desk: emergency requests waiting, accesses opened on an imminent
/// danger to review, legal bases, and the register of disclosures without consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrivacyDesk;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrivacyAction {
    View,
}

impl Action for PrivacyAction {
    fn key(self) -> &'static str {
        "privacy.desk"
    }

    fn denial_audited(self) -> bool {
        true
    }
}

impl Resource for PrivacyDesk {
    type Action = PrivacyAction;
    const KIND: &'static str = "privacy";

    fn audit_id(&self) -> Option<String> {
        None
    }

    fn rule(&self, who: &Principal, _: PrivacyAction) -> Result<(), DenyReason> {
        if who.user()?.role == Role::PrivacyOfficer {
            Ok(())
        } else {
            Err(DenyReason::RoleNotAllowed)
        }
    }
}

/// The coalition's collaboration agreements and its rule that data flows need one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Agreements;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgreementAction {
    /// Read them: anyone who works with cases or for an organization (no personal data).
    View,
    /// Record or end an agreement, and set the rule: the coalition's administrators.
    Manage,
}

impl Action for AgreementAction {
    fn key(self) -> &'static str {
        match self {
            AgreementAction::View => "agreement.view",
            AgreementAction::Manage => "agreement.manage",
        }
    }

    fn denial_audited(self) -> bool {
        false
    }
}

impl Resource for Agreements {
    type Action = AgreementAction;
    const KIND: &'static str = "agreement";

    fn audit_id(&self) -> Option<String> {
        None
    }

    fn rule(&self, who: &Principal, action: AgreementAction) -> Result<(), DenyReason> {
        let role = who.user()?.role;
        let allowed = match action {
            AgreementAction::View => role != Role::Analyst,
            AgreementAction::Manage => role == Role::CoalitionAdmin,
        };
        if allowed {
            Ok(())
        } else {
            Err(DenyReason::RoleNotAllowed)
        }
    }
}

/// The coalition's wording of the case vocabularies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vocabularies;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VocabularyAction {
    /// Read the wording: anyone signed in.
    View,
    /// Word a value the coalition's way, or retire it: the coalition's administrators.
    Manage,
}

impl Action for VocabularyAction {
    fn key(self) -> &'static str {
        match self {
            VocabularyAction::View => "vocabulary.view",
            VocabularyAction::Manage => "vocabulary.manage",
        }
    }

    fn denial_audited(self) -> bool {
        false
    }
}

impl Resource for Vocabularies {
    type Action = VocabularyAction;
    const KIND: &'static str = "vocabulary";

    fn audit_id(&self) -> Option<String> {
        None
    }

    fn rule(&self, who: &Principal, action: VocabularyAction) -> Result<(), DenyReason> {
        let role = who.user()?.role;
        match action {
            VocabularyAction::View => Ok(()),
            VocabularyAction::Manage if role == Role::CoalitionAdmin => Ok(()),
            VocabularyAction::Manage => Err(DenyReason::RoleNotAllowed),
        }
    }
}

#[cfg(test)]
mod agreement_tests {
    use super::*;
    use crate::policy::can;
    use crate::policy::testing::user as actor;

    #[test]
    fn only_coalition_admins_word_the_vocabularies() {
        for role in Role::ALL {
            assert_eq!(
                can(&actor(role, None), VocabularyAction::Manage, Vocabularies).is_ok(),
                role == Role::CoalitionAdmin,
                "{role}"
            );
        }
        assert!(
            can(
                &Principal::Anonymous,
                VocabularyAction::Manage,
                Vocabularies
            )
            .is_err()
        );
    }

    #[test]
    fn who_reads_and_who_manages_agreements() {
        for role in Role::ALL {
            let who = actor(role, None);
            assert_eq!(
                can(&who, AgreementAction::View, Agreements).is_ok(),
                role != Role::Analyst,
                "{role}"
            );
            assert_eq!(
                can(&who, AgreementAction::Manage, Agreements).is_ok(),
                role == Role::CoalitionAdmin,
                "{role}"
            );
        }
        assert!(can(&Principal::Anonymous, AgreementAction::View, Agreements).is_err());
    }
}
