//! `ownership/owners-consistent`: the catalog owner and CODEOWNERS name the same team (cross-artifact).

use super::service_metadata::{catalog_owners, configured_owner};
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_model::{Area, Finding, Location, Severity, UnitKind};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "ownership/owners-consistent",
        title: "Catalog owner and CODEOWNERS agree",
        area: Area::Ownership,
        severity: Severity::Low,
        kinds: &[UnitKind::Service],
        scope: shipshape_model::Scope::Unit,
        applies_to: "services with both a declared owner and a CODEOWNERS file",
        rationale: "When the catalog says one team owns a service and CODEOWNERS routes reviews to another, pages and pull requests go to different people and neither feels responsible.",
        evaluation: "Takes the unit's owner (shipshape config `[service] owner` unless a placeholder, else the first catalog owner) and the owners of the last CODEOWNERS rule covering the unit (the rule GitHub applies: the catch-all or a pattern for the unit's path). Names are compared without kind/namespace prefixes (`group:default/`), the `@org/` prefix and case. Passes when the catalog owner is among the CODEOWNERS owners; fails otherwise, citing both lines. `n/a` when either side is missing (ownership/service-metadata and ownership/codeowners report that).",
        remediation: "Make both name the same team: set the Backstage `spec.owner` to the GitHub team slug that CODEOWNERS uses (e.g. `team-payments` and `@acme/team-payments`), or fix whichever is stale.",
        references: &[
            "https://backstage.io/docs/features/software-catalog/descriptor-format/#specowner-required",
        ],
    },
    run,
};

/// A team name without kind/namespace/org prefixes, lower-cased.
fn normalise(owner: &str) -> String {
    let o = owner.trim().trim_start_matches('@');
    let o = o.rsplit('/').next().unwrap_or(o);
    let o = o.rsplit(':').next().unwrap_or(o);
    o.to_ascii_lowercase()
}

fn run(ctx: &Ctx) -> Verdict {
    let catalog = match configured_owner(ctx) {
        Some(o) => Some((o.to_string(), None)),
        None => catalog_owners(ctx)
            .owners
            .into_iter()
            .next()
            .map(|(o, p, l)| (o, Some((p, l)))),
    };
    let Some((owner, owner_at)) = catalog else {
        return Verdict::not_applicable(
            "no catalog owner declared (see ownership/service-metadata)",
        );
    };
    let Some(parsed) = ctx.facts.codeowners() else {
        return Verdict::not_applicable("no CODEOWNERS file (see ownership/codeowners)");
    };
    let path = &parsed.path;
    let unit = ctx.unit.path.as_str();
    // GitHub applies the last matching rule.
    let Some((line, pattern, owners)) = parsed.rule_for_dir(unit) else {
        return Verdict::not_applicable(format!("no CODEOWNERS rule covers `{unit}`"));
    };
    let want = normalise(&owner);
    let at_cat = match &owner_at {
        Some((p, l)) => Location::line(p, *l),
        None => Location::file("shipshape.toml"),
    };
    if owners.iter().any(|o| normalise(o) == want) {
        Verdict::pass_with(
            format!("`{owner}` owns the service in the catalog and in {path}"),
            vec![Finding::at(
                Location::line(*path, *line),
                format!("`{pattern}` → {}", owners.join(" ")),
            )],
        )
    } else {
        Verdict::fail(
            format!(
                "catalog owner `{owner}` is not among the CODEOWNERS owners ({})",
                owners.join(" ")
            ),
            vec![
                Finding::at(at_cat, format!("catalog owner `{owner}`")).with_key("catalog"),
                Finding::at(
                    Location::line(*path, *line),
                    format!("`{pattern}` → {}", owners.join(" ")),
                )
                .with_key("codeowners"),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    const SVC: (&str, &str) = ("shipshape.toml", "[service]\nkind = \"service\"\n");
    const CAT: &str = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: api}\nspec:\n  owner: group:default/team-payments\n";

    #[test]
    fn same_team_differs_and_missing() {
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                ("catalog-info.yaml", CAT),
                (".github/CODEOWNERS", "* @acme/Team-Payments\n"),
            ],
        );
        assert_eq!(v.outcome, Outcome::Pass);
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                ("catalog-info.yaml", CAT),
                (
                    ".github/CODEOWNERS",
                    "* @acme/payments\n/docs/ @acme/tw\n* @acme/platform\n",
                ),
            ],
        );
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(5));
        assert_eq!(
            v.findings[1].location.as_ref().unwrap().line,
            Some(3),
            "last matching rule wins"
        );
        assert_eq!(
            run_on_files(&CHECK, &[SVC, ("catalog-info.yaml", CAT)]).outcome,
            Outcome::NotApplicable
        );
        assert_eq!(
            run_on_files(&CHECK, &[SVC, ("CODEOWNERS", "* @a/b\n")]).outcome,
            Outcome::NotApplicable
        );
    }
}
