//! `scalability/hpa-bounds-consistent` (cross-artifact): autoscaler bounds agree with the workload they scale.

use super::k8s_util::{nothing_to_judge, same_namespace};
use super::replicas_or_autoscaling::AUTOSCALERS;
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::Yaml;
use shipshape_model::{Area, Finding, Location, Severity};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "scalability/hpa-bounds-consistent",
        title: "Autoscaler bounds agree with the workload",
        area: Area::Scalability,
        severity: Severity::Low,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "units with HorizontalPodAutoscalers or KEDA ScaledObjects",
        rationale: "An autoscaler whose target does not exist scales nothing; one with min above max is rejected or pinned; a Deployment whose `replicas` exceeds the autoscaler's max is scaled up on every apply and back down by the autoscaler, churning pods on each deploy.",
        evaluation: "For each HorizontalPodAutoscaler and ScaledObject of the unit: fails when its `scaleTargetRef` names no workload of the unit in the same namespace (only when the unit has workloads, since the target may live elsewhere), when `minReplicas` (`minReplicaCount`) exceeds `maxReplicas` (`maxReplicaCount`), or when the target's `spec.replicas` exceeds the maximum. Findings are at the offending line. Passes otherwise; `n/a` without autoscalers; `error` when a manifest does not parse. PodDisruptionBudgets against the replica floor are judged by scalability/disruption-budget.",
        remediation: "Point `scaleTargetRef` at the workload's exact kind and name, keep `minReplicas` ≤ `maxReplicas`, and remove `spec.replicas` from autoscaled Deployments (or keep it within the autoscaler's bounds).",
        references: &[
            "https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#migrating-deployments-and-statefulsets-to-horizontal-autoscaling",
        ],
    },
    run,
};

fn run(ctx: &Ctx) -> Verdict {
    let scalers: Vec<_> = ctx
        .k8s()
        .filter(|o| AUTOSCALERS.contains(&o.kind.as_str()))
        .collect();
    if scalers.is_empty() {
        return nothing_to_judge(
            ctx,
            "no HorizontalPodAutoscaler or ScaledObject in the unit",
        );
    }
    let has_workloads = ctx.workloads().next().is_some();
    let mut bad = Vec::new();
    for a in &scalers {
        let spec = a.doc.idx("spec");
        let min = spec
            .get("minReplicas")
            .or_else(|| spec.get("minReplicaCount"));
        let max = spec
            .get("maxReplicas")
            .or_else(|| spec.get("maxReplicaCount"));
        let (min_v, max_v) = (min.and_then(Yaml::as_i64), max.and_then(Yaml::as_i64));
        if let (Some(lo), Some(hi), Some(m)) = (min_v, max_v, min)
            && lo > hi
        {
            bad.push(
                Finding::at(
                    Location::line(&a.path, m.line),
                    format!("{}: minimum {lo} exceeds maximum {hi}", a.display()),
                )
                .with_key(format!("{}:bounds", a.display())),
            );
        }
        let r = spec.get("scaleTargetRef").or_else(|| spec.get("targetRef"));
        let Some(r) = r else { continue };
        let name = r.idx("name").as_str().unwrap_or("");
        let kind = r.idx("kind").as_str();
        let target = ctx
            .workloads()
            .find(|w| w.name == name && kind.is_none_or(|k| k == w.kind) && same_namespace(w, a));
        match target {
            None if has_workloads => bad.push(
                Finding::at(
                    Location::line(&a.path, r.line),
                    format!(
                        "{} targets {}/{name}, which is not among the unit's workloads",
                        a.display(),
                        kind.unwrap_or("Deployment")
                    ),
                )
                .with_key(format!("{}:target", a.display())),
            ),
            None => {}
            Some(w) => {
                if let (Some(replicas), Some(hi)) = (w.doc.at(&["spec", "replicas"]), max_v)
                    && replicas.as_i64().is_some_and(|n| n > hi)
                {
                    bad.push(
                        Finding::at(
                            Location::line(&w.path, replicas.line),
                            format!(
                                "{} sets replicas {} above the maximum {hi} of {}",
                                w.display(),
                                replicas.as_i64().unwrap_or(0),
                                a.display()
                            ),
                        )
                        .with_key(format!("{}:replicas", w.display())),
                    );
                }
            }
        }
    }
    if bad.is_empty() {
        Verdict::pass(format!(
            "{} autoscaler(s) consistent with their targets",
            scalers.len()
        ))
    } else {
        Verdict::fail(format!("{} autoscaler inconsistency(ies)", bad.len()), bad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    const DEP: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  replicas: 4\n  template:\n    spec:\n      containers: [{name: api, image: api:1}]\n";

    fn hpa(name: &str, min: i64, max: i64) -> String {
        format!(
            "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {{name: api}}\nspec:\n  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: {name}}}\n  minReplicas: {min}\n  maxReplicas: {max}\n"
        )
    }

    #[test]
    fn bounds_targets_and_replicas() {
        assert_eq!(
            run_on_files(
                &CHECK,
                &[("k8s/api.yaml", DEP), ("k8s/hpa.yaml", &hpa("api", 2, 10))]
            )
            .outcome,
            Outcome::Pass
        );
        let v = run_on_files(
            &CHECK,
            &[("k8s/api.yaml", DEP), ("k8s/hpa.yaml", &hpa("api", 2, 3))],
        );
        assert_eq!(v.outcome, Outcome::Fail);
        let loc = v.findings[0].location.as_ref().unwrap();
        assert_eq!((loc.path.as_str(), loc.line), ("k8s/api.yaml", Some(5)));
        let v = run_on_files(
            &CHECK,
            &[("k8s/api.yaml", DEP), ("k8s/hpa.yaml", &hpa("web", 2, 10))],
        );
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(5));
        let v = run_on_files(
            &CHECK,
            &[("k8s/api.yaml", DEP), ("k8s/hpa.yaml", &hpa("api", 8, 5))],
        );
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(6));
        assert_eq!(
            run_on_files(&CHECK, &[("k8s/api.yaml", DEP)]).outcome,
            Outcome::NotApplicable
        );
    }
}
