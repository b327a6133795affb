//! The article cache: parsed metadata and details in SQLite, keyed by file path and stamped with
//! size and mtime, so an unchanged file is never read or parsed twice. Beside the rows, each root
//! has a [`Snapshot`] of its metadata, which is what a start reads.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use rayon::prelude::*;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};

use super::compression::{self, Compressor, Decompressor, TRAIN_ON};
use super::snapshot::{ChunkChanges, Snapped, SnappedEntry, Snapshot};
use super::text_index::{TextWriter, plain_text};
use crate::article::{Article, ArticleDetails, PARSER_REVISION};

/// Bump when the schema or the encoding of `meta`/`details`/`snapshot` changes: old caches are
/// moved aside. Version 2 caches (no snapshot table) and version 3 caches (uncompressed details)
/// are upgraded in place, reading the files again.
const SCHEMA_VERSION: i64 = 4;

/// zstd dictionaries the details are compressed with (see `compression`).
const DICTIONARIES_TABLE: &str =
    "CREATE TABLE dictionaries (id INTEGER PRIMARY KEY, data BLOB NOT NULL);";

const SNAPSHOT_TABLE: &str = "CREATE TABLE snapshot (
    root TEXT NOT NULL,
    start TEXT NOT NULL,
    files INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (root, start)
);";

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
    /// Decode snapshot chunks on the thread pool: faster, but the decoded parts are copied once
    /// more, which costs memory at the peak (about 40 MB at 100,000 articles).
    parallel_decode: bool,
    /// By dictionary id (0: none), prepared on first use.
    decompressors: RefCell<HashMap<i64, Decompressor>>,
}

/// The size and mtime the cache saw, to compare with what is on disk now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub size: u64,
    pub mtime_ns: i64,
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
    },
    Problem(String),
}

impl Entry {
    /// An article with everything storing it needs, prepared by whoever parsed it.
    pub fn article(article: Article, details: &ArticleDetails, warnings: Vec<String>) -> Entry {
        Entry::Article {
            article: Box::new(article),
            details: encode(details),
            body_text: plain_text(&details.body),
            warnings,
        }
    }
}

/// A row as stored, before its metadata is decoded.
struct RawRow {
    file_id: i64,
    path: String,
    stamp: Stamp,
    meta: Option<Vec<u8>>,
    problem: Option<String>,
    warnings: Option<String>,
}

impl RawRow {
    /// A row whose metadata no longer decodes comes back as a problem: one damaged row costs one
    /// article, not the library.
    fn decode(self) -> Snapped {
        let entry = match (self.meta, self.problem) {
            (Some(meta), _) => match postcard::from_bytes::<Article>(&meta) {
                Ok(article) => SnappedEntry::Article {
                    article,
                    warnings: self
                        .warnings
                        .map(|w| w.lines().map(str::to_owned).collect())
                        .unwrap_or_default(),
                },
                Err(error) => SnappedEntry::Problem {
                    path: self.path,
                    message: format!("cache entry unreadable: {error}"),
                },
            },
            (None, problem) => SnappedEntry::Problem {
                path: self.path,
                message: problem.unwrap_or_default(),
            },
        };
        Snapped {
            file_id: self.file_id,
            stamp: self.stamp,
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
                         dict INTEGER NOT NULL DEFAULT 0,
                         data BLOB NOT NULL
                     );
                     CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                     {SNAPSHOT_TABLE}
                     {DICTIONARIES_TABLE}
                     PRAGMA user_version = {SCHEMA_VERSION};
                     COMMIT;"
                ))
                .map_err(sqlite)?;
            }
            2 | 3 => {
                // Details are stored compressed now, and version 2 had no snapshot table: the
                // rows are dropped and the files read again, as after a parser change.
                let snapshot = if version == 2 { SNAPSHOT_TABLE } else { "" };
                conn.execute_batch(&format!(
                    "BEGIN;
                     {snapshot}
                     {DICTIONARIES_TABLE}
                     DELETE FROM snapshot;
                     DELETE FROM details;
                     DELETE FROM files;
                     ALTER TABLE details ADD COLUMN dict INTEGER NOT NULL DEFAULT 0;
                     PRAGMA user_version = {SCHEMA_VERSION};
                     COMMIT;"
                ))
                .map_err(sqlite)?;
            }
            SCHEMA_VERSION => {
                // Touch both tables so a damaged schema shows up now, not halfway through a load.
                conn.query_row("SELECT count(*) FROM files WHERE id < 0", [], |_| Ok(()))
                    .and_then(|()| {
                        conn.query_row(
                            "SELECT count(*) FROM details WHERE file_id < 0 AND dict = 0",
                            [],
                            |_| Ok(()),
                        )
                    })
                    .and_then(|()| {
                        conn.query_row("SELECT count(*) FROM dictionaries", [], |_| Ok(()))
                    })
                    .and_then(|()| conn.query_row("SELECT count(*) FROM settings", [], |_| Ok(())))
                    .and_then(|()| {
                        conn.query_row("SELECT count(*) FROM snapshot WHERE root = ''", [], |_| {
                            Ok(())
                        })
                    })
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
                 DELETE FROM snapshot;
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
            parallel_decode: false,
            decompressors: RefCell::new(HashMap::new()),
        })
    }

    fn err(&self, source: rusqlite::Error) -> CacheError {
        CacheError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    /// The snapshot of `root`: every file the cache holds under it, in path order. Chunks are
    /// read here while the thread pool decodes them, a few at a time so memory holds the articles
    /// and a few chunks, not all blobs. A root without a snapshot (a cache from before snapshots)
    /// or with a chunk that no longer decodes gets one rebuilt from its rows.
    pub fn snapshot(&mut self, root: &str) -> Result<Snapshot, CacheError> {
        if let Some(snapshot) = self.read_snapshot(root)? {
            return Ok(snapshot);
        }
        let snapshot = Snapshot::from_sorted(self.rows(root)?);
        let mut writer = self.writer(root)?;
        writer
            .tx
            .execute("DELETE FROM snapshot WHERE root = ?1", [root])
            .map_err(|e| writer.err(e))?;
        let everything = ChunkChanges {
            deleted: Vec::new(),
            written: (0..snapshot.chunk_count()).collect(),
        };
        writer.store(&snapshot, &everything)?;
        writer.commit()?;
        Ok(snapshot)
    }

    /// Trades memory for speed in [`Cache::snapshot`]: for the reader's first screen.
    pub fn decode_in_parallel(&mut self, parallel: bool) {
        self.parallel_decode = parallel;
    }

    fn read_snapshot(&mut self, root: &str) -> Result<Option<Snapshot>, CacheError> {
        let files: i64 = self
            .conn
            .prepare_cached("SELECT coalesce(sum(files), 0) FROM snapshot WHERE root = ?1")
            .and_then(|mut statement| statement.query_row([root], |row| row.get(0)))
            .map_err(|e| self.err(e))?;
        let mut snapshot = Snapshot::with_capacity(usize::try_from(files).unwrap_or(0));
        let conn = &mut self.conn;
        // One thread reads chunks while this one decodes them into the snapshot, or the thread
        // pool decodes them, each into a part of its own, joined in order at the end.
        let parallel = self.parallel_decode;
        let (read, decoded) = std::thread::scope(|scope| {
            let (sender, receiver) = mpsc::sync_channel::<(String, Vec<u8>)>(4);
            let reading = scope.spawn(move || -> rusqlite::Result<()> {
                let mut statement = conn.prepare_cached(
                    "SELECT start, data FROM snapshot WHERE root = ?1 ORDER BY start",
                )?;
                let mut rows = statement.query([root])?;
                while let Some(row) = rows.next()? {
                    let start = row.get(0)?;
                    let data = row.get_ref(1)?.as_blob()?.to_vec();
                    if sender.send((start, data)).is_err() {
                        break;
                    }
                }
                Ok(())
            });
            let decoded = if parallel {
                let mut parts: Vec<(usize, Option<Snapshot>)> = receiver
                    .into_iter()
                    .enumerate()
                    .par_bridge()
                    .map(|(n, (start, data))| {
                        let mut part = Snapshot::default();
                        (n, part.decode_chunk(start, &data).is_ok().then_some(part))
                    })
                    .collect();
                parts.sort_unstable_by_key(|&(n, _)| n);
                parts.into_iter().all(|(_, part)| match part {
                    Some(part) => {
                        snapshot.append(part);
                        true
                    }
                    None => false,
                })
            } else {
                receiver
                    .into_iter()
                    .all(|(start, data)| snapshot.decode_chunk(start, &data).is_ok())
            };
            let read = reading
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (read, decoded)
        });
        read.map_err(|e| self.err(e))?;
        let complete = snapshot.chunk_count() > 0 && snapshot.chunk_start(0).is_empty();
        Ok((decoded && complete).then_some(snapshot))
    }

    /// Path and stamp of every file the cache holds under `root`, in path order: what a quick
    /// check for changes compares a walk of the folder with, decoding no article.
    pub fn stamps(&self, root: &str) -> Result<Vec<(String, Stamp)>, CacheError> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT path, size, mtime FROM files WHERE root = ?1 ORDER BY path")
            .map_err(|e| self.err(e))?;
        let rows = statement
            .query_map([root], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    Stamp {
                        size: u64::try_from(row.get::<_, i64>(1)?).unwrap_or(0),
                        mtime_ns: row.get(2)?,
                    },
                ))
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Every row under `root` in path order, decoded in parallel a batch at a time.
    fn rows(&self, root: &str) -> Result<Vec<Snapped>, CacheError> {
        const BATCH: usize = 4096;
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT id, path, size, mtime, meta, problem, warnings FROM files
                 WHERE root = ?1 ORDER BY path",
            )
            .map_err(|e| self.err(e))?;
        let mut rows = statement.query([root]).map_err(|e| self.err(e))?;
        let mut decoded = Vec::new();
        let mut batch: Vec<RawRow> = Vec::with_capacity(BATCH);
        loop {
            let row = rows.next().map_err(|e| self.err(e))?;
            if let Some(row) = row {
                let raw = (|| {
                    Ok::<_, rusqlite::Error>(RawRow {
                        file_id: row.get(0)?,
                        path: row.get(1)?,
                        stamp: Stamp {
                            size: row.get::<_, i64>(2)? as u64,
                            mtime_ns: row.get(3)?,
                        },
                        meta: row.get(4)?,
                        problem: row.get(5)?,
                        warnings: row.get(6)?,
                    })
                })()
                .map_err(|e| self.err(e))?;
                batch.push(raw);
            }
            if batch.len() == BATCH || (row.is_none() && !batch.is_empty()) {
                let part: Vec<Snapped> = std::mem::take(&mut batch)
                    .into_par_iter()
                    .map(RawRow::decode)
                    .collect();
                decoded.extend(part);
            }
            if row.is_none() {
                return Ok(decoded);
            }
        }
    }

    /// Starts one transaction for changes under `root`: nothing is seen until
    /// [`Writer::commit`], so a crash leaves either the old cache or the new one.
    pub fn writer(&mut self, root: &str) -> Result<Writer<'_>, CacheError> {
        let tx = self
            .conn
            .transaction()
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
        self.decode_details(dict, &data)
            .map_err(|message| CacheError::Incompatible {
                path: self.path.clone(),
                message: format!("stored text for entry {file_id} is unreadable: {message}"),
            })
    }
}

/// Changes under one root, in one transaction.
pub struct Writer<'c> {
    tx: Transaction<'c>,
    path: &'c Path,
    root: String,
    /// The cache's dictionary, once it has one.
    compressor: Option<Compressor>,
    /// Details encoded but not stored yet, while there is no dictionary: the first
    /// [`TRAIN_ON`] train one. Stored without one at the latest on commit.
    pending: Vec<(i64, Vec<u8>)>,
}

impl Writer<'_> {
    fn err(&self, source: rusqlite::Error) -> CacheError {
        CacheError::Sqlite {
            path: self.path.to_owned(),
            source,
        }
    }

    /// Stores one file's outcome (its details too), indexes its text, and gives back what the
    /// snapshot keeps of it.
    pub fn put(
        &mut self,
        file: String,
        stamp: Stamp,
        entry: Entry,
        text: &mut TextWriter,
    ) -> Result<Snapped, CacheError> {
        let size = i64::try_from(stamp.size).unwrap_or(i64::MAX);
        let (meta, problem, warnings) = match &entry {
            Entry::Article {
                article, warnings, ..
            } => (
                Some(encode(&**article)),
                None,
                (!warnings.is_empty()).then(|| warnings.join("\n")),
            ),
            Entry::Problem(problem) => (None, Some(problem.as_str()), None),
        };
        let file_id: i64 = self
            .tx
            .prepare_cached(
                "INSERT INTO files (path, root, size, mtime, meta, problem, warnings)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT(path) DO UPDATE SET root = excluded.root, size = excluded.size,
                     mtime = excluded.mtime, meta = excluded.meta, problem = excluded.problem,
                     warnings = excluded.warnings
                 RETURNING id",
            )
            .and_then(|mut upsert| {
                upsert.query_row(
                    params![
                        file,
                        self.root,
                        size,
                        stamp.mtime_ns,
                        meta,
                        problem,
                        warnings
                    ],
                    |row| row.get(0),
                )
            })
            .map_err(|e| self.err(e))?;
        let entry = match entry {
            Entry::Article {
                article,
                details,
                body_text,
                warnings,
            } => {
                self.store_details(file_id, details)?;
                text.put(file_id, &article, &body_text);
                SnappedEntry::Article {
                    article: *article,
                    warnings,
                }
            }
            Entry::Problem(message) => {
                self.tx
                    .prepare_cached("DELETE FROM details WHERE file_id = ?1")
                    .and_then(|mut drop| drop.execute([file_id]))
                    .map_err(|e| self.err(e))?;
                self.pending.retain(|(pending, _)| *pending != file_id);
                text.remove(file_id);
                SnappedEntry::Problem {
                    path: file,
                    message,
                }
            }
        };
        Ok(Snapped {
            file_id,
            stamp,
            entry,
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

    /// Deletes the root's stored snapshot: the next start rebuilds it from the rows.
    pub fn drop_snapshot(&mut self) -> Result<(), CacheError> {
        self.tx
            .prepare_cached("DELETE FROM snapshot WHERE root = ?1")
            .and_then(|mut delete| delete.execute([&self.root]))
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

    /// Stores the chunks of `snapshot` that `changes` names, encoding a few at a time in parallel.
    pub fn store(&mut self, snapshot: &Snapshot, changes: &ChunkChanges) -> Result<(), CacheError> {
        let mut delete = self
            .tx
            .prepare_cached("DELETE FROM snapshot WHERE root = ?1 AND start = ?2")
            .map_err(|e| self.err(e))?;
        for start in &changes.deleted {
            delete
                .execute(params![self.root, start])
                .map_err(|e| self.err(e))?;
        }
        let mut insert = self
            .tx
            .prepare_cached(
                "INSERT OR REPLACE INTO snapshot (root, start, files, data) VALUES (?1, ?2, ?3, ?4)",
            )
            .map_err(|e| self.err(e))?;
        for batch in changes.written.chunks(4) {
            let encoded: Vec<Vec<u8>> = batch
                .par_iter()
                .map(|&k| snapshot.encode_chunk(k))
                .collect();
            for (&k, data) in batch.iter().zip(encoded) {
                insert
                    .execute(params![
                        self.root,
                        snapshot.chunk_start(k),
                        snapshot.chunk_len(k) as i64,
                        data
                    ])
                    .map_err(|e| self.err(e))?;
            }
        }
        Ok(())
    }

    pub fn commit(mut self) -> Result<(), CacheError> {
        self.flush_pending()?;
        let path = self.path;
        self.tx.commit().map_err(|source| CacheError::Sqlite {
            path: path.to_owned(),
            source,
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
