//! The status lines: the query being typed or the filters in force with the sort order, then a
//! message (what happened, what went wrong) or the keys that matter now.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{StatefulWidget, Widget};
use unicode_width::UnicodeWidthStr;

use super::markdown::truncate;
use super::theme::Theme;
use crate::app::format::thousands;
use crate::app::query::QueryError;
use crate::app::{App, Level};
use crate::article::text::clean_line;

/// The query row: the query being typed (or a search's name, or a link's number), else the
/// filters in force; with the refresh under way and the sort order at its end.
pub struct QueryRow<'a> {
    pub app: &'a App,
    pub theme: Theme,
}

impl StatefulWidget for QueryRow<'_> {
    /// Where the terminal's cursor goes: in the text being typed, if any.
    type State = Option<Position>;

    fn render(self, area: Rect, buf: &mut Buffer, shown_cursor: &mut Option<Position>) {
        let Self { app, theme } = self;
        let query = app.query();
        let width = area.width as usize;
        let refreshing = match app.refresh_progress() {
            Some(progress) => format!(" ⟳ {progress}"),
            None if app.refreshing() => " ⟳ refreshing".to_owned(),
            None => String::new(),
        };
        let sort = format!("{refreshing} sort: {} ", app.sort().name());
        let room = width.saturating_sub(sort.width());
        let mut spans: Vec<Span<'static>> = Vec::new();
        let mut cursor = None;
        if let Some((typed, count)) = app.link_prompt() {
            let prompt = format!("open link [1–{count}]: ");
            spans.push(Span::styled(prompt.clone(), theme.accent()));
            spans.push(Span::raw(typed.to_owned()));
            cursor = Some(Position::new(
                area.x + (prompt.width() + typed.width()) as u16,
                area.y,
            ));
        } else if let Some((find, _)) = app.find().filter(|(line, _)| line.editing) {
            let prompt = "find in the article: ";
            let before: String = find.text.chars().take(find.cursor).collect();
            spans.push(Span::styled(prompt, theme.accent()));
            spans.push(Span::raw(clean_line(&find.text)));
            cursor = Some(Position::new(
                area.x + (prompt.width() + before.width()) as u16,
                area.y,
            ));
        } else if let Some(name) = app.naming() {
            let prompt = "save the search as @";
            let before: String = name.text.chars().take(name.cursor).collect();
            spans.push(Span::styled(prompt, theme.accent()));
            spans.push(Span::raw(clean_line(&name.text)));
            spans.push(Span::styled(
                format!("  = {}", clean_line(&app.active_query())),
                theme.dim(),
            ));
            cursor = Some(Position::new(
                area.x + (prompt.width() + before.width()) as u16,
                area.y,
            ));
        } else if query.editing {
            // Keep the cursor on screen: show the end of a query longer than the line.
            let before: String = query.text.chars().take(query.cursor).collect();
            let shown_from = before.width().saturating_sub(room.saturating_sub(3));
            let text = skip_columns(&query.text, shown_from);
            spans.push(Span::styled("/", theme.accent()));
            let offset = query.text.len() - text.len();
            spans.extend(marked(
                text,
                offset,
                app.query_errors(),
                Style::new(),
                theme,
            ));
            let x = 1 + before.width() - shown_from;
            cursor = Some(Position::new(area.x + x as u16, area.y));
        } else {
            let active = app.active_query();
            if active.is_empty() {
                spans.push(Span::styled("no filter · / to filter", theme.dim()));
            } else {
                spans.push(Span::styled("filter: ", theme.dim()));
                // The active query begins with the typed text, its leading spaces trimmed.
                let typed = &app.query().text;
                let offset = typed.len() - typed.trim_start().len();
                spans.extend(marked(
                    &active,
                    offset,
                    app.query_errors(),
                    theme.accent(),
                    theme,
                ));
            }
        }
        let note = match app.query_errors().first() {
            Some(error) => Some(format!("  ⚠ {}", clean_line(&error.to_string()))),
            None if app.undated_left_out() > 0 => Some(format!(
                "  · {} without a date left out (date:unknown lists them)",
                thousands(app.undated_left_out())
            )),
            None => None,
        };
        if let Some(note) = note {
            // Cut with an ellipsis where the sort label begins.
            let used: usize = spans.iter().map(Span::width).sum();
            let style = if app.query_errors().is_empty() {
                theme.dim()
            } else {
                theme.error()
            };
            let note = truncate(&note, room.saturating_sub(used)).into_owned();
            spans.push(Span::styled(note, style));
        }
        let line = Line::from(spans);
        let text_area = Rect::new(area.x, area.y, room as u16, 1);
        line.render(text_area, buf);
        if room + sort.width() <= width {
            buf.set_string(area.x + room as u16, area.y, &sort, theme.dim());
        }
        *shown_cursor = cursor.filter(|position| position.x < area.x + area.width);
    }
}

/// The message row: what just happened or went wrong, else the keys that matter now.
pub struct MessageRow<'a> {
    pub app: &'a App,
    pub theme: Theme,
}

impl Widget for MessageRow<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let Self { app, theme } = self;
        let line = match app.message() {
            Some(message) => {
                let style = match message.level {
                    Level::Info => Style::new(),
                    Level::Warning => theme.warning(),
                    Level::Error => theme.error(),
                };
                // Messages quote paths and errors from outside: no control characters out.
                let text = clean_line(&message.text);
                Line::from(Span::styled(
                    truncate(&text, area.width as usize).into_owned(),
                    style,
                ))
            }
            None => hints(app, area.width as usize, theme),
        };
        line.render(area, buf);
    }
}

/// `text` (which begins `offset` bytes into the query) with what the errors point at marked.
fn marked(
    text: &str,
    offset: usize,
    errors: &[QueryError],
    style: Style,
    theme: Theme,
) -> Vec<Span<'static>> {
    let wrong = |at: usize| {
        errors
            .iter()
            .filter_map(|error| error.span.as_ref())
            .any(|span| span.contains(&(at + offset)))
    };
    let mut spans = Vec::new();
    let mut run = String::new();
    let mut run_wrong = false;
    for (at, c) in text.char_indices() {
        let here = wrong(at);
        if here != run_wrong && !run.is_empty() {
            let style = if run_wrong { theme.error_mark() } else { style };
            spans.push(Span::styled(std::mem::take(&mut run), style));
        }
        run_wrong = here;
        run.push(c);
    }
    if !run.is_empty() {
        let style = if run_wrong { theme.error_mark() } else { style };
        spans.push(Span::styled(run, style));
    }
    spans
}

/// `text` without its first `columns` display columns.
fn skip_columns(text: &str, columns: usize) -> &str {
    let mut used = 0;
    for (at, c) in text.char_indices() {
        if used >= columns {
            return &text[at..];
        }
        used += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
    }
    ""
}

/// The keys that matter where keys go now, from the keymap's hints: as many as fit, the most
/// useful first.
fn hints(app: &App, width: usize, theme: Theme) -> Line<'static> {
    let keys = app.keymap().hints(app.key_context());
    let mut spans = Vec::new();
    let mut used = 0;
    for (key, what) in keys {
        let needed = key.width() + what.width() + 3;
        if used + needed > width {
            break;
        }
        spans.push(Span::styled(key, theme.accent()));
        spans.push(Span::styled(format!(" {what}  "), theme.dim()));
        used += needed;
    }
    Line::from(spans)
}
