//! Sort orders for the headline list.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use crate::article::Article;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum SortMode {
    /// Newest first, pinned (stickyWeight > 0) articles on top, heaviest first.
    #[default]
    Newest,
    /// Oldest first.
    Oldest,
    /// Highest aggregator score first, then newest.
    Score,
}

impl SortMode {
    pub fn next(self) -> SortMode {
        match self {
            SortMode::Newest => SortMode::Oldest,
            SortMode::Oldest => SortMode::Score,
            SortMode::Score => SortMode::Newest,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            SortMode::Newest => "newest",
            SortMode::Oldest => "oldest",
            SortMode::Score => "score",
        }
    }
}

/// Every article index in `mode`'s order. Articles without a date go last in both date orders.
pub fn sorted(articles: &[Article], mode: SortMode) -> Vec<u32> {
    let mut order: Vec<u32> = (0..articles.len() as u32).collect();
    let newest = |a: &Article, b: &Article| match (a.published_at, b.published_at) {
        (Some(x), Some(y)) => y.cmp(&x),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    order.sort_by(|&a, &b| {
        let (a, b) = (&articles[a as usize], &articles[b as usize]);
        let primary = match mode {
            SortMode::Newest => b
                .sticky_weight
                .max(0.0)
                .total_cmp(&a.sticky_weight.max(0.0))
                .then_with(|| newest(a, b)),
            SortMode::Oldest => match (a.published_at, b.published_at) {
                (Some(x), Some(y)) => x.cmp(&y),
                _ => newest(a, b),
            },
            SortMode::Score => b.score.total_cmp(&a.score).then_with(|| newest(a, b)),
        };
        primary.then_with(|| a.id.cmp(&b.id))
    });
    order
}
