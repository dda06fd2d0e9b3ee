//! `documentation/readme`: a README with substance.

use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::FileKind;
use shipshape_model::{Area, Finding, Location, Severity};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "documentation/readme",
        title: "README explains what it is and how to use it",
        area: Area::Documentation,
        severity: Severity::High,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "every unit",
        rationale: "The README is the first thing an on-call engineer or a new team member opens. A stub README means knowledge lives only in people's heads.",
        evaluation: "Looks for README(.md/.rst/.txt/.adoc) at the unit's root, then at the repository root. Passes when it has at least 300 words, or an install/setup/getting-started section together with a usage/run/configuration section. Warns when it exists but is thinner; fails when there is none.",
        remediation: "Write a README that says what the software does, how to install or run it, how to configure it, and where to get help.",
        references: &["https://www.makeareadme.com/"],
    },
    run,
};

fn has_heading(text: &str, words: &[&str]) -> bool {
    text.lines().any(|l| {
        let t = l.trim_start();
        let heading = t.starts_with('#') || t.starts_with("==") || t.starts_with("--");
        heading && words.iter().any(|w| t.to_ascii_lowercase().contains(w))
    }) || {
        // reStructuredText / setext headings: a line followed by ==== or ----.
        let lines: Vec<&str> = text.lines().collect();
        lines.windows(2).any(|w| {
            let under = w[1].trim();
            under.len() >= 3
                && (under.chars().all(|c| c == '=') || under.chars().all(|c| c == '-'))
                && words.iter().any(|x| w[0].to_ascii_lowercase().contains(x))
        })
    }
}

fn run(ctx: &Ctx) -> Verdict {
    let unit_dir = ctx.unit.path.trim_end_matches('/');
    let is_root_readme = |p: &str| !p.contains('/');
    let is_unit_readme = |p: &str| match p.rsplit_once('/') {
        Some((dir, _)) => dir == unit_dir,
        None => unit_dir == "." || unit_dir.is_empty(),
    };
    let readme = ctx
        .facts
        .files
        .iter()
        .filter(|f| f.kind == FileKind::Readme)
        .find(|f| is_unit_readme(&f.path))
        .or_else(|| {
            ctx.facts
                .files
                .iter()
                .filter(|f| f.kind == FileKind::Readme)
                .find(|f| is_root_readme(&f.path))
        });
    let Some(readme) = readme else {
        return Verdict::fail(
            "no README",
            vec![Finding::new(format!(
                "no README at {} or the repository root",
                if unit_dir.is_empty() { "." } else { unit_dir }
            ))],
        );
    };
    let text = ctx.text(&readme.path).unwrap_or("");
    let words = text.split_whitespace().count();
    let install = has_heading(
        text,
        &[
            "install",
            "setup",
            "set up",
            "getting started",
            "quick start",
            "quickstart",
            "build",
        ],
    );
    let usage = has_heading(
        text,
        &[
            "usage", "run", "using", "configur", "example", "how to", "tour",
        ],
    );
    let at = Location::file(&readme.path);
    if words >= 300 || (install && usage) {
        Verdict::pass_with(
            format!("{} ({words} words)", readme.path),
            vec![Finding::at(
                at,
                format!("{words} words; install section: {install}; usage section: {usage}"),
            )],
        )
    } else {
        Verdict::warn(
            format!("{} is thin ({words} words)", readme.path),
            vec![Finding::at(
                at,
                format!(
                    "{words} words (300 wanted) and {} — add install and usage sections",
                    match (install, usage) {
                        (false, false) => "no install or usage section",
                        (true, false) => "no usage section",
                        _ => "no install section",
                    }
                ),
            )],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    #[test]
    fn sections_or_length_pass_stub_warns_absent_fails() {
        let good = "# x\n## Install\ncargo install x\n## Usage\nx run\n";
        assert_eq!(
            run_on_files(&CHECK, &[("README.md", good)]).outcome,
            Outcome::Pass
        );
        let long = "word ".repeat(320);
        assert_eq!(
            run_on_files(&CHECK, &[("README", &long)]).outcome,
            Outcome::Pass
        );
        assert_eq!(
            run_on_files(&CHECK, &[("README.md", "# x\nTODO\n")]).outcome,
            Outcome::Warn
        );
        assert_eq!(
            run_on_files(&CHECK, &[("src/lib.rs", "")]).outcome,
            Outcome::Fail
        );
    }
}
