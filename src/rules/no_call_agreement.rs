//! `no_call_agreement`: without a prior agreement to be called, at most a message.
//!
//! Playbook, "Unjustified contacts": "No prior agreement to be called (rule 1: the call is agreed
//! in advance: whether, when, which number, what time). Without it: at most a message, never an
//! unannounced call (seed 004)." Seed 003: "Никогда не вторгайтесь без предварительной
//! договоренности в личностное пространство клиента!" `consent.calls: true` is an agreement;
//! `false` is not; unstated, the preferences read from the notes decide (calls allowed or
//! preferred). Without an agreement the verdict is `message_only`; if messages were refused
//! too, nothing is left and the check blocks.

use crate::model::{Channel, Section};

use super::text::tr;
use super::{Blocks, Effect, Facts, Out, Rule};
use crate::model::Severity;

pub const RULE: Rule = Rule {
    id: "no_call_agreement",
    needs: &[Section::ServiceCard],
    blocks: Blocks::Always,
    partial: false,
    what: ("согласие на звонки", "the agreement to be called"),
    check,
};

/// Whether the patient agreed to be called: the consent box, else the notes.
pub fn call_agreed(f: &Facts) -> Option<bool> {
    let card = f.service_card()?;
    match card.consent.as_ref().and_then(|c| c.calls) {
        Some(v) => Some(v),
        None => Some(
            f.prefs.as_ref().is_some_and(|p| p.allowed.contains(&Channel::Call) || p.preferred == Some(Channel::Call)),
        ),
    }
}

fn check(f: &Facts, out: &mut Out) {
    let Some(card) = f.service_card() else { return };
    if call_agreed(f) != Some(false) {
        return;
    }
    let loc = f.locale;
    let evidence = vec![match card.consent.as_ref().and_then(|c| c.calls) {
        Some(false) => tr(loc, || "согласие на звонки: нет".into(), || "consent to calls: no".into()),
        _ => tr(
            loc,
            || "согласие на звонки не отмечено, в заметках договорённости нет".into(),
            || "consent to calls not recorded; no agreement in the notes".into(),
        ),
    }];
    if card.consent.as_ref().and_then(|c| c.messages) == Some(false) {
        out.block(
            tr(
                loc,
                || "Нет согласия ни на звонки, ни на сообщения — не связывайтесь".into(),
                || "No agreement to calls or to messages — do not contact".into(),
            ),
            evidence,
        );
        return;
    }
    out.push(
        Severity::Warn,
        Effect::MessageOnly,
        tr(
            loc,
            || "Нет согласия на звонки — только сообщение".into(),
            || "No agreement to be called — a message only".into(),
        ),
        evidence,
    );
}
