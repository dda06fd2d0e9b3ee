//! `k8s-probes`: readiness and liveness probes on the health route the code defines, for
//! `scalability/k8s-probes`.
//!
//! **Edits** every container of a long-running workload in the manifests the check
//! flags that lacks a probe, one fix per manifest, **review**: a probe that fails
//! restarts or unroutes the pod.
//!
//! Built from the unit's facts, never from a fixed path:
//! - **path**: the health routes the unit's code registers (the signals the
//!   `observability/health-endpoint` check reads): readiness prefers a `ready` route
//!   (`/readyz`, `/ready`), liveness a `live` or `health` one (`/livez`, `/healthz`);
//!   with one route, both use it, with different timing so that they are not identical
//!   (the check warns when they are);
//! - **port**: the container's first `containerPort` (its name when it has one).
//!
//! Only containers running the unit's own image (its repository named after the unit)
//! are probed. A container of another image, one whose unit defines no health route, or
//! one that declares no port, is noted, not edited (a probe on a route nobody serves fails every pod). New keys go after the
//! container's last line; Helm templates and Kustomize patches are not edited.

use super::FixDef;
use super::text::{end_of_mapping, first_key, indented, lines_with_offsets};
use crate::{Applicability, FileEdit, Fix, FixCtx};
use shipshape_facts::signals::SignalKind;
use shipshape_facts::{Yaml, is_under};

pub static FIX: FixDef = FixDef {
    check_id: "scalability/k8s-probes",
    name: "k8s-probes",
    title: "Add readiness and liveness probes on the health route the code defines",
    generate,
};

/// The unit's health routes, as paths (`/healthz`).
fn health_routes(ctx: &FixCtx) -> Vec<String> {
    health_routes_under(ctx, &ctx.unit.path)
}

/// The health routes production code under `dir` registers, as paths (`/healthz`),
/// sorted: the signals `observability/health-endpoint` reads.
pub(crate) fn health_routes_under(ctx: &FixCtx, dir: &str) -> Vec<String> {
    health_routes_where(ctx, |p| is_under(p, dir))
}

/// The health routes production code in the files `keep` accepts registers, as paths,
/// sorted.
pub(crate) fn health_routes_where(ctx: &FixCtx, keep: impl Fn(&str) -> bool) -> Vec<String> {
    let mut out: Vec<String> = ctx
        .facts
        .signals
        .iter()
        .filter(|s| {
            s.kind == SignalKind::HealthRoute
                && keep(&s.path)
                && ctx.facts.role(&s.path).is_production()
        })
        .filter_map(|s| {
            let t = s.text.trim_matches(|c| c == '"' || c == '\'' || c == '`');
            let t = t.trim_start_matches('^').trim_end_matches('$');
            if !route_like(t) {
                return None;
            }
            Some(if t.starts_with('/') {
                t.to_string()
            } else {
                format!("/{t}")
            })
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// True when a health signal's text is an HTTP path (`/healthz`, Laravel's `health`),
/// not the name of a health service or library the signal also matches (NestJS
/// Terminus' `HealthCheckService`, `grpc.health.v1`, `tonic_health`,
/// `rails/health#show`): a probe or healthcheck on such a name calls nothing.
fn route_like(t: &str) -> bool {
    if t.starts_with('/') {
        return !t.contains(|c: char| c.is_whitespace() || c == '(');
    }
    !t.is_empty()
        && t.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '/' | '-' | '_'))
        && !t.contains("grpc")
        && !t.contains("tonic")
}

/// `(readiness path, liveness path)` from the routes.
pub(crate) fn choose(routes: &[String]) -> Option<(String, String)> {
    let find = |words: &[&str]| {
        routes
            .iter()
            .find(|r| words.iter().any(|w| r.contains(w)))
            .cloned()
    };
    let any = routes.first()?.clone();
    let ready = find(&["ready"]).unwrap_or_else(|| any.clone());
    let live = find(&["live", "healthz", "health", "ping"])
        .filter(|l| *l != ready || routes.len() == 1)
        .unwrap_or_else(|| any.clone());
    Some((ready, live))
}

/// The port to probe: the first `containerPort`'s name, else its number.
fn port_of(c: &Yaml) -> Option<String> {
    let p = c.idx("ports").items().first()?;
    p.idx("name")
        .as_str()
        .map(str::to_string)
        .or_else(|| p.idx("containerPort").scalar_text())
}

/// The names the unit's image may carry: the unit's, and what its manifest calls it
/// (the last segment of a Go module path, a package.json name without its scope, a
/// Cargo package name): navidrome's root unit is named after the checkout directory,
/// its image `ghcr.io/navidrome/navidrome` after `github.com/navidrome/navidrome`.
fn unit_names(ctx: &FixCtx) -> Vec<String> {
    let dir = ctx.unit.path.trim_end_matches('/');
    let at = |name: &str| {
        if dir.is_empty() || dir == "." {
            name.to_string()
        } else {
            format!("{dir}/{name}")
        }
    };
    let mut out = vec![ctx.unit.name.clone()];
    if let Some(m) = ctx.facts.text(&at("go.mod")).and_then(|t| {
        t.lines()
            .find_map(|l| l.trim().strip_prefix("module "))
            .map(|m| m.trim().trim_matches('"').to_string())
    }) {
        // `…/navidrome/v2` names the module by its last non-version segment.
        let segs: Vec<&str> = m.split('/').collect();
        let last = segs
            .iter()
            .rev()
            .find(|s| !(s.starts_with('v') && s[1..].bytes().all(|b| b.is_ascii_digit())))
            .copied()
            .unwrap_or(&m);
        out.push(last.to_string());
    }
    if let Some(n) = ctx
        .facts
        .text(&at("package.json"))
        .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
        .and_then(|v| v["name"].as_str().map(str::to_string))
    {
        out.push(n.rsplit('/').next().unwrap_or(&n).to_string());
    }
    if let Some(n) = ctx
        .facts
        .text(&at("Cargo.toml"))
        .and_then(|t| t.parse::<toml::Table>().ok())
        .and_then(|t| t.get("package")?.get("name")?.as_str().map(str::to_string))
    {
        out.push(n);
    }
    out
}

/// True when `image`'s repository (its last path segment, without tag or digest) is
/// the unit's name (`deluan/navidrome:latest` for unit `navidrome`).
fn runs_unit_image(image: &str, unit: &str) -> bool {
    let image = image.split('@').next().unwrap_or(image);
    let last = image.rsplit('/').next().unwrap_or(image);
    let repo = last.split(':').next().unwrap_or(last);
    !unit.is_empty() && repo.eq_ignore_ascii_case(unit)
}

fn probe_block(kind: &str, path: &str, port: &str, live: bool) -> String {
    let timing = if live {
        "initialDelaySeconds: 10\nperiodSeconds: 20\nfailureThreshold: 3\n"
    } else {
        "periodSeconds: 10\nfailureThreshold: 3\n"
    };
    format!(
        "{kind}:\n  httpGet:\n    path: {path}\n    port: {port}\n{}",
        indented(timing, 2)
    )
}

fn plan(ctx: &FixCtx, path: &str, routes: &Option<(String, String)>) -> Option<Fix> {
    let text = ctx.facts.text(path)?;
    if text.contains("{{") {
        ctx.note(format!(
            "{path}: a Helm template; set the probes in the chart's values"
        ));
        return None;
    }
    let lines = lines_with_offsets(text);
    let names = unit_names(ctx);
    let mut edits = Vec::new();
    let mut described = Vec::new();
    for o in ctx
        .facts
        .k8s_objects()
        .items
        .iter()
        .filter(|o| o.path == path && o.is_long_running() && !o.patch)
    {
        for c in o.containers(false) {
            let name = c.idx("name").as_str().unwrap_or("?");
            let wants: Vec<&str> = ["readinessProbe", "livenessProbe"]
                .into_iter()
                .filter(|k| c.get(k).is_none())
                .collect();
            if wants.is_empty() {
                continue;
            }
            // Only the unit's own image serves the unit's routes (loki's operator
            // overlays also run MinIO and a metrics exporter).
            let image = c.idx("image").as_str().unwrap_or("");
            if !names.iter().any(|n| runs_unit_image(image, n)) {
                ctx.note(format!(
                    "{path}:{}: container `{name}` runs `{image}`, not this unit's image: probe it by hand",
                    c.line
                ));
                continue;
            }
            let Some((ready, live)) = routes else {
                ctx.note(format!(
                    "{path}:{}: container `{name}`: the unit's code defines no health route to probe; add one (see observability/health-endpoint) first",
                    c.line
                ));
                continue;
            };
            let Some(port) = port_of(c) else {
                ctx.note(format!(
                    "{path}:{}: container `{name}` declares no containerPort to probe",
                    c.line
                ));
                continue;
            };
            let first = c.line.saturating_sub(1) as usize;
            let Some((_, first_line)) = lines.get(first) else {
                continue;
            };
            let (key_col, flow) = first_key(first_line);
            if flow {
                ctx.note(format!(
                    "{path}:{}: container `{name}` is written in flow style; add its probes by hand",
                    c.line
                ));
                continue;
            }
            let (_, at, lead) = end_of_mapping(text, &lines, first, key_col);
            let block: String = wants
                .iter()
                .map(|k| {
                    let is_live = *k == "livenessProbe";
                    probe_block(k, if is_live { live } else { ready }, &port, is_live)
                })
                .collect();
            edits.push(FileEdit::insert(
                path,
                text,
                at,
                format!("{lead}{}", indented(&block, key_col)),
            ));
            described.push(format!(
                "{}/{} `{name}`: {} on port {port}",
                o.kind,
                o.name,
                wants
                    .iter()
                    .map(|k| format!("{k} {}", if *k == "livenessProbe" { live } else { ready }))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    if edits.is_empty() {
        return None;
    }
    Some(ctx.fix(
        Applicability::Review,
        format!(
            "probe the health routes the code defines in {path}: {}",
            described.join("; ")
        ),
        edits,
    ))
}

fn generate(ctx: &FixCtx) -> Vec<Fix> {
    let routes = choose(&health_routes(ctx));
    let mut paths: Vec<&str> = ctx
        .result
        .findings
        .iter()
        .filter(|f| f.key.as_deref().is_some_and(|k| k.ends_with("Probe")))
        .filter_map(|f| f.location.as_ref().map(|l| l.path.as_str()))
        .collect();
    paths.sort_unstable();
    paths.dedup();
    paths
        .into_iter()
        .filter_map(|p| plan(ctx, p, &routes))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use shipshape_model::Outcome;

    const M: &str = "deploy/api.yaml";
    const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/fixture:1\n          ports:\n            - name: http\n              containerPort: 8080\n";

    fn fixed(files: &[(&str, &str)]) -> (String, Vec<String>, Outcome) {
        let (new, notes, before, after) = fix_and_rescan(&FIX, files, M);
        assert_eq!(before, Outcome::Fail);
        (new, notes, after)
    }

    #[test]
    fn probes_use_the_routes_the_code_defines_and_the_named_port() {
        let code = (
            "cmd/api/main.go",
            "package main\n\nfunc main() {\n\thttp.HandleFunc(\"/readyz\", ready)\n\thttp.HandleFunc(\"/livez\", live)\n}\n",
        );
        let (out, _, after) = fixed(&[code, (M, DEPLOY)]);
        let want = format!(
            "{DEPLOY}          readinessProbe:\n            httpGet:\n              path: /readyz\n              port: http\n            periodSeconds: 10\n            failureThreshold: 3\n          livenessProbe:\n            httpGet:\n              path: /livez\n              port: http\n            initialDelaySeconds: 10\n            periodSeconds: 20\n            failureThreshold: 3\n"
        );
        assert_eq!(out, want);
        assert_eq!(after, Outcome::Pass);
    }

    #[test]
    fn only_http_paths_are_routes() {
        for t in ["/healthz", "/api/v1/health", "health", "up"] {
            assert!(route_like(t), "{t}");
        }
        for t in [
            "HealthCheckService",
            "grpc.health.v1",
            "tonic_health",
            "rails/health#show",
            "health.NewServer()",
            "",
        ] {
            assert!(!route_like(t), "{t}");
        }
    }

    #[test]
    fn one_route_serves_both_with_different_timing_and_no_route_is_noted() {
        let code = (
            "main.go",
            "package main\n\nfunc main() {\n\tr.GET(\"/healthz\", h)\n}\n",
        );
        let (out, _, after) = fixed(&[code, (M, DEPLOY)]);
        assert_eq!(out.matches("path: /healthz").count(), 2, "{out}");
        assert_eq!(after, Outcome::Pass, "not identical: no warning");
        let (out, notes, _) = fixed(&[(M, DEPLOY)]);
        assert_eq!(out, DEPLOY);
        assert!(
            notes.iter().any(|n| n.contains("no health route")),
            "{notes:?}"
        );
    }
}
