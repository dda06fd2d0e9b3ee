//! Run a full default probe and print one line per check plus the elapsed time:
//! `cargo run --release --example probe_url -- URL`.

use std::time::Instant;

fn main() {
    let Some(url) = std::env::args().nth(1) else {
        eprintln!("usage: probe_url URL");
        std::process::exit(2);
    };
    let opts = shipshape_probe::ProbeOptions {
        url,
        ..Default::default()
    };
    let started = Instant::now();
    match shipshape_probe::run(&opts, &|line| eprintln!("… {line}")) {
        Ok(report) => {
            for unit in &report.units {
                for c in &unit.checks {
                    println!("{:5} {:32} {}", c.outcome.as_str(), c.id, c.summary);
                }
                println!(
                    "level: {:?}, overall score: {:?}",
                    unit.level, unit.scores.overall
                );
            }
            println!("elapsed: {:.2} s", started.elapsed().as_secs_f64());
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    }
}
