//! The user's own state: read and starred marks, kept in the data directory apart from the cache
//! so that deleting or rebuilding the cache never touches them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};

use crate::article::ArticleId;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Marks {
    pub read: bool,
    pub starred: bool,
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
#[error("state database {path}: {source}")]
pub struct StateError {
    pub path: PathBuf,
    #[source]
    pub source: rusqlite::Error,
}

impl StateStore {
    /// Opens the store. It is never moved aside or recreated on error: the marks are the user's,
    /// so a damaged file is reported and left for them to inspect.
    pub fn open(path: &Path) -> Result<Self, StateError> {
        let err = |source| StateError {
            path: path.to_owned(),
            source,
        };
        let conn = Connection::open(path).map_err(err)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(err)?;
        // WAL with synchronous=NORMAL: a committed mark survives a killed process; a power loss
        // can lose at most the last mark, never the file.
        conn.execute_batch(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
             CREATE TABLE IF NOT EXISTS marks (
                 article_id TEXT PRIMARY KEY,
                 read INTEGER NOT NULL DEFAULT 0,
                 starred INTEGER NOT NULL DEFAULT 0,
                 changed_at TEXT NOT NULL
             );
             CREATE TABLE IF NOT EXISTS relative_id_roots (root TEXT PRIMARY KEY);",
        )
        .map_err(err)?;
        let mut marks = HashMap::new();
        {
            let mut statement = conn
                .prepare("SELECT article_id, read, starred FROM marks")
                .map_err(err)?;
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
                .map_err(err)?;
            for row in rows {
                let (id, mark) = row.map_err(err)?;
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

    /// Records new marks for `id`. The in-memory value changes only once the write committed.
    pub fn set(&mut self, id: &ArticleId, marks: Marks) -> Result<(), StateError> {
        self.set_many(&[(id.clone(), marks)])
    }

    /// Moves marks kept under an article's absolute path (which is what an article without a
    /// source and external id was called before ids became paths within the library folder)
    /// to the id it has now, once per folder. A mark already kept under the new id stays.
    /// Returns how many moved.
    pub fn adopt_relative_ids(&mut self, root: &str) -> Result<usize, StateError> {
        let Some(conn) = &mut self.conn else {
            return Ok(0);
        };
        let err = |source| StateError {
            path: self.path.clone(),
            source,
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

    /// Records new marks for many articles in one transaction: all are written or none.
    pub fn set_many(&mut self, changes: &[(ArticleId, Marks)]) -> Result<(), StateError> {
        if let Some(conn) = &mut self.conn {
            let err = |source| StateError {
                path: self.path.clone(),
                source,
            };
            let now = chrono::Utc::now().to_rfc3339();
            let transaction = conn.transaction().map_err(err)?;
            {
                let mut insert = transaction
                    .prepare_cached(
                        "INSERT INTO marks (article_id, read, starred, changed_at)
                         VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT(article_id) DO UPDATE SET read = excluded.read,
                             starred = excluded.starred, changed_at = excluded.changed_at",
                    )
                    .map_err(err)?;
                for (id, marks) in changes {
                    insert
                        .execute(params![id.0.as_str(), marks.read, marks.starred, now])
                        .map_err(err)?;
                }
            }
            transaction.commit().map_err(err)?;
        }
        for (id, marks) in changes {
            self.marks.insert(id.clone(), *marks);
            self.by_hash.insert(id.hash(), *marks);
        }
        Ok(())
    }
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
                    Marks {
                        read: true,
                        starred: true,
                    },
                )
                .unwrap();
            store
                .set(
                    &id,
                    Marks {
                        read: false,
                        starred: true,
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
            store.set(&old, read).unwrap();
            store
                .set(&ArticleId("/home/me/other/b.md".into()), read)
                .unwrap();
            store.set(&ArticleId("wire/1/en".into()), starred).unwrap();
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
        store.set(&old, starred).unwrap();
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
}
