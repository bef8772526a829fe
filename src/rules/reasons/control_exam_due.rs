//! `control_exam_due`: playbook reason 4, "The doctor set a control exam after complex treatment;
//! not booked / did not come." A `control` recall due now (or with no date), and no upcoming
//! appointment.

use crate::model::{Reason, ReasonKind, RecallKind, Section};

use super::super::text::{full_date, tr};
use super::{is_due, Facts, ReasonDef};

pub const DEF: ReasonDef =
    ReasonDef { kind: ReasonKind::ControlExamDue, needs: &[Section::Recalls, Section::Appointments], find };

fn find(f: &Facts, out: &mut Vec<Reason>) {
    if !f.upcoming.is_empty() {
        return;
    }
    for r in f.recalls().unwrap_or(&[]).iter().filter(|r| r.kind == RecallKind::Control) {
        if !r.due.is_none_or(|d| is_due(f, d)) {
            continue;
        }
        let due = r.due.map(|d| full_date(f.locale, d));
        let by = r.set_by.clone();
        let mut evidence = Vec::new();
        if let Some(b) = &by {
            evidence.push(tr(f.locale, || format!("назначил(а): {b}"), || format!("set by {b}")));
        }
        let message = match &due {
            Some(d) => tr(
                f.locale,
                || format!("Контрольный осмотр, срок {d} — не записан"),
                || format!("Control exam due {d} — not booked"),
            ),
            None => tr(
                f.locale,
                || "Врач назначил контрольный осмотр — не записан".into(),
                || "The doctor set a control exam — not booked".into(),
            ),
        };
        out.push(Reason { kind: ReasonKind::ControlExamDue, message, evidence });
    }
}
