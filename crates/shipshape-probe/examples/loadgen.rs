//! Benchmark the open-model load generator alone:
//! `cargo run --release --example loadgen -- URL RATE SECONDS CONNECTIONS`.

use std::time::Duration;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() != 4 {
        eprintln!("usage: loadgen URL RATE SECONDS CONNECTIONS");
        std::process::exit(2);
    }
    let num = |i: usize| -> u32 {
        args[i].parse().unwrap_or_else(|_| {
            eprintln!("`{}` is not a number", args[i]);
            std::process::exit(2)
        })
    };
    match shipshape_probe::load_benchmark(
        &args[0],
        num(1),
        Duration::from_secs(u64::from(num(2))),
        num(3),
    ) {
        Ok(s) => println!(
            "target {:.0} req/s, achieved {:.0} req/s, completed {}, errors {}, p50 {:?} ms, p95 {:?} ms, p99 {:?} ms, max {:?} ms",
            s.target_rate,
            s.achieved_rate,
            s.completed,
            s.errors,
            s.p50_ms,
            s.p95_ms,
            s.p99_ms,
            s.max_ms
        ),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
