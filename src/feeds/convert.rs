//! Feed entries into article files: frontmatter in the format tidings reads, HTML into Markdown,
//! every text sanitized on the way.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use feed_rs::model::{Entry, Feed, FeedType, Text};
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use super::list::FeedSpec;
use crate::article::text::{clean_block, clean_line};

/// The teaser is cut at a word boundary around this many characters.
const DESCRIPTION_CHARS: usize = 280;
/// Longer slugs make unwieldy file names; the id after them keeps them apart anyway.
const SLUG_CHARS: usize = 60;

/// One entry, ready to be written.
#[derive(Debug, Clone)]
pub struct ArticleFile {
    pub external_id: String,
    /// `yyyy/mm` of its date (or of the fetch, for an undated entry).
    pub month_folder: String,
    pub slug: String,
    pub title: String,
    /// The whole file: frontmatter and body.
    pub text: String,
    /// The entry's cover image, as written in the frontmatter.
    pub cover_url: Option<String>,
}

/// A feed's entries as files, and what could not be made of some of them.
#[derive(Debug, Default)]
pub struct Converted {
    pub articles: Vec<ArticleFile>,
    pub problems: Vec<String>,
    /// Entries whose id an earlier entry of the same feed already had; the first is kept.
    pub duplicates: usize,
}

/// Parses RSS 0.9x/1.0/2.0, Atom or JSON Feed. Relative links resolve against `url`. An entry
/// without an id is given none (feed-rs would make one up), so it can be told from one that has.
pub fn parse(bytes: &[u8], url: &str) -> Result<Feed, String> {
    feed_rs::parser::Builder::new()
        .base_uri(Some(url))
        .id_generator(|_, _, _| String::new())
        .build()
        .parse(bytes)
        .map_err(|error| match error {
            feed_rs::parser::ParseFeedError::ParseError(
                feed_rs::parser::ParseErrorKind::NoFeedRoot,
            ) => "not a feed (no RSS, Atom or JSON Feed root)".to_owned(),
            other => format!("not a valid feed: {other}"),
        })
}

/// A stable id for an entry (its id or guid, else its link): the first 16 hex digits of its
/// SHA-256, the same on every machine and in every version.
pub fn external_id(identity: &str) -> String {
    let digest = Sha256::digest(identity.as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

pub fn convert(spec: &FeedSpec, feed: &Feed, fetched_at: DateTime<Utc>) -> Converted {
    let converter = htmd::HtmlToMarkdown::builder()
        .skip_tags(vec![
            "script", "style", "noscript", "iframe", "object", "embed", "form", "head",
        ])
        .build();
    let kind = match feed.feed_type {
        FeedType::Atom => "Atom",
        FeedType::JSON => "JSON Feed",
        _ => "RSS",
    };
    let site = feed
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .map(|l| l.href.as_str());
    let mut seen = HashSet::new();
    let mut out = Converted::default();
    for (position, entry) in feed.entries.iter().enumerate() {
        let link = entry_link(entry);
        let identity = if entry.id.trim().is_empty() {
            link
        } else {
            Some(entry.id.trim())
        };
        let Some(identity) = identity else {
            let title = entry.title.as_ref().map(|t| clean_line(&t.content));
            out.problems.push(format!(
                "entry {} ({}) has no id and no link; skipped",
                position + 1,
                title.as_deref().unwrap_or("untitled")
            ));
            continue;
        };
        let id = external_id(identity);
        if !seen.insert(id.clone()) {
            out.duplicates += 1;
            continue;
        }
        let context = Context {
            spec,
            kind,
            site,
            feed_language: feed.language.as_deref(),
            converter: &converter,
            fetched_at,
        };
        out.articles.push(context.article(entry, id, link));
    }
    out
}

struct Context<'a> {
    spec: &'a FeedSpec,
    kind: &'static str,
    site: Option<&'a str>,
    feed_language: Option<&'a str>,
    converter: &'a htmd::HtmlToMarkdown,
    fetched_at: DateTime<Utc>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Frontmatter<'a> {
    title: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    published_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lang: Option<String>,
    external_id: &'a str,
    source: SourceYaml<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    canonical_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    category: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    cover_image: BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
struct SourceYaml<'a> {
    name: String,
    key: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl Context<'_> {
    fn article(&self, entry: &Entry, external_id: String, link: Option<&str>) -> ArticleFile {
        let body_html = entry
            .content
            .as_ref()
            .and_then(|c| {
                let body = c.body.as_deref()?;
                Some((body, c.content_type.subty().as_str() != "plain"))
            })
            .or_else(|| {
                entry
                    .summary
                    .as_ref()
                    .map(|s| (s.content.as_str(), is_html(s)))
            });
        let base = entry
            .base
            .as_deref()
            .or(link)
            .or(self.site)
            .unwrap_or(&self.spec.url);
        let body = body_html.map_or_else(String::new, |(text, html)| {
            if html {
                resolve_links(&self.markdown(text), base)
            } else {
                clean_block(text.trim())
            }
        });
        let summary = entry.summary.as_ref().map_or_else(
            || plain_text(&body),
            |s| {
                if is_html(s) {
                    plain_text(&self.markdown(&s.content))
                } else {
                    clean_line(&s.content)
                }
            },
        );
        let description = shorten(&summary, DESCRIPTION_CHARS);
        let title = entry
            .title
            .as_ref()
            .map(|t| {
                if is_html(t) {
                    plain_text(&self.markdown(&t.content))
                } else {
                    clean_line(&t.content)
                }
            })
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| {
                let fallback = shorten(&description, 80);
                if fallback.is_empty() {
                    "Untitled".to_owned()
                } else {
                    fallback
                }
            });
        let published = entry.published.or(entry.updated);
        let updated = entry.updated.filter(|u| Some(*u) != published);
        let mut tags: Vec<String> = Vec::new();
        let categories = entry
            .categories
            .iter()
            .map(|c| c.label.as_deref().unwrap_or(&c.term));
        for tag in self.spec.tags.iter().map(String::as_str).chain(categories) {
            let tag = clean_line(tag).to_uppercase();
            if !tag.is_empty() && !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        let mut cover_image = BTreeMap::new();
        let cover_url =
            cover_image_url(entry, body_html.map(|(text, _)| text)).map(|url| clean_line(&url));
        if let Some(url) = &cover_url {
            cover_image.insert("raw", url.clone());
        }
        let frontmatter = Frontmatter {
            title: &title,
            description: &description,
            published_at: published.map(time),
            updated_at: updated.map(time),
            lang: entry
                .language
                .as_deref()
                .or(self.feed_language)
                .and_then(language_code),
            external_id: &external_id,
            source: SourceYaml {
                name: clean_line(&self.spec.name),
                key: &self.spec.key,
                kind: self.kind,
                url: self.site.map(clean_line),
            },
            canonical_url: link.map(clean_line),
            category: self.spec.category.as_deref().map(clean_line),
            tags,
            authors: entry
                .authors
                .iter()
                .filter_map(|a| a.name.as_deref().map(clean_line))
                .filter(|a| !a.is_empty())
                .collect(),
            cover_image,
        };
        // Serializing plain strings and maps cannot fail; an empty frontmatter would still load.
        let yaml = serde_yaml::to_string(&frontmatter).unwrap_or_default();
        let mut text = format!("---\n{yaml}---\n");
        if !body.is_empty() {
            text.push_str(&body);
            text.push('\n');
        }
        ArticleFile {
            month_folder: published
                .unwrap_or(self.fetched_at)
                .format("%Y/%m")
                .to_string(),
            slug: slug(&title),
            title,
            external_id,
            text,
            cover_url,
        }
    }

    fn markdown(&self, html: &str) -> String {
        let markdown = self
            .converter
            .convert(html)
            .unwrap_or_else(|_| html.to_owned());
        clean_block(markdown.trim())
    }
}

/// Relative link and image targets (`](/rooms)`) made absolute against `base`: the file is read
/// far from the site it came from.
fn resolve_links(markdown: &str, base: &str) -> String {
    let Ok(base) = url::Url::parse(base) else {
        return markdown.to_owned();
    };
    let Ok(pattern) = regex::Regex::new(r"\]\(([^)\s]+)") else {
        return markdown.to_owned();
    };
    pattern
        .replace_all(markdown, |captures: &regex::Captures<'_>| {
            let target = &captures[1];
            let absolute = if target.contains("://")
                || target.starts_with(['#', '<'])
                || target.starts_with("mailto:")
            {
                None
            } else {
                base.join(target).ok()
            };
            match absolute {
                Some(url) => format!("]({url}"),
                None => captures[0].to_owned(),
            }
        })
        .into_owned()
}

fn is_html(text: &Text) -> bool {
    text.content_type.subty().as_str() != "plain"
}

/// The entry's page: its alternate link, else its first.
fn entry_link(entry: &Entry) -> Option<&str> {
    entry
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .or_else(|| entry.links.first())
        .map(|l| l.href.trim())
        .filter(|href| !href.is_empty())
}

/// An image enclosure or media item, its thumbnail, an image attachment, else the first image in
/// the content. (feed-rs drops a `media:thumbnail` that stands alone, outside `media:content`.)
fn cover_image_url(entry: &Entry, html: Option<&str>) -> Option<String> {
    let thumbnail = entry
        .media
        .iter()
        .flat_map(|m| &m.thumbnails)
        .map(|t| t.image.uri.clone())
        .next();
    let media = || {
        entry
            .media
            .iter()
            .flat_map(|m| &m.content)
            .find(|c| {
                c.content_type
                    .as_ref()
                    .is_some_and(|t| t.ty().as_str() == "image")
            })
            .and_then(|c| c.url.as_ref().map(ToString::to_string))
    };
    let attachment = || {
        entry
            .links
            .iter()
            .find(|l| {
                l.media_type
                    .as_deref()
                    .is_some_and(|t| t.starts_with("image/"))
            })
            .map(|l| l.href.clone())
    };
    let inline = || {
        let html = html?;
        let pattern = regex::Regex::new(r#"(?i)<img\b[^>]*?\bsrc\s*=\s*["']([^"']+)["']"#).ok()?;
        pattern
            .captures(html)
            .and_then(|c| c.get(1))
            .map(|m| m.as_str().to_owned())
    };
    media()
        .or(thumbnail)
        .or_else(attachment)
        .or_else(inline)
        .filter(|url| url.starts_with("http://") || url.starts_with("https://"))
}

/// `en-US` → `en`; anything that is not a language code is dropped.
fn language_code(tag: &str) -> Option<String> {
    let code = tag.trim().split(['-', '_']).next()?.to_lowercase();
    ((2..=3).contains(&code.len()) && code.chars().all(|c| c.is_ascii_alphabetic())).then_some(code)
}

/// The words of some Markdown, without its markup, on one line.
fn plain_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser, TagEnd};
    let mut out = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(text) | Event::Code(text) => out.push_str(&text),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => out.push(' '),
            _ => {}
        }
    }
    clean_line(&out)
}

/// At most about `limit` characters, cut after a word, with `…` when cut.
fn shorten(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let cut: String = text.chars().take(limit).collect();
    let cut = match cut.rfind(' ') {
        Some(space) if space > limit / 2 => &cut[..space],
        _ => &cut,
    };
    format!("{}…", cut.trim_end_matches([' ', ',', ';', ':', '.']))
}

/// `Bitcoin climbs 5%!` → `bitcoin-climbs-5`; letters of any script are kept.
fn slug(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if slug.chars().count() >= SLUG_CHARS {
            break;
        }
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "entry".to_owned()
    } else {
        slug.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_keep_letters_of_any_script() {
        assert_eq!(slug("Bitcoin climbs 5%!"), "bitcoin-climbs-5");
        assert_eq!(slug("Новини дня"), "новини-дня");
        assert_eq!(slug("???"), "entry");
        assert!(slug(&"word ".repeat(40)).chars().count() <= SLUG_CHARS);
    }

    #[test]
    fn ids_are_stable_hashes() {
        assert_eq!(external_id("tag:example.org,2026:1").len(), 16);
        assert_eq!(external_id("a"), external_id("a"));
        assert_ne!(external_id("a"), external_id("b"));
        // The digest of "abc" is fixed by the SHA-256 standard.
        assert_eq!(external_id("abc"), "ba7816bf8f01cfea");
    }

    #[test]
    fn languages_and_teasers() {
        assert_eq!(language_code("en-US").as_deref(), Some("en"));
        assert_eq!(language_code("uk").as_deref(), Some("uk"));
        assert_eq!(language_code("english"), None);
        assert_eq!(shorten("one two three", 8), "one two…");
        assert_eq!(
            plain_text("A [link](https://x.org) and **bold**."),
            "A link and bold."
        );
        assert_eq!(
            resolve_links(
                "[a](/x) ![b](y.png) [c](https://o.org/z) [d](#top)",
                "http://s.org/p/q"
            ),
            "[a](http://s.org/x) ![b](http://s.org/p/y.png) [c](https://o.org/z) [d](#top)"
        );
    }

    #[test]
    fn awkward_values_read_back_as_written() {
        let spec = FeedSpec {
            name: "Wire: \"quoted\" #1".into(),
            key: "wire".into(),
            url: "http://127.0.0.1/feed".into(),
            tags: vec!["yes".into()],
            category: Some("null".into()),
        };
        let titles = [
            "null",
            "123",
            "- dash: colon",
            "'single' \"double\"",
            "@at \u{1b}[31mred",
        ];
        let mut items = String::new();
        for (n, title) in titles.iter().enumerate() {
            let title = serde_json::to_string(title).unwrap();
            items.push_str(&format!(
                "{{\"id\": \"{n}\", \"title\": {title}, \"content_text\": \"x\"}},"
            ));
        }
        let json = format!(
            "{{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"W\", \"items\": [{}]}}",
            items.trim_end_matches(',')
        );
        let feed = parse(json.as_bytes(), &spec.url).unwrap();
        let converted = convert(&spec, &feed, Utc::now());
        assert_eq!(converted.articles.len(), titles.len());
        for (article, title) in converted.articles.iter().zip(titles) {
            let parsed = crate::article::parse_article("a.md", "a.md", article.text.as_bytes())
                .unwrap()
                .article;
            assert_eq!(parsed.title, clean_line(title), "{}", article.text);
            assert!(!parsed.title.contains('\u{1b}'));
            assert_eq!(parsed.source.name, "Wire: \"quoted\" #1");
            assert_eq!(parsed.category.as_deref(), Some("null"));
            assert_eq!(parsed.tags, ["YES"]);
            assert_eq!(
                parsed.external_id.as_deref(),
                Some(article.external_id.as_str())
            );
        }
    }

    #[test]
    fn html_becomes_markdown_without_scripts() {
        let spec = FeedSpec {
            name: "Wire".into(),
            key: "wire".into(),
            url: "http://127.0.0.1/feed".into(),
            tags: vec!["news".into()],
            category: Some("TECH".into()),
        };
        let rss = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>W</title><link>http://127.0.0.1/</link>
            <item><title>One</title><guid>g1</guid><link>http://127.0.0.1/1</link><category>rust</category>
            <description><![CDATA[<p>Hi <a href="http://127.0.0.1/x">there</a><script>alert(1)</script><img src="http://127.0.0.1/i.png"></p>]]></description></item>
            <item><title>Dup</title><guid>g1</guid></item>
            <item><title>Nothing</title></item></channel></rss>"#;
        let feed = parse(rss.as_bytes(), &spec.url).unwrap();
        let converted = convert(&spec, &feed, Utc::now());
        assert_eq!(converted.articles.len(), 1);
        assert_eq!(converted.duplicates, 1);
        assert_eq!(converted.problems.len(), 1, "{:?}", converted.problems);
        let text = &converted.articles[0].text;
        assert!(text.contains("[there](http://127.0.0.1/x)"), "{text}");
        assert!(text.contains("![](http://127.0.0.1/i.png)"), "{text}");
        assert!(!text.contains("alert"), "{text}");
        assert!(text.contains("- NEWS\n- RUST\n"), "{text}");
        assert!(text.contains("raw: http://127.0.0.1/i.png"), "{text}");
    }
}
