//! The clinic configuration: the second input of the core. Every field has a documented
//! default, so `{}` is a valid configuration.

use serde::{Deserialize, Serialize};

use super::time::ClockTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Locale {
    #[default]
    Ru,
    En,
}

/// Why the administrator is about to contact the patient, when known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    Reminder,
    Followup,
    Invite,
    Offer,
}

impl Purpose {
    /// Offers and promotions are advertising (38-FZ art. 18); the rest is service contact.
    pub fn is_advertising(self) -> bool {
        matches!(self, Purpose::Offer)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoursRange {
    pub from: ClockTime,
    pub to: ClockTime,
}

impl HoursRange {
    fn new(from: (u32, u32), to: (u32, u32)) -> Self {
        HoursRange { from: ClockTime::new(from.0, from.1).unwrap(), to: ClockTime::new(to.0, to.1).unwrap() }
    }
}

/// What the vague words of a note mean in this clinic ("утром", "в обед", "вечером").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VagueWindows {
    pub morning: HoursRange,
    pub lunch: HoursRange,
    pub afternoon: HoursRange,
    pub evening: HoursRange,
}

impl Default for VagueWindows {
    fn default() -> Self {
        VagueWindows {
            morning: HoursRange::new((9, 0), (12, 0)),
            lunch: HoursRange::new((12, 0), (14, 0)),
            afternoon: HoursRange::new((12, 0), (18, 0)),
            evening: HoursRange::new((18, 0), (21, 0)),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Campaign {
    pub name: String,
    #[serde(default)]
    pub services: Vec<String>,
    #[serde(default)]
    pub discount_pct: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Caller {
    pub name: Option<String>,
    pub role: Option<String>,
    pub clinic: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// IANA zone of the clinic; naive date-times in the snapshot are in this zone.
    pub timezone: String,
    /// When the clinic calls at all, in the patient's local time.
    pub calling_hours: HoursRange,
    /// Unanswered attempts (per purpose) after which we stop.
    pub attempt_cap: u32,
    /// Days to wait after an unanswered attempt.
    pub cooldown_days: u32,
    /// A service paid at full price within this many days is not offered at a discount.
    pub recent_full_price_days: u32,
    pub checkup_interval_months: u32,
    pub hygiene_interval_months: u32,
    pub campaigns: Vec<Campaign>,
    pub caller: Caller,
    pub locale: Locale,
    pub vague_windows: VagueWindows,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            timezone: "Europe/Moscow".to_string(),
            calling_hours: HoursRange::new((9, 0), (21, 0)),
            attempt_cap: 3,
            cooldown_days: 2,
            recent_full_price_days: 30,
            checkup_interval_months: 6,
            hygiene_interval_months: 6,
            campaigns: Vec::new(),
            caller: Caller::default(),
            locale: Locale::Ru,
            vague_windows: VagueWindows::default(),
        }
    }
}
