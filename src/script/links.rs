//! Links that open a draft in the patient's channel. Every piece of text is percent-encoded
//! (RFC 3986: only unreserved characters stay as they are), so card text such as names with
//! "&", "#", "?" or markup can never change the link's target or add parameters.
//!
//! - WhatsApp: `https://wa.me/<digits>?text=...` (the documented click-to-chat link).
//! - Telegram: `https://t.me/+<digits>?text=...`, the phone-number link; it finds the person
//!   only if their privacy settings allow it, and clients that do not support `text` open the
//!   chat empty (the draft text is shown beside the link to copy).
//! - SMS: `sms:+<digits>?body=...` (RFC 5724).
//! - e-mail: `mailto:<address>?subject=...&body=...` (RFC 6068).
//! - Viber: `viber://chat?number=%2B<digits>` opens the chat; no text can be passed.
//! - MAX: no public link to a chat by number: no link.

/// Percent-encodes UTF-8 text for a URI component; only `A-Z a-z 0-9 - . _ ~` stay as they are.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Drafts use "\n" between paragraphs; links send CRLF-free "\n" (WhatsApp, Telegram and SMS
/// apps accept it; RFC 6068 asks for CRLF in mail bodies).
fn mail_body(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\n', "\r\n")
}

pub fn whatsapp(digits: &str, text: &str) -> String {
    format!("https://wa.me/{digits}?text={}", encode(text))
}

pub fn telegram(digits: &str, text: &str) -> String {
    format!("https://t.me/+{digits}?text={}", encode(text))
}

pub fn sms(e164: &str, text: &str) -> String {
    format!("sms:{}?body={}", encode(e164).replace("%2B", "+"), encode(text))
}

pub fn viber(e164: &str) -> String {
    format!("viber://chat?number={}", encode(e164))
}

/// `None` when the address cannot be read (see [`is_email`]).
pub fn mailto(address: &str, subject: &str, body: &str) -> Option<String> {
    if !is_email(address) {
        return None;
    }
    let (local, domain) = address.rsplit_once('@')?;
    Some(format!(
        "mailto:{}@{}?subject={}&body={}",
        encode(local),
        encode(domain),
        encode(subject),
        encode(&mail_body(body))
    ))
}

/// A plain address "local@domain.tld": letters (any script), digits and `. _ % + - '` before
/// the "@", letters, digits, dots and hyphens after it, a dot in the domain; nothing that could
/// start another header (`?`, `&`, `,`, spaces, brackets).
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else { return false };
    let local_ok = !local.is_empty()
        && local.chars().count() <= 64
        && local.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-' | '\''));
    let domain_ok = domain.contains('.')
        && !domain.starts_with(['.', '-'])
        && !domain.ends_with(['.', '-'])
        && !domain.contains("..")
        && domain.chars().count() <= 253
        && domain.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '-'));
    local_ok && domain_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_keeps_only_unreserved() {
        assert_eq!(encode("a b&c=d?e#f/g+h"), "a%20b%26c%3Dd%3Fe%23f%2Fg%2Bh");
        assert_eq!(encode("Мая"), "%D0%9C%D0%B0%D1%8F");
        assert_eq!(encode("<script>\"'\n"), "%3Cscript%3E%22%27%0A");
        assert_eq!(encode("-._~"), "-._~");
    }

    #[test]
    fn links() {
        assert_eq!(
            whatsapp("79161234567", "Привет & пока"),
            "https://wa.me/79161234567?text=%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82%20%26%20%D0%BF%D0%BE%D0%BA%D0%B0"
        );
        assert_eq!(telegram("79161234567", "hi"), "https://t.me/+79161234567?text=hi");
        assert_eq!(sms("+79161234567", "a b"), "sms:+79161234567?body=a%20b");
        assert_eq!(viber("+79161234567"), "viber://chat?number=%2B79161234567");
        assert_eq!(
            mailto("anna@mail.ru", "Тема", "a\nb").unwrap(),
            "mailto:anna@mail.ru?subject=%D0%A2%D0%B5%D0%BC%D0%B0&body=a%0D%0Ab"
        );
    }

    #[test]
    fn email_addresses() {
        for ok in ["anna.popova88@mail.ru", "o'neil+tag@example.co.uk", "почта@пример.рф"] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "",
            "anna",
            "anna@",
            "@mail.ru",
            "anna@mail",
            "a b@mail.ru",
            "a@mail.ru?bcc=x@evil.com",
            "a@b@c.ru",
            "a@mail..ru",
            "<a@b.ru>",
            "a@b.ru,c@d.ru",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
        assert_eq!(mailto("a@mail.ru&cc=x@y.z", "s", "b"), None);
    }
}
