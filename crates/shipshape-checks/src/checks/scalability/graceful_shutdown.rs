//! `scalability/graceful-shutdown`: the service drains in-flight work when asked to stop.

use crate::libraries::{self, Category};
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::signals::SignalKind;
use shipshape_model::{Area, Finding, Location, Severity, UnitKind};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "scalability/graceful-shutdown",
        title: "The service shuts down gracefully on SIGTERM",
        area: Area::Scalability,
        severity: Severity::High,
        kinds: &[UnitKind::Service],
        applies_to: "services",
        rationale: "Every deploy, scale-in and node drain sends SIGTERM. A process that dies on it drops in-flight requests and half-done jobs, so each routine rollout becomes a small outage.",
        evaluation: "Passes on the first evidence found, in this order: SIGTERM handling or graceful server shutdown in the unit's non-test code (signal handlers, `with_graceful_shutdown`, `server.Shutdown(ctx)`, `process.on('SIGTERM')`, tokio `signal(SignalKind::terminate())` (a bare `signal::ctrl_c()` is SIGINT only and does not count), shutdown hooks, `@PreDestroy`, IHostApplicationLifetime...); a dependency on a server that drains on SIGTERM by default (gunicorn, uvicorn, hypercorn, granian, puma, unicorn, ASP.NET Core) or a graceful-shutdown helper (terminus, lightship, stoppable, http-graceful-shutdown); a Kubernetes `preStop` hook or an explicit `terminationGracePeriodSeconds` on a workload; a Dockerfile whose final CMD/ENTRYPOINT starts such a server (gunicorn, uvicorn, `fastapi run`, puma...) or sets `STOPSIGNAL`. Fails otherwise, naming what was searched.",
        remediation: "Catch SIGTERM, stop accepting new connections, finish in-flight requests within a deadline, then exit: e.g. axum `with_graceful_shutdown(shutdown_signal())`, Go `srv.Shutdown(ctx)` after `signal.NotifyContext(ctx, syscall.SIGTERM)`, Node `process.on('SIGTERM', () => server.close())`. Add a short `preStop` sleep so endpoints are removed before the process stops.",
        references: &[
            "https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination",
            "https://cloud.google.com/blog/products/containers-kubernetes/kubernetes-best-practices-terminating-with-grace",
        ],
    },
    run,
};

/// Commands of servers that stop accepting connections and finish requests on SIGTERM.
const DRAINING_SERVERS: &[&str] = &[
    "gunicorn",
    "uvicorn",
    "hypercorn",
    "granian",
    "fastapi run",
    "puma",
    "unicorn",
];

fn run(ctx: &Ctx) -> Verdict {
    if let Some(s) = ctx.signals(SignalKind::Shutdown).next() {
        return Verdict::pass_with(
            format!("shutdown handling in {}:{}", s.path, s.line),
            vec![
                Finding::at(Location::line(&s.path, s.line), "shutdown handling")
                    .with_snippet(s.text.clone()),
            ],
        );
    }
    if let Some(d) = libraries::find(ctx.deps().filter(|d| !d.dev), Category::GracefulServer) {
        return Verdict::pass_with(
            format!("`{}` drains requests on SIGTERM", d.name),
            vec![Finding::at(
                Location::line(&d.manifest, d.line),
                format!("`{}`", d.name),
            )],
        );
    }
    for w in ctx.workloads() {
        if let Some(g) = w
            .pod_spec()
            .and_then(|spec| spec.get("terminationGracePeriodSeconds"))
        {
            return Verdict::pass_with(
                format!("terminationGracePeriodSeconds set on {}", w.display()),
                vec![Finding::at(
                    Location::line(&w.path, g.line),
                    "terminationGracePeriodSeconds",
                )],
            );
        }
        for c in w.containers(false) {
            if let Some(p) = c.at(&["lifecycle", "preStop"]) {
                return Verdict::pass_with(
                    format!("preStop hook on {}", w.display()),
                    vec![Finding::at(Location::line(&w.path, p.line), "preStop hook")],
                );
            }
        }
    }
    for d in ctx.dockerfiles() {
        // The image's entry point is a server that drains on SIGTERM.
        if let Some(i) = d.final_stage().and_then(|s| {
            s.instructions.iter().find(|i| {
                matches!(i.keyword.as_str(), "CMD" | "ENTRYPOINT") && {
                    // Exec form `["fastapi", "run"]` and shell form read the same.
                    let words: Vec<&str> = i
                        .args
                        .split(|c: char| c.is_whitespace() || "[]\",'".contains(c))
                        .filter(|w| !w.is_empty())
                        .collect();
                    let cmd = words.join(" ");
                    DRAINING_SERVERS.iter().any(|w| cmd.contains(w))
                }
            })
        }) {
            return Verdict::pass_with(
                format!("{} starts a server that drains on SIGTERM", d.path),
                vec![Finding::at(
                    Location::line(&d.path, i.line),
                    format!("{} {}", i.keyword, i.args),
                )],
            );
        }
        if let Some(i) = d
            .final_stage()
            .and_then(|s| s.instructions.iter().find(|i| i.keyword == "STOPSIGNAL"))
        {
            return Verdict::pass_with(
                format!("STOPSIGNAL in {}", d.path),
                vec![Finding::at(
                    Location::line(&d.path, i.line),
                    format!("STOPSIGNAL {}", i.args),
                )],
            );
        }
    }
    Verdict::fail(
        "no graceful shutdown found",
        vec![Finding::new(
            "looked for: SIGTERM/graceful-shutdown handling in non-test code, a server that drains on SIGTERM (gunicorn, uvicorn, puma...), preStop hooks or terminationGracePeriodSeconds in Kubernetes manifests, STOPSIGNAL in Dockerfiles",
        )],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    const SVC: (&str, &str) = ("shipshape.toml", "[service]\nkind = \"service\"\n");

    #[test]
    fn code_dependencies_and_manifests_pass() {
        let go = "package main\n\nfunc main() {\n\tctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)\n}\n";
        let v = run_on_files(&CHECK, &[SVC, ("cmd/api/main.go", go)]);
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(4));
        let v = run_on_files(
            &CHECK,
            &[SVC, ("requirements.txt", "flask\ngunicorn==23.0\n")],
        );
        assert_eq!(v.outcome, Outcome::Pass);
        let dep = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec:\n  template:\n    spec:\n      containers:\n        - name: w\n          image: w:1\n          lifecycle:\n            preStop:\n              exec: {command: [sleep, '5']}\n";
        let v = run_on_files(&CHECK, &[SVC, ("k8s/w.yaml", dep)]);
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(12));
    }

    #[test]
    fn ctrl_c_is_not_sigterm() {
        // Regression: tokio-rs/mini-redis passed on `use tokio::signal;` although its server
        // only awaits `signal::ctrl_c()` (SIGINT) and is killed undrained by SIGTERM.
        let only_ctrl_c = "use tokio::signal;\nasync fn main() {\n    server::run(l, signal::ctrl_c()).await;\n}\n";
        let v = run_on_files(&CHECK, &[SVC, ("src/bin/server.rs", only_ctrl_c)]);
        assert_eq!(v.outcome, Outcome::Fail);
        let term = "use tokio::signal::unix::{signal, SignalKind};\nasync fn main() {\n    let mut t = signal(SignalKind::terminate()).unwrap();\n}\n";
        let v = run_on_files(&CHECK, &[SVC, ("src/main.rs", term)]);
        assert_eq!(v.outcome, Outcome::Pass);
    }

    #[test]
    fn image_entry_point_servers_count() {
        // Regression: full-stack-fastapi-template runs `CMD ["fastapi", "run", ...]`.
        let df =
            "FROM python:3.14\nCOPY . /app\nCMD [\"fastapi\", \"run\", \"--workers\", \"4\"]\n";
        let v = run_on_files(&CHECK, &[SVC, ("backend/Dockerfile", df)]);
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(3));
    }

    #[test]
    fn nothing_fails_and_tests_do_not_count() {
        let js = "process.on('SIGTERM', () => server.close())\n";
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                ("package.json", "{\"dependencies\":{\"express\":\"4\"}}"),
                ("test/server.test.js", js),
            ],
        );
        assert_eq!(v.outcome, Outcome::Fail);
        assert!(v.findings[0].message.contains("preStop"));
    }
}
