//! [`Dom`] over parsed HTML (scraper), for native builds: the CLI and the fixture tests.
//!
//! It follows what the browser's DOM gives for a freshly loaded page: form values come from
//! the markup (`value` attribute, `selected` option, textarea text), and `<template>` content
//! is invisible to queries (as with `querySelectorAll`).

use std::cell::RefCell;
use std::collections::HashMap;

use ego_tree::NodeId;
use scraper::{ElementRef, Html, Selector};

use super::limits::MAX_CHILDREN;
use super::normalize::TextSink;
use super::Dom;

pub struct HtmlDom {
    html: Html,
    ids: RefCell<Option<HashMap<String, NodeId>>>,
}

thread_local! {
    /// Compiled selectors, shared by every page read on this thread: a profile's few hundred
    /// selectors are compiled once, not once per page (the CLI's audit and extract over many
    /// pages, the fuzz target). Cleared when full, so hostile profiles cannot grow it.
    static SELECTORS: RefCell<HashMap<String, Option<Selector>>> = RefCell::default();
}

impl HtmlDom {
    /// Parses a whole HTML document (never fails: HTML parsing recovers from anything).
    pub fn parse(text: &str) -> Self {
        HtmlDom { html: Html::parse_document(text), ids: RefCell::default() }
    }

    pub fn html(&self) -> &Html {
        &self.html
    }

    fn el(&self, id: &NodeId) -> Option<ElementRef<'_>> {
        self.html.tree.get(*id).and_then(ElementRef::wrap)
    }

    fn with_selector<R>(&self, selector: &str, f: impl FnOnce(&Selector) -> R) -> Option<R> {
        SELECTORS.with(|cache| {
            let mut cache = cache.borrow_mut();
            if !cache.contains_key(selector) {
                if cache.len() >= 4096 {
                    cache.clear();
                }
                cache.insert(selector.to_string(), Selector::parse(selector).ok());
            }
            // `f` only matches with the selector: it never asks for another one while the
            // cache is borrowed.
            cache.get(selector).and_then(|s| s.as_ref()).map(f)
        })
    }

    fn in_template(el: ElementRef<'_>) -> bool {
        el.ancestors().filter_map(ElementRef::wrap).any(|a| a.value().name() == "template")
    }

    /// The option a select shows: the last `selected` one, else the first enabled one.
    fn selected_option(el: ElementRef<'_>) -> Option<ElementRef<'_>> {
        let options: Vec<ElementRef<'_>> =
            el.descendent_elements().filter(|e| e.value().name() == "option").take(MAX_CHILDREN).collect();
        options
            .iter()
            .rev()
            .find(|o| o.value().attr("selected").is_some())
            .or_else(|| options.iter().find(|o| o.value().attr("disabled").is_none()))
            .copied()
    }

    /// Descendant text like `textContent`: without `<template>` content.
    fn collect_text(el: ElementRef<'_>, max_bytes: usize) -> String {
        use ego_tree::iter::Edge;
        let mut sink = TextSink::new(max_bytes);
        let mut in_template = 0usize;
        for edge in el.traverse() {
            match edge {
                Edge::Open(n) => match n.value() {
                    scraper::Node::Text(t) if in_template == 0 => sink.push(t),
                    scraper::Node::Element(e) if e.name() == "template" => in_template += 1,
                    _ => {}
                },
                Edge::Close(n) => {
                    if matches!(n.value(), scraper::Node::Element(e) if e.name() == "template") {
                        in_template = in_template.saturating_sub(1);
                    }
                }
            }
            if sink.is_full() {
                break;
            }
        }
        sink.finish()
    }
}

impl Dom for HtmlDom {
    type Node = NodeId;

    fn root(&self) -> NodeId {
        self.html.root_element().id()
    }

    fn select(&self, scope: &NodeId, selector: &str, limit: usize) -> Vec<NodeId> {
        let Some(el) = self.el(scope) else { return Vec::new() };
        let scope_in_template = Self::in_template(el);
        self.with_selector(selector, |sel| {
            el.select(sel).filter(|e| scope_in_template || !Self::in_template(*e)).take(limit).map(|e| e.id()).collect()
        })
        .unwrap_or_default()
    }

    fn matches(&self, node: &NodeId, selector: &str) -> bool {
        let Some(el) = self.el(node) else { return false };
        self.with_selector(selector, |sel| sel.matches(&el)).unwrap_or(false)
    }

    fn text(&self, node: &NodeId, max_bytes: usize) -> String {
        self.el(node).map(|el| Self::collect_text(el, max_bytes)).unwrap_or_default()
    }

    fn own_text(&self, node: &NodeId, max_bytes: usize) -> String {
        let Some(el) = self.el(node) else { return String::new() };
        let mut sink = TextSink::new(max_bytes);
        for child in el.children().take(MAX_CHILDREN) {
            if let Some(t) = child.value().as_text() {
                sink.push(t);
            }
        }
        sink.finish()
    }

    fn attr(&self, node: &NodeId, name: &str) -> Option<String> {
        self.el(node)?.value().attr(name).map(str::to_string)
    }

    fn tag(&self, node: &NodeId) -> String {
        self.el(node).map(|e| e.value().name().to_ascii_lowercase()).unwrap_or_default()
    }

    fn value(&self, node: &NodeId) -> Option<String> {
        let el = self.el(node)?;
        match el.value().name() {
            "input" => {
                let t = el.value().attr("type").unwrap_or("").to_ascii_lowercase();
                let default = if t == "checkbox" || t == "radio" { "on" } else { "" };
                Some(el.value().attr("value").unwrap_or(default).to_string())
            }
            "textarea" => Some(Self::collect_text(el, super::limits::MAX_TEXT)),
            "select" => {
                let o = Self::selected_option(el)?;
                Some(match o.value().attr("value") {
                    Some(v) => v.to_string(),
                    None => Self::collect_text(o, super::limits::MAX_TEXT),
                })
            }
            _ => None,
        }
    }

    fn checked(&self, node: &NodeId) -> Option<bool> {
        let el = self.el(node)?;
        let t = el.value().attr("type").unwrap_or("").to_ascii_lowercase();
        (el.value().name() == "input" && (t == "checkbox" || t == "radio"))
            .then(|| el.value().attr("checked").is_some())
    }

    fn selected_text(&self, node: &NodeId) -> Option<String> {
        let el = self.el(node)?;
        if el.value().name() != "select" {
            return None;
        }
        Some(Self::selected_option(el).map(|o| Self::collect_text(o, super::limits::MAX_TEXT)).unwrap_or_default())
    }

    fn parent(&self, node: &NodeId) -> Option<NodeId> {
        let el = self.el(node)?;
        el.parent().and_then(ElementRef::wrap).map(|p| p.id())
    }

    fn children(&self, node: &NodeId) -> Vec<NodeId> {
        self.el(node).map(|el| el.child_elements().take(MAX_CHILDREN).map(|c| c.id()).collect()).unwrap_or_default()
    }

    fn next_sibling(&self, node: &NodeId) -> Option<NodeId> {
        let el = self.el(node)?;
        el.next_siblings().find_map(ElementRef::wrap).map(|e| e.id())
    }

    fn by_id(&self, id: &str) -> Option<NodeId> {
        let mut ids = self.ids.borrow_mut();
        let map = ids.get_or_insert_with(|| {
            let mut m = HashMap::new();
            for e in self.html.root_element().descendent_elements() {
                if let Some(i) = e.value().id() {
                    if !Self::in_template(e) {
                        m.entry(i.to_string()).or_insert(e.id());
                    }
                }
            }
            m
        });
        map.get(id).copied()
    }
}
