//! `scalability/spread-across-nodes`: replicas are spread so that one node failure does not take them all.

use super::disruption_budget::replica_floor;
use super::k8s_util::{nothing_to_judge, of_kinds};
use super::replicas_or_autoscaling::{AUTOSCALERS, SCALED_KINDS};
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_model::{Area, Finding, Location, Severity};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "scalability/spread-across-nodes",
        title: "Replicas are spread across nodes or zones",
        area: Area::Scalability,
        severity: Severity::Low,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "units with multi-replica Kubernetes workloads (replicas ≥ 2 or autoscaled)",
        rationale: "Three replicas on one node are one replica as far as a node failure is concerned. The scheduler only spreads pods reliably when told to.",
        evaluation: "For each Deployment, StatefulSet or Rollout with `replicas` ≥ 2 or an autoscaler: passes when the pod spec has `topologySpreadConstraints` or `affinity.podAntiAffinity` (required or preferred). Fails with one finding per workload at its `kind:` line. `n/a` without multi-replica workloads; `error` when a manifest does not parse.",
        remediation: "Add `topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: api}}}]` (and one for kubernetes.io/hostname), or a preferred podAntiAffinity on the hostname.",
        references: &[
            "https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/",
        ],
    },
    run,
};

fn run(ctx: &Ctx) -> Verdict {
    let autoscalers = of_kinds(ctx, AUTOSCALERS);
    let multi: Vec<_> = ctx
        .k8s()
        .filter(|o| {
            SCALED_KINDS.contains(&o.kind.as_str()) && replica_floor(&autoscalers, o).is_some()
        })
        .collect();
    if multi.is_empty() {
        return nothing_to_judge(
            ctx,
            "no multi-replica Deployment, StatefulSet or Rollout in the unit",
        );
    }
    let mut bad = Vec::new();
    for w in &multi {
        let spec = w.pod_spec();
        let spread = spec.is_some_and(|s| {
            !s.idx("topologySpreadConstraints").items().is_empty()
                || s.at(&["affinity", "podAntiAffinity"])
                    .is_some_and(|a| !a.is_null())
        });
        if !spread {
            bad.push(
                Finding::at(
                    Location::line(&w.path, w.line),
                    format!(
                        "{} has neither topologySpreadConstraints nor podAntiAffinity",
                        w.display()
                    ),
                )
                .with_key(w.display()),
            );
        }
    }
    if bad.is_empty() {
        Verdict::pass(format!(
            "{} multi-replica workload(s) spread their pods",
            multi.len()
        ))
    } else {
        Verdict::fail(
            format!(
                "{} workload(s) may place every replica on one node",
                bad.len()
            ),
            bad,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    const DEP: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  replicas: 3\n  template:\n    metadata: {labels: {app: api}}\n    spec:\n      containers: [{name: api, image: api:1}]\n";

    #[test]
    fn spread_antiaffinity_missing() {
        let v = run_on_files(&CHECK, &[("k8s/api.yaml", DEP)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(2));
        let tsc = format!(
            "{DEP}      topologySpreadConstraints:\n        - {{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway}}\n"
        );
        assert_eq!(
            run_on_files(&CHECK, &[("k8s/api.yaml", &tsc)]).outcome,
            Outcome::Pass
        );
        let aa = format!(
            "{DEP}      affinity:\n        podAntiAffinity:\n          preferredDuringSchedulingIgnoredDuringExecution: []\n"
        );
        assert_eq!(
            run_on_files(&CHECK, &[("k8s/api.yaml", &aa)]).outcome,
            Outcome::Pass
        );
        let one = DEP.replace("replicas: 3", "replicas: 1");
        assert_eq!(
            run_on_files(&CHECK, &[("k8s/api.yaml", &one)]).outcome,
            Outcome::NotApplicable
        );
    }
}
