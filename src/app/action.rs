//! What the user can do to the app: `App::update(Action)` applies it. What happens without the
//! user (the clock, a refresh) is an [`Event`](super::Event) instead.

use crate::article::Sentiment;

/// Which pane keys go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    #[default]
    List,
    Article,
    Sidebar,
}

impl Focus {
    pub const fn next(self) -> Self {
        match self {
            Self::List => Self::Article,
            Self::Article => Self::Sidebar,
            Self::Sidebar => Self::List,
        }
    }

    pub const fn previous(self) -> Self {
        match self {
            Self::List => Self::Sidebar,
            Self::Article => Self::List,
            Self::Sidebar => Self::Article,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Action {
    /// Moves within the focused pane: the next headline, a line of the article, the next
    /// sidebar entry.
    Down,
    Up,
    Top,
    Bottom,
    PageDown,
    PageUp,
    HalfPageDown,
    HalfPageUp,
    /// Opens the selected article, or toggles the selected sidebar entry.
    Open,
    Back,
    NextFocus,
    PreviousFocus,
    StartQuery,
    /// Asks for text to find in the open article.
    StartFind,
    /// The next / previous place the text searched for in the article occurs.
    FindNext,
    FindPrevious,
    /// Ends the search in the article.
    EndFind,
    QueryInput(char),
    QueryBackspace,
    QueryDeleteWord,
    QueryClear,
    QueryCursorLeft,
    QueryCursorRight,
    QueryCursorHome,
    QueryCursorEnd,
    QueryAccept,
    QueryCancel,
    ToggleSentiment(Sentiment),
    ToggleUnreadOnly,
    JumpToTags,
    ToggleEntry,
    ClearFilters,
    CycleSort,
    ToggleStar,
    ToggleRead,
    NextLanguage,
    CopyLink,
    /// The next / previous headline, opened (and marked read) from the list or the article.
    NextArticle,
    PreviousArticle,
    /// The next unread headline below, wrapping to the top once.
    NextUnread,
    /// A page down in the article; at its end, the next unread article.
    PageOrNextUnread,
    /// Scrolls the article's lines too wide for the pane (code) sideways.
    ScrollLeft,
    ScrollRight,
    /// Shows the article alone, hiding the other panes, or all of them again.
    ToggleZoom,
    /// Every headline listed, marked read.
    MarkAllRead,
    /// Takes back the last marking (one article or many).
    UndoMarks,
    /// Opens the article's own link (its canonical URL, else its source's) in the browser.
    OpenLink,
    /// Asks for a number, then opens that link of the article's numbered links.
    OpenNumberedLink,
    ToggleHelp,
    /// Saves the active query under a name (asked for on the status line).
    SaveQuery,
    Quit,
    /// A click on the `row`-th headline of the filtered list.
    SelectHeadline(usize),
    /// A click on a sidebar entry.
    SelectEntry(usize),
    /// The mouse wheel over a pane.
    Scroll {
        pane: Focus,
        lines: i32,
    },
    /// Focus a pane (a click on it).
    FocusPane(Focus),
}
