//! The coalition's own workspace: which organizations are members of which coalition, over
//! which periods and in which role, and its meetings ([`meeting`]) with their calendar
//! feeds ([`ics`]).
//!
//! A coalition is an organization of the directory marked as one (`is_coalition`): the
//! provincial coalition, a municipal network. One deployment may hold several, and an
//! organization may belong to several.

pub mod action;
pub mod bulletin;
pub mod campaign;
pub mod funding;
pub mod glossary;
pub mod group;
pub mod health;
pub mod ics;
pub mod library;
pub mod mandates;
pub mod meeting;
pub mod practice;
pub mod reminders;
pub mod training;

use jiff::civil::Date;

use crate::{Bilingual, MembershipId, OrgId};

/// An organization's place in a coalition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MemberRole {
    Member,
    /// Follows the work without the duties (a ministry, a funder).
    Observer,
    /// On the steering committee (comité directeur).
    SteeringCommittee,
}

impl MemberRole {
    pub const ALL: [MemberRole; 3] = [Self::Member, Self::Observer, Self::SteeringCommittee];

    pub fn key(self) -> &'static str {
        match self {
            Self::Member => "member",
            Self::Observer => "observer",
            Self::SteeringCommittee => "steering_committee",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.key() == key)
    }
}

/// A membership to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMembership {
    pub member: OrgId,
    pub role: MemberRole,
    pub joined_on: Date,
    /// The last day, when it has ended.
    pub left_on: Option<Date>,
}

/// An organization's membership of a coalition over one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub id: MembershipId,
    pub coalition: OrgId,
    pub member: OrgId,
    pub member_name: Bilingual<String>,
    pub role: MemberRole,
    pub joined_on: Date,
    pub left_on: Option<Date>,
}

impl Membership {
    /// Whether it covers `day`.
    pub fn covers(&self, day: Date) -> bool {
        self.joined_on <= day && self.left_on.is_none_or(|left| day <= left)
    }
}

/// Why a membership cannot be recorded as given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MembershipProblem {
    #[error("it ends before it starts")]
    LeftBeforeJoined,
    #[error("it overlaps another period of the same organization in this coalition")]
    Overlapping,
    #[error("a coalition is not its own member")]
    OwnMember,
    #[error("not an organization of the directory")]
    UnknownMember,
    #[error("not a coalition")]
    NotACoalition,
}

impl MembershipProblem {
    pub fn message_id(self) -> &'static str {
        match self {
            Self::LeftBeforeJoined => "membership-problem-left-before-joined",
            Self::Overlapping => "membership-problem-overlapping",
            Self::OwnMember => "membership-problem-own-member",
            Self::UnknownMember => "membership-problem-unknown-member",
            Self::NotACoalition => "membership-problem-not-a-coalition",
        }
    }
}

impl NewMembership {
    /// Checks the membership against the coalition and the organization's other periods
    /// in it (`others`, every membership of the coalition).
    pub fn check(
        &self,
        coalition: OrgId,
        others: &[Membership],
    ) -> Result<(), Vec<MembershipProblem>> {
        let mut problems = Vec::new();
        if self.member == coalition {
            problems.push(MembershipProblem::OwnMember);
        }
        if self.left_on.is_some_and(|left| left < self.joined_on) {
            problems.push(MembershipProblem::LeftBeforeJoined);
        }
        let overlaps = others.iter().filter(|o| o.member == self.member).any(|o| {
            let starts_before_other_ends = o.left_on.is_none_or(|end| self.joined_on <= end);
            let ends_after_other_starts = self.left_on.is_none_or(|end| o.joined_on <= end);
            starts_before_other_ends && ends_after_other_starts
        });
        if overlaps {
            problems.push(MembershipProblem::Overlapping);
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

    fn day(text: &str) -> Date {
        text.parse().expect("a date")
    }

    fn held(member: OrgId, joined: &str, left: Option<&str>) -> Membership {
        Membership {
            id: MembershipId::new(),
            coalition: OrgId::new(),
            member,
            member_name: Bilingual::new("Membre".into(), "Member".into()),
            role: MemberRole::Member,
            joined_on: day(joined),
            left_on: left.map(day),
        }
    }

    #[test]
    fn periods_of_one_organization_never_overlap() {
        let coalition = OrgId::new();
        let member = OrgId::new();
        let others = vec![held(member, "2019-01-01", Some("2020-12-31"))];
        let new = |joined: &str, left: Option<&str>| NewMembership {
            member,
            role: MemberRole::Observer,
            joined_on: day(joined),
            left_on: left.map(day),
        };
        assert_eq!(new("2021-01-01", None).check(coalition, &others), Ok(()));
        assert_eq!(
            new("2020-12-31", None).check(coalition, &others),
            Err(vec![MembershipProblem::Overlapping])
        );
        assert_eq!(
            new("2018-01-01", Some("2019-01-01")).check(coalition, &others),
            Err(vec![MembershipProblem::Overlapping])
        );
        assert_eq!(
            new("2015-01-01", Some("2018-12-31")).check(coalition, &others),
            Ok(())
        );
        // Another organization's period is not this one's.
        let other = NewMembership {
            member: OrgId::new(),
            ..new("2019-06-01", None)
        };
        assert_eq!(other.check(coalition, &others), Ok(()));
    }

    #[test]
    fn a_period_ends_after_it_starts_and_a_coalition_is_not_its_own_member() {
        let coalition = OrgId::new();
        let new = NewMembership {
            member: coalition,
            role: MemberRole::Member,
            joined_on: day("2024-05-01"),
            left_on: Some(day("2024-04-30")),
        };
        assert_eq!(
            new.check(coalition, &[]),
            Err(vec![
                MembershipProblem::OwnMember,
                MembershipProblem::LeftBeforeJoined
            ])
        );
    }

    #[test]
    fn a_membership_covers_its_days_and_roles_read_back() {
        let m = held(OrgId::new(), "2024-01-01", Some("2024-06-30"));
        assert!(m.covers(day("2024-01-01")) && m.covers(day("2024-06-30")));
        assert!(!m.covers(day("2023-12-31")) && !m.covers(day("2024-07-01")));
        for role in MemberRole::ALL {
            assert_eq!(MemberRole::from_key(role.key()), Some(role));
        }
    }
}
