//! Data-driven tests of the report (issue 8, "Reports": the report's numbers on a known log).
//!
//! A log is a folder `tests/fixtures/report/<log>/` with `log.json` (a call-log export, as the
//! options page writes it; the end-to-end test seeds the same file into the extension). Each
//! case is a subfolder with:
//! - `query.json`: the period, granularity, caller filter (`src/report::Query`);
//! - `config.json` (optional): the clinic configuration (the cadence: attempt cap, cooldown);
//! - `expected.json`: a partial expectation: every key given must match (objects by key,
//!   recursively; lists element by element, same length); keys not given are not checked;
//! - `expected.csv` (optional): the CSV export, byte for byte (the e2e test compares the page's
//!   download with it too; `REPORT_WRITE=1` writes what it got beside it, to review).

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use precall::calllog;
use precall::model::*;
use precall::report::{self, Query};

fn dirs(p: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> =
        fs::read_dir(p).unwrap().filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()).collect();
    v.sort();
    v
}

fn read(p: &Path) -> String {
    fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Differences between `want` (partial) and `got`, with their JSON paths.
fn compare(path: &str, want: &Value, got: &Value, errs: &mut Vec<String>) {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => {
            for (k, wv) in w {
                if path.is_empty() && k == "comment" {
                    continue;
                }
                match g.get(k) {
                    Some(gv) => compare(&format!("{path}.{k}"), wv, gv, errs),
                    None => errs.push(format!("{path}.{k}: missing")),
                }
            }
        }
        (Value::Array(w), Value::Array(g)) => {
            if w.len() != g.len() {
                errs.push(format!("{path}: want {} items, got {}: {got}", w.len(), g.len()));
                return;
            }
            for (i, (wv, gv)) in w.iter().zip(g).enumerate() {
                compare(&format!("{path}[{i}]"), wv, gv, errs);
            }
        }
        (Value::Number(w), Value::Number(g)) => {
            let (w, g) = (w.as_f64().unwrap_or(f64::NAN), g.as_f64().unwrap_or(f64::NAN));
            if (w - g).abs().is_nan() || (w - g).abs() > 1e-4 {
                errs.push(format!("{path}: want {want}, got {got}"));
            }
        }
        _ if want != got => errs.push(format!("{path}: want {want}, got {got}")),
        _ => {}
    }
}

#[test]
fn report_numbers_on_known_logs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/report");
    let mut cases = 0;
    let mut failures = Vec::new();
    for log_dir in dirs(&root) {
        let parsed = calllog::parse_import(&read(&log_dir.join("log.json"))).unwrap();
        assert!(parsed.rejected.is_empty(), "{}: {:?}", log_dir.display(), parsed.rejected);
        for case in dirs(&log_dir) {
            cases += 1;
            let query: Query = serde_json::from_str(&read(&case.join("query.json")))
                .unwrap_or_else(|e| panic!("{}: query.json: {e}", case.display()));
            let config: Config = match fs::read_to_string(case.join("config.json")) {
                Ok(t) => parse_strict("config.json", &t).unwrap(),
                Err(_) => Config::default(),
            };
            let r = report::report(&parsed.entries, &query, &config).unwrap();
            let got = serde_json::to_value(&r).unwrap();
            let want: Value = serde_json::from_str(&read(&case.join("expected.json"))).unwrap();
            let mut errs = Vec::new();
            compare("", &want, &got, &mut errs);
            if let Ok(csv) = fs::read_to_string(case.join("expected.csv")) {
                let text = report::csv(&r, &query);
                if text != csv {
                    if std::env::var_os("REPORT_WRITE").is_some() {
                        fs::write(case.join("expected.csv.new"), &text).unwrap();
                    }
                    errs.push(
                        "the CSV differs from expected.csv (REPORT_WRITE=1 writes expected.csv.new to compare)".into(),
                    );
                }
            }
            if !errs.is_empty() {
                failures.push(format!("{}:\n  {}", case.display(), errs.join("\n  ")));
            }
        }
    }
    assert!(cases >= 2, "no cases found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
