//! Lockfile detection and parsing: every supported format becomes a [`Lockfile`] of exact
//! resolved [`Package`]s with the 1-based line of each package's entry.
//!
//! Parsers are pure functions of `(path, text)`: they never read the disk, and they never
//! panic on bad input — a malformed file becomes a [`ParseError`] naming the file, the line
//! and what was expected.

mod cargo;
mod dotnet;
mod golang;
mod java;
mod json;
mod npm;
mod php;
mod pnpm;
mod python;
mod ruby;
mod yarn;

use serde::{Deserialize, Serialize};
use std::fmt;

/// A package ecosystem, named as OSV names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Ecosystem {
    #[serde(rename = "crates.io")]
    CratesIo,
    #[serde(rename = "npm")]
    Npm,
    #[serde(rename = "PyPI")]
    PyPI,
    #[serde(rename = "Go")]
    Go,
    #[serde(rename = "RubyGems")]
    RubyGems,
    #[serde(rename = "Packagist")]
    Packagist,
    #[serde(rename = "Maven")]
    Maven,
    #[serde(rename = "NuGet")]
    NuGet,
}

impl Ecosystem {
    /// Every supported ecosystem.
    pub const ALL: [Ecosystem; 8] = [
        Ecosystem::CratesIo,
        Ecosystem::Npm,
        Ecosystem::PyPI,
        Ecosystem::Go,
        Ecosystem::RubyGems,
        Ecosystem::Packagist,
        Ecosystem::Maven,
        Ecosystem::NuGet,
    ];

    /// The OSV ecosystem name (also the folder name of its `all.zip` in the OSV bucket).
    pub fn osv_name(self) -> &'static str {
        match self {
            Ecosystem::CratesIo => "crates.io",
            Ecosystem::Npm => "npm",
            Ecosystem::PyPI => "PyPI",
            Ecosystem::Go => "Go",
            Ecosystem::RubyGems => "RubyGems",
            Ecosystem::Packagist => "Packagist",
            Ecosystem::Maven => "Maven",
            Ecosystem::NuGet => "NuGet",
        }
    }

    /// Parse an OSV ecosystem name. Suffixes such as `Maven:central` are accepted;
    /// the comparison is case-insensitive. Unknown ecosystems give `None`.
    pub fn from_osv(name: &str) -> Option<Ecosystem> {
        let base = name.split(':').next().unwrap_or(name).trim();
        Ecosystem::ALL
            .into_iter()
            .find(|e| e.osv_name().eq_ignore_ascii_case(base))
    }

    /// Normalise a package name the way the ecosystem's registry compares names:
    /// PEP 503 for PyPI, lower case for Maven `groupId:artifactId`, NuGet and Packagist;
    /// npm (including `@scope/name`), crates.io, RubyGems and Go module paths as they are.
    pub fn normalize_name(self, name: &str) -> String {
        let name = name.trim();
        match self {
            Ecosystem::PyPI => {
                let mut out = String::with_capacity(name.len());
                let mut in_sep = false;
                for c in name.chars() {
                    if matches!(c, '-' | '_' | '.') {
                        if !in_sep {
                            out.push('-');
                        }
                        in_sep = true;
                    } else {
                        out.extend(c.to_lowercase());
                        in_sep = false;
                    }
                }
                out
            }
            Ecosystem::Maven | Ecosystem::NuGet | Ecosystem::Packagist => name.to_lowercase(),
            Ecosystem::CratesIo | Ecosystem::Npm | Ecosystem::Go | Ecosystem::RubyGems => {
                name.to_string()
            }
        }
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.osv_name())
    }
}

/// The lockfile (or pinned manifest) formats understood by [`parse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LockfileKind {
    /// `Cargo.lock`
    CargoLock,
    /// `package-lock.json` (lockfile versions 1–3)
    PackageLockJson,
    /// `npm-shrinkwrap.json` (same format as `package-lock.json`)
    NpmShrinkwrap,
    /// `yarn.lock`, classic (v1) and berry (v2+)
    YarnLock,
    /// `pnpm-lock.yaml`
    PnpmLock,
    /// `poetry.lock`
    PoetryLock,
    /// `uv.lock`
    UvLock,
    /// `Pipfile.lock`
    PipfileLock,
    /// `requirements*.txt` (only `==` pins are packages)
    Requirements,
    /// `go.mod`
    GoMod,
    /// `Gemfile.lock` / `gems.locked`
    GemfileLock,
    /// `composer.lock`
    ComposerLock,
    /// `gradle.lockfile`
    GradleLockfile,
    /// Maven `pom.xml` (literal versions, and `${property}` defined in the same pom)
    MavenPom,
    /// .NET `packages.lock.json`
    NuGetPackagesLock,
}

impl LockfileKind {
    /// Every kind.
    pub const ALL: [LockfileKind; 15] = [
        LockfileKind::CargoLock,
        LockfileKind::PackageLockJson,
        LockfileKind::NpmShrinkwrap,
        LockfileKind::YarnLock,
        LockfileKind::PnpmLock,
        LockfileKind::PoetryLock,
        LockfileKind::UvLock,
        LockfileKind::PipfileLock,
        LockfileKind::Requirements,
        LockfileKind::GoMod,
        LockfileKind::GemfileLock,
        LockfileKind::ComposerLock,
        LockfileKind::GradleLockfile,
        LockfileKind::MavenPom,
        LockfileKind::NuGetPackagesLock,
    ];

    /// The ecosystem whose packages this kind lists.
    pub fn ecosystem(self) -> Ecosystem {
        match self {
            LockfileKind::CargoLock => Ecosystem::CratesIo,
            LockfileKind::PackageLockJson
            | LockfileKind::NpmShrinkwrap
            | LockfileKind::YarnLock
            | LockfileKind::PnpmLock => Ecosystem::Npm,
            LockfileKind::PoetryLock
            | LockfileKind::UvLock
            | LockfileKind::PipfileLock
            | LockfileKind::Requirements => Ecosystem::PyPI,
            LockfileKind::GoMod => Ecosystem::Go,
            LockfileKind::GemfileLock => Ecosystem::RubyGems,
            LockfileKind::ComposerLock => Ecosystem::Packagist,
            LockfileKind::GradleLockfile | LockfileKind::MavenPom => Ecosystem::Maven,
            LockfileKind::NuGetPackagesLock => Ecosystem::NuGet,
        }
    }

    /// A short human name, e.g. `package-lock.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            LockfileKind::CargoLock => "Cargo.lock",
            LockfileKind::PackageLockJson => "package-lock.json",
            LockfileKind::NpmShrinkwrap => "npm-shrinkwrap.json",
            LockfileKind::YarnLock => "yarn.lock",
            LockfileKind::PnpmLock => "pnpm-lock.yaml",
            LockfileKind::PoetryLock => "poetry.lock",
            LockfileKind::UvLock => "uv.lock",
            LockfileKind::PipfileLock => "Pipfile.lock",
            LockfileKind::Requirements => "requirements.txt",
            LockfileKind::GoMod => "go.mod",
            LockfileKind::GemfileLock => "Gemfile.lock",
            LockfileKind::ComposerLock => "composer.lock",
            LockfileKind::GradleLockfile => "gradle.lockfile",
            LockfileKind::MavenPom => "pom.xml",
            LockfileKind::NuGetPackagesLock => "packages.lock.json",
        }
    }
}

impl fmt::Display for LockfileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One resolved dependency.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Package {
    pub ecosystem: Ecosystem,
    /// The name as written in the lockfile (Maven: `groupId:artifactId`).
    pub name: String,
    /// The exact resolved version as written (Go keeps its `v` prefix).
    pub version: String,
    /// `Some(true)` for a direct dependency, `Some(false)` for a transitive one,
    /// `None` when the format does not say.
    pub direct: Option<bool>,
    /// 1-based line of the package's entry in the lockfile.
    pub line: u32,
}

/// A requirement that names a package without pinning an exact version (e.g. `flask>=2`
/// in `requirements.txt`, or a Maven `${property}` that is not defined in the pom).
/// Such entries are reported, never matched against advisories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unpinned {
    pub name: String,
    /// The version constraint as written (may be empty).
    pub spec: String,
    pub line: u32,
}

/// A parsed lockfile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lockfile {
    pub kind: LockfileKind,
    /// The path as given to [`parse`].
    pub path: String,
    pub packages: Vec<Package>,
    /// Entries without an exact version (additive to the brief's shape; empty for true lockfiles).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unpinned: Vec<Unpinned>,
    /// Things the user should know about this file (e.g. a `go.mod` without `go.sum`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// A lockfile that could not be parsed. Displays as `path:line: message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}:{line}: {message}")]
pub struct ParseError {
    pub path: String,
    /// 1-based line (1 when the error has no better place).
    pub line: u32,
    pub message: String,
}

impl ParseError {
    pub(crate) fn new(path: &str, line: u32, message: impl Into<String>) -> Self {
        ParseError {
            path: path.to_string(),
            line: line.max(1),
            message: message.into(),
        }
    }
}

/// Which lockfile kind a path names, judged by its file name alone.
pub fn detect(path: &str) -> Option<LockfileKind> {
    let norm = path.replace('\\', "/");
    let mut parts = norm.rsplit('/');
    let file = parts.next().unwrap_or("");
    let parent = parts.next().unwrap_or("");
    let kind = match file {
        "Cargo.lock" => LockfileKind::CargoLock,
        "package-lock.json" => LockfileKind::PackageLockJson,
        "npm-shrinkwrap.json" => LockfileKind::NpmShrinkwrap,
        "yarn.lock" => LockfileKind::YarnLock,
        "pnpm-lock.yaml" | "pnpm-lock.yml" => LockfileKind::PnpmLock,
        "poetry.lock" => LockfileKind::PoetryLock,
        "uv.lock" => LockfileKind::UvLock,
        "Pipfile.lock" => LockfileKind::PipfileLock,
        "go.mod" => LockfileKind::GoMod,
        "Gemfile.lock" | "gems.locked" => LockfileKind::GemfileLock,
        "composer.lock" => LockfileKind::ComposerLock,
        "gradle.lockfile" => LockfileKind::GradleLockfile,
        "pom.xml" => LockfileKind::MavenPom,
        "packages.lock.json" => LockfileKind::NuGetPackagesLock,
        f if f.ends_with(".txt") && (f.starts_with("requirements") || parent == "requirements") => {
            LockfileKind::Requirements
        }
        f if f.ends_with(".lockfile") && parent == "dependency-locks" => {
            LockfileKind::GradleLockfile
        }
        _ => return None,
    };
    Some(kind)
}

/// Parse `text` (the content of `path`) as a lockfile of `kind`.
pub fn parse(kind: LockfileKind, path: &str, text: &str) -> Result<Lockfile, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lf = Lockfile {
        kind,
        path: path.to_string(),
        packages: Vec::new(),
        unpinned: Vec::new(),
        warnings: Vec::new(),
    };
    match kind {
        LockfileKind::CargoLock => cargo::parse(path, text, &mut lf)?,
        LockfileKind::PackageLockJson | LockfileKind::NpmShrinkwrap => {
            npm::parse(path, text, &mut lf)?
        }
        LockfileKind::YarnLock => yarn::parse(path, text, &mut lf)?,
        LockfileKind::PnpmLock => pnpm::parse(path, text, &mut lf)?,
        LockfileKind::PoetryLock => python::parse_poetry(path, text, &mut lf)?,
        LockfileKind::UvLock => python::parse_uv(path, text, &mut lf)?,
        LockfileKind::PipfileLock => python::parse_pipfile(path, text, &mut lf)?,
        LockfileKind::Requirements => python::parse_requirements(path, text, &mut lf)?,
        LockfileKind::GoMod => golang::parse(path, text, &mut lf)?,
        LockfileKind::GemfileLock => ruby::parse(path, text, &mut lf)?,
        LockfileKind::ComposerLock => php::parse(path, text, &mut lf)?,
        LockfileKind::GradleLockfile => java::parse_gradle(path, text, &mut lf)?,
        LockfileKind::MavenPom => java::parse_pom(path, text, &mut lf)?,
        LockfileKind::NuGetPackagesLock => dotnet::parse(path, text, &mut lf)?,
    }
    Ok(lf)
}

/// Record whether a `go.mod` has a `go.sum` beside it. Without one, the versions in
/// `go.mod` are only the minimums it requires and were never verified by `go`; a warning
/// says so. No-op for other kinds. (Pure: the caller knows the file list.)
pub fn note_go_sum(lockfile: &mut Lockfile, go_sum_present: bool) {
    if lockfile.kind == LockfileKind::GoMod && !go_sum_present {
        lockfile.warnings.push(format!(
            "{} has no go.sum beside it: module versions are go.mod's minimums, not verified \
             resolved versions; run `go mod tidy` and commit go.sum",
            lockfile.path
        ));
    }
}

/// 1-based line of byte offset `pos` in `text` (clamped to the text).
pub(crate) fn line_of(text: &str, pos: usize) -> u32 {
    let pos = pos.min(text.len());
    let n = text.as_bytes()[..pos]
        .iter()
        .filter(|&&b| b == b'\n')
        .count();
    u32::try_from(n + 1).unwrap_or(u32::MAX)
}

/// Line index for repeated offset → line lookups.
pub(crate) struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub(crate) fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Lines { starts }
    }

    pub(crate) fn line(&self, pos: usize) -> u32 {
        let idx = match self.starts.binary_search(&pos) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        u32::try_from(idx + 1).unwrap_or(u32::MAX)
    }
}

/// Convert a 0-based line index into a 1-based `u32`.
pub(crate) fn lineno(idx: usize) -> u32 {
    u32::try_from(idx + 1).unwrap_or(u32::MAX)
}

/// Line of a toml error, from its span.
pub(crate) fn toml_error(path: &str, text: &str, e: &toml::de::Error) -> ParseError {
    let line = e.span().map_or(1, |s| line_of(text, s.start));
    let msg = e.message().trim().to_string();
    ParseError::new(path, line, format!("invalid TOML: {msg}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_file_name() {
        assert_eq!(detect("a/b/Cargo.lock"), Some(LockfileKind::CargoLock));
        assert_eq!(
            detect("requirements-dev.txt"),
            Some(LockfileKind::Requirements)
        );
        assert_eq!(
            detect("requirements/base.txt"),
            Some(LockfileKind::Requirements)
        );
        assert_eq!(detect("notes.txt"), None);
        assert_eq!(
            detect("x\\packages.lock.json"),
            Some(LockfileKind::NuGetPackagesLock)
        );
        assert_eq!(detect("Cargo.toml"), None);
    }

    #[test]
    fn pep503_and_case_normalisation() {
        assert_eq!(
            Ecosystem::PyPI.normalize_name("Zope.Interface__x"),
            "zope-interface-x"
        );
        assert_eq!(
            Ecosystem::Maven.normalize_name("Org.Apache:Log4J"),
            "org.apache:log4j"
        );
        assert_eq!(Ecosystem::Npm.normalize_name("@Scope/x"), "@Scope/x");
        assert_eq!(Ecosystem::from_osv("maven:central"), Some(Ecosystem::Maven));
        assert_eq!(Ecosystem::from_osv("Debian:11"), None);
    }

    #[test]
    fn lines() {
        let t = "a\nbb\nc";
        let l = Lines::new(t);
        assert_eq!(l.line(0), 1);
        assert_eq!(l.line(2), 2);
        assert_eq!(l.line(5), 3);
        assert_eq!(line_of(t, 5), 3);
        assert_eq!(line_of(t, 99), 3);
    }
}
