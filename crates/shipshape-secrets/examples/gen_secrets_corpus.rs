//! Write a labelled secrets corpus for measuring detectors.
//!
//! `cargo run -p shipshape-secrets --example gen_secrets_corpus -- OUT_DIR [--files N] [--seed S]`
//! writes the files under `OUT_DIR/repo/`, the planted secrets to `OUT_DIR/labels.tsv`
//! (path, first line, last line, kind) and the decoys to `OUT_DIR/decoys.tsv`.

#[path = "../tests/support/corpus.rs"]
mod corpus;

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut out: Option<PathBuf> = None;
    let mut files = 1500usize;
    let mut seed = 0x5eed_u64;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--files" => files = args.next().and_then(|v| v.parse().ok()).unwrap_or(files),
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).unwrap_or(seed),
            _ if out.is_none() => out = Some(PathBuf::from(a)),
            _ => {
                eprintln!("usage: gen_secrets_corpus OUT_DIR [--files N] [--seed S]");
                return ExitCode::from(2);
            }
        }
    }
    let Some(out) = out else {
        eprintln!("usage: gen_secrets_corpus OUT_DIR [--files N] [--seed S]");
        return ExitCode::from(2);
    };
    let c = corpus::generate(seed, files);
    if let Err(e) = corpus::write(&c, &out.join("repo"), &out.join("labels.tsv")) {
        eprintln!(
            "error: cannot write the corpus under {}: {e}",
            out.display()
        );
        return ExitCode::FAILURE;
    }
    let kinds: HashSet<&str> = c.labels.iter().map(|l| l.kind.as_str()).collect();
    let decoy_kinds: HashSet<&str> = c.decoys.iter().map(|l| l.kind.as_str()).collect();
    let bytes: usize = c.files.iter().map(|(_, t)| t.len()).sum();
    println!(
        "{} files ({} bytes), {} secrets of {} kinds, {} decoys of {} kinds -> {}",
        c.files.len(),
        bytes,
        c.labels.len(),
        kinds.len(),
        c.decoys.len(),
        decoy_kinds.len(),
        out.display()
    );
    ExitCode::SUCCESS
}
