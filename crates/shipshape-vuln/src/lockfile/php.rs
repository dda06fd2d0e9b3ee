//! `composer.lock`: `packages` and `packages-dev` with their exact versions.
//!
//! Branch versions (`dev-main`) cannot be matched and are skipped. composer.lock does not
//! say which packages `composer.json` requires directly (`direct: None`).

use super::json::{KeyCursor, Node, parse_json};
use super::{Ecosystem, Lockfile, Package, ParseError};

pub(super) fn parse(path: &str, text: &str, lf: &mut Lockfile) -> Result<(), ParseError> {
    let root = parse_json(path, text)?;
    if root.get("packages").is_none() {
        return Err(ParseError::new(
            path,
            1,
            "expected a `packages` array (is this a composer.lock?)",
        ));
    }
    let mut cursor = KeyCursor::new(text);
    for section in ["packages", "packages-dev"] {
        let Some(list) = root.get(section) else {
            continue;
        };
        if !matches!(list, Node::Arr(_)) {
            let line = cursor.find(section, false);
            return Err(ParseError::new(
                path,
                line,
                format!("expected `{section}` to be an array"),
            ));
        }
        cursor.skip_to(section);
        for pkg in list.items() {
            let line = cursor.find("name", false);
            let (Some(name), Some(version)) = (pkg.str_of("name"), pkg.str_of("version")) else {
                continue;
            };
            let version = version.strip_prefix('v').unwrap_or(version);
            if !version.starts_with(|c: char| c.is_ascii_digit()) {
                continue;
            }
            lf.packages.push(Package {
                ecosystem: Ecosystem::Packagist,
                name: name.to_string(),
                version: version.to_string(),
                direct: None,
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
    fn packages_and_dev() {
        let text = r#"{
    "content-hash": "x",
    "packages": [
        {
            "name": "guzzlehttp/guzzle",
            "version": "7.4.4",
            "require": {"php": ">=7.2"}
        },
        {
            "name": "acme/branch",
            "version": "dev-main"
        }
    ],
    "packages-dev": [
        {
            "name": "symfony/http-kernel",
            "version": "v4.4.0"
        }
    ]
}"#;
        let lf = parse(LockfileKind::ComposerLock, "composer.lock", text).unwrap();
        let got: Vec<_> = lf
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("guzzlehttp/guzzle", "7.4.4", 5),
                ("symfony/http-kernel", "4.4.0", 16)
            ]
        );
    }
}
