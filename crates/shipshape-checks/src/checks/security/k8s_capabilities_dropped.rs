//! `security/k8s-capabilities-dropped`: containers drop all Linux capabilities.

use super::pod_security::{Subject, evaluate};
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_model::{Area, Severity};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "security/k8s-capabilities-dropped",
        title: "Kubernetes containers drop all capabilities",
        area: Area::Security,
        severity: Severity::Low,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "units with Kubernetes workloads",
        rationale: "Container runtimes grant a default set of Linux capabilities (NET_RAW, CHOWN, SETUID...) that ordinary services never use and attackers do. Dropping ALL and adding back only what is needed shrinks the kernel attack surface.",
        evaluation: "For every container, init containers included, of every workload: passes when `securityContext.capabilities.drop` contains `ALL` (case-insensitive). Added capabilities are allowed (NET_BIND_SERVICE is common) except SYS_ADMIN, which fails. Fails otherwise, one finding per container at the capabilities field or the container's line. `n/a` without workloads; `error` when a manifest does not parse.",
        remediation: "Set `securityContext: {capabilities: {drop: [ALL]}}` and add back only what the process needs, e.g. `add: [NET_BIND_SERVICE]` to bind ports below 1024.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
        ],
    },
    run,
};

fn rule(s: &Subject) -> Result<(), (String, u32)> {
    let caps = s.own("capabilities");
    let has = |list: &str, name: &str| {
        caps.map(|c| c.idx(list).items())
            .unwrap_or(&[])
            .iter()
            .any(|i| i.as_str().is_some_and(|v| v.eq_ignore_ascii_case(name)))
    };
    if has("add", "SYS_ADMIN") {
        return Err(("adds SYS_ADMIN".into(), s.line_of(caps)));
    }
    if has("drop", "ALL") {
        Ok(())
    } else {
        Err((
            "capabilities.drop does not include ALL".into(),
            s.line_of(caps),
        ))
    }
}

fn run(ctx: &Ctx) -> Verdict {
    evaluate(ctx, "drop all capabilities", rule)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    const HEAD: &str = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  template:\n    spec:\n      containers:\n        - name: db\n          image: db:1\n";

    #[test]
    fn drop_all_partial_and_sys_admin() {
        let ok = format!(
            "{HEAD}          securityContext:\n            capabilities: {{drop: [all], add: [NET_BIND_SERVICE]}}\n"
        );
        assert_eq!(
            run_on_files(&CHECK, &[("k8s/db.yaml", &ok)]).outcome,
            Outcome::Pass
        );
        let partial = format!(
            "{HEAD}          securityContext:\n            capabilities: {{drop: [NET_RAW]}}\n"
        );
        let v = run_on_files(&CHECK, &[("k8s/db.yaml", &partial)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(11));
        let admin = format!(
            "{HEAD}          securityContext:\n            capabilities: {{drop: [ALL], add: [SYS_ADMIN]}}\n"
        );
        assert!(
            run_on_files(&CHECK, &[("k8s/db.yaml", &admin)]).findings[0]
                .message
                .contains("SYS_ADMIN")
        );
        assert_eq!(
            run_on_files(&CHECK, &[("k8s/db.yaml", HEAD)]).outcome,
            Outcome::Fail
        );
    }
}
