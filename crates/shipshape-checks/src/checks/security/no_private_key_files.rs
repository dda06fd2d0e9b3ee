//! `security/no-private-key-files`: no private keys or keystores committed outside test fixtures.

use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::FileKind;
use shipshape_model::{Area, Finding, Location, Severity};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "security/no-private-key-files",
        title: "No private keys or keystores are committed",
        area: Area::Security,
        severity: Severity::Critical,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "every unit",
        rationale: "A private key in a repository is readable by everyone who ever clones it, forever: rotating it is the only fix. TLS, SSH and signing keys belong in a secret store, mounted at run time.",
        evaluation: "Looks at every key-material file of the unit outside test code and fixtures (tests/, testdata/, fixtures/, spec/..., and a key named for localhost or as a development or self-signed key — `localhost.pem`, `dev-*.key`, `*snakeoil*` — which only a local set-up can use, since no certificate authority issues a certificate for localhost). Fails for SSH private keys by name (id_rsa, id_dsa, id_ecdsa, id_ed25519), for keystores (*.p12, *.pfx, *.jks, *.keystore, *.ppk) unless the name says truststore/cacerts, and for *.pem/*.key files that contain a `-----BEGIN ... PRIVATE KEY-----` block (RSA, EC, DSA, OpenSSH, PKCS#8, encrypted or PGP), each at the line of the block. A binary *.key is treated as a private key. A *.pem holding only certificates or public keys passes; a *.pem that could not be read (too large or binary) warns. Passes when nothing is found.",
        remediation: "Remove the key from the repository (and from history with git filter-repo), rotate it, add the pattern to .gitignore, and load the key at run time from a secret store (Kubernetes Secret, Vault, cloud KMS). Test keys belong under tests/ or testdata/.",
        references: &[
            "https://cwe.mitre.org/data/definitions/321.html",
            "https://docs.github.com/authentication/keeping-your-account-and-data-secure/removing-sensitive-data-from-a-repository",
        ],
    },
    run,
};

const SSH_KEY_NAMES: &[&str] = &["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"];
const KEYSTORE_EXTS: &[&str] = &["p12", "pfx", "jks", "keystore", "ppk"];

/// The line (1-based) and label of the first private-key block in PEM text.
fn private_key_block(text: &str) -> Option<(u32, String)> {
    text.lines().enumerate().find_map(|(i, l)| {
        let t = l.trim();
        let label = t.strip_prefix("-----BEGIN ")?.strip_suffix("-----")?;
        (label.ends_with("PRIVATE KEY") || label == "PGP PRIVATE KEY BLOCK")
            .then(|| (i as u32 + 1, label.to_string()))
    })
}

fn run(ctx: &Ctx) -> Verdict {
    let mut bad = Vec::new();
    let mut unsure = Vec::new();
    let mut reviewed = 0usize;
    for f in ctx
        .files()
        .filter(|f| f.kind == FileKind::KeyMaterial && !f.in_test)
    {
        reviewed += 1;
        let lower = f.path.to_ascii_lowercase();
        let name = lower.rsplit('/').next().unwrap_or(&lower);
        let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
        if SSH_KEY_NAMES.contains(&name) {
            bad.push(
                Finding::at(Location::file(&f.path), "SSH private key file committed")
                    .with_key("ssh-key"),
            );
            continue;
        }
        if KEYSTORE_EXTS.contains(&ext) {
            if name.contains("truststore") || name.contains("cacerts") {
                continue;
            }
            bad.push(
                Finding::at(
                    Location::file(&f.path),
                    format!("`.{ext}` keystore committed (keystores hold private keys)"),
                )
                .with_key("keystore"),
            );
            continue;
        }
        match ctx.text(&f.path) {
            Some(text) => {
                if let Some((line, label)) = private_key_block(text) {
                    bad.push(
                        Finding::at(
                            Location::line(&f.path, line),
                            format!("`{label}` block committed"),
                        )
                        .with_snippet(format!("-----BEGIN {label}-----"))
                        .with_key(label),
                    );
                }
            }
            None if ext == "key" && !f.unread => bad.push(
                Finding::at(
                    Location::file(&f.path),
                    "binary `.key` file committed (a DER private key)",
                )
                .with_key("binary-key"),
            ),
            None => unsure.push(
                Finding::at(
                    Location::file(&f.path),
                    if f.unread {
                        "key-material file too large to read: check it holds no private key"
                    } else {
                        "binary key-material file: check it holds no private key"
                    },
                )
                .with_key("unreadable"),
            ),
        }
    }
    if !bad.is_empty() {
        Verdict::fail(
            format!("{} private key or keystore file(s) committed", bad.len()),
            bad,
        )
    } else if !unsure.is_empty() {
        Verdict::warn(
            format!(
                "{} key-material file(s) could not be inspected",
                unsure.len()
            ),
            unsure,
        )
    } else if reviewed == 0 {
        Verdict::pass("no key-material files outside tests")
    } else {
        Verdict::pass(format!(
            "{reviewed} key-material file(s) hold certificates or public keys only"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    const CERT: &str = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

    #[test]
    fn private_key_blocks_fail_at_their_line() {
        let pem =
            format!("{CERT}-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n");
        let v = run_on_files(&CHECK, &[("deploy/tls/server.pem", &pem)]);
        assert_eq!(v.outcome, Outcome::Fail);
        let loc = v.findings[0].location.as_ref().unwrap();
        assert_eq!(
            (loc.path.as_str(), loc.line),
            ("deploy/tls/server.pem", Some(4))
        );
        assert!(v.findings[0].message.contains("RSA PRIVATE KEY"));
        let v = run_on_files(
            &CHECK,
            &[("k.key", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n")],
        );
        assert_eq!(v.outcome, Outcome::Fail);
    }

    #[test]
    fn certificates_public_keys_and_test_fixtures_pass() {
        let pubkey = "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n";
        let v = run_on_files(
            &CHECK,
            &[
                ("certs/ca.pem", CERT),
                ("certs/signing.pub.pem", pubkey),
                ("config/truststore.jks", "x"),
                (
                    "tests/data/server.key",
                    "-----BEGIN PRIVATE KEY-----\nMIIE\n",
                ),
                ("src/testdata/id_rsa", "-----BEGIN RSA PRIVATE KEY-----\n"),
            ],
        );
        assert_eq!(v.outcome, Outcome::Pass, "{:?}", v.findings);
        assert!(v.summary.contains("3 key-material"), "{}", v.summary);
    }

    #[test]
    fn ssh_keys_and_keystores_fail_by_name() {
        let v = run_on_files(
            &CHECK,
            &[("ops/id_ed25519", "x"), ("app/release.keystore", "x")],
        );
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings.len(), 2);
        assert_eq!(
            v.findings[0].location.as_ref().unwrap().path,
            "app/release.keystore"
        );
    }
}
