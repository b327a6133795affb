//! The data layer: scan root folders, parse what changed, keep it in the cache, and serve the
//! articles with the user's marks. Problems with single files are data here, never errors.

pub mod cache;
mod compression;
mod refresh;
mod samples;
mod scan;
mod snapshot;
pub mod state;
#[cfg(test)]
mod tests;
pub mod text_index;
pub mod watch;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicUsize;

use foldhash::HashMapExt;

use crate::article::{Article, ArticleDetails, parse_article};
use cache::{Cache, CacheError};
use snapshot::{Outcome, Snapped, SnappedEntry, Snapshot};
pub use state::{Marks, StateError, StateStore};
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
}

/// How far a refresh is: files it found new or changed, and how many of them it has read.
#[derive(Debug, Default)]
pub struct Progress {
    pub to_read: AtomicUsize,
    pub read: AtomicUsize,
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

#[derive(Debug, thiserror::Error)]
pub enum FindError {
    #[error("no article matches {0:?}")]
    NotFound(String),
    #[error("{count} articles match {query:?}; give more of the id")]
    Ambiguous { query: String, count: usize },
}

enum DetailsRef {
    Cache(i64),
    Builtin(usize),
}

/// The loaded library: articles in memory once, bodies on demand, marks beside them.
pub struct Library {
    articles: Vec<Article>,
    details: Vec<DetailsRef>,
    root_of: Vec<usize>,
    marks: Vec<Marks>,
    roots: Vec<RootReport>,
    problems: Vec<Problem>,
    notices: Vec<String>,
    report: RefreshReport,
    cache: Option<Cache>,
    builtin: Vec<ArticleDetails>,
    state: StateStore,
    /// Every article's text, searchable; `None` when it could not be opened (words then find
    /// nothing, and the notices say why).
    text: Option<TextIndex>,
    /// Article index by the text index's document key (a cache file id, or a sample's slot),
    /// built on the first search.
    article_of_key: std::sync::OnceLock<Vec<u32>>,
}

/// Articles as loaded, before de-duplication: one entry per file, in columns.
#[derive(Default)]
struct Loaded {
    articles: Vec<Article>,
    details: Vec<DetailsRef>,
    root_of: Vec<usize>,
    /// `(position, warnings)` for the few articles that have any.
    warnings: Vec<(usize, Vec<String>)>,
}

impl Loaded {
    fn push(&mut self, article: Article, details: DetailsRef, root: usize, warnings: Vec<String>) {
        self.articles.push(article);
        self.note(details, root, warnings);
    }

    /// Everything about the last article but the article itself.
    fn note(&mut self, details: DetailsRef, root: usize, warnings: Vec<String>) {
        if !warnings.is_empty() {
            self.warnings.push((self.details.len(), warnings));
        }
        self.details.push(details);
        self.root_of.push(root);
    }
}

impl Library {
    /// Refreshes the cache from `roots` (reading only changed files), then loads from it.
    pub fn open(roots: &[PathBuf], paths: &StorePaths) -> Result<Library, LoadError> {
        Library::open_with_progress(roots, paths, &Progress::default())
    }

    /// [`Library::open`], counting in `progress` the files it reads, for another thread to show.
    pub fn open_with_progress(
        roots: &[PathBuf],
        paths: &StorePaths,
        progress: &Progress,
    ) -> Result<Library, LoadError> {
        let (mut cache, mut notices) = open_cache(&paths.cache)?;
        let text = TextIndex::open(&text_index_dir(&paths.cache))?;
        let refreshed = refresh::refresh(&mut cache, &text, roots, progress)?;
        notices.extend(refreshed.notices);
        let mut library = load(
            cache,
            refreshed.roots,
            refreshed.snapshots,
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
    /// something unreadable), found by walking them and comparing stamps: no article is read or
    /// decoded. A missing folder is served from the cache and counts as unchanged. The reader
    /// asks this before it loads a second copy of a large library in the background.
    pub fn has_changes(roots: &[PathBuf], paths: &StorePaths) -> Result<bool, LoadError> {
        let (cache, _) = open_cache(&paths.cache)?;
        if !text_index::is_complete_in(&text_index_dir(&paths.cache)) {
            return Ok(true);
        }
        for root in roots {
            let report = root_report(root);
            if report.offline.is_some() {
                continue;
            }
            let found = scan::scan(Path::new(&report.path));
            let stamps = cache.stamps(&report.path)?;
            let same = found.skipped.is_empty()
                && found.files.len() == stamps.len()
                && found
                    .files
                    .iter()
                    .zip(&stamps)
                    .all(|(file, (path, stamp))| {
                        file.display == *path
                            && file.size == stamp.size
                            && file.mtime_ns == stamp.mtime_ns
                    });
            if !same {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Loads what the cache holds for `roots` without looking at the files: the fast start.
    pub fn open_cached(roots: &[PathBuf], paths: &StorePaths) -> Result<Library, LoadError> {
        let (mut cache, notices) = open_cache(&paths.cache)?;
        // The reader waits for this one: spend memory on speed.
        cache.decode_in_parallel(true);
        let reports = roots
            .iter()
            .map(|root| root_report(root))
            .collect::<Vec<_>>();
        let snapshots = reports
            .iter()
            .map(|report| cache.snapshot(&report.path))
            .collect::<Result<Vec<_>, _>>()?;
        let mut library = load(cache, reports, snapshots, &paths.state, notices);
        // Read only: the refresh that follows builds or completes it.
        match TextIndex::open(&text_index_dir(&paths.cache)) {
            Ok(text) => library.text = Some(text),
            Err(error) => library.notices.push(format!("{error}; words find nothing")),
        }
        Ok(library)
    }

    /// The embedded sample library, with marks kept in the same state store as any other.
    pub fn builtin(state_path: &Path) -> Library {
        let (state, mut notices) = open_state(state_path);
        let mut loaded = Loaded::default();
        let mut problems = Vec::new();
        let mut builtin = Vec::new();
        for (name, bytes) in samples::files() {
            match parse_article(&name, bytes) {
                Ok(parsed) => {
                    let details = DetailsRef::Builtin(builtin.len());
                    loaded.push(parsed.article, details, 0, parsed.warnings);
                    builtin.push(parsed.details);
                }
                Err(error) => problems.push(Problem {
                    path: name,
                    message: error.to_string(),
                    severity: Severity::Error,
                }),
            }
        }
        notices.retain(|n| !n.is_empty());
        let roots = vec![RootReport {
            path: "built-in samples".to_owned(),
            offline: None,
        }];
        let text = TextIndex::in_memory();
        let indexed = text.writer().and_then(|mut writer| {
            // Sample `slot` is the `slot`th article loaded: both grow together above.
            for (slot, (article, details)) in loaded.articles.iter().zip(&builtin).enumerate() {
                writer.put(slot as i64, article, &text_index::plain_text(&details.body));
            }
            writer.commit()?;
            text.reload()
        });
        if let Err(error) = indexed {
            notices.push(format!("{error}; words find nothing"));
        }
        let mut library = assemble(loaded, problems, roots, state, notices);
        library.builtin = builtin;
        library.text = Some(text);
        library
    }

    /// The articles whose text holds `words` in `scope` (see [`TextIndex::search`]), by article
    /// index; `None` when `words` hold nothing searchable.
    pub fn text_matches(&self, words: &str, scope: Scope) -> Result<Option<Vec<u32>>, String> {
        let Some(text) = &self.text else {
            return Err("the text index could not be opened".to_owned());
        };
        let Some(keys) = text.search(words, scope).map_err(|e| e.to_string())? else {
            return Ok(None);
        };
        let article_of_key = self.article_of_key.get_or_init(|| {
            let key = |details: &DetailsRef| match *details {
                DetailsRef::Cache(file_id) => usize::try_from(file_id).unwrap_or(usize::MAX),
                DetailsRef::Builtin(slot) => slot,
            };
            let len = self
                .details
                .iter()
                .map(key)
                .filter(|&k| k != usize::MAX)
                .max();
            let mut table = vec![u32::MAX; len.map_or(0, |max| max + 1)];
            for (index, details) in self.details.iter().enumerate() {
                if let Some(slot) = table.get_mut(key(details)) {
                    *slot = index as u32;
                }
            }
            table
        });
        // A key the library does not hold (a file not loaded, or a duplicate id that lost) is
        // no match.
        Ok(Some(
            keys.into_iter()
                .filter_map(|key| article_of_key.get(key as usize).copied())
                .filter(|&index| index != u32::MAX)
                .collect(),
        ))
    }

    pub fn articles(&self) -> &[Article] {
        &self.articles
    }

    pub fn len(&self) -> usize {
        self.articles.len()
    }

    pub fn is_empty(&self) -> bool {
        self.articles.is_empty()
    }

    pub fn article(&self, index: usize) -> &Article {
        &self.articles[index]
    }

    /// Every article's marks, by article index.
    pub fn all_marks(&self) -> &[Marks] {
        &self.marks
    }

    pub fn marks(&self, index: usize) -> Marks {
        self.marks[index]
    }

    /// True when the article's root folder is missing: it is served from the cache alone.
    pub fn is_offline(&self, index: usize) -> bool {
        self.roots
            .get(self.root_of[index])
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

    pub fn report(&self) -> RefreshReport {
        self.report
    }

    /// Body and links, read from the cache (or the embedded samples) on demand.
    pub fn details(&self, index: usize) -> Result<ArticleDetails, CacheError> {
        match (&self.details[index], &self.cache) {
            (DetailsRef::Builtin(slot), _) => Ok(self.builtin[*slot].clone()),
            (DetailsRef::Cache(file_id), Some(cache)) => cache.details(*file_id),
            (DetailsRef::Cache(_), None) => unreachable!("cache-backed articles come with a cache"),
        }
    }

    /// The other language versions of the same story, ordered by language. A scan of the
    /// library (about a millisecond for 100,000 articles), done when an article is opened; for
    /// many articles at once use [`Library::stories`].
    pub fn translations(&self, index: usize) -> Vec<usize> {
        let Some(key) = self.articles[index].story_key() else {
            return Vec::new();
        };
        let mut group: Vec<usize> = (0..self.articles.len())
            .filter(|&i| i != index && self.articles[i].story_key() == Some(key))
            .collect();
        group.sort_by(|&a, &b| self.articles[a].lang.cmp(&self.articles[b].lang));
        group
    }

    /// The language of the original when the article is a translation (`ai.translatedFrom`
    /// names the original's external id), if the original is in the library.
    pub fn original_language(&self, index: usize) -> Option<&str> {
        let article = &self.articles[index];
        let original = article.ai.as_ref()?.translated_from.as_deref()?;
        self.translations(index)
            .into_iter()
            .map(|other| &self.articles[other])
            .find(|other| {
                other.external_id.as_deref() == Some(original) && other.lang != article.lang
            })
            .and_then(|other| other.lang.as_deref())
    }

    /// Every story told in more than one language: its articles, ordered by language.
    pub fn stories(&self) -> HashMap<(&str, &str), Vec<usize>> {
        let mut stories: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for (index, article) in self.articles.iter().enumerate() {
            if let Some(key) = article.story_key() {
                stories.entry(key).or_default().push(index);
            }
        }
        stories.retain(|_, group| group.len() > 1);
        for group in stories.values_mut() {
            group.sort_by(|&a, &b| self.articles[a].lang.cmp(&self.articles[b].lang));
        }
        stories
    }

    /// Finds an article by full id, short id, path, or an unambiguous prefix of an id.
    pub fn find(&self, query: &str) -> Result<usize, FindError> {
        // Paths are kept as found under the canonical roots: `news/a.md` means the one under
        // the current folder, however it is reached.
        let absolute = Some(canonical(Path::new(query)).display().to_string());
        let exact = self.articles.iter().position(|a| {
            a.id.0 == query
                || a.path == query
                || a.id.short() == query
                || absolute.as_deref() == Some(a.path.as_str())
        });
        if let Some(index) = exact {
            return Ok(index);
        }
        let matches: Vec<usize> = (0..self.articles.len())
            .filter(|&i| {
                let article = &self.articles[i];
                article.id.0.starts_with(query) || article.id.short().starts_with(query)
            })
            .collect();
        match matches.as_slice() {
            [] => Err(FindError::NotFound(query.to_owned())),
            [one] => Ok(*one),
            many => Err(FindError::Ambiguous {
                query: query.to_owned(),
                count: many.len(),
            }),
        }
    }

    /// False when the state store could not be opened and marks live in memory only.
    pub fn marks_are_saved(&self) -> bool {
        self.state.is_persistent()
    }

    pub fn set_read(&mut self, index: usize, read: bool) -> Result<(), StateError> {
        let marks = Marks {
            read,
            ..self.marks[index]
        };
        self.set_marks(index, marks)
    }

    pub fn set_starred(&mut self, index: usize, starred: bool) -> Result<(), StateError> {
        let marks = Marks {
            starred,
            ..self.marks[index]
        };
        self.set_marks(index, marks)
    }

    fn set_marks(&mut self, index: usize, marks: Marks) -> Result<(), StateError> {
        self.state.set(&self.articles[index].id, marks)?;
        self.marks[index] = marks;
        Ok(())
    }

    fn sort_problems(&mut self) {
        self.problems
            .sort_by(|a, b| (a.severity, &a.path).cmp(&(b.severity, &b.path)));
    }
}

/// The text index lives beside the cache database: `cache.db` → `cache.index/`.
fn text_index_dir(cache: &Path) -> PathBuf {
    cache.with_extension("index")
}

fn open_cache(path: &Path) -> Result<(Cache, Vec<String>), LoadError> {
    create_parent(path)?;
    let (cache, notice) = Cache::open(path)?;
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
pub(crate) fn canonical(path: &Path) -> PathBuf {
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

fn root_report(root: &Path) -> RootReport {
    let path = root_key(root);
    let offline = match std::fs::read_dir(&path) {
        Ok(_) => None,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Some("missing".to_owned()),
        Err(error) => Some(format!("unreadable: {error}")),
    };
    RootReport { path, offline }
}

/// Joins the roots' snapshots in path order (as one listing of all files would give; a file under
/// two nested roots counts once), then de-duplicates and adds the user's marks. With one root the
/// snapshot's articles become the library's as they are.
fn load(
    cache: Cache,
    roots: Vec<RootReport>,
    mut snapshots: Vec<Snapshot>,
    state_path: &Path,
    mut notices: Vec<String>,
) -> Library {
    let mut loaded = Loaded::default();
    let mut problems = Vec::new();
    if snapshots.len() == 1 {
        let (articles, files) = snapshots.remove(0).into_parts();
        loaded.articles = articles;
        loaded.details.reserve_exact(files.len());
        loaded.root_of.reserve_exact(files.len());
        for file in files {
            match file.outcome {
                Outcome::Article { warnings } => {
                    loaded.note(DetailsRef::Cache(file.file_id), 0, warnings);
                }
                Outcome::Problem(problem) => problems.push(Problem {
                    path: problem.path,
                    message: problem.message,
                    severity: Severity::Error,
                }),
            }
        }
    } else {
        let mut add = |snapped: Snapped, root: usize| match snapped.entry {
            SnappedEntry::Article { article, warnings } => {
                loaded.push(article, DetailsRef::Cache(snapped.file_id), root, warnings);
            }
            SnappedEntry::Problem { path, message } => problems.push(Problem {
                path,
                message,
                severity: Severity::Error,
            }),
        };
        let mut runs: Vec<_> = snapshots.into_iter().map(Snapshot::into_snapped).collect();
        let mut heads: Vec<Option<Snapped>> = runs.iter_mut().map(Iterator::next).collect();
        loop {
            let mut first: Option<(usize, &Snapped)> = None;
            for (root, head) in heads.iter().enumerate() {
                if let Some(head) = head
                    && first.is_none_or(|(_, best)| head.path() < best.path())
                {
                    first = Some((root, head));
                }
            }
            let Some((root, _)) = first else { break };
            let snapped = std::mem::replace(&mut heads[root], runs[root].next())
                .expect("the chosen head is there");
            for (other, head) in heads.iter_mut().enumerate() {
                while head.as_ref().is_some_and(|h| h.path() == snapped.path()) {
                    *head = runs[other].next();
                }
            }
            add(snapped, root);
        }
    }
    let (state, state_notices) = open_state(state_path);
    notices.extend(state_notices);
    let mut library = assemble(loaded, problems, roots, state, notices);
    library.cache = Some(cache);
    library
}

/// De-duplicates by id (the newer `updatedAt` wins) and joins the user's marks. Works in place:
/// the articles are the bulk of the memory and are never copied.
fn assemble(
    mut loaded: Loaded,
    mut problems: Vec<Problem>,
    roots: Vec<RootReport>,
    state: StateStore,
    notices: Vec<String>,
) -> Library {
    let articles = &loaded.articles;
    for (position, warnings) in loaded.warnings.drain(..) {
        problems.extend(warnings.into_iter().map(|message| Problem {
            path: articles[position].path.clone(),
            message,
            severity: Severity::Warning,
        }));
    }
    let mut keep = vec![true; articles.len()];
    let mut winner: foldhash::HashMap<&str, usize> =
        foldhash::HashMap::with_capacity(articles.len());
    for (index, article) in articles.iter().enumerate() {
        let Some(&previous) = winner.get(article.id.0.as_str()) else {
            winner.insert(&article.id.0, index);
            continue;
        };
        let recency = |a: &Article| a.updated_at.or(a.published_at);
        let (won, lost) = if recency(article) > recency(&articles[previous]) {
            (index, previous)
        } else {
            (previous, index)
        };
        keep[lost] = false;
        winner.insert(&article.id.0, won);
        problems.push(Problem {
            path: articles[lost].path.clone(),
            message: format!(
                "duplicate id {}; the newer copy {} is shown instead",
                article.id, articles[won].path
            ),
            severity: Severity::Warning,
        });
    }
    drop(winner);
    if keep.contains(&false) {
        let mut mask = keep.iter();
        loaded
            .articles
            .retain(|_| *mask.next().expect("one flag per article"));
        let mut mask = keep.iter();
        loaded
            .details
            .retain(|_| *mask.next().expect("one flag per article"));
        let mut mask = keep.iter();
        loaded
            .root_of
            .retain(|_| *mask.next().expect("one flag per article"));
    }
    let marks = loaded.articles.iter().map(|a| state.get(&a.id)).collect();
    let mut library = Library {
        articles: loaded.articles,
        details: loaded.details,
        root_of: loaded.root_of,
        marks,
        roots,
        problems,
        notices,
        report: RefreshReport::default(),
        cache: None,
        builtin: Vec::new(),
        state,
        text: None,
        article_of_key: std::sync::OnceLock::new(),
    };
    library.sort_problems();
    library
}
