//! Engine tests on small pages of our own (the demo MIS fixtures are in tests/extract_fixtures.rs).

use serde_json::json;

use super::html::HtmlDom;
use super::*;
use crate::model::snapshot_from_value;

fn profile(v: serde_json::Value) -> Profile {
    let p: Profile = serde_json::from_value(v).unwrap();
    p.validate().unwrap();
    p
}

fn run(html: &str, p: &Profile) -> Extraction {
    extract(&HtmlDom::parse(html), p, "https://mis.example/patients/p-7?tab=card")
}

#[test]
fn missing_section_is_absent_and_empty_section_is_an_empty_list() {
    let p = profile(json!({
        "name": "t",
        "sections": {
            "visits": {"root": "#visits", "rows": "tr.visit", "fields": {"date": {"from": ["td.date"], "norm": "date", "required": true}}},
            "refusals": {"root": "#refusals", "rows": "li", "fields": {"service": {"from": ["li"]}}},
            "plans": {"root": ["#plans", ".plans"], "rows": ".plan", "fields": {"doctor": {"from": [".doc"]}}}
        }
    }));
    let x = run("<div id=visits><table><tr><td>Нет визитов</td></tr></table></div><div id=refusals></div>", &p);
    assert_eq!(x.snapshot, json!({"schema": SNAPSHOT_SCHEMA, "visits": [], "refusals": []}));
    let (snap, problems) = snapshot_from_value(x.snapshot.clone());
    assert!(problems.is_empty());
    assert_eq!(snap.visits, Some(vec![]));
    assert!(snap.plans.is_none());
    let plans = x.coverage.section(Section::Plans).unwrap();
    assert!(!plans.found && plans.configured);
    assert_eq!(plans.reason.as_deref(), Some("root not found"));
    assert!(!x.coverage.section(Section::Feedback).unwrap().configured);
    assert_eq!(x.coverage.sections.len(), Section::ALL.len());
}

#[test]
fn css_alternatives_first_match_wins_and_coverage_names_it() {
    let p = profile(json!({
        "name": "t",
        "sections": {"patient": {"root": ".card", "fields": {
            "full_name": {"from": [".fio-new", ".fio", "h1"]},
            "birth_date": {"from": [".dob"], "norm": "date"},
            "id": {"from": [{"url_after": "/patients/"}]}
        }}}
    }));
    let x = run("<div class=card><h1>Иванова Анна</h1><span class=fio> Иванова\n Анна  Петровна </span><span class=dob>31.02.1990</span></div>", &p);
    assert_eq!(x.snapshot["patient"], json!({"full_name": "Иванова Анна Петровна", "id": "p-7"}));
    let cov = x.coverage.section(Section::Patient).unwrap();
    let name = cov.field("full_name").unwrap();
    assert_eq!(name.hits, vec![Hit { alternative: 2, source: "css .fio".into(), count: 1 }]);
    let dob = cov.field("birth_date").unwrap();
    assert_eq!((dob.invalid, dob.invalid_example.as_deref()), (1, Some("31.02.1990")));
    assert_eq!(cov.root.as_deref(), Some("#1 .card"));
}

#[test]
fn labels_in_common_layouts() {
    let p = profile(json!({
        "name": "t",
        "sections": {"patient": {"fields": {
            "full_name": {"from": [{"label": ["ФИО", "Пациент"]}]},
            "birth_date": {"from": [{"label": "Дата рождения"}], "norm": "date"},
            "sex": {"from": [{"label": "Пол"}], "map": {"женский": "female", "мужской": "male", "ж": "female", "м": "male"}},
            "timezone": {"from": [{"label": "Часовой пояс"}]},
            "family": {"from": [{"label": "Фамилия"}]},
            "given": {"from": [{"label": "Имя"}]},
            "patronymic": {"from": [{"label": "Отчество"}]},
            "id": {"from": [{"label": "Карта №"}]}
        }}}
    }));
    let html = r#"
      <dl><dt>Пациент:</dt><dd>Петров Пётр</dd></dl>
      <table><tr><th>Дата рождения</th><td>01.02.1985</td></tr></table>
      <label for=sex>Пол</label><select id=sex><option value=1>мужской</option><option value=2 selected>женский</option></select>
      <p><b>Часовой пояс:</b> Europe/Samara</p>
      <div>Фамилия: Петрова</div>
      <label>Имя <input value="Анна"></label>
      <div class=row><span>Отчество</span><span>Ивановна</span></div>
      <div>Карта № <span>A-17</span></div>"#;
    let x = run(html, &p);
    assert_eq!(
        x.snapshot["patient"],
        json!({"full_name": "Петров Пётр", "birth_date": "1985-02-01", "sex": "female", "timezone": "Europe/Samara",
               "family": "Петрова", "given": "Анна", "patronymic": "Ивановна", "id": "A-17"})
    );
}

#[test]
fn tables_by_header_with_colspan_and_placeholders() {
    let p = profile(json!({
        "name": "t",
        "sections": {"appointments": {"root": "#appts", "rows": "tbody tr", "fields": {
            "start": {"from": [{"column": ["Дата и время", "Дата"]}], "norm": "datetime", "required": true},
            "doctor": {"from": [{"column": "Врач", "css": ".name"}, {"column": "Врач"}]},
            "service": {"from": [{"column": "Услуга"}]},
            "status": {"from": [{"column": "Статус", "read": "attr:data-status"}, {"column": "Статус"}],
                       "map": {"записан": "booked", "подтверждена": "confirmed", "отменена": "cancelled", "неявка": "noshow", "не подтверждена": "booked"},
                       "required": true}
        }}}
    }));
    let html = r#"<div id=appts><table>
      <thead><tr><th colspan=2>Дата</th><th>Врач</th><th>Услуга</th><th>Статус</th></tr></thead>
      <tbody>
        <tr><td>26.11.2026 14:00</td><td>каб. 3</td><td><span class=name>Смирнов А.</span> (терапевт)</td><td>Осмотр</td><td data-status="confirmed">✓</td></tr>
        <tr><td>27.11.2026 9:30</td><td></td><td>Ким О.</td><td>Чистка</td><td>Не подтверждена</td></tr>
        <tr><td colspan=5>Больше записей нет</td></tr>
        <tr><td>вчера</td><td></td><td>Ким О.</td><td></td><td>Перенесена</td></tr>
      </tbody></table></div>"#;
    let x = run(html, &p);
    assert_eq!(
        x.snapshot["appointments"],
        json!([
            {"start": "2026-11-26T14:00", "doctor": "Смирнов А.", "service": "Осмотр", "status": "confirmed"},
            {"start": "2026-11-27T09:30", "doctor": "Ким О.", "status": "booked", "service": "Чистка"},
            {"start": "вчера", "doctor": "Ким О.", "status": "Перенесена"}
        ])
    );
    // The bad row makes the section fail the contract (reported), instead of vanishing.
    let (snap, problems) = snapshot_from_value(x.snapshot.clone());
    assert!(snap.appointments.is_none());
    assert_eq!(problems.len(), 1);
    let cov = x.coverage.section(Section::Appointments).unwrap();
    assert_eq!(cov.rows, Some(3));
    let status = cov.field("status").unwrap();
    assert_eq!(status.hits.iter().map(|h| (h.alternative, h.count)).collect::<Vec<_>>(), vec![(1, 1), (2, 2)]);
    assert_eq!(status.invalid, 1, "{status:?}");
}

#[test]
fn nested_lists_lists_of_values_channels_and_booleans() {
    let p = profile(json!({
        "name": "t",
        "sections": {
            "contacts": {"root": "#contacts", "rows": ".contact", "fields": {
                "value": {"from": [".value"], "norm": "phone", "required": true},
                "kind": {"from": [{"sibling": "value"}], "norm": "contact_kind"},
                "owner": {"from": [".owner"], "default": "self", "map": {"мама": "mother", "сам": "self"}},
                "messengers": {"from": [{"css": ".msg", "read": "attr:title"}], "all": true, "norm": "channel", "default": []},
                "primary": {"from": [{"css": ".primary", "read": "exists"}]}
            }},
            "visits": {"root": "#visits", "rows": ".visit", "fields": {
                "date": {"from": [".date"], "norm": "date"},
                "services": {"root": "ul", "rows": "li", "fields": {
                    "name": {"from": [".n"]},
                    "price": {"from": [".p"], "norm": "price"},
                    "discount_pct": {"from": [".d"], "norm": "percent"}
                }}
            }},
            "service_card": {"root": "#card", "fields": {
                "notes": {"from": [".note"], "all": true},
                "do_not_contact": {"from": [{"label": "Не беспокоить"}], "norm": "bool"},
                "consent": {"root": ".consent", "fields": {
                    "calls": {"from": [{"label": "Звонки"}], "norm": "bool"},
                    "messages": {"from": [{"label": "Сообщения"}], "norm": "bool"},
                    "advertising": {"from": ["input[name=ads]"]}
                }}
            }},
            "relatives": {"root": "#rel", "rows": "li", "fields": {
                "name": {"from": [".n"]},
                "due": {"from": [".due"], "split": ",;", "map": {"гигиена": "hygiene", "осмотр": "checkup"}}
            }}
        }
    }));
    let html = r#"
      <div id=contacts>
        <div class=contact><span class=value> +7 (900) 123-45-67 </span><span class=owner>сам</span>
          <i class=msg title="WhatsApp"></i><i class=msg title="Telegram"></i><i class=msg title="WhatsApp"></i><b class=primary>основной</b></div>
        <div class=contact><span class=value>anna@example.ru</span></div>
        <div class=contact><span class=value>+7 900 000-00-00</span><span class=owner>Мама</span></div>
      </div>
      <div id=visits><div class=visit><span class=date>01.10.2026</span>
        <ul><li><span class=n>Чистка</span><span class=p>4 500,00 руб.</span><span class=d>10 %</span></li><li><span class=n>Осмотр</span><span class=p>бесплатно</span></li></ul></div></div>
      <div id=card><p class=note>Звонить после 18</p><p class=note>Только WhatsApp</p>
        <div>Не беспокоить: нет</div>
        <div class=consent><div>Звонки: да</div><div>Сообщения: не указано</div><input type=checkbox name=ads checked></div></div>
      <ul id=rel><li><span class=n>Сын</span><span class=due>Гигиена; осмотр</span></li></ul>"#;
    let x = run(html, &p);
    assert_eq!(
        x.snapshot["contacts"],
        json!([
            {"value": "+7 (900) 123-45-67", "kind": "phone", "owner": "self", "messengers": ["whatsapp", "telegram"], "primary": true},
            {"value": "anna@example.ru", "kind": "email", "owner": "self", "messengers": [], "primary": false},
            {"value": "+7 900 000-00-00", "kind": "phone", "owner": "mother", "messengers": [], "primary": false}
        ])
    );
    assert_eq!(
        x.snapshot["visits"],
        json!([{"date": "2026-10-01", "services": [{"name": "Чистка", "price": 4500, "discount_pct": 10}, {"name": "Осмотр"}]}])
    );
    assert_eq!(
        x.snapshot["service_card"],
        json!({"notes": ["Звонить после 18", "Только WhatsApp"], "do_not_contact": false,
               "consent": {"calls": true, "messages": null, "advertising": true}})
    );
    assert_eq!(x.snapshot["relatives"], json!([{"name": "Сын", "due": ["hygiene", "checkup"]}]));
    let (_, problems) = snapshot_from_value(x.snapshot.clone());
    assert!(problems.is_empty(), "{problems:?}");
    let price = x.coverage.section(Section::Visits).unwrap().field("services.price").unwrap().clone();
    assert_eq!((price.invalid, price.hits[0].count), (1, 2));
}

#[test]
fn absent_if_placeholder_means_not_read() {
    let p = profile(
        json!({"name": "t", "sections": {"plans": {"root": "#plans", "absent_if": ".no-access", "rows": ".plan", "fields": {"doctor": {"from": [".d"]}}}}}),
    );
    let x = run("<div id=plans><p class=no-access>Нет доступа</p></div>", &p);
    assert_eq!(x.snapshot, json!({"schema": SNAPSHOT_SCHEMA}));
    assert!(x.coverage.section(Section::Plans).unwrap().reason.as_deref().unwrap().contains("absent_if"));
}

#[test]
fn form_controls_and_templates_and_invalid_selectors() {
    let p = profile(json!({"name": "t", "sections": {"patient": {"fields": {
        "full_name": {"from": ["textarea#fio"]},
        "given": {"from": ["::garbage((", "input#given"]},
        "family": {"from": [{"css": "select#fam", "read": "value"}]},
        "patronymic": {"from": [".hidden-in-template", ".p"]}
    }}}}));
    let html = r#"<textarea id=fio>
      Анна   Ким</textarea><input id=given value=" Анна "><select id=fam><option value=kim>Ким</option></select>
      <template><span class=hidden-in-template>Фальшивая</span></template><span class=p>Олеговна</span>"#;
    let x = run(html, &p);
    assert_eq!(
        x.snapshot["patient"],
        json!({"full_name": "Анна Ким", "given": "Анна", "family": "kim", "patronymic": "Олеговна"})
    );
}

#[test]
fn hostile_pages_are_bounded() {
    let p = profile(json!({"name": "t", "sections": {
        "refusals": {"root": "#r", "rows": "li", "fields": {"service": {"from": [{"read": "text"}]}}},
        "patient": {"fields": {"full_name": {"from": [".name"]}, "given": {"from": [{"label": "Имя"}]}}}
    }}));
    let mut html = String::from("<ul id=r>");
    for i in 0..(limits::MAX_ROWS + 50) {
        html.push_str(&format!("<li>u{i}</li>"));
    }
    html.push_str("</ul><span class=name>");
    html.push_str(&"Я".repeat(100_000));
    html.push_str("</span>");
    html.push_str(&"<div>".repeat(3000));
    let x = run(&html, &p);
    assert_eq!(x.snapshot["refusals"].as_array().unwrap().len(), limits::MAX_ROWS);
    assert!(x.coverage.truncated);
    assert!(x.snapshot["patient"]["full_name"].as_str().unwrap().len() <= limits::MAX_TEXT);
}

#[test]
fn extract_or_stop_stops_at_the_first_limit() {
    let p = profile(json!({"name": "t", "sections": {
        "refusals": {"root": "#r", "rows": "li", "fields": {"service": {"from": [{"read": "text"}]}}},
        "feedback": {"root": "#f", "rows": "li", "fields": {"text": {"from": [{"read": "text"}]}}}
    }}));
    let mut html = String::from("<ul id=r>");
    for i in 0..(limits::MAX_ROWS + 1) {
        html.push_str(&format!("<li>u{i}</li>"));
    }
    html.push_str("</ul><ul id=f><li>ok</li></ul>");
    let dom = HtmlDom::parse(&html);
    let x = extract_or_stop(&dom, &p, "");
    assert!(x.coverage.truncated);
    assert_eq!(x.snapshot["refusals"], json!([]), "the rows are not read");
    assert_eq!(x.snapshot.get("feedback"), None, "nothing after the limit is read");
    // Under the limits it reads what extract reads.
    let small = HtmlDom::parse("<ul id=r><li>a</li></ul><ul id=f><li>b</li></ul>");
    assert_eq!(extract_or_stop(&small, &p, ""), extract(&small, &p, ""));
}

#[test]
fn garbage_input_never_panics() {
    let p = builtin_profiles();
    let pages = [
        "",
        "<",
        "<table><tr><td colspan=99999999999>x",
        "\u{0}\u{202e}<div id=x>",
        "<select><option selected></select>",
    ];
    for page in pages {
        for prof in &p {
            let dom = HtmlDom::parse(page);
            let _ = extract(&dom, prof, "");
            let _ = patient_key(&dom, prof);
        }
    }
}

#[test]
fn patient_key_and_profile_picking() {
    let a = profile(json!({"name": "a", "urls": ["/other/*"], "sections": {}}));
    let b = profile(
        json!({"name": "b", "urls": ["/patients/*"], "signature": ["#card", ".pid"], "patient_key": [{"css": ".pid", "read": "attr:data-id"}], "sections": {}}),
    );
    let c =
        profile(json!({"name": "c", "sections": {"patient": {"root": "#card", "fields": {"id": {"from": [".pid"]}}}}}));
    let profiles = vec![a, b, c];
    let dom = HtmlDom::parse("<div id=card><span class=pid data-id=42>№ 42</span></div>");
    assert_eq!(pick_profile(&profiles, "http://h/patients/42", &dom).unwrap().name, "b");
    assert_eq!(pick_profile(&profiles, "http://h/schedule", &dom).unwrap().name, "c");
    let other = HtmlDom::parse("<div id=card></div>");
    assert_eq!(pick_profile(&profiles, "http://h/patients/42", &other).unwrap().name, "c");
    // No URL (a saved page): the signature alone decides.
    assert_eq!(pick_profile(&profiles, "", &dom).unwrap().name, "a");
    assert_eq!(pick_profile(&profiles[1..], "", &dom).unwrap().name, "b");
    assert_eq!(patient_key(&dom, &profiles[1]).as_deref(), Some("42"));
    assert_eq!(patient_key(&dom, &profiles[2]).as_deref(), Some("№ 42"));
    assert_eq!(patient_key(&other, &profiles[2]), None);
}

#[test]
fn builtin_profiles_parse() {
    assert_eq!(builtin_profiles().len(), BUILTIN_PROFILE_SOURCES.len());
    for (name, text) in BUILTIN_PROFILE_SOURCES {
        let p = Profile::from_json(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(&p.name, name);
        // What build.rs compiled in is the file, minified.
        let file = std::fs::read_to_string(format!("{}/profiles/{name}.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
        assert_eq!(p, Profile::from_json(&file).unwrap(), "{name}");
        assert!(text.len() < file.len(), "{name}: not minified");
    }
}

#[test]
fn word_after_map_contains_and_url_param() {
    let p = profile(json!({"name": "t", "sections": {
        "patient": {"fields": {
            "family": {"from": [".fio"], "word": 0},
            "given": {"from": [".fio"], "word": 1},
            "patronymic": {"from": [".fio"], "word": -1},
            "id": {"from": [{"url_param": "tab"}]},
            "timezone": {"from": [{"css": ".tz", "after": ":"}]}
        }},
        "appointments": {"root": "#a", "rows": "li", "fields": {
            "start": {"from": [".s"], "norm": "datetime_us"},
            "status": {"from": [".st"], "map": {"подтверждена": "confirmed", "не подтверждена": "booked"}, "map_contains": true}
        }}
    }}));
    let html = r#"<span class=fio>Ким Анна Олеговна</span><span class=tz>Пояс: Europe/Berlin</span>
        <ul id=a><li><span class=s>11/26/2026 2:00 PM</span><span class=st>Подтверждена (SMS)</span></li>
                 <li><span class=s>11/27/2026 9:00 AM</span><span class=st>Не подтверждена, звонили</span></li></ul>"#;
    let x = run(html, &p);
    assert_eq!(
        x.snapshot["patient"],
        json!({"family": "Ким", "given": "Анна", "patronymic": "Олеговна", "id": "card", "timezone": "Europe/Berlin"})
    );
    assert_eq!(
        x.snapshot["appointments"],
        json!([{"start": "2026-11-26T14:00", "status": "confirmed"}, {"start": "2026-11-27T09:00", "status": "booked"}])
    );
}
