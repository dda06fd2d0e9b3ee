//! Staged changes: the blobs in the git index that differ from HEAD, as the next
//! commit will hold them (a pre-commit hook's view). Read from the object database
//! through the index with gitoxide, never from the work tree: an edit made after
//! `git add` is not what gets committed, and a file that was never staged is not
//! scanned at all.

use crate::{Engine, Error, SecretMatch};
use gix::ObjectId;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::Path;

/// Scan the blobs staged in the index of the repository containing `root`: entries
/// whose blob differs from HEAD's at the same path (all of them before the first
/// commit). Only entries under `root` are read, and match paths are relative to it (as
/// the tree scan's are). Conflicted entries (a merge in progress) and submodules are
/// skipped; blobs larger than [`crate::history::MAX_BLOB_BYTES`] are not scanned.
/// Matches are sorted by path and line.
pub fn scan_staged(root: &Path, engine: &Engine) -> Result<Vec<SecretMatch>, Error> {
    let git = |message: String| Error::Git {
        path: root.to_path_buf(),
        message,
    };
    let mut repo = gix::discover(root).map_err(|e| {
        git(format!(
            "not a git repository ({e}); --staged reads the git index: run it inside a clone"
        ))
    })?;
    repo.object_cache_size_if_unset(16 * 1024 * 1024);
    let prefix = subtree_prefix(&repo, root);
    // No index yet (nothing was ever added): nothing is staged.
    let Some(index) = repo
        .try_index()
        .map_err(|e| git(format!("cannot read the git index: {e}")))?
    else {
        return Ok(Vec::new());
    };
    let head = head_blobs(&repo).map_err(&git)?;
    let staged: Vec<(ObjectId, String)> = index
        .entries()
        .iter()
        .filter(|e| e.stage_raw() == 0 && !e.mode.is_submodule() && !e.mode.is_sparse())
        .filter_map(|e| {
            let path = String::from_utf8_lossy(e.path(&index)).into_owned();
            let rel = strip(&path, &prefix)?.to_string();
            (head.get(&path) != Some(&e.id)).then_some((e.id, rel))
        })
        .collect();
    drop(index);
    let sync = repo.into_sync();
    let mut found: Vec<SecretMatch> = staged
        .par_iter()
        .map_init(
            || sync.to_thread_local(),
            |repo, (oid, path)| crate::history::scan_blob(repo, engine, *oid, path),
        )
        .collect::<Result<Vec<Vec<SecretMatch>>, String>>()
        .map_err(git)?
        .into_iter()
        .flatten()
        .collect();
    found.sort_by(|a, b| (&a.path, a.line, a.start).cmp(&(&b.path, b.line, b.start)));
    Ok(found)
}

/// Every blob of HEAD's tree by path; empty before the first commit.
fn head_blobs(repo: &gix::Repository) -> Result<HashMap<String, ObjectId>, String> {
    let mut out = HashMap::new();
    let Ok(tree) = repo.head_tree_id() else {
        return Ok(out);
    };
    let mut stack = vec![(tree.detach(), String::new())];
    while let Some((id, prefix)) = stack.pop() {
        let tree = repo
            .find_tree(id)
            .map_err(|e| format!("cannot read tree {id}: {e}"))?;
        let decoded = tree
            .decode()
            .map_err(|e| format!("cannot decode tree {id}: {e}"))?;
        for entry in &decoded.entries {
            let name = String::from_utf8_lossy(entry.filename);
            let path = if prefix.is_empty() {
                name.into_owned()
            } else {
                format!("{prefix}/{name}")
            };
            if entry.mode.is_tree() {
                stack.push((entry.oid.to_owned(), path));
            } else {
                out.insert(path, entry.oid.to_owned());
            }
        }
    }
    Ok(out)
}

/// The path of `root` inside the work tree, `/`-separated (empty at the top).
fn subtree_prefix(repo: &gix::Repository, root: &Path) -> String {
    let (Some(workdir), Ok(root)) = (repo.workdir(), root.canonicalize()) else {
        return String::new();
    };
    let Ok(workdir) = workdir.canonicalize() else {
        return String::new();
    };
    root.strip_prefix(&workdir)
        .map(|rel| {
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        })
        .unwrap_or_default()
}

/// `path` relative to `prefix`, or `None` when it lies outside it.
fn strip<'a>(path: &'a str, prefix: &str) -> Option<&'a str> {
    if prefix.is_empty() {
        return Some(path);
    }
    path.strip_prefix(prefix)?.strip_prefix('/')
}

#[cfg(test)]
mod tests {
    use super::strip;

    #[test]
    fn strip_keeps_only_paths_under_the_prefix() {
        assert_eq!(strip("a/b.txt", ""), Some("a/b.txt"));
        assert_eq!(strip("svc/.env", "svc"), Some(".env"));
        // A sibling sharing the prefix's spelling is not inside it.
        assert_eq!(strip("svc-other/.env", "svc"), None);
        assert_eq!(strip("other/.env", "svc"), None);
    }
}
