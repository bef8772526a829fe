//! `outside_window`: now is outside the days and hours the patient agreed to.
//!
//! Playbook, check 1: "Which channel ..., which days and hours ('weekdays 12-15')"; seed 000:
//! "только в будни с 12 до 15, и тогда вы не будете звонить/писать в неудобное время". The
//! windows come from the structured preferences (given, or read from the notes) and are
//! evaluated in the patient's zone (patient.timezone, else the clinic's), across days, weekends
//! and DST. Outside them the verdict is `wait`, and `next_window` says when.

use crate::model::{Section, Severity};

use super::clinic_hours::next_phrase;
use super::text::{tr, windows_phrase};
use super::windows::Schedule;
use super::{Blocks, Effect, Facts, Out, Rule};

pub const RULE: Rule = Rule {
    id: "outside_window",
    needs: &[Section::ServiceCard],
    blocks: Blocks::Never,
    partial: false,
    what: ("удобные пациенту дни и часы", "the patient's days and hours"),
    check,
};

fn check(f: &Facts, out: &mut Out) {
    let Some(prefs) = &f.prefs else { return };
    if prefs.windows.is_empty() {
        return;
    }
    let loc = f.locale;
    let wanted = windows_phrase(loc, &prefs.windows);
    let evidence = vec![tr(
        loc,
        || format!("часовой пояс пациента: {}", f.patient_zone),
        || format!("patient's time zone: {}", f.patient_zone),
    )];
    if f.schedule.is_empty() {
        out.push(
            Severity::Warn,
            Effect::Wait { until: None },
            tr(
                loc,
                || format!("Окно пациента ({wanted}) вне часов звонков клиники — уточните у пациента"),
                || format!("The patient's window ({wanted}) is outside the clinic's calling hours — ask the patient"),
            ),
            evidence,
        );
        return;
    }
    if Schedule::from_windows(&prefs.windows).contains(f.now_patient) {
        return;
    }
    let msg = match next_phrase(f) {
        Some(n) => tr(
            loc,
            || format!("Сейчас не время пациента ({wanted}); ближайшее: {n}"),
            || format!("Outside the patient's hours ({wanted}); next: {n}"),
        ),
        None => tr(
            loc,
            || format!("Сейчас не время пациента ({wanted})"),
            || format!("Outside the patient's hours ({wanted})"),
        ),
    };
    out.push(Severity::Warn, Effect::Wait { until: None }, msg, evidence);
}
