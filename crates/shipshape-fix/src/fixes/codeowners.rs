//! `codeowners`: creates `CODEOWNERS` from git history for `ownership/codeowners`.
//!
//! **Creates** `.github/CODEOWNERS` (or `CODEOWNERS` at the root when the repository
//! has no `.github/`) when the check finds no CODEOWNERS file. **Safe**: it only adds
//! a file, which reviewers then confirm.
//!
//! Owners come from the commits of the last year that reach HEAD (merges left out),
//! read once by the facts crate ([`shipshape_facts::git::authorship`]):
//! - the catch-all `*` lists the people with the most commits overall;
//! - each top-level directory whose most frequent authors differ from the catch-all's
//!   gets its own line with them.
//!
//! A person is written as the commits carry them: `@handle` for a GitHub noreply
//! address (`123+handle@users.noreply.github.com`), the e-mail address otherwise. An
//! address is never invented: bots and addresses GitHub cannot resolve (no domain,
//! `localhost`) are skipped, and a path left with nobody is skipped with a comment
//! saying why. Without git history (not a repository, or no commit in the window) there
//! is nothing to infer and the fix says so instead of guessing.

use super::FixDef;
use crate::{Applicability, FileEdit, Fix, FixCtx};
use shipshape_facts::git::{Author, Authorship};

pub static FIX: FixDef = FixDef {
    check_id: "ownership/codeowners",
    name: "codeowners",
    title: "Create CODEOWNERS naming who changed each top-level path most in the last year",
    generate,
};

/// How far back the history counts: one year.
pub const WINDOW_SECONDS: i64 = 365 * 86_400;

/// At most this many owners per line.
const MAX_OWNERS: usize = 3;

const LOCATIONS: &[&str] = &[
    "CODEOWNERS",
    ".github/CODEOWNERS",
    "docs/CODEOWNERS",
    ".gitlab/CODEOWNERS",
];

/// How CODEOWNERS can name this author, or why it cannot.
pub(crate) fn owner_of(a: &Author) -> Result<String, String> {
    let email = a.email.trim();
    let lower = email.to_ascii_lowercase();
    if lower.contains("[bot]") || a.name.ends_with("[bot]") {
        return Err(format!("{} is a bot", a.name));
    }
    if let Some(local) = lower.strip_suffix("@users.noreply.github.com") {
        let handle = local.rsplit('+').next().unwrap_or(local);
        let original =
            &email[email.len() - lower.len() + (local.len() - handle.len())..][..handle.len()];
        if !handle.is_empty() {
            return Ok(format!("@{original}"));
        }
    }
    let domain = lower.rsplit_once('@').map_or("", |(_, d)| d);
    if !domain.contains('.')
        || domain == "localhost"
        || domain.ends_with(".local")
        || domain.ends_with(".localdomain")
        || domain.contains("noreply")
        || email.contains(char::is_whitespace)
    {
        return Err(format!(
            "{} <{email}> has no address GitHub can resolve",
            a.name
        ));
    }
    Ok(email.to_string())
}

/// The owners of a ranked author list: up to [`MAX_OWNERS`] resolvable people with at
/// least a quarter of the top author's commits; and why others were left out.
fn owners(authors: &[Author]) -> (Vec<String>, Vec<String>) {
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    let top = authors.first().map_or(0, |a| a.commits);
    for a in authors {
        if out.len() == MAX_OWNERS || a.commits * 4 < top {
            break;
        }
        match owner_of(a) {
            Ok(o) if !out.contains(&o) => out.push(o),
            Ok(_) => {}
            Err(why) => skipped.push(why),
        }
    }
    (out, skipped)
}

/// The CODEOWNERS text for a history, with the notes on what was skipped. `dirs` are
/// the top-level directories of the tree today.
pub(crate) fn codeowners(h: &Authorship, dirs: &[&str]) -> (Option<String>, Vec<String>) {
    let mut notes = Vec::new();
    let (all, skipped) = owners(&h.overall);
    if all.is_empty() {
        notes.push(match skipped.first() {
            Some(why) => format!("no catch-all owner: {why}"),
            None => "no commit in the last year: nothing to infer owners from".to_string(),
        });
        return (None, notes);
    }
    let mut lines = vec![format!("* {}", all.join(" "))];
    for dir in dirs {
        let Some(authors) = h.by_path.get(*dir) else {
            continue; // unchanged in a year: the catch-all owns it
        };
        let (own, skipped) = owners(authors);
        if own.is_empty() {
            let why = skipped.join("; ");
            lines.push(format!("# /{dir}/ skipped: {why}"));
            notes.push(format!("/{dir}/ skipped: {why}"));
        } else if own != all {
            lines.push(format!("/{dir}/ {}", own.join(" ")));
        }
    }
    let shallow = if h.shallow {
        "\n# This clone is shallow: older commits were not seen."
    } else {
        ""
    };
    let text = format!(
        "# Code owners, proposed by `shipshape fix` from the git history of the last year\n\
         # ({} commits): each path lists the people who changed it most. Replace people\n\
         # with teams (@org/team) where a team owns the path. The last matching line wins.{shallow}\n\n{}\n",
        h.commits,
        lines.join("\n")
    );
    (Some(text), notes)
}

fn generate(ctx: &FixCtx) -> Vec<Fix> {
    if LOCATIONS.iter().any(|p| ctx.facts.exists(p)) {
        // A CODEOWNERS exists (malformed or partial): editing people's rules is for people.
        return Vec::new();
    }
    let history = match &ctx.inputs.authorship {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            ctx.note(format!(
                "git history could not be read ({e}): owners are never guessed"
            ));
            return Vec::new();
        }
        None => {
            ctx.note("not a git repository: CODEOWNERS needs history to name owners, and owners are never guessed");
            return Vec::new();
        }
    };
    let mut dirs: Vec<&str> = ctx
        .facts
        .files
        .iter()
        .filter_map(|f| f.path.split_once('/').map(|(d, _)| d))
        .collect();
    dirs.dedup();
    let (text, notes) = codeowners(history, &dirs);
    for n in notes {
        ctx.note(n);
    }
    let Some(text) = text else {
        return Vec::new();
    };
    let path = if ctx.facts.files_with_prefix(".github/").is_empty() {
        "CODEOWNERS"
    } else {
        ".github/CODEOWNERS"
    };
    let rules = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .count();
    vec![ctx.fix(
        Applicability::Safe,
        format!(
            "create {path} with {rules} rule(s) from {} commit(s) of the last year",
            history.commits
        ),
        vec![FileEdit::Create {
            path: path.into(),
            content: text,
        }],
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Inputs;
    use crate::testing::{applied, outcome, run_fix};
    use shipshape_facts::Facts;
    use shipshape_model::Outcome;

    fn author(name: &str, email: &str, commits: u32) -> Author {
        Author {
            name: name.into(),
            email: email.into(),
            commits,
        }
    }

    #[test]
    fn owners_are_what_the_commits_carry() {
        assert_eq!(
            owner_of(&author("Ann", "123+AnnDev@users.noreply.github.com", 1)),
            Ok("@AnnDev".into())
        );
        assert_eq!(
            owner_of(&author("Ann", "ann@users.noreply.github.com", 1)),
            Ok("@ann".into())
        );
        assert_eq!(
            owner_of(&author("Bo", "bo@acme.io", 1)),
            Ok("bo@acme.io".into())
        );
        assert!(owner_of(&author("root", "root@localhost", 1)).is_err());
        assert!(owner_of(&author("ci", "ci@buildhost", 1)).is_err());
        assert!(
            owner_of(&author(
                "dependabot[bot]",
                "49699333+dependabot[bot]@users.noreply.github.com",
                1
            ))
            .is_err()
        );
    }

    #[test]
    fn the_catch_all_and_the_directories_that_differ() {
        let mut h = Authorship {
            overall: vec![
                author("Ann", "ann@acme.io", 10),
                author("Bo", "bo@acme.io", 4),
                author("Cy", "cy@acme.io", 1),
            ],
            commits: 15,
            ..Default::default()
        };
        h.by_path
            .insert("web".into(), vec![author("Bo", "bo@acme.io", 4)]);
        h.by_path.insert(
            "src".into(),
            vec![
                author("Ann", "ann@acme.io", 9),
                author("Bo", "bo@acme.io", 2),
            ],
        );
        h.by_path
            .insert("ops".into(), vec![author("root", "root@localhost", 3)]);
        let (text, notes) = codeowners(&h, &["ops", "src", "web"]);
        let text = text.unwrap();
        assert!(text.contains("\n* ann@acme.io bo@acme.io\n"), "{text}");
        assert!(text.contains("\n/web/ bo@acme.io\n"), "{text}");
        assert!(
            text.contains("# /ops/ skipped: root <root@localhost> has no address"),
            "{text}"
        );
        assert!(text.contains("/src/ ann@acme.io\n"), "{text}");
        assert!(
            !text.contains("cy@"),
            "a quarter of the top author's commits at least"
        );
        assert_eq!(notes.len(), 1);
        let empty = Authorship::default();
        let (text, notes) = codeowners(&empty, &[]);
        assert!(text.is_none());
        assert!(notes[0].contains("no commit"));
    }

    #[test]
    fn fail_then_pass_and_no_history_no_guess() {
        let files = [
            (".github/workflows/ci.yml", "on: push\n"),
            ("src/main.rs", "fn main() {}\n"),
        ];
        let facts = Facts::from_memory(&files);
        let inputs = Inputs {
            authorship: Some(Ok(Authorship {
                overall: vec![author("Ann", "ann@acme.io", 3)],
                commits: 3,
                ..Default::default()
            })),
        };
        let (before, fixes, _) = run_fix(&FIX, &facts, &inputs);
        assert_eq!(before, Outcome::Fail);
        assert_eq!(fixes[0].edits[0].path(), ".github/CODEOWNERS");
        assert_eq!(outcome(&FIX, &applied(&files, &fixes)), Outcome::Pass);
        let (_, fixes, notes) = run_fix(&FIX, &facts, &Inputs::default());
        assert!(fixes.is_empty());
        assert!(notes[0].contains("never guessed"), "{notes:?}");
    }
}
