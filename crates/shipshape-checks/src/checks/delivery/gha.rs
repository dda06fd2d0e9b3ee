//! Helpers shared by the CI checks of this engineer's areas: which CI
//! definitions actually run (not copies under test fixtures, not nested GitHub
//! workflows that GitHub never reads), which GitHub Actions workflows exist and
//! which could not be parsed. Not a check.

use crate::{Ctx, Verdict};
use shipshape_facts::CiSystem;
use shipshape_facts::ci::{CiFile, Workflow};
use shipshape_facts::signals::is_test_path;

/// True for paths under `examples/`, `example/`, `samples/` or `sample/`: sample
/// material shipped with a project, neither its deployment nor its pipeline.
pub(crate) fn is_example_path(path: &str) -> bool {
    // Every directory of the path (not the file name), any case, without allocating:
    // checks ask it of every file.
    let dirs = path.rsplit_once('/').map_or("", |(d, _)| d);
    !dirs.is_empty()
        && dirs.split('/').any(|d| {
            ["examples", "example", "samples", "sample"]
                .iter()
                .any(|e| d.eq_ignore_ascii_case(e))
        })
}

/// Neither test fixtures nor examples.
pub(crate) fn is_production_path(path: &str) -> bool {
    !is_test_path(path) && !is_example_path(path)
}

/// CI definitions that the CI system would run: files under test fixtures are
/// examples, and GitHub only reads workflows from the root `.github/workflows/`.
pub(crate) fn live_ci_files<'a>(ctx: &Ctx<'a>) -> Vec<&'a CiFile> {
    ctx.ci_files()
}

/// The parsed workflows, or the verdict to return when there are none to judge:
/// `n/a` without GitHub Actions, `error` when every workflow failed to parse.
/// Parse errors of some workflows come back as the second value.
pub(crate) fn workflows<'a>(ctx: &Ctx<'a>) -> Result<(Vec<&'a Workflow>, Vec<String>), Verdict> {
    let files: Vec<_> = live_ci_files(ctx)
        .into_iter()
        .filter(|f| f.system == CiSystem::GithubActions)
        .collect();
    if files.is_empty() {
        return Err(Verdict::not_applicable("no GitHub Actions workflow"));
    }
    let errors: Vec<String> = files
        .iter()
        .filter_map(|f| f.error.as_ref().map(|e| format!("{}: {e}", f.path)))
        .collect();
    let wfs: Vec<&Workflow> = files.iter().filter_map(|f| f.workflow.as_ref()).collect();
    if wfs.is_empty() && !errors.is_empty() {
        return Err(Verdict::error(format!(
            "GitHub Actions workflow(s) could not be parsed: {}",
            errors.join("; ")
        )));
    }
    Ok((wfs, errors))
}

/// " (not judged: ...)" for a summary when some workflows failed to parse.
pub(crate) fn unparsed_note(errors: &[String]) -> String {
    if errors.is_empty() {
        String::new()
    } else {
        format!("; not judged, could not be parsed: {}", errors.join("; "))
    }
}

/// The line of the mapping key `key:` that owns a node starting at `value_line`
/// (block mappings report their first child's line): searches upwards.
pub(crate) fn key_line(text: &str, value_line: u32, key: &str) -> u32 {
    let lines: Vec<&str> = text.lines().collect();
    let start = (value_line as usize).min(lines.len());
    (0..start)
        .rev()
        .take(50)
        .find(|&i| {
            let t = lines[i].trim_start();
            t.strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with(':'))
                || t.strip_prefix(&format!("\"{key}\""))
                    .is_some_and(|r| r.starts_with(':'))
        })
        .map_or(value_line, |i| i as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_and_test_paths_are_not_production() {
        assert!(is_example_path("examples/argocd/app.yaml"));
        assert!(is_example_path("docs/sample/deploy.yaml"));
        assert!(!is_example_path("deploy/examples.yaml"));
        assert!(!is_production_path("tests/fixtures/k8s/web.yaml"));
        assert!(is_production_path("deploy/web.yaml"));
    }
}
