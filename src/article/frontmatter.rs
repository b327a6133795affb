//! Splits a file's text into its frontmatter (YAML between `---`, or TOML between `+++` as Hugo
//! writes it) and Markdown body.

/// The frontmatter block of a file, in the language its fences say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frontmatter<'a> {
    Yaml(&'a str),
    Toml(&'a str),
}

/// `Ok((Some(frontmatter), body))` for a file with frontmatter, `Ok((None, text))` for plain
/// Markdown. Expects text whose line endings are already `\n`.
pub fn split(text: &str) -> Result<(Option<Frontmatter<'_>>, &str), &'static str> {
    // Blank lines before the fence occur in files written by templates (Hugo archetypes); the
    // block is still frontmatter, and missing it would turn its comments into headings.
    let start = leading_blank_lines(text);
    let text_after_blanks = &text[start..];
    if let Some(rest) = strip_fence_line(text_after_blanks, "---") {
        let (inner, body) = closed_by(rest, &["---", "..."])
            .ok_or("frontmatter starts with --- but is never closed")?;
        return Ok((Some(Frontmatter::Yaml(inner)), body));
    }
    if let Some(rest) = strip_fence_line(text_after_blanks, "+++") {
        let (inner, body) =
            closed_by(rest, &["+++"]).ok_or("frontmatter starts with +++ but is never closed")?;
        return Ok((Some(Frontmatter::Toml(inner)), body));
    }
    Ok((None, text))
}

/// How many bytes of blank lines (and a byte-order mark) start `text`.
fn leading_blank_lines(text: &str) -> usize {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if !line.ends_with('\n') || !line.trim_start_matches('\u{feff}').trim().is_empty() {
            break;
        }
        offset += line.len();
    }
    offset + text[offset..].len() - text[offset..].trim_start_matches('\u{feff}').len()
}

/// The block up to the first line that is one of `fences`, and the text after that line.
fn closed_by<'a>(rest: &'a str, fences: &[&str]) -> Option<(&'a str, &'a str)> {
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if fences.contains(&line.trim_end()) {
            return Some((&rest[..offset], &rest[offset + line.len()..]));
        }
        offset += line.len();
    }
    None
}

/// The text after a first line that is exactly `fence` (trailing blanks allowed).
fn strip_fence_line<'a>(text: &'a str, fence: &str) -> Option<&'a str> {
    let rest = text.strip_prefix(fence)?;
    let end = rest.find('\n')?;
    rest[..end].trim().is_empty().then(|| &rest[end + 1..])
}

#[cfg(test)]
mod tests {
    use super::{Frontmatter, split};

    #[test]
    fn splits_frontmatter_from_body() {
        let (yaml, body) = split("---\ntitle: A\n---\n## Body\n").unwrap();
        assert_eq!(yaml, Some(Frontmatter::Yaml("title: A\n")));
        assert_eq!(body, "## Body\n");
    }

    #[test]
    fn plain_markdown_has_no_frontmatter() {
        assert_eq!(split("# Just a note\n").unwrap(), (None, "# Just a note\n"));
        // A rule in the middle of a document is not a fence.
        assert_eq!(split("text\n---\n").unwrap().0, None);
        // Nor is one after a paragraph that happens to follow blank lines.
        assert_eq!(split("\n\ntext\n---\nmore\n---\n").unwrap().0, None);
    }

    #[test]
    fn empty_frontmatter_and_dot_terminator() {
        assert_eq!(
            split("---\n---\nbody").unwrap(),
            (Some(Frontmatter::Yaml("")), "body")
        );
        assert_eq!(
            split("---\na: 1\n...\n").unwrap(),
            (Some(Frontmatter::Yaml("a: 1\n")), "")
        );
    }

    #[test]
    fn unterminated_frontmatter_is_an_error() {
        assert!(split("---\ntitle: never closed\nbody\n").is_err());
        assert!(split("+++\ntitle = 'never closed'\nbody\n").is_err());
    }

    #[test]
    fn blank_lines_and_a_byte_order_mark_before_the_fence() {
        let (front, body) = split("\n  \n\u{feff}---\n# a comment\ntitle: A\n---\nbody\n").unwrap();
        assert_eq!(front, Some(Frontmatter::Yaml("# a comment\ntitle: A\n")));
        assert_eq!(body, "body\n");
        assert_eq!(
            split("\u{feff}\n\n---\ntitle: B\n---\n").unwrap().0,
            Some(Frontmatter::Yaml("title: B\n"))
        );
    }

    #[test]
    fn toml_between_plus_fences() {
        let (front, body) = split("\n+++\ntitle = \"A\"\n+++\n\nbody\n").unwrap();
        assert_eq!(front, Some(Frontmatter::Toml("title = \"A\"\n")));
        assert_eq!(body, "\nbody\n");
    }
}
