//! Calendar dates and RFC 3339 timestamps, parsed strictly and compared without a clock.
//!
//! The crate only needs to order instants and compare days; a date library would bring
//! time zones and the system clock, neither of which may influence a scan's outcome
//! (callers pass "today" in).

use std::fmt;
use std::str::FromStr;

/// A proleptic Gregorian calendar day, written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

/// Why a date or timestamp did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what} {text:?}: expected {expected}")]
pub struct TimeError {
    what: &'static str,
    text: String,
    expected: &'static str,
}

impl TimeError {
    fn date(text: &str) -> Self {
        Self {
            what: "date",
            text: truncate(text),
            expected: "YYYY-MM-DD",
        }
    }

    fn timestamp(text: &str) -> Self {
        Self {
            what: "timestamp",
            text: truncate(text),
            expected: "an RFC 3339 date-time such as 2024-01-31T12:00:00Z",
        }
    }
}

// Error messages echo input; a multi-megabyte "date" must not end up in a report.
fn truncate(text: &str) -> String {
    text.chars().take(64).collect()
}

impl Date {
    /// A date from its parts, or `None` when the day does not exist.
    #[must_use]
    pub fn new(year: u16, month: u8, day: u8) -> Option<Self> {
        let valid = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        valid.then_some(Self { year, month, day })
    }

    #[must_use]
    pub fn year(self) -> u16 {
        self.year
    }

    #[must_use]
    pub fn month(self) -> u8 {
        self.month
    }

    #[must_use]
    pub fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (negative before it).
    #[must_use]
    pub fn days_since_epoch(self) -> i64 {
        days_from_civil(i64::from(self.year), self.month, self.day)
    }
}

impl FromStr for Date {
    type Err = TimeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let b = s.as_bytes();
        if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return Err(TimeError::date(s));
        }
        let year = digits(b, 0, 4).ok_or_else(|| TimeError::date(s))?;
        let month = digits(b, 5, 2).ok_or_else(|| TimeError::date(s))?;
        let day = digits(b, 8, 2).ok_or_else(|| TimeError::date(s))?;
        let (Ok(year), Ok(month), Ok(day)) =
            (u16::try_from(year), u8::try_from(month), u8::try_from(day))
        else {
            return Err(TimeError::date(s));
        };
        Date::new(year, month, day).ok_or_else(|| TimeError::date(s))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// An instant from an RFC 3339 date-time, kept as UTC for ordering.
///
/// Offsets are applied, fractional seconds kept to the nanosecond. A missing offset is
/// rejected: without it two documents' statements cannot be ordered reliably.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    seconds: i64,
    nanos: u32,
}

impl Timestamp {
    /// Seconds since 1970-01-01T00:00:00Z.
    #[must_use]
    pub fn unix_seconds(self) -> i64 {
        self.seconds
    }

    /// The UTC calendar day of this instant.
    #[must_use]
    pub fn date(self) -> Option<Date> {
        let (y, m, d) = civil_from_days(self.seconds.div_euclid(86_400));
        Date::new(u16::try_from(y).ok()?, m, d)
    }
}

impl FromStr for Timestamp {
    type Err = TimeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_timestamp(s).ok_or_else(|| TimeError::timestamp(s))
    }
}

fn parse_timestamp(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    let date: Date = s.get(..10)?.parse().ok()?;
    if !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    if b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
        return None;
    }
    let hour = digits(b, 11, 2)?;
    let minute = digits(b, 14, 2)?;
    // 60 is a leap second; it orders as the following second, which is good enough here.
    let second = digits(b, 17, 2)?;
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut i = 19;
    let mut nanos: u32 = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            if i - start < 9 {
                nanos = nanos * 10 + u32::from(b[i] - b'0');
            }
            i += 1;
        }
        if i == start {
            return None;
        }
        for _ in (i - start)..9 {
            nanos *= 10;
        }
    }
    let offset_seconds: i64 = match b.get(i) {
        Some(b'Z' | b'z') if b.len() == i + 1 => 0,
        Some(sign @ (b'+' | b'-')) if b.len() == i + 6 && b.get(i + 3) == Some(&b':') => {
            let oh = digits(b, i + 1, 2)?;
            let om = digits(b, i + 4, 2)?;
            if oh > 23 || om > 59 {
                return None;
            }
            let off = i64::from(oh * 3600 + om * 60);
            if *sign == b'-' { -off } else { off }
        }
        _ => return None,
    };
    let seconds = date.days_since_epoch() * 86_400 + i64::from(hour * 3600 + minute * 60 + second)
        - offset_seconds;
    Some(Timestamp { seconds, nanos })
}

fn digits(b: &[u8], start: usize, len: usize) -> Option<u32> {
    let slice = b.get(start..start + len)?;
    slice.iter().try_fold(0u32, |acc, c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

fn is_leap(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Day counting on a calendar whose years start in March, so that the leap day is the
// last day of the year and the month lengths follow a fixed 153-day pattern.
fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    // Both are in range by construction (1..=31, 1..=12).
    (
        year,
        u8::try_from(month).unwrap_or(1),
        u8::try_from(day).unwrap_or(1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_and_validate() {
        let d: Date = "2024-02-29".parse().unwrap();
        assert_eq!((d.year(), d.month(), d.day()), (2024, 2, 29));
        assert_eq!(d.to_string(), "2024-02-29");
        for bad in [
            "2023-02-29",
            "2100-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-04-31",
            "2024-1-01",
            "24-01-01",
            "2024/01/01",
            "2024-01-01T00:00:00Z",
            "",
            "２０２４-01-01",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad}");
        }
        assert!("2000-02-29".parse::<Date>().is_ok());
    }

    #[test]
    fn epoch_days_round_trip() {
        let epoch: Date = "1970-01-01".parse().unwrap();
        assert_eq!(epoch.days_since_epoch(), 0);
        let d: Date = "2025-06-01".parse().unwrap();
        assert_eq!(d.days_since_epoch(), 20_240);
        for days in [-1, 0, 59, 11_016, 20_240, 47_482] {
            let (y, m, dd) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, dd), days);
        }
    }

    #[test]
    fn timestamps_order_across_offsets() {
        let a: Timestamp = "2023-01-01T12:00:00Z".parse().unwrap();
        let b: Timestamp = "2023-01-01T13:30:00+02:00".parse().unwrap();
        let c: Timestamp = "2023-01-01T12:00:00.5Z".parse().unwrap();
        assert!(b < a);
        assert!(a < c);
        assert_eq!(a.unix_seconds(), 1_672_574_400);
        let d: Timestamp = "2023-07-07T08:09:10.123456789-07:00".parse().unwrap();
        assert_eq!(d.date(), Date::new(2023, 7, 7));
        let late: Timestamp = "2023-07-07T20:00:00-07:00".parse().unwrap();
        assert_eq!(late.date(), Date::new(2023, 7, 8));
    }

    #[test]
    fn malformed_timestamps_are_errors() {
        for bad in [
            "2023-01-01",
            "2023-01-01T12:00:00",
            "2023-01-01T24:00:00Z",
            "2023-01-01T12:00:00.Z",
            "2023-01-01T12:00Z",
            "2023-01-01T12:00:00+0200",
            "2023-01-01T12:00:00Zjunk",
            "2023-01-01T12:00:00+02:00:00",
            "é",
        ] {
            assert!(bad.parse::<Timestamp>().is_err(), "{bad}");
        }
    }
}
