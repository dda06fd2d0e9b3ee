//! Unit discovery: finding the services, libraries and charts of a monorepo.
//!
//! Used when `shipshape.toml` declares no `[[unit]]`. Candidates come from
//! Backstage `catalog-info.yaml` components, directories holding a Dockerfile
//! next to application code, Helm charts, and workspace members (Cargo
//! `[workspace] members`, npm/yarn `workspaces`, `pnpm-workspace.yaml`,
//! `go.work` `use`; a private npm package with no image of its own is an internal
//! module, not a unit), .NET projects that ship on their own (a NuGet package, a Web/
//! Worker-SDK or `Exe` application; not tests or an Aspire AppHost). Directories whose
//! role is not production (tests, examples,
//! development tooling, package builds: [`shipshape_facts::role`]) are never
//! units. A candidate nested in another belongs to it (a chart in a service's
//! directory is that service's chart); several sources for one directory merge,
//! the catalog entry winning for name, kind and owner.
//!
//! The root product is never lost: when the repository root declares a package of
//! its own (Cargo `[package]`, a `package.json` that is not only a workspace shell,
//! a Go module with code outside the other candidates, `[project]` in
//! pyproject.toml, `go.work` listing `.`, a JavaScript workspace whose root image is
//! built from the whole repository), the root is a unit beside the others and
//! owns every file outside them. A Dockerfile directory without a manifest of its
//! own inside that root product (`cmd/loki/Dockerfile` in the root Go module) is an
//! image of the root product, not a unit.
//! Fewer than two candidates: the repository stays one unit.
//! Pure: reads only the facts.

use shipshape_facts::role::Role;
use shipshape_facts::{Ecosystem, Facts, FileKind, Yaml, is_under};
use shipshape_model::UnitKind;
use std::collections::BTreeMap;

/// A discovered unit, before kind detection fills the gaps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Repository-relative directory.
    pub path: String,
    /// From the catalog entry's `metadata.name`.
    pub name: Option<String>,
    /// From the catalog entry's `spec.type`, or `infrastructure` for a bare chart.
    pub kind: Option<UnitKind>,
    pub owner: Option<String>,
    /// How it was found, e.g. `catalog-info.yaml`, `Dockerfile`, `Cargo workspace member`.
    pub sources: Vec<String>,
}

/// The directory of a repository-relative file path (`.` at the root).
fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or(".", |(d, _)| d)
}

/// Discover units; empty when the repository is one unit.
pub fn discover(facts: &Facts) -> Vec<Candidate> {
    let mut by_dir: BTreeMap<String, Candidate> = BTreeMap::new();
    let mut add = |path: &str, source: &str, patch: &dyn Fn(&mut Candidate)| {
        let path = path.trim_matches('/');
        if path.is_empty() || path == "." || facts.dir_role(path) != Role::Production {
            return;
        }
        let c = by_dir.entry(path.to_string()).or_insert_with(|| Candidate {
            path: path.to_string(),
            name: None,
            kind: None,
            owner: None,
            sources: vec![],
        });
        if !c.sources.iter().any(|s| s == source) {
            c.sources.push(source.to_string());
        }
        patch(c);
    };

    // Backstage components.
    for f in facts.files_of(|k| k == FileKind::CatalogInfo) {
        if !f.path.ends_with("catalog-info.yaml") && !f.path.ends_with("catalog-info.yml") {
            continue;
        }
        let Some(Ok(docs)) = facts.yaml(&f.path) else {
            continue;
        };
        let Some(comp) = docs
            .iter()
            .find(|d| d.get("kind").and_then(Yaml::as_str) == Some("Component"))
        else {
            continue;
        };
        let name = comp
            .at(&["metadata", "name"])
            .and_then(Yaml::as_str)
            .map(str::to_string);
        let kind = match comp.at(&["spec", "type"]).and_then(Yaml::as_str) {
            Some("service" | "website") => Some(UnitKind::Service),
            Some("library") => Some(UnitKind::Library),
            Some("cli" | "tool") => Some(UnitKind::Cli),
            Some("infrastructure" | "resource") => Some(UnitKind::Infrastructure),
            _ => None,
        };
        let owner = comp
            .at(&["spec", "owner"])
            .and_then(Yaml::as_str)
            .map(str::to_string);
        add(dir_of(&f.path), &f.path, &|c| {
            c.name = name.clone().or(c.name.take());
            c.kind = kind.or(c.kind);
            c.owner = owner.clone().or(c.owner.take());
        });
    }

    // Application code or a manifest in production files of the directory (a chart's
    // `hack/` scripts or test images do not make it an application).
    let has_app = |dir: &str| {
        facts.files.iter().any(|f| {
            is_under(&f.path, dir)
                && (matches!(f.kind, FileKind::Source(l) if l != shipshape_facts::Lang::Shell)
                    || matches!(f.kind, FileKind::Manifest(_)))
                && f.role.is_production()
        })
    };
    let has_manifest = |dir: &str| {
        facts
            .files
            .iter()
            .any(|f| is_under(&f.path, dir) && matches!(f.kind, FileKind::Manifest(_)))
    };
    let mut image_only: Vec<String> = Vec::new();

    // Images the repository's CI builds (matrix expressions expanded).
    let ci_built = facts.ci_image_builds();
    // An image of its own: CI builds it, and its final stage takes from the build
    // context only what sits in the Dockerfile's directory (bitwarden/server's
    // `util/Nginx` copies `util/Nginx/nginx.conf`); one that copies the product's code
    // from elsewhere (mealie's `docker/Dockerfile` copies `./mealie`) is that product's
    // image.
    // A product manifest at the root (not a workspace shell).
    let root_is_product = facts
        .text("Cargo.toml")
        .and_then(|t| t.parse::<toml::Table>().ok())
        .is_some_and(|t| t.contains_key("package"))
        || [
            "go.mod",
            "pyproject.toml",
            "setup.py",
            "composer.json",
            "Gemfile",
            "mix.exs",
        ]
        .iter()
        .any(|m| facts.text(m).is_some())
        || facts
            .text("package.json")
            .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
            .is_some_and(|v| v.get("workspaces").is_none());
    // The parsed Dockerfile when it is such an image.
    let own_image = |path: &str, dir: &str| -> Option<&shipshape_facts::docker::Dockerfile> {
        let build = ci_built.iter().find(|b| b.dockerfile == path)?;
        let dockerfile = facts.dockerfiles().iter().find(|d| d.path == path)?;
        let stage = dockerfile.final_stage()?;
        // Something of its own, and nothing from elsewhere. A final stage that takes
        // nothing from the context only packages what another stage built
        // (usememos/memos's `scripts/Dockerfile` copies the root product's binary from
        // its build stage): that is the product's image, not a unit. So is one whose
        // build stage copies the whole repository when the root is a product
        // (vaultwarden's `docker/Dockerfile.debian`: `COPY . .`, then `cargo build` of the
        // root crate), whatever scripts the final stage adds from the Dockerfile's
        // directory; bitwarden/server's `util/Attachments` copies the whole repository
        // too, but no product sits at its root.
        let resolve =
            |src: &str| shipshape_facts::ci::normalise_path(&format!("{}/{src}", build.context));
        let sources = stage.context_sources();
        let builds_root_product = root_is_product
            && dockerfile.stages.iter().any(|s| {
                s.context_sources()
                    .iter()
                    .any(|src| resolve(src).as_deref() == Some("."))
            });
        // An image whose job first downloads another job's build output into its
        // context packages that build (rustdesk-server's `docker/`: the root crate's
        // hbbs and hbbr binaries land in `docker/rootfs/usr/bin`): the root product's
        // image when there is one.
        let packages_root_build = root_is_product && build.packages_artifacts;
        let own = !sources.is_empty()
            && !builds_root_product
            && !packages_root_build
            && sources
                .iter()
                .all(|src| resolve(src).is_some_and(|p| p != "." && is_under(&p, dir)));
        own.then_some(dockerfile)
    };

    // Dockerfiles next to an application (not test or development images), and images
    // of their own that CI builds (bitwarden/server's `util/Nginx`: a Dockerfile with its
    // configuration, no code, built and pushed by the release matrix).
    for f in facts
        .files_of(|k| k == FileKind::Dockerfile)
        .filter(|f| !facts.is_dev_dockerfile(&f.path))
    {
        let dir = dir_of(&f.path);
        if dir == "." {
            continue;
        }
        if has_app(dir) {
            if !has_manifest(dir) {
                image_only.push(dir.to_string());
            }
            add(dir, &f.path, &|_| {});
        } else if let Some(dockerfile) = own_image(&f.path, dir) {
            // One stage, taking only its directory's files: third-party software with
            // this repository's configuration (teslamate's `grafana/`: grafana/grafana
            // with its datasource and dashboards; bitwarden/server's `util/Nginx`). Its
            // code is someone else's, so there is nothing to instrument or test here:
            // infrastructure. An image that compiles something (a build stage) stays an
            // application.
            let configures = dockerfile.stages.len() == 1;
            add(dir, &f.path, &|c| {
                if configures && c.kind.is_none() {
                    c.kind = Some(UnitKind::Infrastructure);
                }
            });
        }
    }

    // Applications whose images a Dockerfile outside them builds, one target each
    // (Flagsmith's root Dockerfile: its `oss-api` target takes `api/`, `oss-frontend`
    // takes `frontend/`). A directory with a manifest of its own and application code
    // that a production target takes alone is shipped on its own, wherever its
    // Dockerfile sits. A target that takes several such directories (Flagsmith's
    // unified image) splits nothing by itself; and when the root is a product, the
    // directories its image copies in (navidrome's `ui/`) are parts of it.
    if !root_is_product {
        let manifest_in = |dir: &str| {
            facts
                .files
                .iter()
                .any(|f| dir_of(&f.path) == dir && matches!(f.kind, FileKind::Manifest(_)))
        };
        for d in facts
            .dockerfiles()
            .iter()
            .filter(|d| !facts.is_dev_dockerfile(&d.path))
        {
            let context = facts.docker_context(&d.path);
            for apps in d.target_dirs(&context, |p| manifest_in(p) && has_app(p)) {
                if apps.len() == 1
                    && let Some(dir) = apps.first()
                {
                    add(dir, &d.path, &|_| {});
                }
            }
        }
    }

    // Helm charts: infrastructure unless application code sits beside.
    for f in facts.files_of(|k| k == FileKind::HelmChart) {
        let dir = dir_of(&f.path);
        let bare = !has_app(dir);
        add(dir, &f.path, &|c| {
            if bare && c.kind.is_none() {
                c.kind = Some(UnitKind::Infrastructure);
            }
        });
    }

    // Workspace members. A private npm package (`"private": true`: never published)
    // with no image of its own is an internal module of the product that builds it in
    // (linkwarden's `packages/*`, and its `apps/web` and `apps/worker`, which the root
    // image runs together); a mobile or desktop app is shipped on its own.
    let own_dockerfile = |dir: &str| {
        facts
            .files_of(|k| k == FileKind::Dockerfile)
            .any(|f| dir_of(&f.path) == dir && !facts.is_dev_dockerfile(&f.path))
    };
    let root_image_runs_repo = root_image_builds_whole_repo(facts);
    for (dir, source) in workspace_members(facts) {
        if source.starts_with("package.json") || source.starts_with("pnpm-workspace") {
            let manifest = format!("{dir}/package.json");
            let pkg = facts
                .text(&manifest)
                .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
                .unwrap_or_default();
            // Never published: `private`, or a `0.0.0` version with no `publishConfig`
            // (documenso's `packages/*`, linked into its app and released nowhere).
            let private = pkg["private"].as_bool() == Some(true)
                || (pkg["version"].as_str() == Some("0.0.0") && pkg.get("publishConfig").is_none());
            // A deployable of a monorepo's `apps/` that starts by itself (documenso's
            // `apps/openpage-api`, a Next.js API with `next start`), unless the root image
            // runs the whole repository (linkwarden's `apps/web` and `apps/worker`).
            let app = dir.split('/').any(|seg| seg == "apps")
                && pkg["scripts"]["start"].is_string()
                && !root_image_runs_repo;
            let client = is_client_app(facts, &dir);
            if private && !own_dockerfile(&dir) && !client && !app {
                continue;
            }
            if client {
                // A person runs it on their device; nobody operates it as a server,
                // whatever local server it embeds (hoppscotch's agent relays on loopback).
                add(&dir, &source, &|c| {
                    c.kind = c.kind.or(Some(UnitKind::Cli));
                });
                continue;
            }
        }
        add(&dir, &source, &|_| {});
    }
    // .NET projects that ship on their own: a NuGet package (`PackageId`, or
    // `IsPackable` set) and an application (the Web or Worker SDK, `OutputType` Exe).
    // Class libraries linked into an application belong to it; test projects,
    // benchmarks and an Aspire AppHost (it runs the others on a developer's machine)
    // are not units.
    for (dir, source, package) in dotnet_projects(facts) {
        add(&dir, &source, &|c| {
            if package && c.kind.is_none() {
                c.kind = Some(UnitKind::Library);
            }
        });
    }
    // Maven modules and Gradle subprojects that run or ship on their own.
    for (dir, source) in jvm_modules(facts) {
        // A published library without an entry point of its own is a library, whatever
        // server framework it builds on (kestra-io/kestra's `core` depends on Micronaut's
        // HTTP server for the plugins it serves, and runs nowhere by itself).
        let library = source.ends_with("(published library)") && !has_entry_point(facts, &dir);
        add(&dir, &source, &|c| {
            if library && c.kind.is_none() {
                c.kind = Some(UnitKind::Library);
            }
        });
    }

    // Library modules of their own outside any workspace (navidrome's
    // `plugins/pdk/go`, imported by plugin authors), and Cargo programs no workspace
    // builds (livebook's Tauri desktop app).
    for (dir, source) in standalone_libraries(facts) {
        let program = source.ends_with("(program of its own)");
        let client = program && is_client_app(facts, &dir);
        add(&dir, &source, &|c| {
            if c.kind.is_none() {
                c.kind = if client {
                    Some(UnitKind::Cli)
                } else if program {
                    None
                } else {
                    Some(UnitKind::Library)
                };
            }
        });
    }

    // The root product, and the images of it that sit in subdirectories.
    let root = root_product(facts, &by_dir);
    if let Some(source) = &root {
        by_dir.retain(|dir, c| {
            !(image_only.contains(dir) && c.sources.iter().all(|s| is_dockerfile_source(s)))
        });
        let source = source.clone();
        by_dir.insert(
            ".".to_string(),
            Candidate {
                path: ".".to_string(),
                name: None,
                kind: None,
                owner: None,
                sources: vec![source],
            },
        );
    }

    // A candidate inside another belongs to it (the root owns only what no other
    // candidate holds).
    let dirs: Vec<String> = by_dir.keys().filter(|d| *d != ".").cloned().collect();
    let mut out: Vec<Candidate> = by_dir
        .into_values()
        .filter(|c| c.path == "." || !dirs.iter().any(|d| d != &c.path && is_under(&c.path, d)))
        .collect();
    if out.len() < 2 {
        out.clear();
    }
    out
}

fn is_dockerfile_source(source: &str) -> bool {
    let name = source
        .rsplit('/')
        .next()
        .unwrap_or(source)
        .to_ascii_lowercase();
    name.contains("dockerfile") || name.contains("containerfile")
}

/// A production Dockerfile at the root whose build copies the whole repository (`COPY
/// . .`): its path.
fn root_whole_repo_image(facts: &Facts) -> Option<String> {
    facts
        .dockerfiles()
        .iter()
        .find(|d| {
            dir_of(&d.path) == "."
                && !facts.is_dev_dockerfile(&d.path)
                && facts.file(&d.path).is_some_and(|f| f.role.is_production())
                && d.stages.iter().any(|s| {
                    s.context_sources()
                        .iter()
                        .any(|src| matches!(*src, "." | "./"))
                })
        })
        .map(|d| d.path.clone())
}

/// True when the root's image runs the whole JavaScript workspace (linkwarden).
fn root_image_builds_whole_repo(facts: &Facts) -> bool {
    root_whole_repo_image(facts).is_some()
}

/// The manifest that makes the repository root a product of its own, beside the
/// candidates found below it; `None` when the root is only a workspace shell or holds
/// no manifest.
fn root_product(facts: &Facts, candidates: &BTreeMap<String, Candidate>) -> Option<String> {
    if candidates.is_empty() {
        return None;
    }
    // Production code outside every candidate: the root has something of its own.
    let own_code = |ext: &str| {
        facts.files.iter().any(|f| {
            f.path.ends_with(ext)
                && f.role.is_production()
                && !candidates.keys().any(|d| is_under(&f.path, d))
        })
    };
    if let Some(t) = facts.text("Cargo.toml")
        && let Ok(doc) = t.parse::<toml::Table>()
        && doc.contains_key("package")
    {
        return Some("Cargo.toml [package]".into());
    }
    if let Some(t) = facts.text("go.work")
        && t.lines().any(|l| {
            let l = l.split("//").next().unwrap_or("").trim();
            let l = l.strip_prefix("use").map_or(l, str::trim);
            matches!(l.trim_matches('"'), "." | "./")
        })
    {
        return Some("go.work use .".into());
    }
    // A JavaScript workspace whose root image is built from the whole repository
    // (linkwarden's `Dockerfile` copies `.` and runs `apps/web` and `apps/worker`
    // together): the root is the product. (An image a Cargo or Go workspace builds from
    // its root compiles one member, which is the product: meilisearch's.)
    let js_workspace = facts.exists("pnpm-workspace.yaml")
        || facts.exists("pnpm-workspace.yml")
        || facts
            .text("package.json")
            .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
            .is_some_and(|v| !v["workspaces"].is_null());
    if js_workspace && let Some(d) = root_whole_repo_image(facts) {
        return Some(format!("{d} (builds the whole repository)"));
    }
    if facts.text("go.mod").is_some() && own_code(".go") {
        return Some("go.mod".into());
    }
    if let Some(t) = facts.text("package.json")
        && let Ok(v) = serde_json::from_str::<serde_json::Value>(t)
    {
        // A workspace root whose `start` only starts members (`turbo run start
        // --filter=@documenso/remix`, `pnpm -r start`, `lerna run start`) is a shell too.
        let start = v["scripts"]["start"].as_str();
        let fans_out = start.is_some_and(|c| {
            let w: Vec<&str> = c.split_whitespace().collect();
            w.iter().any(|x| {
                matches!(
                    *x,
                    "turbo" | "lerna" | "nx" | "-r" | "--recursive" | "--workspaces"
                ) || x.starts_with("--filter")
                    || x.starts_with("--workspace")
            })
        });
        let shell = !v["workspaces"].is_null()
            && v["main"].is_null()
            && v["bin"].is_null()
            && (start.is_none() || fans_out);
        if !shell
            && [".js", ".ts", ".mjs", ".cjs", ".vue"]
                .iter()
                .any(|e| own_code(e))
        {
            return Some("package.json".into());
        }
    }
    // A Maven root that builds an artifact of its own (not `pom` packaging) with code
    // outside the modules; a Gradle root with an entry point or code of its own.
    if let Some(t) = facts.text("pom.xml")
        && read_pom(t).is_none_or(|p| !p.aggregator)
        && (own_code(".java") || own_code(".kt"))
    {
        return Some("pom.xml".into());
    }
    if let Some(t) = facts
        .text("build.gradle")
        .or_else(|| facts.text("build.gradle.kts"))
        && (read_gradle(t).application || own_code(".java") || own_code(".kt"))
    {
        return Some("build.gradle".into());
    }
    // Elixir, PHP and Ruby roots with code of their own (livebook's `mix.exs` beside
    // its `iframe/` app).
    for (manifest, ext) in [
        ("mix.exs", ".ex"),
        ("composer.json", ".php"),
        ("Gemfile", ".rb"),
    ] {
        if facts.text(manifest).is_some() && own_code(ext) {
            return Some(manifest.into());
        }
    }
    if let Some(t) = facts.text("pyproject.toml")
        && let Ok(doc) = t.parse::<toml::Table>()
        && (doc.contains_key("project")
            || doc
                .get("tool")
                .and_then(|t| t.get("poetry"))
                .and_then(|p| p.get("name"))
                .is_some())
        && own_code(".py")
    {
        return Some("pyproject.toml".into());
    }
    None
}

/// The modules of a Maven multi-module build (`<modules>`, followed into nested
/// aggregators) and the subprojects of a Gradle build (`settings.gradle` `include`),
/// keeping those that are a product of their own: an application (it has an entry
/// point: a `main` method or `@SpringBootApplication` in its code, the Spring Boot,
/// Micronaut, Quarkus, `application` or Jib plugin, or `war` packaging) or, for Gradle, a published library
/// (`maven-publish` applied to it, by itself or by the root's `subprojects`/`allprojects`,
/// and not switched off). The other modules exist to be linked into a product and
/// belong to it. A subproject holding the root build's own main class is the root
/// product's code, not a unit.
fn jvm_modules(facts: &Facts) -> Vec<(String, String)> {
    let mut out = Vec::new();
    // Maven: from the root aggregator through nested ones, each pom read once.
    let mut queue: Vec<(String, Pom)> = facts
        .text("pom.xml")
        .and_then(read_pom)
        .map(|p| (String::new(), p))
        .into_iter()
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    while let Some((dir, pom)) = queue.pop() {
        for m in &pom.modules {
            let child = join_dir(&dir, m);
            if child.is_empty() || !seen.insert(child.clone()) {
                continue;
            }
            let Some(text) = facts.text(&format!("{child}/pom.xml")) else {
                continue;
            };
            let child_pom = read_pom(text);
            if child_pom.as_ref().is_some_and(|p| p.application) || has_entry_point(facts, &child) {
                out.push((child.clone(), "pom.xml module (application)".to_string()));
            }
            if let Some(p) = child_pom {
                queue.push((child, p));
            }
        }
    }
    // Gradle.
    let settings = facts
        .text("settings.gradle")
        .or_else(|| facts.text("settings.gradle.kts"));
    if let Some(settings) = settings {
        let root = read_gradle(
            facts
                .text("build.gradle")
                .or_else(|| facts.text("build.gradle.kts"))
                .unwrap_or(""),
        );
        // Each subproject's build, read once.
        let builds: BTreeMap<String, GradleBuild> = gradle_includes(settings)
            .into_iter()
            .filter_map(|dir| {
                let text = facts
                    .text(&format!("{dir}/build.gradle"))
                    .or_else(|| facts.text(&format!("{dir}/build.gradle.kts")))?;
                Some((dir, read_gradle(text)))
            })
            .collect();
        // What the root product links, directly or through other subprojects.
        let mut linked = std::collections::BTreeSet::new();
        let mut todo = root.project_refs.clone();
        while let Some(d) = todo.pop() {
            if linked.insert(d.clone())
                && let Some(b) = builds.get(&d)
            {
                todo.extend(b.project_refs.iter().cloned());
            }
        }
        for (dir, build) in builds {
            if let Some(main) = &root.main_class
                && holds_class(facts, &dir, main)
            {
                continue;
            }
            if (build.publishes || root.publishes_subprojects) && !build.publishing_off {
                out.push((
                    dir,
                    "settings.gradle subproject (published library)".to_string(),
                ));
            } else if (build.application || has_entry_point(facts, &dir))
                && !(root.application && linked.contains(&dir))
            {
                out.push((dir, "settings.gradle subproject (application)".to_string()));
            }
        }
    }
    out
}

/// True when production code of `dir` has a program entry point (a `main` method,
/// `@SpringBootApplication`: [`shipshape_facts::signals::SignalKind::ProgramEntry`]), e.g.
/// a Spring Boot module whose build plugin comes from the parent's profile.
fn has_entry_point(facts: &Facts, dir: &str) -> bool {
    facts.signals.iter().any(|s| {
        s.kind == shipshape_facts::signals::SignalKind::ProgramEntry && is_under(&s.path, dir)
    })
}

/// `parent/child` with `..` and `.` segments resolved; empty when it leaves the root.
fn join_dir(parent: &str, child: &str) -> String {
    let mut parts: Vec<&str> = parent.split('/').filter(|p| !p.is_empty()).collect();
    for seg in child.trim().split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return String::new();
                }
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// What unit discovery reads of a `pom.xml` (parsed with roxmltree; comments are not
/// elements).
struct Pom {
    /// `<module>` entries, in profiles too.
    modules: Vec<String>,
    /// `pom` packaging: an aggregator or parent with no artifact of its own.
    aggregator: bool,
    /// An entry point of its own: `war` packaging, or an application plugin (Spring
    /// Boot, Micronaut, Quarkus, Jib) that the module does not skip
    /// (signalapp/Signal-Server's `api-doc` declares Jib with `<skip>true</skip>`).
    application: bool,
}

/// `None` when the text is not well-formed XML.
fn read_pom(text: &str) -> Option<Pom> {
    const APP_PLUGINS: &[&str] = &[
        "spring-boot-maven-plugin",
        "micronaut-maven-plugin",
        "quarkus-maven-plugin",
        "jib-maven-plugin",
    ];
    let doc = roxmltree::Document::parse(text).ok()?;
    let named = |name: &'static str| {
        doc.descendants()
            .filter(move |n| n.is_element() && n.tag_name().name() == name)
    };
    let text_of = |n: roxmltree::Node| n.text().unwrap_or("").trim().to_string();
    let child_text = |n: roxmltree::Node, name: &str| {
        n.children()
            .find(|c| c.is_element() && c.tag_name().name() == name)
            .map(text_of)
    };
    let packaging: Vec<String> = named("packaging").map(text_of).collect();
    let plugin_app = named("plugin").any(|p| {
        child_text(p, "artifactId").is_some_and(|a| APP_PLUGINS.contains(&a.as_str()))
            && !p
                .descendants()
                .any(|d| d.is_element() && d.tag_name().name() == "skip" && text_of(d) == "true")
    });
    Some(Pom {
        modules: named("module")
            .map(text_of)
            .filter(|m| !m.is_empty())
            .collect(),
        aggregator: packaging.iter().any(|p| p == "pom"),
        application: plugin_app || packaging.iter().any(|p| p == "war"),
    })
}

/// Groovy/Kotlin build text without `//` line comments and `/* */` blocks.
fn strip_gradle_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("/*") {
        out.push_str(&rest[..i]);
        match rest[i..].find("*/") {
            Some(e) => rest = &rest[i + e + 2..],
            None => {
                rest = "";
                break;
            }
        }
    }
    out.push_str(rest);
    out.lines()
        .map(|l| match l.find("//") {
            // `//` inside a string (`"https://…"`) is not a comment.
            Some(i) if l[..i].matches(['"', '\'']).count() % 2 == 0 => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The subproject directories a `settings.gradle(.kts)` includes (`include 'a', ':b:c'`,
/// `include("a")`; `:b:c` is `b/c`), with `project(':x').projectDir = file('dir')`
/// applied.
fn gradle_includes(settings: &str) -> Vec<String> {
    let text = strip_gradle_comments(settings);
    let mut names = Vec::new();
    for line in text.lines() {
        let l = line.trim();
        let Some(rest) = l.strip_prefix("include") else {
            continue;
        };
        if !rest.starts_with([' ', '(', '\t']) {
            continue;
        }
        for q in quoted_strings(rest) {
            names.push(q.to_string());
        }
    }
    let mut dirs: Vec<String> = names
        .iter()
        .map(|n| n.trim_start_matches(':').replace(':', "/"))
        .filter(|d| !d.is_empty())
        .collect();
    // `project(':x').projectDir = file('elsewhere')`
    for line in text.lines() {
        let l = line.trim();
        if let Some(rest) = l.strip_prefix("project(")
            && let Some((proj, tail)) = rest.split_once(')')
            && tail.contains("projectDir")
            && let (Some(p), Some(f)) = (
                quoted_strings(proj).first().copied(),
                tail.split_once("file(")
                    .and_then(|(_, x)| quoted_strings(x).first().copied()),
            )
        {
            let from = p.trim_start_matches(':').replace(':', "/");
            for d in dirs.iter_mut() {
                if *d == from {
                    *d = join_dir("", f);
                }
            }
        }
    }
    dirs.sort();
    dirs.dedup();
    dirs
}

/// The contents of `'…'` and `"…"` strings in a line.
fn quoted_strings(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\'' || b[i] == b'"' {
            let q = b[i];
            if let Some(j) = b[i + 1..].iter().position(|&c| c == q) {
                out.push(&s[i + 1..i + 1 + j]);
                i += j + 2;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// What unit discovery reads of a Gradle build file (its comments stripped once).
struct GradleBuild {
    /// An entry point of its own: the Spring Boot, Micronaut application, Quarkus, Jib
    /// or `application` plugin.
    application: bool,
    /// `maven-publish` (or another publishing plugin) applied by the file itself.
    publishes: bool,
    /// Publishing switched off (`publish…enabled = false`).
    publishing_off: bool,
    /// `maven-publish` applied to every subproject (`subprojects {}`/`allprojects {}`).
    publishes_subprojects: bool,
    /// `mainClass = "…"`, `mainClassName = '…'` (also through a variable).
    main_class: Option<String>,
    /// The subprojects it depends on (`project(':a:b')` is `a/b`).
    project_refs: Vec<String>,
}

fn read_gradle(text: &str) -> GradleBuild {
    let text = strip_gradle_comments(text);
    GradleBuild {
        application: gradle_is_application(&text),
        publishes: [
            "maven-publish",
            "java-platform",
            "com.vanniktech.maven.publish",
        ]
        .iter()
        .any(|p| text.contains(p)),
        publishing_off: text.lines().any(|l| {
            let l = l.to_ascii_lowercase();
            l.contains("publish") && l.contains("enabled") && l.contains("false")
        }),
        publishes_subprojects: publishes_all_subprojects(&text),
        main_class: gradle_main_class(&text),
        project_refs: project_refs(&text),
    }
}

/// Build text (comments stripped) that applies an application plugin.
fn gradle_is_application(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim();
        [
            "org.springframework.boot",
            "io.micronaut.application",
            "io.quarkus",
            "com.google.cloud.tools.jib",
        ]
        .iter()
        .any(|p| l.contains(p) && (l.contains("id") || l.contains("apply")))
            || l == "application"
            || l.starts_with("id 'application'")
            || l.starts_with("id \"application\"")
            || l.starts_with("id(\"application\")")
            || l.starts_with("apply plugin: 'application'")
            || l.starts_with("apply plugin: \"application\"")
    })
}

/// Root build text (comments stripped) that applies `maven-publish` to every subproject.
fn publishes_all_subprojects(text: &str) -> bool {
    let mut depth_block: Option<i32> = None;
    let mut depth = 0i32;
    for line in text.lines() {
        let l = line.trim();
        if depth_block.is_none() && (l.starts_with("subprojects") || l.starts_with("allprojects")) {
            depth_block = Some(depth);
        }
        if depth_block.is_some() && l.contains("maven-publish") {
            return true;
        }
        depth += l.matches('{').count() as i32 - l.matches('}').count() as i32;
        if depth_block.is_some_and(|d| depth <= d) && l.contains('}') {
            depth_block = None;
        }
    }
    false
}

/// The main class build text (comments stripped) names.
fn gradle_main_class(text: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let l = l.trim();
        (l.contains("mainClass") && l.contains('='))
            .then(|| quoted_strings(l).first().map(|s| s.to_string()))
            .flatten()
            .filter(|s| s.contains('.') && !s.contains(' '))
    })
}

/// The subprojects build text (comments stripped) depends on.
fn project_refs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("project(") {
        rest = &rest[i + "project(".len()..];
        let end = rest.find(')').unwrap_or(rest.len());
        if let Some(q) = quoted_strings(&rest[..end]).first()
            && q.starts_with(':')
        {
            out.push(q.trim_start_matches(':').replace(':', "/"));
        }
    }
    out
}

/// True when a source file of `dir` defines the class `fqcn` (`a.b.App` is
/// `…/a/b/App.java` or `.kt`).
fn holds_class(facts: &Facts, dir: &str, fqcn: &str) -> bool {
    let rel = fqcn.replace('.', "/");
    let (java, kt) = (format!("{rel}.java"), format!("{rel}.kt"));
    facts
        .files_with_prefix(&format!("{dir}/"))
        .iter()
        .any(|f| f.path.ends_with(&java) || f.path.ends_with(&kt))
}

/// Workspace member directories with the file that declared them.
fn workspace_members(facts: &Facts) -> Vec<(String, String)> {
    let mut patterns: Vec<(String, &str, Ecosystem)> = Vec::new();
    let mut excludes: Vec<String> = Vec::new();
    if let Some(t) = facts.text("Cargo.toml")
        && let Ok(doc) = t.parse::<toml::Table>()
        && let Some(ws) = doc.get("workspace").and_then(|w| w.as_table())
    {
        for m in ws
            .get("members")
            .and_then(|m| m.as_array())
            .into_iter()
            .flatten()
        {
            if let Some(s) = m.as_str() {
                patterns.push((s.to_string(), "Cargo.toml", Ecosystem::Cargo));
            }
        }
        for m in ws
            .get("exclude")
            .and_then(|m| m.as_array())
            .into_iter()
            .flatten()
        {
            if let Some(s) = m.as_str() {
                excludes.push(s.to_string());
            }
        }
    }
    if let Some(t) = facts.text("package.json")
        && let Ok(v) = serde_json::from_str::<serde_json::Value>(t)
    {
        let ws = &v["workspaces"];
        let list = ws.as_array().or_else(|| ws["packages"].as_array());
        for m in list.into_iter().flatten() {
            if let Some(s) = m.as_str() {
                patterns.push((s.to_string(), "package.json", Ecosystem::Npm));
            }
        }
    }
    for name in ["pnpm-workspace.yaml", "pnpm-workspace.yml"] {
        if let Some(Ok(docs)) = facts.yaml(name)
            && let Some(doc) = docs.first()
        {
            for m in doc.idx("packages").items() {
                if let Some(s) = m.as_str() {
                    match s.strip_prefix('!') {
                        Some(x) => excludes.push(x.to_string()),
                        None => patterns.push((s.to_string(), name_static(name), Ecosystem::Npm)),
                    }
                }
            }
        }
    }
    if let Some(t) = facts.text("go.work") {
        for dir in go_work_uses(t) {
            patterns.push((dir, "go.work", Ecosystem::Go));
        }
    }
    let manifest = |e: Ecosystem| match e {
        Ecosystem::Cargo => "Cargo.toml",
        Ecosystem::Go => "go.mod",
        _ => "package.json",
    };
    let build = |p: &str| {
        globset::GlobBuilder::new(p.trim_start_matches("./").trim_end_matches('/'))
            .literal_separator(true)
            .build()
            .ok()
            .map(|g| g.compile_matcher())
    };
    let excluded: Vec<_> = excludes.iter().filter_map(|e| build(e)).collect();
    // The directories holding each manifest, in file order, found once: a go.work of a
    // thousand `use` lines once tested every file of the repository per line.
    let mut dirs_of: std::collections::HashMap<&str, Vec<&str>> = std::collections::HashMap::new();
    let mut out = Vec::new();
    for (pattern, source, eco) in &patterns {
        let Some(m) = build(pattern) else { continue };
        let file = manifest(*eco);
        let dirs = dirs_of.entry(file).or_insert_with(|| {
            let suffix = format!("/{file}");
            facts
                .files
                .iter()
                .filter_map(|f| f.path.strip_suffix(suffix.as_str()))
                .collect()
        });
        let literal = pattern.trim_start_matches("./").trim_end_matches('/');
        let plain = !literal.contains(['*', '?', '[', '{', '\\']);
        for dir in dirs.iter().filter(|d| !plain || **d == literal) {
            if m.is_match(dir) && !excluded.iter().any(|x| x.is_match(dir)) {
                out.push((dir.to_string(), format!("{source} workspace member")));
            }
        }
    }
    out
}

fn name_static(name: &str) -> &'static str {
    if name.ends_with(".yml") {
        "pnpm-workspace.yml"
    } else {
        "pnpm-workspace.yaml"
    }
}

/// Go modules and Cargo crates below the root, outside the root's workspace, that
/// build a library and nothing else (and Cargo crates that build a program, marked
/// `(program of its own)`) (Go code with no `main` package, beyond a
/// `tools.go`; no Cargo binary, not
/// `publish = false`) and that no production manifest of the repository builds in: a
/// module the root product links (grafana/loki's `pkg/push`, `replace`d into the root
/// module) or that another crate links by path (navidrome's `nd-pdk-types` in
/// `nd-pdk`) is part of that product. Links from examples and tests do not count.
fn standalone_libraries(facts: &Facts) -> Vec<(String, String)> {
    let linked = |manifest: &str| {
        facts.links().iter().any(|l| {
            l.to == manifest
                && !l.dev
                && facts.file(&l.from).is_some_and(|f| f.role.is_production())
        })
    };
    let members: Vec<String> = workspace_members(facts)
        .into_iter()
        .map(|(d, _)| d)
        .collect();
    let mut modules: Vec<&str> = facts
        .files
        .iter()
        .filter(|f| f.path.ends_with("/go.mod"))
        .map(|f| dir_of(&f.path))
        .collect();
    modules.sort_unstable();
    let root_go_module = facts.text("go.mod").is_some();
    let cargo_workspace = facts
        .text("Cargo.toml")
        .and_then(|t| t.parse::<toml::Table>().ok())
        .is_some_and(|d| d.contains_key("workspace"));
    let mut out = Vec::new();
    for f in &facts.files {
        let dir = dir_of(&f.path);
        if dir == "." || !f.role.is_production() || members.iter().any(|m| m == dir) {
            continue;
        }
        let name = f.path.rsplit('/').next().unwrap_or("");
        let library = match name {
            "go.mod" => {
                // A `main` package in this module (not in a module nested inside it).
                let main = facts.signals.iter().any(|s| {
                    s.kind == shipshape_facts::signals::SignalKind::GoMainPackage
                        && s.path.ends_with(".go")
                        && is_under(&s.path, dir)
                        && !modules
                            .iter()
                            .any(|m| *m != dir && is_under(m, dir) && is_under(&s.path, m))
                });
                // Go code of its own, not only the `tools.go` that pins build tools
                // (opentelemetry-demo's `internal/tools`; thanos's `.bingo` has none).
                let code = facts.files.iter().any(|g| {
                    g.path.ends_with(".go")
                        && !g.path.ends_with("/tools.go")
                        && g.role.is_production()
                        && is_under(&g.path, dir)
                });
                // A module of its own whose `main` packages no other module links is a
                // program shipped on its own (asynq's `tools/` module: the `asynq` CLI,
                // `go install …/tools/asynq@latest`), like a Cargo program of its own.
                // Only beside a Go product at the root: where the root has no module of
                // its own, a nested module with a `main` is the product itself
                // (pocket-id's `backend/`), judged as the root unit.
                if code && main && root_go_module && !go_build_tooling(dir) {
                    if !linked(&f.path) {
                        out.push((dir.to_string(), format!("{} (program of its own)", f.path)));
                    }
                    continue;
                }
                code && !main
            }
            // Below a Cargo workspace, a crate that is not a member was left out of it
            // on purpose (`exclude`): part of the workspace's product, unless it is a
            // project of its own with its own lockfile (rustdesk-server's `ui/`, a Tauri
            // tray app excluded from the workspace and built on its own in CI).
            "Cargo.toml" if !cargo_workspace || facts.exists(&format!("{dir}/Cargo.lock")) => {
                let Some(doc) = facts
                    .text(&f.path)
                    .and_then(|t| t.parse::<toml::Table>().ok())
                else {
                    continue;
                };
                let Some(package) = doc.get("package").and_then(|p| p.as_table()) else {
                    continue;
                };
                let unpublished = package.get("publish").and_then(|p| p.as_bool()) == Some(false);
                let bin_dir = format!("{dir}/src/bin/");
                let binary = doc.contains_key("bin")
                    || facts.exists(&format!("{dir}/src/main.rs"))
                    || facts.files.iter().any(|g| g.path.starts_with(&bin_dir));
                if binary && !unpublished_binary_is_tooling(facts, dir) {
                    // A program of its own that no workspace builds (livebook's Tauri
                    // desktop app `rel/app/src-tauri`): a unit, its kind decided later.
                    if !linked(&f.path) {
                        out.push((dir.to_string(), format!("{} (program of its own)", f.path)));
                    }
                    continue;
                }
                !unpublished && !binary
            }
            _ => continue,
        };
        if library && !linked(&f.path) {
            out.push((dir.to_string(), format!("{} (library of its own)", f.path)));
        }
    }
    out
}

/// A Go module whose programs only serve the build or the repository's own
/// development (`internal/tools`, `hack/`, `xtask`, benchmarks, code generators), not a
/// unit.
fn go_build_tooling(dir: &str) -> bool {
    let last = dir.rsplit('/').next().unwrap_or(dir);
    matches!(
        last,
        "xtask"
            | "fuzz"
            | "build-tools"
            | "hack"
            | "scripts"
            | "bench"
            | "benches"
            | "ci"
            // Code generators run by the build (navidrome's `plugins/cmd/gen`).
            | "gen"
            | "generate"
            | "generator"
            | "codegen"
    ) || dir.split('/').any(|d| d == "internal")
}

/// A Cargo program that only serves the build (a `build-tools/`, `xtask` or fuzz
/// crate): not a unit of its own.
fn unpublished_binary_is_tooling(facts: &Facts, dir: &str) -> bool {
    let last = dir.rsplit('/').next().unwrap_or(dir);
    matches!(
        last,
        "xtask" | "fuzz" | "build-tools" | "tools" | "scripts" | "bench" | "benches"
    ) || facts.role(&format!("{dir}/Cargo.toml")) != shipshape_facts::role::Role::Production
}

/// An app shipped to people's devices on its own: an Expo or React Native app
/// (`eas.json`, or an `app.json` with an `expo` key), a Tauri desktop app
/// (`src-tauri/tauri.conf.json`: hoppscotch's desktop app and agent).
fn is_client_app(facts: &Facts, dir: &str) -> bool {
    [
        "eas.json",
        "src-tauri/tauri.conf.json",
        "src-tauri/tauri.conf.json5",
        "tauri.conf.json",
        "tauri.conf.json5",
    ]
    .iter()
    .any(|f| facts.exists(&format!("{dir}/{f}")))
        || facts
            .text(&format!("{dir}/app.json"))
            .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
            .is_some_and(|v| v.get("expo").is_some())
}

/// `(directory, source, is a package)` for each .NET project that ships on its own.
fn dotnet_projects(facts: &Facts) -> Vec<(String, String, bool)> {
    let tag = |text: &str, name: &str| -> Option<String> {
        let open = format!("<{name}>");
        let at = text.find(&open)? + open.len();
        let end = text[at..].find('<')?;
        Some(text[at..at + end].trim().to_string())
    };
    let mut out = Vec::new();
    for f in &facts.files {
        let FileKind::Manifest(Ecosystem::Nuget) = f.kind else {
            continue;
        };
        if !(f.path.ends_with(".csproj") || f.path.ends_with(".fsproj")) || !f.role.is_production()
        {
            continue;
        }
        let Some(text) = facts.text(&f.path) else {
            continue;
        };
        let yes = |name: &str| tag(text, name).is_some_and(|v| v.eq_ignore_ascii_case("true"));
        let no = |name: &str| tag(text, name).is_some_and(|v| v.eq_ignore_ascii_case("false"));
        // Benchmarks (BenchmarkDotNet programs: Kavita's `API.Benchmark`) are not shipped.
        if yes("IsTestProject")
            || yes("IsAspireHost")
            || text.contains("\"BenchmarkDotNet\"")
            || text.contains("Aspire.AppHost.Sdk")
            || text.contains("\"Microsoft.NET.Test.Sdk\"")
        {
            continue;
        }
        let package = (tag(text, "PackageId").is_some() || yes("IsPackable")) && !no("IsPackable");
        let app = text.contains("Sdk=\"Microsoft.NET.Sdk.Web\"")
            || text.contains("Sdk=\"Microsoft.NET.Sdk.Worker\"")
            || tag(text, "OutputType")
                .is_some_and(|t| t.eq_ignore_ascii_case("exe") || t.eq_ignore_ascii_case("winexe"));
        let dir = dir_of(&f.path).to_string();
        if package {
            out.push((dir, format!("{} (NuGet package)", f.path), !app));
        } else if app {
            out.push((dir, format!("{} (application)", f.path), false));
        }
    }
    out
}

/// The directories of `use` directives in a `go.work` file.
fn go_work_uses(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_block = false;
    for line in text.lines() {
        let line = line.split("//").next().unwrap_or("").trim();
        if in_block {
            if line.starts_with(')') {
                in_block = false;
            } else if !line.is_empty() {
                out.push(line.trim_matches('"').to_string());
            }
        } else if let Some(rest) = line.strip_prefix("use") {
            let rest = rest.trim();
            if rest.starts_with('(') {
                in_block = true;
            } else if !rest.is_empty() {
                out.push(rest.trim_matches('"').to_string());
            }
        }
    }
    out.into_iter()
        .map(|d| d.trim_start_matches("./").trim_end_matches('/').to_string())
        .filter(|d| !d.is_empty() && d != ".")
        .collect()
}

/// Directory names that say where code sits, not what it is.
const GENERIC_DIRS: &[&str] = &[
    "src", "source", "app", "code", "service", "server", "cmd", "main",
];

/// A unit's name from its directory: the last component that is not a generic
/// `src`/`app`/... (`src/cart/src` is `cart`), else the last component.
fn dir_name(path: &str) -> &str {
    let last = path.rsplit('/').next().unwrap_or(path);
    path.rsplit('/')
        .find(|c| !c.is_empty() && !GENERIC_DIRS.contains(&c.to_ascii_lowercase().as_str()))
        .unwrap_or(last)
}

/// Unique names: the catalog name or the directory's name ([`dir_name`]), and
/// the full path where two would collide.
pub fn unique_names(candidates: &[Candidate]) -> Vec<String> {
    let base: Vec<String> = candidates
        .iter()
        .map(|c| {
            c.name
                .clone()
                .unwrap_or_else(|| dir_name(&c.path).to_string())
        })
        .collect();
    base.iter()
        .zip(candidates)
        .map(|(b, c)| {
            if base.iter().filter(|x| *x == b).count() > 1 {
                c.path.clone()
            } else {
                b.clone()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CATALOG: &str = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments-api\nspec:\n  type: service\n  owner: team-payments\n  lifecycle: production\n";

    #[test]
    fn finds_service_library_and_chart() {
        let f = Facts::from_memory(&[
            ("services/api/catalog-info.yaml", CATALOG),
            ("services/api/Dockerfile", "FROM python:3.12\n"),
            ("services/api/app.py", "print(1)\n"),
            (
                "services/api/chart/Chart.yaml",
                "apiVersion: v2\nname: api\nversion: 1.0.0\n",
            ),
            ("libs/common/pyproject.toml", "[project]\nname = 'common'\n"),
            (
                "libs/common/catalog-info.yaml",
                "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: common\nspec:\n  type: library\n  owner: team-core\n",
            ),
            (
                "deploy/charts/ingress/Chart.yaml",
                "apiVersion: v2\nname: ingress\nversion: 1.0.0\n",
            ),
            ("Dockerfile", "FROM scratch\n"),
        ]);
        let c = discover(&f);
        let got: Vec<(&str, Option<UnitKind>)> =
            c.iter().map(|c| (c.path.as_str(), c.kind)).collect();
        assert_eq!(
            got,
            [
                ("deploy/charts/ingress", Some(UnitKind::Infrastructure)),
                ("libs/common", Some(UnitKind::Library)),
                ("services/api", Some(UnitKind::Service)),
            ]
        );
        let api = &c[2];
        assert_eq!(api.name.as_deref(), Some("payments-api"));
        assert_eq!(api.owner.as_deref(), Some("team-payments"));
        assert_eq!(
            api.sources,
            ["services/api/catalog-info.yaml", "services/api/Dockerfile"]
        );
        assert_eq!(unique_names(&c), ["ingress", "common", "payments-api"]);
    }

    /// Flagsmith/flagsmith (held-out, 2026-12-07): the API (`api/`, Django) and the
    /// dashboard (`frontend/`) are built as separate targets of the root Dockerfile, so
    /// neither had a Dockerfile beside it; with `mcp/` the only candidate, the repository
    /// was one unit (kinds 0 of 4). A target taking one application directory makes it a
    /// unit; a unified target or a root product's image does not split anything.
    #[test]
    fn an_application_a_root_dockerfile_target_builds_alone_is_a_unit() {
        let dockerfile = "FROM node:22 AS build-node\nCOPY frontend/package.json ./frontend/\nCOPY frontend /build/frontend\n\
            FROM python:3.13 AS api-runtime\nCOPY api /app/\n\
            FROM api-runtime AS oss-api\nUSER nobody\n\
            FROM nginx AS oss-frontend\nCOPY --from=build-node /build/frontend /srv\n\
            FROM api-runtime AS oss-unified\nCOPY --from=build-node /build/frontend /srv\n";
        let files = [
            ("Dockerfile", dockerfile),
            (
                "api/pyproject.toml",
                "[project]\nname = \"api\"\nversion = \"1\"\n",
            ),
            ("api/app/main.py", "print(1)\n"),
            (
                "frontend/package.json",
                "{\"name\": \"frontend\", \"private\": true}\n",
            ),
            ("frontend/web/index.js", "console.log(1)\n"),
            ("mcp/Dockerfile", "FROM python:3.13\nCOPY . /app\n"),
            (
                "mcp/pyproject.toml",
                "[project]\nname = \"mcp\"\nversion = \"1\"\n",
            ),
            ("mcp/src/server.py", "print(1)\n"),
        ];
        let found: Vec<String> = discover(&Facts::from_memory(&files))
            .into_iter()
            .map(|u| u.path)
            .collect();
        assert_eq!(found, vec!["api", "frontend", "mcp"]);

        // Only a unified image: one product (the UI is built into it).
        let unified = "FROM node:22 AS ui\nCOPY web /web\nFROM python:3.13\nCOPY server /srv\nCOPY --from=ui /web/dist /srv/static\n";
        let f = Facts::from_memory(&[
            ("Dockerfile", unified),
            (
                "server/pyproject.toml",
                "[project]\nname = \"s\"\nversion = \"1\"\n",
            ),
            ("server/main.py", "print(1)\n"),
            ("web/package.json", "{\"name\": \"web\"}\n"),
            ("web/src/index.js", "console.log(1)\n"),
        ]);
        assert!(discover(&f).is_empty());

        // A root product's image copying its UI in (navidrome's `ui/`) splits nothing.
        let f = Facts::from_memory(&[
            (
                "Dockerfile",
                "FROM node:22 AS ui\nCOPY ui /ui\nFROM golang:1.23\nCOPY . /src\nCOPY --from=ui /ui/build /src/ui/build\n",
            ),
            ("go.mod", "module example.com/app\n\ngo 1.23\n"),
            ("main.go", "package main\n"),
            ("ui/package.json", "{\"name\": \"ui\"}\n"),
            ("ui/src/index.js", "console.log(1)\n"),
        ]);
        assert!(discover(&f).is_empty());
    }

    #[test]
    fn one_candidate_or_a_root_dockerfile_keeps_one_unit() {
        let f = Facts::from_memory(&[
            ("Dockerfile", "FROM scratch\n"),
            ("main.go", "package main\n"),
            (
                "charts/app/Chart.yaml",
                "apiVersion: v2\nname: app\nversion: 1.0.0\n",
            ),
        ]);
        assert!(discover(&f).is_empty());
        // A Dockerfile with no application beside it is not a unit.
        let f = Facts::from_memory(&[
            ("docker/a/Dockerfile", "FROM scratch\n"),
            ("docker/b/Dockerfile", "FROM scratch\n"),
        ]);
        assert!(discover(&f).is_empty());
        // Nor is a browser-test image beside an application (full-stack-fastapi-template's
        // frontend/Dockerfile.playwright made its SPA a "service").
        let f = Facts::from_memory(&[
            (
                "frontend/Dockerfile.playwright",
                "FROM mcr.microsoft.com/playwright:v1\n",
            ),
            ("frontend/src/main.ts", "console.log(1)\n"),
            ("api/Dockerfile", "FROM python:3.12\n"),
            ("api/main.py", "print(1)\n"),
            ("worker/Dockerfile", "FROM python:3.12\n"),
            ("worker/main.py", "print(1)\n"),
        ]);
        let found: Vec<String> = discover(&f).into_iter().map(|u| u.path).collect();
        assert_eq!(found, vec!["api".to_string(), "worker".to_string()]);
    }

    /// jellyfin/jellyfin: a .NET solution with no Dockerfile was one root unit; its
    /// NuGet packages (`PackageId`) are libraries and its Web-SDK server an application,
    /// while class libraries linked into the server, test projects, fuzz harnesses and
    /// an Aspire AppHost are not units.
    #[test]
    fn dotnet_packages_and_applications_are_units() {
        let f = Facts::from_memory(&[
            ("Jellyfin.sln", "\n"),
            (
                "Jellyfin.Server/Jellyfin.Server.csproj",
                "<Project Sdk=\"Microsoft.NET.Sdk.Web\">\n  <PropertyGroup><OutputType>Exe</OutputType></PropertyGroup>\n  <ItemGroup><ProjectReference Include=\"..\\Jellyfin.Api\\Jellyfin.Api.csproj\" /></ItemGroup>\n</Project>\n",
            ),
            ("Jellyfin.Server/Program.cs", "class Program {}\n"),
            (
                "Jellyfin.Api/Jellyfin.Api.csproj",
                "<Project Sdk=\"Microsoft.NET.Sdk\" />\n",
            ),
            (
                "MediaBrowser.Common/MediaBrowser.Common.csproj",
                "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup><PackageId>Jellyfin.Common</PackageId></PropertyGroup>\n</Project>\n",
            ),
            (
                "src/Analyzers/Analyzers.csproj",
                "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup><PackageId>X</PackageId><IsPackable>false</IsPackable></PropertyGroup>\n</Project>\n",
            ),
            (
                "fuzz/Api.Fuzz/Api.Fuzz.csproj",
                "<Project Sdk=\"Microsoft.NET.Sdk.Web\"><PropertyGroup><OutputType>Exe</OutputType></PropertyGroup></Project>\n",
            ),
            (
                "src/AppHost/AppHost.csproj",
                "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <Sdk Name=\"Aspire.AppHost.Sdk\" Version=\"9.0.0\" />\n  <PropertyGroup><OutputType>Exe</OutputType></PropertyGroup>\n</Project>\n",
            ),
            // Kavita's `API.Benchmark` took the root product's place.
            (
                "API.Benchmark/API.Benchmark.csproj",
                "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup><OutputType>Exe</OutputType></PropertyGroup>\n  <ItemGroup><PackageReference Include=\"BenchmarkDotNet\" Version=\"0.14.0\" /></ItemGroup>\n</Project>\n",
            ),
            (
                "tests/Api.Tests/Api.Tests.csproj",
                "<Project Sdk=\"Microsoft.NET.Sdk\"><ItemGroup><PackageReference Include=\"Microsoft.NET.Test.Sdk\" /></ItemGroup></Project>\n",
            ),
        ]);
        let got: Vec<(String, Option<UnitKind>)> =
            discover(&f).into_iter().map(|c| (c.path, c.kind)).collect();
        assert_eq!(
            got,
            vec![
                ("Jellyfin.Server".to_string(), None),
                ("MediaBrowser.Common".to_string(), Some(UnitKind::Library)),
            ]
        );
    }

    /// linkwarden/linkwarden: private workspace packages with no image of their own are
    /// the product's internal modules (they were eight units); the root image built from
    /// the whole repository makes the root the product; an Expo app ships on its own.
    #[test]
    fn private_workspace_packages_fold_into_the_root_product() {
        let f = Facts::from_memory(&[
            (
                "package.json",
                "{\"name\": \"linkwarden\", \"private\": true, \"workspaces\": [\"apps/*\", \"packages/*\"]}\n",
            ),
            (
                "Dockerfile",
                "FROM node:22 AS build\nCOPY . .\nRUN yarn build\nFROM node:22\nCOPY --from=build /data/apps/web ./apps/web\nCMD [\"node\"]\n",
            ),
            (
                "apps/web/package.json",
                "{\"name\": \"@linkwarden/web\", \"private\": true}\n",
            ),
            ("apps/web/index.ts", "export {}\n"),
            (
                "apps/worker/package.json",
                "{\"name\": \"@linkwarden/worker\", \"private\": true}\n",
            ),
            ("apps/worker/worker.ts", "export {}\n"),
            (
                "apps/mobile/package.json",
                "{\"name\": \"mobile\", \"private\": true}\n",
            ),
            ("apps/mobile/eas.json", "{}\n"),
            // hoppscotch's desktop app: a Tauri app, shipped on its own.
            (
                "apps/desktop/package.json",
                "{\"name\": \"desktop\", \"private\": true}\n",
            ),
            ("apps/desktop/src-tauri/tauri.conf.json", "{}\n"),
            (
                "packages/lib/package.json",
                "{\"name\": \"@linkwarden/lib\", \"private\": true}\n",
            ),
            (
                "packages/sdk/package.json",
                "{\"name\": \"@linkwarden/sdk\"}\n",
            ),
        ]);
        let got: Vec<(String, Option<UnitKind>)> =
            discover(&f).into_iter().map(|c| (c.path, c.kind)).collect();
        assert_eq!(
            got,
            vec![
                (".".to_string(), None),
                ("apps/desktop".to_string(), Some(UnitKind::Cli)),
                ("apps/mobile".to_string(), Some(UnitKind::Cli)),
                ("packages/sdk".to_string(), None),
            ]
        );
    }

    /// navidrome/navidrome: the plugin kits (a Go module and a Rust crate outside any
    /// workspace) were no units. A module the root `replace`s into itself, a crate
    /// another crate links by path, a program, a tools module and examples are not units.
    #[test]
    fn library_modules_of_their_own_are_units() {
        let f = Facts::from_memory(&[
            (
                "go.mod",
                "module example.com/nd\n\nreplace example.com/nd/pkg/push => ./pkg/push\n",
            ),
            ("main.go", "package main\n\nfunc main() {}\n"),
            (
                "plugins/pdk/go/go.mod",
                "module example.com/nd/plugins/pdk/go\n",
            ),
            ("plugins/pdk/go/pdk.go", "package pdk\n"),
            ("pkg/push/go.mod", "module example.com/nd/pkg/push\n"),
            ("pkg/push/push.go", "package push\n"),
            (
                "plugins/cmd/gen/go.mod",
                "module example.com/nd/plugins/cmd/gen\n",
            ),
            ("plugins/cmd/gen/main.go", "package main\n"),
            ("internal/tools/go.mod", "module tools\n"),
            (
                "internal/tools/tools.go",
                "//go:build tools\npackage tools\n",
            ),
            (
                "plugins/examples/minimal/go.mod",
                "module minimal\nreplace example.com/nd/plugins/pdk/go => ../../pdk/go\n",
            ),
            ("plugins/examples/minimal/main.go", "package main\n"),
            (
                "plugins/pdk/rust/nd-pdk/Cargo.toml",
                "[package]\nname = \"nd-pdk\"\n[dependencies]\nnd-pdk-types = { path = \"../nd-pdk-types\" }\n",
            ),
            ("plugins/pdk/rust/nd-pdk/src/lib.rs", "\n"),
            (
                "plugins/pdk/rust/nd-pdk-types/Cargo.toml",
                "[package]\nname = \"nd-pdk-types\"\n",
            ),
            ("plugins/pdk/rust/nd-pdk-types/src/lib.rs", "\n"),
        ]);
        let got: Vec<(String, Option<UnitKind>)> =
            discover(&f).into_iter().map(|c| (c.path, c.kind)).collect();
        assert_eq!(
            got,
            vec![
                (".".to_string(), None),
                ("plugins/pdk/go".to_string(), Some(UnitKind::Library)),
                (
                    "plugins/pdk/rust/nd-pdk".to_string(),
                    Some(UnitKind::Library)
                ),
            ]
        );
    }

    #[test]
    fn workspace_members_of_each_ecosystem() {
        let f = Facts::from_memory(&[
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"crates/*\"]\nexclude = [\"crates/old\"]\n",
            ),
            ("crates/a/Cargo.toml", "[package]\nname = 'a'\n"),
            ("crates/b/Cargo.toml", "[package]\nname = 'b'\n"),
            ("crates/old/Cargo.toml", "[package]\nname = 'old'\n"),
        ]);
        let paths: Vec<String> = discover(&f).into_iter().map(|c| c.path).collect();
        assert_eq!(paths, ["crates/a", "crates/b"]);
        let f = Facts::from_memory(&[
            (
                "package.json",
                "{\"private\": true, \"workspaces\": {\"packages\": [\"packages/*\"]}}",
            ),
            ("packages/web/package.json", "{\"name\": \"web\"}"),
            ("packages/ui/package.json", "{\"name\": \"ui\"}"),
        ]);
        assert_eq!(discover(&f).len(), 2);
        let f = Facts::from_memory(&[
            (
                "pnpm-workspace.yaml",
                "packages:\n  - 'apps/*'\n  - '!apps/legacy'\n",
            ),
            ("apps/a/package.json", "{}"),
            ("apps/b/package.json", "{}"),
            ("apps/legacy/package.json", "{}"),
        ]);
        assert_eq!(discover(&f).len(), 2);
        assert_eq!(
            go_work_uses("go 1.22\n\nuse (\n\t./api // the API\n\t./worker\n)\nuse ./tools\n"),
            ["api", "worker", "tools"]
        );
    }

    /// The root product was lost whenever discovery found other candidates: BurntSushi/ripgrep
    /// (root `[package]` beside `crates/*` members) got ten library units and no CLI;
    /// louislam/uptime-kuma (root package.json app) got units for `test/` (a test
    /// image) and a helper, not the app; grafana/loki (root Go module) got a unit per
    /// `cmd/*/Dockerfile` and none for the module. Examples (excalidraw's
    /// `examples/with-nextjs`) were services.
    /// spring-petclinic/spring-petclinic-microservices: a Maven aggregator whose eight
    /// Spring Boot modules take their plugin from the parent's profile; each module's
    /// `@SpringBootApplication` makes it an application. Before, the repository was one
    /// unit at the root and every service's verdicts were lost.
    #[test]
    fn maven_modules_with_an_entry_point_are_units_and_the_aggregator_is_not() {
        let c = discover(&Facts::from_memory(&[
            (
                "pom.xml",
                "<project><packaging>pom</packaging><modules>\n<module>vets-service</module>\n<module>customers-service</module>\n<!-- <module>old</module> -->\n<module>shared</module>\n</modules></project>",
            ),
            (
                "vets-service/pom.xml",
                "<project><packaging>jar</packaging></project>",
            ),
            (
                "vets-service/src/main/java/p/VetsApplication.java",
                "@SpringBootApplication\npublic class VetsApplication {}\n",
            ),
            ("customers-service/pom.xml", "<project></project>"),
            (
                "customers-service/src/main/java/p/Main.java",
                "class Main {\n    public static void main(String[] args) {}\n}\n",
            ),
            (
                "old/pom.xml",
                "<project><build><plugins><plugin><artifactId>spring-boot-maven-plugin</artifactId></plugin></plugins></build></project>",
            ),
            ("shared/pom.xml", "<project></project>"),
            ("shared/src/main/java/p/Util.java", "class Util {}\n"),
        ]));
        let paths: Vec<&str> = c.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, ["customers-service", "vets-service"]);
    }

    /// signalapp/Signal-Server's `api-doc` module declares the Jib plugin only to skip it.
    #[test]
    fn a_skipped_application_plugin_is_no_entry_point() {
        let app = |pom: &str| read_pom(pom).unwrap().application;
        assert!(!app(
            "<plugins><plugin><artifactId>jib-maven-plugin</artifactId><configuration><skip>true</skip></configuration></plugin></plugins>"
        ));
        assert!(app(
            "<plugins><plugin><artifactId>jib-maven-plugin</artifactId></plugin></plugins>"
        ));
        assert!(app("<project><packaging>war</packaging></project>"));
        assert!(read_pom("<project><modules>").is_none());
    }

    /// kestra-io/kestra: a Gradle root that is the product (the `application` plugin,
    /// its main class in `cli/`), subprojects published by the root's `subprojects {}`
    /// unless switched off, and `webserver` (its own `main` for development) linked into
    /// the root through `cli`.
    #[test]
    fn gradle_published_subprojects_are_library_units_and_linked_ones_belong_to_the_root() {
        let facts = Facts::from_memory(&[
            (
                "settings.gradle",
                "rootProject.name='k'\ninclude 'cli'\ninclude 'core'\ninclude(\"webserver\")\n// include 'gone'\ninclude ':jdbc:postgres'\n",
            ),
            (
                "build.gradle",
                "plugins {\n    id \"application\"\n}\nfinal mainClassName = \"io.k.cli.App\"\napplication {\n    mainClass = mainClassName\n}\ndependencies {\n    implementation project(\":cli\")\n}\nsubprojects {\n    apply plugin: \"maven-publish\"\n}\n",
            ),
            (
                "cli/build.gradle",
                "dependencies {\n  implementation project(':webserver')\n}\n",
            ),
            (
                "cli/src/main/java/io/k/cli/App.java",
                "public static void main(String[] a) {}\n",
            ),
            ("core/build.gradle", "dependencies {}\n"),
            ("core/src/main/java/io/k/core/X.java", "class X {}\n"),
            (
                "webserver/build.gradle",
                "publishSonatypePublicationPublicationToSonatypeRepository.enabled = false\n",
            ),
            (
                "webserver/src/main/java/io/k/web/Application.java",
                "public static void main(String[] args) {}\n",
            ),
            (
                "jdbc/postgres/build.gradle",
                "publishMavenPublicationToX.enabled = false\n",
            ),
            ("jdbc/postgres/src/main/java/P.java", "class P {}\n"),
            ("ui/src/App.vue", "<template/>\n"),
            ("src/main/java/io/k/Root.java", "class Root {}\n"),
        ]);
        let c = discover(&facts);
        let got: Vec<(&str, Option<UnitKind>)> =
            c.iter().map(|c| (c.path.as_str(), c.kind)).collect();
        assert_eq!(got, [(".", None), ("core", Some(UnitKind::Library))]);
        assert_eq!(
            gradle_includes(
                "include 'a', ':b:c'\ninclude(\"d\")\nproject(':d').projectDir = file('libs/d')\n"
            ),
            ["a", "b/c", "libs/d"]
        );
    }

    /// documenso (#13): `apps/openpage-api`, a private Next.js app that starts by itself,
    /// is a unit; `packages/*` at version 0.0.0 (published nowhere) are internal modules
    /// of the app that links them, not units.
    #[test]
    fn monorepo_apps_are_units_and_unreleased_packages_are_not() {
        let facts = Facts::from_memory(&[
            (
                "package.json",
                r#"{"private":true,"workspaces":["apps/*","packages/*"],"scripts":{"start":"turbo run start"}}"#,
            ),
            (
                "apps/remix/package.json",
                r#"{"name":"@documenso/remix","private":true,"version":"2.17.0","scripts":{"start":"node build/server"}}"#,
            ),
            ("apps/remix/server/main.ts", "export {};\n"),
            ("apps/remix/Dockerfile", "FROM node:22\nCOPY . .\n"),
            (
                "apps/openpage-api/package.json",
                r#"{"name":"@documenso/openpage-api","private":true,"version":"1.0.0","scripts":{"start":"next start"},"dependencies":{"next":"15"}}"#,
            ),
            ("apps/openpage-api/app/route.ts", "export {};\n"),
            (
                "packages/auth/package.json",
                r#"{"name":"@documenso/auth","version":"0.0.0","dependencies":{"hono":"4"}}"#,
            ),
            ("packages/auth/server/index.ts", "export {};\n"),
        ]);
        let got: Vec<String> = discover(&facts).into_iter().map(|c| c.path).collect();
        assert_eq!(got, ["apps/openpage-api", "apps/remix"]);
    }

    /// rustdesk/rustdesk-server: `docker/Dockerfile` takes only `docker/rootfs`, into
    /// which its CI job first downloads the root crate's binaries: the root product's
    /// image, not an infrastructure unit of its own. bitwarden/server's `util/Nginx`
    /// (configuration only, nothing downloaded) stays one.
    #[test]
    fn an_image_of_downloaded_build_output_is_the_root_products() {
        let wf = |download: bool| {
            let dl = if download {
                "      - uses: actions/download-artifact@v4\n        with:\n          name: bins\n          path: docker/rootfs/usr/bin\n"
            } else {
                ""
            };
            format!(
                "on: push\njobs:\n  docker:\n    steps:\n      - uses: actions/checkout@v4\n{dl}      - uses: docker/build-push-action@v5\n        with:\n          context: ./docker\n          push: true\n"
            )
        };
        let paths = |download: bool| -> Vec<String> {
            let w = wf(download);
            let f = Facts::from_memory(&[
                ("Cargo.toml", "[package]\nname = \"hbbs\"\n"),
                ("Cargo.lock", "version = 3\n"),
                ("src/main.rs", "fn main() {}\n"),
                (
                    "docker/Dockerfile",
                    "FROM busybox:stable\nCOPY rootfs /\nENTRYPOINT [\"/init\"]\n",
                ),
                ("docker/rootfs/etc/s6/run", "#!/bin/sh\nexec hbbs\n"),
                (".github/workflows/build.yaml", w.as_str()),
            ]);
            discover(&f).into_iter().map(|u| u.path).collect()
        };
        assert!(
            !paths(true).contains(&"docker".to_string()),
            "{:?}",
            paths(true)
        );
        assert!(
            paths(false).contains(&"docker".to_string()),
            "{:?}",
            paths(false)
        );
    }

    /// rustdesk/rustdesk-server: `ui/` (a Tauri tray app with its own Cargo.lock) is
    /// excluded from the root workspace and built on its own; it was no unit. An
    /// excluded crate without a lockfile of its own stays part of the root.
    #[test]
    fn an_excluded_crate_with_its_own_lockfile_is_a_unit() {
        let files = [
            (
                "Cargo.toml",
                "[package]\nname = \"rustdesk-server\"\n[workspace]\nmembers = [\"libs/hbb_common\"]\nexclude = [\"ui\", \"fuzz\"]\n",
            ),
            ("Cargo.lock", "version = 3\n"),
            ("src/main.rs", "fn main() {}\n"),
            ("ui/Cargo.toml", "[package]\nname = \"rustdesk_server\"\n"),
            ("ui/Cargo.lock", "version = 3\n"),
            ("ui/src/main.rs", "fn main() {}\n"),
            ("ui/tauri.conf.json", "{}\n"),
            ("other/Cargo.toml", "[package]\nname = \"other\"\n"),
            ("other/src/main.rs", "fn main() {}\n"),
        ];
        let units = discover(&Facts::from_memory(&files));
        let paths: Vec<&str> = units.iter().map(|u| u.path.as_str()).collect();
        assert!(paths.contains(&"ui"), "{paths:?}");
        assert!(!paths.contains(&"other"), "{paths:?}");
    }

    /// livebook (#13): a `mix.exs` root with code of its own is the product beside an
    /// app of its own (`iframe/`), and a Cargo program no workspace builds
    /// (`rel/app/src-tauri`, a Tauri desktop app) is a unit run by people.
    #[test]
    fn elixir_roots_and_standalone_cargo_programs() {
        let facts = Facts::from_memory(&[
            ("mix.exs", "defmodule Livebook.MixProject do\nend\n"),
            ("lib/livebook.ex", "defmodule Livebook do\nend\n"),
            (
                "iframe/mix.exs",
                "defmodule LivebookSpace.MixProject do\nend\n",
            ),
            ("iframe/lib/space.ex", "defmodule Space do\nend\n"),
            ("iframe/Dockerfile", "FROM elixir:1.18\nCOPY . .\n"),
            (
                "rel/app/src-tauri/Cargo.toml",
                "[package]\nname = \"livebook-app\"\n",
            ),
            ("rel/app/src-tauri/src/main.rs", "fn main() {}\n"),
            ("rel/app/src-tauri/tauri.conf.json", "{}\n"),
            ("tools/xtask/Cargo.toml", "[package]\nname = \"xtask\"\n"),
            ("tools/xtask/src/main.rs", "fn main() {}\n"),
        ]);
        let c = discover(&facts);
        let got: Vec<(&str, Option<UnitKind>)> =
            c.iter().map(|c| (c.path.as_str(), c.kind)).collect();
        assert_eq!(
            got,
            [
                (".", None),
                ("iframe", None),
                ("rel/app/src-tauri", Some(UnitKind::Cli))
            ]
        );
    }

    #[test]
    fn the_root_product_is_never_lost_and_test_or_example_dirs_are_not_units() {
        let paths = |files: &[(&str, &str)]| -> Vec<String> {
            discover(&Facts::from_memory(files))
                .into_iter()
                .map(|c| c.path)
                .collect()
        };
        // ripgrep: a Cargo workspace whose root is a package.
        assert_eq!(
            paths(&[
                (
                    "Cargo.toml",
                    "[package]\nname = 'ripgrep'\n[workspace]\nmembers = ['crates/*']\n"
                ),
                ("crates/cli/Cargo.toml", "[package]\nname = 'grep-cli'\n"),
                (
                    "crates/regex/Cargo.toml",
                    "[package]\nname = 'grep-regex'\n"
                ),
                ("crates/core/main.rs", "fn main() {}\n"),
            ]),
            [".", "crates/cli", "crates/regex"]
        );
        // A workspace shell (no package of its own) is not a unit.
        assert_eq!(
            paths(&[
                ("Cargo.toml", "[workspace]\nmembers = ['crates/*']\n"),
                ("crates/a/Cargo.toml", "[package]\nname = 'a'\n"),
                ("crates/b/Cargo.toml", "[package]\nname = 'b'\n"),
            ]),
            ["crates/a", "crates/b"]
        );
        // uptime-kuma: the root app, a helper with its own manifest; test/ is no unit.
        assert_eq!(
            paths(&[
                (
                    "package.json",
                    "{\"name\": \"uptime-kuma\", \"main\": \"server/server.js\"}"
                ),
                ("server/server.js", "require('express')\n"),
                (
                    "test/test-radius.dockerfile",
                    "FROM freeradius/freeradius-server\n"
                ),
                ("test/radius.js", "x\n"),
                ("extra/push/Dockerfile", "FROM golang:1.22\n"),
                ("extra/push/go.mod", "module push\n"),
                ("extra/push/main.go", "package main\n"),
            ]),
            [".", "extra/push"]
        );
        // loki: images of the root module in cmd/ are the root product, a nested module
        // with its own go.mod and a chart stay units.
        assert_eq!(
            paths(&[
                ("go.mod", "module github.com/grafana/loki/v3\n"),
                ("pkg/ingester/ingester.go", "package ingester\n"),
                ("cmd/loki/Dockerfile", "FROM golang:1.24\n"),
                ("cmd/loki/main.go", "package main\n"),
                ("cmd/logcli/Dockerfile", "FROM golang:1.24\n"),
                ("cmd/logcli/main.go", "package main\n"),
                ("operator/Dockerfile", "FROM golang:1.24\n"),
                (
                    "operator/go.mod",
                    "module github.com/grafana/loki/operator\n"
                ),
                ("operator/main.go", "package main\n"),
                (
                    "production/helm/loki/Chart.yaml",
                    "apiVersion: v2\nname: loki\nversion: 6.0.0\n"
                ),
            ]),
            [".", "operator", "production/helm/loki"]
        );
        // Examples are never units.
        assert_eq!(
            paths(&[
                (
                    "package.json",
                    "{\"private\": true, \"workspaces\": [\"packages/*\", \"examples/*\"]}"
                ),
                ("packages/a/package.json", "{\"name\": \"a\"}"),
                ("packages/b/package.json", "{\"name\": \"b\"}"),
                ("examples/with-nextjs/package.json", "{\"name\": \"ex\"}"),
                ("examples/with-nextjs/Dockerfile", "FROM node:22\n"),
            ]),
            ["packages/a", "packages/b"]
        );
    }

    /// Regression (vaultwarden, #13): `docker/` (Dockerfiles whose build stage copies the
    /// whole repository and compiles the root crate, and whose final stage adds
    /// `docker/healthcheck.sh`) was an infrastructure unit that took the product's images
    /// away from it; bitwarden/server's `util/Attachments` copies the whole repository
    /// too, but with no product at the root it is an image of its own.
    #[test]
    fn an_image_that_builds_the_root_product_is_the_root_products() {
        let wf = "on: push\njobs:\n  b:\n    steps:\n      - run: docker build -f docker/Dockerfile.debian .\n";
        let dockerfile = "FROM rust:1.90 AS build\nCOPY . .\nRUN cargo build --release\nFROM debian:trixie-slim\nCOPY docker/healthcheck.sh /\nCOPY --from=build /app/target/release/vw /\n";
        let mut files = vec![
            (".github/workflows/b.yml", wf),
            ("docker/Dockerfile.debian", dockerfile),
            ("docker/healthcheck.sh", "curl -f http://localhost/alive\n"),
            ("docker/docker-bake.hcl", "target \"debian\" {}\n"),
            ("src/main.rs", "fn main() {}\n"),
            ("macros/Cargo.toml", "[package]\nname = \"macros\"\n"),
            ("macros/src/lib.rs", "pub fn m() {}\n"),
        ];
        let root = (
            "Cargo.toml",
            "[package]\nname = \"vw\"\n[workspace]\nmembers = [\"macros\"]\n",
        );
        let dirs = |files: &[(&str, &str)]| -> Vec<String> {
            discover(&Facts::from_memory(files))
                .into_iter()
                .map(|c| c.path)
                .collect()
        };
        files.push(root);
        assert!(
            !dirs(&files).contains(&"docker".to_string()),
            "{:?}",
            dirs(&files)
        );
        files.pop();
        assert!(
            dirs(&files).contains(&"docker".to_string()),
            "{:?}",
            dirs(&files)
        );
    }

    /// Regression (bitwarden/server): `util/Nginx` (a Dockerfile with its configuration,
    /// no code) is an image of its own that the release matrix builds and pushes, so it is
    /// a unit; mealie's `docker/Dockerfile`, built from the root and copying the root
    /// product's code, is the root product's image, not a unit.
    #[test]
    fn ci_built_images_of_their_own_are_units() {
        let wf = concat!(
            "on: push\njobs:\n  build:\n    strategy:\n      matrix:\n        include:\n",
            "          - name: Nginx\n          - name: Api\n",
            "    steps:\n      - uses: docker/build-push-action@v6\n        with:\n",
            "          file: ./util/${{ matrix.name }}/Dockerfile\n",
            "      - run: docker build -f docker/Dockerfile .\n",
            "      - run: docker build -f scripts/Dockerfile .\n",
        );
        let facts = Facts::from_memory(&[
            (".github/workflows/build.yml", wf),
            (
                "util/Nginx/Dockerfile",
                "FROM nginx:1.27\nCOPY util/Nginx/nginx.conf /etc/nginx/\nCOPY --from=x /a /b\n",
            ),
            ("util/Nginx/nginx.conf", "events {}\n"),
            (
                "util/Api/Dockerfile",
                "FROM mcr.microsoft.com/dotnet/aspnet:8.0\nCOPY . /app\n",
            ),
            (
                "util/Api/Api.csproj",
                "<Project Sdk=\"Microsoft.NET.Sdk.Web\"></Project>\n",
            ),
            (
                "util/Api/Program.cs",
                "var app = WebApplication.Create();\n",
            ),
            (
                "util/Unbuilt/Dockerfile",
                "FROM nginx:1.27\nCOPY util/Unbuilt/a.conf /etc/nginx/\n",
            ),
            (
                "docker/Dockerfile",
                "FROM python:3.12\nCOPY ./app /app\nCOPY ./docker/entry.sh /\n",
            ),
            ("docker/entry.sh", "exec app\n"),
            // usememos/memos (#13): the final stage copies only from a build stage (which
            // copies the whole repository); nothing of its own.
            (
                "scripts/Dockerfile",
                "FROM golang:1.25 AS backend\nCOPY . .\nFROM alpine:3.22\nCOPY --from=backend /b/memos /usr/local/memos\n",
            ),
            ("scripts/entrypoint.sh", "exec memos\n"),
        ]);
        let dirs: Vec<String> = discover(&facts).into_iter().map(|c| c.path).collect();
        assert_eq!(dirs, ["util/Api", "util/Nginx"]);
    }

    /// Regression (teslamate): its `grafana/` image (grafana/grafana with TeslaMate's
    /// datasource and dashboards) is built and pushed inside a local composite action,
    /// which was not read, so the unit was lost; found, it is infrastructure: one stage
    /// configuring someone else's software. An image that compiles something stays an
    /// application.
    #[test]
    fn images_built_in_composite_actions_are_units_and_configured_ones_infrastructure() {
        let wf = "on: push\njobs:\n  images:\n    runs-on: x\n    steps:\n      - uses: ./.github/actions/grafana\n      - uses: ./.github/actions/worker\n";
        let action = |ctx: &str| {
            format!(
                "runs:\n  using: composite\n  steps:\n    - uses: docker/build-push-action@v6\n      with:\n        context: {ctx}\n        push: true\n"
            )
        };
        let (grafana, worker) = (action("grafana"), action("worker"));
        let facts = Facts::from_memory(&[
            ("mix.exs", "defmodule T.MixProject do\nend\n"),
            ("lib/t.ex", "defmodule T do\nend\n"),
            (".github/workflows/images.yml", wf),
            (".github/actions/grafana/action.yml", &grafana),
            (".github/actions/worker/action.yml", &worker),
            (
                "grafana/Dockerfile",
                "FROM grafana/grafana:12.1.0\nCOPY datasource.yml /etc/grafana/provisioning/datasources/\nCOPY dashboards /dashboards\n",
            ),
            ("grafana/datasource.yml", "apiVersion: 1\n"),
            ("grafana/dashboards.sh", "#!/bin/sh\n"),
            (
                "worker/Dockerfile",
                "FROM golang:1.25 AS build\nCOPY main.go .\nRUN go build -o /w\nFROM alpine:3.22\nCOPY --from=build /w /w\nCOPY run.sh /\n",
            ),
            ("worker/run.sh", "exec /w\n"),
        ]);
        let units: Vec<(String, Option<UnitKind>)> = discover(&facts)
            .into_iter()
            .map(|c| (c.path, c.kind))
            .collect();
        assert_eq!(
            units,
            [
                (".".to_string(), None),
                ("grafana".to_string(), Some(UnitKind::Infrastructure)),
                ("worker".to_string(), None),
            ]
        );
    }

    #[test]
    fn generic_directory_names_give_way_to_the_service_name() {
        assert_eq!(dir_name("src/cart/src"), "cart");
        assert_eq!(dir_name("services/billing/app"), "billing");
        assert_eq!(dir_name("src/checkout"), "checkout");
        assert_eq!(dir_name("src"), "src");
        assert_eq!(dir_name("app/src"), "src");
    }

    #[test]
    fn colliding_names_use_paths() {
        let c = |p: &str| Candidate {
            path: p.into(),
            name: None,
            kind: None,
            owner: None,
            sources: vec![],
        };
        assert_eq!(
            unique_names(&[c("a/api"), c("b/api"), c("web")]),
            ["a/api", "b/api", "web"]
        );
    }
}
