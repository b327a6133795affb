//! Feed lists from other readers: OPML both ways, and newsboat's `urls` file in.

use std::collections::HashSet;

use anyhow::{Result, anyhow};
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};

use super::list::FeedSpec;

/// The feeds in an OPML file or a newsboat `urls` file, told apart by their first character.
/// Keys are left empty: the list gives each one when it is added.
pub fn import(text: &str) -> Result<Vec<FeedSpec>> {
    let text = text.trim_start_matches('\u{feff}');
    if text.trim_start().starts_with('<') {
        from_opml(text)
    } else {
        Ok(from_newsboat(text))
    }
}

/// OPML outlines with an `xmlUrl`; the titles of the outlines around one become its tags, as
/// readers file feeds in folders.
fn from_opml(text: &str) -> Result<Vec<FeedSpec>> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut folders: Vec<Option<String>> = Vec::new();
    let mut feeds = Vec::new();
    let mut saw_opml = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| anyhow!("not valid OPML: {e}"))?;
        match event {
            Event::Start(element) | Event::Empty(element)
                if element.local_name().as_ref() == "opml" =>
            {
                saw_opml = true;
            }
            Event::Start(element) if element.local_name().as_ref() == "outline" => {
                let outline = Outline::of(&element);
                if let Some(feed) = outline.feed(&folders) {
                    feeds.push(feed);
                    folders.push(None);
                } else {
                    folders.push(outline.title());
                }
            }
            Event::Empty(element) if element.local_name().as_ref() == "outline" => {
                if let Some(feed) = Outline::of(&element).feed(&folders) {
                    feeds.push(feed);
                }
            }
            Event::End(element) if element.local_name().as_ref() == "outline" => {
                folders.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_opml {
        return Err(anyhow!("not an OPML file (no <opml> element)"));
    }
    Ok(feeds)
}

#[derive(Default)]
struct Outline {
    text: Option<String>,
    title: Option<String>,
    xml_url: Option<String>,
    category: Option<String>,
}

impl Outline {
    fn of(element: &BytesStart<'_>) -> Self {
        let mut outline = Self::default();
        for attribute in element.attributes().flatten() {
            let Ok(value) = attribute.normalized_value(XmlVersion::Implicit1_0) else {
                continue;
            };
            let value = Some(value.trim().to_owned()).filter(|v| !v.is_empty());
            match attribute.key.local_name().as_ref() {
                "text" => outline.text = value,
                "title" => outline.title = value,
                "xmlUrl" | "xmlurl" => outline.xml_url = value,
                "category" => outline.category = value,
                _ => {}
            }
        }
        outline
    }

    fn title(&self) -> Option<String> {
        self.title.clone().or_else(|| self.text.clone())
    }

    fn feed(&self, folders: &[Option<String>]) -> Option<FeedSpec> {
        let url = self.xml_url.clone()?;
        let mut tags: Vec<String> = folders.iter().flatten().cloned().collect();
        // OPML 2.0 categories are comma-separated paths (`/News/Tech`); each part is a tag.
        for category in self.category.iter().flat_map(|c| c.split(',')) {
            tags.extend(
                category
                    .split('/')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned),
            );
        }
        Some(FeedSpec {
            name: self.title().unwrap_or_else(|| host_name(&url)),
            key: String::new(),
            url,
            tags: unique(tags),
            category: None,
        })
    }
}

/// newsboat's `urls`: a URL, then tags, `"~Name"` naming the feed; `#` comments; `query:` and
/// other non-HTTP lines (newsboat's own filters and commands) are skipped.
fn from_newsboat(text: &str) -> Vec<FeedSpec> {
    let mut feeds = Vec::new();
    for line in text.lines() {
        let words = split_quoted(line.trim());
        let Some((url, rest)) = words.split_first() else {
            continue;
        };
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            continue;
        }
        let mut name = None;
        let mut tags = Vec::new();
        for word in rest {
            if let Some(title) = word.strip_prefix('~') {
                name = Some(title.to_owned());
            } else if word.starts_with('!') {
                // `!` hides a feed in newsboat; no tag of ours means that.
            } else if !word.is_empty() {
                tags.push(word.clone());
            }
        }
        feeds.push(FeedSpec {
            name: name.unwrap_or_else(|| host_name(url)),
            key: String::new(),
            url: url.clone(),
            tags: unique(tags),
            category: None,
        });
    }
    feeds
}

/// Words split at spaces, `"quoted words"` kept whole, from a `#` outside quotes on a comment.
fn split_quoted(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut started = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                started = true;
            }
            '#' if !quoted && !started => break,
            c if c.is_whitespace() && !quoted => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            c => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        words.push(word);
    }
    words
}

fn unique(tags: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    tags.into_iter()
        .filter(|t| seen.insert(t.to_lowercase()))
        .collect()
}

/// `https://www.example.org/feed` → `example.org`: a name for a feed that has none.
fn host_name(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    host.strip_prefix("www.").unwrap_or(host).to_owned()
}

/// An OPML 2.0 document listing `feeds`, their tags as categories.
pub fn export(feeds: &[FeedSpec]) -> String {
    use quick_xml::escape::escape;
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head>\n    \
         <title>tidings feeds</title>\n  </head>\n  <body>\n",
    );
    for feed in feeds {
        out.push_str(&format!(
            "    <outline type=\"rss\" text=\"{name}\" title=\"{name}\" xmlUrl=\"{url}\"",
            name = escape(feed.name.as_str()),
            url = escape(feed.url.as_str()),
        ));
        if !feed.tags.is_empty() {
            out.push_str(&format!(
                " category=\"{}\"",
                escape(feed.tags.join(",").as_str())
            ));
        }
        out.push_str("/>\n");
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opml_folders_become_tags() {
        let opml = r#"<?xml version="1.0"?><opml version="2.0"><head/><body>
            <outline text="Tech"><outline type="rss" text="A &amp; B" xmlUrl="https://a.example/rss"/>
            <outline text="Deep"><outline text="C" xmlUrl="https://c.example/atom" category="/x/y,z"/></outline></outline>
            <outline text="Loose" xmlUrl="https://d.example/feed.json"></outline>
            <outline text="No URL"/></body></opml>"#;
        let feeds = import(opml).unwrap();
        assert_eq!(feeds.len(), 3);
        assert_eq!(feeds[0].name, "A & B");
        assert_eq!(feeds[0].tags, ["Tech"]);
        assert_eq!(feeds[1].tags, ["Tech", "Deep", "x", "y", "z"]);
        assert!(feeds[2].tags.is_empty());
        let again = import(&export(&feeds)).unwrap();
        assert_eq!(again[0].name, "A & B");
        assert_eq!(again[1].url, "https://c.example/atom");
        assert_eq!(again[1].tags, feeds[1].tags);
        assert!(import("<html><body/></html>").is_err());
    }

    #[test]
    fn newsboat_urls_with_tags_and_names() {
        let urls = "# my feeds\nhttps://www.a.example/rss tech \"long tag\" \"~A Wire\"\n\n\
                    \"query:unread:unread = \\\"yes\\\"\"\nhttp://b.example/feed !hidden news # note\n";
        let feeds = import(urls).unwrap();
        assert_eq!(feeds.len(), 2);
        assert_eq!(feeds[0].name, "A Wire");
        assert_eq!(feeds[0].tags, ["tech", "long tag"]);
        assert_eq!(feeds[1].name, "b.example");
        assert_eq!(feeds[1].tags, ["news"]);
    }
}
