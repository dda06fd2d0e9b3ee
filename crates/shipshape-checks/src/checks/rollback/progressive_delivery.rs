//! `rollback/progressive-delivery`: updates replace pods gradually (or through a canary), never all at once.

use crate::checks::delivery::gha::is_production_path;
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::Yaml;
use shipshape_model::{Area, Finding, Location, Severity, UnitKind};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "rollback/progressive-delivery",
        title: "Updates roll out progressively",
        area: Area::Rollback,
        severity: Severity::Medium,
        kinds: &[UnitKind::Service],
        scope: shipshape_model::Scope::Unit,
        applies_to: "services deployed with Kubernetes workloads",
        rationale: "Replacing every pod at once turns a bad release into a full outage and leaves nothing running to fall back to. A rolling update with bounded unavailability, or a canary/blue-green rollout, limits the blast radius and keeps the old version serving until the new one is ready.",
        evaluation: "For each Deployment, StatefulSet, DaemonSet and Argo Rollout of the unit's plain manifests: an Argo Rollout with a `canary` or `blueGreen` strategy passes, as does any workload targeted by a Flagger `Canary`. A Deployment fails with `strategy.type: Recreate` (all pods stop before new ones start) or with `maxUnavailable` of 100% or at least its replica count; otherwise it passes (Kubernetes' default rolling update allows 25% unavailable). StatefulSets and DaemonSets warn with `updateStrategy.type: OnDelete` (updates wait for manual pod deletion). One finding per workload at the strategy's line. `n/a` without such workloads; `error` when a manifest of the unit does not parse and none was found.",
        remediation: "Use `strategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 0, maxSurge: 25%}}` with readiness probes, or adopt Argo Rollouts / Flagger for canary or blue-green releases with automated analysis and rollback.",
        references: &[
            "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#strategy",
            "https://argo-rollouts.readthedocs.io/en/stable/features/canary/",
            "https://docs.flagger.app/",
        ],
    },
    run,
};

/// `maxUnavailable` as a share of the replicas: `true` when it allows every pod to go.
fn allows_all(max: &Yaml, replicas: i64) -> bool {
    match max.scalar_text() {
        Some(s) if s.ends_with('%') => s
            .trim_end_matches('%')
            .trim()
            .parse::<f64>()
            .is_ok_and(|p| p >= 100.0),
        Some(s) => s.trim().parse::<i64>().is_ok_and(|n| n >= replicas.max(1)),
        None => false,
    }
}

fn run(ctx: &Ctx) -> Verdict {
    let workloads: Vec<_> = ctx
        .workloads()
        .filter(|w| w.is_long_running() && w.kind != "ReplicaSet" && is_production_path(&w.path))
        .collect();
    if workloads.is_empty() {
        let errors = ctx.k8s_errors();
        if !errors.is_empty() {
            return Verdict::error(format!(
                "Kubernetes manifest(s) could not be parsed: {}",
                errors
                    .iter()
                    .map(|(p, e)| format!("{p}: {e}"))
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
        return Verdict::not_applicable("no Deployment, StatefulSet, DaemonSet or Rollout");
    }
    let canaries: Vec<(String, String)> = ctx
        .k8s()
        .filter(|o| o.kind == "Canary" && o.api_version.starts_with("flagger.app/"))
        .filter_map(|o| {
            let t = o.doc.at(&["spec", "targetRef"])?;
            Some((t.idx("kind").scalar_text()?, t.idx("name").scalar_text()?))
        })
        .collect();
    let (mut fails, mut warns, mut progressive) = (Vec::new(), Vec::new(), Vec::new());
    for w in &workloads {
        if canaries.iter().any(|(k, n)| *k == w.kind && *n == w.name) {
            progressive.push(format!("{} (Flagger canary)", w.display()));
            continue;
        }
        let spec = w.doc.idx("spec");
        match w.kind.as_str() {
            "Rollout" => {
                let s = spec.idx("strategy");
                if s.get("canary").is_some() || s.get("blueGreen").is_some() {
                    progressive.push(format!("{} (Argo Rollouts)", w.display()));
                }
            }
            "Deployment" => {
                let s = spec.idx("strategy");
                let replicas = w.replicas().unwrap_or(1);
                if s.idx("type").as_str() == Some("Recreate") {
                    fails.push(
                        Finding::at(
                            Location::line(&w.path, s.idx("type").line),
                            format!("{} uses `strategy.type: Recreate`: every pod stops before the new version starts", w.display()),
                        )
                        .with_key(format!("{}:recreate", w.display())),
                    );
                } else if let Some(max) = s
                    .at(&["rollingUpdate", "maxUnavailable"])
                    .filter(|m| allows_all(m, replicas))
                {
                    fails.push(
                        Finding::at(
                            Location::line(&w.path, max.line),
                            format!(
                                "{} allows `maxUnavailable: {}` of {replicas} replica(s): the whole workload can go down during an update",
                                w.display(),
                                max.scalar_text().unwrap_or_default()
                            ),
                        )
                        .with_key(format!("{}:max-unavailable", w.display())),
                    );
                }
            }
            _ => {
                let t = spec.idx("updateStrategy").idx("type");
                if t.as_str() == Some("OnDelete") {
                    warns.push(
                        Finding::at(
                            Location::line(&w.path, t.line),
                            format!("{} uses `updateStrategy.type: OnDelete`: updates wait for pods to be deleted by hand", w.display()),
                        )
                        .with_key(format!("{}:on-delete", w.display())),
                    );
                }
            }
        }
    }
    if !fails.is_empty() {
        let n = fails.len();
        fails.extend(warns);
        return Verdict::fail(format!("{n} workload(s) replace all pods at once"), fails);
    }
    if !warns.is_empty() {
        return Verdict::warn(
            format!(
                "{} workload(s) update only on manual pod deletion",
                warns.len()
            ),
            warns,
        );
    }
    Verdict::pass(if progressive.is_empty() {
        format!(
            "{} workload(s) use bounded rolling updates",
            workloads.len()
        )
    } else {
        format!(
            "{} workload(s) roll out progressively, including {}",
            workloads.len(),
            progressive.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    const SVC: (&str, &str) = ("shipshape.toml", "[service]\nkind = \"service\"\n");
    const HEAD: &str =
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 3\n";
    const TPL: &str = "  template:\n    spec:\n      containers: [{name: web, image: web:1}]\n";

    #[test]
    fn recreate_and_unbounded_fail() {
        let d = format!("{HEAD}  strategy:\n    type: Recreate\n{TPL}");
        let v = run_on_files(&CHECK, &[SVC, ("k8s/web.yaml", &d)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("k8s/web.yaml", 7))
        );
        let d = format!("{HEAD}  strategy:\n    rollingUpdate:\n      maxUnavailable: 100%\n{TPL}");
        assert_eq!(
            run_on_files(&CHECK, &[SVC, ("k8s/web.yaml", &d)]).outcome,
            Outcome::Fail
        );
        let d = format!("{HEAD}  strategy:\n    rollingUpdate:\n      maxUnavailable: 3\n{TPL}");
        assert_eq!(
            run_on_files(&CHECK, &[SVC, ("k8s/web.yaml", &d)]).outcome,
            Outcome::Fail
        );
    }

    #[test]
    fn rolling_default_rollouts_and_flagger_pass() {
        let d = format!("{HEAD}{TPL}");
        assert_eq!(
            run_on_files(&CHECK, &[SVC, ("k8s/web.yaml", &d)]).outcome,
            Outcome::Pass
        );
        let d = format!("{HEAD}  strategy:\n    rollingUpdate:\n      maxUnavailable: 1\n{TPL}");
        assert_eq!(
            run_on_files(&CHECK, &[SVC, ("k8s/web.yaml", &d)]).outcome,
            Outcome::Pass
        );
        let recreate = format!("{HEAD}  strategy:\n    type: Recreate\n{TPL}");
        let canary = "apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata: {name: web}\nspec:\n  targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n";
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                ("k8s/web.yaml", &recreate),
                ("k8s/canary.yaml", canary),
            ],
        );
        assert_eq!(v.outcome, Outcome::Pass, "{}", v.summary);
        let ss = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  updateStrategy:\n    type: OnDelete\n  template:\n    spec:\n      containers: [{name: db, image: db:1}]\n";
        assert_eq!(
            run_on_files(&CHECK, &[SVC, ("k8s/db.yaml", ss)]).outcome,
            Outcome::Warn
        );
    }
}
