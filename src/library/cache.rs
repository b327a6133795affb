//! The article cache: parsed metadata and details in SQLite, keyed by file path and stamped with
//! size and mtime, so an unchanged file is never read or parsed twice.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use rusqlite::{Connection, OptionalExtension, params};

use crate::article::{Article, ArticleDetails, PARSER_REVISION};

/// Bump when the schema or the encoding of `meta`/`details` changes: old caches are moved aside.
const SCHEMA_VERSION: i64 = 2;

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

pub struct Cache {
    conn: Connection,
    path: PathBuf,
}

/// The size and mtime the cache saw, to compare with what is on disk now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub size: u64,
    pub mtime_ns: i64,
}

/// One file's outcome, ready to store.
pub enum Entry {
    Article {
        article: Box<Article>,
        details: Box<ArticleDetails>,
        warnings: Vec<String>,
    },
    Problem(String),
}

/// One stored row, as read back for building the library.
pub struct Row {
    pub file_id: i64,
    pub path: String,
    pub root: String,
    pub entry: RowEntry,
}

// Rows live only between decoding and assembly; boxing each article would cost an allocation per
// article on every start.
#[allow(clippy::large_enum_variant)]
pub enum RowEntry {
    Article {
        article: Article,
        warnings: Vec<String>,
    },
    Problem(String),
}

/// A row as stored, before its metadata is decoded.
struct RawRow {
    file_id: i64,
    path: String,
    root: String,
    meta: Option<Vec<u8>>,
    problem: Option<String>,
    warnings: Option<String>,
}

impl RawRow {
    fn decode(self) -> Row {
        let entry = match (self.meta, self.problem) {
            (Some(meta), _) => match postcard::from_bytes::<Article>(&meta) {
                Ok(article) => RowEntry::Article {
                    article,
                    warnings: self
                        .warnings
                        .map(|w| w.lines().map(str::to_owned).collect())
                        .unwrap_or_default(),
                },
                Err(error) => RowEntry::Problem(format!("cache entry unreadable: {error}")),
            },
            (None, problem) => RowEntry::Problem(problem.unwrap_or_default()),
        };
        Row {
            file_id: self.file_id,
            path: self.path,
            root: self.root,
            entry,
        }
    }
}

impl Cache {
    /// Opens or creates the cache. A cache that is corrupt, not a database, or of another schema
    /// version is moved aside (never deleted) and a new one created; the message says so.
    pub fn open(path: &Path) -> Result<(Cache, Option<String>), CacheError> {
        match Self::open_existing(path) {
            Ok(cache) => Ok((cache, None)),
            Err(error) if path.exists() => {
                let aside = move_aside(path).map_err(|source| CacheError::Incompatible {
                    path: path.to_owned(),
                    message: format!("unusable ({error}) and could not be moved aside: {source}"),
                })?;
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

    fn open_existing(path: &Path) -> Result<Cache, CacheError> {
        let sqlite = |source| CacheError::Sqlite {
            path: path.to_owned(),
            source,
        };
        let conn = Connection::open(path).map_err(sqlite)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(sqlite)?;
        // The cache can always be rebuilt from the files, so it trades durability for speed:
        // a crash can lose the last refresh, never corrupt the user's own state (kept elsewhere).
        conn.execute_batch(
            "PRAGMA journal_mode=DELETE; PRAGMA synchronous=OFF; PRAGMA foreign_keys=ON;",
        )
        .map_err(sqlite)?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(sqlite)?;
        match version {
            0 => {
                conn.execute_batch(&format!(
                    "BEGIN;
                     CREATE TABLE files (
                         id INTEGER PRIMARY KEY,
                         path TEXT NOT NULL UNIQUE,
                         root TEXT NOT NULL,
                         size INTEGER NOT NULL,
                         mtime INTEGER NOT NULL,
                         meta BLOB,
                         problem TEXT,
                         warnings TEXT
                     );
                     CREATE INDEX files_root ON files(root);
                     CREATE TABLE details (
                         file_id INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
                         data BLOB NOT NULL
                     );
                     CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                     PRAGMA user_version = {SCHEMA_VERSION};
                     COMMIT;"
                ))
                .map_err(sqlite)?;
            }
            SCHEMA_VERSION => {
                // Touch both tables so a damaged schema shows up now, not halfway through a load.
                conn.query_row("SELECT count(*) FROM files WHERE id < 0", [], |_| Ok(()))
                    .and_then(|()| {
                        conn.query_row("SELECT count(*) FROM details WHERE file_id < 0", [], |_| {
                            Ok(())
                        })
                    })
                    .and_then(|()| conn.query_row("SELECT count(*) FROM settings", [], |_| Ok(())))
                    .map_err(sqlite)?;
            }
            other => {
                return Err(CacheError::Incompatible {
                    path: path.to_owned(),
                    message: format!("schema version {other}, this tidings uses {SCHEMA_VERSION}"),
                });
            }
        }
        let parser: Option<String> = conn
            .query_row(
                "SELECT value FROM settings WHERE key = 'parser'",
                [],
                |row| row.get(0),
            )
            .optional()
            .map_err(sqlite)?;
        if parser.as_deref() != Some(PARSER_REVISION) {
            // Parsed by another version: every file is read again on the next refresh.
            conn.execute_batch(&format!(
                "BEGIN;
                 DELETE FROM details;
                 DELETE FROM files;
                 INSERT OR REPLACE INTO settings (key, value) VALUES ('parser', '{PARSER_REVISION}');
                 COMMIT;"
            ))
            .map_err(sqlite)?;
        }
        Ok(Cache {
            conn,
            path: path.to_owned(),
        })
    }

    fn err(&self, source: rusqlite::Error) -> CacheError {
        CacheError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    /// Stamps of every file the cache holds under `root`.
    pub fn stamps(&self, root: &str) -> Result<HashMap<String, Stamp>, CacheError> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT path, size, mtime FROM files WHERE root = ?1")
            .map_err(|e| self.err(e))?;
        let rows = statement
            .query_map([root], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    Stamp {
                        size: row.get::<_, i64>(1)? as u64,
                        mtime_ns: row.get(2)?,
                    },
                ))
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Stores entries from `incoming` and removes `removed`, all in one transaction, so a crash
    /// leaves either the old cache or the new one.
    pub fn write(
        &mut self,
        root: &str,
        incoming: impl IntoIterator<Item = (String, Stamp, Entry)>,
        removed: &[String],
    ) -> Result<(), CacheError> {
        let path = self.path.clone();
        let err = |source| CacheError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(err)?;
        {
            let mut upsert = tx
                .prepare_cached(
                    "INSERT INTO files (path, root, size, mtime, meta, problem, warnings)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                     ON CONFLICT(path) DO UPDATE SET root = excluded.root, size = excluded.size,
                         mtime = excluded.mtime, meta = excluded.meta, problem = excluded.problem,
                         warnings = excluded.warnings
                     RETURNING id",
                )
                .map_err(err)?;
            let mut put_details = tx
                .prepare_cached("INSERT OR REPLACE INTO details (file_id, data) VALUES (?1, ?2)")
                .map_err(err)?;
            let mut drop_details = tx
                .prepare_cached("DELETE FROM details WHERE file_id = ?1")
                .map_err(err)?;
            for (file, stamp, entry) in incoming {
                let size = i64::try_from(stamp.size).unwrap_or(i64::MAX);
                match entry {
                    Entry::Article {
                        article,
                        details,
                        warnings,
                    } => {
                        let meta = encode(&*article);
                        let warnings = (!warnings.is_empty()).then(|| warnings.join("\n"));
                        let id: i64 = upsert
                            .query_row(
                                params![
                                    file,
                                    root,
                                    size,
                                    stamp.mtime_ns,
                                    meta,
                                    None::<String>,
                                    warnings
                                ],
                                |row| row.get(0),
                            )
                            .map_err(err)?;
                        put_details
                            .execute(params![id, encode(&*details)])
                            .map_err(err)?;
                    }
                    Entry::Problem(problem) => {
                        let id: i64 = upsert
                            .query_row(
                                params![
                                    file,
                                    root,
                                    size,
                                    stamp.mtime_ns,
                                    None::<Vec<u8>>,
                                    problem,
                                    None::<String>
                                ],
                                |row| row.get(0),
                            )
                            .map_err(err)?;
                        drop_details.execute([id]).map_err(err)?;
                    }
                }
            }
            let mut delete = tx
                .prepare_cached("DELETE FROM files WHERE path = ?1")
                .map_err(err)?;
            for file in removed {
                delete.execute([file]).map_err(err)?;
            }
        }
        tx.commit().map_err(err)
    }

    /// Calls `each` with every row under the given roots, in path order. Metadata is decoded in
    /// parallel, a batch at a time, so memory holds the articles and one batch, not all blobs.
    /// Rows whose metadata no longer decodes come back as problems: one damaged row costs one
    /// article, not the library.
    pub fn for_each_row(
        &self,
        roots: &[String],
        mut each: impl FnMut(Row),
    ) -> Result<(), CacheError> {
        const BATCH: usize = 4096;
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT id, path, root, meta, problem, warnings FROM files ORDER BY path",
            )
            .map_err(|e| self.err(e))?;
        let mut rows = statement.query([]).map_err(|e| self.err(e))?;
        let mut batch: Vec<RawRow> = Vec::with_capacity(BATCH);
        loop {
            let row = rows.next().map_err(|e| self.err(e))?;
            if let Some(row) = row {
                let root: String = row.get(2).map_err(|e| self.err(e))?;
                if roots.contains(&root) {
                    batch.push(RawRow {
                        file_id: row.get(0).map_err(|e| self.err(e))?,
                        path: row.get(1).map_err(|e| self.err(e))?,
                        root,
                        meta: row.get(3).map_err(|e| self.err(e))?,
                        problem: row.get(4).map_err(|e| self.err(e))?,
                        warnings: row.get(5).map_err(|e| self.err(e))?,
                    });
                }
            }
            if batch.len() == BATCH || (row.is_none() && !batch.is_empty()) {
                let decoded: Vec<Row> = std::mem::take(&mut batch)
                    .into_par_iter()
                    .map(RawRow::decode)
                    .collect();
                decoded.into_iter().for_each(&mut each);
            }
            if row.is_none() {
                return Ok(());
            }
        }
    }

    pub fn details(&self, file_id: i64) -> Result<ArticleDetails, CacheError> {
        let data: Option<Vec<u8>> = self
            .conn
            .prepare_cached("SELECT data FROM details WHERE file_id = ?1")
            .and_then(|mut statement| statement.query_row([file_id], |row| row.get(0)).optional())
            .map_err(|e| self.err(e))?;
        let data = data.ok_or_else(|| CacheError::Incompatible {
            path: self.path.clone(),
            message: format!("no stored text for entry {file_id}; run `tidings index`"),
        })?;
        postcard::from_bytes(&data).map_err(|error| CacheError::Incompatible {
            path: self.path.clone(),
            message: format!("stored text for entry {file_id} is unreadable: {error}"),
        })
    }
}

fn encode<T: serde::Serialize>(value: &T) -> Vec<u8> {
    postcard::to_allocvec(value).expect("encoding plain owned data into a Vec cannot fail")
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
