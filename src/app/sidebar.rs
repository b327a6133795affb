//! What the sidebar shows for a result set: selectable facet entries and the sentiment timeline.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rayon::prelude::*;

use crate::article::Sentiment;

use super::filters::Filters;
use super::index::Facets;
use crate::library::{Columns, Dimension};

/// Days the timeline keeps; the view shows as many of the latest as fit.
pub const TIMELINE_DAYS: usize = 90;

#[derive(Debug, Clone, PartialEq)]
pub enum EntryKind {
    /// A saved search, by name.
    Saved(String),
    Sentiment(Sentiment),
    Facet(Dimension, String),
}

/// One selectable line of the sidebar.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub kind: EntryKind,
    pub count: usize,
    /// How many of `count` are unread, where the sidebar shows it (saved searches).
    pub unread: Option<usize>,
    /// Chosen as a filter.
    pub active: bool,
}

/// The sidebar's entries for `facets`: the saved searches, the four sentiments, then tags,
/// sources, categories and languages.
pub fn entries(facets: &Facets, index: &Columns, filters: &Filters) -> Vec<Entry> {
    let mut entries: Vec<Entry> = facets
        .saved
        .iter()
        .map(|saved| Entry {
            active: filters.is_saved_chosen(&saved.name),
            kind: EntryKind::Saved(saved.name.clone()),
            count: saved.total,
            unread: Some(saved.unread),
        })
        .collect();
    // With nothing listed the sentiments are all zero: not drawn, unless one is chosen (it
    // stays, to be toggled off where it was toggled on).
    let sentiments = Sentiment::ALL
        .into_iter()
        .filter(|sentiment| facets.total > 0 || filters.sentiments[sentiment.index()]);
    entries.extend(sentiments.map(|sentiment| Entry {
        kind: EntryKind::Sentiment(sentiment),
        count: facets.sentiment_count(sentiment),
        unread: None,
        active: filters.sentiments[sentiment.index()],
    }));
    for dimension in Dimension::ALL {
        let counts = &facets.values[dimension.index()];
        let name_of = |id: usize| index.name(dimension, id);
        let ranked = Facets::ranked(counts);
        let mut section: Vec<Entry> = ranked
            .iter()
            .take(dimension.top())
            .map(|&(id, count)| {
                let name = name_of(id);
                Entry {
                    active: filters.is_chosen(dimension, name),
                    kind: EntryKind::Facet(dimension, name.to_owned()),
                    count,
                    unread: None,
                }
            })
            .collect();
        // A chosen value stays listed even when it fell out of the top or out of the results,
        // so it can always be toggled off where it was toggled on.
        for chosen in filters.chosen(dimension) {
            let listed = section
                .iter()
                .any(|entry| matches!(&entry.kind, EntryKind::Facet(_, name) if name == chosen));
            if !listed {
                let count = ranked
                    .iter()
                    .find(|&&(id, _)| name_of(id) == chosen)
                    .map_or(0, |&(_, count)| count);
                section.push(Entry {
                    kind: EntryKind::Facet(dimension, chosen.clone()),
                    count,
                    unread: None,
                    active: true,
                });
            }
        }
        entries.extend(section);
    }
    entries
}

/// The newest day (since the epoch) a timeline at `now` may end on: the day after now's, so
/// that an article stamped a little ahead (another time zone, a clock ahead) still shows.
pub fn horizon(now: DateTime<Utc>) -> i64 {
    (now + Duration::days(1)).timestamp().div_euclid(86_400)
}

/// Articles per day by sentiment, over the days up to the newest article of a result set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timeline {
    /// The day of the last column.
    pub last_day: Option<NaiveDate>,
    /// Oldest first: counts by [`Sentiment::index`].
    pub days: Vec<[u32; 4]>,
}

impl Timeline {
    /// Counts `visible` per day (UTC) over the [`TIMELINE_DAYS`] up to the newest of them that
    /// is not in the future of `now`. Both passes run on every core: at a million headlines this
    /// is part of what each key costs.
    pub fn build(index: &Columns, visible: &[u32], now: DateTime<Utc>) -> Self {
        const CHUNK: usize = 16_384;
        // Borrowed once: a mapped column is a little work to borrow, a million times more.
        let (published, sentiments): (&[i64], &[u8]) = (&index.published, &index.sentiments);
        let day = |i: u32| super::index::day_of(published[i as usize]);
        let horizon = horizon(now);
        let Some(last) = visible
            .par_iter()
            .with_min_len(CHUNK)
            .filter_map(|&i| day(i))
            .filter(|&day| day <= horizon)
            .max()
        else {
            return Self::default();
        };
        let empty = || vec![[0u32; 4]; TIMELINE_DAYS];
        let days = visible
            .par_chunks(CHUNK)
            .map(|chunk| {
                let mut days = empty();
                for &i in chunk {
                    let Some(day) = day(i) else {
                        continue;
                    };
                    let back = last - day;
                    if (0..TIMELINE_DAYS as i64).contains(&back) {
                        let sentiment = (sentiments[i as usize] & 3) as usize;
                        days[TIMELINE_DAYS - 1 - back as usize][sentiment] += 1;
                    }
                }
                days
            })
            .reduce(empty, |mut a, b| {
                for (x, y) in a.iter_mut().flatten().zip(b.iter().flatten()) {
                    *x += y;
                }
                a
            });
        Self {
            last_day: DateTime::from_timestamp(last * 86_400, 0).map(|at| at.date_naive()),
            days,
        }
    }
}
