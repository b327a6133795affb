//! Finds the Markdown files under a root folder.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use walkdir::WalkDir;

/// A Markdown file and the stamp that tells whether the cache still holds it correctly.
#[derive(Debug, Clone)]
pub struct FoundFile {
    pub path: PathBuf,
    /// The path as the user sees it and the cache keys it.
    pub display: String,
    pub size: u64,
    pub mtime_ns: i64,
}

/// What a walk found, and what it had to step over (unreadable folders, loops, dangling links).
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

/// Walks `root` recursively, following links, skipping dot files and dot folders.
pub fn scan(root: &Path) -> Scan {
    let mut result = Scan::default();
    let walker = WalkDir::new(root)
        .follow_links(true)
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0 || !entry.file_name().to_string_lossy().starts_with('.')
        });
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let path = error
                    .path()
                    .map_or_else(|| root.display().to_string(), |p| p.display().to_string());
                result.skipped.push((path, describe_walk_error(&error)));
                continue;
            }
        };
        if !entry.file_type().is_file() || !is_markdown(entry.path()) {
            continue;
        }
        match entry.metadata() {
            Ok(metadata) => {
                let mtime_ns = metadata
                    .modified()
                    .ok()
                    .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
                    .map_or(0, |age| i64::try_from(age.as_nanos()).unwrap_or(i64::MAX));
                result.files.push(FoundFile {
                    display: entry.path().display().to_string(),
                    path: entry.into_path(),
                    size: metadata.len(),
                    mtime_ns,
                });
            }
            Err(error) => result.skipped.push((
                entry.path().display().to_string(),
                describe_walk_error(&error),
            )),
        }
    }
    result
}

fn describe_walk_error(error: &walkdir::Error) -> String {
    if let Some(ancestor) = error.loop_ancestor() {
        return format!(
            "symbolic link loop back to {}; not followed",
            ancestor.display()
        );
    }
    match error.io_error() {
        Some(io) if io.kind() == std::io::ErrorKind::NotFound => {
            "dangling symbolic link; skipped".to_owned()
        }
        Some(io) if io.kind() == std::io::ErrorKind::PermissionDenied => {
            "permission denied; skipped".to_owned()
        }
        Some(io) => format!("cannot read: {io}"),
        None => error.to_string(),
    }
}
