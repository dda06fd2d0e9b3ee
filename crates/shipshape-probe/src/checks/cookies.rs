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
    evaluation: "Every Set-Cookie seen. Session cookies (names with session, sid, auth, token, jwt, JSESSIONID, PHPSESSID, connect.sid…): Pass with HttpOnly and SameSite (and Secure on https targets), Fail when one lacks them. Any cookie: Fail when browsers reject it (SameSite=None without Secure; __Secure- without Secure; __Host- without Secure, Path=/ or with Domain); Warn when an https target sets it without Secure. Pass: no session cookie and nothing else wrong.",
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

/// Why browsers drop or weaken any cookie (session or not), whatever its name:
/// `SameSite=None` needs `Secure`; `__Secure-` needs `Secure`; `__Host-` needs
/// `Secure`, `Path=/` and no `Domain`.
fn rejected_by_browsers(name: &str, attrs: &[String]) -> Option<&'static str> {
    let has = |a: &str| {
        attrs
            .iter()
            .any(|x| x == a || x.starts_with(&format!("{a}=")))
    };
    let secure = has("secure");
    if attrs.iter().any(|a| a.replace(' ', "") == "samesite=none") && !secure {
        return Some("SameSite=None without Secure: browsers reject the cookie");
    }
    if name.starts_with("__Secure-") && !secure {
        return Some("the __Secure- prefix without Secure: browsers reject the cookie");
    }
    if name.starts_with("__Host-")
        && (!secure || has("domain") || !attrs.iter().any(|a| a.replace(' ', "") == "path=/"))
    {
        return Some(
            "the __Host- prefix needs Secure, Path=/ and no Domain: browsers reject the cookie",
        );
    }
    None
}

fn evaluate(o: &Observations) -> CheckOutcome {
    let mut fails = Vec::new();
    let mut warns = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut all = std::collections::BTreeSet::new();
    for ex in o.all_exchanges() {
        let Some(r) = ex.response() else { continue };
        for sc in r.headers_named("set-cookie") {
            let name = sc.split('=').next().unwrap_or("").trim().to_string();
            let attrs: Vec<String> = sc
                .split(';')
                .skip(1)
                .map(|a| a.trim().to_ascii_lowercase())
                .collect();
            if all.insert(name.clone()) {
                if let Some(why) = rejected_by_browsers(&name, &attrs) {
                    fails.push(
                        at(ex, format!("cookie `{name}`: {why}"), &["set-cookie"])
                            .with_key(format!("rejected {name}")),
                    );
                } else if o.target.https
                    && !is_session(&name)
                    && !attrs.iter().any(|a| a == "secure")
                {
                    // Observatory's rule: every cookie of an https site is Secure.
                    warns.push(
                        at(
                            ex,
                            format!(
                                "cookie `{name}` lacks Secure: it is also sent over plain http"
                            ),
                            &["set-cookie"],
                        )
                        .with_key(format!("insecure {name}")),
                    );
                }
            }
            if !is_session(&name) || !seen.insert(name.clone()) {
                continue;
            }
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
    if !fails.is_empty() {
        CheckOutcome::fail(format!(
            "{} cookie(s) lack security attributes or are rejected by browsers",
            fails.len()
        ))
        .with_all(fails)
        .with_all(warns)
    } else if !warns.is_empty() {
        CheckOutcome::warn(format!(
            "{} cookie(s) of an https site lack Secure",
            warns.len()
        ))
        .with_all(warns)
    } else if seen.is_empty() {
        CheckOutcome::pass(if all.is_empty() {
            "no session cookie was set".to_string()
        } else {
            format!(
                "no session cookie was set ({} other cookie(s) are well formed)",
                all.len()
            )
        })
    } else {
        CheckOutcome::pass(format!(
            "{} session cookie(s) carry the required attributes",
            seen.len()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::target::Target;
    use shipshape_model::Outcome;

    fn cookies(https: bool, set: &[&str]) -> CheckOutcome {
        let mut o = obs();
        if https {
            o.target = Target::parse("https://127.0.0.1:8443").unwrap();
        }
        let h: Vec<(&str, &str)> = set.iter().map(|c| ("set-cookie", *c)).collect();
        o.root = ex("GET /", resp(200, &h, "{}"));
        evaluate(&o)
    }

    #[test]
    fn cookies_browsers_reject_fail_whatever_their_name() {
        assert_eq!(
            cookies(false, &["theme=dark; SameSite=None"]).outcome,
            Outcome::Fail
        );
        assert_eq!(
            cookies(false, &["__Secure-x=1; Path=/"]).outcome,
            Outcome::Fail
        );
        assert_eq!(
            cookies(true, &["__Host-x=1; Secure; Path=/; Domain=example.com"]).outcome,
            Outcome::Fail
        );
        assert_eq!(
            cookies(true, &["__Host-x=1; Secure; Path=/"]).outcome,
            Outcome::Pass
        );
    }

    #[test]
    fn non_session_cookie_without_secure_warns_on_https_only() {
        assert_eq!(
            cookies(true, &["theme=dark; Path=/"]).outcome,
            Outcome::Warn
        );
        assert_eq!(
            cookies(false, &["theme=dark; Path=/"]).outcome,
            Outcome::Pass
        );
        assert_eq!(
            cookies(true, &["sid=1; Secure; HttpOnly; SameSite=Lax"]).outcome,
            Outcome::Pass
        );
        assert_eq!(
            cookies(true, &["sid=1; HttpOnly; SameSite=Lax"]).outcome,
            Outcome::Fail
        );
    }
}
