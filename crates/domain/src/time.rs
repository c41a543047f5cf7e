//! Times are stored as BIGINT milliseconds since the Unix epoch, the one representation that
//! SQLite and PostgreSQL compare, index and sort the same way.

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn from_millis(ms: i64) -> Self {
        Self(ms)
    }

    pub fn millis(self) -> i64 {
        self.0
    }

    /// RFC 3339 in UTC with millisecond precision, e.g. `2026-11-28T15:42:07.123Z`. Written
    /// digit by digit: every service in a page of search results carries two of these.
    pub fn to_rfc3339(self) -> String {
        let ms_of_day = self.0.rem_euclid(86_400_000);
        let (y, mo, d) = civil_from_days(self.0.div_euclid(86_400_000));
        let (h, mi, s, ms) = (
            ms_of_day / 3_600_000,
            ms_of_day / 60_000 % 60,
            ms_of_day / 1000 % 60,
            ms_of_day % 1000,
        );
        if !(0..=9999).contains(&y) {
            return format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z");
        }
        let mut out = *b"0000-00-00T00:00:00.000Z";
        for (range, value) in [
            (0..4, y),
            (5..7, i64::from(mo)),
            (8..10, i64::from(d)),
            (11..13, h),
            (14..16, mi),
            (17..19, s),
            (20..23, ms),
        ] {
            let mut v = value;
            for slot in out[range].iter_mut().rev() {
                *slot = b'0' + (v % 10) as u8;
                v /= 10;
            }
        }
        out.iter().map(|&b| char::from(b)).collect()
    }

    /// The calendar date (UTC) as `YYYY-MM-DD`, without pulling in a date library.
    pub fn date_utc(self) -> String {
        let days = self.0.div_euclid(86_400_000);
        let (y, m, d) = civil_from_days(days);
        format!("{y:04}-{m:02}-{d:02}")
    }
}

/// The zone dates typed by people are read in until a coalition sets its own (Québec).
pub const DEFAULT_TIME_ZONE: &str = "America/Toronto";

/// A calendar day (`YYYY-MM-DD`) in an IANA zone: its first instant and the next day's.
/// `None` for a date that does not parse or a zone that does not exist.
pub fn local_day(date: &str, zone: &str) -> Option<(Timestamp, Timestamp)> {
    let tz = jiff::tz::TimeZone::get(zone).ok()?;
    let day: jiff::civil::Date = date.trim().parse().ok()?;
    let start = day.to_zoned(tz.clone()).ok()?;
    let next = day.tomorrow().ok()?.to_zoned(tz).ok()?;
    Some((
        Timestamp(start.timestamp().as_millisecond()),
        Timestamp(next.timestamp().as_millisecond()),
    ))
}

/// The calendar date (`YYYY-MM-DD`) of an instant in an IANA zone (UTC if the zone is
/// unknown).
pub fn local_date(at: Timestamp, zone: &str) -> String {
    let tz = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    match jiff::Timestamp::from_millisecond(at.0) {
        Ok(ts) => ts.to_zoned(tz).date().to_string(),
        Err(_) => at.date_utc(),
    }
}

/// The local date and minute (`YYYY-MM-DD HH:MM`) of an instant in an IANA zone (UTC if the
/// zone is unknown).
pub fn local_date_time(at: Timestamp, zone: &str) -> String {
    let tz = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    match jiff::Timestamp::from_millisecond(at.0) {
        Ok(ts) => ts.to_zoned(tz).strftime("%Y-%m-%d %H:%M").to_string(),
        Err(_) => at.date_utc(),
    }
}

/// The instant of a local date and time (`YYYY-MM-DDTHH:MM`, as a browser's
/// `datetime-local` field sends it) in an IANA zone; `None` when it is not one.
pub fn local_instant(text: &str, zone: &str) -> Option<Timestamp> {
    let tz = jiff::tz::TimeZone::get(zone).ok()?;
    let civil: jiff::civil::DateTime = text.trim().parse().ok()?;
    let zoned = civil.to_zoned(tz).ok()?;
    Some(Timestamp(zoned.timestamp().as_millisecond()))
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_day_spans_its_own_midnights() {
        // 2026-03-08: clocks go forward in Québec; the day is 23 hours long.
        let (start, end) = local_day("2026-03-08", DEFAULT_TIME_ZONE).unwrap();
        assert_eq!(start.to_rfc3339(), "2026-03-08T05:00:00.000Z");
        assert_eq!(end.0 - start.0, 23 * 3_600_000);
        assert_eq!(local_date(start, DEFAULT_TIME_ZONE), "2026-03-08");
        assert_eq!(
            local_date(Timestamp(end.0 - 1), DEFAULT_TIME_ZONE),
            "2026-03-08"
        );
        assert_eq!(
            local_date_time(Timestamp(end.0 - 60_000), DEFAULT_TIME_ZONE),
            "2026-03-08 23:59"
        );
        assert_eq!(
            local_instant("2026-03-08T23:59", DEFAULT_TIME_ZONE),
            Some(Timestamp(end.0 - 60_000))
        );
        assert_eq!(local_instant("2026-03-08 soir", DEFAULT_TIME_ZONE), None);
        assert_eq!(local_day("2026-02-30", DEFAULT_TIME_ZONE), None);
        assert_eq!(local_day("2026-03-08", "Nowhere/Else"), None);
    }

    #[test]
    fn formats_utc_dates() {
        assert_eq!(Timestamp(0).date_utc(), "1970-01-01");
        assert_eq!(Timestamp(951_782_400_000).date_utc(), "2000-02-29");
        assert_eq!(Timestamp(1_795_824_000_000).date_utc(), "2026-11-28");
        assert_eq!(Timestamp(-86_400_000).date_utc(), "1969-12-31");
        assert_eq!(
            Timestamp(1_795_880_527_123).to_rfc3339(),
            "2026-11-28T15:42:07.123Z"
        );
        assert_eq!(Timestamp(-1).to_rfc3339(), "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn rfc3339_agrees_with_jiff_over_three_centuries() {
        let mut ms: i64 = -2_208_988_800_000; // 1900-01-01
        while ms < 7_258_118_400_000 {
            let expected = jiff::Timestamp::from_millisecond(ms)
                .expect("in range")
                .strftime("%Y-%m-%dT%H:%M:%S%.3fZ")
                .to_string();
            assert_eq!(Timestamp(ms).to_rfc3339(), expected, "{ms}");
            ms += 86_399_937; // a day less 63 ms: every time of day, month and leap year
        }
    }
}
