//! `maintenance/no-deprecated-base-images`: Dockerfiles do not build on end-of-life base images.
//!
//! The end-of-life dates are data (endoflife.date, imported with `shipshape db import-eol`
//! and passed in as `Ctx::eol`), never a table in code: a hand-kept table goes stale and
//! then gives wrong verdicts with confidence.

use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_model::eol::{newest, numeric_version};
use shipshape_model::{Area, EolCycle, EolData, EolProduct, Finding, Location, Severity};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "maintenance/no-deprecated-base-images",
        title: "Base images are not end-of-life",
        area: Area::Maintenance,
        severity: Severity::Low,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "units with a Dockerfile/Containerfile",
        rationale: "An end-of-life base image gets no security patches: every new CVE in its OS packages or runtime stays open for good, and upgrading later means a big-bang migration.",
        evaluation: "Reads every external `FROM` image (earlier stages, `scratch` and unresolved `$VAR` images excluded) of the unit's production Dockerfiles and looks it up in the end-of-life data imported from endoflife.date with `shipshape db import-eol` (release cycles and their end of security support: the `eol` field; for debian the end of Debian LTS, `eoes`, which the debian images and every `-bookworm` style variant keep receiving for free, while paid extended support such as Ubuntu ESM does not count). References are normalised first: `docker.io/library/x`, `docker.io/x`, `index.docker.io/...` and `library/x` are the official image `x`; a digest is split off; images of other registries or namespaces are not official images and are not judged. The tag's leading version selects the release cycle (`3.9-slim` → python 3.9, `20-alpine` → node 20, `1.23.4` → go 1.23); a codename selects its cycle (`debian:bookworm`, `node:iron`), also as a tag part of any image (`3.9-bullseye` → debian 11, `-jammy` → ubuntu 22.04, `-alpine3.18` → alpine 3.18). A floating tag means the newest release it can point to: `golang:1` is the newest 1.x, `latest`, `lts` or no tag the newest release, so such a tag is end-of-life only when that newest release is (every CentOS). A cycle counts once the scan time is past its end-of-life date (or `eol: true`). Fails with one finding per image at its FROM line; passes otherwise (unknown images and versions pass); `n/a` without Dockerfiles, and `n/a` without imported data, with a summary saying to run `shipshape db import-eol`: like the advisory database, the data is the user's to fetch, and a verdict from dates frozen into the binary would go wrong as releases age.",
        remediation: "Move to a supported release (e.g. python:3.13-slim, node:22, debian:trixie, ubuntu:24.04, eclipse-temurin instead of openjdk) and let Dependabot/Renovate keep the tag current. Keep the data fresh: `shipshape db import-eol` on a current checkout of github.com/endoflife-date/endoflife.date.",
        references: &[
            "https://endoflife.date/",
            "https://github.com/endoflife-date/endoflife.date",
        ],
    },
    run,
};

/// Registries whose images are Docker Hub's.
const DOCKER_HUB: &[&str] = &[
    "docker.io",
    "index.docker.io",
    "registry-1.docker.io",
    "registry.hub.docker.com",
];

/// An image reference split into its parts.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ImageRef {
    /// The Docker Hub name: `python` for an official image (whatever the spelling), else
    /// the full lower-cased repository (`ghcr.io/acme/python`, `bitnami/python`).
    pub name: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

/// Normalise an image reference: `docker.io/library/python:3.9@sha256:…`, `python:3.9`
/// and `library/python:3.9` are all `python` with tag `3.9`.
pub(crate) fn parse_image(image: &str) -> ImageRef {
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, Some(d.to_string())),
        None => (image, None),
    };
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (repo, tag) = match rest[last_slash..].rfind(':') {
        Some(i) => (
            &rest[..last_slash + i],
            Some(rest[last_slash + i + 1..].to_ascii_lowercase()),
        ),
        None => (rest, None),
    };
    let repo = repo.to_ascii_lowercase();
    let mut parts: Vec<&str> = repo.split('/').collect();
    if parts.len() > 1 && DOCKER_HUB.contains(&parts[0]) {
        parts.remove(0);
    }
    if parts.len() == 2 && parts[0] == "library" {
        parts.remove(0);
    }
    ImageRef {
        name: parts.join("/"),
        tag: tag.filter(|t| !t.is_empty()),
        digest,
    }
}

/// The cycle a tag's version names: the most specific one it falls in, else (a floating
/// tag) the newest one it can point to.
fn cycles_for_version<'a>(p: &'a EolProduct, version: &[u64]) -> Option<&'a EolCycle> {
    // The most specific cycle the version falls in: `3.9.18` → `3.9`, `12.5` → `12`.
    let exact = p
        .cycles
        .iter()
        .filter_map(|c| c.version().map(|v| (c, v)))
        .filter(|(_, v)| v.len() <= version.len() && version.starts_with(v))
        .max_by_key(|(_, v)| v.len())
        .map(|(c, _)| c);
    // A floating tag (`1` of go's 1.x cycles): the newest cycle it can point to.
    exact.or_else(|| {
        newest(p.cycles.iter().filter(|c| {
            c.version()
                .is_some_and(|v| v.len() > version.len() && v.starts_with(version))
        }))
    })
}

/// `3.9-slim` → `[3, 9]`; `v2.10` → `[2, 10]`; `None` when the part does not start
/// with a number.
fn leading_version(part: &str) -> Option<Vec<u64>> {
    let part = part
        .strip_prefix('v')
        .filter(|p| p.starts_with(|c: char| c.is_ascii_digit()))
        .unwrap_or(part);
    let lead: String = part
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    numeric_version(lead.trim_end_matches('.'))
}

fn by_codename<'a>(p: &'a EolProduct, word: &str) -> Option<&'a EolCycle> {
    p.cycles
        .iter()
        .find(|c| c.codename.as_deref() == Some(word))
}

/// The release cycles a reference runs on: the image's own product's cycle, and the
/// distribution named in its tag (`-bookworm`, `-jammy`, `-alpine3.18`).
fn cycles_of<'a>(r: &ImageRef, data: &'a EolData) -> Vec<(&'a EolProduct, &'a EolCycle)> {
    let mut out: Vec<(&EolProduct, &EolCycle)> = Vec::new();
    let tag = r.tag.as_deref().unwrap_or("latest");
    let parts: Vec<&str> = tag.split(['-', '_']).filter(|p| !p.is_empty()).collect();
    if let Some(own) = data.product_for_image(&r.name) {
        let first = parts.first().copied().unwrap_or("latest");
        let cycle = match leading_version(first) {
            Some(v) => cycles_for_version(own, &v),
            // `bookworm`, `iron`; else a tag that names no release (`latest`, `lts`,
            // `slim`, `alpine`): the newest release.
            None => by_codename(own, first).or_else(|| own.newest()),
        };
        out.extend(cycle.map(|c| (own, c)));
    }
    for part in &parts {
        let distro = ["debian", "ubuntu"]
            .iter()
            .find_map(|image| {
                let p = data.product_for_image(image)?;
                by_codename(p, part).map(|c| (p, c))
            })
            .or_else(|| {
                let v = leading_version(part.strip_prefix("alpine")?)?;
                let p = data.product_for_image("alpine")?;
                cycles_for_version(p, &v).map(|c| (p, c))
            });
        if let Some((p, c)) = distro
            && !out
                .iter()
                .any(|(q, d)| q.product == p.product && d.cycle == c.cycle)
        {
            out.push((p, c));
        }
    }
    out
}

/// Why `image` is end-of-life on `today` (days since the epoch), if it is.
fn end_of_life(image: &str, data: &EolData, today: i64) -> Option<String> {
    if image.contains('$') || image.eq_ignore_ascii_case("scratch") {
        return None;
    }
    let r = parse_image(image);
    if r.tag.is_none() && r.digest.is_some() {
        // Pinned by digest alone: the release cannot be told from the reference.
        return None;
    }
    let ended: Vec<String> = cycles_of(&r, data)
        .into_iter()
        .filter(|(_, c)| c.eol.ended(today))
        .map(|(p, c)| {
            let name = match &c.codename {
                Some(code) => format!("{} {} ({code})", p.product, c.cycle),
                None => format!("{} {}", p.product, c.cycle),
            };
            match c.eol.date() {
                Some(d) => format!("{name} ended on {d}"),
                None => format!("{name} has ended"),
            }
        })
        .collect();
    (!ended.is_empty()).then(|| format!("`{image}` is end-of-life: {}", ended.join("; ")))
}

fn run(ctx: &Ctx) -> Verdict {
    let files: Vec<_> = ctx
        .dockerfiles()
        .filter(|d| !ctx.facts.is_dev_dockerfile(&d.path))
        .collect();
    if files.is_empty() {
        return Verdict::not_applicable("no production Dockerfile in the unit");
    }
    let Some(data) = ctx.eol else {
        return Verdict::not_applicable(
            "no end-of-life data: run `shipshape db import-eol DIR` with a checkout of github.com/endoflife-date/endoflife.date",
        );
    };
    let today = ctx.now.div_euclid(86_400);
    let mut bad = Vec::new();
    let mut images = 0;
    for d in &files {
        for s in &d.stages {
            if d.is_stage_ref(&s.image) {
                continue;
            }
            images += 1;
            if let Some(why) = end_of_life(&s.image, data, today) {
                bad.push(
                    Finding::at(Location::line(&d.path, s.line), why).with_key(s.image.clone()),
                );
            }
        }
    }
    if bad.is_empty() {
        Verdict::pass(format!("{images} base image(s), none end-of-life"))
    } else {
        Verdict::fail(format!("{} end-of-life base image(s)", bad.len()), bad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{FIXTURE_NOW, fixture_eol, run_on_files, run_without_eol};
    use shipshape_model::Outcome;
    use shipshape_model::eol::parse_date;

    fn eol(image: &str) -> Option<String> {
        end_of_life(image, fixture_eol(), FIXTURE_NOW / 86_400)
    }

    fn eol_on(image: &str, day: &str) -> Option<String> {
        end_of_life(image, fixture_eol(), parse_date(day).unwrap())
    }

    #[test]
    fn references_are_normalised() {
        for same in [
            "python:3.9-slim",
            "docker.io/python:3.9-slim",
            "docker.io/library/python:3.9-slim",
            "index.docker.io/library/python:3.9-slim",
            "library/python:3.9-slim",
            "Python:3.9-SLIM",
        ] {
            assert_eq!(
                parse_image(same),
                ImageRef {
                    name: "python".into(),
                    tag: Some("3.9-slim".into()),
                    digest: None
                },
                "{same}"
            );
        }
        let r = parse_image("localhost:5000/python:3.9@sha256:abc");
        assert_eq!(r.name, "localhost:5000/python");
        assert_eq!(r.tag.as_deref(), Some("3.9"));
        assert_eq!(r.digest.as_deref(), Some("sha256:abc"));
        assert_eq!(parse_image("bitnami/python").name, "bitnami/python");
        assert_eq!(parse_image("python").tag, None);
    }

    /// Regression: `docker.io/golang:1-x` (not official by the old rules) and
    /// `golang:1-x` were judged differently.
    #[test]
    fn registry_spellings_are_judged_alike() {
        for day in ["2025-06-01", "2026-11-26"] {
            let plain = eol_on("golang:1.22-alpine", day);
            assert!(plain.is_some());
            for other in [
                "docker.io/golang:1.22-alpine",
                "docker.io/library/golang:1.22-alpine",
                "index.docker.io/library/golang:1.22-alpine",
                "library/golang:1.22-alpine",
            ] {
                assert_eq!(
                    eol_on(other, day).map(|m| m.replace(other, "X")),
                    plain.as_ref().map(|m| m.replace("golang:1.22-alpine", "X")),
                    "{other}"
                );
            }
            for floating in ["golang:1-alpine", "docker.io/golang:1-alpine", "golang:1"] {
                assert_eq!(eol_on(floating, day), None, "{floating} on {day}");
            }
        }
    }

    /// Regression: `golang:1` was reported end-of-life in 2025 (a floating major `1`
    /// means the newest 1.x, which is supported).
    #[test]
    fn floating_tags_are_the_newest_release() {
        for image in [
            "golang:1",
            "golang",
            "golang:latest",
            "node:lts",
            "node:lts-alpine",
            "node",
            "python:3",
            "python:slim",
            "debian:stable-slim",
            "python@sha256:0123",
        ] {
            assert_eq!(eol_on(image, "2025-06-01"), None, "{image}");
            assert_eq!(eol(image), None, "{image}");
        }
        // A floating major whose newest release has ended has ended too.
        assert!(
            eol("python:2")
                .unwrap()
                .contains("python 2.7 ended on 2020-01-01")
        );
        assert!(eol("golang:1.9").unwrap().contains("go 1.9 has ended"));
    }

    #[test]
    fn versions_codenames_and_dates() {
        let today = FIXTURE_NOW / 86_400;
        assert_eq!(parse_date("2026-11-26"), Some(today));
        for image in [
            "python:2.7-slim",
            "python:3.8",
            "python:3.9-slim-trixie",
            "python:3.1",
            "python:3.10",
            "node:16-alpine",
            "node:20.19.4-alpine",
            "node:iron",
            "node:23",
            "debian:buster-slim",
            "debian:11",
            "debian:bullseye-slim",
            "ubuntu:20.04",
            "ubuntu:focal-20240530",
            "alpine:3.18.4",
            "golang:1.23",
            "golang:1.22.12-bookworm",
        ] {
            assert!(eol(image).is_some(), "{image}");
        }
        for image in [
            "python:3.13-slim-trixie",
            "python:3.12",
            "node:22",
            "node:jod-alpine",
            "ubuntu:22.04",
            "ubuntu:noble",
            "debian:trixie",
            "debian:12.5",
            "python:3.12-slim-bookworm",
            "node:22-bookworm-slim",
            "alpine:3.22",
            "golang:1.25",
            "golang:1.24.6-alpine3.22",
            "ghcr.io/acme/python:2.7",
            "bitnami/python:2.7",
            "redis:2.8",
            "python:$PY_VERSION",
            "scratch",
        ] {
            assert_eq!(eol(image), None, "{image}");
        }
        // Both the runtime and the distribution of the tag are reported.
        let why = eol("python:3.8-slim-buster").unwrap();
        assert!(
            why.contains("python 3.8 ended on 2024-10-07")
                && why.contains("debian 10 (buster) ended on 2024-06-30"),
            "{why}"
        );
        let why = eol("python:3.13-alpine3.18").unwrap();
        assert!(
            why.contains("alpine-linux 3.18") && !why.contains("python 3.13"),
            "{why}"
        );
        // Only once the end-of-life day has passed.
        assert!(eol_on("python:3.9", "2025-10-31").is_none());
        assert!(eol_on("python:3.9", "2025-11-01").is_some());
    }

    #[test]
    fn reports_each_from_line() {
        let df = "FROM node:16 AS build\nRUN npm ci\nFROM build AS test\nFROM python:3.9-buster\nCOPY --from=build /a /a\n";
        let v = run_on_files(&CHECK, &[("Dockerfile", df)]);
        assert_eq!(v.outcome, Outcome::Fail);
        let lines: Vec<_> = v
            .findings
            .iter()
            .map(|f| f.location.as_ref().unwrap().line)
            .collect();
        assert_eq!(lines, vec![Some(1), Some(4)]);
        assert_eq!(
            run_on_files(&CHECK, &[("Dockerfile", "FROM python:3.13-slim\n")]).outcome,
            Outcome::Pass
        );
        assert_eq!(
            run_on_files(
                &CHECK,
                &[(
                    "Dockerfile",
                    "FROM golang:1 AS b\nFROM docker.io/library/alpine:3.22\n"
                )]
            )
            .outcome,
            Outcome::Pass
        );
        assert_eq!(
            run_on_files(&CHECK, &[("README.md", "x")]).outcome,
            Outcome::NotApplicable
        );
    }

    #[test]
    fn without_data_it_says_how_to_get_it() {
        let v = run_without_eol(&CHECK, &[("Dockerfile", "FROM python:2.7\n")]);
        assert_eq!(v.outcome, Outcome::NotApplicable);
        assert!(
            v.summary.contains("shipshape db import-eol"),
            "{}",
            v.summary
        );
    }
}
