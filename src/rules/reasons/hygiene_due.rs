//! `hygiene_due`: playbook reason 6, "An agreed reminder of professional hygiene (call or
//! message, as the patient chose)." An agreed `hygiene` recall, due now: its date, else the last
//! hygiene visit plus `hygiene_interval_months`; and no upcoming appointment.

use chrono::{Months, NaiveDate};

use crate::model::{Reason, ReasonKind, RecallKind, Section};

use super::super::text::{channel_name, full_date, normalize, tr};
use super::{is_due, Facts, ReasonDef};

pub const DEF: ReasonDef =
    ReasonDef { kind: ReasonKind::HygieneDue, needs: &[Section::Recalls, Section::Appointments], find };

const HYGIENE_WORDS: &[&str] = &["гигиен", "чистк", "hygien", "cleaning", "airflow", "air flow", "scaling"];

pub fn is_hygiene(service: &str) -> bool {
    let n = normalize(service);
    HYGIENE_WORDS.iter().any(|w| n.contains(w))
}

fn last_hygiene(f: &Facts) -> Option<NaiveDate> {
    f.visits()?.iter().filter(|v| v.services.iter().any(|s| is_hygiene(&s.name))).map(|v| v.date).max()
}

fn find(f: &Facts, out: &mut Vec<Reason>) {
    if !f.upcoming.is_empty() {
        return;
    }
    for r in f.recalls().unwrap_or(&[]).iter().filter(|r| r.kind == RecallKind::Hygiene && r.agreed) {
        let last = last_hygiene(f);
        let Some(due) = r.due.or_else(|| last?.checked_add_months(Months::new(f.config.hygiene_interval_months)))
        else {
            continue;
        };
        if !is_due(f, due) {
            continue;
        }
        let d = full_date(f.locale, due);
        let mut evidence = Vec::new();
        if let Some(l) = last {
            let l = full_date(f.locale, l);
            evidence.push(tr(f.locale, || format!("последняя гигиена {l}"), || format!("last hygiene {l}")));
        }
        if let Some(c) = r.channel {
            let c = channel_name(f.locale, c);
            evidence.push(tr(f.locale, || format!("договорились: {c}"), || format!("agreed channel: {c}")));
        }
        out.push(Reason {
            kind: ReasonKind::HygieneDue,
            message: tr(
                f.locale,
                || format!("Согласованное напоминание о гигиене, срок {d}"),
                || format!("Agreed hygiene reminder, due {d}"),
            ),
            evidence,
        });
    }
}
