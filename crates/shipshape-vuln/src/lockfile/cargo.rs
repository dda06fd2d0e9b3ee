//! `Cargo.lock` (format versions 1–4): registry packages with their exact versions.
//!
//! Packages without a `source` are workspace members or path dependencies: they are not
//! published crates, so they are not reported (a local crate named like a vulnerable
//! crates.io crate must not match). A package is direct when a local package depends on it.

use super::{Ecosystem, Lines, Lockfile, Package, ParseError, toml_error};
use serde::Deserialize;
use std::collections::HashSet;
use toml::Spanned;

#[derive(Deserialize)]
struct CargoLock {
    #[serde(default)]
    package: Vec<CargoPackage>,
}

#[derive(Deserialize)]
struct CargoPackage {
    name: Spanned<String>,
    version: String,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    dependencies: Vec<String>,
}

pub(super) fn parse(path: &str, text: &str, lf: &mut Lockfile) -> Result<(), ParseError> {
    let lock: CargoLock = toml::from_str(text).map_err(|e| toml_error(path, text, &e))?;
    let lines = Lines::new(text);
    // Dependencies of local packages are direct. An entry is `name` or `name version [(source)]`.
    let mut direct: HashSet<(&str, Option<&str>)> = HashSet::new();
    for p in lock.package.iter().filter(|p| p.source.is_none()) {
        for d in &p.dependencies {
            let mut it = d.split_whitespace();
            if let Some(name) = it.next() {
                direct.insert((name, it.next()));
            }
        }
    }
    for p in &lock.package {
        let Some(source) = &p.source else { continue };
        if !source.starts_with("registry+") && !source.starts_with("sparse+") {
            // git sources are not crates.io releases; their version numbers may not exist there.
            continue;
        }
        let name = p.name.get_ref().as_str();
        let is_direct =
            direct.contains(&(name, None)) || direct.contains(&(name, Some(p.version.as_str())));
        lf.packages.push(Package {
            ecosystem: Ecosystem::CratesIo,
            name: name.to_string(),
            version: p.version.clone(),
            direct: Some(is_direct),
            line: lines.line(p.name.span().start),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::lockfile::{LockfileKind, parse};

    #[test]
    fn registry_packages_with_lines_and_directness() {
        let text = r#"version = 3

[[package]]
name = "app"
version = "0.1.0"
dependencies = [
 "smallvec",
 "time 0.1.40",
]

[[package]]
name = "smallvec"
version = "1.6.0"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "time"
version = "0.1.40"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = ["libc"]

[[package]]
name = "libc"
version = "0.2.80"
source = "registry+https://github.com/rust-lang/crates.io-index"
"#;
        let lf = parse(LockfileKind::CargoLock, "Cargo.lock", text).unwrap();
        let got: Vec<_> = lf
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.direct, p.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("smallvec", "1.6.0", Some(true), 12),
                ("time", "0.1.40", Some(true), 17),
                ("libc", "0.2.80", Some(false), 23),
            ]
        );
    }

    #[test]
    fn error_names_file_and_line() {
        let err = parse(
            LockfileKind::CargoLock,
            "Cargo.lock",
            "[[package]]\nname = \"a\"\nversion = 3 3\n",
        )
        .unwrap_err();
        assert_eq!(err.line, 3, "{err}");
        assert!(
            err.to_string().starts_with("Cargo.lock:3: invalid TOML"),
            "{err}"
        );
    }
}
