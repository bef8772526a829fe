//! Words and numbers per locale: Russian plural forms, dates as a person says them, names of
//! channels, sections and recall kinds. No clock: every date comes from the snapshot.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Weekday};

use crate::model::{Channel, Locale, RecallKind};

/// The Russian plural form for `n`: `one` for 1, 21, 101 ("1 день"), `few` for 2-4, 22-24
/// ("2 дня"), `many` for 0, 5-20, 25-30, and 11-14 in every hundred ("5 дней", "11 дней",
/// "112 дней"). Negative numbers take the form of their absolute value.
pub fn plural_ru<'a>(n: i64, one: &'a str, few: &'a str, many: &'a str) -> &'a str {
    let n = n.unsigned_abs();
    let (n10, n100) = (n % 10, n % 100);
    if (11..=14).contains(&n100) {
        many
    } else if n10 == 1 {
        one
    } else if (2..=4).contains(&n10) {
        few
    } else {
        many
    }
}

/// The English plural form: `one` for exactly 1 (and -1), `other` otherwise.
pub fn plural_en<'a>(n: i64, one: &'a str, other: &'a str) -> &'a str {
    if n.unsigned_abs() == 1 {
        one
    } else {
        other
    }
}

/// "2 дня", "5 дней", "1 day", "3 days": the number and its noun.
pub fn count(locale: Locale, n: i64, forms: &[String]) -> String {
    let word = match (locale, forms) {
        (Locale::Ru, [one, few, many]) => plural_ru(n, one, few, many),
        (Locale::En, [one, other]) => plural_en(n, one, other),
        // The template checker refuses other counts; be lenient if one slips through.
        (_, [only, ..]) => only.as_str(),
        (_, []) => "",
    };
    if word.is_empty() {
        n.to_string()
    } else {
        format!("{n} {word}")
    }
}

/// How many noun forms a plural placeholder needs in this locale.
pub fn plural_forms(locale: Locale) -> usize {
    match locale {
        Locale::Ru => 3,
        Locale::En => 2,
    }
}

const MONTHS_RU_GEN: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];
const MONTHS_EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

fn weekday(locale: Locale, w: Weekday) -> &'static str {
    let i = w.num_days_from_monday() as usize;
    match locale {
        Locale::Ru => ["пн", "вт", "ср", "чт", "пт", "сб", "вс"][i],
        Locale::En => ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][i],
    }
}

/// Dates as written for this patient. The core has no "today", so the year is shown unless it
/// is the year of the latest event on the card (`reference_year`): "26.11" then, "26.11.2025"
/// for another year, and always with the year when no event is dated.
#[derive(Debug, Clone, Copy)]
pub struct Dates {
    pub locale: Locale,
    pub reference_year: Option<i32>,
}

impl Dates {
    fn same_year(&self, d: NaiveDate) -> bool {
        self.reference_year == Some(d.year())
    }

    /// "26.11" / "26.11.2025"; "26 Nov" / "26 Nov 2025".
    pub fn short(&self, d: NaiveDate) -> String {
        match (self.locale, self.same_year(d)) {
            (Locale::Ru, true) => crate::model::datefmt::day_month(d),
            (Locale::Ru, false) => crate::model::datefmt::day_month_year(d),
            (Locale::En, true) => format!("{} {}", d.day(), MONTHS_EN[d.month0() as usize]),
            (Locale::En, false) => format!("{} {} {}", d.day(), MONTHS_EN[d.month0() as usize], d.year()),
        }
    }

    /// "чт, 26 ноября" / "чт, 26 ноября 2027"; "Thu 26 Nov" / "Thu 26 Nov 2027".
    pub fn long(&self, d: NaiveDate) -> String {
        let w = weekday(self.locale, d.weekday());
        let year = if self.same_year(d) { String::new() } else { format!(" {}", d.year()) };
        match self.locale {
            Locale::Ru => format!("{w}, {} {}{year}", d.day(), MONTHS_RU_GEN[d.month0() as usize]),
            Locale::En => format!("{w} {} {}{year}", d.day(), MONTHS_EN[d.month0() as usize]),
        }
    }

    /// "14:00".
    pub fn time(&self, t: NaiveDateTime) -> String {
        crate::model::datefmt::hour_minute(t.time())
    }
}

pub fn channel_name(locale: Locale, c: Channel) -> &'static str {
    match (c, locale) {
        (Channel::Call, Locale::Ru) => "звонок",
        (Channel::Call, Locale::En) => "call",
        (Channel::Sms, _) => "SMS",
        (Channel::Whatsapp, _) => "WhatsApp",
        (Channel::Telegram, _) => "Telegram",
        (Channel::Viber, _) => "Viber",
        (Channel::Max, _) => "MAX",
        (Channel::Email, Locale::Ru) => "e-mail",
        (Channel::Email, Locale::En) => "e-mail",
    }
}

pub fn recall_name(locale: Locale, k: RecallKind) -> &'static str {
    match (k, locale) {
        (RecallKind::Hygiene, Locale::Ru) => "профгигиена",
        (RecallKind::Hygiene, Locale::En) => "hygiene",
        (RecallKind::Checkup, Locale::Ru) => "профосмотр",
        (RecallKind::Checkup, Locale::En) => "check-up",
        (RecallKind::Control, Locale::Ru) => "контрольный осмотр",
        (RecallKind::Control, Locale::En) => "control exam",
        (RecallKind::Followup, Locale::Ru) => "звонок после лечения",
        (RecallKind::Followup, Locale::En) => "follow-up",
    }
}

/// Quotes around a name from the card: «…» in Russian, “…” in English.
pub fn quote(locale: Locale, s: &str) -> String {
    match locale {
        Locale::Ru => format!("«{s}»"),
        Locale::En => format!("“{s}”"),
    }
}

/// Picks the Russian or English text.
pub fn tr(locale: Locale, ru: &str, en: &str) -> String {
    match locale {
        Locale::Ru => ru.to_string(),
        Locale::En => en.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_ru_days() {
        let f = |n| format!("{n} {}", plural_ru(n, "день", "дня", "дней"));
        assert_eq!(f(1), "1 день");
        assert_eq!(f(2), "2 дня");
        assert_eq!(f(4), "4 дня");
        assert_eq!(f(5), "5 дней");
        assert_eq!(f(0), "0 дней");
        for n in 11..=14 {
            assert_eq!(plural_ru(n, "день", "дня", "дней"), "дней", "{n}");
            assert_eq!(plural_ru(100 + n, "день", "дня", "дней"), "дней", "{}", 100 + n);
        }
        assert_eq!(f(21), "21 день");
        assert_eq!(f(22), "22 дня");
        assert_eq!(f(25), "25 дней");
        assert_eq!(f(101), "101 день");
        assert_eq!(f(111), "111 дней");
        assert_eq!(f(1000), "1000 дней");
        assert_eq!(plural_ru(-3, "день", "дня", "дней"), "дня");
    }

    #[test]
    fn count_uses_the_locale_rule() {
        let ru = ["месяц".to_string(), "месяца".into(), "месяцев".into()];
        assert_eq!(count(Locale::Ru, 6, &ru), "6 месяцев");
        assert_eq!(count(Locale::Ru, 3, &ru), "3 месяца");
        assert_eq!(count(Locale::Ru, 1, &ru), "1 месяц");
        let en = ["month".to_string(), "months".into()];
        assert_eq!(count(Locale::En, 1, &en), "1 month");
        assert_eq!(count(Locale::En, 6, &en), "6 months");
        assert_eq!(count(Locale::En, 0, &en), "0 months");
    }

    #[test]
    fn dates_with_and_without_the_year() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let ru = Dates { locale: Locale::Ru, reference_year: Some(2026) };
        assert_eq!(ru.short(d), "26.11");
        assert_eq!(ru.long(d), "чт, 26 ноября");
        let ru_other = Dates { locale: Locale::Ru, reference_year: Some(2025) };
        assert_eq!(ru_other.short(d), "26.11.2026");
        assert_eq!(ru_other.long(d), "чт, 26 ноября 2026");
        let en = Dates { locale: Locale::En, reference_year: Some(2026) };
        assert_eq!(en.short(d), "26 Nov");
        assert_eq!(en.long(d), "Thu 26 Nov");
        let en_none = Dates { locale: Locale::En, reference_year: None };
        assert_eq!(en_none.long(NaiveDate::from_ymd_opt(2027, 1, 8).unwrap()), "Fri 8 Jan 2027");
        let may = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
        assert_eq!(ru.long(may), "пт, 1 мая");
    }
}
