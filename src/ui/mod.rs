//! Presentation: Markdown and articles as styled lines, themes, and terminal output.

pub mod ansi;
pub mod article;
pub mod markdown;
pub mod theme;

pub use theme::Theme;
