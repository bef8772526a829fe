//! `no_justified_reason`: a call needs a concrete reason that matters to the patient.
//!
//! Playbook, "Justified reasons to contact" (seed 003, rule 2: name a concrete reason) and
//! "Unjustified contacts": mass promotions, "gifts" with a deadline, calls "because the doctor has
//! free slots". With no justified reason (see `reasons`) the verdict is `message_only`. A reminder
//! of an upcoming appointment is a reason, but "a message is enough"; so is a recall the patient
//! agreed to receive as a message (reason 6, "call or message, as the patient chose"). When every
//! reason is of that kind the verdict is `message_only` too, unless the patient prefers calls.

use crate::model::{Channel, ReasonKind, Section, Severity};

use super::reasons::message_is_enough;
use super::text::tr;
use super::{Blocks, Effect, Facts, Out, Rule};

pub const RULE: Rule = Rule {
    id: "no_justified_reason",
    needs: &[Section::Appointments, Section::Plans, Section::Recalls],
    blocks: Blocks::Never,
    partial: true,
    what: ("обоснованный повод для звонка", "a justified reason to call"),
    check,
};

fn check(f: &Facts, out: &mut Out) {
    let loc = f.locale;
    if f.reasons.is_empty() {
        out.push(
            Severity::Warn,
            Effect::MessageOnly,
            tr(
                loc,
                || "Нет обоснованного повода для звонка — не больше сообщения".into(),
                || "No justified reason to call — a message at most".into(),
            ),
            vec![],
        );
        return;
    }
    let prefers_calls = f.prefs.as_ref().is_some_and(|p| p.preferred == Some(Channel::Call));
    if prefers_calls || !f.reasons.iter().all(|r| message_is_enough(f, r)) {
        return;
    }
    let msg = if f.reasons.iter().all(|r| r.kind == ReasonKind::AppointmentReminder) {
        tr(
            loc,
            || "Повод — напоминание о записи: достаточно сообщения".into(),
            || "The reason is a reminder of the appointment: a message is enough".into(),
        )
    } else {
        tr(
            loc,
            || "Напоминание согласовано сообщением — не звоните".into(),
            || "The reminder was agreed as a message — do not call".into(),
        )
    };
    out.push(Severity::Info, Effect::MessageOnly, msg, vec![]);
}
