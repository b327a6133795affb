//! Tables as lines: a grid whose cells wrap when the columns fit, one record per row
//! (`Header: value`) when they cannot, so no cell's text is ever cut.

use pulldown_cmark::Alignment;
use ratatui::style::{Modifier, Style};
use ratatui::text::Span;
use unicode_width::UnicodeWidthStr;

use super::{Target, wrap};
use crate::ui::theme::Theme;

/// Columns kept of a table; the rest are counted under it. A table thousands of columns wide
/// is not read as a table, and laying it out would cost time per column per row.
pub const MAX_COLUMNS: usize = 64;
/// The narrowest a column is squeezed to before the grid gives way to records.
const MIN_COLUMN: usize = 8;
/// The longest word a column keeps room for when squeezed.
const LONG_WORD: usize = 20;

pub struct Table {
    alignments: Vec<Alignment>,
    rows: Vec<Vec<String>>,
    header_rows: usize,
    /// The text of the cell being read.
    pub cell: String,
    /// Cells read in the current row, kept or not.
    cells_in_row: usize,
    hidden_columns: usize,
}

impl Table {
    pub const fn new(alignments: Vec<Alignment>) -> Self {
        Self {
            alignments,
            rows: Vec::new(),
            header_rows: 0,
            cell: String::new(),
            cells_in_row: 0,
            hidden_columns: 0,
        }
    }

    pub fn start_row(&mut self) {
        self.rows.push(Vec::new());
        self.cells_in_row = 0;
    }

    pub fn end_cell(&mut self) {
        let cell = std::mem::take(&mut self.cell);
        self.cells_in_row += 1;
        if self.cells_in_row > MAX_COLUMNS {
            self.hidden_columns = self.hidden_columns.max(self.cells_in_row - MAX_COLUMNS);
        } else if let Some(row) = self.rows.last_mut() {
            row.push(cell.trim().to_owned());
        }
    }

    pub const fn end_head(&mut self) {
        self.header_rows = self.rows.len();
    }

    /// The table's lines, at most `available` columns wide on screen.
    pub fn lines(&self, available: usize, target: Target, theme: Theme) -> Vec<Vec<Span<'static>>> {
        let columns = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        if columns == 0 {
            return Vec::new();
        }
        let mut natural = vec![0; columns];
        let mut longest_word = vec![0; columns];
        for row in &self.rows {
            for (column, cell) in row.iter().enumerate() {
                natural[column] = natural[column].max(cell.width());
                let word = cell
                    .split(' ')
                    .map(UnicodeWidthStr::width)
                    .max()
                    .unwrap_or(0);
                longest_word[column] = longest_word[column].max(word);
            }
        }
        let separators = 3 * (columns - 1);
        let widths = if natural.iter().sum::<usize>() + separators <= available {
            Some(natural)
        } else if target == Target::Screen {
            shrink(
                &natural,
                &longest_word,
                available.saturating_sub(separators),
            )
        } else {
            // Piped text is never wrapped inside a word, so a table too wide is records.
            None
        };
        let mut lines = match widths {
            Some(widths) => self.grid(&widths, target, theme),
            None => self.records(available, target),
        };
        if self.hidden_columns > 0 {
            lines.push(vec![Span::styled(
                format!(
                    "[{} more columns not shown: at most {MAX_COLUMNS} are]",
                    self.hidden_columns
                ),
                theme.dim(),
            )]);
        }
        lines
    }

    fn grid(&self, widths: &[usize], target: Target, theme: Theme) -> Vec<Vec<Span<'static>>> {
        let border = theme.dim();
        let mut lines = Vec::new();
        for (index, row) in self.rows.iter().enumerate() {
            let style = if index < self.header_rows {
                Style::new().add_modifier(Modifier::BOLD)
            } else {
                Style::new()
            };
            let cells: Vec<Vec<Vec<Span<'static>>>> = widths
                .iter()
                .enumerate()
                .map(|(column, width)| {
                    let text = row.get(column).cloned().unwrap_or_default();
                    wrap(&[(Some(text), style)], *width, target)
                })
                .collect();
            let height = cells.iter().map(Vec::len).max().unwrap_or(0).max(1);
            for line_index in 0..height {
                let mut spans = Vec::new();
                for (column, width) in widths.iter().enumerate() {
                    if column > 0 {
                        spans.push(Span::styled(" │ ", border));
                    }
                    let content = cells[column].get(line_index).cloned().unwrap_or_default();
                    let alignment = self
                        .alignments
                        .get(column)
                        .copied()
                        .unwrap_or(Alignment::None);
                    pad(&mut spans, content, *width, alignment);
                }
                lines.push(spans);
            }
            if index + 1 == self.header_rows {
                let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
                lines.push(vec![Span::styled(rule.join("─┼─"), border)]);
            }
        }
        lines
    }

    /// One block per row: `Header: value` for each cell, a blank line between rows.
    fn records(&self, available: usize, target: Target) -> Vec<Vec<Span<'static>>> {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let header = self.rows[..self.header_rows].first();
        let body = &self.rows[self.header_rows..];
        let mut lines = Vec::new();
        if body.is_empty() {
            for name in header.into_iter().flatten() {
                lines.extend(wrap(&[(Some(name.clone()), bold)], available, target));
            }
            return lines;
        }
        for (index, row) in body.iter().enumerate() {
            if index > 0 {
                lines.push(Vec::new());
            }
            for (column, value) in row.iter().enumerate() {
                if value.is_empty() {
                    continue;
                }
                let label = header
                    .and_then(|header| header.get(column))
                    .filter(|name| !name.is_empty())
                    .map_or_else(
                        || format!("Column {}:", column + 1),
                        |name| format!("{name}:"),
                    );
                let pieces = [
                    (Some(label), bold),
                    (Some(format!(" {value}")), Style::new()),
                ];
                lines.extend(wrap(&pieces, available, target));
            }
        }
        lines
    }
}

/// Column widths that fit `budget`: each column keeps room for its longest word (at least
/// [`MIN_COLUMN`], at most [`LONG_WORD`]: a longer one, a URL, is cut or broken anyway), and
/// the rest is shared in proportion to what each wanted beyond that. `None` when even that
/// cannot fit.
fn shrink(natural: &[usize], longest_word: &[usize], budget: usize) -> Option<Vec<usize>> {
    let least: Vec<usize> = natural
        .iter()
        .zip(longest_word)
        .map(|(n, w)| (*n).min((*w).clamp(MIN_COLUMN, LONG_WORD)))
        .collect();
    let spare = budget.checked_sub(least.iter().sum())?;
    let wanted: usize = natural.iter().zip(&least).map(|(n, l)| n - l).sum();
    let mut widths: Vec<usize> = natural
        .iter()
        .zip(&least)
        .map(|(n, l)| l + (n - l) * spare / wanted.max(1))
        .collect();
    // What rounding down left over goes a column at a time to those that want more.
    let mut left = budget.saturating_sub(widths.iter().sum());
    for (width, n) in widths.iter_mut().zip(natural) {
        if left == 0 {
            break;
        }
        if *width < *n {
            *width += 1;
            left -= 1;
        }
    }
    Some(widths)
}

/// Appends `content` padded to `width` columns as `alignment` says.
fn pad(
    spans: &mut Vec<Span<'static>>,
    content: Vec<Span<'static>>,
    width: usize,
    alignment: Alignment,
) {
    let used: usize = content.iter().map(|span| span.content.width()).sum();
    let gap = width.saturating_sub(used);
    let (before, after) = match alignment {
        Alignment::Right => (gap, 0),
        Alignment::Center => (gap / 2, gap - gap / 2),
        _ => (0, gap),
    };
    if before > 0 {
        spans.push(Span::raw(" ".repeat(before)));
    }
    spans.extend(content);
    if after > 0 {
        spans.push(Span::raw(" ".repeat(after)));
    }
}
