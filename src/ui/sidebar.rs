//! The sidebar: the sentiment mix as a bar, sentiment per day as a chart, then the selectable
//! entries (sentiments, tags, sources, categories, languages) with their counts.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, StatefulWidget, Widget};
use unicode_width::UnicodeWidthStr;

use super::markdown::truncate;
use super::theme::Theme;
use crate::app::format::thousands;
use crate::app::{App, Entry, EntryKind, Timeline};
use crate::article::Sentiment;

/// Rows the chart takes: half above the axis (positive), half below (negative).
const CHART_ROWS: u16 = 6;

/// The sidebar pane, scrolled so the app's cursor shows.
pub struct Sidebar<'a> {
    pub app: &'a App,
    pub block: Block<'a>,
    pub focused: bool,
    pub theme: Theme,
}

/// What each drawn sidebar row holds, for mouse clicks: `(row y, entry index)`.
pub type EntryRows = Vec<(u16, usize)>;

/// What the last frame's sidebar drew: where its entries landed and how many entry rows fit.
#[derive(Debug, Default)]
pub struct SidebarState {
    pub entry_rows: EntryRows,
    pub rows: usize,
}

impl StatefulWidget for Sidebar<'_> {
    type State = SidebarState;

    fn render(self, area: Rect, buf: &mut Buffer, state: &mut SidebarState) {
        state.entry_rows.clear();
        state.rows = 0;
        let app = self.app;
        let theme = self.theme;
        let block = self.block.title(" Overview ");
        let inner = block.inner(area);
        block.render(area, buf);
        if inner.width < 4 || inner.height == 0 {
            return;
        }
        let width = inner.width as usize;
        let facets = app.facets();
        let mut y = inner.y;
        let bottom = inner.y + inner.height;

        // The sentiment mix: one proportional bar, each share in its colour and glyph.
        let total = facets.total.max(1);
        let mut bar: Vec<Span<'_>> = Vec::new();
        let mut drawn = 0;
        let shares: Vec<(Sentiment, usize)> = Sentiment::ALL
            .into_iter()
            .map(|s| (s, facets.sentiment_count(s)))
            .collect();
        for (position, &(sentiment, count)) in shares.iter().enumerate() {
            let cells = if position == shares.len() - 1 {
                if facets.total == 0 { 0 } else { width - drawn }
            } else {
                (count * width + total / 2) / total
            }
            .min(width - drawn);
            drawn += cells;
            let fill = if theme.color {
                "█".repeat(cells)
            } else {
                sentiment.glyph().to_string().repeat(cells)
            };
            bar.push(Span::styled(fill, theme.sentiment(sentiment)));
        }
        if y < bottom {
            Line::from(bar).render(Rect::new(inner.x, y, inner.width, 1), buf);
            y += 1;
        }

        // Per day: positive above the axis, negative below.
        let timeline = app.timeline();
        if inner.height >= 22 && timeline.last_day.is_some() {
            y = chart(
                theme,
                timeline,
                Rect::new(inner.x, y, inner.width, bottom - y),
                buf,
            );
        }

        // Entries, with a header before each section; scrolled so the cursor shows.
        let entries = app.sidebar_entries();
        let mut rows: Vec<Option<usize>> = Vec::new();
        let mut section = None;
        for (index, entry) in entries.iter().enumerate() {
            let this = section_name(entry);
            if section != Some(this) {
                rows.push(None);
                section = Some(this);
            }
            rows.push(Some(index));
        }
        let height = (bottom.saturating_sub(y)) as usize;
        let row_of = |entry: usize| rows.iter().position(|row| *row == Some(entry)).unwrap_or(0);
        let mut start = row_of(app.sidebar_offset()).saturating_sub(1);
        let cursor_row = row_of(app.sidebar_cursor());
        if cursor_row >= start + height {
            start = cursor_row + 1 - height;
        }
        if cursor_row < start {
            start = cursor_row;
        }
        // No empty rows at the bottom while earlier rows are scrolled away.
        start = start.min(rows.len().saturating_sub(height));
        for (row_y, (position, row)) in (y..bottom).zip(rows.iter().enumerate().skip(start)) {
            let area = Rect::new(inner.x, row_y, inner.width, 1);
            match row {
                None => {
                    let name = rows
                        .get(position + 1)
                        .copied()
                        .flatten()
                        .map_or("", |next| section_name(&entries[next]));
                    Line::from(Span::styled(name, theme.heading(3))).render(area, buf);
                }
                Some(index) => {
                    let selected = self.focused && *index == app.sidebar_cursor();
                    entry_line(&entries[*index], facets.total, width, theme).render(area, buf);
                    if selected {
                        buf.set_style(area, theme.selection(true));
                    }
                    state.entry_rows.push((row_y, *index));
                }
            }
        }
        // Section headers take a row each, so fewer entries than rows fit.
        state.rows = height.saturating_sub(5).max(1);
    }
}

/// Draws the timeline chart at the top of `area`; returns the next free row.
fn chart(theme: Theme, timeline: &Timeline, area: Rect, buf: &mut Buffer) -> u16 {
    let columns = (area.width as usize).min(timeline.days.len());
    let days = &timeline.days[timeline.days.len() - columns..];
    let positive = |day: &[u32; 4]| day[Sentiment::Positive.index()];
    let negative = |day: &[u32; 4]| day[Sentiment::Negative.index()];
    let peak = days
        .iter()
        .map(|day| positive(day).max(negative(day)))
        .max()
        .unwrap_or(0)
        .max(1);
    let mut y = area.y;
    let legend = Line::from(vec![
        Span::styled("+", theme.sentiment(Sentiment::Positive)),
        Span::styled(" up, ", theme.dim()),
        Span::styled("-", theme.sentiment(Sentiment::Negative)),
        Span::styled(format!(" down, max {peak}/day"), theme.dim()),
    ]);
    legend.render(Rect::new(area.x, y, area.width, 1), buf);
    y += 1;
    let half = CHART_ROWS / 2;
    // Eighths for bars that grow up from the axis; halves for bars that hang down from it.
    const UP: [&str; 9] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];
    let x0 = area.x + area.width - columns as u16;
    for (column, day) in days.iter().enumerate() {
        let x = x0 + column as u16;
        let up = (positive(day) as u64 * half as u64 * 8).div_ceil(peak as u64);
        for row in 0..half {
            let filled = up.saturating_sub((half - 1 - row) as u64 * 8).min(8);
            let cell = &mut buf[(x, y + row)];
            cell.set_symbol(UP[filled as usize]);
            cell.set_style(theme.sentiment(Sentiment::Positive));
        }
        let down = (negative(day) as u64 * half as u64 * 2).div_ceil(peak as u64);
        for row in 0..half {
            let filled = down.saturating_sub(row as u64 * 2).min(2);
            let cell = &mut buf[(x, y + half + row)];
            cell.set_symbol(["·", "▀", "█"][filled as usize]);
            cell.set_style(if filled == 0 {
                theme.dim()
            } else {
                theme.sentiment(Sentiment::Negative)
            });
        }
    }
    y += CHART_ROWS;
    if let Some(last) = timeline.last_day {
        let first = last - chrono::Duration::days(columns as i64 - 1);
        let left = first.format("%b %d").to_string();
        let right = last.format("%b %d").to_string();
        let gap = (area.width as usize).saturating_sub(left.width() + right.width());
        Line::from(Span::styled(
            format!("{left}{}{right}", " ".repeat(gap)),
            theme.dim(),
        ))
        .render(Rect::new(area.x, y, area.width, 1), buf);
        y += 1;
    }
    y
}

const fn section_name(entry: &Entry) -> &'static str {
    match entry.kind {
        EntryKind::Saved(_) => "Saved searches",
        EntryKind::Sentiment(_) => "Sentiment",
        EntryKind::Facet(dimension, _) => dimension.heading(),
    }
}

/// `[x] + positive     512  41%`: a box for the filter state, the name, count and share.
fn entry_line(entry: &Entry, total: usize, width: usize, theme: Theme) -> Line<'static> {
    let checkbox = if entry.active { "[x] " } else { "[ ] " };
    let (label, style) = match &entry.kind {
        EntryKind::Sentiment(sentiment) => (
            format!("{} {}", sentiment.glyph(), sentiment.name()),
            theme.sentiment(*sentiment),
        ),
        // Articles without a source (or category) count together under a visible name.
        EntryKind::Facet(_, name) if name.trim().is_empty() => ("(none)".to_owned(), theme.dim()),
        EntryKind::Facet(_, name) | EntryKind::Saved(name) => (name.clone(), Style::new()),
    };
    let numbers = match (&entry.kind, entry.unread) {
        // Unread of total, as a feed list shows them.
        (_, Some(unread)) => format!(" {}/{}", thousands(unread), thousands(entry.count)),
        (EntryKind::Sentiment(_), None) if total > 0 => {
            let percent = (entry.count * 100 + total / 2) / total;
            format!(" {} {percent:>3}%", thousands(entry.count))
        }
        _ => format!(" {}", thousands(entry.count)),
    };
    let room = width.saturating_sub(checkbox.width() + numbers.width());
    let label = truncate(&label, room).into_owned();
    let gap = room.saturating_sub(label.width());
    let count_style = if entry.count == 0 {
        theme.dim()
    } else {
        Style::new()
    };
    Line::from(vec![
        Span::styled(
            checkbox,
            if entry.active {
                theme.accent()
            } else {
                theme.dim()
            },
        ),
        Span::styled(label, style),
        Span::raw(" ".repeat(gap)),
        Span::styled(numbers, count_style),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::Dimension;

    #[test]
    fn a_missing_source_reads_none() {
        let entry = |name: &str| Entry {
            kind: EntryKind::Facet(Dimension::Source, name.to_owned()),
            count: 3,
            unread: None,
            active: false,
        };
        let text = |line: Line<'_>| {
            line.spans
                .iter()
                .map(|s| s.content.as_ref())
                .collect::<String>()
        };
        assert!(text(entry_line(&entry(""), 3, 30, Theme::plain())).contains("(none)"));
        assert!(text(entry_line(&entry("Wire"), 3, 30, Theme::plain())).contains("Wire"));
    }
}
