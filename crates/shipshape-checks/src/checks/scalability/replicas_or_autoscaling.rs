//! `scalability/replicas-or-autoscaling`: a Deployment/StatefulSet runs more than one pod or autoscales.

use super::k8s_util::{nothing_to_judge, of_kinds, targets_by_ref};
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_model::{Area, Finding, Location, Severity};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "scalability/replicas-or-autoscaling",
        title: "Workloads run at least two replicas or autoscale",
        area: Area::Scalability,
        severity: Severity::High,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "units with Kubernetes Deployments, StatefulSets or Argo Rollouts",
        rationale: "A single replica is a single point of failure: every node drain, eviction, crash or rollout is downtime, and load spikes have nowhere to go.",
        evaluation: "For each Deployment, StatefulSet and Argo Rollout of the unit: passes when `spec.replicas` is at least 2, or a HorizontalPodAutoscaler or KEDA ScaledObject of the unit targets it by `scaleTargetRef` (same name, kind and namespace). A workload without `replicas` and without an autoscaler runs one pod and fails, as does `replicas: 0/1`; each failure is reported at the workload's `kind:` line (or its `replicas:` line). `n/a` without such workloads; `error` when a manifest does not parse.",
        remediation: "Set `replicas: 2` or more (spread across nodes), or add a HorizontalPodAutoscaler with `minReplicas: 2` targeting the workload.",
        references: &["https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/"],
    },
    run,
};

pub(crate) const SCALED_KINDS: &[&str] = &["Deployment", "StatefulSet", "Rollout"];
pub(crate) const AUTOSCALERS: &[&str] = &["HorizontalPodAutoscaler", "ScaledObject"];

fn run(ctx: &Ctx) -> Verdict {
    let workloads: Vec<_> = ctx
        .k8s()
        .filter(|o| SCALED_KINDS.contains(&o.kind.as_str()))
        .collect();
    if workloads.is_empty() {
        return nothing_to_judge(ctx, "no Deployment, StatefulSet or Rollout in the unit");
    }
    let mut bad = Vec::new();
    let autoscalers = of_kinds(ctx, AUTOSCALERS);
    for w in &workloads {
        // Any autoscaler counts, even with a minimum of 1: it scales out under load.
        if !targets_by_ref(&autoscalers, w).is_empty() {
            continue;
        }
        let replicas = w.replicas();
        if replicas.is_some_and(|r| r >= 2) {
            continue;
        }
        let line = w.doc.at(&["spec", "replicas"]).map_or(w.line, |r| r.line);
        bad.push(
            Finding::at(
                Location::line(&w.path, line),
                match replicas {
                    Some(r) => format!(
                        "{} runs {r} replica(s) and no autoscaler targets it",
                        w.display()
                    ),
                    None => format!(
                        "{} sets no replicas (defaults to 1) and no autoscaler targets it",
                        w.display()
                    ),
                },
            )
            .with_key(w.display()),
        );
    }
    if bad.is_empty() {
        Verdict::pass(format!(
            "{} workload(s) run 2+ replicas or autoscale",
            workloads.len()
        ))
    } else {
        Verdict::fail(
            format!("{} workload(s) run a single replica", bad.len()),
            bad,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    fn dep(replicas: &str) -> String {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: api}}\nspec:\n{replicas}  template:\n    spec:\n      containers: [{{name: api, image: api:1}}]\n"
        )
    }

    #[test]
    fn replicas_and_autoscalers() {
        assert_eq!(
            run_on_files(&CHECK, &[("k8s/api.yaml", &dep("  replicas: 3\n"))]).outcome,
            Outcome::Pass
        );
        let v = run_on_files(&CHECK, &[("k8s/api.yaml", &dep("  replicas: 1\n"))]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(5));
        let v = run_on_files(&CHECK, &[("k8s/api.yaml", &dep(""))]);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(2));
        let hpa = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: api}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}\n  minReplicas: 2\n  maxReplicas: 10\n";
        assert_eq!(
            run_on_files(&CHECK, &[("k8s/api.yaml", &dep("")), ("k8s/hpa.yaml", hpa)]).outcome,
            Outcome::Pass
        );
        let other = hpa.replace("name: api}", "name: web}");
        assert_eq!(
            run_on_files(
                &CHECK,
                &[("k8s/api.yaml", &dep("")), ("k8s/hpa.yaml", &other)]
            )
            .outcome,
            Outcome::Fail
        );
        assert_eq!(
            run_on_files(&CHECK, &[("README.md", "x")]).outcome,
            Outcome::NotApplicable
        );
    }
}
