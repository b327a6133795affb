//! A small library written for the reader's tests, and an `App` over it at a fixed time.

use std::fs;
use std::path::PathBuf;

use chrono::{DateTime, TimeZone, Utc};
use tidings::app::{App, Settings, SortMode};
use tidings::library::{Library, StorePaths};

/// The moment the tests are run "at": a day after the newest fixture article.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0).unwrap()
}

pub struct Fixture {
    pub dir: tempfile::TempDir,
}

/// `(file, title, sentiment, tags, extra frontmatter)`, newest first by publishedAt.
const ARTICLES: &[(&str, &str, &str, &str, &str)] = &[
    (
        "alpha-en.md",
        "Alpha rally lifts markets",
        "POSITIVE",
        "[ETF, BTC]",
        "publishedAt: '2026-11-20T10:00:00Z'\nlang: en\nexternalId: 'a1'\nscore: 5\n\
         canonicalUrl: https://example.org/alpha\n",
    ),
    (
        "alpha-uk.md",
        "Альфа: ралі підняло ринки",
        "POSITIVE",
        "[ETF, BTC]",
        "publishedAt: '2026-11-20T09:00:00Z'\nlang: uk\nexternalId: 'a1'\nscore: 4\n\
         ai: {rewritten: true, translatedFrom: 'a1'}\n",
    ),
    (
        "bravo.md",
        "Bravo miners sell off",
        "NEGATIVE",
        "[MINING]",
        "publishedAt: '2026-11-19T08:00:00Z'\nlang: en\nexternalId: 'b2'\nscore: 9\n",
    ),
    (
        "charlie.md",
        "Charlie rates held steady",
        "NEUTRAL",
        "[MACRO, ETF]",
        "publishedAt: '2026-11-12T08:00:00Z'\nlang: en\nexternalId: 'c3'\nscore: 1\nstickyWeight: 2\n",
    ),
    (
        "delta.md",
        "Delta mood unclear",
        "mystery",
        "[BTC]",
        "publishedAt: '2026-11-10T08:00:00Z'\nlang: en\nexternalId: 'd4'\nscore: 2\n",
    ),
    (
        "echo.md",
        "Echo draft memo",
        "POSITIVE",
        "[MACRO]",
        "publishedAt: '2026-11-20T12:00:00Z'\nlang: en\nexternalId: 'e5'\ndraft: true\n",
    ),
];

impl Fixture {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("news");
        fs::create_dir_all(&root).unwrap();
        for (file, title, sentiment, tags, extra) in ARTICLES {
            let source = if file.starts_with("bravo") {
                "{name: Ledger Wire, key: ledgerwire, type: RSS}"
            } else {
                "{name: Chain Herald, key: chainherald, type: RSS}"
            };
            let mut body = format!(
                "## Overview\n\n{title}: the opening paragraph, written for this test, with a \
                 [reference](https://example.org/{file}).\n\n- a first point\n- a second point\n"
            );
            for n in 1..=30 {
                body.push_str(&format!(
                    "\nParagraph {n} of {title}, long enough to scroll.\n"
                ));
            }
            let text = format!(
                "---\ntitle: \"{title}\"\ndescription: \"About {title}.\"\nsource: {source}\n\
                 category: TEST\ntags: {tags}\nsentiment: {sentiment}\n{extra}---\n{body}"
            );
            fs::write(root.join(file), text).unwrap();
        }
        Self { dir }
    }

    /// A library of the Markdown files in `tests/fixtures/{folder}`.
    #[allow(dead_code)]
    pub fn of_fixtures(folder: &str) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("news");
        fs::create_dir_all(&root).unwrap();
        let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(folder);
        for entry in fs::read_dir(fixtures).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|ext| ext == "md") {
                fs::copy(&path, root.join(path.file_name().unwrap())).unwrap();
            }
        }
        Self { dir }
    }

    pub fn root(&self) -> PathBuf {
        self.dir.path().join("news")
    }

    pub fn paths(&self) -> StorePaths {
        StorePaths {
            cache: self.dir.path().join("cache/cache.db"),
            state: self.dir.path().join("data/state.db"),
        }
    }

    pub fn library(&self) -> Library {
        Library::open(&[self.root()], &self.paths()).expect("library opens")
    }

    pub fn app(&self) -> App {
        self.app_with(false)
    }

    /// With `headlines_first`, as the reader starts: counts come with `count_shown`.
    pub fn app_with(&self, headlines_first: bool) -> App {
        self.app_with_saved(headlines_first, &[])
    }

    /// With saved searches `(name, query)`.
    pub fn app_with_saved(&self, headlines_first: bool, saved: &[(&str, &str)]) -> App {
        App::new(
            self.library(),
            Settings {
                sort: SortMode::Newest,
                show_drafts: false,
                now: now(),
                headlines_first,
                keymap: tidings::app::Keymap::default(),
                saved: saved
                    .iter()
                    .map(|(name, query)| ((*name).to_owned(), (*query).to_owned()))
                    .collect(),
                languages: Vec::new(),
            },
        )
    }
}

/// The titles of the listed headlines, in order.
#[allow(dead_code)]
pub fn titles(app: &App) -> Vec<String> {
    app.visible()
        .iter()
        .map(|&i| app.article(i as usize).title.clone())
        .collect()
}

/// The title of the selected headline.
#[allow(dead_code)]
pub fn selected_title(app: &App) -> String {
    let index = app.selected_index().expect("a selection");
    app.article(index).title.clone()
}
