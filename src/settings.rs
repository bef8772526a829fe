//! The extension's settings as a whole (issue 8): the clinic configuration, the script
//! templates, the clinic's own site profiles and the dial options, as the options page edits
//! them, a file carries them and a chain's IT pushes them by policy.
//!
//! Validation lives here, not in the options page, so the page, an imported file and a policy
//! are judged by the same rules the checks use. Every problem names its field (a JSON path
//! such as `config.calling_hours.from`) and a code; the page words the code from `_locales`
//! (`settings_err_<code>`), so a clinic reads every problem at once, beside its field.
//! Pure: the time-zone list comes through [`Zones`].

use serde::Serialize;
use serde_json::{Map, Value};

use crate::extract::Profile;
use crate::model::{ClockTime, Config, Locale, Zones};
use crate::script::Templates;

/// The top-level keys a settings object may have.
pub const KEYS: [&str; 5] = ["config", "templates", "profiles", "dial", "clock"];
/// The keys a policy may set (the trainer's clock is not a chain's business).
pub const MANAGED_KEYS: [&str; 4] = ["config", "templates", "profiles", "dial"];
/// The tag of an exported settings file.
pub const FILE_FORMAT: &str = "precall.settings";
pub const FILE_VERSION: u64 = 1;

/// One problem with one field. `args` fill the message's `$1`, `$2`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub path: String,
    pub code: &'static str,
    pub args: Vec<String>,
}

impl FieldError {
    fn new(path: &str, code: &'static str, args: &[&str]) -> Self {
        FieldError { path: path.to_string(), code, args: args.iter().map(|s| s.to_string()).collect() }
    }
}

/// Numeric settings and the range a clinic may choose (outside it the checks would be
/// meaningless: a cap of 0 blocks every call, a 20-year interval never recalls).
const NUMBERS: [(&str, u64, u64); 5] = [
    ("attempt_cap", 1, 20),
    ("cooldown_days", 0, 60),
    ("recent_full_price_days", 0, 365),
    ("checkup_interval_months", 1, 60),
    ("hygiene_interval_months", 1, 60),
];
const CALLER_FIELDS: [&str; 3] = ["name", "role", "clinic"];
const CALLER_MAX_CHARS: usize = 120;
const WINDOWS: [&str; 4] = ["morning", "lunch", "afternoon", "evening"];

/// Validates a settings object; an empty list means every field is usable as given.
/// `locale` words the template problems (the core's own words for them).
pub fn validate(settings: &Value, zones: &dyn Zones, locale: Locale) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let Some(map) = settings.as_object() else {
        errors.push(FieldError::new(".", "not_object", &[]));
        return errors;
    };
    for key in map.keys() {
        if !KEYS.contains(&key.as_str()) {
            errors.push(FieldError::new(key, "unknown_field", &[]));
        }
    }
    let config_locale = match map.get("config") {
        None | Some(Value::Null) => Locale::default(),
        Some(c) => {
            validate_config(c, zones, &mut errors);
            c.get("locale").and_then(|l| serde_json::from_value(l.clone()).ok()).unwrap_or_default()
        }
    };
    match map.get("templates") {
        None | Some(Value::Null) => {}
        Some(t) => validate_templates(t, config_locale, locale, &mut errors),
    }
    match map.get("profiles") {
        None | Some(Value::Null) => {}
        Some(Value::Array(list)) => {
            for (i, p) in list.iter().enumerate() {
                let text = match p {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                if let Err(e) = Profile::from_json(&text) {
                    errors.push(FieldError::new(&format!("profiles[{i}]"), "profile", &[&e]));
                }
            }
        }
        Some(_) => errors.push(FieldError::new("profiles", "not_list", &[])),
    }
    match map.get("dial") {
        None | Some(Value::Null) => {}
        Some(Value::Object(d)) => {
            for (k, v) in d {
                match (k.as_str(), v) {
                    ("phone_text", Value::Object(per)) => {
                        for (profile, on) in per {
                            if !on.is_boolean() {
                                errors.push(FieldError::new(&format!("dial.phone_text.{profile}"), "not_bool", &[]));
                            }
                        }
                    }
                    ("phone_text", Value::Null) => {}
                    ("phone_text", _) => errors.push(FieldError::new("dial.phone_text", "not_object", &[])),
                    (other, _) => errors.push(FieldError::new(&format!("dial.{other}"), "unknown_field", &[])),
                }
            }
        }
        Some(_) => errors.push(FieldError::new("dial", "not_object", &[])),
    }
    match map.get("clock") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) if is_rfc3339(s) => {}
        Some(_) => errors.push(FieldError::new("clock", "datetime", &[])),
    }
    errors
}

fn validate_config(config: &Value, zones: &dyn Zones, errors: &mut Vec<FieldError>) {
    let Some(map) = config.as_object() else {
        errors.push(FieldError::new("config", "not_object", &[]));
        return;
    };
    let before = errors.len();
    for (key, value) in map {
        let path = format!("config.{key}");
        match key.as_str() {
            "timezone" => match value.as_str() {
                Some(z) if !z.trim().is_empty() && zones.is_known(z) => {}
                Some(z) if z.trim().is_empty() => errors.push(FieldError::new(&path, "empty", &[])),
                Some(z) => errors.push(FieldError::new(&path, "timezone", &[z])),
                None => errors.push(FieldError::new(&path, "not_text", &[])),
            },
            "calling_hours" => range(value, &path, errors),
            "vague_windows" => match value.as_object() {
                Some(w) => {
                    for (name, r) in w {
                        let p = format!("{path}.{name}");
                        if WINDOWS.contains(&name.as_str()) {
                            range(r, &p, errors);
                        } else {
                            errors.push(FieldError::new(&p, "unknown_field", &[]));
                        }
                    }
                }
                None => errors.push(FieldError::new(&path, "not_object", &[])),
            },
            "locale" => {
                if !matches!(value.as_str(), Some("ru" | "en")) {
                    errors.push(FieldError::new(&path, "locale", &[]));
                }
            }
            "caller" => match value.as_object() {
                Some(c) => {
                    for (k, v) in c {
                        let p = format!("{path}.{k}");
                        if !CALLER_FIELDS.contains(&k.as_str()) {
                            errors.push(FieldError::new(&p, "unknown_field", &[]));
                        } else {
                            text(v, &p, false, errors);
                        }
                    }
                }
                None => errors.push(FieldError::new(&path, "not_object", &[])),
            },
            "campaigns" => match value.as_array() {
                Some(list) => {
                    for (i, c) in list.iter().enumerate() {
                        campaign(c, &format!("{path}[{i}]"), errors);
                    }
                }
                None => errors.push(FieldError::new(&path, "not_list", &[])),
            },
            other => match NUMBERS.iter().find(|(name, _, _)| *name == other) {
                Some(&(_, min, max)) => number(value, &path, min, max, errors),
                None => errors.push(FieldError::new(&path, "unknown_field", &[])),
            },
        }
    }
    // A safety net: what passed the checks above must also read as the core's configuration.
    if errors.len() == before {
        if let Err(e) = crate::model::read_value::<Config>(config) {
            let path = if e.path.is_empty() { "config".to_string() } else { format!("config.{}", e.path) };
            errors.push(FieldError::new(&path, "invalid", &[&e.message]));
        }
    }
}

/// "2026-11-23T10:00:00+03:00" (seconds and an offset required, two-digit fields): an RFC 3339
/// date-time, which the content script's `Date.parse` reads too.
fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    b.len() >= 20
        && digits(0..4)
        && digits(5..7)
        && digits(8..10)
        && digits(11..13)
        && digits(14..16)
        && digits(17..19)
        && (b[4], b[7], b[10], b[13], b[16]) == (b'-', b'-', b'T', b':', b':')
        && matches!(crate::model::datefmt::parse_date_time(s), Some((_, Some(_))))
}

/// A time range `{from, to}` in "HH:MM"; the end after the start (the checks use same-day ranges).
fn range(value: &Value, path: &str, errors: &mut Vec<FieldError>) {
    let Some(map) = value.as_object() else {
        errors.push(FieldError::new(path, "not_object", &[]));
        return;
    };
    let mut times = [None, None];
    for (i, end) in ["from", "to"].iter().enumerate() {
        let p = format!("{path}.{end}");
        match map.get(*end) {
            None | Some(Value::Null) => errors.push(FieldError::new(&p, "required", &[])),
            Some(Value::String(s)) => match ClockTime::parse(s.trim()) {
                Some(t) => times[i] = Some(t),
                None => errors.push(FieldError::new(&p, "time", &[s])),
            },
            Some(_) => errors.push(FieldError::new(&p, "time", &[])),
        }
    }
    for k in map.keys() {
        if k != "from" && k != "to" {
            errors.push(FieldError::new(&format!("{path}.{k}"), "unknown_field", &[]));
        }
    }
    if let [Some(from), Some(to)] = times {
        if from >= to {
            errors.push(FieldError::new(&format!("{path}.to"), "order", &[&from.to_string(), &to.to_string()]));
        }
    }
}

fn number(value: &Value, path: &str, min: u64, max: u64, errors: &mut Vec<FieldError>) {
    match value.as_u64() {
        Some(n) if (min..=max).contains(&n) => {}
        _ if value.is_number() && value.as_f64().is_some_and(|f| f.fract() == 0.0 && f >= 0.0) => {
            errors.push(FieldError::new(path, "range", &[&min.to_string(), &max.to_string()]))
        }
        _ => errors.push(FieldError::new(path, "whole_number", &[&min.to_string(), &max.to_string()])),
    }
}

fn text(value: &Value, path: &str, required: bool, errors: &mut Vec<FieldError>) {
    match value {
        Value::Null if !required => {}
        Value::String(s) if s.trim().is_empty() && required => errors.push(FieldError::new(path, "empty", &[])),
        Value::String(s) if s.chars().count() > CALLER_MAX_CHARS => {
            errors.push(FieldError::new(path, "too_long", &[&CALLER_MAX_CHARS.to_string()]))
        }
        Value::String(_) => {}
        _ => errors.push(FieldError::new(path, "not_text", &[])),
    }
}

fn campaign(value: &Value, path: &str, errors: &mut Vec<FieldError>) {
    let Some(map) = value.as_object() else {
        errors.push(FieldError::new(path, "not_object", &[]));
        return;
    };
    text(map.get("name").unwrap_or(&Value::Null), &format!("{path}.name"), true, errors);
    if !map.contains_key("name") {
        errors.push(FieldError::new(&format!("{path}.name"), "empty", &[]));
    }
    for (k, v) in map {
        let p = format!("{path}.{k}");
        match k.as_str() {
            "name" => {}
            "services" => match v.as_array() {
                Some(list) => {
                    for (i, s) in list.iter().enumerate() {
                        text(s, &format!("{p}[{i}]"), true, errors);
                    }
                }
                None if v.is_null() => {}
                None => errors.push(FieldError::new(&p, "not_list", &[])),
            },
            "discount_pct" => match v {
                Value::Null => {}
                Value::Number(n) if n.as_f64().is_some_and(|d| d > 0.0 && d <= 100.0) => {}
                _ => errors.push(FieldError::new(&p, "percent", &[])),
            },
            _ => errors.push(FieldError::new(&p, "unknown_field", &[])),
        }
    }
}

/// Templates as JSON text or an object; every broken key is its own problem.
fn validate_templates(value: &Value, config_locale: Locale, locale: Locale, errors: &mut Vec<FieldError>) {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Object(_) => value.to_string(),
        _ => {
            errors.push(FieldError::new("templates", "not_object", &[]));
            return;
        }
    };
    match Templates::from_json(&text) {
        Err(e) => errors.push(FieldError::new("templates", "template", &[&e.message(locale)])),
        Ok(t) => {
            if t.locale() != config_locale {
                let (a, b) = (locale_code(t.locale()), locale_code(config_locale));
                errors.push(FieldError::new("templates", "template_locale", &[a, b]));
            }
            for p in t.problems() {
                errors.push(FieldError::new(&format!("templates.{}", p.key), "template", &[&p.message(locale)]));
            }
        }
    }
}

fn locale_code(l: Locale) -> &'static str {
    match l {
        Locale::Ru => "ru",
        Locale::En => "en",
    }
}

/// The settings in force: the policy's values over the user's, object by object (a list or a
/// single value from the policy replaces the user's whole), and the paths the policy set, which
/// the options page shows locked. Only [`MANAGED_KEYS`] are taken from the policy.
pub fn effective(user: &Value, managed: &Value) -> (Value, Vec<String>) {
    let mut out = match user {
        Value::Object(m) => m.clone(),
        _ => Map::new(),
    };
    let mut locked = Vec::new();
    if let Value::Object(policy) = managed {
        for key in MANAGED_KEYS {
            if let Some(v) = policy.get(key).filter(|v| !v.is_null()) {
                let slot = out.entry(key.to_string()).or_insert(Value::Null);
                overlay(slot, v, key, &mut locked);
            }
        }
    }
    (Value::Object(out), locked)
}

fn overlay(slot: &mut Value, policy: &Value, path: &str, locked: &mut Vec<String>) {
    match (slot, policy) {
        (slot @ Value::Object(_), Value::Object(p)) | (slot @ Value::Null, Value::Object(p)) if !p.is_empty() => {
            if slot.is_null() {
                *slot = Value::Object(Map::new());
            }
            let Value::Object(m) = slot else { unreachable!() };
            for (k, v) in p {
                if v.is_null() {
                    continue;
                }
                let s = m.entry(k.clone()).or_insert(Value::Null);
                overlay(s, v, &format!("{path}.{k}"), locked);
            }
        }
        (slot, v) => {
            *slot = v.clone();
            locked.push(path.to_string());
        }
    }
}

/// The file the options page exports: the tag, the version and the settings (no trainer clock).
pub fn export(settings: &Value) -> String {
    let mut out = Map::new();
    out.insert("format".into(), Value::from(FILE_FORMAT));
    out.insert("version".into(), Value::from(FILE_VERSION));
    if let Value::Object(m) = settings {
        for key in MANAGED_KEYS {
            if let Some(v) = m.get(key).filter(|v| !v.is_null()) {
                out.insert(key.to_string(), v.clone());
            }
        }
    }
    serde_json::to_string_pretty(&Value::Object(out)).unwrap_or_default()
}

/// Reads an exported file: the settings in it, or why it cannot be used (then nothing is taken).
pub fn import(text: &str, zones: &dyn Zones, locale: Locale) -> Result<Value, Vec<FieldError>> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| vec![FieldError::new(".", "json", &[&e.line().to_string(), &e.column().to_string()])])?;
    let Value::Object(mut map) = value else { return Err(vec![FieldError::new(".", "not_object", &[])]) };
    if map.get("format").and_then(Value::as_str) != Some(FILE_FORMAT) {
        return Err(vec![FieldError::new("format", "format", &[FILE_FORMAT])]);
    }
    if map.get("version").and_then(Value::as_u64) != Some(FILE_VERSION) {
        return Err(vec![FieldError::new("version", "version", &[&FILE_VERSION.to_string()])]);
    }
    map.remove("format");
    map.remove("version");
    let settings = Value::Object(map);
    let errors = validate(&settings, zones, locale);
    if errors.is_empty() {
        Ok(settings)
    } else {
        Err(errors)
    }
}

/// The defaults the options page starts from: the configuration and the templates text for a locale.
pub fn defaults(locale: Locale) -> Value {
    let templates = match locale {
        Locale::Ru => crate::script::template::DEFAULT_RU,
        Locale::En => crate::script::template::DEFAULT_EN,
    };
    serde_json::json!({
        "config": serde_json::to_value(Config::default()).unwrap_or_default(),
        "templates": templates,
    })
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::model::TzDatabase;
    use serde_json::json;

    fn codes(v: Value) -> Vec<(String, &'static str)> {
        validate(&v, &TzDatabase, Locale::En).into_iter().map(|e| (e.path, e.code)).collect()
    }

    #[test]
    fn defaults_and_empty_settings_are_valid() {
        assert!(codes(json!({})).is_empty());
        let d = defaults(Locale::Ru);
        let s = json!({"config": d["config"], "templates": d["templates"]});
        assert_eq!(codes(s), vec![]);
        let d = defaults(Locale::En);
        let mut config = d["config"].clone();
        config["locale"] = json!("en");
        assert_eq!(codes(json!({"config": config, "templates": d["templates"]})), vec![]);
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let got = codes(json!({"config": {
            "timezone": "Europe/Atlantis",
            "calling_hours": {"from": "21:00", "to": "09:00"},
            "attempt_cap": 0,
            "cooldown_days": "two",
            "vague_windows": {"morning": {"from": "9", "to": "12:00"}, "night": {"from": "22:00", "to": "23:00"}},
            "caller": {"name": 5},
            "campaigns": [{"name": " ", "discount_pct": 150}],
            "locale": "de",
            "colour": "red"
        }}));
        let want = [
            ("config.timezone", "timezone"),
            ("config.calling_hours.to", "order"),
            ("config.attempt_cap", "range"),
            ("config.cooldown_days", "whole_number"),
            ("config.vague_windows.morning.from", "time"),
            ("config.vague_windows.night", "unknown_field"),
            ("config.caller.name", "not_text"),
            ("config.campaigns[0].name", "empty"),
            ("config.campaigns[0].discount_pct", "percent"),
            ("config.locale", "locale"),
            ("config.colour", "unknown_field"),
        ];
        for w in want {
            assert!(got.iter().any(|(p, c)| p == w.0 && *c == w.1), "{w:?} missing from {got:?}");
        }
        assert_eq!(got.len(), want.len(), "{got:?}");
    }

    #[test]
    fn template_problems_are_per_key_and_locale_is_checked() {
        let mut t: Value = serde_json::from_str(crate::script::template::DEFAULT_RU).unwrap();
        t["script"]["greeting"] = json!("{patient.nickname}, здравствуйте!");
        let errs = validate(&json!({"templates": t}), &TzDatabase, Locale::Ru);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].path, "templates.script.greeting");
        assert!(errs[0].args[0].contains("nickname"), "{errs:?}");
        let errs = codes(json!({"config": {"locale": "en"}, "templates": crate::script::template::DEFAULT_RU}));
        assert_eq!(errs, vec![("templates".to_string(), "template_locale")]);
        assert_eq!(codes(json!({"templates": "{not json"})), vec![("templates".to_string(), "template")]);
    }

    #[test]
    fn policy_values_win_and_are_listed_as_locked() {
        let user =
            json!({"config": {"caller": {"name": "Анна", "role": "администратор"}, "attempt_cap": 4}, "clock": "x"});
        let managed = json!({"config": {"caller": {"name": "Call centre"}, "campaigns": []}, "clock": "y", "other": 1});
        let (eff, locked) = effective(&user, &managed);
        assert_eq!(eff["config"]["caller"], json!({"name": "Call centre", "role": "администратор"}));
        assert_eq!(eff["config"]["attempt_cap"], json!(4));
        assert_eq!(eff["config"]["campaigns"], json!([]));
        assert_eq!(eff["clock"], json!("x"), "the clock is never managed");
        assert_eq!(locked, vec!["config.caller.name", "config.campaigns"]);
        let (eff, locked) = effective(&json!(null), &json!({"templates": "{}"}));
        assert_eq!(eff, json!({"templates": "{}"}));
        assert_eq!(locked, vec!["templates"]);
    }

    #[test]
    fn the_documented_policy_example_is_valid() {
        let doc = include_str!("../docs/policy.md");
        let start = doc.find("Complete example").unwrap();
        let block = &doc[start..];
        let block = &block[block.find("```json").unwrap() + 7..];
        let block = &block[..block.find("```").unwrap()];
        let value: Value = serde_json::from_str(block).unwrap();
        assert_eq!(validate(&value, &TzDatabase, Locale::En), vec![]);
        assert_eq!(value["profiles"].as_array().unwrap().len(), 1);
        let (eff, locked) = effective(&json!({"config": {"caller": {"name": "Анна"}}}), &value);
        assert_eq!(eff["config"]["caller"], json!({"name": "Анна", "clinic": "Улыбка на Ленина"}));
        assert!(locked.contains(&"profiles".to_string()) && !locked.contains(&"config.caller.name".to_string()));
    }

    #[test]
    fn the_policy_schema_declares_every_config_field() {
        let schema: Value = serde_json::from_str(include_str!("../schema/managed_storage.json")).unwrap();
        let declared: Vec<&String> = schema["properties"]["config"]["properties"].as_object().unwrap().keys().collect();
        let config = serde_json::to_value(Config::default()).unwrap();
        let fields: Vec<&String> = config.as_object().unwrap().keys().collect();
        assert_eq!(declared, fields);
        let top: Vec<&String> = schema["properties"].as_object().unwrap().keys().collect();
        let mut want: Vec<&str> = MANAGED_KEYS.to_vec();
        want.sort();
        assert_eq!(top, want);
    }

    #[test]
    fn export_then_import_gives_the_same_settings() {
        let s = json!({"config": {"attempt_cap": 2, "caller": {"name": "Ольга"}}, "profiles": [], "clock": "2026-11-23T10:00:00+03:00"});
        let text = export(&s);
        let back = import(&text, &TzDatabase, Locale::Ru).unwrap();
        assert_eq!(back, json!({"config": {"attempt_cap": 2, "caller": {"name": "Ольга"}}, "profiles": []}));
        assert_eq!(import("{", &TzDatabase, Locale::Ru).unwrap_err()[0].code, "json");
        assert_eq!(import("{\"config\": {}}", &TzDatabase, Locale::Ru).unwrap_err()[0].code, "format");
        let bad = text.replace("\"attempt_cap\": 2", "\"attempt_cap\": 99");
        assert_eq!(import(&bad, &TzDatabase, Locale::Ru).unwrap_err()[0].path, "config.attempt_cap");
    }

    #[test]
    fn the_trainer_clock_is_an_rfc3339_date_time() {
        for ok in ["2026-11-23T10:00:00+03:00", "2026-11-23T10:00:00Z", "2026-11-23T10:00:00.250-05:00"] {
            assert!(is_rfc3339(ok), "{ok}");
        }
        for bad in
            ["2026-11-23T10:00+03:00", "2026-1-5T10:00:00Z", "2026-11-23T10:00:00", "2026-11-23 10:00:00Z", "x", ""]
        {
            assert!(!is_rfc3339(bad), "{bad}");
        }
    }
}
