//! File roles, decided once: is a path production code, or a test, an example,
//! documentation, development tooling, a build-only helper, a template?
//!
//! Every consumer that asks "does this file describe what runs in production" asks
//! [`role_of`], which answers from the path alone (cheap, allocation-free, asked of
//! every file) with the reason, so that `shipshape paths` can show a user why a file
//! was or was not judged. A check or the unit discovery never keeps a path list of
//! its own for these questions.
//!
//! The order of the tests is the order of precedence: a test under `examples/` is a
//! test; a Dockerfile under `e2e/` is development tooling.

use crate::signals::is_test_path;
use std::borrow::Cow;

/// What a file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Shipped or deployed: the default.
    Production,
    /// Tests and their fixtures.
    Test,
    /// Examples and samples.
    Example,
    /// Documentation prose.
    Documentation,
    /// Development tooling: dev containers, local scripts (`hack/`), end-to-end and
    /// browser-test harnesses, REST-client request files.
    DevTooling,
    /// Files that only build a package or generate code (package-build containers,
    /// code generators).
    BuildOnly,
    /// Templates rendered into the real file (`Dockerfile.j2`, `*.tmpl`).
    Template,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Production,
        Role::Test,
        Role::Example,
        Role::Documentation,
        Role::DevTooling,
        Role::BuildOnly,
        Role::Template,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Production => "production",
            Role::Test => "test",
            Role::Example => "example",
            Role::Documentation => "documentation",
            Role::DevTooling => "dev-tooling",
            Role::BuildOnly => "build-only",
            Role::Template => "template",
        }
    }

    /// True for what describes the shipped software.
    pub fn is_production(self) -> bool {
        self == Role::Production
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                let names: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
                format!("unknown role `{s}`: use one of {}", names.join(", "))
            })
    }
}

/// Directory names of test scenarios and suites.
const TEST_SUITE_DIRS: &[&str] = &["scenarios", "suites"];
/// Directory names of examples and samples.
const EXAMPLE_DIRS: &[&str] = &["examples", "example", "samples", "sample", "demo", "demos"];
/// Directory names of documentation.
const DOC_DIRS: &[&str] = &["docs", "doc", "documentation", "website"];
/// Directory names of development tooling: local scripts, dev containers, end-to-end
/// and browser-test harnesses, load generators run against a dev stack.
const DEV_DIRS: &[&str] = &[
    ".devcontainer",
    "hack",
    "e2e",
    "e2e-tests",
    "e2e_tests",
    "playwright",
    "cypress",
    "integration-tests",
    "integration_tests",
    "dev",
    ".dev",
    // Semgrep rules and the sample code they are tested on (saleor `.semgrep/`).
    ".semgrep",
    // CI's own tooling (firefly-iii's `.ci/php-cs-fixer/composer.json`).
    ".ci",
];
/// Directory names of package builds and code generation.
const BUILD_DIRS: &[&str] = &[
    "packaging",
    "debian",
    "rpm",
    "genproto",
    "gen-proto",
    "protogen",
    "proto-gen",
    "codegen",
    "code-gen",
];
/// True for a Dockerfile whose name says it is for development, tests or CI
/// (`Dockerfile.dev`, `dev.Dockerfile`, `Dockerfile.playwright`, `e2e.Dockerfile`).
fn is_dev_dockerfile_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if !(lower.contains("dockerfile") || lower.contains("containerfile")) {
        return false;
    }
    ["playwright", "cypress", "e2e"]
        .iter()
        .any(|w| lower.contains(w))
        || [
            ".dev",
            ".development",
            ".local",
            ".test",
            ".ci",
            ".debug",
            "-dev",
            "-test",
            "-debug",
        ]
        .iter()
        .any(|s| {
            lower.ends_with(s)
                || lower
                    .strip_prefix("dockerfile")
                    .or_else(|| lower.strip_prefix("containerfile"))
                    .is_some_and(|rest| rest.starts_with(s))
                || lower.strip_suffix(".dockerfile").is_some_and(|stem| {
                    matches!(
                        stem.trim_start_matches(['.', '-']),
                        "dev" | "development" | "local" | "test" | "ci" | "debug"
                    )
                })
        })
}

/// `compose.example.yml`, `.env.example`, `config.sample.toml`, `settings.py.sample`: a
/// file offered to copy and fill in, not the one in use.
///
/// A configuration file whose name starts with the word (`sample.yml`,
/// `sample-secrets-bundle.yml`, `example-config.toml`: signalapp/Signal-Server's
/// `service/config/`) is one too; source files are not (`SampleController.java`,
/// `examples.rs` are code that runs).
fn is_example_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    // `.env.template`, `.env.dist` (Symfony): the env file to copy.
    if lower.starts_with(".env") && (lower.ends_with(".template") || lower.ends_with(".dist")) {
        return true;
    }
    if [
        ".example", ".sample", "-example", "_example", "-sample", "_sample",
    ]
    .iter()
    .any(|m| lower.ends_with(m) || lower.contains(&format!("{m}.")))
    {
        return true;
    }
    let (stem, ext) = lower.rsplit_once('.').unwrap_or((lower.as_str(), ""));
    let config_ext = [
        "yml",
        "yaml",
        "json",
        "toml",
        "ini",
        "conf",
        "cfg",
        "env",
        "properties",
        "xml",
    ]
    .contains(&ext);
    config_ext
        && ["sample", "example"].iter().any(|w| {
            stem.strip_prefix(w)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['-', '_', '.']))
        })
}

/// Configuration of a development or test environment, by the frameworks' own naming:
/// Mix's `config/dev.exs`, `config/test.exs` (and any other `config/<env>.exs` but prod,
/// runtime, releases and staging: grafana/loki's neighbour hexpm/hexpm keeps a `hex.exs`
/// environment for its client tests), Rails' `config/environments/development.rb`,
/// Django's `settings/dev.py`, `appsettings.Development.json`, Spring's
/// `application-dev.yml`, `config.dev.json`, `docker-compose.dev.yml`. Values in them are written for a laptop or
/// a CI run.
fn is_dev_environment_config(dirs: &str, name: &str) -> bool {
    // Case-insensitive without allocating: asked of every file.
    let parent = dirs.rsplit('/').next().unwrap_or("");
    let parent_is = |p: &str| parent.eq_ignore_ascii_case(p);
    let stem = name.split('.').next().unwrap_or("");
    // Not `local`: a developer's local overrides (`settings/local.py`) hold their own
    // real credentials as often as samples.
    let dev = |s: &str| {
        ["dev", "development", "test", "testing"]
            .iter()
            .any(|d| s.eq_ignore_ascii_case(d))
    };
    if dev(stem) && (parent_is("config") || parent_is("environments") || parent_is("settings")) {
        return true;
    }
    // dotenv's environment files: `.env.test`, `.env.testing` (Laravel), `.env.ci`,
    // `.env.development` (Next.js, Vite). Not `.env.local` (see above) nor
    // `.env.production`.
    if let Some(env) = strip_prefix_ci(name, ".env.")
        && (dev(env)
            || ["ci", "e2e", "dev"]
                .iter()
                .any(|e| env.eq_ignore_ascii_case(e)))
    {
        return true;
    }
    // Mix: every `config/<env>.exs` but the production ones is another environment's.
    if parent_is("config") && ends_with_ci(name, ".exs") {
        let env = &name[..name.len() - ".exs".len()];
        if ![
            "config",
            "prod",
            "production",
            "runtime",
            "releases",
            "staging",
            "stage",
        ]
        .iter()
        .any(|e| env.eq_ignore_ascii_case(e))
        {
            return true;
        }
    }
    // `appsettings.Development.json`, `config.dev.json`, `docker-compose.dev.yml`.
    if (contains_ci(name, ".development.") || contains_ci(name, ".dev."))
        && !contains_ci(name, "dockerfile")
    {
        return true;
    }
    // Spring profiles: `application-dev.yml`, `application-test.properties`.
    if let Some(rest) =
        strip_prefix_ci(name, "application-").or_else(|| strip_prefix_ci(name, "bootstrap-"))
    {
        return dev(rest.split('.').next().unwrap_or(""));
    }
    false
}

/// Database seed data: sample rows for a development database (`priv/repo/seeds.exs`,
/// `db/seeds.rb`, Laravel's `database/seeders/`).
fn is_seed_data(dirs: &str, name: &str) -> bool {
    strip_prefix_ci(name, "seeds.").is_some() || dir_named(dirs, &["seeders", "seeds"]).is_some()
}

/// A key or certificate for `localhost` (`caddy.localhost.key`, `localhost-key.pem`): no
/// certificate authority issues one, so it can only serve a local test or dev setup. So
/// can one named as a development or self-signed key (fider's `etc/dev-fider-io.key`,
/// which only its TLS tests and CI load; Debian's `snakeoil`).
fn is_localhost_key_name(name: &str) -> bool {
    let dev_named = [
        "dev-",
        "dev_",
        "dev.",
        "selfsigned",
        "self-signed",
        "self_signed",
    ]
    .iter()
    .any(|p| strip_prefix_ci(name, p).is_some())
        || contains_ci(name, "snakeoil");
    (contains_ci(name, "localhost") || dev_named)
        && [".key", ".pem", ".crt", ".cert", ".der", ".p12", ".pfx"]
            .iter()
            .any(|e| ends_with_ci(name, e))
}

/// A role that a file's first bytes decide against its path: a test-data factory kept
/// beside production code (hexpm/hexpm's `lib/hexpm/factory.ex` is an ExMachina
/// factory with fixed TOTP secrets; Ruby's FactoryBot definitions). Only asked of files
/// whose path role is production, by the walk for every one of them: no allocation.
pub fn content_role(
    path: &str,
    kind: crate::kind::FileKind,
    head: &[u8],
) -> Option<(Role, &'static str)> {
    let find = |needle: &[u8]| memchr::memmem::find(head, needle).is_some();
    if (ends_with_ci(path, ".ex") || ends_with_ci(path, ".exs")) && find(b"use ExMachina") {
        return Some((Role::Test, "test-data factory (`use ExMachina`)"));
    }
    if ends_with_ci(path, ".rb") && find(b"FactoryBot.define") {
        return Some((Role::Test, "test-data factory (`FactoryBot.define`)"));
    }
    if ends_with_ci(path, ".go") && go_build_requires_test_tag(head) {
        return Some((
            Role::Test,
            "Go build constraint that requires a test tag (`//go:build e2etest`)",
        ));
    }
    if ends_with_ci(path, ".go") && go_imports_testing(head) {
        return Some((Role::Test, "Go test helper: imports the `testing` package"));
    }
    if let Some(server) = runs_development_server(kind, head) {
        return Some((Role::DevTooling, server));
    }
    if declares_development_only(head) {
        return Some((
            Role::DevTooling,
            "its opening comment says it is for development only",
        ));
    }
    None
}

/// Tags that only test builds set: a Go file built only with one of them is test code
/// (pocket-id's `backend/internal/service/e2etest_service.go`, `//go:build e2etest`,
/// seeds fixed e2e credentials; Kubernetes-style `//go:build integration`).
const GO_TEST_TAGS: &[&str] = &[
    "e2e",
    "e2etest",
    "e2e_test",
    "integration",
    "integration_test",
    "integrationtest",
    "test",
    "testing",
    "testonly",
    "acceptance",
    "unit",
];

/// True when a Go file imports the standard `testing` package: a test helper
/// (caddy's `caddytest/caddytest.go`, headscale's `integration/scenario.go`), which no
/// program that ships imports. Read from the import declarations before the first
/// declaration that is not one.
fn go_imports_testing(head: &[u8]) -> bool {
    let head = &head[..head.len().min(8192)];
    // Most files never name the package: no text conversion for them.
    if memchr::memmem::find(head, b"\"testing\"").is_none() {
        return false;
    }
    let text = String::from_utf8_lossy(head);
    let mut in_block = false;
    for line in text.lines() {
        let t = line.trim();
        if in_block {
            if t.starts_with(')') {
                in_block = false;
                continue;
            }
            let spec = t.split("//").next().unwrap_or("").trim();
            // `"testing"`, or with a name: `t "testing"`.
            if spec == "\"testing\"" || spec.ends_with(" \"testing\"") {
                return true;
            }
            continue;
        }
        if let Some(rest) = t.strip_prefix("import") {
            let rest = rest.trim();
            if rest.starts_with('(') {
                in_block = !rest.contains(')');
                continue;
            }
            if rest == "\"testing\"" || rest.ends_with(" \"testing\"") {
                return true;
            }
            continue;
        }
        if t.starts_with("func ")
            || t.starts_with("type ")
            || t.starts_with("var ")
            || t.starts_with("const ")
        {
            return false;
        }
    }
    false
}

/// True when the file's `//go:build` line (before the package clause) cannot be
/// satisfied without a test tag: the expression is a tag of [`GO_TEST_TAGS`], or an
/// `&&` of terms one of which is. `!e2etest` (built *without* the tag) and `a || e2e`
/// do not count.
fn go_build_requires_test_tag(head: &[u8]) -> bool {
    let head = &head[..head.len().min(4096)];
    if memchr::memmem::find(head, b"//go:build").is_none() {
        return false;
    }
    let text = String::from_utf8_lossy(head);
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with("package ") {
            return false;
        }
        let Some(expr) = t.strip_prefix("//go:build ") else {
            continue;
        };
        if expr.contains("||") {
            return false;
        }
        return expr
            .split("&&")
            .map(|term| term.trim().trim_matches(|c| c == '(' || c == ')').trim())
            .any(|term| GO_TEST_TAGS.contains(&term));
    }
    false
}

/// A Dockerfile whose image runs a development server: its last `CMD` or `ENTRYPOINT`
/// (the one the final stage inherits when it sets none) starts one. wallabag's
/// `docker/php/Dockerfile` runs `bin/console --env=dev server:run` with xdebug for its
/// development compose stack; its production image is built elsewhere. Such an image is
/// development tooling, like a dev container.
fn runs_development_server(kind: crate::kind::FileKind, head: &[u8]) -> Option<&'static str> {
    // What is a Dockerfile is the kind classifier's to say (not `Dockerfile.x.dockerignore`,
    // not livebook's `dockerfile.ex`); the walk has already asked it.
    if kind != crate::kind::FileKind::Dockerfile {
        return None;
    }
    let text = String::from_utf8_lossy(head);
    let command = text
        .lines()
        .map(str::trim_start)
        .rfind(|l| {
            strip_prefix_ci(l, "CMD").is_some() || strip_prefix_ci(l, "ENTRYPOINT").is_some()
        })?
        .to_ascii_lowercase();
    const DEV_SERVERS: &[(&str, &str)] = &[
        (
            "server:run",
            "its command runs the Symfony development server (`server:run`)",
        ),
        ("--env=dev", "its command runs with `--env=dev`"),
        (
            "runserver",
            "its command runs Django's development server (`runserver`)",
        ),
        (
            "artisan serve",
            "its command runs Laravel's development server (`artisan serve`)",
        ),
        (
            "next dev",
            "its command runs Next.js in development mode (`next dev`)",
        ),
        (
            "ng serve",
            "its command runs the Angular development server (`ng serve`)",
        ),
        (
            "nodemon",
            "its command runs under nodemon (reload on change)",
        ),
    ];
    // Exec form or shell form alike: `["php", "artisan", "serve"]` → `php artisan serve`.
    let words: Vec<&str> = command
        .split(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ',' | '[' | ']'))
        .filter(|w| !w.is_empty())
        .collect();
    let command = words.join(" ");
    DEV_SERVERS
        .iter()
        .find(|(marker, _)| command.contains(marker))
        .map(|(_, why)| *why)
}

/// The file's opening comment block says the file is for development only:
/// BookStack's `docker-compose.yml` ("intended for development purposes only"),
/// kestra's `Makefile` ("This file is intended for development purposes only"). Only
/// the comment lines before the first line of content count, so a sentence further
/// down (a string, a log message) never changes a file's role.
fn declares_development_only(head: &[u8]) -> bool {
    // The opening comment is in the first 40 lines: validate no more than 8 KiB of
    // them (the walk hands over whole files).
    let text = String::from_utf8_lossy(&head[..head.len().min(8192)]);
    let mut comment = String::new();
    for line in text.lines().take(40) {
        let t = line.trim_start();
        if t.is_empty() {
            continue;
        }
        let Some(body) = ["#", "//", "--", ";", "/*", "*", "<!--"]
            .iter()
            .find_map(|m| t.strip_prefix(m))
        else {
            break;
        };
        comment.push(' ');
        comment.push_str(body.trim());
    }
    let comment = comment.to_ascii_lowercase();
    [
        "for development purposes only",
        "for development only",
        "for local development only",
        "development use only",
        "not for production",
        "not intended for production",
        "do not use in production",
        "do not use this in production",
    ]
    .iter()
    .any(|p| comment.contains(p))
}

/// `s` contains `needle`, ASCII case-insensitively.
fn contains_ci(s: &str, needle: &str) -> bool {
    s.as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// `s` without the ASCII case-insensitive `prefix`.
fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    (s.len() >= prefix.len()
        && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes()))
    .then(|| &s[prefix.len()..])
}

/// File-name endings of templates.
const TEMPLATE_ENDINGS: &[&str] = &[".j2", ".jinja", ".jinja2", ".tmpl", ".tpl", ".mustache"];
/// File-name endings of documentation prose.
const DOC_ENDINGS: &[&str] = &[".md", ".markdown", ".mdx", ".rst", ".adoc", ".txt"];
/// File-name endings of REST-client request files (VS Code REST Client, JetBrains HTTP
/// client): samples a developer sends by hand.
const DEV_ENDINGS: &[&str] = &[".http", ".rest"];

fn ends_with_ci(name: &str, suffix: &str) -> bool {
    name.len() >= suffix.len()
        && name.as_bytes()[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

/// A directory named for tests in compound form: `helm-test`, `smoke_tests`,
/// `e2e-tests`, `test-utils`, `tests_integration` (grafana/loki's chart keeps its test
/// image in `src/helm-test/`). Plain words ending in "test" (`latest`, `contest`) are not.
fn compound_test_dir(dirs: &str) -> bool {
    dirs.split('/').any(|d| {
        let d = d.to_ascii_lowercase();
        ["-test", "_test", "-tests", "_tests"]
            .iter()
            .any(|s| d.len() > s.len() && d.ends_with(s))
            || ["test-", "test_", "tests-", "tests_"]
                .iter()
                .any(|p| d.len() > p.len() && d.starts_with(p))
    })
}

fn dir_named(dirs: &str, names: &[&str]) -> Option<&'static str> {
    // Directory segments only, any case, without allocating: asked of every file.
    dirs.split('/').filter(|d| !d.is_empty()).find_map(|d| {
        names
            .iter()
            .find(|n| d.eq_ignore_ascii_case(n))
            .map(|_| "directory")
    })
}

/// The role of a repository-relative, `/`-separated path, with the reason.
pub fn role_of(path: &str) -> (Role, &'static str) {
    let (dirs, name) = path.rsplit_once('/').unwrap_or(("", path));
    if is_test_path(path) {
        return (Role::Test, "test directory or test file name");
    }
    if compound_test_dir(dirs) {
        return (Role::Test, "test directory (`*-test`, `test_*`)");
    }
    // Test scenarios (grafana/loki's chart values) and end-to-end suites (authelia's
    // `internal/suites/`: each suite's configuration, PKI and compose files).
    if dir_named(dirs, TEST_SUITE_DIRS).is_some() {
        return (Role::Test, "test scenarios or suites directory");
    }
    if TEMPLATE_ENDINGS.iter().any(|e| ends_with_ci(name, e)) {
        return (Role::Template, "template file extension");
    }
    if dir_named(dirs, DEV_DIRS).is_some() {
        return (
            Role::DevTooling,
            "development-tooling directory (dev container, hack/, e2e or browser-test harness)",
        );
    }
    if DEV_ENDINGS.iter().any(|e| ends_with_ci(name, e)) {
        return (Role::DevTooling, "REST-client request file");
    }
    if is_dev_dockerfile_name(name) {
        return (
            Role::DevTooling,
            "Dockerfile named for development, tests or CI",
        );
    }
    if is_localhost_key_name(name) {
        return (
            Role::Test,
            "key or certificate for localhost or named for development (a local test fixture)",
        );
    }
    if is_dev_environment_config(dirs, name) {
        return (
            Role::DevTooling,
            "configuration of a development or test environment",
        );
    }
    if is_seed_data(dirs, name) {
        return (Role::DevTooling, "database seed data for development");
    }
    if dir_named(dirs, EXAMPLE_DIRS).is_some() {
        return (Role::Example, "examples/samples directory");
    }
    if is_example_name(name) {
        return (
            Role::Example,
            "example file name (`*.example.*`, `*.sample`)",
        );
    }
    if dir_named(dirs, BUILD_DIRS).is_some() {
        return (
            Role::BuildOnly,
            "package-build or code-generation directory",
        );
    }
    // A `.txt` file is prose unless it is a build input: pip requirements and
    // constraints (`requirements-dev.txt` was documentation, so no update bot had to
    // cover it), CMake lists.
    let lower = name.to_ascii_lowercase();
    let txt_input = lower.ends_with(".txt")
        && (lower.contains("requirements")
            || lower.starts_with("constraints")
            || lower == "cmakelists.txt");
    if (DOC_ENDINGS.iter().any(|e| ends_with_ci(name, e)) && !txt_input)
        || dir_named(dirs, DOC_DIRS).is_some()
    {
        return (Role::Documentation, "documentation file or directory");
    }
    (Role::Production, "default")
}

/// The role of a directory (a path with nothing after it): what a file directly in it
/// would have, ignoring file-name rules.
pub fn dir_role(dir: &str) -> Role {
    if dir.is_empty() || dir == "." {
        return Role::Production;
    }
    // A file inside the directory with a neutral name.
    let probe_dirs = dir.trim_end_matches('/');
    if is_test_path(&format!("{probe_dirs}/x"))
        || compound_test_dir(probe_dirs)
        || dir_named(probe_dirs, TEST_SUITE_DIRS).is_some()
    {
        return Role::Test;
    }
    if dir_named(probe_dirs, DEV_DIRS).is_some() {
        return Role::DevTooling;
    }
    if dir_named(probe_dirs, EXAMPLE_DIRS).is_some() {
        return Role::Example;
    }
    if dir_named(probe_dirs, BUILD_DIRS).is_some() {
        return Role::BuildOnly;
    }
    if dir_named(probe_dirs, DOC_DIRS).is_some() {
        return Role::Documentation;
    }
    Role::Production
}

/// Roles given by the user (`[paths]` in shipshape.toml): glob patterns, the first
/// matching pattern in declaration order winning, before any built-in rule.
#[derive(Debug, Clone, Default)]
pub struct RoleOverrides {
    rules: Vec<(Role, String)>,
    set: Option<globset::GlobSet>,
}

impl RoleOverrides {
    /// Compile `(role, glob)` pairs; the error names the bad pattern.
    pub fn new(rules: Vec<(Role, String)>) -> Result<RoleOverrides, String> {
        if rules.is_empty() {
            return Ok(RoleOverrides::default());
        }
        let mut b = globset::GlobSetBuilder::new();
        for (role, pattern) in &rules {
            let glob = globset::GlobBuilder::new(pattern.trim_start_matches("./"))
                .literal_separator(true)
                .build()
                .map_err(|e| format!("[paths] {role}: `{pattern}` is not a glob: {e}"))?;
            b.add(glob);
        }
        let set = b.build().map_err(|e| format!("[paths]: {e}"))?;
        Ok(RoleOverrides {
            rules,
            set: Some(set),
        })
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The user's role for `path` and the pattern that gave it.
    pub fn get(&self, path: &str) -> Option<(Role, &str)> {
        let set = self.set.as_ref()?;
        let first = set.matches(path).into_iter().min()?;
        let (role, pattern) = &self.rules[first];
        Some((*role, pattern.as_str()))
    }
}

/// The role of `path` with the user's overrides first, and why.
pub fn classify(path: &str, overrides: &RoleOverrides) -> (Role, Cow<'static, str>) {
    match overrides.get(path) {
        Some((role, pattern)) => (
            role,
            Cow::Owned(format!("shipshape.toml [paths] {role} = \"{pattern}\"")),
        ),
        None => {
            let (role, why) = role_of(path);
            (role, Cow::Borrowed(why))
        }
    }
}

/// [`dir_role`] with the user's overrides first: a pattern that matches a file directly
/// in the directory decides.
pub fn classify_dir(dir: &str, overrides: &RoleOverrides) -> Role {
    if !overrides.is_empty() && !dir.is_empty() && dir != "." {
        let probe = format!("{}/x", dir.trim_end_matches('/'));
        if let Some((role, _)) = overrides.get(&probe) {
            return role;
        }
    }
    dir_role(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// #13: `requirements-dev.txt` and `tools/requirements.txt` were documentation
    /// (every `.txt` was), so no update bot had to cover them; CI tooling under `.ci/`
    /// and Semgrep samples are development tooling.
    #[test]
    fn requirements_files_are_build_inputs_not_prose() {
        let o = RoleOverrides::default();
        for p in [
            "requirements.txt",
            "tools/requirements-dev.txt",
            "constraints.txt",
            "CMakeLists.txt",
        ] {
            assert_eq!(classify(p, &o).0, Role::Production, "{p}");
        }
        assert_eq!(classify("NOTES.txt", &o).0, Role::Documentation);
        assert_eq!(classify("docs/requirements.txt", &o).0, Role::Documentation);
        assert_eq!(classify(".ci/phpmd/composer.json", &o).0, Role::DevTooling);
        assert_eq!(classify(".semgrep/rules/x.py", &o).0, Role::DevTooling);
    }

    #[test]
    fn user_patterns_win_in_declaration_order() {
        let o = RoleOverrides::new(vec![
            (Role::Production, "e2e/prod-smoke/**".into()),
            (Role::Test, "qa/**".into()),
            (Role::DevTooling, "**".into()),
        ])
        .unwrap();
        assert_eq!(
            classify("e2e/prod-smoke/Dockerfile", &o).0,
            Role::Production
        );
        assert_eq!(classify("qa/load.py", &o).0, Role::Test);
        assert!(
            classify("qa/load.py", &o)
                .1
                .contains("[paths] test = \"qa/**\"")
        );
        assert_eq!(classify_dir("qa", &o), Role::Test);
        let none = RoleOverrides::default();
        assert_eq!(classify("e2e/Dockerfile", &none).0, Role::DevTooling);
        let bad = RoleOverrides::new(vec![(Role::Test, "a/[".into())]).unwrap_err();
        assert!(bad.contains("a/[") && bad.contains("test"), "{bad}");
    }

    /// hexpm/hexpm: EC private keys and `secret_key_base` in `config/dev.exs`,
    /// `config/test.exs` and `config/hex.exs` (the Mix environment its client tests run
    /// in), TOTP secrets in the ExMachina factory `lib/hexpm/factory.ex` and API keys in
    /// `priv/repo/seeds.exs` failed the critical secrets check; caddyserver/caddy's
    /// `caddytest/caddy.localhost.key` failed the private-key check; grafana/loki's chart
    /// test values in `scenarios/` failed the secrets check.
    #[test]
    fn dev_environments_seeds_factories_localhost_keys_and_scenarios_are_not_production() {
        for p in [
            "config/dev.exs",
            "config/test.exs",
            "config/hex.exs",
            "apps/web/config/dev.exs",
            "config/environments/development.rb",
            "app/settings/dev.py",
            "src/Api/appsettings.Development.json",
            "src/main/resources/application-dev.yml",
            "src/main/resources/application-test.properties",
            "deploy/docker-compose.dev.yml",
            "priv/repo/seeds.exs",
            "db/seeds.rb",
            "database/seeders/UserSeeder.php",
            // outline's `.env.test` SECRET_KEY failed the critical secrets check (#13).
            ".env.test",
            ".env.testing",
            "app/.env.ci",
            ".env.development",
        ] {
            assert_eq!(role_of(p).0, Role::DevTooling, "{p}");
        }
        for p in [
            "config/prod.exs",
            "config/runtime.exs",
            "config/config.exs",
            "config/releases.exs",
            "config/staging.exs",
            "config/environments/production.rb",
            "app/settings/local.py",
            "src/main/resources/application.yml",
            "src/main/resources/application-prod.yml",
            "src/Api/appsettings.json",
            "Dockerfile.dev.j2",
            ".env",
            ".env.local",
            ".env.production",
        ] {
            assert_ne!(role_of(p).0, Role::DevTooling, "{p}");
        }
        // vaultwarden's `.env.template` (a commented ADMIN_TOKEN) is the file to copy.
        assert_eq!(role_of(".env.template").0, Role::Example);
        assert_eq!(role_of("api/.env.dist").0, Role::Example);
        assert_eq!(role_of("caddytest/caddy.localhost.key").0, Role::Test);
        assert_eq!(role_of("certs/localhost-key.pem").0, Role::Test);
        // getfider/fider (#13): a self-signed development key only its TLS tests load.
        assert_eq!(role_of("etc/dev-fider-io.key").0, Role::Test);
        assert_eq!(role_of("ssl/ssl-cert-snakeoil.key").0, Role::Test);
        assert_eq!(role_of("certs/devices.key").0, Role::Production);
        assert_eq!(role_of("certs/server.key").0, Role::Production);
        assert_eq!(
            role_of("production/helm/loki/scenarios/simple-thanos-values.yaml").0,
            Role::Test
        );
        // authelia (#13): its end-to-end suites' PKI keys and configurations failed the
        // critical secrets check as production files.
        assert_eq!(
            role_of("internal/suites/common/pki/private.pem").0,
            Role::Test
        );
        assert_eq!(dir_role("internal/suites/OIDC"), Role::Test);
        let factory = b"defmodule Hexpm.Factory do\n  use ExMachina.Ecto, repo: Hexpm.Repo\n";
        assert_eq!(
            content_role(
                "lib/hexpm/factory.ex",
                crate::kind::classify("lib/hexpm/factory.ex"),
                factory
            )
            .map(|r| r.0),
            Some(Role::Test)
        );
        assert_eq!(
            content_role(
                "spec/factories.rb",
                crate::kind::classify("spec/factories.rb"),
                b"FactoryBot.define do\n"
            )
            .map(|r| r.0),
            Some(Role::Test)
        );
        assert_eq!(
            content_role(
                "lib/app/repo.ex",
                crate::kind::classify("lib/app/repo.ex"),
                b"use Ecto.Repo\n"
            ),
            None
        );
    }

    #[test]
    fn production_by_default() {
        for p in [
            "src/main.rs",
            "Dockerfile",
            "cmd/loki/main.go",
            "charts/x/values.yaml",
        ] {
            assert_eq!(role_of(p).0, Role::Production, "{p}");
        }
    }

    /// The Playwright end-to-end setup (`playwright/docker-compose.yml`,
    /// `playwright/test.env`) and package-build containers (`packaging/debian/Dockerfile`)
    /// were judged as production; a Jinja `Dockerfile.j2` was read as a Dockerfile.
    #[test]
    fn e2e_harnesses_package_builds_and_templates_are_not_production() {
        assert_eq!(role_of("playwright/docker-compose.yml").0, Role::DevTooling);
        assert_eq!(role_of("playwright/test.env").0, Role::DevTooling);
        assert_eq!(role_of("e2e/Dockerfile").0, Role::DevTooling);
        assert_eq!(role_of(".devcontainer/Dockerfile").0, Role::DevTooling);
        assert_eq!(role_of("packaging/debian/Dockerfile").0, Role::BuildOnly);
        assert_eq!(role_of("deploy/Dockerfile.j2").0, Role::Template);
        assert_eq!(role_of("config.yaml.tmpl").0, Role::Template);
    }

    /// grafana/loki's operator keeps local add-ons with sample secrets in `hack/`;
    /// jasontaylordev/CleanArchitecture's `Web.http` holds a seeded dev password.
    #[test]
    fn hack_scripts_and_rest_client_files_are_dev_tooling() {
        assert_eq!(
            role_of("operator/hack/addon_grafana_gateway_ocp.yaml").0,
            Role::DevTooling
        );
        assert_eq!(role_of("src/Web/Web.http").0, Role::DevTooling);
        for p in [
            "Dockerfile.dev",
            "frontend/Dockerfile.playwright",
            "api/dev.Dockerfile",
            "Dockerfile-test",
            "Containerfile.ci",
        ] {
            assert_eq!(role_of(p).0, Role::DevTooling, "{p}");
        }
        for p in [
            "Dockerfile",
            "api/Dockerfile.prod",
            "worker.Dockerfile",
            "devtools.go",
        ] {
            assert_eq!(role_of(p).0, Role::Production, "{p}");
        }
    }

    /// #13: BookStack's root `docker-compose.yml` and kestra's `Makefile` open with a
    /// comment saying they are for development only; their sample passwords failed
    /// `secrets-not-in-manifests` and `no-committed-secrets` as production.
    /// Regression (wallabag/wallabag, #13): `docker/php/Dockerfile` runs `bin/console
    /// --env=dev server:run` for the development compose stack (its production image is
    /// built in another repository) and was judged as the shipped image. The last
    /// command decides, the one a final stage without its own inherits.
    #[test]
    fn dockerfiles_running_a_development_server_are_dev_tooling() {
        let dev = "FROM php:8.2-fpm AS rootless\nRUN apt-get update\nCMD [\"php\", \"bin/console\", \"--env=dev\", \"server:run\", \"0.0.0.0:8000\"]\nFROM rootless AS default\nUSER www-data\n";
        assert_eq!(
            content_role(
                "docker/php/Dockerfile",
                crate::kind::classify("docker/php/Dockerfile"),
                dev.as_bytes()
            )
            .map(|r| r.0),
            Some(Role::DevTooling)
        );
        let artisan = "FROM php:8.3\nENTRYPOINT php artisan serve --host 0.0.0.0\n";
        assert!(
            content_role(
                "Dockerfile.local",
                crate::kind::classify("Dockerfile.local"),
                artisan.as_bytes()
            )
            .is_some()
        );
        // A development server in an earlier stage, then a production command: shipped.
        let prod = "FROM node AS dev\nCMD [\"npx\", \"next\", \"dev\"]\nFROM node\nCMD [\"node\", \"server.js\"]\n";
        assert_eq!(
            content_role(
                "Dockerfile",
                crate::kind::classify("Dockerfile"),
                prod.as_bytes()
            ),
            None
        );
        // Not a Dockerfile: a README that mentions the command.
        assert_eq!(
            content_role(
                "README.md",
                crate::kind::classify("README.md"),
                b"CMD runserver\n"
            ),
            None
        );
    }

    #[test]
    fn files_that_say_they_are_for_development_only_are_dev_tooling() {
        let compose = b"# This is a Docker Compose configuration\n# intended for development purposes only\n\nservices:\n  db: {}\n";
        assert_eq!(
            content_role(
                "docker-compose.yml",
                crate::kind::classify("docker-compose.yml"),
                compose
            )
            .map(|r| r.0),
            Some(Role::DevTooling)
        );
        let make = b"#\n# Makefile used to build Acme locally.\n#\n# NOTE: This file is intended for development purposes only.\n\nall:\n";
        assert_eq!(
            content_role("Makefile", crate::kind::classify("Makefile"), make).map(|r| r.0),
            Some(Role::DevTooling)
        );
        // The words after the opening comment, or in the file's code, do not count.
        let later = b"services:\n  app:\n    # for development only: remove the debug port\n";
        assert_eq!(
            content_role(
                "docker-compose.yml",
                crate::kind::classify("docker-compose.yml"),
                later
            ),
            None
        );
        let code = b"package main\n// Run serves.\nconst banner = \"not for production\"\n";
        assert_eq!(
            content_role("main.go", crate::kind::classify("main.go"), code),
            None
        );
    }

    #[test]
    fn tests_examples_docs() {
        assert_eq!(role_of("pkg/x_test.go").0, Role::Test);
        assert_eq!(role_of("examples/e2e/main.go").0, Role::DevTooling);
        assert_eq!(role_of("examples/with-nextjs/Dockerfile").0, Role::Example);
        // maybe-finance/maybe's `compose.example.yml` (a default SECRET_KEY_BASE to copy).
        for p in [
            "compose.example.yml",
            ".env.example",
            "config/settings.py.sample",
            "app.sample.toml",
            // signalapp/Signal-Server's sample configuration (#13: 27 false critical secrets).
            "service/config/sample.yml",
            "service/config/sample-secrets-bundle.yml",
            "conf/example_settings.ini",
            "config/secrets-sample.json",
        ] {
            assert_eq!(role_of(p).0, Role::Example, "{p}");
        }
        assert_eq!(role_of("src/examples.rs").0, Role::Production);
        assert_eq!(
            role_of("src/main/java/SampleController.java").0,
            Role::Production
        );
        assert_eq!(role_of("config/samplerate.yaml").0, Role::Production);
        assert_eq!(role_of("docs/guide/setup.yaml").0, Role::Documentation);
        assert_eq!(role_of("README.md").0, Role::Documentation);
        // Case does not matter; a name that only contains a word does.
        assert_eq!(role_of("Examples/a.py").0, Role::Example);
        assert_eq!(role_of("hacks/a.sh").0, Role::Production);
        // Compound test directories; words that merely end in "test" are not.
        assert_eq!(
            role_of("production/helm/loki/src/helm-test/Dockerfile").0,
            Role::Test
        );
        assert_eq!(role_of("smoke_tests/run.py").0, Role::Test);
        assert_eq!(role_of("test-utils/lib.go").0, Role::Test);
        assert_eq!(role_of("latest/app.py").0, Role::Production);
        assert_eq!(role_of("contest/app.py").0, Role::Production);
    }

    #[test]
    fn directories() {
        assert_eq!(dir_role("."), Role::Production);
        assert_eq!(dir_role("test"), Role::Test);
        assert_eq!(dir_role("examples/with-nextjs"), Role::Example);
        assert_eq!(dir_role("services/api"), Role::Production);
        assert_eq!(dir_role("operator/hack"), Role::DevTooling);
    }

    #[test]
    fn names_round_trip() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>(), Ok(r));
        }
        assert!("prod".parse::<Role>().unwrap_err().contains("production"));
    }

    /// pocket-id's e2e seed service (`//go:build e2etest`) holds fixed credentials; it
    /// was production code, and its values failed security/no-committed-secrets.
    #[test]
    fn go_files_built_only_with_a_test_tag_or_importing_testing_are_test_code() {
        let go = crate::kind::FileKind::Source(crate::kind::Lang::Go);
        let e2e = b"//go:build e2etest\n\npackage service\n";
        assert_eq!(
            content_role("backend/internal/service/e2etest_service.go", go, e2e).map(|r| r.0),
            Some(Role::Test)
        );
        let both = b"// Copyright\n\n//go:build linux && integration\n\npackage x\n";
        assert_eq!(
            content_role("x.go", go, both).map(|r| r.0),
            Some(Role::Test)
        );
        let helper = b"package caddytest\n\nimport (\n\t\"net/http\"\n\t\"testing\"\n)\n\nfunc NewTester(t testing.TB) {}\n";
        assert_eq!(
            content_role("caddytest/caddytest.go", go, helper).map(|r| r.0),
            Some(Role::Test)
        );
        let one = b"package x\n\nimport \"testing\"\n";
        assert_eq!(content_role("x.go", go, one).map(|r| r.0), Some(Role::Test));
        let prod = b"package x\n\nimport (\n\t\"testing/fstest\"\n\t\"net/http\"\n)\n\nvar s = \"testing\"\n";
        assert_eq!(content_role("x.go", go, prod), None);
        for head in [
            &b"//go:build !e2etest\n\npackage service\n"[..],
            b"//go:build linux || e2e\n\npackage x\n",
            b"//go:build linux\n\npackage x\n",
            b"package x\n\n//go:build e2e\n",
        ] {
            assert_eq!(
                content_role("x.go", go, head),
                None,
                "{}",
                String::from_utf8_lossy(head)
            );
        }
    }
}
