//! `no_marketing_consent`: an offer or promotion needs the patient's prior consent to advertising.
//!
//! Playbook, "Legal basis": "Russia: advertising by phone/SMS/messenger needs the subscriber's
//! prior consent, which the sender must be able to prove (38-FZ art. 18) ... So an offer is a
//! different kind of contact from a treatment follow-up. The product classifies each contact as
//! service or advertising, and requires marketing consent for the latter." Only
//! `consent.advertising: true` counts: false, unstated or no consent block all mean no offer.

use crate::model::{Purpose, Section};

use super::text::tr;
use super::{Blocks, Facts, Out, Rule};

pub const RULE: Rule = Rule {
    id: "no_marketing_consent",
    needs: &[Section::ServiceCard],
    blocks: Blocks::For(&[Purpose::Offer]),
    partial: false,
    what: ("согласие на рекламу", "consent to advertising"),
    check,
};

fn check(f: &Facts, out: &mut Out) {
    let Some(card) = f.service_card() else { return };
    let advertising = card.consent.as_ref().and_then(|c| c.advertising);
    if advertising == Some(true) {
        return;
    }
    let evidence = vec![match advertising {
        Some(false) => tr(f.locale, || "согласие на рекламу: нет".into(), || "advertising consent: no".into()),
        _ => tr(f.locale, || "согласие на рекламу не отмечено".into(), || "advertising consent not recorded".into()),
    }];
    match f.purpose {
        Some(p) if p.is_advertising() => out.block(
            tr(
                f.locale,
                || "Нет согласия на рекламу — предложение и акции нельзя (38-ФЗ ст. 18)".into(),
                || "No consent to advertising — no offer or promotion (38-FZ art. 18)".into(),
            ),
            evidence,
        ),
        None => out.info(
            tr(
                f.locale,
                || "Нет согласия на рекламу — без акций и предложений".into(),
                || "No consent to advertising — no promotions or offers".into(),
            ),
            evidence,
        ),
        Some(_) => {}
    }
}
