//! `plan_partially_done`: playbook reason 3, "A signed plan is partially done; unfinished
//! treatment risks complications." Seed 003: "добиваться того, чтобы доводились до конца
//! согласованные выполняемые планы". Some items done, some still `planned`.

use crate::model::{PlanItemStatus, Reason, ReasonKind, Section};

use super::super::text::tr;
use super::{is_signed, plan_label, Facts, ReasonDef};

pub const DEF: ReasonDef = ReasonDef { kind: ReasonKind::PlanPartiallyDone, needs: &[Section::Plans], find };

fn find(f: &Facts, out: &mut Vec<Reason>) {
    for plan in f.plans().unwrap_or(&[]).iter().filter(|p| is_signed(p)) {
        let done = plan.items.iter().filter(|i| i.status == PlanItemStatus::Done).count();
        let open: Vec<_> = plan.items.iter().filter(|i| i.status == PlanItemStatus::Planned).collect();
        if done == 0 || open.is_empty() {
            continue;
        }
        let total = plan.items.iter().filter(|i| i.status != PlanItemStatus::Cancelled).count();
        let next = open[0].name.as_str();
        out.push(Reason {
            kind: ReasonKind::PlanPartiallyDone,
            message: tr(
                f.locale,
                || format!("План выполнен частично ({done} из {total}); дальше: {next}"),
                || format!("The plan is partly done ({done} of {total}); next: {next}"),
            ),
            evidence: std::iter::once(plan_label(f, plan)).chain(open.iter().map(|i| i.name.clone())).collect(),
        });
    }
}
