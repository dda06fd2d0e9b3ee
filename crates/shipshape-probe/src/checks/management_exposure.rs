//! `probe/management-exposure` ★: no management, debug or secret file is served publicly.

use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck, at};
use crate::classify;
use crate::observe::{Observations, Response};
use shipshape_model::{Area, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/management-exposure",
    title: "No management or debug endpoint is exposed without authentication",
    area: Area::Security,
    severity: Severity::Critical,
    applies_to: HTTP_SERVICE,
    rationale: "Actuator env/heapdump, pprof, server-status, .env and .git leak credentials, memory contents and source code; they are among the first paths every scanner requests.",
    evaluation: "Requests without credentials to well-known management paths. A path counts only when it answers 2xx with content that is the real thing (e.g. `[core]` in .git/config, propertySources in /actuator/env, heap-dump magic bytes — HPROF `JAVA PROFILE 1.0.x`, gzip-compressed HPROF or OpenJ9 PHD — at /actuator/heapdump, a gzip-compressed protobuf profile at /debug/pprof/heap, the pprof index page, expvar JSON with memstats at /debug/vars); a content type alone is never evidence. Fail: any such exposure. Pass: none.",
    remediation: "Remove the endpoint from the public listener (separate management port, network policy) or require authentication; never deploy .env or .git with the web root.",
    references: &[
        "https://docs.spring.io/spring-boot/reference/actuator/endpoints.html#actuator.endpoints.security",
        "https://owasp.org/www-project-top-ten/2017/A6_2017-Security_Misconfiguration",
    ],
    needs: &[Phase::Management],
    evaluate,
};

/// Management paths probed, with a test that the content is real.
pub const PATHS: &[&str] = &[
    "/actuator/env",
    "/actuator/heapdump",
    "/actuator/threaddump",
    "/actuator/configprops",
    "/debug/pprof/",
    "/debug/pprof/heap",
    "/debug/vars",
    "/.env",
    "/.git/config",
    "/server-status",
    "/server-info",
    "/phpinfo.php",
    "/_profiler/",
    "/.aws/credentials",
];

fn looks_real(path: &str, r: &Response) -> bool {
    let t = r.body_text();
    match path {
        "/actuator/env" => t.contains("propertySources") || t.contains("activeProfiles"),
        // Evidence is the format, not the content type: HPROF starts with
        // "JAVA PROFILE 1.0.", Spring Boot 1.x gzips it, OpenJ9 writes PHD.
        "/actuator/heapdump" => classify::heap_dump_format(&r.body).is_some(),
        "/actuator/threaddump" => t.contains("threadName") || t.contains("\"threads\""),
        "/actuator/configprops" => t.contains("\"contexts\"") || t.contains("prefix"),
        "/debug/pprof/" => classify::is_pprof_index(&t),
        // A heap profile is gzip-compressed protobuf.
        "/debug/pprof/heap" => classify::is_pprof_profile(&r.body),
        // Go's expvar: a JSON object with the runtime's memstats and cmdline.
        "/debug/vars" => r.json().is_some_and(|v| {
            v.get("memstats").is_some_and(|m| m.is_object())
                || v.get("cmdline").is_some_and(|c| c.is_array())
        }),
        "/.env" => t.lines().any(|l| {
            let l = l.trim();
            l.split_once('=').is_some_and(|(k, _)| {
                !k.is_empty()
                    && k.bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
            })
        }),
        "/.git/config" => t.contains("[core]") || t.contains("[remote "),
        "/server-status" => {
            t.contains("Server uptime")
                || t.contains("Total Accesses")
                || t.contains("Active connections")
        }
        "/server-info" => t.contains("Server Information") || t.contains("Module Name"),
        "/phpinfo.php" => t.contains("phpinfo()") || t.contains("PHP Version"),
        "/_profiler/" => t.contains("Symfony Profiler"),
        "/.aws/credentials" => t.contains("aws_access_key_id"),
        _ => false,
    }
}

fn evaluate(o: &Observations) -> CheckOutcome {
    if o.management.is_empty() {
        return CheckOutcome::error("no management path was requested");
    }
    let mut findings = Vec::new();
    for ex in &o.management {
        let Some(r) = ex.response() else { continue };
        let path = PATHS
            .iter()
            .find(|p| ex.request.ends_with(*p))
            .copied()
            .unwrap_or("");
        if r.is_success() && looks_real(path, r) {
            findings.push(
                at(
                    ex,
                    format!("{path} is served without authentication"),
                    &["content-type"],
                )
                .with_key(path),
            );
        }
    }
    if findings.is_empty() {
        CheckOutcome::pass(format!(
            "none of {} management paths is exposed",
            o.management.len()
        ))
    } else {
        CheckOutcome::fail(format!("{} management path(s) exposed", findings.len()))
            .with_all(findings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use shipshape_model::Outcome;

    #[test]
    fn only_real_content_counts() {
        let mut o = obs();
        o.management = vec![ex(
            "GET /.git/config",
            resp(
                200,
                &[("content-type", "text/html")],
                "<html>welcome</html>",
            ),
        )];
        assert_eq!(evaluate(&o).outcome, Outcome::Pass);
        o.management = vec![ex(
            "GET /.git/config",
            resp(200, &[], "[core]\n\tbare = false"),
        )];
        assert_eq!(evaluate(&o).outcome, Outcome::Fail);
        o.management = vec![ex("GET /.env", resp(200, &[], "DB_PASSWORD=x\n"))];
        assert_eq!(evaluate(&o).outcome, Outcome::Fail);
        // A service answering "OK" to every path is not exposing a heap dump.
        o.management = vec![ex(
            "GET /actuator/heapdump",
            resp(200, &[("content-type", "text/plain")], "OK"),
        )];
        assert_eq!(evaluate(&o).outcome, Outcome::Pass);
    }

    #[test]
    fn octet_stream_without_heap_dump_magic_is_not_a_heap_dump() {
        let mut o = obs();
        o.management = vec![ex(
            "GET /actuator/heapdump",
            resp(
                200,
                &[("content-type", "application/octet-stream")],
                "38 bytes of something that is no dump",
            ),
        )];
        assert_eq!(evaluate(&o).outcome, Outcome::Pass);
        o.management = vec![ex(
            "GET /actuator/heapdump",
            resp(
                200,
                &[("content-type", "application/octet-stream")],
                "JAVA PROFILE 1.0.2\u{0}\u{0}\u{0}\u{4}",
            ),
        )];
        let out = evaluate(&o);
        assert_eq!(out.outcome, Outcome::Fail);
        // A page that merely mentions pprof is not the pprof index.
        o.management = vec![ex(
            "GET /debug/pprof/",
            resp(
                200,
                &[("content-type", "text/html")],
                "<p>see /debug/pprof/ docs</p>",
            ),
        )];
        assert_eq!(evaluate(&o).outcome, Outcome::Pass);
    }
}
