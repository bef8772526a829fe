//! The tailored call script and message drafts (PLAYBOOK.md, "The script"; seeds 003, 004).
//!
//! For `call` and `wait` verdicts with a justified reason, [`build`] writes a script in the
//! clinic's locale with the playbook's structure: greeting by name and patronymic → who is
//! calling → the reference to the agreement → each reason in concrete words (doctor, plan item,
//! date) and the doctor's concern → the invitation where it fits → relatives to book in the
//! same call → a polite way out; below it the context the administrator may be asked about.
//! For `message_only` (and as an alternative to a call) it writes a short draft for the
//! patient's channel with a link that opens it. Without a justified reason there is no sales
//! script: "No agreed reason to call - a call would sound like an advert" (seed 003), and a
//! message only with consent to advertising.
//!
//! The words are data: [`Templates`] (JSON, `templates/*.json` shipped as defaults). The core
//! has no clock: dates are shown as written on the card (see [`lang::Dates`]).

use serde::{Deserialize, Serialize};

use crate::model::*;

pub mod details;
pub mod lang;
pub mod links;
pub mod names;
pub mod phone;
pub mod template;

pub use lang::plural_ru;
pub use phone::{normalize_phone, Phone, PhoneCountry, PhoneError};
pub use template::{TemplateError, TemplateErrorKind, Templates};

use details::{Cx, Picker};
use template::{Val, Vars};

/// The part of the playbook's script structure a line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    Greeting,
    Caller,
    Agreement,
    Reason,
    Invitation,
    Relatives,
    WayOut,
}

impl Part {
    pub fn as_str(self) -> &'static str {
        match self {
            Part::Greeting => "greeting",
            Part::Caller => "caller",
            Part::Agreement => "agreement",
            Part::Reason => "reason",
            Part::Invitation => "invitation",
            Part::Relatives => "relatives",
            Part::WayOut => "way_out",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScriptLine {
    pub part: Part,
    pub text: String,
    /// For `reason` lines: which reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<ReasonKind>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Script {
    pub lines: Vec<ScriptLine>,
    /// What the administrator may be asked about: last visit, open plan items, appointments,
    /// what not to offer.
    pub context: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub channel: Channel,
    /// The normalised number (E.164) or e-mail address; as written when it cannot be read;
    /// empty when the card has none.
    pub to: String,
    pub text: String,
    /// Opens the draft in the channel; `None` when there is no such link or no usable contact.
    pub url: Option<String>,
    /// What stands in the way ("cannot read this number", no link for this channel).
    pub problem: Option<String>,
    /// The e-mail subject.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScriptOutput {
    pub script: Option<Script>,
    /// Why there is no script, in one line.
    pub no_script_reason: Option<String>,
    /// For `wait`: when contact becomes possible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    pub drafts: Vec<Draft>,
    /// Problems with the clinic's templates (each fell back to the default text).
    pub template_errors: Vec<String>,
}

/// Renders template keys: the clinic's text first, the default when the clinic's cannot be
/// filled for this patient; every problem is recorded.
struct Renderer<'t> {
    clinic: Option<&'t Templates>,
    default: &'static Templates,
    locale: Locale,
    errors: Vec<String>,
    trace: Option<Vec<RenderTrace>>,
}

/// One template rendered: its key and which of its placeholders had a value (for tests that
/// check every placeholder of the shipped templates gets filled).
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderTrace {
    pub key: String,
    pub from_default: bool,
    pub filled: Vec<String>,
    pub empty: Vec<String>,
}

impl Renderer<'_> {
    fn record(&mut self, t: &Templates, key: &str, vars: &Vars, from_default: bool) {
        if let Some(trace) = &mut self.trace {
            let (filled, empty) = t
                .placeholders(key)
                .into_iter()
                .partition(|p| vars.get(p.as_str()).is_some_and(|v| !matches!(v, Val::Text(s) if s.is_empty())));
            trace.push(RenderTrace { key: key.to_string(), from_default, filled, empty });
        }
    }

    fn text(&mut self, key: &str, vars: &Vars) -> Option<String> {
        if let Some(t) = self.clinic {
            match t.render(key, vars) {
                Ok(Some(s)) if !s.is_empty() => {
                    self.record(t, key, vars, false);
                    return Some(s);
                }
                Ok(_) => {}
                Err(e) => self.error(e.message(self.locale)),
            }
        }
        let default = self.default;
        match default.render(key, vars) {
            Ok(s) => {
                self.record(default, key, vars, true);
                s.filter(|s| !s.is_empty())
            }
            Err(e) => {
                // A default that cannot be filled is a bug of the shipped templates (tested).
                self.error(e.message(self.locale));
                None
            }
        }
    }

    fn error(&mut self, msg: String) {
        if !self.errors.contains(&msg) {
            self.errors.push(msg);
        }
    }
}

fn merged(base: &Vars, extra: Vars) -> Vars {
    let mut v = base.clone();
    v.extend(extra);
    v
}

/// `base` with a few more values (a `Vec`, not `[_; N].into()`: one instance, not one per N).
fn with(base: &Vars, extra: Vec<(&'static str, Val)>) -> Vars {
    let mut v = base.clone();
    for (k, x) in extra {
        v.insert(k, x);
    }
    v
}

/// Reasons after which the patient is invited to book.
fn invites(kind: ReasonKind) -> bool {
    matches!(
        kind,
        ReasonKind::PlanUrgentUnstarted
            | ReasonKind::PlanPartiallyDone
            | ReasonKind::ControlExamDue
            | ReasonKind::HygieneDue
            | ReasonKind::CheckupDue
            | ReasonKind::PersonalDoctor
    )
}

fn reason_key(prefix: &str, kind: ReasonKind, cx: &Cx) -> String {
    let name = match kind {
        ReasonKind::PersonalDoctor if cx.caller_is_doctor() => "personal_doctor_self",
        other => other.as_str(),
    };
    format!("{prefix}.reason.{name}")
}

/// A reason's text: the kind's template with the details from the snapshot, or the generic
/// template with the reason's own message when the snapshot does not show the details.
fn reason_text(
    r: &mut Renderer,
    cx: &Cx,
    base: &Vars,
    picked: &Option<Vars>,
    reason: &Reason,
    prefix: &str,
) -> Option<String> {
    if let Some(extra) = picked {
        let vars = merged(base, extra.clone());
        if let Some(s) = r.text(&reason_key(prefix, reason.kind, cx), &vars) {
            return Some(s);
        }
    }
    let message = names::clean(&reason.message).trim_end_matches(['.', ' ']).to_string();
    let mut vars = base.clone();
    if !message.is_empty() {
        vars.insert("reason.message", Val::Text(message));
    }
    r.text(&format!("{prefix}.reason.generic"), &vars)
}

/// The script, the message drafts and why there is no script. See the module documentation.
pub fn build(
    assessment: &Assessment,
    snapshot: &Snapshot,
    config: &Config,
    templates: Option<&Templates>,
) -> ScriptOutput {
    build_inner(assessment, snapshot, config, templates, false).0
}

/// [`build`], also listing every template rendered and which placeholders were filled.
#[doc(hidden)]
pub fn build_traced(
    assessment: &Assessment,
    snapshot: &Snapshot,
    config: &Config,
    templates: Option<&Templates>,
) -> (ScriptOutput, Vec<RenderTrace>) {
    build_inner(assessment, snapshot, config, templates, true)
}

fn build_inner(
    assessment: &Assessment,
    snapshot: &Snapshot,
    config: &Config,
    templates: Option<&Templates>,
    trace: bool,
) -> (ScriptOutput, Vec<RenderTrace>) {
    let locale = config.locale;
    let mut errors = Vec::new();
    let clinic = match templates {
        Some(t) if t.locale() == locale => {
            errors.extend(t.problems().iter().map(|e| e.message(locale)));
            Some(t)
        }
        Some(t) => {
            let kind = TemplateErrorKind::WrongLocale { templates: t.locale(), config: locale };
            errors.push(TemplateError { key: String::new(), kind }.message(locale));
            None
        }
        None => None,
    };
    let mut r =
        Renderer { clinic, default: Templates::default_for(locale), locale, errors, trace: trace.then(Vec::new) };
    let cx = Cx::new(assessment, snapshot, config);
    let mut out = build_with(&mut r, &cx);
    out.template_errors = r.errors;
    (out, r.trace.unwrap_or_default())
}

/// [`build`] with the clinic's templates as JSON text (as the extension keeps them): a file that
/// cannot be read is reported in `template_errors` and the defaults are used.
pub fn build_with_json(
    assessment: &Assessment,
    snapshot: &Snapshot,
    config: &Config,
    templates_json: Option<&str>,
) -> ScriptOutput {
    match templates_json.map(Templates::from_json) {
        None => build(assessment, snapshot, config, None),
        Some(Ok(t)) => build(assessment, snapshot, config, Some(&t)),
        Some(Err(e)) => {
            let mut out = build(assessment, snapshot, config, None);
            out.template_errors.insert(0, e.message(config.locale));
            out
        }
    }
}

fn build_with(r: &mut Renderer, cx: &Cx) -> ScriptOutput {
    let a = cx.assessment;
    let base = cx.base_vars();
    let mut out = ScriptOutput::default();
    match a.verdict {
        Verdict::DoNotContact => {
            let why = a
                .findings
                .iter()
                .find(|f| f.severity == Severity::Block)
                .map(|f| names::decapitalize(names::clean(&f.message).trim_end_matches(['.', ' '])))
                .filter(|s| !s.is_empty());
            out.no_script_reason = match why {
                Some(why) => r.text("messages.do_not_contact", &with(&base, vec![("why", Val::Text(why))])),
                None => r.text("messages.do_not_contact_generic", &base),
            };
            return out;
        }
        Verdict::NotVerified => {
            let why = if a.unverified.is_empty() {
                lang::tr(cx.locale, "не все проверки выполнены", "not every check could be made")
            } else {
                let list: Vec<String> = a.unverified.iter().map(|s| format!("«{}»", s.label(cx.locale))).collect();
                match cx.locale {
                    Locale::Ru => format!("не прочитано: {}", list.join(", ")),
                    Locale::En => format!("not read: {}", list.join(", ")),
                }
            };
            out.no_script_reason = r.text("messages.not_verified", &with(&base, vec![("why", Val::Text(why))]));
            return out;
        }
        Verdict::Wait | Verdict::MessageOnly | Verdict::Call => {}
    }

    let mut picker = Picker::new();
    let picked: Vec<Option<Vars>> = a.reasons.iter().map(|reason| picker.reason_vars(cx, reason)).collect();

    if a.reasons.is_empty() {
        let mut line = r.text("messages.no_reason", &base).unwrap_or_default();
        let advertising =
            cx.snapshot.service_card.as_ref().and_then(|c| c.consent.as_ref()).and_then(|c| c.advertising);
        if advertising == Some(true) {
            if a.verdict != Verdict::Wait {
                out.drafts.extend(draft(r, cx, &base, &[], &[]));
            }
        } else if let Some(more) = r.text("messages.no_reason_no_consent", &base) {
            line = format!("{line} {more}");
        }
        out.no_script_reason = Some(line);
        return out;
    }

    match a.verdict {
        Verdict::MessageOnly => {
            out.no_script_reason = r.text("messages.message_only", &base);
            out.drafts.extend(draft(r, cx, &base, &a.reasons, &picked));
        }
        Verdict::Call => {
            out.script = Some(script(r, cx, &base, &picked));
            out.drafts.extend(draft(r, cx, &base, &a.reasons, &picked));
        }
        Verdict::Wait => {
            out.script = Some(script(r, cx, &base, &picked));
            out.when = match a.next_window.as_deref().and_then(LocalDateTime::parse) {
                Some(w) => {
                    let vars = merged(
                        &base,
                        [
                            ("window.date", Val::Text(cx.dates.long(w.naive.date()))),
                            ("window.time", Val::Text(cx.dates.time(w.naive))),
                        ]
                        .into(),
                    );
                    r.text("script.wait", &vars)
                }
                None => r.text("script.wait_unknown", &base),
            };
        }
        Verdict::DoNotContact | Verdict::NotVerified => unreachable!("handled above"),
    }
    out
}

/// The patient has an active appointment, or the schedule was not read (then no invitation:
/// the administrator checks the schedule first).
fn no_invitation(cx: &Cx) -> bool {
    cx.snapshot.appointments.is_none() || !cx.active_appointments().is_empty() || negative_experience(cx).is_some()
}

/// The rules' `negative_experience` warning (playbook: "after a negative experience ... route to
/// a manager, no selling"): the script then invites to nothing and shows the warning first.
fn negative_experience<'a>(cx: &'a Cx) -> Option<&'a Finding> {
    cx.assessment.findings.iter().find(|f| f.rule == "negative_experience")
}

/// Whether the contact itself was agreed: consent to calls, or an agreed recall behind a reason.
fn call_agreed(cx: &Cx) -> bool {
    let consent = cx.snapshot.service_card.as_ref().and_then(|c| c.consent.as_ref()).and_then(|c| c.calls);
    if consent == Some(true) {
        return true;
    }
    let recall_kind = |k: ReasonKind| match k {
        ReasonKind::ControlExamDue => Some(RecallKind::Control),
        ReasonKind::FollowupAgreed => Some(RecallKind::Followup),
        ReasonKind::HygieneDue => Some(RecallKind::Hygiene),
        ReasonKind::CheckupDue => Some(RecallKind::Checkup),
        _ => None,
    };
    consent != Some(false)
        && cx.assessment.reasons.iter().filter_map(|r| recall_kind(r.kind)).any(|k| {
            cx.snapshot
                .recalls
                .iter()
                .flatten()
                .any(|rc| rc.kind == k && rc.agreed && rc.channel.is_none_or(|c| c == Channel::Call))
        })
}

fn script(r: &mut Renderer, cx: &Cx, base: &Vars, picked: &[Option<Vars>]) -> Script {
    let mut lines = Vec::new();
    let push = |lines: &mut Vec<ScriptLine>, part: Part, text: Option<String>, reason: Option<ReasonKind>| {
        if let Some(text) = text {
            lines.push(ScriptLine { part, text, reason });
        }
    };
    let greeting =
        if base.contains_key("patient.greeting_name") { "script.greeting" } else { "script.greeting_anonymous" };
    push(&mut lines, Part::Greeting, r.text(greeting, base), None);
    let caller = if base.contains_key("caller.name") { "script.caller" } else { "script.caller_anonymous" };
    push(&mut lines, Part::Caller, r.text(caller, base), None);
    if call_agreed(cx) {
        push(&mut lines, Part::Agreement, r.text("script.agreement", base), None);
    }
    let reasons = &cx.assessment.reasons;
    for (reason, vars) in reasons.iter().zip(picked) {
        let text = reason_text(r, cx, base, vars, reason, "script");
        push(&mut lines, Part::Reason, text, Some(reason.kind));
    }
    if !no_invitation(cx) {
        if reasons.iter().any(|x| invites(x.kind)) {
            push(&mut lines, Part::Invitation, r.text("script.invitation", base), None);
        } else if reasons.iter().any(|x| x.kind == ReasonKind::FollowupAgreed) {
            push(&mut lines, Part::Invitation, r.text("script.invitation_followup", base), None);
        }
    }
    let (due, booked) = cx.relatives();
    if !due.is_empty() {
        let vars = with(
            base,
            vec![("relatives.due", Val::Text(due.join("; "))), ("relatives.due_count", Val::Num(due.len() as i64))],
        );
        push(&mut lines, Part::Relatives, r.text("script.relatives_due", &vars), None);
    }
    if !booked.is_empty() {
        let vars = merged(
            base,
            [
                ("relatives.booked", Val::Text(booked.join("; "))),
                ("relatives.booked_count", Val::Num(booked.len() as i64)),
            ]
            .into(),
        );
        push(&mut lines, Part::Relatives, r.text("script.relatives_booked", &vars), None);
    }
    push(&mut lines, Part::WayOut, r.text("script.way_out", base), None);
    Script { lines, context: context(r, cx, base) }
}

fn context(r: &mut Renderer, cx: &Cx, base: &Vars) -> Vec<String> {
    let mut out = Vec::new();
    let s = cx.snapshot;
    if let Some(f) = negative_experience(cx) {
        out.push(names::clean(&f.message));
    }
    let mut add = |text: Option<String>| out.extend(text);
    match &s.visits {
        None => add(r.text("context.visits_not_read", base)),
        Some(_) => match cx.last_visit() {
            Some(v) => {
                let mut vars = base.clone();
                cx.visit_vars(&mut vars, v, true);
                add(r.text("context.last_visit", &vars));
            }
            None => add(r.text("context.no_visits", base)),
        },
    }
    match &s.plans {
        None => add(r.text("context.plans_not_read", base)),
        Some(plans) => {
            let open: Vec<&Plan> = plans
                .iter()
                .filter(|p| p.decision != Some(PlanDecision::Declined) && p.items.iter().any(details::is_open))
                .collect();
            if open.is_empty() {
                add(r.text("context.no_open_plans", base));
            }
            for p in open {
                let mut vars = base.clone();
                cx.plan_context_vars(&mut vars, p);
                add(r.text("context.plan", &vars));
            }
        }
    }
    match &s.appointments {
        None => add(r.text("context.appointments_not_read", base)),
        Some(_) => {
            let list = cx.active_appointments();
            if list.is_empty() {
                add(r.text("context.no_appointments", base));
            }
            for appt in list {
                let mut vars = base.clone();
                cx.appointment_vars(&mut vars, appt);
                add(r.text("context.appointment", &vars));
            }
        }
    }
    for item in &cx.assessment.do_not_offer {
        let mut vars = base.clone();
        let service = names::clean(&item.service);
        if service.is_empty() {
            continue;
        }
        vars.insert("item.service", Val::Text(service));
        let why = names::clean(&item.why);
        let why = why.trim_end_matches(['.', ' ']);
        if !why.is_empty() {
            vars.insert("item.why", Val::Text(why.to_string()));
        }
        add(r.text("context.do_not_offer", &vars));
    }
    out
}

/// The preferences in force: the assessment's, else the card's structured ones.
fn preferences<'a>(cx: &'a Cx) -> Option<&'a Preferences> {
    cx.assessment.preferences.as_ref().or_else(|| cx.snapshot.service_card.as_ref()?.preferences.as_ref())
}

/// The written channel to use: the assessment's (for `message_only`), the patient's preferred
/// one, one they allowed, a messenger marked on their number, SMS, e-mail; never one they
/// forbade or one outside an "only X" list. `None` when messages are refused.
fn draft_channel(cx: &Cx) -> Option<Channel> {
    if messages_refused(cx) {
        return None;
    }
    let prefs = preferences(cx);
    let ok = |c: Channel| {
        c.is_message()
            && prefs.is_none_or(|p| !p.forbidden.contains(&c) && (p.allowed.is_empty() || p.allowed.contains(&c)))
    };
    let mut candidates: Vec<Channel> = Vec::new();
    if cx.assessment.verdict == Verdict::MessageOnly {
        candidates.extend(cx.assessment.channel);
    }
    if let Some(p) = prefs {
        candidates.extend(p.preferred);
        candidates.extend(p.allowed.iter().copied());
    }
    let contacts: Vec<&Contact> = own_contacts(cx);
    for c in contacts.iter().filter(|c| c.kind == ContactKind::Phone) {
        candidates.extend(c.messengers.iter().copied());
    }
    if contacts.iter().any(|c| c.kind == ContactKind::Phone) {
        candidates.push(Channel::Sms);
    }
    if contacts.iter().any(|c| c.kind == ContactKind::Email) {
        candidates.push(Channel::Email);
    }
    candidates.into_iter().find(|c| ok(*c))
}

/// No written message at all: the consent block says no to messages, or "do not contact".
fn messages_refused(cx: &Cx) -> bool {
    let consent = cx.snapshot.service_card.as_ref().and_then(|c| c.consent.as_ref()).and_then(|c| c.messages);
    consent == Some(false) || preferences(cx).is_some_and(|p| p.do_not_contact)
}

/// The patient's own contacts first, primary first; others (a parent's number) after.
fn own_contacts<'a>(cx: &'a Cx) -> Vec<&'a Contact> {
    let mut list: Vec<&Contact> = cx.snapshot.contacts.iter().flatten().collect();
    crate::order::sort_by_key(&mut list, |c| (c.owner != "self", !c.primary));
    list
}

fn draft(r: &mut Renderer, cx: &Cx, base: &Vars, reasons: &[Reason], picked: &[Option<Vars>]) -> Option<Draft> {
    let channel = draft_channel(cx).or_else(|| {
        // Only a message is allowed now, but the card shows no contact for it: still write the
        // text (the draft says the contact is missing). Never when messages were refused.
        let fallback = cx.assessment.verdict == Verdict::MessageOnly && !messages_refused(cx);
        fallback.then(|| cx.assessment.channel.filter(|c| c.is_message())).flatten()
    })?;
    let mut paragraphs = Vec::new();
    let greeting =
        if base.contains_key("patient.greeting_name") { "draft.greeting" } else { "draft.greeting_anonymous" };
    let caller = if base.contains_key("caller.name") { "draft.caller" } else { "draft.caller_anonymous" };
    let head: Vec<String> = [r.text(greeting, base), r.text(caller, base)].into_iter().flatten().collect();
    paragraphs.push(head.join(" "));
    if reasons.is_empty() {
        paragraphs.extend(r.text("draft.no_reason", base));
    }
    let mut body = Vec::new();
    for (reason, vars) in reasons.iter().zip(picked) {
        body.extend(reason_text(r, cx, base, vars, reason, "draft"));
    }
    if reasons.iter().any(|x| x.kind == ReasonKind::AppointmentReminder) {
        body.extend(r.text("draft.reply_if_changed", base));
    }
    if !no_invitation(cx) {
        if reasons.iter().any(|x| invites(x.kind)) {
            body.extend(r.text("draft.invitation", base));
        } else if reasons.iter().any(|x| x.kind == ReasonKind::FollowupAgreed) {
            body.extend(r.text("draft.invitation_followup", base));
        }
    }
    let (due, _) = cx.relatives();
    if !due.is_empty() && !reasons.is_empty() {
        let vars = with(
            base,
            vec![("relatives.due", Val::Text(due.join("; "))), ("relatives.due_count", Val::Num(due.len() as i64))],
        );
        body.extend(r.text("draft.relatives_due", &vars));
    }
    if !body.is_empty() {
        paragraphs.push(body.join(" "));
    }
    paragraphs.extend(r.text("draft.closing", base));
    let text = paragraphs.into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join("\n");
    Some(address(r, cx, base, channel, text))
}

/// Fills `to`, `url` and `problem` for the channel.
fn address(r: &mut Renderer, cx: &Cx, base: &Vars, channel: Channel, text: String) -> Draft {
    let mut d = Draft { channel, to: String::new(), text, url: None, problem: None, subject: None };
    let channel_vars = with(base, vec![("channel.name", Val::Text(lang::channel_name(cx.locale, channel).into()))]);
    let contacts = own_contacts(cx);
    if channel == Channel::Email {
        d.subject = r.text("draft.email_subject", base);
        let Some(c) = contacts.iter().find(|c| c.kind == ContactKind::Email) else {
            d.problem = r.text("messages.no_contact", &channel_vars);
            return d;
        };
        let address = names::clean(&c.value);
        d.url = links::mailto(&address, d.subject.as_deref().unwrap_or(""), &d.text);
        if d.url.is_none() {
            let problem = lang::tr(cx.locale, "адрес не похож на e-mail", "this does not look like an e-mail address");
            let vars = with(
                &channel_vars,
                vec![("contact.value", Val::Text(address.clone())), ("contact.problem", Val::Text(problem))],
            );
            d.problem = r.text("messages.phone_unreadable", &vars);
        }
        d.to = address;
        return d;
    }
    let phones: Vec<&&Contact> = contacts.iter().filter(|c| c.kind == ContactKind::Phone).collect();
    let contact = phones.iter().find(|c| c.messengers.contains(&channel)).or(phones.first());
    let Some(contact) = contact else {
        d.problem = r.text("messages.no_contact", &channel_vars);
        return d;
    };
    match normalize_phone(&contact.value) {
        Ok(phone) => {
            d.to = phone.e164.clone();
            d.url = match channel {
                Channel::Whatsapp => Some(links::whatsapp(phone.digits(), &d.text)),
                Channel::Telegram => Some(links::telegram(phone.digits(), &d.text)),
                Channel::Sms => Some(links::sms(&phone.e164, &d.text)),
                Channel::Viber => Some(links::viber(&phone.e164)),
                Channel::Max | Channel::Call | Channel::Email => None,
            };
            if matches!(channel, Channel::Viber | Channel::Max) {
                d.problem = r.text("messages.no_link", &channel_vars);
            } else if phone.is_ru_landline() {
                d.problem = r.text("messages.landline", &channel_vars);
            }
        }
        Err(e) => {
            let value = names::clean(&contact.value);
            d.to = value.clone();
            let vars = with(
                &channel_vars,
                vec![("contact.value", Val::Text(value)), ("contact.problem", Val::Text(e.message(cx.locale)))],
            );
            d.problem = r.text("messages.phone_unreadable", &vars);
        }
    }
    d
}

impl ScriptOutput {
    /// The output as plain text, for the CLI and the golden tests: the script lines with their
    /// parts, the context, when, why there is no script, each draft with its link, and the
    /// template problems.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        if let Some(script) = &self.script {
            s.push_str("== script ==\n");
            for l in &script.lines {
                s.push_str(&format!("[{}] {}\n", l.part.as_str(), l.text));
            }
            s.push_str("== context ==\n");
            for c in &script.context {
                s.push_str(&format!("- {c}\n"));
            }
        }
        if let Some(w) = &self.when {
            s.push_str(&format!("== when ==\n{w}\n"));
        }
        if let Some(n) = &self.no_script_reason {
            s.push_str(&format!("== no script ==\n{n}\n"));
        }
        for d in &self.drafts {
            s.push_str(&format!(
                "== draft: {} to {} ==\n",
                d.channel.as_str(),
                if d.to.is_empty() { "-" } else { &d.to }
            ));
            if let Some(subject) = &d.subject {
                s.push_str(&format!("subject: {subject}\n"));
            }
            s.push_str(&d.text);
            s.push('\n');
            if let Some(u) = &d.url {
                s.push_str(&format!("url: {u}\n"));
            }
            if let Some(p) = &d.problem {
                s.push_str(&format!("problem: {p}\n"));
            }
        }
        if !self.template_errors.is_empty() {
            s.push_str("== template errors ==\n");
            for e in &self.template_errors {
                s.push_str(&format!("- {e}\n"));
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(v: serde_json::Value) -> Snapshot {
        serde_json::from_value(v).unwrap()
    }

    fn assessment(verdict: Verdict, kinds: &[ReasonKind], channel: Option<Channel>) -> Assessment {
        Assessment {
            verdict,
            channel,
            next_window: None,
            findings: vec![],
            reasons: kinds.iter().map(|k| Reason { kind: *k, message: "m".into(), evidence: vec![] }).collect(),
            do_not_offer: vec![],
            context: serde_json::Value::Null,
            unverified: vec![],
            preferences: None,
            problems: vec![],
        }
    }

    fn hygiene_patient(messages: Option<bool>) -> Snapshot {
        snapshot(serde_json::json!({
            "patient": {"given": "Мария", "patronymic": "Ивановна"},
            "contacts": [{"value": "+7 916 123-45-67", "kind": "phone", "messengers": ["whatsapp"], "primary": true}],
            "service_card": {"consent": {"calls": true, "messages": messages, "advertising": true}},
            "appointments": [], "visits": [], "plans": [],
            "recalls": [{"kind": "hygiene", "due": "2026-11-14", "agreed": true}]
        }))
    }

    #[test]
    fn refused_messages_mean_no_draft_even_for_message_only() {
        let s = hygiene_patient(Some(false));
        for verdict in [Verdict::MessageOnly, Verdict::Call] {
            let a = assessment(verdict, &[ReasonKind::HygieneDue], Some(Channel::Whatsapp));
            assert!(build(&a, &s, &Config::default(), None).drafts.is_empty(), "{verdict:?}");
        }
        let a = assessment(Verdict::Call, &[], None);
        assert!(build(&a, &s, &Config::default(), None).drafts.is_empty(), "no reason, messages refused");
    }

    #[test]
    fn no_script_and_no_draft_when_contact_is_not_allowed() {
        let s = hygiene_patient(Some(true));
        for verdict in [Verdict::DoNotContact, Verdict::NotVerified] {
            let out = build(&assessment(verdict, &[ReasonKind::HygieneDue], None), &s, &Config::default(), None);
            assert!(out.script.is_none() && out.drafts.is_empty(), "{verdict:?}");
            assert!(out.no_script_reason.is_some(), "{verdict:?}: says why");
        }
    }

    #[test]
    fn scripts_for_call_and_wait_only() {
        let s = hygiene_patient(Some(true));
        let kinds = [ReasonKind::HygieneDue];
        let call = build(&assessment(Verdict::Call, &kinds, None), &s, &Config::default(), None);
        assert!(call.script.is_some() && call.drafts.len() == 1 && call.no_script_reason.is_none());
        let wait = build(&assessment(Verdict::Wait, &kinds, None), &s, &Config::default(), None);
        assert!(wait.script.is_some() && wait.drafts.is_empty() && wait.when.is_some());
        let msg = build(&assessment(Verdict::MessageOnly, &kinds, None), &s, &Config::default(), None);
        assert!(msg.script.is_none() && msg.drafts.len() == 1 && msg.no_script_reason.is_some());
        let parts: Vec<Part> = call.script.unwrap().lines.iter().map(|l| l.part).collect();
        assert_eq!(
            parts,
            [Part::Greeting, Part::Caller, Part::Agreement, Part::Reason, Part::Invitation, Part::WayOut]
        );
    }

    #[test]
    fn unreadable_templates_file_is_reported_and_defaults_are_used() {
        let s = hygiene_patient(Some(true));
        let a = assessment(Verdict::Call, &[ReasonKind::HygieneDue], None);
        let out = build_with_json(&a, &s, &Config::default(), Some("{ not json"));
        assert!(out.script.is_some_and(|sc| sc.lines.len() >= 4));
        assert_eq!(out.template_errors.len(), 1);
        assert!(
            out.template_errors[0].starts_with("шаблоны клиники: файл шаблонов не читается"),
            "{:?}",
            out.template_errors
        );
    }

    #[test]
    fn output_serialises_with_the_agreed_field_names() {
        let s = hygiene_patient(Some(true));
        let out = build(&assessment(Verdict::Call, &[ReasonKind::HygieneDue], None), &s, &Config::default(), None);
        let v = serde_json::to_value(&out).unwrap();
        assert_eq!(v["script"]["lines"][0]["part"], "greeting");
        assert_eq!(v["script"]["lines"][3]["reason"], "hygiene_due");
        assert_eq!(v["drafts"][0]["channel"], "whatsapp");
        assert_eq!(v["drafts"][0]["to"], "+79161234567");
        assert!(v["drafts"][0]["url"].as_str().unwrap().starts_with("https://wa.me/79161234567?text="));
        assert!(v["drafts"][0]["problem"].is_null());
        assert!(v["no_script_reason"].is_null());
        assert_eq!(v["template_errors"], serde_json::json!([]));
    }
}
