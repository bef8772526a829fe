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

/// Words of the overlay's own chrome, per locale (sent with the panel: the JS draws it).
#[derive(Debug, PartialEq, Serialize)]
pub struct Words {
    pub do_not: &'static str,
    pub before: &'static str,
    pub reasons: &'static str,
    pub do_not_offer: &'static str,
    pub context: &'static str,
    pub not_verified: &'static str,
    pub not_read: &'static str,
    pub unreadable: &'static str,
    pub channel: &'static str,
    pub from: &'static str,
    pub contact_reading: &'static str,
    pub original_note: &'static str,
    pub uncertain: &'static str,
    pub collapse: &'static str,
    pub expand: &'static str,
    pub move_corner: &'static str,
    pub script: &'static str,
    pub drafts: &'static str,
    pub copy: &'static str,
    pub copied: &'static str,
    pub open: &'static str,
    pub brand: &'static str,
}

pub fn words(locale: Locale) -> &'static Words {
    match locale {
        Locale::Ru => &Words {
            do_not: "Нельзя",
            before: "Перед контактом",
            reasons: "Повод для контакта",
            do_not_offer: "Не предлагать",
            context: "Контекст",
            not_verified: "Не проверено",
            not_read: "не прочитано на странице",
            unreadable: "не удалось понять",
            channel: "Канал",
            from: "можно с",
            contact_reading: "Как связываться",
            original_note: "Исходная заметка",
            uncertain: "не уверен, как это прочитать",
            collapse: "Свернуть",
            expand: "Развернуть",
            move_corner: "Переместить",
            script: "Сценарий звонка",
            drafts: "Сообщение",
            copy: "Копировать",
            copied: "Скопировано",
            open: "Открыть",
            brand: "Перед звонком",
        },
        Locale::En => &Words {
            do_not: "Do not",
            before: "Before you contact",
            reasons: "Reason to contact",
            do_not_offer: "Do not offer",
            context: "Context",
            not_verified: "Not verified",
            not_read: "not read on the page",
            unreadable: "could not be understood",
            channel: "Channel",
            from: "from",
            contact_reading: "How to contact",
            original_note: "Original note",
            uncertain: "not sure how to read this",
            collapse: "Collapse",
            expand: "Expand",
            move_corner: "Move",
            script: "Call script",
            drafts: "Message",
            copy: "Copy",
            copied: "Copied",
            open: "Open",
            brand: "Pre-call check",
        },
    }
}

pub fn verdict_title(verdict: Verdict, locale: Locale) -> &'static str {
    match (locale, verdict) {
        (Locale::Ru, Verdict::DoNotContact) => "Не связываться",
        (Locale::Ru, Verdict::NotVerified) => "Не проверено — не хватает данных",
        (Locale::Ru, Verdict::Wait) => "Подождать",
        (Locale::Ru, Verdict::MessageOnly) => "Только сообщение",
        (Locale::Ru, Verdict::Call) => "Можно звонить",
        (Locale::En, Verdict::DoNotContact) => "Do not contact",
        (Locale::En, Verdict::NotVerified) => "Not verified - data missing",
        (Locale::En, Verdict::Wait) => "Wait",
        (Locale::En, Verdict::MessageOnly) => "Message only",
        (Locale::En, Verdict::Call) => "OK to call",
    }
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
        subtitle.push(format!("{} {}", w.from, short_date_time(next)));
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

/// "2026-11-23T12:00:00+03:00" -> "23.11 12:00": the administrator reads local wall time.
fn short_date_time(rfc3339: &str) -> String {
    use crate::model::datefmt::{day_month, hour_minute, parse_date_time};
    match parse_date_time(rfc3339) {
        Some((local, Some(_))) => format!("{} {}", day_month(local.date()), hour_minute(local.time())),
        _ => rfc3339.to_string(),
    }
}

/// The context the checks gathered (`rules::context`), as lines the administrator reads when
/// asked "which doctor was that?".
fn context_items(context: &serde_json::Value, locale: Locale) -> Vec<Item> {
    use serde_json::Value;
    let ru = locale == Locale::Ru;
    let s = |v: &Value| v.as_str().map(str::to_string);
    let date = |v: &Value| s(v).map(|d| ru_date(&d)).unwrap_or_default();
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
        let services: Vec<&str> = v["services"].as_array().map(|a| a.iter().filter_map(|x| x.as_str()).collect()).unwrap_or_default();
        let head = if ru { "Последний визит" } else { "Last visit" };
        push(format!("{head}: {}, {}{}{}", date(&v["date"]), who(v), if services.is_empty() { "" } else { ": " }, services.join(", ")), "last_visit");
    }
    for a in context["upcoming"].as_array().into_iter().flatten() {
        let start = s(&a["start"]).map(|t| ru_date_time(&t)).unwrap_or_default();
        let head = if ru { "Запись" } else { "Booked" };
        let service = s(&a["service"]).map(|x| format!(" — {x}")).unwrap_or_default();
        push(format!("{head}: {start}, {}{service}", who(a)), "upcoming");
    }
    for i in context["open_plan_items"].as_array().into_iter().flatten() {
        let head = if ru { "В плане" } else { "In the plan" };
        let urgent = if i["urgent"].as_bool() == Some(true) { if ru { ", срочно" } else { ", urgent" } } else { "" };
        let due = s(&i["due"]).map(|d| format!("{} {}", if ru { ", до" } else { ", by" }, ru_date(&d))).unwrap_or_default();
        push(format!("{head}: {}{urgent}{due} — {}", s(&i["name"]).unwrap_or_default(), who(i)), "open_plan_items");
    }
    for r in context["relatives"].as_array().into_iter().flatten() {
        let head = if ru { "Родственник" } else { "Relative" };
        let relation = s(&r["relation"]).map(|x| format!(" ({x})")).unwrap_or_default();
        let booked = match r["booked"].as_bool() {
            Some(true) => if ru { ", записан" } else { ", booked" },
            _ => "",
        };
        push(format!("{head}: {}{relation}{booked}", s(&r["name"]).unwrap_or_default()), "relatives");
    }
    let unanswered = context["attempts"]["unanswered_since_reached"].as_u64().unwrap_or(0);
    if unanswered > 0 {
        let text = if ru {
            format!("Без ответа с последнего разговора: {unanswered}")
        } else {
            format!("Unanswered since the last conversation: {unanswered}")
        };
        push(text, "attempts");
    }
    items
}

/// "2026-10-19" -> "19.10.2026" (the way Russian MIS pages and administrators write dates).
fn ru_date(iso: &str) -> String {
    match crate::model::datefmt::parse_date(iso) {
        Some(d) => crate::model::datefmt::day_month_year(d),
        None => iso.to_string(),
    }
}

fn ru_date_time(iso: &str) -> String {
    match crate::model::LocalDateTime::parse(iso) {
        Some(t) => {
            use crate::model::datefmt::{day_month_year, hour_minute};
            format!("{} {}", day_month_year(t.naive.date()), hour_minute(t.naive.time()))
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
                Finding { rule: "already_booked".into(), severity: Severity::Block, message: "booked".into(), evidence: vec![], unverified: vec![] },
                Finding { rule: "outside_window".into(), severity: Severity::Warn, message: "later".into(), evidence: vec![], unverified: vec![] },
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
            vec![GroupKind::DoNot, GroupKind::Before, GroupKind::DoNotOffer, GroupKind::Context, GroupKind::NotVerified]
        );
        let nv = &p.groups.last().unwrap().items;
        assert_eq!(nv[0].text, "Планы лечения: не прочитано на странице");
        assert!(nv[1].text.starts_with("Визиты: не удалось понять (bad date)"));
        assert_eq!(p.subtitle.as_deref(), Some("Канал: WhatsApp · можно с 23.11 12:00"));
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
    fn english_words() {
        let snapshot = Snapshot {
            patient: Some(Patient { family: Some("Иванова".into()), given: Some("Мария".into()), ..Default::default() }),
            ..Default::default()
        };
        let p = panel(&assessment(), &snapshot, Locale::En);
        assert_eq!(p.who.as_deref(), Some("Иванова Мария"));
        assert_eq!(p.title, "Wait");
        assert_eq!(p.groups[0].heading, "Do not");
    }
}
