//! Splits a file's text into its YAML frontmatter and Markdown body.

/// `Ok((Some(yaml), body))` for a file with frontmatter, `Ok((None, text))` for plain Markdown.
/// Expects text whose line endings are already `\n`.
pub fn split(text: &str) -> Result<(Option<&str>, &str), &'static str> {
    let Some(rest) = strip_fence_line(text, "---") else {
        return Ok((None, text));
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            let yaml = &rest[..offset];
            let body = &rest[offset + line.len()..];
            return Ok((Some(yaml), body));
        }
        offset += line.len();
    }
    Err("frontmatter starts with --- but is never closed")
}

/// The text after a first line that is exactly `fence` (trailing blanks allowed).
fn strip_fence_line<'a>(text: &'a str, fence: &str) -> Option<&'a str> {
    let rest = text.strip_prefix(fence)?;
    let end = rest.find('\n')?;
    rest[..end].trim().is_empty().then(|| &rest[end + 1..])
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn splits_frontmatter_from_body() {
        let (yaml, body) = split("---\ntitle: A\n---\n## Body\n").unwrap();
        assert_eq!(yaml, Some("title: A\n"));
        assert_eq!(body, "## Body\n");
    }

    #[test]
    fn plain_markdown_has_no_frontmatter() {
        assert_eq!(split("# Just a note\n").unwrap(), (None, "# Just a note\n"));
        // A rule in the middle of a document is not a fence.
        assert_eq!(split("text\n---\n").unwrap().0, None);
    }

    #[test]
    fn empty_frontmatter_and_dot_terminator() {
        assert_eq!(split("---\n---\nbody").unwrap(), (Some(""), "body"));
        assert_eq!(split("---\na: 1\n...\n").unwrap(), (Some("a: 1\n"), ""));
    }

    #[test]
    fn unterminated_frontmatter_is_an_error() {
        assert!(split("---\ntitle: never closed\nbody\n").is_err());
    }
}
