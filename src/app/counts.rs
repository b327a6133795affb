//! The sidebar's counts and the timeline's days as sums over rows: the counts of a result set
//! are those of the last one counted, plus what came in, less what went. A key typed in `/`
//! changes a million headlines by a few thousand, or leaves a few thousand of them: either way
//! far fewer rows are read than counting the result afresh.

use chrono::{DateTime, Utc};
use rayon::prelude::*;

use crate::library::stories::Stories;
use crate::library::{Columns, Dimension};

use super::index::{Facets, day_of};
use super::sidebar::{TIMELINE_DAYS, Timeline, horizon};

/// A set of the library's rows, a bit each: cheap to build from a result, to compare with
/// another and to walk in index order, in which the columns are read front to back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rows {
    words: Vec<u64>,
    len: usize,
}

impl Rows {
    /// The rows `indices` (distinct, each below `rows`) of a library of `rows` rows.
    pub fn of(indices: &[u32], rows: usize) -> Self {
        let mut words = vec![0u64; rows.div_ceil(64)];
        let mut len = 0;
        for &index in indices {
            if let Some(word) = words.get_mut(index as usize / 64) {
                let bit = 1 << (index % 64);
                len += usize::from(*word & bit == 0);
                *word |= bit;
            }
        }
        Self { words, len }
    }

    pub const fn len(&self) -> usize {
        self.len
    }

    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The rows of `self` that are not in `other`, a set over as many rows.
    pub fn without(&self, other: &Self) -> Self {
        let words: Vec<u64> = self
            .words
            .iter()
            .zip(other.words.iter().chain(std::iter::repeat(&0)))
            .map(|(&a, &b)| a & !b)
            .collect();
        let len = words.iter().map(|w| w.count_ones() as usize).sum();
        Self { words, len }
    }

    /// The rows in ascending order.
    pub fn ascending(&self) -> Vec<u32> {
        let mut rows = Vec::with_capacity(self.len);
        for_each_row(&self.words, 0, |row| rows.push(row as u32));
        rows
    }

    /// Whether this is a set over `rows` rows.
    const fn spans(&self, rows: usize) -> bool {
        self.words.len() == rows.div_ceil(64)
    }
}

/// Calls `f` with each row set in `words`, the first of which holds row `first_word * 64`.
fn for_each_row(words: &[u64], first_word: usize, mut f: impl FnMut(usize)) {
    for (at, &word) in words.iter().enumerate() {
        let base = (first_word + at) * 64;
        let mut bits = word;
        while bits != 0 {
            f(base + bits.trailing_zeros() as usize);
            bits &= bits - 1;
        }
    }
}

/// Days kept per sentiment, back from a horizon: enough for the timeline of a library whose
/// newest article is up to this many days, less [`TIMELINE_DAYS`], old.
const DAYS_KEPT: usize = 1024;

/// Articles per day and sentiment over the [`DAYS_KEPT`] days up to a horizon (the day after
/// "now"): what a [`Timeline`] is drawn from, and sums like the other counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Days {
    /// The newest day kept, since the epoch.
    horizon: i64,
    /// Newest first: `counts[back]` is the day `horizon - back`.
    counts: Vec<[u32; 4]>,
    /// Dated up to the horizon, but older than the days kept.
    older: u32,
}

impl Days {
    fn new(horizon: i64) -> Self {
        Self {
            horizon,
            counts: vec![[0; 4]; DAYS_KEPT],
            older: 0,
        }
    }

    /// Counts an article published at `millis` (or [`i64::MIN`]: undated) with `sentiment`.
    fn count(&mut self, millis: i64, sentiment: u8) {
        let Some(day) = day_of(millis) else {
            return;
        };
        // Articles dated after the horizon are not on the timeline.
        if let Ok(back) = usize::try_from(self.horizon - day) {
            match self.counts.get_mut(back) {
                Some(counts) => counts[usize::from(sentiment & 3)] += 1,
                None => self.older += 1,
            }
        }
    }

    /// The timeline of the [`TIMELINE_DAYS`] up to the newest day counted, or `None` when that
    /// day is too old for the days kept.
    pub fn timeline(&self) -> Option<Timeline> {
        let Some(newest) = self.counts.iter().position(|day| day != &[0; 4]) else {
            return (self.older == 0).then(Timeline::default);
        };
        let shown = self.counts.get(newest..newest + TIMELINE_DAYS)?;
        let last = self.horizon - newest as i64;
        Some(Timeline {
            last_day: chrono::DateTime::from_timestamp(last * 86_400, 0).map(|at| at.date_naive()),
            days: shown.iter().rev().copied().collect(),
        })
    }
}

/// The counts that are sums over rows: the facets (all but the saved searches) and the days.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    pub facets: Facets,
    pub days: Option<Days>,
}

impl Tally {
    /// Nothing counted, for the names and the days (if a horizon is given) of `columns`.
    fn empty(columns: &Columns, horizon: Option<i64>) -> Self {
        Self {
            facets: Facets {
                total: 0,
                sentiment: [0; 4],
                values: Dimension::ALL.map(|dimension| vec![0; columns.names(dimension).len()]),
                saved: Vec::new(),
            },
            days: horizon.map(Days::new),
        }
    }

    /// Adds (or with `subtract`, takes away) `other`'s counts, counted from the same library
    /// and horizon.
    fn combine(&mut self, other: &Self, subtract: bool) {
        // Only rows counted into `self` are taken away: saturating never loses a count.
        let apply = |x: usize, y: usize| {
            if subtract { x.saturating_sub(y) } else { x + y }
        };
        let (a, b) = (&mut self.facets, &other.facets);
        a.total = apply(a.total, b.total);
        for (x, &y) in a.sentiment.iter_mut().zip(&b.sentiment) {
            *x = apply(*x, y);
        }
        for (into, from) in a.values.iter_mut().zip(&b.values) {
            for (x, &y) in into.iter_mut().zip(from) {
                *x = apply(*x, y);
            }
        }
        if let (Some(a), Some(b)) = (&mut self.days, &other.days) {
            a.older = apply(a.older as usize, b.older as usize) as u32;
            for (x, &y) in a.counts.iter_mut().flatten().zip(b.counts.iter().flatten()) {
                *x = apply(*x as usize, y as usize) as u32;
            }
        }
    }
}

impl Columns {
    /// Counts `rows` per sentiment, per value of every [`Dimension`] and, with a `horizon`,
    /// per day, on every core. With `stories`, each row stands for its story: a language
    /// counts it when any version is told in it.
    pub fn tally(&self, rows: &Rows, stories: Option<&Stories>, horizon: Option<i64>) -> Tally {
        // A run of words per task: 16,384 rows.
        const WORDS: usize = 256;
        // Borrowed once: a mapped column is a little work to borrow, a million times more.
        let (sentiments, published): (&[u8], &[i64]) = (&self.sentiments, &self.published);
        let (tag_starts, tag_ids): (&[u32], &[u32]) = (&self.tag_starts, &self.tag_ids);
        let single: [&[u32]; 3] = [&self.sources, &self.categories, &self.langs];
        let langs: &[u32] = &self.langs;
        let mut tally = rows
            .words
            .par_chunks(WORDS)
            .enumerate()
            .fold(
                || Tally::empty(self, horizon),
                |mut tally, (chunk, words)| {
                    let facets = &mut tally.facets;
                    let count = |counts: &mut Vec<usize>, id: u32| {
                        // `NONE` (no category, no language) is past every name: not counted.
                        if let Some(count) = counts.get_mut(id as usize) {
                            *count += 1;
                        }
                    };
                    for_each_row(words, chunk * WORDS, |i| {
                        if let Some(sentiment) = facets.sentiment.get_mut(sentiments[i] as usize) {
                            *sentiment += 1;
                        }
                        let [tags, rest @ ..] = &mut facets.values;
                        let (start, end) = (tag_starts[i] as usize, tag_starts[i + 1] as usize);
                        for &tag in tag_ids.get(start..end).unwrap_or_default() {
                            count(tags, tag);
                        }
                        for (counts, ids) in rest.iter_mut().zip(single) {
                            count(counts, ids[i]);
                        }
                        if let Some(stories) = stories {
                            let languages = &mut facets.values[Dimension::Lang.index()];
                            for &other in stories.versions(i) {
                                if other as usize != i {
                                    count(languages, langs[other as usize]);
                                }
                            }
                        }
                        if let Some(days) = &mut tally.days {
                            days.count(published[i], sentiments[i]);
                        }
                    });
                    tally
                },
            )
            .reduce(
                || Tally::empty(self, horizon),
                |mut a, b| {
                    a.combine(&b, false);
                    a
                },
            );
        tally.facets.total = rows.len();
        tally
    }
}

/// What counts were counted from, to count the next result set from them.
#[derive(Debug, Clone)]
pub struct Basis {
    rows: Rows,
    per_story: bool,
    /// The library's generation: row numbers mean other articles in another.
    generation: u64,
    tally: Tally,
}

/// How a result differs from the last one counted.
#[derive(Debug)]
pub struct Changes {
    pub came: Rows,
    pub went: Rows,
}

impl Basis {
    /// The counts of `rows` (one per story if `per_story`) in `columns` of library
    /// `generation`, with the days up to `now`; from `previous` when they are near: then what
    /// differs is counted, not all, and returned.
    pub fn count(
        columns: &Columns,
        stories: &Stories,
        rows: Rows,
        per_story: bool,
        generation: u64,
        now: DateTime<Utc>,
        previous: Option<&Self>,
    ) -> (Self, Option<Changes>) {
        let horizon = horizon(now);
        let count = |rows: &Rows| columns.tally(rows, per_story.then_some(stories), Some(horizon));
        let near = previous.filter(|previous| {
            previous.per_story == per_story
                && previous.generation == generation
                && previous.rows.spans(columns.len())
                && previous.tally.days.as_ref().map(|days| days.horizon) == Some(horizon)
        });
        let changes = near
            .map(|previous| Changes {
                came: rows.without(&previous.rows),
                went: previous.rows.without(&rows),
            })
            .filter(|changes| changes.came.len() + changes.went.len() < rows.len());
        let tally = match (near, &changes) {
            (Some(previous), Some(changes)) => {
                let mut tally = previous.tally.clone();
                tally.combine(&count(&changes.came), false);
                tally.combine(&count(&changes.went), true);
                tally.facets.total = rows.len();
                tally
            }
            _ => count(&rows),
        };
        let basis = Self {
            rows,
            per_story,
            generation,
            tally,
        };
        (basis, changes)
    }

    pub const fn rows(&self) -> &Rows {
        &self.rows
    }

    pub const fn tally(&self) -> &Tally {
        &self.tally
    }

    /// The timeline of the rows, from the days counted unless its newest day is older than
    /// they reach.
    pub fn timeline(&self, columns: &Columns, now: DateTime<Utc>) -> Timeline {
        self.tally
            .days
            .as_ref()
            .and_then(Days::timeline)
            .unwrap_or_else(|| Timeline::build(columns, &self.rows.ascending(), now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::{Article, with_front as article};

    #[test]
    fn rows_are_walked_in_order_and_differ_by_what_one_lacks() {
        let a = Rows::of(&[130, 3, 64, 3, 0], 131);
        assert_eq!(a.len(), 4);
        assert_eq!(a.ascending(), [0, 3, 64, 130]);
        let b = Rows::of(&[3, 99], 131);
        assert_eq!(a.without(&b).ascending(), [0, 64, 130]);
        assert_eq!(b.without(&a).ascending(), [99]);
        assert!(Rows::of(&[], 131).without(&a).is_empty());
    }

    /// `n` articles over `years`, up to a day ahead of `now`: a third undated, pairs of them one
    /// story in two languages, with four sentiments and a few tags.
    fn library(n: usize, years: i64) -> Columns {
        let now = chrono::Utc::now();
        let articles: Vec<Article> = (0..n)
            .map(|k| {
                let days_back = (k as i64 * 7919) % (years * 365 + 1) - 1;
                let published = now - chrono::Duration::days(days_back);
                let dated = if k % 3 == 0 {
                    String::new()
                } else {
                    format!("publishedAt: '{}'\n", published.to_rfc3339())
                };
                let sentiment = ["POSITIVE", "NEGATIVE", "NEUTRAL", "odd"][k % 4];
                let lang = ["en", "uk", "de"][k % 3];
                article(
                    &format!("{k}.md"),
                    &format!(
                        "title: T{k}\n{dated}sentiment: {sentiment}\nlang: {lang}\n\
                         externalId: s{}\ntags: [T{}, X]\ncategory: c{}",
                        k / 2,
                        k % 5,
                        k % 2
                    ),
                )
            })
            .collect();
        Columns::of(&articles)
    }

    #[test]
    fn counts_from_the_last_counts_are_those_counted_afresh() {
        let now = chrono::Utc::now();
        for years in [1, 8] {
            let columns = library(600, years);
            let stories = Stories::of(&columns);
            let mut seed = 7u64;
            let mut next = move || {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                (seed >> 33) as usize
            };
            let mut shown: Vec<u32> = (0..600).filter(|i| i % 3 != 1).collect();
            let mut previous: Option<Basis> = None;
            let mut last_shown: Vec<u32> = Vec::new();
            for step in 0..12 {
                // Each result differs from the last by a few rows, sometimes by most.
                let changed = if step % 4 == 3 { 500 } else { 20 };
                for _ in 0..changed {
                    let row = (next() % 600) as u32;
                    match shown.iter().position(|&i| i == row) {
                        Some(at) => _ = shown.remove(at),
                        None => shown.push(row),
                    }
                }
                let per_story = step % 6 != 5;
                let rows = Rows::of(&shown, columns.len());
                let count = |previous| {
                    Basis::count(
                        &columns,
                        &stories,
                        rows.clone(),
                        per_story,
                        0,
                        now,
                        previous,
                    )
                };
                let (afresh, _) = count(None);
                let (from_last, changes) = count(previous.as_ref());
                // Fewer rows changed than are shown, counted alike: the last counts were
                // followed.
                let alike = previous.as_ref().map(|p| p.per_story) == Some(per_story);
                let differ = shown.iter().filter(|i| !last_shown.contains(i)).count()
                    + last_shown.iter().filter(|i| !shown.contains(i)).count();
                assert_eq!(
                    changes.is_some(),
                    alike && differ < shown.len(),
                    "step {step}"
                );
                assert!(changed == 500 || changes.is_some() || !alike, "step {step}");
                last_shown.clone_from(&shown);
                assert_eq!(from_last.tally, afresh.tally, "step {step}, {years} years");
                assert_eq!(afresh.tally.facets.total, shown.len());
                let timeline = Timeline::build(&columns, &rows.ascending(), now);
                assert_eq!(from_last.timeline(&columns, now), timeline);
                assert!(timeline.last_day.is_some());
                previous = Some(from_last);
            }
        }
    }

    #[test]
    fn a_timeline_older_than_the_days_kept_is_counted_from_the_rows() {
        let now = chrono::Utc::now();
        let old = now - chrono::Duration::days(DAYS_KEPT as i64 + 30);
        let columns = Columns::of(&[
            article(
                "a.md",
                &format!("title: A\npublishedAt: '{}'", old.to_rfc3339()),
            ),
            article("b.md", "title: B"),
        ]);
        let rows = Rows::of(&[0, 1], 2);
        let (basis, _) = Basis::count(&columns, &Stories::of(&columns), rows, true, 0, now, None);
        assert_eq!(basis.tally.days.as_ref().and_then(Days::timeline), None);
        let timeline = basis.timeline(&columns, now);
        assert_eq!(timeline.last_day, Some(old.date_naive()));
        assert_eq!(timeline.days.iter().flatten().sum::<u32>(), 1);
    }
}
