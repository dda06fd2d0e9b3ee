//! `delivery/container-build`: the service's image is built from the repository.

use crate::checks::delivery::gha::is_production_path;
use crate::checks::delivery::gha::live_ci_files;
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::{Ecosystem, FileKind};
use shipshape_model::{Area, Finding, Location, Severity, UnitKind};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "delivery/container-build",
        title: "Container image build is defined",
        area: Area::Delivery,
        severity: Severity::Low,
        kinds: &[UnitKind::Service],
        scope: shipshape_model::Scope::Unit,
        applies_to: "services",
        rationale: "An image built from a definition in the repository is reproducible and reviewable; an image built by hand on a laptop is neither, and cannot be rebuilt to patch a vulnerability.",
        evaluation: "Passes when the unit (outside test fixtures and examples/ directories) has a Dockerfile or Containerfile (not a .devcontainer/ or test image: same rule as security/container-non-root), or a Dockerfile outside every unit builds it (its RUN steps compile the unit — the one the image runs when it builds several — or the unit's manifest names the Dockerfile's directory); a buildpacks `project.toml`; Jib (`jib-maven-plugin`, `com.google.cloud.tools.jib`) or Spring Boot image building in its build file; ko (`.ko.yaml`); Nixpacks (`nixpacks.toml`); an Earthfile; or when a CI definition builds an image (`docker build`, `docker buildx build`, `docker/build-push-action`, `podman build`, `buildah bud/build`, `kaniko`, `pack build`, `ko build`, `jib`, `bootBuildImage`, `spring-boot:build-image`). Fails otherwise.",
        remediation: "Add a Dockerfile (multi-stage, pinned base image, non-root user) or a buildpacks/Jib/ko configuration, and build the image in CI.",
        references: &["https://docs.docker.com/build/building/best-practices/"],
    },
    run,
};

const FILES: &[&str] = &["project.toml", ".ko.yaml", "nixpacks.toml", "Earthfile"];
const CI_BUILD: &[&str] = &[
    "docker build",
    "docker buildx build",
    "docker image build",
    "docker/build-push-action",
    "podman build",
    "buildah bud",
    "buildah build",
    "kaniko",
    "pack build",
    "ko build",
    "ko publish",
    "jib",
    "bootBuildImage",
    "spring-boot:build-image",
    "gcloud builds submit",
];

fn run(ctx: &Ctx) -> Verdict {
    let files: Vec<_> = ctx
        .files()
        .filter(|f| is_production_path(&f.path))
        .collect();
    // Development containers and test images are not the image the unit ships.
    if let Some(f) = files
        .iter()
        .find(|f| f.kind == FileKind::Dockerfile && !ctx.facts.is_dev_dockerfile(&f.path))
    {
        return Verdict::pass_with(
            format!("image built from {}", f.path),
            vec![Finding::at(
                Location::file(&f.path),
                "container build definition",
            )],
        );
    }
    // A Dockerfile outside every unit that builds this one (a workspace's root image, a
    // shared image the modules' build points at): see `Ctx::dockerfiles`.
    if let Some(d) = ctx.dockerfiles().find(|d| !ctx.in_unit(&d.path)) {
        return Verdict::pass_with(
            format!("image built from {}, which builds this unit", d.path),
            vec![Finding::at(
                Location::file(&d.path),
                "container build definition (outside the unit; it builds this unit)",
            )],
        );
    }
    for f in &files {
        let name = f.path.rsplit('/').next().unwrap_or(&f.path);
        if FILES.contains(&name) {
            return Verdict::pass_with(
                format!("image build configuration {}", f.path),
                vec![Finding::at(
                    Location::file(&f.path),
                    "image build configuration",
                )],
            );
        }
        if matches!(
            f.kind,
            FileKind::Manifest(Ecosystem::Maven | Ecosystem::Gradle)
        ) && let Some(text) = ctx.text(&f.path)
            && let Some(i) = text.lines().position(|l| {
                l.contains("jib-maven-plugin")
                    || l.contains("com.google.cloud.tools.jib")
                    || l.contains("bootBuildImage")
                    || l.contains("<goal>build-image</goal>")
            })
        {
            return Verdict::pass_with(
                format!("image built by the build tool ({}:{})", f.path, i + 1),
                vec![Finding::at(
                    Location::line(&f.path, i as u32 + 1),
                    "image build plugin",
                )],
            );
        }
    }
    for f in live_ci_files(ctx) {
        let Some(text) = ctx.text(&f.path) else {
            continue;
        };
        if let Some((i, l)) = text.lines().enumerate().find(|(_, l)| {
            !l.trim_start().starts_with('#') && CI_BUILD.iter().any(|c| l.contains(c))
        }) {
            return Verdict::pass_with(
                format!("image built in CI ({}:{})", f.path, i + 1),
                vec![
                    Finding::at(Location::line(&f.path, i as u32 + 1), "image build in CI")
                        .with_snippet(l.trim().chars().take(120).collect::<String>()),
                ],
            );
        }
    }
    Verdict::fail(
        "no container image build definition",
        vec![Finding::new(
            "no Dockerfile/Containerfile, project.toml (buildpacks), Jib or Spring Boot image plugin, .ko.yaml, nixpacks.toml, Earthfile, or image build in CI",
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
    fn dockerfile_jib_or_ci_pass() {
        let v = run_on_files(&CHECK, &[SVC, ("Containerfile", "FROM a:1\n")]);
        assert_eq!(v.outcome, Outcome::Pass);
        let gradle =
            "plugins {\n  id 'java'\n  id 'com.google.cloud.tools.jib' version '3.4.3'\n}\n";
        let v = run_on_files(&CHECK, &[SVC, ("build.gradle", gradle)]);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("build.gradle", 3))
        );
        let gl = "image:\n  script:\n    - /kaniko/executor --context .\n";
        assert_eq!(
            run_on_files(&CHECK, &[SVC, (".gitlab-ci.yml", gl)]).outcome,
            Outcome::Pass
        );
    }

    #[test]
    fn dev_container_dockerfiles_are_not_the_image() {
        // Regression: thanos' evidence was `.devcontainer/Dockerfile` (sorted before the root
        // Dockerfile), and a repository with only a dev container passed.
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                (
                    ".devcontainer/Dockerfile",
                    "FROM mcr.microsoft.com/devcontainers/go\n",
                ),
                ("Dockerfile", "FROM alpine:3.20\n"),
            ],
        );
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(v.findings[0].location, Some(Location::file("Dockerfile")));
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                (
                    ".devcontainer/Dockerfile",
                    "FROM mcr.microsoft.com/devcontainers/go\n",
                ),
                ("main.go", "package main\n"),
            ],
        );
        assert_eq!(v.outcome, Outcome::Fail);
    }

    #[test]
    fn nothing_fails_test_dockerfiles_ignored() {
        let v = run_on_files(&CHECK, &[SVC, ("tests/fixtures/Dockerfile", "FROM a:1\n")]);
        assert_eq!(v.outcome, Outcome::Fail);
    }
}
