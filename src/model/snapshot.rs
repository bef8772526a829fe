//! The patient snapshot, contract v1: what extraction read from an MIS page or what a
//! clinic exports. `None` for a section means "not read" (absent or `null` in JSON);
//! an empty list means "read, and there is none". The checks depend on that difference.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::time::{ClockTime, LocalDateTime};

/// The sections of a snapshot, by their JSON names. Used in `unverified` and in coverage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    Patient,
    Contacts,
    ServiceCard,
    Appointments,
    Visits,
    Refusals,
    Plans,
    Recalls,
    Relatives,
    Communications,
    Feedback,
}

impl Section {
    pub const ALL: [Section; 11] = [
        Section::Patient,
        Section::Contacts,
        Section::ServiceCard,
        Section::Appointments,
        Section::Visits,
        Section::Refusals,
        Section::Plans,
        Section::Recalls,
        Section::Relatives,
        Section::Communications,
        Section::Feedback,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Section::Patient => "patient",
            Section::Contacts => "contacts",
            Section::ServiceCard => "service_card",
            Section::Appointments => "appointments",
            Section::Visits => "visits",
            Section::Refusals => "refusals",
            Section::Plans => "plans",
            Section::Recalls => "recalls",
            Section::Relatives => "relatives",
            Section::Communications => "communications",
            Section::Feedback => "feedback",
        }
    }

    pub fn parse(name: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The section's name as the overlay shows it.
    pub fn label(self, locale: super::config::Locale) -> &'static str {
        use super::config::Locale;
        match (locale, self) {
            (Locale::Ru, Section::Patient) => "Пациент",
            (Locale::Ru, Section::Contacts) => "Контакты",
            (Locale::Ru, Section::ServiceCard) => "Сервисная карта",
            (Locale::Ru, Section::Appointments) => "Записи",
            (Locale::Ru, Section::Visits) => "Визиты",
            (Locale::Ru, Section::Refusals) => "Отказы",
            (Locale::Ru, Section::Plans) => "Планы лечения",
            (Locale::Ru, Section::Recalls) => "Напоминания врача",
            (Locale::Ru, Section::Relatives) => "Родственники",
            (Locale::Ru, Section::Communications) => "Журнал коммуникаций",
            (Locale::Ru, Section::Feedback) => "Отзывы",
            (Locale::En, Section::Patient) => "Patient",
            (Locale::En, Section::Contacts) => "Contacts",
            (Locale::En, Section::ServiceCard) => "Service card",
            (Locale::En, Section::Appointments) => "Appointments",
            (Locale::En, Section::Visits) => "Visits",
            (Locale::En, Section::Refusals) => "Refusals",
            (Locale::En, Section::Plans) => "Treatment plans",
            (Locale::En, Section::Recalls) => "Doctor's recalls",
            (Locale::En, Section::Relatives) => "Relatives",
            (Locale::En, Section::Communications) => "Communication log",
            (Locale::En, Section::Feedback) => "Feedback",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Optional contract marker, e.g. "precall.snapshot/1".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    #[serde(default)]
    pub patient: Option<Patient>,
    #[serde(default)]
    pub contacts: Option<Vec<Contact>>,
    #[serde(default)]
    pub service_card: Option<ServiceCard>,
    #[serde(default)]
    pub appointments: Option<Vec<Appointment>>,
    #[serde(default)]
    pub visits: Option<Vec<Visit>>,
    #[serde(default)]
    pub refusals: Option<Vec<Refusal>>,
    #[serde(default)]
    pub plans: Option<Vec<Plan>>,
    #[serde(default)]
    pub recalls: Option<Vec<Recall>>,
    #[serde(default)]
    pub relatives: Option<Vec<Relative>>,
    #[serde(default)]
    pub communications: Option<Vec<Communication>>,
    #[serde(default)]
    pub feedback: Option<Vec<Feedback>>,
}

impl Snapshot {
    /// Whether the page showed this section at all.
    pub fn has(&self, section: Section) -> bool {
        match section {
            Section::Patient => self.patient.is_some(),
            Section::Contacts => self.contacts.is_some(),
            Section::ServiceCard => self.service_card.is_some(),
            Section::Appointments => self.appointments.is_some(),
            Section::Visits => self.visits.is_some(),
            Section::Refusals => self.refusals.is_some(),
            Section::Plans => self.plans.is_some(),
            Section::Recalls => self.recalls.is_some(),
            Section::Relatives => self.relatives.is_some(),
            Section::Communications => self.communications.is_some(),
            Section::Feedback => self.feedback.is_some(),
        }
    }

    /// Marks a section as not read (used when a section could not be understood).
    pub fn forget(&mut self, section: Section) {
        match section {
            Section::Patient => self.patient = None,
            Section::Contacts => self.contacts = None,
            Section::ServiceCard => self.service_card = None,
            Section::Appointments => self.appointments = None,
            Section::Visits => self.visits = None,
            Section::Refusals => self.refusals = None,
            Section::Plans => self.plans = None,
            Section::Recalls => self.recalls = None,
            Section::Relatives => self.relatives = None,
            Section::Communications => self.communications = None,
            Section::Feedback => self.feedback = None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Patient {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub full_name: Option<String>,
    #[serde(default)]
    pub family: Option<String>,
    #[serde(default)]
    pub given: Option<String>,
    #[serde(default)]
    pub patronymic: Option<String>,
    #[serde(default, deserialize_with = "super::datefmt::de_opt_date")]
    pub birth_date: Option<NaiveDate>,
    #[serde(default)]
    pub sex: Option<Sex>,
    /// IANA zone name; `None` means the clinic's zone applies.
    #[serde(default)]
    pub timezone: Option<String>,
}

/// A way to reach someone. The same enum names the channels of preferences and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Call,
    Sms,
    Whatsapp,
    Telegram,
    Viber,
    Max,
    Email,
}

impl Channel {
    pub const ALL: [Channel; 7] = [
        Channel::Call,
        Channel::Sms,
        Channel::Whatsapp,
        Channel::Telegram,
        Channel::Viber,
        Channel::Max,
        Channel::Email,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Call => "call",
            Channel::Sms => "sms",
            Channel::Whatsapp => "whatsapp",
            Channel::Telegram => "telegram",
            Channel::Viber => "viber",
            Channel::Max => "max",
            Channel::Email => "email",
        }
    }

    /// The channel's name as the administrator reads it.
    pub fn label(self, locale: super::config::Locale) -> &'static str {
        use super::config::Locale;
        match (locale, self) {
            (Locale::Ru, Channel::Call) => "звонок",
            (Locale::En, Channel::Call) => "call",
            (_, Channel::Sms) => "SMS",
            (_, Channel::Whatsapp) => "WhatsApp",
            (_, Channel::Telegram) => "Telegram",
            (_, Channel::Viber) => "Viber",
            (_, Channel::Max) => "MAX",
            (_, Channel::Email) => "e-mail",
        }
    }

    /// Everything but a voice call is a written message.
    pub fn is_message(self) -> bool {
        self != Channel::Call
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    Phone,
    Email,
}

fn self_owner() -> String {
    "self".to_string()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub value: String,
    pub kind: ContactKind,
    /// "self", or the relation of the person who answers this number ("mother").
    #[serde(default = "self_owner")]
    pub owner: String,
    /// Messengers marked on this number (whatsapp, telegram, viber, max).
    #[serde(default)]
    pub messengers: Vec<Channel>,
    #[serde(default)]
    pub primary: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Consent {
    #[serde(default)]
    pub calls: Option<bool>,
    #[serde(default)]
    pub messages: Option<bool>,
    #[serde(default)]
    pub advertising: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ServiceCard {
    #[serde(default)]
    pub notes: Vec<String>,
    /// `None`: the page showed no consent block at all.
    #[serde(default)]
    pub consent: Option<Consent>,
    #[serde(default)]
    pub do_not_contact: Option<bool>,
    /// Structured contact preferences; when `None` the core derives them from `notes`.
    #[serde(default)]
    pub preferences: Option<Preferences>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Day {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Day {
    pub const ALL: [Day; 7] = [Day::Mon, Day::Tue, Day::Wed, Day::Thu, Day::Fri, Day::Sat, Day::Sun];
    pub const WEEKDAYS: [Day; 5] = [Day::Mon, Day::Tue, Day::Wed, Day::Thu, Day::Fri];
    pub const WEEKEND: [Day; 2] = [Day::Sat, Day::Sun];

    pub fn from_chrono(d: chrono::Weekday) -> Day {
        Day::ALL[d.num_days_from_monday() as usize]
    }
}

/// A time window on some days, in the patient's local time. `to` may be "24:00".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub days: Vec<Day>,
    pub from: ClockTime,
    pub to: ClockTime,
}

/// Contact preferences read from the service card (the parser's output, issue 4).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preferences {
    #[serde(default)]
    pub do_not_contact: bool,
    /// Empty: no restriction stated. "Only X" puts X alone here.
    #[serde(default)]
    pub allowed: Vec<Channel>,
    #[serde(default)]
    pub forbidden: Vec<Channel>,
    #[serde(default)]
    pub preferred: Option<Channel>,
    /// Empty: no time restriction stated.
    #[serde(default)]
    pub windows: Vec<Window>,
    #[serde(default)]
    pub contact_person: Option<String>,
    #[serde(default)]
    pub ambiguous: Vec<String>,
    #[serde(default)]
    pub unparsed: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentStatus {
    Booked,
    Confirmed,
    Cancelled,
    Noshow,
    Done,
}

impl AppointmentStatus {
    /// Cancelled, no-show and done appointments are not "booked".
    pub fn is_active(self) -> bool {
        matches!(self, AppointmentStatus::Booked | AppointmentStatus::Confirmed)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Appointment {
    pub start: LocalDateTime,
    #[serde(default)]
    pub doctor: Option<String>,
    #[serde(default)]
    pub specialty: Option<String>,
    #[serde(default)]
    pub service: Option<String>,
    pub status: AppointmentStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceLine {
    pub name: String,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub price: Option<f64>,
    #[serde(default)]
    pub discount_pct: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Visit {
    #[serde(deserialize_with = "super::datefmt::de_date")]
    pub date: NaiveDate,
    #[serde(default)]
    pub doctor: Option<String>,
    #[serde(default)]
    pub specialty: Option<String>,
    #[serde(default)]
    pub services: Vec<ServiceLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Refusal {
    pub service: String,
    #[serde(default, deserialize_with = "super::datefmt::de_opt_date")]
    pub date: Option<NaiveDate>,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanDecision {
    Accepted,
    Thinking,
    Declined,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanItemStatus {
    Planned,
    Scheduled,
    Done,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanItem {
    pub name: String,
    #[serde(default)]
    pub urgent: bool,
    pub status: PlanItemStatus,
    #[serde(default, deserialize_with = "super::datefmt::de_opt_date")]
    pub due: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "super::datefmt::de_opt_date")]
    pub created: Option<NaiveDate>,
    #[serde(default)]
    pub doctor: Option<String>,
    #[serde(default)]
    pub specialty: Option<String>,
    #[serde(default)]
    pub signed: Option<bool>,
    #[serde(default)]
    pub decision: Option<PlanDecision>,
    #[serde(default)]
    pub items: Vec<PlanItem>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecallKind {
    Hygiene,
    Checkup,
    Control,
    Followup,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recall {
    pub kind: RecallKind,
    #[serde(default, deserialize_with = "super::datefmt::de_opt_date")]
    pub due: Option<NaiveDate>,
    #[serde(default)]
    pub agreed: bool,
    #[serde(default)]
    pub channel: Option<Channel>,
    /// Who set it (usually the doctor).
    #[serde(default)]
    pub set_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Relative {
    pub name: String,
    #[serde(default)]
    pub relation: Option<String>,
    #[serde(default)]
    pub patient_id: Option<String>,
    #[serde(default)]
    pub booked: Option<bool>,
    #[serde(default)]
    pub due: Vec<RecallKind>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    In,
    Out,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Reached,
    NoAnswer,
    Busy,
    Booked,
    Declined,
    Callback,
    DoNotCall,
}

impl Outcome {
    /// An attempt that did not reach the person.
    pub fn is_unanswered(self) -> bool {
        matches!(self, Outcome::NoAnswer | Outcome::Busy)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Communication {
    pub at: LocalDateTime,
    #[serde(default)]
    pub channel: Option<Channel>,
    pub direction: Direction,
    #[serde(default)]
    pub purpose: Option<String>,
    pub outcome: Outcome,
    #[serde(default)]
    pub note: Option<String>,
    /// With `outcome: callback`: when the person asked to be called back. Until then the next
    /// contact waits (`callback_requested`).
    #[serde(default)]
    pub callback_at: Option<LocalDateTime>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sentiment {
    Negative,
    Neutral,
    Positive,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Feedback {
    #[serde(default, deserialize_with = "super::datefmt::de_opt_date")]
    pub date: Option<NaiveDate>,
    pub sentiment: Sentiment,
    #[serde(default)]
    pub text: Option<String>,
}
