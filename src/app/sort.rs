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
    pub const fn next(self) -> Self {
        match self {
            Self::Newest => Self::Oldest,
            Self::Oldest => Self::Score,
            Self::Score => Self::Newest,
        }
    }

    pub const fn name(self) -> &'static str {
        match self {
            Self::Newest => "newest",
            Self::Oldest => "oldest",
            Self::Score => "score",
        }
    }
}

/// Every article index in `mode`'s order. Articles without a date go last in both date orders;
/// ties keep load order, so the order is the same on every run.
pub fn sorted(columns: &Columns, mode: SortMode) -> Vec<u32> {
    let newest_first = |i: usize| columns.published(i).map_or(i64::MAX, |m| -m);
    match mode {
        // Pinned articles are few: they are sorted apart, and the rest by date alone, which
        // halves what the sort of a million moves.
        SortMode::Newest => {
            let (mut pinned, rest): (Vec<u32>, Vec<u32>) =
                (0..columns.len() as u32).partition(|&i| columns.is_pinned(i as usize));
            pinned.sort_unstable_by_key(|&i| {
                let i = i as usize;
                (-ordered(columns.sticky_weight(i)), newest_first(i), i)
            });
            pinned.extend(by_key(rest, newest_first));
            pinned
        }
        SortMode::Oldest => by_key((0..columns.len() as u32).collect(), |i| {
            columns.published(i).unwrap_or(i64::MAX)
        }),
        SortMode::Score => {
            // Keys are computed once per article, not once per comparison.
            let mut keyed: Vec<((i64, i64), u32)> = (0..columns.len())
                .into_par_iter()
                .map(|i| ((-ordered(columns.score(i)), newest_first(i)), i as u32))
                .collect();
            // Keys end in the index, so they are unique and an unstable sort is deterministic.
            keyed.par_sort_unstable();
            keyed.into_par_iter().map(|(_, index)| index).collect()
        }
    }
}

/// `indices` ordered by `key`, ties by index.
fn by_key(indices: Vec<u32>, key: impl Fn(usize) -> i64 + Sync) -> Vec<u32> {
    let mut keyed: Vec<(i64, u32)> = indices
        .into_par_iter()
        .map(|i| (key(i as usize), i))
        .collect();
    keyed.par_sort_unstable();
    keyed.into_par_iter().map(|(_, index)| index).collect()
}

/// An integer that sorts like the float (total order, NaN never occurs after parsing).
const fn ordered(value: f64) -> i64 {
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
