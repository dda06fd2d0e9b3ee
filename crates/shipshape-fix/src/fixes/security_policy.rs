//! `security-policy`: creates `SECURITY.md` for `security/policy-present`.
//!
//! **Creates** `SECURITY.md` at the repository root when no security policy exists
//! where the check looks (root, `.github/`, `.gitlab/`, `docs/`, the unit's root).
//! **Safe**: it only adds a file.
//!
//! The reporting channel is one the repository already names, in this order:
//! 1. an e-mail address on a line of the README, CONTRIBUTING or other docs that
//!    speaks of security, vulnerabilities or disclosure (a `security@` address first);
//! 2. a GitHub security advisory link (`…/security/advisories/new`) in those docs;
//! 3. the GitHub repository a manifest names (`repository` in Cargo.toml,
//!    package.json, pyproject.toml…): GitHub private vulnerability reporting there,
//!    which a maintainer must switch on in the repository's settings (the fix says so).
//!
//! When none is found, the policy carries a placeholder marked
//! `<!-- shipshape:placeholder -->`, which `security/policy-present` keeps flagging
//! (warn) until someone names a channel. Supported versions come from the latest
//! release tag when there is one.

use super::FixDef;
use crate::{Applicability, FileEdit, Fix, FixCtx};
use shipshape_facts::FileKind;
use std::sync::LazyLock;

pub static FIX: FixDef = FixDef {
    check_id: "security/policy-present",
    name: "security-policy",
    title: "Create SECURITY.md naming the reporting channel the repository already uses",
    generate,
};

/// The marker `security/policy-present` recognises as "no channel named yet".
pub const PLACEHOLDER: &str = "<!-- shipshape:placeholder -->";

static EMAIL: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
        .expect("valid regex")
});
static ADVISORIES: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"https://github\.com/[\w.-]+/[\w.-]+/security/advisories(?:/new)?")
        .expect("valid regex")
});
static GITHUB_REPO: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"github\.com[/:]([A-Za-z0-9][\w-]*)/([\w.-]+?)(?:\.git)?(?:[\x22'/#\s]|$)")
        .expect("valid regex")
});

/// Where the channel was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Channel {
    Email { address: String, at: String },
    Advisories { url: String, at: String },
    Repository { slug: String, at: String },
    None,
}

fn is_security_line(line: &str) -> bool {
    let l = line.to_ascii_lowercase();
    ["security", "vulnerab", "disclos", "cve"]
        .iter()
        .any(|w| l.contains(w))
}

fn is_example_address(a: &str) -> bool {
    let domain = a.rsplit('@').next().unwrap_or("").to_ascii_lowercase();
    domain.ends_with("example.com")
        || domain.ends_with("example.org")
        || domain.ends_with("example")
        || domain.contains("noreply")
        || domain.ends_with(".png")
        || domain.ends_with(".svg")
}

/// The reporting channel the repository names (see the module docs for the order).
pub(crate) fn find_channel(ctx: &FixCtx) -> Channel {
    let docs: Vec<&str> = ctx
        .facts
        .files
        .iter()
        .filter(|f| {
            matches!(
                f.kind,
                FileKind::Readme | FileKind::Contributing | FileKind::Doc
            ) && !f.in_test
        })
        .map(|f| f.path.as_str())
        .collect();
    let mut best: Option<(bool, String, String)> = None;
    for path in &docs {
        let Some(text) = ctx.facts.text(path) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            if !is_security_line(line) {
                continue;
            }
            for m in EMAIL.find_iter(line) {
                let a = m.as_str().trim_end_matches('.');
                if is_example_address(a) {
                    continue;
                }
                let preferred = a.to_ascii_lowercase().starts_with("security");
                if best.as_ref().is_none_or(|(p, _, _)| preferred && !p) {
                    best = Some((preferred, a.to_string(), format!("{path}:{}", i + 1)));
                }
            }
        }
    }
    if let Some((_, address, at)) = best {
        return Channel::Email { address, at };
    }
    for path in &docs {
        if let Some(text) = ctx.facts.text(path)
            && let Some(m) = ADVISORIES.find(text)
        {
            let line = text[..m.start()].matches('\n').count() + 1;
            let url = if m.as_str().ends_with("/new") {
                m.as_str().to_string()
            } else {
                format!("{}/new", m.as_str())
            };
            return Channel::Advisories {
                url,
                at: format!("{path}:{line}"),
            };
        }
    }
    for f in ctx
        .facts
        .files
        .iter()
        .filter(|f| matches!(f.kind, FileKind::Manifest(_)) && !f.in_test)
    {
        let Some(text) = ctx.facts.text(&f.path) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            let l = line.to_ascii_lowercase();
            if !(l.contains("repository") || l.contains("url") || l.contains("source")) {
                continue;
            }
            if let Some(c) = GITHUB_REPO.captures(line) {
                let repo = c[2].trim_end_matches(".git");
                return Channel::Repository {
                    slug: format!("{}/{repo}", &c[1]),
                    at: format!("{}:{}", f.path, i + 1),
                };
            }
        }
    }
    Channel::None
}

/// The newest release tag (highest version-looking tag), if any.
pub(crate) fn latest_release(ctx: &FixCtx) -> Option<String> {
    let git = ctx.facts.git.as_ref()?;
    let key = |t: &str| -> Option<Vec<u64>> {
        let v = t.trim_start_matches(|c: char| !c.is_ascii_digit());
        let nums: Option<Vec<u64>> = v
            .split(['.', '-', '+'])
            .take(3)
            .map(|p| p.parse().ok())
            .collect();
        nums.filter(|n| !n.is_empty())
    };
    git.tags
        .iter()
        .filter(|t| !t.contains("rc") && !t.contains("beta") && !t.contains("alpha"))
        .filter_map(|t| Some((key(t)?, t.clone())))
        .max()
        .map(|(_, t)| t)
}

/// The policy text for a channel.
pub(crate) fn policy(channel: &Channel, latest: Option<&str>) -> String {
    let how = match channel {
        Channel::Email { address, .. } => {
            format!("Please report it privately by e-mail to **{address}**, not in a public issue.")
        }
        Channel::Advisories { url, .. } => format!(
            "Please report it privately through GitHub's private vulnerability reporting: {url} (not in a public issue)."
        ),
        Channel::Repository { slug, .. } => format!(
            "Please report it privately through GitHub's private vulnerability reporting: https://github.com/{slug}/security/advisories/new (not in a public issue)."
        ),
        Channel::None => format!(
            "{PLACEHOLDER}\nREPLACE THIS LINE with a private reporting channel (a security e-mail address, or GitHub private vulnerability reporting), then delete the marker above. Please do not report vulnerabilities in public issues."
        ),
    };
    let versions = match latest {
        Some(t) => format!(
            "Security fixes go into the latest release ({t}) and the default branch. Older releases are fixed when the maintainers decide the risk warrants it."
        ),
        None => "Security fixes go into the default branch and the next release.".to_string(),
    };
    format!(
        "# Security policy\n\n## Supported versions\n\n{versions}\n\n## Reporting a vulnerability\n\nIf you believe you have found a security vulnerability, {how}\n\nInclude what you found, how to reproduce it and what an attacker could do with it. We acknowledge a report within five working days, keep you informed while we work on a fix, and credit you in the release notes unless you prefer otherwise.\n"
    )
}

fn generate(ctx: &FixCtx) -> Vec<Fix> {
    // A warning means a stub policy exists: rewriting it is for people.
    if ctx.result.outcome != shipshape_model::Outcome::Fail || ctx.facts.exists("SECURITY.md") {
        return Vec::new();
    }
    let channel = find_channel(ctx);
    let latest = latest_release(ctx);
    let description = match &channel {
        Channel::Email { address, at } => {
            format!("create SECURITY.md naming {address} (the address {at} gives for security reports)")
        }
        Channel::Advisories { url, at } => {
            format!("create SECURITY.md pointing to {url} (linked from {at})")
        }
        Channel::Repository { slug, at } => format!(
            "create SECURITY.md pointing to GitHub private vulnerability reporting for {slug} (the repository {at} names); switch it on under Settings → Code security"
        ),
        Channel::None => "create SECURITY.md with a placeholder channel: no security e-mail, advisory link or GitHub repository is named anywhere, so security/policy-present keeps warning until you name one".to_string(),
    };
    let description = match &latest {
        Some(t) => format!("{description}; supported version from tag {t}"),
        None => description,
    };
    vec![ctx.fix(
        Applicability::Safe,
        description,
        vec![FileEdit::Create {
            path: "SECURITY.md".into(),
            content: policy(&channel, latest.as_deref()),
        }],
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Inputs;
    use crate::testing::{applied, facts, fixes_for};
    use shipshape_facts::Facts;
    use shipshape_model::Outcome;

    fn run(files: &[(&str, &str)]) -> (Outcome, Vec<Fix>, Outcome) {
        let f = Facts::from_memory(files);
        let (before, fixes) = fixes_for(&FIX, &f, &Inputs::default());
        let after = facts(&applied(files, &fixes));
        let (after, _) = fixes_for(&FIX, &after, &Inputs::default());
        (before, fixes, after)
    }

    fn content(fix: &Fix) -> &str {
        match &fix.edits[0] {
            FileEdit::Create { content, .. } => content,
            FileEdit::Replace { .. } => panic!("a create"),
        }
    }

    #[test]
    fn the_security_address_of_the_readme_wins() {
        let readme = "# acme\n\nQuestions: hello@acme.io\n\n## Security\nReport security issues to security@acme.io please.\n";
        let (before, fixes, after) = run(&[("README.md", readme)]);
        assert_eq!(before, Outcome::Fail);
        assert_eq!(fixes.len(), 1);
        assert_eq!(fixes[0].applicability, Applicability::Safe);
        assert!(
            content(&fixes[0]).contains("**security@acme.io**"),
            "{}",
            content(&fixes[0])
        );
        assert!(!content(&fixes[0]).contains("hello@"));
        assert!(
            fixes[0].description.contains("README.md:6"),
            "{}",
            fixes[0].description
        );
        assert_eq!(after, Outcome::Pass);
    }

    #[test]
    fn advisories_link_then_repository_then_placeholder() {
        let (_, f, after) = run(&[(
            "CONTRIBUTING.md",
            "Found a bug? Open an issue. Vulnerabilities: https://github.com/acme/rocket/security/advisories\n",
        )]);
        assert!(content(&f[0]).contains("https://github.com/acme/rocket/security/advisories/new"));
        assert_eq!(after, Outcome::Pass);
        let (_, f, after) = run(&[(
            "Cargo.toml",
            "[package]\nname = \"rocket\"\nrepository = \"https://github.com/acme/rocket\"\n",
        )]);
        assert!(
            content(&f[0]).contains("https://github.com/acme/rocket/security/advisories/new"),
            "{}",
            content(&f[0])
        );
        assert!(f[0].description.contains("Cargo.toml:3"));
        assert_eq!(after, Outcome::Pass);
        // Nothing named: a placeholder that the check still flags.
        let (_, f, after) = run(&[("README.md", "# tool\nContact: bob@acme.io\n")]);
        assert!(content(&f[0]).contains(PLACEHOLDER));
        assert!(
            !content(&f[0]).contains("bob@acme.io"),
            "a non-security address is not a channel"
        );
        assert_eq!(after, Outcome::Warn);
    }

    #[test]
    fn an_existing_policy_is_left_alone() {
        let (before, fixes, _) = run(&[("SECURITY.md", "# Security\nTODO\n")]);
        assert_eq!(before, Outcome::Warn);
        assert!(fixes.is_empty());
        let (before, fixes, _) = run(&[(".github/SECURITY.md", "# Security\n")]);
        assert_eq!(before, Outcome::Warn);
        assert!(fixes.is_empty());
    }
}
