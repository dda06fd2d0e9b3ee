//! `dockerfile-user`: a non-root `USER` for images that run as root, for
//! `security/container-non-root`.
//!
//! **Edits** each production Dockerfile the check flags (its final stage sets no `USER`,
//! or its last `USER` is root): one fix per Dockerfile, **review** — the process loses
//! root, so files it writes need to be writable by the new user (`COPY --chown=…`, a
//! volume), which the description says.
//!
//! The user comes from the base image the final stage builds on (followed back through
//! `FROM <earlier stage>`):
//! - distroless (`gcr.io/distroless/*`) and Chainguard images: their `nonroot` user
//!   (uid 65532), `USER nonroot:nonroot`;
//! - `scratch`: no user database to add to, so the numeric `USER 65532:65532`;
//! - Node.js images: their `node` user; .NET 8+ images (`mcr.microsoft.com/dotnet/*`):
//!   `USER $APP_UID`, the user the images ship for this;
//! - Alpine-based images (`alpine`, a tag with `alpine`): a system user created with
//!   BusyBox's `addgroup -S`/`adduser -S`;
//! - Debian- and Ubuntu-based official images (debian, ubuntu, python, golang, ruby,
//!   php, rust, openjdk, eclipse-temurin, amazoncorretto, buildpack-deps): a system user
//!   created with `groupadd --system`/`useradd --system`;
//! - anything else (a private base, `${BASE}`): the numeric `USER 10001:10001`, which
//!   needs no user database, said in the description.
//!
//! Official nginx and httpd images start as root to bind port 80 and drop privileges
//! themselves: they are noted (use `nginxinc/nginx-unprivileged`), not edited.
//!
//! **Where**: before the final stage's first `CMD`/`ENTRYPOINT` when no `RUN`, `COPY`
//! or `ADD` follows it (so every build step still runs as before), otherwise at the end
//! of the file (the final stage is the last one). Nothing else in the file changes.

use super::FixDef;
use crate::{Applicability, FileEdit, Fix, FixCtx};
use shipshape_facts::docker::Dockerfile;

pub static FIX: FixDef = FixDef {
    check_id: "security/container-non-root",
    name: "dockerfile-user",
    title: "Run images as a non-root user, created the way the base image needs",
    generate,
};

/// The instructions that make the image run as a non-root user, and what they rely on.
fn user_lines(base: &str) -> Result<(String, &'static str), String> {
    let (repo, tag) = shipshape_facts::docker::image_repo_tag(base);
    let last = repo.rsplit('/').next().unwrap_or(repo);
    if matches!(repo, "nginx" | "httpd") {
        return Err(format!(
            "the official `{repo}` image starts as root to bind port 80 and drops privileges itself; build on `nginxinc/nginx-unprivileged` (or set `USER` with a port above 1024) by hand"
        ));
    }
    if repo.starts_with("gcr.io/distroless/") || repo.starts_with("cgr.dev/chainguard/") {
        return Ok((
            "USER nonroot:nonroot\n".into(),
            "the base image's `nonroot` user (uid 65532)",
        ));
    }
    if repo == "scratch" {
        return Ok((
            "USER 65532:65532\n".into(),
            "a numeric uid (`scratch` has no user database)",
        ));
    }
    if last == "node" {
        return Ok(("USER node\n".into(), "the Node.js image's `node` user"));
    }
    if repo.starts_with("mcr.microsoft.com/dotnet/") {
        return Ok((
            "USER $APP_UID\n".into(),
            "the .NET image's `app` user (`$APP_UID`, .NET 8 and later)",
        ));
    }
    if last == "alpine" || tag.contains("alpine") {
        return Ok((
            "RUN addgroup -S app && adduser -S -G app -H -s /sbin/nologin app\nUSER app\n".into(),
            "a system user `app` created with BusyBox's adduser (Alpine base)",
        ));
    }
    const DEBIAN_FAMILY: &[&str] = &[
        "debian",
        "ubuntu",
        "python",
        "golang",
        "ruby",
        "php",
        "rust",
        "openjdk",
        "eclipse-temurin",
        "amazoncorretto",
        "buildpack-deps",
        "perl",
        "elixir",
        "erlang",
    ];
    if DEBIAN_FAMILY.contains(&repo) {
        return Ok((
            "RUN groupadd --system app && useradd --system --gid app --no-create-home --shell /usr/sbin/nologin app\nUSER app\n".into(),
            "a system user `app` created with useradd (Debian-based image)",
        ));
    }
    Ok((
        "USER 10001:10001\n".into(),
        "a numeric uid, which needs no user in the image (its base is not one shipshape knows)",
    ))
}

/// Where the lines go: before the final stage's first `CMD`/`ENTRYPOINT` when no build
/// step follows it, else the end of the file.
pub(crate) fn insertion_point(d: &Dockerfile, text: &str) -> usize {
    let Some(stage) = d.final_stage() else {
        return text.len();
    };
    let entry = stage
        .instructions
        .iter()
        .position(|i| matches!(i.keyword.as_str(), "CMD" | "ENTRYPOINT"));
    let Some(at) = entry else {
        return text.len();
    };
    let builds_after = stage.instructions[at..]
        .iter()
        .any(|i| matches!(i.keyword.as_str(), "RUN" | "COPY" | "ADD"));
    if builds_after {
        return text.len();
    }
    let line = stage.instructions[at].line as usize;
    text.split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum()
}

fn plan(ctx: &FixCtx, path: &str) -> Option<Fix> {
    let d = ctx.facts.dockerfiles().iter().find(|d| d.path == path)?;
    let text = ctx.facts.text(path)?;
    let stage = d.final_stage()?;
    let base = d.base_image(stage);
    let (lines, how) = match user_lines(base) {
        Ok(l) => l,
        Err(why) => {
            ctx.note(format!("{path}: {why}"));
            return None;
        }
    };
    let at = insertion_point(d, text);
    // At the end of a file that does not end its last line, start a new one.
    let lead = if at == text.len() && !text.is_empty() && !text.ends_with('\n') {
        "\n"
    } else {
        ""
    };
    Some(ctx.fix(
        Applicability::Review,
        format!(
            "run {path} as non-root: {how}; files the process writes must be owned by it (`COPY --chown=…` or a volume)"
        ),
        vec![FileEdit::insert(
            path,
            text,
            at,
            format!("{lead}{lines}"),
        )],
    ))
}

fn generate(ctx: &FixCtx) -> Vec<Fix> {
    let mut paths: Vec<&str> = ctx
        .result
        .findings
        .iter()
        .filter(|f| matches!(f.key.as_deref(), Some("no-user" | "root-user")))
        .filter_map(|f| f.location.as_ref().map(|l| l.path.as_str()))
        .collect();
    paths.sort_unstable();
    paths.dedup();
    paths.into_iter().filter_map(|p| plan(ctx, p)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Inputs;
    use crate::testing::{applied, run_fix};
    use shipshape_facts::Facts;
    use shipshape_model::Outcome;

    fn fixed(dockerfile: &str) -> (String, Vec<String>, Outcome) {
        let files = [("Dockerfile", dockerfile)];
        let (before, fixes, notes) = run_fix(&FIX, &Facts::from_memory(&files), &Inputs::default());
        assert_eq!(before, Outcome::Fail);
        let out = applied(&files, &fixes);
        let new = out
            .iter()
            .find(|(p, _)| p == "Dockerfile")
            .map_or(dockerfile.to_string(), |(_, t)| t.clone());
        let after = run_fix(
            &FIX,
            &Facts::from_memory(&[("Dockerfile", new.as_str())]),
            &Inputs::default(),
        )
        .0;
        (new, notes, after)
    }

    #[test]
    fn debian_images_get_a_system_user_before_the_entry_point() {
        let df = "FROM golang:1.23 AS build\nRUN go build -o /app .\nFROM debian:12-slim\nCOPY --from=build /app /app\nEXPOSE 8080\nENTRYPOINT [\"/app\"]\n";
        let (out, _, after) = fixed(df);
        assert_eq!(
            out,
            "FROM golang:1.23 AS build\nRUN go build -o /app .\nFROM debian:12-slim\nCOPY --from=build /app /app\nEXPOSE 8080\nRUN groupadd --system app && useradd --system --gid app --no-create-home --shell /usr/sbin/nologin app\nUSER app\nENTRYPOINT [\"/app\"]\n"
        );
        assert_eq!(after, Outcome::Pass);
    }

    #[test]
    fn each_base_gets_its_own_user() {
        for (base, want) in [
            (
                "gcr.io/distroless/static-debian12",
                "USER nonroot:nonroot\n",
            ),
            ("node:22-alpine", "USER node\n"),
            ("mcr.microsoft.com/dotnet/aspnet:8.0", "USER $APP_UID\n"),
            ("scratch", "USER 65532:65532\n"),
            ("ghcr.io/acme/base:1", "USER 10001:10001\n"),
        ] {
            assert_eq!(user_lines(base).unwrap().0, want, "{base}");
        }
        assert!(user_lines("alpine:3.20").unwrap().0.contains("adduser -S"));
        assert!(
            user_lines("python:3.12-slim")
                .unwrap()
                .0
                .contains("useradd --system")
        );
        assert!(user_lines("nginx:1.27").is_err());
    }

    #[test]
    fn a_build_step_after_the_entry_point_sends_the_user_to_the_end() {
        // A stage that follows its base back (`FROM base`), ends without a newline, and
        // runs a build step after CMD.
        let df = "FROM python:3.12-slim AS base\nWORKDIR /app\nFROM base\nCMD [\"python\", \"app.py\"]\nCOPY . .";
        let (out, _, after) = fixed(df);
        assert!(out.ends_with("COPY . .\nRUN groupadd --system app && useradd --system --gid app --no-create-home --shell /usr/sbin/nologin app\nUSER app\n"), "{out}");
        assert_eq!(after, Outcome::Pass);
    }

    #[test]
    fn nginx_is_noted_not_edited() {
        let df = "FROM nginx:1.27\nCOPY dist /usr/share/nginx/html\n";
        let (out, notes, _) = fixed(df);
        assert_eq!(out, df);
        assert!(
            notes.iter().any(|n| n.contains("nginx-unprivileged")),
            "{notes:?}"
        );
    }
}
