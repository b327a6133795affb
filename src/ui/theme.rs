//! Colours and text styles in one place, with a monochrome variant for `NO_COLOR`.

use ratatui::style::{Color, Modifier, Style};

use crate::article::Sentiment;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    /// Colour unless `NO_COLOR` is set (to anything non-empty), as no-color.org asks.
    pub fn from_env() -> Self {
        Self {
            color: std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty()),
        }
    }

    const fn fg(self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    pub const fn sentiment(self, sentiment: Sentiment) -> Style {
        self.fg(match sentiment {
            Sentiment::Positive => Color::Green,
            Sentiment::Negative => Color::Red,
            Sentiment::Neutral => Color::Gray,
            Sentiment::Unknown => Color::DarkGray,
        })
    }

    pub fn heading(self, level: u8) -> Style {
        match level {
            1 => self
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            2 => self.fg(Color::Cyan).add_modifier(Modifier::BOLD),
            _ => self.fg(Color::Blue).add_modifier(Modifier::BOLD),
        }
    }

    pub const fn title(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub const fn dim(self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    pub const fn code(self) -> Style {
        self.fg(Color::Yellow)
    }

    pub const fn link(self) -> Style {
        self.fg(Color::Blue).add_modifier(Modifier::UNDERLINED)
    }

    pub const fn link_ref(self) -> Style {
        self.fg(Color::Magenta)
    }

    pub const fn quote(self) -> Style {
        self.fg(Color::Gray).add_modifier(Modifier::ITALIC)
    }

    pub const fn accent(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub const fn source(self) -> Style {
        self.fg(Color::Cyan)
    }

    /// The selected row: a coloured bar in the focused pane, a grey one elsewhere; reversed
    /// video without colour.
    pub const fn selection(self, focused: bool) -> Style {
        match (self.color, focused) {
            (true, true) => Style::new().bg(Color::Blue).fg(Color::White),
            (true, false) => Style::new().bg(Color::DarkGray),
            (false, true) => Style::new().add_modifier(Modifier::REVERSED),
            (false, false) => Style::new().add_modifier(Modifier::UNDERLINED),
        }
    }

    pub const fn border(self, focused: bool) -> Style {
        match (self.color, focused) {
            (true, true) => Style::new().fg(Color::Cyan),
            (true, false) => Style::new().fg(Color::DarkGray),
            (false, true) => Style::new().add_modifier(Modifier::BOLD),
            (false, false) => Style::new(),
        }
    }

    pub const fn error(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    /// The part of a query that could not be understood: underlined, so it shows without colour.
    pub const fn error_mark(self) -> Style {
        self.error().add_modifier(Modifier::UNDERLINED)
    }

    pub const fn warning(self) -> Style {
        self.fg(Color::Yellow)
    }
}
