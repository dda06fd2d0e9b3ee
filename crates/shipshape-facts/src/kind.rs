//! What a file is, decided from its path alone (content refines YAML later).

use serde::Serialize;

/// Programming language of a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Rust,
    Go,
    Python,
    JavaScript,
    TypeScript,
    Java,
    Kotlin,
    Scala,
    CSharp,
    Ruby,
    Php,
    C,
    Cpp,
    Swift,
    Elixir,
    Shell,
}

/// A package ecosystem, as manifests and lockfiles name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Ecosystem {
    Cargo,
    Npm,
    Python,
    Go,
    Maven,
    Gradle,
    Ruby,
    Composer,
    Nuget,
    /// Elixir/Erlang: `mix.exs`, `mix.lock`.
    Hex,
}

impl Ecosystem {
    /// Name as used by Dependabot's `package-ecosystem`.
    pub fn dependabot_name(self) -> &'static str {
        match self {
            Ecosystem::Cargo => "cargo",
            Ecosystem::Npm => "npm",
            Ecosystem::Python => "pip",
            Ecosystem::Go => "gomod",
            Ecosystem::Maven => "maven",
            Ecosystem::Gradle => "gradle",
            Ecosystem::Ruby => "bundler",
            Ecosystem::Composer => "composer",
            Ecosystem::Nuget => "nuget",
            Ecosystem::Hex => "mix",
        }
    }

    /// Every Dependabot `package-ecosystem` value that updates this ecosystem's
    /// manifests (`bun` for npm projects, `uv`/`poetry`/`pipenv` for Python ones).
    pub fn dependabot_names(self) -> &'static [&'static str] {
        match self {
            Ecosystem::Cargo => &["cargo"],
            Ecosystem::Npm => &["npm", "bun"],
            Ecosystem::Python => &["pip", "uv", "poetry", "pipenv"],
            Ecosystem::Go => &["gomod"],
            Ecosystem::Maven => &["maven"],
            Ecosystem::Gradle => &["gradle"],
            Ecosystem::Ruby => &["bundler"],
            Ecosystem::Composer => &["composer"],
            Ecosystem::Nuget => &["nuget"],
            Ecosystem::Hex => &["mix"],
        }
    }
}

/// True when a Dependabot entry of `package_ecosystem` with `directory` (or one of
/// `directories`, `*` globs accepted) covers the manifests in `dir` (repository-relative,
/// `""` for the root). An entry covers its own directory; the ecosystems whose
/// workspaces Dependabot follows from the root (npm/bun, Cargo, Maven, Gradle, mix,
/// NuGet, uv) also cover the directories below it. Go modules, Python, Bundler, Composer,
/// Docker and Terraform entries read their directory only (navidrome's `gomod` at `/`
/// does not update `plugins/pdk/go/go.mod`), unless the entry is a glob.
/// A `github-actions` entry reads `<directory>/.github/workflows`, and Dependabot takes
/// `/.github/workflows` itself for the root's (navidrome's entry), so both name the
/// root's workflows.
pub fn dependabot_covers(package_ecosystem: &str, directory: &str, dir: &str) -> bool {
    let d = directory
        .trim()
        .trim_start_matches('/')
        .trim_end_matches('/');
    let d = if package_ecosystem == "github-actions" {
        d.strip_suffix(".github/workflows")
            .map_or(d, |rest| rest.trim_end_matches('/'))
    } else {
        d
    };
    let (d, glob) = match d.find('*') {
        Some(at) => (d[..at].trim_end_matches('/'), true),
        None => (d, false),
    };
    let exact_only = matches!(
        package_ecosystem,
        "gomod"
            | "pip"
            | "poetry"
            | "pipenv"
            | "bundler"
            | "composer"
            | "docker"
            | "docker-compose"
            | "terraform"
    ) && !glob;
    if exact_only {
        return dir == d;
    }
    d.is_empty() || dir == d || dir.starts_with(&format!("{d}/"))
}

/// A CI system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CiSystem {
    GithubActions,
    GitlabCi,
    CircleCi,
    Jenkins,
    AzurePipelines,
    Bitbucket,
    Buildkite,
    Drone,
    Woodpecker,
    Travis,
    CloudBuild,
    Tekton,
}

impl CiSystem {
    pub fn title(self) -> &'static str {
        match self {
            CiSystem::GithubActions => "GitHub Actions",
            CiSystem::GitlabCi => "GitLab CI",
            CiSystem::CircleCi => "CircleCI",
            CiSystem::Jenkins => "Jenkins",
            CiSystem::AzurePipelines => "Azure Pipelines",
            CiSystem::Bitbucket => "Bitbucket Pipelines",
            CiSystem::Buildkite => "Buildkite",
            CiSystem::Drone => "Drone",
            CiSystem::Woodpecker => "Woodpecker",
            CiSystem::Travis => "Travis CI",
            CiSystem::CloudBuild => "Cloud Build",
            CiSystem::Tekton => "Tekton",
        }
    }
}

/// Text key-material files (PEM) up to this size are kept; larger ones are listed only.
pub const KEY_MATERIAL_KEEP: u64 = 64 * 1024;

/// What a file is. Decided once, during the walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "of")]
pub enum FileKind {
    Source(Lang),
    Manifest(Ecosystem),
    Lockfile(Ecosystem),
    Ci(CiSystem),
    Dockerfile,
    Compose,
    /// YAML not yet recognised as anything more specific.
    Yaml,
    /// YAML holding at least one Kubernetes object (`apiVersion` + `kind`).
    Kubernetes,
    HelmChart,
    HelmValues,
    HelmTemplate,
    PrometheusRules,
    Slo,
    GrafanaDashboard,
    Codeowners,
    CatalogInfo,
    DependencyBot,
    Readme,
    License,
    Changelog,
    Contributing,
    SecurityPolicy,
    /// Other documentation (Markdown, reStructuredText, AsciiDoc, text under docs/).
    Doc,
    ApiSpec,
    Toolchain,
    EnvFile,
    /// A file that by name or extension holds key material (`*.pem`, `id_rsa`, `*.p12`...).
    KeyMaterial,
    Migration,
    Makefile,
    ShipshapeConfig,
    Terraform,
    /// Jsonnet outside dashboards (monitoring mixins: alerts and rules as code).
    Jsonnet,
    Other,
}

impl FileKind {
    /// Kinds whose text is kept in memory after the walk for checks to parse.
    /// Files whose text is searched for code signals ([`crate::signals`]): source, build
    /// and CI definitions, Dockerfiles.
    pub fn carries_signals(self) -> bool {
        matches!(
            self,
            FileKind::Source(_) | FileKind::Makefile | FileKind::Ci(_) | FileKind::Dockerfile
        )
    }

    /// Source files are not kept: their signals are extracted during the walk.
    /// Key material is kept when it is text (PEM) so that a certificate can be told
    /// from a private key; the walk keeps at most [`KEY_MATERIAL_KEEP`] bytes of it.
    pub fn keeps_text(self) -> bool {
        !matches!(self, FileKind::Source(_) | FileKind::Other | FileKind::Yaml)
    }
}

/// An Elixir configuration script (`config/config.exs`, `config/runtime.exs`,
/// `apps/x/config/prod.exs`): source by kind, but its text is kept like other
/// configuration, since what it sets (and what `runtime.exs` replaces from the
/// environment) decides whether a literal in it is a live secret.
pub fn is_elixir_config(path: &str) -> bool {
    let Some(rest) = path.strip_suffix(".exs") else {
        return false;
    };
    let dir = rest.rsplit_once('/').map_or("", |(d, _)| d);
    dir == "config" || dir.ends_with("/config")
}

fn lang_of_ext(ext: &str) -> Option<Lang> {
    Some(match ext {
        "rs" => Lang::Rust,
        "go" => Lang::Go,
        "py" | "pyi" => Lang::Python,
        "js" | "mjs" | "cjs" | "jsx" => Lang::JavaScript,
        "ts" | "mts" | "cts" | "tsx" => Lang::TypeScript,
        "java" => Lang::Java,
        "kt" | "kts" => Lang::Kotlin,
        "scala" => Lang::Scala,
        "cs" => Lang::CSharp,
        "rb" => Lang::Ruby,
        "php" => Lang::Php,
        "c" | "h" => Lang::C,
        "cc" | "cpp" | "cxx" | "hpp" | "hh" => Lang::Cpp,
        "swift" => Lang::Swift,
        "ex" | "exs" => Lang::Elixir,
        "sh" | "bash" | "zsh" => Lang::Shell,
        _ => return None,
    })
}

/// Classify a repository-relative, `/`-separated path.
pub fn classify(path: &str) -> FileKind {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let dir = lower.strip_suffix(name).unwrap_or("");
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    let is_yaml = matches!(ext, "yml" | "yaml");

    // CI definitions first: their paths are the most specific.
    if is_yaml && (dir.ends_with(".github/workflows/") || dir == ".github/workflows/") {
        return FileKind::Ci(CiSystem::GithubActions);
    }
    if name == ".gitlab-ci.yml"
        || name == ".gitlab-ci.yaml"
        || (is_yaml && dir.contains(".gitlab/ci/"))
    {
        return FileKind::Ci(CiSystem::GitlabCi);
    }
    if dir.ends_with(".circleci/") && is_yaml {
        return FileKind::Ci(CiSystem::CircleCi);
    }
    if name == "jenkinsfile" || name.starts_with("jenkinsfile.") || ext == "jenkinsfile" {
        return FileKind::Ci(CiSystem::Jenkins);
    }
    if name == "azure-pipelines.yml"
        || name == "azure-pipelines.yaml"
        || (is_yaml && dir.ends_with(".azure-pipelines/"))
    {
        return FileKind::Ci(CiSystem::AzurePipelines);
    }
    if name == "bitbucket-pipelines.yml" {
        return FileKind::Ci(CiSystem::Bitbucket);
    }
    if is_yaml
        && (dir.ends_with(".buildkite/") || name == "buildkite.yml" || name == "buildkite.yaml")
    {
        return FileKind::Ci(CiSystem::Buildkite);
    }
    if name == ".drone.yml" || name == ".drone.yaml" {
        return FileKind::Ci(CiSystem::Drone);
    }
    if name == ".woodpecker.yml"
        || name == ".woodpecker.yaml"
        || (is_yaml && dir.ends_with(".woodpecker/"))
    {
        return FileKind::Ci(CiSystem::Woodpecker);
    }
    if name == ".travis.yml" {
        return FileKind::Ci(CiSystem::Travis);
    }
    if name == "cloudbuild.yaml" || name == "cloudbuild.yml" || name == "cloudbuild.json" {
        return FileKind::Ci(CiSystem::CloudBuild);
    }
    if is_yaml && dir.ends_with(".tekton/") {
        return FileKind::Ci(CiSystem::Tekton);
    }

    match name {
        "cargo.toml" => return FileKind::Manifest(Ecosystem::Cargo),
        "package.json" => return FileKind::Manifest(Ecosystem::Npm),
        "pyproject.toml" | "setup.py" | "setup.cfg" | "pipfile" => {
            return FileKind::Manifest(Ecosystem::Python);
        }
        "go.mod" => return FileKind::Manifest(Ecosystem::Go),
        "pom.xml" => return FileKind::Manifest(Ecosystem::Maven),
        // `settings.gradle` lists a multi-project build's subprojects (unit discovery).
        "build.gradle" | "build.gradle.kts" | "settings.gradle" | "settings.gradle.kts" => {
            return FileKind::Manifest(Ecosystem::Gradle);
        }
        "gemfile" => return FileKind::Manifest(Ecosystem::Ruby),
        "composer.json" => return FileKind::Manifest(Ecosystem::Composer),
        "mix.exs" => return FileKind::Manifest(Ecosystem::Hex),
        "cargo.lock" => return FileKind::Lockfile(Ecosystem::Cargo),
        "package-lock.json"
        | "npm-shrinkwrap.json"
        | "yarn.lock"
        | "pnpm-lock.yaml"
        | "bun.lock" => {
            return FileKind::Lockfile(Ecosystem::Npm);
        }
        "poetry.lock" | "uv.lock" | "pipfile.lock" | "pdm.lock" => {
            return FileKind::Lockfile(Ecosystem::Python);
        }
        "go.sum" => return FileKind::Lockfile(Ecosystem::Go),
        "gemfile.lock" => return FileKind::Lockfile(Ecosystem::Ruby),
        "composer.lock" => return FileKind::Lockfile(Ecosystem::Composer),
        "mix.lock" => return FileKind::Lockfile(Ecosystem::Hex),
        "gradle.lockfile" => return FileKind::Lockfile(Ecosystem::Gradle),
        "packages.lock.json" => return FileKind::Lockfile(Ecosystem::Nuget),
        "codeowners" => return FileKind::Codeowners,
        "catalog-info.yaml" | "catalog-info.yml" | ".opslevel.yml" | ".opslevel.yaml"
        | "cortex.yaml" | "cortex.yml" => {
            return FileKind::CatalogInfo;
        }
        "dependabot.yml" | "dependabot.yaml" | "renovate.json" | "renovate.json5"
        | ".renovaterc" | ".renovaterc.json" => {
            return FileKind::DependencyBot;
        }
        "chart.yaml" => return FileKind::HelmChart,
        "docker-compose.yml" | "docker-compose.yaml" | "compose.yml" | "compose.yaml" => {
            return FileKind::Compose;
        }
        "rust-toolchain"
        | "rust-toolchain.toml"
        | ".nvmrc"
        | ".node-version"
        | ".python-version"
        | ".tool-versions"
        | ".java-version"
        | ".ruby-version"
        | ".go-version"
        | ".terraform-version" => {
            return FileKind::Toolchain;
        }
        "makefile" | "gnumakefile" | "justfile" | "taskfile.yml" | "taskfile.yaml" => {
            return FileKind::Makefile;
        }
        "shipshape.toml" => return FileKind::ShipshapeConfig,
        "id_rsa" | "id_dsa" | "id_ecdsa" | "id_ed25519" => return FileKind::KeyMaterial,
        _ => {}
    }
    if name.starts_with("requirements") && (ext == "txt" || ext == "in") {
        return FileKind::Manifest(Ecosystem::Python);
    }
    if ext == "csproj" || ext == "fsproj" || ext == "vbproj" {
        return FileKind::Manifest(Ecosystem::Nuget);
    }
    // `dockerfile.ex` (livebook's Elixir module that writes Dockerfiles) is source code.
    if name == "dockerfile"
        || name == "containerfile"
        || (name.starts_with("dockerfile.")
            && lang_of_ext(ext).is_none()
            // BuildKit's per-Dockerfile ignore file (authelia's
            // `Dockerfile.coverage.dockerignore`) is no Dockerfile.
            && ext != "dockerignore")
        || name.ends_with(".dockerfile")
        // ory/kratos's `.docker/Dockerfile-alpine`, `Dockerfile-distroless-static`.
        || ((name.starts_with("dockerfile-") || name.starts_with("containerfile-"))
            && lang_of_ext(ext).is_none()
            && ext != "dockerignore")
    {
        return FileKind::Dockerfile;
    }
    if (name.starts_with("docker-compose.") || name.starts_with("compose.")) && is_yaml {
        return FileKind::Compose;
    }
    let env_template = [
        "example", "sample", "template", "dist", "defaults", "schema", "tpl",
    ];
    if (name == ".env" || name.starts_with(".env.") || name.ends_with(".env"))
        && !env_template.contains(&ext)
    {
        return FileKind::EnvFile;
    }
    if matches!(
        ext,
        "pem" | "key" | "p12" | "pfx" | "jks" | "keystore" | "ppk"
    ) {
        return FileKind::KeyMaterial;
    }
    if matches!(ext, "tf" | "hcl") {
        return FileKind::Terraform;
    }
    // Helm chart contents.
    if (dir.contains("/templates/") || dir.starts_with("templates/")) && (is_yaml || ext == "tpl") {
        return FileKind::HelmTemplate;
    }
    if name.starts_with("values") && is_yaml {
        return FileKind::HelmValues;
    }
    if (dir.contains("migrations/")
        || dir.contains("db/migration/")
        || dir.contains("migrate/")
        || dir.contains("db/migrate")
        || dir.contains("alembic/versions")
        || dir.contains("changelog/") && dir.contains("db"))
        && matches!(
            ext,
            "sql"
                | "py"
                | "rb"
                | "js"
                | "ts"
                | "go"
                | "cs"
                | "xml"
                | "yaml"
                | "yml"
                | "exs"
                | "php"
        )
    {
        return FileKind::Migration;
    }
    // `store/migration/postgres/0.21/00__user_description.sql` (usememos/memos): SQL under
    // a `migration/` directory of any depth. Only SQL: code in such a directory is as
    // often the migration tool as a migration.
    if ext == "sql" && (dir.starts_with("migration/") || dir.contains("/migration/")) {
        return FileKind::Migration;
    }
    let stem = name.split('.').next().unwrap_or(name);
    let is_doc_ext =
        matches!(ext, "md" | "markdown" | "rst" | "adoc" | "txt" | "org") || !name.contains('.');
    if is_doc_ext || name.starts_with("license") || name.starts_with("copying") {
        match stem {
            "readme" => return FileKind::Readme,
            "license" | "licence" | "copying" | "unlicense" => return FileKind::License,
            "changelog" | "changes" | "history" | "news" | "releases" | "release-notes" => {
                return FileKind::Changelog;
            }
            "contributing" | "contribute" => return FileKind::Contributing,
            "security" => return FileKind::SecurityPolicy,
            _ => {}
        }
    }
    if name.starts_with("license-") || name.starts_with("license_") {
        return FileKind::License;
    }
    if (name.starts_with("openapi") || name.starts_with("swagger") || name.starts_with("asyncapi"))
        && (is_yaml || ext == "json")
    {
        return FileKind::ApiSpec;
    }
    if matches!(ext, "proto" | "graphql" | "graphqls" | "gql") {
        return FileKind::ApiSpec;
    }
    if let Some(lang) = lang_of_ext(ext) {
        return FileKind::Source(lang);
    }
    // MDX is Markdown with components: the pages of Docusaurus, Starlight and Nextra
    // documentation sites (homebox's configuration guide, documenso's backups page).
    if matches!(ext, "md" | "markdown" | "mdx" | "rst" | "adoc") {
        return FileKind::Doc;
    }
    if ext == "json" && (dir.contains("dashboard") || name.contains("dashboard")) {
        return FileKind::GrafanaDashboard;
    }
    if (ext == "jsonnet" || ext == "libsonnet")
        && (dir.contains("dashboard") || name.contains("dashboard"))
    {
        return FileKind::GrafanaDashboard;
    }
    if ext == "jsonnet" || ext == "libsonnet" {
        return FileKind::Jsonnet;
    }
    if is_yaml {
        return FileKind::Yaml;
    }
    FileKind::Other
}

/// Refine a generic YAML file by its content (called with the first few KiB).
pub fn refine_yaml(path: &str, head: &str) -> FileKind {
    let has_line = |needle: &str| head.lines().any(|l| l.trim_start().starts_with(needle));
    if has_line("apiVersion:") && has_line("kind:") {
        if head.contains("openslo/")
            || head.contains("sloth.slok.dev")
            || head.contains("pyrra.dev")
        {
            return FileKind::Slo;
        }
        if head.contains("kind: PrometheusRule") {
            return FileKind::PrometheusRules;
        }
        if head.contains("kind: Kustomization") {
            return FileKind::Kubernetes;
        }
        return FileKind::Kubernetes;
    }
    if has_line("groups:") && (head.contains("alert:") || head.contains("record:")) {
        return FileKind::PrometheusRules;
    }
    if has_line("service:") && has_line("slos:") {
        return FileKind::Slo;
    }
    if has_line("services:") && (head.contains("image:") || head.contains("build:")) {
        return FileKind::Compose;
    }
    // An Azure Pipelines definition under another name (dotnet/eShop's root `ci.yml`): a
    // top-level `trigger:` or `pr:` (no other CI system has one) with the pipeline's
    // `stages:`, `jobs:`, `steps:` or `extends:`.
    let top = |key: &str| head.lines().any(|l| l.starts_with(key));
    if (top("trigger:") || top("pr:"))
        && (top("stages:") || top("jobs:") || top("steps:") || top("extends:"))
    {
        return FileKind::Ci(CiSystem::AzurePipelines);
    }
    if head.lines().any(yaml_api_version_line) {
        return FileKind::ApiSpec;
    }
    let lower = path.to_ascii_lowercase();
    if lower.contains("kustomization.") {
        return FileKind::Kubernetes;
    }
    FileKind::Yaml
}

/// The top-level keys that open an API description, each followed by the version of its
/// specification: `openapi: 3.0.0`, `swagger: "2.0"`, `asyncapi: 2.6.0`.
const API_SPEC_KEYS: [&str; 3] = ["openapi", "swagger", "asyncapi"];

/// A YAML line that opens an API description: one of [`API_SPEC_KEYS`] at column 0 (a
/// top-level key, not `swagger:` nested in a chart's values) whose value is a version
/// number (not `swagger: {enabled: true}`).
fn yaml_api_version_line(line: &str) -> bool {
    API_SPEC_KEYS.iter().any(|key| {
        line.strip_prefix(key)
            .and_then(|rest| rest.strip_prefix(':'))
            .is_some_and(|value| starts_with_version(value.trim_start()))
    })
}

/// `3.1.0`, `"2.0"`, `'3.0'`: a specification version, quoted or not.
fn starts_with_version(value: &str) -> bool {
    let value = value.trim_start_matches(['"', '\'']);
    let mut chars = value.chars();
    chars.next().is_some_and(|c| c.is_ascii_digit()) && chars.next().is_some_and(|c| c == '.')
}

/// Refine a file the name alone left as [`FileKind::Other`] by its content (called with the
/// first few KiB): a JSON document whose top-level object opens with an API description's
/// version key (`{"swagger": "2.0", …}`, `{"openapi": "3.1.0", …}`) is an API spec whatever
/// its name (gotify's `docs/spec.json`).
pub fn refine_other(path: &str, head: &[u8]) -> FileKind {
    let is_json = path
        .rsplit_once('.')
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("json"));
    if is_json && json_api_spec(&String::from_utf8_lossy(head)) {
        return FileKind::ApiSpec;
    }
    FileKind::Other
}

/// Whether a JSON text's top-level object has one of [`API_SPEC_KEYS`] with a version string.
/// Only keys at depth 1 count (a `"swagger"` inside `"paths"` or a package's `"scripts"`
/// does not), and only the text seen so far is read: a document cut in the middle is judged
/// on its first keys, which is where these keys are written.
fn json_api_spec(head: &str) -> bool {
    let bytes = head.trim_start_matches('\u{feff}').trim_start().as_bytes();
    if bytes.first() != Some(&b'{') {
        return false;
    }
    let mut depth = 0usize;
    let mut i = 0;
    // The last string seen at depth 1 in key position, waiting for its `:`.
    let mut key: Option<&[u8]> = None;
    let mut expect_key = false;
    while i < bytes.len() {
        match bytes[i] {
            b'{' | b'[' => {
                depth += 1;
                expect_key = depth == 1 && bytes[i] == b'{';
                key = None;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return false;
                }
            }
            b',' => expect_key = depth == 1,
            b':' if depth == 1 => {
                if let Some(k) = key.take()
                    && API_SPEC_KEYS.iter().any(|want| want.as_bytes() == k)
                {
                    let rest = &head[head.len() - bytes.len() + i + 1..];
                    let value = rest.trim_start();
                    return value.starts_with('"') && starts_with_version(value);
                }
                expect_key = false;
            }
            b'"' => {
                let start = i + 1;
                i = start;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if depth == 1 && expect_key {
                    key = bytes.get(start..i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// navidrome's `github-actions` entry at `/.github/workflows` names the root's
    /// workflows, as `/` does; a member directory's workflows are its own.
    #[test]
    fn github_actions_entries_name_the_workflows_of_a_directory() {
        for directory in ["/", "/.github/workflows", ".github/workflows/"] {
            assert!(
                dependabot_covers("github-actions", directory, ""),
                "{directory}"
            );
        }
        assert!(dependabot_covers(
            "github-actions",
            "/web/.github/workflows",
            "web"
        ));
        assert!(!dependabot_covers("gomod", "/.github/workflows", ""));
    }

    #[test]
    fn azure_pipelines_are_known_by_their_content() {
        let eshop = "trigger:\n  batch: true\n  branches:\n    include:\n    - main\n\nextends:\n  template: v1/1ES.Unofficial.PipelineTemplate.yml@1esPipelines\n";
        assert_eq!(
            refine_yaml("ci.yml", eshop),
            FileKind::Ci(CiSystem::AzurePipelines)
        );
        // A GitLab job's `trigger:` is indented; a GitHub workflow has `on:`.
        let gitlab = "stages: [build]\ndeploy:\n  trigger: other/project\n";
        assert_eq!(refine_yaml("pipelines/x.yml", gitlab), FileKind::Yaml);
        let gha = "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n";
        assert_eq!(refine_yaml("x.yml", gha), FileKind::Yaml);
    }

    #[test]
    fn classifies_common_paths() {
        let cases = [
            (
                ".github/workflows/ci.yml",
                FileKind::Ci(CiSystem::GithubActions),
            ),
            (".gitlab-ci.yml", FileKind::Ci(CiSystem::GitlabCi)),
            ("Jenkinsfile", FileKind::Ci(CiSystem::Jenkins)),
            ("svc/Dockerfile", FileKind::Dockerfile),
            (
                "docs/src/content/docs/en/quick-start/configure/index.mdx",
                FileKind::Doc,
            ),
            // go-shiori/shiori (#13): its contributing guide is `docs/Contribute.md`.
            ("docs/Contribute.md", FileKind::Contributing),
            ("Dockerfile.prod", FileKind::Dockerfile),
            (".docker/Dockerfile-alpine", FileKind::Dockerfile),
            ("Containerfile-build", FileKind::Dockerfile),
            ("Dockerfile.coverage.dockerignore", FileKind::Other),
            // livebook (#13): an Elixir module named after what it writes.
            (
                "lib/livebook/hubs/dockerfile.ex",
                FileKind::Source(Lang::Elixir),
            ),
            ("Cargo.toml", FileKind::Manifest(Ecosystem::Cargo)),
            ("web/package-lock.json", FileKind::Lockfile(Ecosystem::Npm)),
            (
                "requirements-dev.txt",
                FileKind::Manifest(Ecosystem::Python),
            ),
            ("README.md", FileKind::Readme),
            ("LICENSE", FileKind::License),
            ("LICENSE-MIT", FileKind::License),
            ("CHANGELOG.md", FileKind::Changelog),
            (".github/CODEOWNERS", FileKind::Codeowners),
            ("src/main.rs", FileKind::Source(Lang::Rust)),
            (".env", FileKind::EnvFile),
            (".env.production", FileKind::EnvFile),
            (".env.example", FileKind::Other),
            (".env.sample", FileKind::Other),
            ("config/prod.env", FileKind::EnvFile),
            ("certs/server.pem", FileKind::KeyMaterial),
            ("deploy/app.yaml", FileKind::Yaml),
            ("chart/templates/deploy.yaml", FileKind::HelmTemplate),
            ("db/migrations/001_init.sql", FileKind::Migration),
            (
                "store/migration/postgres/0.21/00__user_description.sql",
                FileKind::Migration,
            ),
            ("tools/migration/main.go", FileKind::Source(Lang::Go)),
            ("api/openapi.yaml", FileKind::ApiSpec),
            ("docs/SECURITY.md", FileKind::SecurityPolicy),
            ("rust-toolchain.toml", FileKind::Toolchain),
        ];
        for (path, want) in cases {
            assert_eq!(classify(path), want, "{path}");
        }
    }

    #[test]
    fn refines_yaml_by_content() {
        assert_eq!(
            refine_yaml("a.yaml", "apiVersion: apps/v1\nkind: Deployment\n"),
            FileKind::Kubernetes
        );
        assert_eq!(
            refine_yaml("r.yaml", "groups:\n- name: x\n  rules:\n  - alert: Down\n"),
            FileKind::PrometheusRules
        );
        assert_eq!(refine_yaml("x.yaml", "foo: bar\n"), FileKind::Yaml);
    }

    /// #13: listmonk's `docs/swagger/collections.yaml` and gotify's `docs/spec.json` are API
    /// descriptions under names the classifier did not know; the content decides.
    #[test]
    fn api_descriptions_are_known_by_their_version_key() {
        assert_eq!(
            refine_yaml(
                "docs/swagger/collections.yaml",
                "openapi: 3.0.0\ninfo:\n  title: x\n"
            ),
            FileKind::ApiSpec
        );
        assert_eq!(
            refine_yaml("api.yml", "# generated\nswagger: \"2.0\"\npaths: {}\n"),
            FileKind::ApiSpec
        );
        assert_eq!(
            refine_yaml("events.yaml", "asyncapi: '2.6.0'\n"),
            FileKind::ApiSpec
        );
        // A chart's values that switch a Swagger UI on, a nested key, a key in a sentence.
        assert_eq!(
            refine_yaml("values.yaml", "swagger:\n  enabled: true\n"),
            FileKind::Yaml
        );
        assert_eq!(
            refine_yaml("values.yaml", "api:\n  openapi: 3.0.0\n"),
            FileKind::Yaml
        );
        assert_eq!(refine_yaml("c.yaml", "swagger: true\n"), FileKind::Yaml);

        let gotify = "{\n    \"consumes\": [\n        \"application/json\"\n    ],\n    \"swagger\": \"2.0\",\n    \"info\": {";
        assert_eq!(
            refine_other("docs/spec.json", gotify.as_bytes()),
            FileKind::ApiSpec
        );
        assert_eq!(
            refine_other(
                "openapi.gen.json",
                "\u{feff}{\"openapi\":\"3.1.0\"}".as_bytes()
            ),
            FileKind::ApiSpec
        );
        // Nested, in a string, in an array, with a non-version value, not JSON.
        let nested = "{\"scripts\": {\"swagger\": \"2.0\"}, \"name\": \"x\"}";
        assert_eq!(
            refine_other("package.json", nested.as_bytes()),
            FileKind::Other
        );
        let in_string = "{\"description\": \"\\\"openapi\\\": \\\"3.0\\\"\", \"x\": 1}";
        assert_eq!(
            refine_other("a.json", in_string.as_bytes()),
            FileKind::Other
        );
        assert_eq!(
            refine_other("a.json", "[{\"openapi\": \"3.0.0\"}]".as_bytes()),
            FileKind::Other
        );
        assert_eq!(
            refine_other("a.json", "{\"openapi\": true}".as_bytes()),
            FileKind::Other
        );
        assert_eq!(
            refine_other(
                "a.json",
                "{\"value\": \"openapi\", \"swagger\": 1}".as_bytes()
            ),
            FileKind::Other
        );
        assert_eq!(
            refine_other("a.txt", "{\"openapi\": \"3.0.0\"}".as_bytes()),
            FileKind::Other
        );
    }
}
