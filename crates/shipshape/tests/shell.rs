//! `shipshape completions` and `shipshape man` through the real binary: each
//! shell's script and the man page name every command that `--help` lists.

use assert_cmd::Command;

fn run(args: &[&str]) -> String {
    let out = Command::cargo_bin("shipshape")
        .unwrap()
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The commands `shipshape --help` lists (the part people read).
fn listed_commands() -> Vec<String> {
    let help = run(&["--help"]);
    let section = help
        .split("Commands:\n")
        .nth(1)
        .expect("--help lists commands");
    section
        .lines()
        .take_while(|l| l.starts_with("  "))
        // Wrapped descriptions are indented further than command names.
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

#[test]
fn completions_name_every_command_in_every_shell() {
    let commands = listed_commands();
    for c in ["scan", "secrets", "completions", "man", "serve"] {
        assert!(
            commands.iter().any(|x| x == c),
            "--help lists {c}: {commands:?}"
        );
    }
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = run(&["completions", shell]);
        for c in &commands {
            assert!(script.contains(c.as_str()), "{shell} lacks `{c}`");
        }
    }
    // bash: a function registered with `complete`.
    assert!(run(&["completions", "bash"]).contains("complete -F _shipshape"));
}

#[test]
fn unknown_shell_is_a_usage_error() {
    let out = Command::cargo_bin("shipshape")
        .unwrap()
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("possible values"));
}

#[test]
fn man_page_is_roff_and_names_every_command() {
    let page = run(&["man"]);
    assert!(
        page.contains(".TH shipshape 1"),
        "{}",
        &page[..200.min(page.len())]
    );
    for c in listed_commands() {
        assert!(page.contains(&c), "man page lacks `{c}`");
    }
}
