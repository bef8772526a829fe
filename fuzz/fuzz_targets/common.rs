//! Shared by the check and script targets: an arbitrary snapshot (JSON) becomes a request.
//!
//! The input is a JSON object read as a snapshot, leniently (a section that does not fit is
//! "not read", as in the extension). Extra keys steer the rest of the request: `__now`
//! (RFC 3339), `__config` (the clinic configuration, any shape), `__purpose`, `__own_log`.
#![allow(dead_code)]

use chrono::{DateTime, Utc};
use precall::model::{snapshot_from_value, Communication, Config, Purpose, Section, Snapshot};
use precall::Request;

pub const NOW: &str = "2026-11-23T07:00:00Z";

pub fn request(value: serde_json::Value) -> Request {
    let now = value
        .get("__now")
        .and_then(|v| v.as_str())
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| DateTime::parse_from_rfc3339(NOW).unwrap().with_timezone(&Utc));
    let config: Config = value.get("__config").and_then(|v| serde_json::from_value(v.clone()).ok()).unwrap_or_default();
    let purpose: Option<Purpose> = value.get("__purpose").and_then(|v| serde_json::from_value(v.clone()).ok());
    let own_log: Option<Vec<Communication>> =
        value.get("__own_log").and_then(|v| serde_json::from_value(v.clone()).ok());
    let (snapshot, problems) = snapshot_from_value(value);
    Request { snapshot, config, now, purpose, own_log, problems }
}

/// Every section of the contract is in the snapshot ("read").
pub fn all_read(s: &Snapshot) -> bool {
    Section::ALL.iter().all(|sec| match sec {
        Section::Patient => s.patient.is_some(),
        Section::Contacts => s.contacts.is_some(),
        Section::ServiceCard => s.service_card.is_some(),
        Section::Appointments => s.appointments.is_some(),
        Section::Visits => s.visits.is_some(),
        Section::Refusals => s.refusals.is_some(),
        Section::Plans => s.plans.is_some(),
        Section::Recalls => s.recalls.is_some(),
        Section::Relatives => s.relatives.is_some(),
        Section::Communications => s.communications.is_some(),
        Section::Feedback => s.feedback.is_some(),
    })
}

/// The demo patients' snapshots (tests/fixtures/demo_scenarios.json), for targets that need a
/// well-formed card when the input does not give one.
pub fn demo_snapshots() -> &'static [serde_json::Value] {
    static DEMO: std::sync::OnceLock<Vec<serde_json::Value>> = std::sync::OnceLock::new();
    DEMO.get_or_init(|| {
        let v: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/fixtures/demo_scenarios.json")).unwrap();
        v["patients"].as_array().cloned().unwrap_or_default()
    })
}
