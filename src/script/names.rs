//! Names as the patient is addressed, and cleaning of card text before it enters a script.
//!
//! Names are never declined: the templates put them where the nominative case is right
//! ("Мария Ивановна, здравствуйте!", "врач — стоматолог-терапевт Петрова Анна Игоревна").

use crate::model::{Locale, Patient, Sex};

/// Longest text taken from the card into one placeholder (characters).
pub const MAX_VALUE_CHARS: usize = 200;

/// Card text made safe to show and to send as plain text: control and bidirectional-override
/// characters removed, runs of whitespace (newlines included) made one space, trimmed, and cut
/// at [`MAX_VALUE_CHARS`] with "…". Markup stays as it is ("<b>" is text, not a tag): the
/// overlay draws text only, and links percent-encode it.
pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    let mut n = 0;
    for c in s.chars() {
        if is_invisible_control(c) {
            continue;
        }
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
            n += 1;
        }
        if n >= MAX_VALUE_CHARS {
            out.push('…');
            return out;
        }
        out.push(c);
        n += 1;
    }
    out
}

fn is_invisible_control(c: char) -> bool {
    (c.is_control() && !c.is_whitespace())
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// [`clean`], `None` when nothing is left.
pub fn clean_opt(s: Option<&str>) -> Option<String> {
    s.map(clean).filter(|s| !s.is_empty())
}

/// "Пациент просит ..." -> "пациент просит ..." after a colon; words in capitals ("SMS") stay.
pub fn decapitalize(s: &str) -> String {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase() => {
            first.to_lowercase().chain(s.chars().skip(1)).collect()
        }
        _ => s.to_string(),
    }
}

/// The parts of a person's name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameParts {
    pub family: Option<String>,
    pub given: Option<String>,
    pub patronymic: Option<String>,
}

const PATRONYMIC_ENDINGS: &[&str] =
    &["ович", "евич", "ёвич", "овна", "евна", "ёвна", "ична", "инична", "ьич", "ьинична"];
const TURKIC_PATRONYMIC: &[&str] = &["оглы", "кызы", "улы", "қызы", "угли", "кизи"];

fn is_patronymic(word: &str) -> bool {
    let w = word.to_lowercase();
    w.chars().count() > 4 && PATRONYMIC_ENDINGS.iter().any(|e| w.ends_with(e))
}

/// An initial ("М." or "М") cannot be used to address anyone.
fn is_initial(word: &str) -> bool {
    word.ends_with('.') || word.chars().filter(|c| c.is_alphabetic()).count() < 2
}

fn has_cyrillic(s: &str) -> bool {
    s.chars().any(|c| matches!(c, '\u{0400}'..='\u{04FF}'))
}

/// "ИВАНОВА" -> "Иванова"; mixed case is kept as written ("МакКой", "Мария-Луиза").
fn fix_case(word: &str) -> String {
    let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() > 1 && letters.iter().all(|c| c.is_uppercase()) {
        let mut out = String::new();
        let mut start = true;
        for c in word.chars() {
            if start {
                out.extend(c.to_uppercase());
            } else {
                out.extend(c.to_lowercase());
            }
            start = c == '-';
        }
        out
    } else {
        word.to_string()
    }
}

/// Splits a full name as Russian MIS write it, family name first ("Иванова Мария Ивановна").
/// A patronymic is recognised by its ending (-ович, -евна, -ична, ...; "оглы"/"кызы" joined to
/// the word before), which also tells the order when it is not family-first ("Мария Ивановна
/// Иванова"). Two Latin words are read as "Given Family". A single word is not split (it may
/// be a family name): it gives no name to address the patient by.
pub fn split_full_name(full: &str) -> NameParts {
    let mut words: Vec<String> = clean(full).split(' ').filter(|w| !w.is_empty()).map(fix_case).collect();
    // "Алиев Рашид Гасан оглы": the patronymic is two words.
    if words.len() >= 3 {
        let last = words[words.len() - 1].to_lowercase();
        if TURKIC_PATRONYMIC.contains(&last.as_str()) {
            let tail = words.pop().unwrap();
            let prev = words.pop().unwrap();
            words.push(format!("{prev} {tail}"));
        }
    }
    let turkic = |w: &str| w.contains(' ');
    let patr = |w: &str| is_patronymic(w) || turkic(w);
    let s = |w: &String| Some(w.clone());
    match words.as_slice() {
        [] | [_] => NameParts::default(),
        [a, b] if patr(b) => NameParts { family: None, given: s(a), patronymic: s(b) },
        [a, b] if !has_cyrillic(a) && !has_cyrillic(b) => NameParts { family: s(b), given: s(a), patronymic: None },
        [a, b] => NameParts { family: s(a), given: s(b), patronymic: None },
        [a, b, c] if !patr(c) && patr(b) => NameParts { family: s(c), given: s(a), patronymic: s(b) },
        [a, b, c, ..] => NameParts { family: s(a), given: s(b), patronymic: if patr(c) { s(c) } else { None } },
    }
}

/// The patient's name parts: the separate fields when the card has them, else split from
/// the full name.
pub fn name_parts(p: &Patient) -> NameParts {
    let given = clean_opt(p.given.as_deref()).map(|g| fix_case(&g));
    if given.is_some() {
        return NameParts {
            family: clean_opt(p.family.as_deref()).map(|f| fix_case(&f)),
            given,
            patronymic: clean_opt(p.patronymic.as_deref()).map(|x| fix_case(&x)),
        };
    }
    let mut parts = p.full_name.as_deref().map(split_full_name).unwrap_or_default();
    if parts.family.is_none() {
        parts.family = clean_opt(p.family.as_deref()).map(|f| fix_case(&f));
    }
    parts
}

/// How the script addresses the patient. Russian: given name and patronymic ("Мария
/// Ивановна"), or the given name alone when there is no patronymic. English: "Ms Popova" /
/// "Mr Novikov" when the sex and family name are known, else the given name. `None` when no
/// usable name is known (an initial, a single word that may be a family name).
pub fn greeting_name(p: &Patient, locale: Locale) -> Option<String> {
    let parts = name_parts(p);
    let given = parts.given.filter(|g| !is_initial(g));
    match locale {
        Locale::Ru => {
            let given = given?;
            match parts.patronymic.filter(|x| !is_initial(x)) {
                Some(patr) => Some(format!("{given} {patr}")),
                None => Some(given),
            }
        }
        Locale::En => match (p.sex, parts.family.filter(|f| !is_initial(f))) {
            (Some(Sex::Female), Some(f)) => Some(format!("Ms {f}")),
            (Some(Sex::Male), Some(f)) => Some(format!("Mr {f}")),
            _ => given,
        },
    }
}

/// The full name as the card writes it (cleaned), or built from the parts.
pub fn full_name(p: &Patient) -> Option<String> {
    clean_opt(p.full_name.as_deref()).or_else(|| {
        let parts = name_parts(p);
        let words: Vec<String> = [parts.family, parts.given, parts.patronymic].into_iter().flatten().collect();
        (!words.is_empty()).then(|| words.join(" "))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full(s: &str) -> Patient {
        Patient { full_name: Some(s.into()), ..Default::default() }
    }

    #[test]
    fn greeting_from_separate_parts() {
        let p = Patient {
            family: Some("Иванова".into()),
            given: Some("Мария".into()),
            patronymic: Some("Ивановна".into()),
            full_name: Some("Петрова Анна Сергеевна".into()),
            ..Default::default()
        };
        assert_eq!(greeting_name(&p, Locale::Ru).as_deref(), Some("Мария Ивановна"));
        let no_patr = Patient { given: Some("Мария".into()), ..Default::default() };
        assert_eq!(greeting_name(&no_patr, Locale::Ru).as_deref(), Some("Мария"));
    }

    #[test]
    fn greeting_split_from_the_full_name() {
        let g = |s: &str| greeting_name(&full(s), Locale::Ru);
        assert_eq!(g("Иванова Мария Ивановна").as_deref(), Some("Мария Ивановна"));
        assert_eq!(g("  ИВАНОВА   МАРИЯ ИВАНОВНА ").as_deref(), Some("Мария Ивановна"));
        assert_eq!(g("Мария Ивановна Иванова").as_deref(), Some("Мария Ивановна"));
        assert_eq!(g("Мария Ивановна").as_deref(), Some("Мария Ивановна"));
        assert_eq!(g("Иванова Мария").as_deref(), Some("Мария"));
        assert_eq!(g("Шостакович Дмитрий Дмитриевич").as_deref(), Some("Дмитрий Дмитриевич"));
        assert_eq!(g("Алиев Рашид Гасан оглы").as_deref(), Some("Рашид Гасан оглы"));
        assert_eq!(g("Ильин Пётр Ильич").as_deref(), Some("Пётр Ильич"));
        assert_eq!(g("Кузьмина Анна Кузьминична").as_deref(), Some("Анна Кузьминична"));
        assert_eq!(g("Римский-Корсаков Николай Андреевич").as_deref(), Some("Николай Андреевич"));
        assert_eq!(g("Иванова"), None, "one word may be the family name");
        assert_eq!(g("Иванова М. И."), None, "an initial is no name to address");
        assert_eq!(g(""), None);
        assert_eq!(g("Maria Smith").as_deref(), Some("Maria"));
    }

    #[test]
    fn english_greeting() {
        let mut p = full("Попова Анна Владимировна");
        assert_eq!(greeting_name(&p, Locale::En).as_deref(), Some("Анна"));
        p.sex = Some(Sex::Female);
        assert_eq!(greeting_name(&p, Locale::En).as_deref(), Some("Ms Попова"));
    }

    #[test]
    fn clean_removes_controls_and_keeps_markup_as_text() {
        assert_eq!(clean("  a\n\tb\u{202E}c\u{0007} "), "a bc");
        assert_eq!(clean("<script>alert(1)</script>"), "<script>alert(1)</script>");
        assert_eq!(decapitalize("Пациент просит"), "пациент просит");
        assert_eq!(decapitalize("SMS запрещены"), "SMS запрещены");
        let long = "я".repeat(500);
        assert_eq!(clean(&long).chars().count(), MAX_VALUE_CHARS + 1);
        assert!(clean(&long).ends_with('…'));
    }
}
