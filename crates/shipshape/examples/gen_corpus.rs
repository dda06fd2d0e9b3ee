//! Generate the benchmark corpus: `cargo run --release --example gen_corpus -- DIR [FILES] [MB]`.

#[path = "../benches/support/corpus.rs"]
mod corpus;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: gen_corpus DIR [FILES=50000] [MB=520]");
        std::process::exit(2);
    };
    let files: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(50_000);
    let mb: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(520);
    match corpus::generate(std::path::Path::new(&dir), files, mb * 1024 * 1024) {
        Ok((n, bytes)) => println!("wrote {n} files, {:.1} MB to {dir}", bytes as f64 / 1e6),
        Err(e) => {
            eprintln!("gen_corpus: {dir}: {e}");
            std::process::exit(1);
        }
    }
}
