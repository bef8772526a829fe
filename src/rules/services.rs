//! Matching service names written by different hands: "Имплантация" (a refusal),
//! "Имплантация зуба" (a visit line), "Два импланта по цене одного" (a campaign).

use super::text::normalize;

/// Word stems: significant words (4+ letters) cut to 6 letters, so "имплантации" and
/// "импланта" both become "имплан". Digits are kept whole ("46").
fn stems(s: &str) -> Vec<String> {
    normalize(s)
        .split(' ')
        .filter(|w| w.chars().count() >= 4 || w.chars().all(|c| c.is_ascii_digit()))
        .map(|w| w.chars().take(6).collect::<String>())
        .collect()
}

/// Whether two service names (or codes) name the same service: equal after normalizing, or
/// every stem of the shorter name appears in the longer one.
pub fn same_service(a: &str, b: &str) -> bool {
    let (na, nb) = (normalize(a), normalize(b));
    if na.is_empty() || nb.is_empty() {
        return false;
    }
    if na == nb {
        return true;
    }
    let (sa, sb) = (stems(a), stems(b));
    let (short, long) = if sa.len() <= sb.len() { (sa, sb) } else { (sb, sa) };
    !short.is_empty() && short.iter().all(|w| long.contains(w))
}

/// The configured campaigns about this service (by a listed service or by the campaign's name).
pub fn campaigns_about<'c>(campaigns: &'c [crate::model::Campaign], service: &str) -> Vec<&'c crate::model::Campaign> {
    campaigns
        .iter()
        .filter(|c| same_service(&c.name, service) || c.services.iter().any(|s| same_service(s, service)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::same_service;

    #[test]
    fn matches_across_word_forms() {
        assert!(same_service("Имплантация", "Имплантация зуба"));
        assert!(same_service("имплантации", "Два импланта по цене одного"));
        assert!(same_service("Профессиональная гигиена", "профессиональная гигиена полости рта"));
        assert!(same_service("A16.07.051", "a16.07.051"));
        assert!(!same_service("Имплантация", "Профессиональная гигиена"));
        assert!(!same_service("", "Имплантация"));
    }
}
