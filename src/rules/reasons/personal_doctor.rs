//! `personal_doctor`: playbook reason 8, "The doctor has a personal, trusted relationship with the
//! patient and calls personally." Seed 003: "Врач или администратор по его указанию имеет
//! основание позвонить клиенту". Either the service card says so ("личный пациент главного
//! врача", "врач звонит сам"), or the configured caller is a doctor (by role) who treated the
//! patient (named on a visit, a plan or a recall).

use crate::model::{Reason, ReasonKind, Section};

use super::super::text::{normalize, tr};
use super::{Facts, ReasonDef};

/// Each source is checked only if its section was read (the card, or the visits).
pub const DEF: ReasonDef = ReasonDef { kind: ReasonKind::PersonalDoctor, needs: &[], find };

/// A service-card note saying a doctor looks after the patient personally.
pub fn is_personal_note(note: &str) -> bool {
    let n = normalize(note);
    let personal = [
        "личный пациент",
        "личная пациентка",
        "личный врач",
        "личного врача",
        "personal patient",
        "personal doctor",
        "calls personally",
    ];
    personal.iter().any(|k| n.contains(k))
        || ((n.contains("врач") || n.contains("доктор"))
            && n.contains("звонит")
            && (n.contains(" сам") || n.contains("лично")))
}

/// Words of a caller's role that make them a doctor (the script words the call as the
/// doctor's own by the same list).
pub(crate) const DOCTOR_ROLES: &[&str] = &[
    "врач",
    "доктор",
    "стоматолог",
    "терапевт",
    "хирург",
    "ортодонт",
    "ортопед",
    "пародонтолог",
    "doctor",
    "dentist",
    "physician",
    "surgeon",
    "orthodontist",
];

/// The surname: the first word of a name ("Петрова А. В." -> "петрова").
fn surname(name: &str) -> Option<String> {
    normalize(name).split(' ').next().filter(|s| s.chars().count() >= 2).map(str::to_string)
}

fn find(f: &Facts, out: &mut Vec<Reason>) {
    if let Some(note) = f.service_card().and_then(|c| c.notes.iter().find(|n| is_personal_note(n))) {
        out.push(Reason {
            kind: ReasonKind::PersonalDoctor,
            message: tr(
                f.locale,
                || "Личный пациент врача — звонит врач (или по его поручению)".into(),
                || "The doctor's personal patient — the doctor calls (or asks you to)".into(),
            ),
            evidence: vec![note.clone()],
        });
        return;
    }
    if !f.is_read(Section::Visits) {
        return;
    }
    let caller = &f.config.caller;
    let (Some(name), Some(role)) = (caller.name.as_deref(), caller.role.as_deref()) else { return };
    let role_n = normalize(role);
    if !DOCTOR_ROLES.iter().any(|r| role_n.contains(r)) {
        return;
    }
    let Some(me) = surname(name) else { return };
    let mine = |d: Option<&str>| d.and_then(surname).is_some_and(|s| s == me);
    let visits: Vec<_> = f.visits().unwrap_or(&[]).iter().filter(|v| mine(v.doctor.as_deref())).collect();
    let plans = f.plans().unwrap_or(&[]).iter().any(|p| mine(p.doctor.as_deref()));
    let recalls = f.recalls().unwrap_or(&[]).iter().any(|r| mine(r.set_by.as_deref()));
    if visits.is_empty() && !plans && !recalls {
        return;
    }
    let mut evidence = Vec::new();
    if let Some(last) = visits.iter().map(|v| v.date).max() {
        let d = super::super::text::full_date(f.locale, last);
        let n = visits.len();
        evidence.push(tr(
            f.locale,
            || format!("визитов к врачу: {n}, последний {d}"),
            || format!("{n} visits with this doctor, last {d}"),
        ));
    }
    out.push(Reason {
        kind: ReasonKind::PersonalDoctor,
        message: tr(
            f.locale,
            || format!("Звонит лечащий врач пациента: {name}"),
            || format!("The patient's own doctor calls: {name}"),
        ),
        evidence,
    });
}
