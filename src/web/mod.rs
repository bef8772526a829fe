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
    /// An input the core could not take (bad settings, unknown time zone), in words.
    error: Option<String>,
    locale: Locale,
    panel: Option<Panel>,
}

thread_local! {
    static PROFILES: Vec<Profile> = extract::builtin_profiles();
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

fn check(dom: &dom::WebDom, url: &str, input: JsValue) -> Result<JsValue, JsValue> {
    // Through serde_json::Value, so the contract types are compiled for one deserializer only.
    let input: serde_json::Value = serde_wasm_bindgen::from_value(input).map_err(|e| JsValue::from_str(&e.to_string()))?;
    let input: CheckInput = read_value(&input).map_err(|e| JsValue::from_str(&format!("input `{}`: {}", e.path, e.message)))?;
    let (config, config_problem) = config_from(input.config);
    let locale = config.locale;
    let picked = PROFILES.with(|profiles| {
        extract::pick_profile(profiles, url, dom)
            .map(|p| (p.name.clone(), extract::patient_key_at(dom, p, url), extract::key_probes(p), extract::extract(dom, p, url)))
    });
    let Some((profile, patient_key, key_probe, extraction)) = picked else {
        return to_js(&CheckResult { status: "not_patient_page", locale, ..Default::default() });
    };
    let (snapshot, problems) = snapshot_from_value(extraction.snapshot);
    let now = chrono::DateTime::from_timestamp_millis(input.now_ms as i64).ok_or("now_ms out of range")?;
    let request = Request { snapshot, config, now, purpose: input.purpose, own_log: input.own_log, problems };
    let base = CheckResult { profile: Some(profile), patient_key, key_probe, locale, ..Default::default() };
    let assessment = match ZONES.with(|zones| assess(&request, zones)) {
        Ok(a) => a,
        Err(err) => return to_js(&CheckResult { status: "input_error", error: Some(err.to_string()), ..base }),
    };
    let mut panel = present::panel(&assessment, &request.snapshot, locale);
    panel.script = Some(crate::script::build(&assessment, &request.snapshot, &request.config, None));
    if let Some(problem) = config_problem {
        panel.groups.push(present::Group {
            kind: present::GroupKind::NotVerified,
            heading: panel.words.not_verified.to_string(),
            items: vec![present::Item { text: problem, source: Some("config".into()) }],
        });
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
    let parser = web_sys::DomParser::new()?;
    let parsed = parser.parse_from_string(html, web_sys::SupportedType::TextHtml)?;
    let dom = dom::WebDom::from_document(&parsed).ok_or("the copy has no element")?;
    check(&dom, url, input)
}

/// Which patient the page shows now (cheap), so the content script notices SPA switches.
#[wasm_bindgen]
pub fn current_patient_key() -> Option<String> {
    let document = document().ok()?;
    let url = page_url(&document);
    let dom = dom::WebDom::from_document(&document)?;
    PROFILES.with(|profiles| {
        let profile = extract::pick_profile(profiles, &url, &dom)?;
        extract::patient_key_at(&dom, profile, &url)
    })
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| JsValue::from_str(&e.to_string()))
}
