//! `observability/health-endpoint`: the service exposes a health check.

use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::signals::SignalKind;
use shipshape_model::{Area, Finding, Location, Severity, UnitKind};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "observability/health-endpoint",
        title: "Service exposes a health endpoint",
        area: Area::Observability,
        severity: Severity::High,
        kinds: &[UnitKind::Service],
        scope: shipshape_model::Scope::Unit,
        applies_to: "services",
        rationale: "Orchestrators, load balancers and on-call engineers need a cheap, reliable way to ask \"are you alive and ready?\". Without one, a hung process keeps receiving traffic.",
        evaluation: "Passes when non-test code of the unit defines an HTTP route whose path is a health path (/health, /healthz, /livez, /readyz, /ready, /ping, /up, /actuator/health, with an optional /api and version (/v1) prefix; Rails' `rails/health#show`; Laravel's `Route::get('health')` and `withRouting(health:)`; chi's `Heartbeat`) in any framework, a file-based route (Next.js `app/api/health/route.ts` or `pages/api/health.ts`, Remix/React Router `routes/api.health.ts`, SvelteKit `routes/health/+server.ts`, Nuxt `server/api/health.ts`) exporting its handler, or registers a gRPC health service; in Go, Python, JavaScript/TypeScript, Java, C#, Rust, Ruby and PHP the path must be *registered* as a route (a decorator, annotation or attribute, a route call such as `HandleFunc`/`app.get(path, handler)`/`path()`/`MapGet`, or a request path compared with it), not requested by a client, held in a constant or shown in a comment, and a route mapped only under a development-environment condition does not count; or when the unit depends on Spring Boot Actuator (which serves /actuator/health by default; also through the Spring Boot Admin and Eureka server starters, which depend on it) or Dropwizard (which serves /healthcheck on its admin port); or when a Kubernetes probe (an httpGet probe is cited before grpc/exec/tcp ones, which are often a database's) or a Dockerfile HEALTHCHECK exists for the unit. Fails otherwise.",
        remediation: "Add a cheap liveness route (e.g. GET /healthz returning 200) and a readiness route that checks dependencies (GET /readyz), and point your orchestrator's probes at them.",
        references: &[
            "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
            "https://datatracker.ietf.org/doc/html/draft-inadarei-api-health-check",
        ],
    },
    run,
};

fn run(ctx: &Ctx) -> Verdict {
    if let Some(s) = ctx.signals(SignalKind::HealthRoute).next() {
        return Verdict::pass_with(
            format!("health route defined in {}:{}", s.path, s.line),
            vec![
                Finding::at(Location::line(&s.path, s.line), "health route")
                    .with_snippet(s.text.clone()),
            ],
        );
    }
    // Spring Boot Actuator serves /actuator/health over HTTP by default; a Dropwizard
    // application serves /healthcheck on its admin connector (signalapp/Signal-Server).
    for (suffix, what, path) in [
        (
            ":spring-boot-starter-actuator",
            "Spring Boot Actuator",
            "/actuator/health",
        ),
        (
            ":dropwizard-core",
            "Dropwizard",
            "/healthcheck on the admin port",
        ),
        // Starters that depend on Actuator (not optionally): Spring Boot Admin's server
        // and Eureka's (spring-petclinic-microservices' admin and discovery servers).
        // Spring Cloud Config Server's Actuator is optional: not here.
        (
            ":spring-boot-admin-starter-server",
            "Spring Boot Actuator (through Spring Boot Admin)",
            "/actuator/health",
        ),
        (
            ":spring-cloud-starter-netflix-eureka-server",
            "Spring Boot Actuator (through the Eureka server starter)",
            "/actuator/health",
        ),
    ] {
        if let Some(d) = ctx.deps().find(|d| !d.dev && d.name.ends_with(suffix)) {
            return Verdict::pass_with(
                format!(
                    "{what} (`{}` in {}:{}) serves {path}",
                    d.name, d.manifest, d.line
                ),
                vec![Finding::at(
                    Location::line(&d.manifest, d.line),
                    format!("{what}: {path}"),
                )],
            );
        }
    }
    // An HTTP probe says the service answers a health path; an exec or TCP probe (often
    // a database's `pg_isready` beside it) says less, so it is cited only when no
    // workload of the unit has an HTTP probe.
    let mut other = None;
    for w in ctx.workloads() {
        for c in w.containers(false) {
            for probe in ["livenessProbe", "readinessProbe"] {
                let Some(p) = c.get(probe) else { continue };
                match p.at(&["httpGet", "path"]).and_then(|x| x.as_str()) {
                    Some(path) => {
                        return Verdict::pass_with(
                            format!("{probe} on {} ({path})", w.display()),
                            vec![Finding::at(
                                Location::line(&w.path, p.line),
                                format!("{probe} {path}"),
                            )],
                        );
                    }
                    None => {
                        other.get_or_insert((w, probe, p.line));
                    }
                }
            }
        }
    }
    if let Some((w, probe, line)) = other {
        return Verdict::pass_with(
            format!("{probe} on {} ((exec/tcp/grpc probe))", w.display()),
            vec![Finding::at(
                Location::line(&w.path, line),
                format!("{probe} (exec/tcp/grpc probe)"),
            )],
        );
    }
    // The image's HEALTHCHECK, inherited from the stage it is built from; failing
    // that, one a stage sets that CI builds with `--target` (uptime-kuma's `release`
    // stage: the Dockerfile's last stage is a utility stage).
    for d in ctx.dockerfiles() {
        let image = d.final_stage().and_then(|s| d.healthcheck_of(s));
        let target = || d.stages.iter().find_map(|s| d.healthcheck_of(s));
        if let Some(h) = image.or_else(target) {
            return Verdict::pass_with(
                format!("HEALTHCHECK in {}:{}", d.path, h.line),
                vec![Finding::at(
                    Location::line(&d.path, h.line),
                    format!("HEALTHCHECK {}", h.args),
                )],
            );
        }
    }
    Verdict::fail(
        "no health endpoint found",
        vec![Finding::new(
            "no health route (/health, /healthz, /livez, /readyz, /ready, /ping, /actuator/health) in code, no Kubernetes probe, no Dockerfile HEALTHCHECK",
        )],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    const SVC: (&str, &str) = ("shipshape.toml", "[service]\nkind = \"service\"\n");

    /// Flagsmith's API image is `FROM api-runtime`, which sets the HEALTHCHECK, and
    /// uptime-kuma's `release` stage (built with `--target`) sets it while the file's
    /// last stage is a utility stage. Both failed.
    #[test]
    fn an_inherited_or_target_stage_healthcheck_counts() {
        let svc = ("shipshape.toml", "[service]\nkind = \"service\"\n");
        for dockerfile in [
            "FROM wolfi AS api-runtime\nHEALTHCHECK CMD flagsmith healthcheck tcp\nFROM api-runtime AS oss-api\nCMD [\"serve\"]\n",
            "FROM base AS release\nHEALTHCHECK CMD extra/healthcheck\nFROM release AS rootless\nUSER node\nFROM base AS upload-artifact\nRUN upload\n",
        ] {
            let v = run_on_files(&CHECK, &[svc, ("Dockerfile", dockerfile)]);
            assert_eq!(v.outcome, Outcome::Pass, "{dockerfile}: {v:?}");
        }
        let v = run_on_files(
            &CHECK,
            &[svc, ("Dockerfile", "FROM a AS x\nHEALTHCHECK NONE\n")],
        );
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
    }

    #[test]
    fn route_probe_or_healthcheck_pass() {
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                (
                    "src/main.rs",
                    "let app = Router::new()\n  .route(\"/healthz\", get(ok));\n",
                ),
            ],
        );
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(2));
        let k = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  template:\n    spec:\n      containers:\n        - name: a\n          image: a:1\n          readinessProbe:\n            httpGet: {path: /ready, port: 80}\n";
        assert_eq!(
            run_on_files(&CHECK, &[SVC, ("k8s/d.yaml", k)]).outcome,
            Outcome::Pass
        );
        assert_eq!(
            run_on_files(
                &CHECK,
                &[
                    SVC,
                    (
                        "Dockerfile",
                        "FROM a:1\nHEALTHCHECK CMD curl -f localhost/\n"
                    )
                ]
            )
            .outcome,
            Outcome::Pass
        );
    }

    /// Regression (spring-petclinic-microservices, #13): its admin and discovery servers
    /// declare only the Spring Boot Admin and Eureka server starters, which bring
    /// Actuator with them; the config server's is optional and does not.
    #[test]
    fn starters_that_bring_actuator_serve_its_health_route() {
        let pom = |a: &str| {
            format!(
                "<project>\n  <dependencies>\n    <dependency>\n      <groupId>x</groupId>\n      <artifactId>{a}</artifactId>\n    </dependency>\n  </dependencies>\n</project>\n"
            )
        };
        for (artifact, want) in [
            ("spring-boot-admin-starter-server", Outcome::Pass),
            ("spring-cloud-starter-netflix-eureka-server", Outcome::Pass),
            ("spring-cloud-config-server", Outcome::Fail),
        ] {
            let p = pom(artifact);
            let v = run_on_files(&CHECK, &[SVC, ("pom.xml", &p)]);
            assert_eq!(v.outcome, want, "{artifact}: {v:?}");
        }
    }

    #[test]
    fn actuator_and_http_probes_come_before_a_databases_exec_probe() {
        // Shape met in spring-projects/spring-petclinic: k8s/db.yml (postgres, exec
        // `pg_isready`) sorts before k8s/petclinic.yml (httpGet /livez); the app depends on
        // spring-boot-starter-actuator.
        let db = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: db}\nspec:\n  template:\n    spec:\n      containers:\n        - name: postgresql\n          image: postgres:18\n          livenessProbe:\n            exec: {command: [pg_isready]}\n";
        let app = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: app:1\n          livenessProbe:\n            httpGet: {path: /livez, port: http}\n";
        let v = run_on_files(
            &CHECK,
            &[SVC, ("k8s/db.yml", db), ("k8s/petclinic.yml", app)],
        );
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("k8s/petclinic.yml", 11))
        );
        // The exec probe alone still counts.
        let v = run_on_files(&CHECK, &[SVC, ("k8s/db.yml", db)]);
        assert_eq!(v.outcome, Outcome::Pass);
        assert!(v.summary.contains("exec/tcp/grpc"), "{}", v.summary);
        let gradle = "plugins { id 'java' }\ndependencies {\n  implementation 'org.springframework.boot:spring-boot-starter-web'\n  implementation 'org.springframework.boot:spring-boot-starter-actuator'\n}\n";
        let v = run_on_files(&CHECK, &[SVC, ("build.gradle", gradle)]);
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("build.gradle", 4))
        );
    }

    /// signalapp/Signal-Server passed on `"/health-check"` in a set of metrics
    /// exclusions; it is a Dropwizard application, whose admin port serves /healthcheck.
    /// miniflux's API client requesting `/healthcheck` is no route of its own.
    #[test]
    fn dropwizard_serves_a_health_check_and_a_client_request_is_no_route() {
        let pom = "<project>\n  <dependencies>\n    <dependency>\n      <groupId>io.dropwizard</groupId>\n      <artifactId>dropwizard-core</artifactId>\n    </dependency>\n  </dependencies>\n</project>\n";
        let java = "class S {\n  void run() {\n    MetricsHttpEventHandler.configure(env, Set.of(ws, \"/health-check\"));\n  }\n}\n";
        let v = run_on_files(
            &CHECK,
            &[SVC, ("pom.xml", pom), ("src/main/java/S.java", java)],
        );
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        assert!(v.summary.contains("Dropwizard"), "{}", v.summary);
        let go = "package client\n\nfunc (c *Client) Healthcheck() error {\n\t_, err := c.request.Get(ctx, \"/healthcheck\")\n\treturn err\n}\n";
        let v = run_on_files(&CHECK, &[SVC, ("client/client.go", go)]);
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
    }

    #[test]
    fn test_code_and_absence_fail() {
        let v = run_on_files(
            &CHECK,
            &[SVC, ("tests/api_test.py", "client.get('/health')\n")],
        );
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(
            run_on_files(
                &CHECK,
                &[SVC, ("Dockerfile", "FROM a:1\nHEALTHCHECK NONE\n")]
            )
            .outcome,
            Outcome::Fail
        );
    }
}
