//! Data-driven extraction tests: every directory `tests/fixtures/extract/<profile>/<case>/`
//! holds `page.html`, `url` and `expected.json` (the snapshot the page shows, written from the
//! source's own data, not from our output). The profile is the built-in one named like the
//! parent directory, or `tests/fixtures/extract/<profile>/profile.json` when there is one.
//!
//! A case may also hold `related.json`: the replies of the related reads the profile declares
//! (section -> the MIS's JSON reply), applied as the extension applies them (clinic zone
//! Europe/Moscow).
//!
//! Each case: the profile is picked for the page, the page is extracted, the JSON goes through
//! the contract (`snapshot_from_value`, no problems allowed) and must equal the expected
//! snapshot, section by section; coverage must say "found" for exactly those sections.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use precall::extract::html::HtmlDom;
use precall::extract::{builtin_profiles, extract, patient_key, patient_key_at, pick_profile, related, Profile};
use precall::model::{parse_strict, snapshot_from_value, Section, Snapshot};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/extract")
}

fn profile_for(dir: &Path, builtin: &[Profile]) -> Profile {
    let name = dir.file_name().unwrap().to_string_lossy().to_string();
    let file = dir.join("profile.json");
    if file.exists() {
        return Profile::from_json(&fs::read_to_string(&file).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    }
    builtin
        .iter()
        .find(|p| p.name == name)
        .cloned()
        .unwrap_or_else(|| panic!("no built-in profile {name:?} for {}", dir.display()))
}

fn section_json(s: &Snapshot, section: Section) -> serde_json::Value {
    let v = serde_json::to_value(s).unwrap();
    v.get(section.as_str()).cloned().unwrap_or(serde_json::Value::Null)
}

/// Runs one case; returns the differences found (empty: pass).
fn run_case(case: &Path, profile: &Profile, builtin: &[Profile]) -> Vec<String> {
    let mut errors = Vec::new();
    let html = fs::read_to_string(case.join("page.html")).unwrap();
    let url = fs::read_to_string(case.join("url")).unwrap().trim().to_string();
    let expected_text = fs::read_to_string(case.join("expected.json")).unwrap();
    let mut expected: Snapshot =
        parse_strict("expected.json", &expected_text).unwrap_or_else(|e| panic!("{}: {e}", case.display()));

    let dom = HtmlDom::parse(&html);
    if builtin.iter().any(|p| p.name == profile.name) {
        match pick_profile(builtin, &url, &dom) {
            Some(p) if p.name == profile.name => {}
            other => errors.push(format!("pick_profile chose {:?}, want {:?}", other.map(|p| &p.name), profile.name)),
        }
    }

    let mut x = extract(&dom, profile, &url);
    assert_eq!(x.profile, profile.name);
    let related = case.join("related.json");
    if related.exists() {
        let replies: BTreeMap<String, serde_json::Value> =
            serde_json::from_str(&fs::read_to_string(&related).unwrap()).unwrap();
        // The requests the profile makes on this page are the ones whose replies were saved.
        let planned: Vec<String> =
            related::requests(&dom, profile, &url).into_iter().filter_map(|r| r.ok()).map(|r| r.section).collect();
        let saved: Vec<String> = replies.keys().cloned().collect();
        if planned != saved {
            errors.push(format!("related requests for {planned:?}, replies saved for {saved:?}"));
        }
        related::apply_replies_native(&mut x, profile, &replies, "Europe/Moscow");
    }
    let (mut got, problems) = snapshot_from_value(x.snapshot.clone());
    for p in &problems {
        errors.push(format!("contract problem in {:?}: {}", p.section, p.message));
    }
    got.schema = None;
    expected.schema = None;
    for section in Section::ALL {
        let (g, e) = (section_json(&got, section), section_json(&expected, section));
        if g != e {
            errors.push(format!(
                "section {}:\n    got      {}\n    expected {}",
                section.as_str(),
                serde_json::to_string(&g).unwrap(),
                serde_json::to_string(&e).unwrap()
            ));
        }
        let found = x.coverage.section(section).is_some_and(|c| c.found);
        if found != expected.has(section) {
            errors.push(format!(
                "coverage says {} found={found}, expected has it: {}",
                section.as_str(),
                expected.has(section)
            ));
        }
    }
    if got != expected && errors.is_empty() {
        errors.push("snapshots differ".into());
    }
    if x.coverage.truncated {
        errors.push("coverage says truncated".into());
    }

    // The patient key: the profile's key, the same id the page shows.
    let key = patient_key(&dom, profile).or_else(|| patient_key_at(&dom, profile, &url));
    if let Some(p) = &expected.patient {
        if key.as_deref() != p.id.as_deref() {
            errors.push(format!("patient_key {key:?}, expected {:?}", p.id));
        }
    }
    if key.is_none() {
        errors.push("no patient_key".into());
    }
    errors
}

#[test]
fn every_extract_fixture_matches_its_expected_snapshot() {
    let builtin = builtin_profiles();
    let mut failures = Vec::new();
    let mut count = 0;
    let mut profiles: Vec<PathBuf> =
        fs::read_dir(root()).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    profiles.sort();
    for pdir in profiles {
        let profile = profile_for(&pdir, &builtin);
        let mut cases: Vec<PathBuf> =
            fs::read_dir(&pdir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.join("page.html").exists()).collect();
        cases.sort();
        for case in cases {
            count += 1;
            let errs = run_case(&case, &profile, &builtin);
            if !errs.is_empty() {
                failures.push(format!("{}:\n  {}", case.strip_prefix(root()).unwrap().display(), errs.join("\n  ")));
            }
        }
    }
    assert!(count >= 1, "no fixtures under {}", root().display());
    assert!(failures.is_empty(), "{} of {count} fixture(s) failed:\n{}", failures.len(), failures.join("\n"));
    eprintln!("{count} extraction fixtures pass");
}

/// A page of another kind (the demo MIS's patient list) is not a patient page.
#[test]
fn the_demo_profile_does_not_claim_other_pages() {
    let builtin = builtin_profiles();
    let list = HtmlDom::parse("<table id=patient-list><tr><td><a href='/patients/1001'>Попова</a></td></tr></table>");
    assert!(pick_profile(&builtin, "http://127.0.0.1:8765/patients", &list).is_none());
    let elsewhere = HtmlDom::parse("<article class=patient-card data-patient-id=1></article>");
    assert!(pick_profile(&builtin, "http://127.0.0.1:8765/schedule", &elsewhere).is_none());
}

/// `<td class="…">` and `<dd class="…">` become bare `<td>`/`<dd>`.
fn strip_cell_classes(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    loop {
        let next = ["<td class=\"", "<dd class=\""].iter().filter_map(|pat| rest.find(pat).map(|i| (i, *pat))).min();
        let Some((i, pat)) = next else { break };
        out.push_str(&rest[..i]);
        out.push_str(&pat[..3]);
        let after = &rest[i + pat.len()..];
        let close = after.find('"').unwrap();
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The demo profile's fallbacks (table columns by header, values by label) alone read the
/// same snapshot as the MIS's own cell classes: a page variant without cell classes.
#[test]
fn demo_fallbacks_by_column_and_label_read_the_same() {
    let builtin = builtin_profiles();
    let profile = builtin.iter().find(|p| p.name == "demo-mis").unwrap();
    let dir = root().join("demo-mis");
    let mut cases: Vec<PathBuf> =
        fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.join("page.html").exists()).collect();
    cases.sort();
    for case in cases {
        let html = fs::read_to_string(case.join("page.html")).unwrap();
        let url = fs::read_to_string(case.join("url")).unwrap().trim().to_string();
        let stripped = strip_cell_classes(&html);
        assert_ne!(stripped, html);
        let a = extract(&HtmlDom::parse(&html), profile, &url);
        let b = extract(&HtmlDom::parse(&stripped), profile, &url);
        assert_eq!(a.snapshot, b.snapshot, "{}", case.display());
        // And the coverage shows the fallback was used.
        if let Some(appts) = b.coverage.section(Section::Appointments).filter(|s| s.rows.unwrap_or(0) > 0) {
            let start = appts.field("start").unwrap();
            assert_eq!(start.hits[0].alternative, 2, "{start:?}");
        }
    }
}

/// tests/web_dom.rs (the same fixtures in the browser) lists its cases by hand: it must name
/// every fixture directory.
#[test]
fn the_browser_test_lists_every_fixture() {
    let web = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/web_dom.rs")).unwrap();
    for pdir in fs::read_dir(root()).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()) {
        let profile = pdir.file_name().unwrap().to_string_lossy().to_string();
        for case in fs::read_dir(&pdir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.join("page.html").exists()) {
            let name = case.file_name().unwrap().to_string_lossy().to_string();
            let entry = format!("\"{profile}\" / \"{name}\"");
            assert!(web.contains(&entry), "tests/web_dom.rs does not list {entry}");
        }
    }
}

/// The generic profile takes a page only by its patient words (two different labels), so a
/// schedule with a "Пациент" column, a login form or a plain article is not a patient page.
#[test]
fn the_generic_profile_does_not_claim_other_pages() {
    let builtin = builtin_profiles();
    let pages = [
        "<h1>Расписание на 23.11</h1><table><tr><th>Время</th><th>Пациент</th><th>Врач</th></tr><tr><td>10:00</td><td>Иванова</td><td>Петрова</td></tr></table>",
        "<h1>Пациенты</h1><table><thead><tr><th>Карта №</th><th>ФИО</th><th>Дата рождения</th></tr></thead><tr><td>1001</td><td>Попова Анна</td><td>01.02.1990</td></tr></table>",
        "<div role=table><div role=row><div role=columnheader>ФИО</div><div role=columnheader>Дата рождения</div></div></div>",
        "<form><label for=u>Логин</label><input id=u><label for=p>Пароль</label><input id=p type=password></form>",
        "<article><h1>Patient care at our clinic</h1><p>Patient comfort comes first. Date of birth matters for vaccines.</p></article>",
    ];
    for html in pages {
        let dom = HtmlDom::parse(html);
        assert!(pick_profile(&builtin, "http://127.0.0.1:9000/x", &dom).is_none(), "{html}");
    }
    // SAO's person form has patient-like labels; on Tryton's views only the gnuhealth profile applies.
    let party = HtmlDom::parse("<label for=a>Patient</label><input id=a type=checkbox><label for=b>DoB:</label><input id=b value=01/02/1990><label for=c>Full name</label><input id=c>");
    assert_eq!(pick_profile(&builtin, "http://127.0.0.1:9000/x", &party).map(|p| p.name.as_str()), Some("generic"));
    assert!(pick_profile(&builtin, "http://127.0.0.1:8000/#health/model/party.party/4", &party).is_none());
}

/// What the generic profile could not find, it says: sections without their heading, lists
/// without rows and without a "none" marker, and the sections it has no words for.
#[test]
fn the_generic_profile_says_what_it_could_not_find() {
    let builtin = builtin_profiles();
    let generic = builtin.iter().find(|p| p.name == "generic").unwrap();
    let html = "<dl><dt>ФИО</dt><dd>Петров Пётр</dd><dt>Дата рождения</dt><dd>01.02.1980</dd></dl>\
                <h2>Записи</h2><div class=list></div><h2>Визиты</h2><p>Нет визитов</p>";
    let x = extract(&HtmlDom::parse(html), generic, "");
    let reason = |s: Section| x.coverage.section(s).and_then(|c| c.reason.clone()).unwrap_or_default();
    assert!(x.coverage.section(Section::Patient).unwrap().found);
    assert_eq!(x.snapshot["visits"], serde_json::json!([]), "the page says: none");
    assert!(x.snapshot.get("appointments").is_none(), "an empty list with no 'none' marker is not read");
    assert!(reason(Section::Appointments).contains("nothing on the page says"), "{}", reason(Section::Appointments));
    assert!(reason(Section::Contacts).contains("nothing on the page says"), "{}", reason(Section::Contacts));
    assert_eq!(reason(Section::ServiceCard), "no heading found");
    assert_eq!(reason(Section::Plans), "not in the profile");
    let patient = x.coverage.section(Section::Patient).unwrap();
    assert_eq!(patient.field("sex").unwrap().missing, 1);
}

/// The content script's cheap probe: the fingerprint changes when a section the profile reads
/// changes, and not when something else on the page does.
#[test]
fn the_fingerprint_follows_the_sections_only() {
    let builtin = builtin_profiles();
    let demo = builtin.iter().find(|p| p.name == "demo-mis").unwrap();
    let html = fs::read_to_string(root().join("demo-mis/1002-already-booked/page.html")).unwrap();
    let fp = |h: &str| precall::extract::fingerprint(&HtmlDom::parse(h), demo);
    let base = fp(&html);
    let churned = html.replace("</body>", "<ul id=ticker><li>курс 1</li><li>курс 2</li></ul></body>");
    assert_eq!(fp(&churned), base, "unrelated churn");
    let changed = html.replacen(">Записан<", ">Отменена<", 1);
    assert_ne!(changed, html);
    assert_ne!(fp(&changed), base, "an appointment's status changed");
}

/// The engine path's probe: the section roots, only when every section is found by CSS alone
/// (the content script cannot follow a heading or a label).
#[test]
fn state_probes_are_the_css_section_roots_or_nothing() {
    let builtin = builtin_profiles();
    let demo = builtin.iter().find(|p| p.name == "demo-mis").unwrap();
    let roots = precall::extract::state_probes(demo).expect("every demo-mis section has a CSS root");
    assert_eq!(roots.len(), demo.sections.len());
    assert!(roots.contains(&vec!["#patient-card #section-appointments".to_string()]), "{roots:?}");
    let generic = builtin.iter().find(|p| p.name == "generic").unwrap();
    assert_eq!(precall::extract::state_probes(generic), None, "sections found by their headings");
}
