//! The images against the rows they mirror: the fast start, old caches, damage, several roots,
//! changes to named files.

use std::fs;
use std::path::{Path, PathBuf};

use super::{Library, StorePaths};

fn write_article(path: &Path, title: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let external = path.file_stem().unwrap().to_string_lossy();
    fs::write(
        path,
        format!(
            "---\ntitle: {title}\npublishedAt: '2026-03-01T10:00:00Z'\nexternalId: '{external}'\n\
             source: {{name: Test Wire, key: testwire, type: RSS}}\n---\nBody of {title}.\n"
        ),
    )
    .unwrap();
}

fn setup(count: usize) -> (tempfile::TempDir, PathBuf, StorePaths) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("news");
    for n in 0..count {
        write_article(
            &root.join(format!("d{}/a{n:03}.md", n % 4)),
            &format!("Story {n}"),
        );
    }
    let paths = StorePaths {
        cache: dir.path().join("cache/cache.db"),
        state: dir.path().join("data/state.db"),
    };
    (dir, root, paths)
}

fn titles(library: &Library) -> Vec<String> {
    (0..library.len())
        .map(|i| library.article(i).title.clone())
        .collect()
}

#[test]
fn the_fast_start_serves_what_the_refresh_stored() {
    let (_dir, root, paths) = setup(30);
    let opened = Library::open(std::slice::from_ref(&root), &paths).unwrap();
    let cached = Library::open_cached(&[root], &paths).unwrap();
    assert_eq!(titles(&cached), titles(&opened));
    assert_eq!(cached.len(), 30);
    let index = (0..cached.len())
        .find(|&i| cached.article(i).title == "Story 7")
        .unwrap();
    assert!(
        cached
            .details(index)
            .unwrap()
            .body
            .contains("Body of Story 7")
    );
}

#[test]
fn an_older_cache_is_set_up_anew_in_place_by_reading_the_files_again() {
    // Versions 2 to 5 kept other tables (a snapshot, no notes); their rows are not worth
    // converting.
    for version in [2, 3, 4, 5] {
        let (dir, root, paths) = setup(12);
        drop(Library::open(std::slice::from_ref(&root), &paths).unwrap());
        let conn = rusqlite::Connection::open(&paths.cache).unwrap();
        conn.execute_batch(&format!(
            "CREATE TABLE snapshot (root TEXT); PRAGMA user_version = {version};"
        ))
        .unwrap();
        drop(conn);
        // The text index's documents are filed under the old tables' ids: it is built again.
        let index = dir.path().join("cache/cache.index");
        assert!(super::text_index::is_complete_in(&index));
        drop(super::cache::Cache::open(&paths.cache, false).unwrap());
        assert!(
            !super::text_index::is_complete_in(&index),
            "version {version}"
        );
        let library = Library::open(std::slice::from_ref(&root), &paths).unwrap();
        assert!(super::text_index::is_complete_in(&index));
        assert_eq!(library.report().parsed, 12, "version {version}");
        assert_eq!(library.len(), 12);
        assert!(library.notices().is_empty(), "{:?}", library.notices());
        let mut cache_files: Vec<String> = fs::read_dir(dir.path().join("cache"))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            // The open cache's write-ahead log and its index.
            .filter(|name| !name.ends_with("-wal") && !name.ends_with("-shm"))
            .collect();
        cache_files.sort();
        assert_eq!(
            cache_files,
            ["cache.db", "cache.images", "cache.index"],
            "nothing moved aside"
        );
        let again = Library::open_cached(&[root], &paths).unwrap();
        assert_eq!(titles(&again), titles(&library));
        assert!(again.details(0).unwrap().body.starts_with("Body of"));
    }
}

#[test]
fn a_damaged_or_stale_image_is_rebuilt_from_the_rows() {
    let (dir, root, paths) = setup(12);
    let first = Library::open(std::slice::from_ref(&root), &paths).unwrap();
    let images = dir.path().join("cache/cache.images");
    let image = fs::read_dir(&images)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    fs::write(&image, b"tidings2\xff\xff\xff\x01").unwrap();
    let library = Library::open_cached(std::slice::from_ref(&root), &paths).unwrap();
    assert_eq!(titles(&library), titles(&first));

    // Another process committed rows this image does not know: it is not trusted.
    let stale = fs::read(&image).unwrap();
    write_article(&root.join("d0/late.md"), "Late arrival");
    drop(Library::open(std::slice::from_ref(&root), &paths).unwrap());
    fs::write(&image, stale).unwrap();
    let library = Library::open_cached(std::slice::from_ref(&root), &paths).unwrap();
    assert_eq!(library.len(), 13);
    assert!(titles(&library).contains(&"Late arrival".to_owned()));

    let library = Library::open(&[root], &paths).unwrap();
    assert_eq!(library.report().parsed, 0);
    assert_eq!(library.len(), 13);
}

#[test]
fn changes_reach_the_fast_start() {
    let (_dir, root, paths) = setup(12);
    drop(Library::open(std::slice::from_ref(&root), &paths).unwrap());
    fs::remove_file(root.join("d1/a001.md")).unwrap();
    write_article(&root.join("d1/a001x.md"), "Newcomer");
    write_article(&root.join("d2/a002.md"), "Story 2, revised at length");
    let opened = Library::open(std::slice::from_ref(&root), &paths).unwrap();
    assert_eq!(opened.report().parsed, 2);
    let cached = Library::open_cached(&[root], &paths).unwrap();
    let titles = titles(&cached);
    assert_eq!(titles.len(), 12);
    assert!(titles.contains(&"Newcomer".to_owned()));
    assert!(titles.contains(&"Story 2, revised at length".to_owned()));
    assert!(!titles.contains(&"Story 1".to_owned()));
}

#[test]
fn several_roots_load_together_and_a_nested_root_counts_once() {
    let (dir, root, paths) = setup(8);
    let other = dir.path().join("more");
    write_article(&other.join("b.md"), "Elsewhere");
    let nested = root.join("d0");
    let roots = [other.clone(), root.clone(), nested];
    let library = Library::open(&roots, &paths).unwrap();
    assert_eq!(library.len(), 9, "{:?}", titles(&library));
    let mut loaded: Vec<&str> = (0..library.len())
        .map(|i| library.article(i).path.as_str())
        .collect();
    loaded.sort_unstable();
    loaded.dedup();
    assert_eq!(loaded.len(), 9, "each file once");
    assert!(
        library.problems().is_empty(),
        "no duplicates: {:?}",
        library.problems()
    );
    let cached = Library::open_cached(&roots, &paths).unwrap();
    assert_eq!(titles(&cached), titles(&library));
}

#[test]
fn a_large_refresh_trains_a_dictionary_and_every_text_reads_back() {
    let count = super::compression::TRAIN_ON + 100;
    let (_dir, root, paths) = setup(count);
    let library = Library::open(std::slice::from_ref(&root), &paths).unwrap();
    assert_eq!(library.len(), count);
    let conn = rusqlite::Connection::open(&paths.cache).unwrap();
    let (dictionaries, with, without): (i64, i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM dictionaries),
                    (SELECT count(*) FROM details WHERE dict != 0),
                    (SELECT count(*) FROM details WHERE dict = 0)",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .unwrap();
    assert_eq!((dictionaries, with, without), (1, count as i64, 0));
    let cached = Library::open_cached(&[root], &paths).unwrap();
    for index in [0, count / 2, count - 1] {
        let title = &cached.article(index).title;
        let body = cached.details(index).unwrap().body;
        assert_eq!(body.trim(), format!("Body of {title}."));
    }
}

#[test]
fn named_files_are_looked_at_alone() {
    let (_dir, root, paths) = setup(8);
    let root = super::canonical(&root);
    drop(Library::open(std::slice::from_ref(&root), &paths).unwrap());
    let added = root.join("d1/new.md");
    write_article(&added, "Fresh news");
    write_article(&root.join("d2/a002.md"), "Story 2, corrected");
    fs::remove_file(root.join("d3/a003.md")).unwrap();
    // Changed too, but not named: not looked at until a walk.
    write_article(&root.join("d0/a004.md"), "Story 4, unseen");
    let named = [
        added,
        root.join("d2/a002.md"),
        root.join("d3/a003.md"),
        root.join("d0/a000.md"),
        root.join(".hidden/x.md"),
    ];
    let progress = super::Progress::default();
    let library =
        Library::open_after_changes(std::slice::from_ref(&root), &paths, &named, &progress)
            .unwrap();
    let report = library.report();
    assert_eq!(
        (report.added, report.updated, report.removed, report.parsed),
        (1, 1, 1, 2)
    );
    let titles = titles(&library);
    assert_eq!(titles.len(), 8);
    for title in ["Fresh news", "Story 2, corrected", "Story 4"] {
        assert!(titles.contains(&title.to_owned()), "{title} in {titles:?}");
    }
    assert!(!titles.contains(&"Story 3".to_owned()));
    let walked = Library::open(&[root], &paths).unwrap();
    assert_eq!(walked.report().parsed, 1, "only the unnamed change is left");
    assert!(super::tests::titles(&walked).contains(&"Story 4, unseen".to_owned()));
}

#[test]
fn a_check_of_the_folders_sees_files_added_and_removed_without_a_walk_of_the_files() {
    use super::Check;
    let (_dir, root, paths) = setup(12);
    let root = super::canonical(&root);
    let open = |check| Library::open_checking(std::slice::from_ref(&root), &paths, check).unwrap();
    drop(open(Check::Files));
    let untouched = open(Check::ChangedFolders);
    assert_eq!(
        untouched.report().scanned,
        0,
        "no folder changed: no file looked at"
    );
    assert_eq!(untouched.len(), 12);

    write_article(&root.join("d1/late.md"), "Late story");
    // Edited in place: no folder changes.
    write_article(&root.join("d2/a002.md"), "Story 2, edited in place");
    let checked = open(Check::ChangedFolders);
    let report = checked.report();
    assert_eq!((report.added, report.removed, report.updated), (1, 0, 0));
    assert_eq!(report.scanned, 4, "the files of d1 alone");
    assert!(titles(&checked).contains(&"Late story".to_owned()));

    // A walk of the files finds the edit.
    let walked = open(Check::Files);
    assert_eq!(walked.report().updated, 1);
    assert!(titles(&walked).contains(&"Story 2, edited in place".to_owned()));

    write_article(&root.join("d9/deeper/new.md"), "In a new folder");
    fs::remove_dir_all(root.join("d3")).unwrap();
    let checked = open(Check::ChangedFolders);
    let report = checked.report();
    assert_eq!((report.added, report.removed, report.updated), (1, 3, 0));
    let titles = titles(&checked);
    assert!(titles.contains(&"In a new folder".to_owned()));
    assert!(!titles.contains(&"Story 3".to_owned()));
    assert_eq!(checked.len(), 12 + 2 - 3);
    assert_eq!(open(Check::ChangedFolders).report().scanned, 0);
}

#[test]
fn a_cache_held_past_the_wait_is_served_as_committed_and_never_moved_aside() {
    let (dir, root, paths) = setup(8);
    drop(Library::open(std::slice::from_ref(&root), &paths).unwrap());
    write_article(&root.join("d0/late.md"), "Late arrival");
    // Another tidings writing for longer than a refresh waits (a long first index).
    let holder = rusqlite::Connection::open(&paths.cache).unwrap();
    holder
        .execute_batch("BEGIN IMMEDIATE; UPDATE settings SET value = value WHERE key = 'parser';")
        .unwrap();
    let library = Library::open(std::slice::from_ref(&root), &paths).unwrap();
    assert_eq!(library.len(), 8);
    assert!(
        library
            .notices()
            .iter()
            .any(|n| n.contains("another tidings is updating the cache")),
        "{:?}",
        library.notices()
    );
    assert_eq!(library.report().added, 0, "nothing was stored");
    holder.execute_batch("COMMIT").unwrap();
    drop(holder);
    let library = Library::open(std::slice::from_ref(&root), &paths).unwrap();
    assert_eq!(library.len(), 9);
    assert!(library.notices().is_empty(), "{:?}", library.notices());
    let names: Vec<String> = fs::read_dir(dir.path().join("cache"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.contains("broken")), "{names:?}");
}

#[test]
fn a_folder_renamed_away_while_it_is_read_is_read_again_when_it_is_back() {
    let (dir, root, paths) = setup(12);
    fs::create_dir_all(dir.path().join("cache")).unwrap();
    let mut cache = super::cache::Cache::open(&paths.cache, false).unwrap().0;
    let text = super::text_index::TextIndex::open(&dir.path().join("cache/cache.index")).unwrap();
    // What a walk saw, then the folder goes before its files are read.
    let root_key = super::root_key(&root);
    let found = super::scan::scan(Path::new(&root_key));
    assert_eq!(found.files.len(), 12);
    let away = dir.path().join("away");
    fs::rename(&root, &away).unwrap();
    let mut refreshed = super::refresh::Refreshed::default();
    let mut changed = super::refresh::Changes::default();
    for file in found.files {
        changed.push(file, super::refresh::Change::Added);
    }
    let since = cache.version(&root_key).unwrap();
    let image = super::refresh::store_changes(
        &mut cache,
        &text,
        &root_key,
        since,
        changed,
        Vec::new(),
        &mut refreshed,
        &super::Progress::default(),
    )
    .unwrap();
    assert_eq!(image.columns.len(), 0);
    assert_eq!(refreshed.skipped.len(), 12);
    assert!(refreshed.skipped[0].message.starts_with("cannot read"));
    drop((cache, text));
    // Back, unchanged: every file is read now, none trusted to be unreadable.
    fs::rename(&away, &root).unwrap();
    let library = Library::open(std::slice::from_ref(&root), &paths).unwrap();
    assert_eq!(library.len(), 12, "{:?}", library.problems());
}

#[test]
fn a_row_that_no_longer_decodes_is_read_again_from_its_file() {
    let (dir, root, paths) = setup(6);
    drop(Library::open(std::slice::from_ref(&root), &paths).unwrap());
    let conn = rusqlite::Connection::open(&paths.cache).unwrap();
    let changed = conn
        .execute(
            "UPDATE files SET meta = x'ff' WHERE path LIKE '%/a003.md'",
            [],
        )
        .unwrap();
    assert_eq!(changed, 1);
    drop(conn);
    // The start reads the rows, not an image made before the damage.
    fs::remove_dir_all(dir.path().join("cache/cache.images")).unwrap();
    let damaged = Library::open(std::slice::from_ref(&root), &paths).unwrap();
    assert_eq!(damaged.len(), 5);
    assert!(damaged.problems()[0].message.contains("unreadable"));
    drop(damaged);
    let library = Library::open(std::slice::from_ref(&root), &paths).unwrap();
    assert_eq!(library.len(), 6, "{:?}", library.problems());
    assert!(library.problems().is_empty(), "{:?}", library.problems());

    // Stored text that no longer decodes: the article is shown, its text read again next time.
    let conn = rusqlite::Connection::open(&paths.cache).unwrap();
    conn.execute(
        "UPDATE details SET data = x'00' WHERE file_id = (SELECT id FROM files WHERE path LIKE '%/a004.md')",
        [],
    )
    .unwrap();
    drop(conn);
    let index = (0..library.len())
        .find(|&i| library.article(i).title == "Story 4")
        .unwrap();
    assert!(library.details(index).is_err());
    drop(library);
    let library = Library::open(std::slice::from_ref(&root), &paths).unwrap();
    let index = (0..library.len())
        .find(|&i| library.article(i).title == "Story 4")
        .unwrap();
    assert!(
        library
            .details(index)
            .unwrap()
            .body
            .contains("Body of Story 4")
    );
}

/// A library whose articles' text fills many pages of the cache.
fn setup_wordy(count: usize) -> (tempfile::TempDir, PathBuf, StorePaths) {
    let (dir, root, paths) = setup(0);
    let mut seed = 7u64;
    for n in 0..count {
        let words: Vec<String> = (0..400)
            .map(|_| {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                format!("w{:x}", seed >> 44)
            })
            .collect();
        let path = root.join(format!("a{n:03}.md"));
        fs::create_dir_all(&root).unwrap();
        fs::write(
            path,
            format!(
                "---\ntitle: Story {n}\npublishedAt: '2026-03-01T10:00:00Z'\nexternalId: '{n}'\n---\n{}\n",
                words.join(" ")
            ),
        )
        .unwrap();
    }
    (dir, root, paths)
}

/// Overwrites the last page of the cache that holds compressed text (a zstd frame), as a bad
/// disk sector would: the open, which touches the first page of each table, does not see it.
fn damage_a_page_of_text(cache: &Path) {
    let mut bytes = fs::read(cache).unwrap();
    let page = usize::from(u16::from_be_bytes([bytes[16], bytes[17]]));
    let last = (1..bytes.len() / page)
        .rev()
        .find(|&p| {
            bytes[p * page..(p + 1) * page]
                .windows(4)
                .any(|w| w == [0x28, 0xb5, 0x2f, 0xfd])
        })
        .expect("a page of text");
    bytes[last * page..(last + 1) * page].fill(0xff);
    fs::write(cache, bytes).unwrap();
}

#[test]
fn damage_met_while_reading_moves_the_cache_aside_on_the_next_open() {
    let (_dir, root, paths) = setup_wordy(40);
    drop(Library::open(std::slice::from_ref(&root), &paths).unwrap());
    damage_a_page_of_text(&paths.cache);
    let library = Library::open(std::slice::from_ref(&root), &paths).unwrap();
    assert!(library.notices().is_empty(), "{:?}", library.notices());
    let failed = (0..library.len())
        .filter(|&i| library.details(i).is_err())
        .count();
    assert!(failed > 0, "the damaged page is read");
    drop(library);
    let library = Library::open(std::slice::from_ref(&root), &paths).unwrap();
    assert!(
        library.notices().iter().any(|n| n.contains("moved aside")),
        "{:?}",
        library.notices()
    );
    assert_eq!(library.len(), 40);
    assert!((0..library.len()).all(|i| library.details(i).is_ok()));
}

#[test]
fn a_check_looks_at_every_page_of_the_cache() {
    let (_dir, root, paths) = setup_wordy(40);
    drop(Library::open(std::slice::from_ref(&root), &paths).unwrap());
    damage_a_page_of_text(&paths.cache);
    let open = |check| Library::open_checking(std::slice::from_ref(&root), &paths, check).unwrap();
    assert!(open(super::Check::Files).notices().is_empty());
    let checked = open(super::Check::FilesAndCache);
    assert!(
        checked.notices().iter().any(|n| n.contains("moved aside")),
        "{:?}",
        checked.notices()
    );
    assert!((0..checked.len()).all(|i| checked.details(i).is_ok()));
}

#[test]
fn stories_are_kept_in_the_image_and_worked_out_again_when_it_is_damaged() {
    let (dir, root, paths) = setup(6);
    fs::create_dir_all(root.join("told")).unwrap();
    for (name, lang, from) in [
        ("en", "en", ""),
        ("uk", "uk", "ai: {translatedFrom: shared}\n"),
    ] {
        fs::write(
            root.join(format!("told/{name}.md")),
            format!(
                "---\ntitle: Told in {lang}\nlang: {lang}\nexternalId: shared\n{from}\
                 source: {{name: Test Wire, key: testwire}}\n---\nBody.\n"
            ),
        )
        .unwrap();
    }
    let told = |library: &Library| -> Vec<String> {
        let en = (0..library.len())
            .find(|&i| library.article(i).title == "Told in en")
            .unwrap();
        let versions = library.stories().versions(en);
        versions
            .iter()
            .map(|&i| library.article(i as usize).title.clone())
            .collect()
    };
    let opened = Library::open(std::slice::from_ref(&root), &paths).unwrap();
    assert_eq!(told(&opened), ["Told in en", "Told in uk"]);
    assert_eq!(opened.stories().count(), 1);
    let cached = Library::open_cached(std::slice::from_ref(&root), &paths).unwrap();
    assert_eq!(told(&cached), told(&opened));

    // The last version's index, the last bytes of the image, made to point past the articles.
    let image = fs::read_dir(dir.path().join("cache/cache.images"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let mut bytes = fs::read(&image).unwrap();
    let end = bytes.len();
    bytes[end - 4..].copy_from_slice(&u32::MAX.to_le_bytes());
    fs::write(&image, &bytes).unwrap();
    let rebuilt = Library::open_cached(std::slice::from_ref(&root), &paths).unwrap();
    assert_eq!(told(&rebuilt), told(&opened));
    assert_ne!(
        fs::read(&image).unwrap(),
        bytes,
        "the image is written again"
    );
}
