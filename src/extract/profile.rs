//! Site profiles: where one MIS shows each snapshot field, as data (`profiles/<name>.json`).
//!
//! A profile names the MIS, says how to recognise its patient pages (URL globs and a DOM
//! signature), where the shown patient's id is, and for each snapshot section a [`Spec`]:
//! the section's root (missing root: the section was not read), and for each field the places
//! to read it from, in order (first match wins), with a normaliser.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::Section;

/// One string or a list of strings in the JSON.
///
/// `Source` and `OneOrMany` have hand-written `Deserialize` impls instead of
/// `#[serde(untagged)]`: untagged enums pull serde's buffering machinery into the .wasm.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct OneOrMany(pub Vec<String>);

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany(vec![v.to_string()]))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
                let mut v = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    v.push(s);
                }
                Ok(OneOrMany(v))
            }
        }
        d.deserialize_any(V)
    }
}

impl OneOrMany {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Short id, e.g. "demo-mis" (the file name without .json).
    pub name: String,
    /// Human name of the MIS.
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// URL globs for patient pages. A pattern starting with "/" is matched against the URL
    /// from its path on (path, query, fragment); otherwise against the whole URL. `*` matches
    /// any run of characters. Empty: any URL.
    #[serde(default)]
    pub urls: Vec<String>,
    /// URL globs where this profile never applies (even when `urls` accept the URL).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_urls: Vec<String>,
    /// CSS selectors that must all match on a patient page of this MIS.
    #[serde(default)]
    pub signature: OneOrMany,
    /// Labels (as for a `label` source) of which at least `min` different ones must be on the
    /// page: recognises patient pages by their words (the generic profile).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature_labels: Option<SignatureLabels>,
    /// Where the shown patient's id is (cheap, read on every page change). Empty: the
    /// `patient.id` field of the patient section.
    #[serde(default)]
    pub patient_key: Vec<Source>,
    /// Snapshot sections by contract name ("patient", "appointments", ...).
    pub sections: BTreeMap<String, Spec>,
    /// Sections the MIS shows on another view, read through its own same-origin endpoint
    /// under the user's session (read-only), by contract name. A section here replaces the
    /// same section read from the page when the read succeeds; when it fails, the page's
    /// reading (or "not read") stays, with the reason in the coverage.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub related: BTreeMap<String, Related>,
    /// The dial guard on this MIS: its click-to-call buttons, and whether phone numbers shown
    /// as plain text become guarded links (off by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dial: Option<crate::dial::DialSpec>,
}

/// A read of another view's data (see [`Profile::related`]). Only one kind exists: Tryton's
/// JSON-RPC `model.<model>.search_read` (the method is fixed here, so a profile cannot ask for
/// anything but a read). The result rows are laid out as a table, one column per field (the
/// field name as the header, nested fields as "healthprof.rec_name", date-times in the
/// clinic's zone as "YYYY-MM-DDTHH:MM"; each row also carries `data-<field>` attributes for
/// `skip`), and `section` reads that table like a page section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Related {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub tryton: TrytonRead,
    /// Path to the rows inside each result record ("party.contact_mechanisms"); absent: the
    /// records are the rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows_at: Option<String>,
    /// How to read the table: a section spec (`rows`, `skip`, `fields` with `column` sources).
    pub section: Spec,
}

/// `model.<model>.search_read(domain, 0, limit, order, fields)` on `/<database>/`, with the
/// Authorization of the user's SAO session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrytonRead {
    /// Where the database name is (e.g. `{"url_after": "#"}` for SAO's "#health/model/...").
    pub database: Vec<Source>,
    /// Where the shown record's id is; it replaces the string "{id}" in `domain` (a number
    /// when it is all digits).
    pub id: Vec<Source>,
    pub model: String,
    pub domain: serde_json::Value,
    pub fields: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<serde_json::Value>,
    /// At most this many records (capped at the row limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureLabels {
    pub any: Vec<String>,
    #[serde(default = "one")]
    pub min: usize,
}

fn one() -> usize {
    1
}

/// How to read one value, an object, or a list. Which one is decided by the keys present:
/// `rows` + `fields`: list of objects; `fields`: object; `from` + `all`: list of values;
/// `from`: one value; `const`: a constant.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Documentation only (what page variant a selector is for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Root selectors (alternatives, first match wins). For a section or a nested object: no
    /// match means "not shown" (`None`). Absent: the enclosing scope.
    #[serde(default, skip_serializing_if = "OneOrMany::is_empty")]
    pub root: OneOrMany,
    /// The section under a heading with this text (alternatives, tried before `root`): a
    /// heading-like element (h1-h6, caption, legend, summary, role=heading, a class with
    /// "title", "header" or "heading") whose own text is the label (a count after it is
    /// allowed: "Записи (3)"). The section is its table or fieldset (caption, legend,
    /// summary), else the element after the heading (after its wrapper, up to 3 levels).
    #[serde(default, skip_serializing_if = "OneOrMany::is_empty")]
    pub root_label: OneOrMany,
    /// If this selector matches inside the root, the section counts as not shown
    /// (e.g. a "no access" or "loading" placeholder).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub absent_if: Option<String>,

    /// Row selector within the root: makes this a list of objects. Alternatives: the first
    /// that gives a row with something read wins (e.g. "tr", then "li").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<OneOrMany>,
    /// When no `rows` alternative gives anything: one row per value found next to one of
    /// these labels in the root ("Телефон: +7 ...", several phones each with its label).
    #[serde(default, skip_serializing_if = "OneOrMany::is_empty")]
    pub rows_label: OneOrMany,
    /// A list found with no rows is "read, none" only if the root's text is or contains one of
    /// these ("Нет записей", "No appointments"); otherwise it is not read. Absent: an empty
    /// root is "read, none" (a profile that knows its MIS's empty sections).
    #[serde(default, skip_serializing_if = "OneOrMany::is_empty")]
    pub none_text: OneOrMany,
    /// An object section read only when at least one of its fields was found (a profile that
    /// searches the whole page for labels).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub needs_a_field: bool,
    /// Rows matching this selector are skipped (placeholders like "no records").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip: Option<String>,
    /// Header cells for `column` sources, relative to the root. Default: "thead th", then "tr th".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<String>,
    /// Fields of the object (or of each row).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<BTreeMap<String, Spec>>,

    /// Places to read a value from, in order; the first that yields a value wins.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub from: Vec<Source>,
    /// Read every element the winning source matches: a list of values.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub all: bool,
    /// Split the text on any of these characters: a list of values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<String>,
    /// Normaliser (default "text").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub norm: Option<Norm>,
    /// Word map applied to the text, compared in lower case without trailing punctuation
    /// ("ё" as "е"). Values are JSON (strings, booleans, null = "not stated"). Text that is
    /// already one of the values passes. No match: the normaliser if `norm` is given (e.g.
    /// "text" for "any other text verbatim"), else the value is invalid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub map: Option<BTreeMap<String, serde_json::Value>>,
    /// Also accept text that contains a key (the longest key wins): "Подтверждена (SMS)".
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub map_contains: bool,
    /// Take the n-th whitespace-separated word (0-based; negative counts from the end).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub word: Option<i32>,
    /// A constant value (no page reading).
    #[serde(default, rename = "const", skip_serializing_if = "Option::is_none")]
    pub constant: Option<serde_json::Value>,
    /// Value when nothing matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<serde_json::Value>,
    /// The contract requires this field: a value that fails its normaliser is kept as read, so
    /// the contract check reports it (and the section is marked not read) instead of dropping it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
}

/// Where to read: a CSS selector string, or an object combining a place (`label`, `column`,
/// `url_after`, `url_param`, `sibling`) with an optional `css` inside it and a `read` mode.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Source {
    Css(String),
    Full(SourceSpec),
}

impl<'de> Deserialize<'de> for Source {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Source;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a CSS selector or a source object")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Source, E> {
                Ok(Source::Css(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Source, A::Error> {
                SourceSpec::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Source::Full)
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The element(s) next to a label with this text (alternatives): `<label for>`, `dt`/`dd`,
    /// `th`/`td`, the next element, or the rest of "Label: value" in one element.
    #[serde(default, skip_serializing_if = "OneOrMany::is_empty")]
    pub label: OneOrMany,
    /// The row's cell under the header with this text (alternatives).
    #[serde(default, skip_serializing_if = "OneOrMany::is_empty")]
    pub column: OneOrMany,
    /// The URL part after this marker, up to the next "/", "?", "#" or "&".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_after: Option<String>,
    /// A query (or hash-route query) parameter of the URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_param: Option<String>,
    /// The text already read for another field of the same object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sibling: Option<String>,
    /// Selector: alone, relative to the scope; with `label`/`column`, inside the found element.
    /// A source with neither a place nor `css` reads the scope itself (the row, the root).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub css: Option<String>,
    /// "auto" (default: form controls give their value, checkboxes true/false, a select its
    /// selected option's text; other elements their text), "text", "words" (the text with a
    /// space between elements: a table row's cells apart), "own_text", "value",
    /// "checked", "exists", "selected_text", or "attr:NAME".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read: Option<Read>,
    /// Keep only the text after the first occurrence of this marker (e.g. ":").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Read {
    Auto,
    Text,
    /// All text with a space between elements (table cells do not run together).
    Words,
    OwnText,
    Value,
    Checked,
    Exists,
    SelectedText,
    Attr(String),
}

impl TryFrom<String> for Read {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Ok(match s.as_str() {
            "auto" => Read::Auto,
            "text" => Read::Text,
            "words" => Read::Words,
            "own_text" => Read::OwnText,
            "value" => Read::Value,
            "checked" => Read::Checked,
            "exists" => Read::Exists,
            "selected_text" => Read::SelectedText,
            _ => match s.strip_prefix("attr:") {
                Some(name) if !name.is_empty() => Read::Attr(name.to_string()),
                _ => return Err(format!("unknown read mode {s:?}")),
            },
        })
    }
}

impl From<Read> for String {
    fn from(r: Read) -> String {
        match r {
            Read::Auto => "auto".into(),
            Read::Text => "text".into(),
            Read::Words => "words".into(),
            Read::OwnText => "own_text".into(),
            Read::Value => "value".into(),
            Read::Checked => "checked".into(),
            Read::Exists => "exists".into(),
            Read::SelectedText => "selected_text".into(),
            Read::Attr(n) => format!("attr:{n}"),
        }
    }
}

/// Normalisers (see `normalize.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Norm {
    /// Whitespace-normalised text; empty or "—"-like text counts as nothing.
    Text,
    /// "26.11.2026", ISO, "26 ноября 2026" -> "2026-11-26".
    Date,
    /// "11/26/2026", "Nov 26, 2026" -> "2026-11-26".
    DateUs,
    /// "26.11.2026 14:00" -> "2026-11-26T14:00"; ISO kept.
    Datetime,
    /// "11/26/2026 2:00 PM" -> "2026-11-26T14:00".
    DatetimeUs,
    /// Kept as shown, trimmed.
    Phone,
    /// First number: "4 500,00 руб." -> 4500.
    Number,
    /// Same as number (prices).
    Price,
    /// "10 %" -> 10.
    Percent,
    /// A whole number.
    Int,
    /// "да/нет/не указано" -> true/false/null.
    Bool,
    /// One channel name (the first named).
    Channel,
    /// Every channel named, as a list.
    Channels,
    /// "phone" or "email" (by "@").
    ContactKind,
    /// Lower case text.
    Lower,
}

impl Profile {
    /// Parses and checks a profile: known section names, shapes that make sense.
    pub fn from_json(text: &str) -> Result<Profile, String> {
        // Through a Value: the types are read with the same deserializer as everything else in
        // the .wasm (syntax errors keep their line and column).
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let p = crate::model::read_value::<Profile>(&value).map_err(|e| {
            if e.path.is_empty() {
                e.message
            } else {
                format!("`{}`: {}", e.path, e.message)
            }
        })?;
        p.validate()?;
        Ok(p)
    }

    pub fn validate(&self) -> Result<(), String> {
        if self.name.trim().is_empty() {
            return Err("profile name is empty".into());
        }
        for (name, spec) in &self.sections {
            let Some(section) = Section::parse(name) else {
                return Err(format!("unknown section {name:?}"));
            };
            let is_list = !matches!(section, Section::Patient | Section::ServiceCard);
            if spec.fields.is_none() {
                return Err(format!("section {name:?} has no \"fields\""));
            }
            if is_list != spec.rows.is_some() {
                let want = if is_list { "needs" } else { "must not have" };
                return Err(format!("section {name:?} {want} \"rows\""));
            }
            validate_spec(spec, name, 0)?;
        }
        for (name, rel) in &self.related {
            let Some(section) = Section::parse(name) else {
                return Err(format!("related: unknown section {name:?}"));
            };
            let is_list = !matches!(section, Section::Patient | Section::ServiceCard);
            if rel.section.fields.is_none() || is_list != rel.section.rows.is_some() {
                return Err(format!(
                    "related {name:?}: \"section\" needs \"fields\" (and \"rows\" for a list section)"
                ));
            }
            validate_spec(&rel.section, &format!("related.{name}"), 0)?;
            let t = &rel.tryton;
            let ident = |s: &str| {
                !s.is_empty()
                    && s.len() <= 128
                    && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.')
            };
            if !ident(&t.model) {
                return Err(format!("related {name:?}: model {:?} is not a Tryton model name", t.model));
            }
            if t.fields.is_empty() || !t.fields.iter().all(|f| ident(f)) {
                return Err(format!("related {name:?}: \"fields\" must name Tryton fields"));
            }
            if t.database.is_empty() || t.id.is_empty() || !t.domain.is_array() {
                return Err(format!("related {name:?}: needs \"database\", \"id\" and a \"domain\" list"));
            }
        }
        Ok(())
    }

    /// Whether this profile's URL patterns accept `url` (no patterns: any URL).
    pub fn url_matches(&self, url: &str) -> bool {
        (self.urls.is_empty() || self.urls.iter().any(|p| url_matches(p, url)))
            && !self.not_urls.iter().any(|p| url_matches(p, url))
    }
}

fn validate_spec(spec: &Spec, path: &str, depth: usize) -> Result<(), String> {
    if depth > 8 {
        return Err(format!("{path}: nested too deep"));
    }
    let shapes = [spec.fields.is_some(), !spec.from.is_empty(), spec.constant.is_some()];
    if shapes.iter().filter(|b| **b).count() != 1 {
        return Err(format!("{path}: give exactly one of \"fields\", \"from\", \"const\""));
    }
    if spec.rows.is_some() && spec.fields.is_none() {
        return Err(format!("{path}: \"rows\" needs \"fields\""));
    }
    if let Some(fields) = &spec.fields {
        for (name, f) in fields {
            validate_spec(f, &format!("{path}.{name}"), depth + 1)?;
        }
    }
    for s in &spec.from {
        if let Source::Full(f) = s {
            let places = [
                !f.label.is_empty(),
                !f.column.is_empty(),
                f.url_after.is_some(),
                f.url_param.is_some(),
                f.sibling.is_some(),
            ];
            let n = places.iter().filter(|b| **b).count();
            if n > 1 {
                return Err(format!("{path}: a source takes one of label, column, url_after, url_param, sibling"));
            }
        }
    }
    Ok(())
}

/// Glob match: `*` is any run of characters (including none); everything else is literal.
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().take(1024).collect();
    let t: Vec<char> = text.chars().take(4096).collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] != '*' && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// The URL from its path on: "https://h:1/a/b?c#d" -> "/a/b?c#d".
pub fn url_path(url: &str) -> &str {
    let after_scheme = match url.find("://") {
        Some(i) => &url[i + 3..],
        None => return url,
    };
    match after_scheme.find(['/', '?', '#']) {
        Some(i) => &after_scheme[i..],
        None => "/",
    }
}

pub fn url_matches(pattern: &str, url: &str) -> bool {
    if pattern.starts_with('/') {
        glob(pattern, url_path(url))
    } else {
        glob(pattern, url)
    }
}

/// The URL text after `marker`, up to "/", "?", "#", "&" or ";" (SAO appends ";name=...").
pub fn url_after(url: &str, marker: &str) -> Option<String> {
    if marker.is_empty() {
        return None;
    }
    let i = url.find(marker)?;
    let rest = &url[i + marker.len()..];
    let end = rest.find(['/', '?', '#', '&', ';']).unwrap_or(rest.len());
    let v = &rest[..end];
    (!v.is_empty()).then(|| percent_decode(v))
}

/// A query parameter, from the query or from a hash route's query ("#/p?id=5").
pub fn url_param(url: &str, name: &str) -> Option<String> {
    let mut found = None;
    for part in url.split(['?', '#']).skip(1) {
        for pair in part.split('&') {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            if k == name && !v.is_empty() {
                found = Some(percent_decode(v));
            }
        }
        if found.is_some() {
            break;
        }
    }
    found
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(v) = hex {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(if b == b'+' { b' ' } else { b });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_and_url_matching() {
        assert!(glob("/patients/*", "/patients/12?tab=1"));
        assert!(!glob("/patients/*", "/patient/12"));
        assert!(glob("*", ""));
        assert!(glob("/a/*/b*", "/a/x/y/b"));
        assert!(!glob("/a/*/c", "/a/x/b"));
        assert!(url_matches("/patients/*", "http://127.0.0.1:8080/patients/p1"));
        assert!(url_matches("/#/patient/*", "https://mis.local/#/patient/7"));
        assert!(url_matches("http://127.0.0.1:*/patients/*", "http://127.0.0.1:8080/patients/p1"));
        assert!(!url_matches("/patients/*", "http://127.0.0.1:8080/schedule"));
        assert_eq!(url_path("https://h"), "/");
        assert_eq!(url_path("https://h?x=1"), "?x=1");
    }

    #[test]
    fn url_parts() {
        assert_eq!(url_after("http://h/patients/p-12?tab=1", "/patients/").as_deref(), Some("p-12"));
        assert_eq!(url_after("http://h/patients/", "/patients/"), None);
        let sao = "http://127.0.0.1:8000/#health/model/gnuhealth.patient/12;name=%22Patient%22&views=[292]";
        assert_eq!(url_after(sao, "#").as_deref(), Some("health"));
        assert_eq!(url_after(sao, "gnuhealth.patient/").as_deref(), Some("12"));
        assert!(url_matches("/#*/model/gnuhealth.patient/*", sao));
        assert!(!url_matches("/#*/model/gnuhealth.patient/*", "http://127.0.0.1:8000/#health/model/gnuhealth.patient"));
        assert_eq!(url_param("http://h/card?id=5&x=1", "id").as_deref(), Some("5"));
        assert_eq!(url_param("http://h/#/card?id=%D0%AF", "id").as_deref(), Some("Я"));
        assert_eq!(url_param("http://h/card?x=%", "x").as_deref(), Some("%"));
        assert_eq!(url_param("http://h/card", "id"), None);
    }

    #[test]
    fn profiles_are_checked() {
        let bad = r#"{"name": "x", "sections": {"patients": {"fields": {}}}}"#;
        assert!(Profile::from_json(bad).unwrap_err().contains("patients"));
        let bad = r#"{"name": "x", "sections": {"visits": {"fields": {}}}}"#;
        assert!(Profile::from_json(bad).unwrap_err().contains("rows"));
        let bad =
            r#"{"name": "x", "sections": {"patient": {"fields": {"id": {"from": [{"label": "a", "column": "b"}]}}}}}"#;
        assert!(Profile::from_json(bad).is_err());
        let bad = r##"{"name": "x", "sections": {"patient": {"fields": {"id": {"from": ["#id"], "norm": "dat"}}}}}"##;
        assert!(Profile::from_json(bad).is_err());
        let ok = r##"{"name": "x", "sections": {"patient": {"root": "#p", "fields": {"id": {"from": ["#id", {"label": "ID", "read": "attr:data-id"}]}}}}}"##;
        assert!(Profile::from_json(ok).is_ok());
    }
}
