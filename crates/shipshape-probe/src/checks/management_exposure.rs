//! `probe/management-exposure` ★: no management, debug or secret file is served publicly.

use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck, at};
use crate::observe::{Observations, Response};
use shipshape_model::{Area, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/management-exposure",
    title: "No management or debug endpoint is exposed without authentication",
    area: Area::Security,
    severity: Severity::Critical,
    applies_to: HTTP_SERVICE,
    rationale: "Actuator env/heapdump, pprof, server-status, .env and .git leak credentials, memory contents and source code; they are among the first paths every scanner requests.",
    evaluation: "Requests without credentials to well-known management paths. A path counts only when it answers 2xx with content that looks like the real thing (e.g. `[core]` in .git/config, propertySources in /actuator/env). Fail: any such exposure. Pass: none.",
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
        // An HPROF dump starts with "JAVA PROFILE"; Spring serves it as octet-stream.
        "/actuator/heapdump" => {
            r.body.starts_with(b"JAVA PROFILE")
                || r.body.starts_with(&[0x1f, 0x8b])
                || r.media_type().as_deref() == Some("application/octet-stream")
        }
        "/actuator/threaddump" => t.contains("threadName") || t.contains("\"threads\""),
        "/actuator/configprops" => t.contains("\"contexts\"") || t.contains("prefix"),
        "/debug/pprof/" => t.contains("goroutine") || t.contains("pprof"),
        "/debug/vars" => t.contains("memstats") || t.contains("cmdline"),
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
}
