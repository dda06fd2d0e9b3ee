//! Java: `gradle.lockfile` and Maven `pom.xml`.
//!
//! A pom is not a lockfile: only dependencies with a literal version (or a `${property}`
//! defined in the same pom's `<properties>`, or `${project.version}`) are packages; others
//! (undefined properties, version ranges, versions inherited from a parent or BOM) are
//! recorded in [`Lockfile::unpinned`]. Every dependency a pom declares is direct.

use super::{Ecosystem, Lockfile, Package, ParseError, Unpinned, lineno};
use std::collections::HashMap;

pub(super) fn parse_gradle(path: &str, text: &str, lf: &mut Lockfile) -> Result<(), ParseError> {
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("empty=") {
            continue;
        }
        let coords = line.split('=').next().unwrap_or(line);
        let parts: Vec<&str> = coords.split(':').collect();
        let [group, artifact, version] = parts[..] else {
            return Err(ParseError::new(
                path,
                lineno(i),
                format!("expected `group:artifact:version=configurations`, found `{line}`"),
            ));
        };
        lf.packages.push(Package {
            ecosystem: Ecosystem::Maven,
            name: format!("{group}:{artifact}"),
            version: version.to_string(),
            direct: None,
            line: lineno(i),
        });
    }
    Ok(())
}

fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

fn child_text(node: roxmltree::Node<'_, '_>, name: &str) -> Option<String> {
    child(node, name).map(|c| c.text().unwrap_or("").trim().to_string())
}

pub(super) fn parse_pom(path: &str, text: &str, lf: &mut Lockfile) -> Result<(), ParseError> {
    let doc = roxmltree::Document::parse(text)
        .map_err(|e| ParseError::new(path, e.pos().row, format!("invalid XML: {e}")))?;
    let project = doc.root_element();
    if project.tag_name().name() != "project" {
        return Err(ParseError::new(
            path,
            1,
            "expected a `<project>` root element (is this a Maven pom.xml?)",
        ));
    }
    let mut props: HashMap<String, String> = HashMap::new();
    if let Some(p) = child(project, "properties") {
        for c in p.children().filter(|c| c.is_element()) {
            props.insert(
                c.tag_name().name().to_string(),
                c.text().unwrap_or("").trim().to_string(),
            );
        }
    }
    if let Some(v) = child_text(project, "version") {
        props.insert("project.version".into(), v);
    }
    let resolve = |v: &str| -> Option<String> {
        let mut out = v.to_string();
        for _ in 0..8 {
            let Some(start) = out.find("${") else { break };
            let end = out[start..].find('}')? + start;
            let value = props.get(&out[start + 2..end])?;
            out.replace_range(start..=end, value);
        }
        (!out.contains("${")).then_some(out)
    };
    let mut lists = Vec::new();
    lists.extend(child(project, "dependencies"));
    if let Some(dm) = child(project, "dependencyManagement") {
        lists.extend(child(dm, "dependencies"));
    }
    for list in lists {
        for dep in list
            .children()
            .filter(|c| c.is_element() && c.tag_name().name() == "dependency")
        {
            let line = doc.text_pos_at(dep.range().start).row;
            let (Some(group), Some(artifact)) =
                (child_text(dep, "groupId"), child_text(dep, "artifactId"))
            else {
                continue;
            };
            let (Some(group), Some(artifact)) = (resolve(&group), resolve(&artifact)) else {
                continue;
            };
            let name = format!("{group}:{artifact}");
            let raw = child_text(dep, "version").unwrap_or_default();
            match resolve(&raw).filter(|v| !v.is_empty() && !v.starts_with(['[', '('])) {
                Some(version) => lf.packages.push(Package {
                    ecosystem: Ecosystem::Maven,
                    name,
                    version,
                    direct: Some(true),
                    line,
                }),
                None => lf.unpinned.push(Unpinned {
                    name,
                    spec: raw,
                    line,
                }),
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::lockfile::{LockfileKind, parse};

    #[test]
    fn gradle_lockfile() {
        let text = "# This is a Gradle generated file for dependency locking.\ncom.fasterxml.jackson.core:jackson-databind:2.9.8=compileClasspath,runtimeClasspath\nempty=annotationProcessor\n";
        let lf = parse(LockfileKind::GradleLockfile, "gradle.lockfile", text).unwrap();
        assert_eq!(lf.packages.len(), 1);
        assert_eq!(
            lf.packages[0].name,
            "com.fasterxml.jackson.core:jackson-databind"
        );
        assert_eq!(
            (lf.packages[0].version.as_str(), lf.packages[0].line),
            ("2.9.8", 2)
        );
        let err = parse(LockfileKind::GradleLockfile, "gradle.lockfile", "a:b\n").unwrap_err();
        assert!(
            err.to_string().starts_with("gradle.lockfile:1: expected"),
            "{err}"
        );
    }

    #[test]
    fn pom_literal_and_property_versions() {
        let text = r#"<?xml version="1.0"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <version>1.0</version>
  <properties>
    <log4j.version>2.14.1</log4j.version>
  </properties>
  <dependencies>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-core</artifactId>
      <version>${log4j.version}</version>
    </dependency>
    <dependency>
      <groupId>com.fasterxml.jackson.core</groupId>
      <artifactId>jackson-databind</artifactId>
      <version>2.9.8</version>
    </dependency>
    <dependency>
      <groupId>junit</groupId>
      <artifactId>junit</artifactId>
      <version>${junit.version}</version>
    </dependency>
    <dependency>
      <groupId>a</groupId>
      <artifactId>managed</artifactId>
    </dependency>
  </dependencies>
</project>"#;
        let lf = parse(LockfileKind::MavenPom, "pom.xml", text).unwrap();
        let got: Vec<_> = lf
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("org.apache.logging.log4j:log4j-core", "2.14.1", 8),
                ("com.fasterxml.jackson.core:jackson-databind", "2.9.8", 13),
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
                ("junit:junit", "${junit.version}", 18),
                ("a:managed", "", 23)
            ]
        );
        let err = parse(
            LockfileKind::MavenPom,
            "pom.xml",
            "<project>\n<a>\n</project>",
        )
        .unwrap_err();
        assert!(
            err.to_string().starts_with("pom.xml:3: invalid XML"),
            "{err}"
        );
    }
}
