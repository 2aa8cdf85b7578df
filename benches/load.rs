//! Speed of the parts a user waits on: parsing one event file, loading a
//! generated archive from disk, and fuzzy search over 100,000 headlines.
//! Run with `cargo bench`; the archives come from `ktimeline::generate`.

use criterion::{Criterion, criterion_group, criterion_main};
use ktimeline::{generate, loader, search};

fn parse_one(c: &mut Criterion) {
    let files = generate::generate(1, 7);
    let text = files[0].text.as_bytes().to_vec();
    c.bench_function("parse one event file", |b| {
        b.iter(|| loader::parse_bytes(std::hint::black_box(&text), false))
    });
}

fn load_disk(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    generate::write_archive(dir.path(), 10_000, 3).expect("archive written");
    let roots = [dir.path().to_path_buf()];
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    group.bench_function("10k events from disk", |b| {
        b.iter(|| loader::load_paths(&roots, &|_, _| {}).expect("loads"))
    });
    group.finish();
}

fn search_100k(c: &mut Criterion) {
    let files: Vec<(String, String)> = generate::generate(100_000, 5)
        .into_iter()
        .map(|f| (f.path, f.text))
        .collect();
    let timeline = loader::load_memory("bench", files);
    let mut group = c.benchmark_group("search");
    group.sample_size(20);
    for query in ["egy vacc", "rail links geneva", "report 4242"] {
        group.bench_function(format!("100k headlines: {query}"), |b| {
            b.iter(|| search::search(&timeline, query, 50))
        });
    }
    group.finish();
}

criterion_group!(benches, parse_one, load_disk, search_100k);
criterion_main!(benches);
