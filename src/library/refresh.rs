//! Brings the cache in line with the folders: walks each root while the cache's stamps are read,
//! compares the two (both are in path order), parses only new and changed files, forgets deleted
//! ones, and updates the root's image.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::mpsc;

use rayon::prelude::*;

use super::cache::{Cache, Entry, Stamp};
use super::columns::Columns;
use super::image::{Image, Stored, Version};
use super::text_index::TextIndex;
use super::{
    Check, LoadError, Problem, Progress, RefreshReport, RootReport, Severity, root_report, scan,
};
use crate::article::{MAX_FILE_BYTES, ParseError, parse_article};

/// Files read between two commits of a long refresh.
const COMMIT_EVERY: usize = 8192;

#[derive(Default)]
pub(super) struct Refreshed {
    pub roots: Vec<RootReport>,
    /// One per root, in the same order.
    pub images: Vec<Image>,
    pub report: RefreshReport,
    pub skipped: Vec<Problem>,
    pub notices: Vec<String>,
}

/// Refreshes every present root, looking for changes as `check` says.
pub(super) fn refresh(
    cache: &mut Cache,
    text: &TextIndex,
    roots: &[PathBuf],
    check: Check<'_>,
    progress: &Progress,
) -> Result<Refreshed, LoadError> {
    if !text.is_complete() {
        // A new text index (first run of this version, or the old one was unreadable): every
        // cached article is indexed from the cache, offline roots included, files unread.
        let mut writer = text.writer()?;
        writer.clear()?;
        // Committed in batches, as a long refresh is: one commit of a million documents holds
        // far more memory while it is merged.
        let mut indexed = 0;
        let mut failed = None;
        cache.for_each_document(|file_id, article, body_text| {
            writer.put(file_id, article, body_text);
            indexed += 1;
            if indexed % COMMIT_EVERY == 0 && failed.is_none() {
                failed = writer.commit().err();
            }
        })?;
        if let Some(error) = failed {
            return Err(error.into());
        }
        writer.commit()?;
        text.mark_complete()?;
        text.reload()?;
    }
    let mut refreshed = Refreshed::default();
    for root in roots {
        let report = root_report(root, cache)?;
        let image = match report.offline_notice() {
            Some(notice) => {
                refreshed.notices.push(notice);
                cache.image(&report.path)?
            }
            None => {
                let (counted, skipped) = (refreshed.report, refreshed.skipped.len());
                let stored = match check {
                    Check::Files | Check::FilesAndCache | Check::ChangedFolders => {
                        refresh_root(cache, text, &report.path, &mut refreshed, progress, check)
                    }
                    Check::Named(files) => {
                        let under: Vec<&Path> = files
                            .iter()
                            .map(PathBuf::as_path)
                            .filter(|file| file.starts_with(&report.path))
                            .collect();
                        refresh_files(cache, text, &report.path, &under, &mut refreshed, progress)
                    }
                };
                match stored {
                    Ok(image) => image,
                    // Another tidings held the cache past the wait (a long first index): what
                    // it has committed is served, and the changes wait for the next refresh.
                    Err(error) if error.is_busy() => {
                        refreshed.report = counted;
                        refreshed.skipped.truncate(skipped);
                        refreshed.notices.push(format!(
                            "another tidings is updating the cache; showing what it has stored of {} so far",
                            report.path
                        ));
                        cache.image(&report.path)?
                    }
                    Err(error) => return Err(error),
                }
            }
        };
        // A folder that went away while it was read (unmounted, renamed) is offline, as if it
        // had been missing from the start: what could not be read was not stored.
        let report = match report.offline {
            None => {
                let now = root_report(root, cache)?;
                if let Some(reason) = &now.offline {
                    refreshed.notices.push(format!(
                        "library folder {} became {reason} while it was read; showing its articles from the cache",
                        now.path
                    ));
                }
                now
            }
            Some(_) => report,
        };
        refreshed.roots.push(report);
        refreshed.images.push(image);
    }
    Ok(refreshed)
}

/// Finds what changed under a present root, as `check` says to look, stores it, and gives back
/// the root's image.
fn refresh_root(
    cache: &mut Cache,
    text: &TextIndex,
    root: &str,
    refreshed: &mut Refreshed,
    progress: &Progress,
    check: Check<'_>,
) -> Result<Image, LoadError> {
    // Before the stamps are read: whether another tidings committed since is told by the root's
    // generation at the end (see `store_changes`).
    let since = cache.version(root)?;
    let tops = match check {
        Check::ChangedFolders => {
            let known = cache.folders(root)?;
            if known.is_empty() {
                // Never walked by this cache: the folders' times are not known yet.
                vec![root.to_owned()]
            } else {
                scan::changed_folders(root, &known)
            }
        }
        _ => vec![root.to_owned()],
    };
    let mut changed = Changes::default();
    let mut removed = Vec::new();
    let mut walked = Vec::new();
    for top in tops {
        // Walking is system calls and reading the stamps is the database: they overlap well.
        let (found, stamps) = std::thread::scope(|scope| {
            let walking = scope.spawn(|| scan::scan(Path::new(&top)));
            let stamps = cache.stamps_under(root, &top);
            let found = walking
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (found, stamps)
        });
        let stamps = stamps?;
        refreshed.report.scanned += found.files.len();
        compare(
            found.files,
            &stamps,
            &found.skipped,
            refreshed,
            &mut changed,
            &mut removed,
        );
        refreshed
            .skipped
            .extend(found.skipped.into_iter().map(|(path, message)| Problem {
                path,
                message,
                severity: Severity::Warning,
            }));
        walked.push((top, found.folders));
    }
    let image = store_changes(
        cache, text, root, since, changed, removed, refreshed, progress,
    )?;
    // A folder with something that could not be read stays unknown, so that a check of the
    // folders alone (`list`) looks into it again instead of trusting its unchanged time.
    let unsure: HashSet<&Path> = refreshed
        .skipped
        .iter()
        .flat_map(|problem| {
            let path = Path::new(&problem.path);
            [Some(path), path.parent()]
        })
        .flatten()
        .collect();
    // After the files: a folder is only known unchanged once what is in it is stored.
    for (top, mut folders) in walked {
        folders.retain(|(folder, _)| !unsure.contains(Path::new(folder)));
        cache.replace_folders(root, &top, &folders)?;
    }
    Ok(image)
}

/// Files to read, each with why: kept as the walk's own list, filtered in place, since a first
/// index of a million files would otherwise hold a second list of them (90 MB) at its peak.
#[derive(Default)]
pub(super) struct Changes {
    files: Vec<scan::FoundFile>,
    /// One per file.
    kinds: Vec<Change>,
}

impl Changes {
    pub(super) fn push(&mut self, file: scan::FoundFile, kind: Change) {
        self.files.push(file);
        self.kinds.push(kind);
    }

    fn append(&mut self, mut files: Vec<scan::FoundFile>, mut kinds: Vec<Change>) {
        if self.files.is_empty() {
            (self.files, self.kinds) = (files, kinds);
        } else {
            self.files.append(&mut files);
            self.kinds.append(&mut kinds);
        }
    }

    const fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    const fn len(&self) -> usize {
        self.files.len()
    }

    /// The last `n` files (fewer when there are not that many), in path order; taken from the
    /// end so that what was handed over is freed as the refresh goes.
    fn take_last(&mut self, n: usize) -> Vec<(scan::FoundFile, Change)> {
        let at = self.files.len().saturating_sub(n);
        let files = self.files.split_off(at);
        let kinds = self.kinds.split_off(at);
        // split_off leaves the capacity: give it back now and then (a million paths are a
        // hundred megabytes).
        if self.files.capacity() - self.files.len() > 65_536 {
            self.files.shrink_to_fit();
            self.kinds.shrink_to_fit();
        }
        files.into_iter().zip(kinds).collect()
    }
}

/// Compares a walk's files with the cache's stamps for the same folders (both in path order):
/// new and changed files go to `changed`, files the cache holds that are gone to `removed`.
fn compare(
    mut found: Vec<scan::FoundFile>,
    stamps: &[(String, Stamp)],
    skipped: &[(String, String)],
    refreshed: &mut Refreshed,
    changed: &mut Changes,
    removed: &mut Vec<String>,
) {
    // A folder we could not read is not a folder whose files were deleted.
    let unreadable: Vec<String> = skipped.iter().map(|(path, _)| format!("{path}/")).collect();
    let mut forget = |path: &str| {
        if !unreadable.iter().any(|dir| path.starts_with(dir)) {
            removed.push(path.to_owned());
        }
    };
    let mut known = stamps.iter().peekable();
    let mut kinds = Vec::new();
    found.retain(|file| {
        while let Some((gone, _)) = known.next_if(|(path, _)| *path < file.display) {
            forget(gone);
        }
        let old = known.next_if(|(path, _)| *path == file.display);
        let kind = weigh(file, old.map(|(_, stamp)| *stamp), refreshed);
        kinds.extend(kind);
        kind.is_some()
    });
    known.for_each(|(gone, _)| forget(gone));
    changed.append(found, kinds);
}

/// Counts a file found on disk as added or updated (and to be read) when the cache holds no
/// stamp for it or another one.
fn weigh(
    file: &scan::FoundFile,
    known: Option<Stamp>,
    refreshed: &mut Refreshed,
) -> Option<Change> {
    match known {
        Some(old) if old == Stamp::of(file) => None,
        Some(_) => {
            refreshed.report.updated += 1;
            Some(Change::Updated)
        }
        None => {
            refreshed.report.added += 1;
            Some(Change::Added)
        }
    }
}

/// Brings the cache in line with a few files of `root` that may have changed (named by the
/// watcher), without walking the folder: each is looked at, and read only if its stamp changed.
pub(super) fn refresh_files(
    cache: &mut Cache,
    text: &TextIndex,
    root: &str,
    files: &[&Path],
    refreshed: &mut Refreshed,
    progress: &Progress,
) -> Result<Image, LoadError> {
    let since = cache.version(root)?;
    let mut changed = Changes::default();
    let mut removed = Vec::new();
    for &path in files {
        let display = scan::display_of(path);
        let known = cache.stamp(&display)?;
        match scan::stat(Path::new(root), path) {
            Some(file) => {
                if let Some(kind) = weigh(&file, known, refreshed) {
                    changed.push(file, kind);
                }
            }
            None if known.is_some() => removed.push(display),
            None => {}
        }
    }
    refreshed.report.scanned += changed.len();
    store_changes(
        cache, text, root, since, changed, removed, refreshed, progress,
    )
}

/// Parses `changed` and stores it, forgets `removed`, and gives back the root's image updated.
/// `since` is the root's version when the stamps `changed` and `removed` come from were read.
#[allow(clippy::too_many_arguments)]
pub(super) fn store_changes(
    cache: &mut Cache,
    text: &TextIndex,
    root: &str,
    since: Version,
    mut changed: Changes,
    removed: Vec<String>,
    refreshed: &mut Refreshed,
    progress: &Progress,
) -> Result<Image, LoadError> {
    let image = cache.image(root)?;
    if changed.is_empty() && removed.is_empty() {
        return Ok(image);
    }
    refreshed.report.removed += removed.len();
    refreshed.report.parsed += changed.len();
    progress.to_read.fetch_add(changed.len(), Ordering::Relaxed);

    let mut text_writer = text.writer()?;
    let mut writer = cache.writer(root)?;
    // A long refresh (a first index) commits as it goes, so an interruption loses one batch at
    // most; the image is stored at the end, and until then a start rebuilds it from the rows.
    // Sized for every file at once: growing a million rows by doubling would hold the old
    // columns and the new together while each one is copied.
    let mut fresh = Image {
        columns: Columns::with_capacity(changed.len()),
        ..Image::default()
    };
    let mut replaced = HashSet::new();
    let mut problems = 0;
    let mut stored = 0;
    let mut commits = 0;
    let (sender, receiver) = mpsc::sync_channel(4);
    let root_path = root.to_owned();
    // Parsing runs on the pool while this thread stores; it stops early when storing failed and
    // the receiver is gone. Files arrive in path order, a batch at a time, so new files get their
    // ids (and so their place in the image) in the same order on every run.
    let parsing = std::thread::spawn(move || {
        // Taken from the end, so what was handed over is freed as the index goes; the batches
        // are then sent last first, so the files are reversed, and reversed back in each batch.
        changed.files.reverse();
        changed.kinds.reverse();
        while !changed.is_empty() {
            let mut batch = changed.take_last(256);
            batch.reverse();
            let parsed: Vec<_> = batch
                .into_par_iter()
                .map(|(file, change)| {
                    let relative = relative_path(&root_path, &file.display);
                    let entry = read_entry(file.path(), &file.display, relative, file.size);
                    (Stamp::of(&file), change, entry, file.display)
                })
                .collect();
            if sender.send(parsed).is_err() {
                return;
            }
        }
    });
    for (stamp, change, entry, path) in receiver.into_iter().flatten() {
        progress.read.fetch_add(1, Ordering::Relaxed);
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                problems += 1;
                refreshed.skipped.push(unreadable(path, change, &error));
                continue;
            }
        };
        if matches!(entry, Entry::Problem(_)) {
            problems += 1;
        }
        let outcome = writer.put(path, stamp, entry, &mut text_writer)?;
        // A new file cannot be in the image yet: only updates replace rows.
        if change == Change::Updated {
            replaced.insert(match &outcome {
                Stored::Article { file_id, .. } | Stored::Problem { file_id, .. } => *file_id,
            });
        }
        fresh.add(outcome);
        stored += 1;
        if stored % COMMIT_EVERY == 0 {
            // The text first, as below.
            text_writer.commit()?;
            writer.commit()?;
            commits += 1;
            writer = cache.writer(root)?;
        }
    }
    parsing
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    for path in &removed {
        if let Some(file_id) = writer.remove(path)? {
            text_writer.remove(file_id);
            replaced.insert(file_id);
        }
    }
    // The text first: if the cache's commit is then lost, the files are read and indexed again
    // (replacing their documents); the other way round, a crash could leave articles the text
    // index never hears of.
    text_writer.commit()?;
    let version = writer.commit()?;
    commits += 1;
    let image =
        if version.identity == since.identity && version.generation == since.generation + commits {
            let image = image.updated(&replaced, fresh);
            cache.store_image(root, version, &image);
            image
        } else {
            // Another tidings committed to this root in between: its rows are not all in the image
            // read before, and some of ours may be its too. The rows say what is true.
            drop((image, fresh));
            cache.image(root)?
        };
    text.reload()?;
    refreshed.report.problems += problems;
    Ok(image)
}

/// A file that could not be read this time. A changed file keeps its cached copy (and its old
/// stamp, which tells the next refresh to read it again).
fn unreadable(path: String, change: Change, error: &std::io::Error) -> Problem {
    let (message, severity) = match change {
        Change::Added => (
            format!("cannot read: {error}; tried again on the next refresh"),
            Severity::Error,
        ),
        Change::Updated => (
            format!("cannot read: {error}; the cached copy is shown until it can be read"),
            Severity::Warning,
        ),
    };
    Problem {
        path,
        message,
        severity,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Change {
    Added,
    Updated,
}

/// Where `display` is within the folder `root`: an article's id when it has no other, so the
/// id survives a move of the folder.
fn relative_path<'a>(root: &str, display: &'a str) -> &'a str {
    display.strip_prefix(root).map_or(display, |rest| {
        rest.trim_start_matches(std::path::is_separator)
    })
}

/// Reads and parses one file. An error reading it (the file or its folder gone since the walk,
/// permissions changed) says nothing about what the file holds, so it is not an [`Entry`]: it is
/// never stored against the file's stamp, and the next refresh tries again.
fn read_entry(path: &Path, display: &str, relative: &str, size: u64) -> std::io::Result<Entry> {
    if size > MAX_FILE_BYTES {
        return Ok(Entry::Problem(
            ParseError::TooLarge { size: Some(size) }.to_string(),
        ));
    }
    let Some(bytes) = read_capped(std::fs::File::open(path)?)? else {
        return Ok(Entry::Problem(
            ParseError::TooLarge { size: None }.to_string(),
        ));
    };
    Ok(match parse_article(display, relative, &bytes) {
        Ok(parsed) => Entry::article(parsed),
        Err(error) => Entry::Problem(error.to_string()),
    })
}

/// Everything `file` holds, or `None` when it holds more than an article may: at most one byte
/// over the limit is read, whatever the size the system gave (a file that grew since it was
/// looked at, or a `/proc` file that says 0 and holds gigabytes).
fn read_capped(file: impl Read) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= MAX_FILE_BYTES).then_some(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_more_than_the_limit_is_read_whatever_the_size_said() {
        // A source that never ends: reading it whole would never return.
        let endless = std::io::repeat(b'x');
        assert_eq!(read_capped(endless).ok(), Some(None));
        let limit = usize::try_from(MAX_FILE_BYTES).unwrap_or(usize::MAX);
        let at_limit = std::io::repeat(b'x').take(MAX_FILE_BYTES);
        assert_eq!(
            read_capped(at_limit).ok().flatten().map(|b| b.len()),
            Some(limit)
        );
    }
}
