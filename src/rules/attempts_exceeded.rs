//! `attempts_exceeded`: too many unanswered attempts for this purpose — stop.
//!
//! Playbook, "Attempts and cadence": "'I called 4 times' is a signal to stop, not to push.
//! Count unanswered attempts per purpose; cap them (configurable, e.g. 3)". Seed 000: "я звонила
//! ему 4 раза, больше навязываться нет смысла". Attempts come from the MIS log and the
//! extension's own log together (the same call in both counts once); a contact that reached
//! the patient (or an incoming one) starts the count again. An attempt with no recorded
//! purpose counts for every purpose. At the cap: block; one below: warn; fewer are only shown
//! in the context (`context.attempts`).

use crate::model::{Channel, Section};

use super::text::{plural_ru, short_date_time, tr};
use super::{Blocks, Facts, Out, Rule};

pub const RULE: Rule = Rule {
    id: "attempts_exceeded",
    needs: &[Section::Communications],
    blocks: Blocks::Always,
    partial: true,
    what: ("число неотвеченных попыток", "the number of unanswered attempts"),
    check,
};

/// "4 неотвеченных звонка" / "4 unanswered calls" (or attempts, when not all were calls).
pub fn attempts_phrase(f: &Facts, n: u64, all_calls: bool) -> String {
    if f.ru() {
        if all_calls {
            let adj = plural_ru(n, ["неотвеченный", "неотвеченных", "неотвеченных"]);
            format!("{n} {adj} {}", plural_ru(n, ["звонок", "звонка", "звонков"]))
        } else {
            format!("{n} {} без ответа", plural_ru(n, ["попытка", "попытки", "попыток"]))
        }
    } else {
        let noun = match (all_calls, n == 1) {
            (true, true) => "call",
            (true, false) => "calls",
            (false, true) => "attempt",
            (false, false) => "attempts",
        };
        format!("{n} unanswered {noun}")
    }
}

fn check(f: &Facts, out: &mut Out) {
    let attempts: Vec<_> =
        f.since_last_reach().iter().filter(|e| e.is_unanswered_attempt() && f.same_purpose(e)).collect();
    let n = attempts.len() as u64;
    if n == 0 {
        return;
    }
    let cap = f.config.attempt_cap as u64;
    if cap == 0 || n + 1 < cap {
        return;
    }
    let all_calls = attempts.iter().all(|e| e.channel.is_none_or(|c| c == Channel::Call));
    let what = attempts_phrase(f, n, all_calls);
    let evidence: Vec<String> = attempts
        .iter()
        .rev()
        .take(5)
        .map(|e| {
            let ch = e.channel.map(|c| super::text::channel_name(f.locale, c)).unwrap_or("?");
            let src = if e.own {
                tr(f.locale, || " (журнал расширения)".into(), || " (extension log)".into())
            } else {
                String::new()
            };
            format!("{} {ch}{src}", short_date_time(f.locale, e.local))
        })
        .collect();
    if n >= cap {
        out.block(tr(f.locale, || format!("{what} — остановитесь"), || format!("{what} — stop")), evidence);
    } else {
        out.warn(
            tr(
                f.locale,
                || format!("{what} — следующая попытка последняя"),
                || format!("{what} — the next attempt is the last"),
            ),
            evidence,
        );
    }
}
