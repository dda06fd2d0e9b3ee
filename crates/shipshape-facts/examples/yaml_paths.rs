//! Compare the fast YAML reader with the full parser on every `.yaml`/`.yml` file under
//! the given directories: how many files the fast path takes, whether it ever gives a
//! different tree, and the time each path spends.
//!
//! `cargo run --release -p shipshape-facts --example yaml_paths -- DIR...`

use shipshape_facts::{Yaml, YamlValue, parse_documents_fast, parse_documents_full};
use std::path::Path;
use std::time::{Duration, Instant};

fn visit(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let Ok(t) = e.file_type() else { continue };
        if t.is_dir() && p.file_name().is_some_and(|n| n != ".git") {
            visit(&p, out);
        } else if t.is_file() && p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
            out.push(p);
        }
    }
}

fn main() {
    let mut files = Vec::new();
    for d in std::env::args().skip(1) {
        visit(Path::new(&d), &mut files);
    }
    let (mut taken, mut bytes, mut taken_bytes, mut differ, mut full_errors) = (0, 0, 0, 0, 0);
    let (mut t_fast, mut t_full) = (Duration::ZERO, Duration::ZERO);
    for p in &files {
        let Ok(text) = std::fs::read_to_string(p) else {
            continue;
        };
        bytes += text.len();
        let t = Instant::now();
        let fast = parse_documents_fast(&text);
        t_fast += t.elapsed();
        let t = Instant::now();
        let full = parse_documents_full(&text);
        t_full += t.elapsed();
        if let Some(fast) = fast {
            taken += 1;
            taken_bytes += text.len();
            match full {
                Ok(full) if full == fast => {}
                Ok(full) => {
                    differ += 1;
                    println!("DIFFERENT: {}", p.display());
                    for (i, (a, b)) in fast.iter().zip(&full).enumerate() {
                        if let Some(d) = first_difference(a, b, &format!("doc {i}")) {
                            println!("  {d}");
                            break;
                        }
                    }
                }
                Err(e) => {
                    full_errors += 1;
                    println!("FULL PARSER ERROR, FAST ACCEPTED: {}: {e}", p.display());
                }
            }
        } else if std::env::var_os("SHOW_BAIL").is_some() {
            println!("bail: {}", p.display());
        }
    }
    println!(
        "{} files, {} MB; fast path took {taken} files ({} MB); different trees: {differ}; accepted invalid: {full_errors}",
        files.len(),
        bytes / 1_000_000,
        taken_bytes / 1_000_000
    );
    println!(
        "fast attempts {:.3} s, full parser {:.3} s",
        t_fast.as_secs_f64(),
        t_full.as_secs_f64()
    );
}

/// Where two trees first differ (fast first, full second).
fn first_difference(a: &Yaml, b: &Yaml, at: &str) -> Option<String> {
    if a.line != b.line || a.key_line != b.key_line {
        return Some(format!(
            "{at}: fast line {}/{} full line {}/{}",
            a.line, a.key_line, b.line, b.key_line
        ));
    }
    match (&a.value, &b.value) {
        (YamlValue::Seq(x), YamlValue::Seq(y)) => {
            if x.len() != y.len() {
                return Some(format!("{at}: {} vs {} items", x.len(), y.len()));
            }
            x.iter()
                .zip(y)
                .enumerate()
                .find_map(|(i, (p, q))| first_difference(p, q, &format!("{at}[{i}]")))
        }
        (YamlValue::Map(x), YamlValue::Map(y)) => {
            if x.len() != y.len() {
                return Some(format!("{at}: {} vs {} entries", x.len(), y.len()));
            }
            x.iter().zip(y).find_map(|((k1, p), (k2, q))| {
                if k1 != k2 {
                    Some(format!("{at}: key {k1:?} vs {k2:?}"))
                } else {
                    first_difference(p, q, &format!("{at}.{k1}"))
                }
            })
        }
        (p, q) if p != q => Some(format!("{at}: {p:?} vs {q:?}")),
        _ => None,
    }
}
