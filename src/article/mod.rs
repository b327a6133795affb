//! What an article is: the strong types every other module works with.

mod frontmatter;
pub mod links;
mod parse;
pub mod text;
mod toml_mapping;
mod yaml;

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Short text (tags, languages, source names, ids) stored inline up to 24 bytes: a library of
/// 100,000 articles holds about a million of them, and heap-allocating each costs memory and time.
pub type ShortText = compact_str::CompactString;

pub use parse::{ParseError, Parsed, parse_article, parse_date};

/// The article of a file `name` with the frontmatter lines `front` and a one-line body: for
/// tests that need articles with given fields.
#[cfg(test)]
pub(crate) fn with_front(name: &str, front: &str) -> Article {
    let text = format!("---\n{front}\n---\nBody.\n");
    parse_article(name, name, text.as_bytes())
        .expect("parses")
        .article
}

/// Changes whenever parsing would give a different result for the same file, so caches made by
/// another version are re-read instead of serving stale articles or problems.
pub const PARSER_REVISION: &str = concat!(env!("CARGO_PKG_VERSION"), "+p3");

/// Files larger than this are reported as problems instead of being read. Real articles are a few
/// kilobytes; the cap keeps one stray export or log file from costing memory and time.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Stable identity of an article: `source.key/externalId/lang` when the aggregator gave them, else
/// the file's path within its library folder. Translations of one story differ only in the language part.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ArticleId(pub ShortText);

impl ArticleId {
    /// A short, stable handle for typing on the command line (like a git short hash).
    pub fn short(&self) -> String {
        format!("{:08x}", self.hash() >> 32)
    }

    /// FNV-1a: stable across runs and platforms, unlike std's randomly seeded hasher, so it can
    /// be stored. The short id is its upper half.
    pub fn hash(&self) -> u64 {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in self.0.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        hash
    }
}

impl fmt::Display for ArticleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Sentiment {
    Positive,
    Neutral,
    Negative,
    Unknown,
}

impl Sentiment {
    pub const ALL: [Self; 4] = [Self::Positive, Self::Neutral, Self::Negative, Self::Unknown];

    /// Lenient: any case, full names or the three-letter forms the query language uses.
    pub fn parse(value: &str) -> Option<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "positive" | "pos" | "+" => Some(Self::Positive),
            "neutral" | "neu" | "=" => Some(Self::Neutral),
            "negative" | "neg" | "-" => Some(Self::Negative),
            "unknown" | "unk" | "none" | "?" => Some(Self::Unknown),
            _ => None,
        }
    }

    /// How queries write it: `pos`, `neu`, `neg`, `unknown`.
    pub const fn short_name(self) -> &'static str {
        match self {
            Self::Positive => "pos",
            Self::Neutral => "neu",
            Self::Negative => "neg",
            Self::Unknown => "unknown",
        }
    }

    pub const fn name(self) -> &'static str {
        match self {
            Self::Positive => "positive",
            Self::Neutral => "neutral",
            Self::Negative => "negative",
            Self::Unknown => "unknown",
        }
    }

    /// A glyph that carries the meaning without colour (NO_COLOR, colour-blind users).
    pub const fn glyph(self) -> char {
        match self {
            Self::Positive => '+',
            Self::Neutral => '=',
            Self::Negative => '-',
            Self::Unknown => '?',
        }
    }

    pub const fn index(self) -> usize {
        self as usize
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// Shown to the user.
    pub name: ShortText,
    /// Stable, lower-case; used in ids and filters.
    pub key: ShortText,
    /// The intake kind: RSS, API, …
    #[serde(rename = "type")]
    pub kind: ShortText,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AiInfo {
    pub rewritten: bool,
    pub version: Option<i64>,
    /// The `externalId` of the original when this article is a translation.
    pub translated_from: Option<ShortText>,
}

/// The metadata of one article: everything lists, filters and facets need, kept in memory for the
/// whole library. Bulky, rarely used fields live in [`ArticleDetails`], loaded on demand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    pub id: ArticleId,
    /// The file it was read from, as found under its root (or `builtin:NAME` for samples).
    pub path: String,
    pub title: String,
    pub description: String,
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    pub published_at: Option<DateTime<Utc>>,
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    pub updated_at: Option<DateTime<Utc>>,
    /// ISO 639-1, lower case.
    pub lang: Option<ShortText>,
    pub external_id: Option<ShortText>,
    pub source: Source,
    pub category: Option<ShortText>,
    /// Upper case, de-duplicated, in the file's order.
    pub tags: Vec<ShortText>,
    /// As the file names them (`author` or `authors`), de-duplicated, in the file's order.
    pub authors: Vec<String>,
    pub sticky_weight: f64,
    pub sentiment: Sentiment,
    pub score: f64,
    pub draft: bool,
    pub ai: Option<AiInfo>,
}

impl Article {
    pub fn is_pinned(&self) -> bool {
        self.sticky_weight > 0.0
    }

    /// Whether the id is the file's path within its library folder (the file has no source and
    /// external id): the same path in two folders is two articles, not two copies of one.
    pub fn id_is_path(&self) -> bool {
        self.external_id.is_none() || self.source.key.is_empty()
    }

    /// Whether the aggregator translated it from another article (`ai.translatedFrom`).
    pub fn is_translation(&self) -> bool {
        self.ai
            .as_ref()
            .is_some_and(|ai| ai.translated_from.is_some())
    }

    /// Which story this is, across its translations: the source and the original's external id.
    pub fn story_key(&self) -> Option<(&str, &str)> {
        let external = self
            .ai
            .as_ref()
            .and_then(|ai| ai.translated_from.as_deref())
            .or(self.external_id.as_deref())?;
        if self.source.key.is_empty() {
            return None;
        }
        Some((&self.source.key, external))
    }
}

/// What only the reader needs: the body and the long links.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ArticleDetails {
    pub body: String,
    pub canonical_url: Option<String>,
    pub source_url: Option<String>,
    /// `(size, url)` pairs in the file's order: raw, full, regular, small, thumb, …
    pub cover_image: Vec<(String, String)>,
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    pub ai_expanded_at: Option<DateTime<Utc>>,
}
