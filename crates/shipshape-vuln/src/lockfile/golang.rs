//! `go.mod`: required module versions, with `replace` directives applied.
//!
//! `// indirect` marks a transitive requirement; every other requirement is direct.
//! A replacement by another module (and version) is matched as that module; a replacement
//! by a local directory drops the requirement (there is no published version to match).
//! Whether `go.sum` is present is recorded separately with [`super::note_go_sum`].

use super::{Ecosystem, Lockfile, Package, ParseError, lineno};

struct Require {
    path: String,
    version: String,
    indirect: bool,
    line: u32,
}

struct Replace {
    old: String,
    old_version: Option<String>,
    /// `None` for a local directory.
    new: Option<(String, String)>,
}

fn unquote(s: &str) -> &str {
    s.trim_matches(|c| c == '"' || c == '`')
}

pub(super) fn parse(path: &str, text: &str, lf: &mut Lockfile) -> Result<(), ParseError> {
    let mut requires = Vec::new();
    let mut replaces = Vec::new();
    let mut block: Option<String> = None;
    for (i, raw) in text.lines().enumerate() {
        let indirect = raw.contains("// indirect");
        let line = raw.split("//").next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let stmt = if let Some(verb) = &block {
            if line == ")" {
                block = None;
                continue;
            }
            format!("{verb} {line}")
        } else if let Some(verb) = line.strip_suffix('(').map(str::trim) {
            if verb.contains(char::is_whitespace) {
                return Err(ParseError::new(
                    path,
                    lineno(i),
                    format!("unexpected `(` after `{verb}`"),
                ));
            }
            block = Some(verb.to_string());
            continue;
        } else {
            line.to_string()
        };
        let toks: Vec<&str> = stmt.split_whitespace().collect();
        match toks.first().copied() {
            Some("require") => {
                let [_, module, version] = toks[..] else {
                    return Err(ParseError::new(
                        path,
                        lineno(i),
                        format!("expected `require module/path vX.Y.Z`, found `{stmt}`"),
                    ));
                };
                requires.push(Require {
                    path: unquote(module).to_string(),
                    version: unquote(version).to_string(),
                    indirect,
                    line: lineno(i),
                });
            }
            Some("replace") => {
                let Some(arrow) = toks.iter().position(|t| *t == "=>") else {
                    return Err(ParseError::new(
                        path,
                        lineno(i),
                        format!("expected `=>` in `{stmt}`"),
                    ));
                };
                let (old, new) = (&toks[1..arrow], &toks[arrow + 1..]);
                let (Some(old_path), Some(new_path)) = (old.first(), new.first()) else {
                    return Err(ParseError::new(
                        path,
                        lineno(i),
                        format!("expected `old [version] => new [version]`, found `{stmt}`"),
                    ));
                };
                replaces.push(Replace {
                    old: unquote(old_path).to_string(),
                    old_version: old.get(1).map(|v| unquote(v).to_string()),
                    new: new
                        .get(1)
                        .map(|v| (unquote(new_path).to_string(), unquote(v).to_string())),
                });
            }
            _ => {} // module, go, toolchain, exclude, retract, godebug
        }
    }
    for r in requires {
        let rep = replaces
            .iter()
            .rev()
            .find(|p| p.old == r.path && p.old_version.as_ref().is_none_or(|v| *v == r.version));
        let (module, version) = match rep {
            Some(Replace { new: None, .. }) => continue,
            Some(Replace {
                new: Some((m, v)), ..
            }) => (m.clone(), v.clone()),
            None => (r.path, r.version),
        };
        lf.packages.push(Package {
            ecosystem: Ecosystem::Go,
            name: module,
            version,
            direct: Some(!r.indirect),
            line: r.line,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::lockfile::{LockfileKind, note_go_sum, parse};

    #[test]
    fn requires_replaces_and_indirect() {
        let text = "module example.com/app\n\ngo 1.21\n\nrequire (\n\tgolang.org/x/net v0.0.0-20200301022130-244492dfa37a\n\tgolang.org/x/text v0.3.0 // indirect\n\tgithub.com/local/thing v1.0.0\n)\n\nrequire github.com/docker/docker v20.10.0+incompatible\n\nreplace golang.org/x/text => golang.org/x/text v0.3.8\nreplace github.com/local/thing v1.0.0 => ../thing\n";
        let mut lf = parse(LockfileKind::GoMod, "go.mod", text).unwrap();
        let got: Vec<_> = lf
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.direct, p.line))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "golang.org/x/net",
                    "v0.0.0-20200301022130-244492dfa37a",
                    Some(true),
                    6
                ),
                ("golang.org/x/text", "v0.3.8", Some(false), 7),
                (
                    "github.com/docker/docker",
                    "v20.10.0+incompatible",
                    Some(true),
                    11
                ),
            ]
        );
        note_go_sum(&mut lf, false);
        assert!(lf.warnings[0].contains("no go.sum"));
    }

    #[test]
    fn malformed_require_names_the_line() {
        let err = parse(
            LockfileKind::GoMod,
            "go.mod",
            "module x\nrequire (\n  foo\n)\n",
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("go.mod:3: expected `require module/path vX.Y.Z`"),
            "{err}"
        );
    }
}
