//! Contact preferences from the free text of the service card (issue 4).
//!
//! MIS pages keep the patient's contact agreement as a note ("только вацап, в будни с 12 до
//! 15", "не звонить! писать в тг"). This module reads such notes into the contract's
//! [`Preferences`], used by the checks when `service_card.preferences` is not given.
//!
//! Pipeline: [`tokens`] (normalisation: case, ё, look-alike letters, glued words, emoji,
//! phone numbers) → [`read`] (sentences, days/hours as atoms, statements split at commas and
//! "но"/"а", phrases of negation/only/preference over channel words) → one reading with the
//! weekly picture from [`week`]. The vocabulary is data in [`lexicon`]. The reading rules, and
//! the corpus that pins them, are in `tests/fixtures/prefs/`.
//!
//! Nothing is dropped silently: a statement with words the reader does not know goes to
//! `unparsed`, conflicting statements go to `ambiguous`, and the overlay shows the note beside
//! its reading ([`describe`], [`is_uncertain`]). Pure code: no clock, no files, no regex.

mod lexicon;
mod read;
mod tokens;
mod week;

use crate::model::{Channel, Day, Locale, Preferences, VagueWindows, Window};

/// Reads several notes of one patient as one text (later notes may add to or contradict
/// earlier ones; contradictions show in `ambiguous`).
pub fn parse_notes(notes: &[String], vague: &VagueWindows) -> Preferences {
    let mut toks = Vec::new();
    for (i, n) in notes.iter().enumerate() {
        tokens::tokenize(n, i, &mut toks);
    }
    let texts: Vec<&str> = notes.iter().map(String::as_str).collect();
    read::read(&texts, &toks, vague)
}

/// Reads one note.
pub fn parse_note(note: &str, vague: &VagueWindows) -> Preferences {
    let mut toks = Vec::new();
    tokens::tokenize(note, 0, &mut toks);
    read::read(&[note], &toks, vague)
}

/// The overlay shows a "not sure how to read this" mark, and the note, when this is true.
pub fn is_uncertain(prefs: &Preferences) -> bool {
    !prefs.ambiguous.is_empty() || !prefs.unparsed.is_empty()
}

/// The reading in plain words: "WhatsApp only · weekdays 12:00-15:00 · call via mother",
/// "Только WhatsApp · будни 12:00–15:00 · звонить через маму". Never empty.
pub fn describe(prefs: &Preferences, locale: Locale) -> String {
    let en = locale == Locale::En;
    let mut parts: Vec<String> = Vec::new();
    if prefs.do_not_contact {
        parts.push(if en { "do not contact" } else { "не беспокоить" }.into());
    }
    if !prefs.allowed.is_empty() {
        parts.push(match family(&prefs.allowed) {
            Some(f) => {
                if en {
                    format!("{f} only")
                } else {
                    format!("только {}", family_ru(f))
                }
            }
            None => {
                let names = join(prefs.allowed.iter().map(|c| name(*c, en)), if en { " or " } else { " или " });
                if en {
                    format!("{names} only")
                } else {
                    format!("только {names}")
                }
            }
        });
    }
    if let Some(c) = prefs.preferred {
        if prefs.allowed != [c] {
            parts.push(if en {
                format!("prefers {}", name(c, en))
            } else {
                format!("предпочитает {}", name(c, en))
            });
        }
    }
    if !prefs.forbidden.is_empty() {
        parts.push(forbidden_text(&prefs.forbidden, en));
    }
    let mut i = 0;
    while i < prefs.windows.len() {
        let days = &prefs.windows[i].days;
        let mut hours = Vec::new();
        while i < prefs.windows.len() && prefs.windows[i].days == *days {
            hours.extend(hours_text(&prefs.windows[i], en));
            i += 1;
        }
        let d = days_text(days, en);
        parts.push(match (d.is_empty(), hours.is_empty()) {
            (true, _) => hours.join(", "),
            (false, true) => d,
            (false, false) => format!("{d} {}", hours.join(", ")),
        });
    }
    if let Some(person) = &prefs.contact_person {
        let words: Vec<String> = person
            .split(" or ")
            .map(|p| match lexicon::Rel::from_en(p) {
                Some(r) if !en => r.ru_via().to_string(),
                _ => p.to_string(),
            })
            .collect();
        parts.push(if en {
            format!("call via {}", words.join(" or "))
        } else {
            format!("звонить через {}", words.join(" или "))
        });
    }
    if parts.is_empty() {
        parts.push(
            match (is_uncertain(prefs), en) {
                (true, true) => "could not read the note",
                (true, false) => "заметку не удалось разобрать",
                (false, true) => "no restrictions stated",
                (false, false) => "ограничений не указано",
            }
            .into(),
        );
    }
    let text = parts.join(" · ");
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

const MESSAGES: [Channel; 6] =
    [Channel::Sms, Channel::Whatsapp, Channel::Telegram, Channel::Viber, Channel::Max, Channel::Email];
const MESSENGERS: [Channel; 4] = [Channel::Whatsapp, Channel::Telegram, Channel::Viber, Channel::Max];

fn family(set: &[Channel]) -> Option<&'static str> {
    if set == MESSAGES {
        Some("messages")
    } else if set == MESSENGERS {
        Some("messengers")
    } else {
        None
    }
}

fn family_ru(f: &str) -> &'static str {
    if f == "messages" {
        "сообщения"
    } else {
        "мессенджеры"
    }
}

fn name(c: Channel, en: bool) -> &'static str {
    match c {
        Channel::Call if en => "calls",
        Channel::Call => "звонки",
        Channel::Sms => "SMS",
        Channel::Whatsapp => "WhatsApp",
        Channel::Telegram => "Telegram",
        Channel::Viber => "Viber",
        Channel::Max => "MAX",
        Channel::Email => "e-mail",
    }
}

fn join<'a>(items: impl Iterator<Item = &'a str>, sep: &str) -> String {
    items.collect::<Vec<_>>().join(sep)
}

fn forbidden_text(set: &[Channel], en: bool) -> String {
    let call = set.contains(&Channel::Call);
    let rest: Vec<Channel> = set.iter().copied().filter(|c| *c != Channel::Call).collect();
    let messages = rest == MESSAGES;
    if en {
        let mut names: Vec<&str> = Vec::new();
        if call {
            names.push("calls");
        }
        if messages {
            names.push("messages");
        } else {
            names.extend(rest.iter().map(|c| name(*c, true)));
        }
        format!("no {}", names.join(", "))
    } else {
        let mut out: Vec<String> = Vec::new();
        if call {
            out.push("не звонить".into());
        }
        if messages {
            out.push("не писать".into());
        } else if !rest.is_empty() {
            out.push(format!("без {}", join(rest.iter().map(|c| name(*c, false)), ", ")));
        }
        out.join(", ")
    }
}

fn hours_text(w: &Window, en: bool) -> Option<String> {
    let (from, to) = (w.from.to_string(), w.to.to_string());
    match (from.as_str(), to.as_str()) {
        ("00:00", "24:00") => None,
        ("00:00", _) => Some(if en { format!("until {to}") } else { format!("до {to}") }),
        (_, "24:00") => Some(if en { format!("after {from}") } else { format!("после {from}") }),
        _ => Some(if en { format!("{from}-{to}") } else { format!("{from}–{to}") }),
    }
}

fn days_text(days: &[Day], en: bool) -> String {
    const EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const RU: [&str; 7] = ["пн", "вт", "ср", "чт", "пт", "сб", "вс"];
    let names = if en { EN } else { RU };
    if days == Day::ALL {
        return String::new();
    }
    if days == Day::WEEKDAYS {
        return if en { "weekdays" } else { "будни" }.into();
    }
    if days == Day::WEEKEND {
        return if en { "weekends" } else { "выходные" }.into();
    }
    let idx: Vec<usize> = days.iter().map(|d| *d as usize).collect();
    let contiguous = idx.windows(2).all(|w| w[1] == w[0] + 1);
    if contiguous && idx.len() >= 3 {
        let sep = if en { "-" } else { "–" };
        return format!("{}{sep}{}", names[idx[0]], names[idx[idx.len() - 1]]);
    }
    join(idx.iter().map(|i| names[*i]), ", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> Preferences {
        parse_note(s, &VagueWindows::default())
    }

    #[test]
    fn describes_the_issue_examples() {
        let p = parse_notes(
            &["только вацап, в будни с 12 до 15".to_string(), "звонить через маму".to_string()],
            &VagueWindows::default(),
        );
        assert_eq!(describe(&p, Locale::En), "WhatsApp only · weekdays 12:00-15:00 · call via mother");
        assert_eq!(describe(&p, Locale::Ru), "Только WhatsApp · будни 12:00–15:00 · звонить через маму");
    }

    #[test]
    fn describes_nothing_and_doubt() {
        assert_eq!(describe(&read(""), Locale::En), "No restrictions stated");
        assert_eq!(describe(&read("аллергия на лидокаин"), Locale::Ru), "Заметку не удалось разобрать");
        assert!(is_uncertain(&read("аллергия на лидокаин")));
        assert!(!is_uncertain(&read("только смс")));
    }

    #[test]
    fn describes_bans_and_days() {
        let p = read("не звонить, без смс, по субботам до 14");
        assert_eq!(describe(&p, Locale::En), "No calls, SMS · Sat until 14:00");
        assert_eq!(describe(&p, Locale::Ru), "Не звонить, без SMS · сб до 14:00");
        assert_eq!(describe(&read("не беспокоить"), Locale::En), "Do not contact");
    }
}
