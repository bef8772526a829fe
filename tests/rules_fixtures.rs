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
//! - `request.json` (optional): the rest of the request, `{"intended": {"channel", "number"},
//!   "own_log_unreadable": bool}` (the dial guard's contact; an own log that was set aside);
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
    let own_log = fs::read_to_string(dir.join("own_log.json")).ok().map(|t| {
        parse_strict::<Vec<Communication>>("own_log.json", &t).unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
    });
    let now_text = fs::read_to_string(dir.join("now")).unwrap_or_else(|e| panic!("{}/now: {e}", dir.display()));
    let mut lines = now_text.lines().map(str::trim).filter(|l| !l.is_empty());
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339(lines.next().expect("now: empty"))
        .unwrap_or_else(|e| panic!("{}/now: {e}", dir.display()))
        .with_timezone(&Utc);
    let purpose: Option<Purpose> = lines.next().map(|p| {
        serde_json::from_value(Value::String(p.to_string()))
            .unwrap_or_else(|e| panic!("{}/now purpose: {e}", dir.display()))
    });
    let extra = fs::read_to_string(dir.join("request.json"))
        .ok()
        .map(|t| serde_json::from_str::<Value>(&t).unwrap_or_else(|e| panic!("{}/request.json: {e}", dir.display())));
    let extra = extra.unwrap_or(Value::Null);
    for key in extra.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()).unwrap_or_default() {
        assert!(
            ["intended", "own_log_unreadable"].contains(&key.as_str()),
            "{}/request.json: unknown key {key}",
            dir.display()
        );
    }
    let intended = match &extra["intended"] {
        Value::Null => None,
        v => Some(
            serde_json::from_value::<rules::Intended>(v.clone())
                .unwrap_or_else(|e| panic!("{}/request.json intended: {e}", dir.display())),
        ),
    };
    let own_log_unreadable = extra["own_log_unreadable"].as_bool().unwrap_or(false);
    Case {
        request: Request { snapshot, config, now, purpose, own_log, problems, intended, own_log_unreadable },
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
                            && w.get("not_verified").is_none_or(|n| n.as_bool().unwrap() != f.unverified.is_empty())
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
                let g = sorted(
                    a.reasons
                        .iter()
                        .map(|r| r.kind.as_str().to_string())
                        .collect::<BTreeSet<_>>()
                        .into_iter()
                        .collect(),
                );
                if g != sorted(strs(want)) {
                    errs.push(format!("reasons: want {want}, got {g:?}"));
                }
            }
            "reasons_include" => {
                for k in strs(want) {
                    if !a.reasons.iter().any(|r| r.kind.as_str() == k) {
                        errs.push(format!(
                            "missing reason {k}; reasons: {:?}",
                            a.reasons.iter().map(|r| &r.message).collect::<Vec<_>>()
                        ));
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
            if (a.verdict, a.channel, &a.next_window) != (b.verdict, b.channel, &b.next_window)
                || a.findings.len() != b.findings.len()
            {
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
            name(c).starts_with("missing_")
                && read_json(&c.join("expected.json")).get("unverified").is_some_and(|u| !strs(u).is_empty())
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

// ---------------------------------------------------------------------------------------------
// The JSON Schemas in schema/ and the Rust contract types must not drift apart.

/// A small JSON Schema validator for the keywords the contract schemas use: `$ref` (local, or
/// to a sibling file), `anyOf`, `type`, `enum`, `properties`, `required`, `additionalProperties:
/// false`, `items`, `minimum`, `maximum`, and `format` (`date`, `date-time`, and the contract's
/// own `precall-local-date-time`, `precall-clock-time`, checked with the Rust parsers).
struct Schemas {
    docs: std::collections::HashMap<String, Value>,
}

impl Schemas {
    fn load() -> Schemas {
        let mut docs = std::collections::HashMap::new();
        for f in ["snapshot.v1.schema.json", "config.v1.schema.json", "assessment.v1.schema.json"] {
            docs.insert(f.to_string(), read_json(&root().join("schema").join(f)));
        }
        Schemas { docs }
    }

    fn doc(&self, name: &str) -> &Value {
        &self.docs[name]
    }

    fn def<'a>(&'a self, doc: &str, name: &str) -> &'a Value {
        let d = &self.docs[doc]["$defs"][name];
        assert!(!d.is_null(), "{doc}: no $defs/{name}");
        d
    }

    fn validate(&self, doc: &str, v: &Value) -> Vec<String> {
        let mut errs = Vec::new();
        self.check(doc, self.doc(doc), v, "$", &mut errs);
        errs
    }

    fn check(&self, doc: &str, s: &Value, v: &Value, path: &str, errs: &mut Vec<String>) {
        if let Some(r) = s.get("$ref").and_then(Value::as_str) {
            let (file, frag) = r.split_once('#').unwrap();
            let file = if file.is_empty() { doc } else { file };
            let name = frag.strip_prefix("/$defs/").expect("refs point into $defs");
            return self.check(file, self.def(file, name), v, path, errs);
        }
        if let Some(any) = s.get("anyOf").and_then(Value::as_array) {
            let ok = any.iter().any(|alt| {
                let mut e = Vec::new();
                self.check(doc, alt, v, path, &mut e);
                e.is_empty()
            });
            if !ok {
                errs.push(format!("{path}: matches no alternative of anyOf"));
            }
            return;
        }
        if let Some(t) = s.get("type") {
            let types: Vec<&str> = match t {
                Value::String(x) => vec![x.as_str()],
                Value::Array(xs) => xs.iter().filter_map(Value::as_str).collect(),
                _ => panic!("bad type"),
            };
            let fits = types.iter().any(|t| match *t {
                "null" => v.is_null(),
                "boolean" => v.is_boolean(),
                "string" => v.is_string(),
                "number" => v.is_number(),
                "integer" => v.is_i64() || v.is_u64(),
                "array" => v.is_array(),
                "object" => v.is_object(),
                other => panic!("unknown type {other}"),
            });
            if !fits {
                errs.push(format!("{path}: {v} is not of type {t}"));
                return;
            }
        }
        if let Some(e) = s.get("enum").and_then(Value::as_array) {
            if !v.is_null() && !e.contains(v) {
                errs.push(format!("{path}: {v} is not one of {}", Value::Array(e.clone())));
            }
        }
        if let (Some(fmt), Some(text)) = (s.get("format").and_then(Value::as_str), v.as_str()) {
            let ok = match fmt {
                "date" => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok() && text.len() == 10,
                "date-time" => DateTime::parse_from_rfc3339(text).is_ok(),
                "precall-local-date-time" => LocalDateTime::parse(text).is_some(),
                "precall-clock-time" => ClockTime::parse(text).is_some(),
                other => panic!("unknown format {other}"),
            };
            if !ok {
                errs.push(format!("{path}: {text:?} is not a valid {fmt}"));
            }
        }
        if let Some(n) = v.as_f64() {
            if s.get("minimum").and_then(Value::as_f64).is_some_and(|m| n < m)
                || s.get("maximum").and_then(Value::as_f64).is_some_and(|m| n > m)
            {
                errs.push(format!("{path}: {n} is out of range"));
            }
        }
        if let Some(obj) = v.as_object() {
            let props = s.get("properties").and_then(Value::as_object);
            for r in s.get("required").and_then(Value::as_array).into_iter().flatten() {
                if !obj.contains_key(r.as_str().unwrap()) {
                    errs.push(format!("{path}: missing required {r}"));
                }
            }
            for (k, x) in obj {
                match props.and_then(|p| p.get(k)) {
                    Some(ps) => self.check(doc, ps, x, &format!("{path}.{k}"), errs),
                    None if s.get("additionalProperties") == Some(&Value::Bool(false)) => {
                        errs.push(format!("{path}: unknown field {k:?}"))
                    }
                    None => {}
                }
            }
        }
        if let (Some(items), Some(arr)) = (s.get("items"), v.as_array()) {
            for (i, x) in arr.iter().enumerate() {
                self.check(doc, items, x, &format!("{path}[{i}]"), errs);
            }
        }
    }

    fn enum_values(&self, doc: &str, def: &str) -> Vec<String> {
        sorted(strs(&self.def(doc, def)["enum"]))
    }

    fn property_names(&self, doc: &str, def: Option<&str>) -> Vec<String> {
        let s = match def {
            Some(d) => self.def(doc, d),
            None => self.doc(doc),
        };
        sorted(s["properties"].as_object().unwrap().keys().cloned().collect())
    }
}

/// The serde names of every variant; the `match` fails to compile when a variant is added.
macro_rules! variants {
    ($t:ident: $($v:ident),+ $(,)?) => {{
        let all = vec![$($t::$v),+];
        for x in &all {
            match x { $($t::$v)|+ => {} }
        }
        sorted(all.iter().map(|x| serde_json::to_value(x).unwrap().as_str().unwrap().to_string()).collect::<Vec<String>>())
    }};
}

fn keys_of<T: serde::Serialize>(x: &T) -> Vec<String> {
    sorted(serde_json::to_value(x).unwrap().as_object().unwrap().keys().cloned().collect())
}

#[test]
fn schemas_list_exactly_the_sections_fields_and_enum_values_of_the_rust_types() {
    let s = Schemas::load();
    let snap = "snapshot.v1.schema.json";
    let conf = "config.v1.schema.json";
    let asmt = "assessment.v1.schema.json";

    // The top level of a snapshot: the marker and exactly the sections.
    let mut top: Vec<String> = Section::ALL.iter().map(|x| x.as_str().to_string()).collect();
    top.push("schema".into());
    assert_eq!(s.property_names(snap, None), sorted(top));

    // Enums.
    let checks: Vec<(&str, &str, Vec<String>)> = vec![
        (
            snap,
            "Section",
            variants!(Section: Patient, Contacts, ServiceCard, Appointments, Visits, Refusals, Plans, Recalls, Relatives, Communications, Feedback),
        ),
        (snap, "Sex", variants!(Sex: Female, Male)),
        (snap, "Channel", variants!(Channel: Call, Sms, Whatsapp, Telegram, Viber, Max, Email)),
        (snap, "ContactKind", variants!(ContactKind: Phone, Email)),
        (snap, "Day", variants!(Day: Mon, Tue, Wed, Thu, Fri, Sat, Sun)),
        (snap, "AppointmentStatus", variants!(AppointmentStatus: Booked, Confirmed, Cancelled, Noshow, Done)),
        (snap, "PlanDecision", variants!(PlanDecision: Accepted, Thinking, Declined)),
        (snap, "PlanItemStatus", variants!(PlanItemStatus: Planned, Scheduled, Done, Cancelled)),
        (snap, "RecallKind", variants!(RecallKind: Hygiene, Checkup, Control, Followup)),
        (snap, "Direction", variants!(Direction: In, Out)),
        (snap, "Outcome", variants!(Outcome: Reached, NoAnswer, Busy, Booked, Declined, Callback, DoNotCall)),
        (snap, "Sentiment", variants!(Sentiment: Negative, Neutral, Positive)),
        (conf, "Locale", variants!(Locale: Ru, En)),
        (conf, "Purpose", variants!(Purpose: Reminder, Followup, Invite, Offer)),
        (asmt, "Verdict", variants!(Verdict: DoNotContact, NotVerified, Wait, MessageOnly, Call)),
        (asmt, "Severity", variants!(Severity: Block, Warn, Info)),
        (
            asmt,
            "ReasonKind",
            variants!(ReasonKind: AppointmentReminder, PlanUrgentUnstarted, PlanPartiallyDone, ControlExamDue, FollowupAgreed, HygieneDue, CheckupDue, PersonalDoctor),
        ),
        (
            asmt,
            "Section",
            variants!(Section: Patient, Contacts, ServiceCard, Appointments, Visits, Refusals, Plans, Recalls, Relatives, Communications, Feedback),
        ),
        (asmt, "Channel", variants!(Channel: Call, Sms, Whatsapp, Telegram, Viber, Max, Email)),
        (asmt, "RuleId", sorted(RULES.iter().map(|r| r.id.to_string()).collect())),
    ];
    for (doc, def, rust) in checks {
        assert_eq!(s.enum_values(doc, def), rust, "{doc} $defs/{def} vs the Rust enum");
    }
    assert_eq!(variants!(Verdict: DoNotContact, NotVerified, Wait, MessageOnly, Call).len(), Verdict::ALL.len());
    assert_eq!(s.enum_values(asmt, "ReasonKind").len(), ReasonKind::ALL.len());

    // Struct fields: full samples (struct literals: adding a field breaks this test's build).
    let d = |t: &str| chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").unwrap();
    let t = |x: &str| ClockTime::parse(x).unwrap();
    let at = LocalDateTime::parse("2026-11-26T14:00").unwrap();
    let window = Window { days: vec![Day::Mon], from: t("12:00"), to: t("15:00") };
    let prefs = Preferences {
        do_not_contact: false,
        allowed: vec![],
        forbidden: vec![],
        preferred: Some(Channel::Call),
        windows: vec![window.clone()],
        contact_person: Some("x".into()),
        ambiguous: vec![],
        unparsed: vec![],
    };
    let consent = Consent { calls: Some(true), messages: Some(true), advertising: Some(true) };
    let card = ServiceCard {
        notes: vec![],
        consent: Some(consent.clone()),
        do_not_contact: Some(false),
        preferences: Some(prefs.clone()),
    };
    let line = ServiceLine { name: "x".into(), code: Some("c".into()), price: Some(1.0), discount_pct: Some(0.0) };
    let item = PlanItem { name: "x".into(), urgent: true, status: PlanItemStatus::Planned, due: Some(d("2026-01-01")) };
    let structs: Vec<(&str, &str, Vec<String>)> = vec![
        (
            snap,
            "Patient",
            keys_of(&Patient {
                id: Some("1".into()),
                full_name: None,
                family: None,
                given: None,
                patronymic: None,
                birth_date: None,
                sex: None,
                timezone: None,
            }),
        ),
        (
            snap,
            "Contact",
            keys_of(&Contact {
                value: "x".into(),
                kind: ContactKind::Phone,
                owner: "self".into(),
                messengers: vec![],
                primary: true,
            }),
        ),
        (snap, "Consent", keys_of(&consent)),
        (snap, "ServiceCard", keys_of(&card)),
        (snap, "Preferences", keys_of(&prefs)),
        (snap, "Window", keys_of(&window)),
        (
            snap,
            "Appointment",
            keys_of(&Appointment {
                start: at,
                doctor: None,
                specialty: None,
                service: None,
                status: AppointmentStatus::Booked,
            }),
        ),
        (snap, "ServiceLine", keys_of(&line)),
        (
            snap,
            "Visit",
            keys_of(&Visit { date: d("2026-01-01"), doctor: None, specialty: None, services: vec![line.clone()] }),
        ),
        (snap, "Refusal", keys_of(&Refusal { service: "x".into(), date: None, reason: None })),
        (snap, "PlanItem", keys_of(&item)),
        (
            snap,
            "Plan",
            keys_of(&Plan {
                id: None,
                created: None,
                doctor: None,
                specialty: None,
                signed: None,
                decision: None,
                items: vec![item.clone()],
            }),
        ),
        (
            snap,
            "Recall",
            keys_of(&Recall { kind: RecallKind::Checkup, due: None, agreed: true, channel: None, set_by: None }),
        ),
        (
            snap,
            "Relative",
            keys_of(&Relative { name: "x".into(), relation: None, patient_id: None, booked: None, due: vec![] }),
        ),
        (
            snap,
            "Communication",
            keys_of(&Communication {
                at,
                channel: None,
                direction: Direction::Out,
                purpose: None,
                outcome: Outcome::Reached,
                note: None,
                callback_at: None,
            }),
        ),
        (snap, "Feedback", keys_of(&Feedback { date: None, sentiment: Sentiment::Neutral, text: None })),
        (conf, "HoursRange", keys_of(&Config::default().calling_hours)),
        (conf, "VagueWindows", keys_of(&VagueWindows::default())),
        (conf, "Campaign", keys_of(&Campaign { name: "x".into(), services: vec![], discount_pct: None })),
        (conf, "Caller", keys_of(&Caller { name: None, role: None, clinic: None })),
        (
            asmt,
            "Finding",
            keys_of(&Finding {
                rule: "x".into(),
                severity: Severity::Info,
                message: "m".into(),
                evidence: vec![],
                unverified: vec![Section::Plans],
            }),
        ),
        (asmt, "Reason", keys_of(&Reason { kind: ReasonKind::CheckupDue, message: "m".into(), evidence: vec![] })),
        (asmt, "DoNotOffer", keys_of(&DoNotOffer { service: "x".into(), why: "y".into() })),
        (asmt, "InputProblem", keys_of(&InputProblem { section: Section::Plans, message: "m".into() })),
    ];
    for (doc, def, rust) in structs {
        assert_eq!(s.property_names(doc, Some(def)), rust, "{doc} $defs/{def} vs the Rust struct");
    }
    let config = Config {
        timezone: "Europe/Moscow".into(),
        calling_hours: Config::default().calling_hours,
        attempt_cap: 3,
        cooldown_days: 2,
        recent_full_price_days: 30,
        checkup_interval_months: 6,
        hygiene_interval_months: 6,
        campaigns: vec![],
        caller: Caller::default(),
        locale: Locale::Ru,
        vague_windows: VagueWindows::default(),
    };
    assert_eq!(s.property_names(conf, None), keys_of(&config), "config schema vs Config");
    let assessment = Assessment {
        verdict: Verdict::Call,
        channel: None,
        next_window: None,
        findings: vec![],
        reasons: vec![],
        do_not_offer: vec![],
        context: Value::Null,
        unverified: vec![],
        preferences: None,
        problems: vec![InputProblem { section: Section::Plans, message: "m".into() }],
    };
    assert_eq!(s.property_names(asmt, None), keys_of(&assessment), "assessment schema vs Assessment");
    // The documented defaults are the Rust defaults.
    let defaults: serde_json::Map<String, Value> =
        s.doc(conf)["properties"].as_object().unwrap().iter().map(|(k, v)| (k.clone(), v["default"].clone())).collect();
    let rust_defaults = serde_json::to_value(Config::default()).unwrap();
    for (k, v) in &defaults {
        let r = &rust_defaults[k];
        let same = if k == "caller" { json_subset(v, r) } else { v == r };
        assert!(same, "config default of {k}: schema {v}, Rust {r}");
    }
}

#[test]
fn fixtures_validate_against_the_schemas() {
    let s = Schemas::load();
    let mut failures = Vec::new();
    let mut snapshots = 0;
    for (_, dir) in all_cases() {
        let rel = dir.strip_prefix(fixtures()).unwrap().display().to_string();
        let snap = read_json(&dir.join("snapshot.json"));
        // Problems expected from the snapshot itself (an unreadable own log is the request's).
        let expects_problems =
            read_json(&dir.join("expected.json")).get("problems").is_some() && !load(&dir).request.own_log_unreadable;
        let errs = s.validate("snapshot.v1.schema.json", &snap);
        let strict = parse_strict::<Snapshot>("snapshot", &snap.to_string());
        snapshots += 1;
        match (expects_problems, errs.is_empty(), strict.is_ok()) {
            (false, true, true) | (true, false, false) => {}
            (false, false, _) => failures.push(format!("{rel}: snapshot: {}", errs.join("; "))),
            (false, true, false) => {
                failures.push(format!("{rel}: the schema accepts what Rust rejects: {:?}", strict.err()))
            }
            (true, true, _) => failures.push(format!("{rel}: a case about bad input passes the schema")),
            (true, false, true) => {
                failures.push(format!("{rel}: Rust accepts what the schema rejects: {}", errs.join("; ")))
            }
        }
        if dir.join("config.json").exists() {
            let errs = s.validate("config.v1.schema.json", &read_json(&dir.join("config.json")));
            if !errs.is_empty() && read_json(&dir.join("expected.json")).get("error").is_none() {
                failures.push(format!("{rel}: config: {}", errs.join("; ")));
            }
        }
        if dir.join("own_log.json").exists() {
            for (i, c) in read_json(&dir.join("own_log.json")).as_array().unwrap().iter().enumerate() {
                let mut e = Vec::new();
                s.check(
                    "snapshot.v1.schema.json",
                    s.def("snapshot.v1.schema.json", "Communication"),
                    c,
                    &format!("own_log[{i}]"),
                    &mut e,
                );
                failures.extend(e.into_iter().map(|x| format!("{rel}: {x}")));
            }
        }
        // Every assessment the fixtures produce fits the assessment schema.
        let case = load(&dir);
        if let Ok(a) = rules::assess(&case.request, &TzDatabase) {
            let errs = s.validate("assessment.v1.schema.json", &serde_json::to_value(&a).unwrap());
            failures.extend(errs.into_iter().map(|x| format!("{rel}: assessment: {x}")));
        }
    }
    // The demo MIS's patients, too (without their demo-only `scenario`).
    let demo = root().join("tests/fixtures/demo_scenarios.json");
    if demo.exists() {
        for p in read_json(&demo)["patients"].as_array().unwrap() {
            let mut p = p.clone();
            let key = p["scenario"]["key"].as_str().unwrap_or("?").to_string();
            p.as_object_mut().unwrap().remove("scenario");
            snapshots += 1;
            for e in s.validate("snapshot.v1.schema.json", &p) {
                failures.push(format!("demo {key}: {e}"));
            }
        }
    }
    println!("{snapshots} snapshots validated");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Performance: a heavy card (2,000 visits, 5,000 communications) and many ordinary ones.

fn heavy_snapshot(visits: usize, comms: usize) -> Snapshot {
    let base = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let mut v = Vec::with_capacity(visits);
    for i in 0..visits {
        v.push(Visit {
            date: base - chrono::Duration::days(i as i64 * 3),
            doctor: Some(format!("Доктор {} А. Б.", i % 17)),
            specialty: Some("терапевт".into()),
            services: vec![
                ServiceLine {
                    name: format!("Услуга {}", i % 50),
                    code: None,
                    price: Some(1000.0 + i as f64),
                    discount_pct: None,
                },
                ServiceLine {
                    name: "Профессиональная гигиена".into(),
                    code: None,
                    price: Some(4500.0),
                    discount_pct: Some(10.0),
                },
            ],
        });
    }
    let mut c = Vec::with_capacity(comms);
    for i in 0..comms {
        let at = (base - chrono::Duration::hours(i as i64 * 7)).and_hms_opt(12, 0, 0).unwrap();
        c.push(Communication {
            at: LocalDateTime::naive(at),
            channel: Some(if i % 3 == 0 { Channel::Whatsapp } else { Channel::Call }),
            direction: Direction::Out,
            purpose: Some(["приглашение", "напоминание", "акция"][i % 3].into()),
            outcome: if i % 5 == 0 { Outcome::Reached } else { Outcome::NoAnswer },
            note: None,
            callback_at: None,
        });
    }
    let snap: Snapshot =
        serde_json::from_value(read_json(&fixtures().join("no_justified_reason/reason_present/snapshot.json")))
            .unwrap();
    Snapshot { visits: Some(v), communications: Some(c), ..snap }
}

#[test]
fn assess_is_linear_on_a_heavy_card() {
    let now = DateTime::parse_from_rfc3339("2026-11-23T10:00:00+03:00").unwrap().with_timezone(&Utc);
    let request = |snapshot: Snapshot| Request {
        snapshot,
        config: Config::default(),
        now,
        purpose: Some(Purpose::Offer),
        own_log: Some(
            (0..500)
                .map(|i| Communication {
                    at: LocalDateTime::parse(&format!("2026-0{}-1{}T1{}:00:00+03:00", 1 + i % 9, i % 10, i % 10))
                        .unwrap(),
                    channel: Some(Channel::Call),
                    direction: Direction::Out,
                    purpose: None,
                    outcome: Outcome::NoAnswer,
                    note: None,
                    callback_at: None,
                })
                .collect(),
        ),
        ..Default::default()
    };
    let time = |r: &Request, n: usize| {
        let start = std::time::Instant::now();
        for _ in 0..n {
            std::hint::black_box(rules::assess(r, &TzDatabase).unwrap());
        }
        start.elapsed() / n as u32
    };
    let small = request(heavy_snapshot(200, 500));
    let heavy = request(heavy_snapshot(2000, 5000));
    let (t_small, t_heavy) = (time(&small, 5), time(&heavy, 5));
    println!("assess: 200 visits/500 comms {t_small:?}, 2000 visits/5000 comms {t_heavy:?}");
    // Ten times the data must cost about ten times the time, not a hundred (allowing noise).
    assert!(t_heavy < t_small * 30 + std::time::Duration::from_millis(5), "not linear: {t_small:?} -> {t_heavy:?}");
    // Generous even for an unoptimised build on a shared machine.
    assert!(t_heavy < std::time::Duration::from_millis(500), "a heavy card took {t_heavy:?}");
}

#[test]
fn an_ordinary_card_takes_microseconds() {
    let case = load(&fixtures().join("outside_window/before_the_window_today"));
    let n = 2000;
    let start = std::time::Instant::now();
    for _ in 0..n {
        std::hint::black_box(rules::assess(&case.request, &TzDatabase).unwrap());
    }
    let each = start.elapsed() / n;
    println!("assess: an ordinary card {each:?}");
    assert!(each < std::time::Duration::from_millis(5), "an ordinary card took {each:?}");
}
