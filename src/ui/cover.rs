//! The article's cover image, drawn where the terminal said it can show images: the one query
//! at start, the decode off the input thread, and the cells the image put in the frame.

use std::hash::{DefaultHasher, Hash as _, Hasher as _};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Duration;

use ratatui::buffer::Buffer;
use ratatui::layout::{Rect, Size};
use ratatui::widgets::Widget as _;
use ratatui_image::picker::cap_parser::{Parser, QueryStdioOptions, Response};
use ratatui_image::picker::{Picker, ProtocolType};
use ratatui_image::protocol::Protocol;
use ratatui_image::{FontSize, Image, Resize};

use super::article::{ArticleText, cover_image};
use crate::app::App;
use crate::library::covers;

/// How long the terminal has to answer the query: every terminal that draws images answers at
/// once, and one that never answers must not hold up the first frame noticeably.
const QUERY_TIMEOUT: Duration = Duration::from_millis(300);

/// Writes the query and reads the answer from the terminal until its status report or the
/// deadline. The bytes are read here, with a deadline, rather than by the query helper, whose
/// reading thread outlives a terminal that does not answer and takes the user's keys.
#[cfg(unix)]
fn ask_terminal(timeout: Duration) -> Answer {
    use std::io::Write as _;
    use std::time::Instant;

    use rustix::event::{PollFd, PollFlags, Timespec, poll};

    let query = Parser::query(false, QueryStdioOptions::default());
    let mut stdout = std::io::stdout();
    if stdout
        .write_all(query.as_bytes())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return Answer::default();
    }
    let stdin = std::io::stdin();
    let deadline = Instant::now() + timeout;
    let mut bytes = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Answer::read(&bytes);
        }
        let wait = Timespec::try_from(left).unwrap_or(Timespec {
            tv_sec: 0,
            tv_nsec: 0,
        });
        let mut fds = [PollFd::new(&stdin, PollFlags::IN)];
        match poll(&mut fds, Some(&wait)) {
            Ok(0) | Err(rustix::io::Errno::INTR) => continue,
            Ok(_) => {}
            Err(_) => return Answer::read(&bytes),
        }
        // Read from the descriptor itself: std's buffered stdin would keep bytes from
        // crossterm. Whatever the user typed in these milliseconds is lost either way.
        let mut chunk = [0u8; 256];
        match rustix::io::read(&stdin, &mut chunk) {
            Ok(0) | Err(_) => return Answer::read(&bytes),
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
        }
        let answer = Answer::read(&bytes);
        if answer.complete {
            return answer;
        }
    }
}

#[cfg(not(unix))]
fn ask_terminal(_timeout: Duration) -> Answer {
    Answer::default()
}

/// What the terminal can draw, as it said itself, and where downloaded covers are kept.
#[derive(Clone)]
pub struct Graphics {
    picker: Picker,
    covers: PathBuf,
}

/// What the terminal answered to the query: its graphics and its cell size in pixels.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Answer {
    pub protocol: Option<ProtocolType>,
    pub cell: Option<(u16, u16)>,
    /// The status report the query asks for last arrived: everything else was said before it.
    pub complete: bool,
}

impl Answer {
    /// Reads the terminal's reply to [`Parser::query`] from `bytes`, up to its status report.
    /// Only a terminal that said it draws kitty graphics or sixel gets images: nothing is
    /// guessed from the environment.
    pub fn read(bytes: &[u8]) -> Self {
        let mut parser = Parser::new();
        let mut answer = Self::default();
        for &byte in bytes {
            for response in parser.push(char::from(byte)) {
                match response {
                    Response::Kitty => answer.protocol = Some(ProtocolType::Kitty),
                    Response::Sixel if answer.protocol.is_none() => {
                        answer.protocol = Some(ProtocolType::Sixel);
                    }
                    Response::CellSize(Some(cell)) => answer.cell = Some(cell),
                    Response::Status => {
                        answer.complete = true;
                        return answer;
                    }
                    _ => {}
                }
            }
        }
        answer
    }

    /// The protocol to draw with: none unless the whole answer came.
    pub const fn protocol(&self) -> Option<ProtocolType> {
        if self.complete { self.protocol } else { None }
    }
}

/// Whether to ask the terminal at all. Not under tmux or screen: they answer for themselves,
/// not for the terminal outside, and passing images through them needs their settings changed.
/// Not on a dumb terminal.
pub fn worth_asking(term: Option<&str>, tmux: Option<&str>) -> bool {
    let term = term.unwrap_or("");
    !term.is_empty()
        && term != "dumb"
        && !term.starts_with("tmux")
        && !term.starts_with("screen")
        && tmux.is_none_or(str::is_empty)
}

impl Graphics {
    /// Asks the terminal what it draws (in raw mode, before the first event is read); `None`
    /// where images are not to be drawn. `covers` is the download cache.
    pub fn detect(covers: PathBuf) -> Option<Self> {
        let term = std::env::var("TERM").ok();
        let tmux = std::env::var("TMUX").ok();
        // The answer comes on standard input: only where that is the terminal itself.
        if !worth_asking(term.as_deref(), tmux.as_deref())
            || !std::io::IsTerminal::is_terminal(&std::io::stdin())
        {
            return None;
        }
        let answer = ask_terminal(QUERY_TIMEOUT);
        let protocol = answer.protocol()?;
        // Without a cell size the image is scaled for a common one: how big it looks, not
        // whether it is drawn, rests on that.
        let (width, height) = answer.cell.unwrap_or((10, 20));
        #[allow(deprecated)] // Its replacement asks the terminal again, on a thread that stays.
        let mut picker = Picker::from_fontsize(FontSize::new(width, height));
        picker.set_protocol_type(protocol);
        Some(Self { picker, covers })
    }

    /// The local copy of `cover`, for the article read from `article_path`.
    pub fn local_cover(&self, cover: &str, article_path: &str) -> Option<PathBuf> {
        covers::local_cover(cover, Path::new(article_path), &self.covers)
    }
}

/// An image wanted at a size: its file, and the columns and most rows it may take.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Wanted {
    path: PathBuf,
    room: (u16, u16),
}

/// An image made for a request, or why it could not be.
type Made = (Wanted, Result<Protocol, String>);

/// The pane's cover: the image being made or made, and the cells it left in the last frame.
#[derive(Default)]
pub struct CoverState {
    graphics: Option<Graphics>,
    /// The cover of the article shown, resolved once per article (by library generation and
    /// index): the file, if there is one.
    resolved: Option<((u64, usize), Option<PathBuf>)>,
    wanted: Option<Wanted>,
    ready: Option<Made>,
    worker: Option<(Sender<Wanted>, Receiver<Made>)>,
    /// Cells the image wrote in the last frame, by position and a hash of the symbol: the
    /// terminal boundary lets exactly these through.
    own: Vec<(u16, u16, u64)>,
}

impl CoverState {
    pub fn new(graphics: Option<Graphics>) -> Self {
        Self {
            graphics,
            ..Self::default()
        }
    }

    /// Rows the shown article's cover takes in place of its `[image: …]` line: 0 while there is
    /// none to draw (no images, no local copy, not decoded yet, or it failed). The image is
    /// `columns` wide at most, and up to a third of the pane's `rows` high.
    pub fn rows_for(&mut self, app: &App, index: usize, columns: u16, rows: u16) -> u16 {
        let Some(graphics) = &self.graphics else {
            return 0;
        };
        let article = (app.generation(), index);
        if self
            .resolved
            .as_ref()
            .is_none_or(|(key, _)| *key != article)
        {
            let file = match app.details() {
                Some(Ok(details)) => cover_image(details)
                    .and_then(|(_, url)| graphics.local_cover(url, &app.article(index).path)),
                // Not loaded yet: asked again next frame.
                None => return 0,
                Some(Err(_)) => None,
            };
            self.resolved = Some((article, file));
        }
        let room = (columns, rows / 3);
        let Some((_, Some(file))) = &self.resolved else {
            return 0;
        };
        if room.0 == 0 || room.1 == 0 {
            return 0;
        }
        let wanted = Wanted {
            path: file.clone(),
            room,
        };
        if let Some((_, receiver)) = &self.worker {
            while let Ok(made) = receiver.try_recv() {
                if Some(&made.0) == self.wanted.as_ref() {
                    self.ready = Some(made);
                }
            }
        }
        if self.wanted.as_ref() != Some(&wanted) {
            self.wanted = Some(wanted.clone());
            self.ready = None;
            self.request(wanted.clone());
        }
        match &self.ready {
            Some((made, Ok(protocol))) if *made == wanted => protocol.size().height,
            _ => 0,
        }
    }

    fn request(&mut self, wanted: Wanted) {
        let Some(graphics) = &self.graphics else {
            return;
        };
        if self.worker.is_none() {
            let (requests, inbox) = mpsc::channel::<Wanted>();
            let (outbox, made) = mpsc::channel();
            let picker = graphics.picker.clone();
            let started = std::thread::Builder::new()
                .name("cover".into())
                .spawn(move || {
                    while let Ok(mut wanted) = inbox.recv() {
                        // Only the newest request matters: the reader has moved on from the rest.
                        while let Ok(newer) = inbox.try_recv() {
                            wanted = newer;
                        }
                        let made = make(&picker, &wanted);
                        if outbox.send((wanted, made)).is_err() {
                            return;
                        }
                    }
                });
            if started.is_err() {
                // No thread, no image: the `[image: …]` line stays.
                self.graphics = None;
                return;
            }
            self.worker = Some((requests, made));
        }
        if let Some((requests, _)) = &self.worker {
            let _ = requests.send(wanted);
        }
    }

    /// Draws the ready cover over the rows `text` keeps for it, when they are all on screen
    /// (`text_area` shows the text from line `scroll`), and remembers the cells it wrote. Partly
    /// scrolled off, it is not drawn: half an image is not worth the protocols' quirks.
    pub fn draw(&mut self, text: &ArticleText, scroll: usize, text_area: Rect, buf: &mut Buffer) {
        self.own.clear();
        let (Some(at), Some((_, Ok(protocol)))) = (text.cover_line, &self.ready) else {
            return;
        };
        let Some(top) = at
            .checked_sub(scroll)
            .and_then(|row| u16::try_from(row).ok())
        else {
            return;
        };
        let area = Rect::new(
            text_area.x,
            text_area.y.saturating_add(top),
            text_area.width,
            text_area.height.saturating_sub(top),
        );
        let size = protocol.size();
        if size.width > area.width || size.height > area.height {
            return;
        }
        let area = Rect::new(area.x, area.y, size.width, size.height);
        Image::new(protocol).render(area, buf);
        for y in area.top()..area.bottom() {
            for x in area.left()..area.right() {
                if let Some(cell) = buf.cell((x, y)) {
                    self.own.push((x, y, symbol_hash(cell.symbol())));
                }
            }
        }
    }

    /// Forgets the cells of the last frame, before a new one is drawn.
    pub fn forget_drawn(&mut self) {
        self.own.clear();
    }

    /// Whether the cell at `(x, y)` holds `symbol` because the cover put it there.
    pub fn owns(&self, x: u16, y: u16, symbol: &str) -> bool {
        let hash = symbol_hash(symbol);
        self.own
            .iter()
            .any(|&(ox, oy, oh)| (ox, oy, oh) == (x, y, hash))
    }
}

fn symbol_hash(symbol: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    symbol.hash(&mut hasher);
    hasher.finish()
}

/// Decodes and scales the image for its room, on the worker thread.
fn make(picker: &Picker, wanted: &Wanted) -> Result<Protocol, String> {
    let image = covers::decode(&wanted.path).map_err(|e| e.to_string())?;
    let (columns, rows) = wanted.room;
    let fit = Resize::Fit(None);
    let size = fit.size_for(&image, picker.font_size(), Size::new(columns, rows));
    picker
        .new_protocol(image, size, fit)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_only_where_the_terminal_said_so() {
        let kitty = Answer::read(b"\x1b_Gi=31;OK\x1b\\\x1b[?62;22c\x1b[6;18;9t\x1b[0n");
        assert_eq!(kitty.protocol(), Some(ProtocolType::Kitty));
        assert_eq!(kitty.cell, Some((9, 18)));
        let sixel = Answer::read(b"\x1b[?62;4;22c\x1b[0n");
        assert_eq!(sixel.protocol(), Some(ProtocolType::Sixel));
        let both = Answer::read(b"\x1b_Gi=31;OK\x1b\\\x1b[?62;4c\x1b[0n");
        assert_eq!(both.protocol(), Some(ProtocolType::Kitty));
        // An xterm without sixel, a terminal that answers nothing, or one cut off before its
        // status report: no images.
        assert_eq!(
            Answer::read(b"\x1b[?62;22c\x1b[6;18;9t\x1b[0n").protocol(),
            None
        );
        assert_eq!(Answer::read(b"").protocol(), None);
        assert_eq!(Answer::read(b"\x1b_Gi=31;OK\x1b\\").protocol(), None);
        // The kitty error answer is no answer.
        assert_eq!(
            Answer::read(b"\x1b_Gi=31;ENOTSUPPORTED\x1b\\\x1b[0n").protocol(),
            None
        );
    }

    #[test]
    fn multiplexers_and_dumb_terminals_are_not_asked() {
        assert!(worth_asking(Some("xterm-kitty"), None));
        assert!(worth_asking(Some("xterm-256color"), Some("")));
        assert!(!worth_asking(Some("tmux-256color"), None));
        assert!(!worth_asking(Some("screen-256color"), None));
        assert!(!worth_asking(
            Some("xterm-256color"),
            Some("/tmp/tmux-0/default,1,0")
        ));
        assert!(!worth_asking(Some("dumb"), None));
        assert!(!worth_asking(None, None));
    }
}
