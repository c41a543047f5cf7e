//! The coalition's health over time, year by year, from what it already records: how many
//! organizations are members and how many take part, who joined and who left, how many
//! meetings and how well attended, how many actions were done and how many are late.

use jiff::civil::Date;

use super::Membership;
use super::action::{Action, ActionStatus};
use super::meeting::{Meeting, Presence};
use super::training::TrainingYear;
use crate::OrgId;

/// One year of a coalition's life.
#[derive(Debug, Clone, PartialEq)]
pub struct YearHealth {
    pub year: i16,
    /// Organizations that were members on the year's last day (today, for this year).
    pub members: usize,
    /// Members present at one meeting of the year at least.
    pub active_members: usize,
    pub joined: usize,
    pub left: usize,
    pub meetings: usize,
    /// Present ÷ recorded (present, excused or absent), over the year's meetings; `None`
    /// when no attendance was recorded.
    pub attendance_rate: Option<f64>,
    /// Actions marked done during the year.
    pub actions_done: usize,
    /// Actions open on the year's last day (today, for this year) and past their due day.
    pub actions_late: usize,
    /// Training sessions given during the year.
    pub trainings: usize,
    /// People trained in them.
    pub people_trained: u64,
}

/// At most this many years are shown, the most recent last.
pub const YEARS_SHOWN: i16 = 10;

/// The year of an instant where the coalition works.
pub type DayOf<'a> = &'a dyn Fn(crate::Timestamp) -> Date;

/// The coalition's health for each year from its first membership or meeting (at most
/// [`YEARS_SHOWN`] years) to `today`'s.
pub fn health(
    memberships: &[Membership],
    meetings: &[Meeting],
    actions: &[Action],
    trainings: &[TrainingYear],
    today: Date,
    day_of: DayOf<'_>,
) -> Vec<YearHealth> {
    let first = memberships
        .iter()
        .map(|m| m.joined_on.year())
        .chain(meetings.iter().map(|m| day_of(m.starts_at).year()))
        .chain(trainings.iter().map(|t| t.year))
        .min()
        .unwrap_or(today.year())
        .max(today.year() - (YEARS_SHOWN - 1));
    (first..=today.year())
        .map(|year| {
            let end = jiff::civil::date(year, 12, 31).min(today);
            let in_year = |d: Date| d.year() == year;
            let members: Vec<OrgId> = memberships
                .iter()
                .filter(|m| m.covers(end))
                .map(|m| m.member)
                .collect();
            // The whole coalition's meetings: a working group's few members would lower the
            // attendance rate of a coalition whose other members were never expected.
            let year_meetings: Vec<&Meeting> = meetings
                .iter()
                .filter(|m| m.group.is_none())
                .filter(|m| in_year(day_of(m.starts_at)) && day_of(m.starts_at) <= today)
                .collect();
            let mut present = 0_usize;
            let mut recorded = 0_usize;
            let mut came: Vec<OrgId> = Vec::new();
            for m in &year_meetings {
                for (org, presence) in &m.attendance {
                    recorded += 1;
                    if *presence == Presence::Present {
                        present += 1;
                        came.push(*org);
                    }
                }
            }
            came.sort();
            came.dedup();
            let given = trainings.iter().find(|t| t.year == year);
            YearHealth {
                year,
                members: distinct(&members),
                active_members: came.iter().filter(|o| members.contains(o)).count(),
                joined: memberships.iter().filter(|m| in_year(m.joined_on)).count(),
                left: memberships
                    .iter()
                    .filter(|m| m.left_on.is_some_and(|l| in_year(l) && l <= today))
                    .count(),
                meetings: year_meetings.len(),
                attendance_rate: (recorded > 0).then(|| present as f64 / recorded as f64),
                actions_done: actions
                    .iter()
                    .filter(|a| {
                        a.progress
                            .iter()
                            .any(|p| p.status == ActionStatus::Done && in_year(day_of(p.at)))
                    })
                    .count(),
                actions_late: actions
                    .iter()
                    .filter(|a| status_on(a, end, day_of).is_open())
                    .filter(|a| a.due_on.is_some_and(|due| due < end))
                    .count(),
                trainings: given.map_or(0, |t| t.sessions),
                people_trained: given.map_or(0, |t| t.people),
            }
        })
        .collect()
}

fn distinct(orgs: &[OrgId]) -> usize {
    let mut orgs = orgs.to_vec();
    orgs.sort();
    orgs.dedup();
    orgs.len()
}

/// An action's status at the end of `day`, from its history (planned before its first entry).
fn status_on(action: &Action, day: Date, day_of: DayOf<'_>) -> ActionStatus {
    action
        .progress
        .iter()
        .rfind(|p| day_of(p.at) <= day)
        .map_or(ActionStatus::Planned, |p| p.status)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coalition::MemberRole;
    use crate::coalition::action::Progress;
    use crate::coalition::meeting::MinutesStatus;
    use crate::{ActionId, Bilingual, MeetingId, MembershipId, Timestamp};

    fn day(text: &str) -> Date {
        text.parse().expect("a date")
    }

    /// Instants are days since the epoch at noon UTC, read back in UTC.
    fn at(text: &str) -> Timestamp {
        let d = day(text);
        let ts = d
            .to_zoned(jiff::tz::TimeZone::UTC)
            .expect("a day")
            .timestamp();
        Timestamp(ts.as_millisecond() + 12 * 3_600_000)
    }

    fn utc_day(t: Timestamp) -> Date {
        jiff::Timestamp::from_millisecond(t.0)
            .expect("an instant")
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date()
    }

    fn member(org: OrgId, joined: &str, left: Option<&str>) -> Membership {
        Membership {
            id: MembershipId::new(),
            coalition: OrgId::new(),
            member: org,
            member_name: Bilingual::default(),
            role: MemberRole::Member,
            joined_on: day(joined),
            left_on: left.map(day),
        }
    }

    fn meeting(on: &str, attendance: Vec<(OrgId, Presence)>) -> Meeting {
        Meeting {
            id: MeetingId::new(),
            coalition: OrgId::new(),
            title: "Rencontre".into(),
            starts_at: at(on),
            ends_at: Timestamp(at(on).0 + 3_600_000),
            time_zone: "UTC".into(),
            place: String::new(),
            online_url: String::new(),
            agenda: String::new(),
            group: None,
            minutes: String::new(),
            minutes_status: MinutesStatus::Draft,
            minutes_approved_by: None,
            attendance,
            sequence: 0,
            updated_at: Timestamp(0),
            version: 1,
        }
    }

    fn action(due: &str, moves: &[(&str, ActionStatus)]) -> Action {
        Action {
            id: ActionId::new(),
            coalition: OrgId::new(),
            pillar: None,
            title: "Action".into(),
            description: String::new(),
            owner: None,
            partners: Vec::new(),
            indicators: String::new(),
            status: moves.last().map_or(ActionStatus::Planned, |m| m.1),
            due_on: Some(day(due)),
            public: false,
            meeting: None,
            progress: moves
                .iter()
                .map(|(on, status)| Progress {
                    at: at(on),
                    by: None,
                    by_name: String::new(),
                    status: *status,
                    note: String::new(),
                })
                .collect(),
            updated_at: Timestamp(0),
            version: 1,
        }
    }

    #[test]
    fn a_coalitions_years_add_up() {
        let (a, b, c) = (OrgId::new(), OrgId::new(), OrgId::new());
        let memberships = vec![
            member(a, "2024-01-01", None),
            member(b, "2024-06-01", Some("2025-03-31")),
            member(c, "2025-02-01", None),
        ];
        let meetings = vec![
            meeting(
                "2024-09-10",
                vec![(a, Presence::Present), (b, Presence::Excused)],
            ),
            meeting(
                "2025-01-14",
                vec![(a, Presence::Present), (b, Presence::Present)],
            ),
            meeting(
                "2025-05-13",
                vec![(a, Presence::Absent), (c, Presence::Present)],
            ),
            // Scheduled, not held yet: not counted.
            meeting("2025-12-09", vec![]),
            // A working group's meeting: not the coalition's attendance.
            crate::coalition::meeting::Meeting {
                group: Some(crate::WorkingGroupId::new()),
                ..meeting("2025-06-10", vec![(a, Presence::Absent)])
            },
        ];
        let actions = vec![
            // Done in 2025.
            action(
                "2025-06-30",
                &[
                    ("2024-10-01", ActionStatus::Planned),
                    ("2025-04-02", ActionStatus::Done),
                ],
            ),
            // Due in 2025, still open: late in 2025, not in 2024.
            action("2025-03-31", &[("2024-10-01", ActionStatus::InProgress)]),
        ];
        let trainings = vec![
            TrainingYear {
                year: 2024,
                sessions: 1,
                people: 10,
            },
            TrainingYear {
                year: 2025,
                sessions: 2,
                people: 17,
            },
        ];
        let today = day("2025-11-15");
        let years = health(
            &memberships,
            &meetings,
            &actions,
            &trainings,
            today,
            &utc_day,
        );
        assert_eq!(years.len(), 2);
        let (y2024, y2025) = (&years[0], &years[1]);
        assert_eq!(
            (y2024.year, y2024.members, y2024.joined, y2024.left),
            (2024, 2, 2, 0)
        );
        assert_eq!((y2024.meetings, y2024.active_members), (1, 1));
        assert_eq!(y2024.attendance_rate, Some(0.5));
        assert_eq!((y2024.actions_done, y2024.actions_late), (0, 0));
        assert_eq!(
            (y2025.year, y2025.members, y2025.joined, y2025.left),
            (2025, 2, 1, 1)
        );
        // b took part in January, then left: active members are today's members who came.
        assert_eq!((y2025.meetings, y2025.active_members), (2, 2));
        assert_eq!(y2025.attendance_rate, Some(0.75));
        assert_eq!((y2025.actions_done, y2025.actions_late), (1, 1));
        assert_eq!((y2024.trainings, y2024.people_trained), (1, 10));
        assert_eq!((y2025.trainings, y2025.people_trained), (2, 17));
    }

    #[test]
    fn no_history_is_one_empty_year() {
        let years = health(&[], &[], &[], &[], day("2026-03-01"), &utc_day);
        assert_eq!(years.len(), 1);
        assert_eq!(years[0].attendance_rate, None);
        assert_eq!(years[0].members, 0);
    }
}
