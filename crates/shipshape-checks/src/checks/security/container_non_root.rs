//! `security/container-non-root`: images built by the unit run as a non-root user.

use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::docker::{Dockerfile, Stage};
use shipshape_model::{Area, Finding, Location, Severity};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "security/container-non-root",
        title: "Container images run as a non-root user",
        area: Area::Security,
        severity: Severity::High,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "units with a Dockerfile/Containerfile",
        rationale: "A process running as root inside a container is one kernel or runtime bug away from root on the node, and can rewrite its own image. A non-root USER removes that whole class of escalation for free.",
        evaluation: "For each production Dockerfile of the unit (development containers — .devcontainer/ names ending in .dev, .development, .local, .test, .ci, .debug, browser-test images (playwright, cypress, e2e) code-generation images in a genproto/, protogen/ or codegen/ directory, and images that only compose services mounting the source tree over the container build (`volumes: [\"./:/app\"]`) and no CI workflow builds — are skipped, and so is a final stage that only exports a build artifact: `FROM scratch` with no RUN whose entry point names an .apk/.ipa/.zip/.tar/.whl/.jar/.deb..., or which has no entry point and copies in only such files), follows the final stage back through `FROM <earlier stage>` and takes the last `USER`. Passes when it is neither `root` nor uid 0 (a `USER` given by an unresolved variable is accepted), or when no USER is set but the base image is a `nonroot` variant (e.g. gcr.io/distroless/*:nonroot). Fails otherwise, at the final `USER root` line or at the final `FROM` line when no USER is set. `n/a` without Dockerfiles.",
        remediation: "Create an unprivileged user in the final stage and switch to it: `RUN useradd --uid 10001 --no-create-home app` then `USER 10001` (numeric, so Kubernetes runAsNonRoot can verify it), or build on a distroless `:nonroot` image.",
        references: &[
            "https://docs.docker.com/build/building/best-practices/#user",
            "https://cheatsheetseries.owasp.org/cheatsheets/Docker_Security_Cheat_Sheet.html",
        ],
    },
    run,
};

/// Files an image can carry but not execute: a final stage `FROM scratch` whose
/// entry point is one of these (or that has none) only exports a build artifact
/// (`docker build --output`), and no process ever runs in it.
const ARTIFACTS: &[&str] = &[
    ".apk", ".aab", ".ipa", ".zip", ".tar", ".tgz", ".tar.gz", ".whl", ".deb", ".rpm", ".jar",
];

fn is_artifact(word: &str) -> bool {
    let w = word
        .trim_matches(|c| c == '"' || c == '\'' || c == '[' || c == ']' || c == ',')
        .to_ascii_lowercase();
    ARTIFACTS.iter().any(|a| w.ends_with(a))
}

/// The final stage exports files instead of running a process: `FROM scratch` with no
/// `RUN`, whose `ENTRYPOINT`/`CMD` names an archive or package, or which has none and
/// copies in nothing but archives and packages. (A scratch image holding a binary is
/// a process, and runs as root unless USER says otherwise.)
fn exports_artifact(stage: &Stage) -> bool {
    if !stage.image.eq_ignore_ascii_case("scratch")
        || stage.instructions.iter().any(|i| i.keyword == "RUN")
    {
        return false;
    }
    let start = stage
        .instructions
        .iter()
        .rev()
        .find(|i| i.keyword == "ENTRYPOINT" || i.keyword == "CMD");
    match start {
        Some(i) => i.args.split_whitespace().next().is_some_and(is_artifact),
        None => {
            let mut sources = stage
                .instructions
                .iter()
                .filter(|i| i.keyword == "COPY" || i.keyword == "ADD")
                .flat_map(|i| {
                    let words: Vec<&str> = i
                        .args
                        .split_whitespace()
                        .filter(|w| !w.starts_with("--"))
                        .collect();
                    // Every word but the destination.
                    let n = words.len().saturating_sub(1);
                    words.into_iter().take(n)
                })
                .peekable();
            sources.peek().is_some() && sources.all(is_artifact)
        }
    }
}

fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user).trim();
    name == "root" || name == "0"
}

/// The last USER in the chain of stages ending at `stage`, with its line.
fn effective_user<'a>(d: &'a Dockerfile, stage: &'a Stage) -> Option<(&'a str, u32)> {
    let mut current = stage;
    for _ in 0..d.stages.len() {
        if let Some(u) = current.user() {
            return Some(u);
        }
        let parent = d.stages.iter().find(|s| {
            s.alias
                .as_deref()
                .is_some_and(|a| a.eq_ignore_ascii_case(&current.image))
        })?;
        if std::ptr::eq(parent, current) {
            return None;
        }
        current = parent;
    }
    None
}

fn run(ctx: &Ctx) -> Verdict {
    let files: Vec<_> = ctx
        .dockerfiles()
        .filter(|d| !ctx.facts.is_dev_dockerfile(&d.path))
        .collect();
    if files.is_empty() {
        return Verdict::not_applicable("no production Dockerfile in the unit");
    }
    let mut bad = Vec::new();
    let mut good = Vec::new();
    let mut exports = 0;
    for d in &files {
        let Some(last) = d.final_stage() else {
            bad.push(
                Finding::at(Location::file(&d.path), "no FROM instruction").with_key("no-from"),
            );
            continue;
        };
        if exports_artifact(last) {
            exports += 1;
            continue;
        }
        match effective_user(d, last) {
            Some((user, line)) if is_root(user) => bad.push(
                Finding::at(
                    Location::line(&d.path, line),
                    format!("final stage runs as `USER {user}`"),
                )
                .with_key("root-user"),
            ),
            Some((user, line)) => good.push(Finding::at(
                Location::line(&d.path, line),
                format!("USER {user}"),
            )),
            None => {
                let base = d.base_image(last);
                // The tag sits before any `@sha256:` digest, whose colon is not the tag's.
                let named = base.split_once('@').map_or(base, |(n, _)| n);
                let tag = named.rsplit_once(':').map_or("", |(_, t)| t);
                if tag.split(['-', '@']).any(|p| p == "nonroot") {
                    good.push(Finding::at(
                        Location::line(&d.path, last.line),
                        format!("non-root base image `{base}`"),
                    ));
                } else {
                    bad.push(
                        Finding::at(
                            Location::line(&d.path, last.line),
                            format!(
                                "final stage (`FROM {}`) never sets USER, so it runs as root",
                                last.image
                            ),
                        )
                        .with_key("no-user"),
                    );
                }
            }
        }
    }
    if bad.is_empty() && good.is_empty() {
        Verdict::not_applicable(format!(
            "{exports} Dockerfile(s) only export build artifacts (`FROM scratch` with nothing to run)"
        ))
    } else if bad.is_empty() {
        Verdict::pass_with(format!("{} image(s) run as non-root", good.len()), good)
    } else {
        Verdict::fail(format!("{} image(s) run as root", bad.len()), bad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    #[test]
    fn final_stage_user_decides() {
        let ok = "FROM rust:1.80 AS build\nRUN cargo build\nFROM debian:12-slim\nCOPY --from=build /a /a\nUSER 10001\n";
        let v = run_on_files(&CHECK, &[("Dockerfile", ok)]);
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(5));
        // USER in the build stage does not carry over to an unrelated final stage.
        let bad =
            "FROM rust:1.80 AS build\nUSER app\nFROM debian:12-slim\nCOPY --from=build /a /a\n";
        let v = run_on_files(&CHECK, &[("Dockerfile", bad)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(3));
        let root = "FROM node:22\nUSER node\nRUN npm ci\nUSER root\n";
        let v = run_on_files(&CHECK, &[("svc/Dockerfile", root)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(4));
    }

    #[test]
    fn generator_images_and_artifact_exports_are_not_judged() {
        // Shapes met in opentelemetry-demo: protobuf generators run by a script, and an
        // Android build whose last stage only carries the .apk out.
        let generator = "FROM golang:1.26-alpine\nRUN apk add --no-cache protobuf-dev\n";
        let v = run_on_files(&CHECK, &[("src/checkout/genproto/Dockerfile", generator)]);
        assert_eq!(v.outcome, Outcome::NotApplicable, "{v:?}");
        let apk = "FROM node:22 AS builder\nRUN npm ci\nFROM scratch\nCOPY --from=builder /src/app-release.apk /app.apk\nENTRYPOINT [\"/app.apk\"]\n";
        let v = run_on_files(&CHECK, &[("android.Dockerfile", apk)]);
        assert_eq!(v.outcome, Outcome::NotApplicable, "{v:?}");
        assert!(v.summary.contains("export"), "{}", v.summary);
        let export = "FROM rust:1.80 AS b\nRUN cargo build\nFROM scratch AS out\nCOPY --from=b /t/app.tar.gz /t/app.deb /\n";
        assert_eq!(
            run_on_files(&CHECK, &[("Dockerfile", export)]).outcome,
            Outcome::NotApplicable
        );
        // A static binary on scratch is a running process, and root unless USER says not.
        let binary = "FROM rust:1.80 AS b\nRUN cargo build\nFROM scratch\nCOPY --from=b /t/app /app\nENTRYPOINT [\"/app\"]\n";
        let v = run_on_files(&CHECK, &[("Dockerfile", binary)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(3));
        // The generator directory must be a directory: a service named after it is judged.
        let v = run_on_files(&CHECK, &[("codegen-service/Dockerfile", generator)]);
        assert_eq!(v.outcome, Outcome::Fail);
        // Next to a real image, the export does not hide the real image's verdict.
        let v = run_on_files(
            &CHECK,
            &[("Dockerfile", binary), ("android.Dockerfile", apk)],
        );
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings.len(), 1);
    }

    /// shlinkio/shlink's `data/infra/php.Dockerfile` (no USER) is built only by
    /// docker-compose.yml services that mount the working copy over the container
    /// (`./:/home/shlink/www`): a development environment, not the shipped image, which
    /// failed the check. The same Dockerfile built without the mount, or by CI, is judged.
    #[test]
    fn images_only_dev_compose_services_build_over_a_mounted_source_tree_are_not_judged() {
        let shipped = "FROM php:8.4-cli\nCOPY . /etc/shlink\nUSER 1001\n";
        let dev = "FROM php:8.4-fpm\nRUN pie install xdebug\n";
        let compose = "services:\n  php:\n    build:\n      context: .\n      dockerfile: ./data/infra/php.Dockerfile\n    volumes:\n      - ./:/home/shlink/www\n";
        let files = [
            ("Dockerfile", shipped),
            ("data/infra/php.Dockerfile", dev),
            ("docker-compose.yml", compose),
        ];
        let v = run_on_files(&CHECK, &files);
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        let no_mount = "services:\n  php:\n    build:\n      context: .\n      dockerfile: ./data/infra/php.Dockerfile\n    volumes:\n      - data:/var/lib/data\n";
        let v = run_on_files(
            &CHECK,
            &[files[0], files[1], ("docker-compose.yml", no_mount)],
        );
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
        let ci = "on: push\njobs:\n  b:\n    steps:\n      - run: docker build -f data/infra/php.Dockerfile .\n";
        let v = run_on_files(
            &CHECK,
            &[
                files[0],
                files[1],
                files[2],
                (".github/workflows/b.yml", ci),
            ],
        );
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
    }

    #[test]
    fn inherited_users_nonroot_bases_and_dev_files() {
        let chain = "FROM python:3.12-slim AS base\nUSER 1000:1000\nFROM base\nCOPY . /app\n";
        assert_eq!(
            run_on_files(&CHECK, &[("Dockerfile", chain)]).outcome,
            Outcome::Pass
        );
        let distroless = "FROM golang:1.23 AS b\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=b /x /x\n";
        // Regression: opentelemetry-demo src/checkout/Dockerfile pins the nonroot distroless
        // base by digest; the digest's colon was taken for the tag's, so it failed as root.
        let pinned = "FROM golang:1.23 AS b\nFROM gcr.io/distroless/static-debian12:nonroot@sha256:1b7b9f0f0e0a1d2155f531db587cc48ec26aaf97ab64364225f5bf18a054e66a\nCOPY --from=b /x /x\n";
        assert_eq!(
            run_on_files(&CHECK, &[("Dockerfile", pinned)]).outcome,
            Outcome::Pass
        );
        assert_eq!(
            run_on_files(&CHECK, &[("Dockerfile", distroless)]).outcome,
            Outcome::Pass
        );
        assert_eq!(
            run_on_files(
                &CHECK,
                &[(".devcontainer/Dockerfile", "FROM ubuntu:24.04\n")]
            )
            .outcome,
            Outcome::NotApplicable
        );
        assert_eq!(
            run_on_files(&CHECK, &[("Dockerfile", "FROM scratch\nCOPY app /app\n")]).outcome,
            Outcome::Fail
        );
    }
}
