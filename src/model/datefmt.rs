//! Dates and times as text in the few fixed forms the core reads and writes, by hand.
//!
//! chrono's general machinery (strftime items, `parse_from_str`, the RFC 3339 parser) costs
//! ~30 KB of .wasm for formats that are fixed here; the values stay chrono types. What is
//! accepted is what the chrono formats used before accepted (except years of other than 4 digits):
//! 1- or 2-digit months, days, hours, minutes and seconds, an optional fraction after the
//! seconds, and an offset `Z` or `±HH:MM`.

use std::fmt::Write;

use chrono::{Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use serde::{de, Deserialize, Deserializer};

/// Reads 1 or 2 ASCII digits at the start of `s`: the value and the rest.
fn num2(s: &str) -> Option<(u32, &str)> {
    let b = s.as_bytes();
    let n = b.iter().take(2).take_while(|c| c.is_ascii_digit()).count();
    if n == 0 {
        return None;
    }
    Some((s[..n].parse().ok()?, &s[n..]))
}

/// "YYYY-MM-DD" at the start of `s`: the date and the rest.
fn date_prefix(s: &str) -> Option<(NaiveDate, &str)> {
    let b = s.as_bytes();
    if b.len() < 8 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return None;
    }
    let year: i32 = s[..4].parse().ok()?;
    let (month, rest) = num2(&s[5..])?;
    let rest = rest.strip_prefix('-')?;
    let (day, rest) = num2(rest)?;
    Some((NaiveDate::from_ymd_opt(year, month, day)?, rest))
}

/// A date "YYYY-MM-DD" (nothing before or after).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    match date_prefix(s)? {
        (d, "") => Some(d),
        _ => None,
    }
}

/// "HH:MM[:SS[.fraction]]" at the start of `s`: the time and the rest.
fn time_prefix(s: &str) -> Option<(NaiveTime, &str)> {
    let (hour, rest) = num2(s)?;
    let (minute, mut rest) = num2(rest.strip_prefix(':')?)?;
    let mut second = 0;
    let mut nano = 0;
    if let Some(r) = rest.strip_prefix(':') {
        let (sec, r) = num2(r)?;
        second = sec;
        rest = r;
        if let Some(r) = rest.strip_prefix('.') {
            let digits = r.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return None;
            }
            for (i, c) in r[..digits].bytes().enumerate().take(9) {
                nano += (c - b'0') as u32 * 10u32.pow(8 - i as u32);
            }
            rest = &r[digits..];
        }
    }
    Some((NaiveTime::from_hms_nano_opt(hour, minute, second, nano)?, rest))
}

/// A date-time "YYYY-MM-DD[T| ]HH:MM[:SS[.f]]" and the rest (an offset, or nothing).
fn date_time_prefix(s: &str) -> Option<(NaiveDateTime, &str)> {
    let (date, rest) = date_prefix(s)?;
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let (time, rest) = time_prefix(rest)?;
    Some((date.and_time(time), rest))
}

/// A date-time without an offset.
pub fn parse_naive_date_time(s: &str) -> Option<NaiveDateTime> {
    match date_time_prefix(s)? {
        (dt, "") => Some(dt),
        _ => None,
    }
}

/// A date-time with an optional offset (`Z`, `z` or `±HH:MM`).
pub fn parse_date_time(s: &str) -> Option<(NaiveDateTime, Option<FixedOffset>)> {
    let (dt, rest) = date_time_prefix(s)?;
    let offset = match rest {
        "" => return Some((dt, None)),
        "Z" | "z" => FixedOffset::east_opt(0)?,
        _ => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let (h, r) = num2(&rest[1..])?;
            let (m, r) = num2(r.strip_prefix(':')?)?;
            if !r.is_empty() || h > 23 || m > 59 {
                return None;
            }
            FixedOffset::east_opt(sign * (h * 3600 + m * 60) as i32)?
        }
    };
    Some((dt, Some(offset)))
}

fn year(out: &mut String, y: i32) {
    if (0..=9999).contains(&y) {
        let _ = write!(out, "{y:04}");
    } else {
        let _ = write!(out, "{y:+05}");
    }
}

/// "2026-11-23"
pub fn iso_date(d: NaiveDate) -> String {
    let mut s = String::with_capacity(10);
    year(&mut s, d.year());
    let _ = write!(s, "-{:02}-{:02}", d.month(), d.day());
    s
}

/// "2026-11-23T10:00:00"
pub fn iso_date_time(t: NaiveDateTime) -> String {
    let mut s = iso_date(t.date());
    let _ = write!(s, "T{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second());
    s
}

/// "2026-11-23T10:00:00+03:00"
pub fn iso_date_time_offset(t: NaiveDateTime, offset: FixedOffset) -> String {
    let mut s = iso_date_time(t);
    let secs = offset.local_minus_utc();
    let sign = if secs < 0 { '-' } else { '+' };
    let secs = secs.unsigned_abs();
    let _ = write!(s, "{sign}{:02}:{:02}", secs / 3600, secs / 60 % 60);
    if !secs.is_multiple_of(60) {
        let _ = write!(s, ":{:02}", secs % 60);
    }
    s
}

/// "23.11"
pub fn day_month(d: NaiveDate) -> String {
    format!("{:02}.{:02}", d.day(), d.month())
}

/// "23.11.2026"
pub fn day_month_year(d: NaiveDate) -> String {
    let mut s = day_month(d);
    s.push('.');
    year(&mut s, d.year());
    s
}

/// "14:05"
pub fn hour_minute(t: NaiveTime) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// serde: a date "YYYY-MM-DD".
pub fn de_date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let s = String::deserialize(d)?;
    parse_date(&s).ok_or_else(|| de::Error::custom(format!("invalid date {s:?}, expected YYYY-MM-DD")))
}

/// serde: an optional date "YYYY-MM-DD" (null is `None`).
pub fn de_opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(s) => parse_date(&s)
            .map(Some)
            .ok_or_else(|| de::Error::custom(format!("invalid date {s:?}, expected YYYY-MM-DD"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same answers as the chrono formats this module replaced.
    #[test]
    fn agrees_with_chrono() {
        for s in ["2026-11-23", "2026-1-5", "2024-02-29", "2025-02-29", "2026-13-01", "2026-11-23x", "", "2026-11-"] {
            assert_eq!(parse_date(s), NaiveDate::parse_from_str(s, "%Y-%m-%d").ok(), "{s}");
        }
        // One deliberate difference: chrono reads "26-11-23" as the year 26; a clinic date never is.
        assert_eq!(parse_date("26-11-23"), None);
        for s in [
            "2026-11-23T10:00",
            "2026-11-23 10:00",
            "2026-11-23T10:00:30",
            "2026-11-23T10:00:30.250",
            "2026-11-23 10:00:30",
            "2026-11-23T24:00",
            "2026-11-23T10:60",
            "2026-11-23T9:05",
        ] {
            let chrono = ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
                .iter()
                .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok());
            assert_eq!(parse_naive_date_time(s), chrono, "{s}");
        }
        for s in [
            "2026-11-23T10:00:00+03:00",
            "2026-11-23T10:00:00.5-05:30",
            "2026-11-23T10:00+03:00",
            "2026-11-23T07:00:00Z",
        ] {
            let dt = chrono::DateTime::parse_from_rfc3339(s)
                .or_else(|_| chrono::DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M%:z"))
                .unwrap();
            assert_eq!(parse_date_time(s), Some((dt.naive_local(), Some(*dt.offset()))), "{s}");
        }
        let d = NaiveDate::from_ymd_opt(2026, 3, 7).unwrap();
        let t = d.and_hms_opt(9, 5, 3).unwrap();
        let off = FixedOffset::east_opt(-(5 * 3600 + 30 * 60)).unwrap();
        assert_eq!(iso_date(d), d.format("%Y-%m-%d").to_string());
        assert_eq!(iso_date_time(t), t.format("%Y-%m-%dT%H:%M:%S").to_string());
        assert_eq!(iso_date_time_offset(t, off), "2026-03-07T09:05:03-05:30");
        assert_eq!(day_month(d), d.format("%d.%m").to_string());
        assert_eq!(day_month_year(d), d.format("%d.%m.%Y").to_string());
        assert_eq!(hour_minute(t.time()), t.format("%H:%M").to_string());
    }
}
