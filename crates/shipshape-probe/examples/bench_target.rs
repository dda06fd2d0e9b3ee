//! A well-behaved local service for benchmarks: `cargo run --release --example bench_target`
//! prints its URL and serves until killed (the same service the integration tests use).

#[path = "../tests/common/mod.rs"]
mod common;

fn main() {
    let server = common::good_server();
    println!("{}", server.url());
    loop {
        std::thread::park();
    }
}
