//! The facts model: everything shipshape knows about a repository, gathered once.
//!
//! One parallel walk (the `ignore` crate: honours .gitignore, skips `.git/`
//! and vendored trees) reads each file at most once. During the walk, each file
//! is classified ([`FileKind`]), source files are scanned for [`signals`] and
//! dropped, configuration-like files are kept as text, and every readable file is
//! handed to an optional content hook (the secret scanner) so there is no second
//! pass. Structured views (dependencies, workflows, Dockerfiles, Kubernetes
//! objects...) are parsed lazily, once, on first use.
//!
//! This is the only crate that reads the scanned tree. The resulting [`Facts`]
//! is immutable; checks are pure functions of it.

pub mod alerting;
mod browser;
pub mod ci;
pub mod codeowners;
pub mod deps;
pub mod docker;
pub mod git;
pub mod gitlab;
pub mod k8s;
pub mod kind;
pub mod links;
pub mod role;
pub mod signals;
mod syntax;
mod walk;
mod yaml;

pub use kind::{CiSystem, Ecosystem, FileKind, Lang, classify, dependabot_covers};
pub use walk::{ContentHook, WalkOptions, walk};
pub use yaml::{
    Yaml, YamlValue, parse_document, parse_documents, parse_documents_fast, parse_documents_full,
};

use shipshape_model::Diagnostic;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// One file of the tree.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FileEntry {
    /// Repository-relative, `/`-separated.
    pub path: String,
    pub size: u64,
    pub kind: FileKind,
    /// True when the content was not read (too large, binary, unreadable).
    pub unread: bool,
    /// True when the path looks like test code or fixtures
    /// ([`signals::is_test_path`]): decided once, asked by many checks of every file.
    pub in_test: bool,
    /// What the file is for ([`role::classify`], with the user's `[paths]`): decided
    /// once, by the walk.
    pub role: role::Role,
    /// For a Rust source file with unit tests at its end: the line of its module-level
    /// `#[cfg(test)]`, from which on the file is test code.
    pub tests_from_line: Option<u32>,
}

/// [`FileEntry::tests_from_line`] of a file's bytes.
pub(crate) fn rust_tests_line(path: &str, bytes: &[u8]) -> Option<u32> {
    if !path.ends_with(".rs") {
        return None;
    }
    let at = signals::rust_tests_from(bytes)?;
    Some(memchr::memchr_iter(b'\n', &bytes[..at]).count() as u32 + 1)
}

/// Counts describing the walk.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct WalkStats {
    pub files: u64,
    pub bytes_read: u64,
    pub skipped: u64,
}

/// A structured view parsed from several files, with the files that failed.
#[derive(Debug, Clone)]
pub struct Parsed<T> {
    pub items: Vec<T>,
    /// `(path, message)` for each file that could not be parsed.
    pub errors: Vec<(String, String)>,
}

impl<T> Default for Parsed<T> {
    fn default() -> Self {
        Parsed {
            items: Vec::new(),
            errors: Vec::new(),
        }
    }
}

/// The immutable facts about one tree.
#[derive(Debug)]
pub struct Facts {
    pub root: PathBuf,
    /// Every file seen, sorted by path.
    pub files: Vec<FileEntry>,
    texts: HashMap<String, Arc<str>>,
    /// Signals from source code, sorted by path and line.
    pub signals: Vec<signals::SignalHit>,
    pub git: Option<git::GitFacts>,
    /// Warnings about the walk itself (skipped files, unreadable paths).
    pub diagnostics: Vec<Diagnostic>,
    pub stats: WalkStats,
    yaml_cells: HashMap<String, YamlCell>,
    lazy: Lazy,
    /// The user's `[paths]` roles, for questions about directories.
    role_overrides: role::RoleOverrides,
    /// Files whose role a relation between files decided, not their path or first bytes
    /// (a development compose file), with why.
    relational_roles: HashMap<String, &'static str>,
}

#[derive(Debug, Default)]
struct Lazy {
    deps: OnceLock<Parsed<deps::Dependency>>,
    brought: OnceLock<Vec<deps::Dependency>>,
    links: OnceLock<Vec<links::Link>>,
    ci: OnceLock<Vec<ci::CiFile>>,
    dockerfiles: OnceLock<Vec<docker::Dockerfile>>,
    k8s: OnceLock<Parsed<k8s::K8sObject>>,
    codeowners: OnceLock<Option<codeowners::CodeOwners>>,
    /// Directory (`""` for the root) → positions in `files` of the files directly in it.
    dirs: OnceLock<HashMap<String, Vec<usize>>>,
    /// Dockerfiles that only development compose services build ([`Facts::is_dev_dockerfile`]).
    compose_dev_images: OnceLock<std::collections::BTreeSet<String>>,
    /// The images the GitHub Actions workflows build ([`Facts::ci_image_builds`]).
    ci_image_builds: OnceLock<Vec<ci::ImageBuild>>,
}

type YamlCell = OnceLock<Result<Arc<Vec<Yaml>>, String>>;

/// Browser code's client calls are the user's browser talking to a server, not the
/// service's outbound calls ([`browser`]): the path-level cases are dropped by the
/// signal pass already; here those of files whose nearest `package.json` is a browser
/// application.
fn drop_browser_calls(
    files: &[FileEntry],
    texts: &HashMap<String, Arc<str>>,
    signals: &mut Vec<signals::SignalHit>,
) {
    if !signals.iter().any(|s| s.kind.is_outbound_call()) {
        return;
    }
    let manifests: Vec<&FileEntry> = files
        .iter()
        .filter(|f| f.path == "package.json" || f.path.ends_with("/package.json"))
        .collect();
    let package_dirs: std::collections::BTreeSet<String> = manifests
        .iter()
        .map(|f| f.path.rsplit_once('/').map_or("", |(d, _)| d).to_string())
        .collect();
    let browser_dirs = browser::browser_package_dirs(
        manifests
            .iter()
            .filter_map(|f| texts.get(&f.path).map(|t| (f.path.as_str(), &**t))),
    );
    if browser_dirs.is_empty() {
        return;
    }
    signals.retain(|s| {
        !s.kind.is_outbound_call()
            || !browser::runs_in_browser(&s.path, &package_dirs, &browser_dirs)
    });
}

impl Facts {
    /// Assemble facts from parts (used by the walk and by tests that build facts in memory).
    pub fn from_parts(
        root: PathBuf,
        mut files: Vec<FileEntry>,
        texts: HashMap<String, Arc<str>>,
        mut signals: Vec<signals::SignalHit>,
        git: Option<git::GitFacts>,
        diagnostics: Vec<Diagnostic>,
        stats: WalkStats,
    ) -> Facts {
        files.sort_by(|a, b| a.path.cmp(&b.path));
        signals.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
        drop_browser_calls(&files, &texts, &mut signals);
        let yaml_cells = texts
            .keys()
            .filter(|p| is_yaml_path(p))
            .map(|p| (p.clone(), YamlCell::new()))
            .collect();
        let mut facts = Facts {
            root,
            files,
            yaml_cells,
            texts,
            signals,
            git,
            diagnostics,
            stats,
            lazy: Lazy::default(),
            role_overrides: role::RoleOverrides::default(),
            relational_roles: HashMap::new(),
        };
        facts.refine_compose_roles();
        facts
    }

    /// Keep the user's `[paths]` roles (the walk already applied them to every file;
    /// they win over a role decided from other files too).
    pub fn with_role_overrides(mut self, overrides: role::RoleOverrides) -> Facts {
        let relational: Vec<String> = self.relational_roles.keys().cloned().collect();
        for path in relational {
            if let Some((r, _)) = overrides.get(&path) {
                if let Some(f) = self.files.iter_mut().find(|f| f.path == path) {
                    f.role = r;
                    f.in_test = r == role::Role::Test;
                }
                self.relational_roles.remove(&path);
            }
        }
        self.role_overrides = overrides;
        self
    }

    /// Why a file's role was decided from other files (`shipshape paths` shows it), if it was.
    pub fn relational_role_reason(&self, path: &str) -> Option<&'static str> {
        self.relational_roles.get(path).copied()
    }

    /// Compose files of a development environment are development tooling: every
    /// service that builds from the repository mounts its build context (the working
    /// copy) over the container (shlink's `docker-compose.yml`, saleor's
    /// `.worktree-container/docker-compose.yml`), or no service builds anything and every
    /// image is a backing service run beside an application started on the host
    /// (fider's and hexpm's PostgreSQL, MailHog and MinIO for local development).
    fn refine_compose_roles(&mut self) {
        let mut changes = Vec::new();
        for (i, f) in self.files.iter().enumerate() {
            if f.kind != FileKind::Compose || !f.role.is_production() {
                continue;
            }
            let Some(Ok(docs)) = self.yaml(&f.path) else {
                continue;
            };
            let base = f.path.rsplit_once('/').map_or("", |(d, _)| d);
            if let Some(why) = dev_compose(base, &docs) {
                changes.push((i, why));
            }
        }
        for (i, why) in changes {
            let f = &mut self.files[i];
            f.role = role::Role::DevTooling;
            self.relational_roles.insert(f.path.clone(), why);
        }
    }

    /// The role of a file of the scan (the walk's decision), or of any other path.
    pub fn role(&self, path: &str) -> role::Role {
        self.file(path)
            .map_or_else(|| role::classify(path, &self.role_overrides).0, |f| f.role)
    }

    /// True for Dockerfiles used only for development, CI, tests or code generation, not
    /// for the shipped image: the file's role ([`Facts::role`]: its path, the user's
    /// `[paths]`, and what its content says, such as a command that runs a development
    /// server) decides, the one place that knows dev containers, e2e harnesses, package
    /// builds and code generators.
    ///
    /// Also a development image: a Dockerfile that only compose services build which
    /// bind-mount their build context (the source tree) over the container
    /// (`volumes: ["./:/home/shlink/www"]`, shlink's `data/infra/php.Dockerfile`), and
    /// that no CI workflow builds: the code the container runs is the working copy, not
    /// what the image holds, so the image is a development environment, not the product.
    pub fn is_dev_dockerfile(&self, path: &str) -> bool {
        !self.role(path).is_production() || self.compose_dev_images().contains(path)
    }

    /// The Dockerfiles of [`Facts::is_dev_dockerfile`]'s compose rule.
    fn compose_dev_images(&self) -> &std::collections::BTreeSet<String> {
        self.lazy.compose_dev_images.get_or_init(|| {
            // Dockerfile → does every compose service building it mount its context?
            let mut built: HashMap<String, bool> = HashMap::new();
            for f in self.files.iter().filter(|f| f.kind == FileKind::Compose) {
                let Some(Ok(docs)) = self.yaml(&f.path) else {
                    continue;
                };
                let base = f.path.rsplit_once('/').map_or("", |(d, _)| d);
                for d in docs.iter() {
                    for (_, svc) in d.idx("services").entries() {
                        let Some(b) = service_build(base, svc) else {
                            continue;
                        };
                        let e = built.entry(b.dockerfile).or_insert(true);
                        *e &= b.mounts_context;
                    }
                }
            }
            if built.is_empty() {
                return Default::default();
            }
            let ci_built = |f: &str| self.ci_image_builds().iter().any(|b| b.dockerfile == f);
            built
                .into_iter()
                .filter(|(f, dev)| *dev && !ci_built(f) && self.file(f).is_some())
                .map(|(f, _)| f)
                .collect()
        })
    }

    /// The role of one line of a file: [`Facts::role`], except that a Rust file's unit
    /// tests (after its module-level `#[cfg(test)]`) are test code.
    pub fn role_at(&self, path: &str, line: u32) -> role::Role {
        match self.file(path) {
            Some(f) if f.tests_from_line.is_some_and(|t| line >= t) => role::Role::Test,
            Some(f) => f.role,
            None => role::classify(path, &self.role_overrides).0,
        }
    }

    /// The role of a directory, the user's `[paths]` first.
    pub fn dir_role(&self, dir: &str) -> role::Role {
        role::classify_dir(dir, &self.role_overrides)
    }

    /// Build facts from in-memory files (path, content): classification and signals
    /// as the walk would do. For tests and for checks' unit tests.
    pub fn from_memory(files: &[(&str, &str)]) -> Facts {
        let mut entries = Vec::new();
        let mut texts = HashMap::new();
        let mut sigs = Vec::new();
        for (path, content) in files {
            let mut kind = classify(path);
            if kind == FileKind::Yaml {
                kind = kind::refine_yaml(path, content);
            } else if kind == FileKind::Other {
                kind = kind::refine_other(path, content.as_bytes());
            }
            let mut role = role::role_of(path).0;
            if role == role::Role::Production {
                let head = &content.as_bytes()[..content.len().min(8192)];
                role = role::content_role(path, kind, head).map_or(role, |(r, _)| r);
            }
            let in_test = role == role::Role::Test;
            if kind.carries_signals() && !in_test {
                signals::scan_code(path, content.as_bytes(), &mut sigs);
            }
            // Like the walk, small generic YAML files are kept (included CI files, collector configs).
            if kind.keeps_text() || kind == FileKind::Yaml || kind::is_elixir_config(path) {
                texts.insert(path.to_string(), Arc::from(*content));
            }
            entries.push(FileEntry {
                path: path.to_string(),
                size: content.len() as u64,
                kind,
                unread: false,
                in_test,
                role,
                tests_from_line: rust_tests_line(path, content.as_bytes()),
            });
        }
        Facts::from_parts(
            PathBuf::from("."),
            entries,
            texts,
            sigs,
            None,
            vec![],
            WalkStats::default(),
        )
    }

    /// Files of a kind, optionally restricted to a unit's subtree.
    pub fn files_of(&self, pred: impl Fn(FileKind) -> bool) -> impl Iterator<Item = &FileEntry> {
        self.files.iter().filter(move |f| pred(f.kind))
    }

    /// The kept text of a file (configuration-like kinds only).
    pub fn text(&self, path: &str) -> Option<&str> {
        self.texts.get(path).map(|t| &**t)
    }

    /// True when a file with this exact path exists.
    pub fn exists(&self, path: &str) -> bool {
        self.files
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .is_ok()
    }

    /// Parse, in parallel, what most checks ask for: every kept YAML file, the
    /// Kubernetes objects, the dependencies, the CI files and the Dockerfiles.
    ///
    /// Everything here is lazy and would be parsed on first use anyway; calling this
    /// before checks run in parallel keeps one check from parsing while the others
    /// wait on it with idle cores.
    pub fn prepare(&self) {
        use rayon::prelude::*;
        let mut yaml: Vec<&String> = self.yaml_cells.keys().collect();
        // Large files first, so one big file does not finish last on its own.
        yaml.sort_by_key(|p| std::cmp::Reverse(self.texts.get(*p).map_or(0, |t| t.len())));
        yaml.par_iter().for_each(|p| {
            let _ = self.yaml(p);
        });
        rayon::join(
            || {
                self.k8s_objects();
            },
            || {
                rayon::join(
                    || {
                        self.dependencies();
                    },
                    || {
                        self.ci_files();
                        self.dockerfiles();
                    },
                )
            },
        );
    }

    /// The entry of the file with this exact path.
    pub fn file(&self, path: &str) -> Option<&FileEntry> {
        self.files
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .ok()
            .map(|i| &self.files[i])
    }

    /// Every file whose path starts with `prefix` (a contiguous run of the sorted
    /// file list, found by binary search). With a prefix ending in `/`, the files
    /// under that directory.
    pub fn files_with_prefix(&self, prefix: &str) -> &[FileEntry] {
        &self.files[self.prefix_range(prefix)]
    }

    /// The positions in [`Facts::files`] of [`Facts::files_with_prefix`].
    pub fn prefix_range(&self, prefix: &str) -> std::ops::Range<usize> {
        let start = self.files.partition_point(|f| f.path.as_str() < prefix);
        let len = self.files[start..].partition_point(|f| f.path.starts_with(prefix));
        start..start + len
    }

    /// The files directly in directory `dir` (`""` for the root), not in its subdirectories.
    /// From an index built once per scan: asking it for every unit's ancestors costs the
    /// answer, not a pass over the directory's whole subtree (a 1,000-service monorepo's
    /// `services/`).
    pub fn files_in_dir<'a>(&'a self, dir: &str) -> impl Iterator<Item = &'a FileEntry> + 'a {
        let index = self.lazy.dirs.get_or_init(|| {
            let mut m: HashMap<String, Vec<usize>> = HashMap::new();
            for (i, f) in self.files.iter().enumerate() {
                let parent = f.path.rsplit_once('/').map_or("", |(d, _)| d);
                m.entry(parent.to_string()).or_default().push(i);
            }
            m
        });
        index
            .get(dir.trim_end_matches('/'))
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .map(|&i| &self.files[i])
    }

    /// The YAML documents of a kept YAML file, parsed once (on first use).
    pub fn yaml(&self, path: &str) -> Option<Result<Arc<Vec<Yaml>>, String>> {
        let cell = self.yaml_cells.get(path)?;
        Some(
            cell.get_or_init(|| parse_documents(self.text(path).unwrap_or("")).map(Arc::new))
                .clone(),
        )
    }

    /// Direct dependencies of every manifest.
    pub fn dependencies(&self) -> &Parsed<deps::Dependency> {
        self.lazy.deps.get_or_init(|| {
            let mut out = Parsed::default();
            for f in &self.files {
                if let FileKind::Manifest(eco) = f.kind {
                    let Some(text) = self.text(&f.path) else {
                        continue;
                    };
                    match deps::extract(eco, &f.path, text) {
                        Ok(d) => out.items.extend(d),
                        Err(e) => out.errors.push((f.path.clone(), e)),
                    }
                } else if f.kind == FileKind::Lockfile(Ecosystem::Nuget)
                    && f.path.ends_with("packages.lock.json")
                    && let Some(text) = self.text(&f.path)
                {
                    // A lock file that does not parse is the vulnerability check's to report.
                    if let Ok(d) = deps::extract_nuget_lock(&f.path, text) {
                        out.items.extend(d);
                    }
                }
            }
            out
        })
    }

    /// Packages a NuGet lock file (`packages.lock.json`) records as brought in by one of
    /// the project's direct dependencies: bitwarden/server's `Bitwarden.Server.Sdk.Features`
    /// brings `LaunchDarkly.ServerSdk`. Not the project's own dependencies (they are not
    /// in [`Facts::dependencies`]); the libraries the project runs with.
    pub fn brought_dependencies(&self) -> &[deps::Dependency] {
        self.lazy.brought.get_or_init(|| {
            let mut out = Vec::new();
            for f in &self.files {
                if f.kind == FileKind::Lockfile(Ecosystem::Nuget)
                    && f.path.ends_with("packages.lock.json")
                    && let Some(text) = self.text(&f.path)
                    && let Ok(d) = deps::extract_nuget_lock_brought(&f.path, text)
                {
                    out.extend(d);
                }
            }
            out
        })
    }

    /// Links between the repository's manifests ([`links`]): code a project builds in
    /// from another directory of the repository.
    pub fn links(&self) -> &[links::Link] {
        self.lazy.links.get_or_init(|| {
            let manifests: Vec<(&FileEntry, &str)> = self
                .files
                .iter()
                .filter(|f| matches!(f.kind, FileKind::Manifest(_)))
                .filter_map(|f| self.text(&f.path).map(|t| (f, t)))
                .collect();
            links::extract(&manifests)
        })
    }

    /// The dependencies if some check has asked for them (for diagnostics that should
    /// not force a parse the run did not need).
    pub fn dependencies_if_parsed(&self) -> Option<&Parsed<deps::Dependency>> {
        self.lazy.deps.get()
    }

    /// The Kubernetes objects if some check has asked for them.
    pub fn k8s_objects_if_parsed(&self) -> Option<&Parsed<k8s::K8sObject>> {
        self.lazy.k8s.get()
    }

    /// Direct dependencies declared by one manifest (dependencies are grouped by
    /// manifest in path order, so this is a binary search).
    pub fn dependencies_of(&self, manifest: &str) -> &[deps::Dependency] {
        let items = &self.dependencies().items;
        let start = items.partition_point(|d| d.manifest.as_str() < manifest);
        let len = items[start..].partition_point(|d| d.manifest == manifest);
        &items[start..start + len]
    }

    /// The build context `dockerfile` is built with: the first CI build step that names
    /// it (`docker/build-push-action` `context:`, `docker build -f … DIR`), else its own
    /// directory (`.` at the root).
    pub fn docker_context(&self, dockerfile: &str) -> String {
        self.ci_image_builds()
            .iter()
            .find(|b| b.dockerfile == dockerfile)
            .map_or_else(
                || {
                    dockerfile
                        .rsplit_once('/')
                        .map_or(".", |(d, _)| d)
                        .to_string()
                },
                |b| b.context.clone(),
            )
    }

    /// Every image the GitHub Actions workflows build, job by job in file order (matrix
    /// expressions expanded): read once for discovery, build contexts and the compose
    /// development-image rule.
    pub fn ci_image_builds(&self) -> &[ci::ImageBuild] {
        self.lazy.ci_image_builds.get_or_init(|| {
            self.ci_files()
                .iter()
                .filter_map(|c| c.workflow.as_ref())
                .flat_map(|w| w.jobs.iter().flat_map(|j| j.image_builds()))
                .collect()
        })
    }

    /// Every CI definition, including files a `.gitlab-ci.yml` pulls in with
    /// `include: local:` (listed as GitLab CI whatever their path).
    pub fn ci_files(&self) -> &[ci::CiFile] {
        self.lazy.ci.get_or_init(|| {
            let included: Vec<&FileEntry> = gitlab::pipeline(self)
                .map(|p| p.files)
                .unwrap_or_default()
                .iter()
                .filter_map(|p| self.files.iter().find(|f| &f.path == p))
                .filter(|f| !matches!(f.kind, FileKind::Ci(_)))
                .collect();
            let files = self
                .files
                .iter()
                .filter_map(|f| match f.kind {
                    FileKind::Ci(system) => Some((f, system)),
                    _ => None,
                })
                .chain(included.into_iter().map(|f| (f, CiSystem::GitlabCi)))
                .map(|(f, system)| {
                    let mut file = ci::CiFile {
                        path: f.path.clone(),
                        system,
                        workflow: None,
                        yaml: None,
                        error: None,
                        composite: false,
                    };
                    if is_yaml_path(&f.path) {
                        match self.yaml(&f.path) {
                            Some(Ok(docs)) => {
                                if system == CiSystem::GithubActions
                                    && let Some(d) = docs.first()
                                {
                                    file.workflow = Some(ci::Workflow::from_yaml(&f.path, d));
                                }
                                file.yaml = Some(docs.to_vec());
                            }
                            Some(Err(e)) => file.error = Some(e),
                            None => {}
                        }
                    }
                    file
                })
                .collect::<Vec<_>>();
            self.with_local_actions(files)
        })
    }

    /// The composite action of a directory (`dir/action.yml` or `dir/action.yaml` with
    /// `runs.using: composite`): its path and steps.
    fn composite_action(&self, dir: &str) -> Option<(String, Vec<ci::GhaStep>)> {
        ["action.yml", "action.yaml"].iter().find_map(|name| {
            let path = if dir.is_empty() || dir == "." {
                (*name).to_string()
            } else {
                format!("{dir}/{name}")
            };
            let docs = self.yaml(&path)?.ok()?;
            Some((path.clone(), ci::composite_steps(&path, docs.first()?)?))
        })
    }

    /// Splice the local composite actions the workflows run into their jobs, and add each
    /// such `action.yml` as a CI definition of its own (`composite`), so the commands it
    /// runs are read like a workflow's (teslamate builds and pushes its images in
    /// `.github/actions/build` and `.github/actions/grafana`).
    fn with_local_actions(&self, mut files: Vec<ci::CiFile>) -> Vec<ci::CiFile> {
        let mut used: Vec<String> = Vec::new();
        for file in &mut files {
            if let Some(w) = &mut file.workflow {
                w.expand_local_actions(&|dir| self.composite_action(dir));
                for step in w.jobs.iter().flat_map(|j| &j.steps) {
                    if let Some(path) = &step.composite
                        && !used.contains(path)
                    {
                        used.push(path.clone());
                    }
                }
            }
        }
        for path in used {
            if files.iter().any(|f| f.path == path) {
                continue;
            }
            files.push(ci::CiFile {
                yaml: self.yaml(&path).and_then(Result::ok).map(|d| d.to_vec()),
                path,
                system: CiSystem::GithubActions,
                workflow: None,
                error: None,
                composite: true,
            });
        }
        files
    }

    /// Every Dockerfile.
    pub fn dockerfiles(&self) -> &[docker::Dockerfile] {
        self.lazy.dockerfiles.get_or_init(|| {
            self.files
                .iter()
                .filter(|f| f.kind == FileKind::Dockerfile)
                .filter_map(|f| Some(docker::parse(&f.path, self.text(&f.path)?)))
                .collect()
        })
    }

    /// Every Kubernetes object in plain manifests (Helm templates are not rendered).
    /// The first CODEOWNERS file of [`codeowners::LOCATIONS`], parsed once.
    pub fn codeowners(&self) -> Option<&codeowners::CodeOwners> {
        self.lazy
            .codeowners
            .get_or_init(|| {
                let path = codeowners::LOCATIONS.iter().find(|p| self.exists(p))?;
                let (rules, bad) = codeowners::parse(self.text(path).unwrap_or(""));
                Some(codeowners::CodeOwners { path, rules, bad })
            })
            .as_ref()
    }

    pub fn k8s_objects(&self) -> &Parsed<k8s::K8sObject> {
        self.lazy.k8s.get_or_init(|| {
            use rayon::prelude::*;
            let mut out = Parsed::default();
            let candidates: Vec<&FileEntry> = self
                .files
                .iter()
                .filter(|f| {
                    matches!(
                        f.kind,
                        FileKind::Kubernetes | FileKind::PrometheusRules | FileKind::Slo
                    )
                })
                .collect();
            // Parse in parallel; the cells keep the results for later look-ups.
            candidates.par_iter().for_each(|f| {
                let _ = self.yaml(&f.path);
            });
            for f in candidates {
                match self.yaml(&f.path) {
                    Some(Ok(docs)) => {
                        for (index, d) in docs.iter().enumerate() {
                            let shared = |item| k8s::SharedDoc::new(Arc::clone(&docs), index, item);
                            // `kind: List` wraps objects in `items`.
                            if d.idx("kind").as_str() == Some("List") {
                                out.items
                                    .extend((0..d.idx("items").items().len()).filter_map(|i| {
                                        k8s::K8sObject::from_shared(&f.path, shared(Some(i)))
                                    }));
                            } else if let Some(o) =
                                k8s::K8sObject::from_shared(&f.path, shared(None))
                            {
                                out.items.push(o);
                            }
                        }
                    }
                    Some(Err(e)) => out.errors.push((f.path.clone(), e)),
                    None => {}
                }
            }
            // Files a Kustomization applies as patches hold fragments, not objects.
            // A kustomization file often has no `apiVersion`/`kind` (kubebuilder's
            // overlays): it is known by its name.
            let patches: std::collections::HashSet<String> = self
                .files
                .iter()
                .filter(|f| {
                    let name = f.path.rsplit('/').next().unwrap_or(&f.path);
                    matches!(
                        name,
                        "kustomization.yaml" | "kustomization.yml" | "Kustomization"
                    )
                })
                .filter_map(|f| match self.yaml(&f.path) {
                    Some(Ok(docs)) => Some((f, docs)),
                    _ => None,
                })
                .flat_map(|(f, docs)| {
                    let dir = f.path.rsplit_once('/').map_or("", |(d, _)| d);
                    docs.iter()
                        .flat_map(|d| k8s::kustomize_patch_paths(d, dir))
                        .collect::<Vec<_>>()
                })
                .collect();
            if !patches.is_empty() {
                for o in &mut out.items {
                    o.patch = patches.contains(&o.path);
                }
            }
            out
        })
    }
}

/// True for `.yml`/`.yaml` paths.
pub fn is_yaml_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".yml") || lower.ends_with(".yaml")
}

/// True when `path` is inside the directory `dir` (`.` or empty = everything).
/// `rel` joined onto the directory `dir` (both repository-relative), resolving `.` and
/// `..` (a `..` above the root stays at the root): compose `build.context` and
/// `dockerfile`, for the check that judges them and the fix that writes them.
pub fn join_relative(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = dir
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// A compose service's `build:` as `(context, dockerfile)`, both as written: the short
/// form is the context with the default `Dockerfile`; the long form's missing keys are
/// `.` and `Dockerfile`. Resolve them with [`join_relative`].
pub fn compose_build(build: &Yaml) -> (String, String) {
    match build.as_str() {
        Some(c) => (c.to_string(), "Dockerfile".to_string()),
        None => (
            build.idx("context").as_str().unwrap_or(".").to_string(),
            build
                .idx("dockerfile")
                .as_str()
                .unwrap_or("Dockerfile")
                .to_string(),
        ),
    }
}

pub fn is_under(path: &str, dir: &str) -> bool {
    let dir = dir.trim_end_matches('/');
    dir.is_empty()
        || dir == "."
        || path == dir
        || (path.starts_with(dir) && path.as_bytes().get(dir.len()) == Some(&b'/'))
}

/// True when the unit at `candidate` sits inside the unit at `unit`'s directory (the
/// root product of a monorepo holds every other unit).
pub fn is_nested_unit(candidate: &str, unit: &str) -> bool {
    fn dir(p: &str) -> &str {
        match p.trim_end_matches('/') {
            "" => ".",
            d => d,
        }
    }
    dir(candidate) != dir(unit) && is_under(candidate, unit)
}

/// True when `path` belongs to the unit at `unit`: its subtree, less the subtrees of the
/// units `nested` in it ([`is_nested_unit`]), so the root product owns only what no other
/// unit holds. The one rule of file ownership: checks (`Ctx::in_unit`), fixes and
/// `scan --changed-since` decide with it.
pub fn unit_owns<'a>(unit: &str, nested: impl IntoIterator<Item = &'a str>, path: &str) -> bool {
    is_under(path, unit) && !nested.into_iter().any(|n| is_under(path, n))
}

/// What a compose service builds from the repository, read once for every rule that
/// asks ([`Facts::is_dev_dockerfile`], [`Facts::refine_compose_roles`]).
struct ServiceBuild {
    /// The Dockerfile, repository-relative.
    dockerfile: String,
    /// The service bind-mounts its build context (or a directory above it) over the
    /// container: the working copy runs, not what the image holds.
    mounts_context: bool,
}

/// The build of compose service `svc` in a compose file of directory `base`, if it has
/// a `build:` ([`compose_build`], resolved with [`join_relative`]).
fn service_build(base: &str, svc: &yaml::Yaml) -> Option<ServiceBuild> {
    let (context, dockerfile) = compose_build(svc.get("build")?);
    let ctx = join_relative(base, &context);
    let dockerfile = join_relative(&ctx, &dockerfile);
    let mounts_context = svc.idx("volumes").items().iter().any(|v| {
        let source = v
            .as_str()
            .and_then(|s| s.split(':').next().map(str::to_string))
            .or_else(|| {
                (v.idx("type").as_str() == Some("bind"))
                    .then(|| v.idx("source").as_str().map(str::to_string))
                    .flatten()
            });
        source.is_some_and(|src| src.starts_with('.') && is_under(&ctx, &join_relative(base, &src)))
    });
    Some(ServiceBuild {
        dockerfile,
        mounts_context,
    })
}

/// Images of backing services a development compose file runs beside an application
/// started on the host (matched on the image's last path segment, without tag).
const BACKING_IMAGES: &[&str] = &[
    "postgres",
    "postgis",
    "mysql",
    "mariadb",
    "redis",
    "valkey",
    "mongo",
    "memcached",
    "minio",
    "mailhog",
    "mailpit",
    "mailcatcher",
    "maildev",
    "smtp4dev",
    "rabbitmq",
    "elasticsearch",
    "opensearch",
    "localstack",
    "zookeeper",
    "kafka",
    "cp-kafka",
    "azurite",
    "mssql-server",
    "adminer",
    "pgadmin4",
    "dynamodb-local",
    "fake-gcs-server",
];

/// Why a compose document set is a development environment ([`Facts::refine_compose_roles`]).
fn dev_compose(base: &str, docs: &[yaml::Yaml]) -> Option<&'static str> {
    let mut builds = 0usize;
    let mut builds_mounted = 0usize;
    let mut services = 0usize;
    let mut backing = 0usize;
    for d in docs {
        for (_, svc) in d.idx("services").entries() {
            services += 1;
            if svc.get("build").is_some() {
                builds += 1;
                if service_build(base, svc).is_some_and(|b| b.mounts_context) {
                    builds_mounted += 1;
                }
            } else if let Some(image) = svc.idx("image").as_str() {
                let name = image.rsplit('/').next().unwrap_or(image);
                let name = name.split([':', '@']).next().unwrap_or(name);
                if BACKING_IMAGES.contains(&name) {
                    backing += 1;
                }
            }
        }
    }
    if builds > 0 && builds_mounted == builds {
        return Some(
            "compose file of a development environment: every service it builds mounts the working copy over the container",
        );
    }
    if services > 0 && builds == 0 && backing == services {
        return Some(
            "compose file of backing services for local development (no service of this repository)",
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// fider's and hexpm's compose files run PostgreSQL (and MailHog, MinIO) for an
    /// application started on the host; saleor's `.worktree-container/docker-compose.yml`
    /// builds the app and mounts the working copy over it. They were judged as deployed
    /// manifests (literal POSTGRES_PASSWORD values failed secrets-not-in-manifests).
    #[test]
    fn development_compose_files_are_development_tooling() {
        let backing = "services:\n  db:\n    image: postgres:17\n    environment:\n      POSTGRES_PASSWORD: postgres\n  mail:\n    image: mailhog/mailhog:v1.0.1\n";
        let mounted = "services:\n  app:\n    build:\n      context: ..\n    volumes:\n      - ..:/app\n  db:\n    image: postgres\n";
        let shipped = "services:\n  app:\n    image: ghcr.io/acme/app:1.2\n    volumes:\n      - ./data:/data\n  db:\n    image: postgres\n";
        let built = "services:\n  app:\n    build: .\n    volumes:\n      - ./data:/data\n";
        let facts = Facts::from_memory(&[
            ("docker-compose.yml", backing),
            (".worktree-container/docker-compose.yml", mounted),
            ("deploy/compose.yml", shipped),
            ("compose.yaml", built),
        ]);
        assert_eq!(facts.role("docker-compose.yml"), role::Role::DevTooling);
        assert_eq!(
            facts.role(".worktree-container/docker-compose.yml"),
            role::Role::DevTooling
        );
        assert_eq!(facts.role("deploy/compose.yml"), role::Role::Production);
        assert_eq!(facts.role("compose.yaml"), role::Role::Production);
        assert!(facts.relational_role_reason("docker-compose.yml").is_some());
        // The user's [paths] wins.
        let o =
            role::RoleOverrides::new(vec![(role::Role::Production, "docker-compose.yml".into())])
                .unwrap();
        let facts = Facts::from_memory(&[("docker-compose.yml", backing)]).with_role_overrides(o);
        assert_eq!(facts.role("docker-compose.yml"), role::Role::Production);
    }

    /// Unit ownership has one rule (checks and fixes both asked their own version): the
    /// root product owns what no nested unit holds; a unit owns its whole subtree less
    /// the units inside it; a path that only shares a name prefix is not under a unit.
    #[test]
    fn a_unit_owns_its_subtree_less_the_units_nested_in_it() {
        let units = [".", "api", "api/worker", "web"];
        let owns = |unit: &str, path: &str| {
            let nested = units.iter().copied().filter(|u| is_nested_unit(u, unit));
            unit_owns(unit, nested, path)
        };
        assert!(owns(".", "README.md"));
        assert!(owns(".", "deploy/k8s.yaml"));
        assert!(!owns(".", "api/main.go"));
        assert!(!owns(".", "web/index.ts"));
        assert!(owns("api", "api/main.go"));
        assert!(!owns("api", "api/worker/main.go"));
        assert!(owns("api/worker", "api/worker/main.go"));
        assert!(!owns("api", "apis/main.go"));
        assert!(owns("api/", "api/main.go"));
        assert!(!is_nested_unit(".", "."));
        assert!(!is_nested_unit(".", "api"));
        assert!(is_nested_unit("api/worker", "api"));
        assert!(!is_nested_unit("api", "api/"));
        assert!(!is_nested_unit("", "."));
    }

    /// Regression: teslamate builds and pushes both its images inside local composite
    /// actions (`uses: ./.github/actions/build`), which were not read, so its `grafana/`
    /// image unit was lost and `delivery/automated-deploy` failed.
    #[test]
    fn local_composite_actions_are_spliced_into_the_jobs_that_run_them() {
        let wf = "on: push\njobs:\n  img:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n      - uses: ./.github/actions/grafana\n        with:\n          tags: edge\n      - run: echo done\n";
        let action = "name: g\nruns:\n  using: composite\n  steps:\n    - uses: ./.github/actions/login\n    - uses: docker/build-push-action@v6\n      with:\n        context: grafana\n        push: true\n";
        // Two levels, and a cycle back to the first: followed once each way, then stops.
        let login = "runs:\n  using: composite\n  steps:\n    - run: docker login\n      shell: bash\n    - uses: ./.github/actions/grafana/\n";
        let js = "runs:\n  using: node20\n  main: index.js\n";
        let f = Facts::from_memory(&[
            (".github/workflows/img.yml", wf),
            (".github/actions/grafana/action.yml", action),
            (".github/actions/login/action.yaml", login),
            (".github/actions/js/action.yml", js),
            ("grafana/Dockerfile", "FROM grafana/grafana:12\n"),
        ]);
        let ci = f.ci_files();
        let w = ci.iter().find_map(|c| c.workflow.as_ref()).unwrap();
        let steps: Vec<(Option<&str>, u32)> = w.jobs[0]
            .steps
            .iter()
            .map(|s| (s.composite.as_deref(), s.line))
            .collect();
        let g = Some(".github/actions/grafana/action.yml");
        let l = Some(".github/actions/login/action.yaml");
        assert_eq!(steps[..4], [(None, 6), (None, 7), (g, 5), (l, 4)]);
        assert_eq!(steps.last(), Some(&(None, 10)));
        assert!(steps.len() < 20, "the cycle is cut: {steps:?}");
        let build = w.jobs[0].image_builds();
        assert_eq!(build[0].dockerfile, "grafana/Dockerfile");
        assert_eq!(build[0].line, 6, "cited in the action's file: {build:?}");
        // Each composite action run is a CI definition of its own; a JavaScript action is not.
        let composite: Vec<&str> = ci
            .iter()
            .filter(|c| c.composite)
            .map(|c| c.path.as_str())
            .collect();
        assert_eq!(
            composite,
            [
                ".github/actions/grafana/action.yml",
                ".github/actions/login/action.yaml"
            ]
        );
    }

    #[test]
    fn indexed_look_ups_agree_with_a_scan() {
        let f = Facts::from_memory(&[
            (
                "a/Cargo.toml",
                "[package]\nname='a'\n[dependencies]\nserde='1'\ntracing='0.1'\n",
            ),
            ("a/src/main.rs", "fn main(){}"),
            ("a/src/bin/x.rs", "fn main(){}"),
            (
                "a-b/Cargo.toml",
                "[package]\nname='ab'\n[dependencies]\nrand='0.8'\n",
            ),
            ("b/package.json", r#"{"dependencies": {"express": "4"}}"#),
            ("top.txt", ""),
        ]);
        assert!(f.file("a/src/main.rs").is_some() && f.file("a/src").is_none());
        let under: Vec<&str> = f
            .files_with_prefix("a/")
            .iter()
            .map(|e| e.path.as_str())
            .collect();
        assert_eq!(under, ["a/Cargo.toml", "a/src/bin/x.rs", "a/src/main.rs"]);
        let direct: Vec<&str> = f.files_in_dir("a/src").map(|e| e.path.as_str()).collect();
        assert_eq!(direct, ["a/src/main.rs"]);
        let root: Vec<&str> = f.files_in_dir("").map(|e| e.path.as_str()).collect();
        assert_eq!(root, ["top.txt"]);
        for manifest in ["a/Cargo.toml", "a-b/Cargo.toml", "b/package.json", "none"] {
            let scanned: Vec<&str> = f
                .dependencies()
                .items
                .iter()
                .filter(|d| d.manifest == manifest)
                .map(|d| d.name.as_str())
                .collect();
            let indexed: Vec<&str> = f
                .dependencies_of(manifest)
                .iter()
                .map(|d| d.name.as_str())
                .collect();
            assert_eq!(indexed, scanned, "{manifest}");
        }
        assert_eq!(f.dependencies_of("a/Cargo.toml").len(), 2);
    }
}
