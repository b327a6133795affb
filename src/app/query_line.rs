//! The `/` query line: text, cursor and the edits the query editor offers.

use super::action::Action;

/// The query line being typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryLine {
    pub text: String,
    /// In characters.
    pub cursor: usize,
    pub editing: bool,
    /// The text before editing began, restored by Esc.
    saved: String,
}

impl QueryLine {
    fn byte_at(&self, cursor: usize) -> usize {
        self.text
            .char_indices()
            .nth(cursor)
            .map_or(self.text.len(), |(at, _)| at)
    }

    fn len(&self) -> usize {
        self.text.chars().count()
    }

    pub fn at_end(&self) -> bool {
        self.cursor == self.len()
    }

    pub fn begin(&mut self) {
        self.saved = self.text.clone();
        self.cursor = self.len();
        self.editing = true;
    }

    pub fn insert(&mut self, c: char) {
        let at = self.byte_at(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
    }

    /// False when there was nothing before the cursor.
    pub fn backspace(&mut self) -> bool {
        if self.cursor == 0 {
            return false;
        }
        self.cursor -= 1;
        let at = self.byte_at(self.cursor);
        self.text.remove(at);
        true
    }

    /// Deletes the word before the cursor (and the spaces after it), as ^w does in a shell.
    pub fn delete_word(&mut self) {
        let end = self.byte_at(self.cursor);
        let head = &self.text[..end];
        let start = head.trim_end().rfind(' ').map_or(0, |space| space + 1);
        self.cursor = self.text[..start].chars().count();
        self.text.replace_range(start..end, "");
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.cursor = 0;
    }

    pub const fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.len());
    }

    pub const fn home(&mut self) {
        self.cursor = 0;
    }

    pub fn end(&mut self) {
        self.cursor = self.len();
    }

    /// Applies an edit of the line (typing, deleting, moving the cursor); `false` for any
    /// other action.
    pub fn edit(&mut self, action: Action) -> bool {
        match action {
            Action::QueryInput(c) => {
                if !c.is_control() {
                    self.insert(c);
                }
            }
            Action::QueryBackspace => {
                self.backspace();
            }
            Action::QueryDeleteWord => self.delete_word(),
            Action::QueryClear => self.clear(),
            Action::QueryCursorLeft => self.left(),
            Action::QueryCursorRight => self.right(),
            Action::QueryCursorHome => self.home(),
            Action::QueryCursorEnd => self.end(),
            _ => return false,
        }
        true
    }

    pub const fn accept(&mut self) {
        self.editing = false;
    }

    /// Restores the text from before editing; true when that changed it.
    pub fn cancel(&mut self) -> bool {
        self.editing = false;
        if self.text == self.saved {
            return false;
        }
        self.text = std::mem::take(&mut self.saved);
        self.cursor = self.len();
        true
    }
}

/// Whether appending `c` to the query `before` can only narrow its results, so the new query may
/// search just what `before` matched. True for more of a plain word (or a phrase) and for a new
/// plain word; false whenever a field, a negation or quoting could change meaning
/// (`tag:ET` → `tag:ETF` is another tag, `is:` → `is:d…` may admit drafts).
pub fn narrows(before: &str, c: char) -> bool {
    if c == '/' || before.contains('/') {
        // A longer pattern may match more (`a` → `a?`), a space included.
        return false;
    }
    if c.is_whitespace() {
        // Trailing space changes no term (inside a phrase it lengthens it: still narrower).
        return true;
    }
    if matches!(c, '-' | '"' | ':' | '|' | '(' | ')') {
        return false;
    }
    if before.contains(['"', '|', '(', ')']) {
        // Quotes, alternatives and groups make token boundaries subtle; search everything.
        return false;
    }
    // With `or` anywhere, a longer word may widen its side; and a word becoming `or` splits the
    // query in two.
    let or = |word: &str| word.eq_ignore_ascii_case("or");
    if before.split_whitespace().any(or) {
        return false;
    }
    let last = before.rsplit(char::is_whitespace).next().unwrap_or("");
    !or(&format!("{last}{c}")) && !last.starts_with('-') && !last.contains(':')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_respect_the_cursor() {
        let mut line = QueryLine::default();
        line.begin();
        for c in "tag:etf btc".chars() {
            line.insert(c);
        }
        line.delete_word();
        assert_eq!((line.text.as_str(), line.cursor), ("tag:etf ", 8));
        line.home();
        line.insert('-');
        line.right();
        assert!(!line.at_end());
        line.end();
        assert!(line.backspace());
        assert_eq!(line.text, "-tag:etf");
        assert!(line.cancel(), "the line was empty before");
        assert_eq!(line.text, "");
        assert!(!line.backspace());
    }

    #[test]
    fn only_plain_words_narrow() {
        assert!(narrows("bit", 'c'));
        assert!(narrows("bitcoin", ' '));
        assert!(narrows("bitcoin ", 'e'));
        assert!(narrows("", 'b'));
        assert!(!narrows("tag:et", 'f'), "another tag, not a narrower one");
        assert!(!narrows("is:", 'd'), "may admit drafts");
        assert!(!narrows("-bit", 'c'), "a longer negated word excludes less");
        assert!(!narrows("bit", '-'));
        assert!(!narrows("\"short", 's'));
        assert!(!narrows("tag:a|b", 'c'));
        assert!(!narrows("bit", ':'));
        assert!(!narrows("bitcoin o", 'r'), "the word becomes or: wider");
        assert!(!narrows("bitcoin or eth", 'e'), "one side of an or");
        assert!(!narrows("(bit", 'c'));
        assert!(!narrows("bit", '('));
        assert!(narrows("bitcoin o", 'n'));
        assert!(
            !narrows("/rate", ' '),
            "a space inside a pattern is part of it"
        );
        assert!(!narrows("/a", '|'));
        assert!(!narrows("/a", '?'));
    }
}
