//! `recent_full_price`: do not offer a discount on a service just paid at full price.
//!
//! Playbook, check 5: "never offer a discount on a service received recently at full price";
//! seed 000: "не предлагайте скидку на услугу, которую пациент получил неделю назад по
//! стандартной стоимости". A service line of a visit within `recent_full_price_days` without a
//! discount (and not free) goes to `do_not_offer`; an offer while a configured campaign is about
//! such a service is blocked, otherwise the check warns (a campaign touches it) or informs.

use chrono::Duration;

use crate::model::{DoNotOffer, Purpose, Section};

use super::services::campaigns_about;
use super::text::{short_date, tr};
use super::{Blocks, Facts, Out, Rule};

pub const RULE: Rule = Rule {
    id: "recent_full_price",
    needs: &[Section::Visits],
    blocks: Blocks::For(&[Purpose::Offer]),
    partial: false,
    what: ("недавние услуги по полной цене", "services recently paid at full price"),
    check,
};

/// "2 500" / "2,500": the amount as the MIS shows it, without guessing the currency.
pub fn amount(f: &Facts, v: f64) -> String {
    let whole = v.round() as i64;
    let digits = whole.abs().to_string();
    let sep = if f.ru() { '\u{a0}' } else { ',' };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    if whole < 0 {
        format!("-{out}")
    } else {
        out
    }
}

fn check(f: &Facts, out: &mut Out) {
    let Some(visits) = f.visits() else { return };
    let since = f.today - Duration::days(f.config.recent_full_price_days as i64);
    let loc = f.locale;
    // (service, date, price), latest first per service.
    let mut recent: Vec<(&str, chrono::NaiveDate, Option<f64>)> = Vec::new();
    for v in visits.iter().filter(|v| v.date >= since && v.date <= f.today) {
        for s in &v.services {
            let discounted = s.discount_pct.is_some_and(|d| d > 0.0);
            let free = s.price.is_some_and(|p| p <= 0.0);
            if discounted || free {
                continue;
            }
            match recent.iter_mut().find(|r| r.0 == s.name) {
                Some(r) if r.1 < v.date => *r = (&s.name, v.date, s.price),
                Some(_) => {}
                None => recent.push((&s.name, v.date, s.price)),
            }
        }
    }
    if recent.is_empty() {
        return;
    }
    crate::order::sort_by_key(&mut recent, |r| std::cmp::Reverse(r.1));
    let mut evidence = Vec::new();
    let mut touched: Vec<(String, String)> = Vec::new();
    for (name, date, price) in &recent {
        let d = short_date(loc, *date);
        let why = match price {
            Some(p) => {
                let a = amount(f, *p);
                tr(loc, || format!("оплачено полностью {d} ({a})"), || format!("paid full price {d} ({a})"))
            }
            None => tr(loc, || format!("получено {d} без скидки"), || format!("received {d} without a discount")),
        };
        evidence.push(format!("{name} — {why}"));
        for c in campaigns_about(&f.config.campaigns, name) {
            touched.push((c.name.clone(), name.to_string()));
        }
        out.do_not_offer.push(DoNotOffer { service: name.to_string(), why });
    }
    if let Some((campaign, service)) = touched.first() {
        let msg = tr(
            loc,
            || format!("«{service}» недавно оплачено по полной цене — акцию «{campaign}» не предлагать"),
            || format!("\"{service}\" was recently paid at full price — do not offer the campaign \"{campaign}\""),
        );
        if f.purpose == Some(Purpose::Offer) {
            out.block(msg, evidence);
        } else {
            out.warn(msg, evidence);
        }
    } else {
        let names = recent.iter().map(|r| r.0).collect::<Vec<_>>().join(", ");
        out.info(
            tr(
                loc,
                || format!("Без скидки на недавно оплаченное: {names}"),
                || format!("No discount on what was just paid: {names}"),
            ),
            evidence,
        );
    }
}
