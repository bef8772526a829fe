//! [`Dom`] over the browser's DOM (web-sys), so the content script runs the same profiles as
//! the native tests. Form values are read from DOM properties (`.value`, `.checked`,
//! `selectedIndex`): real MIS forms keep what the user sees only there.
//!
//! Every call is total: a selector the browser rejects (it throws) matches nothing.
//!
//! Cost: a page is read with tens of thousands of calls into the DOM (a heavy card: ~70,000),
//! so each call crosses once where it can: `querySelector` for one element, selectors turned
//! into JS strings once per page (not once per call), no `instanceof` checks on what
//! `querySelectorAll` and `children` return (always elements), and one `matches` before
//! asking an element for a form value.

use std::cell::RefCell;
use std::collections::HashMap;

use js_sys::JsString;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement, NodeList};

use crate::extract::css::rightmost_compound;
use crate::extract::limits::MAX_CHILDREN;
use crate::extract::normalize::{normalize_text, TextSink};
use crate::extract::{Dom, First, Prefetched};

// The same DOM methods as web-sys's, taking the selector as a JS string made once.
#[wasm_bindgen]
extern "C" {
    /// Any element, seen through these three methods.
    type Queryable;
    #[wasm_bindgen(method, catch, js_name = querySelector)]
    fn query_selector(this: &Queryable, selectors: &JsString) -> Result<Option<Element>, JsValue>;
    #[wasm_bindgen(method, catch, js_name = querySelectorAll)]
    fn query_selector_all(this: &Queryable, selectors: &JsString) -> Result<NodeList, JsValue>;
    #[wasm_bindgen(method, catch, js_name = matches)]
    fn matches(this: &Queryable, selectors: &JsString) -> Result<bool, JsValue>;
    /// `textContent` left a JS string: a section's text can be megabytes, of which the core
    /// keeps a few hundred bytes (copying it all into wasm memory was a fifth of a heavy check).
    #[wasm_bindgen(method, getter, js_name = textContent)]
    fn text_content_js(this: &Queryable) -> Option<JsString>;
}

// extension/dom_read.js, loaded beside every glue of the core (the content scripts, the engine
// page; the wasm tests evaluate it): several DOM calls in one crossing.
#[wasm_bindgen]
extern "C" {
    /// The text of the first match (at most `max_units` UTF-16 units), `null` for none, or the
    /// element itself (a possible form control, or longer text).
    #[wasm_bindgen(js_namespace = precallDom, js_name = firstText)]
    fn first_text_js(scope: &Element, selector: &JsString, max_units: u32) -> JsValue;
    /// `firstText` of each selector in each scope, as one string: per answer `N` (none),
    /// `E` (ask `firstText`) or `T` and the text without NULs, the answers joined by NUL;
    /// fewer answers once `deadline` (ms since the epoch) has passed.
    #[wasm_bindgen(js_namespace = precallDom, js_name = firstTexts)]
    fn first_texts_js(scopes: &js_sys::Array, selectors: &js_sys::Array, max_units: u32, deadline: f64) -> String;
    /// A 53-bit hash of the element's text (its first `max_units` UTF-16 units).
    #[wasm_bindgen(js_namespace = precallDom, js_name = textHash)]
    fn text_hash_js(node: &Element, max_units: u32) -> f64;
}

/// UTF-16 code units of a text read in one go for `max_bytes` of normalised text: more than
/// fits unless the text is mostly whitespace (collapsed), in which case more follows. The
/// helpers' answers are capped at it too, so a text they give is read as `text` reads it.
fn slice_units(max_bytes: usize) -> u32 {
    2 * max_bytes as u32 + 256
}

/// Feeds `text` into `sink` a slice at a time until the sink is full.
fn push_js_text(sink: &mut TextSink, text: &JsString) {
    let step = slice_units(sink.max_bytes());
    let len = text.length();
    let mut at = 0u32;
    while at < len && !sink.is_full() {
        let mut end = (at + step).min(len);
        // Never split a surrogate pair (a lone half would read as U+FFFD).
        if end < len && (0xD800..0xDC00).contains(&(text.char_code_at(end - 1) as u32)) {
            end += 1;
        }
        sink.push(&String::from(text.slice(at, end)));
        at = end;
    }
}

fn q(element: &Element) -> &Queryable {
    element.unchecked_ref()
}

const FORM_CONTROLS: &str = "input, select, textarea";

/// A selector made a JS string once per page.
#[derive(Clone)]
struct JsSelector {
    whole: JsString,
    /// A chain's rightmost compound ([`rightmost_compound`]).
    tail: Option<JsString>,
}

/// The page (or any subtree of it) as a [`Dom`].
pub struct WebDom {
    root: Element,
    /// Selectors as JS strings, each with its chain's rightmost compound (see `select`); a
    /// profile has a few hundred at most.
    selectors: RefCell<HashMap<String, JsSelector>>,
    /// Reading stops after this time (ms since the epoch): a huge page cannot freeze the tab.
    deadline: Option<f64>,
    expired: std::cell::Cell<bool>,
}

impl WebDom {
    /// Extraction starts at `root` (usually `document.documentElement`).
    pub fn new(root: Element) -> Self {
        WebDom { root, selectors: RefCell::new(HashMap::new()), deadline: None, expired: std::cell::Cell::new(false) }
    }

    fn js_selector(&self, selector: &str) -> JsSelector {
        let mut cache = self.selectors.borrow_mut();
        if let Some(s) = cache.get(selector) {
            return s.clone();
        }
        if cache.len() >= 1024 {
            cache.clear();
        }
        let s = JsSelector { whole: JsString::from(selector), tail: rightmost_compound(selector).map(JsString::from) };
        cache.insert(selector.to_string(), s.clone());
        s
    }

    /// Reading for at most `ms` milliseconds from now; then [`Dom::exhausted`].
    pub fn with_budget_ms(mut self, ms: f64) -> Self {
        self.deadline = Some(js_sys::Date::now() + ms);
        self
    }

    /// The whole document; `None` for a document without an element (about:blank while loading).
    pub fn from_document(document: &Document) -> Option<Self> {
        document.document_element().map(WebDom::new)
    }
}

impl Dom for WebDom {
    type Node = Element;

    fn root(&self) -> Element {
        self.root.clone()
    }

    fn select(&self, scope: &Element, selector: &str, limit: usize) -> Vec<Element> {
        let JsSelector { whole: sel, tail } = self.js_selector(selector);
        if let Some(compound) = tail {
            // Its rightmost compound, then the whole chain on each (see rightmost_compound).
            let Ok(list) = q(scope).query_selector_all(&compound) else { return Vec::new() };
            let mut found = Vec::new();
            for i in 0..list.length() {
                if found.len() >= limit {
                    break;
                }
                let Some(node) = list.item(i) else { break };
                if q(node.unchecked_ref()).matches(&sel).unwrap_or(false) {
                    found.push(node.unchecked_into::<Element>());
                }
            }
            return found;
        }
        if limit == 1 {
            return q(scope).query_selector(&sel).ok().flatten().into_iter().collect();
        }
        let Ok(list) = q(scope).query_selector_all(&sel) else { return Vec::new() };
        let n = (list.length() as usize).min(limit);
        // querySelectorAll returns elements only.
        (0..n).filter_map(|i| list.item(i as u32)).map(|node| node.unchecked_into::<Element>()).collect()
    }

    fn first_text(&self, scope: &Element, selector: &str, max_bytes: usize) -> First<Element> {
        let sel = self.js_selector(selector);
        if sel.tail.is_some() {
            // Chains are queried the long way (see select).
            return match self.select(scope, selector, 1).into_iter().next() {
                None => First::Nothing,
                Some(n) => First::Element(n),
            };
        }
        let found = first_text_js(scope, &sel.whole, slice_units(max_bytes));
        if let Some(text) = found.as_string() {
            return First::Text(normalize_text(&text, max_bytes));
        }
        if found.is_null() {
            return First::Nothing;
        }
        First::Element(found.unchecked_into())
    }

    fn text_hash(&self, node: &Element, max_bytes: usize) -> u64 {
        text_hash_js(node, max_bytes as u32) as u64
    }

    fn first_texts(&self, scopes: &[Element], selectors: &[&str], max_bytes: usize) -> Option<Vec<Prefetched>> {
        // Chains are not in the batch: they are queried the long way (see select).
        let sels: Vec<JsSelector> = selectors.iter().map(|s| self.js_selector(s)).collect();
        let js_sels: js_sys::Array = sels.iter().filter(|s| s.tail.is_none()).map(|s| &s.whole).collect();
        if js_sels.length() == 0 {
            return None;
        }
        let js_scopes: js_sys::Array = scopes.iter().collect();
        // The time budget holds inside the call too (a hostile page's rows can be slow to query).
        let deadline = self.deadline.unwrap_or(f64::INFINITY);
        let joined = first_texts_js(&js_scopes, &js_sels, slice_units(max_bytes), deadline);
        let mut answers = joined.split('\0');
        let mut out = Vec::with_capacity(scopes.len() * sels.len());
        for _ in scopes {
            for sel in &sels {
                if sel.tail.is_some() {
                    out.push(Prefetched::Ask);
                    continue;
                }
                out.push(match answers.next()?.split_at_checked(1) {
                    Some(("T", text)) => Prefetched::Text(normalize_text(text, max_bytes)),
                    Some(("N", "")) => Prefetched::Nothing,
                    _ => Prefetched::Ask,
                });
            }
        }
        // As many answers as asked, or none is trusted.
        answers.next().is_none().then_some(out)
    }

    fn matches(&self, node: &Element, selector: &str) -> bool {
        q(node).matches(&self.js_selector(selector).whole).unwrap_or(false)
    }

    fn may_be_form_control(&self, node: &Element) -> bool {
        self.matches(node, FORM_CONTROLS)
    }

    fn text(&self, node: &Element, max_bytes: usize) -> String {
        let mut sink = TextSink::new(max_bytes);
        if let Some(text) = q(node).text_content_js() {
            push_js_text(&mut sink, &text);
        }
        sink.finish()
    }

    fn own_text(&self, node: &Element, max_bytes: usize) -> String {
        let mut sink = TextSink::new(max_bytes);
        let children = node.child_nodes();
        let n = (children.length() as usize).min(MAX_CHILDREN);
        for i in 0..n {
            if let Some(child) = children.item(i as u32) {
                if child.node_type() == web_sys::Node::TEXT_NODE {
                    sink.push(&child.node_value().unwrap_or_default());
                }
            }
        }
        sink.finish()
    }

    fn attr(&self, node: &Element, name: &str) -> Option<String> {
        node.get_attribute(name)
    }

    fn tag(&self, node: &Element) -> String {
        node.local_name().to_ascii_lowercase()
    }

    fn value(&self, node: &Element) -> Option<String> {
        if let Some(i) = node.dyn_ref::<HtmlInputElement>() {
            return Some(i.value());
        }
        if let Some(s) = node.dyn_ref::<HtmlSelectElement>() {
            return Some(s.value());
        }
        node.dyn_ref::<HtmlTextAreaElement>().map(|t| t.value())
    }

    fn checked(&self, node: &Element) -> Option<bool> {
        let input = node.dyn_ref::<HtmlInputElement>()?;
        let t = input.type_().to_ascii_lowercase();
        (t == "checkbox" || t == "radio").then(|| input.checked())
    }

    fn selected_text(&self, node: &Element) -> Option<String> {
        let select = node.dyn_ref::<HtmlSelectElement>()?;
        let i = select.selected_index();
        if i < 0 {
            return Some(String::new());
        }
        let option = select.item(i as u32)?;
        Some(normalize_text(&option.text_content().unwrap_or_default(), crate::extract::limits::MAX_TEXT))
    }

    fn parent(&self, node: &Element) -> Option<Element> {
        node.parent_element()
    }

    fn children(&self, node: &Element) -> Vec<Element> {
        let c = node.children();
        let n = (c.length() as usize).min(MAX_CHILDREN);
        (0..n).filter_map(|i| c.item(i as u32)).collect()
    }

    fn first_child(&self, node: &Element) -> Option<Element> {
        node.first_element_child()
    }

    fn next_sibling(&self, node: &Element) -> Option<Element> {
        node.next_element_sibling()
    }

    fn by_id(&self, id: &str) -> Option<Element> {
        self.root.owner_document()?.get_element_by_id(id)
    }

    fn exhausted(&self) -> bool {
        if !self.expired.get() && self.deadline.is_some_and(|d| js_sys::Date::now() > d) {
            self.expired.set(true);
        }
        self.expired.get()
    }
}
