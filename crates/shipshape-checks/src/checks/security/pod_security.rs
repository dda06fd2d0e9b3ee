//! Shared evaluation for the Kubernetes pod-hardening checks: walk every
//! container (init containers included) of every workload, ask a per-container
//! rule, and turn the answers into one verdict with a finding per container.

use crate::checks::scalability::k8s_util::{container_name, nothing_to_judge};
use crate::{Ctx, Verdict};
use shipshape_facts::Yaml;
use shipshape_model::{Finding, Location};

/// What a rule sees: a workload's pod spec and one of its containers.
pub(crate) struct Subject<'a> {
    pub pod: &'a Yaml,
    pub container: &'a Yaml,
}

impl Subject<'_> {
    /// `securityContext.<key>` of the container, else of the pod (for fields both carry).
    pub fn effective(&self, key: &str) -> Option<&Yaml> {
        self.container
            .idx("securityContext")
            .get(key)
            .or_else(|| self.pod.idx("securityContext").get(key))
    }

    /// `securityContext.<key>` of the container only.
    pub fn own(&self, key: &str) -> Option<&Yaml> {
        self.container.idx("securityContext").get(key)
    }

    /// The best line for evidence: the given node's, else the container's.
    pub fn line_of(&self, node: Option<&Yaml>) -> u32 {
        node.map_or(self.container.line, |n| n.line)
    }
}

/// A rule's answer for one container: `Ok(())` or `Err((message, line))`.
pub(crate) type RuleResult = Result<(), (String, u32)>;

/// Run `rule` over every container of the unit's workloads.
pub(crate) fn evaluate(ctx: &Ctx, what: &str, rule: impl Fn(&Subject) -> RuleResult) -> Verdict {
    let workloads: Vec<_> = ctx.workloads().collect();
    if workloads.is_empty() {
        return nothing_to_judge(ctx, "no Kubernetes workload in the unit");
    }
    let mut findings = Vec::new();
    let mut total = 0;
    for w in &workloads {
        let Some(pod) = w.pod_spec() else { continue };
        for c in w.containers(true) {
            total += 1;
            let s = Subject { pod, container: c };
            if let Err((msg, line)) = rule(&s) {
                let name = container_name(c);
                findings.push(
                    Finding::at(
                        Location::line(&w.path, line),
                        format!("container `{name}` of {}: {msg}", w.display()),
                    )
                    .with_key(format!("{}:{name}", w.display())),
                );
            }
        }
    }
    if findings.is_empty() {
        Verdict::pass(format!("{total} container(s) {what}"))
    } else {
        Verdict::fail(
            format!("{} of {total} container(s) do not {what}", findings.len()),
            findings,
        )
    }
}
