//! `refused_service`: never offer a service the patient explicitly refused.
//!
//! Playbook, check 5: "never offer a service the patient explicitly refused (e.g. for health
//! reasons)"; seed 000: "услугу, от которой пациент когда-то четко отказался (например, по
//! причине особенностей здоровья)". Every refusal goes to `do_not_offer`. An offer made while a
//! configured campaign is about a refused service is blocked; otherwise the check warns (a
//! campaign touches it) or informs.

use crate::model::{DoNotOffer, Purpose, Section};

use super::services::campaigns_about;
use super::text::{full_date, tr};
use super::{Blocks, Facts, Out, Rule};

pub const RULE: Rule = Rule {
    id: "refused_service",
    needs: &[Section::Refusals],
    blocks: Blocks::For(&[Purpose::Offer]),
    partial: false,
    what: ("отказы от услуг", "refused services"),
    check,
};

fn check(f: &Facts, out: &mut Out) {
    let Some(refusals) = f.refusals() else { return };
    if refusals.is_empty() {
        return;
    }
    let loc = f.locale;
    let mut evidence = Vec::new();
    let mut touched: Vec<(String, String)> = Vec::new();
    for r in refusals {
        let mut why = tr(loc, || "отказ".into(), || "refused".into());
        if let Some(d) = r.date {
            why.push(' ');
            why.push_str(&full_date(loc, d));
        }
        if let Some(reason) = r.reason.as_deref().filter(|s| !s.trim().is_empty()) {
            why.push_str(": ");
            why.push_str(reason);
        }
        evidence.push(format!("{} — {why}", r.service));
        for c in campaigns_about(&f.config.campaigns, &r.service) {
            touched.push((c.name.clone(), r.service.clone()));
        }
        out.do_not_offer.push(DoNotOffer { service: r.service.clone(), why });
    }
    let services = refusals.iter().map(|r| r.service.as_str()).collect::<Vec<_>>().join(", ");
    if let Some((campaign, service)) = touched.first() {
        let msg = tr(
            loc,
            || format!("Отказывался от «{service}» — акцию «{campaign}» не предлагать"),
            || format!("Refused \"{service}\" — do not offer the campaign \"{campaign}\""),
        );
        if f.purpose == Some(Purpose::Offer) {
            out.block(msg, evidence);
        } else {
            out.warn(msg, evidence);
        }
    } else if f.purpose == Some(Purpose::Offer) && f.config.campaigns.is_empty() {
        out.warn(
            tr(loc, || format!("Не предлагать: {services} (отказ)"), || format!("Do not offer: {services} (refused)")),
            evidence,
        );
    } else {
        out.info(tr(loc, || format!("Отказ: {services}"), || format!("Refused: {services}")), evidence);
    }
}
