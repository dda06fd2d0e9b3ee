//! CI definitions: what runs, when, and with which permissions.
//!
//! GitHub Actions workflows are parsed structurally (triggers, jobs, steps,
//! `uses:`, permissions). Other systems are read as YAML where they are YAML, and
//! their command lines are recognised by text — enough to decide "runs tests",
//! "runs a linter", "deploys".

use crate::kind::CiSystem;
use crate::yaml::{Yaml, YamlValue};

/// A step of a GitHub Actions job.
#[derive(Debug, Clone, PartialEq)]
pub struct GhaStep {
    pub uses: Option<(String, u32)>,
    pub run: Option<(String, u32)>,
    pub with: Option<Yaml>,
    pub line: u32,
}

/// A GitHub Actions job.
#[derive(Debug, Clone, PartialEq)]
pub struct GhaJob {
    pub id: String,
    pub line: u32,
    pub permissions: Option<Yaml>,
    /// Reusable workflow call (`jobs.x.uses`).
    pub uses: Option<(String, u32)>,
    pub steps: Vec<GhaStep>,
}

/// A parsed GitHub Actions workflow.
#[derive(Debug, Clone, PartialEq)]
pub struct Workflow {
    pub path: String,
    /// Event names that trigger it, with the line of each.
    pub triggers: Vec<(String, u32)>,
    pub permissions: Option<Yaml>,
    pub jobs: Vec<GhaJob>,
}

impl Workflow {
    /// Build from a parsed workflow document.
    pub fn from_yaml(path: &str, doc: &Yaml) -> Workflow {
        // YAML 1.1 readers turn the key `on` into `true`; saphyr keeps "on", accept both.
        let on = doc.get("on").or_else(|| doc.get("true"));
        let mut triggers = Vec::new();
        if let Some(on) = on {
            match &on.value {
                YamlValue::Str(s) => triggers.push((s.to_string(), on.line)),
                YamlValue::Seq(items) => triggers.extend(
                    items
                        .iter()
                        .filter_map(|i| Some((i.as_str()?.to_string(), i.line))),
                ),
                YamlValue::Map(entries) => triggers.extend(
                    entries
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.key_line.max(on.line))),
                ),
                _ => {}
            }
        }
        let jobs = doc
            .idx("jobs")
            .entries()
            .iter()
            .map(|(id, job)| GhaJob {
                id: id.to_string(),
                line: job.line,
                permissions: job.get("permissions").cloned(),
                uses: job
                    .get("uses")
                    .and_then(|u| Some((u.as_str()?.to_string(), u.line))),
                steps: job
                    .idx("steps")
                    .items()
                    .iter()
                    .map(|s| GhaStep {
                        uses: s
                            .get("uses")
                            .and_then(|u| Some((u.as_str()?.to_string(), u.line))),
                        run: s.get("run").and_then(|r| Some((r.scalar_text()?, r.line))),
                        with: s.get("with").cloned(),
                        line: s.line,
                    })
                    .collect(),
            })
            .collect();
        Workflow {
            path: path.to_string(),
            triggers,
            permissions: doc.get("permissions").cloned(),
            jobs,
        }
    }

    pub fn has_trigger(&self, name: &str) -> bool {
        self.triggers.iter().any(|(t, _)| t == name)
    }
}

/// One CI definition file, with its lines kept for text recognition.
#[derive(Debug, Clone)]
pub struct CiFile {
    pub path: String,
    pub system: CiSystem,
    /// Parsed workflow (GitHub Actions only).
    pub workflow: Option<Workflow>,
    /// The parsed YAML documents, for YAML-based systems.
    pub yaml: Option<Vec<Yaml>>,
    /// Parse error, when the file is YAML and does not parse.
    pub error: Option<String>,
}

/// Find the first line of `text` matching `pred`, returning (line, trimmed text).
pub fn find_line(text: &str, mut pred: impl FnMut(&str) -> bool) -> Option<(u32, String)> {
    text.lines()
        .enumerate()
        .find(|(_, l)| pred(l))
        .map(|(i, l)| (i as u32 + 1, l.trim().chars().take(160).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_document;

    #[test]
    fn reads_triggers_jobs_and_steps() {
        let y = parse_document(
            "on:\n  push:\n  pull_request:\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: cargo test\n",
        )
        .unwrap();
        let w = Workflow::from_yaml(".github/workflows/ci.yml", &y);
        assert!(w.has_trigger("pull_request"));
        assert!(w.permissions.is_some());
        assert_eq!(
            w.jobs[0].steps[0].uses,
            Some(("actions/checkout@v4".into(), 10))
        );
        assert_eq!(w.jobs[0].steps[1].run, Some(("cargo test".into(), 11)));
        let y = parse_document("on: [push, pull_request]\njobs: {}\n").unwrap();
        assert!(Workflow::from_yaml("w.yml", &y).has_trigger("pull_request"));
        // Regression: mini-redis' `pull_request:` (line 2 here) was cited at the line of
        // its `branches:` child.
        let y = parse_document("on:\n  pull_request:\n    branches: [main]\n  push:\n").unwrap();
        assert_eq!(
            Workflow::from_yaml("w.yml", &y).triggers,
            [("pull_request".to_string(), 2), ("push".to_string(), 4)]
        );
    }
}
