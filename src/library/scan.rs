//! Finds the Markdown files under a root folder, walking folders in parallel.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::fs::{DirEntry, Metadata};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use rayon::prelude::*;

use crate::article::text::is_terminal_control;

/// A Markdown file and the stamp that tells whether the cache still holds it correctly.
#[derive(Debug, Clone)]
pub struct FoundFile {
    /// The path as the user sees it and the cache keys it.
    pub display: String,
    /// The path itself, kept only when `display` had to replace bytes that are not UTF-8.
    raw: Option<PathBuf>,
    pub size: u64,
    pub mtime_ns: i64,
}

impl FoundFile {
    pub fn path(&self) -> &Path {
        self.raw
            .as_deref()
            .unwrap_or_else(|| Path::new(&self.display))
    }
}

/// What a walk found (sorted by path), and what it had to step over: unreadable folders, link
/// loops, dangling links.
#[derive(Debug, Default)]
pub struct Scan {
    pub files: Vec<FoundFile>,
    pub skipped: Vec<(String, String)>,
    /// Every folder walked, with its modification time as it was before its entries were read:
    /// while it stays the same, no entry was added to, removed from or renamed in the folder.
    pub folders: Vec<(String, i64)>,
}

impl Scan {
    fn append(&mut self, mut other: Self) {
        self.files.append(&mut other.files);
        self.skipped.append(&mut other.skipped);
        self.folders.append(&mut other.folders);
    }
}

/// The modification time as the cache stores it, in nanoseconds since the epoch.
pub fn mtime_ns(metadata: &Metadata) -> i64 {
    metadata
        .modified()
        .ok()
        .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |age| i64::try_from(age.as_nanos()).unwrap_or(i64::MAX))
}

pub fn is_markdown(path: &Path) -> bool {
    path.extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| ext.eq_ignore_ascii_case("md") || ext.eq_ignore_ascii_case("markdown"))
}

/// A folder on the way down from the root, to recognise a link that leads back up.
struct Ancestor<'a> {
    id: Identity,
    path: &'a Path,
    parent: Option<&'a Self>,
}

impl Ancestor<'_> {
    fn find(&self, id: Identity) -> Option<&Path> {
        let mut at = Some(self);
        while let Some(ancestor) = at {
            if ancestor.id == id {
                return Some(ancestor.path);
            }
            at = ancestor.parent;
        }
        None
    }
}

/// Walks `root` recursively, following links, skipping dot files and dot folders. Nothing else
/// is filtered: a library is not a source tree, so `.gitignore` files are not obeyed.
///
/// Folders and the entries within one folder are visited in parallel; each file costs one
/// `stat` relative to its open folder, which is what bounds a warm start.
pub fn scan(root: &Path) -> Scan {
    let mut scan = match std::fs::metadata(root) {
        Ok(metadata) => {
            let top = Ancestor {
                id: identity(&metadata, root),
                path: root,
                parent: None,
            };
            walk(root, mtime_ns(&metadata), &top)
        }
        Err(error) => Scan {
            skipped: vec![describe(root, &error)],
            ..Scan::default()
        },
    };
    // Folders come back in name order, so this is nearly sorted already and cheap.
    scan.files.sort_by(|a, b| a.display.cmp(&b.display));
    scan.skipped.sort();
    scan
}

fn walk(dir: &Path, mtime: i64, ancestor: &Ancestor<'_>) -> Scan {
    let mut scan = Scan::default();
    scan.folders.push((dir.display().to_string(), mtime));
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            scan.skipped.push(describe(dir, &error));
            return scan;
        }
    };
    // Plain files are stat'ed in runs (one task per run keeps the pool's overhead small);
    // folders and links are visited one task each, since each may hold a whole tree.
    let mut files = Vec::new();
    let mut others = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) if entry.file_name().as_encoded_bytes().starts_with(b".") => {}
            Ok(entry) => match entry.file_type() {
                Ok(kind) if kind.is_file() => {
                    if is_markdown(Path::new(&entry.file_name())) {
                        files.push(entry);
                    }
                }
                _ => others.push(entry),
            },
            Err(error) => scan.skipped.push(describe(dir, &error)),
        }
    }
    let (found, nested): (Vec<Scan>, Vec<Scan>) = rayon::join(
        || {
            files
                .par_chunks(1024)
                .map(|run| {
                    let mut scan = Scan::default();
                    for entry in run {
                        let path = entry.path();
                        // A stat relative to the open folder: no walk down the whole path again.
                        match entry.metadata() {
                            Ok(metadata) => scan.files.push(found_file(path, &metadata)),
                            Err(error) => scan.skipped.push(describe(&path, &error)),
                        }
                    }
                    scan
                })
                .collect()
        },
        || {
            others
                .par_iter()
                .map(|entry| visit(entry, ancestor))
                .collect()
        },
    );
    for part in found.into_iter().chain(nested) {
        scan.append(part);
    }
    scan
}

/// A folder, a link, or an entry of unknown type.
fn visit(entry: &DirEntry, ancestor: &Ancestor<'_>) -> Scan {
    let path = entry.path();
    match entry.file_type() {
        Ok(kind) if kind.is_dir() => match entry.metadata() {
            Ok(metadata) => {
                let here = Ancestor {
                    id: identity(&metadata, &path),
                    path: &path,
                    parent: Some(ancestor),
                };
                walk(&path, mtime_ns(&metadata), &here)
            }
            Err(error) => Scan {
                skipped: vec![describe(&path, &error)],
                ..Scan::default()
            },
        },
        Ok(kind) if !kind.is_symlink() => Scan::default(),
        _ => visit_followed(entry, ancestor),
    }
}

/// A symbolic link (or an entry of unknown type): look at what it points to.
fn visit_followed(entry: &DirEntry, ancestor: &Ancestor<'_>) -> Scan {
    let mut scan = Scan::default();
    let path = entry.path();
    match std::fs::metadata(&path) {
        Ok(metadata) if metadata.is_dir() => {
            let id = identity(&metadata, &path);
            if let Some(target) = ancestor.find(id) {
                scan.skipped.push((
                    path.display().to_string(),
                    format!(
                        "symbolic link loop back to {}; not followed",
                        target.display()
                    ),
                ));
                return scan;
            }
            let here = Ancestor {
                id,
                path: &path,
                parent: Some(ancestor),
            };
            return walk(&path, mtime_ns(&metadata), &here);
        }
        Ok(metadata) if metadata.is_file() && is_markdown(&path) => {
            scan.files.push(found_file(path, &metadata));
        }
        Ok(_) => {}
        Err(error) => scan.skipped.push(describe(&path, &error)),
    }
    scan
}

/// What makes a folder the same folder, whatever path leads to it.
type Identity = (u64, u64);

#[cfg(unix)]
fn identity(metadata: &Metadata, _path: &Path) -> Identity {
    use std::os::unix::fs::MetadataExt;
    (metadata.dev(), metadata.ino())
}

#[cfg(not(unix))]
fn identity(_metadata: &Metadata, path: &Path) -> Identity {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
    (
        0,
        BuildHasherDefault::<DefaultHasher>::default().hash_one(canonical),
    )
}

/// The topmost folders under `root` that changed since a walk saw them as `known` (path and
/// modification time): a folder's time changes when an entry is added to it, removed or renamed.
/// Only folders are looked at, a `stat` each; a folder that is unchanged leads on to the
/// subfolders it had. A file edited in place changes no folder: only a walk of the files sees it.
pub fn changed_folders(root: &str, known: &[(String, i64)]) -> Vec<String> {
    let times: std::collections::HashMap<&str, i64> = known
        .iter()
        .map(|(path, time)| (path.as_str(), *time))
        .collect();
    let mut children: std::collections::HashMap<&str, Vec<&str>> =
        std::collections::HashMap::default();
    for (path, _) in known {
        if let Some(parent) = Path::new(path).parent().and_then(Path::to_str) {
            children.entry(parent).or_default().push(path);
        }
    }
    let mut changed = Vec::new();
    let mut stack = vec![root];
    while let Some(folder) = stack.pop() {
        let now = std::fs::metadata(folder).ok().map(|m| mtime_ns(&m));
        if now.is_some() && now == times.get(folder).copied() {
            stack.extend(children.get(folder).into_iter().flatten());
        } else {
            changed.push(folder.to_owned());
        }
    }
    changed.sort();
    changed
}

/// The Markdown files directly in `folder` (not in its subfolders), sorted by path; `None` when
/// the folder cannot be read.
pub fn files_in(folder: &Path) -> Option<Vec<FoundFile>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder).ok()? {
        let entry = entry.ok()?;
        let name = entry.file_name();
        if name.as_encoded_bytes().starts_with(b".") || !is_markdown(Path::new(&name)) {
            continue;
        }
        let path = entry.path();
        // Links are followed, as a walk follows them.
        match std::fs::metadata(&path) {
            Ok(metadata) if metadata.is_file() => files.push(found_file(path, &metadata)),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
    files.sort_by(|a, b| a.display.cmp(&b.display));
    Some(files)
}

/// One file as a walk would find it: `None` when it is gone, not a Markdown file, or hidden (a
/// name under `root` that starts with a dot).
pub fn stat(root: &Path, path: &Path) -> Option<FoundFile> {
    let hidden = path
        .strip_prefix(root)
        .ok()?
        .components()
        .any(|part| part.as_os_str().to_string_lossy().starts_with('.'));
    if hidden || !is_markdown(path) {
        return None;
    }
    let metadata = std::fs::metadata(path).ok()?;
    metadata
        .is_file()
        .then(|| found_file(path.to_owned(), &metadata))
}

fn found_file(path: PathBuf, metadata: &Metadata) -> FoundFile {
    let mtime_ns = mtime_ns(metadata);
    let (display, raw) = match path.into_os_string().into_string() {
        Ok(display) => (display, None),
        Err(raw) => {
            let raw = PathBuf::from(raw);
            (display_of(&raw), Some(raw))
        }
    };
    FoundFile {
        display,
        raw,
        size: metadata.len(),
        mtime_ns,
    }
}

/// The name the cache keys a file by and the user sees: the path itself when it is UTF-8. One
/// that is not has its stray bytes written `\xFF` (and its backslashes `\\`, so no two paths
/// are written alike) and ends in " (not UTF-8)", which no Markdown file's path can end in. Names
/// that differ only in bytes that are not UTF-8 stay apart: with every such byte shown as `�`,
/// one article hid the other.
pub fn display_of(path: &Path) -> String {
    let bytes = path.as_os_str().as_encoded_bytes();
    if let Some(path) = path.to_str() {
        return path.to_owned();
    }
    let mut display = String::with_capacity(bytes.len() + 16);
    for chunk in bytes.utf8_chunks() {
        display.push_str(&chunk.valid().replace('\\', "\\\\"));
        for byte in chunk.invalid() {
            display.push_str(&format!("\\x{byte:02X}"));
        }
    }
    display.push_str(NOT_UTF8);
    display
}

/// What [`display_of`] ends a name that is not UTF-8 with.
const NOT_UTF8: &str = " (not UTF-8)";

/// A file's name as printed, on one line and with nothing a terminal would act on, as `ls -b`
/// prints names: a newline, carriage return or tab is `\n`, `\r`, `\t`, any other C0 or DEL
/// `\x1B`, a C1 or bidi control `\u{202E}`; where something is escaped, a backslash is `\\`
/// (a name [`display_of`] wrote has its backslashes so already), so no two names print alike.
pub fn escaped_name(display: &str) -> Cow<'_, str> {
    if !display.contains(is_terminal_control) {
        return display.into();
    }
    let backslashes_doubled = display.ends_with(NOT_UTF8);
    let mut out = String::with_capacity(display.len() + 16);
    for c in display.chars() {
        let _ = match c {
            '\\' if !backslashes_doubled => write!(out, "\\\\"),
            '\n' => write!(out, "\\n"),
            '\r' => write!(out, "\\r"),
            '\t' => write!(out, "\\t"),
            c if c.is_ascii() && is_terminal_control(c) => write!(out, "\\x{:02X}", u32::from(c)),
            c if is_terminal_control(c) => write!(out, "\\u{{{:X}}}", u32::from(c)),
            c => write!(out, "{c}"),
        };
    }
    out.into()
}

/// `(path, why)` for something the walk could not use.
fn describe(path: &Path, error: &std::io::Error) -> (String, String) {
    let why = match error.kind() {
        std::io::ErrorKind::NotFound => "dangling symbolic link; skipped".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied; skipped".to_owned(),
        _ => format!("cannot read: {error}"),
    };
    (path.display().to_string(), why)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn paths_that_are_not_utf8_are_written_apart() {
        use std::os::unix::ffi::OsStrExt;
        let path = |bytes: &[u8]| PathBuf::from(std::ffi::OsStr::from_bytes(bytes));
        assert_eq!(display_of(&path(b"/news/a.md")), "/news/a.md");
        let ff = display_of(&path(b"/news/a\xff.md"));
        assert_eq!(ff, "/news/a\\xFF.md (not UTF-8)");
        assert_ne!(ff, display_of(&path(b"/news/a\xfe.md")));
        // A backslash of the name is not taken for the start of a written byte.
        assert_ne!(
            display_of(&path(b"/news/\\xFF\xfe.md")),
            display_of(&path(b"/news/\xff\\xFE.md"))
        );
    }

    #[test]
    fn names_print_on_one_line_with_nothing_a_terminal_acts_on() {
        assert_eq!(escaped_name("/news/a\\b.md"), "/news/a\\b.md");
        assert_eq!(
            escaped_name("/news/x\n/evil.md: forged\x1b]0;t\x07\u{9b}\u{202e}dm.\\.md"),
            "/news/x\\n/evil.md: forged\\x1B]0;t\\x07\\u{9B}\\u{202E}dm.\\\\.md"
        );
        // A name that is not UTF-8 already has its backslashes doubled: not again.
        assert_eq!(
            escaped_name("/news/\\\\\\xFF\t.md (not UTF-8)"),
            "/news/\\\\\\xFF\\t.md (not UTF-8)"
        );
    }
}
