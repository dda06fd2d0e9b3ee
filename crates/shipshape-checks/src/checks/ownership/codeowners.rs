//! `ownership/codeowners`: a valid CODEOWNERS file covers the code.

use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_model::{Area, Finding, Location, Severity};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "ownership/codeowners",
        title: "CODEOWNERS names who owns the code",
        area: Area::Ownership,
        severity: Severity::High,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "every unit",
        rationale: "When something breaks at 3 a.m., the first question is who owns it. CODEOWNERS answers it in the repository and routes reviews to the right people.",
        evaluation: "Looks for CODEOWNERS at the root, .github/, docs/ or .gitlab/ (the locations GitHub and GitLab read). Each non-comment line is a pattern followed by owners (`@user`, `@org/team` or an e-mail); a pattern with no owners is valid and takes ownership away from what it matches; GitLab `[Section]` headers are accepted. The last rule matching the unit decides, as on GitHub and GitLab. Passes when the file parses and that rule (a catch-all `*` or `/**`, or a pattern covering the unit's path) names owners. Fails when it is missing or has malformed lines (each reported with its line); warns when it parses but covers neither everything nor the unit, or when the deciding rule has no owners.",
        remediation: "Add `.github/CODEOWNERS` with a catch-all line such as `* @your-org/your-team`, then more specific patterns for sub-trees.",
        references: &[
            "https://docs.github.com/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners",
        ],
    },
    run,
};

use shipshape_facts::codeowners::LOCATIONS;

fn covers(pattern: &str, unit: &str) -> bool {
    let p = pattern
        .trim_start_matches('/')
        .trim_end_matches("/**")
        .trim_end_matches('/');
    matches!(pattern, "*" | "/*" | "**" | "/**" | "/")
        || (!unit.is_empty() && unit != "." && (unit == p || unit.starts_with(&format!("{p}/"))))
}

fn run(ctx: &Ctx) -> Verdict {
    // Parsed once per scan, for every unit.
    let Some(parsed) = ctx.facts.codeowners() else {
        return Verdict::fail(
            "no CODEOWNERS file",
            vec![Finding::new(crate::check::looked_in(LOCATIONS))],
        );
    };
    let (path, rules, bad) = (&parsed.path, &parsed.rules, &parsed.bad);
    if !bad.is_empty() {
        return Verdict::fail(
            format!("{path} has {} malformed line(s)", bad.len()),
            bad.iter()
                .map(|(n, msg)| {
                    Finding::at(Location::line(*path, *n), msg.clone()).with_key(msg.clone())
                })
                .collect(),
        );
    }
    let unit = ctx.unit.path.as_str();
    // GitHub and GitLab apply the last matching rule (grafana/loki's `/operator/` line
    // after its catch-all owns the operator).
    match rules.iter().rev().find(|(_, p, _)| covers(p, unit)) {
        Some((n, p, owners)) if owners.is_empty() => Verdict::warn(
            format!("{path}: `{p}` leaves `{unit}` without an owner"),
            vec![Finding::at(
                Location::line(*path, *n),
                format!("`{p}` has no owner"),
            )],
        ),
        Some((n, p, owners)) => Verdict::pass_with(
            format!("{path}: `{p}` owned by {}", owners.join(" ")),
            vec![Finding::at(
                Location::line(*path, *n),
                format!("`{p}` → {}", owners.join(" ")),
            )],
        ),
        None if rules.is_empty() => Verdict::fail(
            format!("{path} has no rules"),
            vec![Finding::at(Location::file(*path), "no ownership rules")],
        ),
        None => Verdict::warn(
            format!("{path} has no catch-all rule and none for `{unit}`"),
            vec![Finding::at(
                Location::file(*path),
                "add `* @team` so that new paths have an owner",
            )],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    #[test]
    fn catch_all_passes_malformed_fails_partial_warns() {
        let ok = "# owners\n* @acme/platform\n/docs/ docs@acme.com\n";
        assert_eq!(
            run_on_files(&CHECK, &[(".github/CODEOWNERS", ok)]).outcome,
            Outcome::Pass
        );
        let bad = "* @a\n/src/ acme-team\n";
        let v = run_on_files(&CHECK, &[("CODEOWNERS", bad)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings.len(), 1);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(2));
        assert_eq!(
            run_on_files(&CHECK, &[("CODEOWNERS", "/src/ @a\n")]).outcome,
            Outcome::Warn
        );
        assert_eq!(
            run_on_files(&CHECK, &[("README.md", "")]).outcome,
            Outcome::Fail
        );
        // grafana/loki: `CHANGELOG.md` with no owners is valid (it un-owns that file), and
        // the last matching rule decides.
        let loki = "* @grafana/loki-team\n/operator/ @grafana/loki-team @periklis\nCHANGELOG.md\n";
        let v = run_on_files(&CHECK, &[("CODEOWNERS", loki)]);
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(1));
        let unowned = "* @a\n*\n";
        assert_eq!(
            run_on_files(&CHECK, &[("CODEOWNERS", unowned)]).outcome,
            Outcome::Warn
        );
        let gitlab = "[Backend][2] @acme/be\n* @acme/all\n";
        assert_eq!(
            run_on_files(&CHECK, &[(".gitlab/CODEOWNERS", gitlab)]).outcome,
            Outcome::Pass
        );
    }
}
