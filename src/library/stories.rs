//! Stories told in several languages: the aggregator writes a story once per language, with the
//! same source and external id. The list shows one row per story; marks belong to the story.

use std::io::{Read, Write};

use rayon::prelude::*;

use super::columns::{Columns, NO_STORY, TRANSLATED};

/// An article told in one language only.
const ALONE: u32 = u32::MAX;

/// Which articles tell the same story, worked out from the story column when an image is
/// written and kept in it (at a million articles the grouping takes 75 ms, a third of a start).
#[derive(Debug, Default, Clone)]
pub struct Stories {
    /// Per article, its story among those told in several languages, or [`ALONE`].
    story: Vec<u32>,
    /// Story `s`'s articles are `members[starts[s]..starts[s + 1]]`, in article order.
    starts: Vec<u32>,
    members: Vec<u32>,
}

impl Stories {
    /// Groups articles by their story hash (sorted on both cores). Two stories with one hash
    /// would share a row; each article still shows its own text.
    pub fn of(columns: &Columns) -> Self {
        let mut by_story: Vec<(u64, u32)> = columns
            .stories
            .par_iter()
            .enumerate()
            .filter(|&(_, &story)| story != NO_STORY)
            .map(|(index, &story)| (story, index as u32))
            .collect();
        by_story.par_sort_unstable();
        let mut story = vec![ALONE; columns.len()];
        let mut starts = vec![0];
        let mut members = Vec::new();
        for group in by_story.chunk_by(|a, b| a.0 == b.0) {
            if group.len() < 2 {
                continue;
            }
            let id = starts.len() as u32 - 1;
            for &(_, index) in group {
                story[index as usize] = id;
                members.push(index);
            }
            starts.push(members.len() as u32);
        }
        Self {
            story,
            starts,
            members,
        }
    }

    /// How many articles these stories are of.
    pub const fn rows(&self) -> usize {
        self.story.len()
    }

    /// How many articles are versions of a story told in several languages.
    pub const fn member_count(&self) -> usize {
        self.members.len()
    }

    /// Writes the grouping as its bytes in memory, for [`Stories::read`].
    pub fn write(&self, out: &mut impl Write) -> std::io::Result<()> {
        use bytemuck::cast_slice;
        for column in [&self.story, &self.starts, &self.members] {
            out.write_all(cast_slice(column))?;
        }
        Ok(())
    }

    /// How many bytes [`Stories::write`] writes.
    pub fn bytes(rows: u64, stories: u64, members: u64) -> Option<u64> {
        rows.checked_add(stories)?
            .checked_add(1)?
            .checked_add(members)?
            .checked_mul(4)
    }

    /// Reads what [`Stories::write`] wrote for `rows` articles, `stories` stories and `members`
    /// versions into memory (a list reads it at random, in sort order, where a mapped file's small
    /// pages cost a key several milliseconds), and checks it before it is used: every story id and
    /// every member is in range, the starts climb to the members.
    pub fn read(
        input: &mut impl Read,
        rows: usize,
        stories: usize,
        members: usize,
    ) -> std::io::Result<Self> {
        fn values(input: &mut impl Read, len: usize) -> std::io::Result<Vec<u32>> {
            let mut values = vec![0; len];
            input.read_exact(bytemuck::cast_slice_mut(&mut values))?;
            Ok(values)
        }
        let read = Self {
            story: values(input, rows)?,
            starts: values(input, stories + 1)?,
            members: values(input, members)?,
        };
        let ok = read
            .story
            .iter()
            .all(|&story| story == ALONE || (story as usize) < stories)
            && read.starts.first() == Some(&0)
            && read.starts.windows(2).all(|pair| pair[0] <= pair[1])
            && read.starts.last() == Some(&(members as u32))
            && read.members.iter().all(|&member| (member as usize) < rows);
        if ok {
            Ok(read)
        } else {
            Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "stories that do not fit the articles",
            ))
        }
    }

    /// How many stories are told in several languages.
    pub const fn count(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    /// Every version of article `i`'s story, `i` included, in article order; empty when the
    /// story is told in one language only.
    pub fn versions(&self, i: usize) -> &[u32] {
        match self.story.get(i) {
            Some(&story) if story != ALONE => {
                let story = story as usize;
                &self.members[self.starts[story] as usize..self.starts[story + 1] as usize]
            }
            _ => &[],
        }
    }

    /// `indices` (in their order) with one article per story: of the versions among them, the
    /// one `rank` puts first (the first of equals), in its own place.
    pub fn one_each(&self, columns: &Columns, indices: &[u32], rank: &Preference) -> Vec<u32> {
        if self.count() == 0 {
            return indices.to_vec();
        }
        // Per story, the best version so far as its rank (high half) and index (low half): the
        // rank of the best is never read again. Each core takes a run of `indices`; a later run's
        // version wins only by a better rank, so equals keep the first.
        let rank_of = |chosen: u64| chosen >> 32;
        // Borrowed once: a mapped column is a little work to borrow, a million times more.
        let ranked_by = (&columns.langs[..], &columns.flags[..]);
        let best_in = |run: &[u32]| {
            let mut chosen = vec![u64::MAX; self.count()];
            for &index in run {
                let Some(&story) = self.story.get(index as usize) else {
                    continue;
                };
                if story == ALONE {
                    continue;
                }
                let rank = u64::from(rank.of(ranked_by, index as usize));
                let best = &mut chosen[story as usize];
                if rank < rank_of(*best) {
                    *best = (rank << 32) | u64::from(index);
                }
            }
            chosen
        };
        let run = indices
            .len()
            .div_ceil(rayon::current_num_threads())
            .max(if cfg!(test) { 2 } else { 1 << 16 });
        let mut runs = indices.par_chunks(run).map(best_in).collect::<Vec<_>>();
        let mut chosen = if runs.is_empty() {
            Vec::new()
        } else {
            runs.remove(0)
        };
        for later in runs {
            for (best, other) in chosen.iter_mut().zip(later) {
                if rank_of(other) < rank_of(*best) {
                    *best = other;
                }
            }
        }
        indices
            .par_iter()
            .with_min_len(4096)
            .copied()
            .filter(|&index| {
                self.story
                    .get(index as usize)
                    .is_none_or(|&story| story == ALONE || chosen[story as usize] as u32 == index)
            })
            .collect()
    }
}

/// Which version of a story the list shows: the first of the reader's languages the story has,
/// else the original (not a translation).
#[derive(Debug, Clone)]
pub struct Preference {
    /// By language id: its place among the preferred languages, or `None`.
    place: Vec<Option<u32>>,
    preferred: u32,
}

impl Preference {
    pub fn new(columns: &Columns, languages: &[String]) -> Self {
        let place = columns
            .lang_names
            .names
            .iter()
            .map(|name| {
                languages
                    .iter()
                    .position(|wanted| wanted.eq_ignore_ascii_case(name))
                    .map(|place| place as u32)
            })
            .collect();
        Self {
            place,
            preferred: languages.len() as u32,
        }
    }

    /// Lower is shown first.
    fn of(&self, (langs, flags): (&[u32], &[u8]), i: usize) -> u32 {
        let lang = langs.get(i).copied().unwrap_or(u32::MAX);
        match self.place.get(lang as usize).copied().flatten() {
            Some(place) => place,
            None => {
                let translated = flags.get(i).is_none_or(|f| f & TRANSLATED != 0);
                self.preferred + u32::from(translated)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::{Article, parse_article};

    /// `(external id, language, translated from)`, all of one source.
    fn library(versions: &[(&str, &str, Option<&str>)]) -> Columns {
        let articles: Vec<Article> = versions
            .iter()
            .enumerate()
            .map(|(n, (external, lang, from))| {
                let ai = from.map_or_else(String::new, |from| {
                    format!("ai: {{translatedFrom: '{from}'}}\n")
                });
                let text = format!(
                    "---\ntitle: T{n}\nexternalId: '{}'\nlang: {lang}\n{ai}\
                     source: {{name: Wire, key: wire}}\n---\nBody.\n",
                    from.unwrap_or(external)
                );
                parse_article(&format!("{n}.md"), &format!("{n}.md"), text.as_bytes())
                    .expect("parses")
                    .article
            })
            .collect();
        Columns::of(&articles)
    }

    fn shown(columns: &Columns, languages: &[&str]) -> Vec<u32> {
        let languages: Vec<String> = languages.iter().map(|&l| l.to_owned()).collect();
        let all: Vec<u32> = (0..columns.len() as u32).collect();
        Stories::of(columns).one_each(columns, &all, &Preference::new(columns, &languages))
    }

    #[test]
    fn one_row_per_story_in_the_first_preferred_language_it_has() {
        let columns = library(&[
            ("a", "en", None),       // 0: story a, original
            ("a2", "uk", Some("a")), // 1: story a, translated
            ("b", "en", None),       // 2: b in English only
            ("c", "uk", None),       // 3: c in Ukrainian only
            ("d", "uk", None),       // 4: story d, original in Ukrainian
            ("d2", "en", Some("d")), // 5: story d, translated
        ]);
        let stories = Stories::of(&columns);
        assert_eq!(stories.count(), 2);
        assert_eq!(stories.versions(1), [0, 1]);
        assert_eq!(stories.versions(5), [4, 5]);
        assert!(stories.versions(2).is_empty());
        assert_eq!(shown(&columns, &["uk"]), [1, 2, 3, 4]);
        assert_eq!(shown(&columns, &["en", "uk"]), [0, 2, 3, 5]);
        assert_eq!(
            shown(&columns, &[]),
            [0, 2, 3, 4],
            "the original without a preference"
        );
        assert_eq!(
            shown(&columns, &["de"]),
            [0, 2, 3, 4],
            "no version in German"
        );
        // Of the versions among the results, the preferred one: here only the translation.
        let preference = Preference::new(&columns, &["en".to_owned()]);
        assert_eq!(stories.one_each(&columns, &[1, 3], &preference), [1, 3]);
        // Versions met in any order, by either core, in the order given.
        let mixed = [1, 4, 3, 2, 5, 0];
        assert_eq!(
            stories.one_each(&columns, &mixed, &preference),
            [3, 2, 5, 0]
        );
        let preference = Preference::new(&columns, &["uk".to_owned()]);
        assert_eq!(
            stories.one_each(&columns, &mixed, &preference),
            [1, 4, 3, 2]
        );
    }
}
