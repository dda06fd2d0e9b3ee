//! Deciding what kind of software a unit is, from its facts.
//!
//! Order of evidence: a server framework dependency, a workload manifest, a
//! health route or a program entry point binding a server socket make a service;
//! a CLI framework, a binary target or a `main` with no server or host make a CLI; infrastructure-as-code without
//! application source makes infrastructure; anything else with source code is a
//! library. The config always wins.

use crate::libraries::{self, Category};
use shipshape_facts::signals::SignalKind;
use shipshape_facts::{Facts, FileKind, is_under};
use shipshape_model::UnitKind;

/// The detected kind and a sentence naming the evidence.
pub fn detect_kind(facts: &Facts, unit_path: &str) -> (UnitKind, String) {
    detect_kind_in(facts, unit_path, &[])
}

/// [`detect_kind`] for a unit that other units sit inside (the root product of a
/// monorepo): their files are not its evidence.
pub fn detect_kind_in(facts: &Facts, unit_path: &str, nested: &[String]) -> (UnitKind, String) {
    let in_unit = |p: &str| is_under(p, unit_path) && !nested.iter().any(|n| is_under(p, n));
    let deps: Vec<_> = facts
        .dependencies()
        .items
        .iter()
        .filter(|d| in_unit(&d.manifest) && !d.dev)
        .collect();
    // Cargo says what a crate builds: a package with Rust source and no binary target
    // (no `src/main.rs`, `src/bin/`, `[[bin]]`) is a library, whatever server or CLI
    // framework it builds on (atuin's `atuin-daemon` depends on tonic and
    // `atuin-client` on clap; the `atuin` binary runs them).
    if let Some(manifest) = rust_library_only(facts, unit_path, &in_unit) {
        return (
            UnitKind::Library,
            format!("Cargo package with no binary target ({manifest})"),
        );
    }
    if let Some(d) = libraries::find(deps.iter().copied(), Category::HttpServer) {
        return (
            UnitKind::Service,
            format!("server framework `{}` in {}:{}", d.name, d.manifest, d.line),
        );
    }
    if let Some(o) = facts
        .k8s_objects()
        .items
        .iter()
        .find(|o| in_unit(&o.path) && o.is_long_running())
    {
        return (
            UnitKind::Service,
            format!("{} in {}:{}", o.display(), o.path, o.line),
        );
    }
    if let Some(s) = facts
        .signals
        .iter()
        .find(|s| s.kind == SignalKind::HealthRoute && in_unit(&s.path))
    {
        return (
            UnitKind::Service,
            format!("health route in {}:{}", s.path, s.line),
        );
    }
    // A program entry point that binds a server socket is a server even without an HTTP
    // framework (a Redis-protocol server, a gRPC server on a raw listener).
    if let Some(s) = facts
        .signals
        .iter()
        .find(|s| s.kind == SignalKind::Listener && in_unit(&s.path) && is_program_entry(&s.path))
    {
        return (
            UnitKind::Service,
            format!("server socket bound in {}:{}", s.path, s.line),
        );
    }
    // A program that binds a server socket and ships to be run as one, in an image that
    // exposes a port (ntfy: a urfave/cli program whose `serve` command is the product,
    // `EXPOSE 80` in its image) or whose command listens on every interface (Radicale,
    // a console script whose image runs `--hosts 0.0.0.0:5232,[::]:5232`).
    if let Some(s) = facts.signals.iter().find(|s| {
        s.kind == SignalKind::Listener && in_unit(&s.path) && facts.role(&s.path).is_production()
    }) && let Some(how) = facts
        .dockerfiles()
        .iter()
        .filter(|d| in_unit(&d.path) && !facts.is_dev_dockerfile(&d.path))
        .find_map(|d| {
            let stage = d.final_stage()?;
            if let Some(i) = stage.instructions.iter().find(|i| i.keyword == "EXPOSE") {
                return Some(format!("{}:{} exposes a port", d.path, i.line));
            }
            let i = stage.instructions.iter().find(|i| {
                matches!(i.keyword.as_str(), "CMD" | "ENTRYPOINT")
                    && (i.args.contains("0.0.0.0") || i.args.contains("[::]"))
            })?;
            Some(format!(
                "{}:{} runs it listening on every interface",
                d.path, i.line
            ))
        })
    {
        return (
            UnitKind::Service,
            format!("server socket bound in {}:{}, and {how}", s.path, s.line),
        );
    }
    if let Some(d) = libraries::find(deps.iter().copied(), Category::CliFramework) {
        return (
            UnitKind::Cli,
            format!(
                "command-line framework `{}` in {}:{}",
                d.name, d.manifest, d.line
            ),
        );
    }
    // A `main` method with no server evidence above, no host that keeps it running (the
    // .NET generic host) and no message-queue client it would consume from (a Kafka
    // worker: opentelemetry-demo's fraud-detection) is a program that runs and
    // exits: bitwarden/server's `util/Setup` installer, shipped as an image, was a service
    // because of its Dockerfile.
    if let Some(s) = facts.signals.iter().find(|s| {
        s.kind == SignalKind::ProgramEntry
            && in_unit(&s.path)
            && (s.text.contains("main") || s.text.contains("Main"))
            && !s.text.starts_with('@')
    }) && libraries::find(deps.iter().copied(), Category::GracefulServer).is_none()
        && libraries::find(deps.iter().copied(), Category::MessageQueue).is_none()
        && !facts.signals.iter().any(|o| {
            o.kind == SignalKind::ProgramEntry && in_unit(&o.path) && o.text.starts_with('@')
        })
    {
        return (
            UnitKind::Cli,
            format!(
                "program entry point with no server or host in {}:{}",
                s.path, s.line
            ),
        );
    }
    let has = |pred: &dyn Fn(&str, FileKind) -> bool| {
        facts
            .files
            .iter()
            .find(|f| in_unit(&f.path) && pred(&f.path, f.kind))
            .map(|f| f.path.clone())
    };
    if let Some(p) = has(&|p, k| {
        k == FileKind::Source(shipshape_facts::Lang::Rust)
            && (p.ends_with("src/main.rs") || p.contains("src/bin/"))
    }) {
        return (UnitKind::Cli, format!("binary target {p}"));
    }
    if let Some(p) = has(&|p, k| {
        k == FileKind::Manifest(shipshape_facts::Ecosystem::Npm)
            && facts.text(p).is_some_and(|t| t.contains("\"bin\""))
    }) {
        return (UnitKind::Cli, format!("`bin` entry in {p}"));
    }
    if let Some(p) = has(&|p, k| {
        k == FileKind::Manifest(shipshape_facts::Ecosystem::Python)
            && facts
                .text(p)
                .is_some_and(|t| t.contains("[project.scripts]") || t.contains("console_scripts"))
    }) {
        return (UnitKind::Cli, format!("console scripts in {p}"));
    }
    let has_source =
        has(&|_, k| matches!(k, FileKind::Source(l) if l != shipshape_facts::Lang::Shell))
            .is_some();
    if !has_source
        && let Some(p) = has(&|_, k| {
            matches!(
                k,
                FileKind::Terraform | FileKind::Kubernetes | FileKind::HelmChart
            )
        })
    {
        return (
            UnitKind::Infrastructure,
            format!("infrastructure as code ({p}) and no application source"),
        );
    }
    // A test or development image (Playwright, dev container) says nothing about what ships.
    if let Some(p) = has(&|p, k| k == FileKind::Dockerfile && !facts.is_dev_dockerfile(p)) {
        return (UnitKind::Service, format!("container image built from {p}"));
    }
    (
        UnitKind::Library,
        if has_source {
            "source code with no server, binary or deployment evidence".to_string()
        } else {
            "no application evidence found".to_string()
        },
    )
}

/// The unit's `Cargo.toml` when it is a package that builds only a library: Rust source
/// in the unit, no binary target in any of its Cargo manifests, and nothing else in it
/// that runs (an image, a long-running workload, another language's program).
fn rust_library_only(
    facts: &Facts,
    unit_path: &str,
    in_unit: &dyn Fn(&str) -> bool,
) -> Option<String> {
    let manifest = if unit_path.is_empty() || unit_path == "." {
        "Cargo.toml".to_string()
    } else {
        format!("{}/Cargo.toml", unit_path.trim_end_matches('/'))
    };
    let table = facts.text(&manifest)?.parse::<toml::Table>().ok()?;
    table.get("package")?;
    let mut rust_source = false;
    for f in facts.files.iter().filter(|f| in_unit(&f.path)) {
        match f.kind {
            FileKind::Source(shipshape_facts::Lang::Rust) => {
                if f.role.is_production() && is_program_entry(&f.path) {
                    return None;
                }
                rust_source |= f.role.is_production();
            }
            FileKind::Source(shipshape_facts::Lang::Shell) => {}
            FileKind::Source(_)
                if f.role.is_production()
                    && facts
                        .signals
                        .iter()
                        .any(|s| s.kind == SignalKind::ProgramEntry && s.path == f.path) =>
            {
                return None;
            }
            FileKind::Manifest(shipshape_facts::Ecosystem::Cargo)
                if facts.text(&f.path).is_some_and(|t| {
                    t.parse::<toml::Table>()
                        .ok()
                        .is_some_and(|t| t.contains_key("bin"))
                }) =>
            {
                return None;
            }
            FileKind::Dockerfile if !facts.is_dev_dockerfile(&f.path) => {
                return None;
            }
            _ => {}
        }
    }
    let runs = facts
        .k8s_objects()
        .items
        .iter()
        .any(|o| in_unit(&o.path) && o.is_long_running());
    (rust_source && !runs).then_some(manifest)
}

/// True for a binary's entry file: Rust `src/main.rs` or `src/bin/*`, Go `main.go` or `cmd/`.
fn is_program_entry(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    path == "src/main.rs"
        || path.ends_with("/src/main.rs")
        || path.starts_with("src/bin/")
        || path.contains("/src/bin/")
        || (path.ends_with(".go")
            && !name.ends_with("_test.go")
            && (name == "main.go" || path.starts_with("cmd/") || path.contains("/cmd/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (ntfy, #13): a urfave/cli program whose `serve` command runs the HTTP
    /// server, shipped as an image that exposes a port, was a CLI; the same program
    /// without the image is still one.
    #[test]
    fn a_cli_program_that_serves_and_ships_to_serve_is_a_service() {
        let mut files = vec![
            (
                "go.mod",
                "module heckel.io/ntfy\nrequire github.com/urfave/cli/v2 v2.27.1\n",
            ),
            ("main.go", "package main\nfunc main() { cmd.New().Run() }\n"),
            (
                "server/server.go",
                "package server\nfunc (s *Server) Run() error {\n\treturn s.httpServer.ListenAndServe()\n}\n",
            ),
        ];
        assert_eq!(
            detect_kind(&Facts::from_memory(&files), ".").0,
            UnitKind::Cli
        );
        files.push((
            "Dockerfile",
            "FROM alpine\nCOPY ntfy /usr/bin\nEXPOSE 80/tcp\nENTRYPOINT [\"ntfy\"]\n",
        ));
        let (kind, why) = detect_kind(&Facts::from_memory(&files), ".");
        assert_eq!(kind, UnitKind::Service, "{why}");
        assert!(why.contains("Dockerfile:3 exposes a port"), "{why}");
    }

    /// Kozea/Radicale (a CalDAV server on the standard library's wsgiref/socketserver,
    /// installed as a console script) was a CLI: its image runs it with `--hosts
    /// 0.0.0.0:5232` and no EXPOSE. The same package without the image stays a CLI.
    #[test]
    fn a_console_script_server_whose_image_listens_everywhere_is_a_service() {
        let mut files = vec![
            (
                "pyproject.toml",
                "[project]\nname = \"Radicale\"\n[project.scripts]\nradicale = \"radicale.__main__:run\"\n",
            ),
            (
                "radicale/server.py",
                "import socketserver\nimport wsgiref.simple_server\n\nclass ParallelHTTPServer(socketserver.ThreadingMixIn,\n                         wsgiref.simple_server.WSGIServer):\n    pass\n",
            ),
        ];
        assert_eq!(
            detect_kind(&Facts::from_memory(&files), ".").0,
            UnitKind::Cli
        );
        files.push((
            "Dockerfile",
            "FROM python:3-alpine\nENTRYPOINT [\"/app/bin/python\", \"/app/bin/radicale\"]\nCMD [\"--hosts\", \"0.0.0.0:5232,[::]:5232\"]\n",
        ));
        let (kind, why) = detect_kind(&Facts::from_memory(&files), ".");
        assert_eq!(kind, UnitKind::Service, "{why}");
        assert!(
            why.contains("Dockerfile:3 runs it listening on every interface"),
            "{why}"
        );
        // A test's local server is not the package's.
        let test_only =
            Facts::from_memory(&[files[0], ("tests/test_server.py", files[1].1), files[2]]);
        assert_eq!(detect_kind(&test_only, ".").0, UnitKind::Cli);
    }

    /// bitwarden/server's `util/Setup` (an installer that runs and exits, shipped as an
    /// image) was a service because of its Dockerfile; a Kafka worker with a `main`
    /// (opentelemetry-demo's fraud-detection) is still one.
    #[test]
    fn a_main_without_server_host_or_queue_is_a_cli_even_in_an_image() {
        let setup = Facts::from_memory(&[
            (
                "Setup.csproj",
                "<Project Sdk=\"Microsoft.NET.Sdk\">\n<PackageReference Include=\"YamlDotNet\" />\n</Project>\n",
            ),
            (
                "Program.cs",
                "class Program {\n    public static void Main(string[] args) {}\n}\n",
            ),
            (
                "Dockerfile",
                "FROM mcr.microsoft.com/dotnet/runtime:8.0\nENTRYPOINT [\"dotnet\", \"Setup.dll\"]\n",
            ),
        ]);
        assert_eq!(detect_kind(&setup, ".").0, UnitKind::Cli);
        let worker = Facts::from_memory(&[
            (
                "build.gradle.kts",
                "dependencies {\n    implementation(\"org.apache.kafka:kafka-clients:3.7.0\")\n}\n",
            ),
            (
                "src/main/kotlin/Main.kt",
                "fun main() {\n    while (true) {}\n}\n",
            ),
            ("Dockerfile", "FROM eclipse-temurin:21\n"),
        ]);
        assert_eq!(detect_kind(&worker, ".").0, UnitKind::Service);
        let host = Facts::from_memory(&[
            (
                "Worker.csproj",
                "<Project Sdk=\"Microsoft.NET.Sdk.Worker\">\n</Project>\n",
            ),
            ("Program.cs", "static async Task Main(string[] args) {}\n"),
        ]);
        assert_ne!(detect_kind(&host, ".").0, UnitKind::Cli);
    }

    /// Regression (atuin, #13): library crates depending on tonic, axum or clap
    /// (`atuin-daemon`, `atuin-client`) were services and CLIs; Cargo says they build no
    /// binary. A crate with `[[bin]]` or `src/bin/` still is one.
    #[test]
    fn a_cargo_package_without_a_binary_target_is_a_library() {
        let lib = [
            (
                "Cargo.toml",
                "[package]\nname = 'd'\n[dependencies]\ntonic = '0.12'\nclap = '4'\n",
            ),
            (
                "src/lib.rs",
                "pub async fn serve() { TcpListener::bind(a).await; }\n",
            ),
            ("build.rs", "fn main() {}\n"),
        ];
        let (kind, why) = detect_kind(&Facts::from_memory(&lib), ".");
        assert_eq!(kind, UnitKind::Library, "{why}");
        assert!(why.contains("no binary target (Cargo.toml)"), "{why}");
        let mut bin = lib.to_vec();
        bin.push(("src/bin/d.rs", "fn main() {}\n"));
        assert_eq!(
            detect_kind(&Facts::from_memory(&bin), ".").0,
            UnitKind::Service
        );
        let mut declared = lib.to_vec();
        declared[0].1 = "[package]\nname = 'd'\n[[bin]]\nname = 'd'\npath = 'main.rs'\n[dependencies]\nclap = '4'\n";
        assert_eq!(
            detect_kind(&Facts::from_memory(&declared), ".").0,
            UnitKind::Cli
        );
    }

    #[test]
    fn detects_each_kind() {
        let f = Facts::from_memory(&[(
            "Cargo.toml",
            "[package]\nname='a'\n[dependencies]\naxum = '0.8'\n",
        )]);
        assert_eq!(detect_kind(&f, ".").0, UnitKind::Service);
        let f = Facts::from_memory(&[
            (
                "Cargo.toml",
                "[package]\nname='a'\n[dependencies]\nclap = '4'\n",
            ),
            ("src/main.rs", "fn main(){}"),
        ]);
        assert_eq!(detect_kind(&f, ".").0, UnitKind::Cli);
        let f = Facts::from_memory(&[
            ("Cargo.toml", "[package]\nname='a'\n"),
            ("src/lib.rs", "pub fn a(){}"),
        ]);
        assert_eq!(detect_kind(&f, ".").0, UnitKind::Library);
        let f = Facts::from_memory(&[("main.tf", "resource \"x\" \"y\" {}")]);
        assert_eq!(detect_kind(&f, ".").0, UnitKind::Infrastructure);
        let f = Facts::from_memory(&[(
            "k8s/app.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
        )]);
        assert_eq!(detect_kind(&f, ".").0, UnitKind::Infrastructure);
        // An image built to run browser tests is no evidence of a service.
        let f = Facts::from_memory(&[
            ("package.json", "{\"name\": \"web\"}"),
            ("src/main.ts", "console.log(1)"),
            (
                "Dockerfile.playwright",
                "FROM mcr.microsoft.com/playwright:v1.50.0\n",
            ),
        ]);
        assert_eq!(detect_kind(&f, ".").0, UnitKind::Library);
        let f = Facts::from_memory(&[
            ("src/main.ts", "console.log(1)"),
            ("Dockerfile", "FROM node:22\n"),
        ]);
        assert_eq!(detect_kind(&f, ".").0, UnitKind::Service);
    }

    #[test]
    fn a_binary_that_binds_a_server_socket_is_a_service() {
        // Regression: tokio-rs/mini-redis (src/bin/server.rs binds a TcpListener; clap parses
        // its flags) was detected as a CLI, so every service check was `n/a`.
        let f = Facts::from_memory(&[
            (
                "Cargo.toml",
                "[package]\nname='r'\n[dependencies]\nclap = '4'\ntokio = '1'\n",
            ),
            ("src/bin/cli.rs", "fn main() {}\n"),
            (
                "src/bin/server.rs",
                "async fn main() {\n    let listener = TcpListener::bind(&addr).await?;\n}\n",
            ),
        ]);
        let (kind, why) = detect_kind(&f, ".");
        assert_eq!(kind, UnitKind::Service);
        assert_eq!(why, "server socket bound in src/bin/server.rs:2");
        // A library that binds a socket (in its own code or its tests) stays a library.
        let f = Facts::from_memory(&[
            ("Cargo.toml", "[package]\nname='l'\n"),
            (
                "src/server.rs",
                "pub async fn run() { TcpListener::bind(a).await; }\n",
            ),
            ("tests/it.rs", "fn t() { TcpListener::bind(a); }\n"),
        ]);
        assert_eq!(detect_kind(&f, ".").0, UnitKind::Library);
    }
}
