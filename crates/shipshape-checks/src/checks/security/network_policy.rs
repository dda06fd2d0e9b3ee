//! `security/network-policy`: a NetworkPolicy restricts traffic to each long-running workload.

use crate::checks::scalability::k8s_util::{SelectorIndex, nothing_to_judge, selects};
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_model::{Area, Finding, Location, Severity, UnitKind};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "security/network-policy",
        title: "A NetworkPolicy selects each workload",
        area: Area::Security,
        severity: Severity::Low,
        kinds: &[UnitKind::Service],
        scope: shipshape_model::Scope::Unit,
        applies_to: "services with long-running Kubernetes workloads",
        rationale: "By default every pod in a cluster can reach every other pod. A NetworkPolicy limits who can talk to the service, so one compromised pod cannot reach everything.",
        evaluation: "For each Deployment, StatefulSet, DaemonSet, ReplicaSet or Rollout of the unit: passes when a NetworkPolicy in the same namespace selects its pod labels (`spec.podSelector.matchLabels`, or an empty podSelector, which selects every pod of the namespace), or a CiliumNetworkPolicy selects them (`spec.endpointSelector`). Fails with one finding per unselected workload at its `kind:` line; `n/a` without such workloads; `error` when a manifest does not parse.",
        remediation: "Add a NetworkPolicy that selects the workload's pods and allows only the ingress it needs (e.g. from the ingress controller's namespace on the service port), plus a namespace default-deny policy.",
        references: &["https://kubernetes.io/docs/concepts/services-networking/network-policies/"],
    },
    run,
};

fn run(ctx: &Ctx) -> Verdict {
    let workloads: Vec<_> = ctx.workloads().filter(|w| w.is_long_running()).collect();
    if workloads.is_empty() {
        return nothing_to_judge(ctx, "no long-running Kubernetes workload in the unit");
    }
    let policies = SelectorIndex::new(
        ctx.k8s()
            .filter(|o| o.kind == "NetworkPolicy" || o.kind == "CiliumNetworkPolicy"),
        selects,
    );
    let mut bad = Vec::new();
    let mut good = Vec::new();
    for w in &workloads {
        match policies.first_selecting(w) {
            Some(p) => good.push(Finding::at(
                Location::line(&p.path, p.line),
                format!("{} selects {}", p.display(), w.display()),
            )),
            None => bad.push(
                Finding::at(
                    Location::line(&w.path, w.line),
                    format!("no NetworkPolicy selects {}", w.display()),
                )
                .with_key(w.display()),
            ),
        }
    }
    if bad.is_empty() {
        Verdict::pass_with(
            format!("{} workload(s) selected by a NetworkPolicy", good.len()),
            good,
        )
    } else {
        Verdict::fail(
            format!("{} workload(s) without a NetworkPolicy", bad.len()),
            bad,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    const SVC: (&str, &str) = ("shipshape.toml", "[service]\nkind = \"service\"\n");
    const DEP: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: pay}\nspec:\n  template:\n    metadata: {labels: {app: api}}\n    spec:\n      containers: [{name: api, image: api:1}]\n";

    #[test]
    fn selected_default_deny_and_missing() {
        let np = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: api, namespace: pay}\nspec:\n  podSelector: {matchLabels: {app: api}}\n  ingress: []\n";
        let v = run_on_files(&CHECK, &[SVC, ("k8s/api.yaml", DEP), ("k8s/np.yaml", np)]);
        assert_eq!(v.outcome, Outcome::Pass);
        let deny = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: pay}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n";
        assert_eq!(
            run_on_files(&CHECK, &[SVC, ("k8s/api.yaml", DEP), ("k8s/np.yaml", deny)]).outcome,
            Outcome::Pass
        );
        let other_ns = deny.replace("namespace: pay", "namespace: web");
        let v = run_on_files(
            &CHECK,
            &[SVC, ("k8s/api.yaml", DEP), ("k8s/np.yaml", &other_ns)],
        );
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(2));
    }
}
