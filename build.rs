//! Keeps only the words the core shows (`overlay_*`, `dialog_*`) of `_locales/{ru,en}/messages.json`
//! for `src/i18n.rs` to compile in: the pages' words (options, settings, reports, ...) would
//! only make the .wasm larger. A file that is not valid JSON fails the build.
use std::{env, fs, path::Path};

fn main() {
    let out = env::var("OUT_DIR").expect("OUT_DIR");
    for lang in ["ru", "en"] {
        let path = format!("_locales/{lang}/messages.json");
        println!("cargo:rerun-if-changed={path}");
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let all: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        let kept: serde_json::Map<String, serde_json::Value> = all
            .into_iter()
            .filter(|(k, _)| k.starts_with("overlay_") || k.starts_with("dialog_"))
            .map(|(k, v)| {
                let message = v["message"].as_str().unwrap_or_else(|| panic!("{path}: {k} has no message")).to_string();
                (k, serde_json::Value::String(message))
            })
            .collect();
        fs::write(Path::new(&out).join(format!("messages.{lang}.json")), serde_json::to_string(&kept).unwrap())
            .expect("write the core's messages");
    }
}
