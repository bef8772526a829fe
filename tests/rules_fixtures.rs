//! Data-driven tests of the pre-call checks, the schema/contract drift tests, and the meta-test
//! that every registered check has its file, its playbook doc comment and its fixtures.
//!
//! A case is a folder `tests/fixtures/rules/<rule>/<case>/` (or
//! `tests/fixtures/rules/reasons/<kind>/<case>/`) with:
//! - `snapshot.json`: the snapshot (read leniently, as the extension does: a section that does
//!   not fit the contract becomes a problem and counts as not read);
//! - `config.json` (optional): the clinic configuration (defaults otherwise);
//! - `own_log.json` (optional): the extension's own log (a list of communications);
//! - `now`: an RFC 3339 instant, and optionally the purpose on a second line;
//! - `expected.json`: a partial expectation, see [`check_expected`]. Unknown keys fail.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde_json::Value;

use precall::model::*;
use precall::rules::{self, Request, RULES};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn fixtures() -> PathBuf {
    root().join("tests/fixtures/rules")
}

fn subdirs(p: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

fn name(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

/// Every case folder: (group, case path). Group is a rule id or "reasons/<kind>".
fn all_cases() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for group in subdirs(&fixtures()) {
        if name(&group) == "reasons" {
            for kind in subdirs(&group) {
                for case in subdirs(&kind) {
                    out.push((format!("reasons/{}", name(&kind)), case));
                }
            }
        } else {
            for case in subdirs(&group) {
                out.push((name(&group), case));
            }
        }
    }
    out
}

struct Case {
    request: Request,
    expected: Value,
}

fn read_json(p: &Path) -> Value {
    let text = fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn load(dir: &Path) -> Case {
    let snapshot_value = read_json(&dir.join("snapshot.json"));
    let (snapshot, problems) = snapshot_from_value(snapshot_value);
    let config = match fs::read_to_string(dir.join("config.json")) {
        Ok(text) => parse_strict::<Config>("config.json", &text).unwrap_or_else(|e| panic!("{}: {e}", dir.display())),
        Err(_) => Config::default(),
    };
    let own_log = fs::read_to_string(dir.join("own_log.json"))
        .ok()
        .map(|t| parse_strict::<Vec<Communication>>("own_log.json", &t).unwrap_or_else(|e| panic!("{}: {e}", dir.display())));
    let now_text = fs::read_to_string(dir.join("now")).unwrap_or_else(|e| panic!("{}/now: {e}", dir.display()));
    let mut lines = now_text.lines().map(str::trim).filter(|l| !l.is_empty());
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339(lines.next().expect("now: empty"))
        .unwrap_or_else(|e| panic!("{}/now: {e}", dir.display()))
        .with_timezone(&Utc);
    let purpose: Option<Purpose> = lines
        .next()
        .map(|p| serde_json::from_value(Value::String(p.to_string())).unwrap_or_else(|e| panic!("{}/now purpose: {e}", dir.display())));
    Case {
        request: Request { snapshot, config, now, purpose, own_log, problems },
        expected: read_json(&dir.join("expected.json")),
    }
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array().expect("a list").iter().map(|x| x.as_str().expect("a string").to_string()).collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// `want` is a subset of `got` (objects: listed keys match; arrays and scalars: equal).
fn json_subset(want: &Value, got: &Value) -> bool {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => w.iter().all(|(k, v)| g.get(k).is_some_and(|gv| json_subset(v, gv))),
        _ => want == got,
    }
}

/// Checks an assessment against expected.json. Keys:
/// `verdict`, `channel`, `next_window` (exact; null allowed); `findings_include`
/// ([{rule, severity?, message_contains?, not_verified?}]); `findings_exclude` (rule ids with no
/// finding at all); `reasons` (exact set of kinds); `reasons_include`, `reasons_exclude`;
/// `do_not_offer` (exact list of services); `do_not_offer_include` ([{service, why_contains?}]);
/// `unverified` (exact); `problems` (exact sections; default none); `context_include` (subset);
/// `error` ({input, path}: assess must fail so); `comment` (ignored).
fn check_expected(exp: &Value, result: &Result<Assessment, ContractError>) -> Vec<String> {
    let mut errs = Vec::new();
    let exp = exp.as_object().expect("expected.json: an object");
    if let Some(e) = exp.get("error") {
        match result {
            Ok(a) => errs.push(format!("expected an error {e}, got verdict {:?}", a.verdict)),
            Err(err) => {
                if e["path"].as_str() != Some(err.path.as_str()) || e["input"].as_str() != Some(err.input.as_str()) {
                    errs.push(format!("expected error {e}, got {err:?}"));
                }
            }
        }
        return errs;
    }
    let a = match result {
        Ok(a) => a,
        Err(e) => return vec![format!("assess failed: {e}")],
    };
    let got = serde_json::to_value(a).unwrap();
    if !exp.contains_key("problems") && !a.problems.is_empty() {
        errs.push(format!("unexpected input problems: {:?}", a.problems));
    }
    for (key, want) in exp {
        match key.as_str() {
            "comment" => {}
            "verdict" | "channel" | "next_window" => {
                if &got[key] != want {
                    errs.push(format!("{key}: want {want}, got {}", got[key]));
                }
            }
            "findings_include" => {
                for w in want.as_array().unwrap() {
                    let rule = w["rule"].as_str().expect("findings_include: rule");
                    let ok = a.findings.iter().any(|f| {
                        f.rule == rule
                            && w.get("severity").is_none_or(|s| serde_json::to_value(f.severity).unwrap() == *s)
                            && w.get("message_contains").is_none_or(|m| f.message.contains(m.as_str().unwrap()))
                            && w.get("not_verified").is_none_or(|n| n.as_bool().unwrap() == !f.unverified.is_empty())
                    });
                    if !ok {
                        errs.push(format!("no finding like {w}; findings: {}", summary(a)));
                    }
                }
            }
            "findings_exclude" => {
                for r in strs(want) {
                    if let Some(f) = a.findings.iter().find(|f| f.rule == r) {
                        errs.push(format!("unexpected finding {r}: {:?} {}", f.severity, f.message));
                    }
                }
            }
            "reasons" => {
                let g = sorted(a.reasons.iter().map(|r| r.kind.as_str().to_string()).collect::<BTreeSet<_>>().into_iter().collect());
                if g != sorted(strs(want)) {
                    errs.push(format!("reasons: want {want}, got {g:?}"));
                }
            }
            "reasons_include" => {
                for k in strs(want) {
                    if !a.reasons.iter().any(|r| r.kind.as_str() == k) {
                        errs.push(format!("missing reason {k}; reasons: {:?}", a.reasons.iter().map(|r| &r.message).collect::<Vec<_>>()));
                    }
                }
            }
            "reasons_exclude" => {
                for k in strs(want) {
                    if let Some(r) = a.reasons.iter().find(|r| r.kind.as_str() == k) {
                        errs.push(format!("unexpected reason {k}: {}", r.message));
                    }
                }
            }
            "do_not_offer" => {
                let g: Vec<String> = a.do_not_offer.iter().map(|d| d.service.clone()).collect();
                if sorted(g.clone()) != sorted(strs(want)) {
                    errs.push(format!("do_not_offer: want {want}, got {g:?}"));
                }
            }
            "do_not_offer_include" => {
                for w in want.as_array().unwrap() {
                    let ok = a.do_not_offer.iter().any(|d| {
                        Some(d.service.as_str()) == w["service"].as_str()
                            && w.get("why_contains").is_none_or(|m| d.why.contains(m.as_str().unwrap()))
                    });
                    if !ok {
                        errs.push(format!("no do_not_offer like {w}; got {:?}", a.do_not_offer));
                    }
                }
            }
            "unverified" | "problems" => {
                let g: Vec<String> = if key == "unverified" {
                    a.unverified.iter().map(|s| s.as_str().to_string()).collect()
                } else {
                    a.problems.iter().map(|p| p.section.as_str().to_string()).collect()
                };
                if sorted(g.clone()) != sorted(strs(want)) {
                    errs.push(format!("{key}: want {want}, got {g:?}"));
                }
            }
            "context_include" => {
                if !json_subset(want, &got["context"]) {
                    errs.push(format!("context does not include {want}; context: {}", got["context"]));
                }
            }
            other => errs.push(format!("unknown key in expected.json: {other}")),
        }
    }
    errs
}

fn summary(a: &Assessment) -> String {
    a.findings.iter().map(|f| format!("[{} {:?} {}]", f.rule, f.severity, f.message)).collect::<Vec<_>>().join(" ")
}

#[test]
fn rule_fixtures() {
    let cases = all_cases();
    assert!(!cases.is_empty(), "no fixtures");
    let mut failures = Vec::new();
    for (group, dir) in &cases {
        let case = load(dir);
        let result = rules::assess(&case.request, &TzDatabase);
        let errs = check_expected(&case.expected, &result);
        // The other locale must reach the same verdict (text only differs).
        if let Ok(a) = &result {
            let mut other = case.request.clone();
            other.config.locale = if other.config.locale == Locale::Ru { Locale::En } else { Locale::Ru };
            let b = rules::assess(&other, &TzDatabase).expect("the other locale failed");
            if (a.verdict, a.channel, &a.next_window) != (b.verdict, b.channel, &b.next_window) || a.findings.len() != b.findings.len() {
                failures.push(format!("{group}/{}: the other locale differs", name(dir)));
            }
        }
        for e in errs {
            failures.push(format!("{}: {e}", dir.strip_prefix(fixtures()).unwrap().display()));
        }
    }
    println!("{} fixture cases", cases.len());
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_rule_has_a_file_a_doc_comment_and_fixtures() {
    let src = root().join("src/rules");
    let mut problems = Vec::new();
    let ids: BTreeSet<&str> = RULES.iter().map(|r| r.id).collect();
    assert_eq!(ids.len(), RULES.len(), "duplicate rule ids");
    for r in RULES {
        let file = src.join(format!("{}.rs", r.id));
        match fs::read_to_string(&file) {
            Err(_) => problems.push(format!("{}: no file src/rules/{}.rs", r.id, r.id)),
            Ok(text) => {
                let doc: String = text.lines().take_while(|l| l.starts_with("//!")).collect::<Vec<_>>().join("\n");
                if !doc.contains(&format!("`{}`", r.id)) || !doc.to_lowercase().contains("playbook") {
                    problems.push(format!("{}: the file's doc comment must name the rule and cite the playbook", r.id));
                }
                if !text.contains(&format!("id: \"{}\"", r.id)) {
                    problems.push(format!("{}: the file does not declare this id", r.id));
                }
            }
        }
        let dir = fixtures().join(r.id);
        let cases = if dir.is_dir() { subdirs(&dir) } else { vec![] };
        if cases.len() < 4 {
            problems.push(format!("{}: {} fixture cases, want at least 4", r.id, cases.len()));
        }
        let missing_case = cases.iter().any(|c| {
            name(c).starts_with("missing_") && read_json(&c.join("expected.json")).get("unverified").is_some_and(|u| !strs(u).is_empty())
        });
        if !missing_case {
            problems.push(format!("{}: no `missing_*` case expecting unverified sections", r.id));
        }
    }
    // Files in src/rules/ are rules or the known helpers; nothing unregistered.
    let helpers = ["mod", "context", "facts", "reasons", "services", "text", "windows"];
    for entry in fs::read_dir(&src).unwrap() {
        let p = entry.unwrap().path();
        let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
        if !helpers.contains(&stem.as_str()) && !ids.contains(stem.as_str()) {
            problems.push(format!("src/rules/{}: neither a registered rule nor a known helper", name(&p)));
        }
    }
    // Every reason kind has a file, a doc comment, and at least 2 cases.
    for def in rules::reasons::KINDS {
        let k = def.kind.as_str();
        match fs::read_to_string(src.join(format!("reasons/{k}.rs"))) {
            Err(_) => problems.push(format!("reason {k}: no file src/rules/reasons/{k}.rs")),
            Ok(text) => {
                if !text.starts_with(&format!("//! `{k}`")) || !text.to_lowercase().contains("playbook") {
                    problems.push(format!("reason {k}: doc comment must start with the kind and cite the playbook"));
                }
            }
        }
        let dir = fixtures().join("reasons").join(k);
        let n = if dir.is_dir() { subdirs(&dir).len() } else { 0 };
        if n < 2 {
            problems.push(format!("reason {k}: {n} fixture cases, want at least 2"));
        }
    }
    assert_eq!(rules::reasons::KINDS.len(), ReasonKind::ALL.len(), "every reason kind is registered");
    // Every fixture folder names a registered rule or reason kind.
    for group in subdirs(&fixtures()) {
        let g = name(&group);
        if g == "reasons" {
            for kind in subdirs(&group) {
                if !ReasonKind::ALL.iter().any(|k| k.as_str() == name(&kind)) {
                    problems.push(format!("fixtures/rules/reasons/{}: not a reason kind", name(&kind)));
                }
            }
        } else if !ids.contains(g.as_str()) {
            problems.push(format!("fixtures/rules/{g}: not a registered rule"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Prints the full assessment of one case, for writing expectations:
/// `PRECALL_CASE=already_booked/booked_invite_blocks cargo test --test rules_fixtures show_case -- --ignored --nocapture`
#[test]
#[ignore]
fn show_case() {
    let Ok(rel) = std::env::var("PRECALL_CASE") else { return };
    let case = load(&fixtures().join(rel));
    match rules::assess(&case.request, &TzDatabase) {
        Ok(a) => println!("{}", serde_json::to_string_pretty(&a).unwrap()),
        Err(e) => println!("error: {e}"),
    }
}
