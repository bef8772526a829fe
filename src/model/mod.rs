//! The data contract of the core: snapshot (input), configuration, assessment (output), time.

pub mod assessment;
pub mod config;
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
            write!(f, "{}: line {}, column {}: field `{}`: {}", self.input, self.line, self.column, self.path, self.message)
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

/// Reads a snapshot leniently, section by section: a section that does not fit the contract
/// is reported and treated as not read, so the rest of the page still counts.
pub fn snapshot_from_value(value: serde_json::Value) -> (Snapshot, Vec<InputProblem>) {
    let mut problems = Vec::new();
    let serde_json::Value::Object(map) = value else {
        let problem = InputProblem { section: Section::Patient, message: "the snapshot is not a JSON object".into() };
        return (Snapshot::default(), vec![problem]);
    };
    let mut snapshot = Snapshot::default();
    for section in Section::ALL {
        let Some(v) = map.get(section.as_str()) else { continue };
        let mut one = serde_json::Map::new();
        one.insert(section.as_str().to_string(), v.clone());
        match serde_path_to_error::deserialize::<_, Snapshot>(serde_json::Value::Object(one)) {
            Ok(parsed) => merge_section(&mut snapshot, parsed, section),
            Err(err) => problems.push(InputProblem {
                section,
                message: format!("field `{}`: {}", err.path(), err.inner()),
            }),
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
    fn absent_null_and_empty_differ() {
        let snap: Snapshot = serde_json::from_str(r#"{"visits": [], "plans": null}"#).unwrap();
        assert!(snap.has(Section::Visits));
        assert!(!snap.has(Section::Plans));
        assert!(!snap.has(Section::Refusals));
    }
}
