//! Sort orders for the headline list.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::library::Columns;

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

/// Every article index in `mode`'s order. Articles without a date go last in both date orders;
/// ties keep load order, so the order is the same on every run.
pub fn sorted(columns: &Columns, mode: SortMode) -> Vec<u32> {
    let millis = |i: usize| columns.published(i);
    // Keys are computed once per article, not once per comparison.
    let mut keyed: Vec<((i64, i64, i64), u32)> = (0..columns.len())
        .into_par_iter()
        .map(|i| {
            let newest_first = millis(i).map_or(i64::MAX, |m| -m);
            let key = match mode {
                SortMode::Newest => (-ordered(columns.sticky_weight(i).max(0.0)), newest_first, 0),
                SortMode::Oldest => (millis(i).unwrap_or(i64::MAX), 0, 0),
                SortMode::Score => (-ordered(columns.score(i)), newest_first, 0),
            };
            (key, i as u32)
        })
        .collect();
    // Keys end in the index, so they are unique and an unstable sort is deterministic.
    keyed.par_sort_unstable();
    keyed.into_par_iter().map(|(_, index)| index).collect()
}

/// An integer that sorts like the float (total order, NaN never occurs after parsing).
fn ordered(value: f64) -> i64 {
    let bits = value.to_bits() as i64;
    bits ^ (((bits >> 63) as u64) >> 1) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_keys_sort_like_floats() {
        let mut values = [3.5, -1.0, 0.0, 10.0, -20.5, 2.0];
        let mut keys: Vec<i64> = values.iter().map(|&v| ordered(v)).collect();
        keys.sort_unstable();
        values.sort_by(f64::total_cmp);
        assert_eq!(keys, values.iter().map(|&v| ordered(v)).collect::<Vec<_>>());
    }
}
