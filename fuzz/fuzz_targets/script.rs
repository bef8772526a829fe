//! The call script and draft renderer: a clinic's templates (any text) and any card. The
//! input is `templates JSON \0 snapshot JSON`; when the second part is not JSON a demo
//! patient is used (chosen by the input's length), so the templates are always exercised.
//! Rendering must never panic, and every draft link must be one the overlay accepts (a dial
//! or messenger scheme; all card text percent-encoded).
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use precall::model::{Locale, TzDatabase};
use precall::{assess, script};

const SAFE_LINK: &[&str] =
    &["https://wa.me/", "https://api.whatsapp.com/", "https://t.me/", "sms:", "mailto:", "tel:", "tg:", "viber:"];

fuzz_target!(|data: &[u8]| {
    let (templates, card) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let templates = String::from_utf8_lossy(templates);
    let value = serde_json::from_slice::<serde_json::Value>(card).ok().unwrap_or_else(|| {
        let demo = common::demo_snapshots();
        demo[data.len() % demo.len()].clone()
    });
    let mut request = common::request(value);
    for locale in [Locale::Ru, Locale::En] {
        request.config.locale = locale;
        let Ok(assessment) = assess(&request, &TzDatabase) else { return };
        for t in [None, Some(templates.as_ref())] {
            let out = script::build_with_json(&assessment, &request.snapshot, &request.config, t);
            for d in &out.drafts {
                if let Some(url) = &d.url {
                    assert!(SAFE_LINK.iter().any(|p| url.starts_with(p)), "unsafe draft link {url:?}");
                    assert!(!url.contains(char::is_whitespace), "unencoded text in {url:?}");
                }
            }
            let _ = out.to_text();
        }
    }
});
