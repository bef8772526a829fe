//! The data contract of the core: snapshot (input), configuration, assessment (output), time.

pub mod assessment;
pub mod config;
pub mod datefmt;
pub mod objects;
pub mod snapshot;
pub mod time;

pub use assessment::*;
pub use config::*;
pub use snapshot::*;
pub use time::*;

use std::fmt;

/// A contract violation, naming the JSON path of the field and where it is in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractError {
    /// Which input ("snapshot", "config", or a file name).
    pub input: String,
    /// The JSON path of the bad field, e.g. `appointments[2].start` ("." for the whole document).
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ContractError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(
                f,
                "{}: line {}, column {}: field `{}`: {}",
                self.input, self.line, self.column, self.path, self.message
            )
        } else {
            write!(f, "{}: field `{}`: {}", self.input, self.path, self.message)
        }
    }
}

impl std::error::Error for ContractError {}

/// Parses JSON text into a contract type, strictly: the first bad field is an error.
pub fn parse_strict<T: serde::de::DeserializeOwned>(input: &str, text: &str) -> Result<T, ContractError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let result: Result<T, _> = serde_path_to_error::deserialize(&mut de);
    let value = result.map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        ContractError {
            input: input.to_string(),
            path,
            line: inner.line(),
            column: inner.column(),
            message: strip_position(&inner.to_string()),
        }
    })?;
    de.end().map_err(|e| ContractError {
        input: input.to_string(),
        path: ".".into(),
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()),
    })?;
    Ok(value)
}

fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// Why a JSON value did not read as a contract type: the path of the bad field (e.g.
/// `appointments[2].start`, empty for the value itself) and serde's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    pub path: String,
    pub message: String,
}

/// Reads a JSON value as `T`, naming the bad field when it does not fit.
///
/// This is the browser's reader (snapshots from pages, settings): serde_path_to_error, which
/// `parse_strict` uses for files, would add ~100 KB to the .wasm by wrapping every
/// `Deserialize`. Here the value is read as it is; only when that fails is the field found,
/// by reading shortened copies: a value error is raised when serde reaches the bad field,
/// so the shortest prefix of an object's keys (or of an array's items) that still fails with
/// the same message ends at the bad one. Everything reads through [`objects::Objects`], so
/// each contract type is compiled for one deserializer only.
pub fn read_value<T: serde::de::DeserializeOwned>(value: &serde_json::Value) -> Result<T, ValueError> {
    let message = match T::deserialize(objects::Objects(value)) {
        Ok(v) => return Ok(v),
        Err(e) => e.to_string(),
    };
    // A missing field is reported at the end of its object, and the message names it.
    let path = if message.starts_with("missing field") { Vec::new() } else { locate::<T>(value, &message) };
    let mut text = String::new();
    for seg in &path {
        match seg {
            Seg::Key(k) if text.is_empty() => text.push_str(k),
            Seg::Key(k) => {
                text.push('.');
                text.push_str(k);
            }
            Seg::Index(i) => {
                text.push('[');
                text.push_str(&i.to_string());
                text.push(']');
            }
        }
    }
    Err(ValueError { path: text, message })
}

enum Seg {
    Key(String),
    Index(usize),
}

fn node<'a>(v: &'a serde_json::Value, path: &[Seg]) -> Option<&'a serde_json::Value> {
    path.iter().try_fold(v, |cur, seg| match seg {
        Seg::Key(k) => cur.get(k),
        Seg::Index(i) => cur.get(*i),
    })
}

fn node_mut<'a>(v: &'a mut serde_json::Value, path: &[Seg]) -> Option<&'a mut serde_json::Value> {
    path.iter().try_fold(v, |cur, seg| match seg {
        Seg::Key(k) => cur.get_mut(k),
        Seg::Index(i) => cur.get_mut(*i),
    })
}

fn locate<T: serde::de::DeserializeOwned>(root: &serde_json::Value, message: &str) -> Vec<Seg> {
    use serde_json::Value;
    let fails_same = |v: &Value| matches!(T::deserialize(objects::Objects(v)), Err(e) if e.to_string() == message);
    let mut path: Vec<Seg> = Vec::new();
    while let Some(here) = node(root, &path) {
        let len = match here {
            Value::Object(m) => m.len(),
            Value::Array(a) => a.len(),
            _ => break,
        };
        // A copy of the root with the node at `path` cut to its first `n` entries.
        let cut = |n: usize| -> Value {
            let mut copy = root.clone();
            match node_mut(&mut copy, &path) {
                Some(Value::Object(m)) => {
                    let rest: Vec<String> = m.keys().skip(n).cloned().collect();
                    for k in rest {
                        m.remove(&k);
                    }
                }
                Some(Value::Array(a)) => a.truncate(n),
                _ => {}
            }
            copy
        };
        if len == 0 || !fails_same(&cut(len)) {
            break;
        }
        // The smallest n whose cut still fails the same way (failing is monotonic in n).
        let (mut lo, mut hi) = (1, len);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if fails_same(&cut(mid)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        let seg = match here {
            Value::Object(m) => m.keys().nth(lo - 1).map(|k| Seg::Key(k.clone())),
            _ => Some(Seg::Index(lo - 1)),
        };
        path.extend(seg);
    }
    path
}

/// Reads a snapshot leniently, section by section: a section that does not fit the contract
/// is reported and treated as not read, so the rest of the page still counts.
pub fn snapshot_from_value(value: serde_json::Value) -> (Snapshot, Vec<InputProblem>) {
    let mut problems = Vec::new();
    let serde_json::Value::Object(mut map) = value else {
        let problem = InputProblem { section: Section::Patient, message: "the snapshot is not a JSON object".into() };
        return (Snapshot::default(), vec![problem]);
    };
    let mut snapshot = Snapshot::default();
    for section in Section::ALL {
        let Some((name, v)) = map.remove_entry(section.as_str()) else { continue };
        let mut one = serde_json::Map::new();
        one.insert(name, v);
        match read_value::<Snapshot>(&serde_json::Value::Object(one)) {
            Ok(parsed) => merge_section(&mut snapshot, parsed, section),
            Err(err) => {
                problems.push(InputProblem { section, message: format!("field `{}`: {}", err.path, err.message) })
            }
        }
    }
    (snapshot, problems)
}

fn merge_section(into: &mut Snapshot, from: Snapshot, section: Section) {
    match section {
        Section::Patient => into.patient = from.patient,
        Section::Contacts => into.contacts = from.contacts,
        Section::ServiceCard => into.service_card = from.service_card,
        Section::Appointments => into.appointments = from.appointments,
        Section::Visits => into.visits = from.visits,
        Section::Refusals => into.refusals = from.refusals,
        Section::Plans => into.plans = from.plans,
        Section::Recalls => into.recalls = from.recalls,
        Section::Relatives => into.relatives = from.relatives,
        Section::Communications => into.communications = from.communications,
        Section::Feedback => into.feedback = from.feedback,
    }
}

/// Text made safe for an HTML or XML text node or a quoted attribute: the five markup
/// characters as entities, everything else as it is.
pub fn escape_markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_error_names_field_and_line() {
        let text = "{\n  \"appointments\": [\n    {\"start\": \"2025-02-30T10:00\", \"status\": \"booked\"}\n  ]\n}";
        let err = parse_strict::<Snapshot>("snapshot", text).unwrap_err();
        assert_eq!(err.path, "appointments[0].start");
        assert_eq!(err.line, 3);
        assert!(err.message.contains("2025-02-30"), "{}", err.message);
    }

    #[test]
    fn unknown_enum_value_is_an_error_naming_the_field() {
        let text = r#"{"appointments": [{"start": "2026-01-10T10:00", "status": "maybe"}]}"#;
        let err = parse_strict::<Snapshot>("snapshot", text).unwrap_err();
        assert_eq!(err.path, "appointments[0].status");
        assert!(err.message.contains("maybe"));
    }

    #[test]
    fn lenient_reading_drops_only_the_bad_section() {
        let v = serde_json::json!({
            "refusals": [],
            "visits": [{"date": "2025-02-30"}],
            "appointments": null
        });
        let (snap, problems) = snapshot_from_value(v);
        assert_eq!(snap.refusals, Some(vec![]));
        assert!(snap.visits.is_none());
        assert!(snap.appointments.is_none());
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].section, Section::Visits);
        assert!(problems[0].message.contains("visits[0].date"), "{}", problems[0].message);
    }

    #[test]
    fn read_value_names_the_bad_field_like_parse_strict() {
        let cases = [
            (
                r#"{"appointments": [{"start": "2026-01-10T10:00", "status": "booked"}, {"start": "2026-01-10T10:00", "status": "maybe"}]}"#,
                "appointments[1].status",
            ),
            (
                r#"{"plans": [{"items": [{"name": "a", "status": "done"}, {"name": "b", "status": "done", "due": "2025-02-30"}]}]}"#,
                "plans[0].items[1].due",
            ),
            (r#"{"service_card": {"consent": {"calls": "yes"}}}"#, "service_card.consent.calls"),
            (
                r#"{"visits": [{"date": "2025-01-01", "services": [{"name": "x", "price": "free"}]}]}"#,
                "visits[0].services[0].price",
            ),
        ];
        for (text, path) in cases {
            let strict = parse_strict::<Snapshot>("snapshot", text).unwrap_err();
            assert_eq!(strict.path, path);
            let value: serde_json::Value = serde_json::from_str(text).unwrap();
            let err = read_value::<Snapshot>(&value).unwrap_err();
            assert_eq!(err.path, path, "{text}");
            assert_eq!(err.message, strict.message, "{text}");
        }
        // A missing field: the message names it, the path is where it is missing.
        let value = serde_json::json!({"visits": [{"doctor": "Петрова"}]});
        let err = read_value::<Snapshot>(&value).unwrap_err();
        assert!(err.message.contains("date"), "{err:?}");
    }

    #[test]
    fn absent_null_and_empty_differ() {
        let snap: Snapshot = serde_json::from_str(r#"{"visits": [], "plans": null}"#).unwrap();
        assert!(snap.has(Section::Visits));
        assert!(!snap.has(Section::Plans));
        assert!(!snap.has(Section::Refusals));
    }
}
