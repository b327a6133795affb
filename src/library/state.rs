//! The user's own state: read and starred marks, kept in the data directory apart from the cache
//! so that deleting or rebuilding the cache never touches them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use crate::article::ArticleId;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Marks {
    pub read: bool,
    pub starred: bool,
}

/// What to change in one article's marks: each flag that is `Some` is set, the other is left as
/// the database has it. A whole pair written from a stale copy would undo a mark set meanwhile
/// by another tidings (`tidings mark` from a script while the reader runs).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MarkChange {
    pub read: Option<bool>,
    pub starred: Option<bool>,
}

impl MarkChange {
    /// The flags in which `new` differs from `old`.
    pub fn between(old: Marks, new: Marks) -> Self {
        Self {
            read: (old.read != new.read).then_some(new.read),
            starred: (old.starred != new.starred).then_some(new.starred),
        }
    }

    pub const fn is_empty(self) -> bool {
        self.read.is_none() && self.starred.is_none()
    }

    pub fn applied_to(self, marks: Marks) -> Marks {
        Marks {
            read: self.read.unwrap_or(marks.read),
            starred: self.starred.unwrap_or(marks.starred),
        }
    }
}

/// Marks by article id, loaded once; every change is written through in its own transaction.
pub struct StateStore {
    conn: Option<Connection>,
    path: PathBuf,
    marks: HashMap<ArticleId, Marks>,
    /// The same marks by [`ArticleId::hash`]: the library matches its columns against these.
    by_hash: HashMap<u64, Marks>,
}

#[derive(Debug, thiserror::Error)]
#[error("state database {path}: {kind}")]
pub struct StateError {
    pub path: PathBuf,
    #[source]
    pub kind: StateErrorKind,
}

#[derive(Debug, thiserror::Error)]
pub enum StateErrorKind {
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// An existing file without the marks (emptied, or another program's database): damage to
    /// report, never a store to start afresh over the user's file.
    #[error("holds no table of marks (an empty file, or not tidings' state)")]
    NoMarks,
}

const MARKS_TABLE: &str = "CREATE TABLE marks (
    article_id TEXT PRIMARY KEY,
    read INTEGER NOT NULL DEFAULT 0,
    starred INTEGER NOT NULL DEFAULT 0,
    changed_at TEXT NOT NULL
);";

impl StateStore {
    /// Opens the store, creating it when there is no file. It is never moved aside or recreated
    /// on error: the marks are the user's, so a damaged file (an empty one too) is reported and
    /// left for them to inspect.
    pub fn open(path: &Path) -> Result<Self, StateError> {
        let err = |kind: StateErrorKind| StateError {
            path: path.to_owned(),
            kind,
        };
        if !path.exists() {
            create(path).map_err(err)?;
        }
        // Opened without creating: a file that is not there now is not quietly made anew.
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| err(e.into()))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(|e| err(e.into()))?;
        // Looked for before anything is written: switching an empty file to WAL would write to it.
        let has_marks: bool = conn
            .query_row(
                "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'marks'",
                [],
                |row| row.get(0),
            )
            .map_err(|e| err(e.into()))?;
        if !has_marks {
            return Err(err(StateErrorKind::NoMarks));
        }
        // WAL with synchronous=NORMAL: a committed mark survives a killed process; a power loss
        // can lose at most the last mark, never the file.
        // The table of folders whose path ids were carried over came later than the marks:
        // made where it is missing.
        conn.execute_batch(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
             CREATE TABLE IF NOT EXISTS relative_id_roots (root TEXT PRIMARY KEY);",
        )
        .map_err(|e| err(e.into()))?;
        let mut marks = HashMap::new();
        {
            let mut statement = conn
                .prepare("SELECT article_id, read, starred FROM marks")
                .map_err(|e| err(e.into()))?;
            let rows = statement
                .query_map([], |row| {
                    Ok((
                        ArticleId(row.get::<_, String>(0)?.into()),
                        Marks {
                            read: row.get(1)?,
                            starred: row.get(2)?,
                        },
                    ))
                })
                .map_err(|e| err(e.into()))?;
            for row in rows {
                let (id, mark) = row.map_err(|e| err(e.into()))?;
                marks.insert(id, mark);
            }
        }
        let by_hash = marks.iter().map(|(id, &m)| (id.hash(), m)).collect();
        Ok(Self {
            conn: Some(conn),
            path: path.to_owned(),
            marks,
            by_hash,
        })
    }

    /// A store that keeps marks in memory only, for when the real one cannot be opened.
    pub fn in_memory(path: &Path) -> Self {
        Self {
            conn: None,
            path: path.to_owned(),
            marks: HashMap::new(),
            by_hash: HashMap::new(),
        }
    }

    pub const fn is_persistent(&self) -> bool {
        self.conn.is_some()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn get(&self, id: &ArticleId) -> Marks {
        self.marks.get(id).copied().unwrap_or_default()
    }

    /// The marks of the article whose id has this [`ArticleId::hash`].
    pub fn get_hashed(&self, hash: u64) -> Marks {
        self.by_hash.get(&hash).copied().unwrap_or_default()
    }

    /// Changes the marks of `id`; gives back its marks as stored after the change.
    pub fn set(&mut self, id: &ArticleId, change: MarkChange) -> Result<Marks, StateError> {
        let stored = self.set_many(&[(id.clone(), change)])?;
        Ok(stored.first().copied().unwrap_or_default())
    }

    /// Moves marks kept under an article's absolute path (which is what an article without a
    /// source and external id was called before ids became paths within the library folder)
    /// to the id it has now, once per folder. A mark already kept under the new id stays.
    /// Returns how many moved.
    pub fn adopt_relative_ids(&mut self, root: &str) -> Result<usize, StateError> {
        let Some(conn) = &mut self.conn else {
            return Ok(0);
        };
        let err = |source: rusqlite::Error| StateError {
            path: self.path.clone(),
            kind: source.into(),
        };
        let done = conn
            .query_row(
                "SELECT 1 FROM relative_id_roots WHERE root = ?1",
                [root],
                |_| Ok(()),
            )
            .optional()
            .map_err(err)?
            .is_some();
        if done {
            return Ok(0);
        }
        let prefix = format!("{}/", root.trim_end_matches('/'));
        let moves: Vec<(ArticleId, ArticleId, Marks)> = self
            .marks
            .iter()
            .filter_map(|(old, &marks)| {
                let rest = old.0.strip_prefix(prefix.as_str())?;
                let new = ArticleId(rest.into());
                (!rest.is_empty() && !self.marks.contains_key(&new))
                    .then(|| (old.clone(), new, marks))
            })
            .collect();
        let transaction = conn.transaction().map_err(err)?;
        for (old, new, _) in &moves {
            transaction
                .prepare_cached("UPDATE marks SET article_id = ?2 WHERE article_id = ?1")
                .and_then(|mut rename| rename.execute(params![old.0.as_str(), new.0.as_str()]))
                .map_err(err)?;
        }
        transaction
            .execute("INSERT INTO relative_id_roots (root) VALUES (?1)", [root])
            .map_err(err)?;
        transaction.commit().map_err(err)?;
        for (old, new, marks) in &moves {
            self.marks.remove(old);
            self.by_hash.remove(&old.hash());
            self.marks.insert(new.clone(), *marks);
            self.by_hash.insert(new.hash(), *marks);
        }
        Ok(moves.len())
    }

    /// Changes the marks of many articles in one transaction: all are written or none. Gives
    /// back each article's marks as stored after the change, the flags it left alone as the
    /// database has them (set by another tidings, maybe). The in-memory values change only once
    /// the write committed.
    pub fn set_many(
        &mut self,
        changes: &[(ArticleId, MarkChange)],
    ) -> Result<Vec<Marks>, StateError> {
        let stored = match &mut self.conn {
            Some(conn) => {
                let err = |source: rusqlite::Error| StateError {
                    path: self.path.clone(),
                    kind: source.into(),
                };
                let now = chrono::Utc::now().to_rfc3339();
                let transaction = conn.transaction().map_err(err)?;
                let mut stored = Vec::with_capacity(changes.len());
                {
                    let mut upsert = transaction
                        .prepare_cached(
                            "INSERT INTO marks (article_id, read, starred, changed_at)
                             VALUES (?1, coalesce(?2, 0), coalesce(?3, 0), ?4)
                             ON CONFLICT(article_id) DO UPDATE SET read = coalesce(?2, read),
                                 starred = coalesce(?3, starred), changed_at = excluded.changed_at
                             RETURNING read, starred",
                        )
                        .map_err(err)?;
                    for (id, change) in changes {
                        let marks = upsert
                            .query_row(
                                params![id.0.as_str(), change.read, change.starred, now],
                                |row| {
                                    Ok(Marks {
                                        read: row.get(0)?,
                                        starred: row.get(1)?,
                                    })
                                },
                            )
                            .map_err(err)?;
                        stored.push(marks);
                    }
                }
                transaction.commit().map_err(err)?;
                stored
            }
            None => changes
                .iter()
                .map(|(id, change)| change.applied_to(self.get(id)))
                .collect(),
        };
        for ((id, _), &marks) in changes.iter().zip(&stored) {
            self.marks.insert(id.clone(), marks);
            self.by_hash.insert(id.hash(), marks);
        }
        Ok(stored)
    }

    /// The marks the database holds now for `ids` (what this store remembers, when it keeps
    /// marks in memory only), and remembers them.
    pub fn reread(&mut self, ids: &[ArticleId]) -> Result<Vec<Marks>, StateError> {
        let Some(conn) = &self.conn else {
            return Ok(ids.iter().map(|id| self.get(id)).collect());
        };
        let err = |source: rusqlite::Error| StateError {
            path: self.path.clone(),
            kind: source.into(),
        };
        let marks_of = |row: &rusqlite::Row<'_>, at: usize| -> rusqlite::Result<Marks> {
            Ok(Marks {
                read: row.get(at)?,
                starred: row.get(at + 1)?,
            })
        };
        let now: Vec<Marks> = if ids.len() < 1000 {
            let mut statement = conn
                .prepare_cached("SELECT read, starred FROM marks WHERE article_id = ?1")
                .map_err(err)?;
            ids.iter()
                .map(|id| {
                    statement
                        .query_row([id.0.as_str()], |row| marks_of(row, 0))
                        .optional()
                        .map(Option::unwrap_or_default)
                })
                .collect::<Result<_, _>>()
                .map_err(err)?
        } else {
            // Many (every article of a large library marked read): one pass over the table
            // costs less than a lookup each.
            let wanted: std::collections::HashSet<&str> =
                ids.iter().map(|id| id.0.as_str()).collect();
            let mut found = HashMap::with_capacity(ids.len());
            let mut statement = conn
                .prepare("SELECT article_id, read, starred FROM marks")
                .map_err(err)?;
            let mut rows = statement.query([]).map_err(err)?;
            while let Some(row) = rows.next().map_err(err)? {
                let id = row.get_ref(0).and_then(|v| Ok(v.as_str()?)).map_err(err)?;
                if wanted.contains(id) {
                    found.insert(id.to_owned(), marks_of(row, 1).map_err(err)?);
                }
            }
            ids.iter()
                .map(|id| found.get(id.0.as_str()).copied().unwrap_or_default())
                .collect()
        };
        for (id, &marks) in ids.iter().zip(&now) {
            self.marks.insert(id.clone(), marks);
            self.by_hash.insert(id.hash(), marks);
        }
        Ok(now)
    }
}

/// Creates an empty store at `path`, whole or not at all: it is made under another name and
/// linked into place, so a tidings killed halfway leaves no empty file that would then read as
/// damage, and two creating at once both end up with the one that was linked first.
fn create(path: &Path) -> Result<(), StateErrorKind> {
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(format!(".new-{}", std::process::id()));
    let fresh = path.with_file_name(name);
    let _ = std::fs::remove_file(&fresh);
    let made = Connection::open(&fresh)
        .and_then(|conn| conn.execute_batch(MARKS_TABLE))
        .map_err(StateErrorKind::from)
        .and_then(|()| match std::fs::hard_link(&fresh, path) {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            // A file system without links: a rename, which could replace a store another
            // tidings made in the same instant, is the best left.
            Err(_) => std::fs::rename(&fresh, path).map_err(StateErrorKind::from),
        });
    let _ = std::fs::remove_file(&fresh);
    made
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let id = ArticleId("src/1/en".into());
        {
            let mut store = StateStore::open(&path).unwrap();
            assert_eq!(store.get(&id), Marks::default());
            store
                .set(
                    &id,
                    MarkChange {
                        read: Some(true),
                        starred: Some(true),
                    },
                )
                .unwrap();
            store
                .set(
                    &id,
                    MarkChange {
                        read: Some(false),
                        starred: None,
                    },
                )
                .unwrap();
        }
        let store = StateStore::open(&path).unwrap();
        assert_eq!(
            store.get(&id),
            Marks {
                read: false,
                starred: true
            }
        );
    }

    #[test]
    fn marks_under_absolute_paths_move_to_ids_within_the_folder_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let read = Marks {
            read: true,
            starred: false,
        };
        let starred = Marks {
            read: false,
            starred: true,
        };
        let old = ArticleId("/home/me/news/2024/a.md".into());
        {
            let mut store = StateStore::open(&path).unwrap();
            store
                .set(&old, MarkChange::between(Marks::default(), read))
                .unwrap();
            store
                .set(
                    &ArticleId("/home/me/other/b.md".into()),
                    MarkChange::between(Marks::default(), read),
                )
                .unwrap();
            store
                .set(
                    &ArticleId("wire/1/en".into()),
                    MarkChange::between(Marks::default(), starred),
                )
                .unwrap();
            assert_eq!(store.adopt_relative_ids("/home/me/news").unwrap(), 1);
            assert_eq!(store.get(&ArticleId("2024/a.md".into())), read);
            assert_eq!(store.get(&old), Marks::default());
        }
        let mut store = StateStore::open(&path).unwrap();
        let new = ArticleId("2024/a.md".into());
        assert_eq!(store.get(&new), read, "the move was written");
        assert_eq!(store.get_hashed(new.hash()), read);
        assert_eq!(store.get(&ArticleId("wire/1/en".into())), starred);
        assert_eq!(store.get(&ArticleId("/home/me/other/b.md".into())), read);
        // Once per folder: a mark set under the new id later is not overwritten by anything.
        store
            .set(&old, MarkChange::between(Marks::default(), starred))
            .unwrap();
        assert_eq!(store.adopt_relative_ids("/home/me/news").unwrap(), 0);
        assert_eq!(store.get(&new), read);
    }

    #[test]
    fn a_damaged_store_is_reported_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let garbage = b"this is not a database, but it is the user's file".repeat(100);
        std::fs::write(&path, &garbage).unwrap();
        let error = StateStore::open(&path)
            .err()
            .expect("garbage must not open");
        assert!(error.to_string().contains("state.db"), "{error}");
        assert_eq!(std::fs::read(&path).unwrap(), garbage);
    }

    #[test]
    fn an_empty_or_foreign_store_is_damage_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.db");
        std::fs::write(&empty, b"").unwrap();
        let error = StateStore::open(&empty)
            .err()
            .expect("an empty file is damage");
        assert!(error.to_string().contains("no table of marks"), "{error}");
        assert_eq!(std::fs::read(&empty).unwrap(), b"");

        let foreign = dir.path().join("foreign.db");
        Connection::open(&foreign)
            .unwrap()
            .execute_batch("CREATE TABLE other (x INTEGER);")
            .unwrap();
        let before = std::fs::read(&foreign).unwrap();
        let error = StateStore::open(&foreign)
            .err()
            .expect("no marks table is damage");
        assert!(error.to_string().contains("foreign.db"), "{error}");
        assert_eq!(std::fs::read(&foreign).unwrap(), before);
    }

    #[test]
    fn marks_are_read_back_one_by_one_or_in_one_pass() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let ids: Vec<ArticleId> = (0..1500)
            .map(|n| ArticleId(format!("src/{n}/en").into()))
            .collect();
        let mut earlier = StateStore::open(&path).unwrap();
        let mut other = StateStore::open(&path).unwrap();
        let read = MarkChange {
            read: Some(true),
            ..MarkChange::default()
        };
        let star = MarkChange {
            starred: Some(true),
            ..MarkChange::default()
        };
        earlier
            .set_many(&ids.iter().map(|id| (id.clone(), read)).collect::<Vec<_>>())
            .unwrap();
        other.set(&ids[7], star).unwrap();
        let mut later = StateStore::in_memory(&path);
        later.conn = StateStore::open(&path).unwrap().conn;
        let both = Marks {
            read: true,
            starred: true,
        };
        for some in [&ids[..10], &ids[..]] {
            let now = later.reread(some).unwrap();
            assert_eq!(now[7], both);
            assert_eq!(
                now[8],
                Marks {
                    read: true,
                    starred: false
                }
            );
            assert_eq!(later.get(&ids[7]), both);
        }
    }

    #[test]
    fn each_flag_is_written_on_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let id = ArticleId("src/1/en".into());
        let mut reader = StateStore::open(&path).unwrap();
        // Another tidings (a script) stars the article after the reader loaded its marks.
        let mut script = StateStore::open(&path).unwrap();
        script
            .set(
                &id,
                MarkChange {
                    starred: Some(true),
                    ..MarkChange::default()
                },
            )
            .unwrap();
        // The reader, whose copy says "not starred", marks it read: the star stays.
        let stored = reader
            .set(
                &id,
                MarkChange {
                    read: Some(true),
                    ..MarkChange::default()
                },
            )
            .unwrap();
        let both = Marks {
            read: true,
            starred: true,
        };
        assert_eq!(stored, both);
        assert_eq!(reader.get(&id), both);
        assert_eq!(StateStore::open(&path).unwrap().get(&id), both);
    }
}
