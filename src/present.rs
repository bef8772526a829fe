//! What the overlay shows, as plain data: the assessment grouped and worded for the
//! administrator. Pure, so it is tested natively; `web::overlay` only draws it as text.

use serde::Serialize;

use crate::model::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    /// Blocks: what must not happen.
    DoNot,
    /// Warnings: what to know before the contact.
    Before,
    /// Justified reasons for the contact.
    Reasons,
    DoNotOffer,
    Context,
    /// Sections the page did not show, or that could not be understood.
    NotVerified,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    pub text: String,
    /// The rule or reason kind behind the line, for tests and for "why?".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    pub kind: GroupKind,
    pub heading: String,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Panel {
    /// Who the check is for, as the page names them.
    pub who: Option<String>,
    pub verdict: Verdict,
    pub title: String,
    /// Channel and next window, e.g. "WhatsApp · с пн 23.11 12:00".
    pub subtitle: Option<String>,
    /// The contact preferences in plain words, and the notes they were read from.
    pub preferences: Option<String>,
    pub notes: Vec<String>,
    /// The reading of the notes is uncertain (ambiguous or unparsed text).
    pub uncertain: bool,
    pub groups: Vec<Group>,
    /// The call script and message drafts for this patient.
    pub script: Option<crate::script::ScriptOutput>,
    pub words: &'static Words,
}

/// Defines a table of words read from `_locales` (keys `<prefix><field>`), with the list of its
/// keys for the test that both files have them.
macro_rules! words_table {
    ($(#[$doc:meta])* $name:ident, $prefix:literal, [$($field:ident),* $(,)?]) => {
        $(#[$doc])*
        #[derive(Debug, PartialEq, Serialize)]
        pub struct $name {
            $(pub $field: &'static str,)*
        }

        impl $name {
            pub const KEYS: &'static [&'static str] = &[$(concat!($prefix, stringify!($field))),*];

            fn load(locale: Locale) -> Self {
                $name { $($field: crate::i18n::message(locale, concat!($prefix, stringify!($field))),)* }
            }
        }
    };
}
pub(crate) use words_table;

words_table!(
    /// Words of the overlay's own chrome, per locale (sent with the panel: the JS draws it),
    /// from `_locales/*/messages.json` (`overlay_*`).
    Words,
    "overlay_",
    [
        do_not, before, reasons, do_not_offer, context, not_verified, not_read, unreadable, channel, from,
        contact_reading, original_note, uncertain, collapse, expand, move_corner, script, drafts, copy, copied,
        open, brand, load_failed, check_failed, too_large, message_title, teach,
    ]
);

pub fn words(locale: Locale) -> &'static Words {
    static WORDS: [std::sync::OnceLock<Words>; 2] = [std::sync::OnceLock::new(), std::sync::OnceLock::new()];
    WORDS[locale as usize].get_or_init(|| Words::load(locale))
}

pub fn verdict_title(verdict: Verdict, locale: Locale) -> &'static str {
    let key = match verdict {
        Verdict::DoNotContact => "overlay_verdict_do_not_contact",
        Verdict::NotVerified => "overlay_verdict_not_verified",
        Verdict::Wait => "overlay_verdict_wait",
        Verdict::MessageOnly => "overlay_verdict_message_only",
        Verdict::Call => "overlay_verdict_call",
    };
    crate::i18n::message(locale, key)
}

/// The patient's name as the page gives it, or composed from its parts.
pub fn display_name(patient: &Patient) -> Option<String> {
    if let Some(full) = patient.full_name.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        return Some(full.to_string());
    }
    let parts: Vec<&str> = [&patient.family, &patient.given, &patient.patronymic]
        .into_iter()
        .filter_map(|p| p.as_deref().map(str::trim).filter(|s| !s.is_empty()))
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// Groups and words the assessment for the overlay.
pub fn panel(assessment: &Assessment, snapshot: &Snapshot, locale: Locale) -> Panel {
    let notes: &[String] = snapshot.service_card.as_ref().map(|c| c.notes.as_slice()).unwrap_or(&[]);
    let w = words(locale);
    let mut groups = Vec::new();
    // A check that could not be made goes under "Not verified", never among the warnings.
    let findings = |sev: Severity| -> Vec<Item> {
        assessment
            .findings
            .iter()
            .filter(|f| f.severity == sev && f.unverified.is_empty())
            .map(|f| Item { text: f.message.clone(), source: Some(f.rule.clone()) })
            .collect()
    };
    let mut push = |kind, heading: &str, items: Vec<Item>| {
        if !items.is_empty() {
            groups.push(Group { kind, heading: heading.to_string(), items });
        }
    };
    push(GroupKind::DoNot, w.do_not, findings(Severity::Block));
    let mut before = findings(Severity::Warn);
    before.extend(findings(Severity::Info));
    push(GroupKind::Before, w.before, before);
    let reasons = assessment
        .reasons
        .iter()
        .map(|r| Item { text: r.message.clone(), source: Some(r.kind.as_str().to_string()) })
        .collect();
    push(GroupKind::Reasons, w.reasons, reasons);
    let dno = assessment
        .do_not_offer
        .iter()
        .map(|d| Item { text: format!("{} — {}", d.service, d.why), source: None })
        .collect();
    push(GroupKind::DoNotOffer, w.do_not_offer, dno);
    push(GroupKind::Context, w.context, context_items(&assessment.context, locale));
    let mut not_verified: Vec<Item> = assessment
        .unverified
        .iter()
        .filter(|s| !assessment.problems.iter().any(|p| p.section == **s))
        .map(|s| Item { text: format!("{}: {}", s.label(locale), w.not_read), source: Some(s.as_str().into()) })
        .collect();
    not_verified.extend(
        assessment
            .findings
            .iter()
            .filter(|f| !f.unverified.is_empty())
            .map(|f| Item { text: f.message.clone(), source: Some(f.rule.clone()) }),
    );
    not_verified.extend(assessment.problems.iter().map(|p| Item {
        text: format!("{}: {} ({})", p.section.label(locale), w.unreadable, p.message),
        source: Some(p.section.as_str().into()),
    }));
    push(GroupKind::NotVerified, w.not_verified, not_verified);

    let mut subtitle = Vec::new();
    if let Some(ch) = assessment.channel {
        subtitle.push(format!("{}: {}", w.channel, ch.label(locale)));
    }
    if let Some(next) = &assessment.next_window {
        subtitle.push(format!("{} {}", w.from, short_date_time(next, locale)));
    }
    let (preferences, uncertain) = match &assessment.preferences {
        Some(p) => (Some(crate::prefs::describe(p, locale)), crate::prefs::is_uncertain(p)),
        None => (None, false),
    };
    Panel {
        who: snapshot.patient.as_ref().and_then(display_name),
        verdict: assessment.verdict,
        title: verdict_title(assessment.verdict, locale).to_string(),
        subtitle: (!subtitle.is_empty()).then(|| subtitle.join(" · ")),
        preferences,
        notes: notes.to_vec(),
        uncertain,
        groups,
        script: None,
        words: w,
    }
}

/// "2026-11-23T12:00:00+03:00" -> "пн 23.11 12:00" / "Mon 23 Nov 12:00": the administrator
/// reads the local wall time the window opens.
fn short_date_time(rfc3339: &str, locale: Locale) -> String {
    match crate::model::datefmt::parse_date_time(rfc3339) {
        Some((local, Some(_))) => crate::rules::text::short_date_time(locale, local),
        _ => rfc3339.to_string(),
    }
}

/// The context the checks gathered (`rules::context`), as lines the administrator reads when
/// asked "which doctor was that?". The labels come from `_locales` (`overlay_context_*`); the
/// dates are written the locale's way (`rules::text`).
fn context_items(context: &serde_json::Value, locale: Locale) -> Vec<Item> {
    use serde_json::Value;
    let m = |key| crate::i18n::message(locale, key);
    let s = |v: &Value| v.as_str().map(str::to_string);
    let date = |v: &Value| s(v).map(|d| local_date(&d, locale)).unwrap_or_default();
    let who = |v: &Value| {
        let doctor = s(&v["doctor"]).unwrap_or_default();
        match s(&v["specialty"]) {
            Some(sp) if !doctor.is_empty() => format!("{doctor} ({sp})"),
            Some(sp) => sp,
            None => doctor,
        }
    };
    let mut items = Vec::new();
    let mut push = |text: String, source: &str| items.push(Item { text, source: Some(source.into()) });
    let v = &context["last_visit"];
    if v.is_object() {
        let services: Vec<&str> =
            v["services"].as_array().map(|a| a.iter().filter_map(|x| x.as_str()).collect()).unwrap_or_default();
        let head = m("overlay_context_last_visit");
        push(
            format!(
                "{head}: {}, {}{}{}",
                date(&v["date"]),
                who(v),
                if services.is_empty() { "" } else { ": " },
                services.join(", ")
            ),
            "last_visit",
        );
    }
    for a in context["upcoming"].as_array().into_iter().flatten() {
        let start = s(&a["start"]).map(|t| local_date_time(&t, locale)).unwrap_or_default();
        let head = m("overlay_context_booked");
        let service = s(&a["service"]).map(|x| format!(" — {x}")).unwrap_or_default();
        push(format!("{head}: {start}, {}{service}", who(a)), "upcoming");
    }
    for i in context["open_plan_items"].as_array().into_iter().flatten() {
        let head = m("overlay_context_in_plan");
        let urgent = if i["urgent"].as_bool() == Some(true) {
            format!(", {}", m("overlay_context_urgent"))
        } else {
            String::new()
        };
        let due = s(&i["due"])
            .map(|d| format!(", {} {}", m("overlay_context_by"), local_date(&d, locale)))
            .unwrap_or_default();
        push(format!("{head}: {}{urgent}{due} — {}", s(&i["name"]).unwrap_or_default(), who(i)), "open_plan_items");
    }
    for r in context["relatives"].as_array().into_iter().flatten() {
        let head = m("overlay_context_relative");
        let relation = s(&r["relation"]).map(|x| format!(" ({x})")).unwrap_or_default();
        let booked = match r["booked"].as_bool() {
            Some(true) => format!(", {}", m("overlay_context_relative_booked")),
            _ => String::new(),
        };
        push(format!("{head}: {}{relation}{booked}", s(&r["name"]).unwrap_or_default()), "relatives");
    }
    let unanswered = context["attempts"]["unanswered_since_reached"].as_u64().unwrap_or(0);
    if unanswered > 0 {
        push(format!("{}: {unanswered}", m("overlay_context_unanswered")), "attempts");
    }
    items
}

/// "2026-10-19" -> "19.10.2026" / "19 Oct 2026" (the way the locale's administrators write dates).
fn local_date(iso: &str, locale: Locale) -> String {
    match crate::model::datefmt::parse_date(iso) {
        Some(d) => crate::rules::text::full_date(locale, d),
        None => iso.to_string(),
    }
}

/// "19.10.2026 14:00" / "19 Oct 2026 14:00".
fn local_date_time(iso: &str, locale: Locale) -> String {
    match crate::model::LocalDateTime::parse(iso) {
        Some(t) => {
            let time = crate::model::datefmt::hour_minute(t.naive.time());
            format!("{} {time}", crate::rules::text::full_date(locale, t.naive.date()))
        }
        None => iso.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assessment() -> Assessment {
        Assessment {
            verdict: Verdict::Wait,
            channel: Some(Channel::Whatsapp),
            next_window: Some("2026-11-23T12:00:00+03:00".into()),
            findings: vec![
                Finding {
                    rule: "already_booked".into(),
                    severity: Severity::Block,
                    message: "booked".into(),
                    evidence: vec![],
                    unverified: vec![],
                },
                Finding {
                    rule: "outside_window".into(),
                    severity: Severity::Warn,
                    message: "later".into(),
                    evidence: vec![],
                    unverified: vec![],
                },
            ],
            reasons: vec![],
            do_not_offer: vec![DoNotOffer { service: "Имплантация".into(), why: "отказ".into() }],
            context: serde_json::json!({
                "last_visit": {"date": "2026-11-12", "doctor": "Петрова А. В.", "specialty": "терапевт", "services": ["Гигиена"]},
                "upcoming": [], "open_plan_items": [{"name": "Лечение 46", "urgent": true, "due": "2026-12-01", "doctor": "Петрова А. В."}],
            }),
            unverified: vec![Section::Plans, Section::Visits],
            preferences: None,
            problems: vec![InputProblem { section: Section::Visits, message: "bad date".into() }],
        }
    }

    #[test]
    fn groups_in_order_and_not_verified_names_sections() {
        let p = panel(&assessment(), &Snapshot::default(), Locale::Ru);
        let kinds: Vec<GroupKind> = p.groups.iter().map(|g| g.kind).collect();
        assert_eq!(
            kinds,
            vec![
                GroupKind::DoNot,
                GroupKind::Before,
                GroupKind::DoNotOffer,
                GroupKind::Context,
                GroupKind::NotVerified
            ]
        );
        let nv = &p.groups.last().unwrap().items;
        assert_eq!(nv[0].text, "Планы лечения: не прочитано на странице");
        assert!(nv[1].text.starts_with("Визиты: не удалось понять (bad date)"));
        assert_eq!(p.subtitle.as_deref(), Some("Канал: WhatsApp · можно с пн 23.11 12:00"));
        assert_eq!(p.title, "Подождать");
        let context: Vec<&str> = p.groups[3].items.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(
            context,
            vec![
                "Последний визит: 12.11.2026, Петрова А. В. (терапевт): Гигиена",
                "В плане: Лечение 46, срочно, до 01.12.2026 — Петрова А. В.",
            ]
        );
    }

    #[test]
    fn every_word_is_in_both_locales_files() {
        let verdicts = Verdict::ALL
            .iter()
            .map(|v| format!("overlay_verdict_{}", serde_json::to_value(v).unwrap().as_str().unwrap()));
        let context = ["last_visit", "booked", "in_plan", "urgent", "by", "relative", "relative_booked", "unanswered"]
            .map(|k| format!("overlay_context_{k}"));
        let keys: Vec<String> = Words::KEYS.iter().map(|k| k.to_string()).chain(verdicts).chain(context).collect();
        for locale in [Locale::Ru, Locale::En] {
            let missing: Vec<&String> = keys.iter().filter(|k| !crate::i18n::has(locale, k)).collect();
            assert!(missing.is_empty(), "{locale:?} lacks {missing:?}");
        }
        assert_eq!(words(Locale::Ru).collapse, "Свернуть");
        assert_eq!(words(Locale::En).collapse, "Collapse");
        assert_eq!(verdict_title(Verdict::Call, Locale::En), "OK to call");
    }

    #[test]
    fn english_dates() {
        let p = panel(&assessment(), &Snapshot::default(), Locale::En);
        assert_eq!(p.subtitle.as_deref(), Some("Channel: WhatsApp · from Mon 23 Nov 12:00"));
        let context: Vec<&str> = p.groups[3].items.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(
            context,
            vec![
                "Last visit: 12 Nov 2026, Петрова А. В. (терапевт): Гигиена",
                "In the plan: Лечение 46, urgent, by 1 Dec 2026 — Петрова А. В.",
            ]
        );
    }

    #[test]
    fn english_words() {
        let snapshot = Snapshot {
            patient: Some(Patient {
                family: Some("Иванова".into()),
                given: Some("Мария".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let p = panel(&assessment(), &snapshot, Locale::En);
        assert_eq!(p.who.as_deref(), Some("Иванова Мария"));
        assert_eq!(p.title, "Wait");
        assert_eq!(p.groups[0].heading, "Do not");
    }
}
