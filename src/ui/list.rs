//! The headline list pane: one row per article, only the rows on screen are built.

use chrono::{DateTime, Datelike, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Widget};
use unicode_width::UnicodeWidthStr;

use super::article::Zone;
use super::markdown::truncate;
use super::theme::Theme;
use crate::app::App;
use crate::app::format::thousands;

/// The headline list pane, drawn at the app's scroll offset.
pub struct HeadlineList<'a> {
    pub app: &'a App,
    pub block: Block<'a>,
    pub focused: bool,
    pub theme: Theme,
    pub zone: Zone,
}

/// "12m", "3h", "2d" within a week, then "Jan 14", then the year for anything over ~11 months.
pub fn relative_date(at: Option<DateTime<Utc>>, now: DateTime<Utc>, zone: Zone) -> String {
    let Some(at) = at else {
        return "—".to_owned();
    };
    let age = now - at;
    if age.num_seconds() < 0 {
        // Dated in the future (a clock or a feed off): say so rather than "-3h".
        return zone.format(at, "%b %d");
    }
    if age.num_minutes() < 60 {
        format!("{}m", age.num_minutes())
    } else if age.num_hours() < 24 {
        format!("{}h", age.num_hours())
    } else if age.num_days() < 7 {
        format!("{}d", age.num_days())
    } else if zone.date(at).year() == zone.date(now).year() {
        zone.format(at, "%b %d")
    } else {
        zone.format(at, "%Y-%m-%d")
    }
}

impl Widget for HeadlineList<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let theme = self.theme;
        let library = app.library();
        // Where the selection is among the headlines listed, and what the list leaves out.
        let listed = app.visible().len();
        let mut title = if listed == 0 {
            " Headlines 0".to_owned()
        } else {
            format!(
                " Headlines {} of {}",
                thousands(app.selected() + 1),
                thousands(listed)
            )
        };
        match app.drafts_hidden() {
            0 => {}
            1 => title.push_str(" · 1 draft hidden"),
            drafts => title.push_str(&format!(" · {} drafts hidden", thousands(drafts))),
        }
        title.push(' ');
        let block = self.block.title(Line::from(title));
        let inner = block.inner(area);
        block.render(area, buf);
        if inner.width == 0 || inner.height == 0 {
            return;
        }
        if app.visible().is_empty() {
            let reading = match app.refresh_progress() {
                Some(progress) => format!("Reading the library folders: {progress}…"),
                None => "Reading the library folders…".to_owned(),
            };
            let text = if library.is_empty() && app.refreshing() {
                reading.as_str()
            } else if library.is_empty() {
                "No articles yet."
            } else if app.query().editing {
                "Nothing matches. Esc drops the edit, ^u clears the query."
            } else {
                "Nothing matches. x clears every filter."
            };
            buf.set_stringn(
                inner.x + 1,
                inner.y,
                text,
                inner.width.saturating_sub(1) as usize,
                theme.dim(),
            );
            return;
        }
        let width = inner.width as usize;
        let show_source = width >= 48;
        let source_width = if show_source {
            (width / 6).clamp(8, 16)
        } else {
            0
        };
        let rows: Vec<(usize, u32, String)> = app
            .visible()
            .iter()
            .enumerate()
            .skip(app.list_offset())
            .take(inner.height as usize)
            .map(|(position, &index)| {
                let published = library.article(index as usize).published_at;
                (
                    position,
                    index,
                    relative_date(published, app.now(), self.zone),
                )
            })
            .collect();
        // As wide as the widest date on screen: a full date (an earlier year) widens it.
        let date_width = rows
            .iter()
            .map(|(_, _, date)| date.width())
            .max()
            .unwrap_or(0)
            .max(6);
        for (y, (position, index, date)) in (inner.y..).zip(rows) {
            let index = index as usize;
            let article = library.article(index);
            let marks = app.marks(index);
            let selected = position == app.selected();
            let mut spans: Vec<Span<'_>> = Vec::with_capacity(8);
            spans.push(if marks.read {
                Span::raw(" ")
            } else {
                Span::styled("●", theme.unread())
            });
            spans.push(if marks.starred {
                Span::styled("★", theme.unread())
            } else {
                Span::raw(" ")
            });
            spans.push(Span::styled(
                format!("{} ", article.sentiment.glyph()),
                theme.sentiment(article.sentiment),
            ));
            spans.push(Span::styled(format!("{date:>date_width$} "), theme.dim()));
            if show_source {
                let source = truncate(&article.source.name, source_width);
                let pad = source_width.saturating_sub(source.width());
                spans.push(Span::styled(
                    format!("{source}{} ", " ".repeat(pad)),
                    theme.source(),
                ));
            }
            let used: usize = spans.iter().map(|span| span.width()).sum();
            let mut room = width.saturating_sub(used);
            if article.is_pinned() && room > 2 {
                spans.push(Span::styled("⚑ ", theme.unread()));
                room -= 2;
            }
            let title_style = if marks.read {
                Style::new()
            } else {
                Style::new().add_modifier(Modifier::BOLD)
            };
            spans.push(Span::styled(
                truncate(&article.title, room).into_owned(),
                title_style,
            ));
            let mut line = Line::from(spans);
            if selected {
                line = line.style(theme.selection(self.focused));
            }
            let row = Rect::new(inner.x, y, inner.width, 1);
            if selected {
                buf.set_style(row, theme.selection(self.focused));
            }
            line.render(row, buf);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn relative_dates_shorten_with_age() {
        let now = Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap();
        let ago = |minutes: i64| Some(now - chrono::Duration::minutes(minutes));
        assert_eq!(relative_date(ago(5), now, Zone::Utc), "5m");
        assert_eq!(relative_date(ago(3 * 60 + 5), now, Zone::Utc), "3h");
        assert_eq!(relative_date(ago(2 * 24 * 60), now, Zone::Utc), "2d");
        assert_eq!(relative_date(ago(30 * 24 * 60), now, Zone::Utc), "Oct 28");
        assert_eq!(
            relative_date(ago(400 * 24 * 60), now, Zone::Utc),
            "2025-10-23"
        );
        let new_year = Utc.with_ymd_and_hms(2027, 1, 10, 12, 0, 0).unwrap();
        let december = Some(Utc.with_ymd_and_hms(2026, 12, 20, 9, 0, 0).unwrap());
        assert_eq!(
            relative_date(december, new_year, Zone::Utc),
            "2026-12-20",
            "last year"
        );
        assert_eq!(relative_date(None, now, Zone::Utc), "—");
    }
}
