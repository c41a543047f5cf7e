//! Reminders: what the coalition must not let slip in the coming days — a meeting, a report
//! due to a funder, an action item's due day — and what already slipped (a report or an
//! action past due). A pure function of the workspace's facts and today.

use jiff::civil::Date;

use super::action::Action;
use super::funding::Grant;
use crate::{ActionId, GrantId, MeetingId};

/// How far ahead reminders look.
pub const HORIZON_DAYS: i64 = 14;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reminder {
    Meeting {
        id: MeetingId,
        title: String,
        on: Date,
    },
    Report {
        grant: GrantId,
        funder: String,
        label: String,
        due_on: Date,
    },
    Action {
        id: ActionId,
        title: String,
        due_on: Date,
    },
}

impl Reminder {
    pub fn day(&self) -> Date {
        match self {
            Reminder::Meeting { on, .. } => *on,
            Reminder::Report { due_on, .. } | Reminder::Action { due_on, .. } => *due_on,
        }
    }

    /// Days from `today` (negative: past due).
    pub fn days(&self, today: Date) -> i64 {
        i64::from((self.day() - today).get_days())
    }
}

/// The reminders of `today`, the most overdue first: meetings within the horizon; reports
/// not submitted and actions not done, due within the horizon or already past due.
/// `meetings` are (id, title, local day) of the coalition's coming meetings.
pub fn reminders(
    today: Date,
    meetings: &[(MeetingId, String, Date)],
    grants: &[Grant],
    actions: &[Action],
) -> Vec<Reminder> {
    let horizon = today
        .checked_add(jiff::Span::new().days(HORIZON_DAYS))
        .unwrap_or(today);
    let mut found: Vec<Reminder> = meetings
        .iter()
        .filter(|(_, _, on)| *on >= today && *on <= horizon)
        .map(|(id, title, on)| Reminder::Meeting {
            id: *id,
            title: title.clone(),
            on: *on,
        })
        .collect();
    for grant in grants {
        for report in grant.reports.iter().filter(|r| r.submitted_on.is_none()) {
            if report.due_on <= horizon {
                found.push(Reminder::Report {
                    grant: grant.id,
                    funder: grant.funder.clone(),
                    label: report.label.clone(),
                    due_on: report.due_on,
                });
            }
        }
    }
    for action in actions.iter().filter(|a| a.status.is_open()) {
        if let Some(due_on) = action.due_on.filter(|d| *d <= horizon) {
            found.push(Reminder::Action {
                id: action.id,
                title: action.title.clone(),
                due_on,
            });
        }
    }
    found.sort_by_key(Reminder::day);
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coalition::funding::ReportDue;
    use crate::{OrgId, Timestamp};
    use jiff::civil::date;

    #[test]
    fn what_is_coming_and_what_slipped_in_day_order() {
        let today = date(2027, 3, 1);
        let grant = Grant {
            id: GrantId::new(),
            coalition: OrgId::new(),
            funder: "Fondation".into(),
            title: "Projet".into(),
            amount_cents: 100,
            starts_on: date(2026, 1, 1),
            ends_on: date(2027, 12, 31),
            reports: vec![
                ReportDue {
                    due_on: date(2027, 2, 15),
                    label: "En retard".into(),
                    submitted_on: None,
                },
                ReportDue {
                    due_on: date(2027, 2, 20),
                    label: "Remis".into(),
                    submitted_on: Some(date(2027, 2, 19)),
                },
                ReportDue {
                    due_on: date(2027, 3, 10),
                    label: "Bientôt".into(),
                    submitted_on: None,
                },
                ReportDue {
                    due_on: date(2027, 6, 30),
                    label: "Plus tard".into(),
                    submitted_on: None,
                },
            ],
            activities: vec![],
            version: 1,
        };
        let action = |title: &str, status, due_on| Action {
            id: ActionId::new(),
            coalition: grant.coalition,
            pillar: None,
            title: title.into(),
            description: String::new(),
            owner: None,
            partners: vec![],
            indicators: String::new(),
            status,
            due_on,
            public: false,
            meeting: None,
            progress: vec![],
            updated_at: Timestamp(0),
            version: 1,
        };
        use crate::coalition::action::ActionStatus as S;
        let actions = [
            action("Due", S::InProgress, Some(date(2027, 3, 5))),
            action("Done", S::Done, Some(date(2027, 3, 2))),
            action("Undated", S::Planned, None),
        ];
        let meetings = [
            (MeetingId::new(), "Rencontre".into(), date(2027, 3, 8)),
            (MeetingId::new(), "Loin".into(), date(2027, 4, 8)),
            (MeetingId::new(), "Passée".into(), date(2027, 2, 8)),
        ];
        let found = reminders(today, &meetings, &[grant], &actions);
        let days: Vec<i64> = found.iter().map(|r| r.days(today)).collect();
        assert_eq!(days, [-14, 4, 7, 9]);
        assert!(matches!(&found[0], Reminder::Report { label, .. } if label == "En retard"));
        assert!(matches!(&found[1], Reminder::Action { title, .. } if title == "Due"));
        assert!(matches!(&found[2], Reminder::Meeting { title, .. } if title == "Rencontre"));
    }
}
