//! `maintenance/no-deprecated-base-images`: Dockerfiles do not build on end-of-life base images.

use crate::checks::security::container_non_root::is_dev_dockerfile;
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_model::{Area, Finding, Location, Severity};

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
        evaluation: "Reads every external `FROM` image (earlier stages and `scratch` excluded) of the unit's production Dockerfiles and compares it with a table kept in code of images and versions with their end-of-life dates: python 2.x–3.10, node ≤ 20 (even releases; odd ones are never LTS), debian jessie/stretch/buster/bullseye (also as tag suffixes such as `3.9-buster`), debian ≤ 11, ubuntu trusty/xenial/bionic/focal (≤ 20.04, end of standard support), centos (all), alpine ≤ 3.20, ruby ≤ 3.2, php ≤ 8.1, golang ≤ 1.23, and the deprecated `openjdk` image. An entry counts only once the scan time is past its end-of-life date. Fails with one finding per image at its FROM line; passes otherwise; `n/a` without Dockerfiles. Unknown and unresolved (`$VAR`) images pass.",
        remediation: "Move to a supported release (e.g. python:3.13-slim, node:22, debian:12/bookworm, ubuntu:24.04, eclipse-temurin instead of openjdk) and let Dependabot/Renovate keep the tag current.",
        references: &["https://endoflife.date/"],
    },
    run,
};

/// `(image, version prefix or codename, end-of-life date)`. A version entry matches
/// when the tag's leading `major[.minor]` is at or below it; a codename anywhere in the tag.
enum Rule {
    /// Every tag of the image.
    All(&'static str),
    /// Tags whose numeric version is ≤ this (major, minor).
    UpTo(&'static str, u32, u32),
    /// Tags containing this codename (also for any image, as a `-codename` suffix).
    Codename(&'static str),
}

const TABLE: &[(Rule, &str)] = &[
    (Rule::UpTo("python", 2, 99), "2020-01-01"),
    (Rule::UpTo("python", 3, 8), "2024-10-07"),
    (Rule::UpTo("python", 3, 9), "2025-10-31"),
    (Rule::UpTo("python", 3, 10), "2026-10-31"),
    (Rule::UpTo("node", 16, 99), "2023-09-11"),
    (Rule::UpTo("node", 18, 99), "2025-04-30"),
    (Rule::UpTo("node", 20, 99), "2026-04-30"),
    (Rule::UpTo("debian", 10, 99), "2024-06-30"),
    (Rule::UpTo("debian", 11, 99), "2026-08-31"),
    (Rule::UpTo("ubuntu", 18, 4), "2023-05-31"),
    (Rule::UpTo("ubuntu", 20, 4), "2025-05-31"),
    (Rule::UpTo("alpine", 3, 17), "2024-11-22"),
    (Rule::UpTo("alpine", 3, 18), "2025-05-09"),
    (Rule::UpTo("alpine", 3, 19), "2025-11-01"),
    (Rule::UpTo("alpine", 3, 20), "2026-04-01"),
    (Rule::UpTo("ruby", 3, 0), "2024-04-23"),
    (Rule::UpTo("ruby", 3, 1), "2025-03-31"),
    (Rule::UpTo("ruby", 3, 2), "2026-03-31"),
    (Rule::UpTo("php", 7, 99), "2022-11-28"),
    (Rule::UpTo("php", 8, 0), "2023-11-26"),
    (Rule::UpTo("php", 8, 1), "2025-12-31"),
    (Rule::UpTo("golang", 1, 22), "2025-02-11"),
    (Rule::UpTo("golang", 1, 23), "2025-08-12"),
    (Rule::All("centos"), "2024-06-30"),
    (Rule::All("openjdk"), "2022-07-01"),
    (Rule::Codename("jessie"), "2020-06-30"),
    (Rule::Codename("stretch"), "2022-06-30"),
    (Rule::Codename("buster"), "2024-06-30"),
    (Rule::Codename("trusty"), "2019-04-30"),
    (Rule::Codename("xenial"), "2021-04-30"),
    (Rule::Codename("bionic"), "2023-05-31"),
    (Rule::Codename("bullseye"), "2026-08-31"),
    (Rule::Codename("focal"), "2025-05-31"),
];

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (proleptic Gregorian).
fn days(date: &str) -> i64 {
    let mut it = date.split('-').map(|p| p.parse::<i64>().unwrap_or(1));
    let (y, m, d) = (
        it.next().unwrap_or(1970),
        it.next().unwrap_or(1),
        it.next().unwrap_or(1),
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `(repository name without registry/namespace, tag)`.
fn split_image(image: &str) -> (String, String) {
    let image = image.split('@').next().unwrap_or(image);
    let (repo, tag) = match image.rsplit_once(':') {
        Some((r, t)) if !t.contains('/') => (r, t),
        _ => (image, "latest"),
    };
    let name = repo.rsplit('/').next().unwrap_or(repo).to_ascii_lowercase();
    let library = !repo.contains('/')
        || repo.starts_with("library/")
        || repo.starts_with("docker.io/library/");
    (
        if library { name } else { format!("~{name}") },
        tag.to_ascii_lowercase(),
    )
}

fn version(tag: &str) -> Option<(u32, u32)> {
    let lead: String = tag
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let mut parts = lead.split('.').filter(|p| !p.is_empty());
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    Some((major, minor))
}

/// Why `image` is end-of-life at `today` (days since epoch), if it is.
fn end_of_life(image: &str, today: i64) -> Option<String> {
    if image.contains('$') || image.eq_ignore_ascii_case("scratch") {
        return None;
    }
    let (name, tag) = split_image(image);
    TABLE.iter().find_map(|(rule, eol)| {
        if days(eol) > today {
            return None;
        }
        let hit = match rule {
            Rule::All(n) => name == *n,
            Rule::UpTo(n, ma, mi) => {
                name == *n && version(&tag).is_some_and(|(a, b)| (a, b) <= (*ma, *mi))
            }
            Rule::Codename(c) => tag.split(['-', '.', '_']).any(|p| p == *c),
        };
        hit.then(|| format!("`{image}` reached end of life on {eol}"))
    })
}

fn run(ctx: &Ctx) -> Verdict {
    let files: Vec<_> = ctx
        .dockerfiles()
        .filter(|d| !is_dev_dockerfile(&d.path))
        .collect();
    if files.is_empty() {
        return Verdict::not_applicable("no production Dockerfile in the unit");
    }
    let today = ctx.now.div_euclid(86_400);
    let mut bad = Vec::new();
    let mut images = 0;
    for d in &files {
        for s in &d.stages {
            if d.is_stage_ref(&s.image) {
                continue;
            }
            images += 1;
            if let Some(why) = end_of_life(&s.image, today) {
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
    use crate::testing::{FIXTURE_NOW, run_on_files};
    use shipshape_model::Outcome;

    #[test]
    fn table_respects_dates_and_versions() {
        let today = FIXTURE_NOW / 86_400;
        assert_eq!(days("1970-01-01"), 0);
        assert_eq!(days("2026-11-26"), today);
        assert!(end_of_life("python:2.7-slim", today).is_some());
        assert!(end_of_life("python:3.9-slim-bookworm", today).is_some());
        assert!(end_of_life("python:3.12-slim", today).is_none());
        assert!(end_of_life("node:16-alpine", today).is_some());
        assert!(end_of_life("node:22", today).is_none());
        assert!(end_of_life("docker.io/library/debian:buster-slim", today).is_some());
        assert!(end_of_life("ruby:3.3-bookworm", today).is_none());
        assert!(end_of_life("centos:7", today).is_some());
        assert!(
            end_of_life("ghcr.io/acme/python:2.7", today).is_none(),
            "not the official image"
        );
        assert!(end_of_life("ubuntu:22.04", today).is_none());
        // Ended in 2025-2026 (GoogleCloudPlatform/microservices-demo builds on node:20).
        for image in [
            "node:20.20.2-alpine",
            "python:3.10-slim",
            "ubuntu:20.04",
            "debian:bullseye-slim",
            "alpine:3.20",
            "ruby:3.2",
            "php:8.1-fpm",
            "golang:1.23",
        ] {
            assert!(end_of_life(image, today).is_some(), "{image}");
        }
        assert!(end_of_life("node:20", days("2026-04-29")).is_none());
        assert!(end_of_life("alpine:3.21", today).is_none());
        assert!(end_of_life("golang:1.25", today).is_none());
        // Before its end-of-life date an entry does not count.
        assert!(end_of_life("python:3.9", days("2025-01-01")).is_none());
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
            run_on_files(&CHECK, &[("README.md", "x")]).outcome,
            Outcome::NotApplicable
        );
    }
}
