//! Phone numbers as written in Russian and Kazakh MIS, normalised to E.164.
//!
//! A small hand-written normaliser rather than the `phonenumber` crate: that crate carries the
//! whole libphonenumber metadata and adds about 2.0 MB to the extension's .wasm. This one knows
//! exactly what the product needs:
//!
//! - the shared +7 zone: Russia (national numbers starting 3, 4, 8, 9) and Kazakhstan (6, 7),
//!   written "8 916 123-45-67", "+7(916)123-45-67", "7 916 1234567", "916 123 45 67" (ten
//!   digits, the national number alone), with the Russian international prefix "8 10";
//! - any other country only in international form: "+<country code><number>" or "00...", 8 to
//!   15 digits in all (E.164), checked for length only;
//! - spaces, non-breaking spaces, dashes, dots, brackets; an extension after "доб.", "доп.",
//!   "вн.", "ext", "x" or "#", kept apart (messengers and SMS use the number without it).
//!
//! Anything else is refused with a reason ("cannot read this number"), never guessed: several
//! numbers in one field, letters, too few or too many digits, "+8 ...", unknown +7 ranges.

use std::fmt;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneCountry {
    Ru,
    Kz,
    /// Another country, written in international form; not checked beyond its length.
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Phone {
    /// "+79161234567".
    pub e164: String,
    pub country: PhoneCountry,
    /// The digits of an extension ("доб. 123"), if any.
    pub extension: Option<String>,
}

impl Phone {
    /// The digits without "+", as wa.me wants them.
    pub fn digits(&self) -> &str {
        &self.e164[1..]
    }

    /// "+7 916 123-45-67" for the +7 zone, else the E.164 form; with ", доб. 123" if any.
    pub fn display(&self) -> String {
        let main = if self.e164.len() == 12 && self.e164.starts_with("+7") {
            let d = &self.e164[2..];
            format!("+7 {} {}-{}-{}", &d[0..3], &d[3..6], &d[6..8], &d[8..10])
        } else {
            self.e164.clone()
        };
        match &self.extension {
            Some(x) => format!("{main} ext. {x}"),
            None => main,
        }
    }

    /// A Russian number outside the mobile range 9xx (a landline or 8-800): messengers and SMS
    /// may not reach it.
    pub fn is_ru_landline(&self) -> bool {
        self.country == PhoneCountry::Ru && !self.e164.starts_with("+79")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneError {
    Empty,
    /// Text that is not part of a number (letters, symbols).
    Unexpected(String),
    /// More than one number in the field ("8 916 ..., 8 495 ...").
    Several,
    TooShort(usize),
    TooLong(usize),
    /// "+8 ...": not a country code (a Russian number is +7, or 8 without the plus).
    PlusEight,
    /// A +7 number outside the Russian and Kazakh ranges.
    NotRuKz,
    /// A country code cannot start with 0.
    BadCountryCode,
    /// Not international and not a +7 number: the country is unknown.
    UnknownCountry,
}

impl PhoneError {
    /// The reason in the administrator's words.
    pub fn message(&self, locale: crate::model::Locale) -> String {
        use crate::model::Locale::*;
        match (self, locale) {
            (PhoneError::Empty, Ru) => "номер пустой".into(),
            (PhoneError::Empty, En) => "the number is empty".into(),
            (PhoneError::Unexpected(s), Ru) => format!("в номере лишний текст «{s}»"),
            (PhoneError::Unexpected(s), En) => format!("unexpected text “{s}” in the number"),
            (PhoneError::Several, Ru) => "в поле несколько номеров".into(),
            (PhoneError::Several, En) => "several numbers in one field".into(),
            (PhoneError::TooShort(n), Ru) => {
                format!("слишком мало цифр ({n} {})", super::lang::plural_ru(*n as i64, "цифра", "цифры", "цифр"))
            }
            (PhoneError::TooShort(n), En) => format!("too few digits ({n})"),
            (PhoneError::TooLong(n), Ru) => {
                format!("слишком много цифр ({n} {})", super::lang::plural_ru(*n as i64, "цифра", "цифры", "цифр"))
            }
            (PhoneError::TooLong(n), En) => format!("too many digits ({n})"),
            (PhoneError::PlusEight, Ru) => "«+8» — не код страны: российский номер пишется +7 или 8 без плюса".into(),
            (PhoneError::PlusEight, En) => {
                "“+8” is not a country code: a Russian number is +7, or 8 without the plus".into()
            }
            (PhoneError::NotRuKz, Ru) => "такого кода нет ни в России, ни в Казахстане".into(),
            (PhoneError::NotRuKz, En) => "no such code in Russia or Kazakhstan".into(),
            (PhoneError::BadCountryCode, Ru) => "код страны не может начинаться с 0".into(),
            (PhoneError::BadCountryCode, En) => "a country code cannot start with 0".into(),
            (PhoneError::UnknownCountry, Ru) => "непонятна страна: нужен номер с +код страны".into(),
            (PhoneError::UnknownCountry, En) => "the country is unclear: write it as +<country code>".into(),
        }
    }
}

impl fmt::Display for PhoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(crate::model::Locale::En))
    }
}

impl std::error::Error for PhoneError {}

const EXTENSION_MARKERS: &[&str] = &["добавочный", "доб", "доп", "вн", "ext", "x", "#"];

/// Splits "8 916 123-45-67 доб. 12" into the number and the extension digits.
fn split_extension(raw: &str) -> Result<(&str, Option<String>), PhoneError> {
    // Scan `raw` itself (lower-casing may change byte lengths, so positions are taken here).
    for (i, _) in raw.char_indices() {
        let rest = &raw[i..];
        let rest_lower = rest.to_lowercase();
        let Some(marker) = EXTENSION_MARKERS.iter().find(|m| rest_lower.starts_with(*m)) else { continue };
        // The marker must follow the number (a digit, space or bracket before it).
        if !raw[..i].chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        let after: String = rest.chars().skip(marker.chars().count()).collect();
        let after = after.trim_start_matches(|c: char| c == '.' || c == ':' || c == '№' || c.is_whitespace());
        if !after.is_empty() && after.chars().all(|c| c.is_ascii_digit()) && after.len() <= 6 {
            return Ok((&raw[..i], Some(after.to_string())));
        }
        return Err(PhoneError::Unexpected(super::names::clean(rest)));
    }
    Ok((raw, None))
}

/// Normalises a phone number as written on a card: RU/KZ (+7) in every usual national and
/// international spelling, other countries as "+<country code><number>" (E.164, length-checked).
/// Hand-written on purpose: the `phonenumber` crate would add about 2.0 MB to the .wasm. See the
/// module documentation for what is accepted and refused.
pub fn normalize_phone(raw: &str) -> Result<Phone, PhoneError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(PhoneError::Empty);
    }
    let digit_runs = |s: &str| {
        s.split([',', ';', '/', '\n']).filter(|p| p.chars().filter(|c| c.is_ascii_digit()).count() >= 5).count()
    };
    if digit_runs(raw) > 1 || raw.to_lowercase().contains(" или ") {
        return Err(PhoneError::Several);
    }
    let (main, extension) = split_extension(raw)?;
    let main = main.trim().trim_end_matches([',', ';']).trim_end();
    let mut digits = String::new();
    let mut plus = false;
    for (i, c) in main.chars().enumerate() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if i == 0 => plus = true,
            ' ' | '\u{00A0}' | '\u{202F}' | '-' | '‐' | '‑' | '–' | '—' | '(' | ')' | '.' => {}
            _ => {
                // Report the whole word, with an opening bracket before it: "(мама)".
                let chars: Vec<char> = main.chars().collect();
                let mut start = i;
                while start > 0 && matches!(chars[start - 1], '(' | '[') {
                    start -= 1;
                }
                let rest: String = chars[start..].iter().collect();
                return Err(PhoneError::Unexpected(super::names::clean(&rest)));
            }
        }
    }
    if digits.is_empty() {
        return Err(PhoneError::Empty);
    }
    // International prefixes: "00 49 ..." and the Russian "8 10 49 ...".
    if !plus && digits.starts_with("00") {
        digits.drain(..2);
        plus = true;
    } else if !plus && digits.starts_with("810") && digits.len() > 11 {
        digits.drain(..3);
        plus = true;
    }
    let national = if plus {
        if let Some(national) = digits.strip_prefix('7') {
            if digits.len() != 11 {
                return Err(length_error(digits.len(), 11));
            }
            national.to_string()
        } else if digits.starts_with('8') && digits.len() == 11 {
            return Err(PhoneError::PlusEight);
        } else if digits.starts_with('0') {
            return Err(PhoneError::BadCountryCode);
        } else {
            if digits.len() < 8 {
                return Err(PhoneError::TooShort(digits.len()));
            }
            if digits.len() > 15 {
                return Err(PhoneError::TooLong(digits.len()));
            }
            return Ok(Phone { e164: format!("+{digits}"), country: PhoneCountry::Other, extension });
        }
    } else {
        match digits.len() {
            11 if digits.starts_with('8') || digits.starts_with('7') => digits[1..].to_string(),
            10 => digits.clone(),
            11 => return Err(PhoneError::UnknownCountry),
            n if n < 10 => return Err(PhoneError::TooShort(n)),
            n => return Err(PhoneError::TooLong(n)),
        }
    };
    let country = match national.as_bytes()[0] {
        b'3' | b'4' | b'8' | b'9' => PhoneCountry::Ru,
        b'6' | b'7' => PhoneCountry::Kz,
        _ => return Err(PhoneError::NotRuKz),
    };
    Ok(Phone { e164: format!("+7{national}"), country, extension })
}

fn length_error(n: usize, want: usize) -> PhoneError {
    if n < want {
        PhoneError::TooShort(n)
    } else {
        PhoneError::TooLong(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e164(s: &str) -> String {
        match normalize_phone(s) {
            Ok(p) => p.e164,
            Err(e) => panic!("{s:?}: {e}"),
        }
    }

    #[test]
    fn russian_forms() {
        for s in [
            "8 916 123-45-67",
            "+7(916)123-45-67",
            "+7 (916) 123 45 67",
            "8(916)1234567",
            "89161234567",
            "79161234567",
            "+79161234567",
            "916 123-45-67",
            "9161234567",
            "8-916-123-45-67",
            "+7\u{00A0}916\u{00A0}123\u{2013}45\u{2013}67",
            " 8 (916) 123.45.67 ",
        ] {
            assert_eq!(e164(s), "+79161234567", "{s}");
        }
        assert_eq!(normalize_phone("8 916 123-45-67").unwrap().country, PhoneCountry::Ru);
        assert_eq!(e164("8 (495) 111-22-33"), "+74951112233");
        assert!(normalize_phone("8 (495) 111-22-33").unwrap().is_ru_landline());
        assert!(!normalize_phone("8 916 111-22-33").unwrap().is_ru_landline());
        assert_eq!(e164("8 800 555-35-35"), "+78005553535");
    }

    #[test]
    fn kazakh_forms() {
        let p = normalize_phone("+7 701 234 56 78").unwrap();
        assert_eq!((p.e164.as_str(), p.country), ("+77012345678", PhoneCountry::Kz));
        assert_eq!(e164("8 727 250-00-00"), "+77272500000");
        assert_eq!(normalize_phone("8 727 250-00-00").unwrap().country, PhoneCountry::Kz);
    }

    #[test]
    fn extensions() {
        for (s, ext) in [
            ("8 (495) 111-22-33 доб. 123", "123"),
            ("+7 495 111 22 33, доб 45", "45"),
            ("+7 495 111 22 33 ext. 7", "7"),
            ("+7 495 111 22 33 x12", "12"),
            ("+7 495 111 22 33 #12", "12"),
            ("84951112233 вн. 305", "305"),
            ("8 495 111-22-33 ДОБ.12", "12"),
        ] {
            let p = normalize_phone(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(p.e164, "+74951112233", "{s}");
            assert_eq!(p.extension.as_deref(), Some(ext), "{s}");
        }
        assert_eq!(normalize_phone("+7 495 111 22 33 доб. 12").unwrap().display(), "+7 495 111-22-33 ext. 12");
    }

    #[test]
    fn other_countries_in_international_form() {
        assert_eq!(e164("+49 30 1234567"), "+49301234567");
        assert_eq!(e164("0049 30 1234567"), "+49301234567");
        assert_eq!(e164("8 10 49 30 1234567"), "+49301234567");
        assert_eq!(e164("+375 (29) 123-45-67"), "+375291234567");
        assert_eq!(e164("+1 (415) 555-2671"), "+14155552671");
        assert_eq!(normalize_phone("+44 20 7946 0958").unwrap().country, PhoneCountry::Other);
    }

    #[test]
    fn refusals_say_why() {
        assert_eq!(normalize_phone(""), Err(PhoneError::Empty));
        assert_eq!(normalize_phone("  "), Err(PhoneError::Empty));
        assert_eq!(normalize_phone("нет"), Err(PhoneError::Unexpected("нет".into())));
        assert_eq!(normalize_phone("8 916 123-45-67, 8 495 111-22-33"), Err(PhoneError::Several));
        assert_eq!(normalize_phone("8 916 123-45-67 или 8 495 111-22-33"), Err(PhoneError::Several));
        assert_eq!(normalize_phone("8 916 123-45"), Err(PhoneError::TooShort(9)));
        assert_eq!(normalize_phone("8 916 123-45-67-8"), Err(PhoneError::TooLong(12)));
        assert_eq!(normalize_phone("+7 916 123-45-6"), Err(PhoneError::TooShort(10)));
        assert_eq!(normalize_phone("+8 916 123-45-67"), Err(PhoneError::PlusEight));
        assert_eq!(normalize_phone("+7 516 123-45-67"), Err(PhoneError::NotRuKz));
        assert_eq!(normalize_phone("+0 123 456 789"), Err(PhoneError::BadCountryCode));
        assert_eq!(normalize_phone("+1 234"), Err(PhoneError::TooShort(4)));
        assert_eq!(normalize_phone("+1 2345 6789 0123 4567"), Err(PhoneError::TooLong(17)));
        assert_eq!(normalize_phone("49 30 1234567"), Err(PhoneError::UnknownCountry));
        assert!(matches!(normalize_phone("8 916 123-45-67 мама"), Err(PhoneError::Unexpected(_))));
        assert_eq!(normalize_phone("8 916 123-45 (мама)"), Err(PhoneError::Unexpected("(мама)".into())));
        assert!(matches!(normalize_phone("<script>alert(1)</script>"), Err(PhoneError::Unexpected(_))));
        assert!(matches!(normalize_phone("8 916 123+45-67"), Err(PhoneError::Unexpected(_))));
        assert!(matches!(normalize_phone("доб. 123"), Err(PhoneError::Unexpected(_))));
        let ru = PhoneError::TooShort(9).message(crate::model::Locale::Ru);
        assert_eq!(ru, "слишком мало цифр (9 цифр)");
        assert_eq!(PhoneError::TooShort(4).message(crate::model::Locale::Ru), "слишком мало цифр (4 цифры)");
    }
}
