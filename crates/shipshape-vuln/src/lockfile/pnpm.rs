//! `pnpm-lock.yaml`, lockfile versions 5.x, 6.x and 9.x (parsed with serde-saphyr).
//!
//! Packages come from the `packages` map, whose keys encode name and version:
//! v5 `/name/1.0.0_peer@2`, v6 `/name@1.0.0(peer@2)`, v9 `name@1.0.0`. Peer suffixes are
//! dropped and duplicates merged. A package is direct when the root or an importer lists
//! that name at that version. Lines come from the key's line in the `packages:` block.

use super::{Ecosystem, Lockfile, Package, ParseError, lineno};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

pub(super) fn parse(path: &str, text: &str, lf: &mut Lockfile) -> Result<(), ParseError> {
    let doc: Value = serde_saphyr::from_str(text).map_err(|e| {
        let line = e
            .location()
            .map_or(1, |l| u32::try_from(l.line()).unwrap_or(1));
        let msg = e.to_string();
        let first = msg.lines().next().unwrap_or("").to_string();
        ParseError::new(path, line, format!("invalid YAML: {first}"))
    })?;
    let Value::Object(root) = &doc else {
        return Err(ParseError::new(
            path,
            1,
            "expected a YAML mapping with `lockfileVersion` and `packages`",
        ));
    };
    let version = match root.get("lockfileVersion") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => {
            return Err(ParseError::new(
                path,
                1,
                "expected `lockfileVersion` (is this a pnpm lockfile?)",
            ));
        }
    };
    let v5 = version
        .split('.')
        .next()
        .and_then(|m| m.parse::<u32>().ok())
        .is_some_and(|m| m <= 5);

    let mut direct: HashSet<(String, String)> = HashSet::new();
    let mut collect = |deps_owner: &serde_json::Map<String, Value>| {
        for key in ["dependencies", "devDependencies", "optionalDependencies"] {
            let Some(Value::Object(deps)) = deps_owner.get(key) else {
                continue;
            };
            for (name, v) in deps {
                let ver = match v {
                    Value::String(s) => s.as_str(),
                    Value::Object(o) => o.get("version").and_then(Value::as_str).unwrap_or(""),
                    _ => "",
                };
                direct.insert((name.clone(), strip_peers(ver, v5).to_string()));
            }
        }
    };
    collect(root);
    if let Some(Value::Object(importers)) = root.get("importers") {
        for imp in importers.values() {
            if let Value::Object(imp) = imp {
                collect(imp);
            }
        }
    }

    let lines = package_key_lines(text);
    let mut seen = HashSet::new();
    if let Some(Value::Object(packages)) = root.get("packages") {
        for key in packages.keys() {
            let Some((name, ver)) = split_key(key, v5) else {
                continue;
            };
            if !ver.starts_with(|c: char| c.is_ascii_digit())
                || !seen.insert((name.to_string(), ver.to_string()))
            {
                continue;
            }
            lf.packages.push(Package {
                ecosystem: Ecosystem::Npm,
                name: name.to_string(),
                version: ver.to_string(),
                direct: Some(direct.contains(&(name.to_string(), ver.to_string()))),
                line: lines.get(key.as_str()).copied().unwrap_or(1),
            });
        }
    }
    lf.packages.sort_by_key(|p| p.line);
    Ok(())
}

fn strip_peers(ver: &str, v5: bool) -> &str {
    let ver = ver.split('(').next().unwrap_or(ver);
    if v5 {
        ver.split('_').next().unwrap_or(ver)
    } else {
        ver
    }
}

/// Name and version from a `packages` key.
fn split_key(key: &str, v5: bool) -> Option<(&str, &str)> {
    let k = key.strip_prefix('/').unwrap_or(key);
    if v5 {
        let slash = k.rfind('/')?;
        Some((&k[..slash], strip_peers(&k[slash + 1..], true)))
    } else {
        let at = k.get(1..)?.find('@')? + 1;
        Some((&k[..at], strip_peers(&k[at + 1..], false)))
    }
}

/// Line of each key directly under the top-level `packages:` mapping.
fn package_key_lines(text: &str) -> HashMap<String, u32> {
    let mut out = HashMap::new();
    let mut inside = false;
    let mut indent: Option<usize> = None;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if !line.starts_with(' ') {
            inside = line.trim_end() == "packages:";
            indent = None;
            continue;
        }
        if !inside {
            continue;
        }
        let body = line.trim_start();
        let this = line.len() - body.len();
        let want = *indent.get_or_insert(this);
        if this != want {
            continue;
        }
        let key = body.trim_end().strip_suffix(':').unwrap_or(body);
        let key = key.trim_matches(|c| c == '\'' || c == '"');
        out.entry(key.to_string()).or_insert(lineno(i));
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::lockfile::{LockfileKind, parse};

    fn quads(text: &str) -> Vec<(String, String, Option<bool>, u32)> {
        parse(LockfileKind::PnpmLock, "pnpm-lock.yaml", text)
            .unwrap()
            .packages
            .into_iter()
            .map(|p| (p.name, p.version, p.direct, p.line))
            .collect()
    }

    #[test]
    fn v9() {
        let text = r#"lockfileVersion: '9.0'

importers:
  .:
    dependencies:
      '@scope/a':
        specifier: ^1.0.0
        version: 1.0.0(b@2.0.0)

packages:

  '@scope/a@1.0.0':
    resolution: {integrity: sha512-x}

  b@2.0.0:
    resolution: {integrity: sha512-y}

snapshots:
  '@scope/a@1.0.0(b@2.0.0)':
    dependencies:
      b: 2.0.0
"#;
        assert_eq!(
            quads(text),
            vec![
                ("@scope/a".into(), "1.0.0".into(), Some(true), 12),
                ("b".into(), "2.0.0".into(), Some(false), 15),
            ]
        );
    }

    #[test]
    fn v6_and_v5_keys() {
        let v6 = "lockfileVersion: '6.0'\ndependencies:\n  a:\n    specifier: ^1\n    version: 1.2.3\npackages:\n  /a@1.2.3:\n    dev: false\n  /@s/b@0.1.0(a@1.2.3):\n    dev: false\n";
        assert_eq!(
            quads(v6),
            vec![
                ("a".into(), "1.2.3".into(), Some(true), 7),
                ("@s/b".into(), "0.1.0".into(), Some(false), 9),
            ]
        );
        let v5 = "lockfileVersion: 5.4\nspecifiers:\n  a: ^1\ndependencies:\n  a: 1.2.3_c@1.0.0\npackages:\n  /a/1.2.3_c@1.0.0:\n    dev: false\n  /@s/b/0.1.0:\n    dev: false\n";
        assert_eq!(
            quads(v5),
            vec![
                ("a".into(), "1.2.3".into(), Some(true), 7),
                ("@s/b".into(), "0.1.0".into(), Some(false), 9),
            ]
        );
    }

    #[test]
    fn errors() {
        let err = parse(LockfileKind::PnpmLock, "pnpm-lock.yaml", "packages: {}\n").unwrap_err();
        assert!(err.to_string().contains("lockfileVersion"), "{err}");
        let err = parse(LockfileKind::PnpmLock, "pnpm-lock.yaml", "a: [\n").unwrap_err();
        assert!(err.to_string().starts_with("pnpm-lock.yaml:"), "{err}");
    }
}
