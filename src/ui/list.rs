//! The headline list pane: one row per article, only the rows on screen are built.

use chrono::{DateTime, Datelike, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Widget};
use unicode_width::UnicodeWidthStr;

use std::ops::Range;

use super::article::Zone;
use super::highlight::mark;
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
        let per_headline = lines_per_headline(inner.width, inner.height);
        let rows: Vec<(usize, u32, String)> = app
            .visible()
            .iter()
            .enumerate()
            .skip(app.list_offset())
            .take(inner.height as usize / per_headline)
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
        let y_of = |row: usize| inner.y + (row * per_headline) as u16;
        for (row, (position, index, date)) in rows.into_iter().enumerate() {
            let headline = Headline {
                app,
                index: index as usize,
                date,
                theme,
            };
            let lines = if per_headline == 1 {
                vec![headline.one_line(width, date_width)]
            } else {
                headline.two_lines(width, date_width)
            };
            let selected = position == app.selected();
            for (y, line) in (y_of(row)..).zip(lines) {
                let area = Rect::new(inner.x, y, inner.width, 1);
                if selected {
                    buf.set_style(area, theme.selection(self.focused));
                    line.style(theme.selection(self.focused)).render(area, buf);
                } else {
                    line.render(area, buf);
                }
            }
        }
    }
}

/// Titles shorter than this on one line get a second line: read whole, most headlines say what
/// happened; cut at 40 columns, few do.
const TITLE_ROOM: usize = 50;

/// The columns of a one-line headline before its title: marks, sentiment, date and source.
fn fixed_columns(width: usize, date_width: usize) -> (usize, usize) {
    let source = if width >= 48 {
        (width / 6).clamp(8, 16)
    } else {
        0
    };
    let fixed = 4 + date_width + 1 + if source > 0 { source + 1 } else { 0 };
    (fixed, source)
}

/// How many screen lines each headline takes in a list of `width` × `height` cells: two when
/// one line would leave the title less than [`TITLE_ROOM`] columns and there is room for a
/// few.
pub fn lines_per_headline(width: u16, height: u16) -> usize {
    let width = width as usize;
    let (fixed, _) = fixed_columns(width, 6);
    if width.saturating_sub(fixed) < TITLE_ROOM && height >= 6 && width >= 30 {
        2
    } else {
        1
    }
}

/// One headline's row, built for the space it gets.
struct Headline<'a> {
    app: &'a App,
    index: usize,
    date: String,
    theme: Theme,
}

impl Headline<'_> {
    /// The unread and starred marks and the sentiment: four columns.
    fn marks(&self) -> Vec<Span<'static>> {
        let (theme, marks) = (self.theme, self.app.marks(self.index));
        let sentiment = self.app.article(self.index).sentiment;
        vec![
            if marks.read {
                Span::raw(" ")
            } else {
                Span::styled("●", theme.unread())
            },
            if marks.starred {
                Span::styled("★", theme.unread())
            } else {
                Span::raw(" ")
            },
            Span::styled(
                format!("{} ", sentiment.glyph()),
                theme.sentiment(sentiment),
            ),
        ]
    }

    fn title_style(&self) -> Style {
        if self.app.marks(self.index).read {
            Style::new()
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }

    /// What the query marks in the title.
    fn title_marks(&self) -> Vec<Range<usize>> {
        self.app
            .highlight()
            .in_title(&self.app.article(self.index).title)
    }

    /// `part` of the title (it begins `offset` bytes into it), with `marked` (the title's
    /// [`Headline::title_marks`]) marked.
    fn title_span(&self, part: &str, offset: usize, marked: &[Range<usize>]) -> Vec<Span<'static>> {
        let style = self.title_style();
        let end = offset + part.len();
        let marks: Vec<(Range<usize>, Style)> = marked
            .iter()
            .filter(|range| range.start < end && range.end > offset)
            .map(|range| {
                let start = range.start.max(offset) - offset;
                let end = range.end.min(end) - offset;
                (start..end.min(part.len()), self.theme.matched())
            })
            .collect();
        mark(&Line::from(Span::styled(part.to_owned(), style)), &marks).spans
    }

    /// The languages the story is told in, this one's first (`en·uk`); `None` for one language.
    fn languages(&self) -> Option<String> {
        let library = self.app.library();
        let versions = library.stories().versions(self.index);
        if versions.is_empty() {
            return None;
        }
        let columns = library.columns();
        let mut names: Vec<&str> = columns.lang(self.index).into_iter().collect();
        for &other in versions {
            if let Some(lang) = columns.lang(other as usize)
                && !names.contains(&lang)
            {
                names.push(lang);
            }
        }
        (names.len() > 1).then(|| names.join("·"))
    }

    /// Marks, date, source, then the title (cut to fit) and the languages.
    fn one_line(&self, width: usize, date_width: usize) -> Line<'static> {
        let (theme, article) = (self.theme, self.app.article(self.index));
        let (_, source_width) = fixed_columns(width, date_width);
        let mut spans = self.marks();
        let date = &self.date;
        spans.push(Span::styled(format!("{date:>date_width$} "), theme.dim()));
        if source_width > 0 {
            let source = truncate(&article.source.name, source_width);
            let pad = source_width.saturating_sub(source.width());
            spans.push(Span::styled(
                format!("{source}{} ", " ".repeat(pad)),
                theme.source(),
            ));
        }
        let used: usize = spans.iter().map(Span::width).sum();
        let mut room = width.saturating_sub(used);
        if article.is_pinned() && room > 2 {
            spans.push(Span::styled("⚑ ", theme.unread()));
            room -= 2;
        }
        let languages = self
            .languages()
            .map(|names| format!(" {names}"))
            .filter(|names| names.width() * 3 <= room);
        if let Some(names) = &languages {
            room -= names.width();
        }
        let title = truncate(&article.title, room);
        let shown = title.trim_end_matches('…');
        spans.extend(self.title_span(shown, 0, &self.title_marks()));
        if shown.len() < title.len() {
            spans.push(Span::styled("…", self.title_style()));
        }
        if let Some(names) = languages {
            let used: usize = spans.iter().map(Span::width).sum();
            let pad = width.saturating_sub(used + names.width());
            spans.push(Span::raw(" ".repeat(pad)));
            spans.push(Span::styled(names, theme.dim()));
        }
        Line::from(spans)
    }

    /// The title over two lines, with the date and the source (and languages) in a column at
    /// the right.
    fn two_lines(&self, width: usize, date_width: usize) -> Vec<Line<'static>> {
        let (theme, article) = (self.theme, self.app.article(self.index));
        let meta = (width / 4).clamp(date_width.max(10), 18);
        // The date is short: the first line gives the title more than the second.
        let room = width.saturating_sub(4 + meta + 1);
        let mut first = self.marks();
        let mut second = vec![Span::raw("    ")];
        let mut title_room = width.saturating_sub(4 + date_width + 1);
        if article.is_pinned() && title_room > 2 {
            first.push(Span::styled("⚑ ", theme.unread()));
            title_room -= 2;
        }
        let (head, rest) = split_at_width(&article.title, title_room);
        let marked = self.title_marks();
        first.extend(self.title_span(head, 0, &marked));
        let tail = rest.trim_start();
        let tail_offset = article.title.len() - tail.len();
        let cut = truncate(tail, room);
        let shown = cut.trim_end_matches('…');
        second.extend(self.title_span(shown, tail_offset, &marked));
        if shown.len() < cut.len() {
            second.push(Span::styled("…", self.title_style()));
        }
        let date = &self.date;
        let mut below = truncate(&article.source.name, meta).into_owned();
        if let Some(names) = self.languages() {
            let source_room = meta.saturating_sub(names.width() + 1);
            below = if source_room >= 4 {
                format!("{} {names}", truncate(&article.source.name, source_room))
            } else {
                names
            };
        }
        for (line, right, style) in [
            (&mut first, date.clone(), theme.dim()),
            (&mut second, below, theme.source()),
        ] {
            let used: usize = line.iter().map(Span::width).sum();
            let pad = width.saturating_sub(used + right.width());
            line.push(Span::raw(" ".repeat(pad)));
            line.push(Span::styled(right, style));
        }
        vec![Line::from(first), Line::from(second)]
    }
}

/// `text` split where a line `width` columns wide ends: after the last whole word that fits,
/// else (one long word) after the last character that fits.
fn split_at_width(text: &str, width: usize) -> (&str, &str) {
    if text.width() <= width {
        return (text, "");
    }
    let mut used = 0;
    let mut fits = 0;
    let mut last_space = None;
    for (at, c) in text.char_indices() {
        used += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used > width {
            break;
        }
        if c == ' ' {
            last_space = Some(at);
        }
        fits = at + c.len_utf8();
    }
    let at = last_space.filter(|&at| at > 0).unwrap_or(fits);
    text.split_at(at)
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
