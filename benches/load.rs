//! Speed of the parts a user waits on: parsing one event file (the fast
//! path and the full markdown parser), the first scan of an archive from
//! disk, resolving 100,000 parsed files into a timeline, reopening an
//! archive through its index, and fuzzy search over 100,000 headlines.
//! Also full-text search through the word index, and building it, and
//! similar entries and stories through it.
//! Run with `cargo bench`; the archives come from `ktimeline::generate`.
//! `benches/scale.sh` measures whole commands at 100,000 events against rg.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use ktimeline::draft::Loaded;
use ktimeline::filter::Filter;
use ktimeline::loader::parse::{parse, parse_full};
use ktimeline::loader::resolve;
use ktimeline::search::HeadlineSearch;
use ktimeline::search::WordIndex;
use ktimeline::search::{similar, story};
use ktimeline::{generate, loader, text};

/// The binary's allocator, so that the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Results the browser's search popup asks for.
const SEARCH_LIMIT: usize = 200;

fn parse_one(c: &mut Criterion) {
    let files = generate::generate(1, 7);
    let text = files[0].text.clone();
    let mut group = c.benchmark_group("parse one event file");
    group.bench_function("fast path", |b| {
        b.iter(|| parse(std::hint::black_box(&text), false))
    });
    group.bench_function("full markdown parser", |b| {
        b.iter(|| parse_full(std::hint::black_box(&text), false))
    });
    group.finish();
}

fn scan(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    generate::write_archive(dir.path(), 10_000, 3).expect("archive written");
    let roots = [dir.path().to_path_buf()];
    let mut group = c.benchmark_group("scan");
    group.sample_size(10);
    group.bench_function("10k events from disk, no index", |b| {
        b.iter(|| loader::load_paths(&roots, &|_, _| {}).expect("loads"))
    });
    group.finish();
}

fn resolver(c: &mut Criterion) {
    let files: Vec<Box<Loaded>> = generate::generate(100_000, 5)
        .into_iter()
        .map(|f| {
            let (parsed, warnings) = parse(&f.text, f.path.ends_with("index.md"));
            let rel = format!("/{}", f.path.trim_start_matches('/'));
            Box::new(Loaded {
                display: format!("bench{rel}"),
                path_date: text::date_from_path(&rel),
                rel,
                extra_keys: Box::default(),
                parsed,
                warnings: warnings.into(),
            })
        })
        .collect();
    let mut group = c.benchmark_group("resolve");
    group.sample_size(10);
    group.bench_function("100k parsed files into a timeline", |b| {
        b.iter_batched(
            || files.clone(),
            |files| resolve::build("bench".into(), files, Vec::new()),
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

fn index_read(c: &mut Criterion) {
    let cache = tempfile::tempdir().expect("temp dir");
    // SAFETY: set before any other thread of this benchmark runs.
    unsafe { std::env::set_var("XDG_CACHE_HOME", cache.path()) };
    let dir = tempfile::tempdir().expect("temp dir");
    generate::write_archive(dir.path(), 10_000, 3).expect("archive written");
    let roots = [dir.path().to_path_buf()];
    loader::open(&roots, true, &|_, _| {}).expect("loads");
    let mut group = c.benchmark_group("index");
    group.sample_size(10);
    group.bench_function("reopen 10k events through the index", |b| {
        b.iter(|| {
            let opened = loader::open(&roots, true, &|_, _| {}).expect("loads");
            assert!(opened.index.used && opened.index.reread == 0);
            opened
        })
    });
    group.bench_function("the indexed timeline alone (browser start)", |b| {
        b.iter(|| loader::open_indexed(&roots).expect("an index"))
    });
    group.finish();
}

/// The 100,000 generated entries the search benches share, made once.
fn timeline_100k() -> &'static ktimeline::model::Timeline {
    static TIMELINE: std::sync::OnceLock<ktimeline::model::Timeline> = std::sync::OnceLock::new();
    TIMELINE.get_or_init(|| {
        let files: Vec<(String, String)> = generate::generate(100_000, 5)
            .into_iter()
            .map(|f| (f.path, f.text))
            .collect();
        loader::load_memory("bench", files)
    })
}

fn search_100k(c: &mut Criterion) {
    let timeline = timeline_100k();
    let none = Filter::default();
    let mut group = c.benchmark_group("search");
    group.sample_size(20);
    // Typing `korea` in the popup: each keystroke searches again, from the
    // state the one before left (only its matches are looked at).
    let typed = ["k", "ko", "kor", "kore", "korea"];
    let mut s = HeadlineSearch::new(timeline);
    for (i, query) in typed.iter().enumerate() {
        group.bench_function(format!("keystroke {query:?} (100k headlines)"), |b| {
            // Only the keystroke is timed; the one before it sets the
            // state up, as typing does.
            b.iter_custom(|iters| {
                let mut spent = std::time::Duration::ZERO;
                for _ in 0..iters {
                    match i.checked_sub(1) {
                        Some(p) => {
                            s.search(timeline, typed[p], SEARCH_LIMIT, &none);
                        }
                        None => {
                            s.search(timeline, "", SEARCH_LIMIT, &none);
                        }
                    }
                    let started = std::time::Instant::now();
                    std::hint::black_box(s.search(timeline, query, SEARCH_LIMIT, &none));
                    spent += started.elapsed();
                }
                spent
            })
        });
    }
    // Whole queries on prepared headlines (as pasted into the popup, or
    // the first keystroke), each from a fresh state.
    for query in ["zqxj", "egy vacc", "rail links geneva", "report 4242"] {
        group.bench_function(format!("one query {query:?} (100k headlines)"), |b| {
            b.iter_custom(|iters| {
                let mut spent = std::time::Duration::ZERO;
                for _ in 0..iters {
                    s.search(timeline, "", SEARCH_LIMIT, &none);
                    let started = std::time::Instant::now();
                    std::hint::black_box(s.search(timeline, query, SEARCH_LIMIT, &none));
                    spent += started.elapsed();
                }
                spent
            })
        });
    }
    group.bench_function("preparing 100k headlines", |b| {
        b.iter(|| HeadlineSearch::new(timeline))
    });
    group.finish();
}

fn full_text_100k(c: &mut Criterion) {
    let timeline = timeline_100k();
    let none = Filter::default();
    let started = std::time::Instant::now();
    let index = WordIndex::build(timeline);
    let bytes = index.to_bytes();
    eprintln!(
        "word index of 100k entries: built in {:.2?}, {} words, {:.1} MB",
        started.elapsed(),
        index.len(),
        bytes.len() as f64 / 1e6
    );
    let mut group = c.benchmark_group("full text");
    group.sample_size(20);
    for query in [
        "korea",
        "north korea talks",
        "vacc",
        "zqxj",
        "geneva rail report",
    ] {
        group.bench_function(format!("query {query:?} (100k entries)"), |b| {
            b.iter(|| index.search(timeline, query, SEARCH_LIMIT, &none))
        });
    }
    group.bench_function("reading the word index of 100k entries", |b| {
        b.iter(|| WordIndex::from_bytes(&bytes).expect("whole"))
    });
    group.finish();

    // Similar entries: one entry's list (as the detail pane asks for it)
    // for entries across the archive.
    let mut group = c.benchmark_group("similar");
    group.sample_size(20);
    for idx in [0, 31_337, 77_777, 99_999] {
        group.bench_function(
            format!("one entry's 8 similar (entry {idx} of 100k)"),
            |b| {
                b.iter(|| {
                    similar::similar(timeline, &index, idx, 8, similar::Near::Ranked, |_| false)
                })
            },
        );
    }
    for idx in [0, 77_777] {
        group.bench_function(format!("one entry's story (entry {idx} of 100k)"), |b| {
            b.iter(|| story::story(timeline, &index, idx))
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    parse_one,
    scan,
    resolver,
    index_read,
    search_100k,
    full_text_100k
);
criterion_main!(benches);
