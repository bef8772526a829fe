//! Weekly time windows in the patient's local time: "weekdays 12-15" intersected with the
//! clinic's calling hours, and the next moment a window opens (across days, weekends and DST).
//! Playbook, check 1: "только в будни с 12 до 15"; US TCPA: 8:00-21:00 recipient local time.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDateTime, Timelike, Utc};

use crate::model::{local_to_utc, utc_to_local, ClockTime, Day, Window, Zones};

const DAY: u32 = 24 * 60;

/// For each weekday (Mon = 0), sorted disjoint half-open intervals of minutes since midnight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    days: [Vec<(u32, u32)>; 7],
}

fn idx(d: Day) -> usize {
    Day::ALL.iter().position(|x| *x == d).unwrap_or(0)
}

impl Schedule {
    pub fn always() -> Schedule {
        Schedule { days: std::array::from_fn(|_| vec![(0, DAY)]) }
    }

    fn empty() -> Schedule {
        Schedule { days: std::array::from_fn(|_| Vec::new()) }
    }

    fn add(&mut self, day: usize, from: u32, to: u32) {
        if from < to {
            self.days[day % 7].push((from, to));
        }
    }

    /// Adds `from`-`to` on `days`; a window that ends before it starts runs past midnight.
    fn add_window(&mut self, days: &[Day], from: ClockTime, to: ClockTime) {
        let all: Vec<Day> = if days.is_empty() { Day::ALL.to_vec() } else { days.to_vec() };
        let (from, to) = (from.minutes(), to.minutes());
        for d in all {
            let i = idx(d);
            if from < to {
                self.add(i, from, to);
            } else if from > to {
                self.add(i, from, DAY);
                self.add(i + 1, 0, to);
            }
        }
    }

    fn normalized(mut self) -> Schedule {
        for day in self.days.iter_mut() {
            crate::order::sort(day);
            let mut merged: Vec<(u32, u32)> = Vec::with_capacity(day.len());
            for &(a, b) in day.iter() {
                match merged.last_mut() {
                    Some(last) if a <= last.1 => last.1 = last.1.max(b),
                    _ => merged.push((a, b)),
                }
            }
            *day = merged;
        }
        self
    }

    /// Every day, `from`-`to` (the clinic's calling hours).
    pub fn hours(from: ClockTime, to: ClockTime) -> Schedule {
        let mut s = Schedule::empty();
        s.add_window(&[], from, to);
        s.normalized()
    }

    /// The union of the patient's windows; no windows at all means no restriction.
    pub fn from_windows(windows: &[Window]) -> Schedule {
        if windows.is_empty() {
            return Schedule::always();
        }
        let mut s = Schedule::empty();
        for w in windows {
            s.add_window(&w.days, w.from, w.to);
        }
        s.normalized()
    }

    pub fn intersect(&self, other: &Schedule) -> Schedule {
        let mut out = Schedule::empty();
        for d in 0..7 {
            for &(a, b) in &self.days[d] {
                for &(c, e) in &other.days[d] {
                    out.add(d, a.max(c), b.min(e));
                }
            }
        }
        out.normalized()
    }

    pub fn is_empty(&self) -> bool {
        self.days.iter().all(|d| d.is_empty())
    }

    pub fn contains(&self, local: NaiveDateTime) -> bool {
        let d = local.weekday().num_days_from_monday() as usize;
        let m = local.hour() * 60 + local.minute();
        self.days[d].iter().any(|&(a, b)| a <= m && m < b)
    }

    /// The first local moment at or after `local` inside the schedule (within 8 days).
    pub fn next_open(&self, local: NaiveDateTime) -> Option<NaiveDateTime> {
        if self.contains(local) {
            return Some(local);
        }
        let start_min = local.hour() * 60 + local.minute();
        for offset in 0..8 {
            let date = local.date() + Duration::days(offset);
            let d = date.weekday().num_days_from_monday() as usize;
            for &(a, _b) in &self.days[d] {
                if offset == 0 && a <= start_min {
                    continue;
                }
                return date.and_hms_opt(a / 60, a % 60, 0);
            }
        }
        None
    }
}

/// The first instant at or after `start` when the schedule is open in `zone`.
pub fn next_open_instant(
    schedule: &Schedule,
    zones: &dyn Zones,
    zone: &str,
    start: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let local = utc_to_local(zones, zone, start)?;
    let mut cursor = local;
    for _ in 0..4 {
        let open = schedule.next_open(cursor)?;
        if open == cursor && cursor == local {
            return Some(start);
        }
        let utc = local_to_utc(zones, zone, open)?;
        if utc >= start {
            return Some(utc);
        }
        cursor = open + Duration::minutes(1);
    }
    None
}

/// RFC 3339 with the zone's offset at that instant: "2026-11-25T12:00:00+03:00".
pub fn rfc3339_in(zones: &dyn Zones, zone: &str, utc: DateTime<Utc>) -> Option<String> {
    let off = zones.offset_seconds(zone, utc.naive_utc())?;
    let fixed = FixedOffset::east_opt(off)?;
    Some(crate::model::datefmt::iso_date_time_offset(utc.with_timezone(&fixed).naive_local(), fixed))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::model::TzDatabase;

    fn t(h: u32, m: u32) -> ClockTime {
        ClockTime::new(h, m).unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn weekdays_12_15() -> Schedule {
        Schedule::from_windows(&[Window { days: Day::WEEKDAYS.to_vec(), from: t(12, 0), to: t(15, 0) }])
            .intersect(&Schedule::hours(t(9, 0), t(21, 0)))
    }

    #[test]
    fn next_window_skips_the_weekend() {
        // Friday 2026-11-27 16:00 Moscow: the next weekday window is Monday 30.11 12:00.
        let s = weekdays_12_15();
        let next = next_open_instant(&s, &TzDatabase, "Europe/Moscow", utc("2026-11-27T16:00:00+03:00")).unwrap();
        assert_eq!(rfc3339_in(&TzDatabase, "Europe/Moscow", next).unwrap(), "2026-11-30T12:00:00+03:00");
    }

    #[test]
    fn next_window_across_dst_end() {
        // Berlin leaves summer time on Sunday 2026-10-25. Friday 23.10 16:00 CEST -> Monday 26.10 12:00 CET.
        let s = weekdays_12_15();
        let next = next_open_instant(&s, &TzDatabase, "Europe/Berlin", utc("2026-10-23T16:00:00+02:00")).unwrap();
        assert_eq!(rfc3339_in(&TzDatabase, "Europe/Berlin", next).unwrap(), "2026-10-26T12:00:00+01:00");
        // New York: Saturday 2026-10-31 10:00 EDT -> Monday 02.11 12:00 EST.
        let next = next_open_instant(&s, &TzDatabase, "America/New_York", utc("2026-10-31T10:00:00-04:00")).unwrap();
        assert_eq!(rfc3339_in(&TzDatabase, "America/New_York", next).unwrap(), "2026-11-02T12:00:00-05:00");
    }

    #[test]
    fn inside_a_window_is_now() {
        let s = weekdays_12_15();
        let now = utc("2026-11-23T12:30:00+03:00");
        assert_eq!(next_open_instant(&s, &TzDatabase, "Europe/Moscow", now), Some(now));
        // The end is exclusive.
        let at_end = utc("2026-11-23T15:00:00+03:00");
        let next = next_open_instant(&s, &TzDatabase, "Europe/Moscow", at_end).unwrap();
        assert_eq!(rfc3339_in(&TzDatabase, "Europe/Moscow", next).unwrap(), "2026-11-24T12:00:00+03:00");
    }

    #[test]
    fn overnight_window_and_empty_intersection() {
        let late = Schedule::from_windows(&[Window { days: vec![Day::Mon], from: t(22, 0), to: t(2, 0) }]);
        let tue_1am = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap().and_hms_opt(1, 0, 0).unwrap();
        assert!(late.contains(tue_1am));
        assert!(late.intersect(&Schedule::hours(t(9, 0), t(21, 0))).is_empty());
    }
}
