//! Colours and text styles in one place: a colour per role (the 16 every terminal has, unless
//! `[theme]` in `config.toml` says otherwise), and a monochrome variant for `NO_COLOR`.

use std::collections::BTreeMap;
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};

use crate::article::Sentiment;

/// What a colour is for. Every role, its name in `[theme]` and its default are in [`ROLES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Positive,
    Neutral,
    Negative,
    Unknown,
    Unread,
    Heading,
    Subheading,
    Accent,
    Dim,
    Code,
    Link,
    LinkRef,
    Quote,
    Source,
    Selection,
    SelectionText,
    SelectionUnfocused,
    Border,
    BorderUnfocused,
    Error,
    Warning,
    Match,
    CurrentMatch,
}

/// Every role: its name in `[theme]`, its default colour and what it colours.
pub const ROLES: &[(Role, &str, Color, &str)] = &[
    (
        Role::Positive,
        "positive",
        Color::Green,
        "positive sentiment",
    ),
    (Role::Neutral, "neutral", Color::Gray, "neutral sentiment"),
    (Role::Negative, "negative", Color::Red, "negative sentiment"),
    (
        Role::Unknown,
        "unknown",
        Color::DarkGray,
        "unknown sentiment",
    ),
    (
        Role::Unread,
        "unread",
        Color::Yellow,
        "the unread and starred marks, the pinned flag",
    ),
    (
        Role::Heading,
        "heading",
        Color::Cyan,
        "article headings, first and second level",
    ),
    (
        Role::Subheading,
        "subheading",
        Color::Blue,
        "smaller headings, help sections",
    ),
    (
        Role::Accent,
        "accent",
        Color::Yellow,
        "keys in hints and help, the query, chosen entries",
    ),
    (
        Role::Dim,
        "dim",
        Color::DarkGray,
        "dates, counts, secondary text",
    ),
    (
        Role::Code,
        "code",
        Color::Yellow,
        "code in articles, query syntax in the help",
    ),
    (Role::Link, "link", Color::Blue, "links in articles"),
    (Role::LinkRef, "link-ref", Color::Magenta, "link numbers"),
    (Role::Quote, "quote", Color::Gray, "block quotes"),
    (
        Role::Source,
        "source",
        Color::Cyan,
        "the source in the headline list",
    ),
    (
        Role::Selection,
        "selection",
        Color::Blue,
        "the selected row's background",
    ),
    (
        Role::SelectionText,
        "selection-text",
        Color::White,
        "the selected row's text",
    ),
    (
        Role::SelectionUnfocused,
        "selection-unfocused",
        Color::DarkGray,
        "the selected row in a pane without focus",
    ),
    (
        Role::Border,
        "border",
        Color::Cyan,
        "the focused pane's border",
    ),
    (
        Role::BorderUnfocused,
        "border-unfocused",
        Color::DarkGray,
        "other borders",
    ),
    (Role::Error, "error", Color::Red, "errors"),
    (Role::Warning, "warning", Color::Yellow, "warnings"),
    (
        Role::Match,
        "match",
        Color::Yellow,
        "the background of query words and text found in an article",
    ),
    (
        Role::CurrentMatch,
        "current-match",
        Color::Magenta,
        "the background of the match n / N went to",
    ),
];

/// A colour per role, by the role's place in [`ROLES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    colors: [Color; ROLES.len()],
}

impl Default for Palette {
    fn default() -> Self {
        let mut colors = [Color::Reset; ROLES.len()];
        for (slot, (_, _, color, _)) in colors.iter_mut().zip(ROLES) {
            *slot = *color;
        }
        Self { colors }
    }
}

/// A `[theme]` entry that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaletteError {
    #[error("[theme] {0:?} is not a role (`tidings config --default` lists them)")]
    UnknownRole(String),
    #[error(
        "[theme] {role}: {color:?} is not a colour (a name like red or light-blue, #rrggbb, or 0-255)"
    )]
    BadColor { role: String, color: String },
}

impl Palette {
    /// The defaults with the user's `[theme]` (role name → colour) in place of theirs.
    pub fn with_overrides(overrides: &BTreeMap<String, String>) -> Result<Self, PaletteError> {
        let mut palette = Self::default();
        for (role, color) in overrides {
            let at = ROLES
                .iter()
                .position(|(_, name, _, _)| name == role)
                .ok_or_else(|| PaletteError::UnknownRole(role.clone()))?;
            palette.colors[at] = Color::from_str(color).map_err(|_| PaletteError::BadColor {
                role: role.clone(),
                color: color.clone(),
            })?;
        }
        Ok(palette)
    }

    fn get(&self, role: Role) -> Color {
        let at = ROLES
            .iter()
            .position(|(listed, _, _, _)| *listed == role)
            .unwrap_or_default();
        self.colors[at]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
    pub palette: Palette,
}

impl Theme {
    /// Colour unless `NO_COLOR` is set (to anything non-empty), as no-color.org asks: it wins
    /// over any `[theme]`.
    pub fn from_env(palette: Palette) -> Self {
        Self {
            color: std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty()),
            palette,
        }
    }

    /// The default colours.
    pub fn colored() -> Self {
        Self {
            color: true,
            palette: Palette::default(),
        }
    }

    /// No colour at all.
    pub fn plain() -> Self {
        Self {
            color: false,
            palette: Palette::default(),
        }
    }

    fn fg(self, role: Role) -> Style {
        if self.color {
            Style::new().fg(self.palette.get(role))
        } else {
            Style::new()
        }
    }

    pub fn sentiment(self, sentiment: Sentiment) -> Style {
        self.fg(match sentiment {
            Sentiment::Positive => Role::Positive,
            Sentiment::Negative => Role::Negative,
            Sentiment::Neutral => Role::Neutral,
            Sentiment::Unknown => Role::Unknown,
        })
    }

    pub fn heading(self, level: u8) -> Style {
        match level {
            1 => self
                .fg(Role::Heading)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            2 => self.fg(Role::Heading).add_modifier(Modifier::BOLD),
            _ => self.fg(Role::Subheading).add_modifier(Modifier::BOLD),
        }
    }

    pub const fn title(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn dim(self) -> Style {
        if self.color {
            self.fg(Role::Dim)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    pub fn code(self) -> Style {
        self.fg(Role::Code)
    }

    pub fn link(self) -> Style {
        self.fg(Role::Link).add_modifier(Modifier::UNDERLINED)
    }

    pub fn link_ref(self) -> Style {
        self.fg(Role::LinkRef)
    }

    pub fn quote(self) -> Style {
        self.fg(Role::Quote).add_modifier(Modifier::ITALIC)
    }

    pub fn accent(self) -> Style {
        self.fg(Role::Accent).add_modifier(Modifier::BOLD)
    }

    /// The unread and starred marks and the pinned flag in the headline list.
    pub fn unread(self) -> Style {
        self.fg(Role::Unread).add_modifier(Modifier::BOLD)
    }

    pub fn source(self) -> Style {
        self.fg(Role::Source)
    }

    /// The selected row: a coloured bar in the focused pane, a grey one elsewhere; reversed
    /// video without colour.
    pub fn selection(self, focused: bool) -> Style {
        match (self.color, focused) {
            (true, true) => Style::new()
                .bg(self.palette.get(Role::Selection))
                .fg(self.palette.get(Role::SelectionText)),
            (true, false) => Style::new().bg(self.palette.get(Role::SelectionUnfocused)),
            (false, true) => Style::new().add_modifier(Modifier::REVERSED),
            (false, false) => Style::new().add_modifier(Modifier::UNDERLINED),
        }
    }

    pub fn border(self, focused: bool) -> Style {
        match (self.color, focused) {
            (true, true) => self.fg(Role::Border),
            (true, false) => self.fg(Role::BorderUnfocused),
            (false, true) => Style::new().add_modifier(Modifier::BOLD),
            (false, false) => Style::new(),
        }
    }

    pub fn error(self) -> Style {
        self.fg(Role::Error).add_modifier(Modifier::BOLD)
    }

    /// The part of a query that could not be understood: underlined, so it shows without colour.
    pub fn error_mark(self) -> Style {
        self.error().add_modifier(Modifier::UNDERLINED)
    }

    pub fn warning(self) -> Style {
        self.fg(Role::Warning)
    }

    /// Query words and found text: dark on a coloured background, so they stand out in any
    /// text colour; reversed without colour.
    pub fn matched(self) -> Style {
        if self.color {
            Style::new()
                .bg(self.palette.get(Role::Match))
                .fg(Color::Black)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    /// The match `n` / `N` went to.
    pub fn current_match(self) -> Style {
        if self.color {
            Style::new()
                .bg(self.palette.get(Role::CurrentMatch))
                .fg(Color::Black)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD | Modifier::UNDERLINED)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_is_listed_once() {
        for (n, (role, name, _, _)) in ROLES.iter().enumerate() {
            let first = ROLES.iter().position(|(r, _, _, _)| r == role);
            assert_eq!(first, Some(n), "{name} listed twice");
        }
    }

    #[test]
    fn the_readme_names_every_role() {
        let readme = include_str!("../../README.md");
        for (_, name, _, _) in ROLES {
            assert!(
                readme.contains(&format!("`{name}`")),
                "README.md lacks {name}"
            );
        }
    }

    #[test]
    fn the_users_colours_replace_the_defaults_and_bad_ones_are_named() {
        let overrides = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(role, color)| ((*role).to_owned(), (*color).to_owned()))
                .collect()
        };
        let palette =
            Palette::with_overrides(&overrides(&[("positive", "#00ff88"), ("unread", "214")]))
                .unwrap();
        assert_eq!(palette.get(Role::Positive), Color::Rgb(0, 255, 136));
        assert_eq!(palette.get(Role::Unread), Color::Indexed(214));
        assert_eq!(
            palette.get(Role::Negative),
            Color::Red,
            "the rest unchanged"
        );
        assert_eq!(
            Palette::with_overrides(&overrides(&[("postive", "red")])),
            Err(PaletteError::UnknownRole("postive".into()))
        );
        assert!(matches!(
            Palette::with_overrides(&overrides(&[("positive", "ultraviolet")])),
            Err(PaletteError::BadColor { .. })
        ));
        // NO_COLOR's theme has no colour whatever the palette says.
        let plain = Theme {
            color: false,
            palette,
        };
        assert_eq!(plain.sentiment(Sentiment::Positive), Style::new());
    }
}
