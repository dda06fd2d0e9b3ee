//! `maintenance/recently-maintained`: the repository has a recent commit.

use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_model::{Area, Finding, Severity};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "maintenance/recently-maintained",
        title: "The code was changed in the last 90 days",
        area: Area::Maintenance,
        severity: Severity::Medium,
        kinds: &[],
        scope: shipshape_model::Scope::Repository,
        applies_to: "units in a git repository",
        rationale: "Code nobody has touched for months has nobody who remembers how to build, release or fix it, and its dependencies have drifted. An old last commit is an early warning, not a verdict on quality.",
        evaluation: "Compares the committer time of HEAD (read from git metadata during the walk) with the scan time. Passes when it is at most 90 days old (a commit dated in the future counts as recent); fails when it is older, saying how old. `n/a` when the tree is not a git repository or HEAD has no commit yet. The check is repository-wide: in a monorepo a quiet unit is not told apart from an active one.",
        remediation: "If the software is still in use, give it an owner and schedule upkeep (dependency updates, a rebuild, a release); if it is retired, archive the repository and say so in the README.",
        references: &["https://github.com/ossf/scorecard/blob/main/docs/checks.md#maintained"],
    },
    run,
};

const MAX_AGE_DAYS: i64 = 90;

fn run(ctx: &Ctx) -> Verdict {
    let Some(git) = &ctx.facts.git else {
        return Verdict::not_applicable("not a git repository");
    };
    let Some(head_time) = git.head_time else {
        return Verdict::not_applicable("the repository has no commit yet");
    };
    let age_days = (ctx.now - head_time).max(0) / 86_400;
    let head = git
        .head
        .as_deref()
        .map_or("HEAD", |h| &h[..h.len().min(12)]);
    let msg = format!("last commit {head} is {age_days} day(s) old");
    if age_days <= MAX_AGE_DAYS {
        Verdict::pass_with(msg.clone(), vec![Finding::new(msg)])
    } else {
        Verdict::fail(
            format!("no commit in the last {MAX_AGE_DAYS} days (the last is {age_days} days old)"),
            vec![Finding::new(format!("{msg} (limit {MAX_AGE_DAYS})")).with_key("last-commit")],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipshape_facts::Facts;
    use shipshape_facts::git::GitFacts;
    use shipshape_model::{Outcome, Unit, UnitKind};
    use std::collections::HashMap;

    fn verdict(head_time: Option<i64>, now: i64) -> Verdict {
        let facts = Facts::from_parts(
            ".".into(),
            vec![],
            HashMap::new(),
            vec![],
            Some(GitFacts {
                head_time,
                head: Some("0123456789abcdef".into()),
                tags: vec![],
                shallow: false,
            }),
            vec![],
            Default::default(),
        );
        let unit = Unit {
            name: "u".into(),
            path: ".".into(),
            kind: UnitKind::Library,
            kind_source: "test".into(),
            tier: None,
            owner: None,
        };
        let mut ctx = crate::Ctx::basic(&facts, &unit);
        ctx.now = now;
        run(&ctx)
    }

    #[test]
    fn ninety_day_limit() {
        let day = 86_400;
        assert_eq!(
            verdict(Some(1_000 * day), 1_090 * day).outcome,
            Outcome::Pass
        );
        let v = verdict(Some(1_000 * day), 1_200 * day);
        assert_eq!(v.outcome, Outcome::Fail);
        assert!(
            v.findings[0].message.contains("200 day(s)"),
            "{}",
            v.findings[0].message
        );
        assert_eq!(
            verdict(Some(2_000 * day), 1_000 * day).outcome,
            Outcome::Pass
        );
        assert_eq!(verdict(None, 0).outcome, Outcome::NotApplicable);
        assert_eq!(
            crate::testing::run_on_files(&CHECK, &[("README.md", "x")]).outcome,
            Outcome::NotApplicable
        );
    }
}
