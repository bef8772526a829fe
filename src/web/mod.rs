//! The browser glue (wasm32 only): the exports the content script calls, the web-sys DOM
//! adapter, Intl time zones and the overlay. No checks live here: this layer reads the page,
//! hands a snapshot to the core and draws what comes back.

pub mod dom;
pub mod overlay;
pub mod zones;

use std::cell::RefCell;

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::extract::{self, Profile};
use crate::model::*;
use crate::present;
use crate::rules::{assess, Request};

/// What the content script passes in: settings from extension storage and the time.
#[derive(Deserialize, Default)]
#[serde(default)]
struct PageInput {
    config: Option<serde_json::Value>,
    /// Milliseconds since the epoch: the clock is read by the glue, never by the core.
    now_ms: f64,
    purpose: Option<Purpose>,
    own_log: Option<Vec<Communication>>,
}

/// What the content script gets back: no patient data beyond the page's own key.
#[derive(Serialize)]
struct PageResult {
    status: &'static str,
    verdict: Option<Verdict>,
    rules: Vec<String>,
    reasons: Vec<ReasonKind>,
    unverified: Vec<Section>,
    profile: Option<String>,
    patient_key: Option<String>,
}

thread_local! {
    static PROFILES: Vec<Profile> = extract::builtin_profiles();
    static ZONES: zones::IntlZones = zones::IntlZones::default();
    static LAST_LOCALE: RefCell<Locale> = const { RefCell::new(Locale::Ru) };
}

fn document() -> Result<web_sys::Document, JsValue> {
    web_sys::window().and_then(|w| w.document()).ok_or_else(|| JsValue::from_str("no document"))
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

/// Reads the current page, assesses the patient and draws the overlay.
#[wasm_bindgen]
pub fn check_page(input: JsValue) -> Result<JsValue, JsValue> {
    let input: PageInput = serde_wasm_bindgen::from_value(input).map_err(|e| JsValue::from_str(&e.to_string()))?;
    let document = document()?;
    let url = document.location().and_then(|l| l.href().ok()).unwrap_or_default();
    let dom = dom::WebDom::from_document(&document).ok_or("the document has no element yet")?;
    let (config, config_problem) = config_from(input.config);
    let locale = config.locale;
    LAST_LOCALE.with(|l| *l.borrow_mut() = locale);
    let picked = PROFILES.with(|profiles| {
        extract::pick_profile(profiles, &url, &dom).map(|p| (p.name.clone(), extract::extract(&dom, p, &url)))
    });
    let Some((profile, extraction)) = picked else {
        overlay::hide();
        return to_js(&PageResult {
            status: "not_patient_page",
            verdict: None,
            rules: vec![],
            reasons: vec![],
            unverified: vec![],
            profile: None,
            patient_key: None,
        });
    };
    let patient_key = PROFILES.with(|profiles| {
        profiles.iter().find(|p| p.name == profile).and_then(|p| extract::patient_key_at(&dom, p, &url))
    });
    let (snapshot, problems) = snapshot_from_value(extraction.snapshot);
    let now = chrono::DateTime::from_timestamp_millis(input.now_ms as i64).ok_or("now_ms out of range")?;
    let request = Request { snapshot, config, now, purpose: input.purpose, own_log: input.own_log, problems };
    let assessed = ZONES.with(|zones| assess(&request, zones));
    match assessed {
        Ok(assessment) => {
            let mut panel = present::panel(&assessment, &request.snapshot, locale);
            if let Some(problem) = config_problem {
                panel.groups.push(present::Group {
                    kind: present::GroupKind::NotVerified,
                    heading: present::words(locale).not_verified.to_string(),
                    items: vec![present::Item { text: problem, source: Some("config".into()) }],
                });
            }
            overlay::show(&panel, locale)?;
            to_js(&PageResult {
                status: "ok",
                verdict: Some(assessment.verdict),
                rules: assessment.findings.iter().map(|f| f.rule.clone()).collect(),
                reasons: assessment.reasons.iter().map(|r| r.kind).collect(),
                unverified: assessment.unverified.clone(),
                profile: Some(profile),
                patient_key,
            })
        }
        Err(err) => {
            overlay::show_message(&err.to_string(), locale)?;
            to_js(&PageResult {
                status: "input_error",
                verdict: None,
                rules: vec![],
                reasons: vec![],
                unverified: vec![],
                profile: Some(profile),
                patient_key,
            })
        }
    }
}

/// Which patient the page shows now (cheap), so the content script notices SPA switches.
#[wasm_bindgen]
pub fn current_patient_key() -> Option<String> {
    let document = document().ok()?;
    let url = document.location().and_then(|l| l.href().ok()).unwrap_or_default();
    let dom = dom::WebDom::from_document(&document)?;
    PROFILES.with(|profiles| {
        let profile = extract::pick_profile(profiles, &url, &dom)?;
        extract::patient_key_at(&dom, profile, &url)
    })
}

/// Removes the overlay (the extension was switched off for this page).
#[wasm_bindgen]
pub fn remove_overlay() {
    overlay::hide();
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| JsValue::from_str(&e.to_string()))
}
