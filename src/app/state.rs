//! The reader's state: the library, the filtered and sorted headlines, selection, focus, the
//! open article and the query being typed. It changes through two doors: `App::update(Action)`
//! for what the user does, `App::handle(Event)` for what happens without the user. The view only
//! reads it, so every behaviour here is testable without a terminal.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::article::{Article, ArticleDetails, ArticleId};
use crate::library::stories::Preference;
use crate::library::{Library, Marks, Severity};

use super::action::{Action, Focus};
use super::filters::Filters;
use super::format::thousands;
use super::highlight::Highlight;
use super::index::{Context, Facets, without_drafts};
use super::keys::{Key, KeyContext, Keymap};
use super::query::{Expr, Query, QueryError, SavedSearches};
use super::query_line::{QueryLine, narrows};
use super::sidebar::{self, Entry, EntryKind, Timeline};
use super::sort::{SortMode, sorted};

mod events;
mod find;
mod parts;
mod results;
mod update;

use parts::{
    HelpState, LinkPrompt, ListState, Marking, QueryState, ReaderState, RefreshState, SidebarState,
};
use results::Counts;

/// What the app asks the terminal layer to do for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Put this text on the clipboard.
    Copy(String),
    /// Open this link in the user's browser (an http, https or mailto URL).
    Open(String),
    /// Write the saved search `name` = `query` into the configuration file.
    SaveSearch { name: String, query: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warning,
    Error,
}

/// A line for the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub level: Level,
    /// When it was said: news fades, problems stay longer.
    pub at: DateTime<Utc>,
}

impl Message {
    /// How long the status bar shows it.
    pub const fn lifetime(&self) -> chrono::Duration {
        match self.level {
            Level::Info => chrono::Duration::seconds(6),
            Level::Warning | Level::Error => chrono::Duration::seconds(30),
        }
    }
}

/// The sizes the view last drew, which paging and scrolling need.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Viewport {
    pub list_rows: usize,
    pub article_rows: usize,
    /// Lines of the open article at the current width.
    pub article_lines: usize,
    /// How far the open article's widest line reaches past the pane: the most it scrolls
    /// sideways.
    pub article_overflow: usize,
    /// The open article is still being rendered: its lines are not known yet, and its scroll
    /// position is kept as it is until they are.
    pub article_rendering: bool,
    pub sidebar_rows: usize,
    /// How far the help screen can scroll.
    pub help_max_scroll: usize,
    /// The line of each place the text searched for in the article occurs, in order.
    pub found_lines: Vec<usize>,
}

/// Settings the reader starts with.
#[derive(Debug, Clone)]
pub struct Settings {
    pub sort: SortMode,
    pub show_drafts: bool,
    pub now: DateTime<Utc>,
    /// Show the headlines before counting them, at start and after every search: the caller
    /// sends [`Event::Idle`](crate::app::Event::Idle) to count them once they are drawn. On a
    /// large library the first screen and each key's headlines come sooner, and the sidebar
    /// follows a frame later.
    pub headlines_first: bool,
    /// The keys in force: the defaults, or with the user's `[keys]`.
    pub keymap: Keymap,
    /// `[saved]` searches, by name.
    pub saved: SavedSearches,
    /// The languages a story is shown in, the first it has; empty: its original.
    pub languages: Vec<String>,
}

pub struct App {
    library: Library,
    keymap: Keymap,
    query: QueryState,
    list: ListState,
    reader: ReaderState,
    sidebar: SidebarState,
    help: HelpState,
    refresh: RefreshState,
    focus: Focus,
    message: Option<Message>,
    /// The message was made since the last tick: the next one dates it.
    message_since_tick: bool,
    quit: bool,
    viewport: Viewport,
    now: DateTime<Utc>,
    effects: Vec<Effect>,
    /// Marks changed in this session, re-applied when a refreshed library replaces this one.
    /// By [`ArticleId::hash`]: a bulk marking of a million articles reads none of them.
    changed_marks: HashMap<u64, Marks>,
    /// Markings that `U` takes back, the last last.
    undo: Vec<Marking>,
}

impl App {
    pub fn new(library: Library, settings: Settings) -> Self {
        let order = sorted(library.columns(), settings.sort);
        let preference = Preference::new(library.columns(), &settings.languages);
        let mut app = Self {
            library,
            keymap: settings.keymap,
            query: QueryState {
                line: QueryLine::default(),
                filters: Filters::default(),
                sort: settings.sort,
                show_drafts: settings.show_drafts,
                saved: settings.saved,
                naming: None,
                preference,
                languages: settings.languages,
            },
            list: ListState {
                per_story: true,
                drafts_shown: settings.show_drafts,
                order,
                visible: Vec::new(),
                hidden_drafts: Vec::new(),
                searched_text: String::new(),
                highlight: Highlight::default(),
                errors: Vec::new(),
                undated_left_out: 0,
                selected: 0,
                offset: 0,
                typed: Vec::new(),
            },
            reader: ReaderState::default(),
            sidebar: SidebarState {
                cursor: 0,
                offset: 0,
                counts: Counts::default(),
                counted: false,
                count_later: settings.headlines_first,
            },
            help: HelpState::default(),
            refresh: RefreshState::default(),
            focus: Focus::List,
            message: None,
            message_since_tick: false,
            quit: false,
            viewport: Viewport {
                list_rows: 20,
                article_rows: 20,
                article_lines: 0,
                article_overflow: 0,
                article_rendering: false,
                sidebar_rows: 20,
                help_max_scroll: 0,
                found_lines: Vec::new(),
            },
            now: settings.now,
            effects: Vec::new(),
            changed_marks: HashMap::new(),
            undo: Vec::new(),
        };
        if settings.headlines_first {
            let all = without_drafts(
                app.library.columns(),
                &app.list.order,
                app.query.show_drafts,
            );
            app.list.visible = app.one_row_per_story(&Query::default(), all);
            app.select(0);
        } else {
            app.refilter();
        }
        app.message = app.startup_message();
        app
    }

    // ----- reading the state (for the view) -----

    pub const fn library(&self) -> &Library {
        &self.library
    }

    pub fn article(&self, index: usize) -> &Article {
        self.library.article(index)
    }

    pub fn visible(&self) -> &[u32] {
        &self.list.visible
    }

    /// How many drafts the query matched that the list leaves out (none when the settings or
    /// the query ask for drafts).
    pub const fn drafts_hidden(&self) -> usize {
        self.list.hidden_drafts.len()
    }

    pub const fn keymap(&self) -> &Keymap {
        &self.keymap
    }

    pub const fn saved_searches(&self) -> &SavedSearches {
        &self.query.saved
    }

    /// The name being typed for a search to save, if one is asked for.
    pub const fn naming(&self) -> Option<&QueryLine> {
        self.query.naming.as_ref()
    }

    /// The link number being typed and how many links there are to choose from, while `f`
    /// asks for one.
    pub fn link_prompt(&self) -> Option<(&str, usize)> {
        self.reader
            .link_prompt
            .as_ref()
            .map(|prompt| (prompt.typed.as_str(), prompt.links.len()))
    }

    /// What the saved search `name` says at `now` (its relative dates count back from it).
    pub(super) fn saved_search(&self, name: &str, now: DateTime<Utc>) -> Expr {
        self.query
            .saved
            .get(name)
            .map_or_else(Expr::default, |text| {
                Query::parse_with(text, now, &self.query.saved).expr
            })
    }

    pub const fn facets(&self) -> &Facets {
        &self.sidebar.counts.facets
    }

    pub const fn timeline(&self) -> &Timeline {
        &self.sidebar.counts.timeline
    }

    pub const fn sort(&self) -> SortMode {
        self.query.sort
    }

    pub const fn filters(&self) -> &Filters {
        &self.query.filters
    }

    pub const fn query(&self) -> &QueryLine {
        &self.query.line
    }

    /// What the shown results' query marks in titles and text.
    pub const fn highlight(&self) -> &Highlight {
        &self.list.highlight
    }

    pub fn query_errors(&self) -> &[QueryError] {
        &self.list.errors
    }

    /// Articles with no date that a date range in the query kept out.
    pub const fn undated_left_out(&self) -> usize {
        self.list.undated_left_out
    }

    /// Position of the selected headline in [`App::visible`].
    pub const fn selected(&self) -> usize {
        self.list.selected
    }

    pub const fn list_offset(&self) -> usize {
        self.list.offset
    }

    pub const fn focus(&self) -> Focus {
        self.focus
    }

    /// The library index of the article in the article pane.
    pub const fn shown(&self) -> Option<usize> {
        self.reader.shown
    }

    /// The body of the shown article, or why it could not be read.
    pub const fn details(&self) -> Option<&Result<ArticleDetails, String>> {
        match (&self.reader.details, self.reader.shown) {
            (Some((index, details)), Some(shown)) if *index == shown => Some(details),
            _ => None,
        }
    }

    pub const fn article_scroll(&self) -> usize {
        self.reader.scroll
    }

    /// Columns the article's wide lines are scrolled sideways by.
    pub const fn article_column(&self) -> usize {
        self.reader.column
    }

    /// Whether the article is shown alone: zoomed, and the article has the focus.
    pub fn zoomed(&self) -> bool {
        self.reader.zoomed && self.focus == Focus::Article
    }

    pub fn sidebar_entries(&self) -> Vec<Entry> {
        sidebar::entries(
            &self.sidebar.counts.facets,
            self.library.columns(),
            &self.query.filters,
        )
    }

    pub const fn sidebar_cursor(&self) -> usize {
        self.sidebar.cursor
    }

    pub const fn sidebar_offset(&self) -> usize {
        self.sidebar.offset
    }

    pub const fn show_help(&self) -> bool {
        self.help.shown
    }

    pub const fn help_scroll(&self) -> usize {
        self.help.scroll
    }

    /// The status message, while it is fresh.
    pub fn message(&self) -> Option<&Message> {
        self.message
            .as_ref()
            .filter(|message| self.now - message.at < message.lifetime())
    }

    pub const fn should_quit(&self) -> bool {
        self.quit
    }

    pub const fn generation(&self) -> u64 {
        self.refresh.generation
    }

    pub const fn now(&self) -> DateTime<Utc> {
        self.now
    }

    pub fn marks(&self, index: usize) -> Marks {
        self.library.marks(index)
    }

    /// The query and filters in force, as query text (for the status line).
    pub fn active_query(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if !self.query.line.text.trim().is_empty() {
            parts.push(self.query.line.text.trim().to_owned());
        }
        parts.extend(self.query.filters.describe());
        parts.join(" ")
    }

    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    pub const fn refreshing(&self) -> bool {
        self.refresh.refreshing
    }

    /// What the refresh under way has done, in words: "reading 1,200 of 5,000 files".
    pub fn refresh_progress(&self) -> Option<String> {
        self.refresh.progress_text()
    }

    // ----- changing the state: `update`, `handle_key` and `type_text` (state/update.rs) for
    // what the user does, `handle` (state/events.rs) for everything else -----

    /// A key press ends news (info) at once and a problem shown for a few seconds already:
    /// the line goes back to the key hints instead of describing an older action.
    pub(super) fn age_message(&mut self) {
        let seen_long_enough = |message: &Message| {
            message.level == Level::Info || self.now - message.at >= chrono::Duration::seconds(3)
        };
        if self.message.as_ref().is_some_and(seen_long_enough) {
            self.message = None;
        }
    }

    pub(super) fn notify(&mut self, text: impl Into<String>, level: Level) {
        self.message_since_tick = true;
        self.message = Some(Message {
            text: text.into(),
            level,
            at: self.now,
        });
    }

    // ----- helpers -----

    pub(super) fn startup_message(&self) -> Option<Message> {
        let mut parts: Vec<String> = self.library.notices().to_vec();
        for notice in self
            .library
            .roots()
            .iter()
            .filter_map(|r| r.offline_notice())
        {
            // A refresh already said it among the notices.
            if !parts.contains(&notice) {
                parts.push(notice);
            }
        }
        let problems = self.problem_summary();
        if !problems.is_empty() {
            parts.push(problems);
        }
        if parts.is_empty() {
            return None;
        }
        Some(Message {
            text: parts.join("; "),
            level: Level::Warning,
            at: self.now,
        })
    }

    pub(super) fn problem_summary(&self) -> String {
        let unusable = self
            .library
            .problems()
            .iter()
            .filter(|problem| problem.severity == Severity::Error)
            .count();
        if unusable == 0 {
            String::new()
        } else {
            format!("{unusable} file(s) could not be loaded (`tidings check` lists them)")
        }
    }

    /// The articles whose id hashes are keys of `by_hash`, with their values; one pass over
    /// the ids, however many are asked for.
    pub(super) fn indices_by_hash(&self, by_hash: &HashMap<u64, Marks>) -> HashMap<usize, Marks> {
        if by_hash.is_empty() {
            return HashMap::new();
        }
        let columns = self.library.columns();
        (0..columns.len())
            .filter_map(|i| by_hash.get(&columns.id_hash(i)).map(|&marks| (i, marks)))
            .collect()
    }

    pub(super) fn find_by_id(&self, id: &ArticleId) -> Option<usize> {
        let hash = id.hash();
        let columns = self.library.columns();
        (0..columns.len())
            .filter(|&i| columns.id_hash(i) == hash)
            .find(|&i| self.library.article(i).id == *id)
    }

    /// The library index of the selected headline.
    pub fn selected_index(&self) -> Option<usize> {
        self.list
            .visible
            .get(self.list.selected)
            .map(|&i| i as usize)
    }

    /// Selects the headline at `position` and shows its article in the article pane.
    pub(super) fn select(&mut self, position: usize) {
        self.list.selected = position.min(self.list.visible.len().saturating_sub(1));
        self.keep_selection_in_view();
        self.show(self.selected_index());
    }

    pub(super) fn show(&mut self, index: Option<usize>) {
        if index == self.reader.shown {
            return;
        }
        if let Some(previous) = self.reader.shown {
            let id = self.article(previous).id.clone();
            self.reader.positions.insert(id, self.reader.scroll);
        }
        self.reader.shown = index;
        if let Some(find) = &mut self.reader.find {
            // Matches are counted again in the next article.
            find.current = None;
        }
        self.reader.scroll = index
            .and_then(|i| self.reader.positions.get(&self.article(i).id).copied())
            .unwrap_or(0);
        self.reader.column = 0;
        self.load_details();
    }

    pub(super) fn load_details(&mut self) {
        let Some(index) = self.reader.shown else {
            self.reader.details = None;
            return;
        };
        if matches!(self.reader.details, Some((loaded, _)) if loaded == index) {
            return;
        }
        let details = self.library.details(index).map_err(|error| {
            format!("could not read this article from the cache: {error} (try `tidings index`)")
        });
        self.reader.details = Some((index, details));
    }

    pub(super) fn keep_selection_in_view(&mut self) {
        let rows = self.viewport.list_rows;
        let offset = offset_showing(self.list.offset, self.list.selected, rows);
        self.list.offset = offset.min(self.list.visible.len().saturating_sub(rows.max(1)));
    }

    pub(super) fn keep_sidebar_cursor_in_view(&mut self) {
        let rows = self.viewport.sidebar_rows;
        self.sidebar.offset = offset_showing(self.sidebar.offset, self.sidebar.cursor, rows);
    }
}

/// The scroll offset nearest `offset` that shows row `cursor` among `rows` rows.
fn offset_showing(offset: usize, cursor: usize, rows: usize) -> usize {
    let rows = rows.max(1);
    if cursor < offset {
        cursor
    } else if cursor >= offset + rows {
        cursor + 1 - rows
    } else {
        offset
    }
}
