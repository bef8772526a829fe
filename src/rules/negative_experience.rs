//! `negative_experience`: a negative experience the caller may not know about.
//!
//! Playbook, "Unjustified contacts": "After a negative experience the caller does not know
//! about: the call irritates; route to a manager, no selling." Seed 003: "«обзвон» вызывает
//! раздражение, особенно на фоне негативного опыта лечения в клинике, о чем «звонящий» не знает".
//! The playbook lists this among the *unjustified* contacts, so open negative feedback (not
//! followed by later positive feedback) blocks the administrator's call: route it to a manager.
//! Only a plain reminder of a booked appointment still goes ahead, with a warning.

use crate::model::{Purpose, Section, Sentiment};

use super::text::{full_date, tr};
use super::{Blocks, Facts, Out, Rule};

pub const RULE: Rule = Rule {
    id: "negative_experience",
    needs: &[Section::Feedback],
    blocks: Blocks::For(&[Purpose::Followup, Purpose::Invite, Purpose::Offer]),
    partial: false,
    what: ("отзывы пациента", "the patient's feedback"),
    check,
};

fn check(f: &Facts, out: &mut Out) {
    let Some(feedback) = f.feedback() else { return };
    let last_positive = feedback.iter().filter(|x| x.sentiment == Sentiment::Positive).filter_map(|x| x.date).max();
    let open: Vec<_> = feedback
        .iter()
        .filter(|x| x.sentiment == Sentiment::Negative)
        .filter(|x| match (x.date, last_positive) {
            (Some(d), Some(p)) => d > p,
            _ => true,
        })
        .collect();
    let Some(latest) = open.iter().max_by_key(|x| x.date) else { return };
    let loc = f.locale;
    let when = latest.date.map(|d| format!(" {}", full_date(loc, d))).unwrap_or_default();
    let quote = latest
        .text
        .as_deref()
        .map(|t| {
            let short: String = t.chars().take(120).collect();
            if short.len() < t.len() {
                format!(": «{short}…»")
            } else {
                format!(": «{short}»")
            }
        })
        .unwrap_or_default();
    let evidence = open
        .iter()
        .map(|x| {
            let d = x.date.map(|d| full_date(loc, d)).unwrap_or_else(|| "?".into());
            format!("{d}: {}", x.text.as_deref().unwrap_or(""))
        })
        .collect();
    if f.purpose == Some(Purpose::Reminder) {
        out.warn(
            tr(
                loc,
                || format!("Негативный отзыв{when}{quote} — только напоминание, ничего не предлагать"),
                || format!("Negative feedback{when}{quote} — the reminder only, offer nothing"),
            ),
            evidence,
        );
    } else {
        out.block(
            tr(
                loc,
                || format!("Негативный отзыв{when}{quote} — не звонить: передайте менеджеру"),
                || format!("Negative feedback{when}{quote} — do not call: hand over to a manager"),
            ),
            evidence,
        );
    }
}
