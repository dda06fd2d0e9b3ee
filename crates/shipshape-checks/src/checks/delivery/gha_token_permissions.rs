//! `delivery/gha-token-permissions`: workflows declare least-privilege `GITHUB_TOKEN` permissions.

use super::gha;
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::Yaml;
use shipshape_model::{Area, Finding, Location, Severity};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "delivery/gha-token-permissions",
        title: "GitHub Actions workflows declare token permissions",
        area: Area::Delivery,
        severity: Severity::Medium,
        kinds: &[],
        scope: shipshape_model::Scope::Repository,
        applies_to: "units built with GitHub Actions",
        rationale: "Without a `permissions:` block the `GITHUB_TOKEN` gets the repository's default, which on older repositories and organisations is read-write on everything. A compromised step or dependency then can push code, create releases or approve pull requests.",
        evaluation: "For every workflow: passes when it declares `permissions:` at the top level, or when every job declares its own. Fails for each workflow lacking both (one finding per job without permissions, at the job's line, or at the file when it has no jobs), and for any `permissions: write-all` (at its line). `read-all`, `{}` and per-scope maps are accepted. `n/a` without workflows; `error` when no workflow parses.",
        remediation: "Add `permissions: contents: read` (or `permissions: {}`) at the top of each workflow and grant write scopes only to the jobs that need them, e.g. `permissions: { contents: write }` on the release job.",
        references: &[
            "https://docs.github.com/actions/writing-workflows/choosing-what-your-workflow-does/controlling-permissions-for-github_token",
            "https://github.com/ossf/scorecard/blob/main/docs/checks.md#token-permissions",
        ],
    },
    run,
};

fn write_all(p: &Yaml) -> bool {
    p.as_str() == Some("write-all")
}

fn run(ctx: &Ctx) -> Verdict {
    let (wfs, errors) = match gha::workflows(ctx) {
        Ok(x) => x,
        Err(v) => return v,
    };
    let mut findings = Vec::new();
    for w in &wfs {
        if let Some(p) = w.permissions.as_ref().filter(|p| write_all(p)) {
            findings.push(
                Finding::at(
                    Location::line(&w.path, p.line),
                    "`permissions: write-all` grants the token every write scope",
                )
                .with_key("write-all"),
            );
        }
        for j in &w.jobs {
            if let Some(p) = j.permissions.as_ref().filter(|p| write_all(p)) {
                findings.push(
                    Finding::at(
                        Location::line(&w.path, p.line),
                        format!("job `{}` has `permissions: write-all`", j.id),
                    )
                    .with_key(format!("{}:write-all", j.id)),
                );
            }
        }
        if w.permissions.is_some() {
            continue;
        }
        if w.jobs.is_empty() {
            findings.push(
                Finding::at(
                    Location::file(&w.path),
                    "no top-level `permissions:` declared",
                )
                .with_key("no-permissions"),
            );
        }
        let text = ctx.text(&w.path).unwrap_or("");
        for j in w.jobs.iter().filter(|j| j.permissions.is_none()) {
            findings.push(
                Finding::at(
                    Location::line(&w.path, gha::key_line(text, j.line, &j.id)),
                    format!(
                        "job `{}` runs with the default token permissions (no `permissions:` in the job or at the top level)",
                        j.id
                    ),
                )
                .with_key(format!("{}:no-permissions", j.id)),
            );
        }
    }
    let note = gha::unparsed_note(&errors);
    if !findings.is_empty() {
        return Verdict::fail(
            format!(
                "{} token permission problem(s) in GitHub Actions workflows{note}",
                findings.len()
            ),
            findings,
        );
    }
    if !errors.is_empty() {
        return Verdict::error(format!("the parsed workflows declare permissions{note}"));
    }
    Verdict::pass(format!(
        "all {} workflow(s) declare token permissions",
        wfs.len()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    fn check(wf: &str) -> Verdict {
        run_on_files(&CHECK, &[(".github/workflows/ci.yml", wf)])
    }

    #[test]
    fn top_level_or_every_job() {
        assert_eq!(
            check("on: push\npermissions:\n  contents: read\njobs:\n  a: {runs-on: x}\n").outcome,
            Outcome::Pass
        );
        assert_eq!(
            check("on: push\njobs:\n  a:\n    permissions: {}\n    runs-on: x\n").outcome,
            Outcome::Pass
        );
        let v = check("on: push\njobs:\n  a:\n    permissions: read-all\n  b:\n    runs-on: x\n");
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings.len(), 1);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line(".github/workflows/ci.yml", 5))
        );
        assert_eq!(v.findings[0].key.as_deref(), Some("b:no-permissions"));
    }

    #[test]
    fn write_all_fails() {
        let v = check("on: push\npermissions: write-all\njobs:\n  a: {runs-on: x}\n");
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line(".github/workflows/ci.yml", 2))
        );
        let v = check("on: push\npermissions: {}\njobs:\n  a:\n    permissions: write-all\n");
        assert_eq!(v.outcome, Outcome::Fail);
        assert!(v.findings[0].message.contains("job `a`"));
    }
}
