//! Draws a [`Panel`] into a closed shadow root: text only (never markup from the page),
//! our own stylesheet (constructed, so the page's CSP and CSS do not touch it), fixed
//! position (no layout shift), collapsible and movable so it never covers the MIS for good.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CssStyleSheet, Document, Element, HtmlElement, ShadowRoot, ShadowRootInit, ShadowRootMode};

use crate::model::Locale;
use crate::present::{words, Panel};

const STYLE: &str = include_str!("overlay.css");
const CORNERS: [&str; 4] = ["bottom-right", "bottom-left", "top-left", "top-right"];

struct Overlay {
    host: HtmlElement,
    root: ShadowRoot,
    /// The one click listener of the panel (event delegation), kept alive with it.
    _on_click: Closure<dyn FnMut(web_sys::Event)>,
}

#[derive(Default)]
struct UiState {
    collapsed: bool,
    corner: usize,
}

thread_local! {
    static OVERLAY: RefCell<Option<Overlay>> = const { RefCell::new(None) };
    static UI: RefCell<UiState> = RefCell::new(UiState::default());
}

fn create(document: &Document) -> Result<Overlay, JsValue> {
    let host: HtmlElement = document.create_element("precall-overlay")?.unchecked_into();
    let root = host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Closed))?;
    let sheet = CssStyleSheet::new()?;
    sheet.replace_sync(STYLE)?;
    root.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));
    let on_click = Closure::<dyn FnMut(web_sys::Event)>::new(|event: web_sys::Event| {
        let action = event
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|el| el.closest("[data-action]").ok().flatten())
            .and_then(|el| el.get_attribute("data-action"));
        let changed = UI.with(|ui| {
            let mut ui = ui.borrow_mut();
            match action.as_deref() {
                Some("collapse") => ui.collapsed = !ui.collapsed,
                Some("move") => ui.corner = (ui.corner + 1) % CORNERS.len(),
                _ => return false,
            }
            true
        });
        if changed {
            apply_ui_state();
        }
    });
    root.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref())?;
    Ok(Overlay { host, root, _on_click: on_click })
}

/// The shadow root to draw into, creating the host once and re-attaching it when an SPA
/// re-rendered the document: there is never more than one overlay.
fn with_root<R>(f: impl FnOnce(&ShadowRoot) -> Result<R, JsValue>) -> Result<R, JsValue> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    OVERLAY.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = Some(create(&document)?);
        }
        let overlay = slot.as_ref().unwrap();
        if !overlay.host.is_connected() {
            let parent = document.document_element().ok_or("no document element")?;
            parent.append_child(&overlay.host)?;
        }
        f(&overlay.root)
    })
}

fn el(doc: &Document, tag: &str, class: &str, text: Option<&str>) -> Result<Element, JsValue> {
    let e = doc.create_element(tag)?;
    if !class.is_empty() {
        e.set_class_name(class);
    }
    if let Some(t) = text {
        e.set_text_content(Some(t));
    }
    Ok(e)
}

fn header(doc: &Document, title: &str, class: &str, locale: Locale) -> Result<Element, JsValue> {
    let w = words(locale);
    let head = el(doc, "header", "", None)?;
    append(&head, &el(doc, "span", "brand", Some(w.brand))?)?;
    let badge = el(doc, "span", &format!("badge {class}"), Some(title))?;
    badge.set_attribute("data-testid", "verdict")?;
    append(&head, &badge)?;
    for (action, label, glyph) in [("move", w.move_corner, "⇆"), ("collapse", w.collapse, "▁")] {
        let b = el(doc, "button", "icon", Some(glyph))?;
        b.set_attribute("type", "button")?;
        b.set_attribute("data-action", action)?;
        b.set_attribute("title", label)?;
        b.set_attribute("aria-label", label)?;
        append(&head, &b)?;
    }
    Ok(head)
}

/// Replaces the overlay's content with the panel.
pub fn show(panel: &Panel, locale: Locale) -> Result<(), JsValue> {
    with_root(|root| {
        let doc = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
        let w = words(locale);
        let verdict = panel.verdict.as_str();
        let box_ = el(&doc, "div", &format!("panel v-{verdict}"), None)?;
        box_.set_attribute("role", "complementary")?;
        box_.set_attribute("aria-label", w.brand)?;
        box_.set_attribute("data-verdict", verdict)?;
        append(&box_, &header(&doc, &panel.title, &format!("v-{verdict}"), locale)?)?;
        let body = el(&doc, "div", "body", None)?;
        if let Some(who) = &panel.who {
            let p = el(&doc, "p", "who", Some(who))?;
            p.set_attribute("data-testid", "who")?;
            append(&body, &p)?;
        }
        if let Some(sub) = &panel.subtitle {
            append(&body, &el(&doc, "p", "subtitle", Some(sub))?)?;
        }
        if let Some(reading) = &panel.preferences {
            let prefs = el(&doc, "div", "prefs", None)?;
            prefs.set_attribute("data-testid", "preferences")?;
            append(&prefs, &el(&doc, "span", "label", Some(&format!("{}: ", w.contact_reading)))?)?;
            append(&prefs, &el(&doc, "span", "reading", Some(reading))?)?;
            if panel.uncertain {
                let mark = el(&doc, "span", "uncertain", Some(&format!(" ⚠ {}", w.uncertain)))?;
                append(&prefs, &mark)?;
            }
            if !panel.notes.is_empty() {
                let details = el(&doc, "details", "", None)?;
                append(&details, &el(&doc, "summary", "", Some(w.original_note))?)?;
                for note in &panel.notes {
                    append(&details, &el(&doc, "p", "note", Some(note))?)?;
                }
                append(&prefs, &details)?;
            }
            append(&body, &prefs)?;
        }
        for group in &panel.groups {
            let kind = serde_json::to_value(group.kind).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
            let section = el(&doc, "section", &format!("g g-{kind}"), None)?;
            section.set_attribute("data-group", &kind)?;
            append(&section, &el(&doc, "h3", "", Some(&group.heading))?)?;
            let list = el(&doc, "ul", "", None)?;
            for item in &group.items {
                let li = el(&doc, "li", "", Some(&item.text))?;
                if let Some(source) = &item.source {
                    li.set_attribute("data-source", source)?;
                }
                append(&list, &li)?;
            }
            append(&section, &list)?;
            append(&body, &section)?;
        }
        append(&box_, &body)?;
        root.replace_children_with_node_1(&box_);
        Ok(())
    })?;
    apply_ui_state();
    Ok(())
}

/// A plain message in place of the panel (a check that could not run).
pub fn show_message(text: &str, locale: Locale) -> Result<(), JsValue> {
    with_root(|root| {
        let doc = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
        let box_ = el(&doc, "div", "panel v-error", None)?;
        box_.set_attribute("role", "status")?;
        append(&box_, &header(&doc, "!", "v-error", locale)?)?;
        let body = el(&doc, "div", "body", None)?;
        append(&body, &el(&doc, "p", "message", Some(text))?)?;
        append(&box_, &body)?;
        root.replace_children_with_node_1(&box_);
        Ok(())
    })?;
    apply_ui_state();
    Ok(())
}

/// Removes the overlay (a page that is not a patient card).
pub fn hide() {
    OVERLAY.with(|cell| {
        if let Some(o) = cell.borrow().as_ref() {
            o.host.remove();
        }
    });
}

fn apply_ui_state() {
    let (collapsed, corner) = UI.with(|ui| {
        let ui = ui.borrow();
        (ui.collapsed, ui.corner)
    });
    OVERLAY.with(|cell| {
        if let Some(o) = cell.borrow().as_ref() {
            let _ = o.host.set_attribute("data-corner", CORNERS[corner]);
            if let Some(panel) = o.root.first_element_child() {
                let _ = panel.class_list().toggle_with_force("collapsed", collapsed);
            }
        }
    });
}

fn append(parent: &Element, child: &Element) -> Result<(), JsValue> {
    parent.append_child(child)?;
    Ok(())
}
