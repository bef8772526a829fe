//! The report page's entry (`extension/report.js`): the stored call-log records are read once
//! into a `ReportLog`, and each change of period, step or caller asks it for a report. The
//! numbers, the CSV and the SVG charts are the core's (`crate::report`); this only converts.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::calllog::Entry;
use crate::report::{self, Query};

use super::{config_from, to_js};

/// Every stored record's entries, loaded (migrated, unreadable parts left out) once.
#[wasm_bindgen]
pub struct ReportLog {
    entries: Vec<Entry>,
}

fn query_from(query: JsValue) -> Result<Query, String> {
    let value: serde_json::Value = serde_wasm_bindgen::from_value(query).map_err(|e| e.to_string())?;
    serde_path_to_error::deserialize(value).map_err(|e| format!("query `{}`: {}", e.path(), e.inner()))
}

#[wasm_bindgen]
impl ReportLog {
    /// `records`: JSON text of `[{origin, patient, value}]`, the stored records as they are
    /// (text, not objects: one parse in the core is much cheaper for 50,000 entries).
    #[wasm_bindgen(constructor)]
    pub fn new(records: &str) -> Result<ReportLog, JsValue> {
        let entries = report::entries_from_json(records).map_err(|e| JsValue::from_str(&e.0))?;
        Ok(ReportLog { entries })
    }

    /// How many entries were read.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.entries.len()
    }

    /// The report for `query` (`src/report::Query`) with the clinic's `config` (settings), its
    /// two charts, and at most `rows` rows of the override and cadence tables (the totals
    /// count them all; the CSV has them all). A refusal is `{error}` in words.
    pub fn report(&self, query: JsValue, config: JsValue, rows: usize) -> Result<JsValue, JsValue> {
        #[derive(Serialize)]
        struct Out {
            report: report::Report,
            series: Vec<String>,
            contacts_svg: String,
            outcomes_svg: String,
            settings_problem: Option<String>,
        }
        let query = match query_from(query) {
            Ok(q) => q,
            Err(e) => return to_js(&serde_json::json!({ "error": e })),
        };
        let (config, settings_problem) = config_from(serde_wasm_bindgen::from_value(config).ok());
        let mut r = match report::report(&self.entries, &query, &config) {
            Ok(r) => r,
            Err(e) => return to_js(&serde_json::json!({ "error": e.0 })),
        };
        r.overrides.truncate(rows);
        r.cadence.truncate(rows);
        let out = Out {
            series: report::svg::series(&r, &query),
            contacts_svg: report::svg::contacts(&r, &query),
            outcomes_svg: report::svg::outcomes(&r, &query),
            report: r,
            settings_problem,
        };
        to_js(&out)
    }

    /// The CSV of the same report, every row.
    pub fn csv(&self, query: JsValue, config: JsValue) -> Result<String, JsValue> {
        let query = query_from(query).map_err(|e| JsValue::from_str(&e))?;
        let (config, _) = config_from(serde_wasm_bindgen::from_value(config).ok());
        let r = report::report(&self.entries, &query, &config).map_err(|e| JsValue::from_str(&e.0))?;
        Ok(report::csv(&r, &query))
    }
}
