//! `delivery/automated-deploy`: releasing the service is automated, not a manual ritual.

use crate::checks::delivery::gha::{is_production_path, live_ci_files};
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use regex::Regex;
use shipshape_model::{Area, Finding, Location, Severity, UnitKind};
use std::sync::OnceLock;

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "delivery/automated-deploy",
        title: "Deployment is automated",
        area: Area::Delivery,
        severity: Severity::High,
        kinds: &[UnitKind::Service],
        scope: shipshape_model::Scope::Unit,
        applies_to: "services",
        rationale: "Manual deploys are slow, differ from person to person and are skipped under pressure, which is exactly when a quick, reliable deploy (or rollback) matters most.",
        evaluation: "Passes on the first of: a GitOps resource in the repository (Argo CD Application/ApplicationSet, Flux Kustomization/HelmRelease); release tooling configuration (goreleaser, cargo-dist, semantic-release, release-please, skaffold, ko, Kamal `config/deploy.yml`); a CI job with a deployment `environment:`; a GitHub Actions step publishing an image (`docker/build-push-action`, `docker/bake-action` or Depot's with `push:` not false, or `outputs:` with `push=true` or `type=registry`) or using a known deploy or release-publishing action (ECS, Cloud Run, Azure web apps/Kubernetes, Fly, Heroku, Cloudflare, Vercel, Netlify; a release asset upload such as softprops/action-gh-release); or a CI line running a deploy or publish command, directly, through the recipe of a `make` target it runs, or through a root package.json or composer.json script it runs (`kubectl apply/set image/rollout`, `helm upgrade/install`, `helmfile apply/sync`, `argocd app sync`, `flux reconcile`, `skaffold run/deploy`, `terraform apply`, `pulumi up`, `docker push`, `buildx ... --push`, `gcloud run deploy`, `aws ecs update-service`, `sam/serverless/cdk deploy`, `fly deploy`, `kamal deploy`, `cap ... deploy`, `ansible-playbook`, `eb deploy`, `goreleaser`, `semantic-release`, `gh release create/upload`, `fastapi deploy`...); last, a GitHub Actions job whose id names deploying (`deploy`, `deploy-prod`, `deployment`) and that runs steps of its own, whatever it deploys with (`docker compose up` on a self-hosted runner, an ssh script), unless its workflow brings up a throw-away cluster. Comment lines are ignored, and so are kubectl/helm commands in CI files that create a throw-away cluster (kind, minikube, k3d: end-to-end tests). Fails otherwise, naming the CI files searched.",
        remediation: "Add a pipeline stage that deploys (or publishes the image that GitOps deploys) on every merge to the main branch, e.g. a GitHub Actions job with `environment: production` running `helm upgrade --install`, or an Argo CD Application tracking the repository.",
        references: &[
            "https://dora.dev/capabilities/deployment-automation/",
            "https://opengitops.dev/",
        ],
    },
    run,
};

fn deploy_command() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?x)
            \bkubectl\b[^\n]*\b(?:apply|set\s+image|rollout\s+restart|replace)\b
            | \bhelm\s+(?:upgrade|install)\b | \bhelmfile\b[^\n]*\b(?:apply|sync)\b
            | \bargocd\s+app\s+(?:sync|set|create)\b | \bflux\s+reconcile\b
            | \bskaffold\s+(?:run|deploy)\b | \bterraform\s+apply\b | \bterragrunt\b[^\n]*\bapply\b | \bpulumi\s+up\b
            | \bdocker\s+(?:image\s+)?push\b | \bbuildx\s+build\b[^\n]*--push\b | \bpodman\s+push\b | \bbuildah\s+push\b | \bcrane\s+push\b | \bko\s+(?:build|publish|apply|resolve)\b
            | \bgcloud\s+(?:run\s+deploy|app\s+deploy|functions\s+deploy|deploy)\b | \bgcloud\s+builds\s+submit\b
            | \baws\s+ecs\s+update-service\b | \baws\s+deploy\b | \baws\s+lambda\s+update-function-code\b | \bcopilot\s+(?:svc\s+)?deploy\b
            | \b(?:sam|serverless|sls|cdk|cdktf)\s+deploy\b | \beb\s+deploy\b
            | \b(?:fly|flyctl)\s+deploy\b | \bkamal\s+deploy\b | \bcap\s+\w+\s+deploy\b | \bansible-playbook\b
            | \baz\s+(?:webapp|containerapp|functionapp)\b[^\n]*\b(?:deploy|update|up)\b
            | \bcf\s+push\b | \bheroku\s+(?:container:release|releases)\b | \bgit\s+push\s+heroku\b
            | \bvercel\b[^\n]*--prod\b | \bnetlify\s+deploy\b | \bwrangler\s+(?:deploy|publish)\b | \brailway\s+up\b
            | \bfastapi\s+deploy\b
            | \bgoreleaser\b | \bsemantic-release\b | \bcargo\s+dist\b | \bdist\s+build\b | \bjib\b[^\n]*:build\b | \bspring-boot:build-image\b[^\n]*publish
            | \bnpm\s+publish\b | \bcargo\s+publish\b | \btwine\s+upload\b | \bgh\s+release\s+(?:create|upload)\b
            | \bdeploy\.sh\b | \bmake\s+(?:[\w-]+\s+)*deploy\b | \bjust\s+deploy\b
            ",
        )
        .expect("constant regex")
    })
}

const DEPLOY_ACTIONS: &[&str] = &[
    "aws-actions/amazon-ecs-deploy-task-definition",
    "google-github-actions/deploy-cloudrun",
    "google-github-actions/deploy-appengine",
    "azure/webapps-deploy",
    "azure/k8s-deploy",
    "azure/container-apps-deploy-action",
    "superfly/flyctl-actions",
    "akhileshns/heroku-deploy",
    "cloudflare/wrangler-action",
    "amondnet/vercel-action",
    "nwtgck/actions-netlify",
    "appleboy/ssh-action",
    "helm/chart-releaser-action",
    "goreleaser/goreleaser-action",
    "googleapis/release-please-action",
    "cycjimmy/semantic-release-action",
    // Publishing the release's distributable to a GitHub release, goreleaser's way
    // (wallabag uploads its tarball when a release is created).
    "softprops/action-gh-release",
    "ncipollo/release-action",
    "shogo82148/actions-upload-release-asset",
    "svenstaro/upload-release-action",
    "actions/upload-release-asset",
];

const TOOL_FILES: &[&str] = &[
    ".goreleaser.yml",
    ".goreleaser.yaml",
    "dist-workspace.toml",
    ".releaserc",
    ".releaserc.json",
    "release.config.js",
    "release-please-config.json",
    "skaffold.yaml",
    ".ko.yaml",
    "config/deploy.yml",
];

/// The CI file creates a throw-away cluster (kind, minikube, k3d) for its tests.
fn creates_ephemeral_cluster(text: &str) -> bool {
    [
        "kind create cluster",
        "helm/kind-action",
        "kind-action@",
        "minikube start",
        "setup-minikube",
        "k3d cluster create",
        "AbsaOSS/k3d-action",
    ]
    .iter()
    .any(|m| text.contains(m))
}

fn evidence(ctx: &Ctx) -> Option<Finding> {
    for o in ctx.facts.k8s_objects().items.iter() {
        let gitops = (o.api_version.starts_with("argoproj.io/")
            && matches!(o.kind.as_str(), "Application" | "ApplicationSet"))
            || (o.api_version.starts_with("kustomize.toolkit.fluxcd.io/")
                && o.kind == "Kustomization")
            || (o.api_version.starts_with("helm.toolkit.fluxcd.io/") && o.kind == "HelmRelease");
        // The kind first: the path test costs more, and every unit asks.
        if gitops && is_production_path(&o.path) {
            return Some(Finding::at(
                Location::line(&o.path, o.line),
                format!("GitOps {}", o.display()),
            ));
        }
    }
    let unit = ctx.unit.path.trim_end_matches('/');
    for name in TOOL_FILES {
        for p in [name.to_string(), format!("{unit}/{name}")] {
            if ctx.facts.exists(&p) {
                return Some(Finding::at(
                    Location::file(p),
                    "release/deploy tooling configuration",
                ));
            }
        }
    }
    for f in live_ci_files(ctx) {
        if let Some(w) = &f.workflow {
            for j in &w.jobs {
                for s in &j.steps {
                    let Some((uses, line)) = &s.uses else {
                        continue;
                    };
                    // `push:` not false, or an `outputs:` that pushes (meilisearch and
                    // hoppscotch push by digest: `type=image,push-by-digest=true,push=true`);
                    // Depot's and the bake action take the same inputs.
                    let builder = [
                        "docker/build-push-action@",
                        "depot/build-push-action@",
                        "docker/bake-action@",
                        "depot/bake-action@",
                    ]
                    .iter()
                    .any(|a| uses.starts_with(a));
                    let with = s.with.as_ref();
                    let push_input = with
                        .and_then(|w| w.get("push"))
                        .is_some_and(|p| p.as_bool() != Some(false));
                    let push_output = with
                        .and_then(|w| w.get("outputs"))
                        .and_then(|o| o.as_str())
                        .is_some_and(|o| o.contains("push=true") || o.contains("type=registry"));
                    let pushes = builder && (push_input || push_output);
                    if pushes
                        || DEPLOY_ACTIONS
                            .iter()
                            .any(|a| uses.starts_with(&format!("{a}@")))
                    {
                        let through = match &s.composite {
                            Some(_) => {
                                format!(" (through the composite action it runs, from {})", f.path)
                            }
                            None => String::new(),
                        };
                        return Some(Finding::at(
                            Location::line(s.file(&f.path), *line),
                            format!("job `{}` uses `{uses}`{through}", j.id),
                        ));
                    }
                }
            }
        }
        let Some(text) = ctx.text(&f.path) else {
            continue;
        };
        // kubectl/helm against a throw-away cluster (kind, minikube, k3d) is an end-to-end test, not a deploy.
        let ephemeral = creates_ephemeral_cluster(text);
        let re = deploy_command();
        for (i, l) in text.lines().enumerate() {
            let t = l.trim_start();
            if t.starts_with('#') || t.starts_with("//") {
                continue;
            }
            // A job bound to a deployment environment (GitHub Actions, GitLab CI).
            let env_line = t.starts_with("environment:") && l.len() - t.len() >= 2;
            let k8s_cmd = t.contains("kubectl") || t.contains("helm ") || t.contains("helmfile");
            if env_line || (re.is_match(l) && !(ephemeral && k8s_cmd)) {
                return Some(
                    Finding::at(
                        Location::line(&f.path, i as u32 + 1),
                        if env_line {
                            "deployment environment"
                        } else {
                            "deploy/publish command"
                        },
                    )
                    .with_snippet(t.chars().take(120).collect::<String>()),
                );
            }
        }
    }
    // A `make` target (gotify's `make DOCKER_BUILD_PUSH=true build-docker` runs `docker
    // buildx build … --push`) or a root package.json/composer.json script (dockge's `npm
    // run release-nightly`) the CI runs whose commands deploy or publish, through the
    // targets and scripts they run in turn.
    {
        use crate::checks::delivery::ci_commands;
        let find = |cmd: &str| {
            deploy_command()
                .find(cmd)
                .map(|m| m.as_str().trim().to_string())
        };
        let makefile = ci_commands::root_makefile(ctx);
        for f in live_ci_files(ctx) {
            let Some(text) = ctx.text(&f.path) else {
                continue;
            };
            for l in text.lines() {
                let t = l.trim_start();
                if t.starts_with('#') {
                    continue;
                }
                let behind = makefile
                    .as_ref()
                    .filter(|_| l.contains("make "))
                    .and_then(|m| ci_commands::through_make(m, l, &find))
                    .or_else(|| ci_commands::through_package_script(ctx, t, &find))
                    .or_else(|| ci_commands::through_composer_script(ctx, t, &find));
                if let Some(b) = behind {
                    return Some(
                        Finding::at(Location::line(&b.path, b.line), "deploy/publish command")
                            .with_snippet(format!("{} (from {})", b.what, f.path)),
                    );
                }
            }
        }
    }
    // Last: a GitHub Actions job named for deploying (`deploy`, `deploy-prod`,
    // `deployment`) that runs steps of its own, whatever tool it deploys with
    // (`docker compose up` on a self-hosted runner, an ssh script...).
    for f in live_ci_files(ctx) {
        let Some(w) = &f.workflow else { continue };
        let text = ctx.text(&f.path);
        // A workflow that brings up a throw-away cluster tests, whatever its jobs are
        // called (`deploy-and-test-cluster` with helm/kind-action).
        if text.is_some_and(creates_ephemeral_cluster) {
            continue;
        }
        if let Some(j) = w.jobs.iter().find(|j| {
            !j.steps.is_empty()
                && j.id.split(['-', '_', '.']).any(|t| {
                    t.eq_ignore_ascii_case("deploy") || t.eq_ignore_ascii_case("deployment")
                })
        }) {
            let line = text.map_or(j.line, |t| {
                crate::checks::delivery::gha::key_line(t, j.line, &j.id)
            });
            return Some(Finding::at(
                Location::line(&f.path, line),
                format!("deploy job `{}`", j.id),
            ));
        }
    }
    // A Procfile or app.json alone is a platform hint, not automation.
    None
}

fn run(ctx: &Ctx) -> Verdict {
    if let Some(f) = evidence(ctx) {
        let summary = format!(
            "deployment is automated ({}{})",
            f.message,
            f.location
                .as_ref()
                .map(|l| format!(" at {l}"))
                .unwrap_or_default()
        );
        return Verdict::pass_with(summary, vec![f]);
    }
    let searched: Vec<&str> = live_ci_files(ctx).iter().map(|f| f.path.as_str()).collect();
    Verdict::fail(
        "no automated deployment or release found",
        vec![Finding::new(format!(
            "no GitOps resource, no release tooling ({}), and no deploy/publish job in CI ({})",
            TOOL_FILES.join(", "),
            if searched.is_empty() {
                "no CI definitions".to_string()
            } else {
                searched.join(", ")
            }
        ))],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    const SVC: (&str, &str) = ("shipshape.toml", "[service]\nkind = \"service\"\n");

    #[test]
    fn deploy_jobs_gitops_and_publish_pass() {
        let gl = "test:\n  script: [make test]\ndeploy:\n  stage: deploy\n  script:\n    # kubectl apply -f old/\n    - helm upgrade --install api ./chart\n";
        let v = run_on_files(&CHECK, &[SVC, (".gitlab-ci.yml", gl)]);
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line(".gitlab-ci.yml", 7))
        );
        let argo = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: api}\nspec: {}\n";
        assert_eq!(
            run_on_files(&CHECK, &[SVC, ("deploy/app.yaml", argo)]).outcome,
            Outcome::Pass
        );
        let wf = "on: push\njobs:\n  img:\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          push: ${{ github.ref == 'refs/heads/main' }}\n";
        let v = run_on_files(&CHECK, &[SVC, (".github/workflows/img.yml", wf)]);
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line(".github/workflows/img.yml", 5))
        );
    }

    #[test]
    fn deploy_named_jobs_and_fastapi_cloud_pass() {
        // Shapes met in fastapi/full-stack-fastapi-template: `docker compose up -d` on a
        // self-hosted runner in a job named `deploy`, and `fastapi deploy`.
        let compose = "on: workflow_dispatch\njobs:\n  deploy:\n    runs-on: self-hosted\n    steps:\n      - uses: actions/checkout@v4\n      - run: docker compose -f compose.yml up -d\n";
        let v = run_on_files(&CHECK, &[SVC, (".github/workflows/deploy.yml", compose)]);
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        assert_eq!(
            v.findings[0].location,
            Some(Location::line(".github/workflows/deploy.yml", 3))
        );
        let cloud = "on: {push: {branches: [master]}}\njobs:\n  ship:\n    steps:\n      - run: uv run fastapi deploy\n";
        let v = run_on_files(&CHECK, &[SVC, (".github/workflows/ship.yml", cloud)]);
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        assert_eq!(
            v.findings[0].location,
            Some(Location::line(".github/workflows/ship.yml", 5))
        );
        // A deploy-named job that deploys into a throw-away cluster is an end-to-end
        // test (spring-petclinic's deploy-and-test-cluster with helm/kind-action).
        let e2e = "on: push\njobs:\n  deploy-and-test-cluster:\n    steps:\n      - uses: helm/kind-action@v1\n      - run: ./mvnw test\n";
        assert_eq!(
            run_on_files(&CHECK, &[SVC, (".github/workflows/e2e.yml", e2e)]).outcome,
            Outcome::Fail
        );
        // A job that only mentions deploying in a longer word is not one.
        let other = "on: push\njobs:\n  undeployable-check:\n    steps:\n      - run: make lint\n";
        assert_eq!(
            run_on_files(&CHECK, &[SVC, (".github/workflows/ci.yml", other)]).outcome,
            Outcome::Fail
        );
    }

    #[test]
    fn build_only_and_e2e_clusters_fail() {
        let e2e = "on: push\njobs:\n  e2e:\n    steps:\n      - uses: helm/kind-action@v1\n      - run: kubectl apply -f manifests/\n";
        assert_eq!(
            run_on_files(&CHECK, &[SVC, (".github/workflows/e2e.yml", e2e)]).outcome,
            Outcome::Fail
        );
        let wf = "on: push\njobs:\n  img:\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          push: false\n      - run: docker build -t api .\n";
        let v = run_on_files(&CHECK, &[SVC, (".github/workflows/img.yml", wf)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert!(v.findings[0].message.contains(".github/workflows/img.yml"));
    }

    /// louislam/dockge's nightly workflow runs `npm run release-nightly`, a package.json
    /// script that runs `docker buildx build … --push`: it failed as no deployment.
    #[test]
    fn a_package_script_that_publishes_passes() {
        let wf = "on:\n  schedule:\n    - cron: '0 0 * * *'\njobs:\n  nightly:\n    steps:\n      - run: npm run release-nightly\n";
        let pkg = "{\n  \"scripts\": {\n    \"release-nightly\": \"docker buildx build -f docker/Dockerfile -t louislam/dockge:nightly --target nightly . --push\"\n  }\n}\n";
        let v = run_on_files(
            &CHECK,
            &[
                (".github/workflows/nightly.yml", wf),
                ("package.json", pkg),
                SVC,
            ],
        );
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        let other = "{\"scripts\": {\"release-nightly\": \"node build.js\"}}";
        let v = run_on_files(
            &CHECK,
            &[
                (".github/workflows/nightly.yml", wf),
                ("package.json", other),
                SVC,
            ],
        );
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
    }

    /// meilisearch, hoppscotch (#13): images pushed by digest through `outputs:`; gotify:
    /// a `make` target whose (continued) recipe runs `docker buildx build … --push`.
    /// Regression (teslamate): its images are built and pushed inside local composite
    /// actions (`uses: ./.github/actions/build`), which were not read: a false failure.
    #[test]
    fn publishing_inside_a_composite_action_passes() {
        let wf = "on: {push: {tags: ['v*']}}\njobs:\n  img:\n    steps:\n      - uses: actions/checkout@v4\n      - uses: ./.github/actions/build\n";
        let action = "runs:\n  using: composite\n  steps:\n    - uses: docker/setup-buildx-action@v3\n    - uses: docker/build-push-action@v6\n      with:\n        push: true\n";
        let files = [
            (".github/workflows/release.yml", wf),
            (".github/actions/build/action.yml", action),
            SVC,
        ];
        let v = run_on_files(&CHECK, &files);
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        let at = v.findings[0].location.as_ref().unwrap();
        assert_eq!(
            (at.path.as_str(), at.line),
            (".github/actions/build/action.yml", Some(5))
        );
        // Without the action's file, the step runs nothing known.
        assert_eq!(
            run_on_files(&CHECK, &[files[0], SVC]).outcome,
            Outcome::Fail
        );
    }

    #[test]
    fn pushes_by_digest_and_through_make_pass() {
        let wf = "on: push\njobs:\n  img:\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          outputs: type=image,push-by-digest=true,name-canonical=true,push=true\n";
        let v = run_on_files(&CHECK, &[SVC, (".github/workflows/docker.yml", wf)]);
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        let wf = "on: push\njobs:\n  b:\n    steps:\n      - run: |\n          make DOCKER_BUILD_PUSH=true build-docker\n";
        let mk = "build-docker-multiarch:\n\tdocker buildx build --sbom=true \\\n\t\t$(if $(DOCKER_BUILD_PUSH),--push) \\\n\t\t-t gotify/server .\n\nbuild-docker: build-docker-multiarch\n";
        let v = run_on_files(
            &CHECK,
            &[SVC, (".github/workflows/build.yml", wf), ("Makefile", mk)],
        );
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        assert_eq!(v.findings[0].location, Some(Location::line("Makefile", 2)));
    }
}
