//! `probe/no-stack-traces` ★: no response leaks a stack trace or debug page.

use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck, at};
use crate::observe::Observations;
use regex::RegexSet;
use shipshape_model::{Area, Severity};
use std::sync::LazyLock;

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/no-stack-traces",
    title: "No response leaks a stack trace, SQL error or debug page",
    area: Area::Security,
    severity: Severity::Critical,
    applies_to: HTTP_SERVICE,
    rationale: "Stack traces and debug pages reveal code paths, library versions, file paths and sometimes secrets and SQL, and show that errors are not handled.",
    evaluation: "Every response body of the probe (the error-provoking requests above all) is matched against stack-trace and debug-page signatures of Java, Python, Go, Rust, Node, .NET, Ruby, PHP, SQL drivers and common frameworks. Pass: none. Fail: any.",
    remediation: "Turn off debug mode in production and return a generic error body (problem+json with a correlation id); log the trace server-side.",
    references: &[
        "https://owasp.org/www-community/Improper_Error_Handling",
        "https://cwe.mitre.org/data/definitions/209.html",
    ],
    needs: &[Phase::Malformed],
    evaluate,
};

const SIGNATURES: &[(&str, &str)] = &[
    (
        "Java stack trace",
        r"(?m)^\s*at [\w$]+(\.[\w$<>]+)+\([\w$]+\.(java|kt|scala):\d+\)",
    ),
    (
        "Java exception",
        r"\b(java|javax|jakarta)\.[\w.]+(Exception|Error)\b",
    ),
    ("Python traceback", r"Traceback \(most recent call last\)"),
    ("Go panic", r"(?m)(goroutine \d+ \[[a-z ]+\]:|^panic: )"),
    (
        "Rust panic",
        r"(thread '[^']*' panicked at|stack backtrace:)",
    ),
    (
        "Node stack trace",
        r"(?m)^\s*at .+\((/|[A-Za-z]:\\|node:|file:).+:\d+:\d+\)",
    ),
    (
        ".NET stack trace",
        r"(?m)(^\s*at [\w.<>`]+\(.*\) in .+:line \d+|System\.[\w.]+Exception)",
    ),
    ("Ruby backtrace", r"(?m)\.rb:\d+:in `"),
    (
        "PHP error",
        r"(?i)(Fatal error|Parse error|Warning)</b>:|(?m)^#\d+ /.+\.php\(\d+\)|Stack trace:\s*#0",
    ),
    (
        "SQL error",
        r"(?i)(SQLSTATE\[|syntax error at or near|You have an error in your SQL syntax|ORA-\d{5}|unterminated quoted string|SQLite3?::|psycopg2\.|PG::)",
    ),
    (
        "framework debug page",
        r"(Werkzeug Debugger|Whoops! There was an error|DisallowedHost at|Django Version:|ActionController::RoutingError|Exception Details:|Server Error in '/' Application|Illuminate\\[A-Za-z]+\\)",
    ),
];

static SET: LazyLock<Option<RegexSet>> =
    LazyLock::new(|| RegexSet::new(SIGNATURES.iter().map(|(_, r)| *r)).ok());

/// Names of the signatures found in `text`.
pub(crate) fn leaks(text: &str) -> Vec<&'static str> {
    match SET.as_ref() {
        Some(set) => set.matches(text).iter().map(|i| SIGNATURES[i].0).collect(),
        None => Vec::new(),
    }
}

fn evaluate(o: &Observations) -> CheckOutcome {
    let mut findings = Vec::new();
    for ex in o.all_exchanges() {
        let Some(r) = ex.response() else { continue };
        if r.body.is_empty() {
            continue;
        }
        let found = leaks(&r.body_text());
        if !found.is_empty() {
            findings.push(at(
                ex,
                format!("{} in the response body", found.join(", ")),
                &["content-type"],
            ));
        }
    }
    if findings.is_empty() {
        CheckOutcome::pass("no stack trace or debug output in any response")
    } else {
        CheckOutcome::fail(format!(
            "{} response(s) leak stack traces or debug output",
            findings.len()
        ))
        .with_all(findings.into_iter().take(10))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_compile_and_match() {
        assert!(SET.is_some());
        assert_eq!(
            leaks("Traceback (most recent call last):\n  File \"x.py\""),
            vec!["Python traceback"]
        );
        assert!(leaks("\tat com.acme.Foo.bar(Foo.java:42)\n").contains(&"Java stack trace"));
        assert!(leaks("thread 'main' panicked at src/main.rs:1:1").contains(&"Rust panic"));
        assert!(leaks("{\"type\":\"about:blank\",\"title\":\"Bad Request\"}").is_empty());
    }
}
