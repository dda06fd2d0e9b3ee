//! `security/no-committed-secrets`: the secret scanner finds nothing in the tree.

use crate::{CheckDef, CheckMeta, Ctx, SecretEvidence, Verdict};
use shipshape_model::{Area, Finding, Location, Severity};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "security/no-committed-secrets",
        title: "No secrets committed in the tree",
        area: Area::Security,
        severity: Severity::Critical,
        kinds: &[],
        applies_to: "every unit",
        rationale: "A credential in the repository is readable by everyone who can clone it, forever. Leaked keys are the most common way working services get breached.",
        evaluation: "Fails when shipshape's secret scanner (80+ credential formats plus entropy-gated generic assignments, with placeholder, example-key, hash and UUID filtering; see `shipshape secrets --help`) finds a credential in a file of the unit. Evidence shows the rule, path:line and a redacted prefix with the length — never the secret. Lines carrying `shipshape:allow`, allowlisted paths and baselined findings are not reported. `n/a` when secret scanning is switched off.",
        remediation: "Revoke and rotate the credential first (it is compromised), then remove it from the code and load it from the environment or a secret manager. Remove it from history too (git filter-repo) if the repository is shared.",
        references: &[
            "https://owasp.org/Top10/A07_2021-Identification_and_Authentication_Failures/",
            "https://cwe.mitre.org/data/definitions/798.html",
        ],
    },
    run,
};

/// Findings for secret evidence (shared with the history check).
pub(crate) fn findings(ctx: &Ctx, secrets: &[SecretEvidence]) -> Vec<Finding> {
    secrets
        .iter()
        .filter(|s| ctx.in_unit(&s.path))
        .map(|s| {
            let mut msg = format!("{} ({})", s.description, s.redacted);
            if let (Some(c), Some(d)) = (&s.commit, &s.date) {
                msg.push_str(&format!(
                    ", first committed in {} on {d}",
                    &c[..c.len().min(12)]
                ));
            }
            Finding::at(Location::line(&s.path, s.line), msg)
                .with_key(format!("{}:{}", s.rule, s.fingerprint))
        })
        .collect()
}

fn run(ctx: &Ctx) -> Verdict {
    let Some(secrets) = ctx.secrets else {
        return Verdict::not_applicable("secret scanning is off");
    };
    let found = findings(ctx, secrets);
    if found.is_empty() {
        Verdict::pass("the secret scanner found no credentials")
    } else {
        Verdict::fail(format!("{} committed secret(s)", found.len()), found)
    }
}
