//! The report's charts as SVG text, made by the core so they are tested natively and need no
//! library. Text only: every label (caller names, words) is escaped; colours are classes
//! (`s0`..`s7` for series, `o-<outcome>` for outcomes) that the page's stylesheet sets for the
//! light and the dark theme. Each bar carries a `<title>` with its numbers.

use std::fmt::Write;

use super::Report;

/// A coordinate to one decimal, written with integers (no float formatting code in the .wasm).
struct D(f64);

impl std::fmt::Display for D {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let t = (self.0 * 10.0).round() as i64;
        let sign = if t < 0 { "-" } else { "" };
        let t = t.abs();
        if t % 10 == 0 {
            write!(f, "{sign}{}", t / 10)
        } else {
            write!(f, "{sign}{}.{}", t / 10, t % 10)
        }
    }
}

/// Series that get their own colour; more callers are drawn together as "other".
pub const SERIES: usize = 7;

/// Text for an XML text node or attribute: the markup characters escaped, and the control
/// characters XML 1.0 does not allow (all below 0x20 but tab and newlines) replaced.
pub fn escape(s: &str) -> String {
    let allowed: String =
        s.chars().map(|c| if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') { '\u{fffd}' } else { c }).collect();
    crate::model::escape_markup(&allowed)
}

fn word<'a>(r: &'a super::Query, key: &'a str) -> &'a str {
    r.labels.get(key).map(String::as_str).unwrap_or(key)
}

/// The caller names of the chart's series (the first [`SERIES`] callers, then "other").
pub fn series(report: &Report, query: &super::Query) -> Vec<String> {
    let mut names: Vec<String> = report
        .callers
        .iter()
        .take(SERIES)
        .map(|c| if c.caller.is_empty() { word(query, "unnamed").to_string() } else { c.caller.clone() })
        .collect();
    if report.callers.len() > SERIES {
        names.push(word(query, "other").to_string());
    }
    names
}

/// A round step for about four grid lines up to `max`.
fn step(max: usize) -> usize {
    let raw = (max as f64 / 4.0).max(1.0);
    let mag = 10f64.powi(raw.log10().floor() as i32);
    let f = raw / mag;
    let nice = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    (nice * mag) as usize
}

/// Contacts per bucket, stacked by caller.
pub fn contacts(report: &Report, query: &super::Query) -> String {
    let (w, h) = (760.0, 260.0);
    let (left, right, top, bottom) = (44.0, 8.0, 10.0, 36.0);
    let plot_w = w - left - right;
    let plot_h = h - top - bottom;
    let max = report.buckets.iter().map(|b| b.total).max().unwrap_or(0);
    let step = step(max);
    let top_value = max.div_ceil(step).max(1) * step;
    let y = |v: usize| top + plot_h - plot_h * v as f64 / top_value as f64;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" class="chart" role="img" aria-label="{}">"#,
        D(w),
        D(h),
        escape(word(query, "chart_contacts"))
    );
    let mut v = 0;
    while v <= top_value {
        let yy = y(v);
        let _ = write!(
            s,
            r#"<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/><text class="axis" x="{}" y="{}" text-anchor="end">{v}</text>"#,
            D(left),
            D(w - right),
            D(yy),
            D(yy),
            D(left - 6.0),
            D(yy + 4.0)
        );
        v += step;
    }
    let n = report.buckets.len().max(1);
    let band = plot_w / n as f64;
    let bar = (band * 0.8).max(1.0);
    // Labels no closer than about 64 px.
    let every = ((64.0 / band).ceil() as usize).max(1);
    let names = series(report, query);
    for (i, b) in report.buckets.iter().enumerate() {
        let x = left + band * i as f64 + (band - bar) / 2.0;
        let _ = write!(s, r#"<g class="bar"><title>{}: {}</title>"#, escape(&b.label), b.total);
        let mut parts: Vec<usize> = b.by_caller.iter().take(SERIES).copied().collect();
        if b.by_caller.len() > SERIES {
            parts.push(b.by_caller[SERIES..].iter().sum());
        }
        let mut base = 0;
        for (k, &count) in parts.iter().enumerate() {
            if count == 0 {
                continue;
            }
            let (y1, y0) = (y(base + count), y(base));
            let _ = write!(
                s,
                r#"<rect class="s{k}" x="{}" y="{}" width="{}" height="{}"><title>{}: {} — {count}</title></rect>"#,
                D(x),
                D(y1),
                D(bar),
                D((y0 - y1).max(0.5)),
                escape(&b.label),
                escape(names.get(k).map(String::as_str).unwrap_or(""))
            );
            base += count;
        }
        s.push_str("</g>");
        if i % every == 0 {
            let _ = write!(
                s,
                r#"<text class="axis" x="{}" y="{}" text-anchor="middle">{}</text>"#,
                D(left + band * i as f64 + band / 2.0),
                D(h - bottom + 16.0),
                escape(&b.label)
            );
        }
    }
    let _ = write!(
        s,
        r#"<line class="axis-line" x1="{}" x2="{}" y1="{}" y2="{}"/>"#,
        D(left),
        D(w - right),
        D(y(0)),
        D(y(0))
    );
    s.push_str("</svg>");
    s
}

/// Outcomes as horizontal bars with their counts (outcomes that never occurred left out).
pub fn outcomes(report: &Report, query: &super::Query) -> String {
    let rows: Vec<_> = report.outcomes.iter().filter(|o| o.count > 0).collect();
    let (w, row_h, label_w) = (760.0, 26.0, 190.0);
    let h = (rows.len().max(1) as f64) * row_h + 8.0;
    let max = rows.iter().map(|o| o.count).max().unwrap_or(1).max(1);
    let total: usize = rows.iter().map(|o| o.count).sum();
    let bar_w = w - label_w - 90.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" class="chart" role="img" aria-label="{}">"#,
        D(w),
        D(h),
        escape(word(query, "chart_outcomes"))
    );
    for (i, o) in rows.iter().enumerate() {
        let y = 4.0 + row_h * i as f64;
        let len = (bar_w * o.count as f64 / max as f64).max(1.0);
        let name = escape(word(query, o.outcome));
        let pct = (100.0 * o.count as f64 / total as f64).round() as i64;
        let _ = write!(
            s,
            r#"<g class="bar"><title>{name}: {} ({pct}%)</title><text class="axis" x="{}" y="{}" text-anchor="end">{name}</text><rect class="o-{}" x="{}" y="{}" width="{}" height="{}"/><text class="value" x="{}" y="{}">{}</text></g>"#,
            o.count,
            D(label_w - 8.0),
            D(y + row_h / 2.0 + 4.0),
            o.outcome,
            D(label_w),
            D(y + 3.0),
            D(len),
            D(row_h - 6.0),
            D(label_w + len + 6.0),
            D(y + row_h / 2.0 + 4.0),
            o.count
        );
    }
    s.push_str("</svg>");
    s
}
