//! `plan_urgent_unstarted`: playbook reason 2, "A signed treatment plan has an urgent item, and
//! the patient has not come." Seed 003: "подписан им выполняемый план лечения, среди пунктов
//! которого обозначена ситуация и сроки безотлагательного вмешательства ..., но пациент почему-то
//! не пришел на лечение". An urgent item still `planned` (not scheduled, done or cancelled).

use crate::model::{PlanItemStatus, Reason, ReasonKind, Section};

use super::super::text::{full_date, tr};
use super::{is_signed, plan_label, Facts, ReasonDef};

pub const DEF: ReasonDef = ReasonDef { kind: ReasonKind::PlanUrgentUnstarted, needs: &[Section::Plans], find };

fn find(f: &Facts, out: &mut Vec<Reason>) {
    for plan in f.plans().unwrap_or(&[]).iter().filter(|p| is_signed(p)) {
        let urgent: Vec<_> = plan.items.iter().filter(|i| i.urgent && i.status == PlanItemStatus::Planned).collect();
        if urgent.is_empty() {
            continue;
        }
        let names = urgent.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(", ");
        let label = plan_label(f, plan);
        let mut evidence = vec![label.clone()];
        for i in &urgent {
            if let Some(d) = i.due {
                let d = full_date(f.locale, d);
                evidence.push(tr(f.locale, || format!("{}: срок {d}", i.name), || format!("{}: due {d}", i.name)));
            }
        }
        out.push(Reason {
            kind: ReasonKind::PlanUrgentUnstarted,
            message: tr(
                f.locale,
                || format!("Срочное лечение по плану не начато: {names}"),
                || format!("Urgent treatment in the plan not started: {names}"),
            ),
            evidence,
        });
    }
}
