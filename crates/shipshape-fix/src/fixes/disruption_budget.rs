//! `disruption-budget`: a PodDisruptionBudget for each multi-replica workload that has
//! none, for `scalability/disruption-budget`.
//!
//! **Creates** `<workload>-pdb.yaml` beside the workload's manifest, one fix per
//! directory: `policy/v1`, `maxUnavailable: 1` (a drain evicts one pod at a time, and
//! never blocks: the check fails a budget that allows no eviction), the workload's own
//! `spec.selector.matchLabels` (its pod template's labels when it has none), and its
//! namespace when its manifest names one. **Safe** when it only creates files; **review**
//! when the directory has a `kustomization.yaml` whose `resources:` list names the
//! workload's file: the new file is appended to that list (Kustomize applies only what it
//! lists), keeping the rest of the file byte for byte.
//!
//! Only budgets the check asks for (`no PodDisruptionBudget selects …`); a budget that
//! blocks evictions is for a person to loosen. Noted, not written: Helm templates (set it
//! in the chart), workloads whose selector is only `matchExpressions`, a
//! `<workload>-pdb.yaml` that already exists, and a kustomization that lists resources in
//! flow style or does not list the workload's file.

use super::FixDef;
use super::text::{indent_of, lines_with_offsets};
use crate::{Applicability, FileEdit, Fix, FixCtx};
use shipshape_facts::Yaml;
use shipshape_facts::k8s::K8sObject;

pub static FIX: FixDef = FixDef {
    check_id: "scalability/disruption-budget",
    name: "disruption-budget",
    title: "Add a PodDisruptionBudget (maxUnavailable: 1) for multi-replica workloads",
    generate,
};

/// A YAML scalar for a label key or value: plain when that reads back as the same string.
fn scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/' | '-'))
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        );
    if plain {
        s.to_string()
    } else {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// The labels the budget selects: the workload's `matchLabels` when they select its pods,
/// else its pod template's labels.
fn labels(w: &K8sObject) -> Option<&Yaml> {
    let own = w.doc.at(&["spec", "selector", "matchLabels"]);
    if let Some(m) = own.filter(|m| !m.entries().is_empty()) {
        return Some(m);
    }
    if w.doc
        .at(&["spec", "selector", "matchExpressions"])
        .is_some()
    {
        return None;
    }
    w.pod_labels().filter(|l| !l.entries().is_empty())
}

fn budget(w: &K8sObject, labels: &Yaml) -> String {
    let mut out = format!(
        "# Lets a node drain or cluster upgrade evict one {} pod at a time.\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: {}\n",
        w.display(),
        scalar(&format!("{}-pdb", w.name))
    );
    if let Some(ns) = &w.namespace {
        out.push_str(&format!("  namespace: {}\n", scalar(ns)));
    }
    out.push_str("spec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n");
    for (k, v) in labels.entries() {
        out.push_str(&format!(
            "      {}: {}\n",
            scalar(k),
            scalar(&v.scalar_text().unwrap_or_default())
        ));
    }
    out
}

/// The edit appending `files` to the `resources:` list of the kustomization in `dir`
/// that names `listed`; `Ok(None)` without a kustomization; `Err` with why when one
/// exists but cannot be extended.
fn kustomization_edit(
    ctx: &FixCtx,
    dir: &str,
    listed: &str,
    files: &[String],
) -> Result<Option<FileEdit>, String> {
    let at = |n: &str| {
        if dir.is_empty() {
            n.to_string()
        } else {
            format!("{dir}/{n}")
        }
    };
    let Some(path) = ["kustomization.yaml", "kustomization.yml", "Kustomization"]
        .into_iter()
        .map(at)
        .find(|p| ctx.facts.exists(p))
    else {
        return Ok(None);
    };
    let text = ctx.facts.text(&path).unwrap_or("");
    let doc = match ctx.facts.yaml(&path) {
        Some(Ok(d)) => d,
        _ => return Err(format!("{path} does not parse")),
    };
    let Some(resources) = doc.first().and_then(|d| d.get("resources")) else {
        return Err(format!("{path} lists no `resources:`"));
    };
    let names = |y: &Yaml| y.as_str().map(|s| s.trim_start_matches("./").to_string());
    if !resources
        .items()
        .iter()
        .filter_map(names)
        .any(|n| n == listed)
    {
        return Err(format!("{path} does not list {listed}"));
    }
    let lines = lines_with_offsets(text);
    let items = resources.items();
    let (Some(first), Some(last)) = (items.first(), items.last()) else {
        return Err(format!("{path}: `resources:` is empty"));
    };
    let item_line = |y: &Yaml| lines.get(y.line.saturating_sub(1) as usize);
    let Some(&(_, first_text)) = item_line(first) else {
        return Err(format!("{path}: cannot place the new entry"));
    };
    if !first_text.trim_start().starts_with("- ") || resources.line == resources.key_line {
        return Err(format!(
            "{path} lists its resources in flow style; add {} by hand",
            files.join(", ")
        ));
    }
    let indent = indent_of(first_text);
    let Some(&line) = item_line(last) else {
        return Err(format!("{path}: cannot place the new entry"));
    };
    let (at, lead) = super::text::after_line(text, line);
    let entries: String = files
        .iter()
        .map(|f| format!("{}- {f}\n", " ".repeat(indent)))
        .collect();
    Ok(Some(FileEdit::insert(
        &path,
        text,
        at,
        format!("{lead}{entries}"),
    )))
}

fn plan(ctx: &FixCtx, dir: &str, workloads: &[&K8sObject]) -> Option<Fix> {
    let mut creates = Vec::new();
    let mut names = Vec::new();
    let mut listed = None;
    for w in workloads {
        if ctx.facts.text(&w.path).is_some_and(|t| t.contains("{{")) {
            ctx.note(format!(
                "{}: a Helm template; add the PodDisruptionBudget to the chart (with a values switch)",
                w.path
            ));
            continue;
        }
        let Some(labels) = labels(w) else {
            ctx.note(format!(
                "{}:{}: {} selects its pods with matchExpressions only; write its budget by hand",
                w.path,
                w.line,
                w.display()
            ));
            continue;
        };
        let file = format!("{}-pdb.yaml", w.name.to_ascii_lowercase());
        let path = if dir.is_empty() {
            file.clone()
        } else {
            format!("{dir}/{file}")
        };
        if ctx.facts.exists(&path) || names.contains(&file) {
            ctx.note(format!(
                "{path} already exists: add the budget for {} by hand",
                w.display()
            ));
            continue;
        }
        listed.get_or_insert_with(|| w.path.rsplit('/').next().unwrap_or(&w.path).to_string());
        creates.push(FileEdit::Create {
            path: path.clone(),
            content: budget(w, labels),
        });
        names.push(file);
    }
    let listed = listed?;
    let mut applicability = Applicability::Safe;
    let mut description = format!(
        "PodDisruptionBudget (maxUnavailable: 1, the workload's own labels) for {}",
        workloads
            .iter()
            .map(|w| w.display())
            .collect::<Vec<_>>()
            .join(", ")
    );
    match kustomization_edit(ctx, dir, &listed, &names) {
        Ok(None) => {}
        Ok(Some(edit)) => {
            description.push_str(&format!(", listed in {}'s resources", edit.path()));
            applicability = Applicability::Review;
            creates.push(edit);
        }
        Err(why) => {
            ctx.note(format!(
                "{why}: Kustomize would not apply a new budget there; add {} by hand",
                names.join(", ")
            ));
            return None;
        }
    }
    Some(ctx.fix(applicability, description, creates))
}

fn generate(ctx: &FixCtx) -> Vec<Fix> {
    let mut by_dir: Vec<(String, Vec<&K8sObject>)> = Vec::new();
    for f in &ctx.result.findings {
        let (Some(loc), Some(key)) = (f.location.as_ref(), f.key.as_deref()) else {
            continue;
        };
        let Some(display) = key.strip_suffix(":none") else {
            continue;
        };
        let Some(w) = ctx
            .facts
            .k8s_objects()
            .items
            .iter()
            .find(|o| o.path == loc.path && o.display() == display && !o.patch)
        else {
            continue;
        };
        let dir = w.path.rsplit_once('/').map_or("", |(d, _)| d).to_string();
        match by_dir.iter_mut().find(|(d, _)| *d == dir) {
            Some((_, ws)) => ws.push(w),
            None => by_dir.push((dir, vec![w])),
        }
    }
    by_dir
        .iter()
        .filter_map(|(d, ws)| plan(ctx, d, ws))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Inputs;
    use crate::testing::{applied, rescan_after, run_fix};
    use shipshape_facts::Facts;
    use shipshape_model::Outcome;

    const DEP: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: api\n      tier: \"true\"\n  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: api\n        tier: \"true\"\n    spec:\n      containers:\n        - name: api\n          image: api:1\n";

    fn run(files: &[(&str, &str)]) -> (Vec<Fix>, Vec<String>, Outcome) {
        let (before, fixes, notes) = run_fix(&FIX, &Facts::from_memory(files), &Inputs::default());
        assert_eq!(before, Outcome::Fail);
        let (_, after) = rescan_after(&FIX, files, &fixes);
        (fixes, notes, after)
    }

    #[test]
    fn a_budget_beside_the_workload_with_its_labels_and_namespace() {
        let (fixes, _, after) = run(&[("k8s/api.yaml", DEP)]);
        assert_eq!(fixes.len(), 1);
        assert_eq!(fixes[0].applicability, Applicability::Safe);
        assert_eq!(
            fixes[0].edits,
            vec![FileEdit::Create {
                path: "k8s/api-pdb.yaml".into(),
                content: "# Lets a node drain or cluster upgrade evict one Deployment/api pod at a time.\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: api-pdb\n  namespace: shop\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: api\n      tier: \"true\"\n".into()
            }]
        );
        assert_eq!(after, Outcome::Pass);
    }

    #[test]
    fn a_kustomization_listing_the_workload_lists_the_budget_too() {
        let k = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - api.yaml # the API\n  - svc.yaml\nimages:\n  - name: api\n";
        let (fixes, _, after) = run(&[("k8s/api.yaml", DEP), ("k8s/kustomization.yaml", k)]);
        assert_eq!(fixes[0].applicability, Applicability::Review);
        let out = applied(&[("k8s/kustomization.yaml", k)], &fixes);
        let new = &out
            .iter()
            .find(|(p, _)| p == "k8s/kustomization.yaml")
            .unwrap()
            .1;
        assert_eq!(
            new,
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - api.yaml # the API\n  - svc.yaml\n  - api-pdb.yaml\nimages:\n  - name: api\n"
        );
        assert_eq!(after, Outcome::Pass);
        let flow = "resources: [api.yaml]\n";
        let (fixes, notes, _) = run(&[("k8s/api.yaml", DEP), ("k8s/kustomization.yaml", flow)]);
        assert!(fixes.is_empty());
        assert!(notes.iter().any(|n| n.contains("flow style")), "{notes:?}");
    }

    #[test]
    fn helm_templates_are_noted() {
        let helm = DEP.replace("replicas: 3", "replicas: 3 # {{ .Values.replicas }}");
        let (fixes, notes, _) = run(&[("k8s/api.yaml", &helm)]);
        assert!(fixes.is_empty());
        assert!(notes.iter().any(|n| n.contains("Helm")), "{notes:?}");
        assert_eq!(scalar("8080"), "\"8080\"");
        assert_eq!(scalar("web-1"), "web-1");
    }
}
