//! `ownership/oncall-defined`: tier 1–2 services name an on-call or escalation target.

use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::FileKind;
use shipshape_model::{Area, Finding, Location, Severity, UnitKind};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "ownership/oncall-defined",
        title: "An on-call target is declared for critical services",
        area: Area::Ownership,
        severity: Severity::Medium,
        kinds: &[UnitKind::Service],
        scope: shipshape_model::Scope::Unit,
        applies_to: "services of tier 1 or 2",
        rationale: "A service that promises 99 %+ availability needs someone paged when it breaks. Declaring the on-call rotation next to the code lets alerts, incident tooling and people route to it without guessing.",
        evaluation: "`n/a` for tier-3 services and services without a declared tier. Passes when the shipshape config sets `oncall` for the unit, or a catalog file of the unit or repository root declares an escalation target: Backstage annotations `pagerduty.com/integration-key`, `pagerduty.com/service-id`, `opsgenie.com/component-selector`, `opsgenie.com/team`, `splunk.com/on-call-routing-key`, `firehydrant.com/service-name`, `incident.io/...`, a Cortex `x-cortex-oncall`, or an OpsLevel `on_call`/`oncall` entry. Fails otherwise, naming where it looked.",
        remediation: "Add a PagerDuty or Opsgenie annotation to catalog-info.yaml (e.g. `metadata.annotations: {pagerduty.com/service-id: PXXXXXX}`), or set `oncall = \"payments-primary\"` under `[service]` in shipshape.toml.",
        references: &[
            "https://backstage.io/docs/features/software-catalog/well-known-annotations/",
            "https://sre.google/sre-book/being-on-call/",
        ],
    },
    run,
};

const ANNOTATIONS: &[&str] = &[
    "pagerduty.com/integration-key",
    "pagerduty.com/service-id",
    "opsgenie.com/component-selector",
    "opsgenie.com/team",
    "splunk.com/on-call-routing-key",
    "firehydrant.com/service-name",
    "incident.io/",
];

fn run(ctx: &Ctx) -> Verdict {
    match ctx.unit.tier {
        Some(1 | 2) => {}
        Some(t) => {
            return Verdict::not_applicable(format!(
                "tier {t}: on-call is required for tiers 1 and 2"
            ));
        }
        None => {
            return Verdict::not_applicable(
                "no tier declared (set `tier` under [service] to require on-call)",
            );
        }
    }
    if let Some(o) = ctx.oncall.filter(|o| !o.trim().is_empty()) {
        return Verdict::pass_with(
            format!("on-call `{o}` set in the shipshape config"),
            vec![Finding::new(format!("oncall = \"{o}\""))],
        );
    }
    let mut errors = Vec::new();
    for f in ctx
        .files_of(|k| k == FileKind::CatalogInfo)
        .filter(|f| !f.in_test)
    {
        let docs = match ctx.facts.yaml(&f.path) {
            Some(Ok(d)) => d,
            Some(Err(e)) => {
                errors.push(format!("{}: {e}", f.path));
                continue;
            }
            None => continue,
        };
        for d in docs.iter() {
            for (k, v) in d
                .at(&["metadata", "annotations"])
                .map(|a| a.entries())
                .unwrap_or(&[])
            {
                if ANNOTATIONS
                    .iter()
                    .any(|a| k == a || (a.ends_with('/') && k.starts_with(a)))
                    && v.scalar_text().is_some_and(|s| !s.trim().is_empty())
                {
                    return Verdict::pass_with(
                        format!("`{k}` annotation in {}", f.path),
                        vec![Finding::at(Location::line(&f.path, v.line), k.clone())],
                    );
                }
            }
            for node in [
                d.at(&["info", "x-cortex-oncall"]),
                d.get("x-cortex-oncall"),
                d.at(&["service", "on_call"]),
                d.at(&["service", "oncall"]),
                d.get("on_call"),
            ]
            .into_iter()
            .flatten()
            {
                if !node.is_null() {
                    return Verdict::pass_with(
                        format!("on-call declared in {}", f.path),
                        vec![Finding::at(
                            Location::line(&f.path, node.line),
                            "on-call entry",
                        )],
                    );
                }
            }
        }
    }
    if !errors.is_empty() {
        return Verdict::error(format!(
            "catalog file(s) could not be parsed: {}",
            errors.join("; ")
        ));
    }
    Verdict::fail(
        "no on-call target declared",
        vec![Finding::new(
            "looked for: `oncall` in shipshape.toml [service], PagerDuty/Opsgenie/Splunk On-Call annotations in catalog-info.yaml, x-cortex-oncall in cortex.yaml",
        )],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    const T1: (&str, &str) = (
        "shipshape.toml",
        "[service]\nkind = \"service\"\ntier = 1\n",
    );

    #[test]
    fn annotations_tiers_and_absence() {
        let cat = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: api\n  annotations:\n    pagerduty.com/service-id: PABC123\nspec:\n  owner: team-a\n";
        let v = run_on_files(&CHECK, &[T1, ("catalog-info.yaml", cat)]);
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(6));
        let bare = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: api\nspec:\n  owner: team-a\n";
        assert_eq!(
            run_on_files(&CHECK, &[T1, ("catalog-info.yaml", bare)]).outcome,
            Outcome::Fail
        );
        let t3 = (
            "shipshape.toml",
            "[service]\nkind = \"service\"\ntier = 3\n",
        );
        assert_eq!(run_on_files(&CHECK, &[t3]).outcome, Outcome::NotApplicable);
        let none = ("shipshape.toml", "[service]\nkind = \"service\"\n");
        assert_eq!(
            run_on_files(&CHECK, &[none]).outcome,
            Outcome::NotApplicable
        );
    }
}
