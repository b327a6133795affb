//! The interactive reader per frame: launch from a warm cache to the first drawn screen, and each
//! key (`update` + `draw`) while typing a query, toggling a filter or moving.
//!
//! `TIDINGS_BENCH_LIBRARY=DIR` benchmarks a real folder (e.g. one written by
//! `cargo run --release --example gen_corpus -- DIR 100000`); without it the same generator
//! writes `TIDINGS_BENCH_ARTICLES` (default 2,000) articles to a temporary folder.

#[allow(dead_code)]
#[path = "../examples/gen_corpus.rs"]
mod gen_corpus;

use std::hint::black_box;
use std::path::PathBuf;

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tidings::app::{Action, App, Settings, SortMode};
use tidings::article::Sentiment;
use tidings::library::{Library, StorePaths};
use tidings::ui::article::Zone;
use tidings::ui::{Theme, View};

struct Corpus {
    _dir: tempfile::TempDir,
    roots: Vec<PathBuf>,
    paths: StorePaths,
}

fn corpus() -> Corpus {
    let dir = tempfile::tempdir().expect("temp dir");
    let roots = match std::env::var_os("TIDINGS_BENCH_LIBRARY") {
        Some(path) => vec![PathBuf::from(path)],
        None => {
            let count = std::env::var("TIDINGS_BENCH_ARTICLES")
                .ok()
                .and_then(|n| n.replace('_', "").parse().ok())
                .unwrap_or(2_000);
            let root = dir.path().join("news");
            gen_corpus::write_corpus(&root, count, gen_corpus::DEFAULT_SEED)
                .expect("corpus written");
            vec![root]
        }
    };
    let paths = StorePaths {
        cache: dir.path().join("cache.db"),
        state: dir.path().join("state.db"),
    };
    // Index once, so every run below starts warm.
    Library::open(&roots, &paths).expect("library opens");
    Corpus {
        _dir: dir,
        roots,
        paths,
    }
}

fn settings() -> Settings {
    Settings {
        sort: SortMode::Newest,
        show_drafts: false,
        now: Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap(),
        // As the reader starts.
        headlines_first: true,
    }
}

fn frame(terminal: &mut Terminal<TestBackend>, view: &mut View, app: &mut App) {
    let mut viewport = None;
    terminal
        .draw(|frame| viewport = Some(view.draw(frame, app)))
        .expect("test backend draws");
    app.set_viewport(viewport.expect("drawn"));
}

fn reader(c: &mut Criterion) {
    let corpus = corpus();
    let mut group = c.benchmark_group("reader");
    group.sample_size(20);

    let launch = |complete: bool| {
        let library = Library::open_cached(&corpus.roots, &corpus.paths).expect("cache opens");
        let mut app = App::new(library, settings());
        let mut terminal = Terminal::new(TestBackend::new(160, 45)).expect("backend");
        let mut view = View::new(Theme { color: true }, Zone::Utc);
        frame(&mut terminal, &mut view, &mut app);
        if complete {
            app.complete_index();
            frame(&mut terminal, &mut view, &mut app);
        }
        black_box(app.visible().len());
        // Dropped outside the measurement: the reader never drops a library at launch.
        app
    };
    group.bench_function("launch: cached library to first frame", |b| {
        b.iter_with_large_drop(|| launch(false));
    });
    group.bench_function(
        "launch: ... and the sidebar counted, text indexed, redrawn",
        |b| {
            b.iter_with_large_drop(|| launch(true));
        },
    );

    let library = Library::open_cached(&corpus.roots, &corpus.paths).expect("cache opens");
    let mut app = App::new(library, settings());
    let mut terminal = Terminal::new(TestBackend::new(160, 45)).expect("backend");
    let mut view = View::new(Theme { color: true }, Zone::Utc);
    frame(&mut terminal, &mut view, &mut app);
    app.complete_index();

    // Each key of "bitcoin" typed and drawn, then erased and drawn: 14 keys per iteration,
    // from the widest result (one letter) to the narrowest.
    app.update(Action::StartQuery);
    group.bench_function(
        "query: type and erase \"bitcoin\" (14 keys, each drawn)",
        |b| {
            b.iter(|| {
                for c in "bitcoin".chars() {
                    app.update(Action::QueryInput(c));
                    frame(&mut terminal, &mut view, &mut app);
                }
                for _ in 0..7 {
                    app.update(Action::QueryBackspace);
                    frame(&mut terminal, &mut view, &mut app);
                }
            });
        },
    );
    app.update(Action::QueryAccept);

    group.bench_function("toggle negative on and off (2 keys, each drawn)", |b| {
        b.iter(|| {
            for _ in 0..2 {
                app.update(Action::ToggleSentiment(Sentiment::Negative));
                frame(&mut terminal, &mut view, &mut app);
            }
        });
    });

    group.bench_function("move down a headline and draw", |b| {
        b.iter(|| {
            app.update(Action::Down);
            frame(&mut terminal, &mut view, &mut app);
        });
    });
    group.finish();
}

criterion_group!(benches, reader);
criterion_main!(benches);
