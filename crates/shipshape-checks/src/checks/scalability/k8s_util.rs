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
        // Name a few; the diagnostics list every one.
        let shown: Vec<String> = errors
            .iter()
            .take(3)
            .map(|(p, e)| format!("{p}: {e}"))
            .collect();
        let more = errors.len() - shown.len();
        Verdict::error(format!(
            "{} Kubernetes manifest(s) could not be parsed: {}{}",
            errors.len(),
            shown.join("; "),
            if more > 0 {
                format!("; and {more} more (see the diagnostics)")
            } else {
                String::new()
            }
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

/// The unit's objects of these kinds (e.g. the autoscalers), collected once so that
/// per-workload look-ups scan a short list, not every object of the unit.
pub(crate) fn of_kinds<'a>(ctx: &Ctx<'a>, kinds: &[&str]) -> Vec<&'a K8sObject> {
    ctx.k8s()
        .filter(|o| kinds.contains(&o.kind.as_str()))
        .collect()
}

/// Among `candidates` (see [`of_kinds`]), those that target `workload` by
/// `scaleTargetRef`/`targetRef` name.
pub(crate) fn targets_by_ref<'a>(
    candidates: &[&'a K8sObject],
    workload: &K8sObject,
) -> Vec<&'a K8sObject> {
    candidates
        .iter()
        .copied()
        .filter(|o| targets(o, workload))
        .collect()
}

/// True when `o` (an autoscaler) targets `workload` by `scaleTargetRef`/`targetRef`
/// name (and kind, when given) in its namespace.
pub(crate) fn targets(o: &K8sObject, workload: &K8sObject) -> bool {
    let spec = o.doc.idx("spec");
    let r = spec.get("scaleTargetRef").or_else(|| spec.get("targetRef"));
    same_namespace(o, workload)
        && r.is_some_and(|r| {
            r.idx("name").as_str() == Some(workload.name.as_str())
                && r.idx("kind").as_str().is_none_or(|k| k == workload.kind)
        })
}

/// What an object's pod selector selects, by kind: a Service's `spec.selector`, a
/// PodDisruptionBudget's `spec.selector` (its `matchLabels`, or the map itself), a
/// NetworkPolicy's `spec.podSelector` or a CiliumNetworkPolicy's `spec.endpointSelector`
/// (empty: every pod of the namespace; only `matchExpressions`: not decided here).
/// Other kinds select nothing.
pub(crate) fn selects(o: &K8sObject) -> Selects<'_> {
    let spec = o.doc.idx("spec");
    match o.kind.as_str() {
        "Service" => spec
            .get("selector")
            .map_or(Selects::Nothing, Selects::Labels),
        "PodDisruptionBudget" => {
            let selector = spec.idx("selector");
            Selects::Labels(selector.get("matchLabels").unwrap_or(selector))
        }
        "NetworkPolicy" | "CiliumNetworkPolicy" => {
            let sel = if o.kind == "NetworkPolicy" {
                spec.get("podSelector")
            } else {
                spec.get("endpointSelector")
            };
            let Some(sel) = sel else {
                return Selects::Nothing;
            };
            let labels = sel.get("matchLabels").unwrap_or(sel);
            if !labels.entries().is_empty() {
                Selects::Labels(labels)
            } else if sel.get("matchExpressions").is_none() {
                Selects::All
            } else {
                Selects::Nothing
            }
        }
        _ => Selects::Nothing,
    }
}

/// What an object's selector selects, for [`SelectorIndex`].
pub(crate) enum Selects<'a> {
    /// Every pod of the namespace (`podSelector: {}` of a NetworkPolicy).
    All,
    /// Pods carrying all these labels (a `matchLabels`-style map).
    Labels(&'a Yaml),
    /// Nothing (no selector, or one this index cannot decide).
    Nothing,
}

/// `(position in the input, object, label map)`.
type Indexed<'a> = (usize, &'a K8sObject, &'a Yaml);

/// A hash of one `key: value` label pair, without building strings (values that are
/// not text, such as `tier: 1`, hash their text form).
fn pair_hash(key: &str, value: &Yaml) -> Option<u64> {
    use std::hash::{BuildHasher, Hash, Hasher};
    static STATE: std::sync::OnceLock<std::collections::hash_map::RandomState> =
        std::sync::OnceLock::new();
    let mut h = STATE.get_or_init(Default::default).build_hasher();
    key.hash(&mut h);
    match value.as_str() {
        Some(v) => v.hash(&mut h),
        None => value.scalar_text()?.as_str().hash(&mut h),
    }
    Some(h.finish())
}

/// Objects bucketed by the first `key: value` pair of their selector, so a workload
/// meets only the objects that could select it (every candidate is then checked in
/// full with [`selector_matches`]).
pub(crate) struct SelectorIndex<'a> {
    by_pair: std::collections::HashMap<u64, Vec<Indexed<'a>>>,
    all: Vec<(usize, &'a K8sObject)>,
}

impl<'a> SelectorIndex<'a> {
    pub(crate) fn new(
        objects: impl IntoIterator<Item = &'a K8sObject>,
        selector_of: impl Fn(&'a K8sObject) -> Selects<'a>,
    ) -> SelectorIndex<'a> {
        let mut by_pair: std::collections::HashMap<_, Vec<_>> = Default::default();
        let mut all = Vec::new();
        for (n, o) in objects.into_iter().enumerate() {
            match selector_of(o) {
                Selects::All => all.push((n, o)),
                Selects::Labels(labels) => {
                    let Some((k, v)) = labels.entries().first() else {
                        continue;
                    };
                    let Some(h) = pair_hash(k, v) else { continue };
                    by_pair.entry(h).or_default().push((n, o, labels));
                }
                Selects::Nothing => {}
            }
        }
        SelectorIndex { by_pair, all }
    }

    /// The first object (in the order given to [`SelectorIndex::new`]) that selects the
    /// workload: what [`SelectorIndex::selecting_indexed`] would put first, without the
    /// list.
    pub(crate) fn first_selecting(&self, workload: &K8sObject) -> Option<&'a K8sObject> {
        let mut best: Option<(usize, &'a K8sObject)> = self
            .all
            .iter()
            .find(|(_, o)| same_namespace(o, workload))
            .copied();
        if let Some(labels) = workload.pod_labels() {
            for (k, v) in labels.entries() {
                let Some(h) = pair_hash(k, v) else { continue };
                for &(n, o, sel) in self.by_pair.get(&h).into_iter().flatten() {
                    if best.is_some_and(|(b, _)| b <= n) {
                        // Buckets hold objects in index order: nothing later can win.
                        break;
                    }
                    if same_namespace(o, workload) && selector_matches(sel, labels) {
                        best = Some((n, o));
                        break;
                    }
                }
            }
        }
        best.map(|(_, o)| o)
    }

    /// Every object that selects the workload, in the order given to
    /// [`SelectorIndex::new`], with its position there (to look up what a check prepared
    /// per object).
    pub(crate) fn selecting_indexed(&self, workload: &K8sObject) -> Vec<(usize, &'a K8sObject)> {
        let mut out: Vec<(usize, &'a K8sObject)> = self
            .all
            .iter()
            .filter(|(_, o)| same_namespace(o, workload))
            .copied()
            .collect();
        if let Some(labels) = workload.pod_labels() {
            for (k, v) in labels.entries() {
                let Some(h) = pair_hash(k, v) else { continue };
                if let Some(bucket) = self.by_pair.get(&h) {
                    out.extend(
                        bucket
                            .iter()
                            .filter(|(_, o, sel)| {
                                same_namespace(o, workload) && selector_matches(sel, labels)
                            })
                            .map(|(n, o, _)| (*n, *o)),
                    );
                }
            }
        }
        // Two label pairs whose hashes collide would meet the same bucket twice.
        out.sort_by_key(|(n, _)| *n);
        out.dedup_by_key(|(n, _)| *n);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(text: &str) -> K8sObject {
        let doc = shipshape_facts::parse_document(text).expect("test YAML parses");
        K8sObject::from_doc("k8s/x.yaml", &doc).expect("a Kubernetes object")
    }

    #[test]
    fn first_selecting_is_the_first_of_all_selecting() {
        let policy = |ns: &str, sel: &str| {
            object(&format!(
                "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: p, namespace: {ns}}}\nspec:\n  podSelector: {sel}\n"
            ))
        };
        let policies = [
            policy("other", "{}"),
            policy("default", "{matchLabels: {app: b}}"),
            policy("default", "{matchLabels: {tier: x, app: a}}"),
            policy("default", "{matchLabels: {app: a, tier: y}}"),
            policy("default", "{matchLabels: {app: a}}"),
            policy("default", "{}"),
        ];
        let index = SelectorIndex::new(policies.iter(), |p| {
            let sel = p.doc.idx("spec").idx("podSelector");
            match sel.get("matchLabels") {
                Some(labels) => Selects::Labels(labels),
                None => Selects::All,
            }
        });
        for (labels, expected) in [
            ("{app: a, tier: x}", vec![2, 4, 5]),
            ("{app: a, tier: y}", vec![3, 4, 5]),
            ("{app: b}", vec![1, 5]),
            ("{app: c}", vec![5]),
        ] {
            let w = object(&format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: w, namespace: default}}\nspec:\n  template:\n    metadata: {{labels: {labels}}}\n    spec: {{containers: [{{name: c, image: i}}]}}\n"
            ));
            let all: Vec<usize> = index
                .selecting_indexed(&w)
                .iter()
                .map(|(n, _)| *n)
                .collect();
            assert_eq!(all, expected, "{labels}");
            let first = index.first_selecting(&w).map(|o| o as *const K8sObject);
            assert_eq!(
                first,
                Some(&policies[expected[0]] as *const K8sObject),
                "{labels}"
            );
        }
    }
}
