//! The targets end to end, with the real binary: the reader from process start to its
//! first headlines in a pseudo-terminal, a file added while it runs until its headline shows,
//! and `list --limit 20` and `index` with nothing changed.
//!
//! The library is the benchmarks' own (see `common`): `TIDINGS_BENCH_LIBRARY=DIR` for a real or
//! large one, e.g. `cargo run --release --example gen_corpus -- /tmp/c1m 1000000` then
//! `TIDINGS_BENCH_LIBRARY=/tmp/c1m TIDINGS_BENCH_CACHE_DIR=/tmp/c1m-cache cargo bench --bench
//! startup`. The cache is built before the timings start (minutes at a million articles; kept in
//! `TIDINGS_BENCH_CACHE_DIR` for the next run). The file-added benchmark writes into the library
//! folder (`zz-bench-arrivals/`) and removes what it wrote.
// Test and benchmark setup fails loudly: `unwrap` is denied in shipped code only.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};
use tidings::library::StorePaths;

const BINARY: &str = env!("CARGO_BIN_EXE_tidings");
const WAIT_AT_MOST: Duration = Duration::from_secs(60);

/// The reader in a pseudo-terminal of 160×45, its screen as a terminal would show it.
struct Reader {
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
    screen: Arc<(Mutex<vt100::Parser>, Condvar)>,
    keyboard: Arc<Mutex<Box<dyn Write + Send>>>,
}

impl Reader {
    fn start(corpus: &common::Corpus, store: &StorePaths) -> Self {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 45,
                cols: 160,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let mut command = CommandBuilder::new(BINARY);
        command.arg("--library");
        command.arg(&corpus.roots[0]);
        command.env("TERM", "xterm-256color");
        for (name, value) in environment(store) {
            command.env(name, value);
        }
        let child = pair.slave.spawn_command(command).expect("tidings starts");
        drop(pair.slave);
        let screen = Arc::new((
            Mutex::new(vt100::Parser::new(
                NonZeroU16::new(45).expect("rows"),
                NonZeroU16::new(160).expect("columns"),
                0,
            )),
            Condvar::new(),
        ));
        let mut output = pair.master.try_clone_reader().expect("pty reader");
        let keyboard = Arc::new(Mutex::new(pair.master.take_writer().expect("pty writer")));
        let input = Arc::clone(&keyboard);
        let shared = Arc::clone(&screen);
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while let Ok(n @ 1..) = output.read(&mut buf) {
                // The reader asks the terminal what it can draw and waits up to 300 ms for
                // the status report that ends the answer: answered at once, as terminals do
                // (device attributes of a VT220 with no graphics, then "ok"), so the figure is
                // tidings' own, not a timeout's.
                if buf[..n].windows(4).any(|w| w == b"\x1b[5n") {
                    let _ = input
                        .lock()
                        .expect("keyboard")
                        .write_all(b"\x1b[?62;22c\x1b[0n");
                }
                let (parser, changed) = &*shared;
                parser.lock().expect("screen").process(&buf[..n]);
                changed.notify_all();
            }
        });
        Self {
            child,
            _master: pair.master,
            screen,
            keyboard,
        }
    }

    /// Types `keys` into the reader.
    fn press(&self, keys: &[u8]) {
        let mut keyboard = self.keyboard.lock().expect("keyboard");
        keyboard.write_all(keys).expect("keys typed");
        keyboard.flush().expect("keys typed");
    }

    /// Waits until the screen shows `text`.
    fn wait_for(&self, text: &str) {
        let (parser, changed) = &*self.screen;
        let started = Instant::now();
        let mut parser = parser.lock().expect("screen");
        while !parser.screen().contents().contains(text) {
            assert!(
                started.elapsed() < WAIT_AT_MOST,
                "{text:?} never appeared:\n{}",
                parser.screen().contents()
            );
            parser = changed
                .wait_timeout(parser, Duration::from_millis(50))
                .expect("screen")
                .0;
        }
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where the binary keeps its cache and marks: the benchmarks' warm cache.
fn environment(store: &StorePaths) -> [(&'static str, PathBuf); 3] {
    let folder = |path: &Path| path.parent().expect("a folder").to_owned();
    [
        ("TIDINGS_CACHE_DIR", folder(&store.cache)),
        ("TIDINGS_DATA_DIR", folder(&store.state)),
        (
            "TIDINGS_CONFIG",
            folder(&store.state).join("no-config.toml"),
        ),
    ]
}

fn tidings(corpus: &common::Corpus, store: &StorePaths, args: &[&str]) {
    let status = Command::new(BINARY)
        .args(args)
        .arg("--library")
        .arg(&corpus.roots[0])
        .envs(environment(store))
        .stdout(std::process::Stdio::null())
        .status()
        .expect("tidings runs");
    assert!(status.success());
}

fn startup(c: &mut Criterion) {
    let corpus = common::Corpus::new();
    let store = corpus.paths("warm");
    let mut group = c.benchmark_group(format!("end to end, {} articles", corpus.articles));
    group.sample_size(10);

    // Every headline of a generated library is unread: its row starts with the unread dot.
    group.bench_function("reader: process start to first headlines", |b| {
        b.iter_custom(|runs| {
            let mut total = Duration::ZERO;
            for _ in 0..runs {
                let started = Instant::now();
                let reader = Reader::start(&corpus, &store);
                reader.wait_for("●");
                total += started.elapsed();
            }
            total
        });
    });

    // The folder for new files exists and is known to the cache before the reader starts, and
    // the reader's first check is over before the first file: each run measures one file alone.
    let folder = corpus.roots[0].join("zz-bench-arrivals");
    std::fs::create_dir_all(&folder).expect("a folder for new files");
    tidings(&corpus, &store, &["index"]);
    let reader = Reader::start(&corpus, &store);
    reader.wait_for("library up to date");
    let arrivals = std::cell::Cell::new(0);
    group.bench_function("reader: a file added, until its headline shows", |b| {
        b.iter_custom(|runs| {
            let mut total = Duration::ZERO;
            for _ in 0..runs {
                let n = arrivals.get() + 1;
                arrivals.set(n);
                let title = format!("Arrival {n} of the benchmark");
                let started = Instant::now();
                std::fs::write(
                    folder.join(format!("arrival-{n}.md")),
                    format!(
                        "---\ntitle: {title}\npublishedAt: '2099-01-01T00:00:00Z'\n\
                         stickyWeight: {n}000000000\n---\nNew.\n"
                    ),
                )
                .expect("file written");
                reader.wait_for(&title);
                total += started.elapsed();
                // Back to the first headline: the reader keeps the selected one in view, and
                // after a screenful of arrivals above it the newest would scroll out of sight.
                reader.press(b"g");
            }
            total
        });
    });
    drop(reader);
    let _ = std::fs::remove_dir_all(&folder);
    tidings(&corpus, &store, &["index"]);

    group.bench_function("list --limit 20, nothing changed", |b| {
        b.iter(|| tidings(&corpus, &store, &["list", "--limit", "20"]));
    });
    group.bench_function("index, nothing changed", |b| {
        b.iter(|| tidings(&corpus, &store, &["index"]));
    });
    group.finish();
}

criterion_group!(benches, startup);
criterion_main!(benches);
