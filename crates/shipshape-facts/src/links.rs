//! Links between the repository's own manifests: code one project builds into itself
//! from another directory of the same repository (a .NET `ProjectReference`, a Cargo
//! `path` dependency, an npm workspace package, a Maven reactor module, a Gradle
//! `project(':…')`, a Go module `replace`d by a directory of the repository).
//!
//! A service that links `src/Core` runs with `src/Core`'s packages: its database
//! client, its logger, its feature-flag SDK. The checks that ask "does this unit run
//! with a library of some category" follow these links (`Ctx::runtime_deps`); the
//! checks that decide what a unit *is* do not (a CLI that links a server library is
//! still a CLI).

use crate::FileEntry;
use crate::kind::{Ecosystem, FileKind};
use regex::Regex;
use std::collections::HashMap;
use std::sync::OnceLock;

/// `from` builds in the code of `to` (both repository-relative manifest paths).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub from: String,
    pub to: String,
    /// 1-based line of the reference in `from` (0 when unknown).
    pub line: u32,
    /// A development/test-only reference (`[dev-dependencies]`, `<scope>test</scope>`,
    /// `testImplementation`, npm `devDependencies`).
    pub dev: bool,
}

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    // Patterns are constants exercised by the tests below.
    cell.get_or_init(|| Regex::new(pattern).expect("constant regex"))
}

fn line_at(text: &str, at: usize) -> u32 {
    text[..at].bytes().filter(|&b| b == b'\n').count() as u32 + 1
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// `base/rel` with `.` and `..` resolved (`\` read as `/`, as MSBuild writes paths);
/// `None` when it climbs out of the repository, `""` for the root.
fn join(base: &str, rel: &str) -> Option<String> {
    let rel = rel.replace('\\', "/");
    let joined = if base.is_empty() {
        rel.trim_start_matches('/').to_string()
    } else {
        format!("{base}/{rel}")
    };
    crate::ci::normalise_path(&joined).map(|p| if p == "." { String::new() } else { p })
}

/// What the links are resolved against: the repository's manifests by path and by the
/// names they declare.
struct Index<'a> {
    manifests: HashMap<&'a str, Ecosystem>,
    npm_names: HashMap<String, &'a str>,
    maven_artifacts: HashMap<String, &'a str>,
}

impl<'a> Index<'a> {
    fn build(manifests: &[(&'a FileEntry, &'a str)]) -> Self {
        let mut ix = Index {
            manifests: HashMap::new(),
            npm_names: HashMap::new(),
            maven_artifacts: HashMap::new(),
        };
        for (f, text) in manifests {
            let FileKind::Manifest(eco) = f.kind else {
                continue;
            };
            ix.manifests.insert(f.path.as_str(), eco);
            match eco {
                Ecosystem::Npm => {
                    if let Ok(v) = serde_json::from_str::<serde_json::Value>(text)
                        && let Some(n) = v.get("name").and_then(|n| n.as_str())
                    {
                        ix.npm_names.entry(n.to_string()).or_insert(&f.path);
                    }
                }
                Ecosystem::Maven => {
                    if let Some(a) = maven_own_artifact(text) {
                        ix.maven_artifacts.entry(a).or_insert(&f.path);
                    }
                }
                _ => {}
            }
        }
        ix
    }

    fn manifest(&self, path: &str, eco: Ecosystem) -> Option<String> {
        (self.manifests.get(path) == Some(&eco)).then(|| path.to_string())
    }

    /// The manifest `file` in the directory `dir` (`""`: the root), if the repository
    /// has it.
    fn manifest_in(&self, dir: &str, file: &str, eco: Ecosystem) -> Option<String> {
        if dir.is_empty() {
            self.manifest(file, eco)
        } else {
            self.manifest(&format!("{dir}/{file}"), eco)
        }
    }
}

/// The project's own artifactId: the first `<artifactId>` outside `<parent>`,
/// `<dependencies>`, `<build>` and `<dependencyManagement>`.
fn maven_own_artifact(text: &str) -> Option<String> {
    static BLOCKS: OnceLock<Regex> = OnceLock::new();
    static A: OnceLock<Regex> = OnceLock::new();
    let blocks = re(
        &BLOCKS,
        r"(?s)<parent>.*?</parent>|<dependencies>.*?</dependencies>|<dependencyManagement>.*?</dependencyManagement>|<build>.*?</build>|<profiles>.*?</profiles>|<!--.*?-->",
    );
    let stripped = blocks.replace_all(text, "");
    re(&A, r"<artifactId>\s*([^<\s]+)\s*</artifactId>")
        .captures(&stripped)
        .map(|c| c[1].to_string())
}

/// Every link between the repository's manifests, in manifest path order.
pub fn extract(manifests: &[(&FileEntry, &str)]) -> Vec<Link> {
    let ix = Index::build(manifests);
    // The root workspace's `[workspace.dependencies]`, for `{ workspace = true }` members.
    let root_ws = manifests
        .iter()
        .find(|(m, _)| m.path == "Cargo.toml")
        .and_then(|(_, t)| t.parse::<toml::Table>().ok());
    let mut out = Vec::new();
    for (f, text) in manifests {
        let FileKind::Manifest(eco) = f.kind else {
            continue;
        };
        let mut push = |to: Option<String>, line: u32, dev: bool| {
            if let Some(to) = to
                && to != f.path
                && !out
                    .iter()
                    .any(|l: &Link| l.from == f.path && l.to == to && l.dev == dev)
            {
                out.push(Link {
                    from: f.path.clone(),
                    to,
                    line,
                    dev,
                });
            }
        };
        let dir = dir_of(&f.path);
        match eco {
            Ecosystem::Nuget => {
                static PR: OnceLock<Regex> = OnceLock::new();
                let r = re(&PR, r#"<ProjectReference\s+Include\s*=\s*"([^"]+)""#);
                for c in r.captures_iter(text) {
                    let at = c.get(0).map_or(0, |m| m.start());
                    let to = join(dir, &c[1]).and_then(|p| ix.manifest(&p, Ecosystem::Nuget));
                    push(to, line_at(text, at), false);
                }
            }
            Ecosystem::Cargo => {
                let Ok(doc) = text.parse::<toml::Table>() else {
                    continue;
                };
                let mut tables: Vec<(&toml::Table, bool)> = Vec::new();
                for (key, dev) in [
                    ("dependencies", false),
                    ("build-dependencies", false),
                    ("dev-dependencies", true),
                ] {
                    if let Some(t) = doc.get(key).and_then(|t| t.as_table()) {
                        tables.push((t, dev));
                    }
                }
                if let Some(targets) = doc.get("target").and_then(|t| t.as_table()) {
                    for t in targets.values().filter_map(|t| t.as_table()) {
                        for (key, dev) in [("dependencies", false), ("dev-dependencies", true)] {
                            if let Some(t) = t.get(key).and_then(|t| t.as_table()) {
                                tables.push((t, dev));
                            }
                        }
                    }
                }
                for (table, dev) in tables {
                    for (name, spec) in table {
                        let path = match spec.get("path").and_then(|p| p.as_str()) {
                            Some(p) => join(dir, p),
                            None if spec.get("workspace").and_then(|w| w.as_bool())
                                == Some(true) =>
                            {
                                root_ws
                                    .as_ref()
                                    .and_then(|r| r.get("workspace"))
                                    .and_then(|w| w.get("dependencies"))
                                    .and_then(|d| d.get(name))
                                    .and_then(|d| d.get("path"))
                                    .and_then(|p| p.as_str())
                                    .and_then(|p| join("", p))
                            }
                            None => None,
                        };
                        let to =
                            path.and_then(|p| ix.manifest_in(&p, "Cargo.toml", Ecosystem::Cargo));
                        let line = crate::deps::line_of(text, &format!("\n{name} "))
                            .max(crate::deps::line_of(text, &format!("\n{name}=")));
                        push(to, line + u32::from(line > 0), dev);
                    }
                }
            }
            Ecosystem::Npm => {
                let Ok(doc) = serde_json::from_str::<serde_json::Value>(text) else {
                    continue;
                };
                for (key, dev) in [
                    ("dependencies", false),
                    ("optionalDependencies", false),
                    ("peerDependencies", false),
                    ("devDependencies", true),
                ] {
                    let Some(map) = doc.get(key).and_then(|m| m.as_object()) else {
                        continue;
                    };
                    for (name, spec) in map {
                        let spec = spec.as_str().unwrap_or("");
                        let to = if let Some(rel) = spec
                            .strip_prefix("file:")
                            .or_else(|| spec.strip_prefix("link:"))
                        {
                            join(dir, rel)
                                .and_then(|p| ix.manifest_in(&p, "package.json", Ecosystem::Npm))
                        } else {
                            // `workspace:*`, or a plain range that a workspace package of
                            // that name satisfies (npm and Yarn link it).
                            ix.npm_names.get(name).map(|p| p.to_string())
                        };
                        push(to, crate::deps::line_of(text, &format!("\"{name}\"")), dev);
                    }
                }
            }
            Ecosystem::Maven => {
                static DEP: OnceLock<Regex> = OnceLock::new();
                static A: OnceLock<Regex> = OnceLock::new();
                let r = re(&DEP, r"(?s)<dependency>\s*(.*?)</dependency>");
                let a = re(&A, r"<artifactId>\s*([^<\s]+)\s*</artifactId>");
                // Only the project's own dependencies, not a parent's management section.
                let managed = text
                    .find("<dependencyManagement>")
                    .zip(text.find("</dependencyManagement>"));
                for c in r.captures_iter(text) {
                    let at = c.get(0).map_or(0, |m| m.start());
                    if managed.is_some_and(|(s, e)| at > s && at < e) {
                        continue;
                    }
                    let body = c.get(1).map_or("", |m| m.as_str());
                    let Some(am) = a.captures(body) else {
                        continue;
                    };
                    let to = ix.maven_artifacts.get(&am[1]).map(|p| p.to_string());
                    push(to, line_at(text, at), body.contains("<scope>test</scope>"));
                }
            }
            Ecosystem::Gradle => {
                static P: OnceLock<Regex> = OnceLock::new();
                let r = re(
                    &P,
                    r#"(?m)^\s*(\w+)\s*\(?\s*project\s*\(\s*(?:path\s*:\s*)?["']:([^"']+)["']"#,
                );
                for c in r.captures_iter(text) {
                    let at = c.get(0).map_or(0, |m| m.start());
                    let rel = c[2].replace(':', "/");
                    let to = ["build.gradle.kts", "build.gradle"]
                        .iter()
                        .find_map(|b| ix.manifest(&format!("{rel}/{b}"), Ecosystem::Gradle));
                    let dev = c[1].starts_with("test");
                    push(to, line_at(text, at), dev);
                }
            }
            Ecosystem::Go => {
                // Only a `replace` to a directory builds the repository's own copy in: a
                // `require` of a module the repository also holds resolves to a published
                // version (grafana/loki's operator requires `loki/v3 v3.7.1` for one package).
                static REP: OnceLock<Regex> = OnceLock::new();
                let r = re(
                    &REP,
                    r"(?m)^(?:replace\s+|\s+)[\w.\-/~]+(?:\s+v\S+)?\s+=>\s+(\.{1,2}/\S*)\s*$",
                );
                for c in r.captures_iter(text) {
                    let at = c.get(0).map_or(0, |m| m.start());
                    let to =
                        join(dir, &c[1]).and_then(|p| ix.manifest_in(&p, "go.mod", Ecosystem::Go));
                    push(to, line_at(text, at), false);
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(files: &[(&str, &str)]) -> Vec<(String, String, u32, bool)> {
        crate::Facts::from_memory(files)
            .links()
            .iter()
            .map(|l| (l.from.clone(), l.to.clone(), l.line, l.dev))
            .collect()
    }

    /// bitwarden/server: `src/Api` runs with `src/Core`'s SQL client through a
    /// ProjectReference written with backslashes.
    #[test]
    fn dotnet_project_references() {
        let got = links(&[
            (
                "src/Api/Api.csproj",
                "<Project>\n  <ItemGroup>\n    <ProjectReference Include=\"..\\Core\\Core.csproj\" />\n    <ProjectReference Include=\"..\\Gone\\Gone.csproj\" />\n  </ItemGroup>\n</Project>\n",
            ),
            ("src/Core/Core.csproj", "<Project />\n"),
        ]);
        assert_eq!(
            got,
            vec![(
                "src/Api/Api.csproj".into(),
                "src/Core/Core.csproj".into(),
                3,
                false
            )]
        );
    }

    #[test]
    fn cargo_path_and_workspace_dependencies() {
        let got = links(&[
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"server\", \"core\"]\n[workspace.dependencies]\ncore = { path = \"core\" }\n",
            ),
            (
                "server/Cargo.toml",
                "[package]\nname = \"server\"\n[dependencies]\ncore = { workspace = true }\n[dev-dependencies]\ntesthelp = { path = \"../testhelp\" }\n",
            ),
            ("core/Cargo.toml", "[package]\nname = \"core\"\n"),
            ("testhelp/Cargo.toml", "[package]\nname = \"testhelp\"\n"),
        ]);
        assert_eq!(
            got,
            vec![
                (
                    "server/Cargo.toml".into(),
                    "core/Cargo.toml".into(),
                    4,
                    false
                ),
                (
                    "server/Cargo.toml".into(),
                    "testhelp/Cargo.toml".into(),
                    6,
                    true
                ),
            ]
        );
    }

    #[test]
    fn npm_workspace_packages_by_name_and_file_paths() {
        let got = links(&[
            (
                "apps/web/package.json",
                "{\n  \"name\": \"web\",\n  \"dependencies\": {\n    \"@acme/lib\": \"workspace:*\",\n    \"react\": \"^19\",\n    \"local\": \"file:../../packages/local\"\n  },\n  \"devDependencies\": { \"@acme/test\": \"*\" }\n}\n",
            ),
            ("packages/lib/package.json", "{\"name\": \"@acme/lib\"}"),
            ("packages/local/package.json", "{\"name\": \"local\"}"),
            ("packages/test/package.json", "{\"name\": \"@acme/test\"}"),
        ]);
        let to: Vec<(&str, bool)> = got.iter().map(|l| (l.1.as_str(), l.3)).collect();
        assert_eq!(
            to,
            vec![
                ("packages/lib/package.json", false),
                ("packages/local/package.json", false),
                ("packages/test/package.json", true),
            ]
        );
    }

    #[test]
    fn maven_reactor_modules_gradle_projects_and_go_modules() {
        let got = links(&[
            (
                "api/pom.xml",
                "<project>\n<parent><artifactId>parent</artifactId></parent>\n<artifactId>api</artifactId>\n<dependencies>\n<dependency>\n<groupId>x</groupId>\n<artifactId>core</artifactId>\n</dependency>\n<dependency><groupId>x</groupId><artifactId>fixtures</artifactId><scope>test</scope></dependency>\n</dependencies>\n</project>\n",
            ),
            (
                "core/pom.xml",
                "<project>\n<parent><artifactId>parent</artifactId></parent>\n<artifactId>core</artifactId>\n</project>\n",
            ),
            (
                "fixtures/pom.xml",
                "<project><artifactId>fixtures</artifactId></project>\n",
            ),
            (
                "app/build.gradle.kts",
                "dependencies {\n    implementation(project(\":lib:common\"))\n    testImplementation(project(\":testing\"))\n}\n",
            ),
            ("lib/common/build.gradle.kts", "\n"),
            ("testing/build.gradle", "\n"),
            (
                "go.mod",
                "module example.com/svc\n\nrequire (\n\texample.com/svc/sdk v0.0.0\n\tgithub.com/x/y v1.0.0\n\texample.com/svc/v3 v3.7.1\n)\n\nreplace example.com/svc/sdk => ./sdk\n",
            ),
            ("sdk/go.mod", "module example.com/svc/sdk\n"),
            // Required at a published version, not replaced: not this repository's copy.
            ("v3/go.mod", "module example.com/svc/v3\n"),
        ]);
        let to: Vec<(&str, &str, bool)> = got
            .iter()
            .map(|l| (l.0.as_str(), l.1.as_str(), l.3))
            .collect();
        assert_eq!(
            to,
            vec![
                ("api/pom.xml", "core/pom.xml", false),
                ("api/pom.xml", "fixtures/pom.xml", true),
                ("app/build.gradle.kts", "lib/common/build.gradle.kts", false),
                ("app/build.gradle.kts", "testing/build.gradle", true),
                ("go.mod", "sdk/go.mod", false),
            ]
        );
    }

    #[test]
    fn paths_that_leave_the_repository_link_nothing() {
        assert_eq!(join("a", "../../b"), None);
        assert_eq!(join("a/b", "..\\c"), Some("a/c".into()));
        let got = links(&[(
            "Cargo.toml",
            "[package]\nname=\"x\"\n[dependencies]\ny = { path = \"../../y\" }\n",
        )]);
        assert!(got.is_empty());
    }
}
