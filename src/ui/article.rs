//! An article as lines of text: a header with its metadata, the rendered body, then its links.

use chrono::{DateTime, Local, Utc};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::markdown::{self, wrap};
use super::theme::Theme;
use crate::article::links::fits_a_hyperlink;
use crate::article::{Article, ArticleDetails};
use crate::library::Marks;

/// Where times are shown: the user's local time, or UTC (for reproducible output in tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Zone {
    #[default]
    Local,
    Utc,
}

impl Zone {
    /// `2026-01-14 09:30` in this zone.
    pub fn format(self, at: DateTime<Utc>, pattern: &str) -> String {
        match self {
            Self::Local => at.with_timezone(&Local).format(pattern).to_string(),
            Self::Utc => at.format(pattern).to_string(),
        }
    }

    pub fn date(self, at: DateTime<Utc>) -> chrono::NaiveDate {
        match self {
            Self::Local => at.with_timezone(&Local).date_naive(),
            Self::Utc => at.date_naive(),
        }
    }
}

/// An article as lines, and where on them its links' URLs are.
#[derive(Default)]
pub struct ArticleText {
    pub lines: Vec<Line<'static>>,
    pub hyperlinks: Vec<Hyperlink>,
    /// Lines of the title, which come first.
    pub title_lines: usize,
    /// Where the list of links begins (the end of the text when there is none).
    pub links_from: usize,
}

/// A URL on screen: `width` columns from `column` of line `line`, one column per character.
/// A URL wrapped across lines is one of these per line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hyperlink {
    pub line: usize,
    pub column: u16,
    pub width: u16,
    pub url: String,
}

/// Everything the reader shows for one article, wrapped to `width`, with where the listed
/// links' URLs landed: only URLs that may become terminal hyperlinks ([`fits_a_hyperlink`])
/// are placed.
pub fn article_text(
    article: &Article,
    details: &ArticleDetails,
    marks: Marks,
    width: u16,
    theme: Theme,
    zone: Zone,
    original_language: Option<&str>,
) -> ArticleText {
    let local_time = |at: DateTime<Utc>| zone.format(at, "%Y-%m-%d %H:%M");
    let width = width.max(10) as usize;
    let mut lines = Vec::new();
    let paragraph = |text: &str, style: Style| -> Vec<Line<'static>> {
        wrap(&[(Some(text.to_owned()), style)], width)
            .into_iter()
            .map(Line::from)
            .collect()
    };
    lines.extend(paragraph(&article.title, theme.title()));
    let title_lines = lines.len();

    let mut facts = Vec::new();
    if !article.source.name.is_empty() {
        facts.push(article.source.name.to_string());
    }
    if !article.authors.is_empty() {
        facts.push(format!("by {}", article.authors.join(", ")));
    }
    facts.push(match article.published_at {
        Some(at) => local_time(at),
        None => "date unknown".to_owned(),
    });
    if let Some(updated) = article
        .updated_at
        .filter(|u| Some(*u) != article.published_at)
    {
        facts.push(format!("updated {}", local_time(updated)));
    }
    lines.extend(paragraph(&facts.join(" · "), theme.dim()));

    let mut labels: Vec<Span<'static>> = vec![Span::styled(
        format!("{} {}", article.sentiment.glyph(), article.sentiment.name()),
        theme.sentiment(article.sentiment),
    )];
    let mut extra = Vec::new();
    if let Some(category) = &article.category {
        extra.push(category.to_string());
    }
    if let Some(lang) = &article.lang {
        extra.push(lang.to_string());
    }
    if article.is_pinned() {
        extra.push("pinned".to_owned());
    }
    if article.draft {
        extra.push("draft".to_owned());
    }
    if marks.starred {
        extra.push("★ starred".to_owned());
    }
    if let Some(ai) = &article.ai {
        if ai.rewritten {
            extra.push("AI-rewritten".to_owned());
        }
        if let Some(original) = &ai.translated_from {
            // The original's language says more than its id; the id when it is not loaded.
            extra.push(format!(
                "translated from {}",
                original_language.unwrap_or(original)
            ));
        }
    }
    for item in extra {
        labels.push(Span::styled(" · ", theme.dim()));
        labels.push(Span::styled(item, theme.accent()));
    }
    lines.push(Line::from(labels));
    if !article.tags.is_empty() {
        let tags: Vec<String> = article.tags.iter().map(|t| format!("#{t}")).collect();
        lines.extend(paragraph(&tags.join(" "), theme.link_ref()));
    }
    if !article.description.is_empty() {
        lines.push(Line::default());
        lines.extend(paragraph(&article.description, theme.quote()));
    }
    lines.push(Line::from(Span::styled("─".repeat(width), theme.dim())));

    let body = markdown::render(&details.body, width as u16, theme);
    lines.extend(body.lines);

    let mut links: Vec<(String, String)> = body
        .links
        .iter()
        .enumerate()
        .map(|(n, url)| (format!("[{}]", n + 1), url.clone()))
        .collect();
    if let Some(url) = &details.canonical_url {
        links.push(("original".to_owned(), url.clone()));
    }
    if let Some(url) = &details.source_url {
        links.push(("source".to_owned(), url.clone()));
    }
    if let Some((size, url)) = details
        .cover_image
        .iter()
        .find(|(size, _)| size == "regular")
        .or_else(|| details.cover_image.first())
    {
        links.push((format!("cover image ({size})"), url.clone()));
    }
    let mut hyperlinks = Vec::new();
    let links_from = lines.len();
    if !links.is_empty() {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled("Links", theme.heading(3))));
        for (label, url) in links {
            let pieces = [
                (Some(label), theme.link_ref()),
                (Some(format!(" {url}")), theme.link()),
            ];
            let wrapped: Vec<Line<'static>> =
                wrap(&pieces, width).into_iter().map(Line::from).collect();
            if fits_a_hyperlink(&url) {
                hyperlinks.extend(place_url(&wrapped, lines.len(), &url));
            }
            lines.extend(wrapped);
        }
    }
    ArticleText {
        lines,
        hyperlinks,
        title_lines,
        links_from,
    }
}

/// Where `url` landed in `wrapped` (which starts at line `first`): it is the last word, and has
/// no space to wrap at, so it is the last `url.len()` columns, walking back across lines. Every
/// character of a URL that may be a hyperlink is ASCII: one column each.
fn place_url(wrapped: &[Line<'static>], first: usize, url: &str) -> Vec<Hyperlink> {
    let mut left = url.len();
    let mut placed = Vec::new();
    for (at, line) in wrapped.iter().enumerate().rev() {
        if left == 0 {
            break;
        }
        let line_width = line.width();
        let taken = left.min(line_width);
        left -= taken;
        placed.push(Hyperlink {
            line: first + at,
            column: u16::try_from(line_width - taken).unwrap_or(u16::MAX),
            width: u16::try_from(taken).unwrap_or(u16::MAX),
            url: url.to_owned(),
        });
    }
    placed.reverse();
    placed
}

pub fn local_time(at: DateTime<Utc>) -> String {
    Zone::Local.format(at, "%Y-%m-%d %H:%M")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placed_text(wrapped: &[Line<'_>], first: usize, placed: &[Hyperlink]) -> String {
        placed
            .iter()
            .map(|link| {
                let line: String = wrapped[link.line - first]
                    .spans
                    .iter()
                    .map(|span| span.content.as_ref())
                    .collect();
                let start = link.column as usize;
                line[start..start + link.width as usize].to_owned()
            })
            .collect()
    }

    #[test]
    fn a_url_is_placed_on_every_line_it_wraps_to() {
        let url = "https://example.org/a/rather/long/path?q=1";
        for width in [10, 16, 40, 80] {
            let pieces = [
                (Some("cover image (regular)".to_owned()), Style::new()),
                (Some(format!(" {url}")), Style::new()),
            ];
            let wrapped: Vec<Line<'static>> =
                wrap(&pieces, width).into_iter().map(Line::from).collect();
            let placed = place_url(&wrapped, 7, url);
            assert_eq!(placed_text(&wrapped, 7, &placed), url, "width {width}");
            assert!(placed.iter().all(|link| link.width > 0), "width {width}");
        }
    }
}
