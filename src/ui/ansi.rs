//! Styled lines → text with ANSI SGR codes, for command-line output. The text itself was
//! sanitized at load, so the only escape sequences written are the ones made here.

use std::fmt::Write as _;

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;

/// One line of output; with `color` false, the text alone.
pub fn line_to_string(line: &Line<'_>, color: bool) -> String {
    let mut out = String::new();
    for span in &line.spans {
        let style = line.style.patch(span.style);
        let codes = if color { sgr(style) } else { String::new() };
        if codes.is_empty() {
            out.push_str(&span.content);
        } else {
            let _ = write!(out, "\x1b[{codes}m{}\x1b[0m", span.content);
        }
    }
    out.trim_end().to_owned()
}

fn sgr(style: Style) -> String {
    let mut codes: Vec<String> = Vec::new();
    let modifiers = [
        (Modifier::BOLD, "1"),
        (Modifier::DIM, "2"),
        (Modifier::ITALIC, "3"),
        (Modifier::UNDERLINED, "4"),
        (Modifier::REVERSED, "7"),
        (Modifier::CROSSED_OUT, "9"),
    ];
    for (modifier, code) in modifiers {
        if style.add_modifier.contains(modifier) {
            codes.push(code.to_owned());
        }
    }
    if let Some(color) = style.fg {
        codes.extend(color_code(color));
    }
    codes.join(";")
}

fn color_code(color: Color) -> Option<String> {
    let basic = |n: u8| Some((30 + n).to_string());
    let bright = |n: u8| Some((90 + n).to_string());
    match color {
        Color::Reset => None,
        Color::Black => basic(0),
        Color::Red => basic(1),
        Color::Green => basic(2),
        Color::Yellow => basic(3),
        Color::Blue => basic(4),
        Color::Magenta => basic(5),
        Color::Cyan => basic(6),
        Color::Gray => basic(7),
        Color::DarkGray => bright(0),
        Color::LightRed => bright(1),
        Color::LightGreen => bright(2),
        Color::LightYellow => bright(3),
        Color::LightBlue => bright(4),
        Color::LightMagenta => bright(5),
        Color::LightCyan => bright(6),
        Color::White => bright(7),
        Color::Indexed(n) => Some(format!("38;5;{n}")),
        Color::Rgb(r, g, b) => Some(format!("38;2;{r};{g};{b}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Stylize;
    use ratatui::text::Span;

    #[test]
    fn styles_become_sgr_codes_only_when_asked() {
        let line = Line::from(vec![Span::raw("plain "), "bold".bold().green()]);
        assert_eq!(line_to_string(&line, true), "plain \x1b[1;32mbold\x1b[0m");
        assert_eq!(line_to_string(&line, false), "plain bold");
    }
}
