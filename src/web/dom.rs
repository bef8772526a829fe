//! [`Dom`] over the browser's DOM (web-sys), so the content script runs the same profiles as
//! the native tests. Form values are read from DOM properties (`.value`, `.checked`,
//! `selectedIndex`): real MIS forms keep what the user sees only there.
//!
//! Every call is total: a selector the browser rejects (it throws) matches nothing.

use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};

use crate::extract::limits::MAX_CHILDREN;
use crate::extract::normalize::{normalize_text, TextSink};
use crate::extract::Dom;

/// The page (or any subtree of it) as a [`Dom`].
pub struct WebDom {
    root: Element,
    /// Reading stops after this time (ms since the epoch): a huge page cannot freeze the tab.
    deadline: Option<f64>,
    expired: std::cell::Cell<bool>,
}

impl WebDom {
    /// Extraction starts at `root` (usually `document.documentElement`).
    pub fn new(root: Element) -> Self {
        WebDom { root, deadline: None, expired: std::cell::Cell::new(false) }
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
        let Ok(list) = scope.query_selector_all(selector) else { return Vec::new() };
        let n = (list.length() as usize).min(limit);
        (0..n).filter_map(|i| list.item(i as u32)).filter_map(|node| node.dyn_into::<Element>().ok()).collect()
    }

    fn matches(&self, node: &Element, selector: &str) -> bool {
        node.matches(selector).unwrap_or(false)
    }

    fn text(&self, node: &Element, max_bytes: usize) -> String {
        let mut sink = TextSink::new(max_bytes);
        sink.push(&node.text_content().unwrap_or_default());
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
