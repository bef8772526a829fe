//! Evaluates a profile over a [`Dom`]. See the module docs of `extract` for the invariants.

use std::cell::{Cell, OnceCell};
use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::limits::*;
use super::normalize::{self, is_key_of, key, DateOrder, Rejected};
use super::profile::{url_after, url_param, Norm, OneOrMany, Profile, Read, Source, SourceSpec, Spec};
use super::{Coverage, Dom, Extraction, FieldCoverage, First, Hit, Prefetched, SectionCoverage};
use crate::model::Section;

/// What one place on the page gave.
#[derive(Debug, Clone)]
enum Raw {
    Text(String),
    Bool(bool),
}

/// The outcome of reading one value.
enum Got {
    Value(Value),
    /// The page says explicitly that nothing is stated ("не указано"): null.
    Unstated,
    Missing,
    Invalid(String),
}

/// The cells of a table row, by column.
struct RowCells<N> {
    /// (cell, first column, column span)
    cells: Vec<(N, usize, usize)>,
}

/// A table row whose cells are looked at only when a field needs a column (most profiles name
/// a class first, and reading every cell's tag and span costs two DOM calls per cell).
struct LazyCells<N> {
    row: N,
    cells: OnceCell<RowCells<N>>,
}

/// Header names of a table, by column.
struct Table {
    columns: Vec<(String, usize)>,
}

impl Table {
    fn column(&self, names: &[String]) -> Option<usize> {
        for name in names {
            let k = key(name);
            if let Some((_, c)) = self.columns.iter().find(|(h, _)| *h == k) {
                return Some(*c);
            }
        }
        for name in names {
            let k = key(name);
            if let Some((_, c)) = self.columns.iter().find(|(h, _)| !k.is_empty() && h.starts_with(&k)) {
                return Some(*c);
            }
        }
        None
    }
}

struct Row<'r, N> {
    table: Option<(&'r Table, &'r LazyCells<N>)>,
    /// What [`Dom::first_texts`] read in this row for these selectors (a table's rows).
    prefetched: Option<(&'r [&'r str], &'r [Prefetched])>,
    /// Text already read for the other fields of this object (for `sibling` sources).
    siblings: Vec<(String, String)>,
    /// Whether a field of this object reads `siblings` (else they are not kept).
    keep_siblings: bool,
}

impl<N> Row<'_, N> {
    fn plain() -> Self {
        Row { table: None, prefetched: None, siblings: Vec::new(), keep_siblings: false }
    }
}

/// Field coverage in first-seen order (a Vec: fewer monomorphised maps in the .wasm).
struct CovMap(Vec<FieldCoverage>);

impl CovMap {
    /// The entry of field `name` inside `path` ("" at the top: "start"; else "services.price").
    fn entry(&mut self, path: &str, name: &str) -> &mut FieldCoverage {
        let is = |f: &str| {
            if path.is_empty() {
                f == name
            } else {
                f.len() == path.len() + 1 + name.len()
                    && f.starts_with(path)
                    && f.ends_with(name)
                    && f.as_bytes()[path.len()] == b'.'
            }
        };
        let i = match self.0.iter().position(|f| is(&f.field)) {
            Some(i) => i,
            None => {
                self.0.push(FieldCoverage { field: join_path(path, name), ..Default::default() });
                self.0.len() - 1
            }
        };
        &mut self.0[i]
    }
}

/// Rows per [`Dom::first_texts`] call: the time budget is looked at between calls.
const BATCH_ROWS: usize = 200;

/// What one [`Dom::first_texts`] call read: `width` answers per row, from row `start` on.
struct Batch {
    start: usize,
    width: usize,
    texts: Vec<Prefetched>,
}

impl Batch {
    fn row(&self, k: usize) -> Option<&[Prefetched]> {
        let at = k.checked_sub(self.start)? * self.width;
        self.texts.get(at..at + self.width)
    }
}

/// The selectors a row's fields read first with plain CSS, one value each: what a batch
/// reads ahead for every row (other sources and later alternatives are read one by one).
fn batchable(fields: &BTreeMap<String, Spec>) -> Vec<&str> {
    let mut sels: Vec<&str> = Vec::new();
    for spec in fields.values() {
        if spec.constant.is_some() || spec.fields.is_some() || spec.all || spec.split.is_some() {
            continue;
        }
        if let Some(Source::Css(css)) = spec.from.first() {
            if !sels.contains(&css.as_str()) {
                sels.push(css);
            }
        }
    }
    sels
}

fn join_path(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

pub(super) struct Engine<'a, D: Dom> {
    dom: &'a D,
    url: &'a str,
    budget: Cell<usize>,
    truncated: Cell<bool>,
    /// Stop reading at the first work limit reached (the extension gives no verdict then).
    stop: bool,
}

impl<'a, D: Dom> Engine<'a, D> {
    pub fn new(dom: &'a D, url: &'a str) -> Self {
        Engine { dom, url, budget: Cell::new(MAX_NODES), truncated: Cell::new(false), stop: false }
    }

    pub fn stopping(mut self) -> Self {
        self.stop = true;
        self
    }

    /// The node budget left, or `None` (and the read marked truncated) when a work limit ends
    /// reading: what every query looks at first.
    fn budget_left(&self) -> Option<usize> {
        let left = self.budget.get();
        if left == 0 || (self.stop && self.truncated.get()) || self.dom.exhausted() {
            self.truncated.set(true);
            return None;
        }
        Some(left)
    }

    /// Every query goes through here: it spends the node budget.
    fn select(&self, scope: &D::Node, selector: &str, limit: usize) -> Vec<D::Node> {
        let Some(left) = self.budget_left() else { return Vec::new() };
        let lim = limit.min(left);
        let found = self.dom.select(scope, selector, lim);
        if found.len() >= lim && lim < limit {
            self.truncated.set(true);
        }
        self.budget.set(left.saturating_sub(found.len().max(1)));
        found
    }

    /// [`Dom::first_text`] (or what the row's batch read for it), spending the node budget
    /// as [`Engine::select`] does.
    fn first_text(&self, scope: &D::Node, selector: &str, row: &Row<'_, D::Node>) -> Option<Raw> {
        self.budget.set(self.budget_left()? - 1);
        let batched =
            row.prefetched.and_then(|(sels, texts)| sels.iter().position(|s| *s == selector).map(|i| &texts[i]));
        match batched {
            Some(Prefetched::Nothing) => return None,
            Some(Prefetched::Text(t)) => return Some(Raw::Text(t.clone())),
            Some(Prefetched::Ask) | None => {}
        }
        match self.dom.first_text(scope, selector, MAX_TEXT) {
            First::Nothing => None,
            First::Text(t) => Some(Raw::Text(t)),
            First::Element(n) => self.read_node(&n, &Read::Auto),
        }
    }

    fn first(&self, scope: &D::Node, selectors: &[String]) -> Option<(usize, D::Node)> {
        selectors.iter().enumerate().find_map(|(i, sel)| self.select(scope, sel, 1).into_iter().next().map(|n| (i, n)))
    }

    pub fn extract(&self, profile: &Profile) -> Extraction {
        let root = self.dom.root();
        let mut snapshot = Map::new();
        snapshot.insert("schema".into(), Value::String(super::SNAPSHOT_SCHEMA.into()));
        let mut coverage = Coverage::default();
        for section in Section::ALL {
            let Some(spec) = profile.sections.get(section.as_str()) else {
                coverage.sections.push(SectionCoverage {
                    section,
                    configured: false,
                    found: false,
                    root: None,
                    reason: Some("not in the profile".into()),
                    rows: None,
                    fields: Vec::new(),
                });
                continue;
            };
            let (value, cov) = self.section(section, spec, &root);
            if let Some(v) = value {
                snapshot.insert(section.as_str().to_string(), v);
            }
            coverage.sections.push(cov);
        }
        coverage.truncated = self.truncated.get();
        Extraction { snapshot: Value::Object(snapshot), coverage, profile: profile.name.clone() }
    }

    /// Whether a work limit was reached so far.
    pub fn truncated(&self) -> bool {
        self.truncated.get()
    }

    /// The first text the sources give on the page (the URL included), e.g. a record id.
    pub fn text(&self, sources: &[Source]) -> Option<String> {
        let spec = Spec { from: sources.to_vec(), ..Default::default() };
        as_key(self.value(&spec, &self.dom.root(), &mut Row::plain(), "_").0)
    }

    pub(super) fn section(&self, section: Section, spec: &Spec, doc: &D::Node) -> (Option<Value>, SectionCoverage) {
        let mut cov = SectionCoverage {
            section,
            configured: true,
            found: false,
            root: None,
            reason: None,
            rows: None,
            fields: Vec::new(),
        };
        let heading = if spec.root_label.is_empty() { None } else { self.heading_root(doc, &spec.root_label.0) };
        // No heading and no root: a list with `rows_label` looks for labelled values anywhere
        // on the page (and only for those: the page's other tables are not this section).
        let labels_anywhere = heading.is_none() && spec.root.is_empty() && !spec.rows_label.is_empty();
        let labels_only_spec;
        let spec = if labels_anywhere {
            labels_only_spec = Spec { rows: Some(OneOrMany(Vec::new())), ..spec.clone() };
            &labels_only_spec
        } else {
            spec
        };
        let scope = if let Some((i, n)) = heading {
            cov.root = Some(format!("under the heading {:?}", spec.root_label.0[i]));
            n
        } else if labels_anywhere {
            cov.root = Some("labelled values anywhere on the page".into());
            doc.clone()
        } else if spec.root.is_empty() && spec.root_label.is_empty() {
            doc.clone()
        } else {
            match self.first(doc, &spec.root.0) {
                Some((i, n)) => {
                    cov.root = Some(format!("#{} {}", i + 1, spec.root.0[i]));
                    n
                }
                None => {
                    cov.reason =
                        Some(if spec.root.is_empty() { "no heading found".into() } else { "root not found".into() });
                    return (None, cov);
                }
            }
        };
        if let Some(sel) = &spec.absent_if {
            if !self.select(&scope, sel, 1).is_empty() {
                cov.reason = Some(format!("absent_if matched: {sel}"));
                return (None, cov);
            }
        }
        let mut fields = CovMap(Vec::new());
        let value = if spec.rows.is_some() {
            let rows = self.list(spec, &scope, "", &mut fields);
            if rows.is_empty() && !spec.none_text.is_empty() && !self.says_none(&scope, &spec.none_text.0) {
                cov.reason = Some("no rows, and nothing on the page says there are none".into());
                cov.fields = fields.0;
                return (None, cov);
            }
            cov.rows = Some(rows.len());
            Value::Array(rows)
        } else {
            let empty = BTreeMap::new();
            let (obj, found) =
                self.object(spec.fields.as_ref().unwrap_or(&empty), &scope, Row::plain(), "", &mut fields);
            if spec.needs_a_field && !found {
                cov.reason = Some("none of its fields was found".into());
                cov.fields = fields.0;
                return (None, cov);
            }
            Value::Object(obj)
        };
        cov.found = true;
        cov.fields = fields.0;
        (Some(value), cov)
    }

    /// Whether the section's text says it is empty ("Нет записей").
    fn says_none(&self, scope: &D::Node, markers: &[String]) -> bool {
        let text = key(&self.dom.text(scope, 2000));
        markers.iter().map(|m| key(m)).any(|m| !m.is_empty() && text.contains(&m))
    }

    /// The section under a heading with one of these texts (see `Spec::root_label`).
    fn heading_root(&self, doc: &D::Node, labels: &[String]) -> Option<(usize, D::Node)> {
        const HEADINGS: &str = "h1, h2, h3, h4, h5, h6, caption, legend, summary, [role=heading], [class*=title], [class*=header], [class*=heading], [class*=Title], [class*=Header], [class*=Heading]";
        let heads = self.select(doc, HEADINGS, MAX_LABEL_SCAN);
        let texts: Vec<String> = heads.iter().map(|h| key(&self.dom.own_text(h, 200))).collect();
        for (i, label) in labels.iter().enumerate() {
            let lk = key(label);
            if lk.is_empty() {
                continue;
            }
            for (h, t) in heads.iter().zip(&texts) {
                let rest = match t.strip_prefix(lk.as_str()) {
                    Some(r) => r.trim_start(),
                    None => continue,
                };
                if !(rest.is_empty()
                    || rest.starts_with(['(', '[', ':', '—', '-'])
                    || rest.starts_with(|c: char| c.is_ascii_digit()))
                {
                    continue;
                }
                if let Some(n) = self.after_heading(h) {
                    return Some((i, n));
                }
            }
        }
        None
    }

    fn after_heading(&self, h: &D::Node) -> Option<D::Node> {
        if matches!(self.dom.tag(h).as_str(), "caption" | "legend" | "summary") {
            return self.dom.parent(h);
        }
        let mut cur = h.clone();
        for _ in 0..3 {
            if let Some(next) = self.dom.next_sibling(&cur) {
                return Some(next);
            }
            cur = self.dom.parent(&cur)?;
        }
        None
    }

    /// How many different labels of `labels` are on the page (as label elements). Column
    /// headers do not count: a list of patients has them too, a patient's page has them as
    /// labels (a `th` beside its `td`).
    pub fn count_labels(&self, labels: &[String]) -> usize {
        let candidates = self.select(&self.dom.root(), "*", MAX_LABEL_SCAN);
        let keys: Vec<String> = labels.iter().map(|l| key(l)).filter(|k| !k.is_empty()).collect();
        let mut seen = vec![false; keys.len()];
        for n in &candidates {
            let own = self.dom.own_text(n, 120);
            if own.is_empty() || self.is_column_header(n) {
                continue;
            }
            let k = key(&own);
            for (i, lk) in keys.iter().enumerate() {
                if !seen[i] && (k == *lk || (k.starts_with(lk.as_str()) && k[lk.len()..].trim_start().starts_with(':')))
                {
                    seen[i] = true;
                }
            }
        }
        seen.iter().filter(|b| **b).count()
    }

    /// Rows made of the values next to labels (see `Spec::rows_label`).
    fn label_rows(&self, scope: &D::Node, labels: &[String]) -> Vec<D::Node> {
        let candidates = self.select(scope, "*", MAX_LABEL_SCAN);
        let keys: Vec<String> = labels.iter().map(|l| key(l)).filter(|k| !k.is_empty()).collect();
        let mut rows = Vec::new();
        for n in candidates {
            if rows.len() >= MAX_ROWS {
                break;
            }
            if self.dom.tag(&n) == "th" {
                continue;
            }
            let k = key(&self.dom.own_text(&n, 200));
            if k.is_empty() {
                continue;
            }
            if keys.contains(&k) {
                match self.value_for_label(&n) {
                    Some(Ok(v)) => rows.push(v),
                    Some(Err(_)) => rows.extend(self.dom.parent(&n)),
                    None => {}
                }
            } else if keys.iter().any(|lk| k.starts_with(lk.as_str()) && k[lk.len()..].trim_start().starts_with(':')) {
                rows.push(n);
            }
        }
        rows
    }

    /// A list of objects: one per row matching `spec.rows` in `scope`.
    fn list(&self, spec: &Spec, scope: &D::Node, path: &str, cov: &mut CovMap) -> Vec<Value> {
        let empty = BTreeMap::new();
        let fields = spec.fields.as_ref().unwrap_or(&empty);
        let Some(rows_sels) = &spec.rows else { return Vec::new() };
        let table = if fields.values().any(uses_columns) { Some(self.table(spec, scope)) } else { None };
        // Alternatives: the first selector whose rows give something wins. Coverage is
        // counted for the winning alternative only.
        let n = rows_sels.0.len();
        for (i, rows_sel) in rows_sels.0.iter().enumerate() {
            let mut rows = self.select(scope, rows_sel, MAX_ROWS + 1);
            if rows.len() > MAX_ROWS {
                rows.truncate(MAX_ROWS);
                self.truncated.set(true);
            }
            // extract_or_stop: the first work limit ends the read ("page too large to check").
            if self.stop && self.truncated.get() {
                return Vec::new();
            }
            let last = i + 1 == n && spec.rows_label.is_empty();
            let mut trial = CovMap(Vec::new());
            let out = self.read_rows(spec, fields, rows, table.as_ref(), path, &mut trial, false);
            if !out.is_empty() || last {
                merge_cov(cov, trial);
                return out;
            }
        }
        if spec.rows_label.is_empty() {
            return Vec::new();
        }
        let rows = self.label_rows(scope, &spec.rows_label.0);
        self.read_rows(spec, fields, rows, None, path, cov, true)
    }

    #[allow(clippy::too_many_arguments)]
    fn read_rows(
        &self,
        spec: &Spec,
        fields: &BTreeMap<String, Spec>,
        rows: Vec<D::Node>,
        table: Option<&Table>,
        path: &str,
        cov: &mut CovMap,
        by_label: bool,
    ) -> Vec<Value> {
        let mut out = Vec::new();
        let mut seen_text: Vec<String> = Vec::new();
        // Each field's first CSS source, read for a chunk of rows at a time in one call.
        let batch_sels = batchable(fields);
        let mut batch: Option<Batch> = None;
        for (k, row) in rows.iter().enumerate() {
            if !batch_sels.is_empty() && k % BATCH_ROWS == 0 && !self.dom.exhausted() {
                let chunk = &rows[k..rows.len().min(k + BATCH_ROWS)];
                batch = self.dom.first_texts(chunk, &batch_sels, MAX_TEXT).map(|texts| Batch {
                    start: k,
                    width: batch_sels.len(),
                    texts,
                });
            }
            if self.stop && self.truncated.get() {
                return Vec::new();
            }
            if spec.skip.as_deref().is_some_and(|s| self.dom.matches(row, s)) {
                continue;
            }
            let cells = LazyCells { row: row.clone(), cells: OnceCell::new() };
            // A header row, or a placeholder cell spanning the table ("no records"). A row whose
            // first cell is a plain `td` spanning one column is neither: the common case, few calls.
            if table.is_some() && !self.starts_with_plain_td(row) {
                let c = self.cells(&cells);
                let all_th = !c.cells.is_empty() && c.cells.iter().all(|(n, _, _)| self.is_header_cell(n));
                let placeholder = c.cells.len() == 1 && c.cells[0].2 > 1;
                if all_th || placeholder {
                    continue;
                }
            }
            if by_label {
                // The same value under two labels (or twice) is one row.
                let t = self.dom.text(row, 200);
                if seen_text.contains(&t) {
                    continue;
                }
                seen_text.push(t);
            }
            let prefetched = batch.as_ref().and_then(|b| b.row(k)).map(|texts| (batch_sels.as_slice(), texts));
            let r = Row { table: table.map(|t| (t, &cells)), prefetched, siblings: Vec::new(), keep_siblings: false };
            let (obj, found) = self.object(fields, row, r, path, cov);
            // A label row is kept only when every required field has a value ("Телефон: —").
            let complete = !by_label
                || fields
                    .iter()
                    .filter(|(_, f)| f.required)
                    .all(|(name, _)| obj.get(name).is_some_and(|v| !v.is_null()));
            if found && complete {
                out.push(Value::Object(obj));
            }
        }
        out
    }

    /// A header cell of a header row (a `th` in a row without `td`, or role=columnheader).
    fn is_column_header(&self, n: &D::Node) -> bool {
        if self.dom.attr(n, "role").as_deref() == Some("columnheader") {
            return true;
        }
        if self.dom.tag(n) != "th" {
            return false;
        }
        match self.dom.parent(n) {
            Some(row) => !self.dom.children(&row).iter().any(|c| self.dom.tag(c) == "td"),
            None => true,
        }
    }

    fn is_header_cell(&self, n: &D::Node) -> bool {
        self.dom.tag(n) == "th" || matches!(self.dom.attr(n, "role").as_deref(), Some("columnheader"))
    }

    fn table(&self, spec: &Spec, scope: &D::Node) -> Table {
        let mut header_cells = Vec::new();
        let sels: Vec<&str> = match &spec.headers {
            Some(s) => vec![s.as_str()],
            None => vec!["thead th", "thead td", "tr th", "[role=columnheader]"],
        };
        for sel in sels {
            header_cells = self.select(scope, sel, MAX_CHILDREN);
            if !header_cells.is_empty() {
                break;
            }
        }
        let mut columns = Vec::new();
        let mut col = 0;
        for cell in header_cells {
            columns.push((key(&self.dom.text(&cell, 200)), col));
            col += self.span(&cell);
        }
        Table { columns }
    }

    fn span(&self, cell: &D::Node) -> usize {
        self.dom.attr(cell, "colspan").and_then(|s| s.trim().parse::<usize>().ok()).unwrap_or(1).clamp(1, 100)
    }

    fn cells<'c>(&self, lazy: &'c LazyCells<D::Node>) -> &'c RowCells<D::Node> {
        lazy.cells.get_or_init(|| self.row_cells(&lazy.row))
    }

    fn starts_with_plain_td(&self, row: &D::Node) -> bool {
        self.dom
            .first_child(row)
            .is_some_and(|first| self.dom.tag(&first) == "td" && self.span(&first) == 1 && !self.is_header_cell(&first))
    }

    fn row_cells(&self, row: &D::Node) -> RowCells<D::Node> {
        let mut cells = Vec::new();
        let mut col = 0;
        for child in self.dom.children(row) {
            let tag = self.dom.tag(&child);
            let role = self.dom.attr(&child, "role");
            let cell_role = matches!(role.as_deref(), Some("cell" | "gridcell" | "columnheader" | "rowheader"));
            if tag == "td" || tag == "th" || cell_role {
                let span = self.span(&child);
                cells.push((child, col, span));
                col += span;
            }
        }
        RowCells { cells }
    }

    /// An object: each field read within `scope`. Returns the object and whether any field
    /// found something on the page.
    fn object(
        &self,
        fields: &BTreeMap<String, Spec>,
        scope: &D::Node,
        mut row: Row<'_, D::Node>,
        path: &str,
        cov: &mut CovMap,
    ) -> (Map<String, Value>, bool) {
        let mut out = Map::new();
        let mut found_any = false;
        // Fields that read other fields' text go last (and only then is the text kept).
        row.keep_siblings = fields.values().any(uses_siblings);
        let plain = fields.iter().filter(|(_, s)| !uses_siblings(s));
        let dependent = fields.iter().filter(|(_, s)| uses_siblings(s));
        for (name, spec) in plain.chain(dependent) {
            if let Some(c) = &spec.constant {
                out.insert(name.clone(), c.clone());
                continue;
            }
            if spec.fields.is_some() {
                let inner = if spec.root.is_empty() {
                    Some(scope.clone())
                } else {
                    self.first(scope, &spec.root.0).map(|(_, n)| n)
                };
                let entry = cov.entry(path, name);
                let Some(inner) = inner else {
                    entry.missing += 1;
                    continue;
                };
                let fpath = join_path(path, name);
                if spec.rows.is_some() {
                    let list = self.list(spec, &inner, &fpath, cov);
                    found_any |= !list.is_empty();
                    out.insert(name.clone(), Value::Array(list));
                } else {
                    let empty = BTreeMap::new();
                    // Without a root of its own, a nested object still sees the row's cells.
                    let inner_row = Row {
                        table: if spec.root.is_empty() { row.table } else { None },
                        prefetched: None,
                        siblings: Vec::new(),
                        keep_siblings: false,
                    };
                    let (obj, found) =
                        self.object(spec.fields.as_ref().unwrap_or(&empty), &inner, inner_row, &fpath, cov);
                    found_any |= found;
                    // A nested object with its own root is shown even when empty.
                    if found || !spec.root.is_empty() {
                        out.insert(name.clone(), Value::Object(obj));
                    }
                }
                continue;
            }
            let (got, hit, counts) = self.value(spec, scope, &mut row, name);
            let entry = cov.entry(path, name);
            match &got {
                Got::Missing => entry.missing += 1,
                Got::Invalid(raw) => {
                    entry.invalid += 1;
                    if entry.invalid_example.is_none() {
                        entry.invalid_example = Some(normalize::normalize_text(raw, 80));
                    }
                }
                _ => {}
            }
            if let Some(alt) = hit {
                match entry.hits.iter_mut().find(|h| h.alternative == alt) {
                    Some(h) => h.count += 1,
                    None => entry.hits.push(Hit { alternative: alt, source: describe(&spec.from[alt - 1]), count: 1 }),
                }
            }
            match got {
                Got::Value(v) => {
                    found_any |= counts;
                    out.insert(name.clone(), v);
                }
                Got::Unstated => {
                    found_any |= counts;
                    out.insert(name.clone(), Value::Null);
                }
                Got::Missing => {
                    if let Some(d) = &spec.default {
                        out.insert(name.clone(), d.clone());
                    }
                }
                Got::Invalid(raw) => {
                    if spec.required {
                        out.insert(name.clone(), Value::String(raw));
                    } else if let Some(d) = &spec.default {
                        out.insert(name.clone(), d.clone());
                    }
                }
            }
        }
        (out, found_any)
    }

    /// Reads one field: the first source that yields something wins. Returns the outcome,
    /// the winning alternative (1-based, described), and whether the value counts as "found on
    /// the page" (an `exists` source that matched nothing gives `false` but found nothing).
    fn value(
        &self,
        spec: &Spec,
        scope: &D::Node,
        row: &mut Row<'_, D::Node>,
        name: &str,
    ) -> (Got, Option<usize>, bool) {
        let many = spec.all || spec.split.is_some();
        let mut has_exists = false;
        for (i, src) in spec.from.iter().enumerate() {
            let read_mode = match src {
                Source::Css(_) => Read::Auto,
                Source::Full(f) => f.read.clone().unwrap_or(Read::Auto),
            };
            has_exists |= read_mode == Read::Exists;
            let raws = self.read_source(src, scope, row, if spec.all { MAX_ROWS } else { 1 });
            if raws.is_empty() {
                continue;
            }
            let hit = Some(i + 1);
            if many {
                return (self.list_value(spec, &raws), hit, true);
            }
            let raw = &raws[0];
            if let Raw::Text(t) = raw {
                if t.is_empty() {
                    continue;
                }
                if row.keep_siblings {
                    row.siblings.push((name.to_string(), t.clone()));
                }
            }
            return (normalize_one(spec, raw), hit, true);
        }
        if has_exists && !many {
            return (normalize_one(spec, &Raw::Bool(false)), None, false);
        }
        (Got::Missing, None, false)
    }

    fn list_value(&self, spec: &Spec, raws: &[Raw]) -> Got {
        let mut items = Vec::new();
        let mut invalid = None;
        for raw in raws {
            let pieces: Vec<Raw> = match (raw, &spec.split) {
                (Raw::Text(t), Some(chars)) => {
                    t.split(|c| chars.contains(c)).map(|p| Raw::Text(p.trim().to_string())).collect()
                }
                _ => vec![raw.clone()],
            };
            for piece in pieces {
                if matches!(&piece, Raw::Text(t) if t.is_empty()) {
                    continue;
                }
                match normalize_one(spec, &piece) {
                    Got::Value(Value::Array(vs)) => {
                        for v in vs {
                            if !items.contains(&v) {
                                items.push(v);
                            }
                        }
                    }
                    Got::Value(v) => {
                        if spec.norm == Some(Norm::Channel) && items.contains(&v) {
                            continue;
                        }
                        items.push(v);
                    }
                    Got::Invalid(t) => invalid = invalid.or(Some(t)),
                    Got::Unstated | Got::Missing => {}
                }
                if items.len() >= MAX_ROWS {
                    break;
                }
            }
        }
        match invalid {
            // Keep what was understood; a rejected item is reported through coverage only
            // when nothing at all could be read.
            Some(t) if items.is_empty() => Got::Invalid(t),
            _ => Got::Value(Value::Array(items)),
        }
    }

    /// The raw values one source gives in `scope` (at most `limit`).
    fn read_source(&self, src: &Source, scope: &D::Node, row: &Row<'_, D::Node>, limit: usize) -> Vec<Raw> {
        let spec: &SourceSpec = match src {
            // The common case, without the general machinery: the elements' text (or form value).
            Source::Css(css) if limit == 1 => return self.first_text(scope, css, row).into_iter().collect(),
            Source::Css(css) => {
                return self.select(scope, css, limit).iter().filter_map(|n| self.read_node(n, &Read::Auto)).collect();
            }
            Source::Full(f) => f,
        };
        let read = spec.read.clone().unwrap_or(Read::Auto);
        // Places that give text directly.
        if let Some(marker) = &spec.url_after {
            return url_after(self.url, marker)
                .map(|t| vec![Raw::Text(normalize::normalize_text(&t, MAX_TEXT))])
                .unwrap_or_default();
        }
        if let Some(name) = &spec.url_param {
            return url_param(self.url, name)
                .map(|t| vec![Raw::Text(normalize::normalize_text(&t, MAX_TEXT))])
                .unwrap_or_default();
        }
        if let Some(name) = &spec.sibling {
            return row
                .siblings
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, t)| vec![Raw::Text(after(t, spec.after.as_deref()))])
                .unwrap_or_default();
        }
        // Places that give elements (or, for "Label: value" in one element, text).
        let mut texts = Vec::new();
        let bases: Vec<D::Node> = if !spec.label.is_empty() {
            let (nodes, rest) = self.label_values(scope, &spec.label.0, limit);
            texts = rest;
            nodes
        } else if !spec.column.is_empty() {
            let Some((table, lazy)) = row.table else { return Vec::new() };
            let Some(col) = table.column(&spec.column.0) else { return Vec::new() };
            self.cells(lazy)
                .cells
                .iter()
                .filter(|(_, start, span)| *start <= col && col < start + span)
                .map(|(n, _, _)| n.clone())
                .take(1)
                .collect()
        } else {
            vec![scope.clone()]
        };
        let nodes: Vec<D::Node> = match &spec.css {
            Some(css) => {
                let mut v = Vec::new();
                for b in &bases {
                    if v.len() >= limit {
                        break;
                    }
                    v.extend(self.select(b, css, limit - v.len()));
                }
                v
            }
            None => bases,
        };
        if read == Read::Exists {
            return if nodes.is_empty() && texts.is_empty() { Vec::new() } else { vec![Raw::Bool(true)] };
        }
        let mut out: Vec<Raw> = Vec::new();
        if spec.css.is_none() {
            out.extend(texts.into_iter().map(|t| Raw::Text(after(&t, spec.after.as_deref()))));
        }
        for n in nodes.iter().take(limit.saturating_sub(out.len())) {
            if let Some(raw) = self.read_node(n, &read) {
                out.push(match raw {
                    Raw::Text(t) => Raw::Text(after(&t, spec.after.as_deref())),
                    b => b,
                });
            }
        }
        out.truncate(limit);
        out
    }

    /// The element's own text, then each child's, with spaces between (bounded).
    fn words(&self, n: &D::Node, depth: usize, out: &mut String) {
        if depth > 16 || out.len() >= MAX_TEXT {
            return;
        }
        let own = self.dom.own_text(n, MAX_TEXT);
        if !own.is_empty() {
            out.push(' ');
            out.push_str(&own);
        }
        for c in self.dom.children(n) {
            self.words(&c, depth + 1, out);
        }
    }

    fn read_node(&self, n: &D::Node, read: &Read) -> Option<Raw> {
        let text = |s: String| Some(Raw::Text(normalize::normalize_text(&s, MAX_TEXT)));
        match read {
            Read::Text => Some(Raw::Text(self.dom.text(n, MAX_TEXT))),
            Read::Words => {
                let mut out = String::new();
                self.words(n, 0, &mut out);
                Some(Raw::Text(normalize::normalize_text(&out, MAX_TEXT)))
            }
            Read::OwnText => Some(Raw::Text(self.dom.own_text(n, MAX_TEXT))),
            Read::Value => self.dom.value(n).and_then(text),
            Read::Checked => self.dom.checked(n).map(Raw::Bool),
            Read::SelectedText => self.dom.selected_text(n).and_then(text),
            Read::Attr(name) => self.dom.attr(n, name).and_then(text),
            Read::Exists => Some(Raw::Bool(true)),
            Read::Auto if !self.dom.may_be_form_control(n) => Some(Raw::Text(self.dom.text(n, MAX_TEXT))),
            Read::Auto => {
                if let Some(c) = self.dom.checked(n) {
                    return Some(Raw::Bool(c));
                }
                if let Some(t) = self.dom.selected_text(n) {
                    return text(t);
                }
                if let Some(v) = self.dom.value(n) {
                    return text(v);
                }
                Some(Raw::Text(self.dom.text(n, MAX_TEXT)))
            }
        }
    }

    /// Elements holding the value next to a label (and texts for "Label: value" written in
    /// one element). Label alternatives are tried in order; the first that is found wins.
    fn label_values(&self, scope: &D::Node, labels: &[String], limit: usize) -> (Vec<D::Node>, Vec<String>) {
        let candidates = self.select(scope, "*", MAX_LABEL_SCAN);
        let own: Vec<String> = candidates.iter().map(|n| self.dom.own_text(n, 200)).collect();
        // Each text's key once, not once per label alternative (this loop is the hot spot of
        // label-read profiles: every element of the scope, for every field).
        let own_keys: Vec<String> = own.iter().map(|t| key(t)).collect();
        for label in labels {
            let lk = key(label);
            if lk.is_empty() {
                continue;
            }
            let mut nodes = Vec::new();
            let mut texts = Vec::new();
            for ((n, text), k) in candidates.iter().zip(&own).zip(&own_keys) {
                if nodes.len() + texts.len() >= limit {
                    break;
                }
                if *k == lk {
                    if let Some(v) = self.value_for_label(n) {
                        match v {
                            Ok(node) => nodes.push(node),
                            Err(t) => texts.push(t),
                        }
                    }
                } else if k.starts_with(&lk) && k[lk.len()..].trim_start().starts_with(':') {
                    // "Телефон: +7 900 ..." in one element.
                    if let Some((_, rest)) = text.split_once(':') {
                        let rest = rest.trim();
                        if !rest.is_empty() {
                            texts.push(rest.to_string());
                        }
                    }
                }
            }
            if !nodes.is_empty() || !texts.is_empty() {
                return (nodes, texts);
            }
        }
        (Vec::new(), Vec::new())
    }

    /// Where the value of a label element is: `Ok(element)` or `Err(text)` (text after the
    /// label in its parent).
    fn value_for_label(&self, label: &D::Node) -> Option<Result<D::Node, String>> {
        let dom = self.dom;
        let tag = dom.tag(label);
        if tag == "label" {
            if let Some(id) = dom.attr(label, "for").filter(|s| !s.is_empty()) {
                if let Some(n) = dom.by_id(&id) {
                    return Some(Ok(n));
                }
            }
        }
        let want_sibling = match tag.as_str() {
            "dt" => Some("dd"),
            "th" => Some("td"),
            _ => None,
        };
        if let Some(want) = want_sibling {
            let mut s = dom.next_sibling(label);
            for _ in 0..4 {
                let Some(n) = s else { break };
                if dom.tag(&n) == want {
                    return Some(Ok(n));
                }
                s = dom.next_sibling(&n);
            }
        }
        if let Some(control) = self.select(label, "input, select, textarea", 1).into_iter().next() {
            return Some(Ok(control));
        }
        if let Some(child) = dom.children(label).into_iter().find(|c| !dom.text(c, 16).is_empty()) {
            return Some(Ok(child));
        }
        if let Some(next) = dom.next_sibling(label) {
            return Some(Ok(next));
        }
        // "<p><b>Телефон:</b> +7 900</p>": the parent's own text.
        let parent = dom.parent(label)?;
        let t = dom.own_text(&parent, MAX_TEXT);
        (!t.is_empty()).then_some(Err(t))
    }

    pub fn patient_key(&self, profile: &Profile) -> Option<String> {
        let doc = self.dom.root();
        let mut row = Row::plain();
        if !profile.patient_key.is_empty() {
            let spec = Spec { from: profile.patient_key.clone(), ..Default::default() };
            return as_key(self.value(&spec, &doc, &mut row, "id").0);
        }
        let section = profile.sections.get("patient")?;
        let id = section.fields.as_ref()?.get("id")?;
        let scope = if section.root.is_empty() { doc } else { self.first(&doc, &section.root.0)?.1 };
        as_key(self.value(id, &scope, &mut row, "id").0)
    }
}

fn merge_cov(into: &mut CovMap, from: CovMap) {
    for f in from.0 {
        let e = into.entry("", &f.field);
        e.missing += f.missing;
        e.invalid += f.invalid;
        if e.invalid_example.is_none() {
            e.invalid_example = f.invalid_example;
        }
        for h in f.hits {
            match e.hits.iter_mut().find(|x| x.alternative == h.alternative) {
                Some(x) => x.count += h.count,
                None => e.hits.push(h),
            }
        }
    }
}

fn as_key(got: Got) -> Option<String> {
    match got {
        Got::Value(Value::String(s)) if !s.is_empty() => Some(s),
        Got::Value(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

fn after(text: &str, marker: Option<&str>) -> String {
    match marker.filter(|m| !m.is_empty()).and_then(|m| text.split_once(m)) {
        Some((_, rest)) => rest.trim().to_string(),
        None => text.to_string(),
    }
}

fn describe(src: &Source) -> String {
    match src {
        Source::Css(css) => format!("css {css}"),
        Source::Full(f) => {
            let mut parts = Vec::new();
            if !f.label.is_empty() {
                parts.push(format!("label {}", f.label.0.join(" | ")));
            }
            if !f.column.is_empty() {
                parts.push(format!("column {}", f.column.0.join(" | ")));
            }
            if let Some(u) = &f.url_after {
                parts.push(format!("url_after {u}"));
            }
            if let Some(u) = &f.url_param {
                parts.push(format!("url_param {u}"));
            }
            if let Some(s) = &f.sibling {
                parts.push(format!("sibling {s}"));
            }
            if let Some(c) = &f.css {
                parts.push(format!("css {c}"));
            }
            if let Some(r) = &f.read {
                parts.push(format!("read {}", String::from(r.clone())));
            }
            parts.join(", ")
        }
    }
}

fn uses_columns(spec: &Spec) -> bool {
    spec.from.iter().any(|s| matches!(s, Source::Full(f) if !f.column.is_empty()))
        || (spec.rows.is_none()
            && spec.root.is_empty()
            && spec.fields.as_ref().is_some_and(|f| f.values().any(uses_columns)))
}

fn uses_siblings(spec: &Spec) -> bool {
    spec.from.iter().any(|s| matches!(s, Source::Full(f) if f.sibling.is_some()))
}

/// Applies `word`, `map` and `norm` to one raw value.
fn normalize_one(spec: &Spec, raw: &Raw) -> Got {
    let text = match raw {
        Raw::Bool(b) => {
            if let Some(map) = &spec.map {
                if let Some(v) = map.get(if *b { "true" } else { "false" }) {
                    return if v.is_null() { Got::Unstated } else { Got::Value(v.clone()) };
                }
            }
            return Got::Value(Value::Bool(*b));
        }
        Raw::Text(t) => t,
    };
    let text: String = match spec.word {
        Some(n) => {
            let words: Vec<&str> = text.split_whitespace().take(64).collect();
            let idx = if n < 0 { words.len() as i64 + n as i64 } else { n as i64 };
            match usize::try_from(idx).ok().and_then(|i| words.get(i)) {
                Some(w) => (*w).to_string(),
                None => return Got::Missing,
            }
        }
        None => text.clone(),
    };
    if let Some(map) = &spec.map {
        let k = key(&text);
        // A key, or text that already is one of the map's values (a contract word in an
        // attribute), or (with `map_contains`) the longest key contained in the text.
        let hit = map
            .iter()
            .find(|(mk, _)| is_key_of(mk, &k))
            .map(|(_, v)| v)
            .or_else(|| map.values().find(|v| v.as_str() == Some(k.as_str())))
            .or_else(|| {
                if !spec.map_contains {
                    return None;
                }
                map.iter()
                    .filter(|(mk, _)| !key(mk).is_empty() && k.contains(&key(mk)))
                    .max_by_key(|(mk, _)| mk.chars().count())
                    .map(|(_, v)| v)
            });
        match hit {
            Some(Value::Null) => return Got::Unstated,
            Some(v) => return Got::Value(v.clone()),
            None if spec.norm.is_none() => {
                return if text.is_empty() { Got::Missing } else { Got::Invalid(text) };
            }
            None => {}
        }
    }
    let norm = spec.norm.unwrap_or(Norm::Text);
    let res: Result<Option<Value>, Rejected> = match norm {
        Norm::Text | Norm::Phone => Ok(text_value(&text)),
        Norm::Lower => Ok(text_value(&normalize::lower(&text))),
        Norm::Date => normalize::date(&text, DateOrder::DayFirst),
        Norm::DateUs => normalize::date(&text, DateOrder::MonthFirst),
        Norm::Datetime => normalize::datetime(&text, DateOrder::DayFirst),
        Norm::DatetimeUs => normalize::datetime(&text, DateOrder::MonthFirst),
        Norm::Number | Norm::Price | Norm::Percent => normalize::number(&text).map(|o| o.map(normalize::number_value)),
        Norm::Int => match normalize::number(&text) {
            Ok(Some(v)) if v.fract() == 0.0 => Ok(Some(normalize::number_value(v))),
            Ok(None) => Ok(None),
            _ => Err(Rejected),
        },
        Norm::Bool => normalize::boolean(&text).map(|o| o.map(Value::Bool)),
        Norm::Channel => match normalize::channels(&text).first() {
            Some(c) => Ok(Some(Value::String(c.as_str().to_string()))),
            None => Err(Rejected),
        },
        Norm::Channels => Ok(Some(Value::Array(
            normalize::channels(&text).into_iter().map(|c| Value::String(c.as_str().into())).collect(),
        ))),
        Norm::ContactKind => Ok(text_value(&text).map(|_| Value::String(normalize::contact_kind(&text).into()))),
    };
    match res {
        Ok(Some(v)) => Got::Value(v),
        Ok(None) if text.is_empty() => Got::Missing,
        Ok(None) => Got::Unstated,
        Err(Rejected) => Got::Invalid(text),
    }
}

/// Text as a value; empty or dash-like text is nothing.
fn text_value(t: &str) -> Option<Value> {
    let k = t.trim();
    if k.is_empty() || matches!(k, "-" | "—" | "–") {
        None
    } else {
        Some(Value::String(k.to_string()))
    }
}
