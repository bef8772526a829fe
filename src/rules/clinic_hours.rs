//! `clinic_hours`: the clinic calls only within its calling hours, in the patient's local time.
//!
//! Playbook, "Legal basis": "US: no telephone solicitation before 8:00 or after 21:00 recipient
//! local time (TCPA)"; config `calling_hours` (default 09:00-21:00). The patient's zone is
//! `patient.timezone`, else the clinic's. Outside the hours the verdict is `wait` with the next
//! moment both these hours and the patient's own windows allow. When the patient section was
//! not read the clinic's zone is assumed and the check says it is not verified.

use chrono::Timelike;

use crate::model::{Section, Severity};

use super::text::{hours_phrase, tr};
use super::windows::{next_open_instant, Schedule};
use super::{Blocks, Effect, Facts, Out, Rule};

pub const RULE: Rule = Rule {
    id: "clinic_hours",
    needs: &[Section::Patient],
    blocks: Blocks::Never,
    partial: true,
    what: ("часовой пояс пациента", "the patient's time zone"),
    check,
};

/// The next allowed moment from now, as the patient's wall clock shows it ("пн 30.11 12:00").
pub fn next_phrase(f: &Facts) -> Option<String> {
    let t = next_open_instant(&f.schedule, f.zones, f.patient_zone, f.now)?;
    let local = crate::model::utc_to_local(f.zones, f.patient_zone, t)?;
    Some(super::text::short_date_time(f.locale, local))
}

fn check(f: &Facts, out: &mut Out) {
    let h = &f.config.calling_hours;
    let hours = Schedule::hours(h.from, h.to);
    if hours.contains(f.now_patient) {
        return;
    }
    let loc = f.locale;
    let now = format!("{:02}:{:02}", f.now_patient.hour(), f.now_patient.minute());
    let range = hours_phrase(h.from, h.to);
    let next = next_phrase(f);
    let msg = match &next {
        Some(n) => tr(
            loc,
            || format!("У пациента {now} — звонки и сообщения {range}; ближайшее время: {n}"),
            || format!("It is {now} for the patient — contact {range} only; next: {n}"),
        ),
        None => tr(
            loc,
            || format!("У пациента {now} — звонки и сообщения {range}"),
            || format!("It is {now} for the patient — contact {range} only"),
        ),
    };
    let mut evidence = vec![tr(
        loc,
        || format!("часовой пояс пациента: {}", f.patient_zone),
        || format!("patient's time zone: {}", f.patient_zone),
    )];
    if f.patient().is_none() {
        evidence.push(tr(
            loc,
            || "пояс пациента не прочитан — взят пояс клиники".into(),
            || "patient's zone not read — the clinic's zone is assumed".into(),
        ));
    }
    out.push(Severity::Warn, Effect::Wait { until: None }, msg, evidence);
}
