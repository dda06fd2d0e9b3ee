//! `security/k8s-no-privilege-escalation`: containers cannot gain privileges or share the host's namespaces.

use super::pod_security::{Subject, evaluate};
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_model::{Area, Severity};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "security/k8s-no-privilege-escalation",
        title: "Kubernetes containers cannot escalate privileges",
        area: Area::Security,
        severity: Severity::Medium,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "units with Kubernetes workloads",
        rationale: "setuid binaries, privileged mode and the host's network/PID/IPC namespaces each hand a compromised container a path to the node. None is needed by ordinary services.",
        evaluation: "For every container, init containers included, of every workload: fails when the pod sets `hostNetwork`, `hostPID` or `hostIPC` to true, when the container is `privileged: true`, or when `allowPrivilegeEscalation` is not explicitly false in the container's security context (Kubernetes defaults it to true). One finding per container, at the offending field or the container's line. DaemonSets are judged too (node agents that need host access should carry a waiver). `n/a` without workloads; `error` when a manifest does not parse.",
        remediation: "Set `securityContext: {allowPrivilegeEscalation: false}` on every container, remove `privileged: true`, and drop `hostNetwork`/`hostPID`/`hostIPC` unless the workload is a node agent (then waive this check for it with a reason).",
        references: &["https://kubernetes.io/docs/concepts/security/pod-security-standards/"],
    },
    run,
};

fn rule(s: &Subject) -> Result<(), (String, u32)> {
    for key in ["hostNetwork", "hostPID", "hostIPC"] {
        if let Some(v) = s.pod.get(key).filter(|v| v.as_bool() == Some(true)) {
            return Err((format!("pod sets {key}: true"), v.line));
        }
    }
    if let Some(p) = s.own("privileged").filter(|p| p.as_bool() == Some(true)) {
        return Err(("privileged: true".into(), p.line));
    }
    match s.own("allowPrivilegeEscalation") {
        Some(a) if a.as_bool() == Some(false) => Ok(()),
        Some(a) => Err(("allowPrivilegeEscalation is not false".into(), a.line)),
        None => Err((
            "allowPrivilegeEscalation: false is not set (the default allows it)".into(),
            s.line_of(None),
        )),
    }
}

fn run(ctx: &Ctx) -> Verdict {
    evaluate(ctx, "block privilege escalation", rule)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    const HEAD: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    spec:\n";

    #[test]
    fn escalation_privileged_and_host_namespaces() {
        let ok = format!(
            "{HEAD}      containers:\n        - name: api\n          image: api:1\n          securityContext: {{allowPrivilegeEscalation: false}}\n"
        );
        assert_eq!(
            run_on_files(&CHECK, &[("k8s/a.yaml", &ok)]).outcome,
            Outcome::Pass
        );
        let host = format!(
            "{HEAD}      hostNetwork: true\n      containers:\n        - name: api\n          image: api:1\n          securityContext: {{allowPrivilegeEscalation: false}}\n"
        );
        let v = run_on_files(&CHECK, &[("k8s/a.yaml", &host)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(7));
        let unset =
            format!("{HEAD}      containers:\n        - name: api\n          image: api:1\n");
        let v = run_on_files(&CHECK, &[("k8s/a.yaml", &unset)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(8));
        let privileged = format!(
            "{HEAD}      containers:\n        - name: api\n          image: api:1\n          securityContext:\n            privileged: true\n            allowPrivilegeEscalation: false\n"
        );
        let v = run_on_files(&CHECK, &[("k8s/a.yaml", &privileged)]);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(11));
    }
}
