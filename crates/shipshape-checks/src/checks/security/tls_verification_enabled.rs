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
        evaluation: "Uses the signals recorded during the walk in the unit's non-test source code, CI definitions, Makefiles/justfiles and Dockerfiles: `verify=False`, `InsecureSkipVerify: true`, `rejectUnauthorized: false`, `danger_accept_invalid_certs(true)`/`danger_accept_invalid_hostnames(true)`, `NODE_TLS_REJECT_UNAUTHORIZED=0`, the unverified-context helper (`_create_unverified_context`), `ssl.CERT_NONE`, `check_hostname = False`, `SSL_VERIFY_NONE`, trust-all managers/hostname verifiers, .NET validation callbacks returning true, `curl -k/--insecure` and `wget --no-check-certificate`; in the unit's production YAML configuration, `verify_peer: false` or `verify_host: false` (Symfony's HTTP client options). Tests, examples and development tooling (e2e harnesses, Go files that import `testing`) are not judged. In files whose text is kept (CI, Dockerfiles, Makefiles), a `curl -k`/`wget` line aimed only at localhost/127.0.0.1 or only at plain-http URLs (also through a variable the file sets: `KESTRA_URL=http://localhost:8080`) is not counted, nor is a script an image's HEALTHCHECK runs, nor the source file of the program's own command it runs (`HEALTHCHECK CMD ./fider ping` → `ping.go`) or of a health checker it runs (`CMD extra/healthcheck` → `healthcheck.go`): they call the container itself. In Go, Python, JavaScript/TypeScript, Java, C#, Rust, Ruby and PHP the match must be code (not a comment or string), and a literal under a condition on a configuration name (`if opt.Insecure { ... }`, `... if args.insecure else ...`, a `case \"tls_insecure_skip_verify\":` of a configuration parser) is the operator's opt-in, not a default. Fails with one finding per unconditional occurrence (file:line and the matched text); passes when none is found, listing the opt-in places as findings when there are any; `n/a` when the unit has no code or scripts.",
        remediation: "Remove the override and trust the right CA instead: add the internal CA to the trust store (SSL_CERT_FILE, REQUESTS_CA_BUNDLE, NODE_EXTRA_CA_CERTS, a custom RootCAs pool, `add_root_certificate`), or use a certificate the client already trusts.",
        references: &[
            "https://cwe.mitre.org/data/definitions/295.html",
            "https://owasp.org/www-community/vulnerabilities/Improper_Certificate_Validation",
        ],
    },
    run,
};

/// `$NAME`, `$$NAME` (make) and `${NAME}` in `line` replaced by the value `text` (the
/// same file) gives the name first (`NAME=value`, `NAME: value`), when it does: kestra's
/// `curl -k … $$KESTRA_URL` after `KESTRA_URL=http://localhost:8080`.
fn with_file_variables(text: &str, line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = rest[i..].trim_start_matches('$');
        let (name, tail) = match after.strip_prefix('{') {
            Some(b) => match b.split_once('}') {
                Some((n, t)) => (n, t),
                None => ("", after),
            },
            None => {
                let end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..end], &after[end..])
            }
        };
        let value = (!name.is_empty())
            .then(|| {
                text.lines().find_map(|l| {
                    let t = l.trim_start().trim_start_matches("export ");
                    let v = t.strip_prefix(name)?;
                    let v = v.strip_prefix('=').or_else(|| v.strip_prefix(':'))?;
                    let v = v.trim().trim_end_matches(['\\', ';']).trim();
                    Some(v.trim_matches(['"', '\'']).to_string())
                })
            })
            .flatten();
        match value {
            Some(v) => out.push_str(&v),
            None => out.push_str(&rest[i..rest.len() - tail.len()]),
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// The command's URLs go only to this machine, or only over plain http (where there is
/// no certificate to verify).
fn local_only(line: &str) -> bool {
    let l = line.to_ascii_lowercase();
    if l.contains("http://") && !l.contains("https://") && !l.contains("ftps://") {
        return true;
    }
    let local = l.contains("://localhost") || l.contains("://127.0.0.1") || l.contains("://[::1]");
    local
        && !l
            .replace("://localhost", "")
            .replace("://127.0.0.1", "")
            .replace("://[::1]", "")
            .contains("://")
}

/// Keys of application configuration (YAML) that switch verification off when false:
/// PHP's stream and cURL options as Symfony's HTTP client takes them
/// (`framework.http_client.scoped_clients.x.verify_peer: false`: wallabag's client that
/// posts users' site credentials).
const YAML_VERIFY_KEYS: &[&str] = &["verify_peer", "verify_host"];

/// `verify_peer: false` and the like in the unit's production YAML configuration (not
/// CI definitions, Kubernetes manifests or Helm values: what those switch off is judged
/// where they are deployed).
fn yaml_config_overrides(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for f in ctx
        .files()
        .filter(|f| f.kind == FileKind::Yaml && ctx.is_deployed(&f.path))
    {
        let Some(Ok(docs)) = ctx.facts.yaml(&f.path) else {
            continue;
        };
        for doc in docs.iter() {
            doc.walk(&mut |node| {
                for (key, value) in node.entries() {
                    if YAML_VERIFY_KEYS.contains(&key.as_str()) && value.as_bool() == Some(false) {
                        out.push(
                            Finding::at(
                                Location::line(&f.path, value.key_line.max(value.line)),
                                "certificate verification disabled in configuration",
                            )
                            .with_snippet(format!("{key}: false"))
                            .with_key(format!("{key}: false#{}", out.len() + 1)),
                        );
                    }
                }
            });
        }
    }
    out
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
    // The scripts an image's HEALTHCHECK runs call the container itself, and so does the
    // program's own health command it runs (fider's `./fider ping`, in `cmd/ping.go`).
    let healthchecks: Vec<String> = ctx
        .dockerfiles()
        .flat_map(|d| d.healthcheck_scripts())
        .collect();
    let health_commands: Vec<String> = ctx
        .dockerfiles()
        .flat_map(|d| [d.healthcheck_subcommand(), d.healthcheck_program()])
        .flatten()
        .collect();
    let is_health_command = |path: &str| {
        let name = path.rsplit('/').next().unwrap_or(path);
        let stem = name.split('.').next().unwrap_or(name);
        matches!(
            ctx.facts.file(path).map(|f| f.kind),
            Some(FileKind::Source(_))
        ) && health_commands.iter().any(|c| c == stem)
    };
    let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
    let (mut findings, mut opt_ins) = (Vec::new(), Vec::new());
    for s in ctx.signals(SignalKind::TlsVerifyDisabled) {
        // Tests, examples and development tooling (an e2e harness against a local stack)
        // are not what ships.
        if !ctx.facts.role_at(&s.path, s.line).is_production() {
            continue;
        }
        if healthchecks
            .iter()
            .any(|h| s.path == *h || s.path.ends_with(&format!("/{h}")))
            || is_health_command(&s.path)
        {
            continue;
        }
        if let Some(text) = ctx.text(&s.path) {
            let line = text
                .lines()
                .nth(s.line.saturating_sub(1) as usize)
                .unwrap_or("");
            if local_only(&with_file_variables(text, line)) {
                continue;
            }
        }
        let n = seen.entry((s.path.as_str(), s.text.as_str())).or_insert(0);
        *n += 1;
        let (list, message) = match &s.opt_in {
            // The operator asked for it (a flag, a configuration directive): their call.
            Some(cond) => (
                &mut opt_ins,
                format!(
                    "certificate verification disabled only on the operator's request (`{cond}`)"
                ),
            ),
            None => (
                &mut findings,
                "certificate verification disabled".to_string(),
            ),
        };
        list.push(
            Finding::at(Location::line(&s.path, s.line), message)
                .with_snippet(s.text.clone())
                .with_key(format!("{}#{}", s.text, n)),
        );
    }
    findings.extend(yaml_config_overrides(ctx));
    if !findings.is_empty() {
        let also = if opt_ins.is_empty() {
            String::new()
        } else {
            format!(
                ", and in {} more only on the operator's request",
                opt_ins.len()
            )
        };
        Verdict::fail(
            format!(
                "certificate verification disabled in {} place(s){also}",
                findings.len()
            ),
            findings,
        )
    } else if !opt_ins.is_empty() {
        Verdict::pass_with(
            format!(
                "certificate verification is disabled only when the operator opts in ({} place(s))",
                opt_ins.len()
            ),
            opt_ins,
        )
    } else {
        Verdict::pass("no disabled certificate verification found outside tests")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    /// Regression (wallabag/wallabag, #13): its Symfony HTTP client for paywalled sites
    /// sets `verify_peer: false` and `verify_host: false` in `app/config/config.yml`,
    /// unseen by a scan of code only. The same keys in test configuration, or true, pass.
    #[test]
    fn yaml_configuration_switching_verification_off_fails() {
        let cfg = "framework:\n  http_client:\n    scoped_clients:\n      browser.client:\n        base_uri: https://x\n        verify_peer: false\n        verify_host: false\n";
        let php = ("src/Kernel.php", "<?php\nclass Kernel {}\n");
        let v = run_on_files(&CHECK, &[php, ("app/config/config.yml", cfg)]);
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
        let lines: Vec<_> = v
            .findings
            .iter()
            .map(|f| f.location.as_ref().unwrap().line)
            .collect();
        assert_eq!(lines, [Some(6), Some(7)]);
        let on = cfg.replace("false", "true");
        let v = run_on_files(&CHECK, &[php, ("app/config/config.yml", &on)]);
        assert_eq!(v.outcome, Outcome::Pass);
        let v = run_on_files(&CHECK, &[php, ("tests/config/config.yml", cfg)]);
        assert_eq!(v.outcome, Outcome::Pass);
    }

    /// Four false critical failures of the ecosystem check: getfider/fider's `ping`
    /// command (the image's `HEALTHCHECK CMD ./fider ping` probing itself), fider's e2e
    /// harness (`e2e/_init_.ts`), caddy's `caddytest` helper (imports `testing`), and
    /// kestra's `curl -k … $$KESTRA_URL` with `KESTRA_URL=http://localhost:8080`.
    #[test]
    fn self_probes_harnesses_and_plain_http_curls_are_not_judged() {
        let ping = "package cmd\n\nfunc RunPing() int {\n\tif env.Config.TLS.Certificate != \"\" {\n\t\thttp.DefaultTransport.(*http.Transport).TLSClientConfig = &tls.Config{\n\t\t\tInsecureSkipVerify: true,\n\t\t}\n\t}\n\treturn 0\n}\n";
        let docker = "FROM alpine\nCOPY fider /app/\nHEALTHCHECK --timeout=5s CMD ./fider ping\nCMD ./fider\n";
        let v = run_on_files(&CHECK, &[("app/cmd/ping.go", ping), ("Dockerfile", docker)]);
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        // Without the HEALTHCHECK running it, the same code is judged.
        let v = run_on_files(&CHECK, &[("app/cmd/ping.go", ping)]);
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
        let e2e = "process.env.NODE_TLS_REJECT_UNAUTHORIZED = \"0\";\n";
        let v = run_on_files(&CHECK, &[("e2e/_init_.ts", e2e), ("package.json", "{}")]);
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        let helper = "package caddytest\n\nimport (\n\t\"crypto/tls\"\n\t\"testing\"\n)\n\nvar c = &tls.Config{InsecureSkipVerify: true}\n";
        let v = run_on_files(
            &CHECK,
            &[("caddytest/caddytest.go", helper), ("go.mod", "module x\n")],
        );
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        let mk = "wait:\n\tKESTRA_URL=http://localhost:8080; \\\n\tcurl -k -L -s $$KESTRA_URL\n";
        let v = run_on_files(&CHECK, &[("Makefile", mk)]);
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        let remote = "wait:\n\tURL=https://api.example.com; \\\n\tcurl -k -L -s $$URL\n";
        let v = run_on_files(&CHECK, &[("Makefile", remote)]);
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
    }

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

    /// Regression (vaultwarden): `docker/healthcheck.sh`, the image's HEALTHCHECK, curls
    /// the container's own address with `--insecure`; it failed this check (high).
    #[test]
    fn the_script_an_image_healthcheck_runs_is_not_an_outbound_client() {
        let dockerfile =
            "FROM debian\nCOPY docker/healthcheck.sh /\nHEALTHCHECK CMD [\"/healthcheck.sh\"]\n";
        let script =
            "#!/bin/sh\ncurl --insecure --fail \"https://${addr}:${PORT}/alive\" || exit 1\n";
        let v = run_on_files(
            &CHECK,
            &[
                ("docker/Dockerfile", dockerfile),
                ("docker/healthcheck.sh", script),
            ],
        );
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        let v = run_on_files(
            &CHECK,
            &[
                ("docker/Dockerfile", dockerfile),
                ("docker/sync.sh", script),
            ],
        );
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
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

    /// caddyserver/caddy sets `InsecureSkipVerify` only for the operator's
    /// `tls_insecure_skip_verify` directive and `--insecure` flag; a hand review labels
    /// the check pass. An unconditional literal beside them still fails.
    #[test]
    fn operator_opt_in_passes_and_unconditional_literals_fail() {
        let caddy = "package reverseproxy\n\nfunc (h *T) Unmarshal(d *D) error {\n\tswitch d.Val() {\n\tcase \"tls_insecure_skip_verify\":\n\t\th.TLS.InsecureSkipVerify = true\n\t}\n\tif insecure {\n\t\tht.TLS.InsecureSkipVerify = true\n\t}\n\treturn nil\n}\n";
        let v = run_on_files(&CHECK, &[("modules/reverseproxy/caddyfile.go", caddy)]);
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        assert_eq!(v.findings.len(), 2);
        assert!(v.findings[0].message.contains("tls_insecure_skip_verify"));
        let always = "package sizes\n\nvar c = &tls.Config{InsecureSkipVerify: true}\n";
        let v = run_on_files(
            &CHECK,
            &[
                ("modules/reverseproxy/caddyfile.go", caddy),
                ("internal/sizes/predict.go", always),
            ],
        );
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings.len(), 1);
        assert!(
            v.summary.contains("2 more only on the operator's request"),
            "{}",
            v.summary
        );
    }
}
