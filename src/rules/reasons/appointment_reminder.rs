//! `appointment_reminder`: playbook reason 1, "Reminder of an upcoming appointment (a message is
//! enough)". Seed 003: "Клиенту напоминают о дне и времени прихода ... (Оправдано присылать SMS)".
//! An active (booked or confirmed) appointment within the next `REMINDER_DAYS` days.

use chrono::Duration;

use crate::model::{Reason, ReasonKind, Section};

use super::super::already_booked::appointment_phrase;
use super::super::text::tr;
use super::{Facts, ReasonDef, REMINDER_DAYS};

pub const DEF: ReasonDef = ReasonDef { kind: ReasonKind::AppointmentReminder, needs: &[Section::Appointments], find };

fn find(f: &Facts, out: &mut Vec<Reason>) {
    let horizon = f.now + Duration::days(REMINDER_DAYS);
    for u in f.upcoming.iter().take_while(|u| u.at <= horizon).take(3) {
        let what = appointment_phrase(f, u);
        out.push(Reason {
            kind: ReasonKind::AppointmentReminder,
            message: tr(
                f.locale,
                || format!("Напоминание о записи: {what}"),
                || format!("Appointment reminder: {what}"),
            ),
            evidence: u.appointment.service.iter().cloned().collect(),
        });
    }
}
