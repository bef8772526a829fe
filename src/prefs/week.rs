//! A week as minute bitmaps: windows are added and taken away freely, and the result is
//! written back in one canonical form, so the same reading always prints the same windows.

use crate::model::{ClockTime, Day, Window};

const WORDS: usize = 23; // 23 * 64 >= 1440 minutes
const DAY_MINUTES: u16 = 24 * 60;

#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Week([[u64; WORDS]; 7]);

impl Week {
    pub(crate) fn empty() -> Week {
        Week([[0; WORDS]; 7])
    }

    pub(crate) fn full() -> Week {
        let mut w = Week::empty();
        w.set(0x7F, 0, DAY_MINUTES, true);
        w
    }

    /// Sets or clears `[from, to)` on the days in `days` (bit 0 = Monday). `from > to` wraps
    /// past midnight on the same days (night).
    pub(crate) fn set(&mut self, days: u8, from: u16, to: u16, on: bool) {
        let (from, to) = (from.min(DAY_MINUTES), to.min(DAY_MINUTES));
        if from > to {
            self.set(days, from, DAY_MINUTES, on);
            self.set(days, 0, to, on);
            return;
        }
        for d in 0..7 {
            if days & (1 << d) == 0 {
                continue;
            }
            for m in from..to {
                let (word, bit) = (m as usize / 64, m % 64);
                if on {
                    self.0[d][word] |= 1 << bit;
                } else {
                    self.0[d][word] &= !(1 << bit);
                }
            }
        }
    }

    pub(crate) fn subtract(&mut self, other: &Week) {
        for d in 0..7 {
            for w in 0..WORDS {
                self.0[d][w] &= !other.0[d][w];
            }
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.iter().all(|d| d.iter().all(|w| *w == 0))
    }

    fn intervals(&self, d: usize) -> Vec<(u16, u16)> {
        let bit = |m: u16| self.0[d][m as usize / 64] & (1 << (m % 64)) != 0;
        let mut out = Vec::new();
        let mut m = 0;
        while m < DAY_MINUTES {
            if self.0[d][m as usize / 64] == 0 {
                m = (m / 64 + 1) * 64;
                continue;
            }
            if bit(m) {
                let start = m;
                while m < DAY_MINUTES && bit(m) {
                    m += 1;
                }
                out.push((start, m));
            } else {
                m += 1;
            }
        }
        out
    }

    /// Days with the same hours grouped (in week order), groups by their first day, windows in
    /// a group by start. The whole week, all day, is no restriction: no windows.
    pub(crate) fn to_windows(&self) -> Vec<Window> {
        if *self == Week::full() {
            return Vec::new();
        }
        let per_day: Vec<Vec<(u16, u16)>> = (0..7).map(|d| self.intervals(d)).collect();
        let mut done = [false; 7];
        let mut out = Vec::new();
        for d in 0..7 {
            if done[d] || per_day[d].is_empty() {
                continue;
            }
            let days: Vec<Day> = (d..7).filter(|&e| per_day[e] == per_day[d]).map(|e| Day::ALL[e]).collect();
            for e in d..7 {
                if per_day[e] == per_day[d] {
                    done[e] = true;
                }
            }
            for &(from, to) in &per_day[d] {
                out.push(Window { days: days.clone(), from: clock(from), to: clock(to) });
            }
        }
        out
    }
}

fn clock(m: u16) -> ClockTime {
    ClockTime::new(m as u32 / 60, m as u32 % 60).unwrap_or(ClockTime::END_OF_DAY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_days_with_equal_hours() {
        let mut w = Week::empty();
        w.set(0x1F, 12 * 60, 15 * 60, true);
        w.set(0x20, 0, 14 * 60, true);
        let ws = w.to_windows();
        assert_eq!(ws.len(), 2);
        assert_eq!(ws[0].days, Day::WEEKDAYS.to_vec());
        assert_eq!(ws[1].to.to_string(), "14:00");
    }

    #[test]
    fn night_wraps_and_full_week_is_no_window() {
        let mut w = Week::empty();
        w.set(0x7F, 21 * 60, 9 * 60, true);
        assert_eq!(w.to_windows().len(), 2);
        assert!(Week::full().to_windows().is_empty());
    }
}
