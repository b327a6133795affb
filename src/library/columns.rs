//! What the library keeps in memory of every article: compact columns and interned facet values,
//! enough to filter, sort and count a million articles without holding one of them. The articles
//! themselves stay in the cache and are read when a row is drawn or an article opened.

use std::io::{Read, Seek, SeekFrom, Write};
use std::sync::Arc;

use memmap2::Mmap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::mapped::Column;
use crate::article::{Article, ArticleId};

/// Interned strings: an id per distinct value, names by id.
#[derive(Debug, Default, Clone)]
pub struct Interner {
    /// Facet values are few and short: a fast hasher, no defence against crafted collisions needed.
    ids: foldhash::HashMap<Box<str>, u32>,
    pub(crate) names: Vec<String>,
}

impl Interner {
    pub(crate) fn intern(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = u32::try_from(self.names.len()).expect("fewer than 4 billion distinct values");
        self.ids.insert(name.into(), id);
        self.names.push(name.to_owned());
        id
    }

    fn from_names(names: Vec<String>) -> Self {
        let ids = names
            .iter()
            .enumerate()
            .map(|(id, name)| (name.as_str().into(), id as u32))
            .collect();
        Self { ids, names }
    }
}

impl Serialize for Interner {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.names.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Interner {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<String>::deserialize(deserializer).map(Self::from_names)
    }
}

/// No category or language.
pub const NONE: u32 = u32::MAX;

/// A facet: what articles have values of (none, one or several), that the sidebar and `stats`
/// count and the sidebar's filters choose from. Everything that differs between them is here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dimension {
    Tag,
    Source,
    Category,
    Lang,
}

impl Dimension {
    /// In the order the sidebar and `stats` show them.
    pub const ALL: [Self; 4] = [Self::Tag, Self::Source, Self::Category, Self::Lang];

    /// Its place in [`Dimension::ALL`], for arrays indexed by dimension.
    pub const fn index(self) -> usize {
        self as usize
    }

    pub const fn heading(self) -> &'static str {
        match self {
            Self::Tag => "Tags",
            Self::Source => "Sources",
            Self::Category => "Categories",
            Self::Lang => "Languages",
        }
    }

    /// How many values the sidebar lists, most frequent first.
    pub const fn top(self) -> usize {
        match self {
            Self::Tag => 30,
            Self::Source | Self::Category => 12,
            Self::Lang => 8,
        }
    }

    /// An article has several tags, so each chosen tag narrows the list; it has one source
    /// (category, language), so chosen ones are alternatives.
    pub fn chosen_narrow(self) -> bool {
        self == Self::Tag
    }
}
/// Flag bits.
pub const DRAFT: u8 = 1;
pub const PINNED: u8 = 2;
/// A translation of another article (`ai.translatedFrom`).
pub const TRANSLATED: u8 = 4;
/// Not part of a story told in several languages.
pub(crate) const NO_STORY: u64 = 0;

/// One row per article, in columns. Stored as it is in the cache (one image per root folder), so
/// a start is a few large reads with nothing to parse per article: the names are serialized, the
/// numbers written as they are in memory (see [`Columns::write_numbers`]).
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Columns {
    /// Where the article is stored: its cache file id (or its slot among the built-in samples).
    #[serde(skip)]
    pub(crate) keys: Column<u64>,
    /// [`ArticleId::hash`] of each id: marks and duplicates are matched on it, then confirmed.
    #[serde(skip)]
    pub(crate) id_hashes: Column<u64>,
    /// A hash of [`Article::story_key`]; translations share it.
    #[serde(skip)]
    pub(crate) stories: Column<u64>,
    /// Milliseconds since the epoch; `i64::MIN` when unknown.
    #[serde(skip)]
    pub(crate) published: Column<i64>,
    #[serde(skip)]
    pub(crate) updated: Column<i64>,
    #[serde(skip)]
    pub(crate) sticky: Column<f64>,
    #[serde(skip)]
    pub(crate) scores: Column<f64>,
    #[serde(skip)]
    pub(crate) sentiments: Column<u8>,
    #[serde(skip)]
    pub(crate) flags: Column<u8>,
    #[serde(skip)]
    pub(crate) sources: Column<u32>,
    #[serde(skip)]
    pub(crate) categories: Column<u32>,
    #[serde(skip)]
    pub(crate) langs: Column<u32>,
    /// Tag ids of every article, one after another; article `i`'s are
    /// `tag_ids[tag_starts[i]..tag_starts[i + 1]]`. One flat array keeps counting cache-friendly.
    #[serde(skip)]
    pub(crate) tag_ids: Column<u32>,
    #[serde(skip)]
    pub(crate) tag_starts: Column<u32>,
    pub(crate) tag_names: Interner,
    pub(crate) source_names: Interner,
    /// Lower-cased source keys, by source id (filters match the key or the name).
    pub(crate) source_keys: Vec<String>,
    pub(crate) category_names: Interner,
    pub(crate) lang_names: Interner,
}

fn millis(at: Option<chrono::DateTime<chrono::Utc>>) -> i64 {
    at.map_or(i64::MIN, |at| at.timestamp_millis())
}

impl Columns {
    pub fn with_capacity(articles: usize) -> Self {
        let mut columns = Self {
            keys: Column::with_capacity(articles),
            id_hashes: Column::with_capacity(articles),
            stories: Column::with_capacity(articles),
            published: Column::with_capacity(articles),
            updated: Column::with_capacity(articles),
            sticky: Column::with_capacity(articles),
            scores: Column::with_capacity(articles),
            sentiments: Column::with_capacity(articles),
            flags: Column::with_capacity(articles),
            sources: Column::with_capacity(articles),
            categories: Column::with_capacity(articles),
            langs: Column::with_capacity(articles),
            tag_ids: Column::with_capacity(articles * 3),
            tag_starts: Column::with_capacity(articles + 1),
            ..Self::default()
        };
        columns.tag_starts.push(0);
        columns
    }

    /// Columns of `articles`, keyed by their position.
    pub fn of(articles: &[Article]) -> Self {
        let mut columns = Self::with_capacity(articles.len());
        for (slot, article) in articles.iter().enumerate() {
            columns.push(slot as u64, article);
        }
        columns
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// How many articles are drafts: a scan, for the library to do once.
    pub(crate) fn count_drafts(&self) -> usize {
        self.flags
            .iter()
            .filter(|&&flags| flags & DRAFT != 0)
            .count()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    fn ensure_started(&mut self) {
        if self.tag_starts.is_empty() {
            self.tag_starts.push(0);
        }
    }

    /// Adds one article. Interning is a hash lookup per value.
    pub fn push(&mut self, key: u64, article: &Article) {
        self.ensure_started();
        for tag in &article.tags {
            let id = self.tag_names.intern(tag);
            self.tag_ids.push(id);
        }
        let end = u32::try_from(self.tag_ids.len()).expect("fewer than 4 billion tags in all");
        self.tag_starts.push(end);
        self.keys.push(key);
        self.id_hashes.push(article.id.hash());
        self.stories
            .push(article.story_key().map_or(NO_STORY, |(source, external)| {
                ArticleId(format!("{source}\u{0}{external}").into()).hash() | 1
            }));
        self.published.push(millis(article.published_at));
        self.updated.push(millis(article.updated_at));
        self.sticky.push(article.sticky_weight);
        self.scores.push(article.score);
        self.sentiments.push(article.sentiment.index() as u8);
        self.flags.push(
            (u8::from(article.draft) * DRAFT)
                | (u8::from(article.is_pinned()) * PINNED)
                | (u8::from(article.is_translation()) * TRANSLATED),
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

    /// Appends row `i` of `other`, whose interned ids are turned into this one's by `map`.
    fn push_row(&mut self, other: &Self, i: usize, map: &IdMap) {
        self.ensure_started();
        self.tag_ids
            .extend(other.tags(i).iter().map(|&tag| map.tags[tag as usize]));
        let end = u32::try_from(self.tag_ids.len()).expect("fewer than 4 billion tags in all");
        self.tag_starts.push(end);
        self.keys.push(other.keys[i]);
        self.id_hashes.push(other.id_hashes[i]);
        self.stories.push(other.stories[i]);
        self.published.push(other.published[i]);
        self.updated.push(other.updated[i]);
        self.sticky.push(other.sticky[i]);
        self.scores.push(other.scores[i]);
        self.sentiments.push(other.sentiments[i]);
        self.flags.push(other.flags[i]);
        self.sources.push(map.sources[other.sources[i] as usize]);
        let optional = |ids: &[u32], id: u32| ids.get(id as usize).copied().unwrap_or(NONE);
        self.categories
            .push(optional(&map.categories, other.categories[i]));
        self.langs.push(optional(&map.langs, other.langs[i]));
    }

    /// The ids `other`'s names have here, interning the ones that are new.
    fn map_ids(&mut self, other: &Self) -> IdMap {
        let map = |into: &mut Interner, from: &Interner| -> Vec<u32> {
            from.names.iter().map(|name| into.intern(name)).collect()
        };
        let sources = map(&mut self.source_names, &other.source_names);
        for (&id, key) in sources.iter().zip(&other.source_keys) {
            if self.source_keys.len() <= id as usize {
                self.source_keys.push(key.clone());
            }
        }
        IdMap {
            tags: map(&mut self.tag_names, &other.tag_names),
            sources,
            categories: map(&mut self.category_names, &other.category_names),
            langs: map(&mut self.lang_names, &other.lang_names),
        }
    }

    /// Appends the rows of `other` for which `keep` holds.
    pub fn extend_from(&mut self, other: &Self, mut keep: impl FnMut(usize) -> bool) {
        self.extend_with_rows(other, (0..other.len()).filter(|&i| keep(i)));
    }

    /// Appends rows of `other`, in the order given.
    fn extend_with_rows(&mut self, other: &Self, rows: impl Iterator<Item = usize>) {
        let map = self.map_ids(other);
        for i in rows {
            self.push_row(other, i, &map);
        }
    }

    /// The same rows in key order: the order every image keeps, whatever order files were read in.
    pub fn sorted_by_key(&self) -> Self {
        let mut rows: Vec<usize> = (0..self.len()).collect();
        rows.sort_unstable_by_key(|&i| self.keys[i]);
        let mut sorted = Self::with_capacity(self.len());
        sorted.extend_with_rows(self, rows.into_iter());
        sorted
    }

    /// The rows for which `keep` holds, in order (interned names are kept as they are).
    pub fn filtered(&self, keep: impl FnMut(usize) -> bool) -> Self {
        let mut kept = Self::with_capacity(self.len());
        kept.extend_from(self, keep);
        kept
    }

    /// Whether no two rows share an id hash (so no two share an id).
    pub fn id_hashes_unique(&self) -> bool {
        use rayon::prelude::*;
        let mut hashes = self.id_hashes.to_vec();
        hashes.par_sort_unstable();
        hashes.windows(2).all(|pair| pair[0] != pair[1])
    }

    /// How many tags all rows have together: what [`Columns::read_numbers`] needs besides the
    /// rows.
    pub fn tag_count(&self) -> usize {
        self.tag_ids.len()
    }

    /// How many bytes [`Columns::write_numbers`] writes for `rows` rows and `tags` tags.
    pub fn number_bytes(rows: u64, tags: u64) -> Option<u64> {
        // keys, hashes, stories, published, updated, sticky, scores: 8 bytes each; source,
        // category, language and tag start 4; sentiment and flags 1; one more tag start; 4 per
        // tag.
        let per_row = 7 * 8 + 4 * 4 + 2;
        rows.checked_mul(per_row)?
            .checked_add(4)?
            .checked_add(tags.checked_mul(4)?)
    }

    /// Writes the number columns as their bytes in memory, one after another, widest first: from
    /// an 8-byte aligned start every column is aligned, so a mapped file is read in place.
    pub fn write_numbers(&self, out: &mut impl Write) -> std::io::Result<()> {
        use bytemuck::cast_slice;
        let mut tag_starts: &[u32] = &self.tag_starts;
        if tag_starts.is_empty() {
            tag_starts = &[0];
        }
        for bytes in [
            cast_slice(&self.keys),
            cast_slice(&self.id_hashes),
            cast_slice(&self.stories),
            cast_slice(&self.published),
            cast_slice(&self.updated),
            cast_slice(&self.sticky),
            cast_slice(&self.scores),
            cast_slice(&self.sources),
            cast_slice(&self.categories),
            cast_slice(&self.langs),
            cast_slice(tag_starts),
            cast_slice(&self.tag_ids),
            cast_slice(&self.sentiments),
            cast_slice(&self.flags),
        ] {
            out.write_all(bytes)?;
        }
        Ok(())
    }

    /// Takes the number columns [`Columns::write_numbers`] wrote for `rows` rows and `tags` tags
    /// (on a machine of the same byte order) in place from `file`, starting `start` bytes in, for
    /// these columns whose names are already read. `None` if they do not fit in the file.
    pub fn map_numbers(
        &mut self,
        file: &Arc<Mmap>,
        start: usize,
        rows: usize,
        tags: usize,
    ) -> Option<()> {
        let mut at = start;
        let mut next = |len: usize, width: usize| {
            let here = at;
            at = here.checked_add(len.checked_mul(width)?)?;
            Some(here)
        };
        self.keys = Column::mapped(file, next(rows, 8)?, rows)?;
        self.id_hashes = Column::mapped(file, next(rows, 8)?, rows)?;
        self.stories = Column::mapped(file, next(rows, 8)?, rows)?;
        self.published = Column::mapped(file, next(rows, 8)?, rows)?;
        self.updated = Column::mapped(file, next(rows, 8)?, rows)?;
        self.sticky = Column::mapped(file, next(rows, 8)?, rows)?;
        self.scores = Column::mapped(file, next(rows, 8)?, rows)?;
        self.sources = Column::mapped(file, next(rows, 4)?, rows)?;
        self.categories = Column::mapped(file, next(rows, 4)?, rows)?;
        self.langs = Column::mapped(file, next(rows, 4)?, rows)?;
        self.tag_starts = Column::mapped(file, next(rows + 1, 4)?, rows + 1)?;
        self.tag_ids = Column::mapped(file, next(tags, 4)?, tags)?;
        self.sentiments = Column::mapped(file, next(rows, 1)?, rows)?;
        self.flags = Column::mapped(file, next(rows, 1)?, rows)?;
        Some(())
    }

    /// Checks what [`Columns::write_numbers`] wrote for `rows` rows and `tags` tags, read from
    /// `input` at its start, against these columns' names: every id names a value, tag starts
    /// climb to the number of tags, sentiments are known. A damaged file is then an error here,
    /// not a panic later. Read through a small buffer rather than the mapping, so the check
    /// leaves no column in memory that the command does not use.
    pub fn check_numbers(
        &self,
        input: &mut (impl Read + Seek),
        rows: usize,
        tags: usize,
    ) -> std::io::Result<()> {
        let below =
            |len: usize, none: bool| move |id: u32| (id as usize) < len || (none && id == NONE);
        input.seek(SeekFrom::Current(7 * 8 * rows as i64))?;
        let mut previous = None;
        let ok = all(input, rows, below(self.source_names.names.len(), false))?
            & all(input, rows, below(self.category_names.names.len(), true))?
            & all(input, rows, below(self.lang_names.names.len(), true))?
            & all(input, rows + 1, |start: u32| {
                let climbs = previous.map_or(start == 0, |previous| previous <= start);
                previous = Some(start);
                climbs
            })?
            & (previous == Some(tags as u32))
            & all(input, tags, below(self.tag_names.names.len(), false))?
            & all(input, rows, |sentiment: u8| sentiment < 4)?
            & (self.source_keys.len() == self.source_names.names.len());
        if ok {
            Ok(())
        } else {
            Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "columns that do not fit together",
            ))
        }
    }

    pub fn key(&self, i: usize) -> u64 {
        self.keys[i]
    }

    pub(crate) fn tags(&self, i: usize) -> &[u32] {
        &self.tag_ids[self.tag_starts[i] as usize..self.tag_starts[i + 1] as usize]
    }

    /// The ids of article `i`'s values in `dimension` (none when it has none).
    pub fn values(&self, dimension: Dimension, i: usize) -> &[u32] {
        let ids = match dimension {
            Dimension::Tag => return self.tags(i),
            Dimension::Source => &self.sources,
            Dimension::Category => &self.categories,
            Dimension::Lang => &self.langs,
        };
        let id = &ids[i];
        if *id == NONE {
            &[]
        } else {
            std::slice::from_ref(id)
        }
    }

    /// The names of `dimension`'s values, by id.
    pub fn names(&self, dimension: Dimension) -> &[String] {
        match dimension {
            Dimension::Tag => &self.tag_names.names,
            Dimension::Source => &self.source_names.names,
            Dimension::Category => &self.category_names.names,
            Dimension::Lang => &self.lang_names.names,
        }
    }

    pub fn name(&self, dimension: Dimension, id: usize) -> &str {
        &self.names(dimension)[id]
    }

    /// The language of article `i`, if it has one.
    pub fn lang(&self, i: usize) -> Option<&str> {
        self.lang_names
            .names
            .get(self.langs[i] as usize)
            .map(String::as_str)
    }

    /// The sentiment of article `i`, as [`crate::article::Sentiment::index`].
    pub fn sentiment(&self, i: usize) -> usize {
        self.sentiments[i] as usize
    }

    /// Milliseconds since the epoch article `i` was published, if known.
    pub fn published(&self, i: usize) -> Option<i64> {
        let millis = self.published[i];
        (millis != i64::MIN).then_some(millis)
    }

    /// When article `i` last changed (updated, else published): the newer of two copies wins.
    pub fn recency(&self, i: usize) -> i64 {
        if self.updated[i] != i64::MIN {
            self.updated[i]
        } else {
            self.published[i]
        }
    }

    pub fn is_draft(&self, i: usize) -> bool {
        self.flags[i] & DRAFT != 0
    }

    pub fn is_pinned(&self, i: usize) -> bool {
        self.flags[i] & PINNED != 0
    }

    pub fn sticky_weight(&self, i: usize) -> f64 {
        self.sticky[i]
    }

    pub fn score(&self, i: usize) -> f64 {
        self.scores[i]
    }

    pub fn id_hash(&self, i: usize) -> u64 {
        self.id_hashes[i]
    }

    /// The story article `i` belongs to, if it can have translations.
    pub fn story(&self, i: usize) -> Option<u64> {
        (self.stories[i] != NO_STORY).then_some(self.stories[i])
    }
}

/// Whether `ok` holds for each of the next `len` values in `input`, read a few kB at a time.
fn all<T: bytemuck::Pod>(
    input: &mut impl Read,
    len: usize,
    mut ok: impl FnMut(T) -> bool,
) -> std::io::Result<bool> {
    let mut buffer = vec![T::zeroed(); len.min(1 << 14)];
    let mut left = len;
    let mut fine = true;
    while left > 0 {
        let chunk = &mut buffer[..left.min(1 << 14)];
        input.read_exact(bytemuck::cast_slice_mut(chunk))?;
        fine &= chunk.iter().all(|&value| ok(value));
        left -= chunk.len();
    }
    Ok(fine)
}

/// Interned ids of one [`Columns`] in another, by the first's id.
struct IdMap {
    tags: Vec<u32>,
    sources: Vec<u32>,
    categories: Vec<u32>,
    langs: Vec<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::with_front as article;

    #[test]
    fn rows_keep_their_values_through_encoding_and_merging() {
        let a = article(
            "a.md",
            "title: A\nlang: en\ntags: [ETF, BTC]\nsource: {name: Wire, key: wire}\nexternalId: x1",
        );
        let b = article(
            "b.md",
            "title: B\nlang: uk\ntags: [BTC]\nsource: {name: Wire, key: wire}\nexternalId: x1\nstickyWeight: 2",
        );
        let c = article("c.md", "title: C\ncategory: markets\ntags: [SOL]");
        let first = Columns::of(&[a.clone(), b.clone()]);
        let second = Columns::of(std::slice::from_ref(&c));
        let names = postcard::to_allocvec(&first).unwrap();
        let mut numbers = Vec::new();
        first.write_numbers(&mut numbers).unwrap();
        let read = |numbers: &[u8]| -> Option<Columns> {
            let mut columns: Columns = postcard::from_bytes(&names).unwrap();
            let mut file = tempfile::tempfile().unwrap();
            file.write_all(numbers).unwrap();
            file.rewind().unwrap();
            let (rows, tags) = (first.len(), first.tag_count());
            columns.check_numbers(&mut file, rows, tags).ok()?;
            let mapped = crate::library::mapped::map(&file).unwrap();
            columns.map_numbers(&mapped, 0, rows, tags)?;
            Some(columns)
        };
        let mut merged = read(&numbers).expect("columns read back");
        assert!(matches!(merged.published, Column::Mapped { .. }));
        assert_eq!(*merged.published, *first.published);
        // The last tag id names no tag; a short file holds no columns.
        let mut damaged = numbers.clone();
        let last_tag = numbers.len() - 2 * first.len() - 1;
        damaged[last_tag] = 0xff;
        assert!(read(&damaged).is_none());
        assert!(read(&numbers[..numbers.len() - 1]).is_none());
        merged.extend_from(&second, |_| true);

        assert_eq!(merged.len(), 3);
        let tags = |i: usize| -> Vec<&str> {
            merged
                .tags(i)
                .iter()
                .map(|&t| merged.name(Dimension::Tag, t as usize))
                .collect()
        };
        assert_eq!(tags(0), ["ETF", "BTC"]);
        assert_eq!(tags(1), ["BTC"]);
        assert_eq!(tags(2), ["SOL"]);
        assert_eq!(merged.lang(1), Some("uk"));
        assert_eq!(merged.lang(2), None);
        assert_eq!(
            merged.name(Dimension::Category, merged.categories[2] as usize),
            "markets"
        );
        assert!(merged.is_pinned(1) && !merged.is_pinned(0));
        assert_eq!(merged.story(0), merged.story(1));
        assert!(merged.story(0).is_some());
        assert_eq!(merged.id_hash(2), c.id.hash());

        let without_first = merged.filtered(|i| i != 0);
        assert_eq!(without_first.len(), 2);
        assert_eq!(without_first.tags(0).len(), 1);
        assert_eq!(without_first.id_hash(0), b.id.hash());
    }
}
