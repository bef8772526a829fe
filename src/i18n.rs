//! The extension's own words (the overlay's and the dialogs' chrome), read from the same
//! `_locales/{ru,en}/messages.json` files the manifest and the extension pages use, so every
//! fixed string a user sees lives in one place per language. The files are compiled in
//! (`include_str!`) and parsed once per locale. Findings, reasons and the call script are not
//! here: they are composed from patient data by the rules and the script (and the CLI prints
//! them), so they stay in the core's code.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::model::Locale;

const RU: &str = include_str!(concat!(env!("OUT_DIR"), "/messages.ru.json"));
const EN: &str = include_str!(concat!(env!("OUT_DIR"), "/messages.en.json"));

/// `{"key": "message"}`, as `build.rs` wrote it from Chrome's format.
fn parse(text: &str) -> HashMap<String, String> {
    serde_json::from_str(text).unwrap_or_default()
}

fn table(locale: Locale) -> &'static HashMap<String, String> {
    static TABLES: [OnceLock<HashMap<String, String>>; 2] = [OnceLock::new(), OnceLock::new()];
    match locale {
        Locale::Ru => TABLES[0].get_or_init(|| parse(RU)),
        Locale::En => TABLES[1].get_or_init(|| parse(EN)),
    }
}

/// The message for `key`; the key itself if the file lacks it (a test keeps that from
/// happening; the overlay must never fail over a word).
pub fn message(locale: Locale, key: &str) -> &'static str {
    match table(locale).get(key) {
        Some(m) => m.as_str(),
        None => Box::leak(key.to_string().into_boxed_str()),
    }
}

/// Whether both files have `key` (for the tests of every table built from them).
pub fn has(locale: Locale, key: &str) -> bool {
    table(locale).contains_key(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_files_have_the_same_keys() {
        let ru: std::collections::BTreeSet<&String> = table(Locale::Ru).keys().collect();
        let en: std::collections::BTreeSet<&String> = table(Locale::En).keys().collect();
        assert!(ru.len() > 50, "ru messages: {}", ru.len());
        assert_eq!(ru, en, "the two languages must have the same overlay and dialog keys");
        // Every key, the pages' too (Russian first, English equally complete).
        let keys = |lang: &str| -> std::collections::BTreeSet<String> {
            let path = format!("{}/_locales/{lang}/messages.json", env!("CARGO_MANIFEST_DIR"));
            let all: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            all.keys().cloned().collect()
        };
        let (ru, en) = (keys("ru"), keys("en"));
        assert_eq!(ru.difference(&en).collect::<Vec<_>>(), Vec::<&String>::new(), "only in ru");
        assert_eq!(en.difference(&ru).collect::<Vec<_>>(), Vec::<&String>::new(), "only in en");
    }
}
