//! Git metadata: the last commit's time and the release tags, read with gitoxide.
//! A directory without `.git` has no git facts; a broken repository gives a warning.

use serde::Serialize;
use std::path::Path;

/// What checks need to know about the repository's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GitFacts {
    /// Unix time of HEAD's commit (committer time), when there is a HEAD commit.
    pub head_time: Option<i64>,
    /// HEAD's commit id.
    pub head: Option<String>,
    /// Tag names (at most 1,000).
    pub tags: Vec<String>,
    /// True for a shallow clone: history-based checks should say so.
    pub shallow: bool,
}

/// Read git facts for the repository containing `root`. `Ok(None)` when it is not in one.
pub fn read(root: &Path) -> Result<Option<GitFacts>, String> {
    let repo = match gix::discover(root) {
        Ok(r) => r,
        // Not inside a repository, unless `.git` is right here and broken.
        Err(e) if root.join(".git").exists() => return Err(e.to_string()),
        Err(_) => return Ok(None),
    };
    let (head, head_time) = match repo.head_commit() {
        Ok(c) => (Some(c.id.to_string()), c.time().ok().map(|t| t.seconds)),
        Err(_) => (None, None), // unborn HEAD: a new repository
    };
    let mut tags = Vec::new();
    if let Ok(refs) = repo.references()
        && let Ok(iter) = refs.tags()
    {
        for r in iter.flatten().take(1000) {
            tags.push(r.name().shorten().to_string());
        }
    }
    Ok(Some(GitFacts {
        head_time,
        head,
        tags,
        shallow: repo.is_shallow().unwrap_or(false),
    }))
}
