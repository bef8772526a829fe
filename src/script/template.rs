//! Clinic-editable templates: JSON data with a tiny placeholder syntax.
//!
//! # Format
//!
//! One JSON object per locale (`templates/ru.json`, `templates/en.json` are the defaults):
//! `"locale"` ("ru" or "en") and nested objects whose text leaves are the templates, named by
//! their dotted path (`script.reason.hygiene_due`). Every key of the [catalogue](KEYS) must be
//! there; keys starting with `_` are comments and ignored.
//!
//! In a template:
//! - `{patient.greeting_name}`: a placeholder, replaced by a value (the list per key is in
//!   [`KEYS`]); card text is inserted as plain text and never read as template syntax.
//! - `{plan.open_count|пункт|пункта|пунктов}`: a number with its noun, "2 пункта", by the
//!   locale's plural rule (Russian: three forms, one/few/many; English: two, one/other).
//! - `[, врач — {doctor.full}]`: an optional part, dropped when any placeholder in it has no
//!   value. A placeholder outside `[...]` must have a value; when it has none, the default
//!   text of that key is used instead (and the clinic is told).
//! - `{{`, `}}`, `[[`, `]]`: literal braces and brackets.
//!
//! A broken template (unbalanced braces, an unknown placeholder, a missing key, wrong plural
//! forms) is reported with its key and replaced by the default text of that key: the script
//! is never blank because of a template.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use crate::model::Locale;

use super::lang;

const PATIENT: &[&str] = &["patient.greeting_name", "patient.full_name"];
const CALLER: &[&str] = &["caller.name", "caller.role", "caller.clinic"];
const CONFIG: &[&str] = &["config.checkup_months", "config.hygiene_months"];
const DOCTOR: &[&str] = &["doctor.name", "doctor.specialty", "doctor.full"];
const REASON: &[&str] = &["reason.message"];

/// Placeholders whose value is a number (they take plural forms).
pub const NUMERIC: &[&str] = &[
    "config.checkup_months",
    "config.hygiene_months",
    "plan.done_count",
    "plan.open_count",
    "plan.total_count",
    "plan.urgent_count",
    "relatives.due_count",
    "relatives.booked_count",
];

const APPOINTMENT: &[&str] = &["appointment.date", "appointment.time", "appointment.service"];
const URGENT: &[&str] = &["plan.id", "plan.created", "plan.urgent_items", "plan.urgent_due", "plan.urgent_count"];
const PARTIAL: &[&str] =
    &["plan.id", "plan.created", "plan.open_items", "plan.done_count", "plan.open_count", "plan.total_count"];
const RECALL: &[&str] = &["recall.due"];
const FOLLOWUP: &[&str] = &["recall.due", "visit.date", "visit.services"];
const PERSONAL: &[&str] = &["visit.date"];
const REL_DUE: &[&str] = &["relatives.due", "relatives.due_count"];
const REL_BOOKED: &[&str] = &["relatives.booked", "relatives.booked_count"];
const WINDOW: &[&str] = &["window.date", "window.time"];
const CTX_VISIT: &[&str] = &["visit.date", "visit.services"];
const CTX_PLAN: &[&str] = &["plan.id", "plan.created", "plan.state", "plan.open_items"];
const CTX_APPT: &[&str] = &["appointment.date", "appointment.time", "appointment.service", "appointment.status"];
const CTX_DNO: &[&str] = &["item.service", "item.why"];
const WHY: &[&str] = &["why"];
const CONTACT: &[&str] = &["contact.value", "contact.problem", "channel.name"];
const CHANNEL: &[&str] = &["channel.name"];
const NONE: &[&str] = &[];

/// Every template key and the placeholders it may use besides the common ones (patient,
/// caller, config). Reason keys also have `doctor.*` and `reason.message`.
pub const KEYS: &[(&str, &[&str])] = &[
    ("script.greeting", NONE),
    ("script.greeting_anonymous", NONE),
    ("script.caller", NONE),
    ("script.caller_anonymous", NONE),
    ("script.agreement", NONE),
    ("script.reason.appointment_reminder", APPOINTMENT),
    ("script.reason.plan_urgent_unstarted", URGENT),
    ("script.reason.plan_partially_done", PARTIAL),
    ("script.reason.control_exam_due", RECALL),
    ("script.reason.followup_agreed", FOLLOWUP),
    ("script.reason.hygiene_due", RECALL),
    ("script.reason.checkup_due", RECALL),
    ("script.reason.personal_doctor", PERSONAL),
    ("script.reason.personal_doctor_self", PERSONAL),
    ("script.reason.generic", NONE),
    ("script.invitation", NONE),
    ("script.invitation_followup", NONE),
    ("script.relatives_due", REL_DUE),
    ("script.relatives_booked", REL_BOOKED),
    ("script.way_out", NONE),
    ("script.wait", WINDOW),
    ("script.wait_unknown", NONE),
    ("context.last_visit", CTX_VISIT),
    ("context.no_visits", NONE),
    ("context.visits_not_read", NONE),
    ("context.plan", CTX_PLAN),
    ("context.no_open_plans", NONE),
    ("context.plans_not_read", NONE),
    ("context.appointment", CTX_APPT),
    ("context.no_appointments", NONE),
    ("context.appointments_not_read", NONE),
    ("context.do_not_offer", CTX_DNO),
    ("draft.greeting", NONE),
    ("draft.greeting_anonymous", NONE),
    ("draft.caller", NONE),
    ("draft.caller_anonymous", NONE),
    ("draft.reason.appointment_reminder", APPOINTMENT),
    ("draft.reason.plan_urgent_unstarted", URGENT),
    ("draft.reason.plan_partially_done", PARTIAL),
    ("draft.reason.control_exam_due", RECALL),
    ("draft.reason.followup_agreed", FOLLOWUP),
    ("draft.reason.hygiene_due", RECALL),
    ("draft.reason.checkup_due", RECALL),
    ("draft.reason.personal_doctor", PERSONAL),
    ("draft.reason.personal_doctor_self", PERSONAL),
    ("draft.reason.generic", NONE),
    ("draft.reply_if_changed", NONE),
    ("draft.invitation", NONE),
    ("draft.invitation_followup", NONE),
    ("draft.relatives_due", REL_DUE),
    ("draft.closing", NONE),
    ("draft.no_reason", NONE),
    ("draft.email_subject", NONE),
    ("messages.no_reason", NONE),
    ("messages.no_reason_no_consent", NONE),
    ("messages.do_not_contact", WHY),
    ("messages.do_not_contact_generic", NONE),
    ("messages.not_verified", WHY),
    ("messages.message_only", NONE),
    ("messages.phone_unreadable", CONTACT),
    ("messages.no_contact", CHANNEL),
    ("messages.no_link", CHANNEL),
    ("messages.landline", CHANNEL),
];

/// The placeholders a key may use.
pub fn allowed(key: &str) -> Option<Vec<&'static str>> {
    let (_, extra) = KEYS.iter().find(|(k, _)| *k == key)?;
    let mut all: Vec<&'static str> = PATIENT.iter().chain(CALLER).chain(CONFIG).copied().collect();
    if key.contains(".reason.") || key.starts_with("context.") {
        all.extend(DOCTOR);
    }
    if key.contains(".reason.") {
        all.extend(REASON);
    }
    all.extend(extra.iter().copied());
    Some(all)
}

/// A value for a placeholder.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Text(String),
    Num(i64),
}

/// The values available to one template.
pub type Vars = BTreeMap<&'static str, Val>;

/// One piece of a parsed template.
#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Text(String),
    Var { name: String, forms: Vec<String> },
    Optional(Vec<Seg>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateErrorKind {
    /// The file is not JSON, or not a JSON object.
    Json(String),
    /// `locale` is missing or not "ru"/"en".
    Locale(String),
    /// The templates are for another locale than the clinic's.
    WrongLocale {
        templates: Locale,
        config: Locale,
    },
    MissingKey,
    UnknownKey,
    NotText,
    /// `{` at this character has no `}`.
    UnclosedBrace(usize),
    /// `}` at this character closes nothing.
    StrayBrace(usize),
    UnclosedBracket(usize),
    StrayBracket(usize),
    NestedBracket(usize),
    /// An optional part with no placeholder in it.
    EmptyOptional(usize),
    /// `{}` or a placeholder name with characters other than a-z, 0-9, `_` and `.`.
    BadPlaceholder(usize, String),
    UnknownPlaceholder {
        name: String,
        available: Vec<&'static str>,
    },
    PluralForms {
        name: String,
        want: usize,
        got: usize,
    },
    NotANumber(String),
    /// At render time: a placeholder outside `[...]` has no value for this patient.
    NoValue(String),
}

/// A problem with one template (or the whole file when `key` is empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    pub key: String,
    pub kind: TemplateErrorKind,
}

impl TemplateError {
    fn new(key: &str, kind: TemplateErrorKind) -> Self {
        TemplateError { key: key.to_string(), kind }
    }

    /// The problem and what happens instead, for the clinic.
    pub fn message(&self, locale: Locale) -> String {
        use TemplateErrorKind as K;
        let ru = locale == Locale::Ru;
        let what = match (&self.kind, ru) {
            (K::Json(e), true) => format!("файл шаблонов не читается как JSON-объект ({e})"),
            (K::Json(e), false) => format!("the templates file is not a JSON object ({e})"),
            (K::Locale(v), true) => format!("`locale` должен быть \"ru\" или \"en\", а не {v}"),
            (K::Locale(v), false) => format!("`locale` must be \"ru\" or \"en\", not {v}"),
            (K::WrongLocale { templates, config }, true) => {
                format!("шаблоны на языке {}, а язык клиники — {}", locale_name(*templates), locale_name(*config))
            }
            (K::WrongLocale { templates, config }, false) => {
                format!(
                    "the templates are for {}, the clinic's locale is {}",
                    locale_name(*templates),
                    locale_name(*config)
                )
            }
            (K::MissingKey, true) => "ключа нет в файле".into(),
            (K::MissingKey, false) => "the key is missing".into(),
            (K::UnknownKey, true) => "неизвестный ключ (опечатка?)".into(),
            (K::UnknownKey, false) => "unknown key (a typo?)".into(),
            (K::NotText, true) => "значение должно быть строкой текста".into(),
            (K::NotText, false) => "the value must be a text string".into(),
            (K::UnclosedBrace(at), true) => format!("незакрытая скобка «{{» (символ {at})"),
            (K::UnclosedBrace(at), false) => format!("unbalanced braces: “{{” at character {at} is never closed"),
            (K::StrayBrace(at), true) => format!("лишняя скобка «}}» (символ {at}); для самой скобки пишите «}}}}»"),
            (K::StrayBrace(at), false) => {
                format!("unbalanced braces: “}}” at character {at} closes nothing (write “}}}}” for the brace itself)")
            }
            (K::UnclosedBracket(at), true) => format!("незакрытая скобка «[» (символ {at})"),
            (K::UnclosedBracket(at), false) => format!("unbalanced brackets: “[” at character {at} is never closed"),
            (K::StrayBracket(at), true) => format!("лишняя скобка «]» (символ {at}); для самой скобки пишите «]]»"),
            (K::StrayBracket(at), false) => {
                format!("unbalanced brackets: “]” at character {at} closes nothing (write “]]” for the bracket itself)")
            }
            (K::NestedBracket(at), true) => {
                format!("необязательные части «[...]» нельзя вкладывать друг в друга (символ {at})")
            }
            (K::NestedBracket(at), false) => format!("optional parts “[...]” cannot be nested (character {at})"),
            (K::EmptyOptional(at), true) => format!("в необязательной части «[...]» нет подстановки (символ {at})"),
            (K::EmptyOptional(at), false) => format!("the optional part “[...]” at character {at} has no placeholder"),
            (K::BadPlaceholder(at, s), true) => format!("неправильная подстановка «{{{s}}}» (символ {at})"),
            (K::BadPlaceholder(at, s), false) => format!("malformed placeholder “{{{s}}}” at character {at}"),
            (K::UnknownPlaceholder { name, available }, true) => {
                format!("неизвестная подстановка {{{name}}}; здесь доступны: {}", braces(available))
            }
            (K::UnknownPlaceholder { name, available }, false) => {
                format!("unknown placeholder {{{name}}}; available here: {}", braces(available))
            }
            (K::PluralForms { name, want, got }, true) => {
                format!("у {{{name}}} {got} форм(ы) слова, а нужно {want} (например, |день|дня|дней)")
            }
            (K::PluralForms { name, want, got }, false) => {
                format!("{{{name}}} has {got} word form(s), {want} are needed (e.g. |day|days)")
            }
            (K::NotANumber(name), true) => format!("{{{name}}} — не число, формы слова к нему не подходят"),
            (K::NotANumber(name), false) => format!("{{{name}}} is not a number and takes no word forms"),
            (K::NoValue(name), true) => {
                format!("у этого пациента нет значения для {{{name}}}; сделайте эту часть необязательной: [ ... ]")
            }
            (K::NoValue(name), false) => {
                format!("this patient has no value for {{{name}}}; make that part optional: [ ... ]")
            }
        };
        let whole = matches!(self.kind, K::Json(_) | K::Locale(_) | K::WrongLocale { .. });
        match (whole, ru) {
            (true, true) => format!("шаблоны клиники: {what} — используются шаблоны по умолчанию"),
            (true, false) => format!("clinic templates: {what} - the default templates are used"),
            (false, true) => format!("шаблон `{}`: {what} — используется текст по умолчанию", self.key),
            (false, false) => format!("template `{}`: {what} - the default text is used", self.key),
        }
    }
}

fn locale_name(l: Locale) -> &'static str {
    match l {
        Locale::Ru => "ru",
        Locale::En => "en",
    }
}

fn braces(names: &[&str]) -> String {
    names.iter().map(|n| format!("{{{n}}}")).collect::<Vec<_>>().join(", ")
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Locale::En))
    }
}

impl std::error::Error for TemplateError {}

/// Parses one template against the placeholders its key allows.
fn parse(text: &str, locale: Locale, allowed: &[&'static str]) -> Result<Vec<Seg>, TemplateErrorKind> {
    use TemplateErrorKind as K;
    let chars: Vec<char> = text.chars().collect();
    let mut top: Vec<Seg> = Vec::new();
    let mut group: Option<(usize, Vec<Seg>)> = None;
    let mut buf = String::new();
    let flush = |buf: &mut String, group: &mut Option<(usize, Vec<Seg>)>, top: &mut Vec<Seg>| {
        if !buf.is_empty() {
            let seg = Seg::Text(std::mem::take(buf));
            match group {
                Some((_, g)) => g.push(seg),
                None => top.push(seg),
            }
        }
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let at = i + 1;
        match c {
            '{' if next == Some('{') => {
                buf.push('{');
                i += 2;
                continue;
            }
            '}' if next == Some('}') => {
                buf.push('}');
                i += 2;
                continue;
            }
            '[' if next == Some('[') => {
                buf.push('[');
                i += 2;
                continue;
            }
            ']' if next == Some(']') => {
                buf.push(']');
                i += 2;
                continue;
            }
            '{' => {
                let Some(len) = chars[i + 1..].iter().position(|&c| c == '}' || c == '{') else {
                    return Err(K::UnclosedBrace(at));
                };
                if chars[i + 1 + len] == '{' {
                    return Err(K::UnclosedBrace(at));
                }
                let inner: String = chars[i + 1..i + 1 + len].iter().collect();
                let mut parts = inner.split('|');
                let name = parts.next().unwrap_or("").trim().to_string();
                let forms: Vec<String> = parts.map(|s| s.trim().to_string()).collect();
                let name_ok = !name.is_empty()
                    && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
                    && forms.iter().all(|f| !f.is_empty() && !f.contains(['[', ']']));
                if !name_ok {
                    return Err(K::BadPlaceholder(at, inner));
                }
                if !allowed.contains(&name.as_str()) {
                    return Err(K::UnknownPlaceholder { name, available: allowed.to_vec() });
                }
                if !forms.is_empty() {
                    if !NUMERIC.contains(&name.as_str()) {
                        return Err(K::NotANumber(name));
                    }
                    let want = lang::plural_forms(locale);
                    if forms.len() != want {
                        return Err(K::PluralForms { name, want, got: forms.len() });
                    }
                }
                flush(&mut buf, &mut group, &mut top);
                let seg = Seg::Var { name, forms };
                match &mut group {
                    Some((_, g)) => g.push(seg),
                    None => top.push(seg),
                }
                i += len + 2;
                continue;
            }
            '}' => return Err(K::StrayBrace(at)),
            '[' => {
                if group.is_some() {
                    return Err(K::NestedBracket(at));
                }
                flush(&mut buf, &mut group, &mut top);
                group = Some((at, Vec::new()));
            }
            ']' => {
                flush(&mut buf, &mut group, &mut top);
                let Some((start, g)) = group.take() else { return Err(K::StrayBracket(at)) };
                if !g.iter().any(|s| matches!(s, Seg::Var { .. })) {
                    return Err(K::EmptyOptional(start));
                }
                top.push(Seg::Optional(g));
            }
            _ => buf.push(c),
        }
        i += 1;
    }
    if let Some((start, _)) = group {
        return Err(K::UnclosedBracket(start));
    }
    flush(&mut buf, &mut group, &mut top);
    Ok(top)
}

fn value(v: Option<&Val>, forms: &[String], locale: Locale) -> Option<String> {
    match v? {
        Val::Text(t) if t.is_empty() => None,
        Val::Text(t) => Some(t.clone()),
        Val::Num(n) if forms.is_empty() => Some(n.to_string()),
        Val::Num(n) => Some(lang::count(locale, *n, forms)),
    }
}

fn render_segs(segs: &[Seg], vars: &Vars, locale: Locale) -> Result<String, String> {
    let mut out = String::new();
    for seg in segs {
        match seg {
            Seg::Text(t) => out.push_str(t),
            Seg::Var { name, forms } => match value(vars.get(name.as_str()), forms, locale) {
                Some(v) => out.push_str(&v),
                None => return Err(name.clone()),
            },
            Seg::Optional(inner) => {
                if let Ok(s) = render_segs(inner, vars, locale) {
                    out.push_str(&s);
                }
            }
        }
    }
    Ok(out)
}

/// Spaces made single (a dropped optional part may leave two), ends trimmed.
fn tidy(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_space = false;
    for c in s.chars() {
        if c == ' ' {
            if !prev_space {
                out.push(c);
            }
            prev_space = true;
        } else {
            prev_space = false;
            out.push(c);
        }
    }
    out.trim().to_string()
}

/// A set of templates for one locale.
#[derive(Debug, Clone)]
pub struct Templates {
    locale: Locale,
    map: BTreeMap<String, Vec<Seg>>,
    /// Raw texts, for the placeholder listing in tests and tools.
    texts: BTreeMap<String, String>,
    problems: Vec<TemplateError>,
}

impl Templates {
    /// Reads clinic templates. `Err` only when the file as a whole cannot be used (not JSON,
    /// no valid `locale`); a broken or missing key is listed in [`Templates::problems`] and
    /// takes the default text of that key.
    pub fn from_json(text: &str) -> Result<Templates, TemplateError> {
        let (locale, root) = read_root(text)?;
        Ok(load(locale, &root, Some(Templates::default_for(locale))))
    }

    /// The shipped templates for a locale (`templates/<locale>.json`, embedded at build time).
    pub fn default_for(locale: Locale) -> &'static Templates {
        static RU: OnceLock<Templates> = OnceLock::new();
        static EN: OnceLock<Templates> = OnceLock::new();
        let (cell, text) = match locale {
            Locale::Ru => (&RU, DEFAULT_RU),
            Locale::En => (&EN, DEFAULT_EN),
        };
        cell.get_or_init(|| {
            let root = read_root(text).map(|(_, r)| r).unwrap_or_default();
            load(locale, &root, None)
        })
    }

    pub fn locale(&self) -> Locale {
        self.locale
    }

    /// The keys that were broken or missing (each now uses the default text).
    pub fn problems(&self) -> &[TemplateError] {
        &self.problems
    }

    /// The template text of a key as loaded (after any fallback).
    pub fn text(&self, key: &str) -> Option<&str> {
        self.texts.get(key).map(String::as_str)
    }

    /// The placeholders a key's template uses, in order.
    pub fn placeholders(&self, key: &str) -> Vec<String> {
        fn walk(segs: &[Seg], out: &mut Vec<String>) {
            for s in segs {
                match s {
                    Seg::Var { name, .. } => out.push(name.clone()),
                    Seg::Optional(inner) => walk(inner, out),
                    Seg::Text(_) => {}
                }
            }
        }
        let mut out = Vec::new();
        if let Some(segs) = self.map.get(key) {
            walk(segs, &mut out);
        }
        out
    }

    /// Renders a key. `Ok(None)` when the key has no template (only possible for a broken
    /// default); `Err` when a required placeholder has no value.
    pub fn render(&self, key: &str, vars: &Vars) -> Result<Option<String>, TemplateError> {
        let Some(segs) = self.map.get(key) else { return Ok(None) };
        render_segs(segs, vars, self.locale)
            .map(|s| Some(tidy(&s)))
            .map_err(|name| TemplateError::new(key, TemplateErrorKind::NoValue(name)))
    }
}

pub const DEFAULT_RU: &str = include_str!("../../templates/ru.json");
pub const DEFAULT_EN: &str = include_str!("../../templates/en.json");

fn read_root(text: &str) -> Result<(Locale, serde_json::Map<String, serde_json::Value>), TemplateError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| TemplateError::new("", TemplateErrorKind::Json(e.to_string())))?;
    let serde_json::Value::Object(root) = value else {
        return Err(TemplateError::new("", TemplateErrorKind::Json("not an object".into())));
    };
    let locale = match root.get("locale") {
        Some(serde_json::Value::String(s)) if s == "ru" => Locale::Ru,
        Some(serde_json::Value::String(s)) if s == "en" => Locale::En,
        Some(v) => return Err(TemplateError::new("locale", TemplateErrorKind::Locale(v.to_string()))),
        None => return Err(TemplateError::new("locale", TemplateErrorKind::Locale("nothing".into()))),
    };
    Ok((locale, root))
}

fn flatten(
    prefix: &str,
    map: &serde_json::Map<String, serde_json::Value>,
    out: &mut BTreeMap<String, Result<String, ()>>,
) {
    for (k, v) in map {
        if k.starts_with('_') || (prefix.is_empty() && k == "locale") {
            continue;
        }
        let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
        match v {
            serde_json::Value::String(s) => {
                out.insert(key, Ok(s.clone()));
            }
            serde_json::Value::Object(inner) if KEYS.iter().all(|(known, _)| *known != key) => {
                flatten(&key, inner, out)
            }
            _ => {
                out.insert(key, Err(()));
            }
        }
    }
}

fn load(locale: Locale, root: &serde_json::Map<String, serde_json::Value>, fallback: Option<&Templates>) -> Templates {
    let mut leaves = BTreeMap::new();
    flatten("", root, &mut leaves);
    let mut t = Templates { locale, map: BTreeMap::new(), texts: BTreeMap::new(), problems: Vec::new() };
    for (key, _) in KEYS {
        let allowed = allowed(key).unwrap_or_default();
        let parsed = match leaves.get(*key) {
            Some(Ok(text)) => parse(text, locale, &allowed).map(|segs| (segs, text.clone())),
            Some(Err(())) => Err(TemplateErrorKind::NotText),
            None => Err(TemplateErrorKind::MissingKey),
        };
        match parsed {
            Ok((segs, text)) => {
                t.map.insert(key.to_string(), segs);
                t.texts.insert(key.to_string(), text);
            }
            Err(kind) => {
                t.problems.push(TemplateError::new(key, kind));
                if let Some(fb) = fallback {
                    if let (Some(segs), Some(text)) = (fb.map.get(*key), fb.texts.get(*key)) {
                        t.map.insert(key.to_string(), segs.clone());
                        t.texts.insert(key.to_string(), text.clone());
                    }
                }
            }
        }
    }
    for key in leaves.keys() {
        if KEYS.iter().all(|(k, _)| k != key) {
            t.problems.push(TemplateError::new(key, TemplateErrorKind::UnknownKey));
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Result<Vec<Seg>, TemplateErrorKind> {
        parse(text, Locale::Ru, &allowed("script.reason.plan_partially_done").unwrap())
    }

    fn r(text: &str, vars: &Vars) -> Result<String, String> {
        render_segs(&p(text).unwrap(), vars, Locale::Ru).map(|s| tidy(&s))
    }

    fn vars(list: &[(&'static str, Val)]) -> Vars {
        list.iter().cloned().collect()
    }

    #[test]
    fn placeholders_optional_parts_and_plurals() {
        let v = vars(&[
            ("patient.greeting_name", Val::Text("Мария Ивановна".into())),
            ("plan.open_count", Val::Num(2)),
            ("doctor.full", Val::Text("".into())),
        ]);
        assert_eq!(r("{patient.greeting_name}, здравствуйте!", &v).unwrap(), "Мария Ивановна, здравствуйте!");
        assert_eq!(r("впереди ещё {plan.open_count|пункт|пункта|пунктов}", &v).unwrap(), "впереди ещё 2 пункта");
        assert_eq!(r("план[ (врач — {doctor.full})] готов", &v).unwrap(), "план готов");
        assert_eq!(r("{{literal}} [[x]]", &v).unwrap(), "{literal} [x]");
        assert_eq!(r("врач: {doctor.full}", &v), Err("doctor.full".into()));
    }

    #[test]
    fn values_are_never_read_as_syntax() {
        let v = vars(&[("patient.greeting_name", Val::Text("{caller.name} [x] {{".into()))]);
        assert_eq!(r("{patient.greeting_name}!", &v).unwrap(), "{caller.name} [x] {{!");
    }

    #[test]
    fn syntax_errors_name_the_place() {
        use TemplateErrorKind as K;
        assert_eq!(p("Здравствуйте, {patient.greeting_name"), Err(K::UnclosedBrace(15)));
        assert_eq!(p("a {patient.{x}"), Err(K::UnclosedBrace(3)));
        assert_eq!(p("a } b"), Err(K::StrayBrace(3)));
        assert_eq!(p("[a {doctor.full}"), Err(K::UnclosedBracket(1)));
        assert_eq!(p("a ] b"), Err(K::StrayBracket(3)));
        assert_eq!(p("[a [{doctor.full}]]"), Err(K::NestedBracket(4)));
        assert_eq!(p("[just text]"), Err(K::EmptyOptional(1)));
        assert_eq!(p("{}"), Err(K::BadPlaceholder(1, "".into())));
        assert_eq!(p("{Patient Name}"), Err(K::BadPlaceholder(1, "Patient Name".into())));
        assert!(
            matches!(p("{patient.shoe_size}"), Err(K::UnknownPlaceholder { name, .. }) if name == "patient.shoe_size")
        );
        assert!(matches!(p("{appointment.date}"), Err(K::UnknownPlaceholder { .. })), "not available in this key");
        assert_eq!(
            p("{plan.open_count|пункт|пункта}"),
            Err(K::PluralForms { name: "plan.open_count".into(), want: 3, got: 2 })
        );
        assert_eq!(p("{doctor.full|a|b|c}"), Err(K::NotANumber("doctor.full".into())));
    }

    #[test]
    fn defaults_load_without_problems_and_have_the_same_keys() {
        for locale in [Locale::Ru, Locale::En] {
            let t = Templates::default_for(locale);
            assert!(t.problems().is_empty(), "{locale:?}: {:?}", t.problems());
            for (key, _) in KEYS {
                assert!(t.text(key).is_some_and(|s| !s.trim().is_empty()), "{locale:?} {key}");
            }
        }
    }

    #[test]
    fn clinic_file_problems_fall_back_per_key() {
        let mut root: serde_json::Value = serde_json::from_str(DEFAULT_RU).unwrap();
        root["script"]["greeting"] = "Добрый день, {patient.shoe_size}!".into();
        root["script"]["way_out"] = "Всего доброго {".into();
        root["script"].as_object_mut().unwrap().remove("agreement");
        root["script"]["greting"] = "опечатка".into();
        root["script"]["caller"] = "Это {caller.name} из клиники.".into();
        let t = Templates::from_json(&root.to_string()).unwrap();
        let keys: Vec<&str> = t.problems().iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["script.greeting", "script.agreement", "script.way_out", "script.greting"]);
        let d = Templates::default_for(Locale::Ru);
        assert_eq!(t.text("script.greeting"), d.text("script.greeting"));
        assert_eq!(t.text("script.caller"), Some("Это {caller.name} из клиники."));
        let msg = t.problems()[0].message(Locale::Ru);
        assert!(msg.starts_with("шаблон `script.greeting`: неизвестная подстановка {patient.shoe_size}"), "{msg}");
        assert!(msg.ends_with("используется текст по умолчанию"), "{msg}");
        let msg = t.problems()[2].message(Locale::En);
        assert!(msg.contains("unbalanced braces"), "{msg}");
    }

    #[test]
    fn unusable_files_are_errors() {
        assert!(matches!(Templates::from_json("not json").unwrap_err().kind, TemplateErrorKind::Json(_)));
        assert!(matches!(Templates::from_json("[]").unwrap_err().kind, TemplateErrorKind::Json(_)));
        assert!(matches!(Templates::from_json("{}").unwrap_err().kind, TemplateErrorKind::Locale(_)));
        assert!(matches!(Templates::from_json(r#"{"locale": "de"}"#).unwrap_err().kind, TemplateErrorKind::Locale(_)));
        let t = Templates::from_json(r#"{"locale": "en", "_comment": "empty"}"#).unwrap();
        assert_eq!(t.problems().len(), KEYS.len(), "every key missing, each reported");
        assert!(t.problems().iter().all(|e| e.kind == TemplateErrorKind::MissingKey));
        assert_eq!(t.text("script.way_out"), Templates::default_for(Locale::En).text("script.way_out"));
    }
}
