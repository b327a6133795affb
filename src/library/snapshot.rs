//! The load image of one root folder: every file the cache holds for it, in path order, with its
//! stamp and its metadata. Stored in chunks of a couple of thousand files, so a start is a few
//! large reads decoded straight into the library's own vector of articles (no row per article, no
//! copy), and a refresh rewrites only the chunks whose files changed.

use std::fmt;

use serde::de::{DeserializeSeed, SeqAccess, Visitor};
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::cache::Stamp;
use crate::article::Article;

/// How many files a chunk holds when it is cut (about a megabyte of articles).
pub const CHUNK_LEN: usize = 2048;

/// One file with everything the snapshot keeps of it, as stored (one element of a chunk).
#[derive(Debug, Deserialize)]
pub struct Snapped {
    /// Where its details (body, links) are stored.
    pub file_id: i64,
    pub stamp: Stamp,
    pub entry: SnappedEntry,
}

// Lives only between parsing (or decoding) and being put in the columns.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Deserialize)]
pub enum SnappedEntry {
    Article {
        article: Article,
        warnings: Vec<String>,
    },
    Problem {
        path: String,
        message: String,
    },
}

impl Snapped {
    pub fn path(&self) -> &str {
        match &self.entry {
            SnappedEntry::Article { article, .. } => &article.path,
            SnappedEntry::Problem { path, .. } => path,
        }
    }
}

/// [`Snapped`] borrowed from the columns: what is encoded. Same shape, so the same bytes.
#[derive(Serialize)]
struct SnappedRef<'a> {
    file_id: i64,
    stamp: Stamp,
    entry: EntryRef<'a>,
}

#[derive(Serialize)]
enum EntryRef<'a> {
    Article {
        article: &'a Article,
        warnings: &'a [String],
    },
    Problem {
        path: &'a str,
        message: &'a str,
    },
}

/// A file of the snapshot besides its article.
#[derive(Debug)]
pub struct FileEntry {
    pub file_id: i64,
    pub stamp: Stamp,
    pub outcome: Outcome,
}

#[derive(Debug)]
pub enum Outcome {
    /// The file's article is the next one in [`Snapshot::articles`].
    Article {
        warnings: Vec<String>,
    },
    Problem(Box<FileProblem>),
}

#[derive(Debug)]
pub struct FileProblem {
    pub path: String,
    pub message: String,
}

/// Where a stored chunk begins. It holds every file from `start` up to the next chunk's start;
/// the first chunk starts with the empty string, below every path, and is stored even when
/// empty: its presence says the root has a snapshot.
#[derive(Debug)]
struct ChunkStart {
    start: String,
    file: usize,
    article: usize,
}

/// Every file in path order, in columns: the articles apart, ready to become the library's.
#[derive(Debug, Default)]
pub struct Snapshot {
    articles: Vec<Article>,
    files: Vec<FileEntry>,
    chunks: Vec<ChunkStart>,
}

/// What an update did to the stored chunks: the starts to delete, then the chunks (by position)
/// to write.
#[derive(Debug, Default)]
pub struct ChunkChanges {
    pub deleted: Vec<String>,
    pub written: Vec<usize>,
}

impl Snapshot {
    /// Cuts entries (sorted by path) into chunks.
    pub fn from_sorted(entries: Vec<Snapped>) -> Snapshot {
        let mut snapshot = Snapshot::default();
        snapshot.push_cut(String::new(), entries);
        snapshot
    }

    /// Room for `files` files and as many articles, so decoding never moves what it decoded.
    pub fn with_capacity(files: usize) -> Snapshot {
        Snapshot {
            articles: Vec::with_capacity(files),
            files: Vec::with_capacity(files),
            chunks: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn chunk_count(&self) -> usize {
        self.chunks.len()
    }

    pub fn chunk_start(&self, chunk: usize) -> &str {
        &self.chunks[chunk].start
    }

    /// How many files a chunk holds.
    pub fn chunk_len(&self, chunk: usize) -> usize {
        self.chunk_ends(chunk).0 - self.chunks[chunk].file
    }

    /// Where a chunk ends: in the files, in the articles.
    fn chunk_ends(&self, chunk: usize) -> (usize, usize) {
        self.chunks
            .get(chunk + 1)
            .map_or((self.files.len(), self.articles.len()), |next| {
                (next.file, next.article)
            })
    }

    /// Every file in path order, with its path.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &FileEntry)> {
        let mut articles = self.articles.iter();
        self.files.iter().map(move |file| {
            let path = match &file.outcome {
                Outcome::Article { .. } => {
                    articles.next().map_or("", |article| article.path.as_str())
                }
                Outcome::Problem(problem) => problem.path.as_str(),
            };
            (path, file)
        })
    }

    /// The articles and the files, in path order; the `n`th article belongs to the `n`th file
    /// whose outcome is an article.
    pub fn into_parts(self) -> (Vec<Article>, Vec<FileEntry>) {
        (self.articles, self.files)
    }

    /// Every file in path order, as one value each.
    pub fn into_snapped(self) -> impl Iterator<Item = Snapped> {
        let mut articles = self.articles.into_iter();
        self.files.into_iter().map(move |file| {
            let entry = match file.outcome {
                Outcome::Article { warnings } => SnappedEntry::Article {
                    article: articles
                        .next()
                        .expect("one article per file whose outcome is an article"),
                    warnings,
                },
                Outcome::Problem(problem) => SnappedEntry::Problem {
                    path: problem.path,
                    message: problem.message,
                },
            };
            Snapped {
                file_id: file.file_id,
                stamp: file.stamp,
                entry,
            }
        })
    }

    fn push(&mut self, snapped: Snapped) {
        let outcome = match snapped.entry {
            SnappedEntry::Article { article, warnings } => {
                self.articles.push(article);
                Outcome::Article { warnings }
            }
            SnappedEntry::Problem { path, message } => {
                Outcome::Problem(Box::new(FileProblem { path, message }))
            }
        };
        self.files.push(FileEntry {
            file_id: snapped.file_id,
            stamp: snapped.stamp,
            outcome,
        });
    }

    fn begin_chunk(&mut self, start: String) {
        self.chunks.push(ChunkStart {
            start,
            file: self.files.len(),
            article: self.articles.len(),
        });
    }

    /// Appends `entries` as one chunk starting at `start`, or as several of about [`CHUNK_LEN`]
    /// when they are more than twice that.
    fn push_cut(&mut self, start: String, entries: Vec<Snapped>) {
        let pieces = if entries.len() > 2 * CHUNK_LEN {
            entries.len().div_ceil(CHUNK_LEN)
        } else {
            1
        };
        let size = entries.len().div_ceil(pieces).max(1);
        self.files.reserve(entries.len());
        self.articles.reserve(entries.len());
        let mut start = Some(start);
        for (n, entry) in entries.into_iter().enumerate() {
            if n % size == 0 {
                let start = start.take().unwrap_or_else(|| entry.path().to_owned());
                self.begin_chunk(start);
            }
            self.push(entry);
        }
        if let Some(start) = start {
            self.begin_chunk(start);
        }
    }

    /// The chunk that holds (or would hold) `path`.
    fn chunk_of(&self, path: &str) -> usize {
        self.chunks
            .partition_point(|chunk| chunk.start.as_str() <= path)
            .saturating_sub(1)
    }

    /// Puts `fresh` entries in (replacing those with the same path) and takes the `removed` paths
    /// (sorted) out. Only chunks that hold a changed path are rebuilt; one that grew too long is
    /// cut in pieces, and when deletions have left too many small chunks, all are cut anew.
    pub fn update(&mut self, mut fresh: Vec<Snapped>, removed: &[String]) -> ChunkChanges {
        if self.chunks.is_empty() {
            self.begin_chunk(String::new());
        }
        fresh.sort_unstable_by(|a, b| a.path().cmp(b.path()));
        let count = self.chunks.len();
        let mut dirty = vec![false; count];
        let mut fresh_by_chunk: Vec<Vec<Snapped>> = Vec::with_capacity(count);
        if count == 1 {
            dirty[0] = !fresh.is_empty();
            fresh_by_chunk.push(fresh);
        } else {
            fresh_by_chunk.resize_with(count, Vec::new);
            for entry in fresh {
                let k = self.chunk_of(entry.path());
                dirty[k] = true;
                fresh_by_chunk[k].push(entry);
            }
        }
        for path in removed {
            dirty[self.chunk_of(path)] = true;
        }

        let old = std::mem::take(self);
        let stored: Vec<String> = old.chunks.iter().map(|c| c.start.clone()).collect();
        let ends: Vec<usize> = old
            .chunks
            .iter()
            .skip(1)
            .map(|c| c.file)
            .chain([old.files.len()])
            .collect();
        self.articles.reserve(old.articles.len());
        self.files.reserve(old.files.len());
        let mut changes = ChunkChanges::default();
        let mut entries = Snapshot {
            chunks: Vec::new(),
            ..old
        }
        .into_snapped();
        let mut at = 0;
        for (k, (start, fresh)) in stored.iter().zip(fresh_by_chunk).enumerate() {
            let run = entries.by_ref().take(ends[k] - at);
            at = ends[k];
            if !dirty[k] {
                self.begin_chunk(start.clone());
                run.for_each(|entry| self.push(entry));
                continue;
            }
            changes.deleted.push(start.clone());
            let kept = run.filter(|entry| {
                removed
                    .binary_search_by(|p| p.as_str().cmp(entry.path()))
                    .is_err()
            });
            let merged = merge(kept, fresh);
            if merged.is_empty() && k != 0 {
                continue;
            }
            let first = self.chunks.len();
            self.push_cut(start.clone(), merged);
            changes.written.extend(first..self.chunks.len());
        }

        if self.chunks.len() > 8 + 2 * self.len() / CHUNK_LEN {
            let entries: Vec<Snapped> = std::mem::take(self).into_snapped().collect();
            *self = Snapshot::from_sorted(entries);
            changes.deleted = stored;
            changes.written = (0..self.chunks.len()).collect();
        }
        changes
    }

    /// The stored form of one chunk.
    pub fn encode_chunk(&self, chunk: usize) -> Vec<u8> {
        let at = &self.chunks[chunk];
        let (file_end, article_end) = self.chunk_ends(chunk);
        let view = ChunkView {
            files: &self.files[at.file..file_end],
            articles: &self.articles[at.article..article_end],
        };
        postcard::to_allocvec(&view).expect("encoding plain owned data into a Vec cannot fail")
    }

    /// Appends the chunks of `part`, which all come after this snapshot's.
    pub fn append(&mut self, mut part: Snapshot) {
        let (files, articles) = (self.files.len(), self.articles.len());
        self.chunks
            .extend(part.chunks.drain(..).map(|chunk| ChunkStart {
                start: chunk.start,
                file: chunk.file + files,
                article: chunk.article + articles,
            }));
        self.files.append(&mut part.files);
        self.articles.append(&mut part.articles);
    }

    /// Appends a stored chunk (chunks come in order of their starts).
    pub fn decode_chunk(&mut self, start: String, bytes: &[u8]) -> Result<(), postcard::Error> {
        self.begin_chunk(start);
        let mut deserializer = postcard::Deserializer::from_bytes(bytes);
        ChunkSink(self).deserialize(&mut deserializer)
    }
}

/// Merges two runs sorted by path; on equal paths the fresh entry replaces the old.
fn merge(old: impl Iterator<Item = Snapped>, fresh: Vec<Snapped>) -> Vec<Snapped> {
    let mut old = old.peekable();
    if old.peek().is_none() {
        // The first index of a folder: nothing to merge with, and nothing to copy.
        return fresh;
    }
    let mut merged = Vec::with_capacity(fresh.len());
    for entry in fresh {
        while let Some(earlier) = old.next_if(|o| o.path() < entry.path()) {
            merged.push(earlier);
        }
        old.next_if(|o| o.path() == entry.path());
        merged.push(entry);
    }
    merged.extend(old);
    merged
}

struct ChunkView<'a> {
    files: &'a [FileEntry],
    articles: &'a [Article],
}

impl Serialize for ChunkView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.files.len()))?;
        let mut articles = self.articles.iter();
        for file in self.files {
            let entry = match &file.outcome {
                Outcome::Article { warnings } => EntryRef::Article {
                    article: articles
                        .next()
                        .expect("one article per file whose outcome is an article"),
                    warnings,
                },
                Outcome::Problem(problem) => EntryRef::Problem {
                    path: &problem.path,
                    message: &problem.message,
                },
            };
            seq.serialize_element(&SnappedRef {
                file_id: file.file_id,
                stamp: file.stamp,
                entry,
            })?;
        }
        seq.end()
    }
}

/// Decodes a chunk's entries one by one straight into the snapshot's columns.
struct ChunkSink<'s>(&'s mut Snapshot);

impl<'de> DeserializeSeed<'de> for ChunkSink<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ChunkSink<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence of files")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(snapped) = seq.next_element::<Snapped>()? {
            self.0.push(snapped);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(path: &str) -> Snapped {
        Snapped {
            file_id: 0,
            stamp: Stamp {
                size: 0,
                mtime_ns: 0,
            },
            entry: SnappedEntry::Problem {
                path: path.to_owned(),
                message: String::new(),
            },
        }
    }

    fn article(path: &str) -> Snapped {
        let parsed = crate::article::parse_article(path, b"---\ntitle: A title\n---\nBody\n")
            .expect("a valid article");
        Snapped {
            file_id: 7,
            stamp: Stamp {
                size: 1,
                mtime_ns: 2,
            },
            entry: SnappedEntry::Article {
                article: parsed.article,
                warnings: vec!["a warning".into()],
            },
        }
    }

    fn paths(snapshot: &Snapshot) -> Vec<&str> {
        snapshot.entries().map(|(path, _)| path).collect()
    }

    fn numbered(range: std::ops::Range<usize>) -> Vec<Snapped> {
        range.map(|n| problem(&format!("{n:06}.md"))).collect()
    }

    fn lens(snapshot: &Snapshot) -> Vec<usize> {
        let mut ends: Vec<usize> = snapshot.chunks.iter().skip(1).map(|c| c.file).collect();
        ends.push(snapshot.len());
        snapshot
            .chunks
            .iter()
            .zip(ends)
            .map(|(c, end)| end - c.file)
            .collect()
    }

    #[test]
    fn a_large_first_load_is_cut_in_even_chunks() {
        let mut snapshot = Snapshot::default();
        let changes = snapshot.update(numbered(0..5 * CHUNK_LEN + 7), &[]);
        assert_eq!(snapshot.chunk_count(), 6);
        assert_eq!(snapshot.chunk_start(0), "");
        assert_eq!(changes.written, (0..6).collect::<Vec<_>>());
        assert_eq!(changes.deleted, vec![String::new()]);
        let lens = lens(&snapshot);
        assert!(lens.iter().all(|&n| n.abs_diff(lens[0]) <= 1), "{lens:?}");
        assert_eq!(snapshot.len(), 5 * CHUNK_LEN + 7);
    }

    #[test]
    fn only_the_chunks_with_changes_are_written() {
        let mut snapshot = Snapshot::from_sorted(numbered(0..4 * CHUNK_LEN));
        assert_eq!(snapshot.chunk_count(), 4);
        let starts: Vec<String> = snapshot.chunks.iter().map(|c| c.start.clone()).collect();
        let added = problem(&format!("{:06}.md~", CHUNK_LEN + 5));
        let removed = vec![format!("{:06}.md", 3 * CHUNK_LEN + 1)];
        let changes = snapshot.update(vec![added], &removed);
        assert_eq!(changes.deleted, vec![starts[1].clone(), starts[3].clone()]);
        assert_eq!(changes.written, vec![1, 3]);
        let all = paths(&snapshot);
        assert_eq!(all.len(), 4 * CHUNK_LEN);
        assert!(all.windows(2).all(|w| w[0] < w[1]), "still in path order");
        assert!(all.contains(&format!("{:06}.md~", CHUNK_LEN + 5).as_str()));
        assert!(!all.contains(&removed[0].as_str()));
        assert_eq!(
            lens(&snapshot),
            vec![CHUNK_LEN, CHUNK_LEN + 1, CHUNK_LEN, CHUNK_LEN - 1]
        );
    }

    #[test]
    fn a_path_before_every_start_goes_to_the_first_chunk_and_the_first_chunk_stays() {
        let mut snapshot = Snapshot::from_sorted(numbered(10..12));
        let changes = snapshot.update(Vec::new(), &["000010.md".into(), "000011.md".into()]);
        assert_eq!(snapshot.chunk_count(), 1);
        assert!(snapshot.is_empty());
        assert_eq!(changes.written, vec![0]);
        snapshot.update(numbered(3..4), &[]);
        assert_eq!(paths(&snapshot), vec!["000003.md"]);
    }

    #[test]
    fn a_fresh_entry_replaces_the_old_one_with_its_path() {
        let mut snapshot = Snapshot::from_sorted(numbered(0..3));
        let changed = article("000001.md");
        snapshot.update(vec![changed], &[]);
        let ids: Vec<i64> = snapshot.entries().map(|(_, e)| e.file_id).collect();
        assert_eq!(ids, vec![0, 7, 0]);
        assert_eq!(
            paths(&snapshot),
            vec!["000000.md", "000001.md", "000002.md"]
        );
        let (articles, _) = snapshot.into_parts();
        assert_eq!(articles.len(), 1);
    }

    #[test]
    fn many_emptied_chunks_are_cut_anew() {
        let mut snapshot = Snapshot::from_sorted(numbered(0..30 * CHUNK_LEN));
        let removed: Vec<String> = (0..30 * CHUNK_LEN)
            .filter(|n| n % CHUNK_LEN != 0)
            .map(|n| format!("{n:06}.md"))
            .collect();
        let changes = snapshot.update(Vec::new(), &removed);
        assert_eq!(snapshot.chunk_count(), 1);
        assert_eq!(changes.deleted.len(), 30);
        assert_eq!(snapshot.len(), 30);
    }

    #[test]
    fn parts_decoded_apart_and_appended_in_order_equal_the_whole() {
        let whole = Snapshot::from_sorted(numbered(0..5_000));
        assert!(whole.chunk_count() > 1);
        let mut joined = Snapshot::default();
        for chunk in 0..whole.chunk_count() {
            let mut part = Snapshot::default();
            part.decode_chunk(
                whole.chunk_start(chunk).to_owned(),
                &whole.encode_chunk(chunk),
            )
            .unwrap();
            joined.append(part);
        }
        assert_eq!(paths(&joined), paths(&whole));
        assert_eq!(lens(&joined), lens(&whole));
        for chunk in 0..whole.chunk_count() {
            assert_eq!(joined.chunk_start(chunk), whole.chunk_start(chunk));
        }
    }

    #[test]
    fn chunks_survive_encoding() {
        let mut entries = numbered(0..3);
        entries.insert(1, article("000000a.md"));
        let snapshot = Snapshot::from_sorted(entries);
        let mut decoded = Snapshot::default();
        decoded
            .decode_chunk(String::new(), &snapshot.encode_chunk(0))
            .unwrap();
        assert_eq!(paths(&decoded), paths(&snapshot));
        let (articles, files) = decoded.into_parts();
        assert_eq!(articles[0].title, "A title");
        assert!(
            matches!(&files[1].outcome, Outcome::Article { warnings } if warnings == &["a warning"])
        );
        assert_eq!(files[1].stamp.mtime_ns, 2);
    }
}
