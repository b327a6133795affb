//! Raw HTML in Markdown as text: tags dropped, their text kept; comments and the contents of
//! `<script>` and `<style>` dropped. Not an HTML parser: enough to read what sites leave in.

/// Tags that start a new paragraph of text, so a block's text is not run together.
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "td",
    "th",
    "tr",
    "ul",
];

/// Tags whose contents are not text to read.
const HIDDEN_TAGS: &[&str] = &["script", "style"];

/// What an inline tag means for the text around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    /// Nothing: the tag is dropped.
    Drop,
    /// A line break (`<br>`).
    Break,
    /// The text that follows is hidden until the closing tag with this name.
    HideUntil(&'static str),
    /// The closing tag of hidden contents, by name.
    Close(String),
}

/// What an inline HTML event (one tag or comment) does.
pub fn inline(html: &str) -> Inline {
    match tag(html) {
        Some((name, true)) => Inline::Close(name),
        Some((name, false)) if name == "br" => Inline::Break,
        Some((name, false)) => HIDDEN_TAGS
            .iter()
            .find(|hidden| **hidden == name)
            .map_or(Inline::Drop, |hidden| Inline::HideUntil(hidden)),
        None => Inline::Drop,
    }
}

/// A tag's lower-case name and whether it closes (`</p>`), if `html` starts with one.
fn tag(html: &str) -> Option<(String, bool)> {
    let rest = html.strip_prefix('<')?;
    let (rest, closing) = match rest.strip_prefix('/') {
        Some(rest) => (rest, true),
        None => (rest, false),
    };
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (!name.is_empty() && name.starts_with(|c: char| c.is_ascii_alphabetic()))
        .then_some((name, closing))
}

/// The text of an HTML block, one string per paragraph, whitespace collapsed.
pub fn paragraphs(html: &str) -> Vec<String> {
    // ASCII lower-casing keeps every byte offset, so positions found in it hold in `html`.
    let lower = html.to_ascii_lowercase();
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    let mut at = 0;
    // Where the next `>` is, found once per stretch: a run of `<` without one stays linear.
    let mut next_close: Option<usize> = None;
    while let Some(offset) = html[at..].find(['<', '&']) {
        let start = at + offset;
        current.push_str(&html[at..start]);
        if html[start..].starts_with('&') {
            let (text, used) = entity(&html[start..]);
            current.push_str(text);
            at = start + used;
            continue;
        }
        if lower[start..].starts_with("<!--") {
            at = lower[start + 4..]
                .find("-->")
                .map_or(html.len(), |end| start + 4 + end + 3);
            continue;
        }
        let Some((name, closing)) = tag(&html[start..]) else {
            current.push('<');
            at = start + 1;
            continue;
        };
        if next_close.is_none_or(|close| close < start) {
            next_close = html[start..].find('>').map(|end| start + end);
        }
        let Some(close) = next_close else {
            // No `>` anywhere after: the rest is text, not a tag.
            current.push_str(&html[start..]);
            at = html.len();
            break;
        };
        at = close + 1;
        if !closing && HIDDEN_TAGS.contains(&name.as_str()) {
            let end_tag = format!("</{name}");
            at = lower[at..].find(&end_tag).map_or(html.len(), |end| {
                let after = at + end;
                html[after..]
                    .find('>')
                    .map_or(html.len(), |gt| after + gt + 1)
            });
            next_close = None;
        }
        // Inline tags join their text as they stand (`<b>x</b>.` is `x.`).
        if BLOCK_TAGS.contains(&name.as_str()) {
            end_paragraph(&mut paragraphs, &mut current);
        }
    }
    current.push_str(&html[at..]);
    end_paragraph(&mut paragraphs, &mut current);
    paragraphs
}

fn end_paragraph(paragraphs: &mut Vec<String>, current: &mut String) {
    let text = current.split_whitespace().collect::<Vec<_>>().join(" ");
    if !text.is_empty() {
        paragraphs.push(text);
    }
    current.clear();
}

/// The text of a character reference at the start of `html`, and the bytes it took. Only the
/// named ones text is written with: numeric references could spell control characters.
fn entity(html: &str) -> (&'static str, usize) {
    const NAMED: &[(&str, &str)] = &[
        ("&amp;", "&"),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&apos;", "'"),
        ("&#39;", "'"),
        ("&nbsp;", " "),
    ];
    NAMED
        .iter()
        .find(|(name, _)| html.starts_with(name))
        .map_or(("&", 1), |(name, text)| (text, name.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_keep_their_text_in_paragraphs() {
        let html = "<div class=\"note\">\n<p>First <b>bold</b> part.</p><p>Second &amp; last</p>\n\
                    <!-- a comment\nover lines --><script>var x = \"<p>\";</script>\
                    <style>p { color: red }</style></div>";
        assert_eq!(
            paragraphs(html),
            ["First bold part.", "Second & last"],
            "{html}"
        );
    }

    #[test]
    fn stray_angle_brackets_are_text() {
        assert_eq!(paragraphs("<p>1 < 2 and a <<<"), ["1 < 2 and a <<<"]);
        assert_eq!(paragraphs("<span>x</span"), ["x</span"]);
    }

    #[test]
    fn inline_tags_say_what_they_do() {
        assert_eq!(inline("<br/>"), Inline::Break);
        assert_eq!(inline("<SCRIPT src=x>"), Inline::HideUntil("script"));
        assert_eq!(inline("</script>"), Inline::Close("script".to_owned()));
        assert_eq!(inline("<kbd>"), Inline::Drop);
        assert_eq!(inline("<!-- note -->"), Inline::Drop);
    }
}
