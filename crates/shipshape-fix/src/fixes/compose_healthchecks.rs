//! `compose-healthchecks`: a healthcheck calling the code's health route, for compose
//! services built here (`scalability/compose-healthchecks`).
//!
//! **Edits** the compose file of each service the check flags, or the Dockerfile it
//! builds, one fix per service, **review**: a failing healthcheck holds back every
//! service that `depends_on` it with `condition: service_healthy`.
//!
//! Built from the facts of the service, never from a fixed command:
//! - **route**: the health routes the production code the image serves registers (the
//!   signals `observability/health-endpoint` reads): the code under the Dockerfile's
//!   directory, else under the nearest directory above it, up to the build context, that
//!   has routes, leaving out code beside other production Dockerfiles (another image's);
//!   a readiness route (`/readyz`) first, since compose's `service_healthy` gates
//!   dependants on it, else a health or liveness one;
//! - **port**: the container side of the service's first `ports:` entry (`8080:80` →
//!   `80`, the long form's `target`), else its first `expose:` entry, else the first
//!   `EXPOSE` of the Dockerfile's final stage;
//! - **tool**: what the final image really has: `curl` or `wget` installed by a `RUN`
//!   step of the final stage or a stage it builds on (`apk add`, `apt-get install`,
//!   `dnf`/`yum`/`microdnf install`), else BusyBox's `wget` on an Alpine or BusyBox
//!   base or a distroless `:debug` image, else `curl` on the full (not `-slim`, not Alpine) official images built on
//!   `buildpack-deps` (`node`, `python`, `golang`, `ruby`, `buildpack-deps`).
//!
//! **Where**: a `healthcheck:` key after the service's last line, when the port comes
//! from the compose file; a `HEALTHCHECK` instruction in the Dockerfile (before its
//! final `CMD`/`ENTRYPOINT` when no build step follows it, else at the end) when only
//! the image declares the port (`EXPOSE`), or when the service is written in flow style
//! (`api: {build: .}`), which cannot be extended without rewriting it. The check
//! accepts either (an image `HEALTHCHECK` travels with the image to `docker run` and
//! every compose file; Kubernetes ignores it, so no other check asks for one).
//!
//! Noted, not edited: a service whose code defines no health route, whose image has no
//! tool to call it (distroless, `-slim` without curl), with no known port, with
//! `healthcheck: {disable: true}` (disabled on purpose), or whose Dockerfile says
//! `HEALTHCHECK NONE`.

use super::FixDef;
use super::dockerfile_user::insertion_point;
use super::k8s_probes::{choose, health_routes_under, health_routes_where};
use super::text::{end_of_mapping, first_key, indented, lines_with_offsets};
use crate::{Applicability, FileEdit, Fix, FixCtx};
use shipshape_facts::docker::{Dockerfile, Stage};
use shipshape_facts::{Yaml, is_under};

pub static FIX: FixDef = FixDef {
    check_id: "scalability/compose-healthchecks",
    name: "compose-healthchecks",
    title: "Add compose healthchecks calling the code's health route with a tool the image has",
    generate,
};

use shipshape_facts::join_relative as join;

/// The parent directory of a repository path (`""` for the root).
fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// The health routes of the code the image of `dockerfile` serves: those under the
/// Dockerfile's directory, else under the nearest directory above it (up to the build
/// context) that has some; at each level, code beside another production Dockerfile is
/// that image's, not this one's. With context `.`, hoppscotch's web image
/// (`packages/hoppscotch-selfhost-web/Dockerfile`) does not serve the backend's routes,
/// a root `Dockerfile` does not serve those of `web/Dockerfile`'s code, and
/// `docker/Dockerfile` of a one-image repository serves the code beside `docker/`. `Err`
/// when routes exist but all belong to other images.
fn routes_for_image(
    ctx: &FixCtx,
    context: &str,
    dockerfile: &str,
) -> Result<(Vec<String>, String), String> {
    let own = parent(dockerfile);
    let mut dir = own;
    loop {
        // Other images' directories under this level (a variant beside this Dockerfile,
        // `Dockerfile.alpine`, builds the same code).
        let others: Vec<&str> = ctx
            .facts
            .dockerfiles()
            .iter()
            .map(|d| d.path.as_str())
            .filter(|p| *p != dockerfile && !ctx.facts.is_dev_dockerfile(p))
            .map(parent)
            .filter(|d| *d != own && is_under(d, dir))
            .collect();
        let all = health_routes_under(ctx, dir);
        let kept = health_routes_where(ctx, |p| {
            is_under(p, dir) && !others.iter().any(|o| is_under(p, o))
        });
        if !kept.is_empty() {
            return Ok((kept, if dir.is_empty() { "." } else { dir }.to_string()));
        }
        if !all.is_empty() {
            let mut others = others;
            others.sort_unstable();
            others.dedup();
            return Err(format!(
                "the health routes under {} belong to the code of other images ({})",
                if dir.is_empty() { "." } else { dir },
                others
                    .iter()
                    .map(|o| if o.is_empty() { "." } else { o })
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if dir.is_empty() || dir == context || !is_under(dir, context) {
            return Ok((Vec::new(), String::new()));
        }
        dir = parent(dir);
    }
}

/// An HTTP client the image has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tool {
    Curl,
    Wget,
}

impl Tool {
    /// The exec-form words that fetch `url`, failing on an HTTP error.
    pub(crate) fn words(self, url: &str) -> Vec<String> {
        let w: &[&str] = match self {
            Tool::Curl => &["curl", "-fsS", "-o", "/dev/null"],
            Tool::Wget => &["wget", "-q", "--spider"],
        };
        w.iter()
            .map(|s| s.to_string())
            .chain([url.to_string()])
            .collect()
    }
}

/// The stages the final image is built from: the final one, then each earlier stage it
/// names in `FROM`.
fn final_chain(d: &Dockerfile) -> Vec<&Stage> {
    let mut out = Vec::new();
    let mut current = d.final_stage();
    while let Some(s) = current {
        if out.iter().any(|o: &&Stage| std::ptr::eq(*o, s)) {
            break;
        }
        out.push(s);
        current = d.stages.iter().find(|p| {
            p.alias
                .as_deref()
                .is_some_and(|a| a.eq_ignore_ascii_case(&s.image))
        });
    }
    out
}

/// The HTTP client the final image of `d` has, and how that is known.
pub(crate) fn image_tool(d: &Dockerfile) -> Option<(Tool, String)> {
    let chain = final_chain(d);
    let mut installed = Vec::new();
    for s in &chain {
        for i in s.instructions.iter().filter(|i| i.keyword == "RUN") {
            for command in i.args.split(['&', ';', '|', '\n']) {
                let words: Vec<&str> = command.split_whitespace().collect();
                let installs = words.windows(2).any(|w| {
                    matches!(
                        (w[0], w[1]),
                        ("apk", "add")
                            | ("apt-get" | "apt" | "yum" | "dnf" | "microdnf", "install")
                    )
                });
                if installs {
                    for tool in ["curl", "wget"] {
                        if words.contains(&tool) {
                            installed.push((tool, i.line));
                        }
                    }
                }
            }
        }
    }
    for (name, tool) in [("curl", Tool::Curl), ("wget", Tool::Wget)] {
        if let Some((_, line)) = installed.iter().find(|(t, _)| *t == name) {
            return Some((tool, format!("`{name}`, installed at {}:{line}", d.path)));
        }
    }
    let base = d.base_image(chain.last()?);
    let (repo, tag) = shipshape_facts::docker::image_repo_tag(base);
    let last = repo.rsplit('/').next().unwrap_or(repo);
    // Distroless `:debug` images carry BusyBox (`/busybox/wget`, on their PATH).
    if repo.starts_with("gcr.io/distroless/") && tag.split('-').any(|t| t == "debug") {
        return Some((
            Tool::Wget,
            format!("BusyBox's `wget`, which the `{base}` debug image ships"),
        ));
    }
    if matches!(last, "alpine" | "busybox") || tag.contains("alpine") {
        return Some((
            Tool::Wget,
            format!("BusyBox's `wget`, which the `{base}` base ships"),
        ));
    }
    const BUILDPACK: &[&str] = &["node", "python", "golang", "ruby", "buildpack-deps"];
    if BUILDPACK.contains(&repo) && !tag.contains("slim") && !tag.contains("windows") {
        return Some((
            Tool::Curl,
            format!("`curl`, which the full `{base}` image ships (buildpack-deps)"),
        ));
    }
    None
}

/// The container port of a `ports:` entry (`"8080:80/tcp"` → `80`, `{target: 80}`).
fn container_port(p: &Yaml) -> Option<u16> {
    if let Some(t) = p.get("target") {
        return t.scalar_text()?.parse().ok();
    }
    let s = p.scalar_text()?;
    let last = s.rsplit(':').next()?;
    last.split('/').next()?.trim().parse().ok()
}

/// The first `EXPOSE`d port of the final stage.
fn exposed(d: &Dockerfile) -> Option<u16> {
    final_chain(d)
        .iter()
        .flat_map(|s| &s.instructions)
        .filter(|i| i.keyword == "EXPOSE")
        .flat_map(|i| i.args.split_whitespace())
        .find_map(|w| w.split('/').next()?.parse().ok())
}

fn compose_block(words: &[String]) -> String {
    let test: Vec<String> = std::iter::once("\"CMD\"".to_string())
        .chain(words.iter().map(|w| format!("\"{w}\"")))
        .collect();
    format!(
        "healthcheck:\n  test: [{}]\n  interval: 10s\n  timeout: 3s\n  retries: 3\n",
        test.join(", ")
    )
}

fn dockerfile_line(words: &[String]) -> String {
    let exec: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
    format!(
        "HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD [{}]\n",
        exec.join(", ")
    )
}

fn plan(ctx: &FixCtx, file: &str, service: &str) -> Option<Fix> {
    let text = ctx.facts.text(file)?;
    let docs = ctx.facts.yaml(file)?.ok()?;
    let svc = docs.iter().find_map(|d| d.idx("services").get(service))?;
    let dir = file.rsplit_once('/').map_or("", |(d, _)| d);
    let build = svc.get("build")?;
    let (context, dockerfile) = shipshape_facts::compose_build(build);
    let context = join(dir, &context);
    let df_path = join(&context, &dockerfile);
    let who = format!("{file}:{}: service `{service}`", svc.line);
    if svc.idx("healthcheck").idx("disable").as_bool() == Some(true) {
        ctx.note(format!(
            "{who} disables its healthcheck on purpose; left alone"
        ));
        return None;
    }
    let Some(d) = ctx.facts.dockerfiles().iter().find(|d| d.path == df_path) else {
        ctx.note(format!(
            "{who}: its Dockerfile {df_path} is not in the scanned tree; add a healthcheck by hand"
        ));
        return None;
    };
    if d.final_stage()
        .and_then(|s| s.healthcheck())
        .is_some_and(|h| h.args.trim().eq_ignore_ascii_case("none"))
    {
        ctx.note(format!(
            "{who}: {df_path} says `HEALTHCHECK NONE` on purpose; left alone"
        ));
        return None;
    }
    let (routes, code) = match routes_for_image(ctx, &context, &df_path) {
        Ok(r) => r,
        Err(why) => {
            ctx.note(format!("{who}: {why}; add its healthcheck by hand"));
            return None;
        }
    };
    let Some((route, _)) = choose(&routes) else {
        ctx.note(format!(
            "{who}: the code built into {df_path} defines no health route to call; add one (see observability/health-endpoint) first"
        ));
        return None;
    };
    let Some((tool, how)) = image_tool(d) else {
        ctx.note(format!(
            "{who}: the final image of {df_path} (base `{}`) has neither curl nor wget to call {route}; install one, or give the binary a health subcommand, then add the healthcheck",
            d.final_stage().map_or("?", |s| d.base_image(s))
        ));
        return None;
    };
    let compose_port = svc
        .idx("ports")
        .items()
        .iter()
        .chain(svc.idx("expose").items())
        .find_map(container_port);
    let Some(port) = compose_port.or_else(|| exposed(d)) else {
        ctx.note(format!(
            "{who}: neither the service (`ports:`, `expose:`) nor {df_path} (`EXPOSE`) says which port serves {route}"
        ));
        return None;
    };
    let url = format!("http://localhost:{port}{route}");
    let words = tool.words(&url);
    let lines = lines_with_offsets(text);
    let first = svc.line.saturating_sub(1) as usize;
    let (key_col, flow) = lines.get(first).map_or((0, true), |(_, l)| first_key(l));
    // A service line `api: {build: .}`: its value starts on its key's line.
    let flow = flow || svc.line == svc.key_line;
    if compose_port.is_some() && !flow {
        let (_, at, lead) = end_of_mapping(text, &lines, first, key_col);
        return Some(ctx.fix(
            Applicability::Review,
            format!(
                "healthcheck for service `{service}` in {file}: {route} (the route the code in {code} registers) on container port {port}, called with {how}"
            ),
            vec![FileEdit::insert(
                file,
                text,
                at,
                format!("{lead}{}", indented(&compose_block(&words), key_col)),
            )],
        ));
    }
    let df_text = ctx.facts.text(&df_path)?;
    let at = insertion_point(d, df_text);
    let lead = if at == df_text.len() && !df_text.is_empty() && !df_text.ends_with('\n') {
        "\n"
    } else {
        ""
    };
    let why = if compose_port.is_none() {
        "the image declares the port (`EXPOSE`)"
    } else {
        "the service is written in flow style"
    };
    Some(ctx.fix(
        Applicability::Review,
        format!(
            "HEALTHCHECK in {df_path} (built by service `{service}`; {why}): {route} (the route the code in {code} registers) on port {port}, called with {how}"
        ),
        vec![FileEdit::insert(
            &df_path,
            df_text,
            at,
            format!("{lead}{}", dockerfile_line(&words)),
        )],
    ))
}

fn generate(ctx: &FixCtx) -> Vec<Fix> {
    let mut wanted: Vec<(&str, &str)> = ctx
        .result
        .findings
        .iter()
        .filter_map(|f| Some((f.location.as_ref()?.path.as_str(), f.key.as_deref()?)))
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut out: Vec<Fix> = Vec::new();
    for (file, service) in wanted {
        if let Some(fix) = plan(ctx, file, service) {
            // Two services built from one Dockerfile need its HEALTHCHECK once.
            if !out.iter().any(|f| f.edits == fix.edits) {
                out.push(fix);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Inputs;
    use crate::testing::{applied, run_fix};
    use shipshape_facts::Facts;
    use shipshape_facts::docker::parse;
    use shipshape_model::Outcome;

    const CODE: (&str, &str) = (
        "api/main.go",
        "package main\n\nfunc main() {\n\thttp.HandleFunc(\"/healthz\", h)\n}\n",
    );

    /// The files after the fixes, the notes, and the check's verdict after.
    fn fixed(files: &[(&str, &str)]) -> (Vec<(String, String)>, Vec<String>, Outcome) {
        let (before, fixes, notes) = run_fix(&FIX, &Facts::from_memory(files), &Inputs::default());
        assert_eq!(before, Outcome::Fail);
        let out = applied(files, &fixes);
        let mut all: Vec<(String, String)> = files
            .iter()
            .filter(|(p, _)| !out.iter().any(|(o, _)| o == p))
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect();
        all.extend(out);
        let borrowed: Vec<(&str, &str)> =
            all.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
        let after = run_fix(&FIX, &Facts::from_memory(&borrowed), &Inputs::default()).0;
        (all, notes, after)
    }

    fn get<'a>(files: &'a [(String, String)], path: &str) -> &'a str {
        &files.iter().find(|(p, _)| p == path).unwrap().1
    }

    #[test]
    fn compose_port_gets_a_compose_healthcheck_with_the_installed_tool() {
        let compose = "services:\n  # the API\n  api:\n    build: ./api\n    ports:\n      - \"8081:8080\"\n  db:\n    image: postgres:17\n";
        let df = "FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nCOPY api /api\nCMD [\"/api\"]\n";
        let (out, _, after) = fixed(&[("compose.yaml", compose), ("api/Dockerfile", df), CODE]);
        assert_eq!(
            get(&out, "compose.yaml"),
            "services:\n  # the API\n  api:\n    build: ./api\n    ports:\n      - \"8081:8080\"\n    healthcheck:\n      test: [\"CMD\", \"curl\", \"-fsS\", \"-o\", \"/dev/null\", \"http://localhost:8080/healthz\"]\n      interval: 10s\n      timeout: 3s\n      retries: 3\n  db:\n    image: postgres:17\n"
        );
        assert_eq!(get(&out, "api/Dockerfile"), df, "the image is not edited");
        assert_eq!(after, Outcome::Pass);
    }

    #[test]
    fn a_port_only_the_image_declares_gets_a_dockerfile_healthcheck() {
        let compose = "services:\n  api:\n    build: ./api\n";
        let df = "FROM alpine:3.20\nCOPY api /api\nEXPOSE 9000\nENTRYPOINT [\"/api\"]\n";
        let (out, _, after) = fixed(&[("compose.yaml", compose), ("api/Dockerfile", df), CODE]);
        assert_eq!(get(&out, "compose.yaml"), compose);
        assert_eq!(
            get(&out, "api/Dockerfile"),
            "FROM alpine:3.20\nCOPY api /api\nEXPOSE 9000\nHEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD [\"wget\", \"-q\", \"--spider\", \"http://localhost:9000/healthz\"]\nENTRYPOINT [\"/api\"]\n"
        );
        assert_eq!(after, Outcome::Pass);
        // A flow-style service cannot take a key in place: the image gets the HEALTHCHECK,
        // on the port the compose file maps.
        let flow = "services: {api: {build: ./api, ports: [\"8081:8080\"]}}\n";
        let (out, _, after) = fixed(&[("compose.yaml", flow), ("api/Dockerfile", df), CODE]);
        assert_eq!(get(&out, "compose.yaml"), flow);
        assert!(
            get(&out, "api/Dockerfile").contains("\"http://localhost:8080/healthz\"]\nENTRYPOINT"),
            "{out:?}"
        );
        assert_eq!(after, Outcome::Pass);
    }

    #[test]
    fn no_tool_no_route_or_disabled_is_noted_not_edited() {
        let compose = "services:\n  api:\n    build: ./api\n    ports: [\"8080:8080\"]\n";
        let distroless = "FROM gcr.io/distroless/static-debian12\nCOPY api /api\n";
        let files = [
            ("compose.yaml", compose),
            ("api/Dockerfile", distroless),
            CODE,
        ];
        let (out, notes, _) = fixed(&files);
        assert_eq!(get(&out, "compose.yaml"), compose);
        assert!(
            notes.iter().any(|n| n.contains("neither curl nor wget")),
            "{notes:?}"
        );
        let alpine = "FROM alpine:3.20\nCOPY api /api\n";
        let (out, notes, _) = fixed(&[("compose.yaml", compose), ("api/Dockerfile", alpine)]);
        assert_eq!(get(&out, "compose.yaml"), compose);
        assert!(
            notes.iter().any(|n| n.contains("no health route")),
            "{notes:?}"
        );
        let disabled =
            "services:\n  api:\n    build: ./api\n    healthcheck:\n      disable: true\n";
        let (out, notes, _) =
            fixed(&[("compose.yaml", disabled), ("api/Dockerfile", alpine), CODE]);
        assert_eq!(get(&out, "compose.yaml"), disabled);
        assert!(notes.iter().any(|n| n.contains("on purpose")), "{notes:?}");
    }

    #[test]
    fn routes_come_from_the_code_the_image_serves() {
        // Context `.`: the web image does not serve the backend's route.
        let compose = "services:\n  web:\n    build:\n      context: .\n      dockerfile: packages/web/Dockerfile\n    ports: [\"3000:8080\"]\n";
        let web = "FROM caddy:2-alpine\nCOPY dist /srv\n";
        let backend = "FROM node:22\nCOPY . .\n";
        let route = (
            "packages/backend/main.go",
            "package main\n\nfunc main() {\n\thttp.HandleFunc(\"/healthz\", h)\n}\n",
        );
        let files = [
            ("compose.yaml", compose),
            ("packages/web/Dockerfile", web),
            ("packages/backend/Dockerfile", backend),
            route,
        ];
        let (out, notes, _) = fixed(&files);
        assert_eq!(get(&out, "compose.yaml"), compose);
        assert!(
            notes
                .iter()
                .any(|n| n.contains("belong to the code of other images (packages/backend)")),
            "{notes:?}"
        );
        // One image built from `docker/Dockerfile` serves the repository's code.
        let compose = "services:\n  api:\n    build: {context: ., dockerfile: docker/Dockerfile}\n";
        let df = "FROM alpine:3.20\nCOPY api /api\nEXPOSE 8080\n";
        let (out, _, after) = fixed(&[
            ("compose.yaml", compose),
            ("docker/Dockerfile", df),
            ("main.go", route.1),
        ]);
        assert!(
            get(&out, "docker/Dockerfile").contains("http://localhost:8080/healthz"),
            "{out:?}"
        );
        assert_eq!(after, Outcome::Pass);
    }

    #[test]
    fn tools_come_from_install_steps_and_bases() {
        let tool = |df: &str| image_tool(&parse("Dockerfile", df)).map(|(t, _)| t);
        assert_eq!(
            tool("FROM alpine:3 AS base\nRUN apk add --no-cache curl\nFROM base\n"),
            Some(Tool::Curl)
        );
        assert_eq!(tool("FROM node:22-alpine\n"), Some(Tool::Wget));
        assert_eq!(tool("FROM python:3.12\n"), Some(Tool::Curl));
        assert_eq!(tool("FROM python:3.12-slim\n"), None);
        assert_eq!(
            tool("FROM gcr.io/distroless/static:debug-nonroot\n"),
            Some(Tool::Wget)
        );
        assert_eq!(tool("FROM gcr.io/distroless/static:nonroot\n"), None);
        // A tool installed in a build stage the final image does not build on is not in it.
        assert_eq!(
            tool("FROM debian:12 AS build\nRUN apt-get install -y curl\nFROM debian:12-slim\n"),
            None
        );
        assert_eq!(
            container_port(&Yaml {
                value: shipshape_facts::YamlValue::Str("127.0.0.1:8080:80/tcp".into()),
                line: 1,
                key_line: 0
            }),
            Some(80)
        );
    }
}
