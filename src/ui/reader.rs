//! The article pane: the shown article's lines (rendered once per article, width and marks, then
//! cached), scrolled independently of the list.

use ratatui::buffer::Buffer;
use ratatui::layout::{Margin, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Scrollbar, ScrollbarOrientation, ScrollbarState, StatefulWidget, Widget,
};

use super::article::{Zone, article_lines};
use super::theme::Theme;
use crate::app::App;
use crate::library::Marks;

/// The article pane: the shown article, scrolled as the app says.
pub struct ArticlePane<'a> {
    pub app: &'a App,
    pub block: Block<'a>,
    pub theme: Theme,
    pub zone: Zone,
}

/// What the article pane keeps from frame to frame (the article's rendered lines) and what the
/// last frame drew, which scrolling needs.
#[derive(Default)]
pub struct ArticleState {
    cache: ArticleCache,
    /// Lines the shown article has at the drawn width.
    pub lines: usize,
    /// Rows the article is shown in.
    pub rows: usize,
}

/// What the cached lines were rendered from.
#[derive(Debug, Clone, PartialEq)]
struct Key {
    generation: u64,
    index: usize,
    width: u16,
    marks: Marks,
}

/// Rendered article lines, kept until the article, width or marks change.
#[derive(Default)]
struct ArticleCache {
    key: Option<Key>,
    lines: Vec<Line<'static>>,
}

impl ArticleCache {
    fn lines(
        &mut self,
        app: &App,
        index: usize,
        width: u16,
        theme: Theme,
        zone: Zone,
    ) -> &[Line<'static>] {
        let key = Key {
            generation: app.generation(),
            index,
            width,
            marks: app.marks(index),
        };
        if self.key.as_ref() != Some(&key) {
            self.lines = match app.details() {
                Some(Ok(details)) => article_lines(
                    app.article(index),
                    details,
                    key.marks,
                    width,
                    theme,
                    zone,
                    app.library().original_language(index),
                ),
                Some(Err(error)) => vec![Line::from(Span::styled(error.clone(), theme.error()))],
                None => Vec::new(),
            };
            self.key = Some(key);
        }
        &self.lines
    }
}

impl StatefulWidget for ArticlePane<'_> {
    type State = ArticleState;

    fn render(self, area: Rect, buf: &mut Buffer, state: &mut ArticleState) {
        let Self {
            app,
            block,
            theme,
            zone,
        } = self;
        let inner = block.inner(area);
        state.rows = inner.height as usize;
        let Some(index) = app.shown() else {
            state.lines = 0;
            block.title(" Article ").render(area, buf);
            if inner.width > 2 && inner.height > 0 {
                buf.set_stringn(
                    inner.x + 1,
                    inner.y,
                    "No article selected.",
                    inner.width as usize - 2,
                    theme.dim(),
                );
            }
            return;
        };
        // One column stays free for the scrollbar.
        let width = inner.width.saturating_sub(2).max(1);
        let lines = state.cache.lines(app, index, width, theme, zone);
        state.lines = lines.len();
        let rows = state.rows;
        let scroll = app.article_scroll().min(lines.len().saturating_sub(rows));
        let title = if lines.len() > rows {
            let percent = (scroll + rows).min(lines.len()) * 100 / lines.len().max(1);
            format!(" Article {percent}% ")
        } else {
            " Article ".to_owned()
        };
        block.title(title).render(area, buf);
        for (y, line) in (inner.y..inner.y + inner.height).zip(lines.iter().skip(scroll)) {
            line.render(Rect::new(inner.x + 1, y, width, 1), buf);
        }
        if lines.len() > rows {
            let mut scrollbar =
                ScrollbarState::new(lines.len().saturating_sub(rows)).position(scroll);
            Scrollbar::new(ScrollbarOrientation::VerticalRight)
                .begin_symbol(None)
                .end_symbol(None)
                .render(area.inner(Margin::new(0, 1)), buf, &mut scrollbar);
        }
    }
}
