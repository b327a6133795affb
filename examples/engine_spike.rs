//! Spike for issue 6: the same library indexed into tantivy and into SQLite FTS5, measured the
//! same way, to choose the on-disk engine.
//!
//! Usage:
//!   cargo run --release --example engine_spike -- build tantivy|fts5 CORPUS OUT
//!   cargo run --release --example engine_spike -- query tantivy|fts5 OUT
//!
//! `build` parses every Markdown file under CORPUS with tidings' own parser and writes an index
//! into OUT (bodies kept compressed: tantivy's doc store, or lz4 blobs beside FTS5); `query` opens
//! it in a fresh process and times what the reader asks per keystroke: every match of a word
//! (for counts), a prefix while it is typed, two words, a title-only word, and the newest 20 of
//! a common word.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use tantivy::collector::TopDocs;
use tantivy::query::{EnableScoring, QueryParser};
use tantivy::schema::{FAST, INDEXED, STORED, Schema, TEXT};
use tantivy::{Index, IndexWriter, Order, TantivyDocument, doc};

struct Doc {
    path: String,
    title: String,
    text: String,
    published: i64,
}

fn files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable corpus").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Parses in parallel a batch at a time, handing each batch to `sink` in file order.
fn parse_all(root: &Path, mut sink: impl FnMut(Vec<Doc>)) -> usize {
    let paths = files(root);
    let mut count = 0;
    for batch in paths.chunks(4096) {
        let docs: Vec<Doc> = batch
            .par_iter()
            .filter_map(|path| {
                let bytes = std::fs::read(path).ok()?;
                let display = path.display().to_string();
                let parsed = tidings::article::parse_article(&display, &display, &bytes).ok()?;
                let a = parsed.article;
                let mut text = a.description.clone();
                for tag in &a.tags {
                    text.push(' ');
                    text.push_str(tag);
                }
                text.push(' ');
                text.push_str(&a.source.name);
                text.push('\n');
                text.push_str(&parsed.details.body);
                Some(Doc {
                    path: display,
                    title: a.title,
                    text,
                    published: a.published_at.map_or(0, |t| t.timestamp()),
                })
            })
            .collect();
        count += docs.len();
        sink(docs);
    }
    count
}

fn du(path: &Path) -> u64 {
    let mut total = 0;
    for entry in std::fs::read_dir(path).expect("index folder").flatten() {
        let meta = entry.metadata().expect("stat");
        total += if meta.is_dir() {
            du(&entry.path())
        } else {
            meta.len()
        };
    }
    total
}

fn peak_rss_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

fn tantivy_schema() -> Schema {
    let mut schema = Schema::builder();
    schema.add_text_field("path", STORED);
    schema.add_text_field("title", TEXT | STORED);
    schema.add_text_field("text", TEXT | STORED);
    schema.add_i64_field("published", FAST | INDEXED);
    schema.build()
}

fn build_tantivy(corpus: &Path, out: &Path) -> usize {
    std::fs::create_dir_all(out).expect("out folder");
    let schema = tantivy_schema();
    let index = Index::create_in_dir(out, schema.clone()).expect("new index");
    let mut writer: IndexWriter = index.writer(200_000_000).expect("writer");
    let f = |name| schema.get_field(name).expect("field");
    let (path, title, text, published) = (f("path"), f("title"), f("text"), f("published"));
    let n = parse_all(corpus, |docs| {
        for d in docs {
            writer
                .add_document(doc!(path => d.path, title => d.title, text => d.text, published => d.published))
                .expect("add");
        }
    });
    writer.commit().expect("commit");
    writer.wait_merging_threads().expect("merge");
    n
}

fn build_fts5(corpus: &Path, out: &Path) -> usize {
    std::fs::create_dir_all(out).expect("out folder");
    let db = out.join("fts.db");
    let _ = std::fs::remove_file(&db);
    let mut conn = rusqlite::Connection::open(&db).expect("db");
    conn.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;
         CREATE TABLE docs (id INTEGER PRIMARY KEY, path TEXT NOT NULL, title TEXT NOT NULL,
                            published INTEGER NOT NULL, body BLOB NOT NULL);
         CREATE INDEX docs_published ON docs(published);
         CREATE VIRTUAL TABLE fts USING fts5(title, text, content='', contentless_delete=1,
                                             tokenize='unicode61 remove_diacritics 2');",
    )
    .expect("schema");
    let n = parse_all(corpus, |docs| {
        let tx = conn.transaction().expect("tx");
        {
            let mut put = tx
                .prepare_cached(
                    "INSERT INTO docs (path, title, published, body) VALUES (?1, ?2, ?3, ?4)",
                )
                .expect("put");
            let mut fts = tx
                .prepare_cached("INSERT INTO fts (rowid, title, text) VALUES (?1, ?2, ?3)")
                .expect("fts");
            for d in docs {
                let body = lz4_flex::compress_prepend_size(d.text.as_bytes());
                put.execute(rusqlite::params![d.path, d.title, d.published, body])
                    .expect("insert");
                let id = tx.last_insert_rowid();
                fts.execute(rusqlite::params![id, d.title, d.text])
                    .expect("fts insert");
            }
        }
        tx.commit().expect("commit");
    });
    conn.execute_batch("INSERT INTO fts(fts) VALUES('optimize'); PRAGMA wal_checkpoint(TRUNCATE);")
        .expect("optimize");
    n
}

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

const QUERIES: &[(&str, &str, &str)] = &[
    // (label, tantivy syntax, fts5 syntax)
    ("common word", "bitcoin", "bitcoin"),
    ("rarer word", "singapore", "singapore"),
    ("prefix while typing", "bitc*", "bitc*"),
    ("one letter typed", "s*", "s*"),
    ("two words", "+bitcoin +liquidity", "bitcoin liquidity"),
    ("title only", "title:dogecoin", "title:dogecoin"),
    ("Ukrainian word", "аналітики", "аналітики"),
];

fn query_tantivy(out: &Path) {
    let started = Instant::now();
    let index = Index::open_in_dir(out).expect("open");
    let reader = index.reader().expect("reader");
    let searcher = reader.searcher();
    let schema = index.schema();
    let title = schema.get_field("title").expect("title");
    let text = schema.get_field("text").expect("text");
    let mut parser = QueryParser::for_index(&index, vec![title, text]);
    parser.set_conjunction_by_default();
    println!("open: {:.1} ms", started.elapsed().as_secs_f64() * 1e3);
    for &(label, q, _) in QUERIES {
        let mut times = Vec::new();
        let mut count = 0;
        for _ in 0..7 {
            let t = Instant::now();
            let query: Box<dyn tantivy::query::Query> = match q.strip_suffix('*') {
                // The query parser has no bare prefix; this is what tidings builds.
                Some(prefix) => Box::new(tantivy::query::BooleanQuery::new(
                    [title, text]
                        .into_iter()
                        .map(|field| {
                            let mut query = tantivy::query::PhrasePrefixQuery::new_with_offset(
                                vec![(0, tantivy::Term::from_field_text(field, prefix))],
                            );
                            query.set_max_expansions(4096);
                            (
                                tantivy::query::Occur::Should,
                                Box::new(query) as Box<dyn tantivy::query::Query>,
                            )
                        })
                        .collect(),
                )),
                None => parser.parse_query(q).expect("query"),
            };
            let weight = query
                .weight(EnableScoring::disabled_from_searcher(&searcher))
                .expect("weight");
            let mut ids: Vec<u32> = Vec::new();
            for segment in searcher.segment_readers() {
                weight
                    .for_each_no_score(segment, &mut |docs| ids.extend_from_slice(docs))
                    .expect("docs");
            }
            count = ids.len();
            times.push(t.elapsed().as_secs_f64() * 1e3);
        }
        println!(
            "{label:>22} {q:>22}: {count:>8} matches, median {:.2} ms",
            median(times)
        );
    }
    let mut times = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        let query = parser.parse_query("bitcoin").expect("query");
        let top: Vec<(Option<i64>, tantivy::DocAddress)> = searcher
            .search(
                &query,
                &TopDocs::with_limit(20).order_by_fast_field("published", Order::Desc),
            )
            .expect("top");
        for (_, address) in &top {
            let _doc: TantivyDocument = searcher.doc(*address).expect("doc");
        }
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    println!(
        "newest 20 of 'bitcoin' with titles: median {:.2} ms",
        median(times)
    );
    println!("segments: {}", searcher.segment_readers().len());
    println!("peak memory: {} MB", peak_rss_mb());
}

/// The design the reader would move to: no article in memory, only a column per sort key read
/// from the index; the first screen is the newest 45 documents fetched from the doc store.
fn first_screen(out: &Path) {
    let started = Instant::now();
    let index = Index::open_in_dir(out).expect("open");
    let reader = index.reader().expect("reader");
    let searcher = reader.searcher();
    let mut keys: Vec<(i64, u32, u32)> = Vec::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let column = segment
            .fast_fields()
            .i64("published")
            .expect("published column");
        for doc in 0..segment.max_doc() {
            keys.push((column.first(doc).unwrap_or(i64::MIN), ord as u32, doc));
        }
    }
    let read = started.elapsed();
    keys.par_sort_unstable_by(|a, b| b.cmp(a));
    let sorted = started.elapsed();
    let title = index.schema().get_field("title").expect("title");
    let titles: Vec<String> = keys[..45]
        .iter()
        .map(|&(_, ord, doc)| {
            let document: TantivyDocument = searcher
                .doc(tantivy::DocAddress::new(ord, doc))
                .expect("doc");
            use tantivy::schema::Value;
            document
                .get_first(title)
                .and_then(|value| value.as_str())
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    println!(
        "{} documents: sort keys read {:.1} ms, sorted {:.1} ms, 45 titles fetched {:.1} ms; \
         peak memory {} MB; newest: {}",
        keys.len(),
        read.as_secs_f64() * 1e3,
        sorted.as_secs_f64() * 1e3,
        started.elapsed().as_secs_f64() * 1e3,
        peak_rss_mb(),
        titles[0]
    );
}

fn query_fts5(out: &Path) {
    let started = Instant::now();
    let conn = rusqlite::Connection::open(out.join("fts.db")).expect("open");
    println!("open: {:.1} ms", started.elapsed().as_secs_f64() * 1e3);
    for &(label, _, q) in QUERIES {
        let mut times = Vec::new();
        let mut count = 0;
        for _ in 0..7 {
            let t = Instant::now();
            let mut statement = conn
                .prepare_cached("SELECT rowid FROM fts WHERE fts MATCH ?1")
                .expect("prepare");
            let ids: Vec<i64> = statement
                .query_map([q], |row| row.get(0))
                .expect("query")
                .collect::<Result<_, _>>()
                .expect("rows");
            count = ids.len();
            times.push(t.elapsed().as_secs_f64() * 1e3);
        }
        println!(
            "{label:>22} {q:>22}: {count:>8} matches, median {:.2} ms",
            median(times)
        );
    }
    let mut times = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        let mut statement = conn
            .prepare_cached(
                "SELECT title FROM docs WHERE id IN (SELECT rowid FROM fts WHERE fts MATCH ?1)
                 ORDER BY published DESC LIMIT 20",
            )
            .expect("prepare");
        let titles: Vec<String> = statement
            .query_map(["bitcoin"], |row| row.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert!(titles.len() <= 20);
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    println!(
        "newest 20 of 'bitcoin' with titles: median {:.2} ms",
        median(times)
    );
    println!("peak memory: {} MB", peak_rss_mb());
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["build", engine, corpus, out] => {
            let started = Instant::now();
            let (corpus, out) = (Path::new(corpus), Path::new(out));
            let n = match *engine {
                "tantivy" => build_tantivy(corpus, out),
                "fts5" => build_fts5(corpus, out),
                other => panic!("unknown engine {other}"),
            };
            println!(
                "{engine}: {n} articles in {:.1} s, index {:.1} MB, peak memory {} MB",
                started.elapsed().as_secs_f64(),
                du(out) as f64 / 1e6,
                peak_rss_mb()
            );
        }
        ["query", "tantivy", out] => query_tantivy(Path::new(out)),
        ["first-screen", out] => first_screen(Path::new(out)),
        ["query", "fts5", out] => query_fts5(Path::new(out)),
        _ => {
            eprintln!("usage: engine_spike build tantivy|fts5 CORPUS OUT | query tantivy|fts5 OUT");
            std::process::exit(2);
        }
    }
}
