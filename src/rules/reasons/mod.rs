//! The justified reasons to contact (PLAYBOOK.md, "Justified reasons to contact", seed 003,
//! rule 2: "name a concrete reason"). One file per kind; [`KINDS`] lists them in the playbook's
//! order. A reason is found only in what was read: an unread section yields no reason, and the
//! `no_justified_reason` check then says it could not verify.

use chrono::{Duration, NaiveDate};

use crate::model::{Plan, PlanDecision, Reason, ReasonKind, Section};

use super::facts::Facts;

pub mod appointment_reminder;
pub mod checkup_due;
pub mod control_exam_due;
pub mod followup_agreed;
pub mod hygiene_due;
pub mod personal_doctor;
pub mod plan_partially_done;
pub mod plan_urgent_unstarted;

/// An upcoming appointment within this many days is worth a reminder.
pub const REMINDER_DAYS: i64 = 7;
/// A recall due within this many days (or overdue) is a reason now.
pub const DUE_LEAD_DAYS: i64 = 14;

pub struct ReasonDef {
    pub kind: ReasonKind,
    pub needs: &'static [Section],
    pub find: fn(&Facts, &mut Vec<Reason>),
}

pub const KINDS: &[ReasonDef] = &[
    appointment_reminder::DEF,
    plan_urgent_unstarted::DEF,
    plan_partially_done::DEF,
    control_exam_due::DEF,
    followup_agreed::DEF,
    hygiene_due::DEF,
    checkup_due::DEF,
    personal_doctor::DEF,
];

pub fn find(f: &Facts) -> Vec<Reason> {
    let mut out = Vec::new();
    for def in KINDS {
        if def.needs.iter().all(|s| f.is_read(*s)) {
            (def.find)(f, &mut out);
        }
    }
    out
}

/// A plan the patient signed (or accepted, when the signature is not shown) and did not decline.
pub fn is_signed(p: &Plan) -> bool {
    p.decision != Some(PlanDecision::Declined)
        && (p.signed == Some(true) || (p.signed.is_none() && p.decision == Some(PlanDecision::Accepted)))
}

/// "план от 02.11.2026, Сидоров И. И. (хирург)".
pub fn plan_label(f: &Facts, p: &Plan) -> String {
    let mut parts = Vec::new();
    if let Some(d) = p.created {
        let d = super::text::full_date(f.locale, d);
        parts.push(super::text::tr(f.locale, || format!("план от {d}"), || format!("plan of {d}")));
    }
    if let Some(w) = Facts::doctor_phrase(p.doctor.as_deref(), p.specialty.as_deref()) {
        parts.push(w);
    }
    parts.join(", ")
}

/// Whether `due` is reached now (or within the lead time).
pub fn is_due(f: &Facts, due: NaiveDate) -> bool {
    due <= f.today + Duration::days(DUE_LEAD_DAYS)
}
