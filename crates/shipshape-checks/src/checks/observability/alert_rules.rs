//! `observability/alert-rules`: alerting is defined as code alongside the service.

use super::alerting::alert_rules;
use crate::checks::delivery::gha::is_production_path;
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::FileKind;
use shipshape_model::{Area, Finding, Location, Severity, UnitKind};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "observability/alert-rules",
        title: "Alerts are defined as code",
        area: Area::Observability,
        severity: Severity::Medium,
        kinds: &[UnitKind::Service],
        scope: shipshape_model::Scope::Unit,
        applies_to: "services",
        rationale: "Metrics nobody alerts on are found during the post-mortem. Alert rules kept in the repository are reviewed with the code they watch, versioned and restored with it.",
        evaluation: "Passes when the unit (outside test fixtures and examples/ directories; in a monorepo, also files that belong to no unit and name this one, such as a shared `grafana/` directory whose rule selects `service_name=\"cart\"`, and when the unit is the repository's only service, its infrastructure units' files) defines alerts as code: Prometheus rule files or PrometheusRule resources with at least one `alert:` rule (evidence: the first rule), an Alertmanager configuration (`route:` and `receivers:`), Jsonnet alerts of a monitoring mixin (`alert: 'Name'` in a `.jsonnet`/`.libsonnet` file; their runbooks are not judged, as mixins add them when rendering), Grafana alerting provisioning (`grafana_alert`, or file-provisioned rule groups whose rules have `condition` and `data`), or Terraform monitors/alerts (datadog_monitor, grafana_rule_group, newrelic alert conditions, aws_cloudwatch_metric_alarm, google_monitoring_alert_policy, azurerm_monitor_*_alert, opsgenie/pagerduty services). Recording-only rule files do not count. Fails otherwise; `error` when a rule file does not parse and nothing else was found.",
        remediation: "Add alerting rules next to the service (e.g. `monitoring/alerts.yml` with Prometheus `groups:`/`alert:` rules, or a PrometheusRule manifest) covering at least availability, error rate and latency, each with a runbook link.",
        references: &[
            "https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/",
            "https://sre.google/workbook/alerting-on-slos/",
        ],
    },
    run,
};

const TERRAFORM_ALERTS: &[&str] = &[
    "\"datadog_monitor\"",
    "\"grafana_rule_group\"",
    "\"newrelic_nrql_alert_condition\"",
    "\"newrelic_alert_condition\"",
    "\"aws_cloudwatch_metric_alarm\"",
    "\"google_monitoring_alert_policy\"",
    "\"azurerm_monitor_metric_alert\"",
    "\"azurerm_monitor_scheduled_query_rules_alert",
    "\"signalfx_detector\"",
    "\"sumologic_monitor\"",
];

/// Alerting-as-code besides Prometheus rules: `(path, line, what)`.
fn other_alerting(ctx: &Ctx) -> Option<(String, u32, String)> {
    // The first Jsonnet alert seen whose name is only a template.
    let mut template = None;
    for f in ctx.monitoring_files().filter(|f| !f.in_test) {
        let Some(text) = ctx.text(&f.path) else {
            continue;
        };
        let line_of =
            |pred: &dyn Fn(&str) -> bool| text.lines().position(pred).map(|i| i as u32 + 1);
        match f.kind {
            FileKind::Terraform => {
                if let Some((l, what)) = text.lines().enumerate().find_map(|(i, l)| {
                    let t = l.trim_start();
                    if !t.starts_with("resource") {
                        return None;
                    }
                    TERRAFORM_ALERTS
                        .iter()
                        .find(|r| t.contains(*r))
                        .map(|r| (i as u32 + 1, *r))
                }) {
                    return Some((
                        f.path.clone(),
                        l,
                        format!("Terraform resource {}", what.trim_matches('"')),
                    ));
                }
            }
            FileKind::Yaml => {
                let top = |k: &str| line_of(&|l: &str| l.starts_with(k));
                if let (Some(l), Some(_)) = (top("route:"), top("receivers:")) {
                    return Some((f.path.clone(), l, "Alertmanager configuration".into()));
                }
                if let Some(l) = line_of(&|l: &str| l.trim_start().starts_with("grafana_alert:")) {
                    return Some((f.path.clone(), l, "Grafana alert rule provisioning".into()));
                }
                if text.contains("groups:")
                    && text.contains("condition:")
                    && let Some(l) = grafana_provisioned_rule(ctx, &f.path)
                {
                    return Some((f.path.clone(), l, "Grafana alert rule provisioning".into()));
                }
            }
            // Monitoring mixins keep alerts in Jsonnet (`alert: 'Name'` inside
            // `prometheusAlerts`); the rendered YAML often lives only in examples/ or
            // is generated at release time.
            FileKind::Jsonnet if is_production_path(&f.path) => {
                let alerts: Vec<(u32, &str)> = text
                    .lines()
                    .enumerate()
                    .filter_map(|(i, l)| {
                        let rest = l.trim_start().strip_prefix("alert:")?.trim_start();
                        let quote = rest.chars().next().filter(|c| *c == '\'' || *c == '"')?;
                        let name = rest[1..].split(quote).next()?;
                        (!name.is_empty()).then_some((i as u32 + 1, name))
                    })
                    .collect();
                let found = |(l, name): (u32, &str)| {
                    (
                        f.path.clone(),
                        l,
                        format!("Jsonnet alert `{name}` (monitoring mixin)"),
                    )
                };
                // Cite a literal name over a `'%sIsDown' % name` template when any file
                // has one.
                if let Some(&hit) = alerts.iter().find(|(_, n)| !n.contains('%')) {
                    return Some(found(hit));
                }
                if let Some(&hit) = alerts.first() {
                    template.get_or_insert_with(|| found(hit));
                }
            }
            _ => {}
        }
    }
    template
}

/// Line of the first rule of a Grafana file-provisioned alert rule group
/// (`apiVersion:` and `groups[].rules[]` with `condition` and `data`), if the file is one.
fn grafana_provisioned_rule(ctx: &Ctx, path: &str) -> Option<u32> {
    let Some(Ok(docs)) = ctx.facts.yaml(path) else {
        return None;
    };
    docs.iter()
        .filter(|d| d.get("apiVersion").is_some())
        .flat_map(|d| d.idx("groups").items())
        .flat_map(|g| g.idx("rules").items())
        .find(|r| r.get("condition").is_some() && r.get("data").is_some())
        .map(|r| r.get("title").map_or(r.line, |t| t.line))
}

fn run(ctx: &Ctx) -> Verdict {
    let (rules, errors) = alert_rules(ctx);
    if let Some(first) = rules.first() {
        let files: std::collections::BTreeSet<&str> =
            rules.iter().map(|r| r.path.as_str()).collect();
        return Verdict::pass_with(
            format!("{} alert rule(s) in {} file(s)", rules.len(), files.len()),
            vec![Finding::at(
                Location::line(&first.path, first.line),
                format!("alert `{}`", first.name),
            )],
        );
    }
    if let Some((path, line, what)) = other_alerting(ctx) {
        return Verdict::pass_with(
            format!("{what} in {path}:{line}"),
            vec![Finding::at(Location::line(&path, line), what)],
        );
    }
    if !errors.is_empty() {
        return Verdict::error(format!(
            "no alert found, but rule file(s) could not be parsed: {}",
            errors.join("; ")
        ));
    }
    Verdict::fail(
        "no alerting defined as code",
        vec![Finding::new(
            "no Prometheus `alert:` rules, PrometheusRule resources, Alertmanager or Grafana alerting configuration, or Terraform monitors in the unit",
        )],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{run_in_monorepo, run_on_files};
    use shipshape_model::Outcome;

    #[test]
    fn shared_alerts_count_for_the_units_they_name() {
        // otel-demo keeps Grafana alerting in src/grafana/, which is no unit: the cart
        // alert counts for cart, not for email (named only inside `grafana-default-email`)
        // nor for a single short-named unit.
        let alert = "apiVersion: 1\ngroups:\n  - name: cart\n    rules:\n      - title: cart errors\n        condition: A\n        data:\n          - model: {expr: 'rate(x{service_name=\"cart\"}[5m])'}\n        notification_settings: {receiver: grafana-default-email}\n";
        let files = [
            ("src/cart/main.go", "package main\n"),
            ("src/email/app.rb", "puts 1\n"),
            ("src/grafana/provisioning/alerting/cart.yml", alert),
        ];
        let units = ["src/cart".to_string(), "src/email".to_string()];
        let cart = run_in_monorepo(&CHECK, &files, ("cart", "src/cart"), &units);
        assert_eq!(cart.outcome, Outcome::Pass, "{}", cart.summary);
        assert!(
            cart.summary
                .contains("src/grafana/provisioning/alerting/cart.yml")
        );
        let email = run_in_monorepo(&CHECK, &files, ("email", "src/email"), &units);
        assert_eq!(email.outcome, Outcome::Fail, "{}", email.summary);
        // A file inside another unit is that unit's, not shared.
        let files = [
            ("src/cart/main.go", "package main\n"),
            ("src/email/alerts/cart.yml", alert),
        ];
        let cart = run_in_monorepo(&CHECK, &files, ("cart", "src/cart"), &units);
        assert_eq!(cart.outcome, Outcome::Fail, "{}", cart.summary);
    }

    #[test]
    fn jsonnet_mixin_alerts_count() {
        // Regression: thanos keeps its alerts in mixin/alerts/*.libsonnet; the rendered
        // YAML lives under examples/, which does not count.
        let mixin = "{\n  prometheusAlerts+:: {\n    groups+: [{\n      name: 'thanos-store',\n      rules: [\n        {\n          alert: 'ThanosStoreGrpcErrorRate',\n          expr: 'rate(x[5m]) > 0',\n        },\n      ],\n    }],\n  },\n}\n";
        let v = run_on_files(&CHECK, &[SVC, ("mixin/alerts/store.libsonnet", mixin)]);
        assert_eq!(v.outcome, Outcome::Pass, "{}", v.summary);
        assert_eq!(
            v.findings[0].location.as_ref().and_then(|l| l.line),
            Some(7)
        );
        assert!(v.findings[0].message.contains("ThanosStoreGrpcErrorRate"));
        // A recording rule or a word in a comment is not an alert; examples/ do not count.
        let not = "{ record: 'job:up:sum', expr: 'sum(up)' } // alerting is elsewhere\n";
        assert_eq!(
            run_on_files(&CHECK, &[SVC, ("mixin/rules.libsonnet", not)]).outcome,
            Outcome::Fail
        );
        assert_eq!(
            run_on_files(&CHECK, &[SVC, ("examples/mixin/alerts.libsonnet", mixin)]).outcome,
            Outcome::Fail
        );
    }

    const SVC: (&str, &str) = ("shipshape.toml", "[service]\nkind = \"service\"\n");

    #[test]
    fn rules_or_terraform_pass() {
        let rules =
            "groups:\n  - name: api\n    rules:\n      - alert: ApiDown\n        expr: up == 0\n";
        let v = run_on_files(&CHECK, &[SVC, ("monitoring/alerts.yml", rules)]);
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("monitoring/alerts.yml", 4))
        );
        let tf = "resource \"datadog_monitor\" \"api_errors\" {\n  name = \"x\"\n}\n";
        let v = run_on_files(&CHECK, &[SVC, ("infra/monitors.tf", tf)]);
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("infra/monitors.tf", 1))
        );
    }

    #[test]
    fn grafana_file_provisioned_rules_pass() {
        // Regression: opentelemetry-demo's src/grafana/provisioning/alerting/*.yml (Grafana
        // file provisioning: `apiVersion: 1`, `groups[].rules[]` with `condition`/`data`) were
        // reported as "no alerting defined as code".
        let grafana = "apiVersion: 1\ngroups:\n  - orgId: 1\n    name: demo\n    folder: demo\n    interval: 1m\n    rules:\n      - uid: abc\n        title: CartAddItemHighLatency\n        condition: p95\n        data:\n          - refId: p95\n";
        let v = run_on_files(
            &CHECK,
            &[SVC, ("grafana/provisioning/alerting/cart.yml", grafana)],
        );
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("grafana/provisioning/alerting/cart.yml", 9))
        );
        // A Grafana datasource provisioning file is not alerting.
        let ds = "apiVersion: 1\ndatasources:\n  - name: prom\n    type: prometheus\n";
        assert_eq!(
            run_on_files(
                &CHECK,
                &[SVC, ("grafana/provisioning/datasources/ds.yml", ds)]
            )
            .outcome,
            Outcome::Fail
        );
    }

    #[test]
    fn recording_rules_only_fail_broken_errors() {
        let rec = "groups:\n  - name: api\n    rules:\n      - record: job:up:sum\n        expr: sum(up)\n      - alert: x\n";
        // `alert:` only in a later line still classifies the file; a recording-only file does not count.
        let only_rec = "groups:\n  - name: api\n    rules:\n      - record: job:up:sum\n        expr: sum(up)\n";
        assert_eq!(
            run_on_files(&CHECK, &[SVC, ("rules.yml", rec)]).outcome,
            Outcome::Pass
        );
        assert_eq!(
            run_on_files(&CHECK, &[SVC, ("rules.yml", only_rec)]).outcome,
            Outcome::Fail
        );
        let broken = "groups:\n  - name: [\n    alert: x\n";
        assert_eq!(
            run_on_files(&CHECK, &[SVC, ("rules.yml", broken)]).outcome,
            Outcome::Error
        );
    }
}
