//! `already_booked`: the patient already has an upcoming appointment.
//!
//! Playbook, check 3: "Current schedule: is the patient already booked? Then no invitation
//! (a reminder is fine)." Seed 000: "вы каждый день будете меня записывать?!". Only booked or
//! confirmed appointments that have not started count; cancelled, no-show and done ones do
//! not. Blocks an invitation or an offer; for a reminder it is the reason itself (see
//! `reasons::appointment_reminder`); for an unknown purpose it warns.

use crate::model::{Purpose, Section, Sex};

use super::facts::Upcoming;
use super::text::{short_date_time, tr};
use super::{Blocks, Facts, Out, Rule};

pub const RULE: Rule = Rule {
    id: "already_booked",
    needs: &[Section::Appointments],
    blocks: Blocks::For(&[Purpose::Invite, Purpose::Offer]),
    partial: false,
    what: ("есть ли уже запись", "whether the patient is already booked"),
    check,
};

/// "чт 26.11 14:00, Петрова А. В. (терапевт)".
pub fn appointment_phrase(f: &Facts, u: &Upcoming) -> String {
    let a = u.appointment;
    let when = short_date_time(f.locale, a.start.naive);
    let who = Facts::doctor_phrase(a.doctor.as_deref(), a.specialty.as_deref());
    match (who, f.ru()) {
        (Some(w), true) => format!("{when}, {w}"),
        (Some(w), false) => format!("{when} with {w}"),
        (None, _) => match &a.service {
            Some(s) => format!("{when}, {s}"),
            None => when,
        },
    }
}

pub fn booked_word(f: &Facts) -> &'static str {
    match f.patient().and_then(|p| p.sex) {
        Some(Sex::Female) => "записана",
        _ => "записан",
    }
}

fn check(f: &Facts, out: &mut Out) {
    let Some(first) = f.upcoming.first() else { return };
    let phrase = appointment_phrase(f, first);
    let head = tr(f.locale, || format!("Уже {}: {phrase}", booked_word(f)), || format!("Already booked: {phrase}"));
    let evidence: Vec<String> = f
        .upcoming
        .iter()
        .take(3)
        .map(|u| {
            let mut s = appointment_phrase(f, u);
            if let Some(service) = &u.appointment.service {
                if !s.contains(service.as_str()) {
                    s.push_str(&format!(" — {service}"));
                }
            }
            s
        })
        .collect();
    match f.purpose {
        Some(Purpose::Invite) | Some(Purpose::Offer) => out
            .block(tr(f.locale, || format!("{head} — не приглашайте"), || format!("{head} — do not invite")), evidence),
        Some(Purpose::Reminder) | Some(Purpose::Followup) => out.info(head, evidence),
        None => out.warn(
            tr(
                f.locale,
                || format!("{head} — без приглашений, напоминание уместно"),
                || format!("{head} — no invitation; a reminder is fine"),
            ),
            evidence,
        ),
    }
}
