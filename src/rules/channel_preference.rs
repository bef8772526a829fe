//! `channel_preference`: the channel and number the patient chose.
//!
//! Playbook, check 1: "Service card: the patient's contact agreement. Which channel (WhatsApp
//! only, Telegram, SMS, call), which number ..."; seed 000: "пациенту удобно общаться только в
//! ватсапп". "Only WhatsApp" (calls not among the allowed channels, or calls forbidden) makes the
//! verdict `message_only`. The channel to use: the preferred one, then allowed channels that the
//! patient's phones actually have marks for. Warns when the chosen messenger is marked on no
//! number, and when notes could not be understood.

use crate::model::{Channel, ContactKind, Section, Severity};

use super::text::{channel_name, tr, windows_phrase};
use super::{Blocks, Effect, Facts, Out, Rule};

pub const RULE: Rule = Rule {
    id: "channel_preference",
    needs: &[Section::ServiceCard, Section::Contacts],
    blocks: Blocks::Never,
    partial: true,
    what: ("канал и номер, выбранные пациентом", "the channel and number the patient chose"),
    check,
};

/// Whether the patient's contacts can carry `c` (unknown contacts: assume yes).
fn available(f: &Facts, c: Channel) -> bool {
    let Some(contacts) = f.contacts() else { return true };
    let phones = || contacts.iter().filter(|x| x.kind == ContactKind::Phone);
    match c {
        Channel::Call | Channel::Sms => phones().next().is_some(),
        Channel::Email => contacts.iter().any(|x| x.kind == ContactKind::Email),
        m => phones().any(|x| x.messengers.contains(&m)),
    }
}

fn permitted(f: &Facts, c: Channel) -> bool {
    match &f.prefs {
        Some(p) => !p.forbidden.contains(&c) && (p.allowed.is_empty() || p.allowed.contains(&c)),
        None => true,
    }
}

fn messages_refused(f: &Facts) -> bool {
    f.service_card().and_then(|c| c.consent.as_ref()).and_then(|c| c.messages) == Some(false)
}

/// Calls are not among the allowed channels, or are forbidden.
pub fn calls_excluded(f: &Facts) -> bool {
    f.prefs.as_ref().is_some_and(|p| {
        p.forbidden.contains(&Channel::Call) || (!p.allowed.is_empty() && !p.allowed.contains(&Channel::Call))
    })
}

/// The written channel to use: preferred, then the one agreed for the recall at hand, then
/// allowed ones the phones are marked for, then messengers marked on the phones, then SMS, then
/// e-mail.
pub fn message_channel(f: &Facts) -> Option<Channel> {
    if messages_refused(f) {
        return None;
    }
    let ok = |c: Channel| c.is_message() && permitted(f, c);
    let prefs = f.prefs.as_ref();
    if let Some(p) = prefs.and_then(|p| p.preferred).filter(|c| ok(*c)) {
        return Some(p);
    }
    // The channel agreed for the reminder the contact is about.
    if let Some(c) = f.reasons.iter().filter_map(|r| super::reasons::agreed_channel(f, r.kind)).find(|c| ok(*c)) {
        return Some(c);
    }
    let allowed: Vec<Channel> = prefs.map(|p| p.allowed.clone()).unwrap_or_default();
    if let Some(c) = allowed.iter().copied().find(|c| ok(*c) && available(f, *c)) {
        return Some(c);
    }
    if let Some(c) = allowed.iter().copied().find(|c| ok(*c)) {
        return Some(c);
    }
    if let Some(contacts) = f.contacts() {
        let mut phones: Vec<_> = contacts.iter().filter(|x| x.kind == ContactKind::Phone).collect();
        crate::order::sort_by_key(&mut phones, |x| (x.owner != "self", !x.primary));
        for phone in phones {
            if let Some(c) = Channel::ALL.into_iter().find(|c| phone.messengers.contains(c) && ok(*c)) {
                return Some(c);
            }
        }
    }
    [Channel::Sms, Channel::Email].into_iter().find(|c| ok(*c) && available(f, *c))
}

/// The channel when a call is allowed: the patient's preferred messenger if they named one,
/// else a call (or a message when there is no phone to call).
pub fn call_channel(f: &Facts) -> Option<Channel> {
    if let Some(p) = f.prefs.as_ref().and_then(|p| p.preferred) {
        if p.is_message() && permitted(f, p) && !messages_refused(f) {
            return Some(p);
        }
    }
    if available(f, Channel::Call) {
        Some(Channel::Call)
    } else {
        message_channel(f)
    }
}

fn check(f: &Facts, out: &mut Out) {
    let loc = f.locale;
    if let Some(p) = &f.prefs {
        let windows =
            if p.windows.is_empty() { String::new() } else { format!(", {}", windows_phrase(loc, &p.windows)) };
        let notes: Vec<String> = f.service_card().map(|c| c.notes.clone()).unwrap_or_default();
        if calls_excluded(f) {
            let msgs: Vec<&str> = p.allowed.iter().filter(|c| c.is_message()).map(|c| channel_name(loc, *c)).collect();
            let head = if msgs.is_empty() {
                tr(loc, || "Не звонить — только сообщения".into(), || "No calls — messages only".into())
            } else {
                let list = msgs.join(tr(loc, || " или ".into(), || " or ".into()).as_str());
                tr(loc, || format!("Только {list}"), || format!("{list} only"))
            };
            out.push(Severity::Warn, Effect::MessageOnly, format!("{head}{windows}"), notes.clone());
        } else if let Some(pref) = p.preferred {
            let name = channel_name(loc, pref);
            out.info(
                tr(loc, || format!("Предпочитает: {name}{windows}"), || format!("Prefers: {name}{windows}")),
                notes.clone(),
            );
        } else if !windows.is_empty() {
            let w = windows_phrase(loc, &p.windows);
            out.info(tr(loc, || format!("Удобное время: {w}"), || format!("Convenient time: {w}")), notes.clone());
        }
        if let Some(person) = &p.contact_person {
            out.info(
                tr(loc, || format!("Связываться через: {person}"), || format!("Contact through: {person}")),
                vec![],
            );
        }
        if !p.ambiguous.is_empty() {
            out.warn(
                tr(loc, || "Неоднозначно в заметках — уточните".into(), || "Ambiguous notes — check them".into()),
                p.ambiguous.clone(),
            );
        }
        if !p.unparsed.is_empty() {
            out.info(
                tr(
                    loc,
                    || "Заметки не разобраны — прочтите сами".into(),
                    || "Notes not understood — read them yourself".into(),
                ),
                p.unparsed.clone(),
            );
        }
        // The chosen messenger must be on some number.
        let wanted = p.preferred.filter(|c| c.is_message()).or_else(|| match p.allowed.as_slice() {
            [one] if one.is_message() => Some(*one),
            _ => None,
        });
        if let (Some(c), Some(_)) = (wanted, f.contacts()) {
            if !available(f, c) {
                let name = channel_name(loc, c);
                out.warn(
                    tr(
                        loc,
                        || format!("{name} не отмечен ни на одном номере — уточните номер"),
                        || format!("No number is marked for {name} — check the number"),
                    ),
                    vec![],
                );
            }
        }
    }
    if let Some(contacts) = f.contacts() {
        if !contacts.iter().any(|x| x.kind == ContactKind::Phone) {
            out.warn(tr(loc, || "Нет номера телефона".into(), || "No phone number".into()), vec![]);
        }
    }
}
