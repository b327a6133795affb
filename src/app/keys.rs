//! Key bindings: one table that both the key handler and the help screen read, so they cannot
//! drift apart. Keys are the app's own small type; the terminal layer translates into it.

use crate::article::Sentiment;

use super::action::Action;

/// A key press, as the app sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    Char(char),
    Ctrl(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
}

/// One line of the help screen and the keys that trigger its action.
pub struct Binding {
    pub keys: &'static [Key],
    /// How the keys are written on the help screen.
    pub label: &'static str,
    pub action: Action,
    pub help: &'static str,
}

/// Every binding outside the `/` query editor, in the order the help screen lists them.
pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: &[Key::Char('j'), Key::Down],
        label: "j ↓",
        action: Action::Down,
        help: "next headline / scroll down / next sidebar entry",
    },
    Binding {
        keys: &[Key::Char('k'), Key::Up],
        label: "k ↑",
        action: Action::Up,
        help: "previous headline / scroll up / previous entry",
    },
    Binding {
        keys: &[Key::Char('g'), Key::Home],
        label: "g Home",
        action: Action::Top,
        help: "first headline / top of article",
    },
    Binding {
        keys: &[Key::Char('G'), Key::End],
        label: "G End",
        action: Action::Bottom,
        help: "last headline / end of article",
    },
    Binding {
        keys: &[Key::PageDown, Key::Ctrl('f')],
        label: "PgDn ^f",
        action: Action::PageDown,
        help: "one page down",
    },
    Binding {
        keys: &[Key::PageUp, Key::Ctrl('b')],
        label: "PgUp ^b",
        action: Action::PageUp,
        help: "one page up",
    },
    Binding {
        keys: &[Key::Ctrl('d')],
        label: "^d",
        action: Action::HalfPageDown,
        help: "half a page down",
    },
    Binding {
        keys: &[Key::Ctrl('u')],
        label: "^u",
        action: Action::HalfPageUp,
        help: "half a page up",
    },
    Binding {
        keys: &[Key::Enter, Key::Char('l'), Key::Right],
        label: "Enter l →",
        action: Action::Open,
        help: "open the article (marks it read) / toggle a sidebar entry",
    },
    Binding {
        keys: &[Key::Esc, Key::Char('h'), Key::Left],
        label: "Esc h ←",
        action: Action::Back,
        help: "back to the headlines",
    },
    Binding {
        keys: &[Key::Tab],
        label: "Tab",
        action: Action::NextFocus,
        help: "focus: headlines → article → sidebar",
    },
    Binding {
        keys: &[Key::BackTab],
        label: "S-Tab",
        action: Action::PreviousFocus,
        help: "focus the other way",
    },
    Binding {
        keys: &[Key::Char('/')],
        label: "/",
        action: Action::StartQuery,
        help: "type a query; each key narrows the list (Enter keeps, Esc drops)",
    },
    Binding {
        keys: &[Key::Char('1')],
        label: "1",
        action: Action::ToggleSentiment(Sentiment::Positive),
        help: "only positive (toggle)",
    },
    Binding {
        keys: &[Key::Char('2')],
        label: "2",
        action: Action::ToggleSentiment(Sentiment::Neutral),
        help: "only neutral (toggle)",
    },
    Binding {
        keys: &[Key::Char('3')],
        label: "3",
        action: Action::ToggleSentiment(Sentiment::Negative),
        help: "only negative (toggle)",
    },
    Binding {
        keys: &[Key::Char('u')],
        label: "u",
        action: Action::ToggleUnreadOnly,
        help: "only unread (toggle)",
    },
    Binding {
        keys: &[Key::Char('t')],
        label: "t",
        action: Action::JumpToTags,
        help: "jump to the tags in the sidebar",
    },
    Binding {
        keys: &[Key::Char(' ')],
        label: "Space",
        action: Action::ToggleEntry,
        help: "toggle the sidebar entry as a filter",
    },
    Binding {
        keys: &[Key::Char('x')],
        label: "x",
        action: Action::ClearFilters,
        help: "clear the query and every filter",
    },
    Binding {
        keys: &[Key::Char('o')],
        label: "o",
        action: Action::CycleSort,
        help: "sort: newest → oldest → score",
    },
    Binding {
        keys: &[Key::Char('s'), Key::Char('*')],
        label: "s *",
        action: Action::ToggleStar,
        help: "star / unstar",
    },
    Binding {
        keys: &[Key::Char('r')],
        label: "r",
        action: Action::ToggleRead,
        help: "mark read / unread",
    },
    Binding {
        keys: &[Key::Char('L')],
        label: "L",
        action: Action::NextLanguage,
        help: "the same story in another language",
    },
    Binding {
        keys: &[Key::Char('y')],
        label: "y",
        action: Action::CopyLink,
        help: "copy the article's link (or its path)",
    },
    Binding {
        keys: &[Key::Char('?'), Key::Char('H')],
        label: "?",
        action: Action::ToggleHelp,
        help: "this help",
    },
    Binding {
        keys: &[Key::Char('q'), Key::Ctrl('c')],
        label: "q ^c",
        action: Action::Quit,
        help: "quit",
    },
];

/// Keys of the `/` query editor, listed on the help screen after the table.
pub const QUERY_KEYS: &[(&str, &str)] = &[
    ("Enter", "keep the query"),
    ("Esc", "drop the changes"),
    ("Backspace", "delete a character"),
    ("^w", "delete a word"),
    ("^u", "clear the query"),
    ("← → Home End", "move the cursor"),
];

/// The action bound to `key` in the table, if any.
pub fn action_for(key: Key) -> Option<Action> {
    BINDINGS
        .iter()
        .find(|binding| binding.keys.contains(&key))
        .map(|binding| binding.action)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_is_bound_twice() {
        let mut seen = std::collections::HashSet::new();
        for binding in BINDINGS {
            for key in binding.keys {
                assert!(seen.insert(*key), "{key:?} is bound twice");
            }
        }
    }

    #[test]
    fn keys_find_their_actions() {
        assert_eq!(action_for(Key::Char('j')), Some(Action::Down));
        assert_eq!(
            action_for(Key::Char('3')),
            Some(Action::ToggleSentiment(Sentiment::Negative))
        );
        assert_eq!(action_for(Key::Char('Z')), None);
    }
}
