//! `package-lock.json` / `npm-shrinkwrap.json`, lockfile versions 1–3.
//!
//! v2/v3 list every installed package under `packages` keyed by its `node_modules/…` path;
//! a package is direct when it sits at the top level and the root (or a workspace) lists it.
//! v1 nests `dependencies` and does not say which are direct (`direct: None`).
//! Links, workspace folders and non-registry versions (`file:`, git URLs) are skipped.

use super::json::{KeyCursor, Node, parse_json};
use super::{Ecosystem, Lockfile, Package, ParseError};
use std::collections::HashSet;

const DEP_KEYS: [&str; 4] = [
    "dependencies",
    "devDependencies",
    "optionalDependencies",
    "peerDependencies",
];

pub(super) fn parse(path: &str, text: &str, lf: &mut Lockfile) -> Result<(), ParseError> {
    let root = parse_json(path, text)?;
    if !matches!(root, Node::Obj(_)) {
        return Err(ParseError::new(
            path,
            1,
            "expected a JSON object at the top level",
        ));
    }
    let mut cursor = KeyCursor::new(text);
    if let Some(packages) = root.get("packages") {
        cursor.skip_to("packages");
        parse_packages(packages, &mut cursor, lf);
    } else if let Some(deps) = root.get("dependencies") {
        cursor.skip_to("dependencies");
        parse_v1(deps, &mut cursor, lf);
    } else if root.get("lockfileVersion").is_none() {
        return Err(ParseError::new(
            path,
            1,
            "expected `lockfileVersion` and `packages` or `dependencies` (is this an npm lockfile?)",
        ));
    }
    Ok(())
}

/// A version npm resolved from the registry (not `file:`, `link:`, git or a URL).
fn registry_version(v: &str) -> bool {
    v.starts_with(|c: char| c.is_ascii_digit())
}

fn parse_packages(packages: &Node, cursor: &mut KeyCursor<'_>, lf: &mut Lockfile) {
    let mut direct: HashSet<&str> = HashSet::new();
    for (key, entry) in packages.entries() {
        if !key.contains("node_modules/") {
            // The root ("") or a workspace folder: its dependency names are direct.
            for dk in DEP_KEYS {
                direct.extend(
                    entry
                        .get(dk)
                        .into_iter()
                        .flat_map(|m| m.entries())
                        .map(|(n, _)| n.as_str()),
                );
            }
        }
    }
    for (key, entry) in packages.entries() {
        let Some(idx) = key.rfind("node_modules/") else {
            continue;
        };
        if entry.get("link") == Some(&Node::Bool(true)) {
            continue;
        }
        let line = cursor.find(key, true);
        let Some(version) = entry.str_of("version").filter(|v| registry_version(v)) else {
            continue;
        };
        let local = &key[idx + "node_modules/".len()..];
        let name = entry.str_of("name").unwrap_or(local);
        let top_level = idx == 0;
        lf.packages.push(Package {
            ecosystem: Ecosystem::Npm,
            name: name.to_string(),
            version: version.to_string(),
            direct: Some(top_level && direct.contains(local)),
            line,
        });
    }
}

fn parse_v1(deps: &Node, cursor: &mut KeyCursor<'_>, lf: &mut Lockfile) {
    for (name, entry) in deps.entries() {
        let line = cursor.find(name, true);
        if let Some(version) = entry.str_of("version").filter(|v| registry_version(v)) {
            // Aliases are written `npm:real-name@1.2.3`; others are plain versions.
            lf.packages.push(Package {
                ecosystem: Ecosystem::Npm,
                name: name.clone(),
                version: version.to_string(),
                direct: None,
                line,
            });
        } else if let Some((alias, at)) = entry
            .str_of("version")
            .and_then(|v| v.strip_prefix("npm:"))
            .and_then(|a| a.rfind('@').filter(|&i| i > 0).map(|at| (a, at)))
        {
            lf.packages.push(Package {
                ecosystem: Ecosystem::Npm,
                name: alias[..at].to_string(),
                version: alias[at + 1..].to_string(),
                direct: None,
                line,
            });
        }
        if let Some(nested) = entry.get("dependencies") {
            parse_v1(nested, cursor, lf);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lockfile::{LockfileKind, parse};

    #[test]
    fn v3_paths_names_and_directness() {
        let text = r#"{
  "name": "app",
  "lockfileVersion": 3,
  "packages": {
    "": {
      "dependencies": { "lodash": "^4.17.0" },
      "devDependencies": { "@babel/core": "^7" }
    },
    "node_modules/@babel/core": {
      "version": "7.0.0",
      "dev": true
    },
    "node_modules/lodash": {
      "version": "4.17.15"
    },
    "node_modules/minimist": {
      "version": "1.2.0"
    },
    "node_modules/lodash/node_modules/minimist": {
      "version": "0.0.8"
    },
    "node_modules/local": { "resolved": "packages/local", "link": true }
  }
}"#;
        let lf = parse(LockfileKind::PackageLockJson, "package-lock.json", text).unwrap();
        let got: Vec<_> = lf
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.direct, p.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("@babel/core", "7.0.0", Some(true), 9),
                ("lodash", "4.17.15", Some(true), 13),
                ("minimist", "1.2.0", Some(false), 16),
                ("minimist", "0.0.8", Some(false), 19),
            ]
        );
    }

    #[test]
    fn v1_nested_dependencies() {
        let text = r#"{
  "lockfileVersion": 1,
  "dependencies": {
    "mkdirp": {
      "version": "0.5.1",
      "requires": { "minimist": "0.0.8" },
      "dependencies": {
        "minimist": { "version": "0.0.8" }
      }
    },
    "minimist": { "version": "1.2.0" },
    "local": { "version": "file:../local" }
  }
}"#;
        let lf = parse(LockfileKind::NpmShrinkwrap, "npm-shrinkwrap.json", text).unwrap();
        let got: Vec<_> = lf
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("mkdirp", "0.5.1", 4),
                ("minimist", "0.0.8", 8),
                ("minimist", "1.2.0", 11)
            ]
        );
    }

    #[test]
    fn not_an_object_is_an_error() {
        let err = parse(LockfileKind::PackageLockJson, "package-lock.json", "[1]").unwrap_err();
        assert!(
            err.to_string().starts_with("package-lock.json:1: expected"),
            "{err}"
        );
    }
}
