//! The facts the administrator may be asked about (playbook, check 2: "The administrator must
//! be able to answer 'which doctor was that?' without irritation"): last visit, open plan items,
//! upcoming appointments, relatives, feedback summary, recent attempts. A section that was not
//! read is `null` here; a read, empty one is an empty list.

use serde_json::{json, Value};

use crate::model::{PlanDecision, PlanItemStatus, Sentiment};

use super::facts::Facts;

const MAX_ITEMS: usize = 10;

pub fn build(f: &Facts) -> Value {
    let last_visit =
        f.visits().map(|visits| match visits.iter().filter(|v| v.date <= f.today).max_by_key(|v| v.date) {
            Some(v) => json!({
                "date": v.date,
                "doctor": v.doctor,
                "specialty": v.specialty,
                "services": v.services.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
            }),
            None => Value::Null,
        });
    let open_plan_items = f.plans().map(|plans| {
        let mut items = Vec::new();
        for p in plans.iter().filter(|p| p.decision != Some(PlanDecision::Declined)) {
            for i in p.items.iter().filter(|i| matches!(i.status, PlanItemStatus::Planned | PlanItemStatus::Scheduled))
            {
                if items.len() >= MAX_ITEMS {
                    break;
                }
                items.push(json!({
                    "plan": p.id, "doctor": p.doctor, "specialty": p.specialty,
                    "name": i.name, "urgent": i.urgent, "status": i.status, "due": i.due,
                }));
            }
        }
        Value::Array(items)
    });
    let upcoming = f.appointments().map(|_| {
        Value::Array(
            f.upcoming
                .iter()
                .take(MAX_ITEMS)
                .map(|u| {
                    let a = u.appointment;
                    json!({"start": a.start, "doctor": a.doctor, "specialty": a.specialty, "service": a.service, "status": a.status})
                })
                .collect(),
        )
    });
    let relatives = f.relatives().map(|rs| {
        Value::Array(
            rs.iter()
                .take(MAX_ITEMS)
                .map(|r| json!({"name": r.name, "relation": r.relation, "booked": r.booked, "due": r.due}))
                .collect(),
        )
    });
    let feedback = f.feedback().map(|fb| {
        let count = |s: Sentiment| fb.iter().filter(|x| x.sentiment == s).count();
        let last_negative = fb.iter().filter(|x| x.sentiment == Sentiment::Negative).max_by_key(|x| x.date);
        json!({
            "negative": count(Sentiment::Negative),
            "neutral": count(Sentiment::Neutral),
            "positive": count(Sentiment::Positive),
            "last_negative": last_negative.map(|x| json!({"date": x.date, "text": x.text})),
        })
    });
    let attempts = f.log.as_ref().map(|_| {
        let since = f.since_last_reach();
        let unanswered = since.iter().filter(|e| e.is_unanswered_attempt()).count();
        let last = since
            .iter()
            .rev()
            .find(|e| e.is_unanswered_attempt())
            .map(|e| crate::model::datefmt::iso_date_time(e.local));
        json!({"unanswered_since_reached": unanswered, "last_unanswered": last})
    });
    json!({
        "patient_timezone": f.patient_zone,
        "last_visit": last_visit,
        "open_plan_items": open_plan_items,
        "upcoming": upcoming,
        "relatives": relatives,
        "feedback": feedback,
        "attempts": attempts,
    })
}
