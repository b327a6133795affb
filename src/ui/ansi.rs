//! Command-line output: styled lines → text with ANSI SGR codes, and the one writer every
//! command's standard output goes through, which lets no escape sequence but SGR pass.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;

use crate::article::text::{REPLACEMENT, for_terminal, is_terminal_control};

/// One line of output; with `color` false, the text alone. Each piece of text is made safe
/// before its style is added, so the only SGR codes in the line are the ones made here.
pub fn line_to_string(line: &Line<'_>, color: bool) -> String {
    let mut out = String::new();
    for span in &line.spans {
        let style = line.style.patch(span.style);
        let codes = if color { sgr(style) } else { String::new() };
        let content = for_terminal(&span.content);
        if codes.is_empty() {
            out.push_str(&content);
        } else {
            let _ = write!(out, "\x1b[{codes}m{content}\x1b[0m");
        }
    }
    out.trim_end().to_owned()
}

/// Standard output for the commands: whatever is written, only whole lines reach `inner`, and
/// in them no control character but the ESC of an SGR sequence (`ESC [ 1;32 m`), the one kind
/// tidings writes itself; every other becomes [`REPLACEMENT`]. Whatever text a command prints,
/// and however it was made, nothing in it can move the cursor, set a title, reach the clipboard
/// or reorder the line.
pub struct TerminalWriter<W: Write> {
    inner: W,
    /// The line being written, up to its newline: an SGR sequence or a character split over
    /// two writes is judged whole.
    line: Vec<u8>,
}

impl<W: Write> TerminalWriter<W> {
    pub const fn new(inner: W) -> Self {
        Self {
            inner,
            line: Vec::new(),
        }
    }

    fn write_line(&mut self) -> io::Result<()> {
        let line = String::from_utf8_lossy(&self.line);
        let result = self.inner.write_all(only_sgr(&line).as_bytes());
        self.line.clear();
        result
    }
}

impl<W: Write> Write for TerminalWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut rest = buf;
        while let Some(end) = memchr::memchr(b'\n', rest) {
            self.line.extend_from_slice(&rest[..end]);
            self.write_line()?;
            self.inner.write_all(b"\n")?;
            rest = &rest[end + 1..];
        }
        self.line.extend_from_slice(rest);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.line.is_empty() {
            self.write_line()?;
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for TerminalWriter<W> {
    fn drop(&mut self) {
        // Errors were the caller's to see from `flush`; a line left unflushed still goes out.
        let _ = self.flush();
    }
}

/// `line` with every terminal control character replaced, but for whole SGR sequences.
fn only_sgr(line: &str) -> Cow<'_, str> {
    if !line.chars().any(is_terminal_control) {
        return line.into();
    }
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find(is_terminal_control) {
        out.push_str(&rest[..at]);
        let from = &rest[at..];
        let sgr = sgr_len(from);
        if sgr > 0 {
            out.push_str(&from[..sgr]);
            rest = &from[sgr..];
        } else {
            out.push(REPLACEMENT);
            let control = from.chars().next().map_or(1, char::len_utf8);
            rest = &from[control..];
        }
    }
    out.push_str(rest);
    out.into()
}

/// The length of the SGR sequence `text` starts with (`ESC [`, digits and `;`, `m`), or 0.
fn sgr_len(text: &str) -> usize {
    let Some(after) = text.strip_prefix("\x1b[") else {
        return 0;
    };
    let parameters = after
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b';')
        .count();
    if after.as_bytes().get(parameters) == Some(&b'm') {
        2 + parameters + 1
    } else {
        0
    }
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

    #[test]
    fn text_cannot_bring_its_own_sequences() {
        let line = Line::from(vec![
            Span::raw("a\x1b]0;PWNED\x07 \u{202e}b"),
            "\x1b[2Jc".bold(),
        ]);
        assert_eq!(
            line_to_string(&line, true),
            "a\u{fffd}]0;PWNED\u{fffd} \u{fffd}b\x1b[1m\u{fffd}[2Jc\x1b[0m"
        );
    }

    #[test]
    fn the_writer_passes_sgr_and_nothing_else() {
        let mut bytes = Vec::new();
        {
            let mut out = TerminalWriter::new(&mut bytes);
            // Pieces split anywhere, even inside a sequence or a character, are judged whole.
            for piece in [
                "ok \x1b[1;3",
                "2mgreen\x1b[0m \x1b]52;c;eA==\x07 \x1b[2J \u{9b}31m \u{202e}x\r\n",
                "second\x1b[m",
            ] {
                out.write_all(piece.as_bytes()).unwrap();
            }
            out.write_all(&"\u{85}".as_bytes()[..1]).unwrap();
            out.write_all(&"\u{85}".as_bytes()[1..]).unwrap();
        }
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "ok \x1b[1;32mgreen\x1b[0m \u{fffd}]52;c;eA==\u{fffd} \u{fffd}[2J \u{fffd}31m \u{fffd}x\u{fffd}\n\
             second\x1b[m\u{fffd}"
        );
    }
}
