//! `security/tls-verification-enabled`: code and scripts never switch off certificate verification.

use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::FileKind;
use shipshape_facts::signals::SignalKind;
use shipshape_model::{Area, Finding, Location, Severity};
use std::collections::HashMap;

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "security/tls-verification-enabled",
        title: "TLS certificate verification is never disabled",
        area: Area::Security,
        severity: Severity::High,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "units with code, CI definitions, Dockerfiles or build scripts",
        rationale: "Turning off certificate verification makes TLS worthless: anyone on the path can impersonate the server and read or change the traffic. It is usually added \"temporarily\" to get past a self-signed certificate and never removed.",
        evaluation: "Uses the signals recorded during the walk in the unit's non-test source code, CI definitions, Makefiles/justfiles and Dockerfiles: `verify=False`, `InsecureSkipVerify: true`, `rejectUnauthorized: false`, `danger_accept_invalid_certs(true)`/`danger_accept_invalid_hostnames(true)`, `NODE_TLS_REJECT_UNAUTHORIZED=0`, the unverified-context helper (`_create_unverified_context`), `ssl.CERT_NONE`, `check_hostname = False`, `SSL_VERIFY_NONE`, trust-all managers/hostname verifiers, .NET validation callbacks returning true, `curl -k/--insecure` and `wget --no-check-certificate`. In files whose text is kept (CI, Dockerfiles, Makefiles), a `curl -k`/`wget` line aimed only at localhost/127.0.0.1 is not counted. Fails with one finding per occurrence (file:line and the matched text); passes when none is found; `n/a` when the unit has no code or scripts.",
        remediation: "Remove the override and trust the right CA instead: add the internal CA to the trust store (SSL_CERT_FILE, REQUESTS_CA_BUNDLE, NODE_EXTRA_CA_CERTS, a custom RootCAs pool, `add_root_certificate`), or use a certificate the client already trusts.",
        references: &[
            "https://cwe.mitre.org/data/definitions/295.html",
            "https://owasp.org/www-community/vulnerabilities/Improper_Certificate_Validation",
        ],
    },
    run,
};

fn local_only(line: &str) -> bool {
    let l = line.to_ascii_lowercase();
    let local = l.contains("://localhost") || l.contains("://127.0.0.1") || l.contains("://[::1]");
    local
        && !l
            .replace("://localhost", "")
            .replace("://127.0.0.1", "")
            .replace("://[::1]", "")
            .contains("://")
}

fn run(ctx: &Ctx) -> Verdict {
    let has_code = ctx.files().any(|f| {
        matches!(
            f.kind,
            FileKind::Source(_) | FileKind::Ci(_) | FileKind::Makefile | FileKind::Dockerfile
        )
    }) || !ctx.ci_files().is_empty();
    if !has_code {
        return Verdict::not_applicable("no code, CI definitions or build scripts in the unit");
    }
    let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
    let mut findings = Vec::new();
    for s in ctx.signals(SignalKind::TlsVerifyDisabled) {
        if let Some(text) = ctx.text(&s.path) {
            let line = text
                .lines()
                .nth(s.line.saturating_sub(1) as usize)
                .unwrap_or("");
            if local_only(line) {
                continue;
            }
        }
        let n = seen.entry((s.path.as_str(), s.text.as_str())).or_insert(0);
        *n += 1;
        findings.push(
            Finding::at(
                Location::line(&s.path, s.line),
                "certificate verification disabled",
            )
            .with_snippet(s.text.clone())
            .with_key(format!("{}#{}", s.text, n)),
        );
    }
    if findings.is_empty() {
        Verdict::pass("no disabled certificate verification found outside tests")
    } else {
        Verdict::fail(
            format!(
                "certificate verification disabled in {} place(s)",
                findings.len()
            ),
            findings,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    #[test]
    fn flags_each_occurrence_outside_tests() {
        let py = "import requests\n\ndef get(u):\n    return requests.get(u, verify=False)\n";
        let go = "package x\nvar c = &tls.Config{InsecureSkipVerify: true}\n";
        let v = run_on_files(
            &CHECK,
            &[
                ("app/client.py", py),
                ("pkg/tls.go", go),
                ("tests/test_client.py", py),
            ],
        );
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings.len(), 2);
        let loc = v.findings[0].location.as_ref().unwrap();
        assert_eq!((loc.path.as_str(), loc.line), ("app/client.py", Some(4)));
        assert_eq!(v.findings[0].snippet.as_deref(), Some("verify=False"));
    }

    #[test]
    fn curl_insecure_in_ci_but_not_against_localhost() {
        let wf = "on: push\njobs:\n  d:\n    steps:\n      - run: curl -k https://deploy.example.com/hook\n      - run: curl -k https://localhost:8443/healthz\n";
        let v = run_on_files(&CHECK, &[(".github/workflows/deploy.yml", wf)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings.len(), 1);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(5));
        let ok = run_on_files(
            &CHECK,
            &[(
                "src/main.rs",
                "fn main() { let c = reqwest::Client::new(); }\n",
            )],
        );
        assert_eq!(ok.outcome, Outcome::Pass);
        assert_eq!(
            run_on_files(&CHECK, &[("README.md", "x")]).outcome,
            Outcome::NotApplicable
        );
    }
}
