//! From a file's bytes to an [`Article`]: frontmatter keys mapped leniently into strong types.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde_json::{Map, Value};

use super::frontmatter::{self, Frontmatter};
use super::text::{clean_block, clean_line, repair_mojibake, strip_escape_sequences};
use super::{
    AiInfo, Article, ArticleDetails, ArticleId, MAX_FILE_BYTES, Sentiment, ShortText, Source,
    toml_mapping, yaml,
};

/// More tags than this are dropped (with a warning): the sidebar and filters stay usable.
const MAX_TAGS: usize = 64;
/// More authors than this are dropped (with a warning): the header stays a header.
const MAX_AUTHORS: usize = 16;
/// Longer single-line fields are cut (with a warning).
const MAX_LINE_CHARS: usize = 1_000;

/// Why a file could not be used at all. Each message is one line, meant for the user.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ParseError {
    /// `size` is `None` when the file gave more than the limit while it was read (it grew, or it
    /// is a device or `/proc` file whose size the system does not know).
    #[error("file is {}over the {limit}-byte limit for one article", size.map(|s| format!("{s} bytes, ")).unwrap_or_default(), limit = MAX_FILE_BYTES)]
    TooLarge { size: Option<u64> },
    #[error("binary file (contains NUL bytes), not Markdown")]
    Binary,
    #[error("not valid UTF-8 (first bad byte at offset {offset})")]
    InvalidUtf8 { offset: usize },
    #[error("{0}")]
    Frontmatter(&'static str),
    #[error("bad YAML frontmatter: {0}")]
    Yaml(String),
    #[error("bad TOML frontmatter: {0}")]
    Toml(String),
}

/// A successfully read file: the article, its bulky details, and what was odd about it.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub article: Article,
    pub details: ArticleDetails,
    /// Things the user should hear about, though the article loaded (an unreadable date, …).
    pub warnings: Vec<String>,
    /// Guesses made where the file said nothing (a date from the file name): worth knowing,
    /// nothing wrong.
    pub notes: Vec<String>,
}

/// Reads one article. `path` is how the file is named to the user; `relative` is its path within
/// its library folder, the id of last resort (so the id survives a move of the folder).
pub fn parse_article(path: &str, relative: &str, bytes: &[u8]) -> Result<Parsed, ParseError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ParseError::TooLarge {
            size: Some(bytes.len() as u64),
        });
    }
    if memchr::memchr(0, bytes).is_some() {
        return Err(ParseError::Binary);
    }
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|error| ParseError::InvalidUtf8 {
        offset: error.valid_up_to(),
    })?;
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_owned()
    };
    let (frontmatter, body) = frontmatter::split(&text).map_err(ParseError::Frontmatter)?;
    let fields = match frontmatter {
        Some(Frontmatter::Yaml(yaml_text)) => {
            yaml::parse_mapping(&strip_controls(&repair_mojibake(yaml_text)))
                .map_err(ParseError::Yaml)?
        }
        Some(Frontmatter::Toml(toml_text)) => {
            toml_mapping::parse_mapping(&strip_controls(&repair_mojibake(toml_text)))
                .map_err(ParseError::Toml)?
        }
        None => Map::new(),
    };
    Ok(map_fields(path, relative, &fields, body))
}

/// YAML and TOML reject raw control characters, so a stray escape sequence in a title would cost
/// the whole article. Whole sequences, then any other control characters, are dropped before
/// parsing (fields are sanitized again afterwards); the mojibake repair comes first because its
/// input can contain C1 characters (`â€\u{9d}` is `”`).
fn strip_controls(yaml: &str) -> String {
    strip_escape_sequences(yaml)
        .chars()
        .filter(|&c| c == '\n' || c == '\t' || !c.is_control())
        .collect()
}

/// The frontmatter's keys, each with the other names sites give it, first found wins. The
/// README's "How files are read" lists the same mapping for users.
const TITLE: &[&str] = &["title"];
const DESCRIPTION: &[&str] = &["description", "summary"];
const PUBLISHED_AT: &[&str] = &[
    "publishedAt",
    "published_at",
    "date",
    "publishDate",
    "pubDate",
];
const UPDATED_AT: &[&str] = &[
    "updatedAt",
    "updated_at",
    "lastmod",
    "modified",
    "last_modified_at",
];
/// Tags, else the first of these a site uses for topics (Jekyll `categories`, `keywords`, …).
const TAGS: &[&str] = &["tags", "categories", "keywords", "topics"];
const AUTHORS: &[&str] = &["authors", "author"];

fn map_fields(path: &str, relative: &str, fields: &Map<String, Value>, body: &str) -> Parsed {
    let mut warnings = Vec::new();
    let mut notes = Vec::new();
    // A key present but empty (`tags:`) is as good as absent, so an alias can still answer.
    let named = |names: &[&str]| {
        names.iter().find_map(|name| {
            fields
                .get_key_value(*name)
                .filter(|(_, value)| !value.is_null())
        })
    };
    let get = |names: &[&str]| named(names).map(|(_, value)| value);
    let line = |names: &[&str], warnings: &mut Vec<String>| -> Option<String> {
        let raw = scalar_text(get(names)?)?;
        let cleaned = clean_line(&raw);
        if cleaned.is_empty() {
            return None;
        }
        Some(truncate(cleaned, names[0], warnings))
    };

    let body = clean_block(body);
    let title = line(TITLE, &mut warnings)
        .or_else(|| first_heading(&body))
        .unwrap_or_else(|| file_title(relative));
    let description = line(DESCRIPTION, &mut warnings).unwrap_or_default();
    let published = named(PUBLISHED_AT);
    let named_day = file_name_date(relative);
    let published_at = match (date_field(published.map(|(_, v)| v)), named_day) {
        (Ok(Some(at)), _) => Some(at),
        (Ok(None), None) => None,
        (Ok(None), Some(day)) => {
            notes.push(format!(
                "no date in the frontmatter; {} taken from the file name",
                day.format("%Y-%m-%d")
            ));
            Some(day)
        }
        (Err(raw), day) => {
            let key = published.map_or(PUBLISHED_AT[0], |(key, _)| key.as_str());
            warnings.push(match day {
                Some(day) => format!(
                    "{key} {raw:?} is not a date; {} taken from the file name",
                    day.format("%Y-%m-%d")
                ),
                None => format!("{key} {raw:?} is not a date; date shown as unknown"),
            });
            day
        }
    };
    let updated = named(UPDATED_AT);
    let updated_at = date_field(updated.map(|(_, v)| v));
    if let Err(raw) = &updated_at {
        let key = updated.map_or(UPDATED_AT[0], |(key, _)| key.as_str());
        warnings.push(format!("{key} {raw:?} is not a date; ignored"));
    }
    let lang = line(&["lang", "language"], &mut warnings).map(|lang| lang.to_lowercase());
    let external_id = line(&["externalId", "external_id"], &mut warnings);
    let (source, source_url) = source_field(get(&["source"]));
    let category = line(&["category"], &mut warnings);
    let mut tags = tags_field(get(TAGS));
    if tags.len() > MAX_TAGS {
        warnings.push(format!(
            "{} tags; only the first {MAX_TAGS} are kept",
            tags.len()
        ));
        tags.truncate(MAX_TAGS);
    }
    let mut authors = authors_field(get(AUTHORS));
    if authors.len() > MAX_AUTHORS {
        warnings.push(format!(
            "{} authors; only the first {MAX_AUTHORS} are kept",
            authors.len()
        ));
        authors.truncate(MAX_AUTHORS);
    }
    let sentiment = get(&["sentiment"])
        .and_then(scalar_text)
        .and_then(|value| Sentiment::parse(&value))
        .unwrap_or(Sentiment::Unknown);
    let sticky_weight = get(&["stickyWeight", "sticky_weight"])
        .and_then(number)
        .unwrap_or(0.0);
    let score = get(&["score"]).and_then(number).unwrap_or(0.0);
    let draft = get(&["draft"]).and_then(boolean).unwrap_or(false);
    let canonical_url = line(
        &["canonicalUrl", "canonical_url", "url", "link"],
        &mut warnings,
    );
    let cover_image = cover_image_field(get(&["coverImage", "cover_image", "image"]));
    let (ai, ai_expanded_at) = ai_field(get(&["ai"]));

    let id = match (&external_id, source.key.is_empty()) {
        (Some(external), false) => match &lang {
            Some(lang) => ArticleId(compact_str::format_compact!(
                "{}/{external}/{lang}",
                source.key
            )),
            None => ArticleId(compact_str::format_compact!("{}/{external}", source.key)),
        },
        _ => ArticleId(relative.into()),
    };
    Parsed {
        article: Article {
            id,
            path: path.to_owned(),
            title,
            description,
            published_at,
            updated_at: updated_at.ok().flatten(),
            lang: lang.map(Into::into),
            external_id: external_id.map(Into::into),
            source,
            category: category.map(Into::into),
            tags,
            authors,
            sticky_weight,
            sentiment,
            score,
            draft,
            ai,
        },
        details: ArticleDetails {
            body,
            canonical_url,
            source_url,
            cover_image,
            ai_expanded_at,
        },
        warnings,
        notes,
    }
}

fn truncate(mut text: String, field: &str, warnings: &mut Vec<String>) -> String {
    if let Some((cut, _)) = text.char_indices().nth(MAX_LINE_CHARS) {
        text.truncate(cut);
        text.push('…');
        warnings.push(format!("{field} is over {MAX_LINE_CHARS} characters; cut"));
    }
    text
}

/// Strings, numbers and booleans as text (`externalId: 57170442` is as good as `'57170442'`).
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
    .filter(|number: &f64| number.is_finite())
}

fn boolean(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(flag) => Some(*flag),
        Value::Number(number) => number.as_f64().map(|n| n != 0.0),
        Value::String(text) => match text.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "1" => Some(true),
            "false" | "no" | "off" | "0" | "" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// `Ok(None)` when absent, `Err(raw)` when present but unreadable.
fn date_field(value: Option<&Value>) -> Result<Option<DateTime<Utc>>, String> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(number)) => {
            let seconds = number.as_f64().unwrap_or(f64::NAN);
            // Large numbers are milliseconds (JavaScript's Date.now()), small ones seconds.
            let millis = if seconds.abs() > 1e11 {
                seconds
            } else {
                seconds * 1000.0
            };
            Utc.timestamp_millis_opt(millis as i64)
                .single()
                .map(Some)
                .ok_or_else(|| number.to_string())
        }
        Some(Value::String(text)) if text.trim().is_empty() => Ok(None),
        Some(Value::String(text)) => parse_date(text).map(Some).ok_or_else(|| clean_line(text)),
        Some(other) => Err(clean_line(&other.to_string())),
    }
}

/// RFC 3339 (with or without fractions or a zone), date-only, and RFC 2822; UTC when no zone.
pub fn parse_date(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(date) = DateTime::parse_from_rfc3339(text) {
        return Some(date.with_timezone(&Utc));
    }
    if let Ok(date) = DateTime::parse_from_rfc2822(text) {
        return Some(date.with_timezone(&Utc));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return Some(naive.and_utc());
        }
    }
    if let Ok(date) = DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f %z") {
        return Some(date.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .map(|naive| naive.and_utc())
}

fn source_field(value: Option<&Value>) -> (Source, Option<String>) {
    let mut source = Source::default();
    let mut url = None;
    match value {
        Some(Value::Object(map)) => {
            let text = |key: &str| map.get(key).and_then(scalar_text).map(|t| clean_line(&t));
            source.name = text("name").unwrap_or_default().into();
            source.key = text("key").unwrap_or_default().to_lowercase().into();
            source.kind = text("type").unwrap_or_default().into();
            url = text("url").filter(|url| !url.is_empty());
        }
        Some(other) => {
            source.name = scalar_text(other)
                .map(|t| clean_line(&t))
                .unwrap_or_default()
                .into();
        }
        None => {}
    }
    if source.key.is_empty() {
        source.key = slug(&source.name).into();
    }
    if source.name.is_empty() {
        source.name.clone_from(&source.key);
    }
    (source, url)
}

fn slug(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A YAML list, or a comma-separated string. Upper-cased and de-duplicated.
fn tags_field(value: Option<&Value>) -> Vec<ShortText> {
    let raw: Vec<String> = match value {
        Some(Value::Array(items)) => items.iter().filter_map(scalar_text).collect(),
        Some(Value::String(text)) => text.split(',').map(str::to_owned).collect(),
        Some(other) => scalar_text(other).into_iter().collect(),
        None => Vec::new(),
    };
    let mut tags: Vec<ShortText> = Vec::with_capacity(raw.len());
    for tag in raw {
        let tag: ShortText = clean_line(&tag).to_uppercase().into();
        if !tag.is_empty() && !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    tags
}

/// A name, a list of names, or mappings with a `name` (Hugo's author tables); cleaned and
/// de-duplicated, in the file's order. A single string is one name even with commas in it
/// ("Doe, Jane").
fn authors_field(value: Option<&Value>) -> Vec<String> {
    let name = |value: &Value| match value {
        Value::Object(map) => map.get("name").and_then(scalar_text),
        other => scalar_text(other),
    };
    let raw: Vec<String> = match value {
        Some(Value::Array(items)) => items.iter().filter_map(name).collect(),
        Some(other) => name(other).into_iter().collect(),
        None => Vec::new(),
    };
    let mut authors: Vec<String> = Vec::with_capacity(raw.len());
    for author in raw {
        let author = clean_line(&author);
        if !author.is_empty() && !authors.contains(&author) {
            authors.push(author);
        }
    }
    authors
}

fn cover_image_field(value: Option<&Value>) -> Vec<(String, String)> {
    match value {
        Some(Value::Object(map)) => map
            .iter()
            .filter_map(|(size, url)| Some((clean_line(size), clean_line(&scalar_text(url)?))))
            .filter(|(_, url)| !url.is_empty())
            .collect(),
        Some(Value::String(url)) if !url.trim().is_empty() => {
            vec![("image".to_owned(), clean_line(url))]
        }
        _ => Vec::new(),
    }
}

fn ai_field(value: Option<&Value>) -> (Option<AiInfo>, Option<DateTime<Utc>>) {
    let Some(Value::Object(map)) = value else {
        return (None, None);
    };
    let ai = AiInfo {
        rewritten: map.get("rewritten").and_then(boolean).unwrap_or(false),
        version: map.get("version").and_then(number).map(|v| v as i64),
        translated_from: map
            .get("translatedFrom")
            .and_then(scalar_text)
            .map(|t| clean_line(&t).into())
            .filter(|t: &ShortText| !t.is_empty()),
    };
    let expanded_at = date_field(map.get("expandedAt")).ok().flatten();
    (Some(ai), expanded_at)
}

/// The text of the first `# ` heading, for files without a title. Lines inside fenced code are
/// not headings (a shell comment is not a title).
fn first_heading(body: &str) -> Option<String> {
    let mut fence: Option<&str> = None;
    for line in body.lines() {
        let trimmed = line.trim_start();
        if let Some(marker) = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m)) {
            fence = match fence {
                None => Some(marker),
                Some(open) if open == marker => None,
                inside => inside,
            };
            continue;
        }
        if fence.is_some() {
            continue;
        }
        if let Some(heading) = line.strip_prefix("# ") {
            let heading = clean_line(heading.trim_end_matches('#'));
            if !heading.is_empty() {
                return Some(heading);
            }
        }
    }
    None
}

/// The file's name, for an article with neither a title nor a heading: without the date a
/// Jekyll name starts with, and for a Hugo page bundle (`my-post/index.md`) its folder's name.
fn file_title(relative: &str) -> String {
    let mut parts = relative.rsplit(['/', '\\']);
    let name = parts.next().unwrap_or(relative);
    let stem = name
        .strip_suffix(".md")
        .or_else(|| name.strip_suffix(".markdown"))
        .unwrap_or(name);
    let stem = match parts.next() {
        Some(folder) if matches!(stem, "index" | "_index") && !folder.is_empty() => folder,
        _ => stem,
    };
    let undated = stem
        .get(10..)
        .filter(|_| date_prefix(stem).is_some())
        .map(|rest| rest.trim_start_matches(['-', '_']))
        .filter(|rest| !rest.is_empty())
        .unwrap_or(stem);
    clean_line(undated)
}

/// The day a file's name starts with (`2018-10-17-ruby-released.md`, as Jekyll names posts), at
/// midnight UTC.
fn file_name_date(relative: &str) -> Option<DateTime<Utc>> {
    let name = relative.rsplit(['/', '\\']).next().unwrap_or(relative);
    date_prefix(name)?
        .and_hms_opt(0, 0, 0)
        .map(|at| at.and_utc())
}

/// `YYYY-MM-DD` at the start of `name`, followed by its end or a separator.
fn date_prefix(name: &str) -> Option<NaiveDate> {
    let day = name.get(..10)?;
    let next = name[10..].chars().next();
    if !matches!(next, None | Some('-' | '_' | '.')) {
        return None;
    }
    // The shape first: chrono alone would accept `2018-1-017`.
    let shaped = day.bytes().enumerate().all(|(i, b)| match i {
        4 | 7 => b == b'-',
        _ => b.is_ascii_digit(),
    });
    shaped.then(|| NaiveDate::parse_from_str(day, "%Y-%m-%d").ok())?
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Parsed {
        parse_article("/lib/dir/some-file.md", "dir/some-file.md", text.as_bytes()).expect("parses")
    }

    #[test]
    fn dates_in_every_documented_shape() {
        let expected = Utc.with_ymd_and_hms(2026, 1, 14, 22, 57, 5).unwrap();
        assert_eq!(parse_date("2026-01-14T22:57:05Z"), Some(expected));
        assert_eq!(parse_date("2026-01-14T22:57:05.000Z"), Some(expected));
        assert_eq!(parse_date("2026-01-14T23:57:05+01:00"), Some(expected));
        assert_eq!(parse_date("2026-01-14T22:57:05"), Some(expected));
        assert_eq!(
            parse_date("Wed, 14 Jan 2026 22:57:05 +0000"),
            Some(expected)
        );
        assert_eq!(
            parse_date("2026-01-14"),
            Some(Utc.with_ymd_and_hms(2026, 1, 14, 0, 0, 0).unwrap())
        );
        assert_eq!(parse_date("yesterday-ish"), None);
    }

    #[test]
    fn title_falls_back_to_heading_then_file_name() {
        assert_eq!(
            parse("---\nlang: en\n---\n# From the body\ntext")
                .article
                .title,
            "From the body"
        );
        assert_eq!(
            parse("---\nlang: en\n---\nno heading").article.title,
            "some-file"
        );
    }

    #[test]
    fn lenient_values() {
        let parsed = parse(
            "---\nsentiment: negative\ntags: btc, Eth ,BTC\ndraft: 'yes'\nstickyWeight: '2'\n\
             externalId: 42\nsource: Some Wire\npublishedAt: soon\n---\n",
        );
        let article = parsed.article;
        assert_eq!(article.sentiment, Sentiment::Negative);
        assert_eq!(article.tags, ["BTC", "ETH"]);
        assert!(article.draft);
        assert_eq!(article.sticky_weight, 2.0);
        assert_eq!(article.source.key, "somewire");
        assert_eq!(article.id.0, "somewire/42");
        assert_eq!(article.published_at, None);
        assert_eq!(parsed.warnings.len(), 1, "{:?}", parsed.warnings);
    }

    #[test]
    fn unknown_sentiment_is_not_a_rejection() {
        assert_eq!(
            parse("---\nsentiment: BULLISH\n---\n").article.sentiment,
            Sentiment::Unknown
        );
        assert_eq!(
            parse("---\ntitle: x\n---\n").article.sentiment,
            Sentiment::Unknown
        );
    }

    #[test]
    fn crlf_and_bom_are_accepted() {
        let parsed = parse_article(
            "a.md",
            "a.md",
            b"\xef\xbb\xbf---\r\ntitle: T\r\n---\r\nline\r\n",
        )
        .unwrap();
        assert_eq!(parsed.article.title, "T");
        assert_eq!(parsed.details.body, "line\n");
    }

    #[test]
    fn unusable_files_say_why() {
        assert_eq!(
            parse_article("a.md", "a.md", b"x\0y").unwrap_err(),
            ParseError::Binary
        );
        assert_eq!(
            parse_article("a.md", "a.md", b"ok \xff").unwrap_err(),
            ParseError::InvalidUtf8 { offset: 3 }
        );
        assert!(matches!(
            parse_article("a.md", "a.md", b"---\ntitle: x\n").unwrap_err(),
            ParseError::Frontmatter(_)
        ));
        assert!(matches!(
            parse_article("a.md", "a.md", b"---\ntitle: [x\n---\n").unwrap_err(),
            ParseError::Yaml(_)
        ));
    }

    #[test]
    fn control_characters_and_c1_mojibake_in_frontmatter_are_cleaned_not_fatal() {
        let parsed = parse(
            "---\ntitle: 'Red \u{1b}[31malert\u{1b}[0m\u{7}'\ndescription: 'He said â€œyesâ€\u{9d}'\n---\n",
        );
        assert_eq!(
            parsed.article.title, "Red alert",
            "whole sequences go, not just ESC"
        );
        assert_eq!(parsed.article.description, "He said “yes”");
    }

    #[test]
    fn too_many_tags_are_cut_with_a_warning() {
        let tags: Vec<String> = (0..10_000).map(|n| format!("T{n}")).collect();
        let parsed = parse(&format!("---\ntags: [{}]\n---\n", tags.join(", ")));
        assert_eq!(parsed.article.tags.len(), MAX_TAGS);
        assert!(parsed.warnings[0].contains("10000 tags"));
    }
    #[test]
    fn aliases_other_sites_use() {
        let parsed = parse(
            "---\ndate: 2019-04-02\nlastmod: '2019-05-01T08:00:00Z'\nsummary: Short.\n\
             categories: [Releases, security]\nauthor: Ada Quill\n---\nText\n",
        );
        let article = parsed.article;
        assert_eq!(
            article.published_at,
            Some(Utc.with_ymd_and_hms(2019, 4, 2, 0, 0, 0).unwrap())
        );
        assert_eq!(
            article.updated_at,
            Some(Utc.with_ymd_and_hms(2019, 5, 1, 8, 0, 0).unwrap())
        );
        assert_eq!(article.description, "Short.");
        assert_eq!(article.tags, ["RELEASES", "SECURITY"]);
        assert_eq!(article.authors, ["Ada Quill"]);
        assert!(parsed.warnings.is_empty() && parsed.notes.is_empty());

        let article = parse(
            "---\nmodified: 2020-01-02\nkeywords: 'a, b'\n\
             authors: [Ben Ode, {name: Cy Pell, email: c@example.org}, Ben Ode]\n---\n",
        )
        .article;
        assert!(article.updated_at.is_some());
        assert_eq!(article.tags, ["A", "B"]);
        assert_eq!(article.authors, ["Ben Ode", "Cy Pell"]);
        assert_eq!(parse("---\ntopics: [x]\n---\n").article.tags, ["X"]);
        // A single name keeps its comma: "Doe, Jane" is one person.
        assert_eq!(
            parse("---\nauthor: 'Doe, Jane'\n---\n").article.authors,
            ["Doe, Jane"]
        );
    }

    #[test]
    fn the_formats_own_keys_win_over_aliases() {
        let article = parse(
            "---\npublishedAt: '2026-01-01T00:00:00Z'\ndate: 2001-01-01\ntags: [T]\n\
             categories: [C]\ndescription: D\nsummary: S\n---\n",
        )
        .article;
        assert_eq!(
            article.published_at,
            Some(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap())
        );
        assert_eq!(article.tags, ["T"]);
        assert_eq!(article.description, "D");
        // An empty key is as good as absent: the alias answers.
        assert_eq!(
            parse("---\ntags:\ncategories: [C]\n---\n").article.tags,
            ["C"]
        );
    }

    #[test]
    fn a_jekyll_name_dates_an_undated_post_with_a_note() {
        let parsed = parse_article(
            "/lib/_posts/2018-10-17-ruby-released.md",
            "_posts/2018-10-17-ruby-released.md",
            b"---\nlayout: post\n---\nNo title here.\n",
        )
        .unwrap();
        assert_eq!(
            parsed.article.published_at,
            Some(Utc.with_ymd_and_hms(2018, 10, 17, 0, 0, 0).unwrap())
        );
        assert_eq!(parsed.article.title, "ruby-released");
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        assert_eq!(
            parsed.notes,
            ["no date in the frontmatter; 2018-10-17 taken from the file name"]
        );
        // The frontmatter's own date wins, and needs no note.
        let dated = parse_article(
            "2018-10-17-x.md",
            "2018-10-17-x.md",
            b"---\ndate: 2018-10-18 09:00:00\n---\n",
        )
        .unwrap();
        assert_eq!(
            dated.article.published_at,
            Some(Utc.with_ymd_and_hms(2018, 10, 18, 9, 0, 0).unwrap())
        );
        assert!(dated.notes.is_empty());
        // An unreadable date falls back to the name too, and that is a warning.
        let unreadable = parse_article(
            "2018-10-17-x.md",
            "2018-10-17-x.md",
            b"---\ndate: soon\n---\n",
        )
        .unwrap();
        assert!(unreadable.article.published_at.is_some());
        assert_eq!(
            unreadable.warnings,
            ["date \"soon\" is not a date; 2018-10-17 taken from the file name"]
        );
    }

    #[test]
    fn only_a_whole_day_at_the_start_of_the_name_is_a_date() {
        for name in ["2018-10-17.md", "x/2018-10-17_a.md", "2018-10-17-a.md"] {
            assert!(file_name_date(name).is_some(), "{name}");
        }
        for name in [
            "2018-10-177.md",
            "2018-13-01-a.md",
            "2018-1-017-a.md",
            "a-2018-10-17.md",
            "2018-10-1.md",
        ] {
            assert!(file_name_date(name).is_none(), "{name}");
        }
    }

    #[test]
    fn page_bundles_are_named_by_their_folder() {
        assert_eq!(file_title("posts/harbour-news/index.md"), "harbour-news");
        assert_eq!(file_title("_index.md"), "_index");
        assert_eq!(file_title("2018-10-17.md"), "2018-10-17");
    }

    #[test]
    fn hugo_frontmatter_after_blank_lines_keeps_its_comments_out_of_the_title() {
        let article = parse(
            "\n\n---\n# See all topics at https://example.org/topics\ntitle: Ferry times change\n\
             date: 2021-06-01T09:30:00+02:00\n---\nBody.\n",
        )
        .article;
        assert_eq!(article.title, "Ferry times change");
        assert_eq!(
            article.published_at,
            Some(Utc.with_ymd_and_hms(2021, 6, 1, 7, 30, 0).unwrap())
        );
        // Without a title, a comment is still not one: the body's heading is.
        let untitled = parse("\n---\n# a comment\ndraft: false\n---\n# Real heading\n").article;
        assert_eq!(untitled.title, "Real heading");
    }

    #[test]
    fn toml_frontmatter_maps_like_yaml() {
        let parsed = parse(
            "+++\ntitle = \"Tram line opens\"\ndate = 2022-03-04T05:06:07Z\n\
             lastmod = 2022-03-05\ntags = [\"transport\"]\nauthors = [\"Di Vale\"]\n\
             draft = true\n+++\nBody.\n",
        );
        let article = parsed.article;
        assert_eq!(article.title, "Tram line opens");
        assert_eq!(
            article.published_at,
            Some(Utc.with_ymd_and_hms(2022, 3, 4, 5, 6, 7).unwrap())
        );
        assert_eq!(
            article.updated_at,
            Some(Utc.with_ymd_and_hms(2022, 3, 5, 0, 0, 0).unwrap())
        );
        assert_eq!(article.tags, ["TRANSPORT"]);
        assert_eq!(article.authors, ["Di Vale"]);
        assert!(article.draft);
        assert_eq!(parsed.details.body, "Body.\n");
        assert!(matches!(
            parse_article("a.md", "a.md", b"+++\ntitle = [\n+++\n").unwrap_err(),
            ParseError::Toml(_)
        ));
    }

    #[test]
    fn deep_toml_nesting_is_refused_not_a_crash() {
        let text = format!(
            "+++\na = {}{}\n+++\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert!(parse_article("a.md", "a.md", text.as_bytes()).is_err());
    }

    #[test]
    fn headings_inside_code_are_not_titles() {
        assert_eq!(
            parse("```sh\n# install it\n```\n# The title\n")
                .article
                .title,
            "The title"
        );
    }

    #[test]
    fn the_id_of_last_resort_is_the_path_within_the_library() {
        assert_eq!(
            parse("---\ntitle: x\n---\n").article.id.0,
            "dir/some-file.md"
        );
        assert_eq!(
            parse("---\ntitle: x\n---\n").article.path,
            "/lib/dir/some-file.md"
        );
    }
}
