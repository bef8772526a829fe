//! `callback_requested`: the person asked to be called back at a given time.
//!
//! Playbook, "Unjustified contacts", rule 1: "the call is agreed in advance: whether, when, which
//! number, what time"; "Attempts and cadence": do not push. When the last contact in the merged
//! log (the MIS's or the extension's own, issue 6's "call back at") is a `callback` with a time
//! and nothing has been logged since, the next contact waits until that time: the verdict is
//! `wait` and `next_window` is the first allowed moment from then. Once the time has come, the
//! request is shown (call back now). A reminder of an appointment does not wait: it only warns.

use crate::model::{utc_to_local, Outcome, Purpose, Section, Severity};

use super::text::{short_date_time, tr};
use super::{Blocks, Effect, Facts, Out, Rule};

pub const RULE: Rule = Rule {
    id: "callback_requested",
    needs: &[Section::Communications],
    blocks: Blocks::Never,
    partial: true,
    what: ("просьба перезвонить", "a request to be called back"),
    check,
};

fn check(f: &Facts, out: &mut Out) {
    let Some(log) = &f.log else { return };
    // Only the last entry counts: any contact logged after the request has answered it.
    let Some(last) = log.last().filter(|e| e.outcome == Outcome::Callback) else { return };
    let loc = f.locale;
    let asked = short_date_time(loc, last.local);
    let source = if last.own {
        tr(loc, || " (журнал расширения)".into(), || " (extension log)".into())
    } else {
        String::new()
    };
    let evidence = vec![tr(
        loc,
        || format!("{asked}{source}: просил перезвонить"),
        || format!("{asked}{source}: asked to be called back"),
    )];
    let Some(at) = last.callback_at else {
        out.info(
            tr(
                loc,
                || "Просил перезвонить — время не записано".into(),
                || "Asked to be called back — no time recorded".into(),
            ),
            evidence,
        );
        return;
    };
    let when = utc_to_local(f.zones, f.patient_zone, at).map(|t| short_date_time(loc, t)).unwrap_or_default();
    if f.now >= at {
        out.info(
            tr(
                loc,
                || format!("Просил перезвонить {when} — перезвоните"),
                || format!("Asked to be called back {when} — call back"),
            ),
            evidence,
        );
    } else if f.purpose == Some(Purpose::Reminder) {
        out.warn(
            tr(
                loc,
                || format!("Просил перезвонить {when} — до этого только напоминание сообщением"),
                || format!("Asked to be called back {when} — until then only a reminder by message"),
            ),
            evidence,
        );
    } else {
        out.push(
            Severity::Warn,
            Effect::Wait { until: Some(at) },
            tr(
                loc,
                || format!("Просил перезвонить {when} — до этого не звоните"),
                || format!("Asked to be called back {when} — do not call before"),
            ),
            evidence,
        );
    }
}
