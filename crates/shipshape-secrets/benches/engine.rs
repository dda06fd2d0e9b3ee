//! Throughput of `Engine::scan` (MB/s) over generated source text: mostly clean code with a
//! few secrets and decoys, as in a real repository, plus a clean-only case that measures
//! the prefilter path.

#[path = "../tests/support/corpus.rs"]
mod corpus;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use shipshape_secrets::Engine;
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let engine = Engine::new(&[], &[]).expect("built-in rules compile");
    let corpus = corpus::generate(7, 300);
    let bytes: u64 = corpus.files.iter().map(|(_, t)| t.len() as u64).sum();
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("scan_corpus_files", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for (path, text) in &corpus.files {
                n += engine.scan(path, black_box(text.as_bytes())).len();
            }
            n
        })
    });

    // Clean source: filler code without secrets, in 64 KiB files.
    let filler = "fn handle(request: &Request) -> Result<Response, Error> {\n    let user_id = request.user.id;\n    let items = repository.load(user_id)?;\n    Ok(render(\"index.html\", &items))\n}\n// retry with exponential backoff, capped at 30 seconds\nconst TIMEOUT: Duration = Duration::from_secs(30);\n";
    let clean: String = filler.repeat(64 * 1024 / filler.len());
    group.throughput(Throughput::Bytes(clean.len() as u64));
    group.bench_function("scan_clean_64k", |b| {
        b.iter(|| engine.scan("src/lib.rs", black_box(clean.as_bytes())).len())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
