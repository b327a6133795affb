//! Key bindings: one table of every binding with the contexts it applies in, its action, its
//! name (what `[keys]` in `config.toml` rebinds) and its description. The key handler, the help
//! screen and the status-bar hints all read it, through the [`Keymap`] in force, so they cannot
//! drift apart. Keys are the app's own small type; the terminal layer translates into it.

use std::collections::BTreeMap;

use crate::article::Sentiment;

use super::action::{Action, Focus};

/// A key press, as the app sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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

/// Keys with a name, as `config.toml` writes them (`ctrl-` before a letter for the others).
const NAMED_KEYS: &[(Key, &str, &str)] = &[
    // (key, name in the config, label on screen)
    (Key::Enter, "enter", "Enter"),
    (Key::Esc, "esc", "Esc"),
    (Key::Tab, "tab", "Tab"),
    (Key::BackTab, "shift-tab", "S-Tab"),
    (Key::Backspace, "backspace", "Backspace"),
    (Key::Up, "up", "↑"),
    (Key::Down, "down", "↓"),
    (Key::Left, "left", "←"),
    (Key::Right, "right", "→"),
    (Key::PageUp, "pageup", "PgUp"),
    (Key::PageDown, "pagedown", "PgDn"),
    (Key::Home, "home", "Home"),
    (Key::End, "end", "End"),
    (Key::Char(' '), "space", "Space"),
];

impl Key {
    /// Reads a key as `config.toml` writes it: one character (`q`, `Q`, `?`), `ctrl-x`, or a name
    /// (`enter`, `esc`, `tab`, `shift-tab`, `backspace`, `up`, `down`, `left`, `right`,
    /// `pageup`, `pagedown`, `home`, `end`, `space`). Names are not case-sensitive.
    pub fn parse(text: &str) -> Option<Self> {
        let mut chars = text.chars();
        if let (Some(c), None) = (chars.next(), chars.next())
            && !c.is_control()
        {
            return Some(Self::Char(c));
        }
        let lower = text.to_ascii_lowercase();
        if let Some(letter) = lower
            .strip_prefix("ctrl-")
            .or_else(|| lower.strip_prefix("ctrl+"))
            .or_else(|| lower.strip_prefix("c-"))
            .or_else(|| lower.strip_prefix('^'))
        {
            let mut chars = letter.chars();
            return match (chars.next(), chars.next()) {
                (Some(c), None) if c.is_ascii_alphabetic() => Some(Self::Ctrl(c)),
                _ => None,
            };
        }
        NAMED_KEYS
            .iter()
            .find(|(_, name, _)| *name == lower)
            .map(|(key, _, _)| *key)
    }

    /// How the key is written in `config.toml`; [`Key::parse`] reads it back.
    pub fn name(self) -> String {
        match self {
            Self::Ctrl(c) => format!("ctrl-{c}"),
            key => match NAMED_KEYS.iter().find(|(named, _, _)| *named == key) {
                Some((_, name, _)) => (*name).to_owned(),
                None => match key {
                    Self::Char(c) => c.to_string(),
                    _ => String::new(),
                },
            },
        }
    }

    /// How the key is shown on the help screen and the status line.
    pub fn label(self) -> String {
        match self {
            Self::Ctrl(c) => format!("^{c}"),
            key => match NAMED_KEYS.iter().find(|(named, _, _)| *named == key) {
                Some((_, _, label)) => (*label).to_owned(),
                None => match key {
                    Self::Char(c) => c.to_string(),
                    _ => String::new(),
                },
            },
        }
    }
}

/// Where a key is pressed: which pane has the focus, or the query editor, or the help.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyContext {
    List,
    Article,
    Sidebar,
    /// Typing a query after `/`: plain characters are typed, so only other keys are bound.
    Query,
    /// The article, while text found in it is marked (`/` there): its own keys, then the
    /// article's.
    Find,
    Help,
}

impl KeyContext {
    pub const ALL: [Self; 6] = [
        Self::List,
        Self::Article,
        Self::Sidebar,
        Self::Query,
        Self::Find,
        Self::Help,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            Self::List => "headlines",
            Self::Article => "article",
            Self::Sidebar => "sidebar",
            Self::Query => "query editor",
            Self::Find => "search in an article",
            Self::Help => "help",
        }
    }

    pub const fn of_focus(focus: Focus) -> Self {
        match focus {
            Focus::List => Self::List,
            Focus::Article => Self::Article,
            Focus::Sidebar => Self::Sidebar,
        }
    }
}

use KeyContext::{Article, Find, Help, List, Query, Sidebar};

const PANES: &[KeyContext] = &[List, Article, Sidebar];
const PANES_AND_HELP: &[KeyContext] = &[List, Article, Sidebar, Help];
const EVERYWHERE: &[KeyContext] = &KeyContext::ALL;

/// One binding: an action, the keys that trigger it by default, and where.
pub struct Binding {
    /// What `[keys]` in `config.toml` calls the action.
    pub name: &'static str,
    pub action: Action,
    pub contexts: &'static [KeyContext],
    pub keys: &'static [Key],
    /// The line on the help screen.
    pub help: &'static str,
    /// The word on the status line, by context, where the binding is worth a hint there.
    /// Neighbouring bindings with the same word share it (`j k scroll`).
    pub hints: &'static [(KeyContext, &'static str)],
}

/// Every binding, in the order the help screen lists them and the status line offers them.
pub const BINDINGS: &[Binding] = &[
    Binding {
        name: "help",
        action: Action::ToggleHelp,
        contexts: PANES_AND_HELP,
        keys: &[Key::Char('?'), Key::Char('H')],
        help: "this help",
        hints: &[(List, "help"), (Article, "help"), (Sidebar, "help")],
    },
    Binding {
        name: "down",
        action: Action::Down,
        contexts: PANES_AND_HELP,
        keys: &[Key::Char('j'), Key::Down],
        help: "next headline / scroll down / next sidebar entry",
        hints: &[(Article, "scroll"), (Sidebar, "move"), (Help, "scroll")],
    },
    Binding {
        name: "up",
        action: Action::Up,
        contexts: PANES_AND_HELP,
        keys: &[Key::Char('k'), Key::Up],
        help: "previous headline / scroll up / previous entry",
        hints: &[(Article, "scroll"), (Sidebar, "move"), (Help, "scroll")],
    },
    Binding {
        name: "top",
        action: Action::Top,
        contexts: PANES_AND_HELP,
        keys: &[Key::Char('g'), Key::Home],
        help: "first headline / top of article",
        hints: &[],
    },
    Binding {
        name: "bottom",
        action: Action::Bottom,
        contexts: PANES_AND_HELP,
        keys: &[Key::Char('G'), Key::End],
        help: "last headline / end of article",
        hints: &[],
    },
    Binding {
        name: "page-down",
        action: Action::PageDown,
        contexts: PANES_AND_HELP,
        keys: &[Key::PageDown, Key::Ctrl('f')],
        help: "one page down",
        hints: &[],
    },
    Binding {
        name: "page-up",
        action: Action::PageUp,
        contexts: PANES_AND_HELP,
        keys: &[Key::PageUp, Key::Ctrl('b')],
        help: "one page up",
        hints: &[],
    },
    Binding {
        name: "half-page-down",
        action: Action::HalfPageDown,
        contexts: PANES_AND_HELP,
        keys: &[Key::Ctrl('d')],
        help: "half a page down",
        hints: &[],
    },
    Binding {
        name: "half-page-up",
        action: Action::HalfPageUp,
        contexts: PANES_AND_HELP,
        keys: &[Key::Ctrl('u')],
        help: "half a page up",
        hints: &[],
    },
    Binding {
        name: "open",
        action: Action::Open,
        contexts: PANES,
        keys: &[Key::Enter, Key::Char('l'), Key::Right],
        help: "open the article (marks it read) / toggle a sidebar entry",
        hints: &[(List, "read")],
    },
    Binding {
        name: "back",
        action: Action::Back,
        contexts: PANES,
        keys: &[Key::Esc, Key::Char('h'), Key::Left],
        help: "back to the headlines",
        hints: &[(Article, "back")],
    },
    Binding {
        name: "next-pane",
        action: Action::NextFocus,
        contexts: PANES,
        keys: &[Key::Tab],
        help: "focus: headlines → article → sidebar",
        hints: &[(Sidebar, "headlines")],
    },
    Binding {
        name: "previous-pane",
        action: Action::PreviousFocus,
        contexts: PANES,
        keys: &[Key::BackTab],
        help: "focus the other way",
        hints: &[],
    },
    Binding {
        name: "query",
        action: Action::StartQuery,
        contexts: &[List, Sidebar],
        keys: &[Key::Char('/')],
        help: "type a query; each key narrows the list (Enter keeps, Esc drops)",
        hints: &[(List, "filter")],
    },
    Binding {
        name: "find",
        action: Action::StartFind,
        contexts: &[Article, Find],
        keys: &[Key::Char('/')],
        help: "in an article: find text in it (n N move between matches, Esc ends)",
        hints: &[(Article, "find"), (Find, "find")],
    },
    Binding {
        name: "find-next",
        action: Action::FindNext,
        contexts: &[Find],
        keys: &[Key::Char('n')],
        help: "the next match",
        hints: &[(Find, "match")],
    },
    Binding {
        name: "find-previous",
        action: Action::FindPrevious,
        contexts: &[Find],
        keys: &[Key::Char('N')],
        help: "the previous match",
        hints: &[(Find, "match")],
    },
    Binding {
        name: "find-end",
        action: Action::EndFind,
        contexts: &[Find],
        keys: &[Key::Esc],
        help: "end the search (the article's keys work as ever meanwhile)",
        hints: &[(Find, "end search")],
    },
    Binding {
        name: "positive",
        action: Action::ToggleSentiment(Sentiment::Positive),
        contexts: PANES,
        keys: &[Key::Char('1')],
        help: "only positive (toggle)",
        hints: &[(List, "sentiment")],
    },
    Binding {
        name: "neutral",
        action: Action::ToggleSentiment(Sentiment::Neutral),
        contexts: PANES,
        keys: &[Key::Char('2')],
        help: "only neutral (toggle)",
        hints: &[(List, "sentiment")],
    },
    Binding {
        name: "negative",
        action: Action::ToggleSentiment(Sentiment::Negative),
        contexts: PANES,
        keys: &[Key::Char('3')],
        help: "only negative (toggle)",
        hints: &[(List, "sentiment")],
    },
    Binding {
        name: "unread-only",
        action: Action::ToggleUnreadOnly,
        contexts: PANES,
        keys: &[Key::Char('u')],
        help: "only unread (toggle)",
        hints: &[(List, "unread")],
    },
    Binding {
        name: "tags",
        action: Action::JumpToTags,
        contexts: PANES,
        keys: &[Key::Char('t')],
        help: "jump to the tags in the sidebar",
        hints: &[(List, "tags")],
    },
    Binding {
        name: "toggle-entry",
        action: Action::ToggleEntry,
        contexts: &[Sidebar],
        keys: &[Key::Char(' ')],
        help: "toggle the sidebar entry as a filter",
        hints: &[(Sidebar, "toggle filter")],
    },
    Binding {
        name: "clear",
        action: Action::ClearFilters,
        contexts: PANES,
        keys: &[Key::Char('x')],
        help: "clear the query and every filter",
        hints: &[(List, "clear"), (Sidebar, "clear")],
    },
    Binding {
        name: "next-article",
        action: Action::NextArticle,
        contexts: &[List, Article],
        keys: &[Key::Char('J')],
        help: "next article, opened and marked read (from the list or inside one)",
        hints: &[(Article, "next")],
    },
    Binding {
        name: "previous-article",
        action: Action::PreviousArticle,
        contexts: &[List, Article],
        keys: &[Key::Char('K')],
        help: "previous article, opened and marked read",
        hints: &[(Article, "next")],
    },
    Binding {
        name: "next-unread",
        action: Action::NextUnread,
        contexts: &[List, Article],
        keys: &[Key::Char('n')],
        help: "next unread article (wraps to the top once)",
        hints: &[(List, "next unread"), (Article, "next unread")],
    },
    Binding {
        name: "page-or-next-unread",
        action: Action::PageOrNextUnread,
        contexts: &[Article],
        keys: &[Key::Char(' ')],
        help: "page down; at the end of the article, the next unread one",
        hints: &[],
    },
    Binding {
        name: "scroll-left",
        action: Action::ScrollLeft,
        contexts: &[Article],
        keys: &[Key::Char('<')],
        help: "scroll code lines too wide for the pane left",
        hints: &[],
    },
    Binding {
        name: "scroll-right",
        action: Action::ScrollRight,
        contexts: &[Article],
        keys: &[Key::Char('>')],
        help: "scroll code lines too wide for the pane right",
        hints: &[],
    },
    Binding {
        name: "zoom",
        action: Action::ToggleZoom,
        contexts: &[List, Article],
        keys: &[Key::Char('z')],
        help: "the article alone, for reading; again for every pane",
        hints: &[(Article, "zoom")],
    },
    Binding {
        name: "mark-all-read",
        action: Action::MarkAllRead,
        contexts: &[List, Article],
        keys: &[Key::Char('A')],
        help: "mark every listed article read",
        hints: &[(List, "all read")],
    },
    Binding {
        name: "undo-marks",
        action: Action::UndoMarks,
        contexts: &[List, Article],
        keys: &[Key::Char('U')],
        help: "undo the last marking (one article or all)",
        hints: &[],
    },
    Binding {
        name: "star",
        action: Action::ToggleStar,
        contexts: PANES,
        keys: &[Key::Char('s'), Key::Char('*')],
        help: "star / unstar",
        hints: &[(List, "star"), (Article, "star")],
    },
    Binding {
        name: "read",
        action: Action::ToggleRead,
        contexts: PANES,
        keys: &[Key::Char('r')],
        help: "mark read / unread",
        hints: &[(Article, "read/unread")],
    },
    Binding {
        name: "sort",
        action: Action::CycleSort,
        contexts: PANES,
        keys: &[Key::Char('O')],
        help: "sort: newest → oldest → score",
        hints: &[(List, "sort")],
    },
    Binding {
        name: "language",
        action: Action::NextLanguage,
        contexts: PANES,
        keys: &[Key::Char('L')],
        help: "the same story in another language",
        hints: &[(Article, "language")],
    },
    Binding {
        name: "open-link",
        action: Action::OpenLink,
        contexts: PANES,
        keys: &[Key::Char('o')],
        help: "open the article's link in the browser ($BROWSER, else the system's)",
        hints: &[(Article, "open link")],
    },
    Binding {
        name: "open-numbered-link",
        action: Action::OpenNumberedLink,
        contexts: PANES,
        keys: &[Key::Char('f')],
        help: "open one of the article's numbered links: type its number",
        hints: &[(Article, "link [n]")],
    },
    Binding {
        name: "copy-link",
        action: Action::CopyLink,
        contexts: PANES,
        keys: &[Key::Char('y')],
        help: "copy the article's link",
        hints: &[(Article, "copy link")],
    },
    Binding {
        name: "save-search",
        action: Action::SaveQuery,
        contexts: PANES,
        keys: &[Key::Char('S')],
        help: "save the query and filters as a search (asks for a name)",
        hints: &[],
    },
    Binding {
        name: "quit",
        action: Action::Quit,
        contexts: EVERYWHERE,
        keys: &[Key::Char('q'), Key::Ctrl('c')],
        help: "quit (in the query editor only ^c)",
        hints: &[(List, "quit")],
    },
    Binding {
        name: "query-accept",
        action: Action::QueryAccept,
        contexts: &[Query],
        keys: &[Key::Enter],
        help: "keep the query (or the name being typed)",
        hints: &[(Query, "keep")],
    },
    Binding {
        name: "query-cancel",
        action: Action::QueryCancel,
        contexts: &[Query],
        keys: &[Key::Esc],
        help: "drop the changes",
        hints: &[(Query, "drop")],
    },
    Binding {
        name: "query-backspace",
        action: Action::QueryBackspace,
        contexts: &[Query],
        keys: &[Key::Backspace],
        help: "delete a character",
        hints: &[],
    },
    Binding {
        name: "query-delete-word",
        action: Action::QueryDeleteWord,
        contexts: &[Query],
        keys: &[Key::Ctrl('w')],
        help: "delete a word",
        hints: &[],
    },
    Binding {
        name: "query-clear",
        action: Action::QueryClear,
        contexts: &[Query],
        keys: &[Key::Ctrl('u')],
        help: "clear the query",
        hints: &[(Query, "clear")],
    },
    Binding {
        name: "query-left",
        action: Action::QueryCursorLeft,
        contexts: &[Query],
        keys: &[Key::Left],
        help: "cursor left",
        hints: &[],
    },
    Binding {
        name: "query-right",
        action: Action::QueryCursorRight,
        contexts: &[Query],
        keys: &[Key::Right],
        help: "cursor right",
        hints: &[],
    },
    Binding {
        name: "query-home",
        action: Action::QueryCursorHome,
        contexts: &[Query],
        keys: &[Key::Home, Key::Ctrl('a')],
        help: "cursor to the start",
        hints: &[],
    },
    Binding {
        name: "query-end",
        action: Action::QueryCursorEnd,
        contexts: &[Query],
        keys: &[Key::End, Key::Ctrl('e')],
        help: "cursor to the end",
        hints: &[],
    },
];

/// A key from `[keys]` that cannot be used, named as the user wrote it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeymapError {
    #[error("[keys] {0:?} is not an action (`tidings config --default` lists them)")]
    UnknownAction(String),
    #[error(
        "[keys] {action}: {key:?} is not a key (a character, ctrl-x, or a name like enter, esc, pageup, space)"
    )]
    UnknownKey { action: String, key: String },
    #[error(
        "[keys] {action}: {key:?} is a plain character, which the query editor types; use a key like ctrl-x"
    )]
    TypedInQuery { action: String, key: String },
    #[error("[keys] {key:?} is bound to both {first} and {second} in the {context}")]
    Clash {
        key: String,
        first: &'static str,
        second: &'static str,
        context: &'static str,
    },
}

/// One key or several, as `[keys]` may give them: `quit = "q"` or `quit = ["q", "ctrl-c"]`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(untagged)]
pub enum KeyNames {
    One(String),
    Many(Vec<String>),
}

impl KeyNames {
    fn names(&self) -> &[String] {
        match self {
            Self::One(name) => std::slice::from_ref(name),
            Self::Many(names) => names,
        }
    }
}

/// The keys in force for each binding of [`BINDINGS`]: the defaults, or the user's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    /// By binding, in the order of [`BINDINGS`].
    keys: Vec<Vec<Key>>,
}

impl Default for Keymap {
    fn default() -> Self {
        Self {
            keys: BINDINGS
                .iter()
                .map(|binding| binding.keys.to_vec())
                .collect(),
        }
    }
}

impl Keymap {
    /// The defaults with the user's `[keys]` in place of theirs; an unknown action or key, or a
    /// key bound twice in one context, is an error.
    pub fn with_overrides(overrides: &BTreeMap<String, KeyNames>) -> Result<Self, KeymapError> {
        let mut keymap = Self::default();
        for (action, names) in overrides {
            let Some(at) = BINDINGS.iter().position(|binding| binding.name == action) else {
                return Err(KeymapError::UnknownAction(action.clone()));
            };
            let binding = &BINDINGS[at];
            let mut keys = Vec::new();
            for name in names.names() {
                let key = Key::parse(name).ok_or_else(|| KeymapError::UnknownKey {
                    action: action.clone(),
                    key: name.clone(),
                })?;
                if matches!(key, Key::Char(_)) && binding.contexts == [Query] {
                    return Err(KeymapError::TypedInQuery {
                        action: action.clone(),
                        key: name.clone(),
                    });
                }
                keys.push(key);
            }
            keymap.keys[at] = keys;
        }
        keymap.check()?;
        Ok(keymap)
    }

    /// No key may mean two things in one context.
    fn check(&self) -> Result<(), KeymapError> {
        for context in KeyContext::ALL {
            let mut seen: BTreeMap<Key, &'static str> = BTreeMap::new();
            for (binding, keys) in self.bindings_in(context) {
                for key in keys {
                    if let Some(first) = seen.insert(key, binding.name) {
                        return Err(KeymapError::Clash {
                            key: key.name(),
                            first,
                            second: binding.name,
                            context: context.name(),
                        });
                    }
                }
            }
        }
        Ok(())
    }

    /// Every binding with the keys in force for it.
    pub fn bindings(&self) -> impl Iterator<Item = (&'static Binding, &[Key])> {
        BINDINGS.iter().zip(self.keys.iter().map(Vec::as_slice))
    }

    /// The bindings that apply in `context`, with the keys that trigger them there: in the query
    /// editor plain characters are typed, never bound.
    pub fn bindings_in(
        &self,
        context: KeyContext,
    ) -> impl Iterator<Item = (&'static Binding, Vec<Key>)> {
        self.bindings()
            .filter(move |(binding, _)| binding.contexts.contains(&context))
            .map(move |(binding, keys)| {
                let keys = keys
                    .iter()
                    .copied()
                    .filter(|key| context != Query || !matches!(key, Key::Char(_)))
                    .collect();
                (binding, keys)
            })
    }

    /// The action `key` triggers in `context`, if any.
    pub fn action(&self, context: KeyContext, key: Key) -> Option<Action> {
        self.bindings_in(context)
            .find(|(_, keys)| keys.contains(&key))
            .map(|(binding, _)| binding.action)
            .or_else(|| match context {
                Find => self.action(Article, key),
                _ => None,
            })
    }

    /// The keys of the binding named `name`, as shown on screen (`"j ↓"`); empty if unbound.
    pub fn label(&self, name: &str) -> String {
        self.bindings()
            .find(|(binding, _)| binding.name == name)
            .map(|(_, keys)| label(keys))
            .unwrap_or_default()
    }

    /// The status line's hints in `context`: `(keys, word)`, most useful first. Neighbouring
    /// bindings with the same word are one hint, each with its first key (`1 2 3 sentiment`).
    pub fn hints(&self, context: KeyContext) -> Vec<(String, &'static str)> {
        let mut hints: Vec<(String, &'static str)> = Vec::new();
        for (binding, keys) in self.bindings_in(context) {
            let Some(&(_, word)) = binding.hints.iter().find(|(at, _)| *at == context) else {
                continue;
            };
            let Some(first) = keys.first() else {
                continue;
            };
            match hints.last_mut() {
                Some((label, last)) if *last == word => {
                    label.push(' ');
                    label.push_str(&first.label());
                }
                _ => hints.push((first.label(), word)),
            }
        }
        hints
    }
}

/// Keys as shown on screen, separated by spaces.
pub fn label(keys: &[Key]) -> String {
    keys.iter()
        .map(|key| key.label())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        assert_eq!(Keymap::default().check(), Ok(()));
    }

    #[test]
    fn names_are_unique_and_every_binding_has_a_key() {
        let mut names = std::collections::HashSet::new();
        for binding in BINDINGS {
            assert!(names.insert(binding.name), "{} twice", binding.name);
            assert!(!binding.keys.is_empty(), "{} has no key", binding.name);
            assert!(
                !binding.contexts.is_empty(),
                "{} applies nowhere",
                binding.name
            );
        }
    }

    #[test]
    fn keys_find_their_actions_by_context() {
        let keymap = Keymap::default();
        assert_eq!(keymap.action(List, Key::Char('j')), Some(Action::Down));
        assert_eq!(
            keymap.action(Sidebar, Key::Char('3')),
            Some(Action::ToggleSentiment(Sentiment::Negative))
        );
        assert_eq!(keymap.action(List, Key::Char('Z')), None);
        // In the query editor characters are typed: `q` is not quit there, ^c is.
        assert_eq!(keymap.action(Query, Key::Char('q')), None);
        assert_eq!(keymap.action(Query, Key::Ctrl('c')), Some(Action::Quit));
        assert_eq!(
            keymap.action(Query, Key::Ctrl('u')),
            Some(Action::QueryClear)
        );
        assert_eq!(
            keymap.action(List, Key::Ctrl('u')),
            Some(Action::HalfPageUp)
        );
        assert_eq!(keymap.action(Help, Key::Char('x')), None);
    }

    #[test]
    fn every_key_reads_back_from_its_name() {
        for (_, keys) in Keymap::default().bindings() {
            for &key in keys {
                assert_eq!(Key::parse(&key.name()), Some(key), "{key:?}");
            }
        }
        assert_eq!(Key::parse("Ctrl-C"), Some(Key::Ctrl('c')));
        assert_eq!(Key::parse("PageDown"), Some(Key::PageDown));
        assert_eq!(Key::parse("Q"), Some(Key::Char('Q')));
        assert_eq!(Key::parse("ctrl-"), None);
        assert_eq!(Key::parse("hyper-q"), None);
    }

    #[test]
    fn the_users_keys_replace_the_defaults_and_bad_ones_are_named() {
        let overrides = |pairs: &[(&str, &[&str])]| -> BTreeMap<String, KeyNames> {
            pairs
                .iter()
                .map(|(action, keys)| {
                    let keys = keys.iter().map(|k| (*k).to_owned()).collect();
                    ((*action).to_owned(), KeyNames::Many(keys))
                })
                .collect()
        };
        let keymap = Keymap::with_overrides(&overrides(&[("quit", &["Q"])])).unwrap();
        assert_eq!(keymap.action(List, Key::Char('Q')), Some(Action::Quit));
        assert_eq!(keymap.action(List, Key::Char('q')), None);
        assert_eq!(keymap.label("quit"), "Q");

        assert_eq!(
            Keymap::with_overrides(&overrides(&[("quitt", &["Q"])])),
            Err(KeymapError::UnknownAction("quitt".into()))
        );
        assert!(matches!(
            Keymap::with_overrides(&overrides(&[("quit", &["ctrl-shift-q"])])),
            Err(KeymapError::UnknownKey { .. })
        ));
        let clash = Keymap::with_overrides(&overrides(&[("quit", &["j"])])).unwrap_err();
        assert!(
            clash
                .to_string()
                .contains("\"j\" is bound to both down and quit"),
            "{clash}"
        );
        assert!(matches!(
            Keymap::with_overrides(&overrides(&[("query-accept", &["a"])])),
            Err(KeymapError::TypedInQuery { .. })
        ));
        // Moving a key away frees it for another action.
        let swapped =
            Keymap::with_overrides(&overrides(&[("quit", &["x"]), ("clear", &["X"])])).unwrap();
        assert_eq!(swapped.action(List, Key::Char('x')), Some(Action::Quit));
    }

    #[test]
    fn the_readme_names_every_action() {
        let readme = include_str!("../../README.md");
        for binding in BINDINGS {
            assert!(
                readme.contains(&format!("`{}`", binding.name)),
                "README.md does not list the action {}",
                binding.name
            );
        }
    }

    #[test]
    fn hints_come_from_the_table() {
        let keymap = Keymap::default();
        let list = keymap.hints(List);
        assert_eq!(list[0], ("?".to_owned(), "help"));
        assert!(list.contains(&("1 2 3".to_owned(), "sentiment")));
        assert!(
            keymap
                .hints(Article)
                .contains(&("j k".to_owned(), "scroll"))
        );
        assert_eq!(
            keymap.hints(Query),
            [
                ("Enter".to_owned(), "keep"),
                ("Esc".to_owned(), "drop"),
                ("^u".to_owned(), "clear")
            ]
        );
    }
}
