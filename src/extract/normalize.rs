//! Normalisers: page text (as a person reads it) to contract values.
//!
//! Each takes whitespace-normalised text and returns `Ok(Some(value))`, `Ok(None)` for an
//! explicit "not stated" ("не указано", "—"), or `Err(Rejected)` when the text is not what the
//! field expects (the engine then records the field as invalid). None of them panics.

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};
use serde_json::Value;

use crate::model::{Channel, LocalDateTime};

/// The text is not what the field expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rejected;

/// Invisible characters a page may use to disguise text (zero-width, bidi controls, soft hyphen).
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Collapses whitespace (including no-break and thin spaces) to single spaces, trims, drops
/// control characters, and stops at `max_bytes` (on a character boundary).
///
/// Invisible format characters (zero-width, bidi controls) are kept: the snapshot is the
/// page's data, verbatim. Whoever shows it must isolate it (the overlay: text nodes with
/// `unicode-bidi: isolate`), and matching uses [`key`], which drops them.
pub struct TextSink {
    out: String,
    max_bytes: usize,
    pending_space: bool,
    full: bool,
}

impl TextSink {
    pub fn new(max_bytes: usize) -> Self {
        TextSink { out: String::new(), max_bytes, pending_space: false, full: false }
    }

    /// The cap, in bytes.
    pub fn max_bytes(&self) -> usize {
        self.max_bytes
    }

    /// True once the cap is reached: callers can stop feeding.
    pub fn is_full(&self) -> bool {
        self.full
    }

    pub fn push(&mut self, s: &str) {
        for c in s.chars() {
            if self.full {
                return;
            }
            if c.is_whitespace() {
                self.pending_space = !self.out.is_empty();
                continue;
            }
            if c.is_control() {
                continue;
            }
            let need = c.len_utf8() + usize::from(self.pending_space);
            if self.out.len() + need > self.max_bytes {
                self.full = true;
                return;
            }
            if self.pending_space {
                self.out.push(' ');
                self.pending_space = false;
            }
            self.out.push(c);
        }
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// Whitespace-normalised text, at most `max_bytes` long.
pub fn normalize_text(s: &str, max_bytes: usize) -> String {
    let mut sink = TextSink::new(max_bytes);
    sink.push(s);
    sink.finish()
}

/// Lower case for the scripts clinic pages use (Latin, Latin-1, Cyrillic, Greek); other
/// characters are kept. By hand: the full Unicode case tables cost ~15 KB of .wasm.
pub fn lower_char(c: char) -> char {
    let u = c as u32;
    let l = match u {
        0x41..=0x5A | 0xC0..=0xD6 | 0xD8..=0xDE | 0x391..=0x3A1 | 0x3A3..=0x3AB | 0x410..=0x42F => u + 0x20,
        0x400..=0x40F => u + 0x50,
        _ => u,
    };
    char::from_u32(l).unwrap_or(c)
}

pub fn lower(s: &str) -> String {
    s.chars().map(lower_char).collect()
}

/// A letter of the scripts clinic pages use (see [`lower_char`]), or any other non-ASCII
/// character that is not a space or punctuation mark we know.
pub fn is_letter(c: char) -> bool {
    let u = c as u32;
    c.is_ascii_alphabetic() || matches!(u, 0xC0..=0xD6 | 0xD8..=0xF6 | 0xF8..=0x24F | 0x370..=0x3FF | 0x400..=0x52F)
}

/// The text without invisible format characters (zero-width, bidi controls, soft hyphen).
pub fn strip_invisible(s: &str) -> String {
    s.chars().filter(|c| !is_invisible(*c)).collect()
}

/// Lower case, trimmed, without invisible characters and trailing punctuation: the key for
/// labels, headers, maps and word lists.
pub fn key(s: &str) -> String {
    // Called for every element's text on label-read pages: one pass and one allocation
    // when there is nothing invisible to drop (the usual case).
    let visible;
    let s = if s.chars().any(is_invisible) {
        visible = strip_invisible(s);
        visible.as_str()
    } else {
        s
    };
    let t = s.trim().trim_end_matches(['.', ':', ';', ',', '!', '*']).trim();
    t.chars().map(|c| if c == 'ё' || c == 'Ё' { 'е' } else { lower_char(c) }).collect()
}

/// Whether `key(s) == k`, without building `key(s)` when `s` has nothing invisible (the
/// usual case): a map's words are compared with every row's text (a heavy card: ~80,000 times).
pub fn is_key_of(s: &str, k: &str) -> bool {
    if s.chars().any(is_invisible) {
        return key(s) == k;
    }
    let t = s.trim().trim_end_matches(['.', ':', ';', ',', '!', '*']).trim();
    t.chars().map(|c| if c == 'ё' || c == 'Ё' { 'е' } else { lower_char(c) }).eq(k.chars())
}

/// Markers that mean "the page states nothing here".
fn is_unstated(k: &str) -> bool {
    matches!(
        k,
        "" | "-"
            | "—"
            | "–"
            | "?"
            | "н/д"
            | "нет данных"
            | "не указано"
            | "не указан"
            | "не указана"
            | "неизвестно"
            | "не заполнено"
            | "n/a"
            | "unknown"
            | "not specified"
            | "none"
    )
}

// ---------------------------------------------------------------------------------------------
// Dates and times

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(u32, usize),
    Word(String),
    Punct(char),
}

fn tokens(s: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut chars = s.chars().filter(|c| !is_invisible(*c)).peekable();
    while let Some(&c) = chars.peek() {
        if out.len() >= 64 {
            break;
        }
        if c.is_ascii_digit() {
            let mut n: u32 = 0;
            let mut len = 0;
            while let Some(&d) = chars.peek() {
                let Some(v) = d.to_digit(10).filter(|_| d.is_ascii_digit()) else { break };
                n = n.saturating_mul(10).saturating_add(v);
                len += 1;
                chars.next();
            }
            out.push(Tok::Num(n, len));
        } else if is_letter(c) {
            let mut w = String::new();
            while let Some(&d) = chars.peek() {
                if !is_letter(d) {
                    break;
                }
                if w.len() < 32 {
                    w.push(lower_char(d));
                }
                chars.next();
            }
            out.push(Tok::Word(w));
        } else {
            if !c.is_whitespace() {
                out.push(Tok::Punct(c));
            }
            chars.next();
        }
    }
    out
}

/// Month number from a Russian or English month word (any case form, abbreviations).
fn month_word(w: &str) -> Option<u32> {
    const STEMS: [(&str, u32); 24] = [
        ("янв", 1),
        ("фев", 2),
        ("мар", 3),
        ("апр", 4),
        ("ма", 5),
        ("июн", 6),
        ("июл", 7),
        ("авг", 8),
        ("сен", 9),
        ("окт", 10),
        ("ноя", 11),
        ("дек", 12),
        ("jan", 1),
        ("feb", 2),
        ("mar", 3),
        ("apr", 4),
        ("may", 5),
        ("jun", 6),
        ("jul", 7),
        ("aug", 8),
        ("sep", 9),
        ("oct", 10),
        ("nov", 11),
        ("dec", 12),
    ];
    if w.chars().count() < 3 {
        return None;
    }
    // "мая"/"май" share a stem with "марта": check the longer stem first.
    if w.starts_with("мар") {
        return Some(3);
    }
    STEMS.iter().find(|(stem, _)| w.starts_with(stem)).map(|&(_, m)| m)
}

#[derive(Clone, Copy, PartialEq)]
pub enum DateOrder {
    /// 26.11.2026, 26/11/2026 (Russia, most of Europe).
    DayFirst,
    /// 11/26/2026 (USA).
    MonthFirst,
}

/// Finds a date in the tokens: returns it and the index just after it.
fn find_date(toks: &[Tok], order: DateOrder) -> Option<(NaiveDate, usize)> {
    use Tok::*;
    for i in 0..toks.len() {
        let rest = &toks[i..];
        match rest {
            [Num(y, 4), Punct(a), Num(m, _), Punct(b), Num(d, _), ..] if *a == '-' && *b == '-' => {
                return NaiveDate::from_ymd_opt(*y as i32, *m, *d).map(|dt| (dt, i + 5));
            }
            [Num(p, pl), Punct(a), Num(q, ql), Punct(b), Num(y, 4), ..]
                if a == b && matches!(a, '.' | '/' | '-') && *pl <= 2 && *ql <= 2 =>
            {
                let (d, m) = match order {
                    DateOrder::DayFirst => (*p, *q),
                    DateOrder::MonthFirst => (*q, *p),
                };
                return NaiveDate::from_ymd_opt(*y as i32, m, d).map(|dt| (dt, i + 5));
            }
            [Num(d, dl), Word(w), Num(y, 4), ..] if *dl <= 2 => {
                if let Some(m) = month_word(w) {
                    return NaiveDate::from_ymd_opt(*y as i32, m, *d).map(|dt| (dt, i + 3));
                }
            }
            [Num(d, dl), Word(w), Punct('.'), Num(y, 4), ..] if *dl <= 2 => {
                if let Some(m) = month_word(w) {
                    return NaiveDate::from_ymd_opt(*y as i32, m, *d).map(|dt| (dt, i + 4));
                }
            }
            [Word(w), Num(d, dl), Punct(','), Num(y, 4), ..] | [Word(w), Num(d, dl), Num(y, 4), ..] if *dl <= 2 => {
                if let Some(m) = month_word(w) {
                    let used = if matches!(rest[2], Punct(_)) { 4 } else { 3 };
                    return NaiveDate::from_ymd_opt(*y as i32, m, *d).map(|dt| (dt, i + used));
                }
            }
            _ => {}
        }
    }
    None
}

/// Finds "H:MM" (optionally ":SS", optionally am/pm) at or after `from`.
fn find_time(toks: &[Tok], from: usize) -> Option<NaiveTime> {
    use Tok::*;
    for i in from..toks.len() {
        if let [Num(h, hl), Punct(':'), Num(m, 2), rest @ ..] = &toks[i..] {
            if *hl > 2 {
                continue;
            }
            let mut hour = *h;
            let mut rest = rest;
            if let [Punct(':'), Num(_, 2), more @ ..] = rest {
                rest = more;
            }
            let meridiem = match rest.first() {
                Some(Word(w)) if w == "am" || w == "a" => Some(false),
                Some(Word(w)) if w == "pm" || w == "p" => Some(true),
                _ => None,
            };
            if let Some(pm) = meridiem {
                if hour == 0 || hour > 12 {
                    return None;
                }
                hour = match (hour, pm) {
                    (12, false) => 0,
                    (12, true) => 12,
                    (h, true) => h + 12,
                    (h, false) => h,
                };
            }
            return NaiveTime::from_hms_opt(hour, *m, 0);
        }
    }
    None
}

/// A date as "YYYY-MM-DD" from "26.11.2026", "2026-11-26", "26 ноября 2026 г.", "11/26/2026"
/// (month first) and the like; a trailing time is ignored.
pub fn date(s: &str, order: DateOrder) -> Result<Option<Value>, Rejected> {
    if is_unstated(&key(s)) {
        return Ok(None);
    }
    let toks = tokens(s);
    let (d, _) = find_date(&toks, order).ok_or(Rejected)?;
    Ok(Some(Value::String(iso_date(d))))
}

/// A local date-time as "YYYY-MM-DDTHH:MM" from "26.11.2026 14:00", "11/26/2026 2:00 PM",
/// or any ISO 8601 form the contract reads (kept as given, with its offset).
pub fn datetime(s: &str, order: DateOrder) -> Result<Option<Value>, Rejected> {
    if is_unstated(&key(s)) {
        return Ok(None);
    }
    if LocalDateTime::parse(s).is_some() {
        return Ok(Some(Value::String(s.trim().to_string())));
    }
    let toks = tokens(s);
    let (d, next) = find_date(&toks, order).ok_or(Rejected)?;
    let t = find_time(&toks, next).ok_or(Rejected)?;
    Ok(Some(Value::String(format!("{}T{:02}:{:02}", iso_date(d), t.hour(), t.minute()))))
}

/// "YYYY-MM-DD" (by hand: chrono's formatter costs kilobytes of .wasm).
fn iso_date(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

// ---------------------------------------------------------------------------------------------
// Numbers

/// The first number in the text: "4 500 ₽" -> 4500, "4 500,00 руб." -> 4500, "$1,234.50" ->
/// 1234.5, "−10 %" -> -10. Spaces between digit groups are thousands separators; a single
/// comma followed by one or two digits is a decimal comma.
pub fn number(s: &str) -> Result<Option<f64>, Rejected> {
    if is_unstated(&key(s)) {
        return Ok(None);
    }
    let chars: Vec<char> = s.chars().filter(|c| !is_invisible(*c)).take(256).collect();
    let start = chars.iter().position(|c| c.is_ascii_digit()).ok_or(Rejected)?;
    let negative = start > 0 && matches!(chars[start - 1], '-' | '−' | '–');
    let mut digits = String::new(); // digits and separators as they appear
    let mut i = start;
    while i < chars.len() {
        let c = chars[i];
        let next_digit = chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
        if c.is_ascii_digit() || ((c == ',' || c == '.') && next_digit) {
            digits.push(c);
        } else if (c.is_whitespace() || c == '\'') && next_digit {
            // thousands separator: skip
        } else {
            break;
        }
        i += 1;
    }
    let commas = digits.matches(',').count();
    let dots = digits.matches('.').count();
    let decimal = match (commas, dots) {
        (0, 0) => None,
        (_, 0) => {
            let after = digits.rsplit(',').next().map_or(0, str::len);
            (commas == 1 && after != 3).then_some(',')
        }
        (0, _) => (dots == 1).then_some('.'),
        _ => {
            // Both: the last one is the decimal separator.
            if digits.rfind(',') > digits.rfind('.') {
                Some(',')
            } else {
                Some('.')
            }
        }
    };
    // The digits as a whole number and the count of those after the decimal separator; one
    // division then rounds as `str::parse` does (both exact up to 15 digits), without the
    // standard float parser and its tables (~30 KB of .wasm).
    let (mut whole, mut scale, mut after) = (0f64, 0i32, false);
    for c in digits.chars() {
        if let Some(d) = c.to_digit(10) {
            whole = whole * 10.0 + d as f64;
            scale += after as i32;
        } else if Some(c) == decimal {
            after = true;
        }
    }
    let v = whole / 10f64.powi(scale);
    if !v.is_finite() {
        return Err(Rejected);
    }
    Ok(Some(if negative { -v } else { v }))
}

pub fn number_value(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        Value::from(v as i64)
    } else {
        serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
    }
}

// ---------------------------------------------------------------------------------------------
// Words

/// "да/нет/не указано" -> true/false/null (and English, marks, "подписан"/"не подписан").
pub fn boolean(s: &str) -> Result<Option<bool>, Rejected> {
    let k = key(s);
    if is_unstated(&k) {
        return Ok(None);
    }
    const YES: [&str; 17] = [
        "да",
        "yes",
        "y",
        "true",
        "1",
        "+",
        "✓",
        "✔",
        "☑",
        "есть",
        "подписан",
        "подписано",
        "подписана",
        "согласен",
        "согласна",
        "согласие есть",
        "on",
    ];
    const NO: [&str; 17] = [
        "нет",
        "no",
        "n",
        "false",
        "0",
        "✗",
        "✘",
        "☐",
        "отказ",
        "не подписан",
        "не подписано",
        "не подписана",
        "не согласен",
        "не согласна",
        "согласия нет",
        "off",
        "отсутствует",
    ];
    if YES.contains(&k.as_str()) {
        Ok(Some(true))
    } else if NO.contains(&k.as_str()) {
        Ok(Some(false))
    } else {
        Err(Rejected)
    }
}

/// One word of text to a channel: "WhatsApp", "wa", "ватсап", "Телеграм", "смс", "e-mail"...
fn channel_word(w: &str) -> Option<Channel> {
    const EXACT: [(&str, Channel); 16] = [
        ("wa", Channel::Whatsapp),
        ("whatsapp", Channel::Whatsapp),
        ("tg", Channel::Telegram),
        ("тг", Channel::Telegram),
        ("telegram", Channel::Telegram),
        ("viber", Channel::Viber),
        ("max", Channel::Max),
        ("макс", Channel::Max),
        ("sms", Channel::Sms),
        ("смс", Channel::Sms),
        ("email", Channel::Email),
        ("mail", Channel::Email),
        ("call", Channel::Call),
        ("phone", Channel::Call),
        ("звонок", Channel::Call),
        ("звонки", Channel::Call),
    ];
    const STEMS: [(&str, Channel); 10] = [
        ("ватсап", Channel::Whatsapp),
        ("вотсап", Channel::Whatsapp),
        ("вацап", Channel::Whatsapp),
        ("whatsapp", Channel::Whatsapp),
        ("телеграм", Channel::Telegram),
        ("telegram", Channel::Telegram),
        ("вайбер", Channel::Viber),
        ("вибер", Channel::Viber),
        ("почт", Channel::Email),
        ("звон", Channel::Call),
    ];
    if let Some((_, c)) = EXACT.iter().find(|(e, _)| *e == w) {
        return Some(*c);
    }
    STEMS.iter().find(|(stem, _)| w.starts_with(stem)).map(|&(_, c)| c)
}

/// Every channel named in the text, in order, without repeats: "WhatsApp, Telegram" or a
/// class list "icon msg-whatsapp" both work.
pub fn channels(s: &str) -> Vec<Channel> {
    let lowered = lower(&strip_invisible(s)).replace("e-mail", "email");
    let mut out = Vec::new();
    for w in lowered.split(|c: char| !(is_letter(c) || c.is_ascii_digit())).filter(|w| !w.is_empty()).take(256) {
        if let Some(c) = channel_word(w) {
            if !out.contains(&c) {
                out.push(c);
            }
        }
    }
    out
}

/// A contact value to its kind: an "@" means e-mail, otherwise a phone.
pub fn contact_kind(s: &str) -> &'static str {
    if s.contains('@') {
        "email"
    } else {
        "phone"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_is_collapsed_cleaned_and_capped() {
        assert_eq!(normalize_text("  a \u{a0}\n b\u{1}c\t ", 100), "a bc");
        assert_eq!(normalize_text("абвгд", 5), "аб");
        // Verbatim data: invisible characters stay; matching keys drop them.
        assert_eq!(normalize_text("\u{202e}evil\u{200b}", 100), "\u{202e}evil\u{200b}");
        assert_eq!(key("\u{202e}Теле\u{200b}фон:"), "телефон");
    }

    #[test]
    fn is_key_of_agrees_with_key() {
        for s in ["Записан", " Ещё раз: ", "\u{202e}Теле\u{200b}фон:", "", " . ", "ТЕЛЕФОН*", "Телефон (моб.)"]
        {
            for k in ["записан", "еще раз", "телефон", "", "телефон (моб", "телефон (моб.)"]
            {
                assert_eq!(is_key_of(s, k), key(s) == k, "{s:?} / {k:?}");
            }
        }
    }

    #[test]
    fn dates_in_russian_iso_and_us_forms() {
        let d = |s| date(s, DateOrder::DayFirst);
        assert_eq!(d("26.11.2026"), Ok(Some(json!("2026-11-26"))));
        assert_eq!(d("26.11.2026 14:00"), Ok(Some(json!("2026-11-26"))));
        assert_eq!(d("2026-11-26"), Ok(Some(json!("2026-11-26"))));
        assert_eq!(d("26 ноября 2026 г."), Ok(Some(json!("2026-11-26"))));
        assert_eq!(d("3 мая 2026"), Ok(Some(json!("2026-05-03"))));
        assert_eq!(d("3 марта 2026"), Ok(Some(json!("2026-03-03"))));
        assert_eq!(d("не указано"), Ok(None));
        assert_eq!(d("26.\u{200b}11.2026"), Ok(Some(json!("2026-11-26"))));
        assert_eq!(d("31.02.2026"), Err(Rejected));
        assert_eq!(d("вчера"), Err(Rejected));
        assert_eq!(date("11/26/2026", DateOrder::MonthFirst), Ok(Some(json!("2026-11-26"))));
        assert_eq!(date("Nov 26, 2026", DateOrder::MonthFirst), Ok(Some(json!("2026-11-26"))));
        assert_eq!(date("11/26/2026", DateOrder::DayFirst), Err(Rejected));
    }

    #[test]
    fn datetimes() {
        let dt = |s| datetime(s, DateOrder::DayFirst);
        assert_eq!(dt("26.11.2026 14:00"), Ok(Some(json!("2026-11-26T14:00"))));
        assert_eq!(dt("26.11.2026, 9:05"), Ok(Some(json!("2026-11-26T09:05"))));
        assert_eq!(dt("26 ноября 2026 в 14:00"), Ok(Some(json!("2026-11-26T14:00"))));
        assert_eq!(dt("2026-11-26T14:00:00+03:00"), Ok(Some(json!("2026-11-26T14:00:00+03:00"))));
        assert_eq!(dt("26.11.2026"), Err(Rejected));
        assert_eq!(dt("26.11.2026 25:00"), Err(Rejected));
        let us = |s| datetime(s, DateOrder::MonthFirst);
        assert_eq!(us("11/26/2026 2:00 PM"), Ok(Some(json!("2026-11-26T14:00"))));
        assert_eq!(us("11/26/2026 12:30 am"), Ok(Some(json!("2026-11-26T00:30"))));
        assert_eq!(us("11/26/2026 14:00"), Ok(Some(json!("2026-11-26T14:00"))));
    }

    #[test]
    fn prices_and_percentages() {
        assert_eq!(number("4 500 ₽"), Ok(Some(4500.0)));
        assert_eq!(number("4\u{a0}500,00 руб."), Ok(Some(4500.0)));
        assert_eq!(number("4 500,50 руб."), Ok(Some(4500.5)));
        assert_eq!(number("$1,234.50"), Ok(Some(1234.5)));
        assert_eq!(number("1,234"), Ok(Some(1234.0)));
        assert_eq!(number("10%"), Ok(Some(10.0)));
        assert_eq!(number("−15 %"), Ok(Some(-15.0)));
        assert_eq!(number("4 500 ₽ (10%)"), Ok(Some(4500.0)));
        assert_eq!(number("бесплатно"), Err(Rejected));
        assert_eq!(number("—"), Ok(None));
        // Up to 15 digits the value is exactly the standard parser's, decimals included.
        let mut seed = 11u64;
        for _ in 0..20_000 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let digits = (seed >> 20) % 10u64.pow(1 + (seed % 15) as u32);
            let text = digits.to_string();
            let point = (seed >> 8) as usize % (text.len() + 1);
            let with_point = format!("{}.{}", &text[..point], &text[point..]).trim_start_matches('.').to_string();
            let decimal = if with_point.ends_with('.') { text.clone() } else { with_point };
            let decimal = if decimal.starts_with('.') { format!("0{decimal}") } else { decimal };
            assert_eq!(number(&decimal), Ok(Some(decimal.parse::<f64>().unwrap())), "{decimal}");
        }
        assert_eq!(number(&"9".repeat(400)), Ok(Some("9".repeat(256).parse().unwrap())));
        assert_eq!(number_value(4500.0), json!(4500));
        assert_eq!(number_value(12.5), json!(12.5));
    }

    #[test]
    fn booleans_and_channels() {
        assert_eq!(boolean("Да"), Ok(Some(true)));
        assert_eq!(boolean("нет."), Ok(Some(false)));
        assert_eq!(boolean("Не указано"), Ok(None));
        assert_eq!(boolean("может быть"), Err(Rejected));
        assert_eq!(channels("WhatsApp, Telegram"), vec![Channel::Whatsapp, Channel::Telegram]);
        assert_eq!(channels("icon msg-viber"), vec![Channel::Viber]);
        assert_eq!(channels("Ватсапом и по e-mail"), vec![Channel::Whatsapp, Channel::Email]);
        assert_eq!(channels("maximum"), vec![]);
        assert_eq!(channels("What\u{200b}sApp"), vec![Channel::Whatsapp]);
        assert_eq!(number("4\u{200b} 500 ₽"), Ok(Some(4500.0)));
        assert_eq!(contact_kind("a@b.ru"), "email");
    }

    #[test]
    fn lower_case_for_clinic_scripts() {
        assert_eq!(lower("ПРИВЕТ Ёж ЀЏ Wörld ÀÉ ΣΑ"), "привет ёж ѐџ wörld àé σα");
        assert_eq!(key(" Отменён. "), "отменен");
        assert!(is_letter('я') && is_letter('é') && !is_letter('1') && !is_letter('-') && !is_letter(' '));
    }
}
