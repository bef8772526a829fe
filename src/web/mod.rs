//! The browser glue (wasm32 only): the exports the extension calls, the web-sys DOM adapter
//! and Intl time zones. No checks live here: this layer reads a document, hands the snapshot
//! to the core and returns the panel (plain data) that `extension/overlay.js` draws.
//!
//! Two entry points read the same way: `check_page` reads the live page (the content script,
//! where the page lets it compile WebAssembly), `check_html` reads a copy of the page parsed
//! into an inert document (the offscreen engine page, for MIS pages whose CSP forbids it).

pub mod dom;
pub mod zones;

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::extract::{self, Profile};
use crate::model::*;
use crate::present::{self, Panel};
use crate::rules::{assess, Request};

/// What the extension passes in: settings from extension storage and the time.
#[derive(Deserialize, Default)]
#[serde(default)]
struct CheckInput {
    config: Option<serde_json::Value>,
    /// Milliseconds since the epoch: the clock is read by the glue, never by the core.
    now_ms: f64,
    purpose: Option<Purpose>,
    own_log: Option<Vec<Communication>>,
    /// Replies to the related reads this check asked for, by section. A profile with related
    /// reads gets `status: "related"` and the requests to make until each has its reply.
    related: Option<std::collections::BTreeMap<String, RelatedReply>>,
    /// A clinic's own profiles (settings): JSON text or objects, tried before the built-in ones.
    profiles: Option<Vec<serde_json::Value>>,
}

/// One related read as the content script made it.
#[derive(Deserialize)]
struct RelatedReply {
    /// The request body it answers (must equal the request this page needs now).
    body: String,
    /// The MIS's JSON reply, or `{"failed": why}` when the request could not be made.
    reply: serde_json::Value,
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
    /// An input the core could not take (bad settings, unknown time zone), in words.
    error: Option<String>,
    locale: Locale,
    panel: Option<Panel>,
    /// With `status: "related"`: the same-origin, read-only requests the profile declares for
    /// this page; send them and check again with the replies in `related`.
    related: Vec<extract::related::RelatedRequest>,
}

thread_local! {
    static PROFILES: Vec<Profile> = extract::builtin_profiles();
    /// The clinic's own profiles as the last check received them (the probe uses them too).
    static CUSTOM: std::cell::RefCell<Vec<Profile>> = const { std::cell::RefCell::new(Vec::new()) };
    static ZONES: zones::IntlZones = zones::IntlZones::default();
}

/// The configuration from storage, leniently: a broken setting falls back to the default and is reported.
fn config_from(value: Option<serde_json::Value>) -> (Config, Option<String>) {
    match value {
        None | Some(serde_json::Value::Null) => (Config::default(), None),
        Some(v) => match serde_path_to_error::deserialize::<_, Config>(v) {
            Ok(c) => (c, None),
            Err(e) => (Config::default(), Some(format!("settings `{}`: {}", e.path(), e.inner()))),
        },
    }
}

fn check(dom: &dom::WebDom, url: &str, input: JsValue) -> Result<JsValue, JsValue> {
    let mut input: CheckInput = serde_wasm_bindgen::from_value(input).map_err(|e| JsValue::from_str(&e.to_string()))?;
    let (config, config_problem) = config_from(input.config);
    let locale = config.locale;
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
        CUSTOM.with(|c| *c.borrow_mut() = parsed);
    }
    let Some(profile) = pick(dom, url) else {
        return to_js(&CheckResult { status: "not_patient_page", locale, ..Default::default() });
    };
    let patient_key = extract::patient_key_at(dom, &profile, url);
    if patient_key.is_none() && !profile.patient_key.is_empty() {
        // The profile says where the shown patient's id is, and it is empty: the MIS has not
        // put a record on screen yet (an SPA still loading it). Nothing to judge yet.
        return to_js(&CheckResult { status: "not_patient_page", profile: Some(profile.name.clone()), locale, ..Default::default() });
    }
    let base = CheckResult { profile: Some(profile.name.clone()), patient_key, locale, ..Default::default() };
    // Related reads (same-origin, read-only, declared by the profile): a reply is used only
    // for the very request this page needs now, so a reply fetched for the previous patient
    // never fills this one's card.
    let plan = extract::related::requests(dom, &profile, url);
    let supplied = input.related.unwrap_or_default();
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
        return to_js(&CheckResult { status: "related", related: missing, ..base });
    }
    let mut extraction = extract::extract(dom, &profile, url);
    if !profile.related.is_empty() {
        let zone = config.timezone.clone();
        let to_local = |utc: chrono::NaiveDateTime| {
            ZONES.with(|zones| crate::model::time::utc_to_local(zones, &zone, utc.and_utc()))
        };
        let parse = |html: &str| parse_document(html).ok().and_then(|d| dom::WebDom::from_document(&d));
        extract::related::apply_replies(&mut extraction, &profile, &replies, &to_local, &parse);
    }
    let (snapshot, problems) = snapshot_from_value(extraction.snapshot);
    let now = chrono::DateTime::from_timestamp_millis(input.now_ms as i64).ok_or("now_ms out of range")?;
    let request = Request { snapshot, config, now, purpose: input.purpose, own_log: input.own_log, problems };
    let assessment = match ZONES.with(|zones| assess(&request, zones)) {
        Ok(a) => a,
        Err(err) => return to_js(&CheckResult { status: "input_error", error: Some(err.to_string()), ..base }),
    };
    let mut panel = present::panel(&assessment, &request.snapshot, locale);
    panel.script = Some(crate::script::build(&assessment, &request.snapshot, &request.config, None));
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
    to_js(&CheckResult {
        status: "ok",
        verdict: Some(assessment.verdict),
        rules: assessment.findings.iter().map(|f| f.rule.clone()).collect(),
        reasons: assessment.reasons.iter().map(|r| r.kind).collect(),
        unverified: assessment.unverified.clone(),
        panel: Some(panel),
        ..base
    })
}

/// HTML parsed into an inert document (DOMParser: no scripts run, nothing loads).
fn parse_document(html: &str) -> Result<web_sys::Document, JsValue> {
    web_sys::DomParser::new()?.parse_from_string(html, web_sys::SupportedType::TextHtml)
}

/// The clinic's own profiles first, then the built-in ones.
fn pick(dom: &dom::WebDom, url: &str) -> Option<Profile> {
    CUSTOM
        .with(|c| extract::pick_profile(&c.borrow(), url, dom).cloned())
        .or_else(|| PROFILES.with(|profiles| extract::pick_profile(profiles, url, dom).cloned()))
}

fn document() -> Result<web_sys::Document, JsValue> {
    web_sys::window().and_then(|w| w.document()).ok_or_else(|| JsValue::from_str("no document"))
}

fn page_url(document: &web_sys::Document) -> String {
    document.location().and_then(|l| l.href().ok()).unwrap_or_default()
}

/// Reads the live page and assesses the patient it shows.
#[wasm_bindgen]
pub fn check_page(input: JsValue) -> Result<JsValue, JsValue> {
    let document = document()?;
    let dom = dom::WebDom::from_document(&document).ok_or("the document has no element yet")?;
    check(&dom, &page_url(&document), input)
}

/// Reads a copy of a page (HTML text, form values written into attributes), parsed into an
/// inert document: scripts do not run and nothing loads.
#[wasm_bindgen]
pub fn check_html(html: &str, url: &str, input: JsValue) -> Result<JsValue, JsValue> {
    let parsed = parse_document(html)?;
    let dom = dom::WebDom::from_document(&parsed).ok_or("the copy has no element")?;
    check(&dom, url, input)
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
    let key = extract::patient_key_at(&dom, &profile, &url).unwrap_or_default();
    Some(format!("{}\u{1}{key}\u{1}{:x}", profile.name, extract::fingerprint(&dom, &profile)))
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| JsValue::from_str(&e.to_string()))
}
