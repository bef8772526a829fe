//! The same extraction fixtures as tests/extract_fixtures.rs, in a real browser through
//! web-sys: `cargo test --target wasm32-unknown-unknown --test web_dom` (headless Chromium).
//! Each page is parsed into an inert document (DOMParser: no scripts run, nothing loads) and
//! read with the built-in profile; the snapshot must equal the case's expected.json.
//!
//! The case list is below (the wasm test cannot list directories); a native test in
//! extract_fixtures.rs checks that it names every fixture directory.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{DomParser, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement, SupportedType};

use precall::extract::{builtin_profiles, extract, patient_key, pick_profile, Profile};
use precall::model::{parse_strict, snapshot_from_value, Snapshot};
use precall::web::dom::WebDom;

wasm_bindgen_test_configure!(run_in_browser);

macro_rules! cases {
    ($($profile:literal / $case:literal $(+ $related:ident)?),* $(,)?) => {
        &[$((
            $profile,
            $case,
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/extract/", $profile, "/", $case, "/page.html")),
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/extract/", $profile, "/", $case, "/url")),
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/extract/", $profile, "/", $case, "/expected.json")),
            cases!(@related $profile, $case $(, $related)?),
        )),*]
    };
    (@related $profile:literal, $case:literal) => { None };
    (@related $profile:literal, $case:literal, related) => {
        Some(include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/extract/", $profile, "/", $case, "/related.json")))
    };
}

/// (profile, case, page.html, url, expected.json, related.json)
type Case = (&'static str, &'static str, &'static str, &'static str, &'static str, Option<&'static str>);

const CASES: &[Case] = cases![
    "demo-mis" / "1001-all-clear",
    "demo-mis" / "1002-already-booked",
    "demo-mis" / "1003-relative-booked",
    "demo-mis" / "1004-relative-own-card",
    "demo-mis" / "1005-refused-service",
    "demo-mis" / "1006-recent-full-price",
    "demo-mis" / "1007-whatsapp-weekdays-12-15",
    "demo-mis" / "1008-no-call-agreement",
    "demo-mis" / "1009-attempts-exceeded",
    "demo-mis" / "1010-cooldown",
    "demo-mis" / "1011-plan-urgent-unstarted",
    "demo-mis" / "1012-plan-partially-done",
    "demo-mis" / "1013-control-exam-due",
    "demo-mis" / "1014-followup-agreed",
    "demo-mis" / "1015-hygiene-due",
    "demo-mis" / "1016-checkup-due",
    "demo-mis" / "1017-unsigned-plan-thinking",
    "demo-mis" / "1018-negative-feedback",
    "demo-mis" / "1019-do-not-contact",
    "demo-mis" / "1020-hostile-text",
    "demo-mis" / "1021-clinic-hours-abroad",
    "demo-mis" / "1022-telegram-no-calls",
    "demo-mis" / "1023-no-justified-reason",
    "demo-mis" / "1024-personal-doctor",
    "demo-mis" / "1025-not-verified-no-log",
    "demo-mis" / "1002-hide-visits-plans",
    "demo-mis" / "1001-hide-patient-contacts",
    "demo-mis" / "1002-fragment",
    "demo-mis" / "1001-app-shell",
    "gnuhealth" / "patient-1" + related,
    "gnuhealth" / "patient-2" + related,
    "gnuhealth" / "patient-3" + related,
    "gnuhealth" / "patient-4" + related,
    "gnuhealth" / "patient-1-page-only",
    "generic" / "tables-ru",
    "generic" / "dl-en",
    "generic" / "grid-ru",
    "generic" / "cards-en",
    "generic" / "spa-ru",
    "generic" / "iframe-card-ru",
];

/// The content script's DOM helpers (extension/dom_read.js), which the extension loads beside
/// the core's glue and the reader calls.
fn load_dom_helpers() {
    js_sys::eval(include_str!("../extension/dom_read.js")).expect("extension/dom_read.js evaluates");
}

fn parse_page(html: &str) -> web_sys::Document {
    DomParser::new().unwrap().parse_from_string(html, SupportedType::TextHtml).unwrap()
}

#[wasm_bindgen_test]
fn fixtures_read_the_same_in_the_browser() {
    load_dom_helpers();
    let builtin = builtin_profiles();
    let mut failures = Vec::new();
    for (profile_name, case, html, url, expected, related) in CASES {
        let url = url.trim();
        let doc = parse_page(html);
        let dom = WebDom::from_document(&doc).unwrap();
        let profile: &Profile = builtin.iter().find(|p| p.name == *profile_name).unwrap();
        if pick_profile(&builtin, url, &dom).map(|p| &p.name) != Some(&profile.name) {
            failures.push(format!("{case}: pick_profile did not choose {profile_name}"));
        }
        let mut x = extract(&dom, profile, url);
        if let Some(related) = related {
            // The replies the content script would hand over, laid out through DOMParser; the
            // clinic's zone (Europe/Moscow) is UTC+3 all year.
            let replies = serde_json::from_str(related).unwrap();
            let to_local = |utc: chrono::NaiveDateTime| Some(utc + chrono::Duration::hours(3));
            let parse = |h: &str| WebDom::from_document(&parse_page(h));
            precall::extract::related::apply_replies(&mut x, profile, &replies, &to_local, &parse);
        }
        let (mut got, problems) = snapshot_from_value(x.snapshot.clone());
        let mut want: Snapshot = parse_strict("expected.json", expected).unwrap();
        got.schema = None;
        want.schema = None;
        if !problems.is_empty() {
            failures.push(format!("{case}: contract problems {problems:?}"));
        }
        if got != want {
            failures.push(format!(
                "{case}:\n  got      {}\n  expected {}",
                serde_json::to_string(&got).unwrap(),
                serde_json::to_string(&want).unwrap()
            ));
        }
        if let Some(p) = &want.patient {
            if patient_key(&dom, profile) != p.id {
                failures.push(format!("{case}: patient_key {:?}", patient_key(&dom, profile)));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// How long reading a card takes in the browser (printed, not asserted: debug builds are
/// slow; run with --release for the real figure).
#[wasm_bindgen_test]
fn extraction_time_is_reported() {
    load_dom_helpers();
    let builtin = builtin_profiles();
    let perf = web_sys::window().unwrap().performance().unwrap();
    let docs: Vec<_> = CASES.iter().map(|(_, _, html, url, _, _)| (parse_page(html), url.trim())).collect();
    let t0 = perf.now();
    let profiles = builtin_profiles();
    let t_profiles = perf.now() - t0;
    let mut worst = 0f64;
    let t1 = perf.now();
    for (doc, url) in &docs {
        let s = perf.now();
        let dom = WebDom::from_document(doc).unwrap();
        let p = pick_profile(&profiles, url, &dom).unwrap();
        let _ = extract(&dom, p, url);
        worst = worst.max(perf.now() - s);
    }
    let avg = (perf.now() - t1) / docs.len() as f64;
    console_log!(
        "builtin_profiles(): {t_profiles:.2} ms; extract per card: avg {avg:.2} ms, worst {worst:.2} ms ({} cards)",
        docs.len()
    );
    assert_eq!(profiles.len(), builtin.len());
}

/// What the user typed lives in DOM properties, not attributes: WebDom reads the properties.
#[wasm_bindgen_test]
fn form_values_come_from_dom_properties() {
    load_dom_helpers();
    let document = web_sys::window().unwrap().document().unwrap();
    let host = document.create_element("div").unwrap();
    host.set_inner_html(
        r#"<div id="pc-form">
             <label for="pc-fio">ФИО</label><input id="pc-fio" value="Старое Имя">
             <label>Дата рождения <input class="dob" value=""></label>
             <select class="sex"><option value="m">Мужской</option><option value="f">Женский</option></select>
             <textarea class="note">старая заметка</textarea>
             <input type="checkbox" class="dnc">
           </div>"#,
    );
    document.body().unwrap().append_child(&host).unwrap();
    let q = |sel: &str| host.query_selector(sel).unwrap().unwrap();
    q("#pc-fio").dyn_into::<HtmlInputElement>().unwrap().set_value("Новая Анна");
    q(".dob").dyn_into::<HtmlInputElement>().unwrap().set_value("26.11.1990");
    q(".sex").dyn_into::<HtmlSelectElement>().unwrap().set_selected_index(1);
    q(".note").dyn_into::<HtmlTextAreaElement>().unwrap().set_value("звонить после 18");
    q(".dnc").dyn_into::<HtmlInputElement>().unwrap().set_checked(true);

    let profile = Profile::from_json(
        r#"{"name": "form", "sections": {
            "patient": {"root": "div", "fields": {
                "full_name": {"from": [{"label": "ФИО"}]},
                "birth_date": {"from": [{"label": "Дата рождения"}], "norm": "date"},
                "sex": {"from": [".sex"], "map": {"Женский": "female", "Мужской": "male"}},
                "family": {"from": [{"css": ".sex", "read": "value"}]}
            }},
            "service_card": {"root": "div", "fields": {
                "notes": {"from": [".note"], "all": true},
                "do_not_contact": {"from": [".dnc"]}
            }}
        }}"#,
    )
    .unwrap();
    let x = extract(&WebDom::new(host.clone()), &profile, "");
    host.remove();
    assert_eq!(
        x.snapshot["patient"],
        serde_json::json!({"full_name": "Новая Анна", "birth_date": "1990-11-26", "sex": "female", "family": "f"})
    );
    assert_eq!(x.snapshot["service_card"], serde_json::json!({"notes": ["звонить после 18"], "do_not_contact": true}));
}

/// A table's rows are read in batches (extension/dom_read.js `firstTexts`): each answer goes
/// to its own row and field, and what the batch cannot answer (a form control, a long text)
/// is read one by one, as without a batch.
#[wasm_bindgen_test]
fn rows_read_in_batches_read_as_one_by_one() {
    load_dom_helpers();
    let document = web_sys::window().unwrap().document().unwrap();
    let host = document.create_element("div").unwrap();
    let long = "длинная заметка ".repeat(800);
    let mut rows = String::new();
    for i in 0..450 {
        // Row 7: the note is typed into an input; row 8: no note cell at all.
        let note = match i {
            7 => r#"<td><input class="note" value="атрибут"></td>"#.to_string(),
            8 => String::new(),
            9 => format!(r#"<td class="note">{long}</td>"#),
            _ => format!(r#"<td class="note">заметка {i}</td>"#),
        };
        rows.push_str(&format!(
            r#"<tr class="comm"><td class="at">{:02}.11.2026 10:00</td><td class="dir">Исходящий</td>{note}<td class="res"><b class="r">Не ответил</b></td></tr>"#,
            1 + i % 28
        ));
    }
    host.set_inner_html(&format!(r#"<table id="log"><tbody>{rows}</tbody></table>"#));
    document.body().unwrap().append_child(&host).unwrap();
    let cell = |i: u32, sel: &str| {
        host.query_selector_all("tr.comm")
            .unwrap()
            .item(i)
            .unwrap()
            .dyn_into::<web_sys::Element>()
            .unwrap()
            .query_selector(sel)
            .unwrap()
            .unwrap()
    };
    cell(7, ".note").dyn_into::<HtmlInputElement>().unwrap().set_value("набрано");
    // A NUL only a script can put into a text node: the batch's separator must not split on it.
    cell(3, ".note").set_text_content(Some("за\0метка 3"));

    let profile = Profile::from_json(
        r##"{"name": "rows", "sections": {"communications": {"root": "#log", "rows": "tr.comm", "fields": {
            "at": {"from": [".at"], "norm": "datetime", "required": true},
            "direction": {"from": [".dir"], "map": {"Исходящий": "out"}, "required": true},
            "outcome": {"from": ["td.res > b.r"], "map": {"Не ответил": "no_answer"}, "required": true},
            "purpose": {"from": ["[[bad"], "norm": "text"},
            "note": {"from": [".note"]}
        }}}}"##,
    )
    .unwrap();
    let x = extract(&WebDom::new(host.clone()), &profile, "");
    host.remove();
    let list = x.snapshot["communications"].as_array().unwrap();
    assert_eq!(list.len(), 450);
    assert_eq!(list[0]["at"], "2026-11-01T10:00");
    assert_eq!(list[0]["direction"], "out");
    assert_eq!(list[0]["outcome"], "no_answer");
    assert!(list[0].get("purpose").is_none());
    assert_eq!(list[3]["note"], "заметка 3");
    assert_eq!(list[7]["note"], "набрано");
    assert!(list[8].get("note").is_none());
    let capped = list[9]["note"].as_str().unwrap();
    assert!(capped.len() <= 4096 && capped.len() > 4000 && capped.starts_with("длинная заметка"), "{}", capped.len());
    assert_eq!(list[449]["note"], "заметка 449");
    assert_eq!(list[449]["at"], "2026-11-02T10:00");
}

/// A batch of rows stops at the time budget inside the one call, and the reader then trusts
/// none of it (it reads no more: the budget is spent).
#[wasm_bindgen_test]
fn a_batch_stops_at_the_time_budget() {
    use precall::extract::{Dom, Prefetched};
    load_dom_helpers();
    let doc = parse_page("<table><tr><td class=a>1</td></tr><tr><td class=a>2</td></tr><tr><td>3</td></tr></table>");
    let dom = WebDom::from_document(&doc).unwrap();
    let rows = dom.select(&dom.root(), "tr", 10);
    assert_eq!(
        dom.first_texts(&rows, &[".a", "td"], 100),
        Some(vec![
            Prefetched::Text("1".into()),
            Prefetched::Text("1".into()),
            Prefetched::Text("2".into()),
            Prefetched::Text("2".into()),
            Prefetched::Nothing,
            Prefetched::Text("3".into()),
        ])
    );
    let spent = WebDom::from_document(&doc).unwrap().with_budget_ms(-1.0);
    assert_eq!(spent.first_texts(&rows, &[".a", "td"], 100), None);
}

/// A selector the browser rejects (querySelectorAll throws) matches nothing, no panic.
#[wasm_bindgen_test]
fn invalid_selectors_match_nothing() {
    load_dom_helpers();
    let doc = parse_page("<p class=a>x</p>");
    let dom = WebDom::from_document(&doc).unwrap();
    let profile = Profile::from_json(r#"{"name": "t", "sections": {"patient": {"root": ["::nope((", "body"], "fields": {"given": {"from": ["[[", "p.a"]}}}}}"#).unwrap();
    let x = extract(&dom, &profile, "");
    assert_eq!(x.snapshot["patient"], serde_json::json!({"given": "x"}));
}

/// A hostile page in the browser: more rows than the cap, a huge text, deep nesting. The work
/// stays bounded and nothing panics.
#[wasm_bindgen_test]
fn hostile_page_is_bounded_in_the_browser() {
    load_dom_helpers();
    let mut html = String::from("<ul id=r>");
    for i in 0..12_000 {
        html.push_str(&format!("<li>u{i}</li>"));
    }
    html.push_str("</ul><p class=name>");
    html.push_str(&"Я".repeat(200_000));
    html.push_str("</p>");
    html.push_str(&"<div>".repeat(5_000));
    let doc = parse_page(&html);
    let dom = WebDom::from_document(&doc).unwrap();
    let profile = Profile::from_json(
        r##"{"name": "t", "sections": {
            "refusals": {"root": "#r", "rows": "li", "fields": {"service": {"from": [{"read": "text"}]}}},
            "patient": {"fields": {"full_name": {"from": [".name"]}, "given": {"from": [{"label": "Имя"}]}}}
        }}"##,
    )
    .unwrap();
    let perf = web_sys::window().unwrap().performance().unwrap();
    let t = perf.now();
    let x = extract(&dom, &profile, "");
    console_log!("hostile page: {:.1} ms", perf.now() - t);
    assert_eq!(x.snapshot["refusals"].as_array().unwrap().len(), precall::extract::limits::MAX_ROWS);
    assert!(x.coverage.truncated);
    assert!(x.snapshot["patient"]["full_name"].as_str().unwrap().len() <= precall::extract::limits::MAX_TEXT);
}

/// A read past its time budget stops like any other work limit: the extension then says
/// "page too large to check".
#[wasm_bindgen_test]
fn time_budget_stops_the_read() {
    load_dom_helpers();
    let doc = parse_page(CASES[0].2);
    let builtin = builtin_profiles();
    let url = CASES[0].3.trim();
    let dom = WebDom::from_document(&doc).unwrap();
    let x = precall::extract::extract_or_stop(&dom, &builtin[0], url);
    assert!(!x.coverage.truncated, "a demo card reads within any budget");
    let spent = WebDom::from_document(&doc).unwrap().with_budget_ms(-1.0);
    let x = precall::extract::extract_or_stop(&spent, &builtin[0], url);
    assert!(x.coverage.truncated);
    assert_eq!(x.snapshot.as_object().map(|o| o.len()), Some(1), "nothing but the schema marker is read");
}

#[wasm_bindgen_test]
fn long_text_is_read_a_slice_at_a_time_like_the_native_reader() {
    load_dom_helpers();
    use precall::extract::normalize::normalize_text;
    use precall::extract::Dom;
    // Mostly whitespace (collapsed: more slices are needed), then astral characters whose
    // surrogate pairs straddle the slice boundaries, then a marker past the first slice.
    let text = format!("{}Нет {}\n записей {}", " \n\t".repeat(20_000), "😀a".repeat(3_001), "конец ".repeat(10_000));
    let doc = parse_page("<html><body><div id=s></div></body></html>");
    let div = doc.get_element_by_id("s").unwrap();
    div.set_text_content(Some(&text));
    let dom = WebDom::new(doc.document_element().unwrap());
    for max in [1, 7, 200, 2_000, 20_000, 200_000] {
        assert_eq!(dom.text(&div, max), normalize_text(&text, max), "max {max}");
    }
    assert!(!dom.text(&div, 2_000).contains('\u{FFFD}'), "a surrogate pair was split");
}

/// The live page, read in two calls as the content script does: the answer carries the state
/// as it was read (`current_state` then), so a section that changes between the read and the
/// judgement differs from it, and the content script checks the page again.
#[wasm_bindgen_test]
fn a_two_task_check_answers_the_state_it_read() {
    load_dom_helpers();
    let case = CASES.iter().find(|c| c.1 == "1002-already-booked").unwrap();
    let window = web_sys::window().unwrap();
    let document = window.document().unwrap();
    let path = case.3.trim().trim_start_matches("http://127.0.0.1:8765");
    let runner_url = document.location().unwrap().href().unwrap();
    let history = window.history().unwrap();
    history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path)).unwrap();
    // Beside the test runner's own output (its body is not replaced).
    let body = case.2.split_once("<body").and_then(|(_, b)| b.split_once('>')).map(|(_, b)| b).unwrap();
    let card = document.create_element("div").unwrap();
    card.set_inner_html(body.split("</body>").next().unwrap());
    document.body().unwrap().append_child(&card).unwrap();
    let field = |answer: &str, name: &str| {
        let v: serde_json::Value = serde_json::from_str(answer).unwrap();
        v[name].as_str().map(str::to_string)
    };
    let input = r#"{"now_ms": 1795424400000}"#;

    // Nothing changes: the answered state is the page's.
    assert_eq!(precall::web::read_page(input).unwrap(), r#"{"status":"read"}"#);
    let answer = precall::web::judge_read("null").unwrap();
    assert_eq!(field(&answer, "status").as_deref(), Some("ok"));
    let before = precall::web::current_state().expect("the card is recognised");
    assert!(before.contains("\u{1}1002\u{1}"), "profile, patient, fingerprint: {before:?}");
    assert_eq!(field(&answer, "state"), Some(before.clone()));

    // An appointment is cancelled after the read, before the judgement.
    precall::web::read_page(input).unwrap();
    document.query_selector("#section-appointments tbody tr").unwrap().unwrap().remove();
    let answer = precall::web::judge_read("null").unwrap();
    assert_eq!(field(&answer, "state"), Some(before.clone()), "the state as read");
    let after = precall::web::current_state().unwrap();
    assert_ne!(after, before, "the change is noticed");

    // The whole check in one call answers the state too.
    let answer = precall::web::check_page(input).unwrap();
    assert_eq!(field(&answer, "state"), Some(after));
    card.remove();
    history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&runner_url)).unwrap();
}
