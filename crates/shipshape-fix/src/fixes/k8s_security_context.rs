//! `k8s-security-context`: a hardened container `securityContext` for the Kubernetes
//! pod-hardening checks (`security/k8s-non-root`, `security/k8s-no-privilege-escalation`,
//! `security/k8s-read-only-root`, `security/k8s-capabilities-dropped`).
//!
//! **Edits** every container (init containers included) of the workloads in the
//! manifests a check flags, one fix per manifest, **review**: a container that writes
//! to its root filesystem needs an `emptyDir` for that path, and the kubelet refuses to
//! start one whose image runs as root (pair it with the `dockerfile-user` fix).
//!
//! Each container gets the settings it lacks, and only those:
//! - `runAsNonRoot: true`, unless the container or its pod already sets it or a
//!   non-zero `runAsUser`;
//! - `allowPrivilegeEscalation: false`;
//! - `readOnlyRootFilesystem: true`;
//! - `capabilities: {drop: [ALL]}` (in block style).
//!
//! An existing block `securityContext:` of the container gets the missing keys as its
//! first lines; a container without one gets a new block as its last key. Whatever
//! check asked, the edit of a manifest is the same (the four settings together), so the
//! four checks' fixes are one change. Every other byte (comments, order, other
//! documents) is kept.
//!
//! Not edited, with a note: explicit contrary settings (`runAsUser: 0`,
//! `privileged: true`, `allowPrivilegeEscalation: true`: someone chose them), a
//! `capabilities` block without `drop: [ALL]`, flow-style containers or security
//! contexts, and Helm templates (set the chart's values instead).

use super::FixDef;
use super::text::{
    end_of_mapping, first_key, indent_of, indented, is_blank_or_comment, lines_with_offsets,
};
use crate::{Applicability, FileEdit, Fix, FixCtx};
use shipshape_facts::Yaml;

pub static FIX: FixDef = FixDef {
    check_id: "security/k8s-non-root",
    ..FIX_TEMPLATE
};
pub static FIX_ESCALATION: FixDef = FixDef {
    check_id: "security/k8s-no-privilege-escalation",
    ..FIX_TEMPLATE
};
pub static FIX_READ_ONLY: FixDef = FixDef {
    check_id: "security/k8s-read-only-root",
    ..FIX_TEMPLATE
};
pub static FIX_CAPABILITIES: FixDef = FixDef {
    check_id: "security/k8s-capabilities-dropped",
    ..FIX_TEMPLATE
};
const FIX_TEMPLATE: FixDef = FixDef {
    check_id: "",
    name: "k8s-security-context",
    title: "Harden each Kubernetes container's securityContext (non-root, no privilege escalation, read-only root, no capabilities)",
    generate,
};

/// The settings a container lacks, as `(key, block lines at 0 indent)`, or why it is
/// left alone.
fn missing(pod: &Yaml, c: &Yaml) -> Result<Vec<(&'static str, &'static str)>, String> {
    let own = |k: &str| c.idx("securityContext").get(k);
    let effective = |k: &str| own(k).or_else(|| pod.idx("securityContext").get(k));
    if effective("runAsUser").and_then(Yaml::as_i64) == Some(0)
        || effective("runAsNonRoot").and_then(Yaml::as_bool) == Some(false)
        || own("privileged").and_then(Yaml::as_bool) == Some(true)
        || own("allowPrivilegeEscalation").and_then(Yaml::as_bool) == Some(true)
        || own("readOnlyRootFilesystem").and_then(Yaml::as_bool) == Some(false)
    {
        return Err("sets root, privileged or a writable root filesystem on purpose".into());
    }
    let mut out = Vec::new();
    let non_root = effective("runAsNonRoot").and_then(Yaml::as_bool) == Some(true)
        || effective("runAsUser")
            .and_then(Yaml::as_i64)
            .is_some_and(|u| u > 0);
    if !non_root {
        out.push(("runAsNonRoot", "runAsNonRoot: true\n"));
    }
    if own("allowPrivilegeEscalation").is_none() {
        out.push((
            "allowPrivilegeEscalation",
            "allowPrivilegeEscalation: false\n",
        ));
    }
    if own("readOnlyRootFilesystem").is_none() {
        out.push(("readOnlyRootFilesystem", "readOnlyRootFilesystem: true\n"));
    }
    match own("capabilities") {
        None => out.push(("capabilities", "capabilities:\n  drop:\n    - ALL\n")),
        Some(caps) => {
            let drops_all = caps
                .idx("drop")
                .items()
                .iter()
                .any(|d| d.as_str().is_some_and(|s| s.eq_ignore_ascii_case("ALL")));
            if !drops_all {
                return Err("has a `capabilities` block without `drop: [ALL]`".into());
            }
        }
    }
    Ok(out)
}

/// The edit for one container, or a note.
fn container_edit(
    path: &str,
    text: &str,
    lines: &[(usize, &str)],
    pod: &Yaml,
    c: &Yaml,
    name: &str,
) -> Result<Option<FileEdit>, String> {
    let first = c.line.saturating_sub(1) as usize;
    let Some((_, first_line)) = lines.get(first) else {
        return Ok(None);
    };
    let (key_col, flow) = first_key(first_line);
    if flow {
        return Err(format!(
            "{path}:{}: container `{name}` is written in flow style; add its securityContext by hand",
            c.line
        ));
    }
    let keys = missing(pod, c)
        .map_err(|why| format!("{path}:{}: container `{name}` {why}; left as it is", c.line))?;
    if keys.is_empty() {
        return Ok(None);
    }
    // The container's block: up to the first content line left of its keys.
    let end = (first + 1..lines.len())
        .find(|&i| !is_blank_or_comment(lines[i].1) && indent_of(lines[i].1) < key_col)
        .unwrap_or(lines.len());
    let sc_line = (first..end).find(|&i| {
        let l = lines[i].1;
        let col = if i == first { key_col } else { indent_of(l) };
        col == key_col && l[col..].starts_with("securityContext:")
    });
    let body: String = keys.iter().map(|(_, b)| *b).collect();
    match sc_line {
        Some(i) => {
            let (off, l) = lines[i];
            let after =
                l[l.find("securityContext:").unwrap_or(0) + "securityContext:".len()..].trim();
            if !after.is_empty() && !after.starts_with('#') {
                return Err(format!(
                    "{path}:{}: container `{name}`'s securityContext is written in flow style; add {} by hand",
                    i + 1,
                    keys.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", ")
                ));
            }
            let child = lines[i + 1..end]
                .iter()
                .find(|(_, l)| !is_blank_or_comment(l))
                .map(|(_, l)| indent_of(l))
                .filter(|&n| n > key_col)
                .unwrap_or(key_col + 2);
            let at = off + l.len() + usize::from(text[off + l.len()..].starts_with('\n'));
            Ok(Some(FileEdit::insert(
                path,
                text,
                at,
                indented(&body, child),
            )))
        }
        None => {
            let (_, at, lead) = end_of_mapping(text, lines, first, key_col);
            let block = format!("securityContext:\n{}", indented(&body, 2));
            Ok(Some(FileEdit::insert(
                path,
                text,
                at,
                format!("{lead}{}", indented(&block, key_col)),
            )))
        }
    }
}

fn plan(ctx: &FixCtx, path: &str) -> Option<Fix> {
    let text = ctx.facts.text(path)?;
    if text.contains("{{") {
        ctx.note(format!(
            "{path}: a Helm template; set the containers' securityContext in the chart's values"
        ));
        return None;
    }
    let lines = lines_with_offsets(text);
    let mut edits = Vec::new();
    let mut names = Vec::new();
    for o in ctx
        .facts
        .k8s_objects()
        .items
        .iter()
        .filter(|o| o.path == path && o.is_workload() && !o.patch)
    {
        let Some(pod) = o.pod_spec() else {
            continue;
        };
        for c in o.containers(true) {
            let name = c.idx("name").as_str().unwrap_or("?");
            match container_edit(path, text, &lines, pod, c, name) {
                Ok(Some(e)) => {
                    edits.push(e);
                    names.push(format!("{}/{} `{name}`", o.kind, o.name));
                }
                Ok(None) => {}
                Err(why) => ctx.note(why),
            }
        }
    }
    if edits.is_empty() {
        return None;
    }
    edits.sort_by_key(|e| match e {
        FileEdit::Replace { start, .. } => *start,
        FileEdit::Create { .. } => 0,
    });
    Some(ctx.fix(
        Applicability::Review,
        format!(
            "harden the securityContext of {} in {path} (runAsNonRoot, allowPrivilegeEscalation: false, readOnlyRootFilesystem, drop ALL capabilities, each only where missing); a container that writes to its filesystem needs an emptyDir for that path, and its image must run as a non-root user",
            names.join(", ")
        ),
        edits,
    ))
}

fn generate(ctx: &FixCtx) -> Vec<Fix> {
    let mut paths: Vec<&str> = ctx
        .result
        .findings
        .iter()
        .filter_map(|f| f.location.as_ref().map(|l| l.path.as_str()))
        .collect();
    paths.sort_unstable();
    paths.dedup();
    paths.into_iter().filter_map(|p| plan(ctx, p)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Inputs;
    use crate::testing::{applied, run_fix};
    use shipshape_facts::Facts;
    use shipshape_model::Outcome;

    const M: &str = "k8s/api.yaml";

    fn fixed(def: &FixDef, manifest: &str) -> (String, Vec<String>) {
        let files = [(M, manifest)];
        let (before, fixes, notes) = run_fix(def, &Facts::from_memory(&files), &Inputs::default());
        assert_eq!(before, Outcome::Fail, "{}", def.check_id);
        let out = applied(&files, &fixes);
        let new = out
            .iter()
            .find(|(p, _)| p == M)
            .map_or(manifest.to_string(), |(_, t)| t.clone());
        (new, notes)
    }

    fn outcome(def: &FixDef, manifest: &str) -> Outcome {
        run_fix(
            def,
            &Facts::from_memory(&[(M, manifest)]),
            &Inputs::default(),
        )
        .0
    }

    const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.2.3\n          # the API port\n          ports:\n            - containerPort: 8080\n        - name: sidecar\n          image: ghcr.io/acme/proxy:2\n          securityContext:\n            runAsUser: 10001\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: api\n";

    #[test]
    fn every_container_gets_what_it_lacks_and_all_four_checks_pass() {
        let (out, _) = fixed(&FIX, DEPLOY);
        let want = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.2.3\n          # the API port\n          ports:\n            - containerPort: 8080\n          securityContext:\n            runAsNonRoot: true\n            allowPrivilegeEscalation: false\n            readOnlyRootFilesystem: true\n            capabilities:\n              drop:\n                - ALL\n        - name: sidecar\n          image: ghcr.io/acme/proxy:2\n          securityContext:\n            allowPrivilegeEscalation: false\n            readOnlyRootFilesystem: true\n            capabilities:\n              drop:\n                - ALL\n            runAsUser: 10001\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: api\n";
        assert_eq!(out, want);
        for def in [&FIX, &FIX_ESCALATION, &FIX_READ_ONLY, &FIX_CAPABILITIES] {
            assert_eq!(outcome(def, &out), Outcome::Pass, "{}", def.check_id);
        }
        // The same edit whichever check asks: the four fixes are one change.
        let (other, _) = fixed(&FIX_READ_ONLY, DEPLOY);
        assert_eq!(other, want);
    }

    #[test]
    fn contrary_settings_flow_style_and_templates_are_noted() {
        let root = DEPLOY.replace("runAsUser: 10001", "runAsUser: 0");
        let (out, notes) = fixed(&FIX, &root);
        assert!(
            notes
                .iter()
                .any(|n| n.contains("`sidecar`") && n.contains("on purpose")),
            "{notes:?}"
        );
        assert!(out.contains("runAsUser: 0"));
        let flow = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  template:\n    spec:\n      containers:\n        - {name: a, image: a:1}\n";
        let (out, notes) = fixed(&FIX, flow);
        assert_eq!(out, flow);
        assert!(notes.iter().any(|n| n.contains("flow style")), "{notes:?}");
    }

    #[test]
    fn a_file_without_a_final_newline_gets_one() {
        let m = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: p\n    image: p:1";
        let (out, _) = fixed(&FIX, m);
        assert!(out.ends_with("    image: p:1\n    securityContext:\n      runAsNonRoot: true\n      allowPrivilegeEscalation: false\n      readOnlyRootFilesystem: true\n      capabilities:\n        drop:\n          - ALL\n"), "{out}");
        assert_eq!(outcome(&FIX_CAPABILITIES, &out), Outcome::Pass);
    }
}
