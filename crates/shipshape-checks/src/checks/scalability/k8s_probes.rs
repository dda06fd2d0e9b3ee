//! `scalability/k8s-probes`: long-running containers have readiness and liveness probes.

use super::k8s_util::container_name;
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_model::{Area, Finding, Location, Severity};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "scalability/k8s-probes",
        title: "Kubernetes containers have readiness and liveness probes",
        area: Area::Scalability,
        severity: Severity::Critical,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "units with long-running Kubernetes workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet, Argo Rollout)",
        rationale: "Without a readiness probe, pods receive traffic before they can serve it and during shutdown; without a liveness probe, a deadlocked process is never restarted. Both turn routine deploys into outages.",
        evaluation: "For every container (init containers excluded) of every long-running workload in the unit's plain manifests: fails when readinessProbe or livenessProbe is missing (one finding per container and probe, at the container's line); warns when the liveness probe is identical to the readiness probe (a liveness check that fails when a dependency is down restarts healthy pods). Helm templates are not rendered and are not judged here. `n/a` without such workloads; `error` when a manifest of the unit does not parse.",
        remediation: "Add `readinessProbe` (checks the pod can serve: dependencies reachable) and `livenessProbe` (checks the process is not wedged: cheap, local) to each container, with a `startupProbe` for slow starters.",
        references: &[
            "https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/",
        ],
    },
    run,
};

fn run(ctx: &Ctx) -> Verdict {
    let workloads: Vec<_> = ctx.workloads().filter(|w| w.is_long_running()).collect();
    if workloads.is_empty() {
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
        return Verdict::not_applicable("no long-running Kubernetes workload");
    }
    let mut missing = Vec::new();
    let mut same = Vec::new();
    let mut containers = 0;
    for w in &workloads {
        for c in w.containers(false) {
            containers += 1;
            let name = container_name(c);
            let (ready, live) = (c.get("readinessProbe"), c.get("livenessProbe"));
            for (probe, present) in [
                ("readinessProbe", ready.is_some()),
                ("livenessProbe", live.is_some()),
            ] {
                if !present {
                    missing.push(
                        Finding::at(
                            Location::line(&w.path, c.line),
                            format!("container `{name}` of {} has no {probe}", w.display()),
                        )
                        .with_key(format!("{}:{name}:{probe}", w.display())),
                    );
                }
            }
            if let (Some(r), Some(l)) = (ready, live)
                && r.same_value(l)
            {
                same.push(
                        Finding::at(Location::line(&w.path, l.line), format!("container `{name}` of {}: livenessProbe is identical to readinessProbe", w.display()))
                            .with_key(format!("{}:{name}:same", w.display())),
                    );
            }
        }
    }
    if !missing.is_empty() {
        Verdict::fail(
            format!(
                "{} probe(s) missing across {containers} container(s)",
                missing.len()
            ),
            missing,
        )
    } else if !same.is_empty() {
        Verdict::warn("liveness probes identical to readiness probes", same)
    } else {
        Verdict::pass(format!(
            "{containers} container(s) in {} workload(s) have both probes",
            workloads.len()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    const HEAD: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: web:1.2\n";

    #[test]
    fn missing_identical_and_complete() {
        let v = run_on_files(&CHECK, &[("k8s/web.yaml", HEAD)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings.len(), 2);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(8));
        let same = format!(
            "{HEAD}          readinessProbe: {{httpGet: {{path: /healthz, port: 80}}}}\n          livenessProbe: {{httpGet: {{path: /healthz, port: 80}}}}\n"
        );
        assert_eq!(
            run_on_files(&CHECK, &[("k8s/web.yaml", &same)]).outcome,
            Outcome::Warn
        );
        let good = format!(
            "{HEAD}          readinessProbe: {{httpGet: {{path: /readyz, port: 80}}}}\n          livenessProbe: {{httpGet: {{path: /livez, port: 80}}}}\n"
        );
        assert_eq!(
            run_on_files(&CHECK, &[("k8s/web.yaml", &good)]).outcome,
            Outcome::Pass
        );
        let job = "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  template:\n    spec:\n      containers: [{name: j, image: j:1}]\n";
        assert_eq!(
            run_on_files(&CHECK, &[("k8s/job.yaml", job)]).outcome,
            Outcome::NotApplicable
        );
    }
}
