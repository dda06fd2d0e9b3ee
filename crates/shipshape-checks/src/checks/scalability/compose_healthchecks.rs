//! `scalability/compose-healthchecks`: compose services built from the repository declare a healthcheck.

use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::FileKind;
use shipshape_model::{Area, Finding, Location, Severity};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "scalability/compose-healthchecks",
        title: "Compose services built here have healthchecks",
        area: Area::Scalability,
        severity: Severity::Medium,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "units whose compose files build services from the repository",
        rationale: "Without a healthcheck, `depends_on` and restart policies only know whether the process exists, not whether it works: dependants start against a service that is not ready, and a wedged process is never restarted.",
        evaluation: "Compose files of one directory are merged as Compose does (compose.yml + compose.override.yml). For each service with a `build:` key that the base file also defines (services only a development override adds, services built from test-runner or development Dockerfiles such as `Dockerfile.cypress` or from a Dockerfile that only services mounting the source tree over the container build, and services built from installed dependencies (a context under `vendor/` or `node_modules/`: Laravel Sail) are skipped), outside tests: passes when it has a `healthcheck` that is not `disable: true`, or when the Dockerfile it builds (`build.context` + `build.dockerfile`, default `Dockerfile`, resolved against the compose file's directory) has a HEALTHCHECK in its final stage. Fails with one finding per service at its line. Services that only pull an image are not judged. `n/a` when no compose service is built from the repository; `error` when a compose file does not parse.",
        remediation: "Add `healthcheck: {test: [\"CMD\", \"curl\", \"-fsS\", \"http://localhost:8080/healthz\"], interval: 10s, retries: 3}` to the service (or a HEALTHCHECK to its Dockerfile) and use `depends_on: {api: {condition: service_healthy}}`.",
        references: &["https://docs.docker.com/reference/compose-file/services/#healthcheck"],
    },
    run,
};

use shipshape_facts::join_relative as join;

/// One compose service as merged across the compose files of a directory
/// (`compose.yml` + `compose.override.yml` are applied together).
#[derive(Default)]
struct Merged {
    /// `(file, line, context, dockerfile)` of the `build:` key.
    build: Option<(String, u32, String, String)>,
    healthcheck: Option<bool>,
    in_base_file: bool,
}

fn run(ctx: &Ctx) -> Verdict {
    let mut errors = Vec::new();
    // (directory, service) → merged view, in first-seen order.
    let mut services: Vec<((String, String), Merged)> = Vec::new();
    for f in ctx
        .files()
        .filter(|f| f.kind == FileKind::Compose && f.role.is_production())
    {
        let docs = match ctx.facts.yaml(&f.path) {
            Some(Ok(d)) => d,
            Some(Err(e)) => {
                errors.push(format!("{}: {e}", f.path));
                continue;
            }
            None => continue,
        };
        let dir = f.path.rsplit_once('/').map_or("", |(d, _)| d).to_string();
        let is_override = f.path.to_ascii_lowercase().contains(".override.");
        for d in docs.iter() {
            for (name, svc) in d.idx("services").entries() {
                let key = (dir.clone(), name.to_string());
                let at = match services.iter().position(|(k, _)| *k == key) {
                    Some(i) => i,
                    None => {
                        services.push((key, Merged::default()));
                        services.len() - 1
                    }
                };
                let m = &mut services[at].1;
                m.in_base_file |= !is_override;
                if let Some(h) = svc.get("healthcheck") {
                    m.healthcheck = Some(h.idx("disable").as_bool() != Some(true));
                }
                if let Some(build) = svc.get("build") {
                    let (context, dockerfile) = shipshape_facts::compose_build(build);
                    m.build = Some((f.path.clone(), svc.line.max(1), context, dockerfile));
                }
            }
        }
    }
    let mut built = 0;
    let mut bad = Vec::new();
    for ((dir, name), m) in &services {
        // Services that only a development override adds (test runners, tools) are not judged.
        let Some((file, line, context, dockerfile)) = &m.build else {
            continue;
        };
        if !m.in_base_file {
            continue;
        }
        // Test runners (Cypress, Playwright, e2e images) run once and exit: no healthcheck.
        if ctx
            .facts
            .is_dev_dockerfile(&join(&join(dir, context), dockerfile))
        {
            continue;
        }
        // A context inside installed dependencies builds someone else's image (monica's
        // Laravel Sail services: `./vendor/laravel/sail/runtimes/8.4`).
        if join(dir, context)
            .split('/')
            .any(|seg| seg == "vendor" || seg == "node_modules")
        {
            continue;
        }
        built += 1;
        if m.healthcheck == Some(true) {
            continue;
        }
        let df_path = join(&join(dir, context), dockerfile);
        let image_check = ctx
            .facts
            .dockerfiles()
            .iter()
            .find(|d| d.path == df_path)
            .and_then(|d| d.healthcheck_of(d.final_stage()?))
            .is_some_and(|h| !h.args.trim().eq_ignore_ascii_case("none"));
        if !image_check {
            bad.push(
                Finding::at(
                    Location::line(file, *line),
                    format!("service `{name}` (built from {df_path}) has no healthcheck"),
                )
                .with_key(name.clone()),
            );
        }
    }
    if !errors.is_empty() && bad.is_empty() {
        return Verdict::error(format!(
            "compose file(s) could not be parsed: {}",
            errors.join("; ")
        ));
    }
    if built == 0 {
        return Verdict::not_applicable("no compose service is built from the repository");
    }
    if bad.is_empty() {
        Verdict::pass(format!(
            "{built} built compose service(s) have healthchecks"
        ))
    } else {
        Verdict::fail(
            format!(
                "{} of {built} built compose service(s) lack a healthcheck",
                bad.len()
            ),
            bad,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    #[test]
    fn service_or_dockerfile_healthchecks() {
        let compose = "services:\n  api:\n    build: ./api\n    ports: [\"8080:8080\"]\n  db:\n    image: postgres:17\n";
        let v = run_on_files(
            &CHECK,
            &[
                ("compose.yaml", compose),
                ("api/Dockerfile", "FROM node:22\n"),
            ],
        );
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings.len(), 1);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(3));
        let hc =
            "FROM node:22\nHEALTHCHECK CMD curl -fsS http://localhost:8080/healthz || exit 1\n";
        assert_eq!(
            run_on_files(&CHECK, &[("compose.yaml", compose), ("api/Dockerfile", hc)]).outcome,
            Outcome::Pass
        );
        let inline = "services:\n  api:\n    build: {context: ., dockerfile: Dockerfile.api}\n    healthcheck:\n      test: [\"CMD\", \"/api\", \"health\"]\n";
        assert_eq!(
            run_on_files(&CHECK, &[("docker-compose.yml", inline)]).outcome,
            Outcome::Pass
        );
        let pulled = "services:\n  db:\n    image: postgres:17\n";
        assert_eq!(
            run_on_files(&CHECK, &[("compose.yaml", pulled)]).outcome,
            Outcome::NotApplicable
        );
        assert_eq!(join("deploy", "../api/./x"), "api/x");
    }

    #[test]
    fn override_files_merge_with_the_base_file() {
        // Regression: full-stack-fastapi-template builds `backend` in
        // compose.override.yml while compose.yml carries its healthcheck.
        let base = "services:\n  backend:\n    image: backend:latest\n    healthcheck:\n      test: [CMD, curl, -f, http://localhost:8000/api/v1/utils/health-check/]\n";
        let over = "services:\n  backend:\n    build: {context: ./backend}\n  playwright:\n    build: {context: ./frontend, dockerfile: Dockerfile.playwright}\n";
        let v = run_on_files(
            &CHECK,
            &[("compose.yml", base), ("compose.override.yml", over)],
        );
        assert_eq!(v.outcome, Outcome::Pass, "{:?}", v.findings);
        let no_hc = "services:\n  backend:\n    image: backend:latest\n";
        let v = run_on_files(
            &CHECK,
            &[("compose.yml", no_hc), ("compose.override.yml", over)],
        );
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(
            v.findings.len(),
            1,
            "the override-only playwright service is not judged"
        );
    }

    #[test]
    fn test_runner_images_are_not_judged() {
        // Regression: opentelemetry-demo's compose.tests.yaml service `frontendTests`, built
        // from src/frontend/Dockerfile.cypress (a one-shot Cypress run), failed for lacking
        // a healthcheck.
        // monica (#13): Laravel Sail's services build from `vendor/`, not from the repository.
        let sail = "services:\n  laravel.test:\n    build:\n      context: ./vendor/laravel/sail/runtimes/8.4\n      dockerfile: Dockerfile\n";
        assert_eq!(
            run_on_files(&CHECK, &[("docker-compose.yml", sail)]).outcome,
            Outcome::NotApplicable
        );
        let compose = "services:\n  frontendTests:\n    build:\n      context: ./\n      dockerfile: src/frontend/Dockerfile.cypress\n  api:\n    build: ./api\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n";
        let v = run_on_files(&CHECK, &[("compose.tests.yaml", compose)]);
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
    }
}
