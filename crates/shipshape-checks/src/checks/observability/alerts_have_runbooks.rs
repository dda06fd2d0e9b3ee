//! `observability/alerts-have-runbooks`: every alert tells the responder where the runbook is.

use super::alerting::alert_rules;
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_model::{Area, Finding, Location, Severity, UnitKind};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "observability/alerts-have-runbooks",
        title: "Every alert links a runbook",
        area: Area::Observability,
        severity: Severity::Low,
        kinds: &[UnitKind::Service],
        scope: shipshape_model::Scope::Unit,
        applies_to: "services with Prometheus alert rules",
        rationale: "The page arrives with the alert's annotations and nothing else. A `runbook_url` takes the responder straight to the diagnosis and mitigation steps instead of a search through the wiki.",
        evaluation: "Reads every `alert:` rule of the unit's Prometheus rule files and PrometheusRule resources. Passes when each has a non-empty `runbook_url` (or `runbook`, `runbook-url`, `runbookUrl`) annotation or label; fails with one finding per alert without one, at the `alert:` line. `n/a` when the unit has no alert rules (see observability/alert-rules); `error` when a rule file does not parse and no rule was found.",
        remediation: "Add `annotations: runbook_url: https://.../runbooks/<alert>` (or a repository path) to every alert rule, pointing at the section of the runbook that covers it.",
        references: &[
            "https://runbooks.prometheus-operator.dev/",
            "https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/#templating",
        ],
    },
    run,
};

fn run(ctx: &Ctx) -> Verdict {
    let (rules, errors) = alert_rules(ctx);
    if rules.is_empty() {
        if !errors.is_empty() {
            return Verdict::error(format!(
                "alert rule file(s) could not be parsed: {}",
                errors.join("; ")
            ));
        }
        return Verdict::not_applicable("no Prometheus alert rules in the unit");
    }
    let missing: Vec<Finding> = rules
        .iter()
        .filter(|r| r.runbook.is_none())
        .map(|r| {
            Finding::at(
                Location::line(&r.path, r.line),
                format!("alert `{}` has no runbook_url annotation", r.name),
            )
            .with_key(r.name.clone())
        })
        .collect();
    if missing.is_empty() {
        Verdict::pass(format!("all {} alert rule(s) link a runbook", rules.len()))
    } else {
        Verdict::fail(
            format!(
                "{} of {} alert rule(s) have no runbook link",
                missing.len(),
                rules.len()
            ),
            missing,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    const SVC: (&str, &str) = ("shipshape.toml", "[service]\nkind = \"service\"\n");

    #[test]
    fn each_alert_needs_a_runbook() {
        let rules = "groups:\n  - name: api\n    rules:\n      - alert: ApiDown\n        expr: up == 0\n        annotations:\n          runbook_url: https://runbooks.acme.dev/api#down\n      - alert: ApiSlow\n        expr: x > 1\n        annotations:\n          summary: slow\n";
        let v = run_on_files(&CHECK, &[SVC, ("alerts.yml", rules)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings.len(), 1);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("alerts.yml", 8))
        );
        assert_eq!(v.findings[0].key.as_deref(), Some("ApiSlow"));
        let fixed = rules.replace(
            "summary: slow",
            "runbook_url: https://runbooks.acme.dev/api#slow",
        );
        assert_eq!(
            run_on_files(&CHECK, &[SVC, ("alerts.yml", &fixed)]).outcome,
            Outcome::Pass
        );
        assert_eq!(run_on_files(&CHECK, &[SVC]).outcome, Outcome::NotApplicable);
    }
}
