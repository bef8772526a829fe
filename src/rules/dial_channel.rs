//! `dial_channel`: the channel and number of the link the administrator clicked.
//!
//! Playbook, check 1: "Service card: the patient's contact agreement. Which channel (WhatsApp
//! only, Telegram, SMS, call), which number"; "Unjustified contacts": "No prior agreement to be
//! called ... Without it: at most a message, never an unannounced call". Runs only for the dial
//! guard (issue 6: a `tel:`, WhatsApp, Telegram, SMS ... link was clicked), so the verdict is for
//! that channel now. A call without an agreement to calls, or with calls excluded by the patient,
//! blocks; so does a message when messages were refused, or by a channel the patient did not
//! choose. The number: not on the card, or someone else's, or without the messenger's mark, warns.

use crate::model::{Channel, ContactKind, Section};
use crate::script::normalize_phone;

use super::channel_preference::calls_excluded;
use super::no_call_agreement::call_agreed;
use super::text::{channel_name, join_channels, tr};
use super::{Blocks, Facts, Out, Rule};

pub const RULE: Rule = Rule {
    id: "dial_channel",
    needs: &[Section::ServiceCard, Section::Contacts],
    blocks: Blocks::Dial,
    partial: true,
    what: ("канал и номер этого контакта", "the channel and number of this contact"),
    check,
};

fn check(f: &Facts, out: &mut Out) {
    let Some(intended) = &f.request.intended else { return };
    let loc = f.locale;
    let c = intended.channel;
    let name = channel_name(loc, c);
    let notes: Vec<String> = f.service_card().map(|card| card.notes.clone()).unwrap_or_default();
    if let Some(card) = f.service_card() {
        let consent = card.consent.as_ref();
        if c == Channel::Call {
            if call_agreed(f) == Some(false) {
                let evidence = match consent.and_then(|x| x.calls) {
                    Some(false) => vec![tr(loc, || "согласие на звонки: нет".into(), || "consent to calls: no".into())],
                    _ => vec![tr(
                        loc,
                        || "согласия на звонки нет ни в карте, ни в заметках".into(),
                        || "no agreement to calls on the card or in the notes".into(),
                    )],
                };
                let msg = if consent.and_then(|x| x.messages) == Some(false) {
                    tr(
                        loc,
                        || "Звонок не согласован с пациентом — не звоните".into(),
                        || "The patient did not agree to calls — do not call".into(),
                    )
                } else {
                    tr(
                        loc,
                        || "Звонок не согласован с пациентом — не звоните, можно написать".into(),
                        || "The patient did not agree to calls — do not call; a message is possible".into(),
                    )
                };
                out.block(msg, evidence);
            } else if calls_excluded(f) {
                out.block(
                    tr(
                        loc,
                        || "Пациент просил не звонить — только сообщения".into(),
                        || "The patient asked for no calls — messages only".into(),
                    ),
                    notes.clone(),
                );
            }
        } else if consent.and_then(|x| x.messages) == Some(false) {
            out.block(
                tr(
                    loc,
                    || "Нет согласия на сообщения — не пишите".into(),
                    || "No agreement to messages — do not write".into(),
                ),
                vec![tr(loc, || "согласие на сообщения: нет".into(), || "consent to messages: no".into())],
            );
        } else if let Some(p) = &f.prefs {
            let not_chosen = p.forbidden.contains(&c) || (!p.allowed.is_empty() && !p.allowed.contains(&c));
            if not_chosen {
                let chosen: Vec<Channel> = p.allowed.iter().copied().filter(|x| !p.forbidden.contains(x)).collect();
                let msg = if chosen.is_empty() {
                    tr(
                        loc,
                        || format!("Пациент не согласовал {name} — не пишите сюда"),
                        || format!("The patient did not agree to {name} — do not write there"),
                    )
                } else {
                    let list = join_channels(loc, &chosen);
                    tr(
                        loc,
                        || format!("Пациент не согласовал {name} — только {list}"),
                        || format!("The patient did not agree to {name} — {list} only"),
                    )
                };
                out.block(msg, notes.clone());
            }
        }
    }
    let (Some(number), Some(contacts)) = (intended.number.as_deref(), f.contacts()) else { return };
    let Ok(phone) = normalize_phone(number) else {
        let number: String = number.chars().take(40).collect();
        out.warn(
            tr(
                loc,
                || format!("Номер в ссылке не читается: {number}"),
                || format!("The number in the link cannot be read: {number}"),
            ),
            vec![],
        );
        return;
    };
    let shown = phone.display();
    let on_card = contacts
        .iter()
        .filter(|x| x.kind == ContactKind::Phone)
        .find(|x| normalize_phone(&x.value).is_ok_and(|q| q.e164 == phone.e164));
    match on_card {
        None => out.warn(
            tr(
                loc,
                || format!("Номера {shown} нет в карте пациента — проверьте номер"),
                || format!("{shown} is not on the patient's card — check the number"),
            ),
            vec![],
        ),
        Some(x) => {
            if x.owner != "self" {
                let owner = x.owner.clone();
                out.info(
                    tr(loc, || format!("{shown} — номер: {owner}"), || format!("{shown} is the number of: {owner}")),
                    vec![],
                );
            }
            if !matches!(c, Channel::Call | Channel::Sms | Channel::Email) && !x.messengers.contains(&c) {
                out.warn(
                    tr(
                        loc,
                        || format!("{name} не отмечен на номере {shown} — уточните"),
                        || format!("{name} is not marked on {shown} — check"),
                    ),
                    vec![],
                );
            }
        }
    }
}
