//! The call script and message drafts (src/script/), checked word for word.
//!
//! Each folder `tests/fixtures/script/<case>/` holds `snapshot.json`, `assessment.json` (fields
//! left out take empty defaults), optionally `config.json` and `templates.json` (clinic
//! templates), and `expected.txt`: the output of `ScriptOutput::to_text()`, read and checked
//! by hand. On a mismatch the actual text is written to `target/script_golden/<case>.txt`.
//!
//! `../demo_scenarios.json` is the resolved demo MIS data (`node scripts/update-demo-fixture.mjs`,
//! today 2026-11-23): every shipped template placeholder must be filled for every demo scenario.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use precall::model::*;
use precall::script::{self, Templates};
use serde_json::{json, Value};

fn loc(l: Locale) -> &'static str {
    match l {
        Locale::Ru => "ru",
        Locale::En => "en",
    }
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/script")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// An assessment from a fixture: missing fields take empty defaults.
fn assessment_from(mut v: Value) -> Assessment {
    let defaults = json!({
        "channel": null, "next_window": null, "findings": [], "reasons": [], "do_not_offer": [],
        "context": null, "unverified": [], "preferences": null
    });
    let obj = v.as_object_mut().expect("assessment.json is an object");
    for (k, d) in defaults.as_object().unwrap() {
        obj.entry(k.clone()).or_insert(d.clone());
    }
    serde_json::from_value(v).expect("assessment.json fits the contract")
}

struct Case {
    name: String,
    snapshot: Snapshot,
    assessment: Assessment,
    config: Config,
    templates: Option<String>,
    expected: String,
}

fn load_case(dir: &Path) -> Case {
    let name = dir.file_name().unwrap().to_string_lossy().to_string();
    let snapshot: Snapshot =
        parse_strict("snapshot.json", &read(&dir.join("snapshot.json"))).unwrap_or_else(|e| panic!("{name}: {e}"));
    let assessment = assessment_from(serde_json::from_str(&read(&dir.join("assessment.json"))).unwrap());
    let config = match std::fs::read_to_string(dir.join("config.json")) {
        Ok(text) => parse_strict::<Config>("config.json", &text).unwrap_or_else(|e| panic!("{name}: {e}")),
        Err(_) => Config::default(),
    };
    let templates = std::fs::read_to_string(dir.join("templates.json")).ok();
    let expected = read(&dir.join("expected.txt"));
    Case { name, snapshot, assessment, config, templates, expected }
}

fn cases() -> Vec<Case> {
    let mut dirs: Vec<PathBuf> =
        std::fs::read_dir(fixtures()).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    dirs.iter().map(|d| load_case(d)).collect()
}

fn run(case: &Case) -> script::ScriptOutput {
    script::build_with_json(&case.assessment, &case.snapshot, &case.config, case.templates.as_deref())
}

/// The one helper test: every fixture folder, word for word.
#[test]
fn golden_cases() {
    let out_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/script_golden");
    let mut failed = Vec::new();
    let all = cases();
    assert!(all.len() >= 20, "expected the fixture folders, found {}", all.len());
    for case in &all {
        let actual = run(case).to_text();
        if actual != case.expected {
            std::fs::create_dir_all(&out_dir).unwrap();
            std::fs::write(out_dir.join(format!("{}.txt", case.name)), &actual).unwrap();
            let line = actual
                .lines()
                .zip(case.expected.lines())
                .position(|(a, e)| a != e)
                .unwrap_or(actual.lines().count().min(case.expected.lines().count()));
            failed.push(format!(
                "{}: first difference at line {}\n  expected: {:?}\n  actual:   {:?}",
                case.name,
                line + 1,
                case.expected.lines().nth(line).unwrap_or("<end>"),
                actual.lines().nth(line).unwrap_or("<end>")
            ));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} cases differ (actual text in target/script_golden/):\n{}",
        failed.len(),
        all.len(),
        failed.join("\n")
    );
}

/// Every reason kind has a golden script in both locales, and a golden message draft.
#[test]
fn every_reason_kind_in_both_locales_has_a_golden_case() {
    let mut script_seen = BTreeSet::new();
    let mut draft_seen = BTreeSet::new();
    for case in cases() {
        let out = run(&case);
        for reason in &case.assessment.reasons {
            let kind = serde_json::to_value(reason.kind).unwrap().as_str().unwrap().to_string();
            if out.script.as_ref().is_some_and(|s| s.lines.iter().any(|l| l.reason == Some(reason.kind))) {
                script_seen.insert((kind.clone(), loc(case.config.locale)));
            }
            if !out.drafts.is_empty() {
                draft_seen.insert((kind, loc(case.config.locale)));
            }
        }
    }
    let kinds = [
        "appointment_reminder",
        "plan_urgent_unstarted",
        "plan_partially_done",
        "control_exam_due",
        "followup_agreed",
        "hygiene_due",
        "checkup_due",
        "personal_doctor",
    ];
    let mut missing = Vec::new();
    for kind in kinds {
        for locale in [Locale::Ru, Locale::En] {
            if !script_seen.contains(&(kind.to_string(), loc(locale))) {
                missing.push(format!("script {kind} {locale:?}"));
            }
            if !draft_seen.contains(&(kind.to_string(), loc(locale))) {
                missing.push(format!("draft {kind} {locale:?}"));
            }
        }
    }
    assert!(missing.is_empty(), "no golden case for: {missing:?}");
}

const SENTINEL: &str = "REASON MESSAGE SENTINEL";

/// The demo patients, each with its scenario's verdict and reasons.
fn demo() -> Vec<(String, Snapshot, Verdict, Vec<ReasonKind>)> {
    // The one resolved copy of the demo data (scripts/update-demo-fixture.mjs keeps it current).
    let path = fixtures().join("../demo_scenarios.json");
    let doc: Value = serde_json::from_str(&read(&path)).unwrap();
    let all: Vec<Value> = doc["patients"].as_array().unwrap().clone();
    all.into_iter()
        .map(|mut v| {
            let scenario = v.as_object_mut().unwrap().remove("scenario").expect("scenario");
            let key = scenario["key"].as_str().unwrap().to_string();
            let verdict: Verdict = serde_json::from_value(scenario["expect"]["verdict"].clone()).unwrap();
            let reasons: Vec<ReasonKind> = serde_json::from_value(scenario["expect"]["reasons"].clone()).unwrap();
            let snapshot: Snapshot = serde_json::from_value(v).unwrap_or_else(|e| panic!("{key}: {e}"));
            (key, snapshot, verdict, reasons)
        })
        .collect()
}

fn demo_config(locale: Locale, doctor: bool) -> Config {
    let mut c = Config { locale, ..Config::default() };
    c.caller = if doctor {
        Caller {
            name: Some("Петрова Анна Игоревна".into()),
            role: Some("стоматолог-терапевт".into()),
            clinic: Some("Улыбка".into()),
        }
    } else {
        Caller {
            name: Some("Ольга".into()), role: Some("администратор".into()), clinic: Some("Улыбка".into())
        }
    };
    c
}

fn demo_assessment(verdict: Verdict, reasons: &[ReasonKind]) -> Assessment {
    assessment_from(json!({
        "verdict": verdict,
        "next_window": "2026-11-24T12:00:00+03:00",
        "reasons": reasons.iter().map(|k| json!({"kind": k, "message": SENTINEL, "evidence": []})).collect::<Vec<_>>(),
    }))
}

/// Text a template left behind: syntax, doubled spaces, a space before punctuation, an empty line.
fn leftovers(text: &str) -> Option<String> {
    for bad in ["{", "}", "[", "]", "  ", " .", " ,", " :", " ;", "..", ",.", "—.", "( ", " )", "()"] {
        if text.contains(bad) {
            return Some(format!("{bad:?} in {text:?}"));
        }
    }
    if text.trim().is_empty() || text.lines().any(|l| l.trim().is_empty()) {
        return Some(format!("an empty line in {text:?}"));
    }
    None
}

/// Every template used for a demo scenario fills its placeholders (no "no value" fallback, no
/// leftover syntax, the reason's concrete template and not the generic one), and over the demo
/// scenarios plus the golden fixtures every placeholder of every shipped template is filled at
/// least once.
#[test]
fn every_placeholder_filled_for_every_demo_scenario() {
    let mut filled: BTreeMap<(&str, String), BTreeSet<String>> = BTreeMap::new();
    let mut rendered: BTreeSet<(&str, String)> = BTreeSet::new();
    let mut problems = Vec::new();
    let patients = demo();
    assert_eq!(patients.len(), 25, "the committed demo data");
    for (key, snapshot, verdict, reasons) in &patients {
        for locale in [Locale::Ru, Locale::En] {
            for doctor in [false, true] {
                let config = demo_config(locale, doctor);
                let mut verdicts = vec![*verdict, Verdict::Call, Verdict::MessageOnly, Verdict::Wait];
                verdicts.dedup();
                for v in verdicts {
                    let a = demo_assessment(v, reasons);
                    let (out, trace) = script::build_traced(&a, snapshot, &config, None);
                    let tag = format!("{key} {locale:?} {v:?}{}", if doctor { " (doctor calls)" } else { "" });
                    if !out.template_errors.is_empty() {
                        problems.push(format!("{tag}: {:?}", out.template_errors));
                    }
                    let mut texts: Vec<&str> = Vec::new();
                    if let Some(s) = &out.script {
                        texts.extend(s.lines.iter().map(|l| l.text.as_str()));
                        texts.extend(s.context.iter().map(String::as_str));
                    }
                    texts.extend(out.no_script_reason.as_deref());
                    texts.extend(out.when.as_deref());
                    for d in &out.drafts {
                        texts.push(&d.text);
                        texts.extend(d.problem.as_deref());
                    }
                    for t in texts {
                        if t.contains(SENTINEL) {
                            problems.push(format!("{tag}: a generic reason line, the details were not found: {t:?}"));
                        }
                        // The demo's hostile patient has markup in the name; it must stay as text.
                        if *key != "hostile_text" {
                            if let Some(p) = leftovers(t) {
                                problems.push(format!("{tag}: {p}"));
                            }
                        }
                    }
                    for tr in trace {
                        rendered.insert((loc(locale), tr.key.clone()));
                        filled.entry((loc(locale), tr.key)).or_default().extend(tr.filled);
                    }
                }
            }
        }
    }
    // The golden fixtures reach what the demo does not (unreadable numbers, unread sections),
    // each in both locales.
    for case in cases() {
        for locale in [Locale::Ru, Locale::En] {
            let config = Config { locale, ..case.config.clone() };
            let (out, trace) = script::build_traced(&case.assessment, &case.snapshot, &config, None);
            assert!(out.template_errors.is_empty(), "{} {locale:?}: {:?}", case.name, out.template_errors);
            for tr in trace {
                rendered.insert((loc(locale), tr.key.clone()));
                filled.entry((loc(locale), tr.key)).or_default().extend(tr.filled);
            }
        }
    }
    for locale in [Locale::Ru, Locale::En] {
        let t = Templates::default_for(locale);
        for (key, _) in script::template::KEYS {
            if !rendered.contains(&(loc(locale), key.to_string())) {
                problems.push(format!("{locale:?} {key}: never rendered"));
                continue;
            }
            let got = filled.get(&(loc(locale), key.to_string())).cloned().unwrap_or_default();
            for p in t.placeholders(key) {
                if !got.contains(&p) {
                    problems.push(format!("{locale:?} {key}: {{{p}}} never filled"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

/// Hostile text from the card (names, services, notes) stays plain text in the script and is
/// percent-encoded in every link: it cannot add a parameter or change the target.
#[test]
fn hostile_text_is_plain_text_and_encoded_in_links() {
    let patients = demo();
    let (_, snapshot, _, reasons) = patients.iter().find(|p| p.0 == "hostile_text").expect("the hostile demo patient");
    for locale in [Locale::Ru, Locale::En] {
        for v in [Verdict::Call, Verdict::MessageOnly] {
            let a = demo_assessment(v, reasons);
            let out = script::build(&a, snapshot, &demo_config(locale, false), None);
            let text = out.to_text();
            if locale == Locale::Ru {
                assert!(text.contains("<script>alert(\"xss\")</script>"), "the name is kept as text:\n{text}");
            }
            assert!(!out.drafts.is_empty(), "{locale:?} {v:?}: a draft");
            for d in &out.drafts {
                let url = d.url.as_deref().expect("a link");
                let query = url.split_once('?').map(|(_, q)| q).unwrap_or("");
                let value = query.split_once('=').map(|(_, v)| v).unwrap_or("");
                assert!(!value.contains(['&', '<', '>', '"', '\'', ' ', '#', '?', '\n', '{', '}']), "{url}");
                assert_eq!(query.matches('=').count(), 1, "exactly one parameter: {url}");
                assert!(!d.to.contains(['<', '>', '&', '"']), "{:?}", d.to);
            }
        }
    }
}

/// A hand-written check of the encoding itself, on a name built to break links and templates.
#[test]
fn hostile_name_round_trips_through_the_link() {
    let name = "Мария & Co <b>\"{caller.name}\"</b>?x=1#frag\n\u{202E}";
    let snapshot: Snapshot = serde_json::from_value(json!({
        "patient": {"given": name, "patronymic": "Ивановна"},
        "contacts": [{"value": "+7 916 123-45-67", "kind": "phone", "messengers": ["whatsapp"], "primary": true}],
        "service_card": {"consent": {"calls": true, "messages": true}},
        "appointments": [], "visits": [], "plans": [], "recalls": [{"kind": "hygiene", "due": "2026-11-26", "agreed": true}]
    }))
    .unwrap();
    let a = demo_assessment(Verdict::MessageOnly, &[ReasonKind::HygieneDue]);
    let out = script::build(&a, &snapshot, &demo_config(Locale::Ru, false), None);
    let d = &out.drafts[0];
    assert!(d.text.starts_with("Мария & Co <b>\"{caller.name}\"</b>?x=1#frag Ивановна, здравствуйте!"), "{}", d.text);
    let url = d.url.as_deref().unwrap();
    assert!(url.starts_with("https://wa.me/79161234567?text=%D0%9C%D0%B0%D1%80%D0%B8%D1%8F%20%26%20Co%20%3Cb%3E%22%7Bcaller.name%7D%22%3C%2Fb%3E%3Fx%3D1%23frag%20"), "{url}");
    let decoded = percent_decode(url.split_once("?text=").unwrap().1);
    assert_eq!(decoded, d.text, "the link carries exactly the draft");
}

/// In every golden case, a draft's link carries exactly the draft's text (and the e-mail its
/// subject), to the normalised number or address.
#[test]
fn every_link_carries_its_draft() {
    let mut links = 0;
    for case in cases() {
        for d in run(&case).drafts {
            let Some(url) = d.url.as_deref() else { continue };
            links += 1;
            let (target, query) = url.split_once('?').unwrap_or((url, ""));
            let params: BTreeMap<&str, String> =
                query.split('&').filter_map(|p| p.split_once('=')).map(|(k, v)| (k, percent_decode(v))).collect();
            let digits = d.to.trim_start_matches('+');
            match d.channel {
                Channel::Whatsapp => {
                    assert_eq!(target, format!("https://wa.me/{digits}"), "{}", case.name);
                    assert_eq!(params["text"], d.text, "{}", case.name);
                }
                Channel::Telegram => {
                    assert_eq!(target, format!("https://t.me/+{digits}"), "{}", case.name);
                    assert_eq!(params["text"], d.text, "{}", case.name);
                }
                Channel::Sms => {
                    assert_eq!(target, format!("sms:{}", d.to), "{}", case.name);
                    assert_eq!(params["body"], d.text, "{}", case.name);
                }
                Channel::Email => {
                    assert_eq!(percent_decode(target), format!("mailto:{}", d.to), "{}", case.name);
                    assert_eq!(params["body"], d.text.replace('\n', "\r\n"), "{}", case.name);
                    assert_eq!(Some(&params["subject"]), d.subject.as_ref(), "{}", case.name);
                }
                Channel::Viber => {
                    assert_eq!(percent_decode(url), format!("viber://chat?number={}", d.to), "{}", case.name)
                }
                other => panic!("{}: a link for {other:?}", case.name),
            }
        }
    }
    assert!(links >= 20, "only {links} links checked");
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap(), 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// For people: prints the scripts of all demo patients (`cargo test --test script_golden --
/// --ignored --nocapture print_demo`).
#[test]
#[ignore]
fn print_demo() {
    let locale = if std::env::var("LOCALE").as_deref() == Ok("en") { Locale::En } else { Locale::Ru };
    for (key, snapshot, verdict, reasons) in demo() {
        let a = demo_assessment(verdict, &reasons);
        let text = script::build(&a, &snapshot, &demo_config(locale, false), None).to_text();
        let text: Vec<&str> = text.lines().filter(|l| !l.starts_with("url: ")).collect();
        println!("######## {key} ({verdict:?})\n{}\n", text.join("\n"));
    }
}
