//! The pre-call checks (PLAYBOOK.md, "The five pre-call checks", "Justified reasons",
//! "Unjustified contacts", "Attempts and cadence").
//!
//! One file per check, named by its id, registered in [`RULES`]. Each check declares the
//! sections it needs and whether it can block; when a needed section was not read, the check
//! reports "not verified" (the finding carries the missing sections), never "no problem".
//!
//! The verdict follows a fixed precedence: `do_not_contact` (any block) > `not_verified` (a
//! check that could block this contact lacked a section) > `wait` (outside every allowed
//! window, or in cooldown) > `message_only` > `call`. `call` is the all-clear, so it also
//! needs every section read: with any section unread it becomes `not_verified`.

use chrono::{DateTime, Utc};

use crate::model::*;

pub mod context;
pub mod facts;
pub mod reasons;
pub mod services;
pub mod text;
pub mod windows;

pub mod already_booked;
pub mod attempts_exceeded;
pub mod callback_requested;
pub mod channel_preference;
pub mod clinic_hours;
pub mod cooldown;
pub mod dial_channel;
pub mod do_not_contact;
pub mod negative_experience;
pub mod no_call_agreement;
pub mod no_justified_reason;
pub mod no_marketing_consent;
pub mod outside_window;
pub mod recent_full_price;
pub mod refused_service;
pub mod relative_due;
pub mod unjustified_after_consultation;

use facts::Facts;

/// Everything the core needs for one assessment. The core never reads the clock: `now` is here.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub snapshot: Snapshot,
    pub config: Config,
    pub now: DateTime<Utc>,
    pub purpose: Option<Purpose>,
    /// The extension's own call log for this patient, counted together with the MIS log.
    pub own_log: Option<Vec<Communication>>,
    /// Sections that could not be understood (already removed from the snapshot).
    pub problems: Vec<InputProblem>,
    /// The contact about to be made (the dial guard: a clicked `tel:`, WhatsApp, ... link), so
    /// the checks judge that channel and number; `None` for the overlay's general verdict.
    pub intended: Option<Intended>,
    /// Part of the extension's own log could not be read (it was set aside): attempts may be
    /// undercounted, so nothing is all-clear.
    pub own_log_unreadable: bool,
}

/// The contact the administrator is about to make.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Intended {
    pub channel: Channel,
    /// The number as the link gave it (any spelling); `None` for a messenger username.
    #[serde(default)]
    pub number: Option<String>,
}

/// When a check can block the contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blocks {
    Never,
    Always,
    /// Only for these purposes; an unknown purpose could be any of them.
    For(&'static [Purpose]),
    /// A check of the contact about to be made (`Request::intended`): it runs, and can block,
    /// only then.
    Dial,
}

/// What a finding does to the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Shown only.
    None,
    /// Do not contact (severity `block`).
    Block,
    /// Not now; contact from `until` on (or the next open window).
    Wait { until: Option<DateTime<Utc>> },
    /// At most a written message.
    MessageOnly,
}

/// One finding of a check, before the engine names the rule.
#[derive(Debug, Clone)]
pub struct Hit {
    pub severity: Severity,
    pub effect: Effect,
    pub message: String,
    pub evidence: Vec<String>,
}

/// What a check reports.
#[derive(Debug, Default)]
pub struct Out {
    pub hits: Vec<Hit>,
    pub do_not_offer: Vec<DoNotOffer>,
}

impl Out {
    pub fn push(&mut self, severity: Severity, effect: Effect, message: String, evidence: Vec<String>) {
        self.hits.push(Hit { severity, effect, message, evidence });
    }
    pub fn block(&mut self, message: String, evidence: Vec<String>) {
        self.push(Severity::Block, Effect::Block, message, evidence);
    }
    pub fn warn(&mut self, message: String, evidence: Vec<String>) {
        self.push(Severity::Warn, Effect::None, message, evidence);
    }
    pub fn info(&mut self, message: String, evidence: Vec<String>) {
        self.push(Severity::Info, Effect::None, message, evidence);
    }
}

/// A pre-call check.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// The id: also the file name `src/rules/<id>.rs` and the fixture folder.
    pub id: &'static str,
    /// Sections the check needs; when one is not read the check is "not verified".
    pub needs: &'static [Section],
    pub blocks: Blocks,
    /// Runs on what was read even when a needed section is missing (a block found in what
    /// was read still counts; otherwise the check is reported as not verified).
    pub partial: bool,
    /// What the check verifies, for the "not verified" message: (ru, en).
    pub what: (&'static str, &'static str),
    pub check: fn(&Facts, &mut Out),
}

impl Rule {
    pub fn can_block(&self, purpose: Option<Purpose>) -> bool {
        match self.blocks {
            Blocks::Never => false,
            Blocks::Always | Blocks::Dial => true,
            Blocks::For(list) => purpose.is_none_or(|p| list.contains(&p)),
        }
    }
}

/// Every check, in the order findings are listed.
pub const RULES: &[Rule] = &[
    do_not_contact::RULE,
    attempts_exceeded::RULE,
    already_booked::RULE,
    no_marketing_consent::RULE,
    refused_service::RULE,
    recent_full_price::RULE,
    negative_experience::RULE,
    cooldown::RULE,
    callback_requested::RULE,
    clinic_hours::RULE,
    outside_window::RULE,
    no_call_agreement::RULE,
    dial_channel::RULE,
    channel_preference::RULE,
    unjustified_after_consultation::RULE,
    no_justified_reason::RULE,
    relative_due::RULE,
];

pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

fn not_verified_hit(f: &Facts, rule: &Rule, missing: &[Section]) -> Hit {
    let names = missing.iter().map(|s| format!("«{}»", s.label(f.locale))).collect::<Vec<_>>().join(", ");
    let severity = if rule.can_block(f.purpose) { Severity::Warn } else { Severity::Info };
    let message = text::tr(
        f.locale,
        || format!("Не проверено: {} — не прочитан раздел {names}", rule.what.0),
        || format!("Not verified: {} — section {names} was not read", rule.what.1),
    );
    Hit { severity, effect: Effect::None, message, evidence: vec![] }
}

pub fn assess(request: &Request, zones: &dyn Zones) -> Result<Assessment, ContractError> {
    let f = Facts::new(request, zones)?;
    let mut findings: Vec<Finding> = Vec::new();
    let mut do_not_offer: Vec<DoNotOffer> = Vec::new();
    let mut blocked = false;
    let mut unverifiable_block = false;
    let mut wait = false;
    let mut wait_from: DateTime<Utc> = f.now;
    let mut message_only = false;

    for rule in RULES {
        if rule.blocks == Blocks::Dial && request.intended.is_none() {
            continue;
        }
        let missing: Vec<Section> = rule.needs.iter().copied().filter(|s| !f.is_read(*s)).collect();
        let mut out = Out::default();
        if missing.is_empty() || rule.partial {
            (rule.check)(&f, &mut out);
        }
        let rule_blocked = out.hits.iter().any(|h| h.effect == Effect::Block);
        if !missing.is_empty() && !rule_blocked {
            if rule.can_block(f.purpose) {
                unverifiable_block = true;
            }
            let hit = not_verified_hit(&f, rule, &missing);
            findings.push(Finding {
                rule: rule.id.to_string(),
                severity: hit.severity,
                message: hit.message,
                evidence: hit.evidence,
                unverified: missing.clone(),
            });
        }
        for hit in out.hits {
            match hit.effect {
                Effect::None => {}
                Effect::Block => blocked = true,
                Effect::Wait { until } => {
                    wait = true;
                    if let Some(t) = until {
                        wait_from = wait_from.max(t);
                    }
                }
                Effect::MessageOnly => message_only = true,
            }
            findings.push(Finding {
                rule: rule.id.to_string(),
                severity: hit.severity,
                message: hit.message,
                evidence: hit.evidence,
                unverified: vec![],
            });
        }
        for d in out.do_not_offer {
            if !do_not_offer.iter().any(|x| x.service == d.service && x.why == d.why) {
                do_not_offer.push(d);
            }
        }
    }

    let mut problems = request.problems.clone();
    if request.own_log_unreadable {
        // The attempts and the do-not-call requests in the unreadable part are unknown.
        unverifiable_block = true;
        problems.push(InputProblem {
            section: Section::Communications,
            message: text::tr(
                f.locale,
                || "журнал звонков расширения прочитан не полностью: нечитаемое отложено, выгрузка — в настройках расширения".into(),
                || "the extension's own call log could not be fully read: the unreadable part is set aside, export it from the extension's options".into(),
            ),
        });
    }
    let verdict = if blocked {
        Verdict::DoNotContact
    } else if unverifiable_block {
        Verdict::NotVerified
    } else if wait {
        Verdict::Wait
    } else if message_only {
        Verdict::MessageOnly
    } else if !f.unread_sections().is_empty() {
        // Unknown is never clear: "call" is the all-clear, and it needs the whole card read.
        Verdict::NotVerified
    } else {
        Verdict::Call
    };
    let next_window = if verdict == Verdict::Wait {
        windows::next_open_instant(&f.schedule, zones, f.patient_zone, wait_from)
            .and_then(|t| windows::rfc3339_in(zones, f.patient_zone, t))
    } else {
        None
    };
    let channel = match verdict {
        Verdict::DoNotContact | Verdict::NotVerified => None,
        Verdict::Wait if message_only => channel_preference::message_channel(&f),
        Verdict::MessageOnly => channel_preference::message_channel(&f),
        Verdict::Wait | Verdict::Call => channel_preference::call_channel(&f),
    };

    Ok(Assessment {
        verdict,
        channel,
        next_window,
        findings,
        reasons: f.reasons.clone(),
        do_not_offer,
        context: context::build(&f),
        unverified: f.unread_sections(),
        preferences: f.prefs.clone(),
        problems,
    })
}
