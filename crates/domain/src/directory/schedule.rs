//! Opening hours: weekly hours in a named (IANA) time zone, or open around the clock.
//! "Open now" is computed in the service's own zone, so daylight-saving changes and a
//! shelter in Vancouver seen from Montréal both come out right.

use serde::{Deserialize, Serialize};

/// A day of the week, Monday first (ISO 8601).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Day {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Day {
    pub const ALL: [Day; 7] = [
        Day::Mon,
        Day::Tue,
        Day::Wed,
        Day::Thu,
        Day::Fri,
        Day::Sat,
        Day::Sun,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Day::Mon => "mon",
            Day::Tue => "tue",
            Day::Wed => "wed",
            Day::Thu => "thu",
            Day::Fri => "fri",
            Day::Sat => "sat",
            Day::Sun => "sun",
        }
    }

    /// The two-letter RRULE code HSDS uses.
    pub fn rrule(self) -> &'static str {
        match self {
            Day::Mon => "MO",
            Day::Tue => "TU",
            Day::Wed => "WE",
            Day::Thu => "TH",
            Day::Fri => "FR",
            Day::Sat => "SA",
            Day::Sun => "SU",
        }
    }

    fn from_jiff(day: jiff::civil::Weekday) -> Day {
        use jiff::civil::Weekday as W;
        match day {
            W::Monday => Day::Mon,
            W::Tuesday => Day::Tue,
            W::Wednesday => Day::Wed,
            W::Thursday => Day::Thu,
            W::Friday => Day::Fri,
            W::Saturday => Day::Sat,
            W::Sunday => Day::Sun,
        }
    }
}

/// Opening hours on some days, `HH:MM` to `HH:MM`. A closing time at or before the opening
/// time runs past midnight (an overnight drop-in, 20:00–08:00).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hours {
    pub days: Vec<Day>,
    pub opens: String,
    pub closes: String,
}

/// Minutes since midnight of an `HH:MM` time, if valid.
pub fn minutes(hhmm: &str) -> Option<u16> {
    let (h, m) = hhmm.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// When a service is open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// IANA zone, e.g. `America/Toronto` (Montréal's).
    pub time_zone: String,
    /// Open 24 hours a day, 7 days a week.
    pub always_open: bool,
    #[serde(default)]
    pub hours: Vec<Hours>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("unknown time zone {0:?}")]
    UnknownTimeZone(String),
    #[error("{0:?} is not a time (HH:MM)")]
    BadTime(String),
    #[error("opening hours without any day")]
    NoDays,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            time_zone: "America/Toronto".into(),
            always_open: false,
            hours: Vec::new(),
        }
    }
}

impl Schedule {
    pub fn validate(&self) -> Result<(), ScheduleError> {
        jiff::tz::TimeZone::get(&self.time_zone)
            .map_err(|_| ScheduleError::UnknownTimeZone(self.time_zone.clone()))?;
        for h in &self.hours {
            if h.days.is_empty() {
                return Err(ScheduleError::NoDays);
            }
            for t in [&h.opens, &h.closes] {
                minutes(t).ok_or_else(|| ScheduleError::BadTime(t.clone()))?;
            }
        }
        Ok(())
    }

    /// Whether the service is open at `epoch_ms`, in its own time zone. An unknown zone or
    /// a bad time counts as closed: never claim a door is open when unsure.
    pub fn is_open_at(&self, epoch_ms: i64) -> bool {
        if self.always_open {
            return true;
        }
        let Ok(tz) = jiff::tz::TimeZone::get(&self.time_zone) else {
            return false;
        };
        local_time(&tz, epoch_ms).is_some_and(|at| open_at(&self.rules(), at))
    }

    /// The weekly hours in a form checked in a few integer comparisons (the search index
    /// keeps them so "open now" over a national directory stays fast). Bad times are dropped.
    pub fn rules(&self) -> Vec<Rule> {
        self.hours
            .iter()
            .filter_map(|h| {
                Some(Rule {
                    days: h.days.iter().fold(0u8, |mask, d| mask | d.bit()),
                    opens: minutes(&h.opens)?,
                    closes: minutes(&h.closes)?,
                })
            })
            .collect()
    }
}

/// Opening hours compiled: a bit per weekday (Monday = bit 0) and minutes since midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub days: u8,
    pub opens: u16,
    pub closes: u16,
}

/// A moment as read on the clocks of one time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalTime {
    pub day: Day,
    pub minute: u16,
}

impl Day {
    fn bit(self) -> u8 {
        1 << (self as u8)
    }

    fn previous(self) -> Day {
        Day::ALL[(self as usize + 6) % 7]
    }
}

/// The local day and minute of `epoch_ms` in `tz`.
pub fn local_time(tz: &jiff::tz::TimeZone, epoch_ms: i64) -> Option<LocalTime> {
    let local = jiff::Timestamp::from_millisecond(epoch_ms)
        .ok()?
        .to_zoned(tz.clone());
    let minute = u16::try_from(local.hour()).ok()? * 60 + u16::try_from(local.minute()).ok()?;
    Some(LocalTime {
        day: Day::from_jiff(local.weekday()),
        minute,
    })
}

/// Whether compiled hours are open at a local time. A closing time at or before the
/// opening time runs past midnight.
pub fn open_at(rules: &[Rule], at: LocalTime) -> bool {
    let today = at.day.bit();
    let yesterday = at.day.previous().bit();
    rules.iter().any(|r| {
        if r.opens < r.closes {
            r.days & today != 0 && (r.opens..r.closes).contains(&at.minute)
        } else {
            (r.days & today != 0 && at.minute >= r.opens)
                || (r.days & yesterday != 0 && at.minute < r.closes)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(local: &str, zone: &str) -> i64 {
        let dt: jiff::civil::DateTime = local.parse().expect("datetime");
        dt.to_zoned(jiff::tz::TimeZone::get(zone).expect("zone"))
            .expect("zoned")
            .timestamp()
            .as_millisecond()
    }

    fn office(zone: &str) -> Schedule {
        Schedule {
            time_zone: zone.into(),
            always_open: false,
            hours: vec![Hours {
                days: vec![Day::Mon, Day::Tue, Day::Wed, Day::Thu, Day::Fri],
                opens: "09:00".into(),
                closes: "17:00".into(),
            }],
        }
    }

    #[test]
    fn office_hours_in_the_services_own_zone() {
        let montreal = office("America/Toronto");
        // 2026-11-30 is a Monday.
        assert!(montreal.is_open_at(at("2026-11-30T09:00", "America/Toronto")));
        assert!(!montreal.is_open_at(at("2026-11-30T17:00", "America/Toronto")));
        assert!(!montreal.is_open_at(at("2026-11-29T12:00", "America/Toronto")));
        // 10:00 in Montréal is 07:00 in Vancouver: a Vancouver office is still closed.
        let vancouver = office("America/Vancouver");
        assert!(!vancouver.is_open_at(at("2026-11-30T10:00", "America/Toronto")));
        assert!(vancouver.is_open_at(at("2026-11-30T13:00", "America/Toronto")));
    }

    #[test]
    fn daylight_saving_is_followed() {
        // 2026-03-08: clocks go forward in Montréal; 09:30 local is open either side.
        let s = office("America/Toronto");
        assert!(s.is_open_at(at("2026-03-09T09:30", "America/Toronto")));
        assert!(s.is_open_at(at("2026-03-06T09:30", "America/Toronto")));
    }

    #[test]
    fn overnight_hours_and_always_open() {
        let night = Schedule {
            time_zone: "America/Toronto".into(),
            always_open: false,
            hours: vec![Hours {
                days: vec![Day::Fri],
                opens: "20:00".into(),
                closes: "08:00".into(),
            }],
        };
        assert!(night.is_open_at(at("2026-12-04T23:00", "America/Toronto")));
        assert!(night.is_open_at(at("2026-12-05T07:59", "America/Toronto")));
        assert!(!night.is_open_at(at("2026-12-05T08:00", "America/Toronto")));
        assert!(!night.is_open_at(at("2026-12-04T19:59", "America/Toronto")));
        let always = Schedule {
            always_open: true,
            ..Schedule::default()
        };
        assert!(always.is_open_at(0));
    }

    #[test]
    fn bad_schedules_are_refused() {
        let mut s = office("Mars/Olympus");
        assert_eq!(
            s.validate(),
            Err(ScheduleError::UnknownTimeZone("Mars/Olympus".into()))
        );
        s.time_zone = "America/Toronto".into();
        s.hours[0].opens = "25:00".into();
        assert_eq!(s.validate(), Err(ScheduleError::BadTime("25:00".into())));
        assert_eq!(minutes("7:00"), None);
        assert_eq!(minutes("07:30"), Some(450));
    }
}
