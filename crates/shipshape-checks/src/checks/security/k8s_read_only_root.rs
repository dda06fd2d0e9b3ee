//! `security/k8s-read-only-root`: containers run with a read-only root filesystem.

use super::pod_security::{Subject, evaluate};
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_model::{Area, Severity};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "security/k8s-read-only-root",
        title: "Kubernetes containers have a read-only root filesystem",
        area: Area::Security,
        severity: Severity::Low,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "units with Kubernetes workloads",
        rationale: "A writable root filesystem lets an attacker drop tools and persist changes inside the container, and hides state that should live in volumes. Read-only roots make containers immutable as intended.",
        evaluation: "For every container, init containers included, of every workload: passes when the container's `securityContext.readOnlyRootFilesystem` is true; fails otherwise with one finding per container at the field or the container's line. `n/a` without workloads; `error` when a manifest does not parse.",
        remediation: "Set `securityContext: {readOnlyRootFilesystem: true}` and mount an `emptyDir` at the paths the process writes to (e.g. /tmp, caches).",
        references: &["https://kubernetes.io/docs/tasks/configure-pod-container/security-context/"],
    },
    run,
};

fn rule(s: &Subject) -> Result<(), (String, u32)> {
    match s.own("readOnlyRootFilesystem") {
        Some(v) if v.as_bool() == Some(true) => Ok(()),
        Some(v) => Err(("readOnlyRootFilesystem is not true".into(), v.line)),
        None => Err((
            "readOnlyRootFilesystem: true is not set".into(),
            s.line_of(None),
        )),
    }
}

fn run(ctx: &Ctx) -> Verdict {
    evaluate(ctx, "have a read-only root filesystem", rule)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    #[test]
    fn set_unset_and_false() {
        let base = "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: j}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - name: j\n              image: j:1\n";
        let v = run_on_files(&CHECK, &[("k8s/j.yaml", base)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(10));
        let ok = format!("{base}              securityContext: {{readOnlyRootFilesystem: true}}\n");
        assert_eq!(
            run_on_files(&CHECK, &[("k8s/j.yaml", &ok)]).outcome,
            Outcome::Pass
        );
        let off = format!(
            "{base}              securityContext:\n                readOnlyRootFilesystem: false\n"
        );
        let v = run_on_files(&CHECK, &[("k8s/j.yaml", &off)]);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(13));
    }
}
