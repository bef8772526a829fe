use chrono::NaiveDate;
use serde_json::json;

use super::*;

fn entry(id: &str, patient: &str, at: &str, outcome: Option<&str>, extra: serde_json::Value) -> Entry {
    let mut v = json!({"id": id, "origin": "https://mis.example", "patient": patient, "at": at, "channel": "call"});
    if let Some(o) = outcome {
        v["outcome"] = json!(o);
    }
    for (k, x) in extra.as_object().unwrap() {
        v[k] = x.clone();
    }
    calllog::entry_from(&v).unwrap()
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn query(from: &str, to: &str, by: Granularity) -> Query {
    Query { from: d(from), to: d(to), by, caller: None, locale: Locale::Ru, labels: Default::default() }
}

#[test]
fn buckets_start_on_mondays_and_firsts_and_keep_the_empty_ones() {
    let e = vec![entry("a", "p1", "2026-11-18T10:00:00+03:00", Some("reached"), json!({}))];
    let r = report(&e, &query("2026-11-01", "2026-11-30", Granularity::Week), &Config::default()).unwrap();
    let starts: Vec<String> = r.buckets.iter().map(|b| b.start.to_string()).collect();
    assert_eq!(starts, ["2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23", "2026-11-30"]);
    assert_eq!(r.buckets.iter().map(|b| b.total).collect::<Vec<_>>(), [0, 0, 0, 1, 0, 0]);
    let r = report(&e, &query("2026-10-15", "2027-01-02", Granularity::Month), &Config::default()).unwrap();
    assert_eq!(
        r.buckets.iter().map(|b| b.label.as_str()).collect::<Vec<_>>(),
        ["окт 2026", "ноя 2026", "дек 2026", "янв 2027"]
    );
    assert_eq!(label(d("2026-11-30"), Granularity::Week, Locale::Ru), "30.11–06.12");
    assert_eq!(label(d("2026-11-16"), Granularity::Week, Locale::En), "16–22 Nov");
    assert_eq!(label(d("2026-11-23"), Granularity::Day, Locale::Ru), "23.11");
}

#[test]
fn a_period_backwards_or_too_fine_is_refused() {
    assert!(report(&[], &query("2026-11-02", "2026-11-01", Granularity::Day), &Config::default()).is_err());
    assert!(report(&[], &query("2025-01-01", "2026-12-31", Granularity::Day), &Config::default()).is_err());
    assert!(report(&[], &query("2025-01-01", "2026-12-31", Granularity::Week), &Config::default()).is_ok());
}

#[test]
fn shares_leave_unrecorded_outcomes_out_and_say_none_when_nothing_is_known() {
    let e = vec![
        entry("a", "p1", "2026-11-18T10:00:00+03:00", Some("booked"), json!({"purpose": "invite"})),
        entry("b", "p2", "2026-11-18T11:00:00+03:00", Some("no_answer"), json!({"purpose": "offer"})),
        entry("c", "p3", "2026-11-18T12:00:00+03:00", None, json!({})),
    ];
    let t = report(&e, &query("2026-11-18", "2026-11-18", Granularity::Day), &Config::default()).unwrap().totals;
    assert_eq!((t.contacts, t.with_outcome, t.no_outcome, t.booked, t.unanswered, t.justified), (3, 2, 1, 1, 1, 1));
    assert_eq!(t.booked_share, Some(0.5));
    assert_eq!(t.unanswered_share, Some(0.5));
    assert_eq!(t.justified_share, Some(1.0 / 3.0));
    let only_unknown = vec![entry("c", "p3", "2026-11-18T12:00:00+03:00", None, json!({}))];
    let t =
        report(&only_unknown, &query("2026-11-18", "2026-11-18", Granularity::Day), &Config::default()).unwrap().totals;
    assert_eq!((t.booked_share, t.unanswered_share), (None, None));
}

#[test]
fn cadence_counts_the_cap_the_cooldown_and_a_request_not_to_be_contacted() {
    let cfg = Config { attempt_cap: 2, cooldown_days: 2, ..Config::default() };
    let e = vec![
        // p1: two unanswered 3 days apart, then a third: over the cap (not in the cooldown).
        entry("a1", "p1", "2026-11-01T10:00:00+03:00", Some("no_answer"), json!({})),
        entry("a2", "p1", "2026-11-04T10:00:00+03:00", Some("busy"), json!({})),
        entry("a3", "p1", "2026-11-07T10:00:00+03:00", Some("no_answer"), json!({})),
        // p2: unanswered, then called again the next day (cooldown); a reminder the same day is fine.
        entry("b1", "p2", "2026-11-01T10:00:00+03:00", Some("no_answer"), json!({})),
        entry("b2", "p2", "2026-11-01T12:00:00+03:00", Some("no_answer"), json!({"purpose": "reminder"})),
        entry("b3", "p2", "2026-11-02T10:00:00+03:00", Some("reached"), json!({})),
        // p3: reached in between, so the count starts again: no breach.
        entry("c1", "p3", "2026-11-01T10:00:00+03:00", Some("no_answer"), json!({})),
        entry("c2", "p3", "2026-11-05T10:00:00+03:00", Some("reached"), json!({})),
        entry("c3", "p3", "2026-11-09T10:00:00+03:00", Some("no_answer"), json!({})),
        // p4: asked not to be contacted, then called.
        entry("d1", "p4", "2026-11-01T10:00:00+03:00", Some("do_not_call"), json!({})),
        entry("d2", "p4", "2026-11-10T10:00:00+03:00", None, json!({})),
    ];
    let r = report(&e, &query("2026-11-01", "2026-11-30", Granularity::Month), &cfg).unwrap();
    let rows: Vec<(String, usize, Vec<Breach>)> =
        r.cadence.iter().map(|c| (c.patient.clone(), c.breaches, c.kinds.clone())).collect();
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows.contains(&("p1".into(), 1, vec![Breach::AttemptCap])));
    // b2 (a reminder) is exempt from the cooldown, b3 is not; b3 also meets two unanswered (cap 2).
    assert!(rows.contains(&("p2".into(), 1, vec![Breach::AttemptCap, Breach::Cooldown])));
    assert!(rows.contains(&("p4".into(), 1, vec![Breach::DoNotContact])));
    assert_eq!((r.totals.over_cadence, r.totals.over_cadence_patients), (3, 3));
}

#[test]
fn the_caller_filter_applies_to_everything_shown_but_the_list_of_callers() {
    let e = vec![
        entry("a", "p1", "2026-11-18T10:00:00+03:00", Some("booked"), json!({"caller": "Анна"})),
        entry(
            "b",
            "p2",
            "2026-11-18T11:00:00+03:00",
            Some("no_answer"),
            json!({"caller": "Борис",
            "override": {"reason": "пациент просил", "rules": ["cooldown"]}}),
        ),
        entry("c", "p3", "2026-11-18T12:00:00+03:00", Some("reached"), json!({})),
    ];
    let mut q = query("2026-11-18", "2026-11-18", Granularity::Day);
    q.caller = Some("Борис".into());
    let r = report(&e, &q, &Config::default()).unwrap();
    assert_eq!(r.totals.contacts, 1);
    assert_eq!(r.overrides.len(), 1);
    assert_eq!(r.all_callers, ["", "Анна", "Борис"]);
    q.caller = Some(String::new());
    assert_eq!(report(&e, &q, &Config::default()).unwrap().totals.contacts, 1);
}

#[test]
fn csv_defuses_formulas_and_quotes_and_svg_escapes_names() {
    let e = vec![entry(
        "a",
        "p1",
        "2026-11-18T10:00:00+03:00",
        Some("no_answer"),
        json!({
        "caller": "=HYPERLINK(\"x\")<script>", "override": {"reason": "+1, \"срочно\"", "rules": ["attempts_exceeded"]}}),
    )];
    let q = query("2026-11-18", "2026-11-18", Granularity::Day);
    let r = report(&e, &q, &Config::default()).unwrap();
    let text = csv(&r, &q);
    assert!(text.starts_with('\u{feff}'));
    assert!(text.contains("\"'=HYPERLINK(\"\"x\"\")<script>\""), "{text}");
    assert!(text.contains("\"'+1, \"\"срочно\"\"\""), "{text}");
    assert!(!text.contains("\n=") && !text.contains(",="));
    let chart = svg::contacts(&r, &q);
    assert!(!chart.contains("<script>") && chart.contains("&lt;script&gt;"), "{chart}");
    assert!(chart.starts_with("<svg") && chart.ends_with("</svg>"));
    assert!(chart.contains(r#"viewBox="0 0 760 260""#), "{chart}");
    // One bar of 1 on a scale to 1: the full plot height (214) from y 10, to one decimal.
    assert!(chart.contains(r#"y="10" width="#) && chart.contains(r#"height="214""#), "{chart}");
    assert_eq!(svg::escape("a\u{1}&'"), "a\u{fffd}&amp;&#39;");
}

#[test]
fn stored_records_read_fast_when_clean_and_through_load_otherwise() {
    let good = json!({"schema": "precall.calllog", "version": 1, "entries": [
        {"id": "a", "origin": "https://mis.example", "patient": "p1", "at": "2026-11-18T10:00:00+03:00", "outcome": "booked"}]});
    // A bad entry is set aside (the good one stays), a duplicate id kept once, version 0 migrated,
    // a foreign record set aside whole: as calllog::load reads them.
    let mixed = json!({"schema": "precall.calllog", "version": 1, "entries": [
        {"id": "b", "origin": "https://mis.example", "patient": "p2", "at": "2026-11-18T10:00:00+03:00", "outcome": "busy"},
        {"id": "b", "origin": "https://mis.example", "patient": "p2", "at": "2026-11-18T10:00:00+03:00", "outcome": "busy"},
        {"id": "c", "origin": "https://mis.example", "patient": "p2", "at": "not a time"}]});
    let v0 =
        json!([{"at": "2026-11-18T10:00:00+03:00", "channel": "call", "direction": "out", "outcome": "no_answer"}]);
    let records = json!([
        {"origin": "https://mis.example", "patient": "p1", "value": good},
        {"origin": "https://mis.example", "patient": "p2", "value": mixed},
        {"origin": "https://mis.example", "patient": "p3", "value": v0},
        {"origin": "https://mis.example", "patient": "p4", "value": {"foreign": true}},
    ]);
    let entries = entries_from_json(&records.to_string()).unwrap();
    let ids: Vec<(&str, &str)> = entries.iter().map(|e| (e.patient.as_str(), e.id.as_str())).collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert_eq!(&ids[..2], [("p1", "a"), ("p2", "b")]);
    assert_eq!(ids[2].0, "p3");
    assert!(entries_from_json("{}").is_err());
}
