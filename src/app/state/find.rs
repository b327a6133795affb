//! Finding text in the open article (`/` there): the text is typed on the status line, every
//! place it occurs is marked as the view finds them, and `n`/`N` move from one to the next until
//! Esc ends the search. Where the matches are depends on how the article is wrapped, so the view
//! reports their lines ([`Viewport::found_lines`]) and the app scrolls to them.

use super::*;

/// A search inside the open article.
pub(super) struct Find {
    /// The text searched for; being typed while `line.editing`.
    pub(super) line: QueryLine,
    /// The match the reader was taken to, by its place among the view's matches.
    pub(super) current: Option<usize>,
    /// Go to the first match from `from` once the view has found the matches (the text
    /// changed).
    pub(super) seek: bool,
    /// Where the article was scrolled when the search began: typing looks from there.
    pub(super) from: usize,
}

impl App {
    /// The text searched for in the article, and which match is current, while a search is on.
    pub fn find(&self) -> Option<(&QueryLine, Option<usize>)> {
        self.reader
            .find
            .as_ref()
            .map(|find| (&find.line, find.current))
    }

    pub(super) fn start_find(&mut self) {
        if self.reader.shown.is_none() {
            return;
        }
        let mut line = QueryLine::default();
        if let Some(previous) = self.reader.find.take() {
            // `/` again edits the search under way, as a query line does.
            line = previous.line;
        }
        line.begin();
        self.reader.find = Some(Find {
            line,
            current: None,
            seek: true,
            from: self.reader.scroll,
        });
    }

    /// Edits the text searched for; `false` for what is not an edit (quitting).
    pub(super) fn edit_find(&mut self, action: Action) -> bool {
        let Some(find) = self.reader.find.as_mut() else {
            return false;
        };
        match action {
            Action::QueryAccept => {
                find.line.accept();
                if find.line.text.is_empty() {
                    self.reader.find = None;
                } else if find.current.is_none() && self.viewport.found_lines.is_empty() {
                    let text = find.line.text.clone();
                    self.notify(format!("{text:?} is not in this article"), Level::Info);
                }
                return true;
            }
            Action::QueryCancel => {
                self.reader.find = None;
                return true;
            }
            _ => {}
        }
        if !find.line.edit(action) {
            return false;
        }
        find.current = None;
        find.seek = true;
        true
    }

    /// `n`/`N`: the next or previous match, wrapping around the article.
    pub(super) fn step_match(&mut self, forward: bool) {
        let found = self.viewport.found_lines.len();
        let Some(find) = self.reader.find.as_mut() else {
            return;
        };
        if found == 0 {
            let text = find.line.text.clone();
            self.notify(format!("{text:?} is not in this article"), Level::Info);
            return;
        }
        let next = match find.current {
            Some(current) if forward => (current + 1) % found,
            Some(current) => (current + found - 1) % found,
            None => {
                // From where the reader is: the first match on screen or after it.
                let top = self.reader.scroll;
                let lines = &self.viewport.found_lines;
                if forward {
                    lines.iter().position(|&line| line >= top).unwrap_or(0)
                } else {
                    lines
                        .iter()
                        .rposition(|&line| line < top)
                        .unwrap_or(found - 1)
                }
            }
        };
        self.go_to_match(next);
    }

    fn go_to_match(&mut self, at: usize) {
        let Some(&line) = self.viewport.found_lines.get(at) else {
            return;
        };
        if let Some(find) = self.reader.find.as_mut() {
            find.current = Some(at);
            find.seek = false;
        }
        let rows = self.viewport.article_rows.max(1);
        let top = self.reader.scroll;
        if line < top || line >= top + rows {
            // A third of the way down the pane: what leads up to it stays in sight.
            self.reader.scroll = line.saturating_sub(rows / 3).min(self.max_article_scroll());
        }
        let total = self.viewport.found_lines.len();
        self.notify(format!("match {} of {total}", at + 1), Level::Info);
    }

    /// The view has found the matches of newly typed text: go to the first on screen or after.
    pub(super) fn seek_match(&mut self) {
        let Some(find) = self.reader.find.as_mut() else {
            return;
        };
        if !find.seek || self.viewport.found_lines.is_empty() {
            return;
        }
        find.seek = false;
        let from = find.from;
        let lines = &self.viewport.found_lines;
        let first = lines.iter().position(|&line| line >= from).unwrap_or(0);
        self.go_to_match(first);
    }

    /// Ends the search in the article (Esc while it is on).
    pub(super) fn end_find(&mut self) {
        self.reader.find = None;
    }
}
