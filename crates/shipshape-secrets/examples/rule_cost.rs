//! Time each built-in rule's regex over a directory's files (which rules dominate a scan).
//!
//! `cargo run --release -p shipshape-secrets --example rule_cost -- DIR` prints the 15
//! most expensive rules with their total search time over every file under DIR (no
//! prefilter: the worst case where every rule runs on every file).

use regex::bytes::Regex;
use shipshape_secrets::rules::RULES;
use std::time::{Duration, Instant};

fn files(dir: &std::path::Path, out: &mut Vec<Vec<u8>>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if let Ok(b) = std::fs::read(&p) {
            out.push(b);
        }
    }
}

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: rule_cost DIR");
        std::process::exit(2);
    };
    let mut data = Vec::new();
    files(std::path::Path::new(&dir), &mut data);
    let total: usize = data.iter().map(Vec::len).sum();
    let mut costs: Vec<(Duration, &str)> = RULES
        .iter()
        .filter_map(|r| {
            let re = Regex::new(&format!("(?-u){}", r.regex)).ok()?;
            let start = Instant::now();
            let mut n = 0usize;
            for d in &data {
                n += re.captures_iter(d).count();
            }
            std::hint::black_box(n);
            Some((start.elapsed(), r.id))
        })
        .collect();
    costs.sort_by(|a, b| b.cmp(a));
    let sum: Duration = costs.iter().map(|c| c.0).sum();
    println!("{} files, {} bytes; all rules {:?}", data.len(), total, sum);
    for (d, id) in costs.iter().take(15) {
        println!("{d:>12?} {id}");
    }
}
