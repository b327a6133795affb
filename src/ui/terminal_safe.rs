//! The reader's terminal boundary: the last look at every cell before it is drawn.

use ratatui::buffer::{Buffer, CellDiffOption};
use unicode_width::UnicodeWidthStr;

use super::reader::hyperlink_parts;
use crate::article::links::fits_a_hyperlink;
use crate::article::text::{REPLACEMENT, is_terminal_control};

/// Takes every control and bidi character out of the cells, but for the OSC 8 hyperlinks
/// tidings makes itself and the cells its cover image wrote (`own(x, y, symbol)`); a cell left with nothing to show shows a visible [`REPLACEMENT`].
/// Widgets build cells from text that was sanitized at load and then decoded again (the
/// Markdown parser turns `&#x202e;` into the character itself, and ratatui keeps zero-width
/// characters in the cell before them): this pass holds whatever a widget did.
pub fn make_safe(buffer: &mut Buffer, own: impl Fn(u16, u16, &str) -> bool) {
    let width = buffer.area.width.max(1);
    let (left, top) = (buffer.area.x, buffer.area.y);
    for (at, cell) in buffer.content.iter_mut().enumerate() {
        let symbol = cell.symbol();
        if !symbol.contains(is_terminal_control) {
            continue;
        }
        let x = left + u16::try_from(at % usize::from(width)).unwrap_or(u16::MAX);
        let y = top + u16::try_from(at / usize::from(width)).unwrap_or(u16::MAX);
        if own(x, y, symbol) {
            continue;
        }
        let link = hyperlink_parts(symbol);
        if link.is_some_and(|(url, shown)| {
            fits_a_hyperlink(url) && !shown.contains(is_terminal_control)
        }) {
            continue;
        }
        // A link that may not be one is its text alone; the character a cell shows stays, so a
        // column keeps its letter.
        let shown = link.map_or(symbol, |(_, shown)| shown);
        let mut shown: String = shown.chars().filter(|&c| !is_terminal_control(c)).collect();
        if shown.width() == 0 {
            shown = REPLACEMENT.to_string();
        }
        cell.set_symbol(&shown)
            .set_diff_option(CellDiffOption::None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;

    #[test]
    fn only_tidings_own_hyperlinks_keep_their_escapes() {
        let mut buffer = Buffer::empty(Rect::new(0, 0, 6, 1));
        let own = "\x1b]8;;https://example.org/a\x1b\\x\x1b]8;;\x1b\\";
        for (x, symbol) in [
            own,
            "\x1b]8;;file:///etc/passwd\x1b\\x\x1b]8;;\x1b\\",
            "\x1b]8;;https://example.org/a\x1b\\\u{202e}\x1b]8;;\x1b\\",
            "a\u{202e}\u{202c}",
            "\u{9b}",
            "b",
        ]
        .into_iter()
        .enumerate()
        {
            buffer[(x as u16, 0)].set_symbol(symbol);
        }
        make_safe(&mut buffer, |_, _, _| false);
        let symbols: Vec<&str> = buffer.content.iter().map(|cell| cell.symbol()).collect();
        assert_eq!(symbols, [own, "x", "\u{fffd}", "a", "\u{fffd}", "b"]);
    }

    #[test]
    fn only_the_cells_the_image_wrote_keep_their_escapes() {
        let mut buffer = Buffer::empty(Rect::new(3, 2, 3, 2));
        let image = "\x1b_Ga=T,f=100;AAAA\x1b\\x";
        for (x, y) in [(3, 2), (4, 2), (3, 3)] {
            buffer[(x, y)].set_symbol(image);
        }
        make_safe(&mut buffer, |x, y, symbol| {
            (x, y) == (4, 2) && symbol == image
        });
        let symbols: Vec<&str> = buffer.content.iter().map(|cell| cell.symbol()).collect();
        let stripped = "_Ga=T,f=100;AAAA\\x";
        assert_eq!(symbols, [stripped, image, " ", stripped, " ", " "]);
    }
}
