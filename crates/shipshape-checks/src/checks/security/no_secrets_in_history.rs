//! `security/no-secrets-in-history`: no secret in any reachable commit.

use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_model::{Area, Severity};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "security/no-secrets-in-history",
        title: "No secrets anywhere in git history",
        area: Area::Security,
        severity: Severity::High,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "git repositories, when history scanning is on (`--history` or `[secrets] history = true`)",
        rationale: "Deleting a secret in a later commit does not remove it: every clone still has it. A key that was ever committed must be treated as leaked.",
        evaluation: "Scans every blob reachable from any ref exactly once (deduplicated by blob id) with the same rules as the tree scan, and reports the commit, date and path where each secret first appeared. Fails on any finding, except that generic assignments, key blocks and URI passwords found only in test code, examples or documentation warn (as in `security/no-committed-secrets`); With `shipshape secrets --since REV` only the blobs that the commits in `REV..HEAD` introduced are scanned (a pull request gate). `n/a` when history scanning is off or the tree is not a git repository.",
        remediation: "Rotate every reported credential. Then rewrite history (git filter-repo --replace-text) and force-push, or accept the risk with a waiver once the credential is revoked.",
        references: &[
            "https://docs.github.com/authentication/keeping-your-account-and-data-secure/removing-sensitive-data-from-a-repository",
        ],
    },
    run,
};

fn run(ctx: &Ctx) -> Verdict {
    if ctx.facts.git.is_none() {
        return Verdict::not_applicable("not a git repository");
    }
    let Some(secrets) = ctx.history_secrets else {
        return Verdict::not_applicable("history scanning is off (use --history)");
    };
    if let Some(since) = ctx.history_since {
        let what = format!("secret(s) in the commits of {since}..HEAD");
        return super::no_committed_secrets::verdict(ctx, CHECK.meta.id, secrets, &what)
            .unwrap_or_else(|| {
                Verdict::pass(format!("no secret in the commits of {since}..HEAD"))
            });
    }
    super::no_committed_secrets::verdict(ctx, CHECK.meta.id, secrets, "secret(s) in git history")
        .unwrap_or_else(|| Verdict::pass("no secret in any reachable commit"))
}
