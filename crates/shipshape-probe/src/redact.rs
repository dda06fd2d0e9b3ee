//! Redaction: no output of the probe may contain a credential. Authorization, Cookie
//! and Set-Cookie values and every value of a user-supplied header are replaced by
//! `<redacted>` — in evidence as it is built, and again over the finished report.

use crate::observe::{Exchange, Response};
use shipshape_model::{Finding, Report};

/// The placeholder for a removed secret.
pub const REDACTED: &str = "<redacted>";

/// Header names whose values are always secret.
const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "x-api-key",
    "x-auth-token",
];

/// Shortest secret replaced inside free text (shorter values would shred unrelated words;
/// they are still removed wherever they appear as a header value).
const MIN_SECRET_LEN: usize = 3;

/// Removes known secret values from text.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    secrets: Vec<String>,
}

impl Redactor {
    /// A redactor for the user's headers: each value, and each word of it
    /// (so `Bearer abc` also hides `abc`), and each cookie value.
    pub fn new(user_headers: &[(String, String)]) -> Redactor {
        let mut r = Redactor::default();
        for (name, value) in user_headers {
            r.add(value);
            for word in value.split_whitespace() {
                if !word.eq_ignore_ascii_case("bearer") && !word.eq_ignore_ascii_case("basic") {
                    r.add(word);
                }
            }
            if name.eq_ignore_ascii_case("cookie") {
                for pair in value.split(';') {
                    if let Some((_, v)) = pair.split_once('=') {
                        r.add(v.trim());
                    }
                }
            }
        }
        r
    }

    /// Add one secret value.
    pub fn add(&mut self, secret: &str) {
        let s = secret.trim();
        if s.len() >= MIN_SECRET_LEN && !self.secrets.iter().any(|x| x == s) {
            self.secrets.push(s.to_string());
            // Longest first so a secret containing another is removed whole.
            self.secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
    }

    /// Add the values of cookies a response set.
    pub fn add_set_cookies(&mut self, resp: &Response) {
        for v in resp.headers_named("set-cookie") {
            if let Some((_, val)) = v.split(';').next().unwrap_or("").split_once('=') {
                self.add(val);
            }
        }
    }

    /// `text` with every known secret replaced.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        for s in &self.secrets {
            if out.contains(s.as_str()) {
                out = out.replace(s.as_str(), REDACTED);
            }
        }
        out
    }

    fn finding(&self, f: &mut Finding) {
        f.message = self.redact(&f.message);
        if let Some(s) = &f.snippet {
            f.snippet = Some(self.redact(s));
        }
        if let Some(k) = &f.key {
            f.key = Some(self.redact(k));
        }
        if let Some(l) = &mut f.location {
            l.path = self.redact(&l.path);
        }
    }

    /// Redact every free-text field of a finished report.
    pub fn redact_report(&self, report: &mut Report) {
        report.target = self.redact(&report.target);
        for unit in &mut report.units {
            for c in &mut unit.checks {
                c.summary = self.redact(&c.summary);
                c.findings.iter_mut().for_each(|f| self.finding(f));
            }
        }
        for d in &mut report.diagnostics {
            d.message = self.redact(&d.message);
        }
    }
}

/// A header as it may be shown: secret values replaced, cookie attributes kept.
pub fn show_header(name: &str, value: &str) -> String {
    let lower = name.to_ascii_lowercase();
    if SECRET_HEADERS.contains(&lower.as_str()) {
        return format!("{lower}: {REDACTED}");
    }
    if lower == "set-cookie" {
        let mut parts = value.splitn(2, ';');
        let first = parts.next().unwrap_or("");
        let cookie_name = first.split('=').next().unwrap_or("").trim();
        let attrs = parts.next().map(|a| format!(";{a}")).unwrap_or_default();
        return format!("set-cookie: {cookie_name}={REDACTED}{attrs}");
    }
    format!("{lower}: {value}")
}

/// A short, single-line-safe excerpt of a body.
pub fn excerpt(body: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(body);
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_control() && c != '\n' { '·' } else { c })
        .collect();
    let trimmed = cleaned.trim();
    if trimmed.chars().count() <= max {
        trimmed.to_string()
    } else {
        format!("{}…", trimmed.chars().take(max).collect::<String>())
    }
}

/// Evidence for one exchange: request, status, the named response headers (redacted)
/// and a short body excerpt.
pub fn evidence(ex: &Exchange, headers: &[&str]) -> String {
    let mut out = ex.request.clone();
    for (k, v) in &ex.sent_headers {
        out.push_str(&format!("\n> {}", show_header(k, v)));
    }
    match &ex.result {
        Err(e) => out.push_str(&format!("\n→ {e}")),
        Ok(r) => {
            out.push_str(&format!("\n→ {} {}", r.status, r.reason));
            for name in headers {
                for v in r.headers_named(name) {
                    out.push_str(&format!("\n< {}", show_header(name, v)));
                }
            }
            if !r.body.is_empty() {
                out.push_str(&format!("\n\n{}", excerpt(&r.body, 300)));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_and_their_words_are_removed() {
        let r = Redactor::new(&[
            ("Authorization".into(), "Bearer tok-123456".into()),
            ("Cookie".into(), "sid=abcdef; theme=dark".into()),
        ]);
        let out = r.redact("saw Bearer tok-123456 and tok-123456 and sid=abcdef and dark");
        assert!(
            !out.contains("tok-123456") && !out.contains("abcdef") && !out.contains("dark"),
            "{out}"
        );
    }

    #[test]
    fn cookies_keep_attributes_only() {
        assert_eq!(
            show_header("Set-Cookie", "session=xyz; Secure; HttpOnly"),
            "set-cookie: session=<redacted>; Secure; HttpOnly"
        );
        assert_eq!(
            show_header("Authorization", "Basic abc"),
            "authorization: <redacted>"
        );
        assert_eq!(
            show_header("Content-Type", "text/html"),
            "content-type: text/html"
        );
    }
}
