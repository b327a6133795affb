//! The article cache: parsed metadata and details in SQLite, keyed by file path and stamped with
//! size and mtime, so an unchanged file is never read or parsed twice. Beside the rows, each root
//! has an [`Image`] of its metadata in columns, which is what a start reads.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use rusqlite::{
    Connection, ErrorCode, OptionalExtension, Transaction, TransactionBehavior, params,
};
use serde::{Deserialize, Serialize};

use super::compression::{self, Compressor, Decompressor, TRAIN_ON};
use super::image::{Image, Stored, Version};
use super::text_index::{self, LOCK_WAIT, TextWriter, plain_text};
use crate::article::{Article, ArticleDetails, PARSER_REVISION, Parsed};

/// Bump when the schema or the encoding of `meta`/`details` changes: old caches are moved aside.
/// Caches of versions 2 to 5 are emptied and set up anew in place, reading the files again
/// (6: articles' authors, files' notes).
const SCHEMA_VERSION: i64 = 6;

const TABLES: &str = "
    CREATE TABLE files (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        root TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime INTEGER NOT NULL,
        article_id TEXT,
        meta BLOB,
        problem TEXT,
        warnings TEXT,
        notes TEXT
    );
    CREATE INDEX files_stamps ON files(root, path, size, mtime);
    CREATE INDEX files_article ON files(article_id);
    CREATE TABLE details (
        file_id INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
        dict INTEGER NOT NULL DEFAULT 0,
        data BLOB NOT NULL
    );
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE roots (root TEXT PRIMARY KEY, generation INTEGER NOT NULL);
    CREATE TABLE folders (path TEXT PRIMARY KEY, root TEXT NOT NULL, mtime INTEGER NOT NULL);
    CREATE INDEX folders_root ON folders(root);
    CREATE TABLE dictionaries (id INTEGER PRIMARY KEY, data BLOB NOT NULL);";

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("cache database {path}: {source}")]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("cache database {path}: {message}")]
    Incompatible { path: PathBuf, message: String },
}

impl CacheError {
    /// Whether the cache is damaged or not of this tidings (and so moved aside and rebuilt), as
    /// opposed to busy or out of reach, which says nothing against the file: another tidings
    /// may be writing it.
    pub fn is_damage(&self) -> bool {
        match self {
            Self::Incompatible { .. } => true,
            Self::Sqlite { source, .. } => matches!(
                source.sqlite_error_code(),
                Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase)
            ),
        }
    }

    /// Whether the cache's location cannot be written (read-only, full, not a folder): not
    /// damage, and nothing a wait helps with.
    pub fn is_unwritable(&self) -> bool {
        match self {
            Self::Sqlite { source, .. } => {
                matches!(
                    source.sqlite_error_code(),
                    Some(
                        ErrorCode::ReadOnly
                            | ErrorCode::CannotOpen
                            | ErrorCode::DiskFull
                            | ErrorCode::PermissionDenied
                            | ErrorCode::SystemIoFailure
                    )
                )
            }
            Self::Incompatible { .. } => false,
        }
    }

    /// Whether another process held the cache's lock for longer than a writer waits.
    pub fn is_busy(&self) -> bool {
        matches!(self, Self::Sqlite { source, .. } if matches!(
            source.sqlite_error_code(),
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
        ))
    }
}

pub struct Cache {
    conn: Connection,
    path: PathBuf,
    /// Changes whenever the rows are dropped (see [`Version::identity`]).
    identity: u64,
    /// By dictionary id (0: none), prepared on first use.
    decompressors: RefCell<HashMap<i64, Decompressor>>,
    /// False in memory: there is no folder for images.
    keeps_images: bool,
}

/// The size and mtime the cache saw, to compare with what is on disk now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub size: u64,
    pub mtime_ns: i64,
}

impl Stamp {
    /// What a walk saw of the file.
    pub const fn of(file: &super::scan::FoundFile) -> Self {
        Self {
            size: file.size,
            mtime_ns: file.mtime_ns,
        }
    }
}

/// One file's outcome, ready to store.
pub enum Entry {
    Article {
        article: Box<Article>,
        /// The details, encoded: prepared where the file was parsed, off the writing thread.
        details: Vec<u8>,
        /// The body as the text index reads it (see [`plain_text`]), prepared the same way.
        body_text: String,
        warnings: Vec<String>,
        notes: Vec<String>,
    },
    Problem(String),
}

impl Entry {
    /// An article with everything storing it needs, prepared by whoever parsed it.
    pub fn article(parsed: Parsed) -> Self {
        Self::Article {
            details: encode(&parsed.details),
            body_text: plain_text(&parsed.details.body),
            article: Box::new(parsed.article),
            warnings: parsed.warnings,
            notes: parsed.notes,
        }
    }
}

/// A row as stored, before its metadata is decoded.
struct RawRow {
    file_id: i64,
    path: String,
    meta: Option<Vec<u8>>,
    problem: Option<String>,
    warnings: Option<String>,
    notes: Option<String>,
}

impl RawRow {
    /// A row whose metadata no longer decodes comes back as a problem (and `true`): one damaged
    /// row costs one article, not the library, and its file is read again by the next refresh.
    fn decode(self) -> (Stored, bool) {
        let file_id = self.file_id;
        match (self.meta, self.problem) {
            (Some(meta), _) => match postcard::from_bytes::<Article>(&meta) {
                Ok(article) => (
                    Stored::Article {
                        file_id,
                        article: Box::new(article),
                        warnings: lines(self.warnings),
                        notes: lines(self.notes),
                    },
                    false,
                ),
                Err(error) => (
                    Stored::Problem {
                        file_id,
                        path: self.path,
                        message: format!(
                            "cache entry unreadable: {error}; the file is read again by the next refresh"
                        ),
                    },
                    true,
                ),
            },
            (None, problem) => (
                Stored::Problem {
                    file_id,
                    path: self.path,
                    message: problem.unwrap_or_default(),
                },
                false,
            ),
        }
    }
}

/// A stored column of lines (warnings, notes) as the list it was.
fn lines(stored: Option<String>) -> Vec<String> {
    stored
        .map(|text| text.lines().map(str::to_owned).collect())
        .unwrap_or_default()
}

impl Cache {
    /// Opens or creates the cache. A cache that is corrupt, not a database, or of another schema
    /// version is moved aside (never deleted) and a new one created; the message says so. One
    /// that is only busy (another tidings writing it) is never moved aside. Every page is looked
    /// at (SQLite's quick check) when `verify` says so, or when a read met damage since.
    pub fn open(path: &Path, verify: bool) -> Result<(Self, Option<String>), CacheError> {
        let marker = damage_marker(path);
        let opened = Self::open_existing(path).and_then(|cache| {
            if verify || marker.exists() {
                cache.quick_check()?;
                let _ = std::fs::remove_file(&marker);
            }
            Ok(cache)
        });
        match opened {
            Ok(cache) => Ok((cache, None)),
            Err(error) if error.is_damage() && path.exists() => {
                let aside = move_aside(path).map_err(|source| CacheError::Incompatible {
                    path: path.to_owned(),
                    message: format!("unusable ({error}) and could not be moved aside: {source}"),
                })?;
                let _ = std::fs::remove_file(&marker);
                let cache = Self::open_existing(path)?;
                let notice = format!(
                    "cache was unusable ({error}); moved aside to {} and rebuilt",
                    aside.display()
                );
                Ok((cache, Some(notice)))
            }
            Err(error) => Err(error),
        }
    }

    /// Whether a read met damage since the cache was last looked at whole.
    pub fn damage_met(path: &Path) -> bool {
        damage_marker(path).exists()
    }

    /// SQLite's quick check of every page: damage that reads of single rows would meet one by
    /// one (or never, for rows no one shows).
    fn quick_check(&self) -> Result<(), CacheError> {
        let found: String = self
            .conn
            .query_row("PRAGMA quick_check(1)", [], |row| row.get(0))
            .map_err(|e| self.err(e))?;
        if found == "ok" {
            return Ok(());
        }
        Err(CacheError::Incompatible {
            path: self.path.clone(),
            message: format!("damaged: {found}"),
        })
    }

    /// A cache in memory, for a location that cannot be written: the library is read whole on
    /// every start, as if new, and nothing is left behind.
    pub fn in_memory() -> Result<Self, CacheError> {
        let mut cache = Self::open_existing(Path::new(":memory:"))?;
        cache.keeps_images = false;
        Ok(cache)
    }

    fn open_existing(path: &Path) -> Result<Self, CacheError> {
        let sqlite = |source| CacheError::Sqlite {
            path: path.to_owned(),
            source,
        };
        let mut conn = Connection::open(path).map_err(sqlite)?;
        conn.busy_timeout(LOCK_WAIT).map_err(sqlite)?;
        // The cache can always be rebuilt from the files, so it trades durability for speed:
        // a crash can lose the last refresh, never corrupt the user's own state (kept elsewhere).
        // WAL: while another tidings writes (a long first index), the others read what it has
        // committed instead of waiting for it.
        conn.execute_batch(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA foreign_keys=ON;",
        )
        .map_err(sqlite)?;
        let read_version = |conn: &Connection| -> Result<i64, CacheError> {
            conn.query_row("PRAGMA user_version", [], |row| row.get(0))
                .map_err(sqlite)
        };
        let mut version = read_version(&conn)?;
        if version != SCHEMA_VERSION {
            // Set up under the write lock, the version read again inside it: two tidings
            // starting on a new cache at once set it up once.
            let setup = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(sqlite)?;
            version = read_version(&setup)?;
            match version {
                0 => setup
                    .execute_batch(&format!("{TABLES} PRAGMA user_version = {SCHEMA_VERSION};")),
                2..=5 => {
                    // Older caches hold nothing the files cannot give again: set up anew, in
                    // place.
                    setup.execute_batch(&format!(
                        "DROP TABLE IF EXISTS snapshot;
                         DROP TABLE IF EXISTS details;
                         DROP TABLE IF EXISTS files;
                         DROP TABLE IF EXISTS settings;
                         DROP TABLE IF EXISTS dictionaries;
                         DROP TABLE IF EXISTS roots;
                         DROP TABLE IF EXISTS folders;
                         {TABLES}
                         PRAGMA user_version = {SCHEMA_VERSION};"
                    ))
                }
                SCHEMA_VERSION => Ok(()),
                other => {
                    return Err(CacheError::Incompatible {
                        path: path.to_owned(),
                        message: format!(
                            "schema version {other}, this tidings uses {SCHEMA_VERSION}"
                        ),
                    });
                }
            }
            .map_err(sqlite)?;
            // Before the commit: were it the other way round, a crash between the two would
            // leave the index's documents under file ids the new tables give to other files.
            if version != SCHEMA_VERSION {
                text_index::mark_incomplete_in(&path.with_extension("index")).map_err(|error| {
                    CacheError::Incompatible {
                        path: path.to_owned(),
                        message: format!("its text index cannot be reset: {error}"),
                    }
                })?;
            }
            setup.commit().map_err(sqlite)?;
        }
        // Touch every table so a damaged schema shows up now, not halfway through a load.
        for check in [
            "SELECT count(*) FROM files WHERE id < 0 AND article_id = ''",
            "SELECT count(*) FROM details WHERE file_id < 0 AND dict = 0",
            "SELECT count(*) FROM dictionaries WHERE id < 0",
            "SELECT count(*) FROM settings WHERE key = ''",
            "SELECT count(*) FROM roots WHERE generation < 0",
            "SELECT count(*) FROM folders WHERE mtime < 0 AND root = ''",
        ] {
            conn.query_row(check, [], |_| Ok(()))
                .map_err(|source| match sqlite(source) {
                    // A missing table or column: a schema this tidings did not make.
                    error if !error.is_busy() && !error.is_damage() => CacheError::Incompatible {
                        path: path.to_owned(),
                        message: format!("damaged schema: {error}"),
                    },
                    error => error,
                })?;
        }
        let setting = |conn: &Connection, key: &str| -> Result<Option<String>, CacheError> {
            conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |row| {
                row.get(0)
            })
            .optional()
            .map_err(sqlite)
        };
        let current = |conn: &Connection| -> Result<Option<u64>, CacheError> {
            let parser = setting(conn, "parser")?;
            let identity = setting(conn, "identity")?.and_then(|value| value.parse::<u64>().ok());
            Ok(identity.filter(|_| parser.as_deref() == Some(PARSER_REVISION)))
        };
        let mut identity = current(&conn)?;
        if identity.is_none() {
            // Parsed by another version: every file is read again on the next refresh, and the
            // images of the old rows are no longer this cache's. Under the write lock, looked at
            // again: another tidings may have just done it.
            let reset = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(sqlite)?;
            identity = current(&reset)?;
            if identity.is_none() {
                let fresh = new_identity();
                reset
                    .execute_batch(&format!(
                        "DELETE FROM details;
                         DELETE FROM files;
                         DELETE FROM roots;
                         DELETE FROM folders;
                         INSERT OR REPLACE INTO settings (key, value) VALUES ('parser', '{PARSER_REVISION}');
                         INSERT OR REPLACE INTO settings (key, value) VALUES ('identity', '{fresh}');"
                    ))
                    .map_err(sqlite)?;
                identity = Some(fresh);
            }
            reset.commit().map_err(sqlite)?;
        }
        Ok(Self {
            conn,
            path: path.to_owned(),
            identity: identity.unwrap_or_default(),
            decompressors: RefCell::new(HashMap::new()),
            keeps_images: true,
        })
    }

    fn err(&self, source: rusqlite::Error) -> CacheError {
        error_marking_damage(&self.path, source)
    }

    /// Where the images of the roots live: `cache.db` → `cache.images/`.
    fn image_dir(&self) -> PathBuf {
        self.path.with_extension("images")
    }

    /// What the rows of `root` are now.
    pub fn version(&self, root: &str) -> Result<Version, CacheError> {
        let generation: Option<i64> = self
            .conn
            .prepare_cached("SELECT generation FROM roots WHERE root = ?1")
            .and_then(|mut statement| statement.query_row([root], |row| row.get(0)).optional())
            .map_err(|e| self.err(e))?;
        Ok(Version {
            identity: self.identity,
            generation: generation.unwrap_or(0),
        })
    }

    /// The image of `root`: every file the cache holds under it. One that is missing, damaged or
    /// older than the rows (a refresh interrupted, another process's commit) is rebuilt from the
    /// rows and stored again.
    pub fn image(&self, root: &str) -> Result<Image, CacheError> {
        let version = self.version(root)?;
        if let Some(image) = self
            .keeps_images
            .then(|| Image::read(&self.image_dir(), root, version))
            .flatten()
        {
            return Ok(image);
        }
        let mut image = self.rows(root)?;
        image.ids_unique = image.columns.id_hashes_unique();
        image.stories = Some(super::stories::Stories::of(&image.columns));
        self.store_image(root, version, &image);
        Ok(image)
    }

    /// Stores the image of `root` as of `version`. Failing to is not an error: the next start
    /// rebuilds it from the rows.
    pub fn store_image(&self, root: &str, version: Version, image: &Image) {
        if self.keeps_images {
            let _ = image.write(&self.image_dir(), root, version);
        }
    }

    /// The stamp the cache holds for one file, if it holds the file.
    pub fn stamp(&self, path: &str) -> Result<Option<Stamp>, CacheError> {
        self.conn
            .prepare_cached("SELECT size, mtime FROM files WHERE path = ?1")
            .and_then(|mut statement| {
                statement
                    .query_row([path], |row| {
                        Ok(Stamp {
                            size: u64::try_from(row.get::<_, i64>(0)?).unwrap_or(0),
                            mtime_ns: row.get(1)?,
                        })
                    })
                    .optional()
            })
            .map_err(|e| self.err(e))
    }

    /// The folders a walk of `root` saw, with their modification times (see
    /// [`super::scan::changed_folders`]).
    pub fn folders(&self, root: &str) -> Result<Vec<(String, i64)>, CacheError> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT path, mtime FROM folders WHERE root = ?1")
            .map_err(|e| self.err(e))?;
        let rows = statement
            .query_map([root], |row| Ok((row.get(0)?, row.get(1)?)))
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Replaces what is known of the folders at and under `top` with what a walk of it saw.
    pub fn replace_folders(
        &mut self,
        root: &str,
        top: &str,
        folders: &[(String, i64)],
    ) -> Result<(), CacheError> {
        let path = self.path.clone();
        let err = |source| CacheError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        tx.execute(
            "DELETE FROM folders WHERE root = ?1 AND (path = ?2 OR (path > ?3 AND path < ?4))",
            params![root, top, format!("{top}/"), format!("{top}/\u{10FFFF}")],
        )
        .map_err(err)?;
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT OR REPLACE INTO folders (path, root, mtime) VALUES (?1, ?2, ?3)",
                )
                .map_err(err)?;
            for (folder, mtime) in folders {
                insert.execute(params![folder, root, mtime]).map_err(err)?;
            }
        }
        tx.commit().map_err(err)
    }

    /// Path and stamp of the files the cache holds directly in `folder` (not in its subfolders),
    /// in path order.
    pub fn stamps_in(&self, root: &str, folder: &str) -> Result<Vec<(String, Stamp)>, CacheError> {
        let prefix = format!("{folder}/");
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT path, size, mtime FROM files WHERE root = ?1 AND path > ?2 AND path < ?3
                 ORDER BY path",
            )
            .map_err(|e| self.err(e))?;
        let mut rows = statement
            .query(params![root, prefix, format!("{folder}/\u{10FFFF}")])
            .map_err(|e| self.err(e))?;
        let mut stamps = Vec::new();
        while let Some(row) = rows.next().map_err(|e| self.err(e))? {
            let path = row
                .get_ref(0)
                .and_then(|v| Ok(v.as_str()?))
                .map_err(|e| self.err(e))?;
            // Files in subfolders are skipped without being copied.
            if path[prefix.len().min(path.len())..].contains('/') {
                continue;
            }
            let path = path.to_owned();
            stamps.push((
                path,
                Stamp {
                    size: u64::try_from(row.get::<_, i64>(1).map_err(|e| self.err(e))?)
                        .unwrap_or(0),
                    mtime_ns: row.get(2).map_err(|e| self.err(e))?,
                },
            ));
        }
        Ok(stamps)
    }

    /// Path and stamp of every file the cache holds under the folder `top` of `root`, in path
    /// order.
    pub fn stamps_under(&self, root: &str, top: &str) -> Result<Vec<(String, Stamp)>, CacheError> {
        if top == root {
            return self.stamps(root);
        }
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT path, size, mtime FROM files WHERE root = ?1 AND path > ?2 AND path < ?3
                 ORDER BY path",
            )
            .map_err(|e| self.err(e))?;
        let rows = statement
            .query_map(
                params![root, format!("{top}/"), format!("{top}/\u{10FFFF}")],
                stamp_row,
            )
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Path and stamp of every file the cache holds under `root`, in path order: what a quick
    /// check for changes compares a walk of the folder with, decoding no article.
    pub fn stamps(&self, root: &str) -> Result<Vec<(String, Stamp)>, CacheError> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT path, size, mtime FROM files WHERE root = ?1 ORDER BY path")
            .map_err(|e| self.err(e))?;
        let rows = statement
            .query_map([root], stamp_row)
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// The image of every row under `root`, decoded in parallel a batch at a time.
    fn rows(&self, root: &str) -> Result<Image, CacheError> {
        const BATCH: usize = 4096;
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT id, path, meta, problem, warnings, notes FROM files WHERE root = ?1
                 ORDER BY id",
            )
            .map_err(|e| self.err(e))?;
        let mut rows = statement.query([root]).map_err(|e| self.err(e))?;
        let mut image = Image::default();
        let mut undecodable = Vec::new();
        let mut batch: Vec<RawRow> = Vec::with_capacity(BATCH);
        loop {
            let row = rows.next().map_err(|e| self.err(e))?;
            if let Some(row) = row {
                let raw = (|| {
                    Ok::<_, rusqlite::Error>(RawRow {
                        file_id: row.get(0)?,
                        path: row.get(1)?,
                        meta: row.get(2)?,
                        problem: row.get(3)?,
                        warnings: row.get(4)?,
                        notes: row.get(5)?,
                    })
                })()
                .map_err(|e| self.err(e))?;
                batch.push(raw);
            }
            if batch.len() == BATCH || (row.is_none() && !batch.is_empty()) {
                let part: Vec<(Stored, bool)> = std::mem::take(&mut batch)
                    .into_par_iter()
                    .map(RawRow::decode)
                    .collect();
                for (stored, damaged) in part {
                    if damaged {
                        undecodable.push(stored.file_id());
                    }
                    image.add(stored);
                }
            }
            if row.is_none() {
                drop(rows);
                drop(statement);
                self.read_again(&undecodable);
                return Ok(image);
            }
        }
    }

    /// The article stored for a file.
    pub fn article(&self, file_id: i64) -> Result<Article, CacheError> {
        let meta: Option<Option<Vec<u8>>> = self
            .conn
            .prepare_cached("SELECT meta FROM files WHERE id = ?1")
            .and_then(|mut statement| statement.query_row([file_id], |row| row.get(0)).optional())
            .map_err(|e| self.err(e))?;
        let unreadable = |message: String| CacheError::Incompatible {
            path: self.path.clone(),
            message,
        };
        let meta = meta.flatten().ok_or_else(|| {
            unreadable(format!(
                "no stored article for entry {file_id}; run `tidings index`"
            ))
        })?;
        postcard::from_bytes(&meta).map_err(|error| {
            self.read_again(&[file_id]);
            unreadable(format!(
                "stored article {file_id} is unreadable: {error}; the file is read again by the next refresh"
            ))
        })
    }

    /// Makes the next refresh read these files again (what the cache holds of them no longer
    /// decodes) by forgetting the time they were stored under. Not waited for: when another
    /// tidings holds the cache, a later read finds the rows again.
    fn read_again(&self, file_ids: &[i64]) {
        if file_ids.is_empty() {
            return;
        }
        let _ = self.conn.busy_timeout(std::time::Duration::ZERO);
        for file_id in file_ids {
            let _ = self
                .conn
                .execute("UPDATE files SET mtime = -1 WHERE id = ?1", [file_id]);
        }
        let _ = self.conn.busy_timeout(LOCK_WAIT);
    }

    /// The files whose article id is `query` or starts with it, or whose path is one of `paths`.
    /// The article ids stored for files, without reading their articles. Many are found in one
    /// pass over the id index (a few hundred bytes a file fewer than the rows, and in order),
    /// a few one by one.
    pub fn article_ids(
        &self,
        file_ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, String>, CacheError> {
        let mut found = std::collections::HashMap::with_capacity(file_ids.len());
        if file_ids.len() < 1000 {
            let mut statement = self
                .conn
                .prepare_cached("SELECT article_id FROM files WHERE id = ?1")
                .map_err(|e| self.err(e))?;
            for &file_id in file_ids {
                let id: Option<Option<String>> = statement
                    .query_row(params![file_id], |row| row.get(0))
                    .optional()
                    .map_err(|e| self.err(e))?;
                if let Some(id) = id.flatten() {
                    found.insert(file_id, id);
                }
            }
            return Ok(found);
        }
        let wanted: std::collections::HashSet<i64> = file_ids.iter().copied().collect();
        let mut statement = self
            .conn
            .prepare("SELECT id, article_id FROM files INDEXED BY files_article WHERE article_id IS NOT NULL")
            .map_err(|e| self.err(e))?;
        let mut rows = statement.query([]).map_err(|e| self.err(e))?;
        while let Some(row) = rows.next().map_err(|e| self.err(e))? {
            let file_id: i64 = row.get(0).map_err(|e| self.err(e))?;
            if wanted.contains(&file_id) {
                found.insert(file_id, row.get(1).map_err(|e| self.err(e))?);
            }
        }
        Ok(found)
    }

    pub fn find(&self, query: &str, paths: &[&str]) -> Result<Vec<i64>, CacheError> {
        // Ids are compared as bytes: every id that starts with `query` sorts between it and
        // `query` followed by the highest character.
        let upper = format!("{query}\u{10FFFF}");
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT id FROM files WHERE article_id >= ?1 AND article_id < ?2
                 UNION SELECT id FROM files WHERE path = ?3 OR path = ?4",
            )
            .map_err(|e| self.err(e))?;
        let path = |n: usize| paths.get(n).copied().unwrap_or(query);
        let rows = statement
            .query_map(params![query, upper, path(0), path(1)], |row| row.get(0))
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Starts one transaction for changes under `root`: nothing is seen until
    /// [`Writer::commit`], so a crash leaves either the old cache or the new one.
    pub fn writer(&mut self, root: &str) -> Result<Writer<'_>, CacheError> {
        // The write lock from the start: a transaction that read first and wrote later would
        // fail at once, without waiting, had another tidings committed in between.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|source| CacheError::Sqlite {
                path: self.path.clone(),
                source,
            })?;
        let dictionary: Option<(i64, Vec<u8>)> = tx
            .query_row(
                "SELECT id, data FROM dictionaries ORDER BY id DESC LIMIT 1",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()
            .map_err(|source| CacheError::Sqlite {
                path: self.path.clone(),
                source,
            })?;
        Ok(Writer {
            tx,
            path: &self.path,
            identity: self.identity,
            root: root.to_owned(),
            compressor: dictionary.map(|(id, data)| Compressor::new(id, &data)),
            pending: Vec::new(),
        })
    }

    /// Decompresses and decodes stored details.
    fn decode_details(&self, dict: i64, data: &[u8]) -> Result<ArticleDetails, String> {
        let mut decompressors = self.decompressors.borrow_mut();
        let decompressor = match decompressors.entry(dict) {
            std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::hash_map::Entry::Vacant(entry) => {
                let dictionary: Option<Vec<u8>> = if dict == 0 {
                    None
                } else {
                    let found = self
                        .conn
                        .prepare_cached("SELECT data FROM dictionaries WHERE id = ?1")
                        .and_then(|mut statement| {
                            statement.query_row([dict], |row| row.get(0)).optional()
                        })
                        .map_err(|error| error.to_string())?;
                    Some(found.ok_or_else(|| format!("compression dictionary {dict} is missing"))?)
                };
                entry.insert(Decompressor::new(dictionary.as_deref()))
            }
        };
        let plain = decompressor.decompress(data)?;
        postcard::from_bytes(&plain).map_err(|error| error.to_string())
    }

    /// Every cached article with the text of its body, in file id order: what the text index is
    /// rebuilt from without reading the files again (offline roots included).
    pub fn for_each_document(
        &self,
        mut each: impl FnMut(i64, &Article, &str),
    ) -> Result<(), CacheError> {
        let mut statement = self
            .conn
            .prepare(
                "SELECT files.id, files.meta, details.dict, details.data FROM files
                 JOIN details ON details.file_id = files.id
                 WHERE files.meta IS NOT NULL ORDER BY files.id",
            )
            .map_err(|e| self.err(e))?;
        let mut rows = statement.query([]).map_err(|e| self.err(e))?;
        while let Some(row) = rows.next().map_err(|e| self.err(e))? {
            let file_id: i64 = row.get(0).map_err(|e| self.err(e))?;
            let meta = row.get_ref(1).and_then(|v| Ok(v.as_blob()?));
            let dict = row.get::<_, i64>(2);
            let data = row.get_ref(3).and_then(|v| Ok(v.as_blob()?));
            let (Ok(meta), Ok(dict), Ok(data)) = (meta, dict, data) else {
                continue;
            };
            // A row that no longer decodes is reported when the library loads; skip it here.
            if let (Ok(article), Ok(details)) = (
                postcard::from_bytes::<Article>(meta),
                self.decode_details(dict, data),
            ) {
                each(file_id, &article, &plain_text(&details.body));
            }
        }
        Ok(())
    }

    pub fn details(&self, file_id: i64) -> Result<ArticleDetails, CacheError> {
        let row: Option<(i64, Vec<u8>)> = self
            .conn
            .prepare_cached("SELECT dict, data FROM details WHERE file_id = ?1")
            .and_then(|mut statement| {
                statement
                    .query_row([file_id], |row| Ok((row.get(0)?, row.get(1)?)))
                    .optional()
            })
            .map_err(|e| self.err(e))?;
        let (dict, data) = row.ok_or_else(|| CacheError::Incompatible {
            path: self.path.clone(),
            message: format!("no stored text for entry {file_id}; run `tidings index`"),
        })?;
        self.decode_details(dict, &data).map_err(|message| {
            self.read_again(&[file_id]);
            CacheError::Incompatible {
                path: self.path.clone(),
                message: format!(
                    "stored text for entry {file_id} is unreadable: {message}; the file is read again by the next refresh"
                ),
            }
        })
    }
}

/// Changes under one root, in one transaction.
pub struct Writer<'c> {
    tx: Transaction<'c>,
    path: &'c Path,
    identity: u64,
    root: String,
    /// The cache's dictionary, once it has one.
    compressor: Option<Compressor>,
    /// Details encoded but not stored yet, while there is no dictionary: the first
    /// [`TRAIN_ON`] train one. Stored without one at the latest on commit.
    pending: Vec<(i64, Vec<u8>)>,
}

impl Writer<'_> {
    fn err(&self, source: rusqlite::Error) -> CacheError {
        error_marking_damage(self.path, source)
    }

    /// Stores one file's outcome (its details too), indexes its text, and gives back what the
    /// root's image keeps of it.
    pub fn put(
        &mut self,
        file: String,
        stamp: Stamp,
        entry: Entry,
        text: &mut TextWriter,
    ) -> Result<Stored, CacheError> {
        let size = i64::try_from(stamp.size).unwrap_or(i64::MAX);
        let joined = |lines: &[String]| (!lines.is_empty()).then(|| lines.join("\n"));
        let (article_id, meta, problem, warnings, notes) = match &entry {
            Entry::Article {
                article,
                warnings,
                notes,
                ..
            } => (
                Some(article.id.0.as_str()),
                Some(encode(&**article)),
                None,
                joined(warnings),
                joined(notes),
            ),
            Entry::Problem(problem) => (None, None, Some(problem.as_str()), None, None),
        };
        let file_id: i64 = self
            .tx
            .prepare_cached(
                "INSERT INTO files
                     (path, root, size, mtime, article_id, meta, problem, warnings, notes)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT(path) DO UPDATE SET root = excluded.root, size = excluded.size,
                     mtime = excluded.mtime, article_id = excluded.article_id,
                     meta = excluded.meta, problem = excluded.problem,
                     warnings = excluded.warnings, notes = excluded.notes
                 RETURNING id",
            )
            .and_then(|mut upsert| {
                upsert.query_row(
                    params![
                        file,
                        self.root,
                        size,
                        stamp.mtime_ns,
                        article_id,
                        meta,
                        problem,
                        warnings,
                        notes
                    ],
                    |row| row.get(0),
                )
            })
            .map_err(|e| self.err(e))?;
        Ok(match entry {
            Entry::Article {
                article,
                details,
                body_text,
                warnings,
                notes,
            } => {
                self.store_details(file_id, details)?;
                text.put(file_id, &article, &body_text);
                Stored::Article {
                    file_id,
                    article,
                    warnings,
                    notes,
                }
            }
            Entry::Problem(message) => {
                self.tx
                    .prepare_cached("DELETE FROM details WHERE file_id = ?1")
                    .and_then(|mut drop| drop.execute([file_id]))
                    .map_err(|e| self.err(e))?;
                self.pending.retain(|(pending, _)| *pending != file_id);
                text.remove(file_id);
                Stored::Problem {
                    file_id,
                    path: file,
                    message,
                }
            }
        })
    }

    fn store_details(&mut self, file_id: i64, plain: Vec<u8>) -> Result<(), CacheError> {
        let Some(compressor) = &mut self.compressor else {
            self.pending.push((file_id, plain));
            if self.pending.len() >= TRAIN_ON {
                self.train()?;
            }
            return Ok(());
        };
        let (dict, data) = (compressor.id, compressor.compress(&plain));
        self.insert_details(file_id, dict, &data)
    }

    /// Trains a dictionary on the pending details and stores them with it (or without one, if
    /// zstd found nothing to share).
    fn train(&mut self) -> Result<(), CacheError> {
        let samples: Vec<&[u8]> = self.pending.iter().map(|(_, plain)| &plain[..]).collect();
        if let Some(dictionary) = compression::train(&samples) {
            let id: i64 = self
                .tx
                .query_row(
                    "INSERT INTO dictionaries (data) VALUES (?1) RETURNING id",
                    [&dictionary],
                    |row| row.get(0),
                )
                .map_err(|e| self.err(e))?;
            self.compressor = Some(Compressor::new(id, &dictionary));
        }
        self.flush_pending()
    }

    fn flush_pending(&mut self) -> Result<(), CacheError> {
        for (file_id, plain) in std::mem::take(&mut self.pending) {
            let (dict, data) = match &mut self.compressor {
                Some(compressor) => (compressor.id, compressor.compress(&plain)),
                None => (0, compression::compress_alone(&plain)),
            };
            self.insert_details(file_id, dict, &data)?;
        }
        Ok(())
    }

    fn insert_details(&mut self, file_id: i64, dict: i64, data: &[u8]) -> Result<(), CacheError> {
        self.tx
            .prepare_cached(
                "INSERT OR REPLACE INTO details (file_id, dict, data) VALUES (?1, ?2, ?3)",
            )
            .and_then(|mut put| put.execute(params![file_id, dict, data]))
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Forgets a file that is gone (its details with it); gives back the id it had.
    pub fn remove(&mut self, file: &str) -> Result<Option<i64>, CacheError> {
        self.tx
            .prepare_cached("DELETE FROM files WHERE path = ?1 RETURNING id")
            .and_then(|mut delete| delete.query_row([file], |row| row.get(0)).optional())
            .map_err(|e| self.err(e))
    }

    /// Makes the changes visible; gives back the root's version after them, for its image.
    pub fn commit(mut self) -> Result<Version, CacheError> {
        self.flush_pending()?;
        let generation: i64 = self
            .tx
            .query_row(
                "INSERT INTO roots (root, generation) VALUES (?1, 1)
                 ON CONFLICT(root) DO UPDATE SET generation = generation + 1
                 RETURNING generation",
                [&self.root],
                |row| row.get(0),
            )
            .map_err(|e| self.err(e))?;
        let path = self.path;
        self.tx.commit().map_err(|source| CacheError::Sqlite {
            path: path.to_owned(),
            source,
        })?;
        Ok(Version {
            identity: self.identity,
            generation,
        })
    }
}

/// A `path, size, mtime` row.
fn stamp_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(String, Stamp)> {
    Ok((
        row.get(0)?,
        Stamp {
            size: u64::try_from(row.get::<_, i64>(1)?).unwrap_or(0),
            mtime_ns: row.get(2)?,
        },
    ))
}

/// An identity no earlier cache at this path had: the time, to the nanosecond.
fn new_identity() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |since| since.as_nanos() as u64)
}

fn encode<T: serde::Serialize>(value: &T) -> Vec<u8> {
    postcard::to_allocvec(value).expect("encoding plain owned data into a Vec cannot fail")
}

/// Left beside the cache (`cache.db.damaged`) by a read that met damage: the next open looks at
/// every page, and moves a damaged cache aside, instead of failing on the same rows again.
fn damage_marker(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(".damaged");
    path.with_file_name(name)
}

/// The error, with damage remembered for the next open (see [`damage_marker`]).
fn error_marking_damage(path: &Path, source: rusqlite::Error) -> CacheError {
    let error = CacheError::Sqlite {
        path: path.to_owned(),
        source,
    };
    if error.is_damage() {
        let _ = std::fs::File::create(damage_marker(path));
    }
    error
}

/// Renames a damaged database and its WAL files to `NAME.broken-TIMESTAMP`.
fn move_aside(path: &Path) -> std::io::Result<PathBuf> {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S");
    let aside = path.with_file_name(format!(
        "{}.broken-{stamp}",
        path.file_name().unwrap_or_default().to_string_lossy()
    ));
    std::fs::rename(path, &aside)?;
    for suffix in ["-wal", "-shm"] {
        let mut companion = path.as_os_str().to_owned();
        companion.push(suffix);
        let mut companion_aside = aside.as_os_str().to_owned();
        companion_aside.push(suffix);
        // Companions may not exist; a leftover one would be ignored by the new database anyway.
        let _ = std::fs::rename(companion, companion_aside);
    }
    Ok(aside)
}
