//! What every check reads: the snapshot seen through "read / not read", times resolved in the
//! right zones, the merged contact log, the preferences in force. Built once per assessment,
//! in linear time (a heavy card: 2,000 visits, 5,000 communications).

use std::cell::RefCell;
use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};

use crate::model::*;

use super::windows::Schedule;
use super::Request;

/// Two log lines of the same channel this close are the same attempt (MIS log and own log).
pub const SAME_ATTEMPT_SECONDS: i64 = 120;

/// One contact in the merged log (the MIS's `communications` and the extension's own log).
#[derive(Debug, Clone)]
pub struct LogEntry {
    pub at: DateTime<Utc>,
    /// Wall-clock time as written, for display.
    pub local: NaiveDateTime,
    pub channel: Option<Channel>,
    pub direction: Direction,
    pub purpose: Option<Purpose>,
    pub outcome: Outcome,
    /// With `Outcome::Callback`: when the person asked to be called back.
    pub callback_at: Option<DateTime<Utc>>,
    /// From the extension's own log rather than the MIS.
    pub own: bool,
}

impl LogEntry {
    /// An outgoing attempt that did not reach the person.
    pub fn is_unanswered_attempt(&self) -> bool {
        self.direction == Direction::Out && self.outcome.is_unanswered()
    }

    /// The person was reached (or wrote to us): this ends a run of unanswered attempts.
    pub fn is_reach(&self) -> bool {
        self.direction == Direction::In || !self.outcome.is_unanswered()
    }
}

/// Reads a free-text log purpose ("invite", "приглашение на гигиену", "акция").
pub fn parse_purpose(s: &str) -> Option<Purpose> {
    let s = s.to_lowercase();
    let has = |keys: &[&str]| keys.iter().any(|k| s.contains(k));
    if has(&["offer", "promo", "campaign", "акци", "предлож", "реклам", "скидк"]) {
        Some(Purpose::Offer)
    } else if has(&["remind", "напомин", "подтвержд", "confirm"]) {
        Some(Purpose::Reminder)
    } else if has(&["follow", "самочув", "контрольный звонок", "обратн"]) {
        Some(Purpose::Followup)
    } else if has(&["invite", "invitation", "recall", "приглаш", "запис"]) {
        Some(Purpose::Invite)
    } else {
        None
    }
}

/// An active appointment (booked or confirmed) that has not started yet.
#[derive(Debug, Clone, Copy)]
pub struct Upcoming<'a> {
    pub appointment: &'a Appointment,
    pub at: DateTime<Utc>,
}

pub struct Facts<'a> {
    pub request: &'a Request,
    pub snapshot: &'a Snapshot,
    pub config: &'a Config,
    pub purpose: Option<Purpose>,
    pub zones: &'a dyn Zones,
    pub locale: Locale,
    pub now: DateTime<Utc>,
    /// The clinic's zone: naive date-times of the snapshot are in it.
    pub clinic_zone: &'a str,
    /// The patient's zone (patient.timezone, else the clinic's).
    pub patient_zone: &'a str,
    /// Today in the clinic.
    pub today: NaiveDate,
    /// Now on the patient's wall clock.
    pub now_patient: NaiveDateTime,
    pub prefs: Option<Preferences>,
    /// The merged contact log, oldest first; `None` when neither log was available.
    pub log: Option<Vec<LogEntry>>,
    /// Active future appointments, soonest first; empty when appointments were not read.
    pub upcoming: Vec<Upcoming<'a>>,
    /// Calling hours intersected with the patient's windows, in the patient's local time.
    pub schedule: Schedule,
    pub reasons: Vec<Reason>,
    unread: [bool; 11],
    offsets: RefCell<HashMap<NaiveDate, Option<i32>>>,
}

fn section_index(s: Section) -> usize {
    Section::ALL.iter().position(|x| *x == s).unwrap_or(0)
}

fn zone_error(input: &str, path: &str, zone: &str) -> ContractError {
    ContractError {
        input: input.into(),
        path: path.into(),
        line: 0,
        column: 0,
        message: format!("unknown time zone {zone:?} (expected an IANA name like \"Europe/Moscow\")"),
    }
}

impl<'a> Facts<'a> {
    pub fn new(request: &'a Request, zones: &'a dyn Zones) -> Result<Facts<'a>, ContractError> {
        let config = &request.config;
        let snapshot = &request.snapshot;
        if !zones.is_known(&config.timezone) {
            return Err(zone_error("config", "timezone", &config.timezone));
        }
        let mut unread = [false; 11];
        for s in Section::ALL {
            unread[section_index(s)] = !snapshot.has(s);
        }
        for p in &request.problems {
            unread[section_index(p.section)] = true;
        }
        let patient = if unread[section_index(Section::Patient)] { None } else { snapshot.patient.as_ref() };
        let patient_zone: &str = match patient.and_then(|p| p.timezone.as_deref()) {
            Some(z) if !z.trim().is_empty() => {
                if !zones.is_known(z) {
                    return Err(zone_error("snapshot", "patient.timezone", z));
                }
                z
            }
            _ => &config.timezone,
        };
        let clinic_zone: &str = &config.timezone;
        let now = request.now;
        let today =
            utc_to_local(zones, clinic_zone, now).ok_or_else(|| zone_error("config", "timezone", clinic_zone))?.date();
        let now_patient = utc_to_local(zones, patient_zone, now)
            .ok_or_else(|| zone_error("snapshot", "patient.timezone", patient_zone))?;

        let mut facts = Facts {
            request,
            snapshot,
            config,
            purpose: request.purpose,
            zones,
            locale: config.locale,
            now,
            clinic_zone,
            patient_zone,
            today,
            now_patient,
            prefs: None,
            log: None,
            upcoming: Vec::new(),
            schedule: Schedule::always(),
            reasons: Vec::new(),
            unread,
            offsets: RefCell::new(HashMap::new()),
        };
        facts.prefs = facts.service_card().map(|card| match &card.preferences {
            Some(p) => p.clone(),
            None => crate::prefs::parse_notes(&card.notes, &config.vague_windows),
        });
        let calling = Schedule::hours(config.calling_hours.from, config.calling_hours.to);
        facts.schedule = match &facts.prefs {
            Some(p) => Schedule::from_windows(&p.windows).intersect(&calling),
            None => calling,
        };
        facts.log = facts.build_log();
        facts.upcoming = facts.build_upcoming();
        facts.reasons = super::reasons::find(&facts);
        Ok(facts)
    }

    pub fn is_read(&self, s: Section) -> bool {
        !self.unread[section_index(s)]
    }

    pub fn unread_sections(&self) -> Vec<Section> {
        Section::ALL.into_iter().filter(|s| !self.is_read(*s)).collect()
    }

    pub fn ru(&self) -> bool {
        self.locale == Locale::Ru
    }

    pub fn patient(&self) -> Option<&'a Patient> {
        if self.is_read(Section::Patient) {
            self.snapshot.patient.as_ref()
        } else {
            None
        }
    }
    pub fn contacts(&self) -> Option<&'a [Contact]> {
        if self.is_read(Section::Contacts) {
            self.snapshot.contacts.as_deref()
        } else {
            None
        }
    }
    pub fn service_card(&self) -> Option<&'a ServiceCard> {
        if self.is_read(Section::ServiceCard) {
            self.snapshot.service_card.as_ref()
        } else {
            None
        }
    }
    pub fn appointments(&self) -> Option<&'a [Appointment]> {
        if self.is_read(Section::Appointments) {
            self.snapshot.appointments.as_deref()
        } else {
            None
        }
    }
    pub fn visits(&self) -> Option<&'a [Visit]> {
        if self.is_read(Section::Visits) {
            self.snapshot.visits.as_deref()
        } else {
            None
        }
    }
    pub fn refusals(&self) -> Option<&'a [Refusal]> {
        if self.is_read(Section::Refusals) {
            self.snapshot.refusals.as_deref()
        } else {
            None
        }
    }
    pub fn plans(&self) -> Option<&'a [Plan]> {
        if self.is_read(Section::Plans) {
            self.snapshot.plans.as_deref()
        } else {
            None
        }
    }
    pub fn recalls(&self) -> Option<&'a [Recall]> {
        if self.is_read(Section::Recalls) {
            self.snapshot.recalls.as_deref()
        } else {
            None
        }
    }
    pub fn relatives(&self) -> Option<&'a [Relative]> {
        if self.is_read(Section::Relatives) {
            self.snapshot.relatives.as_deref()
        } else {
            None
        }
    }
    pub fn communications(&self) -> Option<&'a [Communication]> {
        if self.is_read(Section::Communications) {
            self.snapshot.communications.as_deref()
        } else {
            None
        }
    }
    pub fn feedback(&self) -> Option<&'a [Feedback]> {
        if self.is_read(Section::Feedback) {
            self.snapshot.feedback.as_deref()
        } else {
            None
        }
    }

    /// The instant of a snapshot date-time; a naive one is in the clinic's zone.
    /// Offsets are looked up once per calendar day (linear work on long logs).
    pub fn instant(&self, t: &LocalDateTime) -> Option<DateTime<Utc>> {
        if t.offset.is_some() {
            return t.to_utc(self.clinic_zone, self.zones);
        }
        let date = t.naive.date();
        let cached = self.offsets.borrow().get(&date).copied();
        let uniform = match cached {
            Some(u) => u,
            None => {
                let midnight = date.and_hms_opt(0, 0, 0)?;
                let a = self.zones.offset_seconds(self.clinic_zone, midnight - Duration::days(1));
                let b = self.zones.offset_seconds(self.clinic_zone, midnight + Duration::days(2));
                let u = match (a, b) {
                    (Some(a), Some(b)) if a == b => Some(a),
                    _ => None,
                };
                self.offsets.borrow_mut().insert(date, u);
                u
            }
        };
        match uniform {
            Some(off) => Some(Utc.from_utc_datetime(&(t.naive - Duration::seconds(off as i64)))),
            None => local_to_utc(self.zones, self.clinic_zone, t.naive),
        }
    }

    fn build_log(&self) -> Option<Vec<LogEntry>> {
        let mis = self.communications();
        let own = self.request.own_log.as_deref();
        if mis.is_none() && own.is_none() {
            return None;
        }
        let entry = |c: &Communication, own: bool| -> Option<LogEntry> {
            Some(LogEntry {
                at: self.instant(&c.at)?,
                local: c.at.naive,
                channel: c.channel,
                direction: c.direction,
                purpose: c.purpose.as_deref().and_then(parse_purpose),
                outcome: c.outcome,
                callback_at: c.callback_at.as_ref().and_then(|t| self.instant(t)),
                own,
            })
        };
        let mut log: Vec<LogEntry> = mis.unwrap_or(&[]).iter().filter_map(|c| entry(c, false)).collect();
        let mut keys: Vec<(i64, Option<Channel>)> = log.iter().map(|e| (e.at.timestamp(), e.channel)).collect();
        crate::order::sort_by_key(&mut keys, |k| k.0);
        for c in own.unwrap_or(&[]) {
            let Some(e) = entry(c, true) else { continue };
            let ts = e.at.timestamp();
            let lo = keys.partition_point(|k| k.0 < ts - SAME_ATTEMPT_SECONDS);
            let duplicate = keys[lo..]
                .iter()
                .take_while(|k| k.0 <= ts + SAME_ATTEMPT_SECONDS)
                .any(|k| k.1.is_none() || e.channel.is_none() || k.1 == e.channel);
            if !duplicate {
                log.push(e);
            }
        }
        crate::order::sort_by_key(&mut log, |e| e.at);
        Some(log)
    }

    fn build_upcoming(&self) -> Vec<Upcoming<'a>> {
        let mut v: Vec<Upcoming<'a>> = self
            .appointments()
            .unwrap_or(&[])
            .iter()
            .filter(|a| a.status.is_active())
            .filter_map(|a| Some(Upcoming { appointment: a, at: self.instant(&a.start)? }))
            .filter(|u| u.at >= self.now)
            .collect();
        crate::order::sort_by_key(&mut v, |u| u.at);
        v
    }

    /// The log entries after the last contact that reached the patient.
    pub fn since_last_reach(&self) -> &[LogEntry] {
        let Some(log) = &self.log else { return &[] };
        match log.iter().rposition(|e| e.is_reach()) {
            Some(i) => &log[i + 1..],
            None => &log[..],
        }
    }

    /// Whether a log entry counts for the purpose of this contact (unknown purposes count for all).
    pub fn same_purpose(&self, e: &LogEntry) -> bool {
        match (self.purpose, e.purpose) {
            (Some(p), Some(q)) => p == q,
            _ => true,
        }
    }

    /// "Петрова А. В. (терапевт)", or whichever part is known.
    pub fn doctor_phrase(doctor: Option<&str>, specialty: Option<&str>) -> Option<String> {
        match (doctor.filter(|d| !d.trim().is_empty()), specialty.filter(|s| !s.trim().is_empty())) {
            (Some(d), Some(s)) => Some(format!("{d} ({s})")),
            (Some(d), None) => Some(d.to_string()),
            (None, Some(s)) => Some(s.to_string()),
            (None, None) => None,
        }
    }
}
