//! `scalability/disruption-budget`: multi-replica workloads have a PodDisruptionBudget that still allows evictions.

use super::k8s_util::{SelectorIndex, nothing_to_judge, of_kinds, selects, targets_by_ref};
use super::replicas_or_autoscaling::{AUTOSCALERS, SCALED_KINDS};
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::Yaml;
use shipshape_facts::k8s::K8sObject;
use shipshape_model::{Area, Finding, Location, Severity};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "scalability/disruption-budget",
        title: "Multi-replica workloads have a PodDisruptionBudget that allows evictions",
        area: Area::Scalability,
        severity: Severity::Medium,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "units with multi-replica Kubernetes workloads (replicas ≥ 2 or autoscaled)",
        rationale: "Without a PodDisruptionBudget a node drain or cluster upgrade may evict every replica at once. A budget that allows no eviction at all is as bad the other way: drains hang and upgrades stall.",
        evaluation: "For each Deployment, StatefulSet or Rollout with `replicas` ≥ 2 or an HPA/ScaledObject: a PodDisruptionBudget of the unit in the same namespace must select its pod labels (`spec.selector.matchLabels`). Fails when none does (at the workload), and when the budget blocks every eviction: `maxUnavailable: 0` or `0%`, `minAvailable: 100%`, or an integer `minAvailable` ≥ the replica count (the HPA's `minReplicas` when autoscaled) — reported at the budget's line. Passes otherwise; `n/a` without multi-replica workloads; `error` when a manifest does not parse.",
        remediation: "Add a PodDisruptionBudget selecting the pods with `maxUnavailable: 1` (or `minAvailable` below the replica count), e.g. `spec: {maxUnavailable: 1, selector: {matchLabels: {app: api}}}`.",
        references: &[
            "https://kubernetes.io/docs/concepts/workloads/pods/disruptions/",
            "https://kubernetes.io/docs/tasks/run-application/configure-pdb/",
        ],
    },
    run,
};

/// The replica floor of a workload: its HPA's minReplicas when autoscaled, else `spec.replicas`.
/// `None` when it runs a single replica.
/// `autoscalers` are the unit's autoscalers (`of_kinds(ctx, AUTOSCALERS)`).
pub(crate) fn replica_floor(autoscalers: &[&K8sObject], w: &K8sObject) -> Option<i64> {
    if let Some(a) = targets_by_ref(autoscalers, w).first() {
        let spec = a.doc.idx("spec");
        let min = spec
            .get("minReplicas")
            .or_else(|| spec.get("minReplicaCount"))
            .and_then(Yaml::as_i64)
            .unwrap_or(1);
        return Some(min.max(w.replicas().unwrap_or(1)).max(1));
    }
    w.replicas().filter(|r| *r >= 2)
}

/// Why a budget blocks every eviction for `replicas` pods, with the line.
fn blocks_all(pdb: &K8sObject, replicas: i64) -> Option<(String, u32)> {
    let spec = pdb.doc.idx("spec");
    if let Some(m) = spec.get("maxUnavailable") {
        let t = m.scalar_text().unwrap_or_default();
        if t.trim() == "0" || t.trim() == "0%" {
            return Some((format!("maxUnavailable: {t} allows no eviction"), m.line));
        }
    }
    if let Some(m) = spec.get("minAvailable") {
        let t = m.scalar_text().unwrap_or_default();
        let t = t.trim();
        if t == "100%" {
            return Some(("minAvailable: 100% allows no eviction".into(), m.line));
        }
        if let Ok(n) = t.parse::<i64>()
            && n >= replicas
        {
            return Some((
                format!(
                    "minAvailable: {n} is not below the {replicas} replica(s): no pod can be evicted"
                ),
                m.line,
            ));
        }
    }
    None
}

fn run(ctx: &Ctx) -> Verdict {
    let autoscalers = of_kinds(ctx, AUTOSCALERS);
    let multi: Vec<_> = ctx
        .k8s()
        .filter(|o| SCALED_KINDS.contains(&o.kind.as_str()))
        .filter_map(|w| replica_floor(&autoscalers, w).map(|r| (w, r)))
        .collect();
    if multi.is_empty() {
        return nothing_to_judge(
            ctx,
            "no multi-replica Deployment, StatefulSet or Rollout in the unit",
        );
    }
    let pdbs = SelectorIndex::new(
        ctx.k8s().filter(|o| o.kind == "PodDisruptionBudget"),
        selects,
    );
    let mut bad = Vec::new();
    let mut good = Vec::new();
    for (w, replicas) in &multi {
        let budget = pdbs.first_selecting(w);
        match budget {
            None => bad.push(
                Finding::at(
                    Location::line(&w.path, w.line),
                    format!("no PodDisruptionBudget selects {}", w.display()),
                )
                .with_key(format!("{}:none", w.display())),
            ),
            Some(p) => match blocks_all(p, *replicas) {
                Some((why, line)) => bad.push(
                    Finding::at(
                        Location::line(&p.path, line),
                        format!("{} for {}: {why}", p.display(), w.display()),
                    )
                    .with_key(format!("{}:blocks", w.display())),
                ),
                None => good.push(Finding::at(
                    Location::line(&p.path, p.line),
                    format!("{} covers {}", p.display(), w.display()),
                )),
            },
        }
    }
    if bad.is_empty() {
        Verdict::pass_with(
            format!(
                "{} multi-replica workload(s) have a disruption budget",
                multi.len()
            ),
            good,
        )
    } else {
        Verdict::fail(format!("{} disruption-budget problem(s)", bad.len()), bad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    const DEP: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  replicas: 3\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api, tier: web}}\n    spec:\n      containers: [{name: api, image: api:1}]\n";

    fn pdb(rule: &str) -> String {
        format!(
            "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: api}}\nspec:\n  {rule}\n  selector:\n    matchLabels: {{app: api}}\n"
        )
    }

    #[test]
    fn budget_present_missing_and_blocking() {
        let ok = pdb("maxUnavailable: 1");
        assert_eq!(
            run_on_files(&CHECK, &[("k8s/api.yaml", DEP), ("k8s/pdb.yaml", &ok)]).outcome,
            Outcome::Pass
        );
        let v = run_on_files(&CHECK, &[("k8s/api.yaml", DEP)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(2));
        let block = pdb("minAvailable: 3");
        let v = run_on_files(&CHECK, &[("k8s/api.yaml", DEP), ("k8s/pdb.yaml", &block)]);
        assert_eq!(v.outcome, Outcome::Fail);
        let loc = v.findings[0].location.as_ref().unwrap();
        assert_eq!((loc.path.as_str(), loc.line), ("k8s/pdb.yaml", Some(5)));
        let zero = pdb("maxUnavailable: 0%");
        assert_eq!(
            run_on_files(&CHECK, &[("k8s/api.yaml", DEP), ("k8s/pdb.yaml", &zero)]).outcome,
            Outcome::Fail
        );
        let single = DEP.replace("replicas: 3", "replicas: 1");
        assert_eq!(
            run_on_files(&CHECK, &[("k8s/api.yaml", &single)]).outcome,
            Outcome::NotApplicable
        );
    }
}
