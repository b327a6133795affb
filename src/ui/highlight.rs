//! Marking parts of a line that is already styled: query words, text found in an article.

use std::ops::Range;

use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// `line` with each range (bytes of its text, all spans together; in order, not overlapping)
/// restyled by its style on top of what the span had.
pub fn mark<'a>(line: &Line<'a>, marks: &[(Range<usize>, Style)]) -> Line<'a> {
    if marks.is_empty() {
        return line.clone();
    }
    let mut spans: Vec<Span<'a>> = Vec::with_capacity(line.spans.len() + 2 * marks.len());
    let mut start = 0;
    for span in &line.spans {
        let text = span.content.as_ref();
        let end = start + text.len();
        // Cut the span where a mark begins or ends inside it.
        let mut cut = start;
        for (range, style) in marks {
            if range.end <= cut || range.start >= end {
                continue;
            }
            let from = range.start.max(cut);
            let to = range.end.min(end);
            if from > cut {
                spans.push(Span::styled(
                    text[cut - start..from - start].to_owned(),
                    span.style,
                ));
            }
            spans.push(Span::styled(
                text[from - start..to - start].to_owned(),
                span.style.patch(*style),
            ));
            cut = to;
        }
        if cut == start {
            spans.push(span.clone());
        } else if cut < end {
            spans.push(Span::styled(text[cut - start..].to_owned(), span.style));
        }
        start = end;
    }
    Line {
        spans,
        ..line.clone()
    }
}

/// The text of a line, all spans together (what mark ranges count bytes in).
pub fn text_of(line: &Line<'_>) -> String {
    line.spans
        .iter()
        .map(|span| span.content.as_ref())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Modifier, Stylize};

    #[test]
    fn marks_cut_spans_and_keep_their_own_style() {
        let line = Line::from(vec!["Rates ".red(), "rise again".bold()]);
        let marked = Style::new().add_modifier(Modifier::REVERSED);
        let result = mark(&line, &[(3..8, marked), (11..16, marked)]);
        let pieces: Vec<(&str, Style)> = result
            .spans
            .iter()
            .map(|span| (span.content.as_ref(), span.style))
            .collect();
        assert_eq!(
            pieces,
            [
                ("Rat", Style::new().red()),
                ("es ", Style::new().red().reversed()),
                ("ri", Style::new().bold().reversed()),
                ("se ", Style::new().bold()),
                ("again", Style::new().bold().reversed()),
            ]
        );
        assert_eq!(text_of(&result), text_of(&line), "no text lost or added");
    }
}
