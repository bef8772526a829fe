//! The call log as CSV (RFC 4180: comma-separated, quoted where needed, CRLF, UTF-8 with a
//! byte-order mark so spreadsheet programs read Cyrillic). One row per entry, the columns of
//! [`COLUMNS`]; the header row names the format (a later version changes the header).
//!
//! A cell a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or
//! carriage return) is written with a leading `'`, which the import removes again.

use serde_json::Value;

use super::{entry_from, Entry, Invalid, Parsed};

/// The columns, in order. `override_rules` is a space-separated list.
pub const COLUMNS: [&str; 15] = [
    "id",
    "origin",
    "patient",
    "at",
    "direction",
    "channel",
    "purpose",
    "outcome",
    "callback_at",
    "caller",
    "note",
    "override_reason",
    "override_verdict",
    "override_rules",
    "rev",
];

fn enum_name<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

fn risky(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

fn cell(s: &str, free_text: bool) -> String {
    let s = if free_text && risky(s) { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\r', '\n']) || s.starts_with(' ') || s.ends_with(' ') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The CSV text of a list of entries (with the byte-order mark and the header row).
pub fn write(entries: &[Entry]) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(&COLUMNS.join(","));
    out.push_str("\r\n");
    for e in entries {
        let o = e.overridden.as_ref();
        let row = [
            cell(&e.id, false),
            cell(&e.origin, false),
            cell(&e.patient, true),
            cell(&e.at.to_string(), false),
            cell(&enum_name(&e.direction), false),
            cell(&e.channel.map(|c| enum_name(&c)).unwrap_or_default(), false),
            cell(&e.purpose.map(|p| enum_name(&p)).unwrap_or_default(), false),
            cell(&e.outcome.map(|x| enum_name(&x)).unwrap_or_default(), false),
            cell(&e.callback_at.map(|t| t.to_string()).unwrap_or_default(), false),
            cell(e.caller.as_deref().unwrap_or(""), true),
            cell(e.note.as_deref().unwrap_or(""), true),
            cell(o.map(|o| o.reason.as_str()).unwrap_or(""), true),
            cell(&o.and_then(|o| o.verdict).map(|v| enum_name(&v)).unwrap_or_default(), false),
            cell(&o.map(|o| o.rules.join(" ")).unwrap_or_default(), false),
            e.rev.to_string(),
        ];
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

/// Splits CSV text into rows of cells (RFC 4180; a lone LF ends a row too). Each row comes
/// with the line it starts on.
pub fn rows(text: &str) -> Result<Vec<(usize, Vec<String>)>, Invalid> {
    let mut rows = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut in_quotes = false;
    let mut line = 1;
    let mut row_line = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                '"' => in_quotes = false,
                _ => {
                    if c == '\n' {
                        line += 1;
                    }
                    cell.push(c);
                }
            }
            continue;
        }
        match c {
            '"' if cell.is_empty() && !quoted => {
                in_quotes = true;
                quoted = true;
            }
            '"' => return Err(Invalid(format!("line {line}: a quote inside an unquoted cell"))),
            ',' => {
                row.push(std::mem::take(&mut cell));
                quoted = false;
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                row.push(std::mem::take(&mut cell));
                quoted = false;
                if !(row.len() == 1 && row[0].is_empty()) {
                    rows.push((row_line, std::mem::take(&mut row)));
                } else {
                    row.clear();
                }
                line += 1;
                row_line = line;
            }
            _ => {
                if quoted {
                    return Err(Invalid(format!("line {line}: text after a closing quote")));
                }
                cell.push(c)
            }
        }
    }
    if in_quotes {
        return Err(Invalid(format!("line {row_line}: a quoted cell is not closed")));
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push((row_line, row));
    }
    Ok(rows)
}

fn unrisk(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if risky(rest) => rest,
        _ => s,
    }
}

/// Reads CSV written by [`write`] (columns in any order, by the header's names).
pub fn parse(text: &str) -> Result<Parsed, Invalid> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rows = rows(text)?;
    let Some(((_, header), body)) = rows.split_first() else { return Err(Invalid("the file is empty".into())) };
    let header: Vec<&str> = header.iter().map(|h| h.trim()).collect();
    let mut index = [0usize; COLUMNS.len()];
    for (i, name) in COLUMNS.iter().enumerate() {
        index[i] = header.iter().position(|h| h == name).ok_or_else(|| {
            Invalid(format!("not a precall call-log CSV: no column \"{name}\" (expected: {})", COLUMNS.join(",")))
        })?;
    }
    if let Some(extra) = header.iter().find(|h| !COLUMNS.contains(h)) {
        return Err(Invalid(format!("unknown column \"{extra}\" (a newer version of the export?)")));
    }
    let mut parsed = Parsed::default();
    for (line, row) in body {
        if row.len() != header.len() {
            parsed.rejected.push(format!("line {line}: {} cells, expected {}", row.len(), header.len()));
            continue;
        }
        let get = |name: &str| -> &str {
            let i = COLUMNS.iter().position(|c| *c == name).unwrap_or(0);
            row[index[i]].as_str()
        };
        let opt = |name: &str, free: bool| -> Value {
            let v = get(name);
            let v = if free { unrisk(v) } else { v };
            if v.is_empty() {
                Value::Null
            } else {
                Value::String(v.to_string())
            }
        };
        let rules: Vec<Value> = get("override_rules").split_whitespace().map(|r| Value::String(r.into())).collect();
        let overridden = match opt("override_reason", true) {
            Value::Null => Value::Null,
            reason => serde_json::json!({"reason": reason, "verdict": opt("override_verdict", false), "rules": rules}),
        };
        let rev = get("rev").trim();
        let rev: Value = if rev.is_empty() {
            Value::from(0)
        } else {
            match rev.parse::<u32>() {
                Ok(n) => Value::from(n),
                Err(_) => {
                    parsed.rejected.push(format!("line {line}: rev {rev:?} is not a number"));
                    continue;
                }
            }
        };
        let item = serde_json::json!({
            "id": get("id"),
            "origin": get("origin"),
            "patient": unrisk(get("patient")),
            "at": get("at"),
            "direction": if get("direction").is_empty() { Value::String("out".into()) } else { Value::String(get("direction").into()) },
            "channel": opt("channel", false),
            "purpose": opt("purpose", false),
            "outcome": opt("outcome", false),
            "callback_at": opt("callback_at", false),
            "caller": opt("caller", true),
            "note": opt("note", true),
            "override": overridden,
            "rev": rev,
        });
        match entry_from(&item) {
            Ok(e) => parsed.entries.push(e),
            Err(Invalid(why)) => parsed.rejected.push(format!("line {line}: {why}")),
        }
    }
    Ok(parsed)
}
