//! `observability/dashboards-as-code`: the service's dashboards live in the repository.

use crate::checks::delivery::gha::is_production_path;
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::{FileKind, Yaml};
use shipshape_model::{Area, Finding, Location, Severity, UnitKind};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "observability/dashboards-as-code",
        title: "Dashboards are kept as code",
        area: Area::Observability,
        severity: Severity::Low,
        kinds: &[UnitKind::Service],
        scope: shipshape_model::Scope::Unit,
        applies_to: "services",
        rationale: "Dashboards clicked together in a UI drift, get deleted, and do not follow the service to a new environment. Dashboards as code are reviewed, versioned and recreated with the service.",
        evaluation: "Passes when the unit (outside test fixtures and examples/ directories; in a monorepo, also files that belong to no unit and name this one, such as a shared `grafana/` directory whose rule selects `service_name=\"cart\"`; and when the unit is the repository's only service, its infrastructure units, such as a Grafana image provisioning its dashboards) holds a dashboard definition: Grafana dashboard JSON or Jsonnet/Grafonnet files (in a directory or file named like `dashboard`), a GrafanaDashboard resource (grafana-operator) or a ConfigMap (also inside a `*List`) labelled `grafana_dashboard` or holding dashboard JSON (`*.json` data with `panels`), or a YAML file named like `*dashboard*` too large to be read, or Terraform dashboards (grafana_dashboard, datadog_dashboard(_json), newrelic_one_dashboard, aws_cloudwatch_dashboard, google_monitoring_dashboard, azurerm_portal_dashboard). Fails otherwise.",
        remediation: "Export the service's dashboards to the repository (e.g. `monitoring/dashboards/<service>.json`, or Grafonnet/Terraform) and provision them from there.",
        references: &[
            "https://grafana.com/docs/grafana/latest/administration/provisioning/#dashboards",
        ],
    },
    run,
};

const TERRAFORM: &[&str] = &[
    "\"grafana_dashboard\"",
    "\"datadog_dashboard\"",
    "\"datadog_dashboard_json\"",
    "\"newrelic_one_dashboard\"",
    "\"aws_cloudwatch_dashboard\"",
    "\"google_monitoring_dashboard\"",
    "\"azurerm_portal_dashboard\"",
];

fn run(ctx: &Ctx) -> Verdict {
    let files: Vec<_> = ctx
        .monitoring_files()
        .filter(|f| is_production_path(&f.path))
        .collect();
    if let Some(f) = files.iter().find(|f| f.kind == FileKind::GrafanaDashboard) {
        let n = files
            .iter()
            .filter(|f| f.kind == FileKind::GrafanaDashboard)
            .count();
        return Verdict::pass_with(
            format!("{n} dashboard file(s), e.g. {}", f.path),
            vec![Finding::at(Location::file(&f.path), "dashboard definition")],
        );
    }
    for o in ctx.k8s().filter(|o| is_production_path(&o.path)) {
        let maps: Vec<&Yaml> = if o.kind == "ConfigMap" {
            vec![&o.doc]
        } else if o.kind.ends_with("List") {
            o.doc.idx("items").items().iter().collect()
        } else {
            vec![]
        };
        let dashboard_map = |m: &&Yaml| {
            m.at(&["metadata", "labels"])
                .is_some_and(|l| l.get("grafana_dashboard").is_some())
                || m.idx("data").entries().iter().any(|(k, v)| {
                    k.ends_with(".json") && v.as_str().is_some_and(|t| t.contains("\"panels\""))
                })
        };
        if o.kind == "GrafanaDashboard" || maps.iter().any(dashboard_map) {
            return Verdict::pass_with(
                format!("{} in {}:{}", o.display(), o.path, o.line),
                vec![Finding::at(
                    Location::line(&o.path, o.line),
                    format!("{} dashboard", o.display()),
                )],
            );
        }
    }
    for f in files.iter().filter(|f| f.kind == FileKind::Terraform) {
        let Some(text) = ctx.text(&f.path) else {
            continue;
        };
        if let Some((i, r)) = text.lines().enumerate().find_map(|(i, l)| {
            let t = l.trim_start();
            t.starts_with("resource")
                .then(|| TERRAFORM.iter().find(|r| t.contains(*r)).map(|r| (i, *r)))?
        }) {
            let line = i as u32 + 1;
            return Verdict::pass_with(
                format!("Terraform {} in {}:{line}", r.trim_matches('"'), f.path),
                vec![Finding::at(
                    Location::line(&f.path, line),
                    format!("resource {}", r.trim_matches('"')),
                )],
            );
        }
    }
    // Generated dashboard bundles are often larger than the read limit: judge those by name.
    if let Some(f) = files.iter().find(|f| {
        let name = f
            .path
            .rsplit('/')
            .next()
            .unwrap_or(&f.path)
            .to_ascii_lowercase();
        f.unread && name.contains("dashboard") && shipshape_facts::is_yaml_path(&name)
    }) {
        return Verdict::pass_with(
            format!(
                "dashboard bundle {} (too large to read, judged by its name)",
                f.path
            ),
            vec![Finding::at(
                Location::file(&f.path),
                "dashboard definitions (not read)",
            )],
        );
    }
    Verdict::fail(
        "no dashboards as code",
        vec![Finding::new(
            "no Grafana dashboard JSON/Jsonnet (in a `dashboards` directory or `*dashboard*` file), GrafanaDashboard resource, `grafana_dashboard` ConfigMap or Terraform dashboard in the unit",
        )],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{run_in_monorepo, run_on_files};
    use shipshape_model::Outcome;

    /// Regression (teslamate, #13): once its `grafana/` image was an infrastructure unit of
    /// its own, the dashboards it provisions no longer counted for TeslaMate, the
    /// repository's only service. With a second service they are nobody's in particular.
    #[test]
    fn the_infrastructure_of_a_sole_service_counts_for_it() {
        use shipshape_model::{Unit, UnitKind};
        let facts = shipshape_facts::Facts::from_memory(&[
            ("mix.exs", "defmodule T.MixProject do\nend\n"),
            ("grafana/Dockerfile", "FROM grafana/grafana:12.1.0\n"),
            (
                "grafana/dashboards/overview.json",
                "{\"title\": \"Overview\", \"panels\": []}\n",
            ),
        ]);
        let unit = Unit {
            name: "teslamate".into(),
            path: ".".into(),
            kind: UnitKind::Service,
            kind_source: "test".into(),
            tier: None,
            owner: None,
        };
        let paths = vec![".".to_string(), "grafana".to_string()];
        let judge = |kinds: &[UnitKind]| {
            let mut ctx = Ctx::basic(&facts, &unit);
            ctx.unit_paths = &paths;
            ctx.unit_kinds = kinds;
            run(&ctx).outcome
        };
        assert_eq!(
            judge(&[UnitKind::Service, UnitKind::Infrastructure]),
            Outcome::Pass
        );
        assert_eq!(
            judge(&[UnitKind::Service, UnitKind::Service]),
            Outcome::Fail
        );
        assert_eq!(judge(&[]), Outcome::Fail, "kinds unknown");
    }

    #[test]
    fn shared_dashboards_count_for_the_units_they_name() {
        let dash = "{\"title\": \"Demo\", \"panels\": [{\"targets\": [{\"expr\": \"rate(calls{service_name=\\\"quote\\\"}[1m])\"}]}]}\n";
        let files = [
            ("src/quote/index.php", "<?php\n"),
            ("src/ad/Main.java", "class Main {}\n"),
            ("src/grafana/dashboards/demo-dashboard.json", dash),
        ];
        let units = ["src/quote".to_string(), "src/checkout".to_string()];
        let quote = run_in_monorepo(&CHECK, &files, ("quote", "src/quote"), &units);
        assert_eq!(quote.outcome, Outcome::Pass, "{}", quote.summary);
        let other = run_in_monorepo(&CHECK, &files, ("checkout", "src/checkout"), &units);
        assert_eq!(other.outcome, Outcome::Fail, "{}", other.summary);
    }

    const SVC: (&str, &str) = ("shipshape.toml", "[service]\nkind = \"service\"\n");

    #[test]
    fn json_configmap_terraform_pass() {
        let v = run_on_files(
            &CHECK,
            &[SVC, ("monitoring/dashboards/api.json", "{\"panels\": []}")],
        );
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(
            v.findings[0].location,
            Some(Location::file("monitoring/dashboards/api.json"))
        );
        let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dash\n  labels:\n    grafana_dashboard: \"1\"\ndata: {}\n";
        let v = run_on_files(&CHECK, &[SVC, ("k8s/dash.yaml", cm)]);
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("k8s/dash.yaml", 2))
        );
        let tf = "provider \"grafana\" {}\n\nresource \"grafana_dashboard\" \"api\" {\n  config_json = file(\"x.json\")\n}\n";
        let v = run_on_files(&CHECK, &[SVC, ("infra/grafana.tf", tf)]);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("infra/grafana.tf", 3))
        );
    }

    #[test]
    fn configmap_lists_with_dashboard_json_pass() {
        let list = "apiVersion: v1\nkind: ConfigMapList\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: d}\n    data:\n      api.json: |-\n        {\"panels\": []}\n";
        let v = run_on_files(&CHECK, &[SVC, ("manifests/dashboards.yaml", list)]);
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("manifests/dashboards.yaml", 2))
        );
    }

    #[test]
    fn nothing_fails() {
        let v = run_on_files(&CHECK, &[SVC, ("config/settings.json", "{}")]);
        assert_eq!(v.outcome, Outcome::Fail);
    }
}
