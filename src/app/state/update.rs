//! What each action does to the reader's state: keys by mode, movement in each pane, opening,
//! marks, languages and the clipboard.

use super::*;
use crate::article::links;
use crate::article::text::is_terminal_control;

impl App {
    /// Where keys go now: the help, the query editor, or the focused pane.
    pub const fn key_context(&self) -> KeyContext {
        if self.help.shown {
            KeyContext::Help
        } else if self.query.line.editing
            || self.query.naming.is_some()
            || self.reader.link_prompt.is_some()
            || matches!(&self.reader.find, Some(find) if find.line.editing)
        {
            KeyContext::Query
        } else if self.reader.find.is_some() && matches!(self.focus, Focus::Article) {
            KeyContext::Find
        } else {
            KeyContext::of_focus(self.focus)
        }
    }

    /// Translates a key press into an action through the keymap, in the context it is pressed
    /// in, and applies it. Unbound, a character is typed into the query editor, and any key
    /// closes the help.
    pub fn handle_key(&mut self, key: Key) {
        self.age_message();
        let context = self.key_context();
        match (self.keymap.action(context, key), context, key) {
            (Some(action), _, _) => self.update(action),
            (None, KeyContext::Query, Key::Char(c)) => self.update(Action::QueryInput(c)),
            (None, KeyContext::Help, _) => self.update(Action::ToggleHelp),
            (None, _, _) => {}
        }
    }

    /// Types `text` into the query being edited as one edit: a burst of keys (a paste, fast
    /// typing) is searched once, not once per character.
    pub fn type_text(&mut self, text: &str) {
        let text: String = text.chars().filter(|c| !c.is_control()).collect();
        if !self.query.line.editing || text.is_empty() {
            return;
        }
        self.age_message();
        self.insert_into_query(&text);
    }

    /// Inserts at the cursor and searches once: only the current results when the text can only
    /// have narrowed them.
    fn insert_into_query(&mut self, text: &str) {
        let mut narrower = self.query.line.at_end();
        for c in text.chars() {
            narrower = narrower && narrows(&self.query.line.text, c);
            self.query.line.insert(c);
        }
        if narrower {
            self.narrow();
        } else {
            self.refilter();
        }
    }

    pub fn update(&mut self, action: Action) {
        let page = self.viewport.list_rows.max(2) - 1;
        if self.help.shown
            && self
                .help
                .scroll_by(action, page, self.viewport.help_max_scroll)
        {
            return;
        }
        if self.query.naming.is_some() && self.edit_name(action) {
            return;
        }
        if self.reader.link_prompt.is_some() && self.edit_link_number(action) {
            return;
        }
        if matches!(&self.reader.find, Some(find) if find.line.editing) && self.edit_find(action) {
            return;
        }
        match action {
            Action::Down => self.move_by(1),
            Action::Up => self.move_by(-1),
            Action::Top => self.move_to_start(),
            Action::Bottom => self.move_to_end(),
            Action::PageDown => self.move_by(self.page() as isize),
            Action::NextArticle => self.step_article(1),
            Action::PreviousArticle => self.step_article(-1),
            Action::NextUnread => self.next_unread(),
            Action::PageOrNextUnread => {
                if self.reader.scroll >= self.max_article_scroll() {
                    self.next_unread();
                } else {
                    self.move_by(self.page() as isize);
                }
            }
            Action::ScrollLeft => {
                self.reader.column = self.reader.column.saturating_sub(SIDEWAYS_STEP);
            }
            Action::ScrollRight => {
                self.reader.column =
                    (self.reader.column + SIDEWAYS_STEP).min(self.viewport.article_overflow);
            }
            Action::ToggleZoom => {
                self.reader.zoomed = !self.zoomed();
                if self.reader.zoomed {
                    self.focus = Focus::Article;
                }
            }
            Action::MarkAllRead => self.mark_all_read(),
            Action::UndoMarks => self.undo_marks(),
            Action::PageUp => self.move_by(-(self.page() as isize)),
            Action::HalfPageDown => self.move_by((self.page() / 2).max(1) as isize),
            Action::HalfPageUp => self.move_by(-((self.page() / 2).max(1) as isize)),
            Action::Open => match self.focus {
                Focus::Sidebar => self.toggle_entry(),
                Focus::List | Focus::Article => self.open(),
            },
            Action::Back => self.back(),
            Action::NextFocus => self.focus = self.focus.next(),
            Action::PreviousFocus => self.focus = self.focus.previous(),
            Action::FocusPane(pane) => self.focus = pane,
            Action::StartQuery => self.query.line.begin(),
            Action::StartFind => self.start_find(),
            Action::FindNext => self.step_match(true),
            Action::FindPrevious => self.step_match(false),
            Action::EndFind => self.end_find(),
            Action::QueryInput(c) => {
                if !c.is_control() {
                    self.insert_into_query(c.encode_utf8(&mut [0; 4]));
                }
            }
            Action::QueryBackspace => {
                let at_end = self.query.line.at_end();
                if self.query.line.backspace() && !(at_end && self.widen()) {
                    self.refilter();
                }
            }
            Action::QueryDeleteWord => {
                self.query.line.delete_word();
                self.refilter();
            }
            Action::QueryClear => {
                self.query.line.clear();
                self.refilter();
            }
            Action::QueryCursorLeft => self.query.line.left(),
            Action::QueryCursorRight => self.query.line.right(),
            Action::QueryCursorHome => self.query.line.home(),
            Action::QueryCursorEnd => self.query.line.end(),
            Action::QueryAccept => self.query.line.accept(),
            Action::QueryCancel => {
                if self.query.line.cancel() {
                    self.refilter();
                }
            }
            Action::ToggleSentiment(sentiment) => {
                self.query.filters.toggle_sentiment(sentiment);
                self.refilter();
            }
            Action::ToggleUnreadOnly => {
                self.query.filters.unread_only ^= true;
                self.refilter();
            }
            Action::JumpToTags => {
                self.focus = Focus::Sidebar;
                let entries = self.sidebar_entries();
                if let Some(first_tag) = entries.iter().position(|entry| {
                    matches!(
                        entry.kind,
                        EntryKind::Facet(crate::library::Dimension::Tag, _)
                    )
                }) {
                    self.sidebar.cursor = first_tag;
                    self.sidebar.offset = first_tag.saturating_sub(1);
                }
                self.keep_sidebar_cursor_in_view();
            }
            Action::ToggleEntry => {
                if self.focus == Focus::Sidebar {
                    self.toggle_entry();
                }
            }
            Action::ClearFilters => {
                self.query.filters = Filters::default();
                self.query.line = QueryLine::default();
                self.refilter();
                self.notify("every filter cleared", Level::Info);
            }
            Action::CycleSort => {
                self.query.sort = self.query.sort.next();
                let keep = self.selected_index();
                self.list.order = sorted(self.library.columns(), self.query.sort);
                self.refilter_keeping(keep);
                self.notify(format!("sorted by {}", self.query.sort.name()), Level::Info);
            }
            Action::ToggleStar => {
                if let Some(index) = self.target() {
                    self.remember_marks(&[index as u32]);
                    let starred = !self.library.marks(index).starred;
                    let result = self.library.set_starred(index, starred);
                    self.notify(
                        if starred { "starred" } else { "star removed" },
                        Level::Info,
                    );
                    self.after_marking(index, result);
                }
            }
            Action::ToggleRead => {
                if let Some(index) = self.target() {
                    self.remember_marks(&[index as u32]);
                    let read = !self.library.marks(index).read;
                    let result = self.library.set_read(index, read);
                    let text = if read { "marked read" } else { "marked unread" };
                    self.notify(text, Level::Info);
                    self.after_marking(index, result);
                }
            }
            Action::NextLanguage => self.next_language(),
            Action::CopyLink => self.copy_link(),
            Action::OpenLink => self.open_link(),
            Action::OpenNumberedLink => self.ask_link_number(),
            Action::ToggleHelp => {
                self.help.shown ^= true;
                self.help.scroll = 0;
            }
            Action::SaveQuery => {
                if self.active_query().is_empty() {
                    self.notify(
                        "nothing to save: type a query or choose filters first",
                        Level::Info,
                    );
                } else {
                    let mut line = QueryLine::default();
                    line.begin();
                    self.query.naming = Some(line);
                }
            }
            Action::Quit => self.quit = true,
            Action::SelectHeadline(row) => {
                if row < self.list.visible.len() {
                    self.focus = Focus::List;
                    self.select(row);
                }
            }
            Action::SelectEntry(entry) => {
                if entry < self.sidebar_entries().len() {
                    self.focus = Focus::Sidebar;
                    self.sidebar.cursor = entry;
                    self.toggle_entry();
                }
            }
            Action::Scroll { pane, lines } => {
                let focus = std::mem::replace(&mut self.focus, pane);
                self.move_by(lines as isize);
                self.focus = focus;
            }
        }
    }

    /// Edits the name of the search being saved; `false` for what is not an edit (quitting).
    fn edit_name(&mut self, action: Action) -> bool {
        let Some(line) = self.query.naming.as_mut() else {
            return false;
        };
        if line.edit(action) {
            return true;
        }
        match action {
            Action::QueryCancel => self.query.naming = None,
            Action::QueryAccept => {
                let name = line.text.trim().to_owned();
                self.query.naming = None;
                if name.contains('"') {
                    self.notify("a saved search's name cannot hold a \"", Level::Warning);
                } else if !name.is_empty() {
                    self.save_search(name);
                }
            }
            _ => return false,
        }
        true
    }

    /// Edits the link number being typed; `false` for what is not an edit (quitting). A number
    /// no more digits could extend opens at once, so with up to nine links one key does.
    fn edit_link_number(&mut self, action: Action) -> bool {
        let Some(prompt) = self.reader.link_prompt.as_mut() else {
            return false;
        };
        match action {
            Action::QueryInput(c) if c.is_ascii_digit() => {
                prompt.typed.push(c);
                let typed: usize = prompt.typed.parse().unwrap_or(usize::MAX);
                if typed.saturating_mul(10) > prompt.links.len() {
                    self.open_typed_link();
                }
            }
            // Only digits make a number: anything else typed is ignored, not a surprise.
            Action::QueryInput(_) | Action::QueryCursorLeft | Action::QueryCursorRight => {}
            Action::QueryBackspace => {
                prompt.typed.pop();
            }
            Action::QueryDeleteWord | Action::QueryClear => prompt.typed.clear(),
            Action::QueryCancel => self.reader.link_prompt = None,
            Action::QueryAccept => self.open_typed_link(),
            _ => return false,
        }
        true
    }

    /// Ends the link prompt and opens the link it names, or says why not.
    fn open_typed_link(&mut self) {
        let Some(prompt) = self.reader.link_prompt.take() else {
            return;
        };
        if prompt.typed.is_empty() {
            return;
        }
        let chosen = prompt
            .typed
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|at| prompt.links.get(at));
        match chosen {
            Some(url) => self.open_url(url.clone()),
            None => self.notify(
                format!(
                    "there is no link [{}]: this article has [1] to [{}]",
                    prompt.typed,
                    prompt.links.len()
                ),
                Level::Warning,
            ),
        }
    }

    /// Saves the active query as `name`: in this session at once, in the configuration file by
    /// the effect it asks for.
    fn save_search(&mut self, name: String) {
        let query = self.active_query();
        let replaced = self
            .query
            .saved
            .insert(name.clone(), query.clone())
            .is_some();
        let verb = if replaced { "replaced" } else { "saved" };
        self.notify(format!("{verb} @{name}: {query}"), Level::Info);
        self.effects.push(Effect::SaveSearch { name, query });
        self.recount();
    }

    /// The article that marks and copies apply to: the one being read, else the selected one.
    pub(super) fn target(&self) -> Option<usize> {
        match self.focus {
            Focus::Article => self.reader.shown.or_else(|| self.selected_index()),
            _ => self.selected_index(),
        }
    }

    pub(super) fn page(&self) -> usize {
        let rows = match self.focus {
            Focus::List => self.viewport.list_rows,
            Focus::Article => self.viewport.article_rows,
            Focus::Sidebar => self.viewport.sidebar_rows,
        };
        rows.saturating_sub(1).max(1)
    }

    pub(super) const fn max_article_scroll(&self) -> usize {
        if self.viewport.article_rendering {
            // Its length is not known yet: stay where it was opened (a remembered position).
            return self.reader.scroll;
        }
        self.viewport
            .article_lines
            .saturating_sub(self.viewport.article_rows)
    }

    pub(super) fn move_by(&mut self, delta: isize) {
        match self.focus {
            Focus::List => {
                if self.list.visible.is_empty() {
                    return;
                }
                let last = self.list.visible.len() - 1;
                let target = self.list.selected.saturating_add_signed(delta).min(last);
                self.select(target);
            }
            Focus::Article => {
                self.reader.scroll = self
                    .reader
                    .scroll
                    .saturating_add_signed(delta)
                    .min(self.max_article_scroll());
            }
            Focus::Sidebar => {
                let count = self.sidebar_entries().len();
                if count > 0 {
                    self.sidebar.cursor = self
                        .sidebar
                        .cursor
                        .saturating_add_signed(delta)
                        .min(count - 1);
                    self.keep_sidebar_cursor_in_view();
                }
            }
        }
    }

    pub(super) fn move_to_start(&mut self) {
        match self.focus {
            Focus::List => self.select(0),
            Focus::Article => self.reader.scroll = 0,
            Focus::Sidebar => {
                self.sidebar.cursor = 0;
                self.keep_sidebar_cursor_in_view();
            }
        }
    }

    pub(super) fn move_to_end(&mut self) {
        match self.focus {
            Focus::List => self.select(self.list.visible.len().saturating_sub(1)),
            Focus::Article => self.reader.scroll = self.max_article_scroll(),
            Focus::Sidebar => {
                self.sidebar.cursor = self.sidebar_entries().len().saturating_sub(1);
                self.keep_sidebar_cursor_in_view();
            }
        }
    }

    pub(super) fn open(&mut self) {
        if self.focus == Focus::List {
            self.show(self.selected_index());
        }
        let Some(index) = self.reader.shown else {
            return;
        };
        self.focus = Focus::Article;
        if !self.library.marks(index).read {
            let result = self.library.set_read(index, true);
            self.after_marking(index, result);
        }
    }

    /// Selects the headline `delta` rows away and reads it there (the focus stays).
    fn step_article(&mut self, delta: isize) {
        let Some(last) = self.list.visible.len().checked_sub(1) else {
            return;
        };
        let target = self.list.selected.saturating_add_signed(delta).min(last);
        if target == self.list.selected {
            let edge = if delta > 0 { "last" } else { "first" };
            self.notify(format!("this is the {edge} article"), Level::Info);
            return;
        }
        self.read_at(target);
    }

    /// The next unread headline below the selection, else from the top.
    fn next_unread(&mut self) {
        let marks = self.library.all_marks();
        let unread = |&row: &usize| !marks[self.list.visible[row] as usize].read;
        let count = self.list.visible.len();
        let below = (self.list.selected + 1..count).find(unread);
        let found = below.or_else(|| (0..self.list.selected.min(count)).find(unread));
        match found {
            Some(row) => {
                if below.is_none() {
                    self.notify("from the top: no unread article below", Level::Info);
                }
                self.read_at(row);
            }
            None => self.notify("no unread article left in the list", Level::Info),
        }
    }

    /// Selects `row`, shows its article and marks it read, as Enter does.
    fn read_at(&mut self, row: usize) {
        self.select(row);
        self.show(self.selected_index());
        if let Some(index) = self.reader.shown
            && !self.library.marks(index).read
        {
            let result = self.library.set_read(index, true);
            self.after_marking(index, result);
        }
    }

    fn mark_all_read(&mut self) {
        let marks = self.library.all_marks();
        let unread: Vec<u32> = self
            .list
            .visible
            .iter()
            .copied()
            .filter(|&i| !marks[i as usize].read)
            .collect();
        if unread.is_empty() {
            self.notify("every listed article is read already", Level::Info);
            return;
        }
        self.remember_marks(&unread);
        let indices: Vec<usize> = unread.iter().map(|&i| i as usize).collect();
        let result = self.library.change_marks(&indices, |_, marks| Marks {
            read: true,
            ..marks
        });
        self.after_bulk_marking(&indices, result.map(|_| ()));
        self.notify(
            format!("marked {} read (U undoes)", thousands(indices.len())),
            Level::Info,
        );
    }

    /// Keeps the marks of `indices` as they are now, for `U`.
    fn remember_marks(&mut self, indices: &[u32]) {
        let columns = self.library.columns();
        let marks = self.library.all_marks();
        let before = indices
            .iter()
            .map(|&i| (i, columns.id_hash(i as usize), marks[i as usize]))
            .collect();
        self.undo.push(Marking {
            generation: self.refresh.generation,
            before,
        });
        // Enough to take back a morning's work; a marking of a million is one entry.
        if self.undo.len() > 100 {
            self.undo.remove(0);
        }
    }

    fn undo_marks(&mut self) {
        let Some(marking) = self.undo.pop() else {
            self.notify("nothing to undo", Level::Info);
            return;
        };
        let wanted: HashMap<usize, Marks> = if marking.generation == self.refresh.generation {
            marking
                .before
                .iter()
                .map(|&(i, _, marks)| (i as usize, marks))
                .collect()
        } else {
            let by_hash = marking
                .before
                .iter()
                .map(|&(_, hash, marks)| (hash, marks))
                .collect();
            self.indices_by_hash(&by_hash)
        };
        let indices: Vec<usize> = wanted.keys().copied().collect();
        let result = self.library.change_marks(&indices, |index, marks| {
            wanted.get(&index).copied().unwrap_or(marks)
        });
        self.after_bulk_marking(&indices, result.map(|_| ()));
        self.notify(
            format!("marks of {} restored", thousands(indices.len())),
            Level::Info,
        );
    }

    /// [`App::after_marking`] for many articles at once.
    fn after_bulk_marking(
        &mut self,
        indices: &[usize],
        result: Result<(), crate::library::StateError>,
    ) {
        let columns = self.library.columns();
        for &index in indices {
            self.changed_marks
                .insert(columns.id_hash(index), self.library.marks(index));
        }
        self.recount();
        if let Err(error) = result {
            self.notify(format!("marks not saved: {error}"), Level::Error);
        }
    }

    pub(super) fn back(&mut self) {
        if self.focus != Focus::List {
            self.focus = Focus::List;
            // The pane follows the list again (it may show a translation).
            self.show(self.selected_index());
        }
    }

    pub(super) fn toggle_entry(&mut self) {
        let entries = self.sidebar_entries();
        let Some(entry) = entries.get(self.sidebar.cursor) else {
            return;
        };
        match &entry.kind {
            EntryKind::Saved(name) => {
                let expr = self.saved_search(name, self.now);
                self.query.filters.toggle_saved(name, expr);
            }
            EntryKind::Sentiment(sentiment) => self.query.filters.toggle_sentiment(*sentiment),
            EntryKind::Facet(dimension, name) => self.query.filters.toggle(*dimension, name),
        }
        let keep = self.selected_index();
        self.refilter_keeping(keep);
        // The entry stays under the cursor when lists above it change length.
        let kind = entry.kind.clone();
        if let Some(position) = self
            .sidebar_entries()
            .iter()
            .position(|entry| entry.kind == kind)
        {
            self.sidebar.cursor = position;
        }
        self.keep_sidebar_cursor_in_view();
    }

    pub(super) fn after_marking(
        &mut self,
        index: usize,
        result: Result<(), crate::library::StateError>,
    ) {
        self.changed_marks.insert(
            self.library.columns().id_hash(index),
            self.library.marks(index),
        );
        // Saved searches count unread articles: a mark changes their counts.
        if !self.query.saved.is_empty() {
            self.recount();
        }
        if let Err(error) = result {
            self.notify(format!("marks not saved: {error}"), Level::Error);
        } else if !self.library.marks_are_saved() {
            self.notify(
                "marks are kept for this session only: the state database could not be opened",
                Level::Warning,
            );
        }
    }

    pub(super) fn next_language(&mut self) {
        let Some(current) = self.reader.shown.or_else(|| self.selected_index()) else {
            return;
        };
        let translations = self.library.translations(current);
        if translations.is_empty() {
            self.notify("this story has no other language", Level::Info);
            return;
        }
        let mut group = translations;
        group.push(current);
        group.sort_by(|&a, &b| self.article(a).lang.cmp(&self.article(b).lang));
        let at = group.iter().position(|&i| i == current).unwrap_or(0);
        let next = group[(at + 1) % group.len()];
        let lang = self.article(next).lang.clone().unwrap_or_default();
        let mut position = self.list.visible.iter().position(|&i| i as usize == next);
        if position.is_none()
            && let Some(row) = self
                .list
                .visible
                .iter()
                .position(|&i| i as usize == current)
        {
            // One row per story: the row turns to the version being read.
            self.list.visible[row] = next as u32;
            position = Some(row);
        }
        match position {
            Some(position) if self.focus != Focus::Article => self.select(position),
            _ => {
                if let Some(position) = position {
                    self.list.selected = position;
                    self.keep_selection_in_view();
                }
                self.show(Some(next));
            }
        }
        let hidden = if position.is_none() {
            " (hidden from the list by the filters)"
        } else {
            ""
        };
        self.notify(
            format!(
                "showing the {lang} version, {} of {} languages{hidden}",
                group.iter().position(|&i| i == next).unwrap_or(0) + 1,
                group.len()
            ),
            Level::Info,
        );
    }

    /// The link of the article at `index`: its canonical URL, else its source's.
    fn article_link(&self, index: usize) -> Option<String> {
        let details = self.library.details(index).ok()?;
        details.canonical_url.or(details.source_url)
    }

    pub(super) fn copy_link(&mut self) {
        let Some(index) = self.target() else {
            return;
        };
        match self.article_link(index) {
            // Pasted into a shell, a control character is a keystroke: such a link is refused
            // whole rather than copied as something else.
            Some(link) if link.contains(is_terminal_control) => {
                self.notify(NOT_COPIED, Level::Error);
            }
            Some(link) => {
                self.notify(format!("copied {link}"), Level::Info);
                self.effects.push(Effect::Copy(link));
            }
            None => self.notify(NO_LINK, Level::Info),
        }
    }

    pub(super) fn open_link(&mut self) {
        let Some(index) = self.target() else {
            return;
        };
        match self.article_link(index) {
            Some(link) => self.open_url(link),
            None => self.notify(NO_LINK, Level::Info),
        }
    }

    /// Starts asking for a link number, when the article has numbered links.
    pub(super) fn ask_link_number(&mut self) {
        let Some(index) = self.target() else {
            return;
        };
        let links = match self.library.details(index) {
            Ok(details) => links::numbered(&details.body),
            Err(_) => Vec::new(),
        };
        if links.is_empty() {
            let hint = self.keymap.label("open-link");
            self.notify(
                format!("this article has no numbered links ({hint} opens its own link)"),
                Level::Info,
            );
        } else {
            self.reader.link_prompt = Some(LinkPrompt {
                typed: String::new(),
                links,
            });
        }
    }

    /// Asks the terminal side to open `url`, if it is a link tidings opens.
    fn open_url(&mut self, url: String) {
        match links::not_openable(&url) {
            None => {
                self.notify(format!("opening {url}"), Level::Info);
                self.effects.push(Effect::Open(url));
            }
            Some(reason) => self.notify(format!("not opened: {reason} ({url})"), Level::Warning),
        }
    }
}

/// What `o` and `y` say for an article without a URL: a file path is no link to open or share.
const NO_LINK: &str = "this article has no link";
const NOT_COPIED: &str = "the link holds control characters: not copied";

/// Columns a key scrolls wide lines sideways by.
const SIDEWAYS_STEP: usize = 8;
