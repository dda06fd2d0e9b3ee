//! `observability/dashboards-as-code`: the service's dashboards live in the repository.

use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::FileKind;
use shipshape_facts::signals::is_test_path;
use shipshape_model::{Area, Finding, Location, Severity, UnitKind};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "observability/dashboards-as-code",
        title: "Dashboards are kept as code",
        area: Area::Observability,
        severity: Severity::Low,
        kinds: &[UnitKind::Service],
        applies_to: "services",
        rationale: "Dashboards clicked together in a UI drift, get deleted, and do not follow the service to a new environment. Dashboards as code are reviewed, versioned and recreated with the service.",
        evaluation: "Passes when the unit (outside test fixtures) holds a dashboard definition: Grafana dashboard JSON or Jsonnet/Grafonnet files (in a directory or file named like `dashboard`), a GrafanaDashboard resource (grafana-operator) or a ConfigMap labelled `grafana_dashboard`, or Terraform dashboards (grafana_dashboard, datadog_dashboard(_json), newrelic_one_dashboard, aws_cloudwatch_dashboard, google_monitoring_dashboard, azurerm_portal_dashboard). Fails otherwise.",
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
    let files: Vec<_> = ctx.files().filter(|f| !is_test_path(&f.path)).collect();
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
    for o in ctx.k8s() {
        let labelled = o.kind == "ConfigMap"
            && o.doc
                .at(&["metadata", "labels"])
                .is_some_and(|l| l.get("grafana_dashboard").is_some());
        if o.kind == "GrafanaDashboard" || labelled {
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
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

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
    fn nothing_fails() {
        let v = run_on_files(&CHECK, &[SVC, ("config/settings.json", "{}")]);
        assert_eq!(v.outcome, Outcome::Fail);
    }
}
