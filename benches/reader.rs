//! The interactive reader per frame: launch from a warm cache to the first drawn screen, and each
//! key (`update` + `draw`) while typing a query, toggling a filter or moving.
//!
//! `TIDINGS_BENCH_LIBRARY=DIR` benchmarks a real folder (e.g. one written by
//! `cargo run --release --example gen_corpus -- DIR 100000`); without it the same generator
//! writes `TIDINGS_BENCH_ARTICLES` (default 10,000) articles to a temporary folder.
// Test and benchmark setup fails loudly: `unwrap` is denied in shipped code only.
#![allow(clippy::unwrap_used)]

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tidings::app::{Action, App, Event, Settings, SortMode};
use tidings::article::Sentiment;
use tidings::library::Library;
use tidings::ui::article::Zone;
use tidings::ui::{Theme, View};

fn settings() -> Settings {
    Settings {
        sort: SortMode::Newest,
        show_drafts: false,
        now: Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap(),
        // As the reader starts.
        headlines_first: true,
        keymap: tidings::app::Keymap::default(),
        saved: std::collections::BTreeMap::default(),
        languages: Vec::new(),
    }
}

fn frame(terminal: &mut Terminal<TestBackend>, view: &mut View, app: &mut App) {
    let mut viewport = None;
    terminal
        .draw(|frame| viewport = Some(view.draw(frame, app)))
        .expect("test backend draws");
    app.handle(Event::Drawn(viewport.expect("drawn")));
}

/// As the reader does after a key: the headlines drawn, then counted and drawn again.
fn settle(terminal: &mut Terminal<TestBackend>, view: &mut View, app: &mut App) {
    frame(terminal, view, app);
    app.handle(Event::Idle);
    frame(terminal, view, app);
}

/// The time the last key of `text` takes, the keys before it already searched and counted:
/// until its headlines are drawn, or with `counted` until the sidebar's counts are drawn too.
fn last_key_of(
    text: &str,
    counted: bool,
    terminal: &mut Terminal<TestBackend>,
    view: &mut View,
    app: &mut App,
) -> Duration {
    let (before, last) = text.split_at(text.len() - 1);
    // Each word is looked up afresh, except the words before the last, which the reader
    // remembers from typing them.
    app.library().forget_recent_words();
    app.update(Action::ClearFilters);
    app.update(Action::StartQuery);
    for c in before.chars() {
        app.update(Action::QueryInput(c));
    }
    settle(terminal, view, app);
    let started = Instant::now();
    app.update(Action::QueryInput(
        last.chars().next().expect("one character"),
    ));
    if counted {
        settle(terminal, view, app);
    } else {
        frame(terminal, view, app);
    }
    let spent = started.elapsed();
    app.update(Action::QueryAccept);
    spent
}

fn reader(c: &mut Criterion) {
    let corpus = common::Corpus::new();
    let paths = corpus.paths("warm");
    let mut group = c.benchmark_group("reader");
    group.sample_size(20);

    let launch = |complete: bool| {
        let library = Library::open_cached(&corpus.roots, &paths).expect("cache opens");
        let mut app = App::new(library, settings());
        let mut terminal = Terminal::new(TestBackend::new(160, 45)).expect("backend");
        let mut view = View::new(Theme::colored(), Zone::Utc);
        frame(&mut terminal, &mut view, &mut app);
        if complete {
            app.handle(Event::Idle);
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

    let library = Library::open_cached(&corpus.roots, &paths).expect("cache opens");
    let mut app = App::new(library, settings());
    let mut terminal = Terminal::new(TestBackend::new(160, 45)).expect("backend");
    let mut view = View::new(Theme::colored(), Zone::Utc);
    frame(&mut terminal, &mut view, &mut app);
    app.handle(Event::Idle);

    // Each key of "bitcoin" typed and drawn, then erased and drawn: 14 keys per iteration,
    // from the widest result (one letter) to the narrowest.
    app.update(Action::StartQuery);
    group.bench_function(
        "query: type and erase \"bitcoin\" (14 keys, each drawn and counted)",
        |b| {
            b.iter(|| {
                app.library().forget_recent_words();
                for c in "bitcoin".chars() {
                    app.update(Action::QueryInput(c));
                    settle(&mut terminal, &mut view, &mut app);
                }
                for _ in 0..7 {
                    app.update(Action::QueryBackspace);
                    settle(&mut terminal, &mut view, &mut app);
                }
            });
        },
    );
    app.update(Action::QueryAccept);

    // One key at a time, the text before it already searched: what each keystroke costs, from
    // the widest result (one letter) to a two-word and a title-only query. Two figures a key:
    // until its headlines are drawn, and until the sidebar's counts are drawn too.
    for text in ["b", "bi", "bitc", "bitcoin", "bitcoin l", "title:bitcoin"] {
        for counted in [false, true] {
            let name = if counted {
                format!("query: the key that makes {text:?}, headlines and counts drawn")
            } else {
                format!("query: the key that makes {text:?}, headlines drawn")
            };
            group.bench_function(name, |b| {
                b.iter_custom(|iters| {
                    (0..iters)
                        .map(|_| last_key_of(text, counted, &mut terminal, &mut view, &mut app))
                        .sum()
                });
            });
        }
    }
    app.update(Action::ClearFilters);

    group.bench_function(
        "toggle negative on and off (2 keys, each drawn and counted)",
        |b| {
            b.iter(|| {
                for _ in 0..2 {
                    app.update(Action::ToggleSentiment(Sentiment::Negative));
                    settle(&mut terminal, &mut view, &mut app);
                }
            });
        },
    );

    group.bench_function("move down a headline and draw", |b| {
        b.iter(|| {
            app.update(Action::Down);
            frame(&mut terminal, &mut view, &mut app);
        });
    });
    drop(app);

    // Saved searches are counted in the sidebar too: each is a search of the result.
    let library = Library::open_cached(&corpus.roots, &paths).expect("cache opens");
    let mut saved = settings();
    saved.saved = [
        ("ETF longs", "tag:etf sentiment:pos"),
        ("unread", "is:unread"),
        ("miners", "mining"),
    ]
    .into_iter()
    .map(|(name, query)| (name.to_owned(), query.to_owned()))
    .collect();
    let mut app = App::new(library, saved);
    settle(&mut terminal, &mut view, &mut app);
    for text in ["b", "bitcoin l"] {
        let name = format!(
            "query: the key that makes {text:?}, headlines and counts drawn, three saved searches"
        );
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| last_key_of(text, true, &mut terminal, &mut view, &mut app))
                    .sum()
            });
        });
    }
    group.finish();
}

criterion_group!(benches, reader);
criterion_main!(benches);
