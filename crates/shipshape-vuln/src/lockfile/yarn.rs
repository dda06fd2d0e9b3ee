//! `yarn.lock`, classic (v1, a custom indented format) and berry (v2+, YAML).
//!
//! Both are read line by line: an unindented `descriptor[, descriptor…]:` line opens an
//! entry, and its indented `version` line gives the resolved version. Berry entries whose
//! `resolution` is not from the npm registry (workspace, patch, link, portal, file) are
//! skipped, as are classic descriptors with a non-registry protocol. yarn.lock does not
//! record which dependencies are direct (`direct: None`).

use super::{Ecosystem, Lockfile, Package, ParseError, lineno};

struct Entry {
    line: u32,
    descriptor: String,
    version: Option<String>,
    resolution: Option<String>,
}

fn unquote(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(s)
}

/// Split `name@range` at the `@` that ends the name (a scoped name starts with `@`).
fn split_descriptor(d: &str) -> Option<(&str, &str)> {
    let at = d.get(1..)?.find('@')? + 1;
    Some((&d[..at], &d[at + 1..]))
}

pub(super) fn parse(path: &str, text: &str, lf: &mut Lockfile) -> Result<(), ParseError> {
    let berry = text.lines().any(|l| l.starts_with("__metadata:"));
    let mut entries: Vec<Entry> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end();
        if line.is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if !line.starts_with([' ', '\t']) {
            let Some(header) = line.strip_suffix(':') else {
                return Err(ParseError::new(
                    path,
                    lineno(i),
                    format!(
                        "expected an entry header ending in `:`, found `{}`",
                        truncate(line)
                    ),
                ));
            };
            let first = header.split(',').next().unwrap_or(header);
            entries.push(Entry {
                line: lineno(i),
                descriptor: unquote(first).to_string(),
                version: None,
                resolution: None,
            });
            continue;
        }
        let Some(entry) = entries.last_mut() else {
            return Err(ParseError::new(
                path,
                lineno(i),
                "indented line before any entry",
            ));
        };
        let body = line.trim_start();
        let indent = line.len() - body.len();
        if indent > 2 && !line.starts_with('\t') {
            continue; // nested (dependencies) block
        }
        let (key, value) = if berry {
            match body.split_once(':') {
                Some((k, v)) => (k.trim(), v.trim()),
                None => continue,
            }
        } else {
            match body.split_once(' ') {
                Some((k, v)) => (k.trim(), v.trim()),
                None => continue,
            }
        };
        match unquote(key) {
            "version" => entry.version = Some(unquote(value).to_string()),
            "resolution" => entry.resolution = Some(unquote(value).to_string()),
            _ => {}
        }
    }
    for e in entries {
        if e.descriptor == "__metadata" {
            continue;
        }
        let Some(version) = e.version else { continue };
        let name = if berry {
            let Some(res) = e.resolution.as_deref() else {
                continue;
            };
            let Some((name, range)) = split_descriptor(res) else {
                continue;
            };
            if !range.starts_with("npm:") {
                continue;
            }
            name.to_string()
        } else {
            let Some((name, range)) = split_descriptor(&e.descriptor) else {
                continue;
            };
            if let Some(alias) = range.strip_prefix("npm:") {
                match split_descriptor(alias) {
                    Some((real, _)) => real.to_string(),
                    None => alias.to_string(),
                }
            } else if range.contains(':') || range.contains('/') {
                continue; // file:, link:, git URLs, github shorthands, tarball URLs
            } else {
                name.to_string()
            }
        };
        if !version.starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        lf.packages.push(Package {
            ecosystem: Ecosystem::Npm,
            name,
            version,
            direct: None,
            line: e.line,
        });
    }
    Ok(())
}

fn truncate(s: &str) -> String {
    s.chars().take(60).collect()
}

#[cfg(test)]
mod tests {
    use crate::lockfile::{LockfileKind, parse};

    fn triples(text: &str) -> Vec<(String, String, u32)> {
        parse(LockfileKind::YarnLock, "yarn.lock", text)
            .unwrap()
            .packages
            .into_iter()
            .map(|p| (p.name, p.version, p.line))
            .collect()
    }

    #[test]
    fn classic() {
        let text = r#"# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.
# yarn lockfile v1


"@babel/code-frame@^7.0.0", "@babel/code-frame@^7.8.3":
  version "7.8.3"
  dependencies:
    "@babel/highlight" "^7.8.3"

lodash@^4.17.15:
  version "4.17.15"
  resolved "https://registry.yarnpkg.com/lodash/-/lodash-4.17.15.tgz"

my-lodash@npm:lodash@4.17.11:
  version "4.17.11"

local@file:../local:
  version "1.0.0"
"#;
        assert_eq!(
            triples(text),
            vec![
                ("@babel/code-frame".into(), "7.8.3".into(), 5),
                ("lodash".into(), "4.17.15".into(), 10),
                ("lodash".into(), "4.17.11".into(), 14),
            ]
        );
    }

    #[test]
    fn berry() {
        let text = r#"__metadata:
  version: 6
  cacheKey: 8

"app@workspace:.":
  version: 0.0.0-use.local
  resolution: "app@workspace:."

"minimist@npm:^1.2.0, minimist@npm:^1.2.5":
  version: 1.2.5
  resolution: "minimist@npm:1.2.5"
  dependencies:
    foo: ^1.0.0
"#;
        assert_eq!(triples(text), vec![("minimist".into(), "1.2.5".into(), 9)]);
    }

    #[test]
    fn garbage_header_is_an_error() {
        let err = parse(LockfileKind::YarnLock, "yarn.lock", "hello world\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("yarn.lock:1: expected an entry header"),
            "{err}"
        );
    }
}
