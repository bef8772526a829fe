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

/// The channel agreed for the recall behind a reason (hygiene, check-up, follow-up), if any.
pub fn agreed_channel(f: &Facts, kind: ReasonKind) -> Option<crate::model::Channel> {
    let recall_kind = match kind {
        ReasonKind::HygieneDue => crate::model::RecallKind::Hygiene,
        ReasonKind::CheckupDue => crate::model::RecallKind::Checkup,
        ReasonKind::FollowupAgreed => crate::model::RecallKind::Followup,
        _ => return None,
    };
    f.recalls()?.iter().find(|r| r.kind == recall_kind && r.agreed).and_then(|r| r.channel)
}

/// A message is enough for this reason: a reminder of an appointment (playbook reason 1), or a
/// recall the patient agreed to receive as a message (reason 6: "call or message, as the
/// patient chose").
pub fn message_is_enough(f: &Facts, r: &Reason) -> bool {
    r.kind == ReasonKind::AppointmentReminder || agreed_channel(f, r.kind).is_some_and(|c| c.is_message())
}

/// Whether `due` is reached now (or within the lead time).
pub fn is_due(f: &Facts, due: NaiveDate) -> bool {
    due <= f.today + Duration::days(DUE_LEAD_DAYS)
}
