//! Brings the cache in line with the folders: walks each root while its snapshot is read, compares
//! the two (both are in path order), parses only new and changed files, and forgets deleted ones.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::mpsc;

use rayon::prelude::*;

use super::cache::{Cache, Entry, Stamp};
use super::snapshot::{ChunkChanges, Snapshot};
use super::text_index::TextIndex;
use super::{LoadError, Problem, Progress, RefreshReport, RootReport, Severity, root_report, scan};
use crate::article::{MAX_FILE_BYTES, ParseError, parse_article};

/// Files read between two commits of a long refresh.
const COMMIT_EVERY: usize = 8192;

pub(super) struct Refreshed {
    pub roots: Vec<RootReport>,
    /// One per root, in the same order.
    pub snapshots: Vec<Snapshot>,
    pub report: RefreshReport,
    pub skipped: Vec<Problem>,
    pub notices: Vec<String>,
}

pub(super) fn refresh(
    cache: &mut Cache,
    text: &TextIndex,
    roots: &[PathBuf],
    progress: &Progress,
) -> Result<Refreshed, LoadError> {
    if !text.is_complete() {
        // A new text index (first run of this version, or the old one was unreadable): every
        // cached article is indexed from the cache, offline roots included, files unread.
        let mut writer = text.writer()?;
        writer.clear()?;
        cache.for_each_document(|file_id, article, body_text| {
            writer.put(file_id, article, body_text);
        })?;
        writer.commit()?;
        text.mark_complete()?;
        text.reload()?;
    }
    let mut refreshed = Refreshed {
        roots: Vec::new(),
        snapshots: Vec::new(),
        report: RefreshReport::default(),
        skipped: Vec::new(),
        notices: Vec::new(),
    };
    for root in roots {
        let report = root_report(root);
        let snapshot = match &report.offline {
            Some(reason) => {
                refreshed.notices.push(format!(
                    "library folder {} is {reason}; showing its articles from the cache",
                    report.path
                ));
                cache.snapshot(&report.path)?
            }
            None => refresh_root(cache, text, &report.path, &mut refreshed, progress)?,
        };
        refreshed.roots.push(report);
        refreshed.snapshots.push(snapshot);
    }
    Ok(refreshed)
}

/// Parses new and changed files (in parallel, streamed into one transaction so memory holds the
/// articles, not the bodies) and stores the chunks of the snapshot that changed.
fn refresh_root(
    cache: &mut Cache,
    text: &TextIndex,
    root: &str,
    refreshed: &mut Refreshed,
    progress: &Progress,
) -> Result<Snapshot, LoadError> {
    // Walking is system calls and reading the snapshot is decoding: they overlap well.
    let (found, snapshot) = std::thread::scope(|scope| {
        let walking = scope.spawn(|| scan::scan(Path::new(root)));
        let snapshot = cache.snapshot(root);
        let found = walking
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (found, snapshot)
    });
    let mut snapshot = snapshot?;
    refreshed.report.scanned += found.files.len();

    // A folder we could not read is not a folder whose files were deleted.
    let unreadable: Vec<String> = found
        .skipped
        .iter()
        .map(|(path, _)| format!("{path}/"))
        .collect();
    let mut changed = Vec::new();
    let mut removed: Vec<String> = Vec::new();
    {
        let mut forget = |path: &str| {
            if !unreadable.iter().any(|dir| path.starts_with(dir)) {
                removed.push(path.to_owned());
            }
        };
        let mut known = snapshot.entries().peekable();
        for file in &found.files {
            while let Some((gone, _)) = known.next_if(|(path, _)| *path < file.display.as_str()) {
                forget(gone);
            }
            let stamp = Stamp {
                size: file.size,
                mtime_ns: file.mtime_ns,
            };
            match known.next_if(|(path, _)| *path == file.display) {
                Some((_, old)) if old.stamp == stamp => {}
                Some(_) => {
                    refreshed.report.updated += 1;
                    changed.push((file.clone(), stamp));
                }
                None => {
                    refreshed.report.added += 1;
                    changed.push((file.clone(), stamp));
                }
            }
        }
        known.for_each(|(gone, _)| forget(gone));
    }
    refreshed
        .skipped
        .extend(found.skipped.iter().map(|(path, message)| Problem {
            path: path.clone(),
            message: message.clone(),
            severity: Severity::Warning,
        }));
    if changed.is_empty() && removed.is_empty() {
        return Ok(snapshot);
    }
    refreshed.report.removed += removed.len();
    refreshed.report.parsed += changed.len();
    progress.to_read.fetch_add(changed.len(), Ordering::Relaxed);

    let mut text_writer = text.writer()?;
    let mut writer = cache.writer(root)?;
    // A long refresh (a first index) commits as it goes, so an interruption loses one batch at
    // most. The root's stored snapshot is dropped with the first batch: until the last one it
    // would not know the files committed, and a start without one rebuilds it from the rows.
    let in_batches = changed.len() > COMMIT_EVERY;
    if in_batches {
        writer.drop_snapshot()?;
    }
    let mut fresh = Vec::with_capacity(changed.len());
    let mut problems = 0;
    let (sender, receiver) = mpsc::sync_channel(256);
    // Parsing runs on the pool while this thread stores; it stops early when storing failed and
    // the receiver is gone.
    let parsing = std::thread::spawn(move || {
        let _ = changed
            .into_par_iter()
            .try_for_each_with(sender, |sender, (file, stamp)| {
                let entry = read_entry(file.path(), &file.display, file.size);
                sender.send((file.display, stamp, entry))
            });
    });
    for (path, stamp, entry) in receiver {
        if matches!(entry, Entry::Problem(_)) {
            problems += 1;
        }
        progress.read.fetch_add(1, Ordering::Relaxed);
        fresh.push(writer.put(path, stamp, entry, &mut text_writer)?);
        if in_batches && fresh.len() % COMMIT_EVERY == 0 {
            // The text first, as below.
            text_writer.commit()?;
            writer.commit()?;
            writer = cache.writer(root)?;
        }
    }
    parsing
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    for path in &removed {
        if let Some(file_id) = writer.remove(path)? {
            text_writer.remove(file_id);
        }
    }
    let mut changes = snapshot.update(fresh, &removed);
    if in_batches {
        changes = ChunkChanges {
            deleted: Vec::new(),
            written: (0..snapshot.chunk_count()).collect(),
        };
    }
    writer.store(&snapshot, &changes)?;
    // The text first: if the cache's commit is then lost, the files are read and indexed again
    // (replacing their documents); the other way round, a crash could leave articles the text
    // index never hears of.
    text_writer.commit()?;
    writer.commit()?;
    text.reload()?;
    refreshed.report.problems += problems;
    Ok(snapshot)
}

fn read_entry(path: &Path, display: &str, size: u64) -> Entry {
    if size > MAX_FILE_BYTES {
        return Entry::Problem(ParseError::TooLarge { size }.to_string());
    }
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) => return Entry::Problem(format!("cannot read: {error}")),
    };
    match parse_article(display, &bytes) {
        Ok(parsed) => Entry::article(parsed.article, &parsed.details, parsed.warnings),
        Err(error) => Entry::Problem(error.to_string()),
    }
}
