//! The concrete details behind each reason, read from the snapshot (the rules engine's
//! `Reason.evidence` is free text, so the script looks the facts up itself, by kind):
//! the appointment to remind of, the signed plan and its urgent or open items, the recall with
//! its due date and the doctor who set it, the last visit, relatives due or booked.

use chrono::{Months, NaiveDate};

use crate::model::*;
use crate::rules::reasons::personal_doctor::DOCTOR_ROLES;

use super::lang::{self, quote, Dates};
use super::names::{clean, clean_opt};
use super::template::{Val, Vars};

/// A plan the patient signed (or accepted, when the signature is not shown) and did not
/// decline; the same reading as the rules engine's.
pub fn is_signed(p: &Plan) -> bool {
    p.decision != Some(PlanDecision::Declined)
        && (p.signed == Some(true) || (p.signed.is_none() && p.decision == Some(PlanDecision::Accepted)))
}

/// Open items: not done and not cancelled.
pub fn is_open(i: &PlanItem) -> bool {
    matches!(i.status, PlanItemStatus::Planned | PlanItemStatus::Scheduled)
}

const HYGIENE_WORDS: &[&str] = &["гигиен", "чистк", "hygien", "cleaning", "airflow", "air flow", "scaling"];

fn is_hygiene(service: &str) -> bool {
    let n = service.to_lowercase();
    HYGIENE_WORDS.iter().any(|w| n.contains(w))
}

/// The year of the latest past event on the card (visits, finished appointments, the contact
/// log): the script's stand-in for "this year", since the core has no clock.
pub fn reference_year(s: &Snapshot) -> Option<i32> {
    use chrono::Datelike;
    let visits = s.visits.iter().flatten().map(|v| v.date);
    let done = s.appointments.iter().flatten().filter(|a| !a.status.is_active()).map(|a| a.start.naive.date());
    let log = s.communications.iter().flatten().map(|c| c.at.naive.date());
    visits.chain(done).chain(log).max().map(|d| d.year())
}

/// Everything the script reads, prepared once.
pub struct Cx<'a> {
    pub snapshot: &'a Snapshot,
    pub config: &'a Config,
    pub assessment: &'a Assessment,
    pub locale: Locale,
    pub dates: Dates,
}

impl<'a> Cx<'a> {
    pub fn new(assessment: &'a Assessment, snapshot: &'a Snapshot, config: &'a Config) -> Self {
        let locale = config.locale;
        Cx { snapshot, config, assessment, locale, dates: Dates { locale, reference_year: reference_year(snapshot) } }
    }

    /// Patient, caller and configuration: available to every template.
    pub fn base_vars(&self) -> Vars {
        let mut v = Vars::new();
        if let Some(p) = &self.snapshot.patient {
            put(&mut v, "patient.greeting_name", super::names::greeting_name(p, self.locale));
            put(&mut v, "patient.full_name", super::names::full_name(p));
        }
        let caller = &self.config.caller;
        put(&mut v, "caller.name", clean_opt(caller.name.as_deref()));
        put(&mut v, "caller.role", clean_opt(caller.role.as_deref()));
        put(&mut v, "caller.clinic", clean_opt(caller.clinic.as_deref()));
        v.insert("config.checkup_months", Val::Num(self.config.checkup_interval_months as i64));
        v.insert("config.hygiene_months", Val::Num(self.config.hygiene_interval_months as i64));
        v
    }

    /// "стоматолог-терапевт Петрова Анна Игоревна": specialty and name, or either alone. The
    /// specialty is looked up elsewhere on the card when not given with the name.
    pub fn doctor_vars(&self, v: &mut Vars, name: Option<&str>, specialty: Option<&str>) {
        let name = clean_opt(name);
        let specialty = clean_opt(specialty).or_else(|| name.as_deref().and_then(|n| self.specialty_of(n)));
        let full = match (&specialty, &name) {
            (Some(s), Some(n)) => Some(format!("{s} {n}")),
            (s, n) => n.clone().or_else(|| s.clone()),
        };
        put(v, "doctor.name", name);
        put(v, "doctor.specialty", specialty);
        put(v, "doctor.full", full);
    }

    fn specialty_of(&self, name: &str) -> Option<String> {
        let same = |d: &Option<String>| d.as_deref().map(clean).is_some_and(|d| d == name);
        let s = self.snapshot;
        let from_visits =
            s.visits.iter().flatten().filter(|v| same(&v.doctor)).find_map(|v| clean_opt(v.specialty.as_deref()));
        let from_plans =
            || s.plans.iter().flatten().filter(|p| same(&p.doctor)).find_map(|p| clean_opt(p.specialty.as_deref()));
        let from_appts = || {
            s.appointments.iter().flatten().filter(|a| same(&a.doctor)).find_map(|a| clean_opt(a.specialty.as_deref()))
        };
        from_visits.or_else(from_plans).or_else(from_appts)
    }

    /// Booked or confirmed appointments, soonest first.
    pub fn active_appointments(&self) -> Vec<&'a Appointment> {
        let mut list: Vec<&Appointment> =
            self.snapshot.appointments.iter().flatten().filter(|a| a.status.is_active()).collect();
        crate::order::sort_by_key(&mut list, |a| a.start.naive);
        list
    }

    pub fn last_visit(&self) -> Option<&'a Visit> {
        self.snapshot.visits.iter().flatten().max_by_key(|v| v.date)
    }

    fn quoted_items<'i>(&self, items: impl Iterator<Item = &'i PlanItem>) -> String {
        items.map(|i| quote(self.locale, &clean(&i.name))).collect::<Vec<_>>().join("; ")
    }

    pub fn appointment_vars(&self, v: &mut Vars, a: &Appointment) {
        v.insert("appointment.date", Val::Text(self.dates.long(a.start.naive.date())));
        v.insert("appointment.time", Val::Text(self.dates.time(a.start.naive)));
        put(v, "appointment.service", clean_opt(a.service.as_deref()));
        let status = match (a.status, self.locale) {
            (AppointmentStatus::Confirmed, Locale::Ru) => Some("подтверждена"),
            (AppointmentStatus::Confirmed, Locale::En) => Some("confirmed"),
            (AppointmentStatus::Booked, Locale::Ru) => Some("не подтверждена"),
            (AppointmentStatus::Booked, Locale::En) => Some("not confirmed"),
            _ => None,
        };
        put(v, "appointment.status", status.map(str::to_string));
        self.doctor_vars(v, a.doctor.as_deref(), a.specialty.as_deref());
    }

    fn plan_common(&self, v: &mut Vars, p: &Plan) {
        put(v, "plan.id", clean_opt(p.id.as_deref()));
        put(v, "plan.created", p.created.map(|d| self.dates.short(d)));
        self.doctor_vars(v, p.doctor.as_deref(), p.specialty.as_deref());
    }

    /// The context line's list: «A» (срочно, до 02.11); «B».
    pub fn plan_context_vars(&self, v: &mut Vars, p: &Plan) {
        self.plan_common(v, p);
        let items: Vec<String> = p
            .items
            .iter()
            .filter(|i| is_open(i))
            .map(|i| {
                let mut notes = Vec::new();
                if i.urgent {
                    notes.push(lang::tr(self.locale, "срочно", "urgent"));
                }
                if let Some(d) = i.due {
                    let d = self.dates.short(d);
                    notes.push(match self.locale {
                        Locale::Ru => format!("до {d}"),
                        Locale::En => format!("by {d}"),
                    });
                }
                if i.status == PlanItemStatus::Scheduled {
                    notes.push(lang::tr(self.locale, "записан", "booked"));
                }
                let name = quote(self.locale, &clean(&i.name));
                if notes.is_empty() {
                    name
                } else {
                    format!("{name} ({})", notes.join(", "))
                }
            })
            .collect();
        put(v, "plan.open_items", Some(items.join("; ")));
        let state = match (is_signed(p), p.decision, self.locale) {
            (true, _, Locale::Ru) => "подписан",
            (true, _, Locale::En) => "signed",
            (false, Some(PlanDecision::Thinking), Locale::Ru) => "не подписан, пациент думает",
            (false, Some(PlanDecision::Thinking), Locale::En) => "not signed, the patient is thinking",
            (false, _, Locale::Ru) => "не подписан",
            (false, _, Locale::En) => "not signed",
        };
        v.insert("plan.state", Val::Text(state.into()));
    }

    pub fn visit_vars(&self, v: &mut Vars, visit: &Visit, with_doctor: bool) {
        v.insert("visit.date", Val::Text(self.dates.short(visit.date)));
        let services: Vec<String> = visit.services.iter().map(|s| clean(&s.name)).filter(|s| !s.is_empty()).collect();
        put(v, "visit.services", Some(services.join(", ")));
        if with_doctor {
            self.doctor_vars(v, visit.doctor.as_deref(), visit.specialty.as_deref());
        }
    }

    /// The configured caller is a doctor (by role).
    pub fn caller_is_doctor(&self) -> bool {
        let role = self.config.caller.role.as_deref().unwrap_or("").to_lowercase();
        self.config.caller.name.is_some() && DOCTOR_ROLES.iter().any(|r| role.contains(r))
    }

    /// Relatives due (and not booked) and relatives booked, as list texts.
    pub fn relatives(&self) -> (Vec<String>, Vec<String>) {
        let mut due = Vec::new();
        let mut booked = Vec::new();
        for r in self.snapshot.relatives.iter().flatten() {
            let name = clean(&r.name);
            if name.is_empty() {
                continue;
            }
            let relation = clean_opt(r.relation.as_deref());
            let who = match (&relation, self.locale) {
                (Some(rel), Locale::Ru) => format!("{rel} — {name}"),
                (Some(rel), Locale::En) => format!("{name}, {rel}"),
                (None, _) => name,
            };
            if r.booked == Some(true) {
                booked.push(who);
                continue;
            }
            let kinds: Vec<&str> = r
                .due
                .iter()
                .filter(|k| **k != RecallKind::Followup)
                .map(|k| lang::recall_name(self.locale, *k))
                .collect();
            if !kinds.is_empty() {
                due.push(format!("{who} ({})", kinds.join(", ")));
            }
        }
        (due, booked)
    }
}

/// Urgent items not started (still `planned`).
fn urgent(p: &Plan) -> Vec<&PlanItem> {
    p.items.iter().filter(|i| i.urgent && i.status == PlanItemStatus::Planned).collect()
}

fn open(p: &Plan) -> Vec<&PlanItem> {
    p.items.iter().filter(|i| is_open(i)).collect()
}

fn put(v: &mut Vars, key: &'static str, value: Option<String>) {
    if let Some(s) = value.filter(|s| !s.is_empty()) {
        v.insert(key, Val::Text(s));
    }
}

/// Picks, for each reason in order, the snapshot object it is about. Reasons of the same kind
/// take different objects (the first reminder the soonest appointment, the second the next),
/// preferring one the reason's own words mention.
pub struct Picker {
    used: Vec<(ReasonKind, usize)>,
}

fn mentions(reason: &Reason, needle: &str) -> bool {
    let needle = needle.trim();
    needle.chars().count() >= 3
        && (reason.message.contains(needle) || reason.evidence.iter().any(|e| e.contains(needle)))
}

impl Picker {
    pub fn new() -> Self {
        Picker { used: Vec::new() }
    }

    fn pick<T>(&mut self, kind: ReasonKind, candidates: &[T], mentioned: impl Fn(&T) -> bool) -> Option<usize> {
        let free: Vec<usize> = (0..candidates.len()).filter(|i| !self.used.contains(&(kind, *i))).collect();
        let choice = free.iter().copied().find(|i| mentioned(&candidates[*i])).or_else(|| free.first().copied())?;
        self.used.push((kind, choice));
        Some(choice)
    }

    /// The details of one reason, or `None` when the snapshot does not show them (the script
    /// then uses the reason's own message).
    pub fn reason_vars(&mut self, cx: &Cx, reason: &Reason) -> Option<Vars> {
        let mut v = Vars::new();
        let s = cx.snapshot;
        match reason.kind {
            ReasonKind::AppointmentReminder => {
                let list = cx.active_appointments();
                let i = self.pick(reason.kind, &list, |a| a.service.as_deref().is_some_and(|x| mentions(reason, x)))?;
                cx.appointment_vars(&mut v, list[i]);
            }
            ReasonKind::PlanUrgentUnstarted => {
                let plans: Vec<&Plan> =
                    s.plans.iter().flatten().filter(|p| is_signed(p) && !urgent(p).is_empty()).collect();
                let i = self.pick(reason.kind, &plans, |p| urgent(p).iter().any(|it| mentions(reason, &it.name)))?;
                let items = urgent(plans[i]);
                cx.plan_common(&mut v, plans[i]);
                put(&mut v, "plan.urgent_items", Some(cx.quoted_items(items.iter().copied())));
                put(&mut v, "plan.urgent_due", items.iter().filter_map(|i| i.due).min().map(|d| cx.dates.short(d)));
                v.insert("plan.urgent_count", Val::Num(items.len() as i64));
            }
            ReasonKind::PlanPartiallyDone => {
                let done = |p: &Plan| p.items.iter().filter(|i| i.status == PlanItemStatus::Done).count();
                let plans: Vec<&Plan> =
                    s.plans.iter().flatten().filter(|p| is_signed(p) && done(p) > 0 && !open(p).is_empty()).collect();
                let i = self.pick(reason.kind, &plans, |p| open(p).iter().any(|it| mentions(reason, &it.name)))?;
                let p = plans[i];
                let items = open(p);
                cx.plan_common(&mut v, p);
                put(&mut v, "plan.open_items", Some(cx.quoted_items(items.iter().copied())));
                v.insert("plan.done_count", Val::Num(done(p) as i64));
                v.insert("plan.open_count", Val::Num(items.len() as i64));
                v.insert("plan.total_count", Val::Num((done(p) + items.len()) as i64));
            }
            ReasonKind::ControlExamDue
            | ReasonKind::FollowupAgreed
            | ReasonKind::HygieneDue
            | ReasonKind::CheckupDue => {
                let kind = match reason.kind {
                    ReasonKind::ControlExamDue => RecallKind::Control,
                    ReasonKind::FollowupAgreed => RecallKind::Followup,
                    ReasonKind::HygieneDue => RecallKind::Hygiene,
                    _ => RecallKind::Checkup,
                };
                let all: Vec<&Recall> = s.recalls.iter().flatten().filter(|r| r.kind == kind).collect();
                // Agreed recalls first (the rules use only those, except for control exams).
                let mut list: Vec<&Recall> = all.iter().copied().filter(|r| r.agreed).collect();
                list.extend(all.iter().copied().filter(|r| !r.agreed));
                let due_text = |r: &&Recall| r.due.map(crate::model::datefmt::iso_date);
                let i = self.pick(reason.kind, &list, |r| due_text(r).is_some_and(|d| mentions(reason, &d)));
                let recall = i.map(|i| list[i]);
                let due = recall.and_then(|r| r.due).or_else(|| self.computed_due(cx, kind));
                put(&mut v, "recall.due", due.map(|d| cx.dates.short(d)));
                let set_by = recall.and_then(|r| r.set_by.as_deref());
                let last = cx.last_visit();
                if kind == RecallKind::Followup {
                    if let Some(visit) = last {
                        cx.visit_vars(&mut v, visit, false);
                    }
                    let doctor = set_by.or(last.and_then(|l| l.doctor.as_deref()));
                    let specialty = if set_by.is_some() { None } else { last.and_then(|l| l.specialty.as_deref()) };
                    cx.doctor_vars(&mut v, doctor, specialty);
                } else {
                    cx.doctor_vars(&mut v, set_by, None);
                }
                if recall.is_none() && due.is_none() {
                    return None;
                }
            }
            ReasonKind::PersonalDoctor => {
                let last = cx.last_visit();
                if let Some(visit) = last {
                    cx.visit_vars(&mut v, visit, false);
                }
                if cx.caller_is_doctor() {
                    cx.doctor_vars(&mut v, cx.config.caller.name.as_deref(), None);
                } else {
                    cx.doctor_vars(
                        &mut v,
                        last.and_then(|l| l.doctor.as_deref()),
                        last.and_then(|l| l.specialty.as_deref()),
                    );
                }
            }
        }
        Some(v)
    }

    /// A recall with no date: the last (hygiene) visit plus the configured interval, as the
    /// rules engine reads it.
    fn computed_due(&self, cx: &Cx, kind: RecallKind) -> Option<NaiveDate> {
        let visits = cx.snapshot.visits.iter().flatten();
        let (last, months) = match kind {
            RecallKind::Hygiene => (
                visits.filter(|v| v.services.iter().any(|s| is_hygiene(&s.name))).map(|v| v.date).max(),
                cx.config.hygiene_interval_months,
            ),
            RecallKind::Checkup => (visits.map(|v| v.date).max(), cx.config.checkup_interval_months),
            _ => return None,
        };
        last?.checked_add_months(Months::new(months))
    }
}

impl Default for Picker {
    fn default() -> Self {
        Picker::new()
    }
}
