//! The data layer against real folders: loading, the cache, offline roots, user state, and
//! hostile files.
// Test and benchmark setup fails loudly: `unwrap` is denied in shipped code only.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{TimeZone, Utc};
use tidings::article::Sentiment;
use tidings::library::{Library, Severity, StorePaths};

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn root(&self) -> PathBuf {
        let root = self.dir.path().join("news");
        fs::create_dir_all(&root).unwrap();
        root
    }

    fn paths(&self) -> StorePaths {
        StorePaths {
            cache: self.dir.path().join("cache/cache.db"),
            state: self.dir.path().join("data/state.db"),
        }
    }

    fn open(&self) -> Library {
        Library::open(&[self.root()], &self.paths()).expect("library opens")
    }
}

fn article(title: &str, external_id: &str, lang: &str, updated: &str) -> String {
    format!(
        "---\ntitle: {title}\npublishedAt: '2026-03-01T10:00:00Z'\nupdatedAt: '{updated}'\nlang: {lang}\n\
         externalId: '{external_id}'\nsource: {{name: Test Wire, key: testwire, type: RSS}}\n\
         sentiment: neutral\n---\n## Overview\n\nBody of {title}.\n"
    )
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[test]
fn the_aggregator_shape_loads_with_every_field() {
    let env = Env::new();
    fs::copy(
        fixture("shapes/aggregator-shape.md"),
        env.root().join("a.md"),
    )
    .unwrap();
    let library = env.open();
    assert_eq!(library.len(), 1);
    assert!(library.problems().is_empty(), "{:?}", library.problems());
    let a = library.article(0);
    assert_eq!(
        a.title,
        "Solar output in the northern grid beat forecasts for a third straight week"
    );
    assert_eq!(
        a.description,
        "Operators credited clearer skies and new rooftop capacity, though storage remained the bottleneck…"
    );
    assert_eq!(
        a.published_at,
        Utc.with_ymd_and_hms(2026, 2, 3, 7, 41, 12).single()
    );
    assert_eq!(
        a.updated_at,
        Some(
            Utc.with_ymd_and_hms(2026, 2, 3, 9, 5, 47).unwrap()
                + chrono::Duration::milliseconds(321)
        )
    );
    assert_eq!(a.lang.as_deref(), Some("en"));
    assert_eq!(a.external_id.as_deref(), Some("80412077"));
    assert_eq!(
        (
            a.source.name.as_str(),
            a.source.key.as_str(),
            a.source.kind.as_str()
        ),
        ("Gridline Energy", "gridline", "RSS")
    );
    assert_eq!(a.id.0, "gridline/80412077/en");
    assert_eq!(a.category.as_deref(), Some("ENERGY"));
    assert_eq!(a.tags, ["SOLAR", "GRID", "STORAGE", "ENERGY NEWS"]);
    assert_eq!((a.sticky_weight, a.score, a.draft), (0.0, 0.0, false));
    assert_eq!(a.sentiment, Sentiment::Positive);
    assert!(
        a.ai.as_ref()
            .is_some_and(|ai| ai.rewritten && ai.version == Some(1))
    );

    let details = library.details(0).unwrap();
    assert_eq!(details.cover_image.len(), 6);
    assert_eq!(details.cover_image[2].0, "regular");
    assert!(details.ai_expanded_at.is_some());
    assert!(details.body.starts_with("## Overview"));
}

#[test]
fn a_second_start_reads_only_what_changed() {
    let env = Env::new();
    let root = env.root();
    for n in 0..20 {
        write(
            &root.join(format!("d{}/a{n}.md", n % 3)),
            &article(
                &format!("Story {n}"),
                &n.to_string(),
                "en",
                "2026-03-01T10:00:00Z",
            ),
        );
    }
    let first = env.open();
    assert_eq!(
        (first.report().parsed, first.report().added, first.len()),
        (20, 20, 20)
    );
    drop(first);

    let second = env.open();
    assert_eq!(
        second.report().parsed,
        0,
        "an unchanged library parses nothing"
    );
    assert_eq!(second.report().scanned, 20);
    assert_eq!(second.len(), 20);
    drop(second);

    write(
        &root.join("d0/a0.md"),
        &article(
            "Story zero, revised at length",
            "0",
            "en",
            "2026-03-02T10:00:00Z",
        ),
    );
    fs::remove_file(root.join("d1/a1.md")).unwrap();
    write(
        &root.join("new/fresh.md"),
        &article("A fresh story", "100", "en", "2026-03-01T10:00:00Z"),
    );
    let third = env.open();
    let report = third.report();
    assert_eq!(
        (report.parsed, report.updated, report.added, report.removed),
        (2, 1, 1, 1)
    );
    assert_eq!(third.len(), 20);
    let titles: Vec<&str> = third.articles().map(|a| a.title.as_str()).collect();
    assert!(titles.contains(&"Story zero, revised at length"));
    assert!(!titles.contains(&"Story 1"));
}

#[test]
fn every_spelling_of_a_root_is_one_library_to_the_cache() {
    let env = Env::new();
    let root = env.root();
    for n in 0..5 {
        write(
            &root.join(format!("a{n}.md")),
            &article(
                &format!("Story {n}"),
                &n.to_string(),
                "en",
                "2026-03-01T10:00:00Z",
            ),
        );
    }
    fs::create_dir_all(env.dir.path().join("x")).unwrap();
    let first = Library::open(std::slice::from_ref(&root), &env.paths()).unwrap();
    assert_eq!(first.report().added, 5);
    let paths = first.articles().map(|a| a.path.clone()).collect::<Vec<_>>();
    drop(first);
    let mut slash = root.clone().into_os_string();
    slash.push("/");
    let spellings = [
        PathBuf::from(slash),
        env.dir.path().join("x/../news"),
        env.dir.path().join("./news/."),
    ];
    #[cfg(unix)]
    let spellings = {
        let link = env.dir.path().join("link-to-news");
        std::os::unix::fs::symlink(&root, &link).unwrap();
        let mut all = spellings.to_vec();
        all.push(link);
        all
    };
    for spelling in spellings {
        let again = Library::open(std::slice::from_ref(&spelling), &env.paths()).unwrap();
        let report = again.report();
        assert_eq!(
            (report.added, report.parsed, again.len()),
            (0, 0, 5),
            "{} re-read the library",
            spelling.display()
        );
        let same = again.articles().map(|a| a.path.clone()).collect::<Vec<_>>();
        assert_eq!(same, paths, "{}", spelling.display());
        assert_eq!(again.roots().len(), 1);
    }
}

#[test]
fn a_missing_root_is_served_from_the_cache() {
    let env = Env::new();
    write(
        &env.root().join("a.md"),
        &article("Kept offline", "1", "en", "2026-03-01T10:00:00Z"),
    );
    drop(env.open());
    fs::remove_dir_all(env.root()).unwrap();
    let library = Library::open(&[env.dir.path().join("news")], &env.paths()).unwrap();
    assert_eq!(library.len(), 1);
    assert!(library.is_offline(0));
    assert!(library.roots()[0].offline.is_some());
    assert!(
        library
            .notices()
            .iter()
            .any(|n| n.contains("from the cache")),
        "{:?}",
        library.notices()
    );
    assert!(
        library
            .details(0)
            .unwrap()
            .body
            .contains("Body of Kept offline")
    );
}

#[test]
fn a_corrupt_cache_is_moved_aside_and_rebuilt() {
    let env = Env::new();
    write(
        &env.root().join("a.md"),
        &article("Survives", "1", "en", "2026-03-01T10:00:00Z"),
    );
    let cache = env.paths().cache;
    write(&cache, &"garbage, not a database ".repeat(500));
    let library = env.open();
    assert_eq!(library.len(), 1);
    assert_eq!(library.notices().len(), 1, "{:?}", library.notices());
    assert!(library.notices()[0].contains("moved aside"));
    let aside = fs::read_dir(cache.parent().unwrap())
        .unwrap()
        .filter_map(Result::ok)
        .any(|entry| {
            entry
                .file_name()
                .to_string_lossy()
                .starts_with("cache.db.broken-")
        });
    assert!(aside, "the damaged file is kept for inspection");
}

#[test]
fn marks_live_apart_from_the_cache() {
    let env = Env::new();
    write(
        &env.root().join("a.md"),
        &article("Read me", "1", "en", "2026-03-01T10:00:00Z"),
    );
    write(
        &env.root().join("b.md"),
        &article("Star me", "2", "en", "2026-03-01T10:00:00Z"),
    );
    let mut library = env.open();
    let read = library.find("testwire/1/en").unwrap();
    let starred = library.find("testwire/2/en").unwrap();
    library.set_read(read, true).unwrap();
    library.set_starred(starred, true).unwrap();
    drop(library);

    fs::remove_file(env.paths().cache).unwrap();
    let library = env.open();
    assert_eq!(library.report().parsed, 2, "the cache was rebuilt");
    assert!(library.marks(library.find("testwire/1/en").unwrap()).read);
    assert!(
        library
            .marks(library.find("testwire/2/en").unwrap())
            .starred
    );
    assert!(!library.marks(library.find("testwire/2/en").unwrap()).read);
}

#[test]
fn the_newer_copy_of_a_duplicate_wins_and_the_other_is_reported() {
    let env = Env::new();
    write(
        &env.root().join("old.md"),
        &article("Old wording", "7", "en", "2026-03-01T10:00:00Z"),
    );
    write(
        &env.root().join("new.md"),
        &article("New wording", "7", "en", "2026-03-05T10:00:00Z"),
    );
    let fresh = env.open();
    // The same from the stored image, which knows the library has duplicates.
    let cached = Library::open_cached(&[env.root()], &env.paths()).expect("library opens");
    for library in [fresh, cached] {
        assert_eq!(library.len(), 1);
        assert_eq!(library.article(0).title, "New wording");
        let duplicate = &library.problems()[0];
        assert!(
            duplicate.path.ends_with("old.md") && duplicate.message.contains("duplicate"),
            "{duplicate:?}"
        );
        assert_eq!(duplicate.severity, Severity::Warning);
    }
}

#[test]
fn translations_know_each_other() {
    let env = Env::new();
    write(
        &env.root().join("en.md"),
        &article("In English", "9", "en", "2026-03-01T10:00:00Z"),
    );
    write(
        &env.root().join("uk.md"),
        &article("Українською", "9", "uk", "2026-03-01T10:00:00Z").replace(
            "sentiment: neutral",
            "ai: {translatedFrom: '9', version: 1}",
        ),
    );
    write(
        &env.root().join("other.md"),
        &article("Unrelated", "10", "en", "2026-03-01T10:00:00Z"),
    );
    let library = env.open();
    let english = library.find("testwire/9/en").unwrap();
    let ukrainian = library.find("testwire/9/uk").unwrap();
    assert_eq!(library.translations(english), [ukrainian]);
    assert_eq!(library.translations(ukrainian), [english]);
    assert!(
        library
            .translations(library.find("testwire/10/en").unwrap())
            .is_empty()
    );
}

#[test]
fn hostile_files_each_give_one_clear_problem_and_the_rest_load() {
    let env = Env::new();
    let root = env.root();
    for entry in fs::read_dir(fixture("hostile")).unwrap() {
        let entry = entry.unwrap();
        let target = root.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            fs::create_dir_all(&target).unwrap();
            for inner in fs::read_dir(entry.path()).unwrap() {
                let inner = inner.unwrap();
                fs::copy(inner.path(), target.join(inner.file_name())).unwrap();
            }
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
    // Made here rather than committed: a 20 MB body, a symlink loop and a dangling link.
    let huge = format!("---\ntitle: Huge\n---\n{}", "word ".repeat(4 * 1024 * 1024));
    write(&root.join("bad-huge-body.md"), &huge);
    let mut nested = root.clone();
    for depth in 0..40 {
        nested = nested.join(format!("level{depth}"));
    }
    write(
        &nested.join("deep.md"),
        &article("Forty folders down", "40", "en", "2026-03-01T10:00:00Z"),
    );
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&root, root.join("loop")).unwrap();
        std::os::unix::fs::symlink(root.join("nowhere.md"), root.join("dangling.md")).unwrap();
    }

    let library = env.open();
    let titles: Vec<&str> = library.articles().map(|a| a.title.as_str()).collect();
    assert_eq!(library.len(), 6, "{titles:?}");
    assert!(titles.contains(&"Forty folders down"));

    let errors: Vec<(String, &str)> = library
        .problems()
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| {
            (
                Path::new(&p.path)
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                p.message.as_str(),
            )
        })
        .collect();
    let expect = [
        ("bad-alias-bomb.md", "YAML"),
        ("bad-binary.md", "binary"),
        ("bad-deep-nesting.md", "YAML"),
        ("bad-huge-body.md", "limit"),
        ("bad-invalid-utf8.md", "UTF-8"),
        ("bad-not-a-mapping.md", "list"),
        ("bad-unterminated.md", "never closed"),
        ("bad-yaml.md", "YAML"),
    ];
    assert_eq!(errors.len(), expect.len(), "{errors:#?}");
    for ((name, message), (expected_name, expected_word)) in errors.iter().zip(expect) {
        assert_eq!(name, expected_name);
        assert!(message.contains(expected_word), "{name}: {message}");
        assert!(!message.contains('\n'), "one line: {message}");
    }
    let warnings: Vec<&str> = library
        .problems()
        .iter()
        .filter(|p| p.severity == Severity::Warning)
        .map(|p| p.message.as_str())
        .collect();
    assert!(
        warnings.iter().any(|w| w.contains("10000 tags")),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|w| w.contains("not a date")),
        "{warnings:?}"
    );
    assert!(warnings.iter().any(|w| w.contains("loop")), "{warnings:?}");
    assert!(
        warnings.iter().any(|w| w.contains("dangling")),
        "{warnings:?}"
    );

    for (index, article) in library.articles().enumerate() {
        let details = library.details(index).unwrap();
        for text in [article.title.as_str(), &article.description, &details.body] {
            assert!(
                !text.chars().any(
                    |c| (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c)
                ),
                "{:?} keeps a control character: {text:?}",
                article.path
            );
        }
    }
}

#[test]
fn the_builtin_samples_cover_the_format() {
    let dir = tempfile::tempdir().unwrap();
    let library = Library::builtin(&dir.path().join("state.db"));
    assert!(library.len() >= 40, "{} samples", library.len());
    let articles: Vec<_> = library.articles().collect();
    for sentiment in Sentiment::ALL {
        assert!(
            articles.iter().any(|a| a.sentiment == sentiment),
            "no {sentiment:?} sample"
        );
    }
    assert!(articles.iter().any(|a| a.is_pinned()));
    assert!(articles.iter().any(|a| a.draft));
    assert!(articles.iter().any(|a| a.lang.as_deref() == Some("uk")));
    let sources: std::collections::HashSet<&str> =
        articles.iter().map(|a| a.source.key.as_str()).collect();
    assert!(sources.len() >= 4, "{sources:?}");
    let translated = (0..library.len())
        .filter(|&i| !library.translations(i).is_empty())
        .count();
    assert!(translated >= 2);
    assert!(
        library
            .problems()
            .iter()
            .any(|p| p.severity == Severity::Error),
        "a broken sample is reported"
    );
    for index in 0..library.len() {
        assert!(!library.details(index).unwrap().body.is_empty());
    }
}

#[test]
fn a_quick_check_sees_added_changed_and_removed_files() {
    let env = Env::new();
    let root = env.root();
    write(
        &root.join("a.md"),
        &article("A", "1", "en", "2026-03-01T10:00:00Z"),
    );
    write(
        &root.join("sub/b.md"),
        &article("B", "2", "en", "2026-03-01T10:00:00Z"),
    );
    env.open();
    let roots = [root.clone()];
    assert!(!Library::has_changes(&roots, &env.paths()).unwrap());
    write(
        &root.join("c.md"),
        &article("C", "3", "en", "2026-03-01T10:00:00Z"),
    );
    assert!(Library::has_changes(&roots, &env.paths()).unwrap(), "added");
    env.open();
    assert!(!Library::has_changes(&roots, &env.paths()).unwrap());
    write(
        &root.join("a.md"),
        &article("A, longer", "1", "en", "2026-03-01T10:00:00Z"),
    );
    assert!(
        Library::has_changes(&roots, &env.paths()).unwrap(),
        "changed"
    );
    env.open();
    fs::remove_file(root.join("sub/b.md")).unwrap();
    assert!(
        Library::has_changes(&roots, &env.paths()).unwrap(),
        "removed"
    );
    env.open();
    assert!(!Library::has_changes(&roots, &env.paths()).unwrap());
    let missing = [env.dir.path().join("unplugged")];
    assert!(
        !Library::has_changes(&missing, &env.paths()).unwrap(),
        "a missing folder is served from the cache"
    );
}

#[test]
fn a_refresh_counts_the_files_it_reads() {
    use std::sync::atomic::Ordering;
    let env = Env::new();
    let root = env.root();
    for n in 0..3 {
        write(
            &root.join(format!("{n}.md")),
            &article(
                &format!("N{n}"),
                &n.to_string(),
                "en",
                "2026-03-01T10:00:00Z",
            ),
        );
    }
    let progress = tidings::library::Progress::default();
    Library::open_with_progress(std::slice::from_ref(&root), &env.paths(), &progress).unwrap();
    assert_eq!(progress.to_read.load(Ordering::Relaxed), 3);
    assert_eq!(progress.read.load(Ordering::Relaxed), 3);
    let again = tidings::library::Progress::default();
    Library::open_with_progress(&[root], &env.paths(), &again).unwrap();
    assert_eq!(again.to_read.load(Ordering::Relaxed), 0, "nothing changed");
}

/// Copies the files of `from` into `to`, folders included.
fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn frontmatter_from_other_sites_loads_with_every_field() {
    let env = Env::new();
    copy_tree(&fixture("other-sites"), &env.root());
    let library = env.open();
    assert_eq!(library.len(), 4, "{:?}", library.problems());
    let by_id = |id: &str| library.article(library.find(id).unwrap());
    let day = |y, m, d, h, min, s| Some(Utc.with_ymd_and_hms(y, m, d, h, min, s).unwrap());

    let jekyll = by_id("_posts/2018-10-17-harbour-ferry-timetable.md");
    assert_eq!(
        jekyll.title,
        "Harbour ferry timetable changes for the winter"
    );
    assert_eq!(jekyll.published_at, day(2018, 10, 17, 0, 0, 0));
    assert_eq!(jekyll.tags, ["TRANSPORT", "HARBOUR"]);
    assert_eq!(jekyll.authors, ["Mira Kestrel"]);

    let hugo = by_id("hugo-blank-lines-comments.md");
    assert_eq!(hugo.title, "Library opening hours extended");
    assert_eq!(hugo.published_at, day(2021, 6, 1, 7, 30, 0));
    assert_eq!(hugo.tags, ["LIBRARIES", "CULTURE"]);
    assert_eq!(hugo.authors, ["Tomas Brell", "Ines Varga"]);

    let toml = by_id("hugo-toml-frontmatter.md");
    assert_eq!(toml.title, "Tram line to the river district opens");
    assert_eq!(
        toml.description,
        "Six new stops, trams every eight minutes."
    );
    assert_eq!(toml.published_at, day(2022, 3, 4, 5, 6, 7));
    assert_eq!(toml.updated_at, day(2022, 3, 10, 12, 0, 0));
    assert_eq!(toml.tags, ["TRANSPORT", "TRAMS"]);
    assert_eq!(toml.authors, ["Oskar Lind"]);
    assert!(!toml.draft);

    let aliased = by_id("aliased-keys.md");
    assert_eq!(aliased.title, "Market stalls return to the old square");
    assert_eq!(
        aliased.description,
        "Forty stalls, open on Saturdays until the end of October."
    );
    assert_eq!(aliased.published_at, day(2020, 9, 12, 0, 0, 0));
    assert_eq!(aliased.updated_at, day(2020, 9, 14, 16, 45, 0));
    assert_eq!(aliased.tags, ["FOOD", "MARKETS"]);
    assert_eq!(aliased.authors, ["Selma Ruud", "Piet Oran"]);

    // The one guess is a note on the Jekyll post; nothing is wrong.
    let problems: Vec<(&str, Severity, &str)> = library
        .problems()
        .iter()
        .map(|p| {
            let name = p.path.rsplit('/').next().unwrap();
            (name, p.severity, p.message.as_str())
        })
        .collect();
    assert_eq!(
        problems,
        [(
            "2018-10-17-harbour-ferry-timetable.md",
            Severity::Note,
            "no date in the frontmatter; 2018-10-17 taken from the file name"
        )]
    );
    // The note is kept with the file in the cache, like warnings.
    let cached = Library::open_cached(&[env.root()], &env.paths()).unwrap();
    assert_eq!(cached.problems(), library.problems());
}

#[test]
fn path_ids_and_their_marks_survive_a_move_of_the_folder() {
    let env = Env::new();
    write(
        &env.root().join("2024/harbour.md"),
        "# Harbour news\n\nText.\n",
    );
    write(&env.root().join("b.md"), "---\ntitle: B\n---\n");
    let mut library = env.open();
    let ids = |library: &Library| {
        let mut ids: Vec<String> = library.articles().map(|a| a.id.0.to_string()).collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&library), ["2024/harbour.md", "b.md"]);
    let harbour = library.find("2024/harbour.md").unwrap();
    library.set_starred(harbour, true).unwrap();
    drop(library);

    let moved = env.dir.path().join("elsewhere/archive");
    copy_tree(&env.root(), &moved);
    fs::remove_dir_all(env.root()).unwrap();
    let library = Library::open(std::slice::from_ref(&moved), &env.paths()).unwrap();
    assert_eq!(ids(&library), ["2024/harbour.md", "b.md"]);
    let harbour = library.find("2024/harbour.md").unwrap();
    assert!(library.marks(harbour).starred, "the mark followed the file");
    assert!(
        library
            .article(harbour)
            .path
            .starts_with(moved.to_str().unwrap())
    );
}

#[test]
fn the_same_path_in_two_folders_is_two_articles() {
    let env = Env::new();
    let other = env.dir.path().join("blog");
    write(
        &env.root().join("index.md"),
        "---\ntitle: News front page\n---\n",
    );
    write(
        &other.join("index.md"),
        "---\ntitle: Blog front page\n---\n",
    );
    let library = Library::open(&[env.root(), other], &env.paths()).unwrap();
    let mut titles: Vec<&str> = library.articles().map(|a| a.title.as_str()).collect();
    titles.sort_unstable();
    assert_eq!(titles, ["Blog front page", "News front page"]);
    assert!(library.problems().is_empty(), "{:?}", library.problems());
}

#[test]
fn marks_kept_under_a_full_path_by_an_earlier_version_are_carried_over() {
    let env = Env::new();
    write(&env.root().join("sub/a.md"), "---\ntitle: A\n---\n");
    let root = fs::canonicalize(env.root()).unwrap();
    {
        let mut state = tidings::library::StateStore::open(&{
            fs::create_dir_all(env.dir.path().join("data")).unwrap();
            env.paths().state
        })
        .unwrap();
        let old = tidings::article::ArticleId(format!("{}/sub/a.md", root.display()).into());
        state
            .set(
                &old,
                tidings::library::MarkChange {
                    read: Some(true),
                    starred: Some(true),
                },
            )
            .unwrap();
    }
    let library = env.open();
    let a = library.find("sub/a.md").unwrap();
    assert!(library.marks(a).read && library.marks(a).starred);
}

#[test]
fn a_missing_folder_never_indexed_is_named_as_such() {
    let env = Env::new();
    let never = env.dir.path().join("typo");
    let library = Library::open(std::slice::from_ref(&never), &env.paths()).unwrap();
    assert!(
        library
            .notices()
            .iter()
            .any(|n| n.contains("is missing and was never indexed")),
        "{:?}",
        library.notices()
    );
}

#[test]
fn a_mark_leaves_the_other_flag_as_another_tidings_set_it() {
    let env = Env::new();
    write(
        &env.root().join("a.md"),
        &article("Both kept", "1", "en", "2026-03-01T10:00:00Z"),
    );
    let mut reader = env.open();
    let mut script = env.open();
    script.set_starred(0, true).unwrap();
    // The reader's copy says "not starred"; marking it read must not say so to the store.
    reader.set_read(0, true).unwrap();
    assert!(reader.marks(0).starred, "the reader now shows the star");
    let marks = env.open().marks(0);
    assert!(marks.read && marks.starred, "{marks:?}");
    // And the other way round.
    script.set_starred(0, false).unwrap();
    reader.set_read(0, false).unwrap();
    let marks = env.open().marks(0);
    assert!(!marks.read && !marks.starred, "{marks:?}");
}

#[test]
fn a_file_that_could_not_be_read_is_read_on_the_next_refresh() {
    let env = Env::new();
    let file = env.root().join("a.md");
    write(
        &file,
        &article("Briefly locked", "1", "en", "2026-03-01T10:00:00Z"),
    );
    let mode = |mode| {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&file, fs::Permissions::from_mode(mode)).unwrap();
    };
    mode(0o000);
    if fs::read(&file).is_ok() {
        // Permissions do not bite (root): the test below fails a read another way.
        mode(0o644);
        return;
    }
    let locked = env.open();
    mode(0o644);
    assert_eq!(locked.len(), 0);
    assert!(
        locked.problems()[0].message.starts_with("cannot read"),
        "{:?}",
        locked.problems()
    );
    // chmod changes neither size nor time: only a read error that was not stored lets this in.
    let library = env.open();
    assert_eq!(library.len(), 1, "{:?}", library.problems());
    assert!(library.problems().is_empty(), "{:?}", library.problems());
}

#[cfg(target_os = "linux")]
#[test]
fn a_read_error_is_never_stored_against_the_files_stamp() {
    // /proc/self/mem reads fail (EIO at address 0) whoever reads it, root too, and it says it
    // is a regular file of size 0.
    if !Path::new("/proc/self/mem").exists() {
        return;
    }
    let env = Env::new();
    let file = env.root().join("a.md");
    std::os::unix::fs::symlink("/proc/self/mem", &file).unwrap();
    let failed = env.open();
    assert_eq!(failed.len(), 0);
    assert_eq!(failed.problems().len(), 1, "{:?}", failed.problems());
    assert!(
        failed.problems()[0].message.starts_with("cannot read"),
        "{:?}",
        failed.problems()
    );
    // The file becomes readable with the very stamp the failed read was made under (size 0,
    // the same time): a stored failure would be trusted for ever.
    let stamp = fs::metadata(&file).unwrap();
    fs::remove_file(&file).unwrap();
    let empty = fs::File::create(&file).unwrap();
    empty.set_modified(stamp.modified().unwrap()).unwrap();
    drop(empty);
    let library = env.open();
    assert_eq!(library.len(), 1, "{:?}", library.problems());
    assert_eq!(library.article(0).title, "a");
}

#[test]
fn a_cache_location_that_cannot_be_written_still_reads_the_library() {
    let env = Env::new();
    write(
        &env.root().join("a.md"),
        &article("Read anyway", "1", "en", "2026-03-01T10:00:00Z"),
    );
    // A file where the cache's folder should be: no cache can be made there, root or not.
    let blocked = env.dir.path().join("blocked");
    fs::write(&blocked, "not a folder").unwrap();
    let paths = StorePaths {
        cache: blocked.join("cache.db"),
        state: env.paths().state,
    };
    let library = Library::open(&[env.root()], &paths).unwrap();
    assert_eq!(library.len(), 1);
    assert_eq!(library.article(0).title, "Read anyway");
    assert!(
        library
            .details(0)
            .unwrap()
            .body
            .contains("Body of Read anyway")
    );
    assert_eq!(library.notices().len(), 1, "{:?}", library.notices());
    assert!(library.notices()[0].contains("without a cache"));
    let started = Library::open_cached(&[env.root()], &paths).unwrap();
    assert_eq!(started.len(), 0, "nothing was kept");
    assert_eq!(started.notices().len(), 1, "{:?}", started.notices());
    assert_eq!(fs::read(&blocked).unwrap(), b"not a folder");
}

#[cfg(unix)]
#[test]
fn names_that_differ_only_in_bytes_that_are_not_utf8_are_two_articles() {
    use std::os::unix::ffi::OsStrExt;
    let env = Env::new();
    let root = env.root();
    for (byte, title) in [(0xff_u8, "First of two"), (0xfe, "Second of two")] {
        let name = [b'a', byte, b'.', b'm', b'd'];
        write(
            &root.join(std::ffi::OsStr::from_bytes(&name)),
            &article(title, &byte.to_string(), "en", "2026-03-01T10:00:00Z"),
        );
    }
    let library = env.open();
    let mut titles: Vec<&str> = (0..library.len())
        .map(|i| library.article(i).title.as_str())
        .collect();
    titles.sort_unstable();
    assert_eq!(titles, ["First of two", "Second of two"]);
    assert!(library.article(0).path.ends_with("(not UTF-8)"));
    // Unchanged, both stay: neither is taken for the other's changed copy.
    let again = env.open();
    assert_eq!((again.len(), again.report().parsed), (2, 0));
}
