//! `checkup_due`: playbook reason 7, "An agreed check-up reminder (usually 6 months, or earlier
//! as the doctor set). Argument: the check-up keeps the clinic's guarantee valid; the check-up is
//! free, treatment found is paid." An agreed `checkup` recall, due now: its date, else the last
//! visit plus `checkup_interval_months`; and no upcoming appointment.

use chrono::Months;

use crate::model::{Reason, ReasonKind, RecallKind, Section};

use super::super::text::{full_date, tr};
use super::{is_due, Facts, ReasonDef};

pub const DEF: ReasonDef =
    ReasonDef { kind: ReasonKind::CheckupDue, needs: &[Section::Recalls, Section::Appointments], find };

fn find(f: &Facts, out: &mut Vec<Reason>) {
    if !f.upcoming.is_empty() {
        return;
    }
    for r in f.recalls().unwrap_or(&[]).iter().filter(|r| r.kind == RecallKind::Checkup && r.agreed) {
        let last = f.visits().and_then(|v| v.iter().map(|v| v.date).max());
        let Some(due) = r.due.or_else(|| last?.checked_add_months(Months::new(f.config.checkup_interval_months)))
        else {
            continue;
        };
        if !is_due(f, due) {
            continue;
        }
        let d = full_date(f.locale, due);
        let mut evidence = vec![tr(
            f.locale,
            || "осмотр бесплатный и сохраняет гарантию клиники".into(),
            || "the check-up is free and keeps the clinic's guarantee valid".into(),
        )];
        if let Some(b) = &r.set_by {
            evidence.push(b.clone());
        }
        out.push(Reason {
            kind: ReasonKind::CheckupDue,
            message: tr(
                f.locale,
                || format!("Согласованный профосмотр, срок {d}"),
                || format!("Agreed check-up, due {d}"),
            ),
            evidence,
        });
    }
}
