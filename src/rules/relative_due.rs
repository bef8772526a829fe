//! `relative_due`: family members also due or booked — book them in the same contact.
//!
//! Playbook, check 4: "Relatives: family members also due or booked. Book them in one call,
//! never two calls." Seed 000: "чтобы не пришлось звонить второй раз, чтобы сначала записать
//! маму, а потом еще ребенка". Information only: it never adds a call of its own.

use crate::model::{RecallKind, Section};

use super::text::tr;
use super::{Blocks, Facts, Out, Rule};

pub const RULE: Rule = Rule {
    id: "relative_due",
    needs: &[Section::Relatives],
    blocks: Blocks::Never,
    partial: false,
    what: ("записи и сроки родственников", "relatives' bookings and due visits"),
    check,
};

pub fn due_name(f: &Facts, k: RecallKind) -> &'static str {
    match (k, f.ru()) {
        (RecallKind::Hygiene, true) => "гигиена",
        (RecallKind::Hygiene, false) => "hygiene",
        (RecallKind::Checkup, true) => "осмотр",
        (RecallKind::Checkup, false) => "check-up",
        (RecallKind::Control, true) => "контрольный осмотр",
        (RecallKind::Control, false) => "control exam",
        (RecallKind::Followup, true) => "контроль после лечения",
        (RecallKind::Followup, false) => "follow-up",
    }
}

fn check(f: &Facts, out: &mut Out) {
    let Some(relatives) = f.relatives() else { return };
    let mut parts = Vec::new();
    for r in relatives {
        let who = match r.relation.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(rel) => format!("{rel} {}", r.name),
            None => r.name.clone(),
        };
        let mut what = Vec::new();
        if r.booked == Some(true) {
            what.push(tr(f.locale, || "есть запись".into(), || "booked".into()));
        }
        if !r.due.is_empty() {
            let kinds = r.due.iter().map(|k| due_name(f, *k)).collect::<Vec<_>>().join(", ");
            what.push(tr(f.locale, || format!("пора: {kinds}"), || format!("due: {kinds}")));
        }
        if !what.is_empty() {
            parts.push(format!("{who} — {}", what.join("; ")));
        }
    }
    if parts.is_empty() {
        return;
    }
    let list = parts.join("; ");
    out.info(
        tr(
            f.locale,
            || format!("Родственники: {list}. Запишите вместе, в одном разговоре"),
            || format!("Relatives: {list}. Book together, in the same conversation"),
        ),
        parts,
    );
}
