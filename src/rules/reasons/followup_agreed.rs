//! `followup_agreed`: playbook reason 5, "A follow-up call after treatment was agreed (how do
//! you feel, impressions)." Seed 003: "поинтересоваться состоянием пролеченных зубов". An agreed
//! `followup` recall with no date, or due now (not more than `FOLLOWUP_STALE_DAYS` overdue).

use chrono::Duration;

use crate::model::{Reason, ReasonKind, RecallKind, Section};

use super::super::text::{full_date, tr};
use super::{is_due, Facts, ReasonDef};

pub const DEF: ReasonDef = ReasonDef { kind: ReasonKind::FollowupAgreed, needs: &[Section::Recalls], find };

/// A follow-up agreed this long ago and never made is no longer a reason.
pub const FOLLOWUP_STALE_DAYS: i64 = 30;

fn find(f: &Facts, out: &mut Vec<Reason>) {
    for r in f.recalls().unwrap_or(&[]).iter().filter(|r| r.kind == RecallKind::Followup && r.agreed) {
        let fresh = r.due.is_none_or(|d| is_due(f, d) && d >= f.today - Duration::days(FOLLOWUP_STALE_DAYS));
        if !fresh {
            continue;
        }
        let mut evidence = Vec::new();
        if let Some(d) = r.due {
            let d = full_date(f.locale, d);
            evidence.push(tr(f.locale, || format!("срок {d}"), || format!("due {d}")));
        }
        if let Some(b) = &r.set_by {
            evidence.push(b.clone());
        }
        out.push(Reason {
            kind: ReasonKind::FollowupAgreed,
            message: tr(
                f.locale,
                || "Согласованный звонок после лечения: как самочувствие".into(),
                || "Agreed follow-up after treatment: how the patient feels".into(),
            ),
            evidence,
        });
    }
}
