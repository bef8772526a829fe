//! `unjustified_after_consultation`: do not chase a patient who left a consultation undecided.
//!
//! Playbook, "Unjustified contacts": "After a consultation where no written plan was made or
//! signed, or the patient left with 'I'll think about it' / 'too expensive': do not call to ask
//! 'why don't you come?'." Fires when a plan is unsigned or its decision is "thinking" or
//! "declined" and there is no justified reason at all; the verdict is at most `message_only`.

use crate::model::{PlanDecision, Section, Severity};

use super::text::{full_date, tr};
use super::{Blocks, Effect, Facts, Out, Rule};

pub const RULE: Rule = Rule {
    id: "unjustified_after_consultation",
    needs: &[Section::Plans],
    blocks: Blocks::Never,
    partial: false,
    what: ("планы лечения после консультации", "treatment plans after a consultation"),
    check,
};

fn check(f: &Facts, out: &mut Out) {
    if !f.reasons.is_empty() {
        return;
    }
    let Some(plans) = f.plans() else { return };
    let undecided = plans
        .iter()
        .filter(|p| {
            p.signed == Some(false) || matches!(p.decision, Some(PlanDecision::Thinking) | Some(PlanDecision::Declined))
        })
        .max_by_key(|p| p.created);
    let Some(plan) = undecided else { return };
    let loc = f.locale;
    let state = match (plan.decision, f.ru()) {
        (Some(PlanDecision::Thinking), true) => "пациент «подумает»",
        (Some(PlanDecision::Thinking), false) => "the patient will \"think about it\"",
        (Some(PlanDecision::Declined), true) => "пациент отказался",
        (Some(PlanDecision::Declined), false) => "the patient declined",
        (_, true) => "план не подписан",
        (_, false) => "the plan is not signed",
    };
    let mut evidence = Vec::new();
    let mut label = String::new();
    if let Some(d) = plan.created {
        label.push_str(&full_date(loc, d));
    }
    if let Some(who) = Facts::doctor_phrase(plan.doctor.as_deref(), plan.specialty.as_deref()) {
        if !label.is_empty() {
            label.push_str(", ");
        }
        label.push_str(&who);
    }
    if !label.is_empty() {
        evidence.push(tr(loc, || format!("консультация {label}"), || format!("consultation {label}")));
    }
    out.push(
        Severity::Warn,
        Effect::MessageOnly,
        tr(
            loc,
            || format!("После консультации {state} — не звоните спросить «почему не приходите»"),
            || format!("After the consultation {state} — do not call to ask \"why don't you come?\""),
        ),
        evidence,
    );
}
