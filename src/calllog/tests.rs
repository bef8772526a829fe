use serde_json::json;

use super::*;

const O: &str = "http://127.0.0.1:8765";
const P: &str = "1001";
/// 2026-11-23T10:00:00+03:00
const NOW_MS: f64 = 1_795_417_200_000.0;

fn config() -> Config {
    Config { caller: Caller { name: Some("Ковалёва Е.".into()), ..Caller::default() }, ..Config::default() }
}

fn recording(id: &str) -> Recording {
    Recording {
        id: id.into(),
        at_ms: NOW_MS,
        channel: Some(Channel::Call),
        purpose: Some(Purpose::Invite),
        outcome: None,
        callback_at: None,
        note: None,
        overridden: None,
    }
}

fn dialled(log: &mut Log, id: &str, outcome: Option<Outcome>) -> Entry {
    record(log, Recording { outcome, ..recording(id) }, O, P, &config(), &TzDatabase).unwrap()
}

#[test]
fn a_dial_is_recorded_in_the_clinic_zone_with_the_caller() {
    let mut log = Log::default();
    let e = dialled(&mut log, "a1", None);
    assert_eq!(e.at.to_string(), "2026-11-23T10:00:00+03:00");
    assert_eq!(e.caller.as_deref(), Some("Ковалёва Е."));
    assert_eq!(e.outcome, None);
    assert_eq!(e.rev, 0);
    assert!(to_communications(&log.entries).is_empty(), "a dial without an outcome is not counted");
}

#[test]
fn the_outcome_updates_the_same_entry() {
    let mut log = Log::default();
    dialled(&mut log, "a1", None);
    let r = Recording {
        outcome: Some(Outcome::Callback),
        callback_at: Some("2026-11-25T14:00".into()),
        note: Some("  после работы  ".into()),
        ..recording("a1")
    };
    let e = record(&mut log, r, O, P, &config(), &TzDatabase).unwrap();
    assert_eq!(log.entries.len(), 1);
    assert_eq!(e.rev, 1);
    assert_eq!(e.callback_at.unwrap().to_string(), "2026-11-25T14:00:00+03:00");
    assert_eq!(e.note.as_deref(), Some("после работы"));
    let comms = to_communications(&log.entries);
    assert_eq!(comms.len(), 1);
    assert_eq!(comms[0].outcome, Outcome::Callback);
    assert_eq!(comms[0].purpose.as_deref(), Some("invite"));
}

#[test]
fn an_override_needs_a_reason_and_is_kept() {
    let mut log = Log::default();
    let bad = Recording {
        overridden: Some(Override { reason: "   ".into(), verdict: None, rules: vec![] }),
        ..recording("a1")
    };
    assert!(record(&mut log, bad, O, P, &config(), &TzDatabase).is_err());
    assert!(log.entries.is_empty(), "nothing written on an error");
    let good = Recording {
        overridden: Some(Override {
            reason: "Пациент сам просил позвонить".into(),
            verdict: Some(Verdict::DoNotContact),
            rules: vec!["attempts_exceeded".into()],
        }),
        ..recording("a1")
    };
    record(&mut log, good, O, P, &config(), &TzDatabase).unwrap();
    let e = dialled(&mut log, "a1", Some(Outcome::Reached));
    assert_eq!(e.overridden.unwrap().rules, vec!["attempts_exceeded"], "the outcome keeps the override");
}

#[test]
fn bad_recordings_are_refused() {
    let mut log = Log::default();
    for r in [
        Recording { id: "".into(), ..recording("x") },
        Recording { id: "a b".into(), ..recording("x") },
        Recording { note: Some("x".repeat(MAX_NOTE + 1)), ..recording("x") },
        Recording { callback_at: Some("завтра".into()), outcome: Some(Outcome::Callback), ..recording("x") },
        Recording { callback_at: Some("2026-11-25T14:00".into()), outcome: Some(Outcome::Reached), ..recording("y") },
    ] {
        let _ = record(&mut log, r, O, P, &config(), &TzDatabase);
    }
    // The last one: a call-back time without the call-back outcome is dropped, not an error.
    assert!(log.entries.iter().all(|e| e.callback_at.is_none()));
    assert!(log.entries.iter().all(|e| e.id == "y"), "{:?}", log.entries);
    assert!(record(&mut Log::default(), recording("z"), "javascript:alert(1)", P, &config(), &TzDatabase).is_err());
    assert!(record(&mut Log::default(), recording("z"), O, " ", &config(), &TzDatabase).is_err());
}

#[test]
fn load_keeps_what_it_cannot_read_aside() {
    // A string where a record should be: set aside whole.
    let l = load(&json!("garbage{"), O, P);
    assert!(l.changed);
    assert!(l.log.entries.is_empty());
    assert_eq!(l.log.unreadable.len(), 1);
    assert_eq!(l.log.unreadable[0].raw, json!("garbage{"));
    // A newer version: untouched, set aside whole.
    let newer = json!({"schema": SCHEMA, "version": 7, "entries": [], "something": 1});
    let l = load(&newer, O, P);
    assert_eq!(l.log.unreadable[0].raw, newer);
    assert!(l.log.unreadable[0].reason.contains("newer"));
    // One bad entry among good ones: only it is set aside.
    let mut log = Log::default();
    dialled(&mut log, "a1", Some(Outcome::NoAnswer));
    let mut v = serde_json::to_value(&log).unwrap();
    v["entries"].as_array_mut().unwrap().push(json!({"id": "b2", "outcome": "exploded"}));
    v["entries"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "c3", "origin": "http://other:1", "patient": P, "at": "2026-11-23T10:00:00+03:00"}));
    let l = load(&v, O, P);
    assert_eq!(l.log.entries.len(), 1);
    assert_eq!(l.log.unreadable.len(), 2);
    assert!(l.changed);
    // Loading the result again changes nothing: what was set aside stays, once.
    let again = load(&serde_json::to_value(&l.log).unwrap(), O, P);
    assert!(!again.changed);
    assert_eq!(again.log, l.log);
}

#[test]
fn version_0_is_migrated_and_stable() {
    // The snapshot contract's communication list (what `precall check --log` reads).
    let v0 = json!([
        {"at": "2026-11-20T12:00:00", "channel": "call", "direction": "out", "purpose": "приглашение на гигиену", "outcome": "no_answer"},
        {"at": "2026-11-21T12:00:00+03:00", "direction": "out", "purpose": "контрольный звонок после лечения", "outcome": "callback", "callback_at": "2026-11-25T14:00"},
        {"at": "not a time", "direction": "out", "outcome": "reached"}
    ]);
    let l = load(&v0, O, P);
    assert_eq!(l.migrated_from, Some(0));
    assert!(l.changed);
    assert_eq!(l.log.version, VERSION);
    assert_eq!(l.log.entries.len(), 2);
    assert_eq!(l.log.unreadable.len(), 1);
    assert_eq!(l.log.entries[0].purpose, Some(Purpose::Invite));
    assert_eq!(l.log.entries[1].purpose, Some(Purpose::Followup));
    assert_eq!(l.log.entries[1].channel, None);
    assert!(l.log.entries[1].callback_at.is_some());
    // The same input migrates to the same ids (a repeated migration does not duplicate).
    assert_eq!(load(&v0, O, P).log, l.log);
    let mut log = l.log.clone();
    let report = merge(&mut log, load(&v0, O, P).log.entries);
    assert_eq!(report, MergeReport { added: 0, updated: 0, duplicates: 2 });
}

#[test]
fn merge_adds_updates_and_skips_duplicates() {
    let mut a = Log::default();
    dialled(&mut a, "a1", None);
    dialled(&mut a, "a2", Some(Outcome::Busy));
    let mut b = a.clone();
    dialled(&mut b, "a1", Some(Outcome::Reached)); // rev 1 in b
    let mut c3 = b.entries[0].clone();
    c3.id = "a3".into();
    c3.at = LocalDateTime::parse("2026-11-24T09:00:00+03:00").unwrap();
    b.entries.push(c3);
    let mut twin = b.entries[1].clone(); // the a2 contact under another id
    twin.id = "a2-copy".into();
    b.entries.push(twin);
    let report = merge(&mut a, b.entries.clone());
    assert_eq!(report, MergeReport { added: 1, updated: 1, duplicates: 2 });
    assert_eq!(a.entries.len(), 3);
    assert_eq!(a.entries.iter().find(|e| e.id == "a1").unwrap().outcome, Some(Outcome::Reached));
    // Merging again changes nothing.
    let before = a.clone();
    let report = merge(&mut a, b.entries);
    assert_eq!(report.added + report.updated, 0);
    assert_eq!(a, before);
}

fn sample_log() -> Log {
    let mut log = Log::default();
    dialled(&mut log, "a1", Some(Outcome::NoAnswer));
    let r = Recording {
        outcome: Some(Outcome::Callback),
        callback_at: Some("2026-11-25T14:00".into()),
        note: Some("=HYPERLINK(\"http://x\"), \"кавычки\"\nвторая строка".into()),
        overridden: Some(Override {
            reason: "-срочно, врач просил".into(),
            verdict: Some(Verdict::DoNotContact),
            rules: vec!["attempts_exceeded".into(), "cooldown".into()],
        }),
        ..recording("a2")
    };
    record(&mut log, r, O, P, &config(), &TzDatabase).unwrap();
    let mut other = Log::default();
    record(
        &mut other,
        Recording {
            channel: Some(Channel::Whatsapp),
            purpose: None,
            outcome: Some(Outcome::DoNotCall),
            ..recording("b1")
        },
        "https://mis.example.ru",
        "ИВ-77/1",
        &Config::default(),
        &TzDatabase,
    )
    .unwrap();
    combine(vec![log, other])
}

#[test]
fn csv_round_trip_is_exact() {
    let log = sample_log();
    let text = csv::write(&log.entries);
    assert!(text.starts_with('\u{feff}'));
    assert!(text.contains("'=HYPERLINK") && text.contains("'-срочно"), "formula-like cells are defused: {text}");
    let back = parse_import(&text).unwrap();
    assert!(back.rejected.is_empty(), "{:?}", back.rejected);
    assert_eq!(back.entries, log.entries);
}

#[test]
fn json_round_trip_is_exact() {
    let mut log = sample_log();
    log.unreadable.push(Unreadable { reason: "x".into(), raw: json!({"a": 1}), origin: None, patient: None });
    let back = parse_import(&export_json(&log)).unwrap();
    assert_eq!(back.entries, log.entries);
    assert_eq!(back.unreadable_skipped, 1);
}

#[test]
fn imports_that_are_not_call_logs_are_refused_in_words() {
    for (text, says) in [
        ("", "empty"),
        ("{\"a\": 1}", "not a precall"),
        ("[]", "without a patient"),
        ("{\"schema\": \"precall.calllog\", \"version\": 9, \"entries\": []}", "newer"),
        ("name,phone\r\nИванов,+7 916\r\n", "no column"),
        ("{ not json", "not valid JSON"),
        ("id,\"unclosed", "not closed"),
    ] {
        let err = parse_import(text).unwrap_err();
        assert!(err.0.contains(says), "{text:?}: {err}");
    }
}

#[test]
fn bad_rows_are_listed_and_the_rest_imported() {
    let log = sample_log();
    let mut text = csv::write(&log.entries);
    text.push_str("zz,http://127.0.0.1:8765,1001,вчера,out,call,,no_answer,,,,,,,0\r\n");
    text.push_str("short,row\r\n");
    let parsed = parse_import(&text).unwrap();
    assert_eq!(parsed.entries.len(), log.entries.len());
    assert_eq!(parsed.rejected.len(), 2, "{:?}", parsed.rejected);
    // Line numbers count the lines of the file (a note above spans two).
    assert!(parsed.rejected[0].starts_with("line 6"), "{:?}", parsed.rejected);
}

#[test]
fn csv_columns_may_come_in_any_order() {
    let log = sample_log();
    let text = csv::write(&log.entries);
    let rows = csv::rows(text.trim_start_matches('\u{feff}')).unwrap();
    // Reverse the columns and write it back by hand.
    let mut out = String::new();
    for (_, row) in rows {
        let cells: Vec<String> = row.iter().rev().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    assert_eq!(parse_import(&out).unwrap().entries, log.entries);
}

#[test]
fn groups_by_patient() {
    let g = group(sample_log().entries);
    assert_eq!(g.len(), 2);
    assert_eq!(g[0].1.len() + g[1].1.len(), 3);
}

#[test]
fn an_entry_that_does_not_read_names_its_bad_field() {
    let item = json!({
        "id": "a1", "origin": O, "patient": P, "at": "2026-11-23T10:00:00+03:00",
        "channel": "pigeon",
    });
    let err = entry_from(&item).unwrap_err();
    assert!(err.0.starts_with("field `channel`: unknown variant `pigeon`"), "{}", err.0);
    let err = entry_from(&json!({ "id": "a1", "origin": O, "patient": P })).unwrap_err();
    assert!(err.0.contains("missing field `at`"), "{}", err.0);
}
