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

/// The words of the dialog before a dial and of the outcome form, per locale.
#[derive(Debug, PartialEq, Serialize)]
pub struct DialWords {
    pub brand: &'static str,
    pub dial_call: &'static str,
    pub dial_message: &'static str,
    pub dial_anyway: &'static str,
    pub cancel: &'static str,
    pub blocked: &'static str,
    pub override_prompt: &'static str,
    pub override_reasons: [&'static str; 3],
    pub override_other: &'static str,
    pub override_placeholder: &'static str,
    pub override_logged: &'static str,
    pub reasons: &'static str,
    pub warnings: &'static str,
    pub do_not: &'static str,
    pub script: &'static str,
    pub checking: &'static str,
    pub check_failed: &'static str,
    pub outcome_title: &'static str,
    pub outcomes: [(&'static str, &'static str); 7],
    pub callback_at: &'static str,
    pub note: &'static str,
    pub purpose: &'static str,
    pub purposes: [(&'static str, &'static str); 4],
    pub channel: &'static str,
    /// The channels an outcome recorded from the panel may name.
    pub channels: [(&'static str, &'static str); 5],
    pub save: &'static str,
    pub later: &'static str,
    pub saved: &'static str,
    pub record_outcome: &'static str,
    pub storage_full: &'static str,
    pub save_failed: &'static str,
    pub retry: &'static str,
    pub open_options: &'static str,
    pub keys_hint: &'static str,
}

pub fn words(locale: Locale) -> &'static DialWords {
    match locale {
        Locale::Ru => &DialWords {
            brand: "Перед звонком",
            dial_call: "Позвонить",
            dial_message: "Написать",
            dial_anyway: "Всё равно связаться",
            cancel: "Отмена",
            blocked: "Нельзя",
            override_prompt: "Связаться, несмотря на запрет? Укажите причину — она попадёт в журнал:",
            override_reasons: ["Пациент сам просил связаться", "Срочно: поручение врача", "В МИС устаревшие данные"],
            override_other: "Другая причина…",
            override_placeholder: "Причина (коротко)",
            override_logged: "Причина будет записана в журнал звонков.",
            reasons: "Повод для контакта",
            warnings: "Перед контактом",
            do_not: "Нельзя",
            script: "Сценарий",
            checking: "Проверяю…",
            check_failed: "Проверка не удалась. Можно связаться как обычно или отменить.",
            outcome_title: "Итог контакта",
            outcomes: [
                ("reached", "Дозвонился"),
                ("no_answer", "Не ответил"),
                ("busy", "Занято"),
                ("booked", "Записан"),
                ("declined", "Отказался"),
                ("callback", "Перезвонить…"),
                ("do_not_call", "Просит не беспокоить"),
            ],
            callback_at: "Перезвонить",
            note: "Заметка (необязательно)",
            purpose: "Цель",
            purposes: [("reminder", "напоминание"), ("followup", "после лечения"), ("invite", "приглашение"), ("offer", "предложение")],
            channel: "Канал",
            channels: [("call", "звонок"), ("whatsapp", "WhatsApp"), ("telegram", "Telegram"), ("sms", "SMS"), ("viber", "Viber")],
            save: "Сохранить",
            later: "Не сейчас",
            saved: "Записано в журнал звонков",
            record_outcome: "Итог звонка",
            storage_full: "Не сохранено: память расширения заполнена. Запись осталась в форме — выгрузите журнал в настройках расширения, освободите место и нажмите «Сохранить» ещё раз.",
            save_failed: "Не сохранено в журнал. Запись осталась в форме — нажмите «Сохранить» ещё раз.",
            retry: "Сохранить ещё раз",
            open_options: "Настройки и выгрузка журнала",
            keys_hint: "Клавиши 1–7 — итог, Enter — сохранить, Esc — закрыть",
        },
        Locale::En => &DialWords {
            brand: "Pre-call check",
            dial_call: "Call",
            dial_message: "Write",
            dial_anyway: "Contact anyway",
            cancel: "Cancel",
            blocked: "Do not",
            override_prompt: "Contact despite the block? Give a reason; it goes into the call log:",
            override_reasons: ["The patient asked to be contacted", "Urgent: the doctor's instruction", "The MIS data is out of date"],
            override_other: "Another reason…",
            override_placeholder: "Reason (short)",
            override_logged: "The reason is written to the call log.",
            reasons: "Reason to contact",
            warnings: "Before you contact",
            do_not: "Do not",
            script: "Script",
            checking: "Checking…",
            check_failed: "The check failed. You can contact as usual or cancel.",
            outcome_title: "Outcome",
            outcomes: [
                ("reached", "Reached"),
                ("no_answer", "No answer"),
                ("busy", "Busy"),
                ("booked", "Booked"),
                ("declined", "Declined"),
                ("callback", "Call back at…"),
                ("do_not_call", "Asked not to be contacted"),
            ],
            callback_at: "Call back at",
            note: "Note (optional)",
            purpose: "Purpose",
            purposes: [("reminder", "reminder"), ("followup", "follow-up"), ("invite", "invitation"), ("offer", "offer")],
            channel: "Channel",
            channels: [("call", "call"), ("whatsapp", "WhatsApp"), ("telegram", "Telegram"), ("sms", "SMS"), ("viber", "Viber")],
            save: "Save",
            later: "Not now",
            saved: "Saved to the call log",
            record_outcome: "Call outcome",
            storage_full: "Not saved: the extension's storage is full. The entry is still in the form: export the log from the extension's options, free some space and press Save again.",
            save_failed: "Not saved to the log. The entry is still in the form: press Save again.",
            retry: "Save again",
            open_options: "Options and log export",
            keys_hint: "Keys 1–7: outcome, Enter: save, Esc: close",
        },
    }
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
    let number = number.map(|n| normalize_phone(n).map(|p| p.display()).unwrap_or_else(|_| n.chars().take(40).collect()));
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
