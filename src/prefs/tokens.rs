//! The tokenizer: note text to classified tokens that remember where they are in the note
//! (the reader reports statements in the administrator's own words).
//!
//! Normalisation happens here: case, ё, latin/cyrillic look-alikes, glued words ("незвонить",
//! "с12до15"), numeral suffixes ("12-ти"), emoji that mean something (🚫, 📞, ✅) and noise
//! (other emoji, quotes, stray symbols), phone numbers and addresses kept as opaque data.

use super::lexicon::{self, Head, Lex};
use crate::model::Channel;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum T {
    Word(Lex),
    Num {
        value: u32,
        digits: u8,
    },
    /// ':' between digits ("12:30").
    Colon,
    /// '.' between digits ("9.30", or a date).
    Dot,
    Dash,
    /// ',' and brackets: a soft boundary.
    Comma,
    Slash,
    Plus,
    /// End of a sentence (or of a note).
    Hard,
    /// Phone numbers, handles: data the reader does not interpret.
    Junk,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Tok {
    pub t: T,
    pub start: usize,
    pub end: usize,
    pub note: usize,
    /// Came from an emoji: a ✅/❌ right after a channel marks that channel.
    pub emoji: bool,
}

enum Raw {
    Word { text: String, start: usize, end: usize },
    Tok(T, usize, usize, bool),
}

/// Appends the tokens of one note to `out`, then a `Hard` boundary.
pub(crate) fn tokenize(text: &str, note: usize, out: &mut Vec<Tok>) {
    let raw = scan(text);
    let cyrillic = majority_cyrillic(text);
    let mut i = 0;
    while i < raw.len() {
        match &raw[i] {
            Raw::Tok(t, s, e, emoji) => {
                out.push(Tok { t: *t, start: *s, end: *e, note, emoji: *emoji });
                i += 1;
            }
            Raw::Word { .. } => {
                let mut run: Vec<(String, usize, usize)> = Vec::new();
                let mut j = i;
                while let Some(Raw::Word { text: w, start, end }) = raw.get(j) {
                    run.push((fix_script(w, cyrillic), *start, *end));
                    j += 1;
                    if run.len() == 4 {
                        break;
                    }
                }
                let words: Vec<&str> = run.iter().map(|r| r.0.as_str()).collect();
                if let Some((lex, used)) = lexicon::phrase(&words) {
                    out.push(Tok { t: T::Word(lex), start: run[0].1, end: run[used - 1].2, note, emoji: false });
                    i += used;
                    continue;
                }
                let (w, s, e) = &run[0];
                classify(w, &text[*s..*e], *s, cyrillic, note, out);
                i += 1;
            }
        }
    }
    let end = text.len();
    out.push(Tok { t: T::Hard, start: end, end, note, emoji: false });
}

/// One word to one or more tokens: exact form, then hyphen parts, glued words, typos.
fn classify(w: &str, original: &str, start: usize, cyrillic: bool, note: usize, out: &mut Vec<Tok>) {
    let end = start + original.len();
    let tok = |lex: Lex| Tok { t: T::Word(lex), start, end, note, emoji: false };
    if let Some(lex) = lookup(w, cyrillic) {
        out.push(tok(lex));
        return;
    }
    if original.contains('-') {
        let mut offset = start;
        for (k, part) in original.split('-').enumerate() {
            let p_start = offset;
            offset += part.len() + 1;
            if part.is_empty() {
                continue;
            }
            let norm = fix_script(&lexicon::normalise(part), cyrillic);
            if k > 0 && HYPHEN_SUFFIXES.contains(&norm.as_str()) {
                continue;
            }
            if k > 0 {
                out.push(Tok { t: T::Dash, start: p_start - 1, end: p_start, note, emoji: false });
            }
            classify(&norm, part, p_start, cyrillic, note, out);
        }
        return;
    }
    if let Some((a, b, _)) = lexicon::glued(w) {
        out.push(tok(a));
        out.push(tok(b));
        return;
    }
    out.push(tok(lexicon::fuzzy(w).unwrap_or(Lex::Unknown)));
}

/// Parts after a hyphen that only inflect the word before ("смс-ки", "кто-то").
const HYPHEN_SUFFIXES: &[&str] = &["ки", "ка", "ке", "ку", "кой", "то", "нибудь", "либо", "таки", "ти", "ми", "х"];

fn lookup(w: &str, cyrillic: bool) -> Option<Lex> {
    lexicon::exact(w)
        .or_else(|| lexicon::exact(&lexicon::to_script(w, cyrillic)))
        .or_else(|| lexicon::exact(&lexicon::to_script(w, !cyrillic)))
}

/// A word mixing scripts ("вaцап" with a latin a) is moved to the script most of it is in.
fn fix_script(w: &str, note_cyrillic: bool) -> String {
    let cyr = w.chars().filter(|c| lexicon::is_cyrillic(*c)).count();
    let lat = w.chars().filter(|c| c.is_ascii_alphabetic()).count();
    if cyr > 0 && lat > 0 {
        lexicon::to_script(w, cyr > lat || (cyr == lat && note_cyrillic))
    } else {
        w.to_string()
    }
}

fn majority_cyrillic(text: &str) -> bool {
    let mut cyr = 0usize;
    let mut lat = 0usize;
    for c in text.chars() {
        if lexicon::is_cyrillic(c) {
            cyr += 1;
        } else if c.is_ascii_alphabetic() {
            lat += 1;
        }
    }
    cyr >= lat
}

/// First pass: characters to words, numbers and marks.
fn scan(text: &str) -> Vec<Raw> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = chars.len();
    let at = |k: usize| if k < n { chars[k].0 } else { text.len() };
    let ch = |k: usize| chars.get(k).map(|x| x.1);
    let mut raw: Vec<Raw> = Vec::new();
    let mut k = 0;
    while k < n {
        let (start, c) = chars[k];
        if c == '\n' || c == '\r' {
            raw.push(Raw::Tok(T::Hard, start, at(k + 1), false));
            k += 1;
            continue;
        }
        if c.is_whitespace() {
            k += 1;
            continue;
        }
        if c == '+' || c.is_ascii_digit() {
            if let Some(j) = phone_end(&chars, k) {
                raw.push(Raw::Tok(T::Junk, start, at(j), false));
                k = j;
                continue;
            }
        }
        if c.is_alphanumeric() || c == '@' || c == '_' {
            let mut j = k;
            while j < n && (chars[j].1.is_alphanumeric() || "@._-+".contains(chars[j].1)) {
                j += 1;
            }
            if text[start..at(j)].contains('@') {
                while j > k + 1 && ".-_+".contains(chars[j - 1].1) {
                    j -= 1;
                }
                let chunk = &text[start..at(j)];
                let email = chunk.split_once('@').is_some_and(|(a, b)| {
                    !a.is_empty() && b.contains('.') && b.split('.').all(|p| !p.is_empty() && !p.contains('@'))
                });
                let t = if email { T::Word(Lex::Noun(Head::Chan(Channel::Email))) } else { T::Junk };
                raw.push(Raw::Tok(t, start, at(j), false));
                k = j;
                continue;
            }
        }
        if c.is_ascii_digit() {
            let mut j = k;
            let mut value: u32 = 0;
            let mut digits: u8 = 0;
            while j < n && chars[j].1.is_ascii_digit() {
                value = value.saturating_mul(10).saturating_add(chars[j].1 as u32 - '0' as u32);
                digits = digits.saturating_add(1);
                j += 1;
            }
            raw.push(Raw::Tok(T::Num { value, digits }, start, at(j), false));
            // "12ти", "12-ти": a numeral suffix is dropped.
            let mut s = j;
            if ch(s) == Some('-') && ch(s + 1).is_some_and(|c| c.is_alphabetic()) {
                s += 1;
            }
            if ch(s).is_some_and(|c| c.is_alphabetic()) {
                let mut e = s;
                while e < n && chars[e].1.is_alphabetic() {
                    e += 1;
                }
                let w = lexicon::normalise(&text[at(s)..at(e)]);
                if lexicon::NUMBER_SUFFIXES.contains(&w.as_str()) {
                    j = e;
                }
            }
            k = j;
            continue;
        }
        if c.is_alphabetic() {
            let mut j = k + 1;
            while j < n {
                let cj = chars[j].1;
                let joiner = matches!(cj, '\'' | '’' | '-' | '‐');
                if cj.is_alphabetic() || (joiner && ch(j + 1).is_some_and(|x| x.is_alphabetic())) {
                    j += 1;
                } else {
                    break;
                }
            }
            let text_w = lexicon::normalise(&text[start..at(j)]);
            raw.push(Raw::Word { text: text_w, start, end: at(j) });
            k = j;
            continue;
        }
        let prev_num = matches!(raw.last(), Some(Raw::Tok(T::Num { .. }, ..)));
        let next_digit = ch(k + 1).is_some_and(|c| c.is_ascii_digit());
        let mark = |t: T| Raw::Tok(t, start, at(k + 1), false);
        match c {
            '.' if prev_num && next_digit => raw.push(mark(T::Dot)),
            '.' => {
                let abbreviation = matches!(raw.last(), Some(Raw::Word { text, end, .. })
                    if *end == start && lexicon::ABBREVIATIONS.contains(&text.as_str()));
                if ch(k + 1) == Some('.') {
                    while ch(k + 1) == Some('.') {
                        k += 1;
                    }
                    raw.push(Raw::Tok(T::Hard, start, at(k + 1), false));
                } else if !abbreviation {
                    raw.push(mark(T::Hard));
                }
            }
            ':' if prev_num && next_digit => raw.push(mark(T::Colon)),
            '-' | '–' | '—' | '−' | '‑' | '‒' | '~' => raw.push(mark(T::Dash)),
            ',' | '(' | ')' | '[' | ']' | '{' | '}' => raw.push(mark(T::Comma)),
            ';' | '!' | '?' | '…' | '¡' | '¿' => raw.push(mark(T::Hard)),
            '/' | '\\' | '|' => raw.push(mark(T::Slash)),
            '+' | '&' => raw.push(mark(T::Plus)),
            _ => {
                for lex in emoji(c) {
                    raw.push(Raw::Tok(T::Word(*lex), start, at(k + 1), true));
                }
            }
        }
        k += 1;
    }
    raw
}

const CALL_N: Lex = Lex::Noun(Head::Chan(Channel::Call));

/// Emoji that carry meaning in a note; the rest is decoration.
fn emoji(c: char) -> &'static [Lex] {
    match c {
        '📞' | '☎' | '📱' => &[CALL_N],
        '📵' => &[Lex::Neg, CALL_N],
        '❌' | '🚫' | '⛔' | '👎' | '🙅' | '✖' | '✗' | '✘' => &[Lex::Neg],
        '✅' | '👍' | '✔' | '✓' | '👌' => &[Lex::Permit],
        '✉' | '📧' | '📩' | '📨' => &[Lex::Noun(Head::Chan(Channel::Email))],
        '💬' => &[Lex::Noun(Head::Write)],
        _ => &[],
    }
}

/// A phone number: 10+ digits among spaces, dashes and brackets, with a group of 3+ digits.
fn phone_end(chars: &[(usize, char)], k: usize) -> Option<usize> {
    let mut j = k;
    let mut digits = 0;
    let mut group = 0;
    let mut longest = 0;
    let mut last_digit = k;
    while j < chars.len() {
        let c = chars[j].1;
        if c.is_ascii_digit() {
            digits += 1;
            group += 1;
            longest = longest.max(group);
            last_digit = j;
        } else if matches!(c, ' ' | '-' | '(' | ')' | '+' | '\u{a0}') && !(c == '+' && j > k) {
            group = 0;
        } else {
            break;
        }
        j += 1;
    }
    // The first group tells a phone ("+7", "8", "916") from a list of hours ("10-12 14-16").
    let first: String = chars[k..].iter().map(|x| x.1).take_while(|c| c.is_ascii_digit()).collect();
    let phone_start = chars[k].1 == '+' || first.len() >= 3 || first == "8" || first == "7";
    (phone_start && digits >= 10 && longest >= 3).then_some(last_digit + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<T> {
        let mut out = Vec::new();
        tokenize(s, 0, &mut out);
        out.into_iter().map(|t| t.t).collect()
    }

    #[test]
    fn glued_numbers_and_words_split() {
        let k = kinds("с12до15");
        assert_eq!(k.len(), 5);
        assert!(matches!(k[1], T::Num { value: 12, .. }));
        assert!(matches!(k[3], T::Num { value: 15, .. }));
    }

    #[test]
    fn phone_numbers_and_dates_are_kept_apart() {
        assert_eq!(kinds("+7 916 123-45-67")[0], T::Junk);
        assert!(matches!(kinds("10-12 14-16 18-20")[0], T::Num { .. }));
        assert_eq!(kinds("12.03.2024").iter().filter(|t| **t == T::Dot).count(), 2);
    }

    #[test]
    fn spans_point_into_the_original_text() {
        let text = "Только ВАЦАП 😊!";
        let mut out = Vec::new();
        tokenize(text, 0, &mut out);
        assert_eq!(&text[out[1].start..out[1].end], "ВАЦАП");
    }
}
