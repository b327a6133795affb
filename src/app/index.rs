//! The in-memory search index: interned facet values and compact columns per article, built once
//! per library so that each keystroke filters and counts with plain comparisons and array bumps.
//! Words are looked up in the library's full-text index on disk, once per query, not per article.

use rayon::prelude::*;

use crate::article::{Article, Sentiment};
use crate::library::{Library, Marks, Scope};

use super::query::{Filter, Flag, Query};

/// Interned strings: an id per distinct value, names by id.
#[derive(Debug, Default)]
struct Interner {
    /// Facet values are few and short: a fast hasher, no defence against crafted collisions needed.
    ids: foldhash::HashMap<Box<str>, u32>,
    names: Vec<String>,
}

impl Interner {
    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = u32::try_from(self.names.len()).expect("fewer than 4 billion distinct values");
        self.ids.insert(name.into(), id);
        self.names.push(name.to_owned());
        id
    }
}

const NONE: u32 = u32::MAX;

pub struct SearchIndex {
    /// Tag ids of every article, one after another; article `i`'s are
    /// `tag_ids[tag_starts[i]..tag_starts[i + 1]]`. One flat array keeps counting cache-friendly.
    tag_ids: Vec<u32>,
    tag_starts: Vec<u32>,
    /// What filters and counts read per article, in columns rather than from the articles
    /// themselves: a keystroke scans a few compact arrays instead of 100,000 scattered structs.
    sentiments: Vec<u8>,
    /// Milliseconds since the epoch; `i64::MIN` when unknown.
    published: Vec<i64>,
    flags: Vec<u8>,
    sources: Vec<u32>,
    categories: Vec<u32>,
    langs: Vec<u32>,
    tag_names: Interner,
    source_names: Interner,
    category_names: Interner,
    lang_names: Interner,
    /// Lower-cased source keys, by source id (filters match the key or the name).
    source_keys: Vec<String>,
}

/// Facet counts for one result set; ids index the names in the [`SearchIndex`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facets {
    pub total: usize,
    pub sentiment: [usize; 4],
    pub tags: Vec<usize>,
    pub sources: Vec<usize>,
    pub categories: Vec<usize>,
    pub langs: Vec<usize>,
}

/// A query resolved against the index: names turned into ids once, not per article.
enum Compiled {
    /// The articles the full-text index found, by article index.
    Matches(Vec<bool>),
    /// A word with nothing searchable in it (punctuation alone): it does not narrow the list.
    Everything,
    Ids {
        of: Dimension,
        ids: Vec<u32>,
    },
    Sentiment(u8),
    Since(chrono::DateTime<chrono::Utc>),
    Before(chrono::DateTime<chrono::Utc>),
    Is(Flag),
    Any(Vec<Compiled>),
}

#[derive(Clone, Copy)]
enum Dimension {
    Tag,
    Source,
    Category,
    Lang,
}

const DRAFT: u8 = 1;
const PINNED: u8 = 2;
const MILLIS_PER_DAY: i64 = 86_400_000;

/// What the query runs against besides the index.
pub struct Context<'a> {
    /// The user's marks, by article index.
    pub marks: &'a [Marks],
    /// Drafts are hidden unless the settings or the query (`is:draft`) ask for them.
    pub show_drafts: bool,
    /// Finds the articles whose text holds words.
    pub text: &'a dyn TextSearch,
}

impl<'a> Context<'a> {
    /// The library's marks and text.
    pub fn of(library: &'a Library, show_drafts: bool) -> Context<'a> {
        Context {
            marks: library.all_marks(),
            show_drafts,
            text: library,
        }
    }
}

/// Full-text search: the articles (by index) whose text holds `words` in `scope`, `None` when
/// the words hold nothing searchable.
pub trait TextSearch {
    fn text_matches(&self, words: &str, scope: Scope) -> Result<Option<Vec<u32>>, String>;
}

impl TextSearch for Library {
    fn text_matches(&self, words: &str, scope: Scope) -> Result<Option<Vec<u32>>, String> {
        Library::text_matches(self, words, scope)
    }
}

/// The articles a query matched, and what went wrong looking up its words, if anything.
#[derive(Debug, Default)]
pub struct Searched {
    pub visible: Vec<u32>,
    pub errors: Vec<String>,
}

impl SearchIndex {
    /// Interning is a hash lookup per value, in article order so ids are stable.
    pub fn build(articles: &[Article]) -> SearchIndex {
        let mut tag_starts = Vec::with_capacity(articles.len() + 1);
        tag_starts.push(0);
        let mut index = SearchIndex {
            tag_ids: Vec::with_capacity(articles.len() * 4),
            tag_starts,
            sentiments: Vec::with_capacity(articles.len()),
            published: Vec::with_capacity(articles.len()),
            flags: Vec::with_capacity(articles.len()),
            sources: Vec::with_capacity(articles.len()),
            categories: Vec::with_capacity(articles.len()),
            langs: Vec::with_capacity(articles.len()),
            tag_names: Interner::default(),
            source_names: Interner::default(),
            category_names: Interner::default(),
            lang_names: Interner::default(),
            source_keys: Vec::new(),
        };
        for article in articles {
            index.intern(article);
        }
        index
    }

    /// How many articles the index covers.
    pub fn len(&self) -> usize {
        self.sentiments.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sentiments.is_empty()
    }

    fn intern(&mut self, article: &Article) {
        for tag in &article.tags {
            let id = self.tag_names.intern(tag);
            self.tag_ids.push(id);
        }
        let end = u32::try_from(self.tag_ids.len()).expect("fewer than 4 billion tags in all");
        self.tag_starts.push(end);
        self.sentiments.push(article.sentiment.index() as u8);
        self.published.push(
            article
                .published_at
                .map_or(i64::MIN, |at| at.timestamp_millis()),
        );
        self.flags
            .push((u8::from(article.draft) * DRAFT) | (u8::from(article.is_pinned()) * PINNED));
        let source = self.source_names.intern(&article.source.name);
        if self.source_keys.len() <= source as usize {
            self.source_keys
                .push(article.source.key.to_lowercase().to_string());
        }
        self.sources.push(source);
        self.categories.push(
            article
                .category
                .as_deref()
                .map_or(NONE, |c| self.category_names.intern(c)),
        );
        self.langs.push(
            article
                .lang
                .as_deref()
                .map_or(NONE, |l| self.lang_names.intern(l)),
        );
    }

    pub fn tag_name(&self, id: usize) -> &str {
        &self.tag_names.names[id]
    }

    pub fn source_name(&self, id: usize) -> &str {
        &self.source_names.names[id]
    }

    pub fn category_name(&self, id: usize) -> &str {
        &self.category_names.names[id]
    }

    pub fn lang_name(&self, id: usize) -> &str {
        &self.lang_names.names[id]
    }

    fn tags(&self, i: usize) -> &[u32] {
        &self.tag_ids[self.tag_starts[i] as usize..self.tag_starts[i + 1] as usize]
    }

    /// The sentiment of article `i`, as [`Sentiment::index`].
    pub fn sentiment(&self, i: usize) -> usize {
        self.sentiments[i] as usize
    }

    /// The day (UTC, counted from 1970-01-01) article `i` was published, if known.
    pub fn day(&self, i: usize) -> Option<i64> {
        let millis = self.published[i];
        (millis != i64::MIN).then(|| millis.div_euclid(MILLIS_PER_DAY))
    }

    /// The articles of `candidates` (in their order) that match `query`. Both cores share the
    /// work; the order of the result is the order of `candidates`.
    pub fn search(&self, query: &Query, context: &Context<'_>, candidates: &[u32]) -> Searched {
        let mut errors = Vec::new();
        let compiled: Vec<(bool, Compiled)> = query
            .terms
            .iter()
            .map(|term| {
                (
                    term.negated,
                    self.compile(&term.filter, context, &mut errors),
                )
            })
            .collect();
        let show_drafts = context.show_drafts || query.wants_drafts();
        let marks = context.marks;
        let visible = candidates
            .par_iter()
            .with_min_len(4096)
            .copied()
            .filter(|&index| {
                let i = index as usize;
                (show_drafts || self.flags[i] & DRAFT == 0)
                    && compiled
                        .iter()
                        .all(|(negated, term)| self.matches(term, i, marks) != *negated)
            })
            .collect();
        Searched { visible, errors }
    }

    /// Looks words up in the text index, once for the whole query.
    fn text(
        &self,
        words: &str,
        scope: Scope,
        context: &Context<'_>,
        errors: &mut Vec<String>,
    ) -> Compiled {
        match context.text.text_matches(words, scope) {
            Ok(Some(found)) => {
                let mut matches = vec![false; self.len()];
                for index in found {
                    if let Some(slot) = matches.get_mut(index as usize) {
                        *slot = true;
                    }
                }
                Compiled::Matches(matches)
            }
            Ok(None) => Compiled::Everything,
            Err(error) => {
                errors.push(format!("cannot search the text for {words:?}: {error}"));
                Compiled::Matches(Vec::new())
            }
        }
    }

    fn compile(
        &self,
        filter: &Filter,
        context: &Context<'_>,
        errors: &mut Vec<String>,
    ) -> Compiled {
        let exact = |names: &Interner, value: &str| -> Vec<u32> {
            names
                .names
                .iter()
                .enumerate()
                .filter(|(_, name)| name.to_lowercase() == value.to_lowercase())
                .map(|(id, _)| id as u32)
                .collect()
        };
        match filter {
            Filter::Text(words) => self.text(words, Scope::Everywhere, context, errors),
            Filter::Title(words) => self.text(words, Scope::Title, context, errors),
            Filter::Tag(tag) => Compiled::Ids {
                of: Dimension::Tag,
                ids: exact(&self.tag_names, tag),
            },
            Filter::Source(source) => Compiled::Ids {
                of: Dimension::Source,
                ids: (0..self.source_keys.len() as u32)
                    .filter(|&id| {
                        self.source_keys[id as usize] == *source
                            || self.source_names.names[id as usize].to_lowercase() == *source
                    })
                    .collect(),
            },
            Filter::Category(category) => Compiled::Ids {
                of: Dimension::Category,
                ids: exact(&self.category_names, category),
            },
            Filter::Lang(lang) => Compiled::Ids {
                of: Dimension::Lang,
                ids: exact(&self.lang_names, lang),
            },
            Filter::Sentiment(sentiments) => Compiled::Sentiment(
                sentiments
                    .iter()
                    .fold(0, |mask, sentiment| mask | 1 << sentiment.index()),
            ),
            Filter::Since(when) => Compiled::Since(*when),
            Filter::Before(when) => Compiled::Before(*when),
            Filter::Is(flag) => Compiled::Is(*flag),
            Filter::Any(filters) => Compiled::Any(
                filters
                    .iter()
                    .map(|filter| self.compile(filter, context, errors))
                    .collect(),
            ),
        }
    }

    fn matches(&self, term: &Compiled, i: usize, marks: &[Marks]) -> bool {
        match term {
            Compiled::Matches(matches) => matches.get(i).copied().unwrap_or(false),
            Compiled::Everything => true,
            Compiled::Ids { of, ids } => match of {
                Dimension::Tag => self.tags(i).iter().any(|tag| ids.contains(tag)),
                Dimension::Source => ids.contains(&self.sources[i]),
                Dimension::Category => ids.contains(&self.categories[i]),
                Dimension::Lang => ids.contains(&self.langs[i]),
            },
            Compiled::Sentiment(mask) => mask & (1 << self.sentiments[i]) != 0,
            Compiled::Since(when) => {
                self.published[i] != i64::MIN && self.published[i] >= when.timestamp_millis()
            }
            Compiled::Before(when) => {
                self.published[i] != i64::MIN && self.published[i] < when.timestamp_millis()
            }
            Compiled::Is(flag) => match flag {
                Flag::Unread => !marks[i].read,
                Flag::Read => marks[i].read,
                Flag::Starred => marks[i].starred,
                Flag::Draft => self.flags[i] & DRAFT != 0,
                Flag::Pinned => self.flags[i] & PINNED != 0,
            },
            Compiled::Any(terms) => terms.iter().any(|term| self.matches(term, i, marks)),
        }
    }

    /// Counts per sentiment, tag, source, category and language of `indices`, on both cores.
    pub fn facets(&self, indices: &[u32]) -> Facets {
        let empty = || Facets {
            total: 0,
            sentiment: [0; 4],
            tags: vec![0; self.tag_names.names.len()],
            sources: vec![0; self.source_names.names.len()],
            categories: vec![0; self.category_names.names.len()],
            langs: vec![0; self.lang_names.names.len()],
        };
        let mut facets = indices
            .par_chunks(16_384)
            .map(|chunk| {
                let mut facets = empty();
                for &index in chunk {
                    let i = index as usize;
                    facets.sentiment[self.sentiments[i] as usize] += 1;
                    for &tag in self.tags(i) {
                        facets.tags[tag as usize] += 1;
                    }
                    facets.sources[self.sources[i] as usize] += 1;
                    if let Some(count) = facets.categories.get_mut(self.categories[i] as usize) {
                        *count += 1;
                    }
                    if let Some(count) = facets.langs.get_mut(self.langs[i] as usize) {
                        *count += 1;
                    }
                }
                facets
            })
            .reduce(empty, |mut a, b| {
                for (x, y) in a.sentiment.iter_mut().zip(b.sentiment) {
                    *x += y;
                }
                for (into, from) in [
                    (&mut a.tags, &b.tags),
                    (&mut a.sources, &b.sources),
                    (&mut a.categories, &b.categories),
                    (&mut a.langs, &b.langs),
                ] {
                    for (x, y) in into.iter_mut().zip(from) {
                        *x += y;
                    }
                }
                a
            });
        facets.total = indices.len();
        facets
    }
}
/// What a query without terms matches, without needing an index: the `candidates` (in their
/// order) that are not drafts, unless drafts are shown.
pub fn without_drafts(articles: &[Article], candidates: &[u32], show_drafts: bool) -> Vec<u32> {
    candidates
        .iter()
        .copied()
        .filter(|&i| show_drafts || !articles[i as usize].draft)
        .collect()
}

impl Facets {
    pub fn sentiment_count(&self, sentiment: Sentiment) -> usize {
        self.sentiment[sentiment.index()]
    }

    /// `(id, count)` of the non-zero entries, most frequent first, ties by id.
    pub fn ranked(counts: &[usize]) -> Vec<(usize, usize)> {
        let mut ranked: Vec<(usize, usize)> = counts
            .iter()
            .copied()
            .enumerate()
            .filter(|&(_, count)| count > 0)
            .collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked
    }
}
