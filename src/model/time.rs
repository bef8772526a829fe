//! Time as data. The core never reads the clock and never carries a time-zone database:
//! `now` is an input, and zone offsets come through the [`Zones`] trait (chrono-tz natively,
//! the browser's own Intl data in the extension).

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// A time of day as minutes since midnight, written "HH:MM"; "24:00" closes a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClockTime(u16);

impl ClockTime {
    pub const MIDNIGHT: ClockTime = ClockTime(0);
    pub const END_OF_DAY: ClockTime = ClockTime(24 * 60);

    pub fn new(hour: u32, minute: u32) -> Option<ClockTime> {
        if minute < 60 && (hour < 24 || (hour == 24 && minute == 0)) {
            Some(ClockTime((hour * 60 + minute) as u16))
        } else {
            None
        }
    }

    pub fn minutes(self) -> u32 {
        self.0 as u32
    }

    pub fn hour(self) -> u32 {
        self.0 as u32 / 60
    }

    pub fn minute(self) -> u32 {
        self.0 as u32 % 60
    }

    pub fn from_time(t: NaiveTime) -> ClockTime {
        use chrono::Timelike;
        ClockTime((t.hour() * 60 + t.minute()) as u16)
    }

    /// The time of day, with "24:00" as `None` (it is the next day's midnight).
    pub fn to_time(self) -> Option<NaiveTime> {
        NaiveTime::from_hms_opt(self.hour(), self.minute(), 0)
    }

    pub fn parse(s: &str) -> Option<ClockTime> {
        let (h, m) = s.split_once(':')?;
        if h.is_empty() || h.len() > 2 || m.len() != 2 {
            return None;
        }
        ClockTime::new(h.parse().ok()?, m.parse().ok()?)
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour(), self.minute())
    }
}

impl Serialize for ClockTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ClockTime::parse(&s).ok_or_else(|| de::Error::custom(format!("invalid time of day {s:?}, expected \"HH:MM\"")))
    }
}

/// An ISO 8601 date-time as the snapshot carries it: with an offset when the source gave one,
/// otherwise local to the clinic's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalDateTime {
    pub naive: NaiveDateTime,
    pub offset: Option<FixedOffset>,
}

impl LocalDateTime {
    pub fn naive(naive: NaiveDateTime) -> Self {
        LocalDateTime { naive, offset: None }
    }

    pub fn parse(s: &str) -> Option<LocalDateTime> {
        let (naive, offset) = super::datefmt::parse_date_time(s.trim())?;
        Some(LocalDateTime { naive, offset })
    }

    /// The instant, resolving a missing offset in `zone` through `zones`.
    pub fn to_utc(&self, zone: &str, zones: &dyn Zones) -> Option<DateTime<Utc>> {
        match self.offset {
            Some(off) => off.from_local_datetime(&self.naive).single().map(|d| d.with_timezone(&Utc)),
            None => local_to_utc(zones, zone, self.naive),
        }
    }
}

impl fmt::Display for LocalDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.offset {
            Some(off) => f.write_str(&super::datefmt::iso_date_time_offset(self.naive, off)),
            None => f.write_str(&super::datefmt::iso_date_time(self.naive)),
        }
    }
}

impl Serialize for LocalDateTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for LocalDateTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        LocalDateTime::parse(&s).ok_or_else(|| {
            de::Error::custom(format!(
                "invalid date-time {s:?}, expected ISO 8601 like \"2026-11-26T14:00\" or with an offset"
            ))
        })
    }
}

/// Where zone offsets come from. Implemented with chrono-tz natively and with the
/// browser's Intl API in the extension, so the .wasm carries no zone database.
pub trait Zones {
    /// The offset from UTC, in seconds, of `zone` at the instant `utc`; `None` if the zone is unknown.
    fn offset_seconds(&self, zone: &str, utc: NaiveDateTime) -> Option<i32>;

    fn is_known(&self, zone: &str) -> bool {
        let probe = NaiveDate::from_ymd_opt(2026, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0));
        probe.is_some_and(|p| self.offset_seconds(zone, p).is_some())
    }
}

/// UTC instant to local wall-clock time in `zone`.
pub fn utc_to_local(zones: &dyn Zones, zone: &str, utc: DateTime<Utc>) -> Option<NaiveDateTime> {
    let off = zones.offset_seconds(zone, utc.naive_utc())?;
    Some(utc.naive_utc() + chrono::Duration::seconds(off as i64))
}

/// Local wall-clock time in `zone` to the UTC instant. In a DST gap the time is moved forward
/// by the gap (as clocks do); in an overlap the earlier instant is taken.
pub fn local_to_utc(zones: &dyn Zones, zone: &str, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    // Try the offsets in force a day before and a day after; one of them is right.
    let probe = |n: NaiveDateTime| zones.offset_seconds(zone, n);
    let before = probe(local - chrono::Duration::days(1))?;
    let after = probe(local + chrono::Duration::days(1))?;
    let mut candidates: Vec<NaiveDateTime> = Vec::new();
    for off in [before, after] {
        let utc = local - chrono::Duration::seconds(off as i64);
        if probe(utc) == Some(off) && !candidates.contains(&utc) {
            candidates.push(utc);
        }
    }
    crate::order::sort(&mut candidates);
    if let Some(first) = candidates.first() {
        return Some(Utc.from_utc_datetime(first));
    }
    // A gap: the wall time does not exist; shift by the offset before the change.
    let utc = local - chrono::Duration::seconds(before as i64);
    Some(Utc.from_utc_datetime(&utc))
}

/// Time zones from chrono-tz, for native builds and tests.
#[cfg(not(target_arch = "wasm32"))]
pub struct TzDatabase;

#[cfg(not(target_arch = "wasm32"))]
impl Zones for TzDatabase {
    fn offset_seconds(&self, zone: &str, utc: NaiveDateTime) -> Option<i32> {
        use chrono::Offset;
        let tz: chrono_tz::Tz = zone.parse().ok()?;
        Some(tz.offset_from_utc_datetime(&utc).fix().local_minus_utc())
    }
}

/// A fixed offset for every zone name; handy in unit tests of code that takes `Zones`.
pub struct FixedZones(pub i32);

impl Zones for FixedZones {
    fn offset_seconds(&self, _zone: &str, _utc: NaiveDateTime) -> Option<i32> {
        Some(self.0)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn clock_time_round_trip_and_bounds() {
        assert_eq!(ClockTime::parse("09:30").unwrap().to_string(), "09:30");
        assert_eq!(ClockTime::parse("24:00"), Some(ClockTime::END_OF_DAY));
        assert_eq!(ClockTime::parse("24:01"), None);
        assert_eq!(ClockTime::parse("12:60"), None);
        assert_eq!(ClockTime::parse("1230"), None);
    }

    #[test]
    fn local_date_time_with_and_without_offset() {
        let a = LocalDateTime::parse("2026-11-26T14:00").unwrap();
        assert_eq!(a.offset, None);
        assert_eq!(a.to_string(), "2026-11-26T14:00:00");
        let b = LocalDateTime::parse("2026-11-26T14:00:00+03:00").unwrap();
        assert_eq!(b.to_utc("UTC", &TzDatabase).unwrap().to_rfc3339(), "2026-11-26T11:00:00+00:00");
        assert!(LocalDateTime::parse("2025-02-30T10:00").is_none());
    }

    #[test]
    fn local_to_utc_handles_dst_gap_and_overlap() {
        let z = TzDatabase;
        let d = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        // Moscow has no DST: +3 all year.
        assert_eq!(
            local_to_utc(&z, "Europe/Moscow", d("2026-07-01 12:00")).unwrap().naive_utc(),
            d("2026-07-01 09:00")
        );
        // Berlin spring gap 2026-03-29 02:30 does not exist: moved to 03:30 CEST = 01:30 UTC.
        assert_eq!(
            local_to_utc(&z, "Europe/Berlin", d("2026-03-29 02:30")).unwrap().naive_utc(),
            d("2026-03-29 01:30")
        );
        // Berlin autumn overlap 2026-10-25 02:30: the earlier (CEST) instant, 00:30 UTC.
        assert_eq!(
            local_to_utc(&z, "Europe/Berlin", d("2026-10-25 02:30")).unwrap().naive_utc(),
            d("2026-10-25 00:30")
        );
        assert!(local_to_utc(&z, "Mars/Olympus", d("2026-10-25 02:30")).is_none());
    }
}
