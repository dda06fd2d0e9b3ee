//! `gha-pin-actions`: `uses: owner/repo@vX` pinned to the commit SHA the repository
//! already pins for that version, for `delivery/gha-actions-pinned`.
//!
//! **Edits** each workflow or composite action with an unpinned reference the check
//! flags, one fix per file, **review**: the workflow then runs exactly that commit.
//!
//! The SHA is only ever one known offline, from the repository itself: another `uses:`
//! of the same action repository (any path inside it: `github/codeql-action/init` and
//! `…/analyze` share a repository) in a workflow or action file of the tree, pinned to a
//! full 40-hex SHA with the version as its comment (`@<sha> # v4`, also `# tag=v4`). The
//! version must match exactly: a pin commented `# v4.2.2` is not the commit `v4` points
//! at today. A short SHA (`@11bd719`) is completed when a known pin of the same repository
//! starts with it. Two different SHAs for one version are a conflict, noted, not chosen.
//!
//! **Edit**: the reference becomes `@<sha>` and ` # vX` follows the value (before any
//! comment already on the line), so the version stays readable and Dependabot keeps
//! updating it. Noted, not edited: references no pin in the tree gives a SHA for
//! ("no SHA known offline for owner/repo@vX": look it up and pin by hand, or let
//! Renovate's `helpers:pinGitHubActionDigests` do it), `docker://` images without a
//! digest, references with no version, and flow-style steps (`- {uses: …}`), where a
//! comment cannot follow the value.

use super::FixDef;
use super::text::lines_with_offsets;
use crate::{Applicability, FileEdit, Fix, FixCtx};
use shipshape_facts::{CiSystem, FileKind};
use std::collections::BTreeMap;

pub static FIX: FixDef = FixDef {
    check_id: "delivery/gha-actions-pinned",
    name: "gha-pin-actions",
    title: "Pin actions to the commit SHA the repository already pins for the same version",
    generate,
};

/// `owner/repo` of a `uses:` name (`github/codeql-action/init` → `github/codeql-action`).
fn action_repo(name: &str) -> String {
    name.split('/').take(2).collect::<Vec<_>>().join("/")
}

/// A pin found in the tree: its SHA and where.
#[derive(Debug, Clone)]
struct Pin {
    sha: String,
    at: String,
}

/// Every `uses: owner/repo[/path]@<sha> # <version>` of the workflow and action files:
/// `(owner/repo, version)` → the pins (several when files disagree).
fn known_pins(ctx: &FixCtx) -> BTreeMap<(String, String), Vec<Pin>> {
    let re = regex::Regex::new(
        r#"^\s*(?:-\s+)?uses:\s*["']?([A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+)@([0-9a-fA-F]{40})["']?\s+#\s*(?:tag[=:]\s*)?(\S+)"#,
    )
    .expect("a valid pattern");
    let mut out: BTreeMap<(String, String), Vec<Pin>> = BTreeMap::new();
    for f in ctx.facts.files.iter().filter(|f| {
        let name = f.path.rsplit('/').next().unwrap_or(&f.path);
        f.kind == FileKind::Ci(CiSystem::GithubActions)
            || matches!(name, "action.yml" | "action.yaml")
    }) {
        let Some(text) = ctx.facts.text(&f.path) else {
            continue;
        };
        for (n, line) in text.lines().enumerate() {
            let Some(c) = re.captures(line) else { continue };
            let key = (action_repo(&c[1]), c[3].to_string());
            let sha = c[2].to_ascii_lowercase();
            let pins = out.entry(key).or_default();
            if !pins.iter().any(|p| p.sha == sha) {
                pins.push(Pin {
                    sha,
                    at: format!("{}:{}", f.path, n + 1),
                });
            }
        }
    }
    out
}

/// The SHA to pin `name@reference` to, with where it was found, or why there is none.
fn sha_for(
    pins: &BTreeMap<(String, String), Vec<Pin>>,
    name: &str,
    reference: &str,
) -> Result<Pin, String> {
    let repo = action_repo(name);
    let is_hex = reference.len() >= 7 && reference.bytes().all(|b| b.is_ascii_hexdigit());
    let found: Vec<&Pin> = if is_hex {
        let short = reference.to_ascii_lowercase();
        let mut v: Vec<&Pin> = pins
            .iter()
            .filter(|((r, _), _)| *r == repo)
            .flat_map(|(_, p)| p)
            .filter(|p| p.sha.starts_with(&short))
            .collect();
        v.dedup_by(|a, b| a.sha == b.sha);
        v
    } else {
        pins.get(&(repo.clone(), reference.to_string()))
            .map(|p| p.iter().collect())
            .unwrap_or_default()
    };
    match found.as_slice() {
        [] => Err(format!("no SHA known offline for {repo}@{reference}")),
        [one] => Ok((*one).clone()),
        many => Err(format!(
            "the tree pins {repo}@{reference} to {} different SHAs ({}); pin it by hand",
            many.len(),
            many.iter()
                .map(|p| p.at.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The edits pinning the `uses:` on line `line` (1-based) of `text` to `sha`, keeping
/// `version` as a comment; `Err` with why it cannot be done in place.
fn pin_edits(
    path: &str,
    text: &str,
    line: u32,
    uses: &str,
    sha: &str,
    version: &str,
) -> Result<Vec<FileEdit>, &'static str> {
    let lines = lines_with_offsets(text);
    let Some(&(off, l)) = lines.get(line.saturating_sub(1) as usize) else {
        return Err("its line is not in the file");
    };
    let Some(key) = l.find("uses:") else {
        return Err("its `uses:` is not on the cited line");
    };
    if l[..key].contains('{') {
        return Err("it is written in flow style, where no comment can follow the value");
    }
    let Some(at) = l[key..].find(uses).map(|i| key + i) else {
        return Err("its `uses:` is not on the cited line");
    };
    let Some(at_sign) = uses.rfind('@') else {
        return Err("it names no version");
    };
    let (ref_start, ref_end) = (at + at_sign + 1, at + uses.len());
    // The value ends after a closing quote; the comment goes there.
    let mut value_end = ref_end;
    if matches!(l[value_end..].chars().next(), Some('"' | '\'')) {
        value_end += 1;
    }
    let rest = l[value_end..].trim_start();
    if !(rest.is_empty() || rest.starts_with('#')) {
        return Err("something other than a comment follows its value");
    }
    let mut edits = vec![FileEdit::replace(
        path,
        text,
        off + ref_start..off + ref_end,
        sha,
    )];
    if !rest.starts_with(&format!("# {version}")) {
        edits.push(FileEdit::insert(
            path,
            text,
            off + value_end,
            format!(" # {version}"),
        ));
    }
    Ok(edits)
}

fn generate(ctx: &FixCtx) -> Vec<Fix> {
    let pins = known_pins(ctx);
    // file → (line, uses) in finding order.
    let mut by_file: Vec<(&str, Vec<(u32, &str)>)> = Vec::new();
    for f in &ctx.result.findings {
        let (Some(loc), Some(snippet)) = (f.location.as_ref(), f.snippet.as_deref()) else {
            continue;
        };
        let (Some(line), Some(uses)) = (loc.line, snippet.strip_prefix("uses: ")) else {
            continue;
        };
        match by_file.iter_mut().find(|(p, _)| *p == loc.path) {
            Some((_, v)) => v.push((line, uses)),
            None => by_file.push((loc.path.as_str(), vec![(line, uses)])),
        }
    }
    let mut out = Vec::new();
    for (path, refs) in by_file {
        let Some(text) = ctx.facts.text(path) else {
            continue;
        };
        let mut edits = Vec::new();
        let mut described = Vec::new();
        for (line, uses) in refs {
            let who = format!("{path}:{line}: `{uses}`");
            if uses.starts_with("docker://") {
                ctx.note(format!(
                    "{who}: no image digest known offline; pin it with `@sha256:…` by hand"
                ));
                continue;
            }
            let Some((name, reference)) = uses.rsplit_once('@') else {
                ctx.note(format!("{who} names no version: pin it by hand"));
                continue;
            };
            let pin = match sha_for(&pins, name, reference) {
                Ok(p) => p,
                Err(why) => {
                    ctx.note(format!("{who}: {why}"));
                    continue;
                }
            };
            // A short SHA keeps no version to show: the comment names the pin's.
            let version = if reference.bytes().all(|b| b.is_ascii_hexdigit()) {
                pins.iter()
                    .find(|(_, ps)| ps.iter().any(|p| p.sha == pin.sha))
                    .map_or(reference.to_string(), |((_, v), _)| v.clone())
            } else {
                reference.to_string()
            };
            match pin_edits(path, text, line, uses, &pin.sha, &version) {
                Ok(e) => {
                    edits.extend(e);
                    let what = format!("{name}@{reference} → {} (as {})", &pin.sha[..12], pin.at);
                    // A reference used by many jobs is described once.
                    if !described.contains(&what) {
                        described.push(what);
                    }
                }
                Err(why) => ctx.note(format!("{who}: {why}; pin it by hand")),
            }
        }
        if !edits.is_empty() {
            out.push(ctx.fix(
                Applicability::Review,
                format!(
                    "pin to the SHAs this repository already uses in {path}: {}",
                    described.join(", ")
                ),
                edits,
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Inputs;
    use crate::testing::*;
    use shipshape_facts::Facts;
    use shipshape_model::Outcome;

    const SHA: &str = "11bd71901bbe5b1630ceea73d27597364c9af683";
    const OTHER: &str = "d632683dd7b4114ad314bca15554477dd762a938";

    fn fixed(files: &[(&str, &str)], path: &str) -> (String, Vec<String>, Outcome) {
        let (new, notes, _, after) = fix_and_rescan(&FIX, files, path);
        (new, notes, after)
    }

    #[test]
    fn a_version_pinned_elsewhere_gets_that_sha_and_keeps_its_comment() {
        let release = format!(
            "on: push\njobs:\n  r:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@{SHA} # v4\n      - uses: \"github/codeql-action/init@{OTHER}\" # tag=v3\n"
        );
        let ci = "on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4 # fetch the code\n      - uses: 'github/codeql-action/analyze@v3'\n      - uses: actions/checkout@11bd719\n";
        let (out, _, after) = fixed(
            &[
                (".github/workflows/release.yml", &release),
                (".github/workflows/ci.yml", ci),
            ],
            ".github/workflows/ci.yml",
        );
        assert_eq!(
            out,
            format!(
                "on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@{SHA} # v4 # fetch the code\n      - uses: 'github/codeql-action/analyze@{OTHER}' # v3\n      - uses: actions/checkout@{SHA} # v4\n"
            )
        );
        assert_eq!(after, Outcome::Pass);
    }

    #[test]
    fn unknown_versions_and_conflicts_are_noted() {
        let a = format!(
            "on: push\njobs:\n  a:\n    steps:\n      - uses: acme/x@{SHA} # v1\n      - uses: acme/y@v2\n      - uses: actions/checkout@v4.2.2\n"
        );
        let b = format!(
            "on: push\njobs:\n  b:\n    steps:\n      - uses: acme/x@{OTHER} # v1\n      - uses: acme/x@v1\n      - {{uses: acme/z@v1}}\n"
        );
        let files = [
            (".github/workflows/a.yml", a.as_str()),
            (".github/workflows/b.yml", b.as_str()),
        ];
        let (_, fixes, notes) = run_fix(&FIX, &Facts::from_memory(&files), &Inputs::default());
        assert!(fixes.is_empty(), "{fixes:?}");
        for want in [
            "no SHA known offline for acme/y@v2",
            "no SHA known offline for actions/checkout@v4.2.2",
            "2 different SHAs",
        ] {
            assert!(notes.iter().any(|n| n.contains(want)), "{want}: {notes:?}");
        }
        assert_eq!(
            action_repo("github/codeql-action/init"),
            "github/codeql-action"
        );
    }
}
