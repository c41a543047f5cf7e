//! Who may be put on a case's team, and in which role.

use super::{CaseRole, Party, TeamMember};
use crate::policy::case::CASE_ROLES;
use crate::{Role, UserId};

/// Why someone cannot join (or leave) a team as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TeamProblem {
    #[error("no active account with this address")]
    UnknownAccount,
    #[error("this account's role does not work on cases")]
    NotCaseWork,
    #[error("a police liaison joins a team as an observer only")]
    PoliceObserveOnly,
    #[error("the lead worker belongs to the lead organization")]
    LeadWorkerOutsideLead,
    #[error("a case keeps at least one lead worker")]
    LastLeadWorker,
    #[error("the case is already led by this account's organization")]
    SameLead,
}

impl TeamProblem {
    /// The Fluent message id.
    pub fn message_id(self) -> &'static str {
        match self {
            TeamProblem::UnknownAccount => "team-problem-unknown-account",
            TeamProblem::NotCaseWork => "team-problem-not-case-work",
            TeamProblem::PoliceObserveOnly => "team-problem-police-observe-only",
            TeamProblem::LeadWorkerOutsideLead => "team-problem-lead-worker-outside-lead",
            TeamProblem::LastLeadWorker => "team-problem-last-lead-worker",
            TeamProblem::SameLead => "team-problem-same-lead",
        }
    }
}

fn last_lead_worker(team: &[TeamMember], user: UserId) -> bool {
    let leads: Vec<_> = team
        .iter()
        .filter(|m| m.role == CaseRole::LeadWorker)
        .collect();
    leads.len() == 1 && leads[0].user == user
}

/// Whether an account (its role and the party it acts for) may join `team` as `role`, on a
/// case led by `lead` — or change to `role` when it is on the team already.
pub fn check_joining(
    team: &[TeamMember],
    lead: Party,
    user: UserId,
    account: (Role, Party),
    role: CaseRole,
) -> Result<(), TeamProblem> {
    let (account_role, party) = account;
    if !CASE_ROLES.contains(&account_role) {
        Err(TeamProblem::NotCaseWork)
    } else if account_role == Role::PoliceLiaison && role != CaseRole::Observer {
        Err(TeamProblem::PoliceObserveOnly)
    } else if role == CaseRole::LeadWorker && party != lead {
        Err(TeamProblem::LeadWorkerOutsideLead)
    } else if role != CaseRole::LeadWorker && last_lead_worker(team, user) {
        Err(TeamProblem::LastLeadWorker)
    } else {
        Ok(())
    }
}

/// Whether an account (its role and party) may take over a case led by `lead`: someone who
/// holds cases (a coordinator or a caseworker) of another party.
pub fn check_taking_over(lead: Party, account: (Role, Party)) -> Result<(), TeamProblem> {
    let (role, party) = account;
    if role == Role::PoliceLiaison {
        Err(TeamProblem::PoliceObserveOnly)
    } else if !matches!(role, Role::Coordinator | Role::Caseworker) {
        Err(TeamProblem::NotCaseWork)
    } else if party == lead {
        Err(TeamProblem::SameLead)
    } else {
        Ok(())
    }
}

/// Whether `user` may be taken off `team`.
pub fn check_leaving(team: &[TeamMember], user: UserId) -> Result<(), TeamProblem> {
    if last_lead_worker(team, user) {
        Err(TeamProblem::LastLeadWorker)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OrgId;

    #[test]
    fn who_takes_a_case_over() {
        let lead = Party::Organization(OrgId::new());
        let other = Party::Organization(OrgId::new());
        assert_eq!(check_taking_over(lead, (Role::Caseworker, other)), Ok(()));
        assert_eq!(
            check_taking_over(lead, (Role::Coordinator, Party::Coalition)),
            Ok(())
        );
        assert_eq!(
            check_taking_over(lead, (Role::Caseworker, lead)),
            Err(TeamProblem::SameLead)
        );
        assert_eq!(
            check_taking_over(lead, (Role::PoliceLiaison, other)),
            Err(TeamProblem::PoliceObserveOnly)
        );
        assert_eq!(
            check_taking_over(lead, (Role::OrgAdmin, other)),
            Err(TeamProblem::NotCaseWork)
        );
    }

    #[test]
    fn who_joins_as_what() {
        let (lead, other) = (
            Party::Organization(OrgId::new()),
            Party::Organization(OrgId::new()),
        );
        let boss = UserId::new();
        let team = [TeamMember {
            user: boss,
            party: lead,
            role: CaseRole::LeadWorker,
        }];
        let join = |account, role| check_joining(&team, lead, UserId::new(), account, role);
        assert_eq!(
            join((Role::Caseworker, other), CaseRole::TeamMember),
            Ok(())
        );
        assert_eq!(
            join((Role::Coordinator, Party::Coalition), CaseRole::Observer),
            Ok(())
        );
        assert_eq!(
            join((Role::Analyst, other), CaseRole::Observer),
            Err(TeamProblem::NotCaseWork)
        );
        assert_eq!(
            join((Role::CoalitionAdmin, Party::Coalition), CaseRole::Observer),
            Err(TeamProblem::NotCaseWork)
        );
        assert_eq!(
            join((Role::PoliceLiaison, other), CaseRole::TeamMember),
            Err(TeamProblem::PoliceObserveOnly)
        );
        assert_eq!(
            join((Role::PoliceLiaison, other), CaseRole::Observer),
            Ok(())
        );
        assert_eq!(
            join((Role::Caseworker, other), CaseRole::LeadWorker),
            Err(TeamProblem::LeadWorkerOutsideLead)
        );
        assert_eq!(join((Role::Caseworker, lead), CaseRole::LeadWorker), Ok(()));
        // The one lead worker cannot step down or leave; with a second one, they can.
        assert_eq!(
            check_joining(
                &team,
                lead,
                boss,
                (Role::Caseworker, lead),
                CaseRole::TeamMember
            ),
            Err(TeamProblem::LastLeadWorker)
        );
        assert_eq!(check_leaving(&team, boss), Err(TeamProblem::LastLeadWorker));
        let mut two = team.to_vec();
        two.push(TeamMember {
            user: UserId::new(),
            party: lead,
            role: CaseRole::LeadWorker,
        });
        assert_eq!(check_leaving(&two, boss), Ok(()));
    }
}
