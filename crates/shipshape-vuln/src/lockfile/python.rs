//! Python: `poetry.lock`, `uv.lock`, `Pipfile.lock` and pinned `requirements*.txt`.
//!
//! Only packages from a package index are reported: git, path, URL and editable sources have
//! no PyPI release to match. In `requirements*.txt` only an exact `==`/`===` pin is a package;
//! any other line naming a package is recorded in [`Lockfile::unpinned`]. Environment markers
//! are kept but not evaluated (a pin that only applies on some platform is still reported).

use super::json::{KeyCursor, parse_json};
use super::{Ecosystem, Lines, Lockfile, Package, ParseError, Unpinned, lineno, toml_error};
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use toml::Spanned;

#[derive(Deserialize)]
struct TomlLock {
    #[serde(default)]
    package: Vec<TomlPackage>,
}

#[derive(Deserialize)]
struct TomlPackage {
    name: Spanned<String>,
    #[serde(default)]
    version: Option<String>,
    /// poetry: a table with `type`; uv: a table keyed by the kind of source.
    #[serde(default)]
    source: Option<BTreeMap<String, toml::Value>>,
    /// uv only.
    #[serde(default)]
    dependencies: Vec<UvDep>,
    #[serde(default, rename = "optional-dependencies")]
    optional_dependencies: BTreeMap<String, Vec<UvDep>>,
    #[serde(default, rename = "dev-dependencies")]
    dev_dependencies: BTreeMap<String, Vec<UvDep>>,
}

#[derive(Deserialize)]
struct UvDep {
    name: String,
}

pub(super) fn parse_poetry(path: &str, text: &str, lf: &mut Lockfile) -> Result<(), ParseError> {
    let lock: TomlLock = toml::from_str(text).map_err(|e| toml_error(path, text, &e))?;
    let lines = Lines::new(text);
    for p in lock.package {
        let from_index = p
            .source
            .as_ref()
            .and_then(|s| s.get("type"))
            .and_then(|t| t.as_str())
            .is_none_or(|t| t == "legacy");
        let Some(version) = p.version.filter(|_| from_index) else {
            continue;
        };
        lf.packages.push(Package {
            ecosystem: Ecosystem::PyPI,
            name: p.name.get_ref().clone(),
            version,
            direct: None,
            line: lines.line(p.name.span().start),
        });
    }
    Ok(())
}

pub(super) fn parse_uv(path: &str, text: &str, lf: &mut Lockfile) -> Result<(), ParseError> {
    let lock: TomlLock = toml::from_str(text).map_err(|e| toml_error(path, text, &e))?;
    let lines = Lines::new(text);
    let is_root = |p: &TomlPackage| {
        p.source
            .as_ref()
            .is_some_and(|s| s.contains_key("editable") || s.contains_key("virtual"))
    };
    let mut direct: HashSet<String> = HashSet::new();
    for p in lock.package.iter().filter(|p| is_root(p)) {
        let all = p
            .dependencies
            .iter()
            .chain(p.optional_dependencies.values().flatten())
            .chain(p.dev_dependencies.values().flatten());
        direct.extend(all.map(|d| Ecosystem::PyPI.normalize_name(&d.name)));
    }
    for p in &lock.package {
        let from_index = p
            .source
            .as_ref()
            .is_some_and(|s| s.contains_key("registry"));
        let Some(version) = p.version.as_ref().filter(|_| from_index) else {
            continue;
        };
        let name = p.name.get_ref();
        lf.packages.push(Package {
            ecosystem: Ecosystem::PyPI,
            name: name.clone(),
            version: version.clone(),
            direct: Some(direct.contains(&Ecosystem::PyPI.normalize_name(name))),
            line: lines.line(p.name.span().start),
        });
    }
    Ok(())
}

pub(super) fn parse_pipfile(path: &str, text: &str, lf: &mut Lockfile) -> Result<(), ParseError> {
    let root = parse_json(path, text)?;
    if root.get("default").is_none() && root.get("develop").is_none() {
        return Err(ParseError::new(
            path,
            1,
            "expected `default` or `develop` sections (is this a Pipfile.lock?)",
        ));
    }
    let mut cursor = KeyCursor::new(text);
    for (section, deps) in root.entries() {
        if section != "default" && section != "develop" {
            continue;
        }
        cursor.skip_to(section);
        for (name, entry) in deps.entries() {
            let line = cursor.find(name, true);
            let Some(version) = entry.str_of("version") else {
                continue;
            };
            let Some(version) = version
                .strip_prefix("===")
                .or_else(|| version.strip_prefix("=="))
            else {
                continue;
            };
            lf.packages.push(Package {
                ecosystem: Ecosystem::PyPI,
                name: name.clone(),
                version: version.trim().to_string(),
                direct: None,
                line,
            });
        }
    }
    Ok(())
}

/// Join `\` continuation lines, keeping the first physical line number; drop comments.
fn logical_lines(text: &str) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let mut cur: Option<(u32, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        // A comment starts at `#` at the beginning or after whitespace.
        let mut line = raw;
        if let Some(pos) = raw
            .char_indices()
            .find(|&(p, c)| c == '#' && (p == 0 || raw[..p].ends_with(char::is_whitespace)))
            .map(|(p, _)| p)
        {
            line = &raw[..pos];
        }
        let (body, cont) = match line.trim_end().strip_suffix('\\') {
            Some(b) => (b, true),
            None => (line, false),
        };
        let entry = cur.get_or_insert_with(|| (lineno(i), String::new()));
        entry.1.push_str(body);
        entry.1.push(' ');
        if !cont {
            out.extend(cur.take());
        }
    }
    out.extend(cur);
    out
}

pub(super) fn parse_requirements(
    _path: &str,
    text: &str,
    lf: &mut Lockfile,
) -> Result<(), ParseError> {
    for (line, logical) in logical_lines(text) {
        let l = logical.trim();
        if l.is_empty() || l.starts_with('-') {
            continue; // options: -r, -c, -e, --hash (alone), --index-url …
        }
        // Options after the requirement (`--hash=…`) and environment markers (`; …`).
        let req = l.split(" --").next().unwrap_or(l);
        let req = req.split(';').next().unwrap_or(req).trim();
        let name_end = req
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
            .unwrap_or(req.len());
        let name = &req[..name_end];
        if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            continue; // a URL or path requirement without a name
        }
        let mut rest = req[name_end..].trim_start();
        if rest.starts_with('[') {
            rest = rest.find(']').map_or("", |e| rest[e + 1..].trim_start());
        }
        let spec: String = rest.chars().filter(|c| !c.is_whitespace()).collect();
        let pinned = spec
            .strip_prefix("===")
            .or_else(|| spec.strip_prefix("=="))
            .filter(|v| !v.is_empty() && !v.contains([',', '*', '=', '<', '>', '!', '~', '@']));
        match pinned {
            Some(v) => lf.packages.push(Package {
                ecosystem: Ecosystem::PyPI,
                name: name.to_string(),
                version: v.to_string(),
                direct: None,
                line,
            }),
            None => lf.unpinned.push(Unpinned {
                name: name.to_string(),
                spec,
                line,
            }),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::lockfile::{LockfileKind, parse};

    #[test]
    fn requirements_pins_hashes_markers_and_unpinned() {
        let text = "# comment\n-r base.txt\nDjango==3.2.0 \\\n    --hash=sha256:abc \\\n    --hash=sha256:def\njinja2 == 2.10 ; python_version >= \"3.6\"  # pinned\nrequests[security]==2.19.1\nflask>=2.0\nnumpy\nfoo==1.*\nbar @ https://x/bar.whl\n";
        let lf = parse(LockfileKind::Requirements, "requirements.txt", text).unwrap();
        let pins: Vec<_> = lf
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.line))
            .collect();
        assert_eq!(
            pins,
            vec![
                ("Django", "3.2.0", 3),
                ("jinja2", "2.10", 6),
                ("requests", "2.19.1", 7)
            ]
        );
        let unpinned: Vec<_> = lf
            .unpinned
            .iter()
            .map(|u| (u.name.as_str(), u.spec.as_str(), u.line))
            .collect();
        assert_eq!(
            unpinned,
            vec![
                ("flask", ">=2.0", 8),
                ("numpy", "", 9),
                ("foo", "==1.*", 10),
                ("bar", "@https://x/bar.whl", 11)
            ]
        );
    }

    #[test]
    fn poetry_skips_git_sources() {
        let text = "[[package]]\nname = \"django\"\nversion = \"3.2.0\"\n\n[[package]]\nname = \"mylib\"\nversion = \"0.1.0\"\n\n[package.source]\ntype = \"git\"\nurl = \"https://x\"\n";
        let lf = parse(LockfileKind::PoetryLock, "poetry.lock", text).unwrap();
        let got: Vec<_> = lf
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.line))
            .collect();
        assert_eq!(got, vec![("django", "3.2.0", 2)]);
    }

    #[test]
    fn uv_direct_from_root_package() {
        let text = r#"version = 1
requires-python = ">=3.12"

[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }
dependencies = [{ name = "Jinja2" }]

[[package]]
name = "jinja2"
version = "2.10"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "markupsafe" }]

[[package]]
name = "markupsafe"
version = "2.1.0"
source = { registry = "https://pypi.org/simple" }
"#;
        let lf = parse(LockfileKind::UvLock, "uv.lock", text).unwrap();
        let got: Vec<_> = lf
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.direct, p.line))
            .collect();
        assert_eq!(
            got,
            vec![("jinja2", Some(true), 11), ("markupsafe", Some(false), 17)]
        );
    }

    #[test]
    fn pipfile_lock() {
        let text = r#"{
    "_meta": {"hash": {"sha256": "x"}},
    "default": {
        "django": {"hashes": [], "version": "==3.2.0"},
        "mylib": {"git": "https://x", "ref": "abc"}
    },
    "develop": {
        "pytest": {"version": "==6.0.0"}
    }
}"#;
        let lf = parse(LockfileKind::PipfileLock, "Pipfile.lock", text).unwrap();
        let got: Vec<_> = lf
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.line))
            .collect();
        assert_eq!(got, vec![("django", "3.2.0", 4), ("pytest", "6.0.0", 8)]);
    }
}
