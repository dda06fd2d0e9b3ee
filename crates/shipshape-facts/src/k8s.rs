//! Kubernetes objects read from multi-document YAML.

use crate::yaml::{KeyPath, Yaml};
use std::sync::Arc;

/// A document (or an item of a `kind: List` document) inside a parsed YAML file,
/// shared with the file's parse rather than copied: thousands of manifests would
/// otherwise sit in memory twice. Dereferences to the [`Yaml`] node.
#[derive(Debug, Clone)]
pub struct SharedDoc {
    docs: Arc<Vec<Yaml>>,
    index: usize,
    /// The `items` entry of a `kind: List` document and the item's position in it.
    item: Option<(KeyPath, usize)>,
}

impl SharedDoc {
    /// Document `index` of `docs`, or item `item` of its `items` when given (both
    /// taken by the caller from the parse they share).
    pub fn new(docs: Arc<Vec<Yaml>>, index: usize, item: Option<usize>) -> SharedDoc {
        let item = item.map(|i| {
            let at = docs[index].key_path(&["items"]).unwrap_or(KeyPath::EMPTY);
            (at, i)
        });
        SharedDoc { docs, index, item }
    }
}

impl std::ops::Deref for SharedDoc {
    type Target = Yaml;
    fn deref(&self) -> &Yaml {
        let doc = &self.docs[self.index];
        match &self.item {
            Some((at, i)) => doc.follow(at).map_or(doc, |list| &list.items()[*i]),
            None => doc,
        }
    }
}

impl PartialEq for SharedDoc {
    fn eq(&self, other: &SharedDoc) -> bool {
        **self == **other
    }
}

/// One Kubernetes object and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct K8sObject {
    pub path: String,
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    /// Line of the document's `kind:`.
    pub line: u32,
    pub doc: SharedDoc,
    /// True when the file looks like test code (see [`crate::signals::is_test_path`]),
    /// computed once here rather than by every check for every object.
    pub in_test: bool,
    /// True when a `kustomization.yaml` applies the file as a patch
    /// (`patchesStrategicMerge`, `patches`, `patchesJson6902`): a fragment merged into a
    /// base object, not an object of its own (grafana/loki's operator overlays patch one
    /// field of the manager Deployment each).
    pub patch: bool,
    /// Where the pod template's spec and labels are (see [`K8sObject::pod_spec`]):
    /// found once, asked by most Kubernetes checks of every object.
    pod_spec_at: Option<KeyPath>,
    pod_labels_at: Option<KeyPath>,
}

/// Workload kinds whose pods run continuously.
pub const LONG_RUNNING: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Rollout",
];

impl K8sObject {
    /// Build from a YAML document; `None` when it is not a Kubernetes object.
    pub fn from_doc(path: &str, doc: &Yaml) -> Option<K8sObject> {
        K8sObject::from_shared(path, SharedDoc::new(Arc::new(vec![doc.clone()]), 0, None))
    }

    /// Build from a document shared with the file's parse; `None` when it is not a
    /// Kubernetes object.
    pub fn from_shared(path: &str, shared: SharedDoc) -> Option<K8sObject> {
        let doc: &Yaml = &shared;
        let kind = doc.get("kind")?;
        let api_version = doc.get("apiVersion")?.as_str()?.to_string();
        let meta = doc.idx("metadata");
        let mut object = K8sObject {
            path: path.to_string(),
            api_version,
            kind: kind.as_str()?.to_string(),
            name: meta.idx("name").scalar_text().unwrap_or_default(),
            namespace: meta.idx("namespace").scalar_text(),
            line: kind.line,
            doc: shared.clone(),
            in_test: crate::signals::is_test_path(path),
            patch: false,
            pod_spec_at: None,
            pod_labels_at: None,
        };
        let doc: &Yaml = &object.doc;
        let (spec_at, labels_at) = match object.kind.as_str() {
            "Pod" => (
                doc.key_path(&["spec"]),
                doc.key_path(&["metadata", "labels"]),
            ),
            "Deployment"
            | "StatefulSet"
            | "DaemonSet"
            | "ReplicaSet"
            | "Job"
            | "Rollout"
            | "ReplicationController" => (
                doc.key_path(&["spec", "template", "spec"]),
                doc.key_path(&["spec", "template", "metadata", "labels"]),
            ),
            "CronJob" => (
                doc.key_path(&["spec", "jobTemplate", "spec", "template", "spec"]),
                doc.key_path(&[
                    "spec",
                    "jobTemplate",
                    "spec",
                    "template",
                    "metadata",
                    "labels",
                ]),
            ),
            _ => (
                None,
                doc.key_path(&["spec", "template", "metadata", "labels"]),
            ),
        };
        // Labels are only asked of objects that have a spec (as before).
        let has_spec = doc.get("spec").is_some();
        object.pod_spec_at = spec_at;
        object.pod_labels_at = labels_at.filter(|_| has_spec);
        Some(object)
    }

    /// True for kinds that run pods (workloads).
    pub fn is_workload(&self) -> bool {
        self.pod_spec_at.is_some()
    }

    /// True for workloads whose pods are meant to keep running (not Job/CronJob/Pod).
    pub fn is_long_running(&self) -> bool {
        LONG_RUNNING.contains(&self.kind.as_str())
    }

    /// The pod template's `spec`, for every workload kind.
    pub fn pod_spec(&self) -> Option<&Yaml> {
        self.doc.follow(self.pod_spec_at.as_ref()?)
    }

    /// The pod template's labels.
    pub fn pod_labels(&self) -> Option<&Yaml> {
        self.doc.follow(self.pod_labels_at.as_ref()?)
    }

    /// Every container (init containers excluded unless `with_init`).
    pub fn containers(&self, with_init: bool) -> Vec<&Yaml> {
        let Some(spec) = self.pod_spec() else {
            return vec![];
        };
        let mut out: Vec<&Yaml> = spec.idx("containers").items().iter().collect();
        if with_init {
            out.extend(spec.idx("initContainers").items());
        }
        out
    }

    /// `spec.replicas` when set (a Deployment defaults to 1).
    pub fn replicas(&self) -> Option<i64> {
        self.doc.at(&["spec", "replicas"]).and_then(Yaml::as_i64)
    }

    /// `kind/name` for messages.
    pub fn display(&self) -> String {
        format!("{}/{}", self.kind, self.name)
    }
}

/// True when every `key: value` of `selector` (a matchLabels map) is in `labels`.
pub fn selector_matches(selector: &Yaml, labels: &Yaml) -> bool {
    let entries = selector.entries();
    !entries.is_empty()
        && entries
            .iter()
            .all(|(k, v)| labels.get(k).is_some_and(|lv| lv.scalar_eq(v)))
}

/// The files a Kustomization applies as patches, repository-relative: the entries of
/// `patchesStrategicMerge`, and the `path` of `patches` and `patchesJson6902` entries,
/// resolved against the kustomization's directory. `kustomization` is its parsed
/// document, `dir` its directory (`""` for the root).
pub fn kustomize_patch_paths(kustomization: &Yaml, dir: &str) -> Vec<String> {
    let mut rel: Vec<String> = kustomization
        .idx("patchesStrategicMerge")
        .items()
        .iter()
        .filter_map(Yaml::as_str)
        .map(str::to_string)
        .collect();
    for key in ["patches", "patchesJson6902"] {
        for p in kustomization.idx(key).items() {
            if let Some(path) = p.as_str().or_else(|| p.idx("path").as_str()) {
                rel.push(path.to_string());
            }
        }
    }
    rel.into_iter()
        .filter(|r| !r.contains('\n'))
        .filter_map(|r| {
            let joined = if dir.is_empty() {
                r
            } else {
                format!("{dir}/{r}")
            };
            crate::ci::normalise_path(&joined)
        })
        .collect()
}
