//! Queries and counts over the library's columns: names turned into ids once per query, then
//! each keystroke filters and counts with plain comparisons and array bumps. Words are looked up
//! in the library's full-text index on disk, once per query, not per article.

use std::sync::Arc;

use rayon::prelude::*;

use crate::article::Sentiment;
use crate::library::columns::{DRAFT, PINNED};
use crate::library::stories::Preference;
use crate::library::{Columns, Dimension, Library, Marks, Scope};

use super::query::{
    Expr, Filter, Flag, NumberRange, Query, QueryError, QueryErrorKind, TitlePattern,
};

/// Facet counts for one result set; ids index the names in the [`Columns`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facets {
    pub total: usize,
    pub sentiment: [usize; 4],
    /// By [`Dimension::index`], then by value id.
    pub values: [Vec<usize>; 4],
    /// Each saved search, in name order: how many of the results it matches.
    pub saved: Vec<SavedCount>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SavedCount {
    pub name: String,
    pub total: usize,
    pub unread: usize,
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
    /// Published in `from..until`, in milliseconds.
    Date {
        from: i64,
        until: i64,
    },
    DateUnknown,
    Number {
        of: Number,
        range: NumberRange,
    },
    Is(Flag),
    Not(Box<Self>),
    All(Vec<Self>),
    Any(Vec<Self>),
}

#[derive(Clone, Copy)]
enum Number {
    Score,
    Sticky,
}

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
    pub fn of(library: &'a Library, show_drafts: bool) -> Self {
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
    fn text_matches(&self, words: &str, scope: Scope) -> Result<Option<Arc<[u32]>>, String>;
    /// The articles whose title `pattern` matches.
    fn title_pattern_matches(&self, pattern: &regex::Regex) -> Result<Vec<u32>, String>;
}

impl TextSearch for Library {
    fn text_matches(&self, words: &str, scope: Scope) -> Result<Option<Arc<[u32]>>, String> {
        Self::text_matches(self, words, scope)
    }

    fn title_pattern_matches(&self, pattern: &regex::Regex) -> Result<Vec<u32>, String> {
        Self::title_pattern_matches(self, pattern)
    }
}

/// The articles a query matched, and what went wrong looking up its words, if anything.
#[derive(Debug, Default)]
pub struct Searched {
    pub visible: Vec<u32>,
    pub errors: Vec<QueryError>,
    /// Articles with no date that a date range kept out, though the rest of the query matched
    /// them (`date:unknown` finds them).
    pub undated_left_out: usize,
    /// Drafts the query matched but were not listed (neither the settings nor the query ask for
    /// drafts), in the order of the candidates.
    pub drafts_left_out: Vec<u32>,
}

impl Columns {
    /// The day (UTC, counted from 1970-01-01) article `i` was published, if known.
    pub fn day(&self, i: usize) -> Option<i64> {
        day_of(self.published[i])
    }

    /// The articles of `candidates` (in their order) that match `query`. Both cores share the
    /// work; the order of the result is the order of `candidates`.
    pub fn search(&self, query: &Query, context: &Context<'_>, candidates: &[u32]) -> Searched {
        let mut errors = Vec::new();
        let compiled = self.compile(&query.expr, context, &mut errors);
        let show_drafts = context.show_drafts || query.wants_drafts();
        let marks = context.marks;
        let flags: &[u8] = &self.flags;
        let shown = |i: usize| show_drafts || flags[i] & DRAFT == 0;
        let visible = candidates
            .par_iter()
            .with_min_len(4096)
            .copied()
            .filter(|&index| {
                let i = index as usize;
                shown(i) && self.matches(&compiled, i, marks, false)
            })
            .collect();
        let undated_left_out = if query.expr.has_date_range() {
            candidates
                .par_iter()
                .with_min_len(4096)
                .filter(|&&index| {
                    let i = index as usize;
                    self.published[i] == i64::MIN
                        && shown(i)
                        && self.matches(&compiled, i, marks, true)
                        && !self.matches(&compiled, i, marks, false)
                })
                .count()
        } else {
            0
        };
        let drafts_left_out = if show_drafts {
            Vec::new()
        } else {
            candidates
                .par_iter()
                .with_min_len(4096)
                .copied()
                .filter(|&index| {
                    let i = index as usize;
                    self.flags[i] & DRAFT != 0 && self.matches(&compiled, i, marks, false)
                })
                .collect()
        };
        Searched {
            visible,
            errors,
            undated_left_out,
            drafts_left_out,
        }
    }

    /// Looks words up in the text index, once for the whole query.
    fn text(
        &self,
        words: &str,
        scope: Scope,
        context: &Context<'_>,
        errors: &mut Vec<QueryError>,
    ) -> Compiled {
        match context.text.text_matches(words, scope) {
            Ok(Some(found)) => self.found(&found),
            Ok(None) => Compiled::Everything,
            Err(reason) => Self::not_searched(words, reason, errors),
        }
    }

    /// Asks the text index for the titles `pattern` matches, once for the whole query.
    fn title_pattern(
        &self,
        pattern: &TitlePattern,
        context: &Context<'_>,
        errors: &mut Vec<QueryError>,
    ) -> Compiled {
        match context.text.title_pattern_matches(pattern.regex()) {
            Ok(found) => self.found(&found),
            Err(reason) => Self::not_searched(pattern.regex().as_str(), reason, errors),
        }
    }

    fn found(&self, found: &[u32]) -> Compiled {
        let mut matches = vec![false; self.len()];
        for &index in found {
            if let Some(slot) = matches.get_mut(index as usize) {
                *slot = true;
            }
        }
        Compiled::Matches(matches)
    }

    /// What the text index could not answer matches nothing, and says why.
    fn not_searched(words: &str, reason: String, errors: &mut Vec<QueryError>) -> Compiled {
        errors.push(QueryError {
            span: None,
            kind: QueryErrorKind::Search {
                words: words.to_owned(),
                reason,
            },
        });
        Compiled::Matches(Vec::new())
    }

    fn compile(
        &self,
        expr: &Expr,
        context: &Context<'_>,
        errors: &mut Vec<QueryError>,
    ) -> Compiled {
        let filter = match expr {
            Expr::Filter(filter) => filter,
            Expr::Saved(_, inner) => return self.compile(inner, context, errors),
            Expr::Not(inner) => {
                return Compiled::Not(Box::new(self.compile(inner, context, errors)));
            }
            Expr::All(items) => {
                return Compiled::All(
                    items
                        .iter()
                        .map(|item| self.compile(item, context, errors))
                        .collect(),
                );
            }
            Expr::Any(items) => {
                return Compiled::Any(
                    items
                        .iter()
                        .map(|item| self.compile(item, context, errors))
                        .collect(),
                );
            }
        };
        let exact = |dimension: Dimension, value: &str| -> Vec<u32> {
            self.names(dimension)
                .iter()
                .enumerate()
                .filter(|(_, name)| name.to_lowercase() == value.to_lowercase())
                .map(|(id, _)| id as u32)
                .collect()
        };
        let millis = |at: &Option<chrono::DateTime<chrono::Utc>>, open: i64| {
            at.map_or(open, |at| at.timestamp_millis())
        };
        match filter {
            Filter::Text(words) => self.text(words, Scope::Everywhere, context, errors),
            Filter::Title(words) => self.text(words, Scope::Title, context, errors),
            Filter::Author(words) => self.text(words, Scope::Author, context, errors),
            Filter::TitlePattern(pattern) => self.title_pattern(pattern, context, errors),
            Filter::Tag(tag) => Compiled::Ids {
                of: Dimension::Tag,
                ids: exact(Dimension::Tag, tag),
            },
            Filter::Source(source) => {
                let source = source.to_lowercase();
                Compiled::Ids {
                    of: Dimension::Source,
                    ids: (0..self.source_keys.len() as u32)
                        .filter(|&id| {
                            self.source_keys[id as usize] == source
                                || self.name(Dimension::Source, id as usize).to_lowercase()
                                    == source
                        })
                        .collect(),
                }
            }
            Filter::Category(category) => Compiled::Ids {
                of: Dimension::Category,
                ids: exact(Dimension::Category, category),
            },
            Filter::Lang(lang) => Compiled::Ids {
                of: Dimension::Lang,
                ids: exact(Dimension::Lang, lang),
            },
            Filter::Sentiment(sentiments) => Compiled::Sentiment(
                sentiments
                    .iter()
                    .fold(0, |mask, sentiment| mask | 1 << sentiment.index()),
            ),
            Filter::Date { from, until } => Compiled::Date {
                from: millis(from, i64::MIN + 1),
                until: millis(until, i64::MAX),
            },
            Filter::DateUnknown => Compiled::DateUnknown,
            Filter::Score(range) => Compiled::Number {
                of: Number::Score,
                range: *range,
            },
            Filter::Sticky(range) => Compiled::Number {
                of: Number::Sticky,
                range: *range,
            },
            Filter::Is(flag) => Compiled::Is(*flag),
        }
    }

    /// Whether article `i` matches `term`; an article with no date matches a date range only
    /// when `undated_pass` (to count what date ranges kept out).
    fn matches(&self, term: &Compiled, i: usize, marks: &[Marks], undated_pass: bool) -> bool {
        match term {
            Compiled::Matches(matches) => matches.get(i).copied().unwrap_or(false),
            Compiled::Everything => true,
            Compiled::Ids { of, ids } => self.values(*of, i).iter().any(|id| ids.contains(id)),
            Compiled::Sentiment(mask) => mask & (1 << self.sentiments[i]) != 0,
            Compiled::Date { from, until } => {
                let published = self.published[i];
                if published == i64::MIN {
                    undated_pass
                } else {
                    (*from..*until).contains(&published)
                }
            }
            Compiled::DateUnknown => self.published[i] == i64::MIN,
            Compiled::Number { of, range } => range.contains(match of {
                Number::Score => self.scores[i],
                Number::Sticky => self.sticky[i],
            }),
            Compiled::Is(flag) => match flag {
                Flag::Unread => !marks[i].read,
                Flag::Read => marks[i].read,
                Flag::Starred => marks[i].starred,
                Flag::Draft => self.flags[i] & DRAFT != 0,
                Flag::Pinned => self.flags[i] & PINNED != 0,
            },
            Compiled::Not(inner) => !self.matches(inner, i, marks, undated_pass),
            Compiled::All(terms) => terms
                .iter()
                .all(|term| self.matches(term, i, marks, undated_pass)),
            Compiled::Any(terms) => terms
                .iter()
                .any(|term| self.matches(term, i, marks, undated_pass)),
        }
    }
}

/// The day (since the epoch) of a publication time in milliseconds, if it is known.
pub const fn day_of(millis: i64) -> Option<i64> {
    if millis == i64::MIN {
        None
    } else {
        Some(millis.div_euclid(MILLIS_PER_DAY))
    }
}

/// `visible` with one row per story, in the preferred language; every version when the query
/// picks languages (`lang:uk`). The reader and the commands list the same rows.
pub fn one_row_per_story(
    library: &Library,
    query: &Query,
    visible: Vec<u32>,
    preference: &Preference,
) -> Vec<u32> {
    if query.picks_languages() {
        visible
    } else {
        library
            .stories()
            .one_each(library.columns(), &visible, preference)
    }
}

/// What a query without terms matches: the `candidates` (in their order) that are not drafts,
/// unless drafts are shown.
pub fn without_drafts(columns: &Columns, candidates: &[u32], show_drafts: bool) -> Vec<u32> {
    candidates
        .iter()
        .copied()
        .filter(|&i| show_drafts || !columns.is_draft(i as usize))
        .collect()
}

impl Facets {
    pub const fn sentiment_count(&self, sentiment: Sentiment) -> usize {
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
