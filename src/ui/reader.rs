//! The article pane: the shown article's lines (rendered once per article, width and marks, then
//! cached), scrolled independently of the list.

use std::num::NonZeroU16;
use std::ops::Range;

use ratatui::buffer::{Buffer, CellDiffOption};
use ratatui::layout::{Margin, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Scrollbar, ScrollbarOrientation, ScrollbarState, StatefulWidget, Widget,
};
use unicode_width::UnicodeWidthChar;

use super::article::{ArticleText, Zone};
use super::cover::CoverState;
use super::highlight::{mark, text_of};
use super::markdown::Target;
use super::rendering::{RenderFn, Renderer, Request, Ticket};
use super::theme::Theme;
use crate::app::App;
use crate::app::highlight::occurrences;
use crate::article::links::fits_a_hyperlink;
use crate::library::Marks;

/// The article pane: the shown article, scrolled as the app says.
pub struct ArticlePane<'a> {
    pub app: &'a App,
    pub block: Block<'a>,
    pub theme: Theme,
    pub zone: Zone,
    /// Write the listed links' URLs as OSC 8 hyperlinks, which terminals let you click.
    pub hyperlinks: bool,
    /// The widest the text is set; a wider pane centres it.
    pub text_width: u16,
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
    /// Columns the widest line reaches past the text's width (a long code line).
    pub overflow: usize,
    /// The shown article is being rendered on the worker: `lines` is not known yet.
    pub rendering: bool,
    /// Where the text searched for in the article occurs, and what it was found for.
    found: Found,
    pub(super) cover: CoverState,
}

/// Every place some text occurs in the rendered article: its line and bytes there.
#[derive(Default)]
struct Found {
    key: Option<(Key, String)>,
    places: Vec<(usize, Range<usize>)>,
}

impl ArticleState {
    /// The line of each match of the text searched for in the article, in order.
    pub fn found_lines(&self) -> Vec<usize> {
        self.found.places.iter().map(|(line, _)| *line).collect()
    }

    /// Renders bodies larger than `bytes` on the worker ([`INLINE_BODY_BYTES`] unless set).
    pub const fn render_inline_up_to(&mut self, bytes: usize) {
        self.cache.inline_up_to = bytes;
    }

    /// Has the worker render with `render` instead of [`Request::render`]: a test's stand-in.
    /// Takes effect if the worker has not started yet.
    pub fn render_with(&mut self, render: RenderFn) {
        self.cache.render = Some(render);
    }

    /// Blocks until the article being rendered on the worker, if any, has arrived; the next
    /// frame shows it.
    pub fn wait_for_article(&mut self) {
        self.cache.wait();
    }
}

/// What the cached lines were rendered from.
#[derive(Debug, Clone, PartialEq)]
struct Key {
    generation: u64,
    index: usize,
    width: u16,
    marks: Marks,
    theme: Theme,
    zone: Zone,
    cover_rows: u16,
}

/// Bodies up to this size are rendered in the frame that shows them: a news article of a few
/// KB takes well under a millisecond, and showing "rendering…" for it would only flicker.
/// Rendering is linear in the input now (issue 11), so this much of even the slowest input
/// costs a few milliseconds in a release build; anything larger goes to the worker.
pub const INLINE_BODY_BYTES: usize = 16 * 1024;

/// Rendered article text, kept until the article, width, marks or theme change.
struct ArticleCache {
    key: Option<Key>,
    text: ArticleText,
    /// The width of the widest line.
    widest: usize,
    /// The render on the worker the pane is waiting for, and what it was asked for.
    pending: Option<(Key, Ticket)>,
    /// Started with the first body too large to render inline.
    renderer: Option<Renderer>,
    /// What the worker will render with, until it is started.
    render: Option<RenderFn>,
    inline_up_to: usize,
}

impl Default for ArticleCache {
    fn default() -> Self {
        Self {
            key: None,
            text: ArticleText::default(),
            widest: 0,
            pending: None,
            renderer: None,
            render: None,
            inline_up_to: INLINE_BODY_BYTES,
        }
    }
}

impl ArticleCache {
    /// The shown article's text, or `None` while the worker renders it.
    fn text(
        &mut self,
        app: &App,
        index: usize,
        width: u16,
        theme: Theme,
        zone: Zone,
        cover_rows: u16,
    ) -> Option<&ArticleText> {
        let key = Key {
            generation: app.generation(),
            index,
            width,
            marks: app.marks(index),
            theme,
            zone,
            cover_rows,
        };
        // Everything the worker sent is taken each frame; what no longer answers the pending
        // request is dropped here.
        if let Some(renderer) = &self.renderer {
            let wanted = self.pending.as_ref().map_or(0, |(_, ticket)| *ticket);
            if let Some(text) = renderer.take(wanted)
                && let Some((rendered, _)) = self.pending.take()
            {
                self.keep(rendered, text);
            }
        }
        if self.key.as_ref() == Some(&key) {
            self.pending = None;
            return Some(&self.text);
        }
        if self
            .pending
            .as_ref()
            .is_some_and(|(asked, _)| *asked == key)
        {
            return None;
        }
        let only = |lines| ArticleText {
            lines,
            ..ArticleText::default()
        };
        let text = match app.details() {
            Some(Ok(details)) => {
                let request = Request {
                    article: app.article(index).clone(),
                    details: details.clone(),
                    marks: key.marks,
                    width,
                    theme,
                    zone,
                    original_language: app.library().original_language(index).map(str::to_owned),
                    target: Target::Screen,
                };
                if details.body.len() > self.inline_up_to
                    && let Some(renderer) = self.renderer()
                {
                    self.pending = Some((key, renderer.ask(request)));
                    return None;
                }
                request.render()
            }
            Some(Err(error)) => only(vec![Line::from(Span::styled(error.clone(), theme.error()))]),
            None => only(Vec::new()),
        };
        self.pending = None;
        self.keep(key, text);
        Some(&self.text)
    }

    fn keep(&mut self, key: Key, mut text: ArticleText) {
        text.make_room_for_cover(key.cover_rows.into());
        self.widest = text.lines.iter().map(Line::width).max().unwrap_or(0);
        self.text = text;
        self.key = Some(key);
    }

    /// The worker, started now if it was not yet; `None` if no thread can be had, and then
    /// the pane renders inline as it did before there was a worker.
    fn renderer(&mut self) -> Option<&mut Renderer> {
        if self.renderer.is_none() {
            let render = self
                .render
                .take()
                .unwrap_or_else(|| Box::new(Request::render));
            self.renderer = Renderer::start(render);
        }
        self.renderer.as_mut()
    }

    /// Blocks until the pending render, if any, has arrived.
    fn wait(&mut self) {
        if let Some((key, ticket)) = self.pending.take()
            && let Some(text) = self.renderer.as_ref().and_then(|r| r.wait(ticket))
        {
            self.keep(key, text);
        }
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
            hyperlinks,
            text_width,
        } = self;
        let inner = block.inner(area);
        state.rows = inner.height as usize;
        state.rendering = false;
        let placeholder = |note: &str, buf: &mut Buffer| {
            block.clone().title(" Article ").render(area, buf);
            if inner.width > 2 && inner.height > 0 {
                buf.set_stringn(
                    inner.x + 1,
                    inner.y,
                    note,
                    inner.width as usize - 2,
                    theme.dim(),
                );
            }
        };
        let Some(index) = app.shown() else {
            state.lines = 0;
            placeholder("No article selected.", buf);
            return;
        };
        // One column stays free for the scrollbar; the text is a column centred in the rest.
        let room = inner.width.saturating_sub(2).max(1);
        let width = room.min(text_width.max(1));
        let left = inner.x + 1 + (room - width) / 2;
        let cover_rows = state.cover.rows_for(app, index, width, inner.height);
        if state
            .cache
            .text(app, index, width, theme, zone, cover_rows)
            .is_none()
        {
            state.lines = 0;
            state.overflow = 0;
            state.rendering = true;
            state.found = Found::default();
            placeholder("rendering…", buf);
            return;
        }
        state.overflow = state.cache.widest.saturating_sub(width.into());
        let sideways = app.article_column().min(state.overflow);
        let text = &state.cache.text;
        let lines = &text.lines;
        state.lines = lines.len();
        let find = app.find();
        let found_key = find
            .map(|(line, _)| line.text.clone())
            .filter(|text| !text.is_empty())
            .and_then(|text| Some((state.cache.key.clone()?, text)));
        if state.found.key != found_key {
            state.found.places = match &found_key {
                Some((_, needle)) => lines
                    .iter()
                    .enumerate()
                    .flat_map(|(at, line)| {
                        occurrences(&text_of(line), needle)
                            .into_iter()
                            .map(move |range| (at, range))
                    })
                    .collect(),
                None => Vec::new(),
            };
            state.found.key = found_key;
        }
        let current = find.and_then(|(_, current)| current);
        let rows = state.rows;
        let scroll = app.article_scroll().min(lines.len().saturating_sub(rows));
        let title = if lines.len() > rows {
            let percent = (scroll + rows).min(lines.len()) * 100 / lines.len().max(1);
            format!(" Article {percent}% ")
        } else {
            " Article ".to_owned()
        };
        block.title(title).render(area, buf);
        let words = app.highlight();
        for (y, (at, line)) in
            (inner.y..inner.y + inner.height).zip(lines.iter().enumerate().skip(scroll))
        {
            let area = Rect::new(left, y, width, 1);
            // The places are in line order: this line's are one run of them.
            let places = &state.found.places;
            let first = places.partition_point(|(line, _)| *line < at);
            let count = places[first..].partition_point(|(line, _)| *line == at);
            let found = places.iter().enumerate().skip(first).take(count);
            let mut marks: Vec<(Range<usize>, Style)> = found
                .map(|(n, (_, range))| {
                    let style = if current == Some(n) {
                        theme.current_match()
                    } else {
                        theme.matched()
                    };
                    (range.clone(), style)
                })
                .collect();
            if marks.is_empty() && !words.is_empty() && at < text.links_from {
                let plain = text_of(line);
                let ranges = if at < text.title_lines {
                    words.in_title(&plain)
                } else {
                    words.in_text(&plain)
                };
                marks.extend(ranges.into_iter().map(|range| (range, theme.matched())));
            }
            let marked;
            let line = if marks.is_empty() {
                line
            } else {
                marked = mark(line, &marks);
                &marked
            };
            if line.width() > width.into() {
                clipped(line, sideways, area, buf, theme);
            } else {
                line.render(area, buf);
            }
        }
        let text_area = Rect::new(left, inner.y, width, inner.height);
        state.cover.draw(text, scroll, text_area, buf);
        if hyperlinks {
            let shown = scroll..scroll + rows;
            for link in text
                .hyperlinks
                .iter()
                .filter(|link| shown.contains(&link.line))
            {
                let y = inner.y + (link.line - scroll) as u16;
                let x = left + link.column;
                let width = link.width.min((left + width).saturating_sub(x));
                hyperlink(buf, Rect::new(x, y, width, 1), &link.url);
            }
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

/// Draws a line wider than `area` (a code line, never re-wrapped) from `sideways` columns in,
/// with `‹` where it goes on to the left and `›` where it goes on to the right.
fn clipped(line: &Line<'_>, sideways: usize, area: Rect, buf: &mut Buffer, theme: Theme) {
    let mut spans = Vec::new();
    let mut skipped = 0;
    for span in &line.spans {
        let mut text = String::new();
        for c in span.content.chars() {
            let w = c.width().unwrap_or(0);
            if skipped < sideways {
                skipped += w;
                if skipped > sideways {
                    // A wide character cut in half by the edge.
                    text.push(' ');
                }
                continue;
            }
            text.push(c);
        }
        if !text.is_empty() {
            spans.push(Span::styled(text, span.style));
        }
    }
    let rest = Line::from(spans).style(line.style);
    let more_right = rest.width() > area.width as usize;
    rest.render(area, buf);
    if area.width < 2 {
        return;
    }
    if sideways > 0 {
        buf.set_string(area.x, area.y, "‹", theme.dim());
    }
    if more_right {
        buf.set_string(area.right() - 1, area.y, "›", theme.dim());
    }
}

/// Makes every cell of `area` an OSC 8 hyperlink to `url`. Each cell carries the whole
/// sequence, since ratatui redraws only the cells that changed and a half-drawn link would lose
/// its target; its width is forced to the one column it shows, since ratatui would otherwise
/// count the sequence's characters as columns.
fn hyperlink(buf: &mut Buffer, area: Rect, url: &str) {
    // The URL goes to the terminal unfiltered: only one nothing can break out of.
    if !fits_a_hyperlink(url) {
        return;
    }
    for x in area.left()..area.right() {
        if let Some(cell) = buf.cell_mut((x, area.y)) {
            let symbol = format!("{LINK_OPEN}{url}{LINK_TEXT}{}{LINK_CLOSE}", cell.symbol());
            cell.set_symbol(&symbol)
                .set_diff_option(CellDiffOption::ForcedWidth(NonZeroU16::MIN));
        }
    }
}

/// The parts of a cell [`hyperlink`] made: `LINK_OPEN url LINK_TEXT shown LINK_CLOSE`.
const LINK_OPEN: &str = "\x1b]8;;";
const LINK_TEXT: &str = "\x1b\\";
const LINK_CLOSE: &str = "\x1b]8;;\x1b\\";

/// `(url, shown)` of a cell symbol made as [`hyperlink`] makes them, for the check at the
/// terminal boundary (`super::terminal_safe`), which lets these through and nothing else.
pub(super) fn hyperlink_parts(symbol: &str) -> Option<(&str, &str)> {
    let inside = symbol.strip_prefix(LINK_OPEN)?.strip_suffix(LINK_CLOSE)?;
    inside.split_once(LINK_TEXT)
}
