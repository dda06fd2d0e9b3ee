//! `observability/slo-defined`: the service has declared service level objectives.

use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::{FileKind, Yaml};
use shipshape_model::{Area, Finding, Location, Severity, UnitKind};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "observability/slo-defined",
        title: "Service level objectives are declared",
        area: Area::Observability,
        severity: Severity::Medium,
        kinds: &[UnitKind::Service],
        scope: shipshape_model::Scope::Unit,
        applies_to: "services",
        rationale: "Without an SLO nobody can say whether the service is reliable enough, when to stop shipping features to fix reliability, or which alerts deserve a page. The tier a service claims means nothing until its objective is written down.",
        evaluation: "Passes when the config declares `slo` for the unit; when the unit holds SLO definitions (OpenSLO `kind: SLO`, Sloth `PrometheusServiceLevel` or `service:`/`slos:` specs, Pyrra `ServiceLevelObjective`); when a catalog file (catalog-info.yaml, .opslevel.yml, cortex.yaml) has a key mentioning `slo` with a value (e.g. an annotation or `x-cortex-slos`); or when Terraform declares SLOs (google_monitoring_slo, datadog_service_level_objective, nobl9_slo, newrelic_service_level, grafana_slo). Fails otherwise.",
        remediation: "Write down the objective (e.g. 99.9 % of requests succeed within 300 ms over 28 days) as OpenSLO, Sloth or Pyrra specs next to the service, or at least `slo = \"99.9\"` under `[service]` in shipshape.toml, and alert on error-budget burn.",
        references: &[
            "https://sre.google/workbook/implementing-slos/",
            "https://github.com/OpenSLO/OpenSLO",
            "https://sloth.dev/",
        ],
    },
    run,
};

const TERRAFORM: &[&str] = &[
    "\"google_monitoring_slo\"",
    "\"datadog_service_level_objective\"",
    "\"nobl9_slo\"",
    "\"newrelic_service_level\"",
    "\"grafana_slo\"",
];

fn catalog_slo(ctx: &Ctx) -> Option<(String, u32, String)> {
    for f in ctx
        .files_with_shared()
        .filter(|f| f.kind == FileKind::CatalogInfo)
    {
        let Some(Ok(docs)) = ctx.facts.yaml(&f.path) else {
            continue;
        };
        for d in docs.iter() {
            let mut hit = None;
            d.walk(&mut |n: &Yaml| {
                for (k, v) in n.entries() {
                    let key = k.to_ascii_lowercase();
                    let is_slo = key == "slo"
                        || key == "slos"
                        || key.contains("slo/")
                        || key.ends_with("-slos")
                        || key.ends_with("/slo")
                        || key.ends_with("-slo");
                    if hit.is_none() && is_slo && !v.is_null() {
                        hit = Some((v.line.max(n.line), k.to_string()));
                    }
                }
            });
            if let Some((line, k)) = hit {
                return Some((f.path.clone(), line, k));
            }
        }
    }
    None
}

fn run(ctx: &Ctx) -> Verdict {
    if let Some(slo) = ctx.slo {
        return Verdict::pass_with(
            format!("SLO declared in the configuration: {slo}"),
            vec![Finding::new(format!("slo = {slo}"))],
        );
    }
    let files: Vec<_> = ctx.files().filter(|f| !f.in_test).collect();
    if let Some(f) = files.iter().find(|f| f.kind == FileKind::Slo) {
        let line = ctx.text(&f.path).and_then(|t| {
            t.lines()
                .position(|l| l.trim_start().starts_with("kind:") || l.starts_with("slos:"))
                .map(|i| i as u32 + 1)
        });
        return Verdict::pass_with(
            format!("SLO definitions in {}", f.path),
            vec![Finding::at(
                line.map_or_else(|| Location::file(&f.path), |l| Location::line(&f.path, l)),
                "SLO definition",
            )],
        );
    }
    if let Some((path, line, key)) = catalog_slo(ctx) {
        return Verdict::pass_with(
            format!("SLO referenced by `{key}` in {path}:{line}"),
            vec![Finding::at(Location::line(&path, line), format!("`{key}`"))],
        );
    }
    for f in files.iter().filter(|f| f.kind == FileKind::Terraform) {
        let Some(text) = ctx.text(&f.path) else {
            continue;
        };
        if let Some(i) = text.lines().position(|l| {
            let t = l.trim_start();
            t.starts_with("resource") && TERRAFORM.iter().any(|r| t.contains(r))
        }) {
            return Verdict::pass_with(
                format!("Terraform SLO in {}:{}", f.path, i + 1),
                vec![Finding::at(
                    Location::line(&f.path, i as u32 + 1),
                    "SLO resource",
                )],
            );
        }
    }
    Verdict::fail(
        "no service level objective declared",
        vec![Finding::new(
            "no `slo` in the config, no OpenSLO/Sloth/Pyrra definitions, no SLO in catalog-info.yaml/.opslevel.yml/cortex.yaml, no Terraform SLO resources",
        )],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    const SVC: (&str, &str) = ("shipshape.toml", "[service]\nkind = \"service\"\n");

    #[test]
    fn specs_and_catalog_pass() {
        let sloth = "version: prometheus/v1\nservice: payments\nslos:\n  - name: requests-availability\n    objective: 99.9\n";
        let v = run_on_files(&CHECK, &[SVC, ("slo/payments.yaml", sloth)]);
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("slo/payments.yaml", 3))
        );
        let openslo = "apiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: availability\nspec:\n  objectives: []\n";
        assert_eq!(
            run_on_files(&CHECK, &[SVC, ("openslo.yaml", openslo)]).outcome,
            Outcome::Pass
        );
        let cortex = "openapi: 3.0.1\ninfo:\n  title: payments\n  x-cortex-slos:\n    prometheus:\n      - errorQuery: x\n";
        let v = run_on_files(&CHECK, &[SVC, ("cortex.yaml", cortex)]);
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("cortex.yaml", 5))
        );
    }

    #[test]
    fn absence_fails() {
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                (
                    "catalog-info.yaml",
                    "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: p\n  annotations:\n    slowness: high\n",
                ),
            ],
        );
        assert_eq!(v.outcome, Outcome::Fail);
    }
}
