//! A bilingual library (`tests/fixtures/bilingual`: 22 stories, 14 told in English and
//! Ukrainian, 5 in English only, 3 in Ukrainian only): one row per story in the reader and in
//! `list`, `L` between versions, counts per story, and `lang:` listing the versions.
// Test and benchmark setup fails loudly: `unwrap` is denied in shipped code only.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use tidings::app::{App, Dimension, EntryKind, Key, Settings, SortMode};
use tidings::library::{Library, StorePaths};

const STORIES: usize = 22;
const ENGLISH: usize = 19;
const UKRAINIAN: usize = 17;
const ARTICLES: usize = 36;

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bilingual")
}

fn app(dir: &tempfile::TempDir, languages: &[&str]) -> App {
    let paths = StorePaths {
        cache: dir.path().join("cache/cache.db"),
        state: dir.path().join("data/state.db"),
    };
    let library = Library::open(&[fixture()], &paths).unwrap();
    App::new(
        library,
        Settings {
            sort: SortMode::Newest,
            show_drafts: false,
            now: chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 21, 12, 0, 0).unwrap(),
            headlines_first: false,
            keymap: tidings::app::Keymap::default(),
            saved: BTreeMap::default(),
            languages: languages.iter().map(|l| (*l).to_owned()).collect(),
        },
    )
}

fn langs(app: &App) -> Vec<String> {
    app.visible()
        .iter()
        .map(|&i| {
            app.article(i as usize)
                .lang
                .as_deref()
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

/// The sidebar's count for `name` in `dimension`.
fn count(app: &App, dimension: Dimension, name: &str) -> usize {
    app.sidebar_entries()
        .into_iter()
        .find(|e| matches!(&e.kind, EntryKind::Facet(d, n) if *d == dimension && n == name))
        .map_or(0, |e| e.count)
}

#[test]
fn the_reader_lists_one_row_per_story_in_the_preferred_language() {
    let dir = tempfile::tempdir().unwrap();
    let english = app(&dir, &["en", "uk"]);
    assert_eq!(english.visible().len(), STORIES);
    let shown = langs(&english);
    assert_eq!(
        shown.iter().filter(|l| *l == "en").count(),
        ENGLISH,
        "every story told in English shows in English"
    );
    assert_eq!(shown.iter().filter(|l| *l == "uk").count(), 3);

    let ukrainian = app(&dir, &["uk"]);
    assert_eq!(ukrainian.visible().len(), STORIES);
    assert_eq!(
        langs(&ukrainian).iter().filter(|l| *l == "uk").count(),
        UKRAINIAN
    );
}

#[test]
fn counts_are_per_story_and_a_language_counts_the_stories_told_in_it() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(&dir, &["en"]);
    assert_eq!(count(&app, Dimension::Lang, "en"), ENGLISH);
    assert_eq!(count(&app, Dimension::Lang, "uk"), UKRAINIAN);
    let tags: usize = app
        .sidebar_entries()
        .iter()
        .filter(|e| matches!(e.kind, EntryKind::Facet(Dimension::Tag, _)))
        .map(|e| e.count)
        .sum();
    assert_eq!(tags, STORIES, "one tag each, counted once per story");
    let sentiments: usize = app.facets().sentiment.iter().sum();
    assert_eq!(sentiments, STORIES);
}

#[test]
fn l_turns_a_story_to_its_other_language_and_a_read_mark_covers_both() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, &["en", "uk"]);
    let row = app
        .visible()
        .iter()
        .position(|&i| app.article(i as usize).title.starts_with("Museum night"))
        .unwrap();
    app.update(tidings::app::Action::SelectHeadline(row));
    app.handle_key(Key::Enter);
    let english = app.shown().unwrap();
    app.handle_key(Key::Char('L'));
    let ukrainian = app.shown().unwrap();
    assert_eq!(
        app.article(ukrainian).title,
        "Ніч музеїв зібрала рекордну кількість відвідувачів"
    );
    assert!(app.marks(english).read && app.marks(ukrainian).read);
    app.handle_key(Key::Char('L'));
    assert_eq!(app.shown(), Some(english), "L goes round");
    assert_eq!(app.visible().len(), STORIES, "still one row per story");
}

/// What `tidings ARGS` prints on the fixture, with its cache and marks in `env`.
fn run(env: &tempfile::TempDir, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_tidings"))
        .args(["--library", fixture().to_str().unwrap()])
        .args(args)
        .env("TIDINGS_CACHE_DIR", env.path().join("cache"))
        .env("TIDINGS_DATA_DIR", env.path().join("data"))
        .env("TIDINGS_CONFIG", env.path().join("config.toml"))
        .env("LANG", "en_GB.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn stats_counts_stories_and_the_languages_they_are_told_in_as_the_sidebar_does() {
    let env = tempfile::tempdir().unwrap();
    let stats = run(&env, &["stats"]);
    assert!(
        stats.starts_with(&format!("{STORIES} stories\n")),
        "{stats}"
    );
    let languages: Vec<(String, usize)> = stats
        .split("\nLanguages\n")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|line| !line.is_empty())
        .map(|line| {
            let (lang, count) = line.trim().split_once(' ').unwrap();
            (lang.to_owned(), count.trim().parse().unwrap())
        })
        .collect();
    assert_eq!(
        languages,
        [("en".to_owned(), ENGLISH), ("uk".to_owned(), UKRAINIAN)]
    );
    // Naming a language counts its versions, each a row.
    assert!(run(&env, &["stats", "lang:uk"]).starts_with(&format!("{UKRAINIAN} articles\n")));
}

#[test]
fn lang_terms_list_versions_and_english_plus_ukrainian_is_every_article() {
    let env = tempfile::tempdir().unwrap();
    let list = |query: &str| -> Vec<String> {
        let mut args = vec!["list", "--json"];
        args.extend((!query.is_empty()).then_some(query));
        run(&env, &args)
            .lines()
            .map(|line| {
                let json: serde_json::Value = serde_json::from_str(line).unwrap();
                json["path"].as_str().unwrap().to_owned()
            })
            .collect()
    };
    assert_eq!(list("").len(), STORIES, "one row per story");
    let english = list("lang:en");
    let ukrainian = list("lang:uk");
    assert_eq!((english.len(), ukrainian.len()), (ENGLISH, UKRAINIAN));
    let every: BTreeSet<String> = english.iter().chain(&ukrainian).cloned().collect();
    assert_eq!(every.len(), ARTICLES, "together, every article once");
    let files: BTreeSet<String> = std::fs::read_dir(fixture())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let listed: BTreeSet<String> = every
        .iter()
        .map(|path| path.rsplit('/').next().unwrap().to_owned())
        .collect();
    assert_eq!(listed, files);
    assert_eq!(list("lang:en|uk").len(), ARTICLES);
}

#[test]
fn marking_every_version_listed_writes_each_article_once() {
    let dir = tempfile::tempdir().unwrap();
    let paths = StorePaths {
        cache: dir.path().join("cache/cache.db"),
        state: dir.path().join("data/state.db"),
    };
    let mut library = Library::open(&[fixture()], &paths).unwrap();
    // As `lang:en|uk` lists them: every version a row, so a story's rows name each other.
    let every: Vec<usize> = (0..library.len()).collect();
    let changed = library
        .change_marks(&every, |_, marks| tidings::library::Marks {
            read: true,
            ..marks
        })
        .unwrap();
    assert_eq!(changed, library.len(), "each article counted once");
    assert!((0..library.len()).all(|i| library.marks(i).read));
}
