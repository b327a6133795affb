//! Full-text search over every article's text, body included: a tantivy index beside the cache,
//! one document per cached file, keyed by the cache's file id. Searching asks it for the files
//! that match a word; nothing of the text is kept in memory.

use std::path::{Path, PathBuf};

use tantivy::directory::error::LockError;
use tantivy::query::{EnableScoring, PhrasePrefixQuery, Query, TermQuery};
use tantivy::schema::{FAST, INDEXED, IndexRecordOption, STRING, Schema, TEXT, TextFieldIndexing};
use tantivy::tokenizer::TokenStream;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::article::Article;

/// Bump when the schema or what is indexed changes: an index of another version is rebuilt.
const TEXT_INDEX_VERSION: &str = "5";

/// Written once every cached article is indexed, with [`TEXT_INDEX_VERSION`] in it.
const VERSION_FILE: &str = "tidings-complete";

/// How long a refresh waits for another process's writer to finish (the cache's lock too). The
/// unit tests wait less, to see what happens after.
pub(super) const LOCK_WAIT: std::time::Duration =
    std::time::Duration::from_secs(if cfg!(test) { 3 } else { 30 });

/// Memory the writer may use before it writes a segment (split between its threads).
const WRITER_BUDGET: usize = 96 * 1024 * 1024;

/// The most documents one merge writes. A merge maps the files of the segments it reads, and
/// what it has read stays resident until it ends: tantivy's own policy merges eight segments of
/// 32,768 documents into one of 262,144 while a million articles are first indexed, 260 MB
/// resident at once. Capped, a million articles end in about as many segments (a dozen), so a
/// search asks no more of them.
const MAX_MERGED_DOCS: u32 = 131_072;

/// Tantivy's merge policy, with merges cut down to [`MAX_MERGED_DOCS`].
#[derive(Debug, Default)]
struct CappedMerges(tantivy::indexer::LogMergePolicy);

impl tantivy::indexer::MergePolicy for CappedMerges {
    fn compute_merge_candidates(
        &self,
        segments: &[tantivy::index::SegmentMeta],
    ) -> Vec<tantivy::indexer::MergeCandidate> {
        let docs = |id| {
            segments
                .iter()
                .find(|segment| segment.id() == id)
                .map_or(0, tantivy::index::SegmentMeta::num_docs)
        };
        self.0
            .compute_merge_candidates(segments)
            .into_iter()
            .filter_map(|candidate| {
                let mut total = 0;
                let kept: Vec<_> = candidate
                    .0
                    .into_iter()
                    .take_while(|&id| {
                        total += docs(id);
                        total <= MAX_MERGED_DOCS
                    })
                    .collect();
                (kept.len() >= 2).then_some(tantivy::indexer::MergeCandidate(kept))
            })
            .collect()
    }
}

/// How many words a prefix may stand for while it is typed (`b` in a large library stands for
/// thousands): enough for any real word, bounded so one letter cannot stall a keystroke.
const MAX_PREFIX_EXPANSIONS: u32 = 4096;

#[derive(Debug, thiserror::Error)]
#[error("text index {path}: {source}")]
pub struct TextIndexError {
    path: String,
    #[source]
    source: tantivy::TantivyError,
}

impl TextIndexError {
    /// Whether the index's folder cannot be written (read-only, full, not a folder).
    pub fn is_unwritable(&self) -> bool {
        super::is_unwritable_io(&self.source)
    }

    /// Whether another process held the index's write lock for longer than a writer waits.
    pub const fn is_busy(&self) -> bool {
        matches!(
            self.source,
            tantivy::TantivyError::LockFailure(LockError::LockBusy, _)
        )
    }
}

#[derive(Clone, Copy)]
struct Fields {
    file: tantivy::schema::Field,
    title: tantivy::schema::Field,
    /// The whole title as one value, for `/patterns/`: a column whose dictionary holds each
    /// distinct title once, so a pattern is tried once per title, not once per document.
    whole_title: tantivy::schema::Field,
    /// Each author a value of its own, for `author:`.
    author: tantivy::schema::Field,
    text: tantivy::schema::Field,
    /// The first letter of every word of the text, each once: a one-letter word typed into the
    /// search (`b`) is the start of thousands of words, looked up here as one term instead.
    initials: tantivy::schema::Field,
}

pub struct TextIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    /// Where it lives, for messages; `None` in memory.
    path: Option<PathBuf>,
}

/// Which part of an article a word must be found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Title, description, tags, source, category, authors and body.
    Everywhere,
    Title,
    Author,
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let file = builder.add_u64_field("file", INDEXED | FAST);
    // Positions are kept for phrases (`"rate cut"`); frequencies are not needed without scores,
    // but positions require them.
    let text_options = TEXT.set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("default")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let title = builder.add_text_field("title", text_options.clone());
    let whole_title = builder.add_text_field("whole_title", FAST);
    let author = builder.add_text_field("author", text_options.clone());
    let text = builder.add_text_field("text", text_options);
    let initials = builder.add_text_field("initials", STRING);
    (
        builder.build(),
        Fields {
            file,
            title,
            whole_title,
            author,
            text,
            initials,
        },
    )
}

impl TextIndex {
    /// Opens the index in `dir`, or creates an empty one when it is missing, unreadable or of
    /// another schema (it is derived data). Until [`TextIndex::mark_complete`] it is not
    /// [complete](TextIndex::is_complete): a refresh then indexes every cached article again.
    pub fn open(dir: &Path) -> Result<Self, TextIndexError> {
        if let Ok(index) = Index::open_in_dir(dir)
            && let Ok(opened) = Self::from_index(index, Some(dir))
        {
            return Ok(opened);
        }
        let err = |source| TextIndexError {
            path: dir.display().to_string(),
            source,
        };
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(|e| err(e.into()))?;
        }
        std::fs::create_dir_all(dir).map_err(|e| err(e.into()))?;
        let index = Index::create_in_dir(dir, schema().0).map_err(err)?;
        Self::from_index(index, Some(dir))
    }

    /// Whether every cached article has been indexed since the index was created.
    pub fn is_complete(&self) -> bool {
        self.path.as_deref().is_none_or(is_complete_in)
    }

    pub fn mark_complete(&self) -> Result<(), TextIndexError> {
        match &self.path {
            Some(dir) => std::fs::write(dir.join(VERSION_FILE), TEXT_INDEX_VERSION)
                .map_err(|e| self.err(e.into())),
            None => Ok(()),
        }
    }

    /// An index in memory (the built-in samples).
    pub fn in_memory() -> Self {
        Self::from_index(Index::create_in_ram(schema().0), None).expect("an index in memory opens")
    }

    fn from_index(index: Index, path: Option<&Path>) -> Result<Self, TextIndexError> {
        let err = |source| TextIndexError {
            path: path.map_or_else(|| "in memory".to_owned(), |p| p.display().to_string()),
            source,
        };
        let field = |name| index.schema().get_field(name).map_err(err);
        let fields = Fields {
            file: field("file")?,
            title: field("title")?,
            whole_title: field("whole_title")?,
            author: field("author")?,
            text: field("text")?,
            initials: field("initials")?,
        };
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(err)?;
        Ok(Self {
            index,
            reader,
            fields,
            path: path.map(Path::to_owned),
        })
    }

    fn path_text(&self) -> String {
        self.path
            .as_ref()
            .map_or_else(|| "in memory".to_owned(), |p| p.display().to_string())
    }

    fn err(&self, source: tantivy::TantivyError) -> TextIndexError {
        TextIndexError {
            path: self.path_text(),
            source,
        }
    }

    /// Takes the index's write lock: one writer at a time, across processes. Another tidings
    /// writing (an `index` while the reader refreshes) is waited for, as the cache's own lock is.
    pub fn writer(&self) -> Result<TextWriter, TextIndexError> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(2));
        let waiting_since = std::time::Instant::now();
        let writer = loop {
            match self.index.writer_with_num_threads(threads, WRITER_BUDGET) {
                Err(tantivy::TantivyError::LockFailure(LockError::LockBusy, _))
                    if waiting_since.elapsed() < LOCK_WAIT =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                other => break other.map_err(|e| self.err(e))?,
            }
        };
        writer.set_merge_policy(Box::new(CappedMerges::default()));
        // A writer killed mid-commit leaves files no commit names; the next commit may want the
        // same name for one of them (a segment's deletes) and would fail on it.
        writer
            .garbage_collect_files()
            .wait()
            .map_err(|e| self.err(e))?;
        Ok(TextWriter {
            writer,
            fields: self.fields,
            path: self.path_text(),
        })
    }

    /// Sees what the last commit wrote (by this process or another).
    pub fn reload(&self) -> Result<(), TextIndexError> {
        self.reader.reload().map_err(|e| self.err(e))
    }

    /// The file ids of every document in which `words` occur in `scope`: each word as a word or
    /// the start of one (`bitc` finds "bitcoin"), several words as a phrase. Case does not matter.
    /// `None` when `words` hold no letter or digit, which cannot be searched for.
    pub fn search(&self, words: &str, scope: Scope) -> Result<Option<Vec<u64>>, TextIndexError> {
        let mut tokenizer = self
            .index
            .tokenizer_for_field(self.fields.text)
            .map_err(|e| self.err(e))?;
        let mut tokens = Vec::new();
        let mut stream = tokenizer.token_stream(words);
        while stream.advance() {
            tokens.push(stream.token().text.clone());
        }
        if tokens.is_empty() {
            return Ok(None);
        }
        let field = match scope {
            Scope::Everywhere => self.fields.text,
            Scope::Title => self.fields.title,
            Scope::Author => self.fields.author,
        };
        let query: Box<dyn Query> = match tokens.as_slice() {
            [letter] if scope == Scope::Everywhere && letter.chars().count() == 1 => {
                Box::new(TermQuery::new(
                    Term::from_field_text(self.fields.initials, letter),
                    IndexRecordOption::Basic,
                ))
            }
            _ => {
                let terms = tokens
                    .iter()
                    .enumerate()
                    .map(|(offset, token)| (offset, Term::from_field_text(field, token)))
                    .collect();
                let mut query = PhrasePrefixQuery::new_with_offset(terms);
                query.set_max_expansions(MAX_PREFIX_EXPANSIONS);
                Box::new(query)
            }
        };
        let searcher = self.reader.searcher();
        let weight = query
            .weight(EnableScoring::disabled_from_searcher(&searcher))
            .map_err(|e| self.err(e))?;
        let mut files = Vec::new();
        for segment in searcher.segment_readers() {
            let column = segment.fast_fields().u64("file").map_err(|e| self.err(e))?;
            let alive = segment.alive_bitset();
            weight
                .for_each_no_score(segment, &mut |docs| {
                    for &doc in docs {
                        if alive.is_none_or(|alive| alive.is_alive(doc))
                            && let Some(file) = column.first(doc)
                        {
                            files.push(file);
                        }
                    }
                })
                .map_err(|e| self.err(e))?;
        }
        Ok(Some(files))
    }

    /// The file ids of every document whose title `pattern` matches (anywhere in it).
    pub fn title_pattern(&self, pattern: &regex::Regex) -> Result<Vec<u64>, TextIndexError> {
        let searcher = self.reader.searcher();
        let mut files = Vec::new();
        for segment in searcher.segment_readers() {
            let fast = segment.fast_fields();
            let column = fast.u64("file").map_err(|e| self.err(e))?;
            let Some(titles) = fast.str("whole_title").map_err(|e| self.err(e))? else {
                continue;
            };
            let mut matching = vec![false; titles.num_terms()];
            let mut stream = titles
                .dictionary()
                .stream()
                .map_err(|e| self.err(e.into()))?;
            while stream.advance() {
                if std::str::from_utf8(stream.key()).is_ok_and(|title| pattern.is_match(title))
                    && let Some(slot) = usize::try_from(stream.term_ord())
                        .ok()
                        .and_then(|ord| matching.get_mut(ord))
                {
                    *slot = true;
                }
            }
            let alive = segment.alive_bitset();
            for doc in 0..segment.max_doc() {
                if alive.is_none_or(|alive| alive.is_alive(doc))
                    && titles.term_ords(doc).any(|ord| {
                        usize::try_from(ord)
                            .ok()
                            .and_then(|ord| matching.get(ord))
                            .is_some_and(|&hit| hit)
                    })
                    && let Some(file) = column.first(doc)
                {
                    files.push(file);
                }
            }
        }
        Ok(files)
    }
}

/// Makes the index in `dir` incomplete, so the next refresh builds it again from the cache:
/// done when the cache is set up anew, whose file ids the index's documents no longer mean.
pub fn mark_incomplete_in(dir: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(dir.join(VERSION_FILE)) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error),
        _ => Ok(()),
    }
}

/// Whether the index in `dir` is complete, asked without opening it: opening may replace an
/// unreadable index, which only a refresh should do.
pub fn is_complete_in(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join(VERSION_FILE))
        .is_ok_and(|version| version.trim() == TEXT_INDEX_VERSION)
}

/// Changes to the text index, seen by searches after [`TextWriter::commit`].
pub struct TextWriter {
    writer: IndexWriter,
    fields: Fields,
    path: String,
}

impl TextWriter {
    /// Indexes a file's article, replacing what was indexed for that file before. `body_text`
    /// is the body as [`plain_text`] gives it.
    pub fn put(&mut self, file_id: i64, article: &Article, body_text: &str) {
        self.remove(file_id);
        let mut document = TantivyDocument::new();
        document.add_u64(self.fields.file, file_id as u64);
        document.add_text(self.fields.title, &article.title);
        document.add_text(self.fields.whole_title, &article.title);
        for author in &article.authors {
            document.add_text(self.fields.author, author);
        }
        // Each part a value of its own: tantivy leaves a gap between values, so a phrase never
        // runs from one part into the next. The title is in the text too: a word anywhere is one
        // field to look in, not two to join.
        let mut initials = Initials::default();
        for part in [
            article.title.as_str(),
            &article.description,
            &article.source.name,
            &article.source.key,
            article.category.as_deref().unwrap_or_default(),
        ]
        .into_iter()
        .chain(article.tags.iter().map(|tag| tag.as_str()))
        .chain(article.authors.iter().map(String::as_str))
        .chain([body_text])
        {
            if !part.is_empty() {
                document.add_text(self.fields.text, part);
                initials.add(part);
            }
        }
        for letter in initials.letters {
            document.add_text(self.fields.initials, letter.encode_utf8(&mut [0; 4]));
        }
        // Adding only fails once the indexing threads are gone, which commit reports.
        let _ = self.writer.add_document(document);
    }

    /// Forgets what was indexed for a file.
    pub fn remove(&mut self, file_id: i64) {
        self.writer
            .delete_term(Term::from_field_u64(self.fields.file, file_id as u64));
    }

    /// Forgets every document.
    pub fn clear(&mut self) -> Result<(), TextIndexError> {
        self.writer
            .delete_all_documents()
            .map(|_| ())
            .map_err(|source| self.err(source))
    }

    /// Makes the changes visible to searches and durable; until then a crash loses them, never
    /// what was committed before.
    pub fn commit(&mut self) -> Result<(), TextIndexError> {
        self.writer
            .commit()
            .map(|_| ())
            .map_err(|source| self.err(source))
    }

    fn err(&self, source: tantivy::TantivyError) -> TextIndexError {
        TextIndexError {
            path: self.path.clone(),
            source,
        }
    }
}

/// The first letters of the words of some text, lower-cased, each once. Words are split as the
/// text field's tokenizer splits them: runs of letters and digits.
#[derive(Default)]
struct Initials {
    letters: Vec<char>,
}

impl Initials {
    fn add(&mut self, text: &str) {
        let mut in_word = false;
        for c in text.chars() {
            let alphanumeric = c.is_alphanumeric();
            // A letter that lower-cases to several is known by the first, as the tokenizer's
            // lower-casing gives it.
            if alphanumeric
                && !in_word
                && let Some(letter) = c.to_lowercase().next()
                && !self.letters.contains(&letter)
            {
                self.letters.push(letter);
            }
            in_word = alphanumeric;
        }
    }
}

/// The words a reader sees in a Markdown body: text, code and image descriptions, without markup
/// or link targets (a search for "example" should not find every article that links to
/// example.org).
pub fn plain_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser};
    let mut text = String::with_capacity(markdown.len());
    for event in Parser::new(markdown) {
        match event {
            Event::Text(part) | Event::Code(part) => text.push_str(&part),
            Event::SoftBreak | Event::HardBreak | Event::End(_) => text.push('\n'),
            _ => {}
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_stop_at_the_cap_and_large_segments_are_left_alone() {
        use tantivy::index::SegmentId;
        use tantivy::indexer::MergePolicy;
        let index = Index::create_in_ram(schema().0);
        let segments = |count, docs| -> Vec<_> {
            (0..count)
                .map(|_| index.new_segment_meta(SegmentId::generate_random(), docs))
                .collect()
        };
        let policy = CappedMerges::default();
        // Tantivy's own policy would merge all eight into one of 262,144.
        let level = segments(8, 32_768);
        let merges = policy.compute_merge_candidates(&level);
        assert_eq!(merges.len(), 1);
        assert_eq!(merges[0].0.len(), 4, "four of them make the cap");
        assert!(
            policy
                .compute_merge_candidates(&segments(8, 131_072))
                .is_empty()
        );
        // Small segments still merge as they did.
        let small = policy.compute_merge_candidates(&segments(8, 4_096));
        assert_eq!(small.iter().map(|m| m.0.len()).collect::<Vec<_>>(), [8]);
    }

    #[test]
    fn a_second_writer_waits_for_the_first_instead_of_failing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let index = TextIndex::open(&dir.path().join("index")).expect("opens");
        let first = index.writer().expect("the lock is free");
        let released = std::time::Instant::now();
        let holder = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(300));
            drop(first);
        });
        let second = index.writer();
        assert!(second.is_ok(), "{:?}", second.err());
        assert!(released.elapsed() >= std::time::Duration::from_millis(300));
        holder.join().expect("holder");
    }

    #[test]
    fn files_left_by_a_writer_killed_mid_commit_do_not_stop_the_next_one() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("index");
        let index = TextIndex::open(&path).expect("opens");
        let parsed = crate::article::parse_article(
            "a.md",
            "a.md",
            b"---\ntitle: Harbour cranes idle\npublishedAt: '2026-03-01T10:00:00Z'\n---\nQuiet docks.\n",
        )
        .expect("parses");
        let mut writer = index.writer().expect("writer");
        // Enough that no segment holds only the one removed below: a segment left empty is
        // dropped, and the old meta.json would then name files that are gone.
        for file_id in 0..40 {
            writer.put(file_id, &parsed.article, "quiet docks");
        }
        writer.commit().expect("commit");
        drop(writer);
        // What a kill between writing a commit's files and naming them in meta.json leaves:
        // files tantivy lists as its own that no commit names. The next commit's deletes would
        // be written under one of these names.
        let opstamp = index.index.load_metas().expect("metas").opstamp;
        for segment in index.index.searchable_segment_ids().expect("segments") {
            for stamp in opstamp..opstamp + 4 {
                let name = format!("{}.{stamp}.del", segment.uuid_string());
                let mut orphan =
                    tantivy::Directory::open_write(index.index.directory(), Path::new(&name))
                        .expect("orphan");
                std::io::Write::write_all(&mut orphan, b"half").expect("written");
            }
        }
        drop(index);

        let index = TextIndex::open(&path).expect("reopens");
        let mut writer = index.writer().expect("writer");
        writer.remove(1);
        let committed = writer.commit();
        assert!(committed.is_ok(), "{:?}", committed.err());
        index.reload().expect("reload");
        let found = index.search("harbour", Scope::Title).expect("search");
        assert_eq!(found.map(|files| files.len()), Some(39));
    }
}
