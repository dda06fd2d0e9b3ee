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

/// [`subtree_prefix`] as a `/`-separated directory (`""` when `root` is the work tree).
fn subtree_dir(repo: &gix::Repository, root: &Path) -> String {
    subtree_prefix(repo, root)
        .iter()
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// A repository path relative to the scanned root at `prefix` (see [`subtree_dir`]);
/// `None` outside it.
fn relative_to(prefix: &str, path: &str) -> Option<String> {
    if prefix.is_empty() {
        return Some(path.to_string());
    }
    path.strip_prefix(prefix)?
        .strip_prefix('/')
        .map(str::to_string)
}

/// The paths a change touches: `scan --changed-since REV`'s view of the repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangedPaths {
    /// The commit the diff starts from: the merge base of the revision and HEAD (what
    /// `git diff REV...HEAD` compares against), so a branch behind its base is not
    /// charged with the base's own changes.
    pub base: String,
    /// HEAD's commit.
    pub head: String,
    /// Every changed path relative to the scanned root, `/`-separated, sorted: added,
    /// modified, deleted and type-changed between `base` and HEAD, then staged, unstaged
    /// and untracked changes in the work tree. Paths outside the root are left out.
    pub paths: Vec<String>,
    /// How many of `paths` changed only in the work tree or the index (not committed).
    pub uncommitted: usize,
}

/// The paths changed since `rev` in the repository containing `root` ([`ChangedPaths`]).
/// `walked` are the files the walk saw (relative to `root`): those the index does not
/// track are untracked changes, found without a second walk (and, like the walk,
/// ignoring what `.gitignore` ignores). `rev` is any revision git understands
/// (`origin/main`, `v1.2.0`, `HEAD~3`, a commit id); one that does not resolve, or
/// that shares no history with HEAD, is an error naming it and saying how to fix it.
pub fn changed_since<'a>(
    root: &Path,
    rev: &str,
    walked: impl IntoIterator<Item = &'a str>,
) -> Result<ChangedPaths, String> {
    use gix::bstr::ByteSlice;
    use std::collections::BTreeSet;
    let mut repo = gix::discover(root).map_err(|e| {
        format!("not a git repository ({e}); --changed-since compares git revisions: run it inside a clone")
    })?;
    repo.object_cache_size_if_unset(16 * 1024 * 1024);
    let fix = "fetch it first (a CI checkout is often shallow: `fetch-depth: 0` in actions/checkout, `GIT_DEPTH: 0` in GitLab CI), or pass a branch, tag or commit id this clone has";
    let since = repo
        .rev_parse_single(rev)
        .map_err(|e| {
            format!("--changed-since `{rev}` is not a revision of this repository ({e}): {fix}")
        })?
        .object()
        .map_err(|e| format!("cannot read `{rev}`: {e}"))?
        .peel_to_commit()
        .map_err(|e| format!("--changed-since `{rev}` does not name a commit ({e})"))?
        .id;
    let head = repo
        .head_id()
        .map_err(|e| format!("HEAD does not point at a commit ({e}): commit something first"))?
        .detach();
    let base = repo
        .merge_base(since, head)
        .map_err(|e| {
            format!("cannot find where HEAD left `{rev}` ({e}): the history between them may be cut short by a shallow clone; {fix}")
        })?
        .map(|id| id.detach())
        .ok_or_else(|| {
            format!("`{rev}` and HEAD share no history (no merge base): a shallow clone cuts it; {fix}")
        })?;
    let tree_of = |commit: gix::ObjectId| -> Result<gix::Tree<'_>, String> {
        repo.find_commit(commit)
            .and_then(|c| c.tree())
            .map_err(|e| format!("cannot read the tree of commit {commit}: {e}"))
    };
    let (old, new) = (tree_of(base)?, tree_of(head)?);
    let mut recorder = gix::diff::tree::Recorder::default();
    gix::diff::tree(
        gix::objs::TreeRefIter::from_bytes(&old.data, repo.object_hash()),
        gix::objs::TreeRefIter::from_bytes(&new.data, repo.object_hash()),
        gix::diff::tree::State::default(),
        &repo.objects,
        &mut recorder,
    )
    .map_err(|e| format!("cannot compare {base} with HEAD: {e}"))?;
    let mut committed: BTreeSet<String> = BTreeSet::new();
    for change in recorder.records {
        use gix::diff::tree::recorder::Change;
        let (path, mode) = match change {
            Change::Addition {
                path, entry_mode, ..
            }
            | Change::Deletion {
                path, entry_mode, ..
            }
            | Change::Modification {
                path, entry_mode, ..
            } => (path, entry_mode),
        };
        // A tree's own entry changes with every file in it; the files are listed too.
        if !mode.is_tree() {
            committed.insert(path.to_str_lossy().into_owned());
        }
    }

    // The work tree: staged (index ≠ HEAD), unstaged (file ≠ index) and untracked files.
    let (mut uncommitted, tracked) = index_changes(&repo, Some(new.id))?;
    let prefix = subtree_dir(&repo, root);
    let relative = |p: &str| relative_to(&prefix, p);
    // Untracked: walked (so not ignored) but not in the index. A `.git` file is the
    // pointer of a linked worktree or a submodule to its repository, never a change.
    for p in walked
        .into_iter()
        .filter(|p| *p != ".git" && !p.ends_with("/.git"))
    {
        let in_repo = if prefix.is_empty() {
            p.to_string()
        } else {
            format!("{prefix}/{p}")
        };
        if !tracked.contains_key(&in_repo) {
            uncommitted.insert(in_repo);
        }
    }
    let committed: BTreeSet<String> = committed.iter().filter_map(|p| relative(p)).collect();
    let uncommitted: BTreeSet<String> = uncommitted
        .iter()
        .filter_map(|p| relative(p))
        .filter(|p| !committed.contains(p))
        .collect();
    let count = uncommitted.len();
    let mut paths: Vec<String> = committed.into_iter().chain(uncommitted).collect();
    paths.sort();
    Ok(ChangedPaths {
        base: base.to_string(),
        head: head.to_string(),
        paths,
        uncommitted: count,
    })
}

/// The repository-relative paths whose index entry differs from HEAD's tree (`head`;
/// every entry when there is no commit yet), whose work-tree file differs from its index
/// entry, that are conflicted, or that HEAD has and the index no longer does; and every
/// path the index tracks.
fn index_changes(
    repo: &gix::Repository,
    head: Option<gix::ObjectId>,
) -> Result<
    (
        std::collections::BTreeSet<String>,
        std::collections::HashMap<String, ()>,
    ),
    String,
> {
    use gix::bstr::ByteSlice;
    let mut uncommitted = std::collections::BTreeSet::new();
    let mut tracked = std::collections::HashMap::new();
    let head_blobs = match head {
        Some(id) => tree_blobs(repo, id)?,
        None => Default::default(),
    };
    let workdir = repo.workdir().map(Path::to_path_buf);
    let index = repo
        .try_index()
        .map_err(|e| format!("cannot read the git index: {e}"))?;
    if let (Some(index), Some(workdir)) = (index, workdir) {
        let racy_from = index.timestamp();
        let options = gix::index::entry::stat::Options::default();
        for e in index.entries() {
            if e.mode.is_submodule() || e.mode.is_sparse() {
                continue;
            }
            let path = e.path(&index).to_str_lossy().into_owned();
            if e.stage_raw() != 0 {
                // A conflicted entry (a merge in progress) is a change by definition.
                uncommitted.insert(path.clone());
                tracked.insert(path, ());
                continue;
            }
            // Staged (the index differs from HEAD), or unstaged (the file from the index).
            let staged = head_blobs.get(&path) != Some(&e.id);
            if staged
                || worktree_differs(
                    &workdir.join(&path),
                    e,
                    e.stat.is_racy(racy_from, options),
                    options,
                    repo,
                )
            {
                uncommitted.insert(path.clone());
            }
            tracked.insert(path, ());
        }
        // Deleted from the index (`git rm`) but present at HEAD.
        uncommitted.extend(
            head_blobs
                .keys()
                .filter(|p| !tracked.contains_key(*p))
                .cloned(),
        );
    }
    Ok((uncommitted, tracked))
}

/// Every uncommitted change inside `root`, relative to it, sorted: tracked files
/// modified, staged, deleted or conflicted, and untracked files git does not ignore
/// (`.gitignore`, `.git/info/exclude`, the global excludes file), as `git status`
/// would list them; what `shipshape fix --write` refuses to mix its changes with.
/// Outside a git repository (or in a bare one) nothing is uncommitted.
pub fn dirty(root: &Path) -> Result<Vec<String>, String> {
    let Ok(repo) = gix::discover(root) else {
        return Ok(Vec::new());
    };
    let Some(workdir) = repo.workdir().map(Path::to_path_buf) else {
        return Ok(Vec::new());
    };
    // Both absolute, so that walked paths can be made relative to the work tree.
    let canonical =
        |p: &Path| std::fs::canonicalize(p).map_err(|e| format!("{}: {e}", p.display()));
    let (root_abs, workdir) = (canonical(root)?, canonical(&workdir)?);
    let head = repo
        .head_commit()
        .ok()
        .and_then(|c| c.tree_id().ok())
        .map(|id| id.detach());
    let (changed, tracked) = index_changes(&repo, head)?;
    let prefix = subtree_dir(&repo, root);
    let relative = |p: &str| relative_to(&prefix, p);
    let mut out: std::collections::BTreeSet<String> =
        changed.iter().filter_map(|p| relative(p)).collect();
    let walker = ignore::WalkBuilder::new(&root_abs)
        .hidden(false)
        .follow_links(false)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(true)
        .parents(true)
        // `.ignore` files are ripgrep's, not git's.
        .ignore(false)
        .require_git(false)
        .filter_entry({
            let root = root_abs.clone();
            // A nested repository (a submodule, a vendored clone) is its own work tree:
            // git status shows at most its entry, never its files.
            move |e| {
                e.file_name() != ".git"
                    && !(e.file_type().is_some_and(|t| t.is_dir())
                        && e.path() != root
                        && e.path().join(".git").exists())
            }
        })
        .build();
    for entry in walker.flatten() {
        if entry.file_type().is_some_and(|t| t.is_dir()) {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(&workdir) else {
            continue;
        };
        let in_repo = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if !tracked.contains_key(&in_repo)
            && let Some(r) = relative(&in_repo)
        {
            out.insert(r);
        }
    }
    Ok(out.into_iter().collect())
}

/// True when the work-tree file differs from its index entry: gone, or its stat data
/// moved (or is too recent to trust, git's "racy" case) and its content hashes to
/// another blob. Clean and smudge filters (CRLF conversion, LFS) are not applied, so a
/// filtered file whose stat changed counts as changed: a unit judged too many, never one
/// missed.
fn worktree_differs(
    file: &Path,
    entry: &gix::index::Entry,
    racy: bool,
    options: gix::index::entry::stat::Options,
    repo: &gix::Repository,
) -> bool {
    let Ok(meta) = gix::index::fs::Metadata::from_path_no_follow(file) else {
        return true;
    };
    let same_stat = gix::index::entry::Stat::from_fs(&meta)
        .is_ok_and(|s| s.matches(&entry.stat, options))
        && !racy;
    if same_stat {
        return false;
    }
    let data = if meta.is_symlink() {
        std::fs::read_link(file)
            .map(|t| t.to_string_lossy().into_owned().into_bytes())
            .ok()
    } else {
        std::fs::read(file).ok()
    };
    data.and_then(|d| gix::objs::compute_hash(repo.object_hash(), gix::objs::Kind::Blob, &d).ok())
        != Some(entry.id)
}

/// Every blob of a tree by path.
fn tree_blobs(
    repo: &gix::Repository,
    tree: gix::ObjectId,
) -> Result<std::collections::HashMap<String, gix::ObjectId>, String> {
    let mut out = std::collections::HashMap::new();
    let mut stack = vec![(tree, String::new())];
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
            } else if !entry.mode.is_commit() {
                out.insert(path, entry.oid.to_owned());
            }
        }
    }
    Ok(out)
}
