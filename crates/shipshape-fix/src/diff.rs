//! Applying edits to text, and unified diffs of the result (what `git apply` and
//! reviewers read).

use crate::FileEdit;

/// Why a set of edits cannot be applied to a file's text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("{0} already exists")]
    Exists(String),
    #[error("{0} does not exist")]
    Missing(String),
    #[error(
        "{path}: bytes {start}..{end} no longer hold what the scan read (the file changed since)"
    )]
    Stale {
        path: String,
        start: usize,
        end: usize,
    },
    #[error("{0}: two edits overlap")]
    Overlap(String),
}

/// The text of one file after `edits` (all for that file): `old` is its content
/// (`None` when it does not exist). Replacements are checked against what the scan
/// read, and must not overlap.
pub fn edited_text(old: Option<&str>, edits: &[&FileEdit]) -> Result<String, EditError> {
    let mut creates = edits.iter().filter_map(|e| match e {
        FileEdit::Create { path, content } => Some((path, content)),
        FileEdit::Replace { .. } => None,
    });
    if let Some((path, content)) = creates.next() {
        if old.is_some() {
            return Err(EditError::Exists(path.clone()));
        }
        if creates.next().is_some() || edits.len() > 1 {
            return Err(EditError::Overlap(path.clone()));
        }
        return Ok(content.clone());
    }
    let mut reps: Vec<(usize, usize, &str, &str, &str)> = edits
        .iter()
        .filter_map(|e| match e {
            FileEdit::Replace {
                path,
                start,
                end,
                original,
                replacement,
            } => Some((
                *start,
                *end,
                path.as_str(),
                original.as_str(),
                replacement.as_str(),
            )),
            FileEdit::Create { .. } => None,
        })
        .collect();
    let Some(&(_, _, path, _, _)) = reps.first() else {
        return Ok(old.unwrap_or_default().to_string());
    };
    let Some(text) = old else {
        return Err(EditError::Missing(path.to_string()));
    };
    reps.sort_by_key(|r| (r.0, r.1));
    let mut out = String::with_capacity(text.len() + 256);
    let mut at = 0;
    // The sort is stable: insertions at one point (several fixes adding keys after a
    // Kubernetes container's last line, a `USER` and a `HEALTHCHECK` before one `CMD`)
    // go in the order given, which is the fixes' order. Each is whole lines of its own,
    // so any order is valid; a replacement never starts inside another's range.
    for (start, end, path, original, replacement) in reps {
        if start < at {
            return Err(EditError::Overlap(path.to_string()));
        }
        if end < start || text.get(start..end) != Some(original) {
            return Err(EditError::Stale {
                path: path.to_string(),
                start,
                end,
            });
        }
        out.push_str(&text[at..start]);
        out.push_str(replacement);
        at = end;
    }
    out.push_str(&text[at..]);
    Ok(out)
}

/// A unified diff (three lines of context, `a/` and `b/` prefixes as git writes
/// them) turning `old` into `new` at `path`; `old = None` for a new file.
pub fn unified_diff(path: &str, old: Option<&str>, new: &str) -> String {
    let before = old.unwrap_or("");
    let diff = similar::TextDiff::from_lines(before, new);
    let from = if old.is_some() {
        format!("a/{path}")
    } else {
        "/dev/null".to_string()
    };
    let mut out = String::new();
    if old.is_none() {
        out.push_str(&format!(
            "diff --git a/{path} b/{path}\nnew file mode 100644\n"
        ));
    } else {
        out.push_str(&format!("diff --git a/{path} b/{path}\n"));
    }
    out.push_str(
        &diff
            .unified_diff()
            .context_radius(3)
            .header(&from, &format!("b/{path}"))
            .missing_newline_hint(true)
            .to_string(),
    );
    out
}

/// The unified diff of one fix, file by file in the order of its edits; `old` gives a
/// file's content as the scan read it (`None` when it does not exist).
pub fn fix_diff<'a>(
    fix: &crate::Fix,
    old: impl Fn(&str) -> Option<&'a str>,
) -> Result<String, EditError> {
    let mut paths: Vec<&str> = Vec::new();
    for e in &fix.edits {
        if !paths.contains(&e.path()) {
            paths.push(e.path());
        }
    }
    let mut out = String::new();
    for path in paths {
        let edits: Vec<&FileEdit> = fix.edits.iter().filter(|e| e.path() == path).collect();
        let before = old(path);
        let after = edited_text(before, &edits)?;
        out.push_str(&unified_diff(path, before, &after));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rep(text: &str, range: std::ops::Range<usize>, with: &str) -> FileEdit {
        FileEdit::replace("f.yml", text, range, with)
    }

    #[test]
    fn replacements_keep_the_rest_byte_for_byte() {
        let text = "a: 1 # keep\nb: 2\nc: 3\n";
        let e1 = rep(text, 12..16, "b: 20");
        let e2 = FileEdit::insert("f.yml", text, text.len(), "d: 4\n");
        let new = edited_text(Some(text), &[&e2, &e1]).unwrap();
        assert_eq!(new, "a: 1 # keep\nb: 20\nc: 3\nd: 4\n");
    }

    /// navidrome `contrib/k8s/manifest.yml`: `k8s-security-context`, `k8s-resources`
    /// and `k8s-probes` each insert after the container's last line; all three are
    /// written, in the fixes' order, not the second and third skipped as overlaps.
    #[test]
    fn insertions_at_one_point_go_in_order() {
        let text = "a: 1\nb: 2\n";
        let i1 = FileEdit::insert("f.yml", text, 5, "x: 1\n");
        let i2 = FileEdit::insert("f.yml", text, 5, "y: 2\n");
        let r = rep(text, 5..9, "b: 3");
        assert_eq!(
            edited_text(Some(text), &[&i1, &i2, &r]).unwrap(),
            "a: 1\nx: 1\ny: 2\nb: 3\n"
        );
        assert_eq!(
            edited_text(Some(text), &[&i2, &i1]).unwrap(),
            "a: 1\ny: 2\nx: 1\nb: 2\n"
        );
        // An insertion inside a replaced range still overlaps.
        let inside = FileEdit::insert("f.yml", text, 6, "z\n");
        assert_eq!(
            edited_text(Some(text), &[&r, &inside]),
            Err(EditError::Overlap("f.yml".into()))
        );
    }

    #[test]
    fn stale_overlapping_and_existing_are_errors() {
        let text = "abcdef";
        let e = rep(text, 1..3, "X");
        assert_eq!(
            edited_text(Some("aXXdef"), &[&e]),
            Err(EditError::Stale {
                path: "f.yml".into(),
                start: 1,
                end: 3
            })
        );
        let f = rep(text, 2..4, "Y");
        assert_eq!(
            edited_text(Some(text), &[&e, &f]),
            Err(EditError::Overlap("f.yml".into()))
        );
        let c = FileEdit::Create {
            path: "f.yml".into(),
            content: "x".into(),
        };
        assert_eq!(
            edited_text(Some(text), &[&c]),
            Err(EditError::Exists("f.yml".into()))
        );
        assert_eq!(edited_text(None, &[&c]).unwrap(), "x");
        assert_eq!(
            edited_text(None, &[&e]),
            Err(EditError::Missing("f.yml".into()))
        );
        // A multi-byte character is never split: the range no longer matches.
        let t = "é";
        let bad = FileEdit::Replace {
            path: "f.yml".into(),
            start: 0,
            end: 1,
            original: "x".into(),
            replacement: String::new(),
        };
        assert!(matches!(
            edited_text(Some(t), &[&bad]),
            Err(EditError::Stale { .. })
        ));
    }

    #[test]
    fn unified_diff_of_a_new_file_and_an_edit() {
        let d = unified_diff("SECURITY.md", None, "# Security\nmail us\n");
        assert_eq!(
            d,
            "diff --git a/SECURITY.md b/SECURITY.md\nnew file mode 100644\n--- /dev/null\n+++ b/SECURITY.md\n@@ -0,0 +1,2 @@\n+# Security\n+mail us\n"
        );
        let d = unified_diff(
            "w.yml",
            Some("on: push\njobs:\n"),
            "on: push\npermissions:\n  contents: read\njobs:\n",
        );
        assert_eq!(
            d,
            "diff --git a/w.yml b/w.yml\n--- a/w.yml\n+++ b/w.yml\n@@ -1,2 +1,4 @@\n on: push\n+permissions:\n+  contents: read\n jobs:\n"
        );
    }

    proptest::proptest! {
        /// Applying an edit and then its inverse gives the input back, byte for byte.
        #[test]
        fn edit_then_revert_is_identity(text in "[a-z#: \\n]{0,80}", a in 0usize..80, b in 0usize..80, with in "[a-z\\n]{0,12}") {
            let (s, e) = (a.min(b).min(text.len()), a.max(b).min(text.len()));
            let edit = rep(&text, s..e, &with);
            let new = edited_text(Some(&text), &[&edit]).unwrap();
            let back = FileEdit::Replace { path: "f.yml".into(), start: s, end: s + with.len(), original: with.clone(), replacement: text[s..e].to_string() };
            proptest::prop_assert_eq!(edited_text(Some(&new), &[&back]).unwrap(), text);
        }
    }
}
