//! Full-text search on a library whose words are often only in the bodies
//! (`tests/fixtures/fulltext`): every article that mentions a word is found by it, in the library,
//! in `tidings list` and in the reader.
// Test and benchmark setup fails loudly: `unwrap` is denied in shipped code only.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use tidings::app::{App, Key, Settings, SortMode};
use tidings::library::{Library, Scope, StorePaths};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fulltext")
}

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn paths(&self) -> StorePaths {
        StorePaths {
            cache: self.dir.path().join("cache/cache.db"),
            state: self.dir.path().join("data/state.db"),
        }
    }

    fn library(&self) -> Library {
        Library::open(&[fixture()], &self.paths()).expect("library opens")
    }
}

/// Lower-cased runs of letters and digits: what a reader would call the words of a text.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The oracle: the file names whose text has `query`'s words in a row, the last one as the start
/// of a word, found by scanning the parsed article and its body.
fn mentions(library: &Library, query: &str, title_only: bool) -> BTreeSet<String> {
    let wanted = words(query);
    (0..library.len())
        .filter(|&i| {
            let article = library.article(i);
            let text = if title_only {
                article.title.clone()
            } else {
                let body = library.details(i).expect("details").body;
                let tags = article.tags.join(" ");
                let authors = article.authors.join("\n");
                [
                    article.title.as_str(),
                    &article.description,
                    &article.source.name,
                    &article.source.key,
                    article.category.as_deref().unwrap_or(""),
                    &tags,
                    &authors,
                    &body,
                ]
                .join("\n")
            };
            let have = words(&text);
            have.windows(wanted.len()).any(|run| {
                let (last, first) = wanted.split_last().expect("a word");
                run[..first.len()] == *first && run[first.len()].starts_with(last.as_str())
            })
        })
        .map(|i| name(library, i))
        .collect()
}

fn name(library: &Library, index: usize) -> String {
    Path::new(&library.article(index).path)
        .file_name()
        .expect("a file name")
        .to_string_lossy()
        .into_owned()
}

fn found(library: &Library, query: &str, scope: Scope) -> BTreeSet<String> {
    library
        .text_matches(query, scope)
        .expect("the index answers")
        .expect("searchable words")
        .iter()
        .map(|&i| name(library, i as usize))
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

#[test]
fn every_article_that_mentions_a_word_is_found_by_it() {
    let env = Env::new();
    let library = env.library();
    assert_eq!(library.len(), 7);
    // The fixture is what it says it is: most mentions are in bodies alone.
    assert_eq!(
        mentions(&library, "glassnode", false),
        set(&["custody.md", "dashboards.md", "flows.md", "miners.md"])
    );
    for query in [
        "glassnode",
        "GLASSNODE",
        "glass",
        "hashprice",
        "sidechain",
        "Ковальчук",
        "ковальч",
        "exchange balances",
        "pension",
        "testdesk",
        "etf",
        "zeppelin",
        // One letter: the start of any word, looked up among the words' first letters.
        "g",
        "Z",
        "к",
        "p",
        "w",
        "s",
        "b",
        "7",
    ] {
        assert_eq!(
            found(&library, query, Scope::Everywhere),
            mentions(&library, query, false),
            "{query}"
        );
        assert_eq!(
            found(&library, query, Scope::Title),
            mentions(&library, query, true),
            "title:{query}"
        );
    }
    assert_eq!(
        found(&library, "glassnode", Scope::Title),
        set(&["dashboards.md"])
    );
    // Authors: each name searched on its own, so a phrase never runs from one into the next.
    assert_eq!(
        found(&library, "weller", Scope::Author),
        set(&["miners.md"])
    );
    assert_eq!(found(&library, "brin", Scope::Author), set(&["miners.md"]));
    assert_eq!(
        found(&library, "гнатюк", Scope::Author),
        set(&["kyiv-uk.md"])
    );
    assert_eq!(found(&library, "weller tomas", Scope::Author), set(&[]));
    assert_eq!(found(&library, "glassnode", Scope::Author), set(&[]));
    assert_eq!(
        found(&library, "weller", Scope::Everywhere),
        set(&["miners.md"])
    );
    // Link targets are not text: custody.md links to example.org/dash.
    assert!(mentions(&library, "example", false).contains("custody.md"));
    assert_eq!(found(&library, "example", Scope::Everywhere), set(&[]));
    assert_eq!(library.text_matches("--", Scope::Everywhere), Ok(None));
}

#[test]
fn the_text_index_follows_added_changed_and_removed_files() {
    let env = Env::new();
    let root = env.dir.path().join("news");
    std::fs::create_dir_all(&root).unwrap();
    for entry in std::fs::read_dir(fixture()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, root.join(path.file_name().unwrap())).unwrap();
    }
    let open = || Library::open(std::slice::from_ref(&root), &env.paths()).unwrap();
    assert_eq!(
        found(&open(), "hashprice", Scope::Everywhere),
        set(&["miners.md"])
    );

    let miners = std::fs::read_to_string(root.join("miners.md")).unwrap();
    std::fs::write(
        root.join("miners.md"),
        miners.replace("Hashprice", "Revenue per terahash"),
    )
    .unwrap();
    std::fs::write(
        root.join("later.md"),
        "---\ntitle: Later\n---\nHashprice recovered in November.\n",
    )
    .unwrap();
    std::fs::remove_file(root.join("flows.md")).unwrap();
    let library = open();
    assert_eq!(library.report().parsed, 2);
    assert_eq!(
        found(&library, "hashprice", Scope::Everywhere),
        set(&["later.md"])
    );
    assert_eq!(
        found(&library, "terahash", Scope::Everywhere),
        set(&["miners.md"])
    );
    assert_eq!(
        found(&library, "glassnode", Scope::Everywhere),
        set(&["custody.md", "dashboards.md", "miners.md"])
    );
}

#[test]
fn a_lost_text_index_is_rebuilt_from_the_cache_without_reading_the_files() {
    let env = Env::new();
    drop(env.library());
    std::fs::remove_dir_all(env.dir.path().join("cache/cache.index")).unwrap();
    let library = env.library();
    assert_eq!(library.report().parsed, 0, "the files are not read again");
    assert_eq!(
        found(&library, "hashprice", Scope::Everywhere),
        set(&["miners.md"])
    );
}

#[test]
fn list_finds_words_in_bodies_and_title_restricts_to_titles() {
    let env = Env::new();
    let list = |query: &str| {
        let output = Command::new(env!("CARGO_BIN_EXE_tidings"))
            .args(["--library", fixture().to_str().unwrap(), "list", query])
            .env("TIDINGS_CACHE_DIR", env.dir.path().join("cache"))
            .env("TIDINGS_DATA_DIR", env.dir.path().join("data"))
            .env("TIDINGS_CONFIG", env.dir.path().join("config.toml"))
            .stdin(Stdio::null())
            .output()
            .expect("tidings runs");
        assert!(output.status.success(), "{output:?}");
        String::from_utf8(output.stdout).expect("UTF-8")
    };
    let all = list("glassnode");
    assert_eq!(all.lines().count(), 4, "{all}");
    for title in [
        "Fund flows turn positive",
        "Miners feel the squeeze",
        "A custody bank widens",
        "How to read a Glassnode chart",
    ] {
        assert!(all.contains(title), "{title} missing from {all}");
    }
    let titles = list("title:glassnode");
    assert_eq!(titles.lines().count(), 1, "{titles}");
    assert!(titles.contains("How to read a Glassnode chart"));
    assert_eq!(list("-glassnode").lines().count(), 3);
    let by = list("author:weller");
    assert_eq!(by.lines().count(), 1, "{by}");
    assert!(by.contains("Miners feel the squeeze"), "{by}");
    assert_eq!(list("by:гнатюк").lines().count(), 1);
    assert_eq!(list("author:glassnode").lines().count(), 0);
}

#[test]
fn typing_a_word_in_the_reader_finds_it_in_bodies() {
    let env = Env::new();
    let mut app = App::new(
        env.library(),
        Settings {
            sort: SortMode::Newest,
            show_drafts: false,
            now: chrono::Utc::now(),
            headlines_first: false,
            keymap: tidings::app::Keymap::default(),
            saved: std::collections::BTreeMap::default(),
            languages: Vec::new(),
        },
    );
    app.handle_key(Key::Char('/'));
    let mut sizes = Vec::new();
    for c in "hashp".chars() {
        app.handle_key(Key::Char(c));
        sizes.push(app.visible().len());
    }
    // `h` and `ha` start many words; `hash` only the table cell's and nothing else.
    assert_eq!(sizes.last(), Some(&1), "{sizes:?}");
    let index = app.visible()[0] as usize;
    assert_eq!(
        app.article(index).title,
        "Miners feel the squeeze as fees stay low"
    );
    for _ in 0..5 {
        app.handle_key(Key::Backspace);
    }
    for c in "title:glassnode".chars() {
        app.handle_key(Key::Char(c));
    }
    assert_eq!(app.visible().len(), 1);
}
