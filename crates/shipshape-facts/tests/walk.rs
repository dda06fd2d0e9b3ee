//! The walk never panics and never loses a file, whatever the tree holds:
//! arbitrary names and bytes, invalid UTF-8, NUL bytes, huge lines, deep
//! directories, symlink loops and links pointing outside the root.

use proptest::prelude::*;
use shipshape_facts::{FileKind, WalkOptions, walk};
use std::fs;
use std::path::Path;

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, bytes).unwrap();
}

#[test]
fn skips_large_binary_and_linked_files_with_counted_warnings() {
    let d = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "secret.txt", b"outside");
    write(d.path(), "big.txt", &vec![b'a'; 2 * 1024 * 1024]);
    write(d.path(), "image.png", b"\x89PNG\r\n\x1a\n\0\0\0");
    write(
        d.path(),
        "deploy/app.yaml",
        b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
    );
    write(d.path(), "Cargo.lock", &vec![b'#'; 2 * 1024 * 1024]);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(
            outside.path().join("secret.txt"),
            d.path().join("escape.txt"),
        )
        .unwrap();
        std::os::unix::fs::symlink(d.path().join("loop"), d.path().join("loop")).unwrap();
        std::os::unix::fs::symlink("deploy", d.path().join("deploy-link")).unwrap();
    }
    let f = walk(d.path(), &WalkOptions::default()).unwrap();
    let big = f.files.iter().find(|x| x.path == "big.txt").unwrap();
    assert!(big.unread, "a file over the limit is listed but not read");
    let lock = f.files.iter().find(|x| x.path == "Cargo.lock").unwrap();
    assert!(!lock.unread, "lockfiles have their own, larger limit");
    assert!(
        f.files
            .iter()
            .any(|x| x.path == "deploy/app.yaml" && x.kind == FileKind::Kubernetes)
    );
    assert!(
        !f.files.iter().any(|x| x.path == "escape.txt"),
        "links never lead outside the root"
    );
    let warnings: Vec<&str> = f.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert!(
        warnings
            .iter()
            .any(|m| m.contains("larger than the size limit") && m.contains("big.txt")),
        "{warnings:?}"
    );
    #[cfg(unix)]
    {
        assert!(
            warnings
                .iter()
                .any(|m| m.contains("outside the root") && m.contains("escape.txt")),
            "{warnings:?}"
        );
        assert!(
            warnings
                .iter()
                .any(|m| m.contains("looping") && m.contains("loop")),
            "{warnings:?}"
        );
    }
    assert!(f.stats.skipped >= 2);
}

#[test]
fn respects_gitignore_excludes_and_vendored_trees() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), ".gitignore", b"generated/\n");
    write(d.path(), "generated/a.rs", b"fn a(){}");
    write(d.path(), "node_modules/x/index.js", b"x");
    write(d.path(), "fixtures/b.rs", b"fn b(){}");
    write(d.path(), "src/c.rs", b"fn c(){}");
    write(d.path(), ".git/config", b"[core]");
    // Build output marked with CACHEDIR.TAG is skipped; the tag alone elsewhere is not
    // looked for (a source directory is never asked).
    write(
        d.path(),
        "target-ci/CACHEDIR.TAG",
        b"Signature: 8a477f597d28d172789f06886806bc55",
    );
    write(d.path(), "target-ci/debug/x.rs", b"fn x(){}");
    write(
        d.path(),
        "build/CACHEDIR.TAG",
        b"Signature: 8a477f597d28d172789f06886806bc55",
    );
    write(d.path(), "build/out.js", b"x");
    let opts = WalkOptions {
        excludes: vec!["fixtures/**".into()],
        ..WalkOptions::default()
    };
    let f = walk(d.path(), &opts).unwrap();
    let paths: Vec<&str> = f.files.iter().map(|x| x.path.as_str()).collect();
    assert!(paths.contains(&"src/c.rs"));
    for gone in [
        "generated/a.rs",
        "node_modules/x/index.js",
        "fixtures/b.rs",
        ".git/config",
        "target-ci/debug/x.rs",
        "build/out.js",
    ] {
        assert!(
            !paths.contains(&gone),
            "{gone} should be skipped: {paths:?}"
        );
    }
    let with_vendored = walk(
        d.path(),
        &WalkOptions {
            include_vendored: true,
            ..WalkOptions::default()
        },
    )
    .unwrap();
    assert!(
        with_vendored
            .files
            .iter()
            .any(|x| x.path == "node_modules/x/index.js")
    );
}

#[test]
fn bad_roots_and_excludes_are_errors() {
    assert!(walk(Path::new("/nonexistent/shipshape"), &WalkOptions::default()).is_err());
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.txt", b"x");
    assert!(walk(&d.path().join("a.txt"), &WalkOptions::default()).is_err());
    let bad = WalkOptions {
        excludes: vec!["a/[".into()],
        ..WalkOptions::default()
    };
    assert!(walk(d.path(), &bad).is_err());
}

#[test]
fn deep_trees_and_huge_lines() {
    let d = tempfile::tempdir().unwrap();
    let deep: String = (0..60).map(|i| format!("d{i}/")).collect();
    write(
        d.path(),
        &format!("{deep}Dockerfile"),
        b"FROM alpine:3.20\nUSER 10001\n",
    );
    let mut huge = b"key: ".to_vec();
    huge.extend(std::iter::repeat_n(b'x', 900_000));
    write(d.path(), "one-line.yaml", &huge);
    let f = walk(d.path(), &WalkOptions::default()).unwrap();
    assert_eq!(f.files.len(), 2);
    assert_eq!(f.dockerfiles().len(), 1);
}

fn name_strategy() -> impl Strategy<Value = Vec<u8>> {
    // Any bytes except `/` and NUL (impossible in a file name), 1..40 long.
    proptest::collection::vec(
        any::<u8>().prop_filter("no / or NUL", |b| *b != b'/' && *b != 0),
        1..40,
    )
    .prop_filter("not . or ..", |n| {
        n.as_slice() != b"." && n.as_slice() != b".."
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_on_arbitrary_names_and_bytes(
        entries in proptest::collection::vec((name_strategy(), proptest::collection::vec(any::<u8>(), 0..2048)), 1..12),
        suffix in prop_oneof![Just(""), Just(".yaml"), Just(".json"), Just(".toml"), Just(".rs"), Just("Dockerfile"), Just(".github/workflows/x.yml")],
    ) {
        use std::os::unix::ffi::OsStrExt;
        let d = tempfile::tempdir().unwrap();
        let mut written = 0;
        for (name, bytes) in &entries {
            let mut n = name.clone();
            if suffix.contains('/') {
                // Put the entry where a CI definition would be.
                let p = d.path().join(".github/workflows");
                fs::create_dir_all(&p).unwrap();
                n.extend_from_slice(b".yml");
                if fs::write(p.join(std::ffi::OsStr::from_bytes(&n)), bytes).is_ok() { written += 1; }
                continue;
            }
            n.extend_from_slice(suffix.as_bytes());
            if fs::write(d.path().join(std::ffi::OsStr::from_bytes(&n)), bytes).is_ok() { written += 1; }
        }
        let f = walk(d.path(), &WalkOptions::default()).unwrap();
        // Parsed views must not panic either.
        let _ = f.dependencies();
        let _ = f.ci_files();
        let _ = f.dockerfiles();
        let _ = f.k8s_objects();
        // Names colliding after filtering may overwrite each other; nothing is lost beyond that.
        prop_assert!(f.files.len() <= written);
        prop_assert!(!f.files.is_empty() || written == 0 || entries.iter().all(|(n, _)| n.starts_with(b".")));
    }
}
