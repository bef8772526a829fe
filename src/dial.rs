//! The dial guard's pure parts (issue 6): what the dialog before a dial and the outcome form
//! after it show, in the clinic's locale; which purpose a contact serves; and which phone
//! numbers in a card's plain text may be turned into guarded links (no dates, sums, ids or
//! policy numbers). The extension's JS only draws this and intercepts the clicks.

use serde::{Deserialize, Serialize};

use crate::model::*;
use crate::script::normalize_phone;

/// A site profile's dial settings (`"dial"` in `profiles/*.json`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DialSpec {
    /// Documentation only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Click-to-call buttons of the MIS (a softphone, a telephony widget), guarded like links.
    #[serde(default)]
    pub buttons: Vec<DialButton>,
    /// Phone numbers shown as plain text, turned into guarded links.
    #[serde(default)]
    pub phone_text: Option<PhoneText>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DialButton {
    /// The button (a click on it or inside it is guarded).
    pub css: String,
    /// Where its number is: "attr:NAME" or "text".
    #[serde(default = "text_source")]
    pub number: String,
    #[serde(default = "call")]
    pub channel: Channel,
}

fn text_source() -> String {
    "text".into()
}

fn call() -> Channel {
    Channel::Call
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhoneText {
    /// Where to look (the patient card), never the whole page.
    pub within: Vec<String>,
    /// Off unless the profile (or the clinic's settings, per profile) turns it on: wrapping
    /// text in links changes the MIS's DOM, which some MIS frameworks do not expect.
    #[serde(default)]
    pub enabled: bool,
}

/// The purpose a contact serves, from its first justified reason (the log counts attempts per
/// purpose): a reminder of a booked visit, a follow-up after treatment, otherwise an
/// invitation to book.
pub fn implied_purpose(reasons: &[Reason]) -> Option<Purpose> {
    reasons.first().map(|r| match r.kind {
        ReasonKind::AppointmentReminder => Purpose::Reminder,
        ReasonKind::FollowupAgreed => Purpose::Followup,
        _ => Purpose::Invite,
    })
}

/// A phone number found in plain text: the text as written, and the number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FoundPhone {
    pub text: String,
    pub e164: String,
}

/// Words before a number that make it an identifier, not a phone.
const ID_WORDS: &[&str] = &[
    "№",
    "no.",
    "#",
    "полис",
    "снилс",
    "инн",
    "огрн",
    "кпп",
    "паспорт",
    "счет",
    "счёт",
    "договор",
    "омс",
    "дмс",
    "карта",
    "карты",
    "id",
    "код",
    "заказ",
    "чек",
    "policy",
    "account",
    "invoice",
    "order",
    "card",
    "bik",
    "бик",
    "р/с",
    "к/с",
];
/// Words right after a number that make it a sum, a quantity or a unit.
const UNIT_WORDS: &[&str] = &["₽", "руб", "р.", "%", "$", "€", "шт", "мг", "мл", "коп", "rub", "usd", "eur"];

fn is_sep(c: char) -> bool {
    matches!(c, ' ' | '\u{00A0}' | '\u{202F}' | '-' | '‐' | '‑' | '–' | '(' | ')')
}

/// Whether the digit groups (and brackets) look like a phone number as people write one.
fn phone_shaped(candidate: &str) -> bool {
    let plus = candidate.starts_with('+');
    let groups: Vec<&str> = candidate.trim_start_matches('+').split(is_sep).filter(|g| !g.is_empty()).collect();
    if groups.iter().any(|g| !g.chars().all(|c| c.is_ascii_digit())) {
        return false;
    }
    let sizes: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    let digits: usize = sizes.iter().sum();
    let bracketed = candidate.contains('(');
    if bracketed && !(candidate.matches('(').count() == 1 && candidate.matches(')').count() == 1) {
        return false;
    }
    if plus {
        // International form: the country code, then groups no longer than 4, or all at once.
        return (8..=15).contains(&digits) && (groups.len() <= 3 || sizes[1..].iter().all(|s| *s <= 4));
    }
    let first = groups.first().and_then(|g| g.chars().next()).unwrap_or('0');
    match digits {
        11 if first == '8' || first == '7' => {
            let ok: &[&[usize]] =
                &[&[1, 3, 3, 2, 2], &[1, 3, 3, 4], &[1, 3, 7], &[1, 10], &[4, 3, 2, 2], &[1, 3, 2, 2, 3]];
            ok.contains(&sizes.as_slice()) || (sizes == [11] && first == '8' && groups[0].starts_with("89"))
        }
        10 => {
            // The national number alone: "(916) 123-45-67", or a mobile "916 123-45-67".
            let ok: &[&[usize]] = &[&[3, 3, 2, 2], &[3, 3, 4], &[3, 7]];
            ok.contains(&sizes.as_slice()) && (bracketed && candidate.starts_with('(') || first == '9')
        }
        _ => false,
    }
}

fn id_word_before(before: &str) -> bool {
    // The two words right before the number, without trailing punctuation.
    let tokens: Vec<String> = before
        .split_whitespace()
        .rev()
        .take(2)
        .map(|t| t.trim_end_matches([':', ',', ';', '-', '—', '–']).to_lowercase())
        .collect();
    tokens.iter().enumerate().any(|(i, t)| {
        (i == 0 && (t.ends_with('№') || t == "#"))
            || ID_WORDS.iter().any(|w| {
                t == w
                    || t.trim_end_matches('.') == w.trim_end_matches('.')
                    || (w.chars().count() > 3 && t.starts_with(w))
            })
    })
}

fn unit_after(after: &str) -> bool {
    let a = after.trim_start_matches([' ', '\u{00A0}', '\u{202F}']).to_lowercase();
    UNIT_WORDS.iter().any(|u| a.starts_with(u))
}

/// Phone numbers in a piece of plain text, each as written (at most `max`). Conservative: a
/// number is taken only in a phone's usual shape, with nothing glued to it, not after an
/// identifier's name ("полис", "№", "СНИЛС", ...) and not before a unit ("₽", "%").
pub fn find_phones(text: &str, max: usize) -> Vec<FoundPhone> {
    let mut found: Vec<FoundPhone> = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() && found.len() < max {
        let c = chars[i].1;
        let next_digit = chars.get(i + 1).is_some_and(|(_, n)| n.is_ascii_digit());
        let starts = c.is_ascii_digit() || ((c == '+' || c == '(') && next_digit);
        if !starts {
            i += 1;
            continue;
        }
        // Scan the run of digits and separators.
        let mut j = i + 1;
        while j < chars.len() && (chars[j].1.is_ascii_digit() || is_sep(chars[j].1)) {
            j += 1;
        }
        // Drop trailing separators (keep a closing bracket only if it closes one).
        let mut end = j;
        while end > i && !chars[end - 1].1.is_ascii_digit() {
            end -= 1;
        }
        let end_byte = chars.get(end).map_or(text.len(), |(b, _)| *b);
        let glued_before = i > 0 && {
            let p = chars[i - 1].1;
            p.is_alphanumeric()
                || matches!(p, '/' | '\\' | '_' | '+' | '*' | '=')
                || ((p == '.' || p == ',') && i > 1 && chars[i - 2].1.is_ascii_digit())
        };
        let glued_after = chars.get(end).is_some_and(|(_, n)| {
            n.is_alphanumeric()
                || matches!(n, '/' | '\\' | '_' | '@' | '%' | '₽')
                || ((*n == '.' || *n == ',') && chars.get(end + 1).is_some_and(|(_, m)| m.is_ascii_digit()))
        });
        if !glued_after && !unit_after(&text[end_byte..]) {
            // The run may hold another number before the phone ("23.11.2026 8 916 ..."): try it
            // whole, then from a later group, but there only a full number with its trunk
            // prefix ("8 916 ...", "7 916 ..."), never a bare ten digits ("+8 916 ..." is wrong,
            // not "916 ...").
            let mut starts_at: Vec<usize> = if glued_before { vec![] } else { vec![i] };
            if c != '+' {
                for k in i + 1..end {
                    if matches!(chars[k].1, '7' | '8') && chars[k - 1].1 == ' ' {
                        starts_at.push(k);
                    }
                }
            }
            for k in starts_at {
                let s_byte = chars[k].0;
                let candidate = &text[s_byte..end_byte];
                let later_ok = k == i || candidate.chars().filter(char::is_ascii_digit).count() == 11;
                if later_ok && phone_shaped(candidate) && !id_word_before(&text[..s_byte]) {
                    if let Ok(phone) = normalize_phone(candidate) {
                        if !found.iter().any(|f| f.text == candidate) {
                            found.push(FoundPhone { text: candidate.to_string(), e164: phone.e164.clone() });
                        }
                        break;
                    }
                }
            }
        }
        i = j.max(i + 1);
    }
    found
}

crate::present::words_table!(
    /// The dialog's and the outcome form's words, from `_locales/*/messages.json` (`dialog_*`).
    DialText,
    "dialog_",
    [brand, dial_call, dial_message, dial_anyway, cancel, blocked, override_prompt, override_other, override_placeholder, override_logged, reasons, warnings, do_not, script, checking, check_failed, outcome_title, callback_at, note, purpose, channel, save, later, saved, record_outcome, storage_full, save_failed, retry, open_options, keys_hint]
);

/// The words of the dialog before a dial and of the outcome form, per locale (`dialog_*` in
/// `_locales`; the lists by value: `dialog_outcome_reached`, `dialog_purpose_invite`, ...).
#[derive(Debug, PartialEq, Serialize)]
pub struct DialWords {
    #[serde(flatten)]
    pub text: DialText,
    pub override_reasons: [&'static str; 3],
    pub outcomes: [(&'static str, &'static str); 7],
    pub purposes: [(&'static str, &'static str); 4],
    /// The channels an outcome recorded from the panel may name.
    pub channels: [(&'static str, &'static str); 5],
}

const OUTCOMES: [&str; 7] = ["reached", "no_answer", "busy", "booked", "declined", "callback", "do_not_call"];
const PURPOSES: [&str; 4] = ["reminder", "followup", "invite", "offer"];
const CHANNELS: [&str; 5] = ["call", "whatsapp", "telegram", "sms", "viber"];

impl DialWords {
    /// Every key the dialog reads from `_locales`.
    pub fn keys() -> Vec<String> {
        let mut keys: Vec<String> = DialText::KEYS.iter().map(|k| k.to_string()).collect();
        keys.extend((1..=3).map(|i| format!("dialog_override_reason_{i}")));
        keys.extend(OUTCOMES.iter().map(|v| format!("dialog_outcome_{v}")));
        keys.extend(PURPOSES.iter().map(|v| format!("dialog_purpose_{v}")));
        keys.extend(CHANNELS.iter().map(|v| format!("dialog_channel_{v}")));
        keys
    }

    fn load(locale: Locale) -> Self {
        let m = |key: String| crate::i18n::message(locale, &key);
        let pairs = |prefix: &str, values: &[&'static str]| -> Vec<(&'static str, &'static str)> {
            values.iter().map(|v| (*v, m(format!("dialog_{prefix}_{v}")))).collect()
        };
        DialWords {
            text: DialText::load(locale),
            override_reasons: [1, 2, 3].map(|i| m(format!("dialog_override_reason_{i}"))),
            outcomes: pairs("outcome", &OUTCOMES).try_into().expect("7 outcomes"),
            purposes: pairs("purpose", &PURPOSES).try_into().expect("4 purposes"),
            channels: pairs("channel", &CHANNELS).try_into().expect("5 channels"),
        }
    }
}

pub fn words(locale: Locale) -> &'static DialWords {
    static WORDS: [std::sync::OnceLock<DialWords>; 2] = [std::sync::OnceLock::new(), std::sync::OnceLock::new()];
    WORDS[locale as usize].get_or_init(|| DialWords::load(locale))
}

/// The dialog's head for the contact about to be made.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DialHead {
    /// "Звонок · +7 916 123-45-67".
    pub title: String,
    /// Any check blocks this contact: dialling needs a reason.
    pub blocked: bool,
    /// The checks that block it (for the override's log entry).
    pub block_rules: Vec<String>,
    pub channel: Channel,
    pub channel_label: &'static str,
    /// The number as the administrator reads it, when it could be read.
    pub number: Option<String>,
}

pub fn head(assessment: &Assessment, channel: Channel, number: Option<&str>, locale: Locale) -> DialHead {
    let block_rules: Vec<String> = assessment
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Block && f.unverified.is_empty())
        .map(|f| f.rule.clone())
        .collect();
    // As written when it cannot be read (bounded: the page's link is untrusted).
    let number =
        number.map(|n| normalize_phone(n).map(|p| p.display()).unwrap_or_else(|_| n.chars().take(40).collect()));
    let label = channel.label(locale);
    let mut title: String =
        label.chars().next().map(|c| c.to_uppercase().chain(label.chars().skip(1)).collect()).unwrap_or_default();
    if let Some(n) = &number {
        title = format!("{title} · {n}");
    }
    DialHead { title, blocked: !block_rules.is_empty(), block_rules, channel, channel_label: label, number }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn purpose_from_the_first_reason() {
        let r = |kind| Reason { kind, message: String::new(), evidence: vec![] };
        assert_eq!(implied_purpose(&[]), None);
        assert_eq!(implied_purpose(&[r(ReasonKind::AppointmentReminder)]), Some(Purpose::Reminder));
        assert_eq!(
            implied_purpose(&[r(ReasonKind::FollowupAgreed), r(ReasonKind::CheckupDue)]),
            Some(Purpose::Followup)
        );
        assert_eq!(implied_purpose(&[r(ReasonKind::HygieneDue)]), Some(Purpose::Invite));
    }

    #[test]
    fn every_dialog_word_is_in_both_locales_files() {
        for l in [Locale::Ru, Locale::En] {
            let missing: Vec<String> = DialWords::keys().into_iter().filter(|k| !crate::i18n::has(l, k)).collect();
            assert!(missing.is_empty(), "{l:?} lacks {missing:?}");
        }
        assert_eq!(words(Locale::Ru).text.cancel, "Отмена");
        assert_eq!(words(Locale::En).outcomes[1], ("no_answer", "No answer"));
    }

    #[test]
    fn the_words_have_every_outcome_and_purpose() {
        for l in [Locale::Ru, Locale::En] {
            let w = words(l);
            let names: Vec<&str> = w.outcomes.iter().map(|(k, _)| *k).collect();
            let all: Vec<String> = [
                Outcome::Reached,
                Outcome::NoAnswer,
                Outcome::Busy,
                Outcome::Booked,
                Outcome::Declined,
                Outcome::Callback,
                Outcome::DoNotCall,
            ]
            .iter()
            .map(|o| serde_json::to_value(o).unwrap().as_str().unwrap().to_string())
            .collect();
            assert_eq!(names, all);
            let purposes: Vec<String> = w.purposes.iter().map(|(k, _)| k.to_string()).collect();
            assert_eq!(purposes, ["reminder", "followup", "invite", "offer"]);
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod phone_text_tests {
    /// Data-driven: `tests/fixtures/dial/phones.json` (dates, sums, ids, policy numbers must not
    /// be taken for phones).
    #[test]
    fn phones_in_plain_text() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/dial/phones.json");
        let data: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut failures = Vec::new();
        let cases = data["cases"].as_array().unwrap();
        for case in cases {
            let text = case["text"].as_str().unwrap();
            let want: Vec<&str> = case["phones"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
            let got: Vec<String> = super::find_phones(text, 20).into_iter().map(|f| f.text).collect();
            if got != want {
                failures.push(format!("{text:?}: want {want:?}, got {got:?}"));
            }
        }
        assert!(failures.is_empty(), "{} of {} cases:\n{}", failures.len(), cases.len(), failures.join("\n"));
    }
}
