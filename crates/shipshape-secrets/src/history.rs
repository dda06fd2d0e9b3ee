//! Git history scanning: every blob reachable from any ref is scanned exactly once.
//!
//! Commits reachable from all refs (and `HEAD`) are ordered parents-first, earliest commit
//! time first; their trees are walked in that order, skipping trees already walked, so each
//! blob is attributed to the earliest commit that introduced it and the path it had there.
//! The unique blobs are then scanned in parallel with rayon. A secret present in several
//! blobs (a file edited after the secret was added) is reported once, at its earliest blob.
//! Uses gitoxide only; never shells out to `git`.

use crate::{Engine, Error, SecretMatch};
use gix::ObjectId;
use rayon::prelude::*;
use serde::Serialize;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::path::Path;

/// Blobs larger than this are not scanned (generated or binary assets, not config).
pub const MAX_BLOB_BYTES: u64 = 16 * 1024 * 1024;
/// Blobs scanned between two progress reports.
const CHUNK: usize = 512;

/// A secret found in history, where it first appeared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryMatch {
    /// Hex id of the earliest commit that introduced the blob holding the secret.
    pub commit: String,
    /// That commit's author date, RFC 3339 (`2024-05-01T12:00:00+02:00`).
    pub author_date: String,
    /// Hex id of the blob.
    pub blob: String,
    /// The match; its `path` is the blob's path in `commit`.
    #[serde(flatten)]
    pub secret: SecretMatch,
}

struct CommitInfo {
    id: ObjectId,
    tree: ObjectId,
    time: i64,
    author_date: String,
    parents: Vec<ObjectId>,
}

/// Scan every blob reachable from any ref of the repository at (or containing) `repo`.
/// `progress(done, total)` is called on the calling thread as blobs are scanned.
/// Matches are sorted by commit order, then path and line.
pub fn scan_history(
    repo: &Path,
    engine: &Engine,
    progress: &dyn Fn(u64, u64),
) -> Result<Vec<HistoryMatch>, Error> {
    let git = |message: String| Error::Git {
        path: repo.to_path_buf(),
        message,
    };
    let mut r = gix::discover(repo).map_err(|e| {
        git(format!(
            "not a git repository ({e}); run from a clone or pass the repository root"
        ))
    })?;
    r.object_cache_size_if_unset(64 * 1024 * 1024);

    let commits = collect_commits(&r).map_err(git)?;
    let order = topological_order(&commits);

    // Walk trees in commit order, attributing each blob to its first commit and path.
    let mut seen_trees: HashSet<ObjectId> = HashSet::new();
    let mut seen_blobs: HashSet<ObjectId> = HashSet::new();
    let mut blobs: Vec<(ObjectId, usize, String)> = Vec::new();
    for (rank, &ci) in order.iter().enumerate() {
        let mut stack = vec![(commits[ci].tree, String::new())];
        while let Some((tree_id, prefix)) = stack.pop() {
            if !seen_trees.insert(tree_id) {
                continue;
            }
            let tree = r
                .find_tree(tree_id)
                .map_err(|e| git(format!("cannot read tree {tree_id}: {e}")))?;
            let decoded = tree
                .decode()
                .map_err(|e| git(format!("cannot decode tree {tree_id}: {e}")))?;
            for entry in &decoded.entries {
                let name = String::from_utf8_lossy(entry.filename);
                let path = if prefix.is_empty() {
                    name.into_owned()
                } else {
                    format!("{prefix}/{name}")
                };
                let oid = entry.oid.to_owned();
                if entry.mode.is_tree() {
                    stack.push((oid, path));
                } else if entry.mode.is_blob() && seen_blobs.insert(oid) {
                    blobs.push((oid, rank, path));
                }
            }
        }
    }

    // Scan unique blobs in parallel; report progress between chunks on this thread.
    let total = blobs.len() as u64;
    progress(0, total);
    let sync = r.into_sync();
    let mut found: Vec<(usize, HistoryMatch)> = Vec::new();
    let mut done = 0u64;
    for chunk in blobs.chunks(CHUNK) {
        let results: Vec<Result<Vec<(usize, HistoryMatch)>, String>> = chunk
            .par_iter()
            .map_init(
                || sync.to_thread_local(),
                |repo, (oid, rank, path)| {
                    let header = repo
                        .find_header(*oid)
                        .map_err(|e| format!("cannot read blob {oid} ({path}): {e}"))?;
                    if header.size() > MAX_BLOB_BYTES {
                        return Ok(Vec::new());
                    }
                    let blob = repo
                        .find_blob(*oid)
                        .map_err(|e| format!("cannot read blob {oid} ({path}): {e}"))?;
                    let commit = &commits[order[*rank]];
                    Ok(engine
                        .scan(path, &blob.data)
                        .into_iter()
                        .map(|secret| {
                            (
                                *rank,
                                HistoryMatch {
                                    commit: commit.id.to_string(),
                                    author_date: commit.author_date.clone(),
                                    blob: oid.to_string(),
                                    secret,
                                },
                            )
                        })
                        .collect())
                },
            )
            .collect();
        for res in results {
            found.extend(res.map_err(git)?);
        }
        done += chunk.len() as u64;
        progress(done, total);
    }

    // One report per secret: the earliest blob that holds it.
    found.sort_by(|a, b| {
        (a.0, &a.1.secret.path, a.1.secret.line).cmp(&(b.0, &b.1.secret.path, b.1.secret.line))
    });
    let mut seen_secrets = HashSet::new();
    Ok(found
        .into_iter()
        .filter(|(_, m)| seen_secrets.insert(m.secret.identity.clone()))
        .map(|(_, m)| m)
        .collect())
}

/// Every commit reachable from any ref or `HEAD`.
fn collect_commits(r: &gix::Repository) -> Result<Vec<CommitInfo>, String> {
    let mut tips: Vec<ObjectId> = Vec::new();
    let platform = r
        .references()
        .map_err(|e| format!("cannot list references: {e}"))?;
    let refs = platform
        .all()
        .map_err(|e| format!("cannot list references: {e}"))?;
    for reference in refs {
        let Ok(mut reference) = reference else {
            continue;
        };
        if let Ok(id) = reference.peel_to_id() {
            tips.push(id.detach());
        }
    }
    if let Ok(head) = r.head_id() {
        tips.push(head.detach());
    }

    let mut commits = Vec::new();
    let mut seen: HashSet<ObjectId> = HashSet::new();
    let mut stack = tips;
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        // A ref may point at a tree or blob (rare); only commits have history.
        let Ok(commit) = r.find_commit(id) else {
            continue;
        };
        let tree = commit
            .tree_id()
            .map_err(|e| format!("commit {id} has no readable tree: {e}"))?
            .detach();
        let time = commit.time().map(|t| t.seconds).unwrap_or(0);
        let author_date = commit
            .author()
            .ok()
            .and_then(|a| a.time().ok())
            .and_then(|t| t.format(gix::date::time::format::ISO8601_STRICT).ok())
            .unwrap_or_default();
        let parents: Vec<ObjectId> = commit.parent_ids().map(|p| p.detach()).collect();
        stack.extend(parents.iter().copied());
        commits.push(CommitInfo {
            id,
            tree,
            time,
            author_date,
            parents,
        });
    }
    Ok(commits)
}

/// Indexes of `commits`, parents before children, earliest commit time first among the
/// commits whose parents are done.
fn topological_order(commits: &[CommitInfo]) -> Vec<usize> {
    let index: HashMap<ObjectId, usize> =
        commits.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); commits.len()];
    let mut pending: Vec<usize> = vec![0; commits.len()];
    for (i, c) in commits.iter().enumerate() {
        for p in &c.parents {
            if let Some(&pi) = index.get(p) {
                children[pi].push(i);
                pending[i] += 1;
            }
        }
    }
    let mut ready: BinaryHeap<Reverse<(i64, usize)>> = pending
        .iter()
        .enumerate()
        .filter(|(_, n)| **n == 0)
        .map(|(i, _)| Reverse((commits[i].time, i)))
        .collect();
    let mut order = Vec::with_capacity(commits.len());
    while let Some(Reverse((_, i))) = ready.pop() {
        order.push(i);
        for &c in &children[i] {
            pending[c] -= 1;
            if pending[c] == 0 {
                ready.push(Reverse((commits[c].time, c)));
            }
        }
    }
    order
}
