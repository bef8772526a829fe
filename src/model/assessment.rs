//! The assessment: the core's output, what the overlay and the CLI show.

use serde::{Deserialize, Serialize};

use super::snapshot::{Channel, Preferences, Section};

/// In precedence order: the first that applies wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    DoNotContact,
    NotVerified,
    Wait,
    MessageOnly,
    Call,
}

impl Verdict {
    pub const ALL: [Verdict; 5] =
        [Verdict::DoNotContact, Verdict::NotVerified, Verdict::Wait, Verdict::MessageOnly, Verdict::Call];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::DoNotContact => "do_not_contact",
            Verdict::NotVerified => "not_verified",
            Verdict::Wait => "wait",
            Verdict::MessageOnly => "message_only",
            Verdict::Call => "call",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Block,
    Warn,
    Info,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    #[serde(default)]
    pub evidence: Vec<String>,
    /// Non-empty when the check could not be made: the sections it needed were not read.
    /// Such a finding means "not verified", never "no problem".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unverified: Vec<Section>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonKind {
    AppointmentReminder,
    PlanUrgentUnstarted,
    PlanPartiallyDone,
    ControlExamDue,
    FollowupAgreed,
    HygieneDue,
    CheckupDue,
    PersonalDoctor,
}

impl ReasonKind {
    /// In the playbook's order ("Justified reasons to contact", 1-8).
    pub const ALL: [ReasonKind; 8] = [
        ReasonKind::AppointmentReminder,
        ReasonKind::PlanUrgentUnstarted,
        ReasonKind::PlanPartiallyDone,
        ReasonKind::ControlExamDue,
        ReasonKind::FollowupAgreed,
        ReasonKind::HygieneDue,
        ReasonKind::CheckupDue,
        ReasonKind::PersonalDoctor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReasonKind::AppointmentReminder => "appointment_reminder",
            ReasonKind::PlanUrgentUnstarted => "plan_urgent_unstarted",
            ReasonKind::PlanPartiallyDone => "plan_partially_done",
            ReasonKind::ControlExamDue => "control_exam_due",
            ReasonKind::FollowupAgreed => "followup_agreed",
            ReasonKind::HygieneDue => "hygiene_due",
            ReasonKind::CheckupDue => "checkup_due",
            ReasonKind::PersonalDoctor => "personal_doctor",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    pub kind: ReasonKind,
    pub message: String,
    #[serde(default)]
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DoNotOffer {
    pub service: String,
    pub why: String,
}

/// A section the page showed but the core could not understand; it is treated as not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputProblem {
    pub section: Section,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub verdict: Verdict,
    /// The channel to use now; `None` when no contact is allowed or nothing is known.
    pub channel: Option<Channel>,
    /// When contact becomes possible (RFC 3339, patient local time with offset), for `wait`.
    pub next_window: Option<String>,
    pub findings: Vec<Finding>,
    pub reasons: Vec<Reason>,
    pub do_not_offer: Vec<DoNotOffer>,
    /// Facts the administrator may be asked about; free-form, for display.
    pub context: serde_json::Value,
    /// Sections the page did not show (or that could not be understood).
    pub unverified: Vec<Section>,
    /// The contact preferences used (given, or read from the notes).
    #[serde(default)]
    pub preferences: Option<Preferences>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<InputProblem>,
}
