//! `rollback/immutable-image-tags`: deployed and base images are referenced by a fixed tag or digest.

use crate::checks::delivery::gha::is_production_path;
use crate::checks::scalability::k8s_util::container_name;
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::{FileKind, Yaml, YamlValue};
use shipshape_model::{Area, Finding, Location, Severity};
use std::collections::HashSet;
use std::sync::Arc;

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "rollback/immutable-image-tags",
        title: "Images are referenced by a fixed tag or digest",
        area: Area::Rollback,
        severity: Severity::High,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "units with Kubernetes manifests, compose files, Helm values or Dockerfiles",
        rationale: "`:latest` (or no tag, which means `:latest`) names whatever was pushed last. A rollback re-deploys the same moving tag, nodes pull different images for the same manifest, and nobody can tell which code is running.",
        evaluation: "Reads every image reference of the unit outside test fixtures and `examples/` or `samples/` directories: containers and init containers of Kubernetes workloads, `image:` of compose services (services that also have `build:` name a locally built image and are skipped), Helm values (`image: name:tag` strings and `repository`/`tag` maps; an empty tag defers to the chart's appVersion and is accepted), and every Dockerfile `FROM` (stage references and `scratch` excluded). A reference fails when it has no tag or the tag is `latest`; a `@sha256:` digest always passes; references built from unresolved variables or templates (`${TAG}`, `{{ }}`) are not judged. A Kustomize `images:` entry with a fixed `newTag`/`digest`, and a Skaffold `build.artifacts` entry (Skaffold sets the built tag at deploy time), pin the images they name; `ko://` references are resolved by ko at deploy time. One finding per reference at its line; `n/a` when the unit has none of these files; `error` when such a file does not parse and nothing else was found.",
        remediation: "Reference images by an immutable version tag (`registry/app:1.4.2`, or the git SHA) or by digest (`app@sha256:...`), set by your release pipeline; pin Dockerfile base images the same way (`FROM python:3.12.4-slim`).",
        references: &[
            "https://kubernetes.io/docs/concepts/containers/images/#image-names",
            "https://docs.docker.com/build/building/best-practices/#pin-base-image-versions",
        ],
    },
    run,
};

/// Why an image reference is mutable, `None` when it is fixed (or cannot be judged).
pub(crate) fn mutable_reason(image: &str) -> Option<&'static str> {
    let image = image.trim().trim_matches(|c| c == '"' || c == '\'');
    if image.is_empty()
        || image.contains("@sha256:")
        || image.contains('$')
        || image.contains("{{")
        || image.starts_with("ko://")
        || image.eq_ignore_ascii_case("scratch")
    {
        return None;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, "latest")) => Some("uses the `:latest` tag"),
        Some((_, "")) => Some("has an empty tag"),
        Some(_) => None,
        None => Some("has no tag (means `:latest`)"),
    }
}

fn name_of(image: &str) -> &str {
    let image = image.split('@').next().unwrap_or(image);
    match image.rsplit_once('/') {
        Some((head, last)) => {
            let cut = last.find(':').map_or(image.len(), |i| head.len() + 1 + i);
            &image[..cut]
        }
        None => image.split(':').next().unwrap_or(image),
    }
}

struct Scan<'a> {
    findings: Vec<Finding>,
    errors: Vec<String>,
    refs: usize,
    pinned_at_deploy: HashSet<String>,
    ctx: &'a Ctx<'a>,
}

impl Scan<'_> {
    /// Count and judge one reference; `context` (where it is, for the finding) is only
    /// built for a finding.
    fn judge(&mut self, path: &str, line: u32, image: &str, context: impl FnOnce() -> String) {
        self.refs += 1;
        if self.pinned_at_deploy.contains(name_of(image)) {
            return;
        }
        if let Some(why) = mutable_reason(image) {
            let context = context();
            self.findings.push(
                Finding::at(
                    Location::line(path, line),
                    format!("{context}: image `{image}` {why}"),
                )
                .with_key(format!("{context}:{image}")),
            );
        }
    }

    /// The file's YAML documents (shared with the facts, not copied).
    fn yaml_docs(&mut self, path: &str) -> Arc<Vec<Yaml>> {
        match self.ctx.facts.yaml(path) {
            Some(Ok(docs)) => docs,
            Some(Err(e)) => {
                self.errors.push(format!("{path}: {e}"));
                Arc::default()
            }
            None => Arc::default(),
        }
    }
}

fn run(ctx: &Ctx) -> Verdict {
    let is_kustomization = |p: &str| {
        let n = p.rsplit('/').next().unwrap_or(p);
        n == "kustomization.yaml" || n == "kustomization.yml"
    };
    // The files this check reads, chosen by name and kind before the path test.
    let files: Vec<(&str, FileKind)> = ctx
        .files()
        .filter(|f| f.kind == FileKind::HelmValues || is_kustomization(&f.path))
        .filter(|f| is_production_path(&f.path))
        .map(|f| (f.path.as_str(), f.kind))
        .collect();
    let mut scan = Scan {
        findings: vec![],
        errors: vec![],
        refs: 0,
        pinned_at_deploy: HashSet::new(),
        ctx,
    };
    let mut sources = 0usize;
    // Kustomize image overrides first: they pin what the base manifests name.
    for &(path, _) in files.iter().filter(|(p, _)| is_kustomization(p)) {
        for d in scan.yaml_docs(path).iter() {
            for img in d.idx("images").items() {
                let fixed = img
                    .get("digest")
                    .or_else(|| img.get("newTag"))
                    .and_then(Yaml::scalar_text)
                    .is_some_and(|t| !t.is_empty() && t != "latest");
                if let (true, Some(n)) = (fixed, img.idx("name").as_str()) {
                    scan.pinned_at_deploy.insert(n.to_string());
                }
            }
        }
    }
    // Skaffold rewrites the images it builds to their fresh tag at deploy time.
    for o in ctx.facts.k8s_objects().items.iter() {
        if o.api_version.starts_with("skaffold/") {
            for a in o
                .doc
                .at(&["build", "artifacts"])
                .map(Yaml::items)
                .unwrap_or(&[])
            {
                if let Some(n) = a.idx("image").as_str() {
                    scan.pinned_at_deploy.insert(n.to_string());
                }
            }
        }
    }
    for w in ctx.workloads().filter(|w| is_production_path(&w.path)) {
        sources += 1;
        for c in w.containers(true) {
            let Some(img) = c.get("image") else { continue };
            let text;
            let image = match img.as_str() {
                Some(s) => s,
                None => match img.scalar_text() {
                    Some(t) => {
                        text = t;
                        &text
                    }
                    None => continue,
                },
            };
            scan.judge(&w.path, img.line, image, || {
                let name = container_name(c);
                format!("{} container `{name}`", w.display())
            });
        }
    }
    for e in ctx.k8s_errors() {
        scan.errors.push(format!("{}: {}", e.0, e.1));
    }
    for f in ctx
        .compose_files()
        .into_iter()
        .filter(|f| is_production_path(f.path))
    {
        sources += 1;
        for d in scan.yaml_docs(f.path).iter() {
            for (svc, def) in d
                .idx("services")
                .entries()
                .iter()
                .filter(|(svc, _)| f.includes(svc))
            {
                if def.get("build").is_some() {
                    continue;
                }
                if let Some(img) = def.get("image")
                    && let Some(s) = img.scalar_text()
                {
                    scan.judge(f.path, img.line, &s, || format!("compose service `{svc}`"));
                }
            }
        }
    }
    for &(path, _) in files
        .iter()
        .filter(|(_, kind)| *kind == FileKind::HelmValues)
    {
        sources += 1;
        for d in scan.yaml_docs(path).iter() {
            let mut hits: Vec<(u32, String, String)> = Vec::new();
            d.walk(&mut |n| {
                if let YamlValue::Map(entries) = &n.value {
                    for (k, v) in entries {
                        if k == "image"
                            && let Some(s) = v.as_str()
                        {
                            hits.push((v.line, s.to_string(), "Helm value `image`".into()));
                        }
                    }
                    let repo = n.get("repository").and_then(Yaml::as_str);
                    if let (Some(repo), Some(tag)) = (repo, n.get("tag"))
                        && tag.scalar_text().as_deref() == Some("latest")
                    {
                        hits.push((tag.line, format!("{repo}:latest"), "Helm values".into()));
                    }
                }
            });
            for (line, image, context) in hits {
                scan.judge(path, line, &image, || context);
            }
        }
    }
    for d in ctx.dockerfiles().filter(|d| is_production_path(&d.path)) {
        sources += 1;
        for s in &d.stages {
            if d.is_stage_ref(&s.image) {
                continue;
            }
            scan.judge(&d.path, s.line, &s.image, || "Dockerfile `FROM`".into());
        }
    }
    if sources == 0 && scan.errors.is_empty() {
        return Verdict::not_applicable(
            "no Kubernetes workload, compose file, Helm values or Dockerfile in the unit",
        );
    }
    let note = if scan.errors.is_empty() {
        String::new()
    } else {
        format!("; could not be parsed: {}", scan.errors.join("; "))
    };
    if !scan.findings.is_empty() {
        return Verdict::fail(
            format!(
                "{} of {} image reference(s) are mutable{note}",
                scan.findings.len(),
                scan.refs
            ),
            scan.findings,
        );
    }
    if !scan.errors.is_empty() {
        return Verdict::error(format!("no mutable image reference found{note}"));
    }
    if scan.refs == 0 {
        // Helm values without an image, templates (not rendered): nothing was judged.
        return Verdict::not_applicable(
            "no literal image reference in the unit's manifests, compose files, Helm values or Dockerfiles",
        );
    }
    Verdict::pass(format!(
        "all {} image reference(s) use a fixed tag or digest",
        scan.refs
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    #[test]
    fn reasons() {
        assert_eq!(mutable_reason("nginx:1.27.0"), None);
        assert_eq!(mutable_reason("ghcr.io/a/b@sha256:0123"), None);
        assert_eq!(mutable_reason("localhost:5000/app:2.1"), None);
        assert!(mutable_reason("localhost:5000/app").is_some());
        assert_eq!(
            mutable_reason("nginx:latest"),
            Some("uses the `:latest` tag")
        );
        assert_eq!(mutable_reason("app:${TAG}"), None);
        assert_eq!(name_of("localhost:5000/app:2.1"), "localhost:5000/app");
        assert_eq!(name_of("nginx:1"), "nginx");
    }

    #[test]
    fn k8s_compose_dockerfile() {
        let k = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      initContainers:\n        - name: init\n          image: busybox\n      containers:\n        - name: web\n          image: ghcr.io/acme/web:1.4.2\n";
        let v = run_on_files(&CHECK, &[("k8s/web.yaml", k)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings.len(), 1);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("k8s/web.yaml", 9))
        );
        let skaffold = "apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts:\n    - image: busybox\n      context: .\n";
        assert_eq!(
            run_on_files(&CHECK, &[("k8s/web.yaml", k), ("skaffold.yaml", skaffold)]).outcome,
            Outcome::Pass
        );
        // Kustomize pins it.
        let kz = "images:\n  - name: busybox\n    newTag: '1.36'\n";
        assert_eq!(
            run_on_files(
                &CHECK,
                &[("k8s/web.yaml", k), ("k8s/kustomization.yaml", kz)]
            )
            .outcome,
            Outcome::Pass
        );
        let compose =
            "services:\n  app:\n    build: .\n    image: app\n  db:\n    image: postgres:latest\n";
        let v = run_on_files(&CHECK, &[("compose.yaml", compose)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings.len(), 1);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("compose.yaml", 6))
        );
        let df = "FROM golang:1.23 AS build\nRUN go build\nFROM build AS test\nFROM alpine\nCOPY --from=build /a /a\n";
        let v = run_on_files(&CHECK, &[("Dockerfile", df)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings.len(), 1);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("Dockerfile", 4))
        );
        let values = "image:\n  repository: ghcr.io/acme/web\n  tag: latest\nsidecar:\n  image: envoy:v1.31.0\n";
        let v = run_on_files(&CHECK, &[("chart/values.yaml", values)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("chart/values.yaml", 3))
        );
        assert_eq!(
            run_on_files(&CHECK, &[("README.md", "x")]).outcome,
            Outcome::NotApplicable
        );
    }

    #[test]
    fn nothing_judged_is_not_a_pass() {
        // GoogleCloudPlatform/microservices-demo's chart: values without images, images
        // only in templates.
        let v = run_on_files(
            &CHECK,
            &[
                (
                    "chart/Chart.yaml",
                    "apiVersion: v2\nname: c\nversion: 1.0.0\n",
                ),
                ("chart/values.yaml", "images:\n  repository: gcr.io/x\n"),
            ],
        );
        assert_eq!(v.outcome, Outcome::NotApplicable, "{}", v.summary);
    }
}
