//! Related reads: sections a real MIS shows on another view (appointments in a list, phones on
//! the person record), read through the MIS's own same-origin endpoint under the user's
//! session, read-only, as the profile declares ([`Related`]).
//!
//! The core never touches the network: [`requests`] says what to ask (a path on the page's
//! own origin, a JSON body, which session to use), the caller (the content script) sends it
//! and hands the replies back, and [`apply_replies`] lays each reply out as a small table and
//! reads it with the profile's section spec, so the normalisers, maps and the coverage work as
//! for page sections. The only request kind is Tryton's `model.<model>.search_read`: the
//! method is fixed here, a profile can choose only the model, the domain and the fields.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use serde_json::{json, Map, Value};

use super::engine::Engine;
use super::limits::{MAX_ROWS, MAX_TEXT};
use super::normalize::normalize_text;
use super::profile::{Profile, Related};
use super::{Dom, Extraction, SectionCoverage};
use crate::model::Section;

/// One read to make: POST `body` (JSON) to `path` on the page's own origin.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RelatedRequest {
    /// The snapshot section it fills.
    pub section: String,
    /// Absolute path on the page's origin ("/health/"); never a URL of another origin.
    pub path: String,
    pub body: String,
    /// Which session authorises it.
    pub auth: Auth,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Auth {
    /// SAO's session for this database (`localStorage["sao_session_<database>"]`), sent as
    /// `Authorization: Session base64(login:user_id:session)`, as SAO itself does.
    TrytonSession { database: String },
}

/// The reads the profile declares for this page, or for each the reason it cannot be made
/// (the record id is not on the page).
pub fn requests<D: Dom>(dom: &D, profile: &Profile, url: &str) -> Vec<Result<RelatedRequest, (String, String)>> {
    let engine = Engine::new(dom, url);
    profile
        .related
        .iter()
        .map(|(section, rel)| {
            let t = &rel.tryton;
            let database = engine.text(&t.database).filter(|d| is_path_segment(d));
            let id = engine.text(&t.id);
            let (Some(database), Some(id)) = (database, id) else {
                return Err((section.clone(), "the database or the record id is not on the page".to_string()));
            };
            let id_value = match id.parse::<i64>() {
                Ok(n) if id.bytes().all(|b| b.is_ascii_digit()) => json!(n),
                _ => json!(id),
            };
            let domain = substitute(&t.domain, &id_value);
            let limit = t.limit.unwrap_or(MAX_ROWS).min(MAX_ROWS);
            let order = t.order.clone().unwrap_or(Value::Null);
            let body = json!({
                "id": 1,
                "method": format!("model.{}.search_read", t.model),
                "params": [domain, 0, limit, order, t.fields, {}],
            });
            Ok(RelatedRequest {
                section: section.clone(),
                path: format!("/{database}/"),
                body: body.to_string(),
                auth: Auth::TrytonSession { database },
            })
        })
        .collect()
}

/// A database name that is safe as one path segment.
fn is_path_segment(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn substitute(v: &Value, id: &Value) -> Value {
    match v {
        Value::String(s) if s == "{id}" => id.clone(),
        Value::Array(a) => Value::Array(a.iter().map(|x| substitute(x, id)).collect()),
        Value::Object(o) => {
            // By insertion: `collect()` into the map sorts first (one more sort in the .wasm).
            let mut out = serde_json::Map::new();
            out.extend(o.iter().map(|(k, x)| (k.clone(), substitute(x, id))));
            Value::Object(out)
        }
        other => other.clone(),
    }
}

/// Reads the replies into the extraction. `replies` maps a section to the endpoint's JSON
/// reply, or to `{"failed": "why"}` when the request could not be made. `parse` turns HTML
/// into a [`Dom`] (scraper natively, DOMParser in the browser); `to_local` turns the MIS's
/// UTC date-times into the clinic's wall-clock time.
pub fn apply_replies<D: Dom>(
    x: &mut Extraction,
    profile: &Profile,
    replies: &BTreeMap<String, Value>,
    to_local: &dyn Fn(NaiveDateTime) -> Option<NaiveDateTime>,
    parse: &dyn Fn(&str) -> Option<D>,
) {
    for (name, rel) in &profile.related {
        let Some(section) = Section::parse(name) else { continue };
        let how = format!("related: {}.search_read", rel.tryton.model);
        let table = match replies.get(name) {
            None => Err("not read yet".to_string()),
            Some(reply) => table_html(reply, rel, to_local),
        };
        let read = table.and_then(|html| parse(&html).ok_or_else(|| "the reply could not be laid out".to_string()));
        match read {
            Ok(dom) => {
                let engine = Engine::new(&dom, "");
                // An object section (patient, service card) is the first row of the table.
                let object = rel.section.rows.is_none();
                let (mut value, mut cov) = if object {
                    let spec =
                        super::Spec { rows: Some(super::OneOrMany(vec!["tbody tr".into()])), ..rel.section.clone() };
                    engine.section(section, &spec, &dom.root())
                } else {
                    engine.section(section, &rel.section, &dom.root())
                };
                if object {
                    value = match value {
                        Some(Value::Array(rows)) => rows.into_iter().next(),
                        other => other,
                    };
                    cov.found = value.is_some();
                    if value.is_none() {
                        cov.reason = Some("the MIS returned no record".into());
                    }
                    cov.rows = None;
                }
                cov.root = Some(how);
                x.coverage.truncated |= engine.truncated();
                match value {
                    Some(v) => {
                        x.snapshot.as_object_mut().map(|o| o.insert(name.clone(), v));
                        set_coverage(x, cov);
                    }
                    // No record: the page's own reading (if any) stays.
                    None if !x.coverage.section(section).is_some_and(|c| c.found) => set_coverage(x, cov),
                    None => {}
                }
            }
            Err(reason) => {
                // The page's own reading (if any) stays; otherwise say why it is not read.
                let found = x.coverage.section(section).is_some_and(|c| c.found);
                if !found {
                    set_coverage(
                        x,
                        SectionCoverage {
                            section,
                            configured: true,
                            found: false,
                            root: Some(how),
                            reason: Some(reason),
                            rows: None,
                            fields: Vec::new(),
                        },
                    );
                }
            }
        }
    }
}

/// [`apply_replies`] natively (the CLI, the fixture tests): scraper for the tables, chrono-tz
/// for the clinic's `zone`.
#[cfg(not(target_arch = "wasm32"))]
pub fn apply_replies_native(x: &mut Extraction, profile: &Profile, replies: &BTreeMap<String, Value>, zone: &str) {
    use crate::model::{utc_to_local, TzDatabase};
    let to_local = |utc: NaiveDateTime| utc_to_local(&TzDatabase, zone, utc.and_utc());
    apply_replies(x, profile, replies, &to_local, &|html: &str| Some(super::html::HtmlDom::parse(html)));
}

fn set_coverage(x: &mut Extraction, cov: SectionCoverage) {
    match x.coverage.sections.iter_mut().find(|c| c.section == cov.section) {
        Some(c) => *c = cov,
        None => x.coverage.sections.push(cov),
    }
}

/// The reply's rows as an HTML table (text escaped): one header cell per field, one row per
/// record (or per element under `rows_at`), `data-<field>` attributes on each row.
pub fn table_html(
    reply: &Value,
    rel: &Related,
    to_local: &dyn Fn(NaiveDateTime) -> Option<NaiveDateTime>,
) -> Result<String, String> {
    if let Some(why) = reply.get("failed").and_then(Value::as_str) {
        return Err(format!("the read failed: {}", normalize_text(why, 200)));
    }
    if let Some(err) = reply.get("error").filter(|e| !e.is_null()) {
        let what = match err {
            Value::Array(a) => a.first().and_then(Value::as_str).unwrap_or("error").to_string(),
            Value::String(s) => s.clone(),
            _ => "error".to_string(),
        };
        return Err(format!("the MIS refused the read: {}", normalize_text(&what, 200)));
    }
    let Some(records) = reply.get("result").and_then(Value::as_array) else {
        return Err("the reply has no result".to_string());
    };
    let mut rows: Vec<&Map<String, Value>> = Vec::new();
    for record in records {
        collect_rows(record, rel.rows_at.as_deref().unwrap_or(""), &mut rows);
        if rows.len() >= MAX_ROWS {
            rows.truncate(MAX_ROWS);
            break;
        }
    }
    let mut columns: Vec<String> = Vec::new();
    let mut flat: Vec<Vec<(String, String)>> = Vec::new();
    for row in rows {
        let mut cells = Vec::new();
        flatten("", row, to_local, &mut cells, 0);
        for (k, _) in &cells {
            if !columns.contains(k) && columns.len() < 200 {
                columns.push(k.clone());
            }
        }
        flat.push(cells);
    }
    let mut html = String::from("<!doctype html><html><body><table class=\"related\"><thead><tr>");
    for c in &columns {
        html.push_str(&format!("<th>{}</th>", crate::model::escape_markup(c)));
    }
    html.push_str("</tr></thead><tbody>");
    for cells in flat {
        html.push_str("<tr");
        for (k, v) in &cells {
            html.push_str(&format!(" data-{}=\"{}\"", attr_name(k), crate::model::escape_markup(v)));
        }
        html.push('>');
        for c in &columns {
            let v = cells.iter().find(|(k, _)| k == c).map(|(_, v)| v.as_str()).unwrap_or("");
            html.push_str(&format!("<td>{}</td>", crate::model::escape_markup(v)));
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table></body></html>");
    Ok(html)
}

/// Tryton returns a read of "party.contact_mechanisms.value" as {"party.": {"contact_mechanisms.": [...]}}.
fn collect_rows<'v>(v: &'v Value, path: &str, out: &mut Vec<&'v Map<String, Value>>) {
    if out.len() >= MAX_ROWS {
        return;
    }
    match v {
        Value::Array(items) => items.iter().for_each(|i| collect_rows(i, path, out)),
        Value::Object(o) if path.is_empty() => out.push(o),
        Value::Object(o) => {
            let (head, rest) = path.split_once('.').unwrap_or((path, ""));
            if let Some(next) = o.get(&format!("{head}.")).or_else(|| o.get(head)) {
                collect_rows(next, rest, out);
            }
        }
        _ => {}
    }
}

fn flatten(
    prefix: &str,
    o: &Map<String, Value>,
    to_local: &dyn Fn(NaiveDateTime) -> Option<NaiveDateTime>,
    out: &mut Vec<(String, String)>,
    depth: usize,
) {
    for (k, v) in o {
        if out.len() >= 200 {
            return;
        }
        let name = format!("{prefix}{}", k.trim_end_matches('.'));
        match v {
            Value::Object(inner) if inner.get("__class__").is_none() => {
                if depth < 4 {
                    flatten(&format!("{name}."), inner, to_local, out, depth + 1);
                }
            }
            Value::Array(_) => {}
            _ => {
                if let Some(text) = scalar(v, to_local) {
                    out.push((name, text));
                }
            }
        }
    }
}

/// Tryton's JSON values as text: date-times (UTC) in the clinic's zone.
fn scalar(v: &Value, to_local: &dyn Fn(NaiveDateTime) -> Option<NaiveDateTime>) -> Option<String> {
    Some(match v {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => normalize_text(s, MAX_TEXT),
        Value::Object(o) => {
            let num = |k: &str| o.get(k).and_then(Value::as_u64).unwrap_or(0) as u32;
            match o.get("__class__").and_then(Value::as_str)? {
                "datetime" => {
                    let d = NaiveDate::from_ymd_opt(num("year") as i32, num("month"), num("day"))?;
                    let utc = d.and_hms_opt(num("hour"), num("minute"), num("second"))?;
                    let local = to_local(utc)?;
                    let mut text = crate::model::datefmt::iso_date(local.date());
                    text.push('T');
                    text.push_str(&crate::model::datefmt::hour_minute(local.time()));
                    text
                }
                "date" => crate::model::datefmt::iso_date(NaiveDate::from_ymd_opt(
                    num("year") as i32,
                    num("month"),
                    num("day"),
                )?),
                "time" => format!("{:02}:{:02}", num("hour"), num("minute")),
                "Decimal" => o.get("decimal").and_then(Value::as_str)?.to_string(),
                _ => return None,
            }
        }
        Value::Array(_) => return None,
    })
}

/// "healthprof.rec_name" -> "healthprof-rec_name" (a safe attribute name).
fn attr_name(field: &str) -> String {
    field.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c.to_ascii_lowercase() } else { '-' }).collect()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::extract::html::HtmlDom;

    fn profile() -> Profile {
        Profile::from_json(
            r##"{"name": "t", "sections": {}, "related": {
              "appointments": {"tryton": {"database": [{"url_after": "#"}], "id": [{"url_after": "gnuhealth.patient/"}],
                 "model": "gnuhealth.appointment", "domain": [["patient", "=", "{id}"]], "fields": ["appointment_date", "state", "healthprof.rec_name"]},
                 "section": {"rows": "tbody tr", "skip": "tr[data-state=free]", "fields": {
                   "start": {"from": [{"column": "appointment_date"}], "norm": "datetime", "required": true},
                   "doctor": {"from": [{"column": "healthprof.rec_name"}]},
                   "status": {"from": [{"column": "state"}], "map": {"confirmed": "confirmed", "no_show": "noshow"}, "required": true}}}}
            }}"##,
        )
        .unwrap()
    }

    #[test]
    fn requests_are_search_reads_on_the_page_origin() {
        let dom = HtmlDom::parse("<p>x</p>");
        let p = profile();
        let url = "http://127.0.0.1:8000/#health/model/gnuhealth.patient/7;name=%22P%22";
        let r = requests(&dom, &p, url);
        let r = r[0].as_ref().unwrap();
        assert_eq!(r.path, "/health/");
        assert_eq!(r.auth, Auth::TrytonSession { database: "health".into() });
        let body: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body["method"], "model.gnuhealth.appointment.search_read");
        assert_eq!(body["params"][0], json!([["patient", "=", 7]]));
        // No id on the page: no request, a reason.
        assert!(requests(&dom, &p, "http://127.0.0.1:8000/#health/model/gnuhealth.patient")[0].is_err());
        // A database name that is not one path segment is refused.
        assert!(requests(&dom, &p, "http://h/#..%2F..%2Fx/model/gnuhealth.patient/7")[0].is_err());
    }

    #[test]
    fn replies_are_read_like_page_sections() {
        let p = profile();
        let reply = json!({"id": 1, "result": [
            {"id": 1, "state": "confirmed", "appointment_date": {"__class__": "datetime", "year": 2026, "month": 11, "day": 26, "hour": 11, "minute": 0, "second": 0},
             "healthprof.": {"id": 2, "rec_name": "Петрова, <b>Ольга</b>"}},
            {"id": 2, "state": "free", "appointment_date": {"__class__": "datetime", "year": 2026, "month": 11, "day": 27, "hour": 11, "minute": 0, "second": 0}},
            {"id": 3, "state": "no_show", "appointment_date": {"__class__": "datetime", "year": 2026, "month": 11, "day": 22, "hour": 8, "minute": 0, "second": 0}}
        ]});
        let mut x = Extraction { snapshot: json!({}), coverage: Default::default(), profile: "t".into() };
        let replies = BTreeMap::from([("appointments".to_string(), reply)]);
        let plus3 = |t: NaiveDateTime| Some(t + chrono::Duration::hours(3));
        apply_replies(&mut x, &p, &replies, &plus3, &|h: &str| Some(HtmlDom::parse(h)));
        assert_eq!(
            x.snapshot["appointments"],
            json!([{"start": "2026-11-26T14:00", "doctor": "Петрова, <b>Ольга</b>", "status": "confirmed"},
                   {"start": "2026-11-22T11:00", "status": "noshow"}])
        );
        let cov = x.coverage.section(Section::Appointments).unwrap();
        assert!(cov.found);
        assert_eq!(cov.rows, Some(2));

        // A refused read: the section is not read, and the coverage says why.
        let mut x = Extraction { snapshot: json!({}), coverage: Default::default(), profile: "t".into() };
        let replies = BTreeMap::from([("appointments".to_string(), json!({"error": ["403 Forbidden", "x"]}))]);
        apply_replies(&mut x, &p, &replies, &plus3, &|h: &str| Some(HtmlDom::parse(h)));
        assert!(x.snapshot.get("appointments").is_none());
        let cov = x.coverage.section(Section::Appointments).unwrap();
        assert!(!cov.found);
        assert!(cov.reason.as_deref().unwrap().contains("403"), "{cov:?}");
    }
}
