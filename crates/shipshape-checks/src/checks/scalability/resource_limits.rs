//! `scalability/resource-limits`: containers declare CPU and memory requests and a memory limit.

use super::k8s_util::{container_name, nothing_to_judge};
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_model::{Area, Finding, Location, Severity};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "scalability/resource-limits",
        title: "Containers set CPU/memory requests and a memory limit",
        area: Area::Scalability,
        severity: Severity::High,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "units with Kubernetes workloads",
        rationale: "Without requests the scheduler packs pods blindly and the autoscaler has nothing to scale on; without a memory limit one leaking pod can starve its neighbours and get the whole node's pods evicted.",
        evaluation: "For every container (init containers excluded) of every workload in the unit's plain manifests, requires `resources.requests.cpu`, `resources.requests.memory` and `resources.limits.memory`. A LimitRange of the unit (same namespace) with `defaultRequest`/`default` supplies missing values. A CPU limit is not required (it causes throttling). Fails with one finding per container listing what is missing, at the container's line; warns (one finding per value) when every value is set but one still carries the `# shipshape:placeholder` marker that `shipshape fix` writes when the repository gives no size to copy; `n/a` without workloads; `error` when a manifest does not parse. Helm templates are not rendered.",
        remediation: "Set `resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 256Mi}}` on each container from observed usage (e.g. p95 of the last weeks), or add a LimitRange with defaults to the namespace.",
        references: &[
            "https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/",
        ],
    },
    run,
};

/// The marker `shipshape fix` puts on a resource value it could not size from the
/// repository's facts.
pub const PLACEHOLDER: &str = "shipshape:placeholder";

fn run(ctx: &Ctx) -> Verdict {
    let workloads: Vec<_> = ctx.workloads().collect();
    if workloads.is_empty() {
        return nothing_to_judge(ctx, "no Kubernetes workload in the unit");
    }
    let limit_ranges: Vec<_> = ctx.k8s().filter(|o| o.kind == "LimitRange").collect();
    let mut findings = Vec::new();
    let mut placeholders = Vec::new();
    let mut containers = 0;
    for w in &workloads {
        let defaults = |field: &str, res: &str| {
            limit_ranges.iter().any(|lr| {
                super::k8s_util::same_namespace(lr, w)
                    && lr
                        .doc
                        .at(&["spec", "limits"])
                        .map(|l| l.items())
                        .unwrap_or(&[])
                        .iter()
                        .any(|item| {
                            item.idx("type").as_str().is_none_or(|t| t == "Container")
                                && item.at(&[field, res]).is_some()
                        })
            })
        };
        for c in w.containers(false) {
            containers += 1;
            let r = c.idx("resources");
            let mut missing = Vec::new();
            for (section, res, default_field) in [
                ("requests", "cpu", "defaultRequest"),
                ("requests", "memory", "defaultRequest"),
                ("limits", "memory", "default"),
            ] {
                let set = r.at(&[section, res]).is_some_and(|v| !v.is_null());
                // A LimitRange `default` also fills requests when defaultRequest is unset.
                let supplied = set
                    || defaults(default_field, res)
                    || (section == "requests" && defaults("default", res));
                if !supplied {
                    missing.push(format!("{section}.{res}"));
                }
            }
            if missing.is_empty() {
                // Values `shipshape fix` wrote without a size to copy are not a decision yet.
                let lines = ctx
                    .facts
                    .text(&w.path)
                    .map(|t| t.lines().collect::<Vec<_>>());
                for (section, res) in [
                    ("requests", "cpu"),
                    ("requests", "memory"),
                    ("limits", "memory"),
                ] {
                    let Some(v) = r.at(&[section, res]) else {
                        continue;
                    };
                    let marked = lines.as_ref().is_some_and(|ls| {
                        ls.get(v.line.saturating_sub(1) as usize)
                            .is_some_and(|l| l.contains(PLACEHOLDER))
                    });
                    if marked {
                        placeholders.push(
                            Finding::at(
                                Location::line(&w.path, v.line),
                                format!(
                                    "container `{}` of {}: {section}.{res} is a placeholder; size it from measurements and drop the marker",
                                    container_name(c),
                                    w.display()
                                ),
                            )
                            .with_key(format!("{}:{}", w.display(), container_name(c))),
                        );
                    }
                }
            } else {
                let name = container_name(c);
                findings.push(
                    Finding::at(
                        Location::line(&w.path, c.line),
                        format!(
                            "container `{name}` of {} has no {}",
                            w.display(),
                            missing.join(", ")
                        ),
                    )
                    .with_key(format!("{}:{name}", w.display())),
                );
            }
        }
    }
    if findings.is_empty() && !placeholders.is_empty() {
        return Verdict::warn(
            format!(
                "{} resource value(s) are still placeholders",
                placeholders.len()
            ),
            placeholders,
        );
    }
    if findings.is_empty() {
        Verdict::pass(format!(
            "{containers} container(s) set requests and a memory limit"
        ))
    } else {
        Verdict::fail(
            format!(
                "{} of {containers} container(s) lack requests or a memory limit",
                findings.len()
            ),
            findings,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    const HEAD: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: web:1.2\n";

    #[test]
    fn missing_partial_and_complete() {
        let v = run_on_files(&CHECK, &[("k8s/web.yaml", HEAD)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(8));
        assert!(
            v.findings[0]
                .message
                .contains("requests.cpu, requests.memory, limits.memory")
        );
        let partial = format!(
            "{HEAD}          resources:\n            requests: {{cpu: 100m, memory: 128Mi}}\n"
        );
        let v = run_on_files(&CHECK, &[("k8s/web.yaml", &partial)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert!(
            v.findings[0].message.ends_with("has no limits.memory"),
            "{}",
            v.findings[0].message
        );
        let full = format!(
            "{HEAD}          resources:\n            requests: {{cpu: 100m, memory: 128Mi}}\n            limits: {{memory: 256Mi}}\n"
        );
        assert_eq!(
            run_on_files(&CHECK, &[("k8s/web.yaml", &full)]).outcome,
            Outcome::Pass
        );
    }

    #[test]
    fn placeholder_values_warn_until_sized() {
        let marked = format!(
            "{HEAD}          resources:\n            requests:\n              cpu: 100m # shipshape:placeholder — size from measurements\n              memory: 128Mi\n            limits:\n              memory: 256Mi\n"
        );
        let v = run_on_files(&CHECK, &[("k8s/web.yaml", &marked)]);
        assert_eq!(v.outcome, Outcome::Warn, "{v:?}");
        assert_eq!(v.findings.len(), 1);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(12));
        assert!(
            v.findings[0]
                .message
                .contains("requests.cpu is a placeholder")
        );
        let sized = marked.replace(" # shipshape:placeholder — size from measurements", "");
        assert_eq!(
            run_on_files(&CHECK, &[("k8s/web.yaml", &sized)]).outcome,
            Outcome::Pass
        );
        // A missing value still fails, placeholder or not.
        let partial = format!(
            "{HEAD}          resources:\n            requests: {{cpu: 100m, memory: 128Mi}} # shipshape:placeholder\n"
        );
        assert_eq!(
            run_on_files(&CHECK, &[("k8s/web.yaml", &partial)]).outcome,
            Outcome::Fail
        );
    }

    #[test]
    fn limit_range_defaults_na_and_errors() {
        let lr = "apiVersion: v1\nkind: LimitRange\nmetadata: {name: d}\nspec:\n  limits:\n    - type: Container\n      default: {memory: 256Mi}\n      defaultRequest: {cpu: 100m, memory: 128Mi}\n";
        assert_eq!(
            run_on_files(&CHECK, &[("k8s/web.yaml", HEAD), ("k8s/lr.yaml", lr)]).outcome,
            Outcome::Pass
        );
        assert_eq!(
            run_on_files(&CHECK, &[("README.md", "x")]).outcome,
            Outcome::NotApplicable
        );
        let broken = "apiVersion: apps/v1\nkind: Deployment\nspec: [\n";
        let v = run_on_files(&CHECK, &[("k8s/web.yaml", broken)]);
        assert_eq!(v.outcome, Outcome::Error);
        assert!(v.summary.contains("k8s/web.yaml"));
    }
}
