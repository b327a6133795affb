//! An article as lines of text: a header with its metadata, the rendered body, then its links.

use chrono::{DateTime, Local, Utc};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use super::markdown::{self, Target, wrap};
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
    /// The line of the cover's `[image: …]`, or the first of the rows kept for its image.
    pub cover_line: Option<usize>,
}

impl ArticleText {
    /// Puts `rows` blank lines in place of the cover's `[image: …]` line, for its image to be
    /// drawn over; its link stays under Links.
    pub fn make_room_for_cover(&mut self, rows: usize) {
        let Some(at) = self.cover_line.filter(|_| rows > 0) else {
            return;
        };
        self.lines
            .splice(at..=at, std::iter::repeat_n(Line::default(), rows));
        self.hyperlinks.retain(|link| link.line != at);
        for link in &mut self.hyperlinks {
            if link.line > at {
                link.line += rows - 1;
            }
        }
        self.links_from += rows - 1;
    }
}

/// A URL on screen: `width` columns from `column` of line `line`, one column per character.
/// A URL is never wrapped; one too long for the line is cut with `…`, and the link covers what
/// is shown of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hyperlink {
    pub line: usize,
    pub column: u16,
    pub width: u16,
    pub url: String,
}

/// Everything the reader (or `show`, for [`Target::Pipe`]) shows for one article, wrapped to
/// `width`, with where the listed links' URLs landed: only URLs that may become terminal
/// hyperlinks ([`fits_a_hyperlink`]) are placed.
#[allow(clippy::too_many_arguments)]
pub fn article_text(
    article: &Article,
    details: &ArticleDetails,
    marks: Marks,
    width: u16,
    theme: Theme,
    zone: Zone,
    original_language: Option<&str>,
    target: Target,
) -> ArticleText {
    let local_time = |at: DateTime<Utc>| zone.format(at, "%Y-%m-%d %H:%M");
    let width = width.max(10) as usize;
    let mut lines = Vec::new();
    let paragraph = |text: &str, style: Style| -> Vec<Line<'static>> {
        wrap(&[(Some(text.to_owned()), style)], width, target)
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

    let cover = cover_image(details);
    let mut hyperlinks = Vec::new();
    // A line with a URL, and where the URL landed on it when it may be a terminal hyperlink.
    let push_url = |lines: &mut Vec<Line<'static>>,
                    hyperlinks: &mut Vec<Hyperlink>,
                    (line, placed): (Line<'static>, Option<(u16, u16)>),
                    url: &str| {
        if fits_a_hyperlink(url) {
            hyperlinks.extend(placed.map(|(column, width)| Hyperlink {
                line: lines.len(),
                column,
                width,
                url: url.to_owned(),
            }));
        }
        lines.push(line);
    };
    let mut cover_line = None;
    if let Some((_, url)) = cover {
        // The cover is a line with its link; where the terminal draws images, the reader puts
        // the image over it (`make_room_for_cover`).
        cover_line = Some(lines.len());
        let line = labelled_url("[image:", theme.dim(), url, "]", width, target, theme);
        push_url(&mut lines, &mut hyperlinks, line, url);
        lines.push(Line::default());
    }

    let body = markdown::render(&details.body, width as u16, theme, target);
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
    if let Some((size, url)) = cover {
        links.push((format!("cover image ({size})"), url.clone()));
    }
    let links_from = lines.len();
    if !links.is_empty() {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled("Links", theme.heading(3))));
        for (label, url) in links {
            let line = labelled_url(&label, theme.link_ref(), &url, "", width, target, theme);
            push_url(&mut lines, &mut hyperlinks, line, &url);
        }
    }
    ArticleText {
        lines,
        hyperlinks,
        title_lines,
        links_from,
        cover_line,
    }
}

/// The cover image shown: its `regular` size, else the first it has, as `(size, url)`.
pub fn cover_image(details: &ArticleDetails) -> Option<&(String, String)> {
    details
        .cover_image
        .iter()
        .find(|(size, _)| size == "regular")
        .or_else(|| details.cover_image.first())
}

/// `label url end` on one line, and the columns the URL takes there. Piped, the URL is whole
/// however long; on screen, one too long for the line is cut with `…` (the link still covers
/// what is shown). Every character of a URL that may be a hyperlink is ASCII: one column each.
fn labelled_url(
    label: &str,
    label_style: Style,
    url: &str,
    end: &str,
    width: usize,
    target: Target,
    theme: Theme,
) -> (Line<'static>, Option<(u16, u16)>) {
    let column = label.width() + 1;
    let shown = match target {
        Target::Pipe => url.into(),
        Target::Screen => markdown::truncate(url, width.saturating_sub(column + end.width())),
    };
    let placed = (!shown.is_empty()).then(|| {
        (
            u16::try_from(column).unwrap_or(u16::MAX),
            u16::try_from(shown.width()).unwrap_or(u16::MAX),
        )
    });
    let line = Line::from(vec![
        Span::styled(label.to_owned(), label_style),
        Span::raw(" "),
        Span::styled(shown.into_owned(), theme.link()),
        Span::styled(end.to_owned(), label_style),
    ]);
    (line, placed)
}

pub fn local_time(at: DateTime<Utc>) -> String {
    Zone::Local.format(at, "%Y-%m-%d %H:%M")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cover_line_gives_its_place_to_rows_for_the_image() {
        let link = |line: usize| Hyperlink {
            line,
            column: 1,
            width: 3,
            url: format!("https://example.org/{line}"),
        };
        let text = || ArticleText {
            lines: ["title", "[image: u]", "", "body", "Links", "[1] u"]
                .into_iter()
                .map(Line::from)
                .collect(),
            hyperlinks: vec![link(1), link(5)],
            title_lines: 1,
            links_from: 4,
            cover_line: Some(1),
        };
        let mut room = text();
        room.make_room_for_cover(3);
        let lines: Vec<String> = room.lines.iter().map(ToString::to_string).collect();
        assert_eq!(lines, ["title", "", "", "", "", "body", "Links", "[1] u"]);
        let mut moved = link(5);
        moved.line = 7;
        assert_eq!(room.hyperlinks, [moved]);
        assert_eq!(room.links_from, 6);
        assert_eq!(room.cover_line, Some(1));

        let mut none = text();
        none.make_room_for_cover(0);
        assert_eq!(none.lines, text().lines);
        assert_eq!(none.hyperlinks, text().hyperlinks);
    }

    #[test]
    fn a_url_is_whole_or_cut_on_its_label_line() {
        let url = "https://example.org/a/rather/long/path?q=1";
        let theme = Theme::plain();
        for width in [10, 16, 40, 80] {
            let (line, placed) = labelled_url(
                "[12]",
                theme.link_ref(),
                url,
                "",
                width,
                Target::Screen,
                theme,
            );
            let text: String = line
                .spans
                .iter()
                .map(|span| span.content.as_ref())
                .collect();
            assert!(text.width() <= width, "{text}");
            let (column, shown) = placed.expect("some of the URL is shown");
            let part: String = text
                .chars()
                .skip(column.into())
                .take(shown.into())
                .collect();
            if width >= url.len() + 5 {
                assert_eq!(part, url);
            } else {
                assert!(url.starts_with(part.trim_end_matches('…')), "{part}");
                assert!(part.ends_with('…'), "{part}");
            }
            let (line, _) = labelled_url(
                "[12]",
                theme.link_ref(),
                url,
                "",
                width,
                Target::Pipe,
                theme,
            );
            let text: String = line
                .spans
                .iter()
                .map(|span| span.content.as_ref())
                .collect();
            assert_eq!(text, format!("[12] {url}"));
        }
    }
}
