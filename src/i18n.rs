//! The extension's own words (the overlay's and the dialogs' chrome), read from the same
//! `_locales/{ru,en}/messages.json` files the manifest and the extension pages use, so every
//! fixed string a user sees lives in one place per language. `build.rs` compiles them in as
//! tables sorted by key (nothing is parsed at run time). Findings, reasons and the call script are not
//! here: they are composed from patient data by the rules and the script (and the CLI prints
//! them), so they stay in the core's code.

use crate::model::Locale;

/// `(key, message)`, sorted by key, as `build.rs` wrote them from Chrome's format.
type Table = &'static [(&'static str, &'static str)];
const RU: Table = include!(concat!(env!("OUT_DIR"), "/messages.ru.rs"));
const EN: Table = include!(concat!(env!("OUT_DIR"), "/messages.en.rs"));

fn table(locale: Locale) -> Table {
    match locale {
        Locale::Ru => RU,
        Locale::En => EN,
    }
}

fn find(locale: Locale, key: &str) -> Option<&'static str> {
    let t = table(locale);
    t.binary_search_by(|(k, _)| (*k).cmp(key)).ok().map(|i| t[i].1)
}

/// The message for `key`; the key itself if the file lacks it (a test keeps that from
/// happening; the overlay must never fail over a word).
pub fn message(locale: Locale, key: &str) -> &'static str {
    find(locale, key).unwrap_or_else(|| Box::leak(key.to_string().into_boxed_str()))
}

/// Whether both files have `key` (for the tests of every table built from them).
pub fn has(locale: Locale, key: &str) -> bool {
    find(locale, key).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_files_have_the_same_keys() {
        assert!(RU.windows(2).all(|w| w[0].0 < w[1].0), "sorted, for the binary search");
        let ru: Vec<&str> = RU.iter().map(|(k, _)| *k).collect();
        let en: Vec<&str> = EN.iter().map(|(k, _)| *k).collect();
        assert_eq!(message(Locale::Ru, ru[0]), RU[0].1);
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
