//! The extension's own call log (issue 6): what the administrator dialled through the dial
//! guard, and how it went. Pure: the extension keeps the records in `chrome.storage.local`
//! (one record per MIS origin and patient), and every decision about them is made here:
//!
//! - the stored format, versioned ([`SCHEMA`], [`VERSION`]), and [`load`], which migrates an
//!   older record and sets aside whatever it cannot read (kept in the record's `unreadable`
//!   list, never deleted);
//! - [`record`]: a guarded dial (with its override, if the administrator dialled despite a
//!   block) and its outcome, written into a record;
//! - [`merge`]: an import merged into a record without duplicates;
//! - [`to_communications`]: the entries as the checks count them (`Request::own_log`, merged
//!   with the MIS's own log by the checks, the same call counted once);
//! - CSV and JSON export and import ([`csv`], [`export_json`], [`parse_import`]).
//!
//! Nothing here leaves the browser; nothing here is logged.

pub mod csv;

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::*;

/// The `schema` field of a record and of a JSON export.
pub const SCHEMA: &str = "precall.calllog";
/// The version this code writes. Older versions are migrated by [`load`]; newer ones are set
/// aside, unread, never overwritten.
pub const VERSION: u32 = 1;

/// Limits on the text an entry may carry (the stored log stays small and readable).
pub const MAX_NOTE: usize = 500;
pub const MAX_REASON: usize = 200;
pub const MAX_NAME: usize = 200;
pub const MAX_ID: usize = 64;

/// One contact made through the dial guard or recorded from the panel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Unique, chosen when the entry is made (a UUID): merges and imports match on it.
    pub id: String,
    /// The MIS origin, e.g. "https://mis.clinic.ru".
    pub origin: String,
    /// The patient's key on that MIS (the site profile's patient key).
    pub patient: String,
    /// When the contact was made, with the clinic's offset.
    pub at: LocalDateTime,
    #[serde(default = "out")]
    pub direction: Direction,
    /// `None` only in records migrated from a log that did not say.
    #[serde(default)]
    pub channel: Option<Channel>,
    #[serde(default)]
    pub purpose: Option<Purpose>,
    /// `None`: dialled, outcome not recorded (not counted by the checks).
    #[serde(default)]
    pub outcome: Option<Outcome>,
    /// With `outcome: callback`: when to call back.
    #[serde(default)]
    pub callback_at: Option<LocalDateTime>,
    /// Who made the contact (the caller's name from the settings).
    #[serde(default)]
    pub caller: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// Dialled despite a block: why, and what was blocked.
    #[serde(default, rename = "override")]
    pub overridden: Option<Override>,
    /// Bumped on every change (the outcome added later); the higher wins in a merge.
    #[serde(default)]
    pub rev: u32,
}

fn out() -> Direction {
    Direction::Out
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// The administrator's reason, chosen or typed.
    pub reason: String,
    /// The verdict for that contact when it was overridden.
    #[serde(default)]
    pub verdict: Option<Verdict>,
    /// The checks that blocked it.
    #[serde(default)]
    pub rules: Vec<String>,
}

/// Data that could not be read, kept as it was (with why), never deleted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unreadable {
    pub reason: String,
    pub raw: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient: Option<String>,
}

/// A stored record (one patient on one MIS), and the JSON export (every record).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Log {
    pub schema: String,
    pub version: u32,
    pub entries: Vec<Entry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unreadable: Vec<Unreadable>,
}

impl Default for Log {
    fn default() -> Self {
        Log { schema: SCHEMA.into(), version: VERSION, entries: Vec::new(), unreadable: Vec::new() }
    }
}

/// What [`load`] made of a stored value.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub log: Log,
    /// The record must be written back (migrated, or something was set aside).
    pub changed: bool,
    /// The version it was migrated from, if any.
    pub migrated_from: Option<u32>,
}

/// A problem with one entry or with the input as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub String);

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn is_origin(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once("://") else { return false };
    matches!(scheme, "http" | "https")
        && !rest.is_empty()
        && rest.len() <= 255
        && rest.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']' | '_'))
}

fn clean_text(what: &str, s: &str, max: usize) -> Result<(), Invalid> {
    if s.chars().count() > max {
        return Err(Invalid(format!("{what}: longer than {max} characters")));
    }
    if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(Invalid(format!("{what}: control characters")));
    }
    Ok(())
}

/// Checks what serde cannot: identifiers, origins, lengths, and that fields agree.
pub fn validate(e: &Entry) -> Result<(), Invalid> {
    if e.id.is_empty()
        || e.id.len() > MAX_ID
        || !e.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(Invalid(format!("id {:?}: 1 to {MAX_ID} letters, digits, '-' or '_'", e.id)));
    }
    if !is_origin(&e.origin) {
        return Err(Invalid(format!("origin {:?}: not an http(s) origin", e.origin)));
    }
    if e.patient.trim().is_empty() {
        return Err(Invalid("patient: empty".into()));
    }
    clean_text("patient", &e.patient, MAX_NAME)?;
    if let Some(c) = &e.caller {
        clean_text("caller", c, MAX_NAME)?;
    }
    if let Some(n) = &e.note {
        clean_text("note", n, MAX_NOTE)?;
    }
    if let Some(o) = &e.overridden {
        if o.reason.trim().is_empty() {
            return Err(Invalid("override: no reason".into()));
        }
        clean_text("override reason", &o.reason, MAX_REASON)?;
        if o.rules.len() > 32 || o.rules.iter().any(|r| r.len() > 64) {
            return Err(Invalid("override rules: too many or too long".into()));
        }
    }
    if e.callback_at.is_some() && e.outcome != Some(Outcome::Callback) {
        return Err(Invalid("callback_at: only with the outcome callback".into()));
    }
    Ok(())
}

/// Reads a stored record for (`origin`, `patient`): the current version as is, an older one
/// migrated, and anything unreadable set aside in `unreadable` (a foreign or newer record as a
/// whole, or single entries). Never fails: the extension keeps working on what it could read.
pub fn load(value: &Value, origin: &str, patient: &str) -> Loaded {
    let aside = |reason: String, raw: Value| Unreadable {
        reason,
        raw,
        origin: Some(origin.into()),
        patient: Some(patient.into()),
    };
    let whole = |reason: String| Loaded {
        log: Log { unreadable: vec![aside(reason, value.clone())], ..Log::default() },
        changed: true,
        migrated_from: None,
    };
    match value {
        Value::Null => Loaded { log: Log::default(), changed: false, migrated_from: None },
        // Version 0: the snapshot contract's list of communications (what `Request::own_log`
        // and `precall check --log` take), for this record's patient.
        Value::Array(items) => {
            let mut log = Log::default();
            for (i, item) in items.iter().enumerate() {
                match migrate_v0_item(item, i, origin, patient) {
                    Ok(e) => log.entries.push(e),
                    Err(Invalid(why)) => {
                        log.unreadable.push(aside(format!("version 0, item {i}: {why}"), item.clone()))
                    }
                }
            }
            dedupe(&mut log.entries);
            Loaded { log, changed: true, migrated_from: Some(0) }
        }
        Value::Object(map) => {
            if map.get("schema").and_then(Value::as_str) != Some(SCHEMA) {
                return whole("not a precall call log (no \"schema\": \"precall.calllog\")".into());
            }
            let version = match map.get("version").and_then(Value::as_u64) {
                Some(v) => v,
                None => return whole("no version".into()),
            };
            if version > VERSION as u64 {
                return whole(format!("written by a newer version of the extension (log version {version}, this one reads up to {VERSION})"));
            }
            if version < 1 {
                return whole(format!("unknown log version {version}"));
            }
            let mut log = Log::default();
            let mut changed = false;
            match map.get("entries") {
                Some(Value::Array(items)) => {
                    for (i, item) in items.iter().enumerate() {
                        match entry_from(item) {
                            Ok(e) if e.origin == origin && e.patient == patient => log.entries.push(e),
                            Ok(_) => {
                                changed = true;
                                log.unreadable
                                    .push(aside(format!("entry {i}: belongs to another patient or MIS"), item.clone()));
                            }
                            Err(Invalid(why)) => {
                                changed = true;
                                log.unreadable.push(aside(format!("entry {i}: {why}"), item.clone()));
                            }
                        }
                    }
                }
                None => {}
                Some(other) => {
                    changed = true;
                    log.unreadable.push(aside("entries: not a list".into(), other.clone()));
                }
            }
            match map.get("unreadable") {
                None => {}
                Some(Value::Array(items)) => {
                    for item in items {
                        match (item.get("reason").and_then(Value::as_str), item.get("raw")) {
                            (Some(reason), Some(raw)) => log.unreadable.push(Unreadable {
                                reason: reason.to_string(),
                                raw: raw.clone(),
                                origin: item.get("origin").and_then(Value::as_str).map(str::to_string),
                                patient: item.get("patient").and_then(Value::as_str).map(str::to_string),
                            }),
                            _ => {
                                changed = true;
                                log.unreadable.push(aside("set-aside data in an unknown shape".into(), item.clone()));
                            }
                        }
                    }
                }
                Some(other) => {
                    changed = true;
                    log.unreadable.push(aside("unreadable: not a list".into(), other.clone()));
                }
            }
            let before = log.entries.len();
            dedupe(&mut log.entries);
            changed |= log.entries.len() != before;
            Loaded { log, changed, migrated_from: None }
        }
        _ => whole("not a precall call log".into()),
    }
}

/// Deserializes with the JSON path of a bad field in the error. (Through `&Value`, as the
/// snapshot is read: the .wasm then carries one deserializer for each type.)
fn from_json<T: serde::de::DeserializeOwned>(item: &Value) -> Result<T, Invalid> {
    crate::model::read_value(item).map_err(|err| Invalid(format!("field `{}`: {}", err.path, err.message)))
}

/// One entry of the current version, validated.
pub fn entry_from(item: &Value) -> Result<Entry, Invalid> {
    let e: Entry = from_json(item)?;
    validate(&e)?;
    Ok(e)
}

/// FNV-1a, for stable ids of migrated entries (the same item always gets the same id, so a
/// repeated migration or import does not duplicate it).
fn fnv(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0)) {
            h ^= b as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
    }
    h
}

fn migrate_v0_item(item: &Value, index: usize, origin: &str, patient: &str) -> Result<Entry, Invalid> {
    let c: Communication = from_json(item)?;
    let purpose = c.purpose.as_deref().and_then(crate::rules::facts::parse_purpose);
    // The free-text purpose is kept in the note when it is not one of the four.
    let note = match (c.purpose.as_deref().filter(|_| purpose.is_none()), c.note) {
        (Some(p), Some(n)) => Some(format!("{n} ({p})")),
        (Some(p), None) => Some(p.to_string()),
        (None, n) => n,
    };
    let id = format!("v0-{:016x}", fnv(&[origin, patient, &item.to_string(), &index.to_string()]));
    let e = Entry {
        id,
        origin: origin.into(),
        patient: patient.into(),
        at: c.at,
        direction: c.direction,
        channel: c.channel,
        purpose,
        outcome: Some(c.outcome),
        callback_at: c.callback_at.filter(|_| c.outcome == Outcome::Callback),
        caller: None,
        note,
        overridden: None,
        rev: 0,
    };
    validate(&e)?;
    Ok(e)
}

/// Keeps one entry per id (the highest `rev`), ordered by time.
fn dedupe(entries: &mut Vec<Entry>) {
    let mut kept: Vec<Entry> = Vec::with_capacity(entries.len());
    for e in entries.drain(..) {
        match kept.iter_mut().find(|k| k.id == e.id) {
            Some(k) if e.rev > k.rev => *k = e,
            Some(_) => {}
            None => kept.push(e),
        }
    }
    sort(&mut kept);
    *entries = kept;
}

pub(crate) fn instant(t: &LocalDateTime) -> Option<DateTime<Utc>> {
    t.offset.and_then(|o| o.from_local_datetime(&t.naive).single()).map(|d| d.with_timezone(&Utc))
}

/// By MIS, patient and time; entries made at the same moment keep the order they were made in
/// (a stable sort).
fn sort(entries: &mut Vec<Entry>) {
    crate::order::sort_by(entries, |a, b| {
        let key = |e: &Entry| (instant(&e.at).map(|t| t.timestamp_millis()).unwrap_or(i64::MIN), e.at.naive);
        (a.origin.as_str(), a.patient.as_str(), key(a)).cmp(&(b.origin.as_str(), b.patient.as_str(), key(b)))
    });
}

/// An instant as the clinic's wall clock shows it, with the offset ("2026-11-23T10:00:00+03:00").
pub fn clinic_time(zones: &dyn Zones, zone: &str, at: DateTime<Utc>) -> Option<LocalDateTime> {
    let local = utc_to_local(zones, zone, at)?;
    let offset = FixedOffset::east_opt((local - at.naive_utc()).num_seconds() as i32)?;
    Some(LocalDateTime { naive: local, offset: Some(offset) })
}

/// What the extension asks to write: a dial (outcome not yet known), or an outcome for an
/// earlier dial (same `id`), or a contact recorded from the panel.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recording {
    pub id: String,
    /// The time of the contact (the extension's clock, the demo clock in training).
    pub at_ms: f64,
    #[serde(default)]
    pub channel: Option<Channel>,
    #[serde(default)]
    pub purpose: Option<Purpose>,
    #[serde(default)]
    pub outcome: Option<Outcome>,
    /// Wall-clock time in the clinic's zone, as a date-time input gives it ("2026-11-25T14:00").
    #[serde(default)]
    pub callback_at: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default, rename = "override")]
    pub overridden: Option<Override>,
}

/// Writes a dial or its outcome into `log`. A new id adds an entry (the caller from the
/// settings, the time in the clinic's zone); a known id gets the outcome, the call-back time
/// and the note, and its `rev` goes up. Returns the entry as stored.
pub fn record(
    log: &mut Log,
    r: Recording,
    origin: &str,
    patient: &str,
    config: &Config,
    zones: &dyn Zones,
) -> Result<Entry, Invalid> {
    let note = r.note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    let callback_at = match r.callback_at.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => {
            let t = LocalDateTime::parse(s).ok_or_else(|| Invalid(format!("callback_at {s:?}: not a date-time")))?;
            let utc =
                t.to_utc(&config.timezone, zones).ok_or_else(|| Invalid("callback_at: unknown time zone".into()))?;
            Some(
                clinic_time(zones, &config.timezone, utc)
                    .ok_or_else(|| Invalid("callback_at: unknown time zone".into()))?,
            )
        }
    };
    let overridden = r.overridden.map(|o| Override { reason: o.reason.trim().to_string(), ..o });
    if let Some(existing) = log.entries.iter_mut().find(|e| e.id == r.id) {
        if existing.origin != origin || existing.patient != patient {
            return Err(Invalid("id: belongs to another patient".into()));
        }
        let mut updated = existing.clone();
        if r.outcome.is_some() {
            updated.outcome = r.outcome;
            updated.callback_at = callback_at;
        }
        if note.is_some() {
            updated.note = note;
        }
        if let Some(p) = r.purpose {
            updated.purpose = Some(p);
        }
        if updated.overridden.is_none() {
            updated.overridden = overridden;
        }
        updated.rev = existing.rev + 1;
        validate(&updated)?;
        *existing = updated.clone();
        return Ok(updated);
    }
    let at_utc =
        DateTime::from_timestamp_millis(r.at_ms as i64).ok_or_else(|| Invalid("at_ms: out of range".into()))?;
    let at = clinic_time(zones, &config.timezone, at_utc)
        .ok_or_else(|| Invalid("unknown time zone in the settings".into()))?;
    let entry = Entry {
        id: r.id,
        origin: origin.into(),
        patient: patient.into(),
        at,
        direction: Direction::Out,
        channel: r.channel,
        purpose: r.purpose,
        outcome: r.outcome,
        callback_at: callback_at.filter(|_| r.outcome == Some(Outcome::Callback)),
        caller: config.caller.name.clone().map(|n| n.trim().to_string()).filter(|n| !n.is_empty()),
        note,
        overridden,
        rev: 0,
    };
    validate(&entry)?;
    log.entries.push(entry.clone());
    sort(&mut log.entries);
    Ok(entry)
}

/// How a merge went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MergeReport {
    pub added: usize,
    /// A newer revision of an entry already there (e.g. the outcome recorded later).
    pub updated: usize,
    /// Already there (same id, or the same contact under another id).
    pub duplicates: usize,
}

fn same_contact(a: &Entry, b: &Entry) -> bool {
    a.origin == b.origin
        && a.patient == b.patient
        && instant(&a.at) == instant(&b.at)
        && a.at.naive == b.at.naive
        && a.channel == b.channel
        && a.direction == b.direction
        && a.outcome == b.outcome
        && a.caller == b.caller
        && a.note == b.note
}

/// Merges entries into a record without duplicates: the same id keeps the higher revision;
/// the same contact under another id is not added twice.
pub fn merge(log: &mut Log, incoming: Vec<Entry>) -> MergeReport {
    let mut report = MergeReport::default();
    for e in incoming {
        if let Some(existing) = log.entries.iter_mut().find(|x| x.id == e.id) {
            if e.rev > existing.rev {
                *existing = e;
                report.updated += 1;
            } else {
                report.duplicates += 1;
            }
        } else if log.entries.iter().any(|x| same_contact(x, &e)) {
            report.duplicates += 1;
        } else {
            log.entries.push(e);
            report.added += 1;
        }
    }
    sort(&mut log.entries);
    report
}

/// The entries as the checks count them: only contacts with an outcome.
pub fn to_communications(entries: &[Entry]) -> Vec<Communication> {
    entries
        .iter()
        .filter_map(|e| {
            Some(Communication {
                at: e.at,
                channel: e.channel,
                direction: e.direction,
                purpose: e.purpose.map(purpose_name),
                outcome: e.outcome?,
                note: None,
                callback_at: e.callback_at,
            })
        })
        .collect()
}

pub fn purpose_name(p: Purpose) -> String {
    match p {
        Purpose::Reminder => "reminder",
        Purpose::Followup => "followup",
        Purpose::Invite => "invite",
        Purpose::Offer => "offer",
    }
    .to_string()
}

/// Every record's entries in one export log (set-aside data included, so nothing is lost).
pub fn combine(records: Vec<Log>) -> Log {
    let mut all = Log::default();
    for r in records {
        all.entries.extend(r.entries);
        all.unreadable.extend(r.unreadable);
    }
    sort(&mut all.entries);
    all
}

/// A log as JSON data (the stored form of a record).
pub fn to_value(log: &Log) -> Value {
    serde_json::to_value(log).unwrap_or(Value::Null)
}

/// The JSON export: the same shape as a stored record, with every patient's entries.
pub fn export_json(log: &Log) -> String {
    // Through `Value`: one serializer for the log's types in the .wasm, not two.
    serde_json::to_string_pretty(&to_value(log)).unwrap_or_default()
}

/// What an import file holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    pub entries: Vec<Entry>,
    /// Entries or rows that could not be read, with why ("row 4: ...").
    pub rejected: Vec<String>,
    /// Set-aside data in a JSON export: not imported (it is still in the file).
    pub unreadable_skipped: usize,
}

/// Reads an export back: JSON (a call log of this or an older version) or CSV (the columns
/// of [`csv::COLUMNS`]). Whole-file problems are an error; bad entries are listed and skipped.
pub fn parse_import(text: &str) -> Result<Parsed, Invalid> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(Invalid("the file is empty".into()));
    }
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        let value: Value = serde_json::from_str(trimmed).map_err(|e| Invalid(format!("not valid JSON: {e}")))?;
        return parse_json_import(&value);
    }
    csv::parse(text)
}

fn parse_json_import(value: &Value) -> Result<Parsed, Invalid> {
    let Value::Object(map) = value else {
        return Err(Invalid(
            "a list without a patient: import a call-log export (JSON or CSV) made by the extension".into(),
        ));
    };
    if map.get("schema").and_then(Value::as_str) != Some(SCHEMA) {
        return Err(Invalid("not a precall call-log export (no \"schema\": \"precall.calllog\")".into()));
    }
    let version = map.get("version").and_then(Value::as_u64).ok_or_else(|| Invalid("no version".into()))?;
    if version > VERSION as u64 {
        return Err(Invalid(format!(
            "made by a newer version of the extension (log version {version}); update the extension first"
        )));
    }
    if version < 1 {
        return Err(Invalid(format!("unknown log version {version}")));
    }
    let mut parsed = Parsed::default();
    let items = match map.get("entries") {
        Some(Value::Array(items)) => items.as_slice(),
        None => &[],
        Some(_) => return Err(Invalid("entries: not a list".into())),
    };
    for (i, item) in items.iter().enumerate() {
        match entry_from(item) {
            Ok(e) => parsed.entries.push(e),
            Err(Invalid(why)) => parsed.rejected.push(format!("entry {i}: {why}")),
        }
    }
    parsed.unreadable_skipped = map.get("unreadable").and_then(Value::as_array).map_or(0, Vec::len);
    Ok(parsed)
}

/// Groups entries by (origin, patient), in order of first appearance.
pub fn group(entries: Vec<Entry>) -> Vec<((String, String), Vec<Entry>)> {
    let mut groups: Vec<((String, String), Vec<Entry>)> = Vec::new();
    for e in entries {
        let key = (e.origin.clone(), e.patient.clone());
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => v.push(e),
            None => groups.push((key, vec![e])),
        }
    }
    groups
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
