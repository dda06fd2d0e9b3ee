//! Writing fixes to the scanned tree: the only module of this crate that touches the
//! disk. It never writes outside the tree, never follows a symbolic link (even one
//! inside the tree), re-checks every replaced range against what the scan read, and
//! refuses a work tree with uncommitted changes unless told otherwise.

use crate::diff::{EditError, edited_text};
use crate::{FileEdit, Fix};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// Why nothing (or not everything) could be written.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error(
        "refusing to write `{0}`: a fix may only write a relative path inside the scanned tree"
    )]
    OutsideTree(String),
    #[error("refusing to write `{path}`: `{link}` is a symbolic link, and fixes never follow one")]
    Symlink { path: String, link: String },
    #[error("refusing to write `{0}`: it is not a regular file")]
    NotAFile(String),
    #[error(
        "refusing to write into a work tree with uncommitted changes ({}): commit or stash them so the fix can be reviewed on its own, or pass --allow-dirty",
        dirty_list(.0)
    )]
    Dirty(Vec<String>),
    #[error("cannot check the git work tree: {0}")]
    Git(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// The first few dirty paths, and how many more.
fn dirty_list(paths: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut out = paths
        .iter()
        .take(SHOWN)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if paths.len() > SHOWN {
        out.push_str(&format!(" and {} more", paths.len() - SHOWN));
    }
    out
}

/// What [`apply`] did.
#[derive(Debug, Default)]
pub struct Applied {
    /// Indexes (into the fixes given) of the fixes written.
    pub written: Vec<usize>,
    /// Fixes left out, with why (another fix already changed the same lines, or the
    /// file changed since the scan).
    pub skipped: Vec<(usize, String)>,
    /// Files written, repository-relative.
    pub files: Vec<String>,
}

/// Check that `path` is a relative path inside `root` whose existing components are
/// neither symbolic links nor (but for the last) files.
pub fn check_paths(root: &Path, path: &str) -> Result<PathBuf, ApplyError> {
    let rel = Path::new(path);
    if path.is_empty()
        || path.contains('\\')
        || !rel.components().all(|c| matches!(c, Component::Normal(_)))
    {
        return Err(ApplyError::OutsideTree(path.to_string()));
    }
    let mut at = root.to_path_buf();
    let mut shown = String::new();
    for c in rel.components() {
        at.push(c);
        if !shown.is_empty() {
            shown.push('/');
        }
        shown.push_str(&c.as_os_str().to_string_lossy());
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(ApplyError::Symlink {
                    path: path.to_string(),
                    link: shown,
                });
            }
            Ok(m) if shown != path && !m.is_dir() => {
                return Err(ApplyError::NotAFile(path.to_string()));
            }
            Ok(m) if shown == path && !m.is_file() => {
                return Err(ApplyError::NotAFile(path.to_string()));
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => break,
            Err(e) => {
                return Err(ApplyError::Io {
                    path: path.to_string(),
                    source: e,
                });
            }
        }
    }
    Ok(root.join(rel))
}

fn read(root: &Path, path: &str) -> Result<Option<String>, ApplyError> {
    let full = check_paths(root, path)?;
    match std::fs::read(&full) {
        Ok(bytes) => String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| ApplyError::Io {
                path: path.to_string(),
                source: std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8"),
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ApplyError::Io {
            path: path.to_string(),
            source: e,
        }),
    }
}

/// Write `fixes` into the tree at `root`, in order. A fix whose edits collide with an
/// earlier one's, or whose file changed since the scan, is skipped (and said so);
/// nothing is written when a path is unsafe or, unless `allow_dirty`, when the work tree
/// under `root` has any uncommitted change (a tracked file modified, staged or deleted,
/// or an untracked file git does not ignore).
pub fn apply(root: &Path, fixes: &[&Fix], allow_dirty: bool) -> Result<Applied, ApplyError> {
    let mut current: BTreeMap<String, Option<String>> = BTreeMap::new();
    for fix in fixes {
        for e in &fix.edits {
            if !current.contains_key(e.path()) {
                current.insert(e.path().to_string(), read(root, e.path())?);
            }
        }
    }
    // Like `cargo fix`: any uncommitted change in the tree, not only in the files to
    // edit, would be mixed into the commit that takes the fixes.
    if !allow_dirty && !fixes.is_empty() {
        let dirty = shipshape_facts::git::dirty(root).map_err(ApplyError::Git)?;
        if !dirty.is_empty() {
            return Err(ApplyError::Dirty(dirty));
        }
    }
    let mut accepted: BTreeMap<String, Vec<&FileEdit>> = BTreeMap::new();
    let mut out = Applied::default();
    for (i, fix) in fixes.iter().enumerate() {
        let mut trial = accepted.clone();
        for e in &fix.edits {
            trial.entry(e.path().to_string()).or_default().push(e);
        }
        let problem = fix.edits.iter().find_map(|e| {
            let old = current.get(e.path()).and_then(|t| t.as_deref());
            edited_text(old, &trial[e.path()]).err()
        });
        match problem {
            Some(EditError::Overlap(p)) => out.skipped.push((
                i,
                format!("an earlier fix already changes the same part of {p}"),
            )),
            Some(e) => out.skipped.push((i, e.to_string())),
            None => {
                accepted = trial;
                out.written.push(i);
            }
        }
    }
    for (path, edits) in &accepted {
        let old = current.get(path).and_then(|t| t.as_deref());
        let new = edited_text(old, edits).map_err(|e| ApplyError::Io {
            path: path.clone(),
            source: std::io::Error::other(e.to_string()),
        })?;
        write(root, path, &new)?;
        out.files.push(path.clone());
    }
    Ok(out)
}

fn write(root: &Path, path: &str, text: &str) -> Result<(), ApplyError> {
    let io = |source| ApplyError::Io {
        path: path.to_string(),
        source,
    };
    let full = check_paths(root, path)?;
    if let Some(dir) = full.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    // Checked again after creating directories: nothing may have become a link.
    let full = check_paths(root, path)?;
    let name = full
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = full.with_file_name(format!(".{name}.shipshape-fix"));
    std::fs::write(&tmp, text).map_err(io)?;
    if let Ok(m) = std::fs::metadata(&full) {
        std::fs::set_permissions(&tmp, m.permissions()).map_err(io)?;
    }
    std::fs::rename(&tmp, &full).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Applicability;

    fn fix(edits: Vec<FileEdit>) -> Fix {
        Fix {
            check_id: "x/y".into(),
            unit: "u".into(),
            applicability: Applicability::Safe,
            description: String::new(),
            reason: String::new(),
            edits,
        }
    }

    #[test]
    fn never_outside_the_tree_nor_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for bad in ["../x", "/etc/passwd", "a/../../x", "", "./a", "a\\..\\b"] {
            assert!(
                matches!(check_paths(root, bad), Err(ApplyError::OutsideTree(_))),
                "{bad}"
            );
        }
        let outside = tempfile::tempdir().unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(outside.path(), root.join("docs")).unwrap();
            let f = fix(vec![FileEdit::Create {
                path: "docs/SECURITY.md".into(),
                content: "x".into(),
            }]);
            let e = apply(root, &[&f], true).unwrap_err();
            assert!(
                matches!(e, ApplyError::Symlink { ref link, .. } if link == "docs"),
                "{e}"
            );
            assert!(std::fs::read_dir(outside.path()).unwrap().next().is_none());
        }
        std::fs::write(root.join("file"), "x").unwrap();
        assert!(matches!(
            check_paths(root, "file/inner"),
            Err(ApplyError::NotAFile(_))
        ));
    }

    #[test]
    fn writes_skips_collisions_and_stale_ranges() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("w.yml"), "on: push\njobs: {}\n").unwrap();
        let text = "on: push\njobs: {}\n";
        let a = fix(vec![FileEdit::insert(
            "w.yml",
            text,
            9,
            "permissions: {}\n",
        )]);
        // Insertions at one point are all written (navidrome); a range over it is not.
        let b = fix(vec![FileEdit::replace("w.yml", text, 8..10, "\nj")]);
        let stale = fix(vec![FileEdit::replace("w.yml", "on: pull\n", 4..8, "x")]);
        let c = fix(vec![FileEdit::Create {
            path: ".github/x/NEW.md".into(),
            content: "new\n".into(),
        }]);
        let done = apply(root, &[&a, &b, &stale, &c], true).unwrap();
        assert_eq!(done.written, vec![0, 3]);
        assert_eq!(done.skipped.len(), 2);
        assert!(
            done.skipped[0].1.contains("earlier fix"),
            "{:?}",
            done.skipped
        );
        assert!(
            done.skipped[1].1.contains("changed since"),
            "{:?}",
            done.skipped
        );
        assert_eq!(
            std::fs::read_to_string(root.join("w.yml")).unwrap(),
            "on: push\npermissions: {}\njobs: {}\n"
        );
        assert_eq!(
            std::fs::read_to_string(root.join(".github/x/NEW.md")).unwrap(),
            "new\n"
        );
        // Creating a file that now exists is skipped, not overwritten.
        let again = apply(root, &[&c], true).unwrap();
        assert!(again.written.is_empty());
        assert!(again.skipped[0].1.contains("already exists"));
    }
}
