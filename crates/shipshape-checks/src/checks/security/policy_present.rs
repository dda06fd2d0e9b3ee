//! `security/policy-present`: a security policy tells reporters how to disclose vulnerabilities.

use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::FileKind;
use shipshape_model::{Area, Finding, Location, Severity};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "security/policy-present",
        title: "A security policy says how to report vulnerabilities",
        area: Area::Security,
        severity: Severity::Medium,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "every unit",
        rationale: "Whoever finds a vulnerability needs a private way to report it and to know what happens next. Without SECURITY.md, reports land in public issues or nowhere.",
        evaluation: "Looks for SECURITY(.md/.rst/.txt/.adoc) at the repository root, in .github/, .gitlab/ or docs/, or at the unit's root (the places GitHub and GitLab show). Passes when one exists and has at least 15 words; warns when it is a stub or still carries the `<!-- shipshape:placeholder -->` marker that `shipshape fix` writes when the repository names no reporting channel; fails when there is none.",
        remediation: "Add SECURITY.md saying which versions get security fixes, how to report a vulnerability privately (an e-mail address or GitHub private vulnerability reporting) and how fast you respond.",
        references: &[
            "https://docs.github.com/code-security/getting-started/adding-a-security-policy-to-your-repository",
            "https://securitytxt.org/",
        ],
    },
    run,
};

const PLACES: &[&str] = &[
    "SECURITY.md",
    ".github/SECURITY.md",
    ".gitlab/SECURITY.md",
    "docs/SECURITY.md",
];

fn run(ctx: &Ctx) -> Verdict {
    let unit = ctx.unit.path.trim_end_matches('/');
    let dir_ok = |p: &str| {
        let dir = p.rsplit_once('/').map_or("", |(d, _)| d);
        matches!(dir, "" | ".github" | ".gitlab" | "docs") || dir == unit
    };
    let Some(f) = ctx
        .facts
        .files
        .iter()
        .find(|f| f.kind == FileKind::SecurityPolicy && dir_ok(&f.path))
    else {
        return Verdict::fail(
            "no security policy",
            vec![Finding::new(crate::check::looked_in(PLACES))],
        );
    };
    if ctx
        .text(&f.path)
        .is_some_and(|t| t.contains("<!-- shipshape:placeholder -->"))
    {
        let line = ctx
            .text(&f.path)
            .and_then(|t| {
                shipshape_facts::ci::find_line(t, |l| l.contains("shipshape:placeholder"))
            })
            .map_or(1, |(n, _)| n);
        return Verdict::warn(
            format!(
                "security policy in {} names no reporting channel yet",
                f.path
            ),
            vec![Finding::at(
                Location::line(&f.path, line),
                "replace the placeholder with a private reporting channel (an e-mail address or GitHub private vulnerability reporting)",
            )],
        );
    }
    crate::checks::documentation::doc_file::judge_length(
        &f.path,
        crate::checks::documentation::doc_file::words(ctx, &f.path),
        15,
        format!("security policy in {}", f.path),
        "say how to report a vulnerability privately and which versions are supported",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    #[test]
    fn found_in_github_dir_stub_warns_missing_fails() {
        let policy = "# Security\n\nReport vulnerabilities privately to security@acme.example; we answer within two working days and fix supported versions.\n";
        let v = run_on_files(&CHECK, &[(".github/SECURITY.md", policy)]);
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(
            v.findings[0].location.as_ref().unwrap().path,
            ".github/SECURITY.md"
        );
        assert_eq!(
            run_on_files(&CHECK, &[("SECURITY.md", "# Security\nTODO\n")]).outcome,
            Outcome::Warn
        );
        let v = run_on_files(
            &CHECK,
            &[("vendor/lib/SECURITY.md", policy), ("README.md", "x")],
        );
        assert_eq!(v.outcome, Outcome::Fail);
        assert!(v.findings[0].message.contains(".github/SECURITY.md"));
        // `shipshape fix` writes this marker when the repository names no channel.
        let placeholder = format!(
            "# Security\n\n<!-- shipshape:placeholder -->\n{}",
            &policy[11..]
        );
        let v = run_on_files(&CHECK, &[("SECURITY.md", &placeholder)]);
        assert_eq!(v.outcome, Outcome::Warn);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(3));
    }
}
