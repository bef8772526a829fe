//! Human text for findings and reasons: Russian first, English second (config `locale`).
//! Dates are shown as the clinic shows them: "чт 26.11 14:00" / "Thu 26 Nov 14:00".

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};

use crate::model::{Channel, ClockTime, Day, Locale, Window};

/// The Russian plural form for `n`: `forms` are [one, few, many], e.g.
/// ["звонок", "звонка", "звонков"]: 1 звонок, 2 звонка, 5 звонков, 11 звонков, 21 звонок.
pub fn plural_ru(n: u64, forms: [&'static str; 3]) -> &'static str {
    let n100 = n % 100;
    let n10 = n % 10;
    if (11..=14).contains(&n100) {
        forms[2]
    } else if n10 == 1 {
        forms[0]
    } else if (2..=4).contains(&n10) {
        forms[1]
    } else {
        forms[2]
    }
}

/// "3 дня" / "3 days".
pub fn count_ru_en(locale: Locale, n: u64, ru: [&'static str; 3], en: (&'static str, &'static str)) -> String {
    match locale {
        Locale::Ru => format!("{n} {}", plural_ru(n, ru)),
        Locale::En => format!("{n} {}", if n == 1 { en.0 } else { en.1 }),
    }
}

const RU_DAYS: [&str; 7] = ["пн", "вт", "ср", "чт", "пт", "сб", "вс"];
const EN_DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const EN_MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

pub fn day_name(locale: Locale, d: Day) -> &'static str {
    let i = Day::ALL.iter().position(|x| *x == d).unwrap_or(0);
    match locale {
        Locale::Ru => RU_DAYS[i],
        Locale::En => EN_DAYS[i],
    }
}

/// "чт 26.11" / "Thu 26 Nov".
pub fn short_date(locale: Locale, d: NaiveDate) -> String {
    let wd = d.weekday().num_days_from_monday() as usize;
    match locale {
        Locale::Ru => format!("{} {:02}.{:02}", RU_DAYS[wd], d.day(), d.month()),
        Locale::En => format!("{} {} {}", EN_DAYS[wd], d.day(), EN_MONTHS[d.month0() as usize]),
    }
}

/// "чт 26.11 14:00" / "Thu 26 Nov 14:00".
pub fn short_date_time(locale: Locale, dt: NaiveDateTime) -> String {
    format!("{} {:02}:{:02}", short_date(locale, dt.date()), dt.hour(), dt.minute())
}

/// A date with its year: "12.03.2025" / "12 Mar 2025".
pub fn full_date(locale: Locale, d: NaiveDate) -> String {
    match locale {
        Locale::Ru => format!("{:02}.{:02}.{}", d.day(), d.month(), d.year()),
        Locale::En => format!("{} {} {}", d.day(), EN_MONTHS[d.month0() as usize], d.year()),
    }
}

pub fn channel_name(locale: Locale, c: Channel) -> &'static str {
    c.label(locale)
}

pub fn join_channels(locale: Locale, cs: &[Channel]) -> String {
    cs.iter().map(|c| channel_name(locale, *c)).collect::<Vec<_>>().join(", ")
}

/// "будни", "выходные", "ежедневно", or "пн, ср" (and the English forms).
pub fn days_phrase(locale: Locale, days: &[Day]) -> String {
    let mut set: Vec<Day> = days.to_vec();
    crate::order::sort(&mut set);
    set.dedup();
    if set.is_empty() || set.len() == 7 {
        return match locale {
            Locale::Ru => "ежедневно".into(),
            Locale::En => "daily".into(),
        };
    }
    if set == Day::WEEKDAYS {
        return match locale {
            Locale::Ru => "будни".into(),
            Locale::En => "weekdays".into(),
        };
    }
    if set == Day::WEEKEND {
        return match locale {
            Locale::Ru => "выходные".into(),
            Locale::En => "weekends".into(),
        };
    }
    set.iter().map(|d| day_name(locale, *d)).collect::<Vec<_>>().join(", ")
}

/// "будни 12:00–15:00".
pub fn window_phrase(locale: Locale, w: &Window) -> String {
    format!("{} {}–{}", days_phrase(locale, &w.days), w.from, w.to)
}

pub fn windows_phrase(locale: Locale, ws: &[Window]) -> String {
    ws.iter().map(|w| window_phrase(locale, w)).collect::<Vec<_>>().join("; ")
}

pub fn hours_phrase(from: ClockTime, to: ClockTime) -> String {
    format!("{from}–{to}")
}

/// Picks the text of the configured locale; only the chosen one is built.
pub fn tr(locale: Locale, ru: impl FnOnce() -> String, en: impl FnOnce() -> String) -> String {
    match locale {
        Locale::Ru => ru(),
        Locale::En => en(),
    }
}

/// Lower case, "ё" as "е", punctuation as spaces: for comparing names written by hand.
pub fn normalize(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ё' | 'Ё' => 'е',
            c if c.is_alphanumeric() => c.to_lowercase().next().unwrap_or(c),
            _ => ' ',
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_ru_forms() {
        let f = ["звонок", "звонка", "звонков"];
        let cases = [
            (0, "звонков"),
            (1, "звонок"),
            (2, "звонка"),
            (3, "звонка"),
            (4, "звонка"),
            (5, "звонков"),
            (11, "звонков"),
            (12, "звонков"),
            (14, "звонков"),
            (21, "звонок"),
            (22, "звонка"),
            (25, "звонков"),
            (101, "звонок"),
            (111, "звонков"),
            (112, "звонков"),
            (1004, "звонка"),
        ];
        for (n, want) in cases {
            assert_eq!(plural_ru(n, f), want, "n = {n}");
        }
        let d = ["день", "дня", "дней"];
        assert_eq!(format!("1 {}", plural_ru(1, d)), "1 день");
        assert_eq!(format!("2 {}", plural_ru(2, d)), "2 дня");
        assert_eq!(format!("5 {}", plural_ru(5, d)), "5 дней");
        assert_eq!(count_ru_en(Locale::En, 1, d, ("day", "days")), "1 day");
        assert_eq!(count_ru_en(Locale::En, 2, d, ("day", "days")), "2 days");
    }

    #[test]
    fn dates_in_both_locales() {
        let dt = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap().and_hms_opt(14, 0, 0).unwrap();
        assert_eq!(short_date_time(Locale::Ru, dt), "чт 26.11 14:00");
        assert_eq!(short_date_time(Locale::En, dt), "Thu 26 Nov 14:00");
        assert_eq!(full_date(Locale::Ru, dt.date()), "26.11.2026");
        assert_eq!(full_date(Locale::En, dt.date()), "26 Nov 2026");
    }

    #[test]
    fn windows_read_naturally() {
        let w = Window {
            days: Day::WEEKDAYS.to_vec(),
            from: ClockTime::new(12, 0).unwrap(),
            to: ClockTime::new(15, 0).unwrap(),
        };
        assert_eq!(window_phrase(Locale::Ru, &w), "будни 12:00–15:00");
        assert_eq!(window_phrase(Locale::En, &w), "weekdays 12:00–15:00");
        assert_eq!(days_phrase(Locale::Ru, &[Day::Sat]), "сб");
        assert_eq!(days_phrase(Locale::En, &[]), "daily");
    }

    #[test]
    fn normalize_names() {
        assert_eq!(normalize("  Петрова А.Ё. "), "петрова а е");
    }
}
