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

/// One person's changes to a path, as the commits carry them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Author {
    pub name: String,
    pub email: String,
    /// Commits in the window that changed the path.
    pub commits: u32,
}

/// Who changed each top-level path of the scanned tree since a point in time
/// (`ownership/codeowners` fixes): one pass over the commits, comparing each
/// commit's top-level tree entries with its first parent's, so no file is diffed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Authorship {
    /// Top-level name (a directory, or a file at the root) → authors, most commits first.
    pub by_path: std::collections::BTreeMap<String, Vec<Author>>,
    /// Every non-merge commit in the window → authors, most commits first.
    pub overall: Vec<Author>,
    /// Non-merge commits in the window.
    pub commits: u32,
    /// A shallow clone: the history may be cut short.
    pub shallow: bool,
}

/// [`Authorship`] of the tree at `root` from commits at or after `since` (Unix
/// seconds, committer time), reachable from HEAD. Merge commits are left out: their
/// changes belong to the commits they merge.
pub fn authorship(root: &Path, since: i64) -> Result<Authorship, String> {
    use std::collections::{BTreeMap, HashMap, HashSet};
    let repo = gix::discover(root).map_err(|e| e.to_string())?;
    let prefix = subtree_prefix(&repo, root);
    let head = match repo.head_id() {
        Ok(id) => id.detach(),
        Err(_) => return Ok(Authorship::default()),
    };
    // Top-level entries (name → id) of the scanned tree in one commit's tree.
    let entries = |tree: gix::ObjectId| -> Result<HashMap<Vec<u8>, gix::ObjectId>, String> {
        let mut id = tree;
        for part in &prefix {
            let t = repo.find_tree(id).map_err(|e| e.to_string())?;
            let decoded = t.decode().map_err(|e| e.to_string())?;
            match decoded
                .entries
                .iter()
                .find(|e| e.filename == part.as_slice() && e.mode.is_tree())
            {
                Some(e) => id = e.oid.to_owned(),
                None => return Ok(HashMap::new()),
            }
        }
        let t = repo.find_tree(id).map_err(|e| e.to_string())?;
        let decoded = t.decode().map_err(|e| e.to_string())?;
        Ok(decoded
            .entries
            .iter()
            .map(|e| (e.filename.to_vec(), e.oid.to_owned()))
            .collect())
    };
    type Counts = HashMap<(String, String), u32>;
    let mut by_path: BTreeMap<String, Counts> = BTreeMap::new();
    let mut overall: Counts = HashMap::new();
    let mut commits = 0u32;
    let mut seen: HashSet<gix::ObjectId> = HashSet::new();
    let mut stack = vec![head];
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let Ok(commit) = repo.find_commit(id) else {
            continue;
        };
        let time = commit.time().map(|t| t.seconds).unwrap_or(0);
        let parents: Vec<gix::ObjectId> = commit.parent_ids().map(|p| p.detach()).collect();
        if time < since {
            // Older history is outside the window; commit times only grow along a
            // branch in practice, so its ancestors are not visited.
            continue;
        }
        stack.extend(parents.iter().copied());
        if parents.len() > 1 {
            continue;
        }
        let tree = commit.tree_id().map_err(|e| e.to_string())?.detach();
        let now = entries(tree)?;
        let before = match parents.first() {
            Some(p) => match repo.find_commit(*p).ok().and_then(|c| c.tree_id().ok()) {
                Some(t) => entries(t.detach())?,
                None => HashMap::new(),
            },
            None => HashMap::new(),
        };
        let mut changed: Vec<&Vec<u8>> = now
            .iter()
            .filter(|(name, oid)| before.get(*name) != Some(oid))
            .map(|(n, _)| n)
            .collect();
        changed.extend(before.keys().filter(|n| !now.contains_key(*n)));
        if changed.is_empty() {
            continue;
        }
        let Ok(author) = commit.author() else {
            continue;
        };
        let who = (author.name.to_string(), author.email.to_string());
        commits += 1;
        *overall.entry(who.clone()).or_default() += 1;
        for name in changed {
            let name = String::from_utf8_lossy(name).into_owned();
            *by_path
                .entry(name)
                .or_default()
                .entry(who.clone())
                .or_default() += 1;
        }
    }
    let ranked = |counts: Counts| {
        let mut v: Vec<Author> = counts
            .into_iter()
            .map(|((name, email), commits)| Author {
                name,
                email,
                commits,
            })
            .collect();
        v.sort_by(|a, b| {
            b.commits
                .cmp(&a.commits)
                .then_with(|| a.email.cmp(&b.email))
        });
        v
    };
    Ok(Authorship {
        by_path: by_path.into_iter().map(|(p, c)| (p, ranked(c))).collect(),
        overall: ranked(overall),
        commits,
        shallow: repo.is_shallow().unwrap_or(false),
    })
}

/// The components from the work tree's root down to `root` (empty when `root` is it).
fn subtree_prefix(repo: &gix::Repository, root: &Path) -> Vec<Vec<u8>> {
    let (Some(workdir), Ok(root)) = (repo.workdir(), root.canonicalize()) else {
        return Vec::new();
    };
    let Ok(workdir) = workdir.canonicalize() else {
        return Vec::new();
    };
    root.strip_prefix(&workdir)
        .map(|rel| {
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy().as_bytes().to_vec())
                .collect()
        })
        .unwrap_or_default()
}

/// Of `paths` (relative to `root`), those whose content in the work tree differs from
/// HEAD's (modified, untracked, or deleted): the files a writer would mix its changes
/// with. Outside a git repository nothing is uncommitted.
pub fn uncommitted(root: &Path, paths: &[String]) -> Result<Vec<String>, String> {
    let Ok(repo) = gix::discover(root) else {
        return Ok(Vec::new());
    };
    if repo.workdir().is_none() {
        return Ok(Vec::new());
    }
    let prefix = subtree_prefix(&repo, root);
    let tree = repo.head_commit().ok().and_then(|c| c.tree().ok());
    let mut out = Vec::new();
    for p in paths {
        let disk = std::fs::read(root.join(p)).ok();
        let mut rel: Vec<String> = prefix
            .iter()
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        rel.push(p.clone());
        let at_head = match &tree {
            Some(t) => t
                .lookup_entry_by_path(rel.join("/"))
                .map_err(|e| e.to_string())?
                .and_then(|e| e.object().ok())
                .map(|o| o.data.clone()),
            None => None,
        };
        if disk != at_head {
            out.push(p.clone());
        }
    }
    Ok(out)
}
