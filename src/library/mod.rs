//! The data layer: scan root folders, parse what changed, keep it in the cache, and serve the
//! articles with the user's marks. Problems with single files are data here, never errors.

pub mod cache;
pub mod columns;
mod compression;
pub mod covers;
mod image;
pub(crate) mod mapped;
mod refresh;
mod samples;
mod scan;
pub mod state;
pub mod stories;
#[cfg(test)]
mod tests;
pub mod text_index;
pub mod watch;

use std::cell::OnceCell;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;

use crate::article::{Article, ArticleDetails, ArticleId, Sentiment, Source, parse_article};
use cache::{Cache, CacheError};
pub use columns::{Columns, Dimension};
use image::Image;
pub use scan::escaped_name;
pub use state::{MarkChange, Marks, StateError, StateStore};
use stories::Stories;
pub use text_index::Scope;
use text_index::{TextIndex, TextIndexError};

/// Where the library keeps what it derives (cache) and what the user owns (state).
#[derive(Debug, Clone)]
pub struct StorePaths {
    pub cache: PathBuf,
    pub state: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The file could not be used; it is not in the library.
    Error,
    /// The article loaded, but something about it was off.
    Warning,
    /// Nothing was wrong, but tidings guessed where the file said nothing (a date from the
    /// file's name): worth a line in `check`, not a failure.
    Note,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
    pub severity: Severity,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootReport {
    pub path: String,
    /// `None` when the folder was there; otherwise why it was not, and its articles come from
    /// the cache alone.
    pub offline: Option<String>,
    /// Whether the cache has walked the folder before: a missing folder that never was is most
    /// likely a mistyped path, with nothing in the cache to show for it.
    pub indexed: bool,
}

impl RootReport {
    /// What to tell the user about a folder that is not there.
    pub fn offline_notice(&self) -> Option<String> {
        let reason = self.offline.as_deref()?;
        Some(if self.indexed {
            format!(
                "library folder {} is {reason}; showing its articles from the cache",
                self.path
            )
        } else {
            format!(
                "library folder {} is {reason} and was never indexed: there is nothing of it to show",
                self.path
            )
        })
    }
}

/// How far a refresh is: files it found new or changed, and how many of them it has read.
#[derive(Debug, Default)]
pub struct Progress {
    pub to_read: AtomicUsize,
    pub read: AtomicUsize,
}

/// How a refresh looks for changes in the folders that are there.
#[derive(Debug, Clone, Copy)]
pub enum Check<'a> {
    /// Every file, a `stat` each: sees every change, at a cost that grows with the library.
    Files,
    /// [`Check::Files`], and every page of the cache (SQLite's quick check): what `check` does.
    FilesAndCache,
    /// Every folder, a `stat` each; files only in folders whose time changed (an entry added,
    /// removed or renamed). A file edited in place, which changes no folder, is seen by the next
    /// check of the files.
    ChangedFolders,
    /// These files alone (named by a watcher).
    Named(&'a [PathBuf]),
}

/// What a refresh did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RefreshReport {
    pub scanned: usize,
    pub parsed: usize,
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    pub problems: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Cache(#[from] CacheError),
    #[error(transparent)]
    Text(#[from] TextIndexError),
    #[error("cannot create {path}: {source}")]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl LoadError {
    /// Whether another tidings held the cache or the text index for longer than a refresh
    /// waits.
    pub fn is_busy(&self) -> bool {
        match self {
            Self::Cache(error) => error.is_busy(),
            Self::Text(error) => error.is_busy(),
            Self::CreateDir { .. } => false,
        }
    }

    /// Whether the cache's location cannot be written (read-only, full, not a folder).
    pub fn is_unwritable(&self) -> bool {
        match self {
            Self::Cache(error) => error.is_unwritable(),
            Self::Text(error) => error.is_unwritable(),
            // A file where a folder should be.
            Self::CreateDir { source, .. } => {
                source.kind() == std::io::ErrorKind::AlreadyExists || is_unwritable_io(source)
            }
        }
    }
}

/// Whether `error`, or what caused it, is an I/O error of a place that cannot be written.
fn is_unwritable_io(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if let Some(io) = error.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind;
            if matches!(
                io.kind(),
                ErrorKind::PermissionDenied
                    | ErrorKind::ReadOnlyFilesystem
                    | ErrorKind::StorageFull
                    | ErrorKind::NotADirectory
            ) {
                return true;
            }
        }
        cause = error.source();
    }
    false
}

#[derive(Debug, thiserror::Error)]
pub enum FindError {
    #[error("no article matches {0:?}")]
    NotFound(String),
    #[error("{count} articles match {query:?}; give more of the id")]
    Ambiguous { query: String, count: usize },
}

/// Words looked up in the text index (in a scope), and the articles they found.
type WordsFound = (String, Scope, Arc<[u32]>);

/// The loaded library: every article in columns, read from the cache when it is shown, with the
/// user's marks beside them. What it costs follows what is looked at, not the library's size.
pub struct Library {
    columns: Columns,
    /// Articles read so far, by index: each is read from the cache once, when first asked for.
    articles: Vec<OnceCell<Box<Article>>>,
    /// The root each article was found under, by index into `roots`.
    root_of: Vec<u16>,
    marks: Vec<Marks>,
    /// How many times `marks` changed since the library was read: what was counted by them
    /// still holds while it is the same.
    marks_changed: u64,
    roots: Vec<RootReport>,
    problems: Vec<Problem>,
    notices: Vec<String>,
    report: RefreshReport,
    cache: Option<Cache>,
    /// The built-in samples, by key, when this is the sample library.
    builtin: Vec<(Article, ArticleDetails)>,
    state: StateStore,
    /// Every article's text, searchable; `None` when it could not be opened (words then find
    /// nothing, and the notices say why).
    text: Option<TextIndex>,
    /// Article index by key (a cache file id, or a sample's slot), built on first use.
    article_of_key: std::sync::OnceLock<Vec<u32>>,
    /// The last words looked up in the text index and what they found: typing a second word
    /// asks again for the first, which at a million articles is 9 ms a key.
    recent_words: std::sync::Mutex<Vec<WordsFound>>,
    /// Which articles are versions of one story in other languages.
    stories: Stories,
    /// How many articles are drafts (the list's title says how many it leaves out).
    drafts: usize,
}

impl Library {
    /// Refreshes the cache from `roots` (reading only changed files), then loads from it.
    pub fn open(roots: &[PathBuf], paths: &StorePaths) -> Result<Self, LoadError> {
        Self::open_with_progress(roots, paths, &Progress::default())
    }

    /// [`Library::open`], looking for changes as `check` says.
    pub fn open_checking(
        roots: &[PathBuf],
        paths: &StorePaths,
        check: Check<'_>,
    ) -> Result<Self, LoadError> {
        Self::refresh_and_open(roots, paths, check, &Progress::default())
    }

    /// [`Library::open`], counting in `progress` the files it reads, for another thread to show.
    pub fn open_with_progress(
        roots: &[PathBuf],
        paths: &StorePaths,
        progress: &Progress,
    ) -> Result<Self, LoadError> {
        Self::refresh_and_open(roots, paths, Check::Files, progress)
    }

    /// Like [`Library::open_with_progress`], but looking only at `files` (named by a watcher) for
    /// changes instead of walking the folders: what a change costs no longer grows with the
    /// library. Files outside the roots are ignored; `files` must name files, not folders.
    pub fn open_after_changes(
        roots: &[PathBuf],
        paths: &StorePaths,
        files: &[PathBuf],
        progress: &Progress,
    ) -> Result<Self, LoadError> {
        Self::refresh_and_open(roots, paths, Check::Named(files), progress)
    }

    fn refresh_and_open(
        roots: &[PathBuf],
        paths: &StorePaths,
        check: Check<'_>,
        progress: &Progress,
    ) -> Result<Self, LoadError> {
        let opened = match Self::refresh_and_open_once(roots, paths, check, progress, false) {
            // Damage met on the way: opening again looks at every page and rebuilds.
            Err(LoadError::Cache(error))
                if error.is_damage() && Cache::damage_met(&paths.cache) =>
            {
                Self::refresh_and_open_once(roots, paths, check, progress, false)
            }
            other => other,
        };
        match opened {
            // A cache that cannot be written (a read-only or full disk): the library is still
            // read, into a cache in memory.
            Err(error) if error.is_unwritable() => {
                let mut library = Self::refresh_and_open_once(roots, paths, check, progress, true)?;
                library.notices.insert(0, without_cache(&error));
                Ok(library)
            }
            other => other,
        }
    }

    fn refresh_and_open_once(
        roots: &[PathBuf],
        paths: &StorePaths,
        check: Check<'_>,
        progress: &Progress,
        in_memory: bool,
    ) -> Result<Self, LoadError> {
        let (mut cache, mut notices, text) = if in_memory {
            (Cache::in_memory()?, Vec::new(), TextIndex::in_memory())
        } else {
            let verify = matches!(check, Check::FilesAndCache);
            let (cache, notices) = open_cache(&paths.cache, verify)?;
            let text = TextIndex::open(&text_index_dir(&paths.cache))?;
            (cache, notices, text)
        };
        let refreshed = refresh::refresh(&mut cache, &text, roots, check, progress)?;
        notices.extend(refreshed.notices);
        let mut library = load(
            cache,
            refreshed.roots,
            refreshed.images,
            &paths.state,
            notices,
        );
        library.text = Some(text);
        library.report = refreshed.report;
        library.problems.extend(refreshed.skipped);
        library.sort_problems();
        Ok(library)
    }

    /// Whether the folders differ from what the cache holds (a file added, changed or removed,
    /// something unreadable), found by comparing stamps: no article is read or decoded. A missing
    /// folder is served from the cache and counts as unchanged. The reader asks this before it
    /// loads a second copy of a large library in the background.
    ///
    /// Every file is looked at, a folder at a time, so memory holds one folder's stamps, not the
    /// library's; the first difference ends the search.
    pub fn has_changes(roots: &[PathBuf], paths: &StorePaths) -> Result<bool, LoadError> {
        let (cache, _) = open_cache(&paths.cache, false)?;
        if !text_index::is_complete_in(&text_index_dir(&paths.cache)) {
            return Ok(true);
        }
        for root in roots {
            let report = root_report(root, &cache)?;
            if report.offline.is_some() {
                continue;
            }
            let folders = cache.folders(&report.path)?;
            if !folders.is_empty() {
                if !scan::changed_folders(&report.path, &folders).is_empty() {
                    return Ok(true);
                }
                for some in folders.chunks(16) {
                    use rayon::prelude::*;
                    let found: Vec<Option<Vec<scan::FoundFile>>> = some
                        .par_iter()
                        .map(|(folder, _)| scan::files_in(Path::new(folder)))
                        .collect();
                    for ((folder, _), found) in some.iter().zip(found) {
                        let Some(found) = found else {
                            return Ok(true);
                        };
                        let stamps = cache.stamps_in(&report.path, folder)?;
                        if !same_stamps(&found, &stamps) {
                            return Ok(true);
                        }
                    }
                }
                continue;
            }
            let found = scan::scan(Path::new(&report.path));
            let stamps = cache.stamps(&report.path)?;
            if !found.skipped.is_empty() || !same_stamps(&found.files, &stamps) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Loads what the cache holds for `roots` without looking at the files: the fast start.
    pub fn open_cached(roots: &[PathBuf], paths: &StorePaths) -> Result<Self, LoadError> {
        let (cache, notices, in_memory) = match open_cache(&paths.cache, false) {
            // Nothing cached: the refresh that follows reads the library.
            Err(error) if error.is_unwritable() => {
                (Cache::in_memory()?, vec![without_cache(&error)], true)
            }
            other => {
                let (cache, notices) = other?;
                (cache, notices, false)
            }
        };
        let reports = roots
            .iter()
            .map(|root| root_report(root, &cache))
            .collect::<Result<Vec<_>, _>>()?;
        let images = reports
            .iter()
            .map(|report| cache.image(&report.path))
            .collect::<Result<Vec<_>, _>>()?;
        let mut library = load(cache, reports, images, &paths.state, notices);
        // Read only: the refresh that follows builds or completes it.
        if in_memory {
            library.text = Some(TextIndex::in_memory());
            return Ok(library);
        }
        match TextIndex::open(&text_index_dir(&paths.cache)) {
            Ok(text) => library.text = Some(text),
            Err(error) => library.notices.push(format!("{error}; words find nothing")),
        }
        Ok(library)
    }

    /// The embedded sample library, with marks kept in the same state store as any other.
    pub fn builtin(state_path: &Path) -> Self {
        let (state, mut notices) = open_state(state_path);
        let mut image = Image::default();
        let mut builtin = Vec::new();
        for (name, bytes) in samples::files() {
            match parse_article(&name, &name, bytes) {
                Ok(parsed) => {
                    let slot = builtin.len();
                    image.add(image::Stored::Article {
                        file_id: slot as i64,
                        article: Box::new(parsed.article.clone()),
                        warnings: parsed.warnings,
                        notes: parsed.notes,
                    });
                    builtin.push((parsed.article, parsed.details));
                }
                Err(error) => image.problems.push(image::FileNote {
                    file_id: -1,
                    path: name,
                    message: error.to_string(),
                }),
            }
        }
        notices.retain(|n| !n.is_empty());
        let roots = vec![RootReport {
            path: "built-in samples".to_owned(),
            offline: None,
            indexed: true,
        }];
        let text = TextIndex::in_memory();
        let indexed = text.writer().and_then(|mut writer| {
            for (slot, (article, details)) in builtin.iter().enumerate() {
                writer.put(slot as i64, article, &text_index::plain_text(&details.body));
            }
            writer.commit()?;
            text.reload()
        });
        if let Err(error) = indexed {
            notices.push(format!("{error}; words find nothing"));
        }
        let mut library = Self::new(roots, state, notices, None, builtin);
        library.assemble(vec![image]);
        library.text = Some(text);
        library
    }

    fn new(
        roots: Vec<RootReport>,
        state: StateStore,
        notices: Vec<String>,
        cache: Option<Cache>,
        builtin: Vec<(Article, ArticleDetails)>,
    ) -> Self {
        Self {
            columns: Columns::default(),
            articles: Vec::new(),
            root_of: Vec::new(),
            marks: Vec::new(),
            marks_changed: 0,
            roots,
            problems: Vec::new(),
            notices,
            report: RefreshReport::default(),
            cache,
            builtin,
            state,
            text: None,
            article_of_key: std::sync::OnceLock::new(),
            recent_words: std::sync::Mutex::default(),
            stories: Stories::default(),
            drafts: 0,
        }
    }

    /// Index of the article stored under `key`, if the library holds it.
    fn index_of_key(&self, key: u64) -> Option<usize> {
        let table = self.article_of_key.get_or_init(|| {
            let len = self.columns.keys.iter().max().map_or(0, |&max| max + 1);
            let mut table = vec![u32::MAX; usize::try_from(len).unwrap_or(0)];
            for (index, &key) in self.columns.keys.iter().enumerate() {
                table[key as usize] = index as u32;
            }
            table
        });
        let index = *table.get(usize::try_from(key).ok()?)?;
        (index != u32::MAX).then_some(index as usize)
    }

    /// The articles whose text holds `words` in `scope` (see [`TextIndex::search`]), by article
    /// index; `None` when `words` hold nothing searchable.
    pub fn text_matches(&self, words: &str, scope: Scope) -> Result<Option<Arc<[u32]>>, String> {
        const REMEMBERED: usize = 4;
        let Some(text) = &self.text else {
            return Err("the text index could not be opened".to_owned());
        };
        // A poisoned lock only means another search panicked: what it holds is still whole.
        let mut recent = self
            .recent_words
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((_, _, found)) = recent.iter().find(|(w, s, _)| w == words && *s == scope) {
            return Ok(Some(Arc::clone(found)));
        }
        let Some(keys) = text.search(words, scope).map_err(|e| e.to_string())? else {
            return Ok(None);
        };
        // A key the library does not hold (a file of another root, or a duplicate id that lost)
        // is no match.
        let found: Arc<[u32]> = keys
            .into_iter()
            .filter_map(|key| self.index_of_key(key))
            .map(|index| index as u32)
            .collect();
        if recent.len() == REMEMBERED {
            recent.remove(0);
        }
        recent.push((words.to_owned(), scope, Arc::clone(&found)));
        Ok(Some(found))
    }

    /// Forgets the words looked up so far: what measuring a first lookup starts from.
    pub fn forget_recent_words(&self) {
        self.recent_words
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
    }

    /// The articles (by index) whose title `pattern` matches.
    pub fn title_pattern_matches(&self, pattern: &regex::Regex) -> Result<Vec<u32>, String> {
        let Some(text) = &self.text else {
            return Err("the text index could not be opened".to_owned());
        };
        let keys = text.title_pattern(pattern).map_err(|e| e.to_string())?;
        Ok(keys
            .into_iter()
            .filter_map(|key| self.index_of_key(key))
            .map(|index| index as u32)
            .collect())
    }

    /// What filters, sorts and counts read: every article in columns.
    pub const fn columns(&self) -> &Columns {
        &self.columns
    }

    pub fn len(&self) -> usize {
        self.columns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// The article at `index`, read from the cache the first time it is asked for and kept.
    pub fn article(&self, index: usize) -> &Article {
        self.articles[index].get_or_init(|| Box::new(self.read_article(index)))
    }

    /// Every article, in index order, each read and kept: what checks and exports of the whole
    /// library use. The reader never needs all of them.
    pub fn articles(&self) -> impl Iterator<Item = &Article> {
        (0..self.len()).map(|index| self.article(index))
    }

    /// The ids of the articles at `indices`: from memory where an article is read, else from
    /// the cache's id column, so marking thousands at once reads and keeps none of them.
    fn ids_of(&self, indices: &[usize]) -> Vec<ArticleId> {
        let stored = match &self.cache {
            Some(cache) => {
                let keys: Vec<i64> = indices
                    .iter()
                    .filter(|&&i| self.articles[i].get().is_none())
                    .map(|&i| self.columns.key(i) as i64)
                    .collect();
                cache.article_ids(&keys).unwrap_or_default()
            }
            None => std::collections::HashMap::new(),
        };
        indices
            .iter()
            .map(|&i| match stored.get(&(self.columns.key(i) as i64)) {
                Some(id) => ArticleId(id.as_str().into()),
                None => self.read_article(i).id,
            })
            .collect()
    }

    /// The article at `index`, read afresh and not kept: for going through many once.
    pub fn read_article(&self, index: usize) -> Article {
        if let Some(article) = self.articles[index].get() {
            return (**article).clone();
        }
        let key = self.columns.key(index);
        let read = match &self.cache {
            Some(cache) => cache.article(key as i64).map_err(|e| e.to_string()),
            None => self
                .builtin
                .get(key as usize)
                .map(|(article, _)| article.clone())
                .ok_or_else(|| format!("no sample {key}")),
        };
        read.unwrap_or_else(|error| self.stand_in(index, error))
    }

    /// What is known of an article whose stored copy cannot be read: its columns, and why.
    fn stand_in(&self, index: usize, error: String) -> Article {
        let columns = &self.columns;
        let time = |millis: i64| chrono::DateTime::from_timestamp_millis(millis);
        let source = columns.sources[index] as usize;
        Article {
            id: ArticleId(format!("unreadable/{}", columns.key(index)).into()),
            path: String::new(),
            title: format!("(cannot be read from the cache: {error})"),
            description: String::new(),
            published_at: columns.published(index).and_then(time),
            updated_at: None,
            lang: columns.lang(index).map(Into::into),
            external_id: None,
            source: Source {
                name: columns.name(Dimension::Source, source).into(),
                key: columns.source_keys[source].as_str().into(),
                kind: crate::article::ShortText::default(),
            },
            category: None,
            tags: columns
                .tags(index)
                .iter()
                .map(|&tag| columns.name(Dimension::Tag, tag as usize).into())
                .collect(),
            authors: Vec::new(),
            sticky_weight: columns.sticky_weight(index),
            sentiment: Sentiment::ALL[columns.sentiment(index)],
            score: columns.score(index),
            draft: columns.is_draft(index),
            ai: None,
        }
    }

    /// Every article's marks, by article index.
    pub fn all_marks(&self) -> &[Marks] {
        &self.marks
    }

    pub fn marks(&self, index: usize) -> Marks {
        self.marks[index]
    }

    /// Changes each time marks do: counts by marks made at the same one still hold.
    pub const fn marks_generation(&self) -> u64 {
        self.marks_changed
    }

    /// True when the article's root folder is missing: it is served from the cache alone.
    pub fn is_offline(&self, index: usize) -> bool {
        self.roots
            .get(usize::from(self.root_of[index]))
            .is_some_and(|root| root.offline.is_some())
    }

    pub fn roots(&self) -> &[RootReport] {
        &self.roots
    }

    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// One-line messages about the stores themselves (a cache rebuilt, marks not saved, …).
    pub fn notices(&self) -> &[String] {
        &self.notices
    }

    pub const fn report(&self) -> RefreshReport {
        self.report
    }

    /// Body and links, read from the cache (or the embedded samples) on demand.
    pub fn details(&self, index: usize) -> Result<ArticleDetails, CacheError> {
        let key = self.columns.key(index);
        match &self.cache {
            Some(cache) => cache.details(key as i64),
            None => Ok(self
                .builtin
                .get(key as usize)
                .map(|(_, details)| details.clone())
                .unwrap_or_default()),
        }
    }

    /// The other language versions of the same story, ordered by language.
    pub fn translations(&self, index: usize) -> Vec<usize> {
        let versions = self.stories.versions(index);
        if versions.is_empty() {
            return Vec::new();
        }
        let key = self
            .article(index)
            .story_key()
            .map(|(s, e)| (s.to_owned(), e.to_owned()));
        let mut group: Vec<usize> = versions
            .iter()
            .map(|&i| i as usize)
            .filter(|&i| i != index)
            .filter(|&i| {
                // Equal hashes of different stories are possible, if never seen: confirm.
                let other = self.article(i).story_key();
                other.map(|(s, e)| (s.to_owned(), e.to_owned())) == key
            })
            .collect();
        group.sort_by(|&a, &b| self.columns.lang(a).cmp(&self.columns.lang(b)));
        group
    }

    /// The language of the original when the article is a translation (`ai.translatedFrom`
    /// names the original's external id), if the original is in the library.
    pub fn original_language(&self, index: usize) -> Option<&str> {
        let article = self.article(index);
        let original = article.ai.as_ref()?.translated_from.as_deref()?;
        self.translations(index)
            .into_iter()
            .map(|other| self.article(other))
            .find(|other| {
                other.external_id.as_deref() == Some(original) && other.lang != article.lang
            })
            .and_then(|other| other.lang.as_deref())
    }

    /// Which articles are versions of one story.
    pub const fn stories(&self) -> &Stories {
        &self.stories
    }

    /// How many articles are drafts.
    pub const fn drafts(&self) -> usize {
        self.drafts
    }

    /// Finds an article by full id, short id, path, or an unambiguous prefix of an id.
    pub fn find(&self, query: &str) -> Result<usize, FindError> {
        // Paths are kept as found under the canonical roots: `news/a.md` means the one under
        // the current folder, however it is reached.
        let absolute = canonical(Path::new(query)).display().to_string();
        let is = |index: usize| {
            let article = self.article(index);
            article.id.0 == query || article.path == query || article.path == absolute
        };
        let starts = |index: usize| self.article(index).id.0.starts_with(query);
        let mut candidates: Vec<usize> = match &self.cache {
            Some(cache) => cache
                .find(query, &[query, &absolute])
                .unwrap_or_default()
                .into_iter()
                .filter_map(|file_id| self.index_of_key(file_id as u64))
                .collect(),
            None => (0..self.len()).filter(|&i| is(i) || starts(i)).collect(),
        };
        // Short ids are the upper half of the id's hash: a column comparison.
        if let Some(short) = parse_short(query) {
            candidates.extend((0..self.len()).filter(|&i| {
                (self.columns.id_hash(i) >> 32) >> (4 * (8 - short.digits)) == short.value
            }));
        }
        candidates.sort_unstable();
        candidates.dedup();
        if let Some(&exact) = candidates
            .iter()
            .find(|&&i| is(i) || self.article(i).id.short() == query)
        {
            return Ok(exact);
        }
        match candidates.as_slice() {
            [] => Err(FindError::NotFound(query.to_owned())),
            [one] => Ok(*one),
            many => Err(FindError::Ambiguous {
                query: query.to_owned(),
                count: many.len(),
            }),
        }
    }

    /// False when the state store could not be opened and marks live in memory only.
    pub const fn marks_are_saved(&self) -> bool {
        self.state.is_persistent()
    }

    /// Marks the story read (or unread): every language version of it.
    pub fn set_read(&mut self, index: usize, read: bool) -> Result<(), StateError> {
        self.change_marks(&[index], |_, marks| Marks { read, ..marks })
            .map(|_| ())
    }

    /// Stars (or unstars) the story: every language version of it.
    pub fn set_starred(&mut self, index: usize, starred: bool) -> Result<(), StateError> {
        self.change_marks(&[index], |_, marks| Marks { starred, ..marks })
            .map(|_| ())
    }

    /// Changes the marks of the stories of `indices`, in one write: `change(i, marks)` gives
    /// the new marks of each version of article `i`'s story from its own. Only the flags that
    /// change are written; the others keep what the state database holds, which is what the
    /// library then shows. Returns how many articles changed.
    pub fn change_marks(
        &mut self,
        indices: &[usize],
        change: impl Fn(usize, Marks) -> Marks,
    ) -> Result<usize, StateError> {
        let mut changed = Vec::new();
        // Rows of one story in several languages (`lang:en|uk`) name its versions each time.
        let mut seen = std::collections::HashSet::new();
        for &index in indices {
            // The groups as hashed, unconfirmed: marking thousands at once reads no article.
            let versions = self.stories.versions(index);
            let alone = [index as u32];
            let versions = if versions.is_empty() {
                &alone[..]
            } else {
                versions
            };
            for version in versions.iter().map(|&v| v as usize) {
                if !seen.insert(version) {
                    continue;
                }
                let old = self.marks[version];
                let flags = MarkChange::between(old, change(index, old));
                if !flags.is_empty() {
                    changed.push((version, flags));
                }
            }
        }
        let versions: Vec<usize> = changed.iter().map(|&(version, _)| version).collect();
        let writes: Vec<(ArticleId, MarkChange)> = self
            .ids_of(&versions)
            .into_iter()
            .zip(changed.iter().map(|&(_, flags)| flags))
            .collect();
        let stored = self.state.set_many(&writes)?;
        for (&version, marks) in versions.iter().zip(stored) {
            self.marks[version] = marks;
        }
        self.marks_changed += 1;
        Ok(changed.len())
    }

    /// Takes in marks set on an earlier copy of this library (while this one loaded in the
    /// background). They were written to the state database, so they are read back from it,
    /// with whatever another tidings set since; only a store that keeps marks in memory gets
    /// `set_earlier` itself. Nothing is written: writing the earlier copy's pairs again could
    /// undo a flag changed elsewhere meanwhile.
    pub fn adopt_marks(
        &mut self,
        set_earlier: &std::collections::HashMap<usize, Marks>,
    ) -> Result<(), StateError> {
        if !self.state.is_persistent() {
            return self
                .change_marks(
                    &set_earlier.keys().copied().collect::<Vec<_>>(),
                    |index, marks| set_earlier.get(&index).copied().unwrap_or(marks),
                )
                .map(|_| ());
        }
        let indices: Vec<usize> = set_earlier.keys().copied().collect();
        let now = self.state.reread(&self.ids_of(&indices))?;
        for (index, marks) in indices.into_iter().zip(now) {
            self.marks[index] = marks;
        }
        self.marks_changed += 1;
        Ok(())
    }

    fn sort_problems(&mut self) {
        self.problems
            .sort_by(|a, b| (a.severity, &a.path).cmp(&(b.severity, &b.path)));
    }
}

/// The one line that says the library is read without a cache, and why.
fn without_cache(error: &LoadError) -> String {
    format!("{error}; reading the library without a cache (nothing is kept for the next start)")
}

/// The text index lives beside the cache database: `cache.db` → `cache.index/`.
fn text_index_dir(cache: &Path) -> PathBuf {
    cache.with_extension("index")
}

fn open_cache(path: &Path, verify: bool) -> Result<(Cache, Vec<String>), LoadError> {
    create_parent(path)?;
    let (cache, notice) = Cache::open(path, verify)?;
    Ok((cache, notice.into_iter().collect()))
}

fn open_state(path: &Path) -> (StateStore, Vec<String>) {
    if let Err(error) = create_parent(path) {
        return (
            StateStore::in_memory(path),
            vec![format!("{error}; read and starred marks will not be saved")],
        );
    }
    match StateStore::open(path) {
        Ok(state) => (state, Vec::new()),
        Err(error) => (
            StateStore::in_memory(path),
            vec![format!(
                "{error}; read and starred marks will not be saved this session (the file is left as it is)"
            )],
        ),
    }
}

fn create_parent(path: &Path) -> Result<(), LoadError> {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => {
            std::fs::create_dir_all(parent).map_err(|source| LoadError::CreateDir {
                path: parent.to_owned(),
                source,
            })
        }
        _ => Ok(()),
    }
}

/// The one name of a folder, however it was spelled (`news`, `news/`, `x/../news`, a link to it),
/// so that the cache holds each library once.
fn root_key(root: &Path) -> String {
    canonical(root).display().to_string()
}

/// `path` with links resolved where it exists. A missing path (an unmounted disk) keeps its
/// existing ancestor resolved and the rest normalised by hand, so it names the same cache entry
/// it named while it was there, as long as the missing part held no links.
pub fn canonical(path: &Path) -> PathBuf {
    if let Ok(resolved) = std::fs::canonicalize(path) {
        return resolved;
    }
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let mut normal = PathBuf::new();
    for component in absolute.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                normal.pop();
            }
            other => normal.push(other),
        }
    }
    let mut missing = Vec::new();
    let mut existing = normal.as_path();
    while let Some(parent) = existing.parent() {
        if let Ok(resolved) = std::fs::canonicalize(existing) {
            return missing
                .iter()
                .rev()
                .fold(resolved, |path, part| path.join(part));
        }
        missing.extend(existing.file_name());
        existing = parent;
    }
    normal
}

fn root_report(root: &Path, cache: &Cache) -> Result<RootReport, CacheError> {
    let path = root_key(root);
    let offline = match std::fs::read_dir(&path) {
        Ok(_) => None,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Some("missing".to_owned()),
        Err(error) => Some(format!("unreadable: {error}")),
    };
    // Only asked of a folder that is not there: the walk of one that is records it anyway.
    let indexed = offline.is_none() || !cache.folders(&path)?.is_empty();
    Ok(RootReport {
        path,
        offline,
        indexed,
    })
}

/// Whether a walk found exactly the files the cache holds, with the same stamps (both sorted).
fn same_stamps(found: &[scan::FoundFile], stamps: &[(String, cache::Stamp)]) -> bool {
    found.len() == stamps.len()
        && found.iter().zip(stamps).all(|(file, (path, stamp))| {
            file.display == *path && file.size == stamp.size && file.mtime_ns == stamp.mtime_ns
        })
}

/// A short id, or the start of one: up to 8 hexadecimal digits.
struct Short {
    value: u64,
    digits: u32,
}

fn parse_short(query: &str) -> Option<Short> {
    let digits = u32::try_from(query.len()).ok()?;
    if !(1..=8).contains(&digits)
        || !query
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return None;
    }
    Some(Short {
        value: u64::from_str_radix(query, 16).ok()?,
        digits,
    })
}

/// The library of the roots' images (a file under two nested roots counts once), with
/// duplicates removed and the user's marks added.
fn load(
    cache: Cache,
    roots: Vec<RootReport>,
    images: Vec<Image>,
    state_path: &Path,
    mut notices: Vec<String>,
) -> Library {
    let (mut state, state_notices) = open_state(state_path);
    notices.extend(state_notices);
    for root in &roots {
        if let Err(error) = state.adopt_relative_ids(&root.path) {
            notices.push(format!(
                "{error}; marks made before ids became paths within the library folder are not \
                 carried over"
            ));
        }
    }
    let mut library = Library::new(roots, state, notices, Some(cache), Vec::new());
    library.assemble(images);
    library
}

impl Library {
    /// Takes the images in as the library's articles: one image is used as it is; several are
    /// joined, each file once. Then de-duplicates by id (the newer `updatedAt` wins) and joins
    /// the user's marks.
    fn assemble(&mut self, mut images: Vec<Image>) {
        let mut problems = Vec::new();
        let mut note = |notes: Vec<image::FileNote>, severity: Severity| {
            problems.extend(notes.into_iter().map(|note| Problem {
                path: note.path,
                message: note.message,
                severity,
            }));
        };
        let mut ids_unique = false;
        let mut stories = None;
        if images.len() == 1 {
            let image = images.remove(0);
            ids_unique = image.ids_unique;
            stories = image.stories;
            self.root_of = vec![0; image.columns.len()];
            self.columns = image.columns;
            note(image.problems, Severity::Error);
            note(image.warnings, Severity::Warning);
            note(image.notes, Severity::Note);
        } else {
            let mut seen = foldhash::HashSet::default();
            let mut seen_notes = foldhash::HashSet::default();
            for (root, image) in images.into_iter().enumerate() {
                let before = self.columns.len();
                self.columns
                    .extend_from(&image.columns, |i| seen.insert(image.columns.key(i)));
                let root = u16::try_from(root).unwrap_or(u16::MAX);
                self.root_of
                    .extend(std::iter::repeat_n(root, self.columns.len() - before));
                let mut fresh = |notes: Vec<image::FileNote>| -> Vec<image::FileNote> {
                    notes
                        .into_iter()
                        .filter(|n| seen_notes.insert((n.file_id, n.message.clone())))
                        .collect()
                };
                note(fresh(image.problems), Severity::Error);
                note(fresh(image.warnings), Severity::Warning);
                note(fresh(image.notes), Severity::Note);
            }
        }
        self.articles = (0..self.columns.len()).map(|_| OnceCell::new()).collect();
        self.problems.extend(problems);
        if !ids_unique {
            self.remove_duplicates();
        }
        // Kept from the image unless duplicates were taken out of its rows.
        self.stories = stories
            .filter(|stories| stories.rows() == self.columns.len())
            .unwrap_or_else(|| Stories::of(&self.columns));
        self.drafts = self.columns.count_drafts();
        self.marks_changed += 1;
        self.marks = self
            .columns
            .id_hashes
            .iter()
            .map(|&hash| self.state.get_hashed(hash))
            .collect();
        self.sort_problems();
    }

    /// Keeps one article per id, the most recently updated; the others become warnings. Ids are
    /// compared by hash first, and equal hashes confirmed by reading both articles.
    fn remove_duplicates(&mut self) {
        use rayon::prelude::*;
        let columns = &self.columns;
        // Sorted on both cores: equal hashes end up side by side, in article order.
        let mut by_hash: Vec<(u64, u32)> = columns
            .id_hashes
            .par_iter()
            .enumerate()
            .map(|(index, &hash)| (hash, index as u32))
            .collect();
        by_hash.par_sort_unstable();
        let mut lost = Vec::new();
        for group in by_hash.chunk_by(|a, b| a.0 == b.0).filter(|g| g.len() > 1) {
            // One winner per distinct id: equal hashes of different ids are not duplicates.
            let mut winners: Vec<usize> = Vec::new();
            for &(_, index) in group {
                let index = index as usize;
                let article = self.article(index);
                // Path ids are paths within a folder: the same path in two folders is two files.
                let same = |other: usize| {
                    self.article(other).id == article.id
                        && (!article.id_is_path() || self.root_of[other] == self.root_of[index])
                };
                match winners.iter_mut().find(|w| same(**w)) {
                    None => winners.push(index),
                    Some(previous) => {
                        let (won, loser) = if columns.recency(index) > columns.recency(*previous) {
                            (index, *previous)
                        } else {
                            (*previous, index)
                        };
                        *previous = won;
                        lost.push((loser, won));
                    }
                }
            }
        }
        drop(by_hash);
        if lost.is_empty() {
            return;
        }
        for &(loser, won) in &lost {
            let (loser, won) = (self.article(loser), self.article(won));
            self.problems.push(Problem {
                path: loser.path.clone(),
                message: format!(
                    "duplicate id {}; the newer copy {} is shown instead",
                    won.id, won.path
                ),
                severity: Severity::Warning,
            });
        }
        let mut keep = vec![true; self.columns.len()];
        for (loser, _) in lost {
            keep[loser] = false;
        }
        self.columns = self.columns.filtered(|i| keep[i]);
        let mut mask = keep.iter();
        self.root_of
            .retain(|_| *mask.next().expect("one flag per article"));
        let mut mask = keep.iter();
        self.articles
            .retain(|_| *mask.next().expect("one flag per article"));
        self.article_of_key = std::sync::OnceLock::new();
        self.recent_words = std::sync::Mutex::default();
    }
}
