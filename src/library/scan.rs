//! Finds the Markdown files under a root folder, walking folders in parallel.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::UNIX_EPOCH;

use ignore::{WalkBuilder, WalkState};

/// A Markdown file and the stamp that tells whether the cache still holds it correctly.
#[derive(Debug, Clone)]
pub struct FoundFile {
    pub path: PathBuf,
    /// The path as the user sees it and the cache keys it.
    pub display: String,
    pub size: u64,
    pub mtime_ns: i64,
}

/// What a walk found (sorted by path), and what it had to step over: unreadable folders, link
/// loops, dangling links.
#[derive(Debug, Default)]
pub struct Scan {
    pub files: Vec<FoundFile>,
    pub skipped: Vec<(String, String)>,
}

pub fn is_markdown(path: &Path) -> bool {
    path.extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| ext.eq_ignore_ascii_case("md") || ext.eq_ignore_ascii_case("markdown"))
}

/// Walks `root` recursively, following links, skipping dot files and dot folders. Nothing else
/// is filtered: a library is not a source tree, so `.gitignore` files are not obeyed.
pub fn scan(root: &Path) -> Scan {
    let result = Mutex::new(Scan::default());
    WalkBuilder::new(root)
        .standard_filters(false)
        .hidden(true)
        .follow_links(true)
        .threads(std::thread::available_parallelism().map_or(2, |n| n.get().min(8)))
        .build_parallel()
        .run(|| {
            let mut batch = Batch {
                shared: &result,
                found: Vec::new(),
                skipped: Vec::new(),
            };
            Box::new(move |entry| {
                match entry {
                    Ok(entry) => {
                        if entry.file_type().is_some_and(|t| !t.is_dir())
                            && is_markdown(entry.path())
                        {
                            match entry.metadata() {
                                Ok(metadata) if metadata.is_file() => {
                                    batch.found.push(found_file(entry.into_path(), &metadata));
                                }
                                Ok(_) => {}
                                Err(error) => batch.skipped.push(describe(&error, root)),
                            }
                        }
                    }
                    Err(error) => batch.skipped.push(describe(&error, root)),
                }
                if batch.found.len() >= 512 {
                    batch.flush();
                }
                WalkState::Continue
            })
        });
    let mut scan = result.into_inner().expect("no scanning thread panics");
    scan.files
        .sort_unstable_by(|a, b| a.display.cmp(&b.display));
    scan.skipped.sort();
    scan
}

/// One walking thread's findings, handed over in batches so threads rarely contend for the lock,
/// and once more when the thread's visitor is dropped at the end of the walk.
struct Batch<'a> {
    shared: &'a Mutex<Scan>,
    found: Vec<FoundFile>,
    skipped: Vec<(String, String)>,
}

impl Batch<'_> {
    fn flush(&mut self) {
        let mut shared = self.shared.lock().expect("no scanning thread panics");
        shared.files.append(&mut self.found);
        shared.skipped.append(&mut self.skipped);
    }
}

impl Drop for Batch<'_> {
    fn drop(&mut self) {
        self.flush();
    }
}

fn found_file(path: PathBuf, metadata: &std::fs::Metadata) -> FoundFile {
    let mtime_ns = metadata
        .modified()
        .ok()
        .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |age| i64::try_from(age.as_nanos()).unwrap_or(i64::MAX));
    FoundFile {
        display: path.display().to_string(),
        path,
        size: metadata.len(),
        mtime_ns,
    }
}

/// `(path, why)` for something the walk could not use.
fn describe(error: &ignore::Error, root: &Path) -> (String, String) {
    let mut path = root.display().to_string();
    let mut inner = error;
    loop {
        match inner {
            ignore::Error::WithPath { path: at, err } => {
                path = at.display().to_string();
                inner = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                inner = err;
            }
            ignore::Error::Loop { ancestor, child } => {
                return (
                    child.display().to_string(),
                    format!(
                        "symbolic link loop back to {}; not followed",
                        ancestor.display()
                    ),
                );
            }
            ignore::Error::Io(io) => {
                let why = match io.kind() {
                    std::io::ErrorKind::NotFound => "dangling symbolic link; skipped".to_owned(),
                    std::io::ErrorKind::PermissionDenied => "permission denied; skipped".to_owned(),
                    _ => format!("cannot read: {io}"),
                };
                return (path, why);
            }
            other => return (path, other.to_string()),
        }
    }
}
