//! Extraction: site profiles (data, `profiles/*.json`) evaluated over a small DOM trait, so
//! the same profile runs on web-sys in the browser ([`crate::web::dom::WebDom`]) and on parsed
//! HTML natively ([`html::HtmlDom`], scraper).
//!
//! [`extract`] turns a page into contract-shaped JSON plus [`Coverage`] (per section found or
//! not, per field which alternative matched). The caller runs
//! [`crate::model::snapshot_from_value`] on the JSON. A section whose root is not on the page
//! is left out of the snapshot ("not read"); a root with no rows gives an empty list ("read,
//! none").
//!
//! Invariants: nothing here panics on any page; the work is bounded (rows per list, nodes
//! visited, text length), so a hostile page cannot freeze the tab; page text is only ever
//! data (normalised strings), never markup.

pub mod css;
mod engine;
pub mod normalize;
pub mod profile;
pub mod related;
pub mod teach;

#[cfg(not(target_arch = "wasm32"))]
pub mod html;

use serde::Serialize;

use crate::model::Section;
pub use profile::{Norm, OneOrMany, Profile, Read, Related, Source, SourceSpec, Spec, TrytonRead};

/// The contract marker extraction writes into the snapshot.
pub const SNAPSHOT_SCHEMA: &str = "precall.snapshot/1";

/// Work limits: a hostile page cannot make extraction slow or large.
pub mod limits {
    /// Rows read per list (per table); more are dropped and the coverage says "truncated".
    pub const MAX_ROWS: usize = 10_000;
    /// Bytes of text read per value (after whitespace normalisation).
    pub const MAX_TEXT: usize = 4_096;
    /// Elements looked at when searching for a label.
    pub const MAX_LABEL_SCAN: usize = 5_000;
    /// Elements returned by all selector queries of one extraction together.
    pub const MAX_NODES: usize = 100_000;
    /// Cells read per table row, children per element.
    pub const MAX_CHILDREN: usize = 1_000;
}

/// The small DOM the profiles need. All methods are total: an invalid selector matches
/// nothing, a missing node gives `None`.
pub trait Dom {
    /// An element handle (cheap to clone).
    type Node: Clone;

    /// The element extraction starts from (the document element).
    fn root(&self) -> Self::Node;
    /// Descendants of `scope` matching the CSS `selector`, in document order, at most `limit`.
    fn select(&self, scope: &Self::Node, selector: &str, limit: usize) -> Vec<Self::Node>;
    /// Whether the element itself matches the selector.
    fn matches(&self, node: &Self::Node, selector: &str) -> bool;
    /// Text content (all descendant text), whitespace-normalised, at most `max_bytes`.
    fn text(&self, node: &Self::Node, max_bytes: usize) -> String;
    /// Only the element's own text children, whitespace-normalised, at most `max_bytes`.
    fn own_text(&self, node: &Self::Node, max_bytes: usize) -> String;
    fn attr(&self, node: &Self::Node, name: &str) -> Option<String>;
    /// Lower-case tag name ("input", "td").
    fn tag(&self, node: &Self::Node) -> String;
    /// A form control's current value (`.value` of input, select, textarea); `None` for
    /// other elements. Natively: the `value` attribute, the selected option, the textarea text.
    fn value(&self, node: &Self::Node) -> Option<String>;
    /// A checkbox's or radio button's `.checked`; `None` for other elements.
    fn checked(&self, node: &Self::Node) -> Option<bool>;
    /// The text of a select's selected option; `None` for other elements.
    fn selected_text(&self, node: &Self::Node) -> Option<String>;
    fn parent(&self, node: &Self::Node) -> Option<Self::Node>;
    /// Element children, at most [`limits::MAX_CHILDREN`].
    fn children(&self, node: &Self::Node) -> Vec<Self::Node>;
    /// The first element child.
    fn first_child(&self, node: &Self::Node) -> Option<Self::Node> {
        self.children(node).into_iter().next()
    }
    /// `false` only when the element is surely not an input, select or textarea (a cheap
    /// test that lets [`Dom::checked`], [`Dom::selected_text`] and [`Dom::value`] be skipped).
    fn may_be_form_control(&self, _node: &Self::Node) -> bool {
        true
    }
    /// The next element sibling.
    fn next_sibling(&self, node: &Self::Node) -> Option<Self::Node>;
    /// The element with this id in the document.
    fn by_id(&self, id: &str) -> Option<Self::Node>;
    /// Whether the reader's own budget is spent (in the browser: time); extraction then stops
    /// as at any other work limit (`coverage.truncated`).
    fn exhausted(&self) -> bool {
        false
    }
    /// The first element under `scope` matching `selector`, already read as
    /// [`Dom::text`] when it surely is not a form control: the most common read of a profile,
    /// which the browser's reader answers in one call into the page instead of four.
    fn first_text(&self, scope: &Self::Node, selector: &str, max_bytes: usize) -> First<Self::Node> {
        match self.select(scope, selector, 1).into_iter().next() {
            None => First::Nothing,
            Some(n) if self.may_be_form_control(&n) => First::Element(n),
            Some(n) => First::Text(self.text(&n, max_bytes)),
        }
    }
    /// A hash of the element's text (about its first `max_bytes`), only to tell whether it
    /// changed: the same reader gives the same text the same hash. The browser's hashes the
    /// text where it is, without copying a heavy card's sections into wasm.
    fn text_hash(&self, node: &Self::Node, max_bytes: usize) -> u64 {
        fnv(&self.text(node, max_bytes))
    }
    /// [`Dom::first_text`] of each selector in each scope (scope after scope), when this reader
    /// answers many in one call (the browser's: a table's rows); `None`: ask one by one.
    fn first_texts(&self, _scopes: &[Self::Node], _selectors: &[&str], _max_bytes: usize) -> Option<Vec<Prefetched>> {
        None
    }
}

/// What [`Dom::first_texts`] found for one scope and selector.
#[derive(Debug, Clone, PartialEq)]
pub enum Prefetched {
    Nothing,
    /// The text, normalised as [`Dom::text`] gives it.
    Text(String),
    /// Read it with [`Dom::first_text`] (it may be a form control, or its text is long).
    Ask,
}

/// What [`Dom::first_text`] found.
pub enum First<N> {
    Nothing,
    /// The element's text, normalised as [`Dom::text`] gives it.
    Text(String),
    /// An element to read as any other (it may be a form control).
    Element(N),
}

/// The result of reading one page with one profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Extraction {
    /// Contract-shaped JSON (snapshot v1); sections not shown are absent.
    pub snapshot: serde_json::Value,
    pub coverage: Coverage,
    /// The profile's name.
    pub profile: String,
}

/// What the profile found on the page.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Coverage {
    /// Every contract section, in contract order.
    pub sections: Vec<SectionCoverage>,
    /// A work limit was reached: some of the page was not read.
    pub truncated: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionCoverage {
    pub section: Section,
    /// The profile describes this section.
    pub configured: bool,
    /// The section was on the page (it is in the snapshot).
    pub found: bool,
    /// The root alternative that matched, e.g. "#1 .appointments" (1-based).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root: Option<String>,
    /// Why the section counts as not shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Rows read (list sections).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<usize>,
    pub fields: Vec<FieldCoverage>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FieldCoverage {
    /// Path inside the section: "start", "services.price".
    pub field: String,
    /// Alternatives that gave values, with how often (once per row in lists).
    pub hits: Vec<Hit>,
    /// Times no alternative matched.
    pub missing: usize,
    /// Times text was found but the normaliser rejected it.
    pub invalid: usize,
    /// The first rejected text (cut to 80 bytes), to fix the profile.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invalid_example: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// 1-based index of the alternative in `from`.
    pub alternative: usize,
    /// The alternative, described ("css .phone", "label Телефон", "column Дата").
    pub source: String,
    pub count: usize,
}

impl Coverage {
    pub fn section(&self, section: Section) -> Option<&SectionCoverage> {
        self.sections.iter().find(|s| s.section == section)
    }
}

impl SectionCoverage {
    pub fn field(&self, path: &str) -> Option<&FieldCoverage> {
        self.fields.iter().find(|f| f.field == path)
    }
}

/// Reads the page with the profile.
pub fn extract<D: Dom>(dom: &D, profile: &Profile, url: &str) -> Extraction {
    engine::Engine::new(dom, url).extract(profile)
}

/// [`extract`] that stops at the first work limit reached (`coverage.truncated`): for the
/// extension, which then says "page too large to check" instead of judging a card read in
/// part, so a huge page costs little more than reaching the limit. What was read is partial.
pub fn extract_or_stop<D: Dom>(dom: &D, profile: &Profile, url: &str) -> Extraction {
    engine::Engine::new(dom, url).stopping().extract(profile)
}

/// Which patient the page shows (cheap: re-read on page changes to notice an SPA switching
/// patients). Uses the profile's `patient_key` sources, or the patient section's `id` field.
/// URL-based sources are skipped here (the caller knows the URL); see [`patient_key_at`].
pub fn patient_key<D: Dom>(dom: &D, profile: &Profile) -> Option<String> {
    engine::Engine::new(dom, "").patient_key(profile)
}

/// One way to read the patient key with plain DOM calls: the first element matching `css`,
/// its attribute `attr` (or its text).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyProbe {
    pub css: String,
    pub attr: Option<String>,
}

/// The profile's patient key as [`KeyProbe`]s, when it can be read that way, for the content
/// script on pages where the core cannot run (strict CSP): it notices SPA switches with these
/// and asks the engine only then. `None` when the key needs more than a selector (labels,
/// columns, the URL, the patient section's id): such pages are re-read when they settle.
pub fn key_probes(profile: &Profile) -> Option<Vec<KeyProbe>> {
    if profile.patient_key.is_empty() {
        return None;
    }
    profile
        .patient_key
        .iter()
        .map(|src| match src {
            Source::Css(css) => Some(KeyProbe { css: css.clone(), attr: None }),
            Source::Full(f) => {
                let plain = f.label.is_empty()
                    && f.column.is_empty()
                    && f.url_after.is_none()
                    && f.url_param.is_none()
                    && f.sibling.is_none()
                    && f.after.is_none();
                let attr = match &f.read {
                    None | Some(Read::Auto) | Some(Read::Text) => None,
                    Some(Read::Attr(name)) => Some(name.clone()),
                    Some(_) => return None,
                };
                (plain && f.css.is_some()).then(|| KeyProbe { css: f.css.clone().unwrap_or_default(), attr })
            }
        })
        .collect()
}

/// The section roots [`fingerprint`] reads (each section's `root` alternatives), for the
/// content script on pages where the core cannot run: it compares their text between page
/// changes and asks the engine only when one changed, as [`fingerprint`] does in the page.
/// `None` when a section is not found by CSS alone (a `root_label`, or no `root`): such pages
/// are re-read when they settle.
pub fn state_probes(profile: &Profile) -> Option<Vec<Vec<String>>> {
    profile
        .sections
        .values()
        .map(|spec| (spec.root_label.is_empty() && !spec.root.is_empty()).then(|| spec.root.0.clone()))
        .collect()
}

/// [`patient_key`] with the page URL, for profiles whose key is in the URL.
pub fn patient_key_at<D: Dom>(dom: &D, profile: &Profile, url: &str) -> Option<String> {
    engine::Engine::new(dom, url).patient_key(profile)
}

/// A cheap fingerprint of what the profile reads on the page: the text of each section root
/// given by CSS (`root`). An SPA that changes a section without switching patients changes
/// it; unrelated churn elsewhere on the page does not. Sections found by heading or label
/// (the generic profile) and related reads are not covered (0 for them).
pub fn fingerprint<D: Dom>(dom: &D, profile: &Profile) -> u64 {
    let root = dom.root();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for spec in profile.sections.values() {
        let Some(node) = spec.root.0.iter().find_map(|sel| dom.select(&root, sel, 1).into_iter().next()) else {
            h = (h ^ 0xff).wrapping_mul(0x100_0000_01b3);
            continue;
        };
        h = (h ^ dom.text_hash(&node, 256 * 1024)).wrapping_mul(0x100_0000_01b3);
    }
    h
}

/// FNV-1a of `text`: [`Dom::text_hash`]'s default.
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3))
}

/// The first profile whose URL patterns accept `url` and whose signature selectors all match.
/// An empty `url` means "not known" (a saved page): only the signature decides.
pub fn pick_profile<'a, D: Dom>(profiles: &'a [Profile], url: &str, dom: &D) -> Option<&'a Profile> {
    profiles.iter().find(|p| profile_accepts(p, url, dom))
}

/// Whether `profile` reads this page: its URL patterns accept `url` (an empty `url`: not
/// known) and its signature selectors (and signature labels) are all found.
pub fn profile_accepts<D: Dom>(profile: &Profile, url: &str, dom: &D) -> bool {
    let root = dom.root();
    (url.is_empty() || profile.url_matches(url))
        && profile.signature.0.iter().all(|sel| !dom.select(&root, sel, 1).is_empty())
        && profile.signature_labels.as_ref().is_none_or(|s| engine::Engine::new(dom, url).count_labels(&s.any) >= s.min)
}

/// A built-in profile's text as build.rs leaves it: without whitespace; in the page core
/// (no feature `pages`) also without the `note`s, which only document the selectors.
#[cfg(feature = "pages")]
macro_rules! builtin_profile_text {
    ($name:literal) => {
        include_str!(concat!(env!("OUT_DIR"), "/profiles/", $name, ".json"))
    };
}
#[cfg(not(feature = "pages"))]
macro_rules! builtin_profile_text {
    ($name:literal) => {
        include_str!(concat!(env!("OUT_DIR"), "/profiles/", $name, ".bare.json"))
    };
}

/// The profiles built into the extension (`profiles/*.json`, embedded at compile time).
pub const BUILTIN_PROFILE_SOURCES: &[(&str, &str)] = &[
    ("demo-mis", builtin_profile_text!("demo-mis")),
    ("gnuhealth", builtin_profile_text!("gnuhealth")),
    // Last: it recognises any page by its words, so every specific profile goes first.
    ("generic", builtin_profile_text!("generic")),
];

/// The built-in profiles, parsed. A built-in profile that does not parse is a bug caught by
/// the tests; here it is skipped rather than panicking.
pub fn builtin_profiles() -> Vec<Profile> {
    BUILTIN_PROFILE_SOURCES.iter().filter_map(|(_, text)| Profile::from_json(text).ok()).collect()
}

/// A profile by name among the built-in ones.
pub fn builtin_profile(name: &str) -> Option<Profile> {
    builtin_profiles().into_iter().find(|p| p.name == name)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
