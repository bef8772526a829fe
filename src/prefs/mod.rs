//! Contact preferences from the free text of the service card (issue 4).
//! Placeholder until the parser lands: nothing is understood, so every note is `unparsed`.

use crate::model::{Preferences, VagueWindows};

pub fn parse_notes(notes: &[String], _vague: &VagueWindows) -> Preferences {
    Preferences { unparsed: notes.iter().filter(|n| !n.trim().is_empty()).cloned().collect(), ..Preferences::default() }
}
