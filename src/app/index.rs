//! The in-memory search index: lower-cased text and interned facet values per article, built once
//! per library so that each keystroke filters and counts with plain comparisons and array bumps.

use rayon::prelude::*;

use crate::article::{Article, Sentiment};
use crate::library::Marks;

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
    /// Every article's searchable text, lower-cased, one after another in a buffer per
    /// [`TEXT_CHUNK`] articles (a string per article would cost an allocation each and memory
    /// besides; one buffer for all could not be filled in parallel).
    text: Vec<String>,
    /// Where each article's text ends in its chunk's buffer; it starts where the previous one's
    /// ends, or at 0 for the first of a chunk.
    text_ends: Vec<usize>,
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
enum Compiled<'q> {
    /// A vectorised substring search, set up once per query.
    Text(Box<memchr::memmem::Finder<'q>>),
    Ids {
        of: Dimension,
        ids: Vec<u32>,
    },
    Sentiment(u8),
    Since(chrono::DateTime<chrono::Utc>),
    Before(chrono::DateTime<chrono::Utc>),
    Is(Flag),
    Any(Vec<Compiled<'q>>),
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
}

impl SearchIndex {
    /// The whole index. Lower-casing every text is most of the work and parallel; interning is
    /// a hash lookup per value and runs beside it, in article order so ids are stable.
    pub fn build(articles: &[Article]) -> SearchIndex {
        let ((text, text_ends), mut index) =
            rayon::join(|| haystacks(articles), || columns(articles));
        index.text = text;
        index.text_ends = text_ends;
        index
    }

    /// Everything but the lower-cased text: enough to list, filter by field and count, at a
    /// fraction of the cost, so a first screen need not wait for [`SearchIndex::add_text`].
    pub fn build_without_text(articles: &[Article]) -> SearchIndex {
        columns(articles)
    }

    /// How many articles the index covers.
    pub fn len(&self) -> usize {
        self.sentiments.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sentiments.is_empty()
    }

    /// Whether word and phrase terms can be searched.
    pub fn has_text(&self) -> bool {
        self.text_ends.len() == self.sentiments.len()
    }

    pub fn add_text(&mut self, articles: &[Article]) {
        if !self.has_text() {
            (self.text, self.text_ends) = haystacks(articles);
        }
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

    fn haystack(&self, i: usize) -> Option<&str> {
        let end = *self.text_ends.get(i)?;
        let start = if i % TEXT_CHUNK == 0 {
            0
        } else {
            self.text_ends[i - 1]
        };
        Some(&self.text[i / TEXT_CHUNK][start..end])
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
    pub fn search(&self, query: &Query, context: &Context<'_>, candidates: &[u32]) -> Vec<u32> {
        let compiled: Vec<(bool, Compiled<'_>)> = query
            .terms
            .iter()
            .map(|term| (term.negated, self.compile(&term.filter)))
            .collect();
        let show_drafts = context.show_drafts || query.wants_drafts();
        candidates
            .par_iter()
            .with_min_len(4096)
            .copied()
            .filter(|&index| {
                let i = index as usize;
                (show_drafts || self.flags[i] & DRAFT == 0)
                    && compiled
                        .iter()
                        .all(|(negated, term)| self.matches(term, i, context) != *negated)
            })
            .collect()
    }

    fn compile<'q>(&self, filter: &'q Filter) -> Compiled<'q> {
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
            Filter::Text(text) => {
                Compiled::Text(Box::new(memchr::memmem::Finder::new(text.as_bytes())))
            }
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
            Filter::Any(filters) => {
                Compiled::Any(filters.iter().map(|filter| self.compile(filter)).collect())
            }
        }
    }

    fn matches(&self, term: &Compiled<'_>, i: usize, context: &Context<'_>) -> bool {
        match term {
            // Without text (see `has_text`) no word matches: callers add it before searching.
            Compiled::Text(finder) => self
                .haystack(i)
                .is_some_and(|haystack| finder.find(haystack.as_bytes()).is_some()),
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
                Flag::Unread => !context.marks[i].read,
                Flag::Read => context.marks[i].read,
                Flag::Starred => context.marks[i].starred,
                Flag::Draft => self.flags[i] & DRAFT != 0,
                Flag::Pinned => self.flags[i] & PINNED != 0,
            },
            Compiled::Any(terms) => terms.iter().any(|term| self.matches(term, i, context)),
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
/// Articles per text buffer.
const TEXT_CHUNK: usize = 4096;

/// What a query without terms matches, without needing an index: the `candidates` (in their
/// order) that are not drafts, unless drafts are shown.
pub fn without_drafts(articles: &[Article], candidates: &[u32], show_drafts: bool) -> Vec<u32> {
    candidates
        .iter()
        .copied()
        .filter(|&i| show_drafts || !articles[i as usize].draft)
        .collect()
}

/// The lower-cased text of every article, a buffer per [`TEXT_CHUNK`] articles filled in
/// parallel, and where each article's text ends in its buffer. Each buffer is sized up front, so
/// it is allocated once.
fn haystacks(articles: &[Article]) -> (Vec<String>, Vec<usize>) {
    let chunks: Vec<(String, Vec<usize>)> = articles
        .par_chunks(TEXT_CHUNK)
        .map(|chunk| {
            let size: usize = chunk
                .iter()
                .map(|article| {
                    let fields = article.title.len()
                        + article.description.len()
                        + article.source.name.len()
                        + article.source.key.len()
                        + article.category.as_ref().map_or(0, |c| c.len());
                    let tags: usize = article.tags.iter().map(|tag| tag.len() + 1).sum();
                    fields + tags + 5
                })
                .sum();
            let mut text = String::with_capacity(size);
            let mut ends = Vec::with_capacity(chunk.len());
            for article in chunk {
                push_haystack(&mut text, article);
                ends.push(text.len());
            }
            (text, ends)
        })
        .collect();
    let mut texts = Vec::with_capacity(chunks.len());
    let mut ends = Vec::with_capacity(articles.len());
    for (text, chunk_ends) in chunks {
        texts.push(text);
        ends.extend(chunk_ends);
    }
    (texts, ends)
}

/// The index without its text: interned facet values and per-article columns.
fn columns(articles: &[Article]) -> SearchIndex {
    let mut tag_starts = Vec::with_capacity(articles.len() + 1);
    tag_starts.push(0);
    let mut index = SearchIndex {
        text: Vec::new(),
        text_ends: Vec::new(),
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

/// The article's searchable fields, lower-cased, each after a separator no query can contain so
/// that words of two fields never join.
fn push_haystack(haystack: &mut String, article: &Article) {
    for part in [
        article.title.as_str(),
        article.description.as_str(),
        article.source.name.as_str(),
        article.source.key.as_str(),
        article.category.as_deref().unwrap_or(""),
    ]
    .into_iter()
    .chain(article.tags.iter().map(|tag| tag.as_str()))
    {
        haystack.push('\u{1f}');
        push_lowercase(haystack, part);
    }
}

/// Appends `text` lower-cased as `char::to_lowercase` does it, with shortcuts for runs of ASCII
/// and for the Cyrillic and punctuation blocks that most non-ASCII text here is made of.
fn push_lowercase(out: &mut String, text: &str) {
    let mut rest = text;
    loop {
        let ascii = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        let from = out.len();
        out.push_str(&rest[..ascii]);
        out[from..].make_ascii_lowercase();
        // At a character that is not ASCII, or the end: go char by char to the next ASCII one.
        let mut chars = rest[ascii..].chars();
        loop {
            let here = chars.as_str();
            match chars.next() {
                None => return,
                Some(c) if c.is_ascii() => {
                    rest = here;
                    break;
                }
                Some(c @ '\u{400}'..='\u{40f}') => out.push(shifted(c, 0x50)),
                Some(c @ '\u{410}'..='\u{42f}') => out.push(shifted(c, 0x20)),
                Some(c @ ('\u{430}'..='\u{45f}' | '\u{2000}'..='\u{206f}')) => out.push(c),
                Some(c) => out.extend(c.to_lowercase()),
            }
        }
    }
}

fn shifted(c: char, by: u32) -> char {
    char::from_u32(c as u32 + by).unwrap_or(c)
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

#[cfg(test)]
mod lowercase_tests {
    use super::push_lowercase;

    #[test]
    fn shortcuts_lower_case_like_char_to_lowercase() {
        let mut every = String::new();
        for c in ('\u{0}'..='\u{2fff}').chain(['İ', 'Σ', 'ẞ', '😀']) {
            every.push(c);
        }
        let text = format!("Bitcoin ТЕСТ Їжак — ҐРУНТ… {every} ÉCOLE end");
        let mut fast = String::new();
        push_lowercase(&mut fast, &text);
        let slow: String = text.chars().flat_map(char::to_lowercase).collect();
        assert_eq!(fast, slow);
    }
}

#[cfg(test)]
mod search_tests {
    use super::*;
    use crate::app::Query;
    use crate::article::{ArticleId, Source};
    use chrono::Utc;

    fn article(n: usize) -> Article {
        Article {
            id: ArticleId(format!("a/{n}").into()),
            path: format!("{n}.md"),
            title: format!("Headline number{n} ÜBER"),
            description: String::new(),
            published_at: None,
            updated_at: None,
            lang: None,
            external_id: None,
            source: Source::default(),
            category: None,
            tags: vec![format!("T{}", n % 3).into()],
            sticky_weight: 0.0,
            sentiment: Sentiment::ALL[n % 4],
            score: 0.0,
            draft: false,
            ai: None,
        }
    }

    #[test]
    fn text_is_found_on_both_sides_of_every_buffer_boundary() {
        let articles: Vec<Article> = (0..3 * TEXT_CHUNK + 5).map(article).collect();
        let mut index = SearchIndex::build_without_text(&articles);
        assert!(!index.has_text());
        index.add_text(&articles);
        assert!(index.has_text());
        let all: Vec<u32> = (0..articles.len() as u32).collect();
        let context = Context {
            marks: &vec![Marks::default(); articles.len()],
            show_drafts: false,
        };
        for n in [
            0,
            TEXT_CHUNK - 1,
            TEXT_CHUNK,
            2 * TEXT_CHUNK,
            3 * TEXT_CHUNK + 4,
        ] {
            let query = Query::parse(&format!("\"number{n} über\""), Utc::now());
            assert_eq!(index.search(&query, &context, &all), [n as u32], "{n}");
        }
        let facets = index.facets(&all);
        assert_eq!(facets.total, articles.len());
        assert_eq!(facets.sentiment.iter().sum::<usize>(), articles.len());
        assert_eq!(facets.tags.iter().sum::<usize>(), articles.len());
    }
}
