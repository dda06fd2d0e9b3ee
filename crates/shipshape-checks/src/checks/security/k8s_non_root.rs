//! `security/k8s-non-root`: Kubernetes containers are not allowed to run as root.

use super::pod_security::{Subject, evaluate};
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_model::{Area, Severity};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "security/k8s-non-root",
        title: "Kubernetes containers run as non-root",
        area: Area::Security,
        severity: Severity::High,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "units with Kubernetes workloads",
        rationale: "A container running as uid 0 shares the node kernel's root identity: a container escape becomes node compromise. `runAsNonRoot` makes the kubelet refuse to start a container that would run as root, whatever the image says.",
        evaluation: "For every container, init containers included, of every workload in the unit's plain manifests, the effective security context (container over pod) must set `runAsNonRoot: true` or a `runAsUser` greater than 0, and must not set `runAsUser: 0` or `runAsNonRoot: false`. Fails with one finding per container at the offending field or the container's line; `n/a` without workloads; `error` when a manifest does not parse.",
        remediation: "Set `securityContext: {runAsNonRoot: true, runAsUser: 10001}` at the pod level (and make the image's USER numeric), overriding per container only where needed.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
        ],
    },
    run,
};

pub(crate) fn rule(s: &Subject) -> Result<(), (String, u32)> {
    let user = s.effective("runAsUser");
    let non_root = s.effective("runAsNonRoot");
    if let Some(u) = user.filter(|u| u.as_i64() == Some(0)) {
        return Err(("runAsUser: 0 runs as root".into(), u.line));
    }
    if let Some(n) = non_root.filter(|n| n.as_bool() == Some(false))
        && user.and_then(|u| u.as_i64()).is_none_or(|u| u <= 0)
    {
        return Err(("runAsNonRoot: false".into(), n.line));
    }
    let ok = non_root.and_then(|n| n.as_bool()) == Some(true)
        || user.and_then(|u| u.as_i64()).is_some_and(|u| u > 0);
    if ok {
        Ok(())
    } else {
        Err((
            "neither runAsNonRoot: true nor a non-zero runAsUser".into(),
            s.container.line,
        ))
    }
}

fn run(ctx: &Ctx) -> Verdict {
    evaluate(ctx, "run as non-root", rule)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    fn dep(pod_sc: &str, c_sc: &str) -> String {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: api}}\nspec:\n  template:\n    spec:\n{pod_sc}      containers:\n        - name: api\n          image: api:1\n{c_sc}"
        )
    }

    /// grafana/loki's operator (#13): each overlay's strategic-merge patch of the
    /// manager Deployment (one field each) failed as a workload of its own; the base
    /// it patches is what is judged.
    #[test]
    fn kustomize_patches_are_fragments_not_workloads() {
        let base = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: m\nspec:\n  template:\n    spec:\n      securityContext:\n        runAsNonRoot: true\n      containers:\n        - name: m\n          image: m:1\n";
        let patch = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: m\nspec:\n  template:\n    spec:\n      containers:\n        - name: m\n          args: [--debug]\n";
        // kubebuilder's overlays write no apiVersion or kind.
        let kust = "resources:\n  - ../../base/m.yaml\npatchesStrategicMerge:\n  - m_patch.yaml\n";
        let files = [
            ("config/base/m.yaml", base),
            ("config/overlays/prod/m_patch.yaml", patch),
            ("config/overlays/prod/kustomization.yaml", kust),
        ];
        assert_eq!(run_on_files(&CHECK, &files).outcome, Outcome::Pass);
        let unpatched = [files[0], files[1]];
        assert_eq!(run_on_files(&CHECK, &unpatched).outcome, Outcome::Fail);
    }

    #[test]
    fn pod_level_container_override_and_missing() {
        let ok = dep("      securityContext: {runAsNonRoot: true}\n", "");
        assert_eq!(
            run_on_files(&CHECK, &[("k8s/a.yaml", &ok)]).outcome,
            Outcome::Pass
        );
        let root = dep(
            "      securityContext: {runAsNonRoot: true}\n",
            "          securityContext:\n            runAsUser: 0\n",
        );
        let v = run_on_files(&CHECK, &[("k8s/a.yaml", &root)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(12));
        let none = dep("", "");
        let v = run_on_files(&CHECK, &[("k8s/a.yaml", &none)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(8));
        let uid = dep("", "          securityContext: {runAsUser: 10001}\n");
        assert_eq!(
            run_on_files(&CHECK, &[("k8s/a.yaml", &uid)]).outcome,
            Outcome::Pass
        );
    }
}
