//! Prometheus alerting rules of a unit, shared by `observability/alert-rules`,
//! `observability/alerts-have-runbooks` and `incident-response/runbook-links-resolve`.
//! Not a check.

use crate::Ctx;
use crate::checks::delivery::gha::is_production_path;
use shipshape_facts::FileKind;

pub(crate) use shipshape_facts::alerting::{AlertRule, rules_of_groups};

/// Every alert rule of the unit (outside test fixtures), and files that failed to parse.
pub(crate) fn alert_rules(ctx: &Ctx) -> (Vec<AlertRule>, Vec<String>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    // PrometheusRule custom resources, wherever they are (k8s objects are parsed once).
    for o in ctx
        .k8s()
        .filter(|o| o.kind == "PrometheusRule" && is_production_path(&o.path))
    {
        rules_of_groups(&o.path, o.doc.idx("spec").idx("groups"), &mut out);
    }
    // Plain Prometheus rule files (`groups:` at the top), the unit's own and those
    // shared by a monorepo that name the unit.
    for f in ctx
        .monitoring_files()
        .filter(|f| f.kind == FileKind::PrometheusRules && is_production_path(&f.path))
    {
        match ctx.facts.yaml(&f.path) {
            Some(Ok(docs)) => {
                for d in docs.iter().filter(|d| d.get("kind").is_none()) {
                    rules_of_groups(&f.path, d.idx("groups"), &mut out);
                }
            }
            Some(Err(e)) => errors.push(format!("{}: {e}", f.path)),
            None => {}
        }
    }
    for (p, e) in ctx.k8s_errors() {
        if ctx
            .facts
            .file(p)
            .is_some_and(|f| f.kind == FileKind::PrometheusRules)
            && !errors.iter().any(|x| x.starts_with(p.as_str()))
        {
            errors.push(format!("{p}: {e}"));
        }
    }
    out.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    out.dedup();
    (out, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing;
    use shipshape_facts::Facts;

    #[test]
    fn reads_plain_and_crd_rules() {
        let facts = Facts::from_memory(&[
            (
                "monitoring/rules.yml",
                "groups:\n  - name: api\n    rules:\n      - alert: ApiDown\n        expr: up == 0\n        annotations:\n          runbook_url: docs/runbooks/api.md\n      - record: x\n        expr: y\n",
            ),
            (
                "k8s/rules.yaml",
                "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: r}\nspec:\n  groups:\n    - name: g\n      rules:\n        - alert: HighLatency\n          expr: x > 1\n",
            ),
        ]);
        let unit = testing::unit_for(&facts);
        let ctx = Ctx::basic(&facts, &unit);
        let (rules, errors) = alert_rules(&ctx);
        assert!(errors.is_empty(), "{errors:?}");
        let got: Vec<(&str, u32, Option<&str>)> = rules
            .iter()
            .map(|r| {
                (
                    r.name.as_str(),
                    r.line,
                    r.runbook.as_ref().map(|x| x.0.as_str()),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("HighLatency", 8, None),
                ("ApiDown", 4, Some("docs/runbooks/api.md"))
            ]
        );
    }
}
