//! Time-zone offsets from the browser's own zone data, so the .wasm carries no zone
//! database (chrono-tz would add about 920 KB): through `Temporal` where the browser has it,
//! else through `Intl.DateTimeFormat`. The first `Intl.DateTimeFormat` with a time zone in a
//! renderer process costs 20-45 ms on the benchmark machine (every MIS page load paid it);
//! `Temporal` answers the same in 0.3 ms.

use std::cell::RefCell;
use std::collections::HashMap;

use chrono::NaiveDateTime;
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::model::Zones;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Intl, js_name = DateTimeFormat)]
    type DateTimeFormat;

    /// Throws a RangeError for an unknown zone: caught, never a trap.
    #[wasm_bindgen(constructor, catch, js_namespace = Intl, js_class = "DateTimeFormat")]
    fn new(locale: &str, options: &Object) -> Result<DateTimeFormat, JsValue>;

    #[wasm_bindgen(method, js_name = formatToParts)]
    fn format_to_parts(this: &DateTimeFormat, epoch_ms: f64) -> Array;

    #[wasm_bindgen(js_namespace = Temporal)]
    type Instant;
    type ZonedDateTime;

    /// Throws a ReferenceError where the browser has no `Temporal`: caught, then Intl is used.
    #[wasm_bindgen(static_method_of = Instant, js_namespace = Temporal, js_class = "Instant", catch, js_name = fromEpochMilliseconds)]
    fn from_epoch_ms(epoch_ms: f64) -> Result<Instant, JsValue>;

    /// Throws a RangeError for an unknown zone: caught, never a trap.
    #[wasm_bindgen(method, catch, js_name = toZonedDateTimeISO)]
    fn to_zoned(this: &Instant, zone: &str) -> Result<ZonedDateTime, JsValue>;

    #[wasm_bindgen(method, getter, js_name = offsetNanoseconds)]
    fn offset_nanoseconds(this: &ZonedDateTime) -> f64;
}

/// The zone's offset at this instant through `Temporal`; `Err` when the browser has none.
fn temporal_offset(zone: &str, epoch_ms: f64) -> Result<Option<i32>, ()> {
    let instant = Instant::from_epoch_ms(epoch_ms).map_err(|_| ())?;
    Ok(instant.to_zoned(zone).ok().map(|z| (z.offset_nanoseconds() / 1e9) as i32))
}

/// Offsets are cached per zone and quarter hour (zone transitions happen on quarter hours).
#[derive(Default)]
pub struct IntlZones {
    formats: RefCell<HashMap<String, Option<DateTimeFormat>>>,
    offsets: RefCell<HashMap<(String, i64), i32>>,
}

impl IntlZones {
    fn with_format<R>(&self, zone: &str, f: impl FnOnce(&DateTimeFormat) -> R) -> Option<R> {
        let mut formats = self.formats.borrow_mut();
        let entry = formats.entry(zone.to_string()).or_insert_with(|| {
            let options = Object::new();
            let set = |k: &str, v: &str| Reflect::set(&options, &k.into(), &v.into()).ok();
            set("timeZone", zone);
            set("hourCycle", "h23");
            for part in ["year", "month", "day", "hour", "minute", "second"] {
                set(part, "numeric");
            }
            DateTimeFormat::new("en-US", &options).ok()
        });
        entry.as_ref().map(f)
    }
}

impl Zones for IntlZones {
    fn offset_seconds(&self, zone: &str, utc: NaiveDateTime) -> Option<i32> {
        let seconds = utc.and_utc().timestamp();
        let key = (zone.to_string(), seconds.div_euclid(900));
        if let Some(off) = self.offsets.borrow().get(&key) {
            return Some(*off);
        }
        let whole = seconds - seconds.rem_euclid(60);
        if let Ok(found) = temporal_offset(zone, whole as f64 * 1000.0) {
            if let Some(off) = found {
                self.offsets.borrow_mut().insert(key, off);
            }
            return found;
        }
        let parts = self.with_format(zone, |f| f.format_to_parts(whole as f64 * 1000.0))?;
        let mut fields = [0i64; 6];
        for part in parts.iter() {
            let kind = Reflect::get(&part, &"type".into()).ok()?.as_string()?;
            let value = Reflect::get(&part, &"value".into()).ok()?.as_string()?;
            let slot = ["year", "month", "day", "hour", "minute", "second"].iter().position(|k| *k == kind);
            if let Some(i) = slot {
                fields[i] = value.parse().ok()?;
            }
        }
        let [y, mo, d, h, mi, s] = fields;
        let local = chrono::NaiveDate::from_ymd_opt(y as i32, mo as u32, d as u32)?
            .and_hms_opt((h % 24) as u32, mi as u32, s as u32)?
            .and_utc()
            .timestamp();
        let off = (local - whole) as i32;
        self.offsets.borrow_mut().insert(key, off);
        Some(off)
    }
}
