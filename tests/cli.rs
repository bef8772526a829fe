//! The command-line tool end to end: the real binary, real files, exit codes and messages.
//! Bad input must give a clear message naming the field and line, exit code 2, never a panic.

use std::path::PathBuf;
use std::process::{Command, Output};

const NOW: &str = "2026-11-23T10:00:00+03:00";

fn precall(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_precall")).args(args).output().expect("run precall")
}

fn write(name: &str, text: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// One demo patient (the resolved copy the native tests share), without its scenario.
fn demo_snapshot(id: &str) -> serde_json::Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/demo_scenarios.json");
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut p = doc["patients"].as_array().unwrap().iter().find(|p| p["patient"]["id"] == id).unwrap().clone();
    p.as_object_mut().unwrap().remove("scenario");
    p
}

#[test]
fn check_prints_the_assessment_with_script_and_drafts() {
    let path = write("ok.json", &serde_json::to_string_pretty(&demo_snapshot("1011")).unwrap());
    let o = precall(&["check", path.to_str().unwrap(), "--now", NOW]);
    assert!(o.status.success(), "{}", stderr(&o));
    let a: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(a["verdict"], "call");
    assert_eq!(a["reasons"][0]["kind"], "plan_urgent_unstarted");
    assert!(a["script"]["lines"].as_array().is_some_and(|l| !l.is_empty()));
    assert!(a["drafts"].is_array());
}

#[test]
fn malformed_json_names_the_line_and_exits_2() {
    let path = write("malformed.json", "{\n  \"patient\": {\"id\": \"1\"},\n  \"visits\": [\n");
    let o = precall(&["check", path.to_str().unwrap(), "--now", NOW]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("line 4"), "{}", stderr(&o));
}

#[test]
fn impossible_date_and_wrong_types_name_the_field() {
    let cases = [
        (r#"{"visits": [{"date": "2025-02-30"}]}"#, "visits[0].date"),
        (r#"{"appointments": [{"start": "2026-11-26T14:00", "status": "maybe"}]}"#, "appointments[0].status"),
        (r#"{"service_card": {"consent": {"calls": "yes"}}}"#, "service_card.consent.calls"),
        (r#"{"contacts": [{"value": "+7 916", "kind": "phone", "messengers": ["icq"]}]}"#, "contacts[0].messengers[0]"),
    ];
    for (i, (text, field)) in cases.iter().enumerate() {
        let path = write(&format!("bad{i}.json"), text);
        let o = precall(&["check", path.to_str().unwrap(), "--now", NOW]);
        assert_eq!(o.status.code(), Some(2), "{text}");
        assert!(stderr(&o).contains(field), "{text}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    }
}

#[test]
fn a_time_zone_that_does_not_exist_is_an_error_not_a_panic() {
    let snapshot = write("tz.json", r#"{"patient": {"id": "1", "timezone": "Europe/Atlantis"}}"#);
    let o = precall(&["check", snapshot.to_str().unwrap(), "--now", NOW]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("patient.timezone"), "{}", stderr(&o));
    let config = write("config.json", r#"{"timezone": "Mars/Olympus"}"#);
    let ok = write("empty.json", "{}");
    let o = precall(&["check", ok.to_str().unwrap(), "--now", NOW, "--config", config.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("timezone"), "{}", stderr(&o));
}

#[test]
fn audit_prints_a_line_per_patient_and_totals_and_reports_bad_lines() {
    let good = serde_json::to_string(&demo_snapshot("1009")).unwrap();
    let path = write("list.jsonl", &format!("{good}\n{{\"visits\": 5}}\n{good}\n"));
    let o = precall(&["audit", path.to_str().unwrap(), "--now", NOW]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(2), "a bad line makes the exit code 2");
    assert!(out.contains("1\t1009\tdo_not_contact\t"), "{out}");
    assert!(out.contains("2\t-\terror\t"), "{out}");
    assert!(out.contains("# verdict\tdo_not_contact\t2"), "{out}");
    assert!(out.contains("# errors\t1"), "{out}");
}

#[test]
fn prefs_reads_a_note() {
    let o = precall(&["prefs", "только вацап, в будни с 12 до 15"]);
    assert!(o.status.success());
    let p: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(p["allowed"], serde_json::json!(["whatsapp"]));
    assert_eq!(p["windows"][0]["from"], "12:00");
    assert_eq!(p["windows"][0]["to"], "15:00");
}

#[test]
fn report_prints_the_csv_the_page_exports() {
    let known = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/report/known");
    let log = known.join("log.json");
    let o = precall(&["report", log.to_str().unwrap(), "--from", "2026-11-01", "--to", "2026-11-30", "--by", "week"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The same report as the fixture's; the CLI names a caller with no name "unnamed".
    let want =
        std::fs::read_to_string(known.join("november_by_week/expected.csv")).unwrap().replace("без имени", "unnamed");
    assert_eq!(String::from_utf8(o.stdout).unwrap(), want);
    let o = precall(&["report", log.to_str().unwrap(), "--by", "year"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--by \"year\""), "{}", stderr(&o));
}
