//! precall: the pre-call check for clinic administrators.
//!
//! A pure core (no DOM, no clock, no network) that turns a patient snapshot into an
//! assessment, and a thin `web` layer (wasm32 only) that reads the MIS page and draws the
//! overlay. See ARCHITECTURE.md.

pub mod calllog;
pub mod dial;
pub mod extract;
pub mod i18n;
pub mod model;
pub mod order;
pub mod prefs;
pub mod present;
pub mod report;
pub mod rules;
pub mod script;
pub mod settings;

#[cfg(target_arch = "wasm32")]
pub mod web;

pub use model::*;
pub use rules::{assess, Request};
