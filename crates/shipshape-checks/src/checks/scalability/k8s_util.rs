//! Helpers shared by the Kubernetes checks of several areas: the "no workloads"
//! verdict (error when a manifest failed to parse, else `n/a`), container names,
//! and selectors between objects.

use crate::{Ctx, Verdict};
use shipshape_facts::Yaml;
use shipshape_facts::k8s::{K8sObject, selector_matches};

/// The verdict when a check found nothing to judge: `error` naming the files
/// that failed to parse, else `n/a` with `reason`.
pub(crate) fn nothing_to_judge(ctx: &Ctx, reason: &str) -> Verdict {
    let errors = ctx.k8s_errors();
    if errors.is_empty() {
        Verdict::not_applicable(reason)
    } else {
        Verdict::error(format!(
            "Kubernetes manifest(s) could not be parsed: {}",
            errors
                .iter()
                .map(|(p, e)| format!("{p}: {e}"))
                .collect::<Vec<_>>()
                .join("; ")
        ))
    }
}

/// A container's name (or `?`).
pub(crate) fn container_name(c: &Yaml) -> String {
    c.idx("name").scalar_text().unwrap_or_else(|| "?".into())
}

/// True when two objects are in the same namespace (unset = same as any unset).
pub(crate) fn same_namespace(a: &K8sObject, b: &K8sObject) -> bool {
    a.namespace.as_deref().unwrap_or("default") == b.namespace.as_deref().unwrap_or("default")
        || a.namespace.is_none()
        || b.namespace.is_none()
}

/// True when a label selector (`matchLabels` form, or a plain map as in a Service)
/// selects the workload's pods.
pub(crate) fn selects(selector: &Yaml, workload: &K8sObject) -> bool {
    let Some(labels) = workload.pod_labels() else {
        return false;
    };
    let match_labels = selector.get("matchLabels").unwrap_or(selector);
    // `matchExpressions` alone: treat as not decidable here (not selected).
    selector_matches(match_labels, labels)
}

/// Objects of `kind` in the unit that target `workload` by `scaleTargetRef`/`targetRef` name.
pub(crate) fn targets_by_ref<'a>(
    ctx: &Ctx<'a>,
    kinds: &[&str],
    workload: &K8sObject,
) -> Vec<&'a K8sObject> {
    ctx.k8s()
        .filter(|o| kinds.contains(&o.kind.as_str()) && same_namespace(o, workload))
        .filter(|o| {
            let spec = o.doc.idx("spec");
            let r = spec.get("scaleTargetRef").or_else(|| spec.get("targetRef"));
            r.is_some_and(|r| {
                r.idx("name").as_str() == Some(workload.name.as_str())
                    && r.idx("kind").as_str().is_none_or(|k| k == workload.kind)
            })
        })
        .collect()
}
