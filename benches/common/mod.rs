//! The library the benchmarks run on: written by the corpus generator
//! (`TIDINGS_BENCH_ARTICLES` articles, default 10,000) into a temporary folder, or an existing
//! folder named by `TIDINGS_BENCH_LIBRARY`; indexed once so warm benchmarks start warm. Caches go
//! to a temporary folder, or to `TIDINGS_BENCH_CACHE_DIR`, where they outlive the run: a second
//! run on a large library then starts from the cache the first one built.

#[allow(dead_code)]
#[path = "../../examples/gen_corpus.rs"]
mod gen_corpus;

use std::path::PathBuf;

use tidings::library::{Library, StorePaths};

pub struct Corpus {
    /// Holds the written library (and the caches, without `TIDINGS_BENCH_CACHE_DIR`) until the
    /// benchmarks end.
    _temporary: tempfile::TempDir,
    caches: PathBuf,
    pub roots: Vec<PathBuf>,
    pub articles: usize,
}

impl Corpus {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let roots = match std::env::var_os("TIDINGS_BENCH_LIBRARY") {
            Some(path) => vec![PathBuf::from(path)],
            None => {
                let count = std::env::var("TIDINGS_BENCH_ARTICLES")
                    .ok()
                    .and_then(|n| n.replace('_', "").parse().ok())
                    .unwrap_or(10_000);
                let root = dir.path().join("news");
                gen_corpus::write_corpus(&root, count, gen_corpus::DEFAULT_SEED)
                    .expect("corpus written");
                vec![root]
            }
        };
        let caches = std::env::var_os("TIDINGS_BENCH_CACHE_DIR")
            .map_or_else(|| dir.path().to_owned(), PathBuf::from);
        let mut corpus = Self {
            _temporary: dir,
            caches,
            roots,
            articles: 0,
        };
        // Index once into the shared cache, so the warm benchmarks start warm.
        corpus.articles = Library::open(&corpus.roots, &corpus.paths("warm"))
            .expect("library opens")
            .len();
        corpus
    }

    pub fn paths(&self, name: &str) -> StorePaths {
        StorePaths {
            cache: self.caches.join(format!("{name}/cache.db")),
            state: self.caches.join("state.db"),
        }
    }
}
