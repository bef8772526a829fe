//! Extraction over arbitrary HTML with each built-in profile: no panic, the work bounded, and
//! every value within the text limit. The input is the page; a first line starting with
//! `http` is taken as the page URL (profiles match URLs and read ids from them), otherwise the
//! demo MIS card URL is used. The snapshot read from the page then goes through the lenient
//! contract reader, as in the extension.
#![no_main]

use libfuzzer_sys::fuzz_target;
use precall::extract::{
    builtin_profiles, extract, extract_or_stop, html::HtmlDom, limits, patient_key, patient_key_at, pick_profile,
    Profile,
};
use precall::model::snapshot_from_value;

const DEFAULT_URL: &str = "http://127.0.0.1:8765/patients/1001";

fn profiles() -> &'static [Profile] {
    static P: std::sync::OnceLock<Vec<Profile>> = std::sync::OnceLock::new();
    P.get_or_init(builtin_profiles)
}

fn strings_within_limit(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::String(s) => s.len() <= limits::MAX_TEXT,
        serde_json::Value::Array(a) => a.len() <= limits::MAX_ROWS && a.iter().all(strings_within_limit),
        serde_json::Value::Object(o) => o.values().all(strings_within_limit),
        _ => true,
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (url, page) = match text.split_once('\n') {
        Some((first, rest)) if first.starts_with("http") => (first, rest),
        _ => (DEFAULT_URL, text.as_ref()),
    };
    let dom = HtmlDom::parse(page);
    let profiles = profiles();
    let _ = pick_profile(profiles, url, &dom);
    let _ = pick_profile(profiles, "", &dom);
    for profile in profiles {
        let x = extract(&dom, profile, url);
        assert!(strings_within_limit(&x.snapshot), "a value over the text or row limit");
        let _ = patient_key(&dom, profile);
        let _ = patient_key_at(&dom, profile, url);
        let stopped = extract_or_stop(&dom, profile, url);
        if !x.coverage.truncated {
            assert_eq!(stopped, x, "extract_or_stop differs under the limits");
        }
        let _ = snapshot_from_value(x.snapshot);
    }
});
