//! Keeps only the words the core shows (`overlay_*`, `dialog_*`) of `_locales/{ru,en}/messages.json`
//! for `src/i18n.rs` to compile in, as sorted Rust tables (nothing to parse at run time): the
//! pages' words (options, settings, reports, ...) would only make the .wasm larger. The built-in profiles (`profiles/*.json`) are compiled in
//! without their whitespace, and for the page core also without their `note`s (they only
//! document the selectors). A file that is not valid JSON fails the build.
use std::{env, fs, path::Path};

/// `value` without its `note` keys, at every depth.
fn without_notes(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            map.into_iter().filter(|(k, _)| k != "note").map(|(k, v)| (k, without_notes(v))).collect()
        }
        serde_json::Value::Array(items) => items.into_iter().map(without_notes).collect(),
        other => other,
    }
}

fn main() {
    let out = env::var("OUT_DIR").expect("OUT_DIR");
    let profiles = Path::new(&out).join("profiles");
    fs::create_dir_all(&profiles).expect("OUT_DIR/profiles");
    for name in ["demo-mis", "gnuhealth", "generic"] {
        let path = format!("profiles/{name}.json");
        println!("cargo:rerun-if-changed={path}");
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let value: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        fs::write(profiles.join(format!("{name}.json")), serde_json::to_string(&value).unwrap()).expect("write");
        let bare = serde_json::to_string(&without_notes(value)).unwrap();
        fs::write(profiles.join(format!("{name}.bare.json")), bare).expect("write");
    }
    for lang in ["ru", "en"] {
        let path = format!("_locales/{lang}/messages.json");
        println!("cargo:rerun-if-changed={path}");
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let all: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        // A Map is sorted by key: `i18n` finds a key by binary search.
        let mut table = String::from("&[\n");
        for (k, v) in all.iter().filter(|(k, _)| k.starts_with("overlay_") || k.starts_with("dialog_")) {
            let message = v["message"].as_str().unwrap_or_else(|| panic!("{path}: {k} has no message"));
            // Debug of a str is a valid Rust string literal.
            table.push_str(&format!("    ({k:?}, {message:?}),\n"));
        }
        table.push(']');
        fs::write(Path::new(&out).join(format!("messages.{lang}.rs")), table).expect("write the core's messages");
    }
}
