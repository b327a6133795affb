//! What happens that the user did not do (see [`Event`]): the clock, the view's sizes, counting
//! in idle time, the background refresh and its new library, a failed effect.

use super::*;
use crate::app::event::Event;

impl App {
    /// Takes an event that does not come from the user; what the user does comes through
    /// [`App::update`] (and [`App::handle_key`], [`App::type_text`]).
    pub fn handle(&mut self, event: Event) {
        match event {
            Event::Tick(now) => {
                // A message made since the last tick is dated by it; after a long action (a
                // million marks) that is seconds ago: its time on screen starts now instead.
                if let Some(message) = &mut self.message
                    && std::mem::take(&mut self.message_since_tick)
                {
                    message.at = now;
                }
                self.now = now;
            }
            Event::Idle => self.count_shown(),
            Event::Drawn(viewport) => self.set_viewport(viewport),
            Event::RefreshStarted => self.refresh.refreshing = true,
            Event::RefreshProgress { read, to_read } => self.refresh.progress = (read, to_read),
            Event::Refreshed(library) => self.replace_library(*library),
            Event::LibraryUnchanged => self.library_unchanged(),
            Event::RefreshFailed(reason) => {
                self.refresh.refreshing = false;
                self.notify(
                    format!("could not refresh the library: {reason}; showing the cache"),
                    Level::Error,
                );
            }
            Event::RefreshStopped => {
                self.refresh.refreshing = false;
                self.notify("the library refresh stopped unexpectedly", Level::Error);
            }
            Event::Notice { text, level } => self.notify(text, level),
        }
    }

    /// Records what the view drew, and keeps the selection and scroll inside it.
    fn set_viewport(&mut self, viewport: Viewport) {
        self.viewport = viewport;
        self.keep_selection_in_view();
        self.reader.scroll = self.reader.scroll.min(self.max_article_scroll());
        self.keep_sidebar_cursor_in_view();
        self.help.scroll = self.help.scroll.min(self.viewport.help_max_scroll);
        self.seek_match();
    }

    /// The background refresh found the folders as the cache has them.
    fn library_unchanged(&mut self) {
        self.refresh.refreshing = false;
        // News that nothing changed must not hide a problem still being shown.
        if self
            .message()
            .is_some_and(|message| message.level != Level::Info)
        {
            return;
        }
        self.notify(
            format!(
                "library up to date: {} articles",
                thousands(self.library.len())
            ),
            Level::Info,
        );
    }

    /// Swaps in a refreshed library (loaded off the UI thread), keeping
    /// the selection, the open article, the filters, and any marks set while the refresh ran.
    /// A refresh that found nothing new changes nothing on screen.
    fn replace_library(&mut self, library: Library) {
        self.refresh.refreshing = false;
        let report = library.report();
        let unchanged = report.added + report.updated + report.removed == 0
            && library.len() == self.library.len()
            && library.roots() == self.library.roots()
            && library.problems() == self.library.problems();
        if unchanged {
            self.library_unchanged();
            return;
        }
        let selected_id = self.selected_index().map(|i| self.article(i).id.clone());
        let shown_id = self.reader.shown.map(|i| self.article(i).id.clone());
        let before = self.library.len();
        self.library = library;
        self.refresh.generation += 1;
        self.refresh.refreshing = false;
        let wanted = self.indices_by_hash(&self.changed_marks);
        let _ = self.library.adopt_marks(&wanted);
        self.list.order = sorted(self.library.columns(), self.query.sort);
        self.query.preference = Preference::new(self.library.columns(), &self.query.languages);
        self.reader.details = None;
        self.reader.shown = shown_id.and_then(|id| self.find_by_id(&id));
        // Indices mean other articles now: read the shown one's text again.
        self.load_details();
        self.refilter_keeping(selected_id.and_then(|id| self.find_by_id(&id)));
        let mut text = format!(
            "library refreshed: {} added, {} updated, {} removed ({} → {} articles)",
            thousands(report.added),
            thousands(report.updated),
            thousands(report.removed),
            thousands(before),
            thousands(self.library.len())
        );
        let problems = self.problem_summary();
        if !problems.is_empty() {
            text.push_str("; ");
            text.push_str(&problems);
        }
        let level = if problems.is_empty() {
            Level::Info
        } else {
            Level::Warning
        };
        self.notify(text, level);
    }
}
