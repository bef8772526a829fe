//! `do_not_contact`: the patient asked not to be contacted.
//!
//! Playbook, "Words that appear in real MIS pages": "не звонить", "не беспокоить", "просит не
//! звонить", "отказ от рассылок"; legal basis: "stop on request (38-FZ art. 18)". Sources: the
//! service card flag, the contact preferences (read from the notes), and a `do_not_call`
//! outcome in the contact log (the MIS's or the extension's own). Any of them blocks.

use crate::model::{Outcome, Section};

use super::text::{full_date, tr};
use super::{Blocks, Facts, Out, Rule};

pub const RULE: Rule = Rule {
    id: "do_not_contact",
    needs: &[Section::ServiceCard, Section::Communications],
    blocks: Blocks::Always,
    partial: true,
    what: ("просьба не беспокоить", "a do-not-contact request"),
    check,
};

fn check(f: &Facts, out: &mut Out) {
    let loc = f.locale;
    let mut evidence = Vec::new();
    if let Some(card) = f.service_card() {
        if card.do_not_contact == Some(true) {
            evidence.push(tr(
                loc,
                || "сервисная карта: отметка «не беспокоить»".into(),
                || "service card: do-not-contact flag".into(),
            ));
        }
    }
    if let Some(p) = &f.prefs {
        if p.do_not_contact {
            let note = f.service_card().map(|c| c.notes.join(" / ")).unwrap_or_default();
            evidence.push(tr(loc, || format!("заметки: {note}"), || format!("notes: {note}")));
        }
    }
    if let Some(log) = &f.log {
        if let Some(e) = log.iter().rev().find(|e| e.outcome == Outcome::DoNotCall) {
            let date = full_date(loc, e.local.date());
            evidence.push(tr(
                loc,
                || format!("журнал {date}: просил не звонить"),
                || format!("log {date}: asked not to be called"),
            ));
        }
    }
    if !evidence.is_empty() {
        let msg = tr(
            loc,
            || "Просил не беспокоить — не звоните и не пишите".into(),
            || "Asked not to be contacted — do not call or write".into(),
        );
        out.block(msg, evidence);
    }
}
