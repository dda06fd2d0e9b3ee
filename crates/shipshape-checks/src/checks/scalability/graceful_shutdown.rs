//! `scalability/graceful-shutdown`: the service drains in-flight work when asked to stop.

use crate::libraries::{self, Category};
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::signals::SignalKind;
use shipshape_facts::{Ecosystem, FileKind};
use shipshape_model::{Area, Finding, Location, Severity, UnitKind};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "scalability/graceful-shutdown",
        title: "The service shuts down gracefully on SIGTERM",
        area: Area::Scalability,
        severity: Severity::High,
        kinds: &[UnitKind::Service],
        scope: shipshape_model::Scope::Unit,
        applies_to: "services",
        rationale: "Every deploy, scale-in and node drain sends SIGTERM. A process that dies on it drops in-flight requests and half-done jobs, so each routine rollout becomes a small outage.",
        evaluation: "Passes on the first evidence found, in this order: SIGTERM handling or graceful server shutdown in the unit's non-test code (signal handlers, `with_graceful_shutdown`, `server.Shutdown(ctx)`, `process.on('SIGTERM')`, tokio `signal(SignalKind::terminate())` (a bare `signal::ctrl_c()` is SIGINT only and does not count), shutdown hooks, `@PreDestroy`, IHostApplicationLifetime...); a dependency on a server that drains on SIGTERM by default (gunicorn, uvicorn, hypercorn, granian, puma, unicorn, ASP.NET Core, actix-web unless it calls `.disable_signals()`, Phoenix/Bandit/Cowboy) or a graceful-shutdown helper (terminus, lightship, stoppable, http-graceful-shutdown); a Spring Boot web application (a web starter, or a Spring Cloud gateway, config, Eureka or Spring Boot Admin server) on Spring Boot 3.4 or later (Gradle plugin version or Maven parent, followed up the modules' parent POMs), where `server.shutdown=graceful` is the default (an override to `immediate` in application properties is not read); a Kubernetes `preStop` hook or an explicit `terminationGracePeriodSeconds` on a workload; a Dockerfile whose final CMD/ENTRYPOINT starts such a server (gunicorn, uvicorn, `fastapi run`, puma...) or sets `STOPSIGNAL`, or whose final stage runs an official nginx, httpd, Caddy or PHP Apache/FPM image as it is, an entrypoint script handing over to the image's server included (their images stop gracefully: nginx's STOPSIGNAL SIGQUIT, Apache's SIGWINCH). Fails otherwise, naming what was searched.",
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

/// The Spring Boot version a Gradle build or Maven POM of the unit declares, when it
/// is 3.4 or later: from 3.4 on `server.shutdown=graceful` is the default, so an embedded
/// web server stops taking requests on SIGTERM and lets in-flight ones finish.
/// `(manifest, line, version)`.
fn spring_boot_graceful(ctx: &Ctx) -> Option<(String, u32, String)> {
    // An embedded web server: the web starters, and the Spring Cloud servers built on
    // them (gateway, config server, Eureka server, Spring Boot Admin).
    let web = ctx.deps().any(|d| {
        !d.dev
            && [
                ":spring-boot-starter-web",
                ":spring-cloud-starter-gateway",
                ":spring-cloud-config-server",
                ":spring-cloud-starter-netflix-eureka-server",
                ":spring-boot-admin-starter-server",
            ]
            .iter()
            .any(|a| d.name.contains(a))
    });
    if !web {
        return None;
    }
    let mut manifests: Vec<String> = ctx
        .files_of(|k| {
            matches!(
                k,
                FileKind::Manifest(Ecosystem::Gradle) | FileKind::Manifest(Ecosystem::Maven)
            )
        })
        .map(|f| f.path.clone())
        .collect();
    // A Maven module inherits the version from its parent POM
    // (spring-petclinic-microservices' services: the root `pom.xml` holds
    // spring-boot-starter-parent); followed up to three levels.
    let mut i = 0;
    while i < manifests.len() && i < 8 {
        let pom = &manifests[i];
        if pom.ends_with("pom.xml")
            && let Some(parent) = ctx.facts.text(pom).and_then(|t| maven_parent_path(pom, t))
            && ctx.facts.text(&parent).is_some()
            && !manifests.contains(&parent)
        {
            manifests.push(parent);
        }
        i += 1;
    }
    for path in &manifests {
        let Some(text) = ctx.facts.text(path) else {
            continue;
        };
        let f = path;
        let lines: Vec<&str> = text.lines().collect();
        for (i, l) in lines.iter().enumerate() {
            // Gradle: `id 'org.springframework.boot' version '3.4.1'` (Groovy or Kotlin DSL).
            // Maven: the spring-boot-starter-parent (or -dependencies) `<version>` that
            // follows its artifactId within a few lines.
            let version = if l.contains("org.springframework.boot") && l.contains("version") {
                l.rsplit("version").next().map(|v| {
                    (
                        i,
                        v.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '.'),
                    )
                })
            } else if l.contains("<artifactId>spring-boot-starter-parent</artifactId>")
                || l.contains("<artifactId>spring-boot-dependencies</artifactId>")
            {
                (i + 1..lines.len().min(i + 4)).find_map(|j| {
                    lines[j]
                        .trim()
                        .strip_prefix("<version>")
                        .and_then(|v| v.strip_suffix("</version>"))
                        .map(|v| (j, v))
                })
            } else {
                None
            };
            let Some((at, v)) = version else { continue };
            let mut parts = v.split('.').map(|p| p.parse::<u32>().ok());
            if let (Some(Some(major)), Some(Some(minor))) = (parts.next(), parts.next())
                && (major, minor) >= (3, 4)
            {
                return Some((f.clone(), at as u32 + 1, v.to_string()));
            }
        }
    }
    None
}

/// The parent POM a Maven POM inherits from: its `<parent>`'s `<relativePath>`
/// (default `../pom.xml`), resolved against the POM's directory. `None` without a
/// `<parent>`, or with an empty `<relativePath/>` (the parent comes from a repository).
fn maven_parent_path(pom: &str, text: &str) -> Option<String> {
    let start = text.find("<parent>")?;
    let end = start + text[start..].find("</parent>")?;
    let block = &text[start..end];
    let relative = match block.find("<relativePath") {
        Some(at) => {
            let rest = &block[at..];
            if rest.starts_with("<relativePath/>") || rest.starts_with("<relativePath />") {
                return None;
            }
            let open = rest.find('>')? + 1;
            let close = rest.find("</relativePath>")?;
            rest.get(open..close)?.trim().to_string()
        }
        None => "../pom.xml".to_string(),
    };
    let relative = if relative.ends_with(".xml") {
        relative
    } else {
        format!("{}/pom.xml", relative.trim_end_matches('/'))
    };
    let dir = pom.rsplit_once('/').map_or("", |(d, _)| d);
    let joined = if dir.is_empty() {
        relative
    } else {
        format!("{dir}/{relative}")
    };
    shipshape_facts::ci::normalise_path(&joined).filter(|p| p != "." && !p.starts_with(".."))
}

/// The server of an official image that stops gracefully by itself, from an image
/// reference (`nginx:1.27-alpine`, `docker.io/library/httpd`, `nginxinc/nginx-unprivileged`).
fn graceful_base(image: &str) -> Option<&'static str> {
    let (name, tag) = shipshape_facts::docker::image_repo_tag(image);
    match name {
        "nginx" | "nginxinc/nginx-unprivileged" | "nginxinc/nginx-unprivileged-slim" => {
            Some("nginx")
        }
        "httpd" => Some("httpd"),
        "caddy" => Some("caddy"),
        // PHP's official server variants: `php:8.3-apache` stops Apache gracefully
        // (STOPSIGNAL SIGWINCH), `php:8.3-fpm` PHP-FPM (SIGQUIT) — monica's image.
        "php" if tag.contains("apache") => Some("apache"),
        "php" if tag.contains("fpm") => Some("php-fpm"),
        _ => None,
    }
}

/// True when a stage runs its base image's server: no CMD or ENTRYPOINT of its own, or
/// one that names the server (an entrypoint script before a CMD naming it, as
/// `entrypoint.sh` + `apache2-foreground`, hands over to it).
fn runs_as_is(stage: &shipshape_facts::docker::Stage, server: &str) -> bool {
    let last = |kw: &str| stage.instructions.iter().rev().find(|i| i.keyword == kw);
    match (last("ENTRYPOINT"), last("CMD")) {
        (None, None) => true,
        (_, Some(cmd)) if cmd.args.contains(server) => true,
        (Some(ep), None) => ep.args.contains(server),
        _ => false,
    }
}

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
    // actix's servers drain on SIGTERM unless told not to handle signals
    // (meilisearch's `HttpServer::new(...).disable_signals()`).
    let signals_disabled = || ctx.signals(SignalKind::SignalsDisabled).next().is_some();
    if let Some(d) = libraries::find(
        ctx.deps()
            .filter(|d| !d.dev)
            .filter(|d| !(d.name.starts_with("actix-") && signals_disabled())),
        Category::GracefulServer,
    ) {
        return Verdict::pass_with(
            format!("`{}` drains requests on SIGTERM", d.name),
            vec![Finding::at(
                Location::line(&d.manifest, d.line),
                format!("`{}`", d.name),
            )],
        );
    }
    if let Some((path, line, version)) = spring_boot_graceful(ctx) {
        return Verdict::pass_with(
            format!("Spring Boot {version} drains requests on SIGTERM by default ({path}:{line})"),
            vec![Finding::at(
                Location::line(&path, line),
                format!("Spring Boot {version} (graceful shutdown is the default from 3.4)"),
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
        // An official web-server image run as it is: nginx's and httpd's images set a
        // graceful STOPSIGNAL (SIGQUIT, SIGWINCH), Caddy stops gracefully on SIGTERM
        // (excalidraw's and bitwarden's nginx images).
        if let Some(stage) = d.final_stage()
            && let Some(server) = graceful_base(&stage.image)
            && runs_as_is(stage, server)
        {
            return Verdict::pass_with(
                format!(
                    "{} runs the official {server} image, which stops gracefully",
                    d.path
                ),
                vec![Finding::at(
                    Location::line(&d.path, stage.line),
                    format!("FROM {}", stage.image),
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
            "looked for: SIGTERM/graceful-shutdown handling in non-test code, a server that drains on SIGTERM (gunicorn, uvicorn, puma...), Spring Boot 3.4 or later (graceful by default), preStop hooks or terminationGracePeriodSeconds in Kubernetes manifests, STOPSIGNAL in Dockerfiles",
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
    fn spring_boot_version_is_inherited_from_the_parent_pom() {
        // #13, spring-petclinic-microservices: the root POM holds
        // spring-boot-starter-parent 4.0.1; the Eureka server module declares only its
        // starter and `<parent>` (relativePath defaults to ../pom.xml).
        let root = "<project>\n  <parent>\n    <groupId>org.springframework.boot</groupId>\n    <artifactId>spring-boot-starter-parent</artifactId>\n    <version>4.0.1</version>\n    <relativePath/>\n  </parent>\n  <modules><module>discovery</module></modules>\n</project>\n";
        let module = "<project>\n  <parent>\n    <groupId>org.example</groupId>\n    <artifactId>root</artifactId>\n    <version>1</version>\n  </parent>\n  <dependencies>\n    <dependency>\n      <groupId>org.springframework.cloud</groupId>\n      <artifactId>spring-cloud-starter-netflix-eureka-server</artifactId>\n    </dependency>\n  </dependencies>\n</project>\n";
        assert_eq!(
            maven_parent_path("discovery/pom.xml", module).as_deref(),
            Some("pom.xml")
        );
        assert_eq!(maven_parent_path("pom.xml", root), None);
        let facts = shipshape_facts::Facts::from_memory(&[
            ("pom.xml", root),
            ("discovery/pom.xml", module),
            ("discovery/src/main/java/App.java", "class App {}\n"),
        ]);
        let unit = shipshape_model::Unit {
            path: "discovery".into(),
            ..crate::testing::unit_for(&facts)
        };
        let ctx = Ctx::basic(&facts, &unit);
        let v = run(&ctx);
        assert_eq!(v.outcome, shipshape_model::Outcome::Pass, "{v:?}");
        assert!(v.summary.contains("4.0.1"), "{}", v.summary);
    }

    #[test]
    fn spring_boot_from_3_4_drains_by_default() {
        // spring-projects/spring-petclinic declares Spring Boot 4.0.3 (build.gradle:4,
        // pom.xml parent); graceful shutdown is the default from 3.4.
        let gradle = "plugins {\n  id 'java'\n  id 'org.springframework.boot' version '4.0.3'\n}\ndependencies {\n  implementation 'org.springframework.boot:spring-boot-starter-webmvc'\n}\n";
        let v = run_on_files(&CHECK, &[SVC, ("build.gradle", gradle)]);
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("build.gradle", 3))
        );
        let pom = "<project>\n  <parent>\n    <groupId>org.springframework.boot</groupId>\n    <artifactId>spring-boot-starter-parent</artifactId>\n    <version>3.4.1</version>\n  </parent>\n  <dependencies>\n    <dependency>\n      <groupId>org.springframework.boot</groupId>\n      <artifactId>spring-boot-starter-web</artifactId>\n    </dependency>\n  </dependencies>\n</project>\n";
        let v = run_on_files(&CHECK, &[SVC, ("pom.xml", pom)]);
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        assert_eq!(v.findings[0].location, Some(Location::line("pom.xml", 5)));
        // Before 3.4 the default was an immediate stop.
        let old = pom.replace("3.4.1", "3.3.5");
        assert_eq!(
            run_on_files(&CHECK, &[SVC, ("pom.xml", old.as_str())]).outcome,
            Outcome::Fail
        );
    }

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

    /// excalidraw, bitwarden's util/Nginx (#13): the official nginx image stops
    /// gracefully (STOPSIGNAL SIGQUIT) when run as it is.
    #[test]
    fn official_nginx_images_stop_gracefully() {
        assert_eq!(graceful_base("nginx:1.27-alpine"), Some("nginx"));
        assert_eq!(graceful_base("docker.io/library/nginx"), Some("nginx"));
        assert_eq!(
            graceful_base("nginxinc/nginx-unprivileged:stable"),
            Some("nginx")
        );
        assert_eq!(graceful_base("myorg/nginx:1"), None);
        // monica (#13): PHP's Apache and FPM variants stop gracefully; the CLI image not.
        assert_eq!(graceful_base("php:8.3-apache"), Some("apache"));
        assert_eq!(graceful_base("php:8.3-fpm-alpine"), Some("php-fpm"));
        assert_eq!(graceful_base("php:8.3-cli"), None);
        assert_eq!(graceful_base("node:20"), None);
        let svc = ("shipshape.toml", "[service]\nkind = \"service\"\n");
        let df = "FROM node:20 AS build\nRUN yarn build\nFROM nginx:1.27-alpine\nCOPY --from=build /app/build /usr/share/nginx/html\n";
        let v = run_on_files(&CHECK, &[svc, ("Dockerfile", df)]);
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        let own = "FROM nginx:1.27-alpine\nCMD [\"/app/server\"]\n";
        assert_eq!(
            run_on_files(&CHECK, &[svc, ("Dockerfile", own)]).outcome,
            Outcome::Fail
        );
    }

    /// meilisearch (#13): `HttpServer::new(...).disable_signals()` turns actix's own
    /// SIGTERM handling off; without it actix-web drains (lldap).
    #[test]
    fn actix_drains_unless_its_signals_are_disabled() {
        let svc = ("shipshape.toml", "[service]\nkind = \"service\"\n");
        let cargo = (
            "Cargo.toml",
            "[package]\nname = \"s\"\n\n[dependencies]\nactix-web = \"4\"\n",
        );
        let main =
            "fn main() {\n    HttpServer::new(app)\n        .bind(addr)?\n        .run();\n}\n";
        assert_eq!(
            run_on_files(&CHECK, &[svc, cargo, ("src/main.rs", main)]).outcome,
            Outcome::Pass
        );
        let off = main.replace(".run();", ".disable_signals()\n        .run();");
        let v = run_on_files(&CHECK, &[svc, cargo, ("src/main.rs", &off)]);
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
    }
}
