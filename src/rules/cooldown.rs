//! `cooldown`: a pause after an unanswered attempt.
//!
//! Playbook, "Attempts and cadence": "keep a cooldown between attempts (e.g. 2 days)"; "Do not
//! contact a patient several days in a row about different things; combine." After the last
//! unanswered attempt (of any purpose, since the patient was last reached) the next contact
//! waits `cooldown_days`; the verdict is `wait` and `next_window` is the first allowed moment
//! after the pause. A reminder of an upcoming appointment cannot wait: it only warns.

use chrono::Duration;

use crate::model::{utc_to_local, Purpose, Section};

use super::text::{count_ru_en, short_date_time, tr};
use super::{Blocks, Effect, Facts, Out, Rule};
use crate::model::Severity;

pub const RULE: Rule = Rule {
    id: "cooldown",
    needs: &[Section::Communications],
    blocks: Blocks::Never,
    partial: true,
    what: ("пауза после попытки без ответа", "the pause after an unanswered attempt"),
    check,
};

fn check(f: &Facts, out: &mut Out) {
    let days = f.config.cooldown_days;
    if days == 0 {
        return;
    }
    let Some(last) = f.since_last_reach().iter().rev().find(|e| e.is_unanswered_attempt()) else { return };
    let until = last.at + Duration::days(days as i64);
    if f.now >= until {
        return;
    }
    let loc = f.locale;
    let when = short_date_time(loc, last.local);
    let pause = count_ru_en(loc, days as u64, ["день", "дня", "дней"], ("day", "days"));
    let until_local = utc_to_local(f.zones, f.patient_zone, until).map(|t| short_date_time(loc, t)).unwrap_or_default();
    let evidence = vec![tr(loc, || format!("попытка без ответа {when}"), || format!("unanswered attempt {when}"))];
    if f.purpose == Some(Purpose::Reminder) {
        out.warn(
            tr(
                loc,
                || format!("Попытка без ответа {when} — напомните сообщением, не звоните повторно"),
                || format!("Unanswered attempt {when} — remind by message, do not call again"),
            ),
            evidence,
        );
        return;
    }
    out.push(
        Severity::Warn,
        Effect::Wait { until: Some(until) },
        tr(
            loc,
            || format!("Попытка без ответа {when} — пауза {pause}, до {until_local}"),
            || format!("Unanswered attempt {when} — {pause} pause, until {until_local}"),
        ),
        evidence,
    );
}
