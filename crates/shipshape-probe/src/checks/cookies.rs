//! `probe/cookies`: session cookies carry Secure, HttpOnly and SameSite.

use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck, at};
use crate::observe::Observations;
use shipshape_model::{Area, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/cookies",
    title: "Session cookies are Secure, HttpOnly and SameSite",
    area: Area::Security,
    severity: Severity::High,
    applies_to: HTTP_SERVICE,
    rationale: "A session cookie readable by scripts is stolen by any XSS; one without Secure leaks over plain http; one without SameSite rides cross-site requests (CSRF).",
    evaluation: "Every Set-Cookie seen whose name looks like a session (session, sid, auth, token, jwt, JSESSIONID, PHPSESSID, connect.sid…). Pass: HttpOnly and SameSite (and Secure on https targets) on each, or no session cookie. Fail: one lacks them.",
    remediation: "Set the session cookie with `Secure; HttpOnly; SameSite=Lax` (or Strict) in the framework's session configuration.",
    references: &[
        "https://developer.mozilla.org/en-US/docs/Web/HTTP/Cookies#security",
        "https://owasp.org/www-community/controls/SecureCookieAttribute",
    ],
    needs: &[Phase::Basics],
    evaluate,
};

fn is_session(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "sess",
        "sid",
        "auth",
        "token",
        "jwt",
        "login",
        "remember",
        "connect.sid",
    ]
    .iter()
    .any(|k| n.contains(k))
}

fn evaluate(o: &Observations) -> CheckOutcome {
    let mut fails = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for ex in o.all_exchanges() {
        let Some(r) = ex.response() else { continue };
        for sc in r.headers_named("set-cookie") {
            let name = sc.split('=').next().unwrap_or("").trim().to_string();
            if !is_session(&name) || !seen.insert(name.clone()) {
                continue;
            }
            let attrs: Vec<String> = sc
                .split(';')
                .skip(1)
                .map(|a| a.trim().to_ascii_lowercase())
                .collect();
            let has = |a: &str| {
                attrs
                    .iter()
                    .any(|x| x == a || x.starts_with(&format!("{a}=")))
            };
            let mut missing = Vec::new();
            if !has("httponly") {
                missing.push("HttpOnly");
            }
            if !has("samesite") {
                missing.push("SameSite");
            }
            if o.target.https && !has("secure") {
                missing.push("Secure");
            }
            if !missing.is_empty() {
                fails.push(
                    at(
                        ex,
                        format!("session cookie `{name}` lacks {}", missing.join(", ")),
                        &["set-cookie"],
                    )
                    .with_key(name),
                );
            }
        }
    }
    if seen.is_empty() {
        CheckOutcome::pass("no session cookie was set")
    } else if fails.is_empty() {
        CheckOutcome::pass(format!(
            "{} session cookie(s) carry the required attributes",
            seen.len()
        ))
    } else {
        CheckOutcome::fail(format!(
            "{} session cookie(s) lack security attributes",
            fails.len()
        ))
        .with_all(fails)
    }
}
