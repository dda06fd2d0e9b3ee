//! `Gemfile.lock`: gems resolved from a `GEM` source (git and path gems are skipped).
//!
//! Specs are the 4-space-indented `name (version[-platform])` lines of a `GEM` section; the
//! platform suffix is dropped. A gem is direct when the `DEPENDENCIES` section names it.

use super::{Ecosystem, Lockfile, Package, ParseError, lineno};
use std::collections::HashSet;

pub(super) fn parse(path: &str, text: &str, lf: &mut Lockfile) -> Result<(), ParseError> {
    let mut section = "";
    let mut in_specs = false;
    let mut specs = Vec::new();
    let mut direct = HashSet::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            section = line.trim();
            in_specs = false;
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let body = line.trim();
        match section {
            "GEM" => {
                if indent == 2 {
                    in_specs = body == "specs:";
                } else if indent == 4 && in_specs {
                    let Some((name, rest)) = body.split_once(" (") else {
                        return Err(ParseError::new(
                            path,
                            lineno(i),
                            format!("expected `name (version)` in the GEM specs, found `{body}`"),
                        ));
                    };
                    let version = rest.trim_end_matches(')');
                    let version = version.split('-').next().unwrap_or(version);
                    specs.push((name.to_string(), version.to_string(), lineno(i)));
                }
            }
            "DEPENDENCIES" if indent == 2 => {
                let name = body.split([' ', '!']).next().unwrap_or(body);
                direct.insert(name.to_string());
            }
            _ => {}
        }
    }
    for (name, version, line) in specs {
        let is_direct = direct.contains(&name);
        lf.packages.push(Package {
            ecosystem: Ecosystem::RubyGems,
            name,
            version,
            direct: Some(is_direct),
            line,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::lockfile::{LockfileKind, parse};

    #[test]
    fn gem_specs_platforms_and_dependencies() {
        let text = "GIT\n  remote: https://github.com/x/y\n  revision: abc\n  specs:\n    y (0.1.0)\n\nGEM\n  remote: https://rubygems.org/\n  specs:\n    actionpack (5.2.0)\n      rack (~> 2.0)\n    nokogiri (1.10.4-x86_64-linux)\n    rack (2.0.1)\n\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  actionpack (= 5.2.0)\n  nokogiri!\n\nBUNDLED WITH\n   2.1.4\n";
        let lf = parse(LockfileKind::GemfileLock, "Gemfile.lock", text).unwrap();
        let got: Vec<_> = lf
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.direct, p.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("actionpack", "5.2.0", Some(true), 10),
                ("nokogiri", "1.10.4", Some(true), 12),
                ("rack", "2.0.1", Some(false), 13),
            ]
        );
    }
}
