//! `probe/csp`: HTML pages carry a Content-Security-Policy that actually stops injected
//! scripts, plugins and framing. Reads the policy's directives; never judges JSON APIs.

use super::pages::{html_pages, no_page_summary};
use super::{CheckOutcome, Phase, ProbeCheck, at};
use crate::observe::{Exchange, Observations, Response};
use shipshape_model::{Area, Finding, Severity};
use std::collections::BTreeSet;

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/csp",
    title: "HTML pages have a Content-Security-Policy that blocks injected scripts and framing",
    area: Area::Security,
    severity: Severity::Medium,
    applies_to: "HTTP services serving HTML (live probe); JSON APIs are not applicable",
    rationale: "A CSP is the browser's second line against cross-site scripting: without one, or with 'unsafe-inline' scripts or any-host sources, one injected tag runs as the site. frame-ancestors (or X-Frame-Options) stops clickjacking.",
    evaluation: "Every 2xx HTML response among the base URL, the directory paths and the health endpoints; several enforced policies are intersected (a weakness counts only when every policy has it); Content-Security-Policy-Report-Only is not enforcement. Fail: no enforced policy; no script-src nor default-src; 'unsafe-inline' scripts without a nonce or hash; `*`, `http:`, `https:`, `data:` or http:// sources for scripts (ignored under 'strict-dynamic' with a nonce or hash). Warn: 'unsafe-eval'; no default-src; plugins (object-src) unrestricted; neither frame-ancestors nor X-Frame-Options. Not applicable: no HTML page (APIs need no CSP).",
    remediation: "Send e.g. `Content-Security-Policy: default-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'` and move inline scripts to files or give them a nonce (`script-src 'nonce-…' 'strict-dynamic'`).",
    references: &[
        "https://developer.mozilla.org/en-US/docs/Web/HTTP/CSP",
        "https://www.w3.org/TR/CSP3/",
        "https://developer.mozilla.org/en-US/observatory/docs/tests_and_scoring",
    ],
    needs: &[Phase::Basics],
    evaluate,
};

/// One policy: directive name (lowercase) → its source expressions (as sent; keywords
/// compared case-insensitively). The first occurrence of a directive wins, as in browsers.
type Policy = Vec<(String, Vec<String>)>;

pub(crate) fn parse_policies(values: &[&str]) -> Vec<Policy> {
    let mut out = Vec::new();
    for v in values {
        // One header line may join several policies with commas.
        for serialized in v.split(',') {
            let mut p: Policy = Vec::new();
            for directive in serialized.split(';') {
                let mut words = directive.split_ascii_whitespace();
                let Some(name) = words.next() else { continue };
                let name = name.to_ascii_lowercase();
                if p.iter().any(|(n, _)| *n == name) {
                    continue;
                }
                p.push((name, words.map(str::to_string).collect()));
            }
            if !p.is_empty() {
                out.push(p);
            }
        }
    }
    out
}

fn directive<'a>(p: &'a Policy, name: &str) -> Option<&'a [String]> {
    p.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_slice())
}

fn has(sources: &[String], keyword: &str) -> bool {
    sources.iter().any(|s| s.eq_ignore_ascii_case(keyword))
}

fn nonce_or_hash(sources: &[String]) -> bool {
    sources.iter().any(|s| {
        let s = s.to_ascii_lowercase();
        ["'nonce-", "'sha256-", "'sha384-", "'sha512-"]
            .iter()
            .any(|p| s.starts_with(p))
    })
}

/// Sources that let scripts come from anywhere, or over plain http.
fn open_sources(sources: &[String]) -> Vec<String> {
    sources
        .iter()
        .filter(|s| {
            let l = s.to_ascii_lowercase();
            l == "*" || l == "http:" || l == "https:" || l == "data:" || l.starts_with("http://")
        })
        .cloned()
        .collect()
}

/// What a policy lets through; each weakness is stated as the sentence shown.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Weakness {
    // Failures: the policy does not stop an injected script.
    NoScriptDirective,
    UnsafeInline,
    OpenScriptSources(String),
    // Warnings.
    UnsafeEval,
    NoDefaultSrc,
    PluginsOpen,
    NoFrameAncestors,
}

impl Weakness {
    fn fails(&self) -> bool {
        matches!(
            self,
            Weakness::NoScriptDirective | Weakness::UnsafeInline | Weakness::OpenScriptSources(_)
        )
    }

    fn sentence(&self) -> String {
        match self {
            Weakness::NoScriptDirective => {
                "neither script-src nor default-src: scripts are not restricted".into()
            }
            Weakness::UnsafeInline => {
                "script-src allows 'unsafe-inline' without a nonce or hash: injected inline scripts run".into()
            }
            Weakness::OpenScriptSources(s) => {
                format!("scripts may load from {s}: any host (or plain http) can serve them")
            }
            Weakness::UnsafeEval => "script-src allows 'unsafe-eval' (eval of strings)".into(),
            Weakness::NoDefaultSrc => {
                "no default-src: resource types without their own directive are unrestricted"
                    .into()
            }
            Weakness::PluginsOpen => {
                "plugins are not restricted (object-src 'none' missing, and default-src does not restrict them)".into()
            }
            Weakness::NoFrameAncestors => {
                "neither frame-ancestors nor X-Frame-Options: any site may frame the page (clickjacking)".into()
            }
        }
    }
}

fn weaknesses(p: &Policy, xfo: bool) -> BTreeSet<Weakness> {
    let mut w = BTreeSet::new();
    let default = directive(p, "default-src");
    match directive(p, "script-src").or(default) {
        None => {
            w.insert(Weakness::NoScriptDirective);
        }
        Some(s) => {
            let keyed = nonce_or_hash(s);
            // CSP3: with a nonce or hash, 'unsafe-inline' is ignored; with
            // 'strict-dynamic' as well, host and scheme sources are ignored.
            if has(s, "'unsafe-inline'") && !keyed {
                w.insert(Weakness::UnsafeInline);
            }
            let open = open_sources(s);
            let ignored = keyed && has(s, "'strict-dynamic'");
            if !open.is_empty() && !ignored {
                w.insert(Weakness::OpenScriptSources(open.join(" ")));
            }
            if has(s, "'unsafe-eval'") {
                w.insert(Weakness::UnsafeEval);
            }
        }
    }
    if default.is_none() {
        w.insert(Weakness::NoDefaultSrc);
    }
    let plugins_closed = directive(p, "object-src")
        .or(default)
        .is_some_and(|s| open_sources(s).is_empty());
    if !plugins_closed {
        w.insert(Weakness::PluginsOpen);
    }
    if directive(p, "frame-ancestors").is_none() && !xfo {
        w.insert(Weakness::NoFrameAncestors);
    }
    w
}

const SHOWN: &[&str] = &[
    "content-type",
    "content-security-policy",
    "content-security-policy-report-only",
    "x-frame-options",
];

fn judge(ex: &Exchange, r: &Response, fails: &mut Vec<Finding>, warns: &mut Vec<Finding>) {
    let enforced: Vec<&str> = r.headers_named("content-security-policy").collect();
    let xfo = r.header("x-frame-options").is_some_and(|v| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "deny" | "sameorigin"
        )
    });
    let policies = parse_policies(&enforced);
    if policies.is_empty() {
        let why = if r.header("content-security-policy-report-only").is_some() {
            "HTML page with only Content-Security-Policy-Report-Only (reports, does not block)"
        } else {
            "HTML page without Content-Security-Policy"
        };
        fails.push(at(ex, why, SHOWN).with_key(format!("missing {}", ex.request)));
        if !xfo {
            warns.push(
                at(ex, Weakness::NoFrameAncestors.sentence(), SHOWN)
                    .with_key(format!("frame {}", ex.request)),
            );
        }
        return;
    }
    // Every enforced policy must allow a load: a weakness is real only in all of them.
    let mut common = weaknesses(&policies[0], xfo);
    for p in &policies[1..] {
        let w = weaknesses(p, xfo);
        common.retain(|x| w.contains(x));
    }
    for w in common {
        let f = at(ex, w.sentence(), SHOWN).with_key(format!("{w:?} {}", ex.request));
        if w.fails() {
            fails.push(f);
        } else {
            warns.push(f);
        }
    }
}

fn evaluate(o: &Observations) -> CheckOutcome {
    let pages = html_pages(o);
    if pages.is_empty() {
        return CheckOutcome::na(no_page_summary(o));
    }
    let (mut fails, mut warns) = (Vec::new(), Vec::new());
    let mut failing = 0;
    for ex in &pages {
        if let Some(r) = ex.response() {
            let before = fails.len();
            judge(ex, r, &mut fails, &mut warns);
            failing += usize::from(fails.len() > before);
        }
    }
    let n = pages.len();
    if !fails.is_empty() {
        CheckOutcome::fail(format!(
            "{failing} of {n} HTML page(s) not protected against injected scripts: {}",
            fails[0].message
        ))
        .with_all(fails)
        .with_all(warns)
    } else if !warns.is_empty() {
        CheckOutcome::warn(format!(
            "CSP on {n} HTML page(s) with {} weakness(es): {}",
            warns.len(),
            warns[0].message
        ))
        .with_all(warns)
    } else {
        CheckOutcome::pass(format!(
            "{n} HTML page(s) carry a CSP restricting scripts, plugins and framing"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use shipshape_model::Outcome;

    fn page(headers: &[(&str, &str)]) -> Observations {
        let mut h = vec![("content-type", "text/html; charset=utf-8")];
        h.extend_from_slice(headers);
        let mut o = obs();
        o.root = ex("GET /", resp(200, &h, "<html></html>"));
        o
    }

    fn outcome(headers: &[(&str, &str)]) -> CheckOutcome {
        evaluate(&page(headers))
    }

    const CSP: &str = "content-security-policy";

    #[test]
    fn json_api_without_csp_is_not_applicable() {
        let o = obs();
        let out = evaluate(&o);
        assert_eq!(out.outcome, Outcome::NotApplicable, "{}", out.summary);
        assert!(out.summary.contains("application/json"), "{}", out.summary);
    }

    #[test]
    fn html_without_csp_fails_and_names_framing() {
        let out = outcome(&[]);
        assert_eq!(out.outcome, Outcome::Fail);
        assert!(
            out.findings
                .iter()
                .any(|f| f.message.contains("clickjacking"))
        );
    }

    #[test]
    fn report_only_policy_is_not_enforcement() {
        let out = outcome(&[("content-security-policy-report-only", "default-src 'self'")]);
        assert_eq!(out.outcome, Outcome::Fail);
        assert!(out.summary.contains("Report-Only"), "{}", out.summary);
    }

    #[test]
    fn strict_policy_passes() {
        let out = outcome(&[(
            CSP,
            "default-src 'self'; object-src 'none'; frame-ancestors 'none'",
        )]);
        assert_eq!(out.outcome, Outcome::Pass, "{:?}", out.findings);
    }

    #[test]
    fn unsafe_inline_scripts_fail_unless_a_nonce_is_given() {
        let out = outcome(&[(
            CSP,
            "default-src 'self'; script-src 'self' 'unsafe-inline'; frame-ancestors 'self'",
        )]);
        assert_eq!(out.outcome, Outcome::Fail);
        assert!(out.summary.contains("unsafe-inline"), "{}", out.summary);
        let out = outcome(&[(
            CSP,
            "default-src 'self'; script-src 'nonce-abc' 'unsafe-inline' 'strict-dynamic' https:; frame-ancestors 'self'",
        )]);
        assert_eq!(out.outcome, Outcome::Pass, "{:?}", out.findings);
    }

    #[test]
    fn unsafe_inline_in_style_only_passes() {
        let out = outcome(&[(
            CSP,
            "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
        )]);
        assert_eq!(out.outcome, Outcome::Pass, "{:?}", out.findings);
    }

    #[test]
    fn any_host_script_sources_fail() {
        for src in ["*", "https:", "http://cdn.example.com", "data:"] {
            let out = outcome(&[(
                CSP,
                &format!("default-src 'self'; script-src {src}; frame-ancestors 'none'"),
            )]);
            assert_eq!(out.outcome, Outcome::Fail, "{src}");
        }
        let out = outcome(&[(CSP, "default-src *; frame-ancestors 'none'")]);
        assert_eq!(out.outcome, Outcome::Fail);
    }

    #[test]
    fn missing_script_and_default_src_fails() {
        let out = outcome(&[(CSP, "frame-ancestors 'none'")]);
        assert_eq!(out.outcome, Outcome::Fail);
        assert!(
            out.summary.contains("scripts are not restricted"),
            "{}",
            out.summary
        );
    }

    #[test]
    fn unsafe_eval_open_plugins_and_no_framing_warn() {
        let out = outcome(&[(CSP, "script-src 'self' 'unsafe-eval'")]);
        assert_eq!(out.outcome, Outcome::Warn, "{:?}", out.findings);
        let text: Vec<&str> = out.findings.iter().map(|f| f.message.as_str()).collect();
        for want in ["unsafe-eval", "no default-src", "plugins", "clickjacking"] {
            assert!(text.iter().any(|t| t.contains(want)), "{want}: {text:?}");
        }
    }

    #[test]
    fn x_frame_options_stands_in_for_frame_ancestors() {
        let out = outcome(&[(CSP, "default-src 'self'"), ("x-frame-options", "DENY")]);
        assert_eq!(out.outcome, Outcome::Pass, "{:?}", out.findings);
    }

    #[test]
    fn two_policies_are_intersected() {
        // The second policy blocks inline scripts: the page is protected.
        let out = outcome(&[
            (CSP, "script-src 'self' 'unsafe-inline'"),
            (CSP, "default-src 'self'; frame-ancestors 'none'"),
        ]);
        assert_eq!(out.outcome, Outcome::Pass, "{:?}", out.findings);
        // Comma-joined in one header line: the same.
        let out = outcome(&[(
            CSP,
            "script-src 'self' 'unsafe-inline', default-src 'self'; frame-ancestors 'none'",
        )]);
        assert_eq!(out.outcome, Outcome::Pass, "{:?}", out.findings);
    }

    #[test]
    fn first_occurrence_of_a_directive_wins() {
        let out = outcome(&[(
            CSP,
            "default-src 'self'; script-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'",
        )]);
        assert_eq!(out.outcome, Outcome::Fail);
    }
}
