//! Article files into the library: one per entry, found again by its id, replaced whole.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::convert::ArticleFile;

/// What writing one entry did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    New,
    Updated,
    Unchanged,
}

/// Replaces `path` with `bytes` through a file beside it and a rename, so a reader (or a crash)
/// sees the old file or the new one, never half of one. The temporary name does not end in `.md`,
/// so a library scan in between skips it.
pub fn replace_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.{}.part", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

/// The files one feed has written before, by the id at the end of their names
/// (`<slug>-<externalId>.md`), so an entry is found again wherever its date put it.
pub struct FeedFolder {
    root: PathBuf,
    by_id: HashMap<String, PathBuf>,
}

impl FeedFolder {
    /// Lists `<library>/<key>`; a folder not made yet is empty.
    pub fn open(library: &Path, key: &str) -> Self {
        let root = library.join(key);
        let mut by_id = HashMap::new();
        let mut pending = vec![root.clone()];
        while let Some(dir) = pending.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if entry.file_type().is_ok_and(|t| t.is_dir()) {
                    pending.push(path);
                } else if let Some(id) = path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .and_then(|n| n.strip_suffix(".md"))
                    .and_then(|n| n.rsplit('-').next())
                    .filter(|id| id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit()))
                {
                    by_id.insert(id.to_owned(), path);
                }
            }
        }
        Self { root, by_id }
    }

    /// Where `article` goes: its earlier file, else `<yyyy>/<mm>/<slug>-<id>.md`.
    pub fn path_for(&self, article: &ArticleFile) -> PathBuf {
        self.by_id
            .get(&article.external_id)
            .cloned()
            .unwrap_or_else(|| {
                self.root
                    .join(&article.month_folder)
                    .join(format!("{}-{}.md", article.slug, article.external_id))
            })
    }

    /// What writing `article` would do, without writing.
    pub fn plan(&self, article: &ArticleFile) -> (PathBuf, Written) {
        let path = self.path_for(article);
        let state = match std::fs::read(&path) {
            Ok(bytes) if bytes == article.text.as_bytes() => Written::Unchanged,
            Ok(_) => Written::Updated,
            Err(_) => Written::New,
        };
        (path, state)
    }

    /// Writes `article` unless its file already says the same.
    pub fn write(&mut self, article: &ArticleFile) -> std::io::Result<(PathBuf, Written)> {
        let (path, state) = self.plan(article);
        if state != Written::Unchanged {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            replace_file(&path, article.text.as_bytes())?;
            self.by_id.insert(article.external_id.clone(), path.clone());
        }
        Ok((path, state))
    }
}
