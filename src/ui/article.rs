//! An article as lines of text: a header with its metadata, the rendered body, then its links.

use chrono::{DateTime, Local, Utc};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::markdown::{self, wrap};
use super::theme::Theme;
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

/// Everything the reader shows for one article, wrapped to `width`.
pub fn article_lines(
    article: &Article,
    details: &ArticleDetails,
    marks: Marks,
    width: u16,
    theme: Theme,
    zone: Zone,
    original_language: Option<&str>,
) -> Vec<Line<'static>> {
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

    let mut facts = Vec::new();
    if !article.source.name.is_empty() {
        facts.push(article.source.name.to_string());
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
    if !links.is_empty() {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled("Links", theme.heading(3))));
        for (label, url) in links {
            let pieces = [
                (Some(label), theme.link_ref()),
                (Some(format!(" {url}")), theme.link()),
            ];
            lines.extend(wrap(&pieces, width).into_iter().map(Line::from));
        }
    }
    lines
}

pub fn local_time(at: DateTime<Utc>) -> String {
    Zone::Local.format(at, "%Y-%m-%d %H:%M")
}
