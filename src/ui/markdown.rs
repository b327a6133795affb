//! Markdown → styled, wrapped lines, once per article and width. Links become numbered
//! references (`[1]`) listed after the text, so the text stays readable in a terminal.

use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Parser, Tag, TagEnd};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::theme::Theme;
use crate::article::links::MARKDOWN_OPTIONS;

/// The rendered text, and the link targets its `[n]` markers point to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rendered {
    pub lines: Vec<Line<'static>>,
    pub links: Vec<String>,
}

/// Renders `markdown` wrapped to `width` columns (at least 10 are used).
pub fn render(markdown: &str, width: u16, theme: Theme) -> Rendered {
    let mut renderer = Renderer::new(width.max(10) as usize, theme);
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

struct Table {
    alignments: Vec<Alignment>,
    rows: Vec<Vec<String>>,
    header_rows: usize,
    cell: String,
}

struct Renderer {
    width: usize,
    theme: Theme,
    lines: Vec<Line<'static>>,
    links: Vec<String>,
    pieces: Vec<Piece>,
    styles: Vec<Style>,
    containers: Vec<Container>,
    /// Per open list: the next number, or `None` for bullets.
    lists: Vec<Option<u64>>,
    code_block: Option<String>,
    table: Option<Table>,
    heading: Option<u8>,
}

impl Renderer {
    fn new(width: usize, theme: Theme) -> Self {
        Self {
            width,
            theme,
            lines: Vec::new(),
            links: Vec::new(),
            pieces: Vec::new(),
            styles: vec![Style::new()],
            containers: Vec::new(),
            lists: Vec::new(),
            code_block: None,
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
        if let Some(code) = &mut self.code_block {
            code.push_str(text);
        } else if let Some(table) = &mut self.table {
            table.cell.push_str(text);
        } else {
            self.pieces.push((Some(text.to_owned()), self.style()));
        }
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => self.text(&text),
            Event::Code(code) => {
                if let Some(table) = &mut self.table {
                    table.cell.push_str(&code);
                } else {
                    self.pieces.push((
                        Some(code.to_string()),
                        self.style().patch(self.theme.code()),
                    ));
                }
            }
            Event::SoftBreak => self.text(" "),
            Event::HardBreak => self.pieces.push((None, Style::new())),
            Event::Rule => {
                self.flush();
                self.blank();
                let rule = "─".repeat(self.width.saturating_sub(self.prefix_width()));
                self.push_line(vec![Span::styled(rule, self.theme.dim())]);
                self.blank();
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                let style = self.theme.dim();
                self.pieces.push((Some(html.trim_end().to_owned()), style));
            }
            Event::TaskListMarker(done) => self.text(if done { "[x] " } else { "[ ] " }),
            Event::FootnoteReference(name) => self.text(&format!("[^{name}]")),
            Event::InlineMath(math) | Event::DisplayMath(math) => self.text(&math),
        }
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
            }
            Tag::BlockQuote(_) => {
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
            Tag::List(start) => {
                self.flush();
                if self.lists.is_empty() {
                    self.blank();
                }
                self.lists.push(start);
            }
            Tag::Item => {
                self.flush();
                let depth = self.lists.len();
                let marker = match self.lists.last_mut() {
                    Some(Some(number)) => {
                        let marker = format!("{number}. ");
                        *number += 1;
                        marker
                    }
                    _ => if depth > 1 { "◦ " } else { "• " }.to_owned(),
                };
                self.containers.push(Container::Item {
                    marker,
                    shown: false,
                });
            }
            Tag::Emphasis => self.push_style(Style::new().add_modifier(Modifier::ITALIC)),
            Tag::Strong => self.push_style(Style::new().add_modifier(Modifier::BOLD)),
            Tag::Strikethrough => self.push_style(Style::new().add_modifier(Modifier::CROSSED_OUT)),
            Tag::Link { dest_url, .. } => {
                self.links.push(dest_url.to_string());
                self.push_style(self.theme.link());
            }
            Tag::Image { dest_url, .. } => {
                self.links.push(dest_url.to_string());
                self.text("[image: ");
                self.push_style(self.theme.link());
            }
            Tag::Table(alignments) => {
                self.flush();
                self.blank();
                self.table = Some(Table {
                    alignments,
                    rows: Vec::new(),
                    header_rows: 0,
                    cell: String::new(),
                });
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(table) = &mut self.table {
                    table.rows.push(Vec::new());
                }
            }
            Tag::TableCell => {}
            Tag::FootnoteDefinition(name) => {
                self.flush();
                self.text(&format!("[^{name}]: "));
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                self.flush();
                self.blank();
            }
            TagEnd::Heading(_) => {
                let level = self.heading.take().unwrap_or(2);
                if level == 1 {
                    // Upper-case top headings so they stand out without colour too.
                    for piece in &mut self.pieces {
                        if let Some(text) = &mut piece.0 {
                            *text = text.to_uppercase();
                        }
                    }
                }
                self.flush();
                self.pop_style();
                self.blank();
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.trim_blank();
                self.containers.pop();
                self.pop_style();
                self.blank();
            }
            TagEnd::CodeBlock => {
                let code = self.code_block.take().unwrap_or_default();
                let style = self.theme.code();
                for line in code.trim_end_matches('\n').split('\n') {
                    let available = self.width.saturating_sub(self.prefix_width() + 2).max(1);
                    for chunk in hard_wrap(line, available) {
                        self.push_line(vec![Span::raw("  "), Span::styled(chunk, style)]);
                    }
                }
                self.blank();
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
                if self.lists.is_empty() {
                    self.blank();
                }
            }
            TagEnd::Item => {
                self.flush();
                self.containers.pop();
            }
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => self.pop_style(),
            TagEnd::Link => {
                self.pop_style();
                let reference = format!("[{}]", self.links.len());
                let style = self.theme.link_ref();
                if let Some(table) = &mut self.table {
                    table.cell.push_str(&reference);
                } else {
                    self.pieces.push((Some(reference), style));
                }
            }
            TagEnd::Image => {
                self.pop_style();
                let reference = format!("][{}]", self.links.len());
                self.text(&reference);
            }
            TagEnd::TableCell => {
                if let Some(table) = &mut self.table {
                    let cell = std::mem::take(&mut table.cell);
                    if let Some(row) = table.rows.last_mut() {
                        row.push(cell.trim().to_owned());
                    }
                }
            }
            TagEnd::TableHead => {
                if let Some(table) = &mut self.table {
                    table.header_rows = table.rows.len();
                }
            }
            TagEnd::Table => {
                if let Some(table) = self.table.take() {
                    self.render_table(table);
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
        let quote_style = self.theme.dim();
        let mut spans = Vec::new();
        for container in &mut self.containers {
            match container {
                Container::Quote => spans.push(Span::styled("│ ", quote_style)),
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
        let bars: Vec<Span<'static>> = self
            .containers
            .iter()
            .filter(|c| matches!(c, Container::Quote))
            .map(|_| Span::styled("│", self.theme.dim()))
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
        for line in wrap(&pieces, available) {
            self.push_line(line);
        }
    }

    fn render_table(&mut self, table: Table) {
        let columns = table.rows.iter().map(Vec::len).max().unwrap_or(0);
        if columns == 0 {
            return;
        }
        let mut widths = vec![0; columns];
        for row in &table.rows {
            for (column, cell) in row.iter().enumerate() {
                widths[column] = widths[column].max(cell.width());
            }
        }
        // Shrink the widest columns until the table fits, separators included.
        let available = self.width.saturating_sub(self.prefix_width());
        let separators = 3 * (columns - 1);
        while widths.iter().sum::<usize>() + separators > available {
            let (widest, &width) = widths
                .iter()
                .enumerate()
                .max_by_key(|(_, w)| **w)
                .expect("a table has a column");
            if width <= 3 {
                break;
            }
            widths[widest] -= 1;
        }
        let border = self.theme.dim();
        for (index, row) in table.rows.iter().enumerate() {
            let mut spans = Vec::new();
            for (column, width) in widths.iter().enumerate() {
                if column > 0 {
                    spans.push(Span::styled(" │ ", border));
                }
                let cell = row.get(column).map_or("", String::as_str);
                let alignment = table
                    .alignments
                    .get(column)
                    .copied()
                    .unwrap_or(Alignment::None);
                let text = fit(cell, *width, alignment);
                let style = if index < table.header_rows {
                    Style::new().add_modifier(Modifier::BOLD)
                } else {
                    Style::new()
                };
                spans.push(Span::styled(text, style));
            }
            self.push_line(spans);
            if index + 1 == table.header_rows {
                let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
                self.push_line(vec![Span::styled(rule.join("─┼─"), border)]);
            }
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
        .all(|span| span.content.trim_matches(['│', ' ']).is_empty())
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

/// Pads or cuts `text` to exactly `width` columns.
fn fit(text: &str, width: usize, alignment: Alignment) -> String {
    if text.width() > width {
        let cut = truncate(text, width);
        let used = cut.width();
        return cut.into_owned() + &" ".repeat(width.saturating_sub(used));
    }
    let gap = width - text.width();
    match alignment {
        Alignment::Right => format!("{}{text}", " ".repeat(gap)),
        Alignment::Center => format!("{}{text}{}", " ".repeat(gap / 2), " ".repeat(gap - gap / 2)),
        _ => format!("{text}{}", " ".repeat(gap)),
    }
}

/// Splits a line into chunks of at most `width` columns, for text that has no spaces to wrap at.
pub fn hard_wrap(text: &str, width: usize) -> Vec<String> {
    let mut chunks = vec![String::new()];
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width && used > 0 {
            chunks.push(String::new());
            used = 0;
        }
        chunks.last_mut().expect("never empty").push(c);
        used += w;
    }
    chunks
}

/// Greedy word wrap of styled pieces into lines of at most `width` columns.
pub fn wrap(pieces: &[Piece], width: usize) -> Vec<Vec<Span<'static>>> {
    // Words are runs of non-space text that may change style midway ("**bold**,").
    let mut words: Vec<Vec<(String, Style)>> = Vec::new();
    let mut breaks_after: Vec<usize> = Vec::new();
    let mut in_word = false;
    for (text, style) in pieces {
        let Some(text) = text else {
            breaks_after.push(words.len());
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
            if in_word {
                words
                    .last_mut()
                    .expect("in a word")
                    .push((part.to_owned(), *style));
            } else {
                words.push(vec![(part.to_owned(), *style)]);
                in_word = true;
            }
        }
    }

    let mut lines: Vec<Vec<Span<'static>>> = Vec::new();
    let mut line: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for (index, word) in words.into_iter().enumerate() {
        if breaks_after.contains(&index) && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        let word_width: usize = word.iter().map(|(text, _)| text.width()).sum();
        if used > 0 && used + 1 + word_width > width {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        if used > 0 {
            push_span(&mut line, " ", Style::new());
            used += 1;
        }
        for (text, style) in word {
            if word_width > width {
                // A word longer than the line (a long URL): cut it across lines.
                for c in text.chars() {
                    let w = c.width().unwrap_or(0);
                    if used + w > width && used > 0 {
                        lines.push(std::mem::take(&mut line));
                        used = 0;
                    }
                    push_span(&mut line, c.encode_utf8(&mut [0; 4]), style);
                    used += w;
                }
            } else {
                push_span(&mut line, &text, style);
                used += text.width();
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
mod tests {
    use super::*;

    fn plain(markdown: &str, width: u16) -> Vec<String> {
        render(markdown, width, Theme::plain())
            .lines
            .iter()
            .map(|line| {
                line.spans
                    .iter()
                    .map(|s| s.content.as_ref())
                    .collect::<String>()
            })
            .collect()
    }

    #[test]
    fn paragraphs_wrap_to_the_width() {
        let lines = plain("one two three four five six seven eight nine ten", 20);
        assert_eq!(
            lines,
            ["one two three four", "five six seven eight", "nine ten"]
        );
        assert!(lines.iter().all(|line| line.width() <= 20));
    }

    #[test]
    fn lists_have_hanging_indents() {
        let lines = plain(
            "- alpha beta gamma delta\n- two\n\n1. first item here\n2. second",
            16,
        );
        assert_eq!(
            lines,
            [
                "• alpha beta",
                "  gamma delta",
                "• two",
                "",
                "1. first item",
                "   here",
                "2. second"
            ]
        );
    }

    #[test]
    fn links_become_numbered_references() {
        let rendered = render(
            "See [the report](https://example.org/r) and [more](https://example.org/m).",
            80,
            Theme::plain(),
        );
        let text: String = rendered.lines[0]
            .spans
            .iter()
            .map(|s| s.content.as_ref())
            .collect();
        assert_eq!(text, "See the report[1] and more[2].");
        assert_eq!(
            rendered.links,
            ["https://example.org/r", "https://example.org/m"]
        );
    }

    #[test]
    fn the_numbers_shown_are_the_numbers_asked_for() {
        // The reader opens link N from `article::links::numbered`: it must number as we draw.
        let body = "[a](https://a.example) ![i](https://i.example/x.png)\n\n\
                    | [t](https://t.example) | b |\n|---|---|\n| 1 | [c](mailto:c@x.example) |\n\n\
                    > [q](https://q.example)\n\n- [l](https://l.example)\n";
        assert_eq!(
            render(body, 40, Theme::plain()).links,
            crate::article::links::numbered(body)
        );
    }

    #[test]
    fn headings_quotes_code_and_rules() {
        let lines = plain(
            "# Top\n\n## Section\n\n> quoted words\n\n```\nlet x = 1;\n```\n\n---\n\nend",
            20,
        );
        assert_eq!(
            lines,
            [
                "TOP",
                "",
                "Section",
                "",
                "│ quoted words",
                "",
                "  let x = 1;",
                "",
                "─".repeat(20).as_str(),
                "",
                "end"
            ]
        );
    }

    #[test]
    fn tables_align_and_fit() {
        let lines = plain(
            "| Coin | Price |\n|:-----|------:|\n| BTC | 95000 |\n| ETH | 3 |\n",
            40,
        );
        assert_eq!(
            lines,
            [
                "Coin │ Price",
                "─────┼──────",
                "BTC  │ 95000",
                "ETH  │     3"
            ]
        );
        let narrow = plain(
            "| a long heading here | another long heading |\n|---|---|\n| x | y |\n",
            20,
        );
        assert!(narrow.iter().all(|line| line.width() <= 20), "{narrow:?}");
    }

    #[test]
    fn wide_characters_and_long_words_respect_the_width() {
        let lines = plain(
            "日本語のテキストはとても長いのでここで折り返す必要があります https://example.org/a/very/long/path/that/cannot/fit",
            12,
        );
        assert!(lines.iter().all(|line| line.width() <= 12), "{lines:?}");
    }
}
