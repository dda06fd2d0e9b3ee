//! `git::dirty`: what `shipshape fix --write` refuses to mix its changes with, as
//! `git status` lists it.

use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) -> bool {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Ann Dev")
        .env("GIT_AUTHOR_EMAIL", "ann@example.com")
        .env("GIT_COMMITTER_NAME", "Ann Dev")
        .env("GIT_COMMITTER_EMAIL", "ann@example.com")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn write(root: &Path, path: &str, text: &str) {
    let p = root.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

#[test]
fn modified_staged_deleted_and_untracked_but_not_ignored_or_nested() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for (p, t) in [
        (".gitignore", "target/\n"),
        ("a.txt", "a\n"),
        ("b.txt", "b\n"),
        ("c.txt", "c\n"),
        ("sub/d.txt", "d\n"),
    ] {
        write(root, p, t);
    }
    if !git(root, &["init", "-q", "-b", "main"]) {
        eprintln!("git is not installed: skipping");
        return;
    }
    assert!(git(root, &["add", "-A"]));
    assert!(git(root, &["commit", "-q", "-m", "start"]));
    assert_eq!(
        shipshape_facts::git::dirty(root).unwrap(),
        Vec::<String>::new()
    );

    write(root, "a.txt", "changed\n");
    write(root, "b.txt", "staged\n");
    assert!(git(root, &["add", "b.txt"]));
    std::fs::remove_file(root.join("c.txt")).unwrap();
    write(root, "new.txt", "untracked\n");
    write(root, "target/out.bin", "ignored\n");
    // ripgrep's `.ignore` files are not git's: what they name is still a change.
    write(root, ".ignore", "seen.txt\n");
    write(root, "seen.txt", "untracked\n");
    // A nested repository is its own work tree.
    write(root, "vendor/lib/x.txt", "x\n");
    assert!(git(&root.join("vendor/lib"), &["init", "-q"]));
    assert_eq!(
        shipshape_facts::git::dirty(root).unwrap(),
        [".ignore", "a.txt", "b.txt", "c.txt", "new.txt", "seen.txt"]
    );
    // Scanning a subdirectory: only its changes, relative to it.
    write(root, "sub/e.txt", "e\n");
    assert_eq!(
        shipshape_facts::git::dirty(&root.join("sub")).unwrap(),
        ["e.txt"]
    );
    // Outside a repository nothing is dirty.
    let plain = tempfile::tempdir().unwrap();
    write(plain.path(), "x", "x");
    assert!(
        shipshape_facts::git::dirty(plain.path())
            .unwrap()
            .is_empty()
    );
}
