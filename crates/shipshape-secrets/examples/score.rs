//! Score a detector's findings against a generated corpus's labels.
//!
//! `cargo run -p shipshape-secrets --example score -- LABELS.tsv FINDINGS.json [--strip PREFIX] [-v]`
//! reads findings from shipshape (`scan --json`), betterleaks / gitleaks, kingfisher or
//! detect-secrets JSON (the format is recognised from its shape), strips PREFIX from
//! their paths, and prints true/false positives, misses, precision and recall.

#[path = "../tests/support/corpus.rs"]
mod corpus;

use serde_json::Value;
use std::process::ExitCode;

fn findings(v: &Value) -> Vec<(String, u32)> {
    let line = |x: Option<&Value>| x.and_then(Value::as_u64).unwrap_or(0) as u32;
    let s = |x: Option<&Value>| x.and_then(Value::as_str).unwrap_or("").to_string();
    if let Some(results) = v.get("results").and_then(Value::as_object) {
        // detect-secrets
        return results
            .iter()
            .flat_map(|(path, list)| {
                list.as_array()
                    .into_iter()
                    .flatten()
                    .map(move |f| (path.clone(), line(f.get("line_number"))))
            })
            .collect();
    }
    let list = v
        .get("findings")
        .and_then(Value::as_array)
        .or_else(|| v.as_array())
        .cloned()
        .unwrap_or_default();
    list.iter()
        .map(|f| {
            if let Some(loc) = f.get("location") {
                (s(loc.get("path")), line(loc.get("start_line")))
            } else if let Some(inner) = f.get("finding") {
                (s(inner.get("path")), line(inner.get("line")))
            } else if f.get("File").is_some() {
                (s(f.get("File")), line(f.get("StartLine")))
            } else {
                (s(f.get("path")), line(f.get("line")))
            }
        })
        .collect()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "-v");
    let strip = args
        .iter()
        .position(|a| a == "--strip")
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_default();
    let files: Vec<&String> = args
        .iter()
        .enumerate()
        .filter(|(i, a)| !a.starts_with('-') && (*i == 0 || args[i - 1] != "--strip"))
        .map(|(_, a)| a)
        .collect();
    let [labels_path, findings_path] = files[..] else {
        eprintln!("usage: score LABELS.tsv FINDINGS.json [--strip PREFIX] [-v]");
        return ExitCode::from(2);
    };
    let (labels, report) = match (
        std::fs::read_to_string(labels_path),
        std::fs::read_to_string(findings_path),
    ) {
        (Ok(l), Ok(f)) => (corpus::read_labels(&l), f),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: cannot read inputs: {e}");
            return ExitCode::FAILURE;
        }
    };
    let value: Value = match serde_json::from_str(&report) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("error: {findings_path} is not JSON: {e}");
            return ExitCode::FAILURE;
        }
    };
    let found: Vec<(String, u32)> = findings(&value)
        .into_iter()
        .map(|(p, l)| (p.strip_prefix(strip.as_str()).unwrap_or(&p).to_string(), l))
        .collect();
    let (score, fps, missed) = corpus::score(&labels, &found);
    println!(
        "labels {} findings {} tp {} fp {} fn {} precision {:.4} recall {:.4}",
        labels.len(),
        found.len(),
        score.true_positives,
        score.false_positives,
        score.false_negatives,
        score.precision(),
        score.recall()
    );
    if verbose {
        for (p, l) in fps {
            println!("FP {p}:{l}");
        }
        for l in missed {
            println!("FN {} {}:{}", l.kind, l.path, l.line);
        }
    }
    ExitCode::SUCCESS
}
