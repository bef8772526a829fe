//! Reports over the extension's call log (issue 8, "Reports"): what a clinic manager reads to
//! see how the base is being worked. Pure: the entries, the period and the clinic's
//! configuration come in, plain data (and SVG text, [`svg`]) goes out; the page draws it.
//!
//! - contacts per day, week or month, by caller (buckets in the clinic's wall-clock dates, as
//!   each entry recorded them; empty buckets kept, so a chart shows the gaps);
//! - outcomes, and the shares a manager asks for: booked and unanswered among the contacts
//!   whose outcome was recorded (an unrecorded outcome is unknown, not "not booked"), and
//!   contacts with a justified reason (purpose reminder, follow-up or invitation: the purposes
//!   the justified reasons give; an offer is advertising, and no purpose is no reason);
//! - overrides of blocks, with the administrator's reasons;
//! - patients contacted more often than the cadence allows: a contact made after the patient
//!   asked not to be contacted, at or over the attempt cap (unanswered attempts since the
//!   patient was last reached, per purpose, as `attempts_exceeded` counts them), or within the
//!   cooldown after an unanswered attempt (as `cooldown`; a reminder is exempt, as there).
//!   Only the extension's own log is known here, not the MIS's.
//!
//! Contacts are outgoing entries; incoming ones (migrated from an older log) are counted apart
//! but still end a run of unanswered attempts. [`csv`] writes what the page shows.

pub mod svg;

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calllog::{self, csv::cell, Entry, Invalid};
use crate::model::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Granularity {
    Day,
    Week,
    Month,
}

/// More buckets than a chart can show legibly: the page asks for a coarser granularity.
pub const MAX_BUCKETS: usize = 400;

/// What to report on.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Query {
    /// First and last day of the period (inclusive), in the clinic's calendar.
    pub from: NaiveDate,
    pub to: NaiveDate,
    #[serde(default = "week")]
    pub by: Granularity,
    /// Only this caller's contacts ("" = contacts with no caller name); `None`: everyone.
    #[serde(default)]
    pub caller: Option<String>,
    /// For date labels in the charts.
    #[serde(default)]
    pub locale: Locale,
    /// Words the charts show, given by the page from its _locales: outcome names by key
    /// ("no_answer"), "unnamed" (no caller name), "other" (callers past the chart's colours),
    /// "chart_contacts" and "chart_outcomes" (the charts' accessible names). A missing word
    /// shows its key.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

fn week() -> Granularity {
    Granularity::Week
}

/// The outcome keys in the order they are shown; "none" is a contact whose outcome was not
/// recorded.
pub const OUTCOMES: [&str; 8] =
    ["reached", "booked", "callback", "declined", "no_answer", "busy", "do_not_call", "none"];

fn outcome_key(o: Option<Outcome>) -> &'static str {
    match o {
        Some(Outcome::Reached) => "reached",
        Some(Outcome::Booked) => "booked",
        Some(Outcome::Callback) => "callback",
        Some(Outcome::Declined) => "declined",
        Some(Outcome::NoAnswer) => "no_answer",
        Some(Outcome::Busy) => "busy",
        Some(Outcome::DoNotCall) => "do_not_call",
        None => "none",
    }
}

/// Reminder, follow-up and invitation are what the justified reasons give as purposes.
pub fn justified(p: Option<Purpose>) -> bool {
    matches!(p, Some(Purpose::Reminder | Purpose::Followup | Purpose::Invite))
}

/// Why a contact broke the cadence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Breach {
    /// The patient had asked not to be contacted.
    DoNotContact,
    /// The attempt cap had been reached.
    AttemptCap,
    /// Within the cooldown after an unanswered attempt.
    Cooldown,
}

impl Breach {
    pub fn key(self) -> &'static str {
        match self {
            Breach::DoNotContact => "do_not_contact",
            Breach::AttemptCap => "attempt_cap",
            Breach::Cooldown => "cooldown",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Totals {
    /// Outgoing contacts in the period (the caller filter applied).
    pub contacts: usize,
    pub with_outcome: usize,
    pub no_outcome: usize,
    pub booked: usize,
    pub unanswered: usize,
    pub justified: usize,
    pub overrides: usize,
    /// Distinct patients contacted.
    pub patients: usize,
    /// Incoming contacts (not counted as contacts).
    pub incoming: usize,
    /// Contacts that broke the cadence, and the patients they were made to.
    pub over_cadence: usize,
    pub over_cadence_patients: usize,
    /// `booked / with_outcome`; `None` when nothing had an outcome.
    pub booked_share: Option<f64>,
    /// `unanswered / with_outcome`.
    pub unanswered_share: Option<f64>,
    /// `justified / contacts`.
    pub justified_share: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bucket {
    /// The first day of the bucket (a Monday for weeks, the 1st for months).
    pub start: NaiveDate,
    pub label: String,
    pub total: usize,
    /// Contacts per caller, in the order of [`Report::callers`].
    pub by_caller: Vec<usize>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CallerRow {
    /// "" when the entries named no caller.
    pub caller: String,
    pub contacts: usize,
    pub booked: usize,
    pub unanswered: usize,
    pub justified: usize,
    pub overrides: usize,
    pub over_cadence: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomeRow {
    pub outcome: &'static str,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OverrideRow {
    pub at: LocalDateTime,
    pub caller: String,
    pub origin: String,
    pub patient: String,
    pub reason: String,
    /// The checks that blocked the contact.
    pub rules: Vec<String>,
    pub outcome: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReasonRow {
    pub reason: String,
    pub count: usize,
}

/// A patient contacted more often than the cadence allows, in the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CadenceRow {
    pub origin: String,
    pub patient: String,
    /// Contacts in the period (the caller filter applied).
    pub contacts: usize,
    /// Of them, those that broke the cadence.
    pub breaches: usize,
    pub kinds: Vec<Breach>,
    /// The most unanswered attempts in a row before a contact.
    pub most_unanswered: usize,
    pub last: LocalDateTime,
    pub callers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub by: Granularity,
    pub caller: Option<String>,
    pub attempt_cap: u32,
    pub cooldown_days: u32,
    pub totals: Totals,
    pub buckets: Vec<Bucket>,
    /// Callers in the period, most contacts first (the caller filter applied).
    pub callers: Vec<CallerRow>,
    /// Every caller in the period, for the page's filter (sorted by name).
    pub all_callers: Vec<String>,
    pub outcomes: Vec<OutcomeRow>,
    /// Newest first.
    pub overrides: Vec<OverrideRow>,
    /// Most frequent first.
    pub override_reasons: Vec<ReasonRow>,
    /// Most breaches first.
    pub cadence: Vec<CadenceRow>,
}

/// A date's bucket: its first day.
pub fn bucket_start(d: NaiveDate, by: Granularity) -> NaiveDate {
    match by {
        Granularity::Day => d,
        Granularity::Week => d - Duration::days(d.weekday().num_days_from_monday() as i64),
        Granularity::Month => d.with_day(1).unwrap_or(d),
    }
}

fn next_start(d: NaiveDate, by: Granularity) -> NaiveDate {
    match by {
        Granularity::Day => d + Duration::days(1),
        Granularity::Week => d + Duration::days(7),
        Granularity::Month => d.checked_add_months(chrono::Months::new(1)).unwrap_or(NaiveDate::MAX),
    }
}

fn bucket_index(d: NaiveDate, first: NaiveDate, by: Granularity) -> usize {
    match by {
        Granularity::Day => (d - first).num_days() as usize,
        Granularity::Week => ((bucket_start(d, by) - first).num_days() / 7) as usize,
        Granularity::Month => ((d.year() - first.year()) * 12 + d.month() as i32 - first.month() as i32) as usize,
    }
}

const MONTHS_RU: [&str; 12] = ["янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"];
const MONTHS_EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// A bucket's label in the locale: "23.11" / "23 Nov", "16–22.11" / "16–22 Nov", "ноя 2026".
pub fn label(start: NaiveDate, by: Granularity, locale: Locale) -> String {
    let m = |d: NaiveDate| match locale {
        Locale::Ru => MONTHS_RU[d.month0() as usize],
        Locale::En => MONTHS_EN[d.month0() as usize],
    };
    let day = |d: NaiveDate| match locale {
        Locale::Ru => format!("{:02}.{:02}", d.day(), d.month()),
        Locale::En => format!("{} {}", d.day(), m(d)),
    };
    match by {
        Granularity::Day => day(start),
        Granularity::Week => {
            let end = start + Duration::days(6);
            match (locale, end.month() == start.month()) {
                (Locale::Ru, true) => format!("{:02}–{}", start.day(), day(end)),
                (Locale::En, true) => format!("{}–{}", start.day(), day(end)),
                _ => format!("{}–{}", day(start), day(end)),
            }
        }
        Granularity::Month => format!("{} {}", m(start), start.year()),
    }
}

/// Milliseconds for ordering and the cooldown (a time without an offset is taken as UTC: only
/// records migrated from a log that did not say have none).
fn millis(e: &Entry) -> i64 {
    calllog::instant(&e.at).map(|t| t.timestamp_millis()).unwrap_or_else(|| e.at.naive.and_utc().timestamp_millis())
}

/// Every outgoing contact that broke the cadence: entry index → (breaches, unanswered attempts
/// before it). Walks each patient's whole log in time order; only entries with an outcome
/// change what the next contact may do (as in the checks).
fn breaches(entries: &[Entry], config: &Config) -> Vec<Option<(Vec<Breach>, usize)>> {
    // (Two map types in all of this file, `Keys` and `Names`: each map type is more code in the .wasm.)
    let mut patients: Keys = HashMap::new();
    let mut by_patient: Vec<Vec<usize>> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let n = patients.len();
        let k = *patients.entry((e.origin.as_str(), e.patient.as_str())).or_insert(n);
        if k == by_patient.len() {
            by_patient.push(Vec::new());
        }
        by_patient[k].push(i);
    }
    let cap = config.attempt_cap as usize;
    let cooldown = config.cooldown_days as i64 * 86_400_000;
    let mut out = vec![None; entries.len()];
    for mut idx in by_patient {
        idx.sort_by_key(|&i| (millis(&entries[i]), i));
        let mut since: Vec<usize> = Vec::new(); // unanswered attempts since the last reach
        let mut asked_not = false;
        for i in idx {
            let e = &entries[i];
            if e.direction == Direction::Out {
                let mut kinds = Vec::new();
                if asked_not {
                    kinds.push(Breach::DoNotContact);
                }
                let n = since
                    .iter()
                    .filter(|&&a| match (e.purpose, entries[a].purpose) {
                        (Some(p), Some(q)) => p == q,
                        _ => true,
                    })
                    .count();
                if cap > 0 && n >= cap {
                    kinds.push(Breach::AttemptCap);
                }
                if let Some(&last) = since.last() {
                    if cooldown > 0
                        && e.purpose != Some(Purpose::Reminder)
                        && millis(e) < millis(&entries[last]) + cooldown
                    {
                        kinds.push(Breach::Cooldown);
                    }
                }
                if !kinds.is_empty() {
                    out[i] = Some((kinds, since.len()));
                }
            }
            if let Some(o) = e.outcome {
                if e.direction == Direction::In || !o.is_unanswered() {
                    since.clear();
                } else {
                    since.push(i);
                }
                asked_not |= o == Outcome::DoNotCall;
            }
        }
    }
    out
}

/// Index by (origin, patient).
type Keys<'a> = HashMap<(&'a str, &'a str), usize>;
/// Index or count by a name (caller, reason).
type Names<'a> = HashMap<&'a str, usize>;

fn share(n: usize, of: usize) -> Option<f64> {
    (of > 0).then(|| n as f64 / of as f64)
}

/// The report on `entries` (every record's, as loaded) for `query`, with the cadence of `config`.
pub fn report(entries: &[Entry], query: &Query, config: &Config) -> Result<Report, Invalid> {
    if query.from > query.to {
        return Err(Invalid("the period ends before it starts".into()));
    }
    let first = bucket_start(query.from, query.by);
    let mut starts = Vec::new();
    let mut s = first;
    while s <= query.to {
        if starts.len() == MAX_BUCKETS {
            return Err(Invalid(format!("more than {MAX_BUCKETS} columns: choose a longer step or a shorter period")));
        }
        starts.push(s);
        s = next_start(s, query.by);
    }
    let breaches = breaches(entries, config);
    let in_period = |e: &Entry| {
        let d = e.at.naive.date();
        d >= query.from && d <= query.to
    };
    let mut all_callers: Names = HashMap::new();
    let mut t = Totals::default();
    let mut caller_ix: Names = HashMap::new();
    let mut callers: Vec<CallerRow> = Vec::new();
    // Contacts per bucket, per caller index.
    let mut per_bucket: Vec<Vec<usize>> = vec![Vec::new(); starts.len()];
    let mut outcomes = [0usize; OUTCOMES.len()];
    let mut overrides = Vec::new();
    let mut reasons: Names = HashMap::new();
    // Per patient: contacts in the period, and the row in `cadence` (usize::MAX: none).
    let mut patient_ix: Keys = HashMap::new();
    let mut contacts_of: Vec<usize> = Vec::new();
    let mut cadence_of: Vec<usize> = Vec::new();
    let mut cadence: Vec<CadenceRow> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        if !in_period(e) {
            continue;
        }
        let caller = e.caller.as_deref().unwrap_or("");
        *all_callers.entry(caller).or_default() += 1;
        if query.caller.as_deref().is_some_and(|c| c != caller) {
            continue;
        }
        if e.direction == Direction::In {
            t.incoming += 1;
            continue;
        }
        t.contacts += 1;
        let n = patient_ix.len();
        let p = *patient_ix.entry((e.origin.as_str(), e.patient.as_str())).or_insert(n);
        if p == contacts_of.len() {
            contacts_of.push(0);
            cadence_of.push(usize::MAX);
        }
        contacts_of[p] += 1;
        let n = caller_ix.len();
        let c = *caller_ix.entry(caller).or_insert(n);
        if c == callers.len() {
            callers.push(CallerRow { caller: caller.to_string(), ..Default::default() });
        }
        let row = &mut callers[c];
        row.contacts += 1;
        let counts = &mut per_bucket[bucket_index(e.at.naive.date(), first, query.by)];
        if counts.len() <= c {
            counts.resize(c + 1, 0);
        }
        counts[c] += 1;
        let key = outcome_key(e.outcome);
        outcomes[OUTCOMES.iter().position(|&o| o == key).unwrap_or(OUTCOMES.len() - 1)] += 1;
        match e.outcome {
            None => t.no_outcome += 1,
            Some(o) => {
                t.with_outcome += 1;
                if o == Outcome::Booked {
                    t.booked += 1;
                    row.booked += 1;
                }
                if o.is_unanswered() {
                    t.unanswered += 1;
                    row.unanswered += 1;
                }
            }
        }
        if justified(e.purpose) {
            t.justified += 1;
            row.justified += 1;
        }
        if let Some(o) = &e.overridden {
            t.overrides += 1;
            row.overrides += 1;
            *reasons.entry(o.reason.as_str()).or_default() += 1;
            overrides.push(OverrideRow {
                at: e.at,
                caller: caller.to_string(),
                origin: e.origin.clone(),
                patient: e.patient.clone(),
                reason: o.reason.clone(),
                rules: o.rules.clone(),
                outcome: key,
            });
        }
        if let Some((kinds, before)) = &breaches[i] {
            t.over_cadence += 1;
            row.over_cadence += 1;
            if cadence_of[p] == usize::MAX {
                cadence_of[p] = cadence.len();
                cadence.push(CadenceRow {
                    origin: e.origin.clone(),
                    patient: e.patient.clone(),
                    contacts: 0,
                    breaches: 0,
                    kinds: Vec::new(),
                    most_unanswered: 0,
                    last: e.at,
                    callers: Vec::new(),
                });
            }
            let c = &mut cadence[cadence_of[p]];
            c.breaches += 1;
            c.most_unanswered = c.most_unanswered.max(*before);
            for k in kinds {
                if !c.kinds.contains(k) {
                    c.kinds.push(*k);
                }
            }
            if millis(e) >= calllog::instant(&c.last).map_or(i64::MIN, |t| t.timestamp_millis()) {
                c.last = e.at;
            }
            if !c.callers.iter().any(|x| x == caller) {
                c.callers.push(caller.to_string());
            }
        }
    }
    for (p, &row) in cadence_of.iter().enumerate() {
        if row != usize::MAX {
            cadence[row].contacts = contacts_of[p];
        }
    }
    t.patients = patient_ix.len();
    t.over_cadence_patients = cadence.len();
    t.booked_share = share(t.booked, t.with_outcome);
    t.unanswered_share = share(t.unanswered, t.with_outcome);
    t.justified_share = share(t.justified, t.contacts);
    // Most contacts first; the buckets' columns follow that order.
    let mut order: Vec<usize> = (0..callers.len()).collect();
    order.sort_by(|&a, &b| {
        callers[b].contacts.cmp(&callers[a].contacts).then_with(|| callers[a].caller.cmp(&callers[b].caller))
    });
    let buckets = starts
        .iter()
        .zip(per_bucket)
        .map(|(&start, counts)| {
            let by_caller: Vec<usize> = order.iter().map(|&c| counts.get(c).copied().unwrap_or(0)).collect();
            Bucket { start, label: label(start, query.by, query.locale), total: by_caller.iter().sum(), by_caller }
        })
        .collect();
    let callers: Vec<CallerRow> = order.iter().map(|&c| callers[c].clone()).collect();
    let mut all_callers: Vec<String> = all_callers.into_keys().map(str::to_string).collect();
    all_callers.sort();
    overrides.sort_by(|a, b| b.at.naive.cmp(&a.at.naive).then_with(|| a.patient.cmp(&b.patient)));
    let mut override_reasons: Vec<ReasonRow> =
        reasons.into_iter().map(|(reason, count)| ReasonRow { reason: reason.to_string(), count }).collect();
    override_reasons.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.reason.cmp(&b.reason)));
    for c in &mut cadence {
        c.kinds.sort();
    }
    cadence.sort_by(|a, b| {
        b.breaches
            .cmp(&a.breaches)
            .then_with(|| b.last.naive.cmp(&a.last.naive))
            .then_with(|| (&a.origin, &a.patient).cmp(&(&b.origin, &b.patient)))
    });
    Ok(Report {
        from: query.from,
        to: query.to,
        by: query.by,
        caller: query.caller.clone(),
        attempt_cap: config.attempt_cap,
        cooldown_days: config.cooldown_days,
        totals: t,
        buckets,
        callers,
        all_callers,
        outcomes: OUTCOMES.iter().zip(outcomes).map(|(&o, count)| OutcomeRow { outcome: o, count }).collect(),
        overrides,
        override_reasons,
        cadence,
    })
}

fn share_cell(s: Option<f64>) -> String {
    // Integers only: no float formatting code in the .wasm for four digits.
    s.map(|v| {
        let t = (v * 10_000.0).round() as i64;
        format!("{}.{:04}", t / 10_000, t % 10_000)
    })
    .unwrap_or_default()
}

/// The report as CSV (the call log's dialect: UTF-8 with a byte-order mark, CRLF, quoted where
/// needed, formula-looking text defused): blocks separated by an empty line, each with its
/// header row, in the order the page shows them. Every row, not only those on screen. A caller
/// with no name is written as the page shows it (`labels["unnamed"]`).
pub fn csv(r: &Report, query: &Query) -> String {
    let unnamed = query.labels.get("unnamed").map(String::as_str).unwrap_or("unnamed");
    let who = |c: &str| cell(if c.is_empty() { unnamed } else { c }, true);
    let mut out = String::from("\u{feff}");
    let mut row = |cells: Vec<String>| {
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    };
    let free = |s: &str| cell(s, true);
    let by = match r.by {
        Granularity::Day => "day",
        Granularity::Week => "week",
        Granularity::Month => "month",
    };
    row(vec![
        "report".into(),
        "from".into(),
        "to".into(),
        "by".into(),
        "caller".into(),
        "attempt_cap".into(),
        "cooldown_days".into(),
    ]);
    row(vec![
        "precall.report".into(),
        r.from.to_string(),
        r.to.to_string(),
        by.into(),
        r.caller.as_deref().map(free).unwrap_or_else(|| "*".into()),
        r.attempt_cap.to_string(),
        r.cooldown_days.to_string(),
    ]);
    row(vec![]);
    let t = &r.totals;
    row(vec!["metric".into(), "value".into()]);
    for (k, v) in [
        ("contacts", t.contacts.to_string()),
        ("with_outcome", t.with_outcome.to_string()),
        ("no_outcome", t.no_outcome.to_string()),
        ("booked", t.booked.to_string()),
        ("booked_share", share_cell(t.booked_share)),
        ("unanswered", t.unanswered.to_string()),
        ("unanswered_share", share_cell(t.unanswered_share)),
        ("justified", t.justified.to_string()),
        ("justified_share", share_cell(t.justified_share)),
        ("overrides", t.overrides.to_string()),
        ("patients", t.patients.to_string()),
        ("over_cadence", t.over_cadence.to_string()),
        ("over_cadence_patients", t.over_cadence_patients.to_string()),
        ("incoming", t.incoming.to_string()),
    ] {
        row(vec![k.into(), v]);
    }
    row(vec![]);
    let mut head = vec!["bucket".to_string(), "total".to_string()];
    head.extend(r.callers.iter().map(|c| who(&c.caller)));
    row(head);
    for b in &r.buckets {
        let mut cells = vec![b.start.to_string(), b.total.to_string()];
        cells.extend(b.by_caller.iter().map(usize::to_string));
        row(cells);
    }
    row(vec![]);
    row(vec!["outcome".into(), "count".into()]);
    for o in &r.outcomes {
        row(vec![o.outcome.into(), o.count.to_string()]);
    }
    row(vec![]);
    row(["caller", "contacts", "booked", "unanswered", "justified", "overrides", "over_cadence"]
        .map(String::from)
        .to_vec());
    for c in &r.callers {
        row(vec![
            who(&c.caller),
            c.contacts.to_string(),
            c.booked.to_string(),
            c.unanswered.to_string(),
            c.justified.to_string(),
            c.overrides.to_string(),
            c.over_cadence.to_string(),
        ]);
    }
    row(vec![]);
    row(vec!["override_reason".into(), "count".into()]);
    for x in &r.override_reasons {
        row(vec![free(&x.reason), x.count.to_string()]);
    }
    row(vec![]);
    row(["override_at", "caller", "origin", "patient", "reason", "rules", "outcome"].map(String::from).to_vec());
    for o in &r.overrides {
        row(vec![
            o.at.to_string(),
            who(&o.caller),
            free(&o.origin),
            free(&o.patient),
            free(&o.reason),
            free(&o.rules.join(" ")),
            o.outcome.into(),
        ]);
    }
    row(vec![]);
    row(["cadence_origin", "patient", "contacts", "breaches", "kinds", "most_unanswered", "last", "callers"]
        .map(String::from)
        .to_vec());
    for c in &r.cadence {
        row(vec![
            free(&c.origin),
            free(&c.patient),
            c.contacts.to_string(),
            c.breaches.to_string(),
            c.kinds.iter().map(|k| k.key()).collect::<Vec<_>>().join(" "),
            c.most_unanswered.to_string(),
            c.last.to_string(),
            free(&c.callers.iter().map(|c| if c.is_empty() { unnamed } else { c }).collect::<Vec<_>>().join("; ")),
        ]);
    }
    out
}

/// The stored records as the report reads them, from JSON text `[{origin, patient, value}]`
/// (`value`: a record as stored). Set-aside data is left out (the options page offers it for
/// export). A current, clean record is read straight into entries (a 50,000-entry log in a
/// fraction of the time); anything else goes through [`calllog::load`], which migrates it and
/// sets aside what it cannot read, exactly as the checks see it.
pub fn entries_from_json(text: &str) -> Result<Vec<Entry>, Invalid> {
    use serde_json::value::RawValue;
    #[derive(Deserialize)]
    struct Stored<'a> {
        origin: String,
        patient: String,
        #[serde(borrow)]
        value: &'a RawValue,
    }
    #[derive(Deserialize)]
    struct Current {
        schema: String,
        version: u32,
        entries: Vec<Entry>,
        #[serde(default)]
        unreadable: serde::de::IgnoredAny,
    }
    let records: Vec<Stored> =
        serde_json::from_str(text).map_err(|e| Invalid(format!("not a list of records: {e}")))?;
    let mut out = Vec::new();
    for r in records {
        let clean = serde_json::from_str::<Current>(r.value.get()).ok().filter(|c| {
            let _ = c.unreadable;
            let mut ids = std::collections::HashSet::new();
            c.schema == calllog::SCHEMA
                && c.version == calllog::VERSION
                && c.entries.iter().all(|e| {
                    e.origin == r.origin
                        && e.patient == r.patient
                        && ids.insert(e.id.as_str())
                        && calllog::validate(e).is_ok()
                })
        });
        match clean {
            Some(c) => out.extend(c.entries),
            None => {
                let value: serde_json::Value = serde_json::from_str(r.value.get()).unwrap_or(serde_json::Value::Null);
                out.extend(calllog::load(&value, &r.origin, &r.patient).log.entries);
            }
        }
    }
    Ok(out)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
