//! A coalition's meetings: when and where, the agenda, the minutes (a draft, then approved
//! and no longer edited) and who attended.

use jiff::civil::DateTime;
use jiff::tz::TimeZone;

use crate::text::has_control;
use crate::{MeetingId, OrgId, Timestamp, UserId, WorkingGroupId};

pub const TITLE_MAX_CHARS: usize = 200;
pub const PLACE_MAX_CHARS: usize = 500;
pub const TEXT_MAX_CHARS: usize = 50_000;
/// The longest meeting: a two-day retreat.
pub const MEETING_MAX_MS: i64 = 48 * 3_600_000;

/// A meeting as someone schedules it: local date and time in an IANA time zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMeeting {
    pub title: String,
    pub starts: DateTime,
    pub ends: DateTime,
    pub time_zone: String,
    pub place: String,
    /// The video call's address, if any.
    pub online_url: String,
    pub agenda: String,
    /// The working group it is a meeting of; `None` for the whole coalition.
    pub group: Option<WorkingGroupId>,
}

/// Why a meeting cannot be recorded as given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MeetingProblem {
    #[error("no title")]
    NoTitle,
    #[error("the title is too long")]
    TitleTooLong,
    #[error("the place is too long")]
    PlaceTooLong,
    #[error("the agenda or the minutes are too long")]
    TextTooLong,
    #[error("it ends before it starts")]
    EndsBeforeStart,
    #[error("a meeting lasts at most 48 hours")]
    TooLong,
    #[error("unknown time zone")]
    UnknownTimeZone,
    #[error("that local time does not exist in that time zone")]
    NoSuchLocalTime,
    #[error("the online address is not an http(s) address")]
    OnlineUrl,
    #[error("approved minutes are no longer edited")]
    MinutesApproved,
    #[error("no minutes to approve")]
    NoMinutes,
    #[error("not a member of this coalition on that day")]
    NotAMember,
    #[error("a control character (not text)")]
    ControlCharacter,
    #[error("a working group of another coalition, or none")]
    UnknownGroup,
}

impl MeetingProblem {
    pub fn message_id(self) -> &'static str {
        match self {
            Self::NoTitle => "meeting-problem-no-title",
            Self::TitleTooLong => "meeting-problem-title-too-long",
            Self::PlaceTooLong => "meeting-problem-place-too-long",
            Self::TextTooLong => "meeting-problem-text-too-long",
            Self::EndsBeforeStart => "meeting-problem-ends-before-start",
            Self::TooLong => "meeting-problem-too-long",
            Self::UnknownTimeZone => "meeting-problem-unknown-time-zone",
            Self::NoSuchLocalTime => "meeting-problem-no-such-local-time",
            Self::OnlineUrl => "meeting-problem-online-url",
            Self::MinutesApproved => "meeting-problem-minutes-approved",
            Self::NoMinutes => "meeting-problem-no-minutes",
            Self::NotAMember => "meeting-problem-not-a-member",
            Self::ControlCharacter => "meeting-problem-control-character",
            Self::UnknownGroup => "meeting-problem-unknown-group",
        }
    }
}

/// When a checked meeting happens, as instants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
}

impl NewMeeting {
    /// Checks the meeting and gives its instants: the local times are read in its zone
    /// (a time skipped by a change to daylight saving time is refused, not moved).
    pub fn check(&self) -> Result<Schedule, Vec<MeetingProblem>> {
        let mut problems = Vec::new();
        let title = self.title.trim();
        if title.is_empty() {
            problems.push(MeetingProblem::NoTitle);
        } else if title.chars().count() > TITLE_MAX_CHARS {
            problems.push(MeetingProblem::TitleTooLong);
        }
        if self.place.chars().count() > PLACE_MAX_CHARS {
            problems.push(MeetingProblem::PlaceTooLong);
        }
        if self.agenda.chars().count() > TEXT_MAX_CHARS {
            problems.push(MeetingProblem::TextTooLong);
        }
        let texts = [
            &self.title,
            &self.place,
            &self.online_url,
            &self.agenda,
            &self.time_zone,
        ];
        if texts.iter().any(|t| has_control(t)) {
            problems.push(MeetingProblem::ControlCharacter);
        }
        let url = self.online_url.trim();
        if !url.is_empty() && !is_web_address(url) {
            problems.push(MeetingProblem::OnlineUrl);
        }
        let instants = match TimeZone::get(self.time_zone.trim()) {
            Err(_) => {
                problems.push(MeetingProblem::UnknownTimeZone);
                None
            }
            Ok(zone) => {
                let at = |local: DateTime| {
                    // Strict: a local time that does not exist (or exists twice) is refused.
                    zone.to_ambiguous_zoned(local)
                        .unambiguous()
                        .ok()
                        .map(|z| Timestamp(z.timestamp().as_millisecond()))
                };
                match (at(self.starts), at(self.ends)) {
                    (Some(s), Some(e)) => Some((s, e)),
                    _ => {
                        problems.push(MeetingProblem::NoSuchLocalTime);
                        None
                    }
                }
            }
        };
        if let Some((starts_at, ends_at)) = instants {
            if ends_at.0 <= starts_at.0 {
                problems.push(MeetingProblem::EndsBeforeStart);
            } else if ends_at.0 - starts_at.0 > MEETING_MAX_MS {
                problems.push(MeetingProblem::TooLong);
            }
            if problems.is_empty() {
                return Ok(Schedule { starts_at, ends_at });
            }
        }
        Err(problems)
    }
}

/// An `http(s)` address without spaces (a link a member follows, never `javascript:`).
pub(crate) fn is_web_address(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && url.len() > "https://".len()
        && !url.chars().any(char::is_whitespace)
}

/// Where the minutes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MinutesStatus {
    Draft,
    /// Approved by the coalition: kept as they are.
    Approved,
}

impl MinutesStatus {
    pub fn key(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Approved => "approved",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        [Self::Draft, Self::Approved]
            .into_iter()
            .find(|s| s.key() == key)
    }
}

/// Whether an organization came.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Presence {
    Present,
    Excused,
    Absent,
}

impl Presence {
    pub const ALL: [Presence; 3] = [Self::Present, Self::Excused, Self::Absent];

    pub fn key(self) -> &'static str {
        match self {
            Self::Present => "present",
            Self::Excused => "excused",
            Self::Absent => "absent",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.key() == key)
    }
}

/// A coalition's meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    pub id: MeetingId,
    pub coalition: OrgId,
    pub title: String,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub time_zone: String,
    pub place: String,
    pub online_url: String,
    pub agenda: String,
    /// The working group it is a meeting of; `None` for the whole coalition.
    pub group: Option<WorkingGroupId>,
    pub minutes: String,
    pub minutes_status: MinutesStatus,
    pub minutes_approved_by: Option<UserId>,
    /// Each organization's presence, by organization.
    pub attendance: Vec<(OrgId, Presence)>,
    /// Bumped by every change calendars must see (RFC 5545 `SEQUENCE`).
    pub sequence: i64,
    pub updated_at: Timestamp,
    /// Optimistic concurrency: a change from an older version is refused.
    pub version: i64,
}

impl Meeting {
    /// Whether the minutes may still be written.
    pub fn check_minutes_edit(&self, minutes: &str) -> Result<(), MeetingProblem> {
        if self.minutes_status == MinutesStatus::Approved {
            return Err(MeetingProblem::MinutesApproved);
        }
        if minutes.chars().count() > TEXT_MAX_CHARS {
            return Err(MeetingProblem::TextTooLong);
        }
        if has_control(minutes) {
            return Err(MeetingProblem::ControlCharacter);
        }
        Ok(())
    }

    /// Whether the minutes may be approved now.
    pub fn check_approval(&self) -> Result<(), MeetingProblem> {
        if self.minutes_status == MinutesStatus::Approved {
            return Err(MeetingProblem::MinutesApproved);
        }
        if self.minutes.trim().is_empty() {
            return Err(MeetingProblem::NoMinutes);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meeting(starts: &str, ends: &str, zone: &str) -> NewMeeting {
        NewMeeting {
            title: "Rencontre régulière".into(),
            starts: starts.parse().expect("a local time"),
            ends: ends.parse().expect("a local time"),
            time_zone: zone.into(),
            place: "Montréal".into(),
            online_url: String::new(),
            agenda: "1. Tour de table".into(),
            group: None,
        }
    }

    #[test]
    fn local_times_are_read_in_the_meetings_zone() {
        let schedule = meeting("2026-01-15T09:30", "2026-01-15T12:00", "America/Toronto")
            .check()
            .expect("valid");
        // 09:30 in Montréal in January is 14:30 UTC.
        assert_eq!(schedule.starts_at.to_rfc3339(), "2026-01-15T14:30:00.000Z");
        assert_eq!(schedule.ends_at.0 - schedule.starts_at.0, 150 * 60_000);
        let summer = meeting("2026-07-15T09:30", "2026-07-15T10:00", "America/Toronto")
            .check()
            .expect("valid");
        assert_eq!(summer.starts_at.to_rfc3339(), "2026-07-15T13:30:00.000Z");
    }

    #[test]
    fn bad_schedules_are_named() {
        let problems = |m: NewMeeting| m.check().expect_err("refused");
        assert_eq!(
            problems(meeting(
                "2026-01-15T12:00",
                "2026-01-15T09:00",
                "America/Toronto"
            )),
            vec![MeetingProblem::EndsBeforeStart]
        );
        assert_eq!(
            problems(meeting(
                "2026-01-15T12:00",
                "2026-01-15T12:00",
                "America/Toronto"
            )),
            vec![MeetingProblem::EndsBeforeStart]
        );
        assert_eq!(
            problems(meeting(
                "2026-01-15T09:00",
                "2026-01-18T09:00",
                "America/Toronto"
            )),
            vec![MeetingProblem::TooLong]
        );
        assert_eq!(
            problems(meeting(
                "2026-01-15T09:00",
                "2026-01-15T10:00",
                "Mars/Olympus_Mons"
            )),
            vec![MeetingProblem::UnknownTimeZone]
        );
        // 02:30 on 8 March 2026 does not exist in Montréal (clocks go from 02:00 to 03:00).
        assert_eq!(
            problems(meeting(
                "2026-03-08T02:30",
                "2026-03-08T04:00",
                "America/Toronto"
            )),
            vec![MeetingProblem::NoSuchLocalTime]
        );
        let mut untitled = meeting("2026-01-15T09:00", "2026-01-15T10:00", "America/Toronto");
        untitled.title = "  ".into();
        untitled.online_url = "javascript:alert(1)".into();
        assert_eq!(
            problems(untitled),
            vec![MeetingProblem::NoTitle, MeetingProblem::OnlineUrl]
        );
        let mut nul = meeting("2026-01-15T09:00", "2026-01-15T10:00", "America/Toronto");
        nul.agenda = "1. Accueil\n2. \u{0}".into();
        assert_eq!(problems(nul), vec![MeetingProblem::ControlCharacter]);
    }

    #[test]
    fn approved_minutes_stay_as_they_are() {
        let mut m = Meeting {
            id: MeetingId::new(),
            coalition: OrgId::new(),
            title: "Rencontre".into(),
            starts_at: Timestamp(0),
            ends_at: Timestamp(1),
            time_zone: "America/Toronto".into(),
            place: String::new(),
            online_url: String::new(),
            agenda: String::new(),
            group: None,
            minutes: String::new(),
            minutes_status: MinutesStatus::Draft,
            minutes_approved_by: None,
            attendance: Vec::new(),
            sequence: 0,
            updated_at: Timestamp(0),
            version: 1,
        };
        assert_eq!(m.check_approval(), Err(MeetingProblem::NoMinutes));
        m.minutes = "Décisions : …".into();
        assert_eq!(m.check_minutes_edit("Autre texte"), Ok(()));
        assert_eq!(m.check_approval(), Ok(()));
        m.minutes_status = MinutesStatus::Approved;
        assert_eq!(
            m.check_minutes_edit("Autre texte"),
            Err(MeetingProblem::MinutesApproved)
        );
        assert_eq!(m.check_approval(), Err(MeetingProblem::MinutesApproved));
        for p in Presence::ALL {
            assert_eq!(Presence::from_key(p.key()), Some(p));
        }
    }
}
