//! `rollback/revision-history`: Deployments keep old ReplicaSets so that `rollout undo` works.

use crate::checks::delivery::gha::is_production_path;
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_model::{Area, Finding, Location, Severity};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "rollback/revision-history",
        title: "Deployments keep rollout history",
        area: Area::Rollback,
        severity: Severity::Low,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "units with Kubernetes Deployments or Argo Rollouts",
        rationale: "`kubectl rollout undo` needs the previous ReplicaSet. With `revisionHistoryLimit: 0` the old ReplicaSets are deleted at once and the fastest rollback in Kubernetes is gone.",
        evaluation: "For every Deployment and Argo Rollout of the unit's plain manifests (Helm templates are not rendered): fails when `spec.revisionHistoryLimit` is 0 (one finding at its line); passes otherwise (unset means Kubernetes' default of 10). `n/a` without such workloads; `error` when a manifest of the unit does not parse and none was found.",
        remediation: "Remove `revisionHistoryLimit: 0` or set it to a small positive number (e.g. 3–10).",
        references: &[
            "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#revision-history-limit",
        ],
    },
    run,
};

fn run(ctx: &Ctx) -> Verdict {
    let deployments: Vec<_> = ctx
        .k8s()
        .filter(|o| {
            matches!(o.kind.as_str(), "Deployment" | "Rollout") && is_production_path(&o.path)
        })
        .collect();
    if deployments.is_empty() {
        let errors = ctx.k8s_errors();
        if !errors.is_empty() {
            return Verdict::error(format!(
                "Kubernetes manifest(s) could not be parsed: {}",
                errors
                    .iter()
                    .map(|(p, e)| format!("{p}: {e}"))
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
        return Verdict::not_applicable("no Deployment or Rollout");
    }
    let findings: Vec<Finding> = deployments
        .iter()
        .filter_map(|d| {
            let limit = d.doc.at(&["spec", "revisionHistoryLimit"])?;
            (limit.as_i64() == Some(0)).then(|| {
                Finding::at(
                    Location::line(&d.path, limit.line),
                    format!(
                        "{} sets `revisionHistoryLimit: 0`: no ReplicaSet is kept to roll back to",
                        d.display()
                    ),
                )
                .with_key(d.display())
            })
        })
        .collect();
    if findings.is_empty() {
        Verdict::pass(format!(
            "{} Deployment(s)/Rollout(s) keep rollout history",
            deployments.len()
        ))
    } else {
        Verdict::fail(
            format!("{} workload(s) keep no rollout history", findings.len()),
            findings,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    #[test]
    fn zero_fails_default_passes() {
        let d = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  revisionHistoryLimit: 0\n  template:\n    spec:\n      containers: [{name: web, image: web:1}]\n";
        let v = run_on_files(&CHECK, &[("k8s/web.yaml", d)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("k8s/web.yaml", 5))
        );
        let ok = d.replace("revisionHistoryLimit: 0", "revisionHistoryLimit: 5");
        assert_eq!(
            run_on_files(&CHECK, &[("k8s/web.yaml", &ok)]).outcome,
            Outcome::Pass
        );
        let ss = d.replace("Deployment", "StatefulSet");
        assert_eq!(
            run_on_files(&CHECK, &[("k8s/web.yaml", &ss)]).outcome,
            Outcome::NotApplicable
        );
    }
}
