//! From a file's bytes to an [`Article`]: frontmatter keys mapped leniently into strong types.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde_json::{Map, Value};

use super::text::{clean_block, clean_line, repair_mojibake, strip_escape_sequences};
use super::{
    AiInfo, Article, ArticleDetails, ArticleId, MAX_FILE_BYTES, Sentiment, ShortText, Source,
    frontmatter, yaml,
};

/// More tags than this are dropped (with a warning): the sidebar and filters stay usable.
const MAX_TAGS: usize = 64;
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
}

/// A successfully read file: the article, its bulky details, and what was odd about it.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub article: Article,
    pub details: ArticleDetails,
    /// Things the user should hear about, though the article loaded (an unreadable date, …).
    pub warnings: Vec<String>,
}

/// Reads one article. `path` is how the file is named to the user and the id of last resort.
pub fn parse_article(path: &str, bytes: &[u8]) -> Result<Parsed, ParseError> {
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
        Some(yaml_text) => yaml::parse_mapping(&strip_controls(&repair_mojibake(yaml_text)))
            .map_err(ParseError::Yaml)?,
        None => Map::new(),
    };
    Ok(map_fields(path, &fields, body))
}

/// YAML rejects raw control characters, so a stray escape sequence in a title would cost the
/// whole article. Whole sequences, then any other control characters, are dropped before parsing
/// (fields are sanitized again afterwards); the mojibake repair comes first because its input can
/// contain C1 characters (`â€\u{9d}` is `”`).
fn strip_controls(yaml: &str) -> String {
    strip_escape_sequences(yaml)
        .chars()
        .filter(|&c| c == '\n' || c == '\t' || !c.is_control())
        .collect()
}

fn map_fields(path: &str, fields: &Map<String, Value>, body: &str) -> Parsed {
    let mut warnings = Vec::new();
    let get = |names: &[&str]| names.iter().find_map(|name| fields.get(*name));
    let line = |names: &[&str], warnings: &mut Vec<String>| -> Option<String> {
        let raw = scalar_text(get(names)?)?;
        let cleaned = clean_line(&raw);
        if cleaned.is_empty() {
            return None;
        }
        Some(truncate(cleaned, names[0], warnings))
    };

    let body = clean_block(body);
    let title = line(&["title"], &mut warnings)
        .or_else(|| first_heading(&body))
        .unwrap_or_else(|| file_stem(path));
    let description = line(&["description", "summary"], &mut warnings).unwrap_or_default();
    let published_at = date_field(get(&["publishedAt", "published_at", "date", "pubDate"]));
    if let Err(raw) = &published_at {
        warnings.push(format!(
            "publishedAt {raw:?} is not a date; date shown as unknown"
        ));
    }
    let updated_at = date_field(get(&["updatedAt", "updated_at", "modified"]));
    if let Err(raw) = &updated_at {
        warnings.push(format!("updatedAt {raw:?} is not a date; ignored"));
    }
    let lang = line(&["lang", "language"], &mut warnings).map(|lang| lang.to_lowercase());
    let external_id = line(&["externalId", "external_id"], &mut warnings);
    let (source, source_url) = source_field(get(&["source"]));
    let category = line(&["category"], &mut warnings);
    let mut tags = tags_field(get(&["tags"]));
    if tags.len() > MAX_TAGS {
        warnings.push(format!(
            "{} tags; only the first {MAX_TAGS} are kept",
            tags.len()
        ));
        tags.truncate(MAX_TAGS);
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
        _ => ArticleId(path.into()),
    };
    Parsed {
        article: Article {
            id,
            path: path.to_owned(),
            title,
            description,
            published_at: published_at.ok().flatten(),
            updated_at: updated_at.ok().flatten(),
            lang: lang.map(Into::into),
            external_id: external_id.map(Into::into),
            source,
            category: category.map(Into::into),
            tags,
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

/// The text of the first `# ` heading, for files without a title.
fn first_heading(body: &str) -> Option<String> {
    body.lines()
        .find_map(|line| line.strip_prefix("# "))
        .map(|heading| clean_line(heading.trim_end_matches('#')))
        .filter(|heading| !heading.is_empty())
}

fn file_stem(path: &str) -> String {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    clean_line(name.strip_suffix(".md").unwrap_or(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Parsed {
        parse_article("dir/some-file.md", text.as_bytes()).expect("parses")
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
        let parsed =
            parse_article("a.md", b"\xef\xbb\xbf---\r\ntitle: T\r\n---\r\nline\r\n").unwrap();
        assert_eq!(parsed.article.title, "T");
        assert_eq!(parsed.details.body, "line\n");
    }

    #[test]
    fn unusable_files_say_why() {
        assert_eq!(
            parse_article("a.md", b"x\0y").unwrap_err(),
            ParseError::Binary
        );
        assert_eq!(
            parse_article("a.md", b"ok \xff").unwrap_err(),
            ParseError::InvalidUtf8 { offset: 3 }
        );
        assert!(matches!(
            parse_article("a.md", b"---\ntitle: x\n").unwrap_err(),
            ParseError::Frontmatter(_)
        ));
        assert!(matches!(
            parse_article("a.md", b"---\ntitle: [x\n---\n").unwrap_err(),
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
}
