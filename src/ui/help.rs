//! The help screen, drawn from the same key table the key handler reads.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget, Wrap};

use super::theme::Theme;
use crate::app::keys::{BINDINGS, QUERY_KEYS};

const QUERY_SYNTAX: &[(&str, &str)] = &[
    (
        "words \"a phrase\"",
        "all must match title, description, tags, source, category",
    ),
    ("tag:ETF  tag:ETF|BTC", "a tag (or any of several)"),
    ("source:x  cat:x  lang:uk", "source, category, language"),
    ("sentiment:pos|neg|neu|unknown", "sentiments"),
    (
        "since:7d  since:2026-01-01  before:…",
        "dates (h d w m y, today, a date)",
    ),
    ("is:unread|read|starred|pinned|draft", "marks and flags"),
    ("-term", "negates any term"),
];

pub fn draw(area: Rect, buf: &mut Buffer, theme: Theme) {
    let width = area.width.saturating_sub(4).min(96);
    let height = area.height.saturating_sub(2);
    if width < 10 || height < 3 {
        return;
    }
    let popup = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    let mut lines: Vec<Line<'static>> = Vec::new();
    let key_width = 12;
    let row = |keys: &str, what: &str| {
        Line::from(vec![
            Span::styled(format!("{keys:>key_width$}  "), theme.accent()),
            Span::raw(what.to_owned()),
        ])
    };
    for binding in BINDINGS {
        lines.push(row(binding.label, binding.help));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        "While typing a query",
        theme.heading(3),
    )));
    for (keys, what) in QUERY_KEYS {
        lines.push(row(keys, what));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled("Query syntax", theme.heading(3))));
    for (syntax, what) in QUERY_SYNTAX {
        lines.push(Line::from(vec![
            Span::styled(format!("  {syntax}"), theme.code()),
            Span::styled(format!("  {what}"), theme.dim()),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        "Mouse: click a headline or a sidebar entry; the wheel scrolls. Any key closes this.",
        theme.dim(),
    )));
    Clear.render(popup, buf);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(
            Block::bordered()
                .title(" Keys ")
                .border_style(theme.border(true)),
        )
        .render(popup, buf);
}
