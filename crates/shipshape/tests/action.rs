//! The GitHub Action's install-and-run script (`scripts/action.sh`, which calls
//! `scripts/install.sh`) against a "release" directory built here from the test
//! binary: no network. Checks the job summary, the annotations, the SARIF file and
//! the outputs it writes, and that a wrong checksum is refused.

use sha2::{Digest, Sha256};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The target name `install.sh` picks on this machine, or None where no release is built.
fn release_target() -> Option<String> {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "x86_64",
        "aarch64" => "aarch64",
        _ => return None,
    };
    match std::env::consts::OS {
        "linux" => Some(format!("{arch}-unknown-linux-musl")),
        "macos" => Some(format!("{arch}-apple-darwin")),
        _ => None,
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A release directory: `shipshape-<target>.tar.gz` holding the built binary, and SHA256SUMS.
fn release_dir(root: &Path, target: &str, corrupt: bool) -> PathBuf {
    let stage = root.join("stage").join(format!("shipshape-{target}"));
    fs::create_dir_all(&stage).unwrap();
    fs::copy(env!("CARGO_BIN_EXE_shipshape"), stage.join("shipshape")).unwrap();
    let dir = root.join("release");
    fs::create_dir_all(&dir).unwrap();
    let archive = format!("shipshape-{target}.tar.gz");
    let status = Command::new("tar")
        .arg("-czf")
        .arg(dir.join(&archive))
        .arg("-C")
        .arg(root.join("stage"))
        .arg(format!("shipshape-{target}"))
        .status()
        .expect("tar runs");
    assert!(status.success());
    let mut sum = sha256_hex(&fs::read(dir.join(&archive)).unwrap());
    if corrupt {
        sum = sha256_hex(b"something else");
    }
    fs::write(
        dir.join("SHA256SUMS"),
        format!(
            "{}  shipshape-other.tar.gz\n{sum}  {archive}\n",
            "0".repeat(64)
        ),
    )
    .unwrap();
    dir
}

/// A small repository with a gap the scan reports at a line: an unpinned action.
fn scanned_repo(root: &Path) -> PathBuf {
    let repo = root.join("repo");
    fs::create_dir_all(repo.join(".github/workflows")).unwrap();
    fs::write(repo.join("README.md"), "# demo\n\nA demo.\n").unwrap();
    fs::write(
        repo.join(".github/workflows/ci.yml"),
        "name: ci\non: push\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: make test\n",
    )
    .unwrap();
    repo
}

struct Run {
    out: Output,
    summary: String,
    outputs: String,
    runner_temp: PathBuf,
}

fn run_action(root: &Path, release: &Path, repo: &Path) -> Run {
    let runner_temp = root.join("runner-temp");
    fs::create_dir_all(&runner_temp).unwrap();
    let summary = root.join("step-summary.md");
    let outputs = root.join("github-output");
    fs::write(&summary, "").unwrap();
    fs::write(&outputs, "").unwrap();
    let out = Command::new("bash")
        .arg(repo_root().join("scripts/action.sh"))
        .current_dir(repo)
        .env("SHIPSHAPE_RELEASE_BASE", release)
        .env("RUNNER_TEMP", &runner_temp)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_OUTPUT", &outputs)
        .env("GITHUB_ACTION_REF", "v0.1.0")
        .env("SHIPSHAPE_DB", "/nonexistent-shipshape-db")
        .env("INPUT_PATH", ".")
        .env("INPUT_MIN_LEVEL", "gold")
        .env("INPUT_FORMATS", "json, gitlab")
        .env_remove("SHIPSHAPE_VERSION")
        .env_remove("SHIPSHAPE_INSTALL_DIR")
        .output()
        .expect("bash runs");
    Run {
        out,
        summary: fs::read_to_string(summary).unwrap(),
        outputs: fs::read_to_string(outputs).unwrap(),
        runner_temp,
    }
}

#[test]
fn the_action_installs_a_verified_binary_and_reports_summary_annotations_and_sarif() {
    let Some(target) = release_target() else {
        eprintln!("no release is built for this platform; skipped");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let release = release_dir(tmp.path(), &target, false);
    let repo = scanned_repo(tmp.path());
    let run = run_action(tmp.path(), &release, &repo);
    let stdout = String::from_utf8_lossy(&run.out.stdout);
    let stderr = String::from_utf8_lossy(&run.out.stderr);
    assert!(run.out.status.success(), "{stdout}\n{stderr}");
    assert!(stderr.contains("verified shipshape-"), "{stderr}");

    // The gate (gold on a tiny repository) does not hold: recorded, applied by the last step.
    assert!(run.outputs.contains("exit-code=1"), "{}", run.outputs);
    // Annotations: the gate first, then the unpinned action at its file and line.
    let first = stdout.lines().next().unwrap_or("");
    assert!(
        first.starts_with("::error title=shipshape scan::the gate does not hold"),
        "{stdout}"
    );
    assert!(
        stdout.contains("file=.github/workflows/ci.yml,line=9,"),
        "the unpinned action is annotated at its line:\n{stdout}"
    );
    // The job summary: the Markdown report, appended.
    assert!(run.summary.starts_with("#"), "{}", run.summary);
    assert!(
        run.summary.contains("gha-actions-pinned"),
        "{}",
        run.summary
    );
    // SARIF for the upload step, and the extra formats.
    let sarif_path = run
        .outputs
        .lines()
        .find_map(|l| l.strip_prefix("sarif-file="))
        .expect("sarif-file output");
    let sarif: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(sarif_path).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(
        sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["ruleId"] == "delivery/gha-actions-pinned")
    );
    let dir = run.runner_temp.join("shipshape");
    let gitlab: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(dir.join("shipshape-report.gitlab.json")).unwrap(),
    )
    .unwrap();
    assert!(gitlab.as_array().is_some_and(|a| !a.is_empty()));
    assert!(dir.join("shipshape-report.json.json").is_file());
    // The installed binary is the released one.
    let installed = run.runner_temp.join("shipshape-bin/shipshape");
    assert_eq!(
        fs::read(&installed).unwrap(),
        fs::read(env!("CARGO_BIN_EXE_shipshape")).unwrap()
    );
}

#[test]
fn a_wrong_checksum_is_refused_and_nothing_is_installed() {
    let Some(target) = release_target() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let release = release_dir(tmp.path(), &target, true);
    let repo = scanned_repo(tmp.path());
    let run = run_action(tmp.path(), &release, &repo);
    let stderr = String::from_utf8_lossy(&run.out.stderr);
    assert!(!run.out.status.success(), "a mismatch must fail the step");
    assert!(stderr.contains("checksum mismatch"), "{stderr}");
    assert!(!run.runner_temp.join("shipshape-bin/shipshape").exists());
    assert!(run.summary.is_empty() && !run.outputs.contains("exit-code"));
}

#[test]
fn the_installer_refuses_an_archive_sha256sums_does_not_list() {
    let Some(target) = release_target() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let release = release_dir(tmp.path(), &target, false);
    fs::write(release.join("SHA256SUMS"), "").unwrap();
    let out = Command::new("sh")
        .arg(repo_root().join("scripts/install.sh"))
        .args(["--base-url"])
        .arg(&release)
        .arg("--dir")
        .arg(tmp.path().join("bin"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("lists no shipshape-"));
    assert!(!tmp.path().join("bin/shipshape").exists());
}
