//! Direct dependencies declared in package manifests.
//!
//! Only names matter here (checks recognise metrics, logging, tracing... libraries
//! by name); resolved versions come from lockfiles in the vulnerability crate.
//! Every parser is tolerant: a broken manifest yields an error string, never a panic.

use crate::kind::Ecosystem;
use regex::Regex;
use serde::Serialize;
use std::sync::OnceLock;

/// A direct dependency declared in a manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dependency {
    pub ecosystem: Ecosystem,
    /// Name as the ecosystem spells it (`group:artifact` for Maven/Gradle).
    pub name: String,
    /// The manifest's repository-relative path.
    pub manifest: String,
    /// 1-based line of the declaration (0 when unknown).
    pub line: u32,
    /// Development/test-only dependency.
    pub dev: bool,
}

/// The first line (1-based) on which `needle` occurs, or 0.
pub fn line_of(text: &str, needle: &str) -> u32 {
    text.find(needle)
        .map(|at| text[..at].bytes().filter(|&b| b == b'\n').count() as u32 + 1)
        .unwrap_or(0)
}

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    // Patterns are constants exercised by the tests below.
    cell.get_or_init(|| Regex::new(pattern).expect("constant regex"))
}

/// Extract the direct dependencies of a manifest.
pub fn extract(eco: Ecosystem, path: &str, text: &str) -> Result<Vec<Dependency>, String> {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let mut out = Vec::new();
    let mut push = |n: &str, line: u32, dev: bool| {
        let n = n.trim();
        if !n.is_empty() {
            out.push(Dependency {
                ecosystem: eco,
                name: n.to_string(),
                manifest: path.to_string(),
                line,
                dev,
            });
        }
    };
    match eco {
        Ecosystem::Cargo => {
            let doc: toml::Table = toml::from_str(text).map_err(|e| first_line(&e.to_string()))?;
            let mut tables: Vec<(&toml::Table, bool)> = Vec::new();
            for (key, dev) in [
                ("dependencies", false),
                ("dev-dependencies", true),
                ("build-dependencies", true),
            ] {
                if let Some(t) = doc.get(key).and_then(|v| v.as_table()) {
                    tables.push((t, dev));
                }
            }
            if let Some(t) = doc
                .get("workspace")
                .and_then(|w| w.get("dependencies"))
                .and_then(|v| v.as_table())
            {
                tables.push((t, false));
            }
            if let Some(targets) = doc.get("target").and_then(|v| v.as_table()) {
                for cfg in targets.values() {
                    for (key, dev) in [("dependencies", false), ("dev-dependencies", true)] {
                        if let Some(t) = cfg.get(key).and_then(|v| v.as_table()) {
                            tables.push((t, dev));
                        }
                    }
                }
            }
            let lines = cargo_lines(text);
            for (table, dev) in tables {
                for (key, value) in table {
                    // `package = "real-name"` renames a dependency.
                    let real = value.get("package").and_then(|p| p.as_str()).unwrap_or(key);
                    push(real, lines.get(key.as_str()).copied().unwrap_or(0), dev);
                }
            }
        }
        Ecosystem::Npm => {
            let doc: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
            for (key, dev) in [
                ("dependencies", false),
                ("devDependencies", true),
                ("peerDependencies", false),
                ("optionalDependencies", false),
            ] {
                if let Some(map) = doc.get(key).and_then(|v| v.as_object()) {
                    for dep in map.keys() {
                        push(dep, line_of(text, &format!("\"{dep}\"")), dev);
                    }
                }
            }
        }
        Ecosystem::Python if name == "pyproject.toml" || name == "pipfile" => {
            let doc: toml::Table = toml::from_str(text).map_err(|e| first_line(&e.to_string()))?;
            let mut specs: Vec<(String, bool)> = Vec::new();
            let project = doc.get("project");
            for spec in project
                .and_then(|p| p.get("dependencies"))
                .and_then(|d| d.as_array())
                .into_iter()
                .flatten()
            {
                if let Some(s) = spec.as_str() {
                    specs.push((s.to_string(), false));
                }
            }
            if let Some(groups) = project
                .and_then(|p| p.get("optional-dependencies"))
                .and_then(|d| d.as_table())
            {
                for list in groups.values().filter_map(|v| v.as_array()) {
                    specs.extend(
                        list.iter()
                            .filter_map(|s| s.as_str())
                            .map(|s| (s.to_string(), false)),
                    );
                }
            }
            if let Some(groups) = doc.get("dependency-groups").and_then(|d| d.as_table()) {
                for list in groups.values().filter_map(|v| v.as_array()) {
                    specs.extend(
                        list.iter()
                            .filter_map(|s| s.as_str())
                            .map(|s| (s.to_string(), true)),
                    );
                }
            }
            let poetry = doc.get("tool").and_then(|t| t.get("poetry"));
            for (table, dev) in [
                (poetry.and_then(|p| p.get("dependencies")), false),
                (poetry.and_then(|p| p.get("dev-dependencies")), true),
                (doc.get("packages"), false),
                (doc.get("dev-packages"), true),
            ] {
                for key in table
                    .and_then(|t| t.as_table())
                    .map(|t| t.keys().cloned().collect::<Vec<_>>())
                    .unwrap_or_default()
                {
                    if key != "python" {
                        specs.push((key, dev));
                    }
                }
            }
            if let Some(groups) = poetry
                .and_then(|p| p.get("group"))
                .and_then(|g| g.as_table())
            {
                for group in groups.values() {
                    if let Some(t) = group.get("dependencies").and_then(|d| d.as_table()) {
                        specs.extend(t.keys().map(|k| (k.clone(), true)));
                    }
                }
            }
            for (spec, dev) in specs {
                let n = pep508_name(&spec);
                push(n, line_of(text, n), dev);
            }
        }
        Ecosystem::Python => {
            // requirements*.txt, setup.cfg, setup.py: one requirement per line or quoted string.
            static QUOTED: OnceLock<Regex> = OnceLock::new();
            let dev = name.contains("dev") || name.contains("test");
            if name.ends_with(".py") {
                let q = re(
                    &QUOTED,
                    r#"["']([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:[<>=!~]=?[^"']*)?["']"#,
                );
                if let Some(start) = text.find("install_requires") {
                    let body = &text[start..];
                    let end = body.find(']').unwrap_or(body.len());
                    for c in q.captures_iter(&body[..end]) {
                        let n = &c[1];
                        push(n, line_of(text, n), dev);
                    }
                }
            } else {
                let mut in_requires = !name.ends_with(".cfg");
                for (i, raw) in text.lines().enumerate() {
                    let line = raw.split('#').next().unwrap_or("").trim();
                    if name.ends_with(".cfg") {
                        if raw.starts_with("install_requires") {
                            in_requires = true;
                            continue;
                        }
                        if in_requires
                            && !raw.starts_with(char::is_whitespace)
                            && !raw.trim().is_empty()
                        {
                            in_requires = false;
                        }
                    }
                    if !in_requires
                        || line.is_empty()
                        || line.starts_with('-')
                        || line.contains("://")
                    {
                        continue;
                    }
                    push(pep508_name(line), i as u32 + 1, dev);
                }
            }
        }
        Ecosystem::Go => {
            let mut in_block = false;
            for (i, raw) in text.lines().enumerate() {
                let line = raw.trim();
                let spec = if in_block {
                    if line.starts_with(')') {
                        in_block = false;
                        continue;
                    }
                    line
                } else if let Some(rest) = line.strip_prefix("require") {
                    let rest = rest.trim();
                    if rest.starts_with('(') {
                        in_block = true;
                        continue;
                    }
                    rest
                } else {
                    continue;
                };
                // `// indirect` requirements are not imported by this module (Go 1.17+
                // lists every direct import without the marker).
                if spec.contains("// indirect") {
                    continue;
                }
                if let Some(module) = spec
                    .split_whitespace()
                    .next()
                    .filter(|m| !m.starts_with("//"))
                {
                    push(module, i as u32 + 1, false);
                }
            }
        }
        Ecosystem::Maven => {
            static DEP: OnceLock<Regex> = OnceLock::new();
            let r = re(&DEP, r"(?s)<dependency>\s*(.*?)</dependency>");
            static G: OnceLock<Regex> = OnceLock::new();
            static A: OnceLock<Regex> = OnceLock::new();
            let g = re(&G, r"<groupId>\s*([^<\s]+)\s*</groupId>");
            let a = re(&A, r"<artifactId>\s*([^<\s]+)\s*</artifactId>");
            for c in r.captures_iter(text) {
                let body = c.get(1).map_or("", |m| m.as_str());
                let (Some(gm), Some(am)) = (g.captures(body), a.captures(body)) else {
                    continue;
                };
                let dev = body.contains("<scope>test</scope>");
                let at = c.get(0).map_or(0, |m| m.start());
                let line = text[..at].matches('\n').count() as u32 + 1;
                push(&format!("{}:{}", &gm[1], &am[1]), line, dev);
            }
        }
        Ecosystem::Gradle => {
            static DEP: OnceLock<Regex> = OnceLock::new();
            static MORE: OnceLock<Regex> = OnceLock::new();
            let r = re(
                &DEP,
                r#"^\s*(implementation|api|compile|compileOnly|runtimeOnly|testImplementation|testRuntimeOnly|annotationProcessor|kapt)\s*\(?\s*(?:platform\()?["']([^:"'\s]+):([^:"'\s]+)"#,
            );
            // Groovy lets one configuration list several coordinates, one per line:
            // `implementation "a:b:1",\n    "c:d:2"` — continuation lines follow a trailing comma.
            let more = re(&MORE, r#"^\s*["']([^:"'\s]+):([^:"'\s]+)"#);
            let mut continued: Option<bool> = None;
            for (i, raw) in text.lines().enumerate() {
                let line = i as u32 + 1;
                let ends_with_comma = raw.trim_end().ends_with(',');
                if let Some(test) = continued {
                    if let Some(c) = more.captures(raw) {
                        push(&format!("{}:{}", &c[1], &c[2]), line, test);
                        continued = ends_with_comma.then_some(test);
                        continue;
                    }
                    continued = None;
                }
                if let Some(c) = r.captures(raw) {
                    let test = c[1].starts_with("test");
                    push(&format!("{}:{}", &c[2], &c[3]), line, test);
                    continued = ends_with_comma.then_some(test);
                }
            }
        }
        Ecosystem::Ruby => {
            static GEM: OnceLock<Regex> = OnceLock::new();
            let r = re(&GEM, r#"^\s*gem\s+["']([^"']+)["']"#);
            for (i, raw) in text.lines().enumerate() {
                if let Some(c) = r.captures(raw) {
                    push(&c[1], i as u32 + 1, false);
                }
            }
        }
        Ecosystem::Hex => {
            // `{:phoenix, "~> 1.8"}` entries of `deps`; `only: :dev`/`:test` (or a list
            // without `:prod`) are development dependencies.
            static DEP: OnceLock<Regex> = OnceLock::new();
            let r = re(&DEP, r"\{\s*:([a-z_][a-zA-Z0-9_]*)\s*,");
            for (i, raw) in text.lines().enumerate() {
                let code = raw.split('#').next().unwrap_or("");
                if let Some(c) = r.captures(code) {
                    let dev = code
                        .split_once("only:")
                        .is_some_and(|(_, only)| !only.contains(":prod"));
                    push(&c[1], i as u32 + 1, dev);
                }
            }
        }
        Ecosystem::Composer => {
            let doc: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
            for (key, dev) in [("require", false), ("require-dev", true)] {
                if let Some(map) = doc.get(key).and_then(|v| v.as_object()) {
                    for dep in map.keys().filter(|k| k.contains('/')) {
                        push(dep, line_of(text, &format!("\"{dep}\"")), dev);
                    }
                }
            }
        }
        Ecosystem::Nuget => {
            static PR: OnceLock<Regex> = OnceLock::new();
            let r = re(&PR, r#"<PackageReference\s+Include\s*=\s*"([^"]+)""#);
            // The frameworks a project gets from its SDK or a framework reference, with no
            // package of their own: the web SDK brings ASP.NET Core (`Microsoft.AspNetCore.App`),
            // the worker SDK the generic host (`Microsoft.Extensions.Hosting`).
            static FR: OnceLock<Regex> = OnceLock::new();
            let fr = re(
                &FR,
                r#"<Project\b[^>]*\bSdk\s*=\s*"Microsoft\.NET\.Sdk\.(Web|Worker)"|<FrameworkReference\s+Include\s*=\s*"(Microsoft\.AspNetCore\.App)""#,
            );
            for (i, raw) in text.lines().enumerate() {
                if let Some(c) = r.captures(raw) {
                    push(&c[1], i as u32 + 1, false);
                } else if let Some(c) = fr.captures(raw) {
                    let framework = match c.get(1).map(|m| m.as_str()) {
                        Some("Worker") => "Microsoft.Extensions.Hosting",
                        _ => "Microsoft.AspNetCore.App",
                    };
                    push(framework, i as u32 + 1, false);
                }
            }
        }
    }
    Ok(out)
}

/// The direct dependencies a NuGet lock file (`packages.lock.json`) records: its
/// `"type": "Direct"` entries, which include the packages an MSBuild SDK adds to the
/// project (bitwarden/server's `<Sdk Name="Bitwarden.Server.Sdk" />` brings
/// OpenTelemetry and LaunchDarkly, named in no `PackageReference`). Project references
/// and transitive packages are not the project's own.
pub fn extract_nuget_lock(path: &str, text: &str) -> Result<Vec<Dependency>, String> {
    let doc: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let mut out: Vec<Dependency> = Vec::new();
    let Some(frameworks) = doc.get("dependencies").and_then(|d| d.as_object()) else {
        return Ok(out);
    };
    for packages in frameworks.values().filter_map(|v| v.as_object()) {
        for (name, entry) in packages {
            let line = line_of(text, &format!("\"{name}\": {{"));
            // Project references (`"type": "Project"`) are in-repository code whose packages
            // their own manifests declare; transitive packages are not this project's.
            let names: Vec<&String> = match entry.get("type").and_then(|t| t.as_str()) {
                Some("Direct") => vec![name],
                _ => vec![],
            };
            for n in names {
                if out.iter().any(|d| &d.name == n) {
                    continue;
                }
                out.push(Dependency {
                    ecosystem: Ecosystem::Nuget,
                    name: n.clone(),
                    manifest: path.to_string(),
                    line,
                    dev: false,
                });
            }
        }
    }
    Ok(out)
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or(s).to_string()
}

/// The first line naming each key of a Cargo manifest, in one pass: a `key = …` or
/// `key.field = …` line, or a `[….key]` table header. (Registry manifests list a
/// hundred dependencies over a thousand lines: searching the text once per dependency
/// was a tenth of a scan of the cargo registry.)
fn cargo_lines(text: &str) -> std::collections::HashMap<&str, u32> {
    let mut first = std::collections::HashMap::new();
    for (i, raw) in text.lines().enumerate() {
        let t = raw.trim_start();
        let line = i as u32 + 1;
        if t.starts_with('[') {
            if let Some(inner) = t.trim_end().strip_suffix(']')
                && let Some((_, key)) = inner.rsplit_once('.')
            {
                first.entry(key).or_insert(line);
            }
            continue;
        }
        let end = t
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(t.len());
        let rest = t[end..].trim_start();
        if end > 0 && (rest.starts_with('=') || rest.starts_with('.')) {
            first.entry(&t[..end]).or_insert(line);
        }
    }
    first
}

/// The reference for [`cargo_lines`]: the first line naming `key`.
/// The packages a NuGet lock file records as dependencies of the project's direct
/// dependencies, one step down (`"type": "Transitive"` entries named in a `Direct`
/// entry's `dependencies`), each once, at its own entry's line.
pub fn extract_nuget_lock_brought(path: &str, text: &str) -> Result<Vec<Dependency>, String> {
    let doc: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let mut out: Vec<Dependency> = Vec::new();
    let Some(frameworks) = doc.get("dependencies").and_then(|d| d.as_object()) else {
        return Ok(out);
    };
    for packages in frameworks.values().filter_map(|v| v.as_object()) {
        let direct = packages
            .values()
            .filter(|e| e.get("type").and_then(|t| t.as_str()) == Some("Direct"));
        for entry in direct {
            let Some(children) = entry.get("dependencies").and_then(|d| d.as_object()) else {
                continue;
            };
            for child in children.keys() {
                let transitive = packages
                    .get(child)
                    .and_then(|e| e.get("type"))
                    .and_then(|t| t.as_str())
                    .is_some_and(|t| t == "Transitive" || t == "CentralTransitive");
                if !transitive || out.iter().any(|d| &d.name == child) {
                    continue;
                }
                out.push(Dependency {
                    ecosystem: Ecosystem::Nuget,
                    name: child.clone(),
                    manifest: path.to_string(),
                    line: line_of(text, &format!("\"{child}\": {{")),
                    dev: false,
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
fn cargo_line(text: &str, key: &str) -> u32 {
    for (i, raw) in text.lines().enumerate() {
        let t = raw.trim_start();
        if let Some(rest) = t.strip_prefix(key) {
            let rest = rest.trim_start();
            if rest.starts_with('=') || rest.starts_with('.') {
                return i as u32 + 1;
            }
        }
        if t.starts_with('[') && t.trim_end().ends_with(&format!(".{key}]")) {
            return i as u32 + 1;
        }
    }
    0
}

/// The distribution name at the start of a PEP 508 requirement.
pub fn pep508_name(spec: &str) -> &str {
    let spec = spec.trim();
    let end = spec
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
        .unwrap_or(spec.len());
    &spec[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// bitwarden/server: OpenTelemetry comes from the `Bitwarden.Server.Sdk` MSBuild SDK,
    /// named in no `PackageReference`; the lock file records it as a direct dependency.
    /// Metrics and tracing failed for eleven instrumented services.
    #[test]
    fn nuget_lock_direct_entries_are_direct_dependencies() {
        let lock = r#"{
  "version": 1,
  "dependencies": {
    "net10.0": {
      "OpenTelemetry.Extensions.Hosting": {
        "type": "Direct",
        "requested": "[1.15.1, )",
        "resolved": "1.15.1"
      },
      "Azure.Core": {
        "type": "Transitive",
        "resolved": "1.44.1"
      },
      "core": {
        "type": "Project",
        "dependencies": { "Microsoft.Data.SqlClient": "[7.0.0, 7.0.0]" }
      }
    },
    "net9.0": {
      "OpenTelemetry.Extensions.Hosting": { "type": "Direct", "resolved": "1.15.1" }
    }
  }
}"#;
        let d = extract_nuget_lock("src/Api/packages.lock.json", lock).unwrap();
        let names: Vec<(&str, u32)> = d.iter().map(|d| (d.name.as_str(), d.line)).collect();
        assert_eq!(names, [("OpenTelemetry.Extensions.Hosting", 5)]);
        assert!(extract_nuget_lock("x/packages.lock.json", "{").is_err());
    }

    /// bitwarden/server: LaunchDarkly comes in through the SDK package
    /// `Bitwarden.Server.Sdk.Features`, a direct dependency; a project reference's
    /// packages and packages further down are not brought by a direct dependency.
    #[test]
    fn nuget_lock_packages_brought_by_direct_dependencies() {
        let lock = r#"{
  "version": 1,
  "dependencies": {
    "net10.0": {
      "Bitwarden.Server.Sdk.Features": {
        "type": "Direct",
        "dependencies": { "LaunchDarkly.ServerSdk": "8.10.0" }
      },
      "LaunchDarkly.ServerSdk": {
        "type": "Transitive",
        "dependencies": { "LaunchDarkly.Cache": "1.0.2" }
      },
      "LaunchDarkly.Cache": { "type": "Transitive" },
      "core": {
        "type": "Project",
        "dependencies": { "Microsoft.Data.SqlClient": "[7.0.0, 7.0.0]" }
      },
      "Microsoft.Data.SqlClient": { "type": "CentralTransitive" }
    }
  }
}"#;
        let d = extract_nuget_lock_brought("src/Api/packages.lock.json", lock).unwrap();
        let names: Vec<(&str, u32)> = d.iter().map(|d| (d.name.as_str(), d.line)).collect();
        assert_eq!(names, [("LaunchDarkly.ServerSdk", 9)]);
    }

    fn names(eco: Ecosystem, path: &str, text: &str) -> Vec<(String, u32)> {
        extract(eco, path, text)
            .unwrap()
            .into_iter()
            .map(|d| (d.name, d.line))
            .collect()
    }

    /// dotnet/eShop and microservices-demo: ASP.NET Core comes with the web SDK, not a package.
    #[test]
    fn dotnet_sdks_bring_their_frameworks() {
        let web = "<Project Sdk=\"Microsoft.NET.Sdk.Web\">\n  <ItemGroup>\n    <PackageReference Include=\"Grpc.AspNetCore\" Version=\"2.71.0\" />\n  </ItemGroup>\n</Project>\n";
        assert_eq!(
            names(Ecosystem::Nuget, "src/cart/cart.csproj", web),
            vec![
                ("Microsoft.AspNetCore.App".to_string(), 1),
                ("Grpc.AspNetCore".to_string(), 3)
            ]
        );
        let worker = "<Project Sdk=\"Microsoft.NET.Sdk.Worker\">\n</Project>\n";
        assert_eq!(
            names(Ecosystem::Nuget, "src/w/w.csproj", worker),
            vec![("Microsoft.Extensions.Hosting".to_string(), 1)]
        );
        let lib = "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <ItemGroup>\n    <FrameworkReference Include=\"Microsoft.AspNetCore.App\" />\n  </ItemGroup>\n</Project>\n";
        assert_eq!(
            names(Ecosystem::Nuget, "src/l/l.csproj", lib),
            vec![("Microsoft.AspNetCore.App".to_string(), 3)]
        );
    }

    proptest::proptest! {
        /// One pass finds the line the per-key search found, for every key.
        #[test]
        fn cargo_lines_match_the_per_key_search(
            lines in proptest::collection::vec(
                "( *)(\\[(dependencies|target.'cfg(x)'.dependencies|dev-dependencies)(\\.(serde|tokio|a-b|x_y))?\\]( # c)?|(serde|tokio|a-b|x_y|serde-json|tok)( *)(=|\\.)( *)\"1\"|# serde = 1|\\[\\[bin\\]\\]|\"serde\" = 1|)",
                0..12,
            )
        ) {
            let text = lines.join("\n");
            let found = cargo_lines(&text);
            for key in ["serde", "tokio", "a-b", "x_y", "serde-json", "tok", "bin", "dependencies"] {
                proptest::prop_assert_eq!(
                    found.get(key).copied().unwrap_or(0),
                    cargo_line(&text, key),
                    "{} in {:?}", key, text
                );
            }
        }
    }

    #[test]
    fn cargo_with_renames_and_workspace() {
        let t = "[package]\nname='x'\n[dependencies]\ntracing = \"0.1\"\nprom = { package = \"prometheus-client\", version = \"1\" }\n[workspace.dependencies]\nserde = \"1\"\n";
        let n = names(Ecosystem::Cargo, "Cargo.toml", t);
        assert!(n.contains(&("tracing".into(), 4)));
        assert!(n.contains(&("prometheus-client".into(), 5)));
        assert!(n.iter().any(|(d, _)| d == "serde"));
    }

    #[test]
    fn npm_python_go_maven_gradle_ruby() {
        let n = names(
            Ecosystem::Npm,
            "package.json",
            "{\n \"dependencies\": {\n  \"pino\": \"^8\"\n }\n}",
        );
        assert_eq!(n, vec![("pino".into(), 3)]);
        let n = names(
            Ecosystem::Python,
            "requirements.txt",
            "# c\nDjango>=4 ; python_version>'3'\n-r base.txt\nsentry-sdk[flask]==1.0\n",
        );
        assert_eq!(n, vec![("Django".into(), 2), ("sentry-sdk".into(), 4)]);
        let n = names(
            Ecosystem::Python,
            "pyproject.toml",
            "[project]\nname='a'\ndependencies = [\"structlog>=23\", \"fastapi\"]\n",
        );
        assert_eq!(n.len(), 2);
        let n = names(
            Ecosystem::Go,
            "go.mod",
            "module x\n\nrequire (\n\tgo.uber.org/zap v1.0.0\n)\nrequire github.com/a/b v1\n",
        );
        assert_eq!(
            n,
            vec![("go.uber.org/zap".into(), 4), ("github.com/a/b".into(), 6)]
        );
        // Regression: thanos' go.mod lists `go.mongodb.org/mongo-driver v1.17.6 // indirect`,
        // which made scalability/backups-documented see a MongoDB datastore in thanos.
        let n = names(
            Ecosystem::Go,
            "go.mod",
            "module x\n\nrequire (\n\tgithub.com/go-kit/log v0.2.1\n\tgo.mongodb.org/mongo-driver v1.17.6 // indirect\n)\nrequire github.com/c/d v1 // indirect\n",
        );
        assert_eq!(n, vec![("github.com/go-kit/log".into(), 4)]);
        let n = names(
            Ecosystem::Maven,
            "pom.xml",
            "<project>\n<dependencies>\n<dependency>\n<groupId>io.micrometer</groupId>\n<artifactId>micrometer-core</artifactId>\n</dependency>\n</dependencies></project>",
        );
        assert_eq!(n, vec![("io.micrometer:micrometer-core".into(), 3)]);
        let n = names(
            Ecosystem::Gradle,
            "build.gradle",
            "dependencies {\n  implementation 'io.sentry:sentry:6.0'\n}\n",
        );
        assert_eq!(n, vec![("io.sentry:sentry".into(), 2)]);
        // Regression: opentelemetry-demo src/ad/build.gradle lists its dependencies as one
        // `implementation "a", "b", ...` spread over lines; only the first was read, so
        // io.prometheus metrics and log4j were missed.
        let n = names(
            Ecosystem::Gradle,
            "build.gradle",
            "dependencies {\n  implementation \"com.google.protobuf:protobuf-java:4\",\n      \"io.prometheus:prometheus-metrics-core:1.3\",\n      'org.apache.logging.log4j:log4j-core:2.26.1'\n  \"not:a-dependency\"\n  testImplementation 'junit:junit:4',\n      'org.mockito:mockito-core:5'\n}\n",
        );
        assert_eq!(
            n,
            vec![
                ("com.google.protobuf:protobuf-java".into(), 2),
                ("io.prometheus:prometheus-metrics-core".into(), 3),
                ("org.apache.logging.log4j:log4j-core".into(), 4),
                ("junit:junit".into(), 6),
                ("org.mockito:mockito-core".into(), 7),
            ]
        );
        let n = names(
            Ecosystem::Ruby,
            "Gemfile",
            "source 'x'\ngem 'rails', '~> 7'\n",
        );
        assert_eq!(n, vec![("rails".into(), 2)]);
    }

    #[test]
    fn broken_manifests_are_errors() {
        assert!(extract(Ecosystem::Cargo, "Cargo.toml", "[dependencies\n").is_err());
        assert!(extract(Ecosystem::Npm, "package.json", "{").is_err());
    }
}
