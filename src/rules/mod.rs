//! The pre-call checks. Placeholder until the rules land: everything is "not verified".

use chrono::{DateTime, Utc};

use crate::model::*;

/// Everything the core needs for one assessment. The core never reads the clock: `now` is here.
#[derive(Debug, Clone)]
pub struct Request {
    pub snapshot: Snapshot,
    pub config: Config,
    pub now: DateTime<Utc>,
    pub purpose: Option<Purpose>,
    /// The extension's own call log for this patient, counted together with the MIS log.
    pub own_log: Option<Vec<Communication>>,
    /// Sections that could not be understood (already removed from the snapshot).
    pub problems: Vec<InputProblem>,
}

pub fn assess(request: &Request, zones: &dyn Zones) -> Result<Assessment, ContractError> {
    if !zones.is_known(&request.config.timezone) {
        return Err(ContractError {
            input: "config".into(),
            path: "timezone".into(),
            line: 0,
            column: 0,
            message: format!("unknown time zone {:?}", request.config.timezone),
        });
    }
    Ok(Assessment {
        verdict: Verdict::NotVerified,
        channel: None,
        next_window: None,
        findings: vec![],
        reasons: vec![],
        do_not_offer: vec![],
        context: serde_json::Value::Null,
        unverified: Section::ALL.into_iter().filter(|s| !request.snapshot.has(*s)).collect(),
        preferences: None,
        problems: request.problems.clone(),
    })
}
