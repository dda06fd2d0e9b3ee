//! .NET `packages.lock.json`: NuGet packages per target framework.
//!
//! `type` says `Direct`, `Transitive` or `CentralTransitive`; `Project` entries are local
//! projects and are skipped. A package listed under several frameworks is reported once.

use super::json::{KeyCursor, parse_json};
use super::{Ecosystem, Lockfile, Package, ParseError};
use std::collections::HashSet;

pub(super) fn parse(path: &str, text: &str, lf: &mut Lockfile) -> Result<(), ParseError> {
    let root = parse_json(path, text)?;
    let Some(deps) = root.get("dependencies") else {
        return Err(ParseError::new(
            path,
            1,
            "expected a `dependencies` object (is this a NuGet packages.lock.json?)",
        ));
    };
    let mut cursor = KeyCursor::new(text);
    cursor.skip_to("dependencies");
    let mut seen = HashSet::new();
    for (framework, packages) in deps.entries() {
        cursor.find(framework, true);
        for (name, entry) in packages.entries() {
            let line = cursor.find(name, true);
            let kind = entry.str_of("type").unwrap_or("");
            let Some(version) = entry.str_of("resolved") else {
                continue;
            };
            if kind.eq_ignore_ascii_case("project")
                || !seen.insert((name.to_lowercase(), version.to_string()))
            {
                continue;
            }
            lf.packages.push(Package {
                ecosystem: Ecosystem::NuGet,
                name: name.clone(),
                version: version.to_string(),
                direct: Some(kind.eq_ignore_ascii_case("direct")),
                line,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::lockfile::{LockfileKind, parse};

    #[test]
    fn frameworks_types_and_dedup() {
        let text = r#"{
  "version": 1,
  "dependencies": {
    "net6.0": {
      "Newtonsoft.Json": {
        "type": "Direct",
        "requested": "[12.0.1, )",
        "resolved": "12.0.1"
      },
      "System.Text.Encodings.Web": {
        "type": "Transitive",
        "resolved": "4.5.0"
      },
      "mylib": { "type": "Project" }
    },
    "net8.0": {
      "Newtonsoft.Json": { "type": "Direct", "resolved": "12.0.1" }
    }
  }
}"#;
        let lf = parse(LockfileKind::NuGetPackagesLock, "packages.lock.json", text).unwrap();
        let got: Vec<_> = lf
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.direct, p.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Newtonsoft.Json", "12.0.1", Some(true), 5),
                ("System.Text.Encodings.Web", "4.5.0", Some(false), 10)
            ]
        );
    }
}
