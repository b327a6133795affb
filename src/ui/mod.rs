//! Presentation: the reader's panes as ratatui widgets, Markdown and articles as styled lines,
//! themes, and plain-terminal output for the command line.

pub mod ansi;
pub mod article;
pub mod cover;
pub mod help;
pub mod highlight;
pub mod list;
pub mod markdown;
pub mod reader;
pub mod rendering;
pub mod sidebar;
pub mod status;
pub mod terminal_safe;
pub mod theme;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, BorderType};

pub use theme::Theme;

use crate::app::{Action, App, Focus, Viewport};
use article::Zone;
use help::{Help, HelpState};
use list::HeadlineList;
use reader::{ArticlePane, ArticleState};
use sidebar::{Sidebar, SidebarState};
use status::{MessageRow, QueryRow};

/// From this width the sidebar shows beside the list and the article.
pub const THREE_PANES: u16 = 140;
/// From this width the list and the article show side by side.
pub const TWO_PANES: u16 = 90;
const SIDEBAR_WIDTH: u16 = 34;

/// Where each pane goes on a screen of a given size.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Panes {
    pub list: Option<Rect>,
    pub article: Option<Rect>,
    pub sidebar: Option<Rect>,
    pub query_row: Option<Rect>,
    pub message_row: Option<Rect>,
}

/// Three panes on wide screens; list and article (or sidebar, when focused) on middling ones;
/// only the focused pane on narrow ones.
pub fn panes(area: Rect, app: &App) -> Panes {
    let mut panes = Panes::default();
    if area.width < 8 || area.height < 3 {
        return panes;
    }
    let status_rows = if area.height >= 8 { 2 } else { 1 };
    let [body, status] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(status_rows)]).areas(area);
    if status_rows == 2 {
        let [query, message] =
            Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(status);
        panes.query_row = Some(query);
        panes.message_row = Some(message);
    } else if app.query().editing || app.message().is_none() {
        panes.query_row = Some(status);
    } else {
        panes.message_row = Some(status);
    }
    let focus = app.focus();
    if app.zoomed() {
        panes.article = Some(body);
    } else if area.width >= THREE_PANES {
        // The article gets a little more than the list: it is read, the list is scanned.
        let [list, article, sidebar] = Layout::horizontal([
            Constraint::Fill(9),
            Constraint::Fill(10),
            Constraint::Length(SIDEBAR_WIDTH),
        ])
        .areas(body);
        panes.list = Some(list);
        panes.article = Some(article);
        panes.sidebar = Some(sidebar);
    } else if area.width >= TWO_PANES {
        let [list, right] =
            Layout::horizontal([Constraint::Fill(9), Constraint::Fill(10)]).areas(body);
        panes.list = Some(list);
        if focus == Focus::Sidebar {
            panes.sidebar = Some(right);
        } else {
            panes.article = Some(right);
        }
    } else {
        match focus {
            Focus::List => panes.list = Some(body),
            Focus::Article => panes.article = Some(body),
            Focus::Sidebar => panes.sidebar = Some(body),
        }
    }
    panes
}

/// Draws the app; keeps what a frame needs to remember (rendered articles, where things landed
/// for the mouse) but no state of the app itself.
pub struct View {
    pub theme: Theme,
    pub zone: Zone,
    article: ArticleState,
    sidebar: SidebarState,
    last: Panes,
    list_offset: usize,
    /// Screen lines a headline took in the last frame.
    lines_per_headline: usize,
    /// Links in the article as OSC 8 hyperlinks (off unless asked for: not every terminal
    /// should receive them, and test screens compare plain cells).
    hyperlinks: bool,
    /// The widest the article's text is set (`text-width`).
    text_width: u16,
}

impl View {
    pub fn new(theme: Theme, zone: Zone) -> Self {
        Self {
            theme,
            zone,
            article: ArticleState::default(),
            sidebar: SidebarState::default(),
            last: Panes::default(),
            list_offset: 0,
            lines_per_headline: 1,
            hyperlinks: false,
            text_width: crate::config::TextWidth::default().0,
        }
    }

    /// Sets the article's text at most `width` columns wide, centred in a wider pane.
    #[must_use]
    pub const fn with_text_width(mut self, width: u16) -> Self {
        self.text_width = width;
        self
    }

    /// Draws covers with what the terminal said it can show (`None`: the `[image: …]` line).
    #[must_use]
    pub fn with_graphics(mut self, graphics: Option<cover::Graphics>) -> Self {
        self.article.cover = cover::CoverState::new(graphics);
        self
    }

    /// Writes the article's link URLs as OSC 8 hyperlinks, or not.
    #[must_use]
    pub const fn with_hyperlinks(mut self, hyperlinks: bool) -> Self {
        self.hyperlinks = hyperlinks;
        self
    }

    /// Whether the shown article is being rendered off this thread: the caller draws again soon
    /// to pick it up.
    pub const fn rendering(&self) -> bool {
        self.article.rendering
    }

    /// Blocks until the article being rendered off this thread, if any, has arrived, so the next
    /// frame shows it (for tests and benchmarks, which compare whole screens).
    pub fn wait_for_article(&mut self) {
        self.article.wait_for_article();
    }

    /// Renders article bodies larger than `bytes` off this thread
    /// ([`reader::INLINE_BODY_BYTES`] unless set).
    #[must_use]
    pub const fn with_inline_rendering_up_to(mut self, bytes: usize) -> Self {
        self.article.render_inline_up_to(bytes);
        self
    }

    /// Renders articles off this thread with `render`: a test's stand-in for the real thing.
    #[must_use]
    pub fn with_render(mut self, render: rendering::RenderFn) -> Self {
        self.article.render_with(render);
        self
    }

    /// Draws a frame; returns the sizes the app needs for paging and scrolling.
    pub fn draw(&mut self, frame: &mut Frame<'_>, app: &App) -> Viewport {
        self.article.cover.forget_drawn();
        let area = frame.area();
        let panes = panes(area, app);
        let (theme, zone) = (self.theme, self.zone);
        let block = |focused: bool| {
            Block::bordered()
                .border_type(BorderType::Rounded)
                .border_style(theme.border(focused))
        };
        let body_rows = area.height.saturating_sub(4) as usize;
        let mut viewport = Viewport {
            list_rows: body_rows,
            article_rows: body_rows,
            article_lines: 0,
            article_overflow: 0,
            article_rendering: false,
            sidebar_rows: body_rows,
            help_max_scroll: 0,
            found_lines: Vec::new(),
        };
        if let Some(area) = panes.list {
            let focused = app.focus() == Focus::List;
            let block = block(focused);
            let inner = block.inner(area);
            self.lines_per_headline = list::lines_per_headline(inner.width, inner.height);
            viewport.list_rows = inner.height as usize / self.lines_per_headline;
            let list = HeadlineList {
                app,
                block,
                focused,
                theme,
                zone,
            };
            frame.render_widget(list, area);
        }
        if let Some(area) = panes.article {
            let article = ArticlePane {
                app,
                block: block(app.focus() == Focus::Article),
                theme,
                zone,
                hyperlinks: self.hyperlinks,
                text_width: self.text_width,
            };
            frame.render_stateful_widget(article, area, &mut self.article);
            viewport.article_lines = self.article.lines;
            viewport.article_rows = self.article.rows;
            viewport.article_overflow = self.article.overflow;
            viewport.article_rendering = self.article.rendering;
            viewport.found_lines = self.article.found_lines();
        }
        // No sidebar on screen, no entries to click.
        self.sidebar.entry_rows.clear();
        if let Some(area) = panes.sidebar {
            let focused = app.focus() == Focus::Sidebar;
            let sidebar = Sidebar {
                app,
                block: block(focused),
                focused,
                theme,
            };
            frame.render_stateful_widget(sidebar, area, &mut self.sidebar);
            viewport.sidebar_rows = self.sidebar.rows;
        }
        let mut cursor = None;
        if let Some(area) = panes.query_row {
            frame.render_stateful_widget(QueryRow { app, theme }, area, &mut cursor);
        }
        if let Some(area) = panes.message_row {
            frame.render_widget(MessageRow { app, theme }, area);
        }
        if app.show_help() {
            let help = Help {
                keymap: app.keymap(),
                scroll: app.help_scroll(),
                theme,
            };
            let mut drawn = HelpState::default();
            frame.render_stateful_widget(help, area, &mut drawn);
            viewport.help_max_scroll = drawn.max_scroll;
        } else if let Some(cursor) = cursor {
            frame.set_cursor_position(cursor);
        }
        // Last, after every widget: what reaches the terminal is checked here and nowhere else.
        let cover = &self.article.cover;
        terminal_safe::make_safe(frame.buffer_mut(), |x, y, symbol| cover.owns(x, y, symbol));
        self.last = panes;
        self.list_offset = app.list_offset();
        viewport
    }

    /// What a click at a screen position means, from where the last frame put things.
    pub fn click(&self, x: u16, y: u16) -> Option<Action> {
        let inside = |area: Option<Rect>| area.filter(|a| a.contains((x, y).into()));
        if let Some(list) = inside(self.last.list) {
            let top = list.y + 1;
            if y >= top && y < list.y + list.height - 1 {
                return Some(Action::SelectHeadline(
                    self.list_offset + (y - top) as usize / self.lines_per_headline,
                ));
            }
            return Some(Action::FocusPane(Focus::List));
        }
        if inside(self.last.article).is_some() {
            return Some(Action::FocusPane(Focus::Article));
        }
        if inside(self.last.sidebar).is_some() {
            return Some(
                self.sidebar
                    .entry_rows
                    .iter()
                    .find(|(row, _)| *row == y)
                    .map_or(Action::FocusPane(Focus::Sidebar), |&(_, entry)| {
                        Action::SelectEntry(entry)
                    }),
            );
        }
        None
    }

    /// What the wheel means over a screen position.
    pub fn wheel(&self, x: u16, y: u16, lines: i32) -> Option<Action> {
        let inside = |area: Option<Rect>| area.is_some_and(|a| a.contains((x, y).into()));
        let pane = if inside(self.last.list) {
            Focus::List
        } else if inside(self.last.article) {
            Focus::Article
        } else if inside(self.last.sidebar) {
            Focus::Sidebar
        } else {
            return None;
        };
        Some(Action::Scroll { pane, lines })
    }
}
