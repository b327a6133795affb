//! The reader's state by part: what is asked for, the list, the article pane, the sidebar, the
//! help and the background refresh each keep their own fields; `App` owns them all.

use std::collections::HashMap;

use crate::article::{ArticleDetails, ArticleId};
use crate::library::Marks;
use crate::library::stories::Preference;

use super::find::Find;
use super::results::{Counts, Results};
use crate::app::action::Action;
use crate::app::filters::Filters;
use crate::app::format::thousands;
use crate::app::highlight::Highlight;
use crate::app::query::{QueryError, SavedSearches};
use crate::app::query_line::QueryLine;
use crate::app::sort::SortMode;

/// What the user asks for: the query, the filters and the order, and the saved searches a
/// query may name.
pub(super) struct QueryState {
    /// The query text, typed or being typed.
    pub(super) line: QueryLine,
    pub(super) filters: Filters,
    pub(super) sort: SortMode,
    pub(super) show_drafts: bool,
    pub(super) saved: SavedSearches,
    /// The name being typed for a search to save, while it is asked for.
    pub(super) naming: Option<QueryLine>,
    /// The reader's languages, best first, and which version of a story they choose (by the
    /// library's language ids: made again for a new library).
    pub(super) languages: Vec<String>,
    pub(super) preference: Preference,
}

/// Marks as they were before one marking, for `U`: by article index while the library is the
/// one they were taken in (`generation`), else found again by id hash.
pub(super) struct Marking {
    pub(super) generation: u64,
    pub(super) before: Vec<(u32, u64, Marks)>,
}

/// The headlines: what the last search found, and where the selection and scroll are.
pub(super) struct ListState {
    /// The rows are one version of each story (the query picks no language).
    pub(super) per_story: bool,
    /// Drafts are listed (the settings or the query ask for them).
    pub(super) drafts_shown: bool,
    /// Every article in sort order.
    pub(super) order: Vec<u32>,
    /// The headlines shown: indices into the library, in sort order.
    pub(super) visible: Vec<u32>,
    /// Drafts the query matched, left out because drafts are hidden.
    pub(super) hidden_drafts: Vec<u32>,
    /// The query text the shown results were searched with, and what it marks in them.
    pub(super) searched_text: String,
    pub(super) highlight: Highlight,
    pub(super) errors: Vec<QueryError>,
    /// Articles with no date kept out by a date range in the query.
    pub(super) undated_left_out: usize,
    /// Position in `visible`.
    pub(super) selected: usize,
    pub(super) offset: usize,
    /// Results of the shorter texts of the query being typed, newest last: Backspace restores
    /// them instead of searching again. Emptied whenever anything else changes the results.
    pub(super) typed: Vec<Results>,
}

/// The article pane.
#[derive(Default)]
pub(super) struct ReaderState {
    /// The article in the pane: the selected one, or a translation of it.
    pub(super) shown: Option<usize>,
    pub(super) details: Option<(usize, Result<ArticleDetails, String>)>,
    pub(super) scroll: usize,
    /// Columns the lines too wide for the pane are scrolled sideways by.
    pub(super) column: usize,
    /// The article is shown alone (while it has the focus).
    pub(super) zoomed: bool,
    /// Where each article was left, while the reader is open.
    pub(super) positions: HashMap<ArticleId, usize>,
    /// The number being typed to open one of the article's links, while it is asked for.
    pub(super) link_prompt: Option<LinkPrompt>,
    /// A search inside the article (`/` there), while it is on.
    pub(super) find: Option<Find>,
}

/// A link number being typed, and the links it picks from (numbered from 1).
pub(super) struct LinkPrompt {
    pub(super) typed: String,
    pub(super) links: Vec<String>,
}

/// The sidebar: its cursor and scroll, and the counts it shows.
pub(super) struct SidebarState {
    pub(super) cursor: usize,
    pub(super) offset: usize,
    pub(super) counts: Counts,
    /// Whether `counts` count the shown results (not yet, with `headlines_first`, until the
    /// reader has time to count them).
    pub(super) counted: bool,
    /// Searches leave counting to the time the reader has once the headlines are drawn.
    pub(super) count_later: bool,
}

/// The help screen.
#[derive(Default)]
pub(super) struct HelpState {
    pub(super) shown: bool,
    /// Lines scrolled away.
    pub(super) scroll: usize,
}

impl HelpState {
    /// Moves through the help by `action`, a `page` at a time, no further than `max_scroll`;
    /// `false` for what is not a movement.
    pub(super) const fn scroll_by(
        &mut self,
        action: Action,
        page: usize,
        max_scroll: usize,
    ) -> bool {
        self.scroll = match action {
            Action::Down => self.scroll + 1,
            Action::Up => self.scroll.saturating_sub(1),
            Action::PageDown => self.scroll + page,
            Action::PageUp => self.scroll.saturating_sub(page),
            Action::HalfPageDown => self.scroll + page.div_ceil(2),
            Action::HalfPageUp => self.scroll.saturating_sub(page.div_ceil(2)),
            Action::Top => 0,
            Action::Bottom => max_scroll,
            _ => return false,
        };
        true
    }
}

/// The background refresh of the library.
#[derive(Default)]
pub(super) struct RefreshState {
    /// A refreshed library is on its way.
    pub(super) refreshing: bool,
    /// Files the refresh has read, of those it has to: `(read, to read)`.
    pub(super) progress: (usize, usize),
    /// Counts library replacements, so views know indices may mean other articles now.
    pub(super) generation: u64,
}

impl RefreshState {
    /// What the refresh under way has done, in words: "reading 1,200 of 5,000 files".
    pub(super) fn progress_text(&self) -> Option<String> {
        let (read, to_read) = self.progress;
        (self.refreshing && to_read > 0).then(|| {
            format!(
                "reading {} of {} files",
                thousands(read),
                thousands(to_read)
            )
        })
    }
}
