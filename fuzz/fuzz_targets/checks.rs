//! The checks over arbitrary snapshots: `assess` must never panic, whatever the card says
//! (and whatever the configuration), and must keep its promises: `call` only with every
//! section read; the panel is worded in both locales.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use precall::model::{Locale, TzDatabase, Verdict};
use precall::{assess, present};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let request = common::request(value);
    let Ok(assessment) = assess(&request, &TzDatabase) else { return };
    if assessment.verdict == Verdict::Call {
        assert!(common::all_read(&request.snapshot), "call with a section not read");
        assert!(assessment.unverified.is_empty(), "call with unverified sections");
    }
    for locale in [Locale::Ru, Locale::En] {
        let _ = present::panel(&assessment, &request.snapshot, locale);
    }
    let _ = serde_json::to_string(&assessment).unwrap();
});
