//! The browser glue (wasm32 only): the exports the extension calls, the web-sys DOM adapter
//! and Intl time zones. No checks live here: this layer reads a document, hands the snapshot
//! to the core and returns the panel (plain data) that `extension/overlay.js` draws.
//!
//! Two entry points read the same way: `check_page` reads the live page (the content script,
//! where the page lets it compile WebAssembly), `check_html` reads a copy of the page parsed
//! into an inert document (the offscreen engine page, for MIS pages whose CSP forbids it).
//! Both take the patient's record of the extension's own call log and, for the dial guard, the
//! contact about to be made. `call_log` is the service worker's one entry to the stored log
//! (load, record, merge, import, export): the worker keeps the records, the core decides.

pub mod dom;
#[cfg(feature = "pages")]
pub mod report;
pub mod zones;

use std::rc::Rc;

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::calllog;
use crate::dial::{self, DialButton, DialHead, DialWords};
use crate::extract::{self, Profile};
use crate::model::*;
use crate::present::{self, Panel};
use crate::rules::{assess, Intended, Request};

/// What the extension passes in: settings from extension storage and the time.
#[derive(Deserialize, Default)]
#[serde(default)]
struct CheckInput {
    config: Option<serde_json::Value>,
    /// Milliseconds since the epoch: the clock is read by the glue, never by the core.
    now_ms: f64,
    purpose: Option<Purpose>,
    own_log: Option<Vec<Communication>>,
    /// This patient's stored record of the extension's own call log (as the service worker
    /// keeps it), counted with the MIS's log; unreadable parts make the check say so.
    call_log: Option<serde_json::Value>,
    /// The dial guard: the contact about to be made (the clicked link's channel and number).
    intended: Option<Intended>,
    /// The clinic's choice, per profile name, to turn plain-text phone numbers into guarded
    /// links (`{"demo-mis": true}`; the profile's default otherwise). Read leniently: a setting
    /// that is not a yes or no is ignored.
    phone_text: Option<serde_json::Value>,
    /// Only which patient the page shows (the engine path's cheap first step).
    key_only: bool,
    /// Replies to the related reads this check asked for, by section. A profile with related
    /// reads gets `status: "related"` and the requests to make until each has its reply.
    related: Option<std::collections::BTreeMap<String, RelatedReply>>,
    /// A clinic's own profiles (settings): JSON text or objects, tried before the built-in ones.
    profiles: Option<Vec<serde_json::Value>>,
    /// The clinic's script templates (settings): JSON text or an object; defaults when absent.
    templates: Option<serde_json::Value>,
    /// The browser policy's settings (`chrome.storage.managed`), over the user's.
    managed: Option<serde_json::Value>,
    /// Teach mode: the element the user clicked for a target the profile did not read. The
    /// answer is `status: "teach"` with the place chosen, what it reads, and the profile.
    teach: Option<extract::teach::Request>,
}

impl CheckInput {
    /// Puts the policy's values over the user's settings (`settings::effective`).
    fn apply_managed(&mut self) {
        let Some(managed) = self.managed.take() else { return };
        let user = serde_json::json!({
            "config": self.config.take(),
            "templates": self.templates.take(),
            "profiles": self.profiles.take(),
            "dial": {"phone_text": self.phone_text.take()},
        });
        let (mut eff, _) = crate::settings::effective(&user, &managed);
        let mut take = |k: &str| eff.get_mut(k).map(serde_json::Value::take).filter(|v| !v.is_null());
        self.config = take("config");
        self.templates = take("templates");
        self.profiles = take("profiles").and_then(|v| serde_json::from_value(v).ok());
        self.phone_text = take("dial")
            .and_then(|mut d| d.get_mut("phone_text").map(serde_json::Value::take))
            .filter(|v| !v.is_null());
    }
}

/// One related read as the content script made it.
#[derive(Deserialize)]
struct RelatedReply {
    /// The request body it answers (must equal the request this page needs now).
    body: String,
    /// The MIS's JSON reply, or `{"failed": why}` when the request could not be made.
    reply: serde_json::Value,
}

/// The dial guard's part of the result.
#[derive(Serialize)]
struct DialOut {
    /// The profile's click-to-call buttons.
    buttons: Vec<DialButton>,
    /// Phone numbers shown as plain text that may become guarded links (as written), and
    /// where (selectors); empty unless turned on.
    phones: Vec<dial::FoundPhone>,
    within: Vec<String>,
    /// For a dial (`intended` given): the dialog's head.
    head: Option<DialHead>,
    words: &'static DialWords,
}

/// What comes back: the verdict in brief (for tests and the SPA logic) and the panel to draw.
#[derive(Serialize, Default)]
struct CheckResult {
    status: &'static str,
    verdict: Option<Verdict>,
    rules: Vec<String>,
    reasons: Vec<ReasonKind>,
    unverified: Vec<Section>,
    profile: Option<String>,
    patient_key: Option<String>,
    /// How the content script can read the key itself (`extract::key_probes`).
    key_probe: Option<Vec<extract::KeyProbe>>,
    /// The section roots the content script compares to notice a relevant change where the
    /// core is not in the page (the engine path; `extract::state_probes`).
    #[serde(skip_serializing_if = "Option::is_none")]
    state_probe: Option<Vec<Vec<String>>>,
    /// In the page: the state (`current_state`) as this check read it, so a change while the
    /// check runs is noticed, and nothing is read twice before the overlay is drawn.
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<String>,
    /// An input the core could not take (bad settings, unknown time zone), in words.
    error: Option<String>,
    /// The stored call log given as `call_log` must be written back (an older version, or
    /// something set aside): the content script reads the log itself and asks the service
    /// worker, its only writer, to do it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    own_log_changed: bool,
    locale: Locale,
    /// The overlay's own words in this locale (for the messages drawn without a panel).
    words: Option<&'static present::Words>,
    panel: Option<Panel>,
    /// The purpose of the contact: the one given, else the one the first reason implies.
    purpose: Option<Purpose>,
    dial: Option<DialOut>,
    /// With `status: "related"`: the same-origin, read-only requests the profile declares for
    /// this page; send them and check again with the replies in `related`.
    related: Vec<extract::related::RelatedRequest>,
    /// What the profile found on the page (sections, fields, alternatives matched).
    /// (As JSON data: one serializer for the profile and coverage types in the .wasm.)
    coverage: Option<serde_json::Value>,
    /// Targets teach mode offers: what the profile did not read here.
    teach_targets: Vec<&'static str>,
    /// Teach mode's answer (`status: "teach"`), or why it has none (`error`).
    teach: Option<serde_json::Value>,
}

/// How long reading one page may take (ms): past it the page is "too large to check" (the
/// content script's read blocks the page's main thread while it runs).
/// 1 s: a normal card reads in milliseconds, so this leaves room for a busy, slow PC while
/// keeping the longest main-thread task well under the 1.5 s the large-page test allows.
const READ_BUDGET_MS: f64 = 1000.0;

thread_local! {
    /// The built-in profiles, each parsed the first time a page needs it, in order: an MIS
    /// page is usually recognised by the first or second, and a new page's first check (a
    /// new wasm instance) does not parse the ones it never tries.
    static BUILTIN: [std::cell::OnceCell<Option<Rc<Profile>>>; extract::BUILTIN_PROFILE_SOURCES.len()] =
        std::array::from_fn(|_| std::cell::OnceCell::new());
    /// The clinic's own profiles as the last check received them (the probe uses them too).
    static CUSTOM: std::cell::RefCell<Vec<Rc<Profile>>> = const { std::cell::RefCell::new(Vec::new()) };
    static ZONES: zones::IntlZones = zones::IntlZones::default();
}

/// The configuration from storage, leniently: a broken setting falls back to the default and is reported.
fn config_from(value: Option<serde_json::Value>) -> (Config, Option<String>) {
    match value {
        None | Some(serde_json::Value::Null) => (Config::default(), None),
        Some(v) => match read_value::<Config>(&v) {
            Ok(c) => (c, None),
            Err(e) => (Config::default(), Some(format!("settings `{}`: {}", e.path, e.message))),
        },
    }
}

/// "https://mis.example.ru:8443" from a page URL.
fn origin_of(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            format!("{scheme}://{host}")
        }
        None => String::new(),
    }
}

/// Plain-text phone numbers inside the profile's `within` (each element's own text, so a
/// number is never glued to a neighbouring cell's).
fn phones_in(dom: &dom::WebDom, within: &[String]) -> Vec<dial::FoundPhone> {
    use crate::extract::Dom;
    const MAX_NODES: usize = 4000;
    let mut out: Vec<dial::FoundPhone> = Vec::new();
    let mut seen = 0;
    let root = dom.root();
    let mut stack: Vec<_> = within.iter().flat_map(|sel| dom.select(&root, sel, 4)).collect();
    while let Some(node) = stack.pop() {
        seen += 1;
        if seen > MAX_NODES || out.len() >= 50 {
            break;
        }
        let tag = dom.tag(&node);
        if matches!(tag.as_str(), "a" | "button" | "script" | "style" | "input" | "textarea" | "select" | "option") {
            continue;
        }
        for found in dial::find_phones(&dom.own_text(&node, 4096), 10) {
            if !out.iter().any(|f| f.text == found.text) {
                out.push(found);
            }
        }
        stack.extend(dom.children(&node));
    }
    out
}

/// What a check read from the page, still to be judged: a new page's first check reads in
/// one task and judges in the next, so that neither is a long task for the MIS page.
struct Read {
    input: CheckInput,
    config: Config,
    config_problem: Option<String>,
    custom_problems: Vec<String>,
    /// The answer's fields known after reading (profile, patient, probes, words).
    base: CheckResult,
    extraction: extract::Extraction,
    origin: String,
    buttons: Vec<DialButton>,
    phones: Vec<dial::FoundPhone>,
    within: Vec<String>,
}

/// A check's first step: an answer already (not a patient page, related reads wanted, too
/// large, teach mode), or what was read, to judge.
#[allow(clippy::large_enum_variant)] // one per check, moved once or twice: boxing buys nothing
enum Step {
    Answer(CheckResult),
    Read(Read),
}

/// A whole check: read, then judge.
fn check(dom: &dom::WebDom, url: &str, input: &str, with_state: bool) -> Result<String, JsValue> {
    match read(dom, url, input, with_state)? {
        Step::Answer(result) => answer(&result),
        Step::Read(read) => answer(&judge(read)?),
    }
}

/// Reads the page (everything that needs the DOM).
/// `with_state`: also answer the page's state (`current_state`) at this read (in the page;
/// the engine's copy has no later state to compare).
fn read(dom: &dom::WebDom, url: &str, input: &str, with_state: bool) -> Result<Step, JsValue> {
    // Test builds only (`--features fault-hook`): a page marked so makes the core panic, to
    // test that the extension recovers. Not compiled into the release .wasm. The panic leaves
    // state behind, as a real one can (a RefCell still borrowed: a trap runs no destructors),
    // so this instance fails on every later call: only a fresh instance works again.
    #[cfg(feature = "fault-hook")]
    {
        use crate::extract::Dom;
        thread_local!(static STATE: std::cell::RefCell<()> = const { std::cell::RefCell::new(()) });
        STATE.with(|state| {
            let _held = state.borrow_mut();
            if dom.attr(&dom.root(), "data-precall-fault").is_some() {
                panic!("fault hook");
            }
        });
    }
    // Through serde_json::Value, so the contract types are compiled for one deserializer only.
    let input: serde_json::Value = serde_json::from_str(input).map_err(|e| JsValue::from_str(&e.to_string()))?;
    let mut input: CheckInput =
        read_value(&input).map_err(|e| JsValue::from_str(&format!("input `{}`: {}", e.path, e.message)))?;
    input.apply_managed();
    let (config, config_problem) = config_from(input.config.take());
    let locale = config.locale;
    let words = Some(present::words(locale));
    let mut custom_problems = Vec::new();
    if let Some(list) = input.profiles.take() {
        let mut parsed = Vec::new();
        for (i, v) in list.into_iter().enumerate() {
            let text = match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            match Profile::from_json(&text) {
                Ok(p) => parsed.push(p),
                Err(e) => custom_problems.push(format!("settings `profiles[{i}]`: {e}")),
            }
        }
        CUSTOM.with(|c| *c.borrow_mut() = parsed.into_iter().map(Rc::new).collect());
    }
    let Some(picked) = pick(dom, url) else {
        return Ok(Step::Answer(CheckResult { status: "not_patient_page", locale, words, ..Default::default() }));
    };
    let profile = picked.name.clone();
    let patient_key = extract::patient_key_at(dom, &picked, url);
    let key_probe = extract::key_probes(&picked);
    // Taken where an answer carries it (teach mode's does not).
    let state = || with_state.then(|| state_of(dom, &picked, patient_key.as_deref()));
    if patient_key.is_none() && !picked.patient_key.is_empty() {
        // The profile says where the shown patient's id is, and it is empty: the MIS has not
        // put a record on screen yet (an SPA still loading it). Nothing to judge yet.
        return Ok(Step::Answer(CheckResult {
            status: "not_patient_page",
            profile: Some(profile),
            key_probe,
            state: state(),
            locale,
            words,
            ..Default::default()
        }));
    }
    if input.key_only {
        return Ok(Step::Answer(CheckResult {
            status: "key",
            profile: Some(profile),
            state: state(),
            patient_key,
            key_probe,
            locale,
            words,
            ..Default::default()
        }));
    }
    if let Some(req) = input.teach.take() {
        return Ok(Step::Answer(match extract::teach::teach(dom, &picked, &origin_of(url), url, &req) {
            Ok(outcome) => {
                let teach = serde_json::to_value(&outcome).ok();
                CheckResult { status: "teach", profile: Some(profile), teach, locale, ..Default::default() }
            }
            Err(e) => {
                CheckResult { status: "teach", profile: Some(profile), error: Some(e), locale, ..Default::default() }
            }
        }));
    }
    let base = CheckResult {
        profile: Some(profile.clone()),
        patient_key: patient_key.clone(),
        key_probe,
        state_probe: extract::state_probes(&picked),
        state: state(),
        locale,
        words,
        ..Default::default()
    };
    // Related reads (same-origin, read-only, declared by the profile): a reply is used only
    // for the very request this page needs now, so a reply fetched for the previous patient
    // never fills this one's card.
    let plan = extract::related::requests(dom, &picked, url);
    let supplied = input.related.take().unwrap_or_default();
    let mut replies = std::collections::BTreeMap::new();
    let mut missing = Vec::new();
    for item in plan {
        match item {
            Ok(req) => match supplied.get(&req.section).filter(|s| s.body == req.body) {
                Some(s) => {
                    replies.insert(req.section.clone(), s.reply.clone());
                }
                None => missing.push(req),
            },
            Err((section, why)) => {
                replies.insert(section, serde_json::json!({ "failed": why }));
            }
        }
    }
    if !missing.is_empty() {
        return Ok(Step::Answer(CheckResult { status: "related", related: missing, ..base }));
    }
    let mut extraction = extract::extract_or_stop(dom, &picked, url);
    // A work limit was reached (rows, nodes, time): part of the card was not read, so no verdict.
    if extraction.coverage.truncated {
        return Ok(Step::Answer(CheckResult { status: "too_large", ..base }));
    }
    if !picked.related.is_empty() {
        let zone = config.timezone.clone();
        let to_local = |utc: chrono::NaiveDateTime| {
            ZONES.with(|zones| crate::model::time::utc_to_local(zones, &zone, utc.and_utc()))
        };
        let parse = |html: &str| parse_document(html).ok().and_then(|d| dom::WebDom::from_document(&d));
        extract::related::apply_replies(&mut extraction, &picked, &replies, &to_local, &parse);
    }
    // The page's plain-text phone numbers (a DOM read): only for a panel, not for a dial.
    let spec = picked.dial.clone().unwrap_or_default();
    let phone_text_on = spec.phone_text.as_ref().is_some_and(|p| {
        input
            .phone_text
            .as_ref()
            .and_then(|m| m.get(&profile))
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(p.enabled)
    });
    let within = if phone_text_on { spec.phone_text.map(|p| p.within).unwrap_or_default() } else { vec![] };
    let phones = if input.intended.is_none() { phones_in(dom, &within) } else { vec![] };
    Ok(Step::Read(Read {
        input,
        config,
        config_problem,
        custom_problems,
        base,
        extraction,
        origin: origin_of(url),
        buttons: spec.buttons,
        phones,
        within,
    }))
}

/// Judges what was read: the assessment, the panel, the call script (no DOM).
fn judge(read: Read) -> Result<CheckResult, JsValue> {
    let Read { input, config, config_problem, custom_problems, base, extraction, origin, buttons, phones, within } =
        read;
    let locale = config.locale;
    let patient_key = base.patient_key.clone();
    let teach_targets = extract::teach::unread(&extraction.coverage);
    let coverage = serde_json::to_value(&extraction.coverage).ok();
    let (snapshot, problems) = snapshot_from_value(extraction.snapshot);
    let now = chrono::DateTime::from_timestamp_millis(input.now_ms as i64).ok_or("now_ms out of range")?;
    // The extension's own log for this patient (only a record for this origin and patient).
    let mut own_log = input.own_log;
    let mut own_log_unreadable = false;
    let mut own_log_changed = false;
    if let (Some(value), Some(key)) = (&input.call_log, &patient_key) {
        let loaded = calllog::load(value, &origin, key);
        own_log_unreadable = !loaded.log.unreadable.is_empty();
        own_log_changed = loaded.changed;
        own_log.get_or_insert_with(Vec::new).extend(calllog::to_communications(&loaded.log.entries));
    }
    let intended = input.intended;
    let request = Request {
        snapshot,
        config,
        now,
        purpose: input.purpose,
        own_log,
        problems,
        intended: intended.clone(),
        own_log_unreadable,
    };
    let assessment = match ZONES.with(|zones| assess(&request, zones)) {
        Ok(a) => a,
        Err(err) => return Ok(CheckResult { status: "input_error", error: Some(err.to_string()), ..base }),
    };
    let dial_out = DialOut {
        buttons,
        phones,
        within,
        head: intended.as_ref().map(|i| dial::head(&assessment, i.channel, i.number.as_deref(), locale)),
        words: dial::words(locale),
    };
    let mut panel = present::panel(&assessment, &request.snapshot, locale);
    let templates = input.templates.map(|t| match t {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    });
    panel.script =
        Some(crate::script::build_with_json(&assessment, &request.snapshot, &request.config, templates.as_deref()));
    // Settings the core could not take are listed under "Not verified" (one group).
    let problems: Vec<present::Item> = config_problem
        .map(|text| present::Item { text, source: Some("config".into()) })
        .into_iter()
        .chain(custom_problems.into_iter().map(|text| present::Item { text, source: Some("profiles".into()) }))
        .collect();
    if !problems.is_empty() {
        match panel.groups.iter_mut().find(|g| g.kind == present::GroupKind::NotVerified) {
            Some(g) => g.items.extend(problems),
            None => panel.groups.push(present::Group {
                kind: present::GroupKind::NotVerified,
                heading: panel.words.not_verified.to_string(),
                items: problems,
            }),
        }
    }
    Ok(CheckResult {
        status: "ok",
        own_log_changed,
        verdict: Some(assessment.verdict),
        rules: assessment.findings.iter().map(|f| f.rule.clone()).collect(),
        reasons: assessment.reasons.iter().map(|r| r.kind).collect(),
        unverified: assessment.unverified.clone(),
        purpose: request.purpose.or_else(|| dial::implied_purpose(&assessment.reasons)),
        panel: Some(panel),
        dial: Some(dial_out),
        coverage,
        teach_targets,
        ..base
    })
}

/// The clinic's own profiles first, then the built-in ones (shared, not copied per check).
fn pick(dom: &dom::WebDom, url: &str) -> Option<Rc<Profile>> {
    CUSTOM.with(|c| c.borrow().iter().find(|p| extract::profile_accepts(p, url, dom)).cloned()).or_else(|| {
        (0..extract::BUILTIN_PROFILE_SOURCES.len())
            .filter_map(builtin_profile)
            .find(|p| extract::profile_accepts(p, url, dom))
    })
}

/// The `i`th built-in profile, parsed on first use (one that does not parse is a bug the
/// native tests catch; here it is skipped).
fn builtin_profile(i: usize) -> Option<Rc<Profile>> {
    BUILTIN.with(|all| {
        all[i].get_or_init(|| Profile::from_json(extract::BUILTIN_PROFILE_SOURCES[i].1).ok().map(Rc::new)).clone()
    })
}

/// HTML parsed into an inert document (DOMParser: no scripts run, nothing loads).
fn parse_document(html: &str) -> Result<web_sys::Document, JsValue> {
    web_sys::DomParser::new()?.parse_from_string(html, web_sys::SupportedType::TextHtml)
}

fn document() -> Result<web_sys::Document, JsValue> {
    web_sys::window().and_then(|w| w.document()).ok_or_else(|| JsValue::from_str("no document"))
}

fn page_url(document: &web_sys::Document) -> String {
    document.location().and_then(|l| l.href().ok()).unwrap_or_default()
}

/// A check's answer as JSON text. The input and the answer cross into and out of wasm as JSON
/// text: the browser's own `JSON.stringify`/`JSON.parse` and one copy each way, not a call
/// across the boundary for every field and array item (and no second serializer in the .wasm).
fn answer(result: &CheckResult) -> Result<String, JsValue> {
    serde_json::to_string(result).map_err(|e| JsValue::from_str(&e.to_string()))
}

/// Reads the live page and assesses the patient it shows. `input`: the check input as JSON
/// text; the answer is JSON text too.
#[wasm_bindgen]
pub fn check_page(input: &str) -> Result<String, JsValue> {
    let document = document()?;
    let dom = dom::WebDom::from_document(&document).ok_or("the document has no element yet")?;
    check(&dom.with_budget_ms(READ_BUDGET_MS), &page_url(&document), input, true)
}

thread_local! {
    /// What `read_page` read, until `judge_read` judges it.
    static READ: std::cell::RefCell<Option<Read>> = const { std::cell::RefCell::new(None) };
}

/// [`check_page`] in two calls, for the content script to run in two tasks: this one reads
/// the live page and answers as `check_page` would, or `{"status":"read"}`: call
/// [`judge_read`] (after letting the page run) for the answer.
#[wasm_bindgen]
pub fn read_page(input: &str) -> Result<String, JsValue> {
    let document = document()?;
    let dom = dom::WebDom::from_document(&document).ok_or("the document has no element yet")?;
    READ.with(|r| r.borrow_mut().take());
    match read(&dom.with_budget_ms(READ_BUDGET_MS), &page_url(&document), input, true)? {
        Step::Answer(result) => answer(&result),
        Step::Read(read) => {
            READ.with(|r| *r.borrow_mut() = Some(read));
            Ok(r#"{"status":"read"}"#.to_string())
        }
    }
}

/// The answer to what the last `read_page` read (once). `call_log` is the patient's stored
/// record as JSON text (`null`: none), given here rather than to `read_page`: it is only
/// judged, so the content script reads it from storage while the page is being read.
#[wasm_bindgen]
pub fn judge_read(call_log: &str) -> Result<String, JsValue> {
    let mut read = READ.with(|r| r.borrow_mut().take()).ok_or("nothing was read")?;
    let record: serde_json::Value =
        serde_json::from_str(call_log).map_err(|e| JsValue::from_str(&format!("call_log: {e}")))?;
    read.input.call_log = Some(record).filter(|v| !v.is_null());
    answer(&judge(read)?)
}

#[cfg(feature = "pages")]
/// Reads a copy of a page (HTML text, form values written into attributes), parsed into an
/// inert document: scripts do not run and nothing loads.
#[wasm_bindgen]
pub fn check_html(html: &str, url: &str, input: &str) -> Result<String, JsValue> {
    let parsed = parse_document(html)?;
    let dom = dom::WebDom::from_document(&parsed).ok_or("the copy has no element")?;
    check(&dom.with_budget_ms(READ_BUDGET_MS), url, input, false)
}

/// Which patient the page shows now (cheap), so the content script notices SPA switches.
#[wasm_bindgen]
pub fn current_patient_key() -> Option<String> {
    let document = document().ok()?;
    let url = page_url(&document);
    let dom = dom::WebDom::from_document(&document)?;
    let profile = pick(&dom, &url)?;
    extract::patient_key_at(&dom, &profile, &url)
}

/// Which patient the page shows and a fingerprint of the sections the profile reads (cheap):
/// the content script re-checks when either changes.
#[wasm_bindgen]
pub fn current_state() -> Option<String> {
    let document = document().ok()?;
    let url = page_url(&document);
    let dom = dom::WebDom::from_document(&document)?;
    let profile = pick(&dom, &url)?;
    let key = extract::patient_key_at(&dom, &profile, &url);
    Some(state_of(&dom, &profile, key.as_deref()))
}

/// The state `current_state` answers: the profile, the patient and the sections' fingerprint.
fn state_of(dom: &dom::WebDom, profile: &Profile, key: Option<&str>) -> String {
    format!("{}\u{1}{}\u{1}{:x}", profile.name, key.unwrap_or_default(), extract::fingerprint(dom, profile))
}

#[cfg(feature = "pages")]
/// The stored call log, for the service worker: `op` is one of
/// - `load` `{value, origin, patient}` → `{log, changed, migrated_from, entries, unreadable}`;
/// - `record` `{value, origin, patient, recording, config}` → `{log, entry}`;
/// - `merge` `{value, origin, patient, entries}` → `{log, report}`;
/// - `parse_import` `{text}` → `{groups: [{origin, patient, entries}], rejected, unreadable_skipped}`;
/// - `export` `{records: [{origin, patient, value}], format: "json" | "csv"}` → `{text, entries, unreadable}`.
///
/// A refusal (bad input, an entry that does not validate) is `{error}` in words, never a throw.
#[wasm_bindgen]
pub fn call_log(op: &str, args: JsValue) -> Result<JsValue, JsValue> {
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Args {
        value: serde_json::Value,
        origin: String,
        patient: String,
        recording: Option<calllog::Recording>,
        config: Option<serde_json::Value>,
        entries: Vec<serde_json::Value>,
        text: String,
        records: Vec<Args>,
        format: String,
        /// The policy's settings: its `config` is put over `config` (the caller's name).
        managed: Option<serde_json::Value>,
    }
    #[derive(Serialize, Default)]
    struct Out {
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<String>,
        /// The record to store (as JSON data: one serializer for the log's types).
        #[serde(skip_serializing_if = "Option::is_none")]
        log: Option<serde_json::Value>,
        changed: bool,
        migrated_from: Option<u32>,
        entries: usize,
        unreadable: usize,
        #[serde(skip_serializing_if = "Option::is_none")]
        entry: Option<serde_json::Value>,
        #[serde(skip_serializing_if = "Option::is_none")]
        report: Option<calllog::MergeReport>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        groups: Vec<serde_json::Value>,
        rejected: Vec<String>,
        unreadable_skipped: usize,
        #[serde(skip_serializing_if = "Option::is_none")]
        text: Option<String>,
    }
    // Through `Value`, as the snapshot is read (one deserializer per type in the .wasm).
    let args: serde_json::Value =
        serde_wasm_bindgen::from_value(args).map_err(|e| JsValue::from_str(&e.to_string()))?;
    let args: Args = serde_path_to_error::deserialize(args).map_err(|e| JsValue::from_str(&e.to_string()))?;
    let refuse = |e: String| to_js(&Out { error: Some(e), ..Default::default() });
    let counted = |log: calllog::Log, out: Out| Out {
        entries: log.entries.len(),
        unreadable: log.unreadable.len(),
        log: Some(calllog::to_value(&log)),
        ..out
    };
    match op {
        "load" => {
            let l = calllog::load(&args.value, &args.origin, &args.patient);
            to_js(&counted(l.log, Out { changed: l.changed, migrated_from: l.migrated_from, ..Default::default() }))
        }
        "record" => {
            let Some(recording) = args.recording else { return refuse("no recording".into()) };
            let config = match &args.managed {
                Some(m) => {
                    crate::settings::effective(&serde_json::json!({"config": args.config}), m).0["config"].take()
                }
                None => args.config.unwrap_or(serde_json::Value::Null),
            };
            let (config, _) = config_from(Some(config));
            let mut log = calllog::load(&args.value, &args.origin, &args.patient).log;
            match ZONES.with(|zones| calllog::record(&mut log, recording, &args.origin, &args.patient, &config, zones))
            {
                Ok(entry) => {
                    let entry = serde_json::to_value(&entry).ok();
                    to_js(&counted(log, Out { entry, changed: true, ..Default::default() }))
                }
                Err(e) => refuse(e.0),
            }
        }
        "merge" => {
            let mut log = calllog::load(&args.value, &args.origin, &args.patient).log;
            let mut incoming = Vec::new();
            for item in &args.entries {
                match calllog::entry_from(item) {
                    Ok(e) if e.origin == args.origin && e.patient == args.patient => incoming.push(e),
                    Ok(_) => return refuse("an entry of another patient".into()),
                    Err(e) => return refuse(e.0),
                }
            }
            let report = calllog::merge(&mut log, incoming);
            to_js(&counted(
                log,
                Out { report: Some(report), changed: report.added + report.updated > 0, ..Default::default() },
            ))
        }
        "parse_import" => match calllog::parse_import(&args.text) {
            Err(e) => refuse(e.0),
            Ok(parsed) => {
                let groups = calllog::group(parsed.entries)
                    .into_iter()
                    .map(|((origin, patient), entries)| {
                        let entries =
                            calllog::to_value(&calllog::Log { entries, ..Default::default() })["entries"].take();
                        serde_json::json!({"origin": origin, "patient": patient, "entries": entries})
                    })
                    .collect();
                to_js(&Out {
                    groups,
                    rejected: parsed.rejected,
                    unreadable_skipped: parsed.unreadable_skipped,
                    ..Default::default()
                })
            }
        },
        "export" => {
            let logs: Vec<calllog::Log> =
                args.records.iter().map(|r| calllog::load(&r.value, &r.origin, &r.patient).log).collect();
            let all = calllog::combine(logs);
            let text = match args.format.as_str() {
                "csv" => calllog::csv::write(&all.entries),
                "json" => calllog::export_json(&all),
                other => return refuse(format!("unknown format {other:?}")),
            };
            to_js(&Out {
                text: Some(text),
                entries: all.entries.len(),
                unreadable: all.unreadable.len(),
                ..Default::default()
            })
        }
        other => refuse(format!("unknown operation {other:?}")),
    }
}

#[cfg(feature = "pages")]
/// The options page's settings work (`crate::settings`): `op` is one of
/// - `validate` `{settings, locale}` → `{errors: [{path, code, args}]}`;
/// - `effective` `{user, managed}` → `{settings, locked: [path]}`;
/// - `export` `{settings}` → `{text}`; `import` `{text, locale}` → `{settings}` or `{errors}`;
/// - `defaults` `{locale}` → `{config, templates}`.
#[wasm_bindgen]
pub fn settings(op: &str, args: JsValue) -> Result<JsValue, JsValue> {
    use crate::settings as s;
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Args {
        settings: serde_json::Value,
        user: serde_json::Value,
        managed: serde_json::Value,
        text: String,
        locale: Option<Locale>,
    }
    let args: serde_json::Value =
        serde_wasm_bindgen::from_value(args).map_err(|e| JsValue::from_str(&e.to_string()))?;
    let args: Args = serde_json::from_value(args).map_err(|e| JsValue::from_str(&e.to_string()))?;
    let locale = args.locale.unwrap_or_default();
    let out = match op {
        "validate" => {
            let errors = ZONES.with(|z| s::validate(&args.settings, z, locale));
            serde_json::json!({ "errors": errors })
        }
        "effective" => {
            let (settings, locked) = s::effective(&args.user, &args.managed);
            serde_json::json!({ "settings": settings, "locked": locked })
        }
        "export" => serde_json::json!({ "text": s::export(&args.settings) }),
        "import" => match ZONES.with(|z| s::import(&args.text, z, locale)) {
            Ok(settings) => serde_json::json!({ "settings": settings }),
            Err(errors) => serde_json::json!({ "errors": errors }),
        },
        "defaults" => s::defaults(locale),
        other => return Err(JsValue::from_str(&format!("unknown operation {other:?}"))),
    };
    to_js(&out)
}

#[cfg(feature = "pages")]
/// The profiles page: `op` is
/// - `catalog` `{custom: [profile JSON text or object]}` → `{builtin: [profile], custom: [{profile?, error?}]}`;
/// - `validate` `{text}` → `{profile}` (checked and normalised) or `{error}` in words.
#[wasm_bindgen]
pub fn profiles(op: &str, args: JsValue) -> Result<JsValue, JsValue> {
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Args {
        custom: Vec<serde_json::Value>,
        text: String,
    }
    #[derive(Serialize, Default)]
    struct One {
        #[serde(skip_serializing_if = "Option::is_none")]
        profile: Option<serde_json::Value>,
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<String>,
    }
    let args: serde_json::Value =
        serde_wasm_bindgen::from_value(args).map_err(|e| JsValue::from_str(&e.to_string()))?;
    let args: Args = serde_json::from_value(args).map_err(|e| JsValue::from_str(&e.to_string()))?;
    let one = |text: &str| match Profile::from_json(text) {
        Ok(p) => One { profile: serde_json::to_value(&p).ok(), error: None },
        Err(e) => One { profile: None, error: Some(e) },
    };
    match op {
        "catalog" => {
            let custom: Vec<One> = args
                .custom
                .iter()
                .map(|v| match v {
                    serde_json::Value::String(s) => one(s),
                    other => one(&other.to_string()),
                })
                .collect();
            let builtin: Vec<Rc<Profile>> =
                (0..extract::BUILTIN_PROFILE_SOURCES.len()).filter_map(builtin_profile).collect();
            let builtin: Vec<&Profile> = builtin.iter().map(|p| &**p).collect();
            to_js(
                &serde_json::json!({ "builtin": builtin, "custom": serde_json::to_value(&custom).unwrap_or_default() }),
            )
        }
        "validate" => to_js(&one(&args.text)),
        other => Err(JsValue::from_str(&format!("unknown operation {other:?}"))),
    }
}

#[cfg(feature = "pages")]
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| JsValue::from_str(&e.to_string()))
}
