//! An article's links: the ones its body numbers (`[1]`, `[2]` … in the reader, in the order the
//! Markdown gives them), and which links tidings hands to a browser or writes as a hyperlink.

use pulldown_cmark::{Event, Options, Parser, Tag};

/// The Markdown extensions the reader renders with. Links are numbered under the same ones, so
/// a number means the same link on screen and when asked for by number.
pub const MARKDOWN_OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS)
    .union(Options::ENABLE_FOOTNOTES)
    .union(Options::ENABLE_HEADING_ATTRIBUTES);

/// The targets of the body's links and images, in order of first appearance, each once (an
/// autolink to a URL already linked shares its number): link N is `numbered(body)[N - 1]`.
pub fn numbered(body: &str) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    Parser::new_ext(body, MARKDOWN_OPTIONS)
        .filter_map(|event| match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                Some(dest_url.into_string())
            }
            _ => None,
        })
        .filter(|url| seen.insert(url.clone()))
        .collect()
}

/// Why `url` is not opened, if it is not: only web and mail links are, so an article cannot
/// make the reader run a `file:`, `javascript:` or custom-scheme handler. Markdown entities can
/// put control characters into a body's link, so those are refused too.
pub fn not_openable(url: &str) -> Option<&'static str> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let web_or_mail = ["http://", "https://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme));
    if !web_or_mail {
        Some("only http, https and mailto links are opened")
    } else if url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        Some("the link holds spaces or control characters")
    } else {
        None
    }
}

/// Whether `url` may be written into an OSC 8 hyperlink: an openable link of printable ASCII
/// only, so nothing in it can end the escape sequence early or be read as another one, and
/// every character of it is one column on screen.
pub fn fits_a_hyperlink(url: &str) -> bool {
    not_openable(url).is_none() && url.bytes().all(|byte| byte.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_and_images_are_numbered_in_order() {
        let body = "An [a](https://a.example) and ![pic](https://img.example/p.png).\n\n\
                    | x | y |\n|---|---|\n| [b](mailto:b@example.org) | 1 |\n";
        assert_eq!(
            numbered(body),
            [
                "https://a.example",
                "https://img.example/p.png",
                "mailto:b@example.org"
            ]
        );
    }

    #[test]
    fn only_web_and_mail_links_open() {
        for url in [
            "https://example.org/a?b=c",
            "HTTP://EXAMPLE.ORG",
            "mailto:desk@example.org",
        ] {
            assert_eq!(not_openable(url), None, "{url}");
        }
        for url in [
            "file:///etc/passwd",
            "javascript:alert(1)",
            "ftp://example.org",
            "/relative/path",
            "",
            "https://example.org/a b",
            "https://example.org/\u{1b}]0;x\u{7}",
            "https://example.org/\u{9c}",
        ] {
            assert!(not_openable(url).is_some(), "{url:?}");
        }
    }

    #[test]
    fn hyperlinks_hold_printable_ascii_only() {
        assert!(fits_a_hyperlink("https://example.org/a?b=c#d"));
        assert!(!fits_a_hyperlink("https://uk.example.org/Київ"));
        assert!(!fits_a_hyperlink("https://example.org/\u{1b}\\"));
        assert!(!fits_a_hyperlink("file:///etc/passwd"));
        // Markdown decodes entities in a link's target: a sanitized body can still give one
        // with control characters, which must never reach the terminal inside OSC 8.
        let decoded = numbered("[x](https://a.example/&#27;]0;pwned&#7;)");
        assert!(decoded[0].contains('\u{1b}'), "{decoded:?}");
        assert!(!fits_a_hyperlink(&decoded[0]));
    }
}
