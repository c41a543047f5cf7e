//! Meetings as iCalendar (RFC 5545): a coalition's feed, and one meeting's invitation.
//!
//! Times are written in UTC (`…Z`), which every calendar reads without a `VTIMEZONE`; the
//! meeting's own zone stays in the description's words. Text is escaped (§3.3.11) and lines
//! are folded at 75 octets without splitting a character (§3.1).

use std::fmt::Write as _;

use super::meeting::Meeting;
use crate::Timestamp;

/// What a calendar needs besides the meetings.
#[derive(Debug, Clone)]
pub struct CalendarInfo<'a> {
    /// The calendar's name (`X-WR-CALNAME`).
    pub name: &'a str,
    /// The host the `UID`s are made unique with (`…@host`).
    pub host: &'a str,
    /// The page of each meeting, for its `URL`: this prefix and the meeting's id.
    pub meeting_url_prefix: &'a str,
    /// When the calendar is produced (`DTSTAMP`).
    pub now: Timestamp,
}

/// A calendar of `meetings` (a feed, or a single invitation).
pub fn calendar(info: &CalendarInfo<'_>, meetings: &[&Meeting]) -> String {
    let mut out = String::with_capacity(512 + meetings.len() * 600);
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//Mosaique//Coalition//FR");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    line(&mut out, &format!("X-WR-CALNAME:{}", escape(info.name)));
    for meeting in meetings {
        event(&mut out, info, meeting);
    }
    line(&mut out, "END:VCALENDAR");
    out
}

fn event(out: &mut String, info: &CalendarInfo<'_>, m: &Meeting) {
    line(out, "BEGIN:VEVENT");
    line(out, &format!("UID:meeting-{}@{}", m.id, info.host));
    line(out, &format!("DTSTAMP:{}", utc(info.now)));
    line(out, &format!("LAST-MODIFIED:{}", utc(m.updated_at)));
    line(out, &format!("DTSTART:{}", utc(m.starts_at)));
    line(out, &format!("DTEND:{}", utc(m.ends_at)));
    line(out, &format!("SEQUENCE:{}", m.sequence.max(0)));
    line(out, &format!("SUMMARY:{}", escape(m.title.trim())));
    let place = m.place.trim();
    let online = m.online_url.trim();
    let location = match (place.is_empty(), online.is_empty()) {
        (false, _) => place,
        (true, false) => online,
        (true, true) => "",
    };
    if !location.is_empty() {
        line(out, &format!("LOCATION:{}", escape(location)));
    }
    let mut description = m.agenda.trim().to_owned();
    if !online.is_empty() {
        if !description.is_empty() {
            description.push_str("\n\n");
        }
        description.push_str(online);
    }
    if !description.is_empty() {
        line(out, &format!("DESCRIPTION:{}", escape(&description)));
    }
    line(out, &format!("URL:{}{}", info.meeting_url_prefix, m.id));
    line(out, "STATUS:CONFIRMED");
    line(out, "END:VEVENT");
}

/// `YYYYMMDDTHHMMSSZ`.
fn utc(at: Timestamp) -> String {
    match jiff::Timestamp::from_millisecond(at.0) {
        Ok(ts) => ts.strftime("%Y%m%dT%H%M%SZ").to_string(),
        Err(_) => "19700101T000000Z".to_owned(),
    }
}

/// TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma, and line breaks as `\n`.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            // Other control characters are not allowed in TEXT.
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends a content line, folded at 75 octets (a CRLF and a space before each
/// continuation), never inside a UTF-8 character.
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let len = c.len_utf8();
        // The first line holds 75 octets; each continuation 74 after its leading space.
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    let _ = write!(out, "\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coalition::meeting::MinutesStatus;
    use crate::{MeetingId, OrgId};

    fn sample(title: &str, agenda: &str) -> Meeting {
        Meeting {
            id: MeetingId::new(),
            coalition: OrgId::new(),
            title: title.into(),
            starts_at: Timestamp(1_768_487_400_000),
            ends_at: Timestamp(1_768_496_400_000),
            time_zone: "America/Toronto".into(),
            place: "Local 200, 1000 rue Exemple, Montréal".into(),
            online_url: "https://visio.example/abc".into(),
            agenda: agenda.into(),
            group: None,
            minutes: String::new(),
            minutes_status: MinutesStatus::Draft,
            minutes_approved_by: None,
            attendance: Vec::new(),
            sequence: 2,
            updated_at: Timestamp(1_768_000_000_000),
            version: 3,
        }
    }

    fn info() -> CalendarInfo<'static> {
        CalendarInfo {
            name: "Coalition — rencontres",
            host: "mosaique.example",
            meeting_url_prefix: "https://mosaique.example/meetings/",
            now: Timestamp(1_768_000_000_000),
        }
    }

    #[test]
    fn every_line_ends_in_crlf_and_fits_in_75_octets() {
        let long = "Ordre du jour : accueil, tour de table; suivi du plan d’action \\ ".repeat(8);
        let m = sample("Rencontre régulière, janvier", &format!("{long}\nPoint 2"));
        let text = calendar(&info(), &[&m]);
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        for l in text.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
            assert!(!l.contains('\n') && !l.contains('\r'));
        }
        // Unfolded, the text reads back escaped as RFC 5545 says.
        let unfolded = text.replace("\r\n ", "");
        assert!(unfolded.contains("SUMMARY:Rencontre régulière\\, janvier\r\n"));
        assert!(unfolded.contains("tour de table\\; suivi"));
        assert!(unfolded.contains("\\\\ Ordre"));
        assert!(unfolded.contains("\\nPoint 2\\n\\nhttps://visio.example/abc"));
        assert!(unfolded.contains("DTSTART:20260115T143000Z\r\n"));
        assert!(unfolded.contains("SEQUENCE:2\r\n"));
        assert!(unfolded.contains(&format!("UID:meeting-{}@mosaique.example", m.id)));
    }

    #[test]
    fn folding_never_splits_a_character() {
        let mut out = String::new();
        line(&mut out, &format!("SUMMARY:{}", "é".repeat(100)));
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75);
        }
        assert_eq!(
            out.replace("\r\n ", "").trim_end(),
            format!("SUMMARY:{}", "é".repeat(100))
        );
    }

    #[test]
    fn an_empty_feed_is_still_a_calendar() {
        let text = calendar(&info(), &[]);
        assert_eq!(text.matches("BEGIN:").count(), 1);
        assert!(text.contains("X-WR-CALNAME:Coalition — rencontres\r\n"));
    }
}
