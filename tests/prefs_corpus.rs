//! The labelled corpus of contact notes (`tests/fixtures/prefs/*.jsonl`, rules in its README):
//! every case must read as a clinic administrator reads it.

use std::path::PathBuf;
use std::time::Instant;

use precall::prefs::{parse_note, parse_notes};
use precall::{Preferences, VagueWindows};
use serde_json::Value;

const FIELDS: [&str; 8] =
    ["do_not_contact", "allowed", "forbidden", "preferred", "windows", "contact_person", "ambiguous", "unparsed"];

struct Case {
    file: String,
    line: usize,
    notes: Vec<String>,
    single: bool,
    expected: Preferences,
}

fn corpus() -> Vec<Case> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/prefs");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/prefs exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for path in files {
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let at = format!("{file}:{}", i + 1);
            let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{at}: bad JSON: {e}"));
            let obj = v.as_object().unwrap_or_else(|| panic!("{at}: not an object"));
            for key in obj.keys() {
                assert!(["note", "notes", "expected"].contains(&key.as_str()), "{at}: unknown key {key:?}");
            }
            let expected = obj.get("expected").unwrap_or_else(|| panic!("{at}: no \"expected\""));
            for key in expected.as_object().unwrap_or_else(|| panic!("{at}: expected is not an object")).keys() {
                assert!(FIELDS.contains(&key.as_str()), "{at}: unknown field {key:?} in expected");
            }
            let expected: Preferences =
                serde_json::from_value(expected.clone()).unwrap_or_else(|e| panic!("{at}: expected: {e}"));
            let (notes, single) = match (obj.get("note"), obj.get("notes")) {
                (Some(n), None) => (vec![n.as_str().unwrap_or_else(|| panic!("{at}: note")).to_string()], true),
                (None, Some(ns)) => {
                    (serde_json::from_value(ns.clone()).unwrap_or_else(|e| panic!("{at}: notes: {e}")), false)
                }
                _ => panic!("{at}: give exactly one of \"note\" and \"notes\""),
            };
            cases.push(Case { file: file.clone(), line: i + 1, notes, single, expected });
        }
    }
    cases
}

fn read(case: &Case, vague: &VagueWindows) -> Preferences {
    if case.single {
        parse_note(&case.notes[0], vague)
    } else {
        parse_notes(&case.notes, vague)
    }
}

/// Field-by-field difference, one line per field that differs.
fn diff(expected: &Preferences, actual: &Preferences) -> Vec<String> {
    let e = serde_json::to_value(expected).unwrap();
    let a = serde_json::to_value(actual).unwrap();
    FIELDS
        .iter()
        .filter(|f| e[**f] != a[**f])
        .map(|f| format!("    {f}:\n      expected {}\n      actual   {}", e[*f], a[*f]))
        .collect()
}

#[test]
fn every_corpus_case_reads_as_labelled() {
    let vague = VagueWindows::default();
    let cases = corpus();
    let mut failures = Vec::new();
    for case in &cases {
        let actual = read(case, &vague);
        let d = diff(&case.expected, &actual);
        if !d.is_empty() {
            failures.push(format!("{}:{} {:?}\n{}", case.file, case.line, case.notes, d.join("\n")));
        }
    }
    println!("prefs corpus: {} cases, {} failing", cases.len(), failures.len());
    assert!(cases.len() >= 400, "the corpus must hold at least 400 notes, has {}", cases.len());
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[test]
fn parse_time_per_note() {
    let vague = VagueWindows::default();
    let cases = corpus();
    let rounds = 20;
    // Warm the vocabulary tables once.
    let _ = parse_note("только вацап", &vague);
    let started = Instant::now();
    let mut notes = 0usize;
    for _ in 0..rounds {
        for case in &cases {
            std::hint::black_box(read(case, &vague));
            notes += 1;
        }
    }
    let per_note = started.elapsed().as_secs_f64() * 1e6 / notes as f64;
    println!("prefs parse time: {per_note:.1} µs per note (mean over {notes} parses, {} cases)", cases.len());
}

#[test]
fn long_notes_and_odd_unicode_do_not_break_the_reader() {
    let vague = VagueWindows::default();
    let mut long = String::new();
    while long.len() < 200_000 {
        long.push_str("только вацап, в будни с 12 до 15; не звонить!!! 🚫📞 İİ ﷽ 12:00-15:00 пн/ср/пт ");
    }
    let started = Instant::now();
    let p = parse_note(&long, &vague);
    println!("prefs long note: {} bytes in {:?}", long.len(), started.elapsed());
    assert_eq!(p.allowed, vec![precall::Channel::Whatsapp]);
    for odd in [
        "\u{0301}\u{200d}\u{202e}",
        "İ",
        "ǅ",
        "🇷🇺🇷🇺",
        "\u{0}",
        "- - - / / ,,,",
        "99999999999999999999999",
        "с 24:00 до 24:00",
    ] {
        let p = parse_note(odd, &vague);
        assert!(p.windows.iter().all(|w| w.from < w.to), "{odd:?}");
    }
}
