//! Contact preferences from the free text of the service card (issue 4).
//! Placeholder until the parser lands: nothing is understood, so every note is `unparsed`.

use crate::model::{Preferences, VagueWindows};

pub fn parse_notes(notes: &[String], _vague: &VagueWindows) -> Preferences {
    Preferences { unparsed: notes.iter().filter(|n| !n.trim().is_empty()).cloned().collect(), ..Preferences::default() }
}

pub fn parse_note(note: &str, vague: &VagueWindows) -> Preferences {
    parse_notes(&[note.to_string()], vague)
}

pub fn describe(_prefs: &Preferences, _locale: crate::model::Locale) -> String {
    String::new()
}

pub fn is_uncertain(prefs: &Preferences) -> bool {
    !prefs.ambiguous.is_empty() || !prefs.unparsed.is_empty()
}
