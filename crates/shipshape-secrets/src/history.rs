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
use serde::Serialize;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// Blobs larger than this are not scanned (generated or binary assets, not config).
pub const MAX_BLOB_BYTES: u64 = 16 * 1024 * 1024;
/// Blobs a worker takes at a time.
const BATCH: usize = 64;

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
    let git = git_error(repo);
    let r = open(repo)?;
    let commits = collect_commits(&r).map_err(git)?;
    scan_commits(repo, r, engine, commits, &[], progress, REOPEN_EVERY)
}

/// Scan the blobs that the commits in `since..HEAD` introduced (a pull request's
/// commits when `since` is its base): commits reachable from HEAD and not from
/// `since`, each blob reported at the earliest of them that holds it. Blobs already in
/// the trees those commits start from (their parents outside the range) are not
/// scanned: they were there before. `since` is any revision git understands
/// (`origin/main`, `v1.2.0`, `HEAD~3`, a commit id); one that does not resolve is an
/// error naming it.
pub fn scan_since(
    repo: &Path,
    since: &str,
    engine: &Engine,
    progress: &dyn Fn(u64, u64),
) -> Result<Vec<HistoryMatch>, Error> {
    let git = git_error(repo);
    let r = open(repo)?;
    let base = resolve_commit(&r, since).map_err(&git)?;
    let head = r
        .head_id()
        .map_err(|e| git(format!("HEAD does not point at a commit ({e})")))?
        .detach();
    let walk = r
        .rev_walk([head])
        .with_hidden([base])
        .all()
        .map_err(|e| git(format!("cannot walk {since}..HEAD: {e}")))?;
    let mut commits = Vec::new();
    for info in walk {
        let info = info.map_err(|e| git(format!("cannot walk {since}..HEAD: {e}")))?;
        let commit = r
            .find_commit(info.id)
            .map_err(|e| git(format!("cannot read commit {}: {e}", info.id)))?;
        commits.push(commit_info(&commit).map_err(&git)?);
    }
    let inside: HashSet<ObjectId> = commits.iter().map(|c| c.id).collect();
    let mut before: Vec<ObjectId> = Vec::new();
    for c in &commits {
        for p in c.parents.iter().filter(|p| !inside.contains(*p)) {
            if let Ok(parent) = r.find_commit(*p)
                && let Ok(tree) = parent.tree_id()
            {
                before.push(tree.detach());
            }
        }
    }
    scan_commits(repo, r, engine, commits, &before, progress, REOPEN_EVERY)
}

/// The commit a revision names (tags and other refs peeled).
pub(crate) fn resolve_commit(r: &gix::Repository, rev: &str) -> Result<ObjectId, String> {
    let id = r
        .rev_parse_single(rev)
        .map_err(|e| format!("`{rev}` is not a revision of this repository ({e}): pass a branch, tag or commit id (fetch it first in a shallow CI clone: `fetch-depth: 0`)"))?;
    let object = id
        .object()
        .map_err(|e| format!("cannot read `{rev}`: {e}"))?;
    object
        .peel_to_commit()
        .map(|c| c.id)
        .map_err(|e| format!("`{rev}` does not name a commit ({e})"))
}

fn git_error(repo: &Path) -> impl Fn(String) -> Error + '_ {
    move |message| Error::Git {
        path: repo.to_path_buf(),
        message,
    }
}

fn open(repo: &Path) -> Result<gix::Repository, Error> {
    let mut r = gix::discover(repo).map_err(|e| {
        git_error(repo)(format!(
            "not a git repository ({e}); run from a clone or pass the repository root"
        ))
    })?;
    // Bounded memory (#17): every blob of the history is read once, so large caches
    // buy nothing. On grafana/loki's 12,849 commits, 64 MiB object caches and gix's
    // default delta-base cache per handle made 630 MB of heap; 8 MiB each take 210 MB
    // in the same 13.7 s. A user's own `core.deltaBaseCacheLimit` is kept.
    let mut config = r.config_snapshot_mut();
    if config.string("core.deltaBaseCacheLimit").is_none() {
        config
            .set_value(&gix::config::tree::Core::DELTA_BASE_CACHE_LIMIT, "8m")
            .map_err(|e| git_error(repo)(format!("cannot size the delta cache: {e}")))?;
    }
    config
        .commit()
        .map_err(|e| git_error(repo)(format!("cannot size the delta cache: {e}")))?;
    // Every tree and blob is read once, so an object cache never hits: none.
    r.object_cache_size(None);
    Ok(r)
}

/// Objects one repository handle reads before it is dropped and opened again (#17).
/// gix maps pack files and reads through the mapping, so every page a handle touched
/// (each blob's whole delta chain, anywhere in the pack) stays in the process's RSS
/// until its mapping goes: on grafana/loki's 463 MB pack, one shared handle held 480 MB
/// of mapped pages, one handle per worker 800 MB. Reopening every 1,024 objects held
/// 100 MB (4,096: 165 MB; 256: 71 MB, and 20 % slower from reopening and cold
/// delta-base caches).
const REOPEN_EVERY: usize = 1024;

/// A repository handle that is reopened every [`REOPEN_EVERY`] objects.
struct Reader<'a> {
    path: &'a Path,
    repo: gix::Repository,
    reads: usize,
    every: usize,
}

impl<'a> Reader<'a> {
    fn new(path: &'a Path, repo: gix::Repository, every: usize) -> Self {
        Reader {
            path,
            repo,
            reads: 0,
            every,
        }
    }

    /// The handle for the next object read.
    fn next(&mut self) -> Result<&gix::Repository, Error> {
        if self.reads >= self.every {
            // The old handle, its store and the store's mappings go here.
            self.repo = open(self.path)?;
            self.reads = 0;
        }
        self.reads += 1;
        Ok(&self.repo)
    }
}

/// Blob paths, each stored once: a file's path repeats in every version of it.
#[derive(Default)]
struct Paths {
    ids: HashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
}

impl Paths {
    fn intern(&mut self, path: &str) -> u32 {
        if let Some(&id) = self.ids.get(path) {
            return id;
        }
        let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(path.into());
        self.ids.insert(path.into(), id);
        id
    }

    fn get(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", |p| p)
    }
}

/// Walk the trees of `commits` in order and scan each blob once, at the first commit
/// and path that has it. Trees in `before` (and everything in them) count as seen.
fn scan_commits(
    repo: &Path,
    r: gix::Repository,
    engine: &Engine,
    commits: Vec<CommitInfo>,
    before: &[ObjectId],
    progress: &dyn Fn(u64, u64),
    reopen_every: usize,
) -> Result<Vec<HistoryMatch>, Error> {
    let git = git_error(repo);
    let order = topological_order(&commits);

    // Walk trees in commit order, attributing each blob to its first commit and path.
    let mut reader = Reader::new(repo, r, reopen_every);
    let mut seen_trees: HashSet<ObjectId> = HashSet::new();
    let mut seen_blobs: HashSet<ObjectId> = HashSet::new();
    let mut paths = Paths::default();
    // (blob, rank of its first commit, its path there)
    let mut blobs: Vec<(ObjectId, u32, u32)> = Vec::new();
    let mut walk = |root: ObjectId,
                    rank: Option<u32>,
                    seen_trees: &mut HashSet<ObjectId>,
                    seen_blobs: &mut HashSet<ObjectId>|
     -> Result<(), Error> {
        let mut stack = vec![(root, String::new())];
        let mut path = String::new();
        while let Some((tree_id, prefix)) = stack.pop() {
            if !seen_trees.insert(tree_id) {
                continue;
            }
            let tree = reader
                .next()?
                .find_tree(tree_id)
                .map_err(|e| git(format!("cannot read tree {tree_id}: {e}")))?;
            let decoded = tree
                .decode()
                .map_err(|e| git(format!("cannot decode tree {tree_id}: {e}")))?;
            for entry in &decoded.entries {
                path.clear();
                if !prefix.is_empty() {
                    path.push_str(&prefix);
                    path.push('/');
                }
                path.push_str(&String::from_utf8_lossy(entry.filename));
                let oid = entry.oid.to_owned();
                if entry.mode.is_tree() {
                    if !seen_trees.contains(&oid) {
                        stack.push((oid, path.clone()));
                    }
                } else if entry.mode.is_blob()
                    && seen_blobs.insert(oid)
                    && let Some(rank) = rank
                {
                    blobs.push((oid, rank, paths.intern(&path)));
                }
            }
        }
        Ok(())
    };
    for &tree in before {
        walk(tree, None, &mut seen_trees, &mut seen_blobs)?;
    }
    for (rank, &ci) in order.iter().enumerate() {
        let rank = u32::try_from(rank).unwrap_or(u32::MAX);
        walk(
            commits[ci].tree,
            Some(rank),
            &mut seen_trees,
            &mut seen_blobs,
        )?;
    }
    drop(reader);
    drop(seen_trees);
    drop(seen_blobs);

    // Scan unique blobs on one worker per core. Each worker owns a repository handle
    // with its own object cache and takes contiguous batches of blobs (in commit order,
    // so successive versions of a file, which share delta bases, stay on one cache);
    // this thread reports progress until they are done.
    let total = blobs.len() as u64;
    progress(0, total);
    let next = AtomicUsize::new(0);
    let done = AtomicU64::new(0);
    let found: Mutex<Vec<(u32, HistoryMatch)>> = Mutex::new(Vec::new());
    let failure: Mutex<Option<Error>> = Mutex::new(None);
    let workers = rayon::current_num_threads().clamp(1, 64);
    // Workers still running; decremented even if one panics, so the loop below ends.
    let alive = AtomicUsize::new(workers);
    struct Leaving<'a>(&'a AtomicUsize);
    impl Drop for Leaving<'_> {
        fn drop(&mut self) {
            self.0.fetch_sub(1, Ordering::Release);
        }
    }
    let fail = |e: Error| {
        failure
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get_or_insert(e);
    };
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                let _leaving = Leaving(&alive);
                // Each worker has its own handle and store (not a thread-local view of a
                // shared one), so that reopening it releases the pages it mapped.
                let mut reader = match open(repo) {
                    Ok(r) => Reader::new(repo, r, reopen_every),
                    Err(e) => return fail(e),
                };
                let mut local = Vec::new();
                loop {
                    let start = next.fetch_add(BATCH, Ordering::Relaxed);
                    if start >= blobs.len() {
                        break;
                    }
                    let end = (start + BATCH).min(blobs.len());
                    for &(oid, rank, path) in &blobs[start..end] {
                        let path = paths.get(path);
                        let scanned = reader
                            .next()
                            .and_then(|r| scan_blob(r, engine, oid, path).map_err(&git));
                        match scanned {
                            Ok(secrets) => {
                                let commit = &commits[order[rank as usize]];
                                local.extend(secrets.into_iter().map(|secret| {
                                    (
                                        rank,
                                        HistoryMatch {
                                            commit: commit.id.to_string(),
                                            author_date: commit.author_date.clone(),
                                            blob: oid.to_string(),
                                            secret,
                                        },
                                    )
                                }));
                            }
                            Err(e) => fail(e),
                        }
                    }
                    done.fetch_add((end - start) as u64, Ordering::Relaxed);
                }
                found
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .extend(local);
            });
        }
        let mut last = 0;
        loop {
            let d = done.load(Ordering::Relaxed);
            if d != last {
                progress(d, total);
                last = d;
            }
            if d >= total || alive.load(Ordering::Acquire) == 0 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    });
    if let Some(e) = failure.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(e);
    }
    let mut found = found.into_inner().unwrap_or_else(|p| p.into_inner());

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

/// Read one blob (unless larger than [`MAX_BLOB_BYTES`]) and scan it.
pub(crate) fn scan_blob(
    repo: &gix::Repository,
    engine: &Engine,
    oid: ObjectId,
    path: &str,
) -> Result<Vec<SecretMatch>, String> {
    let header = repo
        .find_header(oid)
        .map_err(|e| format!("cannot read blob {oid} ({path}): {e}"))?;
    if header.size() > MAX_BLOB_BYTES {
        return Ok(Vec::new());
    }
    let blob = repo
        .find_blob(oid)
        .map_err(|e| format!("cannot read blob {oid} ({path}): {e}"))?;
    Ok(engine.scan(path, &blob.data))
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
        let info = commit_info(&commit)?;
        stack.extend(info.parents.iter().copied());
        commits.push(info);
    }
    Ok(commits)
}

fn commit_info(commit: &gix::Commit<'_>) -> Result<CommitInfo, String> {
    let id = commit.id;
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
    Ok(CommitInfo {
        id,
        tree,
        time,
        author_date,
        parents,
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::{Rng, expand};
    use std::process::Command;

    fn git(dir: &Path, args: &[&str]) {
        let out = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_AUTHOR_DATE", "2024-01-01T10:00:00+00:00")
            .env("GIT_COMMITTER_DATE", "2024-01-01T10:00:00+00:00")
            .env("GIT_AUTHOR_NAME", "Test")
            .env("GIT_AUTHOR_EMAIL", "test@example.invalid")
            .env("GIT_COMMITTER_NAME", "Test")
            .env("GIT_COMMITTER_EMAIL", "test@example.invalid")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", dir)
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?} failed");
    }

    /// #17: handles are reopened every few thousand objects to bound mapped memory; a
    /// reopen after every single object must find exactly what one handle finds.
    #[test]
    fn reopening_the_repository_after_every_object_loses_nothing() {
        if Command::new("git").arg("--version").output().is_err() {
            eprintln!("skipped: git CLI not found");
            return;
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        git(d, &["init", "-q", "-b", "main"]);
        let mut rng = Rng::new(7);
        for commit in 0..3 {
            for file in 0..12 {
                let sub = d.join(format!("svc{}/conf", file % 4));
                std::fs::create_dir_all(&sub).expect("mkdir");
                let token = expand("ghp_{an:36}", &mut rng).text;
                let body = if file % 5 == commit {
                    format!("GITHUB_TOKEN={token}\n")
                } else {
                    format!("version = {commit}.{file}\n")
                };
                std::fs::write(sub.join(format!("f{file}.env")), body).expect("write");
            }
            git(d, &["add", "."]);
            git(d, &["commit", "-q", "-m", &format!("c{commit}")]);
        }
        let engine = Engine::new(&[], &[]).expect("engine");
        let scan = |every: usize| {
            let r = open(d).expect("open");
            let commits = collect_commits(&r).expect("commits");
            scan_commits(d, r, &engine, commits, &[], &|_, _| {}, every).expect("scan")
        };
        let once = scan(REOPEN_EVERY);
        assert!(once.len() >= 6, "the planted tokens are found: {once:?}");
        assert_eq!(scan(1), once);
        assert_eq!(scan(2), once);
    }
}
