//! Markdown → styled, wrapped lines, once per article and width. Links become numbered
//! references (`[1]`) listed after the text, so the text stays readable in a terminal.

mod html;
mod table;

use std::collections::HashMap;

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Parser, Tag, TagEnd};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::theme::Theme;
use crate::article::links::MARKDOWN_OPTIONS;
use html::Inline;
use table::Table;

/// The rendered text, and the link targets its `[n]` markers point to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rendered {
    pub lines: Vec<Line<'static>>,
    pub links: Vec<String>,
}

/// Where the text goes, which decides what may be cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Target {
    /// A pane on screen: every line but a code line fits the width, and a URL too long for a
    /// line is cut with `…` (it is whole in the links list). Code lines are kept whole for the
    /// pane to clip and scroll sideways.
    #[default]
    Screen,
    /// A pipe or a file: no word is broken (a URL stays whole however long), code is as
    /// written, and headings, quotes and list items keep Markdown's marks.
    Pipe,
}

/// Quotes and lists nested deeper than this are shown at this depth, under a marker: each level
/// costs every line inside it a prefix, so thousands of them would take quadratic time.
pub const MAX_DEPTH: usize = 16;

/// Renders `markdown` wrapped to `width` columns (at least 10 are used) for `target`.
pub fn render(markdown: &str, width: u16, theme: Theme, target: Target) -> Rendered {
    let mut renderer = Renderer::new(width.max(10) as usize, theme, target);
    for event in Parser::new_ext(markdown, MARKDOWN_OPTIONS) {
        renderer.event(event);
    }
    renderer.finish()
}

#[derive(Debug, Clone)]
enum Container {
    Quote,
    /// A list item: its marker, shown on its first line only.
    Item {
        marker: String,
        shown: bool,
    },
}

/// A piece of inline text with its style; `None` text is a hard line break.
pub type Piece = (Option<String>, Style);

struct Renderer {
    width: usize,
    theme: Theme,
    target: Target,
    lines: Vec<Line<'static>>,
    links: Vec<String>,
    /// Each link's number, so a URL linked again (an autolink repeating a link) is listed once.
    link_numbers: HashMap<String, usize>,
    /// Footnotes by label: their numbers, in the order first met.
    footnote_numbers: HashMap<String, usize>,
    /// The numbers of the links open now, innermost last.
    open_links: Vec<usize>,
    pieces: Vec<Piece>,
    styles: Vec<Style>,
    containers: Vec<Container>,
    /// Per open list: the next number, or `None` for bullets.
    lists: Vec<Option<u64>>,
    /// Quotes, lists and items open beyond [`MAX_DEPTH`], shown at that depth.
    too_deep: usize,
    code_block: Option<String>,
    html_block: Option<String>,
    /// Inline `<script>` or `<style>` open: its text is not shown until this tag closes.
    hidden_until: Option<&'static str>,
    table: Option<Table>,
    heading: Option<u8>,
}

impl Renderer {
    fn new(width: usize, theme: Theme, target: Target) -> Self {
        Self {
            width,
            theme,
            target,
            lines: Vec::new(),
            links: Vec::new(),
            link_numbers: HashMap::new(),
            footnote_numbers: HashMap::new(),
            open_links: Vec::new(),
            pieces: Vec::new(),
            styles: vec![Style::new()],
            containers: Vec::new(),
            lists: Vec::new(),
            too_deep: 0,
            code_block: None,
            html_block: None,
            hidden_until: None,
            table: None,
            heading: None,
        }
    }

    fn style(&self) -> Style {
        *self.styles.last().expect("the base style is never popped")
    }

    fn push_style(&mut self, style: Style) {
        let combined = self.style().patch(style);
        self.styles.push(combined);
    }

    fn pop_style(&mut self) {
        if self.styles.len() > 1 {
            self.styles.pop();
        }
    }

    fn text(&mut self, text: &str) {
        self.styled_text(text, self.style());
    }

    /// A footnote's number as superscript digits (`¹`, `¹²`): footnotes are numbered in the order
    /// they are first met, reference or definition, whatever their labels (`[^tides]`).
    fn footnote_mark(&mut self, label: &str) -> String {
        let next = self.footnote_numbers.len() + 1;
        let number = *self
            .footnote_numbers
            .entry(label.to_owned())
            .or_insert(next);
        number
            .to_string()
            .chars()
            .map(|digit| match digit {
                '1' => '¹',
                '2' => '²',
                '3' => '³',
                '4' => '⁴',
                '5' => '⁵',
                '6' => '⁶',
                '7' => '⁷',
                '8' => '⁸',
                '9' => '⁹',
                _ => '⁰',
            })
            .collect()
    }

    fn styled_text(&mut self, text: &str, style: Style) {
        if self.hidden_until.is_some() {
            return;
        }
        if let Some(code) = &mut self.code_block {
            code.push_str(text);
        } else if let Some(table) = &mut self.table {
            table.cell.push_str(text);
        } else {
            self.pieces.push((Some(text.to_owned()), style));
        }
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => self.text(&text),
            Event::Code(code) => self.styled_text(&code, self.style().patch(self.theme.code())),
            Event::SoftBreak => self.text(" "),
            Event::HardBreak => self.hard_break(),
            Event::Rule => {
                self.flush();
                self.blank();
                let rule = "─".repeat(self.width.saturating_sub(self.prefix_width()));
                self.push_line(vec![Span::styled(rule, self.theme.dim())]);
                self.blank();
            }
            Event::Html(html) => match &mut self.html_block {
                Some(block) => block.push_str(&html),
                None => self.inline_html(&html),
            },
            Event::InlineHtml(html) => self.inline_html(&html),
            Event::TaskListMarker(done) => self.text(if done { "[x] " } else { "[ ] " }),
            Event::FootnoteReference(name) => {
                let mark = self.footnote_mark(&name);
                self.styled_text(&mark, self.style().patch(self.theme.link_ref()));
            }
            Event::InlineMath(math) | Event::DisplayMath(math) => self.text(&math),
        }
    }

    fn hard_break(&mut self) {
        if self.table.is_some() {
            self.text(" ");
        } else if self.hidden_until.is_none() {
            self.pieces.push((None, Style::new()));
        }
    }

    fn inline_html(&mut self, html: &str) {
        match html::inline(html) {
            Inline::Drop => {}
            Inline::Break => self.hard_break(),
            Inline::HideUntil(name) => self.hidden_until = self.hidden_until.or(Some(name)),
            Inline::Close(name) => {
                if self.hidden_until == Some(name.as_str()) {
                    self.hidden_until = None;
                }
            }
        }
    }

    /// Whether a quote, list or item opening now is shown nested; past [`MAX_DEPTH`] it is
    /// counted instead, and a marker says so once where it starts.
    fn nest(&mut self) -> bool {
        if self.too_deep == 0 && self.containers.len() < MAX_DEPTH {
            return true;
        }
        if self.too_deep == 0 {
            self.flush();
            let marker = format!("[nested deeper than {MAX_DEPTH} levels: shown at that depth]");
            self.push_line(vec![Span::styled(marker, self.theme.dim())]);
        }
        self.too_deep += 1;
        false
    }

    /// Whether a quote, list or item closing now was counted, not shown.
    fn unnest(&mut self) -> bool {
        if self.too_deep > 0 {
            self.too_deep -= 1;
            self.flush();
            return true;
        }
        false
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => {}
            Tag::Heading { level, .. } => {
                self.flush();
                self.blank();
                let level = heading_level(level);
                self.heading = Some(level);
                self.push_style(self.theme.heading(level));
                if self.target == Target::Pipe {
                    self.text(&format!("{} ", "#".repeat(level.into())));
                }
            }
            // Past `MAX_DEPTH`, `nest` counts a quote, list or item and it is not drawn.
            Tag::BlockQuote(_) if self.nest() => {
                self.flush();
                self.blank();
                self.containers.push(Container::Quote);
                self.push_style(self.theme.quote());
            }
            Tag::CodeBlock(kind) => {
                self.flush();
                self.blank();
                if let CodeBlockKind::Fenced(language) = kind
                    && !language.is_empty()
                {
                    let label = format!("  {language}");
                    self.push_line(vec![Span::styled(label, self.theme.dim())]);
                }
                self.code_block = Some(String::new());
            }
            Tag::HtmlBlock => {
                self.flush();
                self.html_block = Some(String::new());
            }
            Tag::List(start) if self.nest() => {
                self.flush();
                if self.lists.is_empty() {
                    self.blank();
                }
                self.lists.push(start);
            }
            Tag::Item if self.nest() => {
                self.flush();
                let marker = self.item_marker();
                self.containers.push(Container::Item {
                    marker,
                    shown: false,
                });
            }
            Tag::Emphasis => self.push_style(Style::new().add_modifier(Modifier::ITALIC)),
            Tag::Strong => self.push_style(Style::new().add_modifier(Modifier::BOLD)),
            Tag::Strikethrough => self.push_style(Style::new().add_modifier(Modifier::CROSSED_OUT)),
            Tag::Link { dest_url, .. } => {
                let number = self.link_number(&dest_url);
                self.open_links.push(number);
                self.push_style(self.theme.link());
            }
            Tag::Image { dest_url, .. } => {
                let number = self.link_number(&dest_url);
                self.open_links.push(number);
                self.text("[image: ");
                self.push_style(self.theme.link());
            }
            Tag::Table(alignments) => {
                self.flush();
                self.blank();
                self.table = Some(Table::new(alignments));
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(table) = &mut self.table {
                    table.start_row();
                }
            }
            Tag::FootnoteDefinition(name) => {
                self.flush();
                let mark = self.footnote_mark(&name);
                self.styled_text(&format!("{mark} "), self.theme.link_ref());
            }
            _ => {}
        }
    }

    fn item_marker(&mut self) -> String {
        let depth = self.lists.len();
        match self.lists.last_mut() {
            Some(Some(number)) => {
                let marker = format!("{number}. ");
                *number += 1;
                marker
            }
            _ if self.target == Target::Pipe => "- ".to_owned(),
            _ => if depth > 1 { "◦ " } else { "• " }.to_owned(),
        }
    }

    /// The number `url` is listed under, listing it if it is new.
    fn link_number(&mut self, url: &str) -> usize {
        if let Some(number) = self.link_numbers.get(url) {
            return *number;
        }
        self.links.push(url.to_owned());
        self.link_numbers.insert(url.to_owned(), self.links.len());
        self.links.len()
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                self.flush();
                self.blank();
            }
            TagEnd::Heading(_) => {
                self.heading = None;
                self.flush();
                self.pop_style();
                self.blank();
            }
            TagEnd::BlockQuote(_) if !self.unnest() => {
                self.flush();
                self.trim_blank();
                self.containers.pop();
                self.pop_style();
                self.blank();
            }
            TagEnd::CodeBlock => {
                let code = self.code_block.take().unwrap_or_default();
                let style = self.theme.code();
                // Never re-wrapped: the pane clips a long line and scrolls sideways.
                for line in code.trim_end_matches('\n').split('\n') {
                    self.push_line(vec![Span::raw("  "), Span::styled(line.to_owned(), style)]);
                }
                self.blank();
            }
            TagEnd::HtmlBlock => {
                let block = self.html_block.take().unwrap_or_default();
                for paragraph in html::paragraphs(&block) {
                    self.text(&paragraph);
                    self.flush();
                    self.blank();
                }
            }
            TagEnd::List(_) if !self.unnest() => {
                self.flush();
                self.lists.pop();
                if self.lists.is_empty() {
                    self.blank();
                }
            }
            TagEnd::Item if !self.unnest() => {
                self.flush();
                self.containers.pop();
            }
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => self.pop_style(),
            TagEnd::Link => {
                self.pop_style();
                let number = self.open_links.pop().unwrap_or_default();
                self.styled_text(&format!("[{number}]"), self.theme.link_ref());
            }
            TagEnd::Image => {
                self.pop_style();
                let number = self.open_links.pop().unwrap_or_default();
                self.text(&format!("][{number}]"));
            }
            TagEnd::TableCell => {
                if let Some(table) = &mut self.table {
                    table.end_cell();
                }
            }
            TagEnd::TableHead => {
                if let Some(table) = &mut self.table {
                    table.end_head();
                }
            }
            TagEnd::Table => {
                if let Some(table) = self.table.take() {
                    let available = self.width.saturating_sub(self.prefix_width()).max(1);
                    for line in table.lines(available, self.target, self.theme) {
                        self.push_line(line);
                    }
                }
                self.blank();
            }
            TagEnd::FootnoteDefinition => {
                self.flush();
                self.blank();
            }
            _ => {}
        }
    }

    /// The prefixes for the next line: quote bars and list indents, with an item's marker on its
    /// first line only.
    fn take_prefix(&mut self) -> Vec<Span<'static>> {
        let quote = match self.target {
            Target::Screen => "│ ",
            Target::Pipe => "> ",
        };
        let quote_style = self.theme.dim();
        let mut spans = Vec::new();
        for container in &mut self.containers {
            match container {
                Container::Quote => spans.push(Span::styled(quote, quote_style)),
                Container::Item { marker, shown } => {
                    if *shown {
                        spans.push(Span::raw(" ".repeat(marker.width())));
                    } else {
                        spans.push(Span::raw(marker.clone()));
                        *shown = true;
                    }
                }
            }
        }
        spans
    }

    fn prefix_width(&self) -> usize {
        self.containers
            .iter()
            .map(|container| match container {
                Container::Quote => 2,
                Container::Item { marker, .. } => marker.width(),
            })
            .sum()
    }

    fn push_line(&mut self, content: Vec<Span<'static>>) {
        let mut spans = self.take_prefix();
        spans.extend(content);
        self.lines.push(Line::from(spans));
    }

    /// An empty line (keeping quote bars), unless the text already ends with one.
    fn blank(&mut self) {
        if self.lines.is_empty() || self.lines.last().is_some_and(is_blank) {
            return;
        }
        let bar = match self.target {
            Target::Screen => "│",
            Target::Pipe => ">",
        };
        let bars: Vec<Span<'static>> = self
            .containers
            .iter()
            .filter(|c| matches!(c, Container::Quote))
            .map(|_| Span::styled(bar, self.theme.dim()))
            .collect();
        self.lines.push(Line::from(bars));
    }

    fn trim_blank(&mut self) {
        while self.lines.last().is_some_and(is_blank) {
            self.lines.pop();
        }
    }

    /// Wraps the pending inline pieces into lines.
    fn flush(&mut self) {
        if self.pieces.is_empty() {
            return;
        }
        let pieces = std::mem::take(&mut self.pieces);
        let available = self.width.saturating_sub(self.prefix_width()).max(1);
        for line in wrap(&pieces, available, self.target) {
            self.push_line(line);
        }
    }

    fn finish(mut self) -> Rendered {
        self.flush();
        self.trim_blank();
        Rendered {
            lines: self.lines,
            links: self.links,
        }
    }
}

fn is_blank(line: &Line<'_>) -> bool {
    line.spans
        .iter()
        .all(|span| span.content.trim_matches(['│', '>', ' ']).is_empty())
}

const fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// `text` cut to at most `width` columns, ending in `…` when it was cut.
pub fn truncate(text: &str, width: usize) -> std::borrow::Cow<'_, str> {
    if text.width() <= width {
        return text.into();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out.into()
}

/// Whether a word is a link's address, which must never be split across lines.
fn is_url(word: &[(String, Style)]) -> bool {
    let start: String = word
        .iter()
        .flat_map(|(text, _)| text.chars())
        .take(12)
        .collect::<String>()
        .to_ascii_lowercase();
    // `://` anywhere: a URL in brackets or quotes, or split across styles, is one still.
    start.starts_with("www.")
        || start.starts_with("mailto:")
        || word
            .iter()
            .map(|(text, _)| text.as_str())
            .collect::<String>()
            .contains("://")
}

/// What to do with a word wider than the line.
enum LongWord {
    /// Cut to the line with `…` at the end: a URL on screen.
    Cut,
    /// Broken across lines: text without spaces (Japanese, a checksum) on screen.
    Break,
    /// Left whole, longer than the line: piped text.
    Whole,
}

/// Greedy word wrap of styled pieces into lines of at most `width` columns; a word wider than
/// a line is handled as `target` says (see [`Target`]).
pub fn wrap(pieces: &[Piece], width: usize, target: Target) -> Vec<Vec<Span<'static>>> {
    let width = width.max(1);
    // Words are runs of non-space text that may change style midway ("**bold**,"); `None` is a
    // hard break.
    let mut words: Vec<Option<Vec<(String, Style)>>> = Vec::new();
    let mut in_word = false;
    for (text, style) in pieces {
        let Some(text) = text else {
            words.push(None);
            in_word = false;
            continue;
        };
        for (index, part) in text.split(' ').enumerate() {
            if index > 0 {
                in_word = false;
            }
            if part.is_empty() {
                continue;
            }
            match words.last_mut() {
                Some(Some(word)) if in_word => word.push((part.to_owned(), *style)),
                _ => {
                    words.push(Some(vec![(part.to_owned(), *style)]));
                    in_word = true;
                }
            }
        }
    }

    let mut lines: Vec<Vec<Span<'static>>> = Vec::new();
    let mut line: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for word in words {
        let Some(word) = word else {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            continue;
        };
        let word_width: usize = word.iter().map(|(text, _)| text.width()).sum();
        if used > 0 && used + 1 + word_width > width {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        if used > 0 {
            push_span(&mut line, " ", Style::new());
            used += 1;
        }
        let long = if word_width <= width {
            None
        } else {
            let wide = || {
                word.iter()
                    .any(|(text, _)| text.chars().any(|c| c.width() == Some(2)))
            };
            Some(match target {
                Target::Screen if is_url(&word) => LongWord::Cut,
                Target::Screen => LongWord::Break,
                Target::Pipe if wide() && !is_url(&word) => LongWord::Break,
                Target::Pipe => LongWord::Whole,
            })
        };
        match long {
            None | Some(LongWord::Whole) => {
                for (text, style) in word {
                    push_span(&mut line, &text, style);
                }
                used += word_width;
            }
            Some(LongWord::Cut) => {
                // Alone on its line (the line was ended above): the first `width - 1` columns
                // and the marker.
                let mut last_style = Style::new();
                'cut: for (text, style) in word {
                    last_style = style;
                    for c in text.chars() {
                        let w = c.width().unwrap_or(0);
                        if used + w + 1 > width {
                            break 'cut;
                        }
                        push_span(&mut line, c.encode_utf8(&mut [0; 4]), style);
                        used += w;
                    }
                }
                push_span(&mut line, "…", last_style);
                used += 1;
            }
            Some(LongWord::Break) => {
                for (text, style) in word {
                    for c in text.chars() {
                        let w = c.width().unwrap_or(0);
                        if used + w > width && used > 0 {
                            lines.push(std::mem::take(&mut line));
                            used = 0;
                        }
                        push_span(&mut line, c.encode_utf8(&mut [0; 4]), style);
                        used += w;
                    }
                }
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Appends text to the last span when the style matches, else starts a new span.
fn push_span(line: &mut Vec<Span<'static>>, text: &str, style: Style) {
    match line.last_mut() {
        Some(last) if last.style == style => last.content.to_mut().push_str(text),
        _ => line.push(Span::styled(text.to_owned(), style)),
    }
}

#[cfg(test)]
mod tests;
