//! Shared look-up for "a document of this kind exists" checks (changelog, contributing...).

use crate::Ctx;
use shipshape_facts::FileEntry;
use shipshape_facts::FileKind;
use shipshape_facts::signals::is_test_path;

/// The best file of `kind` for the unit: at the unit's root, then the repository
/// root, `.github/`, `.gitlab/` or `docs/`, then anywhere in the unit outside tests.
pub(crate) fn find<'a>(ctx: &Ctx<'a>, kind: FileKind) -> Option<&'a FileEntry> {
    let unit = ctx.unit.path.trim_end_matches('/');
    let dir = |p: &str| p.rsplit_once('/').map_or("", |(d, _)| d).to_string();
    let all: Vec<&'a FileEntry> = ctx
        .facts
        .files
        .iter()
        .filter(|f| f.kind == kind && !is_test_path(&f.path))
        .collect();
    all.iter()
        .find(|f| dir(&f.path) == unit)
        .or_else(|| {
            all.iter()
                .find(|f| matches!(dir(&f.path).as_str(), "" | ".github" | ".gitlab" | "docs"))
        })
        .or_else(|| all.iter().find(|f| ctx.in_unit(&f.path)))
        .copied()
}

/// Word count of a kept text (0 when not kept).
pub(crate) fn words(ctx: &Ctx, path: &str) -> usize {
    ctx.text(path).map_or(0, |t| t.split_whitespace().count())
}
