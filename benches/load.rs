//! The data layer's load path: a cold parse and index of a whole library, a warm open (every file
//! unchanged), the fast start from the cache alone (`open_cached`), and building the search index
//! and the sorted list that the first screen needs.
//!
//! The library is written by the corpus generator (`examples/gen_corpus.rs`):
//! `TIDINGS_BENCH_ARTICLES` articles (default 10,000) in a temporary folder. `TIDINGS_BENCH_LIBRARY=DIR`
//! benchmarks an existing folder instead (e.g. one written by
//! `cargo run --release --example gen_corpus -- DIR 100000`).
// Test and benchmark setup fails loudly: `unwrap` is denied in shipped code only.
#![allow(clippy::unwrap_used)]

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use tidings::app::{SortMode, sorted};
use tidings::library::{Library, Scope};

fn load(c: &mut Criterion) {
    let corpus = common::Corpus::new();
    let mut group = c.benchmark_group(format!("load {} articles", corpus.articles));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));

    group.bench_function("cold parse and index", |b| {
        let mut run = 0;
        b.iter_batched(
            || {
                run += 1;
                corpus.paths(&format!("cold{run}"))
            },
            |paths| {
                let library = Library::open(&corpus.roots, &paths).expect("library opens");
                let _ = std::fs::remove_file(&paths.cache);
                let _ = std::fs::remove_dir_all(paths.cache.with_extension("index"));
                library
            },
            BatchSize::PerIteration,
        );
    });

    let warm = corpus.paths("warm");
    group.bench_function("warm open, files unchanged", |b| {
        b.iter_with_large_drop(|| {
            let library = Library::open(&corpus.roots, &warm).expect("library opens");
            assert_eq!(library.report().parsed, 0);
            library
        });
    });

    group.bench_function("open_cached", |b| {
        b.iter_with_large_drop(|| {
            Library::open_cached(&corpus.roots, &warm).expect("library opens")
        });
    });

    let library = Library::open_cached(&corpus.roots, &warm).expect("library opens");
    // What a word costs in the text index, without the list and counts around it.
    for (words, scope) in [
        ("bitcoin", Scope::Everywhere),
        ("bitc", Scope::Everywhere),
        ("b", Scope::Everywhere),
        ("\"funding rates\"", Scope::Everywhere),
        ("bitcoin", Scope::Title),
    ] {
        group.bench_function(format!("text matches: {words} ({scope:?})"), |b| {
            b.iter(|| library.text_matches(black_box(words), scope));
        });
    }
    group.bench_function("sorted newest", |b| {
        b.iter(|| sorted(black_box(library.columns()), SortMode::Newest));
    });
    drop(library);

    group.bench_function("first screen: open_cached, sort, read 50 headlines", |b| {
        b.iter_with_large_drop(|| {
            let library = Library::open_cached(&corpus.roots, &warm).expect("library opens");
            let order = sorted(library.columns(), SortMode::Newest);
            let titles: usize = order
                .iter()
                .take(50)
                .map(|&i| library.article(i as usize).title.len())
                .sum();
            (library, order, titles)
        });
    });
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
