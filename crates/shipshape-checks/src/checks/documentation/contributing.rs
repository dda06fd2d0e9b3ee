//! `documentation/contributing`: a contributing guide onboards new engineers.

use super::doc_file;
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::FileKind;
use shipshape_model::{Area, Finding, Severity};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "documentation/contributing",
        title: "A contributing guide explains how to work on the code",
        area: Area::Documentation,
        severity: Severity::Low,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "every unit",
        rationale: "A new team member (or the engineer fixing it at night) needs to know how to build, test and submit a change. Writing it down once saves every newcomer a day and keeps the conventions consistent.",
        evaluation: "Passes when CONTRIBUTING(.md/.rst/.txt/.adoc) exists at the unit's root, the repository root, .github/, .gitlab/ or docs/ (or elsewhere in the unit outside tests) with at least 30 words. Warns when it is shorter; fails when there is none.",
        remediation: "Add CONTRIBUTING.md covering how to set up the development environment, run the tests and linters, the branch and review conventions, and how releases happen.",
        references: &[
            "https://docs.github.com/communities/setting-up-your-project-for-healthy-contributions/setting-guidelines-for-repository-contributors",
        ],
    },
    run,
};

fn run(ctx: &Ctx) -> Verdict {
    let Some(f) = doc_file::find(ctx, FileKind::Contributing) else {
        return Verdict::fail(
            "no contributing guide",
            vec![Finding::new(crate::check::looked_in(&[
                "CONTRIBUTING.md",
                ".github/CONTRIBUTING.md",
                "docs/CONTRIBUTING.md",
            ]))],
        );
    };
    doc_file::judge_length(
        &f.path,
        doc_file::words(ctx, &f.path),
        30,
        format!("contributing guide {}", f.path),
        "explain how to set up, test and submit a change",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    #[test]
    fn guide_stub_and_absence() {
        let guide = "# Contributing\n".to_string()
            + &"Run `make test` before you open a pull request. ".repeat(5);
        let v = run_on_files(&CHECK, &[(".github/CONTRIBUTING.md", &guide)]);
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(
            v.findings[0].location.as_ref().unwrap().path,
            ".github/CONTRIBUTING.md"
        );
        assert_eq!(
            run_on_files(&CHECK, &[("CONTRIBUTING.md", "# Contributing\nTBD\n")]).outcome,
            Outcome::Warn
        );
        assert_eq!(
            run_on_files(&CHECK, &[("README.md", "x")]).outcome,
            Outcome::Fail
        );
    }
}
