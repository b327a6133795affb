//! Inputs built to be slow (issue 11): each about 1 MB, parsed as a file is at load and rendered
//! as the reader and `tidings show` render it. Each should take well under a second; the time
//! should grow with the size of the input, not faster. Reading such a body back from the cache
//! is measured too: the reader does that on its event loop's thread.
// Test and benchmark setup fails loudly: `unwrap` is denied in shipped code only.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use tidings::article::parse_article;
use tidings::library::{Library, StorePaths};
use tidings::ui::Theme;
use tidings::ui::markdown::{Target, render};

const SIZE: usize = 1 << 20;

/// `unit` repeated to about [`SIZE`] bytes, after a frontmatter.
fn file(unit: &str) -> Vec<u8> {
    let mut text = String::from("---\ntitle: Slow on purpose\nexternalId: 'x'\n---\n");
    while text.len() < SIZE {
        text.push_str(unit);
    }
    text.into_bytes()
}

fn table(columns: usize) -> String {
    let row = |cell: &str| format!("|{}\n", format!(" {cell} |").repeat(columns));
    let mut text = row("head");
    text.push_str(&format!("|{}\n", "---|".repeat(columns)));
    text.push_str(&row("cell"));
    text
}

fn hostile(c: &mut Criterion) {
    let cases = [
        ("unterminated OSC introducers", file("\u{1b}]")),
        (
            "character references to controls",
            file("&#x1b;]0;x&#x07;&#x9b;31m&#x202e; "),
        ),
        ("nested quotes", file(">")),
        ("hard breaks", file("word  \n")),
        ("a table of 5,000 columns", file(&table(5_000))),
        ("one long line", file("abcdefghij")),
    ];
    let mut group = c.benchmark_group("1 MB built to be slow");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));
    for (name, bytes) in &cases {
        group.bench_function(format!("{name}: parse"), |b| {
            b.iter(|| black_box(parse_article("slow.md", "slow.md", bytes).unwrap()));
        });
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("news");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("slow.md"), bytes).unwrap();
        let paths = StorePaths {
            cache: dir.path().join("cache/cache.db"),
            state: dir.path().join("data/state.db"),
        };
        let library = Library::open(&[root], &paths).unwrap();
        group.bench_function(format!("{name}: body from the cache"), |b| {
            b.iter(|| black_box(library.details(0).unwrap().body.len()));
        });
        let body = parse_article("slow.md", "slow.md", bytes)
            .unwrap()
            .details
            .body;
        for (target, label) in [(Target::Screen, "on screen"), (Target::Pipe, "piped")] {
            group.bench_function(format!("{name}: render {label}, 100 columns"), |b| {
                b.iter(|| black_box(render(&body, 100, Theme::colored(), target).lines.len()));
            });
        }
    }
    group.finish();
}

criterion_group!(benches, hostile);
criterion_main!(benches);
