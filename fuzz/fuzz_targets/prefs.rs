//! The contact-note parser must not panic on any input: arbitrary bytes read as (lossy) UTF-8,
//! very long notes, any Unicode. Several notes are tried too, split on NUL.
#![no_main]

use libfuzzer_sys::fuzz_target;
use precall::prefs::{describe, is_uncertain, parse_note, parse_notes};
use precall::{Locale, VagueWindows};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let vague = VagueWindows::default();
    let one = parse_note(&text, &vague);
    let _ = describe(&one, Locale::Ru);
    let _ = describe(&one, Locale::En);
    let _ = is_uncertain(&one);
    // Every window the parser gives is a real, non-empty range of the day.
    for w in &one.windows {
        assert!(w.from < w.to && !w.days.is_empty());
    }
    let notes: Vec<String> = text.split('\0').map(str::to_string).collect();
    let many = parse_notes(&notes, &vague);
    let _ = describe(&many, Locale::En);
});
