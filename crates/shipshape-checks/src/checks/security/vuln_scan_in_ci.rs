//! `security/vuln-scan-in-ci`: dependencies are scanned for known vulnerabilities continuously.

use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use regex::Regex;
use shipshape_facts::FileKind;
use shipshape_model::{Area, Finding, Location, Severity};
use std::sync::OnceLock;

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "security/vuln-scan-in-ci",
        title: "Dependencies are scanned for vulnerabilities in CI",
        area: Area::Security,
        severity: Severity::High,
        kinds: &[],
        scope: shipshape_model::Scope::Repository,
        applies_to: "every unit",
        rationale: "New advisories are published daily against dependencies that have not changed. Only a scanner that runs on every change (and on a schedule) notices before an attacker does.",
        evaluation: "Passes when a CI definition runs a dependency or image vulnerability scanner — cargo audit, cargo deny, npm/yarn/pnpm audit, pip-audit, safety, govulncheck, osv-scanner, trivy, grype, snyk, OWASP dependency-check, bundler-audit, composer audit, `dotnet list package --vulnerable`, or the matching GitHub actions (dependency-review-action, trivy-action, anchore scan-action, snyk/actions, osv-scanner-action, rustsec audit-check, cargo-deny-action, gh-action-pip-audit, govulncheck-action) or GitLab Dependency/Container-Scanning templates — with the line as evidence. Otherwise passes on a Dependabot/Renovate configuration (the bots raise security updates), and on a Snyk policy file (.snyk). Fails when none is found, naming the CI files searched.",
        remediation: "Add a scanner step to CI and a scheduled run, e.g. `cargo deny check advisories`, `npm audit --audit-level=high`, `pip-audit`, `govulncheck ./...` or `osv-scanner -r .`, and enable Dependabot security updates.",
        references: &[
            "https://google.github.io/osv-scanner/",
            "https://docs.github.com/code-security/dependabot/dependabot-security-updates/about-dependabot-security-updates",
        ],
    },
    run,
};

fn scanner() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?ix)
            \bcargo[\s-]+(?:audit|deny)\b | \b(?:npm|yarn|pnpm|bun)\s+audit\b | \bpip-audit\b | \bsafety\s+(?:check|scan)\b
            | \bgovulncheck\b | \bosv-scanner\b | \btrivy\b | \bgrype\b | \bsnyk\b | \bdependency-check\b
            | \bbundle(?:r-audit|\s+audit|\s+exec\s+bundle-audit)\b | \bbundle-audit\b | \bcomposer\s+audit\b
            | \bdotnet\s+list\s+(?:\S+\s+)?package\s+--vulnerable\b | \bdependency-review-action\b | \banchore/scan-action\b
            | \brustsec/audit-check\b | \bcargo-deny-action\b | \bgh-action-pip-audit\b | \bjfrog\s+audit\b
            | Dependency-Scanning\.gitlab-ci\.yml | Container-Scanning\.gitlab-ci\.yml | \bwhitesource\b
            ",
        )
        .expect("constant regex")
    })
}

fn run(ctx: &Ctx) -> Verdict {
    let re = scanner();
    for f in ctx
        .ci_files()
        .iter()
        .filter(|f| !shipshape_facts::signals::is_test_path(&f.path))
    {
        let Some(text) = ctx.text(&f.path) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            let t = line.trim_start();
            if t.starts_with('#') || t.starts_with("//") {
                continue;
            }
            if let Some(m) = re.find(line) {
                return Verdict::pass_with(
                    format!("`{}` runs in {}:{}", m.as_str().trim(), f.path, i + 1),
                    vec![
                        Finding::at(Location::line(&f.path, i as u32 + 1), "vulnerability scan")
                            .with_snippet(line.trim().chars().take(120).collect::<String>()),
                    ],
                );
            }
        }
    }
    if let Some(f) = ctx
        .files_of(|k| k == FileKind::DependencyBot)
        .find(|f| !f.in_test)
    {
        return Verdict::pass_with(
            format!(
                "dependency bot configured ({}) raises security updates",
                f.path
            ),
            vec![Finding::at(Location::file(&f.path), "dependency bot")],
        );
    }
    if ctx.facts.exists(".snyk") {
        return Verdict::pass_with(
            "Snyk policy file .snyk",
            vec![Finding::at(Location::file(".snyk"), "Snyk policy")],
        );
    }
    let searched: Vec<&str> = ctx
        .ci_files()
        .iter()
        .filter(|f| !shipshape_facts::signals::is_test_path(&f.path))
        .map(|f| f.path.as_str())
        .collect();
    Verdict::fail(
        "no dependency vulnerability scanning",
        vec![Finding::new(if searched.is_empty() {
            "no CI definition, no Dependabot/Renovate configuration and no .snyk policy".to_string()
        } else {
            format!(
                "no scanner step in {}; no Dependabot/Renovate configuration",
                searched.join(", ")
            )
        })],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    #[test]
    fn scanners_bots_and_absence() {
        for step in [
            "run: cargo deny check advisories",
            "uses: aquasecurity/trivy-action@0.28.0",
            "run: npm audit --audit-level=high",
            "run: govulncheck ./...",
        ] {
            let wf = format!("on: push\njobs:\n  s:\n    steps:\n      - {step}\n");
            let v = run_on_files(&CHECK, &[(".github/workflows/sec.yml", &wf)]);
            assert_eq!(v.outcome, Outcome::Pass, "{step}");
            assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(5));
        }
        let gl = "include:\n  - template: Jobs/Dependency-Scanning.gitlab-ci.yml\n";
        assert_eq!(
            run_on_files(&CHECK, &[(".gitlab-ci.yml", gl)]).outcome,
            Outcome::Pass
        );
        let bot = "version: 2\nupdates: []\n";
        assert_eq!(
            run_on_files(&CHECK, &[(".github/dependabot.yml", bot)]).outcome,
            Outcome::Pass
        );
        let wf = "on: push\njobs:\n  b:\n    steps:\n      # - run: cargo audit\n      - run: cargo build\n";
        let v = run_on_files(&CHECK, &[(".github/workflows/ci.yml", wf)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert!(v.findings[0].message.contains(".github/workflows/ci.yml"));
    }
}
