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
    haystacks: Vec<Box<str>>,
    tags: Vec<Box<[u32]>>,
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
    Text(&'q str),
    Ids { of: Dimension, ids: Vec<u32> },
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

/// What the query runs against besides the articles themselves.
pub struct Context<'a> {
    pub articles: &'a [Article],
    pub marks: &'a dyn Fn(usize) -> Marks,
    /// Drafts are hidden unless the settings or the query (`is:draft`) ask for them.
    pub show_drafts: bool,
}

impl SearchIndex {
    pub fn build(articles: &[Article]) -> SearchIndex {
        // Lower-casing every text is most of the work and parallel; interning is a hash lookup
        // per value and runs beside it, in article order so ids are stable.
        let (haystacks, mut index) = rayon::join(
            || {
                articles
                    .par_iter()
                    .with_min_len(512)
                    .map_init(String::new, |haystack, article| {
                        build_haystack(haystack, article);
                        Box::<str>::from(haystack.as_str())
                    })
                    .collect()
            },
            || {
                let mut index = SearchIndex {
                    haystacks: Vec::new(),
                    tags: Vec::with_capacity(articles.len()),
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
            },
        );
        index.haystacks = haystacks;
        index
    }

    fn intern(&mut self, article: &Article) {
        self.tags.push(
            article
                .tags
                .iter()
                .map(|tag| self.tag_names.intern(tag))
                .collect(),
        );
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

    /// The articles of `candidates` (in their order) that match `query`.
    pub fn search(&self, query: &Query, context: &Context<'_>, candidates: &[u32]) -> Vec<u32> {
        let compiled: Vec<(bool, Compiled<'_>)> = query
            .terms
            .iter()
            .map(|term| (term.negated, self.compile(&term.filter)))
            .collect();
        let show_drafts = context.show_drafts || query.wants_drafts();
        candidates
            .iter()
            .copied()
            .filter(|&index| {
                let i = index as usize;
                (show_drafts || !context.articles[i].draft)
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
            Filter::Text(text) => Compiled::Text(text),
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
        let article = &context.articles[i];
        match term {
            Compiled::Text(text) => self.haystacks[i].contains(text),
            Compiled::Ids { of, ids } => match of {
                Dimension::Tag => self.tags[i].iter().any(|tag| ids.contains(tag)),
                Dimension::Source => ids.contains(&self.sources[i]),
                Dimension::Category => ids.contains(&self.categories[i]),
                Dimension::Lang => ids.contains(&self.langs[i]),
            },
            Compiled::Sentiment(mask) => mask & (1 << article.sentiment.index()) != 0,
            Compiled::Since(when) => article.published_at.is_some_and(|at| at >= *when),
            Compiled::Before(when) => article.published_at.is_some_and(|at| at < *when),
            Compiled::Is(flag) => match flag {
                Flag::Unread => !(context.marks)(i).read,
                Flag::Read => (context.marks)(i).read,
                Flag::Starred => (context.marks)(i).starred,
                Flag::Draft => article.draft,
                Flag::Pinned => article.is_pinned(),
            },
            Compiled::Any(terms) => terms.iter().any(|term| self.matches(term, i, context)),
        }
    }

    pub fn facets(&self, articles: &[Article], indices: &[u32]) -> Facets {
        let mut facets = Facets {
            total: indices.len(),
            sentiment: [0; 4],
            tags: vec![0; self.tag_names.names.len()],
            sources: vec![0; self.source_names.names.len()],
            categories: vec![0; self.category_names.names.len()],
            langs: vec![0; self.lang_names.names.len()],
        };
        for &index in indices {
            let i = index as usize;
            facets.sentiment[articles[i].sentiment.index()] += 1;
            for &tag in self.tags[i].iter() {
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
    }
}

/// The article's searchable fields, lower-cased, each after a separator no query can contain so
/// that words of two fields never join.
fn build_haystack(haystack: &mut String, article: &Article) {
    haystack.clear();
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
