//! Working groups (comités): a few member organizations who take one part of the work (the
//! training committee, communications) and meet on their own. Their meetings are the
//! coalition's meetings marked with the group, so they reach the same calendars.

use crate::text::has_control;
use crate::{Bilingual, OrgId, Timestamp, WorkingGroupId};

pub const NAME_MAX_CHARS: usize = 200;
pub const MANDATE_MAX_CHARS: usize = 10_000;
pub const MEMBERS_MAX: usize = 200;

/// A working group to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGroup {
    pub name: String,
    /// What the coalition asked of it.
    pub mandate: String,
    pub members: Vec<OrgId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: WorkingGroupId,
    pub coalition: OrgId,
    pub name: String,
    pub mandate: String,
    pub members: Vec<(OrgId, Bilingual<String>)>,
    pub created_at: Timestamp,
    pub version: i64,
}

impl Group {
    pub fn has_member(&self, org: OrgId) -> bool {
        self.members.iter().any(|(id, _)| *id == org)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GroupProblem {
    #[error("no name")]
    NoName,
    #[error("the name is too long")]
    NameTooLong,
    #[error("the mandate is too long")]
    TextTooLong,
    #[error("a control character (not text)")]
    ControlCharacter,
    #[error("an organization that is not a member of the coalition today")]
    NotAMember,
    #[error("one organization given twice")]
    MemberTwice,
    #[error("too many members")]
    TooManyMembers,
}

impl GroupProblem {
    pub fn message_id(self) -> &'static str {
        match self {
            Self::NoName => "group-problem-no-name",
            Self::NameTooLong => "group-problem-name-too-long",
            Self::TextTooLong => "group-problem-text-too-long",
            Self::ControlCharacter => "group-problem-control-character",
            Self::NotAMember => "group-problem-not-a-member",
            Self::MemberTwice => "group-problem-member-twice",
            Self::TooManyMembers => "group-problem-too-many-members",
        }
    }
}

/// Checks a group's members: today's members of the coalition (`current`), each once.
pub fn check_members(members: &[OrgId], current: &[OrgId]) -> Result<(), Vec<GroupProblem>> {
    let mut problems = Vec::new();
    if members.len() > MEMBERS_MAX {
        problems.push(GroupProblem::TooManyMembers);
    }
    let mut sorted = members.to_vec();
    sorted.sort();
    sorted.dedup();
    if sorted.len() != members.len() {
        problems.push(GroupProblem::MemberTwice);
    }
    if members.iter().any(|m| !current.contains(m)) {
        problems.push(GroupProblem::NotAMember);
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

impl NewGroup {
    pub fn check(&self, current: &[OrgId]) -> Result<(), Vec<GroupProblem>> {
        let mut problems = Vec::new();
        let name = self.name.trim();
        if name.is_empty() {
            problems.push(GroupProblem::NoName);
        } else if name.chars().count() > NAME_MAX_CHARS {
            problems.push(GroupProblem::NameTooLong);
        }
        if self.mandate.chars().count() > MANDATE_MAX_CHARS {
            problems.push(GroupProblem::TextTooLong);
        }
        if has_control(&self.name) || has_control(&self.mandate) {
            problems.push(GroupProblem::ControlCharacter);
        }
        if let Err(more) = check_members(&self.members, current) {
            problems.extend(more);
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_is_named_and_made_of_todays_members_once() {
        let (a, b, outsider) = (OrgId::new(), OrgId::new(), OrgId::new());
        let current = [a, b];
        let good = NewGroup {
            name: "Comité formation".into(),
            mandate: "Préparer les formations".into(),
            members: vec![a, b],
        };
        assert_eq!(good.check(&current), Ok(()));
        let bad = NewGroup {
            name: "  ".into(),
            mandate: "\u{0}".into(),
            members: vec![a, a, outsider],
        };
        assert_eq!(
            bad.check(&current),
            Err(vec![
                GroupProblem::NoName,
                GroupProblem::ControlCharacter,
                GroupProblem::MemberTwice,
                GroupProblem::NotAMember
            ])
        );
        assert_eq!(check_members(&[], &current), Ok(()));
    }
}
