//! Teach mode: proposals over the fixtures in tests/fixtures/teach/, and the page check and
//! the derived profile over small pages.

use serde_json::json;

use super::*;
use crate::extract::html::HtmlDom;

#[test]
fn proposals_over_fixtures() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/teach/propose.json")).unwrap();
    let fixtures: serde_json::Value = serde_json::from_str(&text).unwrap();
    let cases = fixtures["cases"].as_array().unwrap();
    assert!(cases.len() >= 10);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let picked: Picked = serde_json::from_value(case["picked"].clone()).unwrap();
        let got = propose(&picked);
        let want: Source = serde_json::from_value(case["first"].clone()).unwrap();
        assert_eq!(got.first().map(|c| &c.source), Some(&want), "{name}: {got:?}");
        for never in case["never"].as_array().into_iter().flatten() {
            let never = never.as_str().unwrap();
            assert!(
                !got.iter().any(|c| c.css().is_some_and(|s| s.contains(never))),
                "{name}: proposes {never}: {got:?}"
            );
        }
    }
}

#[test]
fn generated_names() {
    for s in ["ext-gen1234", "ember482", ":r5:", "css-1x2y3z", "sc-bdVaJa", "card_x7f3a", "a1b2c3d4", "item-20261123"] {
        assert!(looks_generated(s), "{s}");
    }
    for s in [
        "patient-name",
        "birthDate",
        "sched",
        "card",
        "contact-row",
        "h2",
        "fio",
        "section-patient",
        "v-card",
        "react-select__control",
    ] {
        assert!(!looks_generated(s), "{s}");
    }
}

const PAGE: &str = r#"<html><body>
<div class="hdr_x7f3a"><span class="big" data-field="fio">Лебедева  Мария Петровна</span><span class="big">VIP</span></div>
<p>Дата рождения: 05.03.1980</p><p>Карта №: 4417</p>
<section id="sec-88f2a9c1"><h3>Расписание пациента</h3>
<table class="sched"><thead><tr><th>Дата и время</th><th>Врач</th><th>Статус</th></tr></thead>
<tbody><tr><td>26.11.2026 14:00</td><td>Петрова</td><td>Записана</td></tr></tbody></table></section>
<dl><dt>Пол</dt><dd class="v">Женский</dd><dt>Город</dt><dd class="v">Тверь</dd></dl>
</body></html>"#;

fn step(tag: &str) -> Step {
    Step { tag: tag.into(), nth: 1, of_type: 1, ..Default::default() }
}

fn generic() -> Profile {
    builtin_profile("generic").unwrap()
}

const ORIGIN: &str = "http://127.0.0.1:9000";
const URL: &str = "http://127.0.0.1:9000/card/1";

#[test]
fn the_generic_profile_misses_the_name_and_the_appointments_here() {
    let x = extract(&HtmlDom::parse(PAGE), &generic(), URL);
    let missed = unread(&x.coverage);
    assert!(missed.contains(&"patient.full_name") && missed.contains(&"appointments"), "{missed:?}");
    assert!(!missed.contains(&"patient.birth_date"), "{missed:?}");
}

#[test]
fn a_field_taught_by_its_attribute_is_read() {
    let mut span = step("span");
    span.classes = vec!["big".into()];
    span.attrs.insert("data-field".into(), "fio".into());
    span.of_type = 2;
    let mut div = step("div");
    div.classes = vec!["hdr_x7f3a".into()];
    let picked = Picked {
        path: vec![span, div, step("body")], label: None, text: "Лебедева Мария Петровна".into()
    };
    let req = Request { target: "patient.full_name".into(), picked };
    let out = teach(&HtmlDom::parse(PAGE), &generic(), ORIGIN, URL, &req).unwrap();
    assert_eq!(out.described, r#"span[data-field="fio"]"#);
    assert_eq!(out.value.as_deref(), Some("Лебедева Мария Петровна"));
    assert!(out.found);
    assert_eq!(out.profile.name, "taught-127-0-0-1-9000");
    assert_eq!(out.profile.urls, vec!["http://127.0.0.1:9000/*".to_string()]);
    // The saved profile reads it, and it round-trips through JSON (what settings keep).
    let again = Profile::from_json(&serde_json::to_string(&out.profile).unwrap()).unwrap();
    let x = extract(&HtmlDom::parse(PAGE), &again, URL);
    assert_eq!(x.snapshot["patient"]["full_name"], json!("Лебедева Мария Петровна"));
    assert!(!unread(&x.coverage).contains(&"patient.full_name"));
}

#[test]
fn a_class_that_is_not_unique_is_passed_over() {
    // Two dd.v: the class alone does not hold; the label "Пол" does (and the map applies).
    let mut dd = step("dd");
    dd.classes = vec!["v".into()];
    dd.of_type = 2;
    let picked = Picked {
        path: vec![dd, step("dl"), step("body")], label: Some("Пол".into()), text: "Женский".into()
    };
    let out = teach(&HtmlDom::parse(PAGE), &generic(), ORIGIN, URL, &Request { target: "patient.sex".into(), picked })
        .unwrap();
    assert_eq!(out.kind, "label");
    assert_eq!(out.value.as_deref(), Some("female"));
}

#[test]
fn a_section_taught_by_its_root_reads_its_rows() {
    let mut table = step("table");
    table.classes = vec!["sched".into()];
    let mut section = step("section");
    section.id = Some("sec-88f2a9c1".into());
    let dom = HtmlDom::parse(PAGE);
    let text = dom.text(&dom.select(&dom.root(), "table", 1)[0], 4096);
    let picked = Picked { path: vec![table, section, step("body")], label: None, text };
    let out = teach(&dom, &generic(), ORIGIN, URL, &Request { target: "appointments".into(), picked }).unwrap();
    assert_eq!(out.described, "table.sched");
    assert!(out.found);
    assert_eq!(out.rows, Some(1));
    let x = extract(&dom, &out.profile, URL);
    assert_eq!(x.snapshot["appointments"][0]["start"], json!("2026-11-26T14:00"));
    // Taught twice (another field on the same origin): one profile, both places.
    let mut span = step("span");
    span.attrs.insert("data-field".into(), "fio".into());
    let picked =
        Picked {
            path: vec![span, step("div"), step("body")], label: None, text: "Лебедева Мария Петровна".into()
        };
    let twice =
        teach(&dom, &out.profile, ORIGIN, URL, &Request { target: "patient.full_name".into(), picked }).unwrap();
    assert_eq!(twice.profile.name, out.profile.name);
    let x = extract(&dom, &twice.profile, URL);
    assert!(x.snapshot["appointments"].is_array() && x.snapshot["patient"]["full_name"].is_string());
}

#[test]
fn a_place_whose_text_the_normaliser_refuses_gives_way_to_the_label() {
    // "Дата рождения: 05.03.1980" in one <p>: the position selects it alone, but its whole
    // text is not a date; the label lookup reads the date.
    let mut p = step("p");
    p.of_type = 3;
    let picked = Picked {
        path: vec![p, step("body")],
        label: Some("Дата рождения".into()),
        text: "Дата рождения: 05.03.1980".into(),
    };
    let out =
        teach(&HtmlDom::parse(PAGE), &generic(), ORIGIN, URL, &Request { target: "patient.birth_date".into(), picked })
            .unwrap();
    assert_eq!(out.kind, "label", "{out:?}");
    assert_eq!(out.value.as_deref(), Some("1980-03-05"));
}

#[test]
fn nothing_that_holds_is_an_error_not_a_guess() {
    let picked = Picked { path: vec![step("p"), step("body")], label: None, text: "nowhere".into() };
    assert!(teach(&HtmlDom::parse(PAGE), &generic(), ORIGIN, URL, &Request { target: "patient.id".into(), picked })
        .is_err());
    assert!(derive(&generic(), ORIGIN, "plans", &Source::Css("x".into())).is_err(), "not a target");
    assert!(
        derive(&generic(), ORIGIN, "appointments", &Source::Full(SourceSpec::default())).is_err(),
        "a section needs CSS"
    );
}
